/*
 * The vetter command end to end: a run over a copy of the demo engagement,
 * bad input refused with nothing written, resumption after SIGKILL at every
 * stage, credentials kept out of everything written, evidence verification.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/jsonx.h"
#include "core/util.h"
#include "th.h"
#include "th_demo.h"

/* A copy of the demo engagement as 'make demo' builds it, in a fresh folder; returns the folder. */
static char *copy_demo(void)
{
	return th_demo_copy();
}

static char *path_in(const char *dir, const char *rel)
{
	struct strbuf p = STRBUF_INIT;

	strbuf_addf(&p, "%s/%s", dir, rel);
	return strbuf_detach(&p, NULL);
}

START_TEST(demo_runs_end_to_end)
{
	char *dir = copy_demo(), *eng = path_in(dir, "demo/engagement.yaml"), *out = path_in(dir, "out");
	char *json = path_in(dir, "out/findings.json"), *csv = path_in(dir, "out/findings.csv");
	char *pdf = path_in(dir, "out/report.pdf");
	struct strbuf text = STRBUF_INIT;
	struct th_result res;
	json_t *doc = NULL;

	th_vetter(&res, NULL, "run", eng, "--out", out, NULL);
	th_assert_status(&res, 3); /* the demo has an image with no OS on purpose */
	ck_assert(th_exists(pdf));
	th_read(json, &text);
	ck_assert_int_eq(jsonx_parse(text.buf, text.len, json, &doc), 0);
	ck_assert_str_eq(jsonx_str(doc, "schema"), "vetter.findings/1");
	ck_assert_uint_ge(json_array_size(json_object_get(doc, "findings")), 4);
	ck_assert_ptr_null(strstr(text.buf, "recorded_at"));
	strbuf_reset(&text);
	th_read(csv, &text);
	ck_assert(util_has_prefix(text.buf, "\"id\",\"company\",\"kind\",\"severity\""));
	th_result_release(&res);

	/* A second run finds every stage done and writes the same findings. */
	th_vetter(&res, NULL, "run", eng, "--out", out, NULL);
	th_assert_status(&res, 3);
	ck_assert_msg(strstr(res.err.buf, "collect: already done"), "%s", res.err.buf);
	th_result_release(&res);
	json_decref(doc);
	strbuf_release(&text);
	th_rm_rf(dir);
	free(dir), free(eng), free(out), free(json), free(csv), free(pdf);
}
END_TEST

START_TEST(fail_on_trips)
{
	char *dir = copy_demo(), *eng = path_in(dir, "demo/engagement.yaml"), *out = path_in(dir, "out");
	struct th_result res;

	th_vetter(&res, NULL, "run", eng, "--out", out, "--fail-on", "critical", NULL);
	th_assert_status(&res, 1);
	th_result_release(&res);
	th_vetter(&res, NULL, "run", eng, "--out", out, "--fail-on", "bogus", NULL);
	th_assert_status(&res, 2);
	th_result_release(&res);
	th_rm_rf(dir);
	free(dir), free(eng), free(out);
}
END_TEST

/* Bad engagement files: exit 2, one message naming the file, nothing written. */
static void expect_refused(const char *yaml, const char *needle, const char *const *env)
{
	char *dir = th_tmpdir(), *eng = path_in(dir, "deal.yaml"), *out = path_in(dir, "out");
	char *state = path_in(dir, "deal.vetter");
	struct th_result res;

	th_write(eng, yaml);
	th_vetter(&res, env, "run", eng, "--out", out, NULL);
	th_assert_status(&res, 2);
	ck_assert_msg(strstr(res.err.buf, needle), "stderr '%s' lacks '%s'", res.err.buf, needle);
	ck_assert_msg(!th_exists(out) && !th_exists(state), "something was written before the file was checked");
	th_result_release(&res);
	th_rm_rf(dir);
	free(dir), free(eng), free(out), free(state);
}

#define GOOD_HEAD "name: D\nclient: C\nas_of: 2026-11-15\n"
#define GOOD_CO "companies:\n  - id: a\n    name: A\n    role: target\n    sources:\n      - type: images\n        refs: [dir:x]\n"

