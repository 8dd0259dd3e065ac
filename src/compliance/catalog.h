/*
 * catalog: the resource kinds rules are written for, and the data sets that
 * fill them (docs/resources.md).
 *
 * A rule names its resource kind and the data sets it 'requires'.  A data
 * set is what one collector reads (the Kubernetes RBAC objects, the IAM
 * credential report, CloudTrail's trails).  Each data set records which part
 * of vetter collects it in an engagement today; a rule whose data sets no
 * connector collects yet is marked by 'vetter rules list', and each
 * connector, when it lands, fills in its data sets here.
 */
#ifndef VETTER_COMPLIANCE_CATALOG_H
#define VETTER_COMPLIANCE_CATALOG_H

struct resource_kind {
	const char *name;    /* "k8s.workload" */
	const char *summary;
};

struct dataset {
	const char *name;       /* "k8s.rbac" */
	const char *summary;
	const char *collector;  /* what collects it in an engagement; NULL: nothing yet */
	const char *offline;    /* what 'vetter check' reads it from; NULL: nothing */
};

extern const struct resource_kind resource_kinds[]; /* NULL-terminated */
extern const struct dataset datasets[];             /* NULL-terminated */

const struct resource_kind *catalog_kind(const char *name);
const struct dataset *catalog_dataset(const char *name);

#endif
