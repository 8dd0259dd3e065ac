/*
 * Supply chain and money in the engagement's currency (docs/scoring.md,
 * "End-of-life and image-age findings" and "Money").
 *
 * Images of known age and distribution are judged on the engagement's as_of
 * day (2026-11-15), never the clock: past the end of support, or built more
 * than scoring.supply_chain.max_image_age_days before it (the boundary day
 * exactly); an unknown distribution or creation date is "not judged", with
 * the reason, not a pass.  The default loss scenarios (USD) are converted
 * with scoring.fx into the engagement's EUR, figures exact from a fixed seed
 * and checked by the Python reference; without a rate the run stops.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "core/err.h"
#include "core/jsonx.h"
#include "core/strbuf.h"
#include "core/util.h"
#include "report/stage.h"
#include "score_fixture.h"
#include "scoring/stage.h"
#include "th.h"

/* Eight two-byte characters: a created date of 81 bytes, cut at 64 in the middle of one. */
#define Q8 "\xc4\x85\xc4\x85\xc4\x85\xc4\x85\xc4\x85\xc4\x85\xc4\x85\xc4\x85"
#define Q31 Q8 Q8 Q8 "\xc4\x85\xc4\x85\xc4\x85\xc4\x85\xc4\x85\xc4\x85\xc4\x85"

#define IMG(key, doc)                                                                                               \
	"  {\"company\": \"kestrel\", \"source\": \"kestrel-k8s\", \"kind\": \"image\", \"key\": \"" key "\", \"doc\": " doc "},"

static const char spec_text[] =
	"{\"sources\": [{\"id\": \"kestrel-k8s\", \"company\": \"kestrel\", \"type\": \"images\", \"status\": \"done\"}],"
	" \"assets\": ["
	IMG("img:eol", "{\"layers\": [], \"created\": \"2024-03-01T10:00:00Z\", \"os\": {\"id\": \"debian\", \"version_id\": \"10\"}}")
	IMG("img:extended", "{\"layers\": [], \"created\": \"2025-09-01T00:00:00Z\", \"os\": {\"id\": \"debian\", \"version_id\": \"12\"}}")
	IMG("img:fresh", "{\"layers\": [], \"created\": \"2026-10-01T08:30:00.123456789Z\", \"os\": {\"id\": \"ubuntu\", \"version_id\": \"24.04\"}}")
	IMG("img:day365", "{\"layers\": [], \"created\": \"2025-11-15T23:59:59Z\", \"os\": {\"id\": \"ubuntu\", \"version_id\": \"22.04\"}}")
	IMG("img:day366", "{\"layers\": [], \"created\": \"2025-11-14T00:00:00Z\", \"os\": {\"id\": \"ubuntu\", \"version_id\": \"22.04\"}}")
	IMG("img:distroless", "{\"layers\": [], \"created\": \"1970-01-01T00:00:00Z\"}")
	IMG("img:nocreated", "{\"layers\": [], \"os\": {\"id\": \"ubuntu\", \"version_id\": \"22.04\"}}")
	IMG("img:utf8", "{\"layers\": [], \"created\": \"x" Q8 Q8 Q8 Q8 Q8 "\"}")
	IMG("img:wolfi", "{\"layers\": [], \"created\": \"last tuesday\", \"os\": {\"id\": \"wolfi\", \"version_id\": \"20230201\"}}")
	"  {\"company\": \"heron\", \"source\": \"kestrel-k8s\", \"kind\": \"image\", \"key\": \"img:heron\", \"doc\": {\"layers\": []}}"
	" ], \"edges\": [], \"findings\": []}";

static const json_t *by_member(const json_t *list, const char *key, const char *value)
{
	const json_t *v;
	size_t i;

	json_array_foreach(list, i, v)
		if (!strcmp(jsonx_strz(v, key), value))
			return v;
	return NULL;
}

