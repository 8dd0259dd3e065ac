/*
 * vetter db update against files served on 127.0.0.1 by tests/lib/serve_files.py:
 * osv.dev's bucket layout (<mirror>/<Ecosystem>/all.zip), the KEV catalog and
 * a gzip of EPSS scores, over plain HTTP (allowed only with
 * --insecure-http-loopback) and over HTTPS with a certificate the test makes
 * with openssl (trusted only through --ca-file).  Redirects to another host,
 * a missing file and an over-size body are refused.
 */
#include <check.h>
#include <jansson.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "core/jsonx.h"
#include "core/strbuf.h"
#include "th.h"

static char *pathf(const char *dir, const char *rel)
{
	struct strbuf p = STRBUF_INIT;

	strbuf_addf(&p, "%s/%s", dir, rel);
	return strbuf_detach(&p, NULL);
}

static void sh(const char *script)
{
	const char *argv[] = { "sh", "-c", script, NULL };
	struct th_result res;

	th_run(&res, argv, NULL, NULL, NULL);
	th_assert_status(&res, 0);
	th_result_release(&res);
}

struct server {
	pid_t pid;
	int port;
};

/* Start serve_files.py on dir; extra arguments after it (NULL-terminated, at most 8). */
static void serve(struct server *s, const char *dir, const char *portfile, const char *const *extra)
{
	char *tool = th_repo_path("tests/lib/serve_files.py");
	const char *argv[16] = { "/usr/bin/python3", tool, dir, portfile };
	struct strbuf port = STRBUF_INIT;
	int i, n = 4;

	for (i = 0; extra && extra[i] && n < 15; i++)
		argv[n++] = extra[i];
	argv[n] = NULL;
	unlink(portfile);
	s->pid = fork();
	ck_assert_int_ge(s->pid, 0);
	if (s->pid == 0) {
		execv(argv[0], (char *const *)argv);
		_exit(127);
	}
	for (i = 0; i < 200 && !th_exists(portfile); i++)
		nanosleep(&(struct timespec){ 0, 50000000 }, NULL);
	ck_assert_msg(th_exists(portfile), "the test server did not start");
	th_read(portfile, &port);
	s->port = atoi(port.buf);
	ck_assert_int_gt(s->port, 0);
	strbuf_release(&port);
	free(tool);
}

static void stop(struct server *s)
{
	kill(s->pid, SIGTERM);
	waitpid(s->pid, NULL, 0);
}

/* The files to serve: Debian/all.zip, kev.json, epss.csv.gz. */
static char *feed_dir(const char *dir)
{
	char *www = pathf(dir, "www"), *zip = th_data_path("debian12-osv/all.zip"),
	     *kev = th_data_path("kev/known_exploited_vulnerabilities.json"),
	     *epss = th_data_path("epss/epss_scores-sample-2026-09-29.csv");
	struct strbuf s = STRBUF_INIT;

	strbuf_addf(&s, "mkdir -p '%s/Debian' && cp '%s' '%s/Debian/all.zip' && cp '%s' '%s/kev.json' && "
			"gzip -c '%s' > '%s/epss.csv.gz'",
		    www, zip, www, kev, www, epss, www);
	sh(s.buf);
	strbuf_release(&s);
	free(zip), free(kev), free(epss);
	return www;
}

static json_t *status_json(const char *db)
{
	struct th_result res;
	json_t *st = NULL;

	th_vetter(&res, NULL, "db", "status", "--format", "json", "--vulndb", db, NULL);
	th_assert_status(&res, 0);
	ck_assert_int_eq(jsonx_parse(res.out.buf, res.out.len, "status", &st), 0);
	th_result_release(&res);
	return st;
}

static void digest(const char *db, struct strbuf *out)
{
	struct th_result res;

	th_vetter(&res, NULL, "db", "digest", "--vulndb", db, NULL);
	th_assert_status(&res, 0);
	strbuf_add(out, res.out.buf, 64);
	th_result_release(&res);
}

