/*
 * The consolidation plan (tools, estate, network conflicts, third-party
 * access) and the integration checklist by phase, from findings.json's
 * `consolidation` section (docs/consolidation.md).
 */
#include <stdio.h>
#include <string.h>

#include "core/err.h"
#include "core/jsonx.h"
#include "report_int.h"
#include "template.h"

#define ROWS_PER_TABLE 40

static const struct pdf_rgb zebra = { 0.95f, 0.95f, 0.97f };

static int more(struct rctx *r, size_t shown, long long total, const char *where)
{
	char buf[200];

	if (total <= (long long)shown)
		return 0;
	snprintf(buf, sizeof(buf), "%lld more not shown here: see %s.", total - (long long)shown, where);
	return rep_note(r, buf);
}

/* "a, b, c" of a string array. */
static void join(struct strbuf *out, const json_t *arr)
{
	const json_t *v;
	size_t i;

	json_array_foreach(arr, i, v)
		strbuf_addf(out, "%s%s", i ? ", " : "", json_is_string(v) ? json_string_value(v) : "");
}

/* A tool's display name from the company's inventory (its id when not listed there). */
static const char *tool_name(const json_t *t, const char *company, const char *id)
{
	const json_t *c, *x;
	size_t i, k;

	json_array_foreach(json_object_get(t, "inventory"), i, c) {
		if (strcmp(jsonx_strz(c, "company"), company))
			continue;
		json_array_foreach(json_object_get(c, "tools"), k, x)
			if (!strcmp(jsonx_strz(x, "id"), id) && jsonx_str(x, "name"))
				return jsonx_str(x, "name");
	}
	return id;
}

/* "Company: Tool, Tool; Company: none seen" for one capability. */
static void tools_by_company(struct rctx *r, const json_t *t, const json_t *m, struct strbuf *out)
{
	const json_t *c, *v;
	size_t k, j;

	strbuf_reset(out);
	json_array_foreach(json_object_get(m, "companies"), k, c) {
		strbuf_addf(out, "%s%s: ", k ? "; " : "", rep_company_name(r, jsonx_str(c, "company")));
		json_array_foreach(json_object_get(c, "tools"), j, v)
			strbuf_addf(out, "%s%s", j ? ", " : "",
				    tool_name(t, jsonx_strz(c, "company"), json_is_string(v) ? json_string_value(v) : ""));
		if (!json_array_size(json_object_get(c, "tools")))
			strbuf_addstr(out, "none seen");
	}
}

/*
 * The capabilities either estate has a tool for, one row each; those neither
 * has are named in one sentence after the table, not as rows of empty cells.
 */
static int tools(struct rctx *r)
{
	static const char *const headers[] = { "Capability", "State", "Tools by company", "Recommendation" };
	static const float widths[] = { 1.6f, 0.9f, 2.6f, 3.6f };
	const json_t *t = json_object_get(r->cons, "tools"), *m;
	struct strbuf who = STRBUF_INIT, none = STRBUF_INIT;
	struct pdf_table *tab = NULL;
	const char *cells[4];
	char buf[200];
	size_t i, rows = 0, nnone = 0;
	int rc;

	if ((rc = pdf_heading(r->p, "Security tools", 1)) < 0)
		goto cleanup;
	if (!json_array_size(json_object_get(t, "matrix"))) {
		rc = rep_note(r, "No security tools were recognised in either estate.");
		goto cleanup;
	}
	json_array_foreach(json_object_get(t, "matrix"), i, m) {
		const char *title = jsonx_str(m, "title") ? jsonx_str(m, "title") : jsonx_strz(m, "category");

		if (!strcmp(jsonx_strz(m, "state"), "none")) {
			strbuf_addf(&none, "%s%s", nnone++ ? ", " : "", title);
			continue;
		}
		if (!tab && (rc = pdf_table_begin(r->p, &tab, 4, headers, widths, 7.5f)) < 0)
			goto cleanup;
		tools_by_company(r, t, m, &who);
		cells[0] = title;
		cells[1] = jsonx_strz(m, "state");
		cells[2] = who.buf;
		cells[3] = jsonx_strz(json_object_get(m, "recommendation"), "text");
		if ((rc = pdf_table_row(tab, cells, rows++ % 2 ? &zebra : NULL)) < 0)
			break;
	}
	pdf_table_end(tab);
	tab = NULL;
	if (rc == 0 && nnone) {
		strbuf_reset(&who);
		strbuf_addf(&who, "Not seen in either estate (choose one for the combined estate): %s.", none.buf);
		rc = rep_para(r, who.buf);
	}
	if (rc == 0 && json_is_number(jsonx_dig(t, "saving.total"))) {
		char money[64];

		rep_money(money, sizeof(money), jsonx_dig(t, "saving.total"), jsonx_str(json_object_get(t, "saving"), "currency"));
		snprintf(buf, sizeof(buf), "Licence saving from the tools retired, where their cost is known: %s a year.", money);
		rc = rep_para(r, buf);
	}
cleanup:
	pdf_table_end(tab);
	strbuf_release(&who);
	strbuf_release(&none);
	return rc;
}

