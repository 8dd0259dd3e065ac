/*
 * ver_semver: npm versions as node-semver 7 (classes/semver.js): strict
 * parsing (FULL: optional "v", three numbers without leading zeros, an
 * optional -prerelease and +build) or loose parsing (LOOSE: any run of "v",
 * "=" and blanks first, leading zeros, a prerelease without its hyphen).
 *
 * The regular expressions are matched by hand.  Every part of them is a
 * greedy run or an optional group whose first character set is disjoint
 * from what may follow it, so the greedy reading is the regex engine's
 * first match: giving characters back would leave one that nothing after
 * can take.  The one real choice is PRERELEASELOOSE's "-?": when "-" cannot
 * be followed by an identifier the engine takes the "-" as the identifier
 * itself ("1.2.3-" is prerelease "-"), and so do we.
 *
 * Numbers are JavaScript numbers: major, minor and patch above
 * MAX_SAFE_INTEGER make the version invalid; a numeric prerelease
 * identifier below it is a number, above it a string of digits that
 * compares with another such by its double value, as node does.
 */
#include "ver_semver.h"

#include <stdlib.h>
#include <string.h>

#include "core/err.h"
#include "version.h"

#define MAX_SAFE_INTEGER 9007199254740991ULL

static int is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static int is_alpha(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* [a-zA-Z0-9-] */
static int is_ldn(char c)
{
	return is_digit(c) || is_alpha(c) || c == '-';
}

static size_t run(const char *s, size_t n, size_t i, int (*cls)(char))
{
	size_t k = i;

	while (k < n && cls(s[k]))
		k++;
	return k - i;
}

static size_t min_sz(size_t a, size_t b)
{
	return a < b ? a : b;
}

size_t sv_space_len(const char *s, size_t n)
{
	const unsigned char *u = (const unsigned char *)s;

	if (!n)
		return 0;
	if (u[0] == ' ' || (u[0] >= '\t' && u[0] <= '\r'))
		return 1;
	if (n >= 2 && u[0] == 0xc2 && u[1] == 0xa0) /* U+00A0 */
		return 2;
	if (n < 3)
		return 0;
	if (u[0] == 0xe1 && u[1] == 0x9a && u[2] == 0x80) /* U+1680 */
		return 3;
	if (u[0] == 0xe2 && u[1] == 0x80 && ((u[2] >= 0x80 && u[2] <= 0x8a) || u[2] == 0xa8 || u[2] == 0xa9 || u[2] == 0xaf))
		return 3; /* U+2000-200A, U+2028, U+2029, U+202F */
	if (u[0] == 0xe2 && u[1] == 0x81 && u[2] == 0x9f) /* U+205F */
		return 3;
	if (u[0] == 0xe3 && u[1] == 0x80 && u[2] == 0x80) /* U+3000 */
		return 3;
	if (u[0] == 0xef && u[1] == 0xbb && u[2] == 0xbf) /* U+FEFF */
		return 3;
	return 0;
}

/* [v=\s]* */
static size_t skip_prefix(const char *s, size_t n, size_t i)
{
	size_t w;

	while (i < n) {
		if (s[i] == 'v' || s[i] == '=')
			i++;
		else if ((w = sv_space_len(s + i, n - i)))
			i += w;
		else
			break;
	}
	return i;
}

/* NUMERICIDENTIFIER 0|[1-9]\d{0,256} */
static size_t num_strict(const char *s, size_t n, size_t i)
{
	if (i >= n || !is_digit(s[i]))
		return 0;
	if (s[i] == '0')
		return 1;
	return min_sz(run(s, n, i, is_digit), 257);
}

/* NUMERICIDENTIFIERLOOSE \d{1,256} */
static size_t num_loose(const char *s, size_t n, size_t i)
{
	return min_sz(run(s, n, i, is_digit), 256);
}

/* NONNUMERICIDENTIFIER \d{0,256}[a-zA-Z-][a-zA-Z0-9-]{0,250} */
static size_t nonnum(const char *s, size_t n, size_t i)
{
	size_t d = min_sz(run(s, n, i, is_digit), 256);

	if (i + d >= n || !(is_alpha(s[i + d]) || s[i + d] == '-'))
		return 0;
	return d + 1 + min_sz(run(s, n, i + d + 1, is_ldn), 250);
}

/* PRERELEASEIDENTIFIER(LOOSE): the non-numeric form first, as the regex tries it. */
static size_t pre_ident(const char *s, size_t n, size_t i, int loose)
{
	size_t l = nonnum(s, n, i);

	if (l)
		return l;
	return loose ? num_loose(s, n, i) : num_strict(s, n, i);
}

/* ident(\.ident)* from i; end or SV_NOMATCH */
static size_t pre_idents(const char *s, size_t n, size_t i, int loose)
{
	size_t l = pre_ident(s, n, i, loose);

	if (!l)
		return SV_NOMATCH;
	i += l;
	while (i < n && s[i] == '.' && (l = pre_ident(s, n, i + 1, loose)))
		i += 1 + l;
	return i;
}

/* PRERELEASE -(ids) or PRERELEASELOOSE -?(ids); sets cap->pr. */
static size_t prerelease(const char *s, size_t n, size_t i, int loose, struct sv_cap *cap)
{
	size_t e = SV_NOMATCH, start = i;

	if (i < n && s[i] == '-') {
		start = i + 1;
		e = pre_idents(s, n, start, loose);
	}
	if (e == SV_NOMATCH && loose) {
		start = i;
		e = pre_idents(s, n, start, loose);
	}
	if (e == SV_NOMATCH)
		return SV_NOMATCH;
	cap->pr = s + start;
	cap->prl = e - start;
	return e;
}

/* BUILD \+([a-zA-Z0-9-]{1,250}(\.[a-zA-Z0-9-]{1,250})*) */
static size_t build(const char *s, size_t n, size_t i)
{
	size_t l;

	if (i >= n || s[i] != '+' || !(l = min_sz(run(s, n, i + 1, is_ldn), 250)))
		return SV_NOMATCH;
	i += 1 + l;
	while (i < n && s[i] == '.' && (l = min_sz(run(s, n, i + 1, is_ldn), 250)))
		i += 1 + l;
	return i;
}

/* XRANGEIDENTIFIER(LOOSE): a number, x, X or * */
static size_t xident(const char *s, size_t n, size_t i, int loose)
{
	size_t l = loose ? num_loose(s, n, i) : num_strict(s, n, i);

	if (l)
		return l;
	return i < n && (s[i] == 'x' || s[i] == 'X' || s[i] == '*') ? 1 : 0;
}

static size_t pre_and_build(const char *s, size_t n, size_t i, int loose, struct sv_cap *cap)
{
	size_t e = prerelease(s, n, i, loose, cap);

	if (e != SV_NOMATCH)
		i = e;
	e = build(s, n, i);
	return e != SV_NOMATCH ? e : i;
}

/*
 * After the patch number at s[i] (l digits or an x): the optional
 * prerelease and build.  Anchored at want_end, a loose numeric patch gives
 * back digits, longest patch first, until the rest ends there.
 */
static size_t patch_tail(const char *s, size_t n, size_t i, size_t l, int loose, struct sv_cap *cap, size_t want_end)
{
	size_t e = pre_and_build(s, n, i + l, loose, cap);

	if (want_end == SV_NOMATCH || e == want_end)
		return e;
	for (; loose && l > 1 && is_digit(s[i]); l--) {
		cap->pr = NULL;
		cap->prl = 0;
		cap->pl = l - 1;
		if ((e = pre_and_build(s, n, i + l - 1, loose, cap)) == want_end)
			return e;
	}
	return SV_NOMATCH;
}

size_t sv_match_xrange(const char *s, size_t n, size_t i, int loose, struct sv_cap *cap, size_t want_end)
{
	size_t l, e;

	memset(cap, 0, sizeof(*cap));
	i = skip_prefix(s, n, i);
	if (!(l = xident(s, n, i, loose)))
		return SV_NOMATCH;
	cap->M = s + i, cap->Ml = l, i += l;
	if (i < n && s[i] == '.' && (l = xident(s, n, i + 1, loose))) {
		cap->m = s + i + 1, cap->ml = l, i += 1 + l;
		if (i < n && s[i] == '.' && (l = xident(s, n, i + 1, loose))) {
			cap->p = s + i + 1, cap->pl = l;
			return patch_tail(s, n, i + 1, l, loose, cap, want_end);
		}
	}
	e = i;
	return want_end == SV_NOMATCH || e == want_end ? e : SV_NOMATCH;
}

size_t sv_match_plain(const char *s, size_t n, size_t i, int loose, struct sv_cap *cap, size_t want_end)
{
	size_t (*num)(const char *, size_t, size_t) = loose ? num_loose : num_strict;
	size_t l;

	memset(cap, 0, sizeof(*cap));
	if (loose)
		i = skip_prefix(s, n, i);
	else if (i < n && s[i] == 'v')
		i++;
	if (!(l = num(s, n, i)))
		return SV_NOMATCH;
	cap->M = s + i, cap->Ml = l, i += l;
	if (i >= n || s[i] != '.' || !(l = num(s, n, i + 1)))
		return SV_NOMATCH;
	cap->m = s + i + 1, cap->ml = l, i += 1 + l;
	if (i >= n || s[i] != '.' || !(l = num(s, n, i + 1)))
		return SV_NOMATCH;
	cap->p = s + i + 1, cap->pl = l;
	return patch_tail(s, n, i + 1, l, loose, cap, want_end);
}

/* +digits as a JS number, when it is at most MAX_SAFE_INTEGER. */
static int safe_number(const char *s, size_t n, uint64_t *out)
{
	uint64_t v = 0;
	size_t i;

	while (n > 1 && *s == '0')
		s++, n--;
	if (n > 16)
		return 0;
	for (i = 0; i < n; i++)
		v = v * 10 + (uint64_t)(s[i] - '0');
	if (v > MAX_SAFE_INTEGER)
		return 0;
	*out = v;
	return 1;
}

/* UTF-16 length, what JavaScript's .length counts. */
static size_t utf16_len(const char *s, size_t n)
{
	size_t i, len = 0;

	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if ((c & 0xc0) != 0x80)
			len += c >= 0xf0 ? 2 : 1;
	}
	return len;
}

