/*
 * vulndb_feeds: the CISA KEV catalog and the EPSS scores.
 *
 * Both are published whole (every file is the complete list as of its
 * date), so an import replaces what was stored: entries the new file lacks
 * are removed and counted.  Malformed entries are skipped with a warning
 * naming the entry (KEV: vulnerabilities[i]; EPSS: the line number).
 */
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "core/err.h"
#include "core/jsonx.h"
#include "core/util.h"
#include "cve5.h"
#include "osv.h"
#include "vulndb_int.h"

#define KEV_FILE_MAX ((size_t)256 * 1024 * 1024)
#define KEV_TEXT_MAX 512
#define EPSS_LINE_MAX 256

/* Start a replacement of table: a temporary list of the keys seen. */
static int replace_begin(struct vulndb *db)
{
	return vdb_exec(db, "CREATE TEMP TABLE IF NOT EXISTS seen(k TEXT PRIMARY KEY); DELETE FROM temp.seen;");
}

static int replace_seen(struct vulndb *db, const char *key)
{
	sqlite3_stmt *s;
	int rc;

	if ((rc = vdb_stmt(db, Q_SEEN, &s)) < 0 || (rc = vdb_bind_text(s, 1, key)) < 0)
		return rc;
	return vdb_step_done(db, s, "note key");
}

/* Remove the rows of table whose key column was not seen; count them. */
static int replace_end(struct vulndb *db, const char *table, struct vulndb_import_stats *st)
{
	char sql[128];
	int rc;

	snprintf(sql, sizeof(sql), "DELETE FROM %s WHERE cve NOT IN (SELECT k FROM temp.seen);", table);
	if ((rc = vdb_exec(db, sql)) < 0)
		return rc;
	st->removed += (size_t)sqlite3_changes(db->db);
	return vdb_exec(db, "DELETE FROM temp.seen;");
}

/* Compare a stored row (query q on key) with want[0..n-1]; 0 absent, 1 same, 2 different. */
static int compare_row(struct vulndb *db, enum vdb_stmt q, const char *key, const char *const *want, int n)
{
	sqlite3_stmt *s;
	int rc, i, same = 1;

	if ((rc = vdb_stmt(db, q, &s)) < 0 || (rc = vdb_bind_text(s, 1, key)) < 0)
		return rc;
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		for (i = 0; i < n; i++) {
			const char *have = (const char *)sqlite3_column_text(s, i);

			if ((!have) != (!want[i]) || (have && strcmp(have, want[i])))
				same = 0;
		}
		rc = same ? 1 : 2;
	} else {
		rc = rc == SQLITE_DONE ? 0 : vdb_error(db, "read row");
	}
	sqlite3_reset(s);
	return rc;
}

static int put_row(struct vulndb *db, enum vdb_stmt q, const char *const *v, int n, struct vulndb_import_stats *st,
		   enum vdb_stmt get)
{
	sqlite3_stmt *s;
	int rc, i, cmp;

	if ((cmp = compare_row(db, get, v[0], v + 1, n - 1)) < 0)
		return cmp;
	if ((rc = replace_seen(db, v[0])) < 0)
		return rc;
	if (cmp == 1) {
		st->unchanged++;
		return 0;
	}
	if (cmp == 2)
		st->updated++;
	else
		st->added++;
	if ((rc = vdb_stmt(db, q, &s)) < 0)
		return rc;
	for (i = 0; i < n; i++)
		if ((rc = vdb_bind_text(s, i + 1, v[i])) < 0)
			return rc;
	return vdb_step_done(db, s, "store row");
}

/* A KEV text member: NULL when absent, the value when a short clean string, else an error. */
static int kev_text(const json_t *e, const char *key, size_t max, const char **out)
{
	json_t *v = json_object_get(e, key);

	*out = NULL;
	if (!v || json_is_null(v))
		return 0;
	if (!json_is_string(v) || json_string_length(v) > max || strlen(json_string_value(v)) != json_string_length(v))
		return err_set(ERR_PARSE, "%s is not a string of at most %zu bytes", key, max);
	*out = json_string_value(v);
	return 0;
}

static int kev_entry(const json_t *e, const char *v[7])
{
	static const char *const keys[] = { "cveID", "dateAdded", "dueDate", "knownRansomwareCampaignUse",
					    "vendorProject", "product", "vulnerabilityName" };
	struct util_date d;
	int i, rc;

	if (!json_is_object(e))
		return err_set(ERR_PARSE, "not an object");
	for (i = 0; i < 7; i++)
		if ((rc = kev_text(e, keys[i], KEV_TEXT_MAX, &v[i])) < 0)
			return rc;
	if (!cve5_id_ok(v[0]))
		return err_set(ERR_PARSE, "cveID is not a CVE id");
	if (!v[1] || util_date_parse(v[1], &d) < 0)
		return err_set(ERR_PARSE, "dateAdded is not a YYYY-MM-DD date");
	if (v[2] && util_date_parse(v[2], &d) < 0)
		return err_set(ERR_PARSE, "dueDate is not a YYYY-MM-DD date");
	if (v[3] && strcmp(v[3], "Known") && strcmp(v[3], "Unknown"))
		return err_set(ERR_PARSE, "knownRansomwareCampaignUse is not Known or Unknown");
	return 0;
}

