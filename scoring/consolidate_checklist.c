/*
 * The integration checklist of the plan: each gate of the template judged
 * against the findings and the plan's facts, and each item ready, blocked
 * (by which gates and findings) or waiting for a blocked item it depends on.
 */
#include <fnmatch.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "checklist.h"
#include "consolidate_int.h"
#include "core/err.h"
#include "core/jsonx.h"

struct gctx {
	const struct cons_input *in;
	const json_t *plan;
	json_t *facing;  /* asset id -> true: assets with a faces-internet edge */
};

static int role_matches(const struct cons_input *in, const char *want, int co)
{
	if (!want || !strcmp(want, "any"))
		return 1;
	return co >= 0 && !strcmp(in->eng->companies[co].role, want);
}

static int role_matches_id(const struct cons_input *in, const char *want, const char *company)
{
	return role_matches(in, want, cons_company_index(in, company));
}

static int in_list(const json_t *list, const char *s)
{
	json_t *v;
	size_t i;

	json_array_foreach(list, i, v) {
		if (s && json_is_string(v) && !strcmp(json_string_value(v), s))
			return 1;
	}
	return 0;
}

static int finding_kev(const json_t *f)
{
	json_t *k = json_object_get(f, "kev"), *c;
	size_t i;

	if (json_is_object(k) || json_is_true(k))
		return 1;
	json_array_foreach(json_object_get(f, "cves"), i, c) {
		k = json_object_get(c, "kev");
		if (json_is_object(k) || json_is_true(k))
			return 1;
	}
	return 0;
}

/* The exposure the scores gave, else "open" when the asset itself faces the internet, else NULL. */
static const char *finding_exposure(const struct gctx *g, const json_t *f)
{
	const char *e = cons_str(f, "risk.exposure");
	const json_t *asset = json_object_get(f, "asset");
	const struct cons_asset *a;
	char id[32];

	if (e || (e = jsonx_str(f, "exposure")))
		return e;
	a = cons_asset_by_ref(g->in, cons_company_index(g->in, jsonx_str(f, "company")), jsonx_str(asset, "kind"),
			      jsonx_str(asset, "key"));
	if (!a)
		return NULL;
	snprintf(id, sizeof(id), "%lld", (long long)a->id);
	if (cons_bool(a->doc, "internet_facing") == 1 || cons_bool(a->doc, "public") == 1 ||
	    json_object_get(g->facing, id))
		return "open";
	return NULL;
}

static int selector_matches(const struct gctx *g, const json_t *sel, const json_t *f)
{
	json_t *v;
	const char *s;

	if (!role_matches_id(g->in, jsonx_str(sel, "company"), jsonx_str(f, "company")))
		return 0;
	if ((v = json_object_get(sel, "kind")) && !in_list(v, jsonx_str(f, "kind")))
		return 0;
	if ((v = json_object_get(sel, "severity")) && !in_list(v, jsonx_str(f, "severity")))
		return 0;
	if ((v = json_object_get(sel, "kev")) && json_is_true(v) != finding_kev(f))
		return 0;
	if ((s = jsonx_str(sel, "exposure")) && (!finding_exposure(g, f) || strcmp(s, finding_exposure(g, f))))
		return 0;
	if ((s = jsonx_str(sel, "red_flag")) && !in_list(jsonx_dig(f, "risk.red_flags"), s) &&
	    strcmp(s, jsonx_strz(f, "red_flag")))
		return 0;
	if ((s = jsonx_str(sel, "rule")) && fnmatch(s, jsonx_strz(f, "rule"), 0) != 0)
		return 0;
	if ((s = jsonx_str(sel, "domain")) && strcmp(s, jsonx_str(f, "domain") ? jsonx_str(f, "domain")
									   : cons_str(f, "risk.domain") ? cons_str(f, "risk.domain") : ""))
		return 0;
	if ((v = json_object_get(sel, "compromise")) && json_is_true(v) != (cons_bool(f, "compromise") == 1))
		return 0;
	return 1;
}

