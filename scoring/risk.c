/*
 * risk: each finding's likelihood and impact, kept apart, its SSVC decision,
 * its domain and its priority (docs/scoring.md).
 */
#include <fnmatch.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/crypto.h"
#include "core/err.h"
#include "core/finding.h"
#include "core/jsonx.h"
#include "core/util.h"
#include "score_int.h"

static const double exploit_factors[3] = { 0.3, 0.6, 1.0 };
static const double exposure_factors[3] = { 0.3, 0.6, 1.0 };
/* by severity rank: unknown, info, low, medium, high, critical */
static const double severity_factors[6] = { 0.5, 0.05, 0.2, 0.5, 0.8, 1.0 };
static const double crit_factors[4] = { 0.5, 0.7, 0.85, 1.0 };

/* Resource or asset kinds -> domain, first match (fnmatch patterns). */
static const struct {
	const char *pattern;
	int domain;
} kind_domains[] = {
	{ "image", 6 },
	{ "k8s.role", 1 },	      { "k8s.binding", 1 },	 { "k8s.subject", 1 },	   { "k8s.serviceaccount", 1 },
	{ "rbac-role", 1 },	      { "rbac-binding", 1 },	 { "rbac-subject", 1 },	   { "serviceaccount", 1 },
	{ "k8s.service", 2 },	      { "k8s.ingress", 2 },	 { "k8s.networkpolicy", 2 }, { "service", 2 },
	{ "ingress", 2 },	      { "networkpolicy", 2 },	 { "k8s.*", 5 },	   { "workload", 5 },
	{ "pod", 5 },		      { "namespace", 5 },	 { "node", 5 },		   { "cluster", 5 },
	{ "aws.account", 1 },	      { "aws.iam.*", 1 },	 { "gcp.project", 1 },	   { "gcp.iam.*", 1 },
	{ "account", 1 },	      { "project", 1 },		 { "aws.s3.*", 3 },	   { "aws.rds.*", 3 },
	{ "aws.kms.*", 3 },	      { "aws.efs.*", 3 },	 { "azure.storage.*", 3 }, { "azure.keyvault.*", 3 },
	{ "azure.sql.*", 3 },	      { "gcp.storage.*", 3 },	 { "gcp.sql.*", 3 },	   { "gcp.kms.*", 3 },
	{ "aws.cloudtrail.*", 4 },    { "aws.ec2.vpc", 4 },	 { "azure.subscription", 4 }, { "subscription", 4 },
	{ "aws.ec2.*", 2 },	      { "azure.network.*", 2 },	 { "gcp.compute.*", 2 },
};

double sc_round(double x, int decimals)
{
	static const double p[] = { 1, 10, 100, 1000, 10000 };

	if (decimals < 0 || decimals > 4)
		decimals = 4;
	return floor(x * p[decimals] + 0.5) / p[decimals];
}

json_t *sc_money(double x)
{
	x = sc_round(x, 0);
	if (!(x > -9e18 && x < 9e18))
		x = x > 0 ? 9e18 : -9e18;
	return json_integer((json_int_t)x);
}

int sc_hash_id(char *out, size_t outlen, const char *prefix, size_t n, const char *const *parts, size_t nparts)
{
	struct strbuf key = STRBUF_INIT, hex = STRBUF_INIT;
	size_t i;
	int rc = 0;

	for (i = 0; i < nparts && rc == 0; i++)
		rc = strbuf_add(&key, parts[i] ? parts[i] : "", strlen(parts[i] ? parts[i] : "") + (i + 1 < nparts));
	if (rc == 0 && (rc = sha256_hex(&hex, key.buf, key.len)) == 0)
		snprintf(out, outlen, "%s-%.*s", prefix, (int)n, hex.buf);
	strbuf_release(&key);
	strbuf_release(&hex);
	return rc;
}

json_t *risk_real4(double x)
{
	return json_real(sc_round(x, 4));
}

/* A score 0..1 written as a number or a decimal string; -1 when neither. */
static double read_score(const json_t *v)
{
	double x;
	char *end;

	if (json_is_number(v))
		x = json_number_value(v);
	else if (json_is_string(v) && json_string_length(v) < 32) {
		x = strtod(json_string_value(v), &end);
		if (end == json_string_value(v) || *end)
			return -1;
	} else
		return -1;
	if (!isfinite(x) || x < 0)
		return -1;
	return x > 1 ? 1 : x;
}