START_TEST(update_over_loopback_http)
{
	char *dir = th_tmpdir(), *www = feed_dir(dir), *portfile = pathf(dir, "port"), *db = pathf(dir, "v.sqlite"),
	     *local = pathf(dir, "local.sqlite");
	const char *extra[] = { "--redirect", "/Moved/all.zip", "http://localhost:PORT/Debian/all.zip", "--redirect",
				"/Same/all.zip", "http://127.0.0.1:PORT/Debian/all.zip", NULL };
	struct strbuf mirror = STRBUF_INIT, kev = STRBUF_INIT, epss = STRBUF_INIT, d1 = STRBUF_INIT, d2 = STRBUF_INIT,
		      p = STRBUF_INIT;
	struct server srv;
	struct th_result res;
	json_t *st;

	serve(&srv, www, portfile, extra);
	strbuf_addf(&mirror, "http://127.0.0.1:%d", srv.port);
	strbuf_addf(&kev, "%s/kev.json", mirror.buf);
	strbuf_addf(&epss, "%s/epss.csv.gz", mirror.buf);
	/* Plain HTTP is refused without the loopback option. */
	th_vetter(&res, NULL, "db", "update", "--vulndb", db, "--mirror", mirror.buf, "--ecosystem", "Debian", "--no-kev",
		  "--no-epss", NULL);
	th_assert_status(&res, 2);
	ck_assert_ptr_nonnull(strstr(res.err.buf, "only https:// is accepted"));
	th_result_release(&res);
	/* With it: the OSV zip, the KEV catalog and the EPSS scores. */
	th_vetter(&res, NULL, "db", "update", "--vulndb", db, "--mirror", mirror.buf, "--ecosystem", "Debian", "--kev-url",
		  kev.buf, "--epss-url", epss.buf, "--insecure-http-loopback", NULL);
	th_assert_status(&res, 0);
	ck_assert_ptr_nonnull(strstr(res.out.buf, "/Debian/all.zip: 8513 read, 8513 added"));
	ck_assert_ptr_nonnull(strstr(res.out.buf, "/kev.json: 1404 read, 1404 added"));
	ck_assert_ptr_nonnull(strstr(res.out.buf, "/epss.csv.gz: 99 read, 99 added"));
	th_result_release(&res);
	st = status_json(db);
	ck_assert_int_eq((int)jsonx_int(json_array_get(json_object_get(st, "ecosystems"), 0), "records", -1), 8513);
	ck_assert_str_eq(jsonx_strz(json_array_get(json_object_get(st, "ecosystems"), 0), "ecosystem"), "Debian:12");
	ck_assert_int_eq((int)jsonx_int(json_object_get(st, "kev"), "entries", -1), 1404);
	ck_assert_int_eq((int)jsonx_int(json_object_get(st, "epss"), "entries", -1), 99);
	json_decref(st);
	/* The same content as importing the files directly. */
	strbuf_addf(&p, "%s/Debian/all.zip", www);
	th_vetter(&res, NULL, "db", "import", "osv", p.buf, "--vulndb", local, NULL);
	th_result_release(&res);
	strbuf_reset(&p);
	strbuf_addf(&p, "%s/kev.json", www);
	th_vetter(&res, NULL, "db", "import", "kev", p.buf, "--vulndb", local, NULL);
	th_result_release(&res);
	strbuf_reset(&p);
	strbuf_addf(&p, "%s/epss.csv.gz", www);
	th_vetter(&res, NULL, "db", "import", "epss", p.buf, "--vulndb", local, NULL);
	th_result_release(&res);
	digest(db, &d1);
	digest(local, &d2);
	ck_assert_str_eq(d1.buf, d2.buf);
	/* The ecosystems in use are fetched again without naming them; nothing changes. */
	th_vetter(&res, NULL, "db", "update", "--vulndb", db, "--mirror", mirror.buf, "--no-kev", "--no-epss",
		  "--insecure-http-loopback", NULL);
	th_assert_status(&res, 0);
	ck_assert_ptr_nonnull(strstr(res.out.buf, "/Debian/all.zip: 8513 read, 0 added, 0 updated, 8513 unchanged"));
	th_result_release(&res);
	/* A redirect to the same host is followed; to another host name it is refused. */
	th_vetter(&res, NULL, "db", "update", "--vulndb", db, "--mirror", mirror.buf, "--ecosystem", "Same", "--no-kev",
		  "--no-epss", "--insecure-http-loopback", NULL);
	th_assert_status(&res, 0);
	ck_assert_ptr_nonnull(strstr(res.out.buf, "/Same/all.zip: 8513 read, 0 added"));
	th_result_release(&res);
	th_vetter(&res, NULL, "db", "update", "--vulndb", local, "--mirror", mirror.buf, "--ecosystem", "Moved", "--no-kev",
		  "--no-epss", "--insecure-http-loopback", NULL);
	ck_assert_int_ne(res.status, 0);
	ck_assert_ptr_nonnull(strstr(res.err.buf, "refused (another host or scheme)"));
	th_result_release(&res);
	/* A missing file and a body over the size limit fail, and say so. */
	th_vetter(&res, NULL, "db", "update", "--vulndb", local, "--mirror", mirror.buf, "--ecosystem", "Nowhere", "--no-kev",
		  "--no-epss", "--insecure-http-loopback", NULL);
	th_assert_status(&res, 4);
	ck_assert_ptr_nonnull(strstr(res.err.buf, "/Nowhere/all.zip: HTTP status 404"));
	th_result_release(&res);
	th_vetter(&res, NULL, "db", "update", "--vulndb", local, "--mirror", mirror.buf, "--no-kev", "--no-epss",
		  "--max-size", "1000", "--insecure-http-loopback", NULL);
	th_assert_status(&res, 4);
	ck_assert_ptr_nonnull(strstr(res.err.buf, "larger than 1000 bytes"));
	th_result_release(&res);
	/* Nothing left behind beside the databases. */
	strbuf_reset(&p);
	strbuf_addf(&p, "test -z \"$(ls '%s' | grep download)\"", dir);
	sh(p.buf);
	stop(&srv);
	th_rm_rf(dir);
	free(dir), free(www), free(portfile), free(db), free(local);
	strbuf_release(&mirror), strbuf_release(&kev), strbuf_release(&epss), strbuf_release(&d1), strbuf_release(&d2),
		strbuf_release(&p);
}
END_TEST

