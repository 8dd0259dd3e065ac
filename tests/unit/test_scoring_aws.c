/*
 * Scoring and consolidation over the AWS connector's assets, from an
 * aws-export folder per company (what the AWS CLI prints): VPC and subnet
 * ranges that conflict between the estates (IPv4 and IPv6), the two unused
 * default VPCs collapsed into one line, the root user without MFA, a bucket
 * S3 calls public, a GuardDuty finding, and a role trusting an account
 * outside both estates.  The red flags, the checklist's gates and the
 * Python reference must all follow.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "connectors/connector.h"
#include "core/jsonx.h"
#include "core/strbuf.h"
#include "core/util.h"
#include "th.h"

#define DEPLOYER_CSV "ssvc/deployer_patch_application_priority_1_0_0.csv"
#define HUMAN_CSV "ssvc/human_impact_1_0_0.csv"

static const struct {
	const char *path, *text;
} files[] = {
	{ "heron/111111111111/iam-get-account-summary.json",
	  "{\"SummaryMap\": {\"AccountMFAEnabled\": 1, \"AccountAccessKeysPresent\": 0}}" },
	{ "heron/111111111111/eu-west-1/ec2-describe-vpcs.json",
	  "{\"Vpcs\": [{\"VpcId\": \"vpc-d1\", \"CidrBlock\": \"172.31.0.0/16\", \"IsDefault\": true},"
	  " {\"VpcId\": \"vpc-h1\", \"CidrBlock\": \"10.20.0.0/16\", \"IsDefault\": false,"
	  " \"Ipv6CidrBlockAssociationSet\": [{\"Ipv6CidrBlock\": \"2600:1f18:1:100::/56\"}]}]}" },
	{ "heron/111111111111/eu-west-1/ec2-describe-subnets.json",
	  "{\"Subnets\": [{\"SubnetId\": \"subnet-h1\", \"VpcId\": \"vpc-h1\", \"CidrBlock\": \"10.20.1.0/24\"}]}" },
	{ "kestrel/222222222222/iam-get-account-summary.json",
	  "{\"SummaryMap\": {\"AccountMFAEnabled\": 0, \"AccountAccessKeysPresent\": 0}}" },
	{ "kestrel/222222222222/eu-west-1/ec2-describe-vpcs.json",
	  "{\"Vpcs\": [{\"VpcId\": \"vpc-d2\", \"CidrBlock\": \"172.31.0.0/16\", \"IsDefault\": true},"
	  " {\"VpcId\": \"vpc-k1\", \"CidrBlock\": \"10.20.0.0/16\", \"IsDefault\": false,"
	  " \"Ipv6CidrBlockAssociationSet\": [{\"Ipv6CidrBlock\": \"2600:1f18:1:100::/56\"}]}]}" },
	{ "kestrel/222222222222/eu-west-1/ec2-describe-subnets.json",
	  "{\"Subnets\": [{\"SubnetId\": \"subnet-k1\", \"VpcId\": \"vpc-k1\", \"CidrBlock\": \"10.20.1.0/25\"}]}" },
	{ "kestrel/222222222222/eu-west-1/guardduty-get-findings/det1.json",
	  "{\"Findings\": [{\"Arn\": \"arn:aws:guardduty:eu-west-1:222222222222:detector/det1/finding/f1\", \"Id\": \"f1\","
	  " \"Title\": \"API calls from a Tor exit node\", \"Type\": \"UnauthorizedAccess:IAMUser/TorIPCaller\","
	  " \"Severity\": 8.0, \"Resource\": {\"ResourceType\": \"AccessKey\"}, \"UpdatedAt\": \"2026-11-01T00:00:00Z\"}]}" },
	{ "kestrel/222222222222/s3api-list-buckets.json", "{\"Buckets\": [{\"Name\": \"cards\"}]}" },
	{ "kestrel/222222222222/s3api-get-bucket-policy-status/cards.json", "{\"PolicyStatus\": {\"IsPublic\": true}}" },
	{ "kestrel/222222222222/s3api-get-bucket-location/cards.json", "{\"LocationConstraint\": \"eu-west-1\"}" },
	{ "kestrel/222222222222/iam-get-account-authorization-details.json",
	  "{\"UserDetailList\": [], \"GroupDetailList\": [], \"Policies\": [], \"RoleDetailList\": [{\"RoleName\": \"vendor-access\","
	  " \"RoleId\": \"AROA1\", \"Arn\": \"arn:aws:iam::222222222222:role/vendor-access\", \"Path\": \"/\","
	  " \"AssumeRolePolicyDocument\": {\"Version\": \"2012-10-17\", \"Statement\": [{\"Effect\": \"Allow\","
	  " \"Principal\": {\"AWS\": \"arn:aws:iam::999999999999:root\"}, \"Action\": \"sts:AssumeRole\"}]},"
	  " \"AttachedManagedPolicies\": [], \"RolePolicyList\": [], \"InstanceProfileList\": []}]}" },
	{ "engagement.yaml",
	  "name: AWS consolidation\nclient: Test\nas_of: 2026-11-15\ncompanies:\n"
	  "  - id: heron\n    name: Heron\n    role: acquirer\n    sources:\n"
	  "      - {id: heron-aws, type: aws-export, path: heron, region: eu-west-1}\n"
	  "  - id: kestrel\n    name: Kestrel\n    role: target\n    sources:\n"
	  "      - {id: kestrel-aws, type: aws-export, path: kestrel, region: eu-west-1}\n" },
};

static json_t *by_key(const json_t *list, const char *k, const char *v)
{
	const json_t *x;
	size_t i;

	json_array_foreach(list, i, x)
		if (!strcmp(jsonx_strz(x, k), v))
			return (json_t *)x;
	ck_abort_msg("no member with %s = %s", k, v);
	return NULL;
}

static void write_at(const char *dir, const char *rel, const char *text)
{
	struct strbuf p = STRBUF_INIT;

	strbuf_addf(&p, "%s/%s", dir, rel);
	*strrchr(p.buf, '/') = 0;
	ck_assert_int_eq(util_mkdirs(p.buf, 0700), 0);
	strbuf_reset(&p);
	strbuf_addf(&p, "%s/%s", dir, rel);
	th_write(p.buf, text);
	strbuf_release(&p);
}

START_TEST(aws_estates_score_and_consolidate)
{
	char *dir = th_tmpdir(), *script = th_repo_path("tests/lib/score_reference.py"), *tpl = th_repo_path("templates");
	char *deployer = th_data_path(DEPLOYER_CSV), *human = th_data_path(HUMAN_CSV);
	const char *py[] = { "python3", script, "--templates", tpl, "--deployer", deployer, "--human", human, NULL, NULL };
	struct strbuf p = STRBUF_INIT, out = STRBUF_INIT, text = STRBUF_INIT;
	json_t *doc = NULL, *k, *flags, *f = NULL, *x, *net, *pair, *dv, *g, *tp;
	struct th_result r;
	size_t i, v6 = 0;

	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++)
		write_at(dir, files[i].path, files[i].text);
	strbuf_addf(&p, "%s/engagement.yaml", dir);
	strbuf_addf(&out, "%s/out", dir);
	th_vetter(&r, NULL, "run", p.buf, "--out", out.buf, "--no-progress", NULL);
	th_assert_status(&r, 3); /* done, with the gaps of a partial export */
	th_result_release(&r);
	strbuf_addstr(&out, "/findings.json");
	th_read(out.buf, &text);
	ck_assert_int_eq(jsonx_parse(text.buf, text.len, out.buf, &doc), 0);

	/* GuardDuty's finding: a threat on the target's account. */
	json_array_foreach(json_object_get(doc, "findings"), i, x)
		if (!strcmp(jsonx_strz(x, "kind"), "threat"))
			f = x;
	ck_assert_ptr_nonnull(f);
	ck_assert_str_eq(jsonx_strz(f, "rule"), "guardduty:UnauthorizedAccess:IAMUser/TorIPCaller");
	ck_assert_str_eq(jsonx_strz(json_object_get(f, "asset"), "key"), "aws:account:222222222222");
	ck_assert_str_eq(jsonx_strz(f, "severity"), "high");
	/* The target's red flags: root without MFA, the public bucket, the compromise. */
	k = by_key(jsonx_dig(doc, "scores.companies"), "company", "kestrel");
	flags = json_object_get(k, "red_flags");
	ck_assert_uint_eq(json_array_size(flags), 3);
	ck_assert_str_eq(jsonx_strz(json_array_get(json_object_get(by_key(flags, "id", "root-without-mfa"), "assets"), 0), "key"),
			 "aws:account:222222222222");
	ck_assert_str_eq(jsonx_strz(json_array_get(json_object_get(by_key(flags, "id", "public-data-store"), "assets"), 0), "key"),
			 "arn:aws:s3:::cards");
	ck_assert_str_eq(json_string_value(json_array_get(json_object_get(by_key(flags, "id", "evidence-of-compromise"),
									  "findings"), 0)),
			 jsonx_strz(f, "id"));
	ck_assert_uint_eq(json_array_size(json_object_get(by_key(jsonx_dig(doc, "scores.companies"), "company", "heron"),
							  "red_flags")),
			  0);
	ck_assert_str_eq(jsonx_strz(json_array_get(jsonx_dig(k, "coverage.list"), 0), "kind"), "cloud-account");

	/* Network conflicts: every overlapping pair of the VPC and subnet ranges, both families. */
	net = jsonx_dig(doc, "consolidation.network");
	ck_assert_int_eq(jsonx_int(net, "pair_count", 0), 5);
	json_array_foreach(json_object_get(net, "pairs"), i, pair)
		if (jsonx_int(pair, "family", 0) == 6) {
			v6++;
			ck_assert_str_eq(jsonx_strz(pair, "overlap"), "2600:1f18:1:100::/56");
		}
	ck_assert_uint_eq(v6, 1);
	pair = json_array_get(json_object_get(net, "pairs"), 0);
	ck_assert_str_eq(jsonx_strz(json_object_get(pair, "a"), "account"), "111111111111");
	ck_assert_str_eq(jsonx_strz(json_object_get(pair, "b"), "account"), "222222222222");
	ck_assert_str_eq(jsonx_strz(json_object_get(pair, "b"), "network"), "vpc-k1");
	/* The unused default VPCs: one line, not pair by pair. */
	dv = json_object_get(net, "default_vpcs");
	ck_assert_int_eq(jsonx_int(dv, "count", 0), 2);
	ck_assert_int_eq(jsonx_int(dv, "pairs_among_them", 0), 1);
	json_array_foreach(json_object_get(net, "pairs"), i, pair)
		ck_assert_str_ne(jsonx_strz(pair, "overlap"), "172.31.0.0/16");
	ck_assert_str_eq(json_string_value(json_array_get(json_object_get(by_key(jsonx_dig(doc, "consolidation.estate.rows"),
										    "aspect", "clouds"), "values"), 1)),
			 "aws (1 account)");
	/* Third-party standing access, and the gates the findings and facts close. */
	tp = json_array_get(jsonx_dig(doc, "consolidation.third_party.entries"), 0);
	ck_assert_str_eq(jsonx_strz(tp, "kind"), "trusted-account");
	ck_assert_str_eq(jsonx_strz(tp, "principal"), "999999999999");
	g = by_key(jsonx_dig(doc, "consolidation.checklist.gates"), "id", "no-evidence-of-compromise");
	ck_assert_str_eq(json_string_value(json_array_get(json_object_get(g, "findings"), 0)), jsonx_strz(f, "id"));
	g = by_key(jsonx_dig(doc, "consolidation.checklist.gates"), "id", "target-root-mfa");
	ck_assert_str_eq(json_string_value(json_array_get(json_object_get(g, "facts"), 0)),
			 "kestrel: the root user of account 222222222222 has no MFA");
	x = by_key(jsonx_dig(doc, "consolidation.checklist.items"), "id", "limited-interconnect");
	ck_assert_str_eq(jsonx_strz(x, "status"), "blocked");
	ck_assert_uint_eq(json_array_size(json_object_get(x, "blocked_by")), 2);
	/* The reference agrees. */
	py[8] = out.buf;
	th_run(&r, py, NULL, NULL, NULL);
	th_assert_status(&r, 0);
	th_result_release(&r);
	json_decref(doc);
	strbuf_release(&p), strbuf_release(&out), strbuf_release(&text);
	th_rm_rf(dir);
	free(dir), free(script), free(tpl), free(deployer), free(human);
}
END_TEST

Suite *scoring_aws_suite(void)
{
	Suite *s = suite_create("scoring-aws");
	TCase *tc = tcase_create("scoring-aws");

	tcase_set_timeout(tc, 120);
	if (!connector_type_info("aws-export"))
		th_not_run("aws_estates_score_and_consolidate", "this build has no aws-export source type (branch aws)");
	else if (th_have_tool("aws_estates_score_and_consolidate", "python3") &&
	    th_have_data("aws_estates_score_and_consolidate", DEPLOYER_CSV) &&
	    th_have_data("aws_estates_score_and_consolidate", HUMAN_CSV))
		tcase_add_test(tc, aws_estates_score_and_consolidate);
	suite_add_tcase(s, tc);
	return s;
}
