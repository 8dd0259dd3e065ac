/*
 * Live collection: the order of the calls, and what each one's answer leads
 * to (a bucket's region before its settings, a trail's home region before
 * its status, a detector before its findings).
 */
#include "aws_collect.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "aws_calls.h"
#include "aws_data.h"
#include "core/err.h"
#include "core/jsonx.h"
#include "core/log.h"
#include "core/util.h"

/* Bounds on per-resource work in one account (each a request or more). */
#define MAX_USERS 2000
#define MAX_BUCKETS 2000
#define MAX_SNAPSHOTS 500
#define MAX_KEYS 1000
#define MAX_CLUSTERS 200
#define MAX_REPOS 500
#define MAX_FINDING_PAGES 4
#define MAX_TRAILS 100

struct live {
	struct aws_client *c;
	json_t *ds;
	int stopped;           /* credentials refused or session expired: no more calls */
	char stop_reason[600];
};

static const char *kind_of(int rc)
{
	return rc == ERR_DENIED ? "denied" : rc == ERR_AUTH ? "auth" : "error";
}

/*
 * One call, its answer stored under service:action (for resource when
 * given).  *out (may be NULL) borrows the stored answer.  Returns 0,
 * AWS_ABSENT or <0; every failure is recorded in the dataset.
 */
static int run(struct live *L, const char *service, const char *action, const char *region, const char *data_region,
	       const json_t *args, const char *resource, int max_pages, json_t **out)
{
	char key[128];
	json_t *v = NULL;
	int rc;

	if (out)
		*out = NULL;
	snprintf(key, sizeof(key), "%s:%s", service, action);
	if (L->stopped) {
		aws_data_error(L->ds, service, action, data_region, resource, "NotAttempted", L->stop_reason, "skipped");
		return ERR_AUTH;
	}
	rc = aws_client_call_pages(L->c, service, action, region, args, max_pages, &v);
	if (rc == 0 || rc == AWS_ABSENT) {
		if (aws_data_put(L->ds, data_region, key, resource, v) < 0)
			return ERR_NOMEM;
		if (out)
			*out = resource ? aws_data_res(L->ds, data_region, key, resource) : aws_data_get(L->ds, data_region, key);
		if (out && json_is_null(*out))
			*out = NULL;
		return rc;
	}
	if (rc == ERR_NOMEM || rc == ERR_INTERRUPTED)
		return rc;
	aws_data_error(L->ds, service, action, data_region, resource, aws_client_last_code(L->c), err_last(), kind_of(rc));
	if (rc == ERR_AUTH) {
		L->stopped = 1;
		snprintf(L->stop_reason, sizeof(L->stop_reason), "not attempted after the credentials were refused: %s",
			 err_last());
	}
	return rc;
}

/* Keep going past anything but running out of memory or being interrupted. */
static int fatal(int rc)
{
	return rc == ERR_NOMEM || rc == ERR_INTERRUPTED;
}

static int region_wanted(const struct aws_live_opts *o, const char *r)
{
	size_t i;

	if (!o->regions)
		return 1;
	for (i = 0; o->regions[i]; i++)
		if (!strcmp(o->regions[i], r))
			return 1;
	return 0;
}

static int regions(struct live *L, const struct aws_live_opts *o)
{
	json_t *ans = NULL, *r;
	json_t *en = jsonx_dig(L->ds, "regions.enabled"), *ne = jsonx_dig(L->ds, "regions.not_enabled"), *ex = json_array();
	size_t i;
	int rc;

	if (!ex)
		return err_set(ERR_NOMEM, "out of memory");
	rc = run(L, "ec2", "DescribeRegions", o->default_region, NULL, NULL, NULL, 0, &ans);
	if (fatal(rc)) {
		json_decref(ex);
		return rc;
	}
	if (rc < 0) {
		/* Without the list, the regions named in the engagement, or the default one. */
		if (o->regions)
			for (i = 0; o->regions[i]; i++)
				json_array_append_new(en, json_string(o->regions[i]));
		else
			json_array_append_new(en, json_string(o->default_region));
		json_decref(ex);
		return 0;
	}
	json_array_foreach(json_object_get(ans, "Regions"), i, r) {
		const char *name = jsonx_str(r, "RegionName"), *opt = jsonx_strz(r, "OptInStatus");

		if (!name)
			continue;
		if (!strcmp(opt, "not-opted-in"))
			json_array_append_new(ne, json_string(name));
		else if (region_wanted(o, name))
			json_array_append_new(en, json_string(name));
		else
			json_array_append_new(ex, json_string(name));
	}
	json_object_set_new(json_object_get(L->ds, "regions"), "excluded", ex);
	return 0;
}

