/*
 * CVSS v3.0, v3.1 and v4.0 scores against the reference vectors of the Red
 * Hat cvss library (shared/data/cvss/redhat-cvss-tests), the strict parser,
 * and the vetter cvss command.
 *
 * Severity rule (decided in vulndb/cvss.h, stated here as the test checks
 * it): the severity of a v3.x vector is the rating of its Environmental score
 * when it has an Environmental metric (CR, IR, AR, MAV, MAC, MPR, MUI, MS, MC,
 * MI, MA) other than X, else of its Temporal score when it has a Temporal
 * metric (E, RL, RC) other than X, else of its Base score; a v4.0 vector's is
 * the rating of its one score.
 */
#include <check.h>
#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/err.h"
#include "core/strbuf.h"
#include "th.h"
#include "vulndb/cvss.h"
#include "vulndb/cvss_int.h"

enum line_form { FORM_TRIPLE, FORM_SINGLE_TUPLE, FORM_BARE };

/* Every file of the reference set, the form of its lines and how many it has. */
static const struct {
	const char *name;
	enum line_form form;
	int count;
} ref_files[] = {
	{ "vectors_calculator3", FORM_TRIPLE, 2 },    { "vectors_cvsslib3", FORM_TRIPLE, 29 },
	{ "vectors_simple3", FORM_TRIPLE, 2592 },     { "vectors_simple31", FORM_TRIPLE, 2592 },
	{ "vectors_simple4", FORM_SINGLE_TUPLE, 1058 }, { "vectors_security4", FORM_BARE, 54 },
	{ "vectors_supplemental4", FORM_BARE, 576 },  { "vectors_threat4", FORM_BARE, 6 },
};

#define REF_DIR "cvss/redhat-cvss-tests"

/* "9.8" -> 98; -1 when s is not D.D or DD.D. */
static int parse_tenths(const char *s, const char **end)
{
	int v = 0, digits = 0;

	while (*s >= '0' && *s <= '9' && digits < 2) {
		v = v * 10 + (*s++ - '0');
		digits++;
	}
	if (!digits || *s != '.' || s[1] < '0' || s[1] > '9')
		return -1;
	*end = s + 2;
	return v * 10 + (s[1] - '0');
}

/*
 * One line of a reference file: "VECTOR - (b, t, e)", "VECTOR - (s,)" or
 * "VECTOR - s", by form.  Fills vector (NUL-terminated copy) and the scores
 * in tenths; returns the number of scores, or -1 when the line has another form.
 */
static int parse_ref_line(const char *line, enum line_form form, char *vector, size_t vsize, int score[3])
{
	const char *sep = strstr(line, " - "), *p, *end;
	int n = 0;

	if (!sep || (size_t)(sep - line) >= vsize)
		return -1;
	memcpy(vector, line, (size_t)(sep - line));
	vector[sep - line] = 0;
	p = sep + 3;
	if (form == FORM_BARE) {
		score[0] = parse_tenths(p, &end);
		return score[0] >= 0 && *end == 0 ? 1 : -1;
	}
	if (*p++ != '(')
		return -1;
	for (;;) {
		if (n == 3 || (score[n] = parse_tenths(p, &end)) < 0)
			return -1;
		n++;
		p = end;
		if (form == FORM_SINGLE_TUPLE)
			return !strcmp(p, ",)") ? n : -1;
		if (*p == ')')
			return p[1] == 0 && n == 3 ? n : -1;
		if (strncmp(p, ", ", 2))
			return -1;
		p += 2;
	}
}

static int tenths(double score)
{
	return (int)lround(score * 10.0);
}

/* The test's own statement of the severity scale, on tenths. */
static const char *rating(int t)
{
	return t == 0 ? "None" : t <= 39 ? "Low" : t <= 69 ? "Medium" : t <= 89 ? "High" : "Critical";
}

/* Does the v3 vector give any of the metrics in names (NULL-terminated) a value other than X? */
static int has_defined(const char *vector, const char *const *names)
{
	const char *p = strchr(vector, '/');
	size_t i;

	while (p) {
		const char *field = p + 1, *colon = strchr(field, ':');

		p = strchr(field, '/');
		if (!colon)
			continue;
		for (i = 0; names[i]; i++)
			if (strlen(names[i]) == (size_t)(colon - field) && !strncmp(field, names[i], strlen(names[i])) &&
			    colon[1] != 'X')
				return 1;
	}
	return 0;
}

