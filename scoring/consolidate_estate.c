/*
 * The estate comparison: clouds, regions, Kubernetes versions, node systems
 * and runtimes, image distributions and base images, registries, identity
 * and logging, each company beside the other, with end of life judged on
 * the engagement's as_of date (docs/consolidation.md).
 */
#include <stdlib.h>
#include <string.h>

#include "consolidate_int.h"
#include "core/err.h"
#include "core/jsonx.h"
#include "core/util.h"
#include "eol.h"
#include "tools.h"

struct ectx {
	const struct cons_input *in;
	const struct eol_table *eol;
	json_t *eol_list;   /* every judged platform, all companies */
};

static const char *plural(long long n)
{
	return n == 1 ? "" : "s";
}

/* count[key]++ in an object of counters. */
static int bump(json_t *counts, const char *key, long long by)
{
	if (!key || !*key)
		return 0;
	return json_object_set_new(counts, key, json_integer(jsonx_int(counts, key, 0) + by)) < 0 ? ERR_NOMEM : 0;
}

/* Where a (product, version) stands, as {product, title, cycle, status, until}; unknown when not in the table. */
static json_t *judge(const struct ectx *e, const char *product, const char *version)
{
	const struct eol_cycle *c = product ? eol_lookup(e->eol, product, version) : NULL;
	const char *until = NULL;
	enum eol_status st = eol_judge(c, e->in->as_of_days, e->in->eol_warning_days, &until);
	json_t *o = json_pack("{s:s, s:s}", "version", version ? version : "", "status", eol_status_name(st));

	if (!o)
		return NULL;
	jsonx_set_str(o, "product", product);
	if (c) {
		jsonx_set_str(o, "title", c->title);
		jsonx_set_str(o, "cycle", c->cycle);
		jsonx_set_str(o, "eol", c->eol);
		jsonx_set_str(o, "extended", c->extended);
	}
	jsonx_set_str(o, "until", until);
	return o;
}

/*
 * One judged platform group: what (kubernetes, node-os, runtime, image-os),
 * the judgement, and how many assets with a few of their keys.
 */
struct group {
	json_t *by;  /* "what\037product\037version" -> {what, judgement..., count, assets[]} */
};

static int group_add(const struct ectx *e, json_t *by, const char *what, const char *product, const char *version,
		     const char *label, const char *asset)
{
	struct strbuf k = STRBUF_INIT;
	json_t *g;
	int rc = 0;

	strbuf_addf(&k, "%s\037%s\037%s", what, product ? product : "", version ? version : "");
	if (!(g = json_object_get(by, k.buf))) {
		g = judge(e, product, version);
		if (!g || json_object_set_new(by, k.buf, g) < 0) {
			rc = err_set(ERR_NOMEM, "out of memory");
			goto cleanup;
		}
		json_object_set_new(g, "what", json_string(what));
		json_object_set_new(g, "label", json_string(label ? label : ""));
		json_object_set_new(g, "count", json_integer(0));
		json_object_set_new(g, "assets", json_array());
	}
	json_object_set_new(g, "count", json_integer(jsonx_int(g, "count", 0) + 1));
	rc = cons_set_add(json_object_get(g, "assets"), asset);
cleanup:
	strbuf_release(&k);
	return rc;
}

/* The groups as a list in key order (deterministic), each also copied into the engagement-wide list. */
static json_t *group_list(const struct ectx *e, json_t *by, const char *company)
{
	json_t *arr = json_array(), *g;
	const char **keys;
	const char *k;
	size_t n = 0, i;

	keys = calloc(json_object_size(by) + 1, sizeof(*keys));
	if (!arr || !keys) {
		free(keys);
		json_decref(arr);
		return NULL;
	}
	json_object_foreach(by, k, g) keys[n++] = k;
	for (i = 1; i < n; i++) {
		const char *x = keys[i];
		size_t j = i;

		for (; j > 0 && strcmp(keys[j - 1], x) > 0; j--)
			keys[j] = keys[j - 1];
		keys[j] = x;
	}
	for (i = 0; i < n; i++) {
		g = json_object_get(by, keys[i]);
		json_array_append(arr, g);
		if (strcmp(jsonx_strz(g, "status"), "supported")) {
			json_t *copy = json_deep_copy(g);

			json_object_set_new(copy, "company", json_string(company));
			json_array_append_new(e->eol_list, copy);
		}
	}
	free(keys);
	return arr;
}

