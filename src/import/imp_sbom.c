/*
 * CycloneDX and SPDX JSON SBOMs: one "sbom" asset per document, listing its
 * packages (name, version, PURL); CycloneDX vulnerabilities (VEX) become
 * vulnerability findings on that asset, unless their analysis says the
 * product is not affected.
 */
#include <string.h>

#include "core/err.h"
#include "core/jsonx.h"
#include "import.h"

static int cdx_detect(const json_t *doc)
{
	const char *f = jsonx_str(doc, "bomFormat");

	return f && !strcmp(f, "CycloneDX");
}

static json_t *pkg(const char *name, const char *version, const char *purl, const char *type)
{
	json_t *p = json_object();

	jsonx_set_str(p, "name", name);
	jsonx_set_str(p, "version", version);
	jsonx_set_str(p, "purl", purl);
	jsonx_set_str(p, "type", type);
	return p;
}

/* The SBOM's key: what it describes, else its serial number or namespace, else the file. */
static void sbom_key(struct strbuf *key, const char *subject, const char *version, const char *id, const char *file)
{
	if (subject)
		strbuf_addf(key, "sbom:%s%s%s", subject, version ? "@" : "", version ? version : "");
	else
		strbuf_addf(key, "sbom:%s", id ? id : file);
}

static int cdx_vulns(const json_t *doc, const char *file, const char *key, const json_t *byref, struct import_result *r)
{
	json_t *vulns, *v;
	size_t i;
	int rc;

	if ((rc = imp_array(doc, "vulnerabilities", file, 0, &vulns)) < 0)
		return rc;
	json_array_foreach(vulns, i, v) {
		const char *id = imp_str(v, "id"), *state = imp_str(json_object_get(v, "analysis"), "state"), *sev = NULL;
		json_t *ratings = json_object_get(v, "ratings"), *affects = json_object_get(v, "affects"), *a, *f;
		size_t j;

		imp_count(r, "read");
		if (!id)
			return err_set(ERR_PARSE, "%s: vulnerabilities[%zu].id: expected a string", file, i);
		if (state && (!strcmp(state, "not_affected") || !strcmp(state, "false_positive") || !strcmp(state, "resolved"))) {
			imp_count(r, "passed");
			continue;
		}
		if (json_is_array(ratings) && json_array_size(ratings))
			sev = imp_str(json_array_get(ratings, 0), "severity");
		if (!json_is_array(affects) || !json_array_size(affects)) {
			if (!(f = imp_add_finding(r, "vulnerability", id, id, imp_severity(sev), "sbom", key, NULL, "")))
				return ERR_NOMEM;
			jsonx_set_str(f, "description", imp_str(v, "description"));
			continue;
		}
		json_array_foreach(affects, j, a) {
			const char *ref = imp_str(a, "ref");
			const char *comp = ref ? jsonx_str(byref, ref) : NULL;

			if (j >= 1000)
				break;
			if (!(f = imp_add_finding(r, "vulnerability", id, id, imp_severity(sev), "sbom", key, NULL,
						  comp ? comp : (ref ? ref : ""))))
				return ERR_NOMEM;
			jsonx_set_str(f, "description", imp_str(v, "description"));
		}
	}
	return 0;
}

static int cdx_read(const json_t *doc, const char *file, const struct import_opts *o, struct import_result *r)
{
	const json_t *meta = json_object_get(doc, "metadata"), *subj = json_object_get(meta, "component");
	struct strbuf key = STRBUF_INIT;
	json_t *comps, *c, *pkgs = json_array(), *adoc, *byref = json_object();
	size_t i;
	int rc;

	if (!pkgs || !byref) {
		rc = err_set(ERR_NOMEM, "out of memory");
		goto cleanup;
	}
	if (!imp_str(doc, "specVersion") || strncmp(imp_str(doc, "specVersion"), "1.", 2)) {
		rc = err_set(ERR_UNSUPPORTED, "%s: CycloneDX specVersion %s: vetter reads CycloneDX 1.x JSON", file,
			     imp_str(doc, "specVersion") ? imp_str(doc, "specVersion") : "(none)");
		goto cleanup;
	}
	if ((rc = imp_array(doc, "components", file, 0, &comps)) < 0)
		goto cleanup;
	r->tool_version = imp_str(doc, "specVersion");
	json_array_foreach(comps, i, c) {
		const char *name = imp_str(c, "name"), *ref = imp_str(c, "bom-ref");

		if (!json_is_object(c) || !name) {
			rc = err_set(ERR_PARSE, "%s: components[%zu]: expected an object with a name", file, i);
			goto cleanup;
		}
		json_array_append_new(pkgs, pkg(name, imp_str(c, "version"), imp_str(c, "purl"), imp_str(c, "type")));
		if (ref)
			json_object_set_new(byref, ref, json_string(imp_str(c, "purl") ? imp_str(c, "purl") : name));
	}
	sbom_key(&key, imp_str(subj, "name"), imp_str(subj, "version"), imp_str(doc, "serialNumber"), file);
	adoc = json_pack("{s:s, s:s?, s:I, s:o}", "format", "cyclonedx", "spec_version", imp_str(doc, "specVersion"),
			 "package_count", (json_int_t)json_array_size(pkgs), "packages", json_incref(pkgs));
	if (!adoc || (rc = imp_add_asset(r, "sbom", key.buf, NULL, adoc)) < 0) {
		rc = rc < 0 ? rc : err_set(ERR_NOMEM, "out of memory");
		goto cleanup;
	}
	rc = cdx_vulns(doc, file, key.buf, byref, r);
cleanup:
	json_decref(pkgs);
	json_decref(byref);
	strbuf_release(&key);
	return rc;
}

