/*
 * The Kubernetes connectors' parts that need no server: the kubeconfig
 * reader against upstream kubeconfigs (AWS CLI's EKS test data, k9s,
 * kubernetes-client/c) and hostile ones, exec credential plugins, the read
 * allowlist, the sanitiser, the dump reader and the normaliser's graph.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "connectors/k8s_api.h"
#include "connectors/k8s_dump.h"
#include "connectors/k8s_exec.h"
#include "connectors/k8s_kubeconfig.h"
#include "connectors/k8s_model.h"
#include "core/err.h"
#include "core/jsonx.h"
#include "core/util.h"
#include "th.h"

static const char cert_pem[] = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";
static const char key_pem[] = "-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----\n";

/* A reader that hands out fixed PEM for .crt/.pem, a token for anything else, and records what it was asked. */
static int fake_reader(void *ctx, const char *path, struct strbuf *out)
{
	struct strbuf *asked = ctx;

	strbuf_addf(asked, "%s;", path);
	if (util_has_suffix(path, ".key"))
		return strbuf_addstr(out, key_pem);
	if (util_has_suffix(path, ".crt") || util_has_suffix(path, ".pem"))
		return strbuf_addstr(out, cert_pem);
	if (strstr(path, "outside"))
		return err_set(ERR_DENIED, "%s resolves outside the engagement folder", path);
	return strbuf_addstr(out, "file-token-123\n");
}

static int deny_reader(void *ctx, const char *path, struct strbuf *out)
{
	(void)ctx;
	(void)out;
	return err_set(ERR_DENIED, "no file may be read here (%s)", path);
}

struct kc_case {
	const char *file;
	int parse_rc;
	const char *context; /* NULL: current-context */
	int resolve_rc;
	const char *message; /* the whole message after "FILE: " */
	const char *server;
	int ca;
	const char *exec; /* the exec plugin's command */
	int insecure;
};

#define EKS "arn:aws:eks:us-west-2:111222333444:cluster/Existing"
#define EXAMPLE "arn:aws:eks:region:111222333444:cluster/ExampleCluster"

static const struct kc_case kc_cases[] = {
	{ "aws-cli-eks-testdata/invalid_string_cluster_entry", ERR_PARSE, NULL, 0,
	  "clusters[0] must be a mapping with 'name' and 'cluster'", NULL, 0, NULL, 0 },
	{ "aws-cli-eks-testdata/invalid_string_clusters", ERR_PARSE, NULL, 0,
	  "'clusters' must be a list of entries with 'name' and 'cluster'", NULL, 0, NULL, 0 },
	{ "aws-cli-eks-testdata/invalid_string_context_entry", ERR_PARSE, NULL, 0,
	  "contexts[0] must be a mapping with 'name' and 'context'", NULL, 0, NULL, 0 },
	{ "aws-cli-eks-testdata/invalid_string_contexts", ERR_PARSE, NULL, 0,
	  "'contexts' must be a list of entries with 'name' and 'context'", NULL, 0, NULL, 0 },
	{ "aws-cli-eks-testdata/invalid_string_user_entry", ERR_PARSE, NULL, 0,
	  "users[0] must be a mapping with 'name' and 'user'", NULL, 0, NULL, 0 },
	{ "aws-cli-eks-testdata/invalid_string_users", ERR_PARSE, NULL, 0,
	  "'users' must be a list of entries with 'name' and 'user'", NULL, 0, NULL, 0 },
	{ "aws-cli-eks-testdata/invalid_text", ERR_PARSE, NULL, 0,
	  "a kubeconfig is a mapping with clusters, contexts and users", NULL, 0, NULL, 0 },
	{ "aws-cli-eks-testdata/valid_empty_existing", ERR_PARSE, NULL, 0, "the kubeconfig is empty", NULL, 0, NULL, 0 },
	{ "aws-cli-eks-testdata/output_combined", 0, NULL, 0, NULL, "https://endpoint.amazonaws.com", 1, "aws", 0 },
	{ "aws-cli-eks-testdata/output_combined", 0, EKS, ERR_PARSE,
	  "cluster '" EKS "': the certificate authority is not a PEM certificate", NULL, 0, NULL, 0 },
	{ "aws-cli-eks-testdata/output_combined_changed_ordering", 0, NULL, 0, NULL, "https://endpoint.amazonaws.com", 1,
	  "aws", 0 },
	{ "aws-cli-eks-testdata/output_single", 0, EXAMPLE, 0, NULL, "https://endpoint.amazonaws.com", 1, "aws", 0 },
	{ "aws-cli-eks-testdata/valid_old_api_version", 0, NULL, 0, NULL, "https://endpoint.amazonaws.com", 1, "aws", 0 },
	{ "aws-cli-eks-testdata/valid_old_data", 0, NULL, 0, NULL, "https://endpoint.amazonaws.com", 1,
	  "aws-iam-authenticator", 0 },
	{ "aws-cli-eks-testdata/valid_bad_cluster", 0, NULL, ERR_PARSE, "cluster '" EKS "' has no 'cluster' mapping",
	  NULL, 0, NULL, 0 },
	{ "aws-cli-eks-testdata/valid_bad_cluster2", 0, NULL, ERR_NOTFOUND,
	  "context '" EKS "' names the cluster '" EKS "', which the kubeconfig does not have", NULL, 0, NULL, 0 },
	{ "aws-cli-eks-testdata/valid_bad_context", 0, NULL, ERR_PARSE, "context '" EKS "' has no 'context' mapping", NULL,
	  0, NULL, 0 },
	{ "aws-cli-eks-testdata/valid_bad_context2", 0, NULL, ERR_NOTFOUND,
	  "no context '" EKS "' (the kubeconfig has: (unnamed))", NULL, 0, NULL, 0 },
	{ "aws-cli-eks-testdata/valid_no_cluster", 0, NULL, ERR_NOTFOUND,
	  "context '" EKS "' names the cluster '" EKS "', which the kubeconfig does not have", NULL, 0, NULL, 0 },
	{ "aws-cli-eks-testdata/valid_null_cluster", 0, NULL, ERR_NOTFOUND,
	  "context '" EKS "' names the cluster '" EKS "', which the kubeconfig does not have", NULL, 0, NULL, 0 },
	{ "aws-cli-eks-testdata/valid_no_context", 0, NULL, ERR_NOTFOUND, "no context '" EKS "' (the kubeconfig has: none)",
	  NULL, 0, NULL, 0 },
	{ "aws-cli-eks-testdata/valid_null_context", 0, NULL, ERR_NOTFOUND,
	  "no context '" EKS "' (the kubeconfig has: none)", NULL, 0, NULL, 0 },
	{ "aws-cli-eks-testdata/valid_no_current_context", 0, NULL, ERR_NOTFOUND,
	  "no context named and no current-context", NULL, 0, NULL, 0 },
	{ "aws-cli-eks-testdata/valid_simple", 0, NULL, ERR_NOTFOUND, "no context 'simple' (the kubeconfig has: none)",
	  NULL, 0, NULL, 0 },
	{ "k9s-client-testdata-config.yaml", 0, NULL, ERR_PARSE,
	  "user 'fred': the client certificate and key must be PEM", NULL, 0, NULL, 0 },
	{ "k9s-client-testdata-config.yaml", 0, "duh", ERR_NOTFOUND,
	  "context 'duh' names the cluster 'duh', which the kubeconfig does not have", NULL, 0, NULL, 0 },
	{ "kubernetes-client-c-auth-provider.yaml", 0, NULL, ERR_UNSUPPORTED,
	  "user 'theone' authenticates with the auth-provider 'oidc', which vetter does not support (provider plugins "
	  "refresh tokens and write them back into the kubeconfig); give a token (credentials: token), a client "
	  "certificate or an exec plugin instead",
	  NULL, 0, NULL, 0 },
	{ "kubernetes-client-c-auth-provider.yaml", 0, "kubernetes-admin@kubernetes", ERR_NOTFOUND,
	  "context 'kubernetes-admin@kubernetes' names the user 'kubernetes-admin', which the kubeconfig does not have",
	  NULL, 0, NULL, 0 },
	{ "kubernetes-client-c-exec-provider.yaml", 0, NULL, ERR_PARSE, "cluster 'kubernetes' has no server", NULL, 0, NULL,
	  0 },
};

