#!/usr/bin/env python3
"""Generate connectors/aws_model_data.c: the response shapes of the AWS calls
vetter makes over the XML protocols (query, ec2, rest-xml), taken from
botocore's service models.

An XML response does not say which elements are lists, which are numbers, or
what the AWS CLI calls them (EC2's <groupSet> is "Groups" in a reservation and
"SecurityGroups" in an instance); the model does.  With it, vetter turns a wire
response into exactly the JSON that `aws <service> <command>` prints, so live
collection and offline exports meet in one shape.

usage: scripts/gen_aws_model.py > connectors/aws_model_data.c

The operations listed here must be the XML-protocol calls of the call table
(connectors/aws_calls.c); tests/unit/test_aws_model.c checks that both agree.
JSON-protocol responses already are in the CLI's shape and need no model.
"""
import gzip
import json
import os
import sys

import botocore

OPS = {
    "sts": ["GetCallerIdentity", "AssumeRole"],
    "iam": ["GetAccountAuthorizationDetails", "GenerateCredentialReport", "GetCredentialReport",
            "GetAccountPasswordPolicy", "GetAccountSummary", "ListMFADevices", "ListVirtualMFADevices",
            "ListAccessKeys", "GetAccessKeyLastUsed", "ListServerCertificates", "ListSAMLProviders",
            "ListOpenIDConnectProviders", "ListAccountAliases"],
    "ec2": ["DescribeRegions", "DescribeInstances", "DescribeSecurityGroups", "DescribeVpcs", "DescribeSubnets",
            "DescribeVpcPeeringConnections", "DescribeFlowLogs", "DescribeNetworkAcls", "DescribeRouteTables",
            "DescribeInternetGateways", "DescribeVolumes", "GetEbsEncryptionByDefault", "DescribeSnapshots",
            "DescribeSnapshotAttribute"],
    "s3": ["ListBuckets", "GetBucketLocation", "GetPublicAccessBlock", "GetBucketPolicyStatus",
           "GetBucketEncryption", "GetBucketVersioning", "GetBucketLogging", "GetBucketPolicy", "GetBucketAcl"],
    "s3control": ["GetPublicAccessBlock"],
    "sns": ["ListTopics", "ListSubscriptions"],
    "rds": ["DescribeDBInstances"],
    "cloudwatch": ["DescribeAlarms"],
}

# JSON protocols: the wire already is JSON, but GuardDuty names its members
# differently on the wire (camelCase) than the CLI prints them, and timestamps
# travel as epoch seconds where the CLI prints ISO 8601.  Only shapes that
# rename or hold a timestamp are kept; the rest is copied as it comes ("*").
OPS_JSON = {
    "organizations": ["DescribeOrganization", "ListAccounts"],
    "cloudtrail": ["DescribeTrails", "GetTrailStatus", "GetEventSelectors"],
    "logs": ["DescribeMetricFilters"],
    "kms": ["ListKeys", "DescribeKey", "GetKeyRotationStatus", "ListAliases"],
    "eks": ["ListClusters", "DescribeCluster"],
    "ecr": ["DescribeRepositories", "GetRegistryScanningConfiguration", "DescribeImages", "GetAuthorizationToken"],
    "guardduty": ["ListDetectors", "GetDetector", "ListFindings", "GetFindings"],
    "securityhub": ["DescribeHub", "GetFindings"],
    "accessanalyzer": ["ListAnalyzers"],
    "config": ["DescribeConfigurationRecorders", "DescribeConfigurationRecorderStatus", "DescribeDeliveryChannels"],
    "account": ["GetAlternateContact"],
    "efs": ["DescribeFileSystems"],
    "macie2": ["GetMacieSession"],
}

SCALARS = {"string": "s", "character": "s", "integer": "i", "long": "i", "short": "i", "byte": "i",
           "float": "f", "double": "f", "boolean": "b", "timestamp": "t", "blob": "B", "bigdecimal": "f",
           "biginteger": "i"}


def load(service):
    root = os.path.join(os.path.dirname(botocore.__file__), "data", service)
    version = sorted(os.listdir(root))[-1]
    with gzip.open(os.path.join(root, version, "service-2.json.gz")) as f:
        return json.load(f)


