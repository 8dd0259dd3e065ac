/*
 * The board report and its companion files.  PDFs are read back with
 * poppler (pdftotext, pdftoppm, pdffonts) by tests/lib/report_check.py,
 * which recomputes every figure it checks from findings.json on its own;
 * SARIF and SBOMs are validated against the published schemas.
 */
#include <check.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "connectors/connector.h"
#include "core/engagement.h"
#include "core/err.h"
#include "core/jsonx.h"
#include "core/log.h"
#include "core/store.h"
#include "core/util.h"
#include "report/outputs.h"
#include "report/stage.h"
#include "report/template.h"
#include "th.h"
#include "th_demo.h"

static char *path_in(const char *dir, const char *rel)
{
	struct strbuf p = STRBUF_INIT;

	strbuf_addf(&p, "%s/%s", dir, rel);
	return strbuf_detach(&p, NULL);
}

/* A synthetic results document from tests/lib/make_results.py; extra may be NULL. */
static json_t *make_results(const char *dir, const char *name, const char *count, const char *extra)
{
	char *script = th_repo_path("tests/lib/make_results.py"), *out = path_in(dir, name);
	const char *argv[] = { "python3", script, out, "--findings", count, extra, NULL };
	struct th_result res;
	json_t *doc = NULL;

	th_run(&res, argv, NULL, NULL, NULL);
	th_assert_status(&res, 0);
	th_result_release(&res);
	ck_assert_int_eq(jsonx_load_file(out, (size_t)1 << 30, &doc), 0);
	free(script);
	free(out);
	return doc;
}

/* Run report_check.py; returns its stdout's first line ("ok: N checks") after asserting success. */
static void check_pdf(const char *json, const char *pdf, const char *opt, const char *arg)
{
	char *script = th_repo_path("tests/lib/report_check.py");
	const char *argv[] = { "python3", script, json, pdf, opt, arg, NULL };
	struct th_result res;

	th_run(&res, argv, NULL, NULL, NULL);
	ck_assert_msg(res.status == 0, "report_check.py: %s%s", res.out.buf, res.err.buf);
	ck_assert_msg(util_has_prefix(res.out.buf, "ok: "), "%s", res.out.buf);
	th_result_release(&res);
	free(script);
}

static void validate(const char *schema_rel, const char *doc, const char *extra_rel)
{
	char *script = th_repo_path("tests/lib/validate_json.py"), *schema = th_data_path(schema_rel);
	char *extra = extra_rel ? th_data_path(extra_rel) : NULL;
	const char *argv[] = { "python3", script, schema, doc, extra, NULL };
	struct th_result res;

	th_run(&res, argv, NULL, NULL, NULL);
	th_assert_status(&res, 0);
	th_result_release(&res);
	free(script);
	free(schema);
	free(extra);
}

static void render(const json_t *res, const char *path, int redacted)
{
	struct report_opts o = { PDF_A4, NULL, NULL, redacted };
	json_t *tmpl = NULL, *red = NULL;

	ck_assert_int_eq(report_template_load(NULL, &tmpl), 0);
	o.tmpl = tmpl;
	if (redacted) {
		ck_assert_int_eq(report_redact(res, NULL, &red, NULL), 0);
		res = red;
	}
	ck_assert_msg(report_write_pdf(res, &o, "sha256:" "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
				       path) == 0, "%s", err_last());
	json_decref(tmpl);
	json_decref(red);
}

