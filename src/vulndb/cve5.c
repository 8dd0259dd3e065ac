#include "cve5.h"

#include <stdlib.h>
#include <string.h>

#include "core/err.h"
#include "core/jsonx.h"
#include "core/util.h"
#include "cvss.h"
#include "osv.h"

#define CVE5_TEXT_MAX 512 /* bytes of title kept */
#define CVE5_LIST_MAX 256 /* metrics, problem types, descriptions, containers */

int cve5_id_ok(const char *s)
{
	size_t n, i;

	if (!s || strncmp(s, "CVE-", 4) || (n = strlen(s)) < 13 || n > 32 || s[8] != '-')
		return 0;
	for (i = 4; i < n; i++)
		if (i != 8 && (s[i] < '0' || s[i] > '9'))
			return 0;
	return 1;
}

static int set_str(json_t *obj, const char *key, const char *s)
{
	json_t *v;

	if (!s)
		return 0;
	if (!(v = json_string(s)) || json_object_set_new(obj, key, v) < 0)
		return err_set(ERR_NOMEM, "out of memory");
	return 0;
}

/* A short text member of the record, checked like an OSV id. */
static int short_text(const json_t *obj, const char *key, const char *where, const char **out)
{
	json_t *v = json_object_get(obj, key);

	*out = NULL;
	if (!v || json_is_null(v))
		return 0;
	if (!json_is_string(v) || !osv_text_ok(json_string_value(v), json_string_length(v), CVSS_VECTOR_MAX))
		return err_set(ERR_PARSE, "%s.%s is not a short string without control characters", where, key);
	*out = json_string_value(v);
	return 0;
}

static const char *const cvss_keys[] = { "cvssV4_0", "cvssV3_1", "cvssV3_0", "cvssV2_0" };
static const char *const cvss_versions[] = { "4.0", "3.1", "3.0", "2.0" };

/* metrics[] of one container: CVSS entries into cvss, the first SSVC and KEV marker into doc. */
static int metrics(const json_t *c, const char *where, const char *source, const char *provider, json_t *cvss,
		   json_t *doc)
{
	char w[96];
	json_t *ms = json_object_get(c, "metrics"), *m;
	size_t i, k;
	int rc;

	if (!ms || json_is_null(ms))
		return 0;
	if (!json_is_array(ms) || json_array_size(ms) > CVE5_LIST_MAX)
		return err_set(ERR_PARSE, "%s.metrics is not an array", where);
	json_array_foreach(ms, i, m) {
		json_t *other;

		if (!json_is_object(m))
			return err_set(ERR_PARSE, "%s.metrics[%zu] is not an object", where, i);
		for (k = 0; k < 4; k++) {
			json_t *o = json_object_get(m, cvss_keys[k]), *e, *score;
			const char *vec;

			if (!o)
				continue;
			snprintf(w, sizeof(w), "%s.metrics[%zu].%s", where, i, cvss_keys[k]);
			if (!json_is_object(o))
				return err_set(ERR_PARSE, "%s is not an object", w);
			if ((rc = short_text(o, "vectorString", w, &vec)) < 0)
				return rc;
			if (!vec)
				return err_set(ERR_PARSE, "%s.vectorString is missing", w);
			score = json_object_get(o, "baseScore");
			if (score && !json_is_number(score))
				return err_set(ERR_PARSE, "%s.baseScore is not a number", w);
			if (!(e = json_object()) || json_array_append_new(cvss, e) < 0)
				return err_set(ERR_NOMEM, "out of memory");
			if ((rc = set_str(e, "source", source)) < 0 || (rc = set_str(e, "provider", provider)) < 0 ||
			    (rc = set_str(e, "version", cvss_versions[k])) < 0 || (rc = set_str(e, "vector", vec)) < 0)
				return rc;
			if (score && json_object_set(e, "base_score", score) < 0)
				return err_set(ERR_NOMEM, "out of memory");
		}
		other = json_object_get(m, "other");
		if (!other)
			continue;
		snprintf(w, sizeof(w), "%s.metrics[%zu].other", where, i);
		if (!json_is_object(other))
			return err_set(ERR_PARSE, "%s is not an object", w);
		if (!json_is_string(json_object_get(other, "type")))
			continue;
		if (!strcmp(jsonx_str(other, "type"), "ssvc") && !json_object_get(doc, "ssvc")) {
			json_t *content = json_object_get(other, "content"), *opts, *o, *ssvc;
			const char *s;

			if (!json_is_object(content) || !json_is_array(opts = json_object_get(content, "options")) ||
			    json_array_size(opts) > 32)
				return err_set(ERR_PARSE, "%s.content.options is not an array", w);
			if (!(ssvc = json_object()) || json_object_set_new(doc, "ssvc", ssvc) < 0)
				return err_set(ERR_NOMEM, "out of memory");
			json_array_foreach(opts, k, o) {
				const char *key = json_is_object(o) && json_object_size(o) == 1
							  ? json_object_iter_key(json_object_iter(o)) : NULL;
				const char *name = !key ? NULL
						   : !strcmp(key, "Exploitation") ? "exploitation"
						   : !strcmp(key, "Automatable") ? "automatable"
						   : !strcmp(key, "Technical Impact") ? "technical_impact" : "";

				if (!name)
					return err_set(ERR_PARSE, "%s.content.options[%zu] is not a one-member object", w, k);
				if (!*name)
					continue;
				if ((rc = short_text(o, key, w, &s)) < 0)
					return rc;
				if (s && (rc = set_str(ssvc, name, s)) < 0)
					return rc;
			}
			if ((rc = short_text(content, "role", w, &s)) < 0 || (rc = set_str(ssvc, "role", s)) < 0 ||
			    (rc = short_text(content, "version", w, &s)) < 0 || (rc = set_str(ssvc, "version", s)) < 0 ||
			    (rc = short_text(content, "timestamp", w, &s)) < 0 || (rc = set_str(ssvc, "timestamp", s)) < 0 ||
			    (rc = set_str(ssvc, "provider", provider)) < 0)
				return rc;
		} else if (!strcmp(jsonx_str(other, "type"), "kev") && !json_object_get(doc, "kev_adp")) {
			json_t *content = json_object_get(other, "content"), *kev;
			const char *s;

			if (!json_is_object(content))
				return err_set(ERR_PARSE, "%s.content is not an object", w);
			if ((rc = short_text(content, "dateAdded", w, &s)) < 0)
				return rc;
			if (s) {
				if (!(kev = json_object()) || json_object_set_new(doc, "kev_adp", kev) < 0)
					return err_set(ERR_NOMEM, "out of memory");
				if ((rc = set_str(kev, "date_added", s)) < 0)
					return rc;
			}
		}
	}
	return 0;
}

