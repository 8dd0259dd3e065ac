/*
 * pkg: the package model every package-database parser fills.
 *
 * A parser reads one file (or one stream) of an image and appends packages
 * to a pkg_list.  It sets what the database says; the scan stage adds the
 * layer and, once the OS is known, the PURL of OS packages.
 *
 * Versions are kept as the package manager spells them, epoch included
 * where there is one ("1:2.36.1-8+deb11u1", "2:1.0.2k-26.el7_9"), because
 * that is what advisories are matched against.
 */
#ifndef VETTER_PKG_H
#define VETTER_PKG_H

#include <stddef.h>

#include <jansson.h>

#include "core/strbuf.h"

/* PURL types, which double as the package's ecosystem inside vetter. */
#define PKG_DEB "deb"
#define PKG_APK "apk"
#define PKG_RPM "rpm"
#define PKG_NPM "npm"
#define PKG_PYPI "pypi"
#define PKG_GO "golang"
#define PKG_MAVEN "maven"

struct pkg {
	const char *type;     /* one of the PKG_* constants (static, never freed) */
	char *name;
	char *version;
	char *arch;           /* may be NULL */
	char *source_name;    /* deb Source:, apk origin, rpm source rpm's name; may be NULL */
	char *source_version; /* deb source version, rpm source version-release; may be NULL */
	char *namespace_;     /* maven groupId, npm scope without '@'; may be NULL */
	char *license;        /* may be NULL */
	char *vendor;         /* may be NULL */
	char *path;           /* the file it was read from, relative to the image root */
	char *layer;          /* digest of the layer holding that file; set by the scan stage */
	char *purl;           /* set by pkg_list_set_purls() or the parser */
};

struct pkg_list {
	struct pkg *v;
	size_t n, cap;
};

/*
 * Append a copy of p (every string duplicated; NULL strings stay NULL).
 * name and version must not be NULL or empty.
 */
int pkg_list_add(struct pkg_list *l, const struct pkg *p);
/* Move every package of src to the end of dst; src is left empty. */
int pkg_list_take(struct pkg_list *dst, struct pkg_list *src);
void pkg_list_release(struct pkg_list *l);
void pkg_release(struct pkg *p);
/* Sort by type, name, version, arch, path: a stable order for outputs. */
void pkg_list_sort(struct pkg_list *l);

/*
 * The package URL (https://github.com/package-url/purl-spec) of p.
 * os is the detected OS ({"id": "debian", "version_id": "12", ...}) or NULL;
 * it gives the namespace of OS packages (deb/debian, rpm/rocky, apk/alpine)
 * and the distro qualifier.
 */
int pkg_purl(struct strbuf *out, const struct pkg *p, const json_t *os);
/* Set purl on every package that has none. */
int pkg_list_set_purls(struct pkg_list *l, const json_t *os);

/* The package as a JSON object (the keys of docs/inventory.md); caller owns it. */
json_t *pkg_to_json(const struct pkg *p);
/* Read back what pkg_to_json wrote (for the layer cache). */
int pkg_from_json(struct pkg *out, const json_t *j);

#endif
