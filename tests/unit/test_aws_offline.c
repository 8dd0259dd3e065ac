/*
 * The AWS normaliser and the export reader without a network: a real
 * GetAccountAuthorizationDetails (cloudsplaining's lab account, in the CLI's
 * form), real credential reports, and an export folder written here with
 * the CLI's error text, per-resource folders and an AWS Config snapshot.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "connectors/aws_collect.h"
#include "connectors/aws_data.h"
#include "connectors/aws_norm.h"
#include "core/err.h"
#include "core/jsonx.h"
#include "th.h"

static json_t *asset(const json_t *out, const char *key)
{
	const json_t *a;
	size_t i;

	json_array_foreach(json_object_get(out, "assets"), i, a)
		if (!strcmp(jsonx_strz(a, "key"), key))
			return json_object_get(a, "doc");
	return NULL;
}

static size_t count_kind(const json_t *out, const char *kind)
{
	const json_t *a;
	size_t i, n = 0;

	json_array_foreach(json_object_get(out, "assets"), i, a)
		n += !strcmp(jsonx_strz(a, "asset_kind"), kind);
	return n;
}

static int has_edge(const json_t *out, const char *from, const char *kind, const char *to)
{
	const json_t *e;
	size_t i;

	json_array_foreach(json_object_get(out, "edges"), i, e)
		if (!strcmp(jsonx_strz(e, "from"), from) && !strcmp(jsonx_strz(e, "kind"), kind) && !strcmp(jsonx_strz(e, "to"), to))
			return 1;
	return 0;
}

START_TEST(cloudsplaining_authorization_details)
{
	char *p = th_data_path("aws/iam/gaad-cloudsplaining-example.json");
	json_t *gaad = NULL, *ds = aws_data_new(), *out = NULL, *d;

	ck_assert_int_eq(jsonx_load_file(p, 0, &gaad), 0);
	json_object_set_new(ds, "account", json_string("200611803367"));
	ck_assert_int_eq(aws_data_put(ds, NULL, "iam:GetAccountAuthorizationDetails", NULL, gaad), 0);
	ck_assert_msg(aws_normalise_json(ds, "export", &out) == 0, "%s", err_last());
	ck_assert_uint_eq(count_kind(out, "iam-user"), 44);
	ck_assert_uint_eq(count_kind(out, "iam-role"), 78);
	ck_assert_uint_eq(count_kind(out, "iam-group"), 5);
	ck_assert_uint_eq(count_kind(out, "iam-policy"), 84);
	ck_assert_uint_eq(count_kind(out, "external-account"), 1);
	/* The organisation's management account can get in: third-party access, two roles. */
	d = asset(out, "arn:aws:iam::200611803367:role/OrganizationAccountAccessRole");
	ck_assert_ptr_nonnull(d);
	ck_assert(json_is_true(json_object_get(d, "third_party_access")));
	ck_assert(json_is_false(json_object_get(d, "external_id_required")));
	ck_assert(has_edge(out, "arn:aws:iam::200611803367:role/OrganizationAccountAccessRole", "third-party-access",
			   "aws:external-account:072528804237"));
	/* Dates in the CLI's "2023-03-09 10:41:45+00:00" become ISO 8601 UTC. */
	d = asset(out, "arn:aws:iam::200611803367:user/fn1-privesc3-partial-user");
	ck_assert_str_eq(jsonx_strz(d, "created"), "2023-03-09T10:41:45Z");
	ck_assert_uint_eq(json_array_size(json_object_get(d, "attached_policies")), 2);
	/* Policy documents are objects, whatever form they came in. */
	d = asset(out, "arn:aws:iam::200611803367:policy/privesc8-AttachGroupPolicy");
	ck_assert_str_eq(jsonx_strz(json_array_get(jsonx_dig(d, "document.Statement"), 0), "Action"), "iam:AttachGroupPolicy");
	ck_assert_int_eq(json_integer_value(json_object_get(d, "attachment_count")), 2);
	/* Collected: the users' data set, not the credential report (none was given). */
	d = asset(out, "arn:aws:iam::200611803367:user/fn1-privesc3-partial-user");
	ck_assert_str_eq(json_string_value(json_array_get(json_object_get(d, "collected"), 0)), "aws.iam.users");
	ck_assert_ptr_nonnull(strstr(jsonx_strz(json_object_get(d, "unreadable"), "aws.iam.credential_report"),
				     "iam:GetCredentialReport was not collected"));
	json_decref(out);
	json_decref(ds);
	free(p);
}
END_TEST

