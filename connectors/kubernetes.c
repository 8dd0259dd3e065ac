/*
 * kubernetes: a live cluster, read through its API server with a kubeconfig
 * (one or several contexts) or, run inside a pod, with the pod's service
 * account.  Only the reads of k8s_api's allowlist are made; each resource
 * the server refuses is a coverage gap and the rest goes on; a context that
 * cannot be reached at all (TLS, credentials, not an API server) is one gap
 * naming why, and the other contexts go on.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "connector.h"
#include "core/err.h"
#include "core/jsonx.h"
#include "core/log.h"
#include "core/util.h"
#include "k8s_api.h"
#include "k8s_exec.h"
#include "k8s_kubeconfig.h"
#include "k8s_model.h"

#define KUBE_MAX_FILE ((size_t)1 << 20)
#define DEFAULT_SA_DIR "/var/run/secrets/kubernetes.io/serviceaccount"

static const struct schema_field kube_keys[] = {
	{ "kubeconfig", SCH_STRING, 0, NULL, SCH_ANY, NULL },
	{ "contexts", SCH_LIST, 0, NULL, SCH_STRING, NULL },
	{ "cluster", SCH_STRING, 0, NULL, SCH_ANY, NULL },
	{ "in_cluster", SCH_BOOL, 0, NULL, SCH_ANY, NULL },
	{ "service_account_dir", SCH_STRING, 0, NULL, SCH_ANY, NULL },
	{ "server", SCH_STRING, 0, NULL, SCH_ANY, NULL },
	{ "namespaces", SCH_LIST, 0, NULL, SCH_STRING, NULL },
	{ "page_size", SCH_INT, 0, NULL, SCH_ANY, NULL },
	{ "timeout", SCH_INT, 0, NULL, SCH_ANY, NULL },
	{ "exec_timeout", SCH_INT, 0, NULL, SCH_ANY, NULL },
	{ NULL, 0, 0, NULL, 0, NULL },
};

struct kube {
	struct inventory *inv;
	const struct source *src;
	struct k8s_kubeconfig *kc;
	struct strbuf kc_dir;    /* the kubeconfig's folder: where its relative paths start */
	struct k8s_graph *graph;
	json_t *clusters;        /* cluster name -> context, to refuse reading one twice */
	struct strbuf failures;
	int collected;
};

/* A file a kubeconfig names: relative to the kubeconfig, and inside the engagement folder only. */
static int read_ref(void *ctx, const char *path, struct strbuf *out)
{
	struct kube *k = ctx;
	struct strbuf joined = STRBUF_INIT, real = STRBUF_INIT, data = STRBUF_INIT;
	int rc;

	strbuf_init(&data, KUBE_MAX_FILE);
	if ((rc = util_path_join(&joined, k->kc_dir.buf, path)) < 0 ||
	    (rc = util_path_within(&real, k->inv->eng->dir, joined.buf)) < 0)
		goto cleanup;
	if ((rc = strbuf_read_file(&data, real.buf)) < 0) {
		rc = err_set(rc, "cannot read %s: %s", path, rc == ERR_LIMIT ? "larger than 1 MB" : err_last());
		goto cleanup;
	}
	rc = strbuf_add(out, data.buf, data.len);
cleanup:
	if (data.len)
		memset(data.buf, 0, data.len);
	strbuf_release(&joined);
	strbuf_release(&real);
	strbuf_release(&data);
	return rc;
}

static int load_kubeconfig(struct kube *k)
{
	const char *rel = jsonx_str(k->src->doc, "kubeconfig");
	struct strbuf path = STRBUF_INIT, buf = STRBUF_INIT;
	int rc;

	strbuf_init(&buf, K8S_KUBECONFIG_MAX_BYTES);
	if (!rel) {
		rc = err_set(ERR_USAGE, "source '%s': give 'kubeconfig' (a file in the engagement folder) or 'in_cluster: "
			     "true'", k->src->id);
		goto cleanup;
	}
	if ((rc = engagement_path(k->inv->eng, rel, &path)) < 0 || (rc = util_path_dirname(&k->kc_dir, path.buf)) < 0)
		goto cleanup;
	if ((rc = strbuf_read_file(&buf, path.buf)) < 0) {
		rc = err_set(rc, "cannot read the kubeconfig %s: %s", rel,
			     rc == ERR_LIMIT ? "larger than the 4 MB a kubeconfig may be" : err_last());
		goto cleanup;
	}
	rc = k8s_kubeconfig_parse(&k->kc, buf.buf, buf.len, rel);
cleanup:
	strbuf_release(&path);
	strbuf_release(&buf);
	return rc;
}

