#include <stdlib.h>
#include <string.h>

#include "core/err.h"
#include "core/jsonx.h"
#include "core/util.h"
#include "k8s_int.h"

/* Deeper than any real object (CRD schemas reach ~40); deeper is refused rather than walked. */
#define K8S_MAX_DEPTH 128
#define K8S_MAX_OBJECTS 1000000

static const char last_applied[] = "kubectl.kubernetes.io/last-applied-configuration";

static const struct k8s_kind kinds[] = {
	{ "Namespace", "namespaces", "namespace", 0, 0, { "" } },
	{ "Node", "nodes", "node", 0, 0, { "" } },
	{ "Pod", "pods", "pod", 1, 0, { "" } },
	{ "Deployment", "deployments", "workload", 1, 0, { "apps", "extensions" } },
	{ "ReplicaSet", "replicasets", "workload", 1, 0, { "apps", "extensions" } },
	{ "StatefulSet", "statefulsets", "workload", 1, 0, { "apps" } },
	{ "DaemonSet", "daemonsets", "workload", 1, 0, { "apps", "extensions" } },
	{ "Job", "jobs", "workload", 1, 0, { "batch" } },
	{ "CronJob", "cronjobs", "workload", 1, 0, { "batch" } },
	{ "Service", "services", "service", 1, 0, { "" } },
	{ "Ingress", "ingresses", "ingress", 1, 0, { "networking.k8s.io", "extensions" } },
	{ "NetworkPolicy", "networkpolicies", "networkpolicy", 1, 0, { "networking.k8s.io", "extensions" } },
	{ "ServiceAccount", "serviceaccounts", "serviceaccount", 1, 0, { "" } },
	{ "Role", "roles", "rbac-role", 1, 0, { "rbac.authorization.k8s.io" } },
	{ "ClusterRole", "clusterroles", "rbac-role", 0, 0, { "rbac.authorization.k8s.io" } },
	{ "RoleBinding", "rolebindings", "rbac-binding", 1, 0, { "rbac.authorization.k8s.io" } },
	{ "ClusterRoleBinding", "clusterrolebindings", "rbac-binding", 0, 0, { "rbac.authorization.k8s.io" } },
	{ "CustomResourceDefinition", "customresourcedefinitions", "crd", 0, 0, { "apiextensions.k8s.io" } },
	{ "ValidatingWebhookConfiguration", "validatingwebhookconfigurations", "webhook", 0, 0,
	  { "admissionregistration.k8s.io" } },
	{ "MutatingWebhookConfiguration", "mutatingwebhookconfigurations", "webhook", 0, 0,
	  { "admissionregistration.k8s.io" } },
	{ "ConfigMap", "configmaps", "configmap", 1, 1, { "" } },
	{ "Secret", "secrets", "secret", 1, 1, { "" } },
};

const struct k8s_kind *k8s_kind_find(const char *kind)
{
	size_t i;

	for (i = 0; kind && i < ARRAY_SIZE(kinds); i++)
		if (!strcmp(kinds[i].kind, kind))
			return &kinds[i];
	return NULL;
}

const char *k8s_kind_resource(const char *kind)
{
	const struct k8s_kind *k = k8s_kind_find(kind);

	return k ? k->resource : NULL;
}

static int strip_walk(json_t *v, int depth)
{
	json_t *child, *ann;
	const char *key;
	size_t i;
	int rc;

	if (depth > K8S_MAX_DEPTH)
		return err_set(ERR_LIMIT, "an object nested deeper than %d levels", K8S_MAX_DEPTH);
	if (json_is_object(v)) {
		ann = json_object_get(v, "annotations");
		if (json_is_object(ann))
			json_object_del(ann, last_applied);
		json_object_foreach(v, key, child)
			if ((rc = strip_walk(child, depth + 1)) < 0)
				return rc;
	} else if (json_is_array(v)) {
		json_array_foreach(v, i, child)
			if ((rc = strip_walk(child, depth + 1)) < 0)
				return rc;
	}
	return 0;
}

