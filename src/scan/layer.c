#include "layer.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <archive.h>
#include <archive_entry.h>

#include "core/err.h"

#define LAYER_DEFAULT_MAX_EXPANDED ((int64_t)32 << 30)
#define LAYER_DEFAULT_MAX_ENTRIES 5000000
#define LAYER_MAX_PATH 4096
/* Beyond this many expanded bytes, a ratio above LAYER_MAX_RATIO is a bomb. */
#define LAYER_RATIO_FLOOR ((int64_t)256 << 20)
#define LAYER_MAX_RATIO 1500

struct src_ctx {
	layer_read_fn read;
	void *src;
	char buf[256 * 1024];
	struct layer_stats *stats;
	int rc; /* the source's own error, kept for the caller */
};

static la_ssize_t on_read(struct archive *a, void *vctx, const void **out)
{
	struct src_ctx *c = vctx;
	ssize_t n = c->read(c->src, c->buf, sizeof(c->buf));

	if (n < 0) {
		c->rc = (int)n;
		archive_set_error(a, EIO, "%s", err_last());
		return -1;
	}
	c->stats->compressed += n;
	*out = c->buf;
	return n;
}

int layer_path_normalise(struct strbuf *out, const char *raw)
{
	const char *p = raw, *seg;
	size_t n;
	int rc = 0;

	strbuf_reset(out);
	if (strlen(raw) > LAYER_MAX_PATH)
		return err_set(ERR_INVALID, "a layer entry's path is longer than %d bytes", LAYER_MAX_PATH);
	if (raw[0] == '/')
		return err_set(ERR_INVALID, "layer entry '%.200s' has an absolute path", raw);
	while (*p && rc == 0) {
		seg = p;
		while (*p && *p != '/')
			p++;
		n = (size_t)(p - seg);
		if (*p == '/')
			p++;
		if (n == 0 || (n == 1 && seg[0] == '.'))
			continue;
		if (n == 2 && seg[0] == '.' && seg[1] == '.')
			return err_set(ERR_INVALID, "layer entry '%.200s' climbs out of the image root with '..'", raw);
		if (out->len)
			rc = strbuf_addch(out, '/');
		if (rc == 0)
			rc = strbuf_add(out, seg, n);
	}
	return rc;
}

static enum layer_kind kind_of(struct archive_entry *e)
{
	if (archive_entry_hardlink(e))
		return LAYER_HARDLINK;
	switch (archive_entry_filetype(e)) {
	case AE_IFREG: return LAYER_FILE;
	case AE_IFDIR: return LAYER_DIR;
	case AE_IFLNK: return LAYER_SYMLINK;
	default: return LAYER_OTHER;
	}
}

/* Whiteouts: ".wh.NAME" deletes NAME; ".wh..wh..opq" makes its folder opaque. */
static int decode_whiteout(struct layer_entry *le, struct strbuf *path)
{
	char *base = strrchr(path->buf, '/');
	size_t dirlen;

	base = base ? base + 1 : path->buf;
	if (strncmp(base, ".wh.", 4))
		return 0;
	dirlen = base == path->buf ? 0 : (size_t)(base - path->buf - 1);
	if (!strcmp(base, ".wh..wh..opq")) {
		strbuf_setlen(path, dirlen);
		le->kind = LAYER_OPAQUE;
		return 1;
	}
	if (!strncmp(base, ".wh..wh.", 8))
		return -1; /* aufs bookkeeping, not content */
	memmove(base, base + 4, strlen(base + 4) + 1);
	path->len -= 4;
	le->kind = LAYER_WHITEOUT;
	return 1;
}

/* ---- the two-thread walk ---- */

/*
 * The reading thread packs records (entries, data, ends) into slots of 1 MB
 * and hands over a slot only when it is full, so the threads meet about once
 * a megabyte, not once a file.
 */
#define PIPE_SLOTS 4
#define PIPE_SLOT_SIZE (1024 * 1024)

enum rec_kind { REC_ENTRY, REC_DATA, REC_END, REC_EOF };

struct rec_head {
	unsigned char kind;
	unsigned char ekind;
	unsigned short pathlen, linklen; /* entries: lengths of path and link (0xffff: no link) */
	unsigned mode;
	int64_t size;                    /* entries: size; data: bytes that follow */
};

