/*
 * The charts section: ratings by domain (paired bars), open findings by
 * severity and company, a likelihood x impact heat map per company, and the
 * automated checks by framework.
 */
#include <stdio.h>
#include <string.h>

#include "chart.h"
#include "core/err.h"
#include "core/finding.h"
#include "core/jsonx.h"
#include "report_int.h"
#include "template.h"

#define CHART_H 185.0f
#define MAX_FRAMEWORKS 12

static const char *const domain_ids[] = { "vulnerabilities",   "identity-access",      "network-exposure",
					  "data-protection",   "logging-detection",    "kubernetes-hardening",
					  "supply-chain" };
static const char *const domain_short[] = { "Vulnerabilities", "Identity", "Network", "Data",
					    "Logging",         "Kubernetes", "Supply chain" };

/* Place a chart box of height h at the cursor, starting a page when it does not fit. */
static float chart_slot(struct rctx *r, float h)
{
	pdf_need(r->p, h + 10);
	pdf_skip(r->p, h);
	return pdf_cursor(r->p);
}

static int ratings_by_domain(struct rctx *r, const char **names, const struct pdf_rgb *colours)
{
	double values[7 * REP_MAX_COMPANIES];
	struct chart_bars c = { "Ratings by domain (0–100; n/a: insufficient evidence or not rated)",
				domain_short, 7, names, r->ncompanies, values, colours, 100, 0 };
	const json_t *d;
	size_t i, k;
	float y;

	for (k = 0; k < 7; k++)
		for (i = 0; i < r->ncompanies; i++) {
			d = json_object_get(json_object_get(rep_company_scores(r, jsonx_strz(r->company[i], "id")), "domains"),
					    domain_ids[k]);
			values[k * r->ncompanies + i] = !strcmp(jsonx_strz(d, "status"), "rated") ? jsonx_num(d, "score", -1) : -1;
		}
	if (!r->scores)
		c.ncat = 0;
	y = chart_slot(r, CHART_H);
	return chart_bars(r->p, pdf_margin(r->p), y, pdf_content_width(r->p), CHART_H, &c);
}

static int by_severity(struct rctx *r, const char **names, const struct pdf_rgb *colours)
{
	static const char *const sev[] = { "Critical", "High", "Medium", "Low", "Info", "Unknown" };
	double values[6 * REP_MAX_COMPANIES];
	struct chart_bars c = { "Open findings by severity and company", sev, 6, names, r->ncompanies, values, colours, 0,
				0 };
	size_t i, k;
	float y;

	for (k = 0; k < 6; k++)
		for (i = 0; i < r->ncompanies; i++)
			values[k * r->ncompanies + i] = (double)r->open_sev[i][5 - k];
	y = chart_slot(r, CHART_H);
	return chart_bars(r->p, pdf_margin(r->p), y, pdf_content_width(r->p), CHART_H, &c);
}

static int heatmaps(struct rctx *r)
{
	long long counts[REP_MAX_COMPANIES][5][5];
	const json_t *risk;
	char title[160];
	size_t i, f, per_row = r->ncompanies < 3 ? r->ncompanies : 3;
	float w = (pdf_content_width(r->p) - 10 * (float)(per_row - 1)) / (float)per_row, y = 0;
	int ci, l, im, rc = 0;

	memset(counts, 0, sizeof(counts));
	for (f = 0; f < r->nfindings; f++) {
		risk = json_object_get(r->sorted[f], "risk");
		if (!risk || strcmp(jsonx_strz(r->sorted[f], "status"), "open") ||
		    (ci = rep_company_index(r, jsonx_str(r->sorted[f], "company"))) < 0)
			continue;
		l = (int)jsonx_int(risk, "likelihood_level", 0);
		im = (int)jsonx_int(risk, "impact_level", 0);
		if (l >= 1 && l <= 5 && im >= 1 && im <= 5)
			counts[ci][l - 1][im - 1]++;
	}
	for (i = 0; i < r->ncompanies && rc == 0; i++) {
		if (i % per_row == 0)
			y = chart_slot(r, CHART_H + 10);
		snprintf(title, sizeof(title), "Likelihood × impact: %s", jsonx_strz(r->company[i], "name"));
		rc = chart_heatmap(r->p, pdf_margin(r->p) + (float)(i % per_row) * (w + 10), y, w, CHART_H + 10, title,
				   (const long long(*)[5])counts[i], rep_company_colour(r, i));
	}
	return rc;
}

