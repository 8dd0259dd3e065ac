/*
 * ver_maven: Maven version ordering as maven-artifact's ComparableVersion
 * (apache/maven, compat/maven-artifact), the order Maven itself, Gradle and
 * the advisory databases use for Maven coordinates.
 *
 * A version is cut into items at '.', '-' and digit/letter changes: numbers,
 * qualifiers (alpha < beta < milestone < rc = cr < snapshot < "" = ga = final
 * = release < sp < any other word, those in lexical order), letter-number
 * combinations ("rc1", "sp-1"), and nested lists that begin at a '-' or a
 * qualifier.  Trailing "nulls" (0, "", ga) are dropped from each list, so
 * 1.0 = 1 = 1-ga.  Ported item for item, including Java's details: text is
 * lowercased per Locale.ENGLISH, compared as UTF-16 code units, only ASCII
 * digits split numbers, but a combination's number may be written in any
 * script's digits (Character.isDigit); numbers of up to 9, 18 and more digits
 * are three types that order by type before value.  Versions longer than 256
 * UTF-16 units are refused, as upstream refuses them.
 *
 * Not ported: the context-dependent lowercasing of a final capital sigma
 * (Java writes the final form); every other code point uses Unicode's simple
 * lowercase mapping (and U+0130 becomes "i" + U+0307, as Java does).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/err.h"
#include "version.h"

#define MV_MAX_UNITS 256                  /* MAX_VERSION_LENGTH of ComparableVersion */
#define MV_TEXT_MAX (2 * MV_MAX_UNITS)    /* lowercasing U+0130 doubles it at most */
#define MV_MAX_ITEMS (2 * MV_TEXT_MAX + 8) /* each unit starts at most an item and a list */

enum mv_type { MV_BIG = 0, MV_STRING = 1, MV_LIST = 2, MV_INT = 3, MV_LONG = 4, MV_COMB = 5 };

struct mv_item {
	unsigned char type;
	const uint16_t *s; /* STRING: value; numbers: ASCII digits, no leading zero; COMB: string part */
	size_t len;
	int digit;           /* COMB: its number item */
	int prev, next;      /* siblings in the parent list, -1 at the ends */
	int head, tail;      /* LIST: children */
	size_t count;        /* LIST: number of children */
};

struct mv_version {
	uint16_t text[MV_TEXT_MAX];
	size_t n;
	uint16_t pool[2 * MV_TEXT_MAX + 8]; /* dash-free combinations and converted digits */
	size_t pool_len;
	struct mv_item items[MV_MAX_ITEMS];
	int nitems;
	int stack[MV_MAX_ITEMS];
	int nstack;
};

