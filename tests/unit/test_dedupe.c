/*
 * Imported findings meet vetter's own (scoring/merge.h): the test
 * registry's Debian 12 image app/web:2.0 (openssl 3.0.11-1~deb12u2,
 * zlib1g 1:1.2.13.dfsg-1) is pulled live and matched against the real
 * Debian 12 OSV records for openssl (debian12-osv/all.zip), while the
 * target's data room holds a Trivy and a Grype report for the same image
 * (tests/dataroom/, the tools' JSON with this run's digests filled in).
 *
 * The advisories: openssl has 83 records; 48 are fixed after
 * 3.0.11-1~deb12u2, so vetter reports 48 DEBIAN-CVE-* findings on the
 * image.  Trivy reports 5 (CVE-2023-5363, -5678, 2024-0727, -4741 on
 * openssl, CVE-2023-45853 on zlib1g), Grype 2 (CVE-2024-0727 again: one
 * finding with Trivy, and CVE-2023-6129): 6 imported findings.  Vetter's
 * DEBIAN-CVE-2023-5678, -2023-6129, -2024-0727 and -2024-4741 carry those
 * CVEs as aliases: 4 merge.  CVE-2023-5363 (fixed in 3.0.11-1~deb12u2 for
 * Debian, not for Trivy's database) and zlib's CVE-2023-45853 (no Debian
 * fix) stay, with their origin: 50 vulnerability findings, not 54.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "core/jsonx.h"
#include "core/store.h"
#include "core/strbuf.h"
#include "core/util.h"
#include "th.h"
#include "th_registry.h"

#define OSV_ZIP "debian12-osv/all.zip"

static const char engagement_yaml[] =
	"name: Dedupe\nclient: Test\nas_of: 2026-11-15\ncurrency: EUR\ncompanies:\n"
	"  - id: kestrel\n    name: Kestrel\n    role: target\n    sources:\n"
	"      - id: kestrel-registry\n        type: registry\n        host: 127.0.0.1:%d\n        ca_file: %s\n"
	"        repositories: [app/web]\n        newest_tags: 1\n"
	"        credentials: {username: \"env:REG_USER\", password: \"env:REG_PASS\"}\n"
	"        authorization: {by: A. Consultant, scope: read the registry, date: 2026-11-01}\n"
	"      - {id: kestrel-room, type: bundle, path: room}\n";

/* The openssl records of the real Debian 12 set, as the engagement's advisory folder. */
static const char extract_py[] =
	"import json, sys, zipfile, os\n"
	"z = zipfile.ZipFile(sys.argv[1]); os.makedirs(sys.argv[2])\n"
	"for n in z.namelist():\n"
	"    d = json.loads(z.read(n))\n"
	"    if any(a['package']['name'] == 'openssl' for a in d['affected']):\n"
	"        open(os.path.join(sys.argv[2], os.path.basename(n)), 'wb').write(z.read(n))\n";

static void run_ok(const char *const *argv, const char *const *env, int want)
{
	struct th_result r;

	th_run(&r, argv, env, NULL, NULL);
	ck_assert_msg(r.status == want, "%s %s: exit %d, want %d: %s", argv[0], argv[1], r.status, want, r.err.buf);
	th_result_release(&r);
}

/* A fixture of tests/dataroom with @HOST@, @MANIFEST@ and @CONFIG@ filled in. */
static void fixture(const char *dir, const char *name, const char *host, const char *manifest, const char *config)
{
	struct strbuf in = STRBUF_INIT, out = STRBUF_INIT, p = STRBUF_INIT;
	char *src;
	const char *s;

	strbuf_addf(&p, "tests/dataroom/%s", name);
	src = th_repo_path(p.buf);
	th_read(src, &in);
	for (s = in.buf; *s;) {
		if (!strncmp(s, "@HOST@", 6))
			strbuf_addstr(&out, host), s += 6;
		else if (!strncmp(s, "@MANIFEST@", 10))
			strbuf_addstr(&out, manifest), s += 10;
		else if (!strncmp(s, "@CONFIG@", 8))
			strbuf_addstr(&out, config), s += 8;
		else
			strbuf_addch(&out, *s++);
	}
	strbuf_reset(&p);
	strbuf_addf(&p, "%s/room/%s", dir, name);
	th_write(p.buf, out.buf);
	free(src);
	strbuf_release(&in);
	strbuf_release(&out);
	strbuf_release(&p);
}

static const json_t *find_rule(const json_t *findings, const char *rule)
{
	const json_t *f;
	size_t i;

	json_array_foreach(findings, i, f)
		if (!strcmp(jsonx_strz(f, "rule"), rule))
			return f;
	ck_abort_msg("no finding %s", rule);
	return NULL;
}

