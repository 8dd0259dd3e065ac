#include "registry_auth.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/err.h"
#include "core/jsonx.h"

/* RFC 7230 tchar */
static int is_tchar(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       (c && strchr("!#$%&'*+-.^_`|~", c));
}

struct cursor {
	const char *p, *end;
};

static void skip_ws(struct cursor *c)
{
	while (c->p < c->end && (*c->p == ' ' || *c->p == '\t'))
		c->p++;
}

/* A token (or token68, which adds '/', '=' at the end): its length, 0 when none. */
static size_t token_len(const struct cursor *c, int token68)
{
	const char *q = c->p;

	while (q < c->end && (is_tchar((unsigned char)*q) || (token68 && *q == '/')))
		q++;
	if (token68)
		while (q < c->end && *q == '=')
			q++;
	return (size_t)(q - c->p);
}

/* A quoted string (the cursor on its opening quote) or a token, unescaped into out. */
static int read_value(struct cursor *c, struct strbuf *out)
{
	size_t n;

	strbuf_reset(out);
	if (c->p < c->end && *c->p == '"') {
		c->p++;
		while (c->p < c->end && *c->p != '"') {
			if (*c->p == '\\' && c->p + 1 < c->end)
				c->p++;
			if ((unsigned char)*c->p < 0x20 && *c->p != '\t')
				return err_set(ERR_PARSE, "WWW-Authenticate: a control character in a quoted value");
			if (strbuf_addch(out, *c->p) < 0)
				return err_set(ERR_LIMIT, "WWW-Authenticate: a value longer than %d bytes", REGAUTH_MAX_VALUE);
			c->p++;
		}
		if (c->p >= c->end)
			return err_set(ERR_PARSE, "WWW-Authenticate: an unterminated quoted value");
		c->p++;
		return 0;
	}
	n = token_len(c, 0);
	if (!n)
		return err_set(ERR_PARSE, "WWW-Authenticate: a parameter without a value");
	if (strbuf_add(out, c->p, n) < 0)
		return err_set(ERR_LIMIT, "WWW-Authenticate: a value longer than %d bytes", REGAUTH_MAX_VALUE);
	c->p += n;
	return 0;
}

void regauth_release(struct regauth_challenge *c, size_t n)
{
	size_t i;

	for (i = 0; c && i < n; i++) {
		free(c[i].scheme_name);
		free(c[i].realm);
		free(c[i].service);
		free(c[i].scope);
		free(c[i].error);
		memset(&c[i], 0, sizeof(c[i]));
	}
}

static int keep_param(struct regauth_challenge *ch, const char *name, size_t nlen, const struct strbuf *v)
{
	static const char *const names[] = { "realm", "service", "scope", "error" };
	char **slots[] = { &ch->realm, &ch->service, &ch->scope, &ch->error };
	size_t i;

	for (i = 0; i < 4; i++) {
		if (strlen(names[i]) == nlen && !strncasecmp(name, names[i], nlen)) {
			/* A repeated parameter makes the challenge ambiguous: the first one counts. */
			if (*slots[i])
				return 0;
			*slots[i] = strdup(v->buf);
			return *slots[i] ? 0 : err_set(ERR_NOMEM, "out of memory");
		}
	}
	return 0;
}

/*
 * The parameters of one challenge, up to the next scheme: "name=value"
 * separated by commas, or one token68 right after the scheme.  The cursor is
 * left at the next challenge's scheme (or the end).
 */
static int read_params(struct cursor *c, const char *value, struct regauth_challenge *ch, struct strbuf *v,
		       size_t *nparams)
{
	int comma_seen = 0, rc;
	size_t tl;

	for (;;) {
		const char *save, *name, *q;

		skip_ws(c);
		while (c->p < c->end && (*c->p == ',' || *c->p == ' ' || *c->p == '\t')) {
			comma_seen |= *c->p == ',';
			c->p++;
		}
		if (c->p >= c->end)
			return 0;
		save = name = c->p;
		tl = token_len(c, 0);
		if (!tl && *c->p != '/')
			return err_set(ERR_PARSE, "WWW-Authenticate: unexpected character 0x%02x at offset %zu",
				       (unsigned char)*c->p, (size_t)(c->p - value));
		c->p += tl;
		if (c->p < c->end && *c->p == '/') {
			/* Only a token68 has '/'. */
			c->p += token_len(c, 1);
			if (*nparams || comma_seen)
				return err_set(ERR_PARSE, "WWW-Authenticate: a token68 among parameters");
			(*nparams)++;
			continue;
		}
		skip_ws(c);
		if (c->p < c->end && *c->p == '=') {
			q = c->p;
			while (q < c->end && *q == '=')
				q++;
			while (q < c->end && (*q == ' ' || *q == '\t'))
				q++;
			if (q >= c->end || *q == ',') {
				/* "abc==": a token68 with its padding. */
				if (*nparams || comma_seen)
					return err_set(ERR_PARSE, "WWW-Authenticate: a token68 among parameters");
				c->p = q;
				(*nparams)++;
				continue;
			}
			c->p++;
			skip_ws(c);
			if ((rc = read_value(c, v)) < 0)
				return rc;
			if (++*nparams > REGAUTH_MAX_PARAMS)
				return err_set(ERR_LIMIT, "WWW-Authenticate: more than %d parameters", REGAUTH_MAX_PARAMS);
			if ((rc = keep_param(ch, name, tl, v)) < 0)
				return rc;
			skip_ws(c);
			if (c->p < c->end && *c->p != ',')
				return err_set(ERR_PARSE, "WWW-Authenticate: expected ',' at offset %zu", (size_t)(c->p - value));
			continue;
		}
		if ((c->p >= c->end || *c->p == ',') && !*nparams && !comma_seen) {
			/* A bare token68 right after the scheme. */
			(*nparams)++;
			continue;
		}
		/* A token not followed by '=': the next challenge's scheme. */
		c->p = save;
		return 0;
	}
}

