/*
 * The appendices: method and parameters, coverage (sources, authorisations,
 * what failed and why, what was not assessed), manual findings and
 * overrides, the evidence manifest, and the findings register.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/err.h"
#include "core/finding.h"
#include "core/jsonx.h"
#include "core/util.h"
#include "report_int.h"
#include "template.h"

/* Evidence rows listed in the report; the manifest itself is complete in the store. */
#define EVIDENCE_ROWS 500

static const struct pdf_rgb zebra = { 0.95f, 0.95f, 0.97f };

static int param_line(struct rctx *r, const char *label, const json_t *v)
{
	struct strbuf line = STRBUF_INIT, val = STRBUF_INIT;
	int rc;

	if (!v)
		return 0;
	if (json_is_string(v)) {
		strbuf_addstr(&val, json_string_value(v));
	} else {
		/* Six significant digits (0.7, not 0.69999999999999996) and ", " between items so lines wrap at spaces. */
		char *s = json_dumps(v, JSON_ENCODE_ANY | JSON_SORT_KEYS | JSON_REAL_PRECISION(6));

		if (s)
			strbuf_addstr(&val, s);
		else
			jsonx_dump_canonical(&val, v);
		free(s);
	}
	strbuf_addf(&line, "%s: %s", label, val.buf);
	rc = pdf_paragraph(r->p, PDF_REGULAR, 8.5f, pdf_black, line.buf, 0);
	strbuf_release(&line);
	strbuf_release(&val);
	return rc;
}

int rep_method(struct rctx *r)
{
	const json_t *prm = json_object_get(r->scores, "parameters"), *lp = json_object_get(prm, "loss");
	int rc;

	if ((rc = rep_appendix(r, "Method and parameters")) < 0 || (rc = rep_para(r, report_text(r->tmpl, "method"))) < 0)
		return rc;
	if (!prm)
		return rep_note(r, report_text(r->tmpl, "scores_missing"));
	pdf_skip(r->p, 4);
	param_line(r, "Coverage threshold", json_object_get(prm, "coverage_threshold"));
	param_line(r, "Rating", json_object_get(prm, "rating"));
	param_line(r, "Default criticality", json_object_get(prm, "default_criticality"));
	param_line(r, "Criticality rules", json_object_get(prm, "criticality"));
	param_line(r, "Effort (hours per asset)", json_object_get(prm, "effort"));
	param_line(r, "Blended rate", json_object_get(prm, "blended_rate"));
	param_line(r, "Currency", json_object_get(prm, "currency"));
	if (json_is_object(json_object_get(prm, "fx")))
		param_line(r, "Exchange rate applied to the shipped loss scenarios", json_object_get(prm, "fx"));
	param_line(r, "Supply chain", json_object_get(prm, "supply_chain"));
	param_line(r, "Recommended priorities", json_object_get(prm, "recommend"));
	param_line(r, "SSVC model", json_object_get(prm, "ssvc_model"));
	param_line(r, "Safety impact", json_object_get(prm, "safety_impact"));
	param_line(r, "Loss simulation: seed", json_object_get(lp, "seed"));
	param_line(r, "Loss simulation: iterations", json_object_get(lp, "iterations"));
	param_line(r, "Loss scenarios illustrative", json_object_get(lp, "illustrative"));
	param_line(r, "Taken from defaults", json_object_get(prm, "defaults"));
	return 0;
}

static int sources_table(struct rctx *r)
{
	static const char *const headers[] = { "Source", "Company", "Type", "Status", "Authorisation / notes" };
	static const float widths[] = { 2, 1.4f, 1.1f, 0.9f, 3.6f };
	struct pdf_table *t = NULL;
	struct strbuf note = STRBUF_INIT;
	const json_t *s, *auth;
	const char *cells[5];
	size_t i;
	int rc;

	if ((rc = pdf_table_begin(r->p, &t, 5, headers, widths, 8)) < 0)
		return rc;
	json_array_foreach(json_object_get(r->res, "sources"), i, s) {
		strbuf_reset(&note);
		auth = json_object_get(s, "authorization");
		if (auth)
			strbuf_addf(&note, "Authorised by %s on %s (%s)%s%s.", jsonx_strz(auth, "by"), jsonx_strz(auth, "date"),
				    jsonx_strz(auth, "scope"), jsonx_str(auth, "reference") ? ", ref. " : "",
				    jsonx_strz(auth, "reference"));
		else if (jsonx_bool(s, "live", 0))
			strbuf_addstr(&note, "No authorisation recorded.");
		if (!jsonx_bool(s, "tls_verify", 1))
			strbuf_addf(&note, "%sTLS verification was turned off for this source.", note.len ? " " : "");
		if (jsonx_str(json_object_get(s, "coverage"), "summary"))
			strbuf_addf(&note, "%s%s", note.len ? " " : "", jsonx_str(json_object_get(s, "coverage"), "summary"));
		if (jsonx_str(s, "error"))
			strbuf_addf(&note, "%sNot collected: %s", note.len ? " " : "", jsonx_str(s, "error"));
		cells[0] = jsonx_strz(s, "id");
		cells[1] = rep_company_name(r, jsonx_str(s, "company"));
		cells[2] = jsonx_strz(s, "type");
		cells[3] = jsonx_strz(s, "status");
		cells[4] = note.buf;
		if ((rc = pdf_table_row(t, cells, i % 2 ? &zebra : NULL)) < 0)
			break;
	}
	pdf_table_end(t);
	strbuf_release(&note);
	return rc;
}

