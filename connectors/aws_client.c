#include "aws_client.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "aws_calls.h"
#include "aws_resp.h"
#include "aws_sigv4.h"
#include "core/crypto.h"
#include "core/err.h"
#include "core/http.h"
#include "core/jsonx.h"
#include "core/log.h"
#include "core/util.h"

struct aws_client {
	struct http_client *http;
	struct aws_creds creds;
	char *endpoint_url;     /* without a trailing '/' */
	char *default_region;
	char *account_id;
	long backoff_ms;
	int max_attempts, max_pages;
	aws_evidence_fn evidence;
	void *evidence_ctx;
	char last_code[128];
	long requests;
	unsigned rng;
};

/* One request, built: where it goes and what it carries. */
struct aws_req {
	struct strbuf base;     /* scheme://host[:port] */
	struct strbuf host;     /* host[:port] as signed */
	struct strbuf path;     /* wire path */
	struct strbuf query;    /* wire query, no '?' */
	struct strbuf body;
	const char *content_type;
	char target[200];
	char signing_region[64];
	int s3_path_style;
};

static void req_init(struct aws_req *r)
{
	memset(r, 0, sizeof(*r));
	strbuf_init(&r->base, 4096);
	strbuf_init(&r->host, 1024);
	strbuf_init(&r->path, 8192);
	strbuf_init(&r->query, 65536);
	strbuf_init(&r->body, 1u << 20);
}

static void req_release(struct aws_req *r)
{
	strbuf_release(&r->base);
	strbuf_release(&r->host);
	strbuf_release(&r->path);
	strbuf_release(&r->query);
	strbuf_release(&r->body);
}

int aws_code_throttling(const char *code)
{
	static const char *const codes[] = {
		"Throttling", "ThrottlingException", "ThrottledException", "RequestThrottledException",
		"TooManyRequestsException", "ProvisionedThroughputExceededException", "TransactionInProgressException",
		"RequestLimitExceeded", "BandwidthLimitExceeded", "LimitExceededException", "RequestThrottled",
		"SlowDown", "PriorRequestNotComplete", "EC2ThrottledException",
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(codes); i++)
		if (!strcmp(code, codes[i]))
			return 1;
	return 0;
}

static int code_auth(const char *code)
{
	static const char *const codes[] = {
		"SignatureDoesNotMatch", "InvalidClientTokenId", "ExpiredToken", "ExpiredTokenException",
		"UnrecognizedClientException", "InvalidSignatureException", "AuthFailure", "IncompleteSignature",
		"InvalidAccessKeyId", "InvalidToken", "TokenRefreshRequired", "RequestExpired", "RequestTimeTooSkewed",
		"MissingAuthenticationToken", "MissingAuthenticationTokenException",
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(codes); i++)
		if (!strcmp(code, codes[i]))
			return 1;
	return 0;
}

static int code_denied(const char *code)
{
	static const char *const codes[] = {
		"AccessDenied", "AccessDeniedException", "UnauthorizedOperation", "AuthorizationError",
		"AuthorizationErrorException", "Forbidden", "ForbiddenException", "UnauthorizedException",
		"OptInRequired", "SubscriptionRequiredException", "AccountNotEnabled",
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(codes); i++)
		if (!strcmp(code, codes[i]))
			return 1;
	return 0;
}

static char *dupz(const char *s)
{
	return s ? strdup(s) : NULL;
}

/* 1 when the host of "HOST[:PORT][/...]" is 127.0.0.0/8, ::1 or localhost. */
static int endpoint_loopback(const char *hostport)
{
	size_t n = hostport[0] == '[' ? strcspn(hostport, "]") + 1 : strcspn(hostport, ":/");

	if (n == 5 && !strncmp(hostport, "[::1]", 5))
		return 1;
	if (n == 9 && !strncasecmp(hostport, "localhost", 9))
		return 1;
	if (n > 4 && n < 16 && !strncmp(hostport, "127.", 4)) {
		size_t i;

		for (i = 4; i < n; i++)
			if (!(isdigit((unsigned char)hostport[i]) || hostport[i] == '.'))
				return 0;
		return 1;
	}
	return 0;
}