START_TEST(bad_engagements_are_refused_before_anything_is_written)
{
	const char *unset_env[] = { "VETTER_TEST_UNSET=", NULL };

	expect_refused("name: [\n", "deal.yaml:", NULL);
	expect_refused(GOOD_HEAD "colour: blue\n" GOOD_CO, "unknown key 'colour'", NULL);
	expect_refused(GOOD_HEAD "companies:\n  - id: a\n    name: A\n    role: target\n    sources: []\n",
		       "has no sources", NULL);
	expect_refused(GOOD_HEAD GOOD_CO "  - id: a\n    name: B\n    role: acquirer\n    sources:\n"
					 "      - type: images\n        refs: [dir:y]\n",
		       "duplicate company id", NULL);
	expect_refused(GOOD_HEAD GOOD_CO "        credentials: {token: env:VETTER_TEST_NOT_SET_ANYWHERE}\n",
		       "VETTER_TEST_NOT_SET_ANYWHERE is not set", NULL);
	expect_refused(GOOD_HEAD GOOD_CO "evidence: {encryption_key: env:VETTER_TEST_UNSET}\n", "is empty", unset_env);
	expect_refused(GOOD_HEAD GOOD_CO "manual_findings: missing.yaml\n", "manual findings", NULL);
}
END_TEST

START_TEST(missing_file_and_unwritable_output)
{
	char *dir = th_tmpdir(), *eng = path_in(dir, "deal.yaml"), *blocker = path_in(dir, "file");
	struct strbuf out = STRBUF_INIT;
	struct th_result res;

	th_vetter(&res, NULL, "run", "/nonexistent/deal.yaml", NULL);
	th_assert_status(&res, 2);
	ck_assert_msg(strstr(res.err.buf, "/nonexistent/deal.yaml"), "%s", res.err.buf);
	th_result_release(&res);

	th_write(eng, GOOD_HEAD GOOD_CO);
	th_write(blocker, "not a folder");
	strbuf_addf(&out, "%s/sub", blocker);
	th_vetter(&res, NULL, "run", eng, "--out", out.buf, NULL);
	th_assert_status(&res, 2);
	ck_assert_msg(strstr(res.err.buf, "output folder"), "%s", res.err.buf);
	th_result_release(&res);
	ck_assert(!th_exists(dir) || !th_exists("deal.vetter"));

	th_vetter(&res, NULL, "run", NULL);
	th_assert_status(&res, 2);
	th_result_release(&res);
	th_vetter(&res, NULL, "run", eng, "--only", "scan", "--from", "collect", NULL);
	th_assert_status(&res, 2);
	th_result_release(&res);
	th_vetter(&res, NULL, "frobnicate", NULL);
	th_assert_status(&res, 2);
	th_result_release(&res);
	th_rm_rf(dir);
	free(dir), free(eng), free(blocker);
	strbuf_release(&out);
}
END_TEST

START_TEST(help_and_version)
{
	struct th_result res;

	th_vetter(&res, NULL, "help", NULL);
	th_assert_status(&res, 0);
	ck_assert(strstr(res.out.buf, "run ") && strstr(res.out.buf, "evidence") && strstr(res.out.buf, "--jobs"));
	th_result_release(&res);
	th_vetter(&res, NULL, "run", "--help", NULL);
	th_assert_status(&res, 0);
	ck_assert(strstr(res.out.buf, "Exit codes"));
	th_result_release(&res);
	th_vetter(&res, NULL, "version", NULL);
	th_assert_status(&res, 0);
	ck_assert(util_has_prefix(res.out.buf, "vetter "));
	th_result_release(&res);
}
END_TEST

/*
 * Kill the run with SIGKILL at a named point, run it again, and compare
 * findings.json with an uninterrupted run's.
 */
static const char *const kill_points[] = {
	"collect:start", "collect:txn", "collect:end", "scan:start",   "scan:txn",    "scan:end",   "assess:start",
	"assess:txn",	 "assess:end",	"score:start", "score:txn",    "score:end",   "report:start",
};

START_TEST(killed_runs_resume_to_the_same_result)
{
	char *dir = copy_demo(), *eng = path_in(dir, "demo/engagement.yaml"), *out = path_in(dir, "out");
	char *json = path_in(dir, "out/findings.json"), *state = path_in(dir, "demo/engagement.vetter");
	struct strbuf want = STRBUF_INIT, got = STRBUF_INIT, envkill = STRBUF_INIT;
	struct th_result res;
	const char *point = kill_points[_i];
	const char *env[] = { NULL, NULL };

	th_vetter(&res, NULL, "run", eng, "--out", out, NULL);
	th_assert_status(&res, 3);
	th_result_release(&res);
	th_read(json, &want);
	th_rm_rf(state);
	th_rm_rf(out);

	strbuf_addf(&envkill, "VETTER_TEST_KILL_AT=%s", point);
	env[0] = envkill.buf;
	th_vetter(&res, env, "run", eng, "--out", out, NULL);
	ck_assert_msg(res.status == 128 + 9, "run was not killed at %s (status %d): %s", point, res.status, res.err.buf);
	th_result_release(&res);
	th_vetter(&res, NULL, "run", eng, "--out", out, NULL);
	th_assert_status(&res, 3);
	th_result_release(&res);
	th_read(json, &got);
	ck_assert_msg(want.len == got.len && !memcmp(want.buf, got.buf, want.len),
		      "findings.json after a kill at %s differs from an uninterrupted run's", point);
	/* The evidence chain survives the kill too. */
	th_vetter(&res, NULL, "evidence", eng, "--verify", NULL);
	th_assert_status(&res, 0);
	th_result_release(&res);
	strbuf_release(&want);
	strbuf_release(&got);
	strbuf_release(&envkill);
	th_rm_rf(dir);
	free(dir), free(eng), free(out), free(json), free(state);
}
END_TEST

