/*
 * The Kubernetes connectors end to end, against tests/lib/k8s_apiserver.py: a
 * loopback HTTPS server answering like an API server from the recorded
 * objects in ../shared/data/k8s/api-responses, with paging, a 403 on one
 * kind and Secret values for anyone who asks.  The real kubectl makes the
 * offline dump from the same server; the live source and the export must
 * give the same assets and edges, vetter's requests must stay on the
 * allowlist and never receive a Secret value, and no Secret value may be
 * anywhere in the engagement's state.  Then every kind of bad source, one
 * clear error each while the run goes on, and the other ways in
 * (several contexts, exec plugins, client certificates, in-cluster mode,
 * namespace-scoped reads).
 */
#include <check.h>
#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "connectors/k8s_api.h"
#include "core/jsonx.h"
#include "core/store.h"
#include "core/util.h"
#include "th.h"

#define DUMPS "k8s/api-responses/k9s-object-dumps"

/* Secret values the fixture holds, as served (base64) and as decoded. */
static const char *const secret_values[] = {
	"YnVtYmxlYmVldHVuYQo", "bumblebeetuna", "ZmVybmFuZAo=", "MDEyMzQ1Njc4OWFiY2Rl", "0123456789abcde",
	"vetter-canary-3b1f9e2d", "dmV0dGVyLWNhbmFyeS0zYjFmOWUyZA",
};

struct fx {
	char *dir, *pki, *eng, *dataroom, *data, *tool;
};

static char *join(const char *a, const char *b)
{
	struct strbuf p = STRBUF_INIT;

	strbuf_addf(&p, "%s/%s", a, b);
	return strbuf_detach(&p, NULL);
}

static void run_sh(const char *script)
{
	const char *argv[] = { "sh", "-c", script, NULL };
	struct th_result res;

	th_run(&res, argv, NULL, NULL, NULL);
	th_assert_status(&res, 0);
	th_result_release(&res);
}

static void fx_init(struct fx *f)
{
	struct strbuf s = STRBUF_INIT;

	f->dir = th_tmpdir();
	f->pki = join(f->dir, "pki");
	f->eng = join(f->dir, "eng");
	f->dataroom = join(f->eng, "dataroom");
	f->data = th_data_path(DUMPS);
	f->tool = th_repo_path("tests/lib/k8s_apiserver.py");
	util_mkdirs(f->pki, 0700);
	util_mkdirs(f->dataroom, 0700);
	/* A CA, a server certificate for 127.0.0.1, an expired one, one for another name, another CA, a client
	 * certificate and a key that belongs to nothing. */
	strbuf_addf(&s,
		    "set -e; cd %s; K='-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes'\n"
		    "openssl req -x509 $K -keyout ca.key -out ca.pem -days 2 -subj /CN=test-ca\n"
		    "openssl req -x509 $K -keyout ca2.key -out ca2.pem -days 2 -subj /CN=other-ca\n"
		    "openssl req $K -keyout srv.key -out srv.csr -subj /CN=127.0.0.1\n"
		    "printf 'subjectAltName=IP:127.0.0.1\\n' > ext; printf 'subjectAltName=DNS:wrong.example\\n' > ext2\n"
		    "openssl x509 -req -in srv.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out srv.pem -days 2 -extfile ext\n"
		    "openssl x509 -req -in srv.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out expired.pem -days -1 -extfile ext\n"
		    "openssl x509 -req -in srv.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out wrongname.pem -days 2 -extfile ext2\n"
		    "openssl req $K -keyout client.key -out client.csr -subj /CN=auditor\n"
		    "openssl x509 -req -in client.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out client.pem -days 2\n"
		    "openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:prime256v1 -out other.key\n"
		    "cp ca.pem ca2.pem client.pem client.key other.key %s/\n",
		    f->pki, f->dataroom);
	run_sh(s.buf);
	strbuf_release(&s);
}

static void fx_free(struct fx *f)
{
	th_rm_rf(f->dir);
	free(f->dir);
	free(f->pki);
	free(f->eng);
	free(f->dataroom);
	free(f->data);
	free(f->tool);
}

