/* The Azure and Google Cloud call table and its client (cloud_api.h). */
#include "cloud_api.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/crypto.h"
#include "core/err.h"
#include "core/http.h"
#include "core/jsonx.h"
#include "core/log.h"
#include "core/util.h"

#define ARM_DEFAULT "https://management.azure.com"
#define GRAPH_DEFAULT "https://graph.microsoft.com"
#define CLOUD_MAX_ITEMS 500000

#define A(name, path, feeds) { name, CLOUD_ARM, NULL, path, CLOUD_PAGE_NEXTLINK, "value", NULL, feeds }
#define A1(name, path, feeds) { name, CLOUD_ARM, NULL, path, CLOUD_PAGE_NONE, "*", NULL, feeds }
#define G(name, path) { name, CLOUD_GRAPH, NULL, path, CLOUD_PAGE_ODATA, "value", NULL, NULL }
#define P(name, svc, path, items, type, feeds) { name, CLOUD_GOOGLE, svc, path, CLOUD_PAGE_TOKEN, items, type, feeds }
#define P1(name, svc, path, items, type, feeds) { name, CLOUD_GOOGLE, svc, path, CLOUD_PAGE_NONE, items, type, feeds }

static const struct cloud_call calls[] = {
	/* Azure Resource Manager: configuration reads only; key vaults as metadata (the keys' attributes, never a
	 * key, secret or certificate value, which live on the vault's own data-plane host and are never asked). */
	A("azure.subscriptions", "/subscriptions?api-version=2022-12-01", NULL),
	A("azure.resource_groups", "/subscriptions/{sub}/resourcegroups?api-version=2021-04-01", NULL),
	A("azure.storage.accounts", "/subscriptions/{sub}/providers/Microsoft.Storage/storageAccounts?api-version=2023-01-01",
	  "azure.storage.accounts"),
	A("azure.network.nsgs", "/subscriptions/{sub}/providers/Microsoft.Network/networkSecurityGroups?api-version=2023-09-01",
	  "azure.network.nsgs"),
	A("azure.network.vnets", "/subscriptions/{sub}/providers/Microsoft.Network/virtualNetworks?api-version=2023-09-01", NULL),
	A("azure.keyvault.vaults", "/subscriptions/{sub}/providers/Microsoft.KeyVault/vaults?api-version=2023-07-01",
	  "azure.keyvault.vaults"),
	A("azure.keyvault.keys", "{id}/keys?api-version=2023-07-01", "azure.keyvault.vaults"),
	A("azure.sql.servers", "/subscriptions/{sub}/providers/Microsoft.Sql/servers?api-version=2021-11-01", "azure.sql.servers"),
	A("azure.sql.firewall_rules", "{id}/firewallRules?api-version=2021-11-01", "azure.sql.servers"),
	A1("azure.sql.auditing", "{id}/auditingSettings/default?api-version=2021-11-01", "azure.sql.servers"),
	A("azure.aks.clusters", "/subscriptions/{sub}/providers/Microsoft.ContainerService/managedClusters?api-version=2024-02-01",
	  NULL),
	A("azure.acr.registries", "/subscriptions/{sub}/providers/Microsoft.ContainerRegistry/registries?api-version=2023-07-01",
	  NULL),
	A("azure.role_assignments", "/subscriptions/{sub}/providers/Microsoft.Authorization/roleAssignments?api-version=2022-04-01",
	  NULL),
	A("azure.security.pricings", "/subscriptions/{sub}/providers/Microsoft.Security/pricings?api-version=2024-01-01",
	  "azure.security.pricings"),
	A("azure.security.alerts", "/subscriptions/{sub}/providers/Microsoft.Security/alerts?api-version=2022-01-01", NULL),
	/* Microsoft Graph: the directory's people and the policies that guard them. */
	G("azure.entra.users", "/v1.0/users?$select=id,displayName,userPrincipalName,userType,accountEnabled,createdDateTime"),
	G("azure.entra.mfa", "/v1.0/reports/authenticationMethods/userRegistrationDetails"),
	G("azure.entra.conditional_access", "/v1.0/identity/conditionalAccess/policies"),

	/* Google Cloud: GETs only; the IAM policies come from Cloud Asset's search, which is a GET (getIamPolicy is a
	 * POST). */
	P("gcp.projects", "cloudresourcemanager", "/v1/projects", "projects", "cloudresourcemanager.googleapis.com/Project", NULL),
	P("gcp.iam_policies", "cloudasset", "/v1/projects/{project}:searchAllIamPolicies", "results", NULL,
	  "gcp.resourcemanager.iam_policy"),
	P("gcp.iam.service_accounts", "iam", "/v1/projects/{project}/serviceAccounts", "accounts",
	  "iam.googleapis.com/ServiceAccount", "gcp.iam.service_accounts"),
	P1("gcp.iam.keys", "iam", "/v1/projects/{project}/serviceAccounts/{email}/keys", "keys",
	   "iam.googleapis.com/ServiceAccountKey", "gcp.iam.service_accounts"),
	P("gcp.storage.buckets", "storage", "/storage/v1/b?project={project}", "items", "storage.googleapis.com/Bucket",
	  "gcp.storage.buckets"),
	P1("gcp.storage.bucket_iam", "storage", "/storage/v1/b/{name}/iam", "*", NULL, "gcp.storage.buckets"),
	P1("gcp.compute.project", "compute", "/compute/v1/projects/{project}", "*", "compute.googleapis.com/Project",
	   "gcp.compute.instances"),
	P("gcp.compute.firewalls", "compute", "/compute/v1/projects/{project}/global/firewalls", "items",
	  "compute.googleapis.com/Firewall", "gcp.compute.firewalls"),
	P("gcp.compute.networks", "compute", "/compute/v1/projects/{project}/global/networks", "items",
	  "compute.googleapis.com/Network", "gcp.compute.networks"),
	P("gcp.compute.subnetworks", "compute", "/compute/v1/projects/{project}/aggregated/subnetworks", "@aggregated:subnetworks",
	  "compute.googleapis.com/Subnetwork", "gcp.compute.networks"),
	P("gcp.compute.instances", "compute", "/compute/v1/projects/{project}/aggregated/instances", "@aggregated:instances",
	  "compute.googleapis.com/Instance", "gcp.compute.instances"),
	P1("gcp.container.clusters", "container", "/v1/projects/{project}/locations/-/clusters", "clusters",
	   "container.googleapis.com/Cluster", NULL),
	P("gcp.sql.instances", "sqladmin", "/v1/projects/{project}/instances", "items", "sqladmin.googleapis.com/Instance",
	  "gcp.sql.instances"),
	P("gcp.kms.locations", "cloudkms", "/v1/projects/{project}/locations", "locations", NULL, "gcp.kms.keys"),
	P("gcp.kms.key_rings", "cloudkms", "/v1/projects/{project}/locations/{location}/keyRings", "keyRings", NULL,
	  "gcp.kms.keys"),
	P("gcp.kms.keys", "cloudkms", "/v1/{parent}/cryptoKeys", "cryptoKeys", "cloudkms.googleapis.com/CryptoKey",
	  "gcp.kms.keys"),
	P("gcp.artifactregistry.locations", "artifactregistry", "/v1/projects/{project}/locations", "locations", NULL, NULL),
	P("gcp.artifactregistry.repositories", "artifactregistry", "/v1/projects/{project}/locations/{location}/repositories",
	  "repositories", "artifactregistry.googleapis.com/Repository", NULL),
	P("gcp.logging.sinks", "logging", "/v2/projects/{project}/sinks", "sinks", "logging.googleapis.com/LogSink", NULL),
	P("gcp.scc.findings", "securitycenter", "/v1/projects/{project}/sources/-/findings", "listFindingsResults",
	  "securitycenter.googleapis.com/Finding", NULL),
};

