/*
 * import: the table of readers and what they share (import.h).
 */
#include "import.h"

#include <string.h>
#include <strings.h>

#include "core/err.h"
#include "core/jsonx.h"
#include "core/util.h"
#include "scan/imageref.h"

extern const struct importer imp_cyclonedx, imp_spdx, imp_trivy, imp_grype, imp_prowler, imp_kubebench,
	imp_guardduty, imp_asff, imp_defender;

/* Most specific first: ASFF before GuardDuty (both have "Findings"). */
static const struct importer *const importers[] = {
	&imp_cyclonedx, &imp_spdx, &imp_trivy, &imp_grype, &imp_prowler, &imp_kubebench,
	&imp_asff, &imp_guardduty, &imp_defender,
};

const struct importer *import_at(size_t i)
{
	return i < sizeof(importers) / sizeof(importers[0]) ? importers[i] : NULL;
}

const struct importer *import_find(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(importers) / sizeof(importers[0]); i++)
		if (!strcmp(importers[i]->name, name))
			return importers[i];
	return NULL;
}

const struct importer *import_detect(const json_t *doc)
{
	size_t i;

	for (i = 0; i < sizeof(importers) / sizeof(importers[0]); i++)
		if (importers[i]->detect(doc))
			return importers[i];
	return NULL;
}

void import_result_init(struct import_result *r)
{
	memset(r, 0, sizeof(*r));
}

void import_result_release(struct import_result *r)
{
	json_decref(r->assets);
	json_decref(r->findings);
	json_decref(r->counts);
	import_result_init(r);
}

static int result_alloc(struct import_result *r)
{
	if (!r->assets)
		r->assets = json_array();
	if (!r->findings)
		r->findings = json_array();
	if (!r->counts)
		r->counts = json_object();
	return r->assets && r->findings && r->counts ? 0 : err_set(ERR_NOMEM, "out of memory");
}

int import_buffer(const char *buf, size_t len, const char *file, const struct import_opts *o, struct import_result *r)
{
	const struct importer *im;
	json_t *doc = NULL;
	int rc;

	if ((rc = jsonx_parse(buf, len, file, &doc)) < 0)
		return rc;
	if (!(im = import_detect(doc))) {
		rc = err_set(ERR_UNSUPPORTED, "%s: not the output of a tool vetter imports", file);
		goto cleanup;
	}
	if ((rc = result_alloc(r)) < 0)
		goto cleanup;
	r->tool = im->name;
	rc = im->read(doc, file, o, r);
	/* A reader stops with ERR_NOMEM when imp_add_finding refuses: say which. */
	if (rc == ERR_NOMEM && json_array_size(r->findings) >= IMPORT_MAX_ITEMS)
		rc = err_set(ERR_LIMIT, "%s: more than %d findings in one file", file, IMPORT_MAX_ITEMS);
	/* tool_version may point into doc: keep a copy in counts. */
	if (rc == 0 && r->tool_version) {
		jsonx_set_str(r->counts, "tool_version", r->tool_version);
		r->tool_version = jsonx_str(r->counts, "tool_version");
	}
cleanup:
	json_decref(doc);
	return rc;
}

void imp_count(struct import_result *r, const char *what)
{
	json_object_set_new(r->counts, what, json_integer(jsonx_int(r->counts, what, 0) + 1));
}

const char *imp_str(const json_t *obj, const char *key)
{
	const char *s = jsonx_str(obj, key);

	return s && strlen(s) <= IMPORT_MAX_STR ? s : NULL;
}

int imp_array(const json_t *doc, const char *key, const char *file, int required, json_t **out)
{
	json_t *a = json_object_get(doc, key);

	*out = NULL;
	if (!a || json_is_null(a)) {
		if (required)
			return err_set(ERR_PARSE, "%s: '%s' is missing: expected a list", file, key);
		return 0;
	}
	if (!json_is_array(a))
		return err_set(ERR_PARSE, "%s: '%s' is not a list", file, key);
	if (json_array_size(a) > IMPORT_MAX_ITEMS)
		return err_set(ERR_LIMIT, "%s: '%s' has more than %d entries", file, key, IMPORT_MAX_ITEMS);
	*out = a;
	return 0;
}

const char *imp_severity(const char *w)
{
	static const struct {
		const char *word, *sev;
	} map[] = {
		{ "critical", "critical" }, { "high", "high" },	    { "important", "high" },	{ "medium", "medium" },
		{ "moderate", "medium" },   { "low", "low" },	    { "negligible", "info" },	{ "informational", "info" },
		{ "info", "info" },	    { "none", "info" },	    { "unknown", "unknown" },	{ "fatal", "critical" },
	};
	size_t i;

	if (!w)
		return "unknown";
	for (i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (!strcasecmp(w, map[i].word))
			return map[i].sev;
	return "unknown";
}

int imp_image_key(struct strbuf *out, const char *repo_digest)
{
	struct strbuf text = STRBUF_INIT;
	struct image_ref ref;
	int rc;

	if (!repo_digest || !strstr(repo_digest, "@sha256:") || strlen(repo_digest) > 512)
		return ERR_NOTFOUND;
	strbuf_addf(&text, "registry:%s", repo_digest);
	rc = image_ref_parse(&ref, text.buf);
	strbuf_release(&text);
	if (rc < 0) {
		err_clear();
		return ERR_NOTFOUND;
	}
	rc = strbuf_addstr(out, ref.text);
	image_ref_release(&ref);
	return rc;
}

int imp_add_asset(struct import_result *r, const char *kind, const char *key, const char *name, json_t *doc)
{
	json_t *a = json_pack("{s:s, s:s, s:s, s:o}", "kind", kind, "key", key, "name", name ? name : key, "doc",
			      doc ? doc : json_object());

	if (!a || json_array_append_new(r->assets, a) < 0)
		return err_set(ERR_NOMEM, "out of memory");
	return 0;
}

json_t *imp_add_finding(struct import_result *r, const char *kind, const char *rule, const char *title,
			const char *severity, const char *asset_kind, const char *asset_key, const char *asset_name,
			const char *component)
{
	json_t *f;

	if (json_array_size(r->findings) >= IMPORT_MAX_ITEMS) {
		err_set(ERR_LIMIT, "more than %d findings in one file", IMPORT_MAX_ITEMS);
		return NULL;
	}
	f = json_pack("{s:s, s:s, s:s, s:s, s:{s:s, s:s, s:s}, s:s}", "kind", kind, "rule", rule ? rule : "unnamed",
		      "title", title ? title : (rule ? rule : "untitled"), "severity", severity ? severity : "unknown",
		      "asset", "kind", asset_kind, "key", asset_key, "name", asset_name ? asset_name : asset_key,
		      "component", component ? component : "");
	if (!f || json_array_append_new(r->findings, f) < 0) {
		err_set(ERR_NOMEM, "out of memory");
		return NULL;
	}
	imp_count(r, "kept");
	return f;
}
