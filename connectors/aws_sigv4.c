#include "aws_sigv4.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "core/crypto.h"
#include "core/err.h"
#include "core/util.h"

#define SIGV4_ALGORITHM "AWS4-HMAC-SHA256"
#define SIGV4_MAX_QUERY_PARAMS 256
#define SIGV4_MAX_REQUEST (16u << 20)

void aws_sigv4_config_for(struct sigv4_config *cfg, const char *service)
{
	int s3 = service && (!strcmp(service, "s3") || !strcmp(service, "s3-object-lambda"));

	cfg->normalize_path = !s3;
	cfg->double_encode = !s3;
	cfg->sign_body = s3;
}

void sigv4_request_init(struct sigv4_request *req)
{
	memset(req, 0, sizeof(*req));
	strbuf_init(&req->body, SIGV4_MAX_REQUEST);
}

void sigv4_request_release(struct sigv4_request *req)
{
	size_t i;

	free(req->method);
	free(req->path);
	free(req->query);
	for (i = 0; i < req->nheaders; i++) {
		free(req->headers[i].name);
		free(req->headers[i].value);
	}
	strbuf_release(&req->body);
	sigv4_request_init(req);
}

int sigv4_request_add_header(struct sigv4_request *req, const char *name, const char *value)
{
	struct sigv4_header *h;

	if (req->nheaders >= SIGV4_MAX_HEADERS)
		return err_set(ERR_LIMIT, "more than %d headers", SIGV4_MAX_HEADERS);
	h = &req->headers[req->nheaders];
	h->name = strdup(name);
	h->value = strdup(value);
	if (!h->name || !h->value) {
		free(h->name);
		free(h->value);
		return err_set(ERR_NOMEM, "out of memory");
	}
	req->nheaders++;
	return 0;
}

const char *sigv4_request_header(const struct sigv4_request *req, const char *name)
{
	size_t i;

	for (i = 0; i < req->nheaders; i++)
		if (!strcasecmp(req->headers[i].name, name))
			return req->headers[i].value;
	return NULL;
}

static void remove_header(struct sigv4_request *req, const char *name)
{
	size_t i = 0;

	while (i < req->nheaders) {
		if (!strcasecmp(req->headers[i].name, name)) {
			free(req->headers[i].name);
			free(req->headers[i].value);
			memmove(&req->headers[i], &req->headers[i + 1], (req->nheaders - i - 1) * sizeof(req->headers[0]));
			req->nheaders--;
		} else {
			i++;
		}
	}
}

/* Replace the value of header name in place, or append it. */
static int set_header(struct sigv4_request *req, const char *name, const char *value)
{
	size_t i;
	char *v;

	for (i = 0; i < req->nheaders; i++) {
		if (!strcasecmp(req->headers[i].name, name)) {
			if (!(v = strdup(value)))
				return err_set(ERR_NOMEM, "out of memory");
			free(req->headers[i].value);
			req->headers[i].value = v;
			return 0;
		}
	}
	return sigv4_request_add_header(req, name, value);
}

static char *dup_range(const char *s, size_t n)
{
	char *p = malloc(n + 1);

	if (p) {
		memcpy(p, s, n);
		p[n] = 0;
	}
	return p;
}

/* One line of text at *pos: its length without the line end; *pos moves past it. */
static size_t next_line(const char *text, size_t len, size_t *pos, const char **line)
{
	size_t start = *pos, end = start;

	while (end < len && text[end] != '\n')
		end++;
	*line = text + start;
	*pos = end < len ? end + 1 : end;
	if (end > start && text[end - 1] == '\r')
		end--;
	return end - start;
}

static int parse_request_line(struct sigv4_request *req, const char *line, size_t n)
{
	const char *sp1 = memchr(line, ' ', n), *sp2, *target, *q;
	size_t tlen;

	/* The target runs to the last space: the suite's paths may hold spaces. */
	sp2 = NULL;
	for (tlen = n; tlen > 0; tlen--) {
		if (line[tlen - 1] == ' ') {
			sp2 = line + tlen - 1;
			break;
		}
	}
	if (!sp1 || sp1 == line || !sp2 || sp2 <= sp1 || strncmp(sp2 + 1, "HTTP/", 5))
		return err_set(ERR_PARSE, "request line: expected 'METHOD TARGET HTTP/1.1'");
	target = sp1 + 1;
	tlen = (size_t)(sp2 - target);
	q = memchr(target, '?', tlen);
	req->method = dup_range(line, (size_t)(sp1 - line));
	req->path = dup_range(target, q ? (size_t)(q - target) : tlen);
	req->query = q ? dup_range(q + 1, tlen - (size_t)(q + 1 - target)) : strdup("");
	if (!req->method || !req->path || !req->query)
		return err_set(ERR_NOMEM, "out of memory");
	return 0;
}

