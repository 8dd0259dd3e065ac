#!/usr/bin/env python3
"""Seed moto_server with two AWS accounts for the connector's tests.

usage: aws_seed.py ENDPOINT_URL OUT_JSON

Account 111111111111 is deliberately misconfigured and 222222222222 well
configured, against every CIS AWS Foundations check the connector collects
data for, in us-east-1 and eu-west-1.  Both are reached the way vetter
reaches a target, through sts:AssumeRole from moto's default account.
OUT_JSON gets the ids the test asserts on.
"""
import json
import sys
import time
import urllib.request

import boto3
from botocore.config import Config

BAD, GOOD = "111111111111", "222222222222"
REGIONS = ["us-east-1", "eu-west-1"]
AMI = "ami-12c6146b"

# The CIS AWS Foundations monitoring filter patterns (section 4), as the benchmark writes them.
CIS_PATTERNS = {
    "unauthorized-api-calls": '{ ($.errorCode = "*UnauthorizedOperation") || ($.errorCode = "AccessDenied*") || '
                              '($.sourceIPAddress!="delivery.logs.amazonaws.com") || ($.eventName!="HeadBucket") }',
    "console-no-mfa": '{ ($.eventName = "ConsoleLogin") && ($.additionalEventData.MFAUsed != "Yes") && '
                      '($.userIdentity.type = "IAMUser") && ($.responseElements.ConsoleLogin = "Success") }',
    "root-usage": '{ $.userIdentity.type = "Root" && $.userIdentity.invokedBy NOT EXISTS && '
                  '$.eventType != "AwsServiceEvent" }',
    "iam-policy-changes": '{($.eventSource=iam.amazonaws.com) && (($.eventName=DeleteGroupPolicy) || '
                          '($.eventName=DeleteRolePolicy) || ($.eventName=DeleteUserPolicy) || '
                          '($.eventName=PutGroupPolicy) || ($.eventName=PutRolePolicy) || ($.eventName=PutUserPolicy) || '
                          '($.eventName=CreatePolicy) || ($.eventName=DeletePolicy) || '
                          '($.eventName=CreatePolicyVersion) || ($.eventName=DeletePolicyVersion) || '
                          '($.eventName=AttachRolePolicy) || ($.eventName=DetachRolePolicy) || '
                          '($.eventName=AttachUserPolicy) || ($.eventName=DetachUserPolicy) || '
                          '($.eventName=AttachGroupPolicy) || ($.eventName=DetachGroupPolicy))}',
    "cloudtrail-changes": '{ ($.eventName = CreateTrail) || ($.eventName = UpdateTrail) || ($.eventName = DeleteTrail) || '
                          '($.eventName = StartLogging) || ($.eventName = StopLogging) }',
    "console-auth-failures": '{ ($.eventName = ConsoleLogin) && ($.errorMessage = "Failed authentication") }',
    "cmk-disable-delete": '{($.eventSource = kms.amazonaws.com) && (($.eventName=DisableKey)||'
                          '($.eventName=ScheduleKeyDeletion)) }',
    "s3-policy-changes": '{ ($.eventSource = s3.amazonaws.com) && (($.eventName = PutBucketAcl) || '
                         '($.eventName = PutBucketPolicy) || ($.eventName = PutBucketCors) || '
                         '($.eventName = PutBucketLifecycle) || ($.eventName = PutBucketReplication) || '
                         '($.eventName = DeleteBucketPolicy) || ($.eventName = DeleteBucketCors) || '
                         '($.eventName = DeleteBucketLifecycle) || ($.eventName = DeleteBucketReplication)) }',
    "config-changes": '{ ($.eventSource = config.amazonaws.com) && (($.eventName=StopConfigurationRecorder)||'
                      '($.eventName=DeleteDeliveryChannel) ||($.eventName=PutDeliveryChannel)||'
                      '($.eventName=PutConfigurationRecorder)) }',
    "security-group-changes": '{ ($.eventName = AuthorizeSecurityGroupIngress) || '
                              '($.eventName = AuthorizeSecurityGroupEgress) || ($.eventName = RevokeSecurityGroupIngress) || '
                              '($.eventName = RevokeSecurityGroupEgress) || ($.eventName = CreateSecurityGroup) || '
                              '($.eventName = DeleteSecurityGroup) }',
    "nacl-changes": '{ ($.eventName = CreateNetworkAcl) || ($.eventName = CreateNetworkAclEntry) || '
                    '($.eventName = DeleteNetworkAcl) || ($.eventName = DeleteNetworkAclEntry) || '
                    '($.eventName = ReplaceNetworkAclEntry) || ($.eventName = ReplaceNetworkAclAssociation) }',
    "gateway-changes": '{ ($.eventName = CreateCustomerGateway) || ($.eventName = DeleteCustomerGateway) || '
                       '($.eventName = AttachInternetGateway) || ($.eventName = CreateInternetGateway) || '
                       '($.eventName = DeleteInternetGateway) || ($.eventName = DetachInternetGateway) }',
    "route-table-changes": '{($.eventSource = ec2.amazonaws.com) && ($.eventName = CreateRoute) || '
                           '($.eventName = CreateRouteTable) || ($.eventName = ReplaceRoute) || '
                           '($.eventName = ReplaceRouteTableAssociation) || ($.eventName = DeleteRouteTable) || '
                           '($.eventName = DeleteRoute) || ($.eventName = DisassociateRouteTable) }',
    "vpc-changes": '{ ($.eventName = CreateVpc) || ($.eventName = DeleteVpc) || ($.eventName = ModifyVpcAttribute) || '
                   '($.eventName = AcceptVpcPeeringConnection) || ($.eventName = CreateVpcPeeringConnection) || '
                   '($.eventName = DeleteVpcPeeringConnection) || ($.eventName = RejectVpcPeeringConnection) || '
                   '($.eventName = AttachClassicLinkVpc) || ($.eventName = DetachClassicLinkVpc) || '
                   '($.eventName = DisableVpcClassicLink) || ($.eventName = EnableVpcClassicLink) }',
    "organizations-changes": '{ ($.eventSource = organizations.amazonaws.com) && (($.eventName = "AcceptHandshake") || '
                             '($.eventName = "AttachPolicy") || ($.eventName = "CreateAccount") || '
                             '($.eventName = "CreateOrganizationalUnit") || ($.eventName = "CreatePolicy") || '
                             '($.eventName = "DeclineHandshake") || ($.eventName = "DeleteOrganization") || '
                             '($.eventName = "DeleteOrganizationalUnit") || ($.eventName = "DeletePolicy") || '
                             '($.eventName = "DetachPolicy") || ($.eventName = "DisablePolicyType") || '
                             '($.eventName = "EnablePolicyType") || ($.eventName = "InviteAccountToOrganization") || '
                             '($.eventName = "LeaveOrganization") || ($.eventName = "MoveAccount") || '
                             '($.eventName = "RemoveAccountFromOrganization") || ($.eventName = "UpdatePolicy") || '
                             '($.eventName = "UpdateOrganizationalUnit")) }',
}

