/*
 * ver_semver: node-semver's pieces shared by its version parser
 * (ver_semver.c) and its range desugaring (ver_semver_range.c).
 *
 * node-semver is a pipeline of regular expressions (internal/re.js) and
 * string rewrites; matching its answers means matching those expressions,
 * including their quantifier bounds (the "safe" variants: \d{1,256},
 * [a-zA-Z0-9-]{1,250}).  The matchers below do it by hand, greedily: each
 * returns where the pattern's first match (in the regex engine's order)
 * starting at i ends, or SV_NOMATCH.  Where a caller needs the pattern
 * anchored it checks that the end is the end of the string; the notes in
 * ver_semver.c say why greedy matching never has to backtrack for these
 * patterns.
 */
#ifndef VETTER_VER_SEMVER_H
#define VETTER_VER_SEMVER_H

#include <stddef.h>
#include <stdint.h>

#define SV_NOMATCH ((size_t)-1)
#define SV_MAX_LENGTH 256 /* MAX_LENGTH of a version */
#define SV_MAX_IDS (SV_MAX_LENGTH / 2 + 1)

/* Capture groups of a match: NULL when the group did not take part. */
struct sv_cap {
	const char *M, *m, *p, *pr;
	size_t Ml, ml, pl, prl;
};

/* One JS whitespace character (\s: ASCII blanks, NBSP, the Unicode spaces,
 * line separators, BOM) at s, UTF-8 encoded: its length in bytes, or 0. */
size_t sv_space_len(const char *s, size_t n);

/*
 * XRANGEPLAIN (loose: XRANGEPLAINLOOSE) at s[i]: the first match's end, or
 * with want_end != SV_NOMATCH the match that ends exactly there (the regex
 * anchored), if there is one.  Loose patterns need that: a prerelease
 * without its hyphen may take digits back from the patch number
 * ("3.0.773290.pre" is patch 77329, prerelease "0.pre").
 */
size_t sv_match_xrange(const char *s, size_t n, size_t i, int loose, struct sv_cap *cap, size_t want_end);
/* FULLPLAIN (loose: LOOSEPLAIN) at s[i], likewise. */
size_t sv_match_plain(const char *s, size_t n, size_t i, int loose, struct sv_cap *cap, size_t want_end);

/* A parsed version; ids point into the parsed string, which must outlive it. */
struct sv_id {
	const char *s;
	size_t len;
	int num;      /* a number below MAX_SAFE_INTEGER (node turns it into one) */
	int digits;   /* all digits (a number, or one too large to be one) */
	uint64_t val; /* when num */
};

struct sv {
	uint64_t major, minor, patch;
	size_t npre;
	struct sv_id pre[SV_MAX_IDS];
};

/* The options of a Range (its desugaring depends on both). */
struct sv_opts {
	int loose, incpr;
};

/* A piece of text split from another (pointer into it, length). */
struct sv_piece {
	const char *s;
	size_t n;
};

struct strbuf;

/*
 * Range rewrites, in the order parseRange applies them (ver_semver_desugar.c):
 * hyphenReplace ("1 - 2" -> ">=1.0.0 <3.0.0-0"; *matched 0 leaves out
 * untouched), then the blank trims after operators, '~' and '^', then per
 * blank-separated piece parseComparator (carets, tildes, x-ranges, stars).
 * Each appends to out.
 */
int sv_hyphen_replace(const struct sv_opts *o, const char *s, size_t n, struct strbuf *out, int *matched);
int sv_comparator_trim(const char *s, size_t n, struct strbuf *out);
int sv_lone_trim(const char *s, size_t n, char mark, struct strbuf *out);
int sv_parse_comparator(const struct sv_opts *o, const char *s, size_t n, struct strbuf *out);
/* JS split(' ') (runs = 0) or split(/\s+/) (runs = 1) over ASCII blanks; returns
 * the number of pieces, of which the first max are stored. */
size_t sv_split(const char *s, size_t n, int runs, struct sv_piece *out, size_t max);
/* Drop leading and trailing blanks. */
void sv_trim(const char **s, size_t *n);

/* new SemVer(s, {loose}): 0, or ERR_PARSE. */
int sv_parse(const char *s, size_t n, int loose, struct sv *out);
/* SemVer.compare: -1, 0 or 1. */
int sv_cmp(const struct sv *a, const struct sv *b);

#endif
