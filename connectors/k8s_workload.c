/*
 * Workloads, pods and the images they run: which pod belongs to which
 * workload (through the controlling owners), and which image asset each
 * container runs (by digest when a pod's status reports one).
 */
#include <stdlib.h>
#include <string.h>

#include "core/err.h"
#include "core/jsonx.h"
#include "core/util.h"
#include "k8s_int.h"
#include "scan/imageref.h"

/* The controlling owner reference, or NULL. */
static const json_t *controller_of(const json_t *obj)
{
	json_t *refs = json_object_get(json_object_get(obj, "metadata"), "ownerReferences"), *r;
	size_t i;

	json_array_foreach(refs, i, r)
		if (jsonx_bool(r, "controller", 0) && jsonx_str(r, "kind") && jsonx_str(r, "name"))
			return r;
	return NULL;
}

int k8s_is_workload_kind(const char *kind)
{
	static const char *const w[] = { "Deployment", "StatefulSet", "DaemonSet", "CronJob", "Job", "ReplicaSet", "Pod" };
	size_t i;

	for (i = 0; kind && i < ARRAY_SIZE(w); i++)
		if (!strcmp(kind, w[i]))
			return 1;
	return 0;
}

int k8s_is_workload(const json_t *obj)
{
	const char *kind = jsonx_str(obj, "kind");

	if (!k8s_is_workload_kind(kind))
		return 0;
	if (!strcmp(kind, "Job") || !strcmp(kind, "ReplicaSet") || !strcmp(kind, "Pod"))
		return controller_of(obj) == NULL;
	return 1;
}

static const char *pod_spec_path(const char *kind)
{
	if (!strcmp(kind, "Pod"))
		return "spec";
	if (!strcmp(kind, "CronJob"))
		return "spec.jobTemplate.spec.template.spec";
	return "spec.template.spec";
}

const json_t *k8s_template_labels(const json_t *obj)
{
	const char *kind = jsonx_strz(obj, "kind");

	if (!strcmp(kind, "Pod"))
		return jsonx_dig(obj, "metadata.labels");
	if (!strcmp(kind, "CronJob"))
		return jsonx_dig(obj, "spec.jobTemplate.spec.template.metadata.labels");
	return jsonx_dig(obj, "spec.template.metadata.labels");
}

/* The asset key of the workload an object belongs to, following controllers up to three steps. */
static int resolve_workload(const struct build *b, const json_t *obj, struct strbuf *out)
{
	struct strbuf k = STRBUF_INIT;
	const json_t *ref;
	int depth;

	for (depth = 0; obj && depth < 4; depth++) {
		if (k8s_is_workload(obj)) {
			k8s_obj_key(out, b->cluster, jsonx_str(obj, "kind"), k8s_obj_namespace(obj), k8s_obj_name(obj));
			strbuf_release(&k);
			return 1;
		}
		ref = controller_of(obj);
		if (!ref || !k8s_is_workload_kind(jsonx_str(ref, "kind")))
			break;
		strbuf_reset(&k);
		strbuf_addf(&k, "%s/%s/%s", jsonx_str(ref, "kind"), k8s_obj_namespace(obj), jsonx_str(ref, "name"));
		obj = json_object_get(b->m->objects, k.buf);
	}
	strbuf_release(&k);
	return 0;
}


/* A reference written in a pod spec, as a registry reference; 0 when it is not one. */
static int spec_image(const char *image, struct image_ref *ref)
{
	struct strbuf t = STRBUF_INIT;
	int rc;

	memset(ref, 0, sizeof(*ref));
	if (!image || !image[0] || strlen(image) > 1024)
		return 0;
	if ((rc = strbuf_addf(&t, "registry:%s", image)) < 0)
		return rc;
	rc = image_ref_parse(ref, t.buf);
	strbuf_release(&t);
	if (rc == ERR_NOMEM)
		return rc;
	if (rc < 0 || ref->transport != IMG_REGISTRY) {
		image_ref_release(ref);
		err_clear();
		return 0;
	}
	return 1;
}

