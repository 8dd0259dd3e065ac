/* libFuzzer: an rpm database of any format (pkgdb_rpm). */
#include <stdint.h>
#include <stdlib.h>

#include "scan/pkgdb_rpm.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pkg_list l = { NULL, 0, 0 };
	size_t i;
	int rc = pkgdb_rpm(&l, "var/lib/rpm/Packages", (const char *)data, size);

	/* Nothing is appended on failure, exactly the count on success. */
	if (rc < 0 ? l.n != 0 : (size_t)rc != l.n)
		abort();
	for (i = 0; i < l.n; i++) {
		json_t *j = pkg_to_json(&l.v[i]);

		if (!j)
			abort();
		json_decref(j);
	}
	pkg_list_release(&l);
	return 0;
}
