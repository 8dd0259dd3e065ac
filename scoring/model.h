/*
 * model: everything the score stage reads, in memory and indexed.
 *
 * The inputs are first gathered into one JSON document, so the computation
 * is the same whether they come from the store (model_load) or from a test
 * or fuzz input (model_build):
 *
 *   { "companies": [{id, name, role, tags}],
 *     "sources":   [{id, company, type, status, error, tags}],
 *     "assets":    [{id, company, kind, key, name, doc}],
 *     "edges":     [{from, to, kind}]            (asset ids)
 *     "findings":  [finding, ...]                 (docs/findings.md)
 *     "results":   {company: [rule result, ...]} (the assess stage's, optional) }
 *
 * model_build() tolerates malformed members (they are skipped), bounds every
 * count, and indexes assets by (company, kind, key) and edges both ways.
 * The graph facts scoring needs (exposure, whether an image runs, asset
 * criticality) are computed by graph_analyse() into the asset records.
 */
#ifndef VETTER_SCORE_MODEL_H
#define VETTER_SCORE_MODEL_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "config.h"
#include "core/engagement.h"
#include "core/store.h"

#define MODEL_MAX_ASSETS 2000000
#define MODEL_MAX_EDGES 8000000
#define MODEL_MAX_FINDINGS 4000000

struct sc_company {
	const char *id, *name, *role; /* borrowed from the model document */
	const json_t *tags;
	int has_runtime;              /* the company has clusters, workloads or pods */
};

struct sc_source {
	const char *id, *company, *type, *status, *error;
	const json_t *tags;
};

struct sc_asset {
	int64_t id;
	const char *company, *kind, *key, *name;
	const char *source;             /* the source that wrote it, or NULL */
	const json_t *doc;
	int company_idx;                /* -1 when the company is not in the engagement */
	/* graph_analyse() */
	int exposure;                   /* enum ssvc_exposure, or -1 when the graph cannot tell */
	int running;                    /* 1 yes, 0 no, -1 unknown (images only; -1 otherwise) */
	int crit;                       /* enum score_crit */
	char *exposure_basis, *crit_basis;
};

struct sc_edge {
	size_t from, to; /* asset indexes */
	const char *kind;
};

struct sc_model {
	json_t *root;
	struct sc_company *co;
	size_t nco;
	struct sc_source *src;
	size_t nsrc;
	struct sc_asset *as;  /* sorted by company, kind, key */
	size_t nas;
	struct sc_edge *ed;
	size_t ned;
	size_t *out_start, *out_edge; /* edges by from: out_edge[out_start[i] .. out_start[i+1]) */
	size_t *in_start, *in_edge;   /* edges by to */
	json_t *findings;             /* borrowed from root, ordered by id */
};

/* Gather the inputs from the store and the engagement into a model; *out is the caller's. */
int model_load(struct sc_model **out, struct store *st, const struct engagement *eng);
/* Index a model document (stolen, even on failure); *out is the caller's. */
int model_build(struct sc_model **out, json_t *root);
void model_free(struct sc_model *m);

/* Index of the asset (company, kind, key), or -1. */
long model_find(const struct sc_model *m, const char *company, const char *kind, const char *key);
/* Index of a company, or -1. */
int model_company(const struct sc_model *m, const char *id);
const struct sc_source *model_source(const struct sc_model *m, const char *id);

/* Exposure, running and criticality of every asset (docs/scoring.md). */
int graph_analyse(struct sc_model *m, const struct score_config *cfg);

/*
 * Criticality of something that is not an asset of the store (a manual
 * finding's own asset, the company): rules matched against company, kind,
 * key and name, then company tags, then the default.  basis is set.
 */
int graph_criticality_of(const struct sc_model *m, const struct score_config *cfg, int company_idx,
			 const char *kind, const char *key, const char *name, struct strbuf *basis);

#endif