int aws_client_new(struct aws_client **out, const struct aws_creds *creds, const struct aws_client_opts *opt)
{
	struct http_options hopt = { 0 };
	struct aws_client *c;
	int rc;

	/*
	 * Plain HTTP carries the session token in the clear: only to this machine
	 * (an emulator such as moto_server), never to another host.
	 */
	if (opt->endpoint_url && !util_has_prefix(opt->endpoint_url, "https://") &&
	    !(util_has_prefix(opt->endpoint_url, "http://") && endpoint_loopback(opt->endpoint_url + 7)))
		return err_set(ERR_USAGE, "endpoint_url '%.200s': https://, or http:// to a loopback address only",
			       opt->endpoint_url);
	if (!(c = calloc(1, sizeof(*c))))
		return err_set(ERR_NOMEM, "out of memory");
	hopt.tls_verify = opt->tls_verify;
	hopt.max_body = AWS_RESP_MAX_BODY;
	hopt.max_redirects = -1;
	hopt.allow_plain_http = opt->endpoint_url && util_has_prefix(opt->endpoint_url, "http://");
	if ((rc = http_client_new(&c->http, &hopt)) < 0) {
		free(c);
		return rc;
	}
	if (opt->endpoint_url) {
		size_t n = strlen(opt->endpoint_url);

		while (n && opt->endpoint_url[n - 1] == '/')
			n--;
		c->endpoint_url = strndup(opt->endpoint_url, n);
	}
	c->default_region = strdup(opt->default_region ? opt->default_region : "us-east-1");
	c->account_id = dupz(opt->account_id);
	c->backoff_ms = opt->backoff_ms > 0 ? opt->backoff_ms : 100;
	c->max_attempts = opt->max_attempts > 0 ? opt->max_attempts : 7;
	c->max_pages = opt->max_pages > 0 ? opt->max_pages : 500;
	c->evidence = opt->evidence;
	c->evidence_ctx = opt->evidence_ctx;
	c->rng = (unsigned)time(NULL) ^ (unsigned)(size_t)c;
	if (!c->default_region || (opt->endpoint_url && !c->endpoint_url) || (opt->account_id && !c->account_id) ||
	    (rc = aws_creds_copy(&c->creds, creds)) < 0) {
		aws_client_free(c);
		return rc < 0 ? rc : err_set(ERR_NOMEM, "out of memory");
	}
	*out = c;
	return 0;
}

void aws_client_free(struct aws_client *c)
{
	if (!c)
		return;
	http_client_free(c->http);
	aws_creds_release(&c->creds);
	free(c->endpoint_url);
	free(c->default_region);
	free(c->account_id);
	free(c);
}

int aws_client_set_creds(struct aws_client *c, const struct aws_creds *creds)
{
	return aws_creds_copy(&c->creds, creds);
}

int aws_client_set_account(struct aws_client *c, const char *account_id)
{
	char *a = strdup(account_id);

	if (!a)
		return err_set(ERR_NOMEM, "out of memory");
	free(c->account_id);
	c->account_id = a;
	return 0;
}

const char *aws_client_last_code(const struct aws_client *c)
{
	return c->last_code;
}

long aws_client_requests(const struct aws_client *c)
{
	return c->requests;
}

/* An argument's value as text (strings as they are, numbers and booleans written out). */
static int arg_text(const json_t *v, struct strbuf *out)
{
	if (json_is_string(v))
		return strbuf_add(out, json_string_value(v), json_string_length(v));
	if (json_is_integer(v))
		return strbuf_addf(out, "%lld", (long long)json_integer_value(v));
	if (json_is_boolean(v))
		return strbuf_addstr(out, json_is_true(v) ? "true" : "false");
	return err_set(ERR_INVALID, "an argument of the wrong type");
}

/* "{Name}" -> the argument Name, or NULL when s is not a placeholder. */
static const json_t *placeholder(const char *s, size_t len, const json_t *args, int *is_placeholder)
{
	char name[64];

	*is_placeholder = len > 2 && s[0] == '{' && s[len - 1] == '}' && len - 2 < sizeof(name);
	if (!*is_placeholder)
		return NULL;
	memcpy(name, s + 1, len - 2);
	name[len - 2] = 0;
	return json_object_get(args, name);
}