static int estate(struct rctx *r)
{
	const json_t *e = json_object_get(r->cons, "estate"), *row, *g;
	const json_t *cols = json_object_get(r->cons, "companies");
	const char *headers[REP_MAX_COMPANIES + 1], *cells[REP_MAX_COMPANIES + 1];
	float widths[REP_MAX_COMPANIES + 1];
	struct pdf_table *t = NULL;
	struct strbuf line = STRBUF_INIT;
	size_t i, k, n = json_array_size(cols) < REP_MAX_COMPANIES ? json_array_size(cols) : REP_MAX_COMPANIES;
	int rc;

	if ((rc = pdf_heading(r->p, "Platforms and versions", 1)) < 0)
		return rc;
	if (!json_array_size(json_object_get(e, "rows"))) {
		strbuf_release(&line);
		return rep_note(r, "The estate comparison is empty: no platforms were inventoried.");
	}
	headers[0] = "Aspect";
	widths[0] = 1.6f;
	for (k = 0; k < n; k++) {
		headers[k + 1] = jsonx_strz(json_array_get(cols, k), "name");
		widths[k + 1] = 3;
	}
	if ((rc = pdf_table_begin(r->p, &t, n + 1, headers, widths, 7.5f)) < 0)
		return rc;
	json_array_foreach(json_object_get(e, "rows"), i, row) {
		cells[0] = jsonx_str(row, "title") ? jsonx_str(row, "title") : jsonx_strz(row, "aspect");
		for (k = 0; k < n; k++)
			cells[k + 1] = json_string_value(json_array_get(json_object_get(row, "values"), k))
					       ? json_string_value(json_array_get(json_object_get(row, "values"), k)) : "";
		if ((rc = pdf_table_row(t, cells, i % 2 ? &zebra : NULL)) < 0)
			break;
	}
	pdf_table_end(t);
	json_array_foreach(json_object_get(e, "end_of_life"), i, g) {
		if (rc < 0 || i >= ROWS_PER_TABLE)
			break;
		strbuf_reset(&line);
		strbuf_addf(&line, "%s: %s %s — %s%s%s (%lld).", rep_company_name(r, jsonx_str(g, "company")),
			    jsonx_strz(g, "title"), jsonx_strz(g, "version"), jsonx_strz(g, "status"),
			    jsonx_str(g, "eol") ? ", end of life " : "", jsonx_strz(g, "eol"), jsonx_int(g, "count", 0));
		rc = pdf_paragraph(r->p, PDF_REGULAR, 8.5f, pdf_black, line.buf, 0);
	}
	strbuf_release(&line);
	return rc;
}

static void side_text(struct strbuf *out, struct rctx *r, const json_t *s)
{
	strbuf_addf(out, "%s: %s %s%s%s", rep_company_name(r, jsonx_str(s, "company")), jsonx_strz(s, "kind"),
		    jsonx_strz(s, "cidr"), jsonx_str(s, "name") ? " " : "", jsonx_strz(s, "name"));
}

static int network(struct rctx *r)
{
	static const char *const headers[] = { "Range", "Conflicts with", "Overlap" };
	static const float widths[] = { 3, 3, 1.4f };
	const json_t *n = json_object_get(r->cons, "network"), *pr;
	struct strbuf a = STRBUF_INIT, b = STRBUF_INIT;
	struct pdf_table *t = NULL;
	const char *cells[3];
	char buf[200];
	size_t i, shown = 0;
	int rc;

	if ((rc = pdf_heading(r->p, "Network ranges", 1)) < 0)
		goto cleanup;
	snprintf(buf, sizeof(buf), "%lld overlapping pair%s of address ranges between the companies.",
		 jsonx_int(n, "pair_count", 0), jsonx_int(n, "pair_count", 0) == 1 ? "" : "s");
	rep_para(r, buf);
	if (jsonx_str(json_object_get(n, "default_vpcs"), "text"))
		rep_para(r, jsonx_str(json_object_get(n, "default_vpcs"), "text"));
	json_array_foreach(json_object_get(n, "pairs"), i, pr) {
		if (shown >= ROWS_PER_TABLE)
			break;
		if (!t && (rc = pdf_table_begin(r->p, &t, 3, headers, widths, 7.5f)) < 0)
			goto cleanup;
		strbuf_reset(&a);
		strbuf_reset(&b);
		side_text(&a, r, json_object_get(pr, "a"));
		side_text(&b, r, json_object_get(pr, "b"));
		cells[0] = a.buf;
		cells[1] = b.buf;
		cells[2] = jsonx_strz(pr, "overlap");
		if ((rc = pdf_table_row(t, cells, shown++ % 2 ? &zebra : NULL)) < 0)
			goto cleanup;
	}
	pdf_table_end(t);
	t = NULL;
	rc = more(r, shown, jsonx_int(n, "pair_count", 0), "findings.json (consolidation.network.pairs)");
cleanup:
	pdf_table_end(t);
	strbuf_release(&a);
	strbuf_release(&b);
	return rc;
}

