/* The engagement store and the evidence manifest. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/crypto.h"
#include "core/err.h"
#include "core/evidence.h"
#include "core/finding.h"
#include "core/jsonx.h"
#include "core/store.h"
#include "core/util.h"
#include "th.h"

struct fixture {
	char *dir;
	struct strbuf path;
	struct store *st;
};

static void fx_open(struct fixture *fx)
{
	fx->dir = th_tmpdir();
	strbuf_init(&fx->path, 0);
	strbuf_addf(&fx->path, "%s/store.sqlite", fx->dir);
	ck_assert_msg(store_open(&fx->st, fx->path.buf) == 0, "%s", err_last());
}

static void fx_close(struct fixture *fx)
{
	store_close(fx->st);
	th_rm_rf(fx->dir);
	free(fx->dir);
	strbuf_release(&fx->path);
}

static int count_cb(void *ctx, const struct store_asset *a)
{
	(void)a;
	(*(int *)ctx)++;
	return 0;
}

START_TEST(store_is_private_and_versioned)
{
	struct fixture fx;
	struct stat st;
	struct strbuf v = STRBUF_INIT;

	fx_open(&fx);
	ck_assert_int_eq(stat(fx.path.buf, &st), 0);
	ck_assert_int_eq(st.st_mode & 0777, 0600);
	ck_assert_int_eq(store_meta_set(fx.st, "k", "v1"), 0);
	ck_assert_int_eq(store_meta_set(fx.st, "k", "v2"), 0);
	ck_assert_int_eq(store_meta_get(fx.st, "k", &v), 0);
	ck_assert_str_eq(v.buf, "v2");
	strbuf_reset(&v);
	ck_assert_int_eq(store_meta_get(fx.st, "absent", &v), ERR_NOTFOUND);
	/* Reopening migrates nothing and keeps data. */
	store_close(fx.st);
	ck_assert_int_eq(store_open(&fx.st, fx.path.buf), 0);
	strbuf_reset(&v);
	ck_assert_int_eq(store_meta_get(fx.st, "k", &v), 0);
	strbuf_release(&v);
	fx_close(&fx);
}
END_TEST

START_TEST(assets_edges_and_rollback)
{
	struct fixture fx;
	int64_t a = 0, b = 0, again = 0;
	json_t *doc = json_pack("{s:s}", "x", "y");
	int n = 0;

	fx_open(&fx);
	ck_assert_int_eq(store_company_put(fx.st, "co", "Co", "target"), 0);
	ck_assert_int_eq(store_asset_put(fx.st, "co", "src1", "image", "img:1", "img", doc, &a), 0);
	ck_assert_int_eq(store_asset_put(fx.st, "co", "src1", "workload", "ns/w", "w", doc, &b), 0);
	ck_assert_int_eq(store_asset_put(fx.st, "co", "src1", "image", "img:1", "img", doc, &again), 0);
	ck_assert_int_eq(a, again);
	ck_assert_int_eq(store_edge_put(fx.st, b, a, "runs"), 0);
	ck_assert_int_eq(store_edge_put(fx.st, b, a, "runs"), 0);
	/* A rolled-back transaction leaves nothing behind. */
	ck_assert_int_eq(store_begin(fx.st), 0);
	ck_assert_int_eq(store_asset_put(fx.st, "co", "src2", "image", "img:2", "img2", doc, NULL), 0);
	store_rollback(fx.st);
	ck_assert_int_eq(store_asset_foreach(fx.st, NULL, NULL, count_cb, &n), 0);
	ck_assert_int_eq(n, 2);
	/* Clearing a source removes its assets and, by cascade, their edges. */
	ck_assert_int_eq(store_source_clear(fx.st, "src1"), 0);
	n = 0;
	ck_assert_int_eq(store_asset_foreach(fx.st, NULL, NULL, count_cb, &n), 0);
	ck_assert_int_eq(n, 0);
	json_decref(doc);
	fx_close(&fx);
}
END_TEST

static int collect_ids(void *ctx, json_t *f)
{
	return json_array_append_new(ctx, json_string(jsonx_str(f, "id")));
}