/* Service-account mode: the pod's token and CA, the API server from the environment or the source. */
static int in_cluster_target(struct kube *k, struct k8s_target *t)
{
	const char *dir = jsonx_str(k->src->doc, "service_account_dir"), *server = jsonx_str(k->src->doc, "server");
	const char *host = getenv("KUBERNETES_SERVICE_HOST"), *port = getenv("KUBERNETES_SERVICE_PORT");
	struct strbuf p = STRBUF_INIT, data = STRBUF_INIT, url = STRBUF_INIT;
	int rc = 0;

	memset(t, 0, sizeof(*t));
	strbuf_init(&data, KUBE_MAX_FILE);
	if (!dir)
		dir = DEFAULT_SA_DIR;
	if (server) {
		strbuf_addstr(&url, server);
	} else if (host && port) {
		strbuf_addf(&url, strchr(host, ':') ? "https://[%s]:%s" : "https://%s:%s", host, port);
	} else {
		rc = err_set(ERR_USAGE, "source '%s': in_cluster needs KUBERNETES_SERVICE_HOST and _PORT (set inside a "
			     "pod) or 'server'", k->src->id);
		goto cleanup;
	}
	if (strncmp(url.buf, "https://", 8)) {
		rc = err_set(ERR_USAGE, "source '%s': the API server must be an https:// URL", k->src->id);
		goto cleanup;
	}
	while (url.len > 8 && url.buf[url.len - 1] == '/')
		strbuf_setlen(&url, url.len - 1);
	if ((rc = engagement_path(k->inv->eng, dir, &p)) < 0 || (rc = strbuf_addstr(&p, "/token")) < 0)
		goto cleanup;
	if ((rc = strbuf_read_file(&data, p.buf)) < 0) {
		rc = err_set(rc, "in-cluster: cannot read the service account token %s: %s", p.buf, err_last());
		goto cleanup;
	}
	strbuf_rtrim(&data);
	t->token = strbuf_detach(&data, NULL);
	strbuf_init(&data, KUBE_MAX_FILE);
	strbuf_setlen(&p, p.len - 6);
	strbuf_addstr(&p, "/ca.crt");
	if (strbuf_read_file(&data, p.buf) == 0 && data.len)
		t->ca_pem = strbuf_detach(&data, NULL);
	err_clear();
	t->context = util_strdup("in-cluster");
	t->cluster = util_strdup(jsonx_str(k->src->doc, "cluster") ? jsonx_str(k->src->doc, "cluster") : "in-cluster");
	t->server = strbuf_detach(&url, NULL);
	if (!t->context || !t->cluster || !t->token)
		rc = ERR_NOMEM;
cleanup:
	strbuf_release(&p);
	strbuf_release(&data);
	strbuf_release(&url);
	return rc;
}

/* Printable ASCII without spaces, bounded: whatever its origin, a token goes into a header line. */
static int token_ok(const char *s)
{
	size_t i;

	for (i = 0; s[i]; i++)
		if ((unsigned char)s[i] <= 0x20 || (unsigned char)s[i] >= 0x7f || i >= 16384)
			return 0;
	return i > 0;
}

/* The credentials: the source's token, else the kubeconfig's, else its exec plugin (when allowed). */
static int credentials(struct kube *k, struct k8s_target *t)
{
	struct k8s_exec_opts eo = { k->kc_dir.buf, k->inv->eng->dir, (int)jsonx_int(k->src->doc, "exec_timeout", 30) };
	struct strbuf tok = STRBUF_INIT;
	int rc = engagement_credential(k->inv->eng, k->src, "token", &tok);

	if (rc == 0) {
		free(t->token);
		t->token = strbuf_detach(&tok, NULL);
	} else if (rc != ERR_NOTFOUND) {
		strbuf_release(&tok);
		return rc;
	}
	err_clear();
	if (!t->token && !t->cert_pem && t->exec) {
		if (!k->src->allow_exec)
			return err_set(ERR_DENIED, "context '%s': the kubeconfig's user gets its credential from the exec "
				       "plugin '%.200s', a program; vetter runs it only when the source says allow_exec: true",
				       t->context, jsonx_strz(t->exec, "command"));
		if ((rc = k8s_exec_run(t->exec, &eo, t)) < 0)
			return err_prefix(rc, "context '%s'", t->context);
	}
	if (t->token && !token_ok(t->token))
		return err_set(ERR_INVALID, "context '%s': the token is empty, too long or holds characters a token cannot "
			       "hold (a header must not be able to end early)", t->context);
	if (t->token && (rc = log_secret_add(t->token, strlen(t->token))) < 0)
		return rc;
	if (t->key_pem && (rc = log_secret_add(t->key_pem, strlen(t->key_pem))) < 0)
		return rc;
	return 0;
}

