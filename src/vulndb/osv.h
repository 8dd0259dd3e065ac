/*
 * osv: one OSV record (https://ossf.github.io/osv-schema/), read and checked.
 *
 * Advisory feeds are outside data, so a record is taken apart strictly and
 * refused, with a reason naming the field, when it is not what the schema
 * says: an id and a modified timestamp are required; affected[] entries name
 * a package by ecosystem and name (or none at all, as GIT-only entries do);
 * ranges have a type and events of exactly one of introduced, fixed,
 * last_affected or limit, each a string; versions are strings.  Every id,
 * name and version is bounded in length and may not hold control characters
 * (they end up on terminals and in reports).  Fields vetter does not use are
 * kept in the stored document but not checked.
 *
 * What matching needs from each affected[] entry is compiled into a compact
 * text ("ranges" below) so that looking a package up never parses JSON:
 *
 *   E            an ECOSYSTEM range starts (S: a SEMVER range)
 *   i<version>   introduced (the special "0" kept as "0")
 *   f<version>   fixed
 *   l<version>   last_affected
 *   x<version>   limit
 *   v<version>   an entry of the versions list
 *   m            the entry is an RPM module stream (ecosystem_specific.rpm_modularity)
 *   u<word>      Debian's urgency of the entry (ecosystem_specific.urgency)
 *   p<type>\t<score>  a severity of the entry (affected[].severity)
 *
 * one item a line.  GIT ranges are left out: their events are commit hashes
 * that only the repository's history can order, and vetter matches packages
 * by version, as Trivy and Grype do (the versions list of such an entry is
 * still used).
 */
#ifndef VETTER_OSV_H
#define VETTER_OSV_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "core/strbuf.h"

/* Bounds on one record. */
#define OSV_RECORD_MAX ((size_t)32 * 1024 * 1024) /* bytes of JSON */
#define OSV_ID_MAX 256                             /* bytes of an id or alias */
#define OSV_NAME_MAX 1024                          /* bytes of an ecosystem or package name */
#define OSV_AFFECTED_MAX 20000                     /* affected[] entries */
#define OSV_ITEMS_MAX 200000                       /* events and versions of one entry, together */

struct osv_affected {
	char *ecosystem; /* as the record spells it ("Debian:12"); NULL for an entry without a package */
	char *name;      /* as the record spells it */
	char *key;       /* the name packages are looked up by: PyPI names normalised (PEP 503) */
	char *ranges;    /* the compact form above ("" when nothing is left to match) */
};

struct osv_record {
	json_t *doc;                 /* the record as read (owned) */
	const char *id, *modified;   /* borrowed from doc */
	const char *published;       /* NULL when absent */
	const char *withdrawn;       /* NULL when absent */
	int64_t modified_epoch;      /* seconds since 1970 */
	int64_t withdrawn_epoch;     /* INT64_MAX when not withdrawn */
	struct osv_affected *affected;
	size_t naffected;
	size_t git_ranges;           /* GIT ranges left out */
};

/*
 * Read the record in buf (len bytes of JSON).  ERR_PARSE with a reason
 * ("affected[2].ranges[0].events[1] must have exactly one of ...") when the
 * record is malformed; out is then empty.
 */
int osv_parse(const char *buf, size_t len, struct osv_record *out);
void osv_record_release(struct osv_record *r);

/*
 * The few facts of a record that every match reads, stored beside each of
 * its affected packages so that matching never reads a whole record: lines
 * of a tag and a value, in this order,
 *
 *   s<summary>       one line (control characters made spaces)
 *   i<id>            the id, then each alias: what groups records of one vulnerability
 *   a<alias>         aliases and upstream ids, sorted, unique, without the id
 *   c<CVE id>        CVE ids of the id, aliases, upstream and related, sorted, unique
 *   v<type>\t<score> each severity[] entry
 *
 * appended to out.
 */
int osv_facts(const struct osv_record *r, struct strbuf *out);

/* A package name as the ecosystem compares names: PyPI's PEP 503 form
 * ("Foo.Bar_baz" -> "foo-bar-baz"), others unchanged.  Appends to out. */
int osv_package_key(struct strbuf *out, const char *ecosystem, const char *name);

/* 1 when s is a usable id, name or version: 1..max bytes, no control characters. */
int osv_text_ok(const char *s, size_t len, size_t max);

#endif
