/*
 * cloud: what the Azure and Google Cloud connectors share: writing the
 * normalised documents (cloud_norm.h) as assets, and the coverage record.
 */
#ifndef VETTER_CLOUD_H
#define VETTER_CLOUD_H

#include <jansson.h>

#include "cloud_norm.h"
#include "core/inventory.h"

#include "cloud_api.h"

/*
 * Write every document of docs as an asset (kind: the document's kind; key:
 * the kind and the document's ARM id or asset name), and the source's
 * coverage: the mode ("export", "live"), the count of assets per kind, the
 * records read and skipped, a summary, and the members of extra (may be
 * NULL: the files read, the requests sent).
 */
int cloud_write_documents(struct inventory *inv, const json_t *docs, const struct cloud_stats *cs, const json_t *extra,
			  const char *mode);

/* The assets alone (no coverage), counting them per kind into kinds (may be NULL): for sources that hold more. */
int cloud_write_assets(struct inventory *inv, const json_t *docs, json_t *kinds);

/* Keys every live cloud source takes (endpoints, ca_file, timeout, page limit). */
#define CLOUD_LIVE_KEYS                                                                               \
	{ "endpoints", SCH_OBJECT, 0, cloud_endpoint_keys, SCH_ANY, NULL },                          \
	{ "ca_file", SCH_STRING, 0, NULL, SCH_ANY, NULL }, { "timeout", SCH_INT, 0, NULL, SCH_ANY, NULL }, \
	{ "max_pages", SCH_INT, 0, NULL, SCH_ANY, NULL }
extern const struct schema_field cloud_endpoint_keys[];

/* A live collection: the client, what failed, what was asked. */
struct cloud_live {
	struct inventory *inv;
	struct cloud_client *client;
	const char *provider;  /* "azure", "gcp" */
	long calls, failed;
	struct strbuf ca;
};

/*
 * The client for a live source: endpoints (every one https), ca_file
 * (inside the engagement folder), tls_verify, timeout and max_pages from the
 * source; token exchanges through token(ctx); every page kept as evidence.
 */
int cloud_live_open(struct cloud_live *l, struct inventory *inv, const char *provider, cloud_token_fn token, void *ctx);
void cloud_live_close(struct cloud_live *l);
/* An endpoint the source names (endpoints.KEY), checked to be https://; *out NULL when not set. */
int cloud_live_endpoint(const struct inventory *inv, const char *key, const char **out);
/*
 * GET a call into items.  A failure is a coverage gap "PROVIDER SCOPE: CALL"
 * with the API's answer and returns its code; only ERR_NOMEM and
 * ERR_INTERRUPTED should stop the source (cloud_live_fatal).
 */
int cloud_live_get(struct cloud_live *l, const char *call, const json_t *args, const char *scope, json_t *items);
int cloud_live_fatal(int rc);
/* The counts for the coverage record: calls, failed calls, requests, token exchanges. */
json_t *cloud_live_counts(const struct cloud_live *l);

/* Entra ID client credentials for aud (login NULL: login.microsoftonline.com); the token into out. */
int azure_token_exchange(struct cloud_client *c, const char *login, const char *tenant, const char *client_id,
			 const char *secret, enum cloud_audience aud, struct strbuf *out);
/* 1 when t can be a tenant (a GUID or a domain). */
int azure_tenant_ok(const char *t);

struct gcp_key;
/* The JWT bearer grant at token_url. */
int gcp_token_exchange(struct cloud_client *c, const struct gcp_key *key, const char *token_url, struct strbuf *out);
/*
 * The source's credentials.service_account_key, parsed, and the token
 * endpoint (endpoints.token or Google's), refused (ERR_DENIED) when the key's
 * token_uri names another.
 */
int gcp_key_from_source(const struct inventory *inv, struct gcp_key *key, const char **token_url);

#endif
