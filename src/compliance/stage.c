/*
 * The assess stage: the rule packs judged on the engagement's collected
 * assets, and the consultant's manual findings.
 *
 * Assets are turned into resources by the normalisers: images (with the
 * configuration document the scan stage kept), raw Kubernetes objects stored
 * as the Kubernetes connector's assets (docs/assets.md; the USER of each scanned image joined
 * to the containers that run it), and any asset whose document is already in
 * one of vetter's cloud shapes (docs/resources.md).  A data set counts as
 * collected when a connector collects it (compliance/catalog.c) and the
 * resource says it was read.
 *
 * Failures become findings of kind misconfiguration (status open, or waived
 * with the waiver's reason, owner and expiry); rules that could not be
 * evaluated become one coverage gap per asset and missing data set; every
 * expired waiver is a finding of its own.
 *
 * The AWS connector's assets are already in cloud shapes, each with the data
 * sets it was read from and those that could not be read.  A region (or the
 * account, for global services) where a service failed holds no resources
 * of that service to judge, so its unreadable data sets are gaps naming the
 * rules over those resources; rules on the account itself give their own
 * errors.  Rule packs and the waivers file
 * are recorded in the evidence manifest by digest.
 */
#include "stage.h"

#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "catalog.h"
#include "core/err.h"
#include "core/finding.h"
#include "core/jsonx.h"
#include "core/log.h"
#include "core/progress.h"
#include "core/testhook.h"
#include "core/util.h"
#include "engine.h"
#include "normalise.h"
#include "rule.h"
#include "scoring/manual.h"
#include "waiver.h"

#define ASSESS_STAGE "assess"
#define EVIDENCE_SOURCE "assess"

struct collect_ctx {
	struct resource_set *set;
	json_t *k8s;         /* company -> [objects] */
	json_t *k8s_assets;  /* company -> {"KIND/NAMESPACE/NAME": {kind, key}} of the connector's assets */
	json_t *image_users; /* image reference -> USER */
	json_t *clusters;    /* "COMPANY/CLUSTER" -> the cluster asset's collection record */
	json_t *cloud_scopes; /* [{company, asset_kind, asset_key, name, unreadable}]: AWS accounts and regions */
};

/*
 * Which rule data sets a cluster's collection gives: a data set is collected
 * when every resource it reads was read (live: "collected"; an export:
 * "present", since a dump cannot tell "none" from "not dumped"), and
 * unreadable with the API's answer when one was refused.
 */
static int k8s_datasets(const json_t *collection, json_t **collected, json_t **unreadable)
{
	static const struct {
		const char *dataset;
		const char *resources[8];
	} map[] = {
		{ "k8s.workloads", { "deployments", "statefulsets", "daemonsets", "jobs", "cronjobs", "replicasets", "pods", NULL } },
		{ "k8s.rbac", { "roles", "rolebindings", "clusterroles", "clusterrolebindings", NULL } },
		{ "k8s.networkpolicies", { "networkpolicies", NULL } },
		{ "k8s.services", { "services", "ingresses", NULL } },
		{ "k8s.namespaces", { "namespaces", NULL } },
		{ "k8s.serviceaccounts", { "serviceaccounts", NULL } },
	};
	const json_t *cov = json_object_get(collection, "coverage");
	int live = !strcmp(jsonx_strz(collection, "mode"), "live");
	size_t i, k;

	*collected = json_array();
	*unreadable = json_object();
	if (!*collected || !*unreadable)
		return err_set(ERR_NOMEM, "out of memory");
	for (i = 0; i < sizeof(map) / sizeof(map[0]); i++) {
		int all = 1, any = 0;

		for (k = 0; map[i].resources[k]; k++) {
			const char *st = jsonx_strz(cov, map[i].resources[k]);

			if (!strcmp(st, "collected") || !strcmp(st, "present")) {
				any = 1;
			} else {
				all = 0;
				if (live && *st) {
					struct strbuf why = STRBUF_INIT;

					strbuf_addf(&why, "the API server answered %s for %s", st, map[i].resources[k]);
					json_object_set_new(*unreadable, map[i].dataset, json_string(why.buf));
					strbuf_release(&why);
				}
			}
		}
		/* A live source reads every kind; an export holds the kinds it was given. */
		if (live ? all : any)
			json_array_append_new(*collected, json_string(map[i].dataset));
	}
	return 0;
}

