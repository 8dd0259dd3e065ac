/*
 * The registry kit end to end: its script run with the real skopeo against
 * the test registry (tests/lib/regenv.py: TLS, Basic authentication, a
 * multi-platform index) makes a bundle whose repositories and images are
 * the live registry source's, document for document, and whose
 * registry-inventory.json evidence is the same bytes.  The proxy saw only
 * reads.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/err.h"
#include "core/jsonx.h"
#include "core/store.h"
#include "core/util.h"
#include "th.h"
#include "th_registry.h"

struct rows {
	json_t *docs; /* "kind key" -> doc without its source */
};

static int add_row(void *ctx, const struct store_asset *a)
{
	struct rows *r = ctx;
	struct strbuf k = STRBUF_INIT;
	json_t *doc = json_deep_copy(a->doc);

	json_object_del(doc, "source");
	strbuf_addf(&k, "%s %s", a->kind, a->key);
	json_object_set_new(r->docs, k.buf, doc);
	strbuf_release(&k);
	return 0;
}

struct gaps {
	json_t *list; /* "source component: reason" */
};

static int add_gap(void *ctx, json_t *f)
{
	struct gaps *g = ctx;
	struct strbuf t = STRBUF_INIT;

	if (strcmp(jsonx_strz(f, "kind"), "gap"))
		return 0;
	strbuf_addf(&t, "%s %s: %s", jsonx_strz(f, "source"), jsonx_strz(f, "component"), jsonx_strz(f, "reason"));
	json_array_append_new(g->list, json_string(t.buf));
	strbuf_release(&t);
	return 0;
}

struct ev {
	json_t *by_source; /* source -> digest of registry-inventory.json */
};

static int add_ev(void *ctx, const struct store_evidence_row *row)
{
	struct ev *e = ctx;

	if (!strcmp(row->uri, "registry-inventory.json"))
		json_object_set_new(e->by_source, row->source, json_string(row->digest));
	return 0;
}

