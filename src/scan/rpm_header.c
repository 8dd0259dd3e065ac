/*
 * rpm_header: one rpm header blob, as rpm stores it in its database.
 *
 *   be32 il, be32 dl
 *   il index entries of 16 bytes: be32 tag, type, offset, count
 *   dl bytes of data store
 *
 * Every entry is checked against dl before anything is read (type known,
 * offset inside the store, aligned, its data not past the end), the same
 * checks rpm makes when it loads a header; strings are read only up to a
 * NUL found inside the store.
 */
#include "pkgdb_rpm.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/err.h"
#include "core/strbuf.h"
#include "core/util.h"

/* The limits rpm enforces on a header it loads. */
#define HDR_MAX_TAGS 0xffffu
#define HDR_MAX_DATA 0x0fffffffu

#define TAG_HEADERIMAGE 61
#define TAG_HEADERSIGNATURES 62
#define TAG_HEADERIMMUTABLE 63
#define TAG_NAME 1000
#define TAG_VERSION 1001
#define TAG_RELEASE 1002
#define TAG_EPOCH 1003
#define TAG_VENDOR 1011
#define TAG_LICENSE 1014
#define TAG_ARCH 1022
#define TAG_SOURCERPM 1044

enum {
	T_NULL,
	T_CHAR,
	T_INT8,
	T_INT16,
	T_INT32,
	T_INT64,
	T_STRING,
	T_BIN,
	T_STRING_ARRAY,
	T_I18NSTRING,
	T_MAX = T_I18NSTRING
};

/* Size of one element of each type; 0 for the string types. */
static const unsigned type_size[T_MAX + 1] = { 0, 1, 1, 2, 4, 8, 0, 1, 0, 0 };

struct hdr {
	const unsigned char *index;
	const unsigned char *data;
	uint32_t il, dl;
};

struct entry {
	uint32_t tag, type, off, count;
};

static uint32_t be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | (uint32_t)p[3];
}

static void read_entry(const struct hdr *h, uint32_t i, struct entry *e)
{
	const unsigned char *p = h->index + (size_t)i * 16;

	e->tag = be32(p);
	e->type = be32(p + 4);
	e->off = be32(p + 8);
	e->count = be32(p + 12);
}

static int check_entry(const struct hdr *h, uint32_t i, const struct entry *e)
{
	unsigned sz;

	if (e->type > T_MAX)
		return err_set(ERR_PARSE, "rpm header: entry %u (tag %u) has unknown type %u", i, e->tag, e->type);
	if (e->off > h->dl)
		return err_set(ERR_PARSE, "rpm header: entry %u (tag %u) offset %u is past the %u-byte data store", i,
			       e->tag, e->off, h->dl);
	sz = type_size[e->type];
	if (sz > 1 && e->off % sz)
		return err_set(ERR_PARSE, "rpm header: entry %u (tag %u) offset %u is not aligned for its type", i,
			       e->tag, e->off);
	switch (e->type) {
	case T_NULL:
		return 0;
	case T_STRING:
		if (e->count != 1)
			return err_set(ERR_PARSE, "rpm header: entry %u (tag %u) is a string with count %u", i, e->tag,
				       e->count);
		/* fall through */
	case T_STRING_ARRAY:
	case T_I18NSTRING:
		/* Each string takes at least its NUL. */
		if (e->count == 0 || e->count > h->dl - e->off)
			return err_set(ERR_PARSE, "rpm header: entry %u (tag %u): %u strings cannot fit at offset %u of %u",
				       i, e->tag, e->count, e->off, h->dl);
		return 0;
	default:
		if (e->count == 0 || (uint64_t)e->count * sz > (uint64_t)(h->dl - e->off))
			return err_set(ERR_PARSE, "rpm header: entry %u (tag %u): %u items of %u bytes run past the %u-byte "
				       "data store from offset %u", i, e->tag, e->count, sz, h->dl, e->off);
		return 0;
	}
}

/*
 * The first entry of a header read from a database is normally a region tag
 * whose data is a trailer entry pointing back over the index (offset
 * -16 * entries).  A bad one means the blob was damaged.
 */
