/*
 * resource: normalised documents, one per resource, that rules judge
 * (docs/resources.md).
 *
 * The normalisers turn what was collected (Kubernetes objects, an image's
 * configuration, cloud API answers) into one clean document per resource, so
 * a rule reads one shape whatever the source.  Each resource also knows which
 * data sets it was built from: a rule that requires a data set that was not
 * collected, or could not be read, is an error for that resource, never a
 * failure.
 */
#ifndef VETTER_COMPLIANCE_RESOURCE_H
#define VETTER_COMPLIANCE_RESOURCE_H

#include <stddef.h>

#include <jansson.h>

#include "core/ydoc.h"

#define RESOURCE_MAX 200000

struct resource {
	char *kind;       /* "k8s.workload" */
	char *ns;         /* namespace, region or account ("" when none) */
	char *name;
	char *key;        /* unique within its set */
	json_t *doc;      /* the normalised document */
	char *file;       /* where it was read from, or NULL */
	int line;         /* line of its document in file (0: unknown) */
	json_t *collected;  /* data sets it was built from; NULL: the set's */
	json_t *unreadable; /* data set -> why it could not be read; NULL: the set's */
	char *company, *asset_kind, *asset_key; /* in an engagement; NULL otherwise */
};

struct resource_set {
	struct resource *v;
	size_t n, cap;
	json_t *collected;  /* data sets available to every resource (array) */
	json_t *unreadable; /* data set -> reason, for every resource */
	json_t *skipped;    /* object kind -> how many objects were not assessed */
	size_t documents;   /* documents read */
};

int resource_set_init(struct resource_set *s);
void resource_set_release(struct resource_set *s);

/* Add a resource; doc is stolen.  key may be NULL (made from kind, ns and name). */
int resource_add(struct resource_set *s, const char *kind, const char *ns, const char *name, const char *key,
		 json_t *doc, struct resource **out);
/* Count an object of a kind that no normaliser reads. */
int resource_skip(struct resource_set *s, const char *kind);
/* Mark a data set collected for every resource of the set. */
int resource_set_collected(struct resource_set *s, const char *dataset);

/*
 * Why data set ds cannot be used for r: NULL when it can, else a reason
 * ("not collected", or what made it unreadable).  The text is borrowed.
 */
const char *resource_missing(const struct resource_set *s, const struct resource *r, const char *ds);

#endif
