/*
 * consolidate: the consolidation plan and the post-merger integration
 * checklist (docs/consolidation.md).
 *
 * After the deal two estates become one.  From the store (assets, edges,
 * findings) and the engagement file (companies, networks, tool costs), the
 * plan says which tools overlap and which to keep, how the estates compare
 * (clouds, regions, Kubernetes versions, distributions, registries,
 * identity, logging, end of life), which address ranges conflict, which
 * third parties hold standing access, and in which order to integrate:
 * a checklist whose items are ready or blocked by named findings.
 *
 * The score stage calls consolidation_record() inside its transaction, after
 * its own results are stored (gates read each finding's risk.exposure when
 * the scores set it); the report stage puts consolidation_load()'s document
 * into findings.json as "consolidation" and writes checklist.md and
 * checklist.csv with consolidation_write_checklist().  The document depends
 * only on the store, the engagement file and the templates, never on the
 * clock, so the same inputs give the same bytes.
 */
#ifndef VETTER_CONSOLIDATE_H
#define VETTER_CONSOLIDATE_H

#include <jansson.h>

#include "core/engagement.h"
#include "core/runner.h"
#include "core/store.h"
#include "core/strbuf.h"

/* Store cache namespace and key of the recorded plan. */
#define CONSOLIDATION_CACHE_NS "consolidation"
#define CONSOLIDATION_CACHE_KEY "plan"

/*
 * Where templates/ is: $VETTER_TEMPLATES, else templates/ beside the
 * program (a checkout), two folders up (build/san/vetter),
 * ../share/vetter/templates (installed), else VETTER_DATADIR/templates; the
 * folder must hold consolidation/.  ERR_NOTFOUND when none does.
 */
int consolidation_templates_dir(struct strbuf *out);

/*
 * Check before a run starts what the engagement file cannot check alone:
 * the templates load (signatures, end-of-life table, checklist: a
 * dependency cycle is refused here with the cycle named) and every tool
 * named in consolidation.tool_costs is a known tool.  ERR_USAGE with the
 * message set.
 */
int consolidation_preflight(const struct engagement *eng);
/* The same with a given templates folder (tests). */
int consolidation_preflight_with(const struct engagement *eng, const char *templates);

/* The plan for the run's store; *out is the caller's. */
int consolidation_build(struct run_ctx *ctx, json_t **out);
/* The same with a given store and templates folder (tests, tools). */
int consolidation_build_with(const struct engagement *eng, struct store *st, const char *templates, json_t **out);

/* Build the plan and keep it in the store (cache CONSOLIDATION_CACHE_NS/KEY). */
int consolidation_record(struct run_ctx *ctx);
int consolidation_record_with(const struct engagement *eng, struct store *st, const char *templates);
/* The recorded plan; ERR_NOTFOUND when none was recorded.  *out is the caller's. */
int consolidation_load(struct store *st, json_t **out);

/*
 * Write checklist.md and checklist.csv into dir from a plan (the
 * "consolidation" member of findings.json), so the files agree with it.
 */
int consolidation_write_checklist(const json_t *plan, const char *dir);
/* The two texts without writing them (tests). */
int consolidation_checklist_md(const json_t *plan, struct strbuf *out);
int consolidation_checklist_csv(const json_t *plan, struct strbuf *out);

#endif