/* problemTypes[].descriptions[].cweId of one container into the set cwe (keys). */
static int problem_types(const json_t *c, const char *where, json_t *cwe)
{
	json_t *pts = json_object_get(c, "problemTypes"), *pt, *ds, *d;
	size_t i, k;
	const char *id;
	int rc;

	if (!pts || json_is_null(pts))
		return 0;
	if (!json_is_array(pts) || json_array_size(pts) > CVE5_LIST_MAX)
		return err_set(ERR_PARSE, "%s.problemTypes is not an array", where);
	json_array_foreach(pts, i, pt) {
		char w[96];

		snprintf(w, sizeof(w), "%s.problemTypes[%zu]", where, i);
		if (!json_is_object(pt) || !json_is_array(ds = json_object_get(pt, "descriptions")) ||
		    json_array_size(ds) > CVE5_LIST_MAX)
			return err_set(ERR_PARSE, "%s.descriptions is not an array", w);
		json_array_foreach(ds, k, d) {
			if (!json_is_object(d))
				return err_set(ERR_PARSE, "%s.descriptions[%zu] is not an object", w, k);
			if ((rc = short_text(d, "cweId", w, &id)) < 0)
				return rc;
			if (id && json_object_set_new(cwe, id, json_true()) < 0)
				return err_set(ERR_NOMEM, "out of memory");
		}
	}
	return 0;
}

