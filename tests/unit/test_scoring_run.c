/*
 * The score stage inside 'vetter run': the scores and the consolidation plan
 * reach findings.json, checklist.md and checklist.csv agree with the plan,
 * and the engagement file's scoring, networks and consolidation keys are
 * checked before anything runs.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "core/jsonx.h"
#include "core/strbuf.h"
#include "th.h"

struct demo {
	char *dir;
	struct strbuf eng, out;
};

static void demo_copy(struct demo *d)
{
	char *src = th_repo_path("samples/demo");
	const char *cp[] = { "cp", "-R", src, NULL, NULL };
	struct strbuf dst = STRBUF_INIT;
	struct th_result r;

	memset(d, 0, sizeof(*d));
	d->dir = th_tmpdir();
	strbuf_addf(&dst, "%s/demo", d->dir);
	cp[3] = dst.buf;
	th_run(&r, cp, NULL, NULL, NULL);
	th_assert_status(&r, 0);
	th_result_release(&r);
	strbuf_addf(&d->eng, "%s/engagement.yaml", dst.buf);
	strbuf_addf(&d->out, "%s/out", d->dir);
	strbuf_reset(&dst);
	strbuf_addf(&dst, "%s/demo/engagement.vetter", d->dir);
	th_rm_rf(dst.buf);
	strbuf_release(&dst);
	free(src);
}

static void demo_release(struct demo *d)
{
	th_rm_rf(d->dir);
	free(d->dir);
	strbuf_release(&d->eng);
	strbuf_release(&d->out);
}

static json_t *read_json(const char *dir, const char *name)
{
	struct strbuf p = STRBUF_INIT, text = STRBUF_INIT;
	json_t *doc = NULL;

	strbuf_addf(&p, "%s/%s", dir, name);
	th_read(p.buf, &text);
	ck_assert_int_eq(jsonx_parse(text.buf, text.len, p.buf, &doc), 0);
	strbuf_release(&p);
	strbuf_release(&text);
	return doc;
}

START_TEST(run_writes_scores_and_consolidation)
{
	struct demo d;
	struct th_result r;
	struct strbuf p = STRBUF_INIT, md = STRBUF_INIT, csv = STRBUF_INIT, row = STRBUF_INIT;
	json_t *doc, *items, *it;
	size_t i, lines = 0;
	const char *c;

	demo_copy(&d);
	th_vetter(&r, NULL, "run", d.eng.buf, "--out", d.out.buf, "--no-progress", NULL);
	th_assert_status(&r, 3); /* done, with the demo's coverage gaps */
	th_result_release(&r);
	doc = read_json(d.out.buf, "findings.json");
	ck_assert_str_eq(jsonx_strz(jsonx_dig(doc, "scores"), "schema"), "vetter.scores/1");
	ck_assert_str_eq(jsonx_strz(jsonx_dig(doc, "consolidation"), "schema"), "vetter.consolidation/1");
	ck_assert_str_eq(jsonx_strz(jsonx_dig(doc, "consolidation"), "as_of"), "2026-11-15");
	items = jsonx_dig(doc, "consolidation.checklist.items");
	/* The shipped checklist: 21 items, every one in the CSV in the plan's order, and in checklist.md. */
	ck_assert_uint_eq(json_array_size(items), 21);
	ck_assert_int_eq(jsonx_int(jsonx_dig(doc, "consolidation.checklist.summary"), "items", 0), 21);
	strbuf_addf(&p, "%s/checklist.csv", d.out.buf);
	th_read(p.buf, &csv);
	strbuf_reset(&p);
	strbuf_addf(&p, "%s/checklist.md", d.out.buf);
	th_read(p.buf, &md);
	for (c = csv.buf; *c; c++)
		lines += *c == '\n';
	ck_assert_uint_eq(lines, 22);
	json_array_foreach(items, i, it) {
		strbuf_reset(&row);
		strbuf_addf(&row, "\r\n\"%zu\",\"%s\",", i + 1, jsonx_strz(it, "id"));
		ck_assert_msg(strstr(csv.buf, row.buf), "checklist.csv lacks %s", row.buf + 2);
		ck_assert_int_eq(jsonx_int(it, "order", 0), (long long)i + 1);
		strbuf_reset(&row);
		strbuf_addf(&row, "| %zu | %s |", i + 1, jsonx_strz(it, "title"));
		ck_assert_msg(strstr(md.buf, row.buf), "checklist.md lacks %s", row.buf);
	}
	json_decref(doc);
	strbuf_release(&p), strbuf_release(&md), strbuf_release(&csv), strbuf_release(&row);
	demo_release(&d);
}
END_TEST

