/*
 * CIDR ranges: parsing (strict and lenient), canonical text, and overlap,
 * containment, aggregation and the pair sweep checked against brute force on
 * random ranges (fixed seed): address by address in small universes, and by
 * interval arithmetic written independently of the module for wide ranges.
 */
#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/cidr.h"
#include "core/err.h"
#include "scoring/network.h"
#include "th.h"

static uint64_t rng_state;

static uint64_t rnd(void)
{
	/* xorshift64*: fixed seed, the same ranges on every run. */
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 2685821657736338717ULL;
}

static unsigned rnd_in(unsigned lo, unsigned hi)
{
	return lo + (unsigned)(rnd() % (hi - lo + 1));
}

/* ---- an independent model: IPv4 as uint32, IPv6 as two uint64 ---- */

struct iv6 {
	uint64_t hi, lo;
};

static uint32_t v4_of(const struct cidr *c)
{
	return (uint32_t)c->addr[0] << 24 | (uint32_t)c->addr[1] << 16 | (uint32_t)c->addr[2] << 8 | c->addr[3];
}

static struct iv6 v6_of(const struct cidr *c)
{
	struct iv6 r = { 0, 0 };
	int i;

	for (i = 0; i < 8; i++)
		r.hi = r.hi << 8 | c->addr[i];
	for (i = 8; i < 16; i++)
		r.lo = r.lo << 8 | c->addr[i];
	return r;
}

static void v4_interval(const struct cidr *c, uint64_t *s, uint64_t *e)
{
	uint64_t size = (uint64_t)1 << (32 - c->prefix);

	*s = v4_of(c) & ~(size - 1) & 0xffffffffULL;
	*e = *s + size - 1;
}

static int iv6_le(struct iv6 a, struct iv6 b)
{
	return a.hi < b.hi || (a.hi == b.hi && a.lo <= b.lo);
}

static void v6_interval(const struct cidr *c, struct iv6 *s, struct iv6 *e)
{
	struct iv6 a = v6_of(c);
	unsigned p = c->prefix;
	uint64_t mhi = p >= 64 ? ~0ULL : p == 0 ? 0 : ~0ULL << (64 - p);
	uint64_t mlo = p <= 64 ? 0 : p >= 128 ? ~0ULL : ~0ULL << (128 - p);

	s->hi = a.hi & mhi;
	s->lo = a.lo & mlo;
	e->hi = s->hi | ~mhi;
	e->lo = s->lo | ~mlo;
}

static int oracle_overlap(const struct cidr *a, const struct cidr *b)
{
	if (a->family != b->family)
		return 0;
	if (a->family == 4) {
		uint64_t s1, e1, s2, e2;

		v4_interval(a, &s1, &e1);
		v4_interval(b, &s2, &e2);
		return s1 <= e2 && s2 <= e1;
	} else {
		struct iv6 s1, e1, s2, e2;

		v6_interval(a, &s1, &e1);
		v6_interval(b, &s2, &e2);
		return iv6_le(s1, e2) && iv6_le(s2, e1);
	}
}

static int oracle_contains(const struct cidr *o, const struct cidr *i)
{
	if (o->family != i->family)
		return 0;
	if (o->family == 4) {
		uint64_t s1, e1, s2, e2;

		v4_interval(o, &s1, &e1);
		v4_interval(i, &s2, &e2);
		return s1 <= s2 && e2 <= e1;
	} else {
		struct iv6 s1, e1, s2, e2;

		v6_interval(o, &s1, &e1);
		v6_interval(i, &s2, &e2);
		return iv6_le(s1, s2) && iv6_le(e2, e1);
	}
}

/* A random range; small: inside 10.0.0.0/20 or 2001:db8::/116 (prefix 20..32, 116..128). */
static void random_cidr(struct cidr *c, int family, int small)
{
	char text[80];
	unsigned p;

	if (family == 4) {
		uint32_t a = small ? 0x0a000000u | (uint32_t)(rnd() & 0xfff) : (uint32_t)rnd();

		p = small ? rnd_in(20, 32) : rnd_in(0, 32);
		snprintf(text, sizeof(text), "%u.%u.%u.%u/%u", a >> 24, (a >> 16) & 255, (a >> 8) & 255, a & 255, p);
	} else {
		uint64_t hi = small ? 0x20010db800000000ULL : rnd(), lo = small ? (rnd() & 0xfff) : rnd();

		p = small ? rnd_in(116, 128) : rnd_in(0, 128);
		snprintf(text, sizeof(text), "%x:%x:%x:%x:%x:%x:%x:%x/%u", (unsigned)(hi >> 48), (unsigned)(hi >> 32) & 0xffff,
			 (unsigned)(hi >> 16) & 0xffff, (unsigned)hi & 0xffff, (unsigned)(lo >> 48),
			 (unsigned)(lo >> 32) & 0xffff, (unsigned)(lo >> 16) & 0xffff, (unsigned)lo & 0xffff, p);
	}
	ck_assert_msg(cidr_parse_str(c, text, 0) == 0, "%s: %s", text, err_last());
}

