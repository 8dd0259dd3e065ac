/*
 * libFuzzer: the package identities the merge of imported findings computes
 * (scoring/merge.h) from what the importers keep of a hostile report (names,
 * versions, PURLs), and from the raw bytes as a component.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/err.h"
#include "import/import.h"
#include "scoring/merge.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct import_opts o = { "fuzz-cluster" };
	struct import_result r;
	struct strbuf key = STRBUF_INIT;
	json_t *f;
	char *s = malloc(size + 1);
	size_t i;

	if (!s)
		return 0;
	memcpy(s, data, size);
	s[size] = 0;
	(void)merge_package_key(&key, NULL, s);
	import_result_init(&r);
	if (import_buffer((const char *)data, size, "fuzz.json", &o, &r) == 0)
		json_array_foreach(r.findings, i, f) {
			strbuf_reset(&key);
			(void)merge_package_key(&key, json_object_get(f, "package"), json_string_value(json_object_get(f, "component")));
		}
	import_result_release(&r);
	strbuf_release(&key);
	free(s);
	err_clear();
	return 0;
}