/* Unicode simple lowercase mappings: code points first..last, every step-th, map to cp + delta. */
static const struct {
	uint32_t first, last;
	int32_t delta;
	uint32_t step;
} lower_runs[] = {
	{ 0x0041, 0x005a, 32, 1 }, { 0x00c0, 0x00d6, 32, 1 }, { 0x00d8, 0x00de, 32, 1 },
	{ 0x0100, 0x012e, 1, 2 }, { 0x0132, 0x0136, 1, 2 }, { 0x0139, 0x0147, 1, 2 },
	{ 0x014a, 0x0176, 1, 2 }, { 0x0178, 0x0178, -121, 1 }, { 0x0179, 0x017d, 1, 2 },
	{ 0x0181, 0x0181, 210, 1 }, { 0x0182, 0x0184, 1, 2 }, { 0x0186, 0x0186, 206, 1 },
	{ 0x0187, 0x0187, 1, 1 }, { 0x0189, 0x018a, 205, 1 }, { 0x018b, 0x018b, 1, 1 },
	{ 0x018e, 0x018e, 79, 1 }, { 0x018f, 0x018f, 202, 1 }, { 0x0190, 0x0190, 203, 1 },
	{ 0x0191, 0x0191, 1, 1 }, { 0x0193, 0x0193, 205, 1 }, { 0x0194, 0x0194, 207, 1 },
	{ 0x0196, 0x0196, 211, 1 }, { 0x0197, 0x0197, 209, 1 }, { 0x0198, 0x0198, 1, 1 },
	{ 0x019c, 0x019c, 211, 1 }, { 0x019d, 0x019d, 213, 1 }, { 0x019f, 0x019f, 214, 1 },
	{ 0x01a0, 0x01a4, 1, 2 }, { 0x01a6, 0x01a6, 218, 1 }, { 0x01a7, 0x01a7, 1, 1 },
	{ 0x01a9, 0x01a9, 218, 1 }, { 0x01ac, 0x01ac, 1, 1 }, { 0x01ae, 0x01ae, 218, 1 },
	{ 0x01af, 0x01af, 1, 1 }, { 0x01b1, 0x01b2, 217, 1 }, { 0x01b3, 0x01b5, 1, 2 },
	{ 0x01b7, 0x01b7, 219, 1 }, { 0x01b8, 0x01b8, 1, 1 }, { 0x01bc, 0x01bc, 1, 1 },
	{ 0x01c4, 0x01c4, 2, 1 }, { 0x01c5, 0x01c5, 1, 1 }, { 0x01c7, 0x01c7, 2, 1 },
	{ 0x01c8, 0x01c8, 1, 1 }, { 0x01ca, 0x01ca, 2, 1 }, { 0x01cb, 0x01db, 1, 2 },
	{ 0x01de, 0x01ee, 1, 2 }, { 0x01f1, 0x01f1, 2, 1 }, { 0x01f2, 0x01f4, 1, 2 },
	{ 0x01f6, 0x01f6, -97, 1 }, { 0x01f7, 0x01f7, -56, 1 }, { 0x01f8, 0x021e, 1, 2 },
	{ 0x0220, 0x0220, -130, 1 }, { 0x0222, 0x0232, 1, 2 }, { 0x023a, 0x023a, 10795, 1 },
	{ 0x023b, 0x023b, 1, 1 }, { 0x023d, 0x023d, -163, 1 }, { 0x023e, 0x023e, 10792, 1 },
	{ 0x0241, 0x0241, 1, 1 }, { 0x0243, 0x0243, -195, 1 }, { 0x0244, 0x0244, 69, 1 },
	{ 0x0245, 0x0245, 71, 1 }, { 0x0246, 0x024e, 1, 2 }, { 0x0370, 0x0372, 1, 2 },
	{ 0x0376, 0x0376, 1, 1 }, { 0x037f, 0x037f, 116, 1 }, { 0x0386, 0x0386, 38, 1 },
	{ 0x0388, 0x038a, 37, 1 }, { 0x038c, 0x038c, 64, 1 }, { 0x038e, 0x038f, 63, 1 },
	{ 0x0391, 0x03a1, 32, 1 }, { 0x03a3, 0x03ab, 32, 1 }, { 0x03cf, 0x03cf, 8, 1 },
	{ 0x03d8, 0x03ee, 1, 2 }, { 0x03f4, 0x03f4, -60, 1 }, { 0x03f7, 0x03f7, 1, 1 },
	{ 0x03f9, 0x03f9, -7, 1 }, { 0x03fa, 0x03fa, 1, 1 }, { 0x03fd, 0x03ff, -130, 1 },
	{ 0x0400, 0x040f, 80, 1 }, { 0x0410, 0x042f, 32, 1 }, { 0x0460, 0x0480, 1, 2 },
	{ 0x048a, 0x04be, 1, 2 }, { 0x04c0, 0x04c0, 15, 1 }, { 0x04c1, 0x04cd, 1, 2 },
	{ 0x04d0, 0x052e, 1, 2 }, { 0x0531, 0x0556, 48, 1 }, { 0x10a0, 0x10c5, 7264, 1 },
	{ 0x10c7, 0x10c7, 7264, 1 }, { 0x10cd, 0x10cd, 7264, 1 }, { 0x13a0, 0x13ef, 38864, 1 },
	{ 0x13f0, 0x13f5, 8, 1 }, { 0x1c90, 0x1cba, -3008, 1 }, { 0x1cbd, 0x1cbf, -3008, 1 },
	{ 0x1e00, 0x1e94, 1, 2 }, { 0x1e9e, 0x1e9e, -7615, 1 }, { 0x1ea0, 0x1efe, 1, 2 },
	{ 0x1f08, 0x1f0f, -8, 1 }, { 0x1f18, 0x1f1d, -8, 1 }, { 0x1f28, 0x1f2f, -8, 1 },
	{ 0x1f38, 0x1f3f, -8, 1 }, { 0x1f48, 0x1f4d, -8, 1 }, { 0x1f59, 0x1f5f, -8, 2 },
	{ 0x1f68, 0x1f6f, -8, 1 }, { 0x1f88, 0x1f8f, -8, 1 }, { 0x1f98, 0x1f9f, -8, 1 },
	{ 0x1fa8, 0x1faf, -8, 1 }, { 0x1fb8, 0x1fb9, -8, 1 }, { 0x1fba, 0x1fbb, -74, 1 },
	{ 0x1fbc, 0x1fbc, -9, 1 }, { 0x1fc8, 0x1fcb, -86, 1 }, { 0x1fcc, 0x1fcc, -9, 1 },
	{ 0x1fd8, 0x1fd9, -8, 1 }, { 0x1fda, 0x1fdb, -100, 1 }, { 0x1fe8, 0x1fe9, -8, 1 },
	{ 0x1fea, 0x1feb, -112, 1 }, { 0x1fec, 0x1fec, -7, 1 }, { 0x1ff8, 0x1ff9, -128, 1 },
	{ 0x1ffa, 0x1ffb, -126, 1 }, { 0x1ffc, 0x1ffc, -9, 1 }, { 0x2126, 0x2126, -7517, 1 },
	{ 0x212a, 0x212a, -8383, 1 }, { 0x212b, 0x212b, -8262, 1 }, { 0x2132, 0x2132, 28, 1 },
	{ 0x2160, 0x216f, 16, 1 }, { 0x2183, 0x2183, 1, 1 }, { 0x24b6, 0x24cf, 26, 1 },
	{ 0x2c00, 0x2c2f, 48, 1 }, { 0x2c60, 0x2c60, 1, 1 }, { 0x2c62, 0x2c62, -10743, 1 },
	{ 0x2c63, 0x2c63, -3814, 1 }, { 0x2c64, 0x2c64, -10727, 1 }, { 0x2c67, 0x2c6b, 1, 2 },
	{ 0x2c6d, 0x2c6d, -10780, 1 }, { 0x2c6e, 0x2c6e, -10749, 1 }, { 0x2c6f, 0x2c6f, -10783, 1 },
	{ 0x2c70, 0x2c70, -10782, 1 }, { 0x2c72, 0x2c72, 1, 1 }, { 0x2c75, 0x2c75, 1, 1 },
	{ 0x2c7e, 0x2c7f, -10815, 1 }, { 0x2c80, 0x2ce2, 1, 2 }, { 0x2ceb, 0x2ced, 1, 2 },
	{ 0x2cf2, 0x2cf2, 1, 1 }, { 0xa640, 0xa66c, 1, 2 }, { 0xa680, 0xa69a, 1, 2 },
	{ 0xa722, 0xa72e, 1, 2 }, { 0xa732, 0xa76e, 1, 2 }, { 0xa779, 0xa77b, 1, 2 },
	{ 0xa77d, 0xa77d, -35332, 1 }, { 0xa77e, 0xa786, 1, 2 }, { 0xa78b, 0xa78b, 1, 1 },
	{ 0xa78d, 0xa78d, -42280, 1 }, { 0xa790, 0xa792, 1, 2 }, { 0xa796, 0xa7a8, 1, 2 },
	{ 0xa7aa, 0xa7aa, -42308, 1 }, { 0xa7ab, 0xa7ab, -42319, 1 }, { 0xa7ac, 0xa7ac, -42315, 1 },
	{ 0xa7ad, 0xa7ad, -42305, 1 }, { 0xa7ae, 0xa7ae, -42308, 1 }, { 0xa7b0, 0xa7b0, -42258, 1 },
	{ 0xa7b1, 0xa7b1, -42282, 1 }, { 0xa7b2, 0xa7b2, -42261, 1 }, { 0xa7b3, 0xa7b3, 928, 1 },
	{ 0xa7b4, 0xa7c2, 1, 2 }, { 0xa7c4, 0xa7c4, -48, 1 }, { 0xa7c5, 0xa7c5, -42307, 1 },
	{ 0xa7c6, 0xa7c6, -35384, 1 }, { 0xa7c7, 0xa7c9, 1, 2 }, { 0xa7d0, 0xa7d0, 1, 1 },
	{ 0xa7d6, 0xa7d8, 1, 2 }, { 0xa7f5, 0xa7f5, 1, 1 }, { 0xff21, 0xff3a, 32, 1 },
	{ 0x10400, 0x10427, 40, 1 }, { 0x104b0, 0x104d3, 40, 1 }, { 0x10570, 0x1057a, 39, 1 },
	{ 0x1057c, 0x1058a, 39, 1 }, { 0x1058c, 0x10592, 39, 1 }, { 0x10594, 0x10595, 39, 1 },
	{ 0x10c80, 0x10cb2, 64, 1 }, { 0x118a0, 0x118bf, 32, 1 }, { 0x16e40, 0x16e5f, 32, 1 },
	{ 0x1e900, 0x1e921, 34, 1 },
};

