/*
 * The registry client against real registries: docker-registry (Debian)
 * started on loopback by tests/lib/regenv.py, one with TLS (a CA made in
 * the test) and htpasswd Basic auth, one with token auth and a token
 * service the test runs; images built with umoci and pushed with skopeo;
 * a multi-platform index; catalogs and tag lists of several pages.
 *
 * Every request vetter makes goes through a recording proxy (regproxy.py),
 * which refuses and records any method but GET and HEAD outside the token
 * exchange: every test ends by checking that none came.  Proxy C adds the
 * bad registries: a blob whose bytes do not match its digest, a manifest
 * over 4 MB, an unknown media type, a connection closed mid-blob, a
 * server that stalls, a Bearer realm on another host or over plain HTTP,
 * blob redirects to another host and to a metadata address.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "core/err.h"
#include "core/jsonx.h"
#include "core/util.h"
#include "scan/image.h"
#include "scan/registry.h"
#include "scan/scanner.h"
#include "th.h"
#include "th_registry.h"

static int alice(void *ctx, const char *host, struct registry_cred *out)
{
	(void)ctx;
	(void)host;
	out->username = strdup("alice");
	out->password = strdup("s3cret");
	return 0;
}

static struct registry *client(int port, int plain, long timeout, size_t page)
{
	struct registry_options o = { 0 };
	struct registry *r = NULL;
	char host[64];

	snprintf(host, sizeof(host), "127.0.0.1:%d", port);
	o.host = host;
	o.plain_http = plain;
	o.tls_verify = 1;
	o.ca_file = th_reg.ca_path;
	o.timeout_s = timeout;
	o.stall_s = timeout;
	o.page_size = page;
	o.cred = alice;
	ck_assert_msg(registry_new(&r, &o) == 0, "%s", err_last());
	return r;
}

struct names {
	struct strbuf s;
	int n;
};

static int collect_name(void *ctx, const char *name)
{
	struct names *l = ctx;

	strbuf_addf(&l->s, "%s%s", l->n++ ? " " : "", name);
	return 0;
}

START_TEST(catalog_and_tags_over_several_pages)
{
	struct registry *r;
	struct names l = { STRBUF_INIT, 0 };
	struct strbuf path = STRBUF_INIT;
	int truncated = -1;

	th_reg_need();
	th_reg_log_reset();
	r = client(th_reg.port_a, 0, 0, 5);
	ck_assert_msg(registry_catalog(r, 0, collect_name, &l, &truncated) == 0, "%s", err_last());
	ck_assert_str_eq(l.s.buf, "app/multi app/web faults/big-manifest faults/close-mid-blob faults/digest-mismatch "
				  "faults/stall faults/unknown-media hostile/metadata hostile/realm-other-host "
				  "hostile/realm-plain hostile/redirect many/r00 many/r01 tags/many");
	ck_assert_int_eq(l.n, 14);
	ck_assert_int_eq(truncated, 0);
	/* 14 names in pages of 5, each page asked for once (after one 401 that taught the scheme). */
	ck_assert_int_eq(th_reg_log_count("A", "GET", "/v2/_catalog", "basic"), 3);
	ck_assert_int_eq(th_reg_log_count("A", "GET", "/v2/_catalog", "none"), 1);
	strbuf_reset(&l.s);
	l.n = 0;
	ck_assert_msg(registry_tags(r, "tags/many", 0, collect_name, &l, &truncated) == 0, "%s", err_last());
	ck_assert_str_eq(l.s.buf, "t00 t01 t02 t03 t04 t05 t06 t07");
	ck_assert_int_eq(th_reg_log_count("A", "GET", "/v2/tags/many/tags/list", NULL), 2);
	/* A limit stops the listing, and says so. */
	strbuf_reset(&l.s);
	l.n = 0;
	ck_assert_int_eq(registry_tags(r, "tags/many", 7, collect_name, &l, &truncated), 0);
	ck_assert_str_eq(l.s.buf, "t00 t01 t02 t03 t04 t05 t06");
	ck_assert_int_eq(truncated, 1);
	strbuf_reset(&l.s);
	l.n = 0;
	ck_assert_int_eq(registry_catalog(r, 12, collect_name, &l, &truncated), 0);
	ck_assert_int_eq(l.n, 12);
	ck_assert_int_eq(truncated, 1);
	strbuf_reset(&l.s);
	l.n = 0;
	ck_assert_int_eq(registry_catalog(r, 14, collect_name, &l, &truncated), 0);
	ck_assert_int_eq(l.n, 14);
	ck_assert_int_eq(truncated, 0);
	registry_free(r);
	/* The default page size is above the registry's maximum (5): vetter takes the registry's pages. */
	th_reg_log_reset();
	r = client(th_reg.port_a, 0, 0, 0);
	strbuf_reset(&l.s);
	l.n = 0;
	ck_assert_msg(registry_catalog(r, 0, collect_name, &l, &truncated) == 0, "%s", err_last());
	ck_assert_int_eq(l.n, 14);
	strbuf_addf(&path, "/v2/_catalog?n=1000");
	ck_assert_int_eq(th_reg_log_count("A", "GET", path.buf, "basic"), 1);
	ck_assert_int_eq(th_reg_log_count("A", "GET", "/v2/_catalog", "basic"), 4);
	registry_free(r);
	strbuf_release(&l.s);
	strbuf_release(&path);
	th_reg_no_violations();
}
END_TEST