static int set_identity(struct resource *r, const struct store_asset *a)
{
	r->company = util_strdup(a->company);
	r->asset_kind = util_strdup(a->kind);
	r->asset_key = util_strdup(a->key);
	return r->company && r->asset_kind && r->asset_key ? 0 : ERR_NOMEM;
}

static int is_k8s_asset(const struct store_asset *a)
{
	static const char *const kinds[] = { "workload", "namespace", "service", "ingress", "networkpolicy",
					     "serviceaccount", "rbac-role", "rbac-binding", "configmap", "secret", NULL };
	size_t i;

	for (i = 0; kinds[i]; i++)
		if (!strcmp(a->kind, kinds[i]))
			return 1;
	return 0;
}

/* The connector's asset a normalised resource came from, or NULL (derived resources: subjects). */
static const json_t *asset_of(const json_t *ids, const struct resource *r)
{
	struct strbuf id = STRBUF_INIT;
	const json_t *a = NULL;
	const char *k8s_kind = NULL;

	if (!json_is_object(ids))
		return NULL;
	if (!strcmp(r->kind, "k8s.workload")) {
		/* "k8s.workload/NS/KIND/NAME" */
		const char *p = r->key ? strchr(r->key, '/') : NULL;

		p = p ? strchr(p + 1, '/') : NULL;
		if (p) {
			const char *q = strchr(p + 1, '/');

			if (q) {
				strbuf_add(&id, p + 1, (size_t)(q - p - 1));
				strbuf_addf(&id, "/%s/%s", r->ns, r->name);
			}
		}
	} else {
		static const struct {
			const char *norm, *kind;
		} map[] = { { "k8s.service", "Service" },	  { "k8s.ingress", "Ingress" },
			    { "k8s.networkpolicy", "NetworkPolicy" }, { "k8s.namespace", "Namespace" },
			    { "k8s.configmap", "ConfigMap" },	  { "k8s.serviceaccount", "ServiceAccount" },
			    { "k8s.secret", "Secret" } };
		size_t i;

		for (i = 0; i < sizeof(map) / sizeof(map[0]); i++)
			if (!strcmp(map[i].norm, r->kind))
				k8s_kind = map[i].kind;
		if (k8s_kind)
			strbuf_addf(&id, "%s/%s/%s", k8s_kind, strcmp(r->kind, "k8s.namespace") ? r->ns : "", r->name);
	}
	if (id.len)
		a = json_object_get(ids, id.buf);
	strbuf_release(&id);
	return a;
}

