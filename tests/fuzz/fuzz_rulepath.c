/*
 * libFuzzer: the rule path language.  The first line of the input is a path,
 * the rest a JSON document (a fixed one when it is not JSON).  Every path is
 * parsed, evaluated, looked up and, without wildcards, set and unset on a
 * copy; every match must name a place the same path language can parse, and
 * a value just set must be found again.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "compliance/path.h"
#include "core/jsonx.h"

static const char fixed[] =
	"{\"a\": {\"b\": [1, {\"c\": null}, {\"c\": true}]}, \"odd.key\": {\"\\\"q\": [[]]}, \"s\": \"x\"}";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *nl = memchr(data, '\n', size);
	size_t plen = nl ? (size_t)(nl - (const char *)data) : size;
	char *text = strndup((const char *)data, plen);
	struct path_matches m = { NULL, 0, 0 };
	struct path *p = NULL, *again = NULL;
	json_t *doc = NULL, *copy;
	size_t i;

	if (!text)
		return 0;
	if (!nl || jsonx_parse(nl + 1, size - plen - 1, "fuzz", &doc) < 0)
		jsonx_parse(fixed, sizeof(fixed) - 1, "fixed", &doc);
	if (path_parse(&p, text) == 0) {
		if (path_eval(p, doc, "", &m) == 0) {
			for (i = 0; i < m.n; i++) {
				/* A concrete path written by the evaluator is itself a valid path (when short enough). */
				if (strlen(m.v[i].where) > PATH_MAX_TEXT)
					continue;
				if (path_parse(&again, m.v[i].where) != 0)
					abort();
				path_free(again);
				again = NULL;
			}
		}
		path_matches_release(&m);
		(void)path_get(doc, text);
		if (!p->wild && p->n) {
			copy = json_deep_copy(doc);
			if (copy && path_set(copy, p, json_string("v")) == 0 && !path_get(copy, text))
				abort();
			if (copy)
				path_unset(copy, p);
			json_decref(copy);
		}
		path_free(p);
	}
	json_decref(doc);
	free(text);
	return 0;
}
