#include "pkgdb_python.h"

#include <string.h>
#include <strings.h>

#include "core/err.h"
#include "core/util.h"
#include "scan/pkgdb_text.h"

/* A License value longer than this is a license text, not a license's name. */
#define LICENSE_NAME_MAX 256

enum { H_NAME, H_VERSION, H_LICENSE_EXPR, H_LICENSE, H_CLASSIFIER, H_LICENSE_FILE, H_COUNT };

static const char *const header_names[H_COUNT] = { "Name", "Version", "License-Expression", "License", "Classifier",
						   "License-File" };

struct meta {
	struct strbuf name, version, expr, license, classifiers, license_file, tmp;
	unsigned seen;
	int license_text; /* License is a whole text: several lines or too long */
	int cur;          /* header that continuation lines belong to: H_* or -1 */
};

static int header_index(const char *key, size_t klen)
{
	int h;

	for (h = 0; h < H_COUNT; h++)
		if (strlen(header_names[h]) == klen && !strncasecmp(header_names[h], key, klen))
			return h;
	return -1;
}

/* "License :: OSI Approved :: MIT License" adds "MIT License" to the list. */
static int add_classifier(struct meta *m, const char *path, size_t lineno)
{
	const char *c = m->tmp.buf, *last, *s;
	size_t n;
	int rc;

	if (!util_has_prefix(c, "License ::"))
		return 0;
	last = c + strlen("License ::");
	while ((s = strstr(last, "::")))
		last = s + 2;
	while (*last == ' ' || *last == '\t')
		last++;
	n = strlen(last);
	if (!n)
		return 0;
	/* The same license twice in the list says nothing more. */
	for (s = m->classifiers.buf; (s = strstr(s, last)); s++)
		if ((s == m->classifiers.buf || s[-1] == ' ') && (s[n] == ',' || s[n] == 0))
			return 0;
	if (m->classifiers.len + n + 2 > PKGDB_MAX_FIELD)
		return err_set(ERR_PARSE, "%s:%zu: the License classifiers add up to more than %d bytes", path, lineno,
			       PKGDB_MAX_FIELD);
	if (m->classifiers.len && (rc = strbuf_addstr(&m->classifiers, ", ")) < 0)
		return rc;
	return strbuf_add(&m->classifiers, last, n);
}

static int header_line(struct meta *m, const char *line, size_t n, const char *path, size_t lineno)
{
	const char *colon = memchr(line, ':', n), *v;
	size_t klen, vlen, i;
	int h;

	if (!colon)
		return err_set(ERR_PARSE, "%s:%zu: expected a \"Key: value\" header", path, lineno);
	klen = (size_t)(colon - line);
	for (i = 0; i < klen; i++)
		if ((unsigned char)line[i] <= 0x20 || (unsigned char)line[i] >= 0x7f)
			break;
	if (klen == 0 || i < klen)
		return err_set(ERR_PARSE, "%s:%zu: expected a \"Key: value\" header, not a key with blanks or bytes "
					  "outside ASCII",
			       path, lineno);
	m->cur = h = header_index(line, klen);
	if (h < 0)
		return 0;
	v = colon + 1;
	vlen = (size_t)(line + n - v);
	switch (h) {
	case H_NAME:
	case H_VERSION:
	case H_LICENSE_EXPR:
		if (m->seen & (1u << h))
			return err_set(ERR_PARSE, "%s:%zu: a second %s header", path, lineno, header_names[h]);
		m->seen |= 1u << h;
		return pkgdb_value_set(h == H_NAME ? &m->name : h == H_VERSION ? &m->version : &m->expr, v, vlen, path,
				       lineno, header_names[h]);
	case H_LICENSE:
		if (m->seen & (1u << h))
			return err_set(ERR_PARSE, "%s:%zu: a second %s header", path, lineno, header_names[h]);
		m->seen |= 1u << h;
		if (vlen > LICENSE_NAME_MAX) {
			m->license_text = 1;
			return 0;
		}
		return pkgdb_value_set(&m->license, v, vlen, path, lineno, header_names[h]);
	case H_CLASSIFIER: {
		int rc = pkgdb_value_set(&m->tmp, v, vlen, path, lineno, header_names[h]);

		return rc < 0 ? rc : add_classifier(m, path, lineno);
	}
	case H_LICENSE_FILE:
		if (m->license_file.len)
			return 0;
		return pkgdb_value_set(&m->license_file, v, vlen, path, lineno, header_names[h]);
	}
	return 0;
}