START_TEST(credential_reports)
{
	char *p = th_data_path("aws/credential-report/credential-report-synthetic-with-root.csv");
	struct strbuf csv = STRBUF_INIT;
	json_t *ds = aws_data_new(), *out = NULL, *acct, *d;

	th_read(p, &csv);
	json_object_set_new(ds, "account", json_string("123456789012"));
	json_object_set_new(ds, "credential_report", json_string(csv.buf));
	aws_data_put(ds, NULL, "iam:GetCredentialReport", NULL, json_object());
	ck_assert_int_eq(aws_normalise_json(ds, "export", &out), 0);
	/* Users known from the report alone: every row but the root's. */
	ck_assert_uint_eq(count_kind(out, "iam-user"), 5);
	acct = asset(out, "aws:account:123456789012");
	ck_assert(json_is_false(jsonx_dig(acct, "root.mfa_active")));
	ck_assert(json_is_true(jsonx_dig(acct, "root.access_key_1_active")));
	ck_assert_int_eq(json_integer_value(jsonx_dig(acct, "root.access_keys_active")), 1);
	ck_assert_str_eq(jsonx_strz(json_object_get(acct, "root"), "last_used"), "2026-11-20T09:14:00Z");
	ck_assert_str_eq(jsonx_strz(json_object_get(acct, "root"), "access_key_1_last_used_date"), "2026-11-20T09:14:00+00:00");
	d = asset(out, "arn:aws:iam::123456789012:user/alice");
	ck_assert(json_is_true(json_object_get(d, "console_access")));
	ck_assert(json_is_false(json_object_get(d, "mfa_active")));
	ck_assert_uint_eq(json_array_size(json_object_get(d, "access_keys")), 2);
	ck_assert_str_eq(jsonx_strz(d, "password_last_used"), "no_information");
	d = asset(out, "arn:aws:iam::123456789012:user/bob");
	ck_assert(json_is_true(json_object_get(d, "mfa_active")));
	ck_assert_uint_eq(json_array_size(json_object_get(d, "access_keys")), 0);
	json_decref(out);
	json_decref(ds);
	strbuf_release(&csv);
	free(p);
}
END_TEST

static void put(const char *dir, const char *rel, const char *text)
{
	struct strbuf p = STRBUF_INIT, cmd = STRBUF_INIT;
	struct th_result res;
	const char *argv[] = { "sh", "-c", NULL, NULL };

	strbuf_addf(&p, "%s/%s", dir, rel);
	strbuf_addf(&cmd, "mkdir -p \"$(dirname '%s')\"", p.buf);
	argv[2] = cmd.buf;
	th_run(&res, argv, NULL, NULL, NULL);
	th_result_release(&res);
	th_write(p.buf, text);
	strbuf_release(&p);
	strbuf_release(&cmd);
}

