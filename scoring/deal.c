/*
 * deal: red flags by documented criteria, candidate conditions for counsel,
 * Day-1 connectivity notes, and every figure side by side (docs/scoring.md,
 * "Deal view").  Criteria patterns and wording come from
 * templates/scoring/deal.json.
 */
#include <ctype.h>
#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/err.h"
#include "core/finding.h"
#include "core/jsonx.h"
#include "core/util.h"
#include "score_int.h"

const char *const sc_red_flag_ids[SC_MAX_RED_FLAGS + 1] = { "kev-internet-facing", "root-without-mfa",
							    "public-data-store", "evidence-of-compromise", NULL };

static const json_t *flag_template(const struct sc_state *s, int flag)
{
	return json_object_get(json_object_get(s->cfg->deal, "red_flags"), sc_red_flag_ids[flag]);
}

/* Does the rule id (lowercased) match one of the template's patterns for flag? */
static int rule_matches(const struct sc_state *s, int flag, const char *rule)
{
	const json_t *p;
	char low[256];
	size_t i;

	for (i = 0; rule[i] && i + 1 < sizeof(low); i++)
		low[i] = (char)tolower((unsigned char)rule[i]);
	low[i] = 0;
	json_array_foreach(json_object_get(flag_template(s, flag), "rules"), i, p)
		if (json_is_string(p) && fnmatch(json_string_value(p), low, 0) == 0)
			return 1;
	return 0;
}

/*
 * Which detector raised the finding: its `detector` member, a rule prefixed
 * "NAME:" (the AWS connector's), or the tool of an imported report (ASFF is
 * Security Hub's format).
 */
static int is_detector(const json_t *f, const char *name)
{
	const char *tool = jsonx_strz(json_object_get(f, "origin"), "tool");
	char prefix[32];

	snprintf(prefix, sizeof(prefix), "%s:", name);
	if (jsonx_str(f, "detector"))
		return !strcmp(jsonx_strz(f, "detector"), name);
	return util_has_prefix(jsonx_strz(f, "rule"), prefix) || !strcmp(tool, name) ||
	       (!strcmp(name, "securityhub") && !strcmp(tool, "asff"));
}

/* Archived (GuardDuty), resolved or suppressed (Security Hub), dismissed or resolved (Defender). */
static int detector_closed(const json_t *f)
{
	static const char *const closed[] = { "archived", "resolved", "suppressed", "dismissed" };
	const char *st = jsonx_str(f, "detector_status");
	size_t i;

	for (i = 0; st && i < sizeof(closed) / sizeof(closed[0]); i++)
		if (!strcasecmp(st, closed[i]))
			return 1;
	return 0;
}

/*
 * Evidence of compromise (docs/scoring.md, "Deal view"): a detection still
 * active at its detector, of medium severity or above, from GuardDuty,
 * Defender for Cloud, or Security Hub when typed as tactics, effects or
 * unusual behaviour (its configuration checks are not detections).
 */
static int compromise(const struct sc_finding *x)
{
	const json_t *t;
	size_t i;

	if (jsonx_bool(x->f, "compromise", 0))
		return 1;
	if (detector_closed(x->f) || x->sev < 3)
		return 0;
	if (is_detector(x->f, "guardduty") || is_detector(x->f, "defender"))
		return 1;
	if (!is_detector(x->f, "securityhub"))
		return 0;
	json_array_foreach(json_object_get(x->f, "types"), i, t) {
		const char *v = json_string_value(t);

		if (i < 50 && v && (util_has_prefix(v, "TTPs") || util_has_prefix(v, "Effects") ||
				    util_has_prefix(v, "Unusual Behaviors")))
			return 1;
	}
	return 0;
}

static int finding_flags(const struct sc_state *s, const struct sc_finding *x)
{
	int flags = 0, k = score_index(sc_red_flag_ids, jsonx_str(x->f, "red_flag"));

	if (k >= 0)
		flags |= 1 << k;
	if (!strcmp(x->kind, "vulnerability") && x->kev && x->expo == SSVC_EXPO_OPEN && x->asset >= 0) {
		const struct sc_asset *a = &s->m->as[x->asset];

		if (!strcmp(a->kind, "workload") || !strcmp(a->kind, "pod") ||
		    (!strcmp(a->kind, "image") && a->running == 1))
			flags |= 1 << RF_KEV_INTERNET;
	}
	if (rule_matches(s, RF_ROOT_NO_MFA, x->rule))
		flags |= 1 << RF_ROOT_NO_MFA;
	if (rule_matches(s, RF_PUBLIC_DATA, x->rule))
		flags |= 1 << RF_PUBLIC_DATA;
	if (compromise(x))
		flags |= 1 << RF_COMPROMISE;
	return flags;
}