/* The flavour of a Kubernetes cluster: the cloud that runs it, else what its version or nodes say. */
static const char *k8s_flavour(const struct cons_input *in, const struct cons_asset *cl, const char *version)
{
	const char *cloud = cons_cloud_of(in, cl);
	size_t i;

	if (cloud)
		return !strcmp(cloud, "aws") ? "eks" : !strcmp(cloud, "azure") ? "aks" : "gke";
	if (version && strstr(version, "-eks-"))
		return "eks";
	if (version && strstr(version, "-gke."))
		return "gke";
	for (i = 0; i < in->nassets; i++) {
		const struct cons_asset *n = &in->assets[i];
		json_t *labels;

		if (n->company != cl->company || strcmp(n->kind, "node") || !cons_str(n->doc, "cluster") ||
		    strcmp(cons_str(n->doc, "cluster"), cl->key))
			continue;
		labels = jsonx_dig(n->doc, "object.metadata.labels");
		if (json_object_get(labels, "kubernetes.azure.com/cluster"))
			return "aks";
		if (json_object_get(labels, "eks.amazonaws.com/nodegroup"))
			return "eks";
		if (json_object_get(labels, "cloud.google.com/gke-nodepool"))
			return "gke";
	}
	return "upstream";
}

static const char *cluster_version(const struct cons_asset *a)
{
	static const char *const paths[] = { "version.git_version", "version", "kubernetes_version",
					     "current_master_version", "object.version",
					     "object.properties.kubernetesVersion", "object.currentMasterVersion", NULL };
	size_t i;

	for (i = 0; paths[i]; i++)
		if (cons_str(a->doc, paths[i]))
			return cons_str(a->doc, paths[i]);
	return NULL;
}

static int is_cluster(const struct cons_asset *a)
{
	char leaf[64];

	cons_kind_leaf(cons_kind(a), leaf, sizeof(leaf));
	return !strcmp(a->kind, "cluster") ||
	       (strchr(cons_kind(a), '.') && (!strcmp(leaf, "cluster") || !strcmp(leaf, "managedcluster") ||
					  !strcmp(leaf, "managedclusters") || !strcmp(leaf, "clusters")));
}

static int is_user(const struct cons_asset *a)
{
	char leaf[64];

	cons_kind_leaf(cons_kind(a), leaf, sizeof(leaf));
	return !cons_is_k8s_kind(a->kind) && (!strcmp(leaf, "user") || !strcmp(leaf, "users") || !strcmp(leaf, "iam-user"));
}

/* First of several boolean members that is present: 1, 0, or -1. */
static int first_bool(const json_t *doc, const char *const *paths)
{
	int v;

	for (; *paths; paths++)
		if ((v = cons_bool(doc, *paths)) >= 0)
			return v;
	return -1;
}

struct co_facts {
	json_t *clouds;      /* cloud -> {accounts set} */
	json_t *regions;     /* "cloud:region" set */
	json_t *k8s, *nodes, *images; /* groups */
	json_t *base, *layers, *registries; /* counters */
	long long users, console, mfa, mfa_unknown, guests;
	json_t *sso;         /* set of "kind: name" */
	json_t *root;        /* [{account, mfa}] */
	json_t *trail_accounts, *org_trail;  /* sets, flag */
	long long clusters_audit, clusters_audit_known;
};

static void facts_release(struct co_facts *f)
{
	json_decref(f->clouds);
	json_decref(f->regions);
	json_decref(f->k8s);
	json_decref(f->nodes);
	json_decref(f->images);
	json_decref(f->base);
	json_decref(f->layers);
	json_decref(f->registries);
	json_decref(f->sso);
	json_decref(f->root);
	json_decref(f->trail_accounts);
	json_decref(f->org_trail);
}

