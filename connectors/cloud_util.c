/* Helpers the Azure and Google Cloud normalisers share (cloud_norm.h). */
#include <string.h>

#include "cloud_norm.h"
#include "core/err.h"
#include "core/jsonx.h"
#include "core/strbuf.h"

#define CLOUD_MAX_STRING 4096

const char *cloud_last_segment(const char *s)
{
	const char *p = s ? strrchr(s, '/') : NULL;

	return p ? p + 1 : s ? s : "";
}

json_t *cloud_str(const json_t *obj, const char *key)
{
	const json_t *v = json_object_get(obj, key);

	if (json_is_string(v) && json_string_length(v) > CLOUD_MAX_STRING)
		return json_stringn(json_string_value(v), CLOUD_MAX_STRING);
	if (json_is_string(v) || json_is_boolean(v) || json_is_number(v))
		return json_deep_copy(v);
	return json_null();
}

/* One JSON document, a list, or documents one after the other (newline-delimited JSON). */
int cloud_parse_multi(const char *buf, size_t len, const char *name, json_t **out)
{
	json_t *all = json_array(), *v;
	json_error_t e;
	size_t off = 0;
	int rc = 0;

	*out = NULL;
	if (!all)
		return err_set(ERR_NOMEM, "out of memory");
	while (off < len) {
		while (off < len && strchr(" \t\r\n", buf[off]) && buf[off])
			off++;
		if (off >= len)
			break;
		v = json_loadb(buf + off, len - off, JSON_DISABLE_EOF_CHECK | JSON_REJECT_DUPLICATES, &e);
		if (!v) {
			/* jansson counts from where this document began: count the lines before it. */
			size_t i, line = 0, col0 = 0;

			for (i = 0; i < off; i++)
				if (buf[i] == '\n')
					line++, col0 = i + 1;
			rc = err_set(ERR_PARSE, "%s:%zu:%zu: %s", name, line + (size_t)(e.line > 0 ? e.line : 1),
				     (size_t)(e.column > 0 ? e.column : 0) + (e.line <= 1 ? off - col0 : 0), e.text);
			goto cleanup;
		}
		off += e.position;
		if (json_array_size(all) == 0 && off >= len) {
			/* A single document: a list stays the list, an object becomes one element. */
			if (json_is_array(v)) {
				json_decref(all);
				all = v;
			} else {
				json_array_append_new(all, v);
			}
			break;
		}
		if (json_array_append_new(all, v) < 0) {
			rc = err_set(ERR_NOMEM, "out of memory");
			goto cleanup;
		}
		if (json_array_size(all) > CLOUD_MAX_RECORDS) {
			rc = err_set(ERR_LIMIT, "%s: more than %d JSON documents", name, CLOUD_MAX_RECORDS);
			goto cleanup;
		}
	}
	*out = all;
	all = NULL;
cleanup:
	json_decref(all);
	return rc;
}
