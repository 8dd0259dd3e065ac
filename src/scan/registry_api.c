/* The OCI Distribution API calls: ping, catalog, tags, manifests, blobs. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <curl/curl.h>

#include "core/crypto.h"
#include "core/err.h"
#include "core/jsonx.h"
#include "core/log.h"
#include "core/util.h"
#include "image.h"
#include "registry_int.h"
#include "registry_manifest.h"

#define REGISTRY_MAX_NAMES 1000000 /* names one listing may give, whatever max says */
#define REGISTRY_MAX_PAGES 100000

/* Path components as the distribution specification writes them: [a-z0-9]+([._-][a-z0-9]+)*, joined by '/'. */
int registry_repo_name_valid(const char *s)
{
	size_t i, n = strlen(s);
	int prev_alnum = 0;

	if (!n || n > 255)
		return 0;
	for (i = 0; i < n; i++) {
		char c = s[i];
		int alnum = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');

		if (!alnum && !(c == '.' || c == '_' || c == '-' || c == '/'))
			return 0;
		/* A separator sits between alphanumerics ("__" is allowed too, as the spec does). */
		if (!alnum && !prev_alnum && !(c == '_' && i > 0 && s[i - 1] == '_'))
			return 0;
		prev_alnum = alnum;
	}
	return prev_alnum;
}

int registry_tag_valid(const char *s)
{
	size_t i, n = strlen(s);

	if (!n || n > 128 || s[0] == '.' || s[0] == '-')
		return 0;
	for (i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') || (s[i] >= '0' && s[i] <= '9') ||
		      s[i] == '.' || s[i] == '_' || s[i] == '-'))
			return 0;
	return 1;
}

void registry_doc_release(struct registry_doc *d)
{
	strbuf_release(&d->raw);
	free(d->media_type);
	d->media_type = NULL;
	d->digest[0] = 0;
}

static int request_once(struct registry *r, const char *method, const char *url, const char *scope,
			const char *const *headers, struct http_response *resp)
{
	struct http_client *hc = registry_acquire(r, 0);
	int rc;

	if (!hc)
		return ERR_NOMEM;
	rc = registry_request(r, hc, method, url, scope, headers, NULL, NULL, resp);
	registry_release(r, hc, 0);
	return rc;
}

/* The "next" URL of a Link header, resolved and kept on the registry's own origin. */
static int next_link(struct registry *r, const struct http_response *resp, const char *current, struct strbuf *out)
{
	struct strbuf link = STRBUF_INIT;
	const char *lt, *gt;
	CURLU *u = NULL;
	char *abs = NULL;
	int rc = 0;

	strbuf_reset(out);
	if (http_header(resp, "Link", &link) < 0)
		goto cleanup; /* the last page */
	lt = strchr(link.buf, '<');
	gt = lt ? strchr(lt, '>') : NULL;
	if (!lt || !gt || !strstr(gt, "next")) {
		rc = err_set(ERR_PARSE, "%s: a Link header without a next page: '%.200s'", registry_host(r), link.buf);
		goto cleanup;
	}
	u = curl_url();
	if (!u || curl_url_set(u, CURLUPART_URL, current, 0) != CURLUE_OK) {
		rc = err_set(ERR_NOMEM, "out of memory");
		goto cleanup;
	}
	strbuf_setlen(&link, (size_t)(gt - link.buf));
	if (curl_url_set(u, CURLUPART_URL, lt + 1, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_URL, &abs, 0) != CURLUE_OK) {
		rc = err_set(ERR_PARSE, "%s: the Link header's URL is not valid", registry_host(r));
		goto cleanup;
	}
	/* Paging stays on the registry: a Link elsewhere would carry the token there. */
	if (!util_has_prefix(abs, registry_base(r)) || strncmp(abs + strlen(registry_base(r)), "/v2/", 4)) {
		rc = err_set(ERR_DENIED, "%s: the next page is announced at %.200s, outside the registry", registry_host(r),
			     abs);
		goto cleanup;
	}
	rc = strbuf_addstr(out, abs);
cleanup:
	curl_free(abs);
	curl_url_cleanup(u);
	strbuf_release(&link);
	return rc;
}

