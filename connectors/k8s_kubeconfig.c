#include "k8s_kubeconfig.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/err.h"
#include "core/jsonx.h"
#include "core/util.h"
#include "core/ydoc.h"

/* A kubeconfig is small: a few clusters with their CA certificates. */
#define KC_MAX_NODES 100000
#define KC_MAX_DEPTH 32
#define KC_MAX_TOKEN 16384
#define KC_MAX_SERVER 2048

struct k8s_kubeconfig {
	json_t *doc;
	char *name;
	json_t *clusters, *contexts, *users; /* borrowed arrays (or NULL) */
	const char *current;
};

static const char *const sections[] = { "clusters", "contexts", "users" };
static const char *const members[] = { "cluster", "context", "user" };

void k8s_target_release(struct k8s_target *t)
{
	free(t->context);
	free(t->cluster);
	free(t->user);
	free(t->server);
	free(t->ca_pem);
	free(t->cert_pem);
	if (t->key_pem) {
		memset(t->key_pem, 0, strlen(t->key_pem));
		free(t->key_pem);
	}
	if (t->token) {
		memset(t->token, 0, strlen(t->token));
		free(t->token);
	}
	json_decref(t->exec);
	memset(t, 0, sizeof(*t));
}

void k8s_kubeconfig_free(struct k8s_kubeconfig *kc)
{
	if (!kc)
		return;
	json_decref(kc->doc);
	free(kc->name);
	free(kc);
}

/* A list section: absent or null is empty; every item a mapping; named items unique. */
static int check_section(struct k8s_kubeconfig *kc, size_t which, json_t **out)
{
	json_t *list = json_object_get(kc->doc, sections[which]), *item, *other;
	const char *name;
	size_t i, j;

	*out = NULL;
	if (!list || json_is_null(list))
		return 0;
	if (!json_is_array(list))
		return err_set(ERR_PARSE, "%s: '%s' must be a list of entries with 'name' and '%s'", kc->name,
			       sections[which], members[which]);
	json_array_foreach(list, i, item) {
		if (!json_is_object(item))
			return err_set(ERR_PARSE, "%s: %s[%zu] must be a mapping with 'name' and '%s'", kc->name,
				       sections[which], i, members[which]);
		name = jsonx_str(item, "name");
		if (!name)
			continue; /* cannot be referred to; resolving a context that needs it says so */
		for (j = 0; j < i; j++) {
			other = json_array_get(list, j);
			if (jsonx_str(other, "name") && !strcmp(jsonx_str(other, "name"), name))
				return err_set(ERR_PARSE, "%s: two entries of '%s' are named '%.200s'", kc->name,
					       sections[which], name);
		}
	}
	*out = list;
	return 0;
}

int k8s_kubeconfig_parse(struct k8s_kubeconfig **out, const char *buf, size_t len, const char *name)
{
	struct ydoc_limits lim = { KC_MAX_NODES, KC_MAX_DEPTH };
	struct k8s_kubeconfig *kc;
	json_t *cur, *lists[3];
	const char *kind, *api;
	size_t i;
	int rc;

	*out = NULL;
	if (len > K8S_KUBECONFIG_MAX_BYTES)
		return err_set(ERR_LIMIT, "%s: a kubeconfig larger than %zu bytes is refused", name,
			       K8S_KUBECONFIG_MAX_BYTES);
	kc = calloc(1, sizeof(*kc));
	if (!kc || !(kc->name = util_strdup(name))) {
		free(kc);
		return err_set(ERR_NOMEM, "out of memory");
	}
	if ((rc = ydoc_load(buf, len, name, &lim, &kc->doc, NULL)) < 0)
		goto fail;
	if (json_is_null(kc->doc)) {
		rc = err_set(ERR_PARSE, "%s: the kubeconfig is empty", name);
		goto fail;
	}
	if (!json_is_object(kc->doc)) {
		rc = err_set(ERR_PARSE, "%s: a kubeconfig is a mapping with clusters, contexts and users", name);
		goto fail;
	}
	kind = jsonx_str(kc->doc, "kind");
	api = jsonx_str(kc->doc, "apiVersion");
	if ((json_object_get(kc->doc, "kind") && !json_is_null(json_object_get(kc->doc, "kind")) &&
	     (!kind || strcmp(kind, "Config"))) ||
	    (json_object_get(kc->doc, "apiVersion") && !json_is_null(json_object_get(kc->doc, "apiVersion")) &&
	     (!api || strcmp(api, "v1")))) {
		rc = err_set(ERR_PARSE, "%s: not a kubeconfig (expected kind Config, apiVersion v1)", name);
		goto fail;
	}
	for (i = 0; i < 3; i++)
		if ((rc = check_section(kc, i, &lists[i])) < 0)
			goto fail;
	kc->clusters = lists[0];
	kc->contexts = lists[1];
	kc->users = lists[2];
	cur = json_object_get(kc->doc, "current-context");
	if (cur && !json_is_null(cur) && !json_is_string(cur)) {
		rc = err_set(ERR_PARSE, "%s: 'current-context' must be a context name", name);
		goto fail;
	}
	kc->current = json_string_value(cur);
	if (kc->current && !kc->current[0])
		kc->current = NULL;
	*out = kc;
	return 0;
fail:
	k8s_kubeconfig_free(kc);
	return rc;
}

