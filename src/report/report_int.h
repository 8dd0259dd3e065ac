/*
 * Shared between the parts of the board report (pdfreport.c: cover,
 * executive summary and the order of sections; pdfcharts.c; pdfsections.c:
 * domains, fixes, comparison, consolidation, checklist; pdfappendix.c).
 *
 * Every figure is read from the results document (findings.json) as it is;
 * where a section's data is absent the section says so instead of showing
 * zeros.
 */
#ifndef VETTER_REPORT_INT_H
#define VETTER_REPORT_INT_H

#include <jansson.h>
#include <stddef.h>

#include "core/strbuf.h"
#include "pdf.h"
#include "stage.h"

#define REP_MAX_COMPANIES 8

struct rctx {
	struct pdf *p;
	const json_t *res;      /* the results document */
	const json_t *tmpl;     /* the report template */
	const json_t *scores;   /* res.scores or NULL */
	const json_t *cons;     /* res.consolidation or NULL */
	const struct report_opts *o;
	json_t **sorted;        /* findings by severity, company, id (borrowed) */
	size_t nfindings;
	size_t ncompanies;
	const json_t *company[REP_MAX_COMPANIES];
	/* per company: open findings (not gaps) by severity rank, and gaps */
	long long open_sev[REP_MAX_COMPANIES][6];
	long long gaps[REP_MAX_COMPANIES];
	char appendix;          /* letter of the next appendix */
};

/* Index of a company id in r->company, or -1. */
int rep_company_index(const struct rctx *r, const char *id);
/* The company's display name (its id when unknown). */
const char *rep_company_name(const struct rctx *r, const char *id);
/* scores.companies[] entry for the company, or NULL. */
const json_t *rep_company_scores(const struct rctx *r, const char *id);
struct pdf_rgb rep_company_colour(const struct rctx *r, size_t i);

/* "1,234,567" with the currency before it ("EUR 1,234,567"); "—" for a missing number. */
void rep_money(char *buf, size_t n, const json_t *amount, const char *currency);
/* Thousands separators for an integer. */
void rep_int(char *buf, size_t n, long long v);
/*
 * How the report's tables name an asset: an image pulled from a registry
 * ("registry:HOST[:PORT]/REPO:TAG") by its repository and tag, since the
 * company column already says whose registry it is; anything else as it is.
 * Returns a pointer into name.
 */
const char *rep_asset_label(const char *name);
/* A JSON count that is a number or an array (its size); -1 when neither. */
long long rep_count(const json_t *v);
/* Level 1-5 of a 0-1 value as docs/scoring.md defines it. */
int rep_level(double x);
/* A rating as printed: "72 (C)" or "insufficient evidence"; "not rated" when absent. */
void rep_rating(char *buf, size_t n, const json_t *rating);
/* Coverage as printed: "68.8%". */
void rep_percent(char *buf, size_t n, const json_t *ratio);

/* Body text, a note in grey, and a new page with a top-level heading. */
int rep_para(struct rctx *r, const char *text);
int rep_note(struct rctx *r, const char *text);
int rep_section(struct rctx *r, const char *title);
/* A heading for the next appendix ("Appendix B — Coverage"). */
int rep_appendix(struct rctx *r, const char *title);
/* Text in business words: tmpl[group][key], or fallback. */
const char *rep_word(const struct rctx *r, const char *group, const char *key, const char *fallback);

/*
 * Findings of a company (gaps aside) by provenance: n[0] live collection,
 * n[1] supplied evidence, n[2] both, n[3] none (manual findings, expired
 * waivers); and the sentence the report prints for them:
 * "Kestrel: 44 from live collection, 2 from supplied evidence, 4 from both."
 */
#define REP_PROV_N 4
void rep_provenance_counts(const json_t *findings, const char *company, long long n[REP_PROV_N]);
int rep_provenance_line(struct strbuf *out, const char *company_name, const long long n[REP_PROV_N]);

int rep_charts(struct rctx *r);
int rep_domains(struct rctx *r);
int rep_fixes(struct rctx *r);
int rep_comparison(struct rctx *r);
int rep_consolidation(struct rctx *r);
int rep_checklist(struct rctx *r);
int rep_method(struct rctx *r);
int rep_coverage(struct rctx *r);
int rep_manual(struct rctx *r);
int rep_evidence(struct rctx *r);
int rep_register(struct rctx *r);

#endif
