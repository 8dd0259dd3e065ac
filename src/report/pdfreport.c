/*
 * The board report: cover, executive summary and the order of the sections;
 * the helpers every part shares.  The sections themselves are in
 * pdfcharts.c, pdfsections.c and pdfappendix.c.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <stdint.h>
#include <string.h>

#include "core/err.h"
#include "core/finding.h"
#include "core/jsonx.h"
#include "core/util.h"
#include "report_int.h"
#include "template.h"

#define DEFAULT_FONT_DIR "/usr/share/fonts/truetype/dejavu"

static const char *font_dir(void)
{
	const char *d = getenv("VETTER_FONT_DIR");

	return d && *d ? d : DEFAULT_FONT_DIR;
}

/* ---- helpers ---- */

int rep_company_index(const struct rctx *r, const char *id)
{
	size_t i;

	for (i = 0; id && i < r->ncompanies; i++)
		if (!strcmp(jsonx_strz(r->company[i], "id"), id))
			return (int)i;
	return -1;
}

const char *rep_company_name(const struct rctx *r, const char *id)
{
	int i = rep_company_index(r, id);

	return i < 0 ? (id ? id : "") : jsonx_strz(r->company[i], "name");
}

const json_t *rep_company_scores(const struct rctx *r, const char *id)
{
	const json_t *c;
	size_t i;

	json_array_foreach(json_object_get(r->scores, "companies"), i, c)
		if (!strcmp(jsonx_strz(c, "company"), id ? id : ""))
			return c;
	return NULL;
}

struct pdf_rgb rep_company_colour(const struct rctx *r, size_t i)
{
	static const struct pdf_rgb extra[] = { { 0.4f, 0.3f, 0.6f }, { 0.2f, 0.55f, 0.5f }, { 0.6f, 0.5f, 0.2f } };
	const char *role = i < r->ncompanies ? jsonx_strz(r->company[i], "role") : "";
	size_t k, same = 0;

	for (k = 0; k < i; k++)
		if (!strcmp(jsonx_strz(r->company[k], "role"), role))
			same++;
	if (same)
		return extra[(same - 1) % 3];
	return !strcmp(role, "acquirer") ? report_colour(r->tmpl, "acquirer", (struct pdf_rgb){ 0.1f, 0.39f, 0.67f })
					 : report_colour(r->tmpl, "target", (struct pdf_rgb){ 0.91f, 0.35f, 0.05f });
}

void rep_int(char *buf, size_t n, long long v)
{
	char digits[32];
	size_t len, i, o = 0;
	int neg = v < 0;

	snprintf(digits, sizeof(digits), "%lld", neg ? -v : v);
	len = strlen(digits);
	if (neg && o + 1 < n)
		buf[o++] = '-';
	for (i = 0; i < len && o + 1 < n; i++) {
		if (i && (len - i) % 3 == 0 && o + 1 < n)
			buf[o++] = ',';
		if (o + 1 < n)
			buf[o++] = digits[i];
	}
	buf[o] = 0;
}

void rep_money(char *buf, size_t n, const json_t *amount, const char *currency)
{
	char num[40];

	if (!json_is_number(amount)) {
		snprintf(buf, n, "—");
		return;
	}
	rep_int(num, sizeof(num), (long long)floor(json_number_value(amount) + 0.5));
	if (currency && *currency)
		snprintf(buf, n, "%s %s", currency, num);
	else
		snprintf(buf, n, "%s", num);
}

long long rep_count(const json_t *v)
{
	if (json_is_array(v))
		return (long long)json_array_size(v);
	if (json_is_integer(v))
		return json_integer_value(v);
	if (json_is_real(v))
		return (long long)json_real_value(v);
	return -1;
}

int rep_level(double x)
{
	return x <= 0.2 ? 1 : x <= 0.4 ? 2 : x <= 0.6 ? 3 : x <= 0.8 ? 4 : 5;
}

void rep_rating(char *buf, size_t n, const json_t *rating)
{
	const char *status = jsonx_str(rating, "status");

	if (!rating)
		snprintf(buf, n, "not rated");
	else if (status && !strcmp(status, "rated") && json_is_number(json_object_get(rating, "score")))
		snprintf(buf, n, "%lld (%s)", (long long)jsonx_num(rating, "score", 0), jsonx_strz(rating, "grade"));
	else if (status && !strcmp(status, "insufficient-evidence"))
		snprintf(buf, n, "insufficient evidence");
	else
		snprintf(buf, n, "not rated");
}

