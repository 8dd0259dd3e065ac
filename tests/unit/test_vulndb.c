/*
 * The advisory database: imports of OSV records (shared/data/osv and the
 * Debian 12 records) against counts derived independently by
 * tests/lib/osv_expect.py, the refusal of malformed records with their
 * reasons, idempotent and order-independent imports (the digest), CVE JSON 5
 * and Vulnrichment fields against what jq reads from the same files, and the
 * KEV and EPSS imports against jq and the EPSS file itself.
 */
#include <check.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/jsonx.h"
#include "core/strbuf.h"
#include "th.h"
#include "vulndb/vulndb.h"

static char *pathf(const char *dir, const char *rel)
{
	struct strbuf p = STRBUF_INIT;

	strbuf_addf(&p, "%s/%s", dir, rel);
	return strbuf_detach(&p, NULL);
}

/* vetter db ARGS... --vulndb db; the result is the caller's. */
static void db_cmd(struct th_result *res, const char *db, const char *a1, const char *a2, const char *a3,
		   const char *a4)
{
	th_vetter(res, NULL, "db", "--vulndb", db, a1, a2, a3, a4, NULL);
}

static json_t *status_json(const char *db)
{
	struct th_result res;
	json_t *st = NULL;

	db_cmd(&res, db, "status", "--format", "json", NULL);
	th_assert_status(&res, 0);
	ck_assert_int_eq(jsonx_parse(res.out.buf, res.out.len, "status", &st), 0);
	th_result_release(&res);
	return st;
}

static void digest_of(const char *db, struct strbuf *out)
{
	struct th_result res;

	db_cmd(&res, db, "digest", NULL, NULL, NULL);
	th_assert_status(&res, 0);
	ck_assert_int_eq((int)res.out.len, 65);
	strbuf_add(out, res.out.buf, 64);
	th_result_release(&res);
}

/* The "WHERE\tREASON" lines of the refusal warnings in stderr, sorted into out. */
static void refusals(const char *err, struct strbuf *out)
{
	static const char pre[] = "vetter: warning: ", mid[] = ": refused: ";
	const char *line, *nl;

	for (line = err; *line; line = nl + 1) {
		const char *m;

		nl = strchr(line, '\n');
		if (!nl)
			break;
		if (strncmp(line, pre, sizeof(pre) - 1) || !(m = strstr(line, mid)) || m > nl)
			continue;
		strbuf_addstr(out, "refused\t");
		strbuf_add(out, line + sizeof(pre) - 1, (size_t)(m - line - (sizeof(pre) - 1)));
		strbuf_addch(out, '\t');
		strbuf_add(out, m + sizeof(mid) - 1, (size_t)(nl - m - (sizeof(mid) - 1)));
		strbuf_addch(out, '\n');
	}
}

/* Lines of text starting with prefix, in order. */
static void lines_with(const char *text, const char *prefix, struct strbuf *out)
{
	const char *line, *nl;

	for (line = text; *line; line = nl + 1) {
		nl = strchr(line, '\n');
		if (!nl)
			break;
		if (!strncmp(line, prefix, strlen(prefix)))
			strbuf_add(out, line, (size_t)(nl - line + 1));
	}
}

/* The counts of `osv_expect.py import` against what the database reports. */
static void check_against_expectation(const char *db, const char *err, const char *const *inputs)
{
	char *tool = th_repo_path("tests/lib/osv_expect.py");
	const char *argv[8] = { "/usr/bin/python3", tool, "import" };
	struct strbuf got = STRBUF_INIT, want = STRBUF_INIT;
	struct th_result res;
	json_t *st = status_json(db), *e;
	size_t i, n = 3;

	for (i = 0; inputs[i] && n < 7; i++)
		argv[n++] = inputs[i];
	argv[n] = NULL;
	th_run(&res, argv, NULL, NULL, NULL);
	th_assert_status(&res, 0);
	/* Records per ecosystem. */
	lines_with(res.out.buf, "eco\t", &want);
	json_array_foreach(json_object_get(st, "ecosystems"), i, e)
		strbuf_addf(&got, "eco\t%s\t%lld\n", jsonx_strz(e, "ecosystem"), (long long)jsonx_int(e, "records", -1));
	ck_assert_msg(!strcmp(got.buf, want.buf), "records per ecosystem differ\nvetter:\n%s\nexpected:\n%s", got.buf,
		      want.buf);
	/* Refused inputs, with the reason. */
	strbuf_reset(&got);
	strbuf_reset(&want);
	refusals(err, &got);
	lines_with(res.out.buf, "refused\t", &want);
	ck_assert_msg(!strcmp(got.buf, want.buf), "refusals differ\nvetter:\n%s\nexpected:\n%s", got.buf, want.buf);
	/* Totals. */
	strbuf_reset(&got);
	strbuf_reset(&want);
	strbuf_addf(&got, "records\t%lld\nwithout_package\t%lld\n", (long long)jsonx_int(st, "records", -1),
		    (long long)jsonx_int(st, "records_without_package", -1));
	lines_with(res.out.buf, "records\t", &want);
	lines_with(res.out.buf, "without_package\t", &want);
	ck_assert_str_eq(got.buf, want.buf);
	strbuf_reset(&want);
	lines_with(res.out.buf, "withdrawn\t", &want);
	{
		size_t lines = 0;
		const char *p;

		for (p = want.buf; *p; p++)
			lines += *p == '\n';
		ck_assert_int_eq((int)jsonx_int(st, "withdrawn_seen", -1), (int)lines);
	}
	json_decref(st);
	th_result_release(&res);
	strbuf_release(&got);
	strbuf_release(&want);
	free(tool);
}

