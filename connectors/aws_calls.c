#include "aws_calls.h"

#include <string.h>

#include <jansson.h>

#include "core/util.h"

static const struct aws_service services[] = {
	/* name            cli              endpoint             signing            version       target                                                  json   home         global host */
	{ "sts", "sts", "sts", "sts", "2011-06-15", NULL, NULL, NULL, NULL },
	{ "organizations", "organizations", "organizations", "organizations", "2016-11-28", "AWSOrganizationsV20161128", "1.1", "us-east-1", NULL },
	{ "iam", "iam", "iam", "iam", "2010-05-08", NULL, NULL, "us-east-1", "iam.amazonaws.com" },
	{ "account", "account", "account", "account", "2021-02-01", NULL, NULL, "us-east-1", NULL },
	{ "ec2", "ec2", "ec2", "ec2", "2016-11-15", NULL, NULL, NULL, NULL },
	{ "s3", "s3api", "s3", "s3", "2006-03-01", NULL, NULL, NULL, NULL },
	{ "s3control", "s3control", "s3-control", "s3", "2018-08-20", NULL, NULL, NULL, NULL },
	{ "cloudtrail", "cloudtrail", "cloudtrail", "cloudtrail", "2013-11-01",
	  "com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101", "1.1", NULL, NULL },
	{ "logs", "logs", "logs", "logs", "2014-03-28", "Logs_20140328", "1.1", NULL, NULL },
	{ "cloudwatch", "cloudwatch", "monitoring", "monitoring", "2010-08-01", NULL, NULL, NULL, NULL },
	{ "sns", "sns", "sns", "sns", "2010-03-31", NULL, NULL, NULL, NULL },
	{ "kms", "kms", "kms", "kms", "2014-11-01", "TrentService", "1.1", NULL, NULL },
	{ "rds", "rds", "rds", "rds", "2014-10-31", NULL, NULL, NULL, NULL },
	{ "eks", "eks", "eks", "eks", "2017-11-01", NULL, NULL, NULL, NULL },
	{ "ecr", "ecr", "api.ecr", "ecr", "2015-09-21", "AmazonEC2ContainerRegistry_V20150921", "1.1", NULL, NULL },
	{ "guardduty", "guardduty", "guardduty", "guardduty", "2017-11-28", NULL, NULL, NULL, NULL },
	{ "securityhub", "securityhub", "securityhub", "securityhub", "2018-10-26", NULL, NULL, NULL, NULL },
	{ "accessanalyzer", "accessanalyzer", "access-analyzer", "access-analyzer", "2019-11-01", NULL, NULL, NULL, NULL },
	{ "config", "configservice", "config", "config", "2014-11-12", "StarlingDoveService", "1.1", NULL, NULL },
	{ "efs", "efs", "elasticfilesystem", "elasticfilesystem", "2015-02-01", NULL, NULL, NULL, NULL },
	{ "macie2", "macie2", "macie2", "macie2", "2020-01-01", NULL, NULL, NULL, NULL },
};

#define Q(svc, act, params, scope, pin, pout, more, feeds, cli, absent, flags) \
	{ svc, act, AWS_QUERY, "POST", "/", params, scope, pin, pout, more, feeds, cli, absent, flags }
#define E(act, params, feeds, cli, flags) \
	{ "ec2", act, AWS_EC2, "POST", "/", params, AWS_REGIONAL, "NextToken", "NextToken", NULL, feeds, cli, NULL, flags }
#define E0(act, params, feeds, cli, flags) \
	{ "ec2", act, AWS_EC2, "POST", "/", params, AWS_REGIONAL, NULL, NULL, NULL, feeds, cli, NULL, flags }
#define J(svc, act, params, scope, pin, pout, more, feeds, cli, absent, flags) \
	{ svc, act, AWS_JSON, "POST", "/", params, scope, pin, pout, more, feeds, cli, absent, flags }
#define RJ(svc, act, method, path, params, pin, pout, feeds, cli, absent, flags) \
	{ svc, act, AWS_REST_JSON, method, path, params, AWS_REGIONAL, pin, pout, NULL, feeds, cli, absent, flags }
#define S3(act, path, feeds, cli, absent) \
	{ "s3", act, AWS_REST_XML, "GET", path, "", AWS_GLOBAL, NULL, NULL, NULL, feeds, cli, absent, AWS_CALL_PER_RESOURCE }

