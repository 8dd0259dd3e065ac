/*
 * vulndb_match_rec: the details of matched advisories, read once per run
 * and kept in a cache: aliases, CVE ids, the CVE record's CVSS, CWE and
 * SSVC, KEV and EPSS, and the severity of a group of records.
 *
 * Severity, in this order, never invented:
 *   1. the distribution's own rating where the record carries it: Debian's
 *      urgency (affected[].ecosystem_specific.urgency), Ubuntu's priority
 *      (severity[] of type "Ubuntu"), the Red Hat rating that Red Hat,
 *      AlmaLinux and Rocky Linux advisories open their summary with
 *      ("Important: openssl security update");
 *   2. else the CVSS vector of the advisory (severity[] CVSS_V3, then
 *      CVSS_V4; the highest score when there are several);
 *   3. else the CVSS vector of the CVE record (CNA before ADP, within one
 *      v3.1, v3.0, then v4.0; v2 is not used; the highest score over the
 *      CVEs of the group);
 *   4. else "unknown".
 * Ratings map to vetter's scale as Trivy and Grype map them: Debian
 * unimportant and Ubuntu negligible are "info", Red Hat Important is
 * "high", Moderate "medium".  Debian's "not yet assigned" and
 * "end-of-life" and Ubuntu's "untriaged" are not ratings and fall through.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/err.h"
#include "core/jsonx.h"
#include "core/util.h"
#include "cvss.h"
#include "vulndb_match_int.h"

struct vm_cache {
	json_t *index; /* record id -> position in recs */
	struct vm_record **recs;
	size_t n, cap;
	json_t *cves;  /* CVE id -> joined details */
	json_t *epss_meta;
	time_t now;
};

int vm_cache_new(struct vm_cache **out)
{
	struct vm_cache *c = calloc(1, sizeof(*c));

	if (!c || !(c->index = json_object()) || !(c->cves = json_object())) {
		vm_cache_free(c);
		return err_set(ERR_NOMEM, "out of memory");
	}
	c->now = time(NULL);
	*out = c;
	return 0;
}

void vm_cache_free(struct vm_cache *c)
{
	size_t i;

	if (!c)
		return;
	for (i = 0; i < c->n; i++) {
		free(c->recs[i]->id);
		json_decref(c->recs[i]->doc);
		json_decref(c->recs[i]->idents);
		json_decref(c->recs[i]->aliases);
		json_decref(c->recs[i]->cves);
		free(c->recs[i]);
	}
	free(c->recs);
	json_decref(c->index);
	json_decref(c->cves);
	json_decref(c->epss_meta);
	free(c);
}

static int cmp_json_str(const void *a, const void *b)
{
	return strcmp(json_string_value(*(json_t *const *)a), json_string_value(*(json_t *const *)b));
}

int vm_sorted_unique(json_t *arr, const char *skip, json_t **out)
{
	size_t n = json_array_size(arr), i;
	json_t **v = n ? malloc(n * sizeof(*v)) : NULL, *res = json_array();

	*out = NULL;
	if ((n && !v) || !res) {
		free(v);
		json_decref(res);
		return err_set(ERR_NOMEM, "out of memory");
	}
	for (i = 0; i < n; i++)
		v[i] = json_array_get(arr, i);
	qsort(v, n, sizeof(*v), cmp_json_str);
	for (i = 0; i < n; i++) {
		if ((i && !strcmp(json_string_value(v[i]), json_string_value(v[i - 1]))) ||
		    (skip && !strcmp(json_string_value(v[i]), skip)))
			continue;
		json_array_append(res, v[i]);
	}
	free(v);
	*out = res;
	return 0;
}

static int build_record(struct vm_record *r)
{
	static const char *const lists[] = { "aliases", "upstream", "related" };
	json_t *all = json_array(), *cves = json_array(), *v;
	size_t i, k;
	int rc;

	if (!all || !cves || !(r->idents = json_array())) {
		rc = err_set(ERR_NOMEM, "out of memory");
		goto cleanup;
	}
	json_array_append_new(r->idents, json_string(r->id));
	if (util_has_prefix(r->id, "CVE-"))
		json_array_append_new(cves, json_string(r->id));
	for (k = 0; k < ARRAY_SIZE(lists); k++) {
		json_array_foreach(json_object_get(r->doc, lists[k]), i, v) {
			const char *s = json_string_value(v);

			if (!s)
				continue;
			if (k < 2)
				json_array_append(all, v);
			if (k == 0)
				json_array_append(r->idents, v);
			if (util_has_prefix(s, "CVE-"))
				json_array_append(cves, v);
		}
	}
	if ((rc = vm_sorted_unique(all, r->id, &r->aliases)) == 0)
		rc = vm_sorted_unique(cves, NULL, &r->cves);
cleanup:
	json_decref(all);
	json_decref(cves);
	return rc;
}

