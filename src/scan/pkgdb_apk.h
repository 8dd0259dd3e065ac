/*
 * pkgdb_apk: the packages of an Alpine (or Wolfi, Chainguard) image, from
 * apk's database lib/apk/db/installed (usr/lib/apk/db/installed on newer
 * images).
 *
 * The file is a list of stanzas separated by blank lines, each line one
 * letter, a colon and a value (CRLF tolerated).  A stanza becomes one
 * PKG_APK package: P name, V version, A arch, o origin (the source package;
 * its version is the package's, as aports builds every subpackage of an
 * origin at one version), L license.  A stanza without P or V is skipped;
 * file lines (F, R, Z, a, M...) are not read.
 *
 * ERR_PARSE, naming the file and line: a line that is not "X:value" (a
 * truncated stanza), a kept letter given twice in one stanza, a kept value
 * that is not UTF-8.  Nothing is appended then.
 */
#ifndef VETTER_PKGDB_APK_H
#define VETTER_PKGDB_APK_H

#include <stddef.h>

#include "scan/pkg.h"

/*
 * Append the packages of buf[0..len), read from path (relative to the image
 * root; it becomes pkg.path).  Returns how many were appended or an ERR_*.
 */
int pkgdb_apk(struct pkg_list *out, const char *path, const char *buf, size_t len);

/* 1 for lib/apk/db/installed and usr/lib/apk/db/installed (a leading "/" or "./" allowed). */
int pkgdb_apk_is_db_path(const char *path);

#endif
