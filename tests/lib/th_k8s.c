/*
 * th_k8s: what the Kubernetes connector tests share (tests/unit/test_kubernetes*.c):
 * a folder with a PKI made by openssl, the API server fixture
 * (tests/lib/k8s_apiserver.py), kubeconfigs and engagements written for a
 * test, and readers of what a run left behind (assets, edges, gaps, sources,
 * the fixture's request log).
 */
#include "th_k8s.h"

#include <check.h>
#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "connectors/k8s_api.h"
#include "core/jsonx.h"
#include "core/util.h"
#include "th.h"

/* Secret values the fixture holds, as served (base64) and as decoded. */
const char *const th_k8s_secret_values[TH_K8S_NSECRETS] = {
	"YnVtYmxlYmVldHVuYQo", "bumblebeetuna", "ZmVybmFuZAo=", "MDEyMzQ1Njc4OWFiY2Rl", "0123456789abcde",
	"vetter-canary-3b1f9e2d", "dmV0dGVyLWNhbmFyeS0zYjFmOWUyZA",
};

char *th_k8s_join(const char *a, const char *b)
{
	struct strbuf p = STRBUF_INIT;

	strbuf_addf(&p, "%s/%s", a, b);
	return strbuf_detach(&p, NULL);
}

void th_k8s_sh(const char *script)
{
	const char *argv[] = { "sh", "-c", script, NULL };
	struct th_result res;

	th_run(&res, argv, NULL, NULL, NULL);
	th_assert_status(&res, 0);
	th_result_release(&res);
}

void th_k8s_init(struct th_k8s *f)
{
	struct strbuf s = STRBUF_INIT;

	f->dir = th_tmpdir();
	f->pki = th_k8s_join(f->dir, "pki");
	f->eng = th_k8s_join(f->dir, "eng");
	f->dataroom = th_k8s_join(f->eng, "dataroom");
	f->data = th_data_path(TH_K8S_DUMPS);
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
	th_k8s_sh(s.buf);
	strbuf_release(&s);
}

void th_k8s_free(struct th_k8s *f)
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
char *th_k8s_start(struct th_k8s *f, struct th_server *srv, const char *name, const char *cert, const char *const *extra)
{
	const char *argv[32] = { "python3", f->tool, "--tls", NULL, NULL, "--data", f->data, "--log", NULL, "--token",
				 "tok-good", "--token", "tok-exec", "--client-ca", NULL };
	char *c = th_k8s_join(f->pki, cert), *k = th_k8s_join(f->pki, "srv.key"), *ca = th_k8s_join(f->pki, "ca.pem");
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
void th_k8s_kubeconfig(struct th_k8s *f, const char *name, const char *cluster, int port, const char *cluster_extra,
		       const char *user)
{
	char *p = th_k8s_join(f->dataroom, name);

	th_write_fmt(p,
		     "apiVersion: v1\nkind: Config\ncurrent-context: %s\ncontexts:\n- name: %s\n  context: {cluster: %s, "
		     "user: u}\nclusters:\n- name: %s\n  cluster:\n    server: https://127.0.0.1:%d\n%susers:\n- name: u\n"
		     "  user:\n%s",
		     cluster, cluster, cluster, cluster, port, cluster_extra, user);
	free(p);
}

const char th_k8s_auth[] = "        authorization: {by: A. Consultant, scope: read-only audit, date: 2026-01-01}\n";

void th_k8s_engagement(struct th_k8s *f, const char *companies)
{
	char *p = th_k8s_join(f->eng, "engagement.yaml");

	th_write_fmt(p, "name: K8s\nclient: Test\nas_of: 2026-01-01\ncompanies:\n%s", companies);
	free(p);
}

void th_k8s_collect(struct th_k8s *f, int want)
{
	char *p = th_k8s_join(f->eng, "engagement.yaml");
	struct th_result res;

	th_vetter(&res, NULL, "run", p, "--only", "collect", NULL);
	th_assert_status(&res, want);
	th_result_release(&res);
	free(p);
}

struct store *th_k8s_store(struct th_k8s *f)
{
	char *p = th_k8s_join(f->eng, "engagement.vetter/store.sqlite");
	struct store *st = NULL;

	ck_assert_int_eq(store_open(&st, p), 0);
	free(p);
	return st;
}


static int snap_asset(void *ctx, const struct store_asset *a)
{
	struct th_k8s_snap *s = ctx;
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
	struct th_k8s_snap *s = ctx;
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

void th_k8s_snapshot(struct store *st, const char *company, struct th_k8s_snap *s)
{
	s->assets = json_object();
	s->ids = json_object();
	s->edges = json_object();
	s->kinds = json_object();
	ck_assert_int_eq(store_asset_foreach(st, company, NULL, snap_asset, s), 0);
	ck_assert_int_eq(store_edge_foreach(st, 0, 0, NULL, snap_edge, s), 0);
}

void th_k8s_snap_release(struct th_k8s_snap *s)
{
	json_decref(s->assets);
	json_decref(s->ids);
	json_decref(s->edges);
	json_decref(s->kinds);
}

const json_t *th_k8s_asset_doc(const struct th_k8s_snap *s, const char *kind_key)
{
	const json_t *d = json_object_get(s->assets, kind_key);

	ck_assert_msg(d != NULL, "no asset %s", kind_key);
	return d;
}

void th_k8s_assert_json(const json_t *v, const char *want)
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

json_t *th_k8s_gaps(struct store *st)
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

json_t *th_k8s_sources(struct store *st)
{
	json_t *m = json_object();

	ck_assert_int_eq(store_source_foreach(st, collect_source, m), 0);
	return m;
}

/* Every file under dir, searched for every Secret value. */
void th_k8s_assert_no_secrets(const char *dir, int *files)
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
			th_k8s_assert_no_secrets(p.buf, files);
			continue;
		}
		strbuf_reset(&data);
		th_read(p.buf, &data);
		(*files)++;
		for (i = 0; i < TH_K8S_NSECRETS; i++)
			ck_assert_msg(!util_memmem(data.buf, data.len, th_k8s_secret_values[i], strlen(th_k8s_secret_values[i])),
				      "%s holds the Secret value %s", p.buf, th_k8s_secret_values[i]);
	}
	closedir(d);
	strbuf_release(&p);
	strbuf_release(&data);
}


/* The fixture's request log, split between vetter's requests and kubectl's. */
void th_k8s_requests(const char *log, struct th_k8s_reqs *r)
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

