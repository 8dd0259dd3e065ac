/*
 * bundle: an evidence bundle or a data-room folder (src/kit/bundle.h), as a
 * source.  The manifest is checked first: a file changed, added or missing
 * since the bundle was made is a gap naming it and is not read.  Each file
 * is then read by what made it: the kit's commands.tsv names the tool and
 * command (kubectl -> the Kubernetes normaliser, as kubernetes-export;
 * skopeo -> the registry inventory, as the registry source; aws, az and
 * gcloud -> the aws-export, azure-export and gcp-export readers); any other
 * file is detected by content among the importers (src/import/import.h).
 * A file nothing recognises is a gap, never a guess.  Every imported
 * finding keeps its origin (tool, file, bundle) and the source is not live,
 * so the report can tell supplied evidence from live collection.
 */
#include <stdlib.h>
#include <string.h>

#include "bundle_int.h"
#include "connector.h"
#include "core/err.h"
#include "core/finding.h"
#include "core/jsonx.h"
#include "core/util.h"
#include "import/import.h"
#include "k8s_dump.h"
#include "k8s_model.h"

static const struct schema_field bundle_keys[] = {
	{ "path", SCH_STRING, 1, NULL, SCH_ANY, NULL },
	{ "cluster", SCH_STRING, 0, NULL, SCH_ANY, NULL },
	{ "namespace", SCH_STRING, 0, NULL, SCH_ANY, NULL },
	{ "platform", SCH_STRING, 0, NULL, SCH_ANY, NULL },
	{ "newest_tags", SCH_INT, 0, NULL, SCH_ANY, NULL },
	{ "max_images", SCH_INT, 0, NULL, SCH_ANY, NULL },
	{ NULL, 0, 0, NULL, 0, NULL },
};

struct bctx {
	struct inventory *inv;
	struct bundle *b;
	struct bundle_cmd *cmds;
	size_t ncmds;
	char *cmdtext; /* commands.tsv, split in place */
	struct k8s_model *m;
	json_t *kept, *coverage, *tools;
	json_t *written;   /* finding id -> the finding as stored, to merge what several tools report */
	struct bundle_skopeo *sk;
	size_t nsk;
	const struct bundle_file **aws, **az, **gcp;
	size_t naws, naz, ngcp;
	size_t read, gaps;
};

static int gap(struct bctx *c, const char *name, const char *reason)
{
	struct strbuf scope = STRBUF_INIT;
	int rc;

	c->gaps++;
	strbuf_addf(&scope, "bundle file %s", name);
	rc = inventory_gap(c->inv, scope.buf, reason);
	strbuf_release(&scope);
	return rc;
}

static int read_commands(struct bctx *c, const struct bundle_file *f)
{
	struct strbuf what = STRBUF_INIT;
	int rc;

	strbuf_addf(&what, "%s: commands.tsv", c->b->path);
	rc = bundle_commands_parse(f->data, f->len, what.buf, &c->cmds, &c->ncmds, &c->cmdtext);
	strbuf_release(&what);
	return rc;
}

static const struct bundle_cmd *command_of(const struct bctx *c, const char *file)
{
	size_t i;

	for (i = 0; i < c->ncmds; i++)
		if (!strcmp(c->cmds[i].file, file))
			return &c->cmds[i];
	return NULL;
}

static int on_kept(void *ctx, json_t *obj)
{
	struct bctx *c = ctx;

	return json_array_append(c->kept, obj) < 0 ? err_set(ERR_NOMEM, "out of memory") : 0;
}

static int count_tool(struct bctx *c, const char *tool)
{
	return json_object_set_new(c->tools, tool, json_integer(jsonx_int(c->tools, tool, 0) + 1));
}

static int read_k8s(struct bctx *c, const struct bundle_file *f)
{
	const char *ns = jsonx_str(c->inv->src->doc, "namespace");
	struct strbuf text = STRBUF_INIT, uri = STRBUF_INIT;
	int rc;

	json_decref(c->kept);
	if (!(c->kept = json_array()))
		return err_set(ERR_NOMEM, "out of memory");
	err_clear();
	rc = k8s_dump_read(c->m, f->data, f->len, f->name, ns ? ns : "default", on_kept, c);
	if (json_array_size(c->kept)) {
		int erc;

		strbuf_addf(&uri, "bundle:%s", f->name);
		if ((erc = jsonx_dump_canonical(&text, c->kept)) < 0 ||
		    (erc = inventory_evidence(c->inv, uri.buf, "application/json", text.buf, text.len, NULL)) < 0)
			rc = erc;
	}
	strbuf_release(&text);
	strbuf_release(&uri);
	if (rc == ERR_NOMEM || rc == ERR_INTERRUPTED)
		return rc;
	if (rc < 0)
		return gap(c, f->name, err_last());
	c->read++;
	return count_tool(c, "kubectl");
}

