#include "rule.h"

#include <dirent.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "catalog.h"
#include "core/crypto.h"
#include "core/err.h"
#include "core/jsonx.h"
#include "core/util.h"
#include "path.h"

#define RULE_MAX_PER_PACK 2000

static const char *const severities[] = { "critical", "high", "medium", "low", "info", NULL };
static const char *const framework_keys[] = { "cis", "nist_800_53_r5", "soc2", "pci_dss_4", "iso_27001_2022",
					      "nsa_cisa_k8s", NULL };
static const char *const rule_keys[] = { "id", "title", "resource", "requires", "severity", "frameworks", "params",
					 "when", "assert", "remediation", "effort_hours", "tests", "description",
					 "references", "comment", NULL };

void ruleset_init(struct ruleset *rs)
{
	memset(rs, 0, sizeof(*rs));
}

static void pack_free(struct pack *p)
{
	size_t i;

	if (!p)
		return;
	for (i = 0; i < p->n; i++) {
		pred_free(p->rules[i].when);
		pred_free(p->rules[i].check);
		json_decref(p->rules[i].params);
	}
	free(p->rules);
	free(p->name);
	free(p->title);
	free(p->version);
	free(p->file);
	json_decref(p->doc);
	free(p);
}

void ruleset_release(struct ruleset *rs)
{
	size_t i;

	for (i = 0; i < rs->npacks; i++)
		pack_free(rs->packs[i]);
	free(rs->packs);
	memset(rs, 0, sizeof(*rs));
}

const struct rule *ruleset_find(const struct ruleset *rs, const char *id)
{
	size_t i, k;

	for (i = 0; i < rs->npacks; i++)
		for (k = 0; k < rs->packs[i]->n; k++)
			if (!strcmp(rs->packs[i]->rules[k].id, id))
				return &rs->packs[i]->rules[k];
	return NULL;
}

const struct pack *ruleset_pack(const struct ruleset *rs, const char *name)
{
	size_t i;

	for (i = 0; i < rs->npacks; i++)
		if (!strcmp(rs->packs[i]->name, name))
			return rs->packs[i];
	return NULL;
}

int rule_collected(const struct rule *r)
{
	size_t i;

	for (i = 0; i < r->nrequires; i++) {
		const struct dataset *d = catalog_dataset(r->requires[i]);

		if (!d || !d->collector)
			return 0;
	}
	return 1;
}

static int in_list(const char *s, const char *const *list)
{
	size_t i;

	for (i = 0; s && list[i]; i++)
		if (!strcmp(list[i], s))
			return 1;
	return 0;
}

static int valid_rule_id(const char *s)
{
	size_t i, n = strlen(s);

	if (!n || n > 64 || !((s[0] >= 'A' && s[0] <= 'Z') || (s[0] >= '0' && s[0] <= '9')))
		return 0;
	for (i = 0; i < n; i++) {
		char c = s[i];

		if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' ||
		      c == '-' || c == '_'))
			return 0;
	}
	return 1;
}