START_TEST(kubeconfig_upstream_files)
{
	const struct kc_case *c = &kc_cases[_i];
	struct strbuf rel = STRBUF_INIT, buf = STRBUF_INIT, want = STRBUF_INIT;
	struct k8s_kubeconfig *kc = NULL;
	struct k8s_target t;
	const char *base;
	char *path;
	int rc;

	strbuf_addf(&rel, "k8s/kubeconfig/%s", c->file);
	path = th_data_path(rel.buf);
	th_read(path, &buf);
	base = strrchr(c->file, '/') ? strrchr(c->file, '/') + 1 : c->file;
	rc = k8s_kubeconfig_parse(&kc, buf.buf, buf.len, base);
	ck_assert_msg(rc == c->parse_rc, "%s: parse %d (%s)", c->file, rc, err_last());
	if (rc == 0) {
		rc = k8s_kubeconfig_resolve(kc, c->context, deny_reader, NULL, &t);
		ck_assert_msg(rc == c->resolve_rc, "%s: resolve %d (%s)", c->file, rc, err_last());
		if (rc == 0) {
			ck_assert_str_eq(t.server, c->server);
			ck_assert_int_eq(t.ca_pem != NULL, c->ca);
			ck_assert_str_eq(jsonx_strz(t.exec, "command"), c->exec);
			ck_assert_int_eq(t.insecure, c->insecure);
			ck_assert_ptr_null(t.token);
		}
		k8s_target_release(&t);
	}
	if (c->message) {
		strbuf_addf(&want, "%s: %s", base, c->message);
		ck_assert_str_eq(err_last(), want.buf);
	}
	k8s_kubeconfig_free(kc);
	strbuf_release(&rel);
	strbuf_release(&buf);
	strbuf_release(&want);
	free(path);
}
END_TEST

static int parse_and_resolve(const char *text, const char *context, struct strbuf *asked, struct k8s_target *t)
{
	struct k8s_kubeconfig *kc = NULL;
	int rc;

	memset(t, 0, sizeof(*t));
	rc = k8s_kubeconfig_parse(&kc, text, strlen(text), "kc");
	if (rc == 0)
		rc = k8s_kubeconfig_resolve(kc, context, fake_reader, asked, t);
	k8s_kubeconfig_free(kc);
	return rc;
}

#define KC_HEAD                                                                                                       \
	"apiVersion: v1\nkind: Config\ncurrent-context: c\ncontexts:\n- name: c\n  context: {cluster: k, user: u}\n"   \
	"clusters:\n- name: k\n  cluster:\n    server: https://10.0.0.1:6443/\n"

