/*
 * The kubernetes source type against bad sources, each of which must fail
 * alone with one clear reason while the run goes on (HTML, truncated JSON, a
 * redirect to a metadata address, a metadata address as server, expired,
 * misnamed and foreign certificates, a refused token, a key that is not the
 * certificate's, files outside the engagement folder named three ways,
 * auth-provider, exec without allow_exec, a malformed kubeconfig, exports
 * that cannot be read), and the other ways in: several contexts, exec
 * plugins, client certificates, in-cluster mode, namespace-scoped reads.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/jsonx.h"
#include "core/util.h"
#include "th.h"
#include "th_k8s.h"

struct bad {
	const char *id;
	const char *error; /* what the source's one error must hold */
};

START_TEST(bad_sources_fail_one_by_one)
{
	const char *html[] = { "--mode", "html", NULL }, *trunc[] = { "--mode", "truncated", NULL };
	const char *redir[] = { "--mode", "redirect", "--redirect-to", "https://169.254.169.254/latest/meta-data/", NULL };
	struct th_server good, shtml, strunc, sredir, sexp, swrong;
	static const struct bad bads[] = {
		{ "html", "the answer is HTML (text/html), not JSON: is this a Kubernetes API server?" },
		{ "truncated", "/version: the answer is not valid JSON" },
		{ "redirect", "/version: redirected to 'https://169.254.169.254/latest/meta-data/', which this client "
			      "does not follow" },
		{ "metadata", "refused to connect to 169.254.169.254 (a link-local or cloud metadata address)" },
		{ "expired", "/version: SSL certificate problem: certificate has expired" },
		{ "wrongname", "/version: SSL: no alternative certificate subject name matches target host name '127.0.0.1'" },
		/* the fixture sends its CA with its certificate: not the CA the kubeconfig trusts */
		{ "wrongca", "/version: SSL certificate problem: self-signed certificate in certificate chain" },
		{ "badtoken", "GET /version: 401 Unauthorized (the API server did not accept the credentials): Unauthorized" },
		{ "keymismatch", "/version: unable to set private key" },
		{ "tokenfile", "kubeconfig-tokenfile: user 'u': tokenFile: " },
		{ "clientkey", "kubeconfig-clientkey: user 'u': client-key: " },
		{ "symlink", "kubeconfig-symlink: user 'u': tokenFile: " },
		{ "authprovider", "user 'theone' authenticates with the auth-provider 'oidc', which vetter does not support" },
		{ "exec", "context 'exec': the kubeconfig's user gets its credential from the exec plugin './token.sh', a "
			  "program; vetter runs it only when the source says allow_exec: true" },
		{ "malformed", "kubeconfig-malformed: a kubeconfig is a mapping with clusters, contexts and users" },
	};
	struct th_k8s f;
	struct strbuf comp = STRBUF_INIT, p = STRBUF_INIT, outside = STRBUF_INIT;
	struct store *st;
	json_t *srcs, *gaps, *s, *g;
	char *src, *dst;
	size_t i, j, n;

	th_k8s_init(&f);
	free(th_k8s_start(&f, &good, "good", "srv.pem", NULL));
	free(th_k8s_start(&f, &shtml, "html", "srv.pem", html));
	free(th_k8s_start(&f, &strunc, "trunc", "srv.pem", trunc));
	free(th_k8s_start(&f, &sredir, "redir", "srv.pem", redir));
	free(th_k8s_start(&f, &sexp, "expired", "expired.pem", NULL));
	free(th_k8s_start(&f, &swrong, "wrongname", "wrongname.pem", NULL));
	th_k8s_kubeconfig(&f, "kubeconfig-insecure", "insecure", good.port, "    insecure-skip-tls-verify: true\n",
		   "    token: tok-good\n");
	th_k8s_kubeconfig(&f, "kubeconfig-html", "html", shtml.port, "    certificate-authority: ca.pem\n", "    token: tok-good\n");
	th_k8s_kubeconfig(&f, "kubeconfig-truncated", "truncated", strunc.port, "    certificate-authority: ca.pem\n",
		   "    token: tok-good\n");
	th_k8s_kubeconfig(&f, "kubeconfig-redirect", "redirect", sredir.port, "    certificate-authority: ca.pem\n",
		   "    token: tok-good\n");
	strbuf_addf(&p, "%s/kubeconfig-metadata", f.dataroom);
	th_write_fmt(p.buf, "apiVersion: v1\ncurrent-context: m\ncontexts:\n- name: m\n  context: {cluster: m, user: u}\n"
			    "clusters:\n- name: m\n  cluster: {server: 'https://169.254.169.254:%d'}\nusers:\n- name: u\n"
			    "  user: {token: tok-good}\n",
		     good.port);
	th_k8s_kubeconfig(&f, "kubeconfig-expired", "expired", sexp.port, "    certificate-authority: ca.pem\n",
		   "    token: tok-good\n");
	th_k8s_kubeconfig(&f, "kubeconfig-wrongname", "wrongname", swrong.port, "    certificate-authority: ca.pem\n",
		   "    token: tok-good\n");
	th_k8s_kubeconfig(&f, "kubeconfig-wrongca", "wrongca", good.port, "    certificate-authority: ca2.pem\n",
		   "    token: tok-good\n");
	th_k8s_kubeconfig(&f, "kubeconfig-badtoken", "badtoken", good.port, "    certificate-authority: ca.pem\n",
		   "    token: not-the-token\n");
	th_k8s_kubeconfig(&f, "kubeconfig-keymismatch", "keymismatch", good.port, "    certificate-authority: ca.pem\n",
		   "    client-certificate: client.pem\n    client-key: other.key\n");
	/* Files outside the engagement folder, named three ways. */
	strbuf_addf(&outside, "%s/outside", f.dir);
	util_mkdirs(outside.buf, 0700);
	strbuf_addstr(&outside, "/id_rsa");
	th_write(outside.buf, "-----BEGIN PRIVATE KEY-----\nnot for vetter\n-----END PRIVATE KEY-----\n");
	th_k8s_kubeconfig(&f, "kubeconfig-tokenfile", "tokenfile", good.port, "    certificate-authority: ca.pem\n",
		   "    tokenFile: ../../outside/id_rsa\n");
	strbuf_reset(&p);
	strbuf_addf(&p, "    client-certificate: client.pem\n    client-key: %s\n", outside.buf);
	th_k8s_kubeconfig(&f, "kubeconfig-clientkey", "clientkey", good.port, "    certificate-authority: ca.pem\n", p.buf);
	strbuf_reset(&p);
	strbuf_addf(&p, "%s/token-link", f.dataroom);
	ck_assert_int_eq(symlink(outside.buf, p.buf), 0);
	th_k8s_kubeconfig(&f, "kubeconfig-symlink", "symlink", good.port, "    certificate-authority: ca.pem\n",
		   "    tokenFile: token-link\n");
	src = th_data_path("k8s/kubeconfig/kubernetes-client-c-auth-provider.yaml");
	dst = th_k8s_join(f.dataroom, "kubeconfig-authprovider");
	strbuf_reset(&p);
	th_read(src, &p);
	th_write(dst, p.buf);
	free(src);
	free(dst);
	th_k8s_kubeconfig(&f, "kubeconfig-exec", "exec", good.port, "    certificate-authority: ca.pem\n",
		   "    exec: {apiVersion: client.authentication.k8s.io/v1, command: ./token.sh}\n");
	src = th_data_path("k8s/kubeconfig/aws-cli-eks-testdata/invalid_text");
	dst = th_k8s_join(f.dataroom, "kubeconfig-malformed");
	strbuf_reset(&p);
	th_read(src, &p);
	th_write(dst, p.buf);
	free(src);
	free(dst);

	/* Exports: one whose only file is cut short, one with a good file, a broken one and a symlink out. */
	strbuf_reset(&p);
	strbuf_addf(&p, "mkdir -p %s/dump-bad %s/dump-partial && cd %s && printf '{\"kind\":\"PodList\",\"items\":[{' > "
			"dump-bad/bad.json && printf 'apiVersion: v1\\nkind: Namespace\\nmetadata: {name: ok}\\n' > "
			"dump-partial/good.yaml && printf 'key: [unclosed\\n' > dump-partial/broken.yaml && "
			"echo notes > dump-partial/notes.txt && ln -s %s dump-partial/link.json",
		    f.eng, f.eng, f.eng, outside.buf);
	th_k8s_sh(p.buf);
	strbuf_addstr(&comp, "  - id: target\n    name: Target\n    role: target\n    sources:\n");
	strbuf_addstr(&comp, "      - id: export-bad\n        type: kubernetes-export\n        paths: [dump-bad/bad.json]\n"
			     "      - id: export-partial\n        type: kubernetes-export\n        paths: [dump-partial]\n");
	strbuf_addf(&comp, "      - id: insecure\n        type: kubernetes\n        kubeconfig: dataroom/kubeconfig-insecure\n%s",
		    th_k8s_auth);
	for (i = 0; i < ARRAY_SIZE(bads); i++)
		strbuf_addf(&comp, "      - id: %s\n        type: kubernetes\n        kubeconfig: dataroom/kubeconfig-%s\n"
				   "        timeout: 10\n%s",
			    bads[i].id, bads[i].id, th_k8s_auth);
	th_k8s_engagement(&f, comp.buf);
	th_k8s_collect(&f, 3);
	th_server_stop(&good);
	th_server_stop(&shtml);
	th_server_stop(&strunc);
	th_server_stop(&sredir);
	th_server_stop(&sexp);
	th_server_stop(&swrong);

	st = th_k8s_store(&f);
	srcs = th_k8s_sources(st);
	gaps = th_k8s_gaps(st);
	/* insecure-skip-tls-verify is allowed, and the sources table says so. */
	s = json_object_get(srcs, "insecure");
	ck_assert_str_eq(jsonx_strz(s, "status"), "done");
	th_k8s_assert_json(json_object_get(s, "info"), "{\"authorization\":{\"by\":\"A. Consultant\",\"date\":\"2026-01-01\","
						"\"scope\":\"read-only audit\"},\"tls_notes\":[\"context insecure: "
						"insecure-skip-tls-verify in the kubeconfig\"],\"tls_verify\":false}");
	/* Every other source failed with its one reason; the run went on. */
	for (i = 0; i < ARRAY_SIZE(bads); i++) {
		s = json_object_get(srcs, bads[i].id);
		ck_assert_msg(s != NULL, "%s", bads[i].id);
		ck_assert_msg(!strcmp(jsonx_strz(s, "status"), "failed"), "%s: %s", bads[i].id, jsonx_strz(s, "status"));
		ck_assert_msg(strstr(jsonx_strz(s, "error"), bads[i].error), "%s: %s", bads[i].id, jsonx_strz(s, "error"));
		for (j = 0, n = 0; j < json_array_size(gaps); j++) {
			g = json_array_get(gaps, j);
			strbuf_reset(&p);
			strbuf_addf(&p, "target %s ", bads[i].id);
			n += util_has_prefix(json_string_value(g), p.buf);
		}
		ck_assert_msg(n == 1, "%s: %zu gaps", bads[i].id, n);
	}
	s = json_object_get(srcs, "export-bad");
	ck_assert_str_eq(jsonx_strz(s, "status"), "failed");
	ck_assert_str_eq(jsonx_strz(s, "error"), "no Kubernetes objects could be read; first: dump-bad/bad.json: byte 28: "
						 "string or '}' expected near end of file");
	ck_assert_str_eq(jsonx_strz(json_object_get(srcs, "export-partial"), "status"), "done");
	n = 0;
	for (j = 0; j < json_array_size(gaps); j++) {
		const char *gt = json_string_value(json_array_get(gaps, j));

		n += util_has_prefix(gt, "target export-bad source not collected: no Kubernetes objects could be read");
		n += util_has_prefix(gt, "target export-partial kubernetes export file dump-partial/broken.yaml: "
					 "dump-partial/broken.yaml:");
		n += util_has_prefix(gt, "target export-partial kubernetes export file dump-partial/link.json: ") &&
		     strstr(gt, "resolves outside") != NULL;
	}
	ck_assert_int_eq(n, 3);
	ck_assert_int_eq(json_array_size(gaps), ARRAY_SIZE(bads) + 3);
	for (i = 0; i < 3; i++) {
		s = json_object_get(srcs, i == 0 ? "tokenfile" : i == 1 ? "clientkey" : "symlink");
		ck_assert_msg(strstr(jsonx_strz(s, "error"), "only files inside the engagement folder may be named"), "%s",
			      jsonx_strz(s, "error"));
	}
	json_decref(srcs);
	json_decref(gaps);
	store_close(st);
	strbuf_release(&comp);
	strbuf_release(&p);
	strbuf_release(&outside);
	th_k8s_free(&f);
}
END_TEST