/* Does any file under dir contain needle? Returns the first path found, or NULL. */
static char *grep_tree(const char *dir, const char *needle)
{
	struct th_result res;
	const char *argv[] = { "grep", "-rlaF", "--", needle, dir, NULL };
	char *hit = NULL;

	th_run(&res, argv, NULL, NULL, NULL);
	if (res.status == 0)
		hit = strdup(res.out.buf);
	th_result_release(&res);
	return hit;
}

START_TEST(canary_credentials_never_written)
{
	static const char *const canaries[] = { "CANARYkey-7Hq2vX9pLm4ZtR8wN1", "CANARYtok-Bq8sR2mW5xY7nK3pV6",
						"CANARYaws-Zx4cV7bN1mQ9wE3rT5" };
	char *dir = copy_demo(), *eng = path_in(dir, "demo/engagement.yaml"), *out = path_in(dir, "out");
	struct strbuf yaml = STRBUF_INIT, b64 = STRBUF_INIT, e1 = STRBUF_INIT, e2 = STRBUF_INIT, e3 = STRBUF_INIT;
	struct th_result res;
	const char *env[4];
	char *hit;
	size_t i;

	/* The evidence key and a source credential come from the environment. */
	th_read(eng, &yaml);
	strbuf_addstr(&yaml, "evidence:\n  encryption_key: env:VETTER_CANARY_KEY\n");
	th_write(eng, yaml.buf);
	strbuf_addf(&e1, "VETTER_CANARY_KEY=%s", canaries[0]);
	strbuf_addf(&e2, "VETTER_CANARY_TOKEN=%s", canaries[1]);
	strbuf_addf(&e3, "AWS_SECRET_ACCESS_KEY=%s", canaries[2]);
	env[0] = e1.buf;
	env[1] = e2.buf;
	env[2] = e3.buf;
	env[3] = NULL;
	th_vetter(&res, env, "--verbose", "run", eng, "--out", out, NULL);
	th_assert_status(&res, 3);
	for (i = 0; i < 3; i++) {
		strbuf_reset(&b64);
		util_base64_encode(&b64, (const unsigned char *)canaries[i], strlen(canaries[i]));
		while (b64.len && b64.buf[b64.len - 1] == '=')
			strbuf_setlen(&b64, b64.len - 1);
		ck_assert_ptr_null(strstr(res.err.buf, canaries[i]));
		ck_assert_ptr_null(strstr(res.out.buf, canaries[i]));
		hit = grep_tree(dir, canaries[i]);
		ck_assert_msg(!hit, "canary %zu found in %s", i, hit);
		hit = grep_tree(dir, b64.buf);
		ck_assert_msg(!hit, "base64 of canary %zu found in %s", i, hit);
	}
	th_result_release(&res);
	/* The evidence is encrypted and verifies with the key. */
	th_vetter(&res, env, "evidence", eng, "--verify", NULL);
	th_assert_status(&res, 0);
	th_result_release(&res);
	strbuf_release(&yaml);
	strbuf_release(&b64);
	strbuf_release(&e1);
	strbuf_release(&e2);
	strbuf_release(&e3);
	th_rm_rf(dir);
	free(dir), free(eng), free(out);
}
END_TEST

