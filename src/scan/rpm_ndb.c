/*
 * rpm_ndb: SUSE's "NDB" Packages.db (rpm lib/backend/ndb/rpmpkg.c).
 *
 * Little-endian throughout.  The file starts with slot pages (4096 bytes
 * each, slotnpages of them): a 32-byte file header ("RpmP", version 0,
 * generation, slotnpages, next package index), then 16-byte slots ("Slot",
 * package index, block offset, block count; offset 0 is a free slot).
 * Blocks are 16 bytes.  A slot's blocks hold one blob:
 *
 *   "BlbS", package index, timestamp, length | header blob | zero padding
 *   | adler32 of everything before it, length, "BlbE"
 *
 * The checks are rpm's own (slot inside the file and past the slot pages,
 * block count matching the length, both magics, the index in the blob head
 * matching the slot) plus two rpm only makes when it writes: slots may not
 * overlap (which also keeps the work linear in the file size) and the
 * checksum must match, so a damaged blob is refused rather than half read.
 */
#include "pkgdb_rpm.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <zlib.h>

#include "core/err.h"

#define NDB_PAGE 4096u
#define NDB_SLOT 16u
#define NDB_BLK 16u
#define NDB_HEADER 32u
#define NDB_BLOBHEAD 16u
#define NDB_BLOBTAIL 12u

struct slot {
	uint32_t pkgidx, blkoff, blkcnt;
};

static uint32_t le32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static int by_blkoff(const void *a, const void *b)
{
	uint32_t x = ((const struct slot *)a)->blkoff, y = ((const struct slot *)b)->blkoff;

	return x > y ? 1 : x < y ? -1 : 0;
}

/*
 * rpm zeroes the blocks of a blob it deletes, so a blob head between the
 * blobs the slots point to is a package whose slot was damaged: refuse the
 * database rather than silently leave the package out.
 */
static int check_gaps(const char *path, const unsigned char *b, uint64_t fileblks, uint64_t from,
		      const struct slot *slots, size_t n)
{
	uint64_t blk, to;
	size_t i;

	for (i = 0; i <= n; i++) {
		to = i < n ? slots[i].blkoff : fileblks;
		for (blk = from; blk < to; blk++)
			if (!memcmp(b + blk * NDB_BLK, "BlbS", 4))
				return err_set(ERR_PARSE, "%s: a blob at block %llu has no slot (damaged slot table)", path,
					       (unsigned long long)blk);
		if (i < n)
			from = (uint64_t)slots[i].blkoff + slots[i].blkcnt;
	}
	return 0;
}

/* Read the used slots into *slots_out (caller frees), sorted by position. */
static int read_slots(const char *path, const unsigned char *b, size_t len, struct slot **slots_out, size_t *n_out)
{
	uint32_t slotnpages = le32(b + 12);
	uint64_t fileblks = len / NDB_BLK, minblkoff, o, end;
	struct slot *slots = NULL;
	size_t n = 0, cap = 0, i;
	int rc = 0;

	*slots_out = NULL;
	*n_out = 0;
	if (slotnpages == 0 || (uint64_t)slotnpages * NDB_PAGE > len)
		return err_set(ERR_PARSE, "%s: %u slot pages do not fit in %zu bytes", path, slotnpages, len);
	minblkoff = (uint64_t)slotnpages * (NDB_PAGE / NDB_BLK);
	end = (uint64_t)slotnpages * NDB_PAGE;
	for (o = NDB_HEADER; o < end; o += NDB_SLOT) {
		const unsigned char *s = b + o;
		struct slot sl;

		if (memcmp(s, "Slot", 4)) {
			rc = err_set(ERR_PARSE, "%s: slot at offset %llu has no 'Slot' magic", path, (unsigned long long)o);
			goto cleanup;
		}
		sl.blkoff = le32(s + 8);
		if (!sl.blkoff)
			continue;
		sl.pkgidx = le32(s + 4);
		sl.blkcnt = le32(s + 12);
		if (!sl.pkgidx || !sl.blkcnt || sl.blkoff < minblkoff || (uint64_t)sl.blkoff + sl.blkcnt > fileblks) {
			rc = err_set(ERR_PARSE, "%s: slot at offset %llu (package %u, blocks %u+%u) is outside the %llu "
				     "data blocks", path, (unsigned long long)o, sl.pkgidx, sl.blkoff, sl.blkcnt,
				     (unsigned long long)fileblks);
			goto cleanup;
		}
		if (n == cap) {
			size_t ncap = cap ? cap * 2 : 64;
			struct slot *nv = realloc(slots, ncap * sizeof(*nv));

			if (!nv) {
				rc = err_set(ERR_NOMEM, "out of memory");
				goto cleanup;
			}
			slots = nv;
			cap = ncap;
		}
		slots[n++] = sl;
	}
	if (n > 1)
		qsort(slots, n, sizeof(*slots), by_blkoff);
	for (i = 1; i < n; i++) {
		if (slots[i].blkoff < (uint64_t)slots[i - 1].blkoff + slots[i - 1].blkcnt) {
			rc = err_set(ERR_PARSE, "%s: the blobs of packages %u and %u overlap", path, slots[i - 1].pkgidx,
				     slots[i].pkgidx);
			goto cleanup;
		}
	}
	if ((rc = check_gaps(path, b, fileblks, minblkoff, slots, n)) < 0)
		goto cleanup;
	*slots_out = slots;
	*n_out = n;
	slots = NULL;

cleanup:
	free(slots);
	return rc;
}

