/*
 * graph: what the asset graph says about each asset: whether it faces the
 * internet (SSVC system exposure), whether an image actually runs, and how
 * critical it is (docs/scoring.md, "Per finding").
 */
#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>

#include "core/err.h"
#include "core/jsonx.h"
#include "core/util.h"
#include "model.h"

#define GRAPH_MAX_DEPTH 8

/* Exposure flows forward along these (ingress -> service -> workload -> image)... */
static const char *const reach_forward[] = { "routes-to", "selects", "runs", "targets", "forwards-to", "exposes",
					     NULL };
/* ...and backwards along these (an instance that is a member of an open security group). */
static const char *const reach_backward[] = { "member-of", "protected-by", "attached-to", NULL };
/* The control planes of these are reachable from the internet. */
static const char *const cloud_kinds[] = { "account", "subscription", "project", NULL };

static int in_list(const char *const *l, const char *s)
{
	return score_index(l, s) >= 0;
}

static int set_basis(char **slot, const char *text)
{
	char *copy = util_strdup(text);

	if (!copy)
		return ERR_NOMEM;
	free(*slot);
	*slot = copy;
	return 0;
}

static int faces_internet(const struct sc_model *m, size_t i)
{
	size_t k;

	if (jsonx_bool(m->as[i].doc, "internet_facing", 0) || jsonx_bool(m->as[i].doc, "public", 0))
		return 1;
	for (k = m->out_start[i]; k < m->out_start[i + 1]; k++)
		if (!strcmp(m->ed[m->out_edge[k]].kind, "faces-internet"))
			return 1;
	return 0;
}

/* Breadth-first from every asset that faces the internet, at most GRAPH_MAX_DEPTH steps. */
static int spread_exposure(struct sc_model *m)
{
	size_t *queue = calloc(m->nas + 1, sizeof(size_t)), head = 0, tail = 0, i, k;
	unsigned char *depth = calloc(m->nas + 1, 1);
	struct strbuf b = STRBUF_INIT;
	int rc = 0;

	if (!queue || !depth) {
		rc = err_set(ERR_NOMEM, "out of memory");
		goto cleanup;
	}
	for (i = 0; i < m->nas && rc == 0; i++) {
		if (!faces_internet(m, i))
			continue;
		m->as[i].exposure = SSVC_EXPO_OPEN;
		strbuf_reset(&b);
		strbuf_addf(&b, "%s %s faces the internet", m->as[i].kind, m->as[i].name);
		rc = set_basis(&m->as[i].exposure_basis, b.buf);
		queue[tail++] = i;
	}
	while (head < tail && rc == 0) {
		size_t u = queue[head++];

		if (depth[u] >= GRAPH_MAX_DEPTH)
			continue;
		for (k = m->out_start[u]; k < m->out_start[u + 1] && rc == 0; k++) {
			const struct sc_edge *e = &m->ed[m->out_edge[k]];

			if (!in_list(reach_forward, e->kind) || m->as[e->to].exposure == SSVC_EXPO_OPEN)
				continue;
			m->as[e->to].exposure = SSVC_EXPO_OPEN;
			depth[e->to] = (unsigned char)(depth[u] + 1);
			rc = set_basis(&m->as[e->to].exposure_basis, m->as[u].exposure_basis);
			queue[tail++] = e->to;
		}
		for (k = m->in_start[u]; k < m->in_start[u + 1] && rc == 0; k++) {
			const struct sc_edge *e = &m->ed[m->in_edge[k]];

			if (!in_list(reach_backward, e->kind) || m->as[e->from].exposure == SSVC_EXPO_OPEN)
				continue;
			m->as[e->from].exposure = SSVC_EXPO_OPEN;
			depth[e->from] = (unsigned char)(depth[u] + 1);
			rc = set_basis(&m->as[e->from].exposure_basis, m->as[u].exposure_basis);
			queue[tail++] = e->from;
		}
	}
cleanup:
	free(queue);
	free(depth);
	strbuf_release(&b);
	return rc;
}

static int is_runner(const char *kind)
{
	return !strcmp(kind, "workload") || !strcmp(kind, "pod");
}

static int runs_image(const struct sc_model *m, size_t i)
{
	size_t k;

	for (k = m->in_start[i]; k < m->in_start[i + 1]; k++) {
		const struct sc_edge *e = &m->ed[m->in_edge[k]];

		if (!strcmp(e->kind, "runs") && is_runner(m->as[e->from].kind))
			return 1;
	}
	return 0;
}

/* Exposure and running of the assets the spread did not reach. */
static int settle_exposure(struct sc_model *m, const struct score_config *cfg)
{
	size_t i;
	int rc = 0;

	for (i = 0; i < m->nas && rc == 0; i++) {
		struct sc_asset *a = &m->as[i];
		int runtime = a->company_idx >= 0 && m->co[a->company_idx].has_runtime;

		if (!strcmp(a->kind, "image"))
			a->running = runs_image(m, i) ? 1 : runtime ? 0 : -1;
		if (a->exposure == SSVC_EXPO_OPEN)
			continue;
		if (in_list(cloud_kinds, a->kind)) {
			a->exposure = SSVC_EXPO_OPEN;
			rc = set_basis(&a->exposure_basis, "a cloud control plane is reachable from the internet");
		} else if (!strcmp(a->kind, "image") && a->running == 1) {
			a->exposure = SSVC_EXPO_CONTROLLED;
			rc = set_basis(&a->exposure_basis, "runs in a workload that does not face the internet");
		} else if (!strcmp(a->kind, "image") && a->running == 0) {
			a->exposure = SSVC_EXPO_SMALL;
			rc = set_basis(&a->exposure_basis, "no workload runs the image");
		} else if (!strcmp(a->kind, "image") || !strcmp(a->kind, "company")) {
			a->exposure = cfg->unknown_exposure;
			rc = set_basis(&a->exposure_basis, "no runtime inventory: scoring.unknown_exposure");
		} else {
			a->exposure = SSVC_EXPO_CONTROLLED;
			rc = set_basis(&a->exposure_basis, "does not face the internet");
		}
	}
	return rc;
}

