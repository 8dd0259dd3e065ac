/*
 * kubernetes-export: a cluster as files: `kubectl get … -o json|yaml` dumps,
 * List objects, multi-document manifests, Helm-rendered output, or folders
 * of them.  Everything goes through the same normaliser as a live cluster,
 * so the assets are the same; Secret and ConfigMap contents are dropped as
 * they are read.  A file that cannot be read or parsed is a coverage gap
 * naming it; the other files go on.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "connector.h"
#include "core/err.h"
#include "core/jsonx.h"
#include "core/util.h"
#include "export_walk.h"
#include "k8s_dump.h"
#include "k8s_model.h"

#define EXPORT_MAX_FILES 10000
#define EXPORT_MAX_DEPTH 8

static const struct schema_field export_keys[] = {
	{ "paths", SCH_LIST, 1, NULL, SCH_STRING, NULL },
	{ "cluster", SCH_STRING, 0, NULL, SCH_ANY, NULL },
	{ "namespace", SCH_STRING, 0, NULL, SCH_ANY, NULL },
	{ NULL, 0, 0, NULL, 0, NULL },
};

struct export {
	struct inventory *inv;
	struct k8s_model *m;
	const char *default_ns;
	json_t *files;     /* what was read, relative to the engagement folder */
	json_t *coverage;  /* resource -> "present" */
	json_t *kept;      /* the current file's objects, for its evidence */
	struct strbuf first; /* the first problem, for the message when nothing could be read */
	int read_ok, failed;
	size_t nfiles;
};

static int on_kept(void *ctx, json_t *obj)
{
	struct export *x = ctx;
	const char *res = k8s_kind_resource(jsonx_str(obj, "kind"));

	if ((res && json_object_set_new(x->coverage, res, json_string("present")) < 0) || json_array_append(x->kept, obj) < 0)
		return err_set(ERR_NOMEM, "out of memory");
	return 0;
}

static int file_gap(struct export *x, const char *rel, const char *reason)
{
	struct strbuf scope = STRBUF_INIT;
	int rc;

	x->failed++;
	if (!x->first.len)
		strbuf_addf(&x->first, "%s%s%s", util_has_prefix(reason, rel) ? "" : rel,
			    util_has_prefix(reason, rel) ? "" : ": ", reason);
	strbuf_addf(&scope, "kubernetes export file %s", rel);
	rc = inventory_gap(x->inv, scope.buf, reason);
	strbuf_release(&scope);
	return rc;
}

/* rel: the path as the report names it; path: where it is. */
static int read_file(struct export *x, const char *path, const char *rel)
{
	struct strbuf buf = STRBUF_INIT, text = STRBUF_INIT, uri = STRBUF_INIT;
	int rc;

	strbuf_init(&buf, K8S_DUMP_MAX_BYTES);
	if (++x->nfiles > EXPORT_MAX_FILES) {
		rc = file_gap(x, rel, "more files than the 10000 an export may have; the rest were not read");
		goto cleanup;
	}
	if ((rc = strbuf_read_file(&buf, path)) < 0) {
		rc = file_gap(x, rel, rc == ERR_LIMIT ? "larger than the 256 MB a file may be" : err_last());
		goto cleanup;
	}
	json_decref(x->kept);
	if (!(x->kept = json_array())) {
		rc = err_set(ERR_NOMEM, "out of memory");
		goto cleanup;
	}
	err_clear();
	rc = k8s_dump_read(x->m, buf.buf, buf.len, rel, x->default_ns, on_kept, x);
	/* The raw file may hold Secret values: what is kept as evidence is what was read from it, sanitised. */
	if (json_array_size(x->kept)) {
		int erc;

		strbuf_addf(&uri, "file:%s", rel);
		if ((erc = jsonx_dump_canonical(&text, x->kept)) < 0 ||
		    (erc = inventory_evidence(x->inv, uri.buf, "application/json", text.buf, text.len, NULL)) < 0) {
			rc = erc;
			goto cleanup;
		}
	}
	if (rc == ERR_NOMEM || rc == ERR_INTERRUPTED)
		goto cleanup;
	if (rc < 0) {
		rc = file_gap(x, rel, err_last());
		goto cleanup;
	}
	x->read_ok++;
	if (json_array_append_new(x->files, json_string(rel)) < 0)
		rc = err_set(ERR_NOMEM, "out of memory");
	else
		rc = 0;
cleanup:
	strbuf_release(&buf);
	strbuf_release(&text);
	strbuf_release(&uri);
	return rc;
}

