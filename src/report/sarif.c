/*
 * findings.sarif: SARIF 2.1.0 (OASIS), one run of the tool "vetter", a rule
 * per rule or advisory id and a result per finding, so code-scanning tools
 * and ticket systems can take the register as it is.
 *
 * Levels: critical and high are "error", medium "warning", low and info
 * "note", unknown "none".  Gaps are results of kind "open" (the tool could
 * not reach a conclusion) with level "none".  Waived, accepted and
 * false-positive findings carry a suppression saying who and why.  Assets
 * are logical locations (an image or a cloud resource has no file); a
 * misconfiguration's path in the normalised document is kept as a property.
 */
#include <string.h>

#include "core/err.h"
#include "core/finding.h"
#include "core/jsonx.h"
#include "core/log.h"
#include "core/util.h"
#include "stage.h"

#define SARIF_SCHEMA "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"

static const char *level_of(const json_t *f)
{
	int r = severity_rank(jsonx_str(f, "severity"));

	if (!strcmp(jsonx_strz(f, "kind"), "gap"))
		return "none";
	return r >= 4 ? "error" : r == 3 ? "warning" : r >= 1 ? "note" : "none";
}

/* GitHub's code scanning reads properties["security-severity"] (a CVSS-like 0-10 string). */
static const char *security_severity(const char *severity)
{
	static const char *const v[] = { "0.0", "1.0", "3.0", "5.5", "8.0", "9.5" };
	int r = severity_rank(severity);

	return r < 0 ? "0.0" : v[r];
}

static json_t *rule_json(const json_t *f)
{
	json_t *rule = json_pack("{s:s, s:{s:s}, s:{s:s}, s:{s:s, s:s, s:[s]}}", "id", jsonx_strz(f, "rule"),
				 "shortDescription", "text", *jsonx_strz(f, "title") ? jsonx_strz(f, "title") : jsonx_strz(f, "rule"),
				 "defaultConfiguration", "level", level_of(f), "properties", "security-severity",
				 security_severity(jsonx_str(f, "severity")), "kind", jsonx_strz(f, "kind"), "tags",
				 jsonx_strz(f, "kind"));

	if (rule && jsonx_str(f, "description"))
		json_object_set_new(rule, "fullDescription", json_pack("{s:s}", "text", jsonx_str(f, "description")));
	if (rule && jsonx_str(f, "fix"))
		json_object_set_new(rule, "help", json_pack("{s:s}", "text", jsonx_str(f, "fix")));
	return rule;
}

static json_t *result_json(const json_t *f, size_t rule_index)
{
	const json_t *asset = json_object_get(f, "asset"), *v;
	const char *status = jsonx_strz(f, "status");
	struct strbuf msg = STRBUF_INIT;
	json_t *res, *props, *loc;
	static const char *const keep[] = { "company",  "kind",      "severity", "status",     "component", "path",
					    "domain",   "frameworks", "risk",    "reason",     "source",    "fix",
					    "provenance", "origins" };
	size_t i;

	strbuf_addstr(&msg, *jsonx_strz(f, "title") ? jsonx_strz(f, "title") : jsonx_strz(f, "rule"));
	if (jsonx_str(f, "reason"))
		strbuf_addf(&msg, ": %s", jsonx_str(f, "reason"));
	loc = json_pack("{s:[{s:s, s:s, s:s}]}", "logicalLocations", "name",
			jsonx_str(asset, "name") ? jsonx_str(asset, "name") : jsonx_strz(asset, "key"),
			"fullyQualifiedName", jsonx_strz(asset, "key"), "kind", "resource");
	props = json_object();
	for (i = 0; props && i < ARRAY_SIZE(keep); i++)
		if ((v = json_object_get(f, keep[i])) && !json_is_null(v))
			json_object_set(props, keep[i], (json_t *)v);
	if (props)
		json_object_set_new(props, "asset_kind", json_string(jsonx_strz(asset, "kind")));
	res = json_pack("{s:s, s:I, s:s, s:s, s:{s:s}, s:[o], s:{s:s}, s:o}", "ruleId", jsonx_strz(f, "rule"), "ruleIndex",
			(json_int_t)rule_index, "kind", !strcmp(jsonx_strz(f, "kind"), "gap") ? "open" : "fail", "level",
			level_of(f), "message", "text", msg.buf, "locations", loc, "partialFingerprints",
			"vetterFindingId/v1", jsonx_strz(f, "id"), "properties", props);
	if (res && strcmp(status, "open") && *status) {
		const json_t *by = json_object_get(f, "override") ? json_object_get(f, "override") : json_object_get(f, "waiver");
		struct strbuf why = STRBUF_INIT;

		strbuf_addf(&why, "%s%s%s", status, jsonx_str(by, "reason") ? ": " : "", jsonx_strz(by, "reason"));
		json_object_set_new(res, "suppressions",
				    json_pack("[{s:s, s:s}]", "kind", "external", "justification",
					      why.buf));
		strbuf_release(&why);
	}
	strbuf_release(&msg);
	return res;
}

int report_sarif(const json_t *results, json_t **out)
{
	json_t *doc = NULL, *rules = json_array(), *resarr = json_array(), *index = json_object(), *f, *x;
	const json_t *eng = json_object_get(results, "engagement");
	size_t i, ri;
	int rc = 0;

	if (!rules || !resarr || !index) {
		rc = err_set(ERR_NOMEM, "out of memory");
		goto cleanup;
	}
	json_array_foreach(json_object_get(results, "findings"), i, f) {
		const char *rule = jsonx_strz(f, "rule");

		if (!(x = json_object_get(index, rule))) {
			ri = json_array_size(rules);
			if (json_array_append_new(rules, rule_json(f)) < 0 ||
			    json_object_set_new(index, rule, json_integer((json_int_t)ri)) < 0) {
				rc = err_set(ERR_NOMEM, "out of memory");
				goto cleanup;
			}
		} else {
			ri = (size_t)json_integer_value(x);
		}
		if (json_array_append_new(resarr, result_json(f, ri)) < 0) {
			rc = err_set(ERR_NOMEM, "out of memory");
			goto cleanup;
		}
	}
	doc = json_pack("{s:s, s:s, s:[{s:{s:{s:s, s:s, s:s, s:O}}, s:O, s:{s:s, s:s, s:s, s:s}}]}", "$schema",
			SARIF_SCHEMA, "version", "2.1.0", "runs", "tool", "driver", "name", "vetter",
			"semanticVersion", VETTER_VERSION, "version", VETTER_VERSION,
			"rules", rules, "results", resarr, "properties", "engagement", jsonx_strz(eng, "name"), "as_of",
			jsonx_strz(eng, "as_of"), "marking", jsonx_strz(eng, "marking"), "schema", "vetter.findings/1");
	if (!doc) {
		rc = err_set(ERR_NOMEM, "out of memory");
		goto cleanup;
	}
	*out = doc;
cleanup:
	json_decref(rules);
	json_decref(resarr);
	json_decref(index);
	return rc;
}

int report_write_sarif(const json_t *results, const char *path)
{
	struct strbuf out = STRBUF_INIT;
	json_t *doc = NULL;
	int rc;

	strbuf_init(&out, (size_t)2 * 1024 * 1024 * 1024);
	if ((rc = report_sarif(results, &doc)) == 0 && (rc = jsonx_dump_pretty(&out, doc)) == 0) {
		log_scrub(&out);
		rc = util_write_file_atomic(path, out.buf, out.len, 0644);
	}
	json_decref(doc);
	strbuf_release(&out);
	return rc;
}