START_TEST(findings_have_stable_ids)
{
	struct fixture fx;
	json_t *f1 = NULL, *f2 = NULL, *f3 = NULL, *ids = json_array();
	int64_t n = 0;

	ck_assert_int_eq(finding_new(&f1, "co", "vulnerability", "CVE-2024-1", "image", "img:1", NULL, "openssl"), 0);
	ck_assert_int_eq(finding_new(&f2, "co", "vulnerability", "CVE-2024-1", "image", "img:1", NULL, "openssl"), 0);
	ck_assert_int_eq(finding_new(&f3, "co", "vulnerability", "CVE-2024-1", "image", "img:1", NULL, "zlib"), 0);
	ck_assert_str_eq(jsonx_str(f1, "id"), jsonx_str(f2, "id"));
	ck_assert_str_ne(jsonx_str(f1, "id"), jsonx_str(f3, "id"));
	ck_assert_uint_eq(strlen(jsonx_str(f1, "id")), 19);
	fx_open(&fx);
	ck_assert_int_eq(store_finding_put(fx.st, "scan", f1), 0);
	ck_assert_int_eq(store_finding_put(fx.st, "scan", f3), 0);
	ck_assert_int_eq(store_finding_put(fx.st, "assess", f2), 0); /* same id: replaced */
	ck_assert_int_eq(store_finding_count(fx.st, NULL, &n), 0);
	ck_assert_int_eq(n, 2);
	ck_assert_int_eq(store_findings_clear(fx.st, "scan"), 0);
	ck_assert_int_eq(store_finding_foreach(fx.st, NULL, collect_ids, ids), 0);
	ck_assert_uint_eq(json_array_size(ids), 1);
	ck_assert_int_eq(finding_describe(f1, "t", "severe", NULL), ERR_INVALID);
	json_decref(f1);
	json_decref(f2);
	json_decref(f3);
	json_decref(ids);
	fx_close(&fx);
}
END_TEST

static int verify_problems;
static void note_problem(void *ctx, const char *p)
{
	(void)ctx;
	(void)p;
	verify_problems++;
}

static void evidence_round_trip(const char *key)
{
	struct fixture fx;
	struct evidence *ev = NULL;
	struct evidence_stats stats;
	struct strbuf evdir = STRBUF_INIT, got = STRBUF_INIT, root1 = STRBUF_INIT, root2 = STRBUF_INIT,
		      file = STRBUF_INIT, item = STRBUF_INIT;
	char d1[65], d2[65];
	int64_t seq;

	fx_open(&fx);
	strbuf_addf(&evdir, "%s/evidence", fx.dir);
	ck_assert_msg(evidence_open(&ev, fx.st, evdir.buf, key, key ? strlen(key) : 0) == 0, "%s", err_last());
	ck_assert_int_eq(evidence_put(ev, "s1", "https://x/a", "input", "application/json", "{\"a\":1}", 7, d1), 0);
	ck_assert_str_eq(d1, "015abd7f5cc57a2dd94b7590f04ad8084273905ee33ec5cebeae62276a97f862");
	/* The same use again adds no row. */
	ck_assert_int_eq(evidence_put(ev, "s1", "https://x/a", "input", "application/json", "{\"a\":1}", 7, NULL), 0);
	strbuf_addf(&file, "%s/big.bin", fx.dir);
	th_write(file.buf, "streamed evidence content\n");
	ck_assert_int_eq(evidence_put_file(ev, "s1", "file:big.bin", "input", NULL, file.buf, d2), 0);
	ck_assert_int_eq(evidence_note(ev, NULL, "rules/k8s.json", "rule-pack", d1, 7), 0);
	ck_assert_int_eq(store_evidence_last(fx.st, &root1, &seq), 0);
	ck_assert_int_eq(seq, 3);
	ck_assert_int_eq(evidence_get(ev, d2, &got), 0);
	ck_assert_str_eq(got.buf, "streamed evidence content\n");
	verify_problems = 0;
	ck_assert_int_eq(evidence_verify(ev, &stats, note_problem, NULL), 0);
	ck_assert_int_eq(stats.entries, 3);
	ck_assert_int_eq(stats.files, 2);
	ck_assert_int_eq(verify_problems, 0);
	evidence_root(ev, &root2);
	ck_assert_str_eq(root1.buf, root2.buf);
	/* Plaintext never on disk when encrypted. */
	strbuf_addf(&item, "%s/%.2s/%s%s", evdir.buf, d2, d2, key ? ".gcm" : "");
	strbuf_reset(&got);
	th_read(item.buf, &got);
	ck_assert_int_eq(util_memmem(got.buf, got.len, "streamed", 8) == NULL, key != NULL);
	/* Tampering with an item is found. */
	th_write(item.buf, "tampered");
	ck_assert_int_eq(evidence_verify(ev, &stats, note_problem, NULL), ERR_INTEGRITY);
	ck_assert_int_eq(stats.problems, 1);
	evidence_close(ev);
	fx_close(&fx);
	strbuf_release(&evdir);
	strbuf_release(&got);
	strbuf_release(&root1);
	strbuf_release(&root2);
	strbuf_release(&file);
	strbuf_release(&item);
}