START_TEST(export_folder)
{
	char *dir = th_tmpdir();
	struct strbuf acct = STRBUF_INIT;
	json_t *ds = aws_data_new(), *skipped = NULL, *out = NULL, *d, *names = NULL;

	strbuf_addf(&acct, "%s/333333333333", dir);
	put(acct.buf, "iam-get-account-password-policy.json",
	    "\nAn error occurred (NoSuchEntity) when calling the GetAccountPasswordPolicy operation: The Password Policy "
	    "with domain name 333333333333 cannot be found.\n");
	put(acct.buf, "iam-get-account-summary.json",
	    "\nAn error occurred (AccessDenied) when calling the GetAccountSummary operation: not allowed\n");
	put(acct.buf, "s3api-list-buckets.json",
	    "{\"Buckets\": [{\"Name\": \"exp-a\", \"CreationDate\": \"2024-01-02T03:04:05+00:00\"}, {\"Name\": \"exp-b\"}]}");
	put(acct.buf, "s3api-get-bucket-location/exp-a.json", "{\"LocationConstraint\": \"eu-west-1\"}");
	put(acct.buf, "s3api-get-bucket-policy/exp-a.json",
	    "{\"Policy\": \"{\\\"Statement\\\":[{\\\"Effect\\\":\\\"Deny\\\",\\\"Principal\\\":\\\"*\\\",\\\"Action\\\":"
	    "\\\"s3:*\\\",\\\"Condition\\\":{\\\"Bool\\\":{\\\"aws:SecureTransport\\\":\\\"false\\\"}}}]}\"}");
	put(acct.buf, "s3api-get-public-access-block/exp-a.json",
	    "{\"PublicAccessBlockConfiguration\": {\"BlockPublicAcls\": true, \"IgnorePublicAcls\": true, "
	    "\"BlockPublicPolicy\": true, \"RestrictPublicBuckets\": true}}");
	put(acct.buf, "s3api-get-bucket-encryption/exp-a.json",
	    "\nAn error occurred (ServerSideEncryptionConfigurationNotFoundError) when calling the GetBucketEncryption "
	    "operation: none\n");
	put(acct.buf, "s3api-get-bucket-versioning/exp-a.json", "{\"Status\": \"Enabled\"}");
	put(acct.buf, "s3api-get-bucket-logging/exp-a.json", "{}");
	put(acct.buf, "s3api-get-bucket-policy-status/exp-a.json", "{\"PolicyStatus\": {\"IsPublic\": false}}");
	put(acct.buf, "s3api-get-bucket-acl/exp-a.json", "{\"Grants\": []}");
	put(acct.buf, "eu-west-1/ec2-describe-security-groups.json",
	    "{\"SecurityGroups\": [{\"GroupId\": \"sg-1\", \"GroupName\": \"default\", \"VpcId\": \"vpc-1\", "
	    "\"IpPermissions\": [{\"IpProtocol\": \"-1\", \"IpRanges\": [{\"CidrIp\": \"0.0.0.0/0\"}]}], "
	    "\"IpPermissionsEgress\": []}]}");
	put(acct.buf, "eu-west-1/notes.txt", "not an export");
	/* A Config snapshot: an instance in another region, with an open group. */
	put(acct.buf, "config-snapshot.json",
	    "{\"fileVersion\": \"1.0\", \"configurationItems\": ["
	    "{\"resourceType\": \"AWS::EC2::SecurityGroup\", \"awsRegion\": \"us-west-2\", \"awsAccountId\": \"333333333333\","
	    " \"configuration\": {\"groupId\": \"sg-9\", \"groupName\": \"web\", \"vpcId\": \"vpc-9\", \"ipPermissions\": "
	    "[{\"ipProtocol\": \"tcp\", \"fromPort\": 22, \"toPort\": 22, \"ipRanges\": [\"0.0.0.0/0\"], \"ipv6Ranges\": []}],"
	    " \"ipPermissionsEgress\": []}},"
	    "{\"resourceType\": \"AWS::EC2::Instance\", \"awsRegion\": \"us-west-2\", \"configuration\": {\"instanceId\": "
	    "\"i-9\", \"publicIpAddress\": \"203.0.113.9\", \"state\": {\"name\": \"running\"}, \"securityGroups\": "
	    "[{\"groupId\": \"sg-9\"}], \"metadataOptions\": {\"httpTokens\": \"optional\"}}},"
	    "{\"resourceType\": \"AWS::EC2::Instance\", \"awsRegion\": \"us-west-2\", \"configurationItemStatus\": "
	    "\"ResourceDeleted\", \"configuration\": {\"instanceId\": \"i-gone\"}}]}");
	ck_assert_int_eq(aws_export_list_accounts(dir, &names), 0);
	ck_assert_uint_eq(json_array_size(names), 1);
	ck_assert_str_eq(json_string_value(json_array_get(names, 0)), "333333333333");
	ck_assert_msg(aws_collect_export(acct.buf, ds, &skipped) == 0, "%s", err_last());
	ck_assert_uint_eq(json_array_size(skipped), 1);
	ck_assert_ptr_nonnull(strstr(json_string_value(json_array_get(skipped, 0)), "notes.txt"));
	ck_assert_str_eq(jsonx_strz(ds, "account"), "333333333333");
	ck_assert_msg(aws_normalise_json(ds, "export", &out) == 0, "%s", err_last());
	d = asset(out, "aws:account:333333333333");
	/* "No password policy" is an answer; "access denied" a gap. */
	ck_assert(json_is_null(json_object_get(d, "password_policy")));
	ck_assert_ptr_nonnull(strstr(jsonx_strz(json_object_get(d, "unreadable"), "aws.iam.summary"), "AccessDenied"));
	ck_assert_ptr_nonnull(json_array_get(json_object_get(out, "gaps"), 0));
	d = asset(out, "arn:aws:s3:::exp-a");
	ck_assert_str_eq(jsonx_strz(d, "region"), "eu-west-1");
	ck_assert(json_is_true(json_object_get(d, "secure_transport_enforced")));
	ck_assert(json_is_false(jsonx_dig(d, "encryption.enabled")));
	ck_assert(json_is_true(jsonx_dig(d, "effective_public_access_block.all")));
	/* The account's own block was not exported: that, and only that, is unreadable. */
	ck_assert_uint_eq(json_object_size(json_object_get(d, "unreadable")), 1);
	ck_assert_ptr_nonnull(strstr(jsonx_strz(json_object_get(d, "unreadable"), "aws.s3.account_public_access"),
				     "s3control:GetPublicAccessBlock was not collected"));
	/* exp-b has no per-bucket answers: its bucket data is unreadable, and says why. */
	d = asset(out, "arn:aws:s3:::exp-b");
	ck_assert_ptr_nonnull(strstr(jsonx_strz(json_object_get(d, "unreadable"), "aws.s3.buckets"), "exp-b"));
	d = asset(out, "arn:aws:ec2:eu-west-1:333333333333:security-group/sg-1");
	ck_assert(json_is_true(json_object_get(d, "open_to_internet")));
	ck_assert(json_is_true(json_object_get(d, "is_default")));
	/* From the Config snapshot. */
	d = asset(out, "arn:aws:ec2:us-west-2:333333333333:instance/i-9");
	ck_assert_ptr_nonnull(d);
	ck_assert(json_is_true(json_object_get(d, "internet_facing")));
	ck_assert(json_is_false(json_object_get(d, "imdsv2_required")));
	ck_assert(has_edge(out, "arn:aws:ec2:us-west-2:333333333333:instance/i-9", "faces-internet",
			   "arn:aws:ec2:us-west-2:333333333333:security-group/sg-9"));
	ck_assert_ptr_null(asset(out, "arn:aws:ec2:us-west-2:333333333333:instance/i-gone"));
	json_decref(out);
	json_decref(ds);
	json_decref(skipped);
	json_decref(names);
	strbuf_release(&acct);
	th_rm_rf(dir);
	free(dir);
}
END_TEST

