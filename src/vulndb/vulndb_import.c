/*
 * vulndb_import: OSV and CVE JSON 5 records into the advisory database,
 * from a file, a folder or a zip archive.
 *
 * Which version of a record is kept does not depend on the order of the
 * imports: the newest by modification time wins (ties: the larger SHA-256
 * of the canonical JSON), and an OSV withdrawal leaves a tombstone so that
 * an older copy imported afterwards stays out.  That is what makes the
 * digest the same for any order of the same inputs.
 */
#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include <archive.h>
#include <archive_entry.h>

#include "core/crypto.h"
#include "core/err.h"
#include "core/jsonx.h"
#include "core/util.h"
#include "cve5.h"
#include "osv.h"
#include "vulndb_int.h"

#define WALK_MAX_DEPTH 16
#define WALK_MAX_FILES ((size_t)10 * 1000 * 1000)

/* One JSON document of an input: where names it in messages. */
typedef int (*item_fn)(void *ctx, const char *where, const char *buf, size_t len);

struct walk {
	item_fn fn;
	void *ctx;
	size_t limit; /* bytes of one document */
	const struct vulndb_import_opts *opt;
	struct vulndb_import_stats *st;
	size_t files;
};

static int cmp_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int one_file(struct walk *w, const char *path)
{
	struct strbuf buf = STRBUF_INIT;
	int rc;

	strbuf_init(&buf, w->limit);
	rc = strbuf_read_file(&buf, path);
	if (rc == ERR_LIMIT) {
		char why[64];

		snprintf(why, sizeof(why), "larger than %zu bytes", w->limit);
		vdb_refuse(w->opt, w->st, path, why);
		rc = 0;
	} else if (rc == 0) {
		rc = w->fn(w->ctx, path, buf.buf, buf.len);
	}
	strbuf_release(&buf);
	return rc;
}

/* Every *.json below dir, in name order, symlinks not followed. */
static int walk_dir(struct walk *w, const char *dir, int depth)
{
	struct strbuf path = STRBUF_INIT;
	char **names = NULL;
	size_t n = 0, cap = 0, i;
	struct dirent *de;
	struct stat sb;
	DIR *d;
	int rc = 0;

	if (depth > WALK_MAX_DEPTH)
		return err_set(ERR_LIMIT, "%s: folders nested more than %d deep", dir, WALK_MAX_DEPTH);
	if (!(d = opendir(dir)))
		return err_set(ERR_IO, "cannot read folder %s", dir);
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		if (n == cap) {
			char **nn = realloc(names, (cap = cap ? cap * 2 : 64) * sizeof(*names));

			if (!nn) {
				rc = err_set(ERR_NOMEM, "out of memory");
				break;
			}
			names = nn;
		}
		if (!(names[n] = strdup(de->d_name))) {
			rc = err_set(ERR_NOMEM, "out of memory");
			break;
		}
		n++;
	}
	closedir(d);
	if (rc == 0 && n)
		qsort(names, n, sizeof(*names), cmp_name);
	for (i = 0; i < n && rc == 0; i++) {
		strbuf_reset(&path);
		if ((rc = util_path_join(&path, dir, names[i])) < 0)
			break;
		if (lstat(path.buf, &sb) < 0)
			continue;
		if (S_ISDIR(sb.st_mode)) {
			rc = walk_dir(w, path.buf, depth + 1);
		} else if (S_ISREG(sb.st_mode) && util_has_suffix(names[i], ".json")) {
			if (++w->files > WALK_MAX_FILES)
				rc = err_set(ERR_LIMIT, "%s: more than %zu files", dir, WALK_MAX_FILES);
			else
				rc = one_file(w, path.buf);
		}
	}
	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
	strbuf_release(&path);
	return rc;
}