struct list_ctx {
	struct k8s_model *m;
	const struct k8s_resource *r;
	json_t *kept;
};

static int on_item(void *vctx, const char *list_api, json_t *item)
{
	struct list_ctx *lc = vctx;
	const char *kind = jsonx_str(item, "kind");
	int rc;

	/* An item of another kind than the list's is not believed (a Secret in a list of pods). */
	if (kind && strcmp(kind, lc->r->kind) && !(lc->r->metadata_only && !strcmp(kind, "PartialObjectMetadata")))
		return 0;
	if (lc->r->metadata_only) {
		if (jsonx_set_str(item, "kind", lc->r->kind) < 0 || jsonx_set_str(item, "apiVersion", "v1") < 0)
			return ERR_NOMEM;
	}
	rc = k8s_model_add(lc->m, item, lc->r->kind, list_api ? list_api : lc->r->gv[0], NULL);
	if (rc == 1 && json_array_append(lc->kept, item) < 0)
		return err_set(ERR_NOMEM, "out of memory");
	return rc < 0 ? rc : 0;
}

static int evidence(struct kube *k, const struct k8s_target *t, const char *path, json_t *doc)
{
	struct strbuf text = STRBUF_INIT, uri = STRBUF_INIT;
	int rc;

	if ((rc = jsonx_dump_canonical(&text, doc)) == 0 && (rc = strbuf_addf(&uri, "%s%s", t->server, path)) == 0)
		rc = inventory_evidence(k->inv, uri.buf, "application/json", text.buf, text.len, NULL);
	strbuf_release(&text);
	strbuf_release(&uri);
	return rc;
}

static const char *coverage_of(int rc)
{
	return rc == 0 ? "collected" : rc == ERR_AUTH || rc == ERR_DENIED ? "denied" : rc == ERR_NOTFOUND ? "not-served"
													     : "error";
}

/* One resource, cluster-wide or in each of the source's namespaces. */
static int read_resource(struct kube *k, struct k8s_client *c, const struct k8s_target *t, const char *cluster,
			 struct k8s_model *m, const struct k8s_resource *r, json_t *coverage)
{
	json_t *nss = json_object_get(k->src->doc, "namespaces"), *nsv;
	struct strbuf scope = STRBUF_INIT, path = STRBUF_INIT;
	struct list_ctx lc = { m, r, NULL };
	size_t i, n = r->namespaced && json_array_size(nss) ? json_array_size(nss) : 1;
	const char *ns, *gv;
	int rc = 0, worst = 0;

	for (i = 0; i < n; i++) {
		nsv = r->namespaced ? json_array_get(nss, i) : NULL;
		ns = json_string_value(nsv);
		json_decref(lc.kept);
		if (!(lc.kept = json_array())) {
			rc = err_set(ERR_NOMEM, "out of memory");
			break;
		}
		err_clear();
		rc = k8s_client_list(c, r, ns, on_item, &lc, &gv);
		if (rc == ERR_NOMEM || rc == ERR_INTERRUPTED || rc == ERR_NET)
			break;
		if (rc < 0) {
			strbuf_reset(&scope);
			strbuf_addf(&scope, "kubernetes %s%s%s (cluster %s)", r->name, ns ? " in namespace " : "", ns ? ns : "",
				    cluster);
			if (!worst)
				worst = rc;
			if ((rc = inventory_gap(k->inv, scope.buf, err_last())) < 0)
				break;
			continue;
		}
		strbuf_reset(&path);
		strbuf_addf(&path, "%s%s%s%s/%s", strcmp(gv, "v1") ? "/apis/" : "/api/", gv, ns ? "/namespaces/" : "",
			    ns ? ns : "", r->name);
		if ((rc = evidence(k, t, path.buf, lc.kept)) < 0)
			break;
	}
	if (rc == 0 && json_object_set_new(coverage, r->name, json_string(coverage_of(worst))) < 0)
		rc = err_set(ERR_NOMEM, "out of memory");
	json_decref(lc.kept);
	strbuf_release(&scope);
	strbuf_release(&path);
	return rc;
}