static const char *const temporal_names[] = { "E", "RL", "RC", NULL };
static const char *const env_names[] = { "CR", "IR", "AR", "MAV", "MAC", "MPR", "MUI", "MS", "MC", "MI", "MA", NULL };

/* The line vetter cvss prints for a reference line, by the rule at the top. */
static void expected_output(const char *vector, const int *score, int n, struct strbuf *out)
{
	if (n == 1) {
		strbuf_addf(out, "%d.%d\t%s\n", score[0] / 10, score[0] % 10, rating(score[0]));
		return;
	}
	strbuf_addf(out, "%d.%d\t%d.%d\t%d.%d\t%s\n", score[0] / 10, score[0] % 10, score[1] / 10, score[1] % 10,
		    score[2] / 10, score[2] % 10,
		    rating(has_defined(vector, env_names)	   ? score[2]
			   : has_defined(vector, temporal_names) ? score[1]
								   : score[0]));
}

/* Walk the lines of reference file i; calls fn for each.  Returns the line count. */
static int each_ref_line(size_t i, void (*fn)(const char *vector, const int *score, int n, void *ctx), void *ctx)
{
	struct strbuf path = STRBUF_INIT, text = STRBUF_INIT;
	char *data, *line, *nl, vector[CVSS_VECTOR_MAX + 1];
	int score[3], n, count = 0;

	strbuf_addf(&path, REF_DIR "/%s", ref_files[i].name);
	data = th_data_path(path.buf);
	th_read(data, &text);
	for (line = text.buf; *line; line = nl + 1) {
		nl = strchr(line, '\n');
		ck_assert_msg(nl, "%s: last line has no newline", ref_files[i].name);
		*nl = 0;
		n = parse_ref_line(line, ref_files[i].form, vector, sizeof(vector), score);
		ck_assert_msg(n > 0, "%s:%d: line not in the file's form: %s", ref_files[i].name, count + 1, line);
		fn(vector, score, n, ctx);
		count++;
	}
	free(data);
	strbuf_release(&text);
	strbuf_release(&path);
	return count;
}

struct check_ctx {
	const char *file;
	int passed;
};

static void check_one(const char *vector, const int *score, int n, void *vctx)
{
	struct check_ctx *c = vctx;
	struct cvss_score s;

	ck_assert_msg(cvss_parse_score(vector, &s) == 0, "%s: %s: %s", c->file, vector, err_last());
	if (n == 1) {
		ck_assert_int_eq(s.version, 40);
		ck_assert_msg(tenths(s.score) == score[0], "%s: %s: score %.1f, expected %d.%d", c->file, vector,
			      s.score, score[0] / 10, score[0] % 10);
		ck_assert_str_eq(s.severity, rating(score[0]));
	} else {
		ck_assert_int_eq(s.version, strncmp(vector, "CVSS:3.0/", 9) ? 31 : 30);
		ck_assert_msg(tenths(s.base) == score[0] && tenths(s.temporal) == score[1] &&
				      tenths(s.environmental) == score[2],
			      "%s: %s: (%.1f, %.1f, %.1f), expected (%d.%d, %d.%d, %d.%d)", c->file, vector, s.base,
			      s.temporal, s.environmental, score[0] / 10, score[0] % 10, score[1] / 10, score[1] % 10,
			      score[2] / 10, score[2] % 10);
	}
	c->passed++;
}

START_TEST(reference_vectors_score_exactly)
{
	struct check_ctx c = { ref_files[_i].name, 0 };
	int count = each_ref_line((size_t)_i, check_one, &c);

	ck_assert_int_eq(count, ref_files[_i].count);
	ck_assert_int_eq(c.passed, ref_files[_i].count);
}
END_TEST

