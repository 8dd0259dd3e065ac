/*
 * gomodinfo: the packages named by a Go binary's build info, once its two
 * strings are in hand (pkgdb_go finds them in the stream).
 *
 * mod is runtime.modinfo with its 16-byte framing sentinels, read the way
 * runtime/debug.ParseBuildInfo does ("path", "mod", "dep", "=>" and "build"
 * lines, tab-separated; a last line without '\n' is ignored).  See
 * pkgdb_go.h for the packages made of it.  Lines naming modules are at most
 * 4096 bytes and at most GOBIN_MODULES_MAX of them (ERR_LIMIT); a module or
 * replacement line with the wrong number of columns, or a replacement with no
 * module before it, is ERR_PARSE, as for Go.
 */
#ifndef VETTER_GOMODINFO_H
#define VETTER_GOMODINFO_H

#include <stddef.h>

#include "pkg.h"

/* More modules than this in one binary is refused (ERR_LIMIT). */
#define GOBIN_MODULES_MAX 20000

/*
 * Append the packages of build info (vers: the toolchain version, mod: the
 * module info) to out, each with pkg.path = path; returns how many.  An
 * empty vers means no Go build info at all: 0, nothing added.  Nothing is
 * appended on error.
 */
int gomodinfo_parse(struct pkg_list *out, const char *path, const char *vers, size_t vlen, const char *mod,
		    size_t mlen);

#endif
