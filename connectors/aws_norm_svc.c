/*
 * Services: CloudTrail trails and the CIS monitoring chain (metric filters,
 * alarms, subscriptions) on the account document; KMS keys, RDS, EKS, ECR;
 * per region, the detection and recording services (Config, Access
 * Analyzer, Security Hub, GuardDuty, Macie, EBS default encryption), and
 * the findings GuardDuty and Security Hub already hold.
 */
#include <stdlib.h>
#include <string.h>

#include "aws_norm_int.h"
#include "core/err.h"
#include "core/jsonx.h"
#include "core/util.h"

#define MAX_FINDINGS_PER_REGION 500
#define MAX_IMAGES_PER_REPO 1000

/* "All", "ReadOnly", "WriteOnly" for the management events a trail records; NULL when none or unknown. */
static const char *management_events(const json_t *sel)
{
	const json_t *s, *f, *es = json_object_get(sel, "EventSelectors");
	size_t i, k;
	int r = 0, w = 0;

	json_array_foreach(es, i, s) {
		const char *rw = jsonx_strz(s, "ReadWriteType");

		if (json_is_false(json_object_get(s, "IncludeManagementEvents")))
			continue;
		r |= !strcmp(rw, "All") || !strcmp(rw, "ReadOnly") || !*rw;
		w |= !strcmp(rw, "All") || !strcmp(rw, "WriteOnly") || !*rw;
	}
	json_array_foreach(json_object_get(sel, "AdvancedEventSelectors"), i, s) {
		int mgmt = 0, ro = -1;

		json_array_foreach(json_object_get(s, "FieldSelectors"), k, f) {
			const char *field = jsonx_strz(f, "Field");
			const char *eq = json_string_value(json_array_get(json_object_get(f, "Equals"), 0));

			if (!strcmp(field, "eventCategory") && eq && !strcmp(eq, "Management"))
				mgmt = 1;
			if (!strcmp(field, "readOnly") && eq)
				ro = !strcmp(eq, "true");
		}
		if (mgmt) {
			r |= ro != 0;
			w |= ro != 1;
		}
	}
	return r && w ? "All" : r ? "ReadOnly" : w ? "WriteOnly" : "None";
}

/* S3 object-level logging for every bucket (CIS 3.8, 3.9). */
static json_t *s3_data_events(const json_t *sel)
{
	const json_t *s, *d, *v, *f;
	size_t i, k, j;
	int r = 0, w = 0;

	json_array_foreach(json_object_get(sel, "EventSelectors"), i, s) {
		const char *rw = jsonx_strz(s, "ReadWriteType");

		json_array_foreach(json_object_get(s, "DataResources"), k, d) {
			if (strcmp(jsonx_strz(d, "Type"), "AWS::S3::Object"))
				continue;
			json_array_foreach(json_object_get(d, "Values"), j, v) {
				const char *val = json_string_value(v);

				if (val && (!strcmp(val, "arn:aws:s3") || !strcmp(val, "arn:aws:s3:::") ||
					    !strcmp(val, "arn:aws-cn:s3:::") || !strcmp(val, "arn:aws-us-gov:s3:::"))) {
					r |= !strcmp(rw, "All") || !strcmp(rw, "ReadOnly");
					w |= !strcmp(rw, "All") || !strcmp(rw, "WriteOnly");
				}
			}
		}
	}
	json_array_foreach(json_object_get(sel, "AdvancedEventSelectors"), i, s) {
		int data = 0, s3obj = 0, narrowed = 0, ro = -1;

		json_array_foreach(json_object_get(s, "FieldSelectors"), k, f) {
			const char *field = jsonx_strz(f, "Field");
			const char *eq = json_string_value(json_array_get(json_object_get(f, "Equals"), 0));

			if (!strcmp(field, "eventCategory") && eq && !strcmp(eq, "Data"))
				data = 1;
			else if (!strcmp(field, "resources.type") && eq && !strcmp(eq, "AWS::S3::Object"))
				s3obj = 1;
			else if (!strcmp(field, "resources.ARN"))
				narrowed = 1;
			else if (!strcmp(field, "readOnly") && eq)
				ro = !strcmp(eq, "true");
		}
		if (data && s3obj && !narrowed) {
			r |= ro != 0;
			w |= ro != 1;
		}
	}
	return json_pack("{s:b,s:b}", "read", r, "write", w);
}

