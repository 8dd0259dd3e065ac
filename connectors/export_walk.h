/*
 * export_walk: read the files and folders an export source names, the same
 * way for every export connector (Kubernetes, Azure, Google Cloud).
 *
 * The target sends these folders, so the walk is defensive: names in sorted
 * order (a folder reads the same way every time), hidden names skipped,
 * nesting bounded, and every file resolved inside the folder the engagement
 * named (a symlink out of the data room is a gap, never a read).  What cannot
 * be read is reported through gap() and the walk goes on; only a negative
 * return from file() or gap() stops it.
 */
#ifndef VETTER_EXPORT_WALK_H
#define VETTER_EXPORT_WALK_H

struct export_walk {
	void *ctx;
	int max_depth;                     /* folders nested deeper are a gap */
	int (*wanted)(const char *name);   /* 1 = a file this export reads */
	/* path: the resolved file; rel: its name for messages and evidence. */
	int (*file)(void *ctx, const char *path, const char *rel);
	int (*gap)(void *ctx, const char *rel, const char *why);
};

/*
 * Read path (a file or a folder), named rel in the engagement file.  A
 * missing path is a gap.  Returns 0, or the first negative return of file()
 * or gap().
 */
int export_walk_path(const struct export_walk *w, const char *path, const char *rel);

#endif
