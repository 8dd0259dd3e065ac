#include "registry_inventory.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/err.h"
#include "core/jsonx.h"
#include "core/log.h"
#include "core/util.h"
#include "image.h"
#include "registry_manifest.h"

#define REGINV_CONFIG_MAX (4 * 1024 * 1024)

struct namelist {
	char **v;
	size_t n, cap;
};

static int namelist_add(void *ctx, const char *name)
{
	struct namelist *l = ctx;

	if (l->n == l->cap) {
		size_t ncap = l->cap ? l->cap * 2 : 64;
		char **nv = realloc(l->v, ncap * sizeof(*nv));

		if (!nv)
			return err_set(ERR_NOMEM, "out of memory");
		l->v = nv;
		l->cap = ncap;
	}
	if (!(l->v[l->n] = strdup(name)))
		return err_set(ERR_NOMEM, "out of memory");
	l->n++;
	return 0;
}

static void tag_release(struct reginv_tag *t)
{
	free(t->tag);
	free(t->digest);
	free(t->media_type);
	free(t->platforms);
	free(t->platform);
	free(t->manifest_digest);
	free(t->config_digest);
	free(t->created);
	free(t->error);
}

void reginv_release(struct reginv *inv)
{
	size_t i, j;

	for (i = 0; i < inv->nrepos; i++) {
		for (j = 0; j < inv->repos[i].ntags; j++)
			tag_release(&inv->repos[i].tags[j]);
		free(inv->repos[i].tags);
		free(inv->repos[i].name);
		free(inv->repos[i].error);
	}
	free(inv->repos);
	memset(inv, 0, sizeof(*inv));
}

/* Work items spread over threads: an index handed out under a lock. */
struct pool {
	pthread_mutex_t mu;
	size_t next, n;
	int (*fn)(void *ctx, size_t i);
	void *ctx;
	int fatal; /* ERR_NOMEM stops everything */
};

static void *pool_worker(void *arg)
{
	struct pool *p = arg;
	size_t i;
	int rc;

	for (;;) {
		pthread_mutex_lock(&p->mu);
		i = p->fatal ? p->n : p->next++;
		pthread_mutex_unlock(&p->mu);
		if (i >= p->n)
			return NULL;
		rc = p->fn(p->ctx, i);
		if (rc == ERR_NOMEM) {
			pthread_mutex_lock(&p->mu);
			p->fatal = rc;
			pthread_mutex_unlock(&p->mu);
		}
	}
}

static int run_pool(size_t n, int jobs, int (*fn)(void *, size_t), void *ctx)
{
	struct pool p;
	pthread_t th[256];
	size_t i, nth = jobs > 0 ? (size_t)jobs : 8;

	if (nth > 256)
		nth = 256;
	if (nth > n)
		nth = n;
	memset(&p, 0, sizeof(p));
	pthread_mutex_init(&p.mu, NULL);
	p.n = n;
	p.fn = fn;
	p.ctx = ctx;
	for (i = 0; i < nth; i++)
		if (pthread_create(&th[i], NULL, pool_worker, &p) != 0)
			break;
	nth = i;
	if (!nth)
		pool_worker(&p);
	for (i = 0; i < nth; i++)
		pthread_join(th[i], NULL);
	pthread_mutex_destroy(&p.mu);
	return p.fatal ? err_set(ERR_NOMEM, "out of memory") : 0;
}

/*
 * What a config says (date, platform), by config digest: tags that name the
 * same image (latest and 2.0), or repositories that share one, fetch it once.
 * Content-addressed, so sharing across repositories is sound.
 */
#define CONFIG_BUCKETS 4096

struct config_entry {
	struct config_entry *next;
	char digest[72];
	int state; /* CONFIG_PENDING while one thread fetches it, then READY or FAILED */
	char *created, *platform;
	int64_t created_epoch;
};

enum { CONFIG_PENDING, CONFIG_READY, CONFIG_FAILED };

struct config_cache {
	pthread_mutex_t mu;
	pthread_cond_t done;
	struct config_entry *b[CONFIG_BUCKETS];
};

static size_t digest_bucket(const char *d)
{
	/* The digest is already a hash: its first hex digits spread well. */
	return (size_t)strtoul((char[9]){ d[7], d[8], d[9], d[10], d[11], d[12], d[13], d[14], 0 }, NULL, 16) %
	       CONFIG_BUCKETS;
}

