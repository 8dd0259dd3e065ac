#include "checklist.h"

#include <stdlib.h>
#include <string.h>

#include "consolidate_int.h"
#include "core/err.h"
#include "core/jsonx.h"
#include "core/schema.h"
#include "core/util.h"
#include "core/ydoc.h"

#define MAX_ITEMS 2000
#define MAX_GATES 500
#define MAX_REFS 100 /* dependencies or gates of one item, selectors or facts of one gate */

const char *const checklist_phase_ids[CHECKLIST_PHASES] = { "day-0", "day-1", "day-30", "day-100" };
const char *const checklist_phase_titles[CHECKLIST_PHASES] = { "Day 0", "Day 1", "Day 30", "Day 100" };
const char *const checklist_fact_names[] = { "network-conflicts", "third-party-access", "end-of-life",
					     "root-without-mfa", "logging-gaps", NULL };

static const char *const phases[] = { "day-0", "day-1", "day-30", "day-100", NULL };
static const char *const roles[] = { "acquirer", "target", "any", NULL };
static const char *const severities[] = { "critical", "high", "medium", "low", "info", "unknown", NULL };
static const char *const exposures[] = { "open", "controlled", "small", NULL };

static const struct schema_field selector_keys[] = {
	{ "company", SCH_STRING, 0, NULL, SCH_ANY, roles },
	{ "kind", SCH_LIST, 0, NULL, SCH_STRING, NULL },
	{ "severity", SCH_LIST, 0, NULL, SCH_STRING, severities },
	{ "kev", SCH_BOOL, 0, NULL, SCH_ANY, NULL },
	{ "exposure", SCH_STRING, 0, NULL, SCH_ANY, exposures },
	{ "red_flag", SCH_STRING, 0, NULL, SCH_ANY, NULL },
	{ "rule", SCH_STRING, 0, NULL, SCH_ANY, NULL },
	{ "domain", SCH_STRING, 0, NULL, SCH_ANY, NULL },
	{ "compromise", SCH_BOOL, 0, NULL, SCH_ANY, NULL },
	{ NULL, 0, 0, NULL, 0, NULL },
};

static const struct schema_field fact_keys[] = {
	{ "fact", SCH_STRING, 1, NULL, SCH_ANY, checklist_fact_names },
	{ "company", SCH_STRING, 0, NULL, SCH_ANY, roles },
	{ NULL, 0, 0, NULL, 0, NULL },
};

static const struct schema_field gate_keys[] = {
	{ "id", SCH_STRING, 1, NULL, SCH_ANY, NULL },
	{ "title", SCH_STRING, 1, NULL, SCH_ANY, NULL },
	{ "findings", SCH_LIST, 0, selector_keys, SCH_OBJECT, NULL },
	{ "facts", SCH_LIST, 0, fact_keys, SCH_OBJECT, NULL },
	{ NULL, 0, 0, NULL, 0, NULL },
};

static const struct schema_field item_keys[] = {
	{ "id", SCH_STRING, 1, NULL, SCH_ANY, NULL },
	{ "title", SCH_STRING, 1, NULL, SCH_ANY, NULL },
	{ "phase", SCH_STRING, 1, NULL, SCH_ANY, phases },
	{ "owner", SCH_STRING, 1, NULL, SCH_ANY, NULL },
	{ "description", SCH_STRING, 0, NULL, SCH_ANY, NULL },
	{ "depends_on", SCH_LIST, 0, NULL, SCH_STRING, NULL },
	{ "gates", SCH_LIST, 0, NULL, SCH_STRING, NULL },
	{ NULL, 0, 0, NULL, 0, NULL },
};

static const struct schema_field top_keys[] = {
	{ "gates", SCH_LIST, 0, gate_keys, SCH_OBJECT, NULL },
	{ "items", SCH_LIST, 1, item_keys, SCH_OBJECT, NULL },
	{ NULL, 0, 0, NULL, 0, NULL },
};

void checklist_free(struct checklist *cl)
{
	size_t i;

	if (!cl)
		return;
	for (i = 0; i < cl->nitems; i++) {
		free(cl->items[i].deps);
		free(cl->items[i].gates);
	}
	free(cl->items);
	free(cl->gates);
	free(cl->order);
	json_decref(cl->doc);
	free(cl);
}

long checklist_find(const struct checklist *cl, const char *id)
{
	size_t i;

	for (i = 0; id && i < cl->nitems; i++)
		if (!strcmp(cl->items[i].id, id))
			return (long)i;
	return -1;
}