/* Address n (0..4095) of the small universe is in c: checked bit by bit from the model. */
static int small_member(const struct cidr *c, unsigned n)
{
	if (c->family == 4) {
		uint32_t a = 0x0a000000u | n, net = v4_of(c);
		uint32_t mask = c->prefix ? ~0u << (32 - c->prefix) : 0;

		return (a & mask) == (net & mask);
	} else {
		struct iv6 net = v6_of(c);
		uint64_t lo = n, mask = c->prefix >= 128 ? ~0ULL : ~0ULL << (128 - c->prefix);

		return net.hi == 0x20010db800000000ULL && (lo & mask) == (net.lo & mask);
	}
}

START_TEST(parse_and_format)
{
	static const struct {
		const char *in, *out;
		unsigned flags;
	} good[] = {
		{ "10.0.0.0/8", "10.0.0.0/8", CIDR_STRICT },
		{ "0.0.0.0/0", "0.0.0.0/0", CIDR_STRICT },
		{ "192.168.1.7/32", "192.168.1.7/32", CIDR_STRICT },
		{ "10.1.2.3/16", "10.1.0.0/16", 0 },
		{ "10.0.0.1", "10.0.0.1/32", CIDR_BARE },
		{ "2001:DB8::/32", "2001:db8::/32", CIDR_STRICT },
		{ "2001:0db8:0000:0000:0001:0000:0000:0000/80", "2001:db8:0:0:1::/80", CIDR_STRICT },
		{ "::/0", "::/0", CIDR_STRICT },
		{ "::ffff:10.0.0.0/104", "::ffff:10.0.0.0/104", CIDR_STRICT },
		{ "2001:db8::1/64", "2001:db8::/64", 0 },
		{ "fe80::1", "fe80::1/128", CIDR_BARE },
	};
	static const struct {
		const char *in, *needle;
		unsigned flags;
	} bad[] = {
		{ "10.1.2.3/16", "the range is 10.1.0.0/16", CIDR_STRICT },
		{ "2001:db8::1/64", "the range is 2001:db8::/64", CIDR_STRICT },
		{ "10.0.0.0", "prefix length is missing", 0 },
		{ "10.0.0.0/33", "at most /32", 0 },
		{ "2001:db8::/129", "at most /128", 0 },
		{ "10.0.0.0/08", "without leading zeros", 0 },
		{ "10.0.0.0/", "from 0 to 32", 0 },
		{ "010.0.0.0/8", "not an IPv4", 0 },
		{ "10.0.0/8", "not an IPv4", 0 },
		{ "256.0.0.0/8", "not an IPv4", 0 },
		{ " 10.0.0.0/8", "character 1 is not allowed", 0 },
		{ "fe80::1%eth0/64", "character 8 is not allowed", 0 },
		{ "10.0.0.0/8/8", "more than one '/'", 0 },
		{ "2001:db8:::/48", "not an IPv6", 0 },
		{ "", "empty", 0 },
		{ "1111:2222:3333:4444:5555:6666:7777:8888:9999:aaaa:bbbb:cccc:dddd/64", "at most 64 characters", 0 },
	};
	struct strbuf sb = STRBUF_INIT;
	struct cidr c;
	size_t i;

	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		ck_assert_msg(cidr_parse_str(&c, good[i].in, good[i].flags) == 0, "%s: %s", good[i].in, err_last());
		strbuf_reset(&sb);
		cidr_format(&sb, &c);
		ck_assert_str_eq(sb.buf, good[i].out);
	}
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		ck_assert_msg(cidr_parse_str(&c, bad[i].in, bad[i].flags) == ERR_PARSE, "'%s' accepted", bad[i].in);
		ck_assert_msg(strstr(err_last(), bad[i].needle), "'%s': message '%s' lacks '%s'", bad[i].in, err_last(),
			      bad[i].needle);
	}
	/* An embedded NUL ends nothing early: the length given is the text. */
	ck_assert_int_eq(cidr_parse(&c, "10.0.0.0/8\0junk", 15, 0), ERR_PARSE);
	strbuf_release(&sb);
}
END_TEST

START_TEST(round_trip_random)
{
	struct strbuf sb = STRBUF_INIT;
	struct cidr c, d;
	int i;

	rng_state = 0x5eed0001;
	for (i = 0; i < 4000; i++) {
		random_cidr(&c, i % 2 ? 6 : 4, 0);
		strbuf_reset(&sb);
		cidr_format(&sb, &c);
		ck_assert_msg(cidr_parse_str(&d, sb.buf, CIDR_STRICT) == 0, "%s: %s", sb.buf, err_last());
		ck_assert_msg(cidr_equal(&c, &d), "%s did not survive a round trip", sb.buf);
	}
	strbuf_release(&sb);
}
END_TEST

