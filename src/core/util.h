/*
 * util: small helpers with no better home: byte search, base64, paths inside
 * a folder, directories, atomic file writes, calendar dates.
 */
#ifndef VETTER_UTIL_H
#define VETTER_UTIL_H

#include <stddef.h>
#include <stdint.h>

#include "strbuf.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

void *util_memmem(const void *hay, size_t haylen, const void *needle, size_t nlen);
int util_has_prefix(const char *s, const char *prefix);
int util_has_suffix(const char *s, const char *suffix);
/* strdup that records ERR_NOMEM; NULL in, NULL out. */
char *util_strdup(const char *s);

/* Standard base64 with padding. */
int util_base64_encode(struct strbuf *out, const unsigned char *data, size_t len);
/* Accepts standard and URL-safe alphabets, padding optional, whitespace skipped. */
int util_base64_decode(struct strbuf *out, const char *s, size_t len);

/* Create path and its parents (like mkdir -p). */
int util_mkdirs(const char *path, unsigned mode);
/* Remove a file or a folder tree; a missing path is not an error. */
int util_rm_rf(const char *path);
int util_is_dir(const char *path);
int util_exists(const char *path);
/*
 * The names in folder dir, sorted bytewise, without "." names (hidden files
 * included: an export's stray ".DS_Store" is not evidence).  At most max
 * names are returned; *truncated (may be NULL) says more were there.  The
 * caller frees the list with util_dir_free(*names, *n).  Sorting makes a
 * folder read the same way every time, whatever the filesystem's order.
 */
/* The account id of an AWS principal ("123456789012", "arn:aws:iam::123456789012:root") into out; "" when none.
 * Both the IAM normaliser and the rules' policy functions read trust policies' principals. */
void util_aws_account_of(const char *p, char out[13]);
/*
 * vetter's data folder NAME ("templates", "rules"): $ENV_NAME when set; else,
 * beside the running binary, NAME, ../../NAME (the build tree) or
 * ../share/vetter/NAME (an install), the first holding the folder probe
 * (NULL: the folder itself); else VETTER_DATADIR/NAME.  ERR_NOTFOUND names
 * the variable to set.
 */
int util_data_dir(struct strbuf *out, const char *env_name, const char *name, const char *probe);
int util_dir_list(const char *dir, size_t max, char ***names, size_t *n, int *truncated);
void util_dir_free(char **names, size_t n);

/* out = dir "/" rel, without doubling slashes. */
int util_path_join(struct strbuf *out, const char *dir, const char *rel);
/* The folder part of path ("." when there is none). */
int util_path_dirname(struct strbuf *out, const char *path);
/*
 * Resolve rel (relative, or absolute but inside base) against base and make
 * sure the result, symlinks followed, stays inside base.  Outside data names
 * files this way, so "../../.ssh/id_rsa" or a symlink out of the folder is an
 * ERR_DENIED, not a read.  The file need not exist yet; its folder must.
 */
int util_path_within(struct strbuf *out, const char *base, const char *rel);

/* Write data to path through a temporary file and rename(), so readers see
 * the old or the new content, never half of it. */
int util_write_file_atomic(const char *path, const void *data, size_t len, unsigned mode);
/* Check that folder can be written to (creating it when missing is allowed). */
int util_check_writable_dir(const char *path);

/* Calendar dates, proleptic Gregorian, no time zones involved. */
struct util_date {
	int year, month, day;
};
/* Strict YYYY-MM-DD. */
int util_date_parse(const char *s, struct util_date *out);
/* Days since 1970-01-01. */
int64_t util_date_days(const struct util_date *d);
void util_date_from_days(int64_t days, struct util_date *out);
/* Seconds since the epoch of an ISO 8601 UTC timestamp (YYYY-MM-DDTHH:MM:SS[.fff](Z|+HH:MM)), or a date. */
int util_timestamp_parse(const char *s, int64_t *epoch_out);

#endif
