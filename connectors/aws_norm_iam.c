/*
 * IAM: users (GetAccountAuthorizationDetails joined with the credential
 * report, MFA devices and access keys with their last use), groups, roles
 * with their trust policies and who outside the account they let in,
 * managed policies with their default version, and the account's root user,
 * password policy and summary.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "aws_norm_int.h"
#include "core/err.h"
#include "core/jsonx.h"
#include "core/util.h"

#define CSV_MAX_ROWS 100000
#define CSV_MAX_COLS 64

/* The credential report: rows as objects keyed by the header; "true"/"false" as booleans. */
static json_t *parse_report(const char *csv)
{
	json_t *rows = json_array(), *header = json_array(), *row = NULL;
	struct strbuf field = STRBUF_INIT;
	const char *p = csv;
	size_t col = 0, nrows = 0;
	int quoted = 0, line = 0;

	if (!rows || !header)
		goto fail;
	for (;; p++) {
		int end_field = 0, end_line = 0;

		if (quoted) {
			if (*p == '"' && p[1] == '"') {
				strbuf_addch(&field, '"');
				p++;
			} else if (*p == '"') {
				quoted = 0;
			} else if (!*p) {
				end_field = end_line = 1;
			} else {
				strbuf_addch(&field, *p);
			}
		} else if (*p == '"' && !field.len) {
			quoted = 1;
		} else if (*p == ',') {
			end_field = 1;
		} else if (*p == '\n' || !*p) {
			end_field = end_line = 1;
		} else if (*p != '\r') {
			strbuf_addch(&field, *p);
		}
		if (end_field) {
			if (line == 0) {
				json_array_append_new(header, json_stringn(field.buf, field.len));
			} else if (col < json_array_size(header) && col < CSV_MAX_COLS) {
				const char *name = json_string_value(json_array_get(header, col));
				json_t *v = !strcmp(field.buf, "true") ? json_true()
					    : !strcmp(field.buf, "false") ? json_false()
					    : json_stringn(field.buf, field.len);

				if (!row)
					row = json_object();
				if (name && v)
					json_object_set_new(row, name, v);
				else
					json_decref(v);
			}
			col++;
			strbuf_reset(&field);
		}
		if (end_line) {
			if (line > 0 && row && json_object_size(row) && nrows < CSV_MAX_ROWS) {
				json_array_append_new(rows, row);
				nrows++;
			} else {
				json_decref(row);
			}
			row = NULL;
			col = 0;
			line++;
			if (!*p)
				break;
		}
	}
	strbuf_release(&field);
	json_decref(header);
	return rows;
fail:
	json_decref(rows);
	json_decref(header);
	return NULL;
}

static const json_t *report_row(const json_t *rows, const char *user)
{
	const json_t *r;
	size_t i;

	json_array_foreach(rows, i, r)
		if (!strcmp(jsonx_strz(r, "user"), user))
			return r;
	return NULL;
}

static json_t *names_of(const json_t *list, const char *name_key, const char *arn_key)
{
	json_t *out = json_array(), *v;
	size_t i;

	json_array_foreach(list, i, v) {
		if (json_is_string(v))
			json_array_append(out, v);
		else if (json_is_object(v))
			json_array_append_new(out, json_pack("{s:s?,s:s?}", "name", jsonx_str(v, name_key), "arn",
							     arn_key ? jsonx_str(v, arn_key) : NULL));
	}
	return out;
}

static json_t *inline_policies(const json_t *list)
{
	json_t *out = json_array(), *v;
	size_t i;

	json_array_foreach(list, i, v)
		json_array_append_new(out, json_pack("{s:s?,s:o*}", "name", jsonx_str(v, "PolicyName"), "document",
						     norm_policy_doc(json_object_get(v, "PolicyDocument"))));
	return out;
}