static int facts_init(struct co_facts *f)
{
	memset(f, 0, sizeof(*f));
	f->clouds = json_object();
	f->regions = json_object();
	f->k8s = json_object();
	f->nodes = json_object();
	f->images = json_object();
	f->base = json_object();
	f->layers = json_object();
	f->registries = json_object();
	f->sso = json_object();
	f->root = json_array();
	f->trail_accounts = json_object();
	f->org_trail = json_object();
	if (!f->clouds || !f->regions || !f->k8s || !f->nodes || !f->images || !f->base || !f->layers ||
	    !f->registries || !f->sso || !f->root || !f->trail_accounts || !f->org_trail)
		return err_set(ERR_NOMEM, "out of memory");
	return 0;
}

static int see_image_ref(struct co_facts *f, json_t *seen, const char *ref)
{
	struct strbuf host = STRBUF_INIT, repo = STRBUF_INIT, k = STRBUF_INIT;
	int rc = 0;

	if (tool_image_split(ref, &host, &repo) == 0) {
		strbuf_addf(&k, "%s/%s", host.buf, repo.buf);
		if (!json_object_get(seen, k.buf)) {
			json_object_set_new(seen, k.buf, json_true());
			rc = bump(f->registries, host.buf, 1);
		}
	}
	err_clear();
	strbuf_release(&host);
	strbuf_release(&repo);
	strbuf_release(&k);
	return rc;
}

static int see_identity(const struct ectx *e, struct co_facts *f, const struct cons_asset *a, const char *leaf)
{
	static const char *const console[] = { "password_enabled", "console_access", "console", "account_enabled",
					       "accountEnabled", NULL };
	static const char *const mfa[] = { "mfa_active", "mfa_enabled", "mfa", "mfa_registered", "is_mfa_registered",
					   "isMfaRegistered", NULL };
	static const char *const root[] = { "root_mfa_active", "root.mfa_active", "root.mfa_enabled", NULL };
	const char *type = cons_str(a->doc, "user_type") ? cons_str(a->doc, "user_type") : cons_str(a->doc, "userType");
	struct strbuf k = STRBUF_INIT;
	json_t *v;
	size_t i;
	int c, m, rc = 0;

	(void)e;
	if (is_user(a)) {
		f->users++;
		if (cons_strcaseeq(type, "guest"))
			f->guests++;
		c = first_bool(a->doc, console);
		m = first_bool(a->doc, mfa);
		if (m < 0 && json_is_array(json_object_get(a->doc, "mfa_devices")))
			m = json_array_size(json_object_get(a->doc, "mfa_devices")) > 0;
		if (c != 0) {
			if (m < 0) {
				f->mfa_unknown++;
			} else {
				f->console++;
				f->mfa += m;
			}
		}
	}
	if ((m = first_bool(a->doc, root)) >= 0)
		rc = json_array_append_new(f->root, json_pack("{s:s, s:b}", "account",
							      cons_account_of(a) ? cons_account_of(a) : a->key, "mfa", m));
	if (rc == 0 && (strstr(leaf, "saml") || (!strcmp(leaf, "instance") && strstr(cons_kind(a), "sso")) ||
			strstr(leaf, "identitycenter") || strstr(leaf, "identity-center"))) {
		strbuf_addf(&k, "%s: %s", strstr(leaf, "saml") ? "SAML" : "AWS IAM Identity Center", a->name);
		rc = json_object_set_new(f->sso, k.buf, json_true());
	}
	/* The AWS connector lists an account's SAML providers on the account: identity_providers.saml (ARNs). */
	json_array_foreach(jsonx_dig(a->doc, "identity_providers.saml"), i, v) {
		const char *arn = json_string_value(v), *slash = arn ? strrchr(arn, '/') : NULL;

		if (rc < 0 || !arn)
			continue;
		strbuf_reset(&k);
		strbuf_addf(&k, "SAML: %s", slash ? slash + 1 : arn);
		rc = json_object_set_new(f->sso, k.buf, json_true());
	}
	if (rc == 0 && (util_has_prefix(cons_kind(a), "azure.ad.") || util_has_prefix(cons_kind(a), "entra.")))
		rc = json_object_set_new(f->sso, "Entra ID", json_true());
	strbuf_release(&k);
	return rc < 0 ? err_set(ERR_NOMEM, "out of memory") : 0;
}

