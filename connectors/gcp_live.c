/*
 * gcp: a live Google Cloud estate, read-only, with a service-account key.
 *
 * The key signs a JWT (RS256) that is exchanged for an access token with
 * the read-only cloud-platform scope, at Google's token endpoint or the one
 * the engagement names: never at a token_uri the key file alone asks for.
 * That exchange is the only POST.  Then the GETs of the call table
 * (cloud_api.c), per project: the project, IAM policies (Cloud Asset's
 * search), service accounts and their keys, buckets and their IAM
 * policies, firewall rules, networks, subnetworks, instances and the
 * project's instance metadata, GKE clusters, Cloud SQL instances, KMS keys,
 * Artifact Registry repositories, logging sinks and Security Command
 * Center findings.  Answers become Cloud Asset Inventory assets and go
 * through the normaliser the export uses; a refused call is a coverage gap
 * and the data set it fills is unreadable on the resources it concerns.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cloud.h"
#include "connector.h"
#include "core/crypto.h"
#include "core/err.h"
#include "core/jsonx.h"
#include "core/util.h"
#include "gcp_auth.h"

static const struct schema_field gcp_keys[] = {
	{ "projects", SCH_LIST, 0, NULL, SCH_STRING, NULL },
	CLOUD_LIVE_KEYS,
	{ NULL, 0, 0, NULL, 0, NULL },
};

struct gcp {
	struct gcp_key key;
	const char *token_url;
};

int gcp_token_exchange(struct cloud_client *c, const struct gcp_key *key, const char *token_url, struct strbuf *out)
{
	struct strbuf jwt = STRBUF_INIT, form = STRBUF_INIT;
	int rc;

	if ((rc = gcp_jwt(key, token_url, (int64_t)time(NULL), &jwt)) < 0)
		goto cleanup;
	strbuf_addstr(&form, "grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Ajwt-bearer&assertion=");
	strbuf_addstr(&form, jwt.buf);
	rc = cloud_token_post(c, token_url, form.buf, "Google token exchange", out);
cleanup:
	strbuf_release(&jwt);
	strbuf_release(&form);
	return rc;
}

static int gcp_token(void *ctx, struct cloud_client *c, enum cloud_audience aud, struct strbuf *out)
{
	struct gcp *g = ctx;

	(void)aud;
	return gcp_token_exchange(c, &g->key, g->token_url, out);
}

int gcp_key_from_source(const struct inventory *inv, struct gcp_key *key, const char **token_url)
{
	struct strbuf keytext = STRBUF_INIT;
	int rc;

	strbuf_init(&keytext, 64 * 1024);
	if ((rc = engagement_credential(inv->eng, inv->src, "service_account_key", &keytext)) < 0) {
		rc = err_set(rc == ERR_NOTFOUND ? ERR_USAGE : rc, "source %s: credentials.service_account_key: %s",
			     inv->src->id, err_last());
		goto cleanup;
	}
	if ((rc = gcp_key_parse(keytext.buf, keytext.len, "credentials.service_account_key", key)) < 0)
		goto cleanup;
	if ((rc = cloud_live_endpoint(inv, "token", token_url)) < 0)
		goto cleanup;
	if (!*token_url)
		*token_url = GCP_TOKEN_URI;
	/* The key file is outside data: its token_uri decides nothing. */
	if (strcmp(key->token_uri, *token_url))
		rc = err_set(ERR_DENIED, "source %s: the key's token_uri '%.200s' is not the token endpoint vetter uses (%s); "
					 "the signed assertion is not sent there (name it in endpoints.token to trust it)",
			     inv->src->id, key->token_uri, *token_url);
cleanup:
	if (keytext.len)
		crypto_wipe(keytext.buf, keytext.len);
	strbuf_release(&keytext);
	return rc;
}

