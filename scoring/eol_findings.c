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
 *
 * An image is also judged by its age: built (its config's `created`) more
 * than scoring.supply_chain.max_image_age_days before as_of is a finding of
 * kind "image-age" (low; medium past twice the limit).  An image whose
 * distribution or creation date is unknown is "not judged" on that count,
 * never a pass: the per-company summary lists it with the reason.
 */
#include "eol_findings.h"

#include <stdio.h>
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
	long max_days;
	json_t *summary; /* company -> {image_age: {...}, end_of_life: {...}} */
};

/* Reproducible builds (ko, Bazel, Nix, distroless) write the epoch, or a day near it, as `created`. */
#define EOL_PLACEHOLDER_BEFORE 3653 /* 1980-01-01 */

static json_t *part_new(void)
{
	return json_pack("{s:i, s:i, s:[], s:[]}", "images", 0, "judged", 0, "findings", "not_judged");
}

/* The summary's part ("image_age" or "end_of_life") for the asset's company, made on first use. */
static json_t *summary_part(struct eol_ctx *e, const char *company, const char *what)
{
	json_t *co = json_object_get(e->summary, company);

	if (!co) {
		co = json_pack("{s:o, s:o, s:I}", "image_age", part_new(), "end_of_life", part_new(), "max_image_age_days",
			       (json_int_t)e->max_days);
		if (!co || json_object_set_new(e->summary, company, co) < 0)
			return NULL;
	}
	return json_object_get(co, what);
}

static void bump(json_t *part, const char *key)
{
	json_object_set_new(part, key, json_integer(jsonx_int(part, key, 0) + 1));
}

/* Count the image under part: judged (its key in findings when one was written), or not, and why. */
static int tally(json_t *part, const struct store_asset *a, int judged, int found, const char *why)
{
	if (!part)
		return err_set(ERR_NOMEM, "out of memory");
	bump(part, "images");
	/* The reason quotes the image's own text, cut to a bound: possibly mid-character, hence lossy. */
	if (!judged)
		return json_array_append_new(json_object_get(part, "not_judged"),
					     json_pack("{s:s, s:s, s:o}", "key", a->key, "name", a->name ? a->name : a->key,
						       "reason", jsonx_string_lossy(why))) < 0
			       ? err_set(ERR_NOMEM, "out of memory")
			       : 0;
	bump(part, "judged");
	if (found && json_array_append_new(json_object_get(part, "findings"), json_string(a->key)) < 0)
		return err_set(ERR_NOMEM, "out of memory");
	return 0;
}

/* The image's own evidence: when it was built, and what distribution it is. */
static json_t *image_evidence(const struct store_asset *a)
{
	const json_t *os = json_object_get(a->doc, "os");

	return json_pack("{s:s?, s:s?, s:s?, s:s?}", "created", jsonx_str(a->doc, "created"), "os_id",
			 jsonx_str(os, "id"), "os_version_id", jsonx_str(os, "version_id"), "os_pretty_name",
			 jsonx_str(os, "pretty_name"));
}

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
		if (!strcmp(a->kind, "image"))
			json_object_set_new(f, "image", image_evidence(a));
		if ((rc = store_finding_put(e->ctx->st, EOL_FINDINGS_STAGE, f)) == 0)
			rc = 1;
	}
	json_decref(f);
	strbuf_release(&title);
	strbuf_release(&rule);
	strbuf_release(&fix);
	return rc;
}