static int see_logging(struct co_facts *f, const struct cons_asset *a, const char *leaf)
{
	static const char *const logging[] = { "is_logging", "logging", "status.IsLogging", "IsLogging", NULL };
	static const char *const multi[] = { "is_multi_region", "multi_region", "IsMultiRegionTrail",
					     "object.IsMultiRegionTrail", NULL };
	static const char *const org[] = { "is_organization_trail", "IsOrganizationTrail",
					   "object.IsOrganizationTrail", NULL };
	const char *acct = cons_account_of(a);
	json_t *v, *t;
	size_t i, j;
	int audit = -1;

	if (!strcmp(leaf, "trail") && first_bool(a->doc, logging) == 1 && first_bool(a->doc, multi) == 1) {
		if (first_bool(a->doc, org) == 1)
			json_object_set_new(f->org_trail, "yes", json_true());
		if (acct)
			json_object_set_new(f->trail_accounts, acct, json_true());
	}
	if (!is_cluster(a))
		return 0;
	if ((audit = cons_bool(a->doc, "audit_logging")) < 0 && (audit = cons_bool(a->doc, "logging.audit")) < 0) {
		/* EKS: logging.clusterLogging[] of {types, enabled}. */
		json_array_foreach(jsonx_dig(a->doc, "object.logging.clusterLogging"), i, v) {
			if (audit < 0)
				audit = 0;
			if (!json_is_true(json_object_get(v, "enabled")))
				continue;
			json_array_foreach(json_object_get(v, "types"), j, t) {
				if (cons_strcaseeq(json_string_value(t), "audit"))
					audit = 1;
			}
		}
	}
	if (audit >= 0) {
		f->clusters_audit_known++;
		f->clusters_audit += audit;
	}
	return 0;
}

