/*
 * ver_rpm: RPM version ordering, [epoch:]version[-release], as rpm's
 * rpmvercmp() (rpmio/rpmvercmp.c) on each part after rpmverParse().
 *
 * The epoch is the run of leading digits when a ':' follows it (an empty one
 * is "0"); the release is what follows the last '-'.  A missing epoch is 0; a
 * missing release sorts before any release, even an empty one ("1.0" <
 * "1.0-" < "1.0-1"), which is what rpm 4.18's rpm.vercmp() answers.  Every
 * part is compared with rpmvercmp itself, the epoch too, so digit runs of
 * any length compare as numbers.  Only the empty string is refused, as rpm
 * refuses it.
 */
#include <string.h>

#include "core/err.h"
#include "version.h"

struct rpm_evr {
	const char *e, *v, *r; /* e and r may be NULL */
	size_t elen, vlen, rlen;
};

static int is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static int is_alpha(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static int is_alnum(char c)
{
	return is_digit(c) || is_alpha(c);
}

static void rpm_parse(const char *evr, struct rpm_evr *p)
{
	const char *s = evr, *se = NULL, *q;

	memset(p, 0, sizeof(*p));
	while (*s && is_digit(*s))
		s++;
	for (q = s; *q; q++)
		if (*q == '-')
			se = q;
	if (*s == ':') {
		p->e = evr;
		p->elen = (size_t)(s - evr);
		p->v = s + 1;
	} else {
		p->v = evr;
	}
	if (se) {
		p->vlen = (size_t)(se - p->v);
		p->r = se + 1;
		p->rlen = strlen(p->r);
	} else {
		p->vlen = strlen(p->v);
	}
}

/* rpmvercmp over (pointer, length) strings. */
static int rpmvercmp(const char *a, size_t alen, const char *b, size_t blen)
{
	size_t i = 0, j = 0;

	if (alen == blen && !memcmp(a, b, alen))
		return 0;
	while (i < alen || j < blen) {
		size_t si, sj;
		int isnum, c;

		while (i < alen && !is_alnum(a[i]) && a[i] != '~' && a[i] != '^')
			i++;
		while (j < blen && !is_alnum(b[j]) && b[j] != '~' && b[j] != '^')
			j++;
		/* '~' sorts before everything, even the end of the string. */
		if ((i < alen && a[i] == '~') || (j < blen && b[j] == '~')) {
			if (i >= alen || a[i] != '~')
				return 1;
			if (j >= blen || b[j] != '~')
				return -1;
			i++, j++;
			continue;
		}
		/* '^' sorts after the end of the string, before anything else. */
		if ((i < alen && a[i] == '^') || (j < blen && b[j] == '^')) {
			if (i >= alen)
				return -1;
			if (j >= blen)
				return 1;
			if (a[i] != '^')
				return 1;
			if (b[j] != '^')
				return -1;
			i++, j++;
			continue;
		}
		if (!(i < alen && j < blen))
			break;
		si = i, sj = j;
		if (is_digit(a[i])) {
			while (i < alen && is_digit(a[i]))
				i++;
			while (j < blen && is_digit(b[j]))
				j++;
			isnum = 1;
		} else {
			while (i < alen && is_alpha(a[i]))
				i++;
			while (j < blen && is_alpha(b[j]))
				j++;
			isnum = 0;
		}
		if (si == i)
			return -1; /* cannot happen: a has a segment here */
		/* A numeric segment is newer than an alphabetic one. */
		if (sj == j)
			return isnum ? 1 : -1;
		if (isnum) {
			c = ver_cmp_digits(a + si, i - si, b + sj, j - sj);
		} else {
			size_t la = i - si, lb = j - sj;

			c = memcmp(a + si, b + sj, la < lb ? la : lb);
			c = c ? c : (la > lb) - (la < lb);
		}
		if (c)
			return c < 0 ? -1 : 1;
	}
	if (i >= alen && j >= blen)
		return 0;
	return i >= alen ? -1 : 1;
}

int ver_rpm_compare(const char *a, const char *b, int *result)
{
	struct rpm_evr pa, pb;
	char q[96];
	int c;

	if (!*a || !*b)
		return err_set(ERR_PARSE, "rpm version %s is empty", ver_quote(q, sizeof(q), *a ? b : a));
	rpm_parse(a, &pa);
	rpm_parse(b, &pb);
	/* An absent or empty epoch is "0". */
	c = rpmvercmp(pa.elen ? pa.e : "0", pa.elen ? pa.elen : 1, pb.elen ? pb.e : "0", pb.elen ? pb.elen : 1);
	if (!c)
		c = rpmvercmp(pa.v, pa.vlen, pb.v, pb.vlen);
	if (!c) {
		if (pa.r && pb.r)
			c = rpmvercmp(pa.r, pa.rlen, pb.r, pb.rlen);
		else if (pa.r || pb.r)
			c = pa.r ? 1 : -1;
	}
	*result = c;
	return 0;
}

int ver_rpm_valid(const char *v)
{
	struct rpm_evr p;
	const char *s;

	if (!*v)
		return 0;
	for (s = v; *s; s++)
		if ((unsigned char)*s <= ' ' || *s == 0x7f)
			return 0;
	rpm_parse(v, &p);
	return p.vlen > 0;
}
