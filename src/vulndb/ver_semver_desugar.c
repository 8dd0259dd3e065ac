/*
 * ver_semver_desugar: the text rewrites of node-semver 7's Range
 * (classes/range.js) that turn a range into plain comparators: hyphen
 * ranges, the operator/tilde/caret blank trims, and replaceCaret,
 * replaceTilde, replaceXRange and replaceStars.  ver_semver_range.c drives
 * them in node's order and parses the result.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/err.h"
#include "core/strbuf.h"
#include "ver_semver.h"
#include "version.h"

/* A blank-free piece is at most the whole range, rewritten. */
#define PIECE_TEXT_LIMIT ((size_t)64 * VER_MAX_LEN)

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
int sv_hyphen_replace(const struct sv_opts *r, const char *s, size_t n, struct strbuf *out, int *matched)
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
int sv_comparator_trim(const char *s, size_t n, struct strbuf *out)
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
int sv_lone_trim(const char *s, size_t n, char mark, struct strbuf *out)
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
static int desugar_lone(const struct sv_opts *r, const char *s, size_t n, char mark, struct strbuf *out)
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
static int desugar_xrange(const struct sv_opts *r, const char *s, size_t n, struct strbuf *out)
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
		/* >1 -> >=2.0.0, >1.2 -> >=1.3.0; <=0.7.x -> <0.8.0-0 */
		int gt = gl == 1 && gtlt[0] == '>', le = gl == 2 && gtlt[0] == '<';

		if (gt || le) {
			if ((rc = strbuf_addstr(out, gt ? ">=" : "<")) < 0)
				return rc;
			if (!xm && (rc = strbuf_addf(out, "%.*s.", (int)c.Ml, c.M)) < 0)
				return rc;
			if ((rc = add_plus_one(out, xm ? c.M : c.m, xm ? c.Ml : c.ml)) < 0)
				return rc;
			if ((rc = strbuf_addstr(out, xm ? ".0.0" : ".0")) < 0)
				return rc;
			return strbuf_addstr(out, gt ? pr : "-0");
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
size_t sv_split(const char *s, size_t n, int runs, struct sv_piece *out, size_t max)
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

void sv_trim(const char **s, size_t *n)
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
int sv_parse_comparator(const struct sv_opts *r, const char *s, size_t n, struct strbuf *out)
{
	struct strbuf a = STRBUF_INIT, b = STRBUF_INIT;
	struct sv_piece *p = NULL;
	size_t np, i;
	int rc;

	strbuf_init(&a, PIECE_TEXT_LIMIT);
	strbuf_init(&b, PIECE_TEXT_LIMIT);
	sv_trim(&s, &n);
	if ((rc = desugar_lone(r, s, n, '^', &a)) < 0)
		goto cleanup;
	if (!(p = malloc((a.len + 2) * sizeof(*p)))) {
		rc = err_set(ERR_NOMEM, "out of memory parsing a range");
		goto cleanup;
	}
	s = a.buf, n = a.len;
	sv_trim(&s, &n);
	np = sv_split(s, n, 1, p, a.len + 2);
	for (i = 0; i < np; i++)
		if ((i && (rc = strbuf_addch(&b, ' ')) < 0) || (rc = desugar_lone(r, p[i].s, p[i].n, '~', &b)) < 0)
			goto cleanup;
	strbuf_reset(&a);
	free(p);
	if (!(p = malloc((b.len + 2) * sizeof(*p)))) {
		rc = err_set(ERR_NOMEM, "out of memory parsing a range");
		goto cleanup;
	}
	np = sv_split(b.buf, b.len, 1, p, b.len + 2);
	for (i = 0; i < np; i++) {
		const char *ps = p[i].s;
		size_t pn = p[i].n;

		sv_trim(&ps, &pn);
		if ((i && (rc = strbuf_addch(&a, ' ')) < 0) || (rc = desugar_xrange(r, ps, pn, &a)) < 0)
			goto cleanup;
	}
	s = a.buf, n = a.len;
	sv_trim(&s, &n);
	rc = remove_star(s, n, out);
cleanup:
	free(p);
	strbuf_release(&a);
	strbuf_release(&b);
	return rc;
}

