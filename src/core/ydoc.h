/*
 * ydoc: YAML (and JSON, which is YAML) documents as jansson values, with the
 * source position of every key and value.
 *
 * Outside data and our own configuration both arrive as YAML, so this loader
 * is built for hostile input: alias expansion is capped (a "billion laughs"
 * document fails instead of eating memory), nesting depth is capped, and
 * duplicate keys are errors.  Scalars follow the YAML 1.2 core schema (only
 * true/false are booleans; "yes", "on" and dates stay strings).  Merge keys
 * ("<<") are honoured.
 *
 * Positions are recorded by path: "" for the root, "companies[0].sources[1].type"
 * for a value, and the same path with "@key" appended for where its key starts.
 * Object keys containing '.' or '[' are written as ["key"].
 */
#ifndef VETTER_YDOC_H
#define VETTER_YDOC_H

#include <stddef.h>

#include <jansson.h>

#include "strbuf.h"

struct ydoc_pos {
	int line; /* 1-based */
	int col;  /* 1-based */
};

struct ydoc_map; /* opaque: path -> position */

struct ydoc_limits {
	size_t max_nodes; /* nodes created, aliases expanded included; 0 = default 2,000,000 */
	int max_depth;    /* 0 = default 200 */
};

/* Called once per document of a stream; return <0 to stop the stream with that code. */
typedef int (*ydoc_cb)(void *ctx, int index, json_t *doc, const struct ydoc_map *pos);

/*
 * Parse every document in buf.  name is used in error messages
 * ("NAME:LINE:COL: ...").  The callback borrows doc and pos.  Empty documents
 * are passed as JSON null.
 */
int ydoc_load_stream(const char *buf, size_t len, const char *name, const struct ydoc_limits *limits,
		     ydoc_cb cb, void *ctx);

/* Parse exactly one document; *out and *pos_out (if not NULL) are the caller's. */
int ydoc_load(const char *buf, size_t len, const char *name, const struct ydoc_limits *limits, json_t **out,
	      struct ydoc_map **pos_out);
int ydoc_load_file(const char *path, const struct ydoc_limits *limits, json_t **out, struct ydoc_map **pos_out);

/* Position of a path (a value) or path "@key" (its key); NULL when unknown. */
const struct ydoc_pos *ydoc_pos_get(const struct ydoc_map *map, const char *path);
/* Like ydoc_pos_get, falling back to the nearest parent path that has one. */
const struct ydoc_pos *ydoc_pos_near(const struct ydoc_map *map, const char *path);
void ydoc_map_free(struct ydoc_map *map);

/* Append one step to a path the way ydoc writes them. */
int ydoc_path_key(struct strbuf *path, const char *key);
int ydoc_path_index(struct strbuf *path, size_t index);

#endif