static int wanted(const char *name)
{
	return name[0] != '.' && (util_has_suffix(name, ".json") || util_has_suffix(name, ".yaml") ||
				  util_has_suffix(name, ".yml") || util_has_suffix(name, ".JSON") ||
				  util_has_suffix(name, ".YAML") || util_has_suffix(name, ".YML"));
}

static int walk_file(void *ctx, const char *path, const char *rel)
{
	return read_file(ctx, path, rel);
}

static int walk_gap(void *ctx, const char *rel, const char *why)
{
	return file_gap(ctx, rel, why);
}

static int export_collect(struct inventory *inv)
{
	const char *cluster = jsonx_str(inv->src->doc, "cluster"), *ns = jsonx_str(inv->src->doc, "namespace");
	json_t *paths = json_object_get(inv->src->doc, "paths"), *pv, *coll;
	struct export x = { inv, NULL, ns ? ns : "default", NULL, NULL, NULL, STRBUF_INIT, 0, 0, 0 };
	struct k8s_graph *g = NULL;
	struct strbuf p = STRBUF_INIT;
	struct export_walk w = { &x, EXPORT_MAX_DEPTH, wanted, walk_file, walk_gap };
	size_t i;
	int rc;

	x.files = json_array();
	x.coverage = json_object();
	if (!x.files || !x.coverage) {
		rc = err_set(ERR_NOMEM, "out of memory");
		goto cleanup;
	}
	if ((rc = k8s_model_new(&x.m, cluster ? cluster : inv->src->id)) < 0 || (rc = k8s_graph_new(&g)) < 0)
		goto cleanup;
	json_array_foreach(paths, i, pv) {
		const char *rel = json_string_value(pv);

		strbuf_reset(&p);
		if ((rc = engagement_path(inv->eng, rel, &p)) < 0)
			goto cleanup;
		if ((rc = export_walk_path(&w, p.buf, rel)) < 0)
			goto cleanup;
	}
	if (!x.read_ok) {
		/* The gaps go with the failed source's rollback: the message keeps the first reason. */
		rc = err_set(ERR_NOTFOUND, "no Kubernetes objects could be read%s%s", x.first.len ? "; first: " : "",
			     x.first.buf);
		goto cleanup;
	}
	if (k8s_model_has_version(x.m) && json_object_set_new(x.coverage, "version", json_string("present")) < 0) {
		rc = err_set(ERR_NOMEM, "out of memory");
		goto cleanup;
	}
	coll = k8s_model_collection(x.m);
	if (jsonx_set_str(coll, "mode", "export") < 0 || json_object_set(coll, "files", x.files) < 0 ||
	    json_object_set(coll, "coverage", x.coverage) < 0) {
		rc = err_set(ERR_NOMEM, "out of memory");
		goto cleanup;
	}
	if ((rc = k8s_graph_add_model(g, x.m)) == 0)
		rc = k8s_graph_write(g, inv);
cleanup:
	k8s_model_free(x.m);
	k8s_graph_free(g);
	json_decref(x.files);
	json_decref(x.coverage);
	json_decref(x.kept);
	strbuf_release(&p);
	strbuf_release(&x.first);
	return rc;
}

const struct connector connector_kubernetes_export = {
	{ "kubernetes-export", 0, export_keys,
	  "a Kubernetes cluster as files: kubectl get -o json|yaml dumps, manifests, Helm output, or folders of them" },
	export_collect,
};
