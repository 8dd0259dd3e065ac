/*
 * Images and cloud documents, normalised.
 */
#include <stdlib.h>
#include <string.h>

#include "catalog.h"
#include "core/err.h"
#include "core/jsonx.h"
#include "core/strbuf.h"
#include "core/util.h"
#include "normalise.h"

/* "8080/tcp" as {port, protocol}; NULL when it is not a port. */
static json_t *port_of(const char *s)
{
	char *end;
	long n = strtol(s, &end, 10);

	if (end == s || n < 0 || n > 65535 || (*end && *end != '/'))
		return NULL;
	return json_pack("{s:i, s:s}", "port", (int)n, "protocol", *end == '/' ? end + 1 : "tcp");
}

int norm_image(struct resource_set *out, const char *key, const char *name, const json_t *asset, struct resource **res_out)
{
	const json_t *cfg = json_object_get(asset, "config"), *v;
	json_t *doc = json_object(), *ports;
	struct resource *r = NULL;
	const char *k;
	size_t i;
	int rc;

	if (res_out)
		*res_out = NULL;
	if (!doc)
		return err_set(ERR_NOMEM, "out of memory");
	jsonx_set_str(doc, "kind", "image");
	jsonx_set_str(doc, "ref", jsonx_str(asset, "ref"));
	jsonx_set_str(doc, "name", name ? name : key);
	json_object_foreach((json_t *)asset, k, v)
		if (!strcmp(k, "platform") || !strcmp(k, "architecture") || !strcmp(k, "os_type") || !strcmp(k, "created") ||
		    !strcmp(k, "os") || !strcmp(k, "manifest_digest") || !strcmp(k, "config_digest"))
			json_object_set(doc, k, (json_t *)v);
	if (json_is_object(cfg)) {
		json_object_foreach((json_t *)cfg, k, v)
			if (strcmp(k, "kind") && strcmp(k, "name"))
				json_object_set(doc, k, (json_t *)v);
		/* No USER instruction means the image runs as root: say so with "". */
		if (!json_is_string(json_object_get(doc, "user")))
			jsonx_set_str(doc, "user", "");
		if (!(ports = json_array())) {
			json_decref(doc);
			return err_set(ERR_NOMEM, "out of memory");
		}
		json_array_foreach(json_object_get(cfg, "exposed_ports"), i, v) {
			json_t *p = json_is_string(v) ? port_of(json_string_value(v)) : NULL;

			if (p)
				json_array_append_new(ports, p);
		}
		json_object_set_new(doc, "ports", ports);
	}
	if (json_is_array(json_object_get(asset, "setuid_files")))
		json_object_set(doc, "setuid_files", json_object_get(asset, "setuid_files"));
	if ((rc = resource_add(out, "image", "", name ? name : key ? key : "", key, doc, &r)) < 0)
		return rc;
	if (!(r->collected = json_array()))
		return err_set(ERR_NOMEM, "out of memory");
	if (json_is_array(json_object_get(asset, "setuid_files")))
		json_array_append_new(r->collected, json_string("image.files"));
	if (json_is_object(cfg)) {
		json_array_append_new(r->collected, json_string("image.config"));
	} else {
		r->unreadable = json_pack("{s:s}", "image.config",
					  "the scan stage kept no configuration for this image (see its coverage gap)");
	}
	if (res_out)
		*res_out = r;
	return 0;
}

int norm_cloud(struct resource_set *out, const json_t *doc, struct resource **res_out)
{
	const char *kind = jsonx_str(doc, "kind"), *id, *name, *scope;
	struct strbuf key = STRBUF_INIT;
	const json_t *c = json_object_get(doc, "collected"), *u = json_object_get(doc, "unreadable"), *item;
	struct resource *r = NULL;
	size_t i;
	int rc;

	if (res_out)
		*res_out = NULL;
	if (!kind || !catalog_kind(kind) || !strcmp(kind, "image") || util_has_prefix(kind, "k8s."))
		return err_set(ERR_INVALID, "'%s' is not a cloud resource kind (docs/resources.md)", kind ? kind : "");
	id = jsonx_str(doc, "arn") ? jsonx_str(doc, "arn") : jsonx_str(doc, "id");
	name = jsonx_str(doc, "name") ? jsonx_str(doc, "name") : id;
	if (!name || !*name)
		return err_set(ERR_INVALID, "a %s document needs 'name', 'id' or 'arn'", kind);
	scope = jsonx_str(doc, "region") ? jsonx_str(doc, "region")
		: jsonx_str(doc, "account_id") ? jsonx_str(doc, "account_id")
		: jsonx_str(doc, "subscription_id") ? jsonx_str(doc, "subscription_id")
		: jsonx_strz(doc, "project_id");
	if (c && (!json_is_array(c) || json_array_size(c) > 256))
		return err_set(ERR_INVALID, "'collected' is a list of data set names");
	json_array_foreach(c, i, item)
		if (!json_is_string(item) || !catalog_dataset(json_string_value(item)))
			return err_set(ERR_INVALID, "'collected' names an unknown data set '%s'",
				       json_is_string(item) ? json_string_value(item) : "?");
	if (u && !json_is_object(u))
		return err_set(ERR_INVALID, "'unreadable' maps data set names to reasons");
	strbuf_addf(&key, "%s/%s%s%s", kind, jsonx_strz(doc, "account_id"), jsonx_str(doc, "account_id") ? "/" : "",
		    id ? id : name);
	rc = resource_add(out, kind, scope, name, key.buf, json_deep_copy(doc), &r);
	strbuf_release(&key);
	if (rc < 0)
		return rc;
	/* Without 'collected', the document is taken as complete. */
	if (c) {
		r->collected = json_deep_copy(c);
	} else {
		const struct dataset *d;

		r->collected = json_array();
		for (d = datasets; r->collected && d->name; d++)
			json_array_append_new(r->collected, json_string(d->name));
	}
	if (u)
		r->unreadable = json_deep_copy(u);
	if (!r->collected || (u && !r->unreadable))
		return err_set(ERR_NOMEM, "out of memory");
	if (res_out)
		*res_out = r;
	return 0;
}
