#include "catalog.h"

#include <string.h>

#define K8S_OFFLINE "Kubernetes manifests (vetter check)"
#define K8S_CONNECTOR "the kubernetes and kubernetes-export sources"
#define CLOUD_OFFLINE "cloud resource documents (vetter check)"

const struct resource_kind resource_kinds[] = {
	{ "image", "a container image's configuration (user, environment names, ports, build history)" },
	{ "k8s.workload", "a pod-bearing object (Pod, Deployment, ReplicaSet, StatefulSet, DaemonSet, Job, CronJob, "
			  "ReplicationController) with every container and its effective security context" },
	{ "k8s.role", "a Role or ClusterRole" },
	{ "k8s.binding", "a RoleBinding or ClusterRoleBinding with the rules of the role it grants" },
	{ "k8s.subject", "a user, group or service account with its effective permissions" },
	{ "k8s.service", "a Service" },
	{ "k8s.ingress", "an Ingress" },
	{ "k8s.networkpolicy", "a NetworkPolicy" },
	{ "k8s.namespace", "a namespace, with its Pod Security labels and network policies" },
	{ "k8s.configmap", "a ConfigMap" },
	{ "k8s.serviceaccount", "a ServiceAccount" },
	{ "aws.account", "an AWS account: root user, password policy, account-wide settings, trails and monitoring" },
	{ "aws.iam.user", "an IAM user with credentials, MFA devices and policies" },
	{ "aws.iam.role", "an IAM role with its trust policy" },
	{ "aws.iam.policy", "a customer or AWS managed IAM policy with its default version" },
	{ "aws.s3.bucket", "an S3 bucket" },
	{ "aws.cloudtrail.trail", "a CloudTrail trail" },
	{ "aws.ec2.security_group", "an EC2 security group" },
	{ "aws.ec2.network_acl", "a VPC network ACL" },
	{ "aws.ec2.vpc", "a VPC with its flow logs" },
	{ "aws.ec2.instance", "an EC2 instance" },
	{ "aws.rds.instance", "an RDS database instance" },
	{ "aws.kms.key", "a KMS key" },
	{ "aws.efs.filesystem", "an EFS file system" },
	{ "azure.subscription", "an Azure subscription: Defender plans, security contacts" },
	{ "azure.storage.account", "an Azure storage account" },
	{ "azure.network.nsg", "an Azure network security group" },
	{ "azure.keyvault.vault", "an Azure key vault" },
	{ "azure.sql.server", "an Azure SQL server with its firewall rules and auditing" },
	{ "gcp.project", "a Google Cloud project with its IAM policy" },
	{ "gcp.iam.service_account", "a Google Cloud service account with its keys" },
	{ "gcp.compute.firewall", "a VPC firewall rule" },
	{ "gcp.compute.network", "a VPC network" },
	{ "gcp.compute.subnetwork", "a VPC subnetwork" },
	{ "gcp.compute.instance", "a Compute Engine instance" },
	{ "gcp.storage.bucket", "a Cloud Storage bucket with its IAM policy" },
	{ "gcp.sql.instance", "a Cloud SQL instance" },
	{ "gcp.kms.key", "a Cloud KMS key" },
	{ NULL, NULL },
};

