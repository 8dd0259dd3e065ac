#include "model.h"

#include <stdlib.h>
#include <string.h>

#include "core/err.h"
#include "core/jsonx.h"

/* ---- gathering from the store ---- */

static int add_asset(void *vctx, const struct store_asset *a)
{
	json_t *o = json_pack("{s:I, s:s, s:s, s:s, s:s, s:O}", "id", (json_int_t)a->id, "company", a->company,
			      "kind", a->kind, "key", a->key, "name", a->name ? a->name : a->key, "doc",
			      a->doc ? a->doc : json_null());

	if (!o)
		return err_set(ERR_NOMEM, "out of memory");
	if (a->source)
		jsonx_set_str(o, "source", a->source);
	return json_array_append_new(vctx, o) < 0 ? err_set(ERR_NOMEM, "out of memory") : 0;
}

static int add_edge(void *vctx, int64_t from, int64_t to, const char *kind)
{
	json_t *o = json_pack("{s:I, s:I, s:s}", "from", (json_int_t)from, "to", (json_int_t)to, "kind", kind);

	if (!o)
		return err_set(ERR_NOMEM, "out of memory");
	return json_array_append_new(vctx, o) < 0 ? err_set(ERR_NOMEM, "out of memory") : 0;
}

static int add_finding(void *vctx, json_t *f)
{
	json_t *copy = json_deep_copy(f);

	if (!copy)
		return err_set(ERR_NOMEM, "out of memory");
	return json_array_append_new(vctx, copy) < 0 ? err_set(ERR_NOMEM, "out of memory") : 0;
}

static int add_status(void *vctx, const char *id, const char *company, const char *type, int live,
		      const char *status, const char *error, const char *info_json)
{
	json_t *sources = vctx, *s;
	size_t i;

	(void)company, (void)type, (void)live, (void)info_json;
	json_array_foreach(sources, i, s) {
		if (strcmp(jsonx_strz(s, "id"), id))
			continue;
		jsonx_set_str(s, "status", status);
		if (error)
			jsonx_set_str(s, "error", error);
	}
	return 0;
}

int model_load(struct sc_model **out, struct store *st, const struct engagement *eng)
{
	json_t *root, *companies, *sources, *assets, *edges, *findings, *results, *res;
	struct strbuf text = STRBUF_INIT;
	size_t i, j;
	int rc;

	*out = NULL;
	root = json_object();
	companies = json_array(), sources = json_array(), assets = json_array(), edges = json_array();
	findings = json_array(), results = json_object();
	if (!root || !companies || !sources || !assets || !edges || !findings || !results) {
		json_decref(companies), json_decref(sources), json_decref(assets), json_decref(edges);
		json_decref(findings), json_decref(results), json_decref(root);
		return err_set(ERR_NOMEM, "out of memory");
	}
	json_object_set_new(root, "companies", companies);
	json_object_set_new(root, "sources", sources);
	json_object_set_new(root, "assets", assets);
	json_object_set_new(root, "edges", edges);
	json_object_set_new(root, "findings", findings);
	json_object_set_new(root, "results", results);
	for (i = 0; i < eng->ncompanies; i++) {
		const struct company *c = &eng->companies[i];
		json_t *tags = json_object_get(c->doc, "tags");

		json_array_append_new(companies, json_pack("{s:s, s:s, s:s, s:O}", "id", c->id, "name", c->name, "role",
							   c->role, "tags", tags ? tags : json_null()));
		for (j = 0; j < c->nsources; j++) {
			const struct source *s = &c->sources[j];

			tags = json_object_get(s->doc, "tags");
			json_array_append_new(sources, json_pack("{s:s, s:s, s:s, s:s, s:O}", "id", s->id, "company",
								 c->id, "type", s->type, "status", "pending", "tags",
								 tags ? tags : json_null()));
		}
		strbuf_reset(&text);
		rc = store_cache_get(st, "assess-results", c->id, &text);
		if (rc == 0 && jsonx_parse(text.buf, text.len, "assess-results", &res) == 0) {
			if (json_is_array(res))
				json_object_set(results, c->id, res);
			json_decref(res);
		} else if (rc < 0 && rc != ERR_NOTFOUND) {
			goto fail;
		}
	}
	if ((rc = store_source_foreach(st, add_status, sources)) < 0 ||
	    (rc = store_asset_foreach(st, NULL, NULL, add_asset, assets)) < 0 ||
	    (rc = store_edge_foreach(st, 0, 0, NULL, add_edge, edges)) < 0 ||
	    (rc = store_finding_foreach(st, NULL, add_finding, findings)) < 0)
		goto fail;
	strbuf_release(&text);
	return model_build(out, root);
fail:
	strbuf_release(&text);
	json_decref(root);
	return rc;
}

