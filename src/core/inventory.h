/*
 * inventory: what connectors write through.  A connector never writes SQL;
 * it records assets, edges, evidence and coverage gaps here, all attributed
 * to the company and source it is collecting.
 */
#ifndef VETTER_INVENTORY_H
#define VETTER_INVENTORY_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "engagement.h"
#include "evidence.h"
#include "store.h"

struct inventory {
	struct store *st;
	struct evidence *ev;
	const struct engagement *eng;
	const struct company *company;
	const struct source *src;
	int64_t gaps;     /* gaps recorded by this source */
	int64_t assets;   /* assets written by this source */
	int jobs;         /* parallel network work the connector may do (--jobs); 0 = its default */
};

/* Record (or replace) an asset; its document gains "source" and its evidence digests when given. */
int inventory_asset(struct inventory *inv, const char *kind, const char *key, const char *name, json_t *doc,
		    int64_t *id_out);
int inventory_edge(struct inventory *inv, int64_t from, int64_t to, const char *kind);
/* Keep bytes as evidence for this source; digest_out (65 bytes) may be NULL. */
int inventory_evidence(struct inventory *inv, const char *uri, const char *media_type, const void *data,
		       size_t len, char *digest_out);
int inventory_evidence_file(struct inventory *inv, const char *uri, const char *media_type, const char *path,
			    char *digest_out);
/*
 * Record a coverage gap: scope says what could not be assessed ("kubernetes
 * secrets", "image registry:x/y:1"), reason says why.  Gaps are findings of
 * kind "gap"; they are never silence and never failures of a check.
 */
int inventory_gap(struct inventory *inv, const char *scope, const char *reason);

/*
 * What the source covered, in numbers (repositories, tags, images selected
 * ...), for the report's coverage section: kept in the source's info as
 * "coverage"; a "summary" string member is printed as it is.
 */
int inventory_coverage(struct inventory *inv, const json_t *coverage);

/* The stage name under which a source's gaps are kept. */
int inventory_gap_stage(struct strbuf *out, const char *source_id);

#endif