struct slot {
	size_t used;
	unsigned char buf[PIPE_SLOT_SIZE];
};

struct pipe {
	const struct layer_visitor *v;
	void *ctx;
	struct slot *slots;
	int head, count;    /* full slots waiting for the consumer */
	struct slot *fill;  /* the slot being filled, not yet handed over */
	pthread_mutex_t mu;
	pthread_cond_t not_empty, not_full;
	volatile int rc;    /* the consumer's first error */
	char msg[1024];     /* and its message: err_last() is per thread */
};

/* Deliver a slot's records to the visitor (or, after an error, only walk them); 1 at the end mark. */
static int run_records(struct pipe *p, const struct slot *s, int deliver)
{
	const unsigned char *b = s->buf, *end = s->buf + s->used;
	struct rec_head h;
	struct layer_entry e;
	int rc = 0;

	while (b < end && rc == 0) {
		memcpy(&h, b, sizeof(h));
		b += sizeof(h);
		switch (h.kind) {
		case REC_ENTRY:
			memset(&e, 0, sizeof(e));
			e.kind = h.ekind;
			e.size = h.size;
			e.mode = h.mode;
			e.path = (const char *)b;
			b += h.pathlen + 1;
			if (h.linklen != 0xffff) {
				e.link = (const char *)b;
				b += h.linklen + 1;
			}
			/* entry() says whether it wants the bytes; the reading thread already knew. */
			if (deliver && (rc = p->v->entry(p->ctx, &e)) > 0)
				rc = 0;
			break;
		case REC_DATA:
			if (deliver)
				rc = p->v->data(p->ctx, b, (size_t)h.size);
			b += h.size;
			break;
		case REC_END:
			if (deliver)
				rc = p->v->end(p->ctx);
			break;
		default:
			return 1; /* REC_EOF */
		}
	}
	return rc < 0 ? rc : 0;
}

static void *pipe_consumer(void *arg)
{
	struct pipe *p = arg;
	struct slot *s;
	int rc, eof = 0;

	while (!eof) {
		pthread_mutex_lock(&p->mu);
		while (!p->count)
			pthread_cond_wait(&p->not_empty, &p->mu);
		s = &p->slots[p->head];
		pthread_mutex_unlock(&p->mu);
		/* After an error the records are only walked, to find the end mark. */
		rc = run_records(p, s, !p->rc);
		if (rc == 1) {
			eof = 1;
		} else if (rc < 0) {
			snprintf(p->msg, sizeof(p->msg), "%s", err_last());
			p->rc = rc;
			/* The rest of this slot may hold the end mark. */
			eof = run_records(p, s, 0) == 1;
		}
		pthread_mutex_lock(&p->mu);
		p->head = (p->head + 1) % PIPE_SLOTS;
		p->count--;
		pthread_cond_signal(&p->not_full);
		pthread_mutex_unlock(&p->mu);
	}
	return NULL;
}

static void pipe_flush(struct pipe *p)
{
	if (!p->fill)
		return;
	pthread_mutex_lock(&p->mu);
	p->count++;
	p->fill = NULL;
	pthread_cond_signal(&p->not_empty);
	pthread_mutex_unlock(&p->mu);
}

/* Room for need bytes in the slot being filled. */
static unsigned char *pipe_room(struct pipe *p, size_t need)
{
	if (p->fill && PIPE_SLOT_SIZE - p->fill->used < need)
		pipe_flush(p);
	if (!p->fill) {
		pthread_mutex_lock(&p->mu);
		while (p->count == PIPE_SLOTS)
			pthread_cond_wait(&p->not_full, &p->mu);
		p->fill = &p->slots[(p->head + p->count) % PIPE_SLOTS];
		pthread_mutex_unlock(&p->mu);
		p->fill->used = 0;
	}
	return p->fill->buf + p->fill->used;
}

static void pipe_put(struct pipe *p, const struct rec_head *h, const void *a, size_t alen, const void *b, size_t blen)
{
	unsigned char *w = pipe_room(p, sizeof(*h) + alen + blen);

	memcpy(w, h, sizeof(*h));
	if (alen)
		memcpy(w + sizeof(*h), a, alen);
	if (blen)
		memcpy(w + sizeof(*h) + alen, b, blen);
	p->fill->used += sizeof(*h) + alen + blen;
}

