#include "connector.h"

#include <stdio.h>
#include <string.h>

#include "core/err.h"
#include "core/jsonx.h"
#include "core/log.h"
#include "core/progress.h"
#include "core/testhook.h"

static int source_info_json(const struct engagement *eng, const struct source *src, struct strbuf *out)
{
	json_t *info = json_object(), *auth;
	int rc;

	if (!info)
		return err_set(ERR_NOMEM, "out of memory");
	jsonx_set_str(info, "name", src->name);
	json_object_set_new(info, "tls_verify", json_boolean(src->tls_verify));
	if (src->has_auth) {
		auth = json_object();
		jsonx_set_str(auth, "by", src->auth.by);
		jsonx_set_str(auth, "scope", src->auth.scope);
		jsonx_set_str(auth, "date", src->auth.date);
		jsonx_set_str(auth, "reference", src->auth.reference);
		json_object_set_new(info, "authorization", auth);
	}
	if ((rc = connector_source_info(eng, src, info)) == 0)
		rc = jsonx_dump_canonical(out, info);
	json_decref(info);
	return rc;
}

/* Forget what an earlier, interrupted or repeated, collection of src wrote. */
static int clear_source(struct run_ctx *ctx, const struct source *src)
{
	struct strbuf stage = STRBUF_INIT;
	int rc;

	if ((rc = inventory_gap_stage(&stage, src->id)) == 0 && (rc = store_findings_clear(ctx->st, stage.buf)) == 0)
		rc = store_source_clear(ctx->st, src->id);
	strbuf_release(&stage);
	return rc;
}

static int record_failure(struct run_ctx *ctx, const struct source *src, const char *message)
{
	struct inventory inv = { ctx->st, ctx->ev, ctx->eng, src->company, src, 0, 0, 0 };
	int rc;

	if ((rc = store_begin(ctx->st)) < 0)
		return rc;
	if ((rc = clear_source(ctx, src)) < 0 || (rc = inventory_gap(&inv, "source not collected", message)) < 0 ||
	    (rc = store_source_set_status(ctx->st, src->id, "failed", message)) < 0) {
		store_rollback(ctx->st);
		return rc;
	}
	return store_commit(ctx->st);
}

static int collect_one(struct run_ctx *ctx, const struct source *src)
{
	struct inventory inv = { ctx->st, ctx->ev, ctx->eng, src->company, src, 0, 0, ctx->jobs };
	const struct connector *c = connector_find(src->type);
	struct strbuf status = STRBUF_INIT, msg = STRBUF_INIT;
	int rc;

	if ((rc = store_source_status(ctx->st, src->id, &status)) < 0)
		goto cleanup;
	if (!strcmp(status.buf, "done") || !strcmp(status.buf, "failed")) {
		log_info("%s: already collected", src->id);
		goto cleanup;
	}
	if ((rc = store_begin(ctx->st)) < 0)
		goto cleanup;
	if ((rc = clear_source(ctx, src)) == 0) {
		err_clear();
		rc = c->collect(&inv);
	}
	if (rc == ERR_NOMEM || rc == ERR_INTERRUPTED) {
		store_rollback(ctx->st);
		goto cleanup;
	}
	if (rc < 0) {
		/* The source as a whole failed: drop its partial writes, keep the reason. */
		strbuf_addstr(&msg, err_last()[0] ? err_last() : err_name(rc));
		store_rollback(ctx->st);
		log_warn("%s: not collected: %s", src->id, msg.buf);
		rc = record_failure(ctx, src, msg.buf);
		goto cleanup;
	}
	testhook_point("collect", "txn");
	if ((rc = store_source_set_status(ctx->st, src->id, "done", NULL)) < 0) {
		store_rollback(ctx->st);
		goto cleanup;
	}
	if ((rc = store_commit(ctx->st)) < 0)
		goto cleanup;
	log_info("%s: %lld asset(s), %lld gap(s)", src->id, (long long)inv.assets, (long long)inv.gaps);
cleanup:
	strbuf_release(&status);
	strbuf_release(&msg);
	return rc;
}

int collect_stage(struct run_ctx *ctx)
{
	const struct engagement *eng = ctx->eng;
	struct strbuf info = STRBUF_INIT;
	size_t i, j, total = 0;
	int rc = 0;

	if ((rc = store_begin(ctx->st)) < 0)
		return rc;
	for (i = 0; i < eng->ncompanies; i++) {
		const struct company *co = &eng->companies[i];

		if ((rc = store_company_put(ctx->st, co->id, co->name, co->role)) < 0)
			goto fail;
		for (j = 0; j < co->nsources; j++) {
			const struct source *src = &co->sources[j];

			strbuf_reset(&info);
			if ((rc = source_info_json(eng, src, &info)) < 0 ||
			    (rc = store_source_put(ctx->st, src->id, co->id, src->type, src->info->live, info.buf)) < 0)
				goto fail;
			total++;
		}
	}
	if ((rc = store_commit(ctx->st)) < 0)
		goto cleanup;
	progress_begin("collect", (int64_t)total);
	for (i = 0; i < eng->ncompanies && rc == 0; i++) {
		for (j = 0; j < eng->companies[i].nsources && rc == 0; j++) {
			rc = collect_one(ctx, &eng->companies[i].sources[j]);
			progress_step(1, eng->companies[i].sources[j].id);
		}
	}
	progress_end();
	goto cleanup;
fail:
	store_rollback(ctx->st);
cleanup:
	strbuf_release(&info);
	return rc;
}