/* The CNA's title, else its first English description, cut to CVE5_TEXT_MAX bytes at a character boundary. */
static int title_of(const json_t *cna, json_t *doc)
{
	const char *t = jsonx_str(cna, "title");
	json_t *ds = json_object_get(cna, "descriptions"), *d;
	char buf[CVE5_TEXT_MAX + 1];
	size_t i, n;

	if (!t) {
		json_array_foreach(ds, i, d) {
			const char *lang = jsonx_str(d, "lang");

			if (lang && (!strcmp(lang, "en") || util_has_prefix(lang, "en-")) && (t = jsonx_str(d, "value")))
				break;
		}
	}
	if (!t)
		return 0;
	n = strlen(t);
	if (n > CVE5_TEXT_MAX) {
		n = CVE5_TEXT_MAX;
		while (n > 0 && ((unsigned char)t[n] & 0xc0) == 0x80)
			n--;
	}
	memcpy(buf, t, n);
	buf[n] = 0;
	for (i = 0; i < n; i++)
		if ((unsigned char)buf[i] < 0x20)
			buf[i] = ' ';
	return set_str(doc, "title", buf);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static int reduce(const json_t *rec, json_t *doc, int64_t *updated)
{
	json_t *meta, *containers, *cna, *adps, *adp, *cvss = NULL, *cwe = NULL, *list;
	const char *id, *state, *s, *key, *provider;
	size_t i;
	int rc;

	if (!json_is_object(rec))
		return err_set(ERR_PARSE, "not a JSON object");
	if ((s = jsonx_str(rec, "dataType")) && strcmp(s, "CVE_RECORD"))
		return err_set(ERR_PARSE, "dataType is '%.40s', not CVE_RECORD", s);
	meta = json_object_get(rec, "cveMetadata");
	if (!json_is_object(meta))
		return err_set(ERR_PARSE, "cveMetadata is missing");
	id = jsonx_str(meta, "cveId");
	if (!cve5_id_ok(id))
		return err_set(ERR_PARSE, "cveMetadata.cveId is not a CVE id");
	state = jsonx_str(meta, "state");
	if (!state || (strcmp(state, "PUBLISHED") && strcmp(state, "REJECTED")))
		return err_set(ERR_PARSE, "cveMetadata.state is not PUBLISHED or REJECTED");
	if ((rc = set_str(doc, "id", id)) < 0 || (rc = set_str(doc, "state", state)) < 0)
		return rc;
	*updated = 0;
	if ((rc = short_text(meta, "dateUpdated", "cveMetadata", &s)) < 0)
		return rc;
	if (s && util_timestamp_parse(s, updated) < 0)
		return err_set(ERR_PARSE, "cveMetadata.dateUpdated is not a timestamp");
	if ((rc = set_str(doc, "date_updated", s)) < 0)
		return rc;
	if (!strcmp(state, "REJECTED"))
		return 0;
	if ((rc = short_text(meta, "datePublished", "cveMetadata", &s)) < 0 || (rc = set_str(doc, "date_published", s)) < 0)
		return rc;
	containers = json_object_get(rec, "containers");
	cna = json_object_get(containers, "cna");
	if (!json_is_object(cna))
		return err_set(ERR_PARSE, "containers.cna is missing");
	if (!(cvss = json_array()) || !(cwe = json_object())) {
		rc = err_set(ERR_NOMEM, "out of memory");
		goto cleanup;
	}
	provider = jsonx_str(json_object_get(cna, "providerMetadata"), "shortName");
	if ((rc = title_of(cna, doc)) < 0 ||
	    (rc = metrics(cna, "containers.cna", "cna", provider ? provider : jsonx_str(meta, "assignerShortName"), cvss,
			  doc)) < 0 ||
	    (rc = problem_types(cna, "containers.cna", cwe)) < 0)
		goto cleanup;
	adps = json_object_get(containers, "adp");
	if (adps && (!json_is_array(adps) || json_array_size(adps) > CVE5_LIST_MAX)) {
		rc = err_set(ERR_PARSE, "containers.adp is not an array");
		goto cleanup;
	}
	json_array_foreach(adps, i, adp) {
		char w[48];

		snprintf(w, sizeof(w), "containers.adp[%zu]", i);
		if (!json_is_object(adp)) {
			rc = err_set(ERR_PARSE, "%s is not an object", w);
			goto cleanup;
		}
		provider = jsonx_str(json_object_get(adp, "providerMetadata"), "shortName");
		if ((rc = metrics(adp, w, "adp", provider, cvss, doc)) < 0 || (rc = problem_types(adp, w, cwe)) < 0)
			goto cleanup;
	}
	if (json_array_size(cvss) && json_object_set(doc, "cvss", cvss) < 0) {
		rc = err_set(ERR_NOMEM, "out of memory");
		goto cleanup;
	}
	if (json_object_size(cwe)) {
		/* Object keys give the set; jansson iterates them in insertion order, so sort. */
		const char **keys = calloc(json_object_size(cwe), sizeof(*keys));
		json_t *val;
		size_t n = 0, a;

		if (!keys || !(list = json_array())) {
			free(keys);
			rc = err_set(ERR_NOMEM, "out of memory");
			goto cleanup;
		}
		json_object_foreach(cwe, key, val)
			keys[n++] = key;
		qsort(keys, n, sizeof(*keys), cmp_str);
		for (a = 0; a < n; a++)
			json_array_append_new(list, json_string(keys[a]));
		free(keys);
		if (json_object_set_new(doc, "cwe", list) < 0) {
			rc = err_set(ERR_NOMEM, "out of memory");
			goto cleanup;
		}
	}
cleanup:
	json_decref(cvss);
	json_decref(cwe);
	return rc;
}

int cve5_parse(const char *buf, size_t len, json_t **out, int64_t *updated_epoch)
{
	json_error_t jerr;
	json_t *rec, *doc;
	int rc;

	*out = NULL;
	*updated_epoch = 0;
	if (len > CVE5_RECORD_MAX)
		return err_set(ERR_PARSE, "larger than %zu bytes", CVE5_RECORD_MAX);
	rec = json_loadb(buf, len, JSON_REJECT_DUPLICATES, &jerr);
	if (!rec)
		return err_set(ERR_PARSE, "not JSON: line %d column %d: %s", jerr.line, jerr.column, jerr.text);
	if (!(doc = json_object())) {
		json_decref(rec);
		return err_set(ERR_NOMEM, "out of memory");
	}
	rc = reduce(rec, doc, updated_epoch);
	json_decref(rec);
	if (rc < 0) {
		json_decref(doc);
		return rc;
	}
	*out = doc;
	return 0;
}