/* "https://www.googleapis.com/compute/v1/projects/..." (a selfLink) to "//compute.googleapis.com/projects/...". */
static void asset_name(struct strbuf *out, const char *service, const char *project, const char *kind, const json_t *item)
{
	const char *self = jsonx_str(item, "selfLink"), *name = jsonx_strz(item, "name"), *p;
	const char *host = !strcmp(service, "sqladmin") ? "cloudsql" : service;

	strbuf_reset(out);
	if (!strcmp(service, "storage")) {
		strbuf_addf(out, "//storage.googleapis.com/%s", name);
		return;
	}
	if (self && (p = strstr(self, "/projects/"))) {
		strbuf_addf(out, "//%s.googleapis.com%s", host, p);
		return;
	}
	if (util_has_prefix(name, "projects/") || util_has_prefix(name, "organizations/"))
		strbuf_addf(out, "//%s.googleapis.com/%s", host, name);
	else
		strbuf_addf(out, "//%s.googleapis.com/projects/%s/%s/%s", host, project, kind, name);
}

static int add_asset(struct gcp_set *s, const char *name, const char *type, const json_t *data, const json_t *iam)
{
	json_t *a = json_pack("{s:s, s:s}", "name", name, "asset_type", type);
	int rc;

	if (!a)
		return err_set(ERR_NOMEM, "out of memory");
	if (data)
		json_object_set_new(a, "resource", json_pack("{s:O}", "data", data));
	if (iam)
		json_object_set(a, "iam_policy", (json_t *)iam);
	rc = gcp_set_add(s, a, "gcp");
	json_decref(a);
	return rc;
}

/* One call's items as assets of the call's type. */
static int list_into(struct cloud_live *l, struct gcp_set *s, const char *call, json_t *args, const char *project,
		     const char *kind, json_t **items_out)
{
	const struct cloud_call *cc = cloud_call_find(call);
	json_t *items = json_array(), *it;
	struct strbuf scope = STRBUF_INIT, name = STRBUF_INIT;
	size_t i;
	int rc;

	strbuf_addf(&scope, "project %s", project);
	rc = cloud_live_get(l, call, args, scope.buf, items);
	json_array_foreach(items, i, it) {
		const json_t *data = it;

		if (rc < 0 || !cc->asset_type)
			break;
		/* Security Command Center wraps each finding. */
		if (json_object_get(it, "finding"))
			data = json_object_get(it, "finding");
		asset_name(&name, cc->service, project, kind, data);
		if ((rc = add_asset(s, name.buf, cc->asset_type, data, NULL)) < 0)
			break;
	}
	if (items_out && rc == 0)
		*items_out = items;
	else
		json_decref(items);
	strbuf_release(&scope);
	strbuf_release(&name);
	return rc;
}

static int per_location(struct cloud_live *l, struct gcp_set *s, const char *project, const char *loc_call)
{
	json_t *args = json_pack("{s:s}", "project", project), *locs = NULL, *loc;
	size_t i, j;
	int rc;

	rc = list_into(l, s, loc_call, args, project, "locations", &locs);
	json_array_foreach(locs, i, loc) {
		const char *id = jsonx_str(loc, "locationId");
		json_t *a2, *rings = NULL, *ring;

		if (!id)
			continue;
		a2 = json_pack("{s:s, s:s}", "project", project, "location", id);
		if (!strcmp(loc_call, "gcp.artifactregistry.locations")) {
			rc = list_into(l, s, "gcp.artifactregistry.repositories", a2, project, "repositories", NULL);
		} else if ((rc = list_into(l, s, "gcp.kms.key_rings", a2, project, "keyRings", &rings)) == 0) {
			json_array_foreach(rings, j, ring) {
				json_t *a3 = json_pack("{s:s}", "parent", jsonx_strz(ring, "name"));

				rc = list_into(l, s, "gcp.kms.keys", a3, project, "cryptoKeys", NULL);
				json_decref(a3);
				if (cloud_live_fatal(rc))
					break;
			}
		}
		json_decref(rings);
		json_decref(a2);
		if (cloud_live_fatal(rc))
			break;
	}
	json_decref(locs);
	json_decref(args);
	return cloud_live_fatal(rc) ? rc : 0;
}

