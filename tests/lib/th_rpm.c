#include "th_rpm.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

#include <zlib.h>

#include "core/err.h"
#include "scan/pkgdb_rpm.h"

static void put32(struct strbuf *sb, uint32_t v)
{
	unsigned char b[4] = { (unsigned char)(v >> 24), (unsigned char)(v >> 16), (unsigned char)(v >> 8),
			       (unsigned char)v };

	strbuf_add(sb, b, 4);
}

void th_rpm_header(struct strbuf *out, const struct th_hent *e, size_t n, int bare)
{
	struct strbuf data = STRBUF_INIT, index = STRBUF_INIT;
	uint32_t il = (uint32_t)n + (bare ? 0 : 1), trailer;
	size_t i;

	for (i = 0; i < n; i++) {
		unsigned align = e[i].type == 3 ? 2 : e[i].type == 4 ? 4 : e[i].type == 5 ? 8 : 1;

		while (data.len % align)
			strbuf_addch(&data, 0);
		put32(&index, e[i].tag);
		put32(&index, e[i].type);
		put32(&index, (uint32_t)data.len);
		put32(&index, e[i].count);
		strbuf_add(&data, e[i].data, e[i].len);
	}
	trailer = (uint32_t)data.len;
	if (!bare) {
		put32(&data, 63);
		put32(&data, 7);
		put32(&data, (uint32_t) - (int32_t)(il * 16));
		put32(&data, 16);
	}
	strbuf_reset(out);
	put32(out, il);
	put32(out, (uint32_t)data.len);
	if (!bare) {
		put32(out, 63);
		put32(out, 7);
		put32(out, trailer);
		put32(out, 16);
	}
	strbuf_add(out, index.buf, index.len);
	strbuf_add(out, data.buf, data.len);
	strbuf_release(&data);
	strbuf_release(&index);
}

void th_rpm_header_full(struct strbuf *out, const char *name, size_t pad)
{
	static const unsigned char epoch7[4] = { 0, 0, 0, 7 };
	struct strbuf lic = STRBUF_INIT;
	size_t i;

	strbuf_addstr(&lic, "BSD");
	for (i = 0; i < pad; i++)
		strbuf_addch(&lic, ' ');
	{
		struct th_hent e[] = {
			{ 1000, 6, 1, name, strlen(name) + 1 },
			TH_STR(1001, "2.32.1"),
			TH_STR(1002, "42.el8_8"),
			{ 1003, 4, 1, epoch7, 4 },
			TH_STR(1022, "x86_64"),
			{ 1014, 6, 1, lic.buf, lic.len + 1 },
			TH_STR(1011, "Red Hat, Inc."),
			TH_STR(1044, "util-linux-2.32.1-42.el8_8.src.rpm"),
		};

		th_rpm_header(out, e, sizeof(e) / sizeof(e[0]), 0);
	}
	strbuf_release(&lic);
}

/* ---- Berkeley DB ---- */

struct bdbw {
	int be;
	unsigned ps;
	unsigned char **pages;
	size_t n;
};

static void w32(const struct bdbw *w, unsigned char *p, uint32_t v)
{
	int i;

	for (i = 0; i < 4; i++)
		p[w->be ? i : 3 - i] = (unsigned char)(v >> (8 * (3 - i)));
}

static void w16(const struct bdbw *w, unsigned char *p, unsigned v)
{
	p[w->be ? 0 : 1] = (unsigned char)(v >> 8);
	p[w->be ? 1 : 0] = (unsigned char)v;
}

static unsigned r16(const struct bdbw *w, const unsigned char *p)
{
	return w->be ? (unsigned)p[0] << 8 | p[1] : (unsigned)p[1] << 8 | p[0];
}

