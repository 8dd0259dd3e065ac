/*
 * http: the only place vetter talks HTTP, and the only place a method is set.
 *
 * vetter is read-only by construction: a request may be GET or HEAD; POST is
 * allowed only for the purposes that need it — token exchanges (OAuth2,
 * registry token services, STS AssumeRole) and the AWS protocols that send
 * reads as POST, where the caller's call table is the guard.  Any other
 * method is refused before a byte leaves.
 *
 * Outside data decides where requests go (a kubeconfig's server, a
 * registry's realm, a redirect), so:
 *   - link-local and cloud metadata addresses (169.254.0.0/16, fe80::/10,
 *     fd00:ec2::254) are refused at connect time, whatever name led there;
 *   - redirects are followed by this module, not by curl: never to another
 *     scheme than https (plain http only to loopback when allowed), and the
 *     credential header is dropped as soon as the host changes;
 *   - bodies have a size limit, requests a timeout;
 *   - 429 and 5xx are retried with backoff, honouring Retry-After.
 * Every request is written to the run log (method, URL without its query,
 * status, bytes, time).
 */
#ifndef VETTER_HTTP_H
#define VETTER_HTTP_H

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "strbuf.h"

struct http_client;

struct http_options {
	int tls_verify;              /* 1 unless an engagement source turns it off */
	const char *ca_file;         /* extra CA bundle (PEM file) */
	const char *ca_pem;          /* CA certificates in memory (PEM) */
	const char *client_cert_pem; /* client certificate (PEM, memory) */
	const char *client_key_pem;  /* its key (PEM, memory) */
	long timeout_s;              /* whole request; 0 = 120 */
	long connect_timeout_s;      /* 0 = 15 */
	size_t max_body;             /* 0 = 64 MB */
	int allow_plain_http;        /* http:// to loopback (tests, local registries) */
	int plain_http_any_host;     /* with allow_plain_http: http:// to any allowed address (--insecure) */
	long stall_timeout_s;        /* abort when no byte arrives for this long; 0 = only timeout_s */
	int max_retries;             /* 0 = 4; -1 = none */
	int max_redirects;           /* 0 = 5; -1 = none */
};

enum http_purpose {
	HTTP_READ = 0,         /* GET and HEAD only */
	HTTP_TOKEN_EXCHANGE,   /* POST to an auth endpoint */
	HTTP_AWS_READ,         /* POST carrying a read action from a call table */
};

struct http_request {
	const char *method;            /* NULL = GET */
	const char *url;
	const char *const *headers;    /* "Name: value", NULL-terminated; may be NULL */
	const char *credential;        /* "Authorization: ..." header, dropped on a cross-host redirect */
	const void *body;
	size_t body_len;
	enum http_purpose purpose;
};

struct http_response {
	long status;
	struct strbuf body;
	struct strbuf headers;  /* raw response headers of the final response */
	char *final_url;        /* after redirects */
	double seconds;
};

/* Called with body bytes as they arrive (streaming); return <0 to abort. */
typedef int (*http_sink)(void *ctx, const void *data, size_t len);

int http_client_new(struct http_client **out, const struct http_options *opt);
void http_client_free(struct http_client *c);

/* The whole body into resp->body (up to max_body).  On failure resp holds nothing to release. */
int http_do(struct http_client *c, const struct http_request *req, struct http_response *resp);
/* The body through sink instead of memory; resp->body stays empty. */
int http_stream(struct http_client *c, const struct http_request *req, http_sink sink, void *ctx,
		struct http_response *resp);
void http_response_release(struct http_response *resp);

/* Inside a sink: the status of the response whose body is arriving. */
long http_client_status(struct http_client *c);

/* A response header's value (case-insensitive name) into out; ERR_NOTFOUND when absent. */
int http_header(const struct http_response *resp, const char *name, struct strbuf *out);

/* 1 when the address is link-local or a cloud metadata endpoint (exposed for tests). */
int http_address_forbidden(const struct sockaddr *sa);

#endif
