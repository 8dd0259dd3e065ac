#include "pkgdb_apk.h"

#include <string.h>

#include "core/err.h"
#include "scan/pkgdb_text.h"

/* The letters kept, in the order of the v[] slots below. */
static const char kept[] = "PVAoL";
static const char *const kept_names[] = { "P (name)", "V (version)", "A (arch)", "o (origin)", "L (license)" };
#define NKEPT 5

struct stanza {
	struct strbuf v[NKEPT];
	unsigned seen;
	size_t nlines;
};

static int stanza_finish(struct pkg_list *pkgs, struct stanza *st, const char *path)
{
	struct pkg p;
	int i, rc = 0;

	if (st->v[0].len && st->v[1].len) {
		memset(&p, 0, sizeof(p));
		p.type = PKG_APK;
		p.name = st->v[0].buf;
		p.version = st->v[1].buf;
		p.arch = st->v[2].len ? st->v[2].buf : NULL;
		if (st->v[3].len) {
			p.source_name = st->v[3].buf;
			p.source_version = p.version;
		}
		p.license = st->v[4].len ? st->v[4].buf : NULL;
		p.path = (char *)path;
		rc = pkgdb_add(pkgs, &p, path);
	}
	for (i = 0; i < NKEPT; i++)
		strbuf_reset(&st->v[i]);
	st->seen = 0;
	st->nlines = 0;
	return rc;
}

int pkgdb_apk(struct pkg_list *out, const char *path, const char *buf, size_t len)
{
	struct pkg_list pkgs = { NULL, 0, 0 };
	struct pkgdb_lines it;
	struct stanza st;
	const char *line, *k;
	size_t n;
	int i, rc = 0;

	memset(&st, 0, sizeof(st));
	for (i = 0; i < NKEPT; i++)
		strbuf_init(&st.v[i], PKGDB_MAX_FIELD + 1);
	pkgdb_lines_init(&it, buf, len);
	while (pkgdb_lines_next(&it, &line, &n)) {
		if (n == 0) {
			if (st.nlines && (rc = stanza_finish(&pkgs, &st, path)) < 0)
				goto cleanup;
			continue;
		}
		if (n < 2 || line[1] != ':' || !((line[0] >= 'A' && line[0] <= 'Z') || (line[0] >= 'a' && line[0] <= 'z'))) {
			rc = err_set(ERR_PARSE, "%s:%zu: expected \"X:value\" (a truncated stanza?)", path, it.lineno);
			goto cleanup;
		}
		st.nlines++;
		if (!(k = strchr(kept, line[0])))
			continue;
		i = (int)(k - kept);
		if (st.seen & (1u << i)) {
			rc = err_set(ERR_PARSE, "%s:%zu: a second %s line in one package", path, it.lineno, kept_names[i]);
			goto cleanup;
		}
		st.seen |= 1u << i;
		if ((rc = pkgdb_value_set(&st.v[i], line + 2, n - 2, path, it.lineno, kept_names[i])) < 0)
			goto cleanup;
	}
	if (st.nlines && (rc = stanza_finish(&pkgs, &st, path)) < 0)
		goto cleanup;
	rc = (int)pkgs.n;
	if (pkg_list_take(out, &pkgs) < 0)
		rc = ERR_NOMEM;
cleanup:
	pkg_list_release(&pkgs);
	for (i = 0; i < NKEPT; i++)
		strbuf_release(&st.v[i]);
	return rc;
}

int pkgdb_apk_is_db_path(const char *path)
{
	const char *rel = pkgdb_path_rel(path);

	return !strcmp(rel, "lib/apk/db/installed") || !strcmp(rel, "usr/lib/apk/db/installed");
}