/* Every gap finding: what was not seen and why. */
static int gaps_table(struct rctx *r)
{
	static const char *const headers[] = { "Company", "What", "Why vetter could not see or assess it" };
	static const float widths[] = { 1.4f, 2.8f, 4.8f };
	struct pdf_table *t = NULL;
	struct strbuf what = STRBUF_INIT;
	const char *cells[3];
	size_t f, n = 0;
	int rc = 0;

	for (f = 0; f < r->nfindings && rc == 0; f++) {
		const json_t *x = r->sorted[f];

		if (strcmp(jsonx_strz(x, "kind"), "gap"))
			continue;
		if (!t && (rc = pdf_table_begin(r->p, &t, 3, headers, widths, 8)) < 0)
			break;
		strbuf_reset(&what);
		strbuf_addf(&what, "%s%s%s", jsonx_strz(json_object_get(x, "asset"), "name"),
			    *jsonx_strz(x, "component") ? ": " : "", jsonx_strz(x, "component"));
		cells[0] = rep_company_name(r, jsonx_str(x, "company"));
		cells[1] = what.len ? what.buf : jsonx_strz(x, "title");
		cells[2] = jsonx_str(x, "reason") ? jsonx_str(x, "reason") : jsonx_strz(x, "title");
		rc = pdf_table_row(t, cells, n++ % 2 ? &zebra : NULL);
	}
	pdf_table_end(t);
	strbuf_release(&what);
	if (rc == 0 && !n)
		rc = rep_note(r, "No coverage gaps were recorded: every source named was collected and assessed.");
	return rc;
}

/* Coverage units of each company that were not (fully) assessed. */
static int units_table(struct rctx *r)
{
	static const char *const headers[] = { "Company", "Unit", "State", "Reason" };
	static const float widths[] = { 1.4f, 3, 1.3f, 3.3f };
	struct pdf_table *t = NULL;
	struct strbuf unit = STRBUF_INIT, line = STRBUF_INIT;
	const json_t *cs, *u, *cov;
	const char *cells[4];
	size_t i, k, n = 0;
	int rc = 0;

	json_array_foreach(json_object_get(r->scores, "companies"), i, cs) {
		char pct[32];

		cov = json_object_get(cs, "coverage");
		rep_percent(pct, sizeof(pct), json_object_get(cov, "ratio"));
		strbuf_reset(&line);
		strbuf_addf(&line, "%s: %s of %lld coverage units assessed (credit %.1f).",
			    rep_company_name(r, jsonx_str(cs, "company")), pct, jsonx_int(cov, "units", 0),
			    jsonx_num(cov, "credit", 0));
		/* The AWS accounts against the organisation's (docs/scoring.md, "Coverage"), the others named. */
		if (jsonx_str(json_object_get(cov, "aws_accounts"), "summary")) {
			const json_t *accts = json_object_get(cov, "aws_accounts"), *nm;
			size_t j;

			strbuf_addf(&line, " %s", jsonx_str(accts, "summary"));
			json_array_foreach(json_object_get(accts, "not_assessed"), j, nm)
				strbuf_addf(&line, "%s%s", j ? ", " : "; not assessed: ", json_string_value(nm));
			strbuf_addch(&line, '.');
		}
		rep_para(r, line.buf);
	}
	json_array_foreach(json_object_get(r->scores, "companies"), i, cs) {
		json_array_foreach(jsonx_dig(cs, "coverage.list"), k, u) {
			if (rc < 0 || !strcmp(jsonx_strz(u, "state"), "assessed"))
				continue;
			if (!t && (rc = pdf_table_begin(r->p, &t, 4, headers, widths, 8)) < 0)
				break;
			strbuf_reset(&unit);
			strbuf_addf(&unit, "%s %s", jsonx_strz(u, "kind"),
				    jsonx_str(u, "name") ? jsonx_str(u, "name") : jsonx_strz(u, "key"));
			cells[0] = rep_company_name(r, jsonx_str(cs, "company"));
			cells[1] = unit.buf;
			cells[2] = jsonx_strz(u, "state");
			cells[3] = jsonx_strz(u, "reason");
			rc = pdf_table_row(t, cells, n++ % 2 ? &zebra : NULL);
		}
	}
	pdf_table_end(t);
	strbuf_release(&unit);
	strbuf_release(&line);
	return rc;
}