static int see_asset(const struct ectx *e, struct co_facts *f, json_t *seen_images, const struct cons_asset *a)
{
	struct strbuf ver = STRBUF_INIT, label = STRBUF_INIT;
	const char *cloud = cons_cloud_of(e->in, a), *acct, *region, *product;
	const struct eol_cycle *c;
	json_t *os, *v, *accts;
	char leaf[64];
	size_t i;
	int rc = 0;

	cons_kind_leaf(cons_kind(a), leaf, sizeof(leaf));
	/* A directory (Entra ID) is identity, not a cloud estate. */
	if (util_has_prefix(cons_kind(a), "azure.ad.") || util_has_prefix(cons_kind(a), "entra."))
		cloud = NULL;
	if (cloud) {
		if (!(accts = json_object_get(f->clouds, cloud))) {
			accts = json_object();
			if (!accts || json_object_set_new(f->clouds, cloud, accts) < 0) {
				rc = err_set(ERR_NOMEM, "out of memory");
				goto cleanup;
			}
		}
		/* An asset whose account or project is not known (empty) is not another account. */
		if ((acct = cons_account_of(a)) && *acct)
			json_object_set_new(accts, acct, json_true());
		region = cons_str(a->doc, "region") ? cons_str(a->doc, "region") : cons_str(a->doc, "location");
		/* Regions in use: where resources are, not every region an account has enabled. */
		if (!strcmp(leaf, "region") || !strcmp(leaf, "location"))
			region = NULL;
		if (region && *region && strcmp(region, "global")) {
			strbuf_addf(&label, "%s:%s", cloud, region);
			json_object_set_new(f->regions, label.buf, json_true());
		}
	}
	if (is_cluster(a)) {
		const char *version = cluster_version(a), *flavour = k8s_flavour(e->in, a, version);

		product = eol_product_for_kubernetes(e->eol, flavour);
		c = product ? eol_lookup(e->eol, product, version) : NULL;
		rc = group_add(e, f->k8s, "kubernetes", product, c ? c->cycle : version, flavour, a->key);
	} else if (!strcmp(a->kind, "node")) {
		product = eol_product_for_os_image(e->eol, cons_str(a->doc, "os_image"), &ver);
		c = product ? eol_lookup(e->eol, product, ver.buf) : NULL;
		rc = group_add(e, f->nodes, "node-os", product, c ? c->cycle : ver.buf, cons_str(a->doc, "os_image"),
			       a->key);
		product = eol_product_for_runtime(e->eol, cons_str(a->doc, "container_runtime"));
		c = product ? eol_lookup(e->eol, product, cons_str(a->doc, "container_runtime_release")) : NULL;
		if (rc == 0 && cons_str(a->doc, "container_runtime"))
			rc = group_add(e, f->nodes, "runtime", product,
				       c ? c->cycle : cons_str(a->doc, "container_runtime_release"),
				       cons_str(a->doc, "container_runtime"), a->key);
	} else if (!strcmp(a->kind, "image")) {
		os = json_object_get(a->doc, "os");
		if (json_is_object(os)) {
			product = eol_product_for_os(e->eol, jsonx_str(os, "id"));
			c = product ? eol_lookup(e->eol, product, jsonx_str(os, "version_id")) : NULL;
			rc = group_add(e, f->images, "image-os", product, c ? c->cycle : jsonx_str(os, "version_id"),
				       jsonx_str(os, "pretty_name") ? jsonx_str(os, "pretty_name") : jsonx_str(os, "id"),
				       a->key);
		}
		v = json_object_get(json_object_get(json_object_get(a->doc, "config"), "labels"),
				    "org.opencontainers.image.base.name");
		if (rc == 0 && json_is_string(v))
			rc = bump(f->base, json_string_value(v), 1);
		v = json_array_get(json_object_get(a->doc, "layers"), 0);
		if (rc == 0 && jsonx_str(v, "diff_id"))
			rc = bump(f->layers, jsonx_str(v, "diff_id"), 1);
		if (rc == 0)
			rc = see_image_ref(f, seen_images, cons_str(a->doc, "ref") ? cons_str(a->doc, "ref") : a->key);
	} else if (!strcmp(a->kind, "workload")) {
		json_array_foreach(json_object_get(a->doc, "images"), i, v) {
			if (rc == 0 && json_is_string(v))
				rc = see_image_ref(f, seen_images, json_string_value(v));
		}
	}
	if (rc == 0)
		rc = see_identity(e, f, a, leaf);
	if (rc == 0)
		rc = see_logging(f, a, leaf);
cleanup:
	strbuf_release(&ver);
	strbuf_release(&label);
	return rc;
}

/* {name: count} as [{name, count}] ordered by count (descending), then name; min drops rarer ones. */
static json_t *counts_list(const json_t *counts, const char *name_key, const char *count_key, long long min)
{
	json_t *arr = json_array(), *v;
	const char *k;
	size_t i, n;

	json_object_foreach((json_t *)counts, k, v) {
		long long c = json_integer_value(v);

		if (c < min)
			continue;
		n = json_array_size(arr);
		for (i = 0; i < n; i++) {
			json_t *o = json_array_get(arr, i);
			long long oc = jsonx_int(o, count_key, 0);

			if (c > oc || (c == oc && strcmp(k, jsonx_strz(o, name_key)) < 0))
				break;
		}
		if (i < CONS_MAX_LIST)
			json_array_insert_new(arr, i, json_pack("{s:s, s:I}", name_key, k, count_key, (json_int_t)c));
		if (json_array_size(arr) > CONS_MAX_LIST)
			json_array_remove(arr, CONS_MAX_LIST);
	}
	return arr;
}

