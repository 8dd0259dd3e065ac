/*
 * The overlap and gap matrix of the tool inventory, and a recommendation per
 * category: which tool to keep and why (coverage, findings, footprint), what
 * to retire or mirror, and the saving where costs are given.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "consolidate_tools_int.h"
#include "core/err.h"
#include "core/finding.h"
#include "core/jsonx.h"

/* critical 10, high 5, medium 2, low 1: what the findings weigh when two tools compete. */
static long long findings_weight(const long long *sev)
{
	return 10 * sev[5] + 5 * sev[4] + 2 * sev[3] + sev[2];
}

struct cand {
	size_t tool;
	long long seen, total;  /* coverage units of the category's basis */
	long long weight, open, footprint, workloads, clusters, accounts;
	long long sev[6];
	json_t *companies;       /* company ids using it */
};

static const char *plural(long long n)
{
	return n == 1 ? "" : "s";
}

static long long basis_count(const struct tctx *t, unsigned basis, int co, size_t tool)
{
	const struct hit *h = tool == (size_t)-1 ? NULL : &t->hits[(size_t)co * t->ntools + tool];
	long long n = 0;

	if (h && !h->seen)
		return 0;
	if (basis & TOOL_COV_CLUSTERS)
		n += (long long)json_object_size(h ? h->clusters : t->units[co].clusters);
	if (basis & TOOL_COV_ACCOUNTS)
		n += (long long)json_object_size(h ? h->accounts : t->units[co].accounts);
	if (basis & TOOL_COV_IMAGES)
		n += (long long)json_object_size(h ? h->images : t->units[co].images);
	return n;
}

static const char *basis_word(unsigned basis)
{
	return basis == TOOL_COV_CLUSTERS   ? "clusters"
	       : basis == TOOL_COV_ACCOUNTS ? "accounts"
	       : basis == TOOL_COV_IMAGES   ? "image repositories"
					    : "clusters and accounts";
}

/* Better first: more coverage, then fewer weighted findings, then bigger footprint, then id. */
static int cand_better(const struct tool_sigs *sigs, const struct cand *a, const struct cand *b, const char **why)
{
	/* Compare seen/total as fractions exactly: the totals are the same for every candidate. */
	if (a->seen != b->seen) {
		*why = "coverage";
		return a->seen > b->seen;
	}
	if (a->weight != b->weight) {
		*why = "findings";
		return a->weight < b->weight;
	}
	if (a->footprint != b->footprint) {
		*why = "footprint";
		return a->footprint > b->footprint;
	}
	*why = "a tie, broken by name";
	return strcmp(tool_sigs_tool(sigs, a->tool)->id, tool_sigs_tool(sigs, b->tool)->id) < 0;
}

static void sev_text(struct strbuf *sb, const long long *sev, long long open)
{
	int r, first = 1;

	if (!open) {
		strbuf_addstr(sb, "none open");
		return;
	}
	strbuf_addf(sb, "%lld open (", open);
	for (r = 5; r >= 0; r--)
		if (sev[r]) {
			strbuf_addf(sb, "%s%lld %s", first ? "" : ", ", sev[r], severity_names[r]);
			first = 0;
		}
	strbuf_addch(sb, ')');
}

static const double *cost_of(const struct cons_input *in, const char *company, const char *tool, double *buf)
{
	json_t *c;
	size_t i;

	json_array_foreach(json_object_get(json_object_get(in->eng->doc, "consolidation"), "tool_costs"), i, c) {
		if (!strcmp(jsonx_strz(c, "company"), company) && !strcmp(jsonx_strz(c, "tool"), tool)) {
			*buf = jsonx_num(c, "annual", 0);
			return buf;
		}
	}
	return NULL;
}

static json_t *cand_json(const struct tctx *t, const struct cand *c)
{
	const struct tool_def *d = tool_sigs_tool(t->sigs, c->tool);
	json_t *o = json_pack("{s:s, s:s, s:I, s:I, s:I, s:I, s:I, s:I, s:O}", "tool", d->id, "name", d->name, "seen",
			      (json_int_t)c->seen, "units", (json_int_t)c->total, "findings_open", (json_int_t)c->open,
			      "findings_weight", (json_int_t)c->weight, "footprint", (json_int_t)c->footprint,
			      "workloads", (json_int_t)c->workloads, "companies", c->companies);

	if (o)
		json_object_set_new(o, "coverage",
				    c->total ? json_real(floor((double)c->seen / (double)c->total * 1000 + 0.5) / 1000)
					     : json_null());
	return o;
}

