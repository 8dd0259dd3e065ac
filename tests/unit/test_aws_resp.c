/*
 * The AWS response readers against botocore's response-parsing fixtures
 * (real wire XML with botocore's parsed form beside it), error bodies of
 * every protocol, and hostile XML: DTDs, entities, other encodings, depth.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "connectors/aws_model.h"
#include "connectors/aws_resp.h"
#include "core/err.h"
#include "core/jsonx.h"
#include "th.h"

/* Fixture file stem -> the operation it answers; every pair whose operation vetter calls. */
static const struct {
	const char *file, *service, *action;
} pairs[] = {
	{ "ec2-describe-instances", "ec2", "DescribeInstances" },
	{ "ec2-describe-internet-gateways", "ec2", "DescribeInternetGateways" },
	{ "ec2-describe-network-acls", "ec2", "DescribeNetworkAcls" },
	{ "ec2-describe-regions", "ec2", "DescribeRegions" },
	{ "ec2-describe-route-tables", "ec2", "DescribeRouteTables" },
	{ "ec2-describe-security-groups", "ec2", "DescribeSecurityGroups" },
	{ "ec2-describe-snapshots", "ec2", "DescribeSnapshots" },
	{ "ec2-describe-subnets", "ec2", "DescribeSubnets" },
	{ "ec2-describe-volumes", "ec2", "DescribeVolumes" },
	{ "ec2-describe-vpcs", "ec2", "DescribeVpcs" },
	{ "iam-get-account-summary", "iam", "GetAccountSummary" },
	{ "iam-list-access-keys", "iam", "ListAccessKeys" },
	{ "iam-list-account-aliases", "iam", "ListAccountAliases" },
	{ "iam-list-mfa-devices", "iam", "ListMFADevices" },
	{ "iam-list-server-certificates", "iam", "ListServerCertificates" },
	{ "iam-list-virtual-mfa-devices", "iam", "ListVirtualMFADevices" },
	{ "rds-describe-db-instances", "rds", "DescribeDBInstances" },
	{ "s3-get-bucket-acl", "s3", "GetBucketAcl" },
	{ "s3-get-bucket-location", "s3", "GetBucketLocation" },
	{ "s3-get-bucket-logging", "s3", "GetBucketLogging" },
	{ "s3-get-bucket-policy", "s3", "GetBucketPolicy" },
	{ "s3-list-buckets", "s3", "ListBuckets" },
};

static void read_fixture(const char *rel, struct strbuf *sb)
{
	char *p = th_data_path(rel);

	th_read(p, sb);
	free(p);
}

START_TEST(botocore_response_pairs)
{
	size_t i, compared = 0;

	for (i = 0; i < sizeof(pairs) / sizeof(pairs[0]); i++) {
		struct strbuf xml = STRBUF_INIT, want_text = STRBUF_INIT, rel = STRBUF_INIT;
		json_t *got = NULL, *want = NULL;
		char *a, *b;

		strbuf_addf(&rel, "aws/botocore-response-parsing/responses/%s.xml", pairs[i].file);
		read_fixture(rel.buf, &xml);
		strbuf_reset(&rel);
		strbuf_addf(&rel, "aws/botocore-response-parsing/responses/%s.json", pairs[i].file);
		read_fixture(rel.buf, &want_text);
		ck_assert_msg(aws_resp_xml(pairs[i].service, pairs[i].action, xml.buf, xml.len, &got) == 0, "%s: %s",
			      pairs[i].file, err_last());
		ck_assert_int_eq(jsonx_parse(want_text.buf, want_text.len, pairs[i].file, &want), 0);
		json_object_del(want, "ResponseMetadata");
		a = json_dumps(got, JSON_SORT_KEYS | JSON_INDENT(1));
		b = json_dumps(want, JSON_SORT_KEYS | JSON_INDENT(1));
		ck_assert_msg(json_equal(got, want), "%s differs from botocore:\n--- vetter\n%s\n--- botocore\n%s",
			      pairs[i].file, a, b);
		free(a);
		free(b);
		compared++;
		json_decref(got);
		json_decref(want);
		strbuf_release(&xml);
		strbuf_release(&want_text);
		strbuf_release(&rel);
	}
	ck_assert_uint_eq(compared, 22);
}
END_TEST

