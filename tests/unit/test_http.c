/*
 * The HTTP layer against a loopback server: reads only, credentials never
 * follow a redirect to another host, metadata addresses refused, retries,
 * limits, TLS verification with a CA made in the test.
 */
#include <check.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

#include "core/err.h"
#include "core/http.h"
#include "core/util.h"
#include "th.h"

static struct th_server srv;
static char *logfile;

static void start(const char *tls_cert, const char *tls_key)
{
	char *tool = th_repo_path("tests/lib/httpd.py");
	char *dir = th_tmpdir();
	const char *argv[] = { "python3", tool, "--log", NULL, NULL, NULL, NULL, NULL };
	struct strbuf lp = STRBUF_INIT;

	strbuf_addf(&lp, "%s/requests.log", dir);
	logfile = strbuf_detach(&lp, NULL);
	argv[3] = logfile;
	if (tls_cert) {
		argv[4] = "--tls";
		argv[5] = tls_cert;
		argv[6] = tls_key;
	}
	th_server_start(&srv, argv);
	free(tool);
	free(dir);
}

static void stop(void)
{
	th_server_stop(&srv);
}

static char *url(const char *scheme, const char *host, const char *path)
{
	struct strbuf u = STRBUF_INIT;

	strbuf_addf(&u, "%s://%s:%d%s", scheme, host, srv.port, path);
	return strbuf_detach(&u, NULL);
}

static struct http_client *plain_client(void)
{
	struct http_options opt = { .tls_verify = 1, .allow_plain_http = 1, .max_body = 1 << 20 };
	struct http_client *c = NULL;

	ck_assert_int_eq(http_client_new(&c, &opt), 0);
	return c;
}

START_TEST(get_works_and_writes_are_refused)
{
	struct http_client *c;
	struct http_response r;
	struct http_request req = { 0 };
	struct strbuf log = STRBUF_INIT;
	char *u;

	start(NULL, NULL);
	c = plain_client();
	u = url("http", "127.0.0.1", "/ok");
	req.url = u;
	ck_assert_msg(http_do(c, &req, &r) == 0, "%s", err_last());
	ck_assert_int_eq(r.status, 200);
	ck_assert_str_eq(r.body.buf, "{\"ok\": true}");
	http_response_release(&r);
	/* Methods that change things never leave the process. */
	req.method = "DELETE";
	ck_assert_int_eq(http_do(c, &req, &r), ERR_DENIED);
	req.method = "PUT";
	ck_assert_int_eq(http_do(c, &req, &r), ERR_DENIED);
	req.method = "POST";
	ck_assert_int_eq(http_do(c, &req, &r), ERR_DENIED);
	ck_assert_msg(strstr(err_last(), "vetter only reads"), "%s", err_last());
	/* POST is for token exchanges and AWS reads only, and says so. */
	req.purpose = HTTP_TOKEN_EXCHANGE;
	req.body = "grant_type=x";
	req.body_len = 12;
	ck_assert_int_eq(http_do(c, &req, &r), 0);
	http_response_release(&r);
	th_read(logfile, &log);
	ck_assert_msg(!strstr(log.buf, "DELETE") && !strstr(log.buf, "PUT"), "%s", log.buf);
	ck_assert_int_eq(strstr(log.buf, "POST") != NULL, 1);
	strbuf_release(&log);
	http_client_free(c);
	free(u);
	stop();
}
END_TEST

START_TEST(credentials_stay_with_their_host)
{
	struct http_client *c;
	struct http_response r;
	struct http_request req = { 0 };
	struct strbuf to = STRBUF_INIT, from = STRBUF_INIT;
	char *same, *other;

	start(NULL, NULL);
	c = plain_client();
	same = url("http", "127.0.0.1", "/echo");
	other = url("http", "localhost", "/echo");
	req.credential = "Authorization: Bearer s3cr3t-t0ken";
	/* A redirect on the same host keeps the credential... */
	strbuf_addf(&from, "http://127.0.0.1:%d/redirect?to=%s", srv.port, same);
	req.url = from.buf;
	ck_assert_int_eq(http_do(c, &req, &r), 0);
	ck_assert_str_eq(r.body.buf, "GET auth=Bearer s3cr3t-t0ken");
	http_response_release(&r);
	/* ...one to another host loses it. */
	strbuf_reset(&from);
	strbuf_addf(&from, "http://127.0.0.1:%d/redirect?to=%s", srv.port, other);
	req.url = from.buf;
	ck_assert_int_eq(http_do(c, &req, &r), 0);
	ck_assert_str_eq(r.body.buf, "GET auth=");
	http_response_release(&r);
	/* A redirect to a metadata address is never followed. */
	strbuf_reset(&from);
	strbuf_addf(&from, "http://127.0.0.1:%d/redirect?to=http://169.254.169.254/latest/meta-data/", srv.port);
	req.url = from.buf;
	ck_assert_int_eq(http_do(c, &req, &r), ERR_DENIED);
	ck_assert_msg(strstr(err_last(), "169.254.169.254"), "%s", err_last());
	/* Nor to another scheme. */
	strbuf_reset(&from);
	strbuf_addf(&from, "http://127.0.0.1:%d/redirect?to=file:///etc/passwd", srv.port);
	req.url = from.buf;
	ck_assert_int_eq(http_do(c, &req, &r), ERR_DENIED);
	http_client_free(c);
	free(same);
	free(other);
	strbuf_release(&to);
	strbuf_release(&from);
	stop();
}
END_TEST