static int by_framework(struct rctx *r, const char **names, const struct pdf_rgb *colours)
{
	const char *fw[MAX_FRAMEWORKS];
	double values[MAX_FRAMEWORKS * REP_MAX_COMPANIES];
	struct chart_bars c = { "Automated checks passed by framework (share of checks run)", fw, 0, names,
				r->ncompanies, values, colours, 100, 1 };
	const json_t *cs, *e;
	size_t i, k, j, n = 0;
	float y;

	for (i = 0; i < r->ncompanies; i++) {
		cs = rep_company_scores(r, jsonx_strz(r->company[i], "id"));
		json_array_foreach(json_object_get(cs, "compliance"), k, e) {
			for (j = 0; j < n && strcmp(fw[j], jsonx_strz(e, "framework")); j++)
				;
			if (j == n && n < MAX_FRAMEWORKS)
				fw[n++] = jsonx_strz(e, "framework");
		}
	}
	for (j = 0; j < n; j++)
		for (i = 0; i < r->ncompanies; i++) {
			values[j * r->ncompanies + i] = -1;
			cs = rep_company_scores(r, jsonx_strz(r->company[i], "id"));
			json_array_foreach(json_object_get(cs, "compliance"), k, e)
				if (!strcmp(jsonx_strz(e, "framework"), fw[j]) && jsonx_num(e, "checks", 0) > 0)
					values[j * r->ncompanies + i] =
						100.0 * jsonx_num(e, "passed", 0) / jsonx_num(e, "checks", 1);
		}
	c.ncat = n;
	for (j = 0; j < n; j++) /* the categories' labels: the frameworks by name */
		fw[j] = rep_word(r, "frameworks", fw[j], fw[j]);
	y = chart_slot(r, CHART_H);
	return chart_bars(r->p, pdf_margin(r->p), y, pdf_content_width(r->p), CHART_H, &c);
}

static int compliance_text(struct rctx *r)
{
	struct strbuf line = STRBUF_INIT;
	const json_t *cs, *e;
	size_t i, k;
	int rc = 0;

	pdf_skip(r->p, 8);
	for (i = 0; i < r->ncompanies && rc == 0; i++) {
		cs = rep_company_scores(r, jsonx_strz(r->company[i], "id"));
		json_array_foreach(json_object_get(cs, "compliance"), k, e) {
			strbuf_reset(&line);
			strbuf_addf(&line, "%s, %s: %s", jsonx_strz(r->company[i], "name"),
				    rep_word(r, "frameworks", jsonx_str(e, "framework"), jsonx_strz(e, "framework")),
				    jsonx_strz(e, "text"));
			if ((rc = pdf_paragraph(r->p, PDF_REGULAR, 8.5f, pdf_black, line.buf, 0)) < 0)
				break;
		}
	}
	if (rc == 0)
		rc = rep_note(r, "Automated checks are what the rules found; they are not a compliance opinion.");
	strbuf_release(&line);
	return rc;
}

int rep_charts(struct rctx *r)
{
	const char *names[REP_MAX_COMPANIES];
	struct pdf_rgb colours[REP_MAX_COMPANIES];
	size_t i;
	int rc;

	for (i = 0; i < r->ncompanies; i++) {
		names[i] = jsonx_strz(r->company[i], "name");
		colours[i] = rep_company_colour(r, i);
	}
	if ((rc = rep_section(r, "Charts")) < 0 || (rc = rep_note(r, report_text(r->tmpl, "charts_intro"))) < 0)
		return rc;
	if (!r->scores)
		rep_note(r, report_text(r->tmpl, "scores_missing"));
	if ((rc = ratings_by_domain(r, names, colours)) < 0 || (rc = by_severity(r, names, colours)) < 0)
		return rc;
	pdf_new_page(r->p, 0);
	if ((rc = heatmaps(r)) < 0 || (rc = by_framework(r, names, colours)) < 0)
		return rc;
	return compliance_text(r);
}