/* Per company: how many findings rest on live collection, on supplied evidence, on both. */
static int basis(struct rctx *r)
{
	struct strbuf line = STRBUF_INIT;
	long long n[REP_PROV_N];
	size_t i;
	int rc;

	if ((rc = pdf_heading(r->p, "Evidence basis", 1)) < 0 || (rc = rep_note(r, report_text(r->tmpl, "provenance_intro"))) < 0)
		return rc;
	for (i = 0; i < r->ncompanies && rc == 0; i++) {
		const char *id = jsonx_strz(r->company[i], "id");

		rep_provenance_counts(json_object_get(r->res, "findings"), id, n);
		strbuf_reset(&line);
		if ((rc = rep_provenance_line(&line, rep_company_name(r, id), n)) == 0)
			rc = rep_para(r, line.buf);
	}
	strbuf_release(&line);
	return rc;
}

int rep_coverage(struct rctx *r)
{
	int rc;

	if ((rc = rep_appendix(r, "Coverage")) < 0 || (rc = rep_note(r, report_text(r->tmpl, "coverage_intro"))) < 0 ||
	    (rc = pdf_heading(r->p, "Sources and authorisations", 1)) < 0 || (rc = sources_table(r)) < 0)
		return rc;
	pdf_skip(r->p, 6);
	if ((rc = basis(r)) < 0)
		return rc;
	if ((rc = pdf_heading(r->p, "What was not assessed", 1)) < 0 ||
	    (rc = rep_note(r, report_text(r->tmpl, "gaps_intro"))) < 0)
		return rc;
	if (r->scores && (rc = units_table(r)) < 0)
		return rc;
	pdf_skip(r->p, 6);
	return gaps_table(r);
}

int rep_manual(struct rctx *r)
{
	static const char *const fh[] = { "Finding", "Status", "By", "Date", "Basis" };
	static const float fw[] = { 3, 1, 1.4f, 1, 3 };
	static const char *const oh[] = { "Finding", "Now", "By", "Date", "Reason" };
	struct pdf_table *t = NULL;
	const json_t *f, *ov;
	const char *cells[5];
	size_t f_i, n = 0, o = 0;
	int rc;

	if ((rc = rep_appendix(r, "Manual findings and overrides")) < 0 ||
	    (rc = rep_note(r, report_text(r->tmpl, "manual_intro"))) < 0 || (rc = pdf_heading(r->p, "Manual findings", 1)) < 0)
		return rc;
	for (f_i = 0; f_i < r->nfindings && rc == 0; f_i++) {
		f = r->sorted[f_i];
		if (!json_object_get(f, "manual"))
			continue;
		if (!t && (rc = pdf_table_begin(r->p, &t, 5, fh, fw, 8)) < 0)
			return rc;
		cells[0] = jsonx_strz(f, "title");
		cells[1] = jsonx_strz(f, "status");
		cells[2] = jsonx_strz(json_object_get(f, "manual"), "by");
		cells[3] = jsonx_strz(json_object_get(f, "manual"), "date");
		cells[4] = jsonx_strz(json_object_get(f, "manual"), "basis");
		rc = pdf_table_row(t, cells, n++ % 2 ? &zebra : NULL);
	}
	pdf_table_end(t);
	t = NULL;
	if (rc == 0 && !n)
		rep_note(r, "The consultant recorded no manual findings.");
	if (rc < 0 || (rc = pdf_heading(r->p, "Overrides", 1)) < 0)
		return rc;
	for (f_i = 0; f_i < r->nfindings && rc == 0; f_i++) {
		f = r->sorted[f_i];
		if (!(ov = json_object_get(f, "override")))
			continue;
		if (!t && (rc = pdf_table_begin(r->p, &t, 5, oh, fw, 8)) < 0)
			return rc;
		cells[0] = jsonx_strz(f, "title");
		cells[1] = jsonx_strz(f, "status");
		cells[2] = jsonx_strz(ov, "by");
		cells[3] = jsonx_strz(ov, "date");
		cells[4] = jsonx_strz(ov, "reason");
		rc = pdf_table_row(t, cells, o++ % 2 ? &zebra : NULL);
	}
	pdf_table_end(t);
	if (rc == 0 && !o)
		rc = rep_note(r, "No overrides were applied.");
	return rc;
}