START_TEST(kubeconfig_credentials_and_refusals)
{
	struct strbuf asked = STRBUF_INIT, text = STRBUF_INIT;
	struct k8s_target t;
	int rc;

	/* Files are asked for as written (the connector confines them); tokenFile loses its newline. */
	rc = parse_and_resolve(KC_HEAD "    certificate-authority: certs/ca.crt\nusers:\n- name: u\n  user:\n"
				       "    tokenFile: ../secrets/token\n    client-certificate: u.crt\n    client-key: /abs/u.key\n",
			       NULL, &asked, &t);
	ck_assert_msg(rc == 0, "%s", err_last());
	ck_assert_str_eq(asked.buf, "certs/ca.crt;../secrets/token;u.crt;/abs/u.key;");
	ck_assert_str_eq(t.server, "https://10.0.0.1:6443");
	ck_assert_str_eq(t.context, "c");
	ck_assert_str_eq(t.cluster, "k");
	ck_assert_str_eq(t.user, "u");
	ck_assert_str_eq(t.ca_pem, cert_pem);
	ck_assert_str_eq(t.token, "file-token-123");
	ck_assert_str_eq(t.cert_pem, cert_pem);
	ck_assert_str_eq(t.key_pem, key_pem);
	k8s_target_release(&t);

	/* -data wins over the file, a token over tokenFile; insecure is kept for the caller to record. */
	strbuf_reset(&asked);
	strbuf_addf(&text, KC_HEAD "    insecure-skip-tls-verify: true\n    certificate-authority: ca.crt\n"
			   "    certificate-authority-data: ");
	util_base64_encode(&text, (const unsigned char *)cert_pem, strlen(cert_pem));
	strbuf_addstr(&text, "\nusers:\n- name: u\n  user:\n    token: abc.def\n    tokenFile: t\n");
	ck_assert_int_eq(parse_and_resolve(text.buf, "c", &asked, &t), 0);
	ck_assert_str_eq(asked.buf, "");
	ck_assert_int_eq(t.insecure, 1);
	ck_assert_str_eq(t.token, "abc.def");
	k8s_target_release(&t);

	/* A file outside the engagement folder stops the context with the reader's reason. */
	ck_assert_int_eq(parse_and_resolve(KC_HEAD "users:\n- name: u\n  user:\n    tokenFile: ../../outside/.ssh/id_rsa\n",
					   NULL, &asked, &t),
			 ERR_DENIED);
	ck_assert_str_eq(err_last(), "kc: user 'u': tokenFile: ../../outside/.ssh/id_rsa resolves outside the engagement "
				     "folder");
	k8s_target_release(&t);

	/* What vetter does not do, it says. */
	ck_assert_int_eq(parse_and_resolve(KC_HEAD "users:\n- name: u\n  user: {token: \"a\\r\\nX-Evil: 1\"}\n", NULL, &asked, &t),
			 ERR_PARSE);
	ck_assert_str_eq(err_last(), "kc: user 'u': the token is empty, too long or holds characters a token cannot hold");
	k8s_target_release(&t);
	ck_assert_int_eq(parse_and_resolve(KC_HEAD "users:\n- name: u\n  user: {username: a, password: b}\n", NULL, &asked, &t),
			 ERR_UNSUPPORTED);
	ck_assert_msg(strstr(err_last(), "basic authentication"), "%s", err_last());
	k8s_target_release(&t);
	ck_assert_int_eq(parse_and_resolve(KC_HEAD "users:\n- name: u\n  user: {token: t0k3n, as: admin}\n", NULL, &asked, &t),
			 ERR_UNSUPPORTED);
	ck_assert_msg(strstr(err_last(), "impersonates"), "%s", err_last());
	k8s_target_release(&t);
	ck_assert_int_eq(parse_and_resolve(KC_HEAD "users:\n- name: u\n  user: {client-certificate: u.crt}\n", NULL, &asked, &t),
			 ERR_PARSE);
	ck_assert_str_eq(err_last(), "kc: user 'u': a client certificate needs its key and the key its certificate");
	k8s_target_release(&t);
	ck_assert_int_eq(parse_and_resolve("apiVersion: v1\ncontexts:\n- name: c\n  context: {cluster: k}\nclusters:\n"
					   "- name: k\n  cluster: {server: 'http://10.0.0.1:8080'}\n",
					   "c", &asked, &t),
			 ERR_INVALID);
	ck_assert_str_eq(err_last(), "kc: cluster 'k': server 'http://10.0.0.1:8080' is not an https:// URL; vetter "
				     "reads API servers over TLS only");
	k8s_target_release(&t);
	ck_assert_int_eq(parse_and_resolve("contexts:\n- name: c\n  context: {cluster: k}\n- name: c\n  context: {cluster: k}\n",
					   "c", &asked, &t),
			 ERR_PARSE);
	ck_assert_str_eq(err_last(), "kc: two entries of 'contexts' are named 'c'");
	k8s_target_release(&t);
	ck_assert_int_eq(parse_and_resolve("apiVersion: v1\nkind: Pod\n", "c", &asked, &t), ERR_PARSE);
	ck_assert_str_eq(err_last(), "kc: not a kubeconfig (expected kind Config, apiVersion v1)");
	k8s_target_release(&t);

	/* An exec plugin is handed back, not run; without a user the context is anonymous. */
	ck_assert_int_eq(parse_and_resolve(KC_HEAD "users:\n- name: u\n  user:\n    exec: {command: aws, args: [eks]}\n",
					   NULL, &asked, &t),
			 0);
	ck_assert_str_eq(jsonx_strz(t.exec, "command"), "aws");
	k8s_target_release(&t);
	ck_assert_int_eq(parse_and_resolve("contexts:\n- name: c\n  context: {cluster: k}\nclusters:\n- name: k\n  cluster: "
					   "{server: 'https://h'}\n",
					   "c", &asked, &t),
			 0);
	ck_assert(!t.token && !t.cert_pem && !t.exec && !t.user);
	k8s_target_release(&t);
	strbuf_release(&asked);
	strbuf_release(&text);
}
END_TEST

