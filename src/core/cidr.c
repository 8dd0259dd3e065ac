#include "cidr.h"

#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"

unsigned cidr_bits(const struct cidr *c)
{
	return c->family == 4 ? 32 : 128;
}

static void clear_host_bits(unsigned char *addr, unsigned prefix, unsigned bits)
{
	unsigned i;

	for (i = prefix; i < bits; i++)
		addr[i / 8] &= (unsigned char)~(0x80u >> (i % 8));
}

static int has_host_bits(const unsigned char *addr, unsigned prefix, unsigned bits)
{
	unsigned i;

	for (i = prefix; i < bits; i++)
		if (addr[i / 8] & (0x80u >> (i % 8)))
			return 1;
	return 0;
}

int cidr_parse(struct cidr *out, const char *s, size_t len, unsigned flags)
{
	char text[CIDR_TEXT_MAX + 1], addr[CIDR_TEXT_MAX + 1];
	const char *slash;
	unsigned prefix = 0, bits;
	size_t i, alen;
	int is6;
	struct cidr c;

	memset(&c, 0, sizeof(c));
	if (!len)
		return err_set(ERR_PARSE, "an empty string is not a CIDR range (expected ADDRESS/PREFIX such as 10.0.0.0/16)");
	if (len > CIDR_TEXT_MAX)
		return err_set(ERR_PARSE, "a CIDR range is at most %d characters; this one has %zu", CIDR_TEXT_MAX, len);
	for (i = 0; i < len; i++) {
		char ch = s[i];

		/* Only these characters can appear; anything else is not echoed back (it may not be text). */
		if (!((ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'f') || (ch >= 'A' && ch <= 'F') || ch == '.' ||
		      ch == ':' || ch == '/'))
			return err_set(ERR_PARSE,
				       "not a CIDR range: character %zu is not allowed (expected ADDRESS/PREFIX "
				       "such as 10.0.0.0/16 or 2001:db8::/32)",
				       i + 1);
	}
	memcpy(text, s, len);
	text[len] = 0;
	slash = memchr(text, '/', len);
	if (slash && memchr(slash + 1, '/', len - (size_t)(slash - text) - 1))
		return err_set(ERR_PARSE, "'%s' is not a CIDR range: more than one '/'", text);
	alen = slash ? (size_t)(slash - text) : len;
	memcpy(addr, text, alen);
	addr[alen] = 0;
	is6 = memchr(addr, ':', alen) != NULL;
	c.family = is6 ? 6 : 4;
	bits = is6 ? 128 : 32;
	if (inet_pton(is6 ? AF_INET6 : AF_INET, addr, c.addr) != 1)
		return err_set(ERR_PARSE, "'%s' is not a CIDR range: '%s' is not an %s address", text, addr,
			       is6 ? "IPv6" : "IPv4 (dotted quad)");
	if (!slash) {
		if (!(flags & CIDR_BARE))
			return err_set(ERR_PARSE, "'%s' is not a CIDR range: the prefix length is missing (expected %s/%u "
					     "for one address, or ADDRESS/PREFIX)",
				       text, addr, bits);
		prefix = bits;
	} else {
		const char *p = slash + 1;

		if (!*p || strlen(p) > 3 || (p[0] == '0' && p[1]))
			return err_set(ERR_PARSE, "'%s' is not a CIDR range: the prefix length must be a number from 0 to %u "
					     "without leading zeros",
				       text, bits);
		for (; *p; p++) {
			if (*p < '0' || *p > '9')
				return err_set(ERR_PARSE, "'%s' is not a CIDR range: the prefix length must be a number "
						     "from 0 to %u",
					       text, bits);
			prefix = prefix * 10 + (unsigned)(*p - '0');
		}
		if (prefix > bits)
			return err_set(ERR_PARSE, "'%s' is not a CIDR range: an %s prefix is at most /%u", text,
				       is6 ? "IPv6" : "IPv4", bits);
	}
	c.prefix = (unsigned char)prefix;
	if (has_host_bits(c.addr, prefix, bits)) {
		if (flags & CIDR_STRICT) {
			struct strbuf meant = STRBUF_INIT;
			int rc;

			clear_host_bits(c.addr, prefix, bits);
			cidr_format(&meant, &c);
			rc = err_set(ERR_PARSE, "'%s' has host bits set after the /%u prefix: the range is %s", text,
				     prefix, meant.buf);
			strbuf_release(&meant);
			return rc;
		}
		clear_host_bits(c.addr, prefix, bits);
	}
	*out = c;
	return 0;
}

