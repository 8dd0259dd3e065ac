/*
 * Trivy and Grype JSON reports: the scanned artifact becomes an asset
 * (an image keyed as vetter keys it, registry:HOST/REPO@sha256:..., when
 * the report names a repo digest, so the findings meet vetter's own), and
 * each match a finding.  Trivy's misconfigurations (FAIL only) and secrets
 * (rule, file and line; never the matched text) come along.
 */
#include <string.h>

#include "core/err.h"
#include "core/jsonx.h"
#include "import.h"

static void artifact_key(struct strbuf *key, const char **kind, const json_t *digests, const char *tool,
			 const char *name)
{
	size_t i;

	for (i = 0; i < json_array_size(digests); i++)
		if (imp_image_key(key, json_string_value(json_array_get(digests, i))) == 0) {
			*kind = "image";
			return;
		}
	strbuf_reset(key);
	strbuf_addf(key, "%s:%s", tool, name ? name : "unnamed");
}

static int trivy_detect(const json_t *doc)
{
	return json_is_object(doc) && json_is_integer(json_object_get(doc, "SchemaVersion")) &&
	       json_object_get(doc, "ArtifactName") && !json_object_get(doc, "matches");
}

static int trivy_result(const json_t *res, size_t i, const char *file, const char *akind, const char *akey,
			const char *aname, struct import_result *r)
{
	const char *target = imp_str(res, "Target");
	json_t *list, *v, *f;
	size_t j;
	int rc;

	if (!json_is_object(res))
		return err_set(ERR_PARSE, "%s: Results[%zu]: expected an object", file, i);
	if ((rc = imp_array(res, "Vulnerabilities", file, 0, &list)) < 0)
		return rc;
	json_array_foreach(list, j, v) {
		const char *id = imp_str(v, "VulnerabilityID"), *pkgname = imp_str(v, "PkgName"),
			   *ver = imp_str(v, "InstalledVersion");
		struct strbuf comp = STRBUF_INIT, title = STRBUF_INIT;

		imp_count(r, "read");
		if (!id || !pkgname)
			return err_set(ERR_PARSE, "%s: Results[%zu].Vulnerabilities[%zu]: expected VulnerabilityID and PkgName",
				       file, i, j);
		strbuf_addf(&comp, "%s@%s", pkgname, ver ? ver : "");
		strbuf_addf(&title, "%s in %s %s", id, pkgname, ver ? ver : "");
		f = imp_add_finding(r, "vulnerability", id, title.buf, imp_severity(imp_str(v, "Severity")), akind, akey,
				    aname, comp.buf);
		strbuf_release(&comp);
		strbuf_release(&title);
		if (!f)
			return ERR_NOMEM;
		json_object_set_new(f, "package", json_pack("{s:s, s:s?, s:s?, s:s?}", "name", pkgname, "version", ver,
							    "purl", imp_str(json_object_get(v, "PkgIdentifier"), "PURL"),
							    "path", imp_str(v, "PkgPath")));
		json_object_set_new(f, "fixed", imp_str(v, "FixedVersion") ? json_string(imp_str(v, "FixedVersion")) : json_null());
		jsonx_set_str(f, "summary", imp_str(v, "Title"));
		jsonx_set_str(f, "target", target);
	}
	if ((rc = imp_array(res, "Misconfigurations", file, 0, &list)) < 0)
		return rc;
	json_array_foreach(list, j, v) {
		const char *id = imp_str(v, "AVDID") ? imp_str(v, "AVDID") : imp_str(v, "ID"), *st = imp_str(v, "Status");

		imp_count(r, "read");
		if (st && strcmp(st, "FAIL")) {
			imp_count(r, "passed");
			continue;
		}
		if (!(f = imp_add_finding(r, "misconfiguration", id, imp_str(v, "Title"), imp_severity(imp_str(v, "Severity")),
					  akind, akey, aname, target)))
			return ERR_NOMEM;
		jsonx_set_str(f, "description", imp_str(v, "Message"));
		jsonx_set_str(f, "fix", imp_str(v, "Resolution"));
	}
	if ((rc = imp_array(res, "Secrets", file, 0, &list)) < 0)
		return rc;
	json_array_foreach(list, j, v) {
		struct strbuf comp = STRBUF_INIT;

		imp_count(r, "read");
		/* Match and Code hold the secret (partly masked at best): only where it is. */
		strbuf_addf(&comp, "%s:%lld", target ? target : "", jsonx_int(v, "StartLine", 0));
		f = imp_add_finding(r, "secret", imp_str(v, "RuleID"), imp_str(v, "Title"), imp_severity(imp_str(v, "Severity")),
				    akind, akey, aname, comp.buf);
		strbuf_release(&comp);
		if (!f)
			return ERR_NOMEM;
		jsonx_set_str(f, "category", imp_str(v, "Category"));
	}
	return 0;
}

