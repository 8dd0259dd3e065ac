/*
 * ver_semver_range: node-semver 7's Range (classes/range.js), step for step.
 *
 * A range is rewritten as text before it is parsed, and its oddities come
 * from that text: "1.2.3 - 2" becomes ">=1.2.3 <3.0.0-0", "~1.2" becomes
 * ">=1.2.0 <1.3.0-0", "^0.0.3" becomes ">=0.0.3 <0.0.4-0", a space after an
 * operator is removed ("> 1.2" -> ">1.2"), "~> 1" loses its ">", a caret or
 * tilde or x-range that does not parse stays as it is and fails (or, when
 * loose, is dropped) later.  So this file rewrites the text the same way,
 * with the same matchers (ver_semver.h), and only then builds comparators:
 *
 *   raw = trim(range) with each whitespace run made one space
 *   for each part of raw split at "||":
 *     strip +build; hyphen range; operator, tilde and caret trims;
 *     split at ' ', desugar ^ ~ x * per piece, split again, ">=0.0.0" -> "";
 *     (loose: drop what is not a comparator); parse each comparator
 *
 * Arithmetic is JavaScript's: "+M + 1" of a 22-digit major is "1e+21",
 * which no comparator parses.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/err.h"
#include "core/strbuf.h"
#include "ver_semver.h"
#include "version.h"

/* The rewritten text never grows past a few times the input. */
#define RANGE_TEXT_LIMIT ((size_t)64 * VER_MAX_LEN)
#define RANGE_MAX_SETS VER_MAX_LEN
#define RANGE_MAX_COMPS (4 * VER_MAX_LEN)

enum sv_op { OP_ANY, OP_EQ, OP_LT, OP_LE, OP_GT, OP_GE };

struct comparator {
	enum sv_op op;
	char *text;  /* the version as written (parsed again when testing) */
	char *value; /* operator + normalised version: identity within a set */
};

struct cset {
	struct comparator *c;
	size_t n;
};

struct range {
	struct cset *sets;
	size_t n;
	int loose, incpr;
};

struct piece {
	const char *s;
	size_t n;
};

static int is_x(const char *id, size_t len)
{
	return !id || !len || (len == 1 && (id[0] == 'x' || id[0] == 'X' || id[0] == '*'));
}

static int is_zero_str(const char *id, size_t len)
{
	return id && len == 1 && id[0] == '0';
}

/*
 * `${+d + 1}` in JavaScript, for a string of digits: the sum is a double,
 * printed as Number.prototype.toString prints it.  Below 1e21 that is its
 * integer digits (exact below 2^53; above, any digits will do, since no
 * version part may exceed 2^53-1); from 1e21 on it is the shortest
 * round-trip mantissa and an exponent ("1.1111111111111111e+24"), and the
 * dot, 'e' and '+' in it decide how the later expressions read the text.
 */
static int add_plus_one(struct strbuf *out, const char *d, size_t n)
{
	char buf[320], mant[40];
	double v;
	int prec, exp10 = 0;
	char *e;

	while (n > 1 && *d == '0')
		d++, n--;
	if (n >= sizeof(buf))
		n = sizeof(buf) - 1; /* cannot happen: the matchers take at most 257 digits */
	memcpy(buf, d, n);
	buf[n] = 0;
	v = strtod(buf, NULL) + 1.0;
	if (v < 1e21) {
		snprintf(buf, sizeof(buf), "%.0f", v);
		return strbuf_addstr(out, buf);
	}
	for (prec = 1; prec <= 17; prec++) {
		snprintf(mant, sizeof(mant), "%.*e", prec - 1, v);
		if (strtod(mant, NULL) == v)
			break;
	}
	e = strchr(mant, 'e');
	if (!e)
		return strbuf_addstr(out, "Infinity");
	exp10 = atoi(e + 1);
	*e = 0;
	if (strchr(mant, '.')) { /* "%.*e" pads: drop trailing zeros and a bare dot */
		size_t k = strlen(mant);

		while (k && mant[k - 1] == '0')
			mant[--k] = 0;
		if (k && mant[k - 1] == '.')
			mant[--k] = 0;
	}
	return strbuf_addf(out, "%se+%d", mant, exp10);
}

#define ADDN(s, n) strbuf_add(out, (s), (n))

