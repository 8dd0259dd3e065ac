/*
 * Kubernetes workloads and the objects around them, normalised.
 */
#include <stdlib.h>
#include <string.h>

#include "core/err.h"
#include "core/jsonx.h"
#include "core/strbuf.h"
#include "core/util.h"
#include "normalise.h"
#include "path.h"

/* The security context fields a pod sets for all its containers (PodSecurityContext ∩ SecurityContext). */
static const char *const pod_sc_fields[] = { "runAsUser", "runAsGroup", "runAsNonRoot", "seLinuxOptions",
					     "seccompProfile", "appArmorProfile", NULL };

static const char *kind_of(const json_t *o)
{
	return jsonx_strz(o, "kind");
}

static const char *name_of(const json_t *o)
{
	return jsonx_strz(json_object_get(o, "metadata"), "name");
}

/* Namespaced objects without a namespace land in "default", as kubectl would put them. */
static const char *ns_of(const json_t *o)
{
	const char *ns = jsonx_str(json_object_get(o, "metadata"), "namespace");

	return ns && *ns ? ns : "default";
}

int norm_set_origin(struct resource *r, const json_t *origins, size_t i)
{
	const json_t *o = json_array_get(origins, i);

	if (!o)
		return 0;
	r->line = (int)jsonx_int(o, "line", 0);
	if (jsonx_str(o, "file") && !(r->file = util_strdup(jsonx_str(o, "file"))))
		return ERR_NOMEM;
	return 0;
}

/* ---- label selectors ---- */

static int expr_matches(const json_t *e, const json_t *labels)
{
	const char *key = jsonx_strz(e, "key"), *op = jsonx_strz(e, "operator");
	const json_t *have = json_object_get(labels, key), *v;
	size_t i;
	int in = 0;

	json_array_foreach(json_object_get(e, "values"), i, v)
		if (json_is_string(have) && json_equal(v, (json_t *)have))
			in = 1;
	if (!strcmp(op, "In"))
		return in;
	if (!strcmp(op, "NotIn"))
		return !in;
	if (!strcmp(op, "Exists"))
		return have != NULL;
	if (!strcmp(op, "DoesNotExist"))
		return have == NULL;
	return 0; /* an operator Kubernetes would refuse selects nothing */
}

int k8s_selector_matches(const json_t *sel, const json_t *labels)
{
	const char *k;
	json_t *v, *e;
	size_t i;

	if (!json_is_object(sel))
		return 0;
	json_object_foreach(json_object_get(sel, "matchLabels"), k, v)
		if (!json_equal(v, json_object_get(labels, k)))
			return 0;
	json_array_foreach(json_object_get(sel, "matchExpressions"), i, e)
		if (!expr_matches(e, labels))
			return 0;
	return 1;
}

/* ---- the pod inside a workload ---- */

struct pod_ref {
	const json_t *meta; /* pod template metadata (labels, annotations) */
	const json_t *spec;
	const char *prefix; /* path of spec in the object */
};

static int pod_of(const json_t *o, struct pod_ref *p)
{
	const char *kind = kind_of(o);
	const json_t *tmpl;

	if (!strcmp(kind, "Pod")) {
		p->meta = json_object_get(o, "metadata");
		p->spec = json_object_get(o, "spec");
		p->prefix = "spec";
		return 1;
	}
	if (!strcmp(kind, "PodTemplate")) {
		tmpl = json_object_get(o, "template");
		p->prefix = "template.spec";
	} else if (!strcmp(kind, "CronJob")) {
		tmpl = path_get(o, "spec.jobTemplate.spec.template");
		p->prefix = "spec.jobTemplate.spec.template.spec";
	} else if (!strcmp(kind, "Deployment") || !strcmp(kind, "ReplicaSet") || !strcmp(kind, "StatefulSet") ||
		   !strcmp(kind, "DaemonSet") || !strcmp(kind, "Job") || !strcmp(kind, "ReplicationController")) {
		tmpl = path_get(o, "spec.template");
		p->prefix = "spec.template.spec";
	} else {
		return 0;
	}
	p->meta = json_object_get(tmpl, "metadata");
	p->spec = json_object_get(tmpl, "spec");
	return 1;
}

