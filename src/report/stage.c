#include "stage.h"

#include <string.h>

#include "core/err.h"
#include "core/jsonx.h"
#include "core/log.h"
#include "core/progress.h"
#include "core/util.h"
#include "outputs.h"
#include "scoring/consolidate.h"
#include "scoring/stage.h"

struct sources_ctx {
	json_t *list;
};

static int add_source(void *vctx, const char *id, const char *company, const char *type, int live,
		      const char *status, const char *error, const char *info_json)
{
	struct sources_ctx *c = vctx;
	json_t *info = NULL, *s;

	if (info_json)
		jsonx_parse(info_json, strlen(info_json), "source info", &info);
	s = json_pack("{s:s, s:s, s:s, s:b, s:s}", "id", id, "company", company, "type", type, "live", live, "status",
		      status);
	if (!s) {
		json_decref(info);
		return err_set(ERR_NOMEM, "out of memory");
	}
	if (error)
		jsonx_set_str(s, "error", error);
	if (info) {
		json_object_update(s, info);
		json_decref(info);
	}
	return json_array_append_new(c->list, s) < 0 ? ERR_NOMEM : 0;
}

static int add_finding(void *vctx, json_t *f)
{
	return json_array_append(vctx, f) < 0 ? ERR_NOMEM : 0;
}

int report_results(struct run_ctx *ctx, json_t **out)
{
	const struct engagement *eng = ctx->eng;
	struct sources_ctx sc;
	json_t *res, *companies, *findings, *co, *sum;
	size_t i;
	int rc;

	res = json_pack("{s:s, s:{s:s, s:s, s:s, s:s, s:s}}", "schema", "vetter.findings/1", "engagement", "name",
			eng->name, "client", eng->client, "as_of", eng->as_of_text, "currency", eng->currency, "marking",
			eng->marking);
	companies = json_array();
	findings = json_array();
	sc.list = json_array();
	if (!res || !companies || !findings || !sc.list) {
		rc = err_set(ERR_NOMEM, "out of memory");
		goto fail;
	}
	for (i = 0; i < eng->ncompanies; i++) {
		co = json_pack("{s:s, s:s, s:s}", "id", eng->companies[i].id, "name", eng->companies[i].name, "role",
			       eng->companies[i].role);
		if (!co) {
			rc = err_set(ERR_NOMEM, "out of memory");
			goto fail;
		}
		if (score_summary(ctx->st, eng->companies[i].id, &sum) == 0)
			json_object_set_new(co, "summary", sum);
		json_array_append_new(companies, co);
	}
	if ((rc = store_source_foreach(ctx->st, add_source, &sc)) < 0 ||
	    (rc = store_finding_foreach(ctx->st, NULL, add_finding, findings)) < 0)
		goto fail;
	json_object_set_new(res, "companies", companies);
	json_object_set_new(res, "sources", sc.list);
	json_object_set_new(res, "findings", findings);
	companies = findings = sc.list = NULL;
	/* Ratings, issues, money and the deal view, as the score stage computed them. */
	if ((rc = score_scores(ctx->st, &sum)) == 0)
		json_object_set_new(res, "scores", sum);
	else if (rc != ERR_NOTFOUND)
		goto fail;
	/* The consolidation plan, when the score stage recorded one. */
	if ((rc = consolidation_load(ctx->st, &co)) == 0)
		json_object_set_new(res, "consolidation", co);
	else if (rc != ERR_NOTFOUND)
		goto fail;
	*out = res;
	return 0;
fail:
	json_decref(res);
	json_decref(companies);
	json_decref(findings);
	json_decref(sc.list);
	return rc;
}

int report_write_json(const json_t *results, const char *path)
{
	struct strbuf out = STRBUF_INIT;
	int rc;

	strbuf_init(&out, (size_t)2 * 1024 * 1024 * 1024);
	if ((rc = jsonx_dump_pretty(&out, results)) == 0) {
		log_scrub(&out);
		rc = util_write_file_atomic(path, out.buf, out.len, 0644);
	}
	strbuf_release(&out);
	return rc;
}

