#include "inventory.h"

#include "err.h"
#include "finding.h"
#include "jsonx.h"
#include "log.h"

int inventory_asset(struct inventory *inv, const char *kind, const char *key, const char *name, json_t *doc,
		    int64_t *id_out)
{
	int rc;

	if (jsonx_set_str(doc, "source", inv->src->id) < 0)
		return ERR_NOMEM;
	rc = store_asset_put(inv->st, inv->company->id, inv->src->id, kind, key, name, doc, id_out);
	if (rc == 0)
		inv->assets++;
	return rc;
}

int inventory_edge(struct inventory *inv, int64_t from, int64_t to, const char *kind)
{
	return store_edge_put(inv->st, from, to, kind);
}

int inventory_evidence(struct inventory *inv, const char *uri, const char *media_type, const void *data,
		       size_t len, char *digest_out)
{
	return evidence_put(inv->ev, inv->src->id, uri, "input", media_type, data, len, digest_out);
}

int inventory_evidence_file(struct inventory *inv, const char *uri, const char *media_type, const char *path,
			    char *digest_out)
{
	return evidence_put_file(inv->ev, inv->src->id, uri, "input", media_type, path, digest_out);
}

int inventory_coverage(struct inventory *inv, const json_t *coverage)
{
	struct strbuf text = STRBUF_INIT;
	int rc;

	if ((rc = jsonx_dump_canonical(&text, coverage)) == 0)
		rc = store_source_set_coverage(inv->st, inv->src->id, text.buf);
	strbuf_release(&text);
	return rc;
}

int inventory_gap_stage(struct strbuf *out, const char *source_id)
{
	return strbuf_addf(out, "collect:%s", source_id);
}

int inventory_gap(struct inventory *inv, const char *scope, const char *reason)
{
	struct strbuf stage = STRBUF_INIT;
	json_t *f = NULL;
	int rc;

	if ((rc = finding_new(&f, inv->company->id, "gap", "coverage-gap", "source", inv->src->id,
			      inv->src->name ? inv->src->name : inv->src->id, scope)) < 0)
		goto cleanup;
	if ((rc = finding_describe(f, scope, "unknown", "coverage")) < 0 || (rc = jsonx_set_str(f, "reason", reason)) < 0 ||
	    (rc = jsonx_set_str(f, "source", inv->src->id)) < 0 || (rc = inventory_gap_stage(&stage, inv->src->id)) < 0)
		goto cleanup;
	if ((rc = store_finding_put(inv->st, stage.buf, f)) < 0)
		goto cleanup;
	inv->gaps++;
	log_warn("%s: coverage gap: %s: %s", inv->src->id, scope, reason);
cleanup:
	json_decref(f);
	strbuf_release(&stage);
	return rc;
}