int sigv4_request_parse(struct sigv4_request *req, const char *text, size_t len)
{
	size_t pos = 0, n;
	const char *line, *colon;
	struct strbuf value = STRBUF_INIT;
	int rc = 0, lineno = 1;

	if (len > SIGV4_MAX_REQUEST)
		return err_set(ERR_LIMIT, "the request is larger than %u bytes", SIGV4_MAX_REQUEST);
	n = next_line(text, len, &pos, &line);
	if ((rc = parse_request_line(req, line, n)) < 0)
		goto cleanup;
	while (pos < len) {
		n = next_line(text, len, &pos, &line);
		lineno++;
		if (n == 0)
			break; /* the body follows */
		if (line[0] == ' ' || line[0] == '\t') {
			struct sigv4_header *h;

			if (!req->nheaders) {
				rc = err_set(ERR_PARSE, "line %d: a continuation line before any header", lineno);
				goto cleanup;
			}
			h = &req->headers[req->nheaders - 1];
			strbuf_reset(&value);
			if ((rc = strbuf_addstr(&value, h->value)) < 0 || (rc = strbuf_addch(&value, '\n')) < 0 ||
			    (rc = strbuf_add(&value, line, n)) < 0)
				goto cleanup;
			free(h->value);
			h->value = strbuf_detach(&value, NULL);
			continue;
		}
		colon = memchr(line, ':', n);
		if (!colon || colon == line) {
			rc = err_set(ERR_PARSE, "line %d: expected 'Name:value'", lineno);
			goto cleanup;
		}
		{
			char *name = dup_range(line, (size_t)(colon - line));
			char *val = dup_range(colon + 1, n - (size_t)(colon + 1 - line));

			rc = name && val ? sigv4_request_add_header(req, name, val) : err_set(ERR_NOMEM, "out of memory");
			free(name);
			free(val);
			if (rc < 0)
				goto cleanup;
		}
	}
	rc = strbuf_add(&req->body, text + pos, len - pos);
cleanup:
	strbuf_release(&value);
	return rc;
}

int sigv4_request_format(struct strbuf *out, const struct sigv4_request *req)
{
	size_t i;
	int rc;

	if ((rc = strbuf_addf(out, "%s %s%s%s HTTP/1.1", req->method, req->path, req->query[0] ? "?" : "",
			      req->query)) < 0)
		return rc;
	for (i = 0; i < req->nheaders; i++)
		if ((rc = strbuf_addf(out, "\n%s:%s", req->headers[i].name, req->headers[i].value)) < 0)
			return rc;
	if (req->body.len && ((rc = strbuf_addstr(out, "\n\n")) < 0 || (rc = strbuf_add(out, req->body.buf, req->body.len)) < 0))
		return rc;
	return 0;
}

static int unreserved(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
	       c == '.' || c == '~';
}

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int sigv4_uri_encode(struct strbuf *out, const char *s, size_t len, int keep_slash)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t i;
	int rc = 0;

	for (i = 0; i < len && rc == 0; i++) {
		unsigned char c = (unsigned char)s[i];

		if (unreserved(c) || (keep_slash && c == '/')) {
			rc = strbuf_addch(out, c);
		} else {
			char e[3] = { '%', hex[c >> 4], hex[c & 15] };

			rc = strbuf_add(out, e, 3);
		}
	}
	return rc;
}

/* S3: the path is signed as sent, with anything not yet encoded encoded, valid escapes kept. */
static int encode_keep_escapes(struct strbuf *out, const char *s, size_t len)
{
	size_t i;
	int rc = 0;

	for (i = 0; i < len && rc == 0; i++) {
		if (s[i] == '%' && i + 2 < len && hexval(s[i + 1]) >= 0 && hexval(s[i + 2]) >= 0) {
			char e[3] = { '%', "0123456789ABCDEF"[hexval(s[i + 1])], "0123456789ABCDEF"[hexval(s[i + 2])] };

			rc = strbuf_add(out, e, 3);
			i += 2;
		} else {
			rc = sigv4_uri_encode(out, s + i, 1, 1);
		}
	}
	return rc;
}

