/*
 * rule: rule packs (JSON files in rules/) loaded, checked and compiled.
 *
 * A pack is {"pack", "title", "version", "fixtures", "rules": [...]}; a rule
 * is described in docs/rules.md.  Loading checks everything a rule says
 * (fields, severity, frameworks, resource kind, data sets, predicates,
 * functions and their arguments, params, tests) and refuses the file with
 * "FILE: rule ID: reason" at the first problem, so a broken pack never runs.
 */
#ifndef VETTER_COMPLIANCE_RULE_H
#define VETTER_COMPLIANCE_RULE_H

#include <stddef.h>

#include <jansson.h>

#include "core/strbuf.h"
#include "pred.h"

#define RULE_PACK_MAX_BYTES (16 * 1024 * 1024)
#define RULE_MAX_REQUIRES 16

struct pack;

struct rule {
	const char *id, *title, *resource, *severity; /* borrowed from doc */
	const char *requires[RULE_MAX_REQUIRES];
	size_t nrequires;
	json_t *doc;          /* the rule as written: frameworks, remediation, effort_hours, tests, ... */
	json_t *params;       /* the defaults */
	struct pred *when;    /* NULL: applies to every resource of its kind */
	struct pred *check;   /* 'assert': true means compliant */
	const struct pack *pack;
};

struct pack {
	char *name, *title, *version, *file;
	char digest[72]; /* "sha256:" + hex */
	long long size;
	json_t *doc;
	struct rule *rules;
	size_t n;
};

struct ruleset {
	struct pack **packs;
	size_t npacks, nrules;
};

void ruleset_init(struct ruleset *rs);
void ruleset_release(struct ruleset *rs);
/* Load one pack file; a rule id already loaded is an error. */
int ruleset_load_file(struct ruleset *rs, const char *path);
/* Load every *.json in dir, in name order. */
int ruleset_load_dir(struct ruleset *rs, const char *dir);
/* Load a pack from memory (name is used in messages); for tests and the fuzzer. */
int ruleset_load_buffer(struct ruleset *rs, const char *buf, size_t len, const char *name);

const struct rule *ruleset_find(const struct ruleset *rs, const char *id);
const struct pack *ruleset_pack(const struct ruleset *rs, const char *name);

/*
 * Where the packs are: $VETTER_RULES, else rules/ beside the program (a
 * checkout), two folders up (build/san/vetter) or ../share/vetter/rules (an
 * installed program), else VETTER_DATADIR/rules.  ERR_NOTFOUND when none
 * exists.
 */
int rules_default_dir(struct strbuf *out);

/* 1 when every data set the rule requires is collected by some connector today. */
int rule_collected(const struct rule *r);

#endif