/* The zeros of the BMP's decimal digit runs (category Nd): Java's Character.isDigit(char). */
static const uint16_t digit_zeros[] = {
	0x0030, 0x0660, 0x06f0, 0x07c0, 0x0966, 0x09e6, 0x0a66, 0x0ae6, 0x0b66, 0x0be6, 0x0c66, 0x0ce6, 0x0d66,
	0x0de6, 0x0e50, 0x0ed0, 0x0f20, 0x1040, 0x1090, 0x17e0, 0x1810, 0x1946, 0x19d0, 0x1a80, 0x1a90, 0x1b50,
	0x1bb0, 0x1c40, 0x1c50, 0xa620, 0xa8d0, 0xa900, 0xa9d0, 0xa9f0, 0xaa50, 0xabf0, 0xff10
};

static uint32_t lower_cp(uint32_t cp)
{
	size_t lo = 0, hi = sizeof(lower_runs) / sizeof(lower_runs[0]);

	if (cp < 0x80)
		return cp >= 'A' && cp <= 'Z' ? cp + 32 : cp;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (cp < lower_runs[mid].first)
			hi = mid;
		else if (cp > lower_runs[mid].last)
			lo = mid + 1;
		else
			return (cp - lower_runs[mid].first) % lower_runs[mid].step ? cp
										      : (uint32_t)((int32_t)cp + lower_runs[mid].delta);
	}
	return cp;
}

