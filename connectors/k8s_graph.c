/*
 * The second half of the normaliser: a model's objects into the assets and
 * edges of docs/resources.md ("kubernetes").  Everything is walked in
 * sorted order, so the same objects give the same graph whatever order
 * they arrived in.
 */
#include <stdlib.h>
#include <string.h>

#include "core/err.h"
#include "core/jsonx.h"
#include "core/util.h"
#include "k8s_int.h"

int k8s_graph_new(struct k8s_graph **out)
{
	struct k8s_graph *g = calloc(1, sizeof(*g));

	*out = NULL;
	if (!g || !(g->assets = json_object()) || !(g->edges = json_array()) || !(g->seen = json_object())) {
		k8s_graph_free(g);
		return NOMEM();
	}
	*out = g;
	return 0;
}

void k8s_graph_free(struct k8s_graph *g)
{
	if (!g)
		return;
	json_decref(g->assets);
	json_decref(g->edges);
	json_decref(g->seen);
	free(g);
}

const json_t *k8s_graph_assets(const struct k8s_graph *g)
{
	return g->assets;
}

const json_t *k8s_graph_edges(const struct k8s_graph *g)
{
	return g->edges;
}

int k8s_asset_id(struct strbuf *out, const char *kind, const char *key)
{
	strbuf_reset(out);
	return strbuf_addf(out, "%s\t%s", kind, key);
}

/* Record an asset; doc is stolen.  A later asset of the same id replaces the earlier. */
int k8s_put_asset(struct build *b, const char *kind, const char *key, const char *name, json_t *doc)
{
	struct strbuf id = STRBUF_INIT;
	json_t *a;
	int rc = 0;

	if (!doc)
		return NOMEM();
	a = json_pack("{s:s, s:s, s:s, s:o}", "kind", kind, "key", key, "name", name, "doc", doc);
	if (!a)
		return NOMEM(); /* json_pack's "o" consumes doc also when it fails */
	if ((rc = k8s_asset_id(&id, kind, key)) == 0 && json_object_set_new(b->g->assets, id.buf, a) < 0)
		rc = NOMEM();
	else if (rc < 0)
		json_decref(a);
	strbuf_release(&id);
	return rc;
}

int k8s_edge(struct build *b, const char *from_kind, const char *from_key, const char *to_kind, const char *to_key,
		const char *kind)
{
	struct strbuf f = STRBUF_INIT, t = STRBUF_INIT;
	json_t *e;
	int rc;

	if ((rc = k8s_asset_id(&f, from_kind, from_key)) < 0 || (rc = k8s_asset_id(&t, to_kind, to_key)) < 0)
		goto cleanup;
	e = json_pack("[sss]", f.buf, t.buf, kind);
	if (!e || json_array_append_new(b->pending, e) < 0)
		rc = NOMEM();
cleanup:
	strbuf_release(&f);
	strbuf_release(&t);
	return rc;
}

/* Pending edges whose two ends exist become edges, once each. */
static int settle_edges(struct build *b)
{
	struct strbuf k = STRBUF_INIT;
	json_t *e;
	size_t i;
	int rc = 0;

	json_array_foreach(b->pending, i, e) {
		const char *from = json_string_value(json_array_get(e, 0)), *to = json_string_value(json_array_get(e, 1));

		if (!json_object_get(b->g->assets, from) || !json_object_get(b->g->assets, to) || !strcmp(from, to))
			continue;
		strbuf_reset(&k);
		strbuf_addf(&k, "%s\n%s\n%s", from, to, json_string_value(json_array_get(e, 2)));
		if (json_object_get(b->g->seen, k.buf))
			continue;
		if (json_object_set_new(b->g->seen, k.buf, json_true()) < 0 || json_array_append(b->g->edges, e) < 0) {
			rc = NOMEM();
			break;
		}
	}
	strbuf_release(&k);
	return rc;
}

/* Insert s into a sorted array of strings unless present. */
int k8s_sorted_add(json_t *arr, const char *s)
{
	size_t i, n = json_array_size(arr);
	int c;

	for (i = 0; i < n; i++) {
		c = strcmp(json_string_value(json_array_get(arr, i)), s);
		if (c == 0)
			return 0;
		if (c > 0)
			break;
	}
	return json_array_insert_new(arr, i, json_string(s)) < 0 ? NOMEM() : 0;
}

