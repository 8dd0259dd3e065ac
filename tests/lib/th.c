/* realpath() and mkdtemp() are XSI. */
#define _XOPEN_SOURCE 700
#include "th.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/util.h"

#define TH_MAX_NOT_RUN 512

static char *not_run[TH_MAX_NOT_RUN];
static int n_not_run;

void th_not_run(const char *test, const char *why)
{
	struct strbuf sb = STRBUF_INIT;

	if (n_not_run == TH_MAX_NOT_RUN)
		return;
	strbuf_addf(&sb, "%s: %s", test, why);
	not_run[n_not_run++] = strbuf_detach(&sb, NULL);
}

static const char *testdata(void)
{
	const char *d = getenv("VETTER_TESTDATA");

	return d && *d ? d : "../shared/data";
}

char *th_data_path(const char *rel)
{
	struct strbuf sb = STRBUF_INIT;

	strbuf_addf(&sb, "%s/%s", testdata(), rel);
	return strbuf_detach(&sb, NULL);
}

int th_have_data(const char *test, const char *rel)
{
	char *p = th_data_path(rel);
	struct strbuf why = STRBUF_INIT;
	int ok = util_exists(p);

	if (!ok) {
		strbuf_addf(&why, "test data %s is absent (set VETTER_TESTDATA)", p);
		th_not_run(test, why.buf);
	}
	strbuf_release(&why);
	free(p);
	return ok;
}

int th_have_tool(const char *test, const char *program)
{
	const char *path = getenv("PATH");
	struct strbuf cand = STRBUF_INIT, why = STRBUF_INIT;
	const char *p = path ? path : "/usr/bin:/bin", *colon;
	int ok = 0;

	while (*p && !ok) {
		colon = strchr(p, ':');
		strbuf_reset(&cand);
		strbuf_add(&cand, p, colon ? (size_t)(colon - p) : strlen(p));
		strbuf_addf(&cand, "/%s", program);
		ok = access(cand.buf, X_OK) == 0;
		p = colon ? colon + 1 : p + strlen(p);
	}
	if (!ok) {
		strbuf_addf(&why, "the program %s is not installed", program);
		th_not_run(test, why.buf);
	}
	strbuf_release(&cand);
	strbuf_release(&why);
	return ok;
}

int th_report_not_run(void)
{
	int i;

	if (!n_not_run)
		return 0;
	fprintf(stdout, "Not run: %d test(s)\n", n_not_run);
	for (i = 0; i < n_not_run; i++)
		fprintf(stdout, "  not run: %s\n", not_run[i]);
	return n_not_run;
}

char *th_repo_path(const char *rel)
{
	struct strbuf sb = STRBUF_INIT;
	const char *root = getenv("VETTER_ROOT");

	strbuf_addf(&sb, "%s/%s", root && *root ? root : ".", rel);
	return strbuf_detach(&sb, NULL);
}

const char *th_vetter_bin(void)
{
	const char *b = getenv("VETTER_BIN");

	return b && *b ? b : "./vetter";
}

char *th_tmpdir(void)
{
	const char *base = getenv("TMPDIR");
	struct strbuf sb = STRBUF_INIT;

	strbuf_addf(&sb, "%s/vetter-test-XXXXXX", base && *base ? base : "/tmp");
	ck_assert_msg(mkdtemp(sb.buf) != NULL, "mkdtemp: %s", strerror(errno));
	return strbuf_detach(&sb, NULL);
}

void th_rm_rf(const char *path)
{
	util_rm_rf(path);
}

void th_write(const char *path, const char *content)
{
	FILE *f = fopen(path, "wb");

	ck_assert_msg(f != NULL, "cannot write %s: %s", path, strerror(errno));
	fputs(content, f);
	fclose(f);
}

void th_write_fmt(const char *path, const char *fmt, ...)
{
	struct strbuf sb = STRBUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	strbuf_vaddf(&sb, fmt, ap);
	va_end(ap);
	th_write(path, sb.buf);
	strbuf_release(&sb);
}

void th_read(const char *path, struct strbuf *sb)
{
	ck_assert_msg(strbuf_read_file(sb, path) == 0, "cannot read %s", path);
}

int th_exists(const char *path)
{
	return util_exists(path);
}

void th_read_data(const char *rel, struct strbuf *sb)
{
	char *p = th_data_path(rel);

	th_read(p, sb);
	free(p);
}