/* classes/range.js hyphenReplace */
static int hyphen_replace(const struct range *r, const char *s, size_t n, struct strbuf *out, int *matched)
{
	struct sv_cap f, t;
	size_t i = 0, ea, eb, fs, ts;
	const char *z = r->incpr ? "-0" : "";
	int rc = 0;

	*matched = 0;
	if (i < n && s[i] == ' ')
		i++;
	fs = i;
	/* no blank inside an x-range after its [v=\s]* prefix: "from" ends at the first one */
	while (i < n && (s[i] == 'v' || s[i] == '=' || s[i] == ' '))
		i++;
	while (i < n && s[i] != ' ')
		i++;
	if (i + 3 > n || memcmp(s + i, " - ", 3))
		return 0;
	ea = sv_match_xrange(s, n, fs, r->loose, &f, i);
	if (ea == SV_NOMATCH)
		return 0;
	ts = ea + 3;
	eb = sv_match_xrange(s, n, ts, r->loose, &t, n > ts && s[n - 1] == ' ' ? n - 1 : n);
	if (eb == SV_NOMATCH)
		return 0;
	*matched = 1;
	/* from */
	if (is_x(f.M, f.Ml))
		;
	else if (is_x(f.m, f.ml))
		rc = strbuf_addf(out, ">=%.*s.0.0%s", (int)f.Ml, f.M, z);
	else if (is_x(f.p, f.pl))
		rc = strbuf_addf(out, ">=%.*s.%.*s.0%s", (int)f.Ml, f.M, (int)f.ml, f.m, z);
	else
		rc = strbuf_addf(out, ">=%.*s%s", (int)(ea - fs), s + fs, f.pr ? "" : z);
	if (rc < 0)
		return rc;
	/* to */
	if (!is_x(t.M, t.Ml) && out->len && (rc = strbuf_addch(out, ' ')) < 0)
		return rc;
	if (is_x(t.M, t.Ml))
		return 0;
	if (is_x(t.m, t.ml)) {
		if ((rc = strbuf_addch(out, '<')) < 0 || (rc = add_plus_one(out, t.M, t.Ml)) < 0)
			return rc;
		return strbuf_addstr(out, ".0.0-0");
	}
	if (is_x(t.p, t.pl)) {
		if ((rc = strbuf_addf(out, "<%.*s.", (int)t.Ml, t.M)) < 0 || (rc = add_plus_one(out, t.m, t.ml)) < 0)
			return rc;
		return strbuf_addstr(out, ".0-0");
	}
	if (t.pr)
		return strbuf_addf(out, "<=%.*s.%.*s.%.*s-%.*s", (int)t.Ml, t.M, (int)t.ml, t.m, (int)t.pl, t.p,
				   (int)t.prl, t.pr);
	if (r->incpr) {
		if ((rc = strbuf_addf(out, "<%.*s.%.*s.", (int)t.Ml, t.M, (int)t.ml, t.m)) < 0 ||
		    (rc = add_plus_one(out, t.p, t.pl)) < 0)
			return rc;
		return strbuf_addstr(out, "-0");
	}
	return strbuf_addf(out, "<=%.*s", (int)(eb - ts), s + ts);
}

/* re[COMPARATORTRIM] global, '$1$2$3': drop the blank between an operator and its version. */
static int comparator_trim(const char *s, size_t n, struct strbuf *out)
{
	size_t pos = 0, i;
	int rc;

	for (i = 0; i < n; i++) {
		struct sv_cap cap;
		size_t j = i, g1, v0, e;

		if (s[j] == ' ')
			j++;
		if (j < n && (s[j] == '<' || s[j] == '>'))
			j++;
		if (j < n && s[j] == '=')
			j++;
		g1 = j;
		if (j < n && s[j] == ' ')
			j++;
		v0 = j;
		e = sv_match_plain(s, n, v0, 1, &cap, SV_NOMATCH);
		if (e == SV_NOMATCH)
			e = sv_match_xrange(s, n, v0, 0, &cap, SV_NOMATCH);
		if (e == SV_NOMATCH)
			continue;
		if ((rc = ADDN(s + pos, g1 - pos)) < 0 || (rc = ADDN(s + v0, e - v0)) < 0)
			return rc;
		pos = e;
		i = e - 1;
	}
	return ADDN(s + pos, n - pos);
}