void rep_percent(char *buf, size_t n, const json_t *ratio)
{
	if (!json_is_number(ratio))
		snprintf(buf, n, "—");
	else
		snprintf(buf, n, "%.1f%%", floor(json_number_value(ratio) * 1000 + 0.5) / 10);
}

int rep_para(struct rctx *r, const char *text)
{
	int rc = pdf_paragraph(r->p, PDF_REGULAR, 9.5f, pdf_black, text, 0);

	pdf_skip(r->p, 4);
	return rc;
}

int rep_note(struct rctx *r, const char *text)
{
	int rc = pdf_paragraph(r->p, PDF_REGULAR, 9.5f, pdf_grey, text, 0);

	pdf_skip(r->p, 4);
	return rc;
}

int rep_section(struct rctx *r, const char *title)
{
	int rc;

	if ((rc = pdf_new_page(r->p, 0)) < 0)
		return rc;
	return pdf_heading(r->p, title, 0);
}

int rep_appendix(struct rctx *r, const char *title)
{
	char buf[160];

	snprintf(buf, sizeof(buf), "Appendix %c — %s", r->appendix++, title);
	return rep_section(r, buf);
}

const char *rep_word(const struct rctx *r, const char *group, const char *key, const char *fallback)
{
	const char *s = jsonx_str(json_object_get(r->tmpl, group), key ? key : "");

	return s && *s ? s : fallback;
}

/* ---- cover ---- */

static int cover(struct rctx *r, const char *root)
{
	const json_t *eng = json_object_get(r->res, "engagement");
	struct pdf *p = r->p;
	struct strbuf line = STRBUF_INIT;
	float w = pdf_page_width(p), h = pdf_page_height(p), m = pdf_margin(p);
	const char *logo = jsonx_str(r->tmpl, "logo_path");
	size_t i;
	int rc;

	if ((rc = pdf_new_page(p, 1)) < 0)
		return rc;
	pdf_rect(p, 0, h - 250, w, 250, pdf_get_accent(p));
	pdf_text_at(p, m, h - 60, PDF_BOLD, 11, pdf_white, jsonx_strz(eng, "marking"), w - 2 * m);
	if (r->o->redacted)
		pdf_text_at(p, m, h - 78, PDF_BOLD, 11, pdf_white, "CLEAN-TEAM EDITION", w - 2 * m);
	pdf_text_at(p, m, h - 150, PDF_BOLD, 26, pdf_white, jsonx_strz(eng, "name"), w - 2 * m);
	pdf_text_at(p, m, h - 180, PDF_REGULAR, 14, pdf_white,
		    jsonx_str(r->tmpl, "title") ? jsonx_str(r->tmpl, "title") : "Cyber-risk due diligence", w - 2 * m);
	pdf_set_cursor(p, h - 300);
	strbuf_addf(&line, "Prepared for %s", jsonx_strz(eng, "client"));
	pdf_paragraph(p, PDF_REGULAR, 12, pdf_black, line.buf, 0);
	strbuf_reset(&line);
	strbuf_addf(&line, "Assessment as of %s", jsonx_strz(eng, "as_of"));
	pdf_paragraph(p, PDF_REGULAR, 12, pdf_black, line.buf, 0);
	pdf_skip(p, 16);
	for (i = 0; i < r->ncompanies; i++) {
		strbuf_reset(&line);
		strbuf_addf(&line, "%s: %s", strcmp(jsonx_strz(r->company[i], "role"), "acquirer") ? "Target" : "Acquirer",
			    jsonx_strz(r->company[i], "name"));
		pdf_paragraph(p, PDF_BOLD, 12, pdf_black, line.buf, 0);
	}
	pdf_skip(p, 20);
	strbuf_reset(&line);
	strbuf_addf(&line, "Prepared by %s%s%s", jsonx_strz(r->tmpl, "firm"),
		    *jsonx_strz(r->tmpl, "author") ? " — " : "", jsonx_strz(r->tmpl, "author"));
	pdf_paragraph(p, PDF_REGULAR, 11, pdf_black, line.buf, 0);
	if (r->o->redacted) {
		pdf_skip(p, 10);
		pdf_paragraph(p, PDF_REGULAR, 10, pdf_grey, report_text(r->tmpl, "redacted_note"), 0);
	}
	if (logo && (rc = pdf_png(p, logo, w - m - 150, 150, 150, 50)) < 0)
		goto cleanup;
	pdf_set_cursor(p, 120);
	pdf_paragraph(p, PDF_REGULAR, 8, pdf_grey, "Evidence manifest root digest (SHA-256):", 0);
	pdf_paragraph(p, PDF_MONO, 8, pdf_grey, root && *root ? root : "(no evidence recorded)", 0);
	pdf_skip(p, 6);
	rc = pdf_paragraph(p, PDF_REGULAR, 7.5f, pdf_grey, report_text(r->tmpl, "disclaimer"), 0);
cleanup:
	strbuf_release(&line);
	return rc;
}

