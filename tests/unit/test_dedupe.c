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
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "core/finding.h"
#include "core/jsonx.h"
#include "core/runner.h"
#include "core/store.h"
#include "core/strbuf.h"
#include "core/util.h"
#include "th.h"
#include "scoring/manual.h"
#include "scoring/merge.h"
#include "th_registry.h"

#define OSV_ZIP "debian12-osv/all.zip"
/* Kestrel's findings (gaps aside) by what they rest on, as summary.md and the PDF say it. */
#define HERON_BASIS "Heron: 0 from live collection, 0 from supplied evidence, 0 from both."
#define BASIS_LINE "Kestrel: 49 from live collection, 2 from supplied evidence, 4 from both."

static const char engagement_yaml[] =
	"name: Dedupe\nclient: Test\nas_of: 2026-11-15\ncompanies:\n"
	"  - id: heron\n    name: Heron\n    role: acquirer\n    sources:\n"
	"      - {id: heron-images, type: images, refs: [dir:heron-api]}\n"
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
	ck_assert_msg(r.status == want, "%s %s: exit %d, want %d: %s%s", argv[0], argv[1], r.status, want, r.err.buf, r.out.buf);
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
	/* The acquirer: an image folder it handed over (supplied evidence of vetter's own reading). */
	{
		char *demo = th_repo_path("samples/demo/images/heron-api");
		struct strbuf to = STRBUF_INIT;
		const char *cp[] = { "cp", "-R", demo, NULL, NULL };

		strbuf_addf(&to, "%s/heron-api", dir);
		cp[3] = to.buf;
		run_ok(cp, NULL, 0);
		strbuf_release(&to);
		free(demo);
	}
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

	/* Besides the vulnerabilities (ids follow the registry's port, so in no fixed order): the image's three
	 * Docker CIS rules, Debian 12's end of life and the image's age, all live. */
	{
		static const char *const want[] = { "misconfiguration CIS-DOCKER-1.6-4.1 live", "misconfiguration CIS-DOCKER-1.6-4.4 live",
						    "misconfiguration CIS-DOCKER-1.6-4.6 live", "end-of-life eol:debian-12 live",
						    "image-age image-age live" };
		struct strbuf other = STRBUF_INIT;
		size_t i, n = 0;

		json_array_foreach(findings, i, f)
			if (strcmp(jsonx_strz(f, "kind"), "vulnerability") && strcmp(jsonx_strz(f, "kind"), "gap")) {
				strbuf_addf(&other, "[%s %s %s]", jsonx_strz(f, "kind"), jsonx_strz(f, "rule"), jsonx_strz(f, "provenance"));
				n++;
			}
		ck_assert_msg(n == 5, "%zu: %s", n, other.buf);
		for (i = 0; i < 5; i++) {
			struct strbuf w = STRBUF_INIT;

			strbuf_addf(&w, "[%s]", want[i]);
			ck_assert_msg(strstr(other.buf, w.buf), "%s not in %s", want[i], other.buf);
			strbuf_release(&w);
		}
		strbuf_release(&other);
	}
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

	/* The report says which findings rest on what: summary.md, the CSV, SARIF, and the PDF (report_check.py). */
	{
		char *script = th_repo_path("tests/lib/report_check.py");
		struct strbuf pdf = STRBUF_INIT, md = STRBUF_INIT, csv = STRBUF_INIT, sarif = STRBUF_INIT, got = STRBUF_INIT;
		const char *argv[] = { "python3", script, p.buf, NULL, "--summary", NULL, NULL };
		const json_t *r;
		json_t *sdoc = NULL;
		size_t i;
		int both = 0;

		strbuf_addf(&pdf, "%s/out/report.pdf", dir);
		strbuf_addf(&md, "%s/out/summary.md", dir);
		argv[3] = pdf.buf;
		argv[5] = md.buf;
		run_ok(argv, NULL, 0);
		th_read(md.buf, &got);
		ck_assert_msg(strstr(got.buf, "\n## Evidence basis\n\n- " HERON_BASIS "\n- " BASIS_LINE "\n"), "%s", got.buf);
		strbuf_reset(&got);
		strbuf_addf(&csv, "%s/out/findings.csv", dir);
		th_read(csv.buf, &got);
		ck_assert_msg(util_has_prefix(got.buf, "\"id\",\"company\",\"kind\",\"severity\",\"status\",\"rule\",\"title\","
							 "\"asset_kind\",\"asset\",\"component\",\"fix\",\"provenance\",\"origins\"\r\n"),
			      "%.300s", got.buf);
		ck_assert_msg(strstr(got.buf, "\"both\",\"vetter; grype (grype-web.json); trivy (trivy-web.json)\"\r\n"), "no merged row");
		strbuf_reset(&got);
		strbuf_addf(&sarif, "%s/out/findings.sarif", dir);
		th_read(sarif.buf, &got);
		ck_assert_int_eq(jsonx_parse(got.buf, got.len, sarif.buf, &sdoc), 0);
		json_array_foreach(json_object_get(json_array_get(json_object_get(sdoc, "runs"), 0), "results"), i, r)
			both += !strcmp(jsonx_strz(json_object_get(r, "properties"), "provenance"), "both") &&
				json_array_size(jsonx_dig(r, "properties.origins")) >= 2;
		ck_assert_int_eq(both, 4);
		json_decref(sdoc);
		strbuf_release(&pdf), strbuf_release(&md), strbuf_release(&csv), strbuf_release(&sarif), strbuf_release(&got);
		free(script);
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

/* A finding as a stage writes it: imported when tool is not NULL. */
static void put(struct store *st, const char *kind, const char *rule, const char *akind, const char *akey,
		const char *comp, const char *tool, const char *extra)
{
	json_t *f = NULL, *x = NULL;
	const char *k;
	json_t *v;

	ck_assert_int_eq(finding_new(&f, "co", kind, rule, akind, akey, NULL, comp), 0);
	ck_assert_int_eq(finding_describe(f, rule, "high", "test"), 0);
	if (extra) {
		ck_assert_int_eq(jsonx_parse(extra, strlen(extra), "extra", &x), 0);
		json_object_foreach(x, k, v)
			json_object_set(f, k, v);
		json_decref(x);
	}
	if (tool)
		json_object_set_new(f, "origin", json_pack("{s:s, s:s, s:s, s:b}", "tool", tool, "file", "r.json", "source",
							   "room", "supplied", 1));
	ck_assert_int_eq(store_finding_put(st, tool ? "collect:room" : "scan", f), 0);
	json_decref(f);
}

/* An asset as a source records it; doc is taken. */
static void asset(struct store *st, const char *source, const char *kind, const char *key, json_t *doc)
{
	ck_assert_int_eq(store_asset_put(st, "co", source, kind, key, key, doc, NULL), 0);
	json_decref(doc);
}

static int by_rule(void *ctx, json_t *f)
{
	struct strbuf k = STRBUF_INIT;

	strbuf_addf(&k, "%s %s %s", jsonx_strz(f, "rule"), jsonx_strz(json_object_get(f, "asset"), "key"),
		    jsonx_strz(f, "component"));
	json_object_set(ctx, k.buf, f);
	strbuf_release(&k);
	return 0;
}

/* "by" of the origins and the provenance: "vetter,trivy both". */
static const char *summary_of(json_t *all, const char *key)
{
	static char buf[200];
	struct strbuf s = STRBUF_INIT;
	const json_t *f = json_object_get(all, key), *o;
	size_t i;

	ck_assert_msg(f != NULL, "no finding %s", key);
	json_array_foreach(json_object_get(f, "origins"), i, o)
		strbuf_addf(&s, "%s%s", i ? "," : "", jsonx_strz(o, "by"));
	strbuf_addf(&s, " %s%s", jsonx_strz(f, "provenance"), json_object_get(f, "merged_into") ? " merged" : "");
	snprintf(buf, sizeof(buf), "%s", s.buf);
	strbuf_release(&s);
	return buf;
}

START_TEST(what_merges_and_what_does_not)
{
	char *dir = th_tmpdir();
	struct strbuf p = STRBUF_INIT;
	struct store *st = NULL;
	struct run_ctx ctx;
	json_t *all = json_object(), *seen = json_object();
	int n = 0;

	strbuf_addf(&p, "%s/s.sqlite", dir);
	ck_assert_int_eq(store_open(&st, p.buf), 0);
	ck_assert_int_eq(store_company_put(st, "co", "Co", "target"), 0);
	ck_assert_int_eq(store_source_put(st, "reg", "co", "registry", 1, NULL), 0);
	ck_assert_int_eq(store_source_put(st, "k8s", "co", "kubernetes-export", 0, NULL), 0);
	ck_assert_int_eq(store_source_put(st, "room", "co", "bundle", 0, NULL), 0);
	asset(st, "reg", "image", "registry:r/app@sha256:aa", json_pack("{s:s}", "config_digest", "sha256:cfg1"));
	/* The same image, as Grype named it from a local archive: the same config digest. */
	asset(st, "room", "artifact", "grype:app.tar", json_pack("{s:s}", "image_id", "sha256:cfg1"));
	asset(st, "reg", "image", "registry:r/other@sha256:bb", json_pack("{s:s}", "config_digest", "sha256:cfg2"));
	asset(st, "k8s", "cluster", "prod", json_object());
	/* An image a cluster export names (pulled live from its registry by the scan), and an image folder. */
	asset(st, "k8s", "image", "registry:r/web:1.0", json_object());
	asset(st, "imgs", "image", "oci-dir:web", json_object());
	ck_assert_int_eq(store_source_put(st, "imgs", "co", "images", 0, NULL), 0);
	put(st, "end-of-life", "eol:debian-11", "image", "registry:r/web:1.0", "11", NULL, NULL);
	put(st, "end-of-life", "eol:debian-11", "image", "oci-dir:web", "11", NULL, NULL);
	put(st, "misconfiguration", "CIS-K8S-1.10-5.2.2", "k8s-object", "prod/Deployment/a/b", "", NULL,
	    "{\"source\": \"k8s\"}");

	/* Vetter's: a Maven package by group and artifact, a GHSA with its CVE. */
	put(st, "vulnerability", "GHSA-jfh8-c2jp-5v3q", "image", "registry:r/app@sha256:aa",
	    "maven:org.apache.logging.log4j:log4j-core@2.14.1#app.jar", NULL,
	    "{\"aliases\": [\"CVE-2021-44228\"], \"package\": {\"type\": \"maven\", \"namespace\": \"org.apache.logging.log4j\","
	    " \"name\": \"log4j-core\", \"version\": \"2.14.1\"}}");
	/* Grype names the artifact alone, the group in its PURL, and the CVE: the same finding. */
	put(st, "vulnerability", "CVE-2021-44228", "artifact", "grype:app.tar", "log4j-core@2.14.1", "grype",
	    "{\"package\": {\"name\": \"log4j-core\", \"version\": \"2.14.1\","
	    " \"purl\": \"pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1?type=jar\"}}");
	/* Another version, another image: never merged. */
	put(st, "vulnerability", "CVE-2021-44228", "image", "registry:r/app@sha256:aa", "log4j-core@2.15.0", "trivy",
	    "{\"package\": {\"name\": \"org.apache.logging.log4j:log4j-core\", \"version\": \"2.15.0\"}}");
	put(st, "vulnerability", "CVE-2021-44228", "image", "registry:r/other@sha256:bb", "log4j-core@2.14.1", "trivy",
	    "{\"package\": {\"name\": \"org.apache.logging.log4j:log4j-core\", \"version\": \"2.14.1\"}}");
	/* Python names: Flask_Cors and flask-cors are one package. */
	put(st, "vulnerability", "PYSEC-2024-71", "image", "registry:r/other@sha256:bb", "pypi:Flask_Cors@4.0.0#", NULL,
	    "{\"aliases\": [\"CVE-2024-1681\", \"GHSA-84pr-m4jr-85g5\"], \"package\": {\"type\": \"pypi\", \"name\": \"Flask_Cors\","
	    " \"version\": \"4.0.0\"}}");
	put(st, "vulnerability", "GHSA-84pr-m4jr-85g5", "image", "registry:r/other@sha256:bb", "flask-cors@4.0.0", "trivy",
	    "{\"package\": {\"name\": \"flask-cors\", \"version\": \"4.0.0\"}}");
	/* Two of vetter's own sharing a CVE stay two. */
	put(st, "vulnerability", "DEBIAN-CVE-2024-0727", "image", "registry:r/other@sha256:bb", "deb:openssl@3.0.11#", NULL,
	    "{\"aliases\": [\"CVE-2024-0727\"], \"package\": {\"name\": \"openssl\", \"version\": \"3.0.11\"}}");
	put(st, "vulnerability", "DLA-3942-1", "image", "registry:r/other@sha256:bb", "deb:openssl@3.0.11#x", NULL,
	    "{\"aliases\": [\"CVE-2024-0727\"], \"package\": {\"name\": \"openssl\", \"version\": \"3.0.11\"}}");
	/* kube-bench's id meets the rule mapped to the same CIS section on the same asset; not another asset's. */
	put(st, "misconfiguration", "CIS-K8S-1.10-1.2.1", "cluster", "prod", "", NULL,
	    "{\"frameworks\": {\"cis\": {\"benchmark\": \"CIS Kubernetes Benchmark\", \"version\": \"1.10\", \"section\": \"1.2.1\"}}}");
	put(st, "misconfiguration", "CIS-K8S-1.2.1", "cluster", "prod", "node-1", "kube-bench", NULL);
	put(st, "misconfiguration", "CIS-K8S-5.1.1", "cluster", "prod", "", "kube-bench", NULL);
	/* Prowler's check ids map to no rule: apart. */
	put(st, "misconfiguration", "iam_root_hardware_mfa_enabled", "cluster", "prod", "", "prowler", NULL);

	memset(&ctx, 0, sizeof(ctx));
	ctx.st = st;
	ck_assert_int_eq(store_begin(st), 0);
	ck_assert_int_eq(merge_record(&ctx), 0);
	ck_assert_int_eq(merge_record(&ctx), 0); /* the same twice */
	ck_assert_int_eq(store_commit(st), 0);
	ck_assert_int_eq(store_finding_foreach_all(st, NULL, by_rule, all), 0);
	ck_assert_int_eq(store_finding_foreach(st, NULL, by_rule, seen), 0);
	n = (int)json_object_size(seen);
	ck_assert_int_eq((int)json_object_size(all), 15);
	ck_assert_int_eq(n, 12);
	ck_assert_str_eq(summary_of(all, "eol:debian-11 registry:r/web:1.0 11"), "vetter live");
	ck_assert_str_eq(summary_of(all, "eol:debian-11 oci-dir:web 11"), "vetter supplied");
	ck_assert_str_eq(summary_of(all, "CIS-K8S-1.10-5.2.2 prod/Deployment/a/b "), "vetter supplied");

	ck_assert_str_eq(summary_of(all, "GHSA-jfh8-c2jp-5v3q registry:r/app@sha256:aa maven:org.apache.logging.log4j:log4j-core@2.14.1#app.jar"),
			 "vetter,grype both");
	ck_assert_str_eq(summary_of(all, "CVE-2021-44228 grype:app.tar log4j-core@2.14.1"), "  merged");
	ck_assert_str_eq(summary_of(all, "CVE-2021-44228 registry:r/app@sha256:aa log4j-core@2.15.0"), "trivy supplied");
	ck_assert_str_eq(summary_of(all, "CVE-2021-44228 registry:r/other@sha256:bb log4j-core@2.14.1"), "trivy supplied");
	ck_assert_str_eq(summary_of(all, "PYSEC-2024-71 registry:r/other@sha256:bb pypi:Flask_Cors@4.0.0#"), "vetter,trivy both");
	ck_assert_str_eq(summary_of(all, "DEBIAN-CVE-2024-0727 registry:r/other@sha256:bb deb:openssl@3.0.11#"), "vetter live");
	ck_assert_str_eq(summary_of(all, "DLA-3942-1 registry:r/other@sha256:bb deb:openssl@3.0.11#x"), "vetter live");
	ck_assert_str_eq(summary_of(all, "CIS-K8S-1.10-1.2.1 prod "), "vetter,kube-bench supplied");
	ck_assert_str_eq(summary_of(all, "CIS-K8S-1.2.1 prod node-1"), "  merged");
	ck_assert_str_eq(summary_of(all, "CIS-K8S-5.1.1 prod "), "kube-bench supplied");
	ck_assert_str_eq(summary_of(all, "iam_root_hardware_mfa_enabled prod "), "prowler supplied");

	/* An override naming Grype's finding, merged away, applies to vetter's finding it was merged into. */
	{
		const char *gid = jsonx_strz(json_object_get(all, "CVE-2021-44228 grype:app.tar log4j-core@2.14.1"), "id");
		json_t *manual = json_pack("{s:[{s:s, s:s, s:s, s:s, s:s}]}", "overrides", "finding", gid, "status",
					   "false-positive", "by", "A. Consultant", "date", "2026-11-12", "reason", "not loaded");
		json_t *after = json_object();

		ck_assert_int_eq(manual_apply_overrides(manual, st), 1); /* one finding changed */
		ck_assert_int_eq(store_finding_foreach(st, NULL, by_rule, after), 0);
		ck_assert_str_eq(jsonx_strz(json_object_get(after, "GHSA-jfh8-c2jp-5v3q registry:r/app@sha256:aa "
								  "maven:org.apache.logging.log4j:log4j-core@2.14.1#app.jar"),
					    "status"),
				 "false-positive");
		json_decref(manual);
		json_decref(after);
	}
	store_close(st);
	json_decref(all);
	json_decref(seen);
	strbuf_release(&p);
	th_rm_rf(dir);
	free(dir);
}
END_TEST

START_TEST(package_keys)
{
	static const struct {
		const char *pkg, *component, *want;
	} cases[] = {
		{ "{\"name\": \"Flask_Cors\", \"version\": \"4.0.0\"}", "", "flask-cors@4.0.0" },
		{ "{\"name\": \"log4j-core\", \"version\": \"2.14.1\", \"purl\": \"pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1\"}",
		  "", "org-apache-logging-log4j:log4j-core@2.14.1" },
		{ "{\"type\": \"maven\", \"namespace\": \"org.apache.logging.log4j\", \"name\": \"log4j-core\", \"version\": \"2.14.1\"}",
		  "", "org-apache-logging-log4j:log4j-core@2.14.1" },
		{ "{\"name\": \"libc6\", \"version\": \"2.36-9+deb12u4\", \"purl\": \"pkg:deb/debian/libc6@2.36-9%2Bdeb12u4?arch=amd64\"}",
		  "", "libc6@2.36-9+deb12u4" },
		{ "{}", "pkg:npm/%40babel/core@7.0.0", "@babel/core@7.0.0" },
		{ "{}", "pkg:npm/lodash@4.17.20?x=1#sub/path", "lodash@4.17.20" },
		{ "{}", "pkg:", NULL },
		{ "{}", "pkg:npm/", NULL },
		{ "{}", "lodash@4.17.20", NULL },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct strbuf out = STRBUF_INIT;
		json_t *pkg = NULL;
		int rc;

		ck_assert_int_eq(jsonx_parse(cases[i].pkg, strlen(cases[i].pkg), "pkg", &pkg), 0);
		rc = merge_package_key(&out, pkg, cases[i].component);
		if (cases[i].want) {
			ck_assert_int_eq(rc, 0);
			ck_assert_str_eq(out.buf, cases[i].want);
		} else {
			ck_assert_int_lt(rc, 0);
		}
		json_decref(pkg);
		strbuf_release(&out);
	}
}
END_TEST

Suite *dedupe_suite(void)
{
	Suite *s = suite_create("dedupe");
	TCase *tc = tcase_create("dedupe"), *unit = tcase_create("merge");
	const char *what = "imported findings meet vetter's own";

	if (th_have_tool(what, "docker-registry") && th_have_tool(what, "skopeo") && th_have_tool(what, "umoci") &&
	    th_have_tool(what, "htpasswd") && th_have_tool(what, "openssl") && th_have_tool(what, "python3") &&
	    th_have_data(what, OSV_ZIP)) {
		tcase_add_unchecked_fixture(tc, th_reg_start, NULL);
		tcase_set_timeout(tc, 180);
		tcase_add_test(tc, imported_findings_meet_vetters_own);
	}
	tcase_add_test(unit, what_merges_and_what_does_not);
	tcase_add_test(unit, package_keys);
	suite_add_tcase(s, unit);
	suite_add_tcase(s, tc);
	return s;
}
