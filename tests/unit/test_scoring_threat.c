/*
 * Evidence of compromise from the data room: GuardDuty, Security Hub (ASFF)
 * and Defender for Cloud exports (tests/scoring/threat/, written after the
 * services' documented output) read through a bundle source by 'vetter run'.
 * An active detection of medium severity or above raises the red flag
 * (Security Hub's only when typed as tactics, effects or unusual behaviour);
 * archived, suppressed, dismissed and resolved ones and low ones do not, and
 * the Python reference agrees with every figure and flag.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "core/jsonx.h"
#include "core/strbuf.h"
#include "core/util.h"
#include "th.h"

/* The acquirer's own GuardDuty export: one low finding, no red flag. */
static const char heron_gd[] =
	"{\"Findings\": [{\"AccountId\": \"111122223333\", \"Id\": \"h1\", \"Region\": \"eu-central-1\","
	" \"Resource\": {\"ResourceType\": \"Instance\"}, \"SchemaVersion\": \"2.0\","
	" \"Service\": {\"Archived\": false, \"Count\": 4, \"ServiceName\": \"guardduty\"}, \"Severity\": 2,"
	" \"Title\": \"Port probe on an unprotected port.\", \"Type\": \"Recon:EC2/PortProbeUnprotectedPort\"}]}";

static const char engagement[] =
	"name: Threat detections\nclient: Test\nas_of: 2026-11-15\ncurrency: USD\ncompanies:\n"
	"  - id: heron\n    name: Heron\n    role: acquirer\n    sources:\n"
	"      - {id: heron-dr, type: bundle, path: dr/heron}\n"
	"  - id: kestrel\n    name: Kestrel\n    role: target\n    sources:\n"
	"      - {id: kestrel-dr, type: bundle, path: dr/kestrel}\n";

struct expect_threats {
	const char *fixture; /* under tests/scoring/threat/ */
	const char *asset;   /* the account the detections are on */
	const char *flagged; /* titles behind evidence-of-compromise, sorted, '|'-separated */
	const char *kept;    /* every imported detection as "title=severity/status", sorted, '|'-separated */
};

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static void join_sorted(const char **v, size_t n, struct strbuf *out)
{
	size_t i;

	qsort(v, n, sizeof(v[0]), cmp_str);
	for (i = 0; i < n; i++)
		strbuf_addf(out, "%s%s", i ? "|" : "", v[i]);
}

static const json_t *company(const json_t *doc, const char *id)
{
	const json_t *c;
	size_t i;

	json_array_foreach(jsonx_dig(doc, "scores.companies"), i, c)
		if (!strcmp(jsonx_strz(c, "company"), id))
			return c;
	ck_abort_msg("no company %s", id);
	return NULL;
}

static const json_t *finding_by_id(const json_t *doc, const char *id)
{
	const json_t *f;
	size_t i;

	json_array_foreach(json_object_get(doc, "findings"), i, f)
		if (!strcmp(jsonx_strz(f, "id"), id))
			return f;
	ck_abort_msg("no finding %s", id);
	return NULL;
}