/* Follow the pages of a list ("repositories" or "tags"). */
static int list_pages(struct registry *r, const char *first, const char *scope, const char *member, int tags,
		      size_t max, registry_name_fn fn, void *ctx, int *truncated)
{
	struct strbuf url = STRBUF_INIT, next = STRBUF_INIT;
	struct http_response resp;
	json_t *doc = NULL, *v;
	size_t i, seen = 0, pages = 0, skipped = 0;
	int rc = 0, page_new;

	if (truncated)
		*truncated = 0;
	if (!max || max > REGISTRY_MAX_NAMES)
		max = REGISTRY_MAX_NAMES;
	strbuf_addstr(&url, first);
	while (url.len) {
		if (++pages > REGISTRY_MAX_PAGES) {
			rc = err_set(ERR_LIMIT, "%s: more than %d pages", first, REGISTRY_MAX_PAGES);
			break;
		}
		if ((rc = request_once(r, "GET", url.buf, scope, NULL, &resp)) < 0)
			break;
		if (resp.status == 400 && pages == 1 && strstr(url.buf, "?n=")) {
			/* A page size above the registry's maximum (distribution's maxentries): its own default, then. */
			http_response_release(&resp);
			strbuf_setlen(&url, (size_t)(strstr(url.buf, "?n=") - url.buf));
			pages = 0;
			continue;
		}
		if (resp.status != 200) {
			rc = registry_status_error(&resp, url.buf);
			http_response_release(&resp);
			break;
		}
		rc = jsonx_parse(resp.body.buf, resp.body.len, url.buf, &doc);
		if (rc == 0)
			rc = next_link(r, &resp, url.buf, &next);
		http_response_release(&resp);
		if (rc < 0)
			break;
		v = json_object_get(doc, member);
		if (!json_is_array(v) && !json_is_null(v) && v) {
			rc = err_set(ERR_PARSE, "%s: '%s' is not a list", url.buf, member);
			break;
		}
		page_new = 0;
		for (i = 0; i < json_array_size(v) && rc == 0; i++) {
			const char *name = json_string_value(json_array_get(v, i));

			if (!name || !(tags ? registry_tag_valid(name) : registry_repo_name_valid(name))) {
				skipped++;
				continue;
			}
			if (seen == max) {
				if (truncated)
					*truncated = 1;
				strbuf_reset(&next);
				break;
			}
			seen++;
			page_new = 1;
			rc = fn(ctx, name);
		}
		json_decref(doc);
		doc = NULL;
		/* A page that adds nothing, or a Link back to itself, ends the listing. */
		if (rc < 0 || !page_new || !strcmp(next.buf, url.buf))
			break;
		strbuf_reset(&url);
		strbuf_addstr(&url, next.buf);
	}
	if (skipped)
		log_warn("%s: %zu name(s) in %s skipped: not valid %s", registry_host(r), skipped, first,
			 tags ? "tags" : "repository names");
	json_decref(doc);
	strbuf_release(&url);
	strbuf_release(&next);
	return rc;
}

static size_t page_size(const struct registry *r, size_t max)
{
	size_t n = registry_page_size(r);

	return max && max < n ? max + 1 : n;
}

int registry_catalog(struct registry *r, size_t max, registry_name_fn fn, void *ctx, int *truncated)
{
	struct strbuf url = STRBUF_INIT;
	int rc;

	strbuf_addf(&url, "%s/v2/_catalog?n=%zu", registry_base(r), page_size(r, max));
	rc = list_pages(r, url.buf, "registry:catalog:*", "repositories", 0, max, fn, ctx, truncated);
	if (rc < 0)
		err_prefix(rc, "%s: the catalog", registry_host(r));
	strbuf_release(&url);
	return rc;
}

int registry_tags(struct registry *r, const char *repo, size_t max, registry_name_fn fn, void *ctx, int *truncated)
{
	struct strbuf url = STRBUF_INIT, scope = STRBUF_INIT;
	int rc;

	if (!registry_repo_name_valid(repo))
		return err_set(ERR_INVALID, "'%s' is not a repository name", repo);
	strbuf_addf(&url, "%s/v2/%s/tags/list?n=%zu", registry_base(r), repo, page_size(r, max));
	strbuf_addf(&scope, "repository:%s:pull", repo);
	rc = list_pages(r, url.buf, scope.buf, "tags", 1, max, fn, ctx, truncated);
	if (rc < 0)
		err_prefix(rc, "%s/%s: the tag list", registry_host(r), repo);
	strbuf_release(&url);
	strbuf_release(&scope);
	return rc;
}