/* Percent-decoding of a query component ('+' is a space, as form encoding has it). */
static int uri_decode(struct strbuf *out, const char *s, size_t len)
{
	size_t i;
	int rc = 0;

	for (i = 0; i < len && rc == 0; i++) {
		if (s[i] == '%' && i + 2 < len && hexval(s[i + 1]) >= 0 && hexval(s[i + 2]) >= 0) {
			rc = strbuf_addch(out, hexval(s[i + 1]) * 16 + hexval(s[i + 2]));
			i += 2;
		} else {
			rc = strbuf_addch(out, s[i] == '+' ? ' ' : s[i]);
		}
	}
	return rc;
}

/* RFC 3986 dot-segment removal, empty segments dropped, as botocore's normalize_url_path. */
static int normalize_path(struct strbuf *out, const char *path)
{
	const char *segs[512];
	size_t lens[512], n = 0, plen = strlen(path), i = 0, j;
	int rc = 0;

	if (!plen)
		return strbuf_addch(out, '/');
	while (i <= plen) {
		size_t start = i;

		while (i < plen && path[i] != '/')
			i++;
		if (i > start && !(i - start == 1 && path[start] == '.')) {
			if (i - start == 2 && path[start] == '.' && path[start + 1] == '.') {
				if (n)
					n--;
			} else {
				if (n >= ARRAY_SIZE(segs))
					return err_set(ERR_LIMIT, "the path has more than %zu segments", ARRAY_SIZE(segs));
				segs[n] = path + start;
				lens[n++] = i - start;
			}
		}
		i++;
	}
	if (path[0] == '/')
		rc = strbuf_addch(out, '/');
	for (j = 0; j < n && rc == 0; j++) {
		if (j)
			rc = strbuf_addch(out, '/');
		if (rc == 0)
			rc = strbuf_add(out, segs[j], lens[j]);
	}
	if (rc == 0 && n && path[plen - 1] == '/')
		rc = strbuf_addch(out, '/');
	return rc;
}

static int canonical_uri(struct strbuf *out, const struct sigv4_config *cfg, const char *path)
{
	struct strbuf norm = STRBUF_INIT;
	int rc;

	if (!path[0])
		return strbuf_addch(out, '/');
	if (cfg->normalize_path)
		rc = normalize_path(&norm, path);
	else
		rc = strbuf_addstr(&norm, path);
	if (rc == 0)
		rc = cfg->double_encode ? sigv4_uri_encode(out, norm.buf, norm.len, 1)
					: encode_keep_escapes(out, norm.buf, norm.len);
	strbuf_release(&norm);
	return rc;
}

struct qparam {
	char *key, *value; /* encoded */
};

static int qparam_cmp(const void *a, const void *b)
{
	const struct qparam *x = a, *y = b;
	int c = strcmp(x->key, y->key);

	return c ? c : strcmp(x->value, y->value);
}

static int encode_component(char **out, const char *s, size_t len)
{
	struct strbuf raw = STRBUF_INIT, enc = STRBUF_INIT;
	int rc;

	if ((rc = uri_decode(&raw, s, len)) == 0 && (rc = sigv4_uri_encode(&enc, raw.buf, raw.len, 0)) == 0)
		*out = strbuf_detach(&enc, NULL);
	strbuf_release(&raw);
	strbuf_release(&enc);
	return rc;
}

static int canonical_query(struct strbuf *out, const char *query)
{
	struct qparam *p = NULL;
	size_t n = 0, i;
	const char *s = query;
	int rc = 0;

	if (!*query)
		return 0;
	p = calloc(SIGV4_MAX_QUERY_PARAMS, sizeof(*p));
	if (!p)
		return err_set(ERR_NOMEM, "out of memory");
	while (*s) {
		size_t len = strcspn(s, "&");
		const char *eq = memchr(s, '=', len);

		if (len) {
			if (n >= SIGV4_MAX_QUERY_PARAMS) {
				rc = err_set(ERR_LIMIT, "more than %d query parameters", SIGV4_MAX_QUERY_PARAMS);
				goto cleanup;
			}
			if ((rc = encode_component(&p[n].key, s, eq ? (size_t)(eq - s) : len)) < 0 ||
			    (rc = encode_component(&p[n].value, eq ? eq + 1 : s + len, eq ? len - (size_t)(eq + 1 - s) : 0)) < 0) {
				n++;
				goto cleanup;
			}
			n++;
		}
		s += len;
		if (*s == '&')
			s++;
	}
	qsort(p, n, sizeof(*p), qparam_cmp);
	for (i = 0; i < n && rc == 0; i++)
		rc = strbuf_addf(out, "%s%s=%s", i ? "&" : "", p[i].key, p[i].value);
cleanup:
	for (i = 0; i < n; i++) {
		free(p[i].key);
		free(p[i].value);
	}
	free(p);
	return rc;
}