const char *k8s_kubeconfig_current(const struct k8s_kubeconfig *kc)
{
	return kc->current;
}

size_t k8s_kubeconfig_ncontexts(const struct k8s_kubeconfig *kc)
{
	return json_array_size(kc->contexts);
}

const char *k8s_kubeconfig_context_at(const struct k8s_kubeconfig *kc, size_t i)
{
	return jsonx_str(json_array_get(kc->contexts, i), "name");
}

static json_t *find_entry(const json_t *list, const char *name)
{
	json_t *item;
	size_t i;

	json_array_foreach(list, i, item) {
		const char *n = jsonx_str(item, "name");

		if (n && !strcmp(n, name))
			return item;
	}
	return NULL;
}

/* Present and neither null nor "": YAML writes an empty value as null. */
static const char *nonempty_str(const json_t *obj, const char *key, int *bad)
{
	json_t *v = json_object_get(obj, key);

	if (!v || json_is_null(v))
		return NULL;
	if (!json_is_string(v)) {
		*bad = 1;
		return NULL;
	}
	return json_string_value(v)[0] ? json_string_value(v) : NULL;
}

static int has_value(const json_t *obj, const char *key)
{
	json_t *v = json_object_get(obj, key);

	return v && !json_is_null(v) && !(json_is_string(v) && !json_string_value(v)[0]);
}

/* A header value must not be able to end its header line. */
static int valid_token(const char *s, size_t len)
{
	size_t i;

	if (!len || len > KC_MAX_TOKEN)
		return 0;
	for (i = 0; i < len; i++)
		if ((unsigned char)s[i] <= 0x20 || (unsigned char)s[i] >= 0x7f)
			return 0;
	return 1;
}

static int pem_has(const struct strbuf *sb, const char *what)
{
	return strlen(sb->buf) == sb->len && util_memmem(sb->buf, sb->len, what, strlen(what)) != NULL;
}

/* One of KEY-data (base64 of PEM) or KEY (a file) into out; 0 with out empty when neither is given. */
static int read_pem(const struct k8s_kubeconfig *kc, const json_t *entry, const char *key, const char *what,
		    const char *entry_name, k8s_file_reader reader, void *rctx, struct strbuf *out)
{
	struct strbuf k = STRBUF_INIT;
	const char *data, *file;
	int bad = 0, rc = 0;

	strbuf_addf(&k, "%s-data", key);
	data = nonempty_str(entry, k.buf, &bad);
	file = nonempty_str(entry, key, &bad);
	if (bad) {
		rc = err_set(ERR_PARSE, "%s: %s '%.200s': '%s' and '%s' must be strings", kc->name, what, entry_name, key,
			     k.buf);
		goto cleanup;
	}
	if (data) {
		if (util_base64_decode(out, data, strlen(data)) < 0) {
			rc = err_set(ERR_PARSE, "%s: %s '%.200s': '%s' is not base64", kc->name, what, entry_name, k.buf);
			goto cleanup;
		}
	} else if (file) {
		if ((rc = reader(rctx, file, out)) < 0) {
			rc = err_prefix(rc, "%s: %s '%.200s': %s", kc->name, what, entry_name, key);
			goto cleanup;
		}
	}
cleanup:
	strbuf_release(&k);
	return rc;
}

