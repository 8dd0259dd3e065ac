/*
 * libFuzzer: the whole scoring computation over a model document
 * (scoring/model.h): findings, assets and edges as hostile as the engines'
 * outside data can make them.  Checks that nothing crashes, that every
 * rating is in range, and that scoring the same document twice gives the
 * same bytes.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/jsonx.h"
#include "core/strbuf.h"
#include "core/util.h"
#include "scoring/config.h"
#include "scoring/model.h"
#include "scoring/score.h"

static struct score_config cfg;

static void setup(void)
{
	struct strbuf dir = STRBUF_INIT;
	struct schema_ctx ctx = { "fuzz", NULL };
	json_t *scoring = json_pack("{s:{s:i}, s:{s:f}}", "loss", "iterations", 100, "fx", "rate", 0.9);
	const char *root = getenv("VETTER_ROOT");

	if (score_templates_dir(&dir) < 0 || (strbuf_addstr(&dir, "/scoring") == 0 && !util_is_dir(dir.buf))) {
		strbuf_reset(&dir);
		strbuf_addf(&dir, "%s/templates", root && *root ? root : ".");
	} else {
		strbuf_setlen(&dir, dir.len - strlen("/scoring"));
	}
	if (score_config_parse(&cfg, scoring, "EUR", NULL, &ctx, dir.buf) < 0) {
		fprintf(stderr, "fuzz_score: no templates at %s (set VETTER_TEMPLATES)\n", dir.buf);
		abort();
	}
	json_decref(scoring);
	strbuf_release(&dir);
}

static int run(const json_t *doc, struct strbuf *out)
{
	struct sc_model *m = NULL;
	json_t *scores = NULL, *c;
	size_t i;
	int rc;

	if (model_build(&m, json_deep_copy(doc)) < 0)
		return -1;
	rc = score_compute(m, &cfg, &scores);
	if (rc == 0) {
		json_array_foreach(json_object_get(scores, "companies"), i, c) {
			long long s = jsonx_int(json_object_get(c, "rating"), "score", 50);

			if (s < 0 || s > 100)
				abort();
		}
		json_object_set(scores, "findings", m->findings);
		rc = jsonx_dump_canonical(out, scores);
	}
	json_decref(scores);
	model_free(m);
	return rc;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int ready;
	struct strbuf a = STRBUF_INIT, b = STRBUF_INIT;
	json_t *doc = NULL;

	if (!ready) {
		setup();
		ready = 1;
	}
	if (size > 256 * 1024 || jsonx_parse((const char *)data, size, "fuzz", &doc) < 0)
		return 0;
	if (run(doc, &a) == 0) {
		if (run(doc, &b) != 0 || a.len != b.len || memcmp(a.buf, b.buf, a.len))
			abort();
	}
	json_decref(doc);
	strbuf_release(&a);
	strbuf_release(&b);
	return 0;
}
