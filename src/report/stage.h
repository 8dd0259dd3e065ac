/*
 * The report stage: findings.json, findings.csv and report.pdf in the output
 * folder, all made from one results document so they agree.
 */
#ifndef VETTER_REPORT_STAGE_H
#define VETTER_REPORT_STAGE_H

#include <jansson.h>

#include "core/runner.h"

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
int report_write_pdf(struct run_ctx *ctx, const json_t *results, const char *root_digest, const char *path);

#endif
