/*
 * eol_findings: platforms past their support, as findings the ratings
 * count (docs/scoring.md, "End-of-life findings").
 *
 * An image whose distribution (os-release ID and VERSION_ID, as the scan
 * stage kept them) or a cluster whose Kubernetes release has no standard
 * support left on the engagement's as_of day is a finding of kind
 * "end-of-life": severity high when no support is left at all, medium when
 * only extended support runs.  Images count in the supply-chain domain
 * (4 hours each: a rebuild on a supported base), clusters in Kubernetes
 * hardening (16 hours: an upgrade).  The table is the consolidation
 * template (templates/consolidation/eol.yaml), so the consolidation plan's
 * estate comparison and these findings never disagree.
 */
#include "eol_findings.h"

#include <string.h>

#include "consolidate.h"
#include "core/err.h"
#include "core/finding.h"
#include "core/jsonx.h"
#include "core/util.h"
#include "eol.h"

struct eol_ctx {
	struct run_ctx *ctx;
	const struct eol_table *t;
	int64_t as_of;
	int rc;
};

static int record(struct eol_ctx *e, const struct store_asset *a, const struct eol_cycle *c, const char *what,
		  const char *domain, double effort)
{
	struct strbuf title = STRBUF_INIT, rule = STRBUF_INIT, fix = STRBUF_INIT;
	const char *until = NULL;
	enum eol_status st = eol_judge(c, e->as_of, 0, &until);
	json_t *f = NULL;
	int rc;

	if (st != EOL_ENDED && st != EOL_EXTENDED)
		return 0;
	strbuf_addf(&rule, "eol:%s-%s", c->product, c->cycle);
	if (st == EOL_ENDED)
		strbuf_addf(&title, "%s %s %s is past the end of its support%s%s", what, c->title, c->cycle,
			    until ? " (" : "", until ? until : "");
	else
		strbuf_addf(&title, "%s %s %s has only extended support left (standard support ended %s; extended until %s)",
			    what, c->title, c->cycle, c->eol ? c->eol : "", until ? until : "");
	if (until && st == EOL_ENDED)
		strbuf_addch(&title, ')');
	strbuf_addf(&fix, "Move to a supported release of %s (templates/consolidation/eol.yaml lists the cycles).",
		    c->title);
	if ((rc = finding_new(&f, a->company, "end-of-life", rule.buf, a->kind, a->key, a->name, c->cycle)) == 0 &&
	    (rc = finding_describe(f, title.buf, st == EOL_ENDED ? "high" : "medium", "end-of-life table")) == 0) {
		jsonx_set_str(f, "domain", domain);
		jsonx_set_str(f, "fix", fix.buf);
		json_object_set_new(f, "effort_hours", json_real(effort));
		json_object_set_new(f, "end_of_life", json_pack("{s:s, s:s, s:s, s:s?, s:s?}", "product", c->product,
								 "cycle", c->cycle, "status", eol_status_name(st),
								 "eol", c->eol, "until", until));
		rc = store_finding_put(e->ctx->st, EOL_FINDINGS_STAGE, f);
	}
	json_decref(f);
	strbuf_release(&title);
	strbuf_release(&rule);
	strbuf_release(&fix);
	return rc;
}

static int on_asset(void *vctx, const struct store_asset *a)
{
	struct eol_ctx *e = vctx;
	const struct eol_cycle *c = NULL;
	const char *product;

	if (!strcmp(a->kind, "image")) {
		const json_t *os = json_object_get(a->doc, "os");

		product = eol_product_for_os(e->t, jsonx_str(os, "id"));
		if (product && jsonx_str(os, "version_id"))
			c = eol_lookup(e->t, product, jsonx_str(os, "version_id"));
		return c ? record(e, a, c, "The image's distribution", "supply-chain", 4) : 0;
	}
	if (!strcmp(a->kind, "cluster")) {
		const char *v = jsonx_str(json_object_get(a->doc, "version"), "git_version");

		/* The managed flavours have their own calendars; the consolidation plan judges those. */
		if (!v || strstr(v, "-eks-") || strstr(v, "-gke.") ||
		    !(product = eol_product_for_kubernetes(e->t, "upstream")))
			return 0;
		c = eol_lookup(e->t, product, v);
		return c ? record(e, a, c, "The cluster's release of", "kubernetes-hardening", 16) : 0;
	}
	return 0;
}

int eol_findings_record(struct run_ctx *ctx)
{
	struct strbuf dir = STRBUF_INIT;
	struct eol_table *t = NULL;
	struct eol_ctx e = { ctx, NULL, util_date_days(&ctx->eng->as_of), 0 };
	int rc;

	if ((rc = consolidation_templates_dir(&dir)) < 0 || (rc = eol_table_load(&t, dir.buf)) < 0)
		goto cleanup;
	e.t = t;
	rc = store_asset_foreach(ctx->st, NULL, NULL, on_asset, &e);
cleanup:
	eol_table_free(t);
	strbuf_release(&dir);
	return rc;
}