START_TEST(osv_records_per_ecosystem_and_refusals)
{
	char *dir = th_tmpdir(), *db = pathf(dir, "v.sqlite"), *osv = th_data_path("osv"),
	     *zip = th_data_path("debian12-osv/all.zip");
	const char *inputs[] = { osv, zip, NULL };
	struct strbuf err = STRBUF_INIT;
	struct th_result res;

	db_cmd(&res, db, "import", "osv", osv, zip);
	/* One input is not an OSV record: done, with a refusal (exit 3). */
	th_assert_status(&res, 3);
	strbuf_addstr(&err, res.err.buf);
	ck_assert_ptr_nonnull(strstr(res.out.buf, "all.zip: 8513 read, 8513 added, 0 updated, 0 unchanged, 0 older, "
						  "0 withdrawn, 0 removed, 0 refused\n"));
	th_result_release(&res);
	check_against_expectation(db, err.buf, inputs);
	th_rm_rf(dir);
	free(dir), free(db), free(osv), free(zip);
	strbuf_release(&err);
}
END_TEST

START_TEST(imports_are_idempotent_and_order_free)
{
	char *dir = th_tmpdir(), *a = pathf(dir, "a.sqlite"), *b = pathf(dir, "b.sqlite"), *osv = th_data_path("osv"),
	     *zip = th_data_path("debian12-osv/all.zip"), *kev = th_data_path("kev/known_exploited_vulnerabilities.json"),
	     *epss = th_data_path("epss/epss_scores-sample-2026-09-29.csv"), *cve = th_data_path("cve5"),
	     *vr = th_data_path("vulnrichment");
	struct strbuf da = STRBUF_INIT, da2 = STRBUF_INIT, db2 = STRBUF_INIT;
	struct th_result res;

	db_cmd(&res, a, "import", "osv", osv, zip);
	th_result_release(&res);
	db_cmd(&res, a, "import", "cve", cve, vr);
	th_assert_status(&res, 0);
	th_result_release(&res);
	db_cmd(&res, a, "import", "kev", kev, NULL);
	th_result_release(&res);
	db_cmd(&res, a, "import", "epss", epss, NULL);
	th_result_release(&res);
	digest_of(a, &da);
	/* The same inputs again: nothing added, nothing changed. */
	db_cmd(&res, a, "import", "osv", zip, NULL);
	th_assert_status(&res, 0);
	ck_assert_ptr_nonnull(strstr(res.out.buf, "8513 read, 0 added, 0 updated, 8513 unchanged"));
	th_result_release(&res);
	db_cmd(&res, a, "import", "cve", vr, cve);
	ck_assert_ptr_nonnull(strstr(res.out.buf, " 0 added, 0 updated,"));
	th_result_release(&res);
	db_cmd(&res, a, "import", "kev", kev, NULL);
	ck_assert_ptr_nonnull(strstr(res.out.buf, "1404 read, 0 added, 0 updated, 1404 unchanged, 0 older, 0 withdrawn, "
						  "0 removed, 0 refused"));
	th_result_release(&res);
	db_cmd(&res, a, "import", "epss", epss, NULL);
	ck_assert_ptr_nonnull(strstr(res.out.buf, "99 read, 0 added, 0 updated, 99 unchanged"));
	th_result_release(&res);
	digest_of(a, &da2);
	ck_assert_str_eq(da.buf, da2.buf);
	/* Another database from the same inputs in another order: the same digest. */
	db_cmd(&res, b, "import", "epss", epss, NULL);
	th_result_release(&res);
	db_cmd(&res, b, "import", "cve", vr, cve);
	th_result_release(&res);
	db_cmd(&res, b, "import", "osv", zip, osv);
	th_result_release(&res);
	db_cmd(&res, b, "import", "kev", kev, NULL);
	th_result_release(&res);
	digest_of(b, &db2);
	ck_assert_str_eq(da.buf, db2.buf);
	th_rm_rf(dir);
	free(dir), free(a), free(b), free(osv), free(zip), free(kev), free(epss), free(cve), free(vr);
	strbuf_release(&da), strbuf_release(&da2), strbuf_release(&db2);
}
END_TEST

