/* libFuzzer: one rpm header blob (rpm_header_decode). */
#include <stdint.h>
#include <stdlib.h>

#include "scan/pkgdb_rpm.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pkg p;
	json_t *j;

	if (rpm_header_decode(data, size, &p) < 0)
		return 0;
	/* What was decoded must be a package the inventory can hold. */
	if (!p.name || !p.name[0] || !p.version || !p.version[0])
		abort();
	j = pkg_to_json(&p);
	if (!j)
		abort(); /* a string that is not UTF-8 */
	json_decref(j);
	pkg_release(&p);
	return 0;
}
