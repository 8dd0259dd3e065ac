#include "waiver.h"

#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>

#include "core/crypto.h"
#include "core/err.h"
#include "core/jsonx.h"
#include "core/schema.h"
#include "core/strbuf.h"
#include "core/ydoc.h"

#define WAIVER_FILE_MAX (8 * 1024 * 1024)

static const struct schema_field selector_keys[] = {
	{ "kind", SCH_STRING, 0, NULL, SCH_ANY, NULL },
	{ "namespace", SCH_STRING, 0, NULL, SCH_ANY, NULL },
	{ "name", SCH_STRING, 0, NULL, SCH_ANY, NULL },
	{ "key", SCH_STRING, 0, NULL, SCH_ANY, NULL },
	{ "company", SCH_STRING, 0, NULL, SCH_ANY, NULL },
	{ NULL, 0, 0, NULL, 0, NULL },
};

static const struct schema_field waiver_keys[] = {
	{ "rule", SCH_STRING, 1, NULL, SCH_ANY, NULL },
	{ "resource", SCH_OBJECT, 1, selector_keys, SCH_ANY, NULL },
	{ "reason", SCH_STRING, 1, NULL, SCH_ANY, NULL },
	{ "owner", SCH_STRING, 1, NULL, SCH_ANY, NULL },
	{ "expires", SCH_DATE, 1, NULL, SCH_ANY, NULL },
	{ "approved_by", SCH_STRING, 0, NULL, SCH_ANY, NULL },
	{ "ticket", SCH_STRING, 0, NULL, SCH_ANY, NULL },
	{ NULL, 0, 0, NULL, 0, NULL },
};

static const struct schema_field top_keys[] = {
	{ "waivers", SCH_LIST, 1, waiver_keys, SCH_OBJECT, NULL },
	{ NULL, 0, 0, NULL, 0, NULL },
};

void waivers_release(struct waiver_set *ws)
{
	free(ws->v);
	free(ws->file);
	json_decref(ws->doc);
	memset(ws, 0, sizeof(*ws));
}

int waivers_load_buffer(struct waiver_set *ws, const char *buf, size_t len, const char *name,
			const struct util_date *as_of)
{
	struct ydoc_limits lim = { 200000, 32 };
	struct ydoc_map *pos = NULL;
	struct schema_ctx ctx;
	struct strbuf where = STRBUF_INIT, hex = STRBUF_INIT;
	struct util_date exp;
	json_t *list, *w;
	size_t i;
	int rc;

	memset(ws, 0, sizeof(*ws));
	if (len > WAIVER_FILE_MAX)
		return err_set(ERR_LIMIT, "%s: a waivers file is at most %d bytes", name, WAIVER_FILE_MAX);
	if ((rc = ydoc_load(buf, len, name, &lim, &ws->doc, &pos)) < 0)
		goto cleanup;
	ctx.file = name;
	ctx.pos = pos;
	if (!json_is_object(ws->doc)) {
		rc = schema_error(&ctx, "", "a waivers file is a mapping with a 'waivers' list");
		goto cleanup;
	}
	if ((rc = schema_check_object(&ctx, ws->doc, "", "waivers file", top_keys, NULL)) < 0)
		goto cleanup;
	list = json_object_get(ws->doc, "waivers");
	if (json_array_size(list) > WAIVER_MAX) {
		rc = schema_error(&ctx, "waivers", "more than %d waivers", WAIVER_MAX);
		goto cleanup;
	}
	if (!(ws->v = calloc(json_array_size(list) + 1, sizeof(*ws->v))) || !(ws->file = strdup(name))) {
		rc = err_set(ERR_NOMEM, "out of memory");
		goto cleanup;
	}
	json_array_foreach(list, i, w) {
		struct waiver *wv = &ws->v[ws->n];
		const json_t *sel = json_object_get(w, "resource");
		const struct ydoc_pos *p;

		strbuf_reset(&where);
		strbuf_addf(&where, "waivers[%zu]", i);
		wv->rule = jsonx_str(w, "rule");
		wv->reason = jsonx_str(w, "reason");
		wv->owner = jsonx_str(w, "owner");
		wv->expires = jsonx_str(w, "expires");
		wv->kind = jsonx_str(sel, "kind");
		wv->ns = jsonx_str(sel, "namespace");
		wv->name = jsonx_str(sel, "name");
		wv->key = jsonx_str(sel, "key");
		wv->company = jsonx_str(sel, "company");
		if (!*wv->reason || !*wv->owner) {
			rc = schema_error(&ctx, where.buf, "a waiver needs a reason and an owner");
			goto cleanup;
		}
		if (!json_object_size(sel)) {
			rc = schema_error(&ctx, where.buf, "'resource' must select something (kind, namespace, name, key, "
							   "company); write name: \"*\" to mean every resource");
			goto cleanup;
		}
		p = ydoc_pos_get(pos, where.buf);
		wv->line = p ? p->line : 0;
		util_date_parse(wv->expires, &exp); /* checked by the schema */
		wv->expired = as_of && util_date_days(as_of) > util_date_days(&exp);
		ws->n++;
	}
	if ((rc = sha256_hex(&hex, buf, len)) < 0)
		goto cleanup;
	snprintf(ws->digest, sizeof(ws->digest), "sha256:%s", hex.buf);
	ws->size = (long long)len;
cleanup:
	ydoc_map_free(pos);
	strbuf_release(&where);
	strbuf_release(&hex);
	if (rc < 0)
		waivers_release(ws);
	return rc;
}

int waivers_load(struct waiver_set *ws, const char *path, const struct util_date *as_of)
{
	struct strbuf text = STRBUF_INIT;
	int rc;

	strbuf_init(&text, WAIVER_FILE_MAX);
	memset(ws, 0, sizeof(*ws));
	if ((rc = strbuf_read_file(&text, path)) < 0)
		rc = err_prefix(rc, "%s", path);
	else
		rc = waivers_load_buffer(ws, text.buf, text.len, path, as_of);
	strbuf_release(&text);
	return rc;
}

static int glob_ok(const char *pattern, const char *s)
{
	return !pattern || fnmatch(pattern, s ? s : "", 0) == 0;
}

struct waiver *waivers_match(struct waiver_set *ws, const char *rule, const struct resource *r)
{
	size_t i;

	for (i = 0; ws && i < ws->n; i++) {
		struct waiver *w = &ws->v[i];

		if (glob_ok(w->rule, rule) && glob_ok(w->kind, r->kind) && glob_ok(w->ns, r->ns) &&
		    glob_ok(w->name, r->name) && glob_ok(w->key, r->asset_key ? r->asset_key : r->key) &&
		    glob_ok(w->company, r->company))
			return w;
	}
	return NULL;
}

json_t *waiver_to_json(const struct waiver_set *ws, const struct waiver *w)
{
	return json_pack("{s:s, s:s, s:s, s:s, s:b, s:s, s:i}", "rule", w->rule, "reason", w->reason, "owner", w->owner,
			 "expires", w->expires, "expired", w->expired, "file", ws->file, "line", w->line);
}
