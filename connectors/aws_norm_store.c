/*
 * Storage: S3 buckets (with the account's public access block beside each
 * bucket's own), EBS volumes and snapshots (public or shared), EFS.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "aws_norm_int.h"
#include "core/err.h"
#include "core/jsonx.h"
#include "core/util.h"

/* A public access block as S3 gives it (BlockPublicAcls, ...), or null when none is set. */
static json_t *pab(const json_t *c)
{
	static const char *const keys[] = { "BlockPublicAcls", "IgnorePublicAcls", "BlockPublicPolicy", "RestrictPublicBuckets" };
	json_t *out;
	size_t i;

	if (!c)
		return json_null();
	out = json_object();
	for (i = 0; i < 4; i++)
		json_object_set_new(out, keys[i], json_boolean(json_is_true(json_object_get(c, keys[i]))));
	return out;
}

/* Each setting on when the bucket or the account turns it on. */
static json_t *pab_effective(const json_t *bucket, const json_t *account)
{
	static const char *const keys[] = { "BlockPublicAcls", "IgnorePublicAcls", "BlockPublicPolicy", "RestrictPublicBuckets" };
	json_t *out = json_object();
	size_t i;
	int all = 1;

	for (i = 0; i < 4; i++) {
		int on = json_is_true(json_object_get(bucket, keys[i])) || json_is_true(json_object_get(account, keys[i]));

		json_object_set_new(out, keys[i], json_boolean(on));
		all &= on;
	}
	json_object_set_new(out, "all", json_boolean(all));
	return out;
}

static int value_is_false(const json_t *v)
{
	size_t i;
	json_t *x;

	if (json_is_false(v) || (json_is_string(v) && !strcasecmp(json_string_value(v), "false")))
		return 1;
	json_array_foreach(v, i, x)
		if (value_is_false(x))
			return 1;
	return 0;
}

/* CIS 2.1.1: a Deny of every s3 action when aws:SecureTransport is false. */
static int denies_plain_http(const json_t *policy)
{
	const json_t *stmts = json_object_get(policy, "Statement"), *st, *cond, *op;
	const char *opname, *key;
	json_t *v;
	size_t i, n = json_is_array(stmts) ? json_array_size(stmts) : stmts ? 1 : 0;

	for (i = 0; i < n; i++) {
		st = json_is_array(stmts) ? json_array_get(stmts, i) : stmts;
		if (strcmp(jsonx_strz(st, "Effect"), "Deny"))
			continue;
		cond = json_object_get(st, "Condition");
		json_object_foreach((json_t *)cond, opname, op) {
			if (strcasecmp(opname, "Bool"))
				continue;
			json_object_foreach((json_t *)op, key, v)
				if (!strcasecmp(key, "aws:SecureTransport") && value_is_false(v))
					return 1;
		}
	}
	return 0;
}

static const char *const per_bucket[] = { "s3:GetBucketLocation", "s3:GetPublicAccessBlock", "s3:GetBucketPolicyStatus",
					  "s3:GetBucketEncryption", "s3:GetBucketVersioning", "s3:GetBucketLogging",
					  "s3:GetBucketPolicy", "s3:GetBucketAcl", NULL };

static const char *bucket_region(const json_t *loc)
{
	const char *r = jsonx_str(loc, "LocationConstraint");

	if (!r || !*r)
		return "us-east-1";
	return !strcmp(r, "EU") ? "eu-west-1" : r;
}

