/*
 * pkgdb_rpm: format detection, the SQLite database, and where rpm databases
 * live.  NDB and Berkeley DB are in rpm_ndb.c and rpm_bdb.c, the header blob
 * in rpm_header.c.
 */
#include "pkgdb_rpm.h"

#include <string.h>

#include <sqlite3.h>

#include "core/err.h"

static const char sqlite_magic[16] = "SQLite format 3";

static int sqlite_fail(sqlite3 *db, const char *path, const char *what)
{
	int code = db ? sqlite3_errcode(db) : SQLITE_NOMEM;

	if (code == SQLITE_NOMEM)
		return err_set(ERR_NOMEM, "%s: out of memory reading the rpm database", path);
	return err_set(ERR_PARSE, "%s: %s: %s", path, what, db ? sqlite3_errmsg(db) : "no database");
}

int pkgdb_rpm_sqlite(struct pkg_list *out, const char *path, const char *buf, size_t len)
{
	struct pkg_list tmp = { NULL, 0, 0 };
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	unsigned char *copy = NULL;
	const char *type;
	int rc = 0, s;

	if (len < 100 || memcmp(buf, sqlite_magic, sizeof(sqlite_magic)))
		return err_set(ERR_PARSE, "%s: not an SQLite database", path);
	/*
	 * rpm keeps its database in WAL mode (header bytes 18 and 19 are 2),
	 * which an in-memory database cannot open: it has no -shm file.  The
	 * copy is marked as a rollback-journal database instead.  A -wal file
	 * beside it in the image is not read; rpm checkpoints it on close.
	 */
	copy = sqlite3_malloc64(len);
	if (!copy)
		return err_set(ERR_NOMEM, "%s: out of memory", path);
	memcpy(copy, buf, len);
	if (copy[18] == 2)
		copy[18] = 1;
	if (copy[19] == 2)
		copy[19] = 1;
	if (sqlite3_open_v2(":memory:", &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_MEMORY, NULL) != SQLITE_OK) {
		sqlite3_free(copy);
		rc = sqlite_fail(db, path, "opening an in-memory database");
		goto cleanup;
	}
	/* With FREEONCLOSE the copy belongs to SQLite from here, even on failure. */
	s = sqlite3_deserialize(db, "main", copy, (sqlite3_int64)len, (sqlite3_int64)len,
				SQLITE_DESERIALIZE_FREEONCLOSE | SQLITE_DESERIALIZE_READONLY);
	copy = NULL;
	if (s != SQLITE_OK) {
		rc = sqlite_fail(db, path, "loading the database");
		goto cleanup;
	}
	/* The schema comes from the image: run no function or view it defines. */
	sqlite3_db_config(db, SQLITE_DBCONFIG_DEFENSIVE, 1, NULL);
	sqlite3_db_config(db, SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0, NULL);
	if (sqlite3_prepare_v2(db, "SELECT type FROM sqlite_master WHERE name = 'Packages'", -1, &st, NULL) != SQLITE_OK) {
		rc = sqlite_fail(db, path, "reading the schema");
		goto cleanup;
	}
	s = sqlite3_step(st);
	if (s != SQLITE_ROW && s != SQLITE_DONE) {
		rc = sqlite_fail(db, path, "reading the schema");
		goto cleanup;
	}
	type = s == SQLITE_ROW ? (const char *)sqlite3_column_text(st, 0) : NULL;
	if (!type || strcmp(type, "table")) {
		rc = err_set(ERR_PARSE, "%s: no Packages table: not an rpm database", path);
		goto cleanup;
	}
	sqlite3_finalize(st);
	st = NULL;
	if (sqlite3_prepare_v2(db, "SELECT hnum, blob FROM Packages", -1, &st, NULL) != SQLITE_OK) {
		rc = sqlite_fail(db, path, "reading the Packages table");
		goto cleanup;
	}
	while ((s = sqlite3_step(st)) == SQLITE_ROW) {
		const unsigned char *blob = sqlite3_column_blob(st, 1);
		int n = sqlite3_column_bytes(st, 1);

		if ((rc = rpmdb_add_blob(&tmp, path, (unsigned long)sqlite3_column_int64(st, 0),
					 blob ? blob : (const unsigned char *)"", (size_t)(n > 0 ? n : 0))) < 0)
			goto cleanup;
	}
	if (s != SQLITE_DONE) {
		rc = sqlite_fail(db, path, "reading the Packages table");
		goto cleanup;
	}
	rc = (int)tmp.n;
	if (pkg_list_take(out, &tmp) < 0)
		rc = ERR_NOMEM;

cleanup:
	sqlite3_finalize(st);
	sqlite3_close(db);
	pkg_list_release(&tmp);
	return rc;
}

int pkgdb_rpm(struct pkg_list *out, const char *path, const char *buf, size_t len)
{
	const unsigned char *b = (const unsigned char *)buf;

	if (len >= sizeof(sqlite_magic) && !memcmp(buf, sqlite_magic, sizeof(sqlite_magic)))
		return pkgdb_rpm_sqlite(out, path, buf, len);
	if (len >= 4 && !memcmp(buf, "RpmP", 4))
		return pkgdb_rpm_ndb(out, path, buf, len);
	if (len >= 16 && ((b[12] == 0x61 && b[13] == 0x15 && b[14] == 0x06 && b[15] == 0) ||
			  (b[12] == 0 && b[13] == 0x06 && b[14] == 0x15 && b[15] == 0x61)))
		return pkgdb_rpm_bdb(out, path, buf, len);
	return err_set(ERR_PARSE, "%s: not an rpm database (no SQLite, NDB or Berkeley DB hash magic)", path);
}

int pkgdb_rpm_files(const char *path, const char *buf, size_t len, rpm_file_fn fn, void *ctx)
{
	struct pkg_list tmp = { NULL, 0, 0 };
	int rc;

	rpmdb_collect_files(fn, ctx);
	rc = pkgdb_rpm(&tmp, path, buf, len);
	rpmdb_collect_files(NULL, NULL);
	pkg_list_release(&tmp);
	return rc < 0 ? rc : 0;
}

int pkgdb_rpm_is_db_path(const char *path)
{
	static const char *const dirs[] = { "var/lib/rpm/", "usr/lib/sysimage/rpm/" };
	static const char *const files[] = { "Packages", "Packages.db", "rpmdb.sqlite" };
	size_t d, f, n;

	while (*path == '/' || (path[0] == '.' && path[1] == '/'))
		path += *path == '/' ? 1 : 2;
	for (d = 0; d < 2; d++) {
		n = strlen(dirs[d]);
		if (strncmp(path, dirs[d], n))
			continue;
		for (f = 0; f < 3; f++)
			if (!strcmp(path + n, files[f]))
				return 1;
	}
	return 0;
}