START_TEST(kubeconfig_alias_bomb_is_refused)
{
	struct strbuf text = STRBUF_INIT;
	struct k8s_kubeconfig *kc = NULL;
	int i, rc;

	strbuf_addstr(&text, "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
	for (i = 1; i < 12; i++)
		strbuf_addf(&text, "a%d: &a%d [*a%d, *a%d, *a%d, *a%d, *a%d, *a%d, *a%d, *a%d, *a%d, *a%d]\n", i, i, i - 1,
			    i - 1, i - 1, i - 1, i - 1, i - 1, i - 1, i - 1, i - 1, i - 1);
	rc = k8s_kubeconfig_parse(&kc, text.buf, text.len, "bomb");
	ck_assert_int_lt(rc, 0);
	ck_assert_ptr_null(kc);
	strbuf_release(&text);
}
END_TEST

static void write_script(const char *path, const char *body)
{
	th_write(path, body);
	ck_assert_int_eq(chmod(path, 0755), 0);
}

static json_t *exec_block(const char *command, const char *api, const char *outfile)
{
	json_t *e = json_pack("{s:s, s:s, s:[s], s:[{s:s, s:s}]}", "command", command, "apiVersion", api, "args",
			      "tok-from-plugin", "env", "name", "OUT_FILE", "value", outfile);

	ck_assert_ptr_nonnull(e);
	return e;
}

START_TEST(exec_plugins_run_confined)
{
	char *dir = th_tmpdir();
	struct strbuf eng = STRBUF_INIT, kcdir = STRBUF_INIT, p = STRBUF_INIT, out = STRBUF_INIT, env = STRBUF_INIT;
	struct k8s_exec_opts o;
	struct k8s_target t = { 0 };
	struct timespec t0, t1;
	json_t *e;

	strbuf_addf(&eng, "%s/eng", dir);
	strbuf_addf(&kcdir, "%s/eng/dataroom", dir);
	util_mkdirs(kcdir.buf, 0700);
	strbuf_addf(&p, "%s/outside", dir);
	util_mkdirs(p.buf, 0700);
	strbuf_addf(&out, "%s/env.txt", dir);
	o.kubeconfig_dir = kcdir.buf;
	o.engagement_dir = eng.buf;
	o.timeout_s = 10;
	strbuf_reset(&p);
	strbuf_addf(&p, "%s/plugin.sh", kcdir.buf);
	write_script(p.buf, "#!/bin/sh\nenv > \"$OUT_FILE\"\nprintf '{\"apiVersion\":\"client.authentication.k8s.io/v1\","
			    "\"kind\":\"ExecCredential\",\"status\":{\"token\":\"%s\"}}' \"$1\"\n");
	setenv("VETTER_K8S_TEST_CANARY", "must-not-reach-the-plugin", 1);
	e = exec_block("./plugin.sh", "client.authentication.k8s.io/v1", out.buf);
	ck_assert_msg(k8s_exec_run(e, &o, &t) == 0, "%s", err_last());
	ck_assert_str_eq(t.token, "tok-from-plugin");
	th_read(out.buf, &env);
	ck_assert_msg(!strstr(env.buf, "VETTER_K8S_TEST_CANARY"), "%s", env.buf);
	ck_assert_msg(strstr(env.buf, "KUBERNETES_EXEC_INFO={\"apiVersion\":\"client.authentication.k8s.io/v1\","
				      "\"kind\":\"ExecCredential\",\"spec\":{\"interactive\":false}}"),
		      "%s", env.buf);
	ck_assert_msg(strstr(env.buf, "PATH="), "%s", env.buf);
	unsetenv("VETTER_K8S_TEST_CANARY");
	json_decref(e);
	k8s_target_release(&t);

	/* provideClusterInfo: the plugin is told which server it is for. */
	e = exec_block("./plugin.sh", "client.authentication.k8s.io/v1", out.buf);
	json_object_set_new(e, "provideClusterInfo", json_true());
	t.server = strdup("https://10.1.2.3:6443");
	t.insecure = 1;
	ck_assert_msg(k8s_exec_run(e, &o, &t) == 0, "%s", err_last());
	strbuf_reset(&env);
	th_read(out.buf, &env);
	ck_assert_msg(strstr(env.buf, "KUBERNETES_EXEC_INFO={\"apiVersion\":\"client.authentication.k8s.io/v1\","
				      "\"kind\":\"ExecCredential\",\"spec\":{\"cluster\":{\"insecure-skip-tls-verify\":true,"
				      "\"server\":\"https://10.1.2.3:6443\"},\"interactive\":false}}"),
		      "%s", env.buf);
	json_decref(e);
	k8s_target_release(&t);

	/* The plugin's answer must be of the version it was asked for. */
	e = exec_block("./plugin.sh", "client.authentication.k8s.io/v1beta1", out.buf);
	ck_assert_int_eq(k8s_exec_run(e, &o, &t), ERR_PARSE);
	ck_assert_str_eq(err_last(), "the exec plugin answered with apiVersion 'client.authentication.k8s.io/v1', the "
				     "kubeconfig asked for 'client.authentication.k8s.io/v1beta1'");
	json_decref(e);
	e = exec_block("./plugin.sh", "client.authentication.k8s.io/v1alpha1", out.buf);
	ck_assert_int_eq(k8s_exec_run(e, &o, &t), ERR_UNSUPPORTED);
	json_decref(e);

	/* A relative command out of the engagement folder is not run. */
	strbuf_reset(&p);
	strbuf_addf(&p, "%s/outside/plugin.sh", dir);
	write_script(p.buf, "#!/bin/sh\ntouch \"$OUT_FILE.ran\"\n");
	e = exec_block("../../outside/plugin.sh", "client.authentication.k8s.io/v1", out.buf);
	ck_assert_int_eq(k8s_exec_run(e, &o, &t), ERR_DENIED);
	ck_assert_msg(strstr(err_last(), "resolves outside"), "%s", err_last());
	strbuf_reset(&p);
	strbuf_addf(&p, "%s.ran", out.buf);
	ck_assert(!th_exists(p.buf));
	json_decref(e);

	/* A failing plugin's first stderr line is in the message; a hanging one is killed on time. */
	strbuf_reset(&p);
	strbuf_addf(&p, "%s/fail.sh", kcdir.buf);
	write_script(p.buf, "#!/bin/sh\necho 'no credentials found for profile x' >&2\nexit 3\n");
	e = exec_block("./fail.sh", "client.authentication.k8s.io/v1", out.buf);
	ck_assert_int_eq(k8s_exec_run(e, &o, &t), ERR_AUTH);
	strbuf_reset(&env);
	strbuf_addf(&env, "the exec plugin '%s' failed (exit status 3): no credentials found for profile x", p.buf);
	ck_assert_str_eq(err_last(), env.buf);
	json_decref(e);
	strbuf_reset(&p);
	strbuf_addf(&p, "%s/hang.sh", kcdir.buf);
	write_script(p.buf, "#!/bin/sh\nsleep 30\n");
	e = exec_block("./hang.sh", "client.authentication.k8s.io/v1", out.buf);
	o.timeout_s = 1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	ck_assert_int_eq(k8s_exec_run(e, &o, &t), ERR_NET);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	ck_assert_int_lt(t1.tv_sec - t0.tv_sec, 5);
	strbuf_reset(&env);
	strbuf_addf(&env, "the exec plugin '%s' did not finish within 1 s and was killed", p.buf);
	ck_assert_str_eq(err_last(), env.buf);
	json_decref(e);
	strbuf_reset(&p);
	strbuf_addf(&p, "%s/chatty.sh", kcdir.buf);
	write_script(p.buf, "#!/bin/sh\nhead -c 2000000 /dev/zero | tr '\\0' x\n");
	e = exec_block("./chatty.sh", "client.authentication.k8s.io/v1", out.buf);
	o.timeout_s = 10;
	ck_assert_int_eq(k8s_exec_run(e, &o, &t), ERR_LIMIT);
	json_decref(e);
	/* interactiveMode Always needs a terminal vetter does not have. */
	e = json_pack("{s:s, s:s, s:s}", "command", "./plugin.sh", "apiVersion", "client.authentication.k8s.io/v1",
		      "interactiveMode", "Always");
	ck_assert_int_eq(k8s_exec_run(e, &o, &t), ERR_UNSUPPORTED);
	json_decref(e);
	ck_assert(!t.token && !t.cert_pem);
	strbuf_release(&eng);
	strbuf_release(&kcdir);
	strbuf_release(&p);
	strbuf_release(&out);
	strbuf_release(&env);
	th_rm_rf(dir);
	free(dir);
}
END_TEST

START_TEST(exec_credential_output)
{
	struct k8s_target t = { 0 };
	static const char *const bad[] = {
		"", "[]", "{\"kind\":\"Pod\"}",
		"{\"apiVersion\":\"client.authentication.k8s.io/v1\",\"kind\":\"ExecCredential\",\"status\":{}}",
		"{\"apiVersion\":\"client.authentication.k8s.io/v1\",\"kind\":\"ExecCredential\",\"status\":{\"token\":\"a b\"}}",
		"{\"apiVersion\":\"client.authentication.k8s.io/v1\",\"kind\":\"ExecCredential\",\"status\":"
		"{\"clientCertificateData\":\"x\",\"clientKeyData\":\"y\"}}",
	};
	struct strbuf ok = STRBUF_INIT;
	json_t *v;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(bad); i++)
		ck_assert_msg(k8s_exec_credential_parse(bad[i], strlen(bad[i]), "client.authentication.k8s.io/v1", &t) < 0,
			      "%s", bad[i]);
	strbuf_addstr(&ok, "{\"apiVersion\":\"client.authentication.k8s.io/v1beta1\",\"kind\":\"ExecCredential\","
			   "\"status\":{\"clientCertificateData\":");
	v = json_string(cert_pem);
	jsonx_dump_canonical(&ok, v);
	json_decref(v);
	strbuf_addstr(&ok, ",\"clientKeyData\":");
	v = json_string(key_pem);
	jsonx_dump_canonical(&ok, v);
	json_decref(v);
	strbuf_addstr(&ok, ",\"expirationTimestamp\":\"2030-01-01T00:00:00Z\"}}");
	ck_assert_int_eq(k8s_exec_credential_parse(ok.buf, ok.len, "client.authentication.k8s.io/v1beta1", &t), 0);
	ck_assert_str_eq(t.cert_pem, cert_pem);
	ck_assert_str_eq(t.key_pem, key_pem);
	k8s_target_release(&t);
	strbuf_release(&ok);
}
END_TEST

