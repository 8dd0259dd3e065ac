/*
 * outputs: what the report stage writes besides findings.json and .csv
 * (findings.sarif, summary.md, sbom/COMPANY-IMAGE.cdx.json, report.pdf and
 * report-clean-team.pdf when the run or the engagement asks for it).
 */
#ifndef VETTER_REPORT_OUTPUTS_H
#define VETTER_REPORT_OUTPUTS_H

#include <jansson.h>

#include "core/runner.h"
#include "stage.h"

int report_outputs(struct run_ctx *ctx, const json_t *results, const char *root_digest);
/* A copy of results with every registered credential replaced (log_scrub); *out NULL when none occurs. */
int report_scrub(const json_t *results, json_t **out);
/* The evidence manifest as [{seq, source, uri, kind, digest, size}]; *out is the caller's. */
int report_evidence_rows(struct store *st, json_t **out);
/* A CycloneDX 1.6 SBOM per scanned image into out_dir/sbom/; *count says how many. */
int report_write_sboms(struct store *st, const char *out_dir, int *count);

#endif
