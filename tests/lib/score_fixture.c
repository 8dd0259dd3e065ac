#include "score_fixture.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "connectors/connector.h"
#include "core/err.h"
#include "core/finding.h"
#include "core/jsonx.h"
#include "th.h"

json_t *sf_spec(void)
{
	char *path = th_repo_path("tests/scoring/store.json");
	struct strbuf text = STRBUF_INIT;
	json_t *doc = NULL;

	th_read(path, &text);
	ck_assert_int_eq(jsonx_parse(text.buf, text.len, path, &doc), 0);
	strbuf_release(&text);
	free(path);
	return doc;
}

json_t *sf_finding(const json_t *sf)
{
	const json_t *asset = json_object_get(sf, "asset");
	const char *skip[] = { "stage", "company", "kind", "rule", "asset", "component", "title", "severity",
			       "severity_source", NULL };
	const char *key;
	json_t *f = NULL, *v;
	size_t i;

	ck_assert_int_eq(finding_new(&f, jsonx_str(sf, "company"), jsonx_str(sf, "kind"), jsonx_str(sf, "rule"),
				     json_string_value(json_array_get(asset, 0)),
				     json_string_value(json_array_get(asset, 1)),
				     json_string_value(json_array_get(asset, 2)), jsonx_strz(sf, "component")),
			 0);
	ck_assert_int_eq(finding_describe(f, jsonx_str(sf, "title"), jsonx_str(sf, "severity"),
					  jsonx_str(sf, "severity_source")),
			 0);
	json_object_foreach((json_t *)sf, key, v) {
		for (i = 0; skip[i] && strcmp(skip[i], key); i++)
			;
		if (!skip[i])
			json_object_set(f, key, v);
	}
	return f;
}

static void load_store(struct store *st, const struct engagement *eng, const json_t *spec)
{
	const json_t *a, *e, *f, *c, *s;
	int64_t *ids;
	size_t i;
	struct strbuf text = STRBUF_INIT;

	for (i = 0; i < eng->ncompanies; i++)
		ck_assert_int_eq(store_company_put(st, eng->companies[i].id, eng->companies[i].name,
						   eng->companies[i].role), 0);
	json_array_foreach(json_object_get(spec, "sources"), i, s) {
		ck_assert_int_eq(store_source_put(st, jsonx_str(s, "id"), jsonx_str(s, "company"), jsonx_str(s, "type"), 0,
						  NULL), 0);
		ck_assert_int_eq(store_source_set_status(st, jsonx_str(s, "id"), jsonx_str(s, "status"),
							 jsonx_str(s, "error")), 0);
	}
	ids = calloc(json_array_size(json_object_get(spec, "assets")) + 1, sizeof(*ids));
	json_array_foreach(json_object_get(spec, "assets"), i, a) {
		json_t *doc = json_deep_copy(json_object_get(a, "doc"));

		jsonx_set_str(doc, "source", jsonx_str(a, "source"));
		ck_assert_int_eq(store_asset_put(st, jsonx_str(a, "company"), jsonx_str(a, "source"), jsonx_str(a, "kind"),
						 jsonx_str(a, "key"), jsonx_str(a, "name") ? jsonx_str(a, "name") : jsonx_str(a, "key"),
						 doc, &ids[i]), 0);
		json_decref(doc);
	}
	json_array_foreach(json_object_get(spec, "edges"), i, e)
		ck_assert_int_eq(store_edge_put(st, ids[json_integer_value(json_array_get(e, 0))],
						ids[json_integer_value(json_array_get(e, 1))],
						json_string_value(json_array_get(e, 2))), 0);
	json_array_foreach(json_object_get(spec, "findings"), i, f) {
		json_t *doc = sf_finding(f);

		ck_assert_int_eq(store_finding_put(st, jsonx_str(f, "stage"), doc), 0);
		json_decref(doc);
	}
	json_array_foreach(json_object_get(spec, "cache"), i, c) {
		strbuf_reset(&text);
		ck_assert_int_eq(jsonx_dump_canonical(&text, json_object_get(c, "value")), 0);
		ck_assert_int_eq(store_cache_put(st, jsonx_str(c, "ns"), jsonx_str(c, "key"), text.buf, text.len), 0);
	}
	strbuf_release(&text);
	free(ids);
}

static void copy_file(const char *from_rel, const char *to, const char *extra)
{
	char *from = th_repo_path(from_rel);
	struct strbuf text = STRBUF_INIT;

	th_read(from, &text);
	if (extra)
		strbuf_addstr(&text, extra);
	th_write(to, text.buf);
	strbuf_release(&text);
	free(from);
}

void sf_open(struct sf_env *e, const json_t *spec, const char *scoring_extra)
{
	struct strbuf p = STRBUF_INIT;

	memset(e, 0, sizeof(*e));
	e->dir = th_tmpdir();
	strbuf_addf(&p, "%s/manual.yaml", e->dir);
	copy_file("tests/scoring/manual.yaml", p.buf, NULL);
	strbuf_reset(&p);
	strbuf_addf(&p, "%s/engagement.yaml", e->dir);
	copy_file("tests/scoring/engagement.yaml", p.buf, scoring_extra);
	ck_assert_msg(engagement_load(&e->eng, p.buf, connector_type_info) == 0, "%s", err_last());
	strbuf_reset(&p);
	strbuf_addf(&p, "%s/store.sqlite", e->dir);
	ck_assert_int_eq(store_open(&e->st, p.buf), 0);
	load_store(e->st, e->eng, spec);
	e->ctx.eng = e->eng;
	e->ctx.st = e->st;
	e->ctx.out_dir = e->dir;
	strbuf_release(&p);
}

void sf_close(struct sf_env *e)
{
	store_close(e->st);
	engagement_free(e->eng);
	if (e->dir[0])
		th_rm_rf(e->dir);
	free(e->dir);
	memset(e, 0, sizeof(*e));
}

json_t *sf_model_doc(const json_t *spec)
{
	json_t *doc = json_pack("{s:[{s:s, s:s, s:s}, {s:s, s:s, s:s}], s:O, s:[], s:[], s:[], s:{}}", "companies", "id",
				"heron", "name", "Heron Logistics AG", "role", "acquirer", "id", "kestrel", "name",
				"Kestrel Payments", "role", "target", "sources", json_object_get(spec, "sources"),
				"assets", "edges", "findings", "results");
	const json_t *a, *e, *f, *c;
	size_t i;

	json_array_foreach(json_object_get(spec, "assets"), i, a) {
		json_t *o = json_deep_copy(a);

		json_object_set_new(o, "id", json_integer((json_int_t)i + 1));
		if (!jsonx_str(o, "name"))
			jsonx_set_str(o, "name", jsonx_str(a, "key"));
		json_array_append_new(json_object_get(doc, "assets"), o);
	}
	json_array_foreach(json_object_get(spec, "edges"), i, e)
		json_array_append_new(json_object_get(doc, "edges"),
				      json_pack("{s:I, s:I, s:s}", "from", json_integer_value(json_array_get(e, 0)) + 1,
						"to", json_integer_value(json_array_get(e, 1)) + 1, "kind",
						json_string_value(json_array_get(e, 2))));
	json_array_foreach(json_object_get(spec, "findings"), i, f)
		json_array_append_new(json_object_get(doc, "findings"), sf_finding(f));
	json_array_foreach(json_object_get(spec, "cache"), i, c)
		if (!strcmp(jsonx_strz(c, "ns"), "assess-results"))
			json_object_set(json_object_get(doc, "results"), jsonx_str(c, "key"), json_object_get(c, "value"));
	return doc;
}