static int project(struct cloud_live *l, struct gcp_set *s, const char *pid, const json_t *pdata)
{
	static const struct {
		const char *call, *kind;
	} lists[] = { { "gcp.compute.project", "" },         { "gcp.compute.firewalls", "global/firewalls" },
		      { "gcp.compute.networks", "global/networks" }, { "gcp.compute.subnetworks", "subnetworks" },
		      { "gcp.compute.instances", "instances" }, { "gcp.container.clusters", "clusters" },
		      { "gcp.sql.instances", "instances" },     { "gcp.logging.sinks", "sinks" },
		      { "gcp.scc.findings", "findings" },       { NULL, NULL } };
	json_t *args = json_pack("{s:s}", "project", pid), *items = NULL, *it;
	struct strbuf pname = STRBUF_INIT, scope = STRBUF_INIT, name = STRBUF_INIT, why = STRBUF_INIT;
	size_t i;
	int rc = 0, iam_rc;

	strbuf_addf(&scope, "project %s", pid);
	/* IAM policies, the project's and its resources'. */
	items = json_array();
	rc = cloud_live_get(l, "gcp.iam_policies", args, scope.buf, items);
	if (cloud_live_fatal(rc))
		goto cleanup;
	iam_rc = rc;
	if (rc < 0)
		strbuf_addstr(&why, err_last());
	/* CAI names a project by its number: the number listed, else the one its policy is under. */
	if (jsonx_str(pdata, "projectNumber"))
		strbuf_addf(&pname, "//cloudresourcemanager.googleapis.com/projects/%s", jsonx_str(pdata, "projectNumber"));
	json_array_foreach(items, i, it)
		if (!pname.len && !strcmp(jsonx_strz(it, "assetType"), "cloudresourcemanager.googleapis.com/Project") &&
		    util_has_prefix(jsonx_strz(it, "resource"), "//cloudresourcemanager.googleapis.com/projects/"))
			strbuf_addstr(&pname, jsonx_str(it, "resource"));
	if (!pname.len)
		strbuf_addf(&pname, "//cloudresourcemanager.googleapis.com/projects/%s", pid);
	{
		json_t *bare = pdata ? NULL : json_pack("{s:s}", "projectId", pid);

		rc = add_asset(s, pname.buf, "cloudresourcemanager.googleapis.com/Project", pdata ? pdata : bare, NULL);
		json_decref(bare);
		if (rc < 0 || (rc = gcp_set_mark(s, pname.buf, "iam", iam_rc < 0 ? why.buf : NULL)) < 0)
			goto cleanup;
	}
	json_array_foreach(items, i, it)
		if (jsonx_str(it, "resource") && jsonx_str(it, "assetType") && json_is_object(json_object_get(it, "policy")) &&
		    (rc = add_asset(s, jsonx_str(it, "resource"), jsonx_str(it, "assetType"), NULL, json_object_get(it, "policy"))) < 0)
			goto cleanup;
	json_decref(items);
	items = NULL;
	/* Service accounts and their keys. */
	if ((rc = list_into(l, s, "gcp.iam.service_accounts", args, pid, "serviceAccounts", &items)) == 0) {
		json_array_foreach(items, i, it) {
			const char *email = jsonx_str(it, "email");
			json_t *a2, *keys = json_array(), *k;
			size_t j;

			if (!email || !keys) {
				json_decref(keys);
				continue;
			}
			a2 = json_pack("{s:s, s:s}", "project", pid, "email", email);
			rc = cloud_live_get(l, "gcp.iam.keys", a2, scope.buf, keys);
			json_decref(a2);
			if (!cloud_live_fatal(rc) && rc < 0)
				rc = gcp_set_mark(s, email, "keys", err_last());
			json_array_foreach(keys, j, k) {
				strbuf_reset(&name);
				strbuf_addf(&name, "//iam.googleapis.com/%s", jsonx_strz(k, "name"));
				if (rc == 0 && jsonx_str(k, "name"))
					rc = add_asset(s, name.buf, "iam.googleapis.com/ServiceAccountKey", k, NULL);
			}
			json_decref(keys);
			if (cloud_live_fatal(rc))
				goto cleanup;
		}
	}
	json_decref(items);
	items = NULL;
	if (cloud_live_fatal(rc))
		goto cleanup;
	/* Buckets and their IAM policies. */
	if ((rc = list_into(l, s, "gcp.storage.buckets", args, pid, "b", &items)) == 0) {
		json_array_foreach(items, i, it) {
			const char *bname = jsonx_str(it, "name");
			json_t *a2, *pol = json_array();

			if (!bname || !pol) {
				json_decref(pol);
				continue;
			}
			strbuf_reset(&name);
			strbuf_addf(&name, "//storage.googleapis.com/%s", bname);
			a2 = json_pack("{s:s}", "name", bname);
			rc = cloud_live_get(l, "gcp.storage.bucket_iam", a2, scope.buf, pol);
			json_decref(a2);
			if (rc == 0 && json_array_size(pol))
				rc = add_asset(s, name.buf, "storage.googleapis.com/Bucket", NULL, json_array_get(pol, 0));
			else if (!cloud_live_fatal(rc))
				rc = gcp_set_mark(s, name.buf, "iam", rc < 0 ? err_last() : NULL);
			json_decref(pol);
			if (cloud_live_fatal(rc))
				goto cleanup;
		}
	}
	json_decref(items);
	items = NULL;
	if (cloud_live_fatal(rc))
		goto cleanup;
	for (i = 0; lists[i].call; i++)
		if (cloud_live_fatal(rc = list_into(l, s, lists[i].call, args, pid, lists[i].kind, NULL)))
			goto cleanup;
	if ((rc = per_location(l, s, pid, "gcp.kms.locations")) < 0 ||
	    (rc = per_location(l, s, pid, "gcp.artifactregistry.locations")) < 0)
		goto cleanup;
	rc = 0;
cleanup:
	json_decref(items);
	json_decref(args);
	strbuf_release(&pname);
	strbuf_release(&scope);
	strbuf_release(&name);
	strbuf_release(&why);
	return rc;
}