static int read_cluster(struct kube *k, struct k8s_target *t, const char *cluster)
{
	struct k8s_client_opts co = { k->src->tls_verify && !t->insecure, (long)jsonx_int(k->src->doc, "timeout", 0),
				      (size_t)jsonx_int(k->src->doc, "page_size", 500) };
	struct k8s_client *c = NULL;
	struct k8s_model *m = NULL;
	struct strbuf scope = STRBUF_INIT;
	json_t *version = NULL, *coll, *coverage = json_object();
	size_t i;
	int rc;

	if (co.page_size < 1 || co.page_size > 5000)
		co.page_size = 500;
	if (!co.tls_verify)
		log_warn("%s: TLS verification is off for context %s (%s)", k->src->id, t->context,
			 t->insecure ? "insecure-skip-tls-verify in the kubeconfig" : "tls_verify: false in the source");
	if (!coverage) {
		rc = err_set(ERR_NOMEM, "out of memory");
		goto cleanup;
	}
	if ((rc = k8s_client_new(&c, t, &co)) < 0 || (rc = k8s_model_new(&m, cluster)) < 0)
		goto cleanup;
	rc = k8s_client_version(c, &version);
	if (rc == ERR_DENIED) {
		strbuf_addf(&scope, "kubernetes version (cluster %s)", cluster);
		if ((rc = inventory_gap(k->inv, scope.buf, err_last())) < 0)
			goto cleanup;
		json_object_set_new(coverage, "version", json_string("denied"));
	} else if (rc < 0) {
		goto cleanup; /* not reachable, not an API server, or the credentials are refused: the context fails */
	} else {
		if ((rc = k8s_model_set_version(m, version)) < 0 || (rc = evidence(k, t, "/version", version)) < 0)
			goto cleanup;
		json_object_set_new(coverage, "version", json_string("collected"));
	}
	for (i = 0; i < k8s_nresources; i++)
		if ((rc = read_resource(k, c, t, cluster, m, &k8s_resources[i], coverage)) < 0)
			goto cleanup;
	coll = k8s_model_collection(m);
	if (jsonx_set_str(coll, "mode", "live") < 0 || jsonx_set_str(coll, "context", t->context) < 0 ||
	    jsonx_set_str(coll, "server", t->server) < 0 || json_object_set_new(coll, "tls_verify", json_boolean(co.tls_verify)) < 0 ||
	    json_object_set(coll, "coverage", coverage) < 0) {
		rc = err_set(ERR_NOMEM, "out of memory");
		goto cleanup;
	}
	rc = k8s_graph_add_model(k->graph, m);
cleanup:
	json_decref(version);
	json_decref(coverage);
	k8s_model_free(m);
	k8s_client_free(c);
	strbuf_release(&scope);
	return rc;
}

static int collect_context(struct kube *k, const char *context, size_t ncontexts)
{
	struct k8s_target t;
	const char *cluster, *other;
	int rc;

	if (jsonx_bool(k->src->doc, "in_cluster", 0))
		rc = in_cluster_target(k, &t);
	else
		rc = k8s_kubeconfig_resolve(k->kc, context, read_ref, k, &t);
	if (rc < 0)
		goto cleanup;
	cluster = jsonx_str(k->src->doc, "cluster");
	if (cluster && ncontexts > 1) {
		rc = err_set(ERR_USAGE, "source '%s': 'cluster' names the cluster of a single context; this source reads %zu",
			     k->src->id, ncontexts);
		goto cleanup;
	}
	if (!cluster)
		cluster = t.cluster;
	if ((other = jsonx_str(k->clusters, cluster))) {
		rc = err_set(ERR_USAGE, "context '%s' reads the cluster '%s' again (context '%s' read it)", t.context, cluster,
			     other);
		goto cleanup;
	}
	if ((rc = credentials(k, &t)) < 0)
		goto cleanup;
	if ((rc = read_cluster(k, &t, cluster)) < 0)
		goto cleanup;
	if (json_object_set_new(k->clusters, cluster, json_string(t.context)) < 0)
		rc = err_set(ERR_NOMEM, "out of memory");
cleanup:
	k8s_target_release(&t);
	return rc;
}