/* An importer's finding, written as vetter's with its origin. */
static int write_finding(struct bctx *c, const struct bundle_file *f, const struct import_result *r, json_t *in)
{
	const json_t *asset = json_object_get(in, "asset");
	struct strbuf stage = STRBUF_INIT;
	json_t *out = NULL, *v;
	const char *k;
	int rc;

	if ((rc = finding_new(&out, c->inv->company->id, jsonx_str(in, "kind"), jsonx_str(in, "rule"), jsonx_str(asset, "kind"),
			      jsonx_str(asset, "key"), jsonx_str(asset, "name"), jsonx_str(in, "component"))) < 0)
		goto cleanup;
	if ((rc = finding_describe(out, jsonx_str(in, "title"), jsonx_str(in, "severity"), r->tool)) < 0)
		goto cleanup;
	json_object_foreach(in, k, v)
		if (!json_object_get(out, k) && strcmp(k, "id") && strcmp(k, "status") && strcmp(k, "company"))
			json_object_set(out, k, v);
	json_object_set_new(out, "origin", json_pack("{s:s, s:s?, s:s, s:s, s:s, s:b}", "tool", r->tool, "tool_version",
						     r->tool_version, "file", f->name, "bundle", c->b->path, "source",
						     c->inv->src->id, "supplied", 1));
	jsonx_set_str(out, "source", c->inv->src->id);
	/* The same finding (company, asset, rule, component) from another tool or file: one finding, both named. */
	if ((v = json_object_get(c->written, jsonx_str(out, "id")))) {
		json_t *also = json_object_get(v, "also_reported_by");

		if (!also && json_object_set_new(v, "also_reported_by", also = json_array()) < 0) {
			rc = err_set(ERR_NOMEM, "out of memory");
			goto cleanup;
		}
		if (json_array_size(also) < 100)
			json_array_append_new(also, json_pack("{s:s, s:s}", "tool", r->tool, "file", f->name));
		json_decref(out);
		out = json_incref(v);
	} else if (json_object_set(c->written, jsonx_str(out, "id"), out) < 0) {
		rc = err_set(ERR_NOMEM, "out of memory");
		goto cleanup;
	}
	if ((rc = inventory_gap_stage(&stage, c->inv->src->id)) == 0)
		rc = store_finding_put(c->inv->st, stage.buf, out);
cleanup:
	json_decref(out);
	strbuf_release(&stage);
	return rc;
}

static int read_import(struct bctx *c, const struct bundle_file *f)
{
	struct import_opts o = { jsonx_str(c->inv->src->doc, "cluster") ? jsonx_str(c->inv->src->doc, "cluster")
									: c->inv->src->id };
	struct import_result r;
	struct strbuf text = STRBUF_INIT, uri = STRBUF_INIT;
	json_t *a, *fi;
	size_t i;
	int rc;

	import_result_init(&r);
	err_clear();
	rc = import_buffer(f->data, f->len, f->name, &o, &r);
	if (rc == ERR_NOMEM)
		goto cleanup;
	if (rc < 0) {
		rc = gap(c, f->name, err_last());
		goto cleanup;
	}
	json_array_foreach(r.assets, i, a) {
		int64_t id;
		json_t *doc = json_object_get(a, "doc");

		/* An asset another source recorded stays as that source wrote it. */
		if (store_asset_find(c->inv->st, c->inv->company->id, jsonx_str(a, "kind"), jsonx_str(a, "key"), &id) == 0)
			continue;
		err_clear();
		if (!strcmp(jsonx_str(a, "kind"), "image"))
			jsonx_set_str(doc, "ref", jsonx_str(a, "key"));
		jsonx_set_str(doc, "imported_by", r.tool);
		if ((rc = inventory_asset(c->inv, jsonx_str(a, "kind"), jsonx_str(a, "key"), jsonx_str(a, "name"), doc, NULL)) < 0)
			goto cleanup;
	}
	json_array_foreach(r.findings, i, fi)
		if ((rc = write_finding(c, f, &r, fi)) < 0)
			goto cleanup;
	/* What was taken from the file, not the file: a report may quote secrets. */
	strbuf_addf(&uri, "bundle:%s", f->name);
	if ((rc = jsonx_dump_canonical(&text, r.findings)) < 0 ||
	    (rc = inventory_evidence(c->inv, uri.buf, "application/json", text.buf, text.len, NULL)) < 0)
		goto cleanup;
	c->read++;
	rc = count_tool(c, r.tool);
cleanup:
	import_result_release(&r);
	strbuf_release(&text);
	strbuf_release(&uri);
	return rc;
}

