/*
 * rating: coverage (what was assessed of what there is), ratings per
 * company and per domain with the weakest assets weighing most, and the
 * compliance counts (docs/scoring.md, "Coverage", "Ratings", "Compliance").
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/err.h"
#include "core/jsonx.h"
#include "core/strbuf.h"
#include "core/util.h"
#include "score_int.h"

#define ALL_DOMAINS ((1u << SCORE_NDOMAINS) - 1)
#define IMAGE_DOMAINS ((1u << 0) | (1u << 6))
#define CLUSTER_DOMAINS ((1u << 5) | (1u << 1) | (1u << 2) | (1u << 4))
#define ACCOUNT_DOMAINS ((1u << 1) | (1u << 2) | (1u << 3) | (1u << 4))

enum { U_ASSESSED, U_PARTIAL, U_NOT };
static const char *const unit_states[] = { "assessed", "partial", "not-assessed" };
static const double unit_credit[] = { 1, 0.5, 0 };

struct unit {
	const char *kind, *key, *name, *reason;
	int state;
	unsigned domains;
	long asset; /* model index, -1 for gaps and sources */
};

struct units {
	struct unit *v;
	size_t n, cap;
};

static unsigned unit_kind_domains(const char *kind)
{
	if (!strcmp(kind, "image") || !strcmp(kind, "repository") || !strcmp(kind, "registry-repository"))
		return IMAGE_DOMAINS;
	if (!strcmp(kind, "cluster"))
		return CLUSTER_DOMAINS;
	if (!strcmp(kind, "account") || !strcmp(kind, "cloud-account") || !strcmp(kind, "subscription") ||
	    !strcmp(kind, "project"))
		return ACCOUNT_DOMAINS;
	return 0;
}

static unsigned source_type_domains(const struct sc_source *src)
{
	const char *t = src ? src->type : "";

	if (!strcmp(t, "images") || !strcmp(t, "registry"))
		return IMAGE_DOMAINS;
	if (util_has_prefix(t, "kubernetes"))
		return CLUSTER_DOMAINS;
	if (util_has_prefix(t, "aws") || util_has_prefix(t, "azure") || util_has_prefix(t, "gcp"))
		return ACCOUNT_DOMAINS;
	return ALL_DOMAINS;
}

static struct unit *unit_add(struct units *u)
{
	if (u->n == u->cap) {
		size_t ncap = u->cap ? u->cap * 2 : 16;
		struct unit *nv = realloc(u->v, ncap * sizeof(*nv));

		if (!nv)
			return NULL;
		u->v = nv;
		u->cap = ncap;
	}
	memset(&u->v[u->n], 0, sizeof(u->v[0]));
	return &u->v[u->n++];
}

static int cmp_unit(const void *a, const void *b)
{
	const struct unit *x = a, *y = b;
	int c;

	if ((c = strcmp(x->kind, y->kind)) || (c = strcmp(x->key, y->key)))
		return c;
	return x->state - y->state;
}

/*
 * A registry repository (key "registry:HOST/REPO") counts as assessed when
 * the scan stage read one of its images: an image of the company keyed
 * "registry:HOST/REPO:TAG" or "registry:HOST/REPO@DIGEST" with its layers.
 */
static int repository_scanned(const struct sc_model *m, int ci, const char *repo_key)
{
	size_t i, n = strlen(repo_key);

	for (i = 0; i < m->nas; i++) {
		const struct sc_asset *a = &m->as[i];

		if (a->company_idx == ci && !strcmp(a->kind, "image") && !strncmp(a->key, repo_key, n) &&
		    (a->key[n] == ':' || a->key[n] == '@') && !strchr(a->key + n + 1, '/') &&
		    json_object_get(a->doc, "layers"))
			return 1;
	}
	return 0;
}