/* Records written by the test, each broken in one way, and the reason vetter must give. */
static const struct {
	const char *name, *text, *reason;
} bad_records[] = {
	{ "a-truncated.json", "{\"id\": \"X-1\", \"modified\": \"2024-01-01T00:00:00Z\"",
	  "not JSON: line 1 column 48: '}' expected near end of file" },
	{ "b-array.json", "[1, 2]", "not a JSON object" },
	{ "c-noid.json", "{\"modified\": \"2024-01-01T00:00:00Z\"}", "id is missing" },
	{ "d-nomodified.json", "{\"id\": \"X-4\"}", "modified is missing" },
	{ "e-badtime.json", "{\"id\": \"X-5\", \"modified\": \"yesterday\"}", "modified is not an RFC 3339 timestamp" },
	{ "f-twokeys.json",
	  "{\"id\": \"X-6\", \"modified\": \"2024-01-01T00:00:00Z\", \"affected\": [{\"package\": {\"ecosystem\": \"npm\", "
	  "\"name\": \"a\"}, \"ranges\": [{\"type\": \"SEMVER\", \"events\": [{\"introduced\": \"0\", \"fixed\": \"1.0.0\"}]}]}]}",
	  "affected[0].ranges[0].events[0] must have exactly one of introduced, fixed, last_affected, limit" },
	{ "g-nointro.json",
	  "{\"id\": \"X-7\", \"modified\": \"2024-01-01T00:00:00Z\", \"affected\": [{\"package\": {\"ecosystem\": \"npm\", "
	  "\"name\": \"a\"}, \"ranges\": [{\"type\": \"SEMVER\", \"events\": [{\"fixed\": \"1.0.0\"}]}]}]}",
	  "affected[0].ranges[0].events has no introduced event" },
	{ "h-numver.json",
	  "{\"id\": \"X-8\", \"modified\": \"2024-01-01T00:00:00Z\", \"affected\": [{\"package\": {\"ecosystem\": \"PyPI\", "
	  "\"name\": \"a\"}, \"versions\": [\"1.0\", 2.10]}]}",
	  "affected[0].versions[1] is not a version (1 to 1024 bytes, no control characters)" },
	{ "i-ctrl.json",
	  "{\"id\": \"X-9\", \"modified\": \"2024-01-01T00:00:00Z\", \"affected\": [{\"package\": {\"ecosystem\": \"PyPI\", "
	  "\"name\": \"a\"}, \"ranges\": [{\"type\": \"ECOSYSTEM\", \"events\": [{\"introduced\": \"0\"}, {\"fixed\": "
	  "\"1.0\\u001b[31m\"}]}]}]}",
	  "affected[0].ranges[0].events[1].fixed is not a version (1 to 1024 bytes, no control characters)" },
	{ "j-nopkgname.json",
	  "{\"id\": \"X-10\", \"modified\": \"2024-01-01T00:00:00Z\", \"affected\": [{\"package\": {\"ecosystem\": \"npm\"}}]}",
	  "affected[0].package needs both ecosystem and name" },
	{ "k-rangetype.json",
	  "{\"id\": \"X-11\", \"modified\": \"2024-01-01T00:00:00Z\", \"affected\": [{\"package\": {\"ecosystem\": \"npm\", "
	  "\"name\": \"a\"}, \"ranges\": [{\"type\": \"DATE\", \"events\": [{\"introduced\": \"0\"}]}]}]}",
	  "affected[0].ranges[0].type: 'DATE' is not ECOSYSTEM, SEMVER or GIT" },
	{ "l-aliases.json", "{\"id\": \"X-12\", \"modified\": \"2024-01-01T00:00:00Z\", \"aliases\": \"CVE-2024-1\"}",
	  "aliases is not an array of ids" },
	{ "m-fixedlast.json",
	  "{\"id\": \"X-13\", \"modified\": \"2024-01-01T00:00:00Z\", \"affected\": [{\"package\": {\"ecosystem\": \"npm\", "
	  "\"name\": \"a\"}, \"ranges\": [{\"type\": \"SEMVER\", \"events\": [{\"introduced\": \"0\"}, {\"fixed\": \"1.0.0\"}, "
	  "{\"last_affected\": \"2.0.0\"}]}]}]}",
	  "affected[0].ranges[0].events has both fixed and last_affected events" },
	{ "n-dupkey.json", "{\"id\": \"X-14\", \"id\": \"X-15\", \"modified\": \"2024-01-01T00:00:00Z\"}",
	  "not JSON: line 1 column 19: duplicate object key near '\"id\"'" },
	{ "o-nul.json", "{\"id\": \"X-\\u0000\", \"modified\": \"2024-01-01T00:00:00Z\"}",
	  "id must be a non-empty string of at most 256 bytes without control characters" },
};

