/*
 * waiver: accepted risks, "accepted until March" (docs/rules.md, "Waivers").
 *
 *   waivers:
 *     - rule: CIS-K8S-1.10-5.2.5          # a rule id, or a glob (CIS-K8S-*)
 *       resource:                          # every field given must match (globs)
 *         kind: k8s.workload
 *         namespace: kube-system
 *         name: "calico-*"
 *       reason: The CNI needs the host network.
 *       owner: platform-team@example.com
 *       expires: 2026-03-31               # judged against the engagement's as_of
 *
 * A waiver turns a matching failure into "waived" with its reason, owner
 * and expiry, so it stays visible.  An expired waiver (as_of after expires)
 * waives nothing, and is itself reported.  Waivers never hide errors.
 */
#ifndef VETTER_COMPLIANCE_WAIVER_H
#define VETTER_COMPLIANCE_WAIVER_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "core/util.h"
#include "resource.h"

#define WAIVER_MAX 10000

struct waiver {
	const char *rule, *reason, *owner, *expires; /* borrowed from the document */
	const char *kind, *ns, *name, *key, *company; /* selector; NULL matches anything */
	int line;
	int expired;
	size_t used; /* results it matched */
};

struct waiver_set {
	struct waiver *v;
	size_t n;
	json_t *doc;
	char *file;
	char digest[72];
	long long size;
};

/* Load and check path; as_of decides which waivers have expired.  Errors name file, line and field. */
int waivers_load(struct waiver_set *ws, const char *path, const struct util_date *as_of);
/* The same from memory (name for messages). */
int waivers_load_buffer(struct waiver_set *ws, const char *buf, size_t len, const char *name,
			const struct util_date *as_of);
void waivers_release(struct waiver_set *ws);

/* The first waiver matching rule and resource (expired ones included), or NULL. */
struct waiver *waivers_match(struct waiver_set *ws, const char *rule, const struct resource *r);

/* The waiver as JSON for results: {reason, owner, expires, expired, file, line}. */
json_t *waiver_to_json(const struct waiver_set *ws, const struct waiver *w);

#endif