/* "K=V&K={Arg}": literal values are already encoded; arguments are encoded here; missing ones dropped. */
static int expand_query(struct strbuf *out, const char *tmpl, const json_t *args)
{
	struct strbuf val = STRBUF_INIT;
	const char *p = tmpl;
	int rc = 0;

	while (*p && rc == 0) {
		size_t len = strcspn(p, "&");
		const char *eq = memchr(p, '=', len);

		if (len) {
			int ph = 0;
			const json_t *v = eq ? placeholder(eq + 1, len - (size_t)(eq + 1 - p), args, &ph) : NULL;

			if (!ph) {
				if (out->len)
					rc = strbuf_addch(out, '&');
				if (rc == 0)
					rc = strbuf_add(out, p, len);
			} else if (v && !json_is_null(v)) {
				strbuf_reset(&val);
				if ((rc = arg_text(v, &val)) == 0 && (!out->len || (rc = strbuf_addch(out, '&')) == 0) &&
				    (rc = strbuf_add(out, p, (size_t)(eq + 1 - p))) == 0)
					rc = sigv4_uri_encode(out, val.buf, val.len, 0);
			}
		}
		p += len;
		if (*p == '&')
			p++;
	}
	strbuf_release(&val);
	return rc;
}

/* Replace "{Arg}" string values by the argument (any JSON), dropping members whose argument is missing. */
static int expand_json(json_t *v, const json_t *args, int depth)
{
	const char *key;
	json_t *x;
	void *tmp;

	if (depth > 16)
		return err_set(ERR_LIMIT, "template too deep");
	json_object_foreach_safe(v, tmp, key, x) {
		int ph = 0;
		const json_t *a = json_is_string(x) ? placeholder(json_string_value(x), json_string_length(x), args, &ph) : NULL;

		if (ph) {
			if (!a || json_is_null(a))
				json_object_del(v, key);
			else if (json_object_set(v, key, (json_t *)a) < 0)
				return err_set(ERR_NOMEM, "out of memory");
		} else if (json_is_object(x) && expand_json(x, args, depth + 1) < 0) {
			return ERR_LIMIT;
		}
	}
	return 0;
}

/* "/clusters/{name}" with the argument URI-encoded. */
static int expand_path(struct strbuf *out, const char *tmpl, size_t len, const json_t *args)
{
	struct strbuf val = STRBUF_INIT;
	size_t i = 0;
	int rc = 0;

	while (i < len && rc == 0) {
		const char *close;

		if (tmpl[i] == '{' && (close = memchr(tmpl + i, '}', len - i))) {
			int ph = 0;
			const json_t *v = placeholder(tmpl + i, (size_t)(close - tmpl - i) + 1, args, &ph);

			if (!v) {
				rc = err_set(ERR_INVALID, "path argument %.*s missing", (int)(close - tmpl - i) + 1, tmpl + i);
				break;
			}
			strbuf_reset(&val);
			if ((rc = arg_text(v, &val)) == 0)
				rc = sigv4_uri_encode(out, val.buf, val.len, 0);
			i = (size_t)(close - tmpl) + 1;
		} else {
			rc = strbuf_addch(out, tmpl[i++]);
		}
	}
	strbuf_release(&val);
	return rc;
}

static int dns_safe_bucket(const char *b)
{
	size_t n = strlen(b), i;

	if (n < 3 || n > 63)
		return 0;
	for (i = 0; i < n; i++)
		if (!((b[i] >= 'a' && b[i] <= 'z') || (b[i] >= '0' && b[i] <= '9') || b[i] == '-'))
			return 0;
	return b[0] != '-' && b[n - 1] != '-';
}

static const char *partition_suffix(const char *region)
{
	return util_has_prefix(region, "cn-") ? "amazonaws.com.cn" : "amazonaws.com";
}

/* Where the request goes and which region signs it. */
static int build_endpoint(struct aws_client *c, const struct aws_service *svc, const struct aws_call *call,
			  const char *region, const json_t *args, struct aws_req *r)
{
	const char *bucket = jsonx_str(args, "Bucket");
	const char *suffix = partition_suffix(region);
	int rc;

	snprintf(r->signing_region, sizeof(r->signing_region), "%s", region);
	if (c->endpoint_url) {
		const char *hs = strstr(c->endpoint_url, "://");
		const char *host = hs ? hs + 3 : c->endpoint_url;
		size_t hlen = strcspn(host, "/");

		r->s3_path_style = 1;
		if ((rc = strbuf_add(&r->base, c->endpoint_url, (size_t)(host - c->endpoint_url) + hlen)) < 0 ||
		    (rc = strbuf_add(&r->host, host, hlen)) < 0)
			return rc;
		return strbuf_addstr(&r->path, host + hlen); /* a path prefix in the endpoint URL */
	}
	if (svc->global_host && !util_has_prefix(region, "cn-") && !util_has_prefix(region, "us-gov-"))
		rc = strbuf_addstr(&r->host, svc->global_host);
	else if (!strcmp(svc->name, "s3control"))
		rc = strbuf_addf(&r->host, "%s.s3-control.%s.%s", c->account_id ? c->account_id : "", region, suffix);
	else if (!strcmp(svc->name, "s3") && bucket && dns_safe_bucket(bucket))
		rc = strbuf_addf(&r->host, "%s.s3.%s.%s", bucket, region, suffix);
	else
		rc = strbuf_addf(&r->host, "%s.%s.%s", svc->endpoint, region, suffix);
	if (rc == 0 && !strcmp(svc->name, "s3") && bucket && !dns_safe_bucket(bucket))
		r->s3_path_style = 1;
	(void)call;
	if (rc == 0)
		rc = strbuf_addf(&r->base, "https://%s", r->host.buf);
	return rc;
}

