/*
 * analyze: what one layer holds, read in one pass.
 *
 * The result of a layer depends only on the layer's bytes, so it is cached
 * by diff id and shared by every image that has the layer.  It keeps what
 * merging the layers into the final filesystem needs: the packages found
 * per source file, OS release files, whiteouts and opaque folders, the
 * symlinks on paths that matter, the secrets found, the setuid and setgid
 * files, and a hash of every
 * path written (to tell later whether a secret was deleted or overwritten).
 */
#ifndef VETTER_ANALYZE_H
#define VETTER_ANALYZE_H

#include <stdint.h>

#include <jansson.h>

#include "core/evidence.h"
#include "layer.h"
#include "pkg.h"
#include "secrets.h"

struct lr_source {
	char *path;          /* the file the packages came from */
	char *handler;       /* which reader */
	struct pkg_list pkgs;
	char *error;         /* why it could not be read (a gap), or NULL */
	char *digest;        /* evidence digest of the file's bytes, or NULL */
	int64_t size;
	uint64_t *owned;     /* hashes of the files the OS packages listed here own */
	size_t nowned;
};

struct lr_text {
	char *path;
	char *text;
	char *digest;        /* evidence digest */
};

struct lr_link {
	char *path;
	char *target;
};

/* A regular file with the setuid or setgid bit (CIS Docker 4.8). */
struct lr_special {
	char *path;
	unsigned mode;       /* permission bits, 07777 */
};

struct layer_result {
	char *diff_id;
	struct lr_source *sources;
	size_t nsources, cap_sources;
	struct lr_text *texts;
	size_t ntexts, cap_texts;
	struct lr_link *links;
	size_t nlinks, cap_links;
	char **whiteouts;
	size_t nwhiteouts, cap_whiteouts;
	char **opaques;
	size_t nopaques, cap_opaques;
	struct secret_list secrets;
	struct lr_special *specials;
	size_t nspecials, cap_specials;
	uint64_t *paths;     /* sorted FNV-1a hashes of every path written */
	size_t npaths, cap_paths;
	struct layer_stats stats;
};

struct analyze_opts {
	int secrets;            /* stream every file through the secrets scanner */
	struct evidence *ev;    /* store package-database files as evidence items; may be NULL */
	const struct layer_limits *limits;
	int jobs;               /* dir: roots are read by this many threads; 0 = 2 */
};

int layer_analyze(struct layer_result *out, layer_read_fn read, void *src, const struct analyze_opts *opt);
/* An unpacked root filesystem, walked without following symlinks and without leaving it. */
int layer_analyze_dir(struct layer_result *out, const char *root, const struct analyze_opts *opt);
void layer_result_release(struct layer_result *r);

/* Record a setuid/setgid file (mode & 06000 != 0); other modes are ignored. */
int layer_result_add_special(struct layer_result *r, const char *path, unsigned mode);

/* Whether the layer wrote path (by hash). */
int layer_result_wrote(const struct layer_result *r, const char *path);
uint64_t layer_path_hash(const char *path);

/* For the layer cache. */
json_t *layer_result_to_json(const struct layer_result *r);
int layer_result_from_json(struct layer_result *out, const json_t *j);

#endif
