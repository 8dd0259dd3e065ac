#include "sbom.h"

#include <string.h>

#include "core/crypto.h"
#include "core/err.h"
#include "core/jsonx.h"
#include "core/strbuf.h"

#ifndef VETTER_VERSION
#define VETTER_VERSION "0.0.0-dev"
#endif

/* An RFC 9562 version-8 UUID from SHA-256 of what identifies the document. */
static int content_uuid(struct strbuf *out, const json_t *image, const struct pkg_list *pkgs)
{
	struct strbuf seed = STRBUF_INIT, hex = STRBUF_INIT;
	size_t i;
	int rc;

	strbuf_addf(&seed, "%s\n%s\n%s\n", jsonx_strz(image, "ref"), jsonx_strz(image, "manifest_digest"),
		    jsonx_strz(image, "config_digest"));
	for (i = 0; i < pkgs->n; i++)
		strbuf_addf(&seed, "%s\n", pkgs->v[i].purl ? pkgs->v[i].purl : pkgs->v[i].name);
	if ((rc = sha256_hex(&hex, seed.buf, seed.len)) == 0) {
		hex.buf[12] = '8';
		hex.buf[16] = "89ab"[(hex.buf[16] >= 'a' ? hex.buf[16] - 'a' + 10 : hex.buf[16] - '0') & 3];
		rc = strbuf_addf(out, "%.8s-%.4s-%.4s-%.4s-%.12s", hex.buf, hex.buf + 8, hex.buf + 12, hex.buf + 16,
				 hex.buf + 20);
	}
	strbuf_release(&seed);
	strbuf_release(&hex);
	return rc;
}

static json_t *prop(const char *name, const char *value)
{
	return json_pack("{s:s, s:s}", "name", name, "value", value);
}

int sbom_cyclonedx(json_t **out, const json_t *image, const struct pkg_list *pkgs)
{
	struct strbuf uuid = STRBUF_INIT, ref = STRBUF_INIT;
	json_t *bom = NULL, *comps = json_array(), *c, *props, *os = json_object_get(image, "os");
	size_t i;
	int rc;

	if (!comps || (rc = content_uuid(&uuid, image, pkgs)) < 0) {
		rc = err_set(ERR_NOMEM, "out of memory");
		goto cleanup;
	}
	strbuf_addf(&ref, "urn:uuid:%s", uuid.buf);
	bom = json_pack("{s:s, s:s, s:s, s:i, s:{s:{s:[{s:s, s:s, s:s}]}, s:{s:s, s:s, s:s}}}", "bomFormat", "CycloneDX",
			"specVersion", "1.6", "serialNumber", ref.buf, "version", 1, "metadata", "tools", "components",
			"type", "application", "name", "vetter", "version", VETTER_VERSION, "component", "type",
			"container", "bom-ref", "image", "name", jsonx_strz(image, "ref"));
	if (!bom) {
		rc = err_set(ERR_NOMEM, "out of memory");
		goto cleanup;
	}
	if (jsonx_str(image, "manifest_digest"))
		jsonx_set_str(json_object_get(json_object_get(bom, "metadata"), "component"), "version",
			      jsonx_str(image, "manifest_digest"));
	if (os) {
		c = json_pack("{s:s, s:s, s:s}", "type", "operating-system", "bom-ref", "os", "name", jsonx_strz(os, "id"));
		jsonx_set_str(c, "version", jsonx_str(os, "version"));
		jsonx_set_str(c, "description", jsonx_str(os, "pretty_name"));
		json_array_append_new(comps, c);
	}
	for (i = 0; i < pkgs->n; i++) {
		const struct pkg *p = &pkgs->v[i];

		strbuf_reset(&ref);
		/* bom-refs must be unique; the same PURL can be found at two paths. */
		strbuf_addf(&ref, "%s#%zu", p->purl ? p->purl : p->name, i);
		c = json_pack("{s:s, s:s, s:s, s:s}", "type", "library", "bom-ref", ref.buf, "name", p->name, "version",
			      p->version);
		if (!c) {
			rc = err_set(ERR_NOMEM, "package %s has text that is not UTF-8", p->name);
			goto cleanup;
		}
		jsonx_set_str(c, "purl", p->purl);
		if (p->namespace_ && !strcmp(p->type, PKG_MAVEN))
			jsonx_set_str(c, "group", p->namespace_);
		if (p->license && *p->license)
			json_object_set_new(c, "licenses", json_pack("[{s:{s:s}}]", "license", "name", p->license));
		props = json_array();
		if (p->layer)
			json_array_append_new(props, prop("vetter:layer", p->layer));
		if (p->path)
			json_array_append_new(props, prop("vetter:path", p->path));
		if (p->source_name)
			json_array_append_new(props, prop("vetter:source-name", p->source_name));
		if (p->source_version)
			json_array_append_new(props, prop("vetter:source-version", p->source_version));
		if (p->arch)
			json_array_append_new(props, prop("vetter:arch", p->arch));
		json_object_set_new(c, "properties", props);
		json_array_append_new(comps, c);
	}
	json_object_set(bom, "components", comps);
	*out = bom;
	bom = NULL;
	rc = 0;
cleanup:
	json_decref(bom);
	json_decref(comps);
	strbuf_release(&uuid);
	strbuf_release(&ref);
	return rc;
}

