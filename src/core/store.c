#include "store.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sqlite3.h>

#include "err.h"
#include "jsonx.h"

#define STORE_MAX_STMTS 64

struct stmt_slot {
	const char *sql;
	sqlite3_stmt *stmt;
};

struct store {
	sqlite3 *db;
	char *path;
	int txn_depth;
	struct stmt_slot stmts[STORE_MAX_STMTS];
	int nstmts;
};

/* Each migration takes the schema from version i to i+1. */
static const char *const migrations[] = {
	"CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);"
	"CREATE TABLE companies(id TEXT PRIMARY KEY, name TEXT NOT NULL, role TEXT NOT NULL);"
	"CREATE TABLE sources(id TEXT PRIMARY KEY, company TEXT NOT NULL REFERENCES companies(id),"
	" type TEXT NOT NULL, live INTEGER NOT NULL, status TEXT NOT NULL DEFAULT 'pending',"
	" error TEXT, info TEXT);"
	"CREATE TABLE evidence(seq INTEGER PRIMARY KEY, source TEXT, uri TEXT NOT NULL, kind TEXT NOT NULL,"
	" digest TEXT NOT NULL, size INTEGER NOT NULL, media_type TEXT, recorded_at TEXT NOT NULL,"
	" prev TEXT NOT NULL, hash TEXT NOT NULL);"
	"CREATE INDEX evidence_digest ON evidence(digest);"
	"CREATE TABLE assets(id INTEGER PRIMARY KEY, company TEXT NOT NULL REFERENCES companies(id),"
	" source TEXT, kind TEXT NOT NULL, key TEXT NOT NULL, name TEXT, doc TEXT NOT NULL,"
	" UNIQUE(company, kind, key));"
	"CREATE INDEX assets_source ON assets(source);"
	"CREATE INDEX assets_kind ON assets(kind);"
	"CREATE TABLE edges(src INTEGER NOT NULL REFERENCES assets(id) ON DELETE CASCADE,"
	" dst INTEGER NOT NULL REFERENCES assets(id) ON DELETE CASCADE, kind TEXT NOT NULL,"
	" PRIMARY KEY(src, dst, kind));"
	"CREATE INDEX edges_dst ON edges(dst);"
	"CREATE TABLE findings(id TEXT PRIMARY KEY, stage TEXT NOT NULL, company TEXT, kind TEXT NOT NULL,"
	" severity TEXT, status TEXT, doc TEXT NOT NULL);"
	"CREATE INDEX findings_stage ON findings(stage);"
	"CREATE TABLE stages(name TEXT PRIMARY KEY, status TEXT NOT NULL);"
	"CREATE TABLE cache(ns TEXT NOT NULL, key TEXT NOT NULL, value BLOB NOT NULL, PRIMARY KEY(ns, key));",
};

static int db_error(struct store *st, const char *what)
{
	int code = sqlite3_errcode(st->db);

	return err_set(code == SQLITE_FULL ? ERR_IO : code == SQLITE_CORRUPT || code == SQLITE_NOTADB ? ERR_INTEGRITY : ERR_IO,
		       "engagement store %s: %s: %s", st->path, what, sqlite3_errmsg(st->db));
}

static sqlite3_stmt *prep(struct store *st, const char *sql)
{
	int i;

	for (i = 0; i < st->nstmts; i++) {
		if (st->stmts[i].sql == sql) {
			sqlite3_reset(st->stmts[i].stmt);
			sqlite3_clear_bindings(st->stmts[i].stmt);
			return st->stmts[i].stmt;
		}
	}
	if (st->nstmts == STORE_MAX_STMTS) {
		err_set(ERR_LIMIT, "too many prepared statements");
		return NULL;
	}
	if (sqlite3_prepare_v2(st->db, sql, -1, &st->stmts[i].stmt, NULL) != SQLITE_OK) {
		db_error(st, "prepare");
		return NULL;
	}
	st->stmts[i].sql = sql;
	st->nstmts++;
	return st->stmts[i].stmt;
}

static int exec(struct store *st, const char *sql)
{
	char *msg = NULL;

	if (sqlite3_exec(st->db, sql, NULL, NULL, &msg) != SQLITE_OK) {
		err_set(ERR_IO, "engagement store %s: %s", st->path, msg ? msg : sqlite3_errmsg(st->db));
		sqlite3_free(msg);
		return ERR_IO;
	}
	return 0;
}

