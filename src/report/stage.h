/*
 * The report stage: findings.json, findings.csv, findings.sarif, summary.md,
 * an SBOM per image and report.pdf in the output folder, all made from one
 * results document so they agree; with redaction "clean-team" (the run
 * option or the engagement's report.redact) also report-clean-team.pdf.
 */
#ifndef VETTER_REPORT_STAGE_H
#define VETTER_REPORT_STAGE_H

#include <jansson.h>

#include "core/runner.h"
#include "pdf.h"

int report_stage(struct run_ctx *ctx);

/*
 * The results document: engagement, companies with summaries, sources with
 * their status and authorisations, findings ordered by id.  Nothing in it
 * depends on the time of the run, so two runs over the same inputs give the
 * same bytes.  *out is the caller's.
 */
int report_results(struct run_ctx *ctx, json_t **out);

int report_write_json(const json_t *results, const char *path);
int report_write_csv(const json_t *results, const char *path);

struct report_opts {
	enum pdf_paper paper;
	const json_t *tmpl;     /* report_template_load(); required */
	const json_t *evidence; /* the evidence manifest rows [{seq, source, uri, kind, digest, size}], or NULL */
	int redacted;           /* the clean-team edition: says so on the cover and every page */
};

/* The board report from a results document; root_digest is the evidence manifest's. */
int report_write_pdf(const json_t *results, const struct report_opts *opts, const char *root_digest,
		     const char *path);

/* SARIF 2.1.0: one run, a rule per rule id, a result per finding (sarif.c). */
int report_sarif(const json_t *results, json_t **out);
int report_write_sarif(const json_t *results, const char *path);
/* summary.md: the executive summary in Markdown (summary.c). */
int report_write_summary(const json_t *results, const json_t *tmpl, const char *path);

/*
 * The clean-team copy of a results document (redact.c): asset names and
 * keys, hostnames, account ids, addresses and secrets' locations are
 * replaced by neutral labels ("image 3", "account 1") wherever they occur,
 * in every string of the document.  evidence (may be NULL) is redacted the
 * same way into *ev_out (NULL when evidence is NULL).
 */
int report_redact(const json_t *results, const json_t *evidence, json_t **out, json_t **ev_out);

#endif
