/*
 * summary.md: the executive summary as Markdown, for e-mail and tickets.
 * Same figures and wording as the PDF's executive summary, from the same
 * results document.
 */
#include <stdlib.h>
#include <string.h>

#include "core/err.h"
#include "core/finding.h"
#include "core/jsonx.h"
#include "core/log.h"
#include "core/util.h"
#include "report_int.h"
#include "stage.h"
#include "template.h"

/*
 * A failed append (limit or memory) poisons the buffer: every later append
 * fails too, and the writer sees it once at the end.
 */
static void poison(struct strbuf *sb, int rc)
{
	if (rc < 0)
		sb->limit = 1;
}

/* A table cell or list text: pipes escaped, line breaks made spaces. */
static void md(struct strbuf *out, const char *s)
{
	for (; s && *s; s++) {
		if (*s == '|')
			poison(out, strbuf_addstr(out, "\\|"));
		else if (*s == '\n' || *s == '\r')
			poison(out, strbuf_addch(out, ' '));
		else
			poison(out, strbuf_addch(out, *s));
	}
}

static const json_t *scores_of(const json_t *res, const char *id)
{
	const json_t *c;
	size_t i;

	json_array_foreach(jsonx_dig(res, "scores.companies"), i, c)
		if (!strcmp(jsonx_strz(c, "company"), id))
			return c;
	return NULL;
}

static const char *name_of(const json_t *res, const char *id)
{
	const json_t *c;
	size_t i;

	json_array_foreach(json_object_get(res, "companies"), i, c)
		if (!strcmp(jsonx_strz(c, "id"), id ? id : ""))
			return jsonx_strz(c, "name");
	return id ? id : "";
}

static void table(struct strbuf *out, const json_t *res)
{
	static const char *const rows[] = { "Rating", "Coverage", "Open: critical", "Open: high", "Open: medium",
					    "Open: low", "Coverage gaps", "Red flags", "Remediation, all fixes",
					    "Remediation, recommended", "Annual loss P50 (before → after)" };
	const json_t *companies = json_object_get(res, "companies"), *co, *cs, *f;
	size_t i, k, row;
	char cell[200], a[64], b[64];

	poison(out, strbuf_addstr(out, "| |"));
	json_array_foreach(companies, i, co) {
		poison(out, strbuf_addch(out, ' '));
		md(out, jsonx_strz(co, "name"));
		poison(out, strbuf_addstr(out, " |"));
	}
	poison(out, strbuf_addstr(out, "\n|---|"));
	for (i = 0; i < json_array_size(companies); i++)
		poison(out, strbuf_addstr(out, "---|"));
	poison(out, strbuf_addch(out, '\n'));
	for (row = 0; row < ARRAY_SIZE(rows); row++) {
		poison(out, strbuf_addf(out, "| %s |", rows[row]));
		json_array_foreach(companies, i, co) {
			const char *id = jsonx_strz(co, "id");
			long long n = 0;

			cs = scores_of(res, id);
			switch (row) {
			case 0: rep_rating(cell, sizeof(cell), json_object_get(cs, "rating")); break;
			case 1: rep_percent(cell, sizeof(cell), jsonx_dig(cs, "coverage.ratio")); break;
			case 2: case 3: case 4: case 5: case 6:
				json_array_foreach(json_object_get(res, "findings"), k, f) {
					if (strcmp(jsonx_strz(f, "company"), id))
						continue;
					if (row == 6)
						n += !strcmp(jsonx_strz(f, "kind"), "gap");
					else
						n += strcmp(jsonx_strz(f, "kind"), "gap") && !strcmp(jsonx_strz(f, "status"), "open") &&
						     severity_rank(jsonx_str(f, "severity")) == 7 - (int)row;
				}
				rep_int(cell, sizeof(cell), n);
				break;
			case 7:
				if (cs)
					rep_int(cell, sizeof(cell), (long long)json_array_size(json_object_get(cs, "red_flags")));
				else
					snprintf(cell, sizeof(cell), "—");
				break;
			case 8: case 9:
				rep_money(cell, sizeof(cell), jsonx_dig(cs, row == 8 ? "remediation.cost" : "remediation.recommended_cost"),
					  jsonx_str(json_object_get(cs, "remediation"), "currency"));
				break;
			default:
				if (!json_is_object(jsonx_dig(cs, "loss.before"))) {
					snprintf(cell, sizeof(cell), "%s", cs ? "no scenario applies" : "—");
				} else {
					rep_money(a, sizeof(a), jsonx_dig(cs, "loss.before.p50"), jsonx_str(json_object_get(cs, "loss"), "currency"));
					rep_money(b, sizeof(b), jsonx_dig(cs, "loss.after.p50"), jsonx_str(json_object_get(cs, "loss"), "currency"));
					snprintf(cell, sizeof(cell), "%s → %s", a, b);
				}
			}
			poison(out, strbuf_addch(out, ' '));
			md(out, cell);
			poison(out, strbuf_addstr(out, " |"));
		}
		poison(out, strbuf_addch(out, '\n'));
	}
}

