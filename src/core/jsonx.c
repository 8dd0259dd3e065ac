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

/* Length of the UTF-8 sequence at s (at most n bytes), 0 when it is not valid. */
static size_t utf8_seq(const unsigned char *s, size_t n)
{
	size_t len, k;
	unsigned cp;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		len = 2, cp = s[0] & 0x1f;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		len = 3, cp = s[0] & 0x0f;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		len = 4, cp = s[0] & 0x07;
	else
		return 0;
	if (n < len)
		return 0;
	for (k = 1; k < len; k++) {
		if ((s[k] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[k] & 0x3f);
	}
	if ((len == 3 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) || (len == 4 && (cp < 0x10000 || cp > 0x10ffff)))
		return 0;
	return len;
}

/* A JSON string of s with every byte that is not part of valid UTF-8 replaced by '?'. */
json_t *jsonx_string_lossy(const char *s)
{
	struct strbuf sb = STRBUF_INIT;
	const unsigned char *p = (const unsigned char *)s;
	size_t n = strlen(s), i = 0, k;
	json_t *j = NULL;

	while (i < n) {
		k = utf8_seq(p + i, n - i);
		if (strbuf_add(&sb, k ? (const char *)p + i : "?", k ? k : 1) < 0)
			goto cleanup;
		i += k ? k : 1;
	}
	j = json_stringn(sb.buf, sb.len);
cleanup:
	strbuf_release(&sb);
	return j;
}
