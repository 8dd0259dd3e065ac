/*
 * cve5: CVE JSON 5 records (the CVE List, and CISA's Vulnrichment, which adds
 * the "CISA ADP Vulnrichment" container), reduced to what vetter joins into
 * vulnerability findings: the CVSS vectors (CNA's and every ADP's), the CWE
 * ids, and CISA's SSVC decision points.  OSV records usually lack these.
 *
 * The reduced document, stored in the advisory database and documented for
 * users in docs/scan.md:
 *
 *   {
 *     "id": "CVE-2021-4034", "state": "PUBLISHED",
 *     "date_updated": "2025-07-28T19:45:17.693Z", "date_published": "...",
 *     "title": "...",                       CNA title, else its first English description
 *     "cvss": [ { "source": "cna" | "adp", "provider": "redhat",
 *                 "version": "3.1", "vector": "CVSS:3.1/...", "base_score": 7.8 }, ... ],
 *     "cwe": [ "CWE-787", ... ],            CNA and ADP problem types, sorted, unique
 *     "ssvc": { "exploitation": "active", "automatable": "no", "technical_impact": "total",
 *               "role": "CISA Coordinator", "version": "2.0.3", "timestamp": "...",
 *               "provider": "CISA-ADP" },
 *     "kev_adp": { "date_added": "2022-06-27" }   CISA ADP's KEV marker, when present
 *   }
 *
 * cvss keeps the metrics in document order, CNA first, then each ADP
 * container in order; within a container cvssV4_0, cvssV3_1, cvssV3_0 and
 * cvssV2_0 entries as they come.  Members that the record lacks are absent.
 * A REJECTED record reduces to id, state and date_updated.
 *
 * Everything is outside data: a record that is not an object, lacks
 * cveMetadata.cveId (CVE-YYYY-NNNN...) or a PUBLISHED/REJECTED state, or has
 * a metric, problem type or SSVC entry of the wrong shape is refused with
 * ERR_PARSE naming the field.
 */
#ifndef VETTER_CVE5_H
#define VETTER_CVE5_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#define CVE5_RECORD_MAX ((size_t)16 * 1024 * 1024)

/* Reduce the record in buf; *out (the caller's) as above.  *updated_epoch is
 * cveMetadata.dateUpdated in seconds (0 when absent). */
int cve5_parse(const char *buf, size_t len, json_t **out, int64_t *updated_epoch);

/* 1 when s is a CVE id: "CVE-", four digits, '-', four or more digits (at most 32 bytes). */
int cve5_id_ok(const char *s);

#endif
