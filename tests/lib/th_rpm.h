/*
 * th_rpm: rpm header blobs and databases built by hand, for the rpm tests
 * (tests/unit/test_rpmdb*.c).  The builders write what rpm and Berkeley DB
 * write, small enough to reason about byte by byte, and reach the paths the
 * upstream test files do not (big-endian Berkeley DB, values on the hash
 * page, several slot pages...).
 */
#ifndef VETTER_TH_RPM_H
#define VETTER_TH_RPM_H

#include <stddef.h>
#include <stdint.h>

#include "core/strbuf.h"
#include "scan/pkg.h"

/* One index entry: tag, rpm type, count and its data. */
struct th_hent {
	uint32_t tag, type, count;
	const void *data;
	size_t len;
};
#define TH_STR(tag, s) { tag, 6, 1, s, sizeof(s) }

/* A header blob as rpm stores it in its database: a HEADERIMMUTABLE region
 * entry first and its trailer last, unless bare. */
void th_rpm_header(struct strbuf *out, const struct th_hent *e, size_t n, int bare);
/* name 2.32.1-42.el8_8, epoch 7, x86_64, BSD, "Red Hat, Inc.",
 * util-linux-2.32.1-42.el8_8.src.rpm; license padded with pad spaces. */
void th_rpm_header_full(struct strbuf *out, const char *name, size_t pad);

/* A Berkeley DB hash file of the given page size and byte order holding
 * blobs[i] as record i + 1 (and rpm's record 0 counter).  Values that do not
 * fit in a quarter page go to overflow pages. */
void th_rpm_bdb(struct strbuf *out, int big_endian, unsigned pagesize, const struct strbuf *blobs, size_t n);
/* An NDB Packages.db with slotnpages slot pages holding blobs[i] as package i + 1. */
void th_rpm_ndb(struct strbuf *out, unsigned slotnpages, const struct strbuf *blobs, size_t n);

/*
 * pkgdb_rpm on an exact-size copy (a read past the end is caught by the
 * sanitizers), appending to a list that already holds one package: on
 * failure that list must be as it was, on success grown by the count.
 * When dump is not NULL it gets every field of the packages read, a line
 * each.
 */
int th_rpm_parse_copy(const char *buf, size_t len, struct strbuf *dump);
void th_rpm_dump(struct strbuf *out, const struct pkg *v, size_t n);

#endif
