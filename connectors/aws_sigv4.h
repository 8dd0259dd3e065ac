/*
 * aws_sigv4: AWS Signature Version 4, on OpenSSL's HMAC-SHA256.
 *
 * A request is signed in four steps, each kept in the result so that a user
 * debugging a signature (vetter debug sigv4) can compare them with what AWS
 * says it expected: the canonical request, the string to sign, the signature,
 * and the Authorization header (or, presigned, the query parameters).
 *
 * The rules differ by service in two places, both switches of the config:
 *   - every service but S3 normalises the path (dot segments and empty
 *     segments removed) and URI-encodes it once more on top of what is sent
 *     on the wire; S3 signs the path exactly as sent;
 *   - S3 signs the payload hash as the x-amz-content-sha256 header.
 * aws_sigv4_config_for() sets both from the service name.
 *
 * The path of a request is taken as sent on the wire.  The test suite's
 * requests carry raw bytes there (a space, UTF-8): the one encoding pass of
 * the double-encoding services turns those into what the suite expects.
 */
#ifndef VETTER_AWS_SIGV4_H
#define VETTER_AWS_SIGV4_H

#include <stddef.h>
#include <stdint.h>

#include "core/strbuf.h"

#define SIGV4_MAX_HEADERS 64

struct sigv4_header {
	char *name;  /* as written */
	char *value; /* as written after the ':' (may hold folded lines) */
};

struct sigv4_request {
	char *method;
	char *path;   /* before the '?' */
	char *query;  /* after the '?'; "" when none */
	struct sigv4_header headers[SIGV4_MAX_HEADERS];
	size_t nheaders;
	struct strbuf body;
};

struct sigv4_config {
	const char *access_key, *secret_key, *session_token; /* token may be NULL */
	const char *region, *service;
	int64_t time;            /* seconds since the epoch, UTC */
	int normalize_path;      /* remove dot and empty segments */
	int double_encode;       /* URI-encode the wire path again */
	int sign_body;           /* add and sign x-amz-content-sha256 */
	int omit_session_token;  /* add the token after signing, unsigned */
	int64_t expires;         /* presigning: X-Amz-Expires in seconds */
};

struct sigv4_result {
	struct strbuf canonical_request;
	struct strbuf string_to_sign;
	struct strbuf signature;      /* lowercase hex */
	struct strbuf authorization;  /* the Authorization header's value (header signing) */
};

/* normalize_path, double_encode and sign_body as AWS wants them for service. */
void aws_sigv4_config_for(struct sigv4_config *cfg, const char *service);

void sigv4_request_init(struct sigv4_request *req);
void sigv4_request_release(struct sigv4_request *req);
/* Append a header (copies); ERR_LIMIT past SIGV4_MAX_HEADERS. */
int sigv4_request_add_header(struct sigv4_request *req, const char *name, const char *value);
/* The value of the first header called name (any case), or NULL. */
const char *sigv4_request_header(const struct sigv4_request *req, const char *name);

/*
 * Parse a raw HTTP request as the test suites write them: a request line
 * "METHOD TARGET HTTP/1.1", header lines "Name:value" (a line starting with
 * a space or tab continues the previous value), an empty line and the body.
 * Line ends may be LF or CRLF.
 */
int sigv4_request_parse(struct sigv4_request *req, const char *text, size_t len);
/* Write the request back in the same form (request line, headers, blank line, body). */
int sigv4_request_format(struct strbuf *out, const struct sigv4_request *req);

/*
 * Sign with headers: sets X-Amz-Date (replacing one already there), adds
 * X-Amz-Security-Token when the config has a token (after signing when
 * omit_session_token), x-amz-content-sha256 when sign_body, and the
 * Authorization header.  res is filled; release it with sigv4_result_release.
 */
int sigv4_sign(const struct sigv4_config *cfg, struct sigv4_request *req, struct sigv4_result *res);
/* Sign in the query string (a presigned URL): the X-Amz-* parameters are appended to req->query. */
int sigv4_presign(const struct sigv4_config *cfg, struct sigv4_request *req, struct sigv4_result *res);
void sigv4_result_release(struct sigv4_result *res);

/* RFC 3986 encoding as SigV4 wants it: all but A-Z a-z 0-9 - _ . ~ (and '/' when keep_slash). */
int sigv4_uri_encode(struct strbuf *out, const char *s, size_t len, int keep_slash);
/* "YYYYMMDDTHHMMSSZ" of t into out[17]. */
void sigv4_amz_date(char out[17], int64_t t);

#endif