static int collect_asset(void *vctx, const struct store_asset *a)
{
	struct collect_ctx *c = vctx;
	struct resource *r = NULL;
	const char *kind = jsonx_str(a->doc, "kind");
	int rc = 0;

	if (!strcmp(a->kind, "cluster") && json_object_get(a->doc, "collection")) {
		struct strbuf id = STRBUF_INIT;

		strbuf_addf(&id, "%s/%s", a->company, a->key);
		rc = json_object_set(c->clusters, id.buf, json_object_get(a->doc, "collection"));
		strbuf_release(&id);
		return rc < 0 ? err_set(ERR_NOMEM, "out of memory") : 0;
	}
	if (!strcmp(a->kind, "image")) {
		const json_t *user = json_object_get(json_object_get(a->doc, "config"), "user");

		if ((rc = norm_image(c->set, a->key, a->name, a->doc, &r)) == 0)
			rc = set_identity(r, a);
		/*
		 * An image without USER runs as root: "" says so to the Kubernetes join.
		 * Pods name images as the registry does, so a registry: reference is
		 * also known without its transport.
		 */
		if (rc == 0 && json_object_get(a->doc, "config") && jsonx_str(a->doc, "ref")) {
			const char *ref = jsonx_str(a->doc, "ref");
			json_t *u = json_string(json_is_string(user) ? json_string_value(user) : "");

			if (!u || json_object_set(c->image_users, ref, u) < 0 ||
			    (util_has_prefix(ref, "registry:") && json_object_set(c->image_users, ref + 9, u) < 0))
				rc = err_set(ERR_NOMEM, "out of memory");
			json_decref(u);
		}
		return rc;
	}
	/*
	 * The Kubernetes connector's assets keep the API object under "object"
	 * (docs/assets.md).  Pods are left out: their workload stands for them,
	 * and a bare pod is a workload asset too.
	 */
	if (is_k8s_asset(a) && json_is_object(json_object_get(a->doc, "object"))) {
		json_t *list = json_object_get(c->k8s, a->company), *ids = json_object_get(c->k8s_assets, a->company);
		const json_t *o = json_object_get(a->doc, "object");

		if (!list) {
			list = json_array();
			ids = json_object();
			json_object_set_new(c->k8s, a->company, list);
			json_object_set_new(c->k8s_assets, a->company, ids);
		}
		if (!list || !ids || json_array_append(list, (json_t *)o) < 0)
			return err_set(ERR_NOMEM, "out of memory");
		/* The normalised resource finds its asset again by kind, namespace and name. */
		{
			struct strbuf id = STRBUF_INIT;
			int r2;

			strbuf_addf(&id, "%s/%s/%s", jsonx_strz(o, "kind"),
				    jsonx_strz(json_object_get(o, "metadata"), "namespace"),
				    jsonx_strz(json_object_get(o, "metadata"), "name"));
			r2 = json_object_set_new(ids, id.buf, json_pack("{s:s, s:s}", "kind", a->kind, "key", a->key));
			strbuf_release(&id);
			if (r2 < 0)
				return err_set(ERR_NOMEM, "out of memory");
		}
		return 0;
	}
	if (kind && (!strcmp(kind, "aws.account") || !strcmp(kind, "aws.region")) &&
	    json_object_size(json_object_get(a->doc, "unreadable"))) {
		json_t *scope = json_pack("{s:s, s:s, s:s, s:s, s:O}", "company", a->company, "asset_kind", a->kind, "asset_key",
					  a->key, "name", a->name && *a->name ? a->name : a->key, "unreadable",
					  json_object_get(a->doc, "unreadable"));

		if (!scope || json_array_append_new(c->cloud_scopes, scope) < 0)
			return err_set(ERR_NOMEM, "out of memory");
	}
	if (kind && catalog_kind(kind) && strcmp(kind, "image") && !util_has_prefix(kind, "k8s.")) {
		rc = norm_cloud(c->set, a->doc, &r);
		if (rc == ERR_INVALID) {
			log_warn("assess: asset %s (%s): %s", a->key, a->kind, err_last());
			return resource_skip(c->set, kind);
		}
		return rc < 0 ? rc : set_identity(r, a);
	}
	return 0;
}

/* Kubernetes objects per company, normalised together, the image USERs joined. */
static int normalise_k8s(struct collect_ctx *c)
{
	const char *company;
	json_t *objects;
	size_t i, before;
	int rc;

	json_object_foreach(c->k8s, company, objects) {
		before = c->set->n;
		if ((rc = norm_k8s(c->set, objects, NULL, c->image_users)) < 0)
			return rc;
		for (i = before; i < c->set->n; i++) {
			const json_t *asset = asset_of(json_object_get(c->k8s_assets, company), &c->set->v[i]);

			/* Derived resources (subjects) belong to the company; they have no asset of their own. */
			c->set->v[i].company = util_strdup(company);
			c->set->v[i].asset_kind = util_strdup(asset ? jsonx_str(asset, "kind") : "k8s-object");
			c->set->v[i].asset_key = util_strdup(asset ? jsonx_str(asset, "key") : c->set->v[i].key);
			/* What the resource's cluster collected (asset keys start with the cluster's name). */
			if (asset) {
				const char *key = jsonx_strz(asset, "key"), *slash = strchr(key, '/');
				struct strbuf id = STRBUF_INIT;
				const json_t *coll;

				strbuf_addf(&id, "%s/%.*s", company, slash ? (int)(slash - key) : (int)strlen(key), key);
				coll = json_object_get(c->clusters, id.buf);
				strbuf_release(&id);
				if (coll && (rc = k8s_datasets(coll, &c->set->v[i].collected, &c->set->v[i].unreadable)) < 0)
					return rc;
			}
			if (!c->set->v[i].company || !c->set->v[i].asset_kind || !c->set->v[i].asset_key)
				return err_set(ERR_NOMEM, "out of memory");
		}
	}
	return 0;
}

