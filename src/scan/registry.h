/*
 * registry: a client of the OCI Distribution API (Docker Registry v2), read
 * only, for inventories and for pulling images into the scanner.
 *
 * One struct registry talks to one registry host and may be used from many
 * threads at once: it keeps a pool of HTTP clients (each a curl handle with
 * its own connection, reused from request to request, HTTP/2 where the
 * server offers it) and one cache of tokens.  Every request goes through
 * core/http.c, so only GET and HEAD leave the process (and POST to a token
 * service), 429 and 5xx are retried with backoff honouring Retry-After,
 * redirects drop the Authorization header when the host changes and never
 * reach link-local or metadata addresses.
 *
 * Authentication follows the registry's 401 challenge:
 *   - Basic: the configured username and password, to the registry only;
 *   - Bearer: a token from the token service the challenge names (realm),
 *     for the scope "repository:NAME:pull" or "registry:catalog:*",
 *     anonymous or with credentials.  Credentials go to the realm only when
 *     it is on the registry's own host (or one listed in token_hosts, as
 *     auth.docker.io is for Docker Hub) and over TLS (plain HTTP only when
 *     the registry itself was reached so, by explicit choice).  A realm
 *     anywhere else gets an anonymous request.
 * A token that earns a 401 is renewed once; a second 401 is ERR_AUTH.
 *
 * Credentials are asked for through registry_cred_fn the first time a
 * challenge needs them, so an anonymous registry never runs a credential
 * helper.  This is also the hook for cloud registries: ECR's flavour
 * supplies a function that returns "AWS" and a token from
 * GetAuthorizationToken (see registry_source.h).
 */
#ifndef VETTER_REGISTRY_H
#define VETTER_REGISTRY_H

#include <stddef.h>
#include <stdint.h>

#include "core/http.h"
#include "core/strbuf.h"

struct registry_cred {
	char *username, *password; /* Basic, and Basic to a token service */
	char *identity_token;      /* an OAuth2 refresh token (docker's "identitytoken") */
	char *registry_token;      /* a Bearer token sent as it is (docker's "registrytoken") */
};
void registry_cred_release(struct registry_cred *c);

/*
 * Credentials for host ("HOST[:PORT]" as written in image references): 0
 * and out filled, ERR_NOTFOUND for anonymous access, another negative code
 * when they exist but cannot be had (a helper failed; a cloud API refused):
 * then every request that needs them fails with that error.  Values are
 * registered with log_secret_add() by the function.  May be called again
 * after a 401, to renew credentials that expire (ECR tokens last 12 hours).
 */
typedef int (*registry_cred_fn)(void *ctx, const char *host, struct registry_cred *out);

struct registry_options {
	const char *host;           /* "HOST[:PORT]"; docker.io means registry-1.docker.io */
	int plain_http;             /* http:// instead of https://: loopback only unless insecure */
	int insecure;               /* plain http to a host that is not loopback */
	int tls_verify;             /* 0 turns certificate checks off (an engagement source's tls_verify: false) */
	const char *ca_file;        /* extra CA bundle (PEM) */
	long timeout_s;             /* one document request; 0 = 60 */
	long stall_s;               /* a blob stream that delivers nothing this long fails; 0 = 60 */
	size_t page_size;           /* n= of catalog and tag list pages; 0 = 1000 */
	registry_cred_fn cred;      /* NULL: anonymous */
	void *cred_ctx;
	const char *const *token_hosts; /* NULL-terminated: other hosts trusted as token services */
};

struct registry;

int registry_new(struct registry **out, const struct registry_options *opt);
void registry_free(struct registry *r);
/* The host as configured ("HOST[:PORT]"). */
const char *registry_host(const struct registry *r);

/* GET /v2/: 0 when the host speaks the API (200, or 401 with a challenge vetter can answer). */
int registry_ping(struct registry *r);

/* Names one at a time; return <0 to stop (passed up). */
typedef int (*registry_name_fn)(void *ctx, const char *name);
/*
 * The catalog and a repository's tags, following Link pages; at most max
 * names (0 = no limit), *truncated set when more were there.  Names that
 * are not valid repository names or tags are skipped with a warning: they
 * would otherwise become URL paths.
 */
int registry_catalog(struct registry *r, size_t max, registry_name_fn fn, void *ctx, int *truncated);
int registry_tags(struct registry *r, const char *repo, size_t max, registry_name_fn fn, void *ctx, int *truncated);

struct registry_doc {
	struct strbuf raw;  /* the bytes (at most REGMAN_MAX_BYTES) */
	char *media_type;   /* Content-Type as served, may be NULL */
	char digest[72];    /* "sha256:" + hex of raw */
};
void registry_doc_release(struct registry_doc *d);

/*
 * A manifest or index by tag or digest.  By digest, the bytes must have that
 * digest; by tag, they must have the one the registry announces in
 * Docker-Content-Digest (ERR_INTEGRITY otherwise).
 */
int registry_manifest(struct registry *r, const char *repo, const char *reference, struct registry_doc *out);
/* A small blob (an image config) of at most max bytes, its digest checked. */
int registry_blob(struct registry *r, const char *repo, const char *digest, size_t max, struct strbuf *out);
/*
 * A blob of size bytes (-1 unknown) through sink, as it arrives.  A
 * connection lost part-way is resumed with a Range request (twice at most),
 * so the sink sees every byte once, in order; more bytes than size is
 * ERR_INTEGRITY.  The caller checks the digest.
 */
int registry_blob_stream(struct registry *r, const char *repo, const char *digest, int64_t size, http_sink sink,
			 void *ctx);

struct registry_stats {
	int64_t requests;    /* HTTP requests, token service included */
	int64_t blob_bytes;  /* bytes of layer blobs streamed */
	int64_t blobs;       /* layer blob streams opened */
};
void registry_get_stats(struct registry *r, struct registry_stats *out);

/* "Valid" here means safe to put in a URL path as the distribution spec names them. */
int registry_repo_name_valid(const char *s);
int registry_tag_valid(const char *s);

#endif
