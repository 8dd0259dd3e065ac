/*
 * The scan stage: reads every collected image and records what is in it.
 */
#ifndef VETTER_SCAN_STAGE_H
#define VETTER_SCAN_STAGE_H

#include "core/runner.h"

int scan_stage(struct run_ctx *ctx);

#endif
