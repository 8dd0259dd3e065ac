/*
 * libFuzzer: the report over a hostile results document.  Every string in
 * findings.json comes from what was collected (image paths, resource names,
 * advisory texts), so the redaction, SARIF and the PDF layout must take any
 * of them: a SARIF result per finding, the clean-team copy keeping the
 * document's shape, and a PDF written or a clean error.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "core/err.h"
#include "core/jsonx.h"
#include "report/stage.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	json_t *doc = NULL, *red = NULL, *sarif = NULL, *tmpl;
	struct report_opts o = { PDF_A4, NULL, NULL, 1 };
	char path[64];
	size_t n;

	if (jsonx_parse((const char *)data, size, "fuzz", &doc) < 0 || !json_is_object(doc)) {
		json_decref(doc);
		return 0;
	}
	n = json_is_array(json_object_get(doc, "findings")) ? json_array_size(json_object_get(doc, "findings")) : 0;
	if (report_sarif(doc, &sarif) == 0) {
		size_t got = json_array_size(jsonx_dig(json_array_get(json_object_get(sarif, "runs"), 0), "results"));

		if (got != n) {
			fprintf(stderr, "SARIF has %zu results for %zu findings\n", got, n);
			abort();
		}
	}
	if (report_redact(doc, json_object_get(doc, "findings"), &red, NULL) == 0) {
		if (json_is_array(json_object_get(red, "findings")) != json_is_array(json_object_get(doc, "findings")) ||
		    json_object_size(red) != json_object_size(doc)) {
			fprintf(stderr, "redaction changed the document's shape\n");
			abort();
		}
		tmpl = json_pack("{s:s, s:{s:s}}", "firm", "fuzz", "texts", "method", "m");
		o.tmpl = tmpl;
		snprintf(path, sizeof(path), "/tmp/fuzz_report.%d.pdf", (int)getpid());
		if (report_write_pdf(red, &o, "sha256:00", path) == 0)
			unlink(path);
		err_clear();
		json_decref(tmpl);
	}
	json_decref(doc);
	json_decref(red);
	json_decref(sarif);
	return 0;
}