static int trivy_read(const json_t *doc, const char *file, const struct import_opts *o, struct import_result *r)
{
	const json_t *meta = json_object_get(doc, "Metadata");
	const char *name = imp_str(doc, "ArtifactName"), *akind = "artifact";
	struct strbuf key = STRBUF_INIT;
	json_t *results, *res;
	size_t i;
	int rc;

	if (jsonx_int(doc, "SchemaVersion", 0) != 2) {
		rc = err_set(ERR_UNSUPPORTED, "%s: SchemaVersion %lld: vetter reads Trivy's schema version 2", file,
			     jsonx_int(doc, "SchemaVersion", 0));
		goto cleanup;
	}
	if ((rc = imp_array(doc, "Results", file, 0, &results)) < 0)
		goto cleanup;
	r->tool_version = imp_str(json_object_get(doc, "Trivy"), "Version");
	artifact_key(&key, &akind, json_object_get(meta, "RepoDigests"), "trivy", name);
	if ((rc = imp_add_asset(r, akind, key.buf, name,
				json_pack("{s:s?, s:s?, s:s?}", "artifact_type", imp_str(doc, "ArtifactType"), "image_id",
					  imp_str(meta, "ImageID"), "artifact_name", name))) < 0)
		goto cleanup;
	json_array_foreach(results, i, res)
		if ((rc = trivy_result(res, i, file, akind, key.buf, name, r)) < 0)
			goto cleanup;
cleanup:
	strbuf_release(&key);
	return rc;
}

static int grype_detect(const json_t *doc)
{
	const char *n = jsonx_str(json_object_get(doc, "descriptor"), "name");

	return json_is_object(doc) && json_object_get(doc, "matches") && n && !strcmp(n, "grype");
}

static int grype_read(const json_t *doc, const char *file, const struct import_opts *o, struct import_result *r)
{
	const json_t *src = json_object_get(doc, "source"), *tgt = json_object_get(src, "target");
	const char *name = json_is_string(tgt) ? json_string_value(tgt) : imp_str(tgt, "userInput"), *akind = "artifact";
	struct strbuf key = STRBUF_INIT;
	json_t *matches, *m;
	size_t i;
	int rc;

	if ((rc = imp_array(doc, "matches", file, 1, &matches)) < 0)
		goto cleanup;
	r->tool_version = imp_str(json_object_get(doc, "descriptor"), "version");
	artifact_key(&key, &akind, json_object_get(tgt, "repoDigests"), "grype", name);
	if ((rc = imp_add_asset(r, akind, key.buf, name,
				json_pack("{s:s?, s:s?, s:s?}", "artifact_type", imp_str(src, "type"), "image_id",
					  imp_str(tgt, "imageID"), "artifact_name", name))) < 0)
		goto cleanup;
	json_array_foreach(matches, i, m) {
		const json_t *v = json_object_get(m, "vulnerability"), *a = json_object_get(m, "artifact");
		const char *id = imp_str(v, "id"), *pn = imp_str(a, "name"), *ver = imp_str(a, "version");
		json_t *fixv = json_object_get(json_object_get(v, "fix"), "versions"), *f;
		struct strbuf comp = STRBUF_INIT, title = STRBUF_INIT;

		imp_count(r, "read");
		if (!id || !pn) {
			rc = err_set(ERR_PARSE, "%s: matches[%zu]: expected vulnerability.id and artifact.name", file, i);
			goto cleanup;
		}
		strbuf_addf(&comp, "%s@%s", pn, ver ? ver : "");
		strbuf_addf(&title, "%s in %s %s", id, pn, ver ? ver : "");
		f = imp_add_finding(r, "vulnerability", id, title.buf, imp_severity(imp_str(v, "severity")), akind, key.buf,
				    name, comp.buf);
		strbuf_release(&comp);
		strbuf_release(&title);
		if (!f) {
			rc = ERR_NOMEM;
			goto cleanup;
		}
		json_object_set_new(f, "package", json_pack("{s:s, s:s?, s:s?, s:s?}", "name", pn, "version", ver, "purl",
							    imp_str(a, "purl"), "type", imp_str(a, "type")));
		json_object_set_new(f, "fixed", json_is_array(fixv) && json_is_string(json_array_get(fixv, 0))
							? json_string(json_string_value(json_array_get(fixv, 0)))
							: json_null());
		jsonx_set_str(f, "summary", imp_str(v, "description"));
	}
cleanup:
	strbuf_release(&key);
	return rc;
}

const struct importer imp_trivy = { "trivy", "Trivy JSON report", trivy_detect, trivy_read };
const struct importer imp_grype = { "grype", "Grype JSON report", grype_detect, grype_read };
