/*
 * Scoring: the SSVC model against CERT/CC's published decision tables, the
 * `scoring` key refused before a run, and the synthetic engagement of
 * tests/scoring/ scored end to end, with exact expectations and the Python
 * reference implementation (tests/lib/score_reference.py) agreeing.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/err.h"
#include "core/jsonx.h"
#include "core/util.h"
#include "report/stage.h"
#include "score_fixture.h"
#include "scoring/config.h"
#include "scoring/manual.h"
#include "scoring/ssvc.h"
#include "scoring/stage.h"
#include "th.h"

#define DEPLOYER_CSV "ssvc/deployer_patch_application_priority_1_0_0.csv"
#define HUMAN_CSV "ssvc/human_impact_1_0_0.csv"

static json_t *load_model_doc(void)
{
	char *path = th_repo_path("templates/scoring/ssvc-deployer.json");
	json_t *doc = NULL;

	ck_assert_int_eq(jsonx_load_file(path, 0, &doc), 0);
	free(path);
	return doc;
}

/* Split one CSV line (no quoted commas in the data rows) into at most max fields. */
static size_t csv_fields(char *line, char **f, size_t max)
{
	size_t n = 0;
	char *p = line;

	line[strcspn(line, "\r\n")] = 0;
	while (n < max) {
		f[n++] = p;
		p = strchr(p, ',');
		if (!p)
			break;
		*p++ = 0;
	}
	return n;
}

START_TEST(ssvc_matches_the_deployer_table)
{
	char *path = th_data_path(DEPLOYER_CSV), line[512], *f[8];
	json_t *doc = load_model_doc();
	struct ssvc_model m;
	FILE *fp = fopen(path, "r");
	int rows = 0, counts[4] = { 0 };

	ck_assert_ptr_nonnull(fp);
	ck_assert_int_eq(ssvc_model_parse(&m, doc, "ssvc-deployer.json"), 0);
	ck_assert_ptr_nonnull(fgets(line, sizeof(line), fp)); /* header */
	while (fgets(line, sizeof(line), fp)) {
		int e, x, a, h, want;

		ck_assert_uint_eq(csv_fields(line, f, 8), 6);
		e = score_index(ssvc_exploitation_names, f[1]);
		x = score_index(ssvc_exposure_names, f[2]);
		a = score_index(ssvc_automatable_names, f[3]);
		h = score_index(ssvc_human_names, f[4]);
		want = score_index(ssvc_outcome_names, f[5]);
		ck_assert_msg(e >= 0 && x >= 0 && a >= 0 && h >= 0 && want >= 0, "row %s: unknown value", f[0]);
		ck_assert_msg(ssvc_decide(&m, e, x, a, h) == want, "row %s (%s, %s, %s, %s): got %s, CERT/CC says %s",
			      f[0], f[1], f[2], f[3], f[4], ssvc_outcome_names[ssvc_decide(&m, e, x, a, h)], f[5]);
		counts[want]++;
		rows++;
	}
	ck_assert_int_eq(rows, 72);
	/* The table's own distribution, so a reader can see what was compared. */
	ck_assert_int_eq(counts[SSVC_DEFER], 7);
	ck_assert_int_eq(counts[SSVC_IMMEDIATE], 3);
	ck_assert_int_eq(counts[SSVC_DEFER] + counts[SSVC_SCHEDULED] + counts[SSVC_OUT_OF_CYCLE] + counts[SSVC_IMMEDIATE],
			 72);
	fclose(fp);
	json_decref(doc);
	free(path);
}
END_TEST

START_TEST(ssvc_matches_the_human_impact_table)
{
	char *path = th_data_path(HUMAN_CSV), line[512], *f[8];
	json_t *doc = load_model_doc();
	struct ssvc_model m;
	FILE *fp = fopen(path, "r");
	int rows = 0;

	ck_assert_ptr_nonnull(fp);
	ck_assert_int_eq(ssvc_model_parse(&m, doc, "ssvc-deployer.json"), 0);
	ck_assert_ptr_nonnull(fgets(line, sizeof(line), fp));
	while (fgets(line, sizeof(line), fp)) {
		int s, mi, want;

		ck_assert_uint_eq(csv_fields(line, f, 8), 4);
		s = score_index(ssvc_safety_names, f[1]);
		mi = score_index(ssvc_mission_names, f[2]);
		want = score_index(ssvc_human_names, f[3]);
		ck_assert_msg(s >= 0 && mi >= 0 && want >= 0, "row %s: unknown value", f[0]);
		ck_assert_msg(ssvc_human_impact(&m, s, mi) == want, "row %s (%s, %s): CERT/CC says %s", f[0], f[1], f[2],
			      f[3]);
		rows++;
	}
	ck_assert_int_eq(rows, 16);
	fclose(fp);
	json_decref(doc);
	free(path);
}
END_TEST

