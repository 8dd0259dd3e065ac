#include "k8s_dump.h"

#include <string.h>

#include "core/err.h"
#include "core/jsonx.h"
#include "core/ydoc.h"

/*
 * A dump of a large cluster runs to millions of YAML nodes, but YAML spends
 * several bytes on each: more nodes than a quarter of the bytes means aliases
 * multiplying a small file (a "billion laughs"), which is refused.
 */
#define DUMP_MIN_NODES 100000
#define DUMP_MAX_DEPTH 200

struct dump {
	struct k8s_model *m;
	const char *default_ns;
	k8s_kept_cb cb;
	void *ctx;
	int kept;
};

static int add_obj(struct dump *d, json_t *obj, const char *kind, const char *api_version)
{
	int rc = k8s_model_add(d->m, obj, kind, api_version, d->default_ns);

	if (rc <= 0)
		return rc;
	d->kept++;
	return d->cb ? d->cb(d->ctx, obj) : 0;
}

static int add_doc(struct dump *d, json_t *doc, int depth)
{
	const char *kind = jsonx_str(doc, "kind");
	json_t *items = json_object_get(doc, "items"), *item;
	struct strbuf item_kind = STRBUF_INIT;
	size_t i, klen;
	int rc = 0;

	if (json_is_array(doc) && depth == 0) {
		json_array_foreach(doc, i, item)
			if ((rc = add_doc(d, item, 1)) < 0)
				return rc;
		return 0;
	}
	if (!json_is_object(doc))
		return 0; /* null documents (a trailing ---) and scalars hold nothing */
	if (json_is_object(json_object_get(doc, "serverVersion")))
		return k8s_model_set_version(d->m, json_object_get(doc, "serverVersion"));
	if (!kind && jsonx_str(doc, "gitVersion"))
		return k8s_model_set_version(d->m, doc);
	klen = kind ? strlen(kind) : 0;
	if (json_is_array(items) && klen >= 4 && !strcmp(kind + klen - 4, "List")) {
		/* A PodList's items carry no kind; a kubectl List's items carry their own. */
		if (strcmp(kind, "List"))
			strbuf_add(&item_kind, kind, klen - 4);
		json_array_foreach(items, i, item) {
			if ((rc = add_obj(d, item, item_kind.len ? item_kind.buf : NULL,
					  item_kind.len ? jsonx_str(doc, "apiVersion") : NULL)) < 0)
				break;
		}
		strbuf_release(&item_kind);
		return rc;
	}
	return add_obj(d, doc, NULL, NULL);
}

static int on_yaml(void *ctx, int index, json_t *doc, const struct ydoc_map *pos)
{
	(void)index;
	(void)pos;
	return add_doc(ctx, doc, 0);
}

static int read_json(struct dump *d, const char *buf, size_t len, const char *name)
{
	json_error_t e;
	size_t off = 0;
	json_t *doc;
	int rc = 0;

	for (;;) {
		while (off < len && (buf[off] == ' ' || buf[off] == '\t' || buf[off] == '\r' || buf[off] == '\n'))
			off++;
		if (off >= len)
			break;
		doc = json_loadb(buf + off, len - off, JSON_DISABLE_EOF_CHECK | JSON_DECODE_ANY, &e);
		if (!doc)
			return err_set(ERR_PARSE, "%s: byte %zu: %s", name, off + (size_t)(e.position > 0 ? e.position : 0),
				       e.text);
		off += (size_t)e.position;
		rc = add_doc(d, doc, 0);
		json_decref(doc);
		if (rc < 0)
			return rc;
	}
	return 0;
}

int k8s_dump_read(struct k8s_model *m, const char *buf, size_t len, const char *name, const char *default_ns,
		  k8s_kept_cb cb, void *ctx)
{
	struct ydoc_limits lim = { DUMP_MIN_NODES + len / 4, DUMP_MAX_DEPTH };
	struct dump d = { m, default_ns, cb, ctx, 0 };
	size_t lead = 0;
	int rc;

	if (len > K8S_DUMP_MAX_BYTES)
		return err_set(ERR_LIMIT, "%s: larger than %zu bytes", name, K8S_DUMP_MAX_BYTES);
	if (memchr(buf, 0, len))
		return err_set(ERR_PARSE, "%s: a NUL byte: not a JSON or YAML text file", name);
	while (lead < len && (buf[lead] == ' ' || buf[lead] == '\t' || buf[lead] == '\r' || buf[lead] == '\n'))
		lead++;
	if (lead < len && (buf[lead] == '{' || buf[lead] == '['))
		rc = read_json(&d, buf, len, name);
	else
		rc = ydoc_load_stream(buf, len, name, &lim, on_yaml, &d);
	return rc < 0 ? rc : d.kept;
}