/* ---- executive summary ---- */

static const json_t *rating_of(const struct rctx *r, size_t i)
{
	return json_object_get(rep_company_scores(r, jsonx_strz(r->company[i], "id")), "rating");
}

/* The grade badges above the side-by-side table. */
static int badges(struct rctx *r)
{
	struct pdf *p = r->p;
	float m = pdf_margin(p), cw = pdf_content_width(p), bw, y = pdf_cursor(p) - 56;
	char big[32], small[64];
	size_t i, n = r->ncompanies;
	const json_t *rt;

	bw = (cw - 10 * (float)(n - 1)) / (float)n;
	for (i = 0; i < n; i++) {
		float x = m + (float)i * (bw + 10);

		rt = rating_of(r, i);
		pdf_rect(p, x, y, bw, 52, rep_company_colour(r, i));
		pdf_text_at(p, x + 8, y + 36, PDF_BOLD, 10, pdf_white, jsonx_strz(r->company[i], "name"), bw - 16);
		if (rt && !strcmp(jsonx_strz(rt, "status"), "rated")) {
			snprintf(big, sizeof(big), "%s", jsonx_strz(rt, "grade"));
			snprintf(small, sizeof(small), "%lld / 100", (long long)jsonx_num(rt, "score", 0));
		} else {
			snprintf(big, sizeof(big), "%s", rt ? "—" : "");
			snprintf(small, sizeof(small), "%s", rt ? "insufficient evidence" : "not rated");
		}
		pdf_text_at(p, x + 8, y + 9, PDF_BOLD, 22, pdf_white, big, 40);
		pdf_text_at(p, x + 44, y + 14, PDF_REGULAR, 10, pdf_white, small, bw - 52);
	}
	pdf_set_cursor(p, y - 8);
	return 0;
}