/* Start a fixture server with the certificate cert (in pki) and extra arguments; returns its log file. */
static char *start(struct fx *f, struct th_server *srv, const char *name, const char *cert, const char *const *extra)
{
	const char *argv[32] = { "python3", f->tool, "--tls", NULL, NULL, "--data", f->data, "--log", NULL, "--token",
				 "tok-good", "--token", "tok-exec", "--client-ca", NULL };
	char *c = join(f->pki, cert), *k = join(f->pki, "srv.key"), *ca = join(f->pki, "ca.pem");
	struct strbuf l = STRBUF_INIT;
	size_t n = 15;

	strbuf_addf(&l, "%s/%s.log", f->dir, name);
	argv[3] = c;
	argv[4] = k;
	argv[8] = l.buf;
	argv[14] = ca;
	while (extra && *extra && n < 31)
		argv[n++] = *extra++;
	argv[n] = NULL;
	th_server_start(srv, argv);
	free(c);
	free(k);
	free(ca);
	return strbuf_detach(&l, NULL);
}

/* dataroom/NAME: one context (and cluster) named cluster on port, with extra cluster and user lines. */
static void kubeconfig(struct fx *f, const char *name, const char *cluster, int port, const char *cluster_extra,
		       const char *user)
{
	char *p = join(f->dataroom, name);

	th_write_fmt(p,
		     "apiVersion: v1\nkind: Config\ncurrent-context: %s\ncontexts:\n- name: %s\n  context: {cluster: %s, "
		     "user: u}\nclusters:\n- name: %s\n  cluster:\n    server: https://127.0.0.1:%d\n%susers:\n- name: u\n"
		     "  user:\n%s",
		     cluster, cluster, cluster, cluster, port, cluster_extra, user);
	free(p);
}

static const char auth[] = "        authorization: {by: A. Consultant, scope: read-only audit, date: 2026-01-01}\n";

static void engagement(struct fx *f, const char *companies)
{
	char *p = join(f->eng, "engagement.yaml");

	th_write_fmt(p, "name: K8s\nclient: Test\nas_of: 2026-01-01\ncompanies:\n%s", companies);
	free(p);
}

static void run_collect(struct fx *f, int want)
{
	char *p = join(f->eng, "engagement.yaml");
	struct th_result res;

	th_vetter(&res, NULL, "run", p, "--only", "collect", NULL);
	th_assert_status(&res, want);
	th_result_release(&res);
	free(p);
}

static struct store *open_store(struct fx *f)
{
	char *p = join(f->eng, "engagement.vetter/store.sqlite");
	struct store *st = NULL;

	ck_assert_int_eq(store_open(&st, p), 0);
	free(p);
	return st;
}

struct snap {
	json_t *assets; /* "kind\tkey" -> doc without source (and collection) */
	json_t *ids;    /* row id -> "kind\tkey" */
	json_t *edges;  /* "FROM EDGE TO" -> true */
	json_t *kinds;  /* kind -> count */
};

static int snap_asset(void *ctx, const struct store_asset *a)
{
	struct snap *s = ctx;
	struct strbuf id = STRBUF_INIT, row = STRBUF_INIT;
	json_t *doc = json_deep_copy(a->doc), *n;

	json_object_del(doc, "source");
	json_object_del(doc, "collection");
	strbuf_addf(&id, "%s\t%s", a->kind, a->key);
	strbuf_addf(&row, "%lld", (long long)a->id);
	json_object_set_new(s->assets, id.buf, doc);
	json_object_set_new(s->ids, row.buf, json_string(id.buf));
	n = json_object_get(s->kinds, a->kind);
	json_object_set_new(s->kinds, a->kind, json_integer(n ? json_integer_value(n) + 1 : 1));
	strbuf_release(&id);
	strbuf_release(&row);
	return 0;
}

static int snap_edge(void *ctx, int64_t from, int64_t to, const char *kind)
{
	struct snap *s = ctx;
	struct strbuf a = STRBUF_INIT, b = STRBUF_INIT, e = STRBUF_INIT;
	const char *fa, *ta;

	strbuf_addf(&a, "%lld", (long long)from);
	strbuf_addf(&b, "%lld", (long long)to);
	fa = json_string_value(json_object_get(s->ids, a.buf));
	ta = json_string_value(json_object_get(s->ids, b.buf));
	if (fa && ta) {
		strbuf_addf(&e, "%s %s %s", fa, kind, ta);
		json_object_set_new(s->edges, e.buf, json_true());
	}
	strbuf_release(&a);
	strbuf_release(&b);
	strbuf_release(&e);
	return 0;
}