int vm_record(struct vulndb *db, struct vm_cache *c, const char *id, const struct vm_record **out)
{
	json_t *pos = json_object_get(c->index, id);
	struct vm_record *r = NULL;
	sqlite3_stmt *s;
	int rc, step;

	if (pos) {
		*out = c->recs[json_integer_value(pos)];
		return 0;
	}
	if ((rc = vdb_stmt(db, Q_DOC, &s)) < 0 || (rc = vdb_bind_text(s, 1, id)) < 0)
		return rc;
	step = sqlite3_step(s);
	if (step != SQLITE_ROW) {
		sqlite3_reset(s);
		return step == SQLITE_DONE ? err_set(ERR_NOTFOUND, "%s: no such record", id) : vdb_error(db, "read record");
	}
	if (!(r = calloc(1, sizeof(*r))) || !(r->id = strdup(id))) {
		rc = err_set(ERR_NOMEM, "out of memory");
		goto fail;
	}
	r->withdrawn = sqlite3_column_int64(s, 1) <= (sqlite3_int64)c->now;
	if ((rc = jsonx_parse((const char *)sqlite3_column_text(s, 0), (size_t)sqlite3_column_bytes(s, 0), id, &r->doc)) < 0 ||
	    (rc = build_record(r)) < 0)
		goto fail;
	sqlite3_reset(s);
	if (c->n == c->cap) {
		struct vm_record **nr = realloc(c->recs, (c->cap = c->cap ? c->cap * 2 : 64) * sizeof(*nr));

		if (!nr) {
			rc = err_set(ERR_NOMEM, "out of memory");
			goto fail;
		}
		c->recs = nr;
	}
	c->recs[c->n] = r;
	json_object_set_new(c->index, id, json_integer((json_int_t)c->n));
	c->n++;
	*out = r;
	return 0;
fail:
	sqlite3_reset(s);
	if (r) {
		free(r->id);
		json_decref(r->doc);
		json_decref(r->idents);
		json_decref(r->aliases);
		json_decref(r->cves);
		free(r);
	}
	return rc;
}

/* The columns of the one row that q gives for id, as an object with names; NULL when none. */
static json_t *row_obj(struct vulndb *db, enum vdb_stmt q, const char *id, const char *const *names, int n)
{
	sqlite3_stmt *s;
	json_t *o = NULL;
	int i;

	if (vdb_stmt(db, q, &s) < 0 || vdb_bind_text(s, 1, id) < 0)
		return NULL;
	if (sqlite3_step(s) == SQLITE_ROW && (o = json_object())) {
		for (i = 0; i < n; i++) {
			const char *v = (const char *)sqlite3_column_text(s, i);

			if (v)
				json_object_set_new(o, names[i], json_string(v));
		}
	}
	sqlite3_reset(s);
	return o;
}

int vm_cve(struct vulndb *db, struct vm_cache *c, const char *id, const json_t **out)
{
	static const char *const kev_names[] = { "date_added", "due_date", "ransomware", "vendor", "product", "name" };
	static const char *const epss_names[] = { "score", "percentile" };
	static const char *const keep[] = { "ssvc", "cwe", "cvss", "title", "state" };
	json_t *j = json_object_get(c->cves, id), *kev, *epss, *doc = NULL, *row;
	size_t i;

	if (j) {
		*out = j;
		return 0;
	}
	if (!c->epss_meta) {
		struct strbuf m = STRBUF_INIT, d = STRBUF_INIT;

		vdb_meta_get(db, "epss_model_version", &m);
		vdb_meta_get(db, "epss_score_date", &d);
		c->epss_meta = json_pack("{s:s, s:s}", "model_version", m.buf, "score_date", d.buf);
		strbuf_release(&m);
		strbuf_release(&d);
	}
	if (!(j = json_object()) || json_object_set_new(c->cves, id, j) < 0)
		return err_set(ERR_NOMEM, "out of memory");
	jsonx_set_str(j, "id", id);
	if ((kev = row_obj(db, Q_KEV_GET, id, kev_names, 6)))
		json_object_set_new(j, "kev", kev);
	if ((epss = row_obj(db, Q_EPSS_GET, id, epss_names, 2))) {
		json_object_update(epss, c->epss_meta);
		json_object_set_new(j, "epss", epss);
	}
	if ((row = row_obj(db, Q_CVE_DOC, id, (const char *const[]){ "doc" }, 1))) {
		const char *text = jsonx_str(row, "doc");

		if (text && jsonx_parse(text, strlen(text), id, &doc) == 0)
			for (i = 0; i < ARRAY_SIZE(keep); i++)
				if (json_object_get(doc, keep[i]))
					json_object_set(j, keep[i], json_object_get(doc, keep[i]));
		json_decref(doc);
		json_decref(row);
	}
	*out = j;
	return 0;
}

