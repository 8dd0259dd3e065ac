/*
 * The report stage's outputs beyond findings.json and findings.csv:
 * findings.sarif, summary.md, an SBOM per image (sbom/), report.pdf and,
 * when asked for, report-clean-team.pdf.
 */
#include <stdio.h>
#include <string.h>

#include "core/err.h"
#include "core/evidence.h"
#include "core/jsonx.h"
#include "core/log.h"
#include "core/util.h"
#include "outputs.h"
#include "scan/pkg.h"
#include "scan/sbom.h"
#include "template.h"

static int add_evidence(void *vctx, const struct store_evidence_row *row)
{
	json_t *e = json_pack("{s:I, s:s, s:s, s:s, s:s, s:I}", "seq", (json_int_t)row->seq, "source",
			      row->source ? row->source : "", "uri", row->uri ? row->uri : "", "kind",
			      row->kind ? row->kind : "", "digest", row->digest ? row->digest : "", "size",
			      (json_int_t)row->size);

	if (!e)
		return err_set(ERR_PARSE, "evidence manifest row %lld: text that is not UTF-8", (long long)row->seq);
	return json_array_append_new(vctx, e) < 0 ? err_set(ERR_NOMEM, "out of memory") : 0;
}

int report_evidence_rows(struct store *st, json_t **out)
{
	json_t *rows = json_array();
	int rc;

	if (!rows)
		return err_set(ERR_NOMEM, "out of memory");
	if ((rc = store_evidence_foreach(st, add_evidence, rows)) < 0) {
		json_decref(rows);
		return rc;
	}
	*out = rows;
	return 0;
}

