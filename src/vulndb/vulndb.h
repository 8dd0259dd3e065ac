/*
 * vulndb: the advisory database and vulnerability matching.
 *
 * One SQLite file (vulndb.sqlite) outside any engagement holds OSV records
 * (Debian, Ubuntu, Alpine, AlmaLinux, Rocky Linux, Red Hat, npm, PyPI, Go,
 * Maven, crates.io, ...), reduced CVE JSON 5 records (CVSS, CWE, CISA's SSVC
 * inputs), the CISA KEV catalog and the EPSS scores.  Where it lives:
 *
 *   --vulndb FILE  >  $VETTER_VULNDB  >  $XDG_DATA_HOME/vetter/vulndb.sqlite
 *                                        (~/.local/share/vetter/vulndb.sqlite)
 *
 * A run opens it once, read-only, and looks every package up by (ecosystem,
 * package name) through an index; nothing is loaded up front, so opening is
 * cheap and a scan of 2,000 packages reads only the rows it needs.
 *
 *   struct vulndb *db;
 *   if (vulndb_open(&db, path, VULNDB_READ) < 0) ... err_last() ...
 *   vulndb_match(db, view.os, &view.pkgs, &cb);      once per image
 *   vulndb_close(db);
 *
 * A handle is used by one thread at a time.  Imports (vulndb_import_*) run
 * inside one transaction per input, so a killed import leaves the database
 * as it was; re-importing the same input changes nothing (vulndb_digest
 * stays the same).  vulndb_digest is the SHA-256 of a canonical dump of
 * the content (records by id with the SHA-256 of each one's canonical JSON,
 * CVE records, KEV rows, EPSS rows and model), so two databases built from
 * the same inputs have the same digest whatever the order of the imports;
 * an engagement pins the database it used by this digest.
 *
 * Matching (vulndb_match) follows docs/scan.md: OS packages by the OSV
 * ecosystem of the image's OS (Debian:12, Ubuntu:22.04:LTS, Alpine:v3.19,
 * AlmaLinux:9, Rocky Linux:9, Red Hat:enterprise_linux:9::..., ...), language
 * packages by their type (npm, PyPI, Go, Maven); OSV ECOSYSTEM and SEMVER
 * ranges and versions lists, evaluated as the OSV schema's pseudocode does
 * with each ecosystem's own version ordering (vulndb/version.h); GIT ranges
 * are not evaluated.  "No data" is never reported as "no findings": an
 * ecosystem without records, an OS without an advisory source, a version
 * that cannot be parsed and an advisory range that cannot be evaluated are
 * each reported as a gap.
 */
#ifndef VETTER_VULNDB_H
#define VETTER_VULNDB_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include <jansson.h>

#include "core/strbuf.h"
#include "scan/pkg.h"

#define VULNDB_SCHEMA_VERSION 1

struct vulndb;

enum vulndb_mode { VULNDB_READ = 0, VULNDB_WRITE = 1 };

/* The database path: option (a --vulndb value) when not NULL, else
 * $VETTER_VULNDB, else the XDG data folder.  Appends to out. */
int vulndb_path(struct strbuf *out, const char *option);

/*
 * Open the database at path.  VULNDB_READ: ERR_NOTFOUND when there is no
 * file, ERR_INVALID when it is not a vetter advisory database or has a newer
 * schema.  VULNDB_WRITE creates the file (and its folder) when missing.
 */
int vulndb_open(struct vulndb **out, const char *path, enum vulndb_mode mode);
void vulndb_close(struct vulndb *db);
const char *vulndb_file(const struct vulndb *db);

/* Lowercase hex SHA-256 of the canonical dump (see above), computed now, appended to out. */
int vulndb_digest(struct vulndb *db, struct strbuf *out);
/* The digest every import stores as it commits (cheap); computed when there is none. */
int vulndb_digest_stored(struct vulndb *db, struct strbuf *out);

/*
 * The state of the database as JSON (the caller's):
 *   { "path", "schema_version", "digest",
 *     "ecosystems": [ { "ecosystem": "Debian:12", "name": "Debian", "release": "12",
 *                       "records": 8513, "newest_modified": "..." } ... ],   by ecosystem
 *     "records": N, "records_without_package": N, "withdrawn_seen": N,
 *     "cve_records": N, "cve_newest_updated": "...",
 *     "kev": { "catalog_version", "date_released", "entries" } | null,
 *     "epss": { "model_version", "score_date", "entries" } | null,
 *     "sources": [ { "kind", "path", "sha256", "imported_at", "summary" } ... ] }
 */
