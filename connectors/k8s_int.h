/*
 * k8s_int: what the normaliser's two halves (k8s_model.c keeps objects,
 * k8s_graph.c builds assets from them) share.  Not for connectors.
 */
#ifndef VETTER_K8S_INT_H
#define VETTER_K8S_INT_H

#include <jansson.h>

#include "core/strbuf.h"
#include "k8s_model.h"

struct k8s_kind {
	const char *kind;
	const char *resource;    /* API plural */
	const char *asset;       /* asset kind */
	int namespaced;
	int metadata_only;       /* Secrets and ConfigMaps */
	const char *groups[3];   /* API groups this kind may come from ("" for core), NULL-terminated */
};

struct k8s_model {
	char *cluster;
	json_t *objects;    /* "Kind/namespace/name" or "Kind/name" -> sanitised object */
	json_t *version;    /* /version answer or NULL */
	json_t *collection; /* the cluster asset's "collection" */
	json_t *skipped;    /* kind -> count */
};

const struct k8s_kind *k8s_kind_find(const char *kind);

/* Sorted keys of an object (a new array of strings). */
json_t *k8s_sorted_keys(const json_t *obj);

/* A namespaced or cluster-scoped object's name and namespace (NULL when cluster-scoped). */
const char *k8s_obj_name(const json_t *obj);
const char *k8s_obj_namespace(const json_t *obj);

struct k8s_graph {
	json_t *assets;  /* "kind\tkey" -> {kind, key, name, doc} */
	json_t *edges;   /* [[from, to, kind]] */
	json_t *seen;    /* "from\nto\nkind" -> true */
};

/* The state of building one model into a graph. */
struct build {
	struct k8s_graph *g;
	const struct k8s_model *m;
	const char *cluster;
	json_t *keys;          /* sorted object keys */
	json_t *node_platform; /* node name -> "os/arch" */
	json_t *platforms;     /* sorted platforms of the nodes */
	json_t *workload_pods; /* workload asset key -> [pod object keys] */
	json_t *ns_workloads;  /* namespace -> [workload object keys] */
	json_t *pending;       /* edges whose ends may not exist: [[from, to, kind]] */
};

#define NOMEM() err_set(ERR_NOMEM, "out of memory")

/* "kind\tkey", the id of an asset in the graph. */
int k8s_asset_id(struct strbuf *out, const char *kind, const char *key);
/* Record an asset (doc stolen, also on failure); a later one of the same id replaces it. */
int k8s_put_asset(struct build *b, const char *kind, const char *key, const char *name, json_t *doc);
/* An edge, kept when both ends exist once the model is built. */
int k8s_edge(struct build *b, const char *from_kind, const char *from_key, const char *to_kind, const char *to_key,
	     const char *kind);
/* Insert s into a sorted array of strings unless it is there. */
int k8s_sorted_add(json_t *arr, const char *s);
/* CLUSTER/KIND/NS/NAME or CLUSTER/KIND/NAME, and NS/NAME or NAME. */
void k8s_obj_key(struct strbuf *out, const char *cluster, const char *kind, const char *ns, const char *name);
void k8s_obj_asset_name(struct strbuf *out, const char *ns, const char *name);
/* The members every object asset has (a new object). */
json_t *k8s_common_doc(const struct build *b, const json_t *obj);

/* k8s_workload.c */
/* Deployment, StatefulSet, DaemonSet, CronJob, Job, ReplicaSet, Pod: kinds that may be workloads. */
int k8s_is_workload_kind(const char *kind);
int k8s_is_workload(const json_t *obj);
const json_t *k8s_template_labels(const json_t *obj);
/* Pods first (they tell which workload they belong to and which digests run), then workloads. */
int k8s_do_pod(struct build *b, const char *objkey, const json_t *pod);
int k8s_do_workload(struct build *b, const char *objkey, const json_t *obj);

#endif