/* Path, query and body of one page; token is the page token or NULL. */
static int build_request(struct aws_client *c, const struct aws_service *svc, const struct aws_call *call,
			 const json_t *args, const char *token, struct aws_req *r)
{
	json_t *body = NULL;
	char *text = NULL;
	int rc = 0;

	switch (call->protocol) {
	case AWS_QUERY:
	case AWS_EC2:
		r->content_type = "application/x-www-form-urlencoded; charset=utf-8";
		if ((rc = strbuf_addf(&r->body, "Action=%s&Version=%s", call->action, svc->version)) < 0)
			break;
		if (call->params[0] && ((rc = strbuf_addch(&r->body, '&')) < 0 || (rc = expand_query(&r->body, call->params, args)) < 0))
			break;
		if (r->body.buf[r->body.len - 1] == '&')
			strbuf_setlen(&r->body, r->body.len - 1);
		if (token && ((rc = strbuf_addf(&r->body, "&%s=", call->page_in)) < 0 ||
			      (rc = sigv4_uri_encode(&r->body, token, strlen(token), 0)) < 0))
			break;
		rc = strbuf_addch(&r->path, '/');
		break;
	case AWS_JSON:
	case AWS_REST_JSON:
	case AWS_REST_XML: {
		const char *q = strchr(call->path, '?');
		size_t plen = q ? (size_t)(q - call->path) : strlen(call->path);
		int post = !strcmp(call->method, "POST");

		if (call->protocol == AWS_REST_XML && r->s3_path_style && jsonx_str(args, "Bucket")) {
			rc = expand_path(&r->path, call->path, plen, args);
		} else if (call->protocol == AWS_REST_XML && jsonx_str(args, "Bucket")) {
			/* Virtual-hosted: the bucket is in the host, the path starts after it. */
			const char *after = call->path + strlen("/{Bucket}");

			rc = strbuf_addch(&r->path, '/');
			if (rc == 0 && (size_t)(after - call->path) < plen)
				rc = expand_path(&r->path, after + (*after == '/'), plen - (size_t)(after - call->path) - (*after == '/'), args);
		} else {
			rc = expand_path(&r->path, call->path, plen, args);
		}
		if (rc < 0)
			break;
		if (q && (rc = strbuf_addstr(&r->query, q + 1)) < 0)
			break;
		if (call->protocol == AWS_JSON || post) {
			if (!(body = json_loads(call->params[0] ? call->params : "{}", 0, NULL))) {
				rc = err_set(ERR_FAIL, "%s:%s: bad parameter template", call->service, call->action);
				break;
			}
			if ((rc = expand_json(body, args, 0)) < 0)
				break;
			if (token && json_object_set_new(body, call->page_in, json_string(token)) < 0) {
				rc = err_set(ERR_PARSE, "page token is not valid UTF-8");
				break;
			}
			if (!(text = json_dumps(body, JSON_COMPACT))) {
				rc = err_set(ERR_NOMEM, "out of memory");
				break;
			}
			if ((rc = strbuf_addstr(&r->body, text)) < 0)
				break;
			if (call->protocol == AWS_JSON) {
				snprintf(r->target, sizeof(r->target), "%s.%s", svc->target, call->action);
				r->content_type = !strcmp(svc->json_version, "1.0") ? "application/x-amz-json-1.0"
										    : "application/x-amz-json-1.1";
			} else {
				r->content_type = "application/json";
			}
		} else {
			struct strbuf more = STRBUF_INIT;

			if ((rc = expand_query(&more, call->params, args)) == 0 && more.len)
				rc = strbuf_addf(&r->query, "%s%s", r->query.len ? "&" : "", more.buf);
			if (rc == 0 && token)
				rc = strbuf_addf(&r->query, "%s%s=", r->query.len ? "&" : "", call->page_in);
			if (rc == 0 && token)
				rc = sigv4_uri_encode(&r->query, token, strlen(token), 0);
			strbuf_release(&more);
		}
		break;
	}
	}
	json_decref(body);
	free(text);
	(void)c;
	return rc;
}

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