/* ---- indexing ---- */

static int cmp_asset(const void *a, const void *b)
{
	const struct sc_asset *x = a, *y = b;
	int c;

	if ((c = strcmp(x->company, y->company)) || (c = strcmp(x->kind, y->kind)) || (c = strcmp(x->key, y->key)))
		return c;
	return x->id < y->id ? -1 : x->id > y->id;
}

struct id_ix {
	int64_t id;
	size_t ix;
};

static int cmp_id(const void *a, const void *b)
{
	const struct id_ix *x = a, *y = b;

	return x->id < y->id ? -1 : x->id > y->id;
}

static long find_id(const struct id_ix *ids, size_t n, int64_t id)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (ids[mid].id == id)
			return (long)ids[mid].ix;
		if (ids[mid].id < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -1;
}

int model_company(const struct sc_model *m, const char *id)
{
	size_t i;

	for (i = 0; id && i < m->nco; i++)
		if (!strcmp(m->co[i].id, id))
			return (int)i;
	return -1;
}

const struct sc_source *model_source(const struct sc_model *m, const char *id)
{
	size_t i;

	for (i = 0; id && i < m->nsrc; i++)
		if (!strcmp(m->src[i].id, id))
			return &m->src[i];
	return NULL;
}

long model_find(const struct sc_model *m, const char *company, const char *kind, const char *key)
{
	size_t lo = 0, hi = m->nas;
	struct sc_asset probe;

	if (!company || !kind || !key)
		return -1;
	probe.company = company, probe.kind = kind, probe.key = key, probe.id = INT64_MIN;
	/* lower bound: the first record not below (company, kind, key, any id) */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (cmp_asset(&m->as[mid], &probe) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < m->nas && !strcmp(m->as[lo].company, company) && !strcmp(m->as[lo].kind, kind) &&
	    !strcmp(m->as[lo].key, key))
		return (long)lo;
	return -1;
}

/* Edges in both directions as index lists (counting sort by endpoint). */
static int index_edges(struct sc_model *m)
{
	size_t i, *fill = NULL;

	m->out_start = calloc(m->nas + 1, sizeof(size_t));
	m->in_start = calloc(m->nas + 1, sizeof(size_t));
	m->out_edge = calloc(m->ned + 1, sizeof(size_t));
	m->in_edge = calloc(m->ned + 1, sizeof(size_t));
	fill = calloc(m->nas + 1, sizeof(size_t));
	if (!m->out_start || !m->in_start || !m->out_edge || !m->in_edge || !fill) {
		free(fill);
		return err_set(ERR_NOMEM, "out of memory");
	}
	for (i = 0; i < m->ned; i++) {
		m->out_start[m->ed[i].from + 1]++;
		m->in_start[m->ed[i].to + 1]++;
	}
	for (i = 0; i < m->nas; i++) {
		m->out_start[i + 1] += m->out_start[i];
		m->in_start[i + 1] += m->in_start[i];
	}
	memcpy(fill, m->out_start, m->nas * sizeof(size_t));
	for (i = 0; i < m->ned; i++)
		m->out_edge[fill[m->ed[i].from]++] = i;
	memcpy(fill, m->in_start, m->nas * sizeof(size_t));
	for (i = 0; i < m->ned; i++)
		m->in_edge[fill[m->ed[i].to]++] = i;
	free(fill);
	return 0;
}

