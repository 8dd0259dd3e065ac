/*
 * ver_pep440: Python package versions (PEP 440) as pypa/packaging's Version:
 *
 *   [N!]N(.N)*[{a|b|rc}N][.postN][.devN][+local]
 *
 * with the spellings packaging accepts and normalises (any case, "alpha",
 * "beta", "c", "pre", "preview", "rev", "r", "-N" as a post release, '-', '_'
 * or '.' as separators, implicit 0 numbers, a leading "v", surrounding
 * whitespace).  The parser follows packaging's VERSION_PATTERN regex; its
 * optional parts are greedy and never need to give anything back, so one
 * left-to-right pass decides.  Numbers are compared as digit strings, as
 * Python's integers have no size limit.
 *
 * Ordering is packaging's _cmpkey: epoch, release without trailing zeros,
 * then pre-release (a dev release without pre or post sorts before every
 * pre-release), post, dev, and local segments (numbers above strings).
 * Only ASCII letters are accepted; Python's regex would also take a few
 * non-ASCII case-folds (the Kelvin sign for 'k' and so on), which no real
 * version uses.
 */
#include <stdlib.h>
#include <string.h>

#include "core/err.h"
#include "core/strbuf.h"
#include "version.h"

/* Enough segments for any version of VER_MAX_LEN bytes ("1.1.1..."). */
#define PEP440_MAX_RELEASE (VER_MAX_LEN / 2 + 1)
#define PEP440_MAX_LOCAL (VER_MAX_LEN / 2 + 1)

struct num {
	const char *p; /* digits with leading zeros stripped; "0" when none */
	size_t len;
};

struct pep440 {
	struct num epoch;
	struct num release[PEP440_MAX_RELEASE];
	size_t nrelease;
	int has_pre, has_post, has_dev;
	char pre_l; /* 'a', 'b' or 'r' (rc) */
	struct num pre, post, dev;
	struct {
		const char *p;
		size_t len;
		int numeric;
	} local[PEP440_MAX_LOCAL];
	size_t nlocal;
	int has_local;
};

