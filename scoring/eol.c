#include "eol.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "consolidate_int.h"
#include "core/err.h"
#include "core/jsonx.h"
#include "core/schema.h"
#include "core/util.h"
#include "core/ydoc.h"

#define MAX_CYCLES 20000

static const char *const rules[] = { "major", "major.minor", NULL };
static const char *const flavours[] = { "upstream", "eks", "aks", "gke", NULL };

static const struct schema_field cycle_keys[] = {
	{ "cycle", SCH_ANY, 1, NULL, SCH_ANY, NULL },
	{ "eol", SCH_ANY, 1, NULL, SCH_ANY, NULL },
	{ "extended", SCH_DATE, 0, NULL, SCH_ANY, NULL },
	{ NULL, 0, 0, NULL, 0, NULL },
};

static const struct schema_field product_keys[] = {
	{ "id", SCH_STRING, 1, NULL, SCH_ANY, NULL },
	{ "title", SCH_STRING, 1, NULL, SCH_ANY, NULL },
	{ "cycle", SCH_STRING, 1, NULL, SCH_ANY, rules },
	{ "os_id", SCH_LIST, 0, NULL, SCH_STRING, NULL },
	{ "os_image", SCH_LIST, 0, NULL, SCH_STRING, NULL },
	{ "kubernetes", SCH_STRING, 0, NULL, SCH_ANY, flavours },
	{ "runtime", SCH_STRING, 0, NULL, SCH_ANY, NULL },
	{ "cycles", SCH_LIST, 1, cycle_keys, SCH_OBJECT, NULL },
	{ NULL, 0, 0, NULL, 0, NULL },
};

static const struct schema_field top_keys[] = {
	{ "products", SCH_LIST, 1, product_keys, SCH_OBJECT, NULL },
	{ NULL, 0, 0, NULL, 0, NULL },
};

struct eol_table {
	json_t *doc; /* owns every string the cycles point to */
	struct eol_cycle *cycles;
	size_t n;
};

const char *eol_status_name(enum eol_status s)
{
	switch (s) {
	case EOL_SUPPORTED: return "supported";
	case EOL_SOON: return "ending-soon";
	case EOL_EXTENDED: return "extended-support-only";
	case EOL_ENDED: return "end-of-life";
	default: return "unknown";
	}
}

void eol_table_free(struct eol_table *t)
{
	if (!t)
		return;
	json_decref(t->doc);
	free(t->cycles);
	free(t);
}

static int check_cycle(const struct schema_ctx *ctx, const char *path, const json_t *c, struct eol_cycle *out)
{
	struct strbuf p = STRBUF_INIT;
	struct util_date d;
	json_t *eol = json_object_get(c, "eol");
	int rc = 0;

	strbuf_addf(&p, "%s.cycle", path);
	if (!json_is_string(json_object_get(c, "cycle")) || !json_string_length(json_object_get(c, "cycle"))) {
		rc = schema_error(ctx, p.buf, "cycle: expected quoted text such as \"3.20\" (unquoted, YAML reads 3.20 "
					      "as the number 3.2)");
		goto cleanup;
	}
	out->cycle = jsonx_str(c, "cycle");
	strbuf_reset(&p);
	strbuf_addf(&p, "%s.eol", path);
	if (json_is_boolean(eol)) {
		out->eol_flag = json_is_true(eol);
	} else if (json_is_string(eol) && util_date_parse(json_string_value(eol), &d) == 0) {
		out->eol = json_string_value(eol);
	} else {
		rc = schema_error(ctx, p.buf, "eol: expected a date (YYYY-MM-DD), true or false");
		goto cleanup;
	}
	out->extended = jsonx_str(c, "extended");
	if (out->extended && out->eol && strcmp(out->extended, out->eol) < 0) {
		strbuf_reset(&p);
		strbuf_addf(&p, "%s.extended", path);
		rc = schema_error(ctx, p.buf, "extended support (%s) cannot end before standard support (%s)",
				  out->extended, out->eol);
	}
cleanup:
	strbuf_release(&p);
	return rc;
}