/* Every *.json member of a zip, streamed from the file by libarchive. */
static int walk_zip(struct walk *w, const char *path)
{
	struct strbuf buf = STRBUF_INIT, where = STRBUF_INIT;
	struct archive *a = archive_read_new();
	struct archive_entry *e;
	const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
	char chunk[65536];
	int rc = 0, r;

	if (!a)
		return err_set(ERR_NOMEM, "out of memory");
	archive_read_support_format_zip(a);
	if (archive_read_open_filename(a, path, 65536) != ARCHIVE_OK) {
		rc = err_set(ERR_IO, "%s: %s", path, archive_error_string(a));
		goto cleanup;
	}
	strbuf_init(&buf, w->limit);
	while ((r = archive_read_next_header(a, &e)) == ARCHIVE_OK) {
		const char *name = archive_entry_pathname(e);
		ssize_t got;

		if (archive_entry_filetype(e) != AE_IFREG || !name || !util_has_suffix(name, ".json"))
			continue;
		if (++w->files > WALK_MAX_FILES) {
			rc = err_set(ERR_LIMIT, "%s: more than %zu members", path, WALK_MAX_FILES);
			goto cleanup;
		}
		strbuf_reset(&where);
		strbuf_reset(&buf);
		if ((rc = strbuf_addf(&where, "%s:%.200s", base, name)) < 0)
			goto cleanup;
		while ((got = archive_read_data(a, chunk, sizeof(chunk))) > 0 && rc == 0)
			rc = strbuf_add(&buf, chunk, (size_t)got);
		if (rc == ERR_LIMIT) {
			char why[64];

			snprintf(why, sizeof(why), "larger than %zu bytes", w->limit);
			vdb_refuse(w->opt, w->st, where.buf, why);
			rc = 0;
			continue;
		}
		if (rc < 0)
			goto cleanup;
		if (got < 0) {
			rc = err_set(ERR_IO, "%s: %s", where.buf, archive_error_string(a));
			goto cleanup;
		}
		if ((rc = w->fn(w->ctx, where.buf, buf.buf, buf.len)) < 0)
			goto cleanup;
	}
	if (r != ARCHIVE_EOF)
		rc = err_set(ERR_IO, "%s: %s", path, archive_error_string(a));
cleanup:
	archive_read_free(a);
	strbuf_release(&buf);
	strbuf_release(&where);
	return rc;
}

static int is_zip(const char *path)
{
	unsigned char magic[4] = { 0 };
	FILE *f;
	size_t n;

	if (util_has_suffix(path, ".zip") || util_has_suffix(path, ".ZIP"))
		return 1;
	if (!(f = fopen(path, "rb")))
		return 0;
	n = fread(magic, 1, 4, f);
	fclose(f);
	return n == 4 && magic[0] == 'P' && magic[1] == 'K' && magic[2] == 3 && magic[3] == 4;
}

static int walk_input(struct walk *w, const char *path)
{
	struct stat sb;

	if (stat(path, &sb) < 0)
		return err_set(ERR_NOTFOUND, "%s: no such file or folder", path);
	if (S_ISDIR(sb.st_mode))
		return walk_dir(w, path, 0);
	if (!S_ISREG(sb.st_mode))
		return err_set(ERR_INVALID, "%s: not a file or folder", path);
	return is_zip(path) ? walk_zip(w, path) : one_file(w, path);
}

/* ---- OSV ---- */

struct osv_ctx {
	struct vulndb *db;
	const struct vulndb_import_opts *opt;
	struct vulndb_import_stats *st;
	struct strbuf canon;
};

static int osv_delete(struct vulndb *db, const char *id)
{
	static const enum vdb_stmt dels[] = { Q_OSV_DEL, Q_AFF_DEL, Q_ALIAS_DEL };
	sqlite3_stmt *s;
	size_t i;
	int rc;

	for (i = 0; i < ARRAY_SIZE(dels); i++)
		if ((rc = vdb_stmt(db, dels[i], &s)) < 0 || (rc = vdb_bind_text(s, 1, id)) < 0 ||
		    (rc = vdb_step_done(db, s, "delete record")) < 0)
			return rc;
	return 0;
}