/* Every address of a small range, against membership in the other: the bluntest possible oracle. */
START_TEST(overlap_brute_force_small)
{
	struct cidr a, b;
	int i, fam, pairs = 0, overlapping = 0;

	rng_state = 0x5eed0002;
	for (fam = 4; fam <= 6; fam += 2) {
		for (i = 0; i < 3000; i++) {
			unsigned n;
			int brute = 0, brute_in = 1;

			random_cidr(&a, fam, 1);
			random_cidr(&b, fam, 1);
			for (n = 0; n < 4096; n++) {
				if (!small_member(&a, n))
					continue;
				if (small_member(&b, n))
					brute = 1;
				else
					brute_in = 0;
			}
			ck_assert_int_eq(cidr_overlaps(&a, &b), brute);
			ck_assert_int_eq(cidr_overlaps(&b, &a), brute);
			ck_assert_int_eq(cidr_contains(&b, &a), brute_in);
			pairs++;
			overlapping += brute;
		}
	}
	ck_assert_int_eq(pairs, 6000);
	/* The universe is small on purpose: many pairs overlap, many do not. */
	ck_assert_msg(overlapping > 1000 && overlapping < 5000, "%d of 6000 overlap", overlapping);
}
END_TEST

START_TEST(overlap_brute_force_wide)
{
	struct cidr a, b, nested;
	int i, fam, n = 0;

	rng_state = 0x5eed0003;
	for (fam = 4; fam <= 6; fam += 2) {
		for (i = 0; i < 5000; i++) {
			random_cidr(&a, fam, 0);
			random_cidr(&b, fam, 0);
			ck_assert_int_eq(cidr_overlaps(&a, &b), oracle_overlap(&a, &b));
			ck_assert_int_eq(cidr_contains(&a, &b), oracle_contains(&a, &b));
			/* A range inside a: shares a's bits, longer prefix. */
			nested = b;
			memcpy(nested.addr, a.addr, (a.prefix + 7) / 8);
			if (nested.prefix >= a.prefix) {
				unsigned k;

				for (k = 0; k < a.prefix; k++) {
					unsigned char m = (unsigned char)(0x80u >> (k % 8));

					nested.addr[k / 8] = (unsigned char)((nested.addr[k / 8] & ~m) | (a.addr[k / 8] & m));
				}
				for (k = nested.prefix; k < cidr_bits(&nested); k++)
					nested.addr[k / 8] &= (unsigned char)~(0x80u >> (k % 8));
				ck_assert(cidr_contains(&a, &nested));
				ck_assert(cidr_overlaps(&nested, &a));
				ck_assert_int_eq(oracle_overlap(&a, &nested), 1);
			}
			n++;
		}
	}
	/* IPv4 and IPv6 never overlap, not even ::ffff:0:0/96 and IPv4. */
	ck_assert_int_eq(cidr_parse_str(&a, "0.0.0.0/0", 0), 0);
	ck_assert_int_eq(cidr_parse_str(&b, "::ffff:0.0.0.0/96", 0), 0);
	ck_assert_int_eq(cidr_overlaps(&a, &b), 0);
	ck_assert_int_eq(n, 10000);
}
END_TEST

START_TEST(aggregate_keeps_exactly_the_addresses)
{
	struct cidr v[64], orig[64];
	size_t n, m, i, j;
	unsigned addr;
	int round, fam;

	rng_state = 0x5eed0004;
	for (round = 0; round < 400; round++) {
		fam = round % 2 ? 6 : 4;
		n = rnd_in(1, 40);
		for (i = 0; i < n; i++) {
			random_cidr(&v[i], fam, 1);
			/* Mostly long prefixes, so that siblings meet. */
			if (rnd() % 3 && v[i].prefix < cidr_bits(&v[i]) - 4) {
				struct strbuf sb = STRBUF_INIT;

				v[i].prefix = (unsigned char)(cidr_bits(&v[i]) - rnd_in(0, 4));
				cidr_format(&sb, &v[i]);
				cidr_parse_str(&v[i], sb.buf, 0);
				strbuf_release(&sb);
			}
			orig[i] = v[i];
		}
		m = n;
		cidr_aggregate(v, &m);
		for (addr = 0; addr < 4096; addr++) {
			int before = 0, after = 0;

			for (i = 0; i < n; i++)
				before |= small_member(&orig[i], addr);
			for (i = 0; i < m; i++)
				after |= small_member(&v[i], addr);
			ck_assert_msg(before == after, "round %d: address %u differs after aggregation", round, addr);
		}
		/* Fewest ranges: sorted, none inside another, no two halves of one range left. */
		for (i = 0; i + 1 < m; i++)
			ck_assert_int_lt(cidr_cmp(&v[i], &v[i + 1]), 0);
		for (i = 0; i < m; i++)
			for (j = 0; j < m; j++) {
				struct cidr pa = v[i], pb = v[j];

				if (i == j)
					continue;
				ck_assert(!cidr_overlaps(&v[i], &v[j]));
				if (pa.prefix == pb.prefix && pa.prefix > 0) {
					struct strbuf sa = STRBUF_INIT, sb2 = STRBUF_INIT;

					pa.prefix--;
					pb.prefix--;
					cidr_format(&sa, &pa);
					cidr_format(&sb2, &pb);
					cidr_parse_str(&pa, sa.buf, 0);
					cidr_parse_str(&pb, sb2.buf, 0);
					ck_assert_msg(!cidr_equal(&pa, &pb), "round %d: %s and its sibling were not joined",
						      round, sa.buf);
					strbuf_release(&sa);
					strbuf_release(&sb2);
				}
			}
	}
}
END_TEST

