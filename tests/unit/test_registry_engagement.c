/*
 * The registry source in engagements, against the registries of
 * tests/lib/regenv.py (see test_registry_live.c): which images it selects
 * (the ones that run first, then the newest of each repository), that the
 * scan stage reads them through the source's credentials, downloading each
 * layer once, the coverage counts, and a rerun that fetches nothing.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "core/err.h"
#include "core/jsonx.h"
#include "core/store.h"
#include "core/util.h"
#include "th.h"
#include "th_registry.h"

struct asset_rows {
	struct strbuf keys;
	json_t *docs;
};

static int add_row(void *ctx, const struct store_asset *a)
{
	struct asset_rows *rows = ctx;

	strbuf_addf(&rows->keys, "%s %s\n", a->source, a->key);
	json_object_set(rows->docs, a->key, a->doc);
	return 0;
}

static void assets_of(const char *store_path, const char *kind, struct asset_rows *rows)
{
	struct store *st = NULL;

	rows->docs = json_object();
	strbuf_init(&rows->keys, 0);
	ck_assert_msg(store_open(&st, store_path) == 0, "%s", err_last());
	ck_assert_int_eq(store_asset_foreach(st, "target", kind, add_row, rows), 0);
	store_close(st);
}

static void write_engagement(const char *dir, const char *extra)
{
	struct strbuf p = STRBUF_INIT;

	strbuf_addf(&p, "%s/eng.yaml", dir);
	th_write_fmt(p.buf,
		     "name: Registry test\nclient: Test\nas_of: 2026-11-15\ncompanies:\n"
		     "  - id: target\n    name: Target Co\n    role: target\n    sources:\n"
		     "      - id: target-registry\n        type: registry\n        host: 127.0.0.1:%d\n"
		     "        ca_file: %s\n"
		     "        credentials: {username: \"env:REG_USER\", password: \"env:REG_PASS\"}\n"
		     "        authorization: {by: A. Consultant, scope: read the registry, date: 2026-11-01}\n%s",
		     th_reg.port_a, th_reg.ca_path, extra);
	strbuf_release(&p);
}

/*
 * make check points VETTER_VULNDB nowhere, so every image has one gap: no advisory database.
 * Returns the gaps of images not pulled because no source covers their host; any other gap fails.
 */
static int assert_only_vulndb_gaps(json_t *doc)
{
	json_t *f;
	size_t i;
	int refused = 0;

	json_array_foreach (json_object_get(doc, "findings"), i, f) {
		if (strcmp(jsonx_strz(f, "kind"), "gap"))
			continue;
		if (strstr(jsonx_strz(f, "reason"), "no registry source of the engagement covers this host")) {
			refused++;
			continue;
		}
		/* ... and, for such an image, the rules that read its configuration (its own gap says why). */
		if (strstr(jsonx_strz(f, "reason"), "the scan stage kept no configuration for this image"))
			continue;
		ck_assert_msg(strstr(jsonx_strz(f, "reason"), "no advisory database"), "unexpected gap: %s",
			      jsonx_strz(f, "reason"));
	}
	return refused;
}

