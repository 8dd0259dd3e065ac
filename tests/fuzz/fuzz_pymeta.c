/* libFuzzer: Python METADATA / PKG-INFO files. */
#include <stdint.h>
#include <stdlib.h>

#include "scan/pkgdb_python.h"
#include "tests/fuzz/pkgdb_check.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char path[] = "usr/lib/python3/site-packages/x-1.dist-info/METADATA";
	struct pkg_list l = { NULL, 0, 0 };
	char *p;
	int rc;

	rc = pkgdb_python_metadata(&l, path, (const char *)data, size);
	if (rc > 1)
		abort();
	pkgdb_fuzz_check(&l, rc, path);
	if ((p = pkgdb_fuzz_path(data, size))) {
		pkgdb_python_is_metadata_path(p);
		free(p);
	}
	return 0;
}