static const json_t *finding_of(const json_t *res, const char *kind, const char *asset)
{
	const json_t *f;
	size_t i;

	json_array_foreach(json_object_get(res, "findings"), i, f)
		if (!strcmp(jsonx_strz(f, "kind"), kind) && !strcmp(jsonx_strz(json_object_get(f, "asset"), "key"), asset))
			return f;
	return NULL;
}

/* "key=reason|..." of a summary part's not_judged, or its findings "key|...", in order. */
static void list_of(const json_t *part, const char *member, struct strbuf *out)
{
	const json_t *v;
	size_t i;

	strbuf_reset(out);
	json_array_foreach(json_object_get(part, member), i, v) {
		if (json_is_string(v))
			strbuf_addf(out, "%s%s", i ? "|" : "", json_string_value(v));
		else
			strbuf_addf(out, "%s%s=%s", i ? "|" : "", jsonx_strz(v, "key"), jsonx_strz(v, "reason"));
	}
}

static json_t *run_spec(struct sf_env *e, const char *extra)
{
	json_t *spec = NULL, *res = NULL;

	ck_assert_int_eq(jsonx_parse(spec_text, sizeof(spec_text) - 1, "supply spec", &spec), 0);
	sf_open(e, spec, extra);
	ck_assert_msg(score_stage(&e->ctx) == 0, "%s", err_last());
	ck_assert_msg(report_results(&e->ctx, &res) == 0, "%s", err_last());
	json_decref(spec);
	return res;
}

static void reference_agrees(struct sf_env *e, json_t *res)
{
	char *script = th_repo_path("tests/lib/score_reference.py"), *tpl = th_repo_path("templates");
	const char *argv[] = { "python3", script, "--templates", tpl, NULL, NULL };
	struct strbuf json = STRBUF_INIT;
	struct th_result r;

	strbuf_addf(&json, "%s/findings.json", e->dir);
	ck_assert_int_eq(report_write_json(res, json.buf), 0);
	argv[4] = json.buf;
	th_run(&r, argv, NULL, NULL, NULL);
	ck_assert_msg(r.status == 0, "score_reference.py: %s%s", r.out.buf, r.err.buf);
	th_result_release(&r);
	strbuf_release(&json);
	free(script), free(tpl);
}

