/*
 * The tool inventory of each company, the overlap and gap matrix by
 * category, and a recommendation per category (docs/consolidation.md).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "consolidate_int.h"
#include "core/err.h"
#include "core/finding.h"
#include "core/jsonx.h"
#include "core/util.h"
#include "scan/imageref.h"
#include "tools.h"

/* What one company shows of one tool. */
struct hit {
	int seen;
	json_t *evidence;   /* [{signal, pattern, value, asset}] capped */
	long long nevidence;
	json_t *clusters, *accounts, *images, *workloads, *namespaces; /* sets: object key -> true */
	json_t *assets;     /* "kind\037key" -> true: what findings count against */
	long long sev[6];   /* open findings by severity rank */
};

struct units {
	json_t *clusters, *accounts, *images; /* sets, keys "CO\037..." */
};

struct tctx {
	const struct cons_input *in;
	const struct tool_sigs *sigs;
	struct hit *hits;   /* [company * ntools + tool] */
	size_t ntools;
	struct units *units; /* per company */
	/* the observation being matched */
	int co;
	const struct cons_asset *asset;
	const char *value;
	const char *cluster;
	const json_t *clusters;
	const char *account;
	const char *image_unit;
	json_t *nsmap;      /* "CO\037cluster\037ns" -> [tool indices] */
};

static int set_add(json_t *set, const char *k)
{
	if (!k || !*k)
		return 0;
	return json_object_set_new(set, k, json_true()) < 0 ? err_set(ERR_NOMEM, "out of memory") : 0;
}

/* Sorted keys of a set, capped, as a JSON array; prefix (like "0\037") is dropped from each. */
static json_t *set_list(const json_t *set, int strip_company)
{
	json_t *arr = json_array(), *v;
	const char *k;

	if (!arr)
		return NULL;
	json_object_foreach((json_t *)set, k, v) {
		const char *p = strip_company ? strchr(k, '\037') : NULL;

		(void)v;
		cons_set_add(arr, p ? p + 1 : k);
	}
	return arr;
}

static int qualify(struct strbuf *sb, int co, const char *a, const char *b)
{
	strbuf_reset(sb);
	return b ? strbuf_addf(sb, "%d\037%s\037%s", co, a, b) : strbuf_addf(sb, "%d\037%s", co, a);
}