static int cmp_pair(const void *x, const void *y)
{
	const struct network_pair *p = x, *q = y;

	if (p->a != q->a)
		return p->a < q->a ? -1 : 1;
	return p->b < q->b ? -1 : p->b > q->b;
}

/* The sweep finds exactly the pairs the O(n²) oracle finds, in the promised order. */
START_TEST(pairs_against_all_pairs)
{
	struct cidr v[300];
	int owner[300];
	struct network_pair *got = NULL, *want;
	size_t n, np, nw, i, j;
	long long count, total_pairs = 0, total_checked = 0;
	int round;

	rng_state = 0x5eed0005;
	want = calloc(300 * 300, sizeof(*want));
	for (round = 0; round < 40; round++) {
		n = rnd_in(50, 300);
		for (i = 0; i < n; i++) {
			/* Mostly small universes (many overlaps), some wide, both families, a few duplicates. */
			if (i > 0 && rnd() % 10 == 0)
				v[i] = v[rnd() % i];
			else
				random_cidr(&v[i], rnd() % 3 ? 4 : 6, rnd() % 4 != 0);
			owner[i] = (int)(rnd() % 3);
		}
		nw = 0;
		for (i = 0; i < n; i++)
			for (j = i + 1; j < n; j++) {
				total_checked++;
				if (owner[i] == owner[j] || !oracle_overlap(&v[i], &v[j]))
					continue;
				want[nw].a = owner[i] < owner[j] ? i : j;
				want[nw].b = owner[i] < owner[j] ? j : i;
				nw++;
			}
		count = network_overlaps(v, owner, n, (size_t)-1, &got, &np);
		ck_assert_int_eq(count, (long long)nw);
		ck_assert_uint_eq(np, nw);
		/* Ordered by owner of a, then a's sorted position, then owner of b, then b's. */
		for (i = 0; i + 1 < np; i++) {
			const struct network_pair *p = &got[i], *q = &got[i + 1];

			ck_assert_int_le(owner[p->a], owner[q->a]);
			if (owner[p->a] == owner[q->a] && p->a != q->a)
				ck_assert_int_le(cidr_cmp(&v[p->a], &v[q->a]), 0);
			ck_assert_int_lt(owner[p->a], owner[p->b]);
		}
		qsort(got, np, sizeof(*got), cmp_pair);
		qsort(want, nw, sizeof(*want), cmp_pair);
		for (i = 0; i < nw; i++)
			ck_assert_msg(got[i].a == want[i].a && got[i].b == want[i].b, "round %d: pair %zu differs", round, i);
		free(got);
		/* A cap keeps that many and still counts them all. */
		count = network_overlaps(v, owner, n, 7, &got, &np);
		ck_assert_int_eq(count, (long long)nw);
		ck_assert_uint_eq(np, nw < 7 ? nw : 7);
		free(got);
		total_pairs += (long long)nw;
	}
	ck_assert_int_gt(total_checked, 100000);
	ck_assert_int_gt(total_pairs, 10000);
	free(want);
}
END_TEST

Suite *cidr_suite(void)
{
	Suite *s = suite_create("cidr");
	TCase *tc = tcase_create("cidr");

	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, parse_and_format);
	tcase_add_test(tc, round_trip_random);
	tcase_add_test(tc, overlap_brute_force_small);
	tcase_add_test(tc, overlap_brute_force_wide);
	tcase_add_test(tc, aggregate_keeps_exactly_the_addresses);
	tcase_add_test(tc, pairs_against_all_pairs);
	suite_add_tcase(s, tc);
	return s;
}
