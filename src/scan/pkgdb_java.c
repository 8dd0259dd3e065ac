#include "pkgdb_java.h"

#include <archive.h>
#include <archive_entry.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/err.h"
#include "core/strbuf.h"
#include "core/util.h"

/* One walk from a top archive: the shared budgets. */
struct walk {
	struct pkg_list pkgs;
	size_t budget; /* bytes that may still be inflated */
	size_t entries;
};

int pkgdb_java_is_archive_path(const char *path)
{
	static const char *const ext[] = { ".jar", ".war", ".ear", ".par" };
	size_t n = path ? strlen(path) : 0, i;

	for (i = 0; i < ARRAY_SIZE(ext); i++)
		if (n > 4 && !strcasecmp(path + n - 4, ext[i]))
			return 1;
	return 0;
}

/* Length of the UTF-8 sequence at p (at most n bytes), or 0 when invalid. */
static size_t utf8_len(const unsigned char *p, size_t n)
{
	unsigned cp, need, k;

	if (p[0] < 0x80)
		return 1;
	if (p[0] >= 0xc2 && p[0] <= 0xdf)
		need = 1, cp = p[0] & 0x1f;
	else if (p[0] >= 0xe0 && p[0] <= 0xef)
		need = 2, cp = p[0] & 0x0f;
	else if (p[0] >= 0xf0 && p[0] <= 0xf4)
		need = 3, cp = p[0] & 0x07;
	else
		return 0;
	if (n <= need)
		return 0;
	for (k = 1; k <= need; k++) {
		if ((p[k] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (p[k] & 0x3f);
	}
	if ((need == 2 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) || (need == 3 && (cp < 0x10000 || cp > 0x10ffff)))
		return 0;
	return need + 1;
}

/* Valid UTF-8 without control characters. */
static int text_ok(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = strlen(s), i = 0, k;

	while (i < n) {
		if (p[i] < 0x20 || p[i] == 0x7f || !(k = utf8_len(p + i, n - i)))
			return 0;
		i += k;
	}
	return 1;
}

/* A member name fit for pkg.path: invalid bytes and control characters become '?'. */
static int add_clean(struct strbuf *sb, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = strlen(s), i = 0, k;
	int rc = 0;

	while (i < n && rc == 0) {
		if (p[i] < 0x20 || p[i] == 0x7f || !(k = utf8_len(p + i, n - i))) {
			rc = strbuf_addch(sb, '?');
			i++;
		} else {
			rc = strbuf_add(sb, p + i, k);
			i += k;
		}
	}
	return rc;
}

/* 1 when added, 0 when skipped for want of valid coordinates. */
static int add_pkg(struct walk *w, const char *path, const char *ns, const char *name, const char *version)
{
	struct pkg p;

	if (!name || !*name || !version || !*version || !text_ok(name) || !text_ok(version) || (ns && !text_ok(ns)))
		return 0;
	if (w->pkgs.n >= JAVA_PKGS_MAX)
		return err_set(ERR_LIMIT, "%s: more than %d Java packages", path, JAVA_PKGS_MAX);
	memset(&p, 0, sizeof(p));
	p.type = PKG_MAVEN;
	p.namespace_ = ns && *ns ? (char *)ns : NULL;
	p.name = (char *)name;
	p.version = (char *)version;
	p.path = (char *)path;
	return pkg_list_add(&w->pkgs, &p) < 0 ? ERR_NOMEM : 1;
}

/* Append s[0..n) to sb with Java properties escapes undone (\uXXXX as UTF-8). */
static int unescape_props(struct strbuf *sb, const char *s, size_t n)
{
	size_t i;
	int rc = 0;

	for (i = 0; i < n && rc == 0; i++) {
		unsigned cp = 0, k;

		if (s[i] != '\\' || i + 1 == n) {
			rc = strbuf_addch(sb, s[i]);
			continue;
		}
		i++;
		if (s[i] != 'u') {
			rc = strbuf_addch(sb, s[i] == 't' ? '\t' : s[i] == 'n' ? '\n' : s[i] == 'r' ? '\r' : s[i] == 'f' ? '\f' : s[i]);
			continue;
		}
		for (k = 0; k < 4 && i + 1 < n; k++) {
			char c = s[++i];

			if (c >= '0' && c <= '9')
				cp = cp << 4 | (unsigned)(c - '0');
			else if ((c | 0x20) >= 'a' && (c | 0x20) <= 'f')
				cp = cp << 4 | (unsigned)((c | 0x20) - 'a' + 10);
			else
				return strbuf_addch(sb, 0x01); /* a malformed escape spoils the value (text_ok refuses it) */
		}
		if (k < 4 || (cp >= 0xd800 && cp <= 0xdfff))
			rc = strbuf_addch(sb, 0x01);
		else if (cp < 0x80)
			rc = strbuf_addch(sb, (int)cp);
		else if (cp < 0x800)
			rc = strbuf_addf(sb, "%c%c", 0xc0 | (cp >> 6), 0x80 | (cp & 0x3f));
		else
			rc = strbuf_addf(sb, "%c%c%c", 0xe0 | (cp >> 12), 0x80 | ((cp >> 6) & 0x3f), 0x80 | (cp & 0x3f));
	}
	return rc;
}

/* pom.properties (java.util.Properties syntax, one logical line per line); 1 when it gave a package. */
static int parse_pom_properties(struct walk *w, const char *path, const char *s, size_t n)
{
	struct strbuf g = STRBUF_INIT, a = STRBUF_INIT, v = STRBUF_INIT, key = STRBUF_INIT;
	const char *end = s + n;
	int rc = 0;

	while (s < end && rc == 0) {
		const char *nl = memchr(s, '\n', (size_t)(end - s)), *le = nl ? nl : end, *k, *ke, *val;
		struct strbuf *dst = NULL;

		while (s < le && (*s == ' ' || *s == '\t' || *s == '\f'))
			s++;
		while (le > s && (le[-1] == '\r' || le[-1] == ' ' || le[-1] == '\t'))
			le--;
		if (s < le && *s != '#' && *s != '!') {
			for (k = ke = s; ke < le && *ke != '=' && *ke != ':' && *ke != ' ' && *ke != '\t'; ke++)
				if (*ke == '\\' && ke + 1 < le)
					ke++;
			val = ke;
			while (val < le && (*val == ' ' || *val == '\t'))
				val++;
			if (val < le && (*val == '=' || *val == ':'))
				val++;
			while (val < le && (*val == ' ' || *val == '\t'))
				val++;
			strbuf_reset(&key);
			if ((rc = unescape_props(&key, k, (size_t)(ke - k))) < 0)
				break;
			if (!strcmp(key.buf, "groupId"))
				dst = &g;
			else if (!strcmp(key.buf, "artifactId"))
				dst = &a;
			else if (!strcmp(key.buf, "version"))
				dst = &v;
			if (dst) {
				strbuf_reset(dst);
				rc = unescape_props(dst, val, (size_t)(le - val));
			}
		}
		s = nl ? nl + 1 : end;
	}
	if (rc == 0)
		rc = add_pkg(w, path, g.buf, a.buf, v.buf);
	strbuf_release(&g);
	strbuf_release(&a);
	strbuf_release(&v);
	strbuf_release(&key);
	return rc;
}

/* The value of header name in the main section of a manifest, continuation lines joined. */
static int manifest_get(struct strbuf *out, const char *s, size_t n, const char *name)
{
	size_t nlen = strlen(name);
	const char *end = s + n;
	int in = 0, rc = 0;

	strbuf_reset(out);
	while (s < end && rc == 0) {
		const char *le = s;
		const char *next;

		while (le < end && *le != '\n' && *le != '\r')
			le++;
		next = le < end && *le == '\r' && le + 1 < end && le[1] == '\n' ? le + 2 : le < end ? le + 1 : end;
		if (le == s)
			break; /* a blank line ends the main section */
		if (*s == ' ') {
			if (in)
				rc = strbuf_add(out, s + 1, (size_t)(le - s - 1));
		} else {
			if (in)
				break;
			if ((size_t)(le - s) > nlen && s[nlen] == ':' && !strncasecmp(s, name, nlen)) {
				const char *v = s + nlen + 1;

				while (v < le && *v == ' ')
					v++;
				in = 1;
				rc = strbuf_add(out, v, (size_t)(le - v));
			}
		}
		s = next;
	}
	strbuf_rtrim(out);
	return rc;
}

static int parse_manifest(struct walk *w, const char *path, const char *s, size_t n)
{
	static const char *const fam[3][3] = {
		{ "Implementation-Title", "Implementation-Version", "Implementation-Vendor-Id" },
		{ "Bundle-SymbolicName", "Bundle-Version", NULL },
		{ "Specification-Title", "Specification-Version", NULL },
	};
	struct strbuf t = STRBUF_INIT, v = STRBUF_INIT, ns = STRBUF_INIT;
	int i, rc = 0;

	for (i = 0; i < 3 && rc == 0; i++) {
		if ((rc = manifest_get(&t, s, n, fam[i][0])) < 0 || (rc = manifest_get(&v, s, n, fam[i][1])) < 0)
			break;
		if (i == 1 && strchr(t.buf, ';'))
			strbuf_setlen(&t, (size_t)(strchr(t.buf, ';') - t.buf));
		strbuf_rtrim(&t);
		if (!t.len || !v.len)
			continue;
		if (fam[i][2] && (rc = manifest_get(&ns, s, n, fam[i][2])) < 0)
			break;
		rc = add_pkg(w, path, ns.len ? ns.buf : NULL, t.buf, v.buf);
		break;
	}
	strbuf_release(&t);
	strbuf_release(&v);
	strbuf_release(&ns);
	return rc;
}

/* Inflate the current member into out, within max and what is left of the walk's budget. */
static int read_member(struct walk *w, struct archive *a, struct archive_entry *e, const char *where, size_t max,
		       struct strbuf *out)
{
	size_t lim = max < w->budget ? max : w->budget;
	char tmp[65536];
	la_ssize_t n;

	if (archive_entry_size_is_set(e) && (archive_entry_size(e) < 0 || (uint64_t)archive_entry_size(e) > lim))
		return err_set(ERR_LIMIT, "%s: member of %lld bytes, over the %zu bytes left to inflate (zip bomb?)", where,
			       (long long)archive_entry_size(e), lim);
	strbuf_init(out, lim ? lim : 1);
	while ((n = archive_read_data(a, tmp, sizeof(tmp))) > 0) {
		if ((size_t)n > lim - out->len)
			return err_set(ERR_LIMIT, "%s: inflates past the %zu bytes left (zip bomb?)", where, lim);
		if (strbuf_add(out, tmp, (size_t)n) < 0)
			return ERR_NOMEM;
	}
	if (n < 0)
		return err_set(ERR_PARSE, "%s: %s", where, archive_error_string(a) ? archive_error_string(a) : "read error");
	w->budget -= out->len;
	return 0;
}

static int is_pom_properties(const char *name)
{
	return util_has_prefix(name, "META-INF/maven/") && util_has_suffix(name, "/pom.properties");
}

/*
 * Before inflating anything, add up the sizes that the members to be read
 * declare: a bomb whose members say what they hold is refused at once; one
 * whose members lie is stopped by read_member() as it inflates.
 */
static int precheck(struct walk *w, const char *path, const char *buf, size_t len)
{
	struct archive *a = archive_read_new();
	struct archive_entry *e;
	uint64_t sum = 0;
	size_t n = 0;
	int r, rc = 0;

	if (!a)
		return err_set(ERR_NOMEM, "out of memory");
	if (archive_read_support_format_zip(a) != ARCHIVE_OK || archive_read_open_memory(a, buf, len) != ARCHIVE_OK) {
		rc = err_set(ERR_PARSE, "%s: not a readable zip archive: %s", path,
			     archive_error_string(a) ? archive_error_string(a) : "unknown format");
		goto cleanup;
	}
	while ((r = archive_read_next_header(a, &e)) == ARCHIVE_OK || r == ARCHIVE_WARN) {
		const char *name = archive_entry_pathname(e);
		int64_t size = archive_entry_size_is_set(e) ? archive_entry_size(e) : 0;

		if (!name)
			name = archive_entry_pathname_utf8(e);
		if (++n + w->entries > JAVA_ENTRIES_MAX) {
			rc = err_set(ERR_LIMIT, "%s: more than %d archive members", path, JAVA_ENTRIES_MAX);
			goto cleanup;
		}
		if (!name || archive_entry_filetype(e) != AE_IFREG || size <= 0 ||
		    !(is_pom_properties(name) || !strcasecmp(name, "META-INF/MANIFEST.MF") || pkgdb_java_is_archive_path(name)))
			continue;
		sum += (uint64_t)size;
		if (sum > w->budget) {
			rc = err_set(ERR_LIMIT, "%s: members declare more than the %zu bytes left to inflate (zip bomb?)",
				     path, w->budget);
			goto cleanup;
		}
	}
	/* A broken archive is reported by the pass that reads it, with the member it broke at. */
cleanup:
	archive_read_free(a);
	return rc;
}

static int walk_archive(struct walk *w, const char *path, const char *buf, size_t len, int depth)
{
	struct archive *a = archive_read_new();
	struct archive_entry *e;
	struct strbuf manifest = STRBUF_INIT, data = STRBUF_INIT, where = STRBUF_INIT;
	int r, rc = 0, have_pom = 0;

	if (!a)
		return err_set(ERR_NOMEM, "out of memory");
	if ((rc = precheck(w, path, buf, len)) < 0)
		goto cleanup;
	if (archive_read_support_format_zip(a) != ARCHIVE_OK || archive_read_open_memory(a, buf, len) != ARCHIVE_OK) {
		rc = err_set(ERR_PARSE, "%s: not a readable zip archive: %s", path,
			     archive_error_string(a) ? archive_error_string(a) : "unknown format");
		goto cleanup;
	}
	while ((r = archive_read_next_header(a, &e)) == ARCHIVE_OK || r == ARCHIVE_WARN) {
		const char *name = archive_entry_pathname(e);

		if (!name)
			name = archive_entry_pathname_utf8(e);
		if (++w->entries > JAVA_ENTRIES_MAX) {
			rc = err_set(ERR_LIMIT, "%s: more than %d archive members", path, JAVA_ENTRIES_MAX);
			goto cleanup;
		}
		if (!name || archive_entry_filetype(e) != AE_IFREG)
			continue;
		strbuf_reset(&where);
		if ((rc = strbuf_addf(&where, "%s!", path)) < 0 || (rc = add_clean(&where, name)) < 0)
			goto cleanup;
		strbuf_release(&data);
		if (is_pom_properties(name)) {
			if ((rc = read_member(w, a, e, where.buf, JAVA_META_MAX, &data)) < 0 ||
			    (rc = parse_pom_properties(w, path, data.buf, data.len)) < 0)
				goto cleanup;
			have_pom |= rc;
			rc = 0;
		} else if (!strcasecmp(name, "META-INF/MANIFEST.MF")) {
			strbuf_release(&manifest);
			if ((rc = read_member(w, a, e, where.buf, JAVA_META_MAX, &manifest)) < 0)
				goto cleanup;
		} else if (pkgdb_java_is_archive_path(name)) {
			if (depth >= JAVA_DEPTH_MAX) {
				rc = err_set(ERR_LIMIT, "%s: archives nested deeper than %d", where.buf, JAVA_DEPTH_MAX);
				goto cleanup;
			}
			if ((rc = read_member(w, a, e, where.buf, JAVA_ENTRY_MAX, &data)) < 0 ||
			    (rc = walk_archive(w, where.buf, data.buf, data.len, depth + 1)) < 0)
				goto cleanup;
		}
	}
	if (r != ARCHIVE_EOF) {
		rc = err_set(ERR_PARSE, "%s: %s", path, archive_error_string(a) ? archive_error_string(a) : "bad zip entry");
		goto cleanup;
	}
	/* The manifest speaks for the archive only when no pom.properties did; nested packages don't count. */
	if (!have_pom && manifest.len && (rc = parse_manifest(w, path, manifest.buf, manifest.len)) > 0)
		rc = 0;
cleanup:
	archive_read_free(a);
	strbuf_release(&manifest);
	strbuf_release(&data);
	strbuf_release(&where);
	return rc;
}

int pkgdb_java(struct pkg_list *out, const char *path, const char *buf, size_t len)
{
	struct walk w;
	int rc;

	memset(&w, 0, sizeof(w));
	w.budget = JAVA_EXPANDED_MAX;
	if ((rc = walk_archive(&w, path, buf, len, 0)) == 0) {
		rc = (int)w.pkgs.n;
		if (pkg_list_take(out, &w.pkgs) < 0)
			rc = ERR_NOMEM;
	}
	pkg_list_release(&w.pkgs);
	return rc;
}