START_TEST(allowlist_has_reads_only)
{
	static const char *const yes[] = {
		"/version", "/api/v1/pods", "/api/v1/namespaces/kube-system/pods", "/api/v1/secrets",
		"/api/v1/namespaces/default/configmaps", "/apis/apps/v1/deployments", "/apis/batch/v1beta1/cronjobs",
		"/apis/rbac.authorization.k8s.io/v1/clusterrolebindings",
	};
	static const char *const no[] = {
		"/api/v1/namespaces/default/pods/nginx/log", "/api/v1/namespaces/default/pods/nginx/exec",
		"/api/v1/namespaces/default/pods/nginx/attach", "/api/v1/namespaces/default/pods/nginx/portforward",
		"/api/v1/namespaces/default/pods/nginx/proxy", "/api/v1/nodes/minikube/proxy",
		"/api/v1/namespaces/default/services/web/proxy", "/api/v1/namespaces/default/secrets/s1",
		"/api/v1/namespaces/default/pods/nginx", "/api/v1/namespaces/Default/pods", "/api/v1/namespaces/../pods",
		"/api/v1/namespaces//pods", "/api/v1/namespaces/a/b/pods", "/api/v1/pods/", "/api/v1/pods?watch=1",
		"/apis/apps/v1/namespaces/a/deployments/x/scale", "/api/v1/nodes/x", "/api/v1/namespaces/a/nodes",
		"/api/v1/events", "/apis/apps/v2/deployments", "/apis/batch/v1/namespaces/-a/jobs", "/healthz",
		"/api/v1/namespaces/a/serviceaccounts/default/token", "/",
		/* cluster-scoped kinds have no namespaced path */
		"/apis/admissionregistration.k8s.io/v1/namespaces/x/mutatingwebhookconfigurations",
	};
	struct strbuf p = STRBUF_INIT;
	size_t i, j;

	for (i = 0; i < ARRAY_SIZE(yes); i++)
		ck_assert_msg(k8s_path_allowed(yes[i]), "%s", yes[i]);
	for (i = 0; i < ARRAY_SIZE(no); i++)
		ck_assert_msg(!k8s_path_allowed(no[i]), "%s", no[i]);
	/* Every path the table makes is on the list, and nothing under them. */
	ck_assert_int_eq(k8s_nresources, 22);
	for (i = 0; i < k8s_nresources; i++) {
		for (j = 0; k8s_resources[i].gv[j]; j++) {
			strbuf_reset(&p);
			strbuf_addf(&p, "%s%s/%s", strcmp(k8s_resources[i].gv[j], "v1") ? "/apis/" : "/api/",
				    k8s_resources[i].gv[j], k8s_resources[i].name);
			ck_assert_msg(k8s_path_allowed(p.buf), "%s", p.buf);
			strbuf_addstr(&p, "/x");
			ck_assert_msg(!k8s_path_allowed(p.buf), "%s", p.buf);
		}
		ck_assert_int_eq(k8s_resources[i].metadata_only,
				 !strcmp(k8s_resources[i].name, "secrets") || !strcmp(k8s_resources[i].name, "configmaps"));
	}
	strbuf_release(&p);
}
END_TEST

