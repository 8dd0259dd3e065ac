#include "pkgdb_go.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/err.h"
#include "core/strbuf.h"
#include "core/util.h"
#include "gomodinfo.h"

#define HEAD_MAX ((size_t)64 * 1024) /* kept from the start for the segment table */
#define SEGS_MAX 64
#define CARRY 15 /* longest pattern (16 bytes) minus one */
#define MAGIC_MAX 8
#define VCAND_MAX 256
#define VCAND_LEN 48
#define MCAND_MAX 4

static const unsigned char bi_magic[14] = { 0xff, ' ', 'G', 'o', ' ', 'b', 'u', 'i', 'l', 'd', 'i', 'n', 'f', ':' };
/* cmd/go/internal/modload infoStart and infoEnd: the framing of the module info. */
static const unsigned char info_start[16] = { 0x30, 0x77, 0xaf, 0x0c, 0x92, 0x74, 0x08, 0x02,
					      0x41, 0xe1, 0xc1, 0x07, 0xe6, 0xd6, 0x18, 0xe6 };
static const unsigned char info_end[16] = { 0xf9, 0x32, 0x43, 0x31, 0x86, 0x18, 0x20, 0x72,
					    0x00, 0x82, 0x42, 0x10, 0x41, 0x16, 0xd8, 0xf2 };

enum fmt { FMT_UNKNOWN, FMT_NONE, FMT_ELF, FMT_MACHO, FMT_PE };
enum state { ST_SEARCH, ST_INLINE, ST_PTR, ST_DONE };
/* The four captures of the pointer format. */
enum { REQ_HDR_VERS, REQ_HDR_MOD, REQ_STR_VERS, REQ_STR_MOD, REQ_N };

struct seg {
	uint64_t vaddr, off, size;
	int writable;
};

/* The bytes of the file from offset start on, at most max of them. */
struct capture {
	uint64_t start;
	size_t max;
	int active;
	struct strbuf buf;
};

struct gobin {
	char *path;
	uint64_t off; /* bytes fed so far */
	enum fmt fmt;
	enum state state;
	int rc; /* first content error, reported by gobin_finish */
	struct strbuf msg;
	struct strbuf head;
	int segs_final;
	struct seg segs[SEGS_MAX];
	size_t nsegs;
	unsigned char carry[CARRY];
	size_t ncarry;
	/* header candidates in file order, until one is committed */
	struct capture magic[MAGIC_MAX];
	size_t nmagic;
	struct capture win; /* the committed header and, for Go 1.18+, what follows */
	int ptrsize, bigendian;
	/* pre-1.18: copies of what could be the version and the module info */
	struct capture vcand[VCAND_MAX];
	size_t nvcand, vfirst;
	struct capture mcand[MCAND_MAX];
	size_t nmcand;
	int cands_dropped;
	struct capture req[REQ_N];
	int hdr_requested;
	int str_found[2];
	/* the result */
	struct strbuf vers, mod;
};

int gobin_is_candidate(const unsigned char *h, size_t n)
{
	if (n >= 4 && !memcmp(h, "\x7f" "ELF", 4))
		return 1;
	if (n >= 2 && h[0] == 'M' && h[1] == 'Z')
		return 1;
	if (n >= 4 && ((h[0] == 0xfe && h[1] == 0xed && h[2] == 0xfa && (h[3] == 0xce || h[3] == 0xcf)) ||
		       ((h[0] == 0xce || h[0] == 0xcf) && h[1] == 0xfa && h[2] == 0xed && h[3] == 0xfe)))
		return 1;
	return 0;
}

