#include "jsonx.h"

#include <stdlib.h>
#include <string.h>

#include "err.h"

int jsonx_parse(const char *buf, size_t len, const char *name, json_t **out)
{
	json_error_t jerr;
	json_t *v;

	v = json_loadb(buf, len, JSON_REJECT_DUPLICATES | JSON_ALLOW_NUL, &jerr);
	if (!v)
		return err_set(ERR_PARSE, "%s:%d:%d: %s", name ? name : "<input>", jerr.line, jerr.column,
			       jerr.text);
	*out = v;
	return 0;
}

int jsonx_load_file(const char *path, size_t limit, json_t **out)
{
	struct strbuf buf = STRBUF_INIT;
	int rc;

	strbuf_init(&buf, limit);
	rc = strbuf_read_file(&buf, path);
	if (rc == ERR_LIMIT)
		rc = err_set(ERR_LIMIT, "%s: larger than the %zu bytes allowed", path, limit ? limit : STRBUF_DEFAULT_LIMIT);
	if (rc == 0)
		rc = jsonx_parse(buf.buf, buf.len, path, out);
	strbuf_release(&buf);
	return rc;
}

static int dump_cb(const char *buffer, size_t size, void *data)
{
	return strbuf_add(data, buffer, size) < 0 ? -1 : 0;
}

int jsonx_dump_canonical(struct strbuf *out, const json_t *v)
{
	if (json_dump_callback(v, dump_cb, out, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENCODE_ANY) < 0)
		return err_set(ERR_NOMEM, "cannot serialise JSON");
	return 0;
}

int jsonx_dump_pretty(struct strbuf *out, const json_t *v)
{
	if (json_dump_callback(v, dump_cb, out, JSON_INDENT(2) | JSON_SORT_KEYS | JSON_ENCODE_ANY) < 0)
		return err_set(ERR_NOMEM, "cannot serialise JSON");
	return strbuf_addch(out, '\n');
}

const char *jsonx_str(const json_t *obj, const char *key)
{
	return json_string_value(json_object_get(obj, key));
}

const char *jsonx_strz(const json_t *obj, const char *key)
{
	const char *s = jsonx_str(obj, key);

	return s ? s : "";
}

long long jsonx_int(const json_t *obj, const char *key, long long dflt)
{
	json_t *v = json_object_get(obj, key);

	return json_is_integer(v) ? json_integer_value(v) : dflt;
}

double jsonx_num(const json_t *obj, const char *key, double dflt)
{
	json_t *v = json_object_get(obj, key);

	return json_is_number(v) ? json_number_value(v) : dflt;
}

int jsonx_bool(const json_t *obj, const char *key, int dflt)
{
	json_t *v = json_object_get(obj, key);

	return json_is_boolean(v) ? json_is_true(v) : dflt;
}

json_t *jsonx_dig(const json_t *v, const char *dotted)
{
	char key[256];
	const char *dot;
	size_t n;

	while (v && *dotted) {
		dot = strchr(dotted, '.');
		n = dot ? (size_t)(dot - dotted) : strlen(dotted);
		if (n >= sizeof(key))
			return NULL;
		memcpy(key, dotted, n);
		key[n] = 0;
		v = json_object_get(v, key);
		dotted += n + (dot != NULL);
	}
	return (json_t *)v;
}

int jsonx_set_str(json_t *obj, const char *key, const char *s)
{
	if (!s)
		return 0;
	if (json_object_set_new(obj, key, json_string(s)) < 0)
		return err_set(ERR_NOMEM, "out of memory");
	return 0;
}
