#include "consolidate.h"

#include <stdlib.h>
#include <string.h>

#include "checklist.h"
#include "consolidate_int.h"
#include "core/err.h"
#include "core/jsonx.h"
#include "core/log.h"
#include "config.h"
#include "core/util.h"
#include "eol.h"
#include "tools.h"

#define DEFAULT_EOL_WARNING_DAYS 180

int consolidation_templates_dir(struct strbuf *out)
{
	return score_templates_find(out, "consolidation");
}

int consolidation_preflight_with(const struct engagement *eng, const char *templates)
{
	struct tool_sigs *sigs = NULL;
	struct eol_table *eol = NULL;
	struct checklist *cl = NULL;
	json_t *c;
	size_t i;
	int rc;

	if ((rc = tool_sigs_load(&sigs, templates)) < 0 || (rc = eol_table_load(&eol, templates)) < 0 ||
	    (rc = checklist_load(&cl, templates)) < 0) {
		rc = err_set(ERR_USAGE, "consolidation templates: %s", err_last());
		goto cleanup;
	}
	json_array_foreach(json_object_get(json_object_get(eng->doc, "consolidation"), "tool_costs"), i, c) {
		if (tool_sigs_find(sigs, jsonx_str(c, "tool")) < 0) {
			rc = err_set(ERR_USAGE,
				     "%s: consolidation.tool_costs item %zu: no tool '%s' in the tool signatures "
				     "(templates/consolidation/tools.yaml lists the ids)",
				     eng->file, i + 1, jsonx_strz(c, "tool"));
			goto cleanup;
		}
	}
cleanup:
	tool_sigs_free(sigs);
	eol_table_free(eol);
	checklist_free(cl);
	return rc;
}

int consolidation_preflight(const struct engagement *eng)
{
	struct strbuf dir = STRBUF_INIT;
	int rc;

	if ((rc = consolidation_templates_dir(&dir)) < 0)
		rc = err_set(ERR_USAGE, "consolidation: %s", err_last());
	else
		rc = consolidation_preflight_with(eng, dir.buf);
	strbuf_release(&dir);
	return rc;
}

/* ---- reading the store ---- */

static char *clean(const char *s)
{
	struct strbuf sb = STRBUF_INIT;

	if (cons_text(&sb, s, (size_t)1 << 20) < 0) {
		strbuf_release(&sb);
		return NULL;
	}
	return strbuf_detach(&sb, NULL);
}

struct load_ctx {
	struct cons_input *in;
	size_t alloc;
};

static int load_asset(void *vctx, const struct store_asset *a)
{
	struct load_ctx *lc = vctx;
	struct cons_input *in = lc->in;
	struct cons_asset *x;
	struct strbuf k = STRBUF_INIT;
	char id[32];
	int rc;

	if (in->nassets == lc->alloc) {
		size_t n = lc->alloc ? lc->alloc * 2 : 256;
		struct cons_asset *p = realloc(in->assets, n * sizeof(*p));

		if (!p)
			return err_set(ERR_NOMEM, "out of memory");
		in->assets = p;
		lc->alloc = n;
	}
	x = &in->assets[in->nassets];
	memset(x, 0, sizeof(*x));
	x->id = a->id;
	x->company = cons_company_index(in, a->company);
	/* Store columns are whatever a connector wrote: made valid UTF-8 once, here, so every JSON value built
	 * from them can be made (findings name assets by valid keys, so lookups are unaffected). */
	x->kind = clean(a->kind);
	x->key = clean(a->key);
	x->name = clean(a->name ? a->name : a->key);
	x->source = clean(a->source ? a->source : "");
	x->doc = json_incref(a->doc);
	in->nassets++;
	if (!x->kind || !x->key || !x->name || !x->source)
		return err_set(ERR_NOMEM, "out of memory");
	snprintf(id, sizeof(id), "%lld", (long long)a->id);
	rc = strbuf_addf(&k, "%d\037%s\037%s", x->company, a->kind, a->key);
	if (rc == 0 && (json_object_set_new(in->by_id, id, json_integer((json_int_t)(in->nassets - 1))) < 0 ||
			json_object_set_new(in->by_ref, k.buf, json_integer((json_int_t)(in->nassets - 1))) < 0))
		rc = err_set(ERR_NOMEM, "out of memory");
	strbuf_release(&k);
	return rc;
}

struct edge_ctx {
	struct cons_input *in;
	size_t alloc;
};

static int load_edge(void *vctx, int64_t from, int64_t to, const char *kind)
{
	struct edge_ctx *ec = vctx;
	struct cons_input *in = ec->in;

	if (in->nedges == ec->alloc) {
		size_t n = ec->alloc ? ec->alloc * 2 : 256;
		struct cons_edge *p = realloc(in->edges, n * sizeof(*p));

		if (!p)
			return err_set(ERR_NOMEM, "out of memory");
		in->edges = p;
		ec->alloc = n;
	}
	in->edges[in->nedges].from = from;
	in->edges[in->nedges].to = to;
	if (!(in->edges[in->nedges].kind = util_strdup(kind)))
		return ERR_NOMEM;
	in->nedges++;
	return 0;
}

static int load_finding(void *vctx, json_t *f)
{
	return json_array_append(vctx, f) < 0 ? err_set(ERR_NOMEM, "out of memory") : 0;
}