/*
 * Open to anyone, by the document: `public`, or as the AWS connector records
 * it (docs/resources.md): a bucket policy or ACL that S3 calls public with
 * the effective public access block not cancelling it, a database
 * `publicly_accessible`.
 */
static int is_public(const json_t *doc)
{
	const json_t *pab = json_object_get(doc, "effective_public_access_block");

	if (jsonx_bool(doc, "public", 0) || jsonx_bool(doc, "publicly_accessible", 0))
		return 1;
	if (jsonx_bool(doc, "policy_is_public", 0) && !jsonx_bool(pab, "RestrictPublicBuckets", 0))
		return 1;
	return jsonx_bool(doc, "acl_public", 0) && !jsonx_bool(pab, "IgnorePublicAcls", 0);
}

static int asset_flags(const struct sc_state *s, const struct sc_asset *a)
{
	const json_t *kinds = json_object_get(flag_template(s, RF_PUBLIC_DATA), "kinds"), *k;
	int flags = 0;
	size_t i;

	if ((!strcmp(a->kind, "account") || !strcmp(a->kind, "aws.account") || !strcmp(a->kind, "cloud-account")) &&
	    (json_is_false(json_object_get(a->doc, "root_mfa_active")) ||
	     json_is_false(jsonx_dig(a->doc, "root.mfa_active"))))
		flags |= 1 << RF_ROOT_NO_MFA;
	if (is_public(a->doc)) {
		json_array_foreach(kinds, i, k)
			if (json_is_string(k) && !strcmp(json_string_value(k), a->kind))
				flags |= 1 << RF_PUBLIC_DATA;
	}
	return flags;
}

/* Add an asset to a red flag once. */
static void add_ref(json_t *flag, const char *kind, const char *key, const char *name)
{
	json_t *assets = json_object_get(flag, "assets"), *a;
	size_t i;

	json_array_foreach(assets, i, a)
		if (!strcmp(jsonx_strz(a, "kind"), kind) && !strcmp(jsonx_strz(a, "key"), key))
			return;
	json_array_append_new(assets, json_pack("{s:s, s:s, s:s}", "kind", kind, "key", key, "name", name ? name : key));
}

int deal_red_flags(struct sc_state *s, int ci, json_t **out)
{
	json_t *found[SC_MAX_RED_FLAGS] = { NULL }, *list = json_array();
	size_t i;
	int k, flags, rc = 0;

	*out = NULL;
	if (!list)
		return err_set(ERR_NOMEM, "out of memory");
	for (k = 0; k < SC_MAX_RED_FLAGS; k++) {
		const json_t *t = flag_template(s, k);

		found[k] = json_pack("{s:s, s:s, s:s, s:[], s:[]}", "id", sc_red_flag_ids[k], "title",
				     jsonx_strz(t, "title"), "criterion", jsonx_strz(t, "criterion"), "findings",
				     "assets");
		if (!found[k]) {
			rc = err_set(ERR_NOMEM, "out of memory");
			goto cleanup;
		}
	}
	for (i = 0; i < s->nfs; i++) {
		struct sc_finding *x = &s->fs[i];
		const json_t *a = json_object_get(x->f, "asset");

		if (!x->counted || x->company_idx != ci || !(flags = finding_flags(s, x)))
			continue;
		for (k = 0; k < SC_MAX_RED_FLAGS; k++) {
			if (!(flags & (1 << k)))
				continue;
			risk_red_flag(x, k);
			json_array_append_new(json_object_get(found[k], "findings"), json_string(x->id));
			add_ref(found[k], jsonx_strz(a, "kind"), jsonx_strz(a, "key"), jsonx_str(a, "name"));
		}
	}
	for (i = 0; i < s->m->nas; i++) {
		const struct sc_asset *a = &s->m->as[i];

		if (a->company_idx != ci || !(flags = asset_flags(s, a)))
			continue;
		for (k = 0; k < SC_MAX_RED_FLAGS; k++)
			if (flags & (1 << k))
				add_ref(found[k], a->kind, a->key, a->name);
	}
	for (k = 0; k < SC_MAX_RED_FLAGS; k++)
		if (json_array_size(json_object_get(found[k], "assets")))
			json_array_append(list, found[k]);
	*out = list;
	list = NULL;
cleanup:
	for (k = 0; k < SC_MAX_RED_FLAGS; k++)
		json_decref(found[k]);
	json_decref(list);
	return rc;
}

