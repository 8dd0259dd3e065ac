/*
 * log: diagnostics on stderr and in the run log, with secrets scrubbed.
 *
 * Every line vetter prints about its own work goes through here.  Lines go to
 * stderr (results go to stdout, never here) and, once log_open_file() is
 * called, also to the run log with a timestamp; run-time timestamps belong
 * there and nowhere else.
 *
 * Credential values that vetter handles are registered with log_secret_add();
 * any registered value, or its base64 form, is replaced by "[REDACTED]" in
 * every line before it is written, so a URL or an error message that quotes a
 * token cannot leak it.  log_scrub() applies the same to any buffer bound for
 * an output.
 */
#ifndef VETTER_LOG_H
#define VETTER_LOG_H

#include <stddef.h>

#include "strbuf.h"

enum log_level { LOG_ERROR = 0, LOG_WARN = 1, LOG_INFO = 2, LOG_DEBUG = 3 };

/* Lines above level are not printed on stderr (the run log gets INFO and above). */
void log_set_level(enum log_level level);
enum log_level log_get_level(void);
/* Also append to path (created 0600); replaces a previous log file. */
int log_open_file(const char *path);
void log_close_file(void);

void log_msg(enum log_level level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
#define log_error(...) log_msg(LOG_ERROR, __VA_ARGS__)
#define log_warn(...) log_msg(LOG_WARN, __VA_ARGS__)
#define log_info(...) log_msg(LOG_INFO, __VA_ARGS__)
#define log_debug(...) log_msg(LOG_DEBUG, __VA_ARGS__)

/* A line for the run log only (every HTTP request, for instance); scrubbed like the rest. */
void log_file_msg(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Register a secret value (at least 4 bytes) to be scrubbed from all output. */
int log_secret_add(const char *value, size_t len);
/* Replace registered secrets in sb.  Returns the number of replacements. */
int log_scrub(struct strbuf *sb);
/* Forget all registered secrets (tests). */
void log_secret_clear(void);

/* While a progress line is shown on the terminal, log lines clear it first. */
void log_set_progress_active(int active);

#endif