START_TEST(malformed_records_are_refused_with_the_reason)
{
	char *dir = th_tmpdir(), *db = pathf(dir, "v.sqlite"), *in = pathf(dir, "in"), *zip = pathf(dir, "bad.zip");
	struct strbuf got = STRBUF_INIT, want = STRBUF_INIT, script = STRBUF_INIT;
	struct th_result res;
	json_t *st;
	size_t i;

	ck_assert_int_eq(mkdir(in, 0755), 0);
	for (i = 0; i < sizeof(bad_records) / sizeof(bad_records[0]); i++) {
		char *p = pathf(in, bad_records[i].name);

		th_write(p, bad_records[i].text);
		strbuf_addf(&want, "refused\t%s\t%s\n", p, bad_records[i].reason);
		free(p);
	}
	/* Invalid UTF-8 inside a string. */
	{
		char *p = pathf(in, "p-utf8.json");

		th_write(p, "{\"id\": \"X-\xff\", \"modified\": \"2024-01-01T00:00:00Z\"}");
		strbuf_addf(&want, "refused\t%s\tnot JSON: line 1 column 10: unable to decode byte 0xff near '\"X-'\n", p);
		free(p);
	}
	/* Good records beside them are imported. */
	{
		char *p = pathf(in, "z-good.json");

		th_write(p, "{\"id\": \"GOOD-1\", \"modified\": \"2024-01-01T00:00:00Z\", \"affected\": [{\"package\": "
			    "{\"ecosystem\": \"npm\", \"name\": \"left-pad\"}, \"ranges\": [{\"type\": \"SEMVER\", \"events\": "
			    "[{\"introduced\": \"0\"}, {\"fixed\": \"1.3.0\"}]}]}]}");
		free(p);
	}
	db_cmd(&res, db, "import", "osv", in, NULL);
	th_assert_status(&res, 3);
	refusals(res.err.buf, &got);
	ck_assert_msg(!strcmp(got.buf, want.buf), "refusals differ\nvetter:\n%s\nexpected:\n%s", got.buf, want.buf);
	ck_assert_ptr_nonnull(strstr(res.out.buf, "17 read, 1 added, 0 updated, 0 unchanged, 0 older, 0 withdrawn, "
						  "0 removed, 16 refused\n"));
	th_result_release(&res);
	/* A zip with a bad member: the member is named in the warning. */
	strbuf_addf(&script, "import zipfile\nz = zipfile.ZipFile('%s', 'w')\nz.writestr('ok/GOOD-2.json', '{\"id\": \"GOOD-2\", "
			     "\"modified\": \"2024-01-02T00:00:00Z\"}')\nz.writestr('bad/X.json', '[]')\n"
			     "z.writestr('README.txt', 'not a record')\nz.close()\n",
		    zip);
	{
		const char *argv[] = { "/usr/bin/python3", "-c", script.buf, NULL };

		th_run(&res, argv, NULL, NULL, NULL);
		th_assert_status(&res, 0);
		th_result_release(&res);
	}
	db_cmd(&res, db, "import", "osv", zip, NULL);
	th_assert_status(&res, 3);
	ck_assert_ptr_nonnull(strstr(res.err.buf, "vetter: warning: bad.zip:bad/X.json: refused: not a JSON object\n"));
	ck_assert_ptr_nonnull(strstr(res.out.buf, "2 read, 1 added, 0 updated, 0 unchanged, 0 older, 0 withdrawn, "
						  "0 removed, 1 refused\n"));
	th_result_release(&res);
	st = status_json(db);
	ck_assert_int_eq((int)jsonx_int(st, "records", -1), 2);
	json_decref(st);
	th_rm_rf(dir);
	free(dir), free(db), free(in), free(zip);
	strbuf_release(&got), strbuf_release(&want), strbuf_release(&script);
}
END_TEST

static const char rec_v1[] = "{\"id\": \"T-1\", \"modified\": \"2024-01-01T00:00:00Z\", \"affected\": [{\"package\": "
			     "{\"ecosystem\": \"npm\", \"name\": \"t\"}, \"ranges\": [{\"type\": \"SEMVER\", \"events\": "
			     "[{\"introduced\": \"0\"}, {\"fixed\": \"1.0.0\"}]}]}]}";
static const char rec_v2_withdrawn[] = "{\"id\": \"T-1\", \"modified\": \"2024-02-01T00:00:00Z\", \"withdrawn\": "
				       "\"2024-02-01T00:00:00Z\", \"affected\": []}";
static const char rec_v3[] = "{\"id\": \"T-1\", \"modified\": \"2024-03-01T00:00:00Z\", \"summary\": \"back\"}";

