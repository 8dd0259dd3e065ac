/*
 * cloud_api: the call table of the Azure and Google Cloud connectors, which
 * is also their allowlist, and the client that sends its calls and nothing
 * else.
 *
 * Every request to Azure (ARM, Microsoft Graph) or Google Cloud is one row
 * of the table: a GET of a fixed path template, how it pages, where its
 * items are, and what it feeds.  The only POSTs are the token exchanges
 * (OAuth2 client credentials for Azure, a JWT bearer assertion signed RS256
 * for Google), sent to the token endpoint the engagement names or the
 * cloud's own, never one a key file or an answer points to, and never
 * through a redirect.  A page link (ARM's nextLink, Graph's
 * @odata.nextLink) is followed only when it has the origin and path of the
 * request that gave it.
 *
 * The client keeps one token per audience, exchanges a new one when an API
 * says the token expired (401), and classifies errors: ERR_AUTH (the token
 * was refused), ERR_DENIED (403: a coverage gap for that call), ERR_HTTP
 * (any other error answer; the message has the API's code and message),
 * ERR_PARSE (not JSON), ERR_UNSUPPORTED (not in the table).  429 and 5xx
 * are retried by the HTTP module, honouring Retry-After.
 */
#ifndef VETTER_CLOUD_API_H
#define VETTER_CLOUD_API_H

#include <stddef.h>

#include <jansson.h>

#include "core/strbuf.h"

enum cloud_paging {
	CLOUD_PAGE_NONE,
	CLOUD_PAGE_NEXTLINK,   /* ARM: {"value": [...], "nextLink": URL} */
	CLOUD_PAGE_ODATA,      /* Graph: {"value": [...], "@odata.nextLink": URL} */
	CLOUD_PAGE_TOKEN,      /* Google: pageToken parameter, nextPageToken member */
};

/* Audiences: which token a call needs. */
enum cloud_audience { CLOUD_ARM, CLOUD_GRAPH, CLOUD_GOOGLE };

struct cloud_call {
	const char *name;       /* "azure.storage.accounts", "gcp.compute.firewalls" */
	enum cloud_audience audience;
	const char *service;    /* Google: the API host's first label ("compute"); Azure: NULL */
	const char *path;       /* template: {sub} {project} {id} {name} {email} {location} {parent} */
	enum cloud_paging paging;
	const char *items;      /* member holding the items; "*": the answer is the item; "@aggregated:K": Google's
				   aggregated lists (items.SCOPE.K) */
	const char *asset_type; /* Google: the Cloud Asset Inventory type its items become */
	const char *feeds;      /* the data set it fills (docs/resources.md), or NULL */
};

const struct cloud_call *cloud_call_find(const char *name);
const struct cloud_call *cloud_call_at(size_t i);

struct cloud_client;

typedef int (*cloud_evidence_fn)(void *ctx, const char *uri, const void *body, size_t len);
/* Exchanges a token for an audience: 0 with out set (the caller's), or <0. */
typedef int (*cloud_token_fn)(void *ctx, struct cloud_client *c, enum cloud_audience aud, struct strbuf *out);

struct cloud_client_opts {
	const char *arm_url;     /* default https://management.azure.com */
	const char *graph_url;   /* default https://graph.microsoft.com */
	const char *google_url;  /* every Google API under this URL as URL/SERVICE/...; default https://SERVICE.googleapis.com */
	const char *ca_file;
	int tls_verify;
	long timeout_s;
	int max_pages;           /* pages of one call; 0 = 1000 */
	cloud_token_fn token;
	void *token_ctx;
	cloud_evidence_fn evidence;
	void *evidence_ctx;
};

int cloud_client_new(struct cloud_client **out, const struct cloud_client_opts *opt);
void cloud_client_free(struct cloud_client *c);

/*
 * GET the call with the template arguments args (a JSON object of strings;
 * each value is checked: ids must look like ids, names like names) and
 * every page; the items appended to items (an array).  0 or <0 as above.
 */
int cloud_client_get(struct cloud_client *c, const char *call, const json_t *args, json_t *items);
/* Requests sent so far (every attempt counts), and token exchanges. */
long cloud_client_requests(const struct cloud_client *c);
long cloud_client_exchanges(const struct cloud_client *c);

/*
 * POST a form to a token endpoint (no redirects followed) and read
 * access_token from the JSON answer into out.  The form holds a secret: it
 * is never logged.  what names the exchange in messages.
 */
int cloud_token_post(struct cloud_client *c, const char *url, const char *form, const char *what, struct strbuf *out);
/* The same, reading member instead of access_token (ACR's refresh_token). */
int cloud_token_post_member(struct cloud_client *c, const char *url, const char *form, const char *what, const char *member,
			    struct strbuf *out);

/* Append s to out with everything but unreserved characters percent-encoded. */
void cloud_urlencode(struct strbuf *out, const char *s);

#endif