static int recommend(const struct tctx *t, size_t cat, struct cand *cands, size_t n, json_t *row, json_t *saving)
{
	const struct tool_category *tc = tool_sigs_category(t->sigs, cat);
	const struct cons_input *in = t->in;
	struct strbuf text = STRBUF_INIT, reason = STRBUF_INIT;
	json_t *rec = json_object(), *reasons = json_array(), *retire = json_array(), *mirror = json_array();
	json_t *cj = json_array(), *x;
	const char *why = NULL, *state = jsonx_str(row, "state");
	size_t i, j, keep = n, priv = 0;
	double total = 0, cost;
	int rc = 0;

	if (!rec || !reasons || !retire || !mirror || !cj) {
		rc = err_set(ERR_NOMEM, "out of memory");
		goto cleanup;
	}
	for (i = 0; i < n; i++) {
		if (tool_sigs_tool(t->sigs, cands[i].tool)->public_registry)
			continue;
		priv++;
		if (keep == n || cand_better(t->sigs, &cands[i], &cands[keep], &why))
			keep = i;
	}
	/* The reason the kept tool won: what sets it apart from the runner-up. */
	why = NULL;
	if (keep < n) {
		size_t second = n;

		for (i = 0; i < n; i++) {
			if (i == keep || tool_sigs_tool(t->sigs, cands[i].tool)->public_registry)
				continue;
			if (second == n || cand_better(t->sigs, &cands[i], &cands[second], &why))
				second = i;
		}
		why = NULL;
		if (second < n)
			cand_better(t->sigs, &cands[keep], &cands[second], &why);
	}
	json_object_set_new(rec, "category", json_string(tc->id));
	json_object_set_new(rec, "title", json_string(tc->title));
	for (i = 0; i < n; i++)
		json_array_append_new(cj, cand_json(t, &cands[i]));
	if (n) {
		strbuf_addstr(&reason, "coverage: ");
		for (i = 0; i < n; i++) {
			const struct tool_def *d = tool_sigs_tool(t->sigs, cands[i].tool);

			if (cands[i].total)
				strbuf_addf(&reason, "%s%s in %lld of %lld %s (%.0f%%)", i ? "; " : "", d->name, cands[i].seen,
					    cands[i].total, basis_word(tc->coverage),
					    100.0 * (double)cands[i].seen / (double)cands[i].total);
			else
				strbuf_addf(&reason, "%s%s: no %s collected", i ? "; " : "", d->name, basis_word(tc->coverage));
		}
		json_array_append_new(reasons, json_string(reason.buf));
		strbuf_reset(&reason);
		strbuf_addstr(&reason, "findings on their components: ");
		for (i = 0; i < n; i++) {
			strbuf_addf(&reason, "%s%s ", i ? "; " : "", tool_sigs_tool(t->sigs, cands[i].tool)->name);
			sev_text(&reason, cands[i].sev, cands[i].open);
		}
		json_array_append_new(reasons, json_string(reason.buf));
		strbuf_reset(&reason);
		strbuf_addstr(&reason, "footprint: ");
		for (i = 0; i < n; i++)
			strbuf_addf(&reason, "%s%s %lld asset%s (%lld workload%s, %lld cluster%s, %lld account%s)", i ? "; " : "",
				    tool_sigs_tool(t->sigs, cands[i].tool)->name, cands[i].footprint, plural(cands[i].footprint),
				    cands[i].workloads, plural(cands[i].workloads), cands[i].clusters, plural(cands[i].clusters),
				    cands[i].accounts, plural(cands[i].accounts));
		json_array_append_new(reasons, json_string(reason.buf));
	}
	if (keep < n) {
		const struct tool_def *kd = tool_sigs_tool(t->sigs, cands[keep].tool);

		json_object_set_new(rec, "keep", json_string(kd->id));
		json_object_set_new(rec, "keep_name", json_string(kd->name));
		if (why && priv > 1)
			json_object_set_new(rec, "decided_by", json_string(why));
	} else {
		json_object_set_new(rec, "keep", json_null());
	}
	for (i = 0; i < n; i++) {
		const struct tool_def *d = tool_sigs_tool(t->sigs, cands[i].tool);
		json_t *co;

		if (i == keep)
			continue;
		json_array_foreach(cands[i].companies, j, co) {
			const double *c = cost_of(in, json_string_value(co), d->id, &cost);
			json_t *e = json_pack("{s:s, s:s, s:s}", "tool", d->id, "name", d->name, "company",
					      json_string_value(co));

			if (!e) {
				rc = err_set(ERR_NOMEM, "out of memory");
				goto cleanup;
			}
			if (d->public_registry) {
				json_array_append_new(mirror, e);
				continue;
			}
			/* Money in whole units of the engagement's currency. */
			json_object_set_new(e, "annual_cost", c ? json_integer((json_int_t)llround(*c)) : json_null());
			if (c)
				total += (double)llround(*c);
			json_array_append_new(c ? json_object_get(saving, "priced") : json_object_get(saving, "unpriced"),
					      json_pack("{s:s, s:s, s:s, s:O}", "category", tc->id, "company",
							json_string_value(co), "tool", d->id, "annual_cost",
							json_object_get(e, "annual_cost")));
			json_array_append_new(retire, e);
		}
	}
	/* The action and its one-line text. */
	if (!n) {
		json_object_set_new(rec, "action", json_string("select"));
		strbuf_addf(&text, "No %s in any estate: choose one for the combined estate.", tc->title);
	} else if (keep == n) {
		json_object_set_new(rec, "action", json_string("select"));
		strbuf_addf(&text, "Images come only from public registries: choose a private registry and pull the "
				   "public images through it.");
	} else if (!strcmp(state, "aligned")) {
		json_object_set_new(rec, "action", json_string("keep"));
		strbuf_addf(&text, "Every company uses %s: keep it.", jsonx_str(rec, "keep_name"));
	} else if (!json_array_size(retire)) {
		json_object_set_new(rec, "action", json_string("extend"));
		strbuf_addf(&text, "Keep %s and extend it to", jsonx_str(rec, "keep_name"));
		json_array_foreach(json_object_get(row, "gaps"), i, x) {
			strbuf_addf(&text, "%s %s", i ? "," : "", json_string_value(x));
		}
		strbuf_addstr(&text, json_array_size(json_object_get(row, "gaps")) ? "." : " the whole estate.");
	} else {
		json_object_set_new(rec, "action", json_string("consolidate"));
		strbuf_addf(&text, "Keep %s; retire", jsonx_str(rec, "keep_name"));
		json_array_foreach(retire, i, x) {
			const struct company *co = engagement_company(in->eng, jsonx_str(x, "company"));

			/* The board reads company names; the id stays in "retire" for the machines. */
			strbuf_addf(&text, "%s %s (%s)", i ? "," : "", jsonx_str(x, "name"),
				    co && co->name ? co->name : jsonx_str(x, "company"));
		}
		strbuf_addf(&text, " once %s covers what they cover.", jsonx_str(rec, "keep_name"));
	}
	if (json_array_size(mirror))
		strbuf_addf(&text, " Pull images from public registries through %s.",
			    keep < n ? jsonx_str(rec, "keep_name") : "it");
	json_object_set_new(rec, "text", json_string(text.buf));
	json_object_set_new(rec, "candidates", cj);
	cj = NULL;
	json_object_set_new(rec, "reasons", reasons);
	json_object_set_new(rec, "retire", retire);
	json_object_set_new(rec, "mirror", mirror);
	json_object_set_new(rec, "saving", json_integer((json_int_t)total));
	reasons = retire = mirror = NULL;
	json_object_set_new(row, "recommendation", rec);
	rec = NULL;
	json_object_set_new(saving, "total", json_integer(jsonx_int(saving, "total", 0) + (json_int_t)total));
cleanup:
	json_decref(rec);
	json_decref(reasons);
	json_decref(retire);
	json_decref(mirror);
	json_decref(cj);
	strbuf_release(&text);
	strbuf_release(&reason);
	return rc;
}