/* "FILE: rule ID: reason", the one shape of every load error. */
static int rule_error(const char *file, const char *id, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int rule_error(const char *file, const char *id, const char *fmt, ...)
{
	struct strbuf m = STRBUF_INIT;
	va_list ap;
	int rc;

	va_start(ap, fmt);
	strbuf_vaddf(&m, fmt, ap);
	va_end(ap);
	rc = err_set(ERR_INVALID, "%s: rule %s: %s", file, id ? id : "?", m.buf);
	strbuf_release(&m);
	return rc;
}

static int check_string_list(const json_t *v, int required)
{
	json_t *item;
	size_t i;

	if (!v)
		return required ? -1 : 0;
	if (!json_is_array(v))
		return -1;
	json_array_foreach(v, i, item)
		if (!json_is_string(item) || !json_string_length(item))
			return -1;
	return 0;
}

static int check_frameworks(const char *file, const char *id, const json_t *fw)
{
	const char *key;
	json_t *v;

	if (!json_is_object(fw) || !json_object_size(fw))
		return rule_error(file, id, "'frameworks' maps framework names to control ids (cis, nist_800_53_r5, "
					    "soc2, pci_dss_4, iso_27001_2022, nsa_cisa_k8s)");
	json_object_foreach((json_t *)fw, key, v) {
		if (!in_list(key, framework_keys))
			return rule_error(file, id, "unknown framework '%s' (cis, nist_800_53_r5, soc2, pci_dss_4, "
						    "iso_27001_2022, nsa_cisa_k8s)", key);
		if (!strcmp(key, "cis")) {
			if (!json_is_object(v) || !jsonx_str(v, "benchmark") || !jsonx_str(v, "version") ||
			    !jsonx_str(v, "section"))
				return rule_error(file, id, "frameworks.cis needs benchmark, version and section");
		} else if (!strcmp(key, "nsa_cisa_k8s")) {
			if (!json_is_string(v))
				return rule_error(file, id, "frameworks.nsa_cisa_k8s names the guide's section (a string)");
		} else if (check_string_list(v, 1) < 0 || !json_array_size(v)) {
			return rule_error(file, id, "frameworks.%s is a non-empty list of control ids", key);
		}
	}
	if (!json_object_get(fw, "nist_800_53_r5"))
		return rule_error(file, id, "every rule maps to NIST SP 800-53 r5 (frameworks.nist_800_53_r5)");
	return 0;
}

/* A test case: a document, or {name, base, set, unset, docs}. */
static int check_test(const char *file, const char *id, const json_t *pack, const json_t *t, const char *which,
		      size_t i)
{
	const char *key, *base;
	json_t *v;
	struct path *p = NULL;
	size_t k;

	if (!json_is_object(t))
		return rule_error(file, id, "tests.%s[%zu] is not an object", which, i);
	if (!json_object_get(t, "base") && !json_object_get(t, "docs"))
		return 0;
	json_object_foreach((json_t *)t, key, v) {
		if (!in_list(key, (const char *const[]){ "name", "base", "set", "unset", "docs", "comment", NULL }))
			return rule_error(file, id, "tests.%s[%zu]: unknown key '%s' (name, base, set, unset, docs)",
					  which, i, key);
	}
	if ((base = jsonx_str(t, "base")) && !json_object_get(json_object_get(pack, "fixtures"), base))
		return rule_error(file, id, "tests.%s[%zu]: no fixture '%s' in the pack", which, i, base);
	if (json_object_get(t, "docs") && !json_is_array(json_object_get(t, "docs")))
		return rule_error(file, id, "tests.%s[%zu]: 'docs' is a list of documents", which, i);
	if ((json_object_get(t, "set") || json_object_get(t, "unset")) && !base)
		return rule_error(file, id, "tests.%s[%zu]: 'set' and 'unset' change a 'base' fixture", which, i);
	json_object_foreach(json_object_get(t, "set"), key, v) {
		if (path_parse(&p, key) < 0)
			return rule_error(file, id, "tests.%s[%zu]: set '%s': %s", which, i, key, err_last());
		path_free(p);
	}
	json_array_foreach(json_object_get(t, "unset"), k, v) {
		if (!json_is_string(v) || path_parse(&p, json_string_value(v)) < 0)
			return rule_error(file, id, "tests.%s[%zu]: unset[%zu] is not a path", which, i, k);
		path_free(p);
	}
	return 0;
}

static int load_rule(struct pack *pk, struct rule *r, json_t *doc, const char *file, const struct ruleset *rs)
{
	const char *id = jsonx_str(doc, "id"), *key;
	json_t *v, *tests;
	size_t i;
	int rc;

	memset(r, 0, sizeof(*r));
	r->doc = doc;
	r->pack = pk;
	if (!json_is_object(doc))
		return rule_error(file, NULL, "a rule is an object");
	if (!id || !valid_rule_id(id))
		return rule_error(file, id, "'id' is required: letters, digits, '.', '-', '_', starting with a capital "
					    "or digit, at most 64 (e.g. CIS-K8S-1.10-5.2.2)");
	r->id = id;
	json_object_foreach(doc, key, v)
		if (!in_list(key, rule_keys))
			return rule_error(file, id, "unknown key '%s'", key);
	if (ruleset_find(rs, id))
		return rule_error(file, id, "the id is used twice");
	for (i = 0; i < pk->n; i++)
		if (!strcmp(pk->rules[i].id, id))
			return rule_error(file, id, "the id is used twice");
	if (!(r->title = jsonx_str(doc, "title")) || !*r->title || strlen(r->title) > 200)
		return rule_error(file, id, "'title' is required (one line, at most 200 characters)");
	if (!(r->resource = jsonx_str(doc, "resource")) || !catalog_kind(r->resource))
		return rule_error(file, id, "'resource' names no known resource kind ('%s'; docs/resources.md lists them)",
				  r->resource ? r->resource : "");
	if (!(r->severity = jsonx_str(doc, "severity")) || !in_list(r->severity, severities))
		return rule_error(file, id, "'severity' is critical, high, medium, low or info");
	v = json_object_get(doc, "requires");
	if (check_string_list(v, 1) < 0 || !json_array_size(v) || json_array_size(v) > RULE_MAX_REQUIRES)
		return rule_error(file, id, "'requires' lists the data sets the rule reads (1 to %d)", RULE_MAX_REQUIRES);
	for (i = 0; i < json_array_size(v); i++) {
		r->requires[i] = json_string_value(json_array_get(v, i));
		if (!catalog_dataset(r->requires[i]))
			return rule_error(file, id, "requires an unknown data set '%s' (docs/resources.md lists them)",
					  r->requires[i]);
	}
	r->nrequires = json_array_size(v);
	if ((rc = check_frameworks(file, id, json_object_get(doc, "frameworks"))) < 0)
		return rc;
	if (!json_is_string(json_object_get(doc, "remediation")) || !json_string_length(json_object_get(doc, "remediation")))
		return rule_error(file, id, "'remediation' is required (what to change)");
	v = json_object_get(doc, "effort_hours");
	if (!json_is_number(v) || json_number_value(v) < 0 || json_number_value(v) > 10000)
		return rule_error(file, id, "'effort_hours' is required: a number of hours (0 to 10000)");
	v = json_object_get(doc, "params");
	if (v && !json_is_object(v))
		return rule_error(file, id, "'params' maps names to default values");
	r->params = v ? json_incref(v) : json_object();
	if (!json_object_get(doc, "assert"))
		return rule_error(file, id, "'assert' is required (the predicate a compliant resource satisfies)");
	if ((rc = pred_compile(&r->check, json_object_get(doc, "assert"), r->params, "assert")) < 0)
		return rule_error(file, id, "%s", err_last());
	if (json_object_get(doc, "when") &&
	    (rc = pred_compile(&r->when, json_object_get(doc, "when"), r->params, "when")) < 0)
		return rule_error(file, id, "%s", err_last());
	tests = json_object_get(doc, "tests");
	if (!json_is_object(tests) || !json_array_size(json_object_get(tests, "pass")) ||
	    !json_array_size(json_object_get(tests, "fail")))
		return rule_error(file, id, "'tests' needs at least one 'pass' and one 'fail' case");
	json_object_foreach(tests, key, v) {
		json_t *t;

		if (strcmp(key, "pass") && strcmp(key, "fail") && strcmp(key, "error") && strcmp(key, "skip"))
			return rule_error(file, id, "tests.%s: the cases are 'pass', 'fail', 'error' and 'skip'", key);
		if (!json_is_array(v))
			return rule_error(file, id, "tests.%s is a list", key);
		json_array_foreach(v, i, t)
			if ((rc = check_test(file, id, pk->doc, t, key, i)) < 0)
				return rc;
	}
	v = json_object_get(doc, "references");
	if (v && check_string_list(v, 0) < 0)
		return rule_error(file, id, "'references' is a list of URLs");
	return 0;
}

static int add_pack(struct ruleset *rs, struct pack *pk)
{
	struct pack **np = realloc(rs->packs, (rs->npacks + 1) * sizeof(*np));

	if (!np)
		return err_set(ERR_NOMEM, "out of memory");
	rs->packs = np;
	rs->packs[rs->npacks++] = pk;
	rs->nrules += pk->n;
	return 0;
}

int ruleset_load_buffer(struct ruleset *rs, const char *buf, size_t len, const char *name)
{
	struct pack *pk = NULL;
	struct strbuf hex = STRBUF_INIT;
	json_t *doc = NULL, *rules, *item;
	const char *key;
	size_t i;
	int rc;

	if (len > RULE_PACK_MAX_BYTES)
		return err_set(ERR_LIMIT, "%s: a rule pack is at most %d bytes", name, RULE_PACK_MAX_BYTES);
	if ((rc = jsonx_parse(buf, len, name, &doc)) < 0)
		return rc;
	if (!(pk = calloc(1, sizeof(*pk)))) {
		rc = err_set(ERR_NOMEM, "out of memory");
		goto cleanup;
	}
	pk->doc = doc;
	doc = NULL;
	if (!json_is_object(pk->doc) || !jsonx_str(pk->doc, "pack") || !jsonx_str(pk->doc, "version") ||
	    !jsonx_str(pk->doc, "title")) {
		rc = err_set(ERR_INVALID, "%s: a rule pack is an object with 'pack', 'title', 'version' and 'rules'", name);
		goto cleanup;
	}
	json_object_foreach(pk->doc, key, item) {
		if (!in_list(key, (const char *const[]){ "pack", "title", "version", "description", "fixtures", "rules", "test_as_of",
							  "comment", NULL })) {
			rc = err_set(ERR_INVALID, "%s: unknown key '%s' in the pack", name, key);
			goto cleanup;
		}
	}
	if (ruleset_pack(rs, jsonx_str(pk->doc, "pack"))) {
		rc = err_set(ERR_INVALID, "%s: a pack named '%s' is already loaded", name, jsonx_str(pk->doc, "pack"));
		goto cleanup;
	}
	if (json_object_get(pk->doc, "fixtures") && !json_is_object(json_object_get(pk->doc, "fixtures"))) {
		rc = err_set(ERR_INVALID, "%s: 'fixtures' maps names to documents", name);
		goto cleanup;
	}
	rules = json_object_get(pk->doc, "rules");
	if (!json_is_array(rules) || json_array_size(rules) > RULE_MAX_PER_PACK) {
		rc = err_set(ERR_INVALID, "%s: 'rules' is a list of at most %d rules", name, RULE_MAX_PER_PACK);
		goto cleanup;
	}
	if (!(pk->name = util_strdup(jsonx_str(pk->doc, "pack"))) || !(pk->title = util_strdup(jsonx_str(pk->doc, "title"))) ||
	    !(pk->version = util_strdup(jsonx_str(pk->doc, "version"))) || !(pk->file = util_strdup(name)) ||
	    !(pk->rules = calloc(json_array_size(rules) + 1, sizeof(*pk->rules)))) {
		rc = err_set(ERR_NOMEM, "out of memory");
		goto cleanup;
	}
	json_array_foreach(rules, i, item) {
		rc = load_rule(pk, &pk->rules[i], item, name, rs);
		pk->n++; /* counted even when it failed, so pack_free releases what it compiled */
		if (rc < 0)
			goto cleanup;
	}
	if ((rc = sha256_hex(&hex, buf, len)) < 0)
		goto cleanup;
	snprintf(pk->digest, sizeof(pk->digest), "sha256:%s", hex.buf);
	pk->size = (long long)len;
	if ((rc = add_pack(rs, pk)) == 0)
		pk = NULL;
cleanup:
	json_decref(doc);
	pack_free(pk);
	strbuf_release(&hex);
	return rc;
}

int ruleset_load_file(struct ruleset *rs, const char *path)
{
	struct strbuf text = STRBUF_INIT;
	int rc;

	strbuf_init(&text, RULE_PACK_MAX_BYTES);
	if ((rc = strbuf_read_file(&text, path)) < 0)
		rc = err_prefix(rc, "%s", path);
	else
		rc = ruleset_load_buffer(rs, text.buf, text.len, path);
	strbuf_release(&text);
	return rc;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int ruleset_load_dir(struct ruleset *rs, const char *dir)
{
	struct strbuf path = STRBUF_INIT;
	char **names = NULL;
	size_t n = 0, i;
	struct dirent *de;
	DIR *d = opendir(dir);
	int rc = 0;

	if (!d)
		return err_set(ERR_IO, "%s: cannot open the rules folder", dir);
	while ((de = readdir(d)) && n < 1000) {
		char **nn;

		if (de->d_name[0] == '.' || !util_has_suffix(de->d_name, ".json"))
			continue;
		if (!(nn = realloc(names, (n + 1) * sizeof(*nn))) || !(nn[n] = util_strdup(de->d_name))) {
			if (nn)
				names = nn;
			rc = err_set(ERR_NOMEM, "out of memory");
			goto cleanup;
		}
		names = nn;
		n++;
	}
	if (n)
		qsort(names, n, sizeof(*names), cmp_str);
	for (i = 0; i < n && rc == 0; i++) {
		strbuf_reset(&path);
		if ((rc = util_path_join(&path, dir, names[i])) == 0)
			rc = ruleset_load_file(rs, path.buf);
	}
cleanup:
	closedir(d);
	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
	strbuf_release(&path);
	return rc;
}

int rules_default_dir(struct strbuf *out)
{
	return util_data_dir(out, "VETTER_RULES", "rules", NULL);
}