static int osv_insert(struct vulndb *db, const struct osv_record *r, const char *sha, const char *origin,
		      const char *doc)
{
	static const char *const lists[] = { "aliases", "upstream", "related" };
	static const char *const kinds[] = { "alias", "upstream", "related" };
	struct strbuf facts = STRBUF_INIT;
	const char *summary = jsonx_str(r->doc, "summary");
	sqlite3_stmt *s;
	json_t *v;
	size_t i, k;
	int rc;

	if ((rc = osv_facts(r, &facts)) < 0 || (rc = vdb_stmt(db, Q_OSV_PUT, &s)) < 0)
		goto cleanup;
	if ((rc = vdb_bind_text(s, 1, r->id)) < 0 || (rc = vdb_bind_text(s, 2, r->modified)) < 0 ||
	    (rc = vdb_bind_int(s, 3, r->modified_epoch)) < 0 || (rc = vdb_bind_text(s, 4, r->published)) < 0 ||
	    (rc = vdb_bind_text(s, 5, r->withdrawn)) < 0 || (rc = vdb_bind_int(s, 6, r->withdrawn_epoch)) < 0 ||
	    (rc = vdb_bind_text(s, 7, summary ? summary : "")) < 0 || (rc = vdb_bind_text(s, 8, sha)) < 0 ||
	    (rc = vdb_bind_text(s, 9, origin)) < 0 || (rc = vdb_bind_text(s, 10, doc)) < 0 ||
	    (rc = vdb_step_done(db, s, "store record")) < 0)
		goto cleanup;
	for (i = 0; i < r->naffected; i++) {
		const struct osv_affected *a = &r->affected[i];

		if (!a->ecosystem)
			continue;
		if ((rc = vdb_stmt(db, Q_AFF_PUT, &s)) < 0 || (rc = vdb_bind_text(s, 1, r->id)) < 0 ||
		    (rc = vdb_bind_text(s, 2, a->ecosystem)) < 0 || (rc = vdb_bind_text(s, 3, a->key)) < 0 ||
		    (rc = vdb_bind_text(s, 4, a->name)) < 0 || (rc = vdb_bind_text(s, 5, a->ranges)) < 0 ||
		    (rc = vdb_bind_int(s, 6, r->withdrawn_epoch)) < 0 || (rc = vdb_bind_int(s, 7, (int64_t)i)) < 0 ||
		    (rc = vdb_bind_text(s, 8, facts.buf)) < 0 || (rc = vdb_step_done(db, s, "store affected package")) < 0)
			goto cleanup;
	}
	for (k = 0; k < ARRAY_SIZE(lists); k++) {
		json_array_foreach(json_object_get(r->doc, lists[k]), i, v) {
			if ((rc = vdb_stmt(db, Q_ALIAS_PUT, &s)) < 0 || (rc = vdb_bind_text(s, 1, json_string_value(v))) < 0 ||
			    (rc = vdb_bind_text(s, 2, r->id)) < 0 || (rc = vdb_bind_text(s, 3, kinds[k])) < 0 ||
			    (rc = vdb_step_done(db, s, "store alias")) < 0)
				goto cleanup;
		}
	}
cleanup:
	strbuf_release(&facts);
	return rc;
}

/* Stored version of id: 1 and its modified time and sha (tombstones: modified); 0 when none. */
static int stored_version(struct vulndb *db, enum vdb_stmt q, const char *id, int64_t *epoch, struct strbuf *sha)
{
	sqlite3_stmt *s;
	int rc, step;

	if ((rc = vdb_stmt(db, q, &s)) < 0 || (rc = vdb_bind_text(s, 1, id)) < 0)
		return rc;
	step = sqlite3_step(s);
	if (step == SQLITE_ROW) {
		*epoch = sqlite3_column_int64(s, 0);
		strbuf_reset(sha);
		rc = strbuf_addstr(sha, (const char *)sqlite3_column_text(s, 1));
		rc = rc < 0 ? rc : 1;
	} else if (step != SQLITE_DONE) {
		rc = vdb_error(db, "read record");
	}
	sqlite3_reset(s);
	return rc;
}