/* Sign and send one attempt; resp is filled on 0. */
static int send_once(struct aws_client *c, const struct aws_service *svc, const struct aws_call *call,
		     struct aws_req *r, struct http_response *resp)
{
	struct sigv4_config cfg = { 0 };
	struct sigv4_request sreq;
	struct sigv4_result sres;
	struct strbuf url = STRBUF_INIT, cred = STRBUF_INIT;
	const char *headers[SIGV4_MAX_HEADERS + 1];
	char *hdr_lines[SIGV4_MAX_HEADERS];
	struct http_request hreq = { 0 };
	size_t i, nh = 0;
	int rc, signed_ok = 0;

	sigv4_request_init(&sreq);
	sreq.method = strdup(call->method);
	sreq.path = strdup(r->path.buf);
	sreq.query = strdup(r->query.buf);
	if (!sreq.method || !sreq.path || !sreq.query) {
		rc = err_set(ERR_NOMEM, "out of memory");
		goto cleanup;
	}
	if ((rc = strbuf_add(&sreq.body, r->body.buf, r->body.len)) < 0 ||
	    (rc = sigv4_request_add_header(&sreq, "Host", r->host.buf)) < 0 ||
	    (r->content_type && (rc = sigv4_request_add_header(&sreq, "Content-Type", r->content_type)) < 0) ||
	    (r->target[0] && (rc = sigv4_request_add_header(&sreq, "X-Amz-Target", r->target)) < 0) ||
	    (!strcmp(svc->name, "s3control") && c->account_id &&
	     (rc = sigv4_request_add_header(&sreq, "x-amz-account-id", c->account_id)) < 0))
		goto cleanup;
	cfg.access_key = c->creds.access_key_id;
	cfg.secret_key = c->creds.secret_access_key;
	cfg.session_token = c->creds.session_token;
	cfg.region = r->signing_region;
	cfg.service = svc->signing;
	cfg.time = (int64_t)time(NULL);
	aws_sigv4_config_for(&cfg, svc->signing);
	if ((rc = sigv4_sign(&cfg, &sreq, &sres)) < 0)
		goto cleanup;
	signed_ok = 1;
	for (i = 0; i < sreq.nheaders; i++) {
		const char *n = sreq.headers[i].name;

		if (!strcasecmp(n, "Host") || !strcasecmp(n, "Authorization"))
			continue;
		if (!(hdr_lines[nh] = malloc(strlen(n) + strlen(sreq.headers[i].value) + 3))) {
			rc = err_set(ERR_NOMEM, "out of memory");
			goto cleanup;
		}
		memcpy(hdr_lines[nh], n, strlen(n));
		hdr_lines[nh][strlen(n)] = ':';
		hdr_lines[nh][strlen(n) + 1] = ' ';
		memcpy(hdr_lines[nh] + strlen(n) + 2, sreq.headers[i].value, strlen(sreq.headers[i].value) + 1);
		headers[nh] = hdr_lines[nh];
		nh++;
	}
	headers[nh] = NULL;
	if ((rc = strbuf_addf(&url, "%s%s%s%s", r->base.buf, r->path.buf, r->query.len ? "?" : "", r->query.buf)) < 0 ||
	    (rc = strbuf_addf(&cred, "Authorization: %s", sres.authorization.buf)) < 0)
		goto cleanup;
	hreq.method = call->method;
	hreq.url = url.buf;
	hreq.headers = headers;
	hreq.credential = cred.buf;
	hreq.body = r->body.len ? r->body.buf : NULL;
	hreq.body_len = r->body.len;
	hreq.purpose = call->flags & AWS_CALL_TOKEN_EXCHANGE ? HTTP_TOKEN_EXCHANGE
							    : (!strcmp(call->method, "GET") ? HTTP_READ : HTTP_AWS_READ);
	c->requests++;
	log_file_msg("aws: %s:%s (%s)", call->service, call->action, r->signing_region);
	rc = http_do(c->http, &hreq, resp);
cleanup:
	for (i = 0; i < nh; i++)
		free(hdr_lines[i]);
	if (signed_ok)
		sigv4_result_release(&sres);
	sigv4_request_release(&sreq);
	strbuf_release(&url);
	strbuf_release(&cred);
	return rc;
}