START_TEST(evidence_verify_and_purge)
{
	char *dir = copy_demo(), *eng = path_in(dir, "demo/engagement.yaml"), *out = path_in(dir, "out");
	char *state = path_in(dir, "demo/engagement.vetter");
	struct th_result res;
	json_t *doc = NULL, *entry;
	char *item;
	struct strbuf p = STRBUF_INIT;

	th_vetter(&res, NULL, "run", eng, "--out", out, NULL);
	th_assert_status(&res, 3);
	th_result_release(&res);
	th_vetter(&res, NULL, "evidence", eng, "--format", "json", NULL);
	th_assert_status(&res, 0);
	ck_assert_int_eq(jsonx_parse(res.out.buf, res.out.len, "evidence", &doc), 0);
	ck_assert_uint_eq(strlen(jsonx_strz(doc, "root")), 64);
	entry = json_array_get(json_object_get(doc, "entries"), 0);
	ck_assert_ptr_nonnull(entry);
	th_result_release(&res);
	th_vetter(&res, NULL, "evidence", eng, "--verify", NULL);
	th_assert_status(&res, 0);
	ck_assert_msg(strstr(res.out.buf, "0 problem(s)"), "%s", res.out.buf);
	th_result_release(&res);
	/* Tamper with one item. */
	strbuf_addf(&p, "%s/evidence/%.2s/%s", state, jsonx_str(entry, "digest"), jsonx_str(entry, "digest"));
	item = p.buf;
	chmod(item, 0600);
	th_write(item, "forged content");
	th_vetter(&res, NULL, "evidence", eng, "--verify", NULL);
	th_assert_status(&res, 1);
	ck_assert_msg(strstr(res.out.buf, "FAIL"), "%s", res.out.buf);
	th_result_release(&res);
	/* Purge wants confirmation, then deletes store and evidence. */
	th_vetter(&res, NULL, "purge", eng, NULL);
	th_assert_status(&res, 2);
	th_result_release(&res);
	ck_assert(th_exists(state));
	th_vetter(&res, NULL, "purge", eng, "--yes", NULL);
	th_assert_status(&res, 0);
	th_result_release(&res);
	ck_assert(!th_exists(state));
	th_vetter(&res, NULL, "evidence", eng, NULL);
	th_assert_status(&res, 2);
	th_result_release(&res);
	json_decref(doc);
	strbuf_release(&p);
	th_rm_rf(dir);
	free(dir), free(eng), free(out), free(state);
}
END_TEST

START_TEST(only_and_from_rerun_stages)
{
	char *dir = copy_demo(), *eng = path_in(dir, "demo/engagement.yaml"), *out = path_in(dir, "out");
	struct th_result res;

	th_vetter(&res, NULL, "run", eng, "--out", out, "--only", "scan", NULL);
	th_assert_status(&res, 2);
	ck_assert_msg(strstr(res.err.buf, "needs 'collect' first"), "%s", res.err.buf);
	th_result_release(&res);
	th_vetter(&res, NULL, "run", eng, "--out", out, NULL);
	th_assert_status(&res, 3);
	th_result_release(&res);
	th_vetter(&res, NULL, "run", eng, "--out", out, "--only", "scan", NULL);
	th_assert_status(&res, 3);
	ck_assert_msg(strstr(res.err.buf, "scan: done"), "%s", res.err.buf);
	th_result_release(&res);
	/* After --only scan the later stages are pending again and a plain run redoes them. */
	th_vetter(&res, NULL, "run", eng, "--out", out, NULL);
	th_assert_status(&res, 3);
	ck_assert_msg(strstr(res.err.buf, "assess: done") && strstr(res.err.buf, "scan: already done"), "%s",
		      res.err.buf);
	th_result_release(&res);
	th_vetter(&res, NULL, "run", eng, "--out", out, "--from", "assess", NULL);
	th_assert_status(&res, 3);
	th_result_release(&res);
	th_rm_rf(dir);
	free(dir), free(eng), free(out);
}
END_TEST

Suite *cli_suite(void)
{
	Suite *s = suite_create("cli");
	TCase *tc = tcase_create("cli"), *demo = tcase_create("cli-demo");

	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, bad_engagements_are_refused_before_anything_is_written);
	tcase_add_test(tc, missing_file_and_unwritable_output);
	tcase_add_test(tc, help_and_version);
	suite_add_tcase(s, tc);
	/* The runs over the demo engagement need it built (container images: umoci, rpm, go...). */
	tcase_set_timeout(demo, 120);
	if (th_demo_have_tools("cli demo runs")) {
		tcase_add_unchecked_fixture(demo, th_demo_build, NULL);
		tcase_add_test(demo, demo_runs_end_to_end);
		tcase_add_test(demo, fail_on_trips);
		tcase_add_loop_test(demo, killed_runs_resume_to_the_same_result, 0,
				    (int)(sizeof(kill_points) / sizeof(kill_points[0])));
		tcase_add_test(demo, canary_credentials_never_written);
		tcase_add_test(demo, evidence_verify_and_purge);
		tcase_add_test(demo, only_and_from_rerun_stages);
	}
	suite_add_tcase(s, demo);
	return s;
}
