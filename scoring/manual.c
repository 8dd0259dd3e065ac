#include "manual.h"

#include <string.h>

#include "core/err.h"
#include "core/finding.h"
#include "core/jsonx.h"
#include "core/log.h"
#include "core/schema.h"
#include "core/ydoc.h"

static const char *const severities[] = { "critical", "high", "medium", "low", "info", NULL };
static const char *const statuses[] = { "false-positive", "accepted", NULL };
/* docs/scoring.md: the seven domains, SSVC's exploitation and exposure values, the red flags. */
static const char *const domains[] = { "vulnerabilities",	"identity-access",   "network-exposure",
				       "data-protection",	"logging-detection", "kubernetes-hardening",
				       "supply-chain",		NULL };
static const char *const exploitations[] = { "none", "public poc", "active", NULL };
static const char *const exposures[] = { "small", "controlled", "open", NULL };
static const char *const red_flags[] = { "kev-internet-facing", "root-without-mfa", "public-data-store",
					 "evidence-of-compromise", NULL };

static const struct schema_field asset_keys[] = {
	{ "kind", SCH_STRING, 1, NULL, SCH_ANY, NULL },
	{ "key", SCH_STRING, 1, NULL, SCH_ANY, NULL },
	{ "name", SCH_STRING, 0, NULL, SCH_ANY, NULL },
	{ NULL, 0, 0, NULL, 0, NULL },
};

static const struct schema_field finding_keys[] = {
	{ "id", SCH_STRING, 0, NULL, SCH_ANY, NULL },
	{ "company", SCH_STRING, 1, NULL, SCH_ANY, NULL },
	{ "title", SCH_STRING, 1, NULL, SCH_ANY, NULL },
	{ "severity", SCH_STRING, 1, NULL, SCH_ANY, severities },
	{ "domain", SCH_STRING, 0, NULL, SCH_ANY, domains },
	{ "description", SCH_STRING, 0, NULL, SCH_ANY, NULL },
	{ "exploitation", SCH_STRING, 0, NULL, SCH_ANY, exploitations },
	{ "exposure", SCH_STRING, 0, NULL, SCH_ANY, exposures },
	{ "red_flag", SCH_STRING, 0, NULL, SCH_ANY, red_flags },
	{ "fix", SCH_STRING, 0, NULL, SCH_ANY, NULL },
	{ "effort_hours", SCH_NUMBER, 0, NULL, SCH_ANY, NULL },
	{ "asset", SCH_OBJECT, 0, asset_keys, SCH_ANY, NULL },
	{ "by", SCH_STRING, 1, NULL, SCH_ANY, NULL },
	{ "date", SCH_DATE, 1, NULL, SCH_ANY, NULL },
	{ "basis", SCH_STRING, 1, NULL, SCH_ANY, NULL },
	{ NULL, 0, 0, NULL, 0, NULL },
};

static const struct schema_field override_keys[] = {
	{ "finding", SCH_STRING, 1, NULL, SCH_ANY, NULL },
	{ "status", SCH_STRING, 1, NULL, SCH_ANY, statuses },
	{ "by", SCH_STRING, 1, NULL, SCH_ANY, NULL },
	{ "date", SCH_DATE, 1, NULL, SCH_ANY, NULL },
	{ "reason", SCH_STRING, 1, NULL, SCH_ANY, NULL },
	{ NULL, 0, 0, NULL, 0, NULL },
};

static const struct schema_field top_keys[] = {
	{ "findings", SCH_LIST, 0, finding_keys, SCH_OBJECT, NULL },
	{ "overrides", SCH_LIST, 0, override_keys, SCH_OBJECT, NULL },
	{ NULL, 0, 0, NULL, 0, NULL },
};

int manual_load(const struct engagement *eng, json_t **out)
{
	const char *rel = jsonx_str(eng->doc, "manual_findings");
	struct strbuf path = STRBUF_INIT, where = STRBUF_INIT;
	struct ydoc_limits lim = { 200000, 64 };
	struct ydoc_map *pos = NULL;
	struct schema_ctx ctx;
	json_t *doc = NULL, *f;
	size_t i;
	int rc;

	*out = NULL;
	if (!rel)
		return 0;
	if ((rc = engagement_path(eng, rel, &path)) < 0)
		goto cleanup;
	if ((rc = ydoc_load_file(path.buf, &lim, &doc, &pos)) < 0) {
		rc = err_set(ERR_USAGE, "manual findings: %s", err_last());
		goto cleanup;
	}
	ctx.file = path.buf;
	ctx.pos = pos;
	if (json_is_null(doc)) {
		json_decref(doc);
		doc = json_object();
	}
	if ((rc = schema_check_object(&ctx, doc, "", "manual findings", top_keys, NULL)) < 0)
		goto cleanup;
	json_array_foreach(json_object_get(doc, "findings"), i, f) {
		if (!engagement_company(eng, jsonx_str(f, "company"))) {
			strbuf_reset(&where);
			strbuf_addf(&where, "findings[%zu].company", i);
			rc = schema_error(&ctx, where.buf, "finding %zu: no company '%s' in the engagement", i + 1,
					  jsonx_str(f, "company"));
			goto cleanup;
		}
	}
	*out = doc;
	doc = NULL;
cleanup:
	json_decref(doc);
	ydoc_map_free(pos);
	strbuf_release(&path);
	strbuf_release(&where);
	return rc;
}