static const struct aws_call calls[] = {
	/* Who we are, and the role we were given. */
	Q("sts", "GetCallerIdentity", "", AWS_GLOBAL, NULL, NULL, NULL, "aws.sts.identity", "get-caller-identity", NULL, 0),
	Q("sts", "AssumeRole",
	  "RoleArn={RoleArn}&RoleSessionName={RoleSessionName}&ExternalId={ExternalId}&DurationSeconds={DurationSeconds}",
	  AWS_GLOBAL, NULL, NULL, NULL, "aws.sts.credentials", "assume-role", NULL,
	  AWS_CALL_CREDENTIAL | AWS_CALL_TOKEN_EXCHANGE),

	/* Organizations: the accounts, the denominator for coverage. */
	J("organizations", "DescribeOrganization", "{}", AWS_GLOBAL, NULL, NULL, NULL, "aws.organizations.organization",
	  "describe-organization", "AWSOrganizationsNotInUseException", 0),
	J("organizations", "ListAccounts", "{}", AWS_GLOBAL, "NextToken", "NextToken", NULL, "aws.organizations.accounts",
	  "list-accounts", "AWSOrganizationsNotInUseException", 0),

	/* IAM */
	Q("iam", "GetAccountAuthorizationDetails", "MaxItems=1000", AWS_GLOBAL, "Marker", "Marker", "IsTruncated",
	  "aws.iam.authorization_details", "get-account-authorization-details", NULL, 0),
	Q("iam", "GenerateCredentialReport", "", AWS_GLOBAL, NULL, NULL, NULL, "aws.iam.credential_report",
	  "generate-credential-report", NULL, AWS_CALL_GENERATES),
	Q("iam", "GetCredentialReport", "", AWS_GLOBAL, NULL, NULL, NULL, "aws.iam.credential_report",
	  "get-credential-report", NULL, 0),
	Q("iam", "GetAccountPasswordPolicy", "", AWS_GLOBAL, NULL, NULL, NULL, "aws.iam.password_policy",
	  "get-account-password-policy", "NoSuchEntity", 0),
	Q("iam", "GetAccountSummary", "", AWS_GLOBAL, NULL, NULL, NULL, "aws.iam.account_summary", "get-account-summary",
	  NULL, 0),
	Q("iam", "ListAccountAliases", "", AWS_GLOBAL, "Marker", "Marker", "IsTruncated", "aws.iam.account_aliases",
	  "list-account-aliases", NULL, 0),
	Q("iam", "ListVirtualMFADevices", "", AWS_GLOBAL, "Marker", "Marker", "IsTruncated", "aws.iam.virtual_mfa_devices",
	  "list-virtual-mfa-devices", NULL, 0),
	Q("iam", "ListMFADevices", "UserName={UserName}", AWS_GLOBAL, "Marker", "Marker", "IsTruncated",
	  "aws.iam.mfa_devices", "list-mfa-devices", "NoSuchEntity", AWS_CALL_PER_RESOURCE),
	Q("iam", "ListAccessKeys", "UserName={UserName}", AWS_GLOBAL, "Marker", "Marker", "IsTruncated",
	  "aws.iam.access_keys", "list-access-keys", "NoSuchEntity", AWS_CALL_PER_RESOURCE),
	Q("iam", "GetAccessKeyLastUsed", "AccessKeyId={AccessKeyId}", AWS_GLOBAL, NULL, NULL, NULL,
	  "aws.iam.access_keys", "get-access-key-last-used", "NoSuchEntity", AWS_CALL_PER_RESOURCE),
	Q("iam", "ListServerCertificates", "", AWS_GLOBAL, "Marker", "Marker", "IsTruncated",
	  "aws.iam.server_certificates", "list-server-certificates", NULL, 0),
	Q("iam", "ListSAMLProviders", "", AWS_GLOBAL, NULL, NULL, NULL, "aws.iam.identity_providers",
	  "list-saml-providers", NULL, 0),
	Q("iam", "ListOpenIDConnectProviders", "", AWS_GLOBAL, NULL, NULL, NULL, "aws.iam.identity_providers",
	  "list-open-id-connect-providers", NULL, 0),

	/* Account contacts (CIS 1.2) */
	{ "account", "GetAlternateContact", AWS_REST_JSON, "POST", "/getAlternateContact",
	  "{\"AlternateContactType\":\"{AlternateContactType}\"}", AWS_GLOBAL, NULL, NULL, NULL, "aws.account.security_contact",
	  "get-alternate-contact", "ResourceNotFoundException", 0 },

	/* EC2 and VPC */
	E0("DescribeRegions", "AllRegions=true", "aws.ec2.regions", "describe-regions", 0),
	E("DescribeInstances", "MaxResults=1000", "aws.ec2.instances", "describe-instances", 0),
	E("DescribeSecurityGroups", "MaxResults=1000", "aws.ec2.security_groups", "describe-security-groups", 0),
	E("DescribeVpcs", "MaxResults=1000", "aws.ec2.vpcs", "describe-vpcs", 0),
	E("DescribeSubnets", "MaxResults=1000", "aws.ec2.subnets", "describe-subnets", 0),
	E("DescribeVpcPeeringConnections", "MaxResults=1000", "aws.ec2.vpc_peering", "describe-vpc-peering-connections", 0),
	E("DescribeFlowLogs", "MaxResults=1000", "aws.ec2.flow_logs", "describe-flow-logs", 0),
	E("DescribeNetworkAcls", "MaxResults=1000", "aws.ec2.network_acls", "describe-network-acls", 0),
	E("DescribeRouteTables", "MaxResults=100", "aws.ec2.route_tables", "describe-route-tables", 0),
	E("DescribeInternetGateways", "MaxResults=1000", "aws.ec2.internet_gateways", "describe-internet-gateways", 0),
	E("DescribeVolumes", "MaxResults=1000", "aws.ec2.volumes", "describe-volumes", 0),
	E0("GetEbsEncryptionByDefault", "", "aws.ec2.ebs_encryption_by_default", "get-ebs-encryption-by-default", 0),
	E("DescribeSnapshots", "Owner.1=self&MaxResults=1000", "aws.ec2.snapshots", "describe-snapshots", 0),
	E0("DescribeSnapshotAttribute", "SnapshotId={SnapshotId}&Attribute=createVolumePermission", "aws.ec2.snapshots",
	  "describe-snapshot-attribute", AWS_CALL_PER_RESOURCE),

	/* S3: buckets and their settings, never their objects. */
	{ "s3", "ListBuckets", AWS_REST_XML, "GET", "/", "max-buckets=1000", AWS_GLOBAL, "continuation-token",
	  "ContinuationToken", NULL, "aws.s3.buckets", "list-buckets", NULL, 0 },
	S3("GetBucketLocation", "/{Bucket}?location", "aws.s3.buckets", "get-bucket-location", NULL),
	S3("GetPublicAccessBlock", "/{Bucket}?publicAccessBlock", "aws.s3.public_access_block", "get-public-access-block",
	   "NoSuchPublicAccessBlockConfiguration"),
	S3("GetBucketPolicyStatus", "/{Bucket}?policyStatus", "aws.s3.policy_status", "get-bucket-policy-status",
	   "NoSuchBucketPolicy"),
	S3("GetBucketEncryption", "/{Bucket}?encryption", "aws.s3.encryption", "get-bucket-encryption",
	   "ServerSideEncryptionConfigurationNotFoundError"),
	S3("GetBucketVersioning", "/{Bucket}?versioning", "aws.s3.versioning", "get-bucket-versioning", NULL),
	S3("GetBucketLogging", "/{Bucket}?logging", "aws.s3.logging", "get-bucket-logging", NULL),
	S3("GetBucketPolicy", "/{Bucket}?policy", "aws.s3.bucket_policy", "get-bucket-policy", "NoSuchBucketPolicy"),
	S3("GetBucketAcl", "/{Bucket}?acl", "aws.s3.acl", "get-bucket-acl", NULL),
	{ "s3control", "GetPublicAccessBlock", AWS_REST_XML, "GET", "/v20180820/configuration/publicAccessBlock", "",
	  AWS_GLOBAL, NULL, NULL, NULL, "aws.s3.account_public_access_block", "get-public-access-block",
	  "NoSuchPublicAccessBlockConfiguration", 0 },

	/* CloudTrail, and the CIS monitoring chain: metric filters, alarms, subscribers. */
	J("cloudtrail", "DescribeTrails", "{}", AWS_REGIONAL, NULL, NULL, NULL, "aws.cloudtrail.trails", "describe-trails",
	  NULL, 0),
	J("cloudtrail", "GetTrailStatus", "{\"Name\":\"{Name}\"}", AWS_REGIONAL, NULL, NULL, NULL, "aws.cloudtrail.status",
	  "get-trail-status", "TrailNotFoundException", AWS_CALL_PER_RESOURCE),
	J("cloudtrail", "GetEventSelectors", "{\"TrailName\":\"{TrailName}\"}", AWS_REGIONAL, NULL, NULL, NULL,
	  "aws.cloudtrail.event_selectors", "get-event-selectors", "TrailNotFoundException", AWS_CALL_PER_RESOURCE),
	J("logs", "DescribeMetricFilters", "{}", AWS_REGIONAL, "nextToken", "nextToken", NULL, "aws.logs.metric_filters",
	  "describe-metric-filters", NULL, 0),
	Q("cloudwatch", "DescribeAlarms", "MaxRecords=100", AWS_REGIONAL, "NextToken", "NextToken", NULL,
	  "aws.cloudwatch.alarms", "describe-alarms", NULL, 0),
	Q("sns", "ListTopics", "", AWS_REGIONAL, "NextToken", "NextToken", NULL, "aws.sns.topics", "list-topics", NULL, 0),
	Q("sns", "ListSubscriptions", "", AWS_REGIONAL, "NextToken", "NextToken", NULL, "aws.sns.subscriptions",
	  "list-subscriptions", NULL, 0),

	/* KMS */
	J("kms", "ListKeys", "{\"Limit\":1000}", AWS_REGIONAL, "Marker", "NextMarker", "Truncated", "aws.kms.keys",
	  "list-keys", NULL, 0),
	J("kms", "DescribeKey", "{\"KeyId\":\"{KeyId}\"}", AWS_REGIONAL, NULL, NULL, NULL, "aws.kms.keys", "describe-key",
	  "NotFoundException", AWS_CALL_PER_RESOURCE),
	J("kms", "GetKeyRotationStatus", "{\"KeyId\":\"{KeyId}\"}", AWS_REGIONAL, NULL, NULL, NULL, "aws.kms.rotation",
	  "get-key-rotation-status", "UnsupportedOperationException,NotFoundException", AWS_CALL_PER_RESOURCE),
	J("kms", "ListAliases", "{\"Limit\":100}", AWS_REGIONAL, "Marker", "NextMarker", "Truncated", "aws.kms.aliases",
	  "list-aliases", NULL, 0),

	/* RDS, EKS, EFS */
	Q("rds", "DescribeDBInstances", "MaxRecords=100", AWS_REGIONAL, "Marker", "Marker", NULL, "aws.rds.db_instances",
	  "describe-db-instances", NULL, 0),
	RJ("eks", "ListClusters", "GET", "/clusters", "maxResults=100", "nextToken", "nextToken", "aws.eks.clusters",
	   "list-clusters", NULL, 0),
	RJ("eks", "DescribeCluster", "GET", "/clusters/{name}", "", NULL, NULL, "aws.eks.clusters", "describe-cluster",
	   "ResourceNotFoundException", AWS_CALL_PER_RESOURCE),
	RJ("efs", "DescribeFileSystems", "GET", "/2015-02-01/file-systems", "", "Marker", "NextMarker",
	   "aws.efs.file_systems", "describe-file-systems", NULL, 0),

	/* ECR: repositories, scanning, images (they feed the registry connector). */
	J("ecr", "DescribeRepositories", "{\"maxResults\":1000}", AWS_REGIONAL, "nextToken", "nextToken", NULL,
	  "aws.ecr.repositories", "describe-repositories", NULL, 0),
	J("ecr", "GetRegistryScanningConfiguration", "{}", AWS_REGIONAL, NULL, NULL, NULL, "aws.ecr.scanning",
	  "get-registry-scanning-configuration", NULL, 0),
	J("ecr", "DescribeImages", "{\"repositoryName\":\"{repositoryName}\",\"registryId\":\"{registryId}\",\"maxResults\":1000}",
	  AWS_REGIONAL, "nextToken", "nextToken", NULL, "aws.ecr.images", "describe-images",
	  "RepositoryNotFoundException", AWS_CALL_PER_RESOURCE),
	J("ecr", "GetAuthorizationToken", "{}", AWS_REGIONAL, NULL, NULL, NULL, "registry.credentials",
	  "get-authorization-token", NULL, AWS_CALL_CREDENTIAL),

	/* Detection services */
	RJ("guardduty", "ListDetectors", "GET", "/detector", "", "nextToken", "NextToken", "aws.guardduty.detectors",
	   "list-detectors", NULL, 0),
	RJ("guardduty", "GetDetector", "GET", "/detector/{DetectorId}", "", NULL, NULL, "aws.guardduty.detectors",
	   "get-detector", NULL, AWS_CALL_PER_RESOURCE),
	RJ("guardduty", "ListFindings", "POST", "/detector/{DetectorId}/findings", "{\"maxResults\":50}", "nextToken",
	   "NextToken", "aws.guardduty.findings", "list-findings", NULL, AWS_CALL_PER_RESOURCE),
	RJ("guardduty", "GetFindings", "POST", "/detector/{DetectorId}/findings/get", "{\"findingIds\":\"{FindingIds}\"}",
	   NULL, NULL, "aws.guardduty.findings", "get-findings", NULL, AWS_CALL_PER_RESOURCE),
	RJ("securityhub", "DescribeHub", "GET", "/accounts", "", NULL, NULL, "aws.securityhub.hub", "describe-hub",
	   "InvalidAccessException,ResourceNotFoundException", 0),
	RJ("securityhub", "GetFindings", "POST", "/findings",
	   "{\"MaxResults\":100,\"Filters\":{\"RecordState\":[{\"Value\":\"ACTIVE\",\"Comparison\":\"EQUALS\"}]}}",
	   "NextToken", "NextToken", "aws.securityhub.findings", "get-findings", "InvalidAccessException", 0),
	RJ("accessanalyzer", "ListAnalyzers", "GET", "/analyzer", "", "nextToken", "nextToken", "aws.accessanalyzer.analyzers",
	   "list-analyzers", NULL, 0),
	RJ("macie2", "GetMacieSession", "GET", "/macie", "", NULL, NULL, "aws.macie.session", "get-macie-session", NULL, 0),

	/* AWS Config */
	J("config", "DescribeConfigurationRecorders", "{}", AWS_REGIONAL, NULL, NULL, NULL, "aws.config.recorders",
	  "describe-configuration-recorders", NULL, 0),
	J("config", "DescribeConfigurationRecorderStatus", "{}", AWS_REGIONAL, NULL, NULL, NULL, "aws.config.recorders",
	  "describe-configuration-recorder-status", NULL, 0),
	J("config", "DescribeDeliveryChannels", "{}", AWS_REGIONAL, NULL, NULL, NULL, "aws.config.delivery_channels",
	  "describe-delivery-channels", NULL, 0),
};