static int trails(struct norm *n, const char *const *regions, size_t nr)
{
	static const char *const datasets[] = { "aws.cloudtrail.trails", "aws.s3.buckets", NULL };
	json_t *seen = json_object(), *summary = json_array();
	const json_t *t;
	size_t i, k;
	int rc = 0;

	for (i = 0; i < nr && rc == 0; i++) {
		json_array_foreach(json_object_get(aws_data_get(n->ds, regions[i], "cloudtrail:DescribeTrails"), "trailList"), k, t) {
			const char *arn = jsonx_str(t, "TrailARN"), *home = jsonx_str(t, "HomeRegion");
			const json_t *st, *sel, *lb;
			const char *mg;
			json_t *doc;
			int64_t tid;

			if (!arn || json_object_get(seen, arn))
				continue;
			json_object_set_new(seen, arn, json_true());
			if (!home)
				home = regions[i];
			st = aws_data_res(n->ds, home, "cloudtrail:GetTrailStatus", arn);
			sel = aws_data_res(n->ds, home, "cloudtrail:GetEventSelectors", arn);
			mg = sel ? management_events(sel) : NULL;
			lb = aws_data_res(n->ds, NULL, "s3:GetBucketLogging", jsonx_strz(t, "S3BucketName"));
			doc = json_pack("{s:s,s:s?,s:s,s:b,s:b,s:b,s:s?,s:s?,s:s?}", "arn", arn, "name", jsonx_str(t, "Name"), "home_region",
					home, "is_multi_region", json_is_true(json_object_get(t, "IsMultiRegionTrail")),
					"is_organization_trail", json_is_true(json_object_get(t, "IsOrganizationTrail")),
					"log_file_validation", json_is_true(json_object_get(t, "LogFileValidationEnabled")), "kms_key_id",
					jsonx_str(t, "KmsKeyId"), "s3_bucket", jsonx_str(t, "S3BucketName"),
					"cloudwatch_logs_log_group_arn", jsonx_str(t, "CloudWatchLogsLogGroupArn"));
			json_object_set(doc, "is_logging", st ? json_object_get(st, "IsLogging") : NULL);
			norm_set(doc, "latest_delivery_time", norm_time(json_object_get(st, "LatestDeliveryTime")));
			jsonx_set_str(doc, "management_events", mg);
			json_object_set_new(doc, "s3_data_events", sel ? s3_data_events(sel) : json_null());
			json_object_set(doc, "event_selectors", sel ? json_object_get(sel, "EventSelectors") : NULL);
			json_object_set(doc, "advanced_event_selectors", sel ? json_object_get(sel, "AdvancedEventSelectors") : NULL);
			/* The trail's bucket, when it is in this account: is its access logged (CIS 3.4)? */
			json_object_set_new(doc, "s3_bucket_logging",
					    lb ? json_boolean(json_object_get(lb, "LoggingEnabled") != NULL) : json_null());
			if (!lb) {
				/* A bucket of another account (central logging) or one whose logging was not read. */
				struct strbuf why = STRBUF_INIT;

				strbuf_addf(&why, "the logging of the trail's bucket %s was not read (a bucket of another account?)",
					    jsonx_strz(t, "S3BucketName"));
				json_object_set_new(doc, "__unreadable", json_pack("{s:s}", "aws.s3.buckets", why.buf));
				strbuf_release(&why);
			}
			json_array_append_new(summary, json_deep_copy(doc));
			if ((rc = norm_asset(n, "trail", "aws.cloudtrail.trail", arn, jsonx_str(t, "Name") ? jsonx_str(t, "Name") : arn,
					     home, datasets, arn, doc, &tid)) < 0)
				break;
			{
				struct strbuf bkey = STRBUF_INIT;

				strbuf_addf(&bkey, "arn:%s:s3:::%s", n->partition, jsonx_strz(t, "S3BucketName"));
				rc = norm_edge(n, tid, norm_id(n, bkey.buf), "delivers-to");
				strbuf_release(&bkey);
			}
		}
	}
	json_object_set_new(n->account_doc, "cloudtrail", json_pack("{s:o}", "trails", summary));
	json_decref(seen);
	return rc;
}