int vulndb_status(struct vulndb *db, json_t **out);

/*
 * What the database holds about id (the caller's JSON):
 *   { "osv": [ stored OSV records whose id or alias is id ],
 *     "cve": reduced CVE record or null, "kev": {...} or null, "epss": {...} or null }
 * ERR_NOTFOUND when nothing at all is known.
 */
int vulndb_show(struct vulndb *db, const char *id, json_t **out);

/* ---- imports ---- */

struct vulndb_import_stats {
	size_t read;       /* records (or rows) read */
	size_t added;      /* new */
	size_t updated;    /* replaced an older version */
	size_t unchanged;  /* already stored as they are */
	size_t older;      /* older than the stored version (kept as stored) */
	size_t withdrawn;  /* OSV withdrawn / CVE REJECTED: not stored (a stored copy is removed) */
	size_t removed;    /* KEV and EPSS: stored entries the new file no longer has */
	size_t refused;    /* malformed: skipped with a warning */
};

/* Called once per refused record or row: where ("all.zip:X.json", "f.csv:12") and why. */
typedef void (*vulndb_refuse_fn)(void *ctx, const char *where, const char *reason);

struct vulndb_import_opts {
	vulndb_refuse_fn refused; /* may be NULL */
	void *ctx;
	time_t now;               /* withdrawn dates are compared with it; 0 = time(NULL) */
};

/*
 * OSV records from path: a .json file, a folder (every *.json below it, in
 * name order), or a .zip such as osv.dev's per-ecosystem all.zip, read with
 * libarchive straight from the file.  Returns 0 when the input could be read
 * (refused records are counted, not errors); an unreadable input fails and
 * leaves the database unchanged.
 */
int vulndb_import_osv(struct vulndb *db, const char *path, const struct vulndb_import_opts *opt,
		      struct vulndb_import_stats *st);
/* CVE JSON 5 records: a file, a folder or a .zip (cvelistV5, Vulnrichment). */
int vulndb_import_cve(struct vulndb *db, const char *path, const struct vulndb_import_opts *opt,
		      struct vulndb_import_stats *st);
/* The CISA KEV catalog (JSON); it replaces the stored catalog. */
int vulndb_import_kev(struct vulndb *db, const char *path, const struct vulndb_import_opts *opt,
		      struct vulndb_import_stats *st);
/* An EPSS scores file (CSV, or gzip of it) with its #model_version line; it
 * replaces the stored scores. */
int vulndb_import_epss(struct vulndb *db, const char *path, const struct vulndb_import_opts *opt,
		       struct vulndb_import_stats *st);

/* The base names of the OSV ecosystems the database holds ("Debian", "PyPI",
 * "Rocky Linux"), sorted: what 'vetter db update' fetches.  Array of strings, the caller's. */
int vulndb_ecosystems_in_use(struct vulndb *db, json_t **out);

/* ---- downloads ---- */

#define VULNDB_OSV_MIRROR "https://osv-vulnerabilities.storage.googleapis.com"
#define VULNDB_KEV_URL "https://www.cisa.gov/sites/default/files/feeds/known_exploited_vulnerabilities.json"
#define VULNDB_EPSS_URL "https://epss.empiricalsecurity.com/epss_scores-current.csv.gz"

struct fetch_opts;

/* One step of an update, reported as it ends (rc < 0: it failed, err_last() says why). */
typedef void (*vulndb_update_fn)(void *ctx, const char *kind, const char *url, const struct vulndb_import_stats *st,
				 int rc);

struct vulndb_update_opts {
	const char *mirror;               /* osv.dev's bucket layout <mirror>/<Ecosystem>/all.zip; NULL: VULNDB_OSV_MIRROR */
	const char *const *ecosystems;    /* base names to fetch besides those in use ("Debian", "PyPI") */
	size_t necosystems;
	const char *kev_url, *epss_url;   /* NULL: the defaults above; "": skip */
	const struct fetch_opts *fetch;   /* download rules (vulndb/fetch.h) */
	const struct vulndb_import_opts *import;
	vulndb_update_fn done;            /* may be NULL */
	void *ctx;
};