START_TEST(v4_rounding_lifts_the_ulp_below_a_tie)
{
	/* README: 8.6 - 7.15 is 1.4499999999999993 in doubles; the score is 1.5. */
	double x = 8.6 - 7.15;

	ck_assert(x < 1.45);
	ck_assert_int_eq(tenths(cvss4_round(x)), 15);
	/* A plain half-up rounding would have given 1.4. */
	ck_assert_int_eq((int)floor(x * 10 + 0.5), 14);
	ck_assert_int_eq(tenths(cvss4_round(5.6499999999999995)), 57);
	ck_assert_int_eq(tenths(cvss4_round(5.64)), 56);
	ck_assert_int_eq(tenths(cvss4_round(0.0)), 0);
	ck_assert_int_eq(tenths(cvss4_round(10.0)), 100);
}
END_TEST

START_TEST(v3_rounding_is_exact)
{
	struct cvss_score s;

	/* 10.0 x 0.92 is 9.200000000000001 in doubles; a floating ceiling gives 9.3. */
	ck_assert_int_eq(cvss_parse_score("CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H/RC:U", &s), 0);
	ck_assert_int_eq(tenths(s.base), 100);
	ck_assert_int_eq(tenths(s.temporal), 92);
	ck_assert_int_eq(tenths(s.environmental), 92);
	ck_assert_int_eq(cvss_parse_score("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H/RC:U", &s), 0);
	ck_assert_int_eq(tenths(s.temporal), 92);
	/* The v3.1 Modified Impact for a changed scope (x 0.9731, ^13) differs from v3.0's. */
	ck_assert_int_eq(cvss_parse_score("CVSS:3.0/AV:N/AC:L/PR:N/UI:R/S:C/C:H/I:H/A:H", &s), 0);
	ck_assert_int_eq(tenths(s.environmental), 96);
	ck_assert_int_eq(cvss_parse_score("CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:H/I:H/A:H", &s), 0);
	ck_assert_int_eq(tenths(s.base), 96);
	ck_assert_int_eq(tenths(s.environmental), 97);
}
END_TEST

START_TEST(score_and_severity_follow_the_most_refined_group)
{
	struct cvss_score s;

	/* Base only: Base score and rating. */
	ck_assert_int_eq(cvss_parse_score("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", &s), 0);
	ck_assert_int_eq(tenths(s.score), 98);
	ck_assert_str_eq(s.severity, "Critical");
	/* X everywhere is the same as nothing. */
	ck_assert_int_eq(cvss_parse_score("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/E:X/CR:X/MAV:X", &s), 0);
	ck_assert_int_eq(tenths(s.score), 98);
	/* Temporal metrics: the Temporal score (9.8 x 0.91 x 0.95 x 0.92 = 7.8). */
	ck_assert_int_eq(cvss_parse_score("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/E:U/RL:O/RC:U", &s), 0);
	ck_assert_int_eq(tenths(s.base), 98);
	ck_assert_int_eq(tenths(s.temporal), 78);
	ck_assert_int_eq(tenths(s.score), 78);
	ck_assert_str_eq(s.severity, "High");
	/* Environmental metrics: the Environmental score, even below the Base (cvsslib3 line 1). */
	ck_assert_int_eq(cvss_parse_score("CVSS:3.0/AV:L/AC:L/PR:L/UI:R/S:C/C:L/I:L/A:N/MAV:A/MAC:L/MPR:N/MUI:N/MS:U/"
					  "MC:N/MI:N/MA:N",
					  &s),
			 0);
	ck_assert_int_eq(tenths(s.base), 46);
	ck_assert_int_eq(tenths(s.environmental), 0);
	ck_assert_str_eq(s.severity, "None");
	/* v4.0: one score; base is CVSS-B; no temporal or environmental score. */
	ck_assert_int_eq(cvss_parse_score("CVSS:4.0/AV:P/AC:H/AT:P/PR:H/UI:A/VC:H/VI:H/VA:H/SC:H/SI:H/SA:H/E:U", &s), 0);
	ck_assert_int_eq(s.version, 40);
	ck_assert_int_eq(tenths(s.score), 41);
	ck_assert_int_eq(tenths(s.base), 73);
	ck_assert(s.temporal < 0 && s.environmental < 0);
	ck_assert_str_eq(s.severity, "Medium");
}
END_TEST