static int kubernetes_collect(struct inventory *inv)
{
	struct kube k = { inv, inv->src, NULL, STRBUF_INIT, NULL, NULL, STRBUF_INIT, 0 };
	json_t *ctxs = json_object_get(inv->src->doc, "contexts"), *cv;
	struct strbuf scope = STRBUF_INIT;
	size_t i, n;
	int rc = 0, last = 0;

	k.clusters = json_object();
	if (!k.clusters) {
		rc = err_set(ERR_NOMEM, "out of memory");
		goto cleanup;
	}
	if ((rc = k8s_graph_new(&k.graph)) < 0)
		goto cleanup;
	if (!jsonx_bool(inv->src->doc, "in_cluster", 0) && (rc = load_kubeconfig(&k)) < 0)
		goto cleanup;
	if (jsonx_bool(inv->src->doc, "in_cluster", 0))
		ctxs = NULL; /* a pod has one identity */
	n = json_array_size(ctxs) ? json_array_size(ctxs) : 1;
	for (i = 0; i < n; i++) {
		cv = json_array_get(ctxs, i);
		err_clear();
		rc = collect_context(&k, json_string_value(cv), n);
		if (rc == ERR_NOMEM || rc == ERR_INTERRUPTED)
			goto cleanup;
		if (rc == 0) {
			k.collected++;
			continue;
		}
		last = rc;
		strbuf_addf(&k.failures, "%s%s", k.failures.len ? "; " : "", err_last());
		strbuf_reset(&scope);
		strbuf_addf(&scope, "kubernetes context '%s'",
			    json_string_value(cv) ? json_string_value(cv)
						  : k.kc && k8s_kubeconfig_current(k.kc) ? k8s_kubeconfig_current(k.kc) : "in-cluster");
		if ((rc = inventory_gap(inv, scope.buf, err_last())) < 0)
			goto cleanup;
	}
	if (!k.collected) {
		/* Nothing was read: the source failed, with every context's reason. */
		rc = err_set(last, "%s", k.failures.buf);
		goto cleanup;
	}
	rc = k8s_graph_write(k.graph, inv);
cleanup:
	k8s_kubeconfig_free(k.kc);
	k8s_graph_free(k.graph);
	json_decref(k.clusters);
	strbuf_release(&k.kc_dir);
	strbuf_release(&k.failures);
	strbuf_release(&scope);
	return rc;
}

int kubernetes_source_info(const struct engagement *eng, const struct source *src, json_t *info)
{
	struct kube k = { NULL, src, NULL, STRBUF_INIT, NULL, NULL, STRBUF_INIT, 0 };
	struct inventory inv = { NULL, NULL, eng, src->company, src, 0, 0, 0 };
	json_t *ctxs = json_object_get(src->doc, "contexts"), *notes = NULL;
	struct strbuf note = STRBUF_INIT;
	const char *ctx;
	size_t i, n;

	k.inv = &inv;
	if (jsonx_bool(src->doc, "in_cluster", 0) || load_kubeconfig(&k) < 0)
		goto cleanup;
	n = json_array_size(ctxs) ? json_array_size(ctxs) : 1;
	for (i = 0; i < n; i++) {
		ctx = json_array_size(ctxs) ? json_string_value(json_array_get(ctxs, i)) : k8s_kubeconfig_current(k.kc);
		if (!ctx || !k8s_kubeconfig_insecure(k.kc, ctx))
			continue;
		if (!notes && !(notes = json_array()))
			goto cleanup;
		strbuf_reset(&note);
		strbuf_addf(&note, "context %s: insecure-skip-tls-verify in the kubeconfig", ctx);
		json_array_append_new(notes, json_string(note.buf));
	}
	if (notes) {
		json_object_set_new(info, "tls_verify", json_false());
		json_object_set(info, "tls_notes", notes);
	}
cleanup:
	err_clear();
	json_decref(notes);
	k8s_kubeconfig_free(k.kc);
	strbuf_release(&k.kc_dir);
	strbuf_release(&note);
	return 0;
}

const struct connector connector_kubernetes = {
	{ "kubernetes", 1, kube_keys,
	  "a live Kubernetes cluster, read-only, through a kubeconfig (one or more contexts) or a pod's service account" },
	kubernetes_collect,
};
