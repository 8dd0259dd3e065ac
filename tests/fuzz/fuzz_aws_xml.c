/*
 * libFuzzer: the AWS XML response reader (query, ec2 and rest-xml answers
 * turned into the CLI's JSON through the botocore model) and the error
 * reader.  The operation is the one the root element names
 * (<DescribeInstancesResponse>), else one picked by the first byte.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "connectors/aws_model.h"
#include "connectors/aws_resp.h"
#include "core/jsonx.h"

static int pick(const uint8_t *data, size_t size, char *service, char *action)
{
	const json_t *ops = json_object_get(aws_model(), "ops"), *op;
	const char *key, *root = NULL;
	size_t i, n = 0, want;
	char name[128];

	for (i = 0; i + 1 < size && i < 256; i++) {
		if (data[i] == '<' && ((data[i + 1] >= 'A' && data[i + 1] <= 'Z') || (data[i + 1] >= 'a' && data[i + 1] <= 'z'))) {
			size_t k = 0;

			for (i++; i < size && k + 1 < sizeof(name) && data[i] != '>' && data[i] != ' ' && data[i] != '/'; i++)
				name[k++] = (char)data[i];
			name[k] = 0;
			if (k > 8 && !strcmp(name + k - 8, "Response")) {
				name[k - 8] = 0;
				root = name;
			}
			break;
		}
	}
	json_object_foreach((json_t *)ops, key, op) {
		const char *proto = jsonx_strz(op, "protocol");

		if (strcmp(proto, "query") && strcmp(proto, "ec2") && strcmp(proto, "rest-xml"))
			continue;
		if (root && !strcmp(strchr(key, ':') + 1, root)) {
			memcpy(service, key, (size_t)(strchr(key, ':') - key));
			service[strchr(key, ':') - key] = 0;
			snprintf(action, 128, "%s", root); /* action is char[128] */
			return 1;
		}
		n++;
	}
	want = size ? data[0] % n : 0;
	json_object_foreach((json_t *)ops, key, op) {
		const char *proto = jsonx_strz(op, "protocol");

		if (strcmp(proto, "query") && strcmp(proto, "ec2") && strcmp(proto, "rest-xml"))
			continue;
		if (want-- == 0) {
			size_t sl = (size_t)(strchr(key, ':') - key);

			memcpy(service, key, sl);
			service[sl] = 0;
			strncpy(action, key + sl + 1, 127);
			action[127] = 0;
			return 1;
		}
	}
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char service[128], action[128];
	struct strbuf code = STRBUF_INIT, msg = STRBUF_INIT;
	json_t *out = NULL;

	if (pick(data, size, service, action)) {
		if (aws_resp_xml(service, action, (const char *)data, size, &out) == 0)
			json_decref(out);
	}
	aws_resp_error(NULL, (const char *)data, size, &code, &msg);
	strbuf_release(&code);
	strbuf_release(&msg);
	return 0;
}