/* Trim, fold lines, and collapse runs of white space to one space. */
static int canonical_value(struct strbuf *out, const char *v)
{
	int space = 0, started = 0, rc = 0;

	for (; *v && rc == 0; v++) {
		if (*v == ' ' || *v == '\t' || *v == '\n' || *v == '\r') {
			space = started;
			continue;
		}
		if (space)
			rc = strbuf_addch(out, ' ');
		if (rc == 0)
			rc = strbuf_addch(out, *v);
		space = 0;
		started = 1;
	}
	return rc;
}

struct hdr_ref {
	char lname[128];
	size_t index;
};

static int hdr_ref_cmp(const void *a, const void *b)
{
	const struct hdr_ref *x = a, *y = b;
	int c = strcmp(x->lname, y->lname);

	return c ? c : (x->index > y->index) - (x->index < y->index);
}

/* Canonical headers (with the trailing newline) and the signed header list. */
static int canonical_headers(struct strbuf *hdrs, struct strbuf *signed_list, const struct sigv4_request *req)
{
	struct hdr_ref refs[SIGV4_MAX_HEADERS];
	size_t n = 0, i, k;
	int rc = 0;

	for (i = 0; i < req->nheaders; i++) {
		const char *name = req->headers[i].name;
		size_t len = strlen(name);

		if (!strcasecmp(name, "authorization"))
			continue;
		if (len >= sizeof(refs[0].lname))
			return err_set(ERR_LIMIT, "header name longer than %zu bytes", sizeof(refs[0].lname) - 1);
		for (k = 0; k < len; k++)
			refs[n].lname[k] = (char)((name[k] >= 'A' && name[k] <= 'Z') ? name[k] + 32 : name[k]);
		refs[n].lname[len] = 0;
		refs[n].index = i;
		n++;
	}
	qsort(refs, n, sizeof(refs[0]), hdr_ref_cmp);
	for (i = 0; i < n && rc == 0; i++) {
		int first = i == 0 || strcmp(refs[i].lname, refs[i - 1].lname);

		if (first) {
			if (i)
				rc = strbuf_addch(hdrs, '\n');
			if (rc == 0 && signed_list->len)
				rc = strbuf_addch(signed_list, ';');
			if (rc == 0)
				rc = strbuf_addstr(signed_list, refs[i].lname);
			if (rc == 0)
				rc = strbuf_addf(hdrs, "%s:", refs[i].lname);
		} else {
			rc = strbuf_addch(hdrs, ',');
		}
		if (rc == 0)
			rc = canonical_value(hdrs, req->headers[refs[i].index].value);
	}
	if (rc == 0 && n)
		rc = strbuf_addch(hdrs, '\n');
	return rc;
}

void sigv4_amz_date(char out[17], int64_t t)
{
	time_t tt = (time_t)t;
	struct tm tm;

	gmtime_r(&tt, &tm);
	strftime(out, 17, "%Y%m%dT%H%M%SZ", &tm);
}

static int signing_key(const struct sigv4_config *cfg, const char *date8, unsigned char key[SHA256_LEN])
{
	struct strbuf k = STRBUF_INIT;
	unsigned char a[SHA256_LEN], b[SHA256_LEN];
	int rc;

	if ((rc = strbuf_addf(&k, "AWS4%s", cfg->secret_key)) < 0)
		goto cleanup;
	if ((rc = hmac_sha256(k.buf, k.len, date8, 8, a)) < 0 ||
	    (rc = hmac_sha256(a, SHA256_LEN, cfg->region, strlen(cfg->region), b)) < 0 ||
	    (rc = hmac_sha256(b, SHA256_LEN, cfg->service, strlen(cfg->service), a)) < 0 ||
	    (rc = hmac_sha256(a, SHA256_LEN, "aws4_request", 12, key)) < 0)
		goto cleanup;
cleanup:
	crypto_wipe(a, sizeof(a));
	crypto_wipe(b, sizeof(b));
	if (k.len)
		crypto_wipe(k.buf, k.len);
	strbuf_release(&k);
	return rc;
}

