/*
 * finding: the one shape every engine's result takes.
 *
 * A finding is a JSON object (so engines can add detail without a schema
 * change) with these members, documented for users in docs/findings.md:
 *
 *   id           "VF-" + 16 hex digits: SHA-256 of company, asset kind and key,
 *                rule or advisory, and component, so two runs agree
 *   company      company id
 *   kind         vulnerability | misconfiguration | secret | exposure | manual | gap
 *   rule         rule id or advisory id
 *   title        one line
 *   severity     critical | high | medium | low | info | unknown
 *   severity_source  where the severity came from
 *   asset        { kind, key, name }
 *   component    the package, path or setting concerned ("" when none)
 *   status       open | waived | false-positive
 *   ...          path, value, fix, frameworks, evidence, likelihood, impact
 */
#ifndef VETTER_FINDING_H
#define VETTER_FINDING_H

#include <jansson.h>

/* A new finding with id, company, kind, rule, asset and component set; the caller owns it. */
int finding_new(json_t **out, const char *company, const char *kind, const char *rule, const char *asset_kind,
		const char *asset_key, const char *asset_name, const char *component);
/* Set title, severity and its source (NULL leaves a member unset). */
int finding_describe(json_t *f, const char *title, const char *severity, const char *severity_source);

/* critical=5 high=4 medium=3 low=2 info=1 unknown=0; -1 for a word that is none of these. */
int severity_rank(const char *severity);
extern const char *const severity_names[]; /* indexed by rank, "unknown" first */

#endif