/* Import the files of names (in this order) into a new database; its digest and record count. */
static void import_sequence(const char *dir, const char *tag, const char *const *files, struct strbuf *digest,
			    long long *records)
{
	char *db = pathf(dir, tag);
	struct th_result res;
	json_t *st;
	size_t i;

	for (i = 0; files[i]; i++) {
		db_cmd(&res, db, "import", "osv", files[i], NULL);
		th_assert_status(&res, 0);
		th_result_release(&res);
	}
	digest_of(db, digest);
	st = status_json(db);
	*records = jsonx_int(st, "records", -1);
	json_decref(st);
	free(db);
}

START_TEST(withdrawals_win_in_any_order)
{
	char *dir = th_tmpdir(), *f1 = pathf(dir, "v1.json"), *f2 = pathf(dir, "v2.json"), *f3 = pathf(dir, "v3.json");
	struct strbuf d1 = STRBUF_INIT, d2 = STRBUF_INIT, d3 = STRBUF_INIT, d4 = STRBUF_INIT;
	long long n1, n2, n3, n4;

	th_write(f1, rec_v1);
	th_write(f2, rec_v2_withdrawn);
	th_write(f3, rec_v3);
	{
		const char *a[] = { f1, f2, NULL }, *b[] = { f2, f1, NULL };

		import_sequence(dir, "a.sqlite", a, &d1, &n1);
		import_sequence(dir, "b.sqlite", b, &d2, &n2);
	}
	/* v1 then its withdrawal, or the withdrawal first: gone either way, same digest. */
	ck_assert_int_eq(n1, 0);
	ck_assert_int_eq(n2, 0);
	ck_assert_str_eq(d1.buf, d2.buf);
	{
		const char *c[] = { f1, f2, f3, NULL }, *d[] = { f3, f2, f1, NULL };

		import_sequence(dir, "c.sqlite", c, &d3, &n3);
		import_sequence(dir, "d.sqlite", d, &d4, &n4);
	}
	/* A newer version after the withdrawal brings it back, in any order. */
	ck_assert_int_eq(n3, 1);
	ck_assert_int_eq(n4, 1);
	ck_assert_str_eq(d3.buf, d4.buf);
	th_rm_rf(dir);
	free(dir), free(f1), free(f2), free(f3);
	strbuf_release(&d1), strbuf_release(&d2), strbuf_release(&d3), strbuf_release(&d4);
}
END_TEST

/*
 * What jq reads from every CVE JSON 5 file: id, dateUpdated, state, the CVSS
 * metrics (container, key, vector), the first SSVC decision of any
 * container, the CWE ids and the ADP KEV date.
 */
static const char jq_cve[] =
	"[.cveMetadata.cveId, (.cveMetadata.dateUpdated // \"\"), .cveMetadata.state,"
	" ([ ((.containers.cna.metrics // [])[] | to_entries[] | select(.key | startswith(\"cvssV\"))"
	"     | \"cna \" + .key + \" \" + .value.vectorString),"
	"    ((.containers.adp // [])[] | (.metrics // [])[] | to_entries[] | select(.key | startswith(\"cvssV\"))"
	"     | \"adp \" + .key + \" \" + .value.vectorString) ] | sort | join(\"|\")),"
	" ([ (.containers.cna.metrics // [])[], ((.containers.adp // [])[] | (.metrics // [])[]) ]"
	"   | map(select(.other.type? == \"ssvc\")) | first"
	"   | if . == null then \"\" else (.other.content.options | add"
	"       | [.Exploitation, .Automatable, .[\"Technical Impact\"]] | join(\",\")) end),"
	" ([ (.containers.cna.problemTypes // [])[] | .descriptions[] | .cweId // empty ] +"
	"  [ (.containers.adp // [])[] | (.problemTypes // [])[] | .descriptions[] | .cweId // empty ]"
	"   | unique | join(\",\")),"
	" ([ (.containers.adp // [])[] | (.metrics // [])[] | select(.other.type? == \"kev\") | .other.content.dateAdded ]"
	"   | first // \"\")] | @tsv";

