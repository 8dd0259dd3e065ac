/*
 * registry_int: what registry.c (connections and authentication) and
 * registry_api.c (the API calls) share.  Not for other modules.
 */
#ifndef VETTER_REGISTRY_INT_H
#define VETTER_REGISTRY_INT_H

#include <pthread.h>

#include "registry.h"

#define REGISTRY_DOC_MAX_BODY ((size_t)8 << 20) /* catalog pages, tag lists, manifests, configs */

/* A pooled HTTP client: doc clients have short timeouts, blob clients a stall timeout. */
struct http_client *registry_acquire(struct registry *r, int blob);
void registry_release(struct registry *r, struct http_client *c, int blob);

/* "https://HOST[:PORT]" (or http://) of the API. */
const char *registry_base(const struct registry *r);

/*
 * GET (or HEAD) url, authenticating as the registry asks for scope.  With a
 * sink, 2xx bodies stream through it.  Returns 0 with any final status in
 * resp except 401, which becomes ERR_AUTH with the reason.
 */
int registry_request(struct registry *r, struct http_client *hc, const char *method, const char *url,
		     const char *scope, const char *const *headers, http_sink sink, void *sctx,
		     struct http_response *resp);

/* A clear error for an unexpected status, with the registry's error code when it sent one. */
int registry_status_error(const struct http_response *resp, const char *what);

/* n= for list pages. */
size_t registry_page_size(const struct registry *r);

/* Count what went over the wire. */
void registry_count(struct registry *r, int64_t requests, int64_t blobs, int64_t blob_bytes);

#endif
