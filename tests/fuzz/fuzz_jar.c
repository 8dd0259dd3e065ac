/* libFuzzer: Java archives (zip, nested archives, pom.properties, MANIFEST.MF). */
#include <stdint.h>

#include "scan/pkgdb_java.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pkg_list l = { 0 };

	pkgdb_java(&l, "fuzz.jar", (const char *)data, size);
	pkg_list_release(&l);
	return 0;
}
