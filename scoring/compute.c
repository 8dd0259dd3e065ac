#include "score.h"

#include <string.h>

#include "core/err.h"
#include "core/jsonx.h"
#include "score_int.h"

/* Who, when and why, for the manual findings and overrides of a company. */
static json_t *manual_json(const struct sc_state *s, int ci)
{
	json_t *findings = json_array(), *overrides = json_array(), *m, *o;
	size_t i;

	for (i = 0; findings && overrides && i < s->nfs; i++) {
		const struct sc_finding *x = &s->fs[i];

		if (x->company_idx != ci)
			continue;
		if ((m = json_object_get(x->f, "manual")) != NULL)
			json_array_append_new(findings, json_pack("{s:s, s:s, s:s, s:s, s:s, s:s}", "id", x->id, "title",
								  jsonx_strz(x->f, "title"), "status",
								  jsonx_strz(x->f, "status"), "by", jsonx_strz(m, "by"),
								  "date", jsonx_strz(m, "date"), "basis",
								  jsonx_strz(m, "basis")));
		if ((o = json_object_get(x->f, "override")) != NULL)
			json_array_append_new(overrides, json_pack("{s:s, s:s, s:s, s:s, s:s, s:s}", "finding", x->id,
								   "title", jsonx_strz(x->f, "title"), "status",
								   jsonx_strz(x->f, "status"), "by", jsonx_strz(o, "by"),
								   "date", jsonx_strz(o, "date"), "reason",
								   jsonx_strz(o, "reason")));
	}
	return json_pack("{s:o, s:o}", "findings", findings, "overrides", overrides);
}

/* Mark the findings whose remediation group is recommended. */
static void mark_recommended(struct sc_state *s, int ci, const json_t *remediation)
{
	const json_t *groups = json_object_get(remediation, "groups"), *g;
	json_t *rec = json_object();
	size_t i;

	json_array_foreach(groups, i, g)
		if (rec && json_is_true(json_object_get(g, "recommended")))
			json_object_set_new(rec, jsonx_strz(g, "id"), json_true());
	for (i = 0; i < s->nfs; i++)
		if (s->fs[i].counted && s->fs[i].company_idx == ci)
			s->fs[i].recommended = json_object_get(rec, s->fs[i].group) != NULL;
	json_decref(rec);
}

static int company_scores(struct sc_state *s, int ci, json_t **out)
{
	const struct sc_company *c = &s->m->co[ci];
	json_t *o, *v = NULL, *rem = NULL;
	int rc;

	*out = NULL;
	o = json_pack("{s:s, s:s, s:s}", "company", c->id, "name", c->name, "role", c->role);
	if (!o)
		return err_set(ERR_NOMEM, "out of memory");
	/* Red flags first: they raise priorities, which decide the recommended fixes. */
	if ((rc = deal_red_flags(s, ci, &v)) < 0)
		goto cleanup;
	json_object_set_new(o, "red_flags", v);
	if ((rc = issues_build(s, ci, &v, &rem)) < 0)
		goto cleanup;
	json_object_set_new(o, "issues", v);
	json_object_set(o, "remediation", rem);
	mark_recommended(s, ci, rem);
	if ((rc = rating_company(s, ci, o)) < 0 || (rc = compliance_company(s, ci, &v)) < 0)
		goto cleanup;
	json_object_set_new(o, "compliance", v);
	if ((rc = money_loss(s, ci, &v)) < 0)
		goto cleanup;
	json_object_set_new(o, "loss", v);
	if (!(v = manual_json(s, ci))) {
		rc = err_set(ERR_NOMEM, "out of memory");
		goto cleanup;
	}
	json_object_set_new(o, "manual", v);
	*out = o;
	o = NULL;
cleanup:
	json_decref(rem);
	json_decref(o);
	return rc;
}

int score_compute(struct sc_model *m, const struct score_config *cfg, json_t **out)
{
	struct sc_state s = { m, cfg, NULL, 0 };
	json_t *companies = json_array(), *co, *deal = NULL, *cmp = NULL;
	size_t i;
	int rc;

	*out = NULL;
	if (!companies)
		return err_set(ERR_NOMEM, "out of memory");
	if ((rc = graph_analyse(m, cfg)) < 0 || (rc = risk_assess(&s)) < 0)
		goto cleanup;
	for (i = 0; i < m->nco; i++) {
		if ((rc = company_scores(&s, (int)i, &co)) < 0)
			goto cleanup;
		json_array_append_new(companies, co);
	}
	if ((rc = risk_annotate(&s)) < 0 || (rc = deal_view(&s, companies, &deal, &cmp)) < 0)
		goto cleanup;
	*out = json_pack("{s:s, s:O, s:O, s:o, s:o}", "schema", "vetter.scores/1", "parameters", cfg->params,
			 "companies", companies, "deal", deal, "comparison", cmp);
	deal = cmp = NULL;
	if (!*out)
		rc = err_set(ERR_NOMEM, "out of memory");
cleanup:
	json_decref(companies);
	json_decref(deal);
	json_decref(cmp);
	risk_release(&s);
	return rc;
}