int pkgdb_python_metadata(struct pkg_list *out, const char *path, const char *buf, size_t len)
{
	struct meta m;
	struct strbuf *bufs[] = { &m.name, &m.version, &m.expr, &m.license, &m.classifiers, &m.license_file, &m.tmp };
	struct strbuf lic = STRBUF_INIT;
	struct pkg_list pkgs = { NULL, 0, 0 };
	struct pkgdb_lines it;
	struct pkg p;
	const char *line;
	size_t n, i, nheaders = 0;
	int rc = 0;

	memset(&m, 0, sizeof(m));
	for (i = 0; i < ARRAY_SIZE(bufs); i++)
		strbuf_init(bufs[i], PKGDB_MAX_FIELD + 1);
	strbuf_init(&lic, PKGDB_MAX_FIELD + 16);
	m.cur = -1;
	pkgdb_lines_init(&it, buf, len);
	while (pkgdb_lines_next(&it, &line, &n)) {
		if (n == 0)
			break;
		if (line[0] == ' ' || line[0] == '\t') {
			if (!nheaders) {
				rc = err_set(ERR_PARSE, "%s:%zu: a continuation line before any header", path, it.lineno);
				goto cleanup;
			}
			if (m.cur == H_NAME || m.cur == H_VERSION) {
				rc = err_set(ERR_PARSE, "%s:%zu: the %s header continues on a second line", path, it.lineno,
					     header_names[m.cur]);
				goto cleanup;
			}
			if (m.cur == H_LICENSE)
				m.license_text = 1;
			continue;
		}
		nheaders++;
		if ((rc = header_line(&m, line, n, path, it.lineno)) < 0)
			goto cleanup;
	}
	if (!m.name.len || !m.version.len) {
		rc = err_set(ERR_PARSE, "%s: no %s header (a truncated file?)", path, m.name.len ? "Version" : "Name");
		goto cleanup;
	}
	if (m.expr.len)
		rc = strbuf_addstr(&lic, m.expr.buf);
	else if (m.license.len && !m.license_text && strcasecmp(m.license.buf, "UNKNOWN"))
		rc = strbuf_addstr(&lic, m.license.buf);
	else if (m.classifiers.len)
		rc = strbuf_addstr(&lic, m.classifiers.buf);
	else if (m.license_file.len)
		rc = strbuf_addf(&lic, "file://%s", m.license_file.buf);
	if (rc < 0)
		goto cleanup;
	memset(&p, 0, sizeof(p));
	p.type = PKG_PYPI;
	p.name = m.name.buf;
	p.version = m.version.buf;
	p.license = lic.len ? lic.buf : NULL;
	p.path = (char *)path;
	if ((rc = pkgdb_add(&pkgs, &p, path)) < 0)
		goto cleanup;
	rc = (int)pkgs.n;
	if (pkg_list_take(out, &pkgs) < 0)
		rc = ERR_NOMEM;
cleanup:
	pkg_list_release(&pkgs);
	for (i = 0; i < ARRAY_SIZE(bufs); i++)
		strbuf_release(bufs[i]);
	strbuf_release(&lic);
	return rc;
}

/* Some folder of path before its last component(s) is site-packages or dist-packages. */
static int below_site_packages(const char *rel, size_t upto)
{
	static const char *const dirs[] = { "site-packages/", "dist-packages/" };
	size_t d, dl;
	const char *s;

	for (d = 0; d < 2; d++) {
		dl = strlen(dirs[d]);
		for (s = rel; (s = strstr(s, dirs[d])) && (size_t)(s - rel) + dl <= upto; s++)
			if (s == rel || s[-1] == '/')
				return 1;
	}
	return 0;
}

int pkgdb_python_is_metadata_path(const char *path)
{
	static const char *const tails[] = { ".dist-info/METADATA", ".egg-info/PKG-INFO", ".egg/EGG-INFO/PKG-INFO",
					     ".egg-info" };
	const char *rel = pkgdb_path_rel(path), *base;
	size_t i, tl, rl = strlen(rel), start;

	for (i = 0; i < ARRAY_SIZE(tails); i++) {
		tl = strlen(tails[i]);
		if (rl <= tl || strcmp(rel + rl - tl, tails[i]))
			continue;
		/* The folder (or file) holding the metadata must have a name before its suffix. */
		start = rl - tl;
		if (rel[start - 1] == '/')
			continue;
		base = rel + start;
		while (base > rel && base[-1] != '/')
			base--;
		return below_site_packages(rel, (size_t)(base - rel));
	}
	return 0;
}