START_TEST(images_judged_by_age_and_end_of_life)
{
	struct sf_env e;
	json_t *res = run_spec(&e, NULL);
	const json_t *f, *k, *sc;
	struct strbuf s = STRBUF_INIT;

	/* Debian 10: no support left on 2026-11-15 (LTS ended 2024-06-30); built 989 days before: twice the limit. */
	f = finding_of(res, "end-of-life", "img:eol");
	ck_assert_ptr_nonnull(f);
	ck_assert_str_eq(jsonx_strz(f, "rule"), "eol:debian-10");
	ck_assert_str_eq(jsonx_strz(f, "severity"), "high");
	ck_assert_str_eq(jsonx_strz(json_object_get(f, "end_of_life"), "eol"), "2022-09-10");
	ck_assert_str_eq(jsonx_strz(json_object_get(f, "end_of_life"), "until"), "2024-06-30");
	ck_assert_str_eq(jsonx_strz(json_object_get(f, "image"), "created"), "2024-03-01T10:00:00Z");
	ck_assert_str_eq(jsonx_strz(json_object_get(f, "image"), "os_version_id"), "10");
	ck_assert_str_eq(jsonx_strz(jsonx_dig(f, "risk"), "domain"), "supply-chain");
	f = finding_of(res, "image-age", "img:eol");
	ck_assert_ptr_nonnull(f);
	ck_assert_str_eq(jsonx_strz(f, "severity"), "medium");
	ck_assert_int_eq(jsonx_int(json_object_get(f, "image_age"), "age_days", 0), 989);
	ck_assert_int_eq(jsonx_int(json_object_get(f, "image_age"), "max_days", 0), 365);
	ck_assert_str_eq(jsonx_strz(json_object_get(f, "image_age"), "as_of"), "2026-11-15");
	ck_assert_str_eq(jsonx_strz(f, "title"),
			 "The image was built 989 days before the as-of day (created 2024-03-01; the limit is 365 days)");
	ck_assert_str_eq(jsonx_strz(jsonx_dig(f, "risk"), "domain"), "supply-chain");
	/* Debian 12: only LTS left (standard support ended 2026-07-11); 440 days old: low. */
	f = finding_of(res, "end-of-life", "img:extended");
	ck_assert_str_eq(jsonx_strz(f, "severity"), "medium");
	ck_assert_str_eq(jsonx_strz(json_object_get(f, "end_of_life"), "status"), "extended-support-only");
	f = finding_of(res, "image-age", "img:extended");
	ck_assert_str_eq(jsonx_strz(f, "severity"), "low");
	ck_assert_int_eq(jsonx_int(json_object_get(f, "image_age"), "age_days", 0), 440);
	/* The boundary: 365 days is within the limit, 366 is not; supported releases make no finding. */
	ck_assert_ptr_null(finding_of(res, "image-age", "img:day365"));
	ck_assert_int_eq(jsonx_int(json_object_get(finding_of(res, "image-age", "img:day366"), "image_age"), "age_days", 0),
			 366);
	ck_assert_ptr_null(finding_of(res, "image-age", "img:fresh"));
	ck_assert_ptr_null(finding_of(res, "end-of-life", "img:fresh"));
	ck_assert_ptr_null(finding_of(res, "end-of-life", "img:day366"));
	/* Unknown distribution or creation date: not judged, each with its reason. */
	k = by_member(jsonx_dig(res, "scores.companies"), "company", "kestrel");
	sc = json_object_get(k, "supply_chain");
	ck_assert_int_eq(jsonx_int(sc, "max_image_age_days", 0), 365);
	ck_assert_int_eq(jsonx_int(json_object_get(sc, "image_age"), "images", 0), 9);
	ck_assert_int_eq(jsonx_int(json_object_get(sc, "image_age"), "judged", 0), 5);
	list_of(json_object_get(sc, "image_age"), "findings", &s);
	ck_assert_str_eq(s.buf, "img:day366|img:eol|img:extended");
	list_of(json_object_get(sc, "image_age"), "not_judged", &s);
	ck_assert_str_eq(s.buf,
			 "img:distroless=creation date 1970-01-01 is a reproducible-build placeholder, not when it was built|"
			 "img:nocreated=no creation date in the image config|"
			 "img:utf8=creation date 'x" Q31 "?' is not an ISO 8601 date|"
			 "img:wolfi=creation date 'last tuesday' is not an ISO 8601 date");
	ck_assert_int_eq(jsonx_int(json_object_get(sc, "end_of_life"), "judged", 0), 6);
	list_of(json_object_get(sc, "end_of_life"), "findings", &s);
	ck_assert_str_eq(s.buf, "img:eol|img:extended");
	list_of(json_object_get(sc, "end_of_life"), "not_judged", &s);
	ck_assert_str_eq(s.buf, "img:distroless=no distribution found (no os-release in the image)|"
				"img:utf8=no distribution found (no os-release in the image)|"
				"img:wolfi=distribution 'wolfi' is not in the end-of-life table");
	/* The acquirer's image was never scanned: judged on neither count. */
	sc = json_object_get(by_member(jsonx_dig(res, "scores.companies"), "company", "heron"), "supply_chain");
	list_of(json_object_get(sc, "end_of_life"), "not_judged", &s);
	ck_assert_str_eq(s.buf, "img:heron=no distribution found (no os-release in the image)");
	list_of(json_object_get(sc, "image_age"), "not_judged", &s);
	ck_assert_str_eq(s.buf, "img:heron=no creation date in the image config");
	/* The findings lower the supply-chain domain like any other. */
	ck_assert_int_lt(jsonx_int(jsonx_dig(k, "domains.supply-chain"), "score", 100), 100);
	reference_agrees(&e, res);
	json_decref(res);
	strbuf_release(&s);
	sf_close(&e);
}
END_TEST

