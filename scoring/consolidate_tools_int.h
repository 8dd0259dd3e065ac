/*
 * consolidate_tools_int: what the tool inventory (consolidate_tools.c) and
 * the per-category recommendations (consolidate_recommend.c) share.
 */
#ifndef VETTER_CONSOLIDATE_TOOLS_INT_H
#define VETTER_CONSOLIDATE_TOOLS_INT_H

#include <jansson.h>

#include "consolidate_int.h"
#include "tools.h"

/* What one company shows of one tool. */
struct hit {
	int seen;
	json_t *evidence;   /* [{signal, pattern, value, asset}] capped */
	long long nevidence;
	json_t *clusters, *accounts, *images, *workloads, *namespaces; /* sets: object key -> true */
	json_t *assets;     /* "kind\037key" -> true: what findings count against */
	long long sev[6];   /* open findings by severity rank */
};

struct units {
	json_t *clusters, *accounts, *images; /* sets, keys "CO\037..." */
};

struct tctx {
	const struct cons_input *in;
	const struct tool_sigs *sigs;
	struct hit *hits;   /* [company * ntools + tool] */
	size_t ntools;
	struct units *units; /* per company */
	/* the observation being matched */
	int co;
	const struct cons_asset *asset;
	const char *value;
	const char *cluster;
	const json_t *clusters;
	const char *account;
	const char *image_unit;
	json_t *nsmap;      /* "CO\037cluster\037ns" -> [tool indices] */
};

/* The category's row of the matrix, with its recommendation, appended to matrix; saving gains its figures. */
int cons_tools_category_row(struct tctx *t, size_t cat, json_t *matrix, json_t *saving);

#endif
