/*
 * The score stage: overrides applied, each finding's risk, and the scores
 * (ratings with coverage, issues, remediation, loss, deal view) that the
 * report reads; docs/scoring.md.  Then the consolidation plan and
 * integration checklist (consolidate.h, docs/consolidation.md), in the same
 * transaction.
 */
#ifndef VETTER_SCORE_STAGE_H
#define VETTER_SCORE_STAGE_H

#include "core/runner.h"

int score_stage(struct run_ctx *ctx);

/* The summary of a company as the score stage stored it; *out is the caller's. */
int score_summary(struct store *st, const char *company, json_t **out);
/* The scores document as the score stage stored it (ERR_NOTFOUND before it ran); *out is the caller's. */
int score_scores(struct store *st, json_t **out);

#endif
