/*
 * Kubernetes RBAC: roles, bindings with the rules they grant, and subjects
 * with their effective permissions.
 *
 * A binding's role is looked up among the objects read; the four
 * user-facing default ClusterRoles (cluster-admin, admin, edit, view) exist
 * in every cluster, so when they are not among the objects their upstream
 * definitions (abridged to what security rules ask about) are used.  A role
 * found nowhere leaves the binding with role.found false: a dangling
 * binding grants whatever role of that name someone creates later.
 */
#include <stdlib.h>
#include <string.h>

#include "core/err.h"
#include "core/jsonx.h"
#include "core/strbuf.h"
#include "core/util.h"
#include "normalise.h"
#include "path.h"

static const char builtin_roles[] =
	"{\"cluster-admin\": [{\"apiGroups\": [\"*\"], \"resources\": [\"*\"], \"verbs\": [\"*\"]},"
	"                     {\"nonResourceURLs\": [\"*\"], \"verbs\": [\"*\"]}],"
	" \"admin\": [{\"apiGroups\": [\"\"], \"resources\": [\"pods/attach\", \"pods/exec\", \"pods/portforward\","
	"               \"pods/proxy\", \"secrets\", \"services/proxy\"], \"verbs\": [\"get\", \"list\", \"watch\"]},"
	"             {\"apiGroups\": [\"\"], \"resources\": [\"pods\", \"pods/attach\", \"pods/exec\","
	"               \"pods/portforward\", \"pods/proxy\", \"secrets\", \"services/proxy\", \"configmaps\","
	"               \"persistentvolumeclaims\", \"replicationcontrollers\", \"services\", \"serviceaccounts\"],"
	"              \"verbs\": [\"create\", \"delete\", \"deletecollection\", \"patch\", \"update\"]},"
	"             {\"apiGroups\": [\"\"], \"resources\": [\"serviceaccounts\"], \"verbs\": [\"impersonate\"]},"
	"             {\"apiGroups\": [\"\"], \"resources\": [\"serviceaccounts/token\"], \"verbs\": [\"create\"]},"
	"             {\"apiGroups\": [\"apps\", \"batch\", \"autoscaling\", \"networking.k8s.io\", \"policy\"],"
	"              \"resources\": [\"*\"], \"verbs\": [\"create\", \"delete\", \"deletecollection\", \"patch\","
	"              \"update\", \"get\", \"list\", \"watch\"]},"
	"             {\"apiGroups\": [\"rbac.authorization.k8s.io\"], \"resources\": [\"roles\", \"rolebindings\"],"
	"              \"verbs\": [\"create\", \"delete\", \"deletecollection\", \"get\", \"list\", \"patch\","
	"              \"update\", \"watch\"]}],"
	" \"edit\": [{\"apiGroups\": [\"\"], \"resources\": [\"pods/attach\", \"pods/exec\", \"pods/portforward\","
	"              \"pods/proxy\", \"secrets\", \"services/proxy\"], \"verbs\": [\"get\", \"list\", \"watch\"]},"
	"            {\"apiGroups\": [\"\"], \"resources\": [\"pods\", \"pods/attach\", \"pods/exec\","
	"              \"pods/portforward\", \"pods/proxy\", \"secrets\", \"services/proxy\", \"configmaps\","
	"              \"persistentvolumeclaims\", \"replicationcontrollers\", \"services\", \"serviceaccounts\"],"
	"             \"verbs\": [\"create\", \"delete\", \"deletecollection\", \"patch\", \"update\"]},"
	"            {\"apiGroups\": [\"\"], \"resources\": [\"serviceaccounts\"], \"verbs\": [\"impersonate\"]},"
	"            {\"apiGroups\": [\"\"], \"resources\": [\"serviceaccounts/token\"], \"verbs\": [\"create\"]},"
	"            {\"apiGroups\": [\"apps\", \"batch\", \"autoscaling\", \"networking.k8s.io\", \"policy\"],"
	"             \"resources\": [\"*\"], \"verbs\": [\"create\", \"delete\", \"deletecollection\", \"patch\","
	"             \"update\", \"get\", \"list\", \"watch\"]}],"
	" \"view\": [{\"apiGroups\": [\"\"], \"resources\": [\"configmaps\", \"endpoints\", \"persistentvolumeclaims\","
	"              \"pods\", \"pods/log\", \"pods/status\", \"replicationcontrollers\", \"services\","
	"              \"serviceaccounts\", \"namespaces\", \"events\", \"limitranges\", \"resourcequotas\"],"
	"             \"verbs\": [\"get\", \"list\", \"watch\"]},"
	"            {\"apiGroups\": [\"apps\", \"batch\", \"autoscaling\", \"networking.k8s.io\", \"policy\"],"
	"             \"resources\": [\"*\"], \"verbs\": [\"get\", \"list\", \"watch\"]}]}";

