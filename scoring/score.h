/*
 * score: the whole scoring computation over a model (scoring/model.h) with
 * parameters (scoring/config.h), as documented in docs/scoring.md.
 *
 * score_compute() annotates every counted finding of the model with its
 * `risk` member (and removes a stale one from findings no longer counted)
 * and returns the scores document that findings.json carries as "scores".
 * It reads no clock and iterates nothing in hash order: the same model and
 * parameters give byte-identical output.
 */
#ifndef VETTER_SCORE_H
#define VETTER_SCORE_H

#include <jansson.h>

#include "config.h"
#include "model.h"

int score_compute(struct sc_model *m, const struct score_config *cfg, json_t **out);

#endif
