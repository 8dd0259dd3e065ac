#include "k8s_api.h"

#include <stdlib.h>
#include <string.h>

#include "core/err.h"
#include "core/http.h"
#include "core/jsonx.h"
#include "core/util.h"

#define K8S_MAX_PAGES 100000
#define K8S_MAX_ITEMS 500000
#define K8S_MAX_CONTINUE 8192

const struct k8s_resource k8s_resources[] = {
	{ "nodes", { "v1" }, 0, "Node", 0 },
	{ "namespaces", { "v1" }, 0, "Namespace", 0 },
	{ "pods", { "v1" }, 1, "Pod", 0 },
	{ "deployments", { "apps/v1" }, 1, "Deployment", 0 },
	{ "replicasets", { "apps/v1" }, 1, "ReplicaSet", 0 },
	{ "statefulsets", { "apps/v1" }, 1, "StatefulSet", 0 },
	{ "daemonsets", { "apps/v1" }, 1, "DaemonSet", 0 },
	{ "jobs", { "batch/v1" }, 1, "Job", 0 },
	{ "cronjobs", { "batch/v1", "batch/v1beta1" }, 1, "CronJob", 0 },
	{ "services", { "v1" }, 1, "Service", 0 },
	{ "ingresses", { "networking.k8s.io/v1", "networking.k8s.io/v1beta1" }, 1, "Ingress", 0 },
	{ "networkpolicies", { "networking.k8s.io/v1" }, 1, "NetworkPolicy", 0 },
	{ "serviceaccounts", { "v1" }, 1, "ServiceAccount", 0 },
	{ "roles", { "rbac.authorization.k8s.io/v1" }, 1, "Role", 0 },
	{ "rolebindings", { "rbac.authorization.k8s.io/v1" }, 1, "RoleBinding", 0 },
	{ "clusterroles", { "rbac.authorization.k8s.io/v1" }, 0, "ClusterRole", 0 },
	{ "clusterrolebindings", { "rbac.authorization.k8s.io/v1" }, 0, "ClusterRoleBinding", 0 },
	{ "customresourcedefinitions", { "apiextensions.k8s.io/v1", "apiextensions.k8s.io/v1beta1" }, 0,
	  "CustomResourceDefinition", 0 },
	{ "validatingwebhookconfigurations", { "admissionregistration.k8s.io/v1", "admissionregistration.k8s.io/v1beta1" },
	  0, "ValidatingWebhookConfiguration", 0 },
	{ "mutatingwebhookconfigurations", { "admissionregistration.k8s.io/v1", "admissionregistration.k8s.io/v1beta1" },
	  0, "MutatingWebhookConfiguration", 0 },
	{ "configmaps", { "v1" }, 1, "ConfigMap", 1 },
	{ "secrets", { "v1" }, 1, "Secret", 1 },
};
const size_t k8s_nresources = ARRAY_SIZE(k8s_resources);

static const char accept_json[] = "Accept: application/json";
static const char accept_meta[] = "Accept: application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1";

struct k8s_client {
	struct http_client *http;
	char *server;
	char *credential;
	size_t page_size;
};

static int dns_label(const char *s, size_t n)
{
	size_t i;

	if (!n || n > 63 || s[0] == '-' || s[n - 1] == '-')
		return 0;
	for (i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '-'))
			return 0;
	return 1;
}

static int gv_prefix(struct strbuf *out, const char *gv)
{
	return strcmp(gv, "v1") ? strbuf_addf(out, "/apis/%s", gv) : strbuf_addstr(out, "/api/v1");
}

int k8s_path_allowed(const char *path)
{
	struct strbuf pre = STRBUF_INIT;
	size_t i, j, plen;
	const char *rest, *slash;
	int ok = 0;

	if (!strcmp(path, "/version"))
		return 1;
	for (i = 0; i < k8s_nresources && !ok; i++) {
		const struct k8s_resource *r = &k8s_resources[i];

		for (j = 0; r->gv[j] && !ok; j++) {
			strbuf_reset(&pre);
			gv_prefix(&pre, r->gv[j]);
			plen = pre.len;
			if (strncmp(path, pre.buf, plen))
				continue;
			rest = path + plen;
			if (rest[0] == '/' && !strcmp(rest + 1, r->name)) {
				ok = 1;
			} else if (r->namespaced && !strncmp(rest, "/namespaces/", 12)) {
				rest += 12;
				slash = strchr(rest, '/');
				ok = slash && dns_label(rest, (size_t)(slash - rest)) && !strcmp(slash + 1, r->name);
			}
		}
	}
	strbuf_release(&pre);
	return ok;
}