START_TEST(ssvc_model_must_decide_everything)
{
	json_t *doc = load_model_doc();
	struct ssvc_model m;

	ck_assert_int_eq(ssvc_decide(&m, 3, 0, 0, 0), -1);
	json_object_del(json_object_get(json_object_get(json_object_get(doc, "tree"), "active"), "open"), "yes");
	ck_assert_int_eq(ssvc_model_parse(&m, doc, "x.json"), ERR_INVALID);
	ck_assert_msg(strstr(err_last(), "tree.active.open.yes"), "%s", err_last());
	json_decref(doc);
	doc = load_model_doc();
	json_array_set_new(json_object_get(json_object_get(doc, "decision_points"), "human_impact"), 3,
			   json_string("extreme"));
	ck_assert_int_eq(ssvc_model_parse(&m, doc, "x.json"), ERR_INVALID);
	json_decref(doc);
}
END_TEST

/* ---- the scoring key is checked before a run ---- */

#define HEAD "name: D\nclient: C\nas_of: 2026-11-15\ncompanies:\n  - id: a\n    name: A\n    role: target\n" \
	     "    sources:\n      - type: images\n        refs: [dir:x]\n"

static void refused(const char *scoring, const char *needle)
{
	char *dir = th_tmpdir();
	struct strbuf eng = STRBUF_INIT, out = STRBUF_INIT, state = STRBUF_INIT, yaml = STRBUF_INIT;
	struct th_result res;

	strbuf_addf(&eng, "%s/deal.yaml", dir);
	strbuf_addf(&out, "%s/out", dir);
	strbuf_addf(&state, "%s/deal.vetter", dir);
	strbuf_addf(&yaml, "%sscoring:\n%s", HEAD, scoring);
	th_write(eng.buf, yaml.buf);
	th_vetter(&res, NULL, "run", eng.buf, "--out", out.buf, NULL);
	th_assert_status(&res, 2);
	ck_assert_msg(strstr(res.err.buf, needle), "stderr '%s' lacks '%s'", res.err.buf, needle);
	ck_assert_msg(!th_exists(out.buf) && !th_exists(state.buf), "something was written before the file was checked");
	th_result_release(&res);
	th_rm_rf(dir);
	free(dir);
	strbuf_release(&eng);
	strbuf_release(&out);
	strbuf_release(&state);
	strbuf_release(&yaml);
}

START_TEST(bad_scoring_keys_stop_the_run)
{
	refused("  colour: blue\n", "deal.yaml:12:3: scoring: unknown key 'colour'");
	refused("  coverage_threshold: 1.5\n", "deal.yaml:12:23: scoring.coverage_threshold: expected a number from 0");
	refused("  default_criticality: severe\n", "'severe' is not one of: low, medium, high, critical");
	refused("  rating: {penalty: 0}\n", "scoring.rating.penalty: expected a number above 0");
	refused("  rating: {grades: {A: 80, B: 85, C: 70, D: 60}}\n", "B must not be above A");
	refused("  criticality:\n    - {namespace: payments}\n", "the key 'level' is required");
	refused("  recommend: [soon]\n", "'soon' is not one of: defer, scheduled, out-of-cycle, immediate");
	refused("  loss:\n    iterations: 5\n", "scoring.loss.iterations: expected a number from 100");
	refused("  loss:\n    scenarios:\n      - {id: s, name: S, frequency: {min: 2, most_likely: 1, max: 3},"
		" magnitude: {min: 1, most_likely: 2, max: 3}}\n",
		"scoring.loss.scenarios[0].frequency: expected 0 <= min <= most_likely <= max");
	refused("  loss:\n    scenarios:\n      - {id: s, name: S, companies: [b], frequency: {min: 0, most_likely: 1,"
		" max: 3}, magnitude: {min: 1, most_likely: 2, max: 3}}\n",
		"no company 'b' in the engagement");
	refused("  loss:\n    scenarios:\n      - {id: s, name: S, frequency: {min: 0, most_likely: 1, max: 3},"
		" magnitude: {min: 1, most_likely: 2, max: 3}}\n      - {id: s, name: T, frequency: {min: 0,"
		" most_likely: 1, max: 3}, magnitude: {min: 1, most_likely: 2, max: 3}}\n",
		"duplicate scenario id 's'");
	refused("  loss:\n    scenarios:\n      - {id: s, name: S, domains: [finance], frequency: {min: 0, most_likely: 1,"
		" max: 3}, magnitude: {min: 1, most_likely: 2, max: 3}}\n",
		"'finance' is not one of: vulnerabilities");
}
END_TEST