/* A pod status's imageID as a digest reference (key "registry:HOST/REPO@sha256:…"); 0 when it holds none. */
static int digest_image(const char *image_id, struct image_ref *ref, struct strbuf *key)
{
	static const char *const prefixes[] = { "docker-pullable://", "docker://" };
	size_t i;
	int rc;

	memset(ref, 0, sizeof(*ref));
	if (!image_id)
		return 0;
	for (i = 0; i < ARRAY_SIZE(prefixes); i++)
		if (util_has_prefix(image_id, prefixes[i]))
			image_id += strlen(prefixes[i]);
	if (!strstr(image_id, "@sha256:"))
		return 0; /* "sha256:…" alone is the image's configuration, not something to pull */
	if ((rc = spec_image(image_id, ref)) <= 0)
		return rc;
	if (!ref->digest) {
		image_ref_release(ref);
		return 0;
	}
	strbuf_reset(key);
	if ((rc = strbuf_addf(key, "registry:%s/%s@%s", ref->host, ref->repo, ref->digest)) < 0) {
		image_ref_release(ref);
		return rc;
	}
	return 1;
}

/* What the scan should pull: linux/amd64 when it is among the platforms, else the first. */
static int choose_platform(json_t *doc)
{
	json_t *p = json_object_get(doc, "platforms"), *v;
	size_t i;

	json_array_foreach(p, i, v)
		if (!strcmp(json_string_value(v), "linux/amd64"))
			return json_object_set(doc, "platform", v);
	if (json_array_size(p))
		return json_object_set(doc, "platform", json_array_get(p, 0));
	return 0;
}

/* Create or merge the image asset key; reference and platforms are added to what it has. */
static int touch_image(struct build *b, const struct image_ref *ref, const char *key, int by_digest,
		       const char *reference, const json_t *platforms)
{
	struct strbuf id = STRBUF_INIT;
	json_t *a, *doc, *p;
	size_t i;
	int rc = 0;

	k8s_asset_id(&id, "image", key);
	a = json_object_get(b->g->assets, id.buf);
	if (!a) {
		doc = json_pack("{s:s, s:s, s:s, s:s, s:[], s:[], s:[]}", "ref", key, "transport", "registry", "host",
				ref->host, "repo", ref->repo, "references", "platforms", "clusters");
		if (!doc || (by_digest ? jsonx_set_str(doc, "digest", ref->digest)
				       : (jsonx_set_str(doc, "tag", ref->tag) < 0 ? -1 : jsonx_set_str(doc, "digest", ref->digest))) < 0) {
			json_decref(doc);
			rc = NOMEM();
			goto cleanup;
		}
		if ((rc = k8s_put_asset(b, "image", key, key, doc)) < 0)
			goto cleanup;
		a = json_object_get(b->g->assets, id.buf);
	}
	doc = json_object_get(a, "doc");
	if ((reference && (rc = k8s_sorted_add(json_object_get(doc, "references"), reference)) < 0) ||
	    (rc = k8s_sorted_add(json_object_get(doc, "clusters"), b->cluster)) < 0)
		goto cleanup;
	json_array_foreach(platforms, i, p)
		if ((rc = k8s_sorted_add(json_object_get(doc, "platforms"), json_string_value(p))) < 0)
			goto cleanup;
	if (choose_platform(doc) < 0)
		rc = NOMEM();
cleanup:
	strbuf_release(&id);
	return rc;
}

static const char *const container_lists[] = { "containers", "initContainers", "ephemeralContainers" };
static const char *const status_lists[] = { "containerStatuses", "initContainerStatuses",
					    "ephemeralContainerStatuses" };

static const json_t *container_status(const json_t *pod, const char *name)
{
	const json_t *st = json_object_get(pod, "status"), *s;
	size_t i, j;

	for (i = 0; i < ARRAY_SIZE(status_lists); i++)
		json_array_foreach(json_object_get(st, status_lists[i]), j, s)
			if (jsonx_str(s, "name") && !strcmp(jsonx_str(s, "name"), name))
				return s;
	return NULL;
}

/* The platforms a pod's images run on: its node's, or every node's when its node is unknown. */
static json_t *pod_platforms(const struct build *b, const json_t *pod)
{
	const char *node = jsonx_str(json_object_get(pod, "spec"), "nodeName");
	json_t *p = node ? json_object_get(b->node_platform, node) : NULL;

	return p ? json_pack("[O]", p) : json_deep_copy(b->platforms);
}