static int kev_load(struct vulndb *db, const char *path, const struct vulndb_import_opts *o,
		    struct vulndb_import_stats *st)
{
	struct strbuf where = STRBUF_INIT, n = STRBUF_INIT;
	json_t *doc = NULL, *vulns, *e;
	const char *version, *released;
	size_t i;
	int rc;

	if ((rc = jsonx_load_file(path, KEV_FILE_MAX, &doc)) < 0)
		return rc;
	vulns = json_object_get(doc, "vulnerabilities");
	if (!json_is_object(doc) || !json_is_array(vulns)) {
		rc = err_set(ERR_PARSE, "%s: not a KEV catalog (no vulnerabilities array)", path);
		goto cleanup;
	}
	if ((rc = kev_text(doc, "catalogVersion", 64, &version)) < 0 ||
	    (rc = kev_text(doc, "dateReleased", 64, &released)) < 0) {
		rc = err_prefix(rc, "%s", path);
		goto cleanup;
	}
	if ((rc = replace_begin(db)) < 0)
		goto cleanup;
	json_array_foreach(vulns, i, e) {
		const char *v[7];

		st->read++;
		if (kev_entry(e, v) < 0) {
			strbuf_reset(&where);
			strbuf_addf(&where, "%s:vulnerabilities[%zu]", path, i);
			vdb_refuse(o, st, where.buf, err_last());
			continue;
		}
		if ((rc = put_row(db, Q_KEV_PUT, v, 7, st, Q_KEV_GET)) < 0)
			goto cleanup;
	}
	if ((rc = replace_end(db, "kev", st)) < 0)
		goto cleanup;
	{
		sqlite3_stmt *s = NULL;

		if (sqlite3_prepare_v2(db->db, "SELECT COUNT(*) FROM kev", -1, &s, NULL) == SQLITE_OK &&
		    sqlite3_step(s) == SQLITE_ROW)
			strbuf_addf(&n, "%lld", (long long)sqlite3_column_int64(s, 0));
		sqlite3_finalize(s);
	}
	if ((rc = vdb_meta_set(db, "kev_catalog_version", version ? version : "")) < 0 ||
	    (rc = vdb_meta_set(db, "kev_date_released", released ? released : "")) < 0 ||
	    (rc = vdb_meta_set(db, "kev_entries", n.buf)) < 0)
		goto cleanup;
cleanup:
	json_decref(doc);
	strbuf_release(&where);
	strbuf_release(&n);
	return rc;
}

static int feed_run(struct vulndb *db, const char *kind, const char *path, const struct vulndb_import_opts *opt,
		    struct vulndb_import_stats *st,
		    int (*load)(struct vulndb *, const char *, const struct vulndb_import_opts *,
				struct vulndb_import_stats *))
{
	struct vulndb_import_opts o;
	struct strbuf sum = STRBUF_INIT;
	int rc;

	vdb_import_opts(&o, opt);
	memset(st, 0, sizeof(*st));
	if (db->mode != VULNDB_WRITE)
		return err_set(ERR_INVALID, "%s: opened read-only", db->path);
	if ((rc = vdb_begin(db)) < 0)
		return rc;
	rc = load(db, path, &o, st);
	if (rc == 0 && (rc = vdb_summary(&sum, st)) == 0 && (rc = vdb_log_source(db, kind, path, sum.buf)) == 0 &&
	    (rc = vdb_store_digest(db)) == 0)
		rc = vdb_commit(db);
	if (rc < 0)
		vdb_rollback(db);
	strbuf_release(&sum);
	return rc;
}

int vulndb_import_kev(struct vulndb *db, const char *path, const struct vulndb_import_opts *opt,
		      struct vulndb_import_stats *st)
{
	return feed_run(db, "kev", path, opt, st, kev_load);
}

/* A probability as EPSS writes it: a decimal (or exponent form) from 0 to 1. */
static int epss_number(const char *s)
{
	char *end;
	double d;

	if (!*s || strlen(s) > 32 || strspn(s, "0123456789.eE-+") != strlen(s))
		return 0;
	d = strtod(s, &end);
	return *end == 0 && d >= 0.0 && d <= 1.0;
}