static int bind_text(sqlite3_stmt *s, int i, const char *v)
{
	return v ? sqlite3_bind_text(s, i, v, -1, SQLITE_TRANSIENT) : sqlite3_bind_null(s, i);
}

static const char *col_text(sqlite3_stmt *s, int i)
{
	return (const char *)sqlite3_column_text(s, i);
}

/* Run a statement that returns no rows. */
static int step_done(struct store *st, sqlite3_stmt *s, const char *what)
{
	int rc = sqlite3_step(s);

	sqlite3_reset(s);
	return rc != SQLITE_DONE ? db_error(st, what) : 0;
}

static int migrate(struct store *st)
{
	sqlite3_stmt *s = NULL;
	int version = 0, rc = 0;
	size_t i;

	if (sqlite3_prepare_v2(st->db, "PRAGMA user_version", -1, &s, NULL) != SQLITE_OK)
		return db_error(st, "read schema version");
	if (sqlite3_step(s) == SQLITE_ROW)
		version = sqlite3_column_int(s, 0);
	sqlite3_finalize(s);
	if (version > (int)(sizeof(migrations) / sizeof(migrations[0])))
		return err_set(ERR_UNSUPPORTED, "engagement store %s has schema version %d, newer than this vetter knows",
			       st->path, version);
	for (i = (size_t)version; i < sizeof(migrations) / sizeof(migrations[0]); i++) {
		char pragma[64];

		if ((rc = exec(st, "BEGIN IMMEDIATE")) < 0)
			return rc;
		snprintf(pragma, sizeof(pragma), "PRAGMA user_version=%zu", i + 1);
		if ((rc = exec(st, migrations[i])) < 0 || (rc = exec(st, pragma)) < 0) {
			exec(st, "ROLLBACK");
			return rc;
		}
		if ((rc = exec(st, "COMMIT")) < 0)
			return rc;
	}
	return 0;
}

int store_open(struct store **out, const char *path)
{
	struct store *st;
	int fd, rc;

	st = calloc(1, sizeof(*st));
	if (!st)
		return err_set(ERR_NOMEM, "out of memory");
	st->path = strdup(path);
	/* Create the file ourselves so it is 0600 from the first byte; SQLite
	 * gives its WAL and shm files the same mode. */
	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0) {
		rc = err_set(ERR_IO, "cannot open engagement store %s: %s", path, strerror(errno));
		goto fail;
	}
	fchmod(fd, 0600);
	close(fd);
	if (sqlite3_open_v2(path, &st->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_FULLMUTEX, NULL) != SQLITE_OK) {
		rc = db_error(st, "open");
		goto fail;
	}
	sqlite3_busy_timeout(st->db, 10000);
	if ((rc = exec(st, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
			   "PRAGMA secure_delete=ON;")) < 0 || (rc = migrate(st)) < 0)
		goto fail;
	*out = st;
	return 0;
fail:
	store_close(st);
	return rc;
}

void store_close(struct store *st)
{
	int i;

	if (!st)
		return;
	for (i = 0; i < st->nstmts; i++)
		sqlite3_finalize(st->stmts[i].stmt);
	if (st->db)
		sqlite3_close(st->db);
	free(st->path);
	free(st);
}

int store_begin(struct store *st)
{
	int rc = 0;

	if (st->txn_depth == 0 && (rc = exec(st, "BEGIN IMMEDIATE")) < 0)
		return rc;
	st->txn_depth++;
	return 0;
}

int store_commit(struct store *st)
{
	if (st->txn_depth == 0)
		return err_set(ERR_FAIL, "commit without a transaction");
	return --st->txn_depth == 0 ? exec(st, "COMMIT") : 0;
}

void store_rollback(struct store *st)
{
	if (st->txn_depth == 0)
		return;
	st->txn_depth = 0;
	exec(st, "ROLLBACK");
}

int store_meta_get(struct store *st, const char *key, struct strbuf *out)
{
	static const char sql[] = "SELECT value FROM meta WHERE key=?";
	sqlite3_stmt *s = prep(st, sql);
	int rc;

	if (!s)
		return ERR_IO;
	bind_text(s, 1, key);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		rc = strbuf_addstr(out, col_text(s, 0));
		sqlite3_reset(s);
		return rc;
	}
	sqlite3_reset(s);
	if (rc == SQLITE_DONE)
		return ERR_NOTFOUND;
	return db_error(st, "read meta");
}

