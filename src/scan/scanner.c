#include "scanner.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "core/crypto.h"
#include "core/err.h"
#include "core/jsonx.h"
#include "core/log.h"

/* Bump when what a layer result holds changes, so old cache entries are not used. */
#define LAYER_CACHE_NS "layer-v2" /* v2: setuid/setgid files */

struct job {
	struct image *img;
	size_t index;
	const struct scan_options *opt;
	struct layer_result *result;
	int cached;
	int rc;
	char err[512];
};

struct pool {
	struct job *jobs;
	size_t n, next;
	pthread_mutex_t lock;
};

static ssize_t read_blob(void *src, void *buf, size_t len)
{
	return blob_read(src, buf, len);
}

static void run_job(struct job *j)
{
	struct analyze_opts ao = { j->opt->secrets, j->opt->ev, j->opt->limits, j->opt->jobs };
	struct blob_reader *br = NULL;

	if (j->img->ref.transport == IMG_DIR) {
		j->rc = layer_analyze_dir(j->result, j->img->path, &ao);
	} else if ((j->rc = image_layer_open(j->img, j->index, &br)) == 0) {
		j->rc = layer_analyze(j->result, read_blob, br, &ao);
		/* The walk may stop before the blob's end: the digest is only known once it is all read. */
		if (j->rc == 0)
			j->rc = blob_finish(br);
		blob_close(br);
	}
	if (j->rc < 0)
		snprintf(j->err, sizeof(j->err), "%s", err_last());
}

static void *worker(void *arg)
{
	struct pool *p = arg;
	size_t i;

	for (;;) {
		pthread_mutex_lock(&p->lock);
		while (p->next < p->n && p->jobs[p->next].cached)
			p->next++;
		i = p->next++;
		pthread_mutex_unlock(&p->lock);
		if (i >= p->n)
			return NULL;
		run_job(&p->jobs[i]);
	}
}

static int cache_get(struct store *st, const char *diff_id, struct layer_result *out)
{
	struct strbuf text = STRBUF_INIT;
	json_t *j = NULL;
	int rc;

	if (!st || !diff_id)
		return ERR_NOTFOUND;
	rc = store_cache_get(st, LAYER_CACHE_NS, diff_id, &text);
	if (rc == 0 && (rc = jsonx_parse(text.buf, text.len, "layer cache", &j)) == 0)
		rc = layer_result_from_json(out, j);
	json_decref(j);
	strbuf_release(&text);
	return rc;
}

static int cache_put(struct store *st, const char *diff_id, const struct layer_result *r)
{
	struct strbuf text = STRBUF_INIT;
	json_t *j = layer_result_to_json(r);
	int rc;

	if (!j)
		return err_set(ERR_NOMEM, "out of memory");
	if ((rc = jsonx_dump_canonical(&text, j)) == 0)
		rc = store_cache_put(st, LAYER_CACHE_NS, diff_id, text.buf, text.len);
	json_decref(j);
	strbuf_release(&text);
	return rc;
}

/* Secrets in the config: env values and history lines are scanned, and only names and redacted text kept. */
static int summarise_config(struct image *img, const struct scan_options *opt, struct scan_result *out, json_t *doc)
{
	json_t *cfg = jsonx_dig(img->config, "config"), *sum = json_object(), *env_names = json_array(),
	       *history = json_array(), *h, *e;
	struct strbuf where = STRBUF_INIT;
	size_t i, before;
	int rc = 0;

	if (!sum || !env_names || !history) {
		rc = err_set(ERR_NOMEM, "out of memory");
		goto cleanup;
	}
	jsonx_set_str(sum, "user", jsonx_str(cfg, "User"));
	jsonx_set_str(sum, "workdir", jsonx_str(cfg, "WorkingDir"));
	json_object_set(sum, "entrypoint", json_object_get(cfg, "Entrypoint"));
	json_object_set(sum, "cmd", json_object_get(cfg, "Cmd"));
	json_object_set(sum, "labels", json_object_get(cfg, "Labels"));
	json_object_set(sum, "healthcheck", json_object_get(cfg, "Healthcheck"));
	json_object_set(sum, "stop_signal", json_object_get(cfg, "StopSignal"));
	if (json_object_get(cfg, "ExposedPorts")) {
		json_t *ports = json_array();
		const char *k;
		json_t *v;

		json_object_foreach(json_object_get(cfg, "ExposedPorts"), k, v)
			json_array_append_new(ports, json_string(k));
		json_object_set_new(sum, "exposed_ports", ports);
	}
	json_array_foreach(json_object_get(cfg, "Env"), i, e) {
		const char *s = json_string_value(e), *eq = s ? strchr(s, '=') : NULL;

		if (!s)
			continue;
		json_array_append_new(env_names, json_stringn(s, eq ? (size_t)(eq - s) : strlen(s)));
		if (opt->secrets && eq) {
			strbuf_reset(&where);
			strbuf_addf(&where, "config env %.*s", (int)(eq - s), s);
			if ((rc = secrets_scan_text(&out->view.secrets, where.buf, s, strlen(s))) < 0)
				goto cleanup;
		}
	}
	json_array_foreach(jsonx_dig(img->config, "history"), i, h) {
		const char *by = jsonx_str(h, "created_by");
		json_t *line = json_object();

		before = out->view.secrets.n;
		if (by && opt->secrets) {
			strbuf_reset(&where);
			strbuf_addf(&where, "config history %zu", i + 1);
			if ((rc = secrets_scan_text(&out->view.secrets, where.buf, by, strlen(by))) < 0) {
				json_decref(line);
				goto cleanup;
			}
		}
		/* A build command holding a secret is kept only as the fact that it did. */
		jsonx_set_str(line, "created_by", by && out->view.secrets.n == before
							   ? by
							   : by ? "[redacted: this step holds a secret]" : NULL);
		jsonx_set_str(line, "created", jsonx_str(h, "created"));
		json_object_set_new(line, "empty_layer", json_boolean(jsonx_bool(h, "empty_layer", 0)));
		json_array_append_new(history, line);
	}
	json_object_set(sum, "env_names", env_names);
	json_object_set(sum, "history", history);
	json_object_set(doc, "config", sum);
	jsonx_set_str(doc, "architecture", jsonx_str(img->config, "architecture"));
	jsonx_set_str(doc, "os_type", jsonx_str(img->config, "os"));
	jsonx_set_str(doc, "created", jsonx_str(img->config, "created"));
cleanup:
	json_decref(sum);
	json_decref(env_names);
	json_decref(history);
	strbuf_release(&where);
	return rc;
}

