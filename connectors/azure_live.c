/*
 * azure: a live Azure estate, read-only, with a service principal.
 *
 * The principal's secret is exchanged for tokens (OAuth2 client
 * credentials, one token for Resource Manager and one for Microsoft Graph)
 * at the Entra ID token endpoint: login.microsoftonline.com, or the one the
 * engagement names.  Those exchanges are the only POSTs; everything else is
 * a GET of the call table (cloud_api.c): per subscription the resource
 * groups, storage accounts, NSGs, virtual networks, key vaults and their
 * keys' metadata, SQL servers with firewall rules and auditing, AKS
 * clusters, container registries, role assignments, Defender plans and
 * alerts; then the directory's users (guests included), MFA registration
 * and conditional access policies.  A call refused or failing is a coverage
 * gap, and the data set it fills is unreadable on the resources it concerns;
 * the rest goes on.  Answers go through the normaliser the export uses.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cloud.h"
#include "connector.h"
#include "core/crypto.h"
#include "core/err.h"
#include "core/jsonx.h"
#include "core/util.h"

#define LOGIN_DEFAULT "https://login.microsoftonline.com"

static const struct schema_field azure_keys[] = {
	{ "tenant", SCH_STRING, 1, NULL, SCH_ANY, NULL },
	{ "subscriptions", SCH_LIST, 0, NULL, SCH_STRING, NULL },
	{ "entra", SCH_BOOL, 0, NULL, SCH_ANY, NULL },
	CLOUD_LIVE_KEYS,
	{ NULL, 0, 0, NULL, 0, NULL },
};

struct az {
	struct inventory *inv;
	const char *tenant, *login;
	struct strbuf client_id, secret;
};

int azure_token_exchange(struct cloud_client *c, const char *login, const char *tenant, const char *client_id,
			 const char *secret, enum cloud_audience aud, struct strbuf *out)
{
	struct strbuf form = STRBUF_INIT, url = STRBUF_INIT;
	int rc;

	strbuf_addf(&url, "%s/%s/oauth2/v2.0/token", login ? login : LOGIN_DEFAULT, tenant);
	strbuf_addstr(&form, "grant_type=client_credentials&client_id=");
	cloud_urlencode(&form, client_id);
	strbuf_addstr(&form, "&client_secret=");
	cloud_urlencode(&form, secret);
	strbuf_addstr(&form, "&scope=");
	cloud_urlencode(&form, aud == CLOUD_GRAPH ? "https://graph.microsoft.com/.default"
						 : "https://management.azure.com/.default");
	rc = cloud_token_post(c, url.buf, form.buf, aud == CLOUD_GRAPH ? "Entra ID token for Microsoft Graph"
								       : "Entra ID token for Azure Resource Manager",
			      out);
	crypto_wipe(form.buf, form.len);
	strbuf_release(&form);
	strbuf_release(&url);
	return rc;
}

static int az_token(void *ctx, struct cloud_client *c, enum cloud_audience aud, struct strbuf *out)
{
	struct az *a = ctx;

	return azure_token_exchange(c, a->login, a->tenant, a->client_id.buf, a->secret.buf, aud, out);
}

int azure_tenant_ok(const char *t)
{
	size_t n = 0;

	for (; t[n]; n++)
		if (!isalnum((unsigned char)t[n]) && t[n] != '-' && t[n] != '.')
			return 0;
	return n > 0 && n < 256;
}

/* Add every item to the set; a listing that failed marks what it would have filled. */
static int add_all(struct azure_set *s, const json_t *items)
{
	return azure_set_add(s, items, "azure");
}

static int per_resource(struct cloud_live *l, struct azure_set *s, const json_t *parents, const char *call,
			const char *what, const char *sub)
{
	const json_t *p;
	size_t i;
	int rc = 0;

	json_array_foreach(parents, i, p) {
		const char *id = jsonx_str(p, "id");
		json_t *args, *items = json_array();

		if (!id || !items) {
			json_decref(items);
			continue;
		}
		args = json_pack("{s:s}", "id", id);
		rc = cloud_live_get(l, call, args, sub, items);
		json_decref(args);
		if (rc == 0)
			rc = add_all(s, items);
		json_decref(items);
		if (cloud_live_fatal(rc))
			return rc;
		if ((rc = azure_set_mark(s, id, what, rc < 0 ? err_last() : NULL)) < 0)
			return rc;
	}
	return 0;
}

static int subscription(struct cloud_live *l, struct azure_set *s, const char *sub)
{
	static const char *const lists[] = { "azure.resource_groups", "azure.storage.accounts", "azure.network.nsgs",
					     "azure.network.vnets", "azure.aks.clusters", "azure.acr.registries",
					     "azure.role_assignments", "azure.security.alerts", NULL };
	json_t *args = json_pack("{s:s}", "sub", sub), *items;
	struct strbuf scope = STRBUF_INIT;
	size_t i;
	int rc = 0;

	strbuf_addf(&scope, "subscription %s", sub);
	for (i = 0; lists[i] && rc >= 0; i++) {
		items = json_array();
		if ((rc = cloud_live_get(l, lists[i], args, scope.buf, items)) == 0)
			rc = add_all(s, items);
		json_decref(items);
		rc = cloud_live_fatal(rc) ? rc : 0;
	}
	if (rc < 0)
		goto cleanup;
	/* Defender plans: an answer (even an empty one) or the reason there is none. */
	items = json_array();
	rc = cloud_live_get(l, "azure.security.pricings", args, scope.buf, items);
	if (rc == 0)
		rc = add_all(s, items);
	json_decref(items);
	if (cloud_live_fatal(rc) || (rc = azure_set_mark(s, sub, "pricings", rc < 0 ? err_last() : NULL)) < 0)
		goto cleanup;
	/* Key vaults with their keys' metadata; SQL servers with firewall rules and auditing. */
	items = json_array();
	if ((rc = cloud_live_get(l, "azure.keyvault.vaults", args, scope.buf, items)) == 0 && (rc = add_all(s, items)) == 0)
		rc = per_resource(l, s, items, "azure.keyvault.keys", "keys", scope.buf);
	json_decref(items);
	if (cloud_live_fatal(rc))
		goto cleanup;
	items = json_array();
	if ((rc = cloud_live_get(l, "azure.sql.servers", args, scope.buf, items)) == 0 && (rc = add_all(s, items)) == 0 &&
	    (rc = per_resource(l, s, items, "azure.sql.firewall_rules", "firewall", scope.buf)) == 0)
		rc = per_resource(l, s, items, "azure.sql.auditing", "auditing", scope.buf);
	json_decref(items);
	rc = cloud_live_fatal(rc) ? rc : 0;
cleanup:
	json_decref(args);
	strbuf_release(&scope);
	return rc;
}