static int osv_item(void *vctx, const char *where, const char *buf, size_t len)
{
	struct osv_ctx *c = vctx;
	struct strbuf sha = STRBUF_INIT, old_sha = STRBUF_INIT, tomb = STRBUF_INIT;
	struct osv_record r;
	int64_t old_epoch = 0, tomb_epoch = 0;
	sqlite3_stmt *s;
	int rc, have, have_tomb;

	c->st->read++;
	if (osv_parse(buf, len, &r) < 0) {
		vdb_refuse(c->opt, c->st, where, err_last());
		return 0;
	}
	if ((rc = (have = stored_version(c->db, Q_OSV_GET, r.id, &old_epoch, &old_sha))) < 0 ||
	    (rc = (have_tomb = stored_version(c->db, Q_TOMB_GET, r.id, &tomb_epoch, &tomb))) < 0)
		goto cleanup;
	rc = 0;
	if (r.withdrawn_epoch <= (int64_t)c->opt->now) {
		c->st->withdrawn++;
		if (!have_tomb || r.modified_epoch > tomb_epoch) {
			if ((rc = vdb_stmt(c->db, Q_TOMB_PUT, &s)) < 0 || (rc = vdb_bind_text(s, 1, r.id)) < 0 ||
			    (rc = vdb_bind_int(s, 2, r.modified_epoch)) < 0 ||
			    (rc = vdb_bind_text(s, 3, r.modified)) < 0 || (rc = vdb_step_done(c->db, s, "store withdrawal")) < 0)
				goto cleanup;
		}
		if (have && old_epoch <= r.modified_epoch)
			rc = osv_delete(c->db, r.id);
		goto cleanup;
	}
	if (have_tomb && tomb_epoch >= r.modified_epoch) {
		c->st->older++;
		goto cleanup;
	}
	strbuf_reset(&c->canon);
	if ((rc = jsonx_dump_canonical(&c->canon, r.doc)) < 0 || (rc = sha256_hex(&sha, c->canon.buf, c->canon.len)) < 0)
		goto cleanup;
	if (have) {
		if (!strcmp(old_sha.buf, sha.buf)) {
			c->st->unchanged++;
			goto cleanup;
		}
		if (old_epoch > r.modified_epoch || (old_epoch == r.modified_epoch && strcmp(old_sha.buf, sha.buf) > 0)) {
			c->st->older++;
			goto cleanup;
		}
		if ((rc = osv_delete(c->db, r.id)) < 0)
			goto cleanup;
		c->st->updated++;
	} else {
		c->st->added++;
	}
	rc = osv_insert(c->db, &r, sha.buf, where, c->canon.buf);
cleanup:
	osv_record_release(&r);
	strbuf_release(&sha);
	strbuf_release(&old_sha);
	strbuf_release(&tomb);
	return rc;
}

int vdb_summary(struct strbuf *sb, const struct vulndb_import_stats *st)
{
	return strbuf_addf(sb, "%zu read, %zu added, %zu updated, %zu unchanged, %zu older, %zu withdrawn, %zu removed, "
			       "%zu refused",
			   st->read, st->added, st->updated, st->unchanged, st->older, st->withdrawn, st->removed,
			   st->refused);
}

static int import_run(struct vulndb *db, const char *kind, const char *path, struct walk *w,
		      struct vulndb_import_stats *st)
{
	struct strbuf sum = STRBUF_INIT;
	int rc;

	if (db->mode != VULNDB_WRITE)
		return err_set(ERR_INVALID, "%s: opened read-only", db->path);
	if ((rc = vdb_begin(db)) < 0)
		return rc;
	rc = walk_input(w, path);
	if (rc == 0 && !strcmp(kind, "osv"))
		rc = vdb_refresh_ecosystems(db);
	vdb_summary(&sum, st);
	if (rc == 0)
		rc = vdb_log_source(db, kind, path, sum.buf);
	if (rc == 0)
		rc = vdb_store_digest(db);
	if (rc == 0)
		rc = vdb_commit(db);
	if (rc < 0) {
		vdb_rollback(db);
		json_decref(db->eco_records);
		db->eco_records = NULL;
	}
	strbuf_release(&sum);
	return rc;
}

