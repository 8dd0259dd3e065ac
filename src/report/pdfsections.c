/*
 * The detailed sections: findings by domain with the assets they affect,
 * grouped fixes, the side-by-side comparison, the consolidation plan and the
 * integration checklist by phase.
 */
#include <stdio.h>
#include <string.h>

#include "core/err.h"
#include "core/finding.h"
#include "core/jsonx.h"
#include "report_int.h"
#include "template.h"

/* Rows a detailed table shows before pointing at the register or findings.json. */
#define ROWS_PER_TABLE 40

static const char *const domain_ids[] = { "vulnerabilities",   "identity-access",   "network-exposure",
					  "data-protection",   "logging-detection", "kubernetes-hardening",
					  "supply-chain",      "unmapped" };

static const struct pdf_rgb zebra = { 0.95f, 0.95f, 0.97f };

const char *rep_asset_label(const char *name)
{
	const char *slash;

	if (!name || strncmp(name, "registry:", 9) || !(slash = strchr(name + 9, '/')) || !slash[1])
		return name ? name : "";
	return slash + 1;
}

/* Names of up to five assets of a list ({name}, {key} or strings), "+N more" after. */
static void asset_names(struct strbuf *out, const json_t *assets)
{
	const json_t *a;
	size_t i, n = json_array_size(assets);

	json_array_foreach(assets, i, a) {
		const char *s = json_is_string(a) ? json_string_value(a)
			       : jsonx_str(a, "name") && *jsonx_str(a, "name") ? jsonx_str(a, "name") : jsonx_strz(a, "key");

		if (i == 5) {
			strbuf_addf(out, " +%zu more", n - 5);
			break;
		}
		strbuf_addf(out, "%s%s", i ? ", " : "", rep_asset_label(s));
	}
	if (!n && json_is_integer(assets))
		strbuf_addf(out, "%lld", (long long)json_integer_value(assets));
}

static int more_note(struct rctx *r, size_t shown, size_t total, const char *where)
{
	char buf[200];

	if (shown >= total)
		return 0;
	snprintf(buf, sizeof(buf), "%zu more not shown here: see %s.", total - shown, where);
	return rep_note(r, buf);
}

static int issue_domain_is(const json_t *is, const char *dom)
{
	const char *d = jsonx_str(is, "domain");

	return !strcmp(dom, "unmapped") ? !d || !*d : d && !strcmp(d, dom);
}

/* Without scores: the open findings of a domain, from each finding's own domain. */
static int domain_from_findings(struct rctx *r, const char *dom, size_t *count)
{
	static const char *const headers[] = { "Company", "Finding", "Severity", "Asset" };
	static const float widths[] = { 1.4f, 4, 1, 2.4f };
	struct pdf_table *t = NULL;
	const char *cells[4];
	size_t f, shown = 0;
	int rc = 0;

	*count = 0;
	for (f = 0; f < r->nfindings && rc == 0; f++) {
		const json_t *x = r->sorted[f];
		const char *d = jsonx_str(x, "domain");

		if (strcmp(jsonx_strz(x, "status"), "open") || !strcmp(jsonx_strz(x, "kind"), "gap") ||
		    (!strcmp(dom, "unmapped") ? d && *d : !d || strcmp(d, dom)))
			continue;
		if (++*count > ROWS_PER_TABLE)
			continue;
		if (!t && (rc = pdf_table_begin(r->p, &t, 4, headers, widths, 8)) < 0)
			return rc;
		cells[0] = rep_company_name(r, jsonx_str(x, "company"));
		cells[1] = jsonx_strz(x, "title");
		cells[2] = jsonx_strz(x, "severity");
		cells[3] = rep_asset_label(jsonx_strz(json_object_get(x, "asset"), "name"));
		rc = pdf_table_row(t, cells, shown++ % 2 ? &zebra : NULL);
	}
	pdf_table_end(t);
	if (rc == 0)
		rc = more_note(r, shown, *count, "the findings register");
	return rc;
}

