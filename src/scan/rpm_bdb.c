/*
 * rpm_bdb: the Berkeley DB hash file "Packages" of rpm before 4.16 (CentOS 7,
 * RHEL 8), read without libdb, the way rpm's own bdb_ro backend does.
 *
 * Page 0 is the hash meta page (magic 0x061561 at offset 12, in the byte
 * order of the machine that wrote it: both are read).  Bucket b lives on
 * page b + spares[bit length of b]; each bucket is a chain of hash pages
 * (next_pgno).  A hash page holds an index of 16-bit item offsets after its
 * 26-byte header; items pair up as key, value.  Keys are 4-byte record
 * numbers (record 0 is rpm's counter, not a package); values are header
 * blobs, either on the page (H_KEYDATA) or, almost always, on a chain of
 * overflow pages (H_OFFPAGE: first page, total length).
 *
 * Every page is reached at most once: a second visit means a loop or two
 * items sharing pages, both corruption, and refusing it keeps the work
 * linear in the size of the file.
 */
#include "pkgdb_rpm.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/err.h"
#include "core/strbuf.h"

#define BDB_HASH_MAGIC 0x061561u
#define PAGE_HEADER 26u

/* Page types. */
#define P_HASH_UNSORTED 2
#define P_OVERFLOW 7
#define P_HASHMETA 8
#define P_HASH 13

/* Hash item types. */
#define H_KEYDATA 1
#define H_OFFPAGE 3

struct bdb {
	const char *path;
	const unsigned char *b;
	size_t len;
	int be; /* written by a big-endian machine */
	uint32_t pagesize, last, maxbucket;
	uint32_t spares[32];
	unsigned char *seen; /* one bit a page */
};

