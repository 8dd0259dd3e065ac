/*
 * checklist.md and checklist.csv, written from the plan document (the
 * "consolidation" member of findings.json) so that they agree with it.
 */
#include <string.h>

#include "consolidate.h"
#include "consolidate_int.h"
#include "core/err.h"
#include "core/jsonx.h"
#include "core/log.h"
#include "core/util.h"

/* Text from outside data in a Markdown table cell: one line, no markup, no '|'. */
static int md(struct strbuf *out, const char *s)
{
	struct strbuf clean = STRBUF_INIT;
	const char *p;
	int rc;

	rc = cons_text(&clean, s ? s : "", 2000);
	for (p = clean.buf; rc == 0 && *p; p++) {
		if (strchr("\\`*_[]<>|#!~", *p))
			rc = strbuf_addch(out, '\\');
		if (rc == 0)
			rc = strbuf_addch(out, *p);
	}
	strbuf_release(&clean);
	return rc;
}

static void md_list(struct strbuf *out, const json_t *list, const char *empty)
{
	json_t *v;
	size_t i;

	if (!json_array_size(list)) {
		strbuf_addstr(out, empty);
		return;
	}
	json_array_foreach(list, i, v) {
		if (i)
			strbuf_addstr(out, ", ");
		md(out, json_string_value(v));
	}
}

/* "#N" of an item id, for dependencies. */
static long long order_of(const json_t *items, const char *id)
{
	json_t *it;
	size_t i;

	json_array_foreach(items, i, it) {
		if (!strcmp(jsonx_strz(it, "id"), id))
			return jsonx_int(it, "order", 0);
	}
	return 0;
}

/* "#3, #4, #7" for a list of item ids, in checklist order. */
static void numbers(struct strbuf *out, const json_t *items, const json_t *ids)
{
	long long n[128];
	size_t k = 0, i, j;
	json_t *v;

	json_array_foreach(ids, i, v) {
		long long x = order_of(items, json_string_value(v));

		if (k == sizeof(n) / sizeof(n[0]))
			break;
		for (j = k; j > 0 && n[j - 1] > x; j--)
			n[j] = n[j - 1];
		n[j] = x;
		k++;
	}
	for (i = 0; i < k; i++)
		strbuf_addf(out, "%s#%lld", i ? ", " : "", n[i]);
}

static void md_items(struct strbuf *out, const json_t *items)
{
	const char *phase = "";
	json_t *it;
	size_t i;

	json_array_foreach(items, i, it) {
		const char *st = jsonx_strz(it, "status");

		if (strcmp(phase, jsonx_strz(it, "phase"))) {
			phase = jsonx_strz(it, "phase");
			strbuf_addf(out, "\n## %s\n\n| # | Item | Owner | Depends on | Status |\n|---|---|---|---|---|\n",
				    jsonx_strz(it, "phase_title"));
		}
		strbuf_addf(out, "| %lld | ", jsonx_int(it, "order", 0));
		md(out, jsonx_str(it, "title"));
		strbuf_addstr(out, " | ");
		md(out, jsonx_str(it, "owner"));
		strbuf_addstr(out, " | ");
		if (!json_array_size(json_object_get(it, "depends_on")))
			strbuf_addstr(out, "—");
		numbers(out, items, json_object_get(it, "depends_on"));
		strbuf_addstr(out, " | ");
		if (!strcmp(st, "blocked")) {
			strbuf_addstr(out, "**blocked** by ");
			md_list(out, json_object_get(it, "blocked_by"), "");
		} else if (!strcmp(st, "waiting")) {
			strbuf_addstr(out, "waiting for ");
			numbers(out, items, json_object_get(it, "waiting_on"));
		} else {
			strbuf_addstr(out, "ready");
		}
		strbuf_addstr(out, " |\n");
	}
}

static void md_gates(struct strbuf *out, const json_t *gates, const json_t *items)
{
	json_t *g, *it, *v;
	size_t i, j, k;

	strbuf_addstr(out, "\n## Gates\n\nA gate holds while any finding or fact below remains; the items that name it wait "
			   "for it.\n");
	json_array_foreach(gates, i, g) {
		int first = 1;
		size_t named = 0;

		strbuf_addstr(out, "\n### ");
		md(out, jsonx_str(g, "title"));
		strbuf_addf(out, " (`%s`): %s\n\n", jsonx_strz(g, "id"),
			    json_is_true(json_object_get(g, "blocking")) ? "**holds**" : "clear");
		json_array_foreach(items, j, it) {
			json_array_foreach(json_object_get(it, "gates"), k, v) {
				if (strcmp(json_string_value(v), jsonx_strz(g, "id")))
					continue;
				named++;
			}
		}
		if (!named)
			strbuf_addstr(out, "Named by no item.\n");
		json_array_foreach(items, j, it) {
			json_array_foreach(json_object_get(it, "gates"), k, v) {
				if (strcmp(json_string_value(v), jsonx_strz(g, "id")))
					continue;
				strbuf_addf(out, "%s#%lld", first ? (named == 1 ? "Named by item " : "Named by items ") : ", ",
					    jsonx_int(it, "order", 0));
				first = 0;
			}
		}
		if (named)
			strbuf_addstr(out, ".\n");
		if (jsonx_int(g, "finding_count", 0)) {
			strbuf_addf(out, "\nFindings (%lld): ", jsonx_int(g, "finding_count", 0));
			md_list(out, json_object_get(g, "findings"), "");
			if (jsonx_int(g, "finding_count", 0) > (long long)json_array_size(json_object_get(g, "findings")))
				strbuf_addstr(out, ", …");
			strbuf_addstr(out, "\n");
		}
		if (jsonx_int(g, "fact_count", 0)) {
			strbuf_addf(out, "\nFacts (%lld):\n\n", jsonx_int(g, "fact_count", 0));
			json_array_foreach(json_object_get(g, "facts"), j, v) {
				strbuf_addstr(out, "- ");
				md(out, json_string_value(v));
				strbuf_addstr(out, "\n");
			}
		}
	}
}