/* The same fields from the stored reduced record. */
static void cve_fields(const json_t *cve, struct strbuf *out)
{
	static const char *const keys[] = { "cvssV4_0", "cvssV3_1", "cvssV3_0", "cvssV2_0" };
	static const char *const vers[] = { "4.0", "3.1", "3.0", "2.0" };
	const json_t *ssvc = json_object_get(cve, "ssvc"), *e;
	char *items[64];
	size_t i, k, n = 0;

	strbuf_addf(out, "%s\t%s\t%s\t", jsonx_strz(cve, "id"), jsonx_strz(cve, "date_updated"), jsonx_strz(cve, "state"));
	json_array_foreach(json_object_get(cve, "cvss"), i, e) {
		struct strbuf it = STRBUF_INIT;

		for (k = 0; k < 4 && strcmp(vers[k], jsonx_strz(e, "version")); k++)
			;
		ck_assert_int_lt((int)k, 4);
		strbuf_addf(&it, "%s %s %s", jsonx_strz(e, "source"), keys[k], jsonx_strz(e, "vector"));
		ck_assert_int_lt((int)n, 64);
		items[n++] = strbuf_detach(&it, NULL);
	}
	/* Sorted as jq sorts strings (by code point, as strcmp on UTF-8). */
	for (i = 1; i < n; i++)
		for (k = i; k > 0 && strcmp(items[k - 1], items[k]) > 0; k--) {
			char *t = items[k];

			items[k] = items[k - 1];
			items[k - 1] = t;
		}
	for (i = 0; i < n; i++) {
		strbuf_addf(out, "%s%s", i ? "|" : "", items[i]);
		free(items[i]);
	}
	strbuf_addch(out, '\t');
	if (ssvc)
		strbuf_addf(out, "%s,%s,%s", jsonx_strz(ssvc, "exploitation"), jsonx_strz(ssvc, "automatable"),
			    jsonx_strz(ssvc, "technical_impact"));
	strbuf_addch(out, '\t');
	json_array_foreach(json_object_get(cve, "cwe"), i, e)
		strbuf_addf(out, "%s%s", i ? "," : "", json_string_value(e));
	strbuf_addf(out, "\t%s\n", jsonx_strz(json_object_get(cve, "kev_adp"), "date_added"));
}

START_TEST(cve_records_read_exactly)
{
	char *dir = th_tmpdir(), *db = pathf(dir, "v.sqlite"), *cve = th_data_path("cve5"), *vr = th_data_path("vulnrichment");
	struct strbuf script = STRBUF_INIT, want = STRBUF_INIT, got = STRBUF_INIT;
	struct th_result res;
	struct vulndb *v;
	json_t *newest = json_object(), *row;
	const char *line, *nl, *key;
	size_t checked = 0;

	db_cmd(&res, db, "import", "cve", cve, vr);
	th_assert_status(&res, 0);
	th_result_release(&res);
	/* jq over every file; of two files with one CVE the newer dateUpdated is the one kept. */
	strbuf_addf(&script, "find '%s' '%s' -name 'CVE-*.json' -print0 | xargs -0 jq -r '%s'", cve, vr, jq_cve);
	{
		const char *argv[] = { "sh", "-c", script.buf, NULL };

		th_run(&res, argv, NULL, NULL, NULL);
		th_assert_status(&res, 0);
	}
	for (line = res.out.buf; *line; line = nl + 1) {
		const char *tab = strchr(line, '\t'), *tab2;
		char id[64];

		nl = strchr(line, '\n');
		ck_assert_ptr_nonnull(nl);
		ck_assert_ptr_nonnull(tab);
		tab2 = strchr(tab + 1, '\t');
		snprintf(id, sizeof(id), "%.*s", (int)(tab - line), line);
		row = json_object_get(newest, id);
		if (!row || strncmp(json_string_value(row) + (tab - line) + 1, tab + 1, (size_t)(tab2 - tab - 1)) < 0)
			json_object_set_new(newest, id, json_stringn(line, (size_t)(nl - line + 1)));
	}
	th_result_release(&res);
	/* 478 files, five CVEs twice (cve5 and vulnrichment, or two copies in osv.dev's test data). */
	ck_assert_int_eq((int)json_object_size(newest), 473);
	ck_assert_int_eq(vulndb_open(&v, db, VULNDB_READ), 0);
	json_object_foreach(newest, key, row) {
		json_t *shown = NULL;

		strbuf_reset(&want);
		strbuf_reset(&got);
		strbuf_addstr(&want, json_string_value(row));
		ck_assert_int_eq(vulndb_show(v, key, &shown), 0);
		cve_fields(json_object_get(shown, "cve"), &got);
		ck_assert_msg(!strcmp(got.buf, want.buf), "%s differs\nvetter: %sjq:     %s", key, got.buf, want.buf);
		json_decref(shown);
		checked++;
	}
	ck_assert_int_eq((int)checked, 473);
	vulndb_close(v);
	json_decref(newest);
	th_rm_rf(dir);
	free(dir), free(db), free(cve), free(vr);
	strbuf_release(&script), strbuf_release(&want), strbuf_release(&got);
}
END_TEST