static json_t *parse(const char *text)
{
	json_t *v = NULL;

	ck_assert_msg(jsonx_parse(text, strlen(text), "test", &v) == 0, "%s", err_last());
	return v;
}

static void assert_json(const json_t *v, const char *want)
{
	struct strbuf got = STRBUF_INIT;

	jsonx_dump_canonical(&got, v);
	ck_assert_str_eq(got.buf, want);
	strbuf_release(&got);
}

START_TEST(sanitize_drops_secret_values)
{
	json_t *s = parse("{\"apiVersion\":\"v1\",\"kind\":\"Secret\",\"type\":\"Opaque\",\"data\":{\"p\":\"c2VjcmV0\"},"
			  "\"stringData\":{\"q\":\"secret\"},\"immutable\":true,\"metadata\":{\"name\":\"s\",\"annotations\":"
			  "{\"kubectl.kubernetes.io/last-applied-configuration\":\"{\\\"data\\\":{\\\"p\\\":\\\"c2VjcmV0\\\"}}\","
			  "\"keep\":\"me\"},\"managedFields\":[{\"fieldsV1\":{\"f:data\":{\"f:p\":{}}}}]}}");
	json_t *pod = parse("{\"apiVersion\":\"apps/v1\",\"kind\":\"Deployment\",\"metadata\":{\"name\":\"d\",\"annotations\":"
			    "{\"kubectl.kubernetes.io/last-applied-configuration\":\"x\"}},\"spec\":{\"template\":{\"metadata\":"
			    "{\"annotations\":{\"kubectl.kubernetes.io/last-applied-configuration\":\"y\",\"a\":\"b\"}},"
			    "\"spec\":{\"containers\":[{\"name\":\"c\",\"env\":[{\"name\":\"E\",\"value\":\"v\"}]}]}}}}");
	json_t *cm = parse("{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"c\"},\"data\":{\"k\":\"v\"},"
			   "\"binaryData\":{\"b\":\"AA==\"}}");
	json_t *deep = json_object(), *cur = deep;
	int i;

	ck_assert_int_eq(k8s_sanitize(s), 0);
	assert_json(s, "{\"apiVersion\":\"v1\",\"kind\":\"Secret\",\"metadata\":{\"annotations\":{\"keep\":\"me\"},\"name\":\"s\"}}");
	ck_assert_int_eq(k8s_sanitize(pod), 0);
	/* Everything else stays, env values included: rules look for secrets in them. */
	assert_json(pod, "{\"apiVersion\":\"apps/v1\",\"kind\":\"Deployment\",\"metadata\":{\"annotations\":{},\"name\":\"d\"},"
			 "\"spec\":{\"template\":{\"metadata\":{\"annotations\":{\"a\":\"b\"}},\"spec\":{\"containers\":"
			 "[{\"env\":[{\"name\":\"E\",\"value\":\"v\"}],\"name\":\"c\"}]}}}}");
	ck_assert_int_eq(k8s_sanitize(cm), 0);
	assert_json(cm, "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"c\"}}");
	jsonx_set_str(deep, "kind", "Pod");
	for (i = 0; i < 300; i++) {
		json_t *n = json_object();

		json_object_set_new(cur, "x", n);
		cur = n;
	}
	ck_assert_int_eq(k8s_sanitize(deep), ERR_LIMIT);
	json_decref(s);
	json_decref(pod);
	json_decref(cm);
	json_decref(deep);
}
END_TEST

#define HEXA "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
#define HEXB "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"

static const char helm_yaml[] =
	"---\n# Source: app/templates/secret.yaml\napiVersion: v1\nkind: Secret\nmetadata:\n  name: app-secret\n"
	"stringData:\n  password: helm-canary-pw-77\n"
	"---\n# Source: app/templates/deploy.yaml\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: app\n"
	"  labels: {app: app}\nspec:\n  selector: {matchLabels: {app: app}}\n  template:\n    metadata: {labels: {app: app}}\n"
	"    spec:\n      serviceAccountName: app\n      containers:\n      - name: app\n"
	"        image: registry.example.com:5000/team/app:1.2.3\n      initContainers:\n      - name: init\n"
	"        image: busybox@sha256:" HEXA "\n"
	"---\napiVersion: v1\nkind: Service\nmetadata: {name: app}\nspec: {type: LoadBalancer, selector: {app: app}}\n"
	"---\napiVersion: v1\nkind: ServiceAccount\nmetadata: {name: app}\n"
	"---\napiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata: {name: app}\n"
	"---\napiVersion: apps.kruise.io/v1alpha1\nkind: StatefulSet\nmetadata: {name: other-group}\n---\n";