/* vetter registry --format json, parsed. */
static json_t *registry_json(const char *target, int want_status)
{
	struct th_result res;
	json_t *doc = NULL;

	th_vetter(&res, NULL, "registry", target, "--format", "json", "--registry-config", th_reg.dc_path, "--ca-file", th_reg.ca_path,
		  NULL);
	th_assert_status(&res, want_status);
	ck_assert_msg(jsonx_parse(res.out.buf, res.out.len, "stdout", &doc) == 0, "%s", res.out.buf);
	th_result_release(&res);
	return doc;
}

static const json_t *find_tag(const json_t *doc, const char *repo, const char *tag)
{
	json_t *r, *t;
	size_t i, j;

	json_array_foreach(json_object_get(doc, "repositories"), i, r)
		if (!strcmp(jsonx_strz(r, "name"), repo))
			json_array_foreach(json_object_get(r, "tags"), j, t)
				if (!strcmp(jsonx_strz(t, "tag"), tag))
					return t;
	ck_abort_msg("no %s:%s in the inventory", repo, tag);
	return NULL;
}

START_TEST(registry_command_inventories_everything)
{
	char target[64];
	const json_t *t;
	json_t *doc;

	th_reg_need();
	th_reg_log_reset();
	snprintf(target, sizeof(target), "127.0.0.1:%d", th_reg.port_a);
	doc = registry_json(target, 0);
	ck_assert_int_eq(json_array_size(json_object_get(doc, "repositories")), 14);
	ck_assert_int_eq(jsonx_int(doc, "tags", 0), 24);
	ck_assert_int_eq(jsonx_int(doc, "inspected", 0), 24);
	ck_assert_int_eq(jsonx_int(doc, "errors", -1), 0);
	t = find_tag(doc, "app/web", "1.0");
	ck_assert_str_eq(jsonx_strz(t, "digest"), th_reg_img("web", "1.0"));
	ck_assert_str_eq(jsonx_strz(t, "created"), "2024-01-01T00:00:00Z");
	ck_assert_str_eq(jsonx_strz(t, "platform"), "linux/amd64");
	ck_assert_str_eq(jsonx_strz(t, "config_digest"), th_reg_img("web_configs", "1.0"));
	ck_assert_int_eq(jsonx_int(t, "layers", 0), 2);
	ck_assert_str_eq(jsonx_strz(find_tag(doc, "app/web", "1.1"), "digest"), th_reg_img("web", "1.1"));
	ck_assert_str_eq(jsonx_strz(find_tag(doc, "app/web", "latest"), "digest"), th_reg_img("web", "2.0"));
	ck_assert_str_eq(jsonx_strz(find_tag(doc, "app/web", "2.0"), "created"), "2025-01-01T00:00:00Z");
	/* The index: its digest, the platforms it has, and the linux/amd64 image read through it. */
	t = find_tag(doc, "app/multi", "1");
	ck_assert_str_eq(jsonx_strz(t, "digest"), th_reg_img("multi", NULL));
	ck_assert_str_eq(jsonx_strz(t, "media_type"), "application/vnd.oci.image.index.v1+json");
	ck_assert_str_eq(jsonx_strz(t, "platforms"), "linux/amd64, linux/arm64/v8");
	ck_assert_str_eq(jsonx_strz(t, "manifest_digest"), th_reg_img("amd", NULL));
	json_decref(doc);
	/* Only the first request went without credentials: the rest knew the scheme. */
	ck_assert_int_eq(th_reg_log_count("A", NULL, NULL, "none"), 1);
	ck_assert_int_eq(th_reg_log_count("A", "GET", NULL, NULL), th_reg_log_count(NULL, NULL, NULL, NULL));
	/* For the linux/arm64 platform, and for named repositories only. */
	snprintf(target, sizeof(target), "127.0.0.1:%d/app/multi", th_reg.port_a);
	{
		struct th_result res;

		th_vetter(&res, NULL, "registry", target, "--format", "json", "--platform", "linux/arm64",
			  "--registry-config", th_reg.dc_path, "--ca-file", th_reg.ca_path, NULL);
		th_assert_status(&res, 0);
		ck_assert(jsonx_parse(res.out.buf, res.out.len, "stdout", &doc) == 0);
		th_result_release(&res);
	}
	ck_assert_int_eq(json_array_size(json_object_get(doc, "repositories")), 1);
	t = find_tag(doc, "app/multi", "1");
	ck_assert_str_eq(jsonx_strz(t, "manifest_digest"), th_reg_img("arm", NULL));
	ck_assert_str_eq(jsonx_strz(t, "platform"), "linux/arm64");
	json_decref(doc);
	th_reg_no_violations();
}
END_TEST