START_TEST(severity_scale)
{
	static const struct {
		double score;
		const char *want;
	} cases[] = { { 0.0, "None" },	  { 0.1, "Low" },  { 3.9, "Low" },   { 4.0, "Medium" },   { 6.9, "Medium" },
		      { 7.0, "High" },	  { 8.9, "High" }, { 9.0, "Critical" }, { 10.0, "Critical" }, { -1.0, "None" },
		      { NAN, "None" } };
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		ck_assert_str_eq(cvss_severity(cases[i].score), cases[i].want);
}
END_TEST

static const struct {
	const char *vector;
	const char *message; /* a part of err_last() */
} invalid[] = {
	{ "", "CVSS vector: empty" },
	{ "CVSS:3.1", "expected the prefix" },
	{ "CVSS:3.2/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", "expected the prefix" },
	{ "cvss:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", "expected the prefix" },
	{ " CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", "expected the prefix" },
	{ "AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", "expected the prefix" },
	{ "CVSS:2.0/AV:N/AC:L/Au:N/C:C/I:C/A:C", "expected the prefix" },
	{ "CVSS:3.1/", "no metrics after the prefix" },
	{ "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H", "missing Base metric(s) A" },
	{ "CVSS:3.0/S:U", "missing Base metric(s) AV,AC,PR,UI,C,I,A" },
	{ "CVSS:4.0/AV:N", "missing Base metric(s) AC,AT,PR,UI,VC,VI,VA,SC,SI,SA" },
	{ "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/E:A", "missing Base metric(s) SA" },
	{ "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/AV:L", "metric AV given twice" },
	{ "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/E:X/E:X", "metric E given twice" },
	{ "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/U:Red/U:Red", "metric U given twice" },
	{ "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/XX:Y", "unknown metric 'XX'" },
	{ "CVSS:3.1/AV:N/AC:L/AT:N/PR:N/UI:N/S:U/C:H/I:H/A:H", "unknown metric 'AT'" },
	{ "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/RL:O", "unknown metric 'RL'" },
	{ "CVSS:3.1/av:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", "unknown metric 'av'" },
	{ "CVSS:3.1/:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", "unknown metric ''" },
	{ "CVSS:3.1/AV:Q/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", "metric AV has no value 'Q'" },
	{ "CVSS:3.1/AV:n/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", "metric AV has no value 'n'" },
	{ "CVSS:3.1/AV:X/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", "metric AV has no value 'X'" },
	{ "CVSS:3.1/AV:/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", "metric AV has no value ''" },
	{ "CVSS:3.1/AV:N:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", "metric AV has no value 'N:N'" },
	{ "CVSS:3.1/AV:N /AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", "metric AV has no value 'N '" },
	{ "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/MS:S", "metric MS has no value 'S'" },
	{ "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:S/SA:N", "metric SI has no value 'S'" },
	{ "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/U:clear", "metric U has no value 'clear'" },
	{ "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/MSC:S", "metric MSC has no value 'S'" },
	{ "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/S:U", "metric S has no value 'U'" },
	{ "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/", "empty field" },
	{ "CVSS:3.1/AV:N//AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", "empty field" },
	{ "CVSS:3.1//AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", "empty field" },
	{ "CVSS:3.1/AVN/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", "field 'AVN' is not METRIC:VALUE" },
};

START_TEST(invalid_vectors_are_refused_with_the_reason)
{
	struct cvss_score s;

	s.severity = "unset";
	err_clear();
	ck_assert_msg(cvss_parse_score(invalid[_i].vector, &s) == ERR_PARSE, "accepted: '%s'", invalid[_i].vector);
	ck_assert_msg(strstr(err_last(), invalid[_i].message), "'%s': message '%s' lacks '%s'", invalid[_i].vector,
		      err_last(), invalid[_i].message);
	ck_assert_ptr_null(s.severity);
}
END_TEST