static int resolve_cluster(const struct k8s_kubeconfig *kc, const json_t *entry, k8s_file_reader reader, void *rctx,
			   struct k8s_target *out)
{
	const json_t *cl = json_object_get(entry, "cluster");
	struct strbuf pem = STRBUF_INIT, server = STRBUF_INIT;
	const char *s;
	int bad = 0, rc = 0;
	size_t i;

	if (!json_is_object(cl))
		return err_set(ERR_PARSE, "%s: cluster '%.200s' has no 'cluster' mapping", kc->name, out->cluster);
	s = nonempty_str(cl, "server", &bad);
	if (!s)
		return err_set(ERR_PARSE, "%s: cluster '%.200s' has no server", kc->name, out->cluster);
	if (strncasecmp(s, "https://", 8)) {
		return err_set(ERR_INVALID, "%s: cluster '%.200s': server '%.200s' is not an https:// URL; vetter reads "
			       "API servers over TLS only", kc->name, out->cluster, s);
	}
	if (strlen(s) > KC_MAX_SERVER || !s[8])
		return err_set(ERR_INVALID, "%s: cluster '%.200s': the server URL is not valid", kc->name, out->cluster);
	for (i = 0; s[i]; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c <= 0x20 || c >= 0x7f || c == '?' || c == '#' || c == '\\' || c == '"')
			return err_set(ERR_INVALID, "%s: cluster '%.200s': the server URL '%.200s' holds a character "
				       "not allowed there", kc->name, out->cluster, s);
	}
	strbuf_addstr(&server, s);
	while (server.len > 8 && server.buf[server.len - 1] == '/')
		strbuf_setlen(&server, server.len - 1);
	out->server = strbuf_detach(&server, NULL);
	out->insecure = jsonx_bool(cl, "insecure-skip-tls-verify", 0);
	if ((rc = read_pem(kc, cl, "certificate-authority", "cluster", out->cluster, reader, rctx, &pem)) < 0)
		goto cleanup;
	if (pem.len) {
		if (!pem_has(&pem, "-----BEGIN CERTIFICATE-----")) {
			rc = err_set(ERR_PARSE, "%s: cluster '%.200s': the certificate authority is not a PEM certificate",
				     kc->name, out->cluster);
			goto cleanup;
		}
		out->ca_pem = strbuf_detach(&pem, NULL);
	}
cleanup:
	strbuf_release(&pem);
	strbuf_release(&server);
	return rc;
}

static int resolve_user(const struct k8s_kubeconfig *kc, const json_t *entry, k8s_file_reader reader, void *rctx,
			struct k8s_target *out)
{
	const json_t *u = json_object_get(entry, "user");
	struct strbuf cert = STRBUF_INIT, key = STRBUF_INIT, tok = STRBUF_INIT;
	const char *s, *name = out->user;
	json_t *exec;
	int bad = 0, rc = 0;

