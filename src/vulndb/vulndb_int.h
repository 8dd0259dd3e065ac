/*
 * vulndb_int: what the files of the advisory database share (the handle,
 * prepared statements, transactions).  Not for use outside src/vulndb/.
 */
#ifndef VETTER_VULNDB_INT_H
#define VETTER_VULNDB_INT_H

#include <sqlite3.h>

#include "vulndb.h"

/* Prepared statements, made on first use and kept for the handle's life. */
enum vdb_stmt {
	Q_META_GET,
	Q_META_SET,
	Q_OSV_GET,
	Q_OSV_DEL,
	Q_OSV_PUT,
	Q_AFF_DEL,
	Q_AFF_PUT,
	Q_ALIAS_DEL,
	Q_ALIAS_PUT,
	Q_TOMB_GET,
	Q_TOMB_PUT,
	Q_CVE_GET,
	Q_CVE_PUT,
	Q_CVE_DEL,
	Q_KEV_PUT,
	Q_EPSS_PUT,
	Q_LOOKUP,
	Q_CVE_DOC,
	Q_CVE_JOIN,
	Q_KEV_GET,
	Q_EPSS_GET,
	Q_SEEN, /* the temporary table of vulndb_feeds.c */
	Q_COUNT
};

struct vulndb {
	sqlite3 *db;
	char *path;
	enum vulndb_mode mode;
	sqlite3_stmt *stmt[Q_COUNT];
	json_t *eco_records; /* {ecosystem: records}, loaded on first match */
};

/* The statement for slot, reset and unbound, ready to bind. */
int vdb_stmt(struct vulndb *db, enum vdb_stmt slot, sqlite3_stmt **out);
int vdb_exec(struct vulndb *db, const char *sql);
/* ERR_IO naming what failed and SQLite's message. */
int vdb_error(struct vulndb *db, const char *what);
/* sqlite3_step expecting SQLITE_DONE. */
int vdb_step_done(struct vulndb *db, sqlite3_stmt *s, const char *what);
int vdb_bind_text(sqlite3_stmt *s, int idx, const char *v);
int vdb_bind_int(sqlite3_stmt *s, int idx, int64_t v);

int vdb_begin(struct vulndb *db);
int vdb_commit(struct vulndb *db);
void vdb_rollback(struct vulndb *db);

int vdb_meta_get(struct vulndb *db, const char *key, struct strbuf *out); /* ERR_NOTFOUND when absent */
int vdb_meta_set(struct vulndb *db, const char *key, const char *value);

/* Compute the digest and keep it in meta (at the end of every import). */
int vdb_store_digest(struct vulndb *db);
/* Record an import in the sources table (kind osv, cve, kev, epss). */
int vdb_log_source(struct vulndb *db, const char *kind, const char *path, const char *summary);
/* Recount records per ecosystem after OSV records changed. */
int vdb_refresh_ecosystems(struct vulndb *db);

/* The one-line summary of an import ("N read, N added, ..."), appended to sb. */
int vdb_summary(struct strbuf *sb, const struct vulndb_import_stats *st);

/* Fill in defaults of opt into o. */
void vdb_import_opts(struct vulndb_import_opts *o, const struct vulndb_import_opts *opt);
/* Report a refused item through opt and count it. */
void vdb_refuse(const struct vulndb_import_opts *o, struct vulndb_import_stats *st, const char *where,
		const char *reason);

#endif