static json_t *args1(const char *k, const char *v)
{
	return json_pack("{ss}", k, v);
}

/* "not generated yet" is the normal first answer: generate, then wait for it. */
static int credential_report(struct live *L)
{
	json_t *v = NULL, *gen = NULL;
	struct strbuf csv = STRBUF_INIT;
	const char *content;
	int tries, rc;

	if (L->stopped)
		return run(L, "iam", "GetCredentialReport", NULL, NULL, NULL, NULL, 0, NULL);
	for (tries = 0; tries < 12; tries++) {
		rc = aws_client_call(L->c, "iam", "GetCredentialReport", NULL, NULL, &v);
		if (rc == 0)
			break;
		if (fatal(rc))
			return rc;
		if (strcmp(aws_client_last_code(L->c), "ReportNotPresent") && strcmp(aws_client_last_code(L->c), "ReportExpired") &&
		    strcmp(aws_client_last_code(L->c), "ReportInProgress")) {
			aws_data_error(L->ds, "iam", "GetCredentialReport", NULL, NULL, aws_client_last_code(L->c), err_last(),
				       kind_of(rc));
			if (rc == ERR_AUTH)
				L->stopped = 1;
			return rc;
		}
		if (strcmp(aws_client_last_code(L->c), "ReportInProgress") || !gen) {
			json_decref(gen);
			gen = NULL;
			rc = run(L, "iam", "GenerateCredentialReport", NULL, NULL, NULL, NULL, 0, NULL);
			if (rc < 0)
				return rc;
			gen = json_true();
		}
		{
			struct timespec ts = { 0, 500000000L };

			nanosleep(&ts, NULL);
		}
	}
	json_decref(gen);
	if (!v) {
		aws_data_error(L->ds, "iam", "GetCredentialReport", NULL, NULL, "ReportInProgress",
			       "iam:GetCredentialReport: the credential report was not ready after 6 s", "error");
		return ERR_HTTP;
	}
	content = jsonx_str(v, "Content");
	if (content && (rc = util_base64_decode(&csv, content, strlen(content))) == 0) {
		json_t *text = json_stringn(csv.buf, csv.len);

		if (text)
			json_object_set_new(L->ds, "credential_report", text);
	}
	json_object_del(v, "Content"); /* kept decoded above; the evidence has the bytes */
	rc = aws_data_put(L->ds, NULL, "iam:GetCredentialReport", NULL, v);
	strbuf_release(&csv);
	return rc;
}

static int iam(struct live *L)
{
	json_t *gaad = NULL, *u, *keys, *k, *a;
	size_t i, j;
	int rc;
	static const char *const simple[] = { "GetAccountPasswordPolicy", "GetAccountSummary", "ListAccountAliases",
					      "ListVirtualMFADevices", "ListServerCertificates", "ListSAMLProviders",
					      "ListOpenIDConnectProviders" };

	if (fatal(rc = run(L, "iam", "GetAccountAuthorizationDetails", NULL, NULL, NULL, NULL, 0, &gaad)))
		return rc;
	if (fatal(rc = credential_report(L)))
		return rc;
	for (i = 0; i < ARRAY_SIZE(simple); i++)
		if (fatal(rc = run(L, "iam", simple[i], NULL, NULL, NULL, NULL, 0, NULL)))
			return rc;
	json_array_foreach(json_object_get(gaad, "UserDetailList"), i, u) {
		const char *name = jsonx_str(u, "UserName");

		if (!name || i >= MAX_USERS)
			continue;
		a = args1("UserName", name);
		rc = run(L, "iam", "ListMFADevices", NULL, NULL, a, name, 0, NULL);
		if (!fatal(rc))
			rc = run(L, "iam", "ListAccessKeys", NULL, NULL, a, name, 0, &keys);
		json_decref(a);
		if (fatal(rc))
			return rc;
		json_array_foreach(json_object_get(keys, "AccessKeyMetadata"), j, k) {
			const char *id = jsonx_str(k, "AccessKeyId");

			if (!id)
				continue;
			a = args1("AccessKeyId", id);
			rc = run(L, "iam", "GetAccessKeyLastUsed", NULL, NULL, a, id, 0, NULL);
			json_decref(a);
			if (fatal(rc))
				return rc;
		}
	}
	return 0;
}