static void md_plan(struct strbuf *out, const json_t *plan)
{
	const json_t *cos = json_object_get(plan, "companies");
	json_t *row, *co, *v, *e;
	size_t i, j;

	strbuf_addstr(out, "\n## The consolidation plan in brief\n\n### Tools by category\n\n| Category |");
	json_array_foreach(cos, i, co) {
		strbuf_addch(out, ' ');
		md(out, jsonx_str(co, "id"));
		strbuf_addstr(out, " |");
	}
	strbuf_addstr(out, " Recommendation |\n|---|");
	for (i = 0; i <= json_array_size(cos); i++)
		strbuf_addstr(out, "---|");
	strbuf_addch(out, '\n');
	json_array_foreach(jsonx_dig(plan, "tools.matrix"), i, row) {
		strbuf_addstr(out, "| ");
		md(out, jsonx_str(row, "title"));
		strbuf_addstr(out, " |");
		json_array_foreach(json_object_get(row, "companies"), j, co) {
			strbuf_addch(out, ' ');
			md_list(out, json_object_get(co, "tools"), "—");
			strbuf_addstr(out, " |");
		}
		strbuf_addch(out, ' ');
		md(out, cons_str(row, "recommendation.text"));
		strbuf_addstr(out, " |\n");
	}
	strbuf_addf(out, "\nSaving from retiring duplicates where costs are given: %lld %s a year.\n",
		    jsonx_int(jsonx_dig(plan, "tools.saving"), "total", 0), jsonx_strz(plan, "currency"));

	strbuf_addf(out, "\n### Network conflicts\n\n%lld overlapping pairs of ranges between the companies.\n\n",
		    jsonx_int(json_object_get(plan, "network"), "pair_count", 0));
	json_array_foreach(jsonx_dig(plan, "network.by_network"), i, v) {
		strbuf_addstr(out, "- ");
		md(out, cons_str(v, "a.company"));
		strbuf_addch(out, ' ');
		md(out, cons_str(v, "a.network"));
		strbuf_addstr(out, " ↔ ");
		md(out, cons_str(v, "b.company"));
		strbuf_addch(out, ' ');
		md(out, cons_str(v, "b.network"));
		strbuf_addf(out, ": %lld pair%s\n", jsonx_int(v, "pairs", 0), jsonx_int(v, "pairs", 0) == 1 ? "" : "s");
	}
	if (cons_str(plan, "network.default_vpcs.text")) {
		strbuf_addstr(out, "- ");
		md(out, cons_str(plan, "network.default_vpcs.text"));
		strbuf_addch(out, '\n');
	}

	strbuf_addstr(out, "\n### Third-party standing access\n\n");
	if (!json_array_size(jsonx_dig(plan, "third_party.entries")))
		strbuf_addstr(out, "None seen.\n");
	json_array_foreach(jsonx_dig(plan, "third_party.entries"), i, e) {
		strbuf_addstr(out, "- ");
		md(out, jsonx_str(e, "company"));
		strbuf_addstr(out, ": ");
		md(out, jsonx_str(e, "detail"));
		strbuf_addstr(out, " (");
		md(out, jsonx_str(e, "action"));
		strbuf_addstr(out, ")\n");
	}

	strbuf_addstr(out, "\n### The estates side by side\n\n| |");
	json_array_foreach(cos, i, co) {
		strbuf_addch(out, ' ');
		md(out, jsonx_str(co, "id"));
		strbuf_addstr(out, " |");
	}
	strbuf_addstr(out, "\n|---|");
	for (i = 0; i < json_array_size(cos); i++)
		strbuf_addstr(out, "---|");
	strbuf_addch(out, '\n');
	json_array_foreach(jsonx_dig(plan, "estate.rows"), i, row) {
		strbuf_addstr(out, "| ");
		md(out, jsonx_str(row, "title"));
		strbuf_addstr(out, " |");
		json_array_foreach(json_object_get(row, "values"), j, v) {
			strbuf_addch(out, ' ');
			md(out, json_string_value(v));
			strbuf_addstr(out, " |");
		}
		strbuf_addch(out, '\n');
	}
}