/* Character.digit(c, 10) for one UTF-16 unit: 0-9, or -1. */
static int java_digit(uint16_t c)
{
	size_t i;

	if (c >= '0' && c <= '9')
		return c - '0';
	for (i = 0; i < sizeof(digit_zeros) / sizeof(digit_zeros[0]); i++)
		if (c >= digit_zeros[i] && c <= digit_zeros[i] + 9)
			return c - digit_zeros[i];
	return -1;
}

/* Decode UTF-8 to code points (an invalid byte is U+FFFD); returns the count
 * of UTF-16 units of the original, or -1 past MV_MAX_UNITS. */
static size_t utf8_next(const unsigned char *s, size_t n, uint32_t *cp)
{
	uint32_t c = s[0], min;
	size_t len, i;

	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	if (c >= 0xc2 && c <= 0xdf)
		len = 2, c &= 0x1f, min = 0x80;
	else if (c >= 0xe0 && c <= 0xef)
		len = 3, c &= 0x0f, min = 0x800;
	else if (c >= 0xf0 && c <= 0xf4)
		len = 4, c &= 0x07, min = 0x10000;
	else
		goto bad;
	if (len > n)
		goto bad;
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			goto bad;
		c = (c << 6) | (s[i] & 0x3f);
	}
	if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		goto bad;
	*cp = c;
	return len;
bad:
	*cp = 0xfffd;
	return 1;
}

static int put_unit(struct mv_version *v, uint32_t u)
{
	if (v->n >= MV_TEXT_MAX)
		return -1;
	v->text[v->n++] = (uint16_t)u;
	return 0;
}

