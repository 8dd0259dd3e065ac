/*
 * bundle_cloud: the azure and gcp kits' files (az rest answers, gcloud asset
 * list output) read through the normaliser the azure-export and gcp-export
 * sources use (cloud_norm.h), from memory, so a bundle gives the same
 * assets as those sources for the same files.  A file that is not JSON or
 * holds nothing of its cloud is a gap naming it; the others go on.
 */
#include <string.h>

#include "bundle_int.h"
#include "cloud.h"
#include "cloud_norm.h"
#include "core/err.h"
#include "core/jsonx.h"
#include "core/strbuf.h"

static int file_gap(struct inventory *inv, const char *name, const char *reason)
{
	struct strbuf scope = STRBUF_INIT;
	int rc;

	strbuf_addf(&scope, "bundle file %s", name);
	rc = inventory_gap(inv, scope.buf, reason);
	strbuf_release(&scope);
	return rc;
}

static void stats(struct azure_set *az, struct gcp_set *gcp, struct cloud_stats *st)
{
	if (az)
		azure_set_stats(az, st);
	else
		gcp_set_stats(gcp, st);
}

/* One file into the set: 1 when read, 0 when a gap was recorded, or a negative ERR_*. */
static int read_one(struct inventory *inv, struct azure_set *az, struct gcp_set *gcp, const struct bundle_file *f)
{
	struct strbuf uri = STRBUF_INIT;
	struct cloud_stats before, after;
	json_t *all = NULL;
	int rc;

	err_clear();
	stats(az, gcp, &before);
	if ((rc = cloud_parse_multi(f->data, f->len, f->name, &all)) == 0)
		rc = az ? azure_set_add(az, all, f->name) : gcp_set_add(gcp, all, f->name);
	stats(az, gcp, &after);
	/* An empty list page is an answer (none of these); a document of neither kind is not. */
	if (rc == 0 && after.records == before.records && after.lists == before.lists &&
	    !(json_array_size(all) == 0 && memchr(f->data, '[', f->len)))
		rc = err_set(ERR_PARSE, "%s: %s", f->name,
			     az ? "no Azure resource, subscription, or Microsoft Graph user or policy"
				: "no Cloud Asset Inventory asset (resource or IAM policy)");
	if (rc == ERR_NOMEM || rc == ERR_INTERRUPTED)
		goto cleanup;
	if (rc < 0) {
		rc = file_gap(inv, f->name, err_last());
		goto cleanup;
	}
	strbuf_addf(&uri, "bundle:%s", f->name);
	if ((rc = inventory_evidence(inv, uri.buf, "application/json", f->data, f->len, NULL)) == 0)
		rc = 1;
cleanup:
	json_decref(all);
	strbuf_release(&uri);
	return rc;
}

int bundle_cloud(struct inventory *inv, const struct bundle_file *const *files, size_t n, int azure, json_t *coverage)
{
	struct azure_set *az = NULL;
	struct gcp_set *gcp = NULL;
	json_t *docs = NULL, *kinds = NULL, *cov = NULL;
	struct cloud_stats cs;
	size_t i, read = 0;
	int rc;

	if (!n)
		return 0;
	if ((rc = azure ? azure_set_new(&az) : gcp_set_new(&gcp)) < 0)
		goto cleanup;
	for (i = 0; i < n; i++) {
		if ((rc = read_one(inv, az, gcp, files[i])) < 0)
			goto cleanup;
		read += (size_t)rc;
	}
	rc = 0;
	if (!read)
		goto cleanup;
	if ((rc = azure ? azure_set_documents(az, &docs) : gcp_set_documents(gcp, &docs)) < 0)
		goto cleanup;
	if (!(kinds = json_object())) {
		rc = err_set(ERR_NOMEM, "out of memory");
		goto cleanup;
	}
	if ((rc = cloud_write_assets(inv, docs, kinds)) < 0)
		goto cleanup;
	stats(az, gcp, &cs);
	cov = json_pack("{s:I, s:I, s:I, s:O}", "files", (json_int_t)read, "records", (json_int_t)cs.records, "skipped",
			(json_int_t)cs.skipped, "kinds", kinds);
	rc = cov && json_object_set(coverage, azure ? "azure" : "gcp", cov) == 0 ? 0 : err_set(ERR_NOMEM, "out of memory");
cleanup:
	azure_set_free(az);
	gcp_set_free(gcp);
	json_decref(docs);
	json_decref(kinds);
	json_decref(cov);
	return rc;
}
