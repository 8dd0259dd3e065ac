/*
 * The Kubernetes connectors end to end, against tests/lib/k8s_apiserver.py: a
 * loopback HTTPS server answering like an API server from the recorded
 * objects in ../shared/data/k8s/api-responses, with paging, a 403 on one
 * kind and Secret values for anyone who asks.  The real kubectl makes the
 * offline dump from the same server; the live source and the export must
 * give the same assets and edges, vetter's requests must stay on the
 * allowlist and never receive a Secret value, and no Secret value may be
 * anywhere in the engagement's state, also when the server sends them
 * regardless.  (test_kubernetes_bad.c: bad sources and the other ways in.)
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "core/jsonx.h"
#include "core/util.h"
#include "th.h"
#include "th_k8s.h"

struct ev_count {
	int live, export;
};

static int count_evidence(void *ctx, const struct store_evidence_row *row)
{
	struct ev_count *c = ctx;

	c->live += !strcmp(row->source, "live");
	c->export += !strcmp(row->source, "export");
	return 0;
}

static const char *const dump_kinds[] = {
	"nodes", "namespaces", "deployments", "replicasets", "statefulsets", "daemonsets", "jobs", "cronjobs",
	"ingresses", "networkpolicies", "serviceaccounts", "roles", "rolebindings", "clusterroles",
	"clusterrolebindings", "customresourcedefinitions", "validatingwebhookconfigurations",
	"mutatingwebhookconfigurations", "configmaps", "secrets",
};

/* What the target would hand over: kubectl's own dumps, one file a kind, some as YAML. */
static void kubectl_dump(struct th_k8s *f, const char *dump)
{
	char *kc = th_k8s_join(f->dataroom, "kubeconfig"), *cache = th_k8s_join(f->dir, "kube-cache"), *p;
	const char *argv[] = { "kubectl", "--kubeconfig", kc, "--cache-dir", cache, "get", NULL, "-A", "-o", "json", NULL };
	const char *ver[] = { "kubectl", "--kubeconfig", kc, "--cache-dir", cache, "version", "-o", "json", NULL };
	struct strbuf name = STRBUF_INIT;
	struct th_result res;
	size_t i;

	util_mkdirs(dump, 0700);
	for (i = 0; i < ARRAY_SIZE(dump_kinds) + 1; i++) {
		argv[6] = i < ARRAY_SIZE(dump_kinds) ? dump_kinds[i] : "pods,services";
		argv[9] = i < ARRAY_SIZE(dump_kinds) ? "json" : "yaml";
		th_run(&res, argv, NULL, NULL, f->dataroom);
		/* roles are refused to the auditor: kubectl says so and prints an empty List */
		if (!strcmp(argv[6], "roles")) {
			th_assert_status(&res, 1);
			ck_assert_msg(strstr(res.err.buf, "Forbidden"), "%s", res.err.buf);
		} else {
			th_assert_status(&res, 0);
		}
		strbuf_reset(&name);
		strbuf_addf(&name, "%s/%s.%s", dump, i < ARRAY_SIZE(dump_kinds) ? dump_kinds[i] : "pods-services", argv[9]);
		th_write(name.buf, res.out.buf);
		th_result_release(&res);
	}
	th_run(&res, ver, NULL, NULL, f->dataroom);
	th_assert_status(&res, 0);
	p = th_k8s_join(dump, "version.json");
	th_write(p, res.out.buf);
	th_result_release(&res);
	free(p);
	free(kc);
	free(cache);
	strbuf_release(&name);
}