static void crypto_wipe_buf(struct strbuf *sb)
{
	if (sb->buf && sb->len)
		crypto_wipe(sb->buf, sb->len);
}

const struct cloud_call *cloud_call_at(size_t i)
{
	return i < sizeof(calls) / sizeof(calls[0]) ? &calls[i] : NULL;
}

const struct cloud_call *cloud_call_find(const char *name)
{
	size_t i;

	for (i = 0; name && i < sizeof(calls) / sizeof(calls[0]); i++)
		if (!strcmp(calls[i].name, name))
			return &calls[i];
	return NULL;
}

struct cloud_client {
	struct cloud_client_opts opt;
	struct http_client *http;
	struct strbuf tokens[3];
	long requests, exchanges;
};

int cloud_client_new(struct cloud_client **out, const struct cloud_client_opts *opt)
{
	struct http_options ho = { 0 };
	struct cloud_client *c = calloc(1, sizeof(*c));
	int rc, i;

	*out = NULL;
	if (!c)
		return err_set(ERR_NOMEM, "out of memory");
	c->opt = *opt;
	for (i = 0; i < 3; i++)
		strbuf_init(&c->tokens[i], 64 * 1024);
	ho.tls_verify = opt->tls_verify;
	ho.ca_file = opt->ca_file;
	ho.timeout_s = opt->timeout_s;
	ho.max_body = 256u * 1024 * 1024;
	/* Neither the clouds' APIs nor their token endpoints redirect: a redirect is refused, never followed. */
	ho.max_redirects = -1;
	if ((rc = http_client_new(&c->http, &ho)) < 0) {
		cloud_client_free(c);
		return rc;
	}
	*out = c;
	return 0;
}

