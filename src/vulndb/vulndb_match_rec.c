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
#include "osv.h"
#include "vulndb_match_int.h"

struct vm_cache {
	struct vm_record **recs;
	size_t n, cap;
	json_t *cves;  /* CVE id -> joined details */
	json_t *epss_meta;
	json_t *none;  /* what vm_cve gives when the database has no CVE data at all */
	int cve_data;  /* -1 not known yet, 0 when the database has no CVE, KEV or EPSS rows */
	time_t now;
};

int vm_cache_new(struct vm_cache **out)
{
	struct vm_cache *c = calloc(1, sizeof(*c));

	if (!c || !(c->cves = json_object()) || !(c->none = json_object())) {
		vm_cache_free(c);
		return err_set(ERR_NOMEM, "out of memory");
	}
	c->now = time(NULL);
	c->cve_data = -1;
	*out = c;
	return 0;
}

void vm_cache_free(struct vm_cache *c)
{
	size_t i;

	if (!c)
		return;
	for (i = 0; i < c->n; i++) {
		free(c->recs[i]->buf);
		free(c->recs[i]->idents);
		free(c->recs[i]);
	}
	free(c->recs);
	json_decref(c->cves);
	json_decref(c->epss_meta);
	json_decref(c->none);
	free(c);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

void vm_sorted_set(const char **v, size_t *n, const char *skip)
{
	size_t i, k = 0;

	qsort(v, *n, sizeof(*v), cmp_str);
	for (i = 0; i < *n; i++)
		if (!(k && !strcmp(v[i], v[k - 1])) && !(skip && !strcmp(v[i], skip)))
			v[k++] = v[i];
	*n = k;
}

int vm_record(struct vm_cache *c, const char *facts, const struct vm_record **out)
{
	struct vm_record *r = calloc(1, sizeof(*r));
	size_t lines = 0, i = 0;
	char *p, *nl;
	int rc;

	if (!r || !(r->buf = strdup(facts))) {
		rc = err_set(ERR_NOMEM, "out of memory");
		goto fail;
	}
	for (p = r->buf; *p; p++)
		lines += *p == '\n';
	/* One array for the four lists, which follow each other in the text. */
	if (!(r->idents = calloc(lines + 1, sizeof(*r->idents)))) {
		rc = err_set(ERR_NOMEM, "out of memory");
		goto fail;
	}
	r->summary = "";
	for (p = r->buf; (nl = strchr(p, '\n')); p = nl + 1) {
		*nl = 0;
		switch (p[0]) {
		case 's': r->summary = p + 1; break;
		case 'i': r->idents[i++] = p + 1, r->nidents++; break;
		case 'a': r->idents[i++] = p + 1, r->naliases++; break;
		case 'c': r->idents[i++] = p + 1, r->ncves++; break;
		case 'v': r->idents[i++] = p + 1, r->nsev++; break;
		default: break;
		}
	}
	r->aliases = r->idents + r->nidents;
	r->cves = r->aliases + r->naliases;
	r->sev = r->cves + r->ncves;
	if (!r->nidents || i != r->nidents + r->naliases + r->ncves + r->nsev) {
		rc = err_set(ERR_INVALID, "the stored facts of a record are damaged");
		goto fail;
	}
	r->id = r->idents[0];
	if (c->n == c->cap) {
		struct vm_record **nr = realloc(c->recs, (c->cap = c->cap ? c->cap * 2 : 64) * sizeof(*nr));

		if (!nr) {
			rc = err_set(ERR_NOMEM, "out of memory");
			goto fail;
		}
		c->recs = nr;
	}
	c->recs[c->n++] = r;
	*out = r;
	return 0;
fail:
	if (r) {
		free(r->buf);
		free(r->idents);
		free(r);
	}
	return rc;
}

int vm_cve(struct vulndb *db, struct vm_cache *c, const char *id, const json_t **out)
{
	static const char *const kev_names[] = { "date_added", "due_date", "ransomware", "vendor", "product", "name" };
	static const char *const keep[] = { "ssvc", "cwe", "cvss", "title", "state" };
	json_t *j = json_object_get(c->cves, id), *kev, *epss, *doc = NULL;
	sqlite3_stmt *s;
	size_t i;
	int rc;

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
	if (c->cve_data < 0) {
		sqlite3_stmt *q = NULL;

		c->cve_data = 1;
		if (sqlite3_prepare_v2(db->db, "SELECT EXISTS(SELECT 1 FROM cve) OR EXISTS(SELECT 1 FROM kev) OR "
					       "EXISTS(SELECT 1 FROM epss)", -1, &q, NULL) == SQLITE_OK &&
		    sqlite3_step(q) == SQLITE_ROW)
			c->cve_data = sqlite3_column_int(q, 0);
		sqlite3_finalize(q);
	}
	if (!c->cve_data) {
		*out = c->none;
		return 0;
	}
	if (!(j = json_object()) || json_object_set_new(c->cves, id, j) < 0)
		return err_set(ERR_NOMEM, "out of memory");
	jsonx_set_str(j, "id", id);
	/* KEV, EPSS and the CVE record in one query: most CVEs have none of them. */
	if ((rc = vdb_stmt(db, Q_CVE_JOIN, &s)) < 0 || (rc = vdb_bind_text(s, 1, id)) < 0)
		return rc;
	if (sqlite3_step(s) == SQLITE_ROW) {
		if (sqlite3_column_type(s, 0) != SQLITE_NULL && (kev = json_object())) {
			for (i = 0; i < 6; i++)
				if (sqlite3_column_type(s, (int)i) != SQLITE_NULL)
					jsonx_set_str(kev, kev_names[i], (const char *)sqlite3_column_text(s, (int)i));
			json_object_set_new(j, "kev", kev);
		}
		if (sqlite3_column_type(s, 6) != SQLITE_NULL && (epss = json_object())) {
			jsonx_set_str(epss, "score", (const char *)sqlite3_column_text(s, 6));
			jsonx_set_str(epss, "percentile", (const char *)sqlite3_column_text(s, 7));
			json_object_update(epss, c->epss_meta);
			json_object_set_new(j, "epss", epss);
		}
		if (sqlite3_column_type(s, 8) != SQLITE_NULL &&
		    jsonx_parse((const char *)sqlite3_column_text(s, 8), (size_t)sqlite3_column_bytes(s, 8), id, &doc) == 0) {
			for (i = 0; i < ARRAY_SIZE(keep); i++)
				if (json_object_get(doc, keep[i]))
					json_object_set(j, keep[i], json_object_get(doc, keep[i]));
			json_decref(doc);
		}
	}
	sqlite3_reset(s);
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

/* Each "p" line of an entry's compact form whose type is type: its score, through fn. */
static void entry_scores(const char *entry, const char *type, void (*fn)(void *, const char *), void *ctx)
{
	const char *line, *nl, *tab;
	char buf[520];
	size_t tl = strlen(type);

	for (line = entry ? entry : ""; *line; line = nl + 1) {
		if (!(nl = strchr(line, '\n')))
			break;
		tab = memchr(line, '\t', (size_t)(nl - line));
		if (line[0] != 'p' || !tab || (size_t)(tab - line - 1) != tl || strncmp(line + 1, type, tl) ||
		    (size_t)(nl - tab - 1) >= sizeof(buf))
			continue;
		memcpy(buf, tab + 1, (size_t)(nl - tab - 1));
		buf[nl - tab - 1] = 0;
		fn(ctx, buf);
	}
}

struct rating_ctx {
	struct vm_severity *out;
	const char *id;
	int *best;
};

static void ubuntu_score(void *vctx, const char *score)
{
	struct rating_ctx *c = vctx;

	keep_rating(c->out, ubuntu_rating(score), score, "ubuntu", c->id);
}

static void distro_rating(const struct vm_target *t, const struct vm_member *m, struct vm_severity *out)
{
	size_t k;

	if (!strcmp(t->distro, "debian")) {
		const char *line, *nl;
		char word[72];

		for (line = m->entry ? m->entry : ""; *line; line = nl + 1) {
			if (!(nl = strchr(line, '\n')))
				break;
			if (line[0] != 'u' || (size_t)(nl - line) >= sizeof(word))
				continue;
			memcpy(word, line + 1, (size_t)(nl - line - 1));
			word[nl - line - 1] = 0;
			keep_rating(out, debian_rating(word), word, "debian", m->rec->id);
		}
	} else if (!strcmp(t->distro, "ubuntu")) {
		struct rating_ctx c = { out, m->rec->id, NULL };

		for (k = 0; k < m->rec->nsev; k++)
			if (util_has_prefix(m->rec->sev[k], "Ubuntu\t"))
				keep_rating(out, ubuntu_rating(m->rec->sev[k] + 7), m->rec->sev[k] + 7, "ubuntu", m->rec->id);
		entry_scores(m->entry, "Ubuntu", ubuntu_score, &c);
	} else {
		/* Red Hat and its rebuilds: "Important: openssl security update". */
		const char *sum = m->rec->summary, *colon = strchr(sum, ':');
		char word[16];

		if (colon && (size_t)(colon - sum) < sizeof(word)) {
			memcpy(word, sum, (size_t)(colon - sum));
			word[colon - sum] = 0;
			keep_rating(out, redhat_rating(word), word, t->distro, m->rec->id);
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

static void cvss3_score(void *vctx, const char *vec)
{
	struct rating_ctx *c = vctx;

	keep_cvss(c->out, c->best, 0, vec, "advisory-cvss", c->id);
}

static void cvss4_score(void *vctx, const char *vec)
{
	struct rating_ctx *c = vctx;

	keep_cvss(c->out, c->best, 1, vec, "advisory-cvss", c->id);
}

static void advisory_cvss(const struct vm_member *m, struct vm_severity *out, int *best)
{
	struct rating_ctx c = { out, m->rec->id, best };
	size_t k;

	for (k = 0; k < m->rec->nsev; k++) {
		const char *e = m->rec->sev[k];

		if (util_has_prefix(e, "CVSS_V3\t") || util_has_prefix(e, "CVSS_V4\t"))
			keep_cvss(out, best, e[6] == '3' ? 0 : 1, e + 8, "advisory-cvss", m->rec->id);
	}
	entry_scores(m->entry, "CVSS_V3", cvss3_score, &c);
	entry_scores(m->entry, "CVSS_V4", cvss4_score, &c);
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

int vm_severity(struct vulndb *db, struct vm_cache *c, const struct vm_target *t, const struct vm_member *m, size_t n,
		struct vm_severity *out)
{
	const json_t *info;
	size_t i, k;
	int rc, best = 99;

	memset(out, 0, sizeof(*out));
	out->score = -1;
	for (i = 0; t->distro && i < n; i++)
		distro_rating(t, &m[i], out);
	if (!out->severity)
		for (i = 0; i < n; i++)
			advisory_cvss(&m[i], out, &best);
	if (!out->severity) {
		for (i = 0; i < n; i++) {
			for (k = 0; k < m[i].rec->ncves; k++) {
				if ((rc = vm_cve(db, c, m[i].rec->cves[k], &info)) < 0)
					return rc;
				cve_cvss(m[i].rec->cves[k], info, out, &best);
			}
		}
	}
	if (!out->severity) {
		out->severity = "unknown";
		out->source = "none";
	}
	return 0;
}
