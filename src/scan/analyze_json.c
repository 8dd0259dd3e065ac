/* The layer result as JSON, for the per-layer cache in the engagement store. */
#include <stdlib.h>
#include <string.h>

#include "analyze.h"
#include "core/err.h"
#include "core/jsonx.h"

static json_t *str_array(char **v, size_t n)
{
	json_t *a = json_array();
	size_t i;

	for (i = 0; a && i < n; i++)
		json_array_append_new(a, json_string(v[i]));
	return a;
}

json_t *layer_result_to_json(const struct layer_result *r)
{
	json_t *j = json_object(), *sources = json_array(), *texts = json_array(), *links = json_array(),
	       *secrets = json_array(), *paths = json_array(), *specials = json_array(), *pk, *s;
	size_t i, k;
	char hex[17];

	if (!j || !sources || !texts || !links || !secrets || !paths || !specials)
		goto fail;
	for (i = 0; i < r->nsources; i++) {
		pk = json_array();
		for (k = 0; k < r->sources[i].pkgs.n; k++)
			json_array_append_new(pk, pkg_to_json(&r->sources[i].pkgs.v[k]));
		s = json_pack("{s:s, s:s, s:o, s:I}", "path", r->sources[i].path, "handler", r->sources[i].handler,
			      "packages", pk, "size", (json_int_t)r->sources[i].size);
		if (!s)
			goto fail;
		jsonx_set_str(s, "error", r->sources[i].error);
		jsonx_set_str(s, "digest", r->sources[i].digest);
		if (r->sources[i].nowned) {
			json_t *owned = json_array();

			for (k = 0; k < r->sources[i].nowned; k++) {
				snprintf(hex, sizeof(hex), "%016llx", (unsigned long long)r->sources[i].owned[k]);
				json_array_append_new(owned, json_string(hex));
			}
			json_object_set_new(s, "owned", owned);
		}
		json_array_append_new(sources, s);
	}
	for (i = 0; i < r->ntexts; i++) {
		s = json_pack("{s:s, s:s}", "path", r->texts[i].path, "text", r->texts[i].text);
		if (!s) /* release files that are not UTF-8 are not worth keeping */
			continue;
		jsonx_set_str(s, "digest", r->texts[i].digest);
		json_array_append_new(texts, s);
	}
	for (i = 0; i < r->nlinks; i++)
		json_array_append_new(links, json_pack("[s, s]", r->links[i].path, r->links[i].target));
	for (i = 0; i < r->secrets.n; i++)
		json_array_append_new(secrets, secret_to_json(&r->secrets.v[i]));
	for (i = 0; i < r->nspecials; i++)
		json_array_append_new(specials, json_pack("[s, i]", r->specials[i].path, (int)r->specials[i].mode));
	for (i = 0; i < r->npaths; i++) {
		snprintf(hex, sizeof(hex), "%016llx", (unsigned long long)r->paths[i]);
		json_array_append_new(paths, json_string(hex));
	}
	json_object_set_new(j, "sources", sources);
	json_object_set_new(j, "texts", texts);
	json_object_set_new(j, "links", links);
	json_object_set_new(j, "whiteouts", str_array(r->whiteouts, r->nwhiteouts));
	json_object_set_new(j, "opaques", str_array(r->opaques, r->nopaques));
	json_object_set_new(j, "secrets", secrets);
	json_object_set_new(j, "paths", paths);
	json_object_set_new(j, "specials", specials);
	json_object_set_new(j, "stats", json_pack("{s:I, s:I, s:I}", "entries", (json_int_t)r->stats.entries, "expanded",
						  (json_int_t)r->stats.expanded, "compressed",
						  (json_int_t)r->stats.compressed));
	return j;
fail:
	json_decref(j);
	json_decref(sources);
	json_decref(texts);
	json_decref(links);
	json_decref(secrets);
	json_decref(paths);
	json_decref(specials);
	return NULL;
}

static char *dupz(const char *s)
{
	return s ? strdup(s) : NULL;
}

