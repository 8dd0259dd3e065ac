/*
 * pkgdb_rpm: the installed-package database of rpm, in its three on-disk
 * formats, read from memory.
 *
 *   rpmdb.sqlite   Fedora >= 33, RHEL 9, Debian's rpm 4.18: SQLite, table
 *                  Packages(hnum, blob).
 *   Packages.db    SUSE >= 15.3: rpm's own "NDB" format, a slot table and
 *                  checksummed blobs.
 *   Packages       CentOS 7, RHEL 8 and older: a Berkeley DB hash file whose
 *                  values are header blobs, most of them on overflow pages.
 *
 * Whatever the format, every value is one rpm header blob (the immutable
 * region rpm keeps in the database: two big-endian counts, the index, the
 * data store), decoded by rpm_header_decode().
 *
 * The bytes come from an image and are hostile: every count, offset, page
 * number and length is checked against the buffer, loops in page chains are
 * refused, and work is linear in the size of the file.  A database that is
 * not read completely is an error (ERR_PARSE, message naming the file and
 * the record), never a silent partial list: on any failure nothing is
 * appended to out.  Nothing is written to disk (the SQLite file is opened as
 * an in-memory copy).  The caller refuses files over 512 MB.
 *
 *   struct pkg_list l = { 0 };
 *   if (pkgdb_rpm(&l, "var/lib/rpm/Packages", buf, len) < 0)
 *           log_warn("%s", err_last());
 */
#ifndef VETTER_PKGDB_RPM_H
#define VETTER_PKGDB_RPM_H

#include <stddef.h>

#include "scan/pkg.h"

/*
 * Decode one header blob into out (type PKG_RPM): name, version
 * "[EPOCH:]VERSION-RELEASE" (the epoch only when the header has one), arch,
 * license, vendor, and source_name / source_version ("VERSION-RELEASE", no
 * epoch: the file name carries none) split from SOURCERPM.  A blob that
 * starts with the 8-byte header magic of .rpm files is accepted too.
 * Strings that are not UTF-8 are read as Latin-1.  out->path is left NULL.
 * On success the caller releases out with pkg_release(); on failure out is
 * empty and the error is ERR_PARSE saying what was wrong.
 */
int rpm_header_decode(const unsigned char *blob, size_t len, struct pkg *out);

/* Called for each file a package owns: folder (with its trailing '/') and name. */
typedef int (*rpm_file_fn)(void *ctx, const char *dir, size_t dlen, const char *base, size_t blen);
/* Every file the header's package owns. */
int rpm_header_files(const unsigned char *blob, size_t len, rpm_file_fn fn, void *ctx);
/*
 * Every file every package of the database owns (for leaving language
 * packages the OS owns to the OS package).  gpg-pubkey entries own none.
 */
int pkgdb_rpm_files(const char *path, const char *buf, size_t len, rpm_file_fn fn, void *ctx);
/* Internal to the readers: also hand files to fn while reading (NULL to stop). */
void rpmdb_collect_files(rpm_file_fn fn, void *ctx);

/* Each reads one format and appends its packages, with pkg.path = path;
 * gpg-pubkey pseudo packages (imported keys) are skipped.  Returns the
 * number of packages appended. */
int pkgdb_rpm_sqlite(struct pkg_list *out, const char *path, const char *buf, size_t len);
int pkgdb_rpm_ndb(struct pkg_list *out, const char *path, const char *buf, size_t len);
int pkgdb_rpm_bdb(struct pkg_list *out, const char *path, const char *buf, size_t len);

/* Recognise the format by its magic (SQLite, NDB "RpmP", Berkeley DB hash)
 * and call the reader above; anything else is ERR_PARSE. */
int pkgdb_rpm(struct pkg_list *out, const char *path, const char *buf, size_t len);

/*
 * 1 when path (relative to the image root) is where some distribution keeps
 * the rpm database: var/lib/rpm/{Packages,Packages.db,rpmdb.sqlite} or
 * usr/lib/sysimage/rpm/{Packages,Packages.db,rpmdb.sqlite}; else 0.
 * A leading "/" or "./" is tolerated.
 */
int pkgdb_rpm_is_db_path(const char *path);

/*
 * For the format readers: decode blob (the record numbered recno of path),
 * and append it to l unless it is a gpg-pubkey; a decoding error is
 * prefixed with the path and record.  Returns 1 when added, 0 when skipped.
 */
int rpmdb_add_blob(struct pkg_list *l, const char *path, unsigned long recno, const unsigned char *blob,
		   size_t len);

#endif