/* What the walk calls: the visitor directly, or through the pipe. */
struct emitter {
	const struct layer_visitor *v;
	void *ctx;
	struct pipe *pipe;
};

static int emit_entry(struct emitter *em, const struct layer_entry *e)
{
	struct rec_head h;
	size_t pl, ll;

	if (!em->pipe)
		return em->v->entry(em->ctx, e);
	if (em->pipe->rc)
		return em->pipe->rc;
	memset(&h, 0, sizeof(h));
	pl = strlen(e->path);
	ll = e->link ? strlen(e->link) : 0;
	if (pl > LAYER_MAX_PATH || ll > LAYER_MAX_PATH)
		return err_set(ERR_INVALID, "layer entry '%.200s': a path or link longer than %d bytes", e->path,
			       LAYER_MAX_PATH);
	h.kind = REC_ENTRY;
	h.ekind = (unsigned char)e->kind;
	h.pathlen = (unsigned short)pl;
	h.linklen = e->link ? (unsigned short)ll : 0xffff;
	h.mode = e->mode;
	h.size = e->size;
	pipe_put(em->pipe, &h, e->path, pl + 1, e->link, e->link ? ll + 1 : 0);
	return em->v->want(em->ctx, e);
}

static int emit_data(struct emitter *em, const void *buf, size_t len)
{
	const unsigned char *b = buf;
	struct rec_head h;
	size_t n;

	if (!em->pipe)
		return em->v->data(em->ctx, buf, len);
	memset(&h, 0, sizeof(h));
	h.kind = REC_DATA;
	while (len) {
		n = len < PIPE_SLOT_SIZE / 4 ? len : PIPE_SLOT_SIZE / 4;
		h.size = (int64_t)n;
		pipe_put(em->pipe, &h, b, n, NULL, 0);
		b += n;
		len -= n;
	}
	return em->pipe->rc;
}

static int emit_end(struct emitter *em)
{
	struct rec_head h;

	if (!em->pipe)
		return em->v->end(em->ctx);
	memset(&h, 0, sizeof(h));
	h.kind = REC_END;
	pipe_put(em->pipe, &h, NULL, 0, NULL, 0);
	return em->pipe->rc;
}