static int is_runtime_kind(const char *kind)
{
	return !strcmp(kind, "cluster") || !strcmp(kind, "workload") || !strcmp(kind, "pod");
}

static int build_sources(struct sc_model *m)
{
	const json_t *list = json_object_get(m->root, "sources"), *s;
	size_t i;

	m->src = calloc(json_array_size(list) + 1, sizeof(*m->src));
	if (!m->src)
		return err_set(ERR_NOMEM, "out of memory");
	json_array_foreach(list, i, s) {
		struct sc_source *x = &m->src[m->nsrc];

		if (!jsonx_str(s, "id") || !jsonx_str(s, "company"))
			continue;
		x->id = jsonx_str(s, "id");
		x->company = jsonx_str(s, "company");
		x->type = jsonx_strz(s, "type");
		x->status = jsonx_strz(s, "status");
		x->error = jsonx_str(s, "error");
		x->tags = json_object_get(s, "tags");
		m->nsrc++;
	}
	return 0;
}

static int cmp_finding(const void *a, const void *b)
{
	return strcmp(jsonx_strz(*(json_t *const *)a, "id"), jsonx_strz(*(json_t *const *)b, "id"));
}

/* By id, as the store gives them, whatever order a test or fuzz input has; non-objects are dropped. */
static int sort_findings(struct sc_model *m)
{
	size_t i, n = 0, total = json_array_size(m->findings);
	json_t **v = calloc(total + 1, sizeof(*v)), *sorted = json_array();

	if (!v || !sorted) {
		free(v);
		json_decref(sorted);
		return err_set(ERR_NOMEM, "out of memory");
	}
	for (i = 0; i < total; i++)
		if (json_is_object(json_array_get(m->findings, i)) && jsonx_str(json_array_get(m->findings, i), "id"))
			v[n++] = json_array_get(m->findings, i);
	qsort(v, n, sizeof(*v), cmp_finding);
	for (i = 0; i < n; i++)
		json_array_append(sorted, v[i]);
	free(v);
	json_object_set_new(m->root, "findings", sorted);
	m->findings = sorted;
	return 0;
}