int sv_parse(const char *s, size_t n, int loose, struct sv *out)
{
	struct sv_cap cap;
	size_t w, i, start;
	char q[96];

	if (utf16_len(s, n) > SV_MAX_LENGTH)
		goto invalid;
	while ((w = sv_space_len(s, n))) /* String.prototype.trim */
		s += w, n -= w;
	for (;;) {
		size_t k = n, back = 0;

		/* the last character is a space if one of its encodings ends the string */
		for (w = 1; w <= 3 && w <= k; w++)
			if (sv_space_len(s + k - w, w) == w)
				back = w;
		if (!back)
			break;
		n -= back;
	}
	if (sv_match_plain(s, n, 0, loose, &cap, n) != n)
		goto invalid;
	if (!safe_number(cap.M, cap.Ml, &out->major) || !safe_number(cap.m, cap.ml, &out->minor) ||
	    !safe_number(cap.p, cap.pl, &out->patch))
		goto invalid;
	out->npre = 0;
	if (cap.pr) {
		for (i = start = 0; i <= cap.prl; i++) {
			struct sv_id *id;

			if (i < cap.prl && cap.pr[i] != '.')
				continue;
			if (out->npre == SV_MAX_IDS)
				goto invalid;
			id = &out->pre[out->npre++];
			id->s = cap.pr + start;
			id->len = i - start;
			id->digits = id->len && run(id->s, id->len, 0, is_digit) == id->len;
			id->num = id->digits && safe_number(id->s, id->len, &id->val) && id->val < MAX_SAFE_INTEGER;
			start = i + 1;
		}
	}
	return 0;
invalid:
	{
		char z[SV_MAX_LENGTH + 1];
		size_t k = n < SV_MAX_LENGTH ? n : SV_MAX_LENGTH;

		memcpy(z, s, k);
		z[k] = 0;
		return err_set(ERR_PARSE, "%s is not a %s semver version", ver_quote(q, sizeof(q), z),
			       loose ? "loose" : "strict");
	}
}