static int on_match(void *vctx, size_t tool, enum tool_signal kind, const char *pattern)
{
	struct tctx *t = vctx;
	struct hit *h = &t->hits[(size_t)t->co * t->ntools + tool];
	struct strbuf k = STRBUF_INIT;
	json_t *v;
	size_t i;
	int rc = 0;

	if (!h->seen) {
		h->seen = 1;
		h->evidence = json_array();
		h->clusters = json_object();
		h->accounts = json_object();
		h->images = json_object();
		h->workloads = json_object();
		h->namespaces = json_object();
		h->assets = json_object();
		if (!h->evidence || !h->clusters || !h->accounts || !h->images || !h->workloads || !h->namespaces ||
		    !h->assets)
			return err_set(ERR_NOMEM, "out of memory");
	}
	h->nevidence++;
	if (json_array_size(h->evidence) < CONS_MAX_LIST) {
		struct strbuf val = STRBUF_INIT;

		cons_text(&val, t->value, 300);
		v = json_pack("{s:s, s:s, s:s, s:{s:s, s:s}}", "signal", tool_signal_names[kind], "pattern", pattern,
			      "value", val.buf, "asset", "kind", t->asset->kind, "key", t->asset->key);
		strbuf_release(&val);
		if (!v || json_array_append_new(h->evidence, v) < 0)
			return err_set(ERR_NOMEM, "out of memory");
	}
	qualify(&k, t->co, t->asset->kind, t->asset->key);
	rc = set_add(h->assets, k.buf);
	/* Units a tool is seen in are units of the estate, even when no asset stands for them. */
	if (rc == 0 && t->cluster) {
		qualify(&k, t->co, t->cluster, NULL);
		if ((rc = set_add(h->clusters, k.buf)) == 0)
			rc = set_add(t->units[t->co].clusters, k.buf);
	}
	json_array_foreach(t->clusters, i, v) {
		if (rc == 0 && json_is_string(v)) {
			qualify(&k, t->co, json_string_value(v), NULL);
			if ((rc = set_add(h->clusters, k.buf)) == 0)
				rc = set_add(t->units[t->co].clusters, k.buf);
		}
	}
	if (rc == 0 && t->account) {
		qualify(&k, t->co, t->account, NULL);
		if ((rc = set_add(h->accounts, k.buf)) == 0)
			rc = set_add(t->units[t->co].accounts, k.buf);
	}
	if (rc == 0 && t->image_unit) {
		qualify(&k, t->co, t->image_unit, NULL);
		rc = set_add(h->images, k.buf);
	}
	if (rc == 0 && !strcmp(t->asset->kind, "workload")) {
		qualify(&k, t->co, t->asset->key, NULL);
		rc = set_add(h->workloads, k.buf);
	}
	if (rc == 0 && kind == TOOL_SIG_NAMESPACE && t->cluster) {
		json_t *list;

		qualify(&k, t->co, t->cluster, t->value);
		rc = set_add(h->namespaces, k.buf);
		/* Everything in the namespace belongs to the tool, for its findings. */
		if (rc == 0 && !(list = json_object_get(t->nsmap, k.buf))) {
			list = json_array();
			if (!list || json_object_set_new(t->nsmap, k.buf, list) < 0)
				rc = err_set(ERR_NOMEM, "out of memory");
		}
		if (rc == 0)
			rc = json_array_append_new(list, json_integer((json_int_t)tool)) < 0 ? ERR_NOMEM : 0;
	}
	strbuf_release(&k);
	return rc;
}

/* An image reference seen in company co: a unit for registry coverage and an observation. */
static int observe_image(struct tctx *t, const char *ref, int is_unit)
{
	struct strbuf host = STRBUF_INIT, repo = STRBUF_INIT, unit = STRBUF_INIT, k = STRBUF_INIT;
	int rc = 0;

	if (tool_image_split(ref, &host, &repo) < 0)
		goto cleanup;
	strbuf_addf(&unit, "%s/%s", host.buf, repo.buf);
	if (is_unit) {
		qualify(&k, t->co, unit.buf, NULL);
		if ((rc = set_add(t->units[t->co].images, k.buf)) < 0)
			goto cleanup;
	}
	t->value = ref;
	t->image_unit = unit.buf;
	rc = tool_sigs_match_image(t->sigs, ref, on_match, t);
	t->image_unit = NULL;
cleanup:
	strbuf_release(&host);
	strbuf_release(&repo);
	strbuf_release(&unit);
	strbuf_release(&k);
	return rc;
}