void k8s_obj_key(struct strbuf *out, const char *cluster, const char *kind, const char *ns, const char *name)
{
	strbuf_reset(out);
	if (ns)
		strbuf_addf(out, "%s/%s/%s/%s", cluster, kind, ns, name);
	else
		strbuf_addf(out, "%s/%s/%s", cluster, kind, name);
}

void k8s_obj_asset_name(struct strbuf *out, const char *ns, const char *name)
{
	strbuf_reset(out);
	if (ns)
		strbuf_addf(out, "%s/%s", ns, name);
	else
		strbuf_addstr(out, name);
}

/* The members every object asset has. */
json_t *k8s_common_doc(const struct build *b, const json_t *obj)
{
	json_t *doc = json_object();
	const char *ns = k8s_obj_namespace(obj);
	const struct k8s_kind *k = k8s_kind_find(jsonx_str(obj, "kind"));

	if (!doc || jsonx_set_str(doc, "cluster", b->cluster) < 0 ||
	    (k && k->namespaced && jsonx_set_str(doc, "namespace", ns) < 0) ||
	    jsonx_set_str(doc, "name", k8s_obj_name(obj)) < 0 || jsonx_set_str(doc, "k8s_kind", jsonx_str(obj, "kind")) < 0 ||
	    jsonx_set_str(doc, "api_version", jsonx_str(obj, "apiVersion")) < 0 ||
	    json_object_set(doc, "object", (json_t *)obj) < 0) {
		json_decref(doc);
		return NULL;
	}
	return doc;
}