static int parse_page(const struct aws_call *call, const struct http_response *resp, json_t **out)
{
	json_t *wire = NULL;
	int rc;

	if (call->protocol == AWS_JSON || call->protocol == AWS_REST_JSON) {
		if ((rc = aws_resp_json(resp->body.buf, resp->body.len, &wire)) < 0)
			return err_prefix(rc, "%s:%s", call->service, call->action);
		rc = aws_resp_cli_json(call->service, call->action, wire, out);
		json_decref(wire);
		return rc;
	}
	return aws_resp_xml(call->service, call->action, resp->body.buf, resp->body.len, out);
}

/* Fold page into acc: lists grow, other members keep their first value. */
static int merge_page(json_t *acc, json_t *page)
{
	const char *key;
	json_t *v, *have;

	json_object_foreach(page, key, v) {
		have = json_object_get(acc, key);
		if (json_is_array(have) && json_is_array(v)) {
			if (json_array_extend(have, v) < 0)
				return err_set(ERR_NOMEM, "out of memory");
		} else if (!have && json_object_set(acc, key, v) < 0) {
			return err_set(ERR_NOMEM, "out of memory");
		}
	}
	return 0;
}

static int record_evidence(struct aws_client *c, const struct aws_call *call, const char *region, const json_t *args,
			   int page, const struct http_response *resp)
{
	struct strbuf uri = STRBUF_INIT;
	char *a = NULL;
	int rc;

	if (!c->evidence || (call->flags & AWS_CALL_CREDENTIAL))
		return 0;
	if (args && json_object_size(args))
		a = json_dumps(args, JSON_COMPACT | JSON_SORT_KEYS);
	rc = strbuf_addf(&uri, "aws:%s:%s:%s%s%s#%d", call->service, call->action, region, a ? ":" : "", a ? a : "", page);
	if (rc == 0)
		rc = c->evidence(c->evidence_ctx, uri.buf,
				 call->protocol == AWS_JSON || call->protocol == AWS_REST_JSON ? "application/json" : "application/xml",
				 resp->body.buf, resp->body.len);
	free(a);
	strbuf_release(&uri);
	return rc;
}

/* Turn an error answer into a classified return and a message. */
static int classify(struct aws_client *c, const struct aws_call *call, const char *region,
		    const struct http_response *resp)
{
	struct strbuf code = STRBUF_INIT, msg = STRBUF_INIT, et = STRBUF_INIT;
	int rc;

	http_header(resp, "x-amzn-ErrorType", &et);
	aws_resp_error(et.len ? et.buf : NULL, resp->body.buf, resp->body.len, &code, &msg);
	if (!code.len && resp->status == 403)
		strbuf_addstr(&code, "AccessDenied");
	if (!code.len && resp->status == 404)
		strbuf_addstr(&code, "NotFound");
	snprintf(c->last_code, sizeof(c->last_code), "%s", code.buf);
	if (aws_call_absent(call, code.buf))
		rc = AWS_ABSENT;
	else if (code_auth(code.buf) || resp->status == 401)
		rc = err_set(ERR_AUTH, "%s:%s in %s: the credentials were refused: %s%s%s", call->service, call->action,
			     region, code.buf, msg.len ? ": " : "", msg.buf);
	else if (code_denied(code.buf) || resp->status == 403)
		rc = err_set(ERR_DENIED, "%s:%s in %s: access denied: %s%s%s", call->service, call->action, region,
			     code.buf, msg.len ? ": " : "", msg.buf);
	else
		rc = err_set(ERR_HTTP, "%s:%s in %s: HTTP %ld %s%s%s", call->service, call->action, region, resp->status,
			     code.len ? code.buf : "(no error code)", msg.len ? ": " : "", msg.buf);
	strbuf_release(&code);
	strbuf_release(&msg);
	strbuf_release(&et);
	return rc;
}