static int load_waivers(const struct run_ctx *ctx, struct waiver_set *ws, int *have)
{
	const char *rel = jsonx_str(ctx->eng->doc, "waivers");
	struct strbuf path = STRBUF_INIT, uri = STRBUF_INIT;
	int rc;

	*have = 0;
	if (!rel)
		return 0;
	if ((rc = engagement_path(ctx->eng, rel, &path)) < 0)
		goto cleanup;
	if ((rc = waivers_load(ws, path.buf, &ctx->eng->as_of)) < 0) {
		rc = err_set(ERR_USAGE, "waivers: %s", err_last());
		goto cleanup;
	}
	*have = 1;
	strbuf_addf(&uri, "waivers:%s", rel);
	if (ctx->ev)
		rc = evidence_note(ctx->ev, EVIDENCE_SOURCE, uri.buf, "waivers", ws->digest, ws->size);
cleanup:
	strbuf_release(&path);
	strbuf_release(&uri);
	return rc;
}

static int note_packs(const struct run_ctx *ctx, const struct ruleset *rs)
{
	struct strbuf uri = STRBUF_INIT;
	size_t i;
	int rc = 0;

	for (i = 0; i < rs->npacks && rc == 0 && ctx->ev; i++) {
		strbuf_reset(&uri);
		strbuf_addf(&uri, "rule-pack:%s@%s", rs->packs[i]->name, rs->packs[i]->version);
		rc = evidence_note(ctx->ev, EVIDENCE_SOURCE, uri.buf, "rule-pack", rs->packs[i]->digest, rs->packs[i]->size);
	}
	strbuf_release(&uri);
	return rc;
}

static const char *asset_name(const struct resource *r)
{
	return r->name && *r->name ? r->name : r->asset_key;
}

static int misconfiguration(struct run_ctx *ctx, const struct result *r, const struct waiver_set *ws)
{
	const struct rule *rule = r->rule;
	struct strbuf src = STRBUF_INIT;
	json_t *f = NULL;
	int rc;

	if ((rc = finding_new(&f, r->res->company, "misconfiguration", rule->id, r->res->asset_kind, r->res->asset_key,
			      asset_name(r->res), "")) < 0)
		return rc;
	strbuf_addf(&src, "vetter rule pack %s %s", rule->pack->name, rule->pack->version);
	if ((rc = finding_describe(f, rule->title, rule->severity, src.buf)) < 0)
		goto cleanup;
	jsonx_set_str(f, "path", r->path);
	json_object_set(f, "value", r->value ? r->value : json_null());
	jsonx_set_str(f, "fix", jsonx_str(rule->doc, "remediation"));
	json_object_set(f, "frameworks", (json_t *)rule_frameworks(rule));
	json_object_set(f, "effort_hours", json_object_get(rule->doc, "effort_hours"));
	json_object_set_new(f, "resource", json_pack("{s:s, s:s, s:s}", "kind", r->res->kind, "namespace", r->res->ns, "name",
						      r->res->name));
	json_object_set_new(f, "evidence", json_pack("[{s:s, s:s}]", "uri", "rule-pack", "digest", rule->pack->digest));
	if (r->note)
		jsonx_set_str(f, "message", r->note);
	if (r->verdict == VERDICT_WAIVED) {
		jsonx_set_str(f, "status", "waived");
		json_object_set_new(f, "waiver", waiver_to_json(ws, r->waiver));
	}
	rc = store_finding_put(ctx->st, ASSESS_STAGE, f);
cleanup:
	json_decref(f);
	strbuf_release(&src);
	return rc;
}

