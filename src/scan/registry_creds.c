#include "registry_creds.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "core/err.h"
#include "core/jsonx.h"
#include "core/log.h"
#include "core/util.h"

extern char **environ;

#define HELPER_TIMEOUT_MS 30000
#define HELPER_MAX_OUTPUT (64 * 1024)
#define DOCKER_CONFIG_MAX (4 * 1024 * 1024)

struct docker_config {
	json_t *doc; /* NULL: no file */
	char *path;
	int allow_exec;
	int warned;
};

void docker_config_free(struct docker_config *dc)
{
	if (!dc)
		return;
	json_decref(dc->doc);
	free(dc->path);
	free(dc);
}

int docker_config_load(struct docker_config **out, const char *path, int allow_exec)
{
	struct docker_config *dc = calloc(1, sizeof(*dc));
	struct strbuf def = STRBUF_INIT;
	const char *env;
	int rc = 0;

	if (!dc)
		return err_set(ERR_NOMEM, "out of memory");
	dc->allow_exec = allow_exec;
	if (!path) {
		if ((env = getenv("DOCKER_CONFIG")) && env[0])
			strbuf_addf(&def, "%s/config.json", env);
		else if ((env = getenv("HOME")) && env[0])
			strbuf_addf(&def, "%s/.docker/config.json", env);
		if (!def.len || !util_exists(def.buf))
			goto done; /* no file: anonymous everywhere */
		path = def.buf;
	}
	dc->path = util_strdup(path);
	if (!dc->path) {
		rc = ERR_NOMEM;
		goto done;
	}
	if ((rc = jsonx_load_file(path, DOCKER_CONFIG_MAX, &dc->doc)) < 0) {
		rc = err_prefix(rc == ERR_NOTFOUND ? ERR_USAGE : rc, "registry config");
		goto done;
	}
	if (!json_is_object(dc->doc))
		rc = err_set(ERR_USAGE, "%s: a docker config is a JSON object", path);
done:
	strbuf_release(&def);
	if (rc < 0)
		docker_config_free(dc);
	else
		*out = dc;
	return rc;
}

int docker_config_host_key(struct strbuf *out, const char *s)
{
	size_t i, start = out->len;
	const char *p = s;
	int rc;

	if (util_has_prefix(p, "https://"))
		p += 8;
	else if (util_has_prefix(p, "http://"))
		p += 7;
	if ((rc = strbuf_add(out, p, strcspn(p, "/"))) < 0)
		return rc;
	for (i = start; i < out->len; i++)
		if (out->buf[i] >= 'A' && out->buf[i] <= 'Z')
			out->buf[i] = (char)(out->buf[i] - 'A' + 'a');
	if (!strcmp(out->buf + start, "docker.io") || !strcmp(out->buf + start, "registry-1.docker.io")) {
		strbuf_setlen(out, start);
		rc = strbuf_addstr(out, "index.docker.io");
	}
	return rc;
}

/* The member of obj whose key names host (any of docker's spellings). */
static json_t *find_host(json_t *obj, const char *host)
{
	struct strbuf want = STRBUF_INIT, have = STRBUF_INIT;
	const char *k;
	json_t *v, *found = NULL;

	docker_config_host_key(&want, host);
	json_object_foreach(obj, k, v) {
		strbuf_reset(&have);
		docker_config_host_key(&have, k);
		if (!strcmp(have.buf, want.buf)) {
			found = v;
			break;
		}
	}
	strbuf_release(&want);
	strbuf_release(&have);
	return found;
}

static int keep(char **slot, const char *value)
{
	if (!value || !value[0])
		return 0;
	*slot = strdup(value);
	if (!*slot)
		return err_set(ERR_NOMEM, "out of memory");
	if (strlen(value) >= 4)
		log_secret_add(value, strlen(value));
	return 0;
}

