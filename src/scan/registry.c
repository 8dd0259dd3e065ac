/* The registry client's connections and authentication; the API calls are in registry_api.c. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <curl/curl.h>

#include "core/err.h"
#include "core/jsonx.h"
#include "core/log.h"
#include "core/util.h"
#include "registry_auth.h"
#include "registry_int.h"

#define REGISTRY_MAX_TOKENS 4096

enum cred_state { CRED_UNASKED = 0, CRED_HAVE, CRED_NONE, CRED_FAILED };

struct reg_token {
	char *scope;
	char *value;
	time_t expires; /* CLOCK_MONOTONIC seconds */
};

struct client_pool {
	struct http_client **v;
	size_t n, cap;
};

struct registry {
	char *host, *api_host, *base, *ca_file;
	char **token_hosts;
	struct registry_options opt;
	pthread_mutex_t mu;
	pthread_mutex_t cred_mu; /* one credential function call at a time */
	struct client_pool docs, blobs;
	/* authentication, learnt from challenges */
	enum regauth_scheme scheme; /* REGAUTH_OTHER until a challenge is seen */
	char *realm, *service;
	struct reg_token *tokens;
	size_t ntokens;
	struct registry_cred cred;
	enum cred_state cred_state;
	int cred_rc;
	char cred_err[512];
	int warned_withheld;
	struct registry_stats stats;
};

static time_t now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec;
}

void registry_cred_release(struct registry_cred *c)
{
	free(c->username);
	free(c->password);
	free(c->identity_token);
	free(c->registry_token);
	memset(c, 0, sizeof(*c));
}

static void tokens_clear(struct registry *r)
{
	size_t i;

	for (i = 0; i < r->ntokens; i++) {
		free(r->tokens[i].scope);
		free(r->tokens[i].value);
	}
	r->ntokens = 0;
}

void registry_free(struct registry *r)
{
	size_t i;

	if (!r)
		return;
	for (i = 0; i < r->docs.n; i++)
		http_client_free(r->docs.v[i]);
	for (i = 0; i < r->blobs.n; i++)
		http_client_free(r->blobs.v[i]);
	free(r->docs.v);
	free(r->blobs.v);
	tokens_clear(r);
	free(r->tokens);
	registry_cred_release(&r->cred);
	for (i = 0; r->token_hosts && r->token_hosts[i]; i++)
		free(r->token_hosts[i]);
	free(r->token_hosts);
	free(r->host);
	free(r->api_host);
	free(r->base);
	free(r->ca_file);
	free(r->realm);
	free(r->service);
	pthread_mutex_destroy(&r->mu);
	pthread_mutex_destroy(&r->cred_mu);
	free(r);
}

/* The host part of "HOST[:PORT]" or "[V6]:PORT", lowercased, into out. */
static int host_only(struct strbuf *out, const char *hostport)
{
	const char *end;
	size_t i;

	if (hostport[0] == '[') {
		end = strchr(hostport, ']');
		if (!end)
			return err_set(ERR_PARSE, "'%s' is not a host", hostport);
		strbuf_add(out, hostport + 1, (size_t)(end - hostport - 1));
	} else {
		end = strchr(hostport, ':');
		strbuf_add(out, hostport, end ? (size_t)(end - hostport) : strlen(hostport));
	}
	for (i = 0; i < out->len; i++)
		if (out->buf[i] >= 'A' && out->buf[i] <= 'Z')
			out->buf[i] = (char)(out->buf[i] - 'A' + 'a');
	return 0;
}

static int host_is_loopback(const char *hostport)
{
	struct strbuf h = STRBUF_INIT;
	int yes;

	host_only(&h, hostport);
	yes = !strcmp(h.buf, "localhost") || !strcmp(h.buf, "::1") ||
	      (util_has_prefix(h.buf, "127.") && strspn(h.buf, "0123456789.") == h.len);
	strbuf_release(&h);
	return yes;
}

static int valid_hostport(const char *s)
{
	size_t i;

	if (!s[0] || strlen(s) > 255)
		return 0;
	for (i = 0; s[i]; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') || (s[i] >= '0' && s[i] <= '9') ||
		      strchr(".-:[]_", s[i])))
			return 0;
	return 1;
}