/* The CIS monitoring chain, from every region: metric filters, alarms, subscriptions. */
static void monitoring(struct norm *n, const char *const *regions, size_t nr)
{
	json_t *filters = json_array(), *alarms = json_array(), *subs = json_array(), *topics = json_array();
	const json_t *f, *m, *a, *s;
	size_t i, k, j;

	for (i = 0; i < nr; i++) {
		const char *r = regions[i];

		json_array_foreach(json_object_get(aws_data_get(n->ds, r, "logs:DescribeMetricFilters"), "metricFilters"), k, f) {
			json_t *metrics = json_array();

			json_array_foreach(json_object_get(f, "metricTransformations"), j, m)
				json_array_append_new(metrics, json_pack("{s:s?,s:s?}", "name", jsonx_str(m, "metricName"), "namespace",
									 jsonx_str(m, "metricNamespace")));
			json_array_append_new(filters, json_pack("{s:s?,s:s?,s:s?,s:o,s:s}", "name", jsonx_str(f, "filterName"),
								 "log_group", jsonx_str(f, "logGroupName"), "pattern",
								 jsonx_str(f, "filterPattern"), "metrics", metrics, "region", r));
		}
		json_array_foreach(json_object_get(aws_data_get(n->ds, r, "cloudwatch:DescribeAlarms"), "MetricAlarms"), k, a)
			json_array_append_new(alarms, json_pack("{s:s?,s:s?,s:s?,s:O?,s:s?,s:s}", "name", jsonx_str(a, "AlarmName"),
								"metric_name", jsonx_str(a, "MetricName"), "namespace",
								jsonx_str(a, "Namespace"), "actions", json_object_get(a, "AlarmActions"),
								"state", jsonx_str(a, "StateValue"), "region", r));
		json_array_foreach(json_object_get(aws_data_get(n->ds, r, "sns:ListSubscriptions"), "Subscriptions"), k, s)
			json_array_append_new(subs, json_pack("{s:s?,s:s?,s:s?,s:s}", "topic_arn", jsonx_str(s, "TopicArn"),
							      "subscription_arn", jsonx_str(s, "SubscriptionArn"), "protocol",
							      jsonx_str(s, "Protocol"), "region", r));
		json_array_foreach(json_object_get(aws_data_get(n->ds, r, "sns:ListTopics"), "Topics"), k, s)
			if (jsonx_str(s, "TopicArn"))
				json_array_append_new(topics, json_string(jsonx_str(s, "TopicArn")));
	}
	json_object_set_new(n->account_doc, "logs", json_pack("{s:o}", "metric_filters", filters));
	json_object_set_new(n->account_doc, "cloudwatch", json_pack("{s:o}", "alarms", alarms));
	json_object_set_new(n->account_doc, "sns", json_pack("{s:o,s:o}", "subscriptions", subs, "topics", topics));
}