static void group_text(struct strbuf *sb, const json_t *g)
{
	const char *st = jsonx_strz(g, "status"), *until = jsonx_str(g, "until");
	const char *what = jsonx_strz(g, "title")[0] ? jsonx_str(g, "title") : jsonx_strz(g, "label");
	const char *ver = jsonx_str(g, "cycle") ? jsonx_str(g, "cycle") : jsonx_strz(g, "version");

	/* A cluster whose version was not collected: say so, not an empty version of "upstream". */
	if (!jsonx_strz(g, "title")[0] && !strcmp(jsonx_strz(g, "what"), "kubernetes"))
		strbuf_addf(sb, "Kubernetes (%s) ", what);
	else
		strbuf_addf(sb, "%s ", what);
	strbuf_addf(sb, "%s ×%lld (", *ver ? ver : "version not known", jsonx_int(g, "count", 0));
	if (!strcmp(st, "supported"))
		strbuf_addf(sb, "supported%s%s)", until ? " until " : "", until ? until : "");
	else if (!strcmp(st, "ending-soon"))
		strbuf_addf(sb, "support ends %s)", until);
	else if (!strcmp(st, "extended-support-only"))
		strbuf_addf(sb, "extended support only, until %s)", until);
	else if (!strcmp(st, "end-of-life"))
		strbuf_addf(sb, "end of life%s%s)", until ? " since " : "", until ? until : "");
	else
		strbuf_addstr(sb, "end of life not known)");
}

static json_t *groups_text(const json_t *list)
{
	struct strbuf sb = STRBUF_INIT;
	json_t *g, *s;
	size_t i;

	json_array_foreach(list, i, g) {
		if (i)
			strbuf_addstr(&sb, "; ");
		group_text(&sb, g);
	}
	s = json_string(sb.len ? sb.buf : "none seen");
	strbuf_release(&sb);
	return s;
}

