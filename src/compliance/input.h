/*
 * input: the files 'vetter check' and the rule tests read.
 *
 * A file is YAML or JSON, one or many documents.  Each document is a
 * Kubernetes object (apiVersion and kind), a List of them (kind List or any
 * *List with items, as 'kubectl get -o yaml' writes), a vetter resource
 * document ({"kind": "aws.s3.bucket", ...}, docs/resources.md), an export
 * {"resources": [...]} of those, or a JSON array of any of these.  Anything
 * else is counted and skipped.  A document that is not valid YAML stops the
 * read with its file, document number and line.
 */
#ifndef VETTER_COMPLIANCE_INPUT_H
#define VETTER_COMPLIANCE_INPUT_H

#include <stddef.h>

#include <jansson.h>

#include "resource.h"

#define INPUT_MAX_BYTES (64 * 1024 * 1024)
#define INPUT_MAX_OBJECTS 100000

struct input {
	json_t *k8s;         /* Kubernetes objects */
	json_t *k8s_origins; /* {"file", "line"} per object */
	json_t *docs;        /* vetter resource documents */
	json_t *doc_origins;
	json_t *skipped;     /* what was skipped -> count */
	size_t documents;
};

int input_init(struct input *in);
void input_release(struct input *in);
/* Read one file. */
int input_read_file(struct input *in, const char *path);
/* Read from memory; name is used in messages and origins. */
int input_read_buffer(struct input *in, const char *buf, size_t len, const char *name);
/* Add one parsed document (a test fixture); origin may be NULL. */
int input_add_document(struct input *in, const json_t *doc, const char *file, int line);
/* Normalise everything read into set; unknown kinds are counted in set->skipped. */
int input_normalise(struct input *in, struct resource_set *set);

#endif