/* The version lowercased as Java's toLowerCase(Locale.ENGLISH), in UTF-16. */
static int mv_text(struct mv_version *v, const char *str)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t n = strlen(str), i = 0, units = 0;
	char q[96];

	while (i < n) {
		uint32_t cp;

		i += utf8_next(s + i, n - i, &cp);
		units += cp >= 0x10000 ? 2 : 1;
		if (units > MV_MAX_UNITS)
			return err_set(ERR_PARSE, "Maven version %s is longer than %d characters",
				       ver_quote(q, sizeof(q), str), MV_MAX_UNITS);
		if (cp == 0x130) { /* capital I with dot above: "i" and a combining dot */
			if (put_unit(v, 'i') < 0 || put_unit(v, 0x307) < 0)
				goto too_long;
			continue;
		}
		cp = lower_cp(cp);
		if (cp >= 0x10000) {
			if (put_unit(v, 0xd800 + ((cp - 0x10000) >> 10)) < 0 ||
			    put_unit(v, 0xdc00 + ((cp - 0x10000) & 0x3ff)) < 0)
				goto too_long;
		} else if (put_unit(v, cp) < 0) {
			goto too_long;
		}
	}
	return 0;
too_long:
	return err_set(ERR_PARSE, "Maven version %s is too long once lowercased", ver_quote(q, sizeof(q), str));
}

static int new_item(struct mv_version *v, int type)
{
	struct mv_item *it;

	if (v->nitems >= MV_MAX_ITEMS)
		return err_set(ERR_PARSE, "Maven version has too many parts");
	it = &v->items[v->nitems];
	memset(it, 0, sizeof(*it));
	it->type = (unsigned char)type;
	it->digit = it->prev = it->next = it->head = it->tail = -1;
	return v->nitems++;
}

static void list_append(struct mv_version *v, int list, int item)
{
	struct mv_item *l = &v->items[list];

	v->items[item].prev = l->tail;
	v->items[item].next = -1;
	if (l->tail >= 0)
		v->items[l->tail].next = item;
	else
		l->head = item;
	l->tail = item;
	l->count++;
}

static void list_remove(struct mv_version *v, int list, int item)
{
	struct mv_item *l = &v->items[list], *it = &v->items[item];

	if (it->prev >= 0)
		v->items[it->prev].next = it->next;
	else
		l->head = it->next;
	if (it->next >= 0)
		v->items[it->next].prev = it->prev;
	else
		l->tail = it->prev;
	l->count--;
}

/* list.add(list = new ListItem()); stack.push(list) */
static int open_sublist(struct mv_version *v, int *list)
{
	int sub = new_item(v, MV_LIST);

	if (sub < 0)
		return sub;
	list_append(v, *list, sub);
	v->stack[v->nstack++] = sub;
	*list = sub;
	return 0;
}

static const uint16_t u_alpha[] = { 'a', 'l', 'p', 'h', 'a' }, u_beta[] = { 'b', 'e', 't', 'a' },
		      u_milestone[] = { 'm', 'i', 'l', 'e', 's', 't', 'o', 'n', 'e' }, u_rc[] = { 'r', 'c' },
		      u_zero[] = { '0' };

static int units_eq(const uint16_t *s, size_t n, const char *ascii)
{
	size_t i;

	for (i = 0; i < n && ascii[i]; i++)
		if (s[i] != (unsigned char)ascii[i])
			return 0;
	return i == n && !ascii[i];
}

/* new StringItem(value, followedByDigit) */
static int make_string(struct mv_version *v, const uint16_t *s, size_t n, int followed_by_digit)
{
	int idx = new_item(v, MV_STRING);

	if (idx < 0)
		return idx;
	if (followed_by_digit && n == 1 && (s[0] == 'a' || s[0] == 'b' || s[0] == 'm')) {
		s = s[0] == 'a' ? u_alpha : s[0] == 'b' ? u_beta : u_milestone;
		n = s == u_alpha ? 5 : s == u_beta ? 4 : 9;
	}
	if (units_eq(s, n, "cr"))
		s = u_rc, n = 2;
	v->items[idx].s = s;
	v->items[idx].len = n;
	return idx;
}

/* parseItem(true, buf): a number, read as Integer.parseInt and its kin read
 * it: any script's digits count (a combination's number may have them), and
 * anything else throws (a number cut in the middle of a surrogate pair). */
