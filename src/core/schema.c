#include "schema.h"

#include <stdarg.h>
#include <string.h>

#include "err.h"
#include "strbuf.h"
#include "util.h"

int schema_error(const struct schema_ctx *ctx, const char *path, const char *fmt, ...)
{
	const struct ydoc_pos *pos = ydoc_pos_near(ctx->pos, path);
	struct strbuf msg = STRBUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	strbuf_vaddf(&msg, fmt, ap);
	va_end(ap);
	if (pos)
		err_set(ERR_USAGE, "%s:%d:%d: %s", ctx->file, pos->line, pos->col, msg.buf);
	else
		err_set(ERR_USAGE, "%s: %s", ctx->file, msg.buf);
	strbuf_release(&msg);
	return ERR_USAGE;
}

static const char *type_name(enum schema_type t)
{
	switch (t) {
	case SCH_STRING: return "a string";
	case SCH_INT: return "an integer";
	case SCH_NUMBER: return "a number";
	case SCH_BOOL: return "true or false";
	case SCH_DATE: return "a date (YYYY-MM-DD)";
	case SCH_OBJECT: return "a mapping";
	case SCH_LIST: return "a list";
	case SCH_MAP: return "a mapping";
	case SCH_CREDREF: return "a credential reference (env:VAR or file:PATH)";
	default: return "a value";
	}
}

static const struct schema_field *find_field(const struct schema_field *f, const char *key)
{
	for (; f && f->key; f++)
		if (!strcmp(f->key, key))
			return f;
	return NULL;
}

static int list_keys(struct strbuf *sb, const struct schema_field *f)
{
	for (; f && f->key; f++)
		if (strbuf_addf(sb, "%s%s", sb->len ? ", " : "", f->key) < 0)
			return ERR_NOMEM;
	return 0;
}

static int check_value(const struct schema_ctx *ctx, const json_t *v, const char *path, const char *what,
		       enum schema_type type, const struct schema_field *fields, enum schema_type item,
		       const char *const *allowed);

static int check_scalar(const struct schema_ctx *ctx, const json_t *v, const char *path, const char *what,
			enum schema_type type, const char *const *allowed)
{
	struct util_date d;
	const char *s;
	size_t i;

	switch (type) {
	case SCH_STRING:
	case SCH_DATE:
	case SCH_CREDREF:
		if (!json_is_string(v)) {
			/* A date typed unquoted is a string in YAML 1.2 already; a
			 * number where text is expected is a real mistake. */
			return schema_error(ctx, path, "%s: expected %s", what, type_name(type));
		}
		s = json_string_value(v);
		if (type == SCH_STRING && !s[0])
			return schema_error(ctx, path, "%s: must not be empty", what);
		if (type == SCH_DATE && util_date_parse(s, &d) < 0)
			return schema_error(ctx, path, "%s: '%s' is not a date of the form YYYY-MM-DD", what, s);
		if (type == SCH_CREDREF && !(util_has_prefix(s, "env:") && s[4]) &&
		    !(util_has_prefix(s, "file:") && s[5]))
			return schema_error(ctx, path,
					    "%s: expected a credential reference 'env:VARIABLE' or 'file:PATH' "
					    "(credentials are never written into the engagement file)",
					    what);
		if (allowed) {
			struct strbuf alts = STRBUF_INIT;
			int rc;

			for (i = 0; allowed[i]; i++)
				if (!strcmp(allowed[i], s))
					return 0;
			for (i = 0; allowed[i]; i++)
				strbuf_addf(&alts, "%s%s", i ? ", " : "", allowed[i]);
			rc = schema_error(ctx, path, "%s: '%s' is not one of: %s", what, s, alts.buf);
			strbuf_release(&alts);
			return rc;
		}
		return 0;
	case SCH_INT:
		if (!json_is_integer(v))
			return schema_error(ctx, path, "%s: expected %s", what, type_name(type));
		return 0;
	case SCH_NUMBER:
		if (!json_is_number(v))
			return schema_error(ctx, path, "%s: expected %s", what, type_name(type));
		return 0;
	case SCH_BOOL:
		if (!json_is_boolean(v))
			return schema_error(ctx, path, "%s: expected %s", what, type_name(type));
		return 0;
	default:
		return 0;
	}
}

