/* libFuzzer: os-release files from images. */
#include <stdint.h>

#include "scan/os.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	json_t *os = NULL;

	if (os_release_parse((const char *)data, size, &os) == 0)
		json_decref(os);
	return 0;
}
