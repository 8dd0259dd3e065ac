/*
 * schema: declarative checks for the documents people write by hand (the
 * engagement file, rule packs, waivers, manual findings).
 *
 * A schema is a NULL-terminated array of fields.  schema_check_object()
 * checks one object against one or two such arrays (a source's generic keys
 * plus its type's own keys) and reports the first problem as
 * "FILE:LINE:COL: WHERE: what was expected", with the position taken from
 * the ydoc position map when there is one.
 */
#ifndef VETTER_SCHEMA_H
#define VETTER_SCHEMA_H

#include <jansson.h>

#include "ydoc.h"

enum schema_type {
	SCH_ANY,
	SCH_STRING,
	SCH_INT,
	SCH_NUMBER,
	SCH_BOOL,
	SCH_DATE,    /* string YYYY-MM-DD */
	SCH_OBJECT,  /* keys listed in .fields */
	SCH_LIST,    /* items of type .item (objects checked against .fields) */
	SCH_MAP,     /* free keys, values of type .item */
	SCH_CREDREF  /* "env:VAR" or "file:PATH" */
};

struct schema_field {
	const char *key;
	enum schema_type type;
	int required;
	const struct schema_field *fields; /* SCH_OBJECT, or SCH_LIST/SCH_MAP of objects */
	enum schema_type item;             /* SCH_LIST and SCH_MAP */
	const char *const *allowed;        /* NULL-terminated allowed strings */
};

struct schema_ctx {
	const char *file;
	const struct ydoc_map *pos;
};

/*
 * Check obj (at path, "" for the root) against fields and, when extra is not
 * NULL, extra as well; what names the object in messages ("source 2 of
 * company 'target'").  Returns 0 or ERR_USAGE with the message set.
 */
int schema_check_object(const struct schema_ctx *ctx, const json_t *obj, const char *path, const char *what,
			const struct schema_field *fields, const struct schema_field *extra);

/* Report a problem at path in the same format; returns ERR_USAGE. */
int schema_error(const struct schema_ctx *ctx, const char *path, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif
