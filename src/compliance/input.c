#include "input.h"

#include <string.h>

#include "catalog.h"
#include "core/err.h"
#include "core/jsonx.h"
#include "core/strbuf.h"
#include "core/util.h"
#include "core/ydoc.h"
#include "normalise.h"

static const char *const k8s_datasets[] = { "k8s.workloads", "k8s.rbac", "k8s.networkpolicies", "k8s.services",
					    "k8s.namespaces", "k8s.serviceaccounts", "k8s.configmaps.data", NULL };

int input_init(struct input *in)
{
	memset(in, 0, sizeof(*in));
	in->k8s = json_array();
	in->k8s_origins = json_array();
	in->docs = json_array();
	in->doc_origins = json_array();
	in->skipped = json_object();
	if (!in->k8s || !in->k8s_origins || !in->docs || !in->doc_origins || !in->skipped) {
		input_release(in);
		return err_set(ERR_NOMEM, "out of memory");
	}
	return 0;
}

void input_release(struct input *in)
{
	json_decref(in->k8s);
	json_decref(in->k8s_origins);
	json_decref(in->docs);
	json_decref(in->doc_origins);
	json_decref(in->skipped);
	memset(in, 0, sizeof(*in));
}

static int skip(struct input *in, const char *what)
{
	json_t *n = json_object_get(in->skipped, what);

	return json_object_set_new(in->skipped, what, json_integer(n ? json_integer_value(n) + 1 : 1)) < 0 ? ERR_NOMEM
													      : 0;
}

static json_t *origin(const char *file, int line)
{
	return json_pack("{s:s, s:i}", "file", file ? file : "", "line", line);
}

static int is_vetter_kind(const char *kind)
{
	return kind && strchr(kind, '.') && catalog_kind(kind) != NULL;
}

static int add(struct input *in, const json_t *doc, const char *file, int line, int depth)
{
	const char *kind = jsonx_str(doc, "kind");
	json_t *item;
	size_t i;
	int rc = 0;

	if (json_array_size(in->k8s) + json_array_size(in->docs) >= INPUT_MAX_OBJECTS)
		return err_set(ERR_LIMIT, "%s: more than %d objects", file ? file : "input", INPUT_MAX_OBJECTS);
	if (json_is_null(doc))
		return 0;
	if (depth > 2)
		return skip(in, "(nested list)");
	if (json_is_array(doc)) {
		json_array_foreach(doc, i, item)
			if ((rc = add(in, item, file, line, depth + 1)) < 0)
				return rc;
		return 0;
	}
	if (!json_is_object(doc))
		return skip(in, "(not an object)");
	if (kind && util_has_suffix(kind, "List") && json_is_array(json_object_get(doc, "items"))) {
		json_array_foreach(json_object_get(doc, "items"), i, item)
			if ((rc = add(in, item, file, line, depth + 1)) < 0)
				return rc;
		return 0;
	}
	if (!kind && json_is_array(json_object_get(doc, "resources"))) {
		json_array_foreach(json_object_get(doc, "resources"), i, item)
			if ((rc = add(in, item, file, line, depth + 1)) < 0)
				return rc;
		return 0;
	}
	if (is_vetter_kind(kind) || (kind && !strcmp(kind, "image") && !json_object_get(doc, "apiVersion"))) {
		if (json_array_append(in->docs, (json_t *)doc) < 0 || json_array_append_new(in->doc_origins, origin(file, line)) < 0)
			return err_set(ERR_NOMEM, "out of memory");
		return 0;
	}
	if (kind && *kind && json_is_string(json_object_get(doc, "apiVersion"))) {
		if (json_array_append(in->k8s, (json_t *)doc) < 0 || json_array_append_new(in->k8s_origins, origin(file, line)) < 0)
			return err_set(ERR_NOMEM, "out of memory");
		return 0;
	}
	return skip(in, "(neither a Kubernetes object nor a vetter resource)");
}

int input_add_document(struct input *in, const json_t *doc, const char *file, int line)
{
	in->documents++;
	return add(in, doc, file, line, 0);
}

struct read_ctx {
	struct input *in;
	const char *name;
	int docs;
};

