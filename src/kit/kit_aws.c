/*
 * kit aws: the AWS CLI's read-only calls of the aws connector's call table
 * (connectors/aws_calls.c), written as the aws-export source reads them:
 *
 *   aws/ACCOUNT/SERVICE-COMMAND.json                 global calls
 *   aws/ACCOUNT/SERVICE-COMMAND/RESOURCE.json        per-resource calls
 *   aws/ACCOUNT/REGION/SERVICE-COMMAND.json          regional calls
 *   aws/ACCOUNT/REGION/SERVICE-COMMAND/RESOURCE.json
 *
 * A call AWS refuses leaves the CLI's error text ("An error occurred (CODE)
 * when calling ...") in its file, as the export reader expects: some codes
 * mean "not configured" (no bucket policy), not a failure.  Resources are
 * found with the same list calls and --query ... --output text, so the kit
 * needs nothing beyond the AWS CLI and a POSIX shell.
 */
#include "kit.h"

static const char body_text[] =
	"# AWS may name another aws; AWS_OPTS adds options (--profile NAME, --endpoint-url URL).\n"
	"# VK_REGIONS lists the regions to read (default: every region enabled for the account).\n"
	"A=${AWS:-aws}\n"
	"AO=${AWS_OPTS:-}\n"
	"export AWS_PAGER=\"\"\n"
	"# The CLI's error text goes into the file: the reader tells 'not configured' from a failure by it.\n"
	"vk_aws() {\n"
	"\tvk_af=$1\n"
	"\tshift\n"
	"\tvk_run \"$vk_af\" aws \"$@\"\n"
	"\tif [ \"$vk_rc\" != 0 ] && grep -q 'An error occurred (' \"$vk_af.err\" 2>/dev/null; then\n"
	"\t\tcat \"$vk_af.err\" >>\"$vk_af\"\n"
	"\telif [ \"$vk_rc\" != 0 ]; then\n"
	"\t\t# Not an answer from AWS (no connection, a CLI too old for the command): a failure, in the CLI's words.\n"
	"\t\tprintf '\\nAn error occurred (KitCommandFailed) when calling the %s operation: %s\\n' \"$*\" \\\n"
	"\t\t\t\"$(head -c 300 \"$vk_af.err\" 2>/dev/null | tr '\\n' ' ')\" >>\"$vk_af\"\n"
	"\tfi\n"
	"}\n"
	"# Names printed by --output text, one word each ('None' when there are none).\n"
	"vk_list() {\n"
	"\t\"$@\" --output text 2>/dev/null | tr '\\t' '\\n' | grep -v '^None$' | grep -v '^$'\n"
	"}\n"
	"vk_acct=$($A $AO sts get-caller-identity --query Account --output text) || {\n"
	"\techo 'vetter kit: aws sts get-caller-identity failed: check the AWS credentials' >&2\n"
	"\texit 2\n"
	"}\n"
	"case \"$vk_acct\" in [0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9]) ;; *) echo \"vetter kit: not an account id: $vk_acct\" >&2; exit 2 ;; esac\n"
	"D=aws/$vk_acct\n"
	"vk_note \"  AWS account: $vk_acct\"\n"
	"G=\"--region us-east-1\"\n"
	"vk_aws $D/sts-get-caller-identity.json $A $AO $G sts get-caller-identity\n"
	"vk_aws $D/organizations-describe-organization.json $A $AO $G organizations describe-organization\n"
	"# The organisation's accounts: what coverage is counted against (refused to a member account: a gap).\n"
	"vk_aws $D/organizations-list-accounts.json $A $AO $G organizations list-accounts\n"
	"vk_aws $D/iam-get-account-authorization-details.json $A $AO $G iam get-account-authorization-details\n"
	"# The credential report: asked for (it changes no configuration), then read when ready.\n"
	"vk_i=0\n"
	"while [ $vk_i -lt 10 ]; do\n"
	"\tvk_st=$($A $AO $G iam generate-credential-report --query State --output text 2>/dev/null)\n"
	"\t[ \"$vk_st\" = COMPLETE ] && break\n"
	"\tvk_i=$((vk_i + 1))\n"
	"\tsleep 2\n"
	"done\n"
	"vk_aws $D/iam-get-credential-report.json $A $AO $G iam get-credential-report\n"
	"for vk_a in get-account-password-policy get-account-summary list-account-aliases list-virtual-mfa-devices \\\n"
	"\tlist-server-certificates list-saml-providers list-open-id-connect-providers; do\n"
	"\tvk_aws $D/iam-$vk_a.json $A $AO $G iam $vk_a\n"
	"done\n"
	"for vk_u in $(vk_list $A $AO $G iam get-account-authorization-details --filter User --query 'UserDetailList[].UserName'); do\n"
	"\tvk_aws $D/iam-list-mfa-devices/$vk_u.json $A $AO $G iam list-mfa-devices --user-name \"$vk_u\"\n"
	"\tvk_aws $D/iam-list-access-keys/$vk_u.json $A $AO $G iam list-access-keys --user-name \"$vk_u\"\n"
	"\tfor vk_k in $(vk_list $A $AO $G iam list-access-keys --user-name \"$vk_u\" --query 'AccessKeyMetadata[].AccessKeyId'); do\n"
	"\t\tvk_aws $D/iam-get-access-key-last-used/$vk_k.json $A $AO $G iam get-access-key-last-used --access-key-id \"$vk_k\"\n"
	"\tdone\n"
	"done\n"
	"vk_aws $D/account-get-alternate-contact.json $A $AO $G account get-alternate-contact --alternate-contact-type SECURITY\n"
	"vk_aws $D/s3control-get-public-access-block.json $A $AO $G s3control get-public-access-block --account-id \"$vk_acct\"\n"
	"vk_aws $D/s3api-list-buckets.json $A $AO $G s3api list-buckets\n"
	"for vk_b in $(vk_list $A $AO $G s3api list-buckets --query 'Buckets[].Name'); do\n"
	"\tvk_aws $D/s3api-get-bucket-location/$vk_b.json $A $AO $G s3api get-bucket-location --bucket \"$vk_b\"\n"
	"\tvk_br=$($A $AO $G s3api get-bucket-location --bucket \"$vk_b\" --query LocationConstraint --output text 2>/dev/null)\n"
	"\tcase \"$vk_br\" in None|'') vk_br=us-east-1 ;; EU) vk_br=eu-west-1 ;; esac\n"
	"\tfor vk_a in get-public-access-block get-bucket-policy-status get-bucket-encryption get-bucket-versioning \\\n"
	"\t\tget-bucket-logging get-bucket-policy get-bucket-acl; do\n"
	"\t\tvk_aws $D/s3api-$vk_a/$vk_b.json $A $AO --region \"$vk_br\" s3api $vk_a --bucket \"$vk_b\"\n"
	"\tdone\n"
	"done\n"
	"vk_regions=${VK_REGIONS:-$(vk_list $A $AO $G ec2 describe-regions --query 'Regions[].RegionName')}\n"
	"vk_r0=$(echo $vk_regions | cut -d' ' -f1)\n"
	"vk_aws $D/$vk_r0/ec2-describe-regions.json $A $AO --region \"$vk_r0\" ec2 describe-regions --all-regions\n"
	"vk_trails=\n"
	"for vk_r in $vk_regions; do\n"
	"\tR=\"--region $vk_r\"\n"
	"\tRD=$D/$vk_r\n"
	"\tfor vk_a in describe-instances describe-security-groups describe-vpcs describe-subnets \\\n"
	"\t\tdescribe-vpc-peering-connections describe-flow-logs describe-network-acls describe-route-tables \\\n"
	"\t\tdescribe-internet-gateways describe-volumes get-ebs-encryption-by-default; do\n"
	"\t\tvk_aws $RD/ec2-$vk_a.json $A $AO $R ec2 $vk_a\n"
	"\tdone\n"
	"\tvk_aws $RD/ec2-describe-snapshots.json $A $AO $R ec2 describe-snapshots --owner-ids self\n"
	"\tfor vk_s in $(vk_list $A $AO $R ec2 describe-snapshots --owner-ids self --query 'Snapshots[].SnapshotId'); do\n"
	"\t\tvk_aws $RD/ec2-describe-snapshot-attribute/$vk_s.json $A $AO $R ec2 describe-snapshot-attribute \\\n"
	"\t\t\t--snapshot-id \"$vk_s\" --attribute createVolumePermission\n"
	"\tdone\n"
	"\tfor vk_sa in logs:describe-metric-filters cloudwatch:describe-alarms sns:list-topics sns:list-subscriptions \\\n"
	"\t\trds:describe-db-instances efs:describe-file-systems configservice:describe-configuration-recorders \\\n"
	"\t\tconfigservice:describe-configuration-recorder-status configservice:describe-delivery-channels \\\n"
	"\t\tkms:list-aliases ecr:get-registry-scanning-configuration securityhub:describe-hub \\\n"
	"\t\taccessanalyzer:list-analyzers macie2:get-macie-session; do\n"
	"\t\tvk_aws $RD/${vk_sa%%:*}-${vk_sa#*:}.json $A $AO $R ${vk_sa%%:*} ${vk_sa#*:}\n"
	"\tdone\n"
	"\tvk_aws $RD/kms-list-keys.json $A $AO $R kms list-keys\n"
	"\tfor vk_k in $(vk_list $A $AO $R kms list-keys --query 'Keys[].KeyId'); do\n"
	"\t\tvk_aws $RD/kms-describe-key/$vk_k.json $A $AO $R kms describe-key --key-id \"$vk_k\"\n"
	"\t\tif [ \"$($A $AO $R kms describe-key --key-id \"$vk_k\" --query 'KeyMetadata.[KeyManager,KeySpec]' --output text 2>/dev/null)\" = \"$(printf 'CUSTOMER\\tSYMMETRIC_DEFAULT')\" ]; then\n"
	"\t\t\tvk_aws $RD/kms-get-key-rotation-status/$vk_k.json $A $AO $R kms get-key-rotation-status --key-id \"$vk_k\"\n"
	"\t\tfi\n"
	"\tdone\n"
	"\tvk_aws $RD/eks-list-clusters.json $A $AO $R eks list-clusters\n"
	"\tfor vk_c in $(vk_list $A $AO $R eks list-clusters --query 'clusters[]'); do\n"
	"\t\tvk_aws $RD/eks-describe-cluster/$vk_c.json $A $AO $R eks describe-cluster --name \"$vk_c\"\n"
	"\tdone\n"
	"\tvk_aws $RD/ecr-describe-repositories.json $A $AO $R ecr describe-repositories\n"
	"\tfor vk_e in $(vk_list $A $AO $R ecr describe-repositories --query 'repositories[].repositoryName'); do\n"
	"\t\tvk_aws $RD/ecr-describe-images/$vk_e.json $A $AO $R ecr describe-images --repository-name \"$vk_e\"\n"
	"\tdone\n"
	"\tvk_aws $RD/guardduty-list-detectors.json $A $AO $R guardduty list-detectors\n"
	"\tfor vk_g in $(vk_list $A $AO $R guardduty list-detectors --query 'DetectorIds[]'); do\n"
	"\t\tvk_aws $RD/guardduty-get-detector/$vk_g.json $A $AO $R guardduty get-detector --detector-id \"$vk_g\"\n"
	"\tdone\n"
	"\tvk_aws $RD/cloudtrail-describe-trails.json $A $AO $R cloudtrail describe-trails\n"
	"\tvk_trails=\"$vk_trails $($A $AO $R cloudtrail describe-trails --query 'trailList[].[Name,TrailARN,HomeRegion]' \\\n"
	"\t\t--output text 2>/dev/null | tr '\\t' ',' | grep -v '^None$')\"\n"
	"done\n"
	"# Each trail once, in its home region.\n"
	"for vk_t in $(printf '%s\\n' $vk_trails | sort -u); do\n"
	"\tvk_tn=${vk_t%%,*}\n"
	"\tvk_th=${vk_t##*,}\n"
	"\tvk_ta=${vk_t#*,}\n"
	"\tvk_ta=${vk_ta%,*}\n"
	"\tvk_aws $D/$vk_th/cloudtrail-get-trail-status/$vk_tn.json $A $AO --region \"$vk_th\" cloudtrail get-trail-status --name \"$vk_ta\"\n"
	"\tvk_aws $D/$vk_th/cloudtrail-get-event-selectors/$vk_tn.json $A $AO --region \"$vk_th\" cloudtrail get-event-selectors \\\n"
	"\t\t--trail-name \"$vk_ta\"\n"
	"done\n";