int layer_result_from_json(struct layer_result *r, const json_t *j)
{
	json_t *v, *p;
	size_t i, k;
	int rc = 0;

	memset(r, 0, sizeof(*r));
	r->nsources = r->cap_sources = json_array_size(json_object_get(j, "sources"));
	r->sources = calloc(r->nsources + 1, sizeof(*r->sources));
	r->ntexts = r->cap_texts = json_array_size(json_object_get(j, "texts"));
	r->texts = calloc(r->ntexts + 1, sizeof(*r->texts));
	r->nlinks = r->cap_links = json_array_size(json_object_get(j, "links"));
	r->links = calloc(r->nlinks + 1, sizeof(*r->links));
	r->nwhiteouts = r->cap_whiteouts = json_array_size(json_object_get(j, "whiteouts"));
	r->whiteouts = calloc(r->nwhiteouts + 1, sizeof(char *));
	r->nopaques = r->cap_opaques = json_array_size(json_object_get(j, "opaques"));
	r->opaques = calloc(r->nopaques + 1, sizeof(char *));
	r->npaths = r->cap_paths = json_array_size(json_object_get(j, "paths"));
	r->paths = calloc(r->npaths + 1, sizeof(uint64_t));
	if (!r->sources || !r->texts || !r->links || !r->whiteouts || !r->opaques || !r->paths) {
		rc = err_set(ERR_NOMEM, "out of memory");
		goto fail;
	}
	json_array_foreach(json_object_get(j, "sources"), i, v) {
		r->sources[i].path = dupz(jsonx_str(v, "path"));
		r->sources[i].handler = dupz(jsonx_str(v, "handler"));
		r->sources[i].error = dupz(jsonx_str(v, "error"));
		r->sources[i].digest = dupz(jsonx_str(v, "digest"));
		r->sources[i].size = jsonx_int(v, "size", 0);
		if (json_array_size(json_object_get(v, "owned"))) {
			r->sources[i].nowned = json_array_size(json_object_get(v, "owned"));
			r->sources[i].owned = calloc(r->sources[i].nowned, sizeof(uint64_t));
			if (!r->sources[i].owned) {
				rc = err_set(ERR_NOMEM, "out of memory");
				goto fail;
			}
			json_array_foreach(json_object_get(v, "owned"), k, p)
				r->sources[i].owned[k] = strtoull(json_string_value(p) ? json_string_value(p) : "0", NULL, 16);
		}
		json_array_foreach(json_object_get(v, "packages"), k, p) {
			struct pkg one;

			if ((rc = pkg_from_json(&one, p)) < 0)
				goto fail;
			rc = pkg_list_add(&r->sources[i].pkgs, &one);
			pkg_release(&one);
			if (rc < 0)
				goto fail;
		}
		if (!r->sources[i].path || !r->sources[i].handler) {
			rc = err_set(ERR_INTEGRITY, "layer cache entry is damaged");
			goto fail;
		}
	}
	json_array_foreach(json_object_get(j, "texts"), i, v) {
		r->texts[i].path = dupz(jsonx_str(v, "path"));
		r->texts[i].text = dupz(jsonx_str(v, "text"));
		r->texts[i].digest = dupz(jsonx_str(v, "digest"));
		if (!r->texts[i].path || !r->texts[i].text) {
			rc = err_set(ERR_INTEGRITY, "layer cache entry is damaged");
			goto fail;
		}
	}
	json_array_foreach(json_object_get(j, "links"), i, v) {
		r->links[i].path = dupz(json_string_value(json_array_get(v, 0)));
		r->links[i].target = dupz(json_string_value(json_array_get(v, 1)));
		if (!r->links[i].path || !r->links[i].target) {
			rc = err_set(ERR_INTEGRITY, "layer cache entry is damaged");
			goto fail;
		}
	}
	json_array_foreach(json_object_get(j, "whiteouts"), i, v)
		if (!(r->whiteouts[i] = dupz(json_string_value(v))))
			goto damaged;
	json_array_foreach(json_object_get(j, "opaques"), i, v)
		if (!(r->opaques[i] = dupz(json_string_value(v))))
			goto damaged;
	json_array_foreach(json_object_get(j, "specials"), i, v) {
		const char *path = json_string_value(json_array_get(v, 0));

		if (!path || !json_is_integer(json_array_get(v, 1)))
			goto damaged;
		if ((rc = layer_result_add_special(r, path, (unsigned)json_integer_value(json_array_get(v, 1)))) < 0)
			goto fail;
	}
	json_array_foreach(json_object_get(j, "paths"), i, v)
		r->paths[i] = strtoull(json_string_value(v) ? json_string_value(v) : "0", NULL, 16);
	json_array_foreach(json_object_get(j, "secrets"), i, v) {
		struct secret s;

		memset(&s, 0, sizeof(s));
		s.rule = (char *)jsonx_str(v, "rule");
		s.title = (char *)jsonx_str(v, "title");
		s.path = (char *)jsonx_str(v, "path");
		s.line = (size_t)jsonx_int(v, "line", 0);
		s.offset = (uint64_t)jsonx_int(v, "offset", 0);
		s.fingerprint = (char *)jsonx_str(v, "fingerprint");
		s.redacted = (char *)jsonx_str(v, "redacted");
		if (!s.rule || !s.path || !s.fingerprint)
			goto damaged;
		if ((rc = secret_list_add(&r->secrets, &s)) < 0)
			goto fail;
	}
	r->stats.entries = jsonx_int(json_object_get(j, "stats"), "entries", 0);
	r->stats.expanded = jsonx_int(json_object_get(j, "stats"), "expanded", 0);
	r->stats.compressed = jsonx_int(json_object_get(j, "stats"), "compressed", 0);
	return 0;
damaged:
	rc = err_set(ERR_INTEGRITY, "layer cache entry is damaged");
fail:
	layer_result_release(r);
	return rc;
}