ADMIN = json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]})


def session(endpoint, account):
    base = boto3.client("sts", endpoint_url=endpoint, region_name="us-east-1",
                        aws_access_key_id="AKIAIOSFODNN7EXAMPLE", aws_secret_access_key="seed")
    c = base.assume_role(RoleArn="arn:aws:iam::%s:role/seed" % account, RoleSessionName="seed")["Credentials"]
    return c


def clients(endpoint, creds, region):
    def make(name):
        return boto3.client(name, endpoint_url=endpoint, region_name=region, aws_access_key_id=creds["AccessKeyId"],
                            aws_secret_access_key=creds["SecretAccessKey"], aws_session_token=creds["SessionToken"],
                            config=Config(retries={"max_attempts": 1}))
    return make


def put_account_public_access_block(endpoint, creds, account, on):
    """s3control's host carries the account id, which a loopback endpoint cannot: send it by hand."""
    v = "true" if on else "false"
    body = ('<PublicAccessBlockConfiguration xmlns="http://awss3control.amazonaws.com/doc/2018-08-20/">'
            "<BlockPublicAcls>%s</BlockPublicAcls><IgnorePublicAcls>%s</IgnorePublicAcls>"
            "<BlockPublicPolicy>%s</BlockPublicPolicy><RestrictPublicBuckets>%s</RestrictPublicBuckets>"
            "</PublicAccessBlockConfiguration>" % (v, v, v, v)).encode()
    req = urllib.request.Request(endpoint + "/v20180820/configuration/publicAccessBlock", data=body, method="PUT",
                                 headers={"x-amz-account-id": account, "X-Amz-Security-Token": creds["SessionToken"],
                                          "Content-Type": "application/xml",
                                          "Authorization": "AWS4-HMAC-SHA256 Credential=%s/20260101/us-east-1/s3/"
                                                           "aws4_request, SignedHeaders=host, Signature=0" %
                                                           creds["AccessKeyId"]})
    urllib.request.urlopen(req).read()