static json_t *bucket_doc(struct norm *n, const char *name, const json_t *b, const json_t *account_pab)
{
	const json_t *ds = n->ds;
	const json_t *loc = aws_data_res(ds, NULL, "s3:GetBucketLocation", name);
	const json_t *pb = aws_data_res(ds, NULL, "s3:GetPublicAccessBlock", name);
	const json_t *ps = aws_data_res(ds, NULL, "s3:GetBucketPolicyStatus", name);
	const json_t *enc = aws_data_res(ds, NULL, "s3:GetBucketEncryption", name);
	const json_t *ver = aws_data_res(ds, NULL, "s3:GetBucketVersioning", name);
	const json_t *lg = aws_data_res(ds, NULL, "s3:GetBucketLogging", name);
	const json_t *pol = aws_data_res(ds, NULL, "s3:GetBucketPolicy", name);
	const json_t *acl = aws_data_res(ds, NULL, "s3:GetBucketAcl", name), *r, *g;
	json_t *doc, *rules = json_array(), *grants = json_array(), *policy = NULL, *missing = json_object(), *bp;
	struct strbuf arn = STRBUF_INIT;
	size_t i;
	int public_acl = 0;

	strbuf_addf(&arn, "arn:%s:s3:::%s", n->partition, name);
	doc = json_pack("{s:s,s:s,s:s}", "name", name, "arn", arn.buf, "region", loc ? bucket_region(loc) : "unknown");
	strbuf_release(&arn);
	norm_set(doc, "creation_date", norm_time(json_object_get(b, "CreationDate")));
	bp = pab(json_object_get(pb, "PublicAccessBlockConfiguration"));
	json_object_set_new(doc, "public_access_block", bp);
	json_object_set(doc, "account_public_access_block", (json_t *)account_pab);
	json_object_set_new(doc, "effective_public_access_block", pab_effective(bp, account_pab));
	if (json_is_string(json_object_get(pol, "Policy")))
		policy = norm_policy_doc(json_object_get(pol, "Policy"));
	else if (json_is_object(json_object_get(pol, "Policy")))
		policy = json_deep_copy(json_object_get(pol, "Policy"));
	json_object_set_new(doc, "policy", policy ? policy : json_null());
	json_object_set_new(doc, "secure_transport_enforced", json_boolean(policy && denies_plain_http(policy)));
	json_object_set(doc, "policy_is_public", ps ? jsonx_dig(ps, "PolicyStatus.IsPublic") : json_false());
	json_array_foreach(jsonx_dig(enc, "ServerSideEncryptionConfiguration.Rules"), i, r) {
		const json_t *d = json_object_get(r, "ApplyServerSideEncryptionByDefault");

		json_array_append_new(rules, json_pack("{s:s?,s:s?,s:b}", "algorithm", jsonx_str(d, "SSEAlgorithm"), "kms_key_id",
						       jsonx_str(d, "KMSMasterKeyID"), "bucket_key_enabled",
						       json_is_true(json_object_get(r, "BucketKeyEnabled"))));
	}
	json_object_set_new(doc, "encryption", json_pack("{s:b,s:s?,s:o}", "enabled", json_array_size(rules) > 0, "algorithm",
							 jsonx_str(json_array_get(rules, 0), "algorithm"), "rules", rules));
	json_object_set_new(doc, "versioning", json_pack("{s:s?,s:s?}", "status", jsonx_str(ver, "Status"), "mfa_delete",
							 jsonx_str(ver, "MFADelete")));
	json_object_set_new(doc, "logging", json_pack("{s:b,s:s?,s:s?}", "enabled", json_object_get(lg, "LoggingEnabled") != NULL,
						      "target_bucket", jsonx_str(json_object_get(lg, "LoggingEnabled"), "TargetBucket"),
						      "target_prefix", jsonx_str(json_object_get(lg, "LoggingEnabled"), "TargetPrefix")));
	json_array_foreach(json_object_get(acl, "Grants"), i, g) {
		const json_t *gr = json_object_get(g, "Grantee");
		const char *uri = jsonx_str(gr, "URI");

		if (uri && (strstr(uri, "/global/AllUsers") || strstr(uri, "/global/AuthenticatedUsers")))
			public_acl = 1;
		json_array_append_new(grants, json_pack("{s:s?,s:s?,s:s?,s:s?}", "grantee_type", jsonx_str(gr, "Type"), "grantee_uri",
							uri, "grantee_id", jsonx_str(gr, "ID"), "permission",
							jsonx_str(g, "Permission")));
	}
	json_object_set_new(doc, "acl_grants", grants);
	json_object_set_new(doc, "acl_public", json_boolean(public_acl));
	/* An export may hold some buckets' settings and not others'. */
	for (i = 0; per_bucket[i]; i++) {
		if (!aws_data_has(ds, NULL, per_bucket[i], name)) {
			struct strbuf why = STRBUF_INIT;

			strbuf_addf(&why, "%s was not collected for bucket %s", per_bucket[i], name);
			json_object_set_new(missing, "aws.s3.buckets", json_string(why.buf));
			strbuf_release(&why);
			break;
		}
	}
	json_object_set_new(doc, "__unreadable", missing);
	return doc;
}

