#include "engine.h"

#include <stdlib.h>
#include <string.h>

#include "catalog.h"
#include "core/err.h"
#include "core/jsonx.h"
#include "core/strbuf.h"
#include "core/util.h"

const char *const verdict_names[] = { "pass", "fail", "error", "waived" };

void result_release(struct result *r)
{
	free(r->path);
	free(r->note);
	json_decref(r->value);
	memset(r, 0, sizeof(*r));
}

void result_list_release(struct result_list *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		result_release(&l->v[i]);
	free(l->v);
	memset(l, 0, sizeof(*l));
}

static int push(struct result_list *l, struct result *r)
{
	if (l->n == l->cap) {
		size_t ncap = l->cap ? l->cap * 2 : 64;
		struct result *nv = realloc(l->v, ncap * sizeof(*nv));

		if (!nv)
			return err_set(ERR_NOMEM, "out of memory");
		l->v = nv;
		l->cap = ncap;
	}
	l->v[l->n++] = *r;
	l->counts[r->verdict]++;
	memset(r, 0, sizeof(*r));
	return 0;
}

static int from_witness(struct result *out, struct witness *w)
{
	out->path = util_strdup(w->where.buf);
	out->value = w->value;
	w->value = NULL;
	if (w->note.len)
		out->note = util_strdup(w->note.buf);
	return out->path && (!w->note.len || out->note) ? 0 : ERR_NOMEM;
}

int engine_eval(const struct rule *r, const struct resource_set *set, const struct resource *res,
		const struct engine_opts *o, struct result *out)
{
	struct eval_ctx ec = { o->as_of_days, r->params, 0 };
	struct witness w;
	struct strbuf note = STRBUF_INIT;
	size_t i;
	int t, rc = 1;

	memset(out, 0, sizeof(*out));
	out->rule = r;
	out->res = res;
	witness_init(&w);
	for (i = 0; i < r->nrequires; i++) {
		const char *why = resource_missing(set, res, r->requires[i]);
		const struct dataset *d = catalog_dataset(r->requires[i]);

		if (!why)
			continue;
		/* Missing data is an error that says what is missing, never a failure. */
		strbuf_addf(&note, "requires %s (%s): %s", r->requires[i], d ? d->summary : "", why);
		out->verdict = VERDICT_ERROR;
		out->path = util_strdup("");
		out->note = strbuf_detach(&note, NULL);
		goto cleanup;
	}
	if (r->when) {
		t = pred_eval(r->when, res->doc, "", &ec, &w);
		if (t < 0) {
			rc = t;
			goto cleanup;
		}
		if (t == TRI_FALSE) {
			rc = 0;
			goto cleanup;
		}
		if (t == TRI_ERROR) {
			out->verdict = VERDICT_ERROR;
			rc = from_witness(out, &w) < 0 ? ERR_NOMEM : 1;
			goto cleanup;
		}
		witness_reset(&w);
	}
	t = pred_eval(r->check, res->doc, "", &ec, &w);
	if (t < 0) {
		rc = t;
		goto cleanup;
	}
	out->verdict = t == TRI_TRUE ? VERDICT_PASS : t == TRI_FALSE ? VERDICT_FAIL : VERDICT_ERROR;
	if (from_witness(out, &w) < 0) {
		rc = err_set(ERR_NOMEM, "out of memory");
		goto cleanup;
	}
	if (out->verdict == VERDICT_FAIL && o->waivers && (out->waiver = waivers_match(o->waivers, r->id, res))) {
		out->waiver->used++;
		if (!out->waiver->expired)
			out->verdict = VERDICT_WAIVED;
	}
cleanup:
	witness_release(&w);
	strbuf_release(&note);
	if (rc <= 0)
		result_release(out);
	return rc;
}

static int run_rule(const struct rule *r, const struct resource_set *set, const struct engine_opts *o,
		    struct result_list *out)
{
	struct result res;
	size_t i;
	int rc;

