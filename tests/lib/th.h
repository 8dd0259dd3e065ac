/*
 * th: helpers shared by the tests.
 *
 * Tests that need something outside the repository (../shared/data, a tool
 * such as kubectl) ask for it while their suite is built, in the parent
 * process: when it is missing the test is not added, the runner lists it as
 * "not run" with the reason, and under CI=true a test that cannot run fails
 * the suite.
 */
#ifndef VETTER_TH_H
#define VETTER_TH_H

#include <check.h>
#include <stddef.h>

#include "core/strbuf.h"

/* Record that a test was not run and why. */
void th_not_run(const char *test, const char *why);
/* 1 when VETTER_TESTDATA/rel exists; otherwise records why test is not run. */
int th_have_data(const char *test, const char *rel);
/* 1 when the program is on PATH; otherwise records why test is not run. */
int th_have_tool(const char *test, const char *program);
/* Print the not-run list; returns how many tests were not run. */
int th_report_not_run(void);

/* Absolute path of VETTER_TESTDATA/rel (static buffer per call site is not kept: caller frees). */
char *th_data_path(const char *rel);
/* Path of a file in the repository (VETTER_ROOT); caller frees. */
char *th_repo_path(const char *rel);
/* The vetter binary under test. */
const char *th_vetter_bin(void);

/* A fresh temporary folder; caller frees the path and removes it with th_rm_rf. */
char *th_tmpdir(void);
void th_rm_rf(const char *path);
void th_write(const char *path, const char *content);
void th_write_fmt(const char *path, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Whole file into sb (aborts the test when unreadable). */
void th_read(const char *path, struct strbuf *sb);
int th_exists(const char *path);
/* VETTER_TESTDATA/rel into sb (aborts the test when unreadable). */
void th_read_data(const char *rel, struct strbuf *sb);
/* The non-empty lines of text, sorted, each ending in "\n" (caller frees). */
char *th_sorted_lines(const char *text);

struct th_result {
	int status;          /* exit code, or 128+signal */
	struct strbuf out;   /* stdout */
	struct strbuf err;   /* stderr */
};

/*
 * Run argv (argv[0] looked up on PATH unless it has a '/'), with the extra
 * environment entries env ("NAME=value", NULL-terminated, may be NULL) and
 * stdin_text on standard input (may be NULL).  cwd may be NULL.
 */
void th_run(struct th_result *res, const char *const *argv, const char *const *env, const char *stdin_text,
	    const char *cwd);
/* th_run with the vetter binary as argv[0]; args NULL-terminated. */
void th_vetter(struct th_result *res, const char *const *env, const char *first, ...);
void th_result_release(struct th_result *res);

/*
 * Start a server process that prints its port on the first line of its
 * standard output; returns the port (aborts the test when none comes within
 * 20 s).  th_server_stop kills it and waits for it.
 */
struct th_server {
	int pid;
	int port;
};
void th_server_start(struct th_server *srv, const char *const *argv);
void th_server_stop(struct th_server *srv);

/* Assert a result's exit status, printing its output when it differs. */
#define th_assert_status(res, want)                                                                                  \
	ck_assert_msg((res)->status == (want), "exit status %d, expected %d\nstdout:\n%s\nstderr:\n%s", (res)->status, \
		      (want), (res)->out.buf, (res)->err.buf)

#endif