static int is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static int is_alnum(char c)
{
	return is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static int is_sep(char c)
{
	return c == '-' || c == '_' || c == '.';
}

/* Python's str whitespace, ASCII part (\s in a str pattern). */
static int is_space(char c)
{
	return c == ' ' || (c >= '\t' && c <= '\r') || (c >= 0x1c && c <= 0x1f);
}

static char lower(char c)
{
	return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

/* Case-insensitive match of word at s; returns its length or 0. */
static size_t match_word(const char *s, const char *word)
{
	size_t i;

	for (i = 0; word[i]; i++)
		if (lower(s[i]) != word[i])
			return 0;
	return i;
}

static size_t digits(const char *s, struct num *n)
{
	size_t i = 0;

	while (is_digit(s[i]))
		i++;
	if (n && i) {
		size_t z = 0;

		while (z + 1 < i && s[z] == '0')
			z++;
		n->p = s + z;
		n->len = i - z;
	}
	return i;
}

static const struct num zero = { "0", 1 };

/* [-_.]?(label)[-_.]?(N)? for one of labels; returns chars used or 0. */
static size_t match_labelled(const char *s, const char *const *labels, size_t *which, struct num *n)
{
	size_t i = 0, k, w;

	if (is_sep(s[i]))
		i++;
	for (k = 0; labels[k]; k++)
		if ((w = match_word(s + i, labels[k])))
			break;
	if (!labels[k])
		return 0;
	*which = k;
	i += w;
	*n = zero;
	if (is_sep(s[i]) && is_digit(s[i + 1]))
		i++;
	else if (is_sep(s[i]))
		return i + 1; /* the trailing separator is taken even without a number */
	i += digits(s + i, n);
	return i;
}

static int pep440_parse(const char *v, struct pep440 *p)
{
	static const char *const pre_labels[] = { "alpha", "a", "beta", "b", "preview", "pre", "c", "rc", NULL };
	static const char pre_norm[] = { 'a', 'a', 'b', 'b', 'r', 'r', 'r', 'r' };
	static const char *const post_labels[] = { "post", "rev", "r", NULL };
	static const char *const dev_labels[] = { "dev", NULL };
	const char *s = v;
	struct num n = { 0 };
	size_t k, used;
	char q[96];

	memset(p, 0, sizeof(*p));
	p->epoch = zero;
	while (is_space(*s))
		s++;
	if (lower(*s) == 'v')
		s++;
	/* epoch: N! */
	used = digits(s, &n);
	if (used && s[used] == '!') {
		p->epoch = n;
		s += used + 1;
	}
	/* release: N(.N)* */
	for (;;) {
		if (!(used = digits(s, &n)))
			break;
		if (p->nrelease == PEP440_MAX_RELEASE)
			return err_set(ERR_PARSE, "PEP 440 version %s has more than %d release numbers",
				       ver_quote(q, sizeof(q), v), PEP440_MAX_RELEASE);
		p->release[p->nrelease++] = n;
		s += used;
		if (!(s[0] == '.' && is_digit(s[1])))
			break;
		s++;
	}
	if (!p->nrelease)
		goto invalid;
	if ((used = match_labelled(s, pre_labels, &k, &p->pre))) {
		p->has_pre = 1;
		p->pre_l = pre_norm[k];
		s += used;
	}
	/* post: -N, or [-_.]?(post|rev|r)[-_.]?N? */
	if (s[0] == '-' && is_digit(s[1])) {
		p->has_post = 1;
		s += 1 + digits(s + 1, &p->post);
	} else if ((used = match_labelled(s, post_labels, &k, &p->post))) {
		p->has_post = 1;
		s += used;
	}
	if ((used = match_labelled(s, dev_labels, &k, &p->dev))) {
		p->has_dev = 1;
		s += used;
	}
	/* local: +[a-z0-9]+([-_.][a-z0-9]+)* */
	if (*s == '+') {
		p->has_local = 1;
		s++;
		for (;;) {
			const char *start = s;

			while (is_alnum(*s))
				s++;
			if (s == start)
				goto invalid;
			if (p->nlocal == PEP440_MAX_LOCAL)
				return err_set(ERR_PARSE, "PEP 440 version %s has more than %d local segments",
					       ver_quote(q, sizeof(q), v), PEP440_MAX_LOCAL);
			p->local[p->nlocal].p = start;
			p->local[p->nlocal].len = (size_t)(s - start);
			p->local[p->nlocal].numeric = digits(start, NULL) == (size_t)(s - start);
			if (p->local[p->nlocal].numeric) {
				digits(start, &n);
				p->local[p->nlocal].p = n.p;
				p->local[p->nlocal].len = n.len;
			}
			p->nlocal++;
			if (!(is_sep(s[0]) && is_alnum(s[1])))
				break;
			s++;
		}
	}
	while (is_space(*s))
		s++;
	if (*s)
		goto invalid;
	return 0;
invalid:
	return err_set(ERR_PARSE, "%s is not a PEP 440 version", ver_quote(q, sizeof(q), v));
}

static int num_cmp(const struct num *a, const struct num *b)
{
	return ver_cmp_digits(a->p, a->len, b->p, b->len);
}

static int is_zero(const struct num *n)
{
	return n->len == 1 && n->p[0] == '0';
}

/* packaging's _cmpkey, field by field. */
static int pep440_cmp(const struct pep440 *a, const struct pep440 *b)
{
	size_t na = a->nrelease, nb = b->nrelease, i;
	int c, ka, kb;

	if ((c = num_cmp(&a->epoch, &b->epoch)))
		return c;
	while (na > 0 && is_zero(&a->release[na - 1]))
		na--;
	while (nb > 0 && is_zero(&b->release[nb - 1]))
		nb--;
	for (i = 0; i < na && i < nb; i++)
		if ((c = num_cmp(&a->release[i], &b->release[i])))
			return c;
	if (na != nb)
		return na < nb ? -1 : 1;
	/* pre: a dev-only release is -inf, no pre is +inf, else (label, number) */
	ka = a->has_pre ? 1 : (!a->has_post && a->has_dev) ? 0 : 2;
	kb = b->has_pre ? 1 : (!b->has_post && b->has_dev) ? 0 : 2;
	if (ka != kb)
		return ka < kb ? -1 : 1;
	if (ka == 1) {
		if (a->pre_l != b->pre_l)
			return a->pre_l < b->pre_l ? -1 : 1;
		if ((c = num_cmp(&a->pre, &b->pre)))
			return c;
	}
	/* post: none is -inf */
	if (a->has_post != b->has_post)
		return a->has_post ? 1 : -1;
	if (a->has_post && (c = num_cmp(&a->post, &b->post)))
		return c;
	/* dev: none is +inf */
	if (a->has_dev != b->has_dev)
		return a->has_dev ? -1 : 1;
	if (a->has_dev && (c = num_cmp(&a->dev, &b->dev)))
		return c;
	/* local: none is -inf; segments: numbers above strings, then a longer tuple wins */
	if (a->has_local != b->has_local)
		return a->has_local ? 1 : -1;
	for (i = 0; i < a->nlocal && i < b->nlocal; i++) {
		const char *sa = a->local[i].p, *sb = b->local[i].p;
		size_t la = a->local[i].len, lb = b->local[i].len, j;

		if (a->local[i].numeric != b->local[i].numeric)
			return a->local[i].numeric ? 1 : -1;
		if (a->local[i].numeric) {
			if ((c = ver_cmp_digits(sa, la, sb, lb)))
				return c;
			continue;
		}
		for (j = 0; j < la && j < lb; j++)
			if (lower(sa[j]) != lower(sb[j]))
				return lower(sa[j]) < lower(sb[j]) ? -1 : 1;
		if (la != lb)
			return la < lb ? -1 : 1;
	}
	if (a->nlocal != b->nlocal)
		return a->nlocal < b->nlocal ? -1 : 1;
	return 0;
}

/* The parsed form is ~20 KiB: kept off the stack of whatever thread asks. */
static struct pep440 *pep440_alloc(size_t n)
{
	struct pep440 *p = calloc(n, sizeof(*p));

	if (!p)
		err_set(ERR_NOMEM, "out of memory parsing a PEP 440 version");
	return p;
}

int ver_pep440_compare(const char *a, const char *b, int *result)
{
	struct pep440 *p = pep440_alloc(2);
	int rc;

	if (!p)
		return ERR_NOMEM;
	if ((rc = pep440_parse(a, &p[0])) < 0 || (rc = pep440_parse(b, &p[1])) < 0)
		goto cleanup;
	*result = pep440_cmp(&p[0], &p[1]);
cleanup:
	free(p);
	return rc;
}

int ver_pep440_valid(const char *v)
{
	struct pep440 *p = pep440_alloc(1);
	int ok = p && pep440_parse(v, p) == 0;

	free(p);
	return ok;
}

int pep440_normalize(const char *v, struct strbuf *out)
{
	struct pep440 *p = NULL;
	size_t i, j;
	int rc;

	if (strnlen(v, VER_MAX_LEN + 1) > VER_MAX_LEN)
		return err_set(ERR_PARSE, "PEP 440 version longer than %d bytes", VER_MAX_LEN);
	if (!(p = pep440_alloc(1)))
		return ERR_NOMEM;
	if ((rc = pep440_parse(v, p)) < 0)
		goto cleanup;
	if (!is_zero(&p->epoch) && (rc = strbuf_addf(out, "%.*s!", (int)p->epoch.len, p->epoch.p)) < 0)
		goto cleanup;
	for (i = 0; i < p->nrelease; i++)
		if ((rc = strbuf_addf(out, "%s%.*s", i ? "." : "", (int)p->release[i].len, p->release[i].p)) < 0)
			goto cleanup;
	if (p->has_pre && (rc = strbuf_addf(out, "%s%.*s", p->pre_l == 'a' ? "a" : p->pre_l == 'b' ? "b" : "rc",
					    (int)p->pre.len, p->pre.p)) < 0)
		goto cleanup;
	if (p->has_post && (rc = strbuf_addf(out, ".post%.*s", (int)p->post.len, p->post.p)) < 0)
		goto cleanup;
	if (p->has_dev && (rc = strbuf_addf(out, ".dev%.*s", (int)p->dev.len, p->dev.p)) < 0)
		goto cleanup;
	for (i = 0; i < p->nlocal; i++) {
		if ((rc = strbuf_addch(out, i ? '.' : '+')) < 0)
			goto cleanup;
		for (j = 0; j < p->local[i].len; j++)
			if ((rc = strbuf_addch(out, lower(p->local[i].p[j]))) < 0)
				goto cleanup;
	}
cleanup:
	free(p);
	return rc;
}
