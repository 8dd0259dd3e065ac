/* ydoc: YAML to JSON with positions, limits and the core schema. */
#include <check.h>
#include <string.h>

#include "core/err.h"
#include "core/jsonx.h"
#include "core/ydoc.h"
#include "th.h"

static json_t *load(const char *text, struct ydoc_map **pos)
{
	json_t *doc = NULL;

	ck_assert_msg(ydoc_load(text, strlen(text), "t.yaml", NULL, &doc, pos) == 0, "%s", err_last());
	return doc;
}

START_TEST(scalars_follow_the_core_schema)
{
	json_t *d = load("a: 1\nb: -2.5\nc: true\nd: yes\ne: ~\nf: '1'\ng: 2026-11-01\nh: 0x1f\ni: \"x\\ty\"\nj:\n", NULL);

	ck_assert_int_eq(json_integer_value(json_object_get(d, "a")), 1);
	ck_assert(json_is_real(json_object_get(d, "b")));
	ck_assert(json_is_true(json_object_get(d, "c")));
	ck_assert_str_eq(jsonx_str(d, "d"), "yes");
	ck_assert(json_is_null(json_object_get(d, "e")));
	ck_assert_str_eq(jsonx_str(d, "f"), "1");
	ck_assert_str_eq(jsonx_str(d, "g"), "2026-11-01");
	ck_assert_int_eq(json_integer_value(json_object_get(d, "h")), 31);
	ck_assert_str_eq(jsonx_str(d, "i"), "x\ty");
	ck_assert(json_is_null(json_object_get(d, "j")));
	json_decref(d);
}
END_TEST

START_TEST(positions_of_keys_and_values)
{
	struct ydoc_map *pos = NULL;
	json_t *d = load("top:\n  list:\n    - name: a\n    - name: b\n      odd.key: 3\n", &pos);
	const struct ydoc_pos *p;

	p = ydoc_pos_get(pos, "top.list[1].name");
	ck_assert_ptr_nonnull(p);
	ck_assert_int_eq(p->line, 4);
	ck_assert_int_eq(p->col, 13);
	p = ydoc_pos_get(pos, "top.list[1].name@key");
	ck_assert_int_eq(p->line, 4);
	ck_assert_int_eq(p->col, 7);
	p = ydoc_pos_get(pos, "top.list[1][\"odd.key\"]@key");
	ck_assert_ptr_nonnull(p);
	ck_assert_int_eq(p->line, 5);
	p = ydoc_pos_near(pos, "top.list[1].missing");
	ck_assert_int_eq(p->line, 4);
	ydoc_map_free(pos);
	json_decref(d);
}
END_TEST

START_TEST(json_is_yaml)
{
	json_t *d = load("{\"a\":[1,2,{\"b\":\"\\u00e9\"}],\n\t\"c\": null}", NULL);

	ck_assert_int_eq(json_array_size(json_object_get(d, "a")), 3);
	ck_assert_str_eq(jsonx_str(json_array_get(json_object_get(d, "a"), 2), "b"), "é");
	json_decref(d);
}
END_TEST

START_TEST(errors_name_file_line_column)
{
	json_t *d = NULL;
	const char *bad = "a: 1\nb: [1, 2\nc: 3\n";

	ck_assert_int_eq(ydoc_load(bad, strlen(bad), "bad.yaml", NULL, &d, NULL), ERR_PARSE);
	ck_assert_msg(strstr(err_last(), "bad.yaml:") == err_last(), "%s", err_last());
	ck_assert_int_eq(ydoc_load("a: 1\na: 2\n", 10, "dup.yaml", NULL, &d, NULL), ERR_PARSE);
	ck_assert_msg(strstr(err_last(), "dup.yaml:2:1: duplicate key 'a'"), "%s", err_last());
	ck_assert_int_eq(ydoc_load("a: *nope\n", 9, "x", NULL, &d, NULL), ERR_PARSE);
	ck_assert_msg(strstr(err_last(), "names no anchor"), "%s", err_last());
}
END_TEST

START_TEST(alias_bomb_is_capped)
{
	const char *bomb = "a: &a [x, x, x, x, x, x, x, x, x, x]\n"
			   "b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
			   "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\n"
			   "d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\n"
			   "e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]\n"
			   "f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e, *e]\n"
			   "g: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f, *f]\n"
			   "h: &h [*g, *g, *g, *g, *g, *g, *g, *g, *g, *g]\n"
			   "i: &i [*h, *h, *h, *h, *h, *h, *h, *h, *h, *h]\n";
	json_t *d = NULL;

	ck_assert_int_eq(ydoc_load(bomb, strlen(bomb), "bomb.yaml", NULL, &d, NULL), ERR_LIMIT);
	ck_assert_msg(strstr(err_last(), "alias expansion is capped"), "%s", err_last());
}
END_TEST

START_TEST(aliases_and_merge_keys)
{
	json_t *d = load("base: &b {x: 1, y: 2}\nuse:\n  <<: *b\n  y: 3\nref: *b\n", NULL);

	ck_assert_int_eq(jsonx_int(json_object_get(d, "use"), "x", 0), 1);
	ck_assert_int_eq(jsonx_int(json_object_get(d, "use"), "y", 0), 3);
	ck_assert_int_eq(jsonx_int(json_object_get(d, "ref"), "y", 0), 2);
	json_decref(d);
}
END_TEST

START_TEST(self_reference_refused_and_depth_capped)
{
	struct strbuf deep = STRBUF_INIT;
	json_t *d = NULL;
	int i;

	ck_assert_int_eq(ydoc_load("&a [*a]", 7, "x", NULL, &d, NULL), ERR_PARSE);
	/* Found by fuzz_ydoc: an anchor reused inside the node that defines it leaked. */
	ck_assert_int_eq(ydoc_load("&M [&M x, *M]", 13, "x", NULL, &d, NULL), 0);
	json_decref(d);
	for (i = 0; i < 500; i++)
		strbuf_addch(&deep, '[');
	ck_assert_int_eq(ydoc_load(deep.buf, deep.len, "deep", NULL, &d, NULL), ERR_LIMIT);
	strbuf_release(&deep);
}
END_TEST

struct count_ctx {
	int docs;
	int nulls;
};

static int count_docs(void *vctx, int index, json_t *doc, const struct ydoc_map *pos)
{
	struct count_ctx *c = vctx;

	(void)index;
	(void)pos;
	c->docs++;
	c->nulls += json_is_null(doc);
	return 0;
}

START_TEST(streams_of_documents)
{
	const char *s = "a: 1\n---\nb: 2\n---\n---\nkind: List\n";
	struct count_ctx c = { 0, 0 };

	ck_assert_int_eq(ydoc_load_stream(s, strlen(s), "m.yaml", NULL, count_docs, &c), 0);
	ck_assert_int_eq(c.docs, 4);
	ck_assert_int_eq(c.nulls, 1);
}
END_TEST

Suite *ydoc_suite(void)
{
	Suite *s = suite_create("ydoc");
	TCase *tc = tcase_create("ydoc");

	tcase_add_test(tc, scalars_follow_the_core_schema);
	tcase_add_test(tc, positions_of_keys_and_values);
	tcase_add_test(tc, json_is_yaml);
	tcase_add_test(tc, errors_name_file_line_column);
	tcase_add_test(tc, alias_bomb_is_capped);
	tcase_add_test(tc, aliases_and_merge_keys);
	tcase_add_test(tc, self_reference_refused_and_depth_capped);
	tcase_add_test(tc, streams_of_documents);
	suite_add_tcase(s, tc);
	return s;
}