/* The AWS connector's account asset (kind cloud-account, key aws:account:ID) of a document's account_id, or -1. */
static long aws_account_of(const struct sc_model *m, const char *company, const json_t *doc)
{
	char key[64];

	if (!jsonx_str(doc, "account_id") || strlen(jsonx_str(doc, "account_id")) > 32)
		return -1;
	snprintf(key, sizeof(key), "aws:account:%s", jsonx_str(doc, "account_id"));
	return model_find(m, company, "cloud-account", key);
}

/* The coverage unit an asset counts under: itself, or the cluster, account, subscription or project it names. */
static long unit_asset(const struct sc_model *m, const char *company, const char *kind, const char *key)
{
	static const char *const owners[] = { "cluster", "account", "subscription", "project", NULL };
	long ix = kind && key ? model_find(m, company, kind, key) : -1, o;
	size_t i;

	if (ix < 0 || unit_kind_domains(m->as[ix].kind))
		return ix;
	for (i = 0; owners[i]; i++)
		if (jsonx_str(m->as[ix].doc, owners[i]) &&
		    (o = model_find(m, company, owners[i], jsonx_str(m->as[ix].doc, owners[i]))) >= 0)
			return o;
	return aws_account_of(m, company, m->as[ix].doc);
}

static long unit_index(const struct units *u, long asset)
{
	size_t j;

	for (j = 0; asset >= 0 && j < u->n; j++)
		if (u->v[j].asset == asset)
			return (long)j;
	return -1;
}

/*
 * Rules the assess stage could not evaluate make a unit partial only when they
 * are at least as many as the rules it could evaluate there: a few rules short
 * of data (an export without NetworkPolicies) leave a cluster assessed; an
 * image without its configuration, or a cluster whose workloads and RBAC were
 * refused, is not.  Without the assess stage's results each gap counts its rules.
 */
static int compliance_units(const struct sc_state *s, int ci, struct units *u)
{
	const struct sc_model *m = s->m;
	const char *company = m->co[ci].id;
	const json_t *results = json_object_get(json_object_get(m->root, "results"), company), *r, *res;
	long *tally = u->n ? calloc(2 * u->n, sizeof(*tally)) : NULL, j;
	size_t i;

	if (u->n && !tally)
		return err_set(ERR_NOMEM, "out of memory");
	json_array_foreach(results, i, r) {
		res = json_object_get(r, "resource");
		j = unit_index(u, unit_asset(m, company, jsonx_str(res, "asset_kind"), jsonx_str(res, "asset_key")));
		if (j >= 0)
			tally[2 * j + !strcmp(jsonx_strz(r, "result"), "error")]++;
	}
	for (i = 0; i < s->nfs; i++) {
		const struct sc_finding *f = &s->fs[i];
		const json_t *asset = json_object_get(f->f, "asset");

		if (f->company_idx != ci || strcmp(f->rule, "compliance-not-evaluated") ||
		    !strcmp(jsonx_strz(f->f, "status"), "false-positive"))
			continue;
		j = unit_index(u, unit_asset(m, company, jsonx_str(asset, "kind"), jsonx_str(asset, "key")));
		if (j < 0 || u->v[j].state != U_ASSESSED)
			continue;
		if (!json_array_size(results))
			tally[2 * j + 1] += (long)json_array_size(json_object_get(f->f, "rules"));
		if (tally[2 * j + 1] && tally[2 * j + 1] >= tally[2 * j]) {
			u->v[j].state = U_PARTIAL;
			u->v[j].reason = jsonx_str(f->f, "reason") ? jsonx_str(f->f, "reason") : jsonx_strz(f->f, "title");
		}
	}
	free(tally);
	return 0;
}

/* An organisation's account that is closed or being closed is no longer one to assess. */
static int org_member_active(const json_t *doc)
{
	const char *st = jsonx_strz(doc, "status");

	return strcmp(st, "SUSPENDED") && strcmp(st, "PENDING_CLOSURE") && strcmp(st, "CLOSED");
}