const struct dataset datasets[] = {
	{ "image.config", "the image configuration document (user, environment names, ports, history)",
	  "the scan stage, for every image a source names", "image documents" },
	{ "image.files", "the setuid and setgid files of the image's final filesystem",
	  "the scan stage, for every image it reads whole", "image documents with setuid_files" },
	{ "k8s.workloads", "pods and the controllers that make them", K8S_CONNECTOR, K8S_OFFLINE },
	{ "k8s.rbac", "Roles, ClusterRoles, RoleBindings and ClusterRoleBindings", K8S_CONNECTOR, K8S_OFFLINE },
	{ "k8s.networkpolicies", "NetworkPolicies", K8S_CONNECTOR, K8S_OFFLINE },
	{ "k8s.services", "Services and Ingresses", K8S_CONNECTOR, K8S_OFFLINE },
	{ "k8s.namespaces", "Namespaces with their labels", K8S_CONNECTOR, K8S_OFFLINE },
	{ "k8s.serviceaccounts", "ServiceAccounts", K8S_CONNECTOR, K8S_OFFLINE },
	{ "k8s.configmaps.data", "the keys and values of ConfigMaps (the live connector reads metadata only)", NULL,
	  K8S_OFFLINE },
	{ "aws.iam.summary", "IAM account summary: root access keys and MFA", NULL, CLOUD_OFFLINE },
	{ "aws.iam.password_policy", "the account password policy", NULL, CLOUD_OFFLINE },
	{ "aws.iam.credential_report", "the IAM credential report (passwords, keys, MFA and last use per user)", NULL,
	  CLOUD_OFFLINE },
	{ "aws.iam.users", "IAM users with their groups, policies and MFA devices", NULL, CLOUD_OFFLINE },
	{ "aws.iam.roles", "IAM roles with their trust policies", NULL, CLOUD_OFFLINE },
	{ "aws.iam.policies", "IAM managed policies with their default versions and attachments", NULL, CLOUD_OFFLINE },
	{ "aws.iam.server_certificates", "IAM server certificates", NULL, CLOUD_OFFLINE },
	{ "aws.s3.buckets", "S3 buckets: policy, public access block, encryption, versioning, logging", NULL,
	  CLOUD_OFFLINE },
	{ "aws.s3.account_public_access", "the account-level S3 public access block", NULL, CLOUD_OFFLINE },
	{ "aws.cloudtrail.trails", "CloudTrail trails with status and event selectors", NULL, CLOUD_OFFLINE },
	{ "aws.config.recorders", "AWS Config recorders and their status, per region", NULL, CLOUD_OFFLINE },
	{ "aws.cloudwatch.monitoring", "CloudWatch Logs metric filters, CloudWatch alarms and SNS subscriptions", NULL,
	  CLOUD_OFFLINE },
	{ "aws.accessanalyzer.analyzers", "IAM Access Analyzer analyzers, per region", NULL, CLOUD_OFFLINE },
	{ "aws.securityhub.hubs", "Security Hub status, per region", NULL, CLOUD_OFFLINE },
	{ "aws.ec2.security_groups", "EC2 security groups", NULL, CLOUD_OFFLINE },
	{ "aws.ec2.network_acls", "VPC network ACLs", NULL, CLOUD_OFFLINE },
	{ "aws.ec2.vpcs", "VPCs with their flow logs", NULL, CLOUD_OFFLINE },
	{ "aws.ec2.instances", "EC2 instances with metadata options", NULL, CLOUD_OFFLINE },
	{ "aws.ec2.ebs_encryption", "EBS encryption by default, per region", NULL, CLOUD_OFFLINE },
	{ "aws.rds.instances", "RDS database instances", NULL, CLOUD_OFFLINE },
	{ "aws.kms.keys", "KMS keys with their rotation status", NULL, CLOUD_OFFLINE },
	{ "aws.efs.filesystems", "EFS file systems", NULL, CLOUD_OFFLINE },
	{ "azure.security.pricings", "Microsoft Defender for Cloud plans and security contacts", NULL, CLOUD_OFFLINE },
	{ "azure.storage.accounts", "storage accounts", NULL, CLOUD_OFFLINE },
	{ "azure.network.nsgs", "network security groups", NULL, CLOUD_OFFLINE },
	{ "azure.keyvault.vaults", "key vaults with their keys and secrets (metadata)", NULL, CLOUD_OFFLINE },
	{ "azure.sql.servers", "SQL servers with firewall rules and auditing", NULL, CLOUD_OFFLINE },
	{ "gcp.resourcemanager.iam_policy", "the project's IAM policy", NULL, CLOUD_OFFLINE },
	{ "gcp.iam.service_accounts", "service accounts with their keys", NULL, CLOUD_OFFLINE },
	{ "gcp.compute.firewalls", "VPC firewall rules", NULL, CLOUD_OFFLINE },
	{ "gcp.compute.networks", "VPC networks and subnetworks", NULL, CLOUD_OFFLINE },
	{ "gcp.compute.instances", "Compute Engine instances", NULL, CLOUD_OFFLINE },
	{ "gcp.storage.buckets", "Cloud Storage buckets with their IAM policies", NULL, CLOUD_OFFLINE },
	{ "gcp.sql.instances", "Cloud SQL instances", NULL, CLOUD_OFFLINE },
	{ "gcp.kms.keys", "Cloud KMS keys", NULL, CLOUD_OFFLINE },
	{ NULL, NULL, NULL, NULL },
};

const struct resource_kind *catalog_kind(const char *name)
{
	size_t i;

	for (i = 0; name && resource_kinds[i].name; i++)
		if (!strcmp(resource_kinds[i].name, name))
			return &resource_kinds[i];
	return NULL;
}

const struct dataset *catalog_dataset(const char *name)
{
	size_t i;

	for (i = 0; name && datasets[i].name; i++)
		if (!strcmp(datasets[i].name, name))
			return &datasets[i];
	return NULL;
}