int k8s_client_new(struct k8s_client **out, const struct k8s_target *t, const struct k8s_client_opts *o)
{
	struct http_options ho = { 0 };
	struct k8s_client *c = calloc(1, sizeof(*c));
	struct strbuf cred = STRBUF_INIT;
	int rc;

	*out = NULL;
	if (!c)
		return err_set(ERR_NOMEM, "out of memory");
	ho.tls_verify = o->tls_verify && !t->insecure;
	ho.ca_pem = t->ca_pem;
	ho.client_cert_pem = t->cert_pem;
	ho.client_key_pem = t->key_pem;
	ho.timeout_s = o->timeout_s;
	ho.max_redirects = -1; /* an API server has no reason to send a reader elsewhere */
	c->page_size = o->page_size ? o->page_size : 500;
	if ((rc = http_client_new(&c->http, &ho)) < 0)
		goto fail;
	if (!(c->server = util_strdup(t->server))) {
		rc = ERR_NOMEM;
		goto fail;
	}
	if (t->token) {
		if ((rc = strbuf_addf(&cred, "Authorization: Bearer %s", t->token)) < 0)
			goto fail;
		c->credential = strbuf_detach(&cred, NULL);
	}
	*out = c;
	return 0;
fail:
	strbuf_release(&cred);
	k8s_client_free(c);
	return rc;
}

void k8s_client_free(struct k8s_client *c)
{
	if (!c)
		return;
	http_client_free(c->http);
	free(c->server);
	if (c->credential) {
		memset(c->credential, 0, strlen(c->credential));
		free(c->credential);
	}
	free(c);
}

/* What a Status answer says, printable and short. */
static void status_message(struct strbuf *out, const struct http_response *resp)
{
	json_t *doc = NULL;
	const char *m;
	size_t i;

	if (jsonx_parse(resp->body.buf, resp->body.len, "status", &doc) < 0) {
		err_clear();
		return;
	}
	m = jsonx_str(doc, "message");
	for (i = 0; m && m[i] && i < 300; i++)
		strbuf_addch(out, (unsigned char)m[i] >= 0x20 && (unsigned char)m[i] < 0x7f ? m[i] : '?');
	json_decref(doc);
}

/*
 * GET path (and query) from the server: 0 with *out parsed, or a negative
 * code with the message set; *status is the HTTP status (0 when none).
 */
static int get_json(struct k8s_client *c, const char *path, const char *query, int metadata_only, json_t **out,
		    long *status)
{
	const char *headers[] = { metadata_only ? accept_meta : accept_json, NULL };
	struct strbuf url = STRBUF_INIT, msg = STRBUF_INIT, ct = STRBUF_INIT;
	struct http_request req = { 0 };
	struct http_response resp;
	int rc;

	*out = NULL;
	*status = 0;
	if (!k8s_path_allowed(path))
		return err_set(ERR_INVALID, "%s is not on vetter's list of Kubernetes reads", path);
	if ((rc = strbuf_addf(&url, "%s%s%s%s", c->server, path, query ? "?" : "", query ? query : "")) < 0)
		return rc;
	req.url = url.buf;
	req.headers = headers;
	req.credential = c->credential;
	/* A redirect is an error (max_redirects -1) whose message names where it pointed. */
	rc = http_do(c->http, &req, &resp);
	*status = resp.status;
	if (rc == ERR_DENIED)
		rc = ERR_NET; /* the HTTP layer refused the address: no answer, not a 403 */
	if (rc < 0)
		goto cleanup;
	if (resp.status != 200) {
		status_message(&msg, &resp);
		rc = resp.status == 401 ? ERR_AUTH : resp.status == 403 ? ERR_DENIED : resp.status == 404 ? ERR_NOTFOUND
											       : ERR_HTTP;
		rc = err_set(rc, "GET %s: %ld%s%s%s", path, resp.status,
			     resp.status == 401 ? " Unauthorized (the API server did not accept the credentials)"
						: resp.status == 403 ? " Forbidden" : "",
			     msg.len ? ": " : "", msg.buf);
		goto cleanup;
	}
	if (jsonx_parse(resp.body.buf, resp.body.len, path, out) < 0 || !json_is_object(*out)) {
		const char *first = resp.body.buf + strspn(resp.body.buf, " \t\r\n");

		http_header(&resp, "Content-Type", &ct);
		if (*first == '<')
			rc = err_set(ERR_PARSE, "GET %s%s: the answer is HTML (%s), not JSON: is this a Kubernetes API "
				     "server?", c->server, path, ct.len ? ct.buf : "no Content-Type");
		else if (*out)
			rc = err_set(ERR_PARSE, "GET %s%s: the answer is not a JSON object", c->server, path);
		else
			rc = err_set(ERR_PARSE, "GET %s%s: the answer is not valid JSON (%s)", c->server, path, err_last());
		json_decref(*out);
		*out = NULL;
	}
cleanup:
	http_response_release(&resp);
	strbuf_release(&url);
	strbuf_release(&msg);
	strbuf_release(&ct);
	return rc;
}