/* Whether an organisation member's unit for account id is there already. */
static int org_unit_of(const struct sc_model *m, const struct units *u, const char *id)
{
	size_t j;

	for (j = 0; j < u->n; j++)
		if (u->v[j].asset >= 0 && (!strcmp(u->v[j].kind, "org-account") || !strcmp(u->v[j].kind, "external-account")) &&
		    !strcmp(jsonx_strz(m->as[u->v[j].asset].doc, "id"), id))
			return 1;
	return 0;
}

static int gather_units(const struct sc_state *s, int ci, struct units *u)
{
	const struct sc_model *m = s->m;
	const char *company = m->co[ci].id;
	size_t i, j;
	struct unit *x;
	int rc;

	for (i = 0; i < m->nas; i++) {
		const struct sc_asset *a = &m->as[i];

		if (a->company_idx != ci || !unit_kind_domains(a->kind))
			continue;
		if (!(x = unit_add(u)))
			return err_set(ERR_NOMEM, "out of memory");
		x->kind = a->kind, x->key = a->key, x->name = a->name, x->asset = (long)i;
		x->domains = unit_kind_domains(a->kind);
		x->state = U_ASSESSED;
		if (json_is_false(json_object_get(a->doc, "assessed"))) {
			x->state = U_NOT;
			x->reason = jsonx_str(a->doc, "reason") ? jsonx_str(a->doc, "reason") :
								   "listed by the connector but not collected";
		} else if (!strcmp(a->kind, "image") && !json_object_get(a->doc, "layers")) {
			/* The scan stage gives every image its layers or a gap. */
			x->state = U_NOT;
			x->reason = "no scan result";
		} else if (strcmp(a->kind, "image") && strcmp(a->kind, "cluster") && unit_kind_domains(a->kind) == IMAGE_DOMAINS &&
			   !repository_scanned(m, ci, a->key)) {
			x->state = U_NOT;
			x->reason = "no image of this repository was scanned";
		} else if (jsonx_str(a->doc, "error") && unit_kind_domains(a->kind) == IMAGE_DOMAINS) {
			x->state = U_PARTIAL;
			x->reason = jsonx_str(a->doc, "error");
		}
	}
	/*
	 * Member accounts of an AWS organisation that were not collected: those
	 * Organizations listed (org-account), then those seen through trust
	 * policies and marked in_organization, each account once.
	 */
	for (i = 0; i < 2 * m->nas; i++) {
		const struct sc_asset *a = &m->as[i % m->nas];
		char key[64];

		if (a->company_idx != ci || strcmp(a->kind, i < m->nas ? "org-account" : "external-account") ||
		    !jsonx_bool(a->doc, "in_organization", 0) || !jsonx_str(a->doc, "id") ||
		    strlen(jsonx_str(a->doc, "id")) > 32 || !org_member_active(a->doc) || org_unit_of(m, u, jsonx_str(a->doc, "id")))
			continue;
		snprintf(key, sizeof(key), "aws:account:%s", jsonx_str(a->doc, "id"));
		if (model_find(m, company, "cloud-account", key) >= 0)
			continue;
		if (!(x = unit_add(u)))
			return err_set(ERR_NOMEM, "out of memory");
		x->kind = a->kind, x->key = a->key, x->name = a->name, x->asset = (long)(i % m->nas);
		x->domains = ACCOUNT_DOMAINS;
		x->state = U_NOT;
		x->reason = "a member account of the organisation that was not collected";
	}
	for (i = 0; i < s->nfs; i++) {
		const struct sc_finding *f = &s->fs[i];
		const json_t *asset = json_object_get(f->f, "asset");
		const char *reason = jsonx_str(f->f, "reason") ? jsonx_str(f->f, "reason") : jsonx_strz(f->f, "title");
		int whole = !strcmp(f->rule, "not-assessable");
		long ix;

		if (f->company_idx != ci || strcmp(f->kind, "gap") || !strcmp(f->rule, "compliance-not-evaluated") ||
		    !strcmp(jsonx_strz(f->f, "status"), "false-positive"))
			continue;
		ix = model_find(m, company, jsonx_str(asset, "kind"), jsonx_str(asset, "key"));
		for (j = 0; ix >= 0 && j < u->n; j++) {
			if (u->v[j].asset != ix)
				continue;
			if (whole || u->v[j].state == U_ASSESSED) {
				u->v[j].state = whole ? U_NOT : U_PARTIAL;
				u->v[j].reason = reason;
			}
			break;
		}
		if (ix >= 0 && j < u->n)
			continue;
		if (!(x = unit_add(u)))
			return err_set(ERR_NOMEM, "out of memory");
		x->kind = "gap";
		x->key = jsonx_str(f->f, "component") && jsonx_strz(f->f, "component")[0] ? jsonx_str(f->f, "component")
											       : f->id;
		x->name = jsonx_strz(f->f, "title");
		x->reason = reason;
		x->state = U_NOT;
		x->asset = -1;
		x->domains = source_type_domains(model_source(m, jsonx_str(f->f, "source") ? jsonx_str(f->f, "source")
											    : jsonx_str(asset, "key")));
	}
	if ((rc = compliance_units(s, ci, u)) < 0)
		return rc;
	for (i = 0; i < m->nsrc; i++) {
		const struct sc_source *src = &m->src[i];
		int wrote = 0;

		if (strcmp(src->company, company) || strcmp(src->status, "failed"))
			continue;
		for (j = 0; j < u->n && !wrote; j++)
			wrote = u->v[j].asset >= 0 && m->as[u->v[j].asset].source &&
				!strcmp(m->as[u->v[j].asset].source, src->id);
		if (wrote)
			continue;
		if (!(x = unit_add(u)))
			return err_set(ERR_NOMEM, "out of memory");
		x->kind = "source", x->key = src->id, x->name = src->id;
		x->reason = src->error ? src->error : "the source could not be collected";
		x->state = U_NOT;
		x->asset = -1;
		x->domains = source_type_domains(src);
	}
	if (u->n)
		qsort(u->v, u->n, sizeof(*u->v), cmp_unit);
	return 0;
}

