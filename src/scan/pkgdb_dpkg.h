/*
 * pkgdb_dpkg: the packages of a Debian or Ubuntu image, from dpkg's status
 * database (var/lib/dpkg/status) or from the one-stanza files distroless
 * images keep instead (var/lib/dpkg/status.d/NAME).
 *
 * The text is deb822: stanzas of "Field: value" lines separated by blank
 * lines, continuation lines starting with a space or a tab, CRLF tolerated.
 * Each stanza that describes an installed package becomes one PKG_DEB
 * package: Package, Version (as written, epoch included), Architecture, and
 * the Source field ("name" or "name (version)"; without it the source is the
 * package itself, without a version the source version is the package's).
 *
 * Installed means what dpkg itself calls installed: the third word of
 * Status, the package's current state, is "installed" (or "triggers-pending"
 * / "triggers-awaited", a configured package waiting for a trigger to run).
 * The first word is only the administrator's wish, so "hold ok installed"
 * (a held package) and "deinstall ok installed" (marked for removal, every
 * file still on disk) are installed, while "deinstall ok config-files",
 * "install ok unpacked", "install reinstreq half-installed" and
 * "purge ok not-installed" are not.  These are the packages
 * `dpkg-query -W -f '${db:Status-Abbrev}'` shows with i, t or W as its
 * second letter.  A stanza without Status is installed in a status.d file
 * (distroless images write none) and not in the status file, where dpkg
 * always writes one.  A stanza without Package or Version is skipped.
 *
 * ERR_PARSE, naming the file and line: a line that is neither a field nor a
 * continuation (a truncated stanza), a malformed Status or Source, a field
 * given twice, a kept value that is not UTF-8.  Nothing is appended then.
 */
#ifndef VETTER_PKGDB_DPKG_H
#define VETTER_PKGDB_DPKG_H

#include <stddef.h>

#include "scan/pkg.h"

/*
 * Append the installed packages of buf[0..len), read from path (relative to
 * the image root; it sets pkg.path and tells a status.d file from the status
 * file).  Returns how many packages were appended, or a negative ERR_*.
 */
int pkgdb_dpkg(struct pkg_list *out, const char *path, const char *buf, size_t len);

/*
 * 1 when path is a file pkgdb_dpkg reads: var/lib/dpkg/status, or a file
 * directly in var/lib/dpkg/status.d/ other than the *.md5sums lists (and
 * hidden files).  A leading "/" or "./" is allowed.
 */
int pkgdb_dpkg_is_db_path(const char *path);

#endif
