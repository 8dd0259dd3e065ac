/*
 * layer: walk one layer tarball as a stream.
 *
 * The bytes come from a reader callback (a file, an archive member, an
 * HTTP body); gzip, zstd and plain tars are recognised by content.  Each
 * entry is handed to a visitor with its path normalised (no leading "./",
 * no trailing slash) and its kind decoded, whiteouts included; a visitor
 * that wants a file's bytes gets them in chunks, and nothing is ever
 * written to disk.
 *
 * Layers are outside data: an entry with an absolute path or a ".."
 * component, a path longer than 4096 bytes, or more expanded bytes than the
 * limit allows (a decompression bomb) stops the walk with an error naming
 * the entry; the caller records it as a gap for that image.
 */
#ifndef VETTER_LAYER_H
#define VETTER_LAYER_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "core/strbuf.h"

enum layer_kind {
	LAYER_FILE,
	LAYER_DIR,
	LAYER_SYMLINK,
	LAYER_HARDLINK,
	LAYER_WHITEOUT, /* path is the deleted name */
	LAYER_OPAQUE,   /* path is the folder whose lower contents are hidden */
	LAYER_OTHER,    /* devices, fifos */
};

struct layer_entry {
	const char *path;  /* normalised, relative to the root; "" never occurs */
	enum layer_kind kind;
	int64_t size;
	unsigned mode;
	const char *link;  /* symlink target as written, or hard link target (normalised) */
};

struct layer_visitor {
	/* Return 1 to be given the entry's bytes, 0 to skip them, negative to stop. */
	int (*entry)(void *ctx, const struct layer_entry *e);
	/*
	 * Optional: the same decision as entry() makes, as a pure function of the
	 * entry.  When it is given, the walk runs in two threads: this one
	 * decompresses and reads the tar, and a second one runs entry(), data()
	 * and end() on copies, so the visitor's work overlaps decompression.
	 */
	int (*want)(void *ctx, const struct layer_entry *e);
	/* Consecutive chunks of the entry's bytes. */
	int (*data)(void *ctx, const void *buf, size_t len);
	/* After the last chunk of an entry whose bytes were asked for. */
	int (*end)(void *ctx);
};

/* Where the compressed bytes come from: like read(2), 0 at the end, negative on error. */
typedef ssize_t (*layer_read_fn)(void *src, void *buf, size_t len);

struct layer_limits {
	int64_t max_expanded; /* uncompressed bytes; 0 = 32 GiB */
	int64_t max_entries;  /* 0 = 5,000,000 */
};

struct layer_stats {
	int64_t entries;
	int64_t expanded;     /* bytes of file content seen */
	int64_t compressed;   /* bytes read from the source */
};

int layer_walk(layer_read_fn read, void *src, const struct layer_visitor *v, void *ctx,
	       const struct layer_limits *limits, struct layer_stats *stats);

/*
 * Normalise a path from a tar entry into out: ERR_INVALID for absolute paths
 * and ".." components.  Returns 0 and an empty out for the root itself.
 */
int layer_path_normalise(struct strbuf *out, const char *raw);

#endif