START_TEST(live_and_export_agree)
{
	const char *deny[] = { "--deny", "roles", NULL };
	struct th_server srv;
	struct th_k8s f;
	struct strbuf comp = STRBUF_INIT, dumpdir = STRBUF_INIT;
	struct th_k8s_snap live, exp;
	struct th_k8s_reqs r;
	struct store *st;
	json_t *gaps, *srcs, *v;
	const json_t *cl;
	const char *k;
	char *log, *state;
	int files = 0, dumped_values = 0;
	size_t i;

	th_k8s_init(&f);
	log = th_k8s_start(&f, &srv, "main", "srv.pem", deny);
	th_k8s_kubeconfig(&f, "kubeconfig", "fixture", srv.port, "    certificate-authority: ca.pem\n", "    token: tok-good\n");
	strbuf_addf(&dumpdir, "%s/dump", f.eng);
	kubectl_dump(&f, dumpdir.buf);
	strbuf_addf(&comp,
		    "  - id: target\n    name: Target\n    role: target\n    sources:\n      - id: live\n        type: kubernetes\n"
		    "        kubeconfig: dataroom/kubeconfig\n%s"
		    "  - id: offline\n    name: Offline copy\n    role: acquirer\n    sources:\n      - id: export\n"
		    "        type: kubernetes-export\n        cluster: fixture\n        paths: [dump]\n",
		    th_k8s_auth);
	th_k8s_engagement(&f, comp.buf);
	th_k8s_collect(&f, 3);
	th_server_stop(&srv);

	st = th_k8s_store(&f);
	th_k8s_snapshot(st, "target", &live);
	th_k8s_snapshot(st, "offline", &exp);
	/* The same assets, documents and edges, whichever way the cluster was read. */
	ck_assert_int_eq(json_object_size(live.assets), 49);
	ck_assert_msg(json_equal(live.assets, exp.assets), "live and export assets differ");
	ck_assert_int_eq(json_object_size(live.edges), 28);
	ck_assert_msg(json_equal(live.edges, exp.edges), "live and export edges differ");
	th_k8s_assert_json(live.kinds, "{\"cluster\":1,\"configmap\":2,\"crd\":2,\"image\":9,\"ingress\":2,\"namespace\":3,"
				"\"network\":1,\"networkpolicy\":1,\"node\":2,\"pod\":5,\"rbac-binding\":2,\"rbac-role\":1,"
				"\"rbac-subject\":2,\"secret\":3,\"service\":3,\"serviceaccount\":2,\"webhook\":2,\"workload\":6}");
	cl = th_k8s_asset_doc(&live, "cluster\tfixture");
	ck_assert_int_eq(jsonx_int(cl, "node_count", 0), 2);
	th_k8s_assert_json(json_object_get(cl, "architectures"), "[\"amd64\",\"arm64\"]");
	th_k8s_assert_json(json_object_get(cl, "version"),
		    "{\"git_version\":\"v1.29.3\",\"major\":\"1\",\"minor\":\"29\",\"platform\":\"linux/amd64\"}");
	th_k8s_assert_json(json_object_get(th_k8s_asset_doc(&live, "namespace\tfixture/Namespace/icx"), "pod_security"),
		    "{\"enforce\":\"restricted\",\"enforce_version\":\"v1.29\",\"warn\":\"baseline\"}");
	v = json_object_get(th_k8s_asset_doc(&live, "image\tregistry:docker.io/library/postgres@sha256:"
					     "5f5f5f5f5f5f5f5f5f5f5f5f5f5f5f5f5f5f5f5f5f5f5f5f5f5f5f5f5f5f5f5f"),
			    "references");
	th_k8s_assert_json(v, "[\"registry:docker.io/library/postgres:9.2-alpine\"]");
	ck_assert_str_eq(jsonx_strz(th_k8s_asset_doc(&live, "image\tregistry:docker.io/library/postgres@sha256:"
						    "5f5f5f5f5f5f5f5f5f5f5f5f5f5f5f5f5f5f5f5f5f5f5f5f5f5f5f5f5f5f5f5f"),
				    "platform"),
			 "linux/arm64");
	/* A CronJob with no pod running may run anywhere: every node's platform. */
	th_k8s_assert_json(json_object_get(th_k8s_asset_doc(&live, "image\tregistry:docker.io/blang/busybox-bash:latest"), "platforms"),
		    "[\"linux/amd64\",\"linux/arm64\"]");
	th_k8s_assert_json(json_object_get(json_object_get(th_k8s_asset_doc(&live, "secret\tfixture/Secret/default/s1"), "object"),
				    "metadata"),
		    "{\"annotations\":{},\"creationTimestamp\":\"2019-08-30T14:30:50Z\",\"labels\":{\"app\":\"fred\"},\"name\":\"s1\","
		    "\"namespace\":\"default\",\"resourceVersion\":\"49724026\",\"selfLink\":"
		    "\"/api/v1/namespaces/default/secrets/s1\",\"uid\":\"c3e3d3f3-cb32-11e9-990f-42010a800218\"}");
	for (i = 0; i < 6; i++) {
		static const char *const edges[] = {
			"service\tfixture/Service/icx/icx-db selects workload\tfixture/Deployment/icx/icx-db",
			"service\tfixture/Service/default/nginx-sts faces-internet network\tfixture/internet",
			"ingress\tfixture/Ingress/icx/icx-web routes-to service\tfixture/Service/icx/icx-db",
			"rbac-binding\tfixture/ClusterRoleBinding/blee grants rbac-role\tfixture/ClusterRole/blee",
			"rbac-binding\tfixture/RoleBinding/default/blee binds rbac-subject\tfixture/ServiceAccount/default/fernand",
			"workload\tfixture/Deployment/icx/icx-db runs image\tregistry:docker.io/library/postgres@sha256:"
			"5f5f5f5f5f5f5f5f5f5f5f5f5f5f5f5f5f5f5f5f5f5f5f5f5f5f5f5f5f5f5f5f",
		};
		ck_assert_msg(json_object_get(live.edges, edges[i]), "%s", edges[i]);
	}

	/* The one kind refused is one gap, and the coverage says so. */
	gaps = th_k8s_gaps(st);
	ck_assert_int_eq(json_array_size(gaps), 1);
	ck_assert_str_eq(json_string_value(json_array_get(gaps, 0)),
			 "target live kubernetes roles (cluster fixture): GET /apis/rbac.authorization.k8s.io/v1/roles: 403 "
			 "Forbidden: roles.rbac.authorization.k8s.io is forbidden: User \"auditor\" cannot list resource "
			 "\"roles\" in API group \"rbac.authorization.k8s.io\" at the cluster scope");
	json_decref(gaps);
	{
		struct ev_count ec = { 0, 0 };

		ck_assert_int_eq(store_evidence_foreach(st, count_evidence, &ec), 0);
		/* /version and every list read (not roles); every dump file that held objects */
		ck_assert_int_eq(ec.live, 22);
		ck_assert_int_eq(ec.export, 20);
	}
	srcs = th_k8s_sources(st);
	ck_assert_str_eq(jsonx_strz(json_object_get(srcs, "live"), "status"), "done");
	ck_assert_str_eq(jsonx_strz(json_object_get(srcs, "export"), "status"), "done");
	ck_assert_int_eq(jsonx_bool(json_object_get(json_object_get(srcs, "live"), "info"), "tls_verify", 0), 1);
	json_decref(srcs);
	store_close(st);

	/* Every request vetter made was a GET on the list, Secrets and ConfigMaps as metadata only. */
	th_k8s_requests(log, &r);
	ck_assert_int_eq(r.vetter, 28);
	ck_assert_int_eq(r.off_list, 0);
	ck_assert_int_eq(r.subresource, 0);
	ck_assert_int_eq(r.metadata_only, 3);
	ck_assert_int_eq(r.vetter_values, 0);
	ck_assert_str_eq(json_string_value(json_array_get(r.vetter_paths, 0)), "GET /version");
	ck_assert_str_eq(json_string_value(json_array_get(r.vetter_paths, 3)), "GET /api/v1/namespaces?limit=500&continue=Mg%3D%3D");
	/* kubectl asked for Secrets whole and got their values: the fixture does hand them out. */
	ck_assert_int_gt(r.kubectl_values, 0);
	json_decref(r.vetter_paths);

	/* ... which are in the dump the target handed over, and nowhere in vetter's state. */
	{
		struct strbuf data = STRBUF_INIT;
		char *sp = th_k8s_join(dumpdir.buf, "secrets.json"), *cp = th_k8s_join(dumpdir.buf, "configmaps.json");

		th_read(sp, &data);
		th_read(cp, &data);
		for (i = 0; i < TH_K8S_NSECRETS; i++)
			dumped_values += util_memmem(data.buf, data.len, th_k8s_secret_values[i], strlen(th_k8s_secret_values[i])) != NULL;
		strbuf_release(&data);
		free(sp);
		free(cp);
	}
	ck_assert_int_eq(dumped_values, 5);
	state = th_k8s_join(f.eng, "engagement.vetter");
	th_k8s_assert_no_secrets(state, &files);
	/* store, run log and the evidence: what was kept of each answer and file, sanitised */
	ck_assert_int_ge(files, 20);
	free(state);
	th_k8s_snap_release(&live);
	th_k8s_snap_release(&exp);
	(void)k;
	free(log);
	strbuf_release(&comp);
	strbuf_release(&dumpdir);
	th_k8s_free(&f);
}
END_TEST