/* vetter inventory REF --format json with the test's credentials and CA, parsed; extra args before NULL. */
static json_t *inventory(const char *ref, int want, const char *a1, const char *a2)
{
	struct th_result res;
	json_t *doc = NULL;

	th_vetter(&res, NULL, "inventory", ref, "--format", "json", "--registry-config", th_reg.dc_path, "--ca-file", th_reg.ca_path,
		  a1, a2, NULL);
	th_assert_status(&res, want);
	if (want == 0)
		ck_assert_msg(jsonx_parse(res.out.buf, res.out.len, "stdout", &doc) == 0, "%s", res.out.buf);
	th_result_release(&res);
	return doc;
}

/* "name version type" of every package, one a line. */
static void packages_text(const json_t *doc, struct strbuf *out)
{
	json_t *p;
	size_t i;

	json_array_foreach(json_object_get(doc, "packages"), i, p)
		strbuf_addf(out, "%s %s %s\n", jsonx_strz(p, "name"), jsonx_strz(p, "version"), jsonx_strz(p, "type"));
}

START_TEST(images_from_the_tls_basic_registry)
{
	struct strbuf ref = STRBUF_INIT, pk = STRBUF_INIT;
	json_t *doc;

	th_reg_need();
	th_reg_log_reset();
	strbuf_addf(&ref, "registry:127.0.0.1:%d/app/web:1.0", th_reg.port_a);
	doc = inventory(ref.buf, 0, NULL, NULL);
	packages_text(doc, &pk);
	ck_assert_str_eq(pk.buf, "openssl 3.0.11-1~deb12u2 deb\nzlib1g 1:1.2.13.dfsg-1 deb\n");
	ck_assert_str_eq(jsonx_strz(json_object_get(doc, "os"), "id"), "debian");
	ck_assert_str_eq(jsonx_strz(json_object_get(doc, "image"), "manifest_digest"), th_reg_img("web", "1.0"));
	ck_assert_str_eq(jsonx_strz(json_object_get(doc, "image"), "config_digest"), th_reg_img("web_configs", "1.0"));
	json_decref(doc);
	/* Both layers streamed once, with credentials (same host). */
	ck_assert_int_eq(th_reg_log_count("A", "GET", "/v2/app/web/blobs/", "basic"), 3);
	/* By digest. */
	strbuf_reset(&ref);
	strbuf_addf(&ref, "registry:127.0.0.1:%d/app/web@%s", th_reg.port_a, th_reg_img("web", "2.0"));
	doc = inventory(ref.buf, 0, NULL, NULL);
	ck_assert_str_eq(jsonx_strz(json_object_get(doc, "image"), "manifest_digest"), th_reg_img("web", "2.0"));
	json_decref(doc);
	/* A multi-platform index: linux/amd64 by default, or the platform asked for. */
	strbuf_reset(&ref);
	strbuf_addf(&ref, "registry:127.0.0.1:%d/app/multi:1", th_reg.port_a);
	doc = inventory(ref.buf, 0, NULL, NULL);
	ck_assert_str_eq(jsonx_strz(json_object_get(doc, "image"), "manifest_digest"), th_reg_img("amd", NULL));
	ck_assert_str_eq(jsonx_strz(json_object_get(doc, "image"), "platform"), "linux/amd64");
	json_decref(doc);
	doc = inventory(ref.buf, 0, "--platform", "linux/arm64");
	strbuf_reset(&pk);
	packages_text(doc, &pk);
	ck_assert_str_eq(pk.buf, "musl 1.2.4-r2 apk\n");
	ck_assert_str_eq(jsonx_strz(json_object_get(doc, "os"), "id"), "alpine");
	ck_assert_str_eq(jsonx_strz(json_object_get(doc, "image"), "manifest_digest"), th_reg_img("arm", NULL));
	json_decref(doc);
	/* No such platform, no such tag: clear errors. */
	{
		struct th_result res;

		th_vetter(&res, NULL, "inventory", ref.buf, "--platform", "linux/s390x", "--registry-config", th_reg.dc_path,
			  "--ca-file", th_reg.ca_path, NULL);
		th_assert_status(&res, 2);
		ck_assert_msg(strstr(res.err.buf, "no image for platform linux/s390x in the index (it has: linux/amd64, "
						  "linux/arm64/v8)"),
			      "%s", res.err.buf);
		th_result_release(&res);
		strbuf_reset(&ref);
		strbuf_addf(&ref, "registry:127.0.0.1:%d/app/web:9.9", th_reg.port_a);
		th_vetter(&res, NULL, "sbom", ref.buf, "--registry-config", th_reg.dc_path, "--ca-file", th_reg.ca_path, NULL);
		th_assert_status(&res, 2);
		ck_assert_msg(strstr(res.err.buf, "HTTP 404: MANIFEST_UNKNOWN"), "%s", res.err.buf);
		th_result_release(&res);
		/* Without the test's CA, TLS verification fails. */
		th_vetter(&res, NULL, "sbom", ref.buf, "--registry-config", th_reg.dc_path, NULL);
		th_assert_status(&res, 2);
		ck_assert_msg(strstr(res.err.buf, "not reachable") || strstr(res.err.buf, "certificate"), "%s", res.err.buf);
		th_result_release(&res);
	}
	strbuf_release(&ref);
	strbuf_release(&pk);
	th_reg_no_violations();
}
END_TEST