static int side_by_side(struct rctx *r)
{
	static const char *const sev_label[] = { "Open: critical", "Open: high", "Open: medium", "Open: low" };
	const char *headers[REP_MAX_COMPANIES + 1];
	char cellbuf[REP_MAX_COMPANIES][128];
	const char *cells[REP_MAX_COMPANIES + 1];
	float widths[REP_MAX_COMPANIES + 1];
	struct pdf_table *t = NULL;
	const json_t *cs, *rem, *loss;
	size_t i, row;
	int rc, k;

	headers[0] = "";
	widths[0] = 2.2f;
	for (i = 0; i < r->ncompanies; i++) {
		headers[i + 1] = jsonx_strz(r->company[i], "name");
		widths[i + 1] = 2;
	}
	if ((rc = pdf_table_begin(r->p, &t, r->ncompanies + 1, headers, widths, 8.5f)) < 0)
		return rc;
	for (row = 0; row < 13 && rc == 0; row++) {
		/* Not the role (the cover names acquirer and target): the page has the top five risks, the red
		 * flags and the conditions to hold. */
		if (row == 12)
			continue;
		static const char *const labels[] = { "Rating", "Coverage", "", "", "", "", "Coverage gaps", "Red flags",
						      "Remediation, all fixes", "Remediation, recommended",
						      "Annual loss P50, before → after", "Annual loss P90, before → after",
						      "Role" };
		cells[0] = row >= 2 && row <= 5 ? sev_label[row - 2] : labels[row];
		for (i = 0; i < r->ncompanies; i++) {
			char a[48], b[48];

			cs = rep_company_scores(r, jsonx_strz(r->company[i], "id"));
			rem = json_object_get(cs, "remediation");
			loss = json_object_get(cs, "loss");
			switch (row) {
			case 0: rep_rating(cellbuf[i], 128, rating_of(r, i)); break;
			case 1:
				rep_percent(a, sizeof(a), jsonx_dig(cs, "coverage.ratio"));
				rep_percent(b, sizeof(b), jsonx_dig(cs, "coverage.threshold"));
				if (cs)
					snprintf(cellbuf[i], 128, "%s (threshold %s)", a, b);
				else
					snprintf(cellbuf[i], 128, "—");
				break;
			case 2: case 3: case 4: case 5:
				k = 5 - (int)(row - 2);
				rep_int(cellbuf[i], 128, r->open_sev[i][k]);
				break;
			case 6: rep_int(cellbuf[i], 128, r->gaps[i]); break;
			case 7:
				if (cs)
					rep_int(cellbuf[i], 128, (long long)json_array_size(json_object_get(cs, "red_flags")));
				else
					snprintf(cellbuf[i], 128, "—");
				break;
			case 8: rep_money(cellbuf[i], 128, json_object_get(rem, "cost"), jsonx_str(rem, "currency")); break;
			case 9: rep_money(cellbuf[i], 128, json_object_get(rem, "recommended_cost"), jsonx_str(rem, "currency")); break;
			case 10: case 11: {
				const char *pc = row == 10 ? "p50" : "p90";

				if (!cs) {
					snprintf(cellbuf[i], 128, "—");
				} else if (!json_is_object(json_object_get(loss, "before"))) {
					snprintf(cellbuf[i], 128, "no scenario applies");
				} else {
					rep_money(a, sizeof(a), jsonx_dig(loss, row == 10 ? "before.p50" : "before.p90"), jsonx_str(loss, "currency"));
					rep_money(b, sizeof(b), json_object_get(json_object_get(loss, "after"), pc), NULL);
					snprintf(cellbuf[i], 128, "%s → %s", a, b);
				}
				break;
			}
			default: snprintf(cellbuf[i], 128, "%s", jsonx_strz(r->company[i], "role")); break;
			}
			cells[i + 1] = cellbuf[i];
		}
		rc = pdf_table_row(t, cells, row % 2 ? &(struct pdf_rgb){ 0.95f, 0.95f, 0.97f } : NULL);
	}
	pdf_table_end(t);
	pdf_skip(r->p, 6);
	return rc;
}

struct issue_ref {
	const json_t *issue;
	const char *company;
};

static int priority_rank(const char *p)
{
	static const char *const order[] = { "defer", "scheduled", "out-of-cycle", "immediate" };
	int i;

	for (i = 0; i < 4; i++)
		if (p && !strcmp(p, order[i]))
			return i;
	return -1;
}

static int cmp_issue(const void *a, const void *b)
{
	const struct issue_ref *x = a, *y = b;
	int pa = priority_rank(jsonx_str(x->issue, "priority")), pb = priority_rank(jsonx_str(y->issue, "priority"));
	double ra = jsonx_num(x->issue, "risk", 0), rb = jsonx_num(y->issue, "risk", 0);
	int c;

	if (pa != pb)
		return pb - pa;
	if (ra != rb)
		return ra < rb ? 1 : -1;
	if ((c = strcmp(x->company, y->company)))
		return c;
	return strcmp(jsonx_strz(x->issue, "id"), jsonx_strz(y->issue, "id"));
}

/* Write text as a bullet if it fits above limit; returns 1 when it did not fit. */
static int bullet_fits(struct rctx *r, const char *text, float limit, int *rc)
{
	float h = (float)pdf_wrap_count(r->p, PDF_REGULAR, 9, text, pdf_content_width(r->p) - 12) * 9 * 1.3f;

	if (pdf_cursor(r->p) - h < limit)
		return 1;
	pdf_text_at(r->p, pdf_margin(r->p) + 2, pdf_cursor(r->p) - 9, PDF_REGULAR, 9, pdf_get_accent(r->p), "•", 0);
	*rc = pdf_paragraph(r->p, PDF_REGULAR, 9, pdf_black, text, 12);
	pdf_skip(r->p, 2);
	return 0;
}

static int sub_heading(struct rctx *r, const char *text)
{
	pdf_skip(r->p, 4);
	return pdf_paragraph(r->p, PDF_BOLD, 10.5f, pdf_get_accent(r->p), text, 0);
}

/* A deal note's text ({text}) or a red flag's ({title, company, assets}). */
static void item_text(struct rctx *r, const json_t *it, int flags, struct strbuf *line)
{
	strbuf_reset(line);
	if (flags) {
		long long a = rep_count(json_object_get(it, "assets"));

		strbuf_addf(line, "%s: %s (%lld asset%s).", rep_company_name(r, jsonx_str(it, "company")),
			    jsonx_strz(it, "title"), a < 0 ? 0 : a, a == 1 ? "" : "s");
	} else {
		strbuf_addstr(line, jsonx_strz(it, "text"));
	}
}

