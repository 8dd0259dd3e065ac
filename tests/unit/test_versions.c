/*
 * The version comparators against each upstream project's own test vectors
 * (../shared/data/versions, see its README.txt): every row of every file,
 * the exact expected value, the reverse comparison, and the row count, both
 * through the library and through the real 'vetter vercmp --batch'.
 */
#include <check.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "core/err.h"
#include "core/strbuf.h"
#include "th.h"
#include "vulndb/version.h"

#define MAX_FIELDS 4

/* A TSV file: header dropped, fields not trimmed. */
struct tsv {
	struct strbuf text;
	size_t n;
	char *(*rows)[MAX_FIELDS];
	size_t *nf;
};

static void tsv_load(struct tsv *t, const char *rel)
{
	char *path = th_data_path(rel);
	size_t cap = 16, i;
	char *line, *next;

	memset(t, 0, sizeof(*t));
	strbuf_init(&t->text, 0);
	th_read(path, &t->text);
	free(path);
	t->rows = malloc(cap * sizeof(*t->rows));
	t->nf = malloc(cap * sizeof(*t->nf));
	ck_assert_ptr_nonnull(t->rows);
	line = strchr(t->text.buf, '\n'); /* skip the header */
	ck_assert_ptr_nonnull(line);
	for (line++; *line; line = next) {
		char *f = line;

		next = strchr(line, '\n');
		if (next)
			*next++ = 0;
		else
			next = line + strlen(line);
		if (t->n == cap) {
			cap *= 2;
			t->rows = realloc(t->rows, cap * sizeof(*t->rows));
			t->nf = realloc(t->nf, cap * sizeof(*t->nf));
			ck_assert_ptr_nonnull(t->rows);
			ck_assert_ptr_nonnull(t->nf);
		}
		for (i = 0; i < MAX_FIELDS; i++) {
			char *tab = f ? strchr(f, '\t') : NULL;

			t->rows[t->n][i] = f;
			if (tab)
				*tab = 0;
			f = tab ? tab + 1 : NULL;
			if (t->rows[t->n][i])
				t->nf[t->n] = i + 1;
		}
		t->n++;
	}
}

static void tsv_free(struct tsv *t)
{
	free(t->rows);
	free(t->nf);
	strbuf_release(&t->text);
}

/* Collects the first failures of a file, so one run shows them all. */
struct fails {
	int n;
	struct strbuf msg;
};