static int add_fact(json_t *facts, long long *count, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static int add_fact(json_t *facts, long long *count, const char *fmt, ...)
{
	struct strbuf sb = STRBUF_INIT;
	va_list ap;
	int rc = 0;

	(*count)++;
	if (json_array_size(facts) < CONS_MAX_LIST) {
		va_start(ap, fmt);
		strbuf_vaddf(&sb, fmt, ap);
		va_end(ap);
		rc = json_array_append_new(facts, json_string(sb.buf)) < 0 ? ERR_NOMEM : 0;
	}
	strbuf_release(&sb);
	return rc;
}

static int eval_fact(const struct gctx *g, const char *fact, const char *role, json_t *facts, long long *count)
{
	const json_t *plan = g->plan;
	json_t *v, *co, *r;
	size_t i, j;
	int rc = 0;

	if (!strcmp(fact, "network-conflicts")) {
		json_array_foreach(jsonx_dig(plan, "network.by_network"), i, v) {
			if (!role_matches_id(g->in, role, cons_str(v, "a.company")) &&
			    !role_matches_id(g->in, role, cons_str(v, "b.company")))
				continue;
			rc = add_fact(facts, count, "%s %s overlaps %s %s (%lld pair%s of ranges)", cons_str(v, "a.company"),
				      cons_str(v, "a.network"), cons_str(v, "b.company"), cons_str(v, "b.network"),
				      jsonx_int(v, "pairs", 0), jsonx_int(v, "pairs", 0) == 1 ? "" : "s");
		}
	} else if (!strcmp(fact, "third-party-access")) {
		json_array_foreach(jsonx_dig(plan, "third_party.entries"), i, v) {
			if (role_matches_id(g->in, role, jsonx_str(v, "company")))
				rc = add_fact(facts, count, "%s: %s", jsonx_str(v, "company"), jsonx_str(v, "detail"));
		}
	} else if (!strcmp(fact, "end-of-life")) {
		json_array_foreach(jsonx_dig(plan, "estate.end_of_life"), i, v) {
			if (!strcmp(jsonx_strz(v, "status"), "end-of-life") && role_matches_id(g->in, role, jsonx_str(v, "company")))
				rc = add_fact(facts, count, "%s: %s %s on %lld asset%s, end of life since %s",
					      jsonx_str(v, "company"), jsonx_strz(v, "title"), jsonx_strz(v, "cycle"),
					      jsonx_int(v, "count", 0), jsonx_int(v, "count", 0) == 1 ? "" : "s",
					      jsonx_strz(v, "until"));
		}
	} else if (!strcmp(fact, "root-without-mfa")) {
		json_array_foreach(jsonx_dig(plan, "estate.companies"), i, co) {
			if (!role_matches_id(g->in, role, jsonx_str(co, "company")))
				continue;
			json_array_foreach(jsonx_dig(co, "identity.root_accounts"), j, r) {
				if (!json_is_true(json_object_get(r, "mfa")))
					rc = add_fact(facts, count, "%s: the root user of account %s has no MFA",
						      jsonx_str(co, "company"), jsonx_str(r, "account"));
			}
		}
	} else if (!strcmp(fact, "logging-gaps")) {
		json_array_foreach(jsonx_dig(plan, "estate.companies"), i, co) {
			long long accts = jsonx_int(json_object_get(co, "logging"), "aws_accounts", 0);
			long long trail = jsonx_int(json_object_get(co, "logging"), "accounts_with_trail", 0);
			long long known = jsonx_int(json_object_get(co, "logging"), "clusters_audit_known", 0);
			long long audit = jsonx_int(json_object_get(co, "logging"), "clusters_with_audit", 0);

			if (!role_matches_id(g->in, role, jsonx_str(co, "company")))
				continue;
			if (trail < accts)
				rc = add_fact(facts, count, "%s: no logging multi-region CloudTrail in %lld of %lld AWS accounts",
					      jsonx_str(co, "company"), accts - trail, accts);
			if (rc == 0 && audit < known)
				rc = add_fact(facts, count, "%s: no audit logs on %lld of %lld clusters",
					      jsonx_str(co, "company"), known - audit, known);
		}
	}
	return rc < 0 ? err_set(ERR_NOMEM, "out of memory") : 0;
}

static json_t *eval_gate(const struct gctx *g, const struct checklist_gate *gt)
{
	json_t *ids = json_array(), *facts = json_array(), *f, *sel, *fa, *o;
	long long nf = 0, nfacts = 0;
	size_t i, j;

	if (!ids || !facts)
		goto fail;
	json_array_foreach(g->in->findings, i, f) {
		if (!cons_finding_counts(f))
			continue;
		json_array_foreach(gt->findings, j, sel) {
			if (selector_matches(g, sel, f)) {
				nf++;
				if (json_array_size(ids) < CONS_MAX_LIST)
					json_array_append_new(ids, json_string(jsonx_strz(f, "id")));
				break;
			}
		}
	}
	json_array_foreach(gt->facts, i, fa) {
		if (eval_fact(g, jsonx_str(fa, "fact"), jsonx_str(fa, "company"), facts, &nfacts) < 0)
			goto fail;
	}
	o = json_pack("{s:s, s:s, s:b, s:o, s:I, s:o, s:I}", "id", gt->id, "title", gt->title, "blocking",
		      nf + nfacts > 0, "findings", ids, "finding_count", (json_int_t)nf, "facts", facts, "fact_count",
		      (json_int_t)nfacts);
	return o;
fail:
	json_decref(ids);
	json_decref(facts);
	return NULL;
}

int cons_checklist(const struct cons_input *in, const json_t *plan, json_t **out)
{
	struct checklist *cl = NULL;
	struct gctx g = { in, plan, json_object() };
	json_t *gates = json_array(), *items = json_array(), *it, *list;
	const char **status = NULL;
	long long counts[3] = { 0, 0, 0 };
	size_t i, k, n;
	int rc;

	*out = NULL;
	if ((rc = checklist_load(&cl, in->templates)) < 0)
		goto cleanup;
	status = calloc(cl->nitems + 1, sizeof(*status));
	if (!g.facing || !gates || !items || !status) {
		rc = err_set(ERR_NOMEM, "out of memory");
		goto cleanup;
	}
	for (i = 0; i < in->nedges; i++) {
		char id[32];

		if (strcmp(in->edges[i].kind, "faces-internet"))
			continue;
		snprintf(id, sizeof(id), "%lld", (long long)in->edges[i].from);
		json_object_set_new(g.facing, id, json_true());
	}
	for (i = 0; i < cl->ngates; i++) {
		json_t *gj = eval_gate(&g, &cl->gates[i]);

		if (!gj || json_array_append_new(gates, gj) < 0) {
			rc = err_set(ERR_NOMEM, "out of memory");
			goto cleanup;
		}
	}
	/* In order, so every dependency's status is known when an item is judged. */
	for (n = 0; n < cl->nitems; n++) {
		const struct checklist_item *ci = &cl->items[cl->order[n]];
		json_t *deps = json_array(), *gl = json_array(), *blocked = json_array(), *waiting = json_array();

		for (k = 0; k < ci->ndeps; k++) {
			size_t d = ci->deps[k];

			json_array_append_new(deps, json_string(cl->items[d].id));
			if (strcmp(status[d], "ready"))
				json_array_append_new(waiting, json_string(cl->items[d].id));
		}
		for (k = 0; k < ci->ngates; k++) {
			json_t *gj = json_array_get(gates, ci->gates[k]);

			json_array_append_new(gl, json_string(cl->gates[ci->gates[k]].id));
			if (json_is_true(json_object_get(gj, "blocking")))
				json_array_append_new(blocked, json_string(cl->gates[ci->gates[k]].id));
		}
		status[cl->order[n]] = json_array_size(blocked) ? "blocked" : json_array_size(waiting) ? "waiting" : "ready";
		counts[!strcmp(status[cl->order[n]], "ready") ? 0 : !strcmp(status[cl->order[n]], "blocked") ? 1 : 2]++;
		it = json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:o, s:o, s:s, s:o, s:o}", "order", (json_int_t)(n + 1), "id",
			       ci->id, "title", ci->title, "phase", checklist_phase_ids[ci->phase], "phase_title",
			       checklist_phase_titles[ci->phase], "owner", ci->owner, "depends_on", deps, "gates", gl,
			       "status", status[cl->order[n]], "blocked_by", blocked, "waiting_on", waiting);
		if (!it) {
			rc = err_set(ERR_NOMEM, "out of memory");
			goto cleanup;
		}
		jsonx_set_str(it, "description", ci->description);
		/* The findings that hold it back, once each, in id order. */
		list = json_array();
		for (k = 0; k < ci->ngates; k++) {
			json_t *gj = json_array_get(gates, ci->gates[k]), *fid;
			size_t m;

			if (!json_is_true(json_object_get(gj, "blocking")))
				continue;
			json_array_foreach(json_object_get(gj, "findings"), m, fid) {
				cons_set_add(list, json_string_value(fid));
			}
		}
		json_object_set_new(it, "blocking_findings", list);
		json_array_append_new(items, it);
	}
	*out = json_pack("{s:{s:I, s:I, s:I, s:I}, s:O, s:O}", "summary", "items", (json_int_t)cl->nitems, "ready",
			 (json_int_t)counts[0], "blocked", (json_int_t)counts[1], "waiting", (json_int_t)counts[2], "gates",
			 gates, "items", items);
	if (!*out)
		rc = err_set(ERR_NOMEM, "out of memory");
cleanup:
	free(status);
	checklist_free(cl);
	json_decref(g.facing);
	json_decref(gates);
	json_decref(items);
	return rc;
}
