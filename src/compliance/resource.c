#include "resource.h"

#include <stdlib.h>
#include <string.h>

#include "core/err.h"
#include "core/strbuf.h"
#include "core/util.h"

int resource_set_init(struct resource_set *s)
{
	memset(s, 0, sizeof(*s));
	s->collected = json_array();
	s->unreadable = json_object();
	s->skipped = json_object();
	if (!s->collected || !s->unreadable || !s->skipped) {
		resource_set_release(s);
		return err_set(ERR_NOMEM, "out of memory");
	}
	return 0;
}

void resource_set_release(struct resource_set *s)
{
	size_t i;

	for (i = 0; i < s->n; i++) {
		struct resource *r = &s->v[i];

		free(r->kind);
		free(r->ns);
		free(r->name);
		free(r->key);
		free(r->file);
		free(r->company);
		free(r->asset_kind);
		free(r->asset_key);
		json_decref(r->doc);
		json_decref(r->collected);
		json_decref(r->unreadable);
	}
	free(s->v);
	json_decref(s->collected);
	json_decref(s->unreadable);
	json_decref(s->skipped);
	memset(s, 0, sizeof(*s));
}

int resource_add(struct resource_set *s, const char *kind, const char *ns, const char *name, const char *key,
		 json_t *doc, struct resource **out)
{
	struct strbuf k = STRBUF_INIT;
	struct resource *r;

	if (out)
		*out = NULL;
	if (!doc)
		return err_set(ERR_NOMEM, "out of memory");
	if (s->n >= RESOURCE_MAX) {
		json_decref(doc);
		return err_set(ERR_LIMIT, "more than %d resources", RESOURCE_MAX);
	}
	if (s->n == s->cap) {
		size_t ncap = s->cap ? s->cap * 2 : 32;
		struct resource *nv = realloc(s->v, ncap * sizeof(*nv));

		if (!nv) {
			json_decref(doc);
			return err_set(ERR_NOMEM, "out of memory");
		}
		s->v = nv;
		s->cap = ncap;
	}
	r = &s->v[s->n];
	memset(r, 0, sizeof(*r));
	if (!key) {
		strbuf_addf(&k, "%s/%s%s%s", kind, ns && *ns ? ns : "", ns && *ns ? "/" : "", name ? name : "");
		key = k.buf;
	}
	r->kind = util_strdup(kind);
	r->ns = util_strdup(ns ? ns : "");
	r->name = util_strdup(name ? name : "");
	r->key = util_strdup(key);
	r->doc = doc;
	strbuf_release(&k);
	if (!r->kind || !r->ns || !r->name || !r->key) {
		free(r->kind);
		free(r->ns);
		free(r->name);
		free(r->key);
		json_decref(doc);
		return err_set(ERR_NOMEM, "out of memory");
	}
	s->n++;
	if (out)
		*out = r;
	return 0;
}

int resource_skip(struct resource_set *s, const char *kind)
{
	json_t *n = json_object_get(s->skipped, kind && *kind ? kind : "(no kind)");

	return json_object_set_new(s->skipped, kind && *kind ? kind : "(no kind)",
				   json_integer(n ? json_integer_value(n) + 1 : 1)) < 0
		       ? ERR_NOMEM
		       : 0;
}

static int has(const json_t *list, const char *s)
{
	json_t *item;
	size_t i;

	json_array_foreach(list, i, item)
		if (json_is_string(item) && !strcmp(json_string_value(item), s))
			return 1;
	return 0;
}

int resource_set_collected(struct resource_set *s, const char *ds)
{
	if (has(s->collected, ds))
		return 0;
	return json_array_append_new(s->collected, json_string(ds)) < 0 ? ERR_NOMEM : 0;
}

const char *resource_missing(const struct resource_set *s, const struct resource *r, const char *ds)
{
	const char *why;

	if (r->unreadable && (why = json_string_value(json_object_get(r->unreadable, ds))))
		return why;
	if ((why = json_string_value(json_object_get(s->unreadable, ds))))
		return why;
	if (r->collected ? has(r->collected, ds) : has(s->collected, ds))
		return NULL;
	if (r->collected && has(s->collected, ds))
		return NULL;
	return "not collected";
}