static int check_config(const struct sigv4_config *cfg)
{
	if (!cfg->access_key || !cfg->secret_key || !cfg->region || !cfg->service || !cfg->access_key[0] ||
	    !cfg->secret_key[0] || !cfg->region[0] || !cfg->service[0])
		return err_set(ERR_INVALID, "signing needs an access key, a secret key, a region and a service");
	return 0;
}

/*
 * The common core: canonical request over req (with query as given), string
 * to sign and signature.  payload is the hash line of the canonical request.
 */
static int sign_core(const struct sigv4_config *cfg, const struct sigv4_request *req, const char *payload,
		     const char *amzdate, struct sigv4_result *res, struct strbuf *signed_list)
{
	struct strbuf hdrs = STRBUF_INIT;
	unsigned char key[SHA256_LEN], mac[SHA256_LEN];
	int rc;

	if ((rc = strbuf_addf(&res->canonical_request, "%s\n", req->method)) < 0 ||
	    (rc = canonical_uri(&res->canonical_request, cfg, req->path)) < 0 ||
	    (rc = strbuf_addch(&res->canonical_request, '\n')) < 0 ||
	    (rc = canonical_query(&res->canonical_request, req->query)) < 0 ||
	    (rc = strbuf_addch(&res->canonical_request, '\n')) < 0 ||
	    (rc = canonical_headers(&hdrs, signed_list, req)) < 0 ||
	    (rc = strbuf_addf(&res->canonical_request, "%s\n%s\n%s", hdrs.buf, signed_list->buf, payload)) < 0)
		goto cleanup;
	if ((rc = strbuf_addf(&res->string_to_sign, SIGV4_ALGORITHM "\n%s\n%.8s/%s/%s/aws4_request\n", amzdate, amzdate,
			      cfg->region, cfg->service)) < 0 ||
	    (rc = sha256_hex(&res->string_to_sign, res->canonical_request.buf, res->canonical_request.len)) < 0)
		goto cleanup;
	if ((rc = signing_key(cfg, amzdate, key)) < 0 ||
	    (rc = hmac_sha256(key, SHA256_LEN, res->string_to_sign.buf, res->string_to_sign.len, mac)) < 0 ||
	    (rc = strbuf_addhex(&res->signature, mac, SHA256_LEN)) < 0)
		goto cleanup;
cleanup:
	crypto_wipe(key, sizeof(key));
	strbuf_release(&hdrs);
	return rc;
}

static void result_init(struct sigv4_result *res)
{
	strbuf_init(&res->canonical_request, SIGV4_MAX_REQUEST);
	strbuf_init(&res->string_to_sign, 4096);
	strbuf_init(&res->signature, 128);
	strbuf_init(&res->authorization, 8192);
}

void sigv4_result_release(struct sigv4_result *res)
{
	strbuf_release(&res->canonical_request);
	strbuf_release(&res->string_to_sign);
	strbuf_release(&res->signature);
	strbuf_release(&res->authorization);
}

int sigv4_sign(const struct sigv4_config *cfg, struct sigv4_request *req, struct sigv4_result *res)
{
	struct strbuf payload = STRBUF_INIT, signed_list = STRBUF_INIT;
	const char *given;
	char amzdate[17];
	int token = cfg->session_token && cfg->session_token[0];
	int rc;

	result_init(res);
	if ((rc = check_config(cfg)) < 0)
		goto cleanup;
	sigv4_amz_date(amzdate, cfg->time);
	remove_header(req, "Authorization");
	if ((rc = set_header(req, "X-Amz-Date", amzdate)) < 0)
		goto cleanup;
	if (token && !cfg->omit_session_token && (rc = set_header(req, "X-Amz-Security-Token", cfg->session_token)) < 0)
		goto cleanup;
	given = sigv4_request_header(req, "x-amz-content-sha256");
	if (given && cfg->sign_body)
		rc = canonical_value(&payload, given);
	else
		rc = sha256_hex(&payload, req->body.buf, req->body.len);
	if (rc < 0 || (cfg->sign_body && !given && (rc = sigv4_request_add_header(req, "X-Amz-Content-SHA256", payload.buf)) < 0))
		goto cleanup;
	if ((rc = sign_core(cfg, req, payload.buf, amzdate, res, &signed_list)) < 0)
		goto cleanup;
	if ((rc = strbuf_addf(&res->authorization, SIGV4_ALGORITHM " Credential=%s/%.8s/%s/%s/aws4_request, SignedHeaders=%s, Signature=%s",
			      cfg->access_key, amzdate, cfg->region, cfg->service, signed_list.buf, res->signature.buf)) < 0)
		goto cleanup;
	if (token && cfg->omit_session_token && (rc = set_header(req, "X-Amz-Security-Token", cfg->session_token)) < 0)
		goto cleanup;
	strbuf_reset(&payload);
	if ((rc = strbuf_addf(&payload, " %s", res->authorization.buf)) < 0 ||
	    (rc = sigv4_request_add_header(req, "Authorization", payload.buf)) < 0)
		goto cleanup;
cleanup:
	strbuf_release(&payload);
	strbuf_release(&signed_list);
	if (rc < 0)
		sigv4_result_release(res);
	return rc;
}