int rep_evidence(struct rctx *r)
{
	static const char *const headers[] = { "#", "Source", "Item", "SHA-256", "Bytes" };
	static const float widths[] = { 0.5f, 1.4f, 3.8f, 2.4f, 0.9f };
	struct pdf_table *t = NULL;
	const json_t *e;
	const char *cells[5];
	char seq[24], size[32], digest[40], buf[160];
	const char *d;
	size_t i, n = json_array_size(r->o->evidence);
	int rc;

	if ((rc = rep_appendix(r, "Evidence manifest")) < 0 || (rc = rep_note(r, report_text(r->tmpl, "evidence_intro"))) < 0)
		return rc;
	if (!r->o->evidence)
		return rep_note(r, "The evidence manifest was not available to the report.");
	snprintf(buf, sizeof(buf), "%zu item%s in the manifest%s.", n, n == 1 ? "" : "s",
		 n > EVIDENCE_ROWS ? "; the first 500 are listed, 'vetter evidence' lists them all" : "");
	rep_para(r, buf);
	json_array_foreach(r->o->evidence, i, e) {
		if (i >= EVIDENCE_ROWS)
			break;
		if (!t && (rc = pdf_table_begin(r->p, &t, 5, headers, widths, 7)) < 0)
			return rc;
		snprintf(seq, sizeof(seq), "%lld", jsonx_int(e, "seq", 0));
		rep_int(size, sizeof(size), jsonx_int(e, "size", 0));
		d = jsonx_strz(e, "digest");
		snprintf(digest, sizeof(digest), "%.23s…", util_has_prefix(d, "sha256:") ? d + 7 : d);
		cells[0] = seq;
		cells[1] = jsonx_strz(e, "source");
		cells[2] = jsonx_strz(e, "uri");
		cells[3] = digest;
		cells[4] = size;
		if ((rc = pdf_table_row(t, cells, i % 2 ? &zebra : NULL)) < 0)
			break;
	}
	pdf_table_end(t);
	return rc;
}

int rep_register(struct rctx *r)
{
	static const char *const headers[] = { "Id", "Company", "Severity", "Finding", "Asset", "Status", "Basis" };
	static const float widths[] = { 2.1f, 1.2f, 0.9f, 2.6f, 1.9f, 0.9f, 1.0f };
	struct pdf_table *t = NULL;
	struct pdf_rgb tint;
	const char *cells[7];
	size_t i;
	int rc;

	if ((rc = rep_appendix(r, "Findings register")) < 0 || (rc = rep_note(r, report_text(r->tmpl, "register_intro"))) < 0)
		return rc;
	if (!r->nfindings)
		return rep_para(r, "No findings were recorded.");
	if ((rc = pdf_table_begin(r->p, &t, 7, headers, widths, 7.5f)) < 0)
		return rc;
	for (i = 0; i < r->nfindings && rc == 0; i++) {
		cells[0] = jsonx_strz(r->sorted[i], "id");
		cells[1] = rep_company_name(r, jsonx_str(r->sorted[i], "company"));
		cells[2] = jsonx_strz(r->sorted[i], "severity");
		cells[3] = jsonx_strz(r->sorted[i], "title");
		cells[4] = jsonx_strz(json_object_get(r->sorted[i], "asset"), "name");
		cells[5] = jsonx_strz(r->sorted[i], "status");
		/* live, supplied or both (scoring/merge.h); a dash where no collected source stands behind it. */
		cells[6] = jsonx_str(r->sorted[i], "provenance") ? jsonx_str(r->sorted[i], "provenance") : "—";
		/* Critical and high rows carry a light tint of their severity's colour. */
		if (severity_rank(cells[2]) >= 4) {
			struct pdf_rgb c = report_severity_colour(r->tmpl, cells[2]);

			tint = (struct pdf_rgb){ 1 - (1 - c.r) * 0.12f, 1 - (1 - c.g) * 0.12f, 1 - (1 - c.b) * 0.12f };
			rc = pdf_table_row(t, cells, &tint);
		} else {
			rc = pdf_table_row(t, cells, NULL);
		}
	}
	pdf_table_end(t);
	return rc;
}
