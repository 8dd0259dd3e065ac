/*
 * consolidate_int: what the consolidation modules share (not an interface
 * for the rest of vetter; see consolidate.h for that).
 *
 * The build reads the store once into a cons_input: every asset with its
 * document, every edge and every finding, and the engagement's companies.
 * Each part (tools, estate, network, access, checklist) reads from it and
 * returns a JSON section; nothing in them depends on hash or thread order,
 * so the same store gives the same bytes.
 */
#ifndef VETTER_CONSOLIDATE_INT_H
#define VETTER_CONSOLIDATE_INT_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "core/engagement.h"
#include "core/store.h"
#include "core/strbuf.h"

/* Caps on what outside data can make us hold or print. */
#define CONS_MAX_LIST 200        /* items of a list in a section (evidence, findings of a gate, ...) */
#define CONS_MAX_PAIRS 5000      /* overlap pairs listed (all are counted) */

struct cons_asset {
	int64_t id;
	int company;       /* index in the engagement, -1 when the store names another company */
	char *kind, *key, *name;
	char *source;      /* the source id that wrote it */
	json_t *doc;       /* owned reference */
};

struct cons_edge {
	int64_t from, to;
	char *kind;
};

struct cons_input {
	const struct engagement *eng;
	struct cons_asset *assets;  /* ordered by company, kind, key (the store's order) */
	size_t nassets;
	struct cons_edge *edges;
	size_t nedges;
	json_t *findings;           /* array, ordered by id (owned) */
	json_t *by_id;              /* "id" -> asset index (owned; values are integers) */
	json_t *by_ref;             /* "company\037kind\037key" -> asset index (owned) */
	int64_t as_of_days;
	long eol_warning_days;
	const char *templates;      /* the templates folder */
};

/* The asset with store id id, or NULL. */
const struct cons_asset *cons_asset_by_id(const struct cons_input *in, int64_t id);
/* The asset of company index co, kind and key, or NULL. */
const struct cons_asset *cons_asset_by_ref(const struct cons_input *in, int co, const char *kind, const char *key);
/* The cloud an asset belongs to: "aws", "azure", "gcp", or NULL (by kind prefix, then its source's type). */
const char *cons_cloud_of(const struct cons_input *in, const struct cons_asset *a);
/* The cloud account, subscription or project an asset belongs to, or NULL. */
const char *cons_account_of(const struct cons_asset *a);
/* 1 for the kinds the Kubernetes connector and the image scan write. */
int cons_is_k8s_kind(const char *kind);
/* Company index of an id, -1 when unknown. */
int cons_company_index(const struct cons_input *in, const char *id);
/* 1 when the company at index co is a target. */
int cons_is_target(const struct cons_input *in, int co);

/*
 * The asset's resource kind: the document's "kind" when it is a dotted name
 * (the AWS connector writes kind "vpc" with doc.kind "aws.ec2.vpc"), else
 * the asset kind.  Classification goes by this, so both shapes are read.
 */
const char *cons_kind(const struct cons_asset *a);
/* The kind's last dotted component, lowercased, into out ("aws.ec2.vpc" -> "vpc"). */
void cons_kind_leaf(const char *kind, char *out, size_t size);
/* String member at a dotted path, or NULL. */
const char *cons_str(const json_t *doc, const char *dotted);
/* Boolean at a dotted path: 1, 0, or -1 when absent (a string "true"/"false" counts). */
int cons_bool(const json_t *doc, const char *dotted);
/* Case-insensitive ASCII comparison of two strings (NULL is empty). */
int cons_strcaseeq(const char *a, const char *b);
/* Append to a JSON array of strings unless already there (kept sorted); capped at CONS_MAX_LIST. */
int cons_set_add(json_t *arr, const char *s);
/* The keys of an object as a sorted array of strings (capped at CONS_MAX_LIST); a new reference. */
json_t *cons_set_keys(const json_t *obj);
/* A finding is open and counts: status open, kind not gap. */
int cons_finding_counts(const json_t *f);
/* A copy of s fit for one line of text: control characters become spaces, invalid UTF-8 '?', at most max bytes. */
int cons_text(struct strbuf *out, const char *s, size_t max);

/* The parts. Each sets *out to a new object (the caller's). */
int cons_tools(const struct cons_input *in, json_t **out);
int cons_estate(const struct cons_input *in, json_t **out);
int cons_network(const struct cons_input *in, json_t **out);
int cons_access(const struct cons_input *in, json_t **out);
/* The checklist reads the other sections (plan holds tools, estate, network, third_party). */
int cons_checklist(const struct cons_input *in, const json_t *plan, json_t **out);

/* Templates are ours, but a runaway file is still refused. */
#define CONS_TEMPLATE_MAX ((size_t)4 * 1024 * 1024)
/* Read templates/consolidation/FILE: path gets its path, text its bytes. */
int cons_template_read(const char *templates, const char *file, struct strbuf *path, struct strbuf *text);

#endif
