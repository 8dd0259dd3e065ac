/*
 * ruletest: every rule's own fixtures ('tests' in the rule), as run by
 * 'vetter rules test' and make check.
 *
 * A case is a document, a list of documents ({"docs": [...]}), or a pack
 * fixture with changes ({"base": NAME, "set": {PATH: VALUE}, "unset":
 * [PATH], "docs": [...]}).  The documents go through the same reader and
 * normalisers as 'vetter check'; then every resource of the rule's kind the
 * rule applies to is judged.  A 'pass' case needs all of them to pass, a
 * 'fail' case at least one failure and no error, an 'error' case at least
 * one error, a 'skip' case resources of the kind that the rule's 'when'
 * leaves out.  Dates are judged against the pack's test_as_of (default
 * 2025-06-30).
 */
#ifndef VETTER_COMPLIANCE_RULETEST_H
#define VETTER_COMPLIANCE_RULETEST_H

#include <stddef.h>

#include "core/strbuf.h"
#include "rule.h"

struct ruletest_report {
	size_t rules, cases, failed_cases, failed_rules;
	struct strbuf log; /* one line per failed case */
};

void ruletest_init(struct ruletest_report *rep);
void ruletest_release(struct ruletest_report *rep);
/* Run one rule's cases; failures are counted and described in rep->log.  <0 only on out-of-memory. */
int ruletest_rule(const struct rule *r, struct ruletest_report *rep);

/* Build the documents of one case (for tools that want to see them); *out is the caller's array. */
int ruletest_case_docs(const struct rule *r, const json_t *tcase, json_t **out);

#endif