static int gcp_collect(struct inventory *inv)
{
	const json_t *want = json_object_get(inv->src->doc, "projects"), *v;
	struct gcp g = { { 0 }, NULL };
	json_t *projects = json_array(), *docs = NULL, *extra = NULL, *done = json_object();
	struct gcp_set *s = NULL;
	struct cloud_live l = { 0 };
	struct cloud_stats cs;
	size_t i;
	int rc, opened = 0;

	if (!projects || !done) {
		rc = err_set(ERR_NOMEM, "out of memory");
		goto cleanup;
	}
	if ((rc = gcp_key_from_source(inv, &g.key, &g.token_url)) < 0)
		goto cleanup;
	if ((rc = gcp_set_new(&s)) < 0 || (rc = cloud_live_open(&l, inv, "gcp", gcp_token, &g)) < 0)
		goto cleanup;
	opened = 1;
	rc = cloud_live_get(&l, "gcp.projects", NULL, "projects", projects);
	if (rc < 0 && (cloud_live_fatal(rc) || !want || rc == ERR_AUTH))
		goto cleanup;
	json_array_foreach(projects, i, v) {
		const char *pid = jsonx_str(v, "projectId");
		size_t j;
		const json_t *w;
		int wanted = !want;

		json_array_foreach(want, j, w)
			wanted |= pid && json_is_string(w) && !strcmp(json_string_value(w), pid);
		if (!pid || !wanted || strcmp(jsonx_strz(v, "lifecycleState"), "ACTIVE") || json_object_get(done, pid))
			continue;
		json_object_set_new(done, pid, json_true());
		if ((rc = project(&l, s, pid, v)) < 0)
			goto cleanup;
	}
	/* Projects named but not listed (no resourcemanager.projects.list): read by id. */
	json_array_foreach(want, i, v)
		if (!json_object_get(done, json_string_value(v))) {
			json_object_set_new(done, json_string_value(v), json_true());
			if ((rc = project(&l, s, json_string_value(v), NULL)) < 0)
				goto cleanup;
		}
	if ((rc = gcp_set_documents(s, &docs)) < 0)
		goto cleanup;
	gcp_set_stats(s, &cs);
	if (!(extra = cloud_live_counts(&l))) {
		rc = err_set(ERR_NOMEM, "out of memory");
		goto cleanup;
	}
	json_object_set_new(extra, "projects", json_integer((json_int_t)json_object_size(done)));
	rc = cloud_write_documents(inv, docs, &cs, extra, "live");
cleanup:
	if (opened)
		cloud_live_close(&l);
	gcp_set_free(s);
	gcp_key_release(&g.key);
	json_decref(projects);
	json_decref(docs);
	json_decref(extra);
	json_decref(done);
	return rc;
}

const struct connector connector_gcp = {
	{ "gcp", 1, gcp_keys, "a live Google Cloud estate, read-only, with a service-account key" },
	gcp_collect,
};
