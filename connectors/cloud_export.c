/*
 * azure-export and gcp-export: an Azure or Google Cloud estate as files.
 *
 * azure-export reads ARM GET answers, `az` list output, Resource Graph
 * answers and Microsoft Graph exports (users, MFA registration details,
 * conditional access policies); gcp-export reads Cloud Asset Inventory
 * exports, snake_case or camelCase, lists or newline-delimited.  Both go
 * through the normaliser the live connectors use (cloud_norm.h), so an
 * export and a live read give the same assets.  A file that cannot be read
 * or holds nothing of its cloud is a coverage gap naming it and why; the
 * other files go on; the source fails only when no file could be read.
 */
#include <stdlib.h>
#include <string.h>

#include "cloud.h"
#include "cloud_norm.h"
#include "connector.h"
#include "core/err.h"
#include "core/jsonx.h"
#include "core/util.h"
#include "export_walk.h"

#define EXPORT_MAX_FILES 10000
#define EXPORT_MAX_DEPTH 8
#define EXPORT_MAX_BYTES (512u * 1024 * 1024)

static const struct schema_field export_keys[] = {
	{ "paths", SCH_LIST, 1, NULL, SCH_STRING, NULL },
	{ NULL, 0, 0, NULL, 0, NULL },
};

struct export {
	struct inventory *inv;
	const char *what;      /* "azure export" */
	struct azure_set *az;
	struct gcp_set *gcp;
	struct strbuf first;
	int read_ok;
	size_t nfiles;
	json_t *files;
};

static int file_gap(struct export *x, const char *rel, const char *reason)
{
	struct strbuf scope = STRBUF_INIT;
	int rc;

	if (!x->first.len)
		strbuf_addf(&x->first, "%s%s%s", util_has_prefix(reason, rel) ? "" : rel, util_has_prefix(reason, rel) ? "" : ": ",
			    reason);
	strbuf_addf(&scope, "%s file %s", x->what, rel);
	/* The scope names the file: a reason that starts with it says the rest. */
	if (util_has_prefix(reason, rel) && reason[strlen(rel)] == ':' && reason[strlen(rel) + 1] == ' ')
		reason += strlen(rel) + 2;
	rc = inventory_gap(x->inv, scope.buf, reason);
	strbuf_release(&scope);
	return rc;
}

static int read_one(struct export *x, const char *path, const char *rel)
{
	struct strbuf buf = STRBUF_INIT, uri = STRBUF_INIT, text = STRBUF_INIT;
	json_t *all = NULL;
	int rc;

	strbuf_init(&buf, EXPORT_MAX_BYTES);
	if (++x->nfiles > EXPORT_MAX_FILES) {
		rc = file_gap(x, rel, "more files than the 10000 an export may have; the rest were not read");
		goto cleanup;
	}
	if ((rc = strbuf_read_file(&buf, path)) < 0) {
		rc = file_gap(x, rel, rc == ERR_LIMIT ? "larger than the 512 MB a file may be" : err_last());
		goto cleanup;
	}
	err_clear();
	rc = cloud_parse_multi(buf.buf, buf.len, rel, &all);
	if (rc == 0) {
		struct cloud_stats before, after;

		if (x->az)
			azure_set_stats(x->az, &before);
		else
			gcp_set_stats(x->gcp, &before);
		rc = x->az ? azure_set_add(x->az, all, rel) : gcp_set_add(x->gcp, all, rel);
		if (x->az)
			azure_set_stats(x->az, &after);
		else
			gcp_set_stats(x->gcp, &after);
		/* An empty list is an answer (no such resources); an object that is none of the cloud's is not. */
		if (rc == 0 && after.records == before.records && after.lists <= before.lists + 1 &&
		    !(json_array_size(all) == 0 && memchr(buf.buf, '[', buf.len)))
			rc = err_set(ERR_PARSE, "%s: %s", rel,
				     x->az ? "no Azure resource (an object with id and type), subscription, or Microsoft Graph "
					     "user or policy"
					   : "no Cloud Asset Inventory asset (an object with name, asset_type or assetType, and "
					     "resource.data or an IAM policy)");
	}
	if (rc == ERR_NOMEM || rc == ERR_LIMIT) {
		rc = rc == ERR_LIMIT ? file_gap(x, rel, err_last()) : rc;
		goto cleanup;
	}
	if (rc < 0) {
		rc = file_gap(x, rel, err_last());
		goto cleanup;
	}
	/* What was read, as read: the evidence behind every asset the file gave. */
	strbuf_addf(&uri, "file:%s", rel);
	if ((rc = jsonx_dump_canonical(&text, all)) < 0 ||
	    (rc = inventory_evidence(x->inv, uri.buf, "application/json", text.buf, text.len, NULL)) < 0)
		goto cleanup;
	x->read_ok++;
	rc = json_array_append_new(x->files, json_string(rel)) < 0 ? err_set(ERR_NOMEM, "out of memory") : 0;
cleanup:
	json_decref(all);
	strbuf_release(&buf);
	strbuf_release(&uri);
	strbuf_release(&text);
	return rc;
}