int manual_record(const struct engagement *eng, const json_t *manual, struct store *st, const char *stage)
{
	json_t *m, *f = NULL, *asset;
	size_t i;
	int rc = 0;

	(void)eng;
	json_array_foreach(json_object_get(manual, "findings"), i, m) {
		const char *company = jsonx_str(m, "company");
		const char *rule = jsonx_str(m, "id") ? jsonx_str(m, "id") : jsonx_str(m, "title");

		asset = json_object_get(m, "asset");
		rc = finding_new(&f, company, "manual", rule, asset ? jsonx_str(asset, "kind") : "company",
				 asset ? jsonx_str(asset, "key") : company, asset ? jsonx_str(asset, "name") : NULL, "");
		if (rc < 0)
			break;
		if ((rc = finding_describe(f, jsonx_str(m, "title"), jsonx_str(m, "severity"), "consultant")) < 0)
			break;
		jsonx_set_str(f, "description", jsonx_str(m, "description"));
		jsonx_set_str(f, "fix", jsonx_str(m, "fix"));
		jsonx_set_str(f, "domain", jsonx_str(m, "domain"));
		jsonx_set_str(f, "exploitation", jsonx_str(m, "exploitation"));
		jsonx_set_str(f, "exposure", jsonx_str(m, "exposure"));
		jsonx_set_str(f, "red_flag", jsonx_str(m, "red_flag"));
		if (json_object_get(m, "effort_hours"))
			json_object_set(f, "effort_hours", json_object_get(m, "effort_hours"));
		json_object_set_new(f, "manual", json_pack("{s:s, s:s, s:s}", "by", jsonx_str(m, "by"), "date",
							   jsonx_str(m, "date"), "basis", jsonx_str(m, "basis")));
		if ((rc = store_finding_put(st, stage, f)) < 0)
			break;
		json_decref(f);
		f = NULL;
	}
	json_decref(f);
	return rc;
}

struct override_ctx {
	const json_t *overrides;
	struct store *st;
	json_t *changed;
};

/* An imported finding merged into f (scoring/merge.h) is overridden through f. */
static int merged_from(const json_t *f, const char *id)
{
	const json_t *o;
	size_t i;

	json_array_foreach(json_object_get(f, "origins"), i, o)
		if (!strcmp(jsonx_strz(o, "finding"), id))
			return 1;
	return 0;
}

static int override_one(void *vctx, json_t *f)
{
	struct override_ctx *c = vctx;
	json_t *o;
	size_t i;

	json_array_foreach(c->overrides, i, o) {
		if (strcmp(jsonx_strz(o, "finding"), jsonx_strz(f, "id")) && !merged_from(f, jsonx_strz(o, "finding")))
			continue;
		json_object_set_new(f, "status", json_string(jsonx_str(o, "status")));
		json_object_set_new(f, "override", json_pack("{s:s, s:s, s:s}", "by", jsonx_str(o, "by"), "date",
							     jsonx_str(o, "date"), "reason", jsonx_str(o, "reason")));
		return json_array_append(c->changed, f) < 0 ? ERR_NOMEM : 0;
	}
	return 0;
}

int manual_apply_overrides(const json_t *manual, struct store *st)
{
	struct override_ctx c = { json_object_get(manual, "overrides"), st, json_array() };
	json_t *f;
	size_t i;
	int rc;

	if (!c.changed)
		return err_set(ERR_NOMEM, "out of memory");
	if (!json_array_size(c.overrides)) {
		json_decref(c.changed);
		return 0;
	}
	rc = store_finding_foreach(st, NULL, override_one, &c);
	/* Findings are written back under their own stage, found by id. */
	json_array_foreach(c.changed, i, f) {
		if (rc < 0)
			break;
		rc = store_finding_update(st, jsonx_str(f, "id"), f);
	}
	if (rc == 0) {
		json_array_foreach(c.overrides, i, f) {
			size_t j;
			json_t *g;
			int hit = 0;

			json_array_foreach(c.changed, j, g)
				hit |= !strcmp(jsonx_strz(g, "id"), jsonx_strz(f, "finding")) || merged_from(g, jsonx_strz(f, "finding"));
			if (!hit)
				log_warn("manual findings: override for %s matches no finding", jsonx_strz(f, "finding"));
		}
		rc = (int)json_array_size(c.changed);
	}
	json_decref(c.changed);
	return rc;
}