/* Access keys: ListAccessKeys with GetAccessKeyLastUsed; the credential report's two slots when those are missing. */
static json_t *access_keys(const struct norm *n, const char *user, const json_t *row)
{
	json_t *keys = json_array(), *k;
	const json_t *listed = aws_data_res(n->ds, NULL, "iam:ListAccessKeys", user);
	size_t i;
	int slot;

	if (json_is_object(listed)) {
		json_array_foreach(json_object_get(listed, "AccessKeyMetadata"), i, k) {
			const char *id = jsonx_strz(k, "AccessKeyId");
			const json_t *lu = json_object_get(aws_data_res(n->ds, NULL, "iam:GetAccessKeyLastUsed", id),
							   "AccessKeyLastUsed");
			json_t *doc = json_pack("{s:s,s:b}", "id", id, "active", !strcmp(jsonx_strz(k, "Status"), "Active"));

			jsonx_set_str(doc, "status", jsonx_str(k, "Status"));
			norm_set(doc, "created", norm_time(json_object_get(k, "CreateDate")));
			norm_set(doc, "last_used", norm_time(json_object_get(lu, "LastUsedDate")));
			jsonx_set_str(doc, "last_used_service", jsonx_str(lu, "ServiceName"));
			jsonx_set_str(doc, "last_used_region", jsonx_str(lu, "Region"));
			json_array_append_new(keys, doc);
		}
		return keys;
	}
	for (slot = 1; row && slot <= 2; slot++) {
		char a[64], r[64], u[64];

		snprintf(a, sizeof(a), "access_key_%d_active", slot);
		snprintf(r, sizeof(r), "access_key_%d_last_rotated", slot);
		snprintf(u, sizeof(u), "access_key_%d_last_used_date", slot);
		if (!json_is_true(json_object_get(row, a)))
			continue;
		json_array_append_new(keys, json_pack("{s:i,s:b,s:s,s:o*,s:o*}", "slot", slot, "active", 1, "status", "Active",
						      "created", norm_time(json_object_get(row, r)), "last_used",
						      norm_time(json_object_get(row, u))));
	}
	return keys;
}

static int users(struct norm *n, const json_t *gaad, const json_t *rows)
{
	static const char *const datasets[] = { "aws.iam.users", "aws.iam.credential_report", NULL };
	static const char *const report_cols[] = { "password_enabled", "password_last_used", "password_last_changed",
						   "password_next_rotation", "mfa_active", "access_key_1_active",
						   "access_key_1_last_rotated", "access_key_1_last_used_date",
						   "access_key_2_active", "access_key_2_last_rotated",
						   "access_key_2_last_used_date", NULL };
	const json_t *u, *row, *mfa;
	size_t i, k;
	int rc;

	json_array_foreach(json_object_get(gaad, "UserDetailList"), i, u) {
		const char *name = jsonx_str(u, "UserName"), *arn = jsonx_str(u, "Arn");
		json_t *doc, *devs;

		if (!name || !arn)
			continue;
		row = report_row(rows, name);
		doc = json_pack("{s:s,s:s,s:s?,s:s?,s:o,s:o,s:o,s:o*}", "name", name, "arn", arn, "id", jsonx_str(u, "UserId"),
				"path", jsonx_str(u, "Path"), "groups", names_of(json_object_get(u, "GroupList"), NULL, NULL),
				"attached_policies", names_of(json_object_get(u, "AttachedManagedPolicies"), "PolicyName", "PolicyArn"),
				"inline_policies", inline_policies(json_object_get(u, "UserPolicyList")),
				"tags", json_deep_copy(json_object_get(u, "Tags")));
		norm_set(doc, "created", json_object_get(u, "CreateDate") ? norm_time(json_object_get(u, "CreateDate"))
									   : norm_time(row ? json_object_get(row, "user_creation_time") : NULL));
		for (k = 0; report_cols[k]; k++)
			json_object_set(doc, report_cols[k], row ? json_object_get(row, report_cols[k]) : NULL);
		json_object_set_new(doc, "console_access", row ? json_boolean(json_is_true(json_object_get(row, "password_enabled")))
							       : json_null());
		devs = json_array();
		mfa = aws_data_res(n->ds, NULL, "iam:ListMFADevices", name);
		json_array_foreach(json_object_get(mfa, "MFADevices"), k, row)
			json_array_append_new(devs, json_pack("{s:s?,s:o*,s:b}", "serial", jsonx_str(row, "SerialNumber"),
							      "enable_date", norm_time(json_object_get(row, "EnableDate")), "virtual",
							      strstr(jsonx_strz(row, "SerialNumber"), ":mfa/") != NULL));
		json_object_set_new(doc, "mfa_devices", devs);
		json_object_set_new(doc, "access_keys", access_keys(n, name, report_row(rows, name)));
		{
			size_t active = 0;
			json_t *key;

			json_array_foreach(json_object_get(doc, "access_keys"), k, key)
				active += json_is_true(json_object_get(key, "active"));
			json_object_set_new(doc, "active_access_keys", json_integer((json_int_t)active));
		}
		if ((rc = norm_asset(n, "iam-user", "aws.iam.user", arn, name, NULL, datasets, name, doc, NULL)) < 0)
			return rc;
	}
	return 0;
}