/* ---- severity ---- */

static const char *map_word(const char *w, const char *const *from, const char *const *to, size_t n)
{
	size_t i, len = strlen(w);

	/* Debian marks uncertain urgencies with trailing '*' ("low*", "medium**"). */
	while (len && w[len - 1] == '*')
		len--;
	for (i = 0; i < n; i++)
		if (strlen(from[i]) == len && !strncasecmp(w, from[i], len))
			return to[i];
	return NULL;
}

static const char *debian_rating(const char *w)
{
	static const char *const from[] = { "unimportant", "low", "medium", "high" };
	static const char *const to[] = { "info", "low", "medium", "high" };

	return map_word(w, from, to, ARRAY_SIZE(from));
}

static const char *ubuntu_rating(const char *w)
{
	static const char *const from[] = { "negligible", "low", "medium", "high", "critical" };
	static const char *const to[] = { "info", "low", "medium", "high", "critical" };

	return map_word(w, from, to, ARRAY_SIZE(from));
}

static const char *redhat_rating(const char *w)
{
	static const char *const from[] = { "Low", "Moderate", "Important", "Critical" };
	static const char *const to[] = { "low", "medium", "high", "critical" };

	return map_word(w, from, to, ARRAY_SIZE(from));
}

static int rank(const char *sev)
{
	static const char *const order[] = { "unknown", "info", "low", "medium", "high", "critical" };
	size_t i;

	for (i = 0; i < ARRAY_SIZE(order); i++)
		if (!strcmp(order[i], sev))
			return (int)i;
	return 0;
}

/* Keep the rating word w (mapped to sev) when it ranks higher than what out has. */
static void keep_rating(struct vm_severity *out, const char *sev, const char *w, const char *source, const char *from)
{
	if (!sev || (out->severity && rank(out->severity) >= rank(sev)))
		return;
	out->severity = sev;
	out->source = source;
	out->score = -1;
	snprintf(out->detail, sizeof(out->detail), "%s", w);
	snprintf(out->from, sizeof(out->from), "%s", from);
}

/* The affected[] entries of doc for (ecosystem, name). */
static int entry_matches(const json_t *a, const char *ecosystem, const char *name)
{
	const json_t *p = json_object_get(a, "package");
	const char *e = jsonx_str(p, "ecosystem"), *n = jsonx_str(p, "name");

	return e && n && !strcmp(e, ecosystem) && !strcmp(n, name);
}

static void distro_rating(const struct vm_target *t, const struct vm_record *r, const char *ecosystem,
			  const char *name, struct vm_severity *out)
{
	json_t *a, *sv;
	size_t i, k;

	if (!strcmp(t->distro, "debian")) {
		json_array_foreach(json_object_get(r->doc, "affected"), i, a) {
			const char *u = jsonx_str(json_object_get(a, "ecosystem_specific"), "urgency");

			if (u && entry_matches(a, ecosystem, name))
				keep_rating(out, debian_rating(u), u, "debian", r->id);
		}
	} else if (!strcmp(t->distro, "ubuntu")) {
		json_array_foreach(json_object_get(r->doc, "severity"), k, sv) {
			if (!strcmp(jsonx_strz(sv, "type"), "Ubuntu") && jsonx_str(sv, "score"))
				keep_rating(out, ubuntu_rating(jsonx_str(sv, "score")), jsonx_str(sv, "score"), "ubuntu", r->id);
		}
		json_array_foreach(json_object_get(r->doc, "affected"), i, a) {
			if (!entry_matches(a, ecosystem, name))
				continue;
			json_array_foreach(json_object_get(a, "severity"), k, sv) {
				if (!strcmp(jsonx_strz(sv, "type"), "Ubuntu") && jsonx_str(sv, "score"))
					keep_rating(out, ubuntu_rating(jsonx_str(sv, "score")), jsonx_str(sv, "score"),
						    "ubuntu", r->id);
			}
		}
	} else {
		/* Red Hat and its rebuilds: "Important: openssl security update". */
		const char *sum = jsonx_strz(r->doc, "summary"), *colon = strchr(sum, ':');
		char word[16];

		if (colon && (size_t)(colon - sum) < sizeof(word)) {
			memcpy(word, sum, (size_t)(colon - sum));
			word[colon - sum] = 0;
			keep_rating(out, redhat_rating(word), word, t->distro, r->id);
		}
	}
}