int k8s_do_pod(struct build *b, const char *objkey, const json_t *pod)
{
	struct strbuf key = STRBUF_INIT, name = STRBUF_INIT, wl = STRBUF_INIT, dkey = STRBUF_INIT;
	const char *ns = k8s_obj_namespace(pod), *node = jsonx_str(json_object_get(pod, "spec"), "nodeName");
	json_t *doc = k8s_common_doc(b, pod), *containers = json_array(), *plats = pod_platforms(b, pod), *c, *list, *e;
	struct image_ref sref, dref;
	size_t i, j;
	int rc = 0, has_s, has_d;

	if (!doc || !containers || !plats) {
		rc = NOMEM();
		goto cleanup;
	}
	k8s_obj_key(&key, b->cluster, "Pod", ns, k8s_obj_name(pod));
	k8s_obj_asset_name(&name, ns, k8s_obj_name(pod));
	if (resolve_workload(b, pod, &wl)) {
		list = json_object_get(b->workload_pods, wl.buf);
		if (!list && json_object_set_new(b->workload_pods, wl.buf, list = json_array()) < 0) {
			rc = NOMEM();
			goto cleanup;
		}
		if (json_array_append_new(list, json_string(objkey)) < 0 || jsonx_set_str(doc, "workload", wl.buf) < 0 ||
		    (rc = k8s_edge(b, "pod", key.buf, "workload", wl.buf, "instance-of")) < 0) {
			rc = rc < 0 ? rc : NOMEM();
			goto cleanup;
		}
	}
	for (i = 0; i < ARRAY_SIZE(container_lists); i++) {
		json_array_foreach(jsonx_dig(pod, "spec") ? json_object_get(json_object_get(pod, "spec"), container_lists[i])
							   : NULL, j, c) {
			const char *cname = jsonx_str(c, "name"), *image = jsonx_str(c, "image");
			const char *image_id = cname ? jsonx_str(container_status(pod, cname), "imageID") : NULL;

			if ((has_s = spec_image(image, &sref)) < 0 || (has_d = digest_image(image_id, &dref, &dkey)) < 0) {
				if (has_s > 0)
					image_ref_release(&sref);
				rc = ERR_NOMEM;
				goto cleanup;
			}
			e = json_object();
			if (!e || jsonx_set_str(e, "name", cname) < 0 || jsonx_set_str(e, "image", image) < 0 ||
			    jsonx_set_str(e, "image_id", image_id) < 0 ||
			    (has_d ? jsonx_set_str(e, "image_asset", dkey.buf) : has_s ? jsonx_set_str(e, "image_asset", sref.text) : 0) < 0 ||
			    json_array_append_new(containers, e) < 0)
				rc = NOMEM();
			if (rc == 0 && has_d)
				rc = touch_image(b, &dref, dkey.buf, 1, has_s ? sref.text : NULL, plats);
			else if (rc == 0 && has_s)
				rc = touch_image(b, &sref, sref.text, 0, sref.text, plats);
			if (rc == 0 && (has_d || has_s))
				rc = k8s_edge(b, "pod", key.buf, "image", has_d ? dkey.buf : sref.text, "runs");
			if (has_s)
				image_ref_release(&sref);
			if (has_d)
				image_ref_release(&dref);
			if (rc < 0)
				goto cleanup;
		}
	}
	if (jsonx_set_str(doc, "node", node) < 0 ||
	    jsonx_set_str(doc, "phase", jsonx_str(json_object_get(pod, "status"), "phase")) < 0 ||
	    json_object_set(doc, "containers", containers) < 0) {
		rc = NOMEM();
		goto cleanup;
	}
	if (node) {
		strbuf_reset(&wl);
		k8s_obj_key(&wl, b->cluster, "Node", NULL, node);
		if ((rc = k8s_edge(b, "pod", key.buf, "node", wl.buf, "scheduled-on")) < 0)
			goto cleanup;
	}
	rc = k8s_put_asset(b, "pod", key.buf, name.buf, doc);
	doc = NULL;
cleanup:
	json_decref(doc);
	json_decref(containers);
	json_decref(plats);
	strbuf_release(&key);
	strbuf_release(&name);
	strbuf_release(&wl);
	strbuf_release(&dkey);
	return rc;
}

/* The digest references the workload's pods report for one container, sorted. */
static int pod_digests(const struct build *b, const json_t *pods, const char *cname, json_t *out)
{
	struct strbuf dkey = STRBUF_INIT;
	struct image_ref dref;
	json_t *pk;
	size_t i;
	int rc = 0, has;

	json_array_foreach(pods, i, pk) {
		const json_t *pod = json_object_get(b->m->objects, json_string_value(pk));

		has = digest_image(jsonx_str(container_status(pod, cname), "imageID"), &dref, &dkey);
		if (has < 0)
			rc = has;
		if (has > 0) {
			rc = k8s_sorted_add(out, dkey.buf);
			image_ref_release(&dref);
		}
		if (rc < 0)
			break;
	}
	strbuf_release(&dkey);
	return rc;
}