/* re[TILDETRIM] '$1~' and re[CARETTRIM] '$1^': "~ 1" -> "~1", "~> 1" -> "~1", "^ 1" -> "^1". */
static int lone_trim(const char *s, size_t n, char mark, struct strbuf *out)
{
	size_t pos = 0, i;
	int rc;

	for (i = 0; i < n; i++) {
		size_t j = i;

		if (s[j] == ' ')
			j++;
		if (j >= n || s[j] != mark)
			continue;
		j++;
		if (mark == '~' && j < n && s[j] == '>' && j + 1 < n && s[j + 1] == ' ')
			j++;
		if (j >= n || s[j] != ' ')
			continue;
		if ((rc = ADDN(s + pos, i - pos)) < 0 || (rc = ADDN(s + i, s[i] == ' ' ? 1 : 0)) < 0 ||
		    (rc = strbuf_addch(out, mark)) < 0)
			return rc;
		pos = j + 1;
		i = j;
	}
	return ADDN(s + pos, n - pos);
}

/* replaceCaret / replaceTilde for one blank-free piece; copies it when it does not match. */
static int desugar_lone(const struct range *r, const char *s, size_t n, char mark, struct strbuf *out)
{
	const char *z = r->incpr ? "-0" : "";
	struct sv_cap c;
	size_t i = 1;
	int rc;

	if (!n || s[0] != mark)
		return ADDN(s, n);
	if (mark == '~' && i < n && s[i] == '>')
		i++;
	if (sv_match_xrange(s, n, i, r->loose, &c, n) != n)
		return ADDN(s, n);
	if (is_x(c.M, c.Ml))
		return 0;
	if (is_x(c.m, c.ml)) {
		if ((rc = strbuf_addf(out, ">=%.*s.0.0%s <", (int)c.Ml, c.M, z)) < 0 ||
		    (rc = add_plus_one(out, c.M, c.Ml)) < 0)
			return rc;
		return strbuf_addstr(out, ".0.0-0");
	}
	if (is_x(c.p, c.pl)) {
		if (mark == '^' && !is_zero_str(c.M, c.Ml)) {
			if ((rc = strbuf_addf(out, ">=%.*s.%.*s.0%s <", (int)c.Ml, c.M, (int)c.ml, c.m, z)) < 0 ||
			    (rc = add_plus_one(out, c.M, c.Ml)) < 0)
				return rc;
			return strbuf_addstr(out, ".0.0-0");
		}
		if ((rc = strbuf_addf(out, ">=%.*s.%.*s.0%s <%.*s.", (int)c.Ml, c.M, (int)c.ml, c.m, z, (int)c.Ml,
				      c.M)) < 0 ||
		    (rc = add_plus_one(out, c.m, c.ml)) < 0)
			return rc;
		return strbuf_addstr(out, ".0-0");
	}
	/* lower bound: the version itself (carets add no -0 when it is exact) */
	if ((rc = strbuf_addf(out, ">=%.*s.%.*s.%.*s", (int)c.Ml, c.M, (int)c.ml, c.m, (int)c.pl, c.p)) < 0)
		return rc;
	if (c.pr && (rc = strbuf_addf(out, "-%.*s", (int)c.prl, c.pr)) < 0)
		return rc;
	if ((rc = strbuf_addch(out, ' ')) < 0)
		return rc;
	if (mark == '^' && !is_zero_str(c.M, c.Ml)) { /* <M+1.0.0-0 */
		if ((rc = strbuf_addch(out, '<')) < 0 || (rc = add_plus_one(out, c.M, c.Ml)) < 0)
			return rc;
		return strbuf_addstr(out, ".0.0-0");
	}
	if (mark == '^' && is_zero_str(c.m, c.ml)) { /* <0.0.p+1-0 */
		if ((rc = strbuf_addf(out, "<%.*s.%.*s.", (int)c.Ml, c.M, (int)c.ml, c.m)) < 0 ||
		    (rc = add_plus_one(out, c.p, c.pl)) < 0)
			return rc;
		return strbuf_addstr(out, "-0");
	}
	if ((rc = strbuf_addf(out, "<%.*s.", (int)c.Ml, c.M)) < 0 || (rc = add_plus_one(out, c.m, c.ml)) < 0)
		return rc;
	return strbuf_addstr(out, ".0-0");
}