/* +id for a string of digits (up to 256 of them), as a double. */
static double digits_value(const struct sv_id *id)
{
	char buf[SV_MAX_LENGTH + 1];
	size_t k = id->len < SV_MAX_LENGTH ? id->len : SV_MAX_LENGTH;

	memcpy(buf, id->s, k);
	buf[k] = 0;
	return strtod(buf, NULL);
}

/* internal/identifiers.js compareIdentifiers */
static int cmp_ident(const struct sv_id *a, const struct sv_id *b)
{
	if (a->num && b->num)
		return (a->val > b->val) - (a->val < b->val);
	if (a->digits && b->digits) {
		double x = digits_value(a), y = digits_value(b);

		return (x > y) - (x < y);
	}
	if (a->digits != b->digits)
		return a->digits ? -1 : 1;
	{
		size_t k = min_sz(a->len, b->len);
		int c = k ? memcmp(a->s, b->s, k) : 0;

		if (c)
			return c < 0 ? -1 : 1;
		return (a->len > b->len) - (a->len < b->len);
	}
}

static int same_ident(const struct sv_id *a, const struct sv_id *b)
{
	if (a->num != b->num)
		return 0;
	if (a->num)
		return a->val == b->val;
	return a->len == b->len && !memcmp(a->s, b->s, a->len);
}