static int valid_id(const char *s)
{
	size_t i;

	if (!s[0] || strlen(s) > 64)
		return 0;
	for (i = 0; s[i]; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '-' || s[i] == '_' ||
		      s[i] == '.'))
			return 0;
	return 1;
}

static long gate_find(const struct checklist *cl, const char *id)
{
	size_t i;

	for (i = 0; i < cl->ngates; i++)
		if (!strcmp(cl->gates[i].id, id))
			return (long)i;
	return -1;
}

static int load_gates(struct checklist *cl, const struct schema_ctx *ctx, const json_t *gates)
{
	struct strbuf path = STRBUF_INIT;
	json_t *g;
	size_t i;
	int rc = 0;

	json_array_foreach(gates, i, g) {
		struct checklist_gate *gt = &cl->gates[i];

		strbuf_reset(&path);
		strbuf_addf(&path, "gates[%zu]", i);
		gt->id = jsonx_str(g, "id");
		gt->title = jsonx_str(g, "title");
		gt->findings = json_object_get(g, "findings");
		gt->facts = json_object_get(g, "facts");
		if (!valid_id(gt->id)) {
			rc = schema_error(ctx, path.buf, "gate id '%s': letters, digits, '-', '_' and '.' only", gt->id);
			goto cleanup;
		}
		if (gate_find(cl, gt->id) >= 0) {
			rc = schema_error(ctx, path.buf, "duplicate gate id '%s'", gt->id);
			goto cleanup;
		}
		if (!json_array_size(gt->findings) && !json_array_size(gt->facts)) {
			rc = schema_error(ctx, path.buf, "gate '%s' tests nothing: give findings or facts", gt->id);
			goto cleanup;
		}
		if (json_array_size(gt->findings) > MAX_REFS || json_array_size(gt->facts) > MAX_REFS) {
			rc = schema_error(ctx, path.buf, "gate '%s': at most %d selectors and %d facts", gt->id, MAX_REFS,
					  MAX_REFS);
			goto cleanup;
		}
		cl->ngates = i + 1;
	}
cleanup:
	strbuf_release(&path);
	return rc;
}

/* Resolve an item's references (ids to indices) after every item is known. */
static int resolve_item(struct checklist *cl, const struct schema_ctx *ctx, size_t i, const json_t *doc)
{
	struct checklist_item *it = &cl->items[i];
	json_t *deps = json_object_get(doc, "depends_on"), *gates = json_object_get(doc, "gates"), *v;
	struct strbuf path = STRBUF_INIT;
	size_t j, k;
	long idx;
	int rc = 0;

	if (json_array_size(deps) > MAX_REFS || json_array_size(gates) > MAX_REFS) {
		strbuf_addf(&path, "items[%zu]", i);
		rc = schema_error(ctx, path.buf, "item '%s': at most %d dependencies and %d gates", it->id, MAX_REFS,
				  MAX_REFS);
		goto cleanup;
	}
	it->deps = calloc(json_array_size(deps) + 1, sizeof(*it->deps));
	it->gates = calloc(json_array_size(gates) + 1, sizeof(*it->gates));
	if (!it->deps || !it->gates) {
		rc = err_set(ERR_NOMEM, "out of memory");
		goto cleanup;
	}
	json_array_foreach(deps, j, v) {
		strbuf_reset(&path);
		strbuf_addf(&path, "items[%zu].depends_on[%zu]", i, j);
		if ((idx = checklist_find(cl, json_string_value(v))) < 0) {
			rc = schema_error(ctx, path.buf, "item '%s' depends on '%s', which is not an item", it->id,
					  json_string_value(v));
			goto cleanup;
		}
		for (k = 0; k < it->ndeps; k++)
			if (it->deps[k] == (size_t)idx) {
				rc = schema_error(ctx, path.buf, "item '%s' lists '%s' twice", it->id, json_string_value(v));
				goto cleanup;
			}
		it->deps[it->ndeps++] = (size_t)idx;
	}
	json_array_foreach(gates, j, v) {
		strbuf_reset(&path);
		strbuf_addf(&path, "items[%zu].gates[%zu]", i, j);
		if ((idx = gate_find(cl, json_string_value(v))) < 0) {
			rc = schema_error(ctx, path.buf, "item '%s' names gate '%s', which is not a gate", it->id,
					  json_string_value(v));
			goto cleanup;
		}
		for (k = 0; k < it->ngates; k++)
			if (it->gates[k] == (size_t)idx) {
				rc = schema_error(ctx, path.buf, "item '%s' lists gate '%s' twice", it->id, json_string_value(v));
				goto cleanup;
			}
		it->gates[it->ngates++] = (size_t)idx;
	}
cleanup:
	strbuf_release(&path);
	return rc;
}