const struct aws_service *aws_service_find(const char *name)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(services); i++)
		if (!strcmp(services[i].name, name))
			return &services[i];
	return NULL;
}

const struct aws_call *aws_call_find(const char *service, const char *action)
{
	size_t i;

	if (!service || !action)
		return NULL;
	for (i = 0; i < ARRAY_SIZE(calls); i++)
		if (!strcmp(calls[i].service, service) && !strcmp(calls[i].action, action))
			return &calls[i];
	return NULL;
}

const struct aws_call *aws_call_at(size_t i)
{
	return i < ARRAY_SIZE(calls) ? &calls[i] : NULL;
}

const struct aws_service *aws_service_at(size_t i)
{
	return i < ARRAY_SIZE(services) ? &services[i] : NULL;
}

int aws_call_absent(const struct aws_call *call, const char *code)
{
	const char *p = call->absent;
	size_t n = strlen(code);

	if (!p || !n)
		return 0;
	while (*p) {
		size_t len = strcspn(p, ",");

		if (len == n && !strncmp(p, code, n))
			return 1;
		p += len;
		if (*p == ',')
			p++;
	}
	return 0;
}

const char *aws_protocol_name(enum aws_protocol p)
{
	static const char *const names[] = { "query", "ec2", "json", "rest-json", "rest-xml" };

	return (size_t)p < ARRAY_SIZE(names) ? names[p] : "?";
}