static uint32_t r32(const struct bdbw *w, const unsigned char *p)
{
	return w->be ? (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3] :
		       (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 | (uint32_t)p[1] << 8 | p[0];
}

static uint32_t new_page(struct bdbw *w, int type)
{
	unsigned char *p = calloc(1, w->ps);

	w->pages = realloc(w->pages, (w->n + 1) * sizeof(*w->pages));
	w->pages[w->n] = p;
	w32(w, p + 8, (uint32_t)w->n);
	p[25] = (unsigned char)type;
	if (type != 7)
		w16(w, p + 22, w->ps); /* empty: free space starts at the end */
	return (uint32_t)w->n++;
}

/* Add key and value items to the hash chain of bucket page pg. */
static void add_pair(struct bdbw *w, uint32_t pg, const unsigned char *k, size_t kl, const unsigned char *v,
		     size_t vl)
{
	unsigned char *p = w->pages[pg];
	unsigned nent, hoff;
	uint32_t next;

	for (;;) {
		p = w->pages[pg];
		next = r32(w, p + 16);
		nent = r16(w, p + 20);
		hoff = r16(w, p + 22);
		if (!hoff && !nent)
			hoff = w->ps; /* 65536 does not fit in the 16-bit field */
		if (!next && 26 + 2 * (nent + 2) + kl + vl <= hoff)
			break;
		if (!next) {
			next = new_page(w, 13);
			p = w->pages[pg];
			w32(w, p + 16, next);
			w32(w, w->pages[next] + 12, pg);
		}
		pg = next;
	}
	memcpy(p + hoff - kl, k, kl);
	w16(w, p + 26 + 2 * nent, (unsigned)(hoff - kl));
	memcpy(p + hoff - kl - vl, v, vl);
	w16(w, p + 26 + 2 * (nent + 1), (unsigned)(hoff - kl - vl));
	w16(w, p + 20, nent + 2);
	w16(w, p + 22, (unsigned)(hoff - kl - vl));
}

void th_rpm_bdb(struct strbuf *out, int big_endian, unsigned pagesize, const struct strbuf *blobs, size_t n)
{
	struct bdbw w = { big_endian, pagesize, NULL, 0 };
	unsigned char key[5], val[16], *m;
	uint32_t first, prev, pg;
	size_t i, off, chunk;

	new_page(&w, 8);
	new_page(&w, 13); /* bucket 0 */
	new_page(&w, 13); /* bucket 1 */
	key[0] = 1;
	w32(&w, key + 1, 0);
	val[0] = 1;
	w32(&w, val + 1, (uint32_t)n + 1);
	add_pair(&w, 1, key, 5, val, 5);
	for (i = 0; i < n; i++) {
		unsigned char *inl;

		w32(&w, key + 1, (uint32_t)i + 1);
		if (blobs[i].len + 1 <= pagesize / 4) {
			inl = malloc(blobs[i].len + 1);
			inl[0] = 1;
			memcpy(inl + 1, blobs[i].buf, blobs[i].len);
			add_pair(&w, 1 + (uint32_t)(i + 1) % 2, key, 5, inl, blobs[i].len + 1);
			free(inl);
			continue;
		}
		first = prev = 0;
		for (off = 0; off < blobs[i].len; off += chunk) {
			chunk = blobs[i].len - off < pagesize - 26 ? blobs[i].len - off : pagesize - 26;
			pg = new_page(&w, 7);
			memcpy(w.pages[pg] + 26, blobs[i].buf + off, chunk);
			w16(&w, w.pages[pg] + 20, 1);
			w16(&w, w.pages[pg] + 22, (unsigned)chunk);
			if (prev) {
				w32(&w, w.pages[prev] + 16, pg);
				w32(&w, w.pages[pg] + 12, prev);
			} else {
				first = pg;
			}
			prev = pg;
		}
		memset(val, 0, sizeof(val));
		val[0] = 3;
		w32(&w, val + 4, first);
		w32(&w, val + 8, (uint32_t)blobs[i].len);
		add_pair(&w, 1 + (uint32_t)(i + 1) % 2, key, 5, val, 12);
	}
	m = w.pages[0];
	w32(&w, m + 12, 0x061561);
	w32(&w, m + 16, 9);
	w32(&w, m + 20, pagesize);
	w32(&w, m + 32, (uint32_t)w.n - 1);
	w32(&w, m + 72, 1); /* max bucket */
	w32(&w, m + 76, 1); /* high mask */
	w32(&w, m + 80, 0); /* low mask */
	w32(&w, m + 88, (uint32_t)n + 1);
	w32(&w, m + 96, 1); /* spares: bucket b on page b + 1 */
	w32(&w, m + 100, 1);
	strbuf_reset(out);
	for (i = 0; i < w.n; i++) {
		strbuf_add(out, w.pages[i], pagesize);
		free(w.pages[i]);
	}
	free(w.pages);
}

/* ---- NDB ---- */

static void le32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)v;
	p[1] = (unsigned char)(v >> 8);
	p[2] = (unsigned char)(v >> 16);
	p[3] = (unsigned char)(v >> 24);
}