/*
 * The AWS accounts among the units: those collected (cloud-account, assessed
 * unless a gap says the whole account was not) against those the
 * organisation lists besides.  basis says which: "organization" when some
 * account's ListAccounts was read, else "collected", with the reason the
 * organisation's accounts are unknown when a collected account said so.
 * NULL when the company has no AWS account.
 */
static json_t *aws_accounts_json(const struct sc_model *m, const struct units *u)
{
	json_t *names = json_array(), *o;
	const char *not_listed = NULL;
	size_t i, total = 0, assessed = 0;
	int listed = 0;
	struct strbuf text = STRBUF_INIT;

	for (i = 0; names && i < u->n; i++) {
		const struct unit *x = &u->v[i];
		const json_t *org = x->asset >= 0 ? json_object_get(m->as[x->asset].doc, "organization") : NULL;

		if (!strcmp(x->kind, "cloud-account")) {
			total++;
			assessed += x->state != U_NOT;
			if (x->state == U_NOT)
				json_array_append_new(names, json_string(x->name ? x->name : x->key));
			if (json_is_integer(json_object_get(org, "accounts_listed")))
				listed = 1;
			else if (jsonx_str(org, "not_listed_reason") && !not_listed)
				not_listed = jsonx_str(org, "not_listed_reason");
		} else if (!strcmp(x->kind, "org-account") || !strcmp(x->kind, "external-account")) {
			total++;
			listed = 1;
			json_array_append_new(names, json_string(x->name ? x->name : x->key));
		}
	}
	if (!total) {
		json_decref(names);
		return NULL;
	}
	strbuf_addf(&text, "%zu of %zu AWS account%s assessed", assessed, total, total == 1 ? "" : "s");
	if (!listed && not_listed)
		strbuf_addstr(&text, " (the organisation's accounts could not be listed)");
	o = json_pack("{s:I,s:I,s:s,s:o,s:s}", "assessed", (json_int_t)assessed, "total", (json_int_t)total, "basis",
		      listed ? "organization" : "collected", "not_assessed", names, "summary", text.buf);
	if (o && !listed && not_listed)
		jsonx_set_str(o, "organization_not_listed", not_listed);
	strbuf_release(&text);
	return o;
}