static uint32_t rd32(const struct bdb *db, const unsigned char *p)
{
	if (db->be)
		return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | (uint32_t)p[3];
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static unsigned rd16(const struct bdb *db, const unsigned char *p)
{
	return db->be ? (unsigned)p[0] << 8 | p[1] : (unsigned)p[1] << 8 | p[0];
}

static int open_meta(struct bdb *db)
{
	const unsigned char *m = db->b;
	uint32_t magic_le, version, high, low, i;

	if (db->len < 512)
		return err_set(ERR_PARSE, "%s: %zu bytes, too short for a Berkeley DB meta page", db->path, db->len);
	magic_le = (uint32_t)m[12] | (uint32_t)m[13] << 8 | (uint32_t)m[14] << 16 | (uint32_t)m[15] << 24;
	if (magic_le == BDB_HASH_MAGIC)
		db->be = 0;
	else if (magic_le == 0x61150600u)
		db->be = 1;
	else
		return err_set(ERR_PARSE, "%s: not a Berkeley DB hash database", db->path);
	version = rd32(db, m + 16);
	if (version < 8 || version > 10)
		return err_set(ERR_UNSUPPORTED, "%s: Berkeley DB hash version %u (8 to 10 are known)", db->path, version);
	db->pagesize = rd32(db, m + 20);
	if (db->pagesize < 512 || db->pagesize > 65536 || (db->pagesize & (db->pagesize - 1)))
		return err_set(ERR_PARSE, "%s: page size %u is not a power of two from 512 to 65536", db->path,
			       db->pagesize);
	if (m[24])
		return err_set(ERR_UNSUPPORTED, "%s: encrypted Berkeley DB", db->path);
	if (m[25] != P_HASHMETA)
		return err_set(ERR_PARSE, "%s: page 0 has type %u, expected the hash meta page", db->path, m[25]);
	/* Checksummed pages put the item index elsewhere; rpm never writes them. */
	if (m[26] & 1)
		return err_set(ERR_UNSUPPORTED, "%s: Berkeley DB with page checksums", db->path);
	db->last = rd32(db, m + 32);
	if (((uint64_t)db->last + 1) * db->pagesize > db->len)
		return err_set(ERR_PARSE, "%s: last page %u of %u bytes is past the end of the %zu-byte file (truncated?)",
			       db->path, db->last, db->pagesize, db->len);
	db->maxbucket = rd32(db, m + 72);
	high = rd32(db, m + 76);
	low = rd32(db, m + 80);
	if (db->maxbucket >= db->last || db->maxbucket > 0x7fffffffu)
		return err_set(ERR_PARSE, "%s: %u buckets cannot fit in %u pages", db->path, db->maxbucket, db->last);
	/* The table starts with a power of two (at least 2) buckets and splits
	 * one at a time, the masks doubling as it passes each power of two:
	 * a damaged bucket count, which would silently drop buckets, shows
	 * here. */
	if ((high & (high + 1)) || low != high >> 1 || db->maxbucket <= low || db->maxbucket > high)
		return err_set(ERR_PARSE, "%s: bucket count %u does not match the hash masks %#x/%#x", db->path,
			       db->maxbucket, high, low);
	for (i = 0; i < 32; i++)
		db->spares[i] = rd32(db, m + 96 + 4 * i);
	db->seen = calloc((size_t)db->last / 8 + 1, 1);
	if (!db->seen)
		return err_set(ERR_NOMEM, "out of memory");
	return 0;
}

/* Page pgno, checked to be in the file, of the wanted types, unvisited;
 * it is marked visited. */
static int get_page(struct bdb *db, uint64_t pgno, int type1, int type2, const char *what,
		    const unsigned char **out)
{
	const unsigned char *p;

	if (pgno == 0 || pgno > db->last)
		return err_set(ERR_PARSE, "%s: %s page %llu is outside pages 1 to %u", db->path, what,
			       (unsigned long long)pgno, db->last);
	if (db->seen[pgno / 8] & (1u << (pgno % 8)))
		return err_set(ERR_PARSE, "%s: %s page %llu is reached twice (a loop or shared pages)", db->path, what,
			       (unsigned long long)pgno);
	db->seen[pgno / 8] |= (unsigned char)(1u << (pgno % 8));
	p = db->b + (size_t)pgno * db->pagesize;
	if (rd32(db, p + 8) != pgno)
		return err_set(ERR_PARSE, "%s: %s page %llu says it is page %u", db->path, what, (unsigned long long)pgno,
			       rd32(db, p + 8));
	if (p[25] != type1 && p[25] != type2)
		return err_set(ERR_PARSE, "%s: %s page %llu has page type %u", db->path, what, (unsigned long long)pgno,
			       p[25]);
	*out = p;
	return 0;
}

/* Gather a value of tlen bytes from the overflow chain starting at pgno. */
static int read_overflow(struct bdb *db, uint32_t pgno, uint32_t tlen, uint32_t recno, struct strbuf *val)
{
	const unsigned char *p;
	unsigned plen;
	int rc;

	strbuf_release(val);
	if (tlen == 0 || tlen > db->len)
		return err_set(ERR_PARSE, "%s: record %u claims %u bytes of overflow data", db->path, recno, tlen);
	strbuf_init(val, tlen);
	while (val->len < tlen) {
		if (pgno == 0)
			return err_set(ERR_PARSE, "%s: record %u: overflow chain ends after %zu of %u bytes", db->path,
				       recno, val->len, tlen);
		if ((rc = get_page(db, pgno, P_OVERFLOW, P_OVERFLOW, "overflow", &p)) < 0)
			return rc;
		plen = rd16(db, p + 22);
		if (plen == 0 || plen > db->pagesize - PAGE_HEADER || plen > tlen - val->len)
			return err_set(ERR_PARSE, "%s: record %u: overflow page %u holds %u bytes (%zu of %u still "
				       "wanted, pages hold at most %u)", db->path, recno, pgno, plen, tlen - val->len,
				       tlen, db->pagesize - PAGE_HEADER);
		if ((rc = strbuf_add(val, p + PAGE_HEADER, plen)) < 0)
			return err_set(rc, "out of memory");
		pgno = rd32(db, p + 16);
	}
	return 0;
}

/* The key/value pair at index slot i (even) of hash page p. */
static int read_pair(struct bdb *db, const unsigned char *p, uint32_t pgno, unsigned i, unsigned nent,
		     struct pkg_list *tmp, struct strbuf *val)
{
	unsigned ps = db->pagesize, minoff = PAGE_HEADER + 2 * nent;
	unsigned koff = rd16(db, p + PAGE_HEADER + 2 * i), voff = rd16(db, p + PAGE_HEADER + 2 * i + 2);
	unsigned kend = i == 0 ? ps : rd16(db, p + PAGE_HEADER + 2 * i - 2);
	const unsigned char *v, *data;
	size_t dlen;
	uint32_t recno;
	int rc;

	/* Items are packed from the end of the page down: key i ends where
	 * the previous value starts, value i ends where key i starts. */
	if (koff < minoff || voff < minoff || kend > ps || koff >= kend || voff >= koff)
		return err_set(ERR_PARSE, "%s: hash page %u: item %u has bad offsets (%u, %u, end %u)", db->path, pgno,
			       i, koff, voff, kend);
	if (p[koff] != H_KEYDATA || kend - koff != 5)
		return err_set(ERR_PARSE, "%s: hash page %u: key %u is not a 4-byte record number", db->path, pgno, i);
	recno = rd32(db, p + koff + 1);
	v = p + voff;
	if (*v == H_KEYDATA) {
		data = v + 1;
		dlen = koff - voff - 1;
	} else if (*v == H_OFFPAGE && koff - voff == 12) {
		if ((rc = read_overflow(db, rd32(db, v + 4), rd32(db, v + 8), recno, val)) < 0)
			return rc;
		data = (const unsigned char *)val->buf;
		dlen = val->len;
	} else {
		return err_set(ERR_PARSE, "%s: hash page %u: record %u has value type %u", db->path, pgno, recno, *v);
	}
	/* Record 0 is rpm's next-instance counter.  Anything else under that
	 * key means a damaged key, which would otherwise lose a package. */
	if (recno == 0) {
		if (*v != H_KEYDATA || dlen != 4)
			return err_set(ERR_PARSE, "%s: hash page %u: record 0 is not rpm's 4-byte counter", db->path, pgno);
		return 0;
	}
	return rpmdb_add_blob(tmp, db->path, recno, data, dlen);
}

/* Walk the chain of hash pages of one bucket. */
static int read_bucket(struct bdb *db, uint32_t bucket, struct pkg_list *tmp, struct strbuf *val)
{
	const unsigned char *p;
	uint64_t pgno;
	unsigned nent, i, bits = 0;
	uint32_t b;
	int rc;

	for (b = bucket; b; b >>= 1)
		bits++;
	pgno = (uint64_t)bucket + db->spares[bits];
	if (pgno == 0)
		return err_set(ERR_PARSE, "%s: bucket %u is on page 0, the meta page", db->path, bucket);
	while (pgno) {
		if ((rc = get_page(db, pgno, P_HASH, P_HASH_UNSORTED, "hash", &p)) < 0)
			return rc;
		nent = rd16(db, p + 20);
		if (nent % 2 || PAGE_HEADER + 2 * nent > db->pagesize)
			return err_set(ERR_PARSE, "%s: hash page %llu has %u items", db->path, (unsigned long long)pgno,
				       nent);
		/* Items are packed down from the end of the page, so the lowest
		 * one starts at the page's high-free offset; a page whose item
		 * count was damaged shows it here instead of silently losing
		 * packages.  (An empty 64 KiB page says 0: the field is 16 bits.) */
		if (rd16(db, p + 22) != (nent ? rd16(db, p + PAGE_HEADER + 2 * (nent - 1)) : db->pagesize & 0xffff))
			return err_set(ERR_PARSE, "%s: hash page %llu: %u items do not end at its free-space offset %u",
				       db->path, (unsigned long long)pgno, nent, rd16(db, p + 22));
		for (i = 0; i < nent; i += 2)
			if ((rc = read_pair(db, p, (uint32_t)pgno, i, nent, tmp, val)) < 0)
				return rc;
		pgno = rd32(db, p + 16);
	}
	return 0;
}

int pkgdb_rpm_bdb(struct pkg_list *out, const char *path, const char *buf, size_t len)
{
	struct bdb db;
	struct pkg_list tmp = { NULL, 0, 0 };
	struct strbuf val = STRBUF_INIT;
	uint32_t bucket;
	int rc;

	memset(&db, 0, sizeof(db));
	db.path = path;
	db.b = (const unsigned char *)buf;
	db.len = len;
	if ((rc = open_meta(&db)) < 0)
		goto cleanup;
	for (bucket = 0; bucket <= db.maxbucket; bucket++)
		if ((rc = read_bucket(&db, bucket, &tmp, &val)) < 0)
			goto cleanup;
	rc = (int)tmp.n;
	if (pkg_list_take(out, &tmp) < 0)
		rc = ERR_NOMEM;

cleanup:
	pkg_list_release(&tmp);
	strbuf_release(&val);
	free(db.seen);
	return rc;
}
