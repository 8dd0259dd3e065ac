/*
 * The board report.  This first layout has a cover, a summary per company,
 * the coverage appendix and the findings register; [report] grows it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/err.h"
#include "core/finding.h"
#include "core/jsonx.h"
#include "core/util.h"
#include "pdf.h"
#include "stage.h"

#define DEFAULT_FONT_DIR "/usr/share/fonts/truetype/dejavu"

static const char *font_dir(void)
{
	const char *d = getenv("VETTER_FONT_DIR");

	return d && *d ? d : DEFAULT_FONT_DIR;
}

static int cover(struct pdf *p, const json_t *res, const char *root)
{
	const json_t *eng = json_object_get(res, "engagement"), *co;
	struct strbuf line = STRBUF_INIT;
	float w = pdf_page_width(p), m = pdf_margin(p);
	size_t i;
	int rc;

	if ((rc = pdf_new_page(p, 1)) < 0)
		return rc;
	pdf_rect(p, 0, pdf_page_height(p) - 230, w, 230, pdf_accent);
	pdf_text_at(p, m, pdf_page_height(p) - 70, PDF_BOLD, 10, pdf_white, jsonx_strz(eng, "marking"), w - 2 * m);
	pdf_text_at(p, m, pdf_page_height(p) - 140, PDF_BOLD, 26, pdf_white, jsonx_strz(eng, "name"), w - 2 * m);
	pdf_text_at(p, m, pdf_page_height(p) - 170, PDF_REGULAR, 13, pdf_white, "Cyber-risk due diligence", w - 2 * m);
	pdf_set_cursor(p, pdf_page_height(p) - 280);
	strbuf_addf(&line, "Prepared for %s", jsonx_strz(eng, "client"));
	pdf_paragraph(p, PDF_REGULAR, 12, pdf_black, line.buf, 0);
	strbuf_reset(&line);
	strbuf_addf(&line, "Assessment as of %s", jsonx_strz(eng, "as_of"));
	pdf_paragraph(p, PDF_REGULAR, 12, pdf_black, line.buf, 0);
	pdf_skip(p, 16);
	json_array_foreach(json_object_get(res, "companies"), i, co) {
		strbuf_reset(&line);
		strbuf_addf(&line, "%s: %s", strcmp(jsonx_strz(co, "role"), "acquirer") ? "Target" : "Acquirer",
			    jsonx_strz(co, "name"));
		pdf_paragraph(p, PDF_BOLD, 12, pdf_black, line.buf, 0);
	}
	pdf_set_cursor(p, 110);
	pdf_paragraph(p, PDF_REGULAR, 8, pdf_grey, "Evidence manifest root digest (SHA-256):", 0);
	rc = pdf_paragraph(p, PDF_MONO, 8, pdf_grey, root && *root ? root : "(no evidence recorded)", 0);
	strbuf_release(&line);
	return rc;
}

static int summary(struct pdf *p, const json_t *res)
{
	static const char *const headers[] = { "Company", "Critical", "High", "Medium", "Low", "Info", "Unknown",
					       "Coverage gaps" };
	static const float widths[] = { 3, 1, 1, 1, 1, 1, 1, 1.4f };
	struct pdf_table *t = NULL;
	char nums[8][24];
	const char *cells[8];
	json_t *co, *sum, *sev;
	size_t i;
	int k, rc;

	if ((rc = pdf_new_page(p, 0)) < 0 || (rc = pdf_heading(p, "Summary", 0)) < 0)
		return rc;
	pdf_paragraph(p, PDF_REGULAR, 10, pdf_black,
		      "Open findings by severity for each company. Coverage gaps are what vetter could not see or could "
		      "not assess; no finding in an area with a gap means no evidence, not no risk.",
		      0);
	pdf_skip(p, 8);
	if ((rc = pdf_table_begin(p, &t, 8, headers, widths, 9)) < 0)
		return rc;
	json_array_foreach(json_object_get(res, "companies"), i, co) {
		sum = json_object_get(co, "summary");
		sev = json_object_get(sum, "open_by_severity");
		cells[0] = jsonx_strz(co, "name");
		for (k = 0; k < 6; k++) {
			snprintf(nums[k], sizeof(nums[k]), "%lld", jsonx_int(sev, severity_names[5 - k], 0));
			cells[k + 1] = nums[k];
		}
		snprintf(nums[6], sizeof(nums[6]), "%lld", jsonx_int(sum, "gaps", 0));
		cells[7] = nums[6];
		if ((rc = pdf_table_row(t, cells, NULL)) < 0)
			break;
	}
	pdf_table_end(t);
	return rc;
}

static int coverage(struct pdf *p, const json_t *res)
{
	static const char *const headers[] = { "Source", "Company", "Type", "Status", "Authorisation / notes" };
	static const float widths[] = { 2.2f, 1.2f, 1.2f, 1, 3.4f };
	struct pdf_table *t = NULL;
	struct strbuf note = STRBUF_INIT;
	json_t *s, *auth;
	const char *cells[5];
	size_t i;
	int rc;

	if ((rc = pdf_new_page(p, 0)) < 0 || (rc = pdf_heading(p, "Coverage", 0)) < 0)
		return rc;
	pdf_paragraph(p, PDF_REGULAR, 10, pdf_black,
		      "Every source named in the engagement, whether it was collected, and for live sources who "
		      "authorised the access.",
		      0);
	pdf_skip(p, 8);
	if ((rc = pdf_table_begin(p, &t, 5, headers, widths, 8.5f)) < 0)
		return rc;
	json_array_foreach(json_object_get(res, "sources"), i, s) {
		strbuf_reset(&note);
		auth = json_object_get(s, "authorization");
		if (auth)
			strbuf_addf(&note, "Authorised by %s on %s (%s)%s%s", jsonx_strz(auth, "by"), jsonx_strz(auth, "date"),
				    jsonx_strz(auth, "scope"), jsonx_str(auth, "reference") ? ", ref. " : "",
				    jsonx_strz(auth, "reference"));
		if (!jsonx_bool(s, "tls_verify", 1))
			strbuf_addf(&note, "%sTLS verification was turned off for this source.", note.len ? " " : "");
		if (jsonx_str(json_object_get(s, "coverage"), "summary"))
			strbuf_addf(&note, "%s%s", note.len ? " " : "", jsonx_str(json_object_get(s, "coverage"), "summary"));
		if (jsonx_str(s, "error"))
			strbuf_addf(&note, "%sNot collected: %s", note.len ? " " : "", jsonx_str(s, "error"));
		cells[0] = jsonx_strz(s, "id");
		cells[1] = jsonx_strz(s, "company");
		cells[2] = jsonx_strz(s, "type");
		cells[3] = jsonx_strz(s, "status");
		cells[4] = note.buf;
		if ((rc = pdf_table_row(t, cells, NULL)) < 0)
			break;
	}
	pdf_table_end(t);
	strbuf_release(&note);
	return rc;
}

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

static int register_section(struct pdf *p, const json_t *res)
{
	static const char *const headers[] = { "Id", "Company", "Severity", "Finding", "Asset", "Status" };
	static const float widths[] = { 1.5f, 1.1f, 0.9f, 3.6f, 2.4f, 1 };
	json_t *findings = json_object_get(res, "findings");
	struct pdf_table *t = NULL;
	const char *cells[6];
	json_t **sorted;
	size_t i, n = json_array_size(findings);
	int rc;

	if ((rc = pdf_new_page(p, 0)) < 0 || (rc = pdf_heading(p, "Findings register", 0)) < 0)
		return rc;
	if (!n)
		return pdf_paragraph(p, PDF_REGULAR, 10, pdf_black, "No findings were recorded.", 0);
	sorted = calloc(n, sizeof(*sorted));
	if (!sorted)
		return err_set(ERR_NOMEM, "out of memory");
	for (i = 0; i < n; i++)
		sorted[i] = json_array_get(findings, i);
	qsort(sorted, n, sizeof(*sorted), cmp_findings);
	if ((rc = pdf_table_begin(p, &t, 6, headers, widths, 8)) < 0)
		goto cleanup;
	for (i = 0; i < n && rc == 0; i++) {
		cells[0] = jsonx_strz(sorted[i], "id");
		cells[1] = jsonx_strz(sorted[i], "company");
		cells[2] = jsonx_strz(sorted[i], "severity");
		cells[3] = jsonx_strz(sorted[i], "title");
		cells[4] = jsonx_strz(json_object_get(sorted[i], "asset"), "name");
		cells[5] = jsonx_strz(sorted[i], "status");
		rc = pdf_table_row(t, cells, NULL);
	}
	pdf_table_end(t);
cleanup:
	free(sorted);
	return rc;
}

int report_write_pdf(struct run_ctx *ctx, const json_t *res, const char *root, const char *path)
{
	const json_t *eng = json_object_get(res, "engagement");
	const char *paper = jsonx_str(json_object_get(ctx->eng->doc, "report"), "paper");
	struct strbuf header = STRBUF_INIT, tmp = STRBUF_INIT;
	struct pdf *p = NULL;
	int rc;

	if ((rc = pdf_new(&p, font_dir(), paper && !strcmp(paper, "Letter") ? PDF_LETTER : PDF_A4)) < 0)
		return rc;
	strbuf_addf(&header, "%s · %s · as of %s", jsonx_strz(eng, "name"), jsonx_strz(eng, "marking"),
		    jsonx_strz(eng, "as_of"));
	pdf_set_running(p, header.buf, "vetter — cyber-risk due diligence");
	if ((rc = cover(p, res, root)) < 0 || (rc = summary(p, res)) < 0 || (rc = register_section(p, res)) < 0 ||
	    (rc = coverage(p, res)) < 0)
		goto cleanup;
	strbuf_addf(&tmp, "%s.tmp", path);
	if ((rc = pdf_save(p, tmp.buf)) < 0)
		goto cleanup;
	if (rename(tmp.buf, path) < 0)
		rc = err_set(ERR_IO, "cannot write %s", path);
cleanup:
	pdf_free(p);
	strbuf_release(&header);
	strbuf_release(&tmp);
	return rc;
}