static int buckets(struct norm *n)
{
	static const char *const datasets[] = { "aws.s3.buckets", "aws.s3.account_public_access", NULL };
	const json_t *list = aws_data_get(n->ds, NULL, "s3:ListBuckets"), *b;
	const json_t *acct = aws_data_get(n->ds, NULL, "s3control:GetPublicAccessBlock");
	json_t *account_pab = pab(json_object_get(acct, "PublicAccessBlockConfiguration"));
	size_t i;
	int rc = 0;

	if (aws_data_has(n->ds, NULL, "s3control:GetPublicAccessBlock", NULL))
		json_object_set(n->account_doc, "s3_public_access_block", account_pab);
	json_array_foreach(json_object_get(list, "Buckets"), i, b) {
		const char *name = jsonx_str(b, "Name");
		json_t *doc;

		if (!name)
			continue;
		doc = bucket_doc(n, name, b, account_pab);
		{
			struct strbuf arn = STRBUF_INIT;
			char region[64];

			snprintf(region, sizeof(region), "%s", jsonx_strz(doc, "region"));
			strbuf_addf(&arn, "arn:%s:s3:::%s", n->partition, name);
			rc = norm_asset(n, "bucket", "aws.s3.bucket", arn.buf, name, region, datasets, name, doc, NULL);
			strbuf_release(&arn);
		}
		if (rc < 0)
			break;
	}
	json_decref(account_pab);
	return rc;
}

static int volumes_snapshots(struct norm *n, const char *region)
{
	const json_t *vols = json_object_get(aws_data_get(n->ds, region, "ec2:DescribeVolumes"), "Volumes");
	const json_t *snaps = json_object_get(aws_data_get(n->ds, region, "ec2:DescribeSnapshots"), "Snapshots");
	const json_t *v, *a, *p;
	size_t i, k;
	int rc;

	json_array_foreach(vols, i, v) {
		const char *id = jsonx_str(v, "VolumeId");
		json_t *doc, *att = json_array(), *arn;
		struct strbuf rest = STRBUF_INIT;
		int64_t vid;

		if (!id) {
			json_decref(att);
			continue;
		}
		json_array_foreach(json_object_get(v, "Attachments"), k, a)
			if (jsonx_str(a, "InstanceId"))
				json_array_append_new(att, json_string(jsonx_str(a, "InstanceId")));
		strbuf_addf(&rest, "volume/%s", id);
		arn = norm_arn(n, "ec2", region, rest.buf);
		strbuf_release(&rest);
		doc = json_pack("{s:s,s:o,s:b,s:s?,s:O?,s:s?,s:o}", "id", id, "arn", arn, "encrypted",
				json_is_true(json_object_get(v, "Encrypted")), "kms_key_id", jsonx_str(v, "KmsKeyId"), "size_gib",
				json_object_get(v, "Size"), "state", jsonx_str(v, "State"), "attached_to", att);
		arn = json_incref(json_object_get(doc, "arn"));
		rc = norm_asset(n, "volume", "aws.ec2.volume", json_string_value(arn), id, region, NULL, NULL, doc, &vid);
		json_decref(arn);
		if (rc < 0)
			return rc;
		json_array_foreach(json_object_get(v, "Attachments"), k, a) {
			struct strbuf ikey = STRBUF_INIT;

			strbuf_addf(&ikey, "arn:%s:ec2:%s:%s:instance/%s", n->partition, region, n->account, jsonx_strz(a, "InstanceId"));
			rc = norm_edge(n, vid, norm_id(n, ikey.buf), "attached-to");
			strbuf_release(&ikey);
			if (rc < 0)
				return rc;
		}
	}
	json_array_foreach(snaps, i, v) {
		const char *id = jsonx_str(v, "SnapshotId");
		const json_t *attr = aws_data_res(n->ds, region, "ec2:DescribeSnapshotAttribute", id ? id : "");
		json_t *doc, *shared = json_array(), *arn;
		struct strbuf rest = STRBUF_INIT;
		int public = 0;

		if (!id) {
			json_decref(shared);
			continue;
		}
		json_array_foreach(json_object_get(attr, "CreateVolumePermissions"), k, p) {
			if (!strcmp(jsonx_strz(p, "Group"), "all"))
				public = 1;
			if (jsonx_str(p, "UserId"))
				json_array_append_new(shared, json_string(jsonx_str(p, "UserId")));
		}
		strbuf_addf(&rest, "snapshot/%s", id);
		arn = norm_arn(n, "ec2", region, rest.buf);
		strbuf_release(&rest);
		doc = json_pack("{s:s,s:o,s:b,s:s?,s:o,s:o}", "id", id, "arn", arn, "encrypted",
				json_is_true(json_object_get(v, "Encrypted")), "volume_id", jsonx_str(v, "VolumeId"), "public",
				attr ? json_boolean(public) : json_null(), "shared_with", shared);
		norm_set(doc, "start_time", norm_time(json_object_get(v, "StartTime")));
		arn = json_incref(json_object_get(doc, "arn"));
		rc = norm_asset(n, "snapshot", "aws.ec2.snapshot", json_string_value(arn), id, region, NULL, id, doc, NULL);
		json_decref(arn);
		if (rc < 0)
			return rc;
	}
	return 0;
}

