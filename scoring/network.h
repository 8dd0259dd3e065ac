/*
 * network: overlapping address ranges between companies.
 *
 * CIDR ranges are laminar (two are disjoint or nested), so after sorting
 * (family, address, shorter prefix first) every range that overlaps a later
 * one contains it and is still "open" when the later one starts.  One sweep
 * with a stack of open ranges finds every overlapping pair in
 * O(n log n + pairs), however many ranges two estates hold.
 */
#ifndef VETTER_NETWORK_H
#define VETTER_NETWORK_H

#include <stddef.h>

#include "core/cidr.h"

struct network_pair {
	size_t a, b; /* indices into the caller's ranges: owner[a] < owner[b] */
};

/*
 * Every pair (i, j) of ranges v[0..n) that overlap and whose owners differ,
 * as indices into v with owner[a] < owner[b] (ranges of one owner never
 * pair).  Pairs are ordered by owner[a], then by a's position in sorted
 * order, then owner[b] and b's position.  At most max pairs are stored in
 * *pairs (the caller's, free()); the return value is the count of all of
 * them, or a negative error.
 */
long long network_overlaps(const struct cidr *v, const int *owner, size_t n, size_t max, struct network_pair **pairs,
			   size_t *npairs);

#endif
