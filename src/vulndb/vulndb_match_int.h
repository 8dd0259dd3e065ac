/*
 * vulndb_match_int: what the matching files share.
 *
 *   vulndb_match_os.c    which OSV ecosystems an image's packages are looked up in
 *   vulndb_match_range.c OSV ranges and versions lists against an installed version
 *   vulndb_match_rec.c   advisory and CVE details: aliases, severity, KEV, EPSS, SSVC
 *   vulndb_match.c       the walk over the packages, grouping, callbacks
 */
#ifndef VETTER_VULNDB_MATCH_INT_H
#define VETTER_VULNDB_MATCH_INT_H

#include "version.h"
#include "vulndb_int.h"

/* How the packages of one type are looked up. */
struct vm_target {
	const char *type;     /* PKG_* */
	char **ecos;          /* OSV ecosystems to look in */
	size_t necos;
	size_t records;       /* records the database has in them together */
	enum ver_scheme scheme;
	int flags;            /* ver_compare flags */
	int by_source;        /* deb source package, apk origin, SUSE source rpm */
	int rpm_epoch;        /* the epoch rules for RPM (see vulndb_match_range.c) */
	const char *distro;   /* whose rating the records carry: debian, ubuntu, redhat, almalinux, rocky, or NULL */
	char *label;          /* for messages: "Debian:12", "Ubuntu:22.04:LTS or Ubuntu:Pro:22.04:LTS" */
	char *no_source;      /* set when the OS has no advisory source: the reason */
};

struct vm_plan {
	struct vm_target *t;
	size_t n;
};

/* The targets for the package types present in pkgs, given the OS.  Types
 * that cannot be looked up at all are absent (their packages become an os gap). */
int vm_plan_build(struct vulndb *db, const json_t *os, const struct pkg_list *pkgs, struct vm_plan *out);
void vm_plan_release(struct vm_plan *p);
const struct vm_target *vm_plan_find(const struct vm_plan *p, const char *type);
/* The records the database holds for an ecosystem (0 when none). */
size_t vm_ecosystem_records(struct vulndb *db, const char *ecosystem);

/* Result of evaluating one affected[] entry against an installed version. */
enum vm_verdict { VM_NOT_AFFECTED = 0, VM_AFFECTED = 1, VM_NOT_APPLICABLE = 2 };

/*
 * Evaluate the compact ranges (see osv.h) against version.  *fixed (the
 * caller frees) is the smallest fixed version above it in an affecting range
 * (NULL: no fix known).  ERR_PARSE, with err_last() naming the version that
 * could not be read, when a range cannot be evaluated.  VM_NOT_APPLICABLE
 * when the entry is an RPM module stream and the package is not (or the
 * reverse).
 */
int vm_evaluate(const struct vm_target *t, const char *ecosystem, const char *ranges, const char *version,
		enum vm_verdict *verdict, char **fixed);
/* Compare two versions of one ecosystem as matching does (RPM epoch rules included): -1, 0, 1 in *r. */
int vm_compare(const struct vm_target *t, const char *ecosystem, char range_type, const char *a, const char *b,
	       int *r);

/* One advisory as matching sees it: its facts (osv_facts in osv.h), read from the affected row. */
struct vm_record {
	char *buf;              /* the facts text, cut into the strings below */
	const char *id;         /* idents[0] */
	const char *summary;
	const char **idents;    /* id and aliases: what groups records of one vulnerability */
	const char **aliases;   /* aliases and upstream ids, sorted, unique */
	const char **cves;      /* CVE ids of the record, sorted, unique */
	const char **sev;       /* "type\tscore" of each severity[] entry */
	size_t nidents, naliases, ncves, nsev;
};

/* A record as it matched: with the u and p lines (osv.h) of the affected[] entry that matched. */
struct vm_member {
	const struct vm_record *rec;
	const char *entry;
};

/* Severity of a group of records (see vulndb.h for the order). */
#define CVSS_DETAIL_MAX 520
struct vm_severity {
	const char *severity, *source;
	char detail[CVSS_DETAIL_MAX]; /* the rating word or the CVSS vector */
	char from[160];               /* the record it was read from ("CVE-2024-1086 cna kernel.org") */
	double score;                 /* -1 when not from CVSS */
};

struct vm_cache;
/* Sort v[0..*n-1] (strcmp) and drop repeats and skip (may be NULL); *n is the new count. */
void vm_sorted_set(const char **v, size_t *n, const char *skip);
int vm_cache_new(struct vm_cache **out);
void vm_cache_free(struct vm_cache *c);
/* A record from the facts text of its affected row, kept by the cache until it is freed. */
int vm_record(struct vm_cache *c, const char *facts, const struct vm_record **out);
/* The joined CVE details of id as JSON ({id, kev, epss, ssvc, cwe, cvss}); borrowed from the cache. */
int vm_cve(struct vulndb *db, struct vm_cache *c, const char *id, const json_t **out);
/*
 * The severity of the group m[0..n-1] matched in a target: the
 * distribution's rating, else the CVSS of the advisories, else of their CVE
 * records, else unknown.
 */
int vm_severity(struct vulndb *db, struct vm_cache *c, const struct vm_target *t, const struct vm_member *m, size_t n,
		struct vm_severity *out);

#endif
