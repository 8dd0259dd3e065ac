/*
 * vulndb: the database file (location, schema, statements, transactions),
 * its digest, status and lookups by id.  Imports are in vulndb_import.c and
 * vulndb_feeds.c, matching in vulndb_match*.c.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/crypto.h"
#include "core/err.h"
#include "core/jsonx.h"
#include "core/util.h"
#include "vulndb_int.h"

static const char *const sql_text[Q_COUNT] = {
	[Q_META_GET] = "SELECT value FROM meta WHERE key=?1",
	[Q_META_SET] = "INSERT INTO meta(key, value) VALUES(?1, ?2) ON CONFLICT(key) DO UPDATE SET value=excluded.value",
	[Q_OSV_GET] = "SELECT modified_epoch, sha256 FROM osv WHERE id=?1",
	[Q_OSV_DEL] = "DELETE FROM osv WHERE id=?1",
	[Q_OSV_PUT] = "INSERT OR REPLACE INTO osv(id, modified, modified_epoch, published, withdrawn, withdrawn_epoch, "
		      "summary, sha256, origin, doc) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
	[Q_AFF_DEL] = "DELETE FROM affected WHERE id=?1",
	[Q_AFF_PUT] = "INSERT INTO affected(id, ecosystem, package, name, ranges, withdrawn_epoch, seq, facts)"
		      " VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
	[Q_ALIAS_DEL] = "DELETE FROM alias WHERE id=?1",
	[Q_ALIAS_PUT] = "INSERT INTO alias(alias, id, kind) VALUES(?1, ?2, ?3)",
	[Q_TOMB_GET] = "SELECT modified_epoch, modified FROM tombstone WHERE id=?1",
	[Q_TOMB_PUT] = "INSERT OR REPLACE INTO tombstone(id, modified_epoch, modified) VALUES(?1, ?2, ?3)",
	[Q_CVE_GET] = "SELECT updated_epoch, sha256 FROM cve WHERE id=?1",
	[Q_CVE_PUT] = "INSERT OR REPLACE INTO cve(id, state, date_updated, updated_epoch, sha256, origin, doc) "
		      "VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7)",
	[Q_CVE_DEL] = "DELETE FROM cve WHERE id=?1",
	[Q_KEV_PUT] = "INSERT OR REPLACE INTO kev(cve, date_added, due_date, ransomware, vendor, product, name) "
		      "VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7)",
	[Q_EPSS_PUT] = "INSERT OR REPLACE INTO epss(cve, score, percentile) VALUES(?1, ?2, ?3)",
	[Q_LOOKUP] = "SELECT id, ranges, withdrawn_epoch, facts FROM affected WHERE ecosystem=?1 AND package=?2 ORDER BY id",
	[Q_CVE_DOC] = "SELECT doc FROM cve WHERE id=?1",
	[Q_CVE_JOIN] = "SELECT k.date_added, k.due_date, k.ransomware, k.vendor, k.product, k.name, e.score, e.percentile,"
		       " c.doc FROM (SELECT ?1 AS id) x LEFT JOIN kev k ON k.cve = x.id LEFT JOIN epss e ON e.cve = x.id"
		       " LEFT JOIN cve c ON c.id = x.id",
	[Q_KEV_GET] = "SELECT date_added, due_date, ransomware, vendor, product, name FROM kev WHERE cve=?1",
	[Q_EPSS_GET] = "SELECT score, percentile FROM epss WHERE cve=?1",
	[Q_SEEN] = "INSERT OR IGNORE INTO temp.seen(k) VALUES(?1)",
};

static const char schema_sql[] =
	"CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);"
	"CREATE TABLE osv(id TEXT NOT NULL UNIQUE, modified TEXT NOT NULL, modified_epoch INTEGER NOT NULL,"
	" published TEXT, withdrawn TEXT, withdrawn_epoch INTEGER NOT NULL, summary TEXT NOT NULL,"
	" sha256 TEXT NOT NULL, origin TEXT NOT NULL, doc TEXT NOT NULL);"
	/* All that matching reads: the affected packages, clustered by (ecosystem, package), each with
	 * the record's withdrawal date and facts (osv_facts) copied in, so a lookup is one range of one
	 * table and no record is read whole. */
	"CREATE TABLE affected(ecosystem TEXT NOT NULL, package TEXT NOT NULL, id TEXT NOT NULL, seq INTEGER NOT NULL,"
	" name TEXT NOT NULL, ranges TEXT NOT NULL, withdrawn_epoch INTEGER NOT NULL, facts TEXT NOT NULL,"
	" PRIMARY KEY(ecosystem, package, id, seq)) WITHOUT ROWID;"
	"CREATE INDEX affected_id ON affected(id);"
	"CREATE TABLE alias(alias TEXT NOT NULL, id TEXT NOT NULL, kind TEXT NOT NULL);"
	"CREATE INDEX alias_alias ON alias(alias);"
	"CREATE INDEX alias_id ON alias(id);"
	"CREATE TABLE tombstone(id TEXT PRIMARY KEY, modified_epoch INTEGER NOT NULL, modified TEXT NOT NULL);"
	"CREATE TABLE cve(id TEXT PRIMARY KEY, state TEXT NOT NULL, date_updated TEXT, updated_epoch INTEGER NOT NULL,"
	" sha256 TEXT NOT NULL, origin TEXT NOT NULL, doc TEXT NOT NULL);"
	"CREATE TABLE kev(cve TEXT PRIMARY KEY, date_added TEXT NOT NULL, due_date TEXT, ransomware TEXT,"
	" vendor TEXT, product TEXT, name TEXT);"
	"CREATE TABLE epss(cve TEXT PRIMARY KEY, score TEXT NOT NULL, percentile TEXT NOT NULL);"
	"CREATE TABLE ecosystem(ecosystem TEXT PRIMARY KEY, records INTEGER NOT NULL, newest INTEGER);"
	"CREATE TABLE source(kind TEXT NOT NULL, path TEXT NOT NULL, imported_at TEXT NOT NULL, summary TEXT NOT NULL,"
	" PRIMARY KEY(kind, path));";