int store_meta_set(struct store *st, const char *key, const char *value)
{
	static const char sql[] = "INSERT INTO meta(key, value) VALUES(?, ?) "
				  "ON CONFLICT(key) DO UPDATE SET value=excluded.value";
	sqlite3_stmt *s = prep(st, sql);

	if (!s)
		return ERR_IO;
	bind_text(s, 1, key);
	bind_text(s, 2, value);
	return step_done(st, s, "write meta");
}

int store_company_put(struct store *st, const char *id, const char *name, const char *role)
{
	static const char sql[] = "INSERT INTO companies(id, name, role) VALUES(?, ?, ?) "
				  "ON CONFLICT(id) DO UPDATE SET name=excluded.name, role=excluded.role";
	sqlite3_stmt *s = prep(st, sql);

	if (!s)
		return ERR_IO;
	bind_text(s, 1, id);
	bind_text(s, 2, name);
	bind_text(s, 3, role);
	return step_done(st, s, "write company");
}

int store_source_put(struct store *st, const char *id, const char *company, const char *type, int live,
		     const char *info_json)
{
	/* What the connector counted (info.coverage) belongs to its collection, not to the file: kept. */
	static const char sql[] = "INSERT INTO sources(id, company, type, live, info) VALUES(?, ?, ?, ?, ?) "
				  "ON CONFLICT(id) DO UPDATE SET company=excluded.company, type=excluded.type, "
				  "live=excluded.live, info=CASE WHEN json_type(sources.info, '$.coverage') IS NULL "
				  "THEN excluded.info ELSE json_set(excluded.info, '$.coverage', "
				  "json(json_extract(sources.info, '$.coverage'))) END";
	sqlite3_stmt *s = prep(st, sql);

	if (!s)
		return ERR_IO;
	bind_text(s, 1, id);
	bind_text(s, 2, company);
	bind_text(s, 3, type);
	sqlite3_bind_int(s, 4, live);
	bind_text(s, 5, info_json);
	return step_done(st, s, "write source");
}

int store_source_set_status(struct store *st, const char *id, const char *status, const char *error)
{
	static const char sql[] = "UPDATE sources SET status=?, error=? WHERE id=?";
	sqlite3_stmt *s = prep(st, sql);

	if (!s)
		return ERR_IO;
	bind_text(s, 1, status);
	bind_text(s, 2, error);
	bind_text(s, 3, id);
	return step_done(st, s, "write source status");
}

int store_source_status(struct store *st, const char *id, struct strbuf *status)
{
	static const char sql[] = "SELECT status FROM sources WHERE id=?";
	sqlite3_stmt *s = prep(st, sql);
	int rc;

	if (!s)
		return ERR_IO;
	bind_text(s, 1, id);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		rc = strbuf_addstr(status, col_text(s, 0));
		sqlite3_reset(s);
		return rc;
	}
	sqlite3_reset(s);
	return rc == SQLITE_DONE ? ERR_NOTFOUND : db_error(st, "read source status");
}

int store_source_foreach(struct store *st, store_source_cb cb, void *ctx)
{
	static const char sql[] = "SELECT id, company, type, live, status, error, info FROM sources ORDER BY company, id";
	sqlite3_stmt *s = prep(st, sql);
	int rc = 0, step;

	if (!s)
		return ERR_IO;
	while ((step = sqlite3_step(s)) == SQLITE_ROW) {
		rc = cb(ctx, col_text(s, 0), col_text(s, 1), col_text(s, 2), sqlite3_column_int(s, 3), col_text(s, 4),
			col_text(s, 5), col_text(s, 6));
		if (rc < 0)
			break;
	}
	if (rc == 0 && step != SQLITE_DONE)
		rc = db_error(st, "read sources");
	sqlite3_reset(s);
	return rc;
}