START_TEST(length_is_bounded)
{
	struct strbuf sb = STRBUF_INIT;
	struct cvss_score s;

	strbuf_addstr(&sb, "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H");
	while (sb.len <= CVSS_VECTOR_MAX)
		strbuf_addstr(&sb, "/E:X");
	ck_assert_int_eq(cvss_parse_score(sb.buf, &s), ERR_PARSE);
	ck_assert_ptr_nonnull(strstr(err_last(), "longer than 512 bytes"));
	/* A very long one is refused the same way, without reading it all. */
	while (sb.len < 100000)
		strbuf_addstr(&sb, "/E:X");
	ck_assert_int_eq(cvss_parse_score(sb.buf, &s), ERR_PARSE);
	ck_assert_int_eq(cvss_parse_score(NULL, &s), ERR_PARSE);
	strbuf_release(&sb);
}
END_TEST

START_TEST(metrics_are_kept)
{
	struct cvss_vector v;

	ck_assert_int_eq(cvss_parse("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/E:P/CR:L/MSI:S/"
				    "S:P/AU:Y/R:I/V:C/RE:H/U:Amber",
				    &v),
			 0);
	ck_assert_int_eq(v.version, 40);
	ck_assert_str_eq(cvss_metric(&v, "AV"), "N");
	ck_assert_str_eq(cvss_metric(&v, "E"), "P");
	ck_assert_str_eq(cvss_metric(&v, "CR"), "L");
	ck_assert_str_eq(cvss_metric(&v, "IR"), "X");
	ck_assert_str_eq(cvss_metric(&v, "MSI"), "S");
	ck_assert_str_eq(cvss_metric(&v, "MAV"), "X");
	ck_assert_str_eq(cvss_metric(&v, "S"), "P");
	ck_assert_str_eq(cvss_metric(&v, "AU"), "Y");
	ck_assert_str_eq(cvss_metric(&v, "R"), "I");
	ck_assert_str_eq(cvss_metric(&v, "V"), "C");
	ck_assert_str_eq(cvss_metric(&v, "RE"), "H");
	ck_assert_str_eq(cvss_metric(&v, "U"), "Amber");
	ck_assert_ptr_null(cvss_metric(&v, "RL"));
	/* Any order is accepted. */
	ck_assert_int_eq(cvss_parse("CVSS:3.0/S:U/AV:N/AC:L/PR:H/UI:N/C:L/I:L/A:N/E:F/RL:X", &v), 0);
	ck_assert_int_eq(v.version, 30);
	ck_assert_str_eq(cvss_metric(&v, "S"), "U");
	ck_assert_str_eq(cvss_metric(&v, "E"), "F");
	ck_assert_str_eq(cvss_metric(&v, "RL"), "X");
	ck_assert_str_eq(cvss_metric(&v, "MS"), "X");
	ck_assert_ptr_null(cvss_metric(&v, "AT"));
}
END_TEST

/* Every metric and value of the v4.0 metric list (cvss4_metrics.json) is known to the parser. */
START_TEST(v4_metrics_match_the_reference_list)
{
	static const char *const base_name[] = { "AV", "AC", "AT", "PR", "UI", "VC", "VI", "VA", "SC", "SI", "SA" };
	static const char *const base_value[] = { "N", "L", "N", "N", "N", "H", "H", "H", "N", "N", "N" };
	char *path = th_data_path("cvss/cvss4_metrics.json");
	json_t *root = json_load_file(path, 0, NULL), *grp, *metrics, *md, *opt;
	const char *gname, *mgname, *mname, *oname;
	struct strbuf vec = STRBUF_INIT;
	struct cvss_vector v;
	int nmetrics = 0, nvalues = 0;
	size_t i;

	ck_assert_ptr_nonnull(root);
	json_object_foreach(root, gname, grp)
	{
		json_object_foreach(json_object_get(grp, "metric_groups"), mgname, metrics)
		{
			json_object_foreach(metrics, mname, md)
			{
				const char *name = json_string_value(json_object_get(md, "short"));

				ck_assert_ptr_nonnull(name);
				nmetrics++;
				json_object_foreach(json_object_get(md, "options"), oname, opt)
				{
					const char *val = json_string_value(json_object_get(opt, "value"));
					int replaced = 0;

					if (!val)
						continue; /* a layout spacer in the calculator's list */
					strbuf_reset(&vec);
					strbuf_addstr(&vec, "CVSS:4.0");
					for (i = 0; i < 11; i++) {
						replaced |= !strcmp(base_name[i], name);
						strbuf_addf(&vec, "/%s:%s", base_name[i],
							    strcmp(base_name[i], name) ? base_value[i] : val);
					}
					if (!replaced)
						strbuf_addf(&vec, "/%s:%s", name, val);
					ck_assert_msg(cvss_parse(vec.buf, &v) == 0, "%s: %s", vec.buf, err_last());
					ck_assert_str_eq(cvss_metric(&v, name), val);
					nvalues++;
				}
			}
		}
	}
	/* The parser has 32 v4.0 metrics too, so the two lists are the same. */
	ck_assert_int_eq(nmetrics, 32);
	ck_assert_int_eq(nvalues, 115);
	json_decref(root);
	strbuf_release(&vec);
	free(path);
}
END_TEST