/* Coverage of the units bearing on mask: ratio, and count and credit through the pointers. */
static double coverage_of(const struct units *u, unsigned mask, size_t *count, double *credit)
{
	size_t i;

	*count = 0, *credit = 0;
	for (i = 0; i < u->n; i++) {
		if (!(u->v[i].domains & mask))
			continue;
		(*count)++;
		*credit += unit_credit[u->v[i].state];
	}
	return *count ? *credit / (double)*count : 0;
}

static json_t *coverage_json(const struct units *u, const struct score_config *cfg)
{
	json_t *list = json_array(), *o;
	size_t i, n, d;
	double credit, ratio = coverage_of(u, ALL_DOMAINS, &n, &credit);

	for (i = 0; list && i < u->n; i++) {
		json_t *doms = json_array();

		for (d = 0; doms && d < SCORE_NDOMAINS; d++)
			if (u->v[i].domains & (1u << d))
				json_array_append_new(doms, json_string(score_domain_names[d]));
		o = json_pack("{s:s, s:s, s:s, s:s, s:f, s:o}", "kind", u->v[i].kind, "key", u->v[i].key, "name",
			      u->v[i].name ? u->v[i].name : u->v[i].key, "state", unit_states[u->v[i].state], "credit",
			      unit_credit[u->v[i].state], "domains", doms);
		if (o && u->v[i].reason)
			jsonx_set_str(o, "reason", u->v[i].reason);
		json_array_append_new(list, o);
	}
	return json_pack("{s:I, s:f, s:o, s:f, s:o}", "units", (json_int_t)n, "credit", credit, "ratio",
			 json_real(sc_round(ratio, 3)), "threshold", cfg->coverage_threshold, "list", list);
}

/* ---- ratings ---- */

struct entry {
	size_t rated;  /* asset index, or nas for the company itself */
	int dom;
	double r;
};

static int cmp_entry(const void *a, const void *b)
{
	const struct entry *x = a, *y = b;

	if (x->rated != y->rated)
		return x->rated < y->rated ? -1 : 1;
	if (x->r != y->r)
		return x->r < y->r ? 1 : -1;
	return x->dom - y->dom;
}

struct scored {
	size_t rated;
	size_t findings;
	double s[SCORE_NDOMAINS + 1]; /* per domain, then overall; 100 without findings */
};

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* The weighted mean of n scores, the m given ones (sorted here) and n - m at 100. */
static double owa(double *v, size_t m, size_t n, double q)
{
	double num = 0, den = 0, w = 1;
	size_t i;

	qsort(v, m, sizeof(*v), cmp_double);
	for (i = 0; i < n; i++) {
		num += w * (i < m ? v[i] : 100.0);
		den += w;
		w *= q;
	}
	return den > 0 ? num / den : 100.0;
}

static const char *grade_of(const struct score_config *cfg, double score)
{
	static const char *const g[] = { "A", "B", "C", "D" };
	int i;

	for (i = 0; i < 4; i++)
		if (score >= cfg->grades[i])
			return g[i];
	return "F";
}

static json_t *rating_json(const struct score_config *cfg, double score, double coverage, size_t units,
			   const char *why)
{
	json_t *o;

	if (units && coverage >= cfg->coverage_threshold) {
		double x = sc_round(score, 0);

		return json_pack("{s:s, s:I, s:s, s:o}", "status", "rated", "score", (json_int_t)x, "grade",
				 grade_of(cfg, x), "coverage", json_real(sc_round(coverage, 3)));
	}
	o = json_pack("{s:s, s:n, s:n, s:o, s:s}", "status", "insufficient-evidence", "score", "grade", "coverage",
		      json_real(sc_round(coverage, 3)), "reason",
		      units ? "coverage below scoring.coverage_threshold" : why);
	return o;
}

