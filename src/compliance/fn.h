/*
 * fn: the named C functions a predicate can call for what paths cannot say
 * (docs/rules.md, "Functions"):
 *
 *   rbac_allows              Kubernetes RBAC rules granting verbs on resources, wildcards and subresources as the
 *                            API server matches them
 *   iam_allows               an IAM policy (Allow minus Deny, Action/NotAction, Resource/NotResource, wildcards)
 *                            granting actions on a resource
 *   iam_external_principals  principals of a trust or resource policy outside the account (other accounts,
 *                            everyone, optionally identity providers)
 *   net_exposed              ordered allow/deny network rules letting a source range (the internet by default) reach
 *                            ports, IPv4 and IPv6
 *   cidr_contains            one CIDR inside another
 *   age_days, days_until     a timestamp against the engagement's as_of date
 *   aws_metric_alarm         CIS AWS monitoring: trail -> log group -> metric filter -> alarm -> subscribed topic
 *
 * A function reads the node it is called on (argument paths are relative to
 * it), returns a JSON value and says where it found the deciding data.
 */
#ifndef VETTER_COMPLIANCE_FN_H
#define VETTER_COMPLIANCE_FN_H

#include <jansson.h>

#include "pred.h"

/*
 * Returns TRI_TRUE with *value set (a new reference, or NULL for "absent"),
 * TRI_ERROR with w->note set when the data cannot be judged, or a negative
 * ERR_* when out of memory.
 */
typedef int (*rule_fn_call)(const json_t *node, const char *base, const json_t *args, const struct eval_ctx *ec,
			    json_t **value, struct witness *w);
/* Check the arguments at load time; 0 or ERR_INVALID with the reason set. */
typedef int (*rule_fn_check)(const json_t *args);

struct rule_fn {
	const char *name;
	rule_fn_call call;
	rule_fn_check check;
	const char *summary;
};

const struct rule_fn *rule_fn_find(const char *name);
/* All functions, NULL-terminated by name. */
extern const struct rule_fn rule_fns[];

/* Address maths, exposed for tests: parse "10.0.0.0/8", "::/0", a bare address, or "*", "any", "internet". */
struct fn_cidr {
	int family;              /* 4 or 6; 0 for "any address of either family" */
	unsigned char addr[16];
	int prefix;
};
int fn_cidr_parse(const char *s, struct fn_cidr *out);
/* 1 when inner lies inside outer. */
int fn_cidr_within(const struct fn_cidr *inner, const struct fn_cidr *outer);

#endif