def main():
    shapes_out = {}
    ops_out = {}
    for service in sorted(OPS):
        model = load(service)
        shapes = model["shapes"]

        def ref(name, seen):
            s = shapes[name]
            if s["type"] in SCALARS:
                return SCALARS[s["type"]]
            key = "%s:%s" % (service, name)
            if key in seen:
                return key
            seen.add(key)
            if s["type"] == "structure":
                members = []
                for mname in sorted(s.get("members", {})):
                    mref = s["members"][mname]
                    if mref.get("location") in ("header", "headers", "statusCode", "uri", "querystring"):
                        continue
                    target = shapes[mref["shape"]]
                    xml = mref.get("locationName", target.get("locationName"))
                    if target["type"] == "list" and (mref.get("flattened") or target.get("flattened")):
                        inner = target["member"].get("locationName")
                        if inner:
                            xml = inner
                    entry = [mname, ref(mref["shape"], seen), xml or mname]
                    if mref.get("xmlAttribute"):
                        entry.append("@")
                    members.append(entry)
                shapes_out[key] = {"S": members}
            elif s["type"] == "list":
                out = {"L": ref(s["member"]["shape"], seen)}
                if s.get("flattened"):
                    out["f"] = 1
                shapes_out[key] = out
            elif s["type"] == "map":
                out = {"M": [ref(s["key"]["shape"], seen), ref(s["value"]["shape"], seen)],
                       "k": s["key"].get("locationName", "key"), "v": s["value"].get("locationName", "value")}
                if s.get("flattened"):
                    out["f"] = 1
                shapes_out[key] = out
            else:
                raise SystemExit("unhandled shape type %s" % s["type"])
            return key

        seen = set()
        for op in OPS[service]:
            o = model["operations"][op]
            entry = {"protocol": model["metadata"]["protocol"] if "protocols" not in model["metadata"]
                     else ("query" if "query" in model["metadata"]["protocols"] else model["metadata"]["protocol"])}
            if "output" in o:
                out = o["output"]
                entry["out"] = ref(out["shape"], seen)
                if out.get("resultWrapper"):
                    entry["wrap"] = out["resultWrapper"]
                payload = shapes[out["shape"]].get("payload")
                if payload:
                    pref = shapes[out["shape"]]["members"][payload]
                    entry["payload"] = payload
                    entry["payload_type"] = shapes[pref["shape"]]["type"]
            if service == "s3" and op == "GetBucketLocation":
                entry["root_text"] = "LocationConstraint"
            ops_out["%s:%s" % (service, op)] = entry
    for service in sorted(OPS_JSON):
        model = load(service)
        shapes = model["shapes"]
        memo = {}

        def interesting(name, stack=()):
            if name in memo:
                return memo[name]
            if name in stack:
                return False
            s = shapes[name]
            stack = stack + (name,)
            r = False
            if s["type"] == "timestamp":
                r = True
            elif s["type"] == "structure":
                for mname, mref in s.get("members", {}).items():
                    if mref.get("location"):
                        continue
                    if mref.get("locationName", mname) != mname or interesting(mref["shape"], stack):
                        r = True
            elif s["type"] == "list":
                r = interesting(s["member"]["shape"], stack)
            elif s["type"] == "map":
                r = interesting(s["value"]["shape"], stack)
            memo[name] = r
            return r

        def jref(name, seen):
            s = shapes[name]
            if not interesting(name):
                return "*"
            if s["type"] == "timestamp":
                return "t"
            key = "%s:%s" % (service, name)
            if key in seen:
                return key
            seen.add(key)
            if s["type"] == "structure":
                members = []
                for mname in sorted(s.get("members", {})):
                    mref = s["members"][mname]
                    if mref.get("location"):
                        continue
                    members.append([mname, jref(mref["shape"], seen), mref.get("locationName", mname)])
                shapes_out[key] = {"S": members}
            elif s["type"] == "list":
                shapes_out[key] = {"L": jref(s["member"]["shape"], seen)}
            elif s["type"] == "map":
                shapes_out[key] = {"M": ["s", jref(s["value"]["shape"], seen)]}
            return key

        seen = set()
        for op in OPS_JSON[service]:
            o = model["operations"][op]
            entry = {"protocol": model["metadata"]["protocol"]}
            if "output" in o:
                entry["out"] = jref(o["output"]["shape"], seen)
            ops_out["%s:%s" % (service, op)] = entry
    doc = json.dumps({"ops": ops_out, "shapes": shapes_out}, sort_keys=True, separators=(",", ":"))
    w = sys.stdout.write
    w("/* Generated by scripts/gen_aws_model.py from botocore %s's service models: do not edit. */\n"
      % botocore.__version__)
    w("#include \"aws_model.h\"\n\nconst char aws_model_json[] =\n")
    for i in range(0, len(doc), 100):
        w("\t\"%s\"\n" % doc[i:i + 100].replace("\\", "\\\\").replace("\"", "\\\""))
    w("\t;\n")


if __name__ == "__main__":
    main()
