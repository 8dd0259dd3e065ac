#include "fetch.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <curl/curl.h>

#include "core/err.h"
#include "core/util.h"

#ifndef VETTER_VERSION
#define VETTER_VERSION "0.0.0-dev"
#endif

#define FETCH_MAX_REDIRECTS 5

struct sink {
	int fd;
	int64_t written, max;
	int over, io_error;
};

static size_t on_data(char *data, size_t size, size_t n, void *vsink)
{
	struct sink *s = vsink;
	size_t len = size * n, off = 0;

	if (s->written + (int64_t)len > s->max) {
		s->over = 1;
		return 0;
	}
	while (off < len) {
		ssize_t w = write(s->fd, data + off, len - off);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			s->io_error = 1;
			return 0;
		}
		off += (size_t)w;
	}
	s->written += (int64_t)len;
	return len;
}

static int is_loopback(const char *host)
{
	return !strcmp(host, "127.0.0.1") || !strcmp(host, "::1") || !strcmp(host, "[::1]") ||
	       !strcasecmp(host, "localhost");
}

/* Scheme and host of url, checked against the rules; *http set for an accepted plain-HTTP URL. */
static int check_url(const char *url, const struct fetch_opts *o, char **scheme, char **host, int *http)
{
	CURLU *u = curl_url();
	int rc = 0;

	*scheme = *host = NULL;
	*http = 0;
	if (!u)
		return err_set(ERR_NOMEM, "out of memory");
	if (curl_url_set(u, CURLUPART_URL, url, 0) != CURLUE_OK || curl_url_get(u, CURLUPART_SCHEME, scheme, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_HOST, host, 0) != CURLUE_OK) {
		rc = err_set(ERR_USAGE, "'%.200s' is not a URL", url);
		goto cleanup;
	}
	if (!strcasecmp(*scheme, "http")) {
		if (!o->allow_http_loopback || !is_loopback(*host)) {
			rc = err_set(ERR_USAGE, "%.200s: only https:// is accepted (plain HTTP only to a loopback address, "
						"with --insecure-http-loopback)", url);
			goto cleanup;
		}
		*http = 1;
	} else if (strcasecmp(*scheme, "https")) {
		rc = err_set(ERR_USAGE, "%.200s: only https:// is accepted", url);
		goto cleanup;
	}
cleanup:
	if (rc < 0) {
		curl_free(*scheme);
		curl_free(*host);
		*scheme = *host = NULL;
	}
	curl_url_cleanup(u);
	return rc;
}

static int get_once(CURL *c, const char *url, const struct fetch_opts *o, int http, struct sink *s, long *status,
		    char **redirect)
{
	char errbuf[CURL_ERROR_SIZE] = "";
	CURLcode cc;
	char *loc = NULL;

	*redirect = NULL;
	curl_easy_reset(c);
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_HTTPGET, 1L);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, http ? "http" : "https");
	curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 1L);
	curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 2L);
	if (o->ca_file)
		curl_easy_setopt(c, CURLOPT_CAINFO, o->ca_file);
	curl_easy_setopt(c, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)o->max_bytes);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, 30L);
	curl_easy_setopt(c, CURLOPT_LOW_SPEED_LIMIT, 1024L);
	curl_easy_setopt(c, CURLOPT_LOW_SPEED_TIME, 60L);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_USERAGENT, "vetter/" VETTER_VERSION);
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_data);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, s);
	cc = curl_easy_perform(c);
	if (s->over || cc == CURLE_FILESIZE_EXCEEDED)
		return err_set(ERR_LIMIT, "%.200s: larger than %lld bytes", url, (long long)o->max_bytes);
	if (s->io_error)
		return err_set(ERR_IO, "%.200s: cannot write the download: %s", url, strerror(errno));
	if (cc != CURLE_OK)
		return err_set(ERR_NET, "%.200s: %s", url, errbuf[0] ? errbuf : curl_easy_strerror(cc));
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, status);
	if (*status >= 300 && *status < 400 && curl_easy_getinfo(c, CURLINFO_REDIRECT_URL, &loc) == CURLE_OK && loc &&
	    !(*redirect = strdup(loc)))
		return err_set(ERR_NOMEM, "out of memory");
	return 0;
}

int fetch_to_file(const char *url, const char *path, const struct fetch_opts *opt, int64_t *size_out)
{
	struct fetch_opts o = { NULL, 0, 0 };
	struct sink s = { -1, 0, 0, 0, 0 };
	char *cur = NULL, *scheme = NULL, *host = NULL, *next = NULL;
	long status = 0;
	CURL *c = NULL;
	int rc, hops, http;

	if (opt)
		o = *opt;
	if (o.max_bytes <= 0)
		o.max_bytes = FETCH_DEFAULT_MAX;
	s.max = o.max_bytes;
	if ((rc = check_url(url, &o, &scheme, &host, &http)) < 0)
		return rc;
	if (!(cur = strdup(url)) || !(c = curl_easy_init())) {
		rc = err_set(ERR_NOMEM, "out of memory");
		goto cleanup;
	}
	if ((s.fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600)) < 0) {
		rc = err_set(ERR_IO, "cannot create %s: %s", path, strerror(errno));
		goto cleanup;
	}
	for (hops = 0;; hops++) {
		char *ns = NULL, *nh = NULL;
		int nhttp;

		if ((rc = get_once(c, cur, &o, http, &s, &status, &next)) < 0)
			goto cleanup;
		if (status == 200)
			break;
		if (!next) {
			rc = err_set(ERR_HTTP, "%.200s: HTTP status %ld", cur, status);
			goto cleanup;
		}
		if (hops == FETCH_MAX_REDIRECTS) {
			rc = err_set(ERR_HTTP, "%.200s: more than %d redirects", url, FETCH_MAX_REDIRECTS);
			goto cleanup;
		}
		if ((rc = check_url(next, &o, &ns, &nh, &nhttp)) < 0)
			goto cleanup;
		if (strcasecmp(nh, host) || nhttp != http) {
			rc = err_set(ERR_USAGE, "%.200s: redirect to %.200s refused (another host or scheme)", cur, next);
			curl_free(ns);
			curl_free(nh);
			goto cleanup;
		}
		curl_free(ns);
		curl_free(nh);
		free(cur);
		cur = next;
		next = NULL;
		/* The body of a redirect response is not the file. */
		if (ftruncate(s.fd, 0) < 0 || lseek(s.fd, 0, SEEK_SET) < 0) {
			rc = err_set(ERR_IO, "%s: %s", path, strerror(errno));
			goto cleanup;
		}
		s.written = 0;
	}
	if (fsync(s.fd) < 0) {
		rc = err_set(ERR_IO, "%s: %s", path, strerror(errno));
		goto cleanup;
	}
	if (size_out)
		*size_out = s.written;
cleanup:
	if (s.fd >= 0) {
		close(s.fd);
		if (rc < 0)
			unlink(path);
	}
	if (c)
		curl_easy_cleanup(c);
	curl_free(scheme);
	curl_free(host);
	free(cur);
	free(next);
	return rc;
}

int fetch_path_escape(char *out, size_t size, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t n = 0;

	for (; *s; s++) {
		unsigned char ch = (unsigned char)*s;
		int plain = (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '-' ||
			    ch == '.' || ch == '_' || ch == '~';

		if (n + (plain ? 1 : 3) >= size)
			return err_set(ERR_LIMIT, "name too long for a URL");
		if (plain) {
			out[n++] = (char)ch;
		} else {
			out[n++] = '%';
			out[n++] = hex[ch >> 4];
			out[n++] = hex[ch & 15];
		}
	}
	out[n] = 0;
	return 0;
}