/*
 * 1 and t filled when the config is known; 0 when the caller is to fetch it
 * (and then call config_done), the other threads asking for it waiting
 * meanwhile.
 */
static int config_lookup(struct config_cache *cc, const char *digest, struct reginv_tag *t)
{
	struct config_entry *e;
	size_t b = digest_bucket(digest);

	pthread_mutex_lock(&cc->mu);
	for (;;) {
		for (e = cc->b[b]; e && strcmp(e->digest, digest); e = e->next)
			;
		if (!e || e->state != CONFIG_PENDING)
			break;
		pthread_cond_wait(&cc->done, &cc->mu);
	}
	if (e && e->state == CONFIG_READY) {
		t->created = e->created ? util_strdup(e->created) : NULL;
		t->platform = e->platform ? util_strdup(e->platform) : NULL;
		t->created_epoch = e->created_epoch;
		pthread_mutex_unlock(&cc->mu);
		return 1;
	}
	/* Unknown, or the fetch failed for another tag: this one tries (and says it is doing so). */
	if (!e && (e = calloc(1, sizeof(*e)))) {
		snprintf(e->digest, sizeof(e->digest), "%s", digest);
		e->next = cc->b[b];
		cc->b[b] = e;
	}
	if (e)
		e->state = CONFIG_PENDING;
	pthread_mutex_unlock(&cc->mu);
	return 0;
}

/* The fetch of digest's config ended (t holds what it said when ok). */
static void config_done(struct config_cache *cc, const char *digest, const struct reginv_tag *t, int ok)
{
	struct config_entry *e;

	pthread_mutex_lock(&cc->mu);
	for (e = cc->b[digest_bucket(digest)]; e && strcmp(e->digest, digest); e = e->next)
		;
	if (e && e->state == CONFIG_PENDING) {
		e->state = ok ? CONFIG_READY : CONFIG_FAILED;
		if (ok) {
			e->created = t->created ? strdup(t->created) : NULL;
			e->platform = t->platform ? strdup(t->platform) : NULL;
			e->created_epoch = t->created_epoch;
		}
	}
	pthread_cond_broadcast(&cc->done);
	pthread_mutex_unlock(&cc->mu);
}

static void config_cache_release(struct config_cache *cc)
{
	struct config_entry *e, *n;
	size_t i;

	for (i = 0; i < CONFIG_BUCKETS; i++) {
		for (e = cc->b[i]; e; e = n) {
			n = e->next;
			free(e->created);
			free(e->platform);
			free(e);
		}
	}
	pthread_mutex_destroy(&cc->mu);
	pthread_cond_destroy(&cc->done);
	free(cc);
}

struct flat_tag {
	struct reginv_tag *tag;
	const char *repo;
};

struct run {
	struct registry *r;
	const struct reginv_options *o;
	struct reginv *inv;
	struct flat_tag *flat; /* every tag, for the second phase */
	size_t nflat;
	struct config_cache *configs;
};

static int list_tags(void *vctx, size_t i)
{
	struct run *run = vctx;
	struct reginv_repo *repo = &run->inv->repos[i];
	struct namelist l = { NULL, 0, 0 };
	size_t j;
	int rc;

	rc = registry_tags(run->r, repo->name, run->o->max_tags ? run->o->max_tags : 1000, namelist_add, &l,
			   &repo->truncated);
	if (rc == 0 && l.n) {
		repo->tags = calloc(l.n, sizeof(*repo->tags));
		if (!repo->tags)
			rc = err_set(ERR_NOMEM, "out of memory");
	}
	for (j = 0; j < l.n; j++) {
		if (rc == 0) {
			repo->tags[j].tag = l.v[j];
			repo->tags[j].created_epoch = -1;
			repo->ntags++;
		} else {
			free(l.v[j]);
		}
	}
	free(l.v);
	if (rc < 0) {
		repo->rc = rc;
		repo->error = util_strdup(err_last());
	}
	return rc;
}

static char *platform_of_config(const json_t *cfg)
{
	struct strbuf s = STRBUF_INIT;
	const char *os = jsonx_str(cfg, "os"), *arch = jsonx_str(cfg, "architecture"), *var = jsonx_str(cfg, "variant");

	if (!os || !arch)
		return NULL;
	strbuf_init(&s, 128);
	if (strbuf_addf(&s, "%s/%s%s%s", os, arch, var ? "/" : "", var ? var : "") < 0) {
		strbuf_release(&s);
		return NULL;
	}
	return strbuf_detach(&s, NULL);
}