/*
 * Depth-first search without recursion (a template may be long); a
 * dependency on an item still on the path closes a cycle, which is named
 * from that item round to itself.
 */
static int find_cycle(const struct checklist *cl, const struct schema_ctx *ctx)
{
	unsigned char *colour = calloc(cl->nitems + 1, 1); /* 0 new, 1 on the path, 2 done */
	size_t *stack = calloc(cl->nitems + 1, sizeof(size_t)), *next = calloc(cl->nitems + 1, sizeof(size_t));
	struct strbuf msg = STRBUF_INIT, path = STRBUF_INIT;
	size_t root, top, i;
	int rc = 0;

	if (!colour || !stack || !next) {
		rc = err_set(ERR_NOMEM, "out of memory");
		goto cleanup;
	}
	for (root = 0; root < cl->nitems; root++) {
		if (colour[root])
			continue;
		top = 0;
		stack[top++] = root;
		colour[root] = 1;
		next[root] = 0;
		while (top) {
			size_t cur = stack[top - 1], dep;

			if (next[cur] == cl->items[cur].ndeps) {
				colour[cur] = 2;
				top--;
				continue;
			}
			dep = cl->items[cur].deps[next[cur]++];
			if (colour[dep] == 2)
				continue;
			if (colour[dep] == 0) {
				colour[dep] = 1;
				next[dep] = 0;
				stack[top++] = dep;
				continue;
			}
			/* dep is on the path: the cycle runs from it to cur and back. */
			for (i = 0; stack[i] != dep; i++)
				;
			for (; i < top; i++)
				strbuf_addf(&msg, "%s -> ", cl->items[stack[i]].id);
			strbuf_addstr(&msg, cl->items[dep].id);
			strbuf_addf(&path, "items[%zu].depends_on[%zu]", cur, next[cur] - 1);
			rc = schema_error(ctx, path.buf, "dependency cycle: %s (an item cannot wait for itself)", msg.buf);
			goto cleanup;
		}
	}
cleanup:
	free(colour);
	free(stack);
	free(next);
	strbuf_release(&msg);
	strbuf_release(&path);
	return rc;
}

/* Kahn's algorithm, always taking the ready item of the earliest phase, then the earliest written. */
static int make_order(struct checklist *cl)
{
	size_t *waiting = calloc(cl->nitems + 1, sizeof(size_t)), *first = calloc(cl->nitems + 2, sizeof(size_t));
	size_t *rev = NULL, *fill = calloc(cl->nitems + 1, sizeof(size_t)), total = 0;
	unsigned char *done = calloc(cl->nitems + 1, 1);
	size_t n = 0, i, j, best;
	int rc = 0;

	cl->order = calloc(cl->nitems + 1, sizeof(size_t));
	for (i = 0; i < cl->nitems; i++)
		total += cl->items[i].ndeps;
	rev = calloc(total + 1, sizeof(size_t));
	if (!waiting || !first || !fill || !done || !cl->order || !rev) {
		rc = err_set(ERR_NOMEM, "out of memory");
		goto cleanup;
	}
	/* rev[first[d] .. first[d+1]) lists the items that depend on d. */
	for (i = 0; i < cl->nitems; i++) {
		waiting[i] = cl->items[i].ndeps;
		for (j = 0; j < cl->items[i].ndeps; j++)
			first[cl->items[i].deps[j] + 1]++;
	}
	for (i = 0; i < cl->nitems; i++)
		first[i + 1] += first[i];
	for (i = 0; i < cl->nitems; i++)
		for (j = 0; j < cl->items[i].ndeps; j++) {
			size_t d = cl->items[i].deps[j];

			rev[first[d] + fill[d]++] = i;
		}
	while (n < cl->nitems) {
		best = cl->nitems;
		for (i = 0; i < cl->nitems; i++)
			if (!done[i] && !waiting[i] && (best == cl->nitems || cl->items[i].phase < cl->items[best].phase))
				best = i;
		if (best == cl->nitems) {
			rc = err_set(ERR_PARSE, "checklist: no order exists (a cycle went unnoticed)");
			goto cleanup;
		}
		done[best] = 1;
		cl->order[n++] = best;
		for (j = first[best]; j < first[best + 1]; j++)
			waiting[rev[j]]--;
	}
cleanup:
	free(waiting);
	free(first);
	free(fill);
	free(rev);
	free(done);
	return rc;
}