int vulndb_import_osv(struct vulndb *db, const char *path, const struct vulndb_import_opts *opt,
		      struct vulndb_import_stats *st)
{
	struct vulndb_import_opts o;
	struct osv_ctx c = { db, &o, st, STRBUF_INIT };
	struct walk w = { osv_item, &c, OSV_RECORD_MAX, &o, st, 0 };
	int rc;

	vdb_import_opts(&o, opt);
	memset(st, 0, sizeof(*st));
	rc = import_run(db, "osv", path, &w, st);
	strbuf_release(&c.canon);
	return rc;
}

/* ---- CVE JSON 5 ---- */

static int cve_item(void *vctx, const char *where, const char *buf, size_t len)
{
	struct osv_ctx *c = vctx;
	struct strbuf sha = STRBUF_INIT, old_sha = STRBUF_INIT;
	int64_t epoch = 0, old_epoch = 0;
	json_t *doc = NULL;
	sqlite3_stmt *s;
	const char *id, *state;
	int rc, have;

	c->st->read++;
	if (cve5_parse(buf, len, &doc, &epoch) < 0) {
		vdb_refuse(c->opt, c->st, where, err_last());
		return 0;
	}
	id = jsonx_str(doc, "id");
	state = jsonx_str(doc, "state");
	strbuf_reset(&c->canon);
	if ((rc = jsonx_dump_canonical(&c->canon, doc)) < 0 || (rc = sha256_hex(&sha, c->canon.buf, c->canon.len)) < 0 ||
	    (rc = (have = stored_version(c->db, Q_CVE_GET, id, &old_epoch, &old_sha))) < 0)
		goto cleanup;
	rc = 0;
	if (have && !strcmp(old_sha.buf, sha.buf)) {
		c->st->unchanged++;
		goto cleanup;
	}
	if (have && (old_epoch > epoch || (old_epoch == epoch && strcmp(old_sha.buf, sha.buf) > 0))) {
		c->st->older++;
		goto cleanup;
	}
	if (!strcmp(state, "REJECTED"))
		c->st->withdrawn++;
	else if (have)
		c->st->updated++;
	else
		c->st->added++;
	/* A rejection is kept as a row (state REJECTED) so that an older published copy stays out. */
	if ((rc = vdb_stmt(c->db, Q_CVE_PUT, &s)) < 0 || (rc = vdb_bind_text(s, 1, id)) < 0 ||
	    (rc = vdb_bind_text(s, 2, state)) < 0 || (rc = vdb_bind_text(s, 3, jsonx_str(doc, "date_updated"))) < 0 ||
	    (rc = vdb_bind_int(s, 4, epoch)) < 0 || (rc = vdb_bind_text(s, 5, sha.buf)) < 0 ||
	    (rc = vdb_bind_text(s, 6, where)) < 0 || (rc = vdb_bind_text(s, 7, c->canon.buf)) < 0)
		goto cleanup;
	rc = vdb_step_done(c->db, s, "store CVE record");
cleanup:
	json_decref(doc);
	strbuf_release(&sha);
	strbuf_release(&old_sha);
	return rc;
}

int vulndb_import_cve(struct vulndb *db, const char *path, const struct vulndb_import_opts *opt,
		      struct vulndb_import_stats *st)
{
	struct vulndb_import_opts o;
	struct osv_ctx c = { db, &o, st, STRBUF_INIT };
	struct walk w = { cve_item, &c, CVE5_RECORD_MAX, &o, st, 0 };
	int rc;

	vdb_import_opts(&o, opt);
	memset(st, 0, sizeof(*st));
	rc = import_run(db, "cve", path, &w, st);
	strbuf_release(&c.canon);
	return rc;
}