int eol_table_parse(struct eol_table **out, const char *buf, size_t len, const char *name)
{
	struct ydoc_limits lim = { 400000, 32 };
	struct ydoc_map *pos = NULL;
	struct schema_ctx ctx = { name, NULL };
	struct eol_table *t = NULL;
	struct strbuf path = STRBUF_INIT;
	json_t *products, *p, *c;
	size_t i, j, k, total = 0;
	int rc;

	*out = NULL;
	if (!(t = calloc(1, sizeof(*t))))
		return err_set(ERR_NOMEM, "out of memory");
	if ((rc = ydoc_load(buf, len, name, &lim, &t->doc, &pos)) < 0)
		goto cleanup;
	ctx.pos = pos;
	if (!json_is_object(t->doc)) {
		rc = schema_error(&ctx, "", "an end-of-life table is a mapping with products");
		goto cleanup;
	}
	if ((rc = schema_check_object(&ctx, t->doc, "", "end-of-life table", top_keys, NULL)) < 0)
		goto cleanup;
	products = json_object_get(t->doc, "products");
	json_array_foreach(products, i, p) {
		total += json_array_size(json_object_get(p, "cycles"));
	}
	if (total > MAX_CYCLES) {
		rc = schema_error(&ctx, "products", "at most %d cycles", MAX_CYCLES);
		goto cleanup;
	}
	if (!(t->cycles = calloc(total + 1, sizeof(*t->cycles)))) {
		rc = err_set(ERR_NOMEM, "out of memory");
		goto cleanup;
	}
	json_array_foreach(products, i, p) {
		const char *id = jsonx_str(p, "id");

		for (j = 0; j < i; j++)
			if (!strcmp(jsonx_strz(json_array_get(products, j), "id"), id)) {
				strbuf_reset(&path);
				strbuf_addf(&path, "products[%zu].id", i);
				rc = schema_error(&ctx, path.buf, "duplicate product '%s'", id);
				goto cleanup;
			}
		json_array_foreach(json_object_get(p, "cycles"), j, c) {
			struct eol_cycle *e = &t->cycles[t->n];

			strbuf_reset(&path);
			strbuf_addf(&path, "products[%zu].cycles[%zu]", i, j);
			e->product = id;
			e->title = jsonx_str(p, "title");
			if ((rc = check_cycle(&ctx, path.buf, c, e)) < 0)
				goto cleanup;
			for (k = 0; k < t->n; k++)
				if (t->cycles[k].product == id && !strcmp(t->cycles[k].cycle, e->cycle)) {
					rc = schema_error(&ctx, path.buf, "%s cycle %s is listed twice", id, e->cycle);
					goto cleanup;
				}
			t->n++;
		}
	}
	*out = t;
	t = NULL;
cleanup:
	if (rc < 0 && rc != ERR_NOMEM)
		rc = err_set(ERR_PARSE, "%s", err_last());
	eol_table_free(t);
	ydoc_map_free(pos);
	strbuf_release(&path);
	return rc;
}

int eol_table_load(struct eol_table **out, const char *templates)
{
	struct strbuf path = STRBUF_INIT, text = STRBUF_INIT;
	int rc;

	*out = NULL;
	if ((rc = cons_template_read(templates, "eol.yaml", &path, &text)) == 0)
		rc = eol_table_parse(out, text.buf, text.len, path.buf);
	strbuf_release(&path);
	strbuf_release(&text);
	return rc;
}

size_t eol_table_size(const struct eol_table *t)
{
	return t->n;
}

const struct eol_cycle *eol_table_at(const struct eol_table *t, size_t i)
{
	return i < t->n ? &t->cycles[i] : NULL;
}

static const json_t *product_doc(const struct eol_table *t, const char *product)
{
	json_t *p;
	size_t i;

	json_array_foreach(json_object_get(t->doc, "products"), i, p) {
		if (!strcmp(jsonx_strz(p, "id"), product))
			return p;
	}
	return NULL;
}

static const struct eol_cycle *find_cycle(const struct eol_table *t, const char *product, const char *cycle)
{
	size_t i;

	for (i = 0; i < t->n; i++)
		if (!strcmp(t->cycles[i].product, product) && !strcmp(t->cycles[i].cycle, cycle))
			return &t->cycles[i];
	return NULL;
}

