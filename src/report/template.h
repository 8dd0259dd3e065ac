/*
 * template: the report's branding and wording, read at run time so a
 * consultant changes them without recompiling.
 *
 * templates/report/report.json (found like the scoring templates: the
 * VETTER_TEMPLATES folder, templates/ beside the program, the installed data
 * folder) holds the firm name, logo, colours and section texts; an
 * engagement's `report.templates` folder may hold its own report/report.json,
 * whose keys replace the shipped ones key by key, and `report.firm`,
 * `report.logo` and `report.author` in the engagement file win over both.
 */
#ifndef VETTER_REPORT_TEMPLATE_H
#define VETTER_REPORT_TEMPLATE_H

#include <jansson.h>

#include "core/engagement.h"
#include "core/strbuf.h"
#include "pdf.h"

/* The folder holding report/report.json; ERR_NOTFOUND (message set) when there is none. */
int report_templates_dir(struct strbuf *out);

/*
 * The merged template for eng (NULL: the shipped one only).  The logo, when
 * any, is resolved to an absolute path kept in the template as "logo_path"
 * (it must stay inside the folder it is named from).  *out is the caller's.
 */
int report_template_load(const struct engagement *eng, json_t **out);

/* texts.key, or "" when the template has none. */
const char *report_text(const json_t *tmpl, const char *key);
/* colours.key as "#rrggbb", or dflt when absent or malformed. */
struct pdf_rgb report_colour(const json_t *tmpl, const char *key, struct pdf_rgb dflt);
/* The colour of a severity name (colours.<severity>). */
struct pdf_rgb report_severity_colour(const json_t *tmpl, const char *severity);

#endif