static void snapshot(struct store *st, const char *company, struct snap *s)
{
	s->assets = json_object();
	s->ids = json_object();
	s->edges = json_object();
	s->kinds = json_object();
	ck_assert_int_eq(store_asset_foreach(st, company, NULL, snap_asset, s), 0);
	ck_assert_int_eq(store_edge_foreach(st, 0, 0, NULL, snap_edge, s), 0);
}

static void snap_release(struct snap *s)
{
	json_decref(s->assets);
	json_decref(s->ids);
	json_decref(s->edges);
	json_decref(s->kinds);
}

static const json_t *asset_doc(const struct snap *s, const char *kind_key)
{
	const json_t *d = json_object_get(s->assets, kind_key);

	ck_assert_msg(d != NULL, "no asset %s", kind_key);
	return d;
}

static void assert_json(const json_t *v, const char *want)
{
	struct strbuf got = STRBUF_INIT;

	jsonx_dump_canonical(&got, v);
	ck_assert_str_eq(got.buf, want);
	strbuf_release(&got);
}

struct gaps {
	json_t *list; /* "company source component: reason" */
};

static int collect_gap(void *ctx, json_t *f)
{
	struct gaps *g = ctx;
	struct strbuf s = STRBUF_INIT;

	if (strcmp(jsonx_strz(f, "kind"), "gap"))
		return 0;
	strbuf_addf(&s, "%s %s %s: %s", jsonx_strz(f, "company"), jsonx_strz(f, "source"), jsonx_strz(f, "component"),
		    jsonx_strz(f, "reason"));
	json_array_append_new(g->list, json_string(s.buf));
	strbuf_release(&s);
	return 0;
}

static json_t *gaps_of(struct store *st)
{
	struct gaps g = { json_array() };

	ck_assert_int_eq(store_finding_foreach(st, NULL, collect_gap, &g), 0);
	return g.list;
}

static int collect_source(void *ctx, const char *id, const char *company, const char *type, int live, const char *status,
			  const char *error, const char *info)
{
	json_t *m = ctx, *i = NULL;

	(void)company;
	(void)type;
	(void)live;
	jsonx_parse(info, strlen(info), "info", &i);
	json_object_set_new(m, id, json_pack("{s:s, s:s, s:o}", "status", status, "error", error ? error : "", "info", i));
	return 0;
}

static json_t *sources_of(struct store *st)
{
	json_t *m = json_object();

	ck_assert_int_eq(store_source_foreach(st, collect_source, m), 0);
	return m;
}

/* Every file under dir, searched for every Secret value. */
static void assert_no_secret_values(const char *dir, int *files)
{
	struct strbuf p = STRBUF_INIT, data = STRBUF_INIT;
	struct dirent *de;
	struct stat st;
	DIR *d = opendir(dir);
	size_t i;

	ck_assert_ptr_nonnull(d);
	while ((de = readdir(d))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		strbuf_reset(&p);
		strbuf_addf(&p, "%s/%s", dir, de->d_name);
		ck_assert_int_eq(stat(p.buf, &st), 0);
		if (S_ISDIR(st.st_mode)) {
			assert_no_secret_values(p.buf, files);
			continue;
		}
		strbuf_reset(&data);
		th_read(p.buf, &data);
		(*files)++;
		for (i = 0; i < ARRAY_SIZE(secret_values); i++)
			ck_assert_msg(!util_memmem(data.buf, data.len, secret_values[i], strlen(secret_values[i])),
				      "%s holds the Secret value %s", p.buf, secret_values[i]);
	}
	closedir(d);
	strbuf_release(&p);
	strbuf_release(&data);
}

struct reqs {
	int vetter, kubectl, kubectl_values, vetter_values, metadata_only, subresource, off_list;
	json_t *vetter_paths; /* "PATH?QUERY" of vetter's requests, in order */
};