static void check_source(const struct expect_threats *e)
{
	char *dir = th_tmpdir(), *fixture, *script = th_repo_path("tests/lib/score_reference.py"),
	     *tpl = th_repo_path("templates");
	struct strbuf p = STRBUF_INIT, fx = STRBUF_INIT, got = STRBUF_INIT, text = STRBUF_INIT, out = STRBUF_INIT;
	const char *cp[] = { "cp", NULL, NULL, NULL }, *py[] = { "python3", script, "--templates", tpl, NULL, NULL };
	const char *titles[32], *kept[32];
	const json_t *k, *h, *rf, *flag = NULL, *f, *id;
	json_t *doc = NULL;
	struct th_result r;
	size_t i, n = 0, nk = 0;

	strbuf_addf(&fx, "tests/scoring/threat/%s", e->fixture);
	fixture = th_repo_path(fx.buf);
	strbuf_addf(&p, "%s/dr/kestrel", dir);
	ck_assert_int_eq(util_mkdirs(p.buf, 0700), 0);
	cp[1] = fixture;
	cp[2] = p.buf;
	th_run(&r, cp, NULL, NULL, NULL);
	th_assert_status(&r, 0);
	th_result_release(&r);
	strbuf_reset(&p);
	strbuf_addf(&p, "%s/dr/heron", dir);
	ck_assert_int_eq(util_mkdirs(p.buf, 0700), 0);
	strbuf_addstr(&p, "/guardduty.json");
	th_write(p.buf, heron_gd);
	strbuf_reset(&p);
	strbuf_addf(&p, "%s/engagement.yaml", dir);
	th_write(p.buf, engagement);
	strbuf_addf(&out, "%s/out", dir);
	th_vetter(&r, NULL, "run", p.buf, "--out", out.buf, "--no-progress", NULL);
	ck_assert_msg(r.status == 0 || r.status == 3, "vetter run: exit %d: %s", r.status, r.err.buf);
	th_result_release(&r);
	strbuf_addstr(&out, "/findings.json");
	th_read(out.buf, &text);
	ck_assert_int_eq(jsonx_parse(text.buf, text.len, out.buf, &doc), 0);

	/* What the importer kept: the open detections, each with its detector's status. */
	json_array_foreach(json_object_get(doc, "findings"), i, f)
		if (!strcmp(jsonx_strz(f, "company"), "kestrel") && !strcmp(jsonx_strz(f, "signal"), "threat-detection") &&
		    nk < 32) {
			char *s = malloc(512);

			ck_assert_ptr_nonnull(s);
			snprintf(s, 512, "%s=%s/%s", jsonx_strz(f, "title"), jsonx_strz(f, "severity"),
				 jsonx_strz(f, "detector_status"));
			ck_assert_str_eq(jsonx_strz(json_object_get(f, "asset"), "key"), e->asset);
			kept[nk++] = s;
		}
	join_sorted(kept, nk, &got);
	ck_assert_msg(!strcmp(got.buf, e->kept), "%s: kept\n  %s\nexpected\n  %s", e->fixture, got.buf, e->kept);

	/* The red flag, on the account, with exactly the detections the criterion names. */
	k = company(doc, "kestrel");
	h = company(doc, "heron");
	ck_assert_uint_eq(json_array_size(json_object_get(h, "red_flags")), 0);
	json_array_foreach(json_object_get(k, "red_flags"), i, rf)
		if (!strcmp(jsonx_strz(rf, "id"), "evidence-of-compromise"))
			flag = rf;
	ck_assert_ptr_nonnull(flag);
	ck_assert_uint_eq(json_array_size(json_object_get(k, "red_flags")), 1);
	ck_assert_uint_eq(json_array_size(json_object_get(flag, "assets")), 1);
	ck_assert_str_eq(jsonx_strz(json_array_get(json_object_get(flag, "assets"), 0), "key"), e->asset);
	json_array_foreach(json_object_get(flag, "findings"), i, id) {
		f = finding_by_id(doc, json_string_value(id));
		ck_assert_str_eq(jsonx_strz(jsonx_dig(f, "risk"), "priority"), "immediate");
		if (n < 32)
			titles[n++] = jsonx_strz(f, "title");
	}
	strbuf_reset(&got);
	join_sorted(titles, n, &got);
	ck_assert_msg(!strcmp(got.buf, e->flagged), "%s: flagged\n  %s\nexpected\n  %s", e->fixture, got.buf, e->flagged);
	/* The deal view's candidate conditions that follow from it. */
	n = 0;
	json_array_foreach(jsonx_dig(doc, "scores.deal.conditions"), i, f)
		n += !strcmp(jsonx_strz(f, "company"), "kestrel") &&
		     (!strcmp(jsonx_strz(f, "id"), "specific-indemnity") || !strcmp(jsonx_strz(f, "id"), "escrow-holdback"));
	ck_assert_uint_eq(n, 2);

	py[4] = out.buf;
	th_run(&r, py, NULL, NULL, NULL);
	ck_assert_msg(r.status == 0, "score_reference.py: %s%s", r.out.buf, r.err.buf);
	th_result_release(&r);

	for (i = 0; i < nk; i++)
		free((char *)kept[i]);
	json_decref(doc);
	strbuf_release(&p), strbuf_release(&fx), strbuf_release(&got), strbuf_release(&text), strbuf_release(&out);
	th_rm_rf(dir);
	free(dir), free(fixture), free(script), free(tpl);
}

START_TEST(guardduty_detections_are_evidence_of_compromise)
{
	static const struct expect_threats e = {
		"guardduty-findings.json", "aws:account:222233334444",
		"EC2 instance i-0a1b2c3d4e5f60789 is communicating with a command and control server.|"
		"Unusual reconnaissance APIs were invoked by ci-deployer.",
		"198.51.100.99 is performing SSH brute force attacks against i-0a1b2c3d4e5f60789.=low/active|"
		"EC2 instance i-0a1b2c3d4e5f60789 is communicating with a command and control server.=high/active|"
		"Unusual reconnaissance APIs were invoked by ci-deployer.=medium/active",
	};

	check_source(&e);
}
END_TEST

START_TEST(securityhub_detections_are_evidence_of_compromise)
{
	static const struct expect_threats e = {
		"securityhub-findings.json", "aws:account:222233334444",
		"EC2 instance i-0a1b2c3d4e5f60789 is communicating with a command and control server.|"
		"Large outbound transfer from the settlement batch host|"
		"Unusual reconnaissance APIs were invoked by ci-deployer.",
		"EC2 instance i-0a1b2c3d4e5f60789 is communicating with a command and control server.=high/NEW|"
		"Large outbound transfer from the settlement batch host=high/NEW|"
		"The S3 bucket kestrel-tmp-exports is shared with an external AWS account.=low/NEW|"
		"Unusual reconnaissance APIs were invoked by ci-deployer.=medium/NOTIFIED",
	};

	check_source(&e);
}
END_TEST

START_TEST(defender_alerts_are_evidence_of_compromise)
{
	static const struct expect_threats e = {
		"defender-alerts.json", "azure.subscription:/subscriptions/0f3c8a2e-5b7d-4e19-a6c4-2d8e1f9b7a35",
		"Digital currency mining related behavior detected|Unusual unauthenticated access to a storage container",
		"Digital currency mining related behavior detected=high/Active|Failed SSH brute force attack=low/Active|"
		"Unusual unauthenticated access to a storage container=medium/InProgress",
	};

	check_source(&e);
}
END_TEST

Suite *scoring_threat_suite(void)
{
	Suite *s = suite_create("scoring-threat");
	TCase *tc = tcase_create("scoring-threat");

	if (th_have_tool("threat detections as red flags", "python3")) {
		tcase_set_timeout(tc, 120);
		tcase_add_test(tc, guardduty_detections_are_evidence_of_compromise);
		tcase_add_test(tc, securityhub_detections_are_evidence_of_compromise);
		tcase_add_test(tc, defender_alerts_are_evidence_of_compromise);
	}
	suite_add_tcase(s, tc);
	return s;
}
