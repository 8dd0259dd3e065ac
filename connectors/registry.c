/*
 * registry: a container registry (live): its catalog or a list of
 * repositories, every tag's manifest and config, and a selection of images
 * for the scan stage.
 *
 * Selection, per repository: first the images that run (image assets of
 * the same company that an earlier source, Kubernetes, recorded with a
 * registry:HOST/... reference on this host); they are scanned as those
 * assets, so here they are only counted.  Then the newest_tags newest
 * images (by the config's created date, distinct digests) that are not
 * running, within max_images overall when that is set.  Each becomes an
 * image asset keyed registry:HOST/REPO@sha256:..., which the scan stage
 * pulls through this source's settings.  Every repository is an asset of
 * kind "repository" listing its tags; the counts go to the source's
 * coverage; the inventory itself is evidence.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "connector.h"
#include "registry_record.h"
#include "core/err.h"
#include "core/jsonx.h"
#include "core/log.h"
#include "core/util.h"
#include "scan/imageref.h"
#include "scan/registry.h"
#include "scan/registry_creds.h"
#include "scan/registry_inventory.h"
#include "scan/registry_source.h"

struct running {
	char *repo;
	char *tag;    /* by tag, or NULL */
	char *digest; /* by digest, or NULL */
	int matched;
};

struct collect_ctx {
	struct inventory *inv;
	const char *host, *platform; /* of the registry as the asset keys name it */
	const json_t *opts;          /* newest_tags, max_images */
	struct registry *reg;
	struct running *run;
	size_t nrun, caprun;
	char *hostkey;
};

static void running_free(struct collect_ctx *c)
{
	size_t i;

	for (i = 0; i < c->nrun; i++) {
		free(c->run[i].repo);
		free(c->run[i].tag);
		free(c->run[i].digest);
	}
	free(c->run);
}

static int same_registry(const struct collect_ctx *c, const char *host)
{
	struct strbuf k = STRBUF_INIT;
	int same;

	docker_config_host_key(&k, host);
	same = !strcmp(k.buf, c->hostkey) && !strcmp(strchr(host, ':') ? strchr(host, ':') : "",
						      strchr(c->host, ':') ? strchr(c->host, ':') : "");
	strbuf_release(&k);
	return same;
}

/* Image assets of this company on this registry: the ones that run. */
static int collect_running(void *vctx, const struct store_asset *a)
{
	struct collect_ctx *c = vctx;
	struct image_ref ref;
	struct running *r;

	if (!a->source || !strcmp(a->source, c->inv->src->id))
		return 0;
	if (image_ref_parse(&ref, jsonx_strz(a->doc, "ref")) < 0) {
		err_clear();
		return 0;
	}
	if (ref.transport != IMG_REGISTRY || !same_registry(c, ref.host)) {
		image_ref_release(&ref);
		return 0;
	}
	if (c->nrun == c->caprun) {
		size_t ncap = c->caprun ? c->caprun * 2 : 32;
		struct running *nr = realloc(c->run, ncap * sizeof(*nr));

		if (!nr) {
			image_ref_release(&ref);
			return err_set(ERR_NOMEM, "out of memory");
		}
		c->run = nr;
		c->caprun = ncap;
	}
	r = &c->run[c->nrun++];
	memset(r, 0, sizeof(*r));
	r->repo = ref.repo;
	r->digest = ref.digest;
	r->tag = ref.digest ? NULL : ref.tag;
	if (ref.digest)
		free(ref.tag);
	ref.repo = ref.digest = ref.tag = NULL;
	image_ref_release(&ref);
	return 0;
}

static int tag_runs(struct collect_ctx *c, const char *repo, const struct reginv_tag *t)
{
	size_t i;
	int yes = 0;

	for (i = 0; i < c->nrun; i++) {
		struct running *r = &c->run[i];

		if (strcmp(r->repo, repo))
			continue;
		if ((r->tag && !strcmp(r->tag, t->tag)) ||
		    (r->digest && ((t->digest && !strcmp(r->digest, t->digest)) ||
				   (t->manifest_digest && !strcmp(r->digest, t->manifest_digest))))) {
			r->matched = 1;
			yes = 1;
		}
	}
	return yes;
}

