#include "stage.h"

#include <stdlib.h>
#include <string.h>

#include "core/err.h"
#include "core/finding.h"
#include "core/jsonx.h"
#include "core/log.h"
#include "core/progress.h"
#include "core/testhook.h"
#include "core/util.h"
#include "os.h"

#define SCAN_STAGE "scan"

struct image_item {
	char *company, *source, *key, *name;
	json_t *doc;
};

struct image_list {
	struct image_item *items;
	size_t n, cap;
};

static int list_image(void *vctx, const struct store_asset *a)
{
	struct image_list *l = vctx;
	struct image_item *it;

	if (l->n == l->cap) {
		size_t ncap = l->cap ? l->cap * 2 : 16;
		struct image_item *ni = realloc(l->items, ncap * sizeof(*ni));

		if (!ni)
			return err_set(ERR_NOMEM, "out of memory");
		l->items = ni;
		l->cap = ncap;
	}
	it = &l->items[l->n++];
	it->company = util_strdup(a->company);
	it->source = util_strdup(a->source);
	it->key = util_strdup(a->key);
	it->name = util_strdup(a->name);
	it->doc = json_deep_copy(a->doc);
	if (!it->company || !it->source || !it->key || !it->doc)
		return err_set(ERR_NOMEM, "out of memory");
	return 0;
}

static void list_free(struct image_list *l)
{
	size_t i;

	for (i = 0; i < l->n; i++) {
		free(l->items[i].company);
		free(l->items[i].source);
		free(l->items[i].key);
		free(l->items[i].name);
		json_decref(l->items[i].doc);
	}
	free(l->items);
}

/* A finding of kind "gap" saying the image could not be assessed. */
static int not_assessable(struct run_ctx *ctx, const struct image_item *it, const char *reason)
{
	json_t *f = NULL;
	int rc;

	if ((rc = finding_new(&f, it->company, "gap", "not-assessable", "image", it->key, it->name, "")) < 0)
		return rc;
	if ((rc = finding_describe(f, "Image not assessable", "unknown", "coverage")) == 0 &&
	    (rc = jsonx_set_str(f, "reason", reason)) == 0 && (rc = jsonx_set_str(f, "source", it->source)) == 0)
		rc = store_finding_put(ctx->st, SCAN_STAGE, f);
	json_decref(f);
	log_warn("%s: not assessable: %s", it->key, reason);
	return rc;
}

static int scan_dir_image(struct run_ctx *ctx, struct image_item *it)
{
	static const char *const candidates[] = { "etc/os-release", "usr/lib/os-release" };
	struct strbuf root = STRBUF_INIT, file = STRBUF_INIT, data = STRBUF_INIT;
	char digest[65];
	json_t *os = NULL;
	size_t i;
	int rc = 0;

	if ((rc = engagement_path(ctx->eng, jsonx_strz(it->doc, "path"), &root)) < 0)
		goto cleanup;
	for (i = 0; i < ARRAY_SIZE(candidates); i++) {
		strbuf_reset(&file);
		strbuf_reset(&data);
		strbuf_init(&data, 64 * 1024);
		/* The rootfs is outside data: a symlink out of it is not followed. */
		if (util_path_within(&file, root.buf, candidates[i]) < 0 || strbuf_read_file(&data, file.buf) < 0) {
			err_clear();
			continue;
		}
		if ((rc = os_release_parse(data.buf, data.len, &os)) < 0)
			goto cleanup;
		if ((rc = evidence_put(ctx->ev, it->source, candidates[i], "input", "text/plain", data.buf, data.len,
				       digest)) < 0)
			goto cleanup;
		jsonx_set_str(os, "evidence", digest);
		jsonx_set_str(os, "file", candidates[i]);
		break;
	}
	if (!os || !jsonx_str(os, "id")) {
		rc = not_assessable(ctx, it, "no recognised operating system (no os-release file)");
		goto cleanup;
	}
	json_object_set(it->doc, "os", os);
	rc = store_asset_put(ctx->st, it->company, it->source, "image", it->key, it->name, it->doc, NULL);
cleanup:
	json_decref(os);
	strbuf_release(&root);
	strbuf_release(&file);
	strbuf_release(&data);
	return rc;
}

int scan_stage(struct run_ctx *ctx)
{
	struct image_list l = { NULL, 0, 0 };
	size_t i;
	int rc;

	if ((rc = store_asset_foreach(ctx->st, NULL, "image", list_image, &l)) < 0)
		goto cleanup;
	if ((rc = store_begin(ctx->st)) < 0)
		goto cleanup;
	progress_begin(SCAN_STAGE, (int64_t)l.n);
	rc = store_findings_clear(ctx->st, SCAN_STAGE);
	for (i = 0; i < l.n && rc == 0; i++) {
		if (!strcmp(jsonx_strz(l.items[i].doc, "transport"), "dir"))
			rc = scan_dir_image(ctx, &l.items[i]);
		else
			rc = not_assessable(ctx, &l.items[i], "this image format is not read by this build yet");
		progress_step(1, l.items[i].key);
		testhook_point(SCAN_STAGE, "txn");
	}
	progress_end();
	if (rc < 0)
		store_rollback(ctx->st);
	else
		rc = store_commit(ctx->st);
cleanup:
	list_free(&l);
	return rc;
}
