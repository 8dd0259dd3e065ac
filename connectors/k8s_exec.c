#include "k8s_exec.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "core/err.h"
#include "core/jsonx.h"
#include "core/log.h"
#include "core/util.h"

#define EXEC_MAX_OUT ((size_t)1 << 20)
#define EXEC_MAX_ERR 4096
#define EXEC_MAX_ARGS 256
#define EXEC_MAX_ARG 4096

struct argv_list {
	char **v;
	size_t n;
};

static int argv_push(struct argv_list *l, const char *s)
{
	char **nv = realloc(l->v, (l->n + 2) * sizeof(*nv));

	if (!nv)
		return err_set(ERR_NOMEM, "out of memory");
	l->v = nv;
	if (!(l->v[l->n] = util_strdup(s)))
		return ERR_NOMEM;
	l->v[++l->n] = NULL;
	return 0;
}

static int argv_pushf(struct argv_list *l, const char *name, const char *value)
{
	struct strbuf sb = STRBUF_INIT;
	int rc;

	if ((rc = strbuf_addf(&sb, "%s=%s", name, value)) == 0)
		rc = argv_push(l, sb.buf);
	strbuf_release(&sb);
	return rc;
}

static void argv_free(struct argv_list *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
	l->v = NULL;
	l->n = 0;
}

static int valid_env_name(const char *s)
{
	size_t i;

	if (!s[0] || (s[0] >= '0' && s[0] <= '9'))
		return 0;
	for (i = 0; s[i]; i++)
		if (!((s[i] >= 'A' && s[i] <= 'Z') || (s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') ||
		      s[i] == '_'))
			return 0;
	return i <= 256;
}

/* KUBERNETES_EXEC_INFO, as kubectl sets it for a non-interactive run (with the cluster when asked for). */
static int exec_info(struct strbuf *out, const json_t *exec, const char *api_version, const struct k8s_target *t)
{
	json_t *info = json_object(), *spec = json_object(), *cl = NULL;
	struct strbuf ca = STRBUF_INIT;
	int rc = 0;

	if (!info || !spec) {
		json_decref(info);
		json_decref(spec);
		return err_set(ERR_NOMEM, "out of memory");
	}
	json_object_set_new(spec, "interactive", json_false());
	jsonx_set_str(info, "apiVersion", api_version);
	jsonx_set_str(info, "kind", "ExecCredential");
	json_object_set_new(info, "spec", spec);
	if (jsonx_bool(exec, "provideClusterInfo", 0) && t->server) {
		if (!(cl = json_object()) || json_object_set_new(spec, "cluster", cl) < 0 ||
		    jsonx_set_str(cl, "server", t->server) < 0 ||
		    (t->insecure && json_object_set_new(cl, "insecure-skip-tls-verify", json_true()) < 0) ||
		    (t->ca_pem && (util_base64_encode(&ca, (const unsigned char *)t->ca_pem, strlen(t->ca_pem)) < 0 ||
				   jsonx_set_str(cl, "certificate-authority-data", ca.buf) < 0)))
			rc = err_set(ERR_NOMEM, "out of memory");
	}
	if (rc == 0)
		rc = jsonx_dump_canonical(out, info);
	json_decref(info);
	strbuf_release(&ca);
	return rc;
}

static int build_env(const json_t *exec, const char *api_version, const struct k8s_target *t, struct argv_list *env)
{
	static const char *const keep[] = { "PATH", "HOME", "TMPDIR" };
	struct strbuf info = STRBUF_INIT;
	json_t *list = json_object_get(exec, "env"), *e;
	const char *v;
	size_t i;
	int rc = 0;

	for (i = 0; i < ARRAY_SIZE(keep); i++)
		if ((v = getenv(keep[i])) && (rc = argv_pushf(env, keep[i], v)) < 0)
			goto cleanup;
	if (!getenv("PATH") && (rc = argv_push(env, "PATH=/usr/local/bin:/usr/bin:/bin")) < 0)
		goto cleanup;
	if ((rc = exec_info(&info, exec, api_version, t)) < 0 ||
	    (rc = argv_pushf(env, "KUBERNETES_EXEC_INFO", info.buf)) < 0)
		goto cleanup;
	if (list && !json_is_null(list) && !json_is_array(list)) {
		rc = err_set(ERR_PARSE, "exec.env must be a list of {name, value}");
		goto cleanup;
	}
	if (json_array_size(list) > EXEC_MAX_ARGS) {
		rc = err_set(ERR_LIMIT, "exec.env lists more than %d variables", EXEC_MAX_ARGS);
		goto cleanup;
	}
	json_array_foreach(list, i, e) {
		const char *n = jsonx_str(e, "name"), *val = jsonx_str(e, "value");

		if (!n || !val || !valid_env_name(n) || strlen(val) > EXEC_MAX_ARG) {
			rc = err_set(ERR_PARSE, "exec.env[%zu] must have a variable name and a string value", i);
			goto cleanup;
		}
		if ((rc = argv_pushf(env, n, val)) < 0)
			goto cleanup;
	}
cleanup:
	strbuf_release(&info);
	return rc;
}

static int build_argv(const json_t *exec, const struct k8s_exec_opts *o, struct argv_list *argv)
{
	struct strbuf path = STRBUF_INIT, abs = STRBUF_INIT;
	const char *cmd = jsonx_str(exec, "command");
	json_t *args = json_object_get(exec, "args"), *a;
	size_t i;
	int rc = 0;

	if (!cmd || !cmd[0] || strlen(cmd) > EXEC_MAX_ARG)
		return err_set(ERR_PARSE, "exec.command must name a program");
	if (strchr(cmd, '/') && cmd[0] != '/') {
		/* kubectl runs ./plugin from the kubeconfig's folder; the data room's folder is as far as it goes. */
		if ((rc = util_path_join(&abs, o->kubeconfig_dir, cmd)) < 0 ||
		    (rc = util_path_within(&path, o->engagement_dir, abs.buf)) < 0)
			goto cleanup;
		rc = argv_push(argv, path.buf);
	} else {
		rc = argv_push(argv, cmd);
	}
	if (rc < 0)
		goto cleanup;
	if (args && !json_is_null(args) && (!json_is_array(args) || json_array_size(args) > EXEC_MAX_ARGS)) {
		rc = err_set(ERR_PARSE, "exec.args must be a list of at most %d strings", EXEC_MAX_ARGS);
		goto cleanup;
	}
	json_array_foreach(args, i, a) {
		if (!json_is_string(a) || strlen(json_string_value(a)) > EXEC_MAX_ARG) {
			rc = err_set(ERR_PARSE, "exec.args[%zu] must be a string", i);
			goto cleanup;
		}
		if ((rc = argv_push(argv, json_string_value(a))) < 0)
			goto cleanup;
	}
cleanup:
	strbuf_release(&path);
	strbuf_release(&abs);
	return rc;
}

static long ms_left(const struct timespec *deadline)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (long)(deadline->tv_sec - now.tv_sec) * 1000 + (deadline->tv_nsec - now.tv_nsec) / 1000000;
}