/* "runtime/default" and friends as a seccompProfile or appArmorProfile object. */
static json_t *profile_from_annotation(const char *v)
{
	if (!v)
		return NULL;
	if (!strcmp(v, "runtime/default") || !strcmp(v, "docker/default"))
		return json_pack("{s:s}", "type", "RuntimeDefault");
	if (!strcmp(v, "unconfined"))
		return json_pack("{s:s}", "type", "Unconfined");
	if (util_has_prefix(v, "localhost/"))
		return json_pack("{s:s, s:s}", "type", "Localhost", "localhostProfile", v + 10);
	return json_pack("{s:s, s:s}", "type", "Unknown", "annotation", v);
}

static int note_source(json_t *sources, const char *field, const char *from)
{
	return json_object_set_new(sources, field, json_string(from)) < 0 ? ERR_NOMEM : 0;
}

/* UID and GID from an image's USER ("1000", "1000:1000", "root", "app", ""). */
static void join_image_user(json_t *sc, json_t *sources, const char *user)
{
	char *end;
	long uid;
	const char *colon = strchr(user, ':');

	if (!json_object_get(sc, "runAsUser")) {
		if (!*user || !strcmp(user, "root") || util_has_prefix(user, "root:")) {
			json_object_set_new(sc, "runAsUser", json_integer(0));
			note_source(sources, "runAsUser", "image");
		} else {
			uid = strtol(user, &end, 10);
			if (end != user && (*end == 0 || *end == ':') && uid >= 0) {
				json_object_set_new(sc, "runAsUser", json_integer(uid));
				note_source(sources, "runAsUser", "image");
			}
		}
	}
	if (colon && !json_object_get(sc, "runAsGroup")) {
		long gid = strtol(colon + 1, &end, 10);

		if (end != colon + 1 && !*end && gid >= 0) {
			json_object_set_new(sc, "runAsGroup", json_integer(gid));
			note_source(sources, "runAsGroup", "image");
		}
	}
}