/* The finding itself and the objects of its `cves` array, for the members read across CVEs. */
static const json_t *cve_part(const json_t *f, size_t i)
{
	const json_t *cves = json_object_get(f, "cves");

	if (i == 0)
		return f;
	return json_is_array(cves) && i - 1 < json_array_size(cves) && i <= 1000 ? json_array_get(cves, i - 1) : NULL;
}

static void vuln_inputs(struct sc_finding *x)
{
	const json_t *p;
	int adp = SSVC_EXPL_NONE;
	size_t i;

	for (i = 0; (p = cve_part(x->f, i)) != NULL; i++) {
		const json_t *kev = json_object_get(p, "kev"), *ssvc = json_object_get(p, "ssvc");
		const char *e = jsonx_strz(ssvc, "exploitation");
		double epss = read_score(json_object_get(json_object_get(p, "epss"), "score"));

		if (json_is_object(kev) || json_is_true(kev))
			x->kev = 1;
		if (!strcmp(e, "active"))
			adp = SSVC_EXPL_ACTIVE;
		else if ((!strcmp(e, "poc") || !strcmp(e, "public poc")) && adp < SSVC_EXPL_POC)
			adp = SSVC_EXPL_POC;
		if (!strcmp(jsonx_strz(ssvc, "automatable"), "yes"))
			x->automatable = 1;
		if (epss > x->epss)
			x->epss = epss;
	}
	if (x->kev) {
		x->expl = SSVC_EXPL_ACTIVE;
		x->expl_basis = "KEV";
	} else if (adp > SSVC_EXPL_NONE) {
		x->expl = adp;
		x->expl_basis = "CISA SSVC";
	} else {
		x->expl_basis = "no exploitation evidence";
	}
}

static void kind_inputs(struct sc_finding *x)
{
	const char *e;

	x->expl = SSVC_EXPL_NONE;
	x->expl_basis = "kind";
	if (!strcmp(x->kind, "vulnerability")) {
		vuln_inputs(x);
	} else if (!strcmp(x->kind, "secret") || !strcmp(x->kind, "exposure")) {
		x->expl = SSVC_EXPL_POC;
	} else if (!strcmp(x->kind, "threat") || jsonx_bool(x->f, "compromise", 0)) {
		x->expl = SSVC_EXPL_ACTIVE;
	} else if (!strcmp(x->kind, "manual") && (e = jsonx_str(x->f, "exploitation")) != NULL &&
		   score_index(ssvc_exploitation_names, e) >= 0) {
		x->expl = score_index(ssvc_exploitation_names, e);
		x->expl_basis = "consultant";
	}
}

static int resource_kind_domain(const char *kind, int *out)
{
	size_t i;

	for (i = 0; kind && i < ARRAY_SIZE(kind_domains); i++) {
		if (fnmatch(kind_domains[i].pattern, kind, 0) == 0) {
			*out = kind_domains[i].domain;
			return 1;
		}
	}
	return 0;
}

static void domain_of(struct sc_finding *x)
{
	const json_t *res = json_object_get(x->f, "resource");
	const char *rk = json_is_string(res) ? json_string_value(res) : jsonx_str(res, "kind");
	int d = score_index(score_domain_names, jsonx_str(x->f, "domain"));

	x->dom = -1;
	x->dom_basis = "unmapped";
	if (d >= 0) {
		x->dom = d;
		x->dom_basis = "finding";
	} else if (!strcmp(x->kind, "vulnerability")) {
		x->dom = 0, x->dom_basis = "kind";
	} else if (!strcmp(x->kind, "secret")) {
		x->dom = 6, x->dom_basis = "kind";
	} else if (!strcmp(x->kind, "threat")) {
		x->dom = 4, x->dom_basis = "kind";
	} else if (!strcmp(x->kind, "exposure")) {
		x->dom = 2, x->dom_basis = "kind";
	} else if (resource_kind_domain(rk, &x->dom)) {
		x->dom_basis = "resource kind";
	} else if (resource_kind_domain(jsonx_str(json_object_get(x->f, "asset"), "kind"), &x->dom)) {
		x->dom_basis = "asset kind";
	}
}