/* Read the child's stdout and stderr until both close or time runs out; 1 on timeout. */
static int drain(int out_fd, int err_fd, struct strbuf *out, struct strbuf *err, int timeout_s, int *too_big)
{
	struct pollfd p[2] = { { out_fd, POLLIN, 0 }, { err_fd, POLLIN, 0 } };
	struct timespec deadline;
	char buf[8192];
	int open_fds = 2, i;

	clock_gettime(CLOCK_MONOTONIC, &deadline);
	deadline.tv_sec += timeout_s;
	while (open_fds) {
		long left = ms_left(&deadline);
		int n;

		if (left <= 0)
			return 1;
		n = poll(p, 2, (int)(left > 1000 ? 1000 : left));
		if (n < 0 && errno != EINTR)
			return 1;
		for (i = 0; i < 2 && n > 0; i++) {
			ssize_t got;

			if (p[i].fd < 0 || !(p[i].revents & (POLLIN | POLLHUP | POLLERR)))
				continue;
			got = read(p[i].fd, buf, sizeof(buf));
			if (got <= 0) {
				if (got < 0 && errno == EINTR)
					continue;
				p[i].fd = -1;
				open_fds--;
				continue;
			}
			if (i == 0) {
				if (out->len + (size_t)got > EXEC_MAX_OUT) {
					*too_big = 1;
					return 1;
				}
				strbuf_add(out, buf, (size_t)got);
			} else if (err->len < EXEC_MAX_ERR) {
				strbuf_add(err, buf, (size_t)got > EXEC_MAX_ERR - err->len ? EXEC_MAX_ERR - err->len : (size_t)got);
			}
		}
	}
	return 0;
}

/* The first line of what the plugin said on stderr, printable characters only. */
static void first_line(struct strbuf *dst, const struct strbuf *src)
{
	size_t i;

	for (i = 0; i < src->len && i < 300 && src->buf[i] != '\n'; i++)
		strbuf_addch(dst, (unsigned char)src->buf[i] >= 0x20 && (unsigned char)src->buf[i] < 0x7f ? src->buf[i] : '?');
}