/* A file name from an image key: letters, digits, '.', '-' and '_' kept, the rest '_'. */
static void safe_name(struct strbuf *out, const char *key)
{
	size_t n = 0;

	for (; *key && n < 120; key++, n++) {
		char c = *key;

		strbuf_addch(out, (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
					  c == '-' || c == '_'
				  ? c
				  : '_');
	}
}

struct sbom_ctx {
	struct store *st;
	const char *dir;
	int written;
};

static int write_sbom(void *vctx, const struct store_asset *a)
{
	struct sbom_ctx *c = vctx;
	struct strbuf text = STRBUF_INIT, path = STRBUF_INIT;
	struct pkg_list pkgs = { NULL, 0, 0 };
	json_t *arr = NULL, *img = NULL, *bom = NULL, *p;
	struct pkg pk;
	size_t i;
	int rc;

	rc = store_cache_get(c->st, "image-packages", a->key, &text);
	if (rc == ERR_NOTFOUND) {
		/* Not scanned (a gap says why): no SBOM rather than an empty one. */
		err_clear();
		rc = 0;
		goto cleanup;
	}
	if (rc < 0 || (rc = jsonx_parse(text.buf, text.len, "image packages", &arr)) < 0)
		goto cleanup;
	json_array_foreach(arr, i, p) {
		if ((rc = pkg_from_json(&pk, p)) < 0)
			goto cleanup;
		rc = pkg_list_add(&pkgs, &pk);
		pkg_release(&pk);
		if (rc < 0)
			goto cleanup;
	}
	img = a->doc ? json_deep_copy(a->doc) : json_object();
	if (!img) {
		rc = err_set(ERR_NOMEM, "out of memory");
		goto cleanup;
	}
	jsonx_set_str(img, "ref", a->name && *a->name ? a->name : a->key);
	if ((rc = sbom_cyclonedx(&bom, img, &pkgs)) < 0)
		goto cleanup;
	strbuf_reset(&text);
	strbuf_addf(&path, "%s/%s-", c->dir, a->company);
	safe_name(&path, a->name && *a->name ? a->name : a->key);
	strbuf_addstr(&path, ".cdx.json");
	if ((rc = jsonx_dump_pretty(&text, bom)) == 0 && (rc = util_write_file_atomic(path.buf, text.buf, text.len, 0644)) == 0)
		c->written++;
cleanup:
	pkg_list_release(&pkgs);
	json_decref(arr);
	json_decref(img);
	json_decref(bom);
	strbuf_release(&text);
	strbuf_release(&path);
	return rc;
}

int report_write_sboms(struct store *st, const char *out_dir, int *count)
{
	struct strbuf dir = STRBUF_INIT;
	struct sbom_ctx c = { st, NULL, 0 };
	int rc;

	strbuf_addf(&dir, "%s/sbom", out_dir);
	/* What an earlier run wrote goes, so the folder holds this run's images only. */
	if ((rc = util_rm_rf(dir.buf)) < 0 || (rc = util_mkdirs(dir.buf, 0755)) < 0)
		goto cleanup;
	c.dir = dir.buf;
	rc = store_asset_foreach(st, NULL, "image", write_sbom, &c);
	if (count)
		*count = c.written;
cleanup:
	strbuf_release(&dir);
	return rc;
}

int report_scrub(const json_t *results, json_t **out)
{
	struct strbuf text = STRBUF_INIT;
	int rc;

	*out = NULL;
	strbuf_init(&text, (size_t)2 * 1024 * 1024 * 1024);
	if ((rc = jsonx_dump_canonical(&text, results)) == 0 && log_scrub(&text) > 0)
		rc = jsonx_parse(text.buf, text.len, "results", out);
	strbuf_release(&text);
	return rc;
}

int report_outputs(struct run_ctx *ctx, const json_t *results, const char *root)
{
	const char *paper = jsonx_str(json_object_get(ctx->eng->doc, "report"), "paper");
	const char *redact = ctx->redact ? ctx->redact : jsonx_str(json_object_get(ctx->eng->doc, "report"), "redact");
	struct strbuf path = STRBUF_INIT;
	json_t *tmpl = NULL, *ev = NULL, *red = NULL, *red_ev = NULL, *clean = NULL;
	struct report_opts o = { PDF_A4, NULL, NULL, 0 };
	int rc, nsbom = 0;

	/* The files are scrubbed as they are written; the PDF and the SBOMs are made from a scrubbed copy. */
	if ((rc = report_template_load(ctx->eng, &tmpl)) < 0 || (rc = report_evidence_rows(ctx->st, &ev)) < 0 ||
	    (rc = report_scrub(results, &clean)) < 0)
		goto cleanup;
	if (clean)
		results = clean;
	o.paper = paper && !strcmp(paper, "Letter") ? PDF_LETTER : PDF_A4;
	o.tmpl = tmpl;
	o.evidence = ev;
	strbuf_addf(&path, "%s/findings.sarif", ctx->out_dir);
	if ((rc = report_write_sarif(results, path.buf)) < 0)
		goto cleanup;
	strbuf_reset(&path);
	strbuf_addf(&path, "%s/summary.md", ctx->out_dir);
	if ((rc = report_write_summary(results, tmpl, path.buf)) < 0 ||
	    (rc = report_write_sboms(ctx->st, ctx->out_dir, &nsbom)) < 0)
		goto cleanup;
	strbuf_reset(&path);
	strbuf_addf(&path, "%s/report.pdf", ctx->out_dir);
	if ((rc = report_write_pdf(results, &o, root, path.buf)) < 0)
		goto cleanup;
	strbuf_reset(&path);
	strbuf_addf(&path, "%s/report-clean-team.pdf", ctx->out_dir);
	if (redact && !strcmp(redact, "clean-team")) {
		if ((rc = report_redact(results, ev, &red, &red_ev)) < 0)
			goto cleanup;
		o.evidence = red_ev;
		o.redacted = 1;
		if ((rc = report_write_pdf(red, &o, root, path.buf)) < 0)
			goto cleanup;
		log_info("report: %s (clean-team edition)", path.buf);
	} else if (util_exists(path.buf) && remove(path.buf) < 0) {
		/* A clean-team edition of an earlier run must not pass for this one's. */
		rc = err_set(ERR_IO, "cannot remove %s", path.buf);
		goto cleanup;
	}
	log_info("report: %d SBOM%s in %s/sbom", nsbom, nsbom == 1 ? "" : "s", ctx->out_dir);
cleanup:
	json_decref(tmpl);
	json_decref(ev);
	json_decref(red);
	json_decref(red_ev);
	json_decref(clean);
	strbuf_release(&path);
	return rc;
}