int consolidation_checklist_md(const json_t *plan, struct strbuf *out)
{
	const json_t *cl = json_object_get(plan, "checklist"), *sum = json_object_get(cl, "summary");
	json_t *co;
	size_t i;

	strbuf_addf(out, "# Integration checklist\n\nAs of %s: ", jsonx_strz(plan, "as_of"));
	json_array_foreach(json_object_get(plan, "companies"), i, co) {
		strbuf_addstr(out, i ? ", " : "");
		md(out, jsonx_str(co, "name"));
		strbuf_addstr(out, " (");
		md(out, jsonx_str(co, "role"));
		strbuf_addch(out, ')');
	}
	strbuf_addf(out, ".\n\n**%lld items: %lld ready, %lld blocked, %lld waiting.** An item is *blocked* while a gate it "
			 "names holds, *waiting* while an item it depends on is not ready, and *ready* otherwise. No item "
			 "comes before one it depends on.\n",
		    jsonx_int(sum, "items", 0), jsonx_int(sum, "ready", 0), jsonx_int(sum, "blocked", 0),
		    jsonx_int(sum, "waiting", 0));
	md_items(out, json_object_get(cl, "items"));
	md_gates(out, json_object_get(cl, "gates"), json_object_get(cl, "items"));
	md_plan(out, plan);
	return out->len ? 0 : ERR_NOMEM;
}

/* RFC 4180, and a leading quote on cells a spreadsheet would run as a formula. */
static void csv_cell(struct strbuf *out, const char *s, int last)
{
	struct strbuf clean = STRBUF_INIT;
	const char *p;

	cons_text(&clean, s ? s : "", 4000);
	strbuf_addch(out, '"');
	if (clean.buf[0] && strchr("=+-@\t\r", clean.buf[0]))
		strbuf_addch(out, '\'');
	for (p = clean.buf; *p; p++) {
		if (*p == '"')
			strbuf_addch(out, '"');
		strbuf_addch(out, *p);
	}
	strbuf_addstr(out, last ? "\"\r\n" : "\",");
	strbuf_release(&clean);
}

static void join(struct strbuf *sb, const json_t *list)
{
	json_t *v;
	size_t i;

	strbuf_reset(sb);
	json_array_foreach(list, i, v) {
		strbuf_addf(sb, "%s%s", i ? " " : "", json_string_value(v));
	}
}

int consolidation_checklist_csv(const json_t *plan, struct strbuf *out)
{
	static const char *const cols[] = { "order", "id", "phase", "title", "owner", "depends_on", "gates", "status",
					    "blocked_by", "waiting_on", "blocking_findings" };
	static const char *const lists[] = { "depends_on", "gates", "blocked_by", "waiting_on", "blocking_findings" };
	struct strbuf tmp = STRBUF_INIT;
	char num[32];
	json_t *it;
	size_t i, c;

	for (c = 0; c < ARRAY_SIZE(cols); c++)
		csv_cell(out, cols[c], c + 1 == ARRAY_SIZE(cols));
	json_array_foreach(jsonx_dig(plan, "checklist.items"), i, it) {
		snprintf(num, sizeof(num), "%lld", jsonx_int(it, "order", 0));
		csv_cell(out, num, 0);
		csv_cell(out, jsonx_str(it, "id"), 0);
		csv_cell(out, jsonx_str(it, "phase_title"), 0);
		csv_cell(out, jsonx_str(it, "title"), 0);
		csv_cell(out, jsonx_str(it, "owner"), 0);
		for (c = 0; c < 2; c++) {
			join(&tmp, json_object_get(it, lists[c]));
			csv_cell(out, tmp.buf, 0);
		}
		csv_cell(out, jsonx_str(it, "status"), 0);
		for (c = 2; c < ARRAY_SIZE(lists); c++) {
			join(&tmp, json_object_get(it, lists[c]));
			csv_cell(out, tmp.buf, c + 1 == ARRAY_SIZE(lists));
		}
	}
	strbuf_release(&tmp);
	return 0;
}

int consolidation_write_checklist(const json_t *plan, const char *dir)
{
	struct strbuf text = STRBUF_INIT, path = STRBUF_INIT;
	int rc;

	strbuf_init(&text, (size_t)256 * 1024 * 1024);
	if ((rc = consolidation_checklist_md(plan, &text)) < 0)
		goto cleanup;
	log_scrub(&text);
	if ((rc = strbuf_addf(&path, "%s/checklist.md", dir)) < 0 ||
	    (rc = util_write_file_atomic(path.buf, text.buf, text.len, 0644)) < 0)
		goto cleanup;
	strbuf_reset(&text);
	strbuf_reset(&path);
	if ((rc = consolidation_checklist_csv(plan, &text)) < 0)
		goto cleanup;
	log_scrub(&text);
	if ((rc = strbuf_addf(&path, "%s/checklist.csv", dir)) == 0)
		rc = util_write_file_atomic(path.buf, text.buf, text.len, 0644);
cleanup:
	strbuf_release(&text);
	strbuf_release(&path);
	return rc;
}
