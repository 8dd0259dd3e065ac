/*
 * engine: rules × resources -> results.
 *
 * Each rule is judged on each resource of its kind: error when a data set it
 * requires was not collected or could not be read (saying which, and why),
 * nothing when its 'when' predicate excludes the resource, else pass or fail
 * with the path and value that decided it.  A failure a valid waiver covers
 * becomes 'waived' and keeps the waiver's reason, owner and expiry.  Every
 * expired waiver gives a result of its own (rule WAIVER-EXPIRED).
 */
#ifndef VETTER_COMPLIANCE_ENGINE_H
#define VETTER_COMPLIANCE_ENGINE_H

#include <stdint.h>

#include <jansson.h>

#include "resource.h"
#include "rule.h"
#include "waiver.h"

#define WAIVER_EXPIRED_RULE "WAIVER-EXPIRED"

enum verdict { VERDICT_PASS, VERDICT_FAIL, VERDICT_ERROR, VERDICT_WAIVED };
extern const char *const verdict_names[]; /* "pass", "fail", "error", "waived" */

struct result {
	const struct rule *rule;     /* NULL for an expired waiver */
	const struct resource *res;  /* NULL for an expired waiver */
	enum verdict verdict;
	char *path;                  /* where the deciding value is, in path syntax */
	json_t *value;               /* that value; NULL when absent */
	char *note;                  /* what could not be read, or a function's explanation */
	struct waiver *waiver;       /* the waiver that matched (valid or expired) */
};

struct result_list {
	struct result *v;
	size_t n, cap;
	size_t counts[4]; /* by verdict */
};

struct engine_opts {
	int64_t as_of_days;
	struct waiver_set *waivers; /* may be NULL */
	const char *pack;           /* only this pack; NULL for all */
	const char *rule;           /* only this rule; NULL for all */
};

/* Judge every rule of rs on every resource of set, appending to out. */
int engine_run(const struct ruleset *rs, const struct resource_set *set, const struct engine_opts *o,
	       struct result_list *out);
/* One rule on one resource: 1 with *out filled, 0 when 'when' leaves it out, <0 on failure. */
int engine_eval(const struct rule *r, const struct resource_set *set, const struct resource *res,
		const struct engine_opts *o, struct result *out);
void result_release(struct result *r);
void result_list_release(struct result_list *l);

/* The result shape of 'vetter check --format json' (docs/rules.md, "Results"). */
json_t *result_to_json(const struct result *r, const struct waiver_set *ws);
/* frameworks of a rule, as written. */
const json_t *rule_frameworks(const struct rule *r);

#endif
