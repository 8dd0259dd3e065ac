/*
 * libFuzzer: the AWS normaliser over any dataset (what an export folder or a
 * hostile account's answers can put there): a JSON document in the
 * aws_data.h layout, turned into assets, edges and gaps.
 */
#include <stddef.h>
#include <stdint.h>

#include "connectors/aws_norm.h"
#include "core/jsonx.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	json_t *ds = NULL, *out = NULL;

	if (jsonx_parse((const char *)data, size, "fuzz", &ds) < 0)
		return 0;
	if (json_is_object(ds) && aws_normalise_json(ds, "export", &out) == 0)
		json_decref(out);
	json_decref(ds);
	return 0;
}