static int workload_images(struct build *b, const char *key, const json_t *obj, const json_t *spec, const json_t *pods,
			   json_t *images)
{
	json_t *c, *digests = NULL, *d, *none = json_array();
	struct image_ref sref;
	size_t i, j, k;
	int rc = 0, has_s;

	if (!none)
		return NOMEM();
	for (i = 0; i < ARRAY_SIZE(container_lists) && rc == 0; i++) {
		if (i == 2 && strcmp(jsonx_strz(obj, "kind"), "Pod"))
			break; /* ephemeral containers exist in pods only */
		json_array_foreach(json_object_get(spec, container_lists[i]), j, c) {
			const char *cname = jsonx_str(c, "name"), *image = jsonx_str(c, "image");

			if (image && json_array_append_new(images, json_string(image)) < 0) {
				rc = NOMEM();
				break;
			}
			json_decref(digests);
			if (!(digests = json_array()) || (cname && (rc = pod_digests(b, pods, cname, digests)) < 0)) {
				rc = rc < 0 ? rc : NOMEM();
				break;
			}
			json_array_foreach(digests, k, d)
				if ((rc = k8s_edge(b, "workload", key, "image", json_string_value(d), "runs")) < 0)
					break;
			if (rc < 0 || json_array_size(digests))
				continue;
			if ((has_s = spec_image(image, &sref)) < 0) {
				rc = has_s;
				break;
			}
			if (!has_s)
				continue;
			/* With no pod to tell, the image may run on any node of the cluster. */
			rc = touch_image(b, &sref, sref.text, 0, sref.text, json_array_size(pods) ? none : b->platforms);
			if (rc == 0)
				rc = k8s_edge(b, "workload", key, "image", sref.text, "runs");
			image_ref_release(&sref);
			if (rc < 0)
				break;
		}
	}
	json_decref(digests);
	json_decref(none);
	return rc;
}

int k8s_do_workload(struct build *b, const char *objkey, const json_t *obj)
{
	struct strbuf key = STRBUF_INIT, name = STRBUF_INIT, sa = STRBUF_INIT;
	const char *ns = k8s_obj_namespace(obj), *kind = jsonx_str(obj, "kind"), *path = pod_spec_path(kind), *sa_name;
	const json_t *spec = jsonx_dig(obj, path), *pods;
	json_t *doc = k8s_common_doc(b, obj), *images = json_array(), *names = json_array(), *pk, *list;
	size_t i;
	int rc = 0;

	if (!doc || !images || !names) {
		rc = NOMEM();
		goto cleanup;
	}
	k8s_obj_key(&key, b->cluster, kind, ns, k8s_obj_name(obj));
	k8s_obj_asset_name(&name, ns, k8s_obj_name(obj));
	pods = json_object_get(b->workload_pods, key.buf);
	json_array_foreach(pods, i, pk)
		if ((rc = k8s_sorted_add(names, k8s_obj_name(json_object_get(b->m->objects, json_string_value(pk))))) < 0)
			goto cleanup;
	if ((rc = workload_images(b, key.buf, obj, spec, pods, images)) < 0)
		goto cleanup;
	sa_name = jsonx_str(spec, "serviceAccountName");
	if (!sa_name || !sa_name[0])
		sa_name = jsonx_str(spec, "serviceAccount");
	if (!sa_name || !sa_name[0])
		sa_name = "default";
	if (jsonx_set_str(doc, "pod_spec_path", path) < 0 || json_object_set(doc, "images", images) < 0 ||
	    jsonx_set_str(doc, "service_account", sa_name) < 0 || json_object_set(doc, "pods", names) < 0) {
		rc = NOMEM();
		goto cleanup;
	}
	k8s_obj_key(&sa, b->cluster, "ServiceAccount", ns, sa_name);
	if ((rc = k8s_edge(b, "workload", key.buf, "serviceaccount", sa.buf, "runs-as")) < 0)
		goto cleanup;
	list = json_object_get(b->ns_workloads, ns);
	if (!list && json_object_set_new(b->ns_workloads, ns, list = json_array()) < 0) {
		rc = NOMEM();
		goto cleanup;
	}
	if (json_array_append_new(list, json_string(objkey)) < 0) {
		rc = NOMEM();
		goto cleanup;
	}
	rc = k8s_put_asset(b, "workload", key.buf, name.buf, doc);
	doc = NULL;
cleanup:
	json_decref(doc);
	json_decref(images);
	json_decref(names);
	strbuf_release(&key);
	strbuf_release(&name);
	strbuf_release(&sa);
	return rc;
}
