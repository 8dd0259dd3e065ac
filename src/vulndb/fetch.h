/*
 * fetch: download one advisory feed file over HTTPS into a file.
 *
 * The rules of every download vetter makes for its advisory database:
 * HTTPS only, with the peer's certificate and host name verified (against
 * the system's CAs, or ca_file); GET only; at most max_bytes (a body that
 * says or turns out to be larger is refused); redirects followed only to
 * the same host over HTTPS, at most 5 of them; a stalled transfer (under 1
 * KB/s for 60 s) is abandoned.  Plain HTTP is accepted only with
 * allow_http_loopback and only for 127.0.0.1, ::1 or localhost, which is
 * what the tests serve from (a small Python http.server).
 */
#ifndef VETTER_FETCH_H
#define VETTER_FETCH_H

#include <stddef.h>
#include <stdint.h>

#define FETCH_DEFAULT_MAX ((int64_t)2 * 1024 * 1024 * 1024)

struct fetch_opts {
	const char *ca_file;     /* PEM bundle to verify servers with; NULL: the system's */
	int allow_http_loopback; /* accept http:// to a loopback address */
	int64_t max_bytes;       /* 0: FETCH_DEFAULT_MAX */
};

/*
 * GET url into the new file path (created 0600, exclusively; removed again
 * on failure).  *size_out (may be NULL) gets the bytes written.  ERR_USAGE
 * for a URL these rules refuse, ERR_NET for connection and TLS failures,
 * ERR_HTTP for a status other than 200, ERR_LIMIT for a body over the limit.
 */
int fetch_to_file(const char *url, const char *path, const struct fetch_opts *opt, int64_t *size_out);

/* Percent-encode an OSV ecosystem name for a URL path ("Rocky Linux" -> "Rocky%20Linux"). */
int fetch_path_escape(char *out, size_t size, const char *s);

#endif