void cloud_client_free(struct cloud_client *c)
{
	int i;

	if (!c)
		return;
	http_client_free(c->http);
	for (i = 0; i < 3; i++) {
		crypto_wipe_buf(&c->tokens[i]);
		strbuf_release(&c->tokens[i]);
	}
	free(c);
}

long cloud_client_requests(const struct cloud_client *c)
{
	return c->requests;
}

long cloud_client_exchanges(const struct cloud_client *c)
{
	return c->exchanges;
}

void cloud_urlencode(struct strbuf *out, const char *s)
{
	for (; *s; s++) {
		unsigned char ch = (unsigned char)*s;

		if (isalnum(ch) || ch == '-' || ch == '.' || ch == '_' || ch == '~')
			strbuf_addch(out, ch);
		else
			strbuf_addf(out, "%%%02X", ch);
	}
}

/* An argument value: ids ("/subscriptions/..."), parents ("projects/..."), or single names; nothing that could leave
 * the path. */
static int arg_ok(const char *key, const char *v)
{
	const char *p;

	if (!v || !*v || strlen(v) > 1024 || strstr(v, "..") || strstr(v, "//"))
		return 0;
	for (p = v; *p; p++) {
		unsigned char ch = (unsigned char)*p;

		if (!(isalnum(ch) || strchr("-._~@:()", ch) || (ch == '/' && (!strcmp(key, "id") || !strcmp(key, "parent")))))
			return 0;
	}
	if (!strcmp(key, "id"))
		return !strncasecmp(v, "/subscriptions/", 15);
	if (!strcmp(key, "parent"))
		return !strncmp(v, "projects/", 9);
	return 1;
}

static int expand(struct strbuf *out, const char *tmpl, const json_t *args)
{
	const char *p = tmpl, *b, *e;

	while ((b = strchr(p, '{'))) {
		char key[32];
		const char *v;

		strbuf_add(out, p, (size_t)(b - p));
		if (!(e = strchr(b, '}')) || (size_t)(e - b - 1) >= sizeof(key))
			return err_set(ERR_INVALID, "bad template '%s'", tmpl);
		memcpy(key, b + 1, (size_t)(e - b - 1));
		key[e - b - 1] = 0;
		v = jsonx_str(args, key);
		if (!arg_ok(key, v))
			return err_set(ERR_INVALID, "'%.100s' is not a valid %s", v ? v : "(none)", key);
		if (!strcmp(key, "id") || !strcmp(key, "parent") || !strcmp(key, "email"))
			strbuf_addstr(out, v); /* checked by arg_ok: path characters only ('@' is one) */
		else
			cloud_urlencode(out, v);
		p = e + 1;
	}
	strbuf_addstr(out, p);
	return 0;
}

/* The error an API answered: ARM and Graph {"error": {"code", "message"}}, Google {"error": {"status", "message"}}. */
static int api_error(long status, const struct strbuf *body, const char *what)
{
	json_t *doc = json_loadb(body->buf, body->len, 0, NULL), *e = json_object_get(doc, "error");
	const char *code = jsonx_str(e, "code") ? jsonx_str(e, "code") : jsonx_str(e, "status");
	const char *msg = jsonx_str(e, "message") ? jsonx_str(e, "message") : json_string_value(e);
	int rc = status == 401 ? ERR_AUTH : status == 403 ? ERR_DENIED : ERR_HTTP;

	if (json_is_integer(json_object_get(e, "code")))
		code = jsonx_str(e, "status");
	err_set(rc, "%s: HTTP %ld%s%.100s%s%.300s", what, status, code ? " " : "", code ? code : "", msg ? ": " : "",
		msg ? msg : "");
	json_decref(doc);
	return rc;
}