/*
 * Cross-check only: the tables in cvss4_tables.c were transcribed from the
 * FIRST calculator's sources, and shared/data/cvss holds the same tables
 * exported by others; the two must agree entry for entry.
 */
START_TEST(v4_tables_agree_with_the_shared_copy)
{
	char *csv_path = th_data_path("cvss/cvss4_macrovector_lookup.csv");
	char *mc_path = th_data_path("cvss/cvss4_max_composed.json");
	char *ms_path = th_data_path("cvss/cvss4_max_severity.json");
	struct strbuf csv = STRBUF_INIT;
	json_t *mc = json_load_file(mc_path, 0, NULL), *ms = json_load_file(ms_path, 0, NULL);
	char *line, *nl;
	int rows = 0, i, j, k, found;
	char key[2] = { 0, 0 }, key6[2] = { 0, 0 };

	th_read(csv_path, &csv);
	ck_assert(!strncmp(csv.buf, "macrovector,score\n", 18));
	for (line = csv.buf + 18; *line; line = nl + 1) {
		nl = strchr(line, '\n');
		ck_assert_ptr_nonnull(nl);
		*nl = 0;
		ck_assert(strlen(line) > 7 && line[6] == ',');
		for (found = 0, i = 0; i < cvss4_lookup_count; i++) {
			if (!strncmp(cvss4_lookup[i].macro, line, 6)) {
				ck_assert_msg(cvss4_lookup[i].score == strtod(line + 7, NULL), "%s", line);
				found = 1;
			}
		}
		ck_assert_msg(found, "%s missing", line);
		rows++;
	}
	ck_assert_int_eq(rows, 270);
	ck_assert_int_eq(cvss4_lookup_count, 270);

	ck_assert_ptr_nonnull(mc);
	ck_assert_ptr_nonnull(ms);
#define SAME_LIST(ours, arr)                                                                                         \
	do {                                                                                                         \
		json_t *a_ = (arr);                                                                                  \
		ck_assert_ptr_nonnull(a_);                                                                           \
		for (k = 0; (ours)[k]; k++)                                                                          \
			ck_assert_str_eq((ours)[k], json_string_value(json_array_get(a_, (size_t)k)));               \
		ck_assert_int_eq(k, (int)json_array_size(a_));                                                       \
	} while (0)
	for (i = 0; i < 3; i++) {
		key[0] = (char)('0' + i);
		SAME_LIST(cvss4_max_eq1[i], json_object_get(json_object_get(mc, "eq1"), key));
		SAME_LIST(cvss4_max_eq4[i], json_object_get(json_object_get(mc, "eq4"), key));
		SAME_LIST(cvss4_max_eq5[i], json_object_get(json_object_get(mc, "eq5"), key));
		ck_assert_int_eq(cvss4_depth_eq1[i], json_integer_value(json_object_get(json_object_get(ms, "eq1"), key)));
		ck_assert_int_eq(cvss4_depth_eq4[i], json_integer_value(json_object_get(json_object_get(ms, "eq4"), key)));
		ck_assert_int_eq(cvss4_depth_eq5[i], json_integer_value(json_object_get(json_object_get(ms, "eq5"), key)));
		for (j = 0; j < 2; j++) {
			json_t *l = json_object_get(json_object_get(json_object_get(mc, "eq3"), key), (key6[0] = (char)('0' + j), key6));
			json_t *d = json_object_get(json_object_get(json_object_get(ms, "eq3eq6"), key), key6);

			if (!cvss4_max_eq3eq6[i][j]) {
				ck_assert_ptr_null(l);
				ck_assert_ptr_null(d);
				ck_assert_int_eq(cvss4_depth_eq3eq6[i][j], 0);
				continue;
			}
			SAME_LIST(cvss4_max_eq3eq6[i][j], l);
			ck_assert_int_eq(cvss4_depth_eq3eq6[i][j], json_integer_value(d));
		}
	}
	for (i = 0; i < 2; i++) {
		key[0] = (char)('0' + i);
		SAME_LIST(cvss4_max_eq2[i], json_object_get(json_object_get(mc, "eq2"), key));
		ck_assert_int_eq(cvss4_depth_eq2[i], json_integer_value(json_object_get(json_object_get(ms, "eq2"), key)));
	}
#undef SAME_LIST
	json_decref(mc);
	json_decref(ms);
	strbuf_release(&csv);
	free(csv_path);
	free(mc_path);
	free(ms_path);
}
END_TEST