int k8s_client_version(struct k8s_client *c, json_t **out)
{
	long status;
	int rc;

	if ((rc = get_json(c, "/version", NULL, 0, out, &status)) < 0)
		return rc;
	if (!jsonx_str(*out, "gitVersion")) {
		json_decref(*out);
		*out = NULL;
		return err_set(ERR_PARSE, "GET %s/version: the answer is not a Kubernetes version", c->server);
	}
	return 0;
}

static void pct_encode(struct strbuf *out, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t i;

	for (i = 0; s[i]; i++) {
		unsigned char ch = (unsigned char)s[i];

		if ((ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '-' ||
		    ch == '.' || ch == '_' || ch == '~') {
			strbuf_addch(out, ch);
		} else {
			strbuf_addch(out, '%');
			strbuf_addch(out, hex[ch >> 4]);
			strbuf_addch(out, hex[ch & 15]);
		}
	}
}

static int valid_continue(const char *s)
{
	size_t i;

	for (i = 0; s[i]; i++)
		if ((unsigned char)s[i] < 0x20 || (unsigned char)s[i] >= 0x7f || i >= K8S_MAX_CONTINUE)
			return 0;
	return 1;
}

/* Every page of one path. */
static int list_path(struct k8s_client *c, const struct k8s_resource *r, const char *path, k8s_item_cb cb, void *ctx)
{
	struct strbuf query = STRBUF_INIT, prev = STRBUF_INIT;
	json_t *doc = NULL, *items, *item;
	const char *cont, *api;
	size_t i, pages = 0, count = 0;
	int rc = 0, restarted = 0;
	long status;

	for (;;) {
		strbuf_reset(&query);
		strbuf_addf(&query, "limit=%zu", c->page_size);
		if (prev.len) {
			strbuf_addstr(&query, "&continue=");
			pct_encode(&query, prev.buf);
		}
		json_decref(doc);
		rc = get_json(c, path, query.buf, r->metadata_only, &doc, &status);
		if (rc < 0 && status == 410 && prev.len && !restarted) {
			/* The continue token expired: read again from the start; the model drops repeats. */
			restarted = 1;
			strbuf_reset(&prev);
			continue;
		}
		if (rc < 0)
			break;
		items = json_object_get(doc, "items");
		if (!json_is_array(items) && !json_is_null(items) && items) {
			rc = err_set(ERR_PARSE, "GET %s: the answer is not a list", path);
			break;
		}
		if (!items && !json_object_get(doc, "kind")) {
			rc = err_set(ERR_PARSE, "GET %s: the answer is not a Kubernetes list", path);
			break;
		}
		api = jsonx_str(doc, "apiVersion");
		json_array_foreach(items, i, item) {
			if (!json_is_object(item))
				continue;
			if (++count > K8S_MAX_ITEMS) {
				rc = err_set(ERR_LIMIT, "GET %s: more than %d objects", path, K8S_MAX_ITEMS);
				goto cleanup;
			}
			if ((rc = cb(ctx, api, item)) < 0)
				goto cleanup;
		}
		cont = jsonx_str(json_object_get(doc, "metadata"), "continue");
		if (!cont || !cont[0])
			break;
		if (!valid_continue(cont) || !strcmp(cont, prev.buf) || ++pages >= K8S_MAX_PAGES) {
			rc = err_set(ERR_PARSE, "GET %s: the server's paging does not end (continue token repeated, "
				     "malformed or too many pages)", path);
			break;
		}
		strbuf_reset(&prev);
		strbuf_addstr(&prev, cont);
	}
cleanup:
	json_decref(doc);
	strbuf_release(&query);
	strbuf_release(&prev);
	return rc;
}

int k8s_client_list(struct k8s_client *c, const struct k8s_resource *r, const char *ns, k8s_item_cb cb, void *ctx,
		    const char **gv_used)
{
	struct strbuf path = STRBUF_INIT;
	size_t j;
	int rc = ERR_NOTFOUND;

	if (gv_used)
		*gv_used = NULL;
	if (ns && (!r->namespaced || !dns_label(ns, strlen(ns))))
		return err_set(ERR_INVALID, "'%.100s' is not a namespace name", ns);
	for (j = 0; r->gv[j]; j++) {
		strbuf_reset(&path);
		gv_prefix(&path, r->gv[j]);
		if (ns)
			strbuf_addf(&path, "/namespaces/%s", ns);
		strbuf_addf(&path, "/%s", r->name);
		rc = list_path(c, r, path.buf, cb, ctx);
		/* An older group version is tried only when the newer one is not served. */
		if (rc != ERR_NOTFOUND)
			break;
	}
	if (rc == 0 && gv_used)
		*gv_used = r->gv[j];
	strbuf_release(&path);
	return rc;
}