static int azure_collect(struct inventory *inv)
{
	struct az a = { inv, jsonx_str(inv->src->doc, "tenant"), NULL, STRBUF_INIT, STRBUF_INIT };
	const json_t *want = json_object_get(inv->src->doc, "subscriptions"), *v;
	json_t *subs = json_array(), *docs = NULL, *seen = json_object(), *extra = NULL;
	struct azure_set *s = NULL;
	struct cloud_live l = { 0 };
	struct cloud_stats cs;
	size_t i;
	int rc, opened = 0;

	strbuf_init(&a.secret, 4096);
	if (!subs || !seen) {
		rc = err_set(ERR_NOMEM, "out of memory");
		goto cleanup;
	}
	if (!a.tenant || !azure_tenant_ok(a.tenant)) {
		rc = err_set(ERR_USAGE, "source %s: tenant '%.100s' is not a tenant id or domain", inv->src->id, a.tenant);
		goto cleanup;
	}
	if ((rc = cloud_live_endpoint(inv, "login", &a.login)) < 0)
		goto cleanup;
	if (!a.login)
		a.login = LOGIN_DEFAULT;
	if ((rc = engagement_credential(inv->eng, inv->src, "client_id", &a.client_id)) < 0 ||
	    (rc = engagement_credential(inv->eng, inv->src, "client_secret", &a.secret)) < 0) {
		rc = err_set(rc == ERR_NOTFOUND ? ERR_USAGE : rc, "source %s: a service principal needs credentials.client_id "
								  "and credentials.client_secret: %s", inv->src->id, err_last());
		goto cleanup;
	}
	if ((rc = azure_set_new(&s)) < 0 || (rc = cloud_live_open(&l, inv, "azure", az_token, &a)) < 0)
		goto cleanup;
	opened = 1;
	/* Without the subscriptions nothing else can be asked: that failure is the source's. */
	if ((rc = cloud_client_get(l.client, "azure.subscriptions", NULL, subs)) < 0)
		goto cleanup;
	l.calls++;
	json_array_foreach(subs, i, v) {
		const char *id = jsonx_str(v, "subscriptionId");
		size_t j;
		const json_t *w;
		int wanted = !want;

		json_array_foreach(want, j, w)
			wanted |= id && json_is_string(w) && !strcasecmp(json_string_value(w), id);
		if (!id || !wanted || strlen(id) > 64)
			continue;
		json_object_set_new(seen, id, json_true());
		if ((rc = azure_set_add(s, v, "azure")) < 0 || (rc = subscription(&l, s, id)) < 0)
			goto cleanup;
	}
	json_array_foreach(want, i, v) {
		int found = 0;
		const char *k;
		json_t *x;

		json_object_foreach(seen, k, x)
			found |= !strcasecmp(k, json_string_value(v));
		if (!found && (rc = inventory_gap(inv, "azure subscriptions", "a subscription named in the engagement is not "
									      "visible to the service principal")) < 0)
			goto cleanup;
	}
	if (jsonx_bool(inv->src->doc, "entra", 1)) {
		static const char *const graph[] = { "azure.entra.users", "azure.entra.mfa", "azure.entra.conditional_access", NULL };

		for (i = 0; graph[i]; i++) {
			json_t *items = json_array();

			if ((rc = cloud_live_get(&l, graph[i], NULL, "directory", items)) == 0)
				rc = azure_set_add(s, items, "graph");
			json_decref(items);
			if (cloud_live_fatal(rc))
				goto cleanup;
		}
	}
	if ((rc = azure_set_documents(s, &docs)) < 0)
		goto cleanup;
	azure_set_stats(s, &cs);
	if (!(extra = cloud_live_counts(&l))) {
		rc = err_set(ERR_NOMEM, "out of memory");
		goto cleanup;
	}
	json_object_set_new(extra, "subscriptions", json_integer((json_int_t)json_object_size(seen)));
	rc = cloud_write_documents(inv, docs, &cs, extra, "live");
cleanup:
	if (opened)
		cloud_live_close(&l);
	azure_set_free(s);
	json_decref(subs);
	json_decref(seen);
	json_decref(docs);
	json_decref(extra);
	if (a.secret.len)
		crypto_wipe(a.secret.buf, a.secret.len);
	strbuf_release(&a.secret);
	strbuf_release(&a.client_id);
	return rc;
}

const struct connector connector_azure = {
	{ "azure", 1, azure_keys,
	  "a live Azure estate, read-only, with a service principal: Resource Manager and Microsoft Graph" },
	azure_collect,
};