/* Errors are gathered per asset and missing data: one gap naming the rules it stopped. */
static int gap_add(json_t *gaps, const char *company, const char *asset_kind, const char *asset_key, const char *name,
		   const char *reason, const char *rule)
{
	struct strbuf key = STRBUF_INIT;
	json_t *g, *id;
	size_t i;
	int rc = 0;

	/* Unit separators keep the parts apart (they cannot occur in ids, kinds or our messages). */
	strbuf_addf(&key, "%s\x1f%s\x1f%s\x1f%s", company, asset_kind, asset_key, reason ? reason : "");
	g = json_object_get(gaps, key.buf);
	if (!g) {
		g = json_pack("{s:s, s:s, s:s, s:s, s:s, s:[]}", "company", company, "asset_kind", asset_kind, "asset_key",
			      asset_key, "name", name, "reason", reason ? reason : "the rule could not be evaluated", "rules");
		if (!g || json_object_set_new(gaps, key.buf, g) < 0)
			rc = err_set(ERR_NOMEM, "out of memory");
	}
	strbuf_release(&key);
	if (rc < 0)
		return rc;
	json_array_foreach(json_object_get(g, "rules"), i, id)
		if (!strcmp(json_string_value(id), rule))
			return 0;
	return json_array_append_new(json_object_get(g, "rules"), json_string(rule)) < 0 ? err_set(ERR_NOMEM, "out of memory")
											 : 0;
}

static int gather_error(json_t *gaps, const struct result *r)
{
	return gap_add(gaps, r->res->company, r->res->asset_kind, r->res->asset_key, asset_name(r->res), r->note,
		       r->rule->id);
}

/*
 * An AWS account or region's unreadable data sets: a gap on that account or
 * region for every rule over resources those data sets list (rules on the
 * account judge the account's own record and report themselves).  The
 * reason is worded as the engine words it, so both land in one gap.
 */
static int scope_gaps(json_t *gaps, const struct ruleset *rs, const json_t *scopes)
{
	struct strbuf reason = STRBUF_INIT;
	const json_t *s, *why;
	const char *ds;
	size_t i, p, k, q;
	int rc = 0;

	json_array_foreach(scopes, i, s) {
		json_object_foreach(json_object_get(s, "unreadable"), ds, why) {
			const struct dataset *d = catalog_dataset(ds);

			strbuf_reset(&reason);
			strbuf_addf(&reason, "requires %s (%s): %s", ds, d ? d->summary : "",
				    json_is_string(why) ? json_string_value(why) : "could not be read");
			for (p = 0; p < rs->npacks && rc == 0; p++) {
				for (k = 0; k < rs->packs[p]->n && rc == 0; k++) {
					const struct rule *r = &rs->packs[p]->rules[k];

					if (!strcmp(r->resource, "aws.account") || !util_has_prefix(r->resource, "aws."))
						continue;
					for (q = 0; q < r->nrequires && rc == 0; q++)
						if (!strcmp(r->requires[q], ds))
							rc = gap_add(gaps, jsonx_strz(s, "company"), jsonx_strz(s, "asset_kind"),
								     jsonx_strz(s, "asset_key"), jsonx_strz(s, "name"), reason.buf,
								     r->id);
				}
			}
			if (rc < 0)
				break;
		}
		if (rc < 0)
			break;
	}
	strbuf_release(&reason);
	return rc;
}

