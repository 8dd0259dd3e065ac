/*
 * aws_client: sends the calls of the call table, and nothing else.
 *
 * aws_client_call() looks the service and action up in the call table
 * (aws_calls.h) and refuses anything not there before a byte is signed.  It
 * builds the request as the call's protocol wants it, signs it with SigV4,
 * sends it through the HTTP module (the only code that sets a method: AWS's
 * query and JSON protocols send their reads as POST, purpose HTTP_AWS_READ),
 * follows the pages, and returns the merged answer in the shape the AWS CLI
 * prints.
 *
 * Throttling answers (Throttling, RequestLimitExceeded, SlowDown, ...) are
 * retried with exponential backoff and jitter, re-signed each time; 429 and
 * 5xx are already retried by the HTTP module.  Errors come back classified:
 *   AWS_ABSENT     the service says the thing is not configured (no password
 *                  policy, no public access block): an answer, not a gap;
 *   ERR_DENIED     access denied: a coverage gap for that service and region;
 *   ERR_AUTH       the keys were refused (SignatureDoesNotMatch,
 *                  InvalidClientTokenId) or the session expired (ExpiredToken);
 *   ERR_HTTP       any other error answer; ERR_PARSE a malformed answer;
 *   ERR_UNSUPPORTED  not in the call table.
 * The message names the call, the region, AWS's code and its message.
 *
 * Each page kept is passed to the evidence callback, except for calls whose
 * answer holds a credential (AssumeRole, GetAuthorizationToken).
 */
#ifndef VETTER_AWS_CLIENT_H
#define VETTER_AWS_CLIENT_H

#include <stddef.h>

#include <jansson.h>

#include "aws_creds.h"

#define AWS_ABSENT 1

typedef int (*aws_evidence_fn)(void *ctx, const char *uri, const char *media_type, const void *body, size_t len);

struct aws_client_opts {
	const char *endpoint_url;   /* every service at this URL (tests, private endpoints); NULL for AWS's */
	int tls_verify;             /* 1 unless the source turns it off */
	const char *default_region; /* where STS and S3 Control are asked; NULL = us-east-1 */
	const char *account_id;     /* for S3 Control's host; may be set later */
	long backoff_ms;            /* first throttling delay; 0 = 100 */
	int max_attempts;           /* attempts of a throttled request; 0 = 7 */
	int max_pages;              /* pages of one call; 0 = 500 */
	aws_evidence_fn evidence;
	void *evidence_ctx;
};

struct aws_client;

int aws_client_new(struct aws_client **out, const struct aws_creds *creds, const struct aws_client_opts *opt);
void aws_client_free(struct aws_client *c);
/* Use other credentials from now on (after AssumeRole). */
int aws_client_set_creds(struct aws_client *c, const struct aws_creds *creds);
/* Set the account id (known after GetCallerIdentity). */
int aws_client_set_account(struct aws_client *c, const char *account_id);

/*
 * Call service:action in region (NULL: a global service's home region, or
 * the default region).  args: the call's template arguments, a JSON object
 * (may be NULL).  0 with *out (the caller's), AWS_ABSENT, or <0 as above.
 */
int aws_client_call(struct aws_client *c, const char *service, const char *action, const char *region,
		    const json_t *args, json_t **out);
/* The same with at most max_pages pages (0: the client's limit); more pages are left unread, not an error. */
int aws_client_call_pages(struct aws_client *c, const char *service, const char *action, const char *region,
			  const json_t *args, int max_pages, json_t **out);
/* AWS's error code of the last failed call, "" when there was none. */
const char *aws_client_last_code(const struct aws_client *c);
/* Requests sent so far (every attempt counts). */
long aws_client_requests(const struct aws_client *c);

/* 1 for the error codes AWS uses for throttling. */
int aws_code_throttling(const char *code);

#endif