static int add_evidence(json_t *list, const char *uri, const char *digest, int64_t size, const char *media)
{
	json_t *e = json_pack("{s:s, s:s, s:I}", "uri", uri, "digest", digest, "size", (json_int_t)size);

	if (!e)
		return err_set(ERR_NOMEM, "out of memory");
	if (media)
		jsonx_set_str(e, "media_type", media);
	return json_array_append_new(list, e) < 0 ? ERR_NOMEM : 0;
}

/* The manifest and config bytes are evidence of what was scanned. */
static int record_documents(struct image *img, const struct scan_options *opt, struct scan_result *out)
{
	char digest[80];
	int rc = 0;

	if (!opt->ev || img->ref.transport == IMG_DIR)
		return 0;
	if ((rc = evidence_store(opt->ev, img->manifest_raw.buf, img->manifest_raw.len, digest)) < 0 ||
	    (rc = add_evidence(out->evidence, "manifest", digest, (int64_t)img->manifest_raw.len,
			       "application/vnd.oci.image.manifest.v1+json")) < 0)
		return rc;
	if ((rc = evidence_store(opt->ev, img->config_raw.buf, img->config_raw.len, digest)) < 0 ||
	    (rc = add_evidence(out->evidence, "config", digest, (int64_t)img->config_raw.len,
			       "application/vnd.oci.image.config.v1+json")) < 0)
		return rc;
	return 0;
}

void scan_result_release(struct scan_result *r)
{
	view_release(&r->view);
	json_decref(r->image);
	json_decref(r->evidence);
	free(r->not_assessable);
	memset(r, 0, sizeof(*r));
}

static int layers_json(struct image *img, struct job *jobs, size_t n, const char *const *ids, json_t *doc,
		       struct scan_result *out)
{
	json_t *arr = json_array(), *l;
	size_t i, k;

	if (!arr)
		return err_set(ERR_NOMEM, "out of memory");
	for (i = 0; i < n; i++) {
		l = json_pack("{s:s, s:I, s:I, s:b}", "diff_id", ids[i], "files", (json_int_t)jobs[i].result->stats.entries,
			      "bytes", (json_int_t)jobs[i].result->stats.expanded, "cached", jobs[i].cached);
		if (img->nlayers > i) {
			jsonx_set_str(l, "digest", img->layers[i].digest);
			jsonx_set_str(l, "media_type", img->layers[i].media_type);
		}
		json_array_append_new(arr, l);
		/* Package databases and release files read from the layer are evidence. */
		for (k = 0; k < jobs[i].result->nsources; k++)
			if (jobs[i].result->sources[k].digest)
				add_evidence(out->evidence, jobs[i].result->sources[k].path, jobs[i].result->sources[k].digest,
					     jobs[i].result->sources[k].size, NULL);
		for (k = 0; k < jobs[i].result->ntexts; k++)
			if (jobs[i].result->texts[k].digest)
				add_evidence(out->evidence, jobs[i].result->texts[k].path, jobs[i].result->texts[k].digest,
					     (int64_t)strlen(jobs[i].result->texts[k].text), "text/plain");
	}
	json_object_set_new(doc, "layers", arr);
	return 0;
}