/* replaceXRange for one blank-free piece. */
static int desugar_xrange(const struct range *r, const char *s, size_t n, struct strbuf *out)
{
	struct sv_cap c;
	size_t j = 0;
	const char *gtlt = s, *pr = r->incpr ? "-0" : "";
	size_t gl;
	int xM, xm, xp, rc;

	if (j < n && (s[j] == '<' || s[j] == '>'))
		j++;
	if (j < n && s[j] == '=')
		j++;
	gl = j;
	if (j < n && s[j] == ' ')
		j++;
	if (sv_match_xrange(s, n, j, r->loose, &c, n) != n)
		return ADDN(s, n);
	/* invalidXRangeOrder: "x.1", "1.x.2" stay as they are */
	if ((is_x(c.M, c.Ml) && !is_x(c.m, c.ml)) || (is_x(c.m, c.ml) && c.p && c.pl && !is_x(c.p, c.pl)))
		return ADDN(s, n);
	xM = is_x(c.M, c.Ml);
	xm = xM || is_x(c.m, c.ml);
	xp = xm || is_x(c.p, c.pl);
	if (gl == 1 && gtlt[0] == '=' && xp)
		gl = 0;
	if (xM)
		return strbuf_addstr(out, gl == 1 && gtlt[0] != '=' ? "<0.0.0-0" : "*");
	if (gl && xp) {
		if (gl == 1 && gtlt[0] == '>') { /* >1 -> >=2.0.0, >1.2 -> >=1.3.0 */
			if ((rc = strbuf_addstr(out, ">=")) < 0)
				return rc;
			if (xm)
				rc = add_plus_one(out, c.M, c.Ml) < 0 ? -1 : strbuf_addstr(out, ".0.0");
			else if ((rc = strbuf_addf(out, "%.*s.", (int)c.Ml, c.M)) >= 0 &&
				 (rc = add_plus_one(out, c.m, c.ml)) >= 0)
				rc = strbuf_addstr(out, ".0");
			if (rc < 0)
				return rc;
			return strbuf_addstr(out, pr);
		}
		if (gl == 2 && gtlt[0] == '<') { /* <=0.7.x -> <0.8.0-0 */
			if ((rc = strbuf_addch(out, '<')) < 0)
				return rc;
			if (xm)
				rc = add_plus_one(out, c.M, c.Ml) < 0 ? -1 : strbuf_addstr(out, ".0.0-0");
			else if ((rc = strbuf_addf(out, "%.*s.", (int)c.Ml, c.M)) >= 0 &&
				 (rc = add_plus_one(out, c.m, c.ml)) >= 0)
				rc = strbuf_addstr(out, ".0-0");
			return rc < 0 ? rc : 0;
		}
		/* >= and <: the x parts are 0; < gets -0 */
		return strbuf_addf(out, "%.*s%.*s.%.*s.0%s", (int)gl, gtlt, (int)c.Ml, c.M, xm ? 1 : (int)c.ml,
				   xm ? "0" : c.m, gtlt[0] == '<' ? "-0" : pr);
	}
	if (xm) {
		if ((rc = strbuf_addf(out, ">=%.*s.0.0%s <", (int)c.Ml, c.M, pr)) < 0 ||
		    (rc = add_plus_one(out, c.M, c.Ml)) < 0)
			return rc;
		return strbuf_addstr(out, ".0.0-0");
	}
	if (xp) {
		if ((rc = strbuf_addf(out, ">=%.*s.%.*s.0%s <%.*s.", (int)c.Ml, c.M, (int)c.ml, c.m, pr, (int)c.Ml,
				      c.M)) < 0 ||
		    (rc = add_plus_one(out, c.m, c.ml)) < 0)
			return rc;
		return strbuf_addstr(out, ".0-0");
	}
	return ADDN(s, n);
}

/* Split at single spaces (JS split(' ')) or at runs of blanks (split(/\s+/)). */
static size_t split(const char *s, size_t n, int runs, struct piece *out, size_t max)
{
	size_t k = 0, start = 0, i;

	for (i = 0; i <= n; i++) {
		if (i < n && s[i] != ' ')
			continue;
		if (k < max)
			out[k].s = s + start, out[k].n = i - start;
		k++;
		if (runs)
			while (i + 1 < n && s[i + 1] == ' ')
				i++;
		start = i + 1;
	}
	return k;
}

static void trim(const char **s, size_t *n)
{
	while (*n && **s == ' ')
		(*s)++, (*n)--;
	while (*n && (*s)[*n - 1] == ' ')
		(*n)--;
}

/* replaceStars: remove the first (<|>)?=?\s?\* */
static int remove_star(const char *s, size_t n, struct strbuf *out)
{
	size_t i;

	for (i = 0; i < n; i++) {
		size_t j = i;

		if (s[j] == '<' || s[j] == '>')
			j++;
		if (j < n && s[j] == '=')
			j++;
		if (j < n && s[j] == ' ')
			j++;
		if (j < n && s[j] == '*') {
			int rc = ADDN(s, i);

			return rc < 0 ? rc : ADDN(s + j + 1, n - j - 1);
		}
	}
	return ADDN(s, n);
}