int cons_tools_category_row(struct tctx *t, size_t cat, json_t *matrix, json_t *saving)
{
	const struct tool_category *tc = tool_sigs_category(t->sigs, cat);
	const struct engagement *eng = t->in->eng;
	size_t ncos = eng->ncompanies, i, k, n = 0, distinct_private = 0, distinct = 0;
	struct cand *cands = calloc(t->ntools + 1, sizeof(*cands));
	json_t *row = NULL, *cos = json_array(), *gaps = json_array(), *basis = json_array();
	const char *state;
	int rc = 0;

	if (!cands || !cos || !gaps || !basis) {
		rc = err_set(ERR_NOMEM, "out of memory");
		goto cleanup;
	}
	for (k = 0; k < t->ntools; k++) {
		struct cand *c = &cands[n];

		if (tool_sigs_tool(t->sigs, k)->category != cat)
			continue;
		memset(c, 0, sizeof(*c));
		c->tool = k;
		for (i = 0; i < ncos; i++) {
			const struct hit *h = &t->hits[i * t->ntools + k];
			int r;

			c->total += basis_count(t, tc->coverage, (int)i, (size_t)-1);
			if (!h->seen)
				continue;
			if (!c->companies && !(c->companies = json_array())) {
				rc = err_set(ERR_NOMEM, "out of memory");
				goto cleanup;
			}
			json_array_append_new(c->companies, json_string(eng->companies[i].id));
			c->seen += basis_count(t, tc->coverage, (int)i, k);
			for (r = 0; r < 6; r++) {
				c->sev[r] += h->sev[r];
				c->open += h->sev[r];
			}
			c->footprint += (long long)json_object_size(h->assets);
			c->workloads += (long long)json_object_size(h->workloads);
			c->clusters += (long long)json_object_size(h->clusters);
			c->accounts += (long long)json_object_size(h->accounts);
		}
		if (!c->companies)
			continue;
		c->weight = findings_weight(c->sev);
		distinct++;
		if (!tool_sigs_tool(t->sigs, k)->public_registry)
			distinct_private++;
		n++;
	}
	for (i = 0; i < ncos; i++) {
		json_t *list = json_array();

		for (k = 0; k < t->ntools; k++)
			if (tool_sigs_tool(t->sigs, k)->category == cat && t->hits[i * t->ntools + k].seen)
				json_array_append_new(list, json_string(tool_sigs_tool(t->sigs, k)->id));
		if (!json_array_size(list))
			json_array_append_new(gaps, json_string(eng->companies[i].id));
		json_array_append_new(cos, json_pack("{s:s, s:o}", "company", eng->companies[i].id, "tools", list));
	}
	if (distinct_private)
		distinct = distinct_private;
	state = !distinct ? "none" : distinct > 1 ? "overlap" : json_array_size(gaps) ? "gap" : "aligned";
	if (tc->coverage & TOOL_COV_CLUSTERS)
		json_array_append_new(basis, json_string("clusters"));
	if (tc->coverage & TOOL_COV_ACCOUNTS)
		json_array_append_new(basis, json_string("accounts"));
	if (tc->coverage & TOOL_COV_IMAGES)
		json_array_append_new(basis, json_string("image-repositories"));
	row = json_pack("{s:s, s:s, s:s, s:o, s:o, s:o}", "category", tc->id, "title", tc->title, "state", state,
			"coverage_basis", basis, "companies", cos, "gaps", gaps);
	basis = cos = gaps = NULL;
	if (!row) {
		rc = err_set(ERR_NOMEM, "out of memory");
		goto cleanup;
	}
	if ((rc = recommend(t, cat, cands, n, row, saving)) < 0)
		goto cleanup;
	rc = json_array_append(matrix, row) < 0 ? err_set(ERR_NOMEM, "out of memory") : 0;
cleanup:
	for (k = 0; cands && k < t->ntools; k++)
		json_decref(cands[k].companies);
	free(cands);
	json_decref(row);
	json_decref(cos);
	json_decref(gaps);
	json_decref(basis);
	return rc;
}