int scanner_scan(struct image *img, const struct scan_options *opt, struct scan_result *out)
{
	size_t n = img->ref.transport == IMG_DIR ? 1 : img->nlayers, i, nthreads;
	struct layer_result *results = NULL;
	struct job *jobs = NULL;
	const char **ids = NULL;
	pthread_t *threads = NULL;
	struct pool pool;
	json_t *doc = NULL;
	int rc = 0;

	memset(out, 0, sizeof(*out));
	out->evidence = json_array();
	doc = json_pack("{s:s, s:s}", "ref", img->ref.text, "transport", image_transport_name(img->ref.transport));
	results = calloc(n ? n : 1, sizeof(*results));
	jobs = calloc(n ? n : 1, sizeof(*jobs));
	ids = calloc(n ? n : 1, sizeof(*ids));
	if (!out->evidence || !doc || !results || !jobs || !ids) {
		rc = err_set(ERR_NOMEM, "out of memory");
		goto cleanup;
	}
	jsonx_set_str(doc, "platform", img->ref.transport == IMG_DIR ? NULL : img->platform);
	jsonx_set_str(doc, "manifest_digest", img->manifest_digest);
	jsonx_set_str(doc, "config_digest", img->config_digest);
	for (i = 0; i < img->nlayers; i++) {
		if (img->layers[i].foreign) {
			out->not_assessable = strdup("a Windows image (foreign layers): vetter reads Linux images only");
			goto finish;
		}
	}
	if (img->config && jsonx_str(img->config, "os") && strcmp(jsonx_str(img->config, "os"), "linux")) {
		struct strbuf why = STRBUF_INIT;

		strbuf_addf(&why, "an image for %s: vetter reads Linux images only", jsonx_str(img->config, "os"));
		out->not_assessable = strbuf_detach(&why, NULL);
		goto finish;
	}
	for (i = 0; i < n; i++) {
		jobs[i].img = img;
		jobs[i].index = i;
		jobs[i].opt = opt;
		jobs[i].result = &results[i];
		ids[i] = img->ref.transport == IMG_DIR ? "dir" : img->layers[i].diff_id;
		if (img->ref.transport != IMG_DIR && cache_get(opt->cache, ids[i], &results[i]) == 0)
			jobs[i].cached = 1;
		else
			layer_result_release(&results[i]);
	}
	err_clear();
	pool.jobs = jobs;
	pool.n = n;
	pool.next = 0;
	pthread_mutex_init(&pool.lock, NULL);
	nthreads = opt->jobs > 0 ? (size_t)opt->jobs : 2;
	if (nthreads > n)
		nthreads = n;
	threads = calloc(nthreads ? nthreads : 1, sizeof(*threads));
	if (!threads) {
		rc = err_set(ERR_NOMEM, "out of memory");
		goto cleanup;
	}
	for (i = 0; i < nthreads; i++)
		if (pthread_create(&threads[i], NULL, worker, &pool) != 0)
			break;
	nthreads = i;
	if (!nthreads)
		worker(&pool);
	for (i = 0; i < nthreads; i++)
		pthread_join(threads[i], NULL);
	pthread_mutex_destroy(&pool.lock);
	for (i = 0; i < n; i++) {
		if (jobs[i].rc == ERR_NOMEM) {
			rc = err_set(ERR_NOMEM, "out of memory");
			goto cleanup;
		}
		if (jobs[i].rc < 0) {
			/* One unreadable layer makes the whole image's view unknowable. */
			rc = err_set(jobs[i].rc, "layer %zu (%s): %s", i + 1, ids[i], jobs[i].err);
			goto cleanup;
		}
		if (!jobs[i].cached && opt->cache && img->ref.transport != IMG_DIR &&
		    (rc = cache_put(opt->cache, ids[i], &results[i])) < 0)
			goto cleanup;
	}
	if ((rc = view_merge(&out->view, results, ids, n)) < 0)
		goto cleanup;
	if ((rc = record_documents(img, opt, out)) < 0 || (rc = layers_json(img, jobs, n, ids, doc, out)) < 0)
		goto cleanup;
	if (img->config && (rc = summarise_config(img, opt, out, doc)) < 0)
		goto cleanup;
	if (!out->view.os && !out->view.pkgs.n)
		out->not_assessable = strdup("no recognised operating system and no package database (a scratch, "
					     "distroless-without-metadata or unknown image)");
finish:
	if (out->view.os)
		json_object_set(doc, "os", out->view.os);
	pkg_list_set_purls(&out->view.pkgs, out->view.os);
	json_object_set_new(doc, "packages", json_integer((json_int_t)out->view.pkgs.n));
	json_object_set_new(doc, "os_owned_language_packages", json_integer((json_int_t)out->view.os_owned));
	json_object_set_new(doc, "secrets", json_integer((json_int_t)out->view.secrets.n));
	/* Absent when the layers were not all read: an unknown set is not an empty one. */
	if (out->view.setuid_files)
		json_object_set(doc, "setuid_files", out->view.setuid_files);
	out->image = doc;
	doc = NULL;
cleanup:
	for (i = 0; i < n && results; i++)
		layer_result_release(&results[i]);
	free(results);
	free(jobs);
	free(ids);
	free(threads);
	json_decref(doc);
	if (rc < 0)
		scan_result_release(out);
	return rc;
}