START_TEST(templates_missing_stop_the_run)
{
	char *dir = th_tmpdir();
	struct strbuf eng = STRBUF_INIT, env = STRBUF_INIT;
	const char *envv[] = { NULL, NULL };
	struct th_result res;

	strbuf_addf(&eng, "%s/deal.yaml", dir);
	strbuf_addf(&env, "VETTER_TEMPLATES=%s/nowhere", dir);
	envv[0] = env.buf;
	th_write(eng.buf, HEAD);
	th_vetter(&res, envv, "run", eng.buf, "--out", dir, NULL);
	th_assert_status(&res, 2);
	ck_assert_msg(strstr(res.err.buf, "scoring template"), "%s", res.err.buf);
	th_result_release(&res);
	th_rm_rf(dir);
	free(dir);
	strbuf_release(&eng);
	strbuf_release(&env);
}
END_TEST

/* ---- the synthetic engagement ---- */

static const json_t *finding_by(const json_t *res, const char *rule, const char *asset_key)
{
	const json_t *f;
	size_t i;

	json_array_foreach(json_object_get(res, "findings"), i, f)
		if (!strcmp(jsonx_strz(f, "rule"), rule) && !strcmp(jsonx_strz(json_object_get(f, "asset"), "key"), asset_key))
			return f;
	ck_abort_msg("no finding %s on %s", rule, asset_key);
	return NULL;
}

static const json_t *company_scores(const json_t *res, const char *id)
{
	const json_t *c;
	size_t i;

	json_array_foreach(jsonx_dig(res, "scores.companies"), i, c)
		if (!strcmp(jsonx_strz(c, "company"), id))
			return c;
	ck_abort_msg("no scores for %s", id);
	return NULL;
}

static const json_t *by_member(const json_t *list, const char *key, const char *value)
{
	const json_t *v;
	size_t i;

	json_array_foreach(list, i, v)
		if (!strcmp(jsonx_strz(v, key), value))
			return v;
	return NULL;
}

static void expect_risk(const json_t *res, const char *rule, const char *asset, const char *exposure,
			const char *running, const char *crit, const char *decision, const char *priority)
{
	const json_t *r = json_object_get(finding_by(res, rule, asset), "risk");

	ck_assert_msg(r, "%s on %s has no risk", rule, asset);
	ck_assert_str_eq(jsonx_strz(r, "exposure"), exposure);
	ck_assert_str_eq(jsonx_strz(r, "running"), running);
	ck_assert_str_eq(jsonx_strz(r, "criticality"), crit);
	if (decision)
		ck_assert_str_eq(jsonx_strz(json_object_get(r, "ssvc"), "decision"), decision);
	else
		ck_assert(json_is_null(json_object_get(r, "ssvc")));
	ck_assert_str_eq(jsonx_strz(r, "priority"), priority);
}

static json_t *score_synthetic(struct sf_env *e, const char *extra)
{
	json_t *spec = sf_spec(), *res = NULL, *manual = NULL;

	sf_open(e, spec, extra);
	/*
	 * The manual findings recorded as the assess stage records them, and score applies the
	 * overrides.  The rule packs are not run: the fixture's rule results (its cache) stand for
	 * a rule run over resources the fixture does not hold (test_scoring_e2e.c runs them).
	 */
	ck_assert_msg(manual_load(e->eng, &manual) == 0, "%s", err_last());
	ck_assert_int_eq(store_begin(e->st), 0);
	ck_assert_msg(manual_record(e->eng, manual, e->st, "assess") == 0, "%s", err_last());
	ck_assert_int_eq(store_commit(e->st), 0);
	json_decref(manual);
	ck_assert_msg(score_stage(&e->ctx) == 0, "%s", err_last());
	ck_assert_msg(report_results(&e->ctx, &res) == 0, "%s", err_last());
	json_decref(spec);
	return res;
}