START_TEST(update_over_https_trusts_only_the_given_ca)
{
	char *dir = th_tmpdir(), *www = feed_dir(dir), *portfile = pathf(dir, "port"), *db = pathf(dir, "v.sqlite"),
	     *cert = pathf(dir, "cert.pem"), *key = pathf(dir, "key.pem");
	struct strbuf mirror = STRBUF_INIT, s = STRBUF_INIT;
	struct server srv;
	struct th_result res;

	strbuf_addf(&s, "openssl req -x509 -newkey rsa:2048 -nodes -subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 "
			"-days 2 -keyout '%s' -out '%s' 2>/dev/null",
		    key, cert);
	sh(s.buf);
	{
		const char *extra[] = { "--tls", cert, key, NULL };

		serve(&srv, www, portfile, extra);
	}
	strbuf_addf(&mirror, "https://127.0.0.1:%d", srv.port);
	/* A self-signed certificate is not trusted... */
	th_vetter(&res, NULL, "db", "update", "--vulndb", db, "--mirror", mirror.buf, "--ecosystem", "Debian", "--no-kev",
		  "--no-epss", NULL);
	th_assert_status(&res, 4);
	ck_assert_ptr_nonnull(strstr(res.err.buf, "/Debian/all.zip: "));
	th_result_release(&res);
	/* ...unless it is the CA given. */
	th_vetter(&res, NULL, "db", "update", "--vulndb", db, "--mirror", mirror.buf, "--ecosystem", "Debian", "--no-kev",
		  "--no-epss", "--ca-file", cert, NULL);
	th_assert_status(&res, 0);
	ck_assert_ptr_nonnull(strstr(res.out.buf, "/Debian/all.zip: 8513 read, 8513 added"));
	th_result_release(&res);
	stop(&srv);
	th_rm_rf(dir);
	free(dir), free(www), free(portfile), free(db), free(cert), free(key);
	strbuf_release(&mirror), strbuf_release(&s);
}
END_TEST

Suite *vulndb_update_suite(void)
{
	Suite *s = suite_create("vulndb_update");
	TCase *tc = tcase_create("update");

	tcase_set_timeout(tc, 120);
	suite_add_tcase(s, tc);
	if (th_have_data("update_over_loopback_http", "debian12-osv/all.zip") &&
	    th_have_data("update_over_loopback_http", "kev") && th_have_data("update_over_loopback_http", "epss"))
		tcase_add_test(tc, update_over_loopback_http);
	if (th_have_data("update_over_https_trusts_only_the_given_ca", "debian12-osv/all.zip") &&
	    th_have_tool("update_over_https_trusts_only_the_given_ca", "openssl"))
		tcase_add_test(tc, update_over_https_trusts_only_the_given_ca);
	return s;
}