START_TEST(token_registry)
{
	const char *empty_config[] = { NULL, NULL };
	struct strbuf ref = STRBUF_INIT, pk = STRBUF_INIT, dcenv = STRBUF_INIT;
	struct th_result res;
	json_t *doc;

	th_reg_need();
	th_reg_log_reset();
	strbuf_addf(&ref, "registry:127.0.0.1:%d/team/api:2", th_reg.port_b);
	/* Username and password buy a token (GET with Basic); the registry takes it. */
	doc = inventory(ref.buf, 0, "--plain-http", NULL);
	packages_text(doc, &pk);
	ck_assert_str_eq(pk.buf, "openssl 3.0.11-1~deb12u2 deb\nzlib1g 1:1.2.13.dfsg-1 deb\n");
	json_decref(doc);
	ck_assert_int_eq(th_reg_log_count("B", "GET", "/token?", "basic"), 1);
	ck_assert_int_eq(th_reg_log_count("B", "POST", NULL, NULL), 0);
	ck_assert_int_eq(th_reg_log_count("B", "GET", "/v2/team/api/", "basic"), 0);
	/* An identity token is exchanged by POST (the one POST vetter makes), once for the scope. */
	th_reg_log_reset();
	th_vetter(&res, NULL, "inventory", ref.buf, "--format", "json", "--plain-http", "--registry-config",
		  th_reg.dc_token_path, NULL);
	th_assert_status(&res, 0);
	th_result_release(&res);
	ck_assert_int_eq(th_reg_log_count("B", "POST", "/token", "none"), 1);
	ck_assert_int_eq(th_reg_log_count("B", "GET", "/token", NULL), 0);
	/* Anonymous: the token grants nothing, and the error says why. */
	strbuf_addf(&dcenv, "DOCKER_CONFIG=%s/nowhere", th_reg.dir);
	empty_config[0] = dcenv.buf;
	th_vetter(&res, empty_config, "inventory", ref.buf, "--plain-http", NULL);
	th_assert_status(&res, 2);
	ck_assert_msg(strstr(res.err.buf, "401 after a token refresh") &&
			      strstr(res.err.buf, "(insufficient_scope; no credentials are configured for this registry)"),
		      "%s", res.err.buf);
	th_result_release(&res);
	/* A registry that refuses the token it asked for: one refresh, then a clear error. */
	th_reg_log_reset();
	strbuf_reset(&ref);
	strbuf_addf(&ref, "registry:127.0.0.1:%d/faults/token-401:1", th_reg.port_b);
	th_vetter(&res, NULL, "inventory", ref.buf, "--plain-http", "--registry-config", th_reg.dc_path, NULL);
	th_assert_status(&res, 2);
	ck_assert_msg(strstr(res.err.buf, "401 after a token refresh") && strstr(res.err.buf, "(invalid_token)"), "%s",
		      res.err.buf);
	th_result_release(&res);
	ck_assert_int_eq(th_reg_log_count("B", "GET", "/v2/faults/token-401/manifests/1", "bearer"), 1);
	/* Plain HTTP is for loopback; --insecure is needed for anything else, and only widens --plain-http. */
	th_vetter(&res, NULL, "inventory", "registry:registry.example.com/x:1", "--plain-http", NULL);
	th_assert_status(&res, 2);
	ck_assert_msg(strstr(res.err.buf, "plain HTTP is allowed to a loopback registry only"), "%s", res.err.buf);
	th_result_release(&res);
	th_vetter(&res, NULL, "inventory", "registry:registry.example.com/x:1", "--insecure", NULL);
	th_assert_status(&res, 2);
	ck_assert_msg(strstr(res.err.buf, "--insecure only widens --plain-http"), "%s", res.err.buf);
	th_result_release(&res);
	strbuf_release(&ref);
	strbuf_release(&pk);
	strbuf_release(&dcenv);
	th_reg_no_violations();
}
END_TEST