int registry_new(struct registry **out, const struct registry_options *opt)
{
	struct registry *r;
	struct strbuf b = STRBUF_INIT;
	size_t i, n = 0;
	int docker_hub;

	if (!opt->host || !valid_hostport(opt->host))
		return err_set(ERR_INVALID, "'%s' is not a registry host", opt->host ? opt->host : "");
	if (opt->plain_http && !opt->insecure && !host_is_loopback(opt->host))
		return err_set(ERR_USAGE, "%s: plain HTTP is allowed to a loopback registry only (add --insecure, or "
					  "insecure: true in the engagement file, to allow it to this host)",
			       opt->host);
	r = calloc(1, sizeof(*r));
	if (!r)
		return err_set(ERR_NOMEM, "out of memory");
	pthread_mutex_init(&r->mu, NULL);
	pthread_mutex_init(&r->cred_mu, NULL);
	r->opt = *opt;
	docker_hub = !strcasecmp(opt->host, "docker.io") || !strcasecmp(opt->host, "index.docker.io");
	r->host = util_strdup(opt->host);
	r->api_host = util_strdup(docker_hub ? "registry-1.docker.io" : opt->host);
	r->ca_file = opt->ca_file ? util_strdup(opt->ca_file) : NULL;
	strbuf_addf(&b, "%s://%s", opt->plain_http ? "http" : "https", r->api_host ? r->api_host : "");
	r->base = strbuf_detach(&b, NULL);
	while (opt->token_hosts && opt->token_hosts[n])
		n++;
	r->token_hosts = calloc(n + 2, sizeof(char *));
	if (!r->host || !r->api_host || !r->base || !r->token_hosts || (opt->ca_file && !r->ca_file))
		goto nomem;
	for (i = 0; i < n; i++)
		if (!(r->token_hosts[i] = util_strdup(opt->token_hosts[i])))
			goto nomem;
	/* Docker Hub's token service lives on its own host. */
	if (docker_hub && !(r->token_hosts[n] = util_strdup("auth.docker.io")))
		goto nomem;
	r->opt.host = r->host;
	r->opt.ca_file = r->ca_file;
	r->opt.token_hosts = NULL;
	*out = r;
	return 0;
nomem:
	registry_free(r);
	return err_set(ERR_NOMEM, "out of memory");
}

const char *registry_host(const struct registry *r)
{
	return r->host;
}

size_t registry_page_size(const struct registry *r)
{
	return r->opt.page_size ? r->opt.page_size : 1000;
}

const char *registry_base(const struct registry *r)
{
	return r->base;
}

void registry_count(struct registry *r, int64_t requests, int64_t blobs, int64_t blob_bytes)
{
	pthread_mutex_lock(&r->mu);
	r->stats.requests += requests;
	r->stats.blobs += blobs;
	r->stats.blob_bytes += blob_bytes;
	pthread_mutex_unlock(&r->mu);
}

void registry_get_stats(struct registry *r, struct registry_stats *out)
{
	pthread_mutex_lock(&r->mu);
	*out = r->stats;
	pthread_mutex_unlock(&r->mu);
}

struct http_client *registry_acquire(struct registry *r, int blob)
{
	struct client_pool *p = blob ? &r->blobs : &r->docs;
	struct http_options ho;
	struct http_client *c = NULL;

	pthread_mutex_lock(&r->mu);
	if (p->n)
		c = p->v[--p->n];
	pthread_mutex_unlock(&r->mu);
	if (c)
		return c;
	memset(&ho, 0, sizeof(ho));
	ho.tls_verify = r->opt.tls_verify;
	ho.ca_file = r->ca_file;
	ho.allow_plain_http = r->opt.plain_http;
	ho.plain_http_any_host = r->opt.plain_http && r->opt.insecure;
	if (blob) {
		/* A layer may be gigabytes: no total limit worth having, but a stall is cut. */
		ho.timeout_s = 6 * 3600;
		ho.stall_timeout_s = r->opt.stall_s > 0 ? r->opt.stall_s : 60;
		ho.max_body = 1 << 20; /* error bodies; 2xx bodies go to the sink */
	} else {
		ho.timeout_s = r->opt.timeout_s > 0 ? r->opt.timeout_s : 60;
		ho.max_body = REGISTRY_DOC_MAX_BODY;
	}
	if (r->opt.timeout_s > 0 && r->opt.timeout_s < 15)
		ho.connect_timeout_s = r->opt.timeout_s;
	if (http_client_new(&c, &ho) < 0)
		return NULL;
	return c;
}