static int kms(struct norm *n, const char *region)
{
	static const char *const datasets[] = { "aws.kms.keys", NULL };
	const json_t *keys = json_object_get(aws_data_get(n->ds, region, "kms:ListKeys"), "Keys"), *k, *al;
	const json_t *aliases = json_object_get(aws_data_get(n->ds, region, "kms:ListAliases"), "Aliases");
	size_t i, j;
	int rc;

	json_array_foreach(keys, i, k) {
		const char *id = jsonx_str(k, "KeyId");
		const json_t *meta = json_object_get(aws_data_res(n->ds, region, "kms:DescribeKey", id ? id : ""), "KeyMetadata");
		const json_t *rot = aws_data_res(n->ds, region, "kms:GetKeyRotationStatus", id ? id : "");
		json_t *doc, *names = json_array(), *missing = json_object();
		const char *arn = jsonx_str(k, "KeyArn") ? jsonx_str(k, "KeyArn") : jsonx_str(meta, "Arn");
		int customer_symmetric;

		if (!id || !arn) {
			json_decref(names);
			json_decref(missing);
			continue;
		}
		json_array_foreach(aliases, j, al)
			if (!strcmp(jsonx_strz(al, "TargetKeyId"), id) && jsonx_str(al, "AliasName"))
				json_array_append_new(names, json_string(jsonx_str(al, "AliasName")));
		customer_symmetric = !strcmp(jsonx_strz(meta, "KeyManager"), "CUSTOMER") &&
				     !strcmp(jsonx_strz(meta, "KeySpec"), "SYMMETRIC_DEFAULT");
		doc = json_pack("{s:s,s:s,s:s?,s:s?,s:s?,s:s?,s:s?,s:O?,s:O?,s:o,s:b}", "id", id, "arn", arn, "description",
				jsonx_str(meta, "Description"), "manager", jsonx_str(meta, "KeyManager"), "state",
				jsonx_str(meta, "KeyState"), "key_spec", jsonx_str(meta, "KeySpec"), "usage", jsonx_str(meta, "KeyUsage"),
				"enabled", json_object_get(meta, "Enabled"), "multi_region", json_object_get(meta, "MultiRegion"),
				"aliases", names, "customer_symmetric", customer_symmetric);
		json_object_set(doc, "rotation_enabled", rot ? json_object_get(rot, "KeyRotationEnabled") : NULL);
		norm_set(doc, "creation_date", norm_time(json_object_get(meta, "CreationDate")));
		if (!meta)
			json_object_set_new(missing, "aws.kms.keys", json_string("kms:DescribeKey was not collected for this key"));
		else if (customer_symmetric && strcmp(jsonx_strz(meta, "KeyState"), "PendingDeletion") && !rot &&
			 !aws_data_has(n->ds, region, "kms:GetKeyRotationStatus", id))
			json_object_set_new(missing, "aws.kms.keys", json_string("kms:GetKeyRotationStatus was not collected for this key"));
		json_object_set_new(doc, "__unreadable", missing);
		if ((rc = norm_asset(n, "kms-key", "aws.kms.key", arn, json_array_size(names) ? json_string_value(json_array_get(names, 0)) : id,
				     region, datasets, id, doc, NULL)) < 0)
			return rc;
	}
	return 0;
}

