/*
 * The score stage: overrides applied, then per-company summaries that the
 * report reads.
 */
#ifndef VETTER_SCORE_STAGE_H
#define VETTER_SCORE_STAGE_H

#include "core/runner.h"

int score_stage(struct run_ctx *ctx);

/* The summary of a company as the score stage stored it; *out is the caller's. */
int score_summary(struct store *st, const char *company, json_t **out);

#endif