START_TEST(metadata_addresses_are_refused_directly)
{
	struct http_options opt = { .tls_verify = 1, .allow_plain_http = 1, .connect_timeout_s = 2 };
	struct http_client *c = NULL;
	struct http_response r;
	struct http_request req = { 0 };
	struct sockaddr_in6 v6 = { 0 };
	struct sockaddr_in v4 = { 0 };

	ck_assert_int_eq(http_client_new(&c, &opt), 0);
	req.url = "http://169.254.169.254/latest/meta-data/iam/security-credentials/";
	ck_assert_int_eq(http_do(c, &req, &r), ERR_DENIED);
	http_client_free(c);
	v4.sin_family = AF_INET;
	v4.sin_addr.s_addr = htonl(0xa9fea9fe);
	ck_assert(http_address_forbidden((struct sockaddr *)&v4));
	v4.sin_addr.s_addr = htonl(0x7f000001);
	ck_assert(!http_address_forbidden((struct sockaddr *)&v4));
	v6.sin6_family = AF_INET6;
	inet_pton(AF_INET6, "fd00:ec2::254", &v6.sin6_addr);
	ck_assert(http_address_forbidden((struct sockaddr *)&v6));
	inet_pton(AF_INET6, "fe80::1", &v6.sin6_addr);
	ck_assert(http_address_forbidden((struct sockaddr *)&v6));
	inet_pton(AF_INET6, "2001:db8::1", &v6.sin6_addr);
	ck_assert(!http_address_forbidden((struct sockaddr *)&v6));
}
END_TEST

START_TEST(retries_and_limits)
{
	struct http_client *c;
	struct http_response r;
	struct http_request req = { 0 };
	char *u;

	start(NULL, NULL);
	c = plain_client();
	u = url("http", "127.0.0.1", "/flaky?key=a&fail=2");
	req.url = u;
	ck_assert_int_eq(http_do(c, &req, &r), 0);
	ck_assert_int_eq(r.status, 200);
	ck_assert_str_eq(r.body.buf, "recovered");
	http_response_release(&r);
	free(u);
	u = url("http", "127.0.0.1", "/big?n=2000000");
	req.url = u;
	ck_assert_int_eq(http_do(c, &req, &r), ERR_LIMIT);
	free(u);
	u = url("http", "127.0.0.1", "/status?code=403");
	req.url = u;
	ck_assert_int_eq(http_do(c, &req, &r), 0);
	ck_assert_int_eq(r.status, 403);
	http_response_release(&r);
	http_client_free(c);
	free(u);
	stop();
}
END_TEST

/* A CA and a server certificate for 127.0.0.1, made with openssl for the test. */
static void make_certs(const char *dir)
{
	struct strbuf cmd = STRBUF_INIT;
	struct th_result res;
	const char *argv[] = { "sh", "-c", NULL, NULL };

	strbuf_addf(&cmd,
		    "cd %s && openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.pem -days 2 -subj /CN=test-ca "
		    ">/dev/null 2>&1 && openssl req -newkey rsa:2048 -nodes -keyout srv.key -out srv.csr -subj /CN=127.0.0.1 "
		    ">/dev/null 2>&1 && printf 'subjectAltName=IP:127.0.0.1\\n' > ext && openssl x509 -req -in srv.csr -CA ca.pem "
		    "-CAkey ca.key -CAcreateserial -out srv.pem -days 2 -extfile ext >/dev/null 2>&1",
		    dir);
	argv[2] = cmd.buf;
	th_run(&res, argv, NULL, NULL, NULL);
	th_assert_status(&res, 0);
	th_result_release(&res);
	strbuf_release(&cmd);
}

START_TEST(tls_is_verified)
{
	char *dir = th_tmpdir(), *cert, *key, *ca, *u;
	struct http_options opt = { .tls_verify = 1 };
	struct http_client *c = NULL;
	struct http_response r;
	struct http_request req = { 0 };
	struct strbuf p = STRBUF_INIT;

	make_certs(dir);
	strbuf_addf(&p, "%s/srv.pem", dir);
	cert = strbuf_detach(&p, NULL);
	strbuf_addf(&p, "%s/srv.key", dir);
	key = strbuf_detach(&p, NULL);
	strbuf_addf(&p, "%s/ca.pem", dir);
	ca = strbuf_detach(&p, NULL);
	start(cert, key);
	u = url("https", "127.0.0.1", "/ok");
	req.url = u;
	/* Unknown CA: refused. */
	ck_assert_int_eq(http_client_new(&c, &opt), 0);
	ck_assert_int_eq(http_do(c, &req, &r), ERR_NET);
	http_client_free(c);
	/* With the CA: fine. */
	opt.ca_file = ca;
	ck_assert_int_eq(http_client_new(&c, &opt), 0);
	ck_assert_msg(http_do(c, &req, &r) == 0, "%s", err_last());
	ck_assert_int_eq(r.status, 200);
	http_response_release(&r);
	http_client_free(c);
	/* Verification turned off (the engagement file can, per source): fine, and the caller reports it. */
	opt.ca_file = NULL;
	opt.tls_verify = 0;
	ck_assert_int_eq(http_client_new(&c, &opt), 0);
	ck_assert_int_eq(http_do(c, &req, &r), 0);
	http_response_release(&r);
	http_client_free(c);
	stop();
	th_rm_rf(dir);
	free(dir), free(cert), free(key), free(ca), free(u);
}
END_TEST

Suite *http_suite(void)
{
	Suite *s = suite_create("http");
	TCase *tc = tcase_create("http");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, get_works_and_writes_are_refused);
	tcase_add_test(tc, credentials_stay_with_their_host);
	tcase_add_test(tc, metadata_addresses_are_refused_directly);
	tcase_add_test(tc, retries_and_limits);
	if (th_have_tool("tls_is_verified", "openssl"))
		tcase_add_test(tc, tls_is_verified);
	suite_add_tcase(s, tc);
	return s;
}
