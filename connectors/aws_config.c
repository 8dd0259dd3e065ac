/*
 * AWS Config snapshots as answers of the describe calls they stand for.
 *
 * A configuration item holds the resource as Config recorded it: the same
 * members as the describe call's answer, in lowerCamelCase.  Members are
 * turned to the CLI's spelling (first letter up, a few names fixed), and
 * each item is added to the answer of the call that lists its type in its
 * region.  A type the snapshot holds no item of is not collected: the
 * snapshot cannot say there are none.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aws_collect.h"
#include "aws_data.h"
#include "core/err.h"
#include "core/jsonx.h"
#include "core/util.h"

#define CONFIG_MAX_DEPTH 32

/* Config's spelling -> the CLI's, where capitalising is not enough. */
static const char *const renames[] = {
	"SseAlgorithm", "SSEAlgorithm", "KmsMasterKeyID", "KMSMasterKeyID", "Ipv4Ranges", "IpRanges",
	"TrailARN", "TrailARN", "KeyArn", "KeyArn", NULL,
};

static json_t *capitalise(const json_t *v, int depth)
{
	json_t *out, *x;
	const char *k;
	size_t i;

	if (depth > CONFIG_MAX_DEPTH)
		return json_null();
	if (json_is_array(v)) {
		out = json_array();
		json_array_foreach((json_t *)v, i, x)
			json_array_append_new(out, capitalise(x, depth + 1));
		return out;
	}
	if (!json_is_object(v))
		return json_deep_copy(v);
	out = json_object();
	json_object_foreach((json_t *)v, k, x) {
		char name[256];

		snprintf(name, sizeof(name), "%s", k);
		name[0] = (char)toupper((unsigned char)name[0]);
		for (i = 0; renames[i]; i += 2)
			if (!strcmp(name, renames[i]))
				snprintf(name, sizeof(name), "%s", renames[i + 1]);
		json_object_set_new(out, name, capitalise(x, depth + 1));
	}
	return out;
}

/* The list member of a call's answer in region, created when missing. */
static json_t *answer_list(json_t *ds, const char *region, const char *key, const char *member)
{
	json_t *ans = aws_data_get(ds, region, key), *list;

	if (!ans) {
		aws_data_put(ds, region, key, NULL, json_object());
		ans = aws_data_get(ds, region, key);
	}
	list = json_object_get(ans, member);
	if (!list) {
		json_object_set_new(ans, member, json_array());
		list = json_object_get(ans, member);
	}
	return list;
}

/* Config's IpRanges is a list of strings; the CLI's a list of {CidrIp}. */
static void fix_security_group(json_t *g)
{
	json_t *perms, *p, *r;
	size_t i, k, j;
	static const char *const lists[] = { "IpPermissions", "IpPermissionsEgress" };

	for (j = 0; j < 2; j++) {
		perms = json_object_get(g, lists[j]);
		json_array_foreach(perms, i, p) {
			json_t *ranges = json_object_get(p, "IpRanges"), *fixed = json_array();

			json_array_foreach(ranges, k, r) {
				if (json_is_string(r))
					json_array_append_new(fixed, json_pack("{s:O}", "CidrIp", r));
				else
					json_array_append(fixed, r);
			}
			json_object_set_new(p, "IpRanges", fixed);
		}
	}
}

static int s3_bucket(json_t *ds, const json_t *item)
{
	const char *name = jsonx_str(item, "resourceName");
	const json_t *sup = json_object_get(item, "supplementaryConfiguration"), *x;
	json_t *c, *b;

	if (!name)
		return 0;
	b = json_pack("{s:s}", "Name", name);
	json_object_set(b, "CreationDate", jsonx_dig(item, "configuration.creationDate"));
	json_array_append_new(answer_list(ds, NULL, "s3:ListBuckets", "Buckets"), b);
	aws_data_put(ds, NULL, "s3:GetBucketLocation", name,
		     json_pack("{s:s?}", "LocationConstraint", jsonx_str(item, "awsRegion")));
	if ((x = json_object_get(sup, "PublicAccessBlockConfiguration")))
		aws_data_put(ds, NULL, "s3:GetPublicAccessBlock", name, json_pack("{s:o}", "PublicAccessBlockConfiguration",
										   capitalise(x, 0)));
	else
		aws_data_put(ds, NULL, "s3:GetPublicAccessBlock", name, NULL);
	if ((x = json_object_get(sup, "ServerSideEncryptionConfiguration")))
		aws_data_put(ds, NULL, "s3:GetBucketEncryption", name,
			     json_pack("{s:o}", "ServerSideEncryptionConfiguration", capitalise(x, 0)));
	else
		aws_data_put(ds, NULL, "s3:GetBucketEncryption", name, NULL);
	if ((x = json_object_get(sup, "BucketVersioningConfiguration"))) {
		c = json_object();
		jsonx_set_str(c, "Status", jsonx_str(x, "status"));
		if (json_object_get(x, "isMfaDeleteEnabled"))
			jsonx_set_str(c, "MFADelete", json_is_true(json_object_get(x, "isMfaDeleteEnabled")) ? "Enabled" : "Disabled");
		aws_data_put(ds, NULL, "s3:GetBucketVersioning", name, c);
	}
	if ((x = json_object_get(sup, "BucketLoggingConfiguration"))) {
		c = json_object();
		if (jsonx_str(x, "destinationBucketName"))
			json_object_set_new(c, "LoggingEnabled", json_pack("{s:s,s:s?}", "TargetBucket", jsonx_str(x, "destinationBucketName"),
									  "TargetPrefix", jsonx_str(x, "logFilePrefix")));
		aws_data_put(ds, NULL, "s3:GetBucketLogging", name, c);
	}
	x = json_object_get(sup, "BucketPolicy");
	if (x && jsonx_str(x, "policyText"))
		aws_data_put(ds, NULL, "s3:GetBucketPolicy", name, json_pack("{s:s}", "Policy", jsonx_str(x, "policyText")));
	else if (x)
		aws_data_put(ds, NULL, "s3:GetBucketPolicy", name, NULL);
	return 0;
}