START_TEST(kev_catalog_read_exactly)
{
	char *dir = th_tmpdir(), *db = pathf(dir, "v.sqlite"), *kev = th_data_path("kev/known_exploited_vulnerabilities.json");
	const char *argv[] = { "jq", "-r",
			       ".catalogVersion, .dateReleased, (.vulnerabilities | length), (.vulnerabilities[] | "
			       "[.cveID, .dateAdded, .dueDate, .knownRansomwareCampaignUse, .vendorProject, .product] | @tsv)",
			       kev, NULL };
	struct strbuf want = STRBUF_INIT, got = STRBUF_INIT;
	struct th_result res;
	struct vulndb *v;
	const char *line, *nl;
	json_t *st, *k;
	int n = 0;

	db_cmd(&res, db, "import", "kev", kev, NULL);
	th_assert_status(&res, 0);
	th_result_release(&res);
	th_run(&res, argv, NULL, NULL, NULL);
	th_assert_status(&res, 0);
	st = status_json(db);
	k = json_object_get(st, "kev");
	strbuf_addf(&got, "%s\n%s\n%lld\n", jsonx_strz(k, "catalog_version"), jsonx_strz(k, "date_released"),
		    (long long)jsonx_int(k, "entries", -1));
	line = res.out.buf;
	for (n = 0; n < 3; n++)
		line = strchr(line, '\n') + 1;
	strbuf_add(&want, res.out.buf, (size_t)(line - res.out.buf));
	ck_assert_str_eq(got.buf, want.buf);
	json_decref(st);
	/* Every entry, field by field. */
	ck_assert_int_eq(vulndb_open(&v, db, VULNDB_READ), 0);
	for (n = 0; *line; line = nl + 1, n++) {
		json_t *shown = NULL, *e;
		char id[32];

		nl = strchr(line, '\n');
		snprintf(id, sizeof(id), "%.*s", (int)(strchr(line, '\t') - line), line);
		strbuf_reset(&want);
		strbuf_add(&want, line, (size_t)(nl - line));
		ck_assert_int_eq(vulndb_show(v, id, &shown), 0);
		e = json_object_get(shown, "kev");
		strbuf_reset(&got);
		strbuf_addf(&got, "%s\t%s\t%s\t%s\t%s\t%s", id, jsonx_strz(e, "date_added"), jsonx_strz(e, "due_date"),
			    jsonx_strz(e, "ransomware"), jsonx_strz(e, "vendor"), jsonx_strz(e, "product"));
		ck_assert_str_eq(got.buf, want.buf);
		json_decref(shown);
	}
	ck_assert_int_eq(n, 1404);
	vulndb_close(v);
	th_result_release(&res);
	th_rm_rf(dir);
	free(dir), free(db), free(kev);
	strbuf_release(&want), strbuf_release(&got);
}
END_TEST

START_TEST(epss_scores_read_exactly)
{
	char *dir = th_tmpdir(), *db = pathf(dir, "v.sqlite"), *dbz = pathf(dir, "z.sqlite"), *gz = pathf(dir, "e.csv.gz"),
	     *csv = th_data_path("epss/epss_scores-sample-2026-09-29.csv");
	struct strbuf text = STRBUF_INIT, script = STRBUF_INIT, d1 = STRBUF_INIT, d2 = STRBUF_INIT;
	const char *line, *nl;
	struct th_result res;
	struct vulndb *v;
	json_t *st, *e;
	int rows = 0;

	th_read(csv, &text);
	db_cmd(&res, db, "import", "epss", csv, NULL);
	th_assert_status(&res, 0);
	th_result_release(&res);
	/* The header line names the model and the date of the scores. */
	st = status_json(db);
	e = json_object_get(st, "epss");
	{
		struct strbuf hdr = STRBUF_INIT;

		strbuf_addf(&hdr, "#model_version:%s,score_date:%s\n", jsonx_strz(e, "model_version"),
			    jsonx_strz(e, "score_date"));
		ck_assert_int_eq(strncmp(text.buf, hdr.buf, hdr.len), 0);
		strbuf_release(&hdr);
	}
	/* Every row, as written. */
	ck_assert_int_eq(vulndb_open(&v, db, VULNDB_READ), 0);
	line = strchr(strchr(text.buf, '\n') + 1, '\n') + 1;
	ck_assert_int_eq(strncmp(strchr(text.buf, '\n') + 1, "cve,epss,percentile\n", 20), 0);
	for (; *line; line = nl + 1) {
		struct strbuf got = STRBUF_INIT;
		json_t *shown = NULL;
		char id[32];

		nl = strchr(line, '\n');
		snprintf(id, sizeof(id), "%.*s", (int)(strchr(line, ',') - line), line);
		ck_assert_int_eq(vulndb_show(v, id, &shown), 0);
		strbuf_addf(&got, "%s,%s,%s", id, jsonx_strz(json_object_get(shown, "epss"), "score"),
			    jsonx_strz(json_object_get(shown, "epss"), "percentile"));
		ck_assert_int_eq(strncmp(got.buf, line, (size_t)(nl - line)), 0);
		ck_assert_int_eq((int)got.len, (int)(nl - line));
		strbuf_release(&got);
		json_decref(shown);
		rows++;
	}
	ck_assert_int_eq((int)jsonx_int(e, "entries", -1), rows);
	ck_assert_int_eq(rows, 99);
	vulndb_close(v);
	json_decref(st);
	/* The gzip of the same file gives the same content. */
	strbuf_addf(&script, "gzip -c '%s' > '%s'", csv, gz);
	{
		const char *argv[] = { "sh", "-c", script.buf, NULL };

		th_run(&res, argv, NULL, NULL, NULL);
		th_assert_status(&res, 0);
		th_result_release(&res);
	}
	db_cmd(&res, dbz, "import", "epss", gz, NULL);
	th_assert_status(&res, 0);
	th_result_release(&res);
	digest_of(db, &d1);
	digest_of(dbz, &d2);
	ck_assert_str_eq(d1.buf, d2.buf);
	th_rm_rf(dir);
	free(dir), free(db), free(dbz), free(gz), free(csv);
	strbuf_release(&text), strbuf_release(&script), strbuf_release(&d1), strbuf_release(&d2);
}
END_TEST