	for (i = 0; i < set->n; i++) {
		if (strcmp(set->v[i].kind, r->resource))
			continue;
		if ((rc = engine_eval(r, set, &set->v[i], o, &res)) < 0)
			return rc;
		if (rc == 1 && (rc = push(out, &res)) < 0) {
			result_release(&res);
			return rc;
		}
	}
	return 0;
}

int engine_run(const struct ruleset *rs, const struct resource_set *set, const struct engine_opts *o,
	       struct result_list *out)
{
	struct result res;
	size_t p, k;
	int rc;

	for (p = 0; p < rs->npacks; p++) {
		if (o->pack && strcmp(o->pack, rs->packs[p]->name))
			continue;
		for (k = 0; k < rs->packs[p]->n; k++) {
			const struct rule *r = &rs->packs[p]->rules[k];

			if (o->rule && strcmp(o->rule, r->id))
				continue;
			if ((rc = run_rule(r, set, o, out)) < 0)
				return rc;
		}
	}
	for (k = 0; o->waivers && k < o->waivers->n; k++) {
		struct waiver *w = &o->waivers->v[k];
		struct strbuf path = STRBUF_INIT;

		if (!w->expired)
			continue;
		memset(&res, 0, sizeof(res));
		res.verdict = VERDICT_FAIL;
		res.waiver = w;
		strbuf_addf(&path, "waivers[%zu].expires", k);
		res.path = strbuf_detach(&path, NULL);
		res.value = json_string(w->expires);
		if ((rc = push(out, &res)) < 0) {
			result_release(&res);
			return rc;
		}
	}
	return 0;
}

const json_t *rule_frameworks(const struct rule *r)
{
	return json_object_get(r->doc, "frameworks");
}

json_t *result_to_json(const struct result *r, const struct waiver_set *ws)
{
	struct strbuf title = STRBUF_INIT, loc = STRBUF_INIT;
	json_t *j = json_object(), *res = json_object();

	if (!j || !res) {
		json_decref(j);
		json_decref(res);
		return NULL;
	}
	if (r->rule) {
		jsonx_set_str(j, "rule", r->rule->id);
		jsonx_set_str(j, "title", r->rule->title);
		jsonx_set_str(j, "severity", r->rule->severity);
		json_object_set(j, "frameworks", (json_t *)rule_frameworks(r->rule));
		jsonx_set_str(j, "pack", r->rule->pack->name);
		jsonx_set_str(res, "kind", r->res->kind);
		jsonx_set_str(res, "namespace", r->res->ns);
		jsonx_set_str(res, "name", r->res->name);
		if (r->res->asset_key)
			jsonx_set_str(res, "key", r->res->asset_key);
		if (r->res->company)
			jsonx_set_str(res, "company", r->res->company);
	} else {
		strbuf_addf(&title, "A waiver for %s expired on %s and no longer applies; renew it or fix the findings",
			    r->waiver->rule, r->waiver->expires);
		strbuf_addf(&loc, "%s:%d", ws ? ws->file : "waivers", r->waiver->line);
		jsonx_set_str(j, "rule", WAIVER_EXPIRED_RULE);
		jsonx_set_str(j, "title", title.buf);
		jsonx_set_str(j, "severity", "low");
		json_object_set_new(j, "frameworks", json_pack("{s:[s], s:[s]}", "nist_800_53_r5", "CA-7", "iso_27001_2022",
							       "A.5.36"));
		jsonx_set_str(res, "kind", "waiver");
		jsonx_set_str(res, "namespace", "");
		jsonx_set_str(res, "name", loc.buf);
	}
	json_object_set_new(j, "resource", res);
	jsonx_set_str(j, "result", verdict_names[r->verdict]);
	jsonx_set_str(j, "path", r->path ? r->path : "");
	json_object_set(j, "value", r->value ? r->value : json_null());
	if (r->note)
		jsonx_set_str(j, "message", r->note);
	if (r->waiver && ws)
		json_object_set_new(j, "waiver", waiver_to_json(ws, r->waiver));
	if (r->res && r->res->file)
		json_object_set_new(j, "location", json_pack("{s:s, s:i}", "file", r->res->file, "line", r->res->line));
	strbuf_release(&title);
	strbuf_release(&loc);
	return j;
}
