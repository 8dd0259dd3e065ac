/*
 * err: error codes and the per-thread "last error" message.
 *
 * Functions return 0 (or a non-negative count) on success and one of the
 * negative ERR_* codes on failure.  The function that detects a failure
 * describes it once with err_set(), which returns the code so that
 *
 *   return err_set(ERR_PARSE, "%s:%d: expected a date", file, line);
 *
 * is the usual form.  Callers pass the code up unchanged; a caller that knows
 * more context may prefix the message with err_prefix().  The text is kept
 * per thread, as in libgit2's git_error_last().
 */
#ifndef VETTER_ERR_H
#define VETTER_ERR_H

enum err_code {
	ERR_OK = 0,
	ERR_FAIL = -1,        /* generic */
	ERR_NOMEM = -2,       /* allocation failed */
	ERR_IO = -3,          /* file or stream error */
	ERR_PARSE = -4,       /* malformed input */
	ERR_INVALID = -5,     /* well-formed but not acceptable */
	ERR_NOTFOUND = -6,    /* no such thing */
	ERR_LIMIT = -7,       /* a size or count limit was reached */
	ERR_UNSUPPORTED = -8, /* known but not handled */
	ERR_AUTH = -9,        /* 401, bad credentials */
	ERR_DENIED = -10,     /* 403, refused by policy */
	ERR_NET = -11,        /* connection, TLS, timeout */
	ERR_HTTP = -12,       /* unexpected HTTP status */
	ERR_INTEGRITY = -13,  /* digest or signature mismatch */
	ERR_USAGE = -14,      /* bad command line or engagement file */
	ERR_INTERRUPTED = -15 /* cancelled */
};

/* Record a message for code and return code. */
int err_set(int code, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Prefix the current message with "PREFIX: " and return code. */
int err_prefix(int code, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* The message of the last error on this thread ("" when none). */
const char *err_last(void);
/* Forget the last error. */
void err_clear(void);
/* A short fixed name for a code ("parse error", ...). */
const char *err_name(int code);

#endif