START_TEST(image_age_limit_is_a_parameter)
{
	struct sf_env e;
	json_t *res = run_spec(&e, "  supply_chain: {max_image_age_days: 40}\n");
	const json_t *f;
	struct strbuf s = STRBUF_INIT;

	/* 45 days old against a 40-day limit: low; 366 days is more than twice it: medium. */
	f = finding_of(res, "image-age", "img:fresh");
	ck_assert_str_eq(jsonx_strz(f, "severity"), "low");
	ck_assert_int_eq(jsonx_int(json_object_get(f, "image_age"), "age_days", 0), 45);
	ck_assert_str_eq(jsonx_strz(finding_of(res, "image-age", "img:day366"), "severity"), "medium");
	ck_assert_int_eq(jsonx_int(jsonx_dig(res, "scores.parameters.supply_chain"), "max_image_age_days", 0), 40);
	list_of(jsonx_dig(json_object_get(by_member(jsonx_dig(res, "scores.companies"), "company", "kestrel"),
					  "supply_chain"), "image_age"), "findings", &s);
	ck_assert_str_eq(s.buf, "img:day365|img:day366|img:eol|img:extended|img:fresh");
	reference_agrees(&e, res);
	json_decref(res);
	strbuf_release(&s);
	sf_close(&e);
}
END_TEST

/* ---- money in one currency ---- */

/* Kestrel's annualised loss in EUR (seed 7, 2000 years; recomputed by tests/lib/score_reference.py). */
#define LOSS_P90_BEFORE 2044220
#define LOSS_MEAN_BEFORE 975854
#define LOSS_P90_AFTER 0
#define LOSS_MEAN_AFTER 264059
/* Heron's: nothing recommended to fix, so after equals before. */
#define HERON_P90 2902010
#define HERON_MEAN 1054704

#define ENG "name: D\nclient: C\nas_of: 2026-11-15\ncurrency: EUR\ncompanies:\n" \
	    "  - {id: heron, name: Heron, role: acquirer, sources: [{id: h, type: bundle, path: dr/heron}]}\n" \
	    "  - {id: kestrel, name: Kestrel, role: target, sources: [{id: k, type: bundle, path: dr/kestrel}]}\n"

static void refused(const char *yaml, const char *needle)
{
	char *dir = th_tmpdir();
	struct strbuf eng = STRBUF_INIT, out = STRBUF_INIT;
	struct th_result r;

	strbuf_addf(&eng, "%s/deal.yaml", dir);
	strbuf_addf(&out, "%s/out", dir);
	th_write(eng.buf, yaml);
	th_vetter(&r, NULL, "run", eng.buf, "--out", out.buf, NULL);
	th_assert_status(&r, 2);
	ck_assert_msg(strstr(r.err.buf, needle), "stderr '%s' lacks '%s'", r.err.buf, needle);
	ck_assert_msg(!th_exists(out.buf), "something was written");
	th_result_release(&r);
	th_rm_rf(dir);
	free(dir);
	strbuf_release(&eng), strbuf_release(&out);
}