static const char pods_json[] =
	"{\"kind\":\"PodList\",\"apiVersion\":\"v1\",\"metadata\":{},\"items\":[{\"metadata\":{\"name\":\"app-7d9-abc\","
	"\"namespace\":\"prod\",\"labels\":{\"app\":\"app\"},\"ownerReferences\":[{\"apiVersion\":\"apps/v1\",\"kind\":"
	"\"ReplicaSet\",\"name\":\"app-7d9\",\"uid\":\"u\",\"controller\":true}]},\"spec\":{\"nodeName\":\"n1\","
	"\"containers\":[{\"name\":\"app\",\"image\":\"registry.example.com:5000/team/app:1.2.3\"}],\"initContainers\":"
	"[{\"name\":\"init\",\"image\":\"busybox@sha256:" HEXA "\"}]},\"status\":{\"phase\":\"Running\","
	"\"containerStatuses\":[{\"name\":\"app\",\"imageID\":\"registry.example.com:5000/team/app@sha256:" HEXB "\"}],"
	"\"initContainerStatuses\":[{\"name\":\"init\",\"imageID\":\"docker.io/library/busybox@sha256:" HEXA "\"}]}}]}\n"
	"{\"apiVersion\":\"apps/v1\",\"kind\":\"ReplicaSet\",\"metadata\":{\"name\":\"app-7d9\",\"namespace\":\"prod\","
	"\"ownerReferences\":[{\"kind\":\"Deployment\",\"name\":\"app\",\"controller\":true}]},\"spec\":{\"template\":"
	"{\"metadata\":{\"labels\":{\"app\":\"app\"}},\"spec\":{\"containers\":[]}}}}\n"
	"{\"clientVersion\":{\"gitVersion\":\"v1.29.14\"},\"serverVersion\":{\"major\":\"1\",\"minor\":\"30\","
	"\"gitVersion\":\"v1.30.1\",\"platform\":\"linux/arm64\"}}\n";

static const char nodes_json[] =
	"[{\"apiVersion\":\"v1\",\"kind\":\"Node\",\"metadata\":{\"name\":\"n1\",\"labels\":"
	"{\"node-role.kubernetes.io/control-plane\":\"\"}},\"status\":{\"nodeInfo\":{\"architecture\":\"arm64\","
	"\"operatingSystem\":\"linux\",\"containerRuntimeVersion\":\"containerd://1.7.2\",\"kubeletVersion\":"
	"\"v1.30.1\",\"osImage\":\"Bottlerocket OS 1.19.2\",\"kernelVersion\":\"6.1.72\"}}}]";

