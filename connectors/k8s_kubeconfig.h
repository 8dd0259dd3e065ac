/*
 * k8s_kubeconfig: the kubeconfig reader (clusters, contexts, users).
 *
 * A kubeconfig handed over in due diligence comes from the data room and is
 * hostile until proven otherwise.  The reader parses it with ydoc's caps
 * (size, nodes, depth, aliases), checks its shape and resolves one context at
 * a time into a k8s_target: the API server, the CA to trust, and the
 * credentials.  Files the kubeconfig names (certificate-authority,
 * client-certificate, client-key, tokenFile) are read only through the
 * caller's reader, which confines them to the engagement folder.  Nothing is
 * run here: an exec plugin is handed back for the caller to run (or refuse),
 * and auth-provider, basic auth and impersonation are refused with a message
 * that says so.
 */
#ifndef VETTER_K8S_KUBECONFIG_H
#define VETTER_K8S_KUBECONFIG_H

#include <stddef.h>

#include <jansson.h>

#include "core/strbuf.h"

/* Where one context leads, and with what credentials. */
struct k8s_target {
	char *context;   /* context name */
	char *cluster;   /* the cluster entry's name (names the cluster's assets) */
	char *user;      /* the user entry's name, or NULL */
	char *server;    /* https URL, no trailing slash */
	char *ca_pem;    /* CA certificates to trust, or NULL for the system's */
	int insecure;    /* insecure-skip-tls-verify: true */
	char *cert_pem;  /* client certificate and key, or NULL */
	char *key_pem;
	char *token;     /* bearer token, or NULL */
	json_t *exec;    /* the user's exec block (a reference), or NULL */
};

struct k8s_kubeconfig;

/*
 * Reads a file the kubeconfig names (as written, relative to the
 * kubeconfig's folder or absolute) into out; returns 0 or a negative code
 * with the message set (ERR_DENIED for a path outside the engagement folder).
 */
typedef int (*k8s_file_reader)(void *ctx, const char *path, struct strbuf *out);

/* Largest kubeconfig accepted. */
#define K8S_KUBECONFIG_MAX_BYTES ((size_t)4 << 20)

/* Parse and check the shape of a kubeconfig; name is used in messages. */
int k8s_kubeconfig_parse(struct k8s_kubeconfig **out, const char *buf, size_t len, const char *name);
void k8s_kubeconfig_free(struct k8s_kubeconfig *kc);

/* current-context, or NULL when unset or empty. */
const char *k8s_kubeconfig_current(const struct k8s_kubeconfig *kc);
size_t k8s_kubeconfig_ncontexts(const struct k8s_kubeconfig *kc);
/* The i-th context's name (borrowed). */
const char *k8s_kubeconfig_context_at(const struct k8s_kubeconfig *kc, size_t i);

/*
 * Resolve context (NULL: current-context) into out, reading the files it
 * names through reader.  Errors name the kubeconfig, the context and the
 * entry at fault.  out is the caller's to release, also after an error.
 */
int k8s_kubeconfig_resolve(const struct k8s_kubeconfig *kc, const char *context, k8s_file_reader reader,
			   void *reader_ctx, struct k8s_target *out);

/* 1 when the context's cluster says insecure-skip-tls-verify: true, 0 otherwise (or unknown). */
int k8s_kubeconfig_insecure(const struct k8s_kubeconfig *kc, const char *context);

void k8s_target_release(struct k8s_target *t);

/*
 * The answer of an exec credential plugin (an ExecCredential, JSON), of the
 * apiVersion the kubeconfig asked for: sets t->token or t->cert_pem and
 * t->key_pem.
 */
int k8s_exec_credential_parse(const char *buf, size_t len, const char *api_version, struct k8s_target *t);

#endif