/* ---- conditions, Day-1 notes ---- */

/* Does the company's result meet a trigger ("kev-internet-facing", "insufficient-evidence",
 * "insufficient:DOMAIN", "domain-below:DOMAIN:N")?  *count gains the findings behind it. */
static int triggered(const json_t *co, const char *trigger, long long *count)
{
	const json_t *rf, *dom;
	char name[64];
	size_t i;
	long n;

	json_array_foreach(json_object_get(co, "red_flags"), i, rf) {
		if (!strcmp(jsonx_strz(rf, "id"), trigger)) {
			*count += (long long)json_array_size(json_object_get(rf, "assets"));
			return 1;
		}
	}
	if (!strcmp(trigger, "insufficient-evidence"))
		return !strcmp(jsonx_strz(jsonx_dig(co, "rating"), "status"), "insufficient-evidence");
	if (util_has_prefix(trigger, "insufficient:")) {
		dom = json_object_get(json_object_get(co, "domains"), trigger + strlen("insufficient:"));
		return dom && !strcmp(jsonx_strz(dom, "status"), "insufficient-evidence");
	}
	if (util_has_prefix(trigger, "domain-below:")) {
		const char *p = trigger + strlen("domain-below:"), *colon = strchr(p, ':');

		if (!colon || (size_t)(colon - p) >= sizeof(name))
			return 0;
		memcpy(name, p, (size_t)(colon - p));
		name[colon - p] = 0;
		n = strtol(colon + 1, NULL, 10);
		dom = json_object_get(json_object_get(co, "domains"), name);
		return json_is_integer(json_object_get(dom, "score")) && jsonx_int(dom, "score", 0) < n;
	}
	return 0;
}

/* The template's text with {company} and {count} filled in. */
static int fill(struct strbuf *out, const char *tpl, const char *company, long long count)
{
	const char *p;
	int rc = 0;

	strbuf_reset(out);
	for (p = tpl; *p && rc == 0; p++) {
		if (util_has_prefix(p, "{company}")) {
			rc = strbuf_addstr(out, company);
			p += strlen("{company}") - 1;
		} else if (util_has_prefix(p, "{count}")) {
			rc = strbuf_addf(out, "%lld", count);
			p += strlen("{count}") - 1;
		} else {
			rc = strbuf_addch(out, *p);
		}
	}
	return rc;
}

static int notes(const json_t *templates, const json_t *co, const char *name, int targets_only, json_t *out)
{
	struct strbuf text = STRBUF_INIT;
	const json_t *t, *w;
	size_t i, j;
	int rc = 0;

	if (targets_only && strcmp(jsonx_strz(co, "role"), "target"))
		return 0;
	json_array_foreach(templates, i, t) {
		json_t *because = json_array();
		long long count = 0;

		json_array_foreach(json_object_get(t, "when"), j, w)
			if (json_is_string(w) && triggered(co, json_string_value(w), &count))
				json_array_append_new(because, json_string(json_string_value(w)));
		if (json_array_size(because) && (rc = fill(&text, jsonx_strz(t, "text"), name, count)) == 0)
			json_array_append_new(out, json_pack("{s:s, s:s, s:s, s:s, s:O}", "id", jsonx_strz(t, "id"),
							     "company", jsonx_strz(co, "company"), "role",
							     jsonx_strz(co, "role"), "text", text.buf, "because", because));
		json_decref(because);
		if (rc < 0)
			break;
	}
	strbuf_release(&text);
	return rc;
}

/* ---- side by side ---- */

struct figure {
	const char *name, *unit, *path; /* path in the company's scores (dotted) */
};

