/*
 * gcp_auth: a Google service-account key and the OAuth2 JWT bearer grant.
 *
 * The key file (JSON, as the console downloads it) is a credential: its
 * text comes from a credential reference, its private key stays in memory,
 * and nothing of it is logged or stored.  The assertion is a JWT signed
 * RS256 (RSASSA-PKCS1-v1_5 with SHA-256) with OpenSSL, asking for the
 * read-only cloud-platform scope, for one hour.
 */
#ifndef VETTER_GCP_AUTH_H
#define VETTER_GCP_AUTH_H

#include <stdint.h>

#include "core/strbuf.h"

#define GCP_TOKEN_URI "https://oauth2.googleapis.com/token"
#define GCP_SCOPE "https://www.googleapis.com/auth/cloud-platform.read-only"

struct gcp_key {
	char *client_email;
	char *private_key;    /* PEM */
	char *private_key_id;
	char *token_uri;
	char *project_id;
};

/* Parse a key file: ERR_PARSE naming the member that is missing or wrong (never quoting the key). */
int gcp_key_parse(const char *text, size_t len, const char *name, struct gcp_key *out);
void gcp_key_release(struct gcp_key *k);

/* RS256 of data with the PEM private key: the raw signature into sig. */
int gcp_rs256(const char *pem, const void *data, size_t len, struct strbuf *sig);
/* base64url without padding. */
void gcp_base64url(struct strbuf *out, const void *data, size_t len);
/* The signed assertion for aud (the token endpoint) at time now (seconds since the epoch). */
int gcp_jwt(const struct gcp_key *k, const char *aud, int64_t now, struct strbuf *out);

#endif
