/*
 * fn_int: helpers shared by the rule functions (fn.c, fn_aws.c).
 */
#ifndef VETTER_COMPLIANCE_FN_INT_H
#define VETTER_COMPLIANCE_FN_INT_H

#include "fn.h"
#include "path.h"

/* The string argument name, or dflt. */
const char *fn_arg_str(const json_t *args, const char *name, const char *dflt);
/* Check that args has only the names in allowed (NULL-terminated) and the required ones. */
int fn_check_names(const json_t *args, const char *const *allowed, const char *const *required);
/* Check that args[name], when present, is a list of strings (nonempty when required). */
int fn_check_strings(const json_t *args, const char *name, int required);
/* Evaluate the path held by args[name] (or dflt) on node; ERR_PARSE names the argument. */
int fn_arg_matches(const json_t *node, const char *base, const json_t *args, const char *name, const char *dflt,
		   struct path_matches *out);
/* Set w to where/value; value may be NULL. */
int fn_witness(struct witness *w, const char *where, const json_t *value);
/* Shell-style match of text against pattern with '*' and '?', linear time. */
int fn_glob(const char *pattern, const char *text, int icase);

int fn_iam_allows(const json_t *node, const char *base, const json_t *args, const struct eval_ctx *ec,
		  json_t **value, struct witness *w);
int fn_iam_allows_check(const json_t *args);
int fn_iam_external(const json_t *node, const char *base, const json_t *args, const struct eval_ctx *ec,
		    json_t **value, struct witness *w);
int fn_iam_external_check(const json_t *args);
int fn_aws_metric_alarm(const json_t *node, const char *base, const json_t *args, const struct eval_ctx *ec,
			json_t **value, struct witness *w);
int fn_aws_metric_alarm_check(const json_t *args);

#endif
