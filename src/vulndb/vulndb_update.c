/*
 * vulndb_update: fetch the feeds and import them (vetter db update).
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/err.h"
#include "core/util.h"
#include "fetch.h"
#include "vulndb_int.h"

/* Download url next to the database and import it with fn. */
static int fetch_and_import(struct vulndb *db, const struct vulndb_update_opts *o, const char *kind, const char *url,
			    int (*fn)(struct vulndb *, const char *, const struct vulndb_import_opts *,
				      struct vulndb_import_stats *))
{
	static unsigned seq;
	struct vulndb_import_stats st;
	struct strbuf tmp = STRBUF_INIT;
	int rc;

	memset(&st, 0, sizeof(st));
	if ((rc = strbuf_addf(&tmp, "%s.download-%ld-%u%s", db->path, (long)getpid(), seq++,
			      util_has_suffix(url, ".gz") ? ".gz" : util_has_suffix(url, ".zip") ? ".zip" : "")) < 0)
		return rc;
	unlink(tmp.buf);
	rc = fetch_to_file(url, tmp.buf, o->fetch, NULL);
	if (rc == 0) {
		rc = fn(db, tmp.buf, o->import, &st);
		unlink(tmp.buf);
	}
	if (o->done)
		o->done(o->ctx, kind, url, &st, rc);
	strbuf_release(&tmp);
	return rc;
}

int vulndb_update(struct vulndb *db, const struct vulndb_update_opts *o)
{
	const char *mirror = o->mirror && *o->mirror ? o->mirror : VULNDB_OSV_MIRROR;
	const char *kev = o->kev_url ? o->kev_url : VULNDB_KEV_URL, *epss = o->epss_url ? o->epss_url : VULNDB_EPSS_URL;
	struct strbuf url = STRBUF_INIT;
	json_t *names = NULL, *v;
	size_t i, mlen = strlen(mirror);
	int rc, first = 0;

	if ((rc = vulndb_ecosystems_in_use(db, &names)) < 0)
		return rc;
	for (i = 0; i < o->necosystems; i++) {
		size_t k;
		int dup = 0;

		json_array_foreach(names, k, v)
			dup |= !strcmp(json_string_value(v), o->ecosystems[i]);
		if (!dup)
			json_array_append_new(names, json_string(o->ecosystems[i]));
	}
	if (!json_array_size(names) && !*kev && !*epss) {
		json_decref(names);
		return err_set(ERR_USAGE, "nothing to update: the database has no ecosystems yet; name them with "
					  "--ecosystem (Debian, Ubuntu, Alpine, PyPI, npm, ...)");
	}
	while (mlen && mirror[mlen - 1] == '/')
		mlen--;
	json_array_foreach(names, i, v) {
		char esc[256];

		strbuf_reset(&url);
		if ((rc = fetch_path_escape(esc, sizeof(esc), json_string_value(v))) < 0 ||
		    (rc = strbuf_addf(&url, "%.*s/%s/all.zip", (int)mlen, mirror, esc)) < 0 ||
		    (rc = fetch_and_import(db, o, "osv", url.buf, vulndb_import_osv)) < 0) {
			if (!first)
				first = rc;
		}
	}
	if (*kev && (rc = fetch_and_import(db, o, "kev", kev, vulndb_import_kev)) < 0 && !first)
		first = rc;
	if (*epss && (rc = fetch_and_import(db, o, "epss", epss, vulndb_import_epss)) < 0 && !first)
		first = rc;
	json_decref(names);
	strbuf_release(&url);
	return first;
}
