/*
 * ver_go: Go module versions as golang.org/x/mod/semver: "v" MAJOR[.MINOR
 * [.PATCH[-PRERELEASE][+BUILD]]], where "v1" and "v1.2" are shorthands for
 * "v1.0.0" and "v1.2.0" (and may carry no prerelease or build).
 *
 * Go orders invalid versions too: they are equal to each other and older
 * than every valid version, so ver_go_compare never fails on them.  Numbers
 * have no leading zeros and any length; they compare by length, then bytes.
 */
#include <string.h>

#include "core/err.h"
#include "core/strbuf.h"
#include "version.h"

struct go_ver {
	const char *major, *minor, *patch; /* minor/patch NULL: "0" */
	size_t major_len, minor_len, patch_len;
	const char *pre; /* "-..." or NULL */
	size_t pre_len;
	const char *build; /* "+..." or NULL */
	size_t build_len;
	int shorthand; /* v1 or v1.2 */
};

static int is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static int is_ident(char c)
{
	return is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '-';
}

/* A number without leading zeros; returns its length or 0. */
static size_t parse_int(const char *s)
{
	size_t i = 0;

	if (!is_digit(s[0]))
		return 0;
	while (is_digit(s[i]))
		i++;
	if (s[0] == '0' && i != 1)
		return 0;
	return i;
}

static int is_bad_num(const char *s, size_t n)
{
	size_t i = 0;

	while (i < n && is_digit(s[i]))
		i++;
	return i == n && i > 1 && s[0] == '0';
}

/* "-" or "+" then dot-separated non-empty identifiers; returns the length or 0. */
static size_t parse_ids(const char *s, int pre)
{
	size_t i = 1, start = 1;

	for (; s[i] && !(pre && s[i] == '+'); i++) {
		if (!is_ident(s[i]) && s[i] != '.')
			return 0;
		if (s[i] == '.') {
			if (start == i || (pre && is_bad_num(s + start, i - start)))
				return 0;
			start = i + 1;
		}
	}
	if (start == i || (pre && is_bad_num(s + start, i - start)))
		return 0;
	return i;
}

static int go_parse(const char *v, struct go_ver *p)
{
	const char *s;
	size_t n;

	memset(p, 0, sizeof(*p));
	if (v[0] != 'v')
		return 0;
	s = v + 1;
	if (!(n = parse_int(s)))
		return 0;
	p->major = s, p->major_len = n, s += n;
	if (!*s) {
		p->shorthand = 1;
		return 1;
	}
	if (*s != '.' || !(n = parse_int(s + 1)))
		return 0;
	p->minor = s + 1, p->minor_len = n, s += n + 1;
	if (!*s) {
		p->shorthand = 1;
		return 1;
	}
	if (*s != '.' || !(n = parse_int(s + 1)))
		return 0;
	p->patch = s + 1, p->patch_len = n, s += n + 1;
	if (*s == '-') {
		if (!(n = parse_ids(s, 1)))
			return 0;
		p->pre = s, p->pre_len = n, s += n;
	}
	if (*s == '+') {
		if (!(n = parse_ids(s, 0)))
			return 0;
		p->build = s, p->build_len = n, s += n;
	}
	return *s == 0;
}

static int cmp_num(const char *a, size_t alen, const char *b, size_t blen)
{
	if (!a)
		a = "0", alen = 1;
	if (!b)
		b = "0", blen = 1;
	return ver_cmp_digits(a, alen, b, blen);
}

static int all_digits(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!is_digit(s[i]))
			return 0;
	return 1;
}

static int cmp_prerelease(const char *x, size_t xn, const char *y, size_t yn)
{
	size_t i = 0, j = 0;

	if (xn == yn && (!xn || !memcmp(x, y, xn)))
		return 0;
	if (!xn)
		return 1;
	if (!yn)
		return -1;
	while (i < xn && j < yn) {
		size_t si = ++i, sj = ++j, dx, dy; /* skip '-' or '.' */
		int nx, ny, c;

		while (i < xn && x[i] != '.')
			i++;
		while (j < yn && y[j] != '.')
			j++;
		dx = i - si, dy = j - sj;
		if (dx == dy && !memcmp(x + si, y + sj, dx))
			continue;
		nx = all_digits(x + si, dx);
		ny = all_digits(y + sj, dy);
		if (nx != ny)
			return nx ? -1 : 1;
		if (nx && dx != dy)
			return dx < dy ? -1 : 1;
		c = memcmp(x + si, y + sj, dx < dy ? dx : dy);
		if (c)
			return c < 0 ? -1 : 1;
		return dx < dy ? -1 : 1;
	}
	return i >= xn ? -1 : 1;
}

/* With VER_GO_IMPLICIT_V a missing "v" is supplied (OSV writes "1.2.3"). */
static const char *with_v(const char *v, int flags, char *buf, size_t size)
{
	size_t n;

	if (!(flags & VER_GO_IMPLICIT_V) || v[0] == 'v')
		return v;
	n = strnlen(v, size - 2);
	buf[0] = 'v';
	memcpy(buf + 1, v, n);
	buf[n + 1] = 0;
	return buf;
}

int ver_go_compare(const char *a, const char *b, int flags, int *result)
{
	char ba[VER_MAX_LEN + 2], bb[VER_MAX_LEN + 2];
	struct go_ver pa, pb;
	int oka, okb, c;

	oka = go_parse(with_v(a, flags, ba, sizeof(ba)), &pa);
	okb = go_parse(with_v(b, flags, bb, sizeof(bb)), &pb);
	if (!oka || !okb) {
		*result = oka == okb ? 0 : oka ? 1 : -1;
		return 0;
	}
	c = cmp_num(pa.major, pa.major_len, pb.major, pb.major_len);
	if (!c)
		c = cmp_num(pa.minor, pa.minor_len, pb.minor, pb.minor_len);
	if (!c)
		c = cmp_num(pa.patch, pa.patch_len, pb.patch, pb.patch_len);
	if (!c)
		c = cmp_prerelease(pa.pre, pa.pre_len, pb.pre, pb.pre_len);
	*result = c;
	return 0;
}

int ver_go_valid(const char *v, int flags)
{
	char buf[VER_MAX_LEN + 2];
	struct go_ver p;

	return go_parse(with_v(v, flags, buf, sizeof(buf)), &p);
}

int go_canonical(const char *v, struct strbuf *out)
{
	struct go_ver p;

	if (strnlen(v, VER_MAX_LEN + 1) > VER_MAX_LEN || !go_parse(v, &p))
		return 0;
	return strbuf_addf(out, "v%.*s.%.*s.%.*s%.*s", (int)p.major_len, p.major, p.minor ? (int)p.minor_len : 1,
			   p.minor ? p.minor : "0", p.patch ? (int)p.patch_len : 1, p.patch ? p.patch : "0",
			   (int)p.pre_len, p.pre ? p.pre : "");
}
