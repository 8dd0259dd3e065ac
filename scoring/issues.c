/*
 * issues: one issue per vulnerability-and-package (or rule, or secret)
 * across a company's assets, and remediation groups: the findings one fix
 * clears (a base image, a package upgrade, a Helm chart, one credential),
 * with effort and cost (docs/scoring.md).
 */
#include <stdlib.h>
#include <string.h>

#include "core/err.h"
#include "core/finding.h"
#include "core/jsonx.h"
#include "core/util.h"
#include "score_int.h"

enum group_type { G_BASE_IMAGE, G_PACKAGE, G_CHART, G_SECRET, G_RULE, G_FINDING };
static const char *const group_types[] = { "base-image", "package", "chart", "secret", "rule", "finding", NULL };

struct issue {
	char id[24];
	struct sc_finding *first;
	double L, I, r;
	int sev, prio;
	json_t *findings, *assets, *asset_set, *groups;
};

struct group {
	char id[24];
	int type;
	struct sc_finding *first;
	char *label;                 /* layer, package, chart, fingerprint or rule */
	double effort;
	int prio;
	json_t *findings, *asset_set, *issues, *fixed, *rules;
};

struct book {
	struct issue *is;
	size_t nis;
	struct group *gs;
	size_t ngs;
	json_t *issue_ix, *group_ix; /* id -> index */
	json_t *layers;              /* diff id -> number of the company's images holding it */
};

/* ---- what a finding is about ---- */

/* Package type and name from `package`, else from a purl or "name@version" component. */
static void package_of(const json_t *f, struct strbuf *type, struct strbuf *name)
{
	const json_t *p = json_object_get(f, "package");
	const char *comp = jsonx_strz(f, "component"), *slash, *at;

	strbuf_reset(type);
	strbuf_reset(name);
	if (jsonx_str(p, "name")) {
		strbuf_addstr(type, jsonx_strz(p, "type"));
		strbuf_addstr(name, jsonx_str(p, "name"));
		return;
	}
	if (util_has_prefix(comp, "pkg:") && (slash = strchr(comp + 4, '/')) != NULL) {
		strbuf_add(type, comp + 4, (size_t)(slash - comp - 4));
		comp = slash + 1;
	}
	at = strrchr(comp, '@');
	strbuf_add(name, comp, at && at != comp ? (size_t)(at - comp) : strlen(comp));
	if (strchr(name->buf, '?'))
		strbuf_setlen(name, (size_t)(strchr(name->buf, '?') - name->buf));
}

/* The vulnerability's id: the smallest CVE id among the advisory and its aliases, else the advisory. */
static const char *vuln_id(const json_t *f)
{
	const char *best = NULL, *rule = jsonx_strz(f, "rule"), *s;
	const json_t *v;
	size_t i;

	if (util_has_prefix(rule, "CVE-"))
		best = rule;
	json_array_foreach(json_object_get(f, "aliases"), i, v) {
		s = json_string_value(v);
		if (s && util_has_prefix(s, "CVE-") && (!best || strcmp(s, best) < 0))
			best = s;
	}
	return best ? best : rule;
}

static const char *fingerprint_of(const json_t *f)
{
	const char *fp = jsonx_str(json_object_get(f, "secret"), "fingerprint"), *comp;

	if (fp)
		return fp;
	comp = jsonx_strz(f, "component");
	return strrchr(comp, ':') ? strrchr(comp, ':') + 1 : comp;
}

static const char *chart_of(const struct sc_model *m, long asset)
{
	static const char *const paths[] = { "object.metadata.labels", "object.spec.template.metadata.labels",
					     "labels", NULL };
	const json_t *doc;
	size_t i;

	if (asset < 0)
		return NULL;
	doc = m->as[asset].doc;
	for (i = 0; paths[i]; i++) {
		const char *c = jsonx_str(jsonx_dig(doc, paths[i]), "helm.sh/chart");

		if (c && c[0])
			return c;
	}
	return NULL;
}

/* diff id -> how many images of the company hold the layer. */
static int count_layers(const struct sc_model *m, const char *company, json_t *out)
{
	size_t i, j;
	const json_t *l;

	for (i = 0; i < m->nas; i++) {
		const struct sc_asset *a = &m->as[i];

		if (strcmp(a->company, company) || strcmp(a->kind, "image"))
			continue;
		json_array_foreach(json_object_get(a->doc, "layers"), j, l) {
			const char *d = json_is_string(l) ? json_string_value(l) : jsonx_str(l, "diff_id");

			/* Only content digests say two images share a layer (an unpacked folder's is "dir"). */
			if (d && util_has_prefix(d, "sha256:") && json_object_set_new(out, d, json_integer(jsonx_int(out, d, 0) + 1)) < 0)
				return err_set(ERR_NOMEM, "out of memory");
		}
	}
	return 0;
}