static int is_frame_file(const char *name)
{
	return !strcmp(name, "SHA256SUMS") || !strcmp(name, "commands.tsv") || !strcmp(name, "README.txt") ||
	       util_has_suffix(name, ".err");
}

static int add_skopeo(struct bctx *c, const struct bundle_file *f, const char *command)
{
	struct bundle_skopeo *n = realloc(c->sk, (c->nsk + 1) * sizeof(*n));

	if (!n)
		return err_set(ERR_NOMEM, "out of memory");
	c->sk = n;
	c->sk[c->nsk].file = f;
	c->sk[c->nsk].command = command;
	c->nsk++;
	c->read++;
	return count_tool(c, "skopeo");
}

/* A file kept for a reader that takes a tool's files together (aws, az, gcloud). */
static int add_file(struct bctx *c, const struct bundle_file ***list, size_t *n, const struct bundle_file *f, const char *tool)
{
	const struct bundle_file **nl = realloc(*list, (*n + 1) * sizeof(*nl));

	if (!nl)
		return err_set(ERR_NOMEM, "out of memory");
	*list = nl;
	nl[(*n)++] = f;
	c->read++;
	return count_tool(c, tool);
}

static int failed_command(struct bctx *c, const struct bundle_file *f, const struct bundle_cmd *cl)
{
	struct strbuf why = STRBUF_INIT, errname = STRBUF_INIT;
	const struct bundle_file *ef;
	int rc;

	strbuf_addf(&errname, "%s.err", f->name);
	ef = bundle_get(c->b, errname.buf);
	strbuf_addf(&why, "%s failed (exit status %d)", cl->tool, cl->status);
	if (ef && ef->data && ef->len)
		strbuf_addf(&why, ": %.*s", (int)(strcspn(ef->data, "\n") > 300 ? 300 : strcspn(ef->data, "\n")), ef->data);
	rc = gap(c, f->name, why.buf);
	strbuf_release(&why);
	strbuf_release(&errname);
	return rc;
}

static int read_files(struct bctx *c)
{
	size_t i;
	int rc = 0;

	for (i = 0; i < c->b->nfiles && rc == 0; i++) {
		const struct bundle_file *f = &c->b->files[i];
		const struct bundle_cmd *cl;

		if (!f->data) {
			rc = gap(c, f->name, f->problem ? f->problem : bundle_status_name(f->status));
			continue;
		}
		if (is_frame_file(f->name))
			continue;
		cl = command_of(c, f->name);
		/* A refused AWS call's file holds the CLI's error: the aws reader tells "not configured" by it. */
		if (cl && !strcmp(cl->tool, "aws") && util_has_prefix(f->name, "aws/"))
			rc = add_file(c, &c->aws, &c->naws, f, "aws");
		else if (cl && cl->status != 0)
			rc = failed_command(c, f, cl);
		else if (cl && !strcmp(cl->tool, "kubectl"))
			rc = read_k8s(c, f);
		else if (cl && !strcmp(cl->tool, "skopeo"))
			rc = add_skopeo(c, f, cl->command);
		else if (cl && !strcmp(cl->tool, "az"))
			rc = add_file(c, &c->az, &c->naz, f, "az");
		else if (cl && !strcmp(cl->tool, "gcloud"))
			rc = add_file(c, &c->gcp, &c->ngcp, f, "gcloud");
		else
			rc = read_import(c, f);
	}
	return rc;
}