static int run(const struct argv_list *argv, const struct argv_list *env, int timeout_s, struct strbuf *out)
{
	struct strbuf err = STRBUF_INIT, line = STRBUF_INIT;
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t attr;
	int op[2] = { -1, -1 }, ep[2] = { -1, -1 }, status = 0, timed_out, too_big = 0, rc = 0, i;
	pid_t pid = -1;

	if (pipe(op) < 0 || pipe(ep) < 0) {
		rc = err_set(ERR_IO, "cannot run the exec plugin: %s", strerror(errno));
		goto cleanup;
	}
	for (i = 0; i < 2; i++) {
		fcntl(op[i], F_SETFD, FD_CLOEXEC);
		fcntl(ep[i], F_SETFD, FD_CLOEXEC);
	}
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_adddup2(&fa, op[1], 1);
	posix_spawn_file_actions_adddup2(&fa, ep[1], 2);
	posix_spawnattr_init(&attr);
	posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP);
	posix_spawnattr_setpgroup(&attr, 0);
	if (strchr(argv->v[0], '/'))
		rc = posix_spawn(&pid, argv->v[0], &fa, &attr, argv->v, env->v);
	else
		rc = posix_spawnp(&pid, argv->v[0], &fa, &attr, argv->v, env->v);
	posix_spawn_file_actions_destroy(&fa);
	posix_spawnattr_destroy(&attr);
	if (rc != 0) {
		rc = err_set(ERR_NOTFOUND, "cannot run the exec plugin '%.200s': %s", argv->v[0], strerror(rc));
		pid = -1;
		goto cleanup;
	}
	close(op[1]);
	close(ep[1]);
	op[1] = ep[1] = -1;
	timed_out = drain(op[0], ep[0], out, &err, timeout_s, &too_big);
	if (timed_out)
		kill(-pid, SIGKILL);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (timed_out) {
		rc = too_big ? err_set(ERR_LIMIT, "the exec plugin '%.200s' printed more than %zu bytes", argv->v[0],
				       EXEC_MAX_OUT)
			     : err_set(ERR_NET, "the exec plugin '%.200s' did not finish within %d s and was killed",
				       argv->v[0], timeout_s);
		goto cleanup;
	}
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		first_line(&line, &err);
		rc = err_set(ERR_AUTH, "the exec plugin '%.200s' failed (%s %d)%s%s", argv->v[0],
			     WIFEXITED(status) ? "exit status" : "signal",
			     WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status), line.len ? ": " : "", line.buf);
	}
cleanup:
	for (i = 0; i < 2; i++) {
		if (op[i] >= 0)
			close(op[i]);
		if (ep[i] >= 0)
			close(ep[i]);
	}
	strbuf_release(&err);
	strbuf_release(&line);
	return rc;
}

int k8s_exec_run(const json_t *exec, const struct k8s_exec_opts *o, struct k8s_target *t)
{
	static const char *const versions[] = { "client.authentication.k8s.io/v1",
						"client.authentication.k8s.io/v1beta1" };
	struct argv_list argv = { NULL, 0 }, env = { NULL, 0 };
	struct strbuf out = STRBUF_INIT;
	const char *api = jsonx_str(exec, "apiVersion"), *mode = jsonx_str(exec, "interactiveMode");
	size_t i;
	int rc;

	for (i = 0; api && i < ARRAY_SIZE(versions); i++)
		if (!strcmp(api, versions[i]))
			break;
	if (!api || i == ARRAY_SIZE(versions))
		return err_set(ERR_UNSUPPORTED, "exec plugin: apiVersion '%.100s' is not one Kubernetes still runs "
			       "(client.authentication.k8s.io/v1 or v1beta1)", api ? api : "");
	if (mode && !strcmp(mode, "Always"))
		return err_set(ERR_UNSUPPORTED, "exec plugin: interactiveMode Always needs a terminal; vetter runs "
			       "plugins without one");
	strbuf_init(&out, EXEC_MAX_OUT + 1);
	if ((rc = build_argv(exec, o, &argv)) < 0 || (rc = build_env(exec, api, t, &env)) < 0)
		goto cleanup;
	log_info("running the exec credential plugin %s for context %s", argv.v[0], t->context ? t->context : "?");
	if ((rc = run(&argv, &env, o->timeout_s > 0 ? o->timeout_s : 30, &out)) < 0)
		goto cleanup;
	rc = k8s_exec_credential_parse(out.buf, out.len, api, t);
cleanup:
	if (out.len)
		memset(out.buf, 0, out.len);
	strbuf_release(&out);
	argv_free(&argv);
	argv_free(&env);
	return rc;
}