static void deal_list(struct strbuf *out, const json_t *res, const char *title, const char *key, const char *none,
		      int flags)
{
	const json_t *it;
	size_t i;

	poison(out, strbuf_addf(out, "\n## %s\n\n", title));
	if (!json_array_size(jsonx_dig(res, key))) {
		poison(out, strbuf_addf(out, "%s\n", none));
		return;
	}
	json_array_foreach(jsonx_dig(res, key), i, it) {
		poison(out, strbuf_addstr(out, "- "));
		if (flags) {
			md(out, name_of(res, jsonx_str(it, "company")));
			poison(out, strbuf_addstr(out, ": "));
			md(out, jsonx_strz(it, "title"));
		} else {
			md(out, jsonx_strz(it, "text"));
		}
		poison(out, strbuf_addch(out, '\n'));
	}
}

static void gaps(struct strbuf *out, const json_t *res)
{
	const json_t *f;
	size_t i, n = 0;

	poison(out, strbuf_addstr(out, "\n## What vetter could not see\n\n"));
	json_array_foreach(json_object_get(res, "findings"), i, f) {
		if (strcmp(jsonx_strz(f, "kind"), "gap"))
			continue;
		if (n++ < 50) {
			poison(out, strbuf_addstr(out, "- "));
			md(out, name_of(res, jsonx_str(f, "company")));
			poison(out, strbuf_addstr(out, ": "));
			md(out, jsonx_strz(json_object_get(f, "asset"), "name"));
			poison(out, strbuf_addstr(out, " — "));
			md(out, jsonx_str(f, "reason") ? jsonx_str(f, "reason") : jsonx_strz(f, "title"));
			poison(out, strbuf_addch(out, '\n'));
		}
	}
	if (n > 50)
		poison(out, strbuf_addf(out, "- … and %zu more (findings.csv, kind gap)\n", n - 50));
	if (!n)
		poison(out, strbuf_addstr(out, "No coverage gaps were recorded.\n"));
	poison(out, strbuf_addstr(out, "\nNo findings in an area with a gap means no evidence, not no risk.\n"));
}

/* The same sentences as the PDF's coverage appendix (rep_provenance_line). */
static void basis(struct strbuf *out, const json_t *res)
{
	struct strbuf line = STRBUF_INIT;
	long long n[REP_PROV_N];
	const json_t *co;
	size_t i;

	poison(out, strbuf_addstr(out, "\n## Evidence basis\n\n"));
	json_array_foreach(json_object_get(res, "companies"), i, co) {
		rep_provenance_counts(json_object_get(res, "findings"), jsonx_strz(co, "id"), n);
		strbuf_reset(&line);
		poison(out, rep_provenance_line(&line, jsonx_strz(co, "name"), n));
		poison(out, strbuf_addstr(out, "- "));
		md(out, line.buf);
		poison(out, strbuf_addch(out, '\n'));
	}
	strbuf_release(&line);
}

int report_write_summary(const json_t *res, const json_t *tmpl, const char *path)
{
	const json_t *eng = json_object_get(res, "engagement");
	struct strbuf out = STRBUF_INIT;
	int rc = 0;

	strbuf_init(&out, (size_t)64 * 1024 * 1024);
	poison(&out, strbuf_addstr(&out, "# "));
	md(&out, jsonx_strz(eng, "name"));
	poison(&out, strbuf_addstr(&out, " — executive summary\n\n"));
	poison(&out, strbuf_addf(&out, "**%s** · client: ", jsonx_strz(eng, "marking")));
	md(&out, jsonx_strz(eng, "client"));
	poison(&out, strbuf_addf(&out, " · as of %s · prepared by ", jsonx_strz(eng, "as_of")));
	md(&out, jsonx_strz(tmpl, "firm"));
	poison(&out, strbuf_addstr(&out, "\n\n"));
	if (!json_object_get(res, "scores"))
		poison(&out, strbuf_addf(&out, "%s\n\n", report_text(tmpl, "scores_missing")));
	else
		poison(&out, strbuf_addf(&out, "%s\n\n", report_text(tmpl, "summary_intro")));
	table(&out, res);
	deal_list(&out, res, "Red flags", "scores.deal.red_flags", report_text(tmpl, "red_flags_none"), 1);
	deal_list(&out, res, "Candidate conditions", "scores.deal.conditions", report_text(tmpl, "conditions_none"), 0);
	basis(&out, res);
	gaps(&out, res);
	if (out.limit == 1) {
		rc = err_set(ERR_NOMEM, "%s: the summary does not fit in memory", path);
	} else {
		log_scrub(&out);
		rc = util_write_file_atomic(path, out.buf, out.len, 0644);
	}
	strbuf_release(&out);
	return rc;
}
