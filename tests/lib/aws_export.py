#!/usr/bin/env python3
"""Write an aws-export folder of one account the way the AWS CLI prints it.

usage: aws_export.py ENDPOINT_URL CALLS_JSON ROLE_ARN OUT_DIR REGION...

Every read of vetter's call table (CALLS_JSON) is made with botocore, pages
merged as the CLI merges them, and printed as the CLI prints JSON (indent 4,
timestamps in ISO 8601): global calls in OUT_DIR, regional ones in
OUT_DIR/REGION, per-resource calls in a folder named after the command with a
file per resource.  The credential report is written decoded, as
credential-report.csv.  This is what a target hands over instead of access.
"""
import base64
import datetime
import json
import os
import sys

import urllib.error
import urllib.request

import boto3
import botocore.parsers
import botocore.session
from botocore.exceptions import ClientError


def cli_json(obj):
    def default(o):
        if isinstance(o, datetime.datetime):
            return o.isoformat()
        if isinstance(o, bytes):
            return base64.b64encode(o).decode()
        raise TypeError(type(o))
    obj = {k: v for k, v in obj.items() if k != "ResponseMetadata"}
    return json.dumps(obj, indent=4, default=default) + "\n"


class Exporter:
    def __init__(self, endpoint, calls, creds, out):
        self.endpoint, self.creds, self.out = endpoint, creds, out
        self.calls = {(c["service"], c["action"]): c for c in calls["calls"]}
        self.cli = {s["name"]: s["cli"] for s in calls["services"]}

    def client(self, service, region):
        return boto3.client(service, endpoint_url=self.endpoint, region_name=region,
                            aws_access_key_id=self.creds["AccessKeyId"], aws_secret_access_key=self.creds["SecretAccessKey"],
                            aws_session_token=self.creds["SessionToken"])

    def call(self, service, action, region, folder, resource=None, **kw):
        c = self.calls[(service, action)]
        cl = self.client(service, region)
        name = self.cli[service] + "-" + c["cli"]
        method = getattr(cl, c["cli"].replace("-", "_"))
        try:
            if cl.can_paginate(c["cli"].replace("-", "_")) and c.get("page_in"):
                result = cl.get_paginator(c["cli"].replace("-", "_")).paginate(**kw).build_full_result()
            else:
                result = method(**kw)
            text = cli_json(result)
        except ClientError as e:
            result = None
            text = "\nAn error occurred (%s) when calling the %s operation: %s\n" % (
                e.response["Error"]["Code"], action, e.response["Error"].get("Message", ""))
        d = folder if resource is None else os.path.join(folder, name)
        os.makedirs(d, exist_ok=True)
        with open(os.path.join(d, (resource if resource is not None else name) + ".json"), "w") as f:
            f.write(text)
        return result

    def s3control(self, region, account):
        """boto3 puts the account id in S3 Control's host, which a loopback endpoint cannot have: ask by hand."""
        req = urllib.request.Request(self.endpoint + "/v20180820/configuration/publicAccessBlock", headers={
            "x-amz-account-id": account, "X-Amz-Security-Token": self.creds["SessionToken"],
            "Authorization": "AWS4-HMAC-SHA256 Credential=%s/20260101/%s/s3/aws4_request, SignedHeaders=host, "
                             "Signature=0" % (self.creds["AccessKeyId"], region)})
        try:
            body, status = urllib.request.urlopen(req).read(), 200
        except urllib.error.HTTPError as e:
            body, status = e.read(), e.code
        op = botocore.session.get_session().get_service_model("s3control").operation_model("GetPublicAccessBlock")
        parsed = botocore.parsers.create_parser("rest-xml").parse(
            {"body": body, "headers": {}, "status_code": status}, op.output_shape)
        name = "s3control-get-public-access-block.json"
        with open(os.path.join(self.out, name), "w") as f:
            if status == 200:
                f.write(cli_json(parsed))
            else:
                f.write("\nAn error occurred (%s) when calling the GetPublicAccessBlock operation: %s\n" %
                        (parsed["Error"]["Code"], parsed["Error"].get("Message", "")))

    def run(self, regions):
        out = self.out
        g = lambda s, a, **kw: self.call(s, a, "us-east-1", out, **kw)
        self.call("sts", "GetCallerIdentity", "us-east-1", out)
        g("organizations", "DescribeOrganization")
        gaad = g("iam", "GetAccountAuthorizationDetails") or {}
        iam = self.client("iam", "us-east-1")
        iam.generate_credential_report()
        report = iam.get_credential_report()["Content"]
        with open(os.path.join(out, "credential-report.csv"), "wb") as f:
            f.write(report)
        for a in ("GetAccountPasswordPolicy", "GetAccountSummary", "ListAccountAliases", "ListVirtualMFADevices",
                  "ListServerCertificates", "ListSAMLProviders", "ListOpenIDConnectProviders"):
            g("iam", a)
        for u in gaad.get("UserDetailList", []):
            n = u["UserName"]
            g("iam", "ListMFADevices", resource=n, UserName=n)
            keys = g("iam", "ListAccessKeys", resource=n, UserName=n) or {}
            for k in keys.get("AccessKeyMetadata", []):
                g("iam", "GetAccessKeyLastUsed", resource=k["AccessKeyId"], AccessKeyId=k["AccessKeyId"])
        g("account", "GetAlternateContact", AlternateContactType="SECURITY")
        self.s3control(regions[0], self.client("sts", "us-east-1").get_caller_identity()["Account"])
        buckets = g("s3", "ListBuckets") or {}
        for b in buckets.get("Buckets", []):
            n = b["Name"]
            loc = g("s3", "GetBucketLocation", resource=n, Bucket=n) or {}
            region = loc.get("LocationConstraint") or "us-east-1"
            for a in ("GetPublicAccessBlock", "GetBucketPolicyStatus", "GetBucketEncryption", "GetBucketVersioning",
                      "GetBucketLogging", "GetBucketPolicy", "GetBucketAcl"):
                self.call("s3", a, region, out, resource=n, Bucket=n)
        self.call("ec2", "DescribeRegions", regions[0], os.path.join(out, regions[0]), AllRegions=True)
        trails = {}
        for r in regions:
            rd = os.path.join(out, r)
            c = lambda s, a, **kw: self.call(s, a, r, rd, **kw)
            for a in ("DescribeInstances", "DescribeSecurityGroups", "DescribeVpcs", "DescribeSubnets",
                      "DescribeVpcPeeringConnections", "DescribeFlowLogs", "DescribeNetworkAcls", "DescribeRouteTables",
                      "DescribeInternetGateways", "DescribeVolumes", "GetEbsEncryptionByDefault"):
                c("ec2", a)
            snaps = c("ec2", "DescribeSnapshots", OwnerIds=["self"]) or {}
            for s in snaps.get("Snapshots", []):
                c("ec2", "DescribeSnapshotAttribute", resource=s["SnapshotId"], SnapshotId=s["SnapshotId"],
                  Attribute="createVolumePermission")
            for s, a in (("logs", "DescribeMetricFilters"), ("cloudwatch", "DescribeAlarms"), ("sns", "ListTopics"),
                         ("sns", "ListSubscriptions"), ("rds", "DescribeDBInstances"), ("efs", "DescribeFileSystems"),
                         ("config", "DescribeConfigurationRecorders"), ("config", "DescribeConfigurationRecorderStatus"),
                         ("config", "DescribeDeliveryChannels"), ("kms", "ListAliases"),
                         ("ecr", "GetRegistryScanningConfiguration"), ("securityhub", "DescribeHub"),
                         ("accessanalyzer", "ListAnalyzers"), ("macie2", "GetMacieSession")):
                c(s, a)
            for k in (c("kms", "ListKeys") or {}).get("Keys", []):
                d = c("kms", "DescribeKey", resource=k["KeyId"], KeyId=k["KeyId"]) or {}
                m = d.get("KeyMetadata", {})
                if m.get("KeyManager") == "CUSTOMER" and m.get("KeySpec") == "SYMMETRIC_DEFAULT":
                    c("kms", "GetKeyRotationStatus", resource=k["KeyId"], KeyId=k["KeyId"])
            for n in (c("eks", "ListClusters") or {}).get("clusters", []):
                c("eks", "DescribeCluster", resource=n, name=n)
            for repo in (c("ecr", "DescribeRepositories") or {}).get("repositories", []):
                c("ecr", "DescribeImages", resource=repo["repositoryName"], repositoryName=repo["repositoryName"])
            for d in (c("guardduty", "ListDetectors") or {}).get("DetectorIds", []):
                c("guardduty", "GetDetector", resource=d, DetectorId=d)
            for t in (c("cloudtrail", "DescribeTrails") or {}).get("trailList", []):
                trails.setdefault(t["TrailARN"], t)
        for arn, t in trails.items():
            home = t.get("HomeRegion", regions[0])
            rd = os.path.join(out, home)
            self.call("cloudtrail", "GetTrailStatus", home, rd, resource=t["Name"], Name=arn)
            self.call("cloudtrail", "GetEventSelectors", home, rd, resource=t["Name"], TrailName=arn)


def main():
    endpoint, calls_path, role, out = sys.argv[1:5]
    regions = sys.argv[5:]
    sts = boto3.client("sts", endpoint_url=endpoint, region_name="us-east-1", aws_access_key_id="AKIAIOSFODNN7EXAMPLE",
                       aws_secret_access_key="export")
    creds = sts.assume_role(RoleArn=role, RoleSessionName="vetter")["Credentials"]
    os.makedirs(out, exist_ok=True)
    Exporter(endpoint, json.load(open(calls_path)), creds, out).run(regions)


if __name__ == "__main__":
    main()