static double effort_of(const struct sc_state *s, const struct sc_finding *x)
{
	double e = jsonx_num(x->f, "effort_hours", -1);
	int k;

	if (e >= 0 && e <= 10000)
		return e;
	k = !strcmp(x->kind, "vulnerability")	 ? EFF_VULNERABILITY :
	    !strcmp(x->kind, "secret")		 ? EFF_SECRET :
	    !strcmp(x->kind, "misconfiguration") ? EFF_MISCONFIGURATION :
	    !strcmp(x->kind, "exposure")	 ? EFF_EXPOSURE :
	    !strcmp(x->kind, "threat")		 ? EFF_THREAT :
						   EFF_MANUAL;
	return s->cfg->effort[k];
}

/* ---- building ---- */

static int add_to_set(json_t *set, json_t *list, const char *key, json_t *item)
{
	if (json_object_get(set, key)) {
		json_decref(item);
		return 0;
	}
	if (!item || json_object_set_new(set, key, json_true()) < 0 || json_array_append_new(list, item) < 0)
		return err_set(ERR_NOMEM, "out of memory");
	return 0;
}

static int append_unique(json_t *list, const char *s)
{
	const json_t *v;
	size_t i;

	json_array_foreach(list, i, v)
		if (!strcmp(json_string_value(v), s))
			return 0;
	return json_array_append_new(list, json_string(s)) < 0 ? err_set(ERR_NOMEM, "out of memory") : 0;
}

static int issue_of(struct book *b, struct sc_finding *x)
{
	struct strbuf type = STRBUF_INIT, name = STRBUF_INIT, akey = STRBUF_INIT;
	const json_t *asset = json_object_get(x->f, "asset");
	const char *parts[5] = { x->company, x->kind, NULL, NULL, NULL };
	struct issue *is;
	long ix;
	int rc;

	if (!strcmp(x->kind, "vulnerability")) {
		package_of(x->f, &type, &name);
		parts[2] = vuln_id(x->f), parts[3] = type.buf, parts[4] = name.buf;
	} else if (!strcmp(x->kind, "secret")) {
		parts[2] = x->rule, parts[3] = fingerprint_of(x->f), parts[4] = "";
	} else if (!strcmp(x->kind, "misconfiguration")) {
		parts[2] = x->rule, parts[3] = parts[4] = "";
	} else {
		parts[2] = x->id, parts[3] = parts[4] = "";
	}
	if ((rc = sc_hash_id(x->issue, sizeof(x->issue), "VI", 16, parts, 5)) < 0)
		goto cleanup;
	ix = json_is_integer(json_object_get(b->issue_ix, x->issue)) ?
		     (long)json_integer_value(json_object_get(b->issue_ix, x->issue)) : -1;
	if (ix < 0) {
		is = &b->is[b->nis];
		memset(is, 0, sizeof(*is));
		snprintf(is->id, sizeof(is->id), "%s", x->issue);
		is->first = x;
		is->findings = json_array(), is->assets = json_array(), is->asset_set = json_object();
		is->groups = json_array();
		if (!is->findings || !is->assets || !is->asset_set || !is->groups ||
		    json_object_set_new(b->issue_ix, x->issue, json_integer((json_int_t)b->nis)) < 0) {
			rc = err_set(ERR_NOMEM, "out of memory");
			goto cleanup;
		}
		b->nis++;
	} else {
		is = &b->is[ix];
	}
	is->L = x->L > is->L ? x->L : is->L;
	is->I = x->I > is->I ? x->I : is->I;
	is->r = x->r > is->r ? x->r : is->r;
	is->sev = x->sev > is->sev ? x->sev : is->sev;
	is->prio = x->prio > is->prio ? x->prio : is->prio;
	json_array_append_new(is->findings, json_string(x->id));
	strbuf_addf(&akey, "%s\n%s", jsonx_strz(asset, "kind"), jsonx_strz(asset, "key"));
	rc = add_to_set(is->asset_set, is->assets, akey.buf,
			json_pack("{s:s, s:s, s:s}", "kind", jsonx_strz(asset, "kind"), "key", jsonx_strz(asset, "key"),
				  "name", jsonx_str(asset, "name") ? jsonx_str(asset, "name") : jsonx_strz(asset, "key")));
cleanup:
	strbuf_release(&type);
	strbuf_release(&name);
	strbuf_release(&akey);
	return rc;
}