static int cmp_scored(const void *a, const void *b)
{
	const struct scored *x = a, *y = b;

	if (x->s[SCORE_NDOMAINS] != y->s[SCORE_NDOMAINS])
		return x->s[SCORE_NDOMAINS] < y->s[SCORE_NDOMAINS] ? -1 : 1;
	return x->rated < y->rated ? -1 : x->rated > y->rated;
}

static json_t *asset_ref(const struct sc_state *s, int ci, size_t rated)
{
	if (rated < s->m->nas)
		return json_pack("{s:s, s:s, s:s}", "kind", s->m->as[rated].kind, "key", s->m->as[rated].key, "name",
				 s->m->as[rated].name);
	return json_pack("{s:s, s:s, s:s}", "kind", "company", "key", s->m->co[ci].id, "name", s->m->co[ci].name);
}

/* Asset scores of the company's rated assets that have counted findings. */
static int score_assets(const struct sc_state *s, int ci, long company_asset, struct scored **out, size_t *nout)
{
	const struct sc_model *m = s->m;
	const struct score_config *cfg = s->cfg;
	struct entry *e;
	struct scored *sc;
	size_t i, j, ne = 0, nsc = 0;

	e = calloc(s->nfs + 1, sizeof(*e));
	sc = calloc(s->nfs + 1, sizeof(*sc));
	if (!e || !sc) {
		free(e);
		free(sc);
		return err_set(ERR_NOMEM, "out of memory");
	}
	for (i = 0; i < s->nfs; i++) {
		const struct sc_finding *x = &s->fs[i];

		if (!x->counted || x->company_idx != ci)
			continue;
		e[ne].rated = x->asset >= 0 ? (size_t)x->asset : company_asset >= 0 ? (size_t)company_asset : m->nas;
		e[ne].dom = x->dom;
		e[ne].r = x->r;
		ne++;
	}
	qsort(e, ne, sizeof(*e), cmp_entry);
	for (i = 0; i < ne; i = j) {
		double R = 0, Rd[SCORE_NDOMAINS] = { 0 }, w = 1, wd[SCORE_NDOMAINS];
		int d;

		for (d = 0; d < SCORE_NDOMAINS; d++)
			wd[d] = 1;
		for (j = i; j < ne && e[j].rated == e[i].rated; j++) {
			R += e[j].r * w;
			w *= cfg->finding_decay;
			if (e[j].dom >= 0) {
				Rd[e[j].dom] += e[j].r * wd[e[j].dom];
				wd[e[j].dom] *= cfg->finding_decay;
			}
		}
		sc[nsc].rated = e[i].rated;
		sc[nsc].findings = j - i;
		for (d = 0; d < SCORE_NDOMAINS; d++)
			sc[nsc].s[d] = 100.0 * exp(-cfg->penalty * Rd[d]);
		sc[nsc].s[SCORE_NDOMAINS] = 100.0 * exp(-cfg->penalty * R);
		nsc++;
	}
	free(e);
	*out = sc;
	*nout = nsc;
	return 0;
}