/* Open and scan a registry image through r: 0, or the first error (message in err_last()). */
static int open_and_scan(struct registry *r, const char *repo_tag, struct scan_result *res, struct image **out)
{
	struct strbuf text = STRBUF_INIT;
	struct scan_options so = { 0 };
	struct image_ref ref;
	struct image *im = NULL;
	int rc;

	memset(res, 0, sizeof(*res));
	strbuf_addf(&text, "registry:%s/%s", registry_host(r), repo_tag);
	ck_assert_int_eq(image_ref_parse(&ref, text.buf), 0);
	so.jobs = 2;
	err_clear();
	rc = image_open_registry(&im, &ref, NULL, r);
	if (rc == 0)
		rc = scanner_scan(im, &so, res);
	image_ref_release(&ref);
	strbuf_release(&text);
	if (out)
		*out = im;
	else
		image_free(im);
	return rc;
}

START_TEST(bad_registries_fail_one_image_at_a_time)
{
	struct registry *r;
	struct scan_result res;
	struct image *im = NULL;
	struct strbuf want = STRBUF_INIT;
	int rc;

	th_reg_need();
	r = client(th_reg.port_c, 0, 1, 0);
	/* A layer whose bytes do not have its digest: refused when the last byte is in. */
	rc = open_and_scan(r, "faults/digest-mismatch:1", &res, NULL);
	ck_assert_int_eq(rc, ERR_INTEGRITY);
	strbuf_addf(&want, "expected %s", th_reg_img_at("big_layers", NULL, 1));
	ck_assert_msg(strstr(err_last(), "content has digest sha256:") && strstr(err_last(), want.buf), "%s", err_last());
	/* A manifest over 4 MB, an unknown media type. */
	ck_assert_int_eq(open_and_scan(r, "faults/big-manifest:1", &res, NULL), ERR_LIMIT);
	ck_assert_msg(strstr(err_last(), "faults/big-manifest:1: the manifest is 5243") &&
			      strstr(err_last(), "bytes, more than the 4 MB allowed"),
		      "%s", err_last());
	ck_assert_int_eq(open_and_scan(r, "faults/unknown-media:1", &res, NULL), ERR_UNSUPPORTED);
	ck_assert_msg(strstr(err_last(), "the registry serves the media type application/vnd.example.thing.v1+json, not a "
					 "container image"),
		      "%s", err_last());
	/* A connection closed half-way through a layer, every time: resumed, then given up. */
	rc = open_and_scan(r, "faults/close-mid-blob:1", &res, &im);
	ck_assert_int_eq(rc, ERR_NET);
	strbuf_reset(&want);
	strbuf_addf(&want, "of %lld bytes received (resumed", (long long)im->layers[1].size);
	ck_assert_msg(strstr(err_last(), want.buf), "%s", err_last());
	image_free(im);
	/* A server that stops sending: cut after the stall timeout (1 s here). */
	ck_assert_int_eq(open_and_scan(r, "faults/stall:1", &res, NULL), ERR_NET);
	ck_assert_msg(strstr(err_last(), "stalled: nothing received for 1 s"), "%s", err_last());
	/* The rest goes on, through the same client. */
	ck_assert_msg(open_and_scan(r, "app/web:2.0", &res, NULL) == 0, "%s", err_last());
	ck_assert_uint_eq(res.view.pkgs.n, 2);
	scan_result_release(&res);
	registry_free(r);
	strbuf_release(&want);
	th_reg_no_violations();
}
END_TEST