START_TEST(engagement_selects_scans_and_counts)
{
	static const char *const env_creds[] = { "REG_USER=alice", "REG_PASS=s3cret", NULL };
	char *dir = th_tmpdir();
	struct strbuf p = STRBUF_INIT, want = STRBUF_INIT, findings = STRBUF_INIT;
	struct asset_rows rows;
	struct th_result res;
	json_t *doc = NULL, *cov, *src;

	th_reg_need();
	th_reg_log_reset();
	write_engagement(dir, "        newest_tags: 2\n"
			      "        repositories: [app/web, app/multi, many/r00, tags/many]\n");
	strbuf_addf(&p, "%s/eng.yaml", dir);
	th_vetter(&res, (const char *const *)env_creds, "run", p.buf, NULL);
	th_assert_status(&res, 3);
	th_result_release(&res);
	/* The coverage numbers, in findings.json (and the report). */
	strbuf_reset(&p);
	strbuf_addf(&p, "%s/out/findings.json", dir);
	th_read(p.buf, &findings);
	ck_assert(jsonx_parse(findings.buf, findings.len, "findings.json", &doc) == 0);
	ck_assert_int_eq(assert_only_vulndb_gaps(doc), 0);
	src = json_array_get(json_object_get(doc, "sources"), 0);
	cov = json_object_get(src, "coverage");
	ck_assert_str_eq(jsonx_strz(src, "status"), "done");
	ck_assert_int_eq(jsonx_int(cov, "repositories", -1), 4);
	ck_assert_int_eq(jsonx_int(cov, "tags", -1), 14);
	ck_assert_int_eq(jsonx_int(cov, "tags_inspected", -1), 14);
	ck_assert_int_eq(jsonx_int(cov, "errors", -1), 0);
	ck_assert_int_eq(jsonx_int(cov, "images", -1), 6);
	ck_assert_int_eq(jsonx_int(cov, "running", -1), 0);
	ck_assert_int_eq(jsonx_int(cov, "newest", -1), 5);
	strbuf_addf(&want, "Registry 127.0.0.1:%d: 4 repositories, 14 tags (14 read, 0 errors), 6 images; scanned: 0 "
			   "running, 5 newest (up to 2 per repository).",
		    th_reg.port_a);
	ck_assert_str_eq(jsonx_strz(cov, "summary"), want.buf);
	json_decref(doc);
	/* The images selected: the two newest of app/web, one of each other repository. */
	strbuf_reset(&p);
	strbuf_addf(&p, "%s/eng.vetter/store.sqlite", dir);
	assets_of(p.buf, "image", &rows);
	strbuf_reset(&want);
	strbuf_addf(&want,
		    "target-registry registry:127.0.0.1:%d/app/multi@%s\n"
		    "target-registry registry:127.0.0.1:%d/app/web@%s\n"
		    "target-registry registry:127.0.0.1:%d/app/web@%s\n"
		    "target-registry registry:127.0.0.1:%d/many/r00@%s\n"
		    "target-registry registry:127.0.0.1:%d/tags/many@%s\n",
		    th_reg.port_a, th_reg_img("multi", NULL), th_reg.port_a, strcmp(th_reg_img("web", "1.1"), th_reg_img("web", "2.0")) < 0 ? th_reg_img("web", "1.1") : th_reg_img("web", "2.0"),
		    th_reg.port_a, strcmp(th_reg_img("web", "1.1"), th_reg_img("web", "2.0")) < 0 ? th_reg_img("web", "2.0") : th_reg_img("web", "1.1"), th_reg.port_a,
		    th_reg_img("many", NULL), th_reg.port_a, th_reg_img("many", NULL));
	ck_assert_str_eq(rows.keys.buf, want.buf);
	/* Each was scanned: the scan stage wrote its digests and package count into the asset. */
	{
		const char *k;
		json_t *v;

		json_object_foreach(rows.docs, k, v) {
			ck_assert_int_eq(jsonx_int(v, "packages", -1), 2);
			ck_assert_msg(jsonx_str(v, "manifest_digest") != NULL, "%s was not scanned", k);
		}
	}
	json_decref(rows.docs);
	strbuf_release(&rows.keys);
	assets_of(p.buf, "repository", &rows);
	ck_assert_int_eq(json_object_size(rows.docs), 4);
	json_decref(rows.docs);
	strbuf_release(&rows.keys);
	/* A layer is downloaded once for the engagement: the base layer's result comes from the cache after. */
	strbuf_reset(&want);
	strbuf_addf(&want, "/v2/app/web/blobs/%s", th_reg_img_at("web_layers", "1.1", 0));
	ck_assert_int_eq(th_reg_log_count("A", "GET", want.buf, NULL), 0);
	ck_assert_int_eq(th_reg_log_count("A", "GET", "/v2/app/multi/blobs/", NULL) +
				 th_reg_log_count("A", "GET", "/v2/app/web/blobs/", NULL) +
				 th_reg_log_count("A", "GET", "/v2/many/r00/blobs/", NULL) +
				 th_reg_log_count("A", "GET", "/v2/tags/many/blobs/", NULL),
			 /* configs: 4 distinct at collect, 5 images at scan; layers: base once, two app layers */
			 4 + 5 + 3);
	/* Run again: everything is done, nothing is fetched. */
	th_reg_log_reset();
	strbuf_reset(&p);
	strbuf_addf(&p, "%s/eng.yaml", dir);
	th_vetter(&res, (const char *const *)env_creds, "run", p.buf, NULL);
	th_assert_status(&res, 3);
	th_result_release(&res);
	ck_assert_int_eq(th_reg_log_count(NULL, NULL, NULL, NULL), 0);
	th_rm_rf(dir);
	free(dir);
	strbuf_release(&p);
	strbuf_release(&want);
	strbuf_release(&findings);
	th_reg_no_violations();
}
END_TEST