void registry_release(struct registry *r, struct http_client *c, int blob)
{
	struct client_pool *p = blob ? &r->blobs : &r->docs;

	if (!c)
		return;
	pthread_mutex_lock(&r->mu);
	if (p->n == p->cap) {
		size_t ncap = p->cap ? p->cap * 2 : 8;
		struct http_client **nv = realloc(p->v, ncap * sizeof(*nv));

		if (!nv) {
			pthread_mutex_unlock(&r->mu);
			http_client_free(c);
			return;
		}
		p->v = nv;
		p->cap = ncap;
	}
	p->v[p->n++] = c;
	pthread_mutex_unlock(&r->mu);
}

/* Ask for credentials once (again when renew is set); the state is kept for every thread. */
static int ensure_cred(struct registry *r, int renew)
{
	struct registry_cred c;
	int rc, asked_before;

	pthread_mutex_lock(&r->cred_mu);
	pthread_mutex_lock(&r->mu);
	asked_before = r->cred_state != CRED_UNASKED;
	if (asked_before && !renew) {
		rc = r->cred_state == CRED_FAILED ? err_set(r->cred_rc, "%s", r->cred_err) : 0;
		pthread_mutex_unlock(&r->mu);
		pthread_mutex_unlock(&r->cred_mu);
		return rc;
	}
	pthread_mutex_unlock(&r->mu);
	memset(&c, 0, sizeof(c));
	rc = r->opt.cred ? r->opt.cred(r->opt.cred_ctx, r->host, &c) : ERR_NOTFOUND;
	pthread_mutex_lock(&r->mu);
	registry_cred_release(&r->cred);
	if (rc == 0) {
		r->cred = c;
		r->cred_state = CRED_HAVE;
	} else if (rc == ERR_NOTFOUND) {
		registry_cred_release(&c);
		r->cred_state = CRED_NONE;
		rc = 0;
	} else {
		registry_cred_release(&c);
		r->cred_state = CRED_FAILED;
		r->cred_rc = rc;
		snprintf(r->cred_err, sizeof(r->cred_err), "%s: credentials: %s", r->host, err_last());
		rc = err_set(rc, "%s", r->cred_err);
	}
	pthread_mutex_unlock(&r->mu);
	pthread_mutex_unlock(&r->cred_mu);
	return rc;
}

/* May credentials go to this token service?  Same host (or a trusted one), and over TLS. */
static int realm_trusted(struct registry *r, const char *realm)
{
	CURLU *u = curl_url();
	char *scheme = NULL, *host = NULL;
	struct strbuf mine = STRBUF_INIT;
	int ok = 0;
	size_t i;

	if (!u || curl_url_set(u, CURLUPART_URL, realm, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_HOST, &host, 0) != CURLUE_OK)
		goto cleanup;
	host_only(&mine, r->api_host);
	{
		struct strbuf theirs = STRBUF_INIT;

		host_only(&theirs, host);
		ok = !strcmp(theirs.buf, mine.buf);
		for (i = 0; !ok && r->token_hosts[i]; i++)
			ok = !strcasecmp(theirs.buf, r->token_hosts[i]);
		strbuf_release(&theirs);
	}
	/* Plain HTTP only when the registry itself was reached so, by choice. */
	if (ok && strcmp(scheme, "https") && !(r->opt.plain_http && !strcmp(scheme, "http")))
		ok = 0;
cleanup:
	curl_free(scheme);
	curl_free(host);
	curl_url_cleanup(u);
	strbuf_release(&mine);
	return ok;
}

static int add_query(struct strbuf *url, const char *name, const char *value)
{
	char *esc = curl_easy_escape(NULL, value, 0);
	int rc;

	if (!esc)
		return err_set(ERR_NOMEM, "out of memory");
	rc = strbuf_addf(url, "%c%s=%s", strchr(url->buf, '?') ? '&' : '?', name, esc);
	curl_free(esc);
	return rc;
}

