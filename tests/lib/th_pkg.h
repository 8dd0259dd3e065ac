/* th_pkg: helpers for the package-database tests. */
#ifndef VETTER_TH_PKG_H
#define VETTER_TH_PKG_H

#include <string.h>

#include "scan/pkg.h"

/* A C string and its length, for the parsers' (buf, len) arguments. */
#define TXT(s) (s), strlen(s)

/* The package ns/name (and version, unless NULL) in l, or NULL. */
const struct pkg *th_pkg_find(const struct pkg_list *l, const char *ns, const char *name, const char *version);

#endif