START_TEST(pdf_agrees_with_findings_json)
{
	char *dir = th_tmpdir(), *json = path_in(dir, "findings.json"), *pdf = path_in(dir, "report.pdf");
	char *clean = path_in(dir, "report-clean-team.pdf"), *md = path_in(dir, "summary.md");
	json_t *res = make_results(dir, "findings.json", "400", NULL), *tmpl = NULL;

	render(res, pdf, 0);
	render(res, clean, 1);
	ck_assert_int_eq(report_template_load(NULL, &tmpl), 0);
	ck_assert_int_eq(report_write_summary(res, tmpl, md), 0);
	/* Cover, summary, charts, sections, a register of 400 findings over three pages or more. */
	check_pdf(json, pdf, "--summary", md);
	check_pdf(json, clean, "--redacted", pdf);
	json_decref(res);
	json_decref(tmpl);
	th_rm_rf(dir);
	free(dir), free(json), free(pdf), free(clean), free(md);
}
END_TEST

START_TEST(pdf_without_scores_says_so)
{
	char *dir = th_tmpdir(), *json = path_in(dir, "findings.json"), *pdf = path_in(dir, "report.pdf");
	json_t *res = make_results(dir, "findings.json", "60", "--no-scores");
	struct strbuf text = STRBUF_INIT;
	const char *argv[] = { "pdftotext", pdf, "-", NULL };
	struct th_result out;

	render(res, pdf, 0);
	check_pdf(json, pdf, NULL, NULL);
	th_run(&out, argv, NULL, NULL, NULL);
	th_assert_status(&out, 0);
	/* No zeros standing in for what was not computed. */
	ck_assert_ptr_nonnull(strstr(out.out.buf, "Ratings, risks and money are not available"));
	ck_assert_ptr_nonnull(strstr(out.out.buf, "The consolidation plan is not available"));
	ck_assert_ptr_nonnull(strstr(out.out.buf, "The integration checklist is not available"));
	ck_assert_ptr_null(strstr(out.out.buf, "EUR 0"));
	th_result_release(&out);
	json_decref(res);
	strbuf_release(&text);
	th_rm_rf(dir);
	free(dir), free(json), free(pdf);
}
END_TEST

START_TEST(sarif_is_valid_and_complete)
{
	char *dir = th_tmpdir(), *path = path_in(dir, "findings.sarif");
	json_t *res = make_results(dir, "findings.json", "300", NULL), *sarif = NULL, *results, *r, *f;
	size_t i, gaps = 0, suppressed = 0, errors = 0;

	ck_assert_int_eq(report_write_sarif(res, path), 0);
	validate("schemas/sarif-schema-2.1.0.json", path, NULL);
	validate("schemas/sarif-schema-2.1.0.draft07-prose-variant.json", path, NULL);
	ck_assert_int_eq(jsonx_load_file(path, (size_t)1 << 30, &sarif), 0);
	ck_assert_str_eq(jsonx_str(sarif, "version"), "2.1.0");
	results = jsonx_dig(json_array_get(json_object_get(sarif, "runs"), 0), "results");
	ck_assert_uint_eq(json_array_size(results), json_array_size(json_object_get(res, "findings")));
	json_array_foreach(json_object_get(res, "findings"), i, f) {
		const char *sev = jsonx_strz(f, "severity");

		r = json_array_get(results, i);
		ck_assert_str_eq(jsonx_strz(jsonx_dig(r, "partialFingerprints"), "vetterFindingId/v1"), jsonx_strz(f, "id"));
		ck_assert_str_eq(jsonx_strz(r, "ruleId"), jsonx_strz(f, "rule"));
		if (!strcmp(jsonx_strz(f, "kind"), "gap")) {
			gaps++;
			ck_assert_str_eq(jsonx_strz(r, "kind"), "open");
			ck_assert_str_eq(jsonx_strz(r, "level"), "none");
		} else {
			ck_assert_str_eq(jsonx_strz(r, "kind"), "fail");
			ck_assert_str_eq(jsonx_strz(r, "level"), !strcmp(sev, "critical") || !strcmp(sev, "high") ? "error"
								: !strcmp(sev, "medium")		      ? "warning"
								: !strcmp(sev, "unknown")		      ? "none"
													      : "note");
			errors += !strcmp(jsonx_strz(r, "level"), "error");
		}
		if (strcmp(jsonx_strz(f, "status"), "open")) {
			suppressed++;
			ck_assert_uint_eq(json_array_size(json_object_get(r, "suppressions")), 1);
		} else {
			ck_assert_ptr_null(json_object_get(r, "suppressions"));
		}
	}
	ck_assert_uint_gt(gaps, 0);
	ck_assert_uint_gt(suppressed, 0);
	ck_assert_uint_gt(errors, 0);
	json_decref(sarif);
	json_decref(res);
	th_rm_rf(dir);
	free(dir), free(path);
}
END_TEST

