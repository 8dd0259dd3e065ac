/* Normalised Azure and Google Cloud documents written as assets (cloud.h). */
#include <string.h>

#include "cloud.h"
#include "core/err.h"
#include "core/jsonx.h"
#include "core/strbuf.h"

static void asset_key(struct strbuf *key, const json_t *doc)
{
	const char *id = jsonx_str(doc, "asset_name") ? jsonx_str(doc, "asset_name") : jsonx_str(doc, "id");

	strbuf_reset(key);
	if (id)
		strbuf_addf(key, "%s:%s", jsonx_strz(doc, "kind"), id);
	else
		strbuf_addf(key, "%s:%s/%s", jsonx_strz(doc, "kind"), jsonx_strz(doc, "project_id"), jsonx_strz(doc, "name"));
}

int cloud_write_assets(struct inventory *inv, const json_t *docs, json_t *kinds)
{
	struct strbuf key = STRBUF_INIT;
	json_t *doc;
	size_t i;
	int rc = 0;

	json_array_foreach(docs, i, doc) {
		const char *kind = jsonx_strz(doc, "kind"), *name = jsonx_str(doc, "name");
		json_t *copy = json_deep_copy(doc);

		asset_key(&key, doc);
		if (!copy) {
			rc = err_set(ERR_NOMEM, "out of memory");
			break;
		}
		rc = inventory_asset(inv, kind, key.buf, name && *name ? name : key.buf, copy, NULL);
		json_decref(copy);
		if (rc < 0)
			break;
		if (kinds)
			json_object_set_new(kinds, kind, json_integer(jsonx_int(kinds, kind, 0) + 1));
	}
	strbuf_release(&key);
	return rc;
}

int cloud_write_documents(struct inventory *inv, const json_t *docs, const struct cloud_stats *cs, const json_t *extra,
			  const char *mode)
{
	struct strbuf sum = STRBUF_INIT;
	json_t *kinds = json_object(), *cov = NULL;
	int rc;

	if (!kinds)
		return err_set(ERR_NOMEM, "out of memory");
	if ((rc = cloud_write_assets(inv, docs, kinds)) < 0)
		goto cleanup;
	strbuf_addf(&sum, "%zu resources from %zu records", json_array_size(docs), cs->records);
	if (cs->skipped)
		strbuf_addf(&sum, " (%zu records of other types or malformed, skipped)", cs->skipped);
	cov = json_pack("{s:s, s:O, s:I, s:I, s:s}", "mode", mode, "kinds", kinds, "records", (json_int_t)cs->records,
			"skipped", (json_int_t)cs->skipped, "summary", sum.buf);
	if (!cov) {
		rc = err_set(ERR_NOMEM, "out of memory");
		goto cleanup;
	}
	if (json_is_object(extra))
		json_object_update(cov, (json_t *)extra);
	rc = inventory_coverage(inv, cov);
cleanup:
	json_decref(kinds);
	json_decref(cov);
	strbuf_release(&sum);
	return rc;
}
