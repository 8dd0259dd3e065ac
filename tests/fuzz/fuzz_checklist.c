/*
 * libFuzzer: the integration checklist template loader (YAML, references,
 * cycle detection, ordering).  A template that loads must come with an order
 * in which every item follows what it depends on.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "core/err.h"
#include "scoring/checklist.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct checklist *cl = NULL;
	size_t *pos, i, k;

	if (checklist_parse(&cl, (const char *)data, size, "fuzz.yaml") < 0) {
		if (cl)
			abort();
		return 0;
	}
	pos = calloc(cl->nitems + 1, sizeof(size_t));
	for (i = 0; i < cl->nitems; i++)
		pos[cl->order[i]] = i;
	for (i = 0; i < cl->nitems; i++)
		for (k = 0; k < cl->items[i].ndeps; k++)
			if (pos[cl->items[i].deps[k]] >= pos[i])
				abort();
	free(pos);
	checklist_free(cl);
	err_clear();
	return 0;
}