START_TEST(epss_bad_rows_are_refused)
{
	char *dir = th_tmpdir(), *db = pathf(dir, "v.sqlite"), *f = pathf(dir, "e.csv"), *g = pathf(dir, "nohdr.csv");
	struct strbuf want = STRBUF_INIT, got = STRBUF_INIT;
	struct th_result res;

	th_write(f, "#model_version:v2025.03.14,score_date:2025-06-01T12:55:00Z\ncve,epss,percentile\n"
		    "CVE-2024-0001,0.5,0.9\nCVE-2024-0002,1.5,0.9\nnot-a-cve,0.1,0.1\nCVE-2024-0003,0.1\n"
		    "CVE-2024-0004,9e-05,0.01\nCVE-2024-0005,0.1,0.2,0.3\n");
	db_cmd(&res, db, "import", "epss", f, NULL);
	th_assert_status(&res, 3);
	strbuf_addf(&want, "refused\t%s:4\tepss and percentile must be numbers from 0 to 1\n"
			   "refused\t%s:5\tthe first field is not a CVE id\n"
			   "refused\t%s:6\texpected three fields: cve,epss,percentile\n"
			   "refused\t%s:8\texpected three fields: cve,epss,percentile\n",
		    f, f, f, f);
	refusals(res.err.buf, &got);
	ck_assert_str_eq(got.buf, want.buf);
	ck_assert_ptr_nonnull(strstr(res.out.buf, "6 read, 2 added, 0 updated, 0 unchanged, 0 older, 0 withdrawn, "
						  "0 removed, 4 refused\n"));
	th_result_release(&res);
	/* Without its header line the file is not taken at all. */
	th_write(g, "cve,epss,percentile\nCVE-2024-0001,0.5,0.9\n");
	db_cmd(&res, db, "import", "epss", g, NULL);
	th_assert_status(&res, 2);
	ck_assert_ptr_nonnull(strstr(res.err.buf, "not an EPSS file"));
	th_result_release(&res);
	th_rm_rf(dir);
	free(dir), free(db), free(f), free(g);
	strbuf_release(&want), strbuf_release(&got);
}
END_TEST

Suite *vulndb_suite(void)
{
	Suite *s = suite_create("vulndb");
	TCase *tc = tcase_create("import");

	tcase_set_timeout(tc, 120);
	suite_add_tcase(s, tc);
	if (th_have_data("osv_records_per_ecosystem_and_refusals", "osv") &&
	    th_have_data("osv_records_per_ecosystem_and_refusals", "debian12-osv/all.zip"))
		tcase_add_test(tc, osv_records_per_ecosystem_and_refusals);
	if (th_have_data("imports_are_idempotent_and_order_free", "debian12-osv/all.zip") &&
	    th_have_data("imports_are_idempotent_and_order_free", "kev") &&
	    th_have_data("imports_are_idempotent_and_order_free", "epss") &&
	    th_have_data("imports_are_idempotent_and_order_free", "vulnrichment"))
		tcase_add_test(tc, imports_are_idempotent_and_order_free);
	tcase_add_test(tc, malformed_records_are_refused_with_the_reason);
	tcase_add_test(tc, withdrawals_win_in_any_order);
	if (th_have_data("cve_records_read_exactly", "cve5") && th_have_data("cve_records_read_exactly", "vulnrichment") &&
	    th_have_tool("cve_records_read_exactly", "jq"))
		tcase_add_test(tc, cve_records_read_exactly);
	if (th_have_data("kev_catalog_read_exactly", "kev") && th_have_tool("kev_catalog_read_exactly", "jq"))
		tcase_add_test(tc, kev_catalog_read_exactly);
	if (th_have_data("epss_scores_read_exactly", "epss") && th_have_tool("epss_scores_read_exactly", "gzip"))
		tcase_add_test(tc, epss_scores_read_exactly);
	tcase_add_test(tc, epss_bad_rows_are_refused);
	return s;
}