int store_evidence_append(struct store *st, const struct store_evidence_row *r)
{
	static const char sql[] = "INSERT INTO evidence(seq, source, uri, kind, digest, size, media_type, recorded_at,"
				  " prev, hash) VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
	sqlite3_stmt *s = prep(st, sql);

	if (!s)
		return ERR_IO;
	sqlite3_bind_int64(s, 1, r->seq);
	bind_text(s, 2, r->source);
	bind_text(s, 3, r->uri);
	bind_text(s, 4, r->kind);
	bind_text(s, 5, r->digest);
	sqlite3_bind_int64(s, 6, r->size);
	bind_text(s, 7, r->media_type);
	bind_text(s, 8, r->recorded_at);
	bind_text(s, 9, r->prev);
	bind_text(s, 10, r->hash);
	return step_done(st, s, "write evidence manifest");
}

int store_evidence_last(struct store *st, struct strbuf *hash, int64_t *seq)
{
	static const char sql[] = "SELECT hash, seq FROM evidence ORDER BY seq DESC LIMIT 1";
	sqlite3_stmt *s = prep(st, sql);
	int rc, step;

	if (!s)
		return ERR_IO;
	*seq = 0;
	step = sqlite3_step(s);
	if (step == SQLITE_ROW) {
		rc = strbuf_addstr(hash, col_text(s, 0));
		*seq = sqlite3_column_int64(s, 1);
	} else {
		rc = step == SQLITE_DONE ? 0 : db_error(st, "read evidence manifest");
	}
	sqlite3_reset(s);
	return rc;
}

int store_evidence_foreach(struct store *st, store_evidence_cb cb, void *ctx)
{
	static const char sql[] = "SELECT seq, source, uri, kind, digest, size, media_type, recorded_at, prev, hash "
				  "FROM evidence ORDER BY seq";
	sqlite3_stmt *s = prep(st, sql);
	struct store_evidence_row r;
	int rc = 0, step;

	if (!s)
		return ERR_IO;
	while ((step = sqlite3_step(s)) == SQLITE_ROW) {
		r.seq = sqlite3_column_int64(s, 0);
		r.source = col_text(s, 1);
		r.uri = col_text(s, 2);
		r.kind = col_text(s, 3);
		r.digest = col_text(s, 4);
		r.size = sqlite3_column_int64(s, 5);
		r.media_type = col_text(s, 6);
		r.recorded_at = col_text(s, 7);
		r.prev = col_text(s, 8);
		r.hash = col_text(s, 9);
		if ((rc = cb(ctx, &r)) < 0)
			break;
	}
	if (rc == 0 && step != SQLITE_DONE)
		rc = db_error(st, "read evidence manifest");
	sqlite3_reset(s);
	return rc;
}

int store_evidence_has(struct store *st, const char *source, const char *uri, const char *digest)
{
	static const char sql[] = "SELECT 1 FROM evidence WHERE digest=?1 AND (?2 IS NULL OR source IS ?2) "
				  "AND (?3 IS NULL OR uri=?3) LIMIT 1";
	sqlite3_stmt *s = prep(st, sql);
	int found;

	if (!s)
		return ERR_IO;
	bind_text(s, 1, digest);
	bind_text(s, 2, source);
	bind_text(s, 3, uri);
	found = sqlite3_step(s) == SQLITE_ROW;
	sqlite3_reset(s);
	return found;
}

int store_asset_put(struct store *st, const char *company, const char *source, const char *kind, const char *key,
		    const char *name, const json_t *doc, int64_t *id_out)
{
	static const char sql[] = "INSERT INTO assets(company, source, kind, key, name, doc) VALUES(?, ?, ?, ?, ?, ?) "
				  "ON CONFLICT(company, kind, key) DO UPDATE SET source=excluded.source, "
				  "name=excluded.name, doc=excluded.doc RETURNING id";
	struct strbuf text = STRBUF_INIT;
	sqlite3_stmt *s;
	int rc;

	if ((rc = jsonx_dump_canonical(&text, doc)) < 0)
		return rc;
	s = prep(st, sql);
	if (!s) {
		strbuf_release(&text);
		return ERR_IO;
	}
	bind_text(s, 1, company);
	bind_text(s, 2, source);
	bind_text(s, 3, kind);
	bind_text(s, 4, key);
	bind_text(s, 5, name);
	sqlite3_bind_text(s, 6, text.buf, (int)text.len, SQLITE_TRANSIENT);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		if (id_out)
			*id_out = sqlite3_column_int64(s, 0);
		rc = 0;
	} else {
		rc = db_error(st, "write asset");
	}
	sqlite3_reset(s);
	strbuf_release(&text);
	return rc;
}

