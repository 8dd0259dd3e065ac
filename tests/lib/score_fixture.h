/*
 * score_fixture: the synthetic engagement of tests/scoring/ (engagement.yaml,
 * manual.yaml, store.json) loaded into a fresh store, and the same contents
 * as an in-memory scoring model for the property tests.
 *
 * store.json lists sources, assets (edges refer to them by position),
 * findings (each with its stage, company, kind, rule, asset [kind, key],
 * component, and any other members) and store cache entries.
 */
#ifndef VETTER_SCORE_FIXTURE_H
#define VETTER_SCORE_FIXTURE_H

#include <jansson.h>

#include "core/engagement.h"
#include "core/runner.h"
#include "core/store.h"

struct sf_env {
	char *dir;              /* temporary folder holding the engagement */
	struct engagement *eng;
	struct store *st;
	struct run_ctx ctx;
};

/* tests/scoring/store.json (the caller's). */
json_t *sf_spec(void);
/* A finding of the spec as the engines would write it (id computed); the caller's. */
json_t *sf_finding(const json_t *spec_finding);

/* Copy the engagement (with extra YAML appended to its scoring key when not NULL) and load spec. */
void sf_open(struct sf_env *e, const json_t *spec, const char *scoring_extra);
void sf_close(struct sf_env *e);

/* The spec as a scoring model document (scoring/model.h); the caller's. */
json_t *sf_model_doc(const json_t *spec);

#endif