static void add_unique(json_t *list, const char *s)
{
	json_t *v;
	size_t i;

	json_array_foreach(list, i, v)
		if (!strcmp(json_string_value(v), s))
			return;
	json_array_append_new(list, json_string(s));
}

/* Who the trust policy lets in: other accounts, everyone, identity providers, services. */
static void trust_summary(const struct norm *n, const json_t *policy, json_t *doc)
{
	json_t *accounts = json_array(), *federated = json_array(), *services = json_array(), *st, *pr, *v;
	json_t *stmts = json_object_get(policy, "Statement");
	size_t i, k, cnt;
	int everyone = 0, external_id = 1, any_external = 0;

	cnt = json_is_array(stmts) ? json_array_size(stmts) : stmts ? 1 : 0;
	for (i = 0; i < cnt; i++) {
		st = json_is_array(stmts) ? json_array_get(stmts, i) : stmts;
		if (strcmp(jsonx_strz(st, "Effect"), "Allow"))
			continue;
		pr = json_object_get(st, "Principal");
		if (json_is_string(pr) && !strcmp(json_string_value(pr), "*")) {
			everyone = 1;
			continue;
		}
		{
			const json_t *aws = json_object_get(pr, "AWS");
			size_t m = json_is_array(aws) ? json_array_size(aws) : aws ? 1 : 0;

			for (k = 0; k < m; k++) {
				const char *p = json_string_value(json_is_array(aws) ? json_array_get(aws, k) : aws);
				char acct[13];

				if (!p)
					continue;
				if (!strcmp(p, "*")) {
					everyone = 1;
					continue;
				}
				util_aws_account_of(p, acct);
				if (acct[0] && strcmp(acct, n->account)) {
					const json_t *cond = json_object_get(st, "Condition"), *op;
					const char *opname;
					int found = 0;

					add_unique(accounts, acct);
					any_external = 1;
					json_object_foreach((json_t *)cond, opname, op)
						if (json_object_get(op, "sts:ExternalId") || json_object_get(op, "sts:externalid"))
							found = 1;
					external_id &= found;
				}
			}
		}
		json_array_foreach(json_is_array(json_object_get(pr, "Federated")) ? json_object_get(pr, "Federated") : NULL, k, v)
			if (json_is_string(v))
				add_unique(federated, json_string_value(v));
		if (json_is_string(json_object_get(pr, "Federated")))
			add_unique(federated, jsonx_str(pr, "Federated"));
		json_array_foreach(json_is_array(json_object_get(pr, "Service")) ? json_object_get(pr, "Service") : NULL, k, v)
			if (json_is_string(v))
				add_unique(services, json_string_value(v));
		if (json_is_string(json_object_get(pr, "Service")))
			add_unique(services, jsonx_str(pr, "Service"));
	}
	json_object_set_new(doc, "trusted_accounts", accounts);
	json_object_set_new(doc, "trusted_federated", federated);
	json_object_set_new(doc, "trusted_services", services);
	json_object_set_new(doc, "trusts_everyone", json_boolean(everyone));
	json_object_set_new(doc, "third_party_access", json_boolean(any_external || everyone));
	json_object_set_new(doc, "external_id_required", any_external ? json_boolean(external_id) : json_null());
}

