/*
 * analyze_int: what analyze.c (layers) and analyze_dir.c (unpacked root
 * filesystems) share: the per-entry visitor.  Not for other modules.
 */
#ifndef VETTER_ANALYZE_INT_H
#define VETTER_ANALYZE_INT_H

#include "analyze.h"
#include "handlers.h"

#define HEAD_LEN 64
/* Go binaries smaller than this are not worth a look. */
#define GO_MIN_SIZE 4096

struct visit {
	struct layer_result *r;
	const struct analyze_opts *opt;
	/* the current entry */
	char *path;
	const struct path_handler *h;
	int os_file;
	struct strbuf content;   /* whole file, for path handlers and release files */
	int over_limit;
	struct content_scan *go;
	int go_undecided;
	unsigned char head[HEAD_LEN];
	size_t headlen;
	unsigned mode;
	struct secrets_scan *sec;
	uint64_t *owned;  /* owned files read from the current entry, until add_source takes them */
	size_t nowned;
};

int analyze_on_entry(void *ctx, const struct layer_entry *e);
int analyze_on_data(void *ctx, const void *buf, size_t len);
int analyze_on_end(void *ctx);
void analyze_reset_entry(struct visit *v);
/* Whether the visitor wants a file's bytes, from its path, size and mode alone. */
int analyze_want(const struct analyze_opts *opt, const struct layer_entry *e);
/* Sort the path hashes once everything is in. */
int analyze_finish_result(struct layer_result *r);

#endif
