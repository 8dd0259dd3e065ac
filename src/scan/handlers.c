#include "handlers.h"

#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include "core/err.h"
#include "core/util.h"
#include "analyze.h"
#include "os.h"
#include "pkgdb_apk.h"
#include "pkgdb_dpkg.h"
#include "pkgdb_go.h"
#include "pkgdb_java.h"
#include "pkgdb_npm.h"
#include "pkgdb_python.h"
#include "pkgdb_rpm.h"

#define MB ((size_t)1 << 20)
/* Owned files per database: far above any real distribution, low enough to bound memory. */
#define OWNED_MAX 5000000

int owned_add(struct owned_list *l, const char *path, size_t len)
{
	char buf[4097];

	while (len && path[0] == '/')
		path++, len--;
	while (len && (path[len - 1] == '/' || path[len - 1] == '\r'))
		len--;
	if (!len || len >= sizeof(buf))
		return 0;
	if (l->n == OWNED_MAX)
		return err_set(ERR_LIMIT, "more than %d files owned by OS packages", OWNED_MAX);
	if (l->n == l->cap) {
		size_t ncap = l->cap ? l->cap * 2 : 1024;
		uint64_t *nv = realloc(l->v, ncap * sizeof(*nv));

		if (!nv)
			return err_set(ERR_NOMEM, "out of memory");
		l->v = nv;
		l->cap = ncap;
	}
	memcpy(buf, path, len);
	buf[len] = 0;
	l->v[l->n++] = layer_path_hash(buf);
	return 0;
}

/* var/lib/dpkg/info/PACKAGE.list: one absolute path a line. */
static int dpkg_list_match(const char *path)
{
	return util_has_prefix(path, "var/lib/dpkg/info/") && util_has_suffix(path, ".list") &&
	       !strchr(path + 18, '/');
}

static int dpkg_list_owned(const char *path, const char *buf, size_t len, struct owned_list *out)
{
	const char *p = buf, *end = buf + len, *nl;
	int rc = 0;

	(void)path;
	while (p < end && rc == 0) {
		nl = memchr(p, '\n', (size_t)(end - p));
		if (!nl)
			nl = end;
		rc = owned_add(out, p, (size_t)(nl - p));
		p = nl + 1;
	}
	return rc;
}

static int rpm_file(void *ctx, const char *dir, size_t dlen, const char *base, size_t blen)
{
	char full[8200];

	if (dlen + blen >= sizeof(full))
		return 0;
	memcpy(full, dir, dlen);
	memcpy(full + dlen, base, blen);
	return owned_add(ctx, full, dlen + blen);
}

static int rpm_owned(const char *path, const char *buf, size_t len, struct owned_list *out)
{
	return pkgdb_rpm_files(path, buf, len, rpm_file, out);
}

/* lib/apk/db/installed: "F:folder" then "R:file" lines. */
static int apk_owned(const char *path, const char *buf, size_t len, struct owned_list *out)
{
	const char *p = buf, *end = buf + len, *nl;
	char dir[4097] = "";
	size_t dlen = 0;
	int rc = 0;

	(void)path;
	while (p < end && rc == 0) {
		nl = memchr(p, '\n', (size_t)(end - p));
		if (!nl)
			nl = end;
		if (nl - p > 2 && p[0] == 'F' && p[1] == ':') {
			dlen = (size_t)(nl - p - 2) < sizeof(dir) - 1 ? (size_t)(nl - p - 2) : 0;
			memcpy(dir, p + 2, dlen);
			dir[dlen] = 0;
		} else if (nl - p > 2 && p[0] == 'R' && p[1] == ':' && dlen + (size_t)(nl - p) < sizeof(dir) - 2) {
			char full[8200];
			int n = snprintf(full, sizeof(full), "%s/%.*s", dir, (int)(nl - p - 2), p + 2);

			if (n > 0 && (size_t)n < sizeof(full))
				rc = owned_add(out, full, (size_t)n);
		}
		p = nl + 1;
	}
	return rc;
}

/* Order matters only where two could match; none do today. */
static const struct path_handler handlers[] = {
	{ "dpkg", pkgdb_dpkg_is_db_path, 64 * MB, pkgdb_dpkg, 1, NULL },
	{ "dpkg-files", dpkg_list_match, 16 * MB, NULL, 0, dpkg_list_owned },
	{ "apk", pkgdb_apk_is_db_path, 64 * MB, pkgdb_apk, 1, apk_owned },
	{ "rpm", pkgdb_rpm_is_db_path, 512 * MB, pkgdb_rpm, 1, rpm_owned },
	{ "python", pkgdb_python_is_metadata_path, 4 * MB, pkgdb_python_metadata, 0, NULL },
	{ "npm-lock", pkgdb_npm_is_lock_path, 64 * MB, pkgdb_npm_lock, 1, NULL },
	{ "npm", pkgdb_npm_is_package_json_path, 4 * MB, pkgdb_npm_package_json, 0, NULL },
	{ "java", pkgdb_java_is_archive_path, 192 * MB, pkgdb_java, 0, NULL },
};

const struct path_handler *handler_for_path(const char *path)
{
	size_t i;

	for (i = 0; i < sizeof(handlers) / sizeof(handlers[0]); i++)
		if (handlers[i].match(path))
			return &handlers[i];
	return NULL;
}

int handler_is_os_file(const char *path)
{
	return os_is_release_file(path);
}

struct content_scan {
	struct gobin *go;
};

int content_is_candidate(const unsigned char *head, size_t n, unsigned mode)
{
	(void)mode;
	return gobin_is_candidate(head, n);
}

int content_begin(struct content_scan **out, const char *path)
{
	struct content_scan *c = calloc(1, sizeof(*c));
	int rc;

	if (!c)
		return err_set(ERR_NOMEM, "out of memory");
	if ((rc = gobin_new(&c->go, path)) < 0) {
		free(c);
		return rc;
	}
	*out = c;
	return 0;
}

int content_feed(struct content_scan *c, const void *data, size_t len)
{
	return gobin_feed(c->go, data, len);
}

int content_end(struct content_scan *c, struct pkg_list *out)
{
	return gobin_finish(c->go, out);
}

void content_free(struct content_scan *c)
{
	if (!c)
		return;
	gobin_free(c->go);
	free(c);
}
