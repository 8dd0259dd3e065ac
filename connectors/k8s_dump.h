/*
 * k8s_dump: reading what kubectl and Helm write, from memory.
 *
 * One buffer may hold JSON (one document or several back to back, as
 * `kubectl get … -o json` appended to one file) or YAML (one or many
 * documents: `kubectl get … -o yaml`, manifests, Helm-rendered output).  A
 * document may be an object, a List (or a FooList) whose items lack kind
 * and apiVersion, a JSON array of objects, the output of `kubectl version -o
 * json` (its serverVersion is the cluster's version) or a bare /version
 * answer.  Every object goes into the model, which sanitises it; the
 * caller is told of each object kept, for evidence and coverage.
 */
#ifndef VETTER_K8S_DUMP_H
#define VETTER_K8S_DUMP_H

#include <stddef.h>

#include <jansson.h>

#include "k8s_model.h"

/* Largest file read. */
#define K8S_DUMP_MAX_BYTES ((size_t)256 << 20)

/* Called with each object the model kept (borrowed, already sanitised). */
typedef int (*k8s_kept_cb)(void *ctx, json_t *obj);

/*
 * Read buf into m.  name is used in messages; default_ns is the namespace of
 * namespaced objects that name none.  Returns the number of objects kept,
 * or a negative code (ERR_PARSE with file, line and column) — objects read
 * before the error stay in the model.
 */
int k8s_dump_read(struct k8s_model *m, const char *buf, size_t len, const char *name, const char *default_ns,
		  k8s_kept_cb cb, void *ctx);

#endif