static void fail_add(struct fails *f, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void fail_add(struct fails *f, const char *fmt, ...)
{
	va_list ap;

	if (f->n++ < 25) {
		va_start(ap, fmt);
		strbuf_vaddf(&f->msg, fmt, ap);
		va_end(ap);
		strbuf_addch(&f->msg, '\n');
	}
}

static void fail_check(struct fails *f, const char *file, size_t rows, size_t want_rows)
{
	ck_assert_msg(rows == want_rows, "%s: %zu rows, expected %zu", file, rows, want_rows);
	ck_assert_msg(f->n == 0, "%s: %d of %zu rows fail:\n%s", file, f->n, rows, f->msg.buf);
	strbuf_release(&f->msg);
}

/* Every row of a comparison file, both ways round. */
static void check_compare_file(enum ver_scheme s, int flags, const char *rel, size_t want_rows)
{
	struct fails f = { 0, STRBUF_INIT };
	struct tsv t;
	size_t i;

	tsv_load(&t, rel);
	for (i = 0; i < t.n; i++) {
		const char *a = t.rows[i][0], *b = t.rows[i][1];
		int want, r1 = 9, r2 = 9, rc1, rc2;

		if (t.nf[i] != 3) {
			fail_add(&f, "row %zu: %zu fields", i + 2, t.nf[i]);
			continue;
		}
		want = atoi(t.rows[i][2]);
		rc1 = ver_compare(s, a, b, flags, &r1);
		rc2 = ver_compare(s, b, a, flags, &r2);
		if (rc1 < 0 || r1 != want)
			fail_add(&f, "line %zu: cmp('%s', '%s') = %d (rc %d), expected %d", i + 2, a, b, r1, rc1, want);
		if (rc2 < 0 || r2 != -want)
			fail_add(&f, "line %zu: reverse cmp('%s', '%s') = %d (rc %d), expected %d", i + 2, b, a, r2, rc2,
				 -want);
	}
	fail_check(&f, rel, t.n, want_rows);
	tsv_free(&t);
}

START_TEST(dpkg_vectors)
{
	check_compare_file(VER_DPKG, 0, "versions/dpkg.tsv", 50);
}
END_TEST

START_TEST(rpm_vectors)
{
	check_compare_file(VER_RPM, 0, "versions/rpm.tsv", 98);
}
END_TEST

START_TEST(apk_vectors)
{
	check_compare_file(VER_APK, 0, "versions/apk.tsv", 717);
}
END_TEST

START_TEST(pypi_vectors)
{
	check_compare_file(VER_PYPI, 0, "versions/pypi.tsv", 8465);
}
END_TEST

START_TEST(go_vectors)
{
	check_compare_file(VER_GO, 0, "versions/go.tsv", 1024);
}
END_TEST

START_TEST(maven_vectors)
{
	check_compare_file(VER_MAVEN, 0, "versions/maven.tsv", 1985);
}
END_TEST

START_TEST(npm_strict_vectors)
{
	check_compare_file(VER_NPM, 0, "versions/npm.tsv", 41);
}
END_TEST

START_TEST(npm_loose_vectors)
{
	check_compare_file(VER_NPM, VER_LOOSE, "versions/npm-loose.tsv", 58);
}
END_TEST

/* upstream's own oracle: dpkg --compare-versions on this machine */
START_TEST(dpkg_vectors_agree_with_dpkg)
{
	struct fails f = { 0, STRBUF_INIT };
	struct tsv t;
	size_t i;

	tsv_load(&t, "versions/dpkg.tsv");
	for (i = 0; i < t.n; i++) {
		const char *lt[] = { "dpkg", "--compare-versions", t.rows[i][0], "lt", t.rows[i][1], NULL };
		const char *eq[] = { "dpkg", "--compare-versions", t.rows[i][0], "eq", t.rows[i][1], NULL };
		struct th_result r;
		int sign, is_lt, is_eq;

		th_run(&r, lt, NULL, NULL, NULL);
		is_lt = r.status == 0;
		th_result_release(&r);
		th_run(&r, eq, NULL, NULL, NULL);
		is_eq = r.status == 0;
		th_result_release(&r);
		sign = is_lt ? -1 : is_eq ? 0 : 1;
		if (sign != atoi(t.rows[i][2]))
			fail_add(&f, "line %zu: dpkg says %d for '%s' '%s'", i + 2, sign, t.rows[i][0], t.rows[i][1]);
	}
	fail_check(&f, "versions/dpkg.tsv (dpkg)", t.n, 50);
	tsv_free(&t);
}
END_TEST

START_TEST(apk_validity_and_fuzzy)
{
	struct fails f = { 0, STRBUF_INIT };
	struct tsv t;
	size_t i;

	tsv_load(&t, "versions/apk-validity.tsv");
	for (i = 0; i < t.n; i++)
		if (ver_valid(VER_APK, t.rows[i][0], 0) != atoi(t.rows[i][1]))
			fail_add(&f, "line %zu: valid('%s') != %s", i + 2, t.rows[i][0], t.rows[i][1]);
	fail_check(&f, "versions/apk-validity.tsv", t.n, 31);
	tsv_free(&t);

	f.n = 0;
	strbuf_init(&f.msg, 0);
	tsv_load(&t, "versions/apk-fuzzy.tsv");
	for (i = 0; i < t.n; i++) {
		int r = -1, rc = apk_fuzzy_match(t.rows[i][0], t.rows[i][1], t.rows[i][2], &r);

		if (rc < 0 || r != 1)
			fail_add(&f, "line %zu: '%s' %s '%s' does not hold (%d, rc %d)", i + 2, t.rows[i][0],
				 t.rows[i][1], t.rows[i][2], r, rc);
	}
	fail_check(&f, "versions/apk-fuzzy.tsv", t.n, 16);
	tsv_free(&t);
}
END_TEST

START_TEST(pypi_normalization_and_invalid)
{
	struct fails f = { 0, STRBUF_INIT };
	struct strbuf out = STRBUF_INIT;
	struct tsv t;
	size_t i;

	tsv_load(&t, "versions/pypi-normalization.tsv");
	for (i = 0; i < t.n; i++) {
		int rc;

		strbuf_reset(&out);
		rc = pep440_normalize(t.rows[i][0], &out);
		if (rc < 0 || strcmp(out.buf, t.rows[i][1]))
			fail_add(&f, "line %zu: normalize('%s') = '%s' (rc %d), expected '%s'", i + 2, t.rows[i][0],
				 out.buf, rc, t.rows[i][1]);
	}
	fail_check(&f, "versions/pypi-normalization.tsv", t.n, 100);
	tsv_free(&t);

	f.n = 0;
	strbuf_init(&f.msg, 0);
	tsv_load(&t, "versions/pypi-invalid.tsv");
	for (i = 0; i < t.n; i++) {
		int r, rc = ver_compare(VER_PYPI, t.rows[i][0], "1.0", 0, &r);

		strbuf_reset(&out);
		if (ver_valid(VER_PYPI, t.rows[i][0], 0) || rc != ERR_PARSE ||
		    pep440_normalize(t.rows[i][0], &out) != ERR_PARSE)
			fail_add(&f, "line %zu: '%s' is taken as a version (rc %d)", i + 2, t.rows[i][0], rc);
	}
	fail_check(&f, "versions/pypi-invalid.tsv", t.n, 18);
	tsv_free(&t);
	strbuf_release(&out);
}
END_TEST

START_TEST(go_canonical_forms)
{
	struct fails f = { 0, STRBUF_INIT };
	struct strbuf out = STRBUF_INIT;
	struct tsv t;
	size_t i;

	tsv_load(&t, "versions/go-canonical.tsv");
	for (i = 0; i < t.n; i++) {
		const char *want = t.nf[i] > 1 ? t.rows[i][1] : "";
		int rc;

		strbuf_reset(&out);
		rc = go_canonical(t.rows[i][0], &out);
		if (rc < 0 || strcmp(out.buf, want) || ver_valid(VER_GO, t.rows[i][0], 0) != (*want != 0))
			fail_add(&f, "line %zu: Canonical('%s') = '%s', expected '%s'", i + 2, t.rows[i][0], out.buf,
				 want);
	}
	fail_check(&f, "versions/go-canonical.tsv", t.n, 32);
	tsv_free(&t);
	strbuf_release(&out);
}
END_TEST

/* node-semver's satisfies(): an invalid range or version is false. */
static int satisfies(const char *range, const char *version, int flags)
{
	int r = 0, rc = semver_range_satisfies(range, version, flags, &r);

	return rc < 0 ? 0 : r;
}

/* options_json as node-semver's parseOptions reads it: true = loose; else truthy members. */
static int options_flags(const char *json)
{
	json_t *o = json_loads(json, JSON_DECODE_ANY, NULL), *v;
	int flags = 0;

	ck_assert_msg(o != NULL, "options '%s' are not JSON", json);
	if (json_is_true(o))
		flags = VER_LOOSE;
	if (json_is_object(o)) {
		v = json_object_get(o, "loose");
		if (json_is_true(v) || (json_is_number(v) && json_number_value(v) != 0) ||
		    (json_is_string(v) && json_string_length(v)))
			flags |= VER_LOOSE;
		v = json_object_get(o, "includePrerelease");
		if (json_is_true(v) || (json_is_number(v) && json_number_value(v) != 0))
			flags |= VER_INCLUDE_PRERELEASE;
	}
	json_decref(o);
	return flags;
}

START_TEST(npm_ranges)
{
	struct fails f = { 0, STRBUF_INIT };
	json_t *skipped, *row;
	struct tsv t;
	size_t i;
	char *path;

	tsv_load(&t, "versions/npm-range.tsv");
	for (i = 0; i < t.n; i++)
		if (satisfies(t.rows[i][0], t.rows[i][1], 0) != atoi(t.rows[i][2]))
			fail_add(&f, "line %zu: satisfies('%s', '%s') != %s", i + 2, t.rows[i][1], t.rows[i][0],
				 t.rows[i][2]);
	fail_check(&f, "versions/npm-range.tsv", t.n, 173);
	tsv_free(&t);

	f.n = 0;
	strbuf_init(&f.msg, 0);
	tsv_load(&t, "versions/npm-range-options.tsv");
	for (i = 0; i < t.n; i++)
		if (satisfies(t.rows[i][0], t.rows[i][1], options_flags(t.rows[i][3])) != atoi(t.rows[i][2]))
			fail_add(&f, "line %zu: satisfies('%s', '%s', %s) != %s", i + 2, t.rows[i][1], t.rows[i][0],
				 t.rows[i][3], t.rows[i][2]);
	fail_check(&f, "versions/npm-range-options.tsv", t.n, 49);
	tsv_free(&t);

	/* the one row with a TAB in its range lives in JSON */
	path = th_data_path("versions/npm-range-skipped.json");
	skipped = json_load_file(path, 0, NULL);
	free(path);
	ck_assert_ptr_nonnull(skipped);
	ck_assert_int_eq(json_array_size(json_object_get(skipped, "skipped_tab_rows")), 1);
	row = json_array_get(json_object_get(skipped, "skipped_tab_rows"), 0);
	ck_assert_int_eq(satisfies(json_string_value(json_array_get(row, 0)), json_string_value(json_array_get(row, 1)),
				   0),
			 json_integer_value(json_array_get(row, 2)));
	json_decref(skipped);
}
END_TEST

/* The real binary on whole files: one output line per input line, in order. */
static void check_batch(const char *eco, const char *opt, const char *rel, int range, size_t want_rows)
{
	struct strbuf in = STRBUF_INIT;
	struct th_result r;
	struct tsv t;
	const char *argv[6];
	char *line;
	size_t i, k = 0;

	tsv_load(&t, rel);
	for (i = 0; i < t.n; i++)
		strbuf_addf(&in, "%s\t%s\n", t.rows[i][0], t.rows[i][1]);
	argv[k++] = th_vetter_bin();
	argv[k++] = "vercmp";
	argv[k++] = eco;
	if (opt)
		argv[k++] = opt;
	argv[k++] = "--batch";
	argv[k] = NULL;
	th_run(&r, argv, NULL, in.buf, NULL);
	th_assert_status(&r, 0);
	line = r.out.buf;
	for (i = 0; i < t.n; i++) {
		char *nl = strchr(line, '\n');
		int want = atoi(t.rows[i][2]);

		ck_assert_msg(nl != NULL, "%s: output ends after %zu of %zu lines", rel, i, t.n);
		*nl = 0;
		if (range && !strcmp(line, "error"))
			line = "0"; /* satisfies() is false for an invalid range */
		ck_assert_msg(strcmp(line, want == 1 ? "1" : want == 0 ? "0" : "-1") == 0,
			      "%s line %zu: vetter vercmp %s printed '%s' for '%s' '%s', expected %d", rel, i + 2, eco,
			      line, t.rows[i][0], t.rows[i][1], want);
		line = nl + 1;
	}
	ck_assert_msg(*line == 0, "%s: extra output '%s'", rel, line);
	ck_assert_uint_eq(t.n, want_rows);
	th_result_release(&r);
	strbuf_release(&in);
	tsv_free(&t);
}

START_TEST(vercmp_batch_on_every_file)
{
	check_batch("dpkg", NULL, "versions/dpkg.tsv", 0, 50);
	check_batch("rpm", NULL, "versions/rpm.tsv", 0, 98);
	check_batch("apk", NULL, "versions/apk.tsv", 0, 717);
	check_batch("pypi", NULL, "versions/pypi.tsv", 0, 8465);
	check_batch("go", NULL, "versions/go.tsv", 0, 1024);
	check_batch("maven", NULL, "versions/maven.tsv", 0, 1985);
	check_batch("npm", NULL, "versions/npm.tsv", 0, 41);
	check_batch("npm", "--loose", "versions/npm-loose.tsv", 0, 58);
	check_batch("npm", "--range", "versions/npm-range.tsv", 1, 173);
}
END_TEST

START_TEST(vercmp_command_line)
{
	struct th_result r;

	th_vetter(&r, NULL, "vercmp", "dpkg", "1.0~rc1-1", "1.0-1", NULL);
	th_assert_status(&r, 0);
	ck_assert_str_eq(r.out.buf, "-1\n");
	th_result_release(&r);
	th_vetter(&r, NULL, "vercmp", "Debian:12", "1:1.0", "2.0", NULL);
	th_assert_status(&r, 0);
	ck_assert_str_eq(r.out.buf, "1\n");
	th_result_release(&r);
	th_vetter(&r, NULL, "vercmp", "Go", "1.2.3", "v1.2.4", NULL); /* OSV's Go: the v is implied */
	th_assert_status(&r, 0);
	ck_assert_str_eq(r.out.buf, "-1\n");
	th_result_release(&r);
	th_vetter(&r, NULL, "vercmp", "pypi", "french toast", "1.0", NULL);
	th_assert_status(&r, 2);
	ck_assert_str_eq(r.out.buf, "");
	ck_assert_ptr_nonnull(strstr(r.err.buf, "not a PEP 440 version"));
	th_result_release(&r);
	th_vetter(&r, NULL, "vercmp", "RubyGems", "1.0", "2.0", NULL);
	th_assert_status(&r, 2);
	ck_assert_ptr_nonnull(strstr(r.err.buf, "not implemented"));
	th_result_release(&r);
	th_vetter(&r, NULL, "vercmp", "cobol", "1", "2", NULL);
	th_assert_status(&r, 2);
	th_result_release(&r);
	{
		const char *argv[] = { th_vetter_bin(), "vercmp", "dpkg", "--batch", NULL };

		/* a bad line says error and the batch goes on; no tab is an error; CRLF is fine */
		th_run(&r, argv, NULL, "1.0\t2.0\n:1\t1\nno tab here\n2.0\t1.0\r\n1\t1", NULL);
		th_assert_status(&r, 0);
		ck_assert_str_eq(r.out.buf, "-1\nerror\nerror\n1\n0\n");
		th_result_release(&r);
	}
}
END_TEST

START_TEST(ecosystem_names)
{
	static const struct {
		const char *name;
		int rc;
		enum ver_scheme s;
	} cases[] = {
		{ "Debian:12", 0, VER_DPKG },
		{ "Ubuntu:22.04:LTS", 0, VER_DPKG },
		{ "Alpine:v3.19", 0, VER_APK },
		{ "Wolfi", 0, VER_APK },
		{ "AlmaLinux:9", 0, VER_RPM },
		{ "Rocky Linux:9", 0, VER_RPM },
		{ "Red Hat:enterprise_linux:9::appstream", 0, VER_RPM },
		{ "SUSE:Linux Enterprise Server 15 SP5", 0, VER_RPM },
		{ "openSUSE:Leap 15.5", 0, VER_RPM },
		{ "npm", 0, VER_NPM },
		{ "crates.io", 0, VER_NPM },
		{ "PyPI", 0, VER_PYPI },
		{ "Go", 0, VER_GO },
		{ "Maven", 0, VER_MAVEN },
		{ "RubyGems", ERR_UNSUPPORTED, VER_DPKG },
		{ "NuGet", ERR_UNSUPPORTED, VER_DPKG },
		{ "Packagist", ERR_UNSUPPORTED, VER_DPKG },
		{ "Nonesuch", ERR_NOTFOUND, VER_DPKG },
		{ "", ERR_NOTFOUND, VER_DPKG },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		enum ver_scheme s = VER_DPKG;
		int rc = ver_scheme_for_ecosystem(cases[i].name, &s);

		ck_assert_msg(rc == cases[i].rc, "%s: rc %d", cases[i].name, rc);
		if (!rc)
			ck_assert_msg(s == cases[i].s, "%s: scheme %s", cases[i].name, ver_scheme_name(s));
	}
	for (i = 0; i < VER_SCHEME_COUNT; i++) {
		enum ver_scheme s;

		ck_assert_int_eq(ver_scheme_from_word(ver_scheme_name((enum ver_scheme)i), &s), 0);
		ck_assert_int_eq(s, (int)i);
	}
}
END_TEST

START_TEST(hostile_inputs_are_bounded)
{
	char *big = malloc(VER_MAX_LEN + 2);
	size_t i;
	int r;

	memset(big, '1', VER_MAX_LEN + 1);
	big[VER_MAX_LEN + 1] = 0;
	for (i = 0; i < VER_SCHEME_COUNT; i++) {
		ck_assert_int_eq(ver_compare((enum ver_scheme)i, big, "1", 0, &r), ERR_PARSE);
		ck_assert_int_eq(ver_valid((enum ver_scheme)i, big, 0), 0);
	}
	ck_assert_int_eq(semver_range_satisfies(big, "1.0.0", 0, &r), ERR_PARSE);
	/* numbers of any length compare as numbers where upstream allows it */
	big[VER_MAX_LEN] = 0;
	ck_assert_int_eq(ver_compare(VER_DPKG, big, "2", 0, &r), 0);
	ck_assert_int_eq(r, 1);
	ck_assert_int_eq(ver_compare(VER_RPM, "1.99999999999999999999999999", "1.99999999999999999999999998", 0, &r),
			 0);
	ck_assert_int_eq(r, 1);
	ck_assert_int_eq(ver_compare(VER_PYPI, "1.0.post99999999999999999999", "1.0.post99999999999999999998", 0, &r),
			 0);
	ck_assert_int_eq(r, 1);
	/* node-semver: a major above 2^53-1 is not a version, and x-range arithmetic past 1e21 parses to nothing */
	ck_assert_int_eq(ver_compare(VER_NPM, "9007199254740992.0.0", "1.0.0", 0, &r), ERR_PARSE);
	ck_assert_int_eq(ver_compare(VER_NPM, "9007199254740991.0.0", "1.0.0", 0, &r), 0);
	ck_assert_int_eq(semver_range_satisfies("^999999999999999999999", "1.0.0", 0, &r), ERR_PARSE);
	/* invalid Go versions are equal and below every valid one */
	ck_assert_int_eq(ver_compare(VER_GO, "1.2.3", "junk", 0, &r), 0);
	ck_assert_int_eq(r, 0);
	ck_assert_int_eq(ver_compare(VER_GO, "1.2.3", "v0.0.0", 0, &r), 0);
	ck_assert_int_eq(r, -1);
	ck_assert_int_eq(ver_compare(VER_GO, "1.2.3", "v1.2.3", VER_GO_IMPLICIT_V, &r), 0);
	ck_assert_int_eq(r, 0);
	free(big);
}
END_TEST

/* Corners found by running random ranges and versions through node-semver
 * 7.8.5 and through us; the expected values are node's. */
START_TEST(node_semver_corners)
{
	int r = 9;

	/* loose: a prerelease without its hyphen takes digits back from the patch */
	ck_assert_int_eq(ver_compare(VER_NPM, "3.0.773290.pre", "3.0.77329-0.pre", VER_LOOSE, &r), 0);
	ck_assert_int_eq(r, 0);
	ck_assert_int_eq(ver_compare(VER_NPM, "v9007199254740991.808234.01.10+-", "9007199254740991.808234.0-1.10",
				     VER_LOOSE, &r),
			 0);
	ck_assert_int_eq(r, 0);
	/* JavaScript prints 1111111111111111111111111 + 1 as 1.1111111111111111e+24; read as a
	 * comparator that is a 2^53 major (invalid range), or, loose, no comparator at all */
	ck_assert_int_eq(semver_range_satisfies("<=9007199254740992.1111111111111111111111111 - >=3.0.1", "2.0.0",
						VER_LOOSE, &r),
			 ERR_PARSE);
	ck_assert_int_eq(semver_range_satisfies("1.0.0 - 5.2.1111111111111111111111111", "9.0.0-1",
						VER_LOOSE | VER_INCLUDE_PRERELEASE, &r),
			 0);
	ck_assert_int_eq(r, 1);
	/* every comparator is parsed before the null set "<0.0.0-0" wins */
	ck_assert_int_eq(semver_range_satisfies("<0 >=0.*.10", "0.2.0", 0, &r), ERR_PARSE);
	/* a lone "*" set stands for the whole range, and * takes no prerelease */
	ck_assert_int_eq(semver_range_satisfies("* || 1.0.0-rc1", "1.0.0-rc1", 0, &r), 0);
	ck_assert_int_eq(r, 0);
	ck_assert_int_eq(semver_range_satisfies("~> 1.2 || ^ 0.0.3", "0.0.3", 0, &r), 0);
	ck_assert_int_eq(r, 1);
	ck_assert_int_eq(semver_range_satisfies("~> 1.2 || ^ 0.0.3", "1.3.0", 0, &r), 0);
	ck_assert_int_eq(r, 0);
}
END_TEST

/* Corners found against dpkg 1.21 (C), rpm 4.18, pypa/packaging and
 * ComparableVersion on random input; expected values are theirs. */
START_TEST(other_upstream_corners)
{
	int r = 9;

	/* dpkg reads the epoch with strtol(): a sign is allowed, a negative epoch is not */
	ck_assert_int_eq(ver_compare(VER_DPKG, "+3:1", "3:1", 0, &r), 0);
	ck_assert_int_eq(r, 0);
	ck_assert_int_eq(ver_compare(VER_DPKG, "-0:1", "1", 0, &r), 0);
	ck_assert_int_eq(r, 0);
	ck_assert_int_eq(ver_compare(VER_DPKG, "-1:1", "1", 0, &r), ERR_PARSE);
	/* rpm: no release sorts before an empty one, which sorts before any other */
	ck_assert_int_eq(ver_compare(VER_RPM, "1.0", "1.0-", 0, &r), 0);
	ck_assert_int_eq(r, -1);
	ck_assert_int_eq(ver_compare(VER_RPM, "1.0-", "1.0-0", 0, &r), 0);
	ck_assert_int_eq(r, -1);
	ck_assert_int_eq(ver_compare(VER_RPM, ":1.0", "0:1.0", 0, &r), 0);
	ck_assert_int_eq(r, 0);
	/* Maven: a combination's number may be in any script's digits (a + Arabic-Indic 8 + 1 = a81);
	 * a supplementary character right after digits makes Java throw */
	ck_assert_int_eq(ver_compare(VER_MAVEN, "a\xd9\xa8" "1", "a81", 0, &r), 0);
	ck_assert_int_eq(r, 0);
	ck_assert_int_eq(ver_compare(VER_MAVEN, "5\xf0\x9d\x9f\xa4", "5", 0, &r), ERR_PARSE);
	ck_assert_int_eq(ver_compare(VER_MAVEN, "1.\xc3\x89RC1", "1.\xc3\xa9rc-1", 0, &r), 0);
	ck_assert_int_eq(r, 0);
	/* PEP 440: a trailing separator after a pre-release label is taken */
	ck_assert_int_eq(ver_compare(VER_PYPI, "1.0a.", "1.0a0", 0, &r), 0);
	ck_assert_int_eq(r, 0);
}
END_TEST

Suite *versions_suite(void)
{
	Suite *s = suite_create("versions");
	TCase *tc = tcase_create("vectors");

	tcase_set_timeout(tc, 120);
	if (th_have_data("versions", "versions/dpkg.tsv")) {
		tcase_add_test(tc, dpkg_vectors);
		tcase_add_test(tc, rpm_vectors);
		tcase_add_test(tc, apk_vectors);
		tcase_add_test(tc, pypi_vectors);
		tcase_add_test(tc, go_vectors);
		tcase_add_test(tc, maven_vectors);
		tcase_add_test(tc, npm_strict_vectors);
		tcase_add_test(tc, npm_loose_vectors);
		tcase_add_test(tc, apk_validity_and_fuzzy);
		tcase_add_test(tc, pypi_normalization_and_invalid);
		tcase_add_test(tc, go_canonical_forms);
		tcase_add_test(tc, npm_ranges);
		tcase_add_test(tc, vercmp_batch_on_every_file);
		if (th_have_tool("dpkg_vectors_agree_with_dpkg", "dpkg"))
			tcase_add_test(tc, dpkg_vectors_agree_with_dpkg);
	}
	tcase_add_test(tc, vercmp_command_line);
	tcase_add_test(tc, ecosystem_names);
	tcase_add_test(tc, hostile_inputs_are_bounded);
	tcase_add_test(tc, node_semver_corners);
	tcase_add_test(tc, other_upstream_corners);
	suite_add_tcase(s, tc);
	return s;
}