static int make_number(struct mv_version *v, const uint16_t *s, size_t n)
{
	size_t i, z = 0, len;
	uint16_t *d;
	int idx;

	while (z < n && s[z] == '0') /* stripLeadingZeroes: ASCII zeros only */
		z++;
	if (z == n)
		s = u_zero, n = 1, z = 0;
	len = n - z;
	idx = new_item(v, len <= 9 ? MV_INT : len <= 18 ? MV_LONG : MV_BIG);
	if (idx < 0)
		return idx;
	if (v->pool_len + len > sizeof(v->pool) / sizeof(v->pool[0]))
		return err_set(ERR_PARSE, "Maven version has too many digits");
	d = v->pool + v->pool_len;
	for (i = 0; i < len; i++) {
		int dv = java_digit(s[z + i]);

		if (dv < 0)
			return err_set(ERR_PARSE, "Maven version has a number Java cannot parse");
		d[i] = (uint16_t)('0' + dv);
	}
	v->pool_len += len;
	/* the value itself, for comparison: without zeros of other scripts either */
	for (i = 0; i + 1 < len && d[i] == '0'; i++)
		;
	v->items[idx].s = d + i;
	v->items[idx].len = len - i;
	return idx;
}

/* parseItem(isCombination, isDigit, text[start..end)) */
static int parse_item(struct mv_version *v, int comb, int digit, size_t start, size_t end)
{
	if (comb) {
		uint16_t *buf = v->pool + v->pool_len;
		size_t n = 0, i, at = 0;
		int idx, sidx, didx;

		if (v->pool_len + (end - start) > sizeof(v->pool) / sizeof(v->pool[0]))
			return err_set(ERR_PARSE, "Maven version has too many parts");

		for (i = start; i < end; i++) /* buf.replace("-", "") */
			if (v->text[i] != '-')
				buf[n++] = v->text[i];
		v->pool_len += n;
		for (i = 0; i < n; i++) {
			if (java_digit(buf[i]) >= 0) {
				at = i;
				break;
			}
		}
		if ((sidx = make_string(v, buf, at, 1)) < 0 || (didx = make_number(v, buf + at, n - at)) < 0)
			return sidx < 0 ? sidx : didx;
		if ((idx = new_item(v, MV_COMB)) < 0)
			return idx;
		v->items[idx].s = v->items[sidx].s;
		v->items[idx].len = v->items[sidx].len;
		v->items[idx].digit = didx;
		return idx;
	}
	if (digit)
		return make_number(v, v->text + start, end - start);
	return make_string(v, v->text + start, end - start, 0);
}

static int is_null(const struct mv_version *v, int i)
{
	const struct mv_item *it = &v->items[i];

	switch (it->type) {
	case MV_INT:
	case MV_LONG:
	case MV_BIG:
		return it->len == 1 && it->s[0] == '0';
	case MV_STRING:
		return it->len == 0;
	case MV_LIST:
		return it->count == 0;
	default:
		return 0;
	}
}

/* ListItem.normalize(): drop nulls at the end or before a qualifier; flatten a lone sublist. */
static void normalize(struct mv_version *v, int list)
{
	int i = v->items[list].tail;

	while (i >= 0) {
		int prev = v->items[i].prev, next = v->items[i].next;

		if (is_null(v, i)) {
			if (next < 0 || v->items[next].type == MV_STRING) {
				list_remove(v, list, i);
			} else if (v->items[next].type == MV_LIST && v->items[next].head >= 0) {
				int first = v->items[next].head;

				if (v->items[first].type == MV_COMB || v->items[first].type == MV_STRING)
					list_remove(v, list, i);
			}
		}
		i = prev;
	}
	if (v->items[list].count == 1 && v->items[v->items[list].head].type == MV_LIST) {
		int only = v->items[list].head, c = v->items[only].head;

		v->items[list].head = v->items[list].tail = -1;
		v->items[list].count = 0;
		while (c >= 0) {
			int next = v->items[c].next;

			list_append(v, list, c);
			c = next;
		}
	}
}

static int java_is_digit_unit(uint16_t c)
{
	return java_digit(c) >= 0;
}

