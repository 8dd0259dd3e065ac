/*
 * runner: runs the stages of an engagement in order, resumably.
 *
 * Each stage records its status in the store (pending, running, done).  A
 * rerun skips stages that are done, and a stage found "running" (the last
 * run was killed inside it) is run again from its start; every stage clears
 * what it wrote before writing, inside transactions, so a rerun ends with
 * the same result as an uninterrupted run.  Running a stage again with
 * --only or --from marks every later stage pending, since its inputs changed.
 */
#ifndef VETTER_RUNNER_H
#define VETTER_RUNNER_H

#include <stddef.h>
#include <stdint.h>

#include "engagement.h"
#include "evidence.h"
#include "store.h"

struct run_ctx {
	const struct engagement *eng;
	struct store *st;
	struct evidence *ev;
	const char *out_dir;    /* where the report stage writes */
	const char *vulndb;     /* advisory database path, may be NULL */
	const char *redact;     /* NULL or "clean-team" */
	int jobs;
};

struct stage_def {
	const char *name;
	int (*run)(struct run_ctx *ctx);
	int always; /* runs on every invocation (its output place is a run option) */
};

/* The stage names, in order, for help texts and option checks. */
extern const char *const runner_stage_names[];
int runner_stage_index(const char *name); /* -1 when unknown */

/*
 * Run stages[0..n) in order; only or from (at most one, may be NULL) select
 * one stage or a stage and the rest.  Returns 0 or the first stage's error.
 */
int runner_run(struct run_ctx *ctx, const struct stage_def *stages, size_t n, const char *only, const char *from);

#endif