static int check_region(const struct hdr *h, const struct entry *e)
{
	struct entry t;
	int32_t back;

	if (e->tag != TAG_HEADERIMAGE && e->tag != TAG_HEADERSIGNATURES && e->tag != TAG_HEADERIMMUTABLE)
		return 0;
	if (e->type != T_BIN || e->count != 16)
		return err_set(ERR_PARSE, "rpm header: region tag %u has type %u count %u, expected binary of 16", e->tag,
			       e->type, e->count);
	/* check_entry already made sure off + 16 <= dl. */
	t.tag = be32(h->data + e->off);
	t.type = be32(h->data + e->off + 4);
	back = (int32_t)be32(h->data + e->off + 8);
	t.count = be32(h->data + e->off + 12);
	if (t.tag != TAG_HEADERIMAGE && t.tag != TAG_HEADERSIGNATURES && t.tag != TAG_HEADERIMMUTABLE)
		return err_set(ERR_PARSE, "rpm header: region trailer has tag %u", t.tag);
	if (t.type != T_BIN || t.count != 16 || back >= 0 || back % 16 || (uint32_t)(-(int64_t)back / 16) > h->il)
		return err_set(ERR_PARSE, "rpm header: region trailer (type %u, offset %d, count %u) does not point "
			       "back over the %u-entry index", t.type, back, t.count, h->il);
	return 0;
}

/* Entry with tag, or 0 when there is none (1 when found). */
static int find_tag(const struct hdr *h, uint32_t tag, struct entry *e)
{
	uint32_t i;

	for (i = 0; i < h->il; i++) {
		if (be32(h->index + (size_t)i * 16) != tag)
			continue;
		read_entry(h, i, e);
		return 1;
	}
	return 0;
}