/* "EU" and "" are what S3 answers for two old regions. */
static const char *bucket_region(const json_t *loc)
{
	const char *r = jsonx_str(loc, "LocationConstraint");

	if (!r || !*r)
		return "us-east-1";
	if (!strcmp(r, "EU"))
		return "eu-west-1";
	return r;
}

static int s3(struct live *L, const struct aws_live_opts *o)
{
	static const char *const per_bucket[] = { "GetPublicAccessBlock", "GetBucketPolicyStatus", "GetBucketEncryption",
						  "GetBucketVersioning", "GetBucketLogging", "GetBucketPolicy", "GetBucketAcl" };
	json_t *list = NULL, *b, *loc, *a;
	size_t i, j;
	int rc;

	if (fatal(rc = run(L, "s3control", "GetPublicAccessBlock", o->default_region, NULL, NULL, NULL, 0, NULL)))
		return rc;
	if (fatal(rc = run(L, "s3", "ListBuckets", "us-east-1", NULL, NULL, NULL, 0, &list)))
		return rc;
	json_array_foreach(json_object_get(list, "Buckets"), i, b) {
		const char *name = jsonx_str(b, "Name"), *region;

		if (!name || i >= MAX_BUCKETS)
			continue;
		a = args1("Bucket", name);
		rc = run(L, "s3", "GetBucketLocation", "us-east-1", NULL, a, name, 0, &loc);
		region = rc == 0 ? bucket_region(loc) : "us-east-1";
		for (j = 0; j < ARRAY_SIZE(per_bucket) && !fatal(rc); j++)
			rc = run(L, "s3", per_bucket[j], region, NULL, a, name, 0, NULL);
		json_decref(a);
		if (fatal(rc))
			return rc;
	}
	return 0;
}

static int global_calls(struct live *L, const struct aws_live_opts *o)
{
	json_t *org = NULL, *a;
	int rc;

	rc = run(L, "organizations", "DescribeOrganization", NULL, NULL, NULL, NULL, 0, &org);
	if (fatal(rc))
		return rc;
	/*
	 * The organisation's accounts are the denominator of coverage.  Not only
	 * the management account may list them (a delegated administrator may):
	 * ask whenever there is an organisation; a member's AccessDenied is then a
	 * gap the normaliser names, and coverage counts the accounts collected.
	 */
	if (org && json_object_get(org, "Organization") &&
	    fatal(rc = run(L, "organizations", "ListAccounts", NULL, NULL, NULL, NULL, 0, NULL)))
		return rc;
	if (fatal(rc = iam(L)))
		return rc;
	a = json_pack("{ss}", "AlternateContactType", "SECURITY");
	rc = run(L, "account", "GetAlternateContact", NULL, NULL, a, NULL, 0, NULL);
	json_decref(a);
	if (fatal(rc))
		return rc;
	return s3(L, o);
}

static int ec2(struct live *L, const char *region)
{
	static const char *const lists[] = { "DescribeInstances", "DescribeSecurityGroups", "DescribeVpcs", "DescribeSubnets",
					     "DescribeVpcPeeringConnections", "DescribeFlowLogs", "DescribeNetworkAcls",
					     "DescribeRouteTables", "DescribeInternetGateways", "DescribeVolumes",
					     "GetEbsEncryptionByDefault" };
	json_t *snaps = NULL, *s, *a;
	size_t i;
	int rc;

	for (i = 0; i < ARRAY_SIZE(lists); i++)
		if (fatal(rc = run(L, "ec2", lists[i], region, region, NULL, NULL, 0, NULL)))
			return rc;
	if (fatal(rc = run(L, "ec2", "DescribeSnapshots", region, region, NULL, NULL, 0, &snaps)))
		return rc;
	json_array_foreach(json_object_get(snaps, "Snapshots"), i, s) {
		const char *id = jsonx_str(s, "SnapshotId");

		if (!id || i >= MAX_SNAPSHOTS)
			continue;
		a = args1("SnapshotId", id);
		rc = run(L, "ec2", "DescribeSnapshotAttribute", region, region, a, id, 0, NULL);
		json_decref(a);
		if (fatal(rc))
			return rc;
	}
	return 0;
}