int rating_company(struct sc_state *s, int ci, json_t *out)
{
	const struct sc_model *m = s->m;
	const struct score_config *cfg = s->cfg;
	struct units u = { NULL, 0, 0 };
	struct scored *sc = NULL;
	double *vals = NULL, cov, credit;
	json_t *domains = NULL, *assets = NULL, *weakest = NULL, *o;
	size_t i, nsc = 0, n = 0, count;
	long company_asset = model_find(m, m->co[ci].id, "company", m->co[ci].id);
	int d, rc;
	static const char *const nothing = "no image, cluster, account, subscription, project or registry "
					   "repository of the company was in the inventory";

	for (i = 0; i < m->nas; i++)
		n += m->as[i].company_idx == ci;
	n += company_asset < 0;
	if ((rc = gather_units(s, ci, &u)) < 0 || (rc = score_assets(s, ci, company_asset, &sc, &nsc)) < 0)
		goto cleanup;
	vals = calloc(nsc + 1, sizeof(*vals));
	domains = json_object(), assets = json_array(), weakest = json_array();
	if (!vals || !domains || !assets || !weakest) {
		rc = err_set(ERR_NOMEM, "out of memory");
		goto cleanup;
	}
	for (d = 0; d < SCORE_NDOMAINS; d++) {
		for (i = 0; i < nsc; i++)
			vals[i] = sc[i].s[d];
		cov = coverage_of(&u, 1u << d, &count, &credit);
		json_object_set_new(domains, score_domain_names[d],
				    rating_json(cfg, owa(vals, nsc, n, cfg->asset_decay), cov, count,
						"no unit of the inventory bears on this domain"));
	}
	for (i = 0; i < nsc; i++)
		vals[i] = sc[i].s[SCORE_NDOMAINS];
	cov = coverage_of(&u, ALL_DOMAINS, &count, &credit);
	json_object_set_new(out, "rating", rating_json(cfg, owa(vals, nsc, n, cfg->asset_decay), cov, count, nothing));
	qsort(sc, nsc, sizeof(*sc), cmp_scored);
	for (i = 0; i < nsc; i++) {
		json_t *ds = json_object();

		for (d = 0; ds && d < SCORE_NDOMAINS; d++)
			if (sc[i].s[d] < 100.0)
				json_object_set_new(ds, score_domain_names[d], json_integer((json_int_t)sc_round(sc[i].s[d], 0)));
		o = asset_ref(s, ci, sc[i].rated);
		if (!o || !ds) {
			json_decref(o);
			json_decref(ds);
			rc = err_set(ERR_NOMEM, "out of memory");
			goto cleanup;
		}
		json_object_set_new(o, "score", json_integer((json_int_t)sc_round(sc[i].s[SCORE_NDOMAINS], 0)));
		json_object_set_new(o, "findings", json_integer((json_int_t)sc[i].findings));
		if (i < 5)
			json_array_append(weakest, o);
		json_object_set_new(o, "domains", ds);
		json_array_append_new(assets, o);
	}
	json_object_set_new(json_object_get(out, "rating"), "weakest", weakest);
	weakest = NULL;
	json_object_set_new(out, "domains", domains);
	domains = NULL;
	json_object_set_new(out, "coverage", coverage_json(&u, cfg));
	{
		json_t *accts = aws_accounts_json(s->m, &u);

		if (accts)
			json_object_set_new(json_object_get(out, "coverage"), "aws_accounts", accts);
	}
	json_object_set_new(out, "asset_count", json_integer((json_int_t)n));
	json_object_set_new(out, "assets", assets);
	assets = NULL;
cleanup:
	free(u.v);
	free(sc);
	free(vals);
	json_decref(domains);
	json_decref(assets);
	json_decref(weakest);
	return rc;
}

/* ---- compliance ---- */

static int add_controls(json_t *set, const json_t *v)
{
	const json_t *c;
	size_t i;

	if (json_is_string(v))
		return json_object_set_new(set, json_string_value(v), json_true());
	if (json_is_object(v)) {
		const char *sec = jsonx_str(v, "section");

		return sec ? json_object_set_new(set, sec, json_true()) : 0;
	}
	json_array_foreach(v, i, c)
		if (json_is_string(c) && json_object_set_new(set, json_string_value(c), json_true()) < 0)
			return -1;
	return 0;
}