int sbom_spdx(json_t **out, const json_t *image, const struct pkg_list *pkgs, const char *created)
{
	struct strbuf uuid = STRBUF_INIT, ns = STRBUF_INIT, id = STRBUF_INIT, src = STRBUF_INIT;
	json_t *doc = NULL, *packages = json_array(), *rels = json_array(), *p, *img;
	size_t i;
	int rc;

	if (!packages || !rels || (rc = content_uuid(&uuid, image, pkgs)) < 0) {
		rc = err_set(ERR_NOMEM, "out of memory");
		goto cleanup;
	}
	strbuf_addf(&ns, "https://vetter.invalid/spdx/%s", uuid.buf);
	doc = json_pack("{s:s, s:s, s:s, s:s, s:s, s:{s:s, s:[s]}}", "spdxVersion", "SPDX-2.3", "dataLicense", "CC0-1.0",
			"SPDXID", "SPDXRef-DOCUMENT", "name", jsonx_strz(image, "ref"), "documentNamespace", ns.buf,
			"creationInfo", "created", created, "creators", "Tool: vetter-" VETTER_VERSION);
	img = json_pack("{s:s, s:s, s:s, s:b, s:s}", "SPDXID", "SPDXRef-Image", "name", jsonx_strz(image, "ref"),
			"downloadLocation", "NOASSERTION", "filesAnalyzed", 0, "primaryPackagePurpose", "CONTAINER");
	if (!doc || !img) {
		json_decref(img);
		rc = err_set(ERR_NOMEM, "out of memory");
		goto cleanup;
	}
	jsonx_set_str(img, "versionInfo", jsonx_str(image, "manifest_digest"));
	json_array_append_new(packages, img);
	json_array_append_new(rels, json_pack("{s:s, s:s, s:s}", "spdxElementId", "SPDXRef-DOCUMENT", "relationshipType",
					      "DESCRIBES", "relatedSpdxElement", "SPDXRef-Image"));
	for (i = 0; i < pkgs->n; i++) {
		const struct pkg *k = &pkgs->v[i];

		strbuf_reset(&id);
		strbuf_addf(&id, "SPDXRef-Package-%zu", i + 1);
		p = json_pack("{s:s, s:s, s:s, s:s, s:b, s:s}", "SPDXID", id.buf, "name", k->name, "versionInfo", k->version,
			      "downloadLocation", "NOASSERTION", "filesAnalyzed", 0, "licenseConcluded", "NOASSERTION");
		if (!p) {
			rc = err_set(ERR_NOMEM, "package %s has text that is not UTF-8", k->name);
			goto cleanup;
		}
		/* Declared licences from package databases are free text, not SPDX expressions. */
		json_object_set_new(p, "licenseDeclared", json_string("NOASSERTION"));
		if (k->license && *k->license)
			jsonx_set_str(p, "licenseComments", k->license);
		if (k->purl)
			json_object_set_new(p, "externalRefs",
					    json_pack("[{s:s, s:s, s:s}]", "referenceCategory", "PACKAGE-MANAGER",
						      "referenceType", "purl", "referenceLocator", k->purl));
		strbuf_reset(&src);
		strbuf_addf(&src, "found in %s%s%s", k->path ? k->path : "the image", k->layer ? ", layer " : "",
			    k->layer ? k->layer : "");
		jsonx_set_str(p, "sourceInfo", src.buf);
		json_array_append_new(packages, p);
		json_array_append_new(rels, json_pack("{s:s, s:s, s:s}", "spdxElementId", "SPDXRef-Image",
						      "relationshipType", "CONTAINS", "relatedSpdxElement", id.buf));
	}
	json_object_set(doc, "packages", packages);
	json_object_set(doc, "relationships", rels);
	*out = doc;
	doc = NULL;
	rc = 0;
cleanup:
	json_decref(doc);
	json_decref(packages);
	json_decref(rels);
	strbuf_release(&uuid);
	strbuf_release(&ns);
	strbuf_release(&id);
	strbuf_release(&src);
	return rc;
}
