#include "handlers.h"

#include <stdlib.h>
#include <string.h>

#include "core/err.h"
#include "os.h"
#include "pkgdb_apk.h"
#include "pkgdb_dpkg.h"
#include "pkgdb_go.h"
#include "pkgdb_java.h"
#include "pkgdb_npm.h"
#include "pkgdb_python.h"
#include "pkgdb_rpm.h"

#define MB ((size_t)1 << 20)

/* Order matters only where two could match; none do today. */
static const struct path_handler handlers[] = {
	{ "dpkg", pkgdb_dpkg_is_db_path, 64 * MB, pkgdb_dpkg, 1 },
	{ "apk", pkgdb_apk_is_db_path, 64 * MB, pkgdb_apk, 1 },
	{ "rpm", pkgdb_rpm_is_db_path, 512 * MB, pkgdb_rpm, 1 },
	{ "python", pkgdb_python_is_metadata_path, 4 * MB, pkgdb_python_metadata, 0 },
	{ "npm-lock", pkgdb_npm_is_lock_path, 64 * MB, pkgdb_npm_lock, 1 },
	{ "npm", pkgdb_npm_is_package_json_path, 4 * MB, pkgdb_npm_package_json, 0 },
	{ "java", pkgdb_java_is_archive_path, 192 * MB, pkgdb_java, 0 },
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