def seed_bad(endpoint, out):
    creds = session(endpoint, BAD)
    info = out[BAD] = {}
    c = clients(endpoint, creds, "us-east-1")
    iam = c("iam")
    # IAM: no password policy; alice with console, no MFA, two active keys; bob admin by a direct attachment.
    iam.create_user(UserName="alice")
    iam.create_login_profile(UserName="alice", Password="Correct-Horse-1")
    iam.create_access_key(UserName="alice")
    iam.create_access_key(UserName="alice")
    iam.create_user(UserName="bob")
    pol = iam.create_policy(PolicyName="full-admin", PolicyDocument=ADMIN)["Policy"]["Arn"]
    iam.attach_user_policy(UserName="bob", PolicyArn=pol)
    iam.put_user_policy(UserName="bob", PolicyName="inline-admin", PolicyDocument=ADMIN)
    trust = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::999999999999:root"},
                                                     "Action": "sts:AssumeRole"}]}
    info["vendor_role"] = iam.create_role(RoleName="vendor-access", AssumeRolePolicyDocument=json.dumps(trust))["Role"]["Arn"]
    # A server certificate left in IAM: moto reads neither body nor key and says it expired in 2012.
    iam.upload_server_certificate(ServerCertificateName="old-tls", CertificateBody="-----BEGIN CERTIFICATE-----\nMIIB\n"
                                  "-----END CERTIFICATE-----", PrivateKey="not a key")
    # S3: a public bucket with nothing turned on.
    s3 = c("s3")
    s3.create_bucket(Bucket="bad-data")
    s3.put_bucket_policy(Bucket="bad-data", Policy=json.dumps({
        "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
                                                "Resource": "arn:aws:s3:::bad-data/*"}]}))
    s3.create_bucket(Bucket="bad-trail-logs")
    # CloudTrail: one region, no validation, no KMS, not logging.
    ct = c("cloudtrail")
    info["trail"] = ct.create_trail(Name="bad-trail", S3BucketName="bad-trail-logs")["TrailARN"]
    for region in REGIONS:
        r = clients(endpoint, creds, region)
        ec2 = r("ec2")
        vpc = ec2.describe_vpcs()["Vpcs"][0]["VpcId"]
        sg = ec2.create_security_group(GroupName="open-admin", Description="ssh and rdp from anywhere", VpcId=vpc)["GroupId"]
        ec2.authorize_security_group_ingress(GroupId=sg, IpPermissions=[
            {"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]},
            {"IpProtocol": "tcp", "FromPort": 3389, "ToPort": 3389, "Ipv6Ranges": [{"CidrIpv6": "::/0"}]}])
        subnets = ec2.describe_subnets(Filters=[{"Name": "vpc-id", "Values": [vpc]}])["Subnets"]
        public = ec2.run_instances(ImageId=AMI, MinCount=1, MaxCount=1, SecurityGroupIds=[sg],
                                   SubnetId=subnets[0]["SubnetId"])["Instances"][0]["InstanceId"]
        private_subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="172.31.200.0/24")["Subnet"]["SubnetId"]
        private = ec2.run_instances(ImageId=AMI, MinCount=1, MaxCount=1, SecurityGroupIds=[sg],
                                    SubnetId=private_subnet)["Instances"][0]["InstanceId"]
        vol = ec2.create_volume(Size=8, AvailabilityZone=region + "a")["VolumeId"]
        snap = ec2.create_snapshot(VolumeId=vol)["SnapshotId"]
        ec2.modify_snapshot_attribute(SnapshotId=snap, Attribute="createVolumePermission", OperationType="add",
                                      GroupNames=["all"])
        info.setdefault("regions", {})[region] = {"sg": sg, "public_instance": public, "private_instance": private,
                                                   "vpc": vpc, "snapshot": snap}
        key = r("kms").create_key(Description="no rotation")["KeyMetadata"]["KeyId"]
        info["regions"][region]["key"] = key
        r("rds").create_db_instance(DBInstanceIdentifier="bad-db", Engine="postgres", DBInstanceClass="db.t3.micro",
                                    MasterUsername="admin", MasterUserPassword="password123", AllocatedStorage=20,
                                    PubliclyAccessible=True, StorageEncrypted=False, AutoMinorVersionUpgrade=False,
                                    VpcSecurityGroupIds=[sg])
        r("efs").create_file_system(CreationToken="bad-fs", Encrypted=False)
        r("ecr").create_repository(repositoryName="bad-repo", imageScanningConfiguration={"scanOnPush": False})
    return creds


