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
#include "vulndb/vulndb.h"

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

struct vuln_ctx {
	struct run_ctx *ctx;
	const struct image_item *it;
	int64_t matches;
};

/* The worst KEV/EPSS/SSVC over the vulnerability's CVEs, and the CVEs themselves. */
static void add_cve_facts(json_t *f, const struct vulndb_match *m)
{
	json_t *cves = json_array(), *kev = NULL, *epss = NULL, *ssvc = NULL;
	double best_epss = -1;
	size_t i;

	for (i = 0; i < m->ncves; i++) {
		const struct vulndb_cve *c = &m->cves[i];
		json_t *cj = json_pack("{s:s}", "id", c->id);

		if (c->kev) {
			json_t *k = json_pack("{s:s?, s:s?, s:s?}", "date_added", c->kev_date_added, "due_date",
					      c->kev_due_date, "ransomware", c->kev_ransomware);

			json_object_set(cj, "kev", k);
			if (!kev || strcmp(jsonx_strz(kev, "date_added"), jsonx_strz(k, "date_added")) > 0) {
				json_decref(kev);
				kev = json_incref(k);
			}
			json_decref(k);
		}
		if (c->epss_score) {
			json_t *e = json_pack("{s:s, s:s?}", "score", c->epss_score, "percentile", c->epss_percentile);

			json_object_set(cj, "epss", e);
			if (atof(c->epss_score) > best_epss) {
				best_epss = atof(c->epss_score);
				json_decref(epss);
				epss = json_incref(e);
			}
			json_decref(e);
		}
		if (c->ssvc_exploitation || c->ssvc_automatable || c->ssvc_technical_impact) {
			json_t *sv = json_pack("{s:s?, s:s?, s:s?}", "exploitation", c->ssvc_exploitation, "automatable",
					       c->ssvc_automatable, "technical_impact", c->ssvc_technical_impact);

			json_object_set(cj, "ssvc", sv);
			/* The CVE most exploited speaks for the vulnerability. */
			if (!ssvc || (c->ssvc_exploitation && !strcmp(c->ssvc_exploitation, "active"))) {
				json_decref(ssvc);
				ssvc = json_incref(sv);
			}
			json_decref(sv);
		}
		if (c->cwe)
			json_object_set(cj, "cwe", (json_t *)c->cwe);
		json_array_append_new(cves, cj);
	}
	json_object_set_new(f, "cves", cves);
	if (kev)
		json_object_set_new(f, "kev", kev);
	if (epss)
		json_object_set_new(f, "epss", epss);
	if (ssvc)
		json_object_set_new(f, "ssvc", ssvc);
}

static int on_vuln(void *vctx, const struct vulndb_match *m)
{
	struct vuln_ctx *v = vctx;
	struct strbuf comp = STRBUF_INIT, title = STRBUF_INIT, fix = STRBUF_INIT;
	json_t *f = NULL, *aliases, *pk;
	size_t i;
	int rc;

	/* One finding per advisory, package and place in the image. */
	strbuf_addf(&comp, "%s:%s@%s#%s", m->pkg->type, m->pkg->name, m->pkg->version, m->pkg->path ? m->pkg->path : "");
	if ((rc = finding_new(&f, v->it->company, "vulnerability", m->id, "image", v->it->key, v->it->name, comp.buf)) < 0)
		goto cleanup;
	strbuf_addf(&title, "%s in %s %s", m->id, m->pkg->name, m->pkg->version);
	if ((rc = finding_describe(f, title.buf, m->severity, m->severity_source)) < 0)
		goto cleanup;
	aliases = json_array();
	for (i = 0; i < m->naliases; i++)
		json_array_append_new(aliases, json_string(m->aliases[i]));
	json_object_set_new(f, "aliases", aliases);
	pk = pkg_to_json(m->pkg);
	json_object_set_new(f, "package", pk ? pk : json_null());
	jsonx_set_str(f, "ecosystem", m->ecosystem);
	jsonx_set_str(f, "summary", m->summary && *m->summary ? m->summary : NULL);
	jsonx_set_str(f, "severity_detail", m->severity_detail && *m->severity_detail ? m->severity_detail : NULL);
	if (m->cvss_score >= 0)
		json_object_set_new(f, "cvss", json_pack("{s:f, s:s}", "score", m->cvss_score, "vector", m->severity_detail));
	json_object_set_new(f, "fixed", m->fixed ? json_string(m->fixed) : json_null());
	if (m->fixed)
		strbuf_addf(&fix, "Upgrade %s to %s or later.", m->name, m->fixed);
	else
		strbuf_addf(&fix, "No fixed version yet: mitigate, or replace %s.", m->name);
	jsonx_set_str(f, "fix", fix.buf);
	add_cve_facts(f, m);
	rc = store_finding_put(v->ctx->st, SCAN_STAGE, f);
	v->matches++;
cleanup:
	json_decref(f);
	strbuf_release(&comp);
	strbuf_release(&title);
	strbuf_release(&fix);
	return rc;
}