/* Every error fixture: its code and message as botocore read them. */
START_TEST(botocore_error_bodies)
{
	static const char *const files[] = { "ec2-describe-instances", "iam-get-user", "rds-describe-db-instances",
					     "s3-create-bucket", "s3-list-objects", "sts-get-session-token" };
	size_t i;

	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		struct strbuf xml = STRBUF_INIT, want_text = STRBUF_INIT, rel = STRBUF_INIT;
		struct strbuf code = STRBUF_INIT, msg = STRBUF_INIT;
		json_t *want = NULL, *err;

		strbuf_addf(&rel, "aws/botocore-response-parsing/errors/%s.xml", files[i]);
		read_fixture(rel.buf, &xml);
		strbuf_reset(&rel);
		strbuf_addf(&rel, "aws/botocore-response-parsing/errors/%s.json", files[i]);
		read_fixture(rel.buf, &want_text);
		ck_assert_int_eq(jsonx_parse(want_text.buf, want_text.len, files[i], &want), 0);
		err = json_object_get(want, "Error");
		if (!err) /* ec2's fixture keeps the list form */
			err = json_array_get(json_object_get(want, "Errors"), 0);
		ck_assert_int_eq(aws_resp_error(NULL, xml.buf, xml.len, &code, &msg), 0);
		ck_assert_str_eq(code.buf, jsonx_strz(err, "Code"));
		ck_assert_str_eq(msg.buf, jsonx_strz(err, "Message"));
		json_decref(want);
		strbuf_release(&xml);
		strbuf_release(&want_text);
		strbuf_release(&rel);
		strbuf_release(&code);
		strbuf_release(&msg);
	}
}
END_TEST

START_TEST(json_error_forms)
{
	struct strbuf code = STRBUF_INIT, msg = STRBUF_INIT;
	const char *b1 = "{\"__type\":\"com.amazonaws.kms#AccessDeniedException\",\"message\":\"no\"}";
	const char *b2 = "{\"Message\":\"User is not authorized\"}";

	ck_assert_int_eq(aws_resp_error(NULL, b1, strlen(b1), &code, &msg), 0);
	ck_assert_str_eq(code.buf, "AccessDeniedException");
	ck_assert_str_eq(msg.buf, "no");
	strbuf_reset(&code);
	strbuf_reset(&msg);
	ck_assert_int_eq(aws_resp_error("AccessDeniedException:http://internal.amazon.com/coral/", b2, strlen(b2), &code,
					&msg), 0);
	ck_assert_str_eq(code.buf, "AccessDeniedException");
	ck_assert_str_eq(msg.buf, "User is not authorized");
	strbuf_reset(&code);
	strbuf_reset(&msg);
	/* Unreadable bodies give no code, not a failure. */
	ck_assert_int_eq(aws_resp_error(NULL, "<a", 2, &code, &msg), 0);
	ck_assert_str_eq(code.buf, "");
	strbuf_release(&code);
	strbuf_release(&msg);
}
END_TEST

START_TEST(hostile_xml_refused)
{
	static const char *const bad[] = {
		/* external entity */
		"<?xml version=\"1.0\"?><!DOCTYPE r [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>"
		"<GetCallerIdentityResponse><GetCallerIdentityResult><Account>&x;</Account></GetCallerIdentityResult>"
		"</GetCallerIdentityResponse>",
		/* billion laughs */
		"<!DOCTYPE r [<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\">]>"
		"<GetCallerIdentityResponse><GetCallerIdentityResult><Account>&b;</Account></GetCallerIdentityResult>"
		"</GetCallerIdentityResponse>",
		/* a parameter entity fetching a DTD */
		"<!DOCTYPE r SYSTEM \"http://127.0.0.1:1/evil.dtd\"><GetCallerIdentityResponse/>",
		/* malformed */
		"<GetCallerIdentityResponse><GetCallerIdentityResult><Account>1</Acc",
		/* not XML at all */
		"{\"Account\": \"1\"}",
	};
	size_t i;
	json_t *out;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		out = NULL;
		ck_assert_int_eq(aws_resp_xml("sts", "GetCallerIdentity", bad[i], strlen(bad[i]), &out), ERR_PARSE);
		ck_assert_ptr_null(out);
	}
	/* UTF-16 (NUL bytes) is refused rather than guessed. */
	ck_assert_int_eq(aws_resp_xml("sts", "GetCallerIdentity", "<\0a\0/\0>\0", 8, &out), ERR_PARSE);
	ck_assert_ptr_nonnull(strstr(err_last(), "NUL"));
}
END_TEST