static int group_of(struct book *b, const struct sc_state *s, struct sc_finding *x)
{
	struct strbuf type = STRBUF_INIT, name = STRBUF_INIT, label = STRBUF_INIT, akey = STRBUF_INIT;
	const json_t *asset = json_object_get(x->f, "asset"), *pkg = json_object_get(x->f, "package");
	const char *layer = jsonx_str(pkg, "layer") ? jsonx_str(pkg, "layer") : jsonx_str(x->f, "layer");
	const char *chart = NULL, *parts[3];
	struct group *g;
	int t, rc;
	long ix;

	if (!strcmp(x->kind, "vulnerability") && layer && jsonx_int(b->layers, layer, 0) >= 2) {
		t = G_BASE_IMAGE;
		strbuf_addstr(&label, layer);
	} else if (!strcmp(x->kind, "vulnerability")) {
		t = G_PACKAGE;
		package_of(x->f, &type, &name);
		strbuf_addf(&label, "%s%s%s", type.buf, type.len ? "/" : "", name.buf);
	} else if (!strcmp(x->kind, "secret")) {
		t = G_SECRET;
		strbuf_addstr(&label, fingerprint_of(x->f));
	} else if (!strcmp(x->kind, "misconfiguration") && (chart = chart_of(s->m, x->asset)) != NULL) {
		t = G_CHART;
		strbuf_addstr(&label, chart);
	} else if (!strcmp(x->kind, "misconfiguration") || !strcmp(x->kind, "end-of-life")) {
		/* One release past its end of life on six images is one migration, not six rows. */
		t = G_RULE;
		strbuf_addstr(&label, x->rule);
	} else {
		t = G_FINDING;
		strbuf_addstr(&label, x->id);
	}
	parts[0] = x->company, parts[1] = group_types[t], parts[2] = label.buf;
	if ((rc = sc_hash_id(x->group, sizeof(x->group), "RG", 12, parts, 3)) < 0)
		goto cleanup;
	ix = json_is_integer(json_object_get(b->group_ix, x->group)) ?
		     (long)json_integer_value(json_object_get(b->group_ix, x->group)) : -1;
	if (ix < 0) {
		g = &b->gs[b->ngs];
		memset(g, 0, sizeof(*g));
		snprintf(g->id, sizeof(g->id), "%s", x->group);
		g->type = t;
		g->first = x;
		g->label = strbuf_detach(&label, NULL);
		g->findings = json_array(), g->asset_set = json_object(), g->issues = json_array();
		g->fixed = json_array(), g->rules = json_array();
		if (!g->findings || !g->asset_set || !g->issues || !g->fixed || !g->rules ||
		    json_object_set_new(b->group_ix, x->group, json_integer((json_int_t)b->ngs)) < 0) {
			rc = err_set(ERR_NOMEM, "out of memory");
			goto cleanup;
		}
		b->ngs++;
	} else {
		g = &b->gs[ix];
	}
	x->effort = effort_of(s, x);
	if (t == G_BASE_IMAGE)
		x->effort = s->cfg->effort[EFF_BASE_IMAGE];
	g->effort = x->effort > g->effort ? x->effort : g->effort;
	g->prio = x->prio > g->prio ? x->prio : g->prio;
	json_array_append_new(g->findings, json_string(x->id));
	strbuf_addf(&akey, "%s\n%s", jsonx_strz(asset, "kind"), jsonx_strz(asset, "key"));
	if (!json_object_get(g->asset_set, akey.buf) && json_object_set_new(g->asset_set, akey.buf, json_true()) < 0) {
		rc = err_set(ERR_NOMEM, "out of memory");
		goto cleanup;
	}
	if ((rc = append_unique(g->issues, x->issue)) == 0 && jsonx_str(x->f, "fixed"))
		rc = append_unique(g->fixed, jsonx_str(x->f, "fixed"));
	if (rc == 0)
		rc = append_unique(g->rules, x->rule);
cleanup:
	strbuf_release(&type);
	strbuf_release(&name);
	strbuf_release(&label);
	strbuf_release(&akey);
	return rc;
}

/* ---- output ---- */

