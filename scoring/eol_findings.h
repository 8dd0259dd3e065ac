/*
 * The findings the score stage records itself before it computes, under
 * the stage name "score" (cleared first by the stage):
 * eol_findings.c    images and clusters on platforms past their support
 *                   (kind "end-of-life"; docs/scoring.md, "End-of-life findings");
 * threat_findings.c GuardDuty findings the AWS connector collected (kind
 *                   "threat"; docs/scoring.md, "Threat findings").
 */
#ifndef VETTER_EOL_FINDINGS_H
#define VETTER_EOL_FINDINGS_H

#include <jansson.h>

#include "core/runner.h"

/* The stage name these findings are stored under (cleared and rewritten on every run). */
#define EOL_FINDINGS_STAGE "score"

/*
 * Inside the caller's transaction, after clearing the stage's findings.
 * summary (an object) gets per company {image_age, end_of_life, max_image_age_days}:
 * each {images, judged, findings: [image keys], not_judged: [{key, name, reason}]}.
 */
int eol_findings_record(struct run_ctx *ctx, long max_image_age_days, json_t *summary);
int threat_findings_record(struct run_ctx *ctx);

#endif
