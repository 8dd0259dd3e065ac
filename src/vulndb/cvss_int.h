/*
 * cvss_int: what cvss.c, cvss3.c and cvss4.c share; not for other modules.
 */
#ifndef VETTER_CVSS_INT_H
#define VETTER_CVSS_INT_H

#include "cvss.h"

/* One metric of a version: its abbreviation and its values, in a table. */
struct cvss_metric_def {
	const char *name;
	const char *const *values; /* NULL-terminated; for an optional metric values[0] is "X" */
	int mandatory;             /* a Base metric: the vector must have it */
};

/*
 * Parse "AV:N/AC:L/..." (the vector after its prefix) against the table defs
 * of ndefs metrics into out->value[], by the rules of cvss.h.  label names the
 * version in messages ("CVSS:3.1").
 */
int cvss_parse_fields(const char *fields, const struct cvss_metric_def *defs, int ndefs, const char *label,
		      struct cvss_vector *out);
/* The value abbreviation of metric name in out, "X", or NULL for no such metric. */
const char *cvss_metric_value(const struct cvss_vector *v, const struct cvss_metric_def *defs, int ndefs,
			      const char *name);

/* cvss3.c: CVSS:3.0 and CVSS:3.1 (v->version says which). */
int cvss3_parse_metrics(const char *fields, struct cvss_vector *out);
void cvss3_score(const struct cvss_vector *v, struct cvss_score *out);
const char *cvss3_metric(const struct cvss_vector *v, const char *name);

/* cvss4.c: CVSS:4.0. */
int cvss4_parse_metrics(const char *fields, struct cvss_vector *out);
void cvss4_score(const struct cvss_vector *v, struct cvss_score *out);
const char *cvss4_metric(const struct cvss_vector *v, const char *name);

/* cvss4_tables.c: the data of FIRST's v4.0 calculator. */
struct cvss4_lookup_entry {
	const char *macro; /* the six EQ levels, "000000" .. "212221" */
	double score;
};
extern const struct cvss4_lookup_entry cvss4_lookup[];
extern const int cvss4_lookup_count;
/* max_composed.js: the highest-severity partial vectors of each EQ level.  For
 * EQ3 the level is indexed by EQ3 and EQ6 together (eq3eq6[eq3][eq6]). */
extern const char *const *const cvss4_max_eq1[3];
extern const char *const *const cvss4_max_eq2[2];
extern const char *const *const cvss4_max_eq3eq6[3][2];
extern const char *const *const cvss4_max_eq4[3];
extern const char *const *const cvss4_max_eq5[3];
/* max_severity.js: the depth of each EQ level, in 0.1 steps. */
extern const int cvss4_depth_eq1[3];
extern const int cvss4_depth_eq2[2];
extern const int cvss4_depth_eq3eq6[3][2];
extern const int cvss4_depth_eq4[3];
extern const int cvss4_depth_eq5[3];

#endif