/* The fixture's request log, split between vetter's requests and kubectl's. */
static void read_requests(const char *log, struct reqs *r)
{
	struct strbuf text = STRBUF_INIT, q = STRBUF_INIT;
	char *line, *save = NULL;
	json_t *j;

	memset(r, 0, sizeof(*r));
	r->vetter_paths = json_array();
	th_read(log, &text);
	for (line = strtok_r(text.buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		const char *path, *ua;

		ck_assert_int_eq(jsonx_parse(line, strlen(line), log, &j), 0);
		path = jsonx_strz(j, "path");
		ua = jsonx_strz(j, "ua");
		if (util_has_prefix(ua, "vetter/")) {
			r->vetter++;
			strbuf_reset(&q);
			strbuf_addf(&q, "%s %s", jsonx_strz(j, "method"), path);
			if (jsonx_strz(j, "query")[0])
				strbuf_addf(&q, "?%s", jsonx_strz(j, "query"));
			json_array_append_new(r->vetter_paths, json_string(q.buf));
			r->vetter_values += jsonx_bool(j, "secret_values", 0);
			if (!k8s_path_allowed(path) || strcmp(jsonx_strz(j, "method"), "GET"))
				r->off_list++;
			if (strstr(path, "/log") || strstr(path, "/exec") || strstr(path, "/attach") ||
			    strstr(path, "/portforward") || strstr(path, "/proxy"))
				r->subresource++;
			if (util_has_suffix(path, "/secrets") || util_has_suffix(path, "/configmaps")) {
				ck_assert_msg(strstr(jsonx_strz(j, "accept"), "as=PartialObjectMetadataList;g=meta.k8s.io;v=v1"),
					      "%s", line);
				r->metadata_only++;
			}
		} else {
			r->kubectl++;
			r->kubectl_values += jsonx_bool(j, "secret_values", 0);
		}
		json_decref(j);
	}
	strbuf_release(&text);
	strbuf_release(&q);
}

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
static void kubectl_dump(struct fx *f, const char *dump)
{
	char *kc = join(f->dataroom, "kubeconfig"), *cache = join(f->dir, "kube-cache"), *p;
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
	p = join(dump, "version.json");
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
	struct fx f;
	struct strbuf comp = STRBUF_INIT, dumpdir = STRBUF_INIT;
	struct snap live, exp;
	struct reqs r;
	struct store *st;
	json_t *gaps, *srcs, *v;
	const json_t *cl;
	const char *k;
	char *log, *state;
	int files = 0, dumped_values = 0;
	size_t i;

	fx_init(&f);
	log = start(&f, &srv, "main", "srv.pem", deny);
	kubeconfig(&f, "kubeconfig", "fixture", srv.port, "    certificate-authority: ca.pem\n", "    token: tok-good\n");
	strbuf_addf(&dumpdir, "%s/dump", f.eng);
	kubectl_dump(&f, dumpdir.buf);
	strbuf_addf(&comp,
		    "  - id: target\n    name: Target\n    role: target\n    sources:\n      - id: live\n        type: kubernetes\n"
		    "        kubeconfig: dataroom/kubeconfig\n%s"
		    "  - id: offline\n    name: Offline copy\n    role: acquirer\n    sources:\n      - id: export\n"
		    "        type: kubernetes-export\n        cluster: fixture\n        paths: [dump]\n",
		    auth);
	engagement(&f, comp.buf);
	run_collect(&f, 3);
	th_server_stop(&srv);

	st = open_store(&f);
	snapshot(st, "target", &live);
	snapshot(st, "offline", &exp);
	/* The same assets, documents and edges, whichever way the cluster was read. */
	ck_assert_int_eq(json_object_size(live.assets), 49);
	ck_assert_msg(json_equal(live.assets, exp.assets), "live and export assets differ");
	ck_assert_int_eq(json_object_size(live.edges), 28);
	ck_assert_msg(json_equal(live.edges, exp.edges), "live and export edges differ");
	assert_json(live.kinds, "{\"cluster\":1,\"configmap\":2,\"crd\":2,\"image\":9,\"ingress\":2,\"namespace\":3,"
				"\"network\":1,\"networkpolicy\":1,\"node\":2,\"pod\":5,\"rbac-binding\":2,\"rbac-role\":1,"
				"\"rbac-subject\":2,\"secret\":3,\"service\":3,\"serviceaccount\":2,\"webhook\":2,\"workload\":6}");
	cl = asset_doc(&live, "cluster\tfixture");
	ck_assert_int_eq(jsonx_int(cl, "node_count", 0), 2);
	assert_json(json_object_get(cl, "architectures"), "[\"amd64\",\"arm64\"]");
	assert_json(json_object_get(cl, "version"),
		    "{\"git_version\":\"v1.29.3\",\"major\":\"1\",\"minor\":\"29\",\"platform\":\"linux/amd64\"}");
	assert_json(json_object_get(asset_doc(&live, "namespace\tfixture/Namespace/icx"), "pod_security"),
		    "{\"enforce\":\"restricted\",\"enforce_version\":\"v1.29\",\"warn\":\"baseline\"}");
	v = json_object_get(asset_doc(&live, "image\tregistry:docker.io/library/postgres@sha256:"
					     "5f5f5f5f5f5f5f5f5f5f5f5f5f5f5f5f5f5f5f5f5f5f5f5f5f5f5f5f5f5f5f5f"),
			    "references");
	assert_json(v, "[\"registry:docker.io/library/postgres:9.2-alpine\"]");
	ck_assert_str_eq(jsonx_strz(asset_doc(&live, "image\tregistry:docker.io/library/postgres@sha256:"
						    "5f5f5f5f5f5f5f5f5f5f5f5f5f5f5f5f5f5f5f5f5f5f5f5f5f5f5f5f5f5f5f5f"),
				    "platform"),
			 "linux/arm64");
	/* A CronJob with no pod running may run anywhere: every node's platform. */
	assert_json(json_object_get(asset_doc(&live, "image\tregistry:docker.io/blang/busybox-bash:latest"), "platforms"),
		    "[\"linux/amd64\",\"linux/arm64\"]");
	assert_json(json_object_get(json_object_get(asset_doc(&live, "secret\tfixture/Secret/default/s1"), "object"),
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
	gaps = gaps_of(st);
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
	srcs = sources_of(st);
	ck_assert_str_eq(jsonx_strz(json_object_get(srcs, "live"), "status"), "done");
	ck_assert_str_eq(jsonx_strz(json_object_get(srcs, "export"), "status"), "done");
	ck_assert_int_eq(jsonx_bool(json_object_get(json_object_get(srcs, "live"), "info"), "tls_verify", 0), 1);
	json_decref(srcs);
	store_close(st);

	/* Every request vetter made was a GET on the list, Secrets and ConfigMaps as metadata only. */
	read_requests(log, &r);
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
		char *sp = join(dumpdir.buf, "secrets.json"), *cp = join(dumpdir.buf, "configmaps.json");

		th_read(sp, &data);
		th_read(cp, &data);
		for (i = 0; i < ARRAY_SIZE(secret_values); i++)
			dumped_values += util_memmem(data.buf, data.len, secret_values[i], strlen(secret_values[i])) != NULL;
		strbuf_release(&data);
		free(sp);
		free(cp);
	}
	ck_assert_int_eq(dumped_values, 5);
	state = join(f.eng, "engagement.vetter");
	assert_no_secret_values(state, &files);
	/* store, run log and the evidence: what was kept of each answer and file, sanitised */
	ck_assert_int_ge(files, 20);
	free(state);
	snap_release(&live);
	snap_release(&exp);
	(void)k;
	free(log);
	strbuf_release(&comp);
	strbuf_release(&dumpdir);
	fx_free(&f);
}
END_TEST

START_TEST(server_that_sends_secret_values_anyway)
{
	const char *hostile[] = { "--hostile-secrets", NULL };
	struct th_server srv;
	struct fx f;
	struct strbuf comp = STRBUF_INIT;
	struct snap live;
	struct reqs r;
	struct store *st;
	char *log, *state;
	int files = 0;

	fx_init(&f);
	log = start(&f, &srv, "hostile", "srv.pem", hostile);
	kubeconfig(&f, "kubeconfig", "fixture", srv.port, "    certificate-authority: ca.pem\n", "    token: tok-good\n");
	strbuf_addf(&comp, "  - id: target\n    name: Target\n    role: target\n    sources:\n      - id: live\n"
			   "        type: kubernetes\n        kubeconfig: dataroom/kubeconfig\n%s", auth);
	engagement(&f, comp.buf);
	run_collect(&f, 0);
	th_server_stop(&srv);
	read_requests(log, &r);
	/* vetter asked for metadata only; this server sent the values regardless ... */
	ck_assert_int_eq(r.metadata_only, 3);
	ck_assert_int_eq(r.vetter_values, 2);
	/* ... and they were dropped on the way in. */
	st = open_store(&f);
	snapshot(st, "target", &live);
	ck_assert_int_eq(json_object_size(live.assets), 50);
	assert_json(json_object_get(asset_doc(&live, "secret\tfixture/Secret/default/canary"), "object"),
		    "{\"apiVersion\":\"v1\",\"kind\":\"Secret\",\"metadata\":{\"annotations\":{},\"creationTimestamp\":"
		    "\"2024-03-20T10:00:00Z\",\"name\":\"canary\",\"namespace\":\"default\",\"resourceVersion\":\"1000\","
		    "\"uid\":\"00000000-0000-4000-8000-d352fbc6e686\"}}");
	store_close(st);
	state = join(f.eng, "engagement.vetter");
	assert_no_secret_values(state, &files);
	free(state);
	snap_release(&live);
	json_decref(r.vetter_paths);
	free(log);
	strbuf_release(&comp);
	fx_free(&f);
}
END_TEST

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
		{ "redirect", "/version: the API server redirected to 'https://169.254.169.254/latest/meta-data/'; vetter "
			      "does not follow an API server's redirects" },
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
	struct fx f;
	struct strbuf comp = STRBUF_INIT, p = STRBUF_INIT, outside = STRBUF_INIT;
	struct store *st;
	json_t *srcs, *gaps, *s, *g;
	char *src, *dst;
	size_t i, j, n;

	fx_init(&f);
	free(start(&f, &good, "good", "srv.pem", NULL));
	free(start(&f, &shtml, "html", "srv.pem", html));
	free(start(&f, &strunc, "trunc", "srv.pem", trunc));
	free(start(&f, &sredir, "redir", "srv.pem", redir));
	free(start(&f, &sexp, "expired", "expired.pem", NULL));
	free(start(&f, &swrong, "wrongname", "wrongname.pem", NULL));
	kubeconfig(&f, "kubeconfig-insecure", "insecure", good.port, "    insecure-skip-tls-verify: true\n",
		   "    token: tok-good\n");
	kubeconfig(&f, "kubeconfig-html", "html", shtml.port, "    certificate-authority: ca.pem\n", "    token: tok-good\n");
	kubeconfig(&f, "kubeconfig-truncated", "truncated", strunc.port, "    certificate-authority: ca.pem\n",
		   "    token: tok-good\n");
	kubeconfig(&f, "kubeconfig-redirect", "redirect", sredir.port, "    certificate-authority: ca.pem\n",
		   "    token: tok-good\n");
	strbuf_addf(&p, "%s/kubeconfig-metadata", f.dataroom);
	th_write_fmt(p.buf, "apiVersion: v1\ncurrent-context: m\ncontexts:\n- name: m\n  context: {cluster: m, user: u}\n"
			    "clusters:\n- name: m\n  cluster: {server: 'https://169.254.169.254:%d'}\nusers:\n- name: u\n"
			    "  user: {token: tok-good}\n",
		     good.port);
	kubeconfig(&f, "kubeconfig-expired", "expired", sexp.port, "    certificate-authority: ca.pem\n",
		   "    token: tok-good\n");
	kubeconfig(&f, "kubeconfig-wrongname", "wrongname", swrong.port, "    certificate-authority: ca.pem\n",
		   "    token: tok-good\n");
	kubeconfig(&f, "kubeconfig-wrongca", "wrongca", good.port, "    certificate-authority: ca2.pem\n",
		   "    token: tok-good\n");
	kubeconfig(&f, "kubeconfig-badtoken", "badtoken", good.port, "    certificate-authority: ca.pem\n",
		   "    token: not-the-token\n");
	kubeconfig(&f, "kubeconfig-keymismatch", "keymismatch", good.port, "    certificate-authority: ca.pem\n",
		   "    client-certificate: client.pem\n    client-key: other.key\n");
	/* Files outside the engagement folder, named three ways. */
	strbuf_addf(&outside, "%s/outside", f.dir);
	util_mkdirs(outside.buf, 0700);
	strbuf_addstr(&outside, "/id_rsa");
	th_write(outside.buf, "-----BEGIN PRIVATE KEY-----\nnot for vetter\n-----END PRIVATE KEY-----\n");
	kubeconfig(&f, "kubeconfig-tokenfile", "tokenfile", good.port, "    certificate-authority: ca.pem\n",
		   "    tokenFile: ../../outside/id_rsa\n");
	strbuf_reset(&p);
	strbuf_addf(&p, "    client-certificate: client.pem\n    client-key: %s\n", outside.buf);
	kubeconfig(&f, "kubeconfig-clientkey", "clientkey", good.port, "    certificate-authority: ca.pem\n", p.buf);
	strbuf_reset(&p);
	strbuf_addf(&p, "%s/token-link", f.dataroom);
	ck_assert_int_eq(symlink(outside.buf, p.buf), 0);
	kubeconfig(&f, "kubeconfig-symlink", "symlink", good.port, "    certificate-authority: ca.pem\n",
		   "    tokenFile: token-link\n");
	src = th_data_path("k8s/kubeconfig/kubernetes-client-c-auth-provider.yaml");
	dst = join(f.dataroom, "kubeconfig-authprovider");
	strbuf_reset(&p);
	th_read(src, &p);
	th_write(dst, p.buf);
	free(src);
	free(dst);
	kubeconfig(&f, "kubeconfig-exec", "exec", good.port, "    certificate-authority: ca.pem\n",
		   "    exec: {apiVersion: client.authentication.k8s.io/v1, command: ./token.sh}\n");
	src = th_data_path("k8s/kubeconfig/aws-cli-eks-testdata/invalid_text");
	dst = join(f.dataroom, "kubeconfig-malformed");
	strbuf_reset(&p);
	th_read(src, &p);
	th_write(dst, p.buf);
	free(src);
	free(dst);

	strbuf_addstr(&comp, "  - id: target\n    name: Target\n    role: target\n    sources:\n");
	strbuf_addf(&comp, "      - id: insecure\n        type: kubernetes\n        kubeconfig: dataroom/kubeconfig-insecure\n%s",
		    auth);
	for (i = 0; i < ARRAY_SIZE(bads); i++)
		strbuf_addf(&comp, "      - id: %s\n        type: kubernetes\n        kubeconfig: dataroom/kubeconfig-%s\n"
				   "        timeout: 10\n%s",
			    bads[i].id, bads[i].id, auth);
	engagement(&f, comp.buf);
	run_collect(&f, 3);
	th_server_stop(&good);
	th_server_stop(&shtml);
	th_server_stop(&strunc);
	th_server_stop(&sredir);
	th_server_stop(&sexp);
	th_server_stop(&swrong);

	st = open_store(&f);
	srcs = sources_of(st);
	gaps = gaps_of(st);
	/* insecure-skip-tls-verify is allowed, and the sources table says so. */
	s = json_object_get(srcs, "insecure");
	ck_assert_str_eq(jsonx_strz(s, "status"), "done");
	assert_json(json_object_get(s, "info"), "{\"authorization\":{\"by\":\"A. Consultant\",\"date\":\"2026-01-01\","
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
	ck_assert_int_eq(json_array_size(gaps), ARRAY_SIZE(bads));
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
	fx_free(&f);
}
END_TEST

START_TEST(contexts_plugins_certificates_in_cluster)
{
	struct th_server srv;
	struct fx f;
	struct strbuf comp = STRBUF_INIT, p = STRBUF_INIT;
	struct store *st;
	struct snap a;
	struct reqs r;
	json_t *srcs, *gaps, *v;
	char *log;
	size_t i;
	int certs = 0, icx_only = 1;

	fx_init(&f);
	log = start(&f, &srv, "main", "srv.pem", NULL);
	/* Two contexts, one of which cannot be reached: the other is read, the first is a gap. */
	strbuf_addf(&p, "%s/kubeconfig-multi", f.dataroom);
	th_write_fmt(p.buf,
		     "apiVersion: v1\nkind: Config\ncurrent-context: good\ncontexts:\n- name: good\n  context: {cluster: "
		     "fixture-a, user: u}\n- name: bad\n  context: {cluster: fixture-b, user: u}\nclusters:\n- name: fixture-a\n"
		     "  cluster: {server: 'https://127.0.0.1:%d', certificate-authority: ca.pem}\n- name: fixture-b\n"
		     "  cluster: {server: 'https://127.0.0.1:%d', certificate-authority: ca2.pem}\nusers:\n- name: u\n"
		     "  user: {token: tok-good}\n",
		     srv.port, srv.port);
	kubeconfig(&f, "kubeconfig-exec", "plugin", srv.port, "    certificate-authority: ca.pem\n",
		   "    exec: {apiVersion: client.authentication.k8s.io/v1, command: ./token.sh}\n");
	strbuf_reset(&p);
	strbuf_addf(&p, "%s/token.sh", f.dataroom);
	th_write(p.buf, "#!/bin/sh\nprintf '{\"apiVersion\":\"client.authentication.k8s.io/v1\",\"kind\":\"ExecCredential\","
			"\"status\":{\"token\":\"tok-exec\"}}'\n");
	ck_assert_int_eq(chmod(p.buf, 0755), 0);
	kubeconfig(&f, "kubeconfig-cert", "certs", srv.port, "    certificate-authority: ca.pem\n",
		   "    client-certificate: client.pem\n    client-key: client.key\n");
	kubeconfig(&f, "kubeconfig-ns", "scoped", srv.port, "    certificate-authority: ca.pem\n", "    token: tok-good\n");
	strbuf_reset(&p);
	strbuf_addf(&p, "%s/sa", f.eng);
	util_mkdirs(p.buf, 0700);
	strbuf_addstr(&p, "/token");
	th_write(p.buf, "tok-good\n");
	strbuf_reset(&p);
	strbuf_addf(&p, "cp %s/ca.pem %s/sa/ca.crt", f.pki, f.eng);
	run_sh(p.buf);
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
		    auth, auth, auth, srv.port, auth, auth);
	engagement(&f, comp.buf);
	run_collect(&f, 3);
	th_server_stop(&srv);

	st = open_store(&f);
	srcs = sources_of(st);
	for (i = 0; i < 5; i++) {
		static const char *const ids[] = { "multi", "plugin", "certs", "incluster", "scoped" };

		ck_assert_msg(!strcmp(jsonx_strz(json_object_get(srcs, ids[i]), "status"), "done"), "%s: %s", ids[i],
			      jsonx_strz(json_object_get(srcs, ids[i]), "error"));
	}
	gaps = gaps_of(st);
	/* the unreachable context, and roles and rolebindings nowhere but the scoped source's namespace */
	ck_assert_int_eq(json_array_size(gaps), 1);
	ck_assert_msg(util_has_prefix(json_string_value(json_array_get(gaps, 0)),
				      "multi multi kubernetes context 'bad': https://127.0.0.1:"),
		      "%s", json_string_value(json_array_get(gaps, 0)));
	snapshot(st, "multi", &a);
	ck_assert_int_eq(json_object_size(a.assets), 50);
	ck_assert_ptr_nonnull(json_object_get(a.assets, "cluster\tfixture-a"));
	snap_release(&a);
	snapshot(st, "plugin", &a);
	ck_assert_int_eq(json_object_size(a.assets), 50);
	snap_release(&a);
	snapshot(st, "incluster", &a);
	ck_assert_int_eq(json_object_size(a.assets), 50);
	ck_assert_str_eq(jsonx_strz(asset_doc(&a, "cluster\tpod-view"), "cluster"), "pod-view");
	snap_release(&a);
	/* Namespace-scoped reads: namespaced kinds in icx only, cluster-scoped kinds as usual. */
	snapshot(st, "scoped", &a);
	{
		const char *key;

		json_object_foreach(a.assets, key, v)
			if (jsonx_str(v, "namespace") && strcmp(jsonx_str(v, "namespace"), "icx"))
				icx_only = 0;
	}
	ck_assert_int_eq(icx_only, 1);
	assert_json(a.kinds, "{\"cluster\":1,\"configmap\":1,\"crd\":2,\"image\":1,\"ingress\":1,\"namespace\":3,"
			     "\"network\":1,\"node\":2,\"pod\":1,\"rbac-binding\":1,\"rbac-role\":1,\"rbac-subject\":1,"
			     "\"service\":1,\"serviceaccount\":1,\"webhook\":2,\"workload\":1}");
	snap_release(&a);
	json_decref(srcs);
	json_decref(gaps);
	store_close(st);

	read_requests(log, &r);
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
	fx_free(&f);
}
END_TEST

Suite *kubernetes_suite(void)
{
	Suite *s = suite_create("kubernetes");
	TCase *tc = tcase_create("kubernetes");
	int ok = th_have_data("kubernetes", DUMPS) && th_have_tool("kubernetes", "openssl") &&
		 th_have_tool("kubernetes", "python3");

	if (ok && th_have_tool("live_and_export_agree", "kubectl"))
		tcase_add_test(tc, live_and_export_agree);
	if (ok) {
		tcase_add_test(tc, server_that_sends_secret_values_anyway);
		tcase_add_test(tc, bad_sources_fail_one_by_one);
		tcase_add_test(tc, contexts_plugins_certificates_in_cluster);
	}
	tcase_set_timeout(tc, 120);
	suite_add_tcase(s, tc);
	return s;
}