def seed_good(endpoint, out):
    creds = session(endpoint, GOOD)
    info = out[GOOD] = {}
    c = clients(endpoint, creds, "us-east-1")
    iam = c("iam")
    iam.update_account_password_policy(MinimumPasswordLength=14, PasswordReusePrevention=24, RequireSymbols=True,
                                       RequireNumbers=True, RequireUppercaseCharacters=True,
                                       RequireLowercaseCharacters=True, MaxPasswordAge=90)
    iam.create_group(GroupName="admins")
    iam.attach_group_policy(GroupName="admins", PolicyArn="arn:aws:iam::aws:policy/ReadOnlyAccess")
    iam.create_user(UserName="carol")
    iam.add_user_to_group(GroupName="admins", UserName="carol")
    iam.create_login_profile(UserName="carol", Password="Correct-Horse-2")
    dev = iam.create_virtual_mfa_device(VirtualMFADeviceName="carol")["VirtualMFADevice"]["SerialNumber"]
    iam.enable_mfa_device(UserName="carol", SerialNumber=dev, AuthenticationCode1="123456", AuthenticationCode2="654321")
    trust_own = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::%s:root" % GOOD},
                                                         "Action": "sts:AssumeRole"}]}
    iam.create_role(RoleName="support", AssumeRolePolicyDocument=json.dumps(trust_own))
    iam.attach_role_policy(RoleName="support", PolicyArn="arn:aws:iam::aws:policy/AWSSupportAccess")
    trust_ec2 = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"},
                                                         "Action": "sts:AssumeRole"}]}
    iam.create_role(RoleName="app", AssumeRolePolicyDocument=json.dumps(trust_ec2))
    profile = iam.create_instance_profile(InstanceProfileName="app")["InstanceProfile"]["Arn"]
    iam.add_role_to_instance_profile(InstanceProfileName="app", RoleName="app")
    put_account_public_access_block(endpoint, creds, GOOD, True)
    s3 = c("s3")
    kms_us = c("kms")
    trail_key = kms_us.create_key(Description="trail")["KeyMetadata"]["Arn"]
    kms_us.enable_key_rotation(KeyId=trail_key)
    for b in ("good-data", "good-logs", "good-trail"):
        s3.create_bucket(Bucket=b)
    s3.put_bucket_acl(Bucket="good-logs", ACL="log-delivery-write")
    for b in ("good-data", "good-logs", "good-trail"):
        s3.put_public_access_block(Bucket=b, PublicAccessBlockConfiguration={
            "BlockPublicAcls": True, "IgnorePublicAcls": True, "BlockPublicPolicy": True, "RestrictPublicBuckets": True})
        s3.put_bucket_encryption(Bucket=b, ServerSideEncryptionConfiguration={"Rules": [{
            "ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms", "KMSMasterKeyID": trail_key}}]})
        s3.put_bucket_versioning(Bucket=b, VersioningConfiguration={"Status": "Enabled", "MFADelete": "Enabled"},
                                 MFA="arn:aws:iam::%s:mfa/root-account-mfa-device 123456" % GOOD)
        s3.put_bucket_policy(Bucket=b, Policy=json.dumps({"Version": "2012-10-17", "Statement": [{
            "Sid": "tls", "Effect": "Deny", "Principal": {"AWS": "*"}, "Action": "s3:*",
            "Resource": ["arn:aws:s3:::%s" % b, "arn:aws:s3:::%s/*" % b],
            "Condition": {"Bool": {"aws:SecureTransport": "false"}}}]}))
        if b != "good-logs":
            s3.put_bucket_logging(Bucket=b, BucketLoggingStatus={"LoggingEnabled": {"TargetBucket": "good-logs",
                                                                                     "TargetPrefix": b + "/"}})
    logs = c("logs")
    logs.create_log_group(logGroupName="cloudtrail")
    group_arn = "arn:aws:logs:us-east-1:%s:log-group:cloudtrail:*" % GOOD
    ct = c("cloudtrail")
    info["trail"] = ct.create_trail(Name="org-trail", S3BucketName="good-trail", IsMultiRegionTrail=True,
                                    EnableLogFileValidation=True, KmsKeyId=trail_key,
                                    CloudWatchLogsLogGroupArn=group_arn,
                                    CloudWatchLogsRoleArn="arn:aws:iam::%s:role/support" % GOOD)["TrailARN"]
    ct.start_logging(Name="org-trail")
    ct.put_event_selectors(TrailName="org-trail", EventSelectors=[{
        "ReadWriteType": "All", "IncludeManagementEvents": True,
        "DataResources": [{"Type": "AWS::S3::Object", "Values": ["arn:aws:s3"]}]}])
    sqs = c("sqs")
    queue = sqs.create_queue(QueueName="alerts")["QueueUrl"]
    queue_arn = sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    sns = c("sns")
    topic = sns.create_topic(Name="cis-alarms")["TopicArn"]
    sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=queue_arn)
    cw = c("cloudwatch")
    for name, pattern in CIS_PATTERNS.items():
        logs.put_metric_filter(logGroupName="cloudtrail", filterName=name, filterPattern=pattern,
                               metricTransformations=[{"metricName": name, "metricNamespace": "CIS", "metricValue": "1"}])
        cw.put_metric_alarm(AlarmName=name, MetricName=name, Namespace="CIS", Statistic="Sum", Period=300,
                            EvaluationPeriods=1, Threshold=1, ComparisonOperator="GreaterThanOrEqualToThreshold",
                            AlarmActions=[topic])
    for region in REGIONS:
        r = clients(endpoint, creds, region)
        ec2 = r("ec2")
        ec2.enable_ebs_encryption_by_default()
        vpcs = ec2.describe_vpcs()["Vpcs"]
        vpc = vpcs[0]["VpcId"]
        for v in vpcs:
            ec2.create_flow_logs(ResourceIds=[v["VpcId"]], ResourceType="VPC", TrafficType="ALL",
                                 LogDestinationType="s3", LogDestination="arn:aws:s3:::good-logs")
        default_sg = [g for g in ec2.describe_security_groups()["SecurityGroups"] if g["GroupName"] == "default"]
        for g in default_sg:
            if g["IpPermissions"]:
                ec2.revoke_security_group_ingress(GroupId=g["GroupId"], IpPermissions=g["IpPermissions"])
            if g["IpPermissionsEgress"]:
                ec2.revoke_security_group_egress(GroupId=g["GroupId"], IpPermissions=g["IpPermissionsEgress"])
        for acl in ec2.describe_network_acls()["NetworkAcls"]:
            for e in acl["Entries"]:
                if e["RuleNumber"] < 32767:
                    ec2.delete_network_acl_entry(NetworkAclId=acl["NetworkAclId"], RuleNumber=e["RuleNumber"],
                                                 Egress=e["Egress"])
            ec2.create_network_acl_entry(NetworkAclId=acl["NetworkAclId"], RuleNumber=100, Protocol="6",
                                         RuleAction="allow", Egress=False, CidrBlock="0.0.0.0/0",
                                         PortRange={"From": 443, "To": 443})
        sg = ec2.create_security_group(GroupName="web", Description="https only", VpcId=vpc)["GroupId"]
        ec2.authorize_security_group_ingress(GroupId=sg, IpPermissions=[
            {"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}])
        subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="172.31.210.0/24")["Subnet"]["SubnetId"]
        inst = ec2.run_instances(ImageId=AMI, MinCount=1, MaxCount=1, SecurityGroupIds=[sg], SubnetId=subnet,
                                 IamInstanceProfile={"Arn": profile},
                                 MetadataOptions={"HttpTokens": "required", "HttpEndpoint": "enabled"})["Instances"][0]
        info.setdefault("regions", {})[region] = {"instance": inst["InstanceId"], "sg": sg, "vpc": vpc}
        ec2.create_volume(Size=8, AvailabilityZone=region + "a", Encrypted=True)
        kms = r("kms")
        key = kms.create_key(Description="rotated")["KeyMetadata"]["KeyId"]
        info["regions"][region]["key"] = key
        # Every customer key rotates (moto makes its EBS default key a customer key).
        for k in kms.list_keys()["Keys"]:
            m = kms.describe_key(KeyId=k["KeyId"])["KeyMetadata"]
            if m["KeyManager"] == "CUSTOMER" and m.get("KeySpec", "SYMMETRIC_DEFAULT") == "SYMMETRIC_DEFAULT":
                kms.enable_key_rotation(KeyId=k["KeyId"])
        r("rds").create_db_instance(DBInstanceIdentifier="good-db", Engine="postgres", DBInstanceClass="db.t3.micro",
                                    MasterUsername="admin", MasterUserPassword="password123", AllocatedStorage=20,
                                    PubliclyAccessible=False, StorageEncrypted=True, AutoMinorVersionUpgrade=True,
                                    VpcSecurityGroupIds=[sg])
        r("efs").create_file_system(CreationToken="good-fs", Encrypted=True)
        cfg = r("config")
        cfg.put_configuration_recorder(ConfigurationRecorder={
            "name": "default", "roleARN": "arn:aws:iam::%s:role/support" % GOOD,
            "recordingGroup": {"allSupported": True, "includeGlobalResourceTypes": True}})
        cfg.put_delivery_channel(DeliveryChannel={"name": "default", "s3BucketName": "good-logs"})
        cfg.start_configuration_recorder(ConfigurationRecorderName="default")
        r("securityhub").enable_security_hub()
        r("guardduty").create_detector(Enable=True)
        r("ecr").create_repository(repositoryName="good-repo", imageScanningConfiguration={"scanOnPush": True})
    return creds


def main():
    endpoint, out_path = sys.argv[1], sys.argv[2]
    out = {}
    t0 = time.time()
    seed_bad(endpoint, out)
    t1 = time.time()
    seed_good(endpoint, out)
    print("seeded in %.1f s + %.1f s" % (t1 - t0, time.time() - t1), file=sys.stderr)
    with open(out_path, "w") as f:
        json.dump(out, f, indent=1, sort_keys=True)


if __name__ == "__main__":
    main()