int registry_manifest(struct registry *r, const char *repo, const char *reference, struct registry_doc *out)
{
	static const char *const accept[] = { "Accept: " REGMAN_ACCEPT, NULL };
	struct strbuf url = STRBUF_INIT, scope = STRBUF_INIT, ct = STRBUF_INIT, announced = STRBUF_INIT;
	struct http_response resp;
	int by_digest = util_has_prefix(reference, "sha256:"), rc;

	memset(out, 0, sizeof(*out));
	strbuf_init(&out->raw, REGMAN_MAX_BYTES + 1);
	if (!registry_repo_name_valid(repo) || !(by_digest ? image_digest_valid(reference) : registry_tag_valid(reference)))
		return err_set(ERR_INVALID, "'%s:%s' is not a valid repository and tag or digest", repo, reference);
	strbuf_addf(&url, "%s/v2/%s/manifests/%s", registry_base(r), repo, reference);
	strbuf_addf(&scope, "repository:%s:pull", repo);
	if ((rc = request_once(r, "GET", url.buf, scope.buf, accept, &resp)) < 0) {
		err_prefix(rc, "%s/%s:%s: manifest", registry_host(r), repo, reference);
		goto cleanup;
	}
	if (resp.status != 200) {
		rc = registry_status_error(&resp, "manifest");
		err_prefix(rc, "%s/%s%s%s", registry_host(r), repo, by_digest ? "@" : ":", reference);
		goto release;
	}
	if (resp.body.len > REGMAN_MAX_BYTES) {
		rc = err_set(ERR_LIMIT, "%s/%s%s%s: the manifest is %zu bytes, more than the %d MB allowed", registry_host(r),
			     repo, by_digest ? "@" : ":", reference, resp.body.len, REGMAN_MAX_BYTES >> 20);
		goto release;
	}
	if ((rc = strbuf_add(&out->raw, resp.body.buf, resp.body.len)) < 0)
		goto release;
	memcpy(out->digest, "sha256:", 8);
	{
		struct strbuf hex = STRBUF_INIT;

		rc = sha256_hex(&hex, out->raw.buf, out->raw.len);
		if (rc == 0)
			memcpy(out->digest + 7, hex.buf, 65);
		strbuf_release(&hex);
		if (rc < 0)
			goto release;
	}
	if (by_digest && strcmp(out->digest, reference)) {
		rc = err_set(ERR_INTEGRITY, "%s/%s@%s: the manifest served has digest %s", registry_host(r), repo, reference,
			     out->digest);
		goto release;
	}
	if (!by_digest && http_header(&resp, "Docker-Content-Digest", &announced) == 0 &&
	    util_has_prefix(announced.buf, "sha256:") && strcmp(announced.buf, out->digest)) {
		rc = err_set(ERR_INTEGRITY, "%s/%s:%s: the registry announces digest %.80s for a manifest whose digest is %s",
			     registry_host(r), repo, reference, announced.buf, out->digest);
		goto release;
	}
	if (http_header(&resp, "Content-Type", &ct) == 0 && ct.len)
		out->media_type = strbuf_detach(&ct, NULL);
release:
	http_response_release(&resp);
cleanup:
	if (rc < 0)
		registry_doc_release(out);
	strbuf_release(&url);
	strbuf_release(&scope);
	strbuf_release(&ct);
	strbuf_release(&announced);
	return rc;
}

int registry_blob(struct registry *r, const char *repo, const char *digest, size_t max, struct strbuf *out)
{
	struct strbuf url = STRBUF_INIT, scope = STRBUF_INIT, got = STRBUF_INIT;
	struct http_response resp;
	int rc;

	if (!registry_repo_name_valid(repo) || !image_digest_valid(digest))
		return err_set(ERR_INVALID, "'%s@%s' is not a valid repository and digest", repo, digest ? digest : "");
	strbuf_addf(&url, "%s/v2/%s/blobs/%s", registry_base(r), repo, digest);
	strbuf_addf(&scope, "repository:%s:pull", repo);
	if ((rc = request_once(r, "GET", url.buf, scope.buf, NULL, &resp)) < 0) {
		err_prefix(rc, "%s/%s: blob %s", registry_host(r), repo, digest);
		goto cleanup;
	}
	if (resp.status != 200) {
		rc = err_prefix(registry_status_error(&resp, "blob"), "%s/%s@%s", registry_host(r), repo, digest);
		goto release;
	}
	if (resp.body.len > max) {
		rc = err_set(ERR_LIMIT, "%s/%s: blob %s is %zu bytes, more than the %zu allowed", registry_host(r), repo,
			     digest, resp.body.len, max);
		goto release;
	}
	strbuf_addstr(&got, "sha256:");
	if ((rc = sha256_hex(&got, resp.body.buf, resp.body.len)) < 0)
		goto release;
	if (strcmp(got.buf, digest)) {
		rc = err_set(ERR_INTEGRITY, "%s/%s: blob %s has digest %s: refused", registry_host(r), repo, digest, got.buf);
		goto release;
	}
	rc = strbuf_add(out, resp.body.buf, resp.body.len);
release:
	http_response_release(&resp);
cleanup:
	strbuf_release(&url);
	strbuf_release(&scope);
	strbuf_release(&got);
	return rc;
}