static int finish_k8s(struct bctx *c)
{
	struct k8s_graph *g = NULL;
	json_t *coll;
	int rc;

	if (!jsonx_int(c->tools, "kubectl", 0))
		return 0;
	coll = k8s_model_collection(c->m);
	if (jsonx_set_str(coll, "mode", "export") < 0)
		return err_set(ERR_NOMEM, "out of memory");
	if ((rc = k8s_graph_new(&g)) == 0 && (rc = k8s_graph_add_model(g, c->m)) == 0)
		rc = k8s_graph_write(g, c->inv);
	k8s_graph_free(g);
	return rc;
}

static int bundle_collect(struct inventory *inv)
{
	const char *rel = jsonx_str(inv->src->doc, "path"), *cluster = jsonx_str(inv->src->doc, "cluster");
	struct bctx c;
	struct strbuf path = STRBUF_INIT, real = STRBUF_INIT, summary = STRBUF_INIT;
	const struct bundle_file *f;
	int rc;

	memset(&c, 0, sizeof(c));
	c.inv = inv;
	c.coverage = json_object();
	c.tools = json_object();
	c.written = json_object();
	if (!c.coverage || !c.tools || !c.written) {
		rc = err_set(ERR_NOMEM, "out of memory");
		goto cleanup;
	}
	/* The bundle is in the data room: inside the engagement folder, links followed. */
	if ((rc = engagement_path(inv->eng, rel, &path)) < 0 || (rc = util_path_within(&real, inv->eng->dir, path.buf)) < 0)
		goto cleanup;
	if ((rc = bundle_open(&c.b, real.buf)) < 0)
		goto cleanup;
	if ((f = bundle_get(c.b, "SHA256SUMS")) && f->data &&
	    (rc = inventory_evidence(inv, "bundle:SHA256SUMS", "text/plain", f->data, f->len, NULL)) < 0)
		goto cleanup;
	if (!c.b->has_manifest &&
	    (rc = inventory_gap(inv, "bundle manifest", "no SHA256SUMS: the files' integrity cannot be checked; read as given")) < 0)
		goto cleanup;
	if ((f = bundle_get(c.b, "commands.tsv")) && f->data && (rc = read_commands(&c, f)) < 0)
		goto cleanup;
	if ((rc = k8s_model_new(&c.m, cluster ? cluster : inv->src->id)) < 0)
		goto cleanup;
	if ((rc = read_files(&c)) < 0 || (rc = finish_k8s(&c)) < 0 || (rc = bundle_registry(inv, c.sk, c.nsk, c.coverage)) < 0 ||
	    (rc = bundle_aws(inv, c.aws, c.naws, c.coverage)) < 0 || (rc = bundle_cloud(inv, c.az, c.naz, 1, c.coverage)) < 0 ||
	    (rc = bundle_cloud(inv, c.gcp, c.ngcp, 0, c.coverage)) < 0)
		goto cleanup;
	if (!c.read) {
		rc = err_set(ERR_NOTFOUND, "%s: nothing in the bundle could be read (%zu problem(s); see the gaps)", rel, c.gaps);
		goto cleanup;
	}
	strbuf_addf(&summary, "Bundle %s (%s, manifest %s): %zu file(s) read, %zu not.", rel, c.b->is_zip ? "zip" : "folder",
		    c.b->has_manifest ? "verified" : "absent", c.read, c.gaps);
	json_object_set_new(c.coverage, "files_read", json_integer((json_int_t)c.read));
	json_object_set_new(c.coverage, "files_not_read", json_integer((json_int_t)c.gaps));
	json_object_set_new(c.coverage, "manifest", json_string(c.b->has_manifest ? "verified" : "absent"));
	json_object_set(c.coverage, "tools", c.tools);
	jsonx_set_str(c.coverage, "summary", summary.buf);
	rc = inventory_coverage(inv, c.coverage);
cleanup:
	bundle_free(c.b);
	k8s_model_free(c.m);
	json_decref(c.kept);
	json_decref(c.coverage);
	json_decref(c.tools);
	json_decref(c.written);
	free(c.cmds);
	free(c.cmdtext);
	free(c.sk);
	free(c.aws);
	free(c.az);
	free(c.gcp);
	strbuf_release(&path);
	strbuf_release(&real);
	strbuf_release(&summary);
	return rc;
}

const struct connector connector_bundle = {
	{ "bundle", 0, bundle_keys,
	  "an evidence bundle from 'vetter kit' or a data-room folder or zip of other tools' reports (Trivy, Grype, "
	  "SBOMs, Prowler, kube-bench, GuardDuty, Security Hub, Defender for Cloud)" },
	bundle_collect,
};
