/*
 * cidr: IPv4 and IPv6 address ranges in CIDR notation.
 *
 * Ranges arrive from the engagement file (written by people, checked
 * strictly) and from cloud and cluster inventories (outside data, taken
 * leniently: host bits are cleared).  A range is kept as its network
 * address and prefix length; IPv4 lives in the first four bytes of addr.
 * IPv4 and IPv6 never overlap here, IPv4-mapped IPv6 (::ffff:0:0/96)
 * included: clouds and clusters give the two families apart.
 *
 * Two CIDR ranges are either disjoint or one contains the other, which is
 * what makes overlap a prefix comparison and lets a sorted list be swept.
 */
#ifndef VETTER_CIDR_H
#define VETTER_CIDR_H

#include <stddef.h>

#include "strbuf.h"

/* Longest text cidr_parse accepts ("ffff:…:255.255.255.255/128" is 49 bytes). */
#define CIDR_TEXT_MAX 64

struct cidr {
	unsigned char family;   /* 4 or 6 */
	unsigned char prefix;   /* 0..32 or 0..128 */
	unsigned char addr[16]; /* network address, most significant byte first; bits past prefix are 0 */
};

enum {
	CIDR_STRICT = 0x1, /* host bits set is an error (hand-written files), not cleared */
	CIDR_BARE = 0x2,   /* a bare address is accepted as a /32 or /128 */
};

/*
 * Parse "ADDR/PREFIX" from s[0..len).  No spaces, no leading zeros in the
 * prefix, dotted-quad IPv4 only (no octal or short forms).  ERR_PARSE with a
 * message quoting the text and saying what was expected; under CIDR_STRICT
 * the message for host bits names the network address meant.
 */
int cidr_parse(struct cidr *out, const char *s, size_t len, unsigned flags);
/* Shorthand for a NUL-terminated string. */
int cidr_parse_str(struct cidr *out, const char *s, unsigned flags);

/* Append the canonical text (RFC 5952 for IPv6). */
int cidr_format(struct strbuf *out, const struct cidr *c);

/* Address bits of the family: 32 or 128. */
unsigned cidr_bits(const struct cidr *c);
/* 1 when a and b share at least one address. */
int cidr_overlaps(const struct cidr *a, const struct cidr *b);
/* 1 when every address of inner is in outer (equal ranges contain each other). */
int cidr_contains(const struct cidr *outer, const struct cidr *inner);
/* 1 when equal. */
int cidr_equal(const struct cidr *a, const struct cidr *b);
/*
 * Order: family, then address, then shorter prefix first, so a range sorts
 * before the ranges it contains.  For qsort through a wrapper.
 */
int cidr_cmp(const struct cidr *a, const struct cidr *b);
/* The last address of c into last[16]. */
void cidr_last(const struct cidr *c, unsigned char last[16]);
/*
 * Addresses in c as a power of two: returns the exponent (bits - prefix);
 * 2^32 for 0.0.0.0/0, 2^128 for ::/0.
 */
unsigned cidr_size_log2(const struct cidr *c);

/*
 * Replace v[0..*n) by the fewest ranges covering exactly the same addresses
 * (contained ranges dropped, sibling halves joined), sorted.  *n shrinks.
 */
void cidr_aggregate(struct cidr *v, size_t *n);

#endif