/* Parse a vector, forgiving one trailing '/' (GitHub advisories have some). */
static int parse_vector(const char *vec, struct cvss_score *s)
{
	char buf[CVSS_VECTOR_MAX + 1];
	size_t n = strlen(vec);

	if (n == 0 || n > CVSS_VECTOR_MAX)
		return ERR_PARSE;
	memcpy(buf, vec, n + 1);
	if (buf[n - 1] == '/')
		buf[n - 1] = 0;
	return cvss_parse_score(buf, s);
}

/* Consider vec of class cls (0 best) for out; the best class, then the highest score, wins. */
static void keep_cvss(struct vm_severity *out, int *best_cls, int cls, const char *vec, const char *source,
		      const char *from)
{
	struct cvss_score s;
	char sev[16];
	size_t i;

	if (parse_vector(vec, &s) < 0)
		return;
	if (out->severity && (cls > *best_cls || (cls == *best_cls && s.score <= out->score)))
		return;
	for (i = 0; s.severity[i] && i + 1 < sizeof(sev); i++)
		sev[i] = (char)(s.severity[i] >= 'A' && s.severity[i] <= 'Z' ? s.severity[i] + 32 : s.severity[i]);
	sev[i] = 0;
	*best_cls = cls;
	out->severity = !strcmp(sev, "none") ? "info" : !strcmp(sev, "low") ? "low" : !strcmp(sev, "medium") ? "medium"
									    : !strcmp(sev, "high")   ? "high"
												     : "critical";
	out->source = source;
	out->score = s.score;
	snprintf(out->detail, sizeof(out->detail), "%s", vec);
	snprintf(out->from, sizeof(out->from), "%s", from);
}

static void advisory_cvss(const struct vm_record *r, const char *ecosystem, const char *name, struct vm_severity *out,
			  int *best)
{
	json_t *a, *sv, *lists[2];
	size_t i, k, l;

	lists[0] = json_object_get(r->doc, "severity");
	lists[1] = NULL;
	json_array_foreach(json_object_get(r->doc, "affected"), i, a)
		if (!lists[1] && entry_matches(a, ecosystem, name))
			lists[1] = json_object_get(a, "severity");
	for (l = 0; l < 2; l++) {
		json_array_foreach(lists[l], k, sv) {
			const char *type = jsonx_strz(sv, "type"), *vec = jsonx_str(sv, "score");

			if (vec && (!strcmp(type, "CVSS_V3") || !strcmp(type, "CVSS_V4")))
				keep_cvss(out, best, type[6] == '3' ? 0 : 1, vec, "advisory-cvss", r->id);
		}
	}
}

static void cve_cvss(const char *cve, const json_t *info, struct vm_severity *out, int *best)
{
	json_t *e;
	size_t i;

	json_array_foreach(json_object_get(info, "cvss"), i, e) {
		const char *ver = jsonx_strz(e, "version"), *vec = jsonx_str(e, "vector");
		int adp = !strcmp(jsonx_strz(e, "source"), "adp");
		int cls = !strcmp(ver, "3.1") ? 0 : !strcmp(ver, "3.0") ? 1 : !strcmp(ver, "4.0") ? 2 : -1;
		char from[160];

		if (cls < 0 || !vec)
			continue;
		snprintf(from, sizeof(from), "%s %s %s", cve, adp ? "adp" : "cna", jsonx_strz(e, "provider"));
		keep_cvss(out, best, cls + (adp ? 3 : 0), vec, "cve-cvss", from);
	}
}

int vm_severity(struct vulndb *db, struct vm_cache *c, const struct vm_target *t, const struct vm_record *const *recs,
		size_t n, const char *ecosystem, const char *name, struct vm_severity *out)
{
	const json_t *info;
	json_t *cve;
	size_t i, k;
	int rc, best = 99;

	memset(out, 0, sizeof(*out));
	out->score = -1;
	for (i = 0; t->distro && i < n; i++)
		distro_rating(t, recs[i], ecosystem, name, out);
	if (!out->severity)
		for (i = 0; i < n; i++)
			advisory_cvss(recs[i], ecosystem, name, out, &best);
	if (!out->severity) {
		for (i = 0; i < n; i++) {
			json_array_foreach(recs[i]->cves, k, cve) {
				if ((rc = vm_cve(db, c, json_string_value(cve), &info)) < 0)
					return rc;
				cve_cvss(json_string_value(cve), info, out, &best);
			}
		}
	}
	if (!out->severity) {
		out->severity = "unknown";
		out->source = "none";
	}
	return 0;
}
