/*
 * secrets: credentials left in image files, config env values and history.
 *
 * Every regular file of every layer streams through this scanner once, so it
 * is built for speed: a SIMD prefilter looks for fixed 4-byte anchors (see
 * secrets_int.h) and the rules run only where one is found.  The file may
 * arrive in chunks cut anywhere; a key split across two chunks is found as
 * if the file had come in one piece (a bounded carry-over joins them).
 *
 *   struct secrets_scan *s = NULL;
 *   if (secrets_begin(&s, "etc/app.conf") < 0) goto cleanup;
 *   while (more) if (secrets_feed(s, buf, n) < 0) goto cleanup;
 *   if (secrets_end(s, &list) < 0) goto cleanup;
 * cleanup:
 *   secrets_free(s);
 *
 * A secret's value is never stored or returned: a finding carries the
 * first 16 hex digits of the value's SHA-256 (to match the same key across
 * layers and images) and a redacted form that shows at most the fixed
 * prefix of the token ("AKIA****(20)", "****(40)" for a value with no fixed
 * prefix, "-----BEGIN RSA PRIVATE KEY----- ****" for a private key).
 *
 * The rules, the placeholder skips and the choices about binary files are
 * documented in secrets_rules.c.
 */
#ifndef VETTER_SECRETS_H
#define VETTER_SECRETS_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

/* At most this many findings are kept per file; the rest are only counted (secret_list.dropped). */
#define SECRETS_MAX_PER_FILE 100

struct secret {
	char *rule;        /* rule id, e.g. "aws-access-key-id" */
	char *title;       /* one line for people */
	char *path;        /* the file, relative to the image root, or "config:Env" etc. */
	size_t line;       /* 1-based line of the match; 0 in a binary file (a NUL in its first 8000 bytes) */
	uint64_t offset;   /* byte offset of the match in the file */
	char *fingerprint; /* 16 lowercase hex digits of SHA-256 of the value */
	char *redacted;    /* what may be shown: never more than the fixed prefix */
	char *layer;       /* digest of the layer; set by the caller, may be NULL */
	int removed;       /* set by the caller: a later layer deleted the file */
};

struct secret_list {
	struct secret *v;
	size_t n, cap;
	size_t skipped; /* matches recognised as placeholders (AKIAIOSFODNN7EXAMPLE ...) and not reported */
	size_t dropped; /* findings beyond SECRETS_MAX_PER_FILE in one file */
};

/* Append a copy of s (strings duplicated; layer may be NULL). */
int secret_list_add(struct secret_list *l, const struct secret *s);
void secret_list_release(struct secret_list *l);
void secret_release(struct secret *s);
/*
 * The finding as JSON: rule, title, path, line, offset, fingerprint,
 * redacted, layer (when set), removed.  Bytes of path that are not UTF-8
 * become '?'.  The caller owns the object; NULL when out of memory.
 */
json_t *secret_to_json(const struct secret *s);

struct secrets_scan; /* one file being scanned */

/* Start scanning the file at path (copied; used in the findings). */
int secrets_begin(struct secrets_scan **out, const char *path);
/* The next len bytes of the file; chunks may be of any size, including 0. */
int secrets_feed(struct secrets_scan *s, const void *data, size_t len);
/*
 * The file is complete: append its findings to out (in file order) and add
 * its skipped and dropped counts.  The scan cannot be fed afterwards.
 */
int secrets_end(struct secrets_scan *s, struct secret_list *out);
void secrets_free(struct secrets_scan *s);

/* The whole scan over one text held in memory (an image config Env value, a history line). */
int secrets_scan_text(struct secret_list *out, const char *where, const char *text, size_t len);

#endif