/*
 * Download and import <mirror>/<E>/all.zip for every ecosystem E in use
 * (vulndb_ecosystems_in_use) and given, then the KEV catalog and the EPSS
 * scores.  Each file is downloaded beside the database, imported in its own
 * transaction and removed.  A step that fails is reported through done and
 * the others still run; returns 0 when every step worked, else the first
 * error.  ERR_USAGE when there is nothing to fetch.
 */
int vulndb_update(struct vulndb *db, const struct vulndb_update_opts *opt);

/* ---- matching ---- */

/* The KEV, EPSS and SSVC data of one CVE of a match (strings borrowed; NULL when absent). */
struct vulndb_cve {
	const char *id;
	int kev;                                     /* in the KEV catalog */
	const char *kev_date_added, *kev_due_date;
	const char *kev_ransomware;                  /* "Known" or "Unknown" */
	const char *epss_score, *epss_percentile;    /* as the EPSS file writes them */
	const char *ssvc_exploitation, *ssvc_automatable, *ssvc_technical_impact;
	const json_t *cwe;                           /* array of "CWE-n", or NULL */
};

struct vulndb_match {
	const struct pkg *pkg;       /* the image's package */
	const char *ecosystem;       /* the OSV ecosystem it matched in ("Debian:12") */
	const char *name, *version;  /* what was compared: deb source package and source version,
				      * apk origin, rpm binary name and EVR, else the package itself */
	const char *id;              /* advisory id */
	const char *const *aliases;  /* other ids of the vulnerability, sorted */
	size_t naliases;
	const char *summary;         /* "" when none */
	const char *fixed;           /* the first fixed version above the installed one; NULL: no fix yet */
	const char *severity;        /* critical, high, medium, low, info or unknown */
	/* Where the severity comes from: "debian" (urgency), "ubuntu" (priority),
	 * "redhat", "almalinux", "rocky" (the advisory's rating), "advisory-cvss",
	 * "cve-cvss", or "none" (then severity is "unknown"). */
	const char *severity_source;
	const char *severity_detail; /* the rating word or the CVSS vector; "" for none */
	double cvss_score;           /* the score of that vector; -1 when not from CVSS */
	const struct vulndb_cve *cves;
	size_t ncves;
	const json_t *doc;           /* everything above as the JSON of docs/scan.md; NULL unless asked for */
};

/*
 * A coverage gap.  scope:
 *   "os"        the OS is not recognised, or has no advisory source (Amazon Linux, CentOS)
 *   "ecosystem" the database has no records for an ecosystem the image needs
 *               (a release never imported, an old Alpine branch)
 *   "package"   the installed version cannot be parsed by its ecosystem's rules
 *   "advisory"  an advisory's range for the package cannot be evaluated
 */
struct vulndb_gap {
	const char *scope;
	const char *ecosystem;   /* may be NULL (scope os) */
	const struct pkg *pkg;   /* NULL for os and ecosystem */
	const char *advisory;    /* scope advisory only */
	const char *reason;      /* one line naming what is missing and why */
	size_t packages;         /* os and ecosystem: packages left unmatched */
	const json_t *doc;       /* the same as JSON; NULL unless asked for */
};

struct vulndb_match_cb {
	/* Each returns 0, or a negative error that stops matching and is returned. */
	int (*match)(void *ctx, const struct vulndb_match *m);
	int (*gap)(void *ctx, const struct vulndb_gap *g);
	void *ctx;
	int docs; /* also give each match and gap as JSON (doc); costs about a third more time */
};

/*
 * Match the packages of one image against the database.  os is the detected
 * OS object of the scanner ({"id", "version_id", "pretty_name", ...}) or
 * NULL.  Callbacks are called in package order (the order of pkgs), matches
 * of one package by advisory id; everything they are given is borrowed for
 * the call.  Records sharing an alias (GHSA-x and PYSEC-y naming the same
 * CVE) are one match, reported under the smallest id with the other ids in
 * aliases.  Returns the number of matches, or a negative error.
 */
int vulndb_match(struct vulndb *db, const json_t *os, const struct pkg_list *pkgs, const struct vulndb_match_cb *cb);

/* vulndb_match collected as JSON: *matches and *gaps (arrays of the docs, the caller's). */
int vulndb_match_json(struct vulndb *db, const json_t *os, const struct pkg_list *pkgs, json_t **matches,
		      json_t **gaps);

#endif
