/* libFuzzer: apk's lib/apk/db/installed. */
#include <stdint.h>
#include <stdlib.h>

#include "scan/pkgdb_apk.h"
#include "tests/fuzz/pkgdb_check.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pkg_list l = { NULL, 0, 0 };
	char *path;

	pkgdb_fuzz_check(&l, pkgdb_apk(&l, "lib/apk/db/installed", (const char *)data, size), "lib/apk/db/installed");
	if ((path = pkgdb_fuzz_path(data, size))) {
		pkgdb_apk_is_db_path(path);
		free(path);
	}
	return 0;
}