/* Between the HTTP layer and the caller's sink: skip what was delivered before a restart, cap at size. */
struct resume {
	http_sink sink;
	void *ctx;
	struct http_client *hc;
	int64_t size;       /* -1 unknown */
	int64_t delivered;  /* to the caller's sink, over all attempts */
	int64_t skip;       /* bytes of this attempt to drop (a server that ignored Range) */
	int64_t this_try;
	int64_t at_start;   /* delivered when this attempt began */
	const char *what;
};

static int resume_sink(void *vctx, const void *data, size_t len)
{
	struct resume *rs = vctx;
	const char *p = data;

	/* A server that answers a Range request with 200 starts again from byte 0. */
	if (!rs->this_try && rs->at_start && http_client_status(rs->hc) == 200)
		rs->skip = rs->at_start;
	rs->this_try += (int64_t)len;
	if (rs->skip) {
		size_t drop = (int64_t)len < rs->skip ? len : (size_t)rs->skip;

		rs->skip -= (int64_t)drop;
		p += drop;
		len -= drop;
	}
	if (!len)
		return 0;
	if (rs->size >= 0 && rs->delivered + (int64_t)len > rs->size)
		return err_set(ERR_INTEGRITY, "%s: the registry sends more than the %lld bytes the manifest says", rs->what,
			       (long long)rs->size);
	rs->delivered += (int64_t)len;
	return rs->sink(rs->ctx, p, len);
}

int registry_blob_stream(struct registry *r, const char *repo, const char *digest, int64_t size, http_sink sink,
			 void *ctx)
{
	struct strbuf url = STRBUF_INIT, scope = STRBUF_INIT, what = STRBUF_INIT, range = STRBUF_INIT;
	struct http_client *hc;
	struct http_response resp;
	struct resume rs;
	const char *hdrs[2] = { NULL, NULL };
	int rc = 0, attempt;

	if (!registry_repo_name_valid(repo) || !image_digest_valid(digest))
		return err_set(ERR_INVALID, "'%s@%s' is not a valid repository and digest", repo, digest ? digest : "");
	hc = registry_acquire(r, 1);
	if (!hc)
		return ERR_NOMEM;
	memset(&rs, 0, sizeof(rs));
	rs.sink = sink;
	rs.ctx = ctx;
	rs.hc = hc;
	rs.size = size;
	strbuf_addf(&url, "%s/v2/%s/blobs/%s", registry_base(r), repo, digest);
	strbuf_addf(&scope, "repository:%s:pull", repo);
	strbuf_addf(&what, "%s/%s@%s", registry_host(r), repo, digest);
	rs.what = what.buf;
	registry_count(r, 0, 1, 0);
	for (attempt = 0; attempt < 3; attempt++) {
		int64_t before = rs.delivered;

		strbuf_reset(&range);
		if (rs.delivered) {
			strbuf_addf(&range, "Range: bytes=%lld-", (long long)rs.delivered);
			hdrs[0] = range.buf;
		}
		rs.this_try = 0;
		rs.skip = 0;
		rs.at_start = rs.delivered;
		rc = registry_request(r, hc, "GET", url.buf, scope.buf, rs.delivered ? hdrs : NULL, resume_sink, &rs, &resp);
		registry_count(r, 0, 0, rs.delivered - before);
		if (rc == 0) {
			if (resp.status == 200 || resp.status == 206) {
				if (size >= 0 && rs.delivered != size) {
					rc = err_set(ERR_INTEGRITY, "%s: %lld bytes received, the manifest says %lld", what.buf,
						     (long long)rs.delivered, (long long)size);
				}
			} else {
				rc = err_prefix(registry_status_error(&resp, "blob"), "%s", what.buf);
			}
			http_response_release(&resp);
			break;
		}
		/* Only a connection lost after some bytes is worth resuming; everything else is final. */
		if (rc != ERR_NET || rs.delivered == before)
			break;
		log_info("%s: connection lost after %lld bytes; resuming", what.buf, (long long)rs.delivered);
	}
	if (rc == ERR_NET && size >= 0 && rs.delivered < size)
		err_prefix(rc, "%s: %lld of %lld bytes received (resumed %d time%s)", what.buf, (long long)rs.delivered,
			   (long long)size, attempt < 3 ? attempt : 2, attempt == 1 ? "" : "s");
	registry_release(r, hc, 1);
	strbuf_release(&url);
	strbuf_release(&scope);
	strbuf_release(&what);
	strbuf_release(&range);
	return rc;
}