/* The effective security context of one container. */
static int effective_sc(json_t *c, const json_t *pod_spec, const json_t *pod_meta, const json_t *image_users)
{
	const json_t *declared = json_object_get(c, "securityContext"), *psc = json_object_get(pod_spec, "securityContext");
	const json_t *ann = json_object_get(pod_meta, "annotations");
	json_t *sc = json_is_object(declared) ? json_deep_copy(declared) : json_object(), *sources = json_object(), *v;
	struct strbuf key = STRBUF_INIT;
	const char *k, *user;
	size_t i;

	if (!sc || !sources) {
		json_decref(sc);
		json_decref(sources);
		return err_set(ERR_NOMEM, "out of memory");
	}
	json_object_foreach(sc, k, v)
		note_source(sources, k, "container");
	/* Legacy annotations count where the container's own field is unset. */
	strbuf_addf(&key, "container.seccomp.security.alpha.kubernetes.io/%s", jsonx_strz(c, "name"));
	if (!json_object_get(sc, "seccompProfile") && jsonx_str(ann, key.buf)) {
		json_object_set_new(sc, "seccompProfile", profile_from_annotation(jsonx_str(ann, key.buf)));
		note_source(sources, "seccompProfile", "container annotation");
	}
	strbuf_reset(&key);
	strbuf_addf(&key, "container.apparmor.security.beta.kubernetes.io/%s", jsonx_strz(c, "name"));
	if (!json_object_get(sc, "appArmorProfile") && jsonx_str(ann, key.buf)) {
		json_object_set_new(sc, "appArmorProfile", profile_from_annotation(jsonx_str(ann, key.buf)));
		note_source(sources, "appArmorProfile", "container annotation");
	}
	for (i = 0; pod_sc_fields[i]; i++) {
		v = json_object_get(psc, pod_sc_fields[i]);
		if (v && !json_is_null(v) && !json_object_get(sc, pod_sc_fields[i])) {
			json_object_set_new(sc, pod_sc_fields[i], json_deep_copy(v));
			note_source(sources, pod_sc_fields[i], "pod");
		}
	}
	if (!json_object_get(sc, "seccompProfile") && jsonx_str(ann, "seccomp.security.alpha.kubernetes.io/pod")) {
		json_object_set_new(sc, "seccompProfile",
				    profile_from_annotation(jsonx_str(ann, "seccomp.security.alpha.kubernetes.io/pod")));
		note_source(sources, "seccompProfile", "pod annotation");
	}
	/* windowsOptions merge field by field, as the kubelet does. */
	if (json_is_object(json_object_get(psc, "windowsOptions"))) {
		json_t *wo = json_object_get(sc, "windowsOptions");

		if (!json_is_object(wo)) {
			wo = json_object();
			json_object_set_new(sc, "windowsOptions", wo);
		}
		json_object_foreach(json_object_get(psc, "windowsOptions"), k, v)
			if (!json_object_get(wo, k))
				json_object_set(wo, k, v);
		note_source(sources, "windowsOptions", json_object_get(declared, "windowsOptions") ? "container+pod" : "pod");
	}
	user = json_string_value(json_object_get(image_users, jsonx_strz(c, "image")));
	if (user) {
		jsonx_set_str(c, "image_user", user);
		join_image_user(sc, sources, user);
	}
	if (declared)
		json_object_set(c, "declaredSecurityContext", (json_t *)declared);
	json_object_set_new(c, "securityContext", sc);
	json_object_set_new(c, "securityContextSources", sources);
	strbuf_release(&key);
	return 0;
}

/* registry/repository:tag@digest, split the way container runtimes read it. */
static int image_parts(json_t *c)
{
	const char *img = jsonx_str(c, "image"), *at, *slash, *colon;
	json_t *parts;
	struct strbuf s = STRBUF_INIT;

	if (!img)
		return 0;
	parts = json_object();
	if (!parts)
		return ERR_NOMEM;
	at = strchr(img, '@');
	if (at)
		jsonx_set_str(parts, "digest", at + 1);
	strbuf_add(&s, img, at ? (size_t)(at - img) : strlen(img));
	slash = strrchr(s.buf, '/');
	colon = strrchr(s.buf, ':');
	if (colon && (!slash || colon > slash)) {
		jsonx_set_str(parts, "tag", colon + 1);
		strbuf_setlen(&s, (size_t)(colon - s.buf));
	}
	jsonx_set_str(parts, "repository", s.buf);
	strbuf_release(&s);
	return json_object_set_new(c, "image_ref", parts) < 0 ? ERR_NOMEM : 0;
}

static int add_containers(json_t *list, const struct pod_ref *p, const char *member, const char *type,
			  const json_t *image_users)
{
	json_t *c, *copy;
	size_t i;
	int rc;

	json_array_foreach(json_object_get(p->spec, member), i, c) {
		struct strbuf src = STRBUF_INIT;

		if (!json_is_object(c))
			continue;
		if (!(copy = json_deep_copy(c)))
			return err_set(ERR_NOMEM, "out of memory");
		strbuf_addf(&src, "%s.%s[%zu]", p->prefix, member, i);
		jsonx_set_str(copy, "container_type", type);
		jsonx_set_str(copy, "source", src.buf);
		strbuf_release(&src);
		if ((rc = effective_sc(copy, p->spec, p->meta, image_users)) < 0 || (rc = image_parts(copy)) < 0 ||
		    json_array_append_new(list, copy) < 0) {
			json_decref(copy);
			return rc < 0 ? rc : ERR_NOMEM;
		}
	}
	return 0;
}

