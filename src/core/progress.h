/*
 * progress: what a long stage is doing, on stderr.
 *
 * On a terminal (and unless --no-progress or --quiet) one line is redrawn:
 * stage, item n/N, rate and elapsed time.  Elsewhere (CI, a pipe, a log file)
 * only a start and an end line are logged, so logs stay readable.
 */
#ifndef VETTER_PROGRESS_H
#define VETTER_PROGRESS_H

#include <stdint.h>

/* Decide once per process; live drawing only when allowed and stderr is a terminal. */
void progress_configure(int allowed);
void progress_begin(const char *stage, int64_t total);
void progress_set_total(int64_t total);
/* Advance by n items; what (may be NULL) names the current item. */
void progress_step(int64_t n, const char *what);
void progress_end(void);

#endif