int store_asset_find(struct store *st, const char *company, const char *kind, const char *key, int64_t *id_out)
{
	static const char sql[] = "SELECT id FROM assets WHERE company=? AND kind=? AND key=?";
	sqlite3_stmt *s = prep(st, sql);
	int rc;

	if (!s)
		return ERR_IO;
	bind_text(s, 1, company);
	bind_text(s, 2, kind);
	bind_text(s, 3, key);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		*id_out = sqlite3_column_int64(s, 0);
		rc = 0;
	} else {
		rc = rc == SQLITE_DONE ? ERR_NOTFOUND : db_error(st, "read asset");
	}
	sqlite3_reset(s);
	return rc;
}

static int asset_rows(struct store *st, sqlite3_stmt *s, store_asset_cb cb, void *ctx)
{
	struct store_asset a;
	json_t *doc;
	int rc = 0, step;

	while ((step = sqlite3_step(s)) == SQLITE_ROW) {
		a.id = sqlite3_column_int64(s, 0);
		a.company = col_text(s, 1);
		a.source = col_text(s, 2);
		a.kind = col_text(s, 3);
		a.key = col_text(s, 4);
		a.name = col_text(s, 5);
		doc = json_loadb((const char *)sqlite3_column_blob(s, 6), (size_t)sqlite3_column_bytes(s, 6), 0, NULL);
		if (!doc) {
			rc = err_set(ERR_INTEGRITY, "engagement store %s: asset %lld has an unreadable document", st->path,
				     (long long)a.id);
			break;
		}
		a.doc = doc;
		rc = cb(ctx, &a);
		json_decref(doc);
		if (rc < 0)
			break;
	}
	if (rc == 0 && step != SQLITE_DONE)
		rc = db_error(st, "read assets");
	sqlite3_reset(s);
	return rc;
}

int store_asset_foreach(struct store *st, const char *company, const char *kind, store_asset_cb cb, void *ctx)
{
	static const char sql[] = "SELECT id, company, source, kind, key, name, doc FROM assets "
				  "WHERE (?1 IS NULL OR company=?1) AND (?2 IS NULL OR kind=?2) ORDER BY company, kind, key";
	sqlite3_stmt *s = prep(st, sql);

	if (!s)
		return ERR_IO;
	bind_text(s, 1, company);
	bind_text(s, 2, kind);
	return asset_rows(st, s, cb, ctx);
}

int store_asset_get(struct store *st, int64_t id, store_asset_cb cb, void *ctx)
{
	static const char sql[] = "SELECT id, company, source, kind, key, name, doc FROM assets WHERE id=?";
	sqlite3_stmt *s = prep(st, sql);

	if (!s)
		return ERR_IO;
	sqlite3_bind_int64(s, 1, id);
	return asset_rows(st, s, cb, ctx);
}

int store_source_clear(struct store *st, const char *source)
{
	static const char sql[] = "DELETE FROM assets WHERE source=?";
	static const char cov[] = "UPDATE sources SET info=json_remove(info, '$.coverage') WHERE id=? AND info IS NOT NULL";
	sqlite3_stmt *s = prep(st, sql);
	int rc;

	if (!s)
		return ERR_IO;
	bind_text(s, 1, source);
	if ((rc = step_done(st, s, "clear source assets")) < 0)
		return rc;
	if (!(s = prep(st, cov)))
		return ERR_IO;
	bind_text(s, 1, source);
	return step_done(st, s, "clear source coverage");
}

int store_source_set_coverage(struct store *st, const char *id, const char *coverage_json)
{
	static const char sql[] = "UPDATE sources SET info=json_set(COALESCE(info, '{}'), '$.coverage', json(?)) WHERE id=?";
	sqlite3_stmt *s = prep(st, sql);

	if (!s)
		return ERR_IO;
	bind_text(s, 1, coverage_json);
	bind_text(s, 2, id);
	return step_done(st, s, "write source coverage");
}

