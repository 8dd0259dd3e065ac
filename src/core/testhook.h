/*
 * testhook: named points where the crash tests kill vetter.
 *
 * When VETTER_TEST_KILL_AT names a point (e.g. "scan:txn"), reaching it
 * sends SIGKILL to the process, so tests can prove that a run killed at that
 * exact place resumes to the same result.  Without the variable it costs one
 * getenv per call.
 */
#ifndef VETTER_TESTHOOK_H
#define VETTER_TESTHOOK_H

void testhook_point(const char *stage, const char *point);

#endif