START_TEST(redaction_replaces_names_everywhere)
{
	const char *doc =
		"{\"companies\": [{\"id\": \"kestrel\", \"name\": \"Kestrel Payments\"}],"
		" \"sources\": [{\"id\": \"k-aws\", \"name\": \"prod-org-root\", \"error\": \"AccessDenied for 123456789012 at 10.1.2.3\"}],"
		" \"findings\": [{\"kind\": \"secret\", \"company\": \"kestrel\", \"component\": \"/srv/.env\","
		"   \"asset\": {\"kind\": \"image\", \"key\": \"reg.kestrel.example.com/pay@sha256:ab\", \"name\": \"reg.kestrel.example.com/pay:1\"},"
		"   \"title\": \"AWS key in /srv/.env of reg.kestrel.example.com/pay:1, pushed by ci.kestrel.io.\"},"
		"  {\"kind\": \"manual\", \"company\": \"kestrel\", \"asset\": {\"kind\": \"company\", \"key\": \"kestrel\", \"name\": \"kestrel\"},"
		"   \"title\": \"Kestrel Payments has no incident plan (see v1.2.3 and k8s.rule.x)\"}]}";
	json_t *in = NULL, *out = NULL, *f0, *f1;

	ck_assert_int_eq(jsonx_parse(doc, strlen(doc), "doc", &in), 0);
	ck_assert_int_eq(report_redact(in, NULL, &out, NULL), 0);
	f0 = json_array_get(json_object_get(out, "findings"), 0);
	f1 = json_array_get(json_object_get(out, "findings"), 1);
	ck_assert_str_eq(jsonx_strz(json_object_get(f0, "asset"), "key"), "image 1");
	ck_assert_str_eq(jsonx_strz(json_object_get(f0, "asset"), "name"), "image 2");
	ck_assert_str_eq(jsonx_strz(f0, "component"), "secret location 1");
	ck_assert_str_eq(jsonx_strz(f0, "title"), "AWS key in secret location 1 of image 2, pushed by [host].");
	ck_assert_str_eq(jsonx_strz(json_array_get(json_object_get(out, "sources"), 0), "name"), "source 1");
	ck_assert_str_eq(jsonx_strz(json_array_get(json_object_get(out, "sources"), 0), "error"),
			 "AccessDenied for [account id] at [address]");
	/* The company, versions and rule ids stay. */
	ck_assert_str_eq(jsonx_strz(f1, "company"), "kestrel");
	ck_assert_str_eq(jsonx_strz(json_object_get(f1, "asset"), "key"), "kestrel");
	ck_assert_str_eq(jsonx_strz(f1, "title"), "Kestrel Payments has no incident plan (see v1.2.3 and k8s.rule.x)");
	/* The input is not touched. */
	ck_assert_str_eq(jsonx_strz(json_array_get(json_object_get(in, "sources"), 0), "name"), "prod-org-root");
	json_decref(in);
	json_decref(out);
}
END_TEST