struct batch_ctx {
	struct strbuf in, want;
};

static void add_batch_line(const char *vector, const int *score, int n, void *vctx)
{
	struct batch_ctx *b = vctx;

	strbuf_addf(&b->in, "%s\n", vector);
	expected_output(vector, score, n, &b->want);
}

/* vetter cvss --batch on a whole reference file, compared line by line. */
START_TEST(batch_command_on_reference_files)
{
	const char *argv[] = { th_vetter_bin(), "cvss", "--batch", NULL };
	struct batch_ctx b = { STRBUF_INIT, STRBUF_INIT };
	struct th_result res;
	const char *g, *w;
	int count = each_ref_line((size_t)_i, add_batch_line, &b), lines = 0;

	ck_assert_int_eq(count, ref_files[_i].count);
	th_run(&res, argv, NULL, b.in.buf, NULL);
	th_assert_status(&res, 0);
	ck_assert_str_eq(res.err.buf, "");
	for (g = res.out.buf, w = b.want.buf; *w; lines++) {
		const char *gn = strchr(g, '\n'), *wn = strchr(w, '\n');

		ck_assert_msg(gn && gn - g == wn - w && !memcmp(g, w, (size_t)(wn - w)),
			      "%s line %d: got '%.*s', want '%.*s'", ref_files[_i].name, lines + 1,
			      gn ? (int)(gn - g) : (int)strlen(g), g, (int)(wn - w), w);
		g = gn + 1;
		w = wn + 1;
	}
	ck_assert_str_eq(g, "");
	ck_assert_int_eq(lines, ref_files[_i].count);
	th_result_release(&res);
	strbuf_release(&b.in);
	strbuf_release(&b.want);
}
END_TEST

START_TEST(batch_goes_on_after_errors)
{
	const char *argv[] = { th_vetter_bin(), "cvss", "--batch", NULL };
	struct strbuf in = STRBUF_INIT;
	struct th_result res;
	int i;

	strbuf_addstr(&in, "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H\n"
			   "\n"
			   "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:Q\r\n"
			   "  CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N\t\r\n"
			   "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H");
	for (i = 0; i < 200; i++)
		strbuf_addstr(&in, "/E:X");
	/* CR:L lowers the Modified Impact, but 1.08 x (Impact + Exploitability) stays above 10 */
	strbuf_addstr(&in, "\nCVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H/RC:U/CR:L\r\n"
			   "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/E:U"); /* no final newline */
	th_run(&res, argv, NULL, in.buf, NULL);
	th_assert_status(&res, 0);
	ck_assert_str_eq(res.out.buf, "9.8\t9.8\t9.8\tCritical\n"
				      "error\n"
				      "error\n"
				      "9.3\tCritical\n"
				      "error\n"
				      "10.0\t9.2\t9.2\tCritical\n"
				      "8.1\tHigh\n");
	ck_assert_ptr_nonnull(strstr(res.err.buf, "line 2: CVSS vector: empty"));
	ck_assert_ptr_nonnull(strstr(res.err.buf, "line 3: CVSS:3.1 vector: metric A has no value 'Q'"));
	ck_assert_ptr_nonnull(strstr(res.err.buf, "line 5: CVSS vector: longer than 512 bytes"));
	th_result_release(&res);
	strbuf_release(&in);
}
END_TEST

