/*
 * ver_dpkg: Debian version ordering, [epoch:]upstream[-revision], as dpkg's
 * parseversion() and verrevcmp() (lib/dpkg/version.c, lib/dpkg/parsehelp.c).
 *
 * What dpkg treats as an error (empty, embedded blanks, a bad epoch, nothing
 * after the colon, an empty revision or upstream part) is ERR_PARSE; what it
 * only warns about (not starting with a digit, odd characters) is compared
 * anyway, as `dpkg --compare-versions` does, and ver_dpkg_valid() says 0.
 */
#include <limits.h>
#include <string.h>

#include "core/err.h"
#include "version.h"

struct dpkg_ver {
	unsigned long epoch;
	const char *ver;
	size_t ver_len;
	const char *rev;
	size_t rev_len;
	int warn; /* dpkg would warn: bad syntax, compared anyway */
};

static int is_blank(char c)
{
	return c == ' ' || c == '\t';
}

static int is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static int is_alpha(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static int dpkg_parse(const char *s, struct dpkg_ver *v)
{
	const char *end, *p, *colon, *hyphen = NULL;
	char q[96];

	memset(v, 0, sizeof(*v));
	while (is_blank(*s))
		s++;
	if (!*s)
		return err_set(ERR_PARSE, "dpkg version is empty");
	for (end = s; *end && !is_blank(*end); end++)
		;
	for (p = end; is_blank(*p); p++)
		;
	if (*p)
		return err_set(ERR_PARSE, "dpkg version %s has embedded spaces", ver_quote(q, sizeof(q), s));
	colon = memchr(s, ':', (size_t)(end - s));
	if (colon) {
		unsigned long epoch = 0;
		int negative = 0;

		/* strtol() as dpkg calls it: an optional sign, then digits up to the colon */
		p = s;
		if (*p == '+' || *p == '-')
			negative = *p++ == '-';
		if (!is_digit(*p))
			return err_set(ERR_PARSE, "dpkg version %s: epoch is %s", ver_quote(q, sizeof(q), s),
				       p == colon || p == s ? "empty" : "not a number");
		for (; p < colon; p++) {
			if (!is_digit(*p))
				return err_set(ERR_PARSE, "dpkg version %s: epoch is not a number",
					       ver_quote(q, sizeof(q), s));
			epoch = epoch * 10 + (unsigned long)(*p - '0');
			if (epoch > INT_MAX)
				return err_set(ERR_PARSE, "dpkg version %s: epoch is too big",
					       ver_quote(q, sizeof(q), s));
		}
		if (negative && epoch)
			return err_set(ERR_PARSE, "dpkg version %s: epoch is negative", ver_quote(q, sizeof(q), s));
		if (colon + 1 == end)
			return err_set(ERR_PARSE, "dpkg version %s: nothing after the colon", ver_quote(q, sizeof(q), s));
		v->epoch = epoch;
		s = colon + 1;
	}
	for (p = s; p < end; p++)
		if (*p == '-')
			hyphen = p;
	v->ver = s;
	v->ver_len = hyphen ? (size_t)(hyphen - s) : (size_t)(end - s);
	v->rev = hyphen ? hyphen + 1 : end;
	v->rev_len = hyphen ? (size_t)(end - hyphen - 1) : 0;
	if (hyphen && !v->rev_len)
		return err_set(ERR_PARSE, "dpkg version %s: revision is empty", ver_quote(q, sizeof(q), s));
	if (!v->ver_len)
		return err_set(ERR_PARSE, "dpkg version %s: upstream version is empty", ver_quote(q, sizeof(q), s));
	if (!is_digit(v->ver[0]))
		v->warn = 1;
	for (p = v->ver; p < v->ver + v->ver_len; p++)
		if (!is_digit(*p) && !is_alpha(*p) && !strchr(".-+~:", *p))
			v->warn = 1;
	for (p = v->rev; p < v->rev + v->rev_len; p++)
		if (!is_digit(*p) && !is_alpha(*p) && !strchr(".+~", *p))
			v->warn = 1;
	return 0;
}

/* dpkg's order(): '~' before the end, the end before letters, letters before
 * everything else.  dpkg reads bytes as (signed) char; on the platforms it
 * ships for, a byte >= 0x80 is negative there and lands at c + 256, which is
 * the unsigned byte value: between the letters and the other punctuation. */
static int order(unsigned char c)
{
	if (is_digit((char)c))
		return 0;
	if (is_alpha((char)c))
		return c;
	if (c == '~')
		return -1;
	if (c)
		return c >= 0x80 ? c : c + 256;
	return 0;
}

static int verrevcmp(const char *a, size_t alen, const char *b, size_t blen)
{
	size_t i = 0, j = 0;

	while (i < alen || j < blen) {
		int first_diff = 0;

		while ((i < alen && !is_digit(a[i])) || (j < blen && !is_digit(b[j]))) {
			int ac = i < alen ? order((unsigned char)a[i]) : 0;
			int bc = j < blen ? order((unsigned char)b[j]) : 0;

			if (ac != bc)
				return ac < bc ? -1 : 1;
			i++;
			j++;
		}
		while (i < alen && a[i] == '0')
			i++;
		while (j < blen && b[j] == '0')
			j++;
		while (i < alen && is_digit(a[i]) && j < blen && is_digit(b[j])) {
			if (!first_diff)
				first_diff = a[i] - b[j];
			i++;
			j++;
		}
		if (i < alen && is_digit(a[i]))
			return 1;
		if (j < blen && is_digit(b[j]))
			return -1;
		if (first_diff)
			return first_diff < 0 ? -1 : 1;
	}
	return 0;
}

int ver_dpkg_compare(const char *a, const char *b, int *result)
{
	struct dpkg_ver va, vb;
	int rc;

	if ((rc = dpkg_parse(a, &va)) < 0 || (rc = dpkg_parse(b, &vb)) < 0)
		return rc;
	if (va.epoch != vb.epoch) {
		*result = va.epoch < vb.epoch ? -1 : 1;
		return 0;
	}
	*result = verrevcmp(va.ver, va.ver_len, vb.ver, vb.ver_len);
	if (!*result)
		*result = verrevcmp(va.rev, va.rev_len, vb.rev, vb.rev_len);
	return 0;
}

int ver_dpkg_valid(const char *v)
{
	struct dpkg_ver dv;

	return dpkg_parse(v, &dv) == 0 && !dv.warn;
}