int store_edge_put(struct store *st, int64_t from, int64_t to, const char *kind)
{
	static const char sql[] = "INSERT OR IGNORE INTO edges(src, dst, kind) VALUES(?, ?, ?)";
	sqlite3_stmt *s = prep(st, sql);

	if (!s)
		return ERR_IO;
	sqlite3_bind_int64(s, 1, from);
	sqlite3_bind_int64(s, 2, to);
	bind_text(s, 3, kind);
	return step_done(st, s, "write edge");
}

int store_edge_foreach(struct store *st, int64_t from, int64_t to, const char *kind, store_edge_cb cb, void *ctx)
{
	static const char sql[] = "SELECT src, dst, kind FROM edges WHERE (?1 = 0 OR src=?1) AND (?2 = 0 OR dst=?2) "
				  "AND (?3 IS NULL OR kind=?3) ORDER BY src, dst, kind";
	sqlite3_stmt *s = prep(st, sql);
	int rc = 0, step;

	if (!s)
		return ERR_IO;
	sqlite3_bind_int64(s, 1, from);
	sqlite3_bind_int64(s, 2, to);
	bind_text(s, 3, kind);
	while ((step = sqlite3_step(s)) == SQLITE_ROW) {
		rc = cb(ctx, sqlite3_column_int64(s, 0), sqlite3_column_int64(s, 1), col_text(s, 2));
		if (rc < 0)
			break;
	}
	if (rc == 0 && step != SQLITE_DONE)
		rc = db_error(st, "read edges");
	sqlite3_reset(s);
	return rc;
}

int store_finding_put(struct store *st, const char *stage, const json_t *f)
{
	static const char sql[] = "INSERT INTO findings(id, stage, company, kind, severity, status, doc) "
				  "VALUES(?, ?, ?, ?, ?, ?, ?) ON CONFLICT(id) DO UPDATE SET stage=excluded.stage, "
				  "company=excluded.company, kind=excluded.kind, severity=excluded.severity, "
				  "status=excluded.status, doc=excluded.doc";
	struct strbuf text = STRBUF_INIT;
	sqlite3_stmt *s;
	int rc;

	if (!jsonx_str(f, "id") || !jsonx_str(f, "kind"))
		return err_set(ERR_INVALID, "a finding needs an id and a kind");
	if ((rc = jsonx_dump_canonical(&text, f)) < 0)
		return rc;
	s = prep(st, sql);
	if (!s) {
		strbuf_release(&text);
		return ERR_IO;
	}
	bind_text(s, 1, jsonx_str(f, "id"));
	bind_text(s, 2, stage);
	bind_text(s, 3, jsonx_str(f, "company"));
	bind_text(s, 4, jsonx_str(f, "kind"));
	bind_text(s, 5, jsonx_str(f, "severity"));
	bind_text(s, 6, jsonx_str(f, "status"));
	sqlite3_bind_text(s, 7, text.buf, (int)text.len, SQLITE_TRANSIENT);
	rc = step_done(st, s, "write finding");
	strbuf_release(&text);
	return rc;
}

int store_findings_clear(struct store *st, const char *stage)
{
	static const char sql[] = "DELETE FROM findings WHERE stage=?";
	sqlite3_stmt *s = prep(st, sql);

	if (!s)
		return ERR_IO;
	bind_text(s, 1, stage);
	return step_done(st, s, "clear findings");
}

int store_finding_update(struct store *st, const char *id, const json_t *f)
{
	static const char sql[] = "UPDATE findings SET status=?, severity=?, doc=? WHERE id=?";
	struct strbuf text = STRBUF_INIT;
	sqlite3_stmt *s;
	int rc;

	if ((rc = jsonx_dump_canonical(&text, f)) < 0)
		return rc;
	s = prep(st, sql);
	if (!s) {
		strbuf_release(&text);
		return ERR_IO;
	}
	bind_text(s, 1, jsonx_str(f, "status"));
	bind_text(s, 2, jsonx_str(f, "severity"));
	sqlite3_bind_text(s, 3, text.buf, (int)text.len, SQLITE_TRANSIENT);
	bind_text(s, 4, id);
	rc = step_done(st, s, "update finding");
	strbuf_release(&text);
	return rc;
}