/*
 * parseComparator for one piece of a range split at spaces: carets, then
 * tildes, then x-ranges, then stars, each over the blank-separated output
 * of the step before.
 */
static int parse_comparator(const struct range *r, const char *s, size_t n, struct strbuf *out)
{
	struct strbuf a = STRBUF_INIT, b = STRBUF_INIT;
	struct piece *p = NULL;
	size_t np, i;
	int rc;

	strbuf_init(&a, RANGE_TEXT_LIMIT);
	strbuf_init(&b, RANGE_TEXT_LIMIT);
	trim(&s, &n);
	if ((rc = desugar_lone(r, s, n, '^', &a)) < 0)
		goto cleanup;
	if (!(p = malloc((a.len + 2) * sizeof(*p)))) {
		rc = err_set(ERR_NOMEM, "out of memory parsing a range");
		goto cleanup;
	}
	s = a.buf, n = a.len;
	trim(&s, &n);
	np = split(s, n, 1, p, a.len + 2);
	for (i = 0; i < np; i++)
		if ((i && (rc = strbuf_addch(&b, ' ')) < 0) || (rc = desugar_lone(r, p[i].s, p[i].n, '~', &b)) < 0)
			goto cleanup;
	strbuf_reset(&a);
	free(p);
	if (!(p = malloc((b.len + 2) * sizeof(*p)))) {
		rc = err_set(ERR_NOMEM, "out of memory parsing a range");
		goto cleanup;
	}
	np = split(b.buf, b.len, 1, p, b.len + 2);
	for (i = 0; i < np; i++) {
		const char *ps = p[i].s;
		size_t pn = p[i].n;

		trim(&ps, &pn);
		if ((i && (rc = strbuf_addch(&a, ' ')) < 0) || (rc = desugar_xrange(r, ps, pn, &a)) < 0)
			goto cleanup;
	}
	s = a.buf, n = a.len;
	trim(&s, &n);
	rc = remove_star(s, n, out);
cleanup:
	free(p);
	strbuf_release(&a);
	strbuf_release(&b);
	return rc;
}

static void set_free(struct cset *c)
{
	size_t i;

	for (i = 0; c && i < c->n; i++) {
		free(c->c[i].text);
		free(c->c[i].value);
	}
	if (c)
		free(c->c);
}

static void range_free(struct range *r)
{
	size_t i;

	for (i = 0; i < r->n; i++)
		set_free(&r->sets[i]);
	free(r->sets);
	r->sets = NULL;
	r->n = 0;
}

static char *dup_n(const char *s, size_t n)
{
	char *d = malloc(n + 1);

	if (d) {
		memcpy(d, s, n);
		d[n] = 0;
	}
	return d;
}

/* value = operator + the version as SemVer.format() writes it */
static int comparator_value(struct comparator *c, const char *op, const struct sv *v)
{
	struct strbuf sb = STRBUF_INIT;
	size_t i;
	int rc;

	if ((rc = strbuf_addf(&sb, "%s%llu.%llu.%llu", op, (unsigned long long)v->major, (unsigned long long)v->minor,
			      (unsigned long long)v->patch)) < 0)
		goto cleanup;
	for (i = 0; i < v->npre; i++) {
		if ((rc = strbuf_addch(&sb, i ? '.' : '-')) < 0)
			goto cleanup;
		if (v->pre[i].num)
			rc = strbuf_addf(&sb, "%llu", (unsigned long long)v->pre[i].val);
		else
			rc = strbuf_add(&sb, v->pre[i].s, v->pre[i].len);
		if (rc < 0)
			goto cleanup;
	}
	c->value = strbuf_detach(&sb, NULL);
cleanup:
	strbuf_release(&sb);
	return rc;
}

/*
 * new Comparator(comp): ^GTLT\s?(FULLPLAIN|LOOSEPLAIN)$ or the empty string
 * (any version).  With check_only, just whether COMPARATORLOOSE matches
 * (the loose filter); returns 1 / 0 then.
 */
static int comparator_parse(const struct range *r, const char *s, size_t n, struct comparator *out, int check_only,
			    struct sv *tmp)
{
	static const char *const ops[] = { [OP_ANY] = "", [OP_EQ] = "", [OP_LT] = "<", [OP_LE] = "<=",
					   [OP_GT] = ">", [OP_GE] = ">=" };
	struct sv_cap cap;
	size_t j = 0, v0;
	enum sv_op op = OP_EQ;
	int rc;

