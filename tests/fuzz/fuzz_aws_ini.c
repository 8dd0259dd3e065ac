/*
 * libFuzzer: the AWS CLI's config and credentials files (INI), and the IAM
 * credential report (CSV) through the normaliser.
 */
#include <stddef.h>
#include <stdint.h>

#include "connectors/aws_creds.h"
#include "connectors/aws_data.h"
#include "connectors/aws_norm.h"
#include "core/jsonx.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	json_t *out = NULL, *ds;

	if (aws_ini_parse((const char *)data, size, "fuzz", size & 1, &out) == 0)
		json_decref(out);
	ds = aws_data_new();
	json_object_set_new(ds, "account", json_string("123456789012"));
	json_object_set_new(ds, "credential_report", json_stringn((const char *)data, size));
	aws_data_put(ds, NULL, "iam:GetCredentialReport", NULL, json_object());
	out = NULL;
	if (json_object_get(ds, "credential_report") && aws_normalise_json(ds, "export", &out) == 0)
		json_decref(out);
	json_decref(ds);
	return 0;
}
