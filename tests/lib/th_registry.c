#include "th_registry.h"

#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/err.h"
#include "core/jsonx.h"
#include "core/strbuf.h"
#include "core/util.h"
#include "th.h"

struct th_regenv th_reg;
static pid_t started_by;

static void env_up(void)
{
	char *tool = th_repo_path("tests/lib/regenv.py");
	char pid[32];
	struct strbuf p = STRBUF_INIT;
	struct th_result res;
	json_t *ports;

	th_reg.dir = th_tmpdir();
	snprintf(pid, sizeof(pid), "%d", (int)getpid());
	{
		const char *argv[] = { "python3", tool, "up", th_reg.dir, "--watch", pid, NULL };

		th_run(&res, argv, NULL, NULL, NULL);
	}
	if (res.status != 0) {
		fprintf(stderr, "regenv.py up failed:\n%s\n%s\n", res.out.buf, res.err.buf);
		th_result_release(&res);
		free(tool);
		return;
	}
	th_result_release(&res);
	free(tool);
	strbuf_addf(&p, "%s/env.json", th_reg.dir);
	if (jsonx_load_file(p.buf, 0, &th_reg.env) < 0) {
		fprintf(stderr, "env.json: %s\n", err_last());
		strbuf_release(&p);
		return;
	}
	ports = json_object_get(th_reg.env, "ports");
	th_reg.port_a = (int)jsonx_int(ports, "proxy_a", 0);
	th_reg.port_b = (int)jsonx_int(ports, "proxy_b", 0);
	th_reg.port_c = (int)jsonx_int(ports, "proxy_c", 0);
	snprintf(th_reg.ca_path, sizeof(th_reg.ca_path), "%s", jsonx_strz(th_reg.env, "ca"));
	/* alice:s3cret for the three proxies; and an identity token for the token registry. */
	snprintf(th_reg.dc_path, sizeof(th_reg.dc_path), "%s/docker-config.json", th_reg.dir);
	th_write_fmt(th_reg.dc_path,
		     "{\"auths\": {\"127.0.0.1:%d\": {\"auth\": \"YWxpY2U6czNjcmV0\"}, \"127.0.0.1:%d\": {\"auth\": "
		     "\"YWxpY2U6czNjcmV0\"}, \"127.0.0.1:%d\": {\"auth\": \"YWxpY2U6czNjcmV0\"}}}",
		     th_reg.port_a, th_reg.port_b, th_reg.port_c);
	snprintf(th_reg.dc_token_path, sizeof(th_reg.dc_token_path), "%s/docker-config-token.json", th_reg.dir);
	th_write_fmt(th_reg.dc_token_path, "{\"auths\": {\"127.0.0.1:%d\": {\"identitytoken\": \"%s\"}}}", th_reg.port_b,
		     jsonx_strz(th_reg.env, "identity_token"));
	strbuf_release(&p);
}

/* After the runner's last test: no Check calls here (th_run asserts), plain fork and exec. */
static void stop_at_exit(void)
{
	char *tool;
	pid_t pid;

	if (getpid() != started_by)
		return;
	tool = th_repo_path("tests/lib/regenv.py");
	if (th_reg.dir) {
		fflush(NULL);
		pid = fork();
		if (pid == 0) {
			execlp("python3", "python3", tool, "down", th_reg.dir, (char *)NULL);
			_exit(127);
		}
		if (pid > 0)
			while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
				;
		util_rm_rf(th_reg.dir);
		free(th_reg.dir);
		th_reg.dir = NULL;
	}
	json_decref(th_reg.env);
	th_reg.env = NULL;
	free(tool);
}

void th_reg_need(void)
{
	ck_assert_msg(th_reg.env && th_reg.port_a && th_reg.port_b && th_reg.port_c,
		      "the test registries did not start (see above)");
}

/* What regenv.py pushed, as the registry has it: images.KEY, or images.KEY.SUB (SUB may hold dots). */
const char *th_reg_img(const char *key, const char *sub)
{
	json_t *v = json_object_get(json_object_get(th_reg.env, "images"), key);
	const char *s = json_string_value(sub ? json_object_get(v, sub) : v);

	ck_assert_msg(s != NULL, "env.json has no images.%s%s%s", key, sub ? "." : "", sub ? sub : "");
	return s;
}

/* images.KEY[i] or images.KEY.SUB[i] */
const char *th_reg_img_at(const char *key, const char *sub, size_t i)
{
	json_t *v = json_object_get(json_object_get(th_reg.env, "images"), key);
	const char *s = json_string_value(json_array_get(sub ? json_object_get(v, sub) : v, i));

	ck_assert_msg(s != NULL, "env.json has no images.%s.%s[%zu]", key, sub ? sub : "", i);
	return s;
}

/* The proxies' request log, from now on. */
void th_reg_log_reset(void)
{
	struct strbuf p = STRBUF_INIT;

	strbuf_addf(&p, "%s/requests.log", th_reg.dir);
	th_write(p.buf, "");
	strbuf_release(&p);
}

/* Lines of the request log matching proxy, method, a path prefix and an auth kind (NULL: any). */
int th_reg_log_count(const char *proxy, const char *method, const char *path_prefix, const char *auth)
{
	struct strbuf p = STRBUF_INIT, text = STRBUF_INIT;
	char *line, *save = NULL;
	int n = 0;

	strbuf_addf(&p, "%s/requests.log", th_reg.dir);
	th_read(p.buf, &text);
	for (line = strtok_r(text.buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		json_t *r = json_loads(line, 0, NULL);

		if (r && (!proxy || !strcmp(jsonx_strz(r, "proxy"), proxy)) &&
		    (!method || !strcmp(jsonx_strz(r, "method"), method)) &&
		    (!path_prefix || util_has_prefix(jsonx_strz(r, "path"), path_prefix)) &&
		    (!auth || !strcmp(jsonx_strz(r, "auth"), auth)))
			n++;
		json_decref(r);
	}
	strbuf_release(&p);
	strbuf_release(&text);
	return n;
}

/* The proxies fail the test on anything but a read. */
void th_reg_no_violations(void)
{
	struct strbuf p = STRBUF_INIT, text = STRBUF_INIT;

	strbuf_addf(&p, "%s/violations.log", th_reg.dir);
	th_read(p.buf, &text);
	ck_assert_msg(text.len == 0, "vetter sent requests that are not reads:\n%s", text.buf);
	strbuf_release(&p);
	strbuf_release(&text);
}

void th_reg_start(void)
{
	if (th_reg.dir)
		return;
	env_up();
	started_by = getpid();
	/* Test children are forks of the runner: only the runner itself stops the registries. */
	atexit(stop_at_exit);
}
