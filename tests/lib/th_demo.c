#include "th_demo.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>

#include "core/strbuf.h"
#include "core/util.h"
#include "th.h"

static const char *const demo_tools[] = { "python3", "umoci", "rpmbuild", "rpm", "go", "openssl",
					  "skopeo", "docker-registry", NULL };
static const char *const demo_data[] = { "osv", "debian12-osv/all.zip", "kev/known_exploited_vulnerabilities.json",
					 "cve5/cves", "vulnrichment", NULL };

static char *built_root;   /* th_tmpdir of the build, removed at exit */
static char *built_dir;    /* built_root/demo, NULL when the build failed */
static char *built_vulndb; /* built_root/vulndb.sqlite, NULL without the data */
static struct th_server registry; /* scripts/demo-registry.py, for the runner's life */

int th_demo_have_tools(const char *test)
{
	size_t i;

	for (i = 0; demo_tools[i]; i++)
		if (!th_have_tool(test, demo_tools[i]))
			return 0;
	return 1;
}

int th_demo_have_data(const char *test)
{
	size_t i;

	for (i = 0; demo_data[i]; i++)
		if (!th_have_data(test, demo_data[i]))
			return 0;
	return 1;
}

static int data_present(void)
{
	size_t i;
	int ok = 1;

	for (i = 0; demo_data[i] && ok; i++) {
		char *p = th_data_path(demo_data[i]);

		ok = access(p, R_OK) == 0;
		free(p);
	}
	return ok;
}

static pid_t built_by; /* the runner: test processes forked from it inherit the atexit handler */

static void demo_remove(void)
{
	if (!built_root || getpid() != built_by)
		return;
	th_server_stop(&registry);
	util_rm_rf(built_root);
}

void th_demo_build(void)
{
	char *script = th_repo_path("scripts/demo-build.py"), *samples = th_repo_path("samples/demo");
	char *cache = th_repo_path("build/demo-gocache"), *data = th_data_path("");
	char *regscript = th_repo_path("scripts/demo-registry.py");
	struct strbuf out = STRBUF_INIT, db = STRBUF_INIT, regdir = STRBUF_INIT, port = STRBUF_INIT;
	const char *regargv[] = { "python3", regscript, NULL, NULL };
	struct th_result res;
	const char *argv[20];
	size_t n = 0;

	if (built_root)
		goto cleanup;
	built_root = th_tmpdir();
	built_by = getpid();
	atexit(demo_remove);
	strbuf_addf(&out, "%s/demo", built_root);
	strbuf_addf(&db, "%s/vulndb.sqlite", built_root);
	strbuf_addf(&regdir, "%s/registry", built_root);
	regargv[2] = regdir.buf;
	th_server_start(&registry, regargv);
	strbuf_addf(&port, "%d", registry.port);
	argv[n++] = "python3", argv[n++] = script, argv[n++] = "--samples", argv[n++] = samples;
	argv[n++] = "--out", argv[n++] = out.buf, argv[n++] = "--cache", argv[n++] = cache;
	argv[n++] = "--registry-port", argv[n++] = port.buf, argv[n++] = "--registry-dir", argv[n++] = regdir.buf;
	if (data_present()) {
		argv[n++] = "--vetter", argv[n++] = th_vetter_bin(), argv[n++] = "--data", argv[n++] = data;
		argv[n++] = "--vulndb", argv[n++] = db.buf;
	}
	argv[n] = NULL;
	th_run(&res, argv, NULL, NULL, NULL);
	if (res.status != 0) {
		fprintf(stderr, "th_demo: scripts/demo-build.py failed (exit %d):\n%s%s", res.status, res.out.buf,
			res.err.buf);
	} else {
		built_dir = strbuf_detach(&out, NULL);
		if (n > 12)
			built_vulndb = strbuf_detach(&db, NULL);
	}
	th_result_release(&res);
cleanup:
	strbuf_release(&out);
	strbuf_release(&db);
	strbuf_release(&regdir);
	strbuf_release(&port);
	free(script), free(samples), free(cache), free(data), free(regscript);
}

int th_demo_port(void)
{
	return registry.port;
}

const char *th_demo_vulndb(void)
{
	return built_vulndb;
}

char *th_demo_copy(void)
{
	char *dir;
	struct strbuf dst = STRBUF_INIT;
	struct th_result res;
	const char *argv[] = { "cp", "-R", NULL, NULL, NULL };

	ck_assert_msg(built_dir != NULL, "the demo engagement could not be built (see the runner's output)");
	dir = th_tmpdir();
	strbuf_addf(&dst, "%s/demo", dir);
	argv[2] = built_dir;
	argv[3] = dst.buf;
	th_run(&res, argv, NULL, NULL, NULL);
	th_assert_status(&res, 0);
	th_result_release(&res);
	strbuf_release(&dst);
	return dir;
}