static int mv_parse(struct mv_version *v, const char *str)
{
	int list, root, rc, is_digit = 0, is_comb = 0;
	size_t start = 0, i;

	if ((rc = mv_text(v, str)) < 0)
		return rc;
	if ((root = new_item(v, MV_LIST)) < 0)
		return root;
	list = root;
	v->stack[v->nstack++] = root;
#define ADD(expr)                                 \
	do {                                      \
		int it_ = (expr);                 \
		if (it_ < 0)                      \
			return it_;               \
		list_append(v, list, it_);        \
	} while (0)
	for (i = 0; i < v->n; i++) {
		uint16_t c = v->text[i];

		if (c >= 0xd800 && c <= 0xdbff && i + 1 < v->n) {
			i++; /* a surrogate pair is one character, and not a separator or a digit */
			c = 0xfffd;
		}
		if (c == '.') {
			if (i == start)
				ADD(make_number(v, u_zero, 1));
			else
				ADD(parse_item(v, is_comb, is_digit, start, i));
			is_comb = 0;
			start = i + 1;
		} else if (c == '-') {
			if (i == start) {
				ADD(make_number(v, u_zero, 1));
			} else {
				/* X-1 is read as X1 */
				if (!is_digit && i != v->n - 1 && java_is_digit_unit(v->text[i + 1])) {
					is_comb = 1;
					continue;
				}
				ADD(parse_item(v, is_comb, is_digit, start, i));
			}
			start = i + 1;
			if (v->items[list].count && (rc = open_sublist(v, &list)) < 0)
				return rc;
			is_comb = 0;
		} else if (c >= '0' && c <= '9') {
			if (!is_digit && i > start) {
				is_comb = 1;
				if (v->items[list].count && (rc = open_sublist(v, &list)) < 0)
					return rc;
			}
			is_digit = 1;
		} else {
			if (is_digit && i > start) {
				ADD(parse_item(v, is_comb, 1, start, i));
				start = i;
				if ((rc = open_sublist(v, &list)) < 0)
					return rc;
				is_comb = 0;
			}
			is_digit = 0;
		}
	}
	if (v->n > start) {
		/* 1.0.0.X1 < 1.0.0-X2: a trailing .X is read as -X */
		if (!is_digit && v->items[list].count && (rc = open_sublist(v, &list)) < 0)
			return rc;
		ADD(parse_item(v, is_comb, is_digit, start, v->n));
	}
#undef ADD
	while (v->nstack > 0)
		normalize(v, v->stack[--v->nstack]);
	return root;
}

static int sign(int x)
{
	return (x > 0) - (x < 0);
}

static int cmp_units(const uint16_t *a, size_t al, const uint16_t *b, size_t bl)
{
	size_t i;

	for (i = 0; i < al && i < bl; i++)
		if (a[i] != b[i])
			return a[i] < b[i] ? -1 : 1;
	return sign((int)(al > bl) - (int)(al < bl));
}

/* The rank of StringItem.comparableQualifier(): 0-6 for the known
 * qualifiers ("" and the release words are 5), 7 for any other word. */
static int qual_rank(const uint16_t *s, size_t n)
{
	static const char *const known[] = { "alpha", "beta", "milestone", "rc", "snapshot", "", "sp" };
	size_t i;

	if (units_eq(s, n, "ga") || units_eq(s, n, "final") || units_eq(s, n, "release"))
		return 5;
	for (i = 0; i < sizeof(known) / sizeof(known[0]); i++)
		if (units_eq(s, n, known[i]))
			return (int)i;
	return 7;
}

static int qual_cmp(const uint16_t *a, size_t al, const uint16_t *b, size_t bl)
{
	int ra = qual_rank(a, al), rb = qual_rank(b, bl);

	if (ra != rb)
		return ra < rb ? -1 : 1;
	return ra == 7 ? cmp_units(a, al, b, bl) : 0;
}

static int is_number(int t)
{
	return t == MV_INT || t == MV_LONG || t == MV_BIG;
}

static int num_rank(int t)
{
	return t == MV_INT ? 0 : t == MV_LONG ? 1 : 2;
}

static int item_cmp(const struct mv_version *va, int a, const struct mv_version *vb, int b);

/* StringItem.compareTo(null) */
static int string_vs_null(const uint16_t *s, size_t n)
{
	return sign(qual_rank(s, n) - 5);
}