#define BULLET_LEADING (9 * 1.3f + 2)
#define HEADING_SPACE 22.0f

/*
 * Space a list will want below its heading, so the blocks above it leave
 * room: the list's bullets (all of them, so no "… and N more" line), but no
 * more than a third of the page.
 */
static float list_height(struct rctx *r, const json_t *list, int flags, size_t max_items)
{
	struct strbuf line = STRBUF_INIT;
	const json_t *it;
	float h = HEADING_SPACE + (json_array_size(list) ? 0 : BULLET_LEADING), cap = pdf_page_height(r->p) / 3;
	size_t i;

	json_array_foreach(list, i, it) {
		if (i >= max_items)
			break;
		item_text(r, it, flags, &line);
		h += (float)pdf_wrap_count(r->p, PDF_REGULAR, 9, line.buf, pdf_content_width(r->p) - 12) * 9 * 1.3f + 2;
	}
	strbuf_release(&line);
	return h < cap ? h : cap;
}

static const json_t *finding_by_id(const struct rctx *r, const char *id)
{
	size_t i;

	for (i = 0; id && i < r->nfindings; i++)
		if (!strcmp(jsonx_strz(r->sorted[i], "id"), id))
			return r->sorted[i];
	return NULL;
}

/*
 * A top risk in a board's words: a vulnerability by its CVE and package
 * (the advisory id and version are in the findings tables), marked when CISA
 * lists it as exploited, on the asset it is on (by name) and how many more.
 */
static void risk_line(struct rctx *r, const struct issue_ref *ref, struct strbuf *line)
{
	const json_t *is = ref->issue, *assets = json_object_get(is, "assets"), *a;
	const json_t *f = finding_by_id(r, json_string_value(json_array_get(json_object_get(is, "findings"), 0)));
	const char *title = jsonx_strz(is, "title");
	const char *cve = jsonx_str(json_array_get(json_object_get(f, "cves"), 0), "id"), *first = NULL;
	long long n = rep_count(assets);
	size_t i;

	strbuf_addf(line, "%s — %s: ",
		    rep_word(r, "domains", jsonx_str(is, "domain"), rep_word(r, "domains", "unmapped", "Other")),
		    rep_company_name(r, ref->company));
	if (cve && jsonx_str(json_object_get(f, "package"), "name"))
		strbuf_addf(line, "%s%s in %s", cve, json_object_get(f, "kev") ? " (known exploited)" : "",
			    jsonx_str(json_object_get(f, "package"), "name"));
	else
		strbuf_addf(line, "%s%s", title, json_object_get(f, "kev") ? " (known exploited)" : "");
	json_array_foreach(assets, i, a) {
		/* The first by name, not by the issue's order (which follows the findings' and may vary). */
		const char *l = rep_asset_label(json_is_string(a) ? json_string_value(a)
						: jsonx_str(a, "name") && *jsonx_str(a, "name") ? jsonx_str(a, "name")
												  : jsonx_strz(a, "key"));

		if (!first || strcmp(l, first) < 0)
			first = l;
	}
	if (first)
		strbuf_addf(line, " on %s", first);
	if (n > 1)
		strbuf_addf(line, " and %lld more asset%s", n - 1, n == 2 ? "" : "s");
	strbuf_addf(line, ": %s.", rep_word(r, "priorities", jsonx_str(is, "priority"), "priority not set"));
}

/*
 * One advisory of one company is one risk here, however many binary packages
 * of its source carry it (php8.2-cli and libapache2-mod-php8.2; apache2 and
 * apache2-bin): the top five names five different problems.
 */
static int same_risk(const struct issue_ref *a, const struct issue_ref *b)
{
	const char *ra = jsonx_strz(a->issue, "rule");

	return *ra && !strcmp(a->company, b->company) && !strcmp(ra, jsonx_strz(b->issue, "rule"));
}

/*
 * The top five risks above the red flags and conditions: reserve is the room
 * those want; the first risk needs only first_reserve (the red flags' room)
 * so a board always sees the worst risk, even when a long list of
 * conditions then continues in the detailed sections.
 */