static int efs(struct norm *n, const char *region)
{
	static const char *const datasets[] = { "aws.efs.filesystems", NULL };
	const json_t *list = json_object_get(aws_data_get(n->ds, region, "efs:DescribeFileSystems"), "FileSystems"), *f;
	size_t i;
	int rc;

	json_array_foreach(list, i, f) {
		const char *id = jsonx_str(f, "FileSystemId");
		struct strbuf rest = STRBUF_INIT;
		json_t *doc, *arn;

		if (!id)
			continue;
		strbuf_addf(&rest, "file-system/%s", id);
		arn = jsonx_str(f, "FileSystemArn") ? json_string(jsonx_str(f, "FileSystemArn"))
						    : norm_arn(n, "elasticfilesystem", region, rest.buf);
		strbuf_release(&rest);
		doc = json_pack("{s:s,s:o,s:s?,s:b,s:s?,s:s?,s:s?}", "id", id, "arn", arn, "name", jsonx_str(f, "Name"),
				"encrypted", json_is_true(json_object_get(f, "Encrypted")), "kms_key_id", jsonx_str(f, "KmsKeyId"),
				"performance_mode", jsonx_str(f, "PerformanceMode"), "throughput_mode",
				jsonx_str(f, "ThroughputMode"));
		arn = json_incref(json_object_get(doc, "arn"));
		rc = norm_asset(n, "efs-filesystem", "aws.efs.filesystem", json_string_value(arn),
				*jsonx_strz(f, "Name") ? jsonx_str(f, "Name") : id, region, datasets, NULL, doc, NULL);
		json_decref(arn);
		if (rc < 0)
			return rc;
	}
	return 0;
}

int norm_storage(struct norm *n)
{
	const char *regions[64];
	size_t i, nr = norm_regions(n, regions, 64);
	int rc;

	if ((rc = buckets(n)) < 0)
		return rc;
	for (i = 0; i < nr; i++)
		if ((rc = volumes_snapshots(n, regions[i])) < 0 || (rc = efs(n, regions[i])) < 0)
			return rc;
	return 0;
}