START_TEST(registry_kit_equals_live)
{
	static const char *const env_creds[] = { "REG_USER=alice", "REG_PASS=s3cret", NULL };
	char *dir = th_tmpdir();
	struct strbuf p = STRBUF_INIT, opts = STRBUF_INIT, host = STRBUF_INIT, s = STRBUF_INIT;
	struct rows live = { json_object() }, kit = { json_object() };
	struct ev ev = { json_object() };
	struct gaps gaps = { json_array() };
	struct th_result res;
	struct store *st = NULL;
	const char *k;
	json_t *v;

	th_reg_need();
	th_reg_log_reset();
	strbuf_addf(&host, "127.0.0.1:%d", th_reg.port_a);
	strbuf_addf(&p, "%s/vetter-kit-registry.sh", dir);
	th_vetter(&res, NULL, "kit", "registry", "-o", p.buf, NULL);
	th_assert_status(&res, 0);
	th_result_release(&res);
	/* The target's side: skopeo logged in (an auth file) and trusting the registry's CA. */
	strbuf_addf(&opts, "SKOPEO_OPTS=--authfile %s --cert-dir %s/certs", th_reg.dc_path, dir);
	strbuf_reset(&s);
	strbuf_addf(&s, "mkdir -p '%s/certs' && cp '%s' '%s/certs/ca.crt'", dir, th_reg.ca_path, dir);
	{
		const char *sh[] = { "sh", "-c", s.buf, NULL };

		th_run(&res, sh, NULL, NULL, NULL);
		th_assert_status(&res, 0);
		th_result_release(&res);
	}
	{
		const char *argv[] = { "sh", p.buf, "bundle", host.buf, "app/web", "app/multi", "many/r00", "tags/many", NULL };
		const char *env[] = { opts.buf, NULL };

		th_run(&res, argv, env, NULL, dir);
		th_assert_status(&res, 0);
		/*
		 * skopeo 1.9 does not ask for OCI indexes, and the registry will not send
		 * app/multi:1 without: its three commands fail, and are gaps.
		 */
		ck_assert_msg(strstr(res.err.buf, "(3 command(s) failed: see commands.tsv)"), "%s", res.err.buf);
		th_result_release(&res);
	}
	strbuf_reset(&p);
	strbuf_addf(&p, "%s/eng.yaml", dir);
	th_write_fmt(p.buf,
		     "name: Registry kit\nclient: Test\nas_of: 2026-11-15\ncompanies:\n"
		     "  - id: target\n    name: Target\n    role: target\n    sources:\n"
		     "      - id: live\n        type: registry\n        host: %s\n        ca_file: %s\n"
		     "        newest_tags: 2\n        repositories: [app/web, app/multi, many/r00, tags/many]\n"
		     "        credentials: {username: \"env:REG_USER\", password: \"env:REG_PASS\"}\n"
		     "        authorization: {by: A. Consultant, scope: read the registry, date: 2026-11-01}\n"
		     "  - id: offline\n    name: Offline\n    role: target\n    sources:\n"
		     "      - id: kit\n        type: bundle\n        path: bundle\n        newest_tags: 2\n",
		     host.buf, th_reg.ca_path);
	th_vetter(&res, (const char *const *)env_creds, "run", p.buf, "--only", "collect", NULL);
	th_assert_status(&res, 3);
	th_result_release(&res);

	strbuf_reset(&p);
	strbuf_addf(&p, "%s/eng.vetter/store.sqlite", dir);
	ck_assert_msg(store_open(&st, p.buf) == 0, "%s", err_last());
	ck_assert_int_eq(store_asset_foreach(st, "target", NULL, add_row, &live), 0);
	ck_assert_int_eq(store_asset_foreach(st, "offline", NULL, add_row, &kit), 0);
	ck_assert_int_eq(store_evidence_foreach(st, add_ev, &ev), 0);
	ck_assert_int_eq(store_finding_foreach(st, NULL, add_gap, &gaps), 0);
	store_close(st);
	/* 4 repositories, 5 images selected (the two newest of app/web, one of each other) */
	ck_assert_int_eq(json_object_size(live.docs), 9);
	strbuf_reset(&s);
	strbuf_addf(&s, "image registry:%s/app/multi@%s", host.buf, th_reg_img("multi", NULL));
	ck_assert_str_eq(jsonx_strz(json_object_get(live.docs, s.buf), "platforms"), "linux/amd64, linux/arm64/v8");
	/* Everything but the index skopeo could not read is the same. */
	json_object_del(live.docs, s.buf);
	strbuf_reset(&s);
	strbuf_addf(&s, "repository registry:%s/app/multi", host.buf);
	ck_assert_str_eq(jsonx_strz(json_array_get(json_object_get(json_object_get(kit.docs, s.buf), "tags"), 0), "error"),
			 "the bundle lacks this tag's manifest or config (skopeo inspect --raw, --config --raw)");
	json_object_del(live.docs, s.buf);
	json_object_del(kit.docs, s.buf);
	json_object_foreach(live.docs, k, v)
		ck_assert_msg(json_equal(v, json_object_get(kit.docs, k)), "%s differs", k);
	ck_assert_int_eq(json_object_size(kit.docs), 7);
	ck_assert_int_eq(json_array_size(gaps.list), 4);
	{
		static const char *const files[] = { "manifest", "config", "inspect" };
		size_t i, j, hits = 0;

		for (i = 0; i < json_array_size(gaps.list); i++) {
			const char *g = json_string_value(json_array_get(gaps.list, i));

			for (j = 0; j < 3; j++) {
				strbuf_reset(&s);
				strbuf_addf(&s, "kit bundle file registry/app/multi/1.%s.json: skopeo failed (exit status 1): ", files[j]);
				if (util_has_prefix(g, s.buf)) {
					ck_assert_msg(strstr(g, "OCI index found, but accept header does not support OCI indexes"), "%s", g);
					hits++;
				}
			}
			strbuf_reset(&s);
			strbuf_addf(&s, "kit image registry:%s/app/multi:1: the bundle lacks this tag's manifest or config (skopeo "
				    "inspect --raw, --config --raw)", host.buf);
			hits += !strcmp(g, s.buf);
		}
		ck_assert_int_eq(hits, 4);
	}
	th_reg_no_violations();
	json_decref(live.docs);
	json_decref(kit.docs);
	json_decref(ev.by_source);
	json_decref(gaps.list);
	strbuf_release(&p);
	strbuf_release(&opts);
	strbuf_release(&host);
	strbuf_release(&s);
	th_rm_rf(dir);
	free(dir);
}
END_TEST

Suite *kit_registry_suite(void)
{
	Suite *s = suite_create("kit-registry");
	TCase *tc = tcase_create("kit-registry");

	if (th_have_tool("kit-registry", "docker-registry") && th_have_tool("kit-registry", "skopeo") &&
	    th_have_tool("kit-registry", "umoci") && th_have_tool("kit-registry", "htpasswd") &&
	    th_have_tool("kit-registry", "openssl")) {
		tcase_add_unchecked_fixture(tc, th_reg_start, NULL);
		tcase_set_timeout(tc, 120);
		tcase_add_test(tc, registry_kit_equals_live);
	}
	suite_add_tcase(s, tc);
	return s;
}
