/*
 * merge: one finding where vetter and a target's own tool found the same
 * thing, and each finding's provenance (docs/findings.md, "Origins and
 * provenance").
 *
 * Imported findings (connectors/bundle.c: Trivy, Grype, CycloneDX VEX,
 * kube-bench, ...) carry "origin" with "supplied": true; every other
 * finding is vetter's own.  Two findings are the same when they are of the
 * same company and kind and share a token:
 *
 *   vulnerability     ASSET | PACKAGE@VERSION | ID   for every ID of the
 *                     finding: its rule, its aliases, its CVEs (so a Debian
 *                     DEBIAN-CVE-2024-0727 meets Trivy's CVE-2024-0727, a
 *                     GHSA its CVE)
 *   misconfiguration  ASSET | CONTROL   for its rule and, where the rule
 *                     maps to a CIS benchmark section, CIS-K8S-n.n.n or
 *                     CIS-AWS-n.n (kube-bench's ids); Prowler's check ids
 *                     map to nothing in rules/ and stay apart.  kube-bench
 *                     judges a cluster's nodes, vetter's Kubernetes rules
 *                     its resources (workloads, roles, bindings): they
 *                     meet only where both judge the same asset
 *
 * ASSET is the image's config digest when the asset's document knows it
 * (vetter's scanned images; Trivy's ImageID, Grype's imageID), else the
 * asset's kind and key; PACKAGE is the package's name (a Maven package's
 * group:artifact from its PURL), lower case, runs of '-', '_' and '.' as
 * one '-'.  Findings on other assets or other package versions never meet.
 *
 * An imported finding meeting one of vetter's is merged into it: it stays
 * in the store with "merged_into" (so store_finding_foreach skips it), and
 * vetter's finding lists both in "origins", vetter first, the tool after
 * with its own id, rule, severity and fixed version and "disagrees" naming
 * what differs.  An imported finding meeting none of vetter's stays a
 * finding (imported findings meeting each other merge into the first by id).
 * Vetter's own findings are never merged with each other.
 *
 * "provenance" is "live" when every origin was collected live (a source
 * whose type reads an API or registry; an image pulled from its registry by
 * the scan stage, even when a cluster export named it), "supplied" when
 * every origin is supplied evidence (an export, a bundle, an image folder
 * or archive, a data-room report), "both" when the origins are of both; findings that rest on no
 * collected source (a consultant's manual findings, waiver expiries) have
 * none.  The result is recomputed from scratch on every run, so a rerun
 * writes the same.
 */
#ifndef VETTER_MERGE_H
#define VETTER_MERGE_H

#include <jansson.h>

#include "core/runner.h"
#include "core/strbuf.h"

/* The normalised package identity of a vulnerability finding's package ("openssl@3.0.11-1~deb12u2"). */
int merge_package_key(struct strbuf *out, const json_t *pkg, const char *component);

/* Inside the score stage's transaction, before the scores: merge and set provenance. 0 or ERR_*. */
int merge_record(struct run_ctx *ctx);

#endif
