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
#include "image.h"
#include "imageref.h"
#include "registry_source.h"
#include "scanner.h"

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

/* A finding of kind "gap" for an image or a part of it. */
static int image_gap(struct run_ctx *ctx, const struct image_item *it, const char *rule, const char *scope,
		     const char *reason)
{
	json_t *f = NULL;
	int rc;

	if ((rc = finding_new(&f, it->company, "gap", rule, "image", it->key, it->name, scope ? scope : "")) < 0)
		return rc;
	if ((rc = finding_describe(f, scope ? "Part of an image not assessable" : "Image not assessable", "unknown",
				   "coverage")) == 0 &&
	    (rc = jsonx_set_str(f, "reason", reason)) == 0 && (rc = jsonx_set_str(f, "source", it->source)) == 0)
		rc = store_finding_put(ctx->st, SCAN_STAGE, f);
	json_decref(f);
	log_warn("%s: not assessable%s%s: %s", it->key, scope ? " " : "", scope ? scope : "", reason);
	return rc;
}

static int secret_finding(struct run_ctx *ctx, const struct image_item *it, const struct secret *s)
{
	struct strbuf comp = STRBUF_INIT, title = STRBUF_INIT, rule = STRBUF_INIT;
	json_t *f = NULL;
	int rc;

	strbuf_addf(&comp, "%s:%s", s->path, s->fingerprint);
	strbuf_addf(&rule, "secret:%s", s->rule);
	strbuf_addf(&title, "%s in %s%s", s->title, s->path,
		    s->removed ? " (deleted in a later layer, still recoverable from the image)" : "");
	if ((rc = finding_new(&f, it->company, "secret", rule.buf, "image", it->key, it->name, comp.buf)) < 0)
		goto cleanup;
	if ((rc = finding_describe(f, title.buf, "high", "vetter secret rules")) < 0)
		goto cleanup;
	json_object_set_new(f, "secret", secret_to_json(s));
	jsonx_set_str(f, "presence", s->removed ? "removed-but-recoverable" : "present");
	jsonx_set_str(f, "fix", "Revoke and rotate the credential, then rebuild the image without it (deleting the "
				"file in a later layer does not remove it).");
	rc = store_finding_put(ctx->st, SCAN_STAGE, f);
cleanup:
	json_decref(f);
	strbuf_release(&comp);
	strbuf_release(&title);
	strbuf_release(&rule);
	return rc;
}

static int has_os_packages(const struct pkg_list *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		if (!strcmp(l->v[i].type, PKG_DEB) || !strcmp(l->v[i].type, PKG_APK) || !strcmp(l->v[i].type, PKG_RPM))
			return 1;
	return 0;
}

static int record_result(struct run_ctx *ctx, struct image_item *it, struct scan_result *res)
{
	struct strbuf uri = STRBUF_INIT, text = STRBUF_INIT;
	json_t *e, *pk = json_array(), *g;
	const char *k;
	json_t *v;
	size_t i;
	int rc = 0;

	json_array_foreach(res->evidence, i, e) {
		strbuf_reset(&uri);
		strbuf_addf(&uri, "%s#%s", it->key, jsonx_strz(e, "uri"));
		if ((rc = evidence_link(ctx->ev, it->source, uri.buf, jsonx_str(e, "media_type"), jsonx_str(e, "digest"),
					jsonx_int(e, "size", 0))) < 0)
			goto cleanup;
	}
	json_object_foreach(res->image, k, v)
		if (strcmp(k, "ref") && strcmp(k, "transport"))
			json_object_set(it->doc, k, v);
	if ((rc = store_asset_put(ctx->st, it->company, it->source, "image", it->key, it->name, it->doc, NULL)) < 0)
		goto cleanup;
	for (i = 0; i < res->view.pkgs.n; i++)
		json_array_append_new(pk, pkg_to_json(&res->view.pkgs.v[i]));
	if ((rc = jsonx_dump_canonical(&text, pk)) < 0 ||
	    (rc = store_cache_put(ctx->st, "image-packages", it->key, text.buf, text.len)) < 0)
		goto cleanup;
	for (i = 0; i < res->view.secrets.n && rc == 0; i++)
		rc = secret_finding(ctx, it, &res->view.secrets.v[i]);
	json_array_foreach(res->view.gaps, i, g)
		if (rc == 0)
			rc = image_gap(ctx, it, "not-assessable-part", jsonx_str(g, "scope"), jsonx_strz(g, "reason"));
	if (rc == 0 && res->not_assessable)
		rc = image_gap(ctx, it, "not-assessable", NULL, res->not_assessable);
	else if (rc == 0 && res->view.os && !has_os_packages(&res->view.pkgs)) {
		strbuf_reset(&text);
		strbuf_addf(&text, "the image identifies as %s but holds no package database vetter can read",
			    jsonx_strz(res->view.os, "id"));
		rc = image_gap(ctx, it, "not-assessable-part", "os packages", text.buf);
	}
cleanup:
	json_decref(pk);
	strbuf_release(&uri);
	strbuf_release(&text);
	return rc;
}