START_TEST(a_rate_is_needed_for_the_defaults)
{
	refused(ENG, "deal.yaml:4:11: scoring.fx: the engagement's currency is EUR but the default loss scenarios "
		     "(templates/scoring/loss-scenarios.json) are in USD: give the rate as scoring.fx.rate (EUR per 1 USD");
	refused(ENG "scoring:\n  blended_rate: 120\n", "deal.yaml:9:3: scoring.fx: the engagement's currency is EUR");
	refused(ENG "scoring:\n  fx: {from: GBP, rate: 1.15}\n",
		"scoring.fx.from: the default loss scenarios are in USD, not GBP");
	refused(ENG "scoring:\n  fx: {rate: 0}\n", "deal.yaml:9:14: scoring.fx.rate: expected a number above 0");
	refused(ENG "scoring:\n  fx: {from: euro, rate: 1}\n", "scoring.fx.from: expected an ISO 4217 code");
	refused(ENG "scoring:\n  fx: {from: USD}\n", "the key 'rate' is required");
	refused(ENG "scoring:\n  supply_chain: {max_image_age_days: 0}\n",
		"deal.yaml:9:38: scoring.supply_chain.max_image_age_days: expected a number from 1");
}
END_TEST

START_TEST(defaults_converted_to_the_engagement_currency)
{
	char *dir = th_tmpdir(), *gd = th_repo_path("tests/scoring/threat/guardduty-findings.json");
	char *script = th_repo_path("tests/lib/score_reference.py"), *tpl = th_repo_path("templates");
	const char *cp[] = { "cp", gd, NULL, NULL }, *py[] = { "python3", script, "--templates", tpl, NULL, NULL };
	struct strbuf p = STRBUF_INIT, out = STRBUF_INIT, text = STRBUF_INIT;
	const json_t *k, *sc, *loss;
	json_t *doc = NULL;
	struct th_result r;

	strbuf_addf(&p, "%s/dr/kestrel", dir);
	ck_assert_int_eq(util_mkdirs(p.buf, 0700), 0);
	cp[2] = p.buf;
	th_run(&r, cp, NULL, NULL, NULL);
	th_assert_status(&r, 0);
	th_result_release(&r);
	strbuf_reset(&p);
	strbuf_addf(&p, "%s/dr/heron", dir);
	ck_assert_int_eq(util_mkdirs(p.buf, 0700), 0);
	strbuf_addstr(&p, "/gd.json");
	th_write(p.buf, "{\"Findings\": [{\"AccountId\": \"111122223333\", \"Id\": \"h1\", \"Service\": {\"Archived\": false},"
			" \"Severity\": 2, \"Title\": \"Port probe\", \"Type\": \"Recon:EC2/PortProbeUnprotectedPort\"}]}");
	strbuf_reset(&p);
	strbuf_addf(&p, "%s/deal.yaml", dir);
	th_write(p.buf, ENG "scoring:\n  fx: {from: USD, rate: 0.92, basis: ECB reference rate (test)}\n"
			    "  loss: {seed: 7, iterations: 2000}\n");
	strbuf_addf(&out, "%s/out", dir);
	th_vetter(&r, NULL, "run", p.buf, "--out", out.buf, "--no-progress", NULL);
	ck_assert_msg(r.status == 0 || r.status == 3, "exit %d: %s", r.status, r.err.buf);
	th_result_release(&r);
	strbuf_reset(&p);
	strbuf_addf(&p, "%s/findings.json", out.buf);
	th_read(p.buf, &text);
	ck_assert_int_eq(jsonx_parse(text.buf, text.len, p.buf, &doc), 0);

	/* The defaults (USD 0.5 M / 4 M / 12 M) in EUR at 0.92, whole euros; the source figures kept beside. */
	sc = by_member(jsonx_dig(doc, "scores.parameters.loss.scenarios"), "id", "data-breach");
	ck_assert(jsonx_num(json_object_get(sc, "magnitude"), "min", 0) == 460000);
	ck_assert(jsonx_num(json_object_get(sc, "magnitude"), "most_likely", 0) == 3680000);
	ck_assert(jsonx_num(json_object_get(sc, "magnitude"), "max", 0) == 11040000);
	ck_assert_str_eq(jsonx_strz(json_object_get(sc, "magnitude_source"), "currency"), "USD");
	ck_assert(jsonx_num(json_object_get(sc, "magnitude_source"), "most_likely", 0) == 4000000);
	sc = by_member(jsonx_dig(doc, "scores.parameters.loss.scenarios"), "id", "extreme-event");
	ck_assert(jsonx_num(json_object_get(sc, "magnitude"), "most_likely", 0) == 38640000);
	ck_assert_str_eq(jsonx_strz(jsonx_dig(doc, "scores.parameters.loss"), "currency"), "EUR");
	ck_assert(json_is_true(jsonx_dig(doc, "scores.parameters.fx.applied")));
	/* Kestrel's annualised loss, seed 7, 2000 years: exact, and in euros like its remediation cost. */
	k = by_member(jsonx_dig(doc, "scores.companies"), "company", "kestrel");
	loss = json_object_get(k, "loss");
	ck_assert_str_eq(jsonx_strz(loss, "currency"), "EUR");
	ck_assert_str_eq(jsonx_strz(json_object_get(k, "remediation"), "currency"), "EUR");
	ck_assert_int_eq(jsonx_int(json_object_get(loss, "before"), "p50", -1), 0);
	ck_assert_int_eq(jsonx_int(json_object_get(loss, "before"), "p90", -1), LOSS_P90_BEFORE);
	ck_assert_int_eq(jsonx_int(json_object_get(loss, "before"), "mean", -1), LOSS_MEAN_BEFORE);
	ck_assert_int_eq(jsonx_int(json_object_get(loss, "after"), "p90", -1), LOSS_P90_AFTER);
	ck_assert_int_eq(jsonx_int(json_object_get(loss, "after"), "mean", -1), LOSS_MEAN_AFTER);
	ck_assert(jsonx_num(json_array_get(json_object_get(loss, "scenarios"), 0), "reduction", 0) == 0.6933);
	loss = jsonx_dig(by_member(jsonx_dig(doc, "scores.companies"), "company", "heron"), "loss");
	ck_assert_int_eq(jsonx_int(json_object_get(loss, "before"), "p90", -1), HERON_P90);
	ck_assert_int_eq(jsonx_int(json_object_get(loss, "before"), "mean", -1), HERON_MEAN);
	ck_assert_int_eq(jsonx_int(json_object_get(loss, "after"), "mean", -1), HERON_MEAN);
	/* summary.md: one currency. */
	strbuf_reset(&p);
	strbuf_addf(&p, "%s/summary.md", out.buf);
	strbuf_reset(&text);
	th_read(p.buf, &text);
	/* One and three threat detections at the default 16 hours each, 150 an hour. */
	ck_assert_msg(strstr(text.buf, "| Remediation, all fixes | EUR 2,400 | EUR 7,200 |") && !strstr(text.buf, "USD"),
		      "%s", text.buf);
	/* The reference recomputes the conversion from the template and the Monte Carlo from it. */
	strbuf_reset(&p);
	strbuf_addf(&p, "%s/findings.json", out.buf);
	py[4] = p.buf;
	th_run(&r, py, NULL, NULL, NULL);
	ck_assert_msg(r.status == 0, "score_reference.py: %s%s", r.out.buf, r.err.buf);
	th_result_release(&r);
	json_decref(doc);
	th_rm_rf(dir);
	strbuf_release(&p), strbuf_release(&out), strbuf_release(&text);
	free(dir), free(gd), free(script), free(tpl);
}
END_TEST

Suite *scoring_supply_suite(void)
{
	Suite *s = suite_create("scoring-supply");
	TCase *tc = tcase_create("scoring-supply");

	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, a_rate_is_needed_for_the_defaults);
	if (th_have_tool("supply chain and currency", "python3")) {
		tcase_add_test(tc, images_judged_by_age_and_end_of_life);
		tcase_add_test(tc, image_age_limit_is_a_parameter);
		tcase_add_test(tc, defaults_converted_to_the_engagement_currency);
	}
	suite_add_tcase(s, tc);
	return s;
}