int regauth_parse(const char *value, size_t len, struct regauth_challenge *out, size_t max)
{
	struct cursor c = { value, value + len };
	struct strbuf v = STRBUF_INIT;
	size_t n = 0, nparams, tl;
	int rc = 0;

	if (len > REGAUTH_MAX_HEADER)
		return err_set(ERR_LIMIT, "WWW-Authenticate: longer than %d bytes", REGAUTH_MAX_HEADER);
	if (memchr(value, 0, len))
		return err_set(ERR_PARSE, "WWW-Authenticate: a NUL byte");
	strbuf_init(&v, REGAUTH_MAX_VALUE);
	for (;;) {
		struct regauth_challenge *ch;

		/* Empty list elements (", ,") are allowed by the list syntax. */
		skip_ws(&c);
		while (c.p < c.end && (*c.p == ',' || *c.p == ' ' || *c.p == '\t'))
			c.p++;
		if (c.p >= c.end)
			break;
		tl = token_len(&c, 0);
		if (!tl) {
			rc = err_set(ERR_PARSE, "WWW-Authenticate: expected an authentication scheme at offset %zu",
				     (size_t)(c.p - value));
			goto fail;
		}
		if (n == max || n == REGAUTH_MAX_CHALLENGES) {
			rc = err_set(ERR_LIMIT, "WWW-Authenticate: more than %zu challenges",
				     max < REGAUTH_MAX_CHALLENGES ? max : (size_t)REGAUTH_MAX_CHALLENGES);
			goto fail;
		}
		ch = &out[n++];
		memset(ch, 0, sizeof(*ch));
		ch->scheme_name = strndup(c.p, tl);
		if (!ch->scheme_name) {
			rc = err_set(ERR_NOMEM, "out of memory");
			goto fail;
		}
		ch->scheme = !strcasecmp(ch->scheme_name, "Bearer") ? REGAUTH_BEARER
			     : !strcasecmp(ch->scheme_name, "Basic") ? REGAUTH_BASIC
								      : REGAUTH_OTHER;
		c.p += tl;
		nparams = 0;
		if ((rc = read_params(&c, value, ch, &v, &nparams)) < 0)
			goto fail;
	}
	strbuf_release(&v);
	return (int)n;
fail:
	strbuf_release(&v);
	regauth_release(out, n);
	return rc;
}

const struct regauth_challenge *regauth_pick(const struct regauth_challenge *c, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (c[i].scheme == REGAUTH_BEARER && c[i].realm && c[i].realm[0])
			return &c[i];
	for (i = 0; i < n; i++)
		if (c[i].scheme == REGAUTH_BASIC)
			return &c[i];
	return NULL;
}

/* A token goes into a header: printable ASCII without spaces, bounded. */
static int header_safe(const char *s, size_t max)
{
	size_t i;

	for (i = 0; s[i]; i++)
		if ((unsigned char)s[i] <= 0x20 || (unsigned char)s[i] >= 0x7f || i >= max)
			return 0;
	return i > 0;
}

int regauth_token_parse(const char *body, size_t len, struct strbuf *token, long *expires_in, struct strbuf *refresh)
{
	json_t *doc = NULL, *exp;
	const char *t, *r;
	int rc;

	if ((rc = jsonx_parse(body, len, "token response", &doc)) < 0)
		return err_set(ERR_PARSE, "the token service's answer is not JSON: %s", err_last());
	t = jsonx_str(doc, "token");
	if (!t || !t[0])
		t = jsonx_str(doc, "access_token");
	if (!t || !header_safe(t, 64 * 1024)) {
		rc = err_set(ERR_PARSE, "the token service's answer has no usable token");
		goto cleanup;
	}
	if ((rc = strbuf_addstr(token, t)) < 0)
		goto cleanup;
	exp = json_object_get(doc, "expires_in");
	*expires_in = json_is_integer(exp) && json_integer_value(exp) > 0 && json_integer_value(exp) < 366 * 86400
			      ? (long)json_integer_value(exp)
			      : 60;
	r = jsonx_str(doc, "refresh_token");
	if (refresh && r && header_safe(r, 64 * 1024))
		rc = strbuf_addstr(refresh, r);
cleanup:
	json_decref(doc);
	return rc;
}
