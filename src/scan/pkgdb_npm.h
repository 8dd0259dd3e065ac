/*
 * pkgdb_npm: Node.js packages, from npm lock files and from the
 * package.json of each package installed under node_modules.
 *
 * Lock files (package-lock.json, npm-shrinkwrap.json):
 *   - lockfileVersion 2 and 3: "packages", keyed by install paths.  The root
 *     entry "" (the project itself) and entries with "link": true (symlinks
 *     to workspace folders) are skipped, and so are keys without a
 *     node_modules/ segment (the workspace folders themselves: the
 *     project's own code, not a dependency) and entries without a version.
 *     The name is the entry's "name" (an aliased install) or the part of the
 *     key after its last "node_modules/".
 *   - lockfileVersion 1 (no "packages"): the nested "dependencies" tree,
 *     keyed by name, at most PKGDB_NPM_MAX_DEPTH deep.  "file:" versions
 *     (local folders) are skipped; "npm:NAME@VERSION" (an alias) gives NAME
 *     and VERSION.
 *   A package installed at several paths with one version is one package.
 * package.json (node_modules/NAME/package.json,
 * node_modules/@SCOPE/NAME/package.json): "name" and "version"; a file
 * without them (some packages ship stub package.json files) adds nothing.
 *
 * "@scope/name" becomes namespace_ "scope" and name "name".  The license is
 * the "license" string (or its "type", in the old object form), unless it is
 * longer than PKGDB_MAX_FIELD (a whole license text, not a name).  Every
 * package is PKG_NPM.  Text that is not JSON, or not UTF-8, is an ERR_PARSE
 * naming the file; a file over the size limit an ERR_LIMIT.
 */
#ifndef VETTER_PKGDB_NPM_H
#define VETTER_PKGDB_NPM_H

#include <stddef.h>

#include "scan/pkg.h"

/* Largest lock file and package.json read (bytes), and deepest v1 tree. */
#define PKGDB_NPM_MAX_LOCK ((size_t)64 * 1024 * 1024)
#define PKGDB_NPM_MAX_PACKAGE_JSON ((size_t)8 * 1024 * 1024)
#define PKGDB_NPM_MAX_DEPTH 128

/*
 * Append the packages of the lock file buf[0..len), read from path (relative
 * to the image root; it becomes pkg.path).  Returns how many were appended
 * or an ERR_*; nothing is appended on error.
 */
int pkgdb_npm_lock(struct pkg_list *out, const char *path, const char *buf, size_t len);

/* Append the package a node_modules package.json describes: returns 1, 0 (no name or version) or an ERR_*. */
int pkgdb_npm_package_json(struct pkg_list *out, const char *path, const char *buf, size_t len);

/*
 * 1 for a package-lock.json or npm-shrinkwrap.json outside node_modules:
 * inside, a lock file tells how a dependency was developed, and what npm
 * installed from it is read from the package.json files below it.
 */
int pkgdb_npm_is_lock_path(const char *path);

/* 1 for the package.json at the top of a package folder right under a node_modules folder. */
int pkgdb_npm_is_package_json_path(const char *path);

#endif