/* RFC 4180 quoting, and a leading quote on cells a spreadsheet would run as a formula. */
static int csv_cell(struct strbuf *out, const char *s, int last)
{
	const char *p;
	int rc = 0;

	if (!s)
		s = "";
	rc = strbuf_addch(out, '"');
	if (rc == 0 && strchr("=+-@\t\r", s[0]) && s[0])
		rc = strbuf_addch(out, '\'');
	for (p = s; *p && rc == 0; p++) {
		if (*p == '"')
			rc = strbuf_addch(out, '"');
		if (rc == 0)
			rc = strbuf_addch(out, *p);
	}
	if (rc == 0)
		rc = strbuf_addstr(out, last ? "\"\r\n" : "\",");
	return rc;
}

int report_write_csv(const json_t *results, const char *path)
{
	static const char *const cols[] = { "id", "company", "kind", "severity", "status", "rule", "title",
					    "asset_kind", "asset", "component", "fix", "provenance", "origins" };
	struct strbuf out = STRBUF_INIT, origins = STRBUF_INIT;
	json_t *f, *asset, *o;
	size_t i, c;
	int rc = 0;

	strbuf_init(&out, (size_t)2 * 1024 * 1024 * 1024);
	for (c = 0; c < ARRAY_SIZE(cols) && rc == 0; c++)
		rc = csv_cell(&out, cols[c], c + 1 == ARRAY_SIZE(cols));
	json_array_foreach(json_object_get(results, "findings"), i, f) {
		const char *vals[ARRAY_SIZE(cols)];

		if (rc < 0)
			break;
		asset = json_object_get(f, "asset");
		vals[0] = jsonx_str(f, "id");
		vals[1] = jsonx_str(f, "company");
		vals[2] = jsonx_str(f, "kind");
		vals[3] = jsonx_str(f, "severity");
		vals[4] = jsonx_str(f, "status");
		vals[5] = jsonx_str(f, "rule");
		vals[6] = jsonx_str(f, "title");
		vals[7] = jsonx_str(asset, "kind");
		vals[8] = jsonx_str(asset, "name");
		vals[9] = jsonx_str(f, "component");
		vals[10] = jsonx_str(f, "fix") ? jsonx_str(f, "fix") : jsonx_str(f, "reason");
		vals[11] = jsonx_str(f, "provenance");
		/* "vetter; trivy (trivy.json); grype (grype.json)" */
		strbuf_reset(&origins);
		json_array_foreach(json_object_get(f, "origins"), c, o)
			strbuf_addf(&origins, "%s%s%s%s%s", c ? "; " : "", jsonx_strz(o, "by"), jsonx_str(o, "file") ? " (" : "",
				    jsonx_strz(o, "file"), jsonx_str(o, "file") ? ")" : "");
		vals[12] = origins.buf;
		for (c = 0; c < ARRAY_SIZE(cols) && rc == 0; c++)
			rc = csv_cell(&out, vals[c], c + 1 == ARRAY_SIZE(cols));
	}
	if (rc == 0) {
		log_scrub(&out);
		rc = util_write_file_atomic(path, out.buf, out.len, 0644);
	}
	strbuf_release(&out);
	strbuf_release(&origins);
	return rc;
}

int report_stage(struct run_ctx *ctx)
{
	struct strbuf path = STRBUF_INIT, root = STRBUF_INIT;
	json_t *results = NULL;
	int rc;

	progress_begin("report", 4);
	if ((rc = util_mkdirs(ctx->out_dir, 0755)) < 0 || (rc = report_results(ctx, &results)) < 0 ||
	    (rc = evidence_root(ctx->ev, &root)) < 0)
		goto cleanup;
	strbuf_addf(&path, "%s/findings.json", ctx->out_dir);
	if ((rc = report_write_json(results, path.buf)) < 0)
		goto cleanup;
	progress_step(1, "findings.json");
	strbuf_reset(&path);
	strbuf_addf(&path, "%s/findings.csv", ctx->out_dir);
	if ((rc = report_write_csv(results, path.buf)) < 0)
		goto cleanup;
	progress_step(1, "findings.csv");
	if (json_object_get(results, "consolidation") &&
	    (rc = consolidation_write_checklist(json_object_get(results, "consolidation"), ctx->out_dir)) < 0)
		goto cleanup;
	if ((rc = report_outputs(ctx, results, root.buf)) < 0)
		goto cleanup;
	progress_step(2, "report.pdf");
	log_info("report: %s/report.pdf", ctx->out_dir);
cleanup:
	progress_end();
	json_decref(results);
	strbuf_release(&path);
	strbuf_release(&root);
	return rc;
}