static int observe(struct tctx *t, const struct cons_asset *a)
{
	struct strbuf k = STRBUF_INIT;
	json_t *v;
	size_t i;
	int rc = 0;

	t->co = a->company;
	t->asset = a;
	t->cluster = cons_str(a->doc, "cluster");
	t->clusters = NULL;
	t->account = NULL;
	t->image_unit = NULL;
	if (!strcmp(a->kind, "cluster")) {
		qualify(&k, a->company, a->key, NULL);
		rc = set_add(t->units[a->company].clusters, k.buf);
	} else if (!strcmp(a->kind, "workload")) {
		json_array_foreach(json_object_get(a->doc, "images"), i, v) {
			if (rc == 0 && json_is_string(v))
				rc = observe_image(t, json_string_value(v), 1);
		}
		if (rc == 0 && cons_strcaseeq(cons_str(a->doc, "k8s_kind"), "DaemonSet")) {
			t->value = cons_str(a->doc, "name");
			rc = tool_sigs_match_name(t->sigs, TOOL_SIG_DAEMONSET, t->value, on_match, t);
		}
	} else if (!strcmp(a->kind, "image")) {
		t->clusters = json_object_get(a->doc, "clusters");
		rc = observe_image(t, cons_str(a->doc, "ref") ? cons_str(a->doc, "ref") : a->key, 1);
	} else if (!strcmp(a->kind, "registry-repository")) {
		const char *host = cons_str(a->doc, "host"), *repo = cons_str(a->doc, "repo");

		if (host && repo)
			strbuf_addf(&k, "registry:%s/%s", host, repo);
		else
			strbuf_addstr(&k, a->key);
		rc = observe_image(t, k.buf, 0);
	} else if (!strcmp(a->kind, "namespace")) {
		t->value = cons_str(a->doc, "name") ? cons_str(a->doc, "name") : a->name;
		rc = tool_sigs_match_name(t->sigs, TOOL_SIG_NAMESPACE, t->value, on_match, t);
	} else if (!strcmp(a->kind, "crd")) {
		const char *group = cons_str(a->doc, "object.spec.group");
		const char *name = cons_str(a->doc, "name") ? cons_str(a->doc, "name") : a->name;

		if (!group && name && strchr(name, '.'))
			group = strchr(name, '.') + 1;
		t->value = group;
		rc = tool_sigs_match_name(t->sigs, TOOL_SIG_CRD_GROUP, group, on_match, t);
	} else if (!cons_is_k8s_kind(a->kind)) {
		t->account = cons_account_of(a);
		if (t->account) {
			qualify(&k, a->company, t->account, NULL);
			rc = set_add(t->units[a->company].accounts, k.buf);
		}
		t->value = cons_kind(a);
		if (rc == 0)
			rc = tool_sigs_match_cloud(t->sigs, cons_kind(a), a->doc, on_match, t);
	}
	strbuf_release(&k);
	return rc;
}

static const char *sev_name(int rank)
{
	return severity_names[rank];
}

static json_t *findings_json(const struct hit *h)
{
	json_t *o = json_object();
	long long open = 0;
	int r;

	for (r = 0; r < 6; r++) {
		json_object_set_new(o, sev_name(r), json_integer(h->sev[r]));
		open += h->sev[r];
	}
	json_object_set_new(o, "open", json_integer(open));
	return o;
}

/* critical 10, high 5, medium 2, low 1: what the findings weigh when two tools compete. */
static long long findings_weight(const long long *sev)
{
	return 10 * sev[5] + 5 * sev[4] + 2 * sev[3] + sev[2];
}

static int tally_findings(struct tctx *t)
{
	struct strbuf k = STRBUF_INIT;
	json_t *f, *asset;
	size_t i, j;
	int co, rank;

	json_array_foreach(t->in->findings, i, f) {
		if (!cons_finding_counts(f))
			continue;
		co = cons_company_index(t->in, jsonx_str(f, "company"));
		asset = json_object_get(f, "asset");
		if (co < 0 || !jsonx_str(asset, "kind") || !jsonx_str(asset, "key"))
			continue;
		qualify(&k, co, jsonx_str(asset, "kind"), jsonx_str(asset, "key"));
		rank = severity_rank(jsonx_strz(f, "severity"));
		if (rank < 0)
			rank = 0;
		for (j = 0; j < t->ntools; j++) {
			struct hit *h = &t->hits[(size_t)co * t->ntools + j];

			if (h->seen && json_object_get(h->assets, k.buf))
				h->sev[rank]++;
		}
	}
	strbuf_release(&k);
	return 0;
}