static int kms(struct live *L, const char *region)
{
	json_t *keys = NULL, *k, *d, *a;
	size_t i;
	int rc;

	if (fatal(rc = run(L, "kms", "ListAliases", region, region, NULL, NULL, 0, NULL)))
		return rc;
	if (fatal(rc = run(L, "kms", "ListKeys", region, region, NULL, NULL, 0, &keys)))
		return rc;
	json_array_foreach(json_object_get(keys, "Keys"), i, k) {
		const char *id = jsonx_str(k, "KeyId");
		json_t *meta;

		if (!id || i >= MAX_KEYS)
			continue;
		a = args1("KeyId", id);
		rc = run(L, "kms", "DescribeKey", region, region, a, id, 0, &d);
		meta = json_object_get(d, "KeyMetadata");
		/* Rotation exists for customer-managed symmetric keys only. */
		if (rc == 0 && !strcmp(jsonx_strz(meta, "KeyManager"), "CUSTOMER") &&
		    !strcmp(jsonx_strz(meta, "KeySpec"), "SYMMETRIC_DEFAULT") && strcmp(jsonx_strz(meta, "KeyState"), "PendingDeletion"))
			rc = run(L, "kms", "GetKeyRotationStatus", region, region, a, id, 0, NULL);
		json_decref(a);
		if (fatal(rc))
			return rc;
	}
	return 0;
}

static int eks_ecr(struct live *L, const char *region)
{
	json_t *list = NULL, *n, *a;
	size_t i;
	int rc;

	if (fatal(rc = run(L, "eks", "ListClusters", region, region, NULL, NULL, 0, &list)))
		return rc;
	json_array_foreach(json_object_get(list, "clusters"), i, n) {
		if (!json_is_string(n) || i >= MAX_CLUSTERS)
			continue;
		a = args1("name", json_string_value(n));
		rc = run(L, "eks", "DescribeCluster", region, region, a, json_string_value(n), 0, NULL);
		json_decref(a);
		if (fatal(rc))
			return rc;
	}
	if (fatal(rc = run(L, "ecr", "GetRegistryScanningConfiguration", region, region, NULL, NULL, 0, NULL)))
		return rc;
	if (fatal(rc = run(L, "ecr", "DescribeRepositories", region, region, NULL, NULL, 0, &list)))
		return rc;
	json_array_foreach(json_object_get(list, "repositories"), i, n) {
		const char *name = jsonx_str(n, "repositoryName");

		if (!name || i >= MAX_REPOS)
			continue;
		a = json_pack("{ss}", "repositoryName", name);
		if (jsonx_str(n, "registryId"))
			json_object_set_new(a, "registryId", json_string(jsonx_str(n, "registryId")));
		rc = run(L, "ecr", "DescribeImages", region, region, a, name, 1, NULL);
		json_decref(a);
		if (fatal(rc))
			return rc;
	}
	return 0;
}

static int detection(struct live *L, const char *region)
{
	json_t *dets = NULL, *d, *found = NULL, *a, *ids, *hub = NULL;
	size_t i;
	int rc;

	if (fatal(rc = run(L, "guardduty", "ListDetectors", region, region, NULL, NULL, 0, &dets)))
		return rc;
	json_array_foreach(json_object_get(dets, "DetectorIds"), i, d) {
		if (!json_is_string(d))
			continue;
		a = args1("DetectorId", json_string_value(d));
		rc = run(L, "guardduty", "GetDetector", region, region, a, json_string_value(d), 0, NULL);
		if (!fatal(rc))
			rc = run(L, "guardduty", "ListFindings", region, region, a, json_string_value(d), MAX_FINDING_PAGES, &found);
		ids = json_object_get(found, "FindingIds");
		if (rc == 0 && json_array_size(ids)) {
			/* GetFindings takes 50 ids at a time. */
			size_t k;

			for (k = 0; k < json_array_size(ids) && !fatal(rc); k += 50) {
				json_t *batch = json_array(), *b = json_deep_copy(a);
				char res[200];
				size_t m;

				for (m = k; m < k + 50 && m < json_array_size(ids); m++)
					json_array_append(batch, json_array_get(ids, m));
				json_object_set_new(b, "FindingIds", batch);
				snprintf(res, sizeof(res), "%s#%zu", json_string_value(d), k / 50);
				rc = run(L, "guardduty", "GetFindings", region, region, b, res, 0, NULL);
				json_decref(b);
			}
		}
		json_decref(a);
		found = NULL;
		if (fatal(rc))
			return rc;
	}
	if (fatal(rc = run(L, "securityhub", "DescribeHub", region, region, NULL, NULL, 0, &hub)))
		return rc;
	if (hub && fatal(rc = run(L, "securityhub", "GetFindings", region, region, NULL, NULL, 2, NULL)))
		return rc;
	if (fatal(rc = run(L, "accessanalyzer", "ListAnalyzers", region, region, NULL, NULL, 0, NULL)))
		return rc;
	if (fatal(rc = run(L, "macie2", "GetMacieSession", region, region, NULL, NULL, 0, NULL)))
		return rc;
	return 0;
}