START_TEST(credentials_scrubbed_before_rendering)
{
	const char *doc = "{\"findings\": [{\"title\": \"login failed with token tok-9f8e7d6c5b4a\", \"id\": \"VF-1\"}]}";
	json_t *in = NULL, *out = NULL;

	ck_assert_int_eq(jsonx_parse(doc, strlen(doc), "doc", &in), 0);
	ck_assert_int_eq(report_scrub(in, &out), 0);
	ck_assert_ptr_null(out); /* nothing registered matches yet */
	log_secret_add("tok-9f8e7d6c5b4a", strlen("tok-9f8e7d6c5b4a"));
	ck_assert_int_eq(report_scrub(in, &out), 0);
	ck_assert_ptr_nonnull(out);
	ck_assert_str_eq(jsonx_strz(json_array_get(json_object_get(out, "findings"), 0), "title"),
			 "login failed with token [REDACTED]");
	json_decref(in);
	json_decref(out);
}
END_TEST

START_TEST(templates_from_the_engagement)
{
	char *dir = th_tmpdir(), *eng_path = path_in(dir, "engagement.yaml"), *tdir = path_in(dir, "brand/report");
	char *tfile = path_in(dir, "brand/report/report.json");
	struct engagement *eng = NULL;
	json_t *t = NULL;

	ck_assert_int_eq(util_mkdirs(tdir, 0755), 0);
	th_write(tfile, "{\"colours\": {\"accent\": \"#112233\"}, \"texts\": {\"method\": \"Our own method.\"}}");
	th_write_fmt(eng_path, "name: T\nclient: C\nas_of: 2026-11-15\nreport:\n  firm: Ørsted & Partners\n"
			       "  templates: brand\ncompanies:\n  - id: a\n    name: A\n    role: target\n"
			       "    sources:\n      - type: images\n        refs: [dir:x]\n");
	ck_assert_msg(engagement_load(&eng, eng_path, connector_type_info) == 0, "%s", err_last());
	ck_assert_msg(report_template_load(eng, &t) == 0, "%s", err_last());
	ck_assert_str_eq(jsonx_strz(t, "firm"), "Ørsted & Partners");
	ck_assert_str_eq(report_text(t, "method"), "Our own method.");
	/* Keys the engagement's template does not give come from the shipped one. */
	ck_assert_ptr_nonnull(strstr(report_text(t, "not_seen"), "no evidence, not no risk"));
	ck_assert(report_colour(t, "accent", pdf_black).r > 0.066f && report_colour(t, "accent", pdf_black).r < 0.068f);
	ck_assert(util_has_suffix(jsonx_strz(t, "logo_path"), "/templates/report/logo.png"));
	json_decref(t);
	t = NULL;
	/* A logo named outside the template folder is refused. */
	th_write(tfile, "{\"logo\": \"../../../../../etc/passwd\"}");
	ck_assert_int_eq(report_template_load(eng, &t), ERR_USAGE);
	ck_assert_ptr_nonnull(strstr(err_last(), "logo"));
	ck_assert_ptr_null(t);
	engagement_free(eng);
	th_rm_rf(dir);
	free(dir), free(eng_path), free(tdir), free(tfile);
}
END_TEST

struct sbom_count {
	struct store *st;
	int n;
};

static int count_scanned(void *vctx, const struct store_asset *a)
{
	struct sbom_count *c = vctx;
	struct strbuf pk = STRBUF_INIT;

	if (store_cache_get(c->st, "image-packages", a->key, &pk) == 0)
		c->n++;
	err_clear();
	strbuf_release(&pk);
	return 0;
}

