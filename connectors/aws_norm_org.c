/*
 * The organisation an account belongs to (Organizations DescribeOrganization
 * and ListAccounts): the denominator of coverage.  Every account the
 * organisation lists, other than the one collected, becomes an org-account
 * asset (docs/assets.md); scoring counts each as an account of the company
 * that was not assessed unless a source of the same company collected it
 * (docs/scoring.md, "Coverage").  A kind and key of their own: another
 * source of the company (a member whose role trusts this account, unable to
 * list the organisation) writes the same account as an external-account
 * without in_organization, and must not overwrite what the organisation said.
 * When the accounts could not be listed (a member account without access),
 * the account's document says why and coverage counts the accounts collected.
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "aws_norm_int.h"
#include "core/err.h"
#include "core/jsonx.h"
#include "core/strbuf.h"

/* Bound on the accounts taken from one answer (AWS's own limit is a few thousand at most). */
#define MAX_ORG_ACCOUNTS 20000

static int is_account_id(const char *s)
{
	size_t i;

	for (i = 0; s && i < 12; i++)
		if (!isdigit((unsigned char)s[i]))
			return 0;
	return s && s[12] == 0;
}

/* The first failure of organizations:ACTION the collection recorded, or NULL. */
static const json_t *org_error(const struct norm *n, const char *action)
{
	const json_t *e;
	size_t i;

	json_array_foreach(json_object_get(n->ds, "errors"), i, e)
		if (!strcmp(jsonx_strz(e, "service"), "organizations") && !strcmp(jsonx_strz(e, "action"), action))
			return e;
	return NULL;
}

static int member(struct norm *n, const json_t *a, const char *org_id)
{
	const char *id = jsonx_str(a, "Id"), *name = jsonx_str(a, "Name");
	const char *state = jsonx_str(a, "State") ? jsonx_str(a, "State") : jsonx_str(a, "Status");
	struct strbuf key = STRBUF_INIT, label = STRBUF_INIT;
	json_t *doc;
	int rc;

	strbuf_addf(&key, "aws:org-account:%s", id);
	if (name && *name)
		strbuf_addf(&label, "%.200s (%s)", name, id);
	else
		strbuf_addstr(&label, id);
	doc = json_pack("{s:s,s:s,s:s?,s:b,s:s?,s:s?,s:s?,s:s?}", "id", id, "name", label.buf, "account_name", name,
			"in_organization", 1, "organization_id", org_id, "arn", jsonx_str(a, "Arn"), "status", state,
			"joined_method", jsonx_str(a, "JoinedMethod"));
	if (doc)
		norm_set(doc, "joined", norm_time(json_object_get(a, "JoinedTimestamp")));
	rc = norm_asset(n, "org-account", "aws.organizations.account", key.buf, label.buf, NULL, NULL, NULL, doc, NULL);
	strbuf_release(&key);
	strbuf_release(&label);
	return rc;
}

int norm_org(struct norm *n)
{
	const json_t *desc = aws_data_get(n->ds, NULL, "organizations:DescribeOrganization");
	const json_t *org = json_object_get(desc, "Organization"), *list = aws_data_get(n->ds, NULL, "organizations:ListAccounts");
	const json_t *err, *a;
	const char *org_id = jsonx_str(org, "Id");
	json_t *doc;
	size_t i, listed = 0;
	int rc = 0, self = 0;

	if (!org) {
		/* Not in an organisation (AWSOrganizationsNotInUseException), or not allowed to ask. */
		err = org_error(n, "DescribeOrganization");
		if (err)
			json_object_set_new(n->account_doc, "organization",
					    json_pack("{s:n,s:n,s:s}", "id", "accounts_listed", "not_listed_reason",
						      jsonx_strz(err, "message")));
		else if (desc) /* read, and AWS said no organisation */
			json_object_set_new(n->account_doc, "organization", json_null());
		return 0;
	}
	doc = json_pack("{s:s?,s:s?,s:s?,s:s?}", "id", org_id, "arn", jsonx_str(org, "Arn"), "management_account",
			jsonx_str(org, "MasterAccountId"), "feature_set", jsonx_str(org, "FeatureSet"));
	if (!doc)
		return err_set(ERR_NOMEM, "out of memory");
	json_object_set_new(doc, "management", json_boolean(n->account && jsonx_str(org, "MasterAccountId") &&
							     !strcmp(n->account, jsonx_str(org, "MasterAccountId"))));
	json_array_foreach(json_object_get(list, "Accounts"), i, a) {
		const char *id = jsonx_str(a, "Id");

		if (i >= MAX_ORG_ACCOUNTS || !is_account_id(id))
			continue;
		listed++;
		if (n->account && !strcmp(id, n->account)) {
			self = 1;
			continue;
		}
		if ((rc = member(n, a, org_id)) < 0)
			break;
	}
	if (list) {
		/* The account collected belongs to the organisation even when the answer leaves it out. */
		json_object_set_new(doc, "accounts_listed", json_integer((json_int_t)(listed + !self)));
	} else {
		err = org_error(n, "ListAccounts");
		json_object_set_new(doc, "accounts_listed", json_null());
		json_object_set_new(doc, "not_listed_reason",
				    json_string(err ? jsonx_strz(err, "message") : "organizations:ListAccounts was not read"));
	}
	json_object_set_new(n->account_doc, "organization", doc);
	return rc;
}