/* Each bad key, in an engagement file of its own: refused before any stage, naming the file and the field. */
START_TEST(run_refuses_bad_keys)
{
	static const struct {
		const char *yaml, *says;
	} bad[] = {
		{ "scoring:\n  coverage_threshold: 2\n", "scoring.coverage_threshold: expected a number from 0" },
		{ "scoring:\n  no_such_key: 1\n", "no_such_key" },
		{ "networks:\n  - company: heron\n    name: hq\n    kind: on-premises\n    ranges: [10.0.0.1/8]\n",
		  "network 1 ('hq') range 1: '10.0.0.1/8' has host bits set" },
		{ "networks:\n  - company: nobody\n    name: hq\n    kind: vpn\n    ranges: [10.0.0.0/8]\n",
		  "no company 'nobody'" },
		{ "networks:\n  - company: heron\n    name: hq\n    kind: cloud\n    ranges: [10.0.0.0/8]\n", "kind" },
		{ "consolidation:\n  tool_costs:\n    - {company: heron, tool: nosuchtool, annual: 5}\n",
		  "consolidation.tool_costs item 1: no tool 'nosuchtool'" },
		{ "consolidation:\n  eol_warning_days: -3\n", "consolidation.eol_warning_days: expected a number of days" },
	};
	static const char base[] =
		"name: Bad keys\nclient: Test\nas_of: 2026-11-15\ncompanies:\n"
		"  - {id: heron, name: Heron, role: acquirer, sources: [{id: h, type: images, refs: ['dir:a']}]}\n"
		"  - {id: kestrel, name: Kestrel, role: target, sources: [{id: k, type: images, refs: ['dir:b']}]}\n";
	char *dir = th_tmpdir();
	struct th_result r;
	struct strbuf eng = STRBUF_INIT, out = STRBUF_INIT;
	size_t i;

	strbuf_addf(&eng, "%s/engagement.yaml", dir);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		strbuf_reset(&out);
		strbuf_addf(&out, "%s/out-%zu", dir, i);
		th_write_fmt(eng.buf, "%s%s", base, bad[i].yaml);
		th_vetter(&r, NULL, "run", eng.buf, "--out", out.buf, "--no-progress", NULL);
		th_assert_status(&r, 2);
		ck_assert_msg(strstr(r.err.buf, "engagement.yaml") && strstr(r.err.buf, bad[i].says),
			      "case %zu: %s", i, r.err.buf);
		ck_assert_msg(!strstr(r.err.buf, "started"), "case %zu ran a stage: %s", i, r.err.buf);
		ck_assert(!th_exists(out.buf) || !strstr(r.out.buf, "findings.json"));
		th_result_release(&r);
	}
	strbuf_release(&eng), strbuf_release(&out);
	th_rm_rf(dir);
	free(dir);
}
END_TEST

Suite *scoring_run_suite(void)
{
	Suite *s = suite_create("scoring-run");
	TCase *tc = tcase_create("scoring-run");

	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, run_writes_scores_and_consolidation);
	tcase_add_test(tc, run_refuses_bad_keys);
	suite_add_tcase(s, tc);
	return s;
}
