/*
 * k8s_api: reading a Kubernetes API server, and nothing but the reads in its
 * table.
 *
 * The table below is the allowlist: a fixed set of collection paths (lists
 * of one resource, cluster-wide or in one namespace) and /version.  Paths
 * are built only from the table, a namespace name that is a valid DNS label
 * and the paging parameters, and every URL is checked against the allowlist
 * once more before it is requested, so no subresource (log, exec, attach,
 * portforward, proxy) and no single object can be asked for.  Requests go
 * through the HTTP layer (GET only, no link-local or metadata addresses);
 * an API server's redirects are not followed at all (an error naming where
 * it pointed).  Lists are read with
 * limit/continue paging; ConfigMaps and Secrets are asked for as
 * PartialObjectMetadataList, so their contents are never requested.
 */
#ifndef VETTER_K8S_API_H
#define VETTER_K8S_API_H

#include <stddef.h>

#include <jansson.h>

#include "k8s_kubeconfig.h"

struct k8s_resource {
	const char *name;         /* plural, as in the path and in coverage */
	const char *gv[3];        /* group/versions to try in order ("v1" is the core group), NULL-terminated */
	int namespaced;
	const char *kind;
	int metadata_only;        /* ask for PartialObjectMetadataList */
};

extern const struct k8s_resource k8s_resources[];
extern const size_t k8s_nresources;

/* 1 when path (after the server URL, before '?') is on the allowlist. */
int k8s_path_allowed(const char *path);

struct k8s_client;

struct k8s_client_opts {
	int tls_verify;       /* 0 when the source or the kubeconfig turns verification off */
	long timeout_s;       /* per request; 0 = 120 */
	size_t page_size;     /* limit= ; 0 = 500 */
};

int k8s_client_new(struct k8s_client **out, const struct k8s_target *t, const struct k8s_client_opts *o);
void k8s_client_free(struct k8s_client *c);

/* GET /version; *out is the caller's. */
int k8s_client_version(struct k8s_client *c, json_t **out);

/*
 * Called with each item of each page: the list's apiVersion (borrowed), the
 * item (borrowed; the callback takes a reference to keep it).
 */
typedef int (*k8s_item_cb)(void *ctx, const char *list_api_version, json_t *item);

/*
 * Read every page of resource r, cluster-wide (ns NULL) or in namespace ns.
 * Returns 0, or ERR_AUTH (401), ERR_DENIED (403), ERR_NOTFOUND (404 on every
 * group version) for the resource, or another negative code; the message
 * names the path and what the server said.  *gv_used is the group version
 * read (may be NULL).
 */
int k8s_client_list(struct k8s_client *c, const struct k8s_resource *r, const char *ns, k8s_item_cb cb, void *ctx,
		    const char **gv_used);

#endif