START_TEST(synthetic_engagement_scores)
{
	struct sf_env e;
	json_t *res = score_synthetic(&e, NULL);
	const json_t *k, *h, *g, *is, *cov, *r, *c;
	const char *api = "registry:r.example/api:1", *worker = "registry:r.example/worker:1";

	/* Per finding: exposure and criticality from the graph, SSVC, priority. */
	expect_risk(res, "CVE-2024-0001", api, "open", "yes", "critical", "immediate", "immediate");
	expect_risk(res, "CVE-2024-0001", worker, "controlled", "yes", "critical", "out-of-cycle", "out-of-cycle");
	expect_risk(res, "GHSA-aaaa-bbbb-cccc", api, "open", "yes", "critical", "out-of-cycle", "out-of-cycle");
	expect_risk(res, "GHSA-aaaa-bbbb-cccc", "registry:r.example/batch:1", "controlled", "yes", "medium", "defer",
		    "defer");
	expect_risk(res, "CVE-2023-9999", "registry:r.example/old:1", "small", "no", "medium", "defer", "defer");
	expect_risk(res, "CVE-2022-3333", "dir:images/heron-app", "controlled", "unknown", "medium", "defer", "defer");
	expect_risk(res, "secret:aws-access-key", api, "open", "yes", "critical", NULL, "out-of-cycle");
	expect_risk(res, "k8s.privileged", "prod/CronJob/tools/batch", "controlled", "n/a", "medium", NULL, "scheduled");
	expect_risk(res, "aws.s3.bucket-public-read", "arn:aws:s3:::kestrel-cards", "open", "n/a", "medium", NULL,
		    "immediate");
	r = json_object_get(finding_by(res, "CVE-2024-0001", api), "risk");
	ck_assert_str_eq(jsonx_strz(r, "exploitation_basis"), "KEV");
	ck_assert_str_eq(jsonx_strz(json_object_get(r, "ssvc"), "human_impact"), "very high");
	ck_assert_str_eq(json_string_value(json_array_get(json_object_get(r, "red_flags"), 0)), "kev-internet-facing");
	ck_assert_str_eq(jsonx_strz(r, "exposure_basis"), "service payments/api-lb faces the internet");
	ck_assert(jsonx_num(r, "epss", 0) == 0.91 && jsonx_num(r, "likelihood", 0) == 1.0 &&
		  jsonx_num(r, "impact", 0) == 1.0 && jsonx_int(r, "likelihood_level", 0) == 5);
	r = json_object_get(finding_by(res, "CVE-2022-3333", "dir:images/heron-app"), "risk");
	ck_assert(jsonx_num(r, "likelihood", 0) == 0.18 && jsonx_num(r, "impact", 0) == 0.35 &&
		  jsonx_num(r, "score", 0) == 0.063 && jsonx_num(r, "epss", 0) == 0.05);
	/* The overridden finding is not counted, and says who, when and why. */
	g = finding_by(res, "CVE-2023-1111", "registry:r.example/old:1");
	ck_assert_str_eq(jsonx_strz(g, "status"), "false-positive");
	ck_assert_ptr_null(json_object_get(g, "risk"));

	k = company_scores(res, "kestrel");
	h = company_scores(res, "heron");
	/* Issues: one per vulnerability and package, rule or credential. */
	ck_assert_uint_eq(json_array_size(json_object_get(k, "issues")), 8);
	is = json_array_get(json_object_get(k, "issues"), 0);
	ck_assert_str_eq(jsonx_strz(is, "priority"), "immediate");
	ck_assert_uint_eq(json_array_size(json_object_get(by_member(json_object_get(k, "issues"), "rule",
								      "GHSA-aaaa-bbbb-cccc"), "assets")), 2);
	ck_assert_uint_eq(json_array_size(json_object_get(by_member(json_object_get(k, "issues"), "rule",
								      "k8s.privileged"), "assets")), 3);
	ck_assert_uint_eq(json_array_size(json_object_get(by_member(json_object_get(k, "issues"), "rule",
								      "secret:aws-access-key"), "findings")), 2);
	/* Remediation groups: base image, package, chart, credential, rule, finding. */
	g = jsonx_dig(k, "remediation.groups");
	ck_assert_uint_eq(json_array_size(g), 9);
	ck_assert_int_eq(jsonx_int(by_member(g, "type", "base-image"), "assets", 0), 2);
	ck_assert_str_eq(jsonx_strz(by_member(g, "type", "base-image"), "about"), "sha256:l1");
	ck_assert_str_eq(jsonx_strz(by_member(g, "type", "chart"), "about"), "payments-1.0");
	ck_assert_int_eq(jsonx_int(by_member(g, "type", "chart"), "assets", 0), 2);
	ck_assert_int_eq(jsonx_int(by_member(g, "about", "npm/lodash"), "assets", 0), 2);
	ck_assert_str_eq(jsonx_strz(by_member(g, "about", "npm/lodash"), "fix"),
			 "Upgrade npm/lodash in 2 asset(s) to a fixed version (4.17.21).");
	ck_assert(jsonx_num(json_object_get(k, "remediation"), "hours", 0) == 89.0);
	ck_assert_int_eq(jsonx_int(json_object_get(k, "remediation"), "cost", 0), 8900);
	ck_assert(jsonx_num(json_object_get(k, "remediation"), "recommended_hours", 0) == 78.0);
	ck_assert_int_eq(jsonx_int(json_object_get(k, "remediation"), "recommended_cost", 0), 7800);
	ck_assert_str_eq(jsonx_strz(json_object_get(k, "remediation"), "currency"), "EUR");
	/* Coverage: 8 units, one partial, two not assessed. */
	cov = json_object_get(k, "coverage");
	ck_assert_int_eq(jsonx_int(cov, "units", 0), 8);
	ck_assert(jsonx_num(cov, "credit", 0) == 5.5 && jsonx_num(cov, "ratio", 0) == 0.688);
	ck_assert_str_eq(jsonx_strz(by_member(json_object_get(cov, "list"), "key", "222222222222"), "state"),
			 "not-assessed");
	ck_assert_str_eq(jsonx_strz(by_member(json_object_get(cov, "list"), "key", "ec2 instances (eu-west-1)"), "state"),
			 "not-assessed");
	ck_assert_str_eq(jsonx_strz(jsonx_dig(k, "rating"), "status"), "rated");
	ck_assert_str_eq(jsonx_strz(jsonx_dig(k, "domains.data-protection"), "status"), "insufficient-evidence");
	ck_assert_int_eq(jsonx_int(k, "asset_count", 0), 15);
	ck_assert_int_eq(jsonx_int(h, "asset_count", 0), 3);
	ck_assert(jsonx_int(jsonx_dig(k, "rating"), "score", 100) < jsonx_int(jsonx_dig(h, "rating"), "score", 0));
	/* Compliance counts from the assess stage's results. */
	c = by_member(json_object_get(k, "compliance"), "framework", "nist_800_53_r5");
	ck_assert_str_eq(jsonx_strz(c, "text"), "automated checks: 2 passed of 6, covering 4 mapped controls");
	ck_assert_int_eq(jsonx_int(c, "errors", 0), 1);
	c = by_member(json_object_get(k, "compliance"), "framework", "cis");
	ck_assert_str_eq(jsonx_strz(c, "text"), "automated checks: 2 passed of 5, covering 2 mapped controls");
	ck_assert_uint_eq(json_array_size(json_object_get(h, "compliance")), 0);
	/* Red flags, conditions for counsel and Day-1 notes. */
	ck_assert_uint_eq(json_array_size(json_object_get(k, "red_flags")), 4);
	ck_assert_uint_eq(json_array_size(json_object_get(h, "red_flags")), 0);
	ck_assert_uint_eq(json_array_size(jsonx_dig(res, "scores.deal.conditions")), 3);
	ck_assert_ptr_nonnull(by_member(jsonx_dig(res, "scores.deal.conditions"), "id", "escrow-holdback"));
	ck_assert_uint_eq(json_array_size(jsonx_dig(res, "scores.deal.day1")), 3);
	ck_assert_str_eq(jsonx_strz(json_array_get(jsonx_dig(res, "scores.comparison.columns"), 0), "company"), "heron");
	/* Money: the scenario applying to one company only, after never above before. */
	ck_assert_uint_eq(json_array_size(jsonx_dig(h, "loss.scenarios")), 1);
	ck_assert_uint_eq(json_array_size(jsonx_dig(k, "loss.scenarios")), 2);
	ck_assert(jsonx_int(jsonx_dig(k, "loss.after"), "p90", 0) <= jsonx_int(jsonx_dig(k, "loss.before"), "p90", 0));
	ck_assert(jsonx_int(jsonx_dig(k, "loss.after"), "mean", 0) < jsonx_int(jsonx_dig(k, "loss.before"), "mean", 0));
	ck_assert_str_eq(jsonx_strz(json_array_get(jsonx_dig(k, "manual.overrides"), 0), "by"), "A. Consultant");
	json_decref(res);
	sf_close(&e);
}
END_TEST

