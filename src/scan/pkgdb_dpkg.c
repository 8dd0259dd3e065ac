#include "pkgdb_dpkg.h"

#include <string.h>
#include <strings.h>

#include "core/err.h"
#include "core/util.h"
#include "scan/pkgdb_text.h"

enum { F_PACKAGE, F_VERSION, F_ARCH, F_SOURCE, F_STATUS, F_COUNT };

static const char *const field_names[F_COUNT] = { "Package", "Version", "Architecture", "Source", "Status" };

struct stanza {
	struct strbuf v[F_COUNT];
	unsigned seen;     /* bit per kept field */
	size_t nfields;    /* fields of any kind so far */
	int last;          /* the field continuation lines belong to: F_* or -1 */
	size_t first_line; /* for messages about the whole stanza */
};

static void stanza_reset(struct stanza *st)
{
	int i;

	for (i = 0; i < F_COUNT; i++)
		strbuf_reset(&st->v[i]);
	st->seen = 0;
	st->nfields = 0;
	st->last = -1;
	st->first_line = 0;
}

/* A dpkg status.d file (distroless) rather than the status file. */
static int in_status_d(const char *path)
{
	const char *rel = pkgdb_path_rel(path), *s = rel;

	while ((s = strstr(s, "status.d/"))) {
		if (s == rel || s[-1] == '/')
			return 1;
		s++;
	}
	return 0;
}

static int is_blank(const char *line, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (line[i] != ' ' && line[i] != '\t')
			return 0;
	return 1;
}

/*
 * dpkg's notion of an installed package, from "want flag state".  The
 * trigger states come after configuration, so those packages are installed.
 */
static int status_installed(const struct strbuf *status, const char *path, size_t line, int *installed)
{
	const char *w[4], *p = status->buf;
	size_t wl[4], n = 0;

	while (*p) {
		while (*p == ' ' || *p == '\t')
			p++;
		if (!*p)
			break;
		if (n == 3)
			return err_set(ERR_PARSE, "%s:%zu: Status '%s' is not \"want flag state\"", path, line, status->buf);
		w[n] = p;
		while (*p && *p != ' ' && *p != '\t')
			p++;
		wl[n] = (size_t)(p - w[n]);
		n++;
	}
	if (n != 3)
		return err_set(ERR_PARSE, "%s:%zu: Status '%s' is not \"want flag state\"", path, line, status->buf);
	*installed = (wl[2] == 9 && !strncmp(w[2], "installed", 9)) ||
		     (wl[2] == 16 && !strncmp(w[2], "triggers-pending", 16)) ||
		     (wl[2] == 16 && !strncmp(w[2], "triggers-awaited", 16));
	return 0;
}

/* "name" or "name (version)" into name and version (version left empty when absent). */
static int source_split(const struct strbuf *src, struct strbuf *name, struct strbuf *version, const char *path,
			size_t line)
{
	const char *s = src->buf, *e;
	size_t n = strcspn(s, " \t(");
	int rc;

	if (n == 0)
		goto bad;
	if ((rc = strbuf_add(name, s, n)) < 0)
		return rc;
	s += n;
	while (*s == ' ' || *s == '\t')
		s++;
	if (!*s)
		return 0;
	e = s + strlen(s);
	if (*s != '(' || e[-1] != ')' || e - s < 3)
		goto bad;
	s++;
	e--;
	while (s < e && (*s == ' ' || *s == '\t'))
		s++;
	while (e > s && (e[-1] == ' ' || e[-1] == '\t'))
		e--;
	if (s == e || memchr(s, '(', (size_t)(e - s)) || memchr(s, ')', (size_t)(e - s)) ||
	    memchr(s, ' ', (size_t)(e - s)))
		goto bad;
	return strbuf_add(version, s, (size_t)(e - s));
bad:
	return err_set(ERR_PARSE, "%s:%zu: Source '%s' is not \"name\" or \"name (version)\"", path, line, src->buf);
}