int vdb_error(struct vulndb *db, const char *what)
{
	return err_set(ERR_IO, "advisory database %s: %s: %s", db->path, what, sqlite3_errmsg(db->db));
}

int vdb_exec(struct vulndb *db, const char *sql)
{
	char *msg = NULL;

	if (sqlite3_exec(db->db, sql, NULL, NULL, &msg) != SQLITE_OK) {
		int rc = err_set(ERR_IO, "advisory database %s: %s", db->path, msg ? msg : sqlite3_errmsg(db->db));

		sqlite3_free(msg);
		return rc;
	}
	return 0;
}

int vdb_stmt(struct vulndb *db, enum vdb_stmt slot, sqlite3_stmt **out)
{
	if (!db->stmt[slot] && sqlite3_prepare_v3(db->db, sql_text[slot], -1, SQLITE_PREPARE_PERSISTENT,
						  &db->stmt[slot], NULL) != SQLITE_OK)
		return vdb_error(db, "prepare");
	sqlite3_reset(db->stmt[slot]);
	sqlite3_clear_bindings(db->stmt[slot]);
	*out = db->stmt[slot];
	return 0;
}

int vdb_step_done(struct vulndb *db, sqlite3_stmt *s, const char *what)
{
	int rc = sqlite3_step(s);

	sqlite3_reset(s);
	return rc == SQLITE_DONE || rc == SQLITE_ROW ? 0 : vdb_error(db, what);
}

int vdb_bind_text(sqlite3_stmt *s, int idx, const char *v)
{
	int rc = v ? sqlite3_bind_text(s, idx, v, -1, SQLITE_TRANSIENT) : sqlite3_bind_null(s, idx);

	return rc == SQLITE_OK ? 0 : err_set(ERR_NOMEM, "cannot bind a value");
}

int vdb_bind_int(sqlite3_stmt *s, int idx, int64_t v)
{
	return sqlite3_bind_int64(s, idx, (sqlite3_int64)v) == SQLITE_OK ? 0 : err_set(ERR_FAIL, "cannot bind a value");
}

int vdb_begin(struct vulndb *db)
{
	return vdb_exec(db, "BEGIN IMMEDIATE");
}

int vdb_commit(struct vulndb *db)
{
	return vdb_exec(db, "COMMIT");
}

