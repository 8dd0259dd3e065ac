/* network_overlaps(): every overlapping pair of ranges between owners, in one sweep (network.h). */
#include "network.h"

#include <stdlib.h>

#include "core/err.h"

static const struct cidr *sort_v;

static int cmp_idx(const void *a, const void *b)
{
	size_t x = *(const size_t *)a, y = *(const size_t *)b;
	int c = cidr_cmp(&sort_v[x], &sort_v[y]);

	return c ? c : (x < y ? -1 : x > y);
}

struct pair_order {
	const int *owner;
	const size_t *rank;
};
static struct pair_order pair_ord;

static int cmp_pair(const void *a, const void *b)
{
	const struct network_pair *p = a, *q = b;

	if (pair_ord.owner[p->a] != pair_ord.owner[q->a])
		return pair_ord.owner[p->a] < pair_ord.owner[q->a] ? -1 : 1;
	if (pair_ord.rank[p->a] != pair_ord.rank[q->a])
		return pair_ord.rank[p->a] < pair_ord.rank[q->a] ? -1 : 1;
	if (pair_ord.owner[p->b] != pair_ord.owner[q->b])
		return pair_ord.owner[p->b] < pair_ord.owner[q->b] ? -1 : 1;
	if (pair_ord.rank[p->b] != pair_ord.rank[q->b])
		return pair_ord.rank[p->b] < pair_ord.rank[q->b] ? -1 : 1;
	return 0;
}

long long network_overlaps(const struct cidr *v, const int *owner, size_t n, size_t max, struct network_pair **pairs,
			   size_t *npairs)
{
	size_t *idx = calloc(n + 1, sizeof(size_t)), *rank = calloc(n + 1, sizeof(size_t));
	size_t *stack = calloc(n + 1, sizeof(size_t)), top = 0, k, s, stored = 0, cap = 0;
	struct network_pair *out = NULL;
	long long count = 0;

	*pairs = NULL;
	*npairs = 0;
	if (!idx || !rank || !stack) {
		count = err_set(ERR_NOMEM, "out of memory");
		goto cleanup;
	}
	for (k = 0; k < n; k++)
		idx[k] = k;
	/* qsort has no context argument in C17; the sweep runs on one thread at a time. */
	sort_v = v;
	qsort(idx, n, sizeof(size_t), cmp_idx);
	for (k = 0; k < n; k++)
		rank[idx[k]] = k;
	for (k = 0; k < n; k++) {
		size_t r = idx[k];

		/* The stack is a chain, each range containing the next: pop what does not contain r. */
		while (top && !cidr_contains(&v[stack[top - 1]], &v[r]))
			top--;
		for (s = 0; s < top; s++) {
			size_t o = stack[s];

			if (owner[o] == owner[r])
				continue;
			count++;
			if (stored == max)
				continue;
			if (stored == cap) {
				size_t nc = cap ? cap * 2 : 64;
				struct network_pair *p;

				if (nc > max)
					nc = max;
				if (!(p = realloc(out, nc * sizeof(*p)))) {
					count = err_set(ERR_NOMEM, "out of memory");
					goto cleanup;
				}
				out = p;
				cap = nc;
			}
			out[stored].a = owner[o] < owner[r] ? o : r;
			out[stored].b = owner[o] < owner[r] ? r : o;
			stored++;
		}
		stack[top++] = r;
	}
	pair_ord.owner = owner;
	pair_ord.rank = rank;
	if (stored)
		qsort(out, stored, sizeof(*out), cmp_pair);
	*pairs = out;
	*npairs = stored;
	out = NULL;
cleanup:
	free(out);
	free(idx);
	free(rank);
	free(stack);
	return count;
}