START_TEST(server_that_sends_secret_values_anyway)
{
	const char *hostile[] = { "--hostile-secrets", NULL };
	struct th_server srv;
	struct th_k8s f;
	struct strbuf comp = STRBUF_INIT;
	struct th_k8s_snap live;
	struct th_k8s_reqs r;
	struct store *st;
	char *log, *state;
	int files = 0;

	th_k8s_init(&f);
	log = th_k8s_start(&f, &srv, "hostile", "srv.pem", hostile);
	th_k8s_kubeconfig(&f, "kubeconfig", "fixture", srv.port, "    certificate-authority: ca.pem\n", "    token: tok-good\n");
	strbuf_addf(&comp, "  - id: target\n    name: Target\n    role: target\n    sources:\n      - id: live\n"
			   "        type: kubernetes\n        kubeconfig: dataroom/kubeconfig\n%s", th_k8s_auth);
	th_k8s_engagement(&f, comp.buf);
	th_k8s_collect(&f, 0);
	th_server_stop(&srv);
	th_k8s_requests(log, &r);
	/* vetter asked for metadata only; this server sent the values regardless ... */
	ck_assert_int_eq(r.metadata_only, 3);
	ck_assert_int_eq(r.vetter_values, 2);
	/* ... and they were dropped on the way in. */
	st = th_k8s_store(&f);
	th_k8s_snapshot(st, "target", &live);
	ck_assert_int_eq(json_object_size(live.assets), 50);
	th_k8s_assert_json(json_object_get(th_k8s_asset_doc(&live, "secret\tfixture/Secret/default/canary"), "object"),
		    "{\"apiVersion\":\"v1\",\"kind\":\"Secret\",\"metadata\":{\"annotations\":{},\"creationTimestamp\":"
		    "\"2024-03-20T10:00:00Z\",\"name\":\"canary\",\"namespace\":\"default\",\"resourceVersion\":\"1000\","
		    "\"uid\":\"00000000-0000-4000-8000-d352fbc6e686\"}}");
	store_close(st);
	state = th_k8s_join(f.eng, "engagement.vetter");
	th_k8s_assert_no_secrets(state, &files);
	free(state);
	th_k8s_snap_release(&live);
	json_decref(r.vetter_paths);
	free(log);
	strbuf_release(&comp);
	th_k8s_free(&f);
}
END_TEST

Suite *kubernetes_suite(void)
{
	Suite *s = suite_create("kubernetes");
	TCase *tc = tcase_create("kubernetes");

	if (th_have_data("kubernetes", TH_K8S_DUMPS) && th_have_tool("kubernetes", "openssl") &&
	    th_have_tool("kubernetes", "python3")) {
		if (th_have_tool("live_and_export_agree", "kubectl"))
			tcase_add_test(tc, live_and_export_agree);
		tcase_add_test(tc, server_that_sends_secret_values_anyway);
	}
	tcase_set_timeout(tc, 120);
	suite_add_tcase(s, tc);
	return s;
}
