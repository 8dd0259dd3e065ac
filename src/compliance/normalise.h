/*
 * normalise: one clean document per resource (docs/resources.md).
 *
 *  - Kubernetes: every pod-bearing kind (Pod, Deployment, ReplicaSet,
 *    StatefulSet, DaemonSet, Job, CronJob, ReplicationController, PodTemplate)
 *    becomes a k8s.workload whose 'containers' lists regular, init and
 *    ephemeral containers with their *effective* security context (the
 *    pod's fields merged in where the container leaves them unset, the legacy
 *    seccomp and AppArmor annotations mapped to fields, and the image's USER
 *    joined when the image was scanned).  Roles, bindings and the subjects
 *    they name become k8s.role, k8s.binding and k8s.subject with effective
 *    permissions; Services, Ingresses, NetworkPolicies, Namespaces,
 *    ConfigMaps and ServiceAccounts their own kinds.  Objects of any other
 *    kind are counted and skipped.
 *  - Images: the image asset document of the scan stage becomes an 'image'.
 *  - Cloud documents are already in vetter's shapes; they are checked for a
 *    kind and an identity and taken as they are.
 */
#ifndef VETTER_COMPLIANCE_NORMALISE_H
#define VETTER_COMPLIANCE_NORMALISE_H

#include <jansson.h>

#include "resource.h"

/*
 * Normalise Kubernetes objects (a JSON array, Lists already flattened).
 * origins, when not NULL, is a parallel array of {"file", "line"} objects.
 * image_users, when not NULL, maps an image reference to the USER of its
 * scanned configuration.  Which k8s data sets count as collected is the
 * caller's to say (resource_set_collected): 'vetter check' takes the files
 * as the whole cluster; an engagement, what its connector read.
 */
int norm_k8s(struct resource_set *out, const json_t *objects, const json_t *origins, const json_t *image_users);

/* The RBAC part of norm_k8s (roles, bindings, subjects). */
int norm_k8s_rbac(struct resource_set *out, const json_t *objects, const json_t *origins);

/* Does a Kubernetes label selector ({matchLabels, matchExpressions}) select labels? */
int k8s_selector_matches(const json_t *selector, const json_t *labels);

/* Set file and line of r from origins[i]. */
int norm_set_origin(struct resource *r, const json_t *origins, size_t i);

/*
 * An image asset document (as the scan stage stores it) as an 'image'
 * resource; image.config is collected when the document has a configuration.
 */
int norm_image(struct resource_set *out, const char *key, const char *name, const json_t *asset_doc,
	       struct resource **res_out);

/*
 * A cloud document in one of vetter's shapes ({"kind": "aws.s3.bucket", ...}).
 * ERR_INVALID when it has no known kind or no name or id.
 */
int norm_cloud(struct resource_set *out, const json_t *doc, struct resource **res_out);

#endif
