#!/usr/bin/env python3
"""Seed moto_server with two AWS organisations for the Organizations coverage test.

usage: aws_seed_org.py ENDPOINT_URL OUT_JSON

333333333333 manages organisation "acme" with members prod, staging,
sandbox and retired (closed: suspended); prod has a role staging may
assume.  333333333333 has a user with console access
and no MFA, a bucket, a role the prod account may assume and one an outside
account may, an open security group and an instance behind it in us-east-1.
444444444444 manages a second organisation with one member, beta-app.
Everything is reached the way vetter reaches it, through sts:AssumeRole from
moto's default account.  OUT_JSON gets the member account ids (moto draws
them), keyed by name, and credentials of the management account's role for
the evidence kit (a session of moto's, valid for nothing else).
"""
import json
import sys

import boto3

MGMT, BETA = "333333333333", "444444444444"
AMI = "ami-12c6146b"


def creds_of(endpoint, account):
    sts = boto3.client("sts", endpoint_url=endpoint, region_name="us-east-1",
                       aws_access_key_id="AKIAIOSFODNN7EXAMPLE", aws_secret_access_key="seed")
    return sts.assume_role(RoleArn="arn:aws:iam::%s:role/seed" % account, RoleSessionName="seed")["Credentials"]


def client(endpoint, creds, name, region="us-east-1"):
    return boto3.client(name, endpoint_url=endpoint, region_name=region, aws_access_key_id=creds["AccessKeyId"],
                        aws_secret_access_key=creds["SecretAccessKey"], aws_session_token=creds["SessionToken"])


def organisation(endpoint, account, members):
    creds = creds_of(endpoint, account)
    org = client(endpoint, creds, "organizations")
    org.create_organization(FeatureSet="ALL")
    ids = {}
    for name in members:
        st = org.create_account(Email="%s@example.test" % name, AccountName=name)["CreateAccountStatus"]
        ids[name] = st["AccountId"]
    return creds, org, ids


def main():
    endpoint, out_path = sys.argv[1], sys.argv[2]
    creds, org, ids = organisation(endpoint, MGMT, ["prod", "staging", "sandbox", "retired"])
    org.close_account(AccountId=ids["retired"])
    iam = client(endpoint, creds, "iam")
    iam.create_user(UserName="ops")
    iam.create_login_profile(UserName="ops", Password="Correct-Horse-3")
    for role, principal in (("deploy-from-prod", ids["prod"]), ("vendor", "999999999999")):
        trust = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole",
                                                         "Principal": {"AWS": "arn:aws:iam::%s:root" % principal}}]}
        iam.create_role(RoleName=role, AssumeRolePolicyDocument=json.dumps(trust))
    client(endpoint, creds, "s3").create_bucket(Bucket="acme-records")
    ec2 = client(endpoint, creds, "ec2")
    vpc = ec2.describe_vpcs()["Vpcs"][0]["VpcId"]
    sg = ec2.create_security_group(GroupName="ssh-open", Description="ssh from anywhere", VpcId=vpc)["GroupId"]
    ec2.authorize_security_group_ingress(GroupId=sg, IpPermissions=[
        {"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}])
    subnet = ec2.describe_subnets(Filters=[{"Name": "vpc-id", "Values": [vpc]}])["Subnets"][0]["SubnetId"]
    instance = ec2.run_instances(ImageId=AMI, MinCount=1, MaxCount=1, SecurityGroupIds=[sg],
                                 SubnetId=subnet)["Instances"][0]["InstanceId"]
    prod = creds_of(endpoint, ids["prod"])
    client(endpoint, prod, "s3").create_bucket(Bucket="acme-prod-data")
    # prod cannot list the organisation, and trusts staging: staging is an external account to it.
    trust = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole",
                                                     "Principal": {"AWS": "arn:aws:iam::%s:root" % ids["staging"]}}]}
    client(endpoint, prod, "iam").create_role(RoleName="from-staging", AssumeRolePolicyDocument=json.dumps(trust))
    _, _, beta = organisation(endpoint, BETA, ["beta-app"])
    out = {"acme": ids, "beta": beta, "sg": sg, "instance": instance,
           "kit_credentials": {k: creds[k] for k in ("AccessKeyId", "SecretAccessKey", "SessionToken")}}
    with open(out_path, "w") as f:
        json.dump(out, f, indent=1, sort_keys=True)


if __name__ == "__main__":
    main()