START_TEST(running_images_come_first)
{
	static const char *const env_creds[] = { "REG_USER=alice", "REG_PASS=s3cret", NULL };
	char *dir = th_tmpdir();
	struct strbuf p = STRBUF_INIT, want = STRBUF_INIT, key = STRBUF_INIT, findings = STRBUF_INIT;
	struct asset_rows rows;
	struct th_result res;
	struct store *st = NULL;
	json_t *doc, *cov;

	th_reg_need();
	write_engagement(dir, "        newest_tags: 1\n        repositories: [app/web]\n");
	/* What a Kubernetes source recorded before: app/web:1.0 runs. */
	strbuf_addf(&p, "%s/eng.vetter", dir);
	ck_assert_int_eq(util_mkdirs(p.buf, 0700), 0);
	strbuf_addstr(&p, "/store.sqlite");
	ck_assert_msg(store_open(&st, p.buf) == 0, "%s", err_last());
	ck_assert_int_eq(store_company_put(st, "target", "Target Co", "target"), 0);
	strbuf_addf(&key, "registry:127.0.0.1:%d/app/web:1.0", th_reg.port_a);
	doc = json_pack("{s:s, s:s, s:s}", "ref", key.buf, "transport", "registry", "platform", "linux/amd64");
	ck_assert_int_eq(store_asset_put(st, "target", "target.k8s", "image", key.buf, key.buf, doc, NULL), 0);
	json_decref(doc);
	/* A pod's image on a host no source names (here the cloud metadata address) is never contacted. */
	doc = json_pack("{s:s, s:s, s:s}", "ref", "registry:169.254.169.254/latest/meta-data:1", "transport", "registry",
			"platform", "linux/amd64");
	ck_assert_int_eq(store_asset_put(st, "target", "target.k8s", "image", "registry:169.254.169.254/latest/meta-data:1",
					 "registry:169.254.169.254/latest/meta-data:1", doc, NULL),
			 0);
	json_decref(doc);
	store_close(st);
	strbuf_reset(&p);
	strbuf_addf(&p, "%s/eng.yaml", dir);
	th_vetter(&res, (const char *const *)env_creds, "run", p.buf, NULL);
	th_assert_status(&res, 3);
	th_result_release(&res);
	strbuf_reset(&p);
	strbuf_addf(&p, "%s/out/findings.json", dir);
	th_read(p.buf, &findings);
	ck_assert(jsonx_parse(findings.buf, findings.len, "findings.json", &doc) == 0);
	ck_assert_int_eq(assert_only_vulndb_gaps(doc), 1);
	cov = json_object_get(json_array_get(json_object_get(doc, "sources"), 0), "coverage");
	ck_assert_int_eq(jsonx_int(cov, "images", -1), 3);
	ck_assert_int_eq(jsonx_int(cov, "running", -1), 1);
	ck_assert_int_eq(jsonx_int(cov, "newest", -1), 1);
	ck_assert_int_eq(jsonx_int(cov, "selected", -1), 2);
	json_decref(doc);
	/* The running image stays the other source's asset; the newest one that does not run is added. */
	strbuf_reset(&p);
	strbuf_addf(&p, "%s/eng.vetter/store.sqlite", dir);
	assets_of(p.buf, "image", &rows);
	strbuf_addf(&want,
		    "target.k8s %s\ntarget-registry registry:127.0.0.1:%d/app/web@%s\n"
		    "target.k8s registry:169.254.169.254/latest/meta-data:1\n",
		    key.buf, th_reg.port_a, th_reg_img("web", "2.0"));
	ck_assert_str_eq(rows.keys.buf, want.buf);
	/* Both were scanned, the running one through this source's credentials. */
	ck_assert_str_eq(jsonx_strz(json_object_get(rows.docs, key.buf), "manifest_digest"), th_reg_img("web", "1.0"));
	json_decref(rows.docs);
	strbuf_release(&rows.keys);
	th_rm_rf(dir);
	free(dir);
	strbuf_release(&p);
	strbuf_release(&want);
	strbuf_release(&key);
	strbuf_release(&findings);
	th_reg_no_violations();
}
END_TEST

Suite *registry_engagement_suite(void)
{
	Suite *s = suite_create("registry-engagement");
	TCase *tc = tcase_create("engagement");

	if (th_have_tool("registry engagement tests", "docker-registry") &&
	    th_have_tool("registry engagement tests", "skopeo") && th_have_tool("registry engagement tests", "umoci") &&
	    th_have_tool("registry engagement tests", "htpasswd") && th_have_tool("registry engagement tests", "openssl")) {
		tcase_add_unchecked_fixture(tc, th_reg_start, NULL);
		tcase_set_timeout(tc, 120);
		tcase_add_test(tc, engagement_selects_scans_and_counts);
		tcase_add_test(tc, running_images_come_first);
	}
	suite_add_tcase(s, tc);
	return s;
}