/* The external account a role trusts, as an asset of its own (edges point at it). */
static int external_account(struct norm *n, const char *acct, const json_t *orgs, int64_t *id)
{
	struct strbuf key = STRBUF_INIT;
	const json_t *a;
	size_t i;
	int in_org = 0, rc;

	json_array_foreach(json_object_get(orgs, "Accounts"), i, a)
		if (!strcmp(jsonx_strz(a, "Id"), acct))
			in_org = 1;
	strbuf_addf(&key, "aws:external-account:%s", acct);
	if ((*id = norm_id(n, key.buf))) {
		strbuf_release(&key);
		return 0;
	}
	rc = norm_asset(n, "external-account", "aws.external_account", key.buf, acct, NULL, NULL, NULL,
			json_pack("{s:s,s:s,s:b}", "id", acct, "name", acct, "in_organization", in_org), id);
	strbuf_release(&key);
	return rc;
}

static int roles(struct norm *n, const json_t *gaad)
{
	static const char *const datasets[] = { "aws.iam.roles", NULL };
	const json_t *orgs = aws_data_get(n->ds, NULL, "organizations:ListAccounts");
	const json_t *r, *ip, *acct;
	size_t i, k;
	int64_t role_id, ext_id;
	int rc = 0;
	json_t *support = json_array();

	/* The roles AWS Support can be reached through (CIS 1.17). */
	if (gaad)
		json_object_set_new(n->account_doc, "support_roles", support);
	else
		json_decref(support);
	json_array_foreach(json_object_get(gaad, "RoleDetailList"), i, r) {
		const char *name = jsonx_str(r, "RoleName"), *arn = jsonx_str(r, "Arn");
		json_t *doc, *trust, *accounts, *profiles = json_array();

		if (!name || !arn) {
			json_decref(profiles);
			continue;
		}
		trust = norm_policy_doc(json_object_get(r, "AssumeRolePolicyDocument"));
		json_array_foreach(json_object_get(r, "InstanceProfileList"), k, ip)
			if (jsonx_str(ip, "Arn"))
				json_array_append_new(profiles, json_string(jsonx_str(ip, "Arn")));
		doc = json_pack("{s:s,s:s,s:s?,s:s?,s:o*,s:o,s:o,s:o,s:o*}", "name", name, "arn", arn, "id", jsonx_str(r, "RoleId"),
				"path", jsonx_str(r, "Path"), "trust_policy", trust ? json_incref(trust) : NULL, "attached_policies",
				names_of(json_object_get(r, "AttachedManagedPolicies"), "PolicyName", "PolicyArn"),
				"inline_policies", inline_policies(json_object_get(r, "RolePolicyList")), "instance_profiles",
				profiles, "tags", json_deep_copy(json_object_get(r, "Tags")));
		norm_set(doc, "created", norm_time(json_object_get(r, "CreateDate")));
		norm_set(doc, "last_used", norm_time(jsonx_dig(r, "RoleLastUsed.LastUsedDate")));
		json_object_set_new(doc, "service_linked", json_boolean(util_has_prefix(jsonx_strz(r, "Path"), "/aws-service-role/")));
		trust_summary(n, trust, doc);
		json_decref(trust);
		json_array_foreach(json_object_get(r, "AttachedManagedPolicies"), k, acct)
			if (util_has_suffix(jsonx_strz(acct, "PolicyArn"), ":policy/AWSSupportAccess"))
				json_array_append_new(support, json_string(arn));
		accounts = json_incref(json_object_get(doc, "trusted_accounts"));
		if ((rc = norm_asset(n, "iam-role", "aws.iam.role", arn, name, NULL, datasets, NULL, doc, &role_id)) < 0) {
			json_decref(accounts);
			return rc;
		}
		/* A role trusted by another account is third-party access: an edge to that account. */
		json_array_foreach(accounts, k, acct) {
			if ((rc = external_account(n, json_string_value(acct), orgs, &ext_id)) < 0 ||
			    (rc = norm_edge(n, role_id, ext_id, "third-party-access")) < 0)
				break;
		}
		json_decref(accounts);
		if (rc < 0)
			return rc;
	}
	return 0;
}