void vdb_rollback(struct vulndb *db)
{
	if (!sqlite3_get_autocommit(db->db))
		sqlite3_exec(db->db, "ROLLBACK", NULL, NULL, NULL);
}

int vdb_meta_get(struct vulndb *db, const char *key, struct strbuf *out)
{
	sqlite3_stmt *s;
	int rc;

	if ((rc = vdb_stmt(db, Q_META_GET, &s)) < 0 || (rc = vdb_bind_text(s, 1, key)) < 0)
		return rc;
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW)
		rc = strbuf_addstr(out, (const char *)sqlite3_column_text(s, 0));
	else if (rc == SQLITE_DONE)
		rc = ERR_NOTFOUND;
	else
		rc = vdb_error(db, "read meta");
	sqlite3_reset(s);
	return rc;
}

int vdb_meta_set(struct vulndb *db, const char *key, const char *value)
{
	sqlite3_stmt *s;
	int rc;

	if ((rc = vdb_stmt(db, Q_META_SET, &s)) < 0 || (rc = vdb_bind_text(s, 1, key)) < 0 ||
	    (rc = vdb_bind_text(s, 2, value)) < 0)
		return rc;
	return vdb_step_done(db, s, "write meta");
}

int vdb_log_source(struct vulndb *db, const char *kind, const char *path, const char *summary)
{
	char now[32];
	time_t t = time(NULL);
	struct tm tm;
	sqlite3_stmt *s = NULL;
	int rc;

	gmtime_r(&t, &tm);
	strftime(now, sizeof(now), "%Y-%m-%dT%H:%M:%SZ", &tm);
	if (sqlite3_prepare_v2(db->db,
			       "INSERT OR REPLACE INTO source(kind, path, imported_at, summary) VALUES(?1, ?2, ?3, ?4)",
			       -1, &s, NULL) != SQLITE_OK)
		return vdb_error(db, "prepare");
	if ((rc = vdb_bind_text(s, 1, kind)) == 0 && (rc = vdb_bind_text(s, 2, path)) == 0 &&
	    (rc = vdb_bind_text(s, 3, now)) == 0 && (rc = vdb_bind_text(s, 4, summary)) == 0)
		rc = vdb_step_done(db, s, "log import");
	sqlite3_finalize(s);
	return rc;
}

int vdb_refresh_ecosystems(struct vulndb *db)
{
	json_decref(db->eco_records);
	db->eco_records = NULL;
	return vdb_exec(db, "DELETE FROM ecosystem;"
			    "INSERT INTO ecosystem(ecosystem, records, newest)"
			    " SELECT a.ecosystem, COUNT(DISTINCT a.id), MAX(o.modified_epoch)"
			    " FROM affected a JOIN osv o ON o.id = a.id GROUP BY a.ecosystem;");
}

void vdb_import_opts(struct vulndb_import_opts *o, const struct vulndb_import_opts *opt)
{
	memset(o, 0, sizeof(*o));
	if (opt)
		*o = *opt;
	if (!o->now)
		o->now = time(NULL);
}

void vdb_refuse(const struct vulndb_import_opts *o, struct vulndb_import_stats *st, const char *where,
		const char *reason)
{
	st->refused++;
	if (o->refused)
		o->refused(o->ctx, where, reason);
}

int vulndb_path(struct strbuf *out, const char *option)
{
	const char *env = getenv("VETTER_VULNDB"), *xdg = getenv("XDG_DATA_HOME"), *home = getenv("HOME");

	if (option && *option)
		return strbuf_addstr(out, option);
	if (env && *env)
		return strbuf_addstr(out, env);
	/* XDG Base Directory: a relative XDG_DATA_HOME is invalid and ignored. */
	if (xdg && xdg[0] == '/')
		return strbuf_addf(out, "%s/vetter/vulndb.sqlite", xdg);
	if (!home || home[0] != '/')
		return err_set(ERR_NOTFOUND, "no advisory database location: give --vulndb FILE or set VETTER_VULNDB "
					     "(HOME and XDG_DATA_HOME are unset)");
	return strbuf_addf(out, "%s/.local/share/vetter/vulndb.sqlite", home);
}