/* One tag: its manifest (through an index when there is one) and the image's config. */
static int inspect_tag(struct registry *r, struct config_cache *cc, const char *repo, const char *platform,
		       struct reginv_tag *t)
{
	struct registry_doc doc, child;
	struct regman man, cm;
	struct strbuf cfg_raw = STRBUF_INIT, what = STRBUF_INIT, plats = STRBUF_INIT;
	json_t *cfg = NULL;
	const struct regman *img;
	size_t which, i;
	int rc;

	memset(&man, 0, sizeof(man));
	memset(&cm, 0, sizeof(cm));
	memset(&child, 0, sizeof(child));
	strbuf_init(&cfg_raw, REGINV_CONFIG_MAX);
	strbuf_addf(&what, "registry:%s/%s:%s", registry_host(r), repo, t->tag);
	if ((rc = registry_manifest(r, repo, t->tag, &doc)) < 0)
		goto cleanup;
	t->digest = util_strdup(doc.digest);
	if ((rc = regman_parse(&man, doc.media_type, doc.raw.buf, doc.raw.len, what.buf)) < 0)
		goto cleanup_doc;
	t->media_type = util_strdup(man.media_type);
	img = &man;
	if (man.kind == REGMAN_INDEX) {
		for (i = 0; i < man.nmanifests; i++)
			if (man.manifests[i].platform && strcmp(man.manifests[i].platform, "unknown/unknown") && plats.len < 1000)
				strbuf_addf(&plats, "%s%s", plats.len ? ", " : "", man.manifests[i].platform);
		t->platforms = strbuf_detach(&plats, NULL);
		if ((rc = regman_select(&man, platform, what.buf, &which)) < 0)
			goto cleanup_doc;
		if ((rc = registry_manifest(r, repo, man.manifests[which].digest, &child)) < 0)
			goto cleanup_doc;
		if ((rc = regman_parse(&cm, child.media_type, child.raw.buf, child.raw.len, what.buf)) < 0)
			goto cleanup_doc;
		if (cm.kind != REGMAN_IMAGE) {
			rc = err_set(ERR_UNSUPPORTED, "%s: an index inside an index", what.buf);
			goto cleanup_doc;
		}
		t->manifest_digest = util_strdup(child.digest);
		img = &cm;
	} else {
		t->manifest_digest = util_strdup(doc.digest);
	}
	t->config_digest = util_strdup(img->config.digest);
	t->nlayers = img->nlayers;
	t->size = img->config.size;
	for (i = 0; i < img->nlayers; i++)
		t->size += img->layers[i].size;
	if (config_lookup(cc, img->config.digest, t))
		goto check;
	if ((rc = registry_blob(r, repo, img->config.digest, REGINV_CONFIG_MAX, &cfg_raw)) < 0) {
		err_prefix(rc, "%s: the config", what.buf);
		config_done(cc, img->config.digest, t, 0);
		goto cleanup_doc;
	}
	if (jsonx_parse(cfg_raw.buf, cfg_raw.len, "config", &cfg) < 0 || !json_is_object(cfg)) {
		rc = err_set(ERR_PARSE, "%s: the image config is not a JSON object", what.buf);
		config_done(cc, img->config.digest, t, 0);
		goto cleanup_doc;
	}
	t->platform = platform_of_config(cfg);
	if (jsonx_str(cfg, "created") && strlen(jsonx_str(cfg, "created")) < 64) {
		int64_t e;

		t->created = util_strdup(jsonx_str(cfg, "created"));
		if (util_timestamp_parse(t->created, &e) == 0)
			t->created_epoch = e;
	}
	config_done(cc, img->config.digest, t, 1);
check:
	if (!t->digest || !t->media_type || !t->manifest_digest || !t->config_digest)
		rc = err_set(ERR_NOMEM, "out of memory");
cleanup_doc:
	registry_doc_release(&doc);
cleanup:
	registry_doc_release(&child);
	regman_release(&man);
	regman_release(&cm);
	json_decref(cfg);
	strbuf_release(&cfg_raw);
	strbuf_release(&what);
	strbuf_release(&plats);
	return rc;
}

static int inspect_one(void *vctx, size_t i)
{
	struct run *run = vctx;
	struct reginv_tag *t = run->flat[i].tag;
	int rc;

	err_clear();
	rc = inspect_tag(run->r, run->configs, run->flat[i].repo, run->o->platform ? run->o->platform : "linux/amd64", t);
	if (rc < 0) {
		t->rc = rc;
		t->error = util_strdup(err_last()[0] ? err_last() : err_name(rc));
	}
	return rc;
}