START_TEST(dump_reader_and_graph)
{
	static const char *const want_assets[] = {
		"cluster\tc1",
		"image\tregistry:docker.io/library/busybox@sha256:" HEXA,
		"image\tregistry:registry.example.com:5000/team/app@sha256:" HEXB,
		"network\tc1/internet",
		"node\tc1/Node/n1",
		"pod\tc1/Pod/prod/app-7d9-abc",
		"secret\tc1/Secret/prod/app-secret",
		"service\tc1/Service/prod/app",
		"serviceaccount\tc1/ServiceAccount/prod/app",
		"workload\tc1/Deployment/prod/app",
	};
	static const char *const want_edges[] = {
		"pod\tc1/Pod/prod/app-7d9-abc instance-of workload\tc1/Deployment/prod/app",
		"pod\tc1/Pod/prod/app-7d9-abc runs image\tregistry:docker.io/library/busybox@sha256:" HEXA,
		"pod\tc1/Pod/prod/app-7d9-abc runs image\tregistry:registry.example.com:5000/team/app@sha256:" HEXB,
		"pod\tc1/Pod/prod/app-7d9-abc scheduled-on node\tc1/Node/n1",
		"service\tc1/Service/prod/app faces-internet network\tc1/internet",
		"service\tc1/Service/prod/app selects workload\tc1/Deployment/prod/app",
		"workload\tc1/Deployment/prod/app runs image\tregistry:docker.io/library/busybox@sha256:" HEXA,
		"workload\tc1/Deployment/prod/app runs image\tregistry:registry.example.com:5000/team/app@sha256:" HEXB,
		"workload\tc1/Deployment/prod/app runs-as serviceaccount\tc1/ServiceAccount/prod/app",
	};
	struct k8s_model *m = NULL;
	struct k8s_graph *g = NULL;
	struct strbuf all = STRBUF_INIT, e = STRBUF_INIT;
	const json_t *assets, *edges, *doc;
	json_t *keys, *v;
	size_t i;

	ck_assert_int_eq(k8s_model_new(&m, "c1"), 0);
	jsonx_set_str(k8s_model_collection(m), "mode", "export");
	ck_assert_int_eq(k8s_dump_read(m, helm_yaml, strlen(helm_yaml), "helm.yaml", "prod", NULL, NULL), 4);
	ck_assert_int_eq(k8s_dump_read(m, pods_json, strlen(pods_json), "pods.json", "prod", NULL, NULL), 2);
	ck_assert_int_eq(k8s_dump_read(m, nodes_json, strlen(nodes_json), "nodes.json", "prod", NULL, NULL), 1);
	/* A repeat is dropped, the first one kept. */
	ck_assert_int_eq(k8s_dump_read(m, nodes_json, strlen(nodes_json), "again.json", "prod", NULL, NULL), 0);
	ck_assert_int_eq(k8s_model_count(m), 7);
	ck_assert_int_eq(k8s_graph_new(&g), 0);
	ck_assert_msg(k8s_graph_add_model(g, m) == 0, "%s", err_last());
	assets = k8s_graph_assets(g);
	keys = json_object();
	ck_assert_int_eq(json_object_size(assets), ARRAY_SIZE(want_assets));
	for (i = 0; i < ARRAY_SIZE(want_assets); i++)
		ck_assert_msg(json_object_get(assets, want_assets[i]), "%s", want_assets[i]);
	edges = k8s_graph_edges(g);
	json_array_foreach(edges, i, v) {
		strbuf_reset(&e);
		strbuf_addf(&e, "%s %s %s", json_string_value(json_array_get(v, 0)), json_string_value(json_array_get(v, 2)),
			    json_string_value(json_array_get(v, 1)));
		json_object_set_new(keys, e.buf, json_true());
	}
	ck_assert_int_eq(json_object_size(keys), ARRAY_SIZE(want_edges));
	for (i = 0; i < ARRAY_SIZE(want_edges); i++)
		ck_assert_msg(json_object_get(keys, want_edges[i]), "%s", want_edges[i]);
	json_decref(keys);

	doc = json_object_get(json_object_get(assets, "cluster\tc1"), "doc");
	assert_json(doc, "{\"architectures\":[\"arm64\"],\"cluster\":\"c1\",\"collection\":{\"mode\":\"export\",\"skipped\":"
			 "{\"(kind of another API group)\":1,\"(repeated object)\":1,\"HorizontalPodAutoscaler\":1}},"
			 "\"components\":[{\"name\":\"k8s.io/kubernetes\",\"purl\":\"pkg:golang/k8s.io/kubernetes@v1.30.1\","
			 "\"type\":\"golang\",\"version\":\"v1.30.1\"}],\"node_count\":1,\"platforms\":[\"linux/arm64\"],"
			 "\"version\":{\"git_version\":\"v1.30.1\",\"major\":\"1\",\"minor\":\"30\",\"platform\":\"linux/arm64\"}}");
	doc = json_object_get(json_object_get(assets, "image\tregistry:registry.example.com:5000/team/app@sha256:" HEXB), "doc");
	assert_json(doc, "{\"clusters\":[\"c1\"],\"digest\":\"sha256:" HEXB "\",\"host\":\"registry.example.com:5000\","
			 "\"platform\":\"linux/arm64\",\"platforms\":[\"linux/arm64\"],\"ref\":\"registry:registry.example.com:"
			 "5000/team/app@sha256:" HEXB "\",\"references\":[\"registry:registry.example.com:5000/team/app:1.2.3\"],"
			 "\"repo\":\"team/app\",\"transport\":\"registry\"}");
	doc = json_object_get(json_object_get(assets, "node\tc1/Node/n1"), "doc");
	ck_assert_str_eq(jsonx_strz(doc, "container_runtime"), "containerd");
	ck_assert_str_eq(jsonx_strz(doc, "container_runtime_release"), "1.7.2");
	ck_assert_str_eq(jsonx_strz(doc, "platform"), "linux/arm64");
	ck_assert_str_eq(json_string_value(json_array_get(json_object_get(doc, "roles"), 0)), "control-plane");
	assert_json(json_object_get(doc, "components"),
		    "[{\"name\":\"k8s.io/kubernetes\",\"purl\":\"pkg:golang/k8s.io/kubernetes@v1.30.1\",\"type\":\"golang\","
		    "\"version\":\"v1.30.1\"},{\"name\":\"github.com/containerd/containerd\",\"purl\":"
		    "\"pkg:golang/github.com/containerd/containerd@v1.7.2\",\"type\":\"golang\",\"version\":\"v1.7.2\"}]");
	doc = json_object_get(json_object_get(assets, "workload\tc1/Deployment/prod/app"), "doc");
	ck_assert_str_eq(jsonx_strz(doc, "pod_spec_path"), "spec.template.spec");
	ck_assert_str_eq(jsonx_strz(doc, "service_account"), "app");
	assert_json(json_object_get(doc, "images"), "[\"registry.example.com:5000/team/app:1.2.3\",\"busybox@sha256:" HEXA "\"]");
	assert_json(json_object_get(doc, "pods"), "[\"app-7d9-abc\"]");
	doc = json_object_get(json_object_get(assets, "secret\tc1/Secret/prod/app-secret"), "doc");
	assert_json(json_object_get(doc, "object"),
		    "{\"apiVersion\":\"v1\",\"kind\":\"Secret\",\"metadata\":{\"name\":\"app-secret\",\"namespace\":\"prod\"}}");
	jsonx_dump_canonical(&all, assets);
	ck_assert(!strstr(all.buf, "helm-canary-pw-77"));
	k8s_graph_free(g);
	k8s_model_free(m);

	/* A bad document stops its file with the place named; what came before is kept; binary is refused. */
	ck_assert_int_eq(k8s_model_new(&m, "c2"), 0);
	ck_assert_int_eq(k8s_dump_read(m, "kind: Namespace\napiVersion: v1\nmetadata: {name: a}\n---\nkey: [unclosed\n", 70,
				       "bad.yaml", NULL, NULL, NULL),
			 ERR_PARSE);
	ck_assert_msg(util_has_prefix(err_last(), "bad.yaml:"), "%s", err_last());
	ck_assert_int_eq(k8s_model_count(m), 1);
	ck_assert_int_eq(k8s_dump_read(m, "{\"kind\":\"Pod\"} {\"trunc", 22, "t.json", NULL, NULL, NULL), ERR_PARSE);
	ck_assert_int_eq(k8s_dump_read(m, "a\0b", 3, "nul.yaml", NULL, NULL, NULL), ERR_PARSE);
	/* A namespaced object without a namespace and no default is skipped, not guessed. */
	strbuf_reset(&e);
	strbuf_addstr(&e, "{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"p\"}}");
	ck_assert_int_eq(k8s_dump_read(m, e.buf, e.len, "p.json", NULL, NULL, NULL), 0);
	k8s_model_free(m);
	strbuf_release(&all);
	strbuf_release(&e);
}
END_TEST

Suite *k8s_config_suite(void)
{
	Suite *s = suite_create("k8s_config");
	TCase *tc = tcase_create("k8s_config");

	if (th_have_data("kubeconfig_upstream_files", "k8s/kubeconfig"))
		tcase_add_loop_test(tc, kubeconfig_upstream_files, 0, (int)ARRAY_SIZE(kc_cases));
	tcase_add_test(tc, kubeconfig_credentials_and_refusals);
	tcase_add_test(tc, kubeconfig_alias_bomb_is_refused);
	tcase_add_test(tc, exec_plugins_run_confined);
	tcase_add_test(tc, exec_credential_output);
	tcase_add_test(tc, allowlist_has_reads_only);
	tcase_add_test(tc, sanitize_drops_secret_values);
	tcase_add_test(tc, dump_reader_and_graph);
	tcase_set_timeout(tc, 60);
	suite_add_tcase(s, tc);
	return s;
}