static void input_release(struct cons_input *in)
{
	size_t i;

	for (i = 0; i < in->nassets; i++) {
		free(in->assets[i].kind);
		free(in->assets[i].key);
		free(in->assets[i].name);
		free(in->assets[i].source);
		json_decref(in->assets[i].doc);
	}
	for (i = 0; i < in->nedges; i++)
		free(in->edges[i].kind);
	free(in->assets);
	free(in->edges);
	json_decref(in->findings);
	json_decref(in->by_id);
	json_decref(in->by_ref);
	memset(in, 0, sizeof(*in));
}

static int input_load(struct cons_input *in, const struct engagement *eng, struct store *st, const char *templates)
{
	struct load_ctx lc = { in, 0 };
	struct edge_ctx ec = { in, 0 };
	json_t *cons = json_object_get(eng->doc, "consolidation");
	int rc;

	memset(in, 0, sizeof(*in));
	in->eng = eng;
	in->templates = templates;
	in->as_of_days = util_date_days(&eng->as_of);
	in->eol_warning_days = (long)jsonx_int(cons, "eol_warning_days", DEFAULT_EOL_WARNING_DAYS);
	in->findings = json_array();
	in->by_id = json_object();
	in->by_ref = json_object();
	if (!in->findings || !in->by_id || !in->by_ref)
		return err_set(ERR_NOMEM, "out of memory");
	if ((rc = store_asset_foreach(st, NULL, NULL, load_asset, &lc)) < 0 ||
	    (rc = store_edge_foreach(st, 0, 0, NULL, load_edge, &ec)) < 0 ||
	    (rc = store_finding_foreach(st, NULL, load_finding, in->findings)) < 0)
		return rc;
	return 0;
}

/* ---- the plan ---- */

int consolidation_build_with(const struct engagement *eng, struct store *st, const char *templates, json_t **out)
{
	struct cons_input in;
	json_t *plan = NULL, *part = NULL, *companies = NULL;
	size_t i;
	int rc;

	*out = NULL;
	if ((rc = input_load(&in, eng, st, templates)) < 0)
		goto cleanup;
	plan = json_pack("{s:s, s:s, s:s}", "schema", "vetter.consolidation/1", "as_of", eng->as_of_text, "currency",
			 eng->currency);
	companies = json_array();
	if (!plan || !companies) {
		rc = err_set(ERR_NOMEM, "out of memory");
		goto cleanup;
	}
	for (i = 0; i < eng->ncompanies; i++)
		json_array_append_new(companies, json_pack("{s:s, s:s, s:s}", "id", eng->companies[i].id, "name",
							   eng->companies[i].name, "role", eng->companies[i].role));
	json_object_set_new(plan, "companies", companies);
	companies = NULL;
	if ((rc = cons_tools(&in, &part)) < 0)
		goto cleanup;
	json_object_set_new(plan, "tools", part);
	if ((rc = cons_estate(&in, &part)) < 0)
		goto cleanup;
	json_object_set_new(plan, "estate", part);
	if ((rc = cons_network(&in, &part)) < 0)
		goto cleanup;
	json_object_set_new(plan, "network", part);
	if ((rc = cons_access(&in, &part)) < 0)
		goto cleanup;
	json_object_set_new(plan, "third_party", part);
	if ((rc = cons_checklist(&in, plan, &part)) < 0)
		goto cleanup;
	json_object_set_new(plan, "checklist", part);
	*out = plan;
	plan = NULL;
cleanup:
	if (rc < 0)
		err_prefix(rc, "consolidation");
	json_decref(plan);
	json_decref(companies);
	input_release(&in);
	return rc;
}

int consolidation_build(struct run_ctx *ctx, json_t **out)
{
	struct strbuf dir = STRBUF_INIT;
	int rc;

	*out = NULL;
	if ((rc = consolidation_templates_dir(&dir)) == 0)
		rc = consolidation_build_with(ctx->eng, ctx->st, dir.buf, out);
	strbuf_release(&dir);
	return rc;
}

static int record(struct store *st, const json_t *plan)
{
	struct strbuf text = STRBUF_INIT;
	int rc;

	if ((rc = jsonx_dump_canonical(&text, plan)) == 0)
		rc = store_cache_put(st, CONSOLIDATION_CACHE_NS, CONSOLIDATION_CACHE_KEY, text.buf, text.len);
	strbuf_release(&text);
	return rc;
}

int consolidation_record_with(const struct engagement *eng, struct store *st, const char *templates)
{
	json_t *plan = NULL;
	int rc;

	if ((rc = consolidation_build_with(eng, st, templates, &plan)) == 0)
		rc = record(st, plan);
	json_decref(plan);
	return rc;
}

int consolidation_record(struct run_ctx *ctx)
{
	json_t *plan = NULL;
	int rc;

	if ((rc = consolidation_build(ctx, &plan)) == 0)
		rc = record(ctx->st, plan);
	json_decref(plan);
	return rc;
}

int consolidation_load(struct store *st, json_t **out)
{
	struct strbuf text = STRBUF_INIT;
	int rc;

	*out = NULL;
	if ((rc = store_cache_get(st, CONSOLIDATION_CACHE_NS, CONSOLIDATION_CACHE_KEY, &text)) == 0)
		rc = jsonx_parse(text.buf, text.len, "consolidation plan", out);
	strbuf_release(&text);
	return rc;
}