START_TEST(same_input_same_bytes)
{
	struct sf_env a, b;
	json_t *ra = score_synthetic(&a, NULL), *rb = score_synthetic(&b, NULL);
	struct strbuf ta = STRBUF_INIT, tb = STRBUF_INIT, again = STRBUF_INIT;

	ck_assert_int_eq(jsonx_dump_canonical(&ta, ra), 0);
	ck_assert_int_eq(jsonx_dump_canonical(&tb, rb), 0);
	ck_assert_msg(ta.len == tb.len && !memcmp(ta.buf, tb.buf, ta.len), "two stores, different results");
	/* Scoring the same store again changes nothing either. */
	ck_assert_int_eq(score_stage(&a.ctx), 0);
	ck_assert_int_eq(store_cache_get(a.st, "score", "scores", &again), 0);
	strbuf_reset(&tb);
	ck_assert_int_eq(store_cache_get(b.st, "score", "scores", &tb), 0);
	ck_assert_msg(again.len == tb.len && !memcmp(again.buf, tb.buf, tb.len), "a second run differs");
	json_decref(ra);
	json_decref(rb);
	strbuf_release(&ta);
	strbuf_release(&tb);
	strbuf_release(&again);
	sf_close(&a);
	sf_close(&b);
}
END_TEST