static int from_auths(struct docker_config *dc, json_t *entry, struct registry_cred *out)
{
	struct strbuf dec = STRBUF_INIT;
	const char *auth = jsonx_str(entry, "auth");
	int rc = 0;

	if (auth && auth[0]) {
		char *colon;

		strbuf_init(&dec, 64 * 1024);
		if ((rc = util_base64_decode(&dec, auth, strlen(auth))) < 0 || !(colon = memchr(dec.buf, ':', dec.len)) ||
		    memchr(dec.buf, 0, dec.len)) {
			rc = err_set(ERR_PARSE, "%s: an \"auth\" value that is not base64 of USER:PASSWORD", dc->path);
			goto cleanup;
		}
		*colon = 0;
		if ((rc = keep(&out->username, dec.buf)) < 0 || (rc = keep(&out->password, colon + 1)) < 0)
			goto cleanup;
		log_secret_add(auth, strlen(auth));
	} else {
		if ((rc = keep(&out->username, jsonx_str(entry, "username"))) < 0 ||
		    (rc = keep(&out->password, jsonx_str(entry, "password"))) < 0)
			goto cleanup;
	}
	if ((rc = keep(&out->identity_token, jsonx_str(entry, "identitytoken"))) < 0 ||
	    (rc = keep(&out->registry_token, jsonx_str(entry, "registrytoken"))) < 0)
		goto cleanup;
	rc = out->username || out->identity_token || out->registry_token ? 0 : ERR_NOTFOUND;
cleanup:
	if (dec.len)
		memset(dec.buf, 0, dec.len);
	strbuf_release(&dec);
	return rc;
}

static int valid_helper(const char *name)
{
	size_t i;

	if (!name[0] || strlen(name) > 64)
		return 0;
	for (i = 0; name[i]; i++)
		if (!((name[i] >= 'a' && name[i] <= 'z') || (name[i] >= 'A' && name[i] <= 'Z') ||
		      (name[i] >= '0' && name[i] <= '9') || name[i] == '-' || name[i] == '_' || name[i] == '.'))
			return 0;
	return 1;
}

static long elapsed_ms(const struct timespec *t0)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (t.tv_sec - t0->tv_sec) * 1000 + (t.tv_nsec - t0->tv_nsec) / 1000000;
}

/* Run "docker-credential-NAME get" with the server on stdin; its stdout into out. */
static int run_helper(const char *name, const char *server, struct strbuf *out, struct strbuf *errout)
{
	int in[2] = { -1, -1 }, o[2] = { -1, -1 }, e[2] = { -1, -1 }, status = 0, rc = 0;
	posix_spawn_file_actions_t fa;
	struct strbuf prog = STRBUF_INIT;
	char *argv[3];
	struct timespec t0;
	pid_t pid = -1;
	char buf[4096];
	int open_fds = 2;

	strbuf_addf(&prog, "docker-credential-%s", name);
	if (pipe(in) < 0 || pipe(o) < 0 || pipe(e) < 0) {
		rc = err_set(ERR_IO, "pipe: %s", strerror(errno));
		goto cleanup;
	}
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, in[0], 0);
	posix_spawn_file_actions_adddup2(&fa, o[1], 1);
	posix_spawn_file_actions_adddup2(&fa, e[1], 2);
	posix_spawn_file_actions_addclose(&fa, in[1]);
	posix_spawn_file_actions_addclose(&fa, o[0]);
	posix_spawn_file_actions_addclose(&fa, e[0]);
	argv[0] = prog.buf;
	argv[1] = "get";
	argv[2] = NULL;
	rc = posix_spawnp(&pid, prog.buf, &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	close(in[0]);
	close(o[1]);
	close(e[1]);
	in[0] = o[1] = e[1] = -1;
	if (rc != 0) {
		pid = -1;
		rc = err_set(ERR_NOTFOUND, "%s: %s", prog.buf, strerror(rc));
		goto cleanup;
	}
	/* The server name is small: it fits the pipe, so writing cannot block. */
	if (write(in[1], server, strlen(server)) < 0)
		log_debug("%s: writing its input: %s", prog.buf, strerror(errno));
	close(in[1]);
	in[1] = -1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	fcntl(o[0], F_SETFL, O_NONBLOCK);
	fcntl(e[0], F_SETFL, O_NONBLOCK);
	while (open_fds) {
		struct pollfd p[2] = { { o[0], POLLIN, 0 }, { e[0], POLLIN, 0 } };
		long left = HELPER_TIMEOUT_MS - elapsed_ms(&t0);
		int i;

		if (left <= 0) {
			rc = err_set(ERR_NET, "%s: no answer within %d s", prog.buf, HELPER_TIMEOUT_MS / 1000);
			goto cleanup;
		}
		if (poll(p, 2, (int)left) < 0 && errno != EINTR) {
			rc = err_set(ERR_IO, "poll: %s", strerror(errno));
			goto cleanup;
		}
		for (i = 0; i < 2; i++) {
			int *fd = i ? &e[0] : &o[0];
			ssize_t n;

			if (*fd < 0 || !(p[i].revents & (POLLIN | POLLHUP | POLLERR)))
				continue;
			n = read(*fd, buf, sizeof(buf));
			if (n > 0) {
				if (strbuf_add(i ? errout : out, buf, (size_t)n) < 0) {
					rc = err_set(ERR_LIMIT, "%s: more than %d bytes of output", prog.buf, HELPER_MAX_OUTPUT);
					goto cleanup;
				}
			} else if (n == 0 || errno != EAGAIN) {
				close(*fd);
				*fd = -1;
				open_fds--;
			}
		}
	}
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	pid = -1;
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		strbuf_rtrim(errout);
		strbuf_rtrim(out);
		/* Helpers say "credentials not found" on stdout (docker's) or stderr, and exit 1. */
		rc = strstr(out->buf, "not found") || strstr(errout->buf, "not found")
			     ? ERR_NOTFOUND
			     : err_set(ERR_AUTH, "%s get failed: %.200s", prog.buf, errout->len ? errout->buf : out->buf);
	}
