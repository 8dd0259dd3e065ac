/*
 * connector: one module per source type behind one interface.
 *
 * A connector only reads.  It writes what it finds through the inventory
 * (assets, edges, evidence, gaps) and never touches SQL.  collect() returns 0
 * when the source was collected, even if parts of it were gaps (each
 * recorded with inventory_gap); a negative return means the source as a
 * whole could not be collected, and the collect stage records it as a gap
 * with the error's message and goes on with the other sources.
 */
#ifndef VETTER_CONNECTOR_H
#define VETTER_CONNECTOR_H

#include <stddef.h>

#include "core/engagement.h"
#include "core/inventory.h"
#include "core/runner.h"

struct connector {
	struct source_type_info info;
	int (*collect)(struct inventory *inv);
};

const struct connector *connector_find(const char *type);
/* For engagement_load(): the type's description, or NULL when unknown. */
const struct source_type_info *connector_type_info(const char *type);
/*
 * What a source's type adds to its info (the sources table the report reads)
 * from its inputs alone, before anything is collected: a kubeconfig that
 * turns TLS verification off sets "tls_verify": false and says why in
 * "tls_notes".  Deterministic, so a resumed run records the same.
 */
int connector_source_info(const struct engagement *eng, const struct source *src, json_t *info);
/* Iterate all connectors: NULL after the last. */
const struct connector *connector_at(size_t i);

/* The collect stage: every source of the engagement, each in its own transaction. */
int collect_stage(struct run_ctx *ctx);

#endif