int layer_walk(layer_read_fn readfn, void *src, const struct layer_visitor *v, void *ctx,
	       const struct layer_limits *limits, struct layer_stats *stats)
{
	int64_t max_expanded = limits && limits->max_expanded ? limits->max_expanded : LAYER_DEFAULT_MAX_EXPANDED;
	int64_t max_entries = limits && limits->max_entries ? limits->max_entries : LAYER_DEFAULT_MAX_ENTRIES;
	struct strbuf path = STRBUF_INIT, link = STRBUF_INIT;
	struct emitter em = { v, ctx, NULL };
	struct pipe pipe;
	pthread_t consumer;
	int threaded = 0;
	struct src_ctx *sc = NULL;
	struct archive *a = NULL;
	struct archive_entry *e;
	struct layer_entry le;
	const void *block;
	size_t blen;
	la_int64_t off;
	int r, rc = 0, want, wo;

	memset(stats, 0, sizeof(*stats));
	sc = calloc(1, sizeof(*sc));
	a = archive_read_new();
	if (!sc || !a) {
		rc = err_set(ERR_NOMEM, "out of memory");
		goto cleanup;
	}
	sc->read = readfn;
	sc->src = src;
	sc->stats = stats;
	if (v->want) {
		memset(&pipe, 0, sizeof(pipe));
		pipe.v = v;
		pipe.ctx = ctx;
		pipe.slots = malloc(PIPE_SLOTS * sizeof(*pipe.slots));
		pthread_mutex_init(&pipe.mu, NULL);
		pthread_cond_init(&pipe.not_empty, NULL);
		pthread_cond_init(&pipe.not_full, NULL);
		if (pipe.slots && pthread_create(&consumer, NULL, pipe_consumer, &pipe) == 0) {
			threaded = 1;
			em.pipe = &pipe;
		}
	}
	archive_read_support_filter_gzip(a);
	archive_read_support_filter_zstd(a);
	archive_read_support_filter_none(a);
	archive_read_support_format_tar(a);
	archive_read_support_format_gnutar(a);
	if (archive_read_open(a, sc, NULL, on_read, NULL) != ARCHIVE_OK) {
		rc = sc->rc ? sc->rc : err_set(ERR_PARSE, "not a layer tarball: %s", archive_error_string(a));
		goto cleanup;
	}
	for (;;) {
		r = archive_read_next_header(a, &e);
		if (r == ARCHIVE_EOF)
			break;
		if (r < ARCHIVE_WARN) {
			rc = sc->rc ? sc->rc : err_set(ERR_PARSE, "corrupt layer: %s", archive_error_string(a));
			goto cleanup;
		}
		if (++stats->entries > max_entries) {
			rc = err_set(ERR_LIMIT, "layer has more than %lld entries", (long long)max_entries);
			goto cleanup;
		}
		if ((rc = layer_path_normalise(&path, archive_entry_pathname(e) ? archive_entry_pathname(e) : "")) < 0)
			goto cleanup;
		if (!path.len)
			continue;
		memset(&le, 0, sizeof(le));
		le.kind = kind_of(e);
		le.size = archive_entry_size(e);
		le.mode = (unsigned)archive_entry_perm(e);
		wo = decode_whiteout(&le, &path);
		if (wo < 0)
			continue;
		le.path = path.buf;
		if (le.kind == LAYER_HARDLINK) {
			if ((rc = layer_path_normalise(&link, archive_entry_hardlink(e))) < 0)
				goto cleanup;
			le.link = link.buf;
		} else if (le.kind == LAYER_SYMLINK) {
			le.link = archive_entry_symlink(e) ? archive_entry_symlink(e) : "";
		}
		want = emit_entry(&em, &le);
		if (want < 0) {
			rc = want;
			goto cleanup;
		}
		if (!want || le.kind != LAYER_FILE)
			continue;
		for (;;) {
			r = archive_read_data_block(a, &block, &blen, &off);
			if (r == ARCHIVE_EOF)
				break;
			if (r < ARCHIVE_WARN) {
				rc = sc->rc ? sc->rc
					    : err_set(ERR_PARSE, "corrupt layer in '%.200s': %s", path.buf,
						      archive_error_string(a));
				goto cleanup;
			}
			stats->expanded += (int64_t)blen;
			if (stats->expanded > max_expanded ||
			    (stats->expanded > LAYER_RATIO_FLOOR && stats->compressed > 0 &&
			     stats->expanded / stats->compressed > LAYER_MAX_RATIO)) {
				rc = err_set(ERR_LIMIT,
					     "layer expands beyond %lld bytes (or %d times its compressed size) at '%.200s': "
					     "refused as a decompression bomb",
					     (long long)max_expanded, LAYER_MAX_RATIO, path.buf);
				goto cleanup;
			}
			if (blen && (rc = emit_data(&em, block, blen)) < 0)
				goto cleanup;
		}
		if ((rc = emit_end(&em)) < 0)
			goto cleanup;
	}
	/* Drain what follows the end-of-archive blocks so the digest covers the whole blob. */
	if (sc->rc == 0) {
		char tail[65536];
		ssize_t n;

		while ((n = readfn(src, tail, sizeof(tail))) > 0)
			stats->compressed += n;
		if (n < 0)
			rc = (int)n;
	}
cleanup:
	if (threaded) {
		struct rec_head eof;

		memset(&eof, 0, sizeof(eof));
		eof.kind = REC_EOF;
		pipe_put(&pipe, &eof, NULL, 0, NULL, 0);
		pipe_flush(&pipe);
		pthread_join(consumer, NULL);
		/* The consumer's error, with its message, wins over what it caused here. */
		if (pipe.rc < 0)
			rc = err_set(pipe.rc, "%s", pipe.msg);
	}
	if (v->want) {
		pthread_mutex_destroy(&pipe.mu);
		pthread_cond_destroy(&pipe.not_empty);
		pthread_cond_destroy(&pipe.not_full);
		free(pipe.slots);
	}
	if (a)
		archive_read_free(a);
	free(sc);
	strbuf_release(&path);
	strbuf_release(&link);
	return rc;
}
