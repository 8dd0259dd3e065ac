#include "http.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>

#include "err.h"
#include "log.h"
#include "util.h"

#define HTTP_DEFAULT_MAX_BODY ((size_t)64 << 20)

#ifdef VETTER_VERSION
#define VETTER_VERSION_STRING VETTER_VERSION
#else
#define VETTER_VERSION_STRING "dev"
#endif

struct http_client {
	CURL *curl;
	struct http_options opt;
	char *ca_pem, *cert_pem, *key_pem;
	/* per request */
	int plain;               /* the current URL is http:// */
	int refused;             /* the connect callback refused an address */
	char refused_addr[64];
	struct strbuf *body;
	struct strbuf *hdrs;
	http_sink sink;
	void *sink_ctx;
	size_t delivered;
	int sink_rc;
	int too_big;
	char errbuf[CURL_ERROR_SIZE]; /* curl's detail ("certificate has expired"), clearer than its code's text */
	/* stall detection: when the last byte arrived */
	curl_off_t last_now;
	struct timespec last_t;
	int stalled;
};

int http_address_forbidden(const struct sockaddr *sa)
{
	if (sa->sa_family == AF_INET) {
		const unsigned char *a = (const unsigned char *)&((const struct sockaddr_in *)sa)->sin_addr;

		return a[0] == 169 && a[1] == 254; /* link-local, where clouds keep their metadata */
	}
	if (sa->sa_family == AF_INET6) {
		const unsigned char *a = ((const struct sockaddr_in6 *)sa)->sin6_addr.s6_addr;
		static const unsigned char ec2[16] = { 0xfd, 0x00, 0x0e, 0xc2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x02, 0x54 };

		if (a[0] == 0xfe && (a[1] & 0xc0) == 0x80) /* fe80::/10 */
			return 1;
		if (!memcmp(a, ec2, 16))
			return 1;
		/* IPv4-mapped link-local */
		if (!memcmp(a, "\0\0\0\0\0\0\0\0\0\0\xff\xff", 12) && a[12] == 169 && a[13] == 254)
			return 1;
	}
	return 0;
}

static int address_loopback(const struct sockaddr *sa)
{
	if (sa->sa_family == AF_INET)
		return ((const unsigned char *)&((const struct sockaddr_in *)sa)->sin_addr)[0] == 127;
	if (sa->sa_family == AF_INET6)
		return IN6_IS_ADDR_LOOPBACK(&((const struct sockaddr_in6 *)sa)->sin6_addr);
	return 0;
}

static curl_socket_t on_open_socket(void *ctx, curlsocktype purpose, struct curl_sockaddr *addr)
{
	struct http_client *c = ctx;

	(void)purpose;
	if (http_address_forbidden(&addr->addr) ||
	    (c->plain && !c->opt.plain_http_any_host && !address_loopback(&addr->addr))) {
		c->refused = 1;
		if (addr->family == AF_INET)
			inet_ntop(AF_INET, &((struct sockaddr_in *)&addr->addr)->sin_addr, c->refused_addr,
				  sizeof(c->refused_addr));
		else
			inet_ntop(AF_INET6, &((struct sockaddr_in6 *)&addr->addr)->sin6_addr, c->refused_addr,
				  sizeof(c->refused_addr));
		return CURL_SOCKET_BAD;
	}
	return socket(addr->family, addr->socktype, addr->protocol);
}

/* Error statuses keep their (small) body in memory for the message; 2xx bodies go to the sink. */
static size_t on_body(char *data, size_t size, size_t n, void *ctx)
{
	struct http_client *c = ctx;
	size_t len = size * n, limit = c->opt.max_body ? c->opt.max_body : HTTP_DEFAULT_MAX_BODY;
	long status = 0;

	curl_easy_getinfo(c->curl, CURLINFO_RESPONSE_CODE, &status);
	if (c->sink && status >= 200 && status < 300) {
		c->delivered += len;
		if ((c->sink_rc = c->sink(c->sink_ctx, data, len)) < 0)
			return 0;
		return len;
	}
	if (c->body->len + len > limit) {
		c->too_big = 1;
		return 0;
	}
	return strbuf_add(c->body, data, len) < 0 ? 0 : len;
}