static int groups_and_policies(struct norm *n, const json_t *gaad)
{
	static const char *const gds[] = { "aws.iam.users", NULL };
	static const char *const pds[] = { "aws.iam.policies", NULL };
	const json_t *g, *p, *v, *who;
	json_t *cloudshell = json_array();
	size_t i, k, j;
	int rc = 0;
	static const char *const lists[] = { "UserDetailList", "UserName", "user", "GroupDetailList", "GroupName", "group",
					     "RoleDetailList", "RoleName", "role", NULL };

	json_array_foreach(json_object_get(gaad, "GroupDetailList"), i, g) {
		const char *name = jsonx_str(g, "GroupName"), *arn = jsonx_str(g, "Arn");
		json_t *doc;

		if (!name || !arn)
			continue;
		doc = json_pack("{s:s,s:s,s:s?,s:o,s:o}", "name", name, "arn", arn, "id", jsonx_str(g, "GroupId"),
				"attached_policies", names_of(json_object_get(g, "AttachedManagedPolicies"), "PolicyName", "PolicyArn"),
				"inline_policies", inline_policies(json_object_get(g, "GroupPolicyList")));
		if ((rc = norm_asset(n, "iam-group", "aws.iam.group", arn, name, NULL, gds, NULL, doc, NULL)) < 0)
			goto cleanup;
	}
	json_array_foreach(json_object_get(gaad, "Policies"), i, p) {
		const char *name = jsonx_str(p, "PolicyName"), *arn = jsonx_str(p, "Arn");
		json_t *doc, *attached, *document = NULL;
		int aws_managed;

		/* The name is the ARN's last part (moto leaves PolicyName out). */
		if (arn && !name && strrchr(arn, '/'))
			name = strrchr(arn, '/') + 1;
		if (!name || !arn)
			continue;
		aws_managed = strstr(arn, ":iam::aws:policy/") != NULL;
		/* AWS's own policies matter where they are attached; the hundreds that are not are noise. */
		if (aws_managed && jsonx_int(p, "AttachmentCount", 0) <= 0)
			continue;
		attached = json_pack("{s[]s[]s[]}", "users", "groups", "roles");
		json_array_foreach(json_object_get(p, "PolicyVersionList"), k, v)
			if (json_is_true(json_object_get(v, "IsDefaultVersion")) && !document)
				document = norm_policy_doc(json_object_get(v, "Document"));
		for (j = 0; lists[j]; j += 3) {
			json_array_foreach(json_object_get(gaad, lists[j]), k, who) {
				const json_t *ap;
				size_t m;

				json_array_foreach(json_object_get(who, "AttachedManagedPolicies"), m, ap)
					if (!strcmp(jsonx_strz(ap, "PolicyArn"), arn))
						json_array_append_new(json_object_get(attached, j == 0 ? "users" : j == 3 ? "groups" : "roles"),
								      json_string(jsonx_strz(who, lists[j + 1])));
			}
		}
		doc = json_pack("{s:s,s:s,s:s?,s:b,s:O?,s:s?,s:o*,s:o}", "name", name, "arn", arn, "id", jsonx_str(p, "PolicyId"),
				"aws_managed", aws_managed,
				"attachment_count", json_object_get(p, "AttachmentCount"), "default_version_id",
				jsonx_str(p, "DefaultVersionId"), "document", document, "attached_to", attached);
		if (!strcmp(name, "AWSCloudShellFullAccess")) {
			json_t *to = json_object_get(doc, "attached_to");

			json_array_extend(cloudshell, json_object_get(to, "users"));
			json_array_extend(cloudshell, json_object_get(to, "groups"));
			json_array_extend(cloudshell, json_object_get(to, "roles"));
		}
		if ((rc = norm_asset(n, "iam-policy", "aws.iam.policy", arn, name, NULL, pds, NULL, doc, NULL)) < 0)
			goto cleanup;
	}
	if (aws_data_get(n->ds, NULL, "iam:GetAccountAuthorizationDetails")) {
		json_object_set_new(n->account_doc, "cloudshell_full_access_attached_to", cloudshell);
		cloudshell = NULL;
	}
cleanup:
	json_decref(cloudshell);
	return rc;
}