START_TEST(hostile_registries_get_no_credentials)
{
	struct registry *r;
	struct scan_result res;

	th_reg_need();
	th_reg_log_reset();
	r = client(th_reg.port_c, 0, 5, 0);
	/* A token service on another host is asked anonymously: alice's password never goes there. */
	ck_assert_int_eq(open_and_scan(r, "hostile/realm-other-host:1", &res, NULL), ERR_AUTH);
	ck_assert_int_eq(th_reg_log_count("C", "GET", "/token", "none"), 1);
	ck_assert_int_eq(th_reg_log_count("C", NULL, "/token", "basic"), 0);
	registry_free(r);
	/* A token service over plain HTTP for a TLS registry is not asked at all. */
	th_reg_log_reset();
	r = client(th_reg.port_c, 0, 5, 0);
	ck_assert_int_eq(open_and_scan(r, "hostile/realm-plain:1", &res, NULL), ERR_DENIED);
	ck_assert_msg(strstr(err_last(), "the token service is at http://127.0.0.1:") &&
			      strstr(err_last(), "refused (a registry reached over TLS gets its tokens over TLS)"),
		      "%s", err_last());
	ck_assert_int_eq(th_reg_log_count(NULL, NULL, "/token", NULL), 0);
	registry_free(r);
	/* Blobs redirected to another host are fetched there without the Authorization header. */
	th_reg_log_reset();
	r = client(th_reg.port_c, 0, 5, 0);
	ck_assert_msg(open_and_scan(r, "hostile/redirect:1", &res, NULL) == 0, "%s", err_last());
	ck_assert_uint_eq(res.view.pkgs.n, 2);
	scan_result_release(&res);
	ck_assert_int_eq(th_reg_log_count("C", "GET", "/v2/hostile/redirect/blobs/", "basic"), 3);
	ck_assert_int_eq(th_reg_log_count("C", "GET", "/blobstore/", "none"), 3);
	ck_assert_int_eq(th_reg_log_count("C", "GET", "/blobstore/", "basic"), 0);
	/* A redirect to a cloud metadata address is never followed. */
	ck_assert_int_eq(open_and_scan(r, "hostile/metadata:1", &res, NULL), ERR_DENIED);
	ck_assert_msg(strstr(err_last(), "refused to connect to 169.254.169.254 (a link-local or cloud metadata address)"),
		      "%s", err_last());
	registry_free(r);
	th_reg_no_violations();
}
END_TEST

Suite *registry_live_suite(void)
{
	Suite *s = suite_create("registry-live");
	TCase *tc = tcase_create("registries");

	if (th_have_tool("registry tests", "docker-registry") && th_have_tool("registry tests", "skopeo") &&
	    th_have_tool("registry tests", "umoci") && th_have_tool("registry tests", "htpasswd") &&
	    th_have_tool("registry tests", "openssl")) {
		tcase_add_unchecked_fixture(tc, th_reg_start, NULL);
		tcase_set_timeout(tc, 120);
		tcase_add_test(tc, catalog_and_tags_over_several_pages);
		tcase_add_test(tc, registry_command_inventories_everything);
		tcase_add_test(tc, images_from_the_tls_basic_registry);
		tcase_add_test(tc, token_registry);
		tcase_add_test(tc, bad_registries_fail_one_image_at_a_time);
		tcase_add_test(tc, hostile_registries_get_no_credentials);
	}
	suite_add_tcase(s, tc);
	return s;
}