static int basic_header(struct strbuf *out, const struct registry_cred *c)
{
	struct strbuf up = STRBUF_INIT;
	int rc;

	if ((rc = strbuf_addf(&up, "%s:%s", c->username, c->password ? c->password : "")) == 0 &&
	    (rc = strbuf_addstr(out, "Authorization: Basic ")) == 0)
		rc = util_base64_encode(out, (const unsigned char *)up.buf, up.len);
	strbuf_release(&up);
	return rc;
}

static void token_store(struct registry *r, const char *scope, const char *value, long expires_in)
{
	struct reg_token *t = NULL;
	size_t i;

	pthread_mutex_lock(&r->mu);
	for (i = 0; i < r->ntokens; i++)
		if (!strcmp(r->tokens[i].scope, scope))
			t = &r->tokens[i];
	if (!t) {
		if (r->ntokens == REGISTRY_MAX_TOKENS)
			tokens_clear(r);
		if (!r->tokens && !(r->tokens = calloc(REGISTRY_MAX_TOKENS, sizeof(*r->tokens)))) {
			pthread_mutex_unlock(&r->mu);
			return;
		}
		t = &r->tokens[r->ntokens];
		t->scope = strdup(scope);
		t->value = NULL;
		if (!t->scope) {
			pthread_mutex_unlock(&r->mu);
			return;
		}
		r->ntokens++;
	}
	free(t->value);
	t->value = strdup(value);
	/* Renew a little early, so a token does not expire between check and use. */
	t->expires = now_s() + expires_in - (expires_in > 20 ? 10 : expires_in / 2);
	pthread_mutex_unlock(&r->mu);
}

static void token_drop(struct registry *r, const char *scope)
{
	size_t i;

	pthread_mutex_lock(&r->mu);
	for (i = 0; i < r->ntokens; i++)
		if (!strcmp(r->tokens[i].scope, scope))
			r->tokens[i].expires = 0;
	pthread_mutex_unlock(&r->mu);
}

/*
 * A token for scope from the token service at realm.  Tokens themselves are
 * not registered for scrubbing (there can be thousands, and no log line
 * holds a header); the credentials they are bought with are.
 */
static int fetch_token(struct registry *r, struct http_client *hc, const char *realm, const char *service,
		       const char *scope)
{
	static const char *const form_hdr[] = { "Content-Type: application/x-www-form-urlencoded", NULL };
	struct strbuf url = STRBUF_INIT, cred = STRBUF_INIT, form = STRBUF_INIT, tok = STRBUF_INIT;
	struct http_request req = { 0 };
	struct http_response resp;
	int trusted = realm_trusted(r, realm), rc, have;
	long expires_in = 60;

	strbuf_init(&tok, 64 * 1024);
	if (!util_has_prefix(realm, "https://") && !(r->opt.plain_http && util_has_prefix(realm, "http://"))) {
		rc = err_set(ERR_DENIED, "%s: the token service is at %.200s: refused (a registry reached over TLS gets its "
					 "tokens over TLS)",
			     r->host, realm);
		goto cleanup;
	}
	if ((rc = ensure_cred(r, 0)) < 0)
		goto cleanup;
	if ((rc = strbuf_addstr(&url, realm)) < 0 || (service && (rc = add_query(&url, "service", service)) < 0))
		goto cleanup;
	pthread_mutex_lock(&r->mu);
	have = r->cred_state == CRED_HAVE;
	if (have && !trusted && !r->warned_withheld) {
		r->warned_withheld = 1;
		log_warn("%s: the token service %.200s is not on the registry's host or not over TLS: asking it "
			 "anonymously, without the credentials",
			 r->host, realm);
	}
	if (have && trusted && r->cred.identity_token) {
		/* OAuth2: the refresh token buys an access token, by POST. */
		if ((rc = add_query(&form, "grant_type", "refresh_token")) == 0 &&
		    (rc = add_query(&form, "service", service ? service : "")) == 0 &&
		    (rc = add_query(&form, "client_id", "vetter")) == 0 &&
		    (rc = add_query(&form, "refresh_token", r->cred.identity_token)) == 0)
			rc = add_query(&form, "scope", scope);
	} else {
		rc = add_query(&url, "scope", scope);
		if (rc == 0 && have && trusted && r->cred.username && (rc = basic_header(&cred, &r->cred)) == 0)
			rc = add_query(&url, "account", r->cred.username);
	}
	pthread_mutex_unlock(&r->mu);
	if (rc < 0)
		goto cleanup;
	req.url = url.buf;
	req.credential = cred.len ? cred.buf : NULL;
	if (form.len) {
		req.method = "POST";
		req.purpose = HTTP_TOKEN_EXCHANGE;
		req.headers = form_hdr;
		req.body = form.buf + 1; /* without the leading '?' */
		req.body_len = form.len - 1;
	}
	rc = http_do(hc, &req, &resp);
	registry_count(r, 1, 0, 0);
	if (rc < 0) {
		rc = err_prefix(rc, "%s: token service", r->host);
		goto cleanup;
	}
	if (resp.status == 401 || resp.status == 403)
		rc = err_set(ERR_AUTH, "%s: the token service refused %s (HTTP %ld)", r->host,
			     req.credential || form.len ? "the credentials" : "an anonymous token", resp.status);
	else if (resp.status != 200)
		rc = registry_status_error(&resp, "token service");
	else if ((rc = regauth_token_parse(resp.body.buf, resp.body.len, &tok, &expires_in, NULL)) == 0)
		token_store(r, scope, tok.buf, expires_in);
	http_response_release(&resp);
cleanup:
	strbuf_release(&url);
	strbuf_release(&cred);
	strbuf_release(&form);
	strbuf_release(&tok);
	return rc;
}