/* The object of a kind and name in a namespace ("" for cluster-scoped), or NULL. */
static const json_t *find_obj(const json_t *objects, const char *kind, const char *ns, const char *name)
{
	json_t *o;
	size_t i;

	json_array_foreach(objects, i, o)
		if (!strcmp(kind_of(o), kind) && !strcmp(name_of(o), name) && (!ns || !strcmp(ns_of(o), ns)))
			return o;
	return NULL;
}

/* Effective policy types: as written, else Ingress, plus Egress when egress rules are given. */
static int netpol_types(const json_t *np, int *ingress, int *egress)
{
	const json_t *types = path_get(np, "spec.policyTypes"), *t;
	size_t i;

	*ingress = *egress = 0;
	if (json_array_size(types)) {
		json_array_foreach(types, i, t) {
			*ingress |= json_is_string(t) && !strcmp(json_string_value(t), "Ingress");
			*egress |= json_is_string(t) && !strcmp(json_string_value(t), "Egress");
		}
		return 0;
	}
	*ingress = 1;
	*egress = path_get(np, "spec.egress") != NULL;
	return 0;
}

/* A policy's podSelector; left out or empty, it selects every pod of its namespace. */
static int selects(const json_t *np, const json_t *labels)
{
	const json_t *sel = path_get(np, "spec.podSelector");

	if (!json_is_object(sel))
		return 1;
	return k8s_selector_matches(sel, labels);
}

static json_t *netpol_coverage(const json_t *objects, const char *ns, const json_t *labels)
{
	json_t *cov = json_object(), *names = json_array(), *o;
	int in = 0, eg = 0, i1, e1;
	size_t i;

	json_array_foreach(objects, i, o) {
		if (strcmp(kind_of(o), "NetworkPolicy") || strcmp(ns_of(o), ns))
			continue;
		if (!selects(o, labels))
			continue;
		netpol_types(o, &i1, &e1);
		in |= i1;
		eg |= e1;
		json_array_append_new(names, json_string(name_of(o)));
	}
	json_object_set_new(cov, "ingress", json_boolean(in));
	json_object_set_new(cov, "egress", json_boolean(eg));
	json_object_set_new(cov, "policies", names);
	return cov;
}

static int service_account(json_t *pod, const json_t *objects, const char *ns, const json_t *spec,
			   struct resource *r)
{
	const char *sa = jsonx_str(spec, "serviceAccountName");
	const json_t *auto_pod = json_object_get(spec, "automountServiceAccountToken"), *sao;
	struct strbuf why = STRBUF_INIT;
	int rc = 0;

	if (!sa || !*sa)
		sa = jsonx_str(spec, "serviceAccount");
	if (!sa || !*sa)
		sa = "default";
	jsonx_set_str(pod, "serviceAccountName", sa);
	sao = find_obj(objects, "ServiceAccount", ns, sa);
	if (json_is_boolean(auto_pod)) {
		jsonx_set_str(pod, "automount_source", "pod");
	} else if (sao && json_is_boolean(json_object_get(sao, "automountServiceAccountToken"))) {
		json_object_set(pod, "automountServiceAccountToken", json_object_get(sao, "automountServiceAccountToken"));
		jsonx_set_str(pod, "automount_source", "serviceaccount");
	} else if (sao || !strcmp(sa, "default")) {
		/* The default service account exists in every namespace and mounts its token unless told not to. */
		json_object_set_new(pod, "automountServiceAccountToken", json_true());
		jsonx_set_str(pod, "automount_source", "default");
	} else {
		strbuf_addf(&why, "the service account '%s' is not among the objects read", sa);
		if (!r->unreadable)
			r->unreadable = json_object();
		rc = json_object_set_new(r->unreadable, "k8s.serviceaccounts", json_string(why.buf)) < 0 ? ERR_NOMEM : 0;
	}
	strbuf_release(&why);
	return rc;
}

