/* libFuzzer: npm lock files, and the same bytes as a node_modules package.json. */
#include <stdint.h>
#include <stdlib.h>

#include "scan/pkgdb_npm.h"
#include "tests/fuzz/pkgdb_check.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char lock[] = "app/package-lock.json", pj[] = "app/node_modules/x/package.json";
	struct pkg_list l = { NULL, 0, 0 };
	char *path;
	int rc;

	pkgdb_fuzz_check(&l, pkgdb_npm_lock(&l, lock, (const char *)data, size), lock);
	rc = pkgdb_npm_package_json(&l, pj, (const char *)data, size);
	if (rc > 1)
		abort();
	pkgdb_fuzz_check(&l, rc, pj);
	if ((path = pkgdb_fuzz_path(data, size))) {
		pkgdb_npm_is_lock_path(path);
		pkgdb_npm_is_package_json_path(path);
		free(path);
	}
	return 0;
}
