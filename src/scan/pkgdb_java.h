/*
 * pkgdb_java: the Maven artifacts inside a Java archive (.jar, .war, .ear,
 * .par) held in memory, nested archives included.
 *
 * For each archive (libarchive reading the zip from memory):
 *  - every META-INF/maven/<groupId>/<artifactId>/pom.properties gives a
 *    package: groupId -> namespace_, artifactId -> name, version (a shaded jar
 *    carries several);
 *  - an archive with none of those gives at most one package from the main
 *    section of META-INF/MANIFEST.MF, taking title and version from the same
 *    family so that two unrelated names never mix: Implementation-Title and
 *    -Version (namespace_ = Implementation-Vendor-Id when present), else
 *    Bundle-SymbolicName (directives after ';' dropped) and Bundle-Version,
 *    else Specification-Title and -Version;
 *  - every member whose name ends in .jar/.war/.ear/.par (Spring Boot's
 *    BOOT-INF/lib/, a war's WEB-INF/lib/, an ear's modules) is read into
 *    memory and walked the same way, with pkg.path "outer.jar!BOOT-INF/lib/inner.jar"
 *    (and "...!inner.jar!lib/x.jar" deeper).
 *
 * Bounds, because archives from images are hostile: nesting at most
 * JAVA_DEPTH_MAX archives below the one given; one member read at most
 * JAVA_ENTRY_MAX bytes, and all members read from one top archive (nested
 * archives, pom.properties, manifests) at most JAVA_EXPANDED_MAX bytes
 * together, checked against the size an entry declares before inflating it
 * and again while inflating (a zip bomb is ERR_LIMIT); at most
 * JAVA_ENTRIES_MAX entries and JAVA_PKGS_MAX packages.  Other members are
 * skipped without being inflated.  Member names that are not valid UTF-8
 * have the offending bytes shown as '?' in pkg.path; a package whose
 * coordinates are not valid UTF-8 text is skipped.
 */
#ifndef VETTER_PKGDB_JAVA_H
#define VETTER_PKGDB_JAVA_H

#include <stddef.h>

#include "pkg.h"

#define JAVA_DEPTH_MAX 4
#define JAVA_ENTRY_MAX ((size_t)256 * 1024 * 1024)
#define JAVA_EXPANDED_MAX ((size_t)1024 * 1024 * 1024)
#define JAVA_META_MAX ((size_t)1024 * 1024)
#define JAVA_ENTRIES_MAX 1000000
#define JAVA_PKGS_MAX 100000

/*
 * Append the packages of the archive buf[0..len), found at path in the
 * image, to out; returns how many.  ERR_PARSE when it (or an archive nested
 * in it) is not a readable zip, ERR_LIMIT past a bound; nothing is appended
 * on error.
 */
int pkgdb_java(struct pkg_list *out, const char *path, const char *buf, size_t len);

/* 1 when path names a Java archive by its extension (any case). */
int pkgdb_java_is_archive_path(const char *path);

#endif