static int add_workload(struct resource_set *out, const json_t *objects, const json_t *origins, size_t idx,
			const json_t *o, const json_t *image_users)
{
	struct pod_ref p;
	const char *ns = ns_of(o);
	json_t *doc = json_object(), *pod = NULL, *containers = json_array(), *v;
	const char *k;
	struct resource *r = NULL;
	struct strbuf key = STRBUF_INIT;
	int rc;

	if (!doc || !containers) {
		json_decref(doc);
		json_decref(containers);
		return err_set(ERR_NOMEM, "out of memory");
	}
	pod_of(o, &p);
	pod = json_is_object(p.spec) ? json_deep_copy(p.spec) : json_object();
	json_object_del(pod, "containers");
	json_object_del(pod, "initContainers");
	json_object_del(pod, "ephemeralContainers");
	if (json_is_object(json_object_get(p.meta, "labels")))
		json_object_set(pod, "labels", json_object_get(p.meta, "labels"));
	else
		json_object_set_new(pod, "labels", json_object());
	if (json_object_get(p.meta, "annotations"))
		json_object_set(pod, "annotations", json_object_get(p.meta, "annotations"));
	jsonx_set_str(doc, "kind", "k8s.workload");
	jsonx_set_str(doc, "workload_kind", kind_of(o));
	jsonx_set_str(doc, "api_version", jsonx_str(o, "apiVersion"));
	jsonx_set_str(doc, "name", name_of(o));
	jsonx_set_str(doc, "namespace", ns);
	json_object_foreach(json_object_get(o, "metadata"), k, v)
		if (!strcmp(k, "labels") || !strcmp(k, "annotations") || !strcmp(k, "ownerReferences"))
			json_object_set(doc, k, v);
	if (path_get(o, "spec.replicas"))
		json_object_set(doc, "replicas", (json_t *)path_get(o, "spec.replicas"));
	if ((rc = add_containers(containers, &p, "containers", "container", image_users)) < 0 ||
	    (rc = add_containers(containers, &p, "initContainers", "init", image_users)) < 0 ||
	    (rc = add_containers(containers, &p, "ephemeralContainers", "ephemeral", image_users)) < 0)
		goto cleanup;
	json_object_set(doc, "containers", containers);
	json_object_set_new(doc, "network_policy", netpol_coverage(objects, ns, json_object_get(pod, "labels")));
	json_object_set(doc, "pod", pod);
	strbuf_addf(&key, "k8s.workload/%s/%s/%s", ns, kind_of(o), name_of(o));
	if ((rc = resource_add(out, "k8s.workload", ns, name_of(o), key.buf, doc, &r)) < 0) {
		doc = NULL;
		goto cleanup;
	}
	doc = NULL;
	if ((rc = norm_set_origin(r, origins, idx)) < 0 ||
	    (rc = service_account(json_object_get(r->doc, "pod"), objects, ns, p.spec, r)) < 0)
		goto cleanup;
cleanup:
	json_decref(doc);
	json_decref(pod);
	json_decref(containers);
	strbuf_release(&key);
	return rc;
}

static int add_simple(struct resource_set *out, const json_t *origins, size_t idx, const json_t *o,
		      const char *kind, json_t *doc)
{
	struct resource *r;
	int rc;

	if (!doc)
		return err_set(ERR_NOMEM, "out of memory");
	jsonx_set_str(doc, "kind", kind);
	jsonx_set_str(doc, "name", name_of(o));
	if (strcmp(kind, "k8s.namespace"))
		jsonx_set_str(doc, "namespace", ns_of(o));
	if (json_object_get(json_object_get(o, "metadata"), "labels"))
		json_object_set(doc, "labels", json_object_get(json_object_get(o, "metadata"), "labels"));
	if (json_object_get(json_object_get(o, "metadata"), "annotations"))
		json_object_set(doc, "annotations", json_object_get(json_object_get(o, "metadata"), "annotations"));
	if ((rc = resource_add(out, kind, strcmp(kind, "k8s.namespace") ? ns_of(o) : "", name_of(o), NULL, doc, &r)) < 0)
		return rc;
	return norm_set_origin(r, origins, idx);
}