static int on_vuln_gap(void *vctx, const struct vulndb_gap *g)
{
	struct vuln_ctx *v = vctx;
	struct strbuf scope = STRBUF_INIT;
	int rc;

	strbuf_addf(&scope, "vulnerabilities (%s%s%s%s%s)", g->scope, g->ecosystem ? " " : "", g->ecosystem ? g->ecosystem : "",
		    g->pkg ? " " : "", g->pkg ? g->pkg->name : "");
	rc = image_gap(v->ctx, v->it, "not-assessable-part", scope.buf, g->reason);
	strbuf_release(&scope);
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

static int match_vulns(struct run_ctx *ctx, struct vulndb *db, const struct image_item *it, struct scan_result *res)
{
	struct vuln_ctx v = { ctx, it, 0 };
	struct vulndb_match_cb cb = { on_vuln, on_vuln_gap, &v, 0 };
	int rc;

	if (!db)
		return image_gap(ctx, it, "not-assessable-part", "vulnerabilities",
				 "no advisory database: run 'vetter db update' or 'vetter db import', or give --vulndb");
	if (res->not_assessable)
		return 0;
	rc = vulndb_match(db, res->view.os, &res->view.pkgs, &cb);
	return rc < 0 ? rc : 0;
}

static int scan_one(struct run_ctx *ctx, struct registry_pool *pool, struct vulndb *db, struct image_item *it)
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
	if ((rc = record_result(ctx, it, &res)) == 0)
		rc = match_vulns(ctx, db, it, &res);
cleanup:
	scan_result_release(&res);
	image_free(img);
	if (have_ref)
		image_ref_release(&ref);
	strbuf_release(&path);
	return rc;
}

/*
 * The advisory database of this run: opened once, its digest pinned in the
 * store and the evidence manifest.  None at all is not an error: every
 * image then says its vulnerabilities were not assessed.
 */
static int open_vulndb(struct run_ctx *ctx, struct vulndb **out)
{
	struct strbuf path = STRBUF_INIT, digest = STRBUF_INIT;
	int rc;

	*out = NULL;
	if ((rc = vulndb_path(&path, ctx->vulndb)) < 0)
		goto cleanup;
	rc = vulndb_open(out, path.buf, VULNDB_READ);
	if (rc == ERR_NOTFOUND) {
		log_warn("no advisory database at %s: vulnerabilities will be reported as not assessed", path.buf);
		err_clear();
		rc = 0;
		goto cleanup;
	}
	if (rc < 0 || (rc = vulndb_digest_stored(*out, &digest)) < 0)
		goto cleanup;
	if ((rc = store_meta_set(ctx->st, "vulndb_digest", digest.buf)) < 0 ||
	    (rc = evidence_note(ctx->ev, NULL, path.buf, "advisory-db", digest.buf, 0)) < 0)
		goto cleanup;
	log_info("advisory database %s (digest %.16s)", path.buf, digest.buf);
cleanup:
	if (rc < 0 && *out) {
		vulndb_close(*out);
		*out = NULL;
	}
	strbuf_release(&path);
	strbuf_release(&digest);
	return rc;
}

int scan_stage(struct run_ctx *ctx)
{
	struct image_list l = { NULL, 0, 0 };
	struct vulndb *db = NULL;
	struct registry_pool *pool = NULL;
	size_t i;
	int rc;

	if ((rc = registry_pool_new(&pool, ctx->eng)) < 0)
		return rc;
	if ((rc = store_asset_foreach(ctx->st, NULL, "image", list_image, &l)) < 0)
		goto cleanup;
	if ((rc = store_findings_clear(ctx->st, SCAN_STAGE)) < 0 || (rc = open_vulndb(ctx, &db)) < 0)
		goto cleanup;
	progress_begin(SCAN_STAGE, (int64_t)l.n);
	for (i = 0; i < l.n && rc == 0; i++) {
		/* One transaction per image: a kill loses at most the image in hand. */
		if ((rc = store_begin(ctx->st)) < 0)
			break;
		rc = scan_one(ctx, pool, db, &l.items[i]);
		testhook_point(SCAN_STAGE, "txn");
		if (rc < 0)
			store_rollback(ctx->st);
		else
			rc = store_commit(ctx->st);
		progress_step(1, l.items[i].key);
	}
	progress_end();
cleanup:
	vulndb_close(db);
	list_free(&l);
	registry_pool_free(pool);
	return rc;
}