int k8s_sanitize(json_t *obj)
{
	const struct k8s_kind *k;
	json_t *meta;
	const char *key;
	void *tmp;
	json_t *v;
	int rc;

	if (!json_is_object(obj))
		return 0;
	k = k8s_kind_find(jsonx_str(obj, "kind"));
	if (k && k->metadata_only) {
		/* Secret data, stringData, ConfigMap data and binaryData: none of it, whatever the server sent. */
		json_object_foreach_safe(obj, tmp, key, v)
			if (strcmp(key, "apiVersion") && strcmp(key, "kind") && strcmp(key, "metadata"))
				json_object_del(obj, key);
	}
	meta = json_object_get(obj, "metadata");
	if (json_is_object(meta))
		json_object_del(meta, "managedFields");
	if ((rc = strip_walk(obj, 0)) < 0)
		return rc;
	return 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

json_t *k8s_sorted_keys(const json_t *obj)
{
	const char **v;
	const char *key;
	json_t *val, *out;
	size_t n = 0, i;

	v = malloc((json_object_size(obj) + 1) * sizeof(*v));
	out = json_array();
	if (!v || !out) {
		free(v);
		json_decref(out);
		err_set(ERR_NOMEM, "out of memory");
		return NULL;
	}
	json_object_foreach((json_t *)obj, key, val)
		v[n++] = key;
	qsort(v, n, sizeof(*v), cmp_str);
	for (i = 0; i < n; i++)
		json_array_append_new(out, json_string(v[i]));
	free(v);
	return out;
}

const char *k8s_obj_name(const json_t *obj)
{
	return jsonx_str(json_object_get(obj, "metadata"), "name");
}

const char *k8s_obj_namespace(const json_t *obj)
{
	return jsonx_str(json_object_get(obj, "metadata"), "namespace");
}

/* Names become parts of asset keys: no '/', no control characters, bounded. */
static int valid_name(const char *s, size_t max)
{
	size_t i, n;

	if (!s || !(n = strlen(s)) || n > max || !strcmp(s, ".") || !strcmp(s, ".."))
		return 0;
	for (i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f || s[i] == '/')
			return 0;
	return 1;
}

static int group_allowed(const struct k8s_kind *k, const char *api_version)
{
	const char *slash = strchr(api_version, '/');
	size_t glen = slash ? (size_t)(slash - api_version) : 0, i;

	if (!slash && strcmp(api_version, "v1"))
		return 0;
	for (i = 0; k->groups[i]; i++)
		if (strlen(k->groups[i]) == glen && !strncmp(k->groups[i], api_version, glen))
			return 1;
	return 0;
}

int k8s_model_new(struct k8s_model **out, const char *cluster)
{
	struct k8s_model *m = calloc(1, sizeof(*m));

	*out = NULL;
	if (!m)
		return err_set(ERR_NOMEM, "out of memory");
	m->cluster = util_strdup(cluster);
	m->objects = json_object();
	m->collection = json_object();
	m->skipped = json_object();
	if (!m->cluster || !m->objects || !m->collection || !m->skipped) {
		k8s_model_free(m);
		return err_set(ERR_NOMEM, "out of memory");
	}
	*out = m;
	return 0;
}

void k8s_model_free(struct k8s_model *m)
{
	if (!m)
		return;
	free(m->cluster);
	json_decref(m->objects);
	json_decref(m->version);
	json_decref(m->collection);
	json_decref(m->skipped);
	free(m);
}

static int skip(struct k8s_model *m, const char *why)
{
	json_t *n = json_object_get(m->skipped, why);

	if (json_object_size(m->skipped) >= 1000 && !n)
		why = "(other)";
	n = json_object_get(m->skipped, why);
	if (json_object_set_new(m->skipped, why, json_integer((n ? json_integer_value(n) : 0) + 1)) < 0)
		return err_set(ERR_NOMEM, "out of memory");
	return 0;
}

int k8s_model_add(struct k8s_model *m, json_t *obj, const char *kind, const char *api_version,
		  const char *default_ns)
{
	struct strbuf key = STRBUF_INIT;
	const struct k8s_kind *k;
	const char *name, *ns = NULL, *kd, *av;
	json_t *meta;
	int rc;

	if (!json_is_object(obj))
		return skip(m, "(not an object)");
	if (!jsonx_str(obj, "kind") && kind && jsonx_set_str(obj, "kind", kind) < 0)
		return ERR_NOMEM;
	if (!jsonx_str(obj, "apiVersion") && api_version && jsonx_set_str(obj, "apiVersion", api_version) < 0)
		return ERR_NOMEM;
	kd = jsonx_str(obj, "kind");
	av = jsonx_str(obj, "apiVersion");
	k = k8s_kind_find(kd);
	if (!k)
		return skip(m, kd && strlen(kd) < 100 ? kd : "(no kind)");
	if (!av)
		return skip(m, "(no apiVersion)");
	if (!group_allowed(k, av))
		return skip(m, "(kind of another API group)");
	meta = json_object_get(obj, "metadata");
	name = jsonx_str(meta, "name");
	if (!valid_name(name, 253))
		return skip(m, "(no valid name)");
	if (k->namespaced) {
		ns = jsonx_str(meta, "namespace");
		if ((!ns || !ns[0]) && default_ns) {
			if (jsonx_set_str(meta, "namespace", default_ns) < 0)
				return ERR_NOMEM;
			ns = jsonx_str(meta, "namespace");
		}
		if (!valid_name(ns, 63))
			return skip(m, "(no valid namespace)");
	}
	if ((rc = k8s_sanitize(obj)) < 0) {
		if (rc != ERR_LIMIT)
			return rc;
		err_clear();
		return skip(m, "(nested too deep)");
	}
	if (json_object_size(m->objects) >= K8S_MAX_OBJECTS)
		return err_set(ERR_LIMIT, "more than %d Kubernetes objects in one cluster", K8S_MAX_OBJECTS);
	if (ns)
		rc = strbuf_addf(&key, "%s/%s/%s", k->kind, ns, name);
	else
		rc = strbuf_addf(&key, "%s/%s", k->kind, name);
	if (rc < 0)
		goto cleanup;
	if (json_object_get(m->objects, key.buf)) {
		rc = skip(m, "(repeated object)");
		goto cleanup;
	}
	rc = json_object_set(m->objects, key.buf, obj) < 0 ? err_set(ERR_NOMEM, "out of memory") : 1;
cleanup:
	strbuf_release(&key);
	return rc;
}

int k8s_model_set_version(struct k8s_model *m, const json_t *version)
{
	if (!json_is_object(version) || !jsonx_str(version, "gitVersion"))
		return err_set(ERR_PARSE, "not a Kubernetes version (no gitVersion)");
	json_decref(m->version);
	m->version = json_deep_copy(version);
	return m->version ? 0 : err_set(ERR_NOMEM, "out of memory");
}

int k8s_model_has_version(const struct k8s_model *m)
{
	return m->version != NULL;
}

json_t *k8s_model_collection(struct k8s_model *m)
{
	return m->collection;
}

size_t k8s_model_count(const struct k8s_model *m)
{
	return json_object_size(m->objects);
}
