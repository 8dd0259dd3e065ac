#include "os.h"

#include <string.h>

#include "core/err.h"
#include "core/strbuf.h"

static const char *const wanted[] = { "ID", "VERSION_ID", "VERSION_CODENAME", "NAME", "PRETTY_NAME", "ID_LIKE",
				      "VERSION", NULL };

static int unquote(struct strbuf *out, const char *v, size_t n)
{
	size_t i;
	char q = 0;

	if (n >= 2 && (v[0] == '"' || v[0] == '\'') && v[n - 1] == v[0]) {
		q = v[0];
		v++;
		n -= 2;
	}
	for (i = 0; i < n; i++) {
		if (q == '"' && v[i] == '\\' && i + 1 < n && strchr("\"\\`$", v[i + 1]))
			i++;
		if (strbuf_addch(out, v[i]) < 0)
			return ERR_NOMEM;
	}
	return 0;
}

int os_release_parse(const char *buf, size_t len, json_t **out)
{
	struct strbuf key = STRBUF_INIT, val = STRBUF_INIT;
	const char *p = buf, *end = buf + len, *nl, *eq;
	json_t *os = json_object();
	size_t i, k;
	int rc = 0;

	if (!os)
		return err_set(ERR_NOMEM, "out of memory");
	while (p < end) {
		nl = memchr(p, '\n', (size_t)(end - p));
		if (!nl)
			nl = end;
		while (p < nl && (*p == ' ' || *p == '\t'))
			p++;
		eq = memchr(p, '=', (size_t)(nl - p));
		if (eq && *p != '#') {
			size_t vlen = (size_t)(nl - eq - 1);

			while (vlen && (eq[vlen] == '\r' || eq[vlen] == ' '))
				vlen--;
			for (i = 0; wanted[i]; i++) {
				if (strlen(wanted[i]) != (size_t)(eq - p) || strncmp(wanted[i], p, (size_t)(eq - p)))
					continue;
				strbuf_reset(&key);
				strbuf_reset(&val);
				for (k = 0; wanted[i][k]; k++)
					strbuf_addch(&key, wanted[i][k] >= 'A' && wanted[i][k] <= 'Z' ? wanted[i][k] + 32 : wanted[i][k]);
				if ((rc = unquote(&val, eq + 1, vlen)) < 0)
					goto cleanup;
				json_object_set_new(os, key.buf, json_stringn(val.buf, val.len));
			}
		}
		p = nl + 1;
	}
	*out = os;
	os = NULL;
cleanup:
	json_decref(os);
	strbuf_release(&key);
	strbuf_release(&val);
	return rc;
}
