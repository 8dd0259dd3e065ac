/*
 * eol_findings: images and clusters on platforms past their support, as
 * findings of kind "end-of-life" recorded by the score stage before it
 * computes (docs/scoring.md, "End-of-life findings").
 */
#ifndef VETTER_EOL_FINDINGS_H
#define VETTER_EOL_FINDINGS_H

#include "core/runner.h"

/* The stage name these findings are stored under (cleared and rewritten on every run). */
#define EOL_FINDINGS_STAGE "score"

/* Inside the caller's transaction: clear and record the findings from the end-of-life table. */
int eol_findings_record(struct run_ctx *ctx);

#endif
