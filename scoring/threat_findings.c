/*
 * threat_findings: GuardDuty findings the AWS connector collected (assets of
 * kind "security-finding" keyed by a GuardDuty finding ARN) as findings of kind
 * "threat" the ratings and the deal view count (docs/scoring.md, "Threat
 * findings from the AWS connector").
 *
 * The connector records them as inventory; a threat is a finding about the
 * account it was raised in, so each becomes one, on that account's asset
 * (kind "cloud-account", key "aws:account:ID") when the store holds it, else
 * on the security-finding asset itself.  GuardDuty's severity score maps to
 * AWS's own bands: 9.0 and above critical, 7.0 high, 4.0 medium, else low.
 */
#include "eol_findings.h"

#include <stdio.h>
#include <string.h>

#include "core/err.h"
#include "core/finding.h"
#include "core/jsonx.h"
#include "core/util.h"

struct threat_ctx {
	struct run_ctx *ctx;
	json_t *accounts; /* "COMPANY\x1fKEY" -> name, of the cloud-account assets */
};

static int note_account(void *vctx, const struct store_asset *a)
{
	struct threat_ctx *t = vctx;
	struct strbuf k = STRBUF_INIT;
	int rc = 0;

	strbuf_addf(&k, "%s\x1f%s", a->company, a->key);
	if (json_object_set_new(t->accounts, k.buf, json_string(a->name ? a->name : a->key)) < 0)
		rc = err_set(ERR_NOMEM, "out of memory");
	strbuf_release(&k);
	return rc;
}

static const char *guardduty_severity(const json_t *score)
{
	double s = json_is_number(score) ? json_number_value(score) : 0;

	return s >= 9.0 ? "critical" : s >= 7.0 ? "high" : s >= 4.0 ? "medium" : "low";
}

static int on_finding(void *vctx, const struct store_asset *a)
{
	struct threat_ctx *t = vctx;
	struct strbuf rule = STRBUF_INIT, acct = STRBUF_INIT, k = STRBUF_INIT, title = STRBUF_INIT;
	const char *type = jsonx_str(a->doc, "type"), *acct_name = NULL;
	json_t *f = NULL;
	int rc = 0;

	/* The inventory sets every document's "source" to the source id, so GuardDuty is known by its ARN. */
	if (!type || (!strstr(a->key, ":guardduty:") && strcmp(jsonx_strz(a->doc, "source"), "guardduty")))
		return 0;
	strbuf_addf(&rule, "guardduty:%s", type);
	if (jsonx_str(a->doc, "account_id")) {
		strbuf_addf(&acct, "aws:account:%s", jsonx_str(a->doc, "account_id"));
		strbuf_addf(&k, "%s\x1f%s", a->company, acct.buf);
		acct_name = jsonx_str(t->accounts, k.buf);
	}
	strbuf_addf(&title, "GuardDuty: %s", jsonx_str(a->doc, "title") ? jsonx_str(a->doc, "title") : type);
	if (acct_name)
		rc = finding_new(&f, a->company, "threat", rule.buf, "cloud-account", acct.buf, acct_name, a->key);
	else
		rc = finding_new(&f, a->company, "threat", rule.buf, a->kind, a->key, a->name, a->key);
	if (rc == 0 && (rc = finding_describe(f, title.buf, guardduty_severity(json_object_get(a->doc, "severity_score")),
					      "guardduty")) == 0) {
		jsonx_set_str(f, "detector", "guardduty");
		json_object_set_new(f, "types", json_pack("[s]", type));
		jsonx_set_str(f, "region", jsonx_str(a->doc, "region"));
		jsonx_set_str(f, "updated_at", jsonx_str(a->doc, "updated_at"));
		jsonx_set_str(f, "fix", "Investigate the GuardDuty finding with the target's security team and close it "
					"(contain, find the cause, rotate what it touched) before any interconnection.");
		rc = store_finding_put(t->ctx->st, EOL_FINDINGS_STAGE, f);
	}
	json_decref(f);
	strbuf_release(&rule);
	strbuf_release(&acct);
	strbuf_release(&k);
	strbuf_release(&title);
	return rc;
}

int threat_findings_record(struct run_ctx *ctx)
{
	struct threat_ctx t = { ctx, json_object() };
	int rc;

	if (!t.accounts)
		return err_set(ERR_NOMEM, "out of memory");
	if ((rc = store_asset_foreach(ctx->st, NULL, "cloud-account", note_account, &t)) == 0)
		rc = store_asset_foreach(ctx->st, NULL, "security-finding", on_finding, &t);
	json_decref(t.accounts);
	return rc;
}