static int list_vs_scalar(const struct mv_version *va, int a, const struct mv_version *vb, int b)
{
	const struct mv_item *l = &va->items[a];
	int r, i;

	if (!l->count)
		return -item_cmp(vb, b, NULL, -1);
	r = item_cmp(va, l->head, vb, b);
	for (i = va->items[l->head].next; r == 0 && i >= 0; i = va->items[i].next)
		r = item_cmp(va, i, NULL, -1);
	return r;
}

/* Item.compareTo(other), with b < 0 for null. */
static int item_cmp(const struct mv_version *va, int a, const struct mv_version *vb, int b)
{
	const struct mv_item *x = &va->items[a], *y = b >= 0 ? &vb->items[b] : NULL;
	int r, i, j;

	if (is_number(x->type)) {
		if (!y)
			return is_null(va, a) ? 0 : 1;
		if (!is_number(y->type))
			return 1;
		if (x->type != y->type)
			return num_rank(x->type) < num_rank(y->type) ? -1 : 1;
		if (x->len != y->len) /* no leading zeros: the longer is the larger */
			return x->len < y->len ? -1 : 1;
		return cmp_units(x->s, x->len, y->s, y->len);
	}
	switch (x->type) {
	case MV_STRING:
		if (!y)
			return string_vs_null(x->s, x->len);
		if (is_number(y->type))
			return -1;
		if (y->type == MV_STRING)
			return qual_cmp(x->s, x->len, y->s, y->len);
		if (y->type == MV_COMB) {
			r = qual_cmp(x->s, x->len, y->s, y->len);
			if (r == 0)
				return string_vs_null(x->s, x->len) == 0 ? -item_cmp(vb, y->digit, NULL, -1) : -1;
			return r;
		}
		return -item_cmp(vb, b, va, a); /* a list */
	case MV_COMB:
		if (!y) {
			r = string_vs_null(x->s, x->len);
			return r == 0 ? item_cmp(va, x->digit, NULL, -1) : r;
		}
		if (is_number(y->type))
			return -1;
		if (y->type == MV_STRING) {
			r = qual_cmp(x->s, x->len, y->s, y->len);
			if (r == 0)
				return string_vs_null(x->s, x->len) == 0 ? item_cmp(va, x->digit, NULL, -1) : 1;
			return r;
		}
		if (y->type == MV_LIST)
			return -item_cmp(vb, b, va, a);
		r = qual_cmp(x->s, x->len, y->s, y->len);
		return r == 0 ? item_cmp(va, x->digit, vb, y->digit) : r;
	default: /* MV_LIST */
		if (!y) {
			for (i = x->head; i >= 0; i = va->items[i].next)
				if ((r = item_cmp(va, i, NULL, -1)) != 0)
					return r;
			return 0;
		}
		if (is_number(y->type))
			return -1;
		if (y->type == MV_STRING || y->type == MV_COMB)
			return list_vs_scalar(va, a, vb, b);
		for (i = x->head, j = y->head; i >= 0 || j >= 0;) {
			if (i < 0)
				r = -item_cmp(vb, j, NULL, -1);
			else
				r = item_cmp(va, i, j >= 0 ? vb : NULL, j);
			if (r != 0)
				return r;
			if (i >= 0)
				i = va->items[i].next;
			if (j >= 0)
				j = vb->items[j].next;
		}
		return 0;
	}
}

int ver_maven_compare(const char *a, const char *b, int *result)
{
	struct mv_version *v = calloc(2, sizeof(*v));
	int ra, rb, rc = 0;

	if (!v)
		return err_set(ERR_NOMEM, "out of memory parsing a Maven version");
	if ((ra = mv_parse(&v[0], a)) < 0 || (rb = mv_parse(&v[1], b)) < 0) {
		rc = ra < 0 ? ra : rb;
		goto cleanup;
	}
	*result = sign(item_cmp(&v[0], ra, &v[1], rb));
cleanup:
	free(v);
	return rc;
}

int ver_maven_valid(const char *s)
{
	struct mv_version *v = calloc(1, sizeof(*v));
	int ok = v && mv_parse(v, s) >= 0;

	free(v);
	return ok;
}