	if (n == 0) {
		if (check_only)
			return 1;
		out->op = OP_ANY;
		out->text = dup_n("", 0);
		out->value = dup_n("", 0);
		return out->text && out->value ? 0 : err_set(ERR_NOMEM, "out of memory parsing a range");
	}
	if (s[j] == '<' || s[j] == '>') {
		op = s[j] == '<' ? OP_LT : OP_GT;
		j++;
	}
	if (j < n && s[j] == '=') {
		op = op == OP_LT ? OP_LE : op == OP_GT ? OP_GE : OP_EQ;
		j++;
	}
	if (j < n && s[j] == ' ')
		j++;
	v0 = j;
	if (sv_match_plain(s, n, v0, check_only || r->loose, &cap, n) != n) {
		if (check_only)
			return 0;
		{
			char q[96], *z = dup_n(s, n);

			rc = err_set(ERR_PARSE, "invalid comparator %s in a semver range", ver_quote(q, sizeof(q), z));
			free(z);
			return rc;
		}
	}
	if (check_only)
		return 1;
	if ((rc = sv_parse(s + v0, n - v0, r->loose, tmp)) < 0)
		return rc;
	out->op = op;
	if (!(out->text = dup_n(s + v0, n - v0)))
		return err_set(ERR_NOMEM, "out of memory parsing a range");
	return comparator_value(out, ops[op], tmp);
}

static int strip_builds(const char *s, size_t n, struct strbuf *out)
{
	size_t i = 0, pos = 0;
	int rc;

	while (i < n) {
		size_t j = i + 1;

		if (s[i] != '+' || j >= n || !(s[j] == '-' || (s[j] >= '0' && s[j] <= '9') ||
					       (s[j] >= 'a' && s[j] <= 'z') || (s[j] >= 'A' && s[j] <= 'Z'))) {
			i++;
			continue;
		}
		for (;;) { /* [a-zA-Z0-9-]+ (\.[a-zA-Z0-9-]+)* without bounds (BUILDSTRIPRE) */
			while (j < n && (s[j] == '-' || (s[j] >= '0' && s[j] <= '9') || (s[j] >= 'a' && s[j] <= 'z') ||
					 (s[j] >= 'A' && s[j] <= 'Z')))
				j++;
			if (j + 1 < n && s[j] == '.' &&
			    (s[j + 1] == '-' || (s[j + 1] >= '0' && s[j + 1] <= '9') ||
			     (s[j + 1] >= 'a' && s[j + 1] <= 'z') || (s[j + 1] >= 'A' && s[j + 1] <= 'Z')))
				j++;
			else
				break;
		}
		if ((rc = ADDN(s + pos, i - pos)) < 0)
			return rc;
		pos = i = j;
	}
	return ADDN(s + pos, n - pos);
}