/* The Python reference implementation recomputes the scores from findings.json. */
static void reference_agrees(const char *extra)
{
	struct sf_env e;
	json_t *res = score_synthetic(&e, extra);
	char *script = th_repo_path("tests/lib/score_reference.py"), *tpl = th_repo_path("templates");
	char *deployer = th_data_path(DEPLOYER_CSV), *human = th_data_path(HUMAN_CSV);
	struct strbuf json = STRBUF_INIT;
	struct th_result r;
	const char *argv[] = { "python3", script, "--templates", tpl, "--deployer", deployer, "--human", human,
			       NULL, NULL };

	strbuf_addf(&json, "%s/findings.json", e.dir);
	ck_assert_int_eq(report_write_json(res, json.buf), 0);
	argv[8] = json.buf;
	th_run(&r, argv, NULL, NULL, NULL);
	th_assert_status(&r, 0);
	ck_assert_msg(strstr(r.out.buf, "agree"), "%s", r.out.buf);
	if (getenv("VETTER_SCORE_KEEP"))
		fprintf(stderr, "%s: %s", json.buf, r.out.buf);
	th_result_release(&r);
	json_decref(res);
	strbuf_release(&json);
	free(script), free(tpl), free(deployer), free(human);
	if (getenv("VETTER_SCORE_KEEP"))
		e.dir[0] = 0; /* leave the folder for a look */
	sf_close(&e);
}

START_TEST(python_reference_agrees)
{
	reference_agrees(NULL);
	/* Other parameters. */
	reference_agrees("  rating: {penalty: 2.5, finding_decay: 0.7, asset_decay: 0.3}\n"
			 "  default_criticality: high\n  safety_impact: critical\n  unknown_exposure: open\n"
			 "  recommend: [immediate]\n");
}
END_TEST

/* The demo engagement through 'vetter run': what the report stage writes agrees with the reference too. */
START_TEST(demo_run_agrees_with_reference)
{
	char *dir = th_tmpdir(), *demo = th_repo_path("samples/demo"), *script = th_repo_path("tests/lib/score_reference.py");
	char *tpl = th_repo_path("templates"), *deployer = th_data_path(DEPLOYER_CSV), *human = th_data_path(HUMAN_CSV);
	struct strbuf dst = STRBUF_INIT, eng = STRBUF_INIT, out = STRBUF_INIT, json = STRBUF_INIT, state = STRBUF_INIT;
	const char *cp[] = { "cp", "-R", demo, NULL, NULL };
	const char *py[] = { "python3", script, "--templates", tpl, "--deployer", deployer, "--human", human, NULL, NULL };
	struct th_result r;
	json_t *doc = NULL;

	strbuf_addf(&dst, "%s/demo", dir);
	strbuf_addf(&eng, "%s/engagement.yaml", dst.buf);
	strbuf_addf(&state, "%s/engagement.vetter", dst.buf);
	strbuf_addf(&out, "%s/out", dir);
	strbuf_addf(&json, "%s/findings.json", out.buf);
	cp[3] = dst.buf;
	th_run(&r, cp, NULL, NULL, NULL);
	th_assert_status(&r, 0);
	th_result_release(&r);
	th_rm_rf(state.buf);
	th_vetter(&r, NULL, "run", eng.buf, "--out", out.buf, NULL);
	th_assert_status(&r, 3);
	th_result_release(&r);
	py[8] = json.buf;
	th_run(&r, py, NULL, NULL, NULL);
	th_assert_status(&r, 0);
	th_result_release(&r);
	/* Half-assessed images are not evidence enough for a grade, and the loss figures say they are illustrative. */
	strbuf_reset(&dst);
	th_read(json.buf, &dst);
	ck_assert_int_eq(jsonx_parse(dst.buf, dst.len, "findings.json", &doc), 0);
	ck_assert_str_eq(jsonx_strz(jsonx_dig(json_array_get(jsonx_dig(doc, "scores.companies"), 1), "rating"), "status"),
			 "insufficient-evidence");
	ck_assert(json_is_true(jsonx_dig(json_array_get(jsonx_dig(doc, "scores.companies"), 1), "loss.illustrative")));
	/*
	 * The target's AWS red flags (root without MFA, a public bucket) come first; the data room's active
	 * GuardDuty detection (high, BitcoinTool) adds the escrow consideration; then access to assess.
	 */
	ck_assert_uint_eq(json_array_size(jsonx_dig(doc, "scores.deal.conditions")), 4);
	ck_assert_str_eq(jsonx_strz(json_array_get(jsonx_dig(doc, "scores.deal.conditions"), 0), "id"), "fix-before-close");
	ck_assert_str_eq(jsonx_strz(json_array_get(jsonx_dig(doc, "scores.deal.conditions"), 1), "id"), "specific-indemnity");
	ck_assert_str_eq(jsonx_strz(json_array_get(jsonx_dig(doc, "scores.deal.conditions"), 2), "id"), "escrow-holdback");
	ck_assert_str_eq(jsonx_strz(json_array_get(jsonx_dig(doc, "scores.deal.conditions"), 3), "id"), "access-to-assess");
	json_decref(doc);
	th_rm_rf(dir);
	free(dir), free(demo), free(script), free(tpl), free(deployer), free(human);
	strbuf_release(&dst), strbuf_release(&eng), strbuf_release(&out), strbuf_release(&json), strbuf_release(&state);
}
END_TEST

