/* libFuzzer: every importer of other tools' reports (src/import), detected by content. */
#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "import/import.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct import_opts o = { "fuzz-cluster" };
	struct import_result r;

	import_result_init(&r);
	(void)import_buffer((const char *)data, size, "fuzz.json", &o, &r);
	import_result_release(&r);
	err_clear();
	return 0;
}