static int rds(struct norm *n, const char *region)
{
	static const char *const datasets[] = { "aws.rds.instances", "aws.ec2.security_groups", NULL };
	const json_t *dbs = json_object_get(aws_data_get(n->ds, region, "rds:DescribeDBInstances"), "DBInstances"), *d, *g;
	const json_t *sgs = json_object_get(aws_data_get(n->ds, region, "ec2:DescribeSecurityGroups"), "SecurityGroups");
	size_t i, k, j;
	int rc;

	json_array_foreach(dbs, i, d) {
		const char *id = jsonx_str(d, "DBInstanceIdentifier"), *arn = jsonx_str(d, "DBInstanceArn");
		json_t *doc, *groups = json_array(), *open = json_array();
		int64_t did;

		if (!id || !arn) {
			json_decref(groups);
			json_decref(open);
			continue;
		}
		json_array_foreach(json_object_get(d, "VpcSecurityGroups"), k, g) {
			const json_t *sg;

			if (!jsonx_str(g, "VpcSecurityGroupId"))
				continue;
			json_array_append_new(groups, json_string(jsonx_str(g, "VpcSecurityGroupId")));
			json_array_foreach(sgs, j, sg) {
				const json_t *p, *r;
				size_t a, b;

				if (strcmp(jsonx_strz(sg, "GroupId"), jsonx_str(g, "VpcSecurityGroupId")))
					continue;
				json_array_foreach(json_object_get(sg, "IpPermissions"), a, p) {
					json_array_foreach(json_object_get(p, "IpRanges"), b, r)
						if (!strcmp(jsonx_strz(r, "CidrIp"), "0.0.0.0/0") && !json_array_size(open))
							json_array_append_new(open, json_string(jsonx_strz(sg, "GroupId")));
					json_array_foreach(json_object_get(p, "Ipv6Ranges"), b, r)
						if (!strcmp(jsonx_strz(r, "CidrIpv6"), "::/0") && !json_array_size(open))
							json_array_append_new(open, json_string(jsonx_strz(sg, "GroupId")));
				}
			}
		}
		doc = json_pack("{s:s,s:s,s:s?,s:s?,s:s?,s:b,s:b,s:s?,s:b,s:b,s:O?,s:b,s:s?,s:o}", "id", id, "arn", arn, "engine",
				jsonx_str(d, "Engine"), "engine_version", jsonx_str(d, "EngineVersion"), "instance_class",
				jsonx_str(d, "DBInstanceClass"), "publicly_accessible",
				json_is_true(json_object_get(d, "PubliclyAccessible")), "storage_encrypted",
				json_is_true(json_object_get(d, "StorageEncrypted")), "kms_key_id", jsonx_str(d, "KmsKeyId"),
				"auto_minor_version_upgrade", json_is_true(json_object_get(d, "AutoMinorVersionUpgrade")), "multi_az",
				json_is_true(json_object_get(d, "MultiAZ")), "backup_retention_period",
				json_object_get(d, "BackupRetentionPeriod"), "deletion_protection",
				json_is_true(json_object_get(d, "DeletionProtection")), "endpoint_address",
				jsonx_str(json_object_get(d, "Endpoint"), "Address"), "security_groups", groups);
		json_object_set_new(doc, "internet_facing",
				    json_boolean(json_is_true(json_object_get(d, "PubliclyAccessible")) && json_array_size(open)));
		json_object_set_new(doc, "exposed_by", open);
		if ((rc = norm_asset(n, "db-instance", "aws.rds.instance", arn, id, region, datasets, NULL, doc, &did)) < 0)
			return rc;
		json_array_foreach(json_object_get(d, "VpcSecurityGroups"), k, g) {
			int64_t sg = norm_alias_id(n, jsonx_strz(g, "VpcSecurityGroupId"));

			if ((rc = norm_edge(n, did, sg, "in-security-group")) < 0)
				return rc;
		}
	}
	return 0;
}

static int eks(struct norm *n, const char *region)
{
	const json_t *per = aws_data_get(n->ds, region, "eks:DescribeCluster"), *c, *l, *t;
	const char *name;
	size_t i, k;
	int rc;

	json_object_foreach((json_t *)per, name, c) {
		const json_t *cl = json_object_get(c, "cluster"), *vpc = json_object_get(cl, "resourcesVpcConfig");
		json_t *doc, *logging = json_object();
		int open = 0;

		if (!cl || !jsonx_str(cl, "arn")) {
			json_decref(logging);
			continue;
		}
		json_array_foreach(jsonx_dig(cl, "logging.clusterLogging"), i, l)
			json_array_foreach(json_object_get(l, "types"), k, t)
				if (json_is_string(t))
					json_object_set_new(logging, json_string_value(t), json_boolean(json_is_true(json_object_get(l, "enabled"))));
		json_array_foreach(json_object_get(vpc, "publicAccessCidrs"), i, t)
			if (json_is_string(t) && !strcmp(json_string_value(t), "0.0.0.0/0"))
				open = 1;
		doc = json_pack("{s:s,s:s,s:s?,s:s?,s:s?,s:b,s:b,s:O?,s:o,s:b,s:s?,s:O?}", "name", name, "arn", jsonx_str(cl, "arn"),
				"version", jsonx_str(cl, "version"), "status", jsonx_str(cl, "status"), "platform_version",
				jsonx_str(cl, "platformVersion"), "endpoint_public_access",
				json_is_true(json_object_get(vpc, "endpointPublicAccess")), "endpoint_private_access",
				json_is_true(json_object_get(vpc, "endpointPrivateAccess")), "public_access_cidrs",
				json_object_get(vpc, "publicAccessCidrs"), "logging", logging, "secrets_encryption",
				json_array_size(json_object_get(cl, "encryptionConfig")) > 0, "vpc_id", jsonx_str(vpc, "vpcId"),
				"security_groups", json_object_get(vpc, "securityGroupIds"));
		json_object_set_new(doc, "endpoint_open_to_internet",
				    json_boolean(json_is_true(json_object_get(vpc, "endpointPublicAccess")) && open));
		if ((rc = norm_asset(n, "eks-cluster", "aws.eks.cluster", jsonx_str(cl, "arn"), name, region, NULL, name, doc, NULL)) < 0)
			return rc;
	}
	return 0;
}

