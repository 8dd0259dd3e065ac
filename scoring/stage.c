#include "stage.h"

#include <string.h>

#include "core/err.h"
#include "core/finding.h"
#include "core/jsonx.h"
#include "core/progress.h"
#include "core/testhook.h"
#include "config.h"
#include "consolidate.h"
#include "eol_findings.h"
#include "manual.h"
#include "merge.h"
#include "model.h"
#include "score.h"

#define SCORE_STAGE "score"

/*
 * Summary of one company: open findings by severity and by kind, and the
 * coverage gaps, which are counted apart so "no findings" is never read
 * without "what was not seen" beside it.
 */
struct tally {
	json_t *by_severity, *by_kind;
	long long open, gaps, waived, false_positive;
};

static int tally_one(void *vctx, json_t *f)
{
	struct tally *t = vctx;
	const char *status = jsonx_strz(f, "status"), *kind = jsonx_strz(f, "kind");
	const char *sev = jsonx_str(f, "severity");

	if (!strcmp(kind, "gap")) {
		t->gaps++;
		return 0;
	}
	if (!strcmp(status, "false-positive")) {
		t->false_positive++;
		return 0;
	}
	if (strcmp(status, "open")) {
		t->waived++;
		return 0;
	}
	t->open++;
	if (!sev || severity_rank(sev) < 0)
		sev = "unknown";
	json_object_set_new(t->by_severity, sev, json_integer(jsonx_int(t->by_severity, sev, 0) + 1));
	json_object_set_new(t->by_kind, kind, json_integer(jsonx_int(t->by_kind, kind, 0) + 1));
	return 0;
}

static int summarise(struct run_ctx *ctx, const char *company)
{
	struct tally t = { json_object(), json_object(), 0, 0, 0, 0 };
	struct strbuf text = STRBUF_INIT;
	json_t *sum = NULL;
	int i, rc;

	for (i = 5; i >= 0; i--)
		json_object_set_new(t.by_severity, severity_names[i], json_integer(0));
	if ((rc = store_finding_foreach(ctx->st, company, tally_one, &t)) < 0)
		goto cleanup;
	sum = json_pack("{s:O, s:O, s:I, s:I, s:I, s:I}", "open_by_severity", t.by_severity, "open_by_kind", t.by_kind,
			"open", (json_int_t)t.open, "gaps", (json_int_t)t.gaps, "waived", (json_int_t)t.waived,
			"false_positives", (json_int_t)t.false_positive);
	if (!sum || (rc = jsonx_dump_canonical(&text, sum)) < 0) {
		rc = rc < 0 ? rc : err_set(ERR_NOMEM, "out of memory");
		goto cleanup;
	}
	rc = store_cache_put(ctx->st, "summary", company, text.buf, text.len);
cleanup:
	json_decref(t.by_severity);
	json_decref(t.by_kind);
	json_decref(sum);
	strbuf_release(&text);
	return rc;
}

int score_summary(struct store *st, const char *company, json_t **out)
{
	struct strbuf text = STRBUF_INIT;
	int rc;

	if ((rc = store_cache_get(st, "summary", company, &text)) == 0)
		rc = jsonx_parse(text.buf, text.len, "summary", out);
	strbuf_release(&text);
	return rc;
}

int score_scores(struct store *st, json_t **out)
{
	struct strbuf text = STRBUF_INIT;
	int rc;

	*out = NULL;
	if ((rc = store_cache_get(st, SCORE_STAGE, "scores", &text)) == 0)
		rc = jsonx_parse(text.buf, text.len, "scores", out);
	strbuf_release(&text);
	return rc;
}

/*
 * The computation over what the store holds: each finding's `risk` written
 * back where it changed, and the scores document kept in the cache.
 */