static int count_result(json_t *fws, const json_t *frameworks, const char *result)
{
	static const char *const results[] = { "pass", "fail", "waived", "error", NULL };
	int r = score_index(results, result);
	const char *fw;
	json_t *v, *c;

	if (r < 0)
		return 0;
	json_object_foreach((json_t *)frameworks, fw, v) {
		c = json_object_get(fws, fw);
		if (!c) {
			c = json_pack("{s:i, s:i, s:i, s:i, s:{}}", "pass", 0, "fail", 0, "waived", 0, "error", 0, "controls");
			if (!c || json_object_set_new(fws, fw, c) < 0)
				return err_set(ERR_NOMEM, "out of memory");
		}
		json_object_set_new(c, results[r], json_integer(jsonx_int(c, results[r], 0) + 1));
		if (r != 3 && add_controls(json_object_get(c, "controls"), v) < 0)
			return err_set(ERR_NOMEM, "out of memory");
	}
	return 0;
}

static int cmp_framework(const void *a, const void *b)
{
	return strcmp(jsonx_strz(*(json_t *const *)a, "framework"), jsonx_strz(*(json_t *const *)b, "framework"));
}

static int sort_by_framework(json_t *list)
{
	size_t i, n = json_array_size(list);
	json_t **v = calloc(n + 1, sizeof(*v));

	if (!v)
		return err_set(ERR_NOMEM, "out of memory");
	for (i = 0; i < n; i++)
		v[i] = json_incref(json_array_get(list, i));
	qsort(v, n, sizeof(*v), cmp_framework);
	json_array_clear(list);
	for (i = 0; i < n; i++)
		json_array_append_new(list, v[i]);
	free(v);
	return 0;
}

int compliance_company(struct sc_state *s, int ci, json_t **out)
{
	const json_t *results = json_object_get(json_object_get(s->m->root, "results"), s->m->co[ci].id), *r;
	json_t *fws = json_object(), *list = json_array(), *c;
	const char *fw;
	void *iter;
	size_t i;
	int rc = 0;

	*out = NULL;
	if (!fws || !list) {
		rc = err_set(ERR_NOMEM, "out of memory");
		goto cleanup;
	}
	if (json_array_size(results)) {
		json_array_foreach(results, i, r)
			if (rc == 0)
				rc = count_result(fws, json_object_get(r, "frameworks"), jsonx_str(r, "result"));
	} else {
		for (i = 0; i < s->nfs && rc == 0; i++) {
			const struct sc_finding *x = &s->fs[i];
			const char *status = jsonx_strz(x->f, "status"), *res = jsonx_str(x->f, "result");

			if (x->company_idx != ci || strcmp(x->kind, "misconfiguration") || !strcmp(status, "false-positive"))
				continue;
			if (!res)
				res = !strcmp(status, "open") ? "fail" : "waived";
			rc = count_result(fws, json_object_get(x->f, "frameworks"), res);
		}
	}
	/* Sorted by framework name: jansson keeps insertion order. */
	for (iter = json_object_iter(fws); iter && rc == 0; iter = json_object_iter_next(fws, iter)) {
		struct strbuf text = STRBUF_INIT;
		long long pass, checks, controls;

		fw = json_object_iter_key(iter);
		c = json_object_iter_value(iter);
		pass = jsonx_int(c, "pass", 0);
		checks = pass + jsonx_int(c, "fail", 0) + jsonx_int(c, "waived", 0);
		controls = (long long)json_object_size(json_object_get(c, "controls"));
		strbuf_addf(&text, "automated checks: %lld passed of %lld, covering %lld mapped controls", pass, checks,
			    controls);
		json_array_append_new(list, json_pack("{s:s, s:I, s:I, s:I, s:I, s:I, s:I, s:s}", "framework", fw,
						      "passed", (json_int_t)pass, "checks", (json_int_t)checks,
						      "controls", (json_int_t)controls, "failed",
						      (json_int_t)jsonx_int(c, "fail", 0), "waived",
						      (json_int_t)jsonx_int(c, "waived", 0), "errors",
						      (json_int_t)jsonx_int(c, "error", 0), "text", text.buf));
		strbuf_release(&text);
	}
	if (rc == 0) {
		rc = sort_by_framework(list);
		*out = list;
		list = NULL;
	}
cleanup:
	json_decref(fws);
	json_decref(list);
	return rc;
}