static int ecr(struct norm *n, const char *region)
{
	const json_t *repos = json_object_get(aws_data_get(n->ds, region, "ecr:DescribeRepositories"), "repositories"), *r, *im;
	const json_t *scan = aws_data_get(n->ds, region, "ecr:GetRegistryScanningConfiguration");
	size_t i, k;
	int rc;

	json_array_foreach(repos, i, r) {
		const char *name = jsonx_str(r, "repositoryName"), *arn = jsonx_str(r, "repositoryArn");
		const json_t *imgs = json_object_get(aws_data_res(n->ds, region, "ecr:DescribeImages", name ? name : ""), "imageDetails");
		json_t *doc, *images = json_array();

		if (!name || !arn) {
			json_decref(images);
			continue;
		}
		json_array_foreach(imgs, k, im) {
			json_t *e;

			if (k >= MAX_IMAGES_PER_REPO)
				break;
			e = json_pack("{s:s?,s:O?,s:O?,s:s?,s:O?}", "digest", jsonx_str(im, "imageDigest"), "tags",
				      json_object_get(im, "imageTags"), "size_bytes", json_object_get(im, "imageSizeInBytes"),
				      "scan_status", jsonx_str(json_object_get(im, "imageScanStatus"), "status"), "finding_counts",
				      jsonx_dig(im, "imageScanFindingsSummary.findingSeverityCounts"));
			norm_set(e, "pushed_at", norm_time(json_object_get(im, "imagePushedAt")));
			json_array_append_new(images, e);
		}
		doc = json_pack("{s:s,s:s,s:s?,s:s?,s:b,s:s?,s:s?,s:o}", "name", name, "arn", arn, "uri",
				jsonx_str(r, "repositoryUri"), "registry_id", jsonx_str(r, "registryId"), "scan_on_push",
				json_is_true(jsonx_dig(r, "imageScanningConfiguration.scanOnPush")), "tag_mutability",
				jsonx_str(r, "imageTagMutability"), "encryption_type",
				jsonx_str(json_object_get(r, "encryptionConfiguration"), "encryptionType"), "images", images);
		json_object_set_new(doc, "image_count", json_integer((json_int_t)json_array_size(imgs)));
		json_object_set(doc, "registry_scanning", scan ? json_object_get(scan, "scanningConfiguration") : NULL);
		if ((rc = norm_asset(n, "ecr-repository", "aws.ecr.repository", arn, name, region, NULL, name, doc, NULL)) < 0)
			return rc;
	}
	return 0;
}

