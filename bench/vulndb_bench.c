/*
 * [vulndb] bench: open the advisory database read-only, match the packages of
 * a dpkg status file on Debian 12, once, as a run does.  Prints the packages,
 * the matches, the time of opening and of matching, and the CPU time of
 * matching (the machine may be busy with other work; CPU time is what the
 * matching itself costs).
 *
 * usage: vulndb_bench DB STATUS
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "core/err.h"
#include "core/strbuf.h"
#include "scan/pkgdb_dpkg.h"
#include "vulndb/vulndb.h"

static double clock_s(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double now(void)
{
	return clock_s(CLOCK_MONOTONIC);
}

/* CPU time: what the work costs, whatever else the machine is running. */
static double cpu(void)
{
	return clock_s(CLOCK_PROCESS_CPUTIME_ID);
}

static int count(void *ctx, const struct vulndb_match *m)
{
	(void)m;
	(*(size_t *)ctx)++;
	return 0;
}

static int gap(void *ctx, const struct vulndb_gap *g)
{
	(void)ctx;
	fprintf(stderr, "gap: %s\n", g->reason);
	return 0;
}

int main(int argc, char **argv)
{
	struct strbuf text = STRBUF_INIT;
	struct pkg_list pkgs = { 0 };
	struct vulndb *db;
	size_t matches = 0;
	json_t *os = json_pack("{s:s, s:s}", "id", "debian", "version_id", "12");
	struct vulndb_match_cb cb = { count, gap, &matches, getenv("VULNDB_BENCH_DOCS") != NULL };
	double t0, t1, t2, c1, c2;
	int rc;

	if (argc != 3) {
		fprintf(stderr, "usage: vulndb_bench DB STATUS\n");
		return 2;
	}
	if (strbuf_read_file(&text, argv[2]) < 0 || pkgdb_dpkg(&pkgs, "var/lib/dpkg/status", text.buf, text.len) < 0) {
		fprintf(stderr, "%s\n", err_last());
		return 1;
	}
	t0 = now();
	if (vulndb_open(&db, argv[1], VULNDB_READ) < 0) {
		fprintf(stderr, "%s\n", err_last());
		return 1;
	}
	t1 = now();
	c1 = cpu();
	rc = vulndb_match(db, os, &pkgs, &cb);
	c2 = cpu();
	t2 = now();
	if (rc < 0) {
		fprintf(stderr, "%s\n", err_last());
		return 1;
	}
	printf("%zu %zu %.3f %.3f %.3f\n", pkgs.n, matches, t1 - t0, t2 - t1, c2 - c1);
	vulndb_close(db);
	pkg_list_release(&pkgs);
	strbuf_release(&text);
	json_decref(os);
	return 0;
}