START_TEST(export_without_an_account)
{
	char *dir = th_tmpdir();
	json_t *ds = aws_data_new(), *skipped = NULL;

	put(dir, "eu-west-1/ec2-describe-vpcs.json", "{\"Vpcs\": []}");
	ck_assert_int_eq(aws_collect_export(dir, ds, &skipped), ERR_PARSE);
	ck_assert_ptr_nonnull(strstr(err_last(), "sts-get-caller-identity.json"));
	put(dir, "sts-get-caller-identity.json", "{\"Account\": \"444444444444\", \"Arn\": \"arn:aws:iam::444444444444:user/x\"}");
	json_decref(ds);
	ds = aws_data_new();
	ck_assert_int_eq(aws_collect_export(dir, ds, &skipped), 0);
	ck_assert_str_eq(jsonx_strz(ds, "account"), "444444444444");
	/* A file that is not what the CLI prints is an error with its name. */
	put(dir, "eu-west-1/ec2-describe-instances.json", "[1, 2]");
	json_decref(ds);
	json_decref(skipped);
	skipped = NULL;
	ds = aws_data_new();
	ck_assert_int_eq(aws_collect_export(dir, ds, &skipped), ERR_PARSE);
	ck_assert_ptr_nonnull(strstr(err_last(), "ec2-describe-instances.json"));
	json_decref(ds);
	th_rm_rf(dir);
	free(dir);
}
END_TEST

Suite *aws_offline_suite(void)
{
	Suite *s = suite_create("aws_offline");
	TCase *tc = tcase_create("offline");

	if (th_have_data("cloudsplaining_authorization_details", "aws/iam/gaad-cloudsplaining-example.json"))
		tcase_add_test(tc, cloudsplaining_authorization_details);
	if (th_have_data("credential_reports", "aws/credential-report"))
		tcase_add_test(tc, credential_reports);
	tcase_add_test(tc, export_folder);
	tcase_add_test(tc, export_without_an_account);
	suite_add_tcase(s, tc);
	return s;
}