/* The later of two timestamps of the credential report ("N/A", "no_information" are none). */
static const char *later(const char *a, const char *b)
{
	int64_t ta, tb;
	int ha = a && util_timestamp_parse(a, &ta) == 0, hb = b && util_timestamp_parse(b, &tb) == 0;

	err_clear();
	if (ha && hb)
		return ta >= tb ? a : b;
	return ha ? a : hb ? b : NULL;
}

/*
 * The root user: the credential report's <root_account> row (keys, last
 * use) and the account summary (MFA), with hardware_mfa when MFA is on and
 * no virtual device is the root's.
 */
static void root_user(struct norm *n, const json_t *rows)
{
	const json_t *row = report_row(rows, "<root_account>"), *d;
	const json_t *virt = aws_data_get(n->ds, NULL, "iam:ListVirtualMFADevices");
	const json_t *summary = json_object_get(aws_data_get(n->ds, NULL, "iam:GetAccountSummary"), "SummaryMap");
	json_t *root = json_object(), *last;
	size_t i;
	int virtual_root = 0;
	static const char *const cols[] = { "arn", "password_last_used", "access_key_1_active", "access_key_1_last_used_date",
					    "access_key_1_last_rotated", "access_key_2_active", "access_key_2_last_used_date",
					    "access_key_2_last_rotated", NULL };

	for (i = 0; row && cols[i]; i++)
		json_object_set(root, cols[i], json_object_get(row, cols[i]));
	if (row) {
		const char *l = later(jsonx_str(row, "password_last_used"),
				      later(jsonx_str(row, "access_key_1_last_used_date"), jsonx_str(row, "access_key_2_last_used_date")));

		json_object_set_new(root, "access_keys_active",
				    json_integer(json_is_true(json_object_get(row, "access_key_1_active")) +
						 json_is_true(json_object_get(row, "access_key_2_active"))));
		if (l) {
			json_t *t = json_string(l);

			last = norm_time(t);
			json_decref(t);
			if (last)
				json_object_set_new(root, "last_used", last);
		}
		json_object_set(root, "mfa_active", json_object_get(row, "mfa_active"));
	}
	json_array_foreach(json_object_get(virt, "VirtualMFADevices"), i, d)
		if (util_has_suffix(jsonx_strz(json_object_get(d, "User"), "Arn"), ":root") ||
		    strstr(jsonx_strz(d, "SerialNumber"), "root-account-mfa-device"))
			virtual_root = 1;
	if (summary) {
		/* The summary says whether root has MFA, report or not. */
		json_object_set_new(root, "mfa_active", json_boolean(jsonx_int(summary, "AccountMFAEnabled", 0) == 1));
		json_object_set_new(root, "access_keys_present", json_boolean(jsonx_int(summary, "AccountAccessKeysPresent", 0) > 0));
	}
	if (summary && virt)
		json_object_set_new(root, "hardware_mfa", json_boolean(jsonx_int(summary, "AccountMFAEnabled", 0) == 1 && !virtual_root));
	json_object_set_new(root, "virtual_mfa", virt ? json_boolean(virtual_root) : json_null());
	json_object_set_new(n->account_doc, "root", root);
	if (summary)
		json_object_set(n->account_doc, "summary", (json_t *)summary);
}

/* The policy as GetAccountPasswordPolicy gives it, or null when none is set (absent when not read). */
static void password_policy(struct norm *n)
{
	const json_t *pp = aws_data_get(n->ds, NULL, "iam:GetAccountPasswordPolicy");

	if (!pp)
		return;
	json_object_set_new(n->account_doc, "password_policy",
			    json_is_object(json_object_get(pp, "PasswordPolicy")) ? json_deep_copy(json_object_get(pp, "PasswordPolicy"))
										  : json_null());
}