/*
 * The Authorization header for a request in scope, fetching a token first
 * when the registry is known to want one: that saves a 401 round trip per
 * repository.  *fresh is set when the token was fetched just now.
 */
static int auth_header(struct registry *r, struct http_client *hc, const char *scope, struct strbuf *out, int *fresh)
{
	char *realm = NULL, *service = NULL;
	size_t i;
	int rc = 0, again;

	*fresh = 0;
	/* The registry said Basic (at the ping): the credentials are asked for now, not after one more 401. */
	pthread_mutex_lock(&r->mu);
	again = r->scheme == REGAUTH_BASIC && r->cred_state == CRED_UNASKED;
	pthread_mutex_unlock(&r->mu);
	if (again && (rc = ensure_cred(r, 0)) < 0)
		return rc;
	for (again = 0; again < 2; again++) {
		pthread_mutex_lock(&r->mu);
		if (r->scheme == REGAUTH_BASIC && r->cred_state == CRED_HAVE && r->cred.username) {
			rc = basic_header(out, &r->cred);
			pthread_mutex_unlock(&r->mu);
			return rc;
		}
		if (r->scheme != REGAUTH_BEARER) {
			pthread_mutex_unlock(&r->mu);
			return 0;
		}
		if (r->cred_state == CRED_HAVE && r->cred.registry_token) {
			rc = strbuf_addf(out, "Authorization: Bearer %s", r->cred.registry_token);
			pthread_mutex_unlock(&r->mu);
			return rc;
		}
		for (i = 0; i < r->ntokens; i++) {
			if (!strcmp(r->tokens[i].scope, scope) && r->tokens[i].expires > now_s()) {
				rc = strbuf_addf(out, "Authorization: Bearer %s", r->tokens[i].value);
				pthread_mutex_unlock(&r->mu);
				return rc;
			}
		}
		if (again || !r->realm) {
			pthread_mutex_unlock(&r->mu);
			return 0;
		}
		realm = util_strdup(r->realm);
		service = r->service ? util_strdup(r->service) : NULL;
		pthread_mutex_unlock(&r->mu);
		if (!realm)
			return ERR_NOMEM;
		rc = fetch_token(r, hc, realm, service, scope);
		free(realm);
		free(service);
		realm = service = NULL;
		if (rc < 0)
			return rc;
		*fresh = 1;
	}
	return 0;
}

/* Learn from a 401 what the registry wants, and get it. */
/*
 * sent is the scheme of the credential the refused request carried (0 for
 * none), fresh whether it was obtained for this request: a registry that
 * switches scheme is answered afresh; one that refuses what it just asked
 * for is an error.
 */
