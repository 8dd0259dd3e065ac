/* export_walk: the shared folder walk of the export connectors; see export_walk.h. */
#include "export_walk.h"

#include <stdio.h>
#include <sys/stat.h>

#include "core/err.h"
#include "core/strbuf.h"
#include "core/util.h"

/* An export folder lists at most this many names; more is not an export. */
#define WALK_MAX_NAMES 100000

static int walk_dir(const struct export_walk *w, const char *top, const char *dir, const char *rel, int depth)
{
	struct strbuf p = STRBUF_INIT, r = STRBUF_INIT, real = STRBUF_INIT;
	char **names = NULL, why[96];
	size_t n = 0, i;
	struct stat st;
	int rc, truncated;

	if (depth > w->max_depth) {
		snprintf(why, sizeof(why), "folders nested deeper than %d levels are not read", w->max_depth);
		return w->gap(w->ctx, rel, why);
	}
	if ((rc = util_dir_list(dir, WALK_MAX_NAMES, &names, &n, &truncated)) < 0)
		return rc == ERR_NOMEM ? rc : w->gap(w->ctx, rel, "cannot open the folder");
	if (truncated && (rc = w->gap(w->ctx, rel, "more than 100000 names in the folder; the rest were not read")) < 0)
		goto cleanup;
	for (i = 0; i < n && rc == 0; i++) {
		strbuf_reset(&p);
		strbuf_reset(&r);
		strbuf_reset(&real);
		util_path_join(&p, dir, names[i]);
		util_path_join(&r, rel, names[i]);
		if (stat(p.buf, &st) < 0 || (!S_ISDIR(st.st_mode) && !(S_ISREG(st.st_mode) && w->wanted(names[i]))))
			continue;
		if (util_path_within(&real, top, p.buf) < 0)
			rc = w->gap(w->ctx, r.buf, err_last());
		else if (S_ISDIR(st.st_mode))
			rc = walk_dir(w, top, real.buf, r.buf, depth + 1);
		else
			rc = w->file(w->ctx, real.buf, r.buf);
	}
cleanup:
	util_dir_free(names, n);
	strbuf_release(&p);
	strbuf_release(&r);
	strbuf_release(&real);
	return rc;
}

int export_walk_path(const struct export_walk *w, const char *path, const char *rel)
{
	struct stat st;

	if (stat(path, &st) < 0)
		return w->gap(w->ctx, rel, "no such file or folder");
	return S_ISDIR(st.st_mode) ? walk_dir(w, path, path, rel, 0) : w->file(w->ctx, path, rel);
}
