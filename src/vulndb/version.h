/*
 * version: the version orderings of the package ecosystems that advisories
 * speak of, each a port of its upstream's own comparator, proven on that
 * project's test vectors (../shared/data/versions).
 *
 * Advisory matching stands or falls on these: "1.0~rc1" is older than "1.0"
 * for dpkg and rpm, "1.0.0-rc1" is older than "1.0.0" for npm, "1.0.post1"
 * is newer than "1.0" for PyPI, "1-sp" is newer than "1" for Maven.  A
 * generic comparator gets each of those wrong somewhere.
 *
 *   dpkg   Debian, Ubuntu         dpkg's verrevcmp (epoch:upstream-revision)
 *   rpm    Red Hat, SUSE, ...     rpmvercmp on epoch, version, release
 *   apk    Alpine, Wolfi          apk-tools v3 version.c tokens
 *   npm    npm, crates.io         node-semver 7 (strict, or loose with VER_LOOSE)
 *   pypi   PyPI                   PEP 440 as pypa/packaging's Version
 *   go     Go                     golang.org/x/mod/semver (leading "v" required)
 *   maven  Maven                  maven-artifact's ComparableVersion
 *
 * Every function takes NUL-terminated strings from outside (an image, an
 * advisory feed) and bounds its work: a version longer than VER_MAX_LEN
 * bytes is refused with ERR_PARSE, numbers of any length are compared as
 * digit strings unless upstream itself converts them, and nothing recurses
 * or loops beyond the length of its input.
 */
#ifndef VETTER_VERSION_H
#define VETTER_VERSION_H

#include <stddef.h>

#include "core/strbuf.h"

/* Longest version (or npm range) accepted, in bytes. */
#define VER_MAX_LEN 1024

enum ver_scheme { VER_DPKG, VER_RPM, VER_APK, VER_NPM, VER_PYPI, VER_GO, VER_MAVEN };
#define VER_SCHEME_COUNT 7

/* Flags of ver_compare, ver_valid and semver_range_satisfies. */
#define VER_LOOSE 0x1              /* npm: node-semver's loose parsing ("v 1.2.3", "1.2.3beta") */
#define VER_INCLUDE_PRERELEASE 0x2 /* npm ranges: prereleases match any comparator (includePrerelease) */
#define VER_GO_IMPLICIT_V 0x4      /* go: accept "1.2.3" as "v1.2.3" (OSV writes Go versions without the v) */

/* The scheme named by one of the words dpkg, rpm, apk, npm, pypi, go, maven
 * (any case).  ERR_NOTFOUND for another word. */
int ver_scheme_from_word(const char *word, enum ver_scheme *out);
/* The word of a scheme ("dpkg", ...). */
const char *ver_scheme_name(enum ver_scheme s);

/*
 * The scheme of an OSV ecosystem name such as "Debian:12", "Ubuntu:22.04:LTS",
 * "Alpine:v3.19", "Rocky Linux:9", "Red Hat:enterprise_linux:9::appstream",
 * "npm", "PyPI", "Go", "Maven", "crates.io" (the part before the first ':'
 * decides, any case).  Ecosystems whose ordering is not implemented here
 * (RubyGems, NuGet, Packagist, Hex, Pub, Hackage, CRAN, Bioconductor,
 * SwiftURL, ConanCenter, GitHub Actions, ...) give ERR_UNSUPPORTED; names no
 * one knows give ERR_NOTFOUND.
 */
int ver_scheme_for_ecosystem(const char *osv_ecosystem, enum ver_scheme *out);

/*
 * Compare two versions of one scheme: *result is -1, 0 or 1 as a is older,
 * the same or newer.  ERR_PARSE (with the version in the message) when either
 * cannot be parsed, except where upstream orders invalid versions itself: Go
 * puts every invalid version below every valid one and equal to each other;
 * apk compares whatever tokens it can read.  flags: VER_LOOSE for npm,
 * VER_GO_IMPLICIT_V for go.
 */
int ver_compare(enum ver_scheme s, const char *a, const char *b, int flags, int *result);

/* 1 when v is a well-formed version of the scheme, 0 when not (dpkg: also
 * not when dpkg would only warn; rpm: non-empty, no blanks or control bytes). */
int ver_valid(enum ver_scheme s, const char *v, int flags);

/*
 * node-semver's satisfies(version, range): *result 1 when version is in
 * range.  The range is desugared exactly as node-semver 7 does (||, hyphen
 * ranges, x-ranges, ~, ^, and the rule that a prerelease only matches a
 * comparator of the same major.minor.patch that has one too, unless
 * VER_INCLUDE_PRERELEASE).  ERR_PARSE when the range or the version is
 * invalid (where node-semver's satisfies() would say false).
 */
int semver_range_satisfies(const char *range, const char *version, int flags, int *result);

/* PEP 440 normal form of v ("1.0-ALPHA1" -> "1.0a1"), appended to out.
 * ERR_PARSE when v is not a PEP 440 version. */
int pep440_normalize(const char *v, struct strbuf *out);

/* golang.org/x/mod/semver.Canonical: "v1.2" -> "v1.2.0", build dropped;
 * appends nothing and returns 0 for an invalid version (as Go returns ""). */
int go_canonical(const char *v, struct strbuf *out);

/*
 * apk-tools' apk_version_match(a, op, b) with op one of <, <=, =, >=, >, ~
 * (fuzzy: b is a prefix of a's tokens), <~, >~, each optionally preceded by
 * '!' (negation).  *result is 1 when the relation holds.  ERR_PARSE for
 * another operator.
 */
int apk_fuzzy_match(const char *a, const char *op, const char *b, int *result);

/* --- used by the per-scheme files (ver_*.c) --- */

/* Compare two runs of ASCII digits as the numbers they write, of any length
 * (leading zeros ignored); -1, 0 or 1. */
int ver_cmp_digits(const char *a, size_t alen, const char *b, size_t blen);
/* Write v into buf (size >= 8) quoted for a message: at most ~60 bytes,
 * control and non-ASCII bytes as \xNN, so hostile text cannot drive a terminal. */
const char *ver_quote(char *buf, size_t size, const char *v);

int ver_dpkg_compare(const char *a, const char *b, int *result);
int ver_dpkg_valid(const char *v);
int ver_rpm_compare(const char *a, const char *b, int *result);
int ver_rpm_valid(const char *v);
int ver_apk_compare(const char *a, const char *b, int *result);
int ver_apk_valid(const char *v);
int ver_semver_compare(const char *a, const char *b, int flags, int *result);
int ver_semver_valid(const char *v, int flags);
int ver_pep440_compare(const char *a, const char *b, int *result);
int ver_pep440_valid(const char *v);
int ver_go_compare(const char *a, const char *b, int flags, int *result);
int ver_go_valid(const char *v, int flags);
int ver_maven_compare(const char *a, const char *b, int *result);
int ver_maven_valid(const char *v);

#endif
