/* The consolidation tests' synthetic estates (cons_fixture.h). */
#include "cons_fixture.h"

#include <check.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "connectors/connector.h"
#include "core/err.h"
#include "core/finding.h"
#include "core/jsonx.h"
#include "core/util.h"
#include "scoring/consolidate.h"
#include "th.h"


int64_t cfx_vput(struct fx *fx, const char *co, const char *kind, const char *key, const char *name,
		    const char *fmt, va_list ap) __attribute__((format(printf, 6, 0)));

int64_t cfx_vput(struct fx *fx, const char *co, const char *kind, const char *key, const char *name,
		    const char *fmt, va_list ap)
{
	struct strbuf text = STRBUF_INIT;
	json_t *doc = NULL;
	int64_t id = 0;

	strbuf_vaddf(&text, fmt, ap);
	ck_assert_msg(jsonx_parse(text.buf, text.len, key, &doc) == 0, "%s", err_last());
	ck_assert_msg(store_asset_put(fx->st, co, "test", kind, key, name, doc, &id) == 0, "%s", err_last());
	json_decref(doc);
	strbuf_release(&text);
	return id;
}

/* An asset named by its key. */
int64_t cfx_put(struct fx *fx, const char *co, const char *kind, const char *key, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

int64_t cfx_put(struct fx *fx, const char *co, const char *kind, const char *key, const char *fmt, ...)
{
	va_list ap;
	int64_t id;

	va_start(ap, fmt);
	id = cfx_vput(fx, co, kind, key, key, fmt, ap);
	va_end(ap);
	return id;
}

/* An asset with a name of its own (the AWS connector keys by ARN and names by id). */
int64_t cfx_putn(struct fx *fx, const char *co, const char *kind, const char *key, const char *name,
		    const char *fmt, ...) __attribute__((format(printf, 6, 7)));

int64_t cfx_putn(struct fx *fx, const char *co, const char *kind, const char *key, const char *name,
		    const char *fmt, ...)
{
	va_list ap;
	int64_t id;

	va_start(ap, fmt);
	id = cfx_vput(fx, co, kind, key, name, fmt, ap);
	va_end(ap);
	return id;
}

void cfx_finding(struct fx *fx, const char *co, const char *kind, const char *rule, const char *asset_kind,
		    const char *asset_key, const char *severity, const char *extra)
{
	json_t *f = NULL, *x = NULL;

	ck_assert_int_eq(finding_new(&f, co, kind, rule, asset_kind, asset_key, asset_key, ""), 0);
	ck_assert_int_eq(finding_describe(f, rule, severity, "test"), 0);
	jsonx_set_str(f, "status", "open");
	if (extra) {
		ck_assert_int_eq(jsonx_parse(extra, strlen(extra), "extra", &x), 0);
		json_object_update(f, x);
		json_decref(x);
	}
	ck_assert_msg(store_finding_put(fx->st, "test", f) == 0, "%s", err_last());
	json_decref(f);
}

/* heron's cloud estate has the shape the AWS connector writes (connectors/aws_norm*.c): unprefixed asset
 * kinds with the resource kind in doc.kind, ARN keys, account_id, edges in-vpc and third-party-access. */
void cfx_heron(struct fx *fx)
{
	const char *c = "heron";
	int64_t vpc, sub, role, ext;

	store_company_put(fx->st, c, "Heron AG", "acquirer");
	cfx_putn(fx, c, "cloud-account", "aws:account:111111111111", "111111111111",
	    "{\"kind\": \"aws.account\", \"id\": \"111111111111\", \"account_id\": \"111111111111\", \"root\": "
	    "{\"mfa_active\": \"true\", \"mfa_enabled\": true}, \"identity_providers\": {\"saml\": "
	    "[\"arn:aws:iam::111111111111:saml-provider/AzureAD\"], \"oidc\": "
	    "[\"arn:aws:iam::111111111111:oidc-provider/oidc.eks.eu-central-1.amazonaws.com/id/0A1B\"]}}");
	vpc = cfx_putn(fx, c, "vpc", "arn:aws:ec2:eu-central-1:111111111111:vpc/vpc-h1", "vpc-h1",
		  "{\"kind\": \"aws.ec2.vpc\", \"id\": \"vpc-h1\", \"cidr_blocks\": [\"10.20.0.0/16\"], \"ipv6_cidr_blocks\": "
		  "[\"2600:1f18:aaaa:1000::/56\"], \"is_default\": false, \"region\": \"eu-central-1\", \"account_id\": "
		  "\"111111111111\"}");
	sub = cfx_putn(fx, c, "subnet", "arn:aws:ec2:eu-central-1:111111111111:subnet/subnet-h1a", "subnet-h1a",
		  "{\"kind\": \"aws.ec2.subnet\", \"id\": \"subnet-h1a\", \"cidr_block\": \"10.20.1.0/24\", \"ipv6_cidr_blocks\": "
		  "[], \"vpc_id\": \"vpc-h1\", \"region\": \"eu-central-1\", \"account_id\": \"111111111111\"}");
	store_edge_put(fx->st, sub, vpc, "in-vpc");
	/* A default VPC nothing uses: collapsed, never paired (its subnet and the edge do not make it used). */
	vpc = cfx_putn(fx, c, "vpc", "arn:aws:ec2:eu-west-1:111111111111:vpc/vpc-hdef", "vpc-hdef",
		  "{\"kind\": \"aws.ec2.vpc\", \"id\": \"vpc-hdef\", \"cidr_blocks\": [\"172.31.0.0/16\"], \"is_default\": true,"
		  " \"region\": \"eu-west-1\", \"account_id\": \"111111111111\"}");
	sub = cfx_putn(fx, c, "subnet", "arn:aws:ec2:eu-west-1:111111111111:subnet/subnet-hdef-a", "subnet-hdef-a",
		  "{\"kind\": \"aws.ec2.subnet\", \"id\": \"subnet-hdef-a\", \"cidr_block\": \"172.31.0.0/20\", \"vpc_id\": "
		  "\"vpc-hdef\", \"region\": \"eu-west-1\", \"account_id\": \"111111111111\"}");
	store_edge_put(fx->st, sub, vpc, "in-vpc");
	cfx_putn(fx, c, "region", "aws:111111111111:region:eu-central-1", "eu-central-1",
	    "{\"kind\": \"aws.region\", \"name\": \"eu-central-1\", \"enabled\": true, \"region\": \"eu-central-1\","
	    " \"account_id\": \"111111111111\", \"guardduty\": {\"enabled\": true, \"detectors\": [{\"id\": \"d1\", "
	    "\"status\": \"ENABLED\"}]}, \"security_hub\": {\"enabled\": null}, \"config\": {\"recording\": false}}");
	cfx_putn(fx, c, "trail", "arn:aws:cloudtrail:eu-central-1:111111111111:trail/org-trail", "org-trail",
	    "{\"kind\": \"aws.cloudtrail.trail\", \"is_logging\": true, \"is_multi_region\": true, \"is_organization_trail\":"
	    " false, \"account_id\": \"111111111111\", \"region\": \"eu-central-1\"}");
	role = cfx_putn(fx, c, "iam-role", "arn:aws:iam::111111111111:role/vendor-audit", "vendor-audit",
		   "{\"kind\": \"aws.iam.role\", \"name\": \"vendor-audit\", \"account_id\": \"111111111111\", \"trusted_accounts\":"
		   " [\"999999999999\"], \"trust_policy\": {\"Version\": \"2012-10-17\", \"Statement\": "
		   "{\"Effect\": \"Allow\", \"Principal\": {\"AWS\": \"arn:aws:iam::999999999999:root\"}, \"Action\": "
		   "\"sts:AssumeRole\", \"Condition\": {\"StringEquals\": {\"sts:ExternalId\": \"x-1\"}}}}}");
	ext = cfx_putn(fx, c, "external-account", "aws:external-account:999999999999", "999999999999",
		  "{\"kind\": \"aws.external_account\", \"id\": \"999999999999\", \"in_organization\": false, \"account_id\": "
		  "\"111111111111\"}");
	store_edge_put(fx->st, role, ext, "third-party-access");
	cfx_putn(fx, c, "iam-user", "arn:aws:iam::111111111111:user/alice", "alice",
	    "{\"kind\": \"aws.iam.user\", \"account_id\": \"111111111111\", \"password_enabled\": \"true\", \"mfa_active\":"
	    " \"true\", \"console_access\": true}");
	cfx_putn(fx, c, "iam-user", "arn:aws:iam::111111111111:user/bob", "bob",
	    "{\"kind\": \"aws.iam.user\", \"account_id\": \"111111111111\", \"password_enabled\": \"true\", \"mfa_active\":"
	    " \"false\", \"console_access\": true}");
	/* Two clusters; falco in both, datadog and Argo CD in prod. */
	cfx_put(fx, c, "cluster", "heron-prod", "{\"cluster\": \"heron-prod\", \"version\": {\"git_version\": \"v1.31.4\"}}");
	cfx_put(fx, c, "cluster", "heron-dev", "{\"cluster\": \"heron-dev\", \"version\": {\"git_version\": \"v1.33.2\"}}");
	cfx_put(fx, c, "node", "heron-prod/Node/n1",
	    "{\"cluster\": \"heron-prod\", \"os_image\": \"Ubuntu 22.04.4 LTS\", \"container_runtime\": \"containerd\","
	    " \"container_runtime_release\": \"1.7.20\", \"object\": {\"spec\": {\"podCIDRs\": [\"100.64.0.0/24\"]}}}");
	cfx_put(fx, c, "node", "heron-prod/Node/n2",
	    "{\"cluster\": \"heron-prod\", \"os_image\": \"Ubuntu 22.04.4 LTS\", \"container_runtime\": \"containerd\","
	    " \"container_runtime_release\": \"1.7.20\", \"object\": {\"spec\": {\"podCIDR\": \"100.64.1.0/24\"}}}");
	cfx_put(fx, c, "pod", "heron-prod/Pod/kube-system/kube-apiserver-n1",
	    "{\"cluster\": \"heron-prod\", \"namespace\": \"kube-system\", \"name\": \"kube-apiserver-n1\", \"object\": "
	    "{\"spec\": {\"containers\": [{\"command\": [\"kube-apiserver\", \"--secure-port=6443\", "
	    "\"--service-cluster-ip-range=10.96.0.0/12,fd00:10:96::/112\"]}]}}}");
	cfx_put(fx, c, "namespace", "heron-prod/Namespace/falco", "{\"cluster\": \"heron-prod\", \"name\": \"falco\"}");
	cfx_put(fx, c, "workload", "heron-prod/DaemonSet/falco/falco",
	    "{\"cluster\": \"heron-prod\", \"namespace\": \"falco\", \"name\": \"falco\", \"k8s_kind\": \"DaemonSet\","
	    " \"images\": [\"falcosecurity/falco:0.39.0\"]}");
	cfx_put(fx, c, "workload", "heron-dev/DaemonSet/falco/falco",
	    "{\"cluster\": \"heron-dev\", \"namespace\": \"falco\", \"name\": \"falco\", \"k8s_kind\": \"DaemonSet\","
	    " \"images\": [\"falcosecurity/falco:0.39.0\"]}");
	cfx_put(fx, c, "workload", "heron-prod/DaemonSet/datadog/datadog-agent",
	    "{\"cluster\": \"heron-prod\", \"namespace\": \"datadog\", \"name\": \"datadog-agent\", \"k8s_kind\": "
	    "\"DaemonSet\", \"images\": [\"gcr.io/datadoghq/agent:7.57.0\"]}");
	cfx_put(fx, c, "workload", "heron-prod/Deployment/shop/api",
	    "{\"cluster\": \"heron-prod\", \"namespace\": \"shop\", \"name\": \"api\", \"k8s_kind\": \"Deployment\","
	    " \"images\": [\"111111111111.dkr.ecr.eu-central-1.amazonaws.com/api:1.2\"]}");
	cfx_put(fx, c, "workload", "heron-prod/CronJob/shop/api-report",
	    "{\"cluster\": \"heron-prod\", \"namespace\": \"shop\", \"name\": \"api-report\", \"k8s_kind\": \"CronJob\","
	    " \"images\": [\"111111111111.dkr.ecr.eu-central-1.amazonaws.com/api:1.2\"]}");
	cfx_put(fx, c, "crd", "heron-prod/CustomResourceDefinition/applications.argoproj.io",
	    "{\"cluster\": \"heron-prod\", \"name\": \"applications.argoproj.io\", \"object\": {\"spec\": {\"group\": "
	    "\"argoproj.io\"}}}");
	cfx_put(fx, c, "image", "registry:111111111111.dkr.ecr.eu-central-1.amazonaws.com/api:1.2",
	    "{\"ref\": \"registry:111111111111.dkr.ecr.eu-central-1.amazonaws.com/api:1.2\", \"os\": {\"id\": \"debian\","
	    " \"version_id\": \"12\", \"pretty_name\": \"Debian GNU/Linux 12 (bookworm)\"}, \"layers\": [{\"diff_id\": "
	    "\"sha256:aa\"}], \"config\": {\"labels\": {\"org.opencontainers.image.base.name\": \"debian:12-slim\"}}}");
	cfx_finding(fx, c, "misconfiguration", "CIS-K8S-5.2.2", "workload", "heron-prod/DaemonSet/falco/falco", "medium", NULL);
}

void cfx_kestrel(struct fx *fx)
{
	const char *c = "kestrel";
	int64_t vpc, inst;

	store_company_put(fx->st, c, "Kestrel Payments", "target");
	cfx_put(fx, c, "aws.account", "222222222222", "{\"id\": \"222222222222\", \"root_mfa_active\": false}");
	cfx_put(fx, c, "aws.ec2.vpc", "vpc-k1",
	    "{\"id\": \"vpc-k1\", \"cidr_block\": \"10.20.0.0/16\", \"region\": \"us-east-1\", \"account\": \"222222222222\"}");
	cfx_put(fx, c, "aws.ec2.subnet", "subnet-k1a",
	    "{\"id\": \"subnet-k1a\", \"cidr_block\": \"10.20.1.0/25\", \"vpc_id\": \"vpc-k1\", \"account\": \"222222222222\"}");
	cfx_put(fx, c, "aws.ec2.vpc", "vpc-kdef",
	    "{\"id\": \"vpc-kdef\", \"cidr_block\": \"172.31.0.0/16\", \"is_default\": true, \"region\": \"us-east-1\","
	    " \"account\": \"222222222222\"}");
	/* A default VPC in use (an instance in it, and an edge): its range is an ordinary range. */
	vpc = cfx_put(fx, c, "aws.ec2.vpc", "vpc-kdef2",
		  "{\"object\": {\"VpcId\": \"vpc-kdef2\", \"CidrBlock\": \"172.31.0.0/16\", \"IsDefault\": true,"
		  " \"CidrBlockAssociationSet\": [{\"CidrBlock\": \"172.31.0.0/16\", \"CidrBlockState\": {\"State\": "
		  "\"associated\"}}, {\"CidrBlock\": \"100.70.0.0/16\", \"CidrBlockState\": {\"State\": \"disassociated\"}}]},"
		  " \"region\": \"ap-south-1\", \"account\": \"222222222222\"}");
	inst = cfx_put(fx, c, "aws.ec2.instance", "i-0abc",
		   "{\"vpc_id\": \"vpc-kdef2\", \"region\": \"ap-south-1\", \"account\": \"222222222222\"}");
	store_edge_put(fx->st, inst, vpc, "member-of");
	cfx_put(fx, c, "aws.ec2.vpc", "vpc-k6",
	    "{\"id\": \"vpc-k6\", \"ipv6_cidr_blocks\": [\"2001:db8:100:5::/64\"], \"region\": \"us-east-1\","
	    " \"account\": \"222222222222\"}");
	cfx_put(fx, c, "aws.eks.cluster", "kestrel-prod",
	    "{\"version\": \"1.29\", \"account\": \"222222222222\", \"region\": \"us-east-1\", \"object\": "
	    "{\"kubernetesNetworkConfig\": {\"serviceIpv4Cidr\": \"172.20.0.0/16\"}, \"logging\": {\"clusterLogging\": "
	    "[{\"types\": [\"api\"], \"enabled\": true}, {\"types\": [\"audit\"], \"enabled\": false}]}}}");
	cfx_put(fx, c, "cluster", "kestrel-prod",
	    "{\"cluster\": \"kestrel-prod\", \"version\": {\"git_version\": \"v1.29.8-eks-a737599\"}}");
	cfx_put(fx, c, "node", "kestrel-prod/Node/k1",
	    "{\"cluster\": \"kestrel-prod\", \"os_image\": \"Amazon Linux 2\", \"container_runtime\": \"containerd\","
	    " \"container_runtime_release\": \"1.6.9\", \"object\": {\"spec\": {\"podCIDRs\": [\"10.244.3.0/24\"]}}}");
	cfx_put(fx, c, "pod", "kestrel-prod/Pod/kube-system/kube-controller-manager-k1",
	    "{\"cluster\": \"kestrel-prod\", \"namespace\": \"kube-system\", \"name\": \"kube-controller-manager-k1\","
	    " \"object\": {\"spec\": {\"containers\": [{\"command\": [\"kube-controller-manager\"], \"args\": "
	    "[\"--cluster-cidr=10.244.0.0/16\"]}]}}}");
	cfx_put(fx, c, "namespace", "kestrel-prod/Namespace/sysdig-agent",
	    "{\"cluster\": \"kestrel-prod\", \"name\": \"sysdig-agent\"}");
	cfx_put(fx, c, "workload", "kestrel-prod/DaemonSet/sysdig-agent/sysdig-agent",
	    "{\"cluster\": \"kestrel-prod\", \"namespace\": \"sysdig-agent\", \"name\": \"sysdig-agent\", \"k8s_kind\": "
	    "\"DaemonSet\", \"images\": [\"quay.io/sysdig/agent:13.0.0\"]}");
	cfx_put(fx, c, "workload", "kestrel-prod/Deployment/web/web",
	    "{\"cluster\": \"kestrel-prod\", \"namespace\": \"web\", \"name\": \"web\", \"k8s_kind\": \"Deployment\","
	    " \"images\": [\"nginx:1.25\"]}");
	cfx_put(fx, c, "crd", "kestrel-prod/CustomResourceDefinition/kustomizations.kustomize.toolkit.fluxcd.io",
	    "{\"cluster\": \"kestrel-prod\", \"name\": \"kustomizations.kustomize.toolkit.fluxcd.io\"}");
	cfx_put(fx, c, "image", "registry:docker.io/library/nginx:1.25",
	    "{\"ref\": \"registry:docker.io/library/nginx:1.25\", \"os\": {\"id\": \"alpine\", \"version_id\": \"3.18.4\","
	    " \"pretty_name\": \"Alpine Linux v3.18\"}, \"layers\": [{\"diff_id\": \"sha256:bb\"}]}");
	cfx_put(fx, c, "aws.iam.role", "222222222222/role/partner",
	    "{\"account\": \"222222222222\", \"assume_role_policy_document\": \"%%7B%%22Statement%%22%%3A%%5B%%7B%%22"
	    "Effect%%22%%3A%%22Allow%%22%%2C%%22Principal%%22%%3A%%7B%%22AWS%%22%%3A%%5B%%22arn%%3Aaws%%3Aiam%%3A%%3A"
	    "111111111111%%3Aroot%%22%%2C%%22333333333333%%22%%5D%%7D%%2C%%22Action%%22%%3A%%22sts%%3AAssumeRole%%22%%7D"
	    "%%5D%%7D\"}");
	cfx_put(fx, c, "aws.iam.role", "222222222222/role/ci",
	    "{\"account\": \"222222222222\", \"trust_policy\": {\"Statement\": [{\"Effect\": \"Allow\", \"Principal\": "
	    "{\"Federated\": [\"arn:aws:iam::222222222222:oidc-provider/token.actions.githubusercontent.com\", "
	    "\"arn:aws:iam::222222222222:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/ABC\"]}, \"Action\": "
	    "\"sts:AssumeRoleWithWebIdentity\"}, {\"Effect\": \"Deny\", \"Principal\": \"*\", \"Action\": \"*\"}]}}");
	cfx_put(fx, c, "aws.iam.saml-provider", "222222222222/saml/Okta", "{\"account\": \"222222222222\"}");
	cfx_put(fx, c, "azure.ad.user", "guest-1",
	    "{\"user_type\": \"Guest\", \"mail\": \"contractor@partner.example\"}");
	cfx_finding(fx, c, "vulnerability", "CVE-2024-0001", "image", "registry:docker.io/library/nginx:1.25", "high",
		"{\"kev\": {\"date_added\": \"2024-02-01\"}, \"risk\": {\"exposure\": \"open\"}}");
	cfx_finding(fx, c, "vulnerability", "CVE-2024-0002", "image", "registry:docker.io/library/nginx:1.25", "high",
		"{\"risk\": {\"exposure\": \"open\"}}");
	cfx_finding(fx, c, "misconfiguration", "AWS-IAM-ROOT", "aws.account", "222222222222", "critical", NULL);
	cfx_finding(fx, c, "gap", "coverage-gap", "company", "kestrel", "unknown", NULL);
}

void cfx_open(struct fx *fx, const char *extra)
{
	struct strbuf path = STRBUF_INIT;

	memset(fx, 0, sizeof(*fx));
	fx->dir = th_tmpdir();
	fx->templates = th_repo_path("templates");
	strbuf_addf(&path, "%s/deal.yaml", fx->dir);
	th_write_fmt(path.buf, "%s%s", CFX_ENGAGEMENT, extra ? extra : "");
	ck_assert_msg(engagement_load(&fx->eng, path.buf, connector_type_info) == 0, "%s", err_last());
	strbuf_reset(&path);
	strbuf_addf(&path, "%s/store.sqlite", fx->dir);
	ck_assert_int_eq(store_open(&fx->st, path.buf), 0);
	strbuf_release(&path);
}

void cfx_close(struct fx *fx)
{
	store_close(fx->st);
	engagement_free(fx->eng);
	th_rm_rf(fx->dir);
	free(fx->dir);
	free(fx->templates);
}

json_t *cfx_build(struct fx *fx)
{
	json_t *plan = NULL;

	cfx_heron(fx);
	cfx_kestrel(fx);
	ck_assert_msg(consolidation_build_with(fx->eng, fx->st, fx->templates, &plan) == 0, "%s", err_last());
	/* CONS_DUMP=FILE keeps the plan for a person to read when a test fails. */
	if (getenv("CONS_DUMP")) {
		struct strbuf sb = STRBUF_INIT;

		jsonx_dump_pretty(&sb, plan);
		th_write(getenv("CONS_DUMP"), sb.buf);
		strbuf_release(&sb);
	}
	return plan;
}