static const char *kind_of(const json_t *o)
{
	return jsonx_strz(o, "kind");
}

static const char *name_of(const json_t *o)
{
	return jsonx_strz(json_object_get(o, "metadata"), "name");
}

static const char *ns_of(const json_t *o)
{
	const char *ns = jsonx_str(json_object_get(o, "metadata"), "namespace");

	return ns && *ns ? ns : "default";
}

/* Kubernetes' own objects: "system:" names and the bootstrap label. */
static int is_default(const json_t *o)
{
	return util_has_prefix(name_of(o), "system:") ||
	       !strcmp(jsonx_strz(path_get(o, "metadata.labels"), "kubernetes.io/bootstrapping"), "rbac-defaults");
}

static json_t *rules_of(const json_t *role)
{
	const json_t *r = json_object_get(role, "rules");

	return json_is_array(r) ? json_deep_copy(r) : json_array();
}

/* Resolve a binding's roleRef: the role object, a built-in default, or nothing. */
static json_t *resolve_role(const json_t *objects, const json_t *builtins, const json_t *b)
{
	const json_t *ref = json_object_get(b, "roleRef"), *o;
	const char *rk = jsonx_strz(ref, "kind"), *rn = jsonx_strz(ref, "name");
	json_t *role = json_object();
	size_t i;

	if (!role)
		return NULL;
	jsonx_set_str(role, "kind", rk);
	jsonx_set_str(role, "name", rn);
	json_array_foreach(objects, i, o) {
		if (strcmp(kind_of(o), rk) || strcmp(name_of(o), rn))
			continue;
		/* A RoleBinding's Role lives in the binding's namespace; ClusterRoles are cluster-wide. */
		if (!strcmp(rk, "Role") && strcmp(ns_of(o), ns_of(b)))
			continue;
		json_object_set_new(role, "found", json_true());
		json_object_set_new(role, "source", json_string("objects"));
		json_object_set_new(role, "rules", rules_of(o));
		json_object_set_new(role, "aggregated", json_boolean(json_object_get(o, "aggregationRule") != NULL));
		return role;
	}
	if (!strcmp(rk, "ClusterRole") && json_object_get(builtins, rn)) {
		json_object_set_new(role, "found", json_true());
		json_object_set_new(role, "source", json_string("kubernetes default"));
		json_object_set(role, "rules", json_object_get(builtins, rn));
		return role;
	}
	json_object_set_new(role, "found", json_false());
	json_object_set_new(role, "rules", json_array());
	return role;
}

static int add_role(struct resource_set *out, const json_t *origins, size_t idx, const json_t *o)
{
	int cluster = !strcmp(kind_of(o), "ClusterRole");
	json_t *doc = json_object();
	struct resource *r;
	int rc;

	if (!doc)
		return err_set(ERR_NOMEM, "out of memory");
	jsonx_set_str(doc, "kind", "k8s.role");
	jsonx_set_str(doc, "role_kind", kind_of(o));
	jsonx_set_str(doc, "name", name_of(o));
	if (!cluster)
		jsonx_set_str(doc, "namespace", ns_of(o));
	if (path_get(o, "metadata.labels"))
		json_object_set(doc, "labels", (json_t *)path_get(o, "metadata.labels"));
	json_object_set_new(doc, "rules", rules_of(o));
	json_object_set_new(doc, "aggregated", json_boolean(json_object_get(o, "aggregationRule") != NULL));
	json_object_set_new(doc, "kubernetes_default", json_boolean(is_default(o)));
	if ((rc = resource_add(out, "k8s.role", cluster ? "" : ns_of(o), name_of(o), NULL, doc, &r)) < 0)
		return rc;
	return norm_set_origin(r, origins, idx);
}

/* The subject's key: "User/alice", "Group/system:masters", "ServiceAccount/ns/name". */
static void subject_key(const json_t *s, const char *binding_ns, struct strbuf *out)
{
	const char *kind = jsonx_strz(s, "kind");

	strbuf_reset(out);
	if (!strcmp(kind, "ServiceAccount"))
		strbuf_addf(out, "ServiceAccount/%s/%s", jsonx_str(s, "namespace") ? jsonx_str(s, "namespace") : binding_ns,
			    jsonx_strz(s, "name"));
	else
		strbuf_addf(out, "%s/%s", kind, jsonx_strz(s, "name"));
}