/*
 * The AWS connector's shapes (docs/resources.md): its account asset and the organisation's other
 * accounts as coverage units, the root user's MFA, a bucket S3 calls public, GuardDuty findings.
 */
START_TEST(aws_connector_shapes)
{
	static const char spec_text[] =
		"{\"sources\": [{\"id\": \"kestrel-aws\", \"company\": \"kestrel\", \"type\": \"aws\", \"status\": \"done\"}],"
		" \"assets\": ["
		"  {\"company\": \"kestrel\", \"source\": \"kestrel-aws\", \"kind\": \"cloud-account\", \"key\": \"aws:account:111111111111\","
		"   \"name\": \"shop-prod\", \"doc\": {\"kind\": \"aws.account\", \"account_id\": \"111111111111\", \"root\": {\"mfa_active\": false}}},"
		"  {\"company\": \"kestrel\", \"source\": \"kestrel-aws\", \"kind\": \"external-account\", \"key\": \"aws:external-account:222222222222\","
		"   \"doc\": {\"kind\": \"aws.external_account\", \"id\": \"222222222222\", \"in_organization\": true}},"
		"  {\"company\": \"kestrel\", \"source\": \"kestrel-aws\", \"kind\": \"external-account\", \"key\": \"aws:external-account:333333333333\","
		"   \"doc\": {\"kind\": \"aws.external_account\", \"id\": \"333333333333\", \"in_organization\": false}},"
		"  {\"company\": \"kestrel\", \"source\": \"kestrel-aws\", \"kind\": \"bucket\", \"key\": \"arn:aws:s3:::cards\", \"name\": \"cards\","
		"   \"doc\": {\"kind\": \"aws.s3.bucket\", \"account_id\": \"111111111111\", \"policy_is_public\": true,"
		"    \"effective_public_access_block\": {\"RestrictPublicBuckets\": false, \"IgnorePublicAcls\": true}}},"
		"  {\"company\": \"kestrel\", \"source\": \"kestrel-aws\", \"kind\": \"bucket\", \"key\": \"arn:aws:s3:::logs\", \"name\": \"logs\","
		"   \"doc\": {\"kind\": \"aws.s3.bucket\", \"account_id\": \"111111111111\", \"policy_is_public\": true,"
		"    \"effective_public_access_block\": {\"RestrictPublicBuckets\": true}}},"
		"  {\"company\": \"kestrel\", \"source\": \"kestrel-aws\", \"kind\": \"security-finding\", \"key\": \"arn:aws:guardduty:eu-west-1:111111111111:detector/d/finding/f1\","
		"   \"doc\": {\"kind\": \"aws.finding\", \"source\": \"guardduty\", \"account_id\": \"111111111111\", \"region\": \"eu-west-1\","
		"    \"type\": \"UnauthorizedAccess:IAMUser/TorIPCaller\", \"title\": \"API calls from a Tor exit node\", \"severity_score\": 8.0}},"
		"  {\"company\": \"kestrel\", \"source\": \"kestrel-aws\", \"kind\": \"security-finding\", \"key\": \"sh-1\","
		"   \"doc\": {\"kind\": \"aws.finding\", \"source\": \"securityhub\", \"account_id\": \"111111111111\", \"title\": \"Config check\","
		"    \"severity\": \"LOW\", \"compliance\": \"FAILED\"}}],"
		" \"edges\": [], \"findings\": []}";
	struct sf_env e;
	json_t *spec = NULL, *res = NULL;
	const json_t *k, *f, *flags, *list;

	ck_assert_int_eq(jsonx_parse(spec_text, sizeof(spec_text) - 1, "aws spec", &spec), 0);
	sf_open(&e, spec, NULL);
	ck_assert_msg(score_stage(&e.ctx) == 0, "%s", err_last());
	ck_assert_msg(report_results(&e.ctx, &res) == 0, "%s", err_last());
	/* GuardDuty's finding is a threat on the account, high by AWS's bands; Security Hub's config check is not. */
	f = finding_by(res, "guardduty:UnauthorizedAccess:IAMUser/TorIPCaller", "aws:account:111111111111");
	ck_assert_ptr_nonnull(f);
	ck_assert_str_eq(jsonx_strz(f, "kind"), "threat");
	ck_assert_str_eq(jsonx_strz(f, "severity"), "high");
	ck_assert_str_eq(jsonx_strz(json_object_get(f, "risk"), "exploitation"), "active");
	ck_assert_uint_eq(json_array_size(json_object_get(res, "findings")), 1);
	/* Red flags: root without MFA, the public bucket (not the one the access block closes), the compromise. */
	k = company_scores(res, "kestrel");
	flags = json_object_get(k, "red_flags");
	ck_assert_uint_eq(json_array_size(flags), 3);
	ck_assert_str_eq(jsonx_strz(json_array_get(json_object_get(by_member(flags, "id", "root-without-mfa"), "assets"), 0), "key"),
			 "aws:account:111111111111");
	list = json_object_get(by_member(flags, "id", "public-data-store"), "assets");
	ck_assert_uint_eq(json_array_size(list), 1);
	ck_assert_str_eq(jsonx_strz(json_array_get(list, 0), "key"), "arn:aws:s3:::cards");
	ck_assert_ptr_nonnull(by_member(flags, "id", "evidence-of-compromise"));
	/* Coverage: the collected account, and the organisation's member account that was not collected. */
	list = jsonx_dig(k, "coverage.list");
	ck_assert_uint_eq(json_array_size(list), 2);
	ck_assert_str_eq(jsonx_strz(by_member(list, "key", "aws:account:111111111111"), "state"), "assessed");
	ck_assert_str_eq(jsonx_strz(by_member(list, "key", "aws:external-account:222222222222"), "state"), "not-assessed");
	ck_assert(jsonx_num(json_object_get(k, "coverage"), "ratio", 0) == 0.5);
	json_decref(res);
	json_decref(spec);
	sf_close(&e);
}
END_TEST

