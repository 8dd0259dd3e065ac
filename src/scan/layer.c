#include "layer.h"

#include <errno.h>
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

int layer_walk(layer_read_fn readfn, void *src, const struct layer_visitor *v, void *ctx,
	       const struct layer_limits *limits, struct layer_stats *stats)
{
	int64_t max_expanded = limits && limits->max_expanded ? limits->max_expanded : LAYER_DEFAULT_MAX_EXPANDED;
	int64_t max_entries = limits && limits->max_entries ? limits->max_entries : LAYER_DEFAULT_MAX_ENTRIES;
	struct strbuf path = STRBUF_INIT, link = STRBUF_INIT;
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
		want = v->entry(ctx, &le);
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
			if (blen && (rc = v->data(ctx, block, blen)) < 0)
				goto cleanup;
		}
		if ((rc = v->end(ctx)) < 0)
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
	if (a)
		archive_read_free(a);
	free(sc);
	strbuf_release(&path);
	strbuf_release(&link);
	return rc;
}