static int write_gaps(struct run_ctx *ctx, json_t *gaps)
{
	struct strbuf title = STRBUF_INIT;
	const char *k;
	json_t *g, *f = NULL;
	int rc = 0;

	json_object_foreach(gaps, k, g) {
		strbuf_reset(&title);
		strbuf_addf(&title, "%zu compliance rule%s could not be evaluated", json_array_size(json_object_get(g, "rules")),
			    json_array_size(json_object_get(g, "rules")) == 1 ? "" : "s");
		if ((rc = finding_new(&f, jsonx_str(g, "company"), "gap", "compliance-not-evaluated", jsonx_str(g, "asset_kind"),
				      jsonx_str(g, "asset_key"), jsonx_str(g, "name"), jsonx_str(g, "reason"))) < 0)
			break;
		if ((rc = finding_describe(f, title.buf, "unknown", "coverage")) == 0) {
			jsonx_set_str(f, "reason", jsonx_str(g, "reason"));
			json_object_set(f, "rules", json_object_get(g, "rules"));
			rc = store_finding_put(ctx->st, ASSESS_STAGE, f);
		}
		json_decref(f);
		f = NULL;
		if (rc < 0)
			break;
	}
	strbuf_release(&title);
	return rc;
}

/* Companies an expired waiver matched, or the engagement's target when it matched nothing. */
static int expired_waiver(struct run_ctx *ctx, const struct result_list *l, const struct result *r,
			  const struct waiver_set *ws)
{
	json_t *companies = json_array(), *c, *f = NULL, *j;
	struct strbuf key = STRBUF_INIT, title = STRBUF_INIT;
	size_t i, n;
	int rc = 0;

	for (i = 0; i < l->n; i++) {
		const struct resource *res = l->v[i].res;
		int seen = 0;

		if (l->v[i].waiver != r->waiver || !res || !res->company)
			continue;
		json_array_foreach(companies, n, c)
			seen |= !strcmp(json_string_value(c), res->company);
		if (!seen)
			json_array_append_new(companies, json_string(res->company));
	}
	if (!json_array_size(companies) && ctx->eng->ncompanies) {
		const char *pick = ctx->eng->companies[0].id;

		for (i = 0; i < ctx->eng->ncompanies; i++)
			if (!strcmp(ctx->eng->companies[i].role, "target")) {
				pick = ctx->eng->companies[i].id;
				break;
			}
		json_array_append_new(companies, json_string(pick));
	}
	strbuf_addf(&key, "%s:%d", ws->file, r->waiver->line);
	strbuf_addf(&title, "A waiver for %s expired on %s and no longer applies", r->waiver->rule, r->waiver->expires);
	json_array_foreach(companies, n, c) {
		if ((rc = finding_new(&f, json_string_value(c), "misconfiguration", WAIVER_EXPIRED_RULE, "waiver", key.buf,
				      key.buf, r->waiver->rule)) < 0)
			break;
		j = waiver_to_json(ws, r->waiver);
		if ((rc = finding_describe(f, title.buf, "low", "vetter")) == 0 && j) {
			json_object_set_new(f, "waiver", j);
			j = NULL;
			jsonx_set_str(f, "path", r->path);
			json_object_set(f, "value", r->value);
			jsonx_set_str(f, "fix", "Renew the waiver with a new expiry and reason, or fix what it covered.");
			rc = store_finding_put(ctx->st, ASSESS_STAGE, f);
		}
		json_decref(j);
		json_decref(f);
		f = NULL;
		if (rc < 0)
			break;
	}
	json_decref(companies);
	strbuf_release(&key);
	strbuf_release(&title);
	return rc;
}

static int record(struct run_ctx *ctx, const struct result_list *l, const struct waiver_set *ws,
		  const struct ruleset *rs, const json_t *scopes)
{
	json_t *gaps = json_object();
	size_t i;
	int rc = 0;

	if (!gaps)
		return err_set(ERR_NOMEM, "out of memory");
	for (i = 0; i < l->n && rc == 0; i++) {
		const struct result *r = &l->v[i];

		if (!r->rule)
			rc = expired_waiver(ctx, l, r, ws);
		else if (r->verdict == VERDICT_FAIL || r->verdict == VERDICT_WAIVED)
			rc = misconfiguration(ctx, r, ws);
		else if (r->verdict == VERDICT_ERROR)
			rc = gather_error(gaps, r);
	}
	if (rc == 0)
		rc = scope_gaps(gaps, rs, scopes);
	if (rc == 0)
		rc = write_gaps(ctx, gaps);
	json_decref(gaps);
	return rc;
}