START_TEST(evidence_plain)
{
	evidence_round_trip(NULL);
}
END_TEST

START_TEST(evidence_with_key)
{
	evidence_round_trip("0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0");
}
END_TEST

START_TEST(evidence_key_must_match)
{
	struct fixture fx;
	struct evidence *ev = NULL;
	struct strbuf evdir = STRBUF_INIT;

	fx_open(&fx);
	strbuf_addf(&evdir, "%s/evidence", fx.dir);
	ck_assert_int_eq(evidence_open(&ev, fx.st, evdir.buf, "a long passphrase one", 21), 0);
	evidence_close(ev);
	ck_assert_int_eq(evidence_open(&ev, fx.st, evdir.buf, "a long passphrase two", 21), ERR_USAGE);
	ck_assert_int_eq(evidence_open(&ev, fx.st, evdir.buf, NULL, 0), ERR_USAGE);
	ck_assert_int_eq(evidence_open(&ev, fx.st, evdir.buf, "a long passphrase one", 21), 0);
	evidence_close(ev);
	fx_close(&fx);
	strbuf_release(&evdir);
}
END_TEST

static int tamper_chain(void *ctx, const struct store_evidence_row *r)
{
	(void)ctx;
	(void)r;
	return 0;
}

START_TEST(evidence_chain_detects_edits)
{
	struct fixture fx;
	struct evidence *ev = NULL;
	struct evidence_stats stats;
	struct strbuf evdir = STRBUF_INIT, sql = STRBUF_INIT;
	struct th_result res;

	fx_open(&fx);
	strbuf_addf(&evdir, "%s/evidence", fx.dir);
	ck_assert_int_eq(evidence_open(&ev, fx.st, evdir.buf, NULL, 0), 0);
	ck_assert_int_eq(evidence_put(ev, "s", "u1", "input", NULL, "one", 3, NULL), 0);
	ck_assert_int_eq(evidence_put(ev, "s", "u2", "input", NULL, "two", 3, NULL), 0);
	ck_assert_int_eq(store_evidence_foreach(fx.st, tamper_chain, NULL), 0);
	evidence_close(ev);
	store_close(fx.st);
	/* Someone edits a manifest row behind vetter's back. */
	{
		const char *argv[] = { "sqlite3", fx.path.buf, "UPDATE evidence SET uri='forged' WHERE seq=1", NULL };

		th_run(&res, argv, NULL, NULL, NULL);
		th_assert_status(&res, 0);
		th_result_release(&res);
	}
	ck_assert_int_eq(store_open(&fx.st, fx.path.buf), 0);
	ck_assert_int_eq(evidence_open(&ev, fx.st, evdir.buf, NULL, 0), 0);
	ck_assert_int_eq(evidence_verify(ev, &stats, NULL, NULL), ERR_INTEGRITY);
	ck_assert_msg(strstr(err_last(), "its hash does not match"), "%s", err_last());
	evidence_close(ev);
	fx_close(&fx);
	strbuf_release(&evdir);
	strbuf_release(&sql);
}
END_TEST

Suite *store_suite(void)
{
	Suite *s = suite_create("store");
	TCase *tc = tcase_create("store");

	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, store_is_private_and_versioned);
	tcase_add_test(tc, assets_edges_and_rollback);
	tcase_add_test(tc, findings_have_stable_ids);
	tcase_add_test(tc, evidence_plain);
	tcase_add_test(tc, evidence_with_key);
	tcase_add_test(tc, evidence_key_must_match);
	if (th_have_tool("evidence_chain_detects_edits", "sqlite3"))
		tcase_add_test(tc, evidence_chain_detects_edits);
	suite_add_tcase(s, tc);
	return s;
}