static int domain_issues(struct rctx *r, const char *dom, size_t *count)
{
	static const char *const headers[] = { "Company", "Issue", "Severity", "Priority", "Affected assets" };
	static const float widths[] = { 1.4f, 3.4f, 1, 1.2f, 2.6f };
	struct strbuf assets = STRBUF_INIT;
	struct pdf_table *t = NULL;
	const char *cells[5];
	const json_t *cs, *is;
	size_t i, k, shown = 0;
	int rc = 0;

	*count = 0;
	json_array_foreach(json_object_get(r->scores, "companies"), i, cs) {
		json_array_foreach(json_object_get(cs, "issues"), k, is) {
			if (!issue_domain_is(is, dom) || ++*count > ROWS_PER_TABLE || rc < 0)
				continue;
			if (!t && (rc = pdf_table_begin(r->p, &t, 5, headers, widths, 8)) < 0)
				goto cleanup;
			strbuf_reset(&assets);
			asset_names(&assets, json_object_get(is, "assets"));
			cells[0] = rep_company_name(r, jsonx_str(cs, "company"));
			cells[1] = jsonx_strz(is, "title");
			cells[2] = jsonx_strz(is, "severity");
			cells[3] = jsonx_strz(is, "priority");
			cells[4] = assets.buf;
			rc = pdf_table_row(t, cells, shown++ % 2 ? &zebra : NULL);
		}
	}
	if (rc == 0)
		rc = more_note(r, shown, *count, "findings.json (scores.companies[].issues)");
cleanup:
	pdf_table_end(t);
	strbuf_release(&assets);
	return rc;
}

int rep_domains(struct rctx *r)
{
	char title[160];
	size_t d, count;
	int rc;

	if ((rc = rep_section(r, "Findings by domain")) < 0 || (rc = rep_note(r, report_text(r->tmpl, "domains_intro"))) < 0)
		return rc;
	if (!r->scores)
		rep_note(r, "Issues are not available (no scores): the open findings are listed by their own domain.");
	for (d = 0; d < sizeof(domain_ids) / sizeof(domain_ids[0]); d++) {
		snprintf(title, sizeof(title), "%s (%s)", rep_word(r, "domains", domain_ids[d], domain_ids[d]), domain_ids[d]);
		if ((rc = pdf_heading(r->p, title, 1)) < 0)
			return rc;
		rc = r->scores ? domain_issues(r, domain_ids[d], &count) : domain_from_findings(r, domain_ids[d], &count);
		if (rc < 0)
			return rc;
		if (!count && (rc = rep_note(r, "No open issues in this domain. Check the coverage appendix before reading "
						"this as no risk.")) < 0)
			return rc;
		pdf_skip(r->p, 6);
	}
	return 0;
}

int rep_fixes(struct rctx *r)
{
	static const char *const headers[] = { "Fix", "Type", "Assets", "Hours", "Cost", "Priority", "Recommended" };
	static const float widths[] = { 3.8f, 1.0f, 0.8f, 0.8f, 1.2f, 1.2f, 1.5f };
	struct pdf_table *t = NULL;
	char buf[5][48], title[200];
	const char *cells[7];
	const json_t *cs, *rem, *g;
	size_t i, k, shown;
	int rc;

	if ((rc = rep_section(r, "Grouped fixes")) < 0 || (rc = rep_note(r, report_text(r->tmpl, "fixes_intro"))) < 0)
		return rc;
	if (!r->scores)
		return rep_note(r, report_text(r->tmpl, "scores_missing"));
	json_array_foreach(json_object_get(r->scores, "companies"), i, cs) {
		rem = json_object_get(cs, "remediation");
		snprintf(title, sizeof(title), "%s", rep_company_name(r, jsonx_str(cs, "company")));
		if ((rc = pdf_heading(r->p, title, 1)) < 0)
			return rc;
		rep_money(buf[0], 48, json_object_get(rem, "cost"), jsonx_str(rem, "currency"));
		rep_money(buf[1], 48, json_object_get(rem, "recommended_cost"), jsonx_str(rem, "currency"));
		snprintf(title, sizeof(title), "All fixes: %.1f hours, %s. Recommended fixes: %.1f hours, %s (at %g an hour).",
			 jsonx_num(rem, "hours", 0), buf[0], jsonx_num(rem, "recommended_hours", 0), buf[1],
			 jsonx_num(rem, "rate", 0));
		rep_para(r, title);
		if (!json_array_size(json_object_get(rem, "groups"))) {
			rep_note(r, "No fixes: no open findings were counted for this company.");
			continue;
		}
		if ((rc = pdf_table_begin(r->p, &t, 7, headers, widths, 7.5f)) < 0)
			return rc;
		shown = 0;
		json_array_foreach(json_object_get(rem, "groups"), k, g) {
			if (k >= ROWS_PER_TABLE)
				break;
			snprintf(title, sizeof(title), "%s", jsonx_str(g, "fix") ? jsonx_str(g, "fix") : jsonx_strz(g, "title"));
			rep_int(buf[0], 48, rep_count(json_object_get(g, "assets")));
			snprintf(buf[1], 48, "%.1f", jsonx_num(g, "hours", 0));
			rep_money(buf[2], 48, json_object_get(g, "cost"), NULL);
			cells[0] = jsonx_str(g, "title") ? jsonx_str(g, "title") : title;
			cells[1] = jsonx_strz(g, "type");
			cells[2] = buf[0];
			cells[3] = buf[1];
			cells[4] = buf[2];
			cells[5] = jsonx_strz(g, "priority");
			cells[6] = jsonx_bool(g, "recommended", 0) ? "yes" : "no";
			if ((rc = pdf_table_row(t, cells, shown++ % 2 ? &zebra : NULL)) < 0)
				break;
		}
		pdf_table_end(t);
		t = NULL;
		if (rc < 0 || (rc = more_note(r, shown, json_array_size(json_object_get(rem, "groups")),
					      "findings.json (scores.companies[].remediation.groups)")) < 0)
			return rc;
	}
	return 0;
}