json_t *aws_calls_dump(void)
{
	json_t *out = json_pack("{s[]s[]}", "services", "calls"), *svcs = json_object_get(out, "services");
	size_t i;

	for (i = 0; i < ARRAY_SIZE(services); i++) {
		const struct aws_service *s = &services[i];

		json_array_append_new(svcs, json_pack("{s:s,s:s,s:s,s:s,s:s,s:s?,s:s?,s:s?,s:s?}", "name", s->name, "cli", s->cli,
						      "endpoint", s->endpoint, "signing", s->signing, "version", s->version,
						      "target", s->target, "json_version", s->json_version, "home_region",
						      s->home_region, "global_host", s->global_host));
	}
	for (i = 0; i < ARRAY_SIZE(calls); i++) {
		const struct aws_call *c = &calls[i];

		json_array_append_new(json_object_get(out, "calls"),
				      json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s?,s:s?,s:s?,s:s,s:s,s:s?,s:i}", "service", c->service,
						"action", c->action, "protocol", aws_protocol_name(c->protocol), "method", c->method,
						"path", c->path, "params", c->params, "scope",
						c->scope == AWS_GLOBAL ? "global" : "regional", "page_in", c->page_in, "page_out",
						c->page_out, "more", c->more, "feeds", c->feeds, "cli", c->cli, "absent", c->absent,
						"flags", (int)c->flags));
	}
	return out;
}