int checklist_parse(struct checklist **out, const char *buf, size_t len, const char *name)
{
	struct ydoc_limits lim = { 200000, 32 };
	struct ydoc_map *pos = NULL;
	struct schema_ctx ctx = { name, NULL };
	struct checklist *cl = NULL;
	struct strbuf path = STRBUF_INIT;
	json_t *items, *gates, *v;
	size_t i, j;
	int rc;

	*out = NULL;
	if (!(cl = calloc(1, sizeof(*cl))))
		return err_set(ERR_NOMEM, "out of memory");
	if ((rc = ydoc_load(buf, len, name, &lim, &cl->doc, &pos)) < 0)
		goto cleanup;
	ctx.pos = pos;
	if (!json_is_object(cl->doc)) {
		rc = schema_error(&ctx, "", "a checklist template is a mapping with gates and items");
		goto cleanup;
	}
	if ((rc = schema_check_object(&ctx, cl->doc, "", "checklist", top_keys, NULL)) < 0)
		goto cleanup;
	gates = json_object_get(cl->doc, "gates");
	items = json_object_get(cl->doc, "items");
	if (json_array_size(items) > MAX_ITEMS || json_array_size(gates) > MAX_GATES) {
		rc = schema_error(&ctx, "", "at most %d items and %d gates", MAX_ITEMS, MAX_GATES);
		goto cleanup;
	}
	if (!json_array_size(items)) {
		rc = schema_error(&ctx, "items", "items: list at least one item");
		goto cleanup;
	}
	cl->gates = calloc(json_array_size(gates) + 1, sizeof(*cl->gates));
	cl->items = calloc(json_array_size(items) + 1, sizeof(*cl->items));
	if (!cl->gates || !cl->items) {
		rc = err_set(ERR_NOMEM, "out of memory");
		goto cleanup;
	}
	if ((rc = load_gates(cl, &ctx, gates)) < 0)
		goto cleanup;
	json_array_foreach(items, i, v) {
		struct checklist_item *it = &cl->items[i];

		strbuf_reset(&path);
		strbuf_addf(&path, "items[%zu].id", i);
		it->id = jsonx_str(v, "id");
		it->title = jsonx_str(v, "title");
		it->owner = jsonx_str(v, "owner");
		it->description = jsonx_str(v, "description");
		for (it->phase = 0; strcmp(checklist_phase_ids[it->phase], jsonx_str(v, "phase")); it->phase++)
			;
		if (!valid_id(it->id)) {
			rc = schema_error(&ctx, path.buf, "item id '%s': letters, digits, '-', '_' and '.' only", it->id);
			goto cleanup;
		}
		if (checklist_find(cl, it->id) >= 0) {
			rc = schema_error(&ctx, path.buf, "duplicate item id '%s'", it->id);
			goto cleanup;
		}
		cl->nitems = i + 1;
	}
	json_array_foreach(items, i, v) {
		if ((rc = resolve_item(cl, &ctx, i, v)) < 0)
			goto cleanup;
	}
	if ((rc = find_cycle(cl, &ctx)) < 0)
		goto cleanup;
	/* Phases run in order, so an item cannot wait for a later phase. */
	for (i = 0; i < cl->nitems; i++)
		for (j = 0; j < cl->items[i].ndeps; j++) {
			const struct checklist_item *d = &cl->items[cl->items[i].deps[j]];

			if (d->phase > cl->items[i].phase) {
				strbuf_reset(&path);
				strbuf_addf(&path, "items[%zu].depends_on[%zu]", i, j);
				rc = schema_error(&ctx, path.buf, "item '%s' (%s) depends on '%s', which is in a later phase (%s)",
						  cl->items[i].id, checklist_phase_titles[cl->items[i].phase], d->id,
						  checklist_phase_titles[d->phase]);
				goto cleanup;
			}
		}
	if ((rc = make_order(cl)) < 0)
		goto cleanup;
	*out = cl;
	cl = NULL;
cleanup:
	if (rc < 0 && rc != ERR_NOMEM)
		rc = err_set(ERR_PARSE, "%s", err_last());
	checklist_free(cl);
	ydoc_map_free(pos);
	strbuf_release(&path);
	return rc;
}

int checklist_load(struct checklist **out, const char *templates)
{
	struct strbuf path = STRBUF_INIT, text = STRBUF_INIT;
	int rc;

	*out = NULL;
	if ((rc = cons_template_read(templates, "checklist.yaml", &path, &text)) == 0)
		rc = checklist_parse(out, text.buf, text.len, path.buf);
	strbuf_release(&path);
	strbuf_release(&text);
	return rc;
}
