/*
 * ver_semver_range: node-semver 7's Range (classes/range.js), step for step.
 *
 * A range is rewritten as text before it is parsed, and its oddities come
 * from that text: "1.2.3 - 2" becomes ">=1.2.3 <3.0.0-0", "~1.2" becomes
 * ">=1.2.0 <1.3.0-0", "^0.0.3" becomes ">=0.0.3 <0.0.4-0", a space after an
 * operator is removed ("> 1.2" -> ">1.2"), "~> 1" loses its ">", a caret or
 * tilde or x-range that does not parse stays as it is and fails (or, when
 * loose, is dropped) later.  So the text is rewritten the same way, with
 * the same matchers (ver_semver.h; the rewrites are ver_semver_desugar.c),
 * and only then are comparators built:
 *
 *   raw = trim(range) with each whitespace run made one space
 *   for each part of raw split at "||":
 *     strip +build; hyphen range; operator, tilde and caret trims;
 *     split at ' ', desugar ^ ~ x * per piece, split again, ">=0.0.0" -> "";
 *     (loose: drop what is not a comparator); parse each comparator
 *
 * Then Range.test: some set all of whose comparators hold, with node's rule
 * for prereleases.
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

#define ADDN(s, n) strbuf_add(out, (s), (n))

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
	struct sv_opts o;
};

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
	if (sv_match_plain(s, n, v0, check_only || r->o.loose, &cap, n) != n) {
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
	if ((rc = sv_parse(s + v0, n - v0, r->o.loose, tmp)) < 0)
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
	struct sv_piece *p = NULL;
	struct sv *tmp = NULL;
	size_t np, i, k;
	int rc, matched;

	strbuf_init(&a, RANGE_TEXT_LIMIT);
	strbuf_init(&b, RANGE_TEXT_LIMIT);
	set->c = NULL;
	set->n = 0;
	sv_trim(&s, &n);
	if ((rc = strip_builds(s, n, &a)) < 0 || (rc = sv_hyphen_replace(&r->o, a.buf, a.len, &b, &matched)) < 0)
		goto cleanup;
	if (matched) {
		strbuf_reset(&a);
		if ((rc = strbuf_add(&a, b.buf, b.len)) < 0)
			goto cleanup;
	}
	strbuf_reset(&b);
	if ((rc = sv_comparator_trim(a.buf, a.len, &b)) < 0)
		goto cleanup;
	strbuf_reset(&a);
	if ((rc = sv_lone_trim(b.buf, b.len, '~', &a)) < 0)
		goto cleanup;
	strbuf_reset(&b);
	if ((rc = sv_lone_trim(a.buf, a.len, '^', &b)) < 0)
		goto cleanup;
	/* split(' '), parseComparator each, join(' ') */
	if (!(p = malloc((b.len + 2) * sizeof(*p)))) {
		rc = err_set(ERR_NOMEM, "out of memory parsing a range");
		goto cleanup;
	}
	strbuf_reset(&a);
	np = sv_split(b.buf, b.len, 0, p, b.len + 2);
	for (i = 0; i < np; i++)
		if ((i && (rc = strbuf_addch(&a, ' ')) < 0) || (rc = sv_parse_comparator(&r->o, p[i].s, p[i].n, &a)) < 0)
			goto cleanup;
	/* split(/\s+/), ">=0.0.0" is any, (loose: drop non-comparators), new Comparator each */
	free(p);
	if (!(p = malloc((a.len + 2) * sizeof(*p))) || !(tmp = malloc(sizeof(*tmp))) ||
	    !(set->c = calloc(a.len + 2, sizeof(*set->c)))) {
		rc = err_set(ERR_NOMEM, "out of memory parsing a range");
		goto cleanup;
	}
	np = sv_split(a.buf, a.len, 1, p, a.len + 2);
	/* every comparator is built (and may fail) before the null set is looked for */
	for (i = 0; i < np; i++) {
		const char *ps = p[i].s;
		size_t pn = p[i].n;

		sv_trim(&ps, &pn);
		if ((pn == 7 && !memcmp(ps, ">=0.0.0", 7) && !r->o.incpr) ||
		    (pn == 9 && !memcmp(ps, ">=0.0.0-0", 9) && r->o.incpr))
			pn = 0;
		if (r->o.loose && !comparator_parse(r, ps, pn, NULL, 1, tmp))
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
			if (sv_parse(c->text, strlen(c->text), r->o.loose, tmp) < 0)
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
		if (v->npre && !r->o.incpr) {
			ok = 0;
			for (k = 0; !ok && k < set->n; k++) {
				const struct comparator *c = &set->c[k];

				if (c->op == OP_ANY || sv_parse(c->text, strlen(c->text), r->o.loose, tmp) < 0)
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
	struct range r = { NULL, 0, { !!(flags & VER_LOOSE), !!(flags & VER_INCLUDE_PRERELEASE) } };
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
	if ((rc = sv_parse(version, strlen(version), r.o.loose, &v[0])) < 0)
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