static int cmp_issue(const void *a, const void *b)
{
	const struct issue *x = a, *y = b;

	if (x->prio != y->prio)
		return y->prio - x->prio;
	if (x->r != y->r)
		return x->r < y->r ? 1 : -1;
	return strcmp(x->id, y->id);
}

static double group_hours(const struct group *g)
{
	return g->effort * (double)json_object_size(g->asset_set);
}

static int cmp_group(const void *a, const void *b)
{
	const struct group *x = a, *y = b;
	double hx = group_hours(x), hy = group_hours(y);

	if (x->prio != y->prio)
		return y->prio - x->prio;
	if (hx != hy)
		return hx < hy ? 1 : -1;
	return strcmp(x->id, y->id);
}

static json_t *issue_json(const struct issue *is)
{
	const struct sc_finding *x = is->first;
	json_t *o = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:o, s:o, s:o, s:O, s:O, s:O}", "id", is->id, "kind",
			      x->kind, "rule", x->rule, "title", jsonx_strz(x->f, "title"), "severity",
			      severity_names[is->sev], "priority", score_prio_names[is->prio], "likelihood",
			      risk_real4(is->L), "impact", risk_real4(is->I), "risk", risk_real4(is->r), "findings",
			      is->findings, "assets", is->assets, "groups", is->groups);

	if (o)
		json_object_set_new(o, "domain", x->dom >= 0 ? json_string(score_domain_names[x->dom]) : json_null());
	return o;
}

static void group_text(const struct group *g, size_t nassets, struct strbuf *title, struct strbuf *fix)
{
	const struct sc_finding *x = g->first;
	const char *ffix = jsonx_str(x->f, "fix");
	const json_t *v;
	size_t i;

	switch (g->type) {
	case G_BASE_IMAGE:
		strbuf_addstr(title, "Rebuild on an updated base image");
		strbuf_addf(fix, "Rebuild the %zu images that share the layer %s on an updated base image.", nassets,
			    g->label);
		break;
	case G_PACKAGE:
		strbuf_addf(title, "Upgrade %s", g->label);
		strbuf_addf(fix, "Upgrade %s in %zu asset(s) to a fixed version", g->label, nassets);
		json_array_foreach(g->fixed, i, v)
			strbuf_addf(fix, "%s%s", i ? ", " : " (", json_string_value(v));
		strbuf_addstr(fix, json_array_size(g->fixed) ? ")." : "; no fixed version is published yet.");
		break;
	case G_CHART:
		strbuf_addf(title, "Fix the Helm chart %s", g->label);
		strbuf_addf(fix, "Change the chart %s once (", g->label);
		json_array_foreach(g->rules, i, v)
			strbuf_addf(fix, "%s%s", i ? ", " : "", json_string_value(v));
		strbuf_addf(fix, ") and redeploy its %zu workload(s).", nassets);
		break;
	case G_SECRET:
		strbuf_addf(title, "Rotate the credential %s", g->label);
		strbuf_addf(fix, "Revoke and rotate the credential (fingerprint %s), then rebuild the %zu image(s) "
				 "without it.",
			    g->label, nassets);
		break;
	case G_RULE:
		strbuf_addstr(title, jsonx_strz(x->f, "title"));
		if (ffix)
			strbuf_addstr(fix, ffix);
		else
			strbuf_addf(fix, "Apply the remediation of %s on %zu asset(s).", g->label, nassets);
		break;
	default:
		strbuf_addstr(title, jsonx_strz(x->f, "title"));
		strbuf_addstr(fix, ffix ? ffix : "");
	}
}