static int each_doc(void *vctx, int index, json_t *doc, const struct ydoc_map *pos)
{
	struct read_ctx *c = vctx;
	const struct ydoc_pos *p = ydoc_pos_get(pos, "");

	const char *kind = jsonx_str(doc, "kind");
	const json_t *items = json_object_get(doc, "items");
	struct strbuf where = STRBUF_INIT;
	json_t *item;
	size_t i;
	int rc = 0;

	(void)index;
	c->docs++;
	c->in->documents++;
	if (!(kind && util_has_suffix(kind, "List") && json_is_array(items)) && !json_is_array(doc))
		return add(c->in, doc, c->name, p ? p->line : 0, 0);
	/* The items of a List (or a JSON array) keep their own lines. */
	json_array_foreach(json_is_array(doc) ? doc : items, i, item) {
		const struct ydoc_pos *ip;

		strbuf_reset(&where);
		strbuf_addf(&where, "%s[%zu]", json_is_array(doc) ? "" : "items", i);
		ip = ydoc_pos_get(pos, where.buf);
		if ((rc = add(c->in, item, c->name, ip ? ip->line : p ? p->line : 0, 1)) < 0)
			break;
	}
	strbuf_release(&where);
	return rc;
}

int input_read_buffer(struct input *in, const char *buf, size_t len, const char *name)
{
	struct ydoc_limits lim = { 2000000, 100 };
	struct read_ctx c = { in, name, 0 };
	int rc;

	rc = ydoc_load_stream(buf, len, name, &lim, each_doc, &c);
	if (rc < 0 && rc != ERR_NOMEM)
		return err_prefix(rc, "document %d", c.docs + 1);
	return rc;
}

int input_read_file(struct input *in, const char *path)
{
	struct strbuf text = STRBUF_INIT;
	int rc;

	strbuf_init(&text, INPUT_MAX_BYTES);
	if ((rc = strbuf_read_file(&text, path)) < 0)
		rc = err_prefix(rc, "%s", path);
	else
		rc = input_read_buffer(in, text.buf, text.len, path);
	strbuf_release(&text);
	return rc;
}

/*
 * An image document in the normalised shape (docs/resources.md) goes through
 * the image normaliser as if the scan stage had stored it, so 'ports' and
 * the defaults are the same; 'collected' may list more data sets.
 */
static int image_doc(struct resource_set *set, const json_t *doc, struct resource **r)
{
	static const char *const top[] = { "ref", "created", "architecture", "os_type", "os", "platform", NULL };
	json_t *asset = json_object(), *cfg = json_deep_copy(doc), *c = json_object_get(doc, "collected"), *item;
	const char *name = jsonx_str(doc, "name") ? jsonx_str(doc, "name") : jsonx_strz(doc, "ref");
	size_t i;
	int rc;

	if (!asset || !cfg) {
		json_decref(asset);
		json_decref(cfg);
		return err_set(ERR_NOMEM, "out of memory");
	}
	for (i = 0; top[i]; i++)
		if (json_object_get(doc, top[i]))
			json_object_set(asset, top[i], json_object_get(doc, top[i]));
	json_object_del(cfg, "collected");
	json_object_del(cfg, "kind");
	json_object_set_new(asset, "config", cfg);
	rc = norm_image(set, NULL, name, asset, r);
	json_decref(asset);
	if (rc < 0)
		return rc;
	json_array_foreach(c, i, item)
		if (json_is_string(item) && catalog_dataset(json_string_value(item)) &&
		    json_array_append(( *r)->collected, item) < 0)
			return err_set(ERR_NOMEM, "out of memory");
	return 0;
}

int input_normalise(struct input *in, struct resource_set *set)
{
	const char *k;
	json_t *v, *doc;
	size_t i;
	int rc = 0;

	set->documents += in->documents;
	/* The manifests given are the whole cluster: every Kubernetes data set is what they hold. */
	for (i = 0; json_array_size(in->k8s) && k8s_datasets[i] && rc == 0; i++)
		rc = resource_set_collected(set, k8s_datasets[i]);
	if (rc < 0 || (json_array_size(in->k8s) && (rc = norm_k8s(set, in->k8s, in->k8s_origins, NULL)) < 0))
		return rc;
	json_array_foreach(in->docs, i, doc) {
		struct resource *r = NULL;

		if (!strcmp(jsonx_strz(doc, "kind"), "image")) {
			rc = image_doc(set, doc, &r);
		} else {
			rc = norm_cloud(set, doc, &r);
			if (rc == ERR_INVALID) {
				/* A document we cannot place is counted, not fatal: the rest is still judged. */
				rc = resource_skip(set, jsonx_str(doc, "kind"));
				continue;
			}
		}
		if (rc < 0)
			return rc;
		if ((rc = norm_set_origin(r, in->doc_origins, i)) < 0)
			return rc;
	}
	json_object_foreach(in->skipped, k, v) {
		json_t *n = json_object_get(set->skipped, k);

		if (json_object_set_new(set->skipped, k, json_integer((n ? json_integer_value(n) : 0) + json_integer_value(v))) < 0)
			return ERR_NOMEM;
	}
	return 0;
}