START_TEST(types_and_wrong_values)
{
	const char *ok = "<GetAccountSummaryResponse><GetAccountSummaryResult><SummaryMap>"
			 "<entry><key>Users</key><value>27</value></entry>"
			 "<entry><key>AccountMFAEnabled</key><value>0</value></entry>"
			 "</SummaryMap></GetAccountSummaryResult></GetAccountSummaryResponse>";
	const char *bad = "<GetAccountSummaryResponse><GetAccountSummaryResult><SummaryMap>"
			  "<entry><key>Users</key><value>lots</value></entry>"
			  "</SummaryMap></GetAccountSummaryResult></GetAccountSummaryResponse>";
	const char *trunc = "<ListAccessKeysResponse><ListAccessKeysResult><IsTruncated>true</IsTruncated>"
			    "<Marker>m1</Marker><AccessKeyMetadata/></ListAccessKeysResult></ListAccessKeysResponse>";
	json_t *out = NULL;

	ck_assert_int_eq(aws_resp_xml("iam", "GetAccountSummary", ok, strlen(ok), &out), 0);
	ck_assert_int_eq(json_integer_value(json_object_get(json_object_get(out, "SummaryMap"), "Users")), 27);
	json_decref(out);
	ck_assert_int_eq(aws_resp_xml("iam", "GetAccountSummary", bad, strlen(bad), &out), ERR_PARSE);
	ck_assert_ptr_nonnull(strstr(err_last(), "not an integer"));
	ck_assert_int_eq(aws_resp_xml("iam", "ListAccessKeys", trunc, strlen(trunc), &out), 0);
	ck_assert(json_is_true(json_object_get(out, "IsTruncated")));
	ck_assert_str_eq(jsonx_strz(out, "Marker"), "m1");
	ck_assert_uint_eq(json_array_size(json_object_get(out, "AccessKeyMetadata")), 0);
	json_decref(out);
	ck_assert_int_eq(aws_resp_xml("s3", "GetObject", "<a/>", 4, &out), ERR_UNSUPPORTED);
}
END_TEST

START_TEST(deep_xml_bounded)
{
	struct strbuf x = STRBUF_INIT;
	json_t *out = NULL;
	int i;

	strbuf_addstr(&x, "<DescribeInstancesResponse><reservationSet>");
	for (i = 0; i < 5000; i++)
		strbuf_addstr(&x, "<item><instancesSet>");
	for (i = 0; i < 5000; i++)
		strbuf_addstr(&x, "</instancesSet></item>");
	strbuf_addstr(&x, "</reservationSet></DescribeInstancesResponse>");
	/* libxml2's own depth limit or ours: either way an error, never a crash. */
	ck_assert_int_lt(aws_resp_xml("ec2", "DescribeInstances", x.buf, x.len, &out), 0);
	ck_assert_ptr_null(out);
	strbuf_release(&x);
}
END_TEST

START_TEST(json_bodies)
{
	json_t *out = NULL;

	ck_assert_int_eq(aws_resp_json("", 0, &out), 0);
	ck_assert(json_is_object(out));
	json_decref(out);
	ck_assert_int_eq(aws_resp_json("[1]", 3, &out), ERR_PARSE);
	ck_assert_int_eq(aws_resp_json("{\"a\":", 5, &out), ERR_PARSE);
	ck_assert_int_eq(aws_resp_json("{\"a\":\"\xff\"}", 9, &out), ERR_PARSE);
}
END_TEST

Suite *aws_resp_suite(void)
{
	Suite *s = suite_create("aws_resp");
	TCase *tc = tcase_create("readers");

	if (th_have_data("botocore_response_pairs", "aws/botocore-response-parsing/responses"))
		tcase_add_test(tc, botocore_response_pairs);
	if (th_have_data("botocore_error_bodies", "aws/botocore-response-parsing/errors"))
		tcase_add_test(tc, botocore_error_bodies);
	tcase_add_test(tc, json_error_forms);
	tcase_add_test(tc, hostile_xml_refused);
	tcase_add_test(tc, types_and_wrong_values);
	tcase_add_test(tc, deep_xml_bounded);
	tcase_add_test(tc, json_bodies);
	suite_add_tcase(s, tc);
	return s;
}