/* A comparison value as printed; units as scores.comparison gives them (docs/findings.md). */
static void value_text(char *buf, size_t n, const json_t *v, const char *unit)
{
	unit = unit ? unit : "";
	if (!v || json_is_null(v))
		snprintf(buf, n, "—");
	else if (json_is_string(v))
		snprintf(buf, n, "%s", json_string_value(v));
	else if (json_is_boolean(v))
		snprintf(buf, n, "%s", json_is_true(v) ? "yes" : "no");
	else if (!strcmp(unit, "ratio"))
		rep_percent(buf, n, v);
	else if (!strcmp(unit, "hours"))
		snprintf(buf, n, "%.1f h", json_number_value(v));
	else if (strlen(unit) == 3 && unit[0] >= 'A' && unit[0] <= 'Z' && unit[1] >= 'A' && unit[1] <= 'Z')
		rep_money(buf, n, v, unit);
	else if (json_is_integer(v))
		rep_int(buf, n, json_integer_value(v));
	else
		snprintf(buf, n, "%.4g", json_number_value(v));
}

/* A comparison row's figure in words: a domain's rating by the domain's name, issues by priority. */
static const char *figure_label(const struct rctx *r, const char *fig, char *buf, size_t n)
{
	const char *w = rep_word(r, "domains", fig, NULL);

	if (w)
		snprintf(buf, n, "Rating: %s", w);
	else if (!strncmp(fig, "issues ", 7) && (w = rep_word(r, "priorities", fig + 7, NULL)))
		snprintf(buf, n, "Open issues: %s", w);
	else
		snprintf(buf, n, "%s", fig);
	if (buf[0] >= 'a' && buf[0] <= 'z')
		buf[0] = (char)(buf[0] - 'a' + 'A');
	return buf;
}

int rep_comparison(struct rctx *r)
{
	const json_t *cmp = json_object_get(r->scores, "comparison"), *col, *row;
	const char *headers[REP_MAX_COMPANIES + 1], *cells[REP_MAX_COMPANIES + 1];
	char vals[REP_MAX_COMPANIES][64], label[160];
	float widths[REP_MAX_COMPANIES + 1];
	struct pdf_table *t = NULL;
	size_t i, k, ncol = 0;
	int rc;

	if ((rc = rep_section(r, "Comparison")) < 0 || (rc = rep_note(r, report_text(r->tmpl, "comparison_intro"))) < 0)
		return rc;
	if (!cmp)
		return rep_note(r, report_text(r->tmpl, "scores_missing"));
	headers[0] = "Figure";
	widths[0] = 2.6f;
	json_array_foreach(json_object_get(cmp, "columns"), i, col) {
		if (ncol >= REP_MAX_COMPANIES)
			break;
		headers[++ncol] = jsonx_strz(col, "name");
		widths[ncol] = 2;
	}
	if ((rc = pdf_table_begin(r->p, &t, ncol + 1, headers, widths, 8)) < 0)
		return rc;
	json_array_foreach(json_object_get(cmp, "rows"), i, row) {
		cells[0] = figure_label(r, jsonx_strz(row, "figure"), label, sizeof(label));
		for (k = 0; k < ncol; k++) {
			value_text(vals[k], 64, json_array_get(json_object_get(row, "values"), k), jsonx_str(row, "unit"));
			cells[k + 1] = vals[k];
		}
		if ((rc = pdf_table_row(t, cells, i % 2 ? &zebra : NULL)) < 0)
			break;
	}
	pdf_table_end(t);
	return rc;
}
