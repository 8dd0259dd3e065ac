/*
 * import: readers of what a target's data room already holds: other tools'
 * reports, turned into vetter's assets and findings.
 *
 *   cyclonedx   CycloneDX 1.x JSON SBOM            -> an "sbom" asset (+ its vulnerabilities)
 *   spdx        SPDX 2.x JSON SBOM                 -> an "sbom" asset
 *   trivy       Trivy JSON report (SchemaVersion 2) -> vulnerability, misconfiguration, secret findings
 *   grype       Grype JSON report                  -> vulnerability findings
 *   prowler     Prowler OCSF JSON (detection findings) -> misconfiguration findings (FAIL only)
 *   kube-bench  kube-bench JSON                    -> misconfiguration findings (FAIL, WARN)
 *   guardduty   GuardDuty GetFindings output       -> threat findings
 *   asff        Security Hub GetFindings (ASFF)    -> threat or misconfiguration findings
 *   defender    Microsoft Defender for Cloud alerts (REST list or az security alert list)
 *                                                  -> threat findings
 *
 * A reader is detected by content (import_detect), never by file name, and
 * gives plain JSON (import_result) so it can be tested and fuzzed without a
 * store; connectors/bundle.c writes the result through the inventory,
 * adding each finding's origin.  Outside data is hostile: counts are capped
 * (IMPORT_MAX_ITEMS), strings bounded, invalid shapes are errors naming the
 * file and the field, and values that could hold a secret (Trivy's
 * secret matches, alert evidence) are not kept.
 *
 * Threat findings (GuardDuty, Security Hub threat types, Defender alerts)
 * are kind "exposure" with "signal": "threat-detection": evidence that the
 * target may already be breached, for scoring's red flags.
 */
#ifndef VETTER_IMPORT_H
#define VETTER_IMPORT_H

#include <stddef.h>

#include <jansson.h>

#include "core/strbuf.h"

#define IMPORT_MAX_ITEMS 200000
#define IMPORT_MAX_STR 4096

struct import_result {
	json_t *assets;   /* [{kind, key, name, doc}] */
	json_t *findings; /* [{kind, rule, title, severity, asset: {kind, key, name}, component, ...}] */
	json_t *counts;   /* {read, kept, passed, skipped} for the coverage */
	const char *tool; /* the importer's name */
	const char *tool_version; /* borrowed from the document, may be NULL */
};

struct import_opts {
	const char *cluster; /* asset key of the cluster a kube-bench report is about */
};

struct importer {
	const char *name;
	const char *what; /* "Trivy JSON report" */
	/* 1 when doc is this tool's output. */
	int (*detect)(const json_t *doc);
	int (*read)(const json_t *doc, const char *file, const struct import_opts *o, struct import_result *r);
};

/* The importer whose format doc has, or NULL. */
const struct importer *import_detect(const json_t *doc);
const struct importer *import_find(const char *name);
const struct importer *import_at(size_t i);

/* Parse buf (JSON) and read it with the importer detected: ERR_UNSUPPORTED when none is. */
int import_buffer(const char *buf, size_t len, const char *file, const struct import_opts *o,
		  struct import_result *r);
void import_result_init(struct import_result *r);
void import_result_release(struct import_result *r);

/* For the readers (import_util.c). */
int imp_add_asset(struct import_result *r, const char *kind, const char *key, const char *name, json_t *doc);
/* A finding; the caller adds members to the returned (borrowed) object. */
json_t *imp_add_finding(struct import_result *r, const char *kind, const char *rule, const char *title,
			const char *severity, const char *asset_kind, const char *asset_key, const char *asset_name,
			const char *component);
/* A bounded copy of a string member (NULL when absent, not a string or invalid). */
const char *imp_str(const json_t *obj, const char *key);
/* critical/high/medium/low/info/unknown from a tool's word (CRITICAL, High, negligible, moderate, ...). */
const char *imp_severity(const char *word);
/* An image's asset key from a repo digest "host/repo@sha256:..." (Docker Hub names filled in), into out. */
int imp_image_key(struct strbuf *out, const char *repo_digest);
void imp_count(struct import_result *r, const char *what);
/* The array member of doc, checked: ERR_PARSE naming file and field when it is not an array. */
int imp_array(const json_t *doc, const char *key, const char *file, int required, json_t **out);

#endif