static int third_party(struct rctx *r)
{
	static const char *const headers[] = { "Company", "Access", "Principal", "On", "Action" };
	static const float widths[] = { 1.4f, 1.4f, 2.6f, 2.2f, 1.2f };
	const json_t *tp = json_object_get(r->cons, "third_party"), *e;
	struct pdf_table *t = NULL;
	const char *cells[5];
	size_t i, shown = 0;
	int rc;

	if ((rc = pdf_heading(r->p, "Third-party access", 1)) < 0)
		return rc;
	if (!json_array_size(json_object_get(tp, "entries")))
		return rep_note(r, "No third-party access was found in what was collected.");
	json_array_foreach(json_object_get(tp, "entries"), i, e) {
		if (shown >= ROWS_PER_TABLE)
			break;
		if (!t && (rc = pdf_table_begin(r->p, &t, 5, headers, widths, 7.5f)) < 0)
			return rc;
		cells[0] = rep_company_name(r, jsonx_str(e, "company"));
		cells[1] = jsonx_strz(e, "kind");
		cells[2] = jsonx_strz(e, "principal");
		cells[3] = jsonx_strz(json_object_get(e, "asset"), "name");
		cells[4] = jsonx_strz(e, "action");
		if ((rc = pdf_table_row(t, cells, shown++ % 2 ? &zebra : NULL)) < 0)
			break;
	}
	pdf_table_end(t);
	if (rc == 0)
		rc = more(r, shown, (long long)json_array_size(json_object_get(tp, "entries")),
			  "findings.json (consolidation.third_party)");
	return rc;
}

int rep_consolidation(struct rctx *r)
{
	int rc;

	if ((rc = rep_section(r, "Consolidation plan")) < 0)
		return rc;
	if (!r->cons)
		return rep_note(r, report_text(r->tmpl, "consolidation_missing"));
	if ((rc = rep_note(r, report_text(r->tmpl, "consolidation_intro"))) < 0 || (rc = tools(r)) < 0 ||
	    (rc = estate(r)) < 0 || (rc = network(r)) < 0)
		return rc;
	return third_party(r);
}

int rep_checklist(struct rctx *r)
{
	static const char *const headers[] = { "#", "Item", "Owner", "Status", "Blocked by / waiting on" };
	static const float widths[] = { 0.4f, 4, 1.2f, 0.9f, 2.6f };
	const json_t *cl = json_object_get(r->cons, "checklist"), *it, *sum = json_object_get(cl, "summary");
	struct strbuf why = STRBUF_INIT;
	struct pdf_table *t = NULL;
	const char *cells[5], *phase = NULL;
	char num[16], buf[200];
	size_t i;
	int rc;

	if ((rc = rep_section(r, "Integration checklist")) < 0)
		goto cleanup;
	if (!cl) {
		rc = rep_note(r, report_text(r->tmpl, "checklist_missing"));
		goto cleanup;
	}
	rep_note(r, report_text(r->tmpl, "checklist_intro"));
	snprintf(buf, sizeof(buf), "%lld items: %lld ready, %lld blocked, %lld waiting.", jsonx_int(sum, "items", 0),
		 jsonx_int(sum, "ready", 0), jsonx_int(sum, "blocked", 0), jsonx_int(sum, "waiting", 0));
	rep_para(r, buf);
	json_array_foreach(json_object_get(cl, "items"), i, it) {
		if (!phase || strcmp(phase, jsonx_strz(it, "phase"))) {
			pdf_table_end(t);
			t = NULL;
			phase = jsonx_strz(it, "phase");
			if ((rc = pdf_heading(r->p, jsonx_str(it, "phase_title") ? jsonx_str(it, "phase_title") : phase, 1)) < 0 ||
			    (rc = pdf_table_begin(r->p, &t, 5, headers, widths, 7.5f)) < 0)
				goto cleanup;
		}
		strbuf_reset(&why);
		join(&why, json_object_get(it, "blocked_by"));
		if (json_array_size(json_object_get(it, "blocking_findings")))
			strbuf_addf(&why, " (%zu open finding%s)", json_array_size(json_object_get(it, "blocking_findings")),
				    json_array_size(json_object_get(it, "blocking_findings")) == 1 ? "" : "s");
		if (json_array_size(json_object_get(it, "waiting_on"))) {
			strbuf_addstr(&why, why.len ? "; waits on " : "waits on ");
			join(&why, json_object_get(it, "waiting_on"));
		}
		snprintf(num, sizeof(num), "%lld", jsonx_int(it, "order", (long long)i + 1));
		cells[0] = num;
		cells[1] = jsonx_strz(it, "title");
		cells[2] = jsonx_strz(it, "owner");
		cells[3] = jsonx_strz(it, "status");
		cells[4] = why.buf;
		if ((rc = pdf_table_row(t, cells, i % 2 ? &zebra : NULL)) < 0)
			goto cleanup;
	}
	rc = 0;
cleanup:
	pdf_table_end(t);
	strbuf_release(&why);
	return rc;
}
