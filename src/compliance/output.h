/*
 * output: results as a table for people, JSON (docs/rules.md, "Results") and
 * SARIF 2.1.0 for code-scanning tools.
 */
#ifndef VETTER_COMPLIANCE_OUTPUT_H
#define VETTER_COMPLIANCE_OUTPUT_H

#include "core/strbuf.h"
#include "engine.h"

/* Every result, an array. */
int output_json(struct strbuf *out, const struct result_list *l, const struct waiver_set *ws);
/*
 * Failures, errors and waived results, one a line, then a summary with the
 * counts and what was skipped; all_results adds the passes.
 */
int output_table(struct strbuf *out, const struct result_list *l, const struct resource_set *set, int all_results);
/* A SARIF log with one run: failures (kind fail), waived failures (with a suppression) and errors (kind review). */
int output_sarif(struct strbuf *out, const struct result_list *l, const struct waiver_set *ws);

#endif
