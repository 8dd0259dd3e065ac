/*
 * checklist: the post-merger integration checklist template
 * (templates/consolidation/checklist.yaml).
 *
 * The template holds gates and items.  A gate is a precondition computed
 * from the findings and the consolidation plan ("the target's KEV-listed
 * internet-facing vulnerabilities are fixed"); an item is a step with a
 * phase (Day 0, Day 1, Day 30, Day 100), an owner role, the items it depends
 * on and the gates that hold it back.  Loading checks everything a person
 * can get wrong: unknown or duplicate ids, a dependency on a later phase,
 * and dependency cycles, which are refused with the cycle named
 * ("a -> b -> c -> a").  The loaded checklist carries an order in which no
 * item precedes what it depends on: by phase, then as written.
 */
#ifndef VETTER_CHECKLIST_H
#define VETTER_CHECKLIST_H

#include <stddef.h>

#include <jansson.h>

#define CHECKLIST_PHASES 4
extern const char *const checklist_phase_ids[CHECKLIST_PHASES];    /* "day-0", "day-1", "day-30", "day-100" */
extern const char *const checklist_phase_titles[CHECKLIST_PHASES]; /* "Day 0", ... */

/* Facts a gate can test besides findings. */
extern const char *const checklist_fact_names[]; /* NULL-terminated */

struct checklist_gate {
	const char *id, *title;  /* borrowed from the template document */
	const json_t *findings;  /* array of finding selectors (may be empty) */
	const json_t *facts;     /* array of {fact, company} (may be empty) */
};

struct checklist_item {
	const char *id, *title, *owner, *description; /* description may be NULL */
	int phase;                                    /* index into checklist_phase_ids */
	size_t *deps, ndeps;                          /* indices of items */
	size_t *gates, ngates;                        /* indices of gates */
};

struct checklist {
	json_t *doc;                   /* the template (owned) */
	struct checklist_gate *gates;
	size_t ngates;
	struct checklist_item *items;  /* in template order */
	size_t nitems;
	size_t *order;                 /* nitems indices: phases in order, dependencies first */
};

/*
 * Parse a template from buf (YAML); name is used in messages.  ERR_PARSE with
 * "NAME:LINE:COL: what" for any problem; a cycle's message names every item
 * on it in order.
 */
int checklist_parse(struct checklist **out, const char *buf, size_t len, const char *name);
/* Load templates/consolidation/checklist.yaml. */
int checklist_load(struct checklist **out, const char *templates);
void checklist_free(struct checklist *cl);

/* Index of an item id, or -1. */
long checklist_find(const struct checklist *cl, const char *id);

#endif
