/*
 * pkgdb_text: what the package-database parsers share (dpkg, apk, Python
 * metadata, npm): walking the lines of a memory buffer, the limits on what
 * one file may hold, and the checks every kept value passes before it
 * becomes part of a struct pkg.
 *
 * The databases come from images we did not build, so a value is accepted
 * only when it is valid UTF-8 without NUL bytes (the JSON outputs could not
 * carry it otherwise) and at most PKGDB_MAX_FIELD bytes long.
 */
#ifndef VETTER_PKGDB_TEXT_H
#define VETTER_PKGDB_TEXT_H

#include <stddef.h>

#include "core/strbuf.h"
#include "scan/pkg.h"

/* Longest name, version, arch, source or license vetter keeps. */
#define PKGDB_MAX_FIELD 4096
/* Most packages one database file may describe (ERR_LIMIT beyond). */
#define PKGDB_MAX_PKGS 200000

/* Walks buf line by line; lines end at "\n", and a "\r" before it is dropped. */
struct pkgdb_lines {
	const char *p, *end;
	size_t lineno; /* 1-based number of the line last returned */
};

void pkgdb_lines_init(struct pkgdb_lines *it, const char *buf, size_t len);
/* Set line and len to the next line (without its end); 0 at the end of the buffer. */
int pkgdb_lines_next(struct pkgdb_lines *it, const char **line, size_t *len);

/* 1 when s[0..n) is valid UTF-8 (shortest forms, no surrogates) without NUL. */
int pkgdb_utf8_valid(const char *s, size_t n);

/*
 * Store v[0..n), blanks at both ends trimmed, into out after the checks
 * above.  ERR_PARSE names path, the line (when lineno is not 0) and field.
 */
int pkgdb_value_set(struct strbuf *out, const char *v, size_t n, const char *path, size_t lineno,
		    const char *field);

/*
 * Append p to list, which holds the packages of one file only (the parsers
 * fill a list of their own and hand it over when the whole file has been
 * read, so a bad file adds nothing): past PKGDB_MAX_PKGS an ERR_LIMIT
 * naming path.
 */
int pkgdb_add(struct pkg_list *list, const struct pkg *p, const char *path);

/* path without any leading "/" and "./" (image paths come both ways from tar). */
const char *pkgdb_path_rel(const char *path);
/* The last component of path. */
const char *pkgdb_path_base(const char *path);

#endif