static int count_kind(const json_t *findings, const char *kind, const char *prov)
{
	const json_t *f;
	size_t i;
	int n = 0;

	json_array_foreach(findings, i, f)
		n += (!kind || !strcmp(jsonx_strz(f, "kind"), kind)) && (!prov || !strcmp(jsonx_strz(f, "provenance"), prov));
	return n;
}

static int count_row(void *ctx, json_t *f)
{
	int *n = ctx;

	*n += !strcmp(jsonx_strz(f, "kind"), "vulnerability");
	return 0;
}

/* "by" of each origin, joined: "vetter,trivy,grype". */
static void assert_origins(const json_t *f, const char *want)
{
	struct strbuf got = STRBUF_INIT;
	const json_t *o;
	size_t i;

	json_array_foreach(json_object_get(f, "origins"), i, o)
		strbuf_addf(&got, "%s%s", i ? "," : "", jsonx_strz(o, "by"));
	ck_assert_msg(!strcmp(got.buf, want), "%s: origins %s, want %s", jsonx_strz(f, "rule"), got.buf, want);
	strbuf_release(&got);
}

START_TEST(imported_findings_meet_vetters_own)
{
	char *dir = th_tmpdir(), *zip = th_data_path(OSV_ZIP);
	const char *bin = th_vetter_bin();
	struct strbuf p = STRBUF_INIT, db = STRBUF_INIT, envdb = STRBUF_INIT, text = STRBUF_INIT, host = STRBUF_INIT;
	struct strbuf osv = STRBUF_INIT, eng = STRBUF_INIT, store = STRBUF_INIT;
	const char *env[] = { "REG_USER=alice", "REG_PASS=s3cret", NULL, NULL };
	const char *ex[] = { "python3", "-c", extract_py, zip, NULL, NULL };
	const char *imp[] = { bin, "db", "import", "osv", NULL, "--vulndb", NULL, NULL };
	const char *run[] = { bin, "run", NULL, "--no-progress", NULL };
	const char *manifest, *config;
	json_t *doc = NULL, *findings;
	const json_t *f, *o;
	struct store *st = NULL;
	int rows = 0;

	th_reg_need();
	manifest = th_reg_img("web", "2.0");
	config = th_reg_img("web_configs", "2.0");
	strbuf_addf(&host, "127.0.0.1:%d", th_reg.port_a);
	strbuf_addf(&osv, "%s/osv", dir);
	ex[4] = osv.buf;
	run_ok(ex, NULL, 0);
	strbuf_addf(&db, "%s/vulndb.sqlite", dir);
	strbuf_addf(&envdb, "VETTER_VULNDB=%s", db.buf);
	env[2] = envdb.buf;
	imp[4] = osv.buf;
	imp[6] = db.buf;
	run_ok(imp, NULL, 0);
	strbuf_addf(&p, "%s/room", dir);
	ck_assert_int_eq(util_mkdirs(p.buf, 0700), 0);
	fixture(dir, "trivy-web.json", host.buf, manifest, config);
	fixture(dir, "grype-web.json", host.buf, manifest, config);
	strbuf_addf(&eng, "%s/engagement.yaml", dir);
	th_write_fmt(eng.buf, engagement_yaml, th_reg.port_a, th_reg.ca_path);
	run[2] = eng.buf;
	run_ok(run, env, 3); /* done, with a gap: the data room has no manifest */

	strbuf_reset(&p);
	strbuf_addf(&p, "%s/out/findings.json", dir);
	th_read(p.buf, &text);
	ck_assert_int_eq(jsonx_parse(text.buf, text.len, p.buf, &doc), 0);
	findings = json_object_get(doc, "findings");

	/* Before the merge the store holds 48 + 6 vulnerability findings; after it, 50 remain. */
	strbuf_addf(&store, "%s/engagement.vetter/store.sqlite", dir);
	ck_assert_int_eq(store_open(&st, store.buf), 0);
	ck_assert_int_eq(store_finding_foreach_all(st, NULL, count_row, &rows), 0);
	store_close(st);
	ck_assert_int_eq(rows, 54);
	ck_assert_int_eq(count_kind(findings, "vulnerability", NULL), 50);
	ck_assert_int_eq(count_kind(findings, "vulnerability", "both"), 4);
	ck_assert_int_eq(count_kind(findings, "vulnerability", "live"), 44);
	ck_assert_int_eq(count_kind(findings, "vulnerability", "supplied"), 2);

	/* Merged: vetter's evidence first, the tools after, each with its own id and fixed version. */
	f = find_rule(findings, "DEBIAN-CVE-2024-0727");
	assert_origins(f, "vetter,grype,trivy");
	ck_assert_str_eq(jsonx_strz(f, "provenance"), "both");
	ck_assert_str_eq(jsonx_strz(json_array_get(json_object_get(f, "origins"), 0), "source"), "kestrel-registry");
	ck_assert_str_eq(jsonx_strz(json_array_get(json_object_get(f, "origins"), 0), "provenance"), "live");
	o = json_array_get(json_object_get(f, "origins"), 1);
	ck_assert_str_eq(jsonx_strz(o, "rule"), "CVE-2024-0727");
	ck_assert_str_eq(jsonx_strz(o, "file"), "grype-web.json");
	ck_assert_str_eq(jsonx_strz(o, "provenance"), "supplied");
	ck_assert_str_eq(jsonx_strz(o, "fixed"), "3.0.13-1~deb12u1");
	ck_assert_ptr_null(json_object_get(o, "disagrees"));
	assert_origins(find_rule(findings, "DEBIAN-CVE-2023-5678"), "vetter,trivy");
	assert_origins(find_rule(findings, "DEBIAN-CVE-2023-6129"), "vetter,grype");
	/* A disagreement stays visible: vetter's fixed version in the finding, Trivy's in its origin. */
	f = find_rule(findings, "DEBIAN-CVE-2024-4741");
	assert_origins(f, "vetter,trivy");
	ck_assert_str_eq(jsonx_strz(f, "fixed"), "3.0.14-1~deb12u1");
	o = json_array_get(json_object_get(f, "origins"), 1);
	ck_assert_str_eq(jsonx_strz(o, "fixed"), "3.0.15-1~deb12u1");
	ck_assert_str_eq(json_string_value(json_array_get(json_object_get(o, "disagrees"), 0)), "fixed");
	/* Vetter alone: live. */
	f = find_rule(findings, "DEBIAN-CVE-2024-2511");
	assert_origins(f, "vetter");
	ck_assert_str_eq(jsonx_strz(f, "provenance"), "live");
	/* What only a tool found stays a finding, with its origin. */
	f = find_rule(findings, "CVE-2023-5363");
	assert_origins(f, "trivy");
	ck_assert_str_eq(jsonx_strz(f, "provenance"), "supplied");
	ck_assert_str_eq(jsonx_strz(json_object_get(f, "origin"), "file"), "trivy-web.json");
	ck_assert_str_eq(jsonx_strz(f, "fixed"), "3.0.11-1~deb12u3");
	f = find_rule(findings, "CVE-2023-45853");
	ck_assert_str_eq(jsonx_strz(f, "provenance"), "supplied");
	ck_assert_str_eq(jsonx_strz(json_object_get(f, "package"), "name"), "zlib1g");
	/* The merged tool findings are not findings of their own. */
	{
		size_t i;

		json_array_foreach(findings, i, f) {
			ck_assert_msg(strcmp(jsonx_strz(f, "rule"), "CVE-2024-0727"), "CVE-2024-0727 not merged");
			ck_assert_msg(strcmp(jsonx_strz(f, "rule"), "CVE-2023-6129"), "CVE-2023-6129 not merged");
			ck_assert_ptr_null(json_object_get(f, "merged_into"));
		}
	}

	/* A second run of the score stage writes the same. */
	{
		const char *again[] = { bin, "run", eng.buf, "--no-progress", "--from", "score", NULL };
		json_t *doc2 = NULL;

		run_ok(again, env, 3);
		strbuf_reset(&text);
		th_read(p.buf, &text);
		ck_assert_int_eq(jsonx_parse(text.buf, text.len, p.buf, &doc2), 0);
		ck_assert_int_eq(count_kind(json_object_get(doc2, "findings"), NULL, NULL), count_kind(findings, NULL, NULL));
		ck_assert(json_equal(find_rule(json_object_get(doc2, "findings"), "DEBIAN-CVE-2024-0727"),
				     find_rule(findings, "DEBIAN-CVE-2024-0727")));
		json_decref(doc2);
	}

	json_decref(doc);
	strbuf_release(&p), strbuf_release(&db), strbuf_release(&envdb), strbuf_release(&text), strbuf_release(&host);
	strbuf_release(&osv), strbuf_release(&eng), strbuf_release(&store);
	th_rm_rf(dir);
	free(dir), free(zip);
	th_reg_no_violations();
}
END_TEST

Suite *dedupe_suite(void)
{
	Suite *s = suite_create("dedupe");
	TCase *tc = tcase_create("dedupe");
	const char *what = "imported findings meet vetter's own";

	if (th_have_tool(what, "docker-registry") && th_have_tool(what, "skopeo") && th_have_tool(what, "umoci") &&
	    th_have_tool(what, "htpasswd") && th_have_tool(what, "openssl") && th_have_tool(what, "python3") &&
	    th_have_data(what, OSV_ZIP)) {
		tcase_add_unchecked_fixture(tc, th_reg_start, NULL);
		tcase_set_timeout(tc, 180);
		tcase_add_test(tc, imported_findings_meet_vetters_own);
	}
	suite_add_tcase(s, tc);
	return s;
}