static int scan_one(struct run_ctx *ctx, struct registry_pool *pool, struct image_item *it)
{
	struct scan_options opt = { 1, ctx->jobs, NULL, ctx->ev, ctx->st };
	struct strbuf path = STRBUF_INIT;
	struct image_ref ref;
	struct image *img = NULL;
	struct scan_result res;
	int rc, have_ref = 0;

	memset(&res, 0, sizeof(res));
	if ((rc = image_ref_parse(&ref, jsonx_strz(it->doc, "ref"))) < 0) {
		rc = image_gap(ctx, it, "not-assessable", NULL, err_last());
		goto cleanup;
	}
	have_ref = 1;
	err_clear();
	if (ref.transport == IMG_REGISTRY) {
		/* Pulled through the registry source that names the host (its credentials and TLS settings). */
		struct registry *reg = NULL;

		rc = registry_pool_get(pool, it->company, ref.host, &reg);
		if (rc == 0)
			rc = image_open_registry(&img, &ref, jsonx_str(it->doc, "platform"), reg);
	} else {
		if ((rc = engagement_path(ctx->eng, ref.path ? ref.path : "", &path)) < 0)
			goto cleanup;
		rc = image_open(&img, &ref, path.buf, jsonx_str(it->doc, "platform"));
	}
	if (rc == 0)
		rc = scanner_scan(img, &opt, &res);
	if (rc == ERR_NOMEM)
		goto cleanup;
	if (rc < 0) {
		/* Bad data in one image is a gap for that image; the others go on. */
		rc = image_gap(ctx, it, "not-assessable", NULL, err_last()[0] ? err_last() : err_name(rc));
		goto cleanup;
	}
	rc = record_result(ctx, it, &res);
cleanup:
	scan_result_release(&res);
	image_free(img);
	if (have_ref)
		image_ref_release(&ref);
	strbuf_release(&path);
	return rc;
}

int scan_stage(struct run_ctx *ctx)
{
	struct image_list l = { NULL, 0, 0 };
	struct registry_pool *pool = NULL;
	size_t i;
	int rc;

	if ((rc = registry_pool_new(&pool, ctx->eng)) < 0)
		return rc;
	if ((rc = store_asset_foreach(ctx->st, NULL, "image", list_image, &l)) < 0)
		goto cleanup;
	if ((rc = store_findings_clear(ctx->st, SCAN_STAGE)) < 0)
		goto cleanup;
	progress_begin(SCAN_STAGE, (int64_t)l.n);
	for (i = 0; i < l.n && rc == 0; i++) {
		/* One transaction per image: a kill loses at most the image in hand. */
		if ((rc = store_begin(ctx->st)) < 0)
			break;
		rc = scan_one(ctx, pool, &l.items[i]);
		testhook_point(SCAN_STAGE, "txn");
		if (rc < 0)
			store_rollback(ctx->st);
		else
			rc = store_commit(ctx->st);
		progress_step(1, l.items[i].key);
	}
	progress_end();
cleanup:
	list_free(&l);
	registry_pool_free(pool);
	return rc;
}
