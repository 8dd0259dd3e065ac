/* libFuzzer: dpkg status files, read both as the status file and as a distroless status.d file. */
#include <stdint.h>
#include <stdlib.h>

#include "scan/pkgdb_dpkg.h"
#include "tests/fuzz/pkgdb_check.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const paths[] = { "var/lib/dpkg/status", "var/lib/dpkg/status.d/x" };
	struct pkg_list l = { NULL, 0, 0 };
	char *path;
	size_t i;

	for (i = 0; i < 2; i++)
		pkgdb_fuzz_check(&l, pkgdb_dpkg(&l, paths[i], (const char *)data, size), paths[i]);
	if ((path = pkgdb_fuzz_path(data, size))) {
		pkgdb_dpkg_is_db_path(path);
		free(path);
	}
	return 0;
}
