/*
 * k8s_model: the normaliser both Kubernetes connectors share.
 *
 * Objects go in one at a time, from a live list or from a file, in any
 * order; every object is sanitised on the way in (k8s_sanitize), so nothing
 * that must not be stored is kept even in memory longer than the parse.
 * Once a cluster's objects are in, k8s_graph_add_model() turns them into the
 * assets and edges docs/resources.md describes; the graph merges images
 * across clusters and writes everything through the inventory.  Live and
 * exported objects of the same cluster give the same graph.
 */
#ifndef VETTER_K8S_MODEL_H
#define VETTER_K8S_MODEL_H

#include <stddef.h>

#include <jansson.h>

#include "core/inventory.h"

/*
 * Remove, in place, what never enters the store: metadata.managedFields, the
 * kubectl.kubernetes.io/last-applied-configuration annotation at any depth,
 * and everything but apiVersion, kind and metadata of Secrets and
 * ConfigMaps.  Objects nested deeper than the normaliser accepts are an
 * ERR_LIMIT (and must be dropped).
 */
int k8s_sanitize(json_t *obj);

/* The API's plural for a kind the normaliser models ("Pod" -> "pods"), or NULL. */
const char *k8s_kind_resource(const char *kind);

struct k8s_model;

int k8s_model_new(struct k8s_model **out, const char *cluster);
void k8s_model_free(struct k8s_model *m);

/*
 * Add one object: sanitised in place and kept (a reference is taken).  kind
 * and api_version, when not NULL, fill in what the object lacks (items of a
 * List); default_ns names the namespace of namespaced objects that have
 * none (manifests), NULL to skip those.  Returns 1 when kept, 0 when skipped
 * (a kind not modelled, counted in collection.skipped; no valid name; a
 * repeat of an object already kept, the first one wins).
 */
int k8s_model_add(struct k8s_model *m, json_t *obj, const char *kind, const char *api_version,
		  const char *default_ns);
/* The server's /version answer (copied). */
int k8s_model_set_version(struct k8s_model *m, const json_t *version);
/* 1 when a version was set. */
int k8s_model_has_version(const struct k8s_model *m);
/* The cluster asset's "collection" member, for the connector to fill (borrowed). */
json_t *k8s_model_collection(struct k8s_model *m);
/* Number of objects kept. */
size_t k8s_model_count(const struct k8s_model *m);

/* Assets and edges built from one or more models. */
struct k8s_graph;

int k8s_graph_new(struct k8s_graph **out);
void k8s_graph_free(struct k8s_graph *g);
/* Build the model's assets and edges into g (the model may be freed afterwards). */
int k8s_graph_add_model(struct k8s_graph *g, const struct k8s_model *m);
/* Write every asset, then every edge, through the inventory. */
int k8s_graph_write(struct k8s_graph *g, struct inventory *inv);
/* For tests and fuzzing: {"KIND\tKEY": {"kind","key","name","doc"}} and [[FROM, TO, EDGE-KIND]] (borrowed). */
const json_t *k8s_graph_assets(const struct k8s_graph *g);
const json_t *k8s_graph_edges(const struct k8s_graph *g);

#endif