START_TEST(run_writes_every_output)
{
	char *dir = th_demo_copy(), *eng = path_in(dir, "demo/engagement.yaml"), *out = path_in(dir, "out");
	char *json = path_in(dir, "out/findings.json"), *pdf = path_in(dir, "out/report.pdf");
	char *clean = path_in(dir, "out/report-clean-team.pdf"), *sarif = path_in(dir, "out/findings.sarif");
	char *md = path_in(dir, "out/summary.md"), *sbom_dir = path_in(dir, "out/sbom");
	char *store_path = path_in(dir, "demo/engagement.vetter/store.sqlite");
	struct sbom_count sc = { NULL, 0 };
	struct th_result res;
	struct dirent *de;
	DIR *d;
	int files = 0;

	th_vetter(&res, NULL, "run", eng, "--out", out, "--redact", "clean-team", "--vulndb", th_demo_vulndb(), NULL);
	th_assert_status(&res, 3);
	th_result_release(&res);
	check_pdf(json, pdf, "--summary", md);
	check_pdf(json, clean, "--redacted", pdf);
	validate("schemas/sarif-schema-2.1.0.json", sarif, NULL);
	/* One valid CycloneDX SBOM per image the scan read. */
	ck_assert_ptr_nonnull(d = opendir(sbom_dir));
	while ((de = readdir(d))) {
		char *p;

		if (!util_has_suffix(de->d_name, ".cdx.json"))
			continue;
		p = path_in(sbom_dir, de->d_name);
		validate("schemas/cyclonedx-1.6/bom-1.6.schema.json", p, "schemas/cyclonedx-1.6/spdx.schema.json");
		free(p);
		files++;
	}
	closedir(d);
	ck_assert_int_eq(store_open(&sc.st, store_path), 0);
	ck_assert_int_eq(store_asset_foreach(sc.st, NULL, "image", count_scanned, &sc), 0);
	store_close(sc.st);
	ck_assert_int_gt(sc.n, 0);
	ck_assert_int_eq(files, sc.n);
	/* Without --redact the clean-team edition of the last run does not linger. */
	th_vetter(&res, NULL, "run", eng, "--out", out, "--only", "report", "--vulndb", th_demo_vulndb(), NULL);
	th_assert_status(&res, 3);
	th_result_release(&res);
	ck_assert(th_exists(pdf));
	ck_assert(!th_exists(clean));
	/* Only the report again, for the clean team. */
	th_vetter(&res, NULL, "run", eng, "--out", out, "--only", "report", "--redact", "clean-team", "--vulndb",
		  th_demo_vulndb(), NULL);
	th_assert_status(&res, 3);
	th_result_release(&res);
	check_pdf(json, clean, "--redacted", pdf);
	th_rm_rf(dir);
	free(dir), free(eng), free(out), free(json), free(pdf), free(clean), free(sarif), free(md), free(sbom_dir);
	free(store_path);
}
END_TEST

static int have_poppler(const char *test)
{
	return th_have_tool(test, "python3") && th_have_tool(test, "pdftotext") && th_have_tool(test, "pdftoppm") &&
	       th_have_tool(test, "pdffonts") && th_have_tool(test, "pdfinfo");
}

Suite *report_suite(void)
{
	Suite *s = suite_create("report");
	TCase *tc = tcase_create("report");

	tcase_set_timeout(tc, 300);
	if (have_poppler("pdf_agrees_with_findings_json"))
		tcase_add_test(tc, pdf_agrees_with_findings_json);
	if (have_poppler("pdf_without_scores_says_so"))
		tcase_add_test(tc, pdf_without_scores_says_so);
	if (th_have_tool("sarif_is_valid_and_complete", "python3") &&
	    th_have_data("sarif_is_valid_and_complete", "schemas/sarif-schema-2.1.0.json"))
		tcase_add_test(tc, sarif_is_valid_and_complete);
	tcase_add_test(tc, redaction_replaces_names_everywhere);
	tcase_add_test(tc, templates_from_the_engagement);
	tcase_add_test(tc, credentials_scrubbed_before_rendering);
	suite_add_tcase(s, tc);
	if (have_poppler("run_writes_every_output") && th_have_data("run_writes_every_output", "schemas/cyclonedx-1.6") &&
	    th_demo_have_tools("run_writes_every_output") && th_demo_have_data("run_writes_every_output")) {
		TCase *demo = tcase_create("report demo run");

		tcase_set_timeout(demo, 600);
		tcase_add_unchecked_fixture(demo, th_demo_build, NULL);
		tcase_add_test(demo, run_writes_every_output);
		suite_add_tcase(s, demo);
	}
	return s;
}