static int token_for(struct cloud_client *c, enum cloud_audience aud, int fresh)
{
	struct strbuf *t = &c->tokens[aud];

	if (t->len && !fresh)
		return 0;
	crypto_wipe_buf(t);
	strbuf_reset(t);
	if (!c->opt.token)
		return err_set(ERR_AUTH, "no credentials to exchange for a token");
	c->exchanges++;
	return c->opt.token(c->opt.token_ctx, c, aud, t);
}

int cloud_token_post(struct cloud_client *c, const char *url, const char *form, const char *what, struct strbuf *out)
{
	return cloud_token_post_member(c, url, form, what, "access_token", out);
}

int cloud_token_post_member(struct cloud_client *c, const char *url, const char *form, const char *what, const char *member,
			    struct strbuf *out)
{
	const char *hdrs[] = { "Content-Type: application/x-www-form-urlencoded", "Accept: application/json", NULL };
	struct http_request req = { "POST", url, hdrs, NULL, form, strlen(form), HTTP_TOKEN_EXCHANGE };
	struct http_response resp;
	json_t *doc = NULL;
	const char *tok;
	int rc;

	if (!util_has_prefix(url, "https://"))
		return err_set(ERR_DENIED, "%s: the token endpoint '%.200s' is not https", what, url);
	c->requests++;
	if ((rc = http_do(c->http, &req, &resp)) < 0)
		return err_set(rc, "%s: %s", what, err_last());
	if (resp.status != 200) {
		rc = api_error(resp.status, &resp.body, what);
		/* OAuth2 errors are {"error": "invalid_client", "error_description": "..."}. */
		if ((doc = json_loadb(resp.body.buf, resp.body.len, 0, NULL)) && jsonx_str(doc, "error"))
			rc = err_set(ERR_AUTH, "%s: HTTP %ld %.100s: %.300s", what, resp.status, jsonx_str(doc, "error"),
				     jsonx_strz(doc, "error_description"));
		goto cleanup;
	}
	if (!(doc = json_loadb(resp.body.buf, resp.body.len, 0, NULL)) || !(tok = jsonx_str(doc, member)) || !*tok ||
	    strlen(tok) > 16384) {
		rc = err_set(ERR_PARSE, "%s: the token endpoint's answer has no %s", what, member);
		goto cleanup;
	}
	strbuf_reset(out);
	strbuf_addstr(out, tok);
	log_secret_add(tok, strlen(tok));
	rc = 0;
cleanup:
	json_decref(doc);
	crypto_wipe_buf(&resp.body);
	http_response_release(&resp);
	return rc;
}

static const char *base_of(const struct cloud_client *c, const struct cloud_call *call, struct strbuf *tmp)
{
	if (call->audience == CLOUD_ARM)
		return c->opt.arm_url ? c->opt.arm_url : ARM_DEFAULT;
	if (call->audience == CLOUD_GRAPH)
		return c->opt.graph_url ? c->opt.graph_url : GRAPH_DEFAULT;
	strbuf_reset(tmp);
	if (c->opt.google_url)
		strbuf_addf(tmp, "%s/%s", c->opt.google_url, call->service);
	else
		strbuf_addf(tmp, "https://%s.googleapis.com", call->service);
	return tmp->buf;
}

/* A page link must keep the origin and the path of the request it came from. */
static int same_resource(const char *a, const char *b)
{
	size_t la = strcspn(a, "?#"), lb = strcspn(b, "?#");

	return la == lb && !strncmp(a, b, la);
}

static int take_items(const struct cloud_call *call, const json_t *doc, json_t *items)
{
	const json_t *list, *v, *x;
	const char *k;
	size_t i;

	if (!strcmp(call->items, "*"))
		return json_array_append(items, (json_t *)doc);
	if (util_has_prefix(call->items, "@aggregated:")) {
		json_object_foreach((json_t *)json_object_get(doc, "items"), k, v)
			json_array_foreach(json_object_get(v, call->items + 12), i, x)
				json_array_append(items, (json_t *)x);
		return 0;
	}
	list = json_object_get(doc, call->items);
	if (list && !json_is_array(list))
		return err_set(ERR_PARSE, "%s: '%s' is not a list", call->name, call->items);
	json_array_foreach(list, i, v)
		json_array_append(items, (json_t *)v);
	return json_array_size(items) > CLOUD_MAX_ITEMS ? err_set(ERR_LIMIT, "%s: more than %d items", call->name, CLOUD_MAX_ITEMS)
							 : 0;
}