static int glob_ok(const json_t *rule, const char *key, const char *value)
{
	const char *pat = jsonx_str(rule, key);

	return !pat || (value && fnmatch(pat, value, 0) == 0);
}

static int eq_ok(const json_t *rule, const char *key, const char *value)
{
	const char *want = jsonx_str(rule, key);

	return !want || (value && !strcmp(want, value));
}

/* The highest criticality rule matching these attributes; -1 when none.  *which is its index. */
static int match_rules(const struct score_config *cfg, const char *company, const char *kind, const char *key,
		       const char *name, const json_t *doc, size_t *which)
{
	const json_t *r;
	size_t i;
	int best = -1;

	json_array_foreach(cfg->criticality_rules, i, r) {
		int level = score_index(score_crit_names, jsonx_str(r, "level"));

		if (level <= best || !eq_ok(r, "company", company) || !eq_ok(r, "kind", kind) ||
		    !eq_ok(r, "namespace", jsonx_str(doc, "namespace")) || !eq_ok(r, "cluster", jsonx_str(doc, "cluster")) ||
		    !eq_ok(r, "account", jsonx_str(doc, "account")) || !glob_ok(r, "asset", key) ||
		    !glob_ok(r, "name", name))
			continue;
		best = level;
		*which = i;
	}
	return best;
}

/* Tags: {criticality: LEVEL}; -1 when absent or not a level. */
static int tag_level(const json_t *tags)
{
	return score_index(score_crit_names, jsonx_str(tags, "criticality"));
}

int graph_criticality_of(const struct sc_model *m, const struct score_config *cfg, int company_idx,
			 const char *kind, const char *key, const char *name, struct strbuf *basis)
{
	const char *company = company_idx >= 0 ? m->co[company_idx].id : NULL;
	size_t which = 0;
	int level = match_rules(cfg, company, kind, key, name, NULL, &which), t;

	strbuf_reset(basis);
	if (level >= 0)
		strbuf_addf(basis, "scoring.criticality[%zu]", which);
	t = company_idx >= 0 ? tag_level(m->co[company_idx].tags) : -1;
	if (t > level && company_idx >= 0) {
		level = t;
		strbuf_reset(basis);
		strbuf_addf(basis, "tag criticality of company %s", m->co[company_idx].id);
	}
	if (level < 0) {
		level = cfg->default_criticality;
		strbuf_reset(basis);
		strbuf_addstr(basis, "scoring.default_criticality");
	}
	return level;
}

static int criticality(struct sc_model *m, const struct score_config *cfg, size_t i, struct strbuf *basis)
{
	struct sc_asset *a = &m->as[i];
	const struct sc_source *src = model_source(m, a->source);
	size_t which = 0, k;
	int level, l;

	strbuf_reset(basis);
	level = match_rules(cfg, a->company, a->kind, a->key, a->name, a->doc, &which);
	if (level >= 0)
		strbuf_addf(basis, "scoring.criticality[%zu]", which);
	l = a->company_idx >= 0 ? tag_level(m->co[a->company_idx].tags) : -1;
	if (l > level) {
		level = l;
		strbuf_reset(basis);
		strbuf_addf(basis, "tag criticality of company %s", a->company);
	}
	l = src ? tag_level(src->tags) : -1;
	if (l > level) {
		level = l;
		strbuf_reset(basis);
		strbuf_addf(basis, "tag criticality of source %s", src->id);
	}
	/* An image is as critical as the most critical workload that runs it. */
	for (k = m->in_start[i]; k < m->in_start[i + 1]; k++) {
		const struct sc_edge *e = &m->ed[m->in_edge[k]];
		const struct sc_asset *r = &m->as[e->from];

		if (strcmp(e->kind, "runs") || !is_runner(r->kind))
			continue;
		l = match_rules(cfg, r->company, r->kind, r->key, r->name, r->doc, &which);
		if (l > level) {
			level = l;
			strbuf_reset(basis);
			strbuf_addf(basis, "scoring.criticality[%zu] through %s %s", which, r->kind, r->name);
		}
	}
	if (level < 0) {
		level = cfg->default_criticality;
		strbuf_reset(basis);
		strbuf_addstr(basis, "scoring.default_criticality");
	}
	return level;
}

int graph_analyse(struct sc_model *m, const struct score_config *cfg)
{
	struct strbuf basis = STRBUF_INIT;
	size_t i;
	int rc;

	if ((rc = spread_exposure(m)) < 0 || (rc = settle_exposure(m, cfg)) < 0)
		goto cleanup;
	for (i = 0; i < m->nas && rc == 0; i++) {
		m->as[i].crit = criticality(m, cfg, i, &basis);
		rc = set_basis(&m->as[i].crit_basis, basis.buf);
	}
cleanup:
	strbuf_release(&basis);
	return rc;
}