static void priority_of(struct sc_finding *x)
{
	int band, floor_ = PRIO_DEFER;

	if (x->ssvc >= 0) {
		x->prio = x->ssvc;
		x->prio_basis = "ssvc";
		return;
	}
	band = x->r >= 0.4 ? PRIO_OUT_OF_CYCLE : x->r >= 0.1 ? PRIO_SCHEDULED : PRIO_DEFER;
	if (x->sev == 5)
		floor_ = PRIO_OUT_OF_CYCLE;
	else if (x->sev == 4)
		floor_ = PRIO_SCHEDULED;
	x->prio = band >= floor_ ? band : floor_;
	x->prio_basis = band >= floor_ ? "risk" : "severity";
}

void risk_red_flag(struct sc_finding *f, int flag)
{
	f->red_flags |= 1u << flag;
	f->prio = PRIO_IMMEDIATE;
	f->prio_basis = "red-flag";
}

static int assess_one(struct sc_state *s, struct sc_finding *x)
{
	const struct score_config *cfg = s->cfg;
	const json_t *asset = json_object_get(x->f, "asset");
	const char *e;
	struct strbuf b = STRBUF_INIT;
	int rc = 0;

	x->company_idx = model_company(s->m, x->company);
	x->counted = x->company_idx >= 0 && !strcmp(jsonx_strz(x->f, "status"), "open") && strcmp(x->kind, "gap");
	x->asset = model_find(s->m, x->company, jsonx_str(asset, "kind"), jsonx_str(asset, "key"));
	x->ssvc = x->human = -1;
	x->running = -1;
	if (!x->counted)
		return 0;
	kind_inputs(x);
	if (x->asset >= 0) {
		const struct sc_asset *a = &s->m->as[x->asset];

		x->expo = a->exposure;
		x->running = a->running;
		x->crit = a->crit;
		x->expo_basis = util_strdup(a->exposure_basis);
		x->crit_basis = util_strdup(a->crit_basis);
	} else {
		x->expo = cfg->unknown_exposure;
		x->expo_basis = util_strdup("not in the asset inventory: scoring.unknown_exposure");
		x->crit = graph_criticality_of(s->m, cfg, x->company_idx, jsonx_str(asset, "kind"),
					       jsonx_str(asset, "key"), jsonx_str(asset, "name"), &b);
		x->crit_basis = util_strdup(b.buf);
	}
	if (!strcmp(x->kind, "manual") && (e = jsonx_str(x->f, "exposure")) != NULL &&
	    score_index(ssvc_exposure_names, e) >= 0) {
		x->expo = score_index(ssvc_exposure_names, e);
		free(x->expo_basis);
		x->expo_basis = util_strdup("consultant");
	}
	if (!x->expo_basis || !x->crit_basis) {
		rc = err_set(ERR_NOMEM, "out of memory");
		goto cleanup;
	}
	if (x->expo < 0 || x->expo > 2)
		x->expo = cfg->unknown_exposure;
	x->sev = severity_rank(jsonx_str(x->f, "severity"));
	if (x->sev < 0)
		x->sev = 0;
	x->exploit_factor = exploit_factors[x->expl];
	x->exposure_factor = exposure_factors[x->expo];
	x->severity_factor = severity_factors[x->sev];
	x->crit_factor = crit_factors[x->crit];
	x->L = (x->epss > x->exploit_factor ? x->epss : x->exploit_factor) * x->exposure_factor;
	x->I = x->severity_factor * x->crit_factor;
	x->r = x->L * x->I;
	if (!strcmp(x->kind, "vulnerability")) {
		x->human = ssvc_human_impact(&cfg->ssvc, cfg->safety_impact, cfg->ssvc.mission_by_crit[x->crit]);
		x->ssvc = ssvc_decide(&cfg->ssvc, x->expl, x->expo, x->automatable, x->human);
	}
	domain_of(x);
	priority_of(x);
	x->effort = -1;
cleanup:
	strbuf_release(&b);
	return rc;
}

int risk_assess(struct sc_state *s)
{
	size_t i, n = json_array_size(s->m->findings);
	int rc = 0;

	s->fs = calloc(n + 1, sizeof(*s->fs));
	if (!s->fs)
		return err_set(ERR_NOMEM, "out of memory");
	for (i = 0; i < n && rc == 0; i++) {
		struct sc_finding *x = &s->fs[i];

		x->f = json_array_get(s->m->findings, i);
		x->id = jsonx_strz(x->f, "id");
		x->company = jsonx_strz(x->f, "company");
		x->kind = jsonx_strz(x->f, "kind");
		x->rule = jsonx_strz(x->f, "rule");
		s->nfs = i + 1;
		rc = assess_one(s, x);
	}
	return rc;
}

