/*
 * strbuf: the one growable byte buffer of vetter.
 *
 * The buffer is always NUL-terminated (buf[len] == 0), so it can be handed to
 * C string functions, and it may also hold binary data.  Every buffer has a
 * hard size limit: outside data (a layer file, an HTTP body, a manifest) can
 * never grow one without bound.  When an append would cross the limit it
 * fails with ERR_LIMIT and leaves the buffer as it was.
 *
 *   struct strbuf sb = STRBUF_INIT;
 *   if (strbuf_addf(&sb, "%s:%d", host, port) < 0) goto cleanup;
 *   ...
 * cleanup:
 *   strbuf_release(&sb);
 */
#ifndef VETTER_STRBUF_H
#define VETTER_STRBUF_H

#include <stdarg.h>
#include <stddef.h>

/* Default limit: large enough for any single document vetter keeps in memory. */
#define STRBUF_DEFAULT_LIMIT ((size_t)256 * 1024 * 1024)

struct strbuf {
	char *buf;    /* never NULL after any call; "" when empty */
	size_t len;   /* bytes used, excluding the NUL */
	size_t alloc; /* bytes allocated */
	size_t limit; /* hard cap on len; 0 means STRBUF_DEFAULT_LIMIT */
};

extern char strbuf_empty[];
#define STRBUF_INIT { strbuf_empty, 0, 0, 0 }

/* Initialise with a size limit (0 for the default). */
void strbuf_init(struct strbuf *sb, size_t limit);
/* Free the memory; the buffer is empty and reusable afterwards. */
void strbuf_release(struct strbuf *sb);
/* Forget the contents, keep the memory. */
void strbuf_reset(struct strbuf *sb);
/* Take ownership of the bytes (NUL-terminated, never NULL); the buffer is emptied. */
char *strbuf_detach(struct strbuf *sb, size_t *len_out);
/* Make room for at least extra more bytes. */
int strbuf_grow(struct strbuf *sb, size_t extra);

int strbuf_add(struct strbuf *sb, const void *data, size_t len);
int strbuf_addstr(struct strbuf *sb, const char *s);
int strbuf_addch(struct strbuf *sb, int c);
int strbuf_addf(struct strbuf *sb, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
int strbuf_vaddf(struct strbuf *sb, const char *fmt, va_list ap)
	__attribute__((format(printf, 2, 0)));
/* Lowercase hex of data. */
int strbuf_addhex(struct strbuf *sb, const unsigned char *data, size_t len);

/* Shorten to len bytes (no-op when already shorter). */
void strbuf_setlen(struct strbuf *sb, size_t len);
/* Remove trailing whitespace. */
void strbuf_rtrim(struct strbuf *sb);

/* Read a whole stream or file, but never more than the buffer's limit. */
int strbuf_read_fd(struct strbuf *sb, int fd);
int strbuf_read_file(struct strbuf *sb, const char *path);

#endif
