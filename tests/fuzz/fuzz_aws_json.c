/*
 * libFuzzer: AWS JSON answers (json and rest-json protocols): the body
 * reader, the conversion to the CLI's form (GuardDuty's renames, epoch
 * timestamps) and the error reader.  An input may start with the operation
 * on a line of its own ("guardduty:GetFindings\n{...}"); otherwise the first
 * byte picks one.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "connectors/aws_model.h"
#include "connectors/aws_resp.h"
#include "core/jsonx.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const json_t *ops = json_object_get(aws_model(), "ops"), *op;
	const char *key, *chosen = NULL, *body = (const char *)data;
	char service[128] = "", first[160];
	size_t n = 0, want, blen = size;
	struct strbuf code = STRBUF_INIT, msg = STRBUF_INIT;
	json_t *wire = NULL, *cli = NULL;
	const uint8_t *nl = memchr(data, '\n', size < 160 ? size : 160);

	if (nl && (size_t)(nl - data) < sizeof(first)) {
		memcpy(first, data, (size_t)(nl - data));
		first[nl - data] = 0;
		if (json_object_get(ops, first)) {
			chosen = first;
			body = (const char *)nl + 1;
			blen = size - (size_t)(nl - data) - 1;
		}
	}
	if (!chosen) {
		json_object_foreach((json_t *)ops, key, op)
			n += !strcmp(jsonx_strz(op, "protocol"), "json") || !strcmp(jsonx_strz(op, "protocol"), "rest-json");
		want = size && n ? data[0] % n : 0;
		json_object_foreach((json_t *)ops, key, op) {
			if (strcmp(jsonx_strz(op, "protocol"), "json") && strcmp(jsonx_strz(op, "protocol"), "rest-json"))
				continue;
			if (want-- == 0) {
				chosen = key;
				break;
			}
		}
	}
	if (chosen && strchr(chosen, ':') && (size_t)(strchr(chosen, ':') - chosen) < sizeof(service)) {
		memcpy(service, chosen, (size_t)(strchr(chosen, ':') - chosen));
		service[strchr(chosen, ':') - chosen] = 0;
		if (aws_resp_json(body, blen, &wire) == 0) {
			if (aws_resp_cli_json(service, strchr(chosen, ':') + 1, wire, &cli) == 0)
				json_decref(cli);
			json_decref(wire);
		}
	}
	aws_resp_error(size > 40 ? "AccessDeniedException:http://internal.amazon.com/" : NULL, body, blen, &code, &msg);
	strbuf_release(&code);
	strbuf_release(&msg);
	return 0;
}