/* Newest first; unknown dates last; then by tag, highest first, so the order is stable. */
static int cmp_newest(const void *pa, const void *pb)
{
	const struct reginv_tag *a = *(const struct reginv_tag *const *)pa, *b = *(const struct reginv_tag *const *)pb;

	if (a->created_epoch != b->created_epoch)
		return a->created_epoch > b->created_epoch ? -1 : 1;
	return -strcmp(a->tag, b->tag);
}

static int write_image(struct collect_ctx *c, const struct reginv_repo *repo, const struct reginv_tag *t)
{
	struct strbuf text = STRBUF_INIT;
	struct image_ref ref;
	json_t *doc = NULL, *tags;
	int64_t id;
	size_t k;
	int rc;

	strbuf_addf(&text, "registry:%s/%s@%s", c->host, repo->name, t->digest);
	if ((rc = image_ref_parse(&ref, text.buf)) < 0) {
		rc = inventory_gap(c->inv, text.buf, err_last());
		strbuf_release(&text);
		return rc;
	}
	/* Another source (Kubernetes) may have it already: it is scanned as that asset. */
	if (store_asset_find(c->inv->st, c->inv->company->id, "image", ref.text, &id) == 0)
		goto cleanup;
	doc = json_object();
	tags = json_array();
	if (!doc || !tags) {
		json_decref(tags);
		rc = err_set(ERR_NOMEM, "out of memory");
		goto cleanup;
	}
	/* Every tag of the repository that names this digest. */
	for (k = 0; k < repo->ntags; k++)
		if (repo->tags[k].digest && !strcmp(repo->tags[k].digest, t->digest))
			json_array_append_new(tags, json_string(repo->tags[k].tag));
	json_object_set_new(doc, "tags", tags);
	jsonx_set_str(doc, "ref", ref.text);
	jsonx_set_str(doc, "transport", "registry");
	jsonx_set_str(doc, "host", ref.host);
	jsonx_set_str(doc, "repo", ref.repo);
	jsonx_set_str(doc, "digest", t->digest);
	jsonx_set_str(doc, "media_type", t->media_type);
	jsonx_set_str(doc, "platform", c->platform);
	jsonx_set_str(doc, "platforms", t->platforms);
	jsonx_set_str(doc, "created", t->created);
	json_object_set_new(doc, "size", json_integer((json_int_t)t->size));
	jsonx_set_str(doc, "selected", "newest");
	rc = inventory_asset(c->inv, "image", ref.text, ref.text, doc, NULL);
cleanup:
	json_decref(doc);
	image_ref_release(&ref);
	strbuf_release(&text);
	return rc;
}

static int write_repository(struct collect_ctx *c, const struct reginv_repo *repo, json_t *all)
{
	struct strbuf key = STRBUF_INIT;
	json_t *doc = json_object(), *tags = json_array();
	size_t k;
	int rc;

	if (!doc || !tags) {
		json_decref(doc);
		json_decref(tags);
		return err_set(ERR_NOMEM, "out of memory");
	}
	strbuf_addf(&key, "registry:%s/%s", c->host, repo->name);
	for (k = 0; k < repo->ntags; k++)
		json_array_append_new(tags, reginv_tag_json(&repo->tags[k]));
	jsonx_set_str(doc, "host", c->host);
	jsonx_set_str(doc, "repo", repo->name);
	json_object_set_new(doc, "tag_count", json_integer((json_int_t)repo->ntags));
	json_object_set_new(doc, "tags_truncated", json_boolean(repo->truncated));
	jsonx_set_str(doc, "error", repo->error);
	json_object_set(doc, "tags", tags);
	json_object_set_new(all, repo->name, tags);
	rc = inventory_asset(c->inv, "repository", key.buf, key.buf, doc, NULL);
	json_decref(doc);
	strbuf_release(&key);
	return rc;
}

/* Does any tag of repo that names digest run? */
static int digest_runs(struct collect_ctx *c, const struct reginv_repo *repo, const char *digest)
{
	size_t k;
	int yes = 0;

	for (k = 0; k < repo->ntags; k++)
		if (repo->tags[k].rc == 0 && !strcmp(repo->tags[k].digest, digest))
			yes |= tag_runs(c, repo->name, &repo->tags[k]);
	return yes;
}

/* The first tag (in list order) that names t's digest is t itself. */
static int first_of_digest(const struct reginv_repo *repo, size_t j)
{
	size_t k;

	for (k = 0; k < j; k++)
		if (repo->tags[k].rc == 0 && !strcmp(repo->tags[k].digest, repo->tags[j].digest))
			return 0;
	return 1;
}