static json_t *component(const char *name, const char *version)
{
	struct strbuf purl = STRBUF_INIT;
	json_t *c;
	size_t i;

	if (!version || !version[0] || strlen(version) > 128)
		return NULL;
	strbuf_addf(&purl, "pkg:golang/%s@", name);
	for (i = 0; version[i]; i++) {
		unsigned char ch = (unsigned char)version[i];

		if (ch <= 0x20 || ch >= 0x7f) {
			strbuf_release(&purl);
			return NULL;
		}
		if ((ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '.' ||
		    ch == '-' || ch == '_' || ch == '~')
			strbuf_addch(&purl, ch);
		else
			strbuf_addf(&purl, "%%%02X", ch);
	}
	c = json_pack("{s:s, s:s, s:s, s:s}", "type", "golang", "name", name, "version", version, "purl", purl.buf);
	strbuf_release(&purl);
	return c;
}

/* containerd://1.7.2 -> ("containerd", "1.7.2") and its Go module. */
static void runtime_parts(const char *v, struct strbuf *name, struct strbuf *release, const char **module)
{
	static const char *const mods[][2] = { { "containerd", "github.com/containerd/containerd" },
					       { "cri-o", "github.com/cri-o/cri-o" },
					       { "docker", "github.com/docker/docker" } };
	const char *sep = v ? strstr(v, "://") : NULL;
	size_t i;

	*module = NULL;
	if (!sep)
		return;
	strbuf_add(name, v, (size_t)(sep - v));
	strbuf_addstr(release, sep + 3);
	for (i = 0; i < ARRAY_SIZE(mods); i++)
		if (!strcmp(name->buf, mods[i][0]))
			*module = mods[i][1];
}

static int do_node(struct build *b, const json_t *obj, json_t *archs)
{
	struct strbuf key = STRBUF_INIT, plat = STRBUF_INIT, rname = STRBUF_INIT, rrel = STRBUF_INIT, gover = STRBUF_INIT;
	const json_t *info = jsonx_dig(obj, "status.nodeInfo"), *labels = jsonx_dig(obj, "metadata.labels");
	const char *os = jsonx_str(info, "operatingSystem"), *arch = jsonx_str(info, "architecture"), *module, *lk;
	const char *rt = jsonx_str(info, "containerRuntimeVersion"), *kubelet = jsonx_str(info, "kubeletVersion");
	json_t *doc = k8s_common_doc(b, obj), *roles = json_array(), *comps = json_array(), *v;
	int rc = 0;

	if (!doc || !roles || !comps) {
		rc = NOMEM();
		goto cleanup;
	}
	if (!os)
		os = jsonx_str(labels, "kubernetes.io/os") ? jsonx_str(labels, "kubernetes.io/os")
							   : jsonx_str(labels, "beta.kubernetes.io/os");
	if (!arch)
		arch = jsonx_str(labels, "kubernetes.io/arch") ? jsonx_str(labels, "kubernetes.io/arch")
							       : jsonx_str(labels, "beta.kubernetes.io/arch");
	json_object_foreach((json_t *)labels, lk, v) {
		if (util_has_prefix(lk, "node-role.kubernetes.io/") && lk[24] && (rc = k8s_sorted_add(roles, lk + 24)) < 0)
			goto cleanup;
		if (!strcmp(lk, "kubernetes.io/role") && json_string_value(v) &&
		    (rc = k8s_sorted_add(roles, json_string_value(v))) < 0)
			goto cleanup;
	}
	runtime_parts(rt, &rname, &rrel, &module);
	if ((v = component("k8s.io/kubernetes", kubelet)) && json_array_append_new(comps, v) < 0) {
		rc = NOMEM();
		goto cleanup;
	}
	if (module && rrel.len) {
		strbuf_addf(&gover, "%s%s", rrel.buf[0] >= '0' && rrel.buf[0] <= '9' ? "v" : "", rrel.buf);
		if ((v = component(module, gover.buf)) && json_array_append_new(comps, v) < 0) {
			rc = NOMEM();
			goto cleanup;
		}
	}
	if (os && arch) {
		strbuf_addf(&plat, "%s/%s", os, arch);
		if (json_object_set_new(b->node_platform, k8s_obj_name(obj), json_string(plat.buf)) < 0 ||
		    (rc = k8s_sorted_add(b->platforms, plat.buf)) < 0 || (rc = k8s_sorted_add(archs, arch)) < 0) {
			rc = rc < 0 ? rc : NOMEM();
			goto cleanup;
		}
	}
	if (jsonx_set_str(doc, "os_image", jsonx_str(info, "osImage")) < 0 ||
	    jsonx_set_str(doc, "kernel_version", jsonx_str(info, "kernelVersion")) < 0 ||
	    jsonx_set_str(doc, "kubelet_version", kubelet) < 0 ||
	    jsonx_set_str(doc, "kube_proxy_version", jsonx_str(info, "kubeProxyVersion")) < 0 ||
	    jsonx_set_str(doc, "container_runtime_version", rt) < 0 ||
	    (rname.len && jsonx_set_str(doc, "container_runtime", rname.buf) < 0) ||
	    (rrel.len && jsonx_set_str(doc, "container_runtime_release", rrel.buf) < 0) ||
	    jsonx_set_str(doc, "operating_system", os) < 0 || jsonx_set_str(doc, "architecture", arch) < 0 ||
	    (plat.len && jsonx_set_str(doc, "platform", plat.buf) < 0) || json_object_set(doc, "roles", roles) < 0 ||
	    json_object_set(doc, "components", comps) < 0) {
		rc = NOMEM();
		goto cleanup;
	}
	k8s_obj_key(&key, b->cluster, "Node", NULL, k8s_obj_name(obj));
	rc = k8s_put_asset(b, "node", key.buf, k8s_obj_name(obj), doc);
	doc = NULL;
cleanup:
	json_decref(doc);
	json_decref(roles);
	json_decref(comps);
	strbuf_release(&key);
	strbuf_release(&plat);
	strbuf_release(&rname);
	strbuf_release(&rrel);
	strbuf_release(&gover);
	return rc;
}

static int do_cluster(struct build *b, size_t nodes, json_t *archs)
{
	const json_t *ver = b->m->version;
	json_t *doc, *coll = json_deep_copy(b->m->collection), *comps = json_array(), *c;
	int rc = 0;

	if (!coll || !comps) {
		json_decref(coll);
		json_decref(comps);
		return NOMEM();
	}
	if (json_object_size(b->m->skipped))
		json_object_set(coll, "skipped", b->m->skipped);
	if (ver && (c = component("k8s.io/kubernetes", jsonx_str(ver, "gitVersion"))))
		json_array_append_new(comps, c);
	doc = json_pack("{s:s, s:I, s:O, s:O, s:o, s:o}", "cluster", b->cluster, "node_count", (json_int_t)nodes,
			"architectures", archs, "platforms", b->platforms, "components", comps, "collection", coll);
	if (doc && ver) {
		json_t *v = json_object();

		if (!v || json_object_set_new(doc, "version", v) < 0 ||
		    jsonx_set_str(v, "git_version", jsonx_str(ver, "gitVersion")) < 0 ||
		    jsonx_set_str(v, "major", jsonx_str(ver, "major")) < 0 ||
		    jsonx_set_str(v, "minor", jsonx_str(ver, "minor")) < 0 ||
		    jsonx_set_str(v, "platform", jsonx_str(ver, "platform")) < 0)
			rc = NOMEM();
	}
	if (rc < 0) {
		json_decref(doc);
		return rc;
	}
	return k8s_put_asset(b, "cluster", b->cluster, b->cluster, doc);
}

static int do_namespace(struct build *b, json_t *doc, const json_t *obj)
{
	static const char *const modes[] = { "enforce", "audit", "warn" };
	const json_t *labels = jsonx_dig(obj, "metadata.labels");
	struct strbuf l = STRBUF_INIT, k = STRBUF_INIT;
	json_t *ps = json_object();
	size_t i;
	int rc = 0;

	for (i = 0; ps && i < ARRAY_SIZE(modes) && rc == 0; i++) {
		strbuf_reset(&l);
		strbuf_addf(&l, "pod-security.kubernetes.io/%s", modes[i]);
		rc = jsonx_set_str(ps, modes[i], jsonx_str(labels, l.buf));
		strbuf_addstr(&l, "-version");
		strbuf_reset(&k);
		strbuf_addf(&k, "%s_version", modes[i]);
		if (rc == 0)
			rc = jsonx_set_str(ps, k.buf, jsonx_str(labels, l.buf));
	}
	if (!ps || rc < 0 || json_object_set_new(doc, "pod_security", ps) < 0)
		rc = NOMEM();
	strbuf_release(&l);
	strbuf_release(&k);
	return rc;
}

/* The cluster's "internet" node, made when something faces it. */
static int internet(struct build *b, struct strbuf *key)
{
	struct strbuf id = STRBUF_INIT;
	int rc = 0;

	strbuf_reset(key);
	strbuf_addf(key, "%s/internet", b->cluster);
	k8s_asset_id(&id, "network", key->buf);
	if (!json_object_get(b->g->assets, id.buf))
		rc = k8s_put_asset(b, "network", key->buf, "internet",
				   json_pack("{s:s, s:s}", "cluster", b->cluster, "scope", "internet"));
	strbuf_release(&id);
	return rc;
}

static int selector_matches(const json_t *selector, const json_t *labels)
{
	const char *k;
	json_t *v;

	if (!json_object_size(selector))
		return 0;
	json_object_foreach((json_t *)selector, k, v) {
		const char *have = jsonx_str(labels, k);

		if (!json_is_string(v) || !have || strcmp(have, json_string_value(v)))
			return 0;
	}
	return 1;
}

static int do_service(struct build *b, const char *key, json_t *doc, const json_t *obj)
{
	const json_t *spec = json_object_get(obj, "spec"), *sel = json_object_get(spec, "selector"), *w;
	const char *type = jsonx_str(spec, "type"), *ns = k8s_obj_namespace(obj);
	struct strbuf wk = STRBUF_INIT;
	json_t *wl;
	size_t i;
	int rc = 0, facing;

	if (!type)
		type = "ClusterIP";
	facing = !strcmp(type, "LoadBalancer") || !strcmp(type, "NodePort");
	if (jsonx_set_str(doc, "type", type) < 0 ||
	    json_object_set_new(doc, "selector", json_is_object(sel) ? json_deep_copy(sel) : json_object()) < 0 ||
	    json_object_set_new(doc, "internet_facing", json_boolean(facing)) < 0)
		return NOMEM();
	json_array_foreach(json_object_get(b->ns_workloads, ns), i, wl) {
		w = json_object_get(b->m->objects, json_string_value(wl));
		if (!selector_matches(sel, k8s_template_labels(w)))
			continue;
		k8s_obj_key(&wk, b->cluster, jsonx_str(w, "kind"), ns, k8s_obj_name(w));
		if ((rc = k8s_edge(b, "service", key, "workload", wk.buf, "selects")) < 0)
			break;
	}
	if (rc == 0 && facing && (rc = internet(b, &wk)) == 0)
		rc = k8s_edge(b, "service", key, "network", wk.buf, "faces-internet");
	strbuf_release(&wk);
	return rc;
}

static int add_backend(json_t *backends, const json_t *backend)
{
	const char *svc = jsonx_str(json_object_get(backend, "service"), "name");

	if (!svc)
		svc = jsonx_str(backend, "serviceName");
	return svc ? k8s_sorted_add(backends, svc) : 0;
}

static int do_ingress(struct build *b, const char *key, json_t *doc, const json_t *obj)
{
	const json_t *spec = json_object_get(obj, "spec"), *r, *p;
	const char *cls = jsonx_str(spec, "ingressClassName");
	json_t *hosts = json_array(), *backends = json_array(), *s;
	struct strbuf sk = STRBUF_INIT;
	size_t i, j;
	int rc = 0;

	if (!hosts || !backends) {
		rc = NOMEM();
		goto cleanup;
	}
	if (!cls)
		cls = jsonx_str(jsonx_dig(obj, "metadata.annotations"), "kubernetes.io/ingress.class");
	if ((rc = add_backend(backends, json_object_get(spec, "defaultBackend"))) < 0 ||
	    (rc = add_backend(backends, json_object_get(spec, "backend"))) < 0)
		goto cleanup;
	json_array_foreach(json_object_get(spec, "rules"), i, r) {
		if (jsonx_str(r, "host") && (rc = k8s_sorted_add(hosts, jsonx_str(r, "host"))) < 0)
			goto cleanup;
		json_array_foreach(jsonx_dig(r, "http.paths"), j, p)
			if ((rc = add_backend(backends, json_object_get(p, "backend"))) < 0)
				goto cleanup;
	}
	if (jsonx_set_str(doc, "ingress_class", cls) < 0 || json_object_set(doc, "hosts", hosts) < 0 ||
	    json_object_set_new(doc, "tls", json_boolean(json_array_size(json_object_get(spec, "tls")) > 0)) < 0 ||
	    json_object_set(doc, "backends", backends) < 0) {
		rc = NOMEM();
		goto cleanup;
	}
	json_array_foreach(backends, i, s) {
		k8s_obj_key(&sk, b->cluster, "Service", k8s_obj_namespace(obj), json_string_value(s));
		if ((rc = k8s_edge(b, "ingress", key, "service", sk.buf, "routes-to")) < 0)
			goto cleanup;
	}
	if ((rc = internet(b, &sk)) == 0)
		rc = k8s_edge(b, "ingress", key, "network", sk.buf, "faces-internet");
cleanup:
	json_decref(hosts);
	json_decref(backends);
	strbuf_release(&sk);
	return rc;
}

/* One subject of a binding: an edge to its service account, or to an rbac-subject asset. */
static int binding_subject(struct build *b, const char *key, const char *bns, const json_t *s, json_t *subjects)
{
	struct strbuf sk = STRBUF_INIT, ok = STRBUF_INIT, nm = STRBUF_INIT;
	const char *kind = jsonx_str(s, "kind"), *name = jsonx_str(s, "name"), *ns = jsonx_str(s, "namespace");
	int rc = 0, sa;

	if (!kind || !name || strchr(name, '/') || (ns && strchr(ns, '/')))
		return 0;
	sa = !strcmp(kind, "ServiceAccount");
	if (sa && (!ns || !ns[0]))
		ns = bns;
	if (sa && !ns)
		return 0;
	if (json_array_append_new(subjects, json_pack("{s:s, s:s}", "kind", kind, "name", name)) < 0 ||
	    (sa && jsonx_set_str(json_array_get(subjects, json_array_size(subjects) - 1), "namespace", ns) < 0))
		return NOMEM();
	k8s_obj_key(&sk, b->cluster, kind, sa ? ns : NULL, name);
	strbuf_addf(&ok, "ServiceAccount/%s/%s", ns ? ns : "", name);
	if (sa && json_object_get(b->m->objects, ok.buf)) {
		rc = k8s_edge(b, "rbac-binding", key, "serviceaccount", sk.buf, "binds");
	} else {
		json_t *doc = json_pack("{s:s, s:s, s:s}", "cluster", b->cluster, "subject_kind", kind, "name", name);

		if (doc && sa && (jsonx_set_str(doc, "namespace", ns) < 0 ||
				  json_object_set_new(doc, "missing", json_true()) < 0)) {
			json_decref(doc);
			doc = NULL;
		}
		strbuf_addf(&nm, "%s %s%s%s", kind, sa ? ns : "", sa ? "/" : "", name);
		if ((rc = k8s_put_asset(b, "rbac-subject", sk.buf, nm.buf, doc)) == 0)
			rc = k8s_edge(b, "rbac-binding", key, "rbac-subject", sk.buf, "binds");
	}
	strbuf_release(&sk);
	strbuf_release(&ok);
	strbuf_release(&nm);
	return rc;
}

static int do_binding(struct build *b, const char *key, json_t *doc, const json_t *obj)
{
	const json_t *ref = json_object_get(obj, "roleRef"), *s;
	const char *rkind = jsonx_str(ref, "kind"), *rname = jsonx_str(ref, "name"), *ns = k8s_obj_namespace(obj);
	struct strbuf rk = STRBUF_INIT, ok = STRBUF_INIT;
	json_t *subjects = json_array();
	size_t i;
	int rc = 0, cluster_role;

	if (!subjects)
		return NOMEM();
	if (rkind && rname && !strchr(rname, '/') && (!strcmp(rkind, "Role") || !strcmp(rkind, "ClusterRole"))) {
		cluster_role = !strcmp(rkind, "ClusterRole");
		if (!cluster_role && !ns)
			goto subjects;
		if (json_object_set_new(doc, "role_ref", json_pack("{s:s, s:s}", "kind", rkind, "name", rname)) < 0) {
			rc = NOMEM();
			goto cleanup;
		}
		k8s_obj_key(&rk, b->cluster, rkind, cluster_role ? NULL : ns, rname);
		if (cluster_role)
			strbuf_addf(&ok, "ClusterRole/%s", rname);
		else
			strbuf_addf(&ok, "Role/%s/%s", ns, rname);
		if (json_object_get(b->m->objects, ok.buf) &&
		    (jsonx_set_str(doc, "role_asset", rk.buf) < 0 ||
		     (rc = k8s_edge(b, "rbac-binding", key, "rbac-role", rk.buf, "grants")) < 0)) {
			rc = rc < 0 ? rc : NOMEM();
			goto cleanup;
		}
	}
subjects:
	json_array_foreach(json_object_get(obj, "subjects"), i, s)
		if ((rc = binding_subject(b, key, ns, s, subjects)) < 0)
			goto cleanup;
	if (json_object_set(doc, "subjects", subjects) < 0)
		rc = NOMEM();
cleanup:
	json_decref(subjects);
	strbuf_release(&rk);
	strbuf_release(&ok);
	return rc;
}

/* Every object that is neither node, pod nor workload. */
static int do_other(struct build *b, const json_t *obj)
{
	const struct k8s_kind *k = k8s_kind_find(jsonx_str(obj, "kind"));
	const char *ns = k->namespaced ? k8s_obj_namespace(obj) : NULL;
	struct strbuf key = STRBUF_INIT, name = STRBUF_INIT;
	json_t *doc = k8s_common_doc(b, obj);
	int rc = 0;

	if (!doc)
		return NOMEM();
	k8s_obj_key(&key, b->cluster, k->kind, ns, k8s_obj_name(obj));
	k8s_obj_asset_name(&name, ns, k8s_obj_name(obj));
	if (!strcmp(k->asset, "namespace"))
		rc = do_namespace(b, doc, obj);
	else if (!strcmp(k->asset, "service"))
		rc = do_service(b, key.buf, doc, obj);
	else if (!strcmp(k->asset, "ingress"))
		rc = do_ingress(b, key.buf, doc, obj);
	else if (!strcmp(k->asset, "rbac-binding"))
		rc = do_binding(b, key.buf, doc, obj);
	if (rc == 0)
		rc = k8s_put_asset(b, k->asset, key.buf, name.buf, doc);
	else
		json_decref(doc);
	strbuf_release(&key);
	strbuf_release(&name);
	return rc;
}

int k8s_graph_add_model(struct k8s_graph *g, const struct k8s_model *m)
{
	struct build b = { g, m, m->cluster, NULL, NULL, NULL, NULL, NULL, NULL };
	json_t *archs = json_array(), *kv, *obj;
	size_t i, nodes = 0;
	int rc = 0, pass;

	b.keys = k8s_sorted_keys(m->objects);
	b.node_platform = json_object();
	b.platforms = json_array();
	b.workload_pods = json_object();
	b.ns_workloads = json_object();
	b.pending = json_array();
	if (!archs || !b.keys || !b.node_platform || !b.platforms || !b.workload_pods || !b.ns_workloads || !b.pending) {
		rc = NOMEM();
		goto cleanup;
	}
	/* Nodes (platforms), pods (workloads, digests), workloads, then the rest, which joins on them. */
	for (pass = 0; pass < 4 && rc == 0; pass++) {
		json_array_foreach(b.keys, i, kv) {
			const char *okey = json_string_value(kv), *kind;

			obj = json_object_get(m->objects, okey);
			kind = jsonx_str(obj, "kind");
			if (pass == 0 && !strcmp(kind, "Node")) {
				nodes++;
				rc = do_node(&b, obj, archs);
			} else if (pass == 1 && !strcmp(kind, "Pod")) {
				rc = k8s_do_pod(&b, okey, obj);
			} else if (pass == 2 && k8s_is_workload(obj)) {
				rc = k8s_do_workload(&b, okey, obj);
			} else if (pass == 3 && strcmp(kind, "Node") && !k8s_is_workload_kind(kind)) {
				rc = do_other(&b, obj);
			}
			if (rc < 0)
				break;
		}
	}
	if (rc == 0)
		rc = do_cluster(&b, nodes, archs);
	if (rc == 0)
		rc = settle_edges(&b);
cleanup:
	json_decref(archs);
	json_decref(b.keys);
	json_decref(b.node_platform);
	json_decref(b.platforms);
	json_decref(b.workload_pods);
	json_decref(b.ns_workloads);
	json_decref(b.pending);
	return rc;
}

int k8s_graph_write(struct k8s_graph *g, struct inventory *inv)
{
	json_t *ids = k8s_sorted_keys(g->assets), *idv, *a, *e;
	json_t *rowid = json_object();
	int64_t id, from, to;
	size_t i;
	int rc = 0;

	if (!ids || !rowid) {
		rc = NOMEM();
		goto cleanup;
	}
	json_array_foreach(ids, i, idv) {
		a = json_object_get(g->assets, json_string_value(idv));
		if ((rc = inventory_asset(inv, jsonx_str(a, "kind"), jsonx_str(a, "key"), jsonx_str(a, "name"),
					  json_object_get(a, "doc"), &id)) < 0)
			goto cleanup;
		if (json_object_set_new(rowid, json_string_value(idv), json_integer(id)) < 0) {
			rc = NOMEM();
			goto cleanup;
		}
	}
	json_array_foreach(g->edges, i, e) {
		from = json_integer_value(json_object_get(rowid, json_string_value(json_array_get(e, 0))));
		to = json_integer_value(json_object_get(rowid, json_string_value(json_array_get(e, 1))));
		if (from && to && (rc = inventory_edge(inv, from, to, json_string_value(json_array_get(e, 2)))) < 0)
			goto cleanup;
	}
cleanup:
	json_decref(ids);
	json_decref(rowid);
	return rc;
}