/* The header blob of one slot, checked; *blob points into b. */
static int read_blob(const char *path, const unsigned char *b, const struct slot *sl, const unsigned char **blob,
		     uint32_t *bloblen)
{
	const unsigned char *p = b + (size_t)sl->blkoff * NDB_BLK, *tail;
	size_t span = (size_t)sl->blkcnt * NDB_BLK;
	uint32_t n;

	if (span < NDB_BLOBHEAD + NDB_BLOBTAIL)
		return err_set(ERR_PARSE, "%s: package %u: %u blocks cannot hold a blob", path, sl->pkgidx, sl->blkcnt);
	if (memcmp(p, "BlbS", 4) || le32(p + 4) != sl->pkgidx)
		return err_set(ERR_PARSE, "%s: package %u: no blob head for it at block %u", path, sl->pkgidx,
			       sl->blkoff);
	n = le32(p + 12);
	if (((uint64_t)NDB_BLOBHEAD + n + NDB_BLOBTAIL + NDB_BLK - 1) / NDB_BLK != sl->blkcnt)
		return err_set(ERR_PARSE, "%s: package %u: blob length %u does not match its %u blocks", path,
			       sl->pkgidx, n, sl->blkcnt);
	tail = p + span - NDB_BLOBTAIL;
	if (memcmp(tail + 8, "BlbE", 4) || le32(tail + 4) != n)
		return err_set(ERR_PARSE, "%s: package %u: bad blob tail", path, sl->pkgidx);
	if (adler32_z(1L, p, span - NDB_BLOBTAIL) != le32(tail))
		return err_set(ERR_PARSE, "%s: package %u: blob checksum mismatch", path, sl->pkgidx);
	*blob = p + NDB_BLOBHEAD;
	*bloblen = n;
	return 0;
}

int pkgdb_rpm_ndb(struct pkg_list *out, const char *path, const char *buf, size_t len)
{
	const unsigned char *b = (const unsigned char *)buf, *blob = NULL;
	struct pkg_list tmp = { NULL, 0, 0 };
	struct slot *slots = NULL;
	size_t n = 0, i;
	uint32_t bloblen = 0;
	int rc = 0, added = 0;

	if (len < NDB_HEADER || memcmp(b, "RpmP", 4))
		return err_set(ERR_PARSE, "%s: not an rpm NDB database (no 'RpmP' magic)", path);
	if (le32(b + 4) != 0)
		return err_set(ERR_UNSUPPORTED, "%s: rpm NDB version %u (only 0 is known)", path, le32(b + 4));
	if (len % NDB_BLK)
		return err_set(ERR_PARSE, "%s: %zu bytes is not a whole number of NDB blocks (truncated?)", path, len);
	if ((rc = read_slots(path, b, len, &slots, &n)) < 0)
		goto cleanup;
	for (i = 0; i < n; i++) {
		if ((rc = read_blob(path, b, &slots[i], &blob, &bloblen)) < 0 ||
		    (rc = rpmdb_add_blob(&tmp, path, slots[i].pkgidx, blob, bloblen)) < 0)
			goto cleanup;
		added += rc;
	}
	if ((rc = pkg_list_take(out, &tmp)) < 0)
		goto cleanup;
	rc = added;

cleanup:
	pkg_list_release(&tmp);
	free(slots);
	return rc;
}
