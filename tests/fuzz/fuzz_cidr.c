/*
 * libFuzzer: the CIDR parser (engagement networks, cloud and cluster inventories).
 * The input is lines of candidate ranges; what parses must format back to itself,
 * overlap symmetrically, and survive aggregation and the pair sweep.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/cidr.h"
#include "core/err.h"
#include "scoring/network.h"

#define MAX_RANGES 256

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cidr v[MAX_RANGES], back;
	int owner[MAX_RANGES];
	struct strbuf sb = STRBUF_INIT;
	struct network_pair *pairs = NULL;
	size_t n = 0, i, j, np = 0, start = 0, kept;
	unsigned flags;

	for (i = 0; i <= size && n < MAX_RANGES; i++) {
		if (i < size && data[i] != '\n')
			continue;
		flags = (unsigned)(i - start) % 4; /* vary the flags with the line */
		if (cidr_parse(&v[n], (const char *)data + start, i - start, flags) == 0) {
			strbuf_reset(&sb);
			if (cidr_format(&sb, &v[n]) < 0 || cidr_parse_str(&back, sb.buf, CIDR_STRICT) < 0 ||
			    !cidr_equal(&back, &v[n]))
				abort();
			owner[n] = (int)(data[start] % 3);
			n++;
		}
		start = i + 1;
	}
	for (i = 0; i < n; i++)
		for (j = 0; j < n && j < 32; j++) {
			if (cidr_overlaps(&v[i], &v[j]) != cidr_overlaps(&v[j], &v[i]))
				abort();
			if (cidr_contains(&v[i], &v[j]) && !cidr_overlaps(&v[i], &v[j]))
				abort();
		}
	if (network_overlaps(v, owner, n, 64, &pairs, &np) < 0)
		abort();
	for (i = 0; i < np; i++)
		if (!cidr_overlaps(&v[pairs[i].a], &v[pairs[i].b]) || owner[pairs[i].a] >= owner[pairs[i].b])
			abort();
	free(pairs);
	kept = n;
	cidr_aggregate(v, &kept);
	for (i = 0; i + 1 < kept; i++)
		if (cidr_overlaps(&v[i], &v[i + 1]))
			abort();
	strbuf_release(&sb);
	err_clear();
	return 0;
}