static int spdx_detect(const json_t *doc)
{
	const char *v = jsonx_str(doc, "spdxVersion"), *ctx = jsonx_str(doc, "@context");

	/* SPDX 3 is JSON-LD: detected so that it is refused by name, not missed. */
	return (v && !strncmp(v, "SPDX-", 5)) || (ctx && strstr(ctx, "spdx.org/rdf/3"));
}

/* The packages the document DESCRIBES: its subject, not its packages ({SPDXID: true}). */
static json_t *spdx_described(const json_t *doc)
{
	json_t *rels = json_object_get(doc, "relationships"), *d = json_object_get(doc, "documentDescribes"), *v,
	       *set = json_object();
	size_t i;

	if (!set)
		return NULL;
	json_array_foreach(d, i, v)
		if (json_is_string(v))
			json_object_set_new(set, json_string_value(v), json_true());
	json_array_foreach(rels, i, v) {
		const char *t = imp_str(v, "relationshipType"), *from = imp_str(v, "spdxElementId"),
			   *to = imp_str(v, "relatedSpdxElement");

		if (i >= IMPORT_MAX_ITEMS)
			break;
		if (t && from && to && !strcmp(t, "DESCRIBES") && !strcmp(from, "SPDXRef-DOCUMENT"))
			json_object_set_new(set, to, json_true());
	}
	return set;
}

static int spdx_read(const json_t *doc, const char *file, const struct import_opts *o, struct import_result *r)
{
	struct strbuf key = STRBUF_INIT;
	json_t *pkgs_in, *p, *pkgs = json_array(), *adoc, *described = spdx_described(doc);
	size_t i;
	int rc;

	if (!pkgs || !described) {
		json_decref(pkgs);
		json_decref(described);
		return err_set(ERR_NOMEM, "out of memory");
	}
	if (!imp_str(doc, "spdxVersion") || strncmp(imp_str(doc, "spdxVersion"), "SPDX-2.", 7)) {
		rc = err_set(ERR_UNSUPPORTED, "%s: %s: vetter reads SPDX 2.x JSON", file,
			     imp_str(doc, "spdxVersion") ? imp_str(doc, "spdxVersion") : "SPDX 3 (JSON-LD)");
		goto cleanup;
	}
	if ((rc = imp_array(doc, "packages", file, 0, &pkgs_in)) < 0)
		goto cleanup;
	r->tool_version = imp_str(doc, "spdxVersion");
	json_array_foreach(pkgs_in, i, p) {
		const char *name = imp_str(p, "name"), *purl = NULL;
		json_t *refs = json_object_get(p, "externalRefs"), *e;
		size_t j;

		if (!json_is_object(p) || !name) {
			rc = err_set(ERR_PARSE, "%s: packages[%zu]: expected an object with a name", file, i);
			goto cleanup;
		}
		if (imp_str(p, "SPDXID") && json_object_get(described, imp_str(p, "SPDXID")))
			continue;
		if (json_is_array(refs))
			json_array_foreach(refs, j, e)
				if (!purl && imp_str(e, "referenceType") && !strcmp(imp_str(e, "referenceType"), "purl"))
					purl = imp_str(e, "referenceLocator");
		json_array_append_new(pkgs, pkg(name, imp_str(p, "versionInfo"), purl, NULL));
	}
	sbom_key(&key, imp_str(doc, "name"), NULL, imp_str(doc, "documentNamespace"), file);
	adoc = json_pack("{s:s, s:s?, s:I, s:o}", "format", "spdx", "spec_version", imp_str(doc, "spdxVersion"),
			 "package_count", (json_int_t)json_array_size(pkgs), "packages", json_incref(pkgs));
	if (!adoc)
		rc = err_set(ERR_NOMEM, "out of memory");
	else
		rc = imp_add_asset(r, "sbom", key.buf, NULL, adoc);
cleanup:
	json_decref(pkgs);
	json_decref(described);
	strbuf_release(&key);
	return rc;
}

const struct importer imp_cyclonedx = { "cyclonedx", "CycloneDX JSON SBOM", cdx_detect, cdx_read };
const struct importer imp_spdx = { "spdx", "SPDX JSON SBOM", spdx_detect, spdx_read };