int sv_cmp(const struct sv *a, const struct sv *b)
{
	size_t i;

	if (a->major != b->major)
		return a->major < b->major ? -1 : 1;
	if (a->minor != b->minor)
		return a->minor < b->minor ? -1 : 1;
	if (a->patch != b->patch)
		return a->patch < b->patch ? -1 : 1;
	/* not having a prerelease is newer than having one */
	if (a->npre && !b->npre)
		return -1;
	if (!a->npre && b->npre)
		return 1;
	for (i = 0;; i++) {
		if (i >= a->npre && i >= b->npre)
			return 0;
		if (i >= b->npre)
			return 1;
		if (i >= a->npre)
			return -1;
		if (same_ident(&a->pre[i], &b->pre[i]))
			continue;
		/* node returns here, even when the two compare equal as doubles */
		return cmp_ident(&a->pre[i], &b->pre[i]);
	}
}

int ver_semver_compare(const char *a, const char *b, int flags, int *result)
{
	struct sv *v = malloc(2 * sizeof(*v));
	int rc;

	if (!v)
		return err_set(ERR_NOMEM, "out of memory comparing versions");
	if ((rc = sv_parse(a, strlen(a), flags & VER_LOOSE, &v[0])) < 0 ||
	    (rc = sv_parse(b, strlen(b), flags & VER_LOOSE, &v[1])) < 0)
		goto cleanup;
	*result = sv_cmp(&v[0], &v[1]);
cleanup:
	free(v);
	return rc;
}

int ver_semver_valid(const char *v, int flags)
{
	struct sv *p = malloc(sizeof(*p));
	int ok = p && sv_parse(v, strlen(v), flags & VER_LOOSE, p) == 0;

	free(p);
	return ok;
}