static int cmp_line(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

char *th_sorted_lines(const char *text)
{
	struct strbuf out = STRBUF_INIT, copy = STRBUF_INIT;
	char **lines = NULL, *s, *nl;
	size_t n = 0, i;

	strbuf_addstr(&copy, text);
	for (s = copy.buf; s; s = nl ? nl + 1 : NULL) {
		if ((nl = strchr(s, '\n')))
			*nl = 0;
		if (*s) {
			lines = realloc(lines, (n + 1) * sizeof(*lines));
			ck_assert_ptr_nonnull(lines);
			lines[n++] = s;
		}
	}
	if (n)
		qsort(lines, n, sizeof(*lines), cmp_line);
	for (i = 0; i < n; i++)
		strbuf_addf(&out, "%s\n", lines[i]);
	free(lines);
	strbuf_release(&copy);
	return strbuf_detach(&out, NULL);
}

static void drain(int fd, struct strbuf *sb)
{
	strbuf_read_fd(sb, fd);
}

void th_run(struct th_result *res, const char *const *argv, const char *const *env, const char *stdin_text,
	    const char *cwd)
{
	char outpath[] = "/tmp/vetter-th-out-XXXXXX", errpath[] = "/tmp/vetter-th-err-XXXXXX";
	int outfd = mkstemp(outpath), errfd = mkstemp(errpath), in[2], status = 0;
	pid_t pid;
	size_t i;

	strbuf_init(&res->out, 0);
	strbuf_init(&res->err, 0);
	ck_assert(outfd >= 0 && errfd >= 0);
	unlink(outpath);
	unlink(errpath);
	ck_assert(pipe(in) == 0);
	fflush(NULL);
	pid = fork();
	ck_assert(pid >= 0);
	if (pid == 0) {
		dup2(in[0], 0);
		dup2(outfd, 1);
		dup2(errfd, 2);
		close(in[1]);
		for (i = 0; env && env[i]; i++)
			putenv((char *)env[i]);
		if (cwd && chdir(cwd) < 0)
			_exit(127);
		execvp(argv[0], (char *const *)argv);
		fprintf(stderr, "cannot run %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	close(in[0]);
	if (stdin_text) {
		size_t left = strlen(stdin_text);
		const char *p = stdin_text;

		while (left) {
			ssize_t n = write(in[1], p, left);

			if (n <= 0)
				break;
			p += n;
			left -= (size_t)n;
		}
	}
	close(in[1]);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	res->status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
	lseek(outfd, 0, SEEK_SET);
	lseek(errfd, 0, SEEK_SET);
	drain(outfd, &res->out);
	drain(errfd, &res->err);
	close(outfd);
	close(errfd);
}

void th_vetter(struct th_result *res, const char *const *env, const char *first, ...)
{
	const char *argv[64];
	va_list ap;
	int n = 0;

	argv[n++] = th_vetter_bin();
	va_start(ap, first);
	for (const char *a = first; a && n < 63; a = va_arg(ap, const char *))
		argv[n++] = a;
	va_end(ap);
	argv[n] = NULL;
	th_run(res, argv, env, NULL, NULL);
}

void th_result_release(struct th_result *res)
{
	strbuf_release(&res->out);
	strbuf_release(&res->err);
}

void th_server_start(struct th_server *srv, const char *const *argv)
{
	char line[64];
	size_t n = 0;
	int out[2];
	pid_t pid;

	ck_assert(pipe(out) == 0);
	fflush(NULL);
	pid = fork();
	ck_assert(pid >= 0);
	if (pid == 0) {
		dup2(out[1], 1);
		close(out[0]);
		execvp(argv[0], (char *const *)argv);
		_exit(127);
	}
	close(out[1]);
	while (n < sizeof(line) - 1) {
		struct pollfd p = { out[0], POLLIN, 0 };
		ssize_t r;

		if (poll(&p, 1, 20000) <= 0)
			break;
		r = read(out[0], line + n, 1);
		if (r <= 0 || line[n] == '\n')
			break;
		n++;
	}
	line[n] = 0;
	close(out[0]);
	srv->pid = pid;
	srv->port = atoi(line);
	if (srv->port <= 0) {
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
		ck_abort_msg("server %s did not say its port (got '%s')", argv[0], line);
	}
}

void th_server_stop(struct th_server *srv)
{
	if (srv->pid > 0) {
		kill(srv->pid, SIGTERM);
		waitpid(srv->pid, NULL, 0);
		srv->pid = 0;
	}
}