static int wanted_json(const char *name)
{
	return util_has_suffix(name, ".json") || util_has_suffix(name, ".ndjson") || util_has_suffix(name, ".jsonl");
}

static int walk_file(void *ctx, const char *path, const char *rel)
{
	return read_one(ctx, path, rel);
}

static int walk_gap(void *ctx, const char *rel, const char *why)
{
	return file_gap(ctx, rel, why);
}

static int export_collect(struct inventory *inv, int azure)
{
	json_t *paths = json_object_get(inv->src->doc, "paths"), *pv, *docs = NULL;
	struct export x = { inv, azure ? "azure export" : "gcp export", NULL, NULL, STRBUF_INIT, 0, 0, NULL };
	struct strbuf p = STRBUF_INIT;
	struct cloud_stats cs;
	struct export_walk w = { &x, EXPORT_MAX_DEPTH, wanted_json, walk_file, walk_gap };
	size_t i;
	int rc;

	if (!(x.files = json_array())) {
		rc = err_set(ERR_NOMEM, "out of memory");
		goto cleanup;
	}
	if ((rc = azure ? azure_set_new(&x.az) : gcp_set_new(&x.gcp)) < 0)
		goto cleanup;
	json_array_foreach(paths, i, pv) {
		const char *rel = json_string_value(pv);

		strbuf_reset(&p);
		if ((rc = engagement_path(inv->eng, rel, &p)) < 0)
			goto cleanup;
		if ((rc = export_walk_path(&w, p.buf, rel)) < 0)
			goto cleanup;
	}
	if (!x.read_ok) {
		rc = err_set(ERR_NOTFOUND, "no %s resources could be read%s%s", azure ? "Azure" : "Google Cloud",
			     x.first.len ? "; first: " : "", x.first.buf);
		goto cleanup;
	}
	if ((rc = azure ? azure_set_documents(x.az, &docs) : gcp_set_documents(x.gcp, &docs)) < 0)
		goto cleanup;
	if (azure)
		azure_set_stats(x.az, &cs);
	else
		gcp_set_stats(x.gcp, &cs);
	{
		json_t *extra = json_pack("{s:O}", "files", x.files);

		rc = extra ? cloud_write_documents(inv, docs, &cs, extra, "export") : err_set(ERR_NOMEM, "out of memory");
		json_decref(extra);
	}
cleanup:
	azure_set_free(x.az);
	gcp_set_free(x.gcp);
	json_decref(docs);
	json_decref(x.files);
	strbuf_release(&p);
	strbuf_release(&x.first);
	return rc;
}

static int azure_export_collect(struct inventory *inv)
{
	return export_collect(inv, 1);
}

static int gcp_export_collect(struct inventory *inv)
{
	return export_collect(inv, 0);
}

const struct connector connector_azure_export = {
	{ "azure-export", 0, export_keys,
	  "an Azure estate as files: ARM GET answers, az list output, Resource Graph answers, Microsoft Graph exports" },
	azure_export_collect,
};

const struct connector connector_gcp_export = {
	{ "gcp-export", 0, export_keys,
	  "a Google Cloud estate as files: Cloud Asset Inventory exports (resources and IAM policies)" },
	gcp_export_collect,
};