/* Trails are listed in every region they reach; their status is asked once, in their home region. */
static int trails(struct live *L, const char *const *regions, size_t nregions)
{
	json_t *seen = json_object(), *list, *t, *v, *a;
	const char *arn;
	size_t i, j;
	int rc = 0;

	if (!seen)
		return err_set(ERR_NOMEM, "out of memory");
	for (i = 0; i < nregions; i++) {
		if (fatal(rc = run(L, "cloudtrail", "DescribeTrails", regions[i], regions[i], NULL, NULL, 0, &list)))
			goto cleanup;
		json_array_foreach(json_object_get(list, "trailList"), j, t) {
			if ((arn = jsonx_str(t, "TrailARN")) && !json_object_get(seen, arn) && json_object_size(seen) < MAX_TRAILS)
				json_object_set_new(seen, arn, json_string(jsonx_str(t, "HomeRegion") ? jsonx_str(t, "HomeRegion") : regions[i]));
		}
	}
	json_object_foreach(seen, arn, v) {
		const char *home = json_string_value(v);

		a = json_pack("{ssss}", "Name", arn, "TrailName", arn);
		rc = run(L, "cloudtrail", "GetTrailStatus", home, home, a, arn, 0, NULL);
		if (!fatal(rc))
			rc = run(L, "cloudtrail", "GetEventSelectors", home, home, a, arn, 0, NULL);
		json_decref(a);
		if (fatal(rc))
			goto cleanup;
	}
	rc = 0;
cleanup:
	json_decref(seen);
	return rc;
}

static int regional_calls(struct live *L, const char *region)
{
	static const struct {
		const char *service, *action;
	} simple[] = {
		{ "logs", "DescribeMetricFilters" }, { "cloudwatch", "DescribeAlarms" }, { "sns", "ListTopics" },
		{ "sns", "ListSubscriptions" }, { "rds", "DescribeDBInstances" }, { "efs", "DescribeFileSystems" },
		{ "config", "DescribeConfigurationRecorders" }, { "config", "DescribeConfigurationRecorderStatus" },
		{ "config", "DescribeDeliveryChannels" },
	};
	size_t i;
	int rc;

	if (fatal(rc = ec2(L, region)))
		return rc;
	for (i = 0; i < ARRAY_SIZE(simple); i++)
		if (fatal(rc = run(L, simple[i].service, simple[i].action, region, region, NULL, NULL, 0, NULL)))
			return rc;
	if (fatal(rc = kms(L, region)) || fatal(rc = eks_ecr(L, region)) || fatal(rc = detection(L, region)))
		return rc;
	return 0;
}

int aws_collect_live(struct aws_client *c, const struct aws_live_opts *o, json_t *ds)
{
	struct live L = { c, ds, 0, "" };
	json_t *id = NULL, *en;
	const char *regions_list[64];
	size_t i, n = 0;
	int rc;

	rc = aws_client_call(c, "sts", "GetCallerIdentity", o->default_region, NULL, &id);
	if (rc != 0)
		return rc < 0 ? rc : err_set(ERR_HTTP, "sts:GetCallerIdentity gave no identity");
	if (!jsonx_str(id, "Account")) {
		json_decref(id);
		return err_set(ERR_PARSE, "sts:GetCallerIdentity: the answer names no account");
	}
	json_object_set_new(ds, "account", json_string(jsonx_str(id, "Account")));
	json_object_set_new(ds, "identity", id);
	if ((rc = aws_client_set_account(c, jsonx_str(ds, "account"))) < 0)
		return rc;
	log_info("aws: collecting account %s as %s", jsonx_str(ds, "account"), jsonx_strz(id, "Arn"));
	if ((rc = regions(&L, o)) < 0)
		return rc;
	if (fatal(rc = global_calls(&L, o)))
		return rc;
	en = jsonx_dig(ds, "regions.enabled");
	for (i = 0; i < json_array_size(en) && n < ARRAY_SIZE(regions_list); i++)
		regions_list[n++] = json_string_value(json_array_get(en, i));
	for (i = 0; i < n; i++) {
		log_debug("aws: region %s", regions_list[i]);
		if (fatal(rc = regional_calls(&L, regions_list[i])))
			return rc;
	}
	if (fatal(rc = trails(&L, regions_list, n)))
		return rc;
	return 0;
}