static size_t on_header(char *data, size_t size, size_t n, void *ctx)
{
	struct http_client *c = ctx;
	size_t len = size * n;

	/* A new status line starts a new response (after 100 Continue, for instance). */
	if (len > 5 && !strncmp(data, "HTTP/", 5))
		strbuf_reset(c->hdrs);
	return strbuf_add(c->hdrs, data, len) < 0 ? 0 : len;
}

static long ms_since(const struct timespec *t)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (now.tv_sec - t->tv_sec) * 1000 + (now.tv_nsec - t->tv_nsec) / 1000000;
}

/* A transfer that receives nothing for stall_timeout_s is cut (curl's own low-speed check averages over seconds). */
static int on_progress(void *ctx, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal, curl_off_t ulnow)
{
	struct http_client *c = ctx;

	(void)dltotal;
	(void)ultotal;
	(void)ulnow;
	if (dlnow != c->last_now) {
		c->last_now = dlnow;
		clock_gettime(CLOCK_MONOTONIC, &c->last_t);
		return 0;
	}
	if (ms_since(&c->last_t) > c->opt.stall_timeout_s * 1000) {
		c->stalled = 1;
		return 1;
	}
	return 0;
}

static char *dupz(const char *s)
{
	return s ? strdup(s) : NULL;
}

int http_client_new(struct http_client **out, const struct http_options *opt)
{
	struct http_client *c = calloc(1, sizeof(*c));

	if (!c)
		return err_set(ERR_NOMEM, "out of memory");
	c->curl = curl_easy_init();
	if (!c->curl) {
		free(c);
		return err_set(ERR_NOMEM, "cannot create an HTTP client");
	}
	if (opt)
		c->opt = *opt;
	else
		c->opt.tls_verify = 1;
	/* Keep our own copies: the options may point into documents freed before the client. */
	c->ca_pem = dupz(c->opt.ca_pem);
	c->cert_pem = dupz(c->opt.client_cert_pem);
	c->key_pem = dupz(c->opt.client_key_pem);
	c->opt.ca_file = dupz(c->opt.ca_file);
	*out = c;
	return 0;
}

void http_client_free(struct http_client *c)
{
	if (!c)
		return;
	curl_easy_cleanup(c->curl);
	free(c->ca_pem);
	free(c->cert_pem);
	free(c->key_pem);
	free((char *)c->opt.ca_file);
	free(c);
}

void http_response_release(struct http_response *resp)
{
	strbuf_release(&resp->body);
	strbuf_release(&resp->headers);
	free(resp->final_url);
	resp->final_url = NULL;
}

long http_client_status(struct http_client *c)
{
	long status = 0;

	curl_easy_getinfo(c->curl, CURLINFO_RESPONSE_CODE, &status);
	return status;
}

int http_header(const struct http_response *resp, const char *name, struct strbuf *out)
{
	const char *p = resp->headers.buf, *nl;
	size_t nlen = strlen(name);

	while (*p) {
		nl = strchr(p, '\n');
		if (!nl)
			nl = p + strlen(p);
		if ((size_t)(nl - p) > nlen && !strncasecmp(p, name, nlen) && p[nlen] == ':') {
			const char *v = p + nlen + 1;
			size_t vlen;

			while (*v == ' ' || *v == '\t')
				v++;
			vlen = (size_t)(nl - v);
			while (vlen && (v[vlen - 1] == '\r' || v[vlen - 1] == ' '))
				vlen--;
			return strbuf_add(out, v, vlen);
		}
		if (!*nl)
			break;
		p = nl + 1;
	}
	return ERR_NOTFOUND;
}

static int method_allowed(const struct http_request *req, const char *method)
{
	if (!strcmp(method, "GET") || !strcmp(method, "HEAD"))
		return 1;
	return !strcmp(method, "POST") && req->purpose != HTTP_READ;
}

/* The URL without query and fragment, for the log: queries can carry signatures. */
static void url_for_log(struct strbuf *out, const char *url)
{
	strbuf_add(out, url, strcspn(url, "?#"));
}