int aws_config_snapshot(json_t *ds, const json_t *items, const char *path)
{
	const json_t *it;
	size_t i;

	(void)path;
	json_array_foreach(items, i, it) {
		const char *type = jsonx_strz(it, "resourceType"), *region = jsonx_str(it, "awsRegion");
		const json_t *conf = json_object_get(it, "configuration");
		json_t *c;

		if (!json_is_object(conf) || !strcmp(jsonx_strz(it, "configurationItemStatus"), "ResourceDeleted"))
			continue;
		if (!jsonx_str(ds, "account") && jsonx_str(it, "awsAccountId"))
			json_object_set_new(ds, "account", json_string(jsonx_str(it, "awsAccountId")));
		if (!strcmp(type, "AWS::S3::Bucket")) {
			s3_bucket(ds, it);
			continue;
		}
		if (!region || !strcmp(region, "global"))
			region = NULL;
		c = capitalise(conf, 0);
		if (!strcmp(type, "AWS::EC2::SecurityGroup") && region) {
			fix_security_group(c);
			json_array_append_new(answer_list(ds, region, "ec2:DescribeSecurityGroups", "SecurityGroups"), c);
		} else if (!strcmp(type, "AWS::EC2::Instance") && region) {
			json_array_append_new(answer_list(ds, region, "ec2:DescribeInstances", "Reservations"),
					      json_pack("{s:[o]}", "Instances", c));
		} else if (!strcmp(type, "AWS::EC2::VPC") && region) {
			json_array_append_new(answer_list(ds, region, "ec2:DescribeVpcs", "Vpcs"), c);
		} else if (!strcmp(type, "AWS::EC2::Subnet") && region) {
			json_array_append_new(answer_list(ds, region, "ec2:DescribeSubnets", "Subnets"), c);
		} else if (!strcmp(type, "AWS::EC2::Volume") && region) {
			json_array_append_new(answer_list(ds, region, "ec2:DescribeVolumes", "Volumes"), c);
		} else if (!strcmp(type, "AWS::EC2::NetworkAcl") && region) {
			json_array_append_new(answer_list(ds, region, "ec2:DescribeNetworkAcls", "NetworkAcls"), c);
		} else if (!strcmp(type, "AWS::RDS::DBInstance") && region) {
			json_array_append_new(answer_list(ds, region, "rds:DescribeDBInstances", "DBInstances"), c);
		} else if (!strcmp(type, "AWS::CloudTrail::Trail") && region) {
			json_array_append_new(answer_list(ds, region, "cloudtrail:DescribeTrails", "trailList"), c);
		} else if (!strcmp(type, "AWS::KMS::Key") && region) {
			const char *id = jsonx_str(c, "KeyId");

			if (id) {
				json_array_append_new(answer_list(ds, region, "kms:ListKeys", "Keys"),
						      json_pack("{s:s,s:s?}", "KeyId", id, "KeyArn", jsonx_str(c, "Arn")));
				aws_data_put(ds, region, "kms:DescribeKey", id, json_pack("{s:O}", "KeyMetadata", c));
			}
			json_decref(c);
		} else if (!strcmp(type, "AWS::IAM::User")) {
			json_array_append_new(answer_list(ds, NULL, "iam:GetAccountAuthorizationDetails", "UserDetailList"), c);
		} else if (!strcmp(type, "AWS::IAM::Role")) {
			json_array_append_new(answer_list(ds, NULL, "iam:GetAccountAuthorizationDetails", "RoleDetailList"), c);
		} else if (!strcmp(type, "AWS::IAM::Group")) {
			json_array_append_new(answer_list(ds, NULL, "iam:GetAccountAuthorizationDetails", "GroupDetailList"), c);
		} else if (!strcmp(type, "AWS::IAM::Policy")) {
			json_array_append_new(answer_list(ds, NULL, "iam:GetAccountAuthorizationDetails", "Policies"), c);
		} else {
			json_decref(c);
		}
	}
	return 0;
}