int reginv_run(struct registry *r, const struct reginv_options *o, struct reginv *out)
{
	struct namelist names = { NULL, 0, 0 };
	struct run run = { r, o, out, NULL, 0, NULL };
	struct timespec t0, t1;
	size_t i, j, max_repos = o->max_repos ? o->max_repos : 10000;
	int rc = 0;

	memset(out, 0, sizeof(*out));
	clock_gettime(CLOCK_MONOTONIC, &t0);
	if (o->repos) {
		for (i = 0; i < o->nrepos && rc == 0; i++) {
			if (!registry_repo_name_valid(o->repos[i]))
				rc = err_set(ERR_USAGE, "'%s' is not a repository name", o->repos[i]);
			else if (names.n == max_repos)
				out->catalog_truncated = 1;
			else
				rc = namelist_add(&names, o->repos[i]);
		}
	} else if (o->list) {
		rc = o->list(o->list_ctx, namelist_add, &names);
		if (rc == 0 && names.n > max_repos) {
			for (i = max_repos; i < names.n; i++)
				free(names.v[i]);
			names.n = max_repos;
			out->catalog_truncated = 1;
		}
	} else {
		rc = registry_catalog(r, max_repos, namelist_add, &names, &out->catalog_truncated);
	}
	if (rc < 0)
		goto cleanup;
	out->repos = calloc(names.n + 1, sizeof(*out->repos));
	if (!out->repos) {
		rc = err_set(ERR_NOMEM, "out of memory");
		goto cleanup;
	}
	for (i = 0; i < names.n; i++) {
		out->repos[i].name = names.v[i];
		names.v[i] = NULL;
		out->nrepos++;
	}
	if ((rc = run_pool(out->nrepos, o->jobs, list_tags, &run)) < 0)
		goto cleanup;
	for (i = 0; i < out->nrepos; i++)
		out->ntags += out->repos[i].ntags;
	if (o->inspect && out->ntags) {
		run.flat = calloc(out->ntags, sizeof(*run.flat));
		run.configs = calloc(1, sizeof(*run.configs));
		if (run.configs) {
			pthread_mutex_init(&run.configs->mu, NULL);
			pthread_cond_init(&run.configs->done, NULL);
		}
		if (!run.flat || !run.configs) {
			rc = err_set(ERR_NOMEM, "out of memory");
			goto cleanup;
		}
		for (i = 0; i < out->nrepos; i++) {
			for (j = 0; j < out->repos[i].ntags; j++) {
				run.flat[run.nflat].tag = &out->repos[i].tags[j];
				run.flat[run.nflat++].repo = out->repos[i].name;
			}
		}
		if ((rc = run_pool(run.nflat, o->jobs, inspect_one, &run)) < 0)
			goto cleanup;
		for (i = 0; i < run.nflat; i++) {
			if (run.flat[i].tag->rc < 0)
				out->nerrors++;
			else
				out->ninspected++;
		}
	}
	for (i = 0; i < out->nrepos; i++)
		if (out->repos[i].rc < 0)
			out->nerrors++;
	clock_gettime(CLOCK_MONOTONIC, &t1);
	out->seconds = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
cleanup:
	for (i = 0; i < names.n; i++)
		free(names.v[i]);
	free(names.v);
	free(run.flat);
	if (run.configs)
		config_cache_release(run.configs);
	if (rc < 0)
		reginv_release(out);
	return rc;
}

json_t *reginv_tag_json(const struct reginv_tag *t)
{
	json_t *j = json_object();

	if (!j)
		return NULL;
	jsonx_set_str(j, "tag", t->tag);
	jsonx_set_str(j, "digest", t->digest);
	jsonx_set_str(j, "media_type", t->media_type);
	jsonx_set_str(j, "platforms", t->platforms);
	jsonx_set_str(j, "platform", t->platform);
	jsonx_set_str(j, "manifest_digest", t->manifest_digest);
	jsonx_set_str(j, "config_digest", t->config_digest);
	jsonx_set_str(j, "created", t->created);
	if (t->digest && !t->rc) {
		json_object_set_new(j, "size", json_integer((json_int_t)t->size));
		json_object_set_new(j, "layers", json_integer((json_int_t)t->nlayers));
	}
	jsonx_set_str(j, "error", t->error);
	return j;
}