void risk_release(struct sc_state *s)
{
	size_t i;

	for (i = 0; i < s->nfs; i++) {
		free(s->fs[i].expo_basis);
		free(s->fs[i].crit_basis);
	}
	free(s->fs);
	s->fs = NULL;
	s->nfs = 0;
}

static json_t *ssvc_json(const struct sc_state *s, const struct sc_finding *x)
{
	int mission = s->cfg->ssvc.mission_by_crit[x->crit];

	if (x->ssvc < 0)
		return json_null();
	return json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "exploitation", ssvc_exploitation_names[x->expl],
			 "exposure", ssvc_exposure_names[x->expo], "automatable", ssvc_automatable_names[x->automatable],
			 "human_impact", ssvc_human_names[x->human], "mission_impact", ssvc_mission_names[mission],
			 "safety_impact", ssvc_safety_names[s->cfg->safety_impact], "decision",
			 ssvc_outcome_names[x->ssvc]);
}

static int level(double v)
{
	return v <= 0.2 ? 1 : v <= 0.4 ? 2 : v <= 0.6 ? 3 : v <= 0.8 ? 4 : 5;
}

static json_t *risk_json(const struct sc_state *s, const struct sc_finding *x)
{
	const json_t *asset = json_object_get(x->f, "asset");
	json_t *r, *rated, *flags = NULL;
	const char *running = x->running == 1 ? "yes" : x->running == 0 ? "no" : "unknown";
	size_t i;

	if (x->asset >= 0)
		rated = json_pack("{s:s, s:s}", "kind", s->m->as[x->asset].kind, "key", s->m->as[x->asset].key);
	else
		rated = json_pack("{s:s, s:s}", "kind", "company", "key", x->company);
	r = json_pack("{s:o, s:i, s:o, s:i, s:o, s:s, s:s, s:f, s:s, s:s, s:s, s:s, s:s, s:o, s:o, s:o, s:o, s:s, "
		      "s:o, s:s, s:s, s:o, s:s, s:s}",
		      "likelihood", risk_real4(x->L), "likelihood_level", level(x->L), "impact", risk_real4(x->I),
		      "impact_level", level(x->I), "score", risk_real4(x->r), "exploitation",
		      ssvc_exploitation_names[x->expl], "exploitation_basis", x->expl_basis, "epss", x->epss, "exposure",
		      ssvc_exposure_names[x->expo], "exposure_basis", x->expo_basis, "criticality",
		      score_crit_names[x->crit], "criticality_basis", x->crit_basis, "domain_basis", x->dom_basis,
		      "severity_factor", json_real(x->severity_factor), "criticality_factor",
		      json_real(x->crit_factor), "exploit_factor", json_real(x->exploit_factor), "exposure_factor",
		      json_real(x->exposure_factor), "priority", score_prio_names[x->prio], "rated_asset", rated,
		      "priority_basis", x->prio_basis, "issue", x->issue, "ssvc", ssvc_json(s, x), "group", x->group,
		      "running", strcmp(jsonx_strz(asset, "kind"), "image") ? "n/a" : running);
	if (!r)
		return NULL;
	json_object_set_new(r, "domain", x->dom >= 0 ? json_string(score_domain_names[x->dom]) : json_null());
	json_object_set_new(r, "effort_hours", json_real(sc_round(x->effort, 1)));
	for (i = 0; i < SC_MAX_RED_FLAGS; i++) {
		if (!(x->red_flags & (1u << i)))
			continue;
		if (!flags)
			flags = json_array();
		json_array_append_new(flags, json_string(sc_red_flag_ids[i]));
	}
	if (flags)
		json_object_set_new(r, "red_flags", flags);
	return r;
}

int risk_annotate(struct sc_state *s)
{
	size_t i;
	json_t *r;

	for (i = 0; i < s->nfs; i++) {
		struct sc_finding *x = &s->fs[i];

		if (!x->counted) {
			json_object_del(x->f, "risk");
			continue;
		}
		if (!(r = risk_json(s, x)))
			return err_set(ERR_NOMEM, "out of memory");
		json_object_set_new(x->f, "risk", r);
	}
	return 0;
}