static const struct figure figures[] = {
	{ "rating", "0-100", "rating.score" },
	{ "grade", "A-F", "rating.grade" },
	{ "coverage", "ratio", "coverage.ratio" },
	{ "vulnerabilities", "0-100", "domains.vulnerabilities.score" },
	{ "identity-access", "0-100", "domains.identity-access.score" },
	{ "network-exposure", "0-100", "domains.network-exposure.score" },
	{ "data-protection", "0-100", "domains.data-protection.score" },
	{ "logging-detection", "0-100", "domains.logging-detection.score" },
	{ "kubernetes-hardening", "0-100", "domains.kubernetes-hardening.score" },
	{ "supply-chain", "0-100", "domains.supply-chain.score" },
	{ "issues immediate", "count", NULL },
	{ "issues out-of-cycle", "count", NULL },
	{ "issues scheduled", "count", NULL },
	{ "issues defer", "count", NULL },
	{ "red flags", "count", NULL },
	{ "remediation hours", "hours", "remediation.hours" },
	{ "remediation cost", "money", "remediation.cost" },
	{ "recommended remediation cost", "money", "remediation.recommended_cost" },
	{ "annualised loss P10 before", "money", "loss.before.p10" },
	{ "annualised loss P50 before", "money", "loss.before.p50" },
	{ "annualised loss P90 before", "money", "loss.before.p90" },
	{ "annualised loss P10 after", "money", "loss.after.p10" },
	{ "annualised loss P50 after", "money", "loss.after.p50" },
	{ "annualised loss P90 after", "money", "loss.after.p90" },
};

static json_t *figure_value(const json_t *co, const struct figure *f)
{
	const json_t *v, *is;
	size_t i, n = 0;

	if (f->path) {
		v = jsonx_dig(co, f->path);
		return v ? json_deep_copy(v) : json_null();
	}
	if (!strcmp(f->name, "red flags"))
		return json_integer((json_int_t)json_array_size(json_object_get(co, "red_flags")));
	json_array_foreach(json_object_get(co, "issues"), i, is)
		n += !strcmp(jsonx_strz(is, "priority"), f->name + strlen("issues "));
	return json_integer((json_int_t)n);
}

static json_t *comparison_json(const json_t *companies)
{
	json_t *cols = json_array(), *rows = json_array(), *order = json_array(), *co, *vals;
	const char *const roles[] = { "acquirer", "target" };
	size_t i, r, k;

	for (r = 0; r < 2; r++)
		json_array_foreach(companies, i, co)
			if (!strcmp(jsonx_strz(co, "role"), roles[r])) {
				json_array_append(order, co);
				json_array_append_new(cols, json_pack("{s:s, s:s, s:s}", "company", jsonx_strz(co, "company"),
								      "name", jsonx_strz(co, "name"), "role", roles[r]));
			}
	for (k = 0; k < ARRAY_SIZE(figures); k++) {
		const char *unit = figures[k].unit;

		vals = json_array();
		json_array_foreach(order, i, co)
			json_array_append_new(vals, figure_value(co, &figures[k]));
		if (!strcmp(unit, "money"))
			unit = jsonx_strz(json_object_get(json_array_get(order, 0),
							  !strncmp(figures[k].name, "annualised", 10) ? "loss" : "remediation"),
					  "currency");
		json_array_append_new(rows, json_pack("{s:s, s:s, s:o}", "figure", figures[k].name, "unit", unit,
						      "values", vals));
	}
	json_decref(order);
	return json_pack("{s:o, s:o}", "columns", cols, "rows", rows);
}

int deal_view(struct sc_state *s, const json_t *companies, json_t **deal, json_t **comparison)
{
	json_t *flags = json_array(), *conds = json_array(), *day1 = json_array(), *co, *rf;
	size_t i, j;
	int rc = 0;

	*deal = *comparison = NULL;
	if (!flags || !conds || !day1) {
		rc = err_set(ERR_NOMEM, "out of memory");
		goto cleanup;
	}
	json_array_foreach(companies, i, co) {
		const char *name = jsonx_strz(co, "name");

		json_array_foreach(json_object_get(co, "red_flags"), j, rf) {
			json_t *copy = json_deep_copy(rf);

			jsonx_set_str(copy, "company", jsonx_strz(co, "company"));
			jsonx_set_str(copy, "role", jsonx_strz(co, "role"));
			json_array_append_new(flags, copy);
		}
		if ((rc = notes(json_object_get(s->cfg->deal, "conditions"), co, name, 1, conds)) < 0 ||
		    (rc = notes(json_object_get(s->cfg->deal, "day1"), co, name, 0, day1)) < 0)
			goto cleanup;
	}
	*deal = json_pack("{s:O, s:O, s:O, s:s}", "red_flags", flags, "conditions", conds, "day1", day1, "note",
			  "Conditions are candidates for counsel to consider: input to legal advice, not legal advice.");
	*comparison = comparison_json(companies);
	if (!*deal || !*comparison) {
		json_decref(*deal);
		json_decref(*comparison);
		*deal = *comparison = NULL;
		rc = err_set(ERR_NOMEM, "out of memory");
	}
cleanup:
	json_decref(flags);
	json_decref(conds);
	json_decref(day1);
	return rc;
}