static int judge(struct run_ctx *ctx, struct result_list *results, struct resource_set *set, struct ruleset *rs,
		 struct waiver_set *ws, int *have_ws, json_t *scopes)
{
	struct collect_ctx c = { set, json_object(), json_object(), json_object(), json_object(), scopes };
	struct engine_opts o = { util_date_days(&ctx->eng->as_of), NULL, NULL, NULL };
	struct strbuf dir = STRBUF_INIT;
	int rc;

	if (!c.k8s || !c.k8s_assets || !c.image_users || !c.clusters) {
		rc = err_set(ERR_NOMEM, "out of memory");
		goto cleanup;
	}
	if ((rc = rules_default_dir(&dir)) < 0 || (rc = ruleset_load_dir(rs, dir.buf)) < 0) {
		rc = err_set(rc == ERR_NOMEM ? ERR_NOMEM : ERR_USAGE, "rule packs: %s", err_last());
		goto cleanup;
	}
	if ((rc = note_packs(ctx, rs)) < 0 || (rc = load_waivers(ctx, ws, have_ws)) < 0)
		goto cleanup;
	o.waivers = *have_ws ? ws : NULL;
	if ((rc = store_asset_foreach(ctx->st, NULL, NULL, collect_asset, &c)) < 0 || (rc = normalise_k8s(&c)) < 0)
		goto cleanup;
	rc = engine_run(rs, set, &o, results);
	if (rc == 0) {
		size_t i, expired = 0;

		for (i = 0; i < results->n; i++)
			expired += !results->v[i].rule;
		log_info("assess: %zu rules on %zu resources: %zu fail, %zu waived, %zu could not be evaluated, %zu pass; "
			 "%zu expired waivers",
			 rs->nrules, set->n, results->counts[VERDICT_FAIL] - expired, results->counts[VERDICT_WAIVED],
			 results->counts[VERDICT_ERROR], results->counts[VERDICT_PASS], expired);
	}
cleanup:
	json_decref(c.k8s);
	json_decref(c.k8s_assets);
	json_decref(c.image_users);
	json_decref(c.clusters);
	strbuf_release(&dir);
	return rc;
}

int assess_stage(struct run_ctx *ctx)
{
	struct result_list results = { NULL, 0, 0, { 0, 0, 0, 0 } };
	struct resource_set set;
	struct ruleset rs;
	struct waiver_set ws;
	json_t *manual = NULL, *scopes = json_array();
	int rc, have_ws = 0;

	ruleset_init(&rs);
	memset(&ws, 0, sizeof(ws));
	if (!scopes)
		return err_set(ERR_NOMEM, "out of memory");
	if ((rc = manual_load(ctx->eng, &manual)) < 0) {
		json_decref(scopes);
		return rc;
	}
	if ((rc = resource_set_init(&set)) < 0) {
		json_decref(manual);
		json_decref(scopes);
		return rc;
	}
	progress_begin(ASSESS_STAGE, 1);
	if ((rc = judge(ctx, &results, &set, &rs, &ws, &have_ws, scopes)) < 0)
		goto cleanup;
	if ((rc = store_begin(ctx->st)) < 0)
		goto cleanup;
	if ((rc = store_findings_clear(ctx->st, ASSESS_STAGE)) == 0 && manual)
		rc = manual_record(ctx->eng, manual, ctx->st, ASSESS_STAGE);
	if (rc == 0)
		rc = record(ctx, &results, &ws, &rs, scopes);
	testhook_point(ASSESS_STAGE, "txn");
	if (rc < 0)
		store_rollback(ctx->st);
	else
		rc = store_commit(ctx->st);
	progress_step(1, NULL);
cleanup:
	progress_end();
	json_decref(manual);
	json_decref(scopes);
	result_list_release(&results);
	resource_set_release(&set);
	if (have_ws)
		waivers_release(&ws);
	ruleset_release(&rs);
	return rc;
}