	if (!u || json_is_null(u))
		return 0; /* anonymous */
	if (!json_is_object(u))
		return err_set(ERR_PARSE, "%s: user '%.200s': 'user' must be a mapping", kc->name, name);
	if (has_value(u, "auth-provider")) {
		s = jsonx_str(json_object_get(u, "auth-provider"), "name");
		return err_set(ERR_UNSUPPORTED,
			       "%s: user '%.200s' authenticates with the auth-provider '%.100s', which vetter does not "
			       "support (provider plugins refresh tokens and write them back into the kubeconfig); give "
			       "a token (credentials: token), a client certificate or an exec plugin instead",
			       kc->name, name, s ? s : "?");
	}
	if (has_value(u, "username") || has_value(u, "password"))
		return err_set(ERR_UNSUPPORTED, "%s: user '%.200s' uses basic authentication (username and password), "
			       "which Kubernetes removed in 1.19 and vetter does not send", kc->name, name);
	if (has_value(u, "as") || has_value(u, "as-groups") || has_value(u, "as-uid") || has_value(u, "as-user-extra"))
		return err_set(ERR_UNSUPPORTED, "%s: user '%.200s' impersonates another identity ('as'); vetter reads "
			       "with the identity it was given only", kc->name, name);
	s = nonempty_str(u, "token", &bad);
	if (s) {
		strbuf_addstr(&tok, s);
	} else if ((s = nonempty_str(u, "tokenFile", &bad))) {
		if ((rc = reader(rctx, s, &tok)) < 0) {
			rc = err_prefix(rc, "%s: user '%.200s': tokenFile", kc->name, name);
			goto cleanup;
		}
		while (tok.len && (tok.buf[tok.len - 1] == '\n' || tok.buf[tok.len - 1] == '\r' ||
				   tok.buf[tok.len - 1] == ' ' || tok.buf[tok.len - 1] == '\t'))
			strbuf_setlen(&tok, tok.len - 1);
	}
	if (bad) {
		rc = err_set(ERR_PARSE, "%s: user '%.200s': 'token' and 'tokenFile' must be strings", kc->name, name);
		goto cleanup;
	}
	if (tok.len) {
		if (!valid_token(tok.buf, tok.len)) {
			rc = err_set(ERR_PARSE, "%s: user '%.200s': the token is empty, too long or holds characters "
				     "a token cannot hold", kc->name, name);
			goto cleanup;
		}
		out->token = strbuf_detach(&tok, NULL);
	}
	if ((rc = read_pem(kc, u, "client-certificate", "user", name, reader, rctx, &cert)) < 0 ||
	    (rc = read_pem(kc, u, "client-key", "user", name, reader, rctx, &key)) < 0)
		goto cleanup;
	if (!cert.len != !key.len) {
		rc = err_set(ERR_PARSE, "%s: user '%.200s': a client certificate needs its key and the key its "
			     "certificate", kc->name, name);
		goto cleanup;
	}
	if (cert.len) {
		if (!pem_has(&cert, "-----BEGIN CERTIFICATE-----") || !pem_has(&key, "PRIVATE KEY-----")) {
			rc = err_set(ERR_PARSE, "%s: user '%.200s': the client certificate and key must be PEM", kc->name,
				     name);
			goto cleanup;
		}
		out->cert_pem = strbuf_detach(&cert, NULL);
		out->key_pem = strbuf_detach(&key, NULL);
	}
	exec = json_object_get(u, "exec");
	if (exec && !json_is_null(exec)) {
		if (!json_is_object(exec)) {
			rc = err_set(ERR_PARSE, "%s: user '%.200s': 'exec' must be a mapping", kc->name, name);
			goto cleanup;
		}
		out->exec = json_incref(exec);
	}
cleanup:
	/* Key bytes do not linger in freed memory. */
	if (key.len)
		memset(key.buf, 0, key.len);
	if (tok.len)
		memset(tok.buf, 0, tok.len);
	strbuf_release(&cert);
	strbuf_release(&key);
	strbuf_release(&tok);
	return rc;
}

static int list_contexts(const struct k8s_kubeconfig *kc, struct strbuf *out)
{
	size_t i, n = k8s_kubeconfig_ncontexts(kc);

	for (i = 0; i < n && i < 10; i++) {
		const char *c = k8s_kubeconfig_context_at(kc, i);

		if (c)
			strbuf_addf(out, "%s'%.100s'", i ? ", " : "", c);
		else
			strbuf_addf(out, "%s(unnamed)", i ? ", " : "");
	}
	if (n > 10)
		strbuf_addstr(out, ", ...");
	return n ? 0 : strbuf_addstr(out, "none");
}

