/*
 * bundle: an evidence bundle, read into memory and checked against its
 * manifest.
 *
 * A bundle is a folder or a zip file.  A kit's script (src/kit/kit.h)
 * writes one: the commands' outputs, `commands.tsv` (one line a command:
 * file, exit status, tool, the command as run), `README.txt` and
 * `SHA256SUMS` (sha256sum's format: 64 hex digits, two spaces, the path),
 * which covers every other file.  A data-room folder of other tools'
 * reports is a bundle without a manifest.
 *
 * Nothing is written to disk: zip members are inflated into memory.  A
 * member whose name is absolute or climbs out (`..`), a symlink or special
 * file, a file over BUNDLE_MAX_FILE, more than BUNDLE_MAX_FILES files or
 * more than BUNDLE_MAX_TOTAL bytes in all (a zip bomb) are refused; the
 * first three are listed as problems and the rest go on, the last stops
 * the bundle.  Each file gets a status against the manifest.
 */
#ifndef VETTER_BUNDLE_H
#define VETTER_BUNDLE_H

#include <stddef.h>

#include "core/strbuf.h"

#define BUNDLE_MAX_FILE ((size_t)256 << 20)
#define BUNDLE_MAX_TOTAL ((size_t)1 << 30)
#define BUNDLE_MAX_FILES 20000
#define BUNDLE_MAX_DEPTH 12

enum bundle_status {
	BUNDLE_OK,         /* listed in the manifest and its digest matches */
	BUNDLE_NO_MANIFEST,/* the bundle has no manifest: integrity unknown, read anyway */
	BUNDLE_TAMPERED,   /* its digest is not the one the manifest lists: not read */
	BUNDLE_UNLISTED,   /* not in the manifest: not read */
	BUNDLE_MISSING,    /* in the manifest, not in the bundle */
	BUNDLE_REFUSED,    /* a link, special file, bad name or too large: not read */
};

struct bundle_file {
	char *name;        /* relative, '/'-separated */
	char *data;        /* NUL-terminated; NULL unless status is OK or NO_MANIFEST */
	size_t len;
	char sha256[65];
	char *expected;    /* the manifest's digest, when listed */
	enum bundle_status status;
	char *problem;     /* why it is not read, for the gap */
};

struct bundle {
	char *path;
	int is_zip;
	int has_manifest;
	struct bundle_file *files; /* sorted by name */
	size_t nfiles;
};

/*
 * Read the folder or zip at path and check it against its SHA256SUMS.
 * Problems with single files are statuses; a negative return (ERR_IO,
 * ERR_LIMIT, ERR_PARSE naming the file and line) means the bundle as a
 * whole could not be read.
 */
int bundle_open(struct bundle **out, const char *path);
/* The same from a zip file's bytes (for the fuzz harness); path names it in messages. */
int bundle_open_zip_mem(struct bundle **out, const char *path, const void *data, size_t len);
void bundle_free(struct bundle *b);

/*
 * Lower the per-file and total limits (0 keeps a limit) for tests and the
 * fuzz harness; they can never be raised above the defaults.  Not thread-safe:
 * call before reading.
 */
void bundle_set_limits(size_t max_file, size_t max_total);

/* The file called name, or NULL. */
const struct bundle_file *bundle_get(const struct bundle *b, const char *name);
const char *bundle_status_name(enum bundle_status s);

/*
 * Check a SHA256SUMS text and call fn for each entry.  Returns ERR_PARSE
 * naming the line for a line that is not "HEX  NAME" or a name that is
 * absolute or climbs out.
 */
typedef int (*bundle_sum_fn)(void *ctx, const char *name, const char *hex);
int bundle_parse_sums(const char *text, size_t len, const char *what, bundle_sum_fn fn, void *ctx);
/*
 * commands.tsv: "# vetter-bundle<TAB>VERSION<TAB>kit<TAB>NAME", then one line
 * a command: FILE<TAB>STATUS<TAB>TOOL<TAB>COMMAND.  The strings point into
 * *storage (the caller frees it and *cmds).  ERR_PARSE naming the line,
 * ERR_UNSUPPORTED for a version other than 1, ERR_LIMIT past 100000 lines.
 */
struct bundle_cmd {
	const char *file, *tool, *command;
	int status;
};
int bundle_commands_parse(const char *text, size_t len, const char *what, struct bundle_cmd **cmds, size_t *n,
			  char **storage);

/* 1 when name is a relative path that stays inside (no "..", no leading '/', no empty parts, no NUL). */
int bundle_name_ok(const char *name);

#endif