static int add_qparam(struct strbuf *q, const char *key, const char *value)
{
	int rc;

	if (q->len && (rc = strbuf_addch(q, '&')) < 0)
		return rc;
	if ((rc = strbuf_addf(q, "%s=", key)) < 0)
		return rc;
	return sigv4_uri_encode(q, value, strlen(value), 0);
}

int sigv4_presign(const struct sigv4_config *cfg, struct sigv4_request *req, struct sigv4_result *res)
{
	struct strbuf q = STRBUF_INIT, payload = STRBUF_INIT, signed_list = STRBUF_INIT, scope = STRBUF_INIT;
	struct strbuf hdrs = STRBUF_INIT;
	char amzdate[17], expires[24];
	int token = cfg->session_token && cfg->session_token[0];
	int s3 = !strcmp(cfg->service ? cfg->service : "", "s3");
	int rc;

	result_init(res);
	if ((rc = check_config(cfg)) < 0)
		goto cleanup;
	if (cfg->expires < 1 || cfg->expires > 604800) {
		rc = err_set(ERR_INVALID, "presigning needs expiration_in_seconds between 1 and 604800");
		goto cleanup;
	}
	sigv4_amz_date(amzdate, cfg->time);
	snprintf(expires, sizeof(expires), "%lld", (long long)cfg->expires);
	remove_header(req, "Authorization");
	remove_header(req, "X-Amz-Date");
	/* The signed header list goes into the query, so work it out first. */
	rc = canonical_headers(&hdrs, &signed_list, req);
	strbuf_release(&hdrs);
	if (rc < 0)
		goto cleanup;
	if ((rc = strbuf_addf(&scope, "%s/%.8s/%s/%s/aws4_request", cfg->access_key, amzdate, cfg->region, cfg->service)) < 0 ||
	    (rc = strbuf_addstr(&q, req->query)) < 0 || (rc = add_qparam(&q, "X-Amz-Algorithm", SIGV4_ALGORITHM)) < 0 ||
	    (rc = add_qparam(&q, "X-Amz-Credential", scope.buf)) < 0 || (rc = add_qparam(&q, "X-Amz-Date", amzdate)) < 0 ||
	    (rc = add_qparam(&q, "X-Amz-Expires", expires)) < 0 ||
	    (token && !cfg->omit_session_token && (rc = add_qparam(&q, "X-Amz-Security-Token", cfg->session_token)) < 0) ||
	    (rc = add_qparam(&q, "X-Amz-SignedHeaders", signed_list.buf)) < 0)
		goto cleanup;
	free(req->query);
	req->query = strbuf_detach(&q, NULL);
	if (s3)
		rc = strbuf_addstr(&payload, "UNSIGNED-PAYLOAD");
	else
		rc = sha256_hex(&payload, req->body.buf, req->body.len);
	strbuf_reset(&signed_list);
	if (rc < 0 || (rc = sign_core(cfg, req, payload.buf, amzdate, res, &signed_list)) < 0)
		goto cleanup;
	if ((rc = strbuf_addstr(&q, req->query)) < 0 ||
	    (token && cfg->omit_session_token && (rc = add_qparam(&q, "X-Amz-Security-Token", cfg->session_token)) < 0) ||
	    (rc = add_qparam(&q, "X-Amz-Signature", res->signature.buf)) < 0)
		goto cleanup;
	free(req->query);
	req->query = strbuf_detach(&q, NULL);
cleanup:
	strbuf_release(&q);
	strbuf_release(&payload);
	strbuf_release(&signed_list);
	strbuf_release(&scope);
	if (rc < 0)
		sigv4_result_release(res);
	return rc;
}