static char *url_host(const char *url)
{
	CURLU *u = curl_url();
	char *host = NULL, *copy = NULL;

	if (u && curl_url_set(u, CURLUPART_URL, url, 0) == CURLUE_OK &&
	    curl_url_get(u, CURLUPART_HOST, &host, 0) == CURLUE_OK) {
		copy = strdup(host);
		curl_free(host);
	}
	curl_url_cleanup(u);
	return copy;
}

/* Resolve a Location against the current URL and check where it points. */
static int next_url(struct http_client *c, const char *current, const char *location, char **out)
{
	CURLU *u = curl_url();
	char *scheme = NULL, *abs = NULL;
	int rc = 0;

	if (!u || curl_url_set(u, CURLUPART_URL, current, 0) != CURLUE_OK ||
	    curl_url_set(u, CURLUPART_URL, location, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_URL, &abs, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) != CURLUE_OK) {
		rc = err_set(ERR_DENIED, "redirect to an invalid location '%.200s'", location);
		goto cleanup;
	}
	if (strcmp(scheme, "https") && !(c->opt.allow_plain_http && !strcmp(scheme, "http"))) {
		rc = err_set(ERR_DENIED, "redirect to a %s: URL refused", scheme);
		goto cleanup;
	}
	*out = strdup(abs);
	if (!*out)
		rc = err_set(ERR_NOMEM, "out of memory");
cleanup:
	curl_free(scheme);
	curl_free(abs);
	curl_url_cleanup(u);
	return rc;
}

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

static int retryable_status(long status)
{
	return status == 429 || status == 502 || status == 503 || status == 504;
}

static int retryable_curl(CURLcode cc)
{
	return cc == CURLE_OPERATION_TIMEDOUT || cc == CURLE_RECV_ERROR || cc == CURLE_SEND_ERROR ||
	       cc == CURLE_GOT_NOTHING || cc == CURLE_PARTIAL_FILE;
}

/* Delay before retry n (0-based), honouring Retry-After (seconds) up to 30 s. */
static long backoff_ms(const struct http_response *resp, int n)
{
	struct strbuf ra = STRBUF_INIT;
	long ms = 500L << (n < 5 ? n : 5);
	char *end;

	if (http_header(resp, "Retry-After", &ra) == 0) {
		long s = strtol(ra.buf, &end, 10);

		if (end != ra.buf && !*end && s >= 0)
			ms = (s > 30 ? 30 : s) * 1000;
	}
	strbuf_release(&ra);
	return ms > 30000 ? 30000 : ms;
}

