#include "stage.h"

#include <jansson.h>

#include "core/err.h"
#include "core/progress.h"
#include "core/testhook.h"
#include "scoring/manual.h"

#define ASSESS_STAGE "assess"

int assess_stage(struct run_ctx *ctx)
{
	json_t *manual = NULL;
	int rc;

	if ((rc = manual_load(ctx->eng, &manual)) < 0)
		return rc;
	progress_begin(ASSESS_STAGE, 1);
	if ((rc = store_begin(ctx->st)) < 0)
		goto cleanup;
	if ((rc = store_findings_clear(ctx->st, ASSESS_STAGE)) == 0 && manual)
		rc = manual_record(ctx->eng, manual, ctx->st, ASSESS_STAGE);
	testhook_point(ASSESS_STAGE, "txn");
	if (rc < 0)
		store_rollback(ctx->st);
	else
		rc = store_commit(ctx->st);
	progress_step(1, NULL);
cleanup:
	progress_end();
	json_decref(manual);
	return rc;
}
