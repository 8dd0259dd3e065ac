#include "osv.h"

#include <stdlib.h>
#include <string.h>

#include "core/err.h"
#include "core/jsonx.h"
#include "core/util.h"
#include "version.h"

/* The compact form of all entries of a record together stays under this. */
#define OSV_RANGES_MAX ((size_t)64 * 1024 * 1024)

int osv_text_ok(const char *s, size_t len, size_t max)
{
	size_t i;

	if (!s || len == 0 || len > max)
		return 0;
	for (i = 0; i < len; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			return 0;
	return 1;
}

/* A string member that must pass osv_text_ok when present; *out NULL when absent. */
static int opt_text(const json_t *obj, const char *key, size_t max, const char *where, const char **out)
{
	json_t *v = json_object_get(obj, key);

	*out = NULL;
	if (!v || json_is_null(v))
		return 0;
	if (!json_is_string(v) || !osv_text_ok(json_string_value(v), json_string_length(v), max))
		return err_set(ERR_PARSE, "%s%s must be a non-empty string of at most %zu bytes without control characters",
			       where, key, max);
	*out = json_string_value(v);
	return 0;
}

static int timestamp(const json_t *doc, const char *key, int required, const char **s, int64_t *epoch)
{
	json_t *v = json_object_get(doc, key);

	*s = NULL;
	if (!v || json_is_null(v)) {
		if (required)
			return err_set(ERR_PARSE, "%s is missing", key);
		return 0;
	}
	if (!json_is_string(v) || json_string_length(v) > 64 || strlen(json_string_value(v)) != json_string_length(v) ||
	    util_timestamp_parse(json_string_value(v), epoch) < 0)
		return err_set(ERR_PARSE, "%s is not an RFC 3339 timestamp", key);
	*s = json_string_value(v);
	return 0;
}

/* An optional array of id strings (aliases, upstream, related). */
static int id_list(const json_t *doc, const char *key)
{
	json_t *v = json_object_get(doc, key), *e;
	size_t i;

	if (!v || json_is_null(v))
		return 0;
	if (!json_is_array(v) || json_array_size(v) > OSV_AFFECTED_MAX)
		return err_set(ERR_PARSE, "%s is not an array of ids", key);
	json_array_foreach(v, i, e) {
		if (!json_is_string(e) || !osv_text_ok(json_string_value(e), json_string_length(e), OSV_ID_MAX))
			return err_set(ERR_PARSE, "%s[%zu] is not an id (a string of 1 to %d bytes without control characters)",
				       key, i, OSV_ID_MAX);
	}
	return 0;
}

/* severity: [{type, score}], at the top or in an affected entry. */
static int severity_list(const json_t *v, const char *where)
{
	json_t *e;
	size_t i;

	if (!v || json_is_null(v))
		return 0;
	if (!json_is_array(v) || json_array_size(v) > 64)
		return err_set(ERR_PARSE, "%sseverity is not an array", where);
	json_array_foreach(v, i, e) {
		if (!json_is_object(e) || !json_is_string(json_object_get(e, "type")) ||
		    !json_is_string(json_object_get(e, "score")))
			return err_set(ERR_PARSE, "%sseverity[%zu] is not {type, score} with string values", where, i);
	}
	return 0;
}

static int add_item(struct strbuf *out, char tag, const char *v)
{
	int rc;

	if ((rc = strbuf_addch(out, tag)) < 0 || (rc = strbuf_addstr(out, v)) < 0 || (rc = strbuf_addch(out, '\n')) < 0)
		return rc == ERR_LIMIT ? err_set(ERR_LIMIT, "the record's ranges are over %zu bytes", OSV_RANGES_MAX) : rc;
	return 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* One line "tag value" for each distinct string of v[0..n-1], sorted, skip left out. */
static int add_set(struct strbuf *out, char tag, const char **v, size_t n, const char *skip)
{
	size_t i;
	int rc = 0;

	qsort(v, n, sizeof(*v), cmp_str);
	for (i = 0; i < n && rc == 0; i++)
		if (!(i && !strcmp(v[i], v[i - 1])) && !(skip && !strcmp(v[i], skip)))
			rc = add_item(out, tag, v[i]);
	return rc;
}

int osv_facts(const struct osv_record *r, struct strbuf *out)
{
	static const char *const lists[] = { "aliases", "upstream", "related" };
	const char *summary = jsonx_strz(r->doc, "summary"), **all = NULL, **cves = NULL;
	size_t na = 0, nc = 0, i, k, total = 0;
	json_t *v;
	int rc;

	for (k = 0; k < 3; k++)
		total += json_array_size(json_object_get(r->doc, lists[k]));
	if (!(all = malloc((total + 1) * sizeof(*all))) || !(cves = malloc((total + 1) * sizeof(*cves)))) {
		rc = err_set(ERR_NOMEM, "out of memory");
		goto cleanup;
	}
	/* The summary on one line (it is plain text, one line by the schema; control characters become spaces). */
	if ((rc = strbuf_addch(out, 's')) < 0)
		goto cleanup;
	for (i = 0; summary[i] && rc == 0; i++)
		rc = strbuf_addch(out, (unsigned char)summary[i] < 0x20 ? ' ' : summary[i]);
	if (rc < 0 || (rc = strbuf_addch(out, '\n')) < 0 || (rc = add_item(out, 'i', r->id)) < 0)
		goto cleanup;
	json_array_foreach(json_object_get(r->doc, "aliases"), i, v)
		if ((rc = add_item(out, 'i', json_string_value(v))) < 0)
			goto cleanup;
	if (util_has_prefix(r->id, "CVE-"))
		cves[nc++] = r->id;
	for (k = 0; k < 3; k++) {
		json_array_foreach(json_object_get(r->doc, lists[k]), i, v) {
			if (k < 2)
				all[na++] = json_string_value(v);
			if (util_has_prefix(json_string_value(v), "CVE-"))
				cves[nc++] = json_string_value(v);
		}
	}
	if ((rc = add_set(out, 'a', all, na, r->id)) < 0 || (rc = add_set(out, 'c', cves, nc, NULL)) < 0)
		goto cleanup;
	json_array_foreach(json_object_get(r->doc, "severity"), i, v) {
		json_t *type = json_object_get(v, "type"), *score = json_object_get(v, "score");

		if (osv_text_ok(json_string_value(type), json_string_length(type), 32) &&
		    osv_text_ok(json_string_value(score), json_string_length(score), 512) &&
		    (rc = strbuf_addf(out, "v%s\t%s\n", json_string_value(type), json_string_value(score))) < 0)
			goto cleanup;
	}
cleanup:
	free(all);
	free(cves);
	return rc;
}

int osv_package_key(struct strbuf *out, const char *ecosystem, const char *name)
{
	const char *c;
	int rc = 0;

	if (strcmp(ecosystem, "PyPI") && !util_has_prefix(ecosystem, "PyPI:"))
		return strbuf_addstr(out, name);
	/* PEP 503: lowercase, runs of '-', '_' and '.' become one '-'. */
	for (c = name; *c && rc == 0; c++) {
		int sep = *c == '-' || *c == '_' || *c == '.';

		if (sep) {
			if (out->len && out->buf[out->len - 1] == '-')
				continue;
			rc = strbuf_addch(out, '-');
		} else {
			rc = strbuf_addch(out, *c >= 'A' && *c <= 'Z' ? *c + 32 : *c);
		}
	}
	return rc;
}

/* One range into out; *git set when it is a GIT range (left out). */
static int one_range(const json_t *r, const char *where, struct strbuf *out, size_t *items, int *git, int *modular)
{
	static const char *const kinds[] = { "introduced", "fixed", "last_affected", "limit" };
	static const char tags[] = { 'i', 'f', 'l', 'x' };
	const char *type;
	json_t *events, *e;
	size_t i, mark = out->len;
	int nintro = 0, nfixed = 0, nlast = 0, rc;

	*git = 0;
	if (!json_is_object(r))
		return err_set(ERR_PARSE, "%s is not an object", where);
	type = jsonx_str(r, "type");
	if (!type)
		return err_set(ERR_PARSE, "%s.type is missing", where);
	if (strcmp(type, "ECOSYSTEM") && strcmp(type, "SEMVER") && strcmp(type, "GIT"))
		return err_set(ERR_PARSE, "%s.type: '%.40s' is not ECOSYSTEM, SEMVER or GIT", where, type);
	*git = !strcmp(type, "GIT");
	events = json_object_get(r, "events");
	if (!json_is_array(events) || json_array_size(events) == 0)
		return err_set(ERR_PARSE, "%s.events is not a non-empty array", where);
	if (!*git && (rc = add_item(out, type[0] == 'E' ? 'E' : 'S', "")) < 0)
		return rc;
	json_array_foreach(events, i, e) {
		const char *key = NULL, *val;
		json_t *v = NULL;
		size_t k;

		if (++*items > OSV_ITEMS_MAX)
			return err_set(ERR_PARSE, "%s: more than %d events and versions", where, OSV_ITEMS_MAX);
		if (json_is_object(e) && json_object_size(e) == 1) {
			key = json_object_iter_key(json_object_iter(e));
			v = json_object_iter_value(json_object_iter(e));
		}
		for (k = 0; key && k < 4 && strcmp(key, kinds[k]); k++)
			;
		if (!key || k == 4)
			return err_set(ERR_PARSE,
				       "%s.events[%zu] must have exactly one of introduced, fixed, last_affected, limit", where, i);
		if (!json_is_string(v) || !osv_text_ok(json_string_value(v), json_string_length(v), VER_MAX_LEN))
			return err_set(ERR_PARSE, "%s.events[%zu].%s is not a version (1 to %d bytes, no control characters)",
				       where, i, key, VER_MAX_LEN);
		val = json_string_value(v);
		nintro += k == 0;
		nfixed += k == 1;
		nlast += k == 2;
		if (!*git && strstr(val, ".module"))
			*modular = 1;
		if (!*git && (rc = add_item(out, tags[k], val)) < 0)
			return rc;
	}
	if (!nintro)
		return err_set(ERR_PARSE, "%s.events has no introduced event", where);
	if (nfixed && nlast)
		return err_set(ERR_PARSE, "%s.events has both fixed and last_affected events", where);
	if (*git)
		strbuf_setlen(out, mark);
	return 0;
}

static int one_affected(const json_t *a, size_t idx, struct osv_affected *out, size_t *git_ranges)
{
	struct strbuf ranges = STRBUF_INIT, key = STRBUF_INIT;
	char where[96];
	const char *eco = NULL, *name = NULL;
	json_t *pkg, *rs, *vs, *r, *v, *es;
	size_t i, items = 0;
	int rc = 0, modular = 0, git;

	strbuf_init(&ranges, OSV_RANGES_MAX);
	memset(out, 0, sizeof(*out));
	snprintf(where, sizeof(where), "affected[%zu]", idx);
	if (!json_is_object(a))
		return err_set(ERR_PARSE, "%s is not an object", where);
	pkg = json_object_get(a, "package");
	if (pkg && !json_is_null(pkg)) {
		if (!json_is_object(pkg))
			return err_set(ERR_PARSE, "%s.package is not an object", where);
		snprintf(where, sizeof(where), "affected[%zu].package.", idx);
		if ((rc = opt_text(pkg, "ecosystem", OSV_NAME_MAX, where, &eco)) < 0 ||
		    (rc = opt_text(pkg, "name", OSV_NAME_MAX, where, &name)) < 0)
			return rc;
		if (!eco || !name)
			return err_set(ERR_PARSE, "affected[%zu].package needs both ecosystem and name", idx);
	}
	snprintf(where, sizeof(where), "affected[%zu].", idx);
	if ((rc = severity_list(json_object_get(a, "severity"), where)) < 0)
		return rc;
	es = json_object_get(a, "ecosystem_specific");
	if (es && !json_is_null(es) && !json_is_object(es))
		return err_set(ERR_PARSE, "%secosystem_specific is not an object", where);
	if (json_is_string(json_object_get(es, "rpm_modularity")))
		modular = 1;
	if (json_is_string(v = json_object_get(es, "urgency")) && osv_text_ok(json_string_value(v), json_string_length(v), 64) &&
	    (rc = add_item(&ranges, 'u', json_string_value(v))) < 0)
		goto cleanup;
	json_array_foreach(json_object_get(a, "severity"), i, r) {
		json_t *type = json_object_get(r, "type"), *score = json_object_get(r, "score");

		if (!osv_text_ok(json_string_value(type), json_string_length(type), 32) ||
		    !osv_text_ok(json_string_value(score), json_string_length(score), 512))
			continue;
		if ((rc = strbuf_addf(&ranges, "p%s\t%s\n", json_string_value(type), json_string_value(score))) < 0)
			goto cleanup;
	}
	rs = json_object_get(a, "ranges");
	if (rs && !json_is_null(rs) && !json_is_array(rs))
		return err_set(ERR_PARSE, "%sranges is not an array", where);
	json_array_foreach(rs, i, r) {
		snprintf(where, sizeof(where), "affected[%zu].ranges[%zu]", idx, i);
		if ((rc = one_range(r, where, &ranges, &items, &git, &modular)) < 0)
			goto cleanup;
		*git_ranges += git;
	}
	vs = json_object_get(a, "versions");
	if (vs && !json_is_null(vs) && !json_is_array(vs)) {
		rc = err_set(ERR_PARSE, "affected[%zu].versions is not an array", idx);
		goto cleanup;
	}
	json_array_foreach(vs, i, v) {
		if (++items > OSV_ITEMS_MAX) {
			rc = err_set(ERR_PARSE, "affected[%zu]: more than %d events and versions", idx, OSV_ITEMS_MAX);
			goto cleanup;
		}
		if (!json_is_string(v) || !osv_text_ok(json_string_value(v), json_string_length(v), VER_MAX_LEN)) {
			rc = err_set(ERR_PARSE, "affected[%zu].versions[%zu] is not a version (1 to %d bytes, no control characters)",
				     idx, i, VER_MAX_LEN);
			goto cleanup;
		}
		if ((rc = add_item(&ranges, 'v', json_string_value(v))) < 0)
			goto cleanup;
	}
	if (modular && (rc = add_item(&ranges, 'm', "")) < 0)
		goto cleanup;
	if (eco) {
		if ((rc = osv_package_key(&key, eco, name)) < 0)
			goto cleanup;
		out->ecosystem = util_strdup(eco);
		out->name = util_strdup(name);
		out->key = strbuf_detach(&key, NULL);
		if (!out->ecosystem || !out->name) {
			rc = ERR_NOMEM;
			goto cleanup;
		}
	}
	out->ranges = strbuf_detach(&ranges, NULL);
cleanup:
	if (rc < 0) {
		free(out->ecosystem);
		free(out->name);
		free(out->key);
		memset(out, 0, sizeof(*out));
	}
	strbuf_release(&ranges);
	strbuf_release(&key);
	return rc;
}

static int check_record(struct osv_record *r)
{
	json_t *doc = r->doc, *aff, *a, *v;
	const char *s;
	size_t i;
	int rc;

	if (!json_is_object(doc))
		return err_set(ERR_PARSE, "not a JSON object");
	if (!json_object_get(doc, "id"))
		return err_set(ERR_PARSE, "id is missing");
	if ((rc = opt_text(doc, "id", OSV_ID_MAX, "", &r->id)) < 0)
		return rc;
	if ((rc = timestamp(doc, "modified", 1, &r->modified, &r->modified_epoch)) < 0 ||
	    (rc = timestamp(doc, "published", 0, &r->published, &(int64_t){ 0 })) < 0 ||
	    (rc = timestamp(doc, "withdrawn", 0, &r->withdrawn, &r->withdrawn_epoch)) < 0)
		return rc;
	if (!r->withdrawn)
		r->withdrawn_epoch = INT64_MAX;
	if ((rc = id_list(doc, "aliases")) < 0 || (rc = id_list(doc, "upstream")) < 0 ||
	    (rc = id_list(doc, "related")) < 0)
		return rc;
	v = json_object_get(doc, "summary");
	if (v && !json_is_null(v) && !json_is_string(v))
		return err_set(ERR_PARSE, "summary is not a string");
	if ((rc = opt_text(doc, "schema_version", 32, "", &s)) < 0)
		return rc;
	if ((rc = severity_list(json_object_get(doc, "severity"), "")) < 0)
		return rc;
	aff = json_object_get(doc, "affected");
	if (aff && !json_is_null(aff) && !json_is_array(aff))
		return err_set(ERR_PARSE, "affected is not an array");
	if (json_array_size(aff) > OSV_AFFECTED_MAX)
		return err_set(ERR_PARSE, "affected has more than %d entries", OSV_AFFECTED_MAX);
	if (json_array_size(aff)) {
		r->affected = calloc(json_array_size(aff), sizeof(*r->affected));
		if (!r->affected)
			return err_set(ERR_NOMEM, "out of memory");
	}
	json_array_foreach(aff, i, a) {
		if ((rc = one_affected(a, i, &r->affected[i], &r->git_ranges)) < 0)
			return rc;
		r->naffected++;
	}
	return 0;
}

int osv_parse(const char *buf, size_t len, struct osv_record *out)
{
	json_error_t jerr;
	int rc;

	memset(out, 0, sizeof(*out));
	if (len > OSV_RECORD_MAX)
		return err_set(ERR_PARSE, "larger than %zu bytes", OSV_RECORD_MAX);
	/* NUL inside strings is let through so that it can be refused by name below. */
	out->doc = json_loadb(buf, len, JSON_REJECT_DUPLICATES | JSON_ALLOW_NUL, &jerr);
	if (!out->doc)
		return err_set(ERR_PARSE, "not JSON: line %d column %d: %s", jerr.line, jerr.column, jerr.text);
	if ((rc = check_record(out)) < 0)
		osv_record_release(out);
	return rc;
}

void osv_record_release(struct osv_record *r)
{
	size_t i;

	for (i = 0; i < r->naffected; i++) {
		free(r->affected[i].ecosystem);
		free(r->affected[i].name);
		free(r->affected[i].key);
		free(r->affected[i].ranges);
	}
	free(r->affected);
	json_decref(r->doc);
	memset(r, 0, sizeof(*r));
}