/* Grant the binding's rules to each of its subjects in subjects (key -> document). */
static int grant(json_t *subjects, const json_t *b, const json_t *role)
{
	struct strbuf key = STRBUF_INIT, via = STRBUF_INIT;
	int cluster = !strcmp(kind_of(b), "ClusterRoleBinding");
	json_t *s, *subj, *rule, *copy;
	size_t i, k;
	int rc = 0;

	strbuf_addf(&via, "%s/%s%s%s", kind_of(b), cluster ? "" : ns_of(b), cluster ? "" : "/", name_of(b));
	json_array_foreach(json_object_get(b, "subjects"), i, s) {
		if (!json_is_object(s))
			continue;
		subject_key(s, ns_of(b), &key);
		subj = json_object_get(subjects, key.buf);
		if (!subj) {
			subj = json_pack("{s:s, s:s, s:s, s:[], s:[]}", "kind", "k8s.subject", "subject_kind",
					 jsonx_strz(s, "kind"), "name", jsonx_strz(s, "name"), "bindings", "rules");
			if (!subj || json_object_set_new(subjects, key.buf, subj) < 0) {
				rc = err_set(ERR_NOMEM, "out of memory");
				goto cleanup;
			}
			if (!strcmp(jsonx_strz(s, "kind"), "ServiceAccount"))
				jsonx_set_str(subj, "namespace", jsonx_str(s, "namespace") ? jsonx_str(s, "namespace") : ns_of(b));
		}
		json_array_append_new(json_object_get(subj, "bindings"),
				      json_pack("{s:s, s:s, s:s, s:s, s:b}", "binding", via.buf, "role_kind",
						jsonx_strz(role, "kind"), "role", jsonx_strz(role, "name"), "scope",
						cluster ? "cluster" : ns_of(b), "role_found",
						json_is_true(json_object_get(role, "found"))));
		json_array_foreach(json_object_get(role, "rules"), k, rule) {
			if (!(copy = json_deep_copy(rule))) {
				rc = err_set(ERR_NOMEM, "out of memory");
				goto cleanup;
			}
			jsonx_set_str(copy, "scope", cluster ? "cluster" : ns_of(b));
			jsonx_set_str(copy, "via", via.buf);
			json_array_append_new(json_object_get(subj, "rules"), copy);
		}
	}
cleanup:
	strbuf_release(&key);
	strbuf_release(&via);
	return rc;
}

static int add_binding(struct resource_set *out, const json_t *origins, size_t idx, const json_t *o, json_t *role)
{
	int cluster = !strcmp(kind_of(o), "ClusterRoleBinding");
	json_t *doc = json_object();
	struct resource *r;
	int rc;

	if (!doc)
		return err_set(ERR_NOMEM, "out of memory");
	jsonx_set_str(doc, "kind", "k8s.binding");
	jsonx_set_str(doc, "binding_kind", kind_of(o));
	jsonx_set_str(doc, "name", name_of(o));
	if (!cluster)
		jsonx_set_str(doc, "namespace", ns_of(o));
	json_object_set_new(doc, "role_ref", json_is_object(json_object_get(o, "roleRef"))
						     ? json_incref(json_object_get(o, "roleRef"))
						     : json_object());
	json_object_set(doc, "role", role);
	json_object_set_new(doc, "subjects", json_is_array(json_object_get(o, "subjects"))
						     ? json_incref(json_object_get(o, "subjects"))
						     : json_array());
	json_object_set_new(doc, "kubernetes_default", json_boolean(is_default(o)));
	if ((rc = resource_add(out, "k8s.binding", cluster ? "" : ns_of(o), name_of(o), NULL, doc, &r)) < 0)
		return rc;
	return norm_set_origin(r, origins, idx);
}

int norm_k8s_rbac(struct resource_set *out, const json_t *objects, const json_t *origins)
{
	json_t *builtins = NULL, *subjects = json_object(), *o, *role;
	const char *key;
	size_t i;
	int rc = 0;

	if (!subjects || (rc = jsonx_parse(builtin_roles, strlen(builtin_roles), "built-in roles", &builtins)) < 0) {
		json_decref(subjects);
		return rc < 0 ? rc : err_set(ERR_NOMEM, "out of memory");
	}
	json_array_foreach(objects, i, o) {
		const char *kind = kind_of(o);

		if (!strcmp(kind, "Role") || !strcmp(kind, "ClusterRole")) {
			rc = add_role(out, origins, i, o);
		} else if (!strcmp(kind, "RoleBinding") || !strcmp(kind, "ClusterRoleBinding")) {
			if (!(role = resolve_role(objects, builtins, o))) {
				rc = err_set(ERR_NOMEM, "out of memory");
			} else {
				if ((rc = add_binding(out, origins, i, o, role)) == 0)
					rc = grant(subjects, o, role);
				json_decref(role);
			}
		}
		if (rc < 0)
			goto cleanup;
	}
	json_object_foreach(subjects, key, o) {
		struct strbuf k = STRBUF_INIT;

		strbuf_addf(&k, "k8s.subject/%s", key);
		rc = resource_add(out, "k8s.subject", jsonx_strz(o, "namespace"), jsonx_strz(o, "name"), k.buf,
				  json_incref(o), NULL);
		strbuf_release(&k);
		if (rc < 0)
			goto cleanup;
	}
cleanup:
	json_decref(builtins);
	json_decref(subjects);
	return rc;
}