int cidr_parse_str(struct cidr *out, const char *s, unsigned flags)
{
	if (!s)
		return err_set(ERR_PARSE, "no CIDR range given");
	return cidr_parse(out, s, strnlen(s, CIDR_TEXT_MAX + 1), flags);
}

int cidr_format(struct strbuf *out, const struct cidr *c)
{
	char buf[INET6_ADDRSTRLEN];

	if (!inet_ntop(c->family == 4 ? AF_INET : AF_INET6, c->addr, buf, sizeof(buf)))
		return err_set(ERR_INVALID, "cannot format an address");
	return strbuf_addf(out, "%s/%u", buf, (unsigned)c->prefix);
}

/* 1 when the first n bits of a and b agree. */
static int same_bits(const unsigned char *a, const unsigned char *b, unsigned n)
{
	unsigned full = n / 8, rest = n % 8;

	if (memcmp(a, b, full))
		return 0;
	if (rest) {
		unsigned char mask = (unsigned char)(0xffu << (8 - rest));

		return (a[full] & mask) == (b[full] & mask);
	}
	return 1;
}

int cidr_overlaps(const struct cidr *a, const struct cidr *b)
{
	if (a->family != b->family)
		return 0;
	return same_bits(a->addr, b->addr, a->prefix < b->prefix ? a->prefix : b->prefix);
}

int cidr_contains(const struct cidr *outer, const struct cidr *inner)
{
	return outer->family == inner->family && outer->prefix <= inner->prefix &&
	       same_bits(outer->addr, inner->addr, outer->prefix);
}

int cidr_equal(const struct cidr *a, const struct cidr *b)
{
	return a->family == b->family && a->prefix == b->prefix && !memcmp(a->addr, b->addr, 16);
}

int cidr_cmp(const struct cidr *a, const struct cidr *b)
{
	int d;

	if (a->family != b->family)
		return a->family < b->family ? -1 : 1;
	if ((d = memcmp(a->addr, b->addr, 16)))
		return d < 0 ? -1 : 1;
	if (a->prefix != b->prefix)
		return a->prefix < b->prefix ? -1 : 1;
	return 0;
}

void cidr_last(const struct cidr *c, unsigned char last[16])
{
	unsigned i, bits = cidr_bits(c);

	memcpy(last, c->addr, 16);
	for (i = c->prefix; i < bits; i++)
		last[i / 8] |= (unsigned char)(0x80u >> (i % 8));
}

unsigned cidr_size_log2(const struct cidr *c)
{
	return cidr_bits(c) - c->prefix;
}

static int cmp_qsort(const void *a, const void *b)
{
	return cidr_cmp(a, b);
}

/* 1 when a and b are the two halves of one range one bit shorter, a the lower. */
static int siblings(const struct cidr *a, const struct cidr *b)
{
	unsigned bit;

	if (a->family != b->family || a->prefix != b->prefix || a->prefix == 0)
		return 0;
	bit = a->prefix - 1u;
	if (!same_bits(a->addr, b->addr, bit))
		return 0;
	return !(a->addr[bit / 8] & (0x80u >> (bit % 8))) && (b->addr[bit / 8] & (0x80u >> (bit % 8)));
}

void cidr_aggregate(struct cidr *v, size_t *n)
{
	size_t i, top = 0;

	if (*n < 2)
		return;
	qsort(v, *n, sizeof(*v), cmp_qsort);
	/* v[0..top) is the result so far, used as a stack; sorted input means a
	 * range's sibling, if present, is the one just below it. */
	for (i = 0; i < *n; i++) {
		struct cidr cur = v[i];

		if (top && cidr_contains(&v[top - 1], &cur))
			continue;
		while (top && siblings(&v[top - 1], &cur)) {
			cur = v[top - 1];
			cur.prefix--;
			clear_host_bits(cur.addr, cur.prefix, cidr_bits(&cur));
			top--;
		}
		v[top++] = cur;
	}
	*n = top;
}