/* One page, with retries on throttling and 5xx; 0 with *page, AWS_ABSENT, or <0. */
static int call_page(struct aws_client *c, const struct aws_service *svc, const struct aws_call *call,
		     const char *region, const json_t *args, const char *token, int pageno, json_t **page)
{
	struct http_response resp;
	struct aws_req r;
	int attempt, transient, rc = 0;

	for (attempt = 1;; attempt++) {
		req_init(&r);
		if ((rc = build_endpoint(c, svc, call, region, args, &r)) < 0 ||
		    (rc = build_request(c, svc, call, args, token, &r)) < 0) {
			req_release(&r);
			return rc;
		}
		rc = send_once(c, svc, call, &r, &resp);
		req_release(&r);
		if (rc < 0)
			return err_prefix(rc, "%s:%s in %s", call->service, call->action, region);
		if (resp.status >= 200 && resp.status < 300) {
			c->last_code[0] = 0;
			if ((rc = parse_page(call, &resp, page)) == 0)
				rc = record_evidence(c, call, region, args, pageno, &resp);
			if (rc < 0 && *page) {
				json_decref(*page);
				*page = NULL;
			}
			http_response_release(&resp);
			return rc;
		}
		rc = classify(c, call, region, &resp);
		/* Throttling, and AWS's side failing (the HTTP module already retried 502-504 and 429): retried. */
		transient = aws_code_throttling(c->last_code) || resp.status == 500 || resp.status == 502 ||
			    resp.status == 503 || resp.status == 504 || resp.status == 429;
		http_response_release(&resp);
		if (!transient || attempt >= c->max_attempts)
			return rc;
		{
			/* Exponential backoff with full jitter, capped at 20 s. */
			long cap = c->backoff_ms << (attempt - 1 < 10 ? attempt - 1 : 10);

			if (cap > 20000)
				cap = 20000;
			c->rng = c->rng * 1103515245u + 12345u;
			log_debug("%s:%s in %s throttled or failing (%s), attempt %d", call->service, call->action, region,
				  c->last_code, attempt);
			sleep_ms(cap / 2 + (long)(c->rng % (unsigned)(cap / 2 + 1)));
		}
	}
}

int aws_client_call(struct aws_client *c, const char *service, const char *action, const char *region,
		    const json_t *args, json_t **out)
{
	return aws_client_call_pages(c, service, action, region, args, 0, out);
}

int aws_client_call_pages(struct aws_client *c, const char *service, const char *action, const char *region,
			  const json_t *args, int max_pages, json_t **out)
{
	const struct aws_call *call = aws_call_find(service, action);
	const struct aws_service *svc = aws_service_find(service ? service : "");
	json_t *acc = NULL, *page = NULL;
	char *token = NULL;
	int pageno, rc = 0;

	*out = NULL;
	c->last_code[0] = 0;
	if (!call || !svc)
		return err_set(ERR_UNSUPPORTED, "%s:%s is not in vetter's call table: not sent", service ? service : "?",
			       action ? action : "?");
	if (!region) {
		region = svc->home_region ? svc->home_region : c->default_region;
		if (svc->home_region && (util_has_prefix(c->default_region, "cn-") || util_has_prefix(c->default_region, "us-gov-")))
			region = c->default_region;
	}
	for (pageno = 1;; pageno++) {
		page = NULL;
		rc = call_page(c, svc, call, region, args, token, pageno, &page);
		if (rc != 0)
			goto cleanup;
		free(token);
		token = NULL;
		if (call->page_out && jsonx_str(page, call->page_out) && *jsonx_str(page, call->page_out) &&
		    (!call->more || jsonx_bool(page, call->more, 1)))
			token = strdup(jsonx_str(page, call->page_out));
		if (call->page_out)
			json_object_del(page, call->page_out);
		if (call->more)
			json_object_del(page, call->more);
		if (!acc) {
			acc = page;
		} else {
			rc = merge_page(acc, page);
			json_decref(page);
			if (rc < 0)
				goto cleanup;
		}
		page = NULL;
		if (!token || (max_pages > 0 && pageno >= max_pages))
			break;
		if (pageno >= c->max_pages) {
			rc = err_set(ERR_LIMIT, "%s:%s in %s: more than %d pages; stopped", service, action, region, c->max_pages);
			goto cleanup;
		}
	}
	*out = acc;
	acc = NULL;
cleanup:
	free(token);
	json_decref(page);
	json_decref(acc);
	return rc;
}
