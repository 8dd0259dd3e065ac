#include "finding.h"

#include <string.h>

#include "crypto.h"
#include "err.h"
#include "jsonx.h"
#include "strbuf.h"

const char *const severity_names[] = { "unknown", "info", "low", "medium", "high", "critical" };

int severity_rank(const char *s)
{
	int i;

	if (!s)
		return -1;
	for (i = 0; i < 6; i++)
		if (!strcmp(s, severity_names[i]))
			return i;
	return -1;
}

int finding_new(json_t **out, const char *company, const char *kind, const char *rule, const char *asset_kind,
		const char *asset_key, const char *asset_name, const char *component)
{
	struct strbuf key = STRBUF_INIT, hex = STRBUF_INIT, id = STRBUF_INIT;
	json_t *f = NULL, *asset = NULL;
	int rc;

	if (!component)
		component = "";
	/* NUL separators: no two different tuples can hash the same text. */
	if ((rc = strbuf_add(&key, company, strlen(company) + 1)) < 0 ||
	    (rc = strbuf_add(&key, asset_kind, strlen(asset_kind) + 1)) < 0 ||
	    (rc = strbuf_add(&key, asset_key, strlen(asset_key) + 1)) < 0 ||
	    (rc = strbuf_add(&key, rule, strlen(rule) + 1)) < 0 || (rc = strbuf_add(&key, component, strlen(component))) < 0 ||
	    (rc = sha256_hex(&hex, key.buf, key.len)) < 0 || (rc = strbuf_addf(&id, "VF-%.16s", hex.buf)) < 0)
		goto cleanup;
	f = json_object();
	asset = json_object();
	if (!f || !asset || jsonx_set_str(asset, "kind", asset_kind) < 0 || jsonx_set_str(asset, "key", asset_key) < 0 ||
	    jsonx_set_str(asset, "name", asset_name ? asset_name : asset_key) < 0 || jsonx_set_str(f, "id", id.buf) < 0 ||
	    jsonx_set_str(f, "company", company) < 0 || jsonx_set_str(f, "kind", kind) < 0 ||
	    jsonx_set_str(f, "rule", rule) < 0 || jsonx_set_str(f, "component", component) < 0 ||
	    jsonx_set_str(f, "status", "open") < 0 || json_object_set(f, "asset", asset) < 0) {
		rc = err_set(ERR_NOMEM, "out of memory");
		goto cleanup;
	}
	*out = f;
	f = NULL;
cleanup:
	json_decref(f);
	json_decref(asset);
	strbuf_release(&key);
	strbuf_release(&hex);
	strbuf_release(&id);
	return rc;
}

int finding_describe(json_t *f, const char *title, const char *severity, const char *severity_source)
{
	if (severity && severity_rank(severity) < 0)
		return err_set(ERR_INVALID, "'%s' is not a severity", severity);
	if (jsonx_set_str(f, "title", title) < 0 || jsonx_set_str(f, "severity", severity) < 0 ||
	    jsonx_set_str(f, "severity_source", severity_source) < 0)
		return ERR_NOMEM;
	return 0;
}