static void account_iam(struct norm *n)
{
	const json_t *certs = aws_data_get(n->ds, NULL, "iam:ListServerCertificates"), *c, *v;
	const json_t *saml = aws_data_get(n->ds, NULL, "iam:ListSAMLProviders");
	const json_t *oidc = aws_data_get(n->ds, NULL, "iam:ListOpenIDConnectProviders");
	const json_t *contact = aws_data_get(n->ds, NULL, "account:GetAlternateContact");
	json_t *list = json_array(), *idp = json_pack("{s[]s[]}", "saml", "oidc");
	size_t i;

	json_array_foreach(json_object_get(certs, "ServerCertificateMetadataList"), i, c) {
		json_t *e = json_pack("{s:s?,s:s?}", "name", jsonx_str(c, "ServerCertificateName"), "arn", jsonx_str(c, "Arn"));

		norm_set(e, "expiration", norm_time(json_object_get(c, "Expiration")));
		json_array_append_new(list, e);
	}
	json_object_set_new(n->account_doc, "server_certificates", certs ? list : json_null());
	if (!certs)
		json_decref(list);
	json_array_foreach(json_object_get(saml, "SAMLProviderList"), i, v)
		json_array_append_new(json_object_get(idp, "saml"), json_string(jsonx_strz(v, "Arn")));
	json_array_foreach(json_object_get(oidc, "OpenIDConnectProviderList"), i, v)
		json_array_append_new(json_object_get(idp, "oidc"), json_string(jsonx_strz(v, "Arn")));
	json_object_set_new(n->account_doc, "identity_providers", idp);
	/* The security contact: whether one is registered; the person's details are not kept. */
	if (aws_data_has(n->ds, NULL, "account:GetAlternateContact", NULL))
		json_object_set_new(n->account_doc, "security_contact",
				    json_pack("{s:b}", "registered", json_object_get(contact, "AlternateContact") != NULL));
}

int norm_iam(struct norm *n)
{
	const json_t *gaad = aws_data_get(n->ds, NULL, "iam:GetAccountAuthorizationDetails");
	const char *csv = jsonx_str(n->ds, "credential_report");
	json_t *rows = csv ? parse_report(csv) : json_array();
	int rc;

	if (!rows)
		return err_set(ERR_NOMEM, "out of memory");
	root_user(n, rows);
	password_policy(n);
	account_iam(n);
	if (csv)
		json_object_set_new(n->account_doc, "credential_report_users",
				    json_integer((json_int_t)json_array_size(rows)));
	if ((rc = users(n, gaad, rows)) < 0 || (rc = roles(n, gaad)) < 0 || (rc = groups_and_policies(n, gaad)) < 0)
		goto cleanup;
	/* Users the report knows and GetAccountAuthorizationDetails did not give (an export with the report only). */
	if (!gaad && csv) {
		const json_t *r;
		size_t i;
		static const char *const datasets[] = { "aws.iam.users", "aws.iam.credential_report", NULL };

		json_array_foreach(rows, i, r) {
			const char *user = jsonx_strz(r, "user");
			json_t *doc;

			if (!strcmp(user, "<root_account>") || !jsonx_str(r, "arn"))
				continue;
			doc = json_deep_copy(r);
			json_object_del(doc, "user");
			jsonx_set_str(doc, "name", user);
			norm_set(doc, "created", norm_time(json_object_get(r, "user_creation_time")));
			json_object_set_new(doc, "console_access", json_boolean(json_is_true(json_object_get(r, "password_enabled"))));
			json_object_set_new(doc, "access_keys", access_keys(n, user, r));
			if ((rc = norm_asset(n, "iam-user", "aws.iam.user", jsonx_str(r, "arn"), user, NULL, datasets, user, doc,
					     NULL)) < 0)
				goto cleanup;
		}
	}
	rc = 0;
cleanup:
	json_decref(rows);
	return rc;
}