START_TEST(contexts_plugins_certificates_in_cluster)
{
	struct th_server srv;
	struct th_k8s f;
	struct strbuf comp = STRBUF_INIT, p = STRBUF_INIT;
	struct store *st;
	struct th_k8s_snap a;
	struct th_k8s_reqs r;
	json_t *srcs, *gaps, *v;
	char *log;
	size_t i;
	int certs = 0, icx_only = 1;

	th_k8s_init(&f);
	log = th_k8s_start(&f, &srv, "main", "srv.pem", NULL);
	/* Two contexts, one of which cannot be reached: the other is read, the first is a gap. */
	strbuf_addf(&p, "%s/kubeconfig-multi", f.dataroom);
	th_write_fmt(p.buf,
		     "apiVersion: v1\nkind: Config\ncurrent-context: good\ncontexts:\n- name: good\n  context: {cluster: "
		     "fixture-a, user: u}\n- name: bad\n  context: {cluster: fixture-b, user: u}\nclusters:\n- name: fixture-a\n"
		     "  cluster: {server: 'https://127.0.0.1:%d', certificate-authority: ca.pem}\n- name: fixture-b\n"
		     "  cluster: {server: 'https://127.0.0.1:%d', certificate-authority: ca2.pem}\nusers:\n- name: u\n"
		     "  user: {token: tok-good}\n",
		     srv.port, srv.port);
	th_k8s_kubeconfig(&f, "kubeconfig-exec", "plugin", srv.port, "    certificate-authority: ca.pem\n",
		   "    exec: {apiVersion: client.authentication.k8s.io/v1, command: ./token.sh}\n");
	strbuf_reset(&p);
	strbuf_addf(&p, "%s/token.sh", f.dataroom);
	th_write(p.buf, "#!/bin/sh\nprintf '{\"apiVersion\":\"client.authentication.k8s.io/v1\",\"kind\":\"ExecCredential\","
			"\"status\":{\"token\":\"tok-exec\"}}'\n");
	ck_assert_int_eq(chmod(p.buf, 0755), 0);
	th_k8s_kubeconfig(&f, "kubeconfig-cert", "certs", srv.port, "    certificate-authority: ca.pem\n",
		   "    client-certificate: client.pem\n    client-key: client.key\n");
	th_k8s_kubeconfig(&f, "kubeconfig-ns", "scoped", srv.port, "    certificate-authority: ca.pem\n", "    token: tok-good\n");
	strbuf_reset(&p);
	strbuf_addf(&p, "%s/sa", f.eng);
	util_mkdirs(p.buf, 0700);
	strbuf_addstr(&p, "/token");
	th_write(p.buf, "tok-good\n");
	strbuf_reset(&p);
	strbuf_addf(&p, "cp %s/ca.pem %s/sa/ca.crt", f.pki, f.eng);
	th_k8s_sh(p.buf);
	strbuf_addf(&comp,
		    "  - id: multi\n    name: Multi\n    role: target\n    sources:\n      - id: multi\n        type: kubernetes\n"
		    "        kubeconfig: dataroom/kubeconfig-multi\n        contexts: [good, bad]\n%s"
		    "  - id: plugin\n    name: Plugin\n    role: target\n    sources:\n      - id: plugin\n        type: kubernetes\n"
		    "        kubeconfig: dataroom/kubeconfig-exec\n        allow_exec: true\n%s"
		    "  - id: certs\n    name: Certs\n    role: target\n    sources:\n      - id: certs\n        type: kubernetes\n"
		    "        kubeconfig: dataroom/kubeconfig-cert\n%s"
		    "  - id: incluster\n    name: In cluster\n    role: target\n    sources:\n      - id: incluster\n"
		    "        type: kubernetes\n        in_cluster: true\n        service_account_dir: sa\n"
		    "        server: https://127.0.0.1:%d\n        cluster: pod-view\n%s"
		    "  - id: scoped\n    name: Scoped\n    role: target\n    sources:\n      - id: scoped\n        type: kubernetes\n"
		    "        kubeconfig: dataroom/kubeconfig-ns\n        namespaces: [icx]\n        page_size: 1\n%s",
		    th_k8s_auth, th_k8s_auth, th_k8s_auth, srv.port, th_k8s_auth, th_k8s_auth);
	th_k8s_engagement(&f, comp.buf);
	th_k8s_collect(&f, 3);
	th_server_stop(&srv);

	st = th_k8s_store(&f);
	srcs = th_k8s_sources(st);
	for (i = 0; i < 5; i++) {
		static const char *const ids[] = { "multi", "plugin", "certs", "incluster", "scoped" };

		ck_assert_msg(!strcmp(jsonx_strz(json_object_get(srcs, ids[i]), "status"), "done"), "%s: %s", ids[i],
			      jsonx_strz(json_object_get(srcs, ids[i]), "error"));
	}
	gaps = th_k8s_gaps(st);
	/* the unreachable context, and roles and rolebindings nowhere but the scoped source's namespace */
	ck_assert_int_eq(json_array_size(gaps), 1);
	ck_assert_msg(util_has_prefix(json_string_value(json_array_get(gaps, 0)),
				      "multi multi kubernetes context 'bad': https://127.0.0.1:"),
		      "%s", json_string_value(json_array_get(gaps, 0)));
	th_k8s_snapshot(st, "multi", &a);
	ck_assert_int_eq(json_object_size(a.assets), 50);
	ck_assert_ptr_nonnull(json_object_get(a.assets, "cluster\tfixture-a"));
	th_k8s_snap_release(&a);
	th_k8s_snapshot(st, "plugin", &a);
	ck_assert_int_eq(json_object_size(a.assets), 50);
	th_k8s_snap_release(&a);
	th_k8s_snapshot(st, "incluster", &a);
	ck_assert_int_eq(json_object_size(a.assets), 50);
	ck_assert_str_eq(jsonx_strz(th_k8s_asset_doc(&a, "cluster\tpod-view"), "cluster"), "pod-view");
	th_k8s_snap_release(&a);
	/* Namespace-scoped reads: namespaced kinds in icx only, cluster-scoped kinds as usual. */
	th_k8s_snapshot(st, "scoped", &a);
	{
		const char *key;

		json_object_foreach(a.assets, key, v)
			if (jsonx_str(v, "namespace") && strcmp(jsonx_str(v, "namespace"), "icx"))
				icx_only = 0;
	}
	ck_assert_int_eq(icx_only, 1);
	th_k8s_assert_json(a.kinds, "{\"cluster\":1,\"configmap\":1,\"crd\":2,\"image\":1,\"ingress\":1,\"namespace\":3,"
			     "\"network\":1,\"node\":2,\"pod\":1,\"rbac-binding\":1,\"rbac-role\":1,\"rbac-subject\":1,"
			     "\"service\":1,\"serviceaccount\":1,\"webhook\":2,\"workload\":1}");
	th_k8s_snap_release(&a);
	json_decref(srcs);
	json_decref(gaps);
	store_close(st);

	th_k8s_requests(log, &r);
	ck_assert_int_eq(r.off_list, 0);
	ck_assert_int_eq(r.subresource, 0);
	for (i = 0; i < json_array_size(r.vetter_paths); i++) {
		const char *q = json_string_value(json_array_get(r.vetter_paths, i));

		certs += !strcmp(q, "GET /api/v1/namespaces/icx/pods?limit=1");
	}
	ck_assert_int_eq(certs, 1);
	json_decref(r.vetter_paths);
	free(log);
	strbuf_release(&comp);
	strbuf_release(&p);
	th_k8s_free(&f);
}
END_TEST

Suite *kubernetes_bad_suite(void)
{
	Suite *s = suite_create("kubernetes_bad");
	TCase *tc = tcase_create("kubernetes_bad");

	if (th_have_data("kubernetes_bad", TH_K8S_DUMPS) && th_have_data("kubernetes_bad", "k8s/kubeconfig") &&
	    th_have_tool("kubernetes_bad", "openssl") && th_have_tool("kubernetes_bad", "python3")) {
		tcase_add_test(tc, bad_sources_fail_one_by_one);
		tcase_add_test(tc, contexts_plugins_certificates_in_cluster);
	}
	tcase_set_timeout(tc, 120);
	suite_add_tcase(s, tc);
	return s;
}