static int finding_foreach(struct store *st, const char *company, int all, store_finding_cb cb, void *ctx)
{
	static const char sql[] = "SELECT doc FROM findings WHERE (?1 IS NULL OR company=?1) AND "
				  "(?2 OR json_extract(doc, '$.merged_into') IS NULL) ORDER BY id";
	sqlite3_stmt *s = prep(st, sql);
	json_t *doc;
	int rc = 0, step;

	if (!s)
		return ERR_IO;
	bind_text(s, 1, company);
	sqlite3_bind_int(s, 2, all);
	while ((step = sqlite3_step(s)) == SQLITE_ROW) {
		if (!(doc = json_loadb((const char *)sqlite3_column_blob(s, 0), (size_t)sqlite3_column_bytes(s, 0), 0, NULL))) {
			rc = err_set(ERR_INTEGRITY, "engagement store %s: a finding has an unreadable document", st->path);
			break;
		}
		rc = cb(ctx, doc);
		json_decref(doc);
		if (rc < 0)
			break;
	}
	if (rc == 0 && step != SQLITE_DONE)
		rc = db_error(st, "read findings");
	sqlite3_reset(s);
	return rc;
}

int store_finding_foreach(struct store *st, const char *company, store_finding_cb cb, void *ctx)
{
	return finding_foreach(st, company, 0, cb, ctx);
}

int store_finding_foreach_all(struct store *st, const char *company, store_finding_cb cb, void *ctx)
{
	return finding_foreach(st, company, 1, cb, ctx);
}

int store_finding_count(struct store *st, const char *stage, int64_t *count)
{
	static const char sql[] = "SELECT COUNT(*) FROM findings WHERE (?1 IS NULL OR stage=?1)";
	sqlite3_stmt *s = prep(st, sql);
	int rc = 0;

	if (!s)
		return ERR_IO;
	bind_text(s, 1, stage);
	if (sqlite3_step(s) == SQLITE_ROW)
		*count = sqlite3_column_int64(s, 0);
	else
		rc = db_error(st, "count findings");
	sqlite3_reset(s);
	return rc;
}

int store_stage_get(struct store *st, const char *stage, struct strbuf *status)
{
	static const char sql[] = "SELECT status FROM stages WHERE name=?";
	sqlite3_stmt *s = prep(st, sql);
	int rc;

	if (!s)
		return ERR_IO;
	bind_text(s, 1, stage);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW)
		rc = strbuf_addstr(status, col_text(s, 0));
	else if (rc == SQLITE_DONE)
		rc = strbuf_addstr(status, "pending");
	else
		rc = db_error(st, "read stage");
	sqlite3_reset(s);
	return rc;
}

int store_stage_set(struct store *st, const char *stage, const char *status)
{
	static const char sql[] = "INSERT INTO stages(name, status) VALUES(?, ?) "
				  "ON CONFLICT(name) DO UPDATE SET status=excluded.status";
	sqlite3_stmt *s = prep(st, sql);

	if (!s)
		return ERR_IO;
	bind_text(s, 1, stage);
	bind_text(s, 2, status);
	return step_done(st, s, "write stage");
}

int store_stages_reset(struct store *st)
{
	return exec(st, "DELETE FROM stages; UPDATE sources SET status='pending', error=NULL;");
}

int store_cache_get(struct store *st, const char *ns, const char *key, struct strbuf *out)
{
	static const char sql[] = "SELECT value FROM cache WHERE ns=? AND key=?";
	sqlite3_stmt *s = prep(st, sql);
	int rc;

	if (!s)
		return ERR_IO;
	bind_text(s, 1, ns);
	bind_text(s, 2, key);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW)
		rc = strbuf_add(out, sqlite3_column_blob(s, 0), (size_t)sqlite3_column_bytes(s, 0));
	else
		rc = rc == SQLITE_DONE ? ERR_NOTFOUND : db_error(st, "read cache");
	sqlite3_reset(s);
	return rc;
}

int store_cache_put(struct store *st, const char *ns, const char *key, const void *data, size_t len)
{
	static const char sql[] = "INSERT INTO cache(ns, key, value) VALUES(?, ?, ?) "
				  "ON CONFLICT(ns, key) DO UPDATE SET value=excluded.value";
	sqlite3_stmt *s = prep(st, sql);

	if (!s)
		return ERR_IO;
	bind_text(s, 1, ns);
	bind_text(s, 2, key);
	sqlite3_bind_blob(s, 3, data, (int)len, SQLITE_TRANSIENT);
	return step_done(st, s, "write cache");
}
