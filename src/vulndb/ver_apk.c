/*
 * ver_apk: Alpine version ordering as apk-tools v3 (src/version.c):
 *
 *   digit{.digit}...{letter}{_suffix{#}}...{~hash}{-r#}
 *
 * A version is read as a sequence of typed tokens; two versions compare
 * token by token while the types agree, and where they stop agreeing the
 * type order decides (a pre-release suffix makes a version older, anything
 * else more makes it newer).  Invalid versions are not refused: apk compares
 * the tokens it could read and lets the invalid token decide, so do we
 * ("1.0" < "1.0bc" is one of upstream's vectors).
 *
 * One deliberate difference: apk keeps numbers in a uint64_t that wraps past
 * 2^64; we compare digit runs as the numbers they write, whatever their
 * length.  Below 2^64 the two agree.
 */
#include <string.h>

#include "core/err.h"
#include "version.h"

enum apk_token {
	TOKEN_INITIAL_DIGIT,
	TOKEN_DIGIT,
	TOKEN_LETTER,
	TOKEN_SUFFIX,
	TOKEN_SUFFIX_NO,
	TOKEN_COMMIT_HASH,
	TOKEN_REVISION_NO,
	TOKEN_END,
	TOKEN_INVALID,
};

/* Suffix order; NONE is the pivot between pre- and post-release suffixes. */
enum apk_suffix {
	SUFFIX_INVALID,
	SUFFIX_ALPHA,
	SUFFIX_BETA,
	SUFFIX_PRE,
	SUFFIX_RC,
	SUFFIX_NONE,
	SUFFIX_CVS,
	SUFFIX_SVN,
	SUFFIX_GIT,
	SUFFIX_HG,
	SUFFIX_P,
};

/* apk's result bits (apk_version.h). */
#define APK_EQUAL 1
#define APK_LESS 2
#define APK_GREATER 4
#define APK_FUZZY 8
#define APK_ANY (APK_EQUAL | APK_LESS | APK_GREATER)

struct tok {
	enum apk_token token;
	enum apk_suffix suffix;
	const char *value;
	size_t len;
};

struct cursor {
	const char *p;
	size_t n;
};

static int is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static int is_lower(char c)
{
	return c >= 'a' && c <= 'z';
}

static int is_hex(char c)
{
	return is_digit(c) || (c >= 'a' && c <= 'f');
}

static enum apk_suffix suffix_value(const char *s, size_t n)
{
	static const struct {
		const char *name;
		enum apk_suffix value;
	} names[] = {
		{ "alpha", SUFFIX_ALPHA }, { "beta", SUFFIX_BETA }, { "pre", SUFFIX_PRE }, { "rc", SUFFIX_RC },
		{ "cvs", SUFFIX_CVS },     { "svn", SUFFIX_SVN },   { "git", SUFFIX_GIT }, { "hg", SUFFIX_HG },
		{ "p", SUFFIX_P },
	};
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strlen(names[i].name) == n && !memcmp(names[i].name, s, n))
			return names[i].value;
	return SUFFIX_INVALID;
}

static void parse_digits(struct tok *t, struct cursor *c)
{
	t->value = c->p;
	t->len = 0;
	while (c->n && is_digit(*c->p))
		c->p++, c->n--, t->len++;
	if (!t->len)
		t->token = TOKEN_INVALID;
}

static void token_first(struct tok *t, struct cursor *c)
{
	t->token = TOKEN_INITIAL_DIGIT;
	parse_digits(t, c);
}

static void token_next(struct tok *t, struct cursor *c)
{
	char ch;

	if (!c->n) {
		t->token = TOKEN_END;
		return;
	}
	ch = *c->p;
	if (is_lower(ch)) {
		if (t->token > TOKEN_DIGIT)
			goto invalid;
		t->value = c->p;
		t->len = 1;
		t->token = TOKEN_LETTER;
		c->p++, c->n--;
		return;
	}
	if (ch == '.' || is_digit(ch)) {
		if (ch == '.') {
			if (t->token > TOKEN_DIGIT)
				goto invalid;
			c->p++, c->n--;
		}
		if (t->token == TOKEN_INITIAL_DIGIT || t->token == TOKEN_DIGIT)
			t->token = TOKEN_DIGIT;
		else if (t->token == TOKEN_SUFFIX)
			t->token = TOKEN_SUFFIX_NO;
		else
			goto invalid;
		parse_digits(t, c);
		return;
	}
	if (ch == '_') {
		if (t->token > TOKEN_SUFFIX_NO)
			goto invalid;
		c->p++, c->n--;
		t->value = c->p;
		t->len = 0;
		while (c->n && is_lower(*c->p))
			c->p++, c->n--, t->len++;
		t->suffix = suffix_value(t->value, t->len);
		if (t->suffix == SUFFIX_INVALID)
			goto invalid;
		t->token = TOKEN_SUFFIX;
		return;
	}
	if (ch == '~') {
		if (t->token >= TOKEN_COMMIT_HASH)
			goto invalid;
		c->p++, c->n--;
		t->value = c->p;
		t->len = 0;
		while (c->n && is_hex(*c->p))
			c->p++, c->n--, t->len++;
		if (!t->len)
			goto invalid;
		t->token = TOKEN_COMMIT_HASH;
		return;
	}
	if (ch == '-') {
		if (t->token >= TOKEN_REVISION_NO || c->n < 2 || c->p[1] != 'r')
			goto invalid;
		c->p += 2, c->n -= 2;
		t->token = TOKEN_REVISION_NO;
		parse_digits(t, c);
		return;
	}
invalid:
	t->token = TOKEN_INVALID;
}