const struct eol_cycle *eol_lookup(const struct eol_table *t, const char *product, const char *version)
{
	const json_t *p = product_doc(t, product);
	const struct eol_cycle *c;
	char cyc[32];
	size_t n = 0, parts = 0, want;
	const char *s;

	if (!p || !version)
		return NULL;
	if (version[0] == 'v' || version[0] == 'V')
		version++;
	if ((c = find_cycle(t, product, version)))
		return c;
	want = !strcmp(jsonx_strz(p, "cycle"), "major") ? 1 : 2;
	/* Leading digits of the first one or two components: "1.29+" and "29-eks" count as 29. */
	for (s = version; parts < want && n + 1 < sizeof(cyc);) {
		size_t d = 0;

		while (isdigit((unsigned char)s[d]) && n + 1 < sizeof(cyc))
			cyc[n++] = s[d++];
		if (!d)
			break;
		parts++;
		s += d;
		while (*s && *s != '.' && !isdigit((unsigned char)*s) && *s != ' ')
			s++;
		if (parts == want || *s != '.')
			break;
		s++;
		if (n + 1 < sizeof(cyc))
			cyc[n++] = '.';
	}
	if (parts != want)
		return NULL;
	cyc[n] = 0;
	return find_cycle(t, product, cyc);
}

static const char *product_with(const struct eol_table *t, const char *key, const char *value)
{
	json_t *p, *v, *item;
	size_t i, j;

	if (!value)
		return NULL;
	json_array_foreach(json_object_get(t->doc, "products"), i, p) {
		v = json_object_get(p, key);
		if (json_is_string(v) && cons_strcaseeq(json_string_value(v), value))
			return jsonx_str(p, "id");
		json_array_foreach(v, j, item) {
			if (cons_strcaseeq(json_string_value(item), value))
				return jsonx_str(p, "id");
		}
	}
	return NULL;
}

const char *eol_product_for_os(const struct eol_table *t, const char *os_id)
{
	return product_with(t, "os_id", os_id);
}

const char *eol_product_for_kubernetes(const struct eol_table *t, const char *flavour)
{
	return product_with(t, "kubernetes", flavour);
}

const char *eol_product_for_runtime(const struct eol_table *t, const char *runtime)
{
	return product_with(t, "runtime", runtime);
}

const char *eol_product_for_os_image(const struct eol_table *t, const char *os_image, struct strbuf *version)
{
	json_t *p, *v;
	size_t i, j, n;

	strbuf_reset(version);
	if (!os_image)
		return NULL;
	json_array_foreach(json_object_get(t->doc, "products"), i, p) {
		json_array_foreach(json_object_get(p, "os_image"), j, v) {
			const char *pre = json_string_value(v);

			if (!util_has_prefix(os_image, pre))
				continue;
			/* The version is the next word, when it starts with a digit. */
			for (n = 0; os_image[strlen(pre) + n] && os_image[strlen(pre) + n] != ' ' && n < 32; n++)
				;
			if (!n || !isdigit((unsigned char)os_image[strlen(pre)]))
				continue;
			strbuf_add(version, os_image + strlen(pre), n);
			return jsonx_str(p, "id");
		}
	}
	return NULL;
}

static int64_t days_of(const char *date)
{
	struct util_date d;

	if (!date || util_date_parse(date, &d) < 0)
		return INT64_MAX;
	return util_date_days(&d);
}

enum eol_status eol_judge(const struct eol_cycle *c, int64_t as_of, long warn_days, const char **until)
{
	int64_t end, ext = days_of(c ? c->extended : NULL);

	if (until)
		*until = NULL;
	if (!c)
		return EOL_UNKNOWN;
	if (!c->eol && !c->eol_flag)
		return EOL_SUPPORTED;
	end = c->eol ? days_of(c->eol) : INT64_MIN;
	if (as_of < end) {
		if (until)
			*until = c->eol;
		return end - as_of <= warn_days ? EOL_SOON : EOL_SUPPORTED;
	}
	if (c->extended && as_of < ext) {
		if (until)
			*until = c->extended;
		return EOL_EXTENDED;
	}
	if (until)
		*until = c->extended ? c->extended : c->eol;
	return EOL_ENDED;
}