/* Range.parseRange for one ||-part: its comparators into *set. */
static int parse_part(const struct range *r, const char *s, size_t n, struct cset *set)
{
	struct strbuf a = STRBUF_INIT, b = STRBUF_INIT;
	struct piece *p = NULL;
	struct sv *tmp = NULL;
	size_t np, i, k;
	int rc, matched;

	strbuf_init(&a, RANGE_TEXT_LIMIT);
	strbuf_init(&b, RANGE_TEXT_LIMIT);
	set->c = NULL;
	set->n = 0;
	trim(&s, &n);
	if ((rc = strip_builds(s, n, &a)) < 0 || (rc = hyphen_replace(r, a.buf, a.len, &b, &matched)) < 0)
		goto cleanup;
	if (matched) {
		strbuf_reset(&a);
		if ((rc = strbuf_add(&a, b.buf, b.len)) < 0)
			goto cleanup;
	}
	strbuf_reset(&b);
	if ((rc = comparator_trim(a.buf, a.len, &b)) < 0)
		goto cleanup;
	strbuf_reset(&a);
	if ((rc = lone_trim(b.buf, b.len, '~', &a)) < 0)
		goto cleanup;
	strbuf_reset(&b);
	if ((rc = lone_trim(a.buf, a.len, '^', &b)) < 0)
		goto cleanup;
	/* split(' '), parseComparator each, join(' ') */
	if (!(p = malloc((b.len + 2) * sizeof(*p)))) {
		rc = err_set(ERR_NOMEM, "out of memory parsing a range");
		goto cleanup;
	}
	strbuf_reset(&a);
	np = split(b.buf, b.len, 0, p, b.len + 2);
	for (i = 0; i < np; i++)
		if ((i && (rc = strbuf_addch(&a, ' ')) < 0) || (rc = parse_comparator(r, p[i].s, p[i].n, &a)) < 0)
			goto cleanup;
	/* split(/\s+/), ">=0.0.0" is any, (loose: drop non-comparators), new Comparator each */
	free(p);
	if (!(p = malloc((a.len + 2) * sizeof(*p))) || !(tmp = malloc(sizeof(*tmp))) ||
	    !(set->c = calloc(a.len + 2, sizeof(*set->c)))) {
		rc = err_set(ERR_NOMEM, "out of memory parsing a range");
		goto cleanup;
	}
	np = split(a.buf, a.len, 1, p, a.len + 2);
	/* every comparator is built (and may fail) before the null set is looked for */
	for (i = 0; i < np; i++) {
		const char *ps = p[i].s;
		size_t pn = p[i].n;

		trim(&ps, &pn);
		if ((pn == 7 && !memcmp(ps, ">=0.0.0", 7) && !r->incpr) ||
		    (pn == 9 && !memcmp(ps, ">=0.0.0-0", 9) && r->incpr))
			pn = 0;
		if (r->loose && !comparator_parse(r, ps, pn, NULL, 1, tmp))
			continue;
		if ((rc = comparator_parse(r, ps, pn, &set->c[set->n], 0, tmp)) < 0) {
			set->n++; /* freed with the set */
			goto cleanup;
		}
		set->n++;
	}
	/* the null set "<0.0.0-0" stands alone; duplicates collapse */
	for (i = 0; i < set->n && strcmp(set->c[i].value, "<0.0.0-0"); i++)
		;
	if (i < set->n) {
		struct comparator null = set->c[i];

		set->c[i].text = set->c[i].value = NULL;
		set_free(set);
		if (!(set->c = calloc(1, sizeof(*set->c)))) {
			free(null.text);
			free(null.value);
			set->n = 0;
			rc = err_set(ERR_NOMEM, "out of memory parsing a range");
			goto cleanup;
		}
		set->c[0] = null;
		set->n = 1;
		goto cleanup;
	}
	for (i = 0, k = 0; i < set->n; i++) {
		size_t j;

		for (j = 0; j < k && strcmp(set->c[j].value, set->c[i].value); j++)
			;
		if (j < k) { /* Map.set keeps the first position, the last object */
			free(set->c[j].text);
			free(set->c[j].value);
			set->c[j] = set->c[i];
		} else {
			set->c[k++] = set->c[i];
		}
	}
	set->n = k;
	/* "" (any) goes when there is anything else */
	if (set->n > 1) {
		for (k = 0; k < set->n; k++) {
			if (set->c[k].op == OP_ANY) {
				free(set->c[k].text);
				free(set->c[k].value);
				memmove(&set->c[k], &set->c[k + 1], (set->n - k - 1) * sizeof(set->c[0]));
				set->n--;
				break;
			}
		}
	}
cleanup:
	if (rc < 0) {
		set_free(set);
		set->c = NULL;
		set->n = 0;
	}
	free(tmp);
	free(p);
	strbuf_release(&a);
	strbuf_release(&b);
	return rc;
}

static int is_null_set(const struct cset *c)
{
	return c->n && !strcmp(c->c[0].value, "<0.0.0-0");
}

