/* libFuzzer: image references. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "scan/imageref.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct image_ref ref;
	char *s = malloc(size + 1);

	if (!s)
		return 0;
	memcpy(s, data, size);
	s[size] = 0;
	if (image_ref_parse(&ref, s) == 0)
		image_ref_release(&ref);
	free(s);
	return 0;
}