/* Gaps for what could not be read; the selection; the assets.  Counts into cov. */
static int record(struct collect_ctx *c, const struct reginv *ri, json_t *cov)
{
	long long newest = jsonx_int(c->opts, "newest_tags", 3),
		  max_images = jsonx_int(c->opts, "max_images", 0);
	const struct reginv_tag **cand = NULL;
	struct strbuf scope = STRBUF_INIT, text = STRBUF_INIT;
	json_t *all = json_object();
	size_t i, j, ncand, running = 0, selected = 0, images = 0, elsewhere = 0;
	char digest[80];
	int rc = 0;

	if (!all)
		return err_set(ERR_NOMEM, "out of memory");
	for (i = 0; i < ri->nrepos && rc == 0; i++) {
		const struct reginv_repo *repo = &ri->repos[i];

		strbuf_reset(&scope);
		strbuf_addf(&scope, "repository registry:%s/%s", c->host, repo->name);
		if (repo->rc < 0 && (rc = inventory_gap(c->inv, scope.buf, repo->error)) < 0)
			break;
		if (repo->truncated) {
			strbuf_addstr(&scope, " (tags)");
			if ((rc = inventory_gap(c->inv, scope.buf, "more tags than max_tags: the rest were not read")) < 0)
				break;
		}
		free(cand);
		cand = calloc(repo->ntags + 1, sizeof(*cand));
		if (!cand) {
			rc = err_set(ERR_NOMEM, "out of memory");
			break;
		}
		ncand = 0;
		for (j = 0; j < repo->ntags && rc == 0; j++) {
			const struct reginv_tag *t = &repo->tags[j];

			if (t->rc < 0) {
				strbuf_reset(&scope);
				strbuf_addf(&scope, "image registry:%s/%s:%s", c->host, repo->name, t->tag);
				rc = inventory_gap(c->inv, scope.buf, t->error ? t->error : err_name(t->rc));
				continue;
			}
			if (!first_of_digest(repo, j))
				continue;
			images++;
			if (digest_runs(c, repo, t->digest))
				running++; /* scanned as the asset that runs it */
			else
				cand[ncand++] = t;
		}
		if (rc < 0)
			break;
		qsort(cand, ncand, sizeof(*cand), cmp_newest);
		for (j = 0; j < ncand && (long long)j < newest && rc == 0; j++) {
			if (max_images > 0 && (long long)(running + selected) >= max_images)
				break;
			if ((rc = write_image(c, repo, cand[j])) == 0)
				selected++;
		}
		if (rc == 0)
			rc = write_repository(c, repo, all);
	}
	for (i = 0; i < c->nrun; i++)
		elsewhere += !c->run[i].matched;
	if (rc == 0) {
		json_object_set_new(cov, "images", json_integer((json_int_t)images));
		json_object_set_new(cov, "running", json_integer((json_int_t)running));
		json_object_set_new(cov, "running_not_inventoried", json_integer((json_int_t)elsewhere));
		json_object_set_new(cov, "newest", json_integer((json_int_t)selected));
		json_object_set_new(cov, "selected", json_integer((json_int_t)(running + selected)));
		if ((rc = jsonx_dump_canonical(&text, all)) == 0)
			rc = inventory_evidence(c->inv, "registry-inventory.json", "application/json", text.buf, text.len, digest);
	}
	free(cand);
	json_decref(all);
	strbuf_release(&scope);
	strbuf_release(&text);
	return rc;
}

int registry_record(struct inventory *inv, const char *host, const char *platform, const json_t *opts,
		    const struct reginv *ri, json_t *cov)
{
	struct collect_ctx c;
	struct strbuf key = STRBUF_INIT;
	int rc;

	memset(&c, 0, sizeof(c));
	c.inv = inv;
	c.host = host;
	c.platform = platform;
	c.opts = opts;
	docker_config_host_key(&key, host);
	c.hostkey = key.buf;
	if ((rc = store_asset_foreach(inv->st, inv->company->id, "image", collect_running, &c)) == 0)
		rc = record(&c, ri, cov);
	running_free(&c);
	strbuf_release(&key);
	return rc;
}

static int list_ecr(void *ctx, registry_name_fn fn, void *fnctx)
{
	struct registry_source *rs = ctx;

	return registry_ecr_repositories(rs->eng, rs->src, rs->host, fn, fnctx);
}