/* Record the first content error; the work stops there. */
static void fail(struct gobin *g, int code, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void fail(struct gobin *g, int code, const char *fmt, ...)
{
	va_list ap;

	if (g->rc == 0) {
		g->rc = code;
		strbuf_reset(&g->msg);
		va_start(ap, fmt);
		strbuf_vaddf(&g->msg, fmt, ap);
		va_end(ap);
	}
	g->state = ST_DONE;
}

static void cap_init(struct capture *c, uint64_t start, size_t max)
{
	c->start = start;
	c->max = max;
	c->active = 1;
	strbuf_init(&c->buf, max);
}

static void cap_release(struct capture *c)
{
	strbuf_release(&c->buf);
	c->active = 0;
}

/* Give c what it needs of the bytes p[0..n) found at file offset base. */
static int cap_feed(struct capture *c, uint64_t base, const unsigned char *p, size_t n)
{
	uint64_t want = c->start + c->buf.len;
	size_t k;
	int rc;

	if (!c->active || want < base || want - base >= n)
		return 0;
	k = n - (size_t)(want - base);
	if (k > c->max - c->buf.len)
		k = c->max - c->buf.len;
	if ((rc = strbuf_add(&c->buf, p + (want - base), k)) < 0)
		return rc;
	if (c->buf.len == c->max)
		c->active = 0;
	return 0;
}

static uint64_t rd(const unsigned char *p, int size, int be)
{
	uint64_t v = 0;
	int i;

	for (i = 0; i < size; i++)
		v |= (uint64_t)p[be ? i : size - 1 - i] << (8 * (size - 1 - i));
	return v;
}

static void seg_add(struct gobin *g, uint64_t vaddr, uint64_t off, uint64_t size, int writable)
{
	if (size == 0 || g->nsegs == SEGS_MAX || off + size < off || vaddr + size < vaddr)
		return;
	g->segs[g->nsegs].vaddr = vaddr;
	g->segs[g->nsegs].off = off;
	g->segs[g->nsegs].size = size;
	g->segs[g->nsegs].writable = writable;
	g->nsegs++;
}

static void segs_elf(struct gobin *g, const unsigned char *h, size_t n)
{
	int is64 = h[4] == 2, be = h[5] == 2;
	uint64_t phoff, phentsize, phnum, i;

	if ((h[4] != 1 && h[4] != 2) || n < 64)
		return;
	phoff = is64 ? rd(h + 0x20, 8, be) : rd(h + 0x1c, 4, be);
	phentsize = rd(h + (is64 ? 0x36 : 0x2a), 2, be);
	phnum = rd(h + (is64 ? 0x38 : 0x2c), 2, be);
	if (phentsize < (is64 ? 56u : 32u) || phoff > n || phnum > (n - phoff) / phentsize)
		return;
	for (i = 0; i < phnum; i++) {
		const unsigned char *p = h + phoff + i * phentsize;
		uint64_t flags, off, vaddr, filesz;

		if (rd(p, 4, be) != 1) /* PT_LOAD */
			continue;
		if (is64) {
			flags = rd(p + 4, 4, be), off = rd(p + 8, 8, be), vaddr = rd(p + 16, 8, be);
			filesz = rd(p + 32, 8, be);
		} else {
			off = rd(p + 4, 4, be), vaddr = rd(p + 8, 4, be), filesz = rd(p + 16, 4, be);
			flags = rd(p + 24, 4, be);
		}
		seg_add(g, vaddr, off, filesz, (flags & 2) != 0); /* PF_W */
	}
}

static void segs_macho(struct gobin *g, const unsigned char *h, size_t n)
{
	int be = h[0] == 0xfe, is64 = (be ? h[3] : h[0]) == 0xcf;
	size_t p = is64 ? 32 : 28;
	uint64_t ncmds, i;

	if (n < p)
		return;
	ncmds = rd(h + 16, 4, be);
	for (i = 0; i < ncmds && p + 8 <= n; i++) {
		uint64_t cmd = rd(h + p, 4, be), size = rd(h + p + 4, 4, be);

		if (size < 8 || size > n - p)
			return;
		if (cmd == 0x19 && size >= 72) /* LC_SEGMENT_64 */
			seg_add(g, rd(h + p + 24, 8, be), rd(h + p + 40, 8, be), rd(h + p + 48, 8, be),
				(rd(h + p + 60, 4, be) & 2) != 0);
		else if (cmd == 0x1 && size >= 56) /* LC_SEGMENT */
			seg_add(g, rd(h + p + 24, 4, be), rd(h + p + 32, 4, be), rd(h + p + 36, 4, be),
				(rd(h + p + 44, 4, be) & 2) != 0);
		p += size;
	}
}

static void segs_pe(struct gobin *g, const unsigned char *h, size_t n)
{
	uint64_t lfanew, nsec, optsz, opt, base, i;

	if (n < 0x40)
		return;
	lfanew = rd(h + 0x3c, 4, 0);
	if (lfanew > n - 24 || memcmp(h + lfanew, "PE\0\0", 4))
		return;
	nsec = rd(h + lfanew + 6, 2, 0);
	optsz = rd(h + lfanew + 20, 2, 0);
	opt = lfanew + 24;
	if (optsz < 32 || optsz > n - opt)
		return;
	if (rd(h + opt, 2, 0) == 0x10b)
		base = rd(h + opt + 28, 4, 0);
	else if (rd(h + opt, 2, 0) == 0x20b)
		base = rd(h + opt + 24, 8, 0);
	else
		return;
	for (i = 0; i < nsec && opt + optsz + 40 * (i + 1) <= n; i++) {
		const unsigned char *e = h + opt + optsz + 40 * i;
		uint64_t ch = rd(e + 36, 4, 0);

		seg_add(g, base + rd(e + 12, 4, 0), rd(e + 20, 4, 0), rd(e + 16, 4, 0), (ch & 0x80000000u) != 0);
	}
}

/* Read the segment table from the kept head once it can no longer grow. */
static void segs_load(struct gobin *g, int final)
{
	const unsigned char *h = (const unsigned char *)g->head.buf;

	if (g->segs_final)
		return;
	g->nsegs = 0;
	if (g->fmt == FMT_ELF)
		segs_elf(g, h, g->head.len);
	else if (g->fmt == FMT_MACHO)
		segs_macho(g, h, g->head.len);
	else if (g->fmt == FMT_PE)
		segs_pe(g, h, g->head.len);
	g->segs_final = final || g->head.len == HEAD_MAX;
}

/* The file offset of [vaddr, vaddr+len), or -1 when no segment holds it. */
static int64_t segs_offset(const struct gobin *g, uint64_t vaddr, uint64_t len)
{
	size_t i;

	for (i = 0; i < g->nsegs; i++) {
		const struct seg *s = &g->segs[i];

		if (vaddr >= s->vaddr && vaddr - s->vaddr <= s->size && len <= s->size - (vaddr - s->vaddr) &&
		    s->off + (vaddr - s->vaddr) <= INT64_MAX)
			return (int64_t)(s->off + (vaddr - s->vaddr));
	}
	return -1;
}

/*
 * Go's .go.buildinfo is in a writable segment (at its start, or deeper with
 * an external linker); a string constant spelling the magic, as in any
 * program using debug/buildinfo, lives in read-only data and is passed over.
 */
static int segs_allow_header(const struct gobin *g, uint64_t off)
{
	size_t i;

	if (g->nsegs == 0)
		return 1;
	for (i = 0; i < g->nsegs; i++)
		if (g->segs[i].writable && off >= g->segs[i].off && off - g->segs[i].off < g->segs[i].size)
			return 1;
	return 0;
}

int gobin_new(struct gobin **out, const char *path)
{
	struct gobin *g = calloc(1, sizeof(*g));

	*out = NULL;
	if (!g || !(g->path = strdup(path ? path : ""))) {
		free(g);
		return err_set(ERR_NOMEM, "out of memory");
	}
	strbuf_init(&g->head, HEAD_MAX);
	strbuf_init(&g->msg, 4096);
	strbuf_init(&g->vers, GOBIN_WINDOW_MAX);
	strbuf_init(&g->mod, GOBIN_WINDOW_MAX);
	*out = g;
	return 0;
}

static void drop_cands(struct gobin *g)
{
	size_t i;

	for (i = 0; i < g->nvcand; i++)
		cap_release(&g->vcand[i]);
	for (i = 0; i < g->nmcand; i++)
		cap_release(&g->mcand[i]);
	for (i = 0; i < g->nmagic; i++)
		cap_release(&g->magic[i]);
	g->nvcand = g->vfirst = g->nmcand = g->nmagic = 0;
}

void gobin_free(struct gobin *g)
{
	size_t i;

	if (!g)
		return;
	drop_cands(g);
	cap_release(&g->win);
	for (i = 0; i < REQ_N; i++)
		cap_release(&g->req[i]);
	strbuf_release(&g->head);
	strbuf_release(&g->msg);
	strbuf_release(&g->vers);
	strbuf_release(&g->mod);
	free(g->path);
	free(g);
}

/* A pattern match at file offset at whose bytes so far are p[0..n) (offset base). */
static int on_match(struct gobin *g, int which, uint64_t at, uint64_t base, const unsigned char *p, size_t n)
{
	struct capture *c;

	if (which == 0) {
		/* Refuse what the segment table already rules out, so that the few slots go to real candidates. */
		if (at % 16)
			return 0;
		segs_load(g, 0);
		if (!segs_allow_header(g, at) || g->nmagic == MAGIC_MAX)
			return 0;
		c = &g->magic[g->nmagic++];
		cap_init(c, at, 32);
	} else if (which == 1) {
		if (g->nmcand == MCAND_MAX) {
			g->cands_dropped = 1;
			return 0;
		}
		c = &g->mcand[g->nmcand++];
		cap_init(c, at, GOBIN_WINDOW_MAX);
	} else {
		if (g->nvcand == VCAND_MAX) {
			g->cands_dropped = 1;
			return 0;
		}
		c = &g->vcand[g->nvcand++];
		cap_init(c, at, VCAND_LEN);
	}
	return cap_feed(c, base, p, n);
}

/*
 * Find the patterns in p[0..n) (file offset base) that start before
 * maxstart and end after minend; a new capture gets p[..feed) at once.
 */
static int scan(struct gobin *g, const unsigned char *p, size_t n, uint64_t base, size_t maxstart, size_t minend,
		size_t feed)
{
	static const struct {
		const unsigned char *s;
		size_t len;
	} pat[3] = { { bi_magic, 14 }, { info_start, 16 }, { (const unsigned char *)"go1.", 4 } };
	int k, rc;

	for (k = 0; k < 3; k++) {
		const unsigned char *q = p, *end = p + n, *m;

		while ((size_t)(end - q) >= pat[k].len && (m = util_memmem(q, (size_t)(end - q), pat[k].s, pat[k].len))) {
			size_t i = (size_t)(m - p);

			if (i >= maxstart)
				break;
			if (i + pat[k].len > minend && (rc = on_match(g, k, base + i, base, p, feed)) < 0)
				return rc;
			q = m + 1;
		}
	}
	return 0;
}

/* Module info framed by the sentinels ends at infoEnd; stop copying there. */
static void mcand_check_end(struct capture *c, size_t before)
{
	size_t from = before > 15 ? before - 15 : 16;
	const char *e;

	if (!c->active || c->buf.len < 32 || from >= c->buf.len)
		return;
	e = util_memmem(c->buf.buf + from, c->buf.len - from, info_end, 16);
	if (e) {
		strbuf_setlen(&c->buf, (size_t)(e - c->buf.buf) + 16);
		c->active = 0;
	}
}

static int feed_all(struct gobin *g, uint64_t base, const unsigned char *p, size_t n)
{
	size_t i;
	int rc = 0;

	for (i = 0; i < g->nmagic && rc == 0; i++)
		rc = cap_feed(&g->magic[i], base, p, n);
	if (rc == 0)
		rc = cap_feed(&g->win, base, p, n);
	for (i = 0; i < REQ_N && rc == 0; i++)
		rc = cap_feed(&g->req[i], base, p, n);
	for (i = 0; i < g->nmcand && rc == 0; i++) {
		size_t before = g->mcand[i].buf.len;

		rc = cap_feed(&g->mcand[i], base, p, n);
		mcand_check_end(&g->mcand[i], before);
	}
	for (i = g->vfirst; i < g->nvcand && rc == 0; i++)
		rc = cap_feed(&g->vcand[i], base, p, n);
	/* Version candidates are created in file order and live VCAND_LEN bytes: the live ones are a suffix. */
	while (g->vfirst < g->nvcand && !g->vcand[g->vfirst].active)
		g->vfirst++;
	return rc;
}

/* Go's binary.Uvarint: -1 malformed, 0 need more bytes, else the length used. */
static int uvarint(const unsigned char *p, size_t n, uint64_t *v)
{
	uint64_t x = 0;
	unsigned s = 0;
	size_t i;

	for (i = 0; i < n && i < 10; i++) {
		if (p[i] < 0x80) {
			if (i == 9 && p[i] > 1)
				return -1;
			*v = x | (uint64_t)p[i] << s;
			return (int)i + 1;
		}
		x |= (uint64_t)(p[i] & 0x7f) << s;
		s += 7;
	}
	return i == 10 ? -1 : 0;
}

/* Go 1.18+: 1 when the version and module info are complete in the window, 0 when more is needed. */
static int parse_inline(struct gobin *g)
{
	const unsigned char *w = (const unsigned char *)g->win.buf.buf;
	size_t n = g->win.buf.len, at = 32, part[2][2];
	uint64_t len;
	int i, k;

	for (i = 0; i < 2; i++) {
		if ((k = uvarint(w + at, n - at, &len)) < 0) {
			fail(g, ERR_PARSE, "%s: malformed Go build info (bad string length)", g->path);
			return -1;
		}
		if (k == 0 || len > n - at - (size_t)k) {
			if (k > 0 && len > GOBIN_WINDOW_MAX) {
				fail(g, ERR_LIMIT, "%s: Go build info string of %llu bytes (limit %zu)", g->path,
				     (unsigned long long)len, GOBIN_WINDOW_MAX);
				return -1;
			}
			if (!g->win.active)
				fail(g, ERR_LIMIT, "%s: Go build info larger than %zu bytes", g->path, GOBIN_WINDOW_MAX);
			return g->win.active ? 0 : -1;
		}
		part[i][0] = at + (size_t)k;
		part[i][1] = (size_t)len;
		at += (size_t)k + (size_t)len;
	}
	if (strbuf_add(&g->vers, w + part[0][0], part[0][1]) < 0 || strbuf_add(&g->mod, w + part[1][0], part[1][1]) < 0) {
		fail(g, ERR_NOMEM, "out of memory");
		return -1;
	}
	return 1;
}

static uint64_t rd_ptr(const struct gobin *g, const char *p)
{
	return rd((const unsigned char *)p, g->ptrsize, g->bigendian);
}

/* Start capturing len bytes at off, which must still be ahead. */
static int request(struct gobin *g, int which, uint64_t off, uint64_t len, uint64_t chunk_start)
{
	if (off < chunk_start) {
		fail(g, ERR_UNSUPPORTED,
		     "%s: pre-1.18 Go build info points back to data that streaming did not keep (needs random access)",
		     g->path);
		return -1;
	}
	if (len > GOBIN_WINDOW_MAX) {
		fail(g, ERR_LIMIT, "%s: Go build info string of %llu bytes (limit %zu)", g->path, (unsigned long long)len,
		     GOBIN_WINDOW_MAX);
		return -1;
	}
	cap_init(&g->req[which], off, (size_t)len);
	return 0;
}

/* A string found behind us: only one of the copies kept at exactly that offset will do. */
static const struct capture *find_kept(const struct gobin *g, uint64_t off, uint64_t len)
{
	size_t i;

	for (i = 0; i < g->nvcand; i++)
		if (g->vcand[i].start == off && g->vcand[i].buf.len >= len)
			return &g->vcand[i];
	for (i = 0; i < g->nmcand; i++)
		if (g->mcand[i].start == off && g->mcand[i].buf.len >= len)
			return &g->mcand[i];
	return NULL;
}

/* Pre-1.18: follow header -> string headers -> string bytes as they stream past. */
static int step_ptr(struct gobin *g, uint64_t chunk_start)
{
	size_t hsz = 2 * (size_t)g->ptrsize;
	int i, changed = 0;

	if (!g->hdr_requested) {
		int64_t o[2];

		if (g->win.buf.len < 16 + hsz)
			return 0;
		segs_load(g, 0);
		for (i = 0; i < 2; i++) {
			o[i] = segs_offset(g, rd_ptr(g, g->win.buf.buf + 16 + i * g->ptrsize), hsz);
			if (o[i] < 0) {
				fail(g, g->nsegs ? ERR_PARSE : ERR_UNSUPPORTED,
				     "%s: pre-1.18 Go build info address not in any segment%s", g->path,
				     g->nsegs ? "" : " (segment table not read)");
				return -1;
			}
		}
		if (request(g, REQ_HDR_VERS, (uint64_t)o[0], hsz, chunk_start) < 0 ||
		    request(g, REQ_HDR_MOD, (uint64_t)o[1], hsz, chunk_start) < 0)
			return -1;
		g->hdr_requested = 1;
		return 1;
	}
	for (i = 0; i < 2; i++) {
		struct capture *h = &g->req[REQ_HDR_VERS + i], *s = &g->req[REQ_STR_VERS + i];
		struct strbuf *dst = i ? &g->mod : &g->vers;
		const struct capture *kept;
		uint64_t addr, len;
		int64_t off;

		if (g->str_found[i] || h->buf.len < hsz)
			continue;
		addr = rd_ptr(g, h->buf.buf);
		len = rd_ptr(g, h->buf.buf + g->ptrsize);
		if (len == 0) {
			g->str_found[i] = 1;
			changed = 1;
			continue;
		}
		if (s->active || s->buf.len) {
			if (s->buf.len < len)
				continue;
			kept = s;
		} else {
			if ((off = segs_offset(g, addr, len)) < 0) {
				fail(g, ERR_PARSE, "%s: pre-1.18 Go build info string not in any segment", g->path);
				return -1;
			}
			if (!(kept = find_kept(g, (uint64_t)off, len))) {
				if (request(g, REQ_STR_VERS + i, (uint64_t)off, len, chunk_start) < 0)
					return -1;
				changed = 1;
				continue;
			}
		}
		if (strbuf_add(dst, kept->buf.buf, (size_t)len) < 0) {
			fail(g, ERR_NOMEM, "out of memory");
			return -1;
		}
		g->str_found[i] = 1;
		changed = 1;
	}
	if (g->str_found[0] && g->str_found[1]) {
		g->state = ST_DONE;
		drop_cands(g);
	}
	return changed;
}

/* Move the state on with what has been captured; 1 when something new needs this chunk's bytes. */
static int step(struct gobin *g, uint64_t chunk_start)
{
	size_t i;
	int r;

	if (g->state == ST_SEARCH) {
		for (i = 0; i < g->nmagic; i++) {
			struct capture *c = &g->magic[i];
			unsigned char ps, fl;

			if (c->buf.len < 16)
				break;
			ps = (unsigned char)c->buf.buf[14];
			fl = (unsigned char)c->buf.buf[15];
			segs_load(g, 0);
			if ((ps != 4 && ps != 8) || (fl & ~3u) || !segs_allow_header(g, c->start))
				continue;
			g->win = *c;
			g->magic[i].buf = (struct strbuf)STRBUF_INIT;
			g->ptrsize = ps;
			g->bigendian = fl & 1;
			if (fl & 2) {
				g->state = ST_INLINE;
				g->win.max = GOBIN_WINDOW_MAX;
				g->win.buf.limit = GOBIN_WINDOW_MAX;
				g->win.active = g->win.buf.len < g->win.max;
				drop_cands(g);
			} else {
				g->state = ST_PTR;
				g->win.max = 16 + 2 * (size_t)ps;
				if (g->win.buf.len >= g->win.max) {
					strbuf_setlen(&g->win.buf, g->win.max);
					g->win.active = 0;
				}
				for (i = 0; i < g->nmagic; i++)
					cap_release(&g->magic[i]);
				g->nmagic = 0;
			}
			return 1;
		}
		/* Drop the candidates that were looked at and refused. */
		if (i > 0) {
			size_t k;

			for (k = 0; k < i; k++)
				cap_release(&g->magic[k]);
			memmove(g->magic, g->magic + i, (g->nmagic - i) * sizeof(g->magic[0]));
			g->nmagic -= i;
		}
		return 0;
	}
	if (g->state == ST_INLINE) {
		if (g->win.buf.len < 32)
			return 0;
		if ((r = parse_inline(g)) == 1) {
			g->state = ST_DONE;
			cap_release(&g->win);
		}
		return 0;
	}
	if (g->state == ST_PTR)
		return step_ptr(g, chunk_start) > 0;
	return 0;
}

int gobin_feed(struct gobin *g, const void *data, size_t len)
{
	const unsigned char *p = data;
	unsigned char b[2 * CARRY];
	size_t k, nb, i;
	int rc = 0;

	if (len == 0 || g->fmt == FMT_NONE || g->state == ST_DONE) {
		g->off += len;
		return 0;
	}
	if (g->head.len == g->off && g->head.len < HEAD_MAX) {
		k = HEAD_MAX - g->head.len < len ? HEAD_MAX - g->head.len : len;
		if ((rc = strbuf_add(&g->head, p, k)) < 0)
			return rc;
	}
	if (g->fmt == FMT_UNKNOWN && g->head.len >= 4) {
		const unsigned char *h = (const unsigned char *)g->head.buf;

		if (!gobin_is_candidate(h, g->head.len))
			g->fmt = FMT_NONE;
		else
			g->fmt = h[0] == 0x7f ? FMT_ELF : h[0] == 'M' ? FMT_PE : FMT_MACHO;
		if (g->fmt == FMT_NONE) {
			g->off += len;
			return 0;
		}
	}
	if (g->state == ST_SEARCH) {
		/* Matches that straddle the previous chunk and this one. */
		nb = g->ncarry;
		memcpy(b, g->carry, nb);
		k = len < CARRY ? len : CARRY;
		memcpy(b + nb, p, k);
		if ((rc = scan(g, b, nb + k, g->off - nb, nb, nb, nb)) < 0 || (rc = scan(g, p, len, g->off, len, 0, 0)) < 0)
			return rc;
	}
	for (i = 0; i < 8; i++) {
		if ((rc = feed_all(g, g->off, p, len)) < 0)
			return rc;
		if (g->state == ST_DONE || step(g, g->off) <= 0)
			break;
	}
	/* Keep the last CARRY bytes seen. */
	if (len >= CARRY) {
		memcpy(g->carry, p + len - CARRY, CARRY);
		g->ncarry = CARRY;
	} else {
		nb = g->ncarry + len > CARRY ? g->ncarry + len - CARRY : 0;
		memmove(g->carry, g->carry + nb, g->ncarry - nb);
		memcpy(g->carry + g->ncarry - nb, p, len);
		g->ncarry = g->ncarry - nb + len;
	}
	g->off += len;
	return 0;
}

int gobin_finish(struct gobin *g, struct pkg_list *out)
{
	if (g->rc < 0)
		return err_set(g->rc, "%s", g->msg.buf);
	if (g->fmt == FMT_NONE || g->fmt == FMT_UNKNOWN)
		return 0;
	switch (g->state) {
	case ST_SEARCH:
		return 0;
	case ST_INLINE:
		return err_set(ERR_PARSE, "%s: Go build info cut short by the end of the file", g->path);
	case ST_PTR:
		return err_set(ERR_PARSE, "%s: pre-1.18 Go build info points past the end of the file", g->path);
	case ST_DONE:
		break;
	}
	return gomodinfo_parse(out, g->path, g->vers.buf, g->vers.len, g->mod.buf, g->mod.len);
}