static json_t *service_doc(const json_t *o, const json_t *objects)
{
	const json_t *spec = json_object_get(o, "spec"), *ann = path_get(o, "metadata.annotations"), *w;
	const char *type = jsonx_str(spec, "type");
	json_t *doc = json_is_object(spec) ? json_deep_copy(spec) : json_object(), *targets = json_array();
	struct pod_ref p;
	size_t i;
	int internal = 0;

	if (!doc || !targets) {
		json_decref(doc);
		json_decref(targets);
		return NULL;
	}
	jsonx_set_str(doc, "type", type ? type : "ClusterIP");
	/* The cloud providers' annotations that keep a LoadBalancer off the internet. */
	internal = (jsonx_str(ann, "service.beta.kubernetes.io/aws-load-balancer-internal") &&
		    strcmp(jsonx_str(ann, "service.beta.kubernetes.io/aws-load-balancer-internal"), "false")) ||
		   !strcmp(jsonx_strz(ann, "service.beta.kubernetes.io/aws-load-balancer-scheme"), "internal") ||
		   !strcmp(jsonx_strz(ann, "service.beta.kubernetes.io/azure-load-balancer-internal"), "true") ||
		   !strcmp(jsonx_strz(ann, "networking.gke.io/load-balancer-type"), "Internal") ||
		   !strcmp(jsonx_strz(ann, "cloud.google.com/load-balancer-type"), "Internal");
	json_object_set_new(doc, "internal_load_balancer", json_boolean(internal));
	if (json_object_size(json_object_get(spec, "selector"))) {
		json_array_foreach(objects, i, w) {
			if (!pod_of(w, &p) || strcmp(ns_of(w), ns_of(o)))
				continue;
			{
				json_t *sel = json_pack("{s:O}", "matchLabels", json_object_get(spec, "selector"));

				if (sel && k8s_selector_matches(sel, json_object_get(p.meta, "labels")))
					json_array_append_new(targets, json_pack("{s:s, s:s}", "kind", kind_of(w), "name",
										 name_of(w)));
				json_decref(sel);
			}
		}
	}
	json_object_set_new(doc, "targets", targets);
	return doc;
}

static json_t *netpol_doc(const json_t *o, const json_t *objects)
{
	json_t *doc = json_is_object(json_object_get(o, "spec")) ? json_deep_copy(json_object_get(o, "spec")) : json_object();
	json_t *types = json_array(), *w;
	struct pod_ref p;
	size_t i, n = 0;
	int in, eg;

	if (!doc || !types) {
		json_decref(doc);
		json_decref(types);
		return NULL;
	}
	netpol_types(o, &in, &eg);
	if (in)
		json_array_append_new(types, json_string("Ingress"));
	if (eg)
		json_array_append_new(types, json_string("Egress"));
	json_object_set_new(doc, "effective_policy_types", types);
	json_array_foreach(objects, i, w)
		if (pod_of(w, &p) && !strcmp(ns_of(w), ns_of(o)) && selects(o, json_object_get(p.meta, "labels")))
			n++;
	json_object_set_new(doc, "selected_workloads", json_integer((json_int_t)n));
	return doc;
}