int model_build(struct sc_model **out, json_t *root)
{
	struct sc_model *m = calloc(1, sizeof(*m));
	const json_t *list, *v;
	struct id_ix *ids = NULL;
	size_t i;
	int rc;

	*out = NULL;
	if (!m) {
		json_decref(root);
		return err_set(ERR_NOMEM, "out of memory");
	}
	m->root = root;
	if (!json_is_object(root)) {
		rc = err_set(ERR_INVALID, "scoring input: expected an object");
		goto fail;
	}
	list = json_object_get(root, "companies");
	m->co = calloc(json_array_size(list) + 1, sizeof(*m->co));
	if (!m->co) {
		rc = err_set(ERR_NOMEM, "out of memory");
		goto fail;
	}
	json_array_foreach(list, i, v) {
		if (!jsonx_str(v, "id") || model_company(m, jsonx_str(v, "id")) >= 0)
			continue;
		m->co[m->nco].id = jsonx_str(v, "id");
		m->co[m->nco].name = jsonx_str(v, "name") ? jsonx_str(v, "name") : jsonx_str(v, "id");
		m->co[m->nco].role = jsonx_str(v, "role") && !strcmp(jsonx_str(v, "role"), "acquirer") ? "acquirer"
													: "target";
		m->co[m->nco].tags = json_object_get(v, "tags");
		m->nco++;
	}
	if ((rc = build_sources(m)) < 0)
		goto fail;

	list = json_object_get(root, "assets");
	if (json_array_size(list) > MODEL_MAX_ASSETS) {
		rc = err_set(ERR_LIMIT, "scoring input: more than %d assets", MODEL_MAX_ASSETS);
		goto fail;
	}
	m->as = calloc(json_array_size(list) + 1, sizeof(*m->as));
	if (!m->as) {
		rc = err_set(ERR_NOMEM, "out of memory");
		goto fail;
	}
	json_array_foreach(list, i, v) {
		struct sc_asset *a = &m->as[m->nas];

		if (!jsonx_str(v, "company") || !jsonx_str(v, "kind") || !jsonx_str(v, "key") ||
		    !json_is_integer(json_object_get(v, "id")))
			continue;
		a->id = (int64_t)json_integer_value(json_object_get(v, "id"));
		a->company = jsonx_str(v, "company");
		a->kind = jsonx_str(v, "kind");
		a->key = jsonx_str(v, "key");
		a->name = jsonx_str(v, "name") ? jsonx_str(v, "name") : a->key;
		a->doc = json_is_object(json_object_get(v, "doc")) ? json_object_get(v, "doc") : NULL;
		a->source = jsonx_str(v, "source") ? jsonx_str(v, "source") : jsonx_str(a->doc, "source");
		a->company_idx = model_company(m, a->company);
		a->exposure = -1;
		a->running = -1;
		if (a->company_idx >= 0 && is_runtime_kind(a->kind))
			m->co[a->company_idx].has_runtime = 1;
		m->nas++;
	}
	qsort(m->as, m->nas, sizeof(*m->as), cmp_asset);

	list = json_object_get(root, "edges");
	if (json_array_size(list) > MODEL_MAX_EDGES) {
		rc = err_set(ERR_LIMIT, "scoring input: more than %d edges", MODEL_MAX_EDGES);
		goto fail;
	}
	ids = calloc(m->nas + 1, sizeof(*ids));
	m->ed = calloc(json_array_size(list) + 1, sizeof(*m->ed));
	if (!ids || !m->ed) {
		rc = err_set(ERR_NOMEM, "out of memory");
		goto fail;
	}
	for (i = 0; i < m->nas; i++)
		ids[i].id = m->as[i].id, ids[i].ix = i;
	qsort(ids, m->nas, sizeof(*ids), cmp_id);
	json_array_foreach(list, i, v) {
		long from = find_id(ids, m->nas, (int64_t)jsonx_int(v, "from", -1));
		long to = find_id(ids, m->nas, (int64_t)jsonx_int(v, "to", -1));

		if (from < 0 || to < 0 || !jsonx_str(v, "kind"))
			continue;
		m->ed[m->ned].from = (size_t)from;
		m->ed[m->ned].to = (size_t)to;
		m->ed[m->ned].kind = jsonx_str(v, "kind");
		m->ned++;
	}
	if ((rc = index_edges(m)) < 0)
		goto fail;
	m->findings = json_object_get(root, "findings");
	if (!json_is_array(m->findings)) {
		m->findings = json_array();
		json_object_set_new(root, "findings", m->findings);
	}
	if (json_array_size(m->findings) > MODEL_MAX_FINDINGS) {
		rc = err_set(ERR_LIMIT, "scoring input: more than %d findings", MODEL_MAX_FINDINGS);
		goto fail;
	}
	if ((rc = sort_findings(m)) < 0)
		goto fail;
	free(ids);
	*out = m;
	return 0;
fail:
	free(ids);
	model_free(m);
	return rc;
}

void model_free(struct sc_model *m)
{
	size_t i;

	if (!m)
		return;
	for (i = 0; i < m->nas; i++) {
		free(m->as[i].exposure_basis);
		free(m->as[i].crit_basis);
	}
	free(m->co);
	free(m->src);
	free(m->as);
	free(m->ed);
	free(m->out_start);
	free(m->out_edge);
	free(m->in_start);
	free(m->in_edge);
	json_decref(m->root);
	free(m);
}