static json_t *company_json(const struct ectx *e, size_t co, struct co_facts *f, json_t *rows_vals)
{
	const struct company *c = &e->in->eng->companies[co];
	struct strbuf sb = STRBUF_INIT;
	json_t *o, *clouds = json_array(), *accts, *v, *k8s, *nodes, *images, *regions;
	long long aws_accounts = 0, trail = 0, endings = 0, extended = 0;
	const char *cloud, *key;
	size_t i;

	json_object_foreach(f->clouds, cloud, accts) {
		json_array_append_new(clouds, json_pack("{s:s, s:I, s:o}", "cloud", cloud, "accounts",
							(json_int_t)json_object_size(accts), "account_ids",
							cons_set_keys(accts)));
		if (!strcmp(cloud, "aws")) {
			aws_accounts = (long long)json_object_size(accts);
			json_object_foreach(accts, key, v) {
				if (json_object_size(f->org_trail) || json_object_get(f->trail_accounts, key))
					trail++;
			}
		}
	}
	k8s = group_list(e, f->k8s, c->id);
	nodes = group_list(e, f->nodes, c->id);
	images = group_list(e, f->images, c->id);
	regions = cons_set_keys(f->regions);
	o = json_pack("{s:s, s:s, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o}", "company", c->id, "role", c->role, "clouds",
		      clouds, "regions", regions, "kubernetes", k8s, "nodes", nodes, "image_os", images, "base_images",
		      counts_list(f->base, "name", "images", 1), "shared_base_layers",
		      counts_list(f->layers, "diff_id", "images", 2), "registries",
		      counts_list(f->registries, "host", "repositories", 1));
	if (!o)
		goto out;
	json_object_set_new(o, "identity",
			    json_pack("{s:I, s:I, s:I, s:I, s:I, s:o, s:o, s:O}", "users", (json_int_t)f->users,
				      "console_users", (json_int_t)f->console, "mfa_users", (json_int_t)f->mfa, "mfa_unknown",
				      (json_int_t)f->mfa_unknown, "guests", (json_int_t)f->guests, "mfa_coverage",
				      f->console ? json_real((double)(long long)((double)f->mfa / (double)f->console * 1000 + 0.5) / 1000)
						 : json_null(),
				      "sso", cons_set_keys(f->sso), "root_accounts", f->root));
	json_object_set_new(o, "logging",
			    json_pack("{s:I, s:I, s:b, s:o, s:I, s:I}", "aws_accounts", (json_int_t)aws_accounts,
				      "accounts_with_trail", (json_int_t)trail, "organization_trail",
				      json_object_size(f->org_trail) > 0, "trail_coverage",
				      aws_accounts ? json_real((double)(long long)((double)trail / (double)aws_accounts * 1000 + 0.5) / 1000)
						   : json_null(),
				      "clusters_audit_known", (json_int_t)f->clusters_audit_known, "clusters_with_audit",
				      (json_int_t)f->clusters_audit));
	/* The side-by-side texts, one per aspect, in the row order of estate_rows[]. */
	json_array_foreach(clouds, i, v) {
		const char *unit = !strcmp(jsonx_strz(v, "cloud"), "azure") ? "subscription"
				   : !strcmp(jsonx_strz(v, "cloud"), "gcp") ? "project"
									     : "account";

		strbuf_addf(&sb, "%s%s (%lld %s%s)", i ? ", " : "", jsonx_str(v, "cloud"), jsonx_int(v, "accounts", 0), unit,
			    plural(jsonx_int(v, "accounts", 0)));
	}
	json_array_append_new(json_array_get(rows_vals, 0), json_string(sb.len ? sb.buf : "none seen"));
	strbuf_reset(&sb);
	json_array_foreach(regions, i, v) {
		strbuf_addf(&sb, "%s%s", i ? ", " : "", json_string_value(v));
	}
	json_array_append_new(json_array_get(rows_vals, 1), json_string(sb.len ? sb.buf : "none seen"));
	json_array_append_new(json_array_get(rows_vals, 2), groups_text(k8s));
	json_array_append_new(json_array_get(rows_vals, 3), groups_text(nodes));
	json_array_append_new(json_array_get(rows_vals, 4), groups_text(images));
	strbuf_reset(&sb);
	json_array_foreach(json_object_get(o, "base_images"), i, v) {
		strbuf_addf(&sb, "%s%s ×%lld", i ? ", " : "", jsonx_str(v, "name"), jsonx_int(v, "images", 0));
	}
	if (json_array_size(json_object_get(o, "shared_base_layers")))
		strbuf_addf(&sb, "%s%zu base layers shared by two or more images", sb.len ? "; " : "",
			    json_array_size(json_object_get(o, "shared_base_layers")));
	json_array_append_new(json_array_get(rows_vals, 5), json_string(sb.len ? sb.buf : "none seen"));
	strbuf_reset(&sb);
	json_array_foreach(json_object_get(o, "registries"), i, v) {
		strbuf_addf(&sb, "%s%s (%lld)", i ? ", " : "", jsonx_str(v, "host"), jsonx_int(v, "repositories", 0));
	}
	json_array_append_new(json_array_get(rows_vals, 6), json_string(sb.len ? sb.buf : "none seen"));
	strbuf_reset(&sb);
	json_array_foreach(json_object_get(json_object_get(o, "identity"), "sso"), i, v) {
		strbuf_addf(&sb, "%s%s", i ? ", " : "SSO: ", json_string_value(v));
	}
	if (!sb.len)
		strbuf_addstr(&sb, "no SSO seen");
	if (f->console)
		strbuf_addf(&sb, "; MFA on %lld of %lld console users", f->mfa, f->console);
	if (f->mfa_unknown)
		strbuf_addf(&sb, "; MFA not known for %lld user%s", f->mfa_unknown, plural(f->mfa_unknown));
	if (f->guests)
		strbuf_addf(&sb, "; %lld guest user%s", f->guests, plural(f->guests));
	{
		long long without = 0;

		json_array_foreach(f->root, i, v) without += !json_is_true(json_object_get(v, "mfa"));
		if (json_array_size(f->root))
			strbuf_addf(&sb, "; root MFA missing in %lld of %zu account%s", without, json_array_size(f->root),
				    plural((long long)json_array_size(f->root)));
	}
	json_array_append_new(json_array_get(rows_vals, 7), json_string(sb.buf));
	strbuf_reset(&sb);
	if (aws_accounts)
		strbuf_addf(&sb, "CloudTrail (multi-region, logging) in %lld of %lld AWS accounts", trail, aws_accounts);
	if (f->clusters_audit_known)
		strbuf_addf(&sb, "%saudit logs on %lld of %lld clusters whose logging is known", sb.len ? "; " : "",
			    f->clusters_audit, f->clusters_audit_known);
	json_array_append_new(json_array_get(rows_vals, 8), json_string(sb.len ? sb.buf : "not collected"));
	strbuf_reset(&sb);
	json_array_foreach(e->eol_list, i, v) {
		if (strcmp(jsonx_strz(v, "company"), c->id))
			continue;
		if (!strcmp(jsonx_strz(v, "status"), "end-of-life"))
			endings += jsonx_int(v, "count", 0);
		else if (!strcmp(jsonx_strz(v, "status"), "extended-support-only"))
			extended += jsonx_int(v, "count", 0);
	}
	strbuf_addf(&sb, "%lld asset%s on end-of-life platforms, %lld on extended support only", endings, plural(endings),
		    extended);
	json_array_append_new(json_array_get(rows_vals, 9), json_string(sb.buf));
out:
	strbuf_release(&sb);
	return o;
}