static int body(struct strbuf *out)
{
	return strbuf_addstr(out, body_text);
}

const struct kit kit_aws = {
	"aws",
	"an AWS account's configuration (AWS CLI, read-only calls)",
	"the AWS CLI (v1 or v2) with credentials of a read-only role (SecurityAudit, or ReadOnlyAccess)",
	"sh vetter-kit-aws.sh [BUNDLE_DIR]   (AWS_OPTS='--profile NAME', or '--endpoint-url URL' for an endpoint\n"
	"  of your own; VK_REGIONS='eu-west-1 us-east-1')",
	"the account's identity, its organization and the organization's accounts\n"
	"IAM (authorization details, the credential report,\n"
	"  password policy, users' MFA devices and access keys' last use; never secret keys)\n"
	"S3 buckets' public access blocks, policies, ACLs, encryption, versioning and logging settings\n"
	"per region: EC2 instances, security groups, VPCs, subnets, peering, flow logs, network ACLs,\n"
	"  route tables, gateways, volumes and snapshots' sharing; CloudTrail, CloudWatch alarms and\n"
	"  metric filters, SNS topics, RDS instances, EFS, AWS Config, KMS keys and rotation, EKS\n"
	"  clusters, ECR repositories and images, GuardDuty, Security Hub, Access Analyzer, Macie status",
	"no data: no S3 objects, no secrets (Secrets Manager, SSM parameters), no database contents,\n"
	"  no Lambda code, no instance passwords, no KMS decryption\n"
	"nothing is created, changed or deleted; one call asks IAM to prepare the credential report\n"
	"  (iam generate-credential-report), which changes no configuration\n"
	"(each AWS CLI command takes about a second: thousands of snapshots or keys take a while)",
	body,
};