cleanup:
	if (pid > 0) {
		kill(pid, SIGKILL);
		while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
			;
	}
	if (in[0] >= 0)
		close(in[0]);
	if (in[1] >= 0)
		close(in[1]);
	if (o[0] >= 0)
		close(o[0]);
	if (o[1] >= 0)
		close(o[1]);
	if (e[0] >= 0)
		close(e[0]);
	if (e[1] >= 0)
		close(e[1]);
	strbuf_release(&prog);
	return rc;
}

static int from_helper(struct docker_config *dc, const char *helper, const char *host, struct registry_cred *out)
{
	struct strbuf so = STRBUF_INIT, se = STRBUF_INIT, server = STRBUF_INIT;
	json_t *doc = NULL;
	const char *user, *secret;
	int rc;

	if (!valid_helper(helper))
		return err_set(ERR_USAGE, "%s: '%.64s' is not a credential helper name", dc->path, helper);
	strbuf_init(&so, HELPER_MAX_OUTPUT);
	strbuf_init(&se, HELPER_MAX_OUTPUT);
	docker_config_host_key(&server, host);
	if (!strcmp(server.buf, "index.docker.io")) {
		strbuf_reset(&server);
		strbuf_addstr(&server, "https://index.docker.io/v1/");
	}
	if ((rc = run_helper(helper, server.buf, &so, &se)) < 0)
		goto cleanup;
	if ((rc = jsonx_parse(so.buf, so.len, "credential helper output", &doc)) < 0) {
		rc = err_set(ERR_PARSE, "docker-credential-%s: its answer is not JSON", helper);
		goto cleanup;
	}
	user = jsonx_str(doc, "Username");
	secret = jsonx_str(doc, "Secret");
	if (!secret || !secret[0]) {
		rc = ERR_NOTFOUND;
		goto cleanup;
	}
	/* "<token>" as the user means the secret is an identity token. */
	if (user && !strcmp(user, "<token>"))
		rc = keep(&out->identity_token, secret);
	else if ((rc = keep(&out->username, user ? user : "")) == 0)
		rc = keep(&out->password, secret);
	if (rc == 0 && !out->username && !out->identity_token)
		rc = ERR_NOTFOUND;
cleanup:
	if (so.len)
		memset(so.buf, 0, so.len);
	json_decref(doc);
	strbuf_release(&so);
	strbuf_release(&se);
	strbuf_release(&server);
	return rc;
}

int docker_config_cred(void *ctx, const char *host, struct registry_cred *out)
{
	struct docker_config *dc = ctx;
	const char *helper = NULL;
	json_t *entry;
	int rc;

	memset(out, 0, sizeof(*out));
	if (!dc || !dc->doc)
		return ERR_NOTFOUND;
	helper = json_string_value(find_host(json_object_get(dc->doc, "credHelpers"), host));
	if (!helper)
		helper = jsonx_str(dc->doc, "credsStore");
	if (helper && helper[0]) {
		if (dc->allow_exec) {
			rc = from_helper(dc, helper, host, out);
			if (rc != ERR_NOTFOUND)
				return rc;
			registry_cred_release(out);
		} else if (!dc->warned) {
			dc->warned = 1;
			log_warn("%s: credentials for %s are kept by the helper docker-credential-%.64s, which is a program: "
				 "it runs only with --allow-exec (allow_exec: true on an engagement source)",
				 dc->path, host, helper);
		}
	}
	entry = find_host(json_object_get(dc->doc, "auths"), host);
	if (!entry)
		return ERR_NOTFOUND;
	rc = from_auths(dc, entry, out);
	if (rc < 0)
		registry_cred_release(out);
	return rc;
}