int cloud_client_get(struct cloud_client *c, const char *name, const json_t *args, json_t *items)
{
	const struct cloud_call *call = cloud_call_find(name);
	struct strbuf url = STRBUF_INIT, first = STRBUF_INIT, auth = STRBUF_INIT, tmp = STRBUF_INIT, uri = STRBUF_INIT;
	int rc = 0, page, max_pages = c->opt.max_pages ? c->opt.max_pages : 1000, refreshed = 0;
	json_t *doc = NULL;

	if (!call)
		return err_set(ERR_UNSUPPORTED, "'%s' is not in the call table: not sent", name ? name : "");
	strbuf_addstr(&url, base_of(c, call, &tmp));
	if ((rc = expand(&url, call->path, args)) < 0) {
		rc = err_set(rc, "%s: %s", name, err_last());
		goto cleanup;
	}
	strbuf_addstr(&first, url.buf);
	for (page = 0; page < max_pages; page++) {
		const char *hdrs[] = { "Accept: application/json", NULL };
		struct http_request req = { "GET", url.buf, hdrs, NULL, NULL, 0, HTTP_READ };
		struct http_response resp;
		const char *next = NULL;

		if ((rc = token_for(c, call->audience, 0)) < 0)
			goto cleanup;
		strbuf_reset(&auth);
		strbuf_addf(&auth, "Authorization: Bearer %s", c->tokens[call->audience].buf);
		req.credential = auth.buf;
		c->requests++;
		if ((rc = http_do(c->http, &req, &resp)) < 0) {
			rc = err_set(rc, "%s: %s", name, err_last());
			goto cleanup;
		}
		/* An expired token is exchanged again, once. */
		if (resp.status == 401 && !refreshed) {
			http_response_release(&resp);
			refreshed = 1;
			if ((rc = token_for(c, call->audience, 1)) < 0)
				goto cleanup;
			page--;
			continue;
		}
		if (resp.status == 404 && call->paging == CLOUD_PAGE_NONE && !strcmp(call->items, "*")) {
			/* Nothing configured (no auditing policy set): an empty answer, not an error. */
			http_response_release(&resp);
			break;
		}
		if (resp.status != 200) {
			rc = api_error(resp.status, &resp.body, name);
			http_response_release(&resp);
			goto cleanup;
		}
		json_decref(doc);
		if (!(doc = json_loadb(resp.body.buf, resp.body.len, 0, NULL)) || !json_is_object(doc)) {
			rc = err_set(ERR_PARSE, "%s: the answer is not a JSON object", name);
			http_response_release(&resp);
			goto cleanup;
		}
		if (c->opt.evidence) {
			strbuf_reset(&uri);
			strbuf_addf(&uri, "%s:GET %s", call->audience == CLOUD_GOOGLE ? "gcp" : "azure", url.buf);
			if ((rc = c->opt.evidence(c->opt.evidence_ctx, uri.buf, resp.body.buf, resp.body.len)) < 0) {
				http_response_release(&resp);
				goto cleanup;
			}
		}
		http_response_release(&resp);
		if ((rc = take_items(call, doc, items)) < 0)
			goto cleanup;
		if (call->paging == CLOUD_PAGE_NEXTLINK)
			next = jsonx_str(doc, "nextLink");
		else if (call->paging == CLOUD_PAGE_ODATA)
			next = jsonx_str(doc, "@odata.nextLink");
		else if (call->paging == CLOUD_PAGE_TOKEN && jsonx_str(doc, "nextPageToken") && *jsonx_str(doc, "nextPageToken")) {
			strbuf_reset(&url);
			strbuf_addf(&url, "%s%spageToken=", first.buf, strchr(first.buf, '?') ? "&" : "?");
			cloud_urlencode(&url, jsonx_str(doc, "nextPageToken"));
			continue;
		}
		if (!next || !*next)
			break;
		if (!same_resource(next, first.buf)) {
			rc = err_set(ERR_DENIED, "%s: the next page link '%.200s' leaves the resource asked for; not followed", name,
				     next);
			goto cleanup;
		}
		strbuf_reset(&url);
		strbuf_addstr(&url, next);
	}
	if (page >= max_pages)
		log_warn("%s: more than %d pages; the rest was not read", name, max_pages);
cleanup:
	json_decref(doc);
	strbuf_release(&url);
	strbuf_release(&first);
	crypto_wipe_buf(&auth);
	strbuf_release(&auth);
	strbuf_release(&tmp);
	strbuf_release(&uri);
	return rc;
}
