/*
 * registry_auth: what a registry's 401 asks for, and what a token service
 * answers.
 *
 * A registry names its token service in the WWW-Authenticate header of a
 * 401 (RFC 7235, with Docker's Bearer parameters realm, service and scope).
 * The header is outside data: it is parsed with bounds on its length, on
 * the number of challenges and parameters and on each value, and quoted
 * strings are unescaped here, never by a format string.  Where the realm
 * points decides whether credentials may go there; that decision is the
 * client's (registry.c), this module only reads.
 */
#ifndef VETTER_REGISTRY_AUTH_H
#define VETTER_REGISTRY_AUTH_H

#include <stddef.h>

#include "core/strbuf.h"

#define REGAUTH_MAX_HEADER 8192  /* a longer header is refused */
#define REGAUTH_MAX_VALUE 2048   /* one parameter's value */
#define REGAUTH_MAX_PARAMS 16    /* parameters of one challenge */
#define REGAUTH_MAX_CHALLENGES 8

enum regauth_scheme {
	REGAUTH_OTHER = 0, /* a scheme vetter does not speak (Negotiate, Digest, ...) */
	REGAUTH_BASIC,
	REGAUTH_BEARER,
};

struct regauth_challenge {
	enum regauth_scheme scheme;
	char *scheme_name;            /* as sent, for messages */
	char *realm, *service, *scope, *error; /* NULL when absent */
};

/*
 * Parse a WWW-Authenticate value into out[0..max): returns how many
 * challenges were read (0 for an empty value), or ERR_PARSE / ERR_LIMIT.
 * On failure nothing is left to release.
 */
int regauth_parse(const char *value, size_t len, struct regauth_challenge *out, size_t max);
void regauth_release(struct regauth_challenge *c, size_t n);

/* The challenge to answer: Bearer before Basic; NULL when neither is offered. */
const struct regauth_challenge *regauth_pick(const struct regauth_challenge *c, size_t n);

/*
 * A token service's JSON answer: "token" or "access_token" into token,
 * "expires_in" into *expires_in (60 when absent, as the Docker token
 * specification says), "refresh_token" into refresh when not NULL.
 */
int regauth_token_parse(const char *body, size_t len, struct strbuf *token, long *expires_in,
			struct strbuf *refresh);

#endif