static int top_risks(struct rctx *r, float reserve, float first_reserve)
{
	struct issue_ref refs[512], top[5];
	struct strbuf line = STRBUF_INIT;
	const json_t *cs, *is;
	size_t i, k, n = 0, ntop = 0;
	int rc = 0, shown = 0;

	if ((rc = sub_heading(r, "Top five risks")) < 0)
		return rc;
	json_array_foreach(json_object_get(r->scores, "companies"), i, cs)
		json_array_foreach(json_object_get(cs, "issues"), k, is)
			if (n < sizeof(refs) / sizeof(refs[0]))
				refs[n++] = (struct issue_ref){ is, jsonx_strz(cs, "company") };
	qsort(refs, n, sizeof(refs[0]), cmp_issue);
	for (i = 0; i < n && ntop < 5; i++) {
		for (k = 0; k < ntop && !same_risk(&top[k], &refs[i]); k++)
			;
		if (k == ntop)
			top[ntop++] = refs[i];
	}
	for (i = 0; i < ntop && rc == 0; i++) {
		strbuf_reset(&line);
		risk_line(r, &top[i], &line);
		if (bullet_fits(r, line.buf, pdf_bottom(r->p) + (shown ? reserve : first_reserve), &rc))
			break;
		shown++;
	}
	if (rc == 0 && shown < (int)ntop) {
		strbuf_reset(&line);
		strbuf_addf(&line, "… %d more of the top five in the section 'Findings by domain'.", (int)ntop - shown);
		rc = rep_note(r, line.buf);
	}
	if (!n)
		rc = rep_note(r, report_text(r->tmpl, "risks_none"));
	strbuf_release(&line);
	return rc;
}

/* A list of deal notes ({text} or red flags {title, company}) within limit, saying how many were left out. */
static int note_list(struct rctx *r, const json_t *list, int flags, float limit, const char *none)
{
	struct strbuf line = STRBUF_INIT;
	const json_t *it;
	size_t i, n = json_array_size(list);
	int rc = 0;

	if (!n)
		return rep_note(r, none);
	json_array_foreach(list, i, it) {
		item_text(r, it, flags, &line);
		if (bullet_fits(r, line.buf, limit, &rc) || rc < 0)
			break;
	}
	if (rc == 0 && i < n) {
		strbuf_reset(&line);
		strbuf_addf(&line, "… and %zu more in the detailed sections.", n - i);
		rc = rep_note(r, line.buf);
	}
	strbuf_release(&line);
	return rc;
}

static int executive_summary(struct rctx *r)
{
	const json_t *deal = json_object_get(r->scores, "deal");
	int rc;

	if ((rc = rep_section(r, "Executive summary")) < 0)
		return rc;
	if (!r->scores)
		rep_note(r, report_text(r->tmpl, "scores_missing"));
	else
		rep_note(r, report_text(r->tmpl, "summary_intro"));
	badges(r);
	if ((rc = side_by_side(r)) < 0)
		return rc;
	if (r->scores) {
		int illustrative = 0;
		const json_t *cs;
		size_t i;

		json_array_foreach(json_object_get(r->scores, "companies"), i, cs)
			illustrative |= jsonx_bool(json_object_get(cs, "loss"), "illustrative", 0);
		if (illustrative)
			rep_note(r, report_text(r->tmpl, "money_illustrative"));
		float flags_h = list_height(r, json_object_get(deal, "red_flags"), 1, SIZE_MAX);
		float cond1_h = list_height(r, json_object_get(deal, "conditions"), 0, 1);

		/* The five risks and every red flag come first; candidate conditions, which the deal view
		 * gives in full, may stop after the first with a pointer to it. */
		if ((rc = top_risks(r, flags_h + cond1_h + 24, flags_h + 24)) < 0)
			return rc;
		if ((rc = sub_heading(r, "Red flags")) < 0 ||
		    (rc = note_list(r, json_object_get(deal, "red_flags"), 1,
				    pdf_bottom(r->p) + cond1_h + 24,
				    report_text(r->tmpl, "red_flags_none"))) < 0)
			return rc;
		if ((rc = sub_heading(r, "Candidate conditions")) < 0 ||
		    (rc = note_list(r, json_object_get(deal, "conditions"), 0, pdf_bottom(r->p) + 24,
				    report_text(r->tmpl, "conditions_none"))) < 0)
			return rc;
	}
	if (pdf_cursor(r->p) - 24 > pdf_bottom(r->p))
		rc = rep_note(r, report_text(r->tmpl, "not_seen"));
	return rc;
}

