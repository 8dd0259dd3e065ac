/*
 * manual: the consultant's own findings and overrides.
 *
 * The engagement's manual_findings file (YAML) holds findings from
 * interviews and documents, and overrides that mark engine findings as false
 * positives.  Each carries who, when and why, and the report shows them as
 * such.  The file is checked before a run starts, like the engagement file.
 */
#ifndef VETTER_MANUAL_H
#define VETTER_MANUAL_H

#include "core/engagement.h"
#include "core/store.h"

/* Load and check the file named by the engagement (0 when it names none); *out is the caller's. */
int manual_load(const struct engagement *eng, json_t **out);
/* Write the manual findings into the store under stage (replacing earlier ones). */
int manual_record(const struct engagement *eng, const json_t *manual, struct store *st, const char *stage);
/* Apply overrides to the findings in the store; returns the number applied. */
int manual_apply_overrides(const json_t *manual, struct store *st);

#endif
