/*
 * store: the engagement store, one SQLite file per engagement.
 *
 * All SQL of the engagement lives in this module.  The file is created 0600,
 * runs in WAL mode with foreign keys on, and carries a schema version that
 * store_open() migrates forward.  One thread writes; bulk writes go inside
 * store_begin()/store_commit() so that a killed run leaves either all of a
 * unit of work or none of it.
 *
 * Documents (assets, findings) are stored as canonical JSON beside the
 * columns that are queried.  Iteration callbacks borrow what they are given.
 */
#ifndef VETTER_STORE_H
#define VETTER_STORE_H

#include <stdint.h>

#include <jansson.h>

#include "strbuf.h"

struct store;

int store_open(struct store **out, const char *path);
void store_close(struct store *st);

/* Transactions nest; only the outermost begin/commit reach SQLite. */
int store_begin(struct store *st);
int store_commit(struct store *st);
void store_rollback(struct store *st);

/* Key/value facts about the run (schema version, engagement digest, ...). */
int store_meta_get(struct store *st, const char *key, struct strbuf *out); /* ERR_NOTFOUND when absent */
int store_meta_set(struct store *st, const char *key, const char *value);

int store_company_put(struct store *st, const char *id, const char *name, const char *role);

/* Sources: status is pending, running, done or failed. */
int store_source_put(struct store *st, const char *id, const char *company, const char *type, int live,
		     const char *info_json);
int store_source_set_status(struct store *st, const char *id, const char *status, const char *error);
int store_source_status(struct store *st, const char *id, struct strbuf *status); /* ERR_NOTFOUND */
/* Rows: id, company, type, live, status, error, info (JSON text) */
typedef int (*store_source_cb)(void *ctx, const char *id, const char *company, const char *type, int live,
			       const char *status, const char *error, const char *info_json);
int store_source_foreach(struct store *st, store_source_cb cb, void *ctx);
/* Set info.coverage (a JSON object: what a connector counted).  store_source_put keeps it; store_source_clear drops it. */
int store_source_set_coverage(struct store *st, const char *id, const char *coverage_json);

/* Evidence manifest (the evidence module computes the chain). */
struct store_evidence_row {
	int64_t seq;
	const char *source, *uri, *kind, *digest, *media_type, *recorded_at, *prev, *hash;
	int64_t size;
};
int store_evidence_append(struct store *st, const struct store_evidence_row *row);
/* The newest row's hash and seq; hash empty and seq 0 when the manifest is empty. */
int store_evidence_last(struct store *st, struct strbuf *hash, int64_t *seq);
typedef int (*store_evidence_cb)(void *ctx, const struct store_evidence_row *row);
int store_evidence_foreach(struct store *st, store_evidence_cb cb, void *ctx);
/* 1 when digest was recorded (for source and uri when they are not NULL), 0 when not. */
int store_evidence_has(struct store *st, const char *source, const char *uri, const char *digest);

/* Assets: unique by (company, kind, key); put replaces the document. */
int store_asset_put(struct store *st, const char *company, const char *source, const char *kind, const char *key,
		    const char *name, const json_t *doc, int64_t *id_out);
int store_asset_find(struct store *st, const char *company, const char *kind, const char *key, int64_t *id_out);
struct store_asset {
	int64_t id;
	const char *company, *source, *kind, *key, *name;
	json_t *doc; /* borrowed for the call */
};
typedef int (*store_asset_cb)(void *ctx, const struct store_asset *a);
/* kind and company may be NULL (any); ordered by company, kind, key. */
int store_asset_foreach(struct store *st, const char *company, const char *kind, store_asset_cb cb, void *ctx);
int store_asset_get(struct store *st, int64_t id, store_asset_cb cb, void *ctx);
/* Remove the assets (and so the edges) and the coverage counts a source wrote, before it is collected again.
 * The evidence manifest is append-only and keeps its rows. */
int store_source_clear(struct store *st, const char *source);

int store_edge_put(struct store *st, int64_t from, int64_t to, const char *kind);
typedef int (*store_edge_cb)(void *ctx, int64_t from, int64_t to, const char *kind);
/* from or to may be 0 (any); kind may be NULL. */
int store_edge_foreach(struct store *st, int64_t from, int64_t to, const char *kind, store_edge_cb cb, void *ctx);

/* Findings: the document carries everything; columns are for queries. */
int store_finding_put(struct store *st, const char *stage, const json_t *finding);
int store_findings_clear(struct store *st, const char *stage);
/* Replace the document (and status) of an existing finding, keeping its stage. */
int store_finding_update(struct store *st, const char *id, const json_t *finding);
typedef int (*store_finding_cb)(void *ctx, json_t *finding);
/*
 * Ordered by id; company may be NULL.  A finding merged into another (its
 * document has "merged_into", set by the score stage's merge of imported
 * findings with vetter's own, scoring/merge.h) is not a finding of its own
 * and is skipped; store_finding_foreach_all gives every row.
 */
int store_finding_foreach(struct store *st, const char *company, store_finding_cb cb, void *ctx);
int store_finding_foreach_all(struct store *st, const char *company, store_finding_cb cb, void *ctx);
int store_finding_count(struct store *st, const char *stage, int64_t *count);

/* Stage progress: pending, running, done. */
int store_stage_get(struct store *st, const char *stage, struct strbuf *status);
int store_stage_set(struct store *st, const char *stage, const char *status);
int store_stages_reset(struct store *st);

/* A cache of derived results (per layer, per image) keyed by namespace and key. */
int store_cache_get(struct store *st, const char *ns, const char *key, struct strbuf *out); /* ERR_NOTFOUND */
int store_cache_put(struct store *st, const char *ns, const char *key, const void *data, size_t len);

#endif