/* new Range(range, options) */
static int range_parse(struct range *r, const char *range)
{
	struct strbuf raw = STRBUF_INIT;
	size_t n = strlen(range), i, w, start;
	int rc = 0;
	char q[96];

	strbuf_init(&raw, RANGE_TEXT_LIMIT);
	if (n > VER_MAX_LEN)
		return err_set(ERR_PARSE, "semver range %s is longer than %d bytes", ver_quote(q, sizeof(q), range),
			       VER_MAX_LEN);
	/* trim, and every run of whitespace becomes one space */
	for (i = 0; i < n;) {
		if ((w = sv_space_len(range + i, n - i))) {
			while (i < n && (w = sv_space_len(range + i, n - i)))
				i += w;
			if (raw.len && i < n && (rc = strbuf_addch(&raw, ' ')) < 0)
				goto cleanup;
			continue;
		}
		if ((rc = strbuf_addch(&raw, range[i++])) < 0)
			goto cleanup;
	}
	if (!(r->sets = calloc(raw.len / 2 + 2, sizeof(*r->sets)))) {
		rc = err_set(ERR_NOMEM, "out of memory parsing a range");
		goto cleanup;
	}
	for (i = start = 0; i <= raw.len; i++) {
		if (i < raw.len && !(raw.buf[i] == '|' && i + 1 < raw.len && raw.buf[i + 1] == '|'))
			continue;
		if ((rc = parse_part(r, raw.buf + start, i - start, &r->sets[r->n])) < 0)
			goto cleanup;
		if (r->sets[r->n].n) /* empty sets (loose mode dropped everything) are thrown out */
			r->n++;
		else
			set_free(&r->sets[r->n]);
		i++;
		start = i + 1;
	}
	if (!r->n) {
		rc = err_set(ERR_PARSE, "invalid semver range %s", ver_quote(q, sizeof(q), range));
		goto cleanup;
	}
	/* drop null sets unless all are; then a lone "any" set stands for all */
	if (r->n > 1) {
		struct cset first = r->sets[0];
		size_t k = 0;
		int first_kept = 0;

		for (i = 0; i < r->n; i++) {
			if (is_null_set(&r->sets[i])) {
				if (i)
					set_free(&r->sets[i]);
				continue;
			}
			first_kept |= i == 0;
			r->sets[k++] = r->sets[i];
		}
		if (!k)
			r->sets[k++] = first;
		else if (!first_kept)
			set_free(&first);
		r->n = k;
		for (i = 0; r->n > 1 && i < r->n; i++) {
			if (r->sets[i].n == 1 && r->sets[i].c[0].op == OP_ANY) {
				struct cset any = r->sets[i];

				for (k = 0; k < r->n; k++)
					if (k != i)
						set_free(&r->sets[k]);
				r->sets[0] = any;
				r->n = 1;
			}
		}
	}
cleanup:
	strbuf_release(&raw);
	return rc;
}

/* Range.test: some set whose comparators all hold (testSet) */
static int range_test(const struct range *r, const struct sv *v, struct sv *tmp)
{
	size_t i, k;

	for (i = 0; i < r->n; i++) {
		const struct cset *set = &r->sets[i];
		int ok = 1;

		for (k = 0; ok && k < set->n; k++) {
			const struct comparator *c = &set->c[k];
			int d;

			if (c->op == OP_ANY)
				continue;
			if (sv_parse(c->text, strlen(c->text), r->loose, tmp) < 0)
				return ERR_PARSE; /* parsed once already: cannot happen */
			d = sv_cmp(v, tmp);
			ok = c->op == OP_EQ   ? d == 0
			     : c->op == OP_LT ? d < 0
			     : c->op == OP_LE ? d <= 0
			     : c->op == OP_GT ? d > 0
					      : d >= 0;
		}
		if (!ok)
			continue;
		/* a prerelease only matches where a comparator of the same
		 * major.minor.patch has one too (^1.2.3-pr.1 takes 1.2.3-pr.2, not 1.2.4-a) */
		if (v->npre && !r->incpr) {
			ok = 0;
			for (k = 0; !ok && k < set->n; k++) {
				const struct comparator *c = &set->c[k];

				if (c->op == OP_ANY || sv_parse(c->text, strlen(c->text), r->loose, tmp) < 0)
					continue;
				ok = tmp->npre && tmp->major == v->major && tmp->minor == v->minor && tmp->patch == v->patch;
			}
		}
		if (ok)
			return 1;
	}
	return 0;
}

int semver_range_satisfies(const char *range, const char *version, int flags, int *result)
{
	struct range r = { NULL, 0, !!(flags & VER_LOOSE), !!(flags & VER_INCLUDE_PRERELEASE) };
	struct sv *v = malloc(2 * sizeof(*v));
	int rc;

	if (!v)
		return err_set(ERR_NOMEM, "out of memory matching a range");
	if ((rc = range_parse(&r, range)) < 0)
		goto cleanup;
	if (strnlen(version, VER_MAX_LEN + 1) > VER_MAX_LEN) {
		rc = err_set(ERR_PARSE, "version longer than %d bytes", VER_MAX_LEN);
		goto cleanup;
	}
	if ((rc = sv_parse(version, strlen(version), r.loose, &v[0])) < 0)
		goto cleanup;
	rc = range_test(&r, &v[0], &v[1]);
	if (rc >= 0) {
		*result = rc;
		rc = 0;
	}
cleanup:
	range_free(&r);
	free(v);
	return rc;
}