/* Create the schema in a new file, or check the version of an existing one. */
static int schema(struct vulndb *db)
{
	struct strbuf v = STRBUF_INIT;
	sqlite3_stmt *s = NULL;
	int rc, has_meta;

	if (sqlite3_prepare_v2(db->db, "SELECT 1 FROM sqlite_master WHERE type='table' AND name='meta'", -1, &s,
			       NULL) != SQLITE_OK)
		return err_set(ERR_INVALID, "%s is not an SQLite database: %s", db->path, sqlite3_errmsg(db->db));
	has_meta = sqlite3_step(s) == SQLITE_ROW;
	sqlite3_finalize(s);
	if (!has_meta) {
		if (db->mode == VULNDB_READ)
			return err_set(ERR_INVALID, "%s is not a vetter advisory database (no meta table)", db->path);
		if ((rc = vdb_begin(db)) < 0)
			return rc;
		if ((rc = vdb_exec(db, schema_sql)) < 0 || (rc = vdb_meta_set(db, "kind", "vetter-vulndb")) < 0 ||
		    (rc = vdb_meta_set(db, "schema_version", "1")) < 0 || (rc = vdb_commit(db)) < 0) {
			vdb_rollback(db);
			return rc;
		}
		return 0;
	}
	rc = vdb_meta_get(db, "kind", &v);
	if (rc == 0 && strcmp(v.buf, "vetter-vulndb"))
		rc = ERR_NOTFOUND;
	if (rc == ERR_NOTFOUND)
		rc = err_set(ERR_INVALID, "%s is not a vetter advisory database", db->path);
	strbuf_reset(&v);
	if (rc == 0 && (rc = vdb_meta_get(db, "schema_version", &v)) == 0 && atoi(v.buf) != VULNDB_SCHEMA_VERSION)
		rc = err_set(ERR_INVALID, "%s has schema version %s; this vetter reads version %d", db->path, v.buf,
			     VULNDB_SCHEMA_VERSION);
	strbuf_release(&v);
	return rc;
}

