/*
 * pred: the predicates of rules, compiled from JSON and evaluated on one
 * normalised document (docs/rules.md, "Predicates").
 *
 *   {"all": [P, ...]}  {"any": [P, ...]}  {"none": [P, ...]}  {"not": P}
 *   {"path": "containers[*].securityContext.privileged", "ne": true}
 *   {"path": "...", "quantifier": "any", "matches": "^docker\\.io/"}
 *   {"path": "metric_filters[*]", "quantifier": "any", "where": P}
 *   {"count": "containers[*]", "where": P, "gt": 0}
 *   {"fn": "rbac_allows", "args": {...}, "eq": false}
 *
 * Operators: eq ne lt gt le ge in matches exists absent contains.  An operand
 * may be {"param": "NAME"}, taken from the rule's params.  Evaluation is
 * three-valued: true, false, or error (a value of the wrong type, data too
 * large to judge), and every answer carries the path and value that decided
 * it, so a failed rule can say where and what.
 */
#ifndef VETTER_COMPLIANCE_PRED_H
#define VETTER_COMPLIANCE_PRED_H

#include <stdint.h>

#include <jansson.h>

#include "core/strbuf.h"

enum tri { TRI_FALSE = 0, TRI_TRUE = 1, TRI_ERROR = 2 };

struct pred;

/* What a judgement rests on. */
struct witness {
	struct strbuf where; /* concrete path */
	json_t *value;       /* the value there (a reference), NULL when absent */
	struct strbuf note;  /* why, for errors and for functions that explain themselves */
};

void witness_init(struct witness *w);
void witness_release(struct witness *w);
void witness_reset(struct witness *w);
/* Move src into dst (dst released first); src is left empty. */
void witness_move(struct witness *dst, struct witness *src);

struct eval_ctx {
	int64_t as_of_days;   /* days since 1970-01-01 of the engagement's as_of */
	const json_t *params; /* the rule's params (defaults, possibly overridden) */
	int depth;
};

/*
 * Compile spec.  params resolves {"param": NAME} operands.  On error the
 * message names the place in the predicate ("assert.all[1]: unknown
 * operator 'equals'").  *out is the caller's.
 */
int pred_compile(struct pred **out, const json_t *spec, const json_t *params, const char *where);
void pred_free(struct pred *p);

/*
 * Evaluate on node, whose concrete path in the resource is base.  Returns a
 * tri value, or a negative ERR_* only when out of memory.  w gets the path
 * and value that decided the answer (and a note for errors).
 */
int pred_eval(const struct pred *p, const json_t *node, const char *base, struct eval_ctx *ec, struct witness *w);

/* Regex rules for 'matches' (also used by waivers): POSIX extended, no back-references, bounded length. */
#define PRED_MAX_REGEX 512
#define PRED_MAX_SUBJECT (64 * 1024)

#endif