static int remediation_json(struct book *b, const struct sc_state *s, json_t **out)
{
	struct strbuf title = STRBUF_INIT, fix = STRBUF_INIT;
	json_t *groups = json_array(), *rem;
	double hours = 0, cost = 0, rhours = 0, rcost = 0, rate = s->cfg->blended_rate;
	size_t i;

	if (!groups)
		return err_set(ERR_NOMEM, "out of memory");
	for (i = 0; i < b->ngs; i++) {
		const struct group *g = &b->gs[i];
		size_t n = json_object_size(g->asset_set);
		double h = group_hours(g), c = h * rate;
		int rec = (s->cfg->recommend >> g->prio) & 1;
		json_t *o;

		strbuf_reset(&title);
		strbuf_reset(&fix);
		group_text(g, n, &title, &fix);
		o = json_pack("{s:s, s:s, s:s, s:s, s:s, s:O, s:O, s:I, s:o, s:o, s:o, s:s, s:b}", "id", g->id, "type",
			      group_types[g->type], "title", title.buf, "fix", fix.buf, "about", g->label, "findings",
			      g->findings, "issues", g->issues, "assets", (json_int_t)n, "effort_per_asset",
			      json_real(sc_round(g->effort, 1)), "hours", json_real(sc_round(h, 1)), "cost",
			      sc_money(c), "priority", score_prio_names[g->prio], "recommended", rec);
		if (!o || json_array_append_new(groups, o) < 0) {
			json_decref(groups);
			strbuf_release(&title);
			strbuf_release(&fix);
			return err_set(ERR_NOMEM, "out of memory");
		}
		hours += h, cost += c;
		if (rec)
			rhours += h, rcost += c;
	}
	rem = json_pack("{s:s, s:f, s:o, s:o, s:o, s:o, s:o}", "currency", s->cfg->money_currency, "rate", rate,
			"hours", json_real(sc_round(hours, 1)), "cost", sc_money(cost), "recommended_hours",
			json_real(sc_round(rhours, 1)), "recommended_cost", sc_money(rcost), "groups", groups);
	strbuf_release(&title);
	strbuf_release(&fix);
	if (!rem)
		return err_set(ERR_NOMEM, "out of memory");
	*out = rem;
	return 0;
}

static void book_release(struct book *b)
{
	size_t i;

	for (i = 0; i < b->nis; i++) {
		json_decref(b->is[i].findings);
		json_decref(b->is[i].assets);
		json_decref(b->is[i].asset_set);
		json_decref(b->is[i].groups);
	}
	for (i = 0; i < b->ngs; i++) {
		free(b->gs[i].label);
		json_decref(b->gs[i].findings);
		json_decref(b->gs[i].asset_set);
		json_decref(b->gs[i].issues);
		json_decref(b->gs[i].fixed);
		json_decref(b->gs[i].rules);
	}
	free(b->is);
	free(b->gs);
	json_decref(b->issue_ix);
	json_decref(b->group_ix);
	json_decref(b->layers);
}

int issues_build(struct sc_state *s, int ci, json_t **issues, json_t **remediation)
{
	struct book b;
	json_t *list = NULL;
	size_t i, k, n = 0;
	int rc = 0;

	*issues = *remediation = NULL;
	memset(&b, 0, sizeof(b));
	for (i = 0; i < s->nfs; i++)
		n += s->fs[i].counted && s->fs[i].company_idx == ci;
	b.is = calloc(n + 1, sizeof(*b.is));
	b.gs = calloc(n + 1, sizeof(*b.gs));
	b.issue_ix = json_object(), b.group_ix = json_object(), b.layers = json_object();
	list = json_array();
	if (!b.is || !b.gs || !b.issue_ix || !b.group_ix || !b.layers || !list) {
		rc = err_set(ERR_NOMEM, "out of memory");
		goto cleanup;
	}
	if ((rc = count_layers(s->m, s->m->co[ci].id, b.layers)) < 0)
		goto cleanup;
	for (i = 0; i < s->nfs && rc == 0; i++) {
		struct sc_finding *x = &s->fs[i];

		if (!x->counted || x->company_idx != ci)
			continue;
		if ((rc = issue_of(&b, x)) == 0)
			rc = group_of(&b, s, x);
	}
	/* Each issue lists the groups its findings fall in. */
	for (i = 0; i < s->nfs && rc == 0; i++) {
		struct sc_finding *x = &s->fs[i];

		if (!x->counted || x->company_idx != ci)
			continue;
		k = (size_t)json_integer_value(json_object_get(b.issue_ix, x->issue));
		rc = append_unique(b.is[k].groups, x->group);
	}
	if (rc < 0)
		goto cleanup;
	qsort(b.is, b.nis, sizeof(*b.is), cmp_issue);
	qsort(b.gs, b.ngs, sizeof(*b.gs), cmp_group);
	for (i = 0; i < b.nis; i++) {
		json_t *o = issue_json(&b.is[i]);

		if (!o || json_array_append_new(list, o) < 0) {
			rc = err_set(ERR_NOMEM, "out of memory");
			goto cleanup;
		}
	}
	if ((rc = remediation_json(&b, s, remediation)) < 0)
		goto cleanup;
	*issues = list;
	list = NULL;
cleanup:
	json_decref(list);
	book_release(&b);
	return rc;
}