int k8s_kubeconfig_resolve(const struct k8s_kubeconfig *kc, const char *context, k8s_file_reader reader,
			   void *reader_ctx, struct k8s_target *out)
{
	struct strbuf names = STRBUF_INIT;
	const json_t *entry, *c;
	const char *name = context ? context : kc->current, *cl, *user;
	int bad = 0, rc;

	memset(out, 0, sizeof(*out));
	if (!name)
		return err_set(ERR_NOTFOUND, "%s: no context named and no current-context", kc->name);
	entry = find_entry(kc->contexts, name);
	if (!entry) {
		list_contexts(kc, &names);
		rc = err_set(ERR_NOTFOUND, "%s: no context '%.200s' (the kubeconfig has: %s)", kc->name, name, names.buf);
		strbuf_release(&names);
		return rc;
	}
	if (!(out->context = util_strdup(name)))
		return ERR_NOMEM;
	c = json_object_get(entry, "context");
	if (!json_is_object(c))
		return err_set(ERR_PARSE, "%s: context '%.200s' has no 'context' mapping", kc->name, name);
	cl = nonempty_str(c, "cluster", &bad);
	user = nonempty_str(c, "user", &bad);
	if (bad || !cl)
		return err_set(ERR_PARSE, "%s: context '%.200s' must name a cluster (and may name a user)", kc->name, name);
	if (!(out->cluster = util_strdup(cl)) || (user && !(out->user = util_strdup(user))))
		return ERR_NOMEM;
	entry = find_entry(kc->clusters, cl);
	if (!entry)
		return err_set(ERR_NOTFOUND, "%s: context '%.200s' names the cluster '%.200s', which the kubeconfig does "
			       "not have", kc->name, name, cl);
	if ((rc = resolve_cluster(kc, entry, reader, reader_ctx, out)) < 0)
		return rc;
	if (!user)
		return 0;
	entry = find_entry(kc->users, user);
	if (!entry)
		return err_set(ERR_NOTFOUND, "%s: context '%.200s' names the user '%.200s', which the kubeconfig does not "
			       "have", kc->name, name, user);
	return resolve_user(kc, entry, reader, reader_ctx, out);
}

int k8s_kubeconfig_insecure(const struct k8s_kubeconfig *kc, const char *context)
{
	const char *name = context ? context : kc->current;
	const json_t *entry = name ? find_entry(kc->contexts, name) : NULL;
	const char *cl = jsonx_str(json_object_get(entry, "context"), "cluster");

	entry = cl ? find_entry(kc->clusters, cl) : NULL;
	return jsonx_bool(json_object_get(entry, "cluster"), "insecure-skip-tls-verify", 0);
}

int k8s_exec_credential_parse(const char *buf, size_t len, const char *api_version, struct k8s_target *t)
{
	json_t *doc = NULL, *st;
	const char *tok, *cert, *key;
	int rc;

	if ((rc = jsonx_parse(buf, len, "the exec plugin's output", &doc)) < 0)
		return rc;
	if (!json_is_object(doc) || strcmp(jsonx_strz(doc, "kind"), "ExecCredential")) {
		rc = err_set(ERR_PARSE, "the exec plugin did not print an ExecCredential");
		goto cleanup;
	}
	if (api_version && strcmp(jsonx_strz(doc, "apiVersion"), api_version)) {
		rc = err_set(ERR_PARSE, "the exec plugin answered with apiVersion '%.100s', the kubeconfig asked for '%.100s'",
			     jsonx_strz(doc, "apiVersion"), api_version);
		goto cleanup;
	}
	st = json_object_get(doc, "status");
	tok = jsonx_str(st, "token");
	cert = jsonx_str(st, "clientCertificateData");
	key = jsonx_str(st, "clientKeyData");
	if (tok && tok[0]) {
		if (!valid_token(tok, strlen(tok))) {
			rc = err_set(ERR_PARSE, "the exec plugin's token holds characters a token cannot hold");
			goto cleanup;
		}
		free(t->token);
		t->token = util_strdup(tok);
	} else if (cert && key && strstr(cert, "-----BEGIN CERTIFICATE-----") && strstr(key, "PRIVATE KEY-----")) {
		free(t->cert_pem);
		free(t->key_pem);
		t->cert_pem = util_strdup(cert);
		t->key_pem = util_strdup(key);
	} else {
		rc = err_set(ERR_PARSE, "the exec plugin's ExecCredential has neither status.token nor a PEM "
			     "status.clientCertificateData and clientKeyData");
		goto cleanup;
	}
	if ((tok && tok[0] && !t->token) || (!(tok && tok[0]) && (!t->cert_pem || !t->key_pem)))
		rc = err_set(ERR_NOMEM, "out of memory");
cleanup:
	json_decref(doc);
	return rc;
}
