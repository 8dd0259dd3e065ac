/* libFuzzer: the YAML loader (engagement files, manifests, rule packs, waivers). */
#include <stddef.h>
#include <stdint.h>

#include "core/ydoc.h"

static int each(void *ctx, int index, json_t *doc, const struct ydoc_map *pos)
{
	(void)ctx;
	(void)index;
	(void)ydoc_pos_near(pos, "a.b[0].c");
	return json_is_object(doc) || json_is_array(doc) || json_is_null(doc) ? 0 : 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ydoc_limits lim = { 100000, 64 };

	ydoc_load_stream((const char *)data, size, "fuzz", &lim, each, NULL);
	return 0;
}