/* ---- the document ---- */

static int cmp_findings(const void *a, const void *b)
{
	const json_t *fa = *(json_t *const *)a, *fb = *(json_t *const *)b;
	int ra = severity_rank(jsonx_str(fa, "severity")), rb = severity_rank(jsonx_str(fb, "severity"));
	int c;

	if (ra != rb)
		return rb - ra;
	if ((c = strcmp(jsonx_strz(fa, "company"), jsonx_strz(fb, "company"))))
		return c;
	return strcmp(jsonx_strz(fa, "id"), jsonx_strz(fb, "id"));
}

static int prepare(struct rctx *r)
{
	const json_t *findings = json_object_get(r->res, "findings"), *co, *f;
	size_t i;
	int ci, k;

	r->scores = json_object_get(r->res, "scores");
	r->cons = json_object_get(r->res, "consolidation");
	r->appendix = 'A';
	json_array_foreach(json_object_get(r->res, "companies"), i, co)
		if (r->ncompanies < REP_MAX_COMPANIES)
			r->company[r->ncompanies++] = co;
	if (!r->ncompanies)
		return err_set(ERR_USAGE, "results: no companies to report on");
	r->nfindings = json_array_size(findings);
	if (r->nfindings && !(r->sorted = calloc(r->nfindings, sizeof(*r->sorted))))
		return err_set(ERR_NOMEM, "out of memory");
	json_array_foreach(findings, i, f) {
		r->sorted[i] = (json_t *)f;
		if ((ci = rep_company_index(r, jsonx_str(f, "company"))) < 0)
			continue;
		if (!strcmp(jsonx_strz(f, "kind"), "gap"))
			r->gaps[ci]++;
		else if (!strcmp(jsonx_strz(f, "status"), "open") && (k = severity_rank(jsonx_str(f, "severity"))) >= 0)
			r->open_sev[ci][k]++;
	}
	if (r->nfindings)
		qsort(r->sorted, r->nfindings, sizeof(*r->sorted), cmp_findings);
	return 0;
}

int report_write_pdf(const json_t *res, const struct report_opts *o, const char *root, const char *path)
{
	const json_t *eng = json_object_get(res, "engagement");
	struct strbuf header = STRBUF_INIT, tmp = STRBUF_INIT, footer = STRBUF_INIT;
	struct rctx r;
	int rc;

	memset(&r, 0, sizeof(r));
	r.res = res;
	r.tmpl = o->tmpl;
	r.o = o;
	if ((rc = prepare(&r)) < 0 || (rc = pdf_new(&r.p, font_dir(), o->paper)) < 0)
		goto cleanup;
	pdf_set_accent(r.p, report_colour(o->tmpl, "accent", pdf_accent));
	strbuf_addf(&header, "%s · %s%s · as of %s", jsonx_strz(eng, "name"), jsonx_strz(eng, "marking"),
		    o->redacted ? " · clean-team edition" : "", jsonx_strz(eng, "as_of"));
	strbuf_addf(&footer, "%s — %s", jsonx_strz(o->tmpl, "firm"), jsonx_strz(o->tmpl, "footer"));
	pdf_set_running(r.p, header.buf, footer.buf);
	if ((rc = cover(&r, root)) < 0 || (rc = executive_summary(&r)) < 0 || (rc = rep_charts(&r)) < 0 ||
	    (rc = rep_domains(&r)) < 0 || (rc = rep_fixes(&r)) < 0 || (rc = rep_comparison(&r)) < 0 ||
	    (rc = rep_consolidation(&r)) < 0 || (rc = rep_checklist(&r)) < 0 || (rc = rep_method(&r)) < 0 ||
	    (rc = rep_coverage(&r)) < 0 || (rc = rep_manual(&r)) < 0 || (rc = rep_evidence(&r)) < 0 ||
	    (rc = rep_register(&r)) < 0)
		goto cleanup;
	strbuf_addf(&tmp, "%s.tmp", path);
	if ((rc = pdf_save(r.p, tmp.buf)) < 0)
		goto cleanup;
	if (rename(tmp.buf, path) < 0)
		rc = err_set(ERR_IO, "cannot write %s", path);
cleanup:
	pdf_free(r.p);
	free(r.sorted);
	strbuf_release(&header);
	strbuf_release(&footer);
	strbuf_release(&tmp);
	return rc;
}
