/*
 * jsonx: helpers around jansson used everywhere: loading with clear errors,
 * canonical dumps (the stable bytes that digests and outputs are made of),
 * and typed getters that tolerate absent or mistyped members.
 */
#ifndef VETTER_JSONX_H
#define VETTER_JSONX_H

#include <stddef.h>

#include <jansson.h>

#include "strbuf.h"

/* Parse JSON text; errors read "NAME:LINE:COL: reason". */
int jsonx_parse(const char *buf, size_t len, const char *name, json_t **out);
/* Read and parse a file of at most limit bytes (0 = 256 MB). */
int jsonx_load_file(const char *path, size_t limit, json_t **out);

/* Compact, keys sorted: equal documents give equal bytes. */
int jsonx_dump_canonical(struct strbuf *out, const json_t *v);
/* Indented with sorted keys, for files people read; ends with a newline. */
int jsonx_dump_pretty(struct strbuf *out, const json_t *v);

/* Borrowed string member, or NULL when absent or not a string. */
const char *jsonx_str(const json_t *obj, const char *key);
/* Like jsonx_str but "" instead of NULL. */
const char *jsonx_strz(const json_t *obj, const char *key);
/* Integer member or dflt. */
long long jsonx_int(const json_t *obj, const char *key, long long dflt);
/* Number (integer or real) member or dflt. */
double jsonx_num(const json_t *obj, const char *key, double dflt);
/* Boolean member or dflt. */
int jsonx_bool(const json_t *obj, const char *key, int dflt);
/* Follow a dotted path of object keys ("metadata.name"); borrowed, NULL when absent. */
json_t *jsonx_dig(const json_t *v, const char *dotted);

/* Set obj[key] to a string; a NULL s sets nothing.  0 or ERR_NOMEM. */
int jsonx_set_str(json_t *obj, const char *key, const char *s);

/* A JSON string of s with every byte that is not part of valid UTF-8 replaced by '?' (names from images). */
json_t *jsonx_string_lossy(const char *s);

#endif
