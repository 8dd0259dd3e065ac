/*
 * The tool inventory of each company (docs/consolidation.md): every signal
 * that matches in its store, with where each tool was seen, its footprint and
 * the open findings on it; the matrix and recommendations are built from
 * this in consolidate_recommend.c.
 */
#include <stdlib.h>
#include <string.h>

#include "consolidate_tools_int.h"
#include "core/err.h"
#include "core/finding.h"
#include "core/jsonx.h"
#include "core/util.h"
#include "scan/imageref.h"

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
	} else if (!strcmp(a->kind, "repository") || !strcmp(a->kind, "registry-repository")) {
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
		if ((rc = cons_tools_category_row(&t, k, matrix, saving)) < 0)
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