/* "#model_version:v2023.03.01,score_date:2023-03-18T00:00:00+0000" */
static int epss_header(const char *line, struct strbuf *model, struct strbuf *date)
{
	const char *m, *d, *comma;

	if (line[0] != '#' || !(m = strstr(line, "model_version:")) || !(d = strstr(line, "score_date:")))
		return 0;
	m += 14;
	comma = strchr(m, ',');
	strbuf_add(model, m, comma ? (size_t)(comma - m) : strlen(m));
	d += 11;
	comma = strchr(d, ',');
	strbuf_add(date, d, comma ? (size_t)(comma - d) : strlen(d));
	strbuf_rtrim(model);
	strbuf_rtrim(date);
	return model->len > 0 && date->len > 0 && osv_text_ok(model->buf, model->len, 64) &&
	       osv_text_ok(date->buf, date->len, 64);
}

static int epss_load(struct vulndb *db, const char *path, const struct vulndb_import_opts *o,
		     struct vulndb_import_stats *st)
{
	struct strbuf model = STRBUF_INIT, date = STRBUF_INIT, where = STRBUF_INIT, n = STRBUF_INIT;
	char line[EPSS_LINE_MAX + 2];
	size_t lineno = 0;
	gzFile f;
	int rc = 0;

	if (!(f = gzopen(path, "rb")))
		return err_set(ERR_IO, "cannot open %s", path);
	if ((rc = replace_begin(db)) < 0)
		goto cleanup;
	while (gzgets(f, line, sizeof(line))) {
		size_t len = strlen(line);
		const char *v[3];
		char *c1, *c2;

		lineno++;
		if (len && line[len - 1] != '\n' && !gzeof(f)) {
			int ch;

			/* Over-long line: skip the rest of it. */
			while ((ch = gzgetc(f)) != -1 && ch != '\n')
				;
			if (lineno > 2) {
				strbuf_reset(&where);
				strbuf_addf(&where, "%s:%zu", path, lineno);
				st->read++;
				vdb_refuse(o, st, where.buf, "line longer than 256 bytes");
				continue;
			}
		}
		while (len && (line[len - 1] == '\n' || line[len - 1] == '\r'))
			line[--len] = 0;
		if (lineno == 1) {
			if (!epss_header(line, &model, &date)) {
				rc = err_set(ERR_PARSE, "%s: not an EPSS file: the first line is not "
							"'#model_version:...,score_date:...'", path);
				goto cleanup;
			}
			continue;
		}
		if (lineno == 2) {
			if (strcmp(line, "cve,epss,percentile")) {
				rc = err_set(ERR_PARSE, "%s:2: expected the header 'cve,epss,percentile'", path);
				goto cleanup;
			}
			continue;
		}
		if (!len)
			continue;
		st->read++;
		c1 = strchr(line, ',');
		c2 = c1 ? strchr(c1 + 1, ',') : NULL;
		strbuf_reset(&where);
		strbuf_addf(&where, "%s:%zu", path, lineno);
		if (!c1 || !c2 || strchr(c2 + 1, ',')) {
			vdb_refuse(o, st, where.buf, "expected three fields: cve,epss,percentile");
			continue;
		}
		*c1 = *c2 = 0;
		v[0] = line;
		v[1] = c1 + 1;
		v[2] = c2 + 1;
		if (!cve5_id_ok(v[0])) {
			vdb_refuse(o, st, where.buf, "the first field is not a CVE id");
			continue;
		}
		if (!epss_number(v[1]) || !epss_number(v[2])) {
			vdb_refuse(o, st, where.buf, "epss and percentile must be numbers from 0 to 1");
			continue;
		}
		if ((rc = put_row(db, Q_EPSS_PUT, v, 3, st, Q_EPSS_GET)) < 0)
			goto cleanup;
	}
	if (!gzeof(f)) {
		int zerr;

		rc = err_set(ERR_IO, "%s: %s", path, gzerror(f, &zerr));
		goto cleanup;
	}
	if (lineno < 2) {
		rc = err_set(ERR_PARSE, "%s: not an EPSS file (no header lines)", path);
		goto cleanup;
	}
	if ((rc = replace_end(db, "epss", st)) < 0)
		goto cleanup;
	{
		sqlite3_stmt *s = NULL;

		if (sqlite3_prepare_v2(db->db, "SELECT COUNT(*) FROM epss", -1, &s, NULL) == SQLITE_OK &&
		    sqlite3_step(s) == SQLITE_ROW)
			strbuf_addf(&n, "%lld", (long long)sqlite3_column_int64(s, 0));
		sqlite3_finalize(s);
	}
	if ((rc = vdb_meta_set(db, "epss_model_version", model.buf)) < 0 ||
	    (rc = vdb_meta_set(db, "epss_score_date", date.buf)) < 0 || (rc = vdb_meta_set(db, "epss_entries", n.buf)) < 0)
		goto cleanup;
cleanup:
	gzclose(f);
	strbuf_release(&model);
	strbuf_release(&date);
	strbuf_release(&where);
	strbuf_release(&n);
	return rc;
}

int vulndb_import_epss(struct vulndb *db, const char *path, const struct vulndb_import_opts *opt,
		       struct vulndb_import_stats *st)
{
	return feed_run(db, "epss", path, opt, st, epss_load);
}