static int answer_challenge(struct registry *r, struct http_client *hc, const struct http_response *resp,
			    const char *scope, enum regauth_scheme sent, int fresh, const char *url_for_msg)
{
	struct regauth_challenge ch[REGAUTH_MAX_CHALLENGES];
	const struct regauth_challenge *pick;
	struct strbuf hv = STRBUF_INIT;
	int n, rc = 0, static_token;

	strbuf_init(&hv, REGAUTH_MAX_HEADER + 1);
	if (http_header(resp, "WWW-Authenticate", &hv) < 0) {
		strbuf_release(&hv);
		return err_set(ERR_AUTH, "%s: 401 without a WWW-Authenticate challenge", url_for_msg);
	}
	n = regauth_parse(hv.buf, hv.len, ch, REGAUTH_MAX_CHALLENGES);
	strbuf_release(&hv);
	if (n < 0)
		return err_prefix(ERR_AUTH, "%s", url_for_msg);
	pick = regauth_pick(ch, (size_t)n);
	if (!pick) {
		rc = err_set(ERR_AUTH, "%s: 401 asking for %s authentication, which vetter does not speak", url_for_msg,
			     n ? ch[0].scheme_name : "no");
		goto cleanup;
	}
	if (pick->scheme == REGAUTH_BASIC) {
		if (sent == REGAUTH_BASIC) {
			/* Credentials that expire (a cloud's) are asked for once more. */
			if (fresh) {
				rc = err_set(ERR_AUTH, "%s: the registry refused the credentials (401)", url_for_msg);
				goto cleanup;
			}
			if ((rc = ensure_cred(r, 1)) < 0)
				goto cleanup;
		} else if ((rc = ensure_cred(r, 0)) < 0) {
			goto cleanup;
		}
		pthread_mutex_lock(&r->mu);
		r->scheme = REGAUTH_BASIC;
		if (r->cred_state != CRED_HAVE || !r->cred.username)
			rc = err_set(ERR_AUTH, "%s: the registry wants credentials (Basic) and none are configured", url_for_msg);
		pthread_mutex_unlock(&r->mu);
		goto cleanup;
	}
	/* Bearer */
	if (fresh && sent == REGAUTH_BEARER) {
		int have;

		pthread_mutex_lock(&r->mu);
		have = r->cred_state == CRED_HAVE;
		pthread_mutex_unlock(&r->mu);
		rc = err_set(ERR_AUTH, "%s: 401 after a token refresh: the registry refused a token its token service "
				       "had just issued (%s%s)",
			     url_for_msg, pick->error ? pick->error : "no reason given",
			     have ? "" : "; no credentials are configured for this registry");
		goto cleanup;
	}
	pthread_mutex_lock(&r->mu);
	r->scheme = REGAUTH_BEARER;
	free(r->realm);
	free(r->service);
	r->realm = util_strdup(pick->realm);
	r->service = pick->service ? util_strdup(pick->service) : NULL;
	pthread_mutex_unlock(&r->mu);
	token_drop(r, scope);
	if ((rc = ensure_cred(r, 0)) < 0)
		goto cleanup;
	pthread_mutex_lock(&r->mu);
	static_token = r->cred_state == CRED_HAVE && r->cred.registry_token != NULL;
	pthread_mutex_unlock(&r->mu);
	if (static_token) {
		if (sent == REGAUTH_BEARER)
			rc = err_set(ERR_AUTH, "%s: the registry refused the configured registry token (401)", url_for_msg);
		goto cleanup;
	}
	rc = fetch_token(r, hc, pick->realm, pick->service, scope);
cleanup:
	regauth_release(ch, (size_t)n);
	return rc;
}

int registry_request(struct registry *r, struct http_client *hc, const char *method, const char *url,
		     const char *scope, const char *const *headers, http_sink sink, void *sctx,
		     struct http_response *resp)
{
	struct strbuf cred = STRBUF_INIT, logurl = STRBUF_INIT;
	struct http_request req = { 0 };
	int attempt, rc = 0, fresh = 0, fetched = 0;