static int blob_sort(const struct tok *a, const struct tok *b)
{
	size_t n = a->len < b->len ? a->len : b->len;
	int c = n ? memcmp(a->value, b->value, n) : 0;

	if (c)
		return c < 0 ? APK_LESS : APK_GREATER;
	if (a->len != b->len)
		return a->len < b->len ? APK_LESS : APK_GREATER;
	return APK_EQUAL;
}

static int token_cmp(const struct tok *a, const struct tok *b)
{
	int c;

	switch (a->token) {
	case TOKEN_DIGIT:
		/* A leading zero makes it a string comparison, as in Gentoo's spec. */
		if (a->value[0] == '0' || b->value[0] == '0')
			return blob_sort(a, b);
		/* fall through */
	case TOKEN_INITIAL_DIGIT:
	case TOKEN_SUFFIX_NO:
	case TOKEN_REVISION_NO:
		c = ver_cmp_digits(a->value, a->len, b->value, b->len);
		break;
	case TOKEN_LETTER:
		c = (a->value[0] > b->value[0]) - (a->value[0] < b->value[0]);
		break;
	case TOKEN_SUFFIX:
		c = (a->suffix > b->suffix) - (a->suffix < b->suffix);
		break;
	default:
		return blob_sort(a, b);
	}
	return c < 0 ? APK_LESS : c > 0 ? APK_GREATER : APK_EQUAL;
}

static int compare_fuzzy(const char *a, const char *b, int fuzzy)
{
	struct cursor ca = { a, strlen(a) }, cb = { b, strlen(b) };
	struct tok ta = { 0 }, tb = { 0 };

	for (token_first(&ta, &ca), token_first(&tb, &cb); ta.token == tb.token && ta.token < TOKEN_END;
	     token_next(&ta, &ca), token_next(&tb, &cb)) {
		int r = token_cmp(&ta, &tb);

		if (r != APK_EQUAL)
			return r;
	}
	if (ta.token == tb.token)
		return APK_EQUAL;
	if (tb.token == TOKEN_END && fuzzy)
		return APK_EQUAL;
	/* Equal so far: the longer one is newer unless it goes on with a pre-release suffix. */
	if (ta.token == TOKEN_SUFFIX && ta.suffix < SUFFIX_NONE)
		return APK_LESS;
	if (tb.token == TOKEN_SUFFIX && tb.suffix < SUFFIX_NONE)
		return APK_GREATER;
	if (ta.token > tb.token)
		return APK_LESS;
	if (tb.token > ta.token)
		return APK_GREATER;
	return APK_EQUAL;
}

int ver_apk_compare(const char *a, const char *b, int *result)
{
	int r = compare_fuzzy(a, b, 0);

	*result = r == APK_LESS ? -1 : r == APK_GREATER ? 1 : 0;
	return 0;
}

int ver_apk_valid(const char *v)
{
	struct cursor c = { v, strlen(v) };
	struct tok t = { 0 };

	for (token_first(&t, &c); t.token < TOKEN_END; token_next(&t, &c))
		;
	return t.token == TOKEN_END;
}

int apk_fuzzy_match(const char *a, const char *op, const char *b, int *result)
{
	int mask = 0, invert = 0, ok;
	const char *p = op;

	if (*p == '!')
		invert = 1, p++;
	if (!*p)
		return err_set(ERR_PARSE, "apk operator '%s' has no relation", op);
	for (; *p; p++) {
		switch (*p) {
		case '<':
			mask |= APK_LESS;
			break;
		case '>':
			mask |= APK_GREATER;
			break;
		case '=':
			mask |= APK_EQUAL;
			break;
		case '~':
			mask |= APK_FUZZY | APK_EQUAL;
			break;
		default:
			return err_set(ERR_PARSE, "apk operator '%.8s' is not made of <, >, = and ~", op);
		}
	}
	if (strnlen(a, VER_MAX_LEN + 1) > VER_MAX_LEN || strnlen(b, VER_MAX_LEN + 1) > VER_MAX_LEN)
		return err_set(ERR_PARSE, "apk version longer than %d bytes", VER_MAX_LEN);
	ok = (mask & APK_ANY) == APK_ANY || (compare_fuzzy(a, b, mask & APK_FUZZY) & mask);
	*result = invert ? !ok : !!ok;
	return 0;
}