static int findings(struct norm *n, const char *region)
{
	const json_t *gd = aws_data_get(n->ds, region, "guardduty:GetFindings"), *batch, *f;
	const json_t *sh = json_object_get(aws_data_get(n->ds, region, "securityhub:GetFindings"), "Findings");
	const char *bk;
	size_t i, count = 0;
	int rc;

	json_object_foreach((json_t *)gd, bk, batch) {
		json_array_foreach(json_object_get(batch, "Findings"), i, f) {
			json_t *doc;

			if (!jsonx_str(f, "Arn") || count++ >= MAX_FINDINGS_PER_REGION)
				continue;
			doc = json_pack("{s:s,s:s,s:s?,s:s?,s:s?,s:O?,s:s?}", "source", "guardduty", "arn", jsonx_str(f, "Arn"), "id",
					jsonx_str(f, "Id"), "title", jsonx_str(f, "Title"), "type", jsonx_str(f, "Type"),
					"severity_score", json_object_get(f, "Severity"), "resource_type",
					jsonx_str(json_object_get(f, "Resource"), "ResourceType"));
			norm_set(doc, "updated_at", norm_time(json_object_get(f, "UpdatedAt")));
			if ((rc = norm_asset(n, "security-finding", "aws.finding", jsonx_str(f, "Arn"),
					     jsonx_str(f, "Title") ? jsonx_str(f, "Title") : jsonx_str(f, "Arn"), region, NULL, NULL, doc,
					     NULL)) < 0)
				return rc;
		}
	}
	count = 0;
	json_array_foreach(sh, i, f) {
		json_t *doc;

		if (!jsonx_str(f, "Id") || count++ >= MAX_FINDINGS_PER_REGION)
			continue;
		doc = json_pack("{s:s,s:s,s:s?,s:s?,s:s?,s:O?}", "source", "securityhub", "id", jsonx_str(f, "Id"), "title",
				jsonx_str(f, "Title"), "product", jsonx_str(f, "ProductName"), "severity",
				jsonx_str(json_object_get(f, "Severity"), "Label"), "compliance",
				jsonx_dig(f, "Compliance.Status"));
		norm_set(doc, "updated_at", norm_time(json_object_get(f, "UpdatedAt")));
		if ((rc = norm_asset(n, "security-finding", "aws.finding", jsonx_str(f, "Id"),
				     jsonx_str(f, "Title") ? jsonx_str(f, "Title") : jsonx_str(f, "Id"), region, NULL, NULL, doc, NULL)) < 0)
			return rc;
	}
	return 0;
}

