/*
 * The assess stage: configuration checks and the consultant's manual findings.
 */
#ifndef VETTER_ASSESS_STAGE_H
#define VETTER_ASSESS_STAGE_H

#include "core/runner.h"

int assess_stage(struct run_ctx *ctx);

#endif