Suite *scoring_suite(void)
{
	Suite *s = suite_create("scoring");
	TCase *tc = tcase_create("scoring");

	tcase_set_timeout(tc, 120);
	if (th_have_data("ssvc_matches_the_deployer_table", DEPLOYER_CSV))
		tcase_add_test(tc, ssvc_matches_the_deployer_table);
	if (th_have_data("ssvc_matches_the_human_impact_table", HUMAN_CSV))
		tcase_add_test(tc, ssvc_matches_the_human_impact_table);
	tcase_add_test(tc, ssvc_model_must_decide_everything);
	tcase_add_test(tc, bad_scoring_keys_stop_the_run);
	tcase_add_test(tc, templates_missing_stop_the_run);
	tcase_add_test(tc, synthetic_engagement_scores);
	tcase_add_test(tc, same_input_same_bytes);
	tcase_add_test(tc, aws_connector_shapes);
	if (th_have_tool("python_reference_agrees", "python3") &&
	    th_have_data("python_reference_agrees", DEPLOYER_CSV))
		tcase_add_test(tc, python_reference_agrees);
	if (th_have_tool("demo_run_agrees_with_reference", "python3") &&
	    th_have_data("demo_run_agrees_with_reference", DEPLOYER_CSV))
		tcase_add_test(tc, demo_run_agrees_with_reference);
	suite_add_tcase(s, tc);
	return s;
}
