/*
 * libFuzzer: one CVE JSON 5 record as 'vetter db import cve' reads it.
 *
 * Besides not crashing: a record that is accepted reduces to a document with
 * a CVE id and a state; its CVSS entries each have a source, a version and a
 * vector (which may or may not parse; the scorer is given it as matching
 * would); its CWE list is sorted without repeats; and the document dumps.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/jsonx.h"
#include "core/strbuf.h"
#include "vulndb/cve5.h"
#include "vulndb/cvss.h"

static void check(int ok)
{
	if (!ok)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct strbuf out = STRBUF_INIT;
	struct cvss_score s;
	int64_t updated;
	json_t *doc, *e, *prev = NULL;
	size_t i;

	if (cve5_parse((const char *)data, size, &doc, &updated) < 0)
		return 0;
	check(cve5_id_ok(jsonx_str(doc, "id")));
	check(jsonx_str(doc, "state") != NULL);
	json_array_foreach(json_object_get(doc, "cvss"), i, e) {
		check(jsonx_str(e, "source") && jsonx_str(e, "version") && jsonx_str(e, "vector"));
		(void)cvss_parse_score(jsonx_str(e, "vector"), &s);
	}
	json_array_foreach(json_object_get(doc, "cwe"), i, e) {
		check(json_is_string(e));
		check(!prev || strcmp(json_string_value(prev), json_string_value(e)) < 0);
		prev = e;
	}
	check(jsonx_dump_canonical(&out, doc) == 0);
	strbuf_release(&out);
	json_decref(doc);
	return 0;
}