START_TEST(vectors_as_arguments)
{
	struct th_result res;

	th_vetter(&res, NULL, "cvss", "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
		  "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N", NULL);
	th_assert_status(&res, 0);
	ck_assert_str_eq(res.out.buf, "9.8\t9.8\t9.8\tCritical\n9.3\tCritical\n");
	th_result_release(&res);

	/* An invalid one: 'error' in its place, the others still scored, exit 2. */
	th_vetter(&res, NULL, "cvss", "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/AV:N",
		  "CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/E:U", NULL);
	th_assert_status(&res, 2);
	/* 9.8 x 0.91 = 8.918, rounded up to 9.0 */
	ck_assert_str_eq(res.out.buf, "error\n9.8\t9.0\t9.0\tCritical\n");
	ck_assert_ptr_nonnull(strstr(res.err.buf, "metric AV given twice"));
	th_result_release(&res);

	/* A vector that starts like an option is still a vector (and invalid). */
	th_vetter(&res, NULL, "cvss", "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", "--batch", NULL);
	th_assert_status(&res, 2);
	ck_assert_str_eq(res.out.buf, "9.8\t9.8\t9.8\tCritical\nerror\n");
	th_result_release(&res);

	th_vetter(&res, NULL, "cvss", NULL);
	th_assert_status(&res, 2);
	ck_assert_str_eq(res.out.buf, "");
	th_result_release(&res);
	th_vetter(&res, NULL, "cvss", "--batch", "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", NULL);
	th_assert_status(&res, 2);
	th_result_release(&res);
	th_vetter(&res, NULL, "cvss", "--help", NULL);
	th_assert_status(&res, 0);
	ck_assert_ptr_nonnull(strstr(res.out.buf, "usage: vetter cvss VECTOR... | vetter cvss --batch"));
	th_result_release(&res);
	th_vetter(&res, NULL, "help", NULL);
	ck_assert_ptr_nonnull(strstr(res.out.buf, "  cvss "));
	th_result_release(&res);
}
END_TEST

Suite *cvss_suite(void)
{
	Suite *s = suite_create("cvss");
	TCase *tc = tcase_create("core"), *data = tcase_create("reference"), *cli = tcase_create("cli");
	const int nfiles = (int)(sizeof(ref_files) / sizeof(ref_files[0]));

	tcase_add_test(tc, v4_rounding_lifts_the_ulp_below_a_tie);
	tcase_add_test(tc, v3_rounding_is_exact);
	tcase_add_test(tc, score_and_severity_follow_the_most_refined_group);
	tcase_add_test(tc, severity_scale);
	tcase_add_loop_test(tc, invalid_vectors_are_refused_with_the_reason, 0,
			    (int)(sizeof(invalid) / sizeof(invalid[0])));
	tcase_add_test(tc, length_is_bounded);
	tcase_add_test(tc, metrics_are_kept);
	suite_add_tcase(s, tc);

	tcase_set_timeout(data, 60);
	if (th_have_data("cvss reference vectors", REF_DIR))
		tcase_add_loop_test(data, reference_vectors_score_exactly, 0, nfiles);
	if (th_have_data("cvss v4 metric list", "cvss/cvss4_metrics.json"))
		tcase_add_test(data, v4_metrics_match_the_reference_list);
	if (th_have_data("cvss v4 tables cross-check", "cvss/cvss4_macrovector_lookup.csv"))
		tcase_add_test(data, v4_tables_agree_with_the_shared_copy);
	suite_add_tcase(s, data);

	tcase_set_timeout(cli, 60);
	if (th_have_data("vetter cvss --batch on the reference vectors", REF_DIR))
		tcase_add_loop_test(cli, batch_command_on_reference_files, 0, nfiles);
	tcase_add_test(cli, batch_goes_on_after_errors);
	tcase_add_test(cli, vectors_as_arguments);
	suite_add_tcase(s, cli);
	return s;
}