/* The stanza just read becomes a package when it describes an installed one. */
static int stanza_finish(struct pkg_list *pkgs, struct stanza *st, const char *path, int statusd)
{
	struct strbuf sname = STRBUF_INIT, sversion = STRBUF_INIT;
	struct pkg p;
	int installed = statusd, rc = 0;

	if (!st->v[F_PACKAGE].len || !st->v[F_VERSION].len)
		goto cleanup;
	if ((st->seen & (1u << F_STATUS)) &&
	    (rc = status_installed(&st->v[F_STATUS], path, st->first_line, &installed)) < 0)
		goto cleanup;
	if (!installed)
		goto cleanup;
	if (st->v[F_SOURCE].len && (rc = source_split(&st->v[F_SOURCE], &sname, &sversion, path, st->first_line)) < 0)
		goto cleanup;
	memset(&p, 0, sizeof(p));
	p.type = PKG_DEB;
	p.name = st->v[F_PACKAGE].buf;
	p.version = st->v[F_VERSION].buf;
	p.arch = st->v[F_ARCH].len ? st->v[F_ARCH].buf : NULL;
	p.source_name = sname.len ? sname.buf : p.name;
	p.source_version = sversion.len ? sversion.buf : p.version;
	p.path = (char *)path;
	rc = pkgdb_add(pkgs, &p, path);
cleanup:
	strbuf_release(&sname);
	strbuf_release(&sversion);
	stanza_reset(st);
	return rc;
}

/* One "Field: value" line. */
static int field_line(struct stanza *st, const char *line, size_t n, const char *path, size_t lineno)
{
	const char *colon = memchr(line, ':', n);
	size_t klen, i;
	int f;

	if (!colon)
		return err_set(ERR_PARSE, "%s:%zu: expected \"Field: value\" (a truncated stanza?)", path, lineno);
	klen = (size_t)(colon - line);
	for (i = 0; i < klen; i++)
		if ((unsigned char)line[i] <= 0x20 || (unsigned char)line[i] >= 0x7f)
			break;
	if (klen == 0 || i < klen)
		return err_set(ERR_PARSE, "%s:%zu: expected \"Field: value\", not a field name with blanks or bytes "
					  "outside ASCII",
			       path, lineno);
	if (st->nfields++ == 0)
		st->first_line = lineno;
	st->last = -1;
	for (f = 0; f < F_COUNT; f++)
		if (strlen(field_names[f]) == klen && !strncasecmp(field_names[f], line, klen))
			break;
	if (f == F_COUNT)
		return 0;
	if (st->seen & (1u << f))
		return err_set(ERR_PARSE, "%s:%zu: a second %s field in one stanza", path, lineno, field_names[f]);
	st->seen |= 1u << f;
	st->last = f;
	return pkgdb_value_set(&st->v[f], colon + 1, (size_t)(line + n - colon - 1), path, lineno, field_names[f]);
}

int pkgdb_dpkg(struct pkg_list *out, const char *path, const char *buf, size_t len)
{
	struct pkg_list pkgs = { NULL, 0, 0 };
	struct pkgdb_lines it;
	struct stanza st;
	const char *line;
	size_t n;
	int statusd = in_status_d(path), i, rc = 0;

	memset(&st, 0, sizeof(st));
	for (i = 0; i < F_COUNT; i++)
		strbuf_init(&st.v[i], PKGDB_MAX_FIELD + 1);
	stanza_reset(&st);
	pkgdb_lines_init(&it, buf, len);
	while (pkgdb_lines_next(&it, &line, &n)) {
		if (is_blank(line, n)) {
			if (st.nfields && (rc = stanza_finish(&pkgs, &st, path, statusd)) < 0)
				goto cleanup;
		} else if (line[0] == ' ' || line[0] == '\t') {
			/* Multi-line values (Description, Conffiles) are not kept; the kept ones are single-line. */
			if (!st.nfields) {
				rc = err_set(ERR_PARSE, "%s:%zu: a continuation line without a field before it", path,
					     it.lineno);
				goto cleanup;
			}
			if (st.last >= 0) {
				rc = err_set(ERR_PARSE, "%s:%zu: the %s field continues on a second line", path, it.lineno,
					     field_names[st.last]);
				goto cleanup;
			}
		} else if ((rc = field_line(&st, line, n, path, it.lineno)) < 0) {
			goto cleanup;
		}
	}
	if (st.nfields && (rc = stanza_finish(&pkgs, &st, path, statusd)) < 0)
		goto cleanup;
	rc = (int)pkgs.n;
	if (pkg_list_take(out, &pkgs) < 0)
		rc = ERR_NOMEM;
cleanup:
	pkg_list_release(&pkgs);
	for (i = 0; i < F_COUNT; i++)
		strbuf_release(&st.v[i]);
	return rc;
}

int pkgdb_dpkg_is_db_path(const char *path)
{
	const char *rel = pkgdb_path_rel(path), *name;

	if (!strcmp(rel, "var/lib/dpkg/status"))
		return 1;
	if (!util_has_prefix(rel, "var/lib/dpkg/status.d/"))
		return 0;
	name = rel + strlen("var/lib/dpkg/status.d/");
	return name[0] && name[0] != '.' && !strchr(name, '/') && !util_has_suffix(name, ".md5sums");
}