/* The region's recording and detection services, on the region's asset and in the account's per-region lists. */
static int region_doc(struct norm *n, const char *region, json_t *lists)
{
	/*
	 * The region's settings, and the lists its resources come from: a list
	 * that failed here is the region's gap for the rules over those
	 * resources (the assess stage), since none of them could be judged.
	 */
	static const char *const datasets[] = { "aws.config.recorders", "aws.accessanalyzer.analyzers", "aws.securityhub.hubs",
						"aws.ec2.ebs_encryption", "aws.cloudtrail.trails", "aws.ec2.security_groups",
						"aws.ec2.network_acls", "aws.ec2.vpcs", "aws.ec2.instances", "aws.rds.instances",
						"aws.kms.keys", "aws.efs.filesystems", NULL };
	const json_t *recs = json_object_get(aws_data_get(n->ds, region, "config:DescribeConfigurationRecorders"),
					     "ConfigurationRecorders");
	const json_t *stats = json_object_get(aws_data_get(n->ds, region, "config:DescribeConfigurationRecorderStatus"),
					      "ConfigurationRecordersStatus");
	const json_t *an = json_object_get(aws_data_get(n->ds, region, "accessanalyzer:ListAnalyzers"), "analyzers");
	const json_t *ebs = aws_data_get(n->ds, region, "ec2:GetEbsEncryptionByDefault");
	const json_t *macie = aws_data_get(n->ds, region, "macie2:GetMacieSession");
	const json_t *r, *s, *dets = aws_data_get(n->ds, region, "guardduty:GetDetector");
	json_t *doc, *rl = json_array(), *al = json_array(), *dl = json_array();
	struct strbuf key = STRBUF_INIT;
	const char *did;
	size_t i, k;
	int recording = 0, all_supported = 0, active = 0, active_count = 0, gd = 0, rc;

	json_array_foreach(recs, i, r) {
		int on = 0;

		json_array_foreach(stats, k, s)
			if (!strcmp(jsonx_strz(s, "name"), jsonx_strz(r, "name")))
				on = json_is_true(json_object_get(s, "recording"));
		json_array_append_new(rl, json_pack("{s:s?,s:b,s:b,s:b}", "name", jsonx_str(r, "name"), "recording", on,
						    "all_supported", json_is_true(jsonx_dig(r, "recordingGroup.allSupported")),
						    "include_global_resource_types",
						    json_is_true(jsonx_dig(r, "recordingGroup.includeGlobalResourceTypes"))));
		recording |= on;
		all_supported |= on && json_is_true(jsonx_dig(r, "recordingGroup.allSupported"));
	}
	json_array_foreach(an, i, r) {
		json_array_append_new(al, json_pack("{s:s?,s:s?,s:s?}", "name", jsonx_str(r, "name"), "type", jsonx_str(r, "type"),
						    "status", jsonx_str(r, "status")));
		active |= !strcmp(jsonx_strz(r, "status"), "ACTIVE");
		active_count += !strcmp(jsonx_strz(r, "status"), "ACTIVE");
	}
	json_object_foreach((json_t *)dets, did, r) {
		json_array_append_new(dl, json_pack("{s:s,s:s?}", "id", did, "status", jsonx_str(r, "Status")));
		gd |= !strcmp(jsonx_strz(r, "Status"), "ENABLED");
	}
	doc = json_pack("{s:s,s:b}", "name", region, "enabled", 1);
	json_object_set_new(doc, "ebs_encryption_by_default", ebs ? json_boolean(json_is_true(json_object_get(ebs, "EbsEncryptionByDefault")))
								  : json_null());
	json_object_set_new(doc, "config", json_pack("{s:o,s:b,s:b}", "recorders", rl, "recording", recording, "all_supported",
						     all_supported));
	json_object_set_new(doc, "access_analyzer", json_pack("{s:o,s:b}", "analyzers", al, "active", active));
	json_object_set_new(doc, "security_hub",
			    json_pack("{s:o}", "enabled", aws_data_has(n->ds, region, "securityhub:DescribeHub", NULL)
								  ? json_boolean(json_is_object(aws_data_get(n->ds, region, "securityhub:DescribeHub")))
								  : json_null()));
	json_object_set_new(doc, "guardduty", json_pack("{s:o,s:b}", "detectors", dl, "enabled", gd));
	json_object_set_new(doc, "macie", json_pack("{s:o}", "enabled", macie ? json_boolean(!strcmp(jsonx_strz(macie, "status"), "ENABLED"))
									      : json_null()));
	/* The account's list of regions, for "in every region" rules (CIS 1.20, 2.2.1, 3.3, 4.16). */
	{
		json_t *e = json_pack("{s:s,s:b,s:O,s:i,s:{s:b,s:b},s:O,s:b,s:O}", "name", region, "enabled", 1,
				      "ebs_encryption_by_default", json_object_get(doc, "ebs_encryption_by_default"),
				      "access_analyzers_active", active_count, "config_recorder", "recording", recording,
				      "all_supported", all_supported, "security_hub_enabled", jsonx_dig(doc, "security_hub.enabled"),
				      "guardduty_enabled", gd, "macie_enabled", jsonx_dig(doc, "macie.enabled"));

		json_array_append_new(lists, e);
	}
	strbuf_addf(&key, "aws:%s:region:%s", n->account, region);
	rc = norm_asset(n, "region", "aws.region", key.buf, region, region, datasets, NULL, doc, NULL);
	strbuf_release(&key);
	return rc;
}

int norm_services(struct norm *n)
{
	const char *regions[64];
	size_t i, nr = norm_regions(n, regions, 64);
	json_t *lists = json_array(), *v;
	int rc = 0;

	if (!lists)
		return err_set(ERR_NOMEM, "out of memory");
	if ((rc = trails(n, regions, nr)) < 0)
		goto cleanup;
	monitoring(n, regions, nr);
	for (i = 0; i < nr; i++) {
		if ((rc = kms(n, regions[i])) < 0 || (rc = rds(n, regions[i])) < 0 || (rc = eks(n, regions[i])) < 0 ||
		    (rc = ecr(n, regions[i])) < 0 || (rc = findings(n, regions[i])) < 0 || (rc = region_doc(n, regions[i], lists)) < 0)
			goto cleanup;
	}
	/* Regions the account has not opted in to: listed, not enabled, never a gap. */
	json_array_foreach(jsonx_dig(n->ds, "regions.not_enabled"), i, v)
		if (json_is_string(v))
			json_array_append_new(lists, json_pack("{s:s,s:b}", "name", json_string_value(v), "enabled", 0));
	json_object_set_new(n->account_doc, "regions", lists);
	lists = NULL;
cleanup:
	json_decref(lists);
	return rc;
}