/* One request/response, no redirects, no retries. */
static CURLcode perform(struct http_client *c, const char *method, const char *url, const struct http_request *req,
			int with_credential, const void *body, size_t body_len)
{
	struct curl_slist *hl = NULL;
	struct curl_blob blob;
	CURL *h = c->curl;
	size_t i;
	CURLcode cc;

	curl_easy_reset(h);
	c->errbuf[0] = 0;
	curl_easy_setopt(h, CURLOPT_ERRORBUFFER, c->errbuf);
	c->plain = !strncasecmp(url, "http://", 7);
	c->refused = 0;
	c->too_big = 0;
	c->sink_rc = 0;
	curl_easy_setopt(h, CURLOPT_URL, url);
	curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, c->opt.allow_plain_http ? "http,https" : "https");
	curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_TIMEOUT, c->opt.timeout_s ? c->opt.timeout_s : 120L);
	curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, c->opt.connect_timeout_s ? c->opt.connect_timeout_s : 15L);
	c->stalled = 0;
	if (c->opt.stall_timeout_s > 0) {
		/* Long streams (layer blobs) get a generous total timeout and are cut when they stall. */
		c->last_now = -1;
		clock_gettime(CLOCK_MONOTONIC, &c->last_t);
		curl_easy_setopt(h, CURLOPT_NOPROGRESS, 0L);
		curl_easy_setopt(h, CURLOPT_XFERINFOFUNCTION, on_progress);
		curl_easy_setopt(h, CURLOPT_XFERINFODATA, c);
	}
	curl_easy_setopt(h, CURLOPT_HTTP_VERSION, (long)CURL_HTTP_VERSION_2TLS);
	curl_easy_setopt(h, CURLOPT_USERAGENT, "vetter/" VETTER_VERSION_STRING);
	curl_easy_setopt(h, CURLOPT_ACCEPT_ENCODING, "");
	curl_easy_setopt(h, CURLOPT_OPENSOCKETFUNCTION, on_open_socket);
	curl_easy_setopt(h, CURLOPT_OPENSOCKETDATA, c);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, c);
	curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(h, CURLOPT_HEADERDATA, c);
	curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, c->opt.tls_verify ? 1L : 0L);
	curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, c->opt.tls_verify ? 2L : 0L);
	if (c->opt.ca_file)
		curl_easy_setopt(h, CURLOPT_CAINFO, c->opt.ca_file);
	if (c->ca_pem) {
		blob.data = c->ca_pem;
		blob.len = strlen(c->ca_pem);
		blob.flags = CURL_BLOB_COPY;
		curl_easy_setopt(h, CURLOPT_CAINFO_BLOB, &blob);
	}
	if (c->cert_pem && c->key_pem) {
		blob.data = c->cert_pem;
		blob.len = strlen(c->cert_pem);
		blob.flags = CURL_BLOB_COPY;
		curl_easy_setopt(h, CURLOPT_SSLCERT_BLOB, &blob);
		curl_easy_setopt(h, CURLOPT_SSLCERTTYPE, "PEM");
		blob.data = c->key_pem;
		blob.len = strlen(c->key_pem);
		curl_easy_setopt(h, CURLOPT_SSLKEY_BLOB, &blob);
		curl_easy_setopt(h, CURLOPT_SSLKEYTYPE, "PEM");
	}
	for (i = 0; req->headers && req->headers[i]; i++)
		hl = curl_slist_append(hl, req->headers[i]);
	if (with_credential && req->credential)
		hl = curl_slist_append(hl, req->credential);
	hl = curl_slist_append(hl, "Expect:");
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, hl);
	if (!strcmp(method, "HEAD")) {
		curl_easy_setopt(h, CURLOPT_NOBODY, 1L);
	} else if (!strcmp(method, "POST")) {
		curl_easy_setopt(h, CURLOPT_POST, 1L);
		curl_easy_setopt(h, CURLOPT_POSTFIELDS, body ? body : "");
		curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)body_len);
	} else {
		curl_easy_setopt(h, CURLOPT_HTTPGET, 1L);
	}
	cc = curl_easy_perform(h);
	curl_slist_free_all(hl);
	return cc;
}

static int request(struct http_client *c, const struct http_request *req, http_sink sink, void *ctx,
		   struct http_response *resp)
{
	const char *method = req->method ? req->method : "GET";
	char *url = NULL, *next = NULL, *first_host = NULL, *host = NULL;
	int redirects = 0, attempt = 0, with_cred = 1, rc = 0;
	int max_redirects = c->opt.max_redirects == 0 ? 5 : c->opt.max_redirects < 0 ? 0 : c->opt.max_redirects;
	int max_retries = c->opt.max_retries == 0 ? 4 : c->opt.max_retries < 0 ? 0 : c->opt.max_retries;
	struct strbuf logurl = STRBUF_INIT, loc = STRBUF_INIT;
	const void *body = req->body;
	size_t body_len = req->body_len;
	struct timespec t0, t1;
	CURLcode cc;