static int check_value(const struct schema_ctx *ctx, const json_t *v, const char *path, const char *what,
		       enum schema_type type, const struct schema_field *fields, enum schema_type item,
		       const char *const *allowed)
{
	struct strbuf p = STRBUF_INIT, w = STRBUF_INIT;
	const char *key;
	json_t *child;
	size_t i;
	int rc = 0;

	switch (type) {
	case SCH_OBJECT:
		if (!json_is_object(v))
			return schema_error(ctx, path, "%s: expected %s", what, type_name(type));
		return schema_check_object(ctx, v, path, what, fields, NULL);
	case SCH_LIST:
		if (!json_is_array(v))
			return schema_error(ctx, path, "%s: expected %s", what, type_name(type));
		json_array_foreach(v, i, child) {
			strbuf_reset(&p);
			strbuf_reset(&w);
			if (strbuf_addstr(&p, path) < 0 || ydoc_path_index(&p, i) < 0 ||
			    strbuf_addf(&w, "%s item %zu", what, i + 1) < 0) {
				rc = ERR_NOMEM;
				break;
			}
			rc = check_value(ctx, child, p.buf, w.buf, item, fields, SCH_ANY, allowed);
			if (rc < 0)
				break;
		}
		break;
	case SCH_MAP:
		if (!json_is_object(v))
			return schema_error(ctx, path, "%s: expected %s", what, type_name(type));
		json_object_foreach((json_t *)v, key, child) {
			strbuf_reset(&p);
			strbuf_reset(&w);
			if (strbuf_addstr(&p, path) < 0 || ydoc_path_key(&p, key) < 0 ||
			    strbuf_addf(&w, "%s '%s'", what, key) < 0) {
				rc = ERR_NOMEM;
				break;
			}
			rc = check_value(ctx, child, p.buf, w.buf, item, fields, SCH_ANY, allowed);
			if (rc < 0)
				break;
		}
		break;
	default:
		rc = check_scalar(ctx, v, path, what, type, allowed);
	}
	strbuf_release(&p);
	strbuf_release(&w);
	return rc;
}

int schema_check_object(const struct schema_ctx *ctx, const json_t *obj, const char *path, const char *what,
			const struct schema_field *fields, const struct schema_field *extra)
{
	struct strbuf p = STRBUF_INIT, w = STRBUF_INIT, keys = STRBUF_INIT;
	const struct schema_field *f;
	const struct schema_field *tables[2] = { fields, extra };
	const char *key;
	json_t *child;
	int rc = 0, t;

	if (!json_is_object(obj))
		return schema_error(ctx, path, "%s: expected a mapping", what);
	json_object_foreach((json_t *)obj, key, child) {
		f = find_field(fields, key);
		if (!f)
			f = find_field(extra, key);
		strbuf_reset(&p);
		if (strbuf_addstr(&p, path) < 0 || ydoc_path_key(&p, key) < 0) {
			rc = ERR_NOMEM;
			goto cleanup;
		}
		if (!f) {
			list_keys(&keys, fields);
			list_keys(&keys, extra);
			strbuf_addstr(&p, "@key");
			rc = schema_error(ctx, p.buf, "%s: unknown key '%s' (expected one of: %s)", what, key, keys.buf);
			goto cleanup;
		}
		if (json_is_null(child) && !f->required)
			continue;
		strbuf_reset(&w);
		if (strbuf_addf(&w, "%s: '%s'", what, key) < 0) {
			rc = ERR_NOMEM;
			goto cleanup;
		}
		rc = check_value(ctx, child, p.buf, w.buf, f->type, f->fields, f->item, f->allowed);
		if (rc < 0)
			goto cleanup;
	}
	for (t = 0; t < 2; t++) {
		for (f = tables[t]; f && f->key; f++) {
			child = json_object_get(obj, f->key);
			if (f->required && (!child || json_is_null(child))) {
				rc = schema_error(ctx, path, "%s: the key '%s' is required (%s)", what, f->key,
						  type_name(f->type));
				goto cleanup;
			}
		}
	}
cleanup:
	strbuf_release(&p);
	strbuf_release(&w);
	strbuf_release(&keys);
	return rc;
}