/* A workload's findings include those of the images it runs (image assets keyed by the normalised reference). */
static int expand_workloads(struct tctx *t)
{
	struct strbuf k = STRBUF_INIT, ref = STRBUF_INIT;
	struct image_ref parsed;
	json_t *img;
	size_t i, j, n;
	int rc = 0;

	for (i = 0; i < t->in->nassets && rc == 0; i++) {
		const struct cons_asset *a = &t->in->assets[i];

		if (a->company < 0 || strcmp(a->kind, "workload"))
			continue;
		qualify(&k, a->company, a->kind, a->key);
		for (n = 0; n < t->ntools && rc == 0; n++) {
			struct hit *h = &t->hits[(size_t)a->company * t->ntools + n];

			if (!h->seen || !json_object_get(h->assets, k.buf))
				continue;
			json_array_foreach(json_object_get(a->doc, "images"), j, img) {
				if (!json_is_string(img))
					continue;
				strbuf_reset(&ref);
				strbuf_addf(&ref, "registry:%s",
					    util_has_prefix(json_string_value(img), "registry:") ? json_string_value(img) + 9
												  : json_string_value(img));
				memset(&parsed, 0, sizeof(parsed));
				if (image_ref_parse(&parsed, ref.buf) == 0) {
					struct strbuf ik = STRBUF_INIT;

					qualify(&ik, a->company, "image", parsed.text);
					rc = set_add(h->assets, ik.buf);
					strbuf_release(&ik);
				}
				image_ref_release(&parsed);
				if (rc < 0)
					break;
			}
		}
	}
	err_clear();
	strbuf_release(&k);
	strbuf_release(&ref);
	return rc;
}

/* Namespace matches: every asset in such a namespace is the tool's. */
static int expand_namespaces(struct tctx *t)
{
	struct strbuf k = STRBUF_INIT;
	json_t *list, *v;
	size_t i, j;
	int rc = 0;

	for (i = 0; i < t->in->nassets && rc == 0; i++) {
		const struct cons_asset *a = &t->in->assets[i];
		const char *cl = cons_str(a->doc, "cluster"), *ns = cons_str(a->doc, "namespace");

		if (a->company < 0 || !cl || !ns)
			continue;
		qualify(&k, a->company, cl, ns);
		if (!(list = json_object_get(t->nsmap, k.buf)))
			continue;
		json_array_foreach(list, j, v) {
			struct hit *h = &t->hits[(size_t)a->company * t->ntools + (size_t)json_integer_value(v)];

			qualify(&k, a->company, a->kind, a->key);
			if ((rc = set_add(h->assets, k.buf)) < 0)
				break;
		}
	}
	strbuf_release(&k);
	return rc;
}


/* ---- the plan: inventory, matrix, recommendations ---- */

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
			strbuf_addf(&text, "%s %s (%s)", i ? "," : "", jsonx_str(x, "name"), jsonx_str(x, "company"));
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

static json_t *hit_json(const struct tctx *t, size_t tool, const struct hit *h)
{
	const struct tool_def *d = tool_sigs_tool(t->sigs, tool);
	json_t *o;

	o = json_pack("{s:s, s:s, s:s, s:s, s:O, s:I, s:o, s:o, s:{s:I, s:I, s:I, s:I, s:I, s:I}, s:o}", "id", d->id,
		      "name", d->name, "vendor", d->vendor, "category", tool_sigs_category(t->sigs, d->category)->id,
		      "evidence", h->evidence, "evidence_count", (json_int_t)h->nevidence, "clusters",
		      set_list(h->clusters, 1), "accounts", set_list(h->accounts, 1), "footprint", "assets",
		      (json_int_t)json_object_size(h->assets), "workloads", (json_int_t)json_object_size(h->workloads),
		      "clusters", (json_int_t)json_object_size(h->clusters), "accounts",
		      (json_int_t)json_object_size(h->accounts), "namespaces", (json_int_t)json_object_size(h->namespaces),
		      "image_repositories", (json_int_t)json_object_size(h->images), "findings", findings_json(h));
	return o;
}

static void hits_release(struct tctx *t, size_t ncos)
{
	size_t i;

	for (i = 0; t->hits && i < ncos * t->ntools; i++) {
		struct hit *h = &t->hits[i];

		json_decref(h->evidence);
		json_decref(h->clusters);
		json_decref(h->accounts);
		json_decref(h->images);
		json_decref(h->workloads);
		json_decref(h->namespaces);
		json_decref(h->assets);
	}
	for (i = 0; t->units && i < ncos; i++) {
		json_decref(t->units[i].clusters);
		json_decref(t->units[i].accounts);
		json_decref(t->units[i].images);
	}
	free(t->hits);
	free(t->units);
	json_decref(t->nsmap);
}

static int category_row(struct tctx *t, size_t cat, json_t *matrix, json_t *saving)
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

int cons_tools(const struct cons_input *in, json_t **out)
{
	size_t ncos = in->eng->ncompanies, i, k;
	struct tool_sigs *sigs = NULL;
	struct tctx t;
	json_t *res = NULL, *inventory = NULL, *matrix = NULL, *saving = NULL;
	int rc;

	memset(&t, 0, sizeof(t));
	*out = NULL;
	if ((rc = tool_sigs_load(&sigs, in->templates)) < 0)
		return rc;
	t.in = in;
	t.sigs = sigs;
	t.ntools = tool_sigs_ntools(sigs);
	t.hits = calloc(ncos * t.ntools + 1, sizeof(*t.hits));
	t.units = calloc(ncos + 1, sizeof(*t.units));
	t.nsmap = json_object();
	inventory = json_array();
	matrix = json_array();
	saving = json_pack("{s:s, s:i, s:[], s:[]}", "currency", in->eng->currency, "total", 0, "priced", "unpriced");
	if (!t.hits || !t.units || !t.nsmap || !inventory || !matrix || !saving) {
		rc = err_set(ERR_NOMEM, "out of memory");
		goto cleanup;
	}
	for (i = 0; i < ncos; i++) {
		t.units[i].clusters = json_object();
		t.units[i].accounts = json_object();
		t.units[i].images = json_object();
		if (!t.units[i].clusters || !t.units[i].accounts || !t.units[i].images) {
			rc = err_set(ERR_NOMEM, "out of memory");
			goto cleanup;
		}
	}
	for (i = 0; i < in->nassets; i++)
		if (in->assets[i].company >= 0 && (rc = observe(&t, &in->assets[i])) < 0)
			goto cleanup;
	if ((rc = expand_workloads(&t)) < 0 || (rc = expand_namespaces(&t)) < 0 || (rc = tally_findings(&t)) < 0)
		goto cleanup;
	for (i = 0; i < ncos; i++) {
		json_t *list = json_array(), *co;

		for (k = 0; k < t.ntools; k++)
			if (t.hits[i * t.ntools + k].seen)
				json_array_append_new(list, hit_json(&t, k, &t.hits[i * t.ntools + k]));
		co = json_pack("{s:s, s:{s:I, s:I, s:I}, s:o}", "company", in->eng->companies[i].id, "units", "clusters",
			       (json_int_t)json_object_size(t.units[i].clusters), "accounts",
			       (json_int_t)json_object_size(t.units[i].accounts), "image_repositories",
			       (json_int_t)json_object_size(t.units[i].images), "tools", list);
		if (!co || json_array_append_new(inventory, co) < 0) {
			rc = err_set(ERR_NOMEM, "out of memory");
			goto cleanup;
		}
	}
	for (k = 0; k < tool_sigs_ncategories(sigs); k++)
		if ((rc = category_row(&t, k, matrix, saving)) < 0)
			goto cleanup;
	res = json_pack("{s:O, s:O, s:O}", "inventory", inventory, "matrix", matrix, "saving", saving);
	if (!res) {
		rc = err_set(ERR_NOMEM, "out of memory");
		goto cleanup;
	}
	*out = res;
cleanup:
	hits_release(&t, ncos);
	tool_sigs_free(sigs);
	json_decref(inventory);
	json_decref(matrix);
	json_decref(saving);
	return rc;
}