	memset(resp, 0, sizeof(*resp));
	strbuf_init(&resp->body, c->opt.max_body ? c->opt.max_body + 1 : HTTP_DEFAULT_MAX_BODY + 1);
	strbuf_init(&resp->headers, 256 * 1024);
	if (!method_allowed(req, method)) {
		http_response_release(resp);
		return err_set(ERR_DENIED, "HTTP %s refused: vetter only reads", method);
	}
	c->body = &resp->body;
	c->hdrs = &resp->headers;
	c->sink = sink;
	c->sink_ctx = ctx;
	c->delivered = 0;
	url = strdup(req->url);
	first_host = url_host(req->url);
	if (!url || !first_host) {
		rc = err_set(url ? ERR_INVALID : ERR_NOMEM, "'%.200s' is not a URL", req->url);
		goto cleanup;
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (;;) {
		strbuf_reset(&resp->body);
		strbuf_reset(&resp->headers);
		cc = perform(c, method, url, req, with_cred, body, body_len);
		resp->status = 0;
		curl_easy_getinfo(c->curl, CURLINFO_RESPONSE_CODE, &resp->status);
		strbuf_reset(&logurl);
		url_for_log(&logurl, url);
		log_file_msg("%s %s -> %ld (%zu bytes)%s", method, logurl.buf, resp->status,
			     c->sink ? c->delivered : resp->body.len, cc == CURLE_OK ? "" : curl_easy_strerror(cc));
		if (c->refused) {
			rc = err_set(ERR_DENIED, "%s: refused to connect to %s (%s)", logurl.buf, c->refused_addr,
				     c->plain ? "plain http is allowed to loopback only" : "a link-local or cloud metadata address");
			goto cleanup;
		}
		if (c->sink_rc < 0) {
			rc = c->sink_rc;
			goto cleanup;
		}
		if (c->too_big) {
			rc = err_set(ERR_LIMIT, "%s: the response is larger than the %zu bytes allowed", logurl.buf,
				     c->opt.max_body ? c->opt.max_body : HTTP_DEFAULT_MAX_BODY);
			goto cleanup;
		}
		if (cc != CURLE_OK) {
			if ((retryable_curl(cc) || c->stalled) && attempt < max_retries && !c->delivered) {
				sleep_ms(backoff_ms(resp, attempt++));
				continue;
			}
			if (c->stalled)
				rc = err_set(ERR_NET, "%s: stalled: nothing received for %ld s", logurl.buf, c->opt.stall_timeout_s);
			else
				rc = err_set(ERR_NET, "%s: %s", logurl.buf, c->errbuf[0] ? c->errbuf : curl_easy_strerror(cc));
			goto cleanup;
		}
		if (retryable_status(resp->status) && attempt < max_retries && !c->delivered) {
			sleep_ms(backoff_ms(resp, attempt++));
			continue;
		}
		if (resp->status >= 300 && resp->status < 400 && resp->status != 304) {
			strbuf_reset(&loc);
			if (http_header(resp, "Location", &loc) < 0) {
				rc = err_set(ERR_HTTP, "%s: redirect without a Location", logurl.buf);
				goto cleanup;
			}
			if (redirects++ >= max_redirects) {
				/* With redirects turned off, say where the server wanted to send us. */
				rc = max_redirects ? err_set(ERR_HTTP, "%s: too many redirects", logurl.buf)
						   : err_set(ERR_HTTP, "%s: redirected to '%.200s', which this client does not follow",
							     logurl.buf, loc.buf);
				goto cleanup;
			}
			if ((rc = next_url(c, url, loc.buf, &next)) < 0)
				goto cleanup;
			free(url);
			url = next;
			next = NULL;
			free(host);
			host = url_host(url);
			/* The credential was for the first host only. */
			if (!host || strcasecmp(host, first_host))
				with_cred = 0;
			if (resp->status == 303 || ((resp->status == 301 || resp->status == 302) && !strcmp(method, "POST"))) {
				method = "GET";
				body = NULL;
				body_len = 0;
			}
			continue;
		}
		break;
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	resp->seconds = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	resp->final_url = url;
	url = NULL;
cleanup:
	free(url);
	free(next);
	free(first_host);
	free(host);
	strbuf_release(&logurl);
	strbuf_release(&loc);
	c->body = NULL;
	c->hdrs = NULL;
	c->sink = NULL;
	/* On failure nothing is left for the caller to release. */
	if (rc < 0)
		http_response_release(resp);
	return rc;
}

int http_do(struct http_client *c, const struct http_request *req, struct http_response *resp)
{
	return request(c, req, NULL, NULL, resp);
}

int http_stream(struct http_client *c, const struct http_request *req, http_sink sink, void *ctx,
		struct http_response *resp)
{
	return request(c, req, sink, ctx, resp);
}