static int registry_collect(struct inventory *inv)
{
	struct collect_ctx c;
	struct registry_source rs;
	struct reginv_options o;
	struct reginv ri;
	struct strbuf summary = STRBUF_INIT;
	json_t *repos = json_object_get(inv->src->doc, "repositories"), *cov = NULL;
	const char **names = NULL;
	long long newest = jsonx_int(inv->src->doc, "newest_tags", 3), max_tags = jsonx_int(inv->src->doc, "max_tags", 1000),
		  max_repos = jsonx_int(inv->src->doc, "max_repositories", 10000);
	size_t i;
	int rc;

	memset(&c, 0, sizeof(c));
	memset(&ri, 0, sizeof(ri));
	if (newest < 0 || max_tags < 1 || max_repos < 1)
		return err_set(ERR_USAGE, "source '%s': newest_tags must be 0 or more, max_tags and max_repositories 1 or more",
			       inv->src->id);
	if ((rc = registry_source_init(&rs, inv->eng, inv->src)) < 0)
		return rc;
	if ((rc = registry_source_open(&rs, &c.reg)) < 0 || (rc = registry_ping(c.reg)) < 0)
		goto cleanup;
	memset(&o, 0, sizeof(o));
	if (json_array_size(repos)) {
		names = calloc(json_array_size(repos), sizeof(*names));
		if (!names) {
			rc = err_set(ERR_NOMEM, "out of memory");
			goto cleanup;
		}
		for (i = 0; i < json_array_size(repos); i++)
			names[i] = json_string_value(json_array_get(repos, i));
		o.repos = names;
		o.nrepos = json_array_size(repos);
	} else if (!strcmp(rs.flavour, "ecr")) {
		o.list = list_ecr;
		o.list_ctx = &rs;
	}
	o.max_repos = (size_t)max_repos;
	o.max_tags = (size_t)max_tags;
	o.platform = rs.platform;
	o.jobs = inv->jobs > 0 ? inv->jobs * 4 : 8;
	o.inspect = 1;
	if ((rc = reginv_run(c.reg, &o, &ri)) < 0)
		goto cleanup;
	if (ri.catalog_truncated) {
		strbuf_addf(&summary, "more than %lld repositories: the rest were not read (max_repositories)", max_repos);
		if ((rc = inventory_gap(inv, "registry catalog", summary.buf)) < 0)
			goto cleanup;
		strbuf_reset(&summary);
	}
	cov = json_pack("{s:s, s:I, s:b, s:I, s:I, s:I, s:I}", "host", rs.host, "repositories", (json_int_t)ri.nrepos,
			"repositories_truncated", ri.catalog_truncated, "tags", (json_int_t)ri.ntags, "tags_inspected",
			(json_int_t)ri.ninspected, "errors", (json_int_t)ri.nerrors, "newest_tags", (json_int_t)newest);
	if (!cov) {
		rc = err_set(ERR_NOMEM, "out of memory");
		goto cleanup;
	}
	if ((rc = registry_record(inv, rs.host, rs.platform, inv->src->doc, &ri, cov)) < 0)
		goto cleanup;
	strbuf_addf(&summary, "Registry %s: %zu repositories%s, %zu tags (%zu read, %zu errors), %lld images; scanned: %lld "
			      "running, %lld newest (up to %lld per repository).",
		    rs.host, ri.nrepos, ri.catalog_truncated ? " (truncated)" : "", ri.ntags, ri.ninspected, ri.nerrors,
		    jsonx_int(cov, "images", 0), jsonx_int(cov, "running", 0), jsonx_int(cov, "newest", 0), newest);
	jsonx_set_str(cov, "summary", summary.buf);
	if ((rc = inventory_coverage(inv, cov)) == 0)
		log_info("%s: %s (%.1f s)", inv->src->id, summary.buf, ri.seconds);
cleanup:
	json_decref(cov);
	free(names);
	reginv_release(&ri);
	registry_free(c.reg);
	registry_source_release(&rs);
	strbuf_release(&summary);
	return rc;
}

const struct connector connector_registry = {
	{ "registry", 1, registry_source_keys,
	  "a container registry (generic: Harbor, Quay, GHCR, Docker Hub, distribution; ecr): its repositories, tags and "
	  "the images to scan" },
	registry_collect,
};
