#include "runner.h"

#include <string.h>

#include "err.h"
#include "log.h"
#include "testhook.h"

const char *const runner_stage_names[] = { "collect", "scan", "assess", "score", "report", NULL };

int runner_stage_index(const char *name)
{
	int i;

	for (i = 0; runner_stage_names[i]; i++)
		if (!strcmp(runner_stage_names[i], name))
			return i;
	return -1;
}

static int index_of(const struct stage_def *stages, size_t n, const char *name)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!strcmp(stages[i].name, name))
			return (int)i;
	return -1;
}

int runner_run(struct run_ctx *ctx, const struct stage_def *stages, size_t n, const char *only, const char *from)
{
	struct strbuf status = STRBUF_INIT;
	int first = 0, last = (int)n - 1, forced, i, j, rc = 0;

	if (only) {
		first = last = index_of(stages, n, only);
		if (first < 0)
			return err_set(ERR_USAGE, "unknown stage '%s'", only);
	} else if (from) {
		first = index_of(stages, n, from);
		if (first < 0)
			return err_set(ERR_USAGE, "unknown stage '%s'", from);
	}
	forced = only || from;
	/* Stages before the first one asked for must be done: their output is its input. */
	for (i = 0; i < first; i++) {
		strbuf_reset(&status);
		if ((rc = store_stage_get(ctx->st, stages[i].name, &status)) < 0)
			goto cleanup;
		if (strcmp(status.buf, "done")) {
			rc = err_set(ERR_USAGE, "stage '%s' needs '%s' first: run without --only/--from, or with --from %s",
				     stages[first].name, stages[i].name, stages[i].name);
			goto cleanup;
		}
	}
	for (i = first; i <= last; i++) {
		strbuf_reset(&status);
		if ((rc = store_stage_get(ctx->st, stages[i].name, &status)) < 0)
			goto cleanup;
		if (!forced && !stages[i].always && !strcmp(status.buf, "done")) {
			log_info("%s: already done", stages[i].name);
			continue;
		}
		if (!strcmp(status.buf, "running"))
			log_info("%s: the last run stopped inside this stage; running it again", stages[i].name);
		if ((rc = store_stage_set(ctx->st, stages[i].name, "running")) < 0)
			goto cleanup;
		for (j = i + 1; j < (int)n; j++)
			if ((rc = store_stage_set(ctx->st, stages[j].name, "pending")) < 0)
				goto cleanup;
		testhook_point(stages[i].name, "start");
		rc = stages[i].run(ctx);
		if (rc < 0) {
			rc = err_prefix(rc, "stage %s", stages[i].name);
			goto cleanup;
		}
		testhook_point(stages[i].name, "end");
		if ((rc = store_stage_set(ctx->st, stages[i].name, "done")) < 0)
			goto cleanup;
	}
cleanup:
	strbuf_release(&status);
	return rc;
}