int vulndb_open(struct vulndb **out, const char *path, enum vulndb_mode mode)
{
	struct strbuf dir = STRBUF_INIT;
	struct vulndb *db;
	int rc, flags;

	*out = NULL;
	if (mode == VULNDB_READ && !util_exists(path))
		return err_set(ERR_NOTFOUND,
			       "no advisory database at %s; build one with 'vetter db update' or 'vetter db import'", path);
	if (mode == VULNDB_WRITE) {
		if ((rc = util_path_dirname(&dir, path)) < 0 || (rc = util_mkdirs(dir.buf, 0755)) < 0) {
			strbuf_release(&dir);
			return rc;
		}
		strbuf_release(&dir);
	}
	if (!(db = calloc(1, sizeof(*db))) || !(db->path = strdup(path))) {
		free(db);
		return err_set(ERR_NOMEM, "out of memory");
	}
	db->mode = mode;
	flags = mode == VULNDB_READ ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
	if (sqlite3_open_v2(path, &db->db, flags | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) {
		rc = err_set(ERR_IO, "cannot open advisory database %s: %s", path,
			     db->db ? sqlite3_errmsg(db->db) : "out of memory");
		goto fail;
	}
	sqlite3_busy_timeout(db->db, 30000);
	if (mode == VULNDB_WRITE && (rc = vdb_exec(db, "PRAGMA journal_mode=DELETE; PRAGMA synchronous=NORMAL;")) < 0)
		goto fail;
	if ((rc = vdb_exec(db, "PRAGMA cache_size=-65536; PRAGMA temp_store=MEMORY;")) < 0 || (rc = schema(db)) < 0)
		goto fail;
	*out = db;
	return 0;
fail:
	vulndb_close(db);
	return rc;
}

void vulndb_close(struct vulndb *db)
{
	int i;

	if (!db)
		return;
	for (i = 0; i < Q_COUNT; i++)
		sqlite3_finalize(db->stmt[i]);
	if (db->db)
		sqlite3_close(db->db);
	json_decref(db->eco_records);
	free(db->path);
	free(db);
}

const char *vulndb_file(const struct vulndb *db)
{
	return db->path;
}

/* Feed every row of sql into h, columns joined by tabs, rows ended by newlines, after a header line. */
static int digest_rows(struct vulndb *db, struct sha256 *h, const char *header, const char *sql)
{
	sqlite3_stmt *s = NULL;
	int rc = 0, i, n, step;

	if ((rc = sha256_update(h, header, strlen(header))) < 0)
		return rc;
	if (sqlite3_prepare_v2(db->db, sql, -1, &s, NULL) != SQLITE_OK)
		return vdb_error(db, "prepare digest");
	n = sqlite3_column_count(s);
	while ((step = sqlite3_step(s)) == SQLITE_ROW && rc == 0) {
		for (i = 0; i < n && rc == 0; i++) {
			const unsigned char *t = sqlite3_column_text(s, i);

			if (i)
				rc = sha256_update(h, "\t", 1);
			if (rc == 0 && t)
				rc = sha256_update(h, t, (size_t)sqlite3_column_bytes(s, i));
		}
		if (rc == 0)
			rc = sha256_update(h, "\n", 1);
	}
	if (rc == 0 && step != SQLITE_DONE)
		rc = vdb_error(db, "read for digest");
	sqlite3_finalize(s);
	return rc;
}

int vulndb_digest(struct vulndb *db, struct strbuf *out)
{
	static const struct {
		const char *header, *sql;
	} parts[] = {
		{ "vetter-vulndb-digest 1\nosv\n", "SELECT id, sha256 FROM osv ORDER BY id" },
		{ "withdrawn\n", "SELECT id, modified FROM tombstone ORDER BY id" },
		{ "cve\n", "SELECT id, sha256 FROM cve ORDER BY id" },
		{ "kev\n", "SELECT value FROM meta WHERE key IN ('kev_catalog_version', 'kev_date_released') ORDER BY key" },
		{ "", "SELECT cve, date_added, due_date, ransomware, vendor, product, name FROM kev ORDER BY cve" },
		{ "epss\n", "SELECT value FROM meta WHERE key IN ('epss_model_version', 'epss_score_date') ORDER BY key" },
		{ "", "SELECT cve, score, percentile FROM epss ORDER BY cve" },
	};
	unsigned char md[SHA256_LEN];
	struct sha256 *h = NULL;
	size_t i;
	int rc;

	if ((rc = sha256_new(&h)) < 0)
		return rc;
	for (i = 0; i < ARRAY_SIZE(parts) && rc == 0; i++)
		rc = digest_rows(db, h, parts[i].header, parts[i].sql);
	if (rc == 0 && (rc = sha256_final(h, md)) == 0)
		rc = strbuf_addhex(out, md, sizeof(md));
	sha256_free(h);
	return rc;
}

int vulndb_digest_stored(struct vulndb *db, struct strbuf *out)
{
	int rc = vdb_meta_get(db, "digest", out);

	return rc == ERR_NOTFOUND ? vulndb_digest(db, out) : rc;
}

int vdb_store_digest(struct vulndb *db)
{
	struct strbuf d = STRBUF_INIT;
	int rc;

	if ((rc = vulndb_digest(db, &d)) == 0)
		rc = vdb_meta_set(db, "digest", d.buf);
	strbuf_release(&d);
	return rc;
}

/* Rows of sql as an array of objects keyed by the column names; NULL columns left out. */
static int query_json(struct vulndb *db, const char *sql, const char *bind, json_t **out)
{
	sqlite3_stmt *s = NULL;
	json_t *arr = json_array();
	int rc = 0, i, step;

	*out = NULL;
	if (!arr)
		return err_set(ERR_NOMEM, "out of memory");
	if (sqlite3_prepare_v2(db->db, sql, -1, &s, NULL) != SQLITE_OK) {
		json_decref(arr);
		return vdb_error(db, "prepare");
	}
	if (bind)
		rc = vdb_bind_text(s, 1, bind);
	while (rc == 0 && (step = sqlite3_step(s)) == SQLITE_ROW) {
		json_t *row = json_object();

		if (!row || json_array_append_new(arr, row) < 0) {
			rc = err_set(ERR_NOMEM, "out of memory");
			break;
		}
		for (i = 0; i < sqlite3_column_count(s); i++) {
			int t = sqlite3_column_type(s, i);
			json_t *v = t == SQLITE_INTEGER ? json_integer(sqlite3_column_int64(s, i))
				    : t == SQLITE_NULL	    ? NULL
							    : json_string((const char *)sqlite3_column_text(s, i));

			if (v && json_object_set_new(row, sqlite3_column_name(s, i), v) < 0)
				rc = err_set(ERR_NOMEM, "out of memory");
		}
	}
	if (rc == 0 && step != SQLITE_DONE)
		rc = vdb_error(db, "query");
	sqlite3_finalize(s);
	if (rc < 0)
		json_decref(arr);
	else
		*out = arr;
	return rc;
}

/* The one integer (or text) of a single-row query, set into obj[key]. */
static int query_one(struct vulndb *db, const char *sql, json_t *obj, const char *key)
{
	json_t *rows;
	int rc;

	if ((rc = query_json(db, sql, NULL, &rows)) < 0)
		return rc;
	json_object_set(obj, key, json_object_iter_value(json_object_iter(json_array_get(rows, 0))));
	json_decref(rows);
	return 0;
}

static json_t *meta_obj(struct vulndb *db, const char *const *keys, const char *const *names, size_t n)
{
	struct strbuf v = STRBUF_INIT;
	json_t *o = json_object();
	size_t i;

	for (i = 0; i < n && o; i++) {
		strbuf_reset(&v);
		if (vdb_meta_get(db, keys[i], &v) == 0)
			json_object_set_new(o, names[i], strstr(names[i], "entries") ? json_integer(atoll(v.buf))
										: json_string(v.buf));
	}
	strbuf_release(&v);
	if (o && !json_object_size(o)) {
		json_decref(o);
		return json_null();
	}
	return o;
}

/* "2025-08-25T17:04:19Z" from epoch seconds. */
static json_t *iso_time(json_int_t t)
{
	char buf[32];
	time_t tt = (time_t)t;
	struct tm tm;

	if (!gmtime_r(&tt, &tm))
		return json_null();
	strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", &tm);
	return json_string(buf);
}

int vulndb_status(struct vulndb *db, json_t **out)
{
	static const char *const kev_keys[] = { "kev_catalog_version", "kev_date_released", "kev_entries" };
	static const char *const kev_names[] = { "catalog_version", "date_released", "entries" };
	static const char *const epss_keys[] = { "epss_model_version", "epss_score_date", "epss_entries" };
	static const char *const epss_names[] = { "model_version", "score_date", "entries" };
	struct strbuf digest = STRBUF_INIT;
	json_t *st = json_object(), *ecos = NULL, *e, *src = NULL;
	size_t i;
	int rc;

	*out = NULL;
	if (!st)
		return err_set(ERR_NOMEM, "out of memory");
	if ((rc = vulndb_digest(db, &digest)) < 0 ||
	    (rc = query_json(db, "SELECT ecosystem, records, newest FROM ecosystem ORDER BY ecosystem", NULL, &ecos)) < 0 ||
	    (rc = query_json(db, "SELECT kind, path, imported_at, summary FROM source ORDER BY kind, path", NULL, &src)) < 0)
		goto cleanup;
	json_array_foreach(ecos, i, e) {
		const char *name = jsonx_strz(e, "ecosystem"), *colon = strchr(name, ':');
		json_t *newest = json_object_get(e, "newest");

		json_object_set_new(e, "name", json_stringn(name, colon ? (size_t)(colon - name) : strlen(name)));
		json_object_set_new(e, "release", json_string(colon ? colon + 1 : ""));
		json_object_set_new(e, "newest_modified", json_is_integer(newest) ? iso_time(json_integer_value(newest))
										   : json_null());
		json_object_del(e, "newest");
	}
	jsonx_set_str(st, "path", db->path);
	json_object_set_new(st, "schema_version", json_integer(VULNDB_SCHEMA_VERSION));
	jsonx_set_str(st, "digest", digest.buf);
	json_object_set(st, "ecosystems", ecos);
	if ((rc = query_one(db, "SELECT COUNT(*) FROM osv", st, "records")) < 0 ||
	    (rc = query_one(db, "SELECT COUNT(*) FROM osv WHERE id NOT IN (SELECT id FROM affected)", st,
			    "records_without_package")) < 0 ||
	    (rc = query_one(db, "SELECT COUNT(*) FROM tombstone", st, "withdrawn_seen")) < 0 ||
	    (rc = query_one(db, "SELECT COUNT(*) FROM cve WHERE state='PUBLISHED'", st, "cve_records")) < 0 ||
	    (rc = query_one(db, "SELECT MAX(date_updated) FROM cve", st, "cve_newest_updated")) < 0)
		goto cleanup;
	if (!json_object_get(st, "cve_newest_updated"))
		json_object_set_new(st, "cve_newest_updated", json_null());
	json_object_set_new(st, "kev", meta_obj(db, kev_keys, kev_names, 3));
	json_object_set_new(st, "epss", meta_obj(db, epss_keys, epss_names, 3));
	json_object_set(st, "sources", src);
	*out = st;
	st = NULL;
cleanup:
	json_decref(st);
	json_decref(ecos);
	json_decref(src);
	strbuf_release(&digest);
	return rc;
}

int vulndb_ecosystems_in_use(struct vulndb *db, json_t **out)
{
	json_t *rows, *r, *names = json_array();
	size_t i, k;
	int rc;

	*out = NULL;
	if (!names)
		return err_set(ERR_NOMEM, "out of memory");
	if ((rc = query_json(db, "SELECT ecosystem FROM ecosystem ORDER BY ecosystem", NULL, &rows)) < 0) {
		json_decref(names);
		return rc;
	}
	json_array_foreach(rows, i, r) {
		const char *e = jsonx_strz(r, "ecosystem"), *colon = strchr(e, ':');
		size_t n = colon ? (size_t)(colon - e) : strlen(e);
		int dup = 0;

		for (k = 0; k < json_array_size(names) && !dup; k++) {
			const char *have = json_string_value(json_array_get(names, k));

			dup = strlen(have) == n && !strncmp(have, e, n);
		}
		if (!dup)
			json_array_append_new(names, json_stringn(e, n));
	}
	json_decref(rows);
	*out = names;
	return 0;
}

int vulndb_show(struct vulndb *db, const char *id, json_t **out)
{
	json_t *res = json_object(), *rows = NULL, *docs = json_array(), *r, *d, *x;
	size_t i;
	int rc;

	*out = NULL;
	if (!res || !docs) {
		json_decref(res);
		json_decref(docs);
		return err_set(ERR_NOMEM, "out of memory");
	}
	json_object_set_new(res, "osv", docs);
	if ((rc = query_json(db,
			     "SELECT doc FROM osv WHERE id=?1 OR id IN (SELECT id FROM alias WHERE alias=?1) ORDER BY id",
			     id, &rows)) < 0)
		goto cleanup;
	json_array_foreach(rows, i, r) {
		if (jsonx_parse(jsonx_strz(r, "doc"), strlen(jsonx_strz(r, "doc")), id, &d) == 0)
			json_array_append_new(docs, d);
	}
	json_decref(rows);
	if ((rc = query_json(db, "SELECT doc FROM cve WHERE id=?1", id, &rows)) < 0)
		goto cleanup;
	d = NULL;
	if (json_array_size(rows))
		jsonx_parse(jsonx_strz(json_array_get(rows, 0), "doc"), strlen(jsonx_strz(json_array_get(rows, 0), "doc")),
			    id, &d);
	json_object_set_new(res, "cve", d ? d : json_null());
	json_decref(rows);
	if ((rc = query_json(db, "SELECT date_added, due_date, ransomware, vendor, product, name FROM kev WHERE cve=?1", id,
			     &rows)) < 0)
		goto cleanup;
	x = json_array_get(rows, 0);
	json_object_set(res, "kev", x ? x : json_null());
	json_decref(rows);
	if ((rc = query_json(db, "SELECT score, percentile FROM epss WHERE cve=?1", id, &rows)) < 0)
		goto cleanup;
	x = json_array_get(rows, 0);
	json_object_set(res, "epss", x ? x : json_null());
	json_decref(rows);
	if (!json_array_size(docs) && json_is_null(json_object_get(res, "cve")) &&
	    json_is_null(json_object_get(res, "kev")) && json_is_null(json_object_get(res, "epss"))) {
		rc = err_set(ERR_NOTFOUND, "%s: not in the advisory database %s", id, db->path);
		goto cleanup;
	}
	*out = res;
	res = NULL;
cleanup:
	json_decref(res);
	return rc;
}