	strbuf_add(&logurl, url, strcspn(url, "?#"));
	req.method = method;
	req.url = url;
	req.headers = headers;
	for (attempt = 0; attempt < 3; attempt++) {
		strbuf_reset(&cred);
		if ((rc = auth_header(r, hc, scope, &cred, &fresh)) < 0)
			break;
		fresh |= fetched;
		req.credential = cred.len ? cred.buf : NULL;
		rc = sink ? http_stream(hc, &req, sink, sctx, resp) : http_do(hc, &req, resp);
		registry_count(r, 1, 0, 0);
		if (rc < 0 || resp->status != 401)
			break;
		rc = answer_challenge(r, hc, resp, scope,
				      !req.credential ? REGAUTH_OTHER
				      : strstr(req.credential, "Basic ") ? REGAUTH_BASIC
									  : REGAUTH_BEARER,
				      fresh, logurl.buf);
		http_response_release(resp);
		if (rc < 0)
			break;
		/* The next attempt uses what was just fetched; a 401 to it is final. */
		fetched = 1;
		if (attempt == 2)
			rc = err_set(ERR_AUTH, "%s: still 401 after authenticating", logurl.buf);
	}
	strbuf_release(&cred);
	strbuf_release(&logurl);
	return rc;
}

int registry_ping(struct registry *r)
{
	struct regauth_challenge ch[REGAUTH_MAX_CHALLENGES];
	const struct regauth_challenge *pick;
	struct strbuf url = STRBUF_INIT, hv = STRBUF_INIT;
	struct http_request req = { 0 };
	struct http_response resp;
	struct http_client *hc = registry_acquire(r, 0);
	int rc, n;

	if (!hc)
		return ERR_NOMEM;
	strbuf_addf(&url, "%s/v2/", r->base);
	req.url = url.buf;
	/* Only what the registry asks for is learnt here: no credential leaves before a request needs one. */
	rc = http_do(hc, &req, &resp);
	registry_count(r, 1, 0, 0);
	if (rc < 0) {
		err_prefix(rc, "%s: not reachable as a registry", r->host);
		goto cleanup;
	}
	if (resp.status == 401) {
		strbuf_init(&hv, REGAUTH_MAX_HEADER + 1);
		n = http_header(&resp, "WWW-Authenticate", &hv) == 0 ? regauth_parse(hv.buf, hv.len, ch, REGAUTH_MAX_CHALLENGES)
								       : 0;
		pick = n > 0 ? regauth_pick(ch, (size_t)n) : NULL;
		if (!pick) {
			rc = err_set(ERR_AUTH, "%s: /v2/ answers 401 without a challenge vetter can answer", r->host);
		} else {
			pthread_mutex_lock(&r->mu);
			r->scheme = pick->scheme;
			if (pick->scheme == REGAUTH_BEARER) {
				free(r->realm);
				free(r->service);
				r->realm = util_strdup(pick->realm);
				r->service = pick->service ? util_strdup(pick->service) : NULL;
			}
			pthread_mutex_unlock(&r->mu);
		}
		if (n > 0)
			regauth_release(ch, (size_t)n);
	} else if (resp.status != 200) {
		rc = err_prefix(registry_status_error(&resp, url.buf), "%s: not a registry (no /v2/ API)", r->host);
	}
	http_response_release(&resp);
cleanup:
	registry_release(r, hc, 0);
	strbuf_release(&url);
	strbuf_release(&hv);
	return rc;
}

int registry_status_error(const struct http_response *resp, const char *what)
{
	json_t *doc = NULL, *e;
	struct strbuf detail = STRBUF_INIT;
	int code;
	size_t i;

	if (resp->body.len && jsonx_parse(resp->body.buf, resp->body.len, "error", &doc) == 0) {
		e = json_array_get(json_object_get(doc, "errors"), 0);
		if (jsonx_str(e, "code"))
			strbuf_addf(&detail, ": %.60s", jsonx_str(e, "code"));
		if (jsonx_str(e, "message"))
			strbuf_addf(&detail, " %.200s", jsonx_str(e, "message"));
		json_decref(doc);
	}
	/* Outside text in a message: printable only. */
	for (i = 0; i < detail.len; i++)
		if ((unsigned char)detail.buf[i] < 0x20 || (unsigned char)detail.buf[i] == 0x7f)
			detail.buf[i] = '?';
	err_clear();
	code = resp->status == 404 ? ERR_NOTFOUND
	       : resp->status == 403 ? ERR_DENIED
	       : resp->status == 401 ? ERR_AUTH
				     : ERR_HTTP;
	err_set(code, "%s: HTTP %ld%s", what, resp->status, detail.buf);
	strbuf_release(&detail);
	return code;
}