/* Built more than max_days before as_of: a finding; no usable creation date: not judged. */
static int judge_age(struct eol_ctx *e, const struct store_asset *a)
{
	json_t *part = summary_part(e, a->company, "image_age"), *f = NULL;
	struct strbuf title = STRBUF_INIT, why = STRBUF_INIT;
	const char *created = jsonx_str(a->doc, "created");
	struct util_date d;
	char day[11];
	int64_t age;
	int rc;

	if (!created)
		return tally(part, a, 0, 0, "no creation date in the image config");
	snprintf(day, sizeof(day), "%.10s", created);
	if (util_date_parse(day, &d) < 0 || strlen(created) > 64) {
		strbuf_addf(&why, "creation date '%.64s' is not an ISO 8601 date", created);
		rc = tally(part, a, 0, 0, why.buf);
		goto cleanup;
	}
	if (util_date_days(&d) < EOL_PLACEHOLDER_BEFORE) {
		strbuf_addf(&why, "creation date %s is a reproducible-build placeholder, not when it was built", day);
		rc = tally(part, a, 0, 0, why.buf);
		goto cleanup;
	}
	age = e->as_of - util_date_days(&d);
	if (age <= e->max_days) {
		rc = tally(part, a, 1, 0, NULL);
		goto cleanup;
	}
	strbuf_addf(&title, "The image was built %lld days before the as-of day (created %s; the limit is %ld days)",
		    (long long)age, day, e->max_days);
	if ((rc = finding_new(&f, a->company, "image-age", "image-age", a->kind, a->key, a->name, day)) == 0 &&
	    (rc = finding_describe(f, title.buf, age > 2 * e->max_days ? "medium" : "low", "image config")) == 0) {
		jsonx_set_str(f, "domain", "supply-chain");
		jsonx_set_str(f, "fix", "Rebuild the image on a current base image and redeploy it; rebuild on a schedule "
					"so that fixes in the base reach the running image.");
		json_object_set_new(f, "effort_hours", json_real(4));
		json_object_set_new(f, "image_age", json_pack("{s:s, s:s, s:I, s:I}", "created", created, "as_of",
							      e->ctx->eng->as_of_text, "age_days", (json_int_t)age,
							      "max_days", (json_int_t)e->max_days));
		json_object_set_new(f, "image", image_evidence(a));
		if ((rc = store_finding_put(e->ctx->st, EOL_FINDINGS_STAGE, f)) == 0)
			rc = tally(part, a, 1, 1, NULL);
	}
cleanup:
	json_decref(f);
	strbuf_release(&title);
	strbuf_release(&why);
	return rc;
}

/* The distribution past its support: a finding; no distribution or one the table lacks: not judged. */
static int judge_eol(struct eol_ctx *e, const struct store_asset *a)
{
	const json_t *os = json_object_get(a->doc, "os");
	const char *id = jsonx_str(os, "id"), *ver = jsonx_str(os, "version_id"), *product;
	json_t *part = summary_part(e, a->company, "end_of_life");
	const struct eol_cycle *c = NULL;
	struct strbuf why = STRBUF_INIT;
	int rc;

	if (!id && !json_object_get(a->doc, "layers"))
		strbuf_addstr(&why, "the image was not scanned");
	else if (!id)
		strbuf_addstr(&why, "no distribution found (no os-release in the image)");
	else if (!(product = eol_product_for_os(e->t, id)))
		strbuf_addf(&why, "distribution '%.64s' is not in the end-of-life table", id);
	else if (!ver)
		strbuf_addf(&why, "distribution '%.64s' gives no VERSION_ID", id);
	else if (!(c = eol_lookup(e->t, product, ver)))
		strbuf_addf(&why, "%.64s %.64s is not a release cycle of the end-of-life table", id, ver);
	if (!c) {
		rc = tally(part, a, 0, 0, why.buf);
	} else if ((rc = record(e, a, c, "The image's distribution", "supply-chain", 4)) >= 0) {
		rc = tally(part, a, 1, rc, NULL);
	}
	strbuf_release(&why);
	return rc;
}

static int on_asset(void *vctx, const struct store_asset *a)
{
	struct eol_ctx *e = vctx;
	const struct eol_cycle *c = NULL;
	const char *product;
	int rc;

	if (!strcmp(a->kind, "image")) {
		if ((rc = judge_eol(e, a)) < 0)
			return rc;
		return judge_age(e, a);
	}
	if (!strcmp(a->kind, "cluster")) {
		const char *v = jsonx_str(json_object_get(a->doc, "version"), "git_version");

		/* The managed flavours have their own calendars; the consolidation plan judges those. */
		if (!v || strstr(v, "-eks-") || strstr(v, "-gke.") ||
		    !(product = eol_product_for_kubernetes(e->t, "upstream")))
			return 0;
		c = eol_lookup(e->t, product, v);
		rc = c ? record(e, a, c, "The cluster's release of", "kubernetes-hardening", 16) : 0;
		return rc < 0 ? rc : 0;
	}
	return 0;
}

int eol_findings_record(struct run_ctx *ctx, long max_image_age_days, json_t *summary)
{
	struct strbuf dir = STRBUF_INIT;
	struct eol_table *t = NULL;
	struct eol_ctx e = { ctx, NULL, util_date_days(&ctx->eng->as_of), max_image_age_days, summary };
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