/* Length of a valid UTF-8 sequence at s (n bytes available), or 0. */
static size_t utf8_seq(const unsigned char *s, size_t n)
{
	uint32_t cp;
	size_t len, k;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		len = 2, cp = s[0] & 0x1f;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		len = 3, cp = s[0] & 0x0f;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		len = 4, cp = s[0] & 0x07;
	else
		return 0;
	if (len > n)
		return 0;
	for (k = 1; k < len; k++) {
		if ((s[k] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[k] & 0x3f);
	}
	if ((len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
	    (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return len;
}

/* Old packages carry Latin-1 vendors and licenses; the inventory is JSON,
 * which needs UTF-8, so a byte that starts no valid sequence is taken as
 * Latin-1. */
static int add_utf8(struct strbuf *sb, const unsigned char *s, size_t n)
{
	size_t i = 0, k;

	while (i < n) {
		k = utf8_seq(s + i, n - i);
		if (k) {
			if (strbuf_add(sb, s + i, k) < 0)
				return ERR_NOMEM;
			i += k;
			continue;
		}
		if (strbuf_addch(sb, 0xc0 | s[i] >> 6) < 0 || strbuf_addch(sb, 0x80 | (s[i] & 0x3f)) < 0)
			return ERR_NOMEM;
		i++;
	}
	return 0;
}

/*
 * The first string of the entry with tag, in *out (caller frees); *out is
 * NULL when the tag is absent or the string empty.  A tag of another type is
 * a parse error.
 */
static int get_string(const struct hdr *h, uint32_t tag, const char *what, char **out)
{
	struct strbuf sb = STRBUF_INIT;
	struct entry e;
	const unsigned char *s, *nul;

	*out = NULL;
	if (!find_tag(h, tag, &e))
		return 0;
	if (e.type != T_STRING && e.type != T_STRING_ARRAY && e.type != T_I18NSTRING)
		return err_set(ERR_PARSE, "rpm header: %s (tag %u) has type %u, expected a string", what, tag, e.type);
	s = h->data + e.off;
	nul = memchr(s, 0, h->dl - e.off);
	if (!nul)
		return err_set(ERR_PARSE, "rpm header: %s (tag %u) at offset %u is not terminated inside the data store",
			       what, tag, e.off);
	if (add_utf8(&sb, s, (size_t)(nul - s)) < 0) {
		strbuf_release(&sb);
		return err_set(ERR_NOMEM, "out of memory");
	}
	if (sb.len)
		*out = strbuf_detach(&sb, NULL);
	strbuf_release(&sb);
	return 0;
}

static int need_string(const struct hdr *h, uint32_t tag, const char *what, char **out)
{
	int rc = get_string(h, tag, what, out);

	if (rc < 0)
		return rc;
	if (!*out)
		return err_set(ERR_PARSE, "rpm header: no %s (tag %u), or an empty one", what, tag);
	return 0;
}

/* "util-linux-2.32.1-42.el8_8.src.rpm" -> "util-linux", "2.32.1-42.el8_8".
 * A name that does not have that shape leaves both NULL: it is not worth
 * refusing the package for. */
static int split_sourcerpm(const char *s, char **name, char **version)
{
	size_t n = strlen(s);
	const char *rel, *ver;

	*name = *version = NULL;
	if (util_has_suffix(s, ".src.rpm"))
		n -= strlen(".src.rpm");
	else if (util_has_suffix(s, ".nosrc.rpm"))
		n -= strlen(".nosrc.rpm");
	else
		return 0;
	for (rel = s + n; rel > s && rel[-1] != '-'; rel--)
		;
	if (rel <= s + 1 || rel == s + n)
		return 0;
	for (ver = rel - 1; ver > s && ver[-1] != '-'; ver--)
		;
	if (ver <= s + 1 || ver == rel - 1)
		return 0;
	*name = strndup(s, (size_t)(ver - 1 - s));
	*version = strndup(ver, (size_t)(s + n - ver));
	if (!*name || !*version) {
		free(*name);
		free(*version);
		*name = *version = NULL;
		return err_set(ERR_NOMEM, "out of memory");
	}
	return 0;
}

/* Check a header blob's counts, every entry and its region, and set up h. */
static int hdr_open(const unsigned char *blob, size_t len, struct hdr *hp)
{
	struct entry e;
	struct hdr h;
	uint32_t i;
	int rc;

	/* A header as it sits in a .rpm file starts with magic and 4 reserved bytes. */
	if (len >= 8 && blob[0] == 0x8e && blob[1] == 0xad && blob[2] == 0xe8) {
		blob += 8;
		len -= 8;
	}
	if (len < 8)
		return err_set(ERR_PARSE, "rpm header: %zu bytes, too short for its counts", len);
	h.il = be32(blob);
	h.dl = be32(blob + 4);
	if (h.il == 0 || h.il > HDR_MAX_TAGS)
		return err_set(ERR_PARSE, "rpm header: %u index entries, expected 1 to %u", h.il, HDR_MAX_TAGS);
	if (h.dl > HDR_MAX_DATA)
		return err_set(ERR_PARSE, "rpm header: data store of %u bytes is over rpm's limit", h.dl);
	if ((uint64_t)8 + (uint64_t)h.il * 16 + h.dl != (uint64_t)len)
		return err_set(ERR_PARSE, "rpm header: %u entries and %u data bytes make %llu bytes, but the blob has %zu",
			       h.il, h.dl, (unsigned long long)(8 + (uint64_t)h.il * 16 + h.dl), len);
	h.index = blob + 8;
	h.data = h.index + (size_t)h.il * 16;
	for (i = 0; i < h.il; i++) {
		read_entry(&h, i, &e);
		if ((rc = check_entry(&h, i, &e)) < 0)
			return rc;
		if (i == 0 && (rc = check_region(&h, &e)) < 0)
			return rc;
	}
	*hp = h;
	return 0;
}

/* Files: DIRNAMES[DIRINDEXES[i]] + BASENAMES[i] (or, in rpm 3 headers, OLDFILENAMES). */
#define TAG_OLDFILENAMES 1027
#define TAG_DIRINDEXES 1116
#define TAG_BASENAMES 1117
#define TAG_DIRNAMES 1118

/* The n strings of a string array entry, as pointers into the data store. */
static int string_array(const struct hdr *h, const struct entry *e, const char ***out)
{
	const char **v;
	const unsigned char *p = h->data + e->off, *end = h->data + h->dl;
	uint32_t i;

	if (e->type != T_STRING_ARRAY)
		return err_set(ERR_PARSE, "rpm header: tag %u is not a string array", e->tag);
	v = calloc(e->count, sizeof(*v));
	if (!v)
		return err_set(ERR_NOMEM, "out of memory");
	for (i = 0; i < e->count; i++) {
		const unsigned char *nul = memchr(p, 0, (size_t)(end - p));

		if (!nul) {
			free(v);
			return err_set(ERR_PARSE, "rpm header: tag %u: string %u runs past the data store", e->tag, i);
		}
		v[i] = (const char *)p;
		p = nul + 1;
	}
	*out = v;
	return 0;
}

int rpm_header_files(const unsigned char *blob, size_t len, rpm_file_fn fn, void *ctx)
{
	const char **dirs = NULL, **bases = NULL;
	struct entry di, bn, dn;
	struct hdr h;
	uint32_t i, k;
	int rc;

	if ((rc = hdr_open(blob, len, &h)) < 0)
		return rc;
	if (!find_tag(&h, TAG_BASENAMES, &bn)) {
		if (!find_tag(&h, TAG_OLDFILENAMES, &bn))
			return 0; /* a package without files */
		if ((rc = string_array(&h, &bn, &bases)) < 0)
			return rc;
		for (i = 0; i < bn.count && rc == 0; i++)
			rc = fn(ctx, "", 0, bases[i], strlen(bases[i]));
		free(bases);
		return rc;
	}
	if (!find_tag(&h, TAG_DIRINDEXES, &di) || !find_tag(&h, TAG_DIRNAMES, &dn) || di.type != T_INT32 ||
	    di.count != bn.count)
		return err_set(ERR_PARSE, "rpm header: BASENAMES without matching DIRINDEXES and DIRNAMES");
	if ((rc = string_array(&h, &bn, &bases)) < 0 || (rc = string_array(&h, &dn, &dirs)) < 0)
		goto cleanup;
	for (i = 0; i < bn.count && rc == 0; i++) {
		k = be32(h.data + di.off + (size_t)i * 4);
		if (k >= dn.count) {
			rc = err_set(ERR_PARSE, "rpm header: file %u names directory %u of %u", i, k, dn.count);
			break;
		}
		rc = fn(ctx, dirs[k], strlen(dirs[k]), bases[i], strlen(bases[i]));
	}
cleanup:
	free(dirs);
	free(bases);
	return rc;
}

int rpm_header_decode(const unsigned char *blob, size_t len, struct pkg *out)
{
	struct strbuf ver = STRBUF_INIT;
	char *version = NULL, *release = NULL, *srpm = NULL;
	struct entry e;
	struct hdr h;
	int rc = 0;

	memset(out, 0, sizeof(*out));
	if ((rc = hdr_open(blob, len, &h)) < 0)
		return rc;
	out->type = PKG_RPM;
	if ((rc = need_string(&h, TAG_NAME, "NAME", &out->name)) < 0 ||
	    (rc = need_string(&h, TAG_VERSION, "VERSION", &version)) < 0 ||
	    (rc = need_string(&h, TAG_RELEASE, "RELEASE", &release)) < 0 ||
	    (rc = get_string(&h, TAG_ARCH, "ARCH", &out->arch)) < 0 ||
	    (rc = get_string(&h, TAG_LICENSE, "LICENSE", &out->license)) < 0 ||
	    (rc = get_string(&h, TAG_VENDOR, "VENDOR", &out->vendor)) < 0 ||
	    (rc = get_string(&h, TAG_SOURCERPM, "SOURCERPM", &srpm)) < 0)
		goto cleanup;
	if (find_tag(&h, TAG_EPOCH, &e)) {
		if (e.type != T_INT32) {
			rc = err_set(ERR_PARSE, "rpm header: EPOCH has type %u, expected int32", e.type);
			goto cleanup;
		}
		if ((rc = strbuf_addf(&ver, "%u:", be32(h.data + e.off))) < 0)
			goto cleanup;
	}
	if ((rc = strbuf_addf(&ver, "%s-%s", version, release)) < 0)
		goto cleanup;
	out->version = strbuf_detach(&ver, NULL);
	if (srpm && (rc = split_sourcerpm(srpm, &out->source_name, &out->source_version)) < 0)
		goto cleanup;

cleanup:
	if (rc < 0)
		pkg_release(out);
	strbuf_release(&ver);
	free(version);
	free(release);
	free(srpm);
	return rc;
}

/* Set by pkgdb_rpm_files: the readers then also hand every package's files over. */
static _Thread_local rpm_file_fn files_fn;
static _Thread_local void *files_ctx;

void rpmdb_collect_files(rpm_file_fn fn, void *ctx)
{
	files_fn = fn;
	files_ctx = ctx;
}

int rpmdb_add_blob(struct pkg_list *l, const char *path, unsigned long recno, const unsigned char *blob,
		   size_t len)
{
	struct pkg p;
	int rc;

	if (files_fn && (rc = rpm_header_files(blob, len, files_fn, files_ctx)) < 0)
		return err_prefix(rc, "%s: package record %lu", path, recno);

	if ((rc = rpm_header_decode(blob, len, &p)) < 0)
		return err_prefix(rc, "%s: package record %lu", path, recno);
	if (!strcmp(p.name, "gpg-pubkey")) {
		pkg_release(&p);
		return 0;
	}
	p.path = (char *)path;
	rc = pkg_list_add(l, &p);
	p.path = NULL;
	pkg_release(&p);
	return rc < 0 ? rc : 1;
}
