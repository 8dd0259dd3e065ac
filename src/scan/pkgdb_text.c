#include "pkgdb_text.h"

#include <stdio.h>
#include <string.h>

#include "core/err.h"

void pkgdb_lines_init(struct pkgdb_lines *it, const char *buf, size_t len)
{
	it->p = buf;
	it->end = buf + len;
	it->lineno = 0;
}

int pkgdb_lines_next(struct pkgdb_lines *it, const char **line, size_t *len)
{
	const char *nl;
	size_t n;

	if (it->p >= it->end)
		return 0;
	nl = memchr(it->p, '\n', (size_t)(it->end - it->p));
	n = nl ? (size_t)(nl - it->p) : (size_t)(it->end - it->p);
	*line = it->p;
	if (n && it->p[n - 1] == '\r')
		n--;
	*len = n;
	it->p = nl ? nl + 1 : it->end;
	it->lineno++;
	return 1;
}

int pkgdb_utf8_valid(const char *s, size_t n)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0, k, more;
	unsigned long cp, min;

	while (i < n) {
		unsigned char c = u[i];

		if (c == 0)
			return 0;
		if (c < 0x80) {
			i++;
			continue;
		}
		if (c >= 0xc2 && c <= 0xdf) {
			more = 1;
			cp = c & 0x1f;
			min = 0x80;
		} else if (c >= 0xe0 && c <= 0xef) {
			more = 2;
			cp = c & 0x0f;
			min = 0x800;
		} else if (c >= 0xf0 && c <= 0xf4) {
			more = 3;
			cp = c & 0x07;
			min = 0x10000;
		} else {
			return 0;
		}
		if (n - i <= more)
			return 0;
		for (k = 1; k <= more; k++) {
			if ((u[i + k] & 0xc0) != 0x80)
				return 0;
			cp = (cp << 6) | (u[i + k] & 0x3f);
		}
		if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
			return 0;
		i += more + 1;
	}
	return 1;
}

int pkgdb_value_set(struct strbuf *out, const char *v, size_t n, const char *path, size_t lineno,
		    const char *field)
{
	char where[32] = "";

	while (n && (*v == ' ' || *v == '\t')) {
		v++;
		n--;
	}
	while (n && (v[n - 1] == ' ' || v[n - 1] == '\t'))
		n--;
	if (lineno)
		snprintf(where, sizeof(where), ":%zu", lineno);
	if (n > PKGDB_MAX_FIELD)
		return err_set(ERR_PARSE, "%s%s: %s is %zu bytes long, more than the %d allowed", path, where, field, n,
			       PKGDB_MAX_FIELD);
	if (!pkgdb_utf8_valid(v, n))
		return err_set(ERR_PARSE, "%s%s: %s is not valid UTF-8 text", path, where, field);
	strbuf_reset(out);
	return strbuf_add(out, v, n);
}

int pkgdb_add(struct pkg_list *list, const struct pkg *p, const char *path)
{
	if (list->n >= PKGDB_MAX_PKGS)
		return err_set(ERR_LIMIT, "%s: more than %d packages", path, PKGDB_MAX_PKGS);
	return pkg_list_add(list, p);
}

const char *pkgdb_path_rel(const char *path)
{
	for (;;) {
		if (path[0] == '/')
			path++;
		else if (path[0] == '.' && path[1] == '/')
			path += 2;
		else
			return path;
	}
}

const char *pkgdb_path_base(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash ? slash + 1 : path;
}