/* Each company's supply-chain judgements (eol_findings.c) beside its ratings. */
static int add_supply(json_t *scores, const json_t *supply, long max_days)
{
	json_t *co;
	size_t i;

	json_array_foreach(json_object_get(scores, "companies"), i, co) {
		json_t *part = json_object_get(supply, jsonx_strz(co, "company"));

		part = part ? json_incref(part)
			    : json_pack("{s:{s:i, s:i, s:[], s:[]}, s:{s:i, s:i, s:[], s:[]}, s:I}", "image_age", "images", 0,
					"judged", 0, "findings", "not_judged", "end_of_life", "images", 0, "judged", 0,
					"findings", "not_judged", "max_image_age_days", (json_int_t)max_days);
		if (!part || json_object_set_new(co, "supply_chain", part) < 0)
			return err_set(ERR_NOMEM, "out of memory");
	}
	return 0;
}

static int compute(struct run_ctx *ctx, const struct score_config *cfg, const json_t *supply)
{
	struct sc_model *m = NULL;
	struct strbuf text = STRBUF_INIT;
	json_t *before = json_object(), *scores = NULL, *f;
	size_t i;
	int rc;

	if (!before)
		return err_set(ERR_NOMEM, "out of memory");
	if ((rc = model_load(&m, ctx->st, ctx->eng)) < 0)
		goto cleanup;
	json_array_foreach(m->findings, i, f)
		json_object_set(before, jsonx_strz(f, "id"), json_object_get(f, "risk") ? json_object_get(f, "risk")
											 : json_null());
	if ((rc = score_compute(m, cfg, &scores)) < 0 || (rc = add_supply(scores, supply, cfg->max_image_age_days)) < 0)
		goto cleanup;
	json_array_foreach(m->findings, i, f) {
		json_t *old = json_object_get(before, jsonx_strz(f, "id")), *now = json_object_get(f, "risk");

		if (now ? json_equal(old, now) : json_is_null(old))
			continue;
		if ((rc = store_finding_update(ctx->st, jsonx_str(f, "id"), f)) < 0)
			goto cleanup;
	}
	if ((rc = jsonx_dump_canonical(&text, scores)) == 0)
		rc = store_cache_put(ctx->st, SCORE_STAGE, "scores", text.buf, text.len);
cleanup:
	json_decref(before);
	json_decref(scores);
	model_free(m);
	strbuf_release(&text);
	return rc;
}

int score_stage(struct run_ctx *ctx)
{
	struct score_config cfg;
	json_t *manual = NULL, *supply = NULL;
	size_t i;
	int rc;

	if ((rc = score_config_load(&cfg, ctx->eng)) < 0)
		return rc;
	if ((rc = manual_load(ctx->eng, &manual)) < 0) {
		score_config_release(&cfg);
		return rc;
	}
	progress_begin(SCORE_STAGE, (int64_t)ctx->eng->ncompanies + 2);
	if ((rc = store_begin(ctx->st)) < 0)
		goto cleanup;
	/* First the findings this stage makes itself, so overrides and scores see them. */
	if (!(supply = json_object()))
		rc = err_set(ERR_NOMEM, "out of memory");
	else if ((rc = store_findings_clear(ctx->st, EOL_FINDINGS_STAGE)) == 0 &&
		 (rc = eol_findings_record(ctx, cfg.max_image_age_days, supply)) == 0)
		rc = threat_findings_record(ctx);
	/* Before overrides and scores: a finding both vetter and a target's tool report counts once. */
	if (rc == 0)
		rc = merge_record(ctx);
	if (rc == 0 && manual && (rc = manual_apply_overrides(manual, ctx->st)) > 0)
		rc = 0;
	if (rc == 0)
		rc = compute(ctx, &cfg, supply);
	progress_step(1, "scores");
	for (i = 0; i < ctx->eng->ncompanies && rc == 0; i++) {
		rc = summarise(ctx, ctx->eng->companies[i].id);
		progress_step(1, ctx->eng->companies[i].id);
	}
	/* After the risks are stored: the checklist's gates read each finding's risk.exposure. */
	if (rc == 0)
		rc = consolidation_record(ctx);
	progress_step(1, "consolidation");
	testhook_point(SCORE_STAGE, "txn");
	if (rc < 0)
		store_rollback(ctx->st);
	else
		rc = store_commit(ctx->st);
cleanup:
	progress_end();
	json_decref(manual);
	json_decref(supply);
	score_config_release(&cfg);
	return rc;
}
