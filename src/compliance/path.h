/*
 * path: the path language of rules (docs/rules.md, "Paths").
 *
 *   spec.template.spec.containers[*].securityContext.privileged
 *   metadata.labels["app.kubernetes.io/name"]
 *   rules[0].verbs
 *
 * A path is a list of steps: an object key (a bare word, or ["quoted"] for
 * keys holding '.', '[', ']', '"', '@' or spaces), an array index [N], or a
 * wildcard ([*] or a bare *) that fans out over every element of an array or
 * every value of an object.  The empty path is the node itself.
 *
 * Evaluating a path gives a list of matches, each the concrete path it
 * reached (wildcards replaced by indexes or keys, in the same syntax) and the
 * value there.  A key or index step that finds nothing gives one match with
 * no value (absent), so "every container has readOnlyRootFilesystem" can see
 * the container that lacks it; a wildcard over nothing gives no match.  JSON
 * null counts as absent: YAML writes "securityContext:" with nothing after
 * it as null, and Kubernetes treats it as unset.
 *
 * Paths come from rule packs (ours) but are applied to outside documents, so
 * lengths, steps and matches are all capped.
 */
#ifndef VETTER_COMPLIANCE_PATH_H
#define VETTER_COMPLIANCE_PATH_H

#include <stddef.h>

#include <jansson.h>

#include "core/strbuf.h"

#define PATH_MAX_TEXT 512
#define PATH_MAX_STEPS 32
#define PATH_MAX_MATCHES 20000

enum path_step_kind { PATH_KEY, PATH_INDEX, PATH_ALL };

struct path_step {
	enum path_step_kind kind;
	char *key;    /* PATH_KEY */
	size_t index; /* PATH_INDEX */
};

struct path {
	char *text;
	struct path_step *steps;
	size_t n;
	int wild; /* has a wildcard step */
};

/* Compile text; ERR_PARSE says where and why ("column 7: unclosed '['"). *out is the caller's. */
int path_parse(struct path **out, const char *text);
void path_free(struct path *p);

struct path_match {
	char *where;          /* concrete path, base included */
	const json_t *value;  /* borrowed from the document; NULL when absent */
};

struct path_matches {
	struct path_match *v;
	size_t n, cap;
};

/*
 * Evaluate p on node; base (may be "" or NULL) is the concrete path of node
 * in its document, prefixed to every match.  Matches are appended to out.
 * ERR_LIMIT past PATH_MAX_MATCHES.
 */
int path_eval(const struct path *p, const json_t *node, const char *base, struct path_matches *out);
void path_matches_release(struct path_matches *m);

/* The first value at a path without wildcards (NULL when absent or null). */
const json_t *path_get(const json_t *node, const char *text);

/*
 * Set the value at p (no wildcards), creating objects on the way; an index
 * one past the end appends.  Steals value.  Used to build test fixtures.
 */
int path_set(json_t *root, const struct path *p, json_t *value);
/* Remove the member or element at p; absent is not an error. */
int path_unset(json_t *root, const struct path *p);

/* Append one step in path syntax. */
int path_add_key(struct strbuf *sb, const char *key);
int path_add_index(struct strbuf *sb, size_t index);

#endif