static json_t *namespace_doc(const json_t *o, const json_t *objects)
{
	const json_t *labels = path_get(o, "metadata.labels"), *np;
	json_t *doc = json_object(), *ps = json_object(), *names = json_array();
	const char *modes[] = { "enforce", "audit", "warn" };
	struct strbuf k = STRBUF_INIT;
	size_t i;
	int deny_in = 0, deny_eg = 0, in, eg;

	if (!doc || !ps || !names) {
		json_decref(doc);
		json_decref(ps);
		json_decref(names);
		return NULL;
	}
	for (i = 0; i < 3; i++) {
		strbuf_reset(&k);
		strbuf_addf(&k, "pod-security.kubernetes.io/%s", modes[i]);
		jsonx_set_str(ps, modes[i], jsonx_str(labels, k.buf));
	}
	strbuf_release(&k);
	json_object_set_new(doc, "pod_security", ps);
	json_array_foreach(objects, i, np) {
		const json_t *sel;

		if (strcmp(kind_of(np), "NetworkPolicy") || strcmp(ns_of(np), name_of(o)))
			continue;
		json_array_append_new(names, json_string(name_of(np)));
		sel = path_get(np, "spec.podSelector");
		/* A policy selecting every pod with no rules of a type is the namespace's default deny for it. */
		netpol_types(np, &in, &eg);
		if (!json_object_size(json_object_get(sel, "matchLabels")) && !json_array_size(json_object_get(sel, "matchExpressions"))) {
			deny_in |= in && !json_array_size(path_get(np, "spec.ingress"));
			deny_eg |= eg && !json_array_size(path_get(np, "spec.egress"));
		}
	}
	json_object_set_new(doc, "network_policies", names);
	json_object_set_new(doc, "default_deny", json_pack("{s:b, s:b}", "ingress", deny_in, "egress", deny_eg));
	return doc;
}

static json_t *configmap_doc(const json_t *o)
{
	json_t *doc = json_object(), *keys = json_array();
	const char *k;
	json_t *v;

	if (!doc || !keys) {
		json_decref(doc);
		json_decref(keys);
		return NULL;
	}
	if (json_is_object(json_object_get(o, "data")))
		json_object_set(doc, "data", json_object_get(o, "data"));
	json_object_foreach(json_object_get(o, "data"), k, v)
		json_array_append_new(keys, json_string(k));
	json_object_set_new(doc, "keys", keys);
	keys = json_array();
	json_object_foreach(json_object_get(o, "binaryData"), k, v)
		json_array_append_new(keys, json_string(k));
	json_object_set_new(doc, "binary_keys", keys);
	return doc;
}

static int is_rbac(const char *kind)
{
	return !strcmp(kind, "Role") || !strcmp(kind, "ClusterRole") || !strcmp(kind, "RoleBinding") ||
	       !strcmp(kind, "ClusterRoleBinding");
}

int norm_k8s(struct resource_set *out, const json_t *objects, const json_t *origins, const json_t *image_users)
{
	struct pod_ref p;
	json_t *o, *d;
	size_t i;
	int rc = 0;

	json_array_foreach(objects, i, o) {
		const char *kind = kind_of(o);

		if (rc < 0)
			break;
		if (!json_is_object(o))
			continue;
		if (pod_of(o, &p)) {
			rc = add_workload(out, objects, origins, i, o, image_users);
		} else if (!strcmp(kind, "Service")) {
			rc = add_simple(out, origins, i, o, "k8s.service", service_doc(o, objects));
		} else if (!strcmp(kind, "Ingress")) {
			d = json_is_object(json_object_get(o, "spec")) ? json_deep_copy(json_object_get(o, "spec")) : json_object();
			rc = add_simple(out, origins, i, o, "k8s.ingress", d);
		} else if (!strcmp(kind, "NetworkPolicy")) {
			rc = add_simple(out, origins, i, o, "k8s.networkpolicy", netpol_doc(o, objects));
		} else if (!strcmp(kind, "Namespace")) {
			rc = add_simple(out, origins, i, o, "k8s.namespace", namespace_doc(o, objects));
		} else if (!strcmp(kind, "ConfigMap")) {
			rc = add_simple(out, origins, i, o, "k8s.configmap", configmap_doc(o));
		} else if (!strcmp(kind, "ServiceAccount")) {
			d = json_object();
			if (d && json_object_get(o, "automountServiceAccountToken"))
				json_object_set(d, "automountServiceAccountToken", json_object_get(o, "automountServiceAccountToken"));
			rc = add_simple(out, origins, i, o, "k8s.serviceaccount", d);
		} else if (!is_rbac(kind)) {
			rc = resource_skip(out, kind);
		}
	}
	if (rc == 0)
		rc = norm_k8s_rbac(out, objects, origins);
	return rc;
}