void th_rpm_ndb(struct strbuf *out, unsigned slotnpages, const struct strbuf *blobs, size_t n)
{
	size_t i, o, blk = (size_t)slotnpages * 256, cnt;
	unsigned char *f;
	size_t total = (size_t)slotnpages * 4096;

	for (i = 0; i < n; i++)
		total += (16 + blobs[i].len + 12 + 15) / 16 * 16;
	f = calloc(1, total);
	memcpy(f, "RpmP", 4);
	le32(f + 8, 1);
	le32(f + 12, slotnpages);
	le32(f + 16, (uint32_t)n + 1);
	for (o = 32; o < (size_t)slotnpages * 4096; o += 16)
		memcpy(f + o, "Slot", 4);
	for (i = 0; i < n; i++) {
		unsigned char *b = f + blk * 16;
		/* Fill the slots from the last one, so that slot order is not blob order. */
		unsigned char *s = f + (size_t)slotnpages * 4096 - 16 * (i + 1);

		cnt = (16 + blobs[i].len + 12 + 15) / 16;
		le32(s + 4, (uint32_t)i + 1);
		le32(s + 8, (uint32_t)blk);
		le32(s + 12, (uint32_t)cnt);
		memcpy(b, "BlbS", 4);
		le32(b + 4, (uint32_t)i + 1);
		le32(b + 8, 1700000000);
		le32(b + 12, (uint32_t)blobs[i].len);
		memcpy(b + 16, blobs[i].buf, blobs[i].len);
		le32(b + cnt * 16 - 12, (uint32_t)adler32(1L, b, (uInt)(cnt * 16 - 12)));
		le32(b + cnt * 16 - 8, (uint32_t)blobs[i].len);
		memcpy(b + cnt * 16 - 4, "BlbE", 4);
		blk += cnt;
	}
	strbuf_reset(out);
	strbuf_add(out, f, total);
	free(f);
}

/* ---- reading ---- */

void th_rpm_dump(struct strbuf *out, const struct pkg *v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		strbuf_addf(out, "%s|%s|%s|%s|%s|%s|%s|%s\n", v[i].name, v[i].version, v[i].arch ? v[i].arch : "-",
			    v[i].source_name ? v[i].source_name : "-", v[i].source_version ? v[i].source_version : "-",
			    v[i].license ? v[i].license : "-", v[i].vendor ? v[i].vendor : "-", v[i].path);
}

int th_rpm_parse_copy(const char *buf, size_t len, struct strbuf *dump)
{
	struct pkg_list l = { NULL, 0, 0 };
	struct pkg sentinel = { .type = PKG_RPM, .name = "sentinel", .version = "1" };
	char *copy = malloc(len ? len : 1);
	int rc;

	memcpy(copy, buf, len);
	ck_assert_int_eq(pkg_list_add(&l, &sentinel), 0);
	rc = pkgdb_rpm(&l, "var/lib/rpm/Packages", copy, len);
	if (rc < 0)
		ck_assert_msg(l.n == 1, "failed with %d (%s) but left %zu packages", rc, err_last(), l.n - 1);
	else
		ck_assert_uint_eq(l.n, 1 + (size_t)rc);
	ck_assert_str_eq(l.v[0].name, "sentinel");
	if (dump) {
		strbuf_reset(dump);
		th_rpm_dump(dump, l.v + 1, l.n - 1);
	}
	pkg_list_release(&l);
	free(copy);
	return rc;
}