static const char *const estate_rows[][2] = {
	{ "clouds", "Clouds" },
	{ "regions", "Regions" },
	{ "kubernetes", "Kubernetes versions" },
	{ "nodes", "Node systems and runtimes" },
	{ "image_os", "Image distributions" },
	{ "base_images", "Base images" },
	{ "registries", "Registries" },
	{ "identity", "Identity" },
	{ "logging", "Logging" },
	{ "end_of_life", "End of life" },
};

int cons_estate(const struct cons_input *in, json_t **out)
{
	size_t ncos = in->eng->ncompanies, i, r;
	struct eol_table *eol = NULL;
	struct co_facts f;
	struct ectx e;
	json_t *companies = json_array(), *vals = json_array(), *rows = json_array(), *seen = NULL, *co;
	int rc, have = 0;

	*out = NULL;
	memset(&e, 0, sizeof(e));
	memset(&f, 0, sizeof(f));
	if ((rc = eol_table_load(&eol, in->templates)) < 0)
		goto cleanup;
	e.in = in;
	e.eol = eol;
	e.eol_list = json_array();
	if (!companies || !vals || !rows || !e.eol_list) {
		rc = err_set(ERR_NOMEM, "out of memory");
		goto cleanup;
	}
	for (r = 0; r < ARRAY_SIZE(estate_rows); r++)
		json_array_append_new(vals, json_array());
	for (i = 0; i < ncos; i++) {
		if ((rc = facts_init(&f)) < 0)
			goto cleanup;
		have = 1;
		seen = json_object();
		for (r = 0; r < in->nassets && rc == 0; r++)
			if (in->assets[r].company == (int)i)
				rc = see_asset(&e, &f, seen, &in->assets[r]);
		if (rc < 0)
			goto cleanup;
		co = company_json(&e, i, &f, vals);
		if (!co || json_array_append_new(companies, co) < 0) {
			rc = err_set(ERR_NOMEM, "out of memory");
			goto cleanup;
		}
		facts_release(&f);
		have = 0;
		json_decref(seen);
		seen = NULL;
	}
	for (r = 0; r < ARRAY_SIZE(estate_rows); r++)
		json_array_append_new(rows, json_pack("{s:s, s:s, s:O}", "aspect", estate_rows[r][0], "title",
						      estate_rows[r][1], "values", json_array_get(vals, r)));
	*out = json_pack("{s:s, s:I, s:o, s:o, s:o}", "as_of", in->eng->as_of_text, "eol_warning_days",
			 (json_int_t)in->eol_warning_days, "rows", rows, "companies", companies, "end_of_life", e.eol_list);
	rows = companies = e.eol_list = NULL;
	if (!*out)
		rc = err_set(ERR_NOMEM, "out of memory");
cleanup:
	if (have)
		facts_release(&f);
	json_decref(seen);
	json_decref(companies);
	json_decref(vals);
	json_decref(rows);
	json_decref(e.eol_list);
	eol_table_free(eol);
	return rc;
}
