#!/usr/bin/env python3
"""A loopback HTTPS server answering like Azure (Entra ID token endpoint, Resource Manager, Microsoft
Graph) and Google Cloud (OAuth2 token endpoint, the REST APIs under /SERVICE/...), for the azure and gcp
connector tests.

usage: cloud_api.py --tls CERT KEY --log FILE [--data DIR] [--pubkey PEM] [--client-id ID]
                    [--client-secret S] [--page N] [--deny PATTERN]... [--throttle PATTERN]...
                    [--expire] [--token-redirect URL] [--nextlink-base URL] [--mode sink]
       cloud_api.py --data DIR --dump OUT     (writes the Azure answers as export files and exits)

Prints "PORT\n" once listening on 127.0.0.1, then serves until killed.

Answers are in each API's real format: ARM lists {"value", "nextLink"} and ARM errors {"error": {"code",
"message"}}; Graph {"@odata.context", "value", "@odata.nextLink"}; Google lists with nextPageToken and
errors {"error": {"code", "message", "status"}}; aggregated lists keyed by zone or region; OAuth2 errors
{"error", "error_description"}.  The storage account and NSG are the azure-rest-api-specs examples in DIR
(../shared/data/azure), moved to the test's subscription; the rest are written here in the shape the
APIs document.  Lists are cut in pages of --page items, whatever the client asks.

The Azure token endpoint (POST /TENANT/oauth2/v2.0/token) checks the client credentials; ACR's exchange (POST /oauth2/exchange)
takes one of its Resource Manager tokens; the Google one (POST /google-token) checks the JWT's RS256 signature with --pubkey and its claims.  Every bearer token
is checked on every API request (401 otherwise).

--deny PATTERN       403 for requests whose path contains PATTERN, in that API's error format
--throttle PATTERN   the first request whose path contains PATTERN gets 429 with Retry-After: 1
--expire             the first Resource Manager token issued is expired: ARM answers 401
                     ExpiredAuthenticationToken to it
--token-redirect URL token endpoints answer 307 to URL (a hostile token endpoint)
--nextlink-base URL  ARM nextLinks point at URL instead of this server
--mode sink          answer 200 {} to everything (the hostile host the tests watch)

Every request is appended to the log as one JSON line: method, path, query, auth (the bearer token or
""), and for POSTs the form's keys and whether the client secret or an assertion was in the body.
"""
import base64
import copy
import json
import os
import sys
import threading
import time
import urllib.parse
import http.server
import ssl

A = {"page": 2, "deny": [], "throttle": [], "expire": False, "token_redirect": None, "nextlink": None,
     "mode": "normal", "log": None, "data": None, "pubkey": None, "client_id": "app-1",
     "client_secret": "s3cr3t-canary-Az", "port": 0, "dump": None}
LOCK = threading.Lock()
STATE = {"throttled": set(), "arm_tokens": 0, "expired": set(), "valid": set()}

SUB = "0b1f6471-1bf0-4dda-aec3-111122223333"
SUB2 = "7d1e3c52-0000-4c4c-9b9b-444455556666"
RG = "/subscriptions/%s/resourceGroups/shop/providers" % SUB
PROJECT, PNUM = "shop-prod-4711", "401234567890"
SA_EMAIL = "web@%s.iam.gserviceaccount.com" % PROJECT
DEFAULT_SA = "%s-compute@developer.gserviceaccount.com" % PNUM


def arm(id_, type_, name, props, location="westeurope", **extra):
    d = {"id": id_, "name": name, "type": type_, "location": location, "properties": props}
    d.update(extra)
    return d


def azure_data():
    d = {}
    with open(os.path.join(A["data"], "azure/rest-api-specs-examples/storage-2023-01-01-StorageAccountGetProperties.json")) as f:
        st = json.load(f)["responses"]["200"]["body"]
    st["id"] = st["id"].replace("{subscription-id}", SUB).replace("res9407", "shop")
    with open(os.path.join(A["data"], "azure/rest-api-specs-examples/network-2023-09-01-NetworkSecurityGroupGet.json")) as f:
        nsg = json.load(f)["responses"]["200"]["body"]
    nsg_txt = json.dumps(nsg).replace("/subscriptions/subid/resourceGroups/rg1", "/subscriptions/%s/resourceGroups/shop" % SUB)
    nsg = json.loads(nsg_txt)
    d["/subscriptions"] = [
        {"id": "/subscriptions/" + SUB, "subscriptionId": SUB, "tenantId": "t-1", "displayName": "shop-prod", "state": "Enabled"},
        {"id": "/subscriptions/" + SUB2, "subscriptionId": SUB2, "tenantId": "t-1", "displayName": "shop-dev", "state": "Enabled"}]
    s = "/subscriptions/%s" % SUB
    d[s + "/resourcegroups"] = [
        {"id": s + "/resourceGroups/shop", "name": "shop", "type": "Microsoft.Resources/resourceGroups", "location": "westeurope", "properties": {"provisioningState": "Succeeded"}},
        {"id": s + "/resourceGroups/net", "name": "net", "type": "Microsoft.Resources/resourceGroups", "location": "westeurope", "properties": {"provisioningState": "Succeeded"}}]
    d[s + "/providers/Microsoft.Storage/storageAccounts"] = [st, arm(RG + "/Microsoft.Storage/storageAccounts/shopdata", "Microsoft.Storage/storageAccounts", "shopdata",
        {"supportsHttpsTrafficOnly": True, "minimumTlsVersion": "TLS1_2", "publicNetworkAccess": "Disabled", "allowBlobPublicAccess": False,
         "networkAcls": {"bypass": "AzureServices", "defaultAction": "Deny", "ipRules": [], "virtualNetworkRules": []}}, kind="StorageV2", sku={"name": "Standard_LRS", "tier": "Standard"})]
    d[s + "/providers/Microsoft.Network/networkSecurityGroups"] = [nsg, arm(RG + "/Microsoft.Network/networkSecurityGroups/web", "Microsoft.Network/networkSecurityGroups", "web",
        {"securityRules": [{"name": "ssh-anywhere", "id": RG + "/Microsoft.Network/networkSecurityGroups/web/securityRules/ssh-anywhere",
                            "properties": {"protocol": "Tcp", "sourcePortRange": "*", "destinationPortRange": "22", "sourceAddressPrefix": "Internet",
                                           "destinationAddressPrefix": "*", "access": "Allow", "priority": 100, "direction": "Inbound"}}],
         "defaultSecurityRules": nsg["properties"]["defaultSecurityRules"]})]
    d[s + "/providers/Microsoft.Network/virtualNetworks"] = [arm(RG + "/Microsoft.Network/virtualNetworks/shop-vnet", "Microsoft.Network/virtualNetworks", "shop-vnet",
        {"addressSpace": {"addressPrefixes": ["10.20.0.0/16"]}, "subnets": [{"name": "app", "id": RG + "/Microsoft.Network/virtualNetworks/shop-vnet/subnets/app",
                                                                             "properties": {"addressPrefix": "10.20.1.0/24", "networkSecurityGroup": {"id": RG + "/Microsoft.Network/networkSecurityGroups/web"}}}]})]
    kv = RG + "/Microsoft.KeyVault/vaults/shop-kv"
    d[s + "/providers/Microsoft.KeyVault/vaults"] = [arm(kv, "Microsoft.KeyVault/vaults", "shop-kv",
        {"tenantId": "t-1", "sku": {"family": "A", "name": "standard"}, "enableSoftDelete": True, "enablePurgeProtection": True,
         "enableRbacAuthorization": True, "vaultUri": "https://shop-kv.vault.azure.net/"})]
    d[kv + "/keys"] = [
        {"id": kv + "/keys/signing", "name": "signing", "type": "Microsoft.KeyVault/vaults/keys", "location": "westeurope",
         "properties": {"attributes": {"enabled": True, "exp": 1772323200, "created": 1700000000}, "kty": "RSA", "keyUri": "https://shop-kv.vault.azure.net/keys/signing"}},
        {"id": kv + "/keys/legacy", "name": "legacy", "type": "Microsoft.KeyVault/vaults/keys", "location": "westeurope",
         "properties": {"attributes": {"enabled": True, "created": 1600000000}, "kty": "RSA", "keyUri": "https://shop-kv.vault.azure.net/keys/legacy"}}]
    sql = RG + "/Microsoft.Sql/servers/shop-sql"
    d[s + "/providers/Microsoft.Sql/servers"] = [arm(sql, "Microsoft.Sql/servers", "shop-sql",
        {"administratorLogin": "dbadmin", "version": "12.0", "state": "Ready", "fullyQualifiedDomainName": "shop-sql.database.windows.net",
         "publicNetworkAccess": "Enabled", "minimalTlsVersion": "1.2"}, kind="v12.0")]
    d[sql + "/firewallRules"] = [
        {"id": sql + "/firewallRules/AllowAll", "name": "AllowAll", "type": "Microsoft.Sql/servers/firewallRules", "properties": {"startIpAddress": "0.0.0.0", "endIpAddress": "255.255.255.255"}},
        {"id": sql + "/firewallRules/office", "name": "office", "type": "Microsoft.Sql/servers/firewallRules", "properties": {"startIpAddress": "198.51.100.1", "endIpAddress": "198.51.100.254"}}]
    d[sql + "/auditingSettings/default"] = {"id": sql + "/auditingSettings/Default", "name": "Default", "type": "Microsoft.Sql/servers/auditingSettings",
                                            "properties": {"state": "Enabled", "retentionDays": 90, "isAzureMonitorTargetEnabled": True}}
    d[s + "/providers/Microsoft.ContainerService/managedClusters"] = [arm(RG + "/Microsoft.ContainerService/managedClusters/shop-aks", "Microsoft.ContainerService/managedClusters", "shop-aks",
        {"kubernetesVersion": "1.29.2", "enableRBAC": True, "fqdn": "shop-aks-dns.hcp.westeurope.azmk8s.io", "apiServerAccessProfile": {"enablePrivateCluster": False}})]
    d[s + "/providers/Microsoft.ContainerRegistry/registries"] = [arm(RG + "/Microsoft.ContainerRegistry/registries/shopacr", "Microsoft.ContainerRegistry/registries", "shopacr",
        {"loginServer": "shopacr.azurecr.io", "adminUserEnabled": True, "publicNetworkAccess": "Enabled"}, sku={"name": "Standard", "tier": "Standard"})]
    d[s + "/providers/Microsoft.Authorization/roleAssignments"] = [
        {"id": s + "/providers/Microsoft.Authorization/roleAssignments/ra-1", "name": "ra-1", "type": "Microsoft.Authorization/roleAssignments",
         "properties": {"roleDefinitionId": s + "/providers/Microsoft.Authorization/roleDefinitions/8e3af657-a8ff-443c-a75c-2fe8c4bcb635",
                        "principalId": "u-guest", "principalType": "User", "scope": s}},
        {"id": s + "/providers/Microsoft.Authorization/roleAssignments/ra-2", "name": "ra-2", "type": "Microsoft.Authorization/roleAssignments",
         "properties": {"roleDefinitionId": s + "/providers/Microsoft.Authorization/roleDefinitions/acdd72a7-3385-48ef-bd42-f606fba81ae7",
                        "principalId": "sp-partner", "principalType": "ForeignGroup", "scope": s}}]
    d[s + "/providers/Microsoft.Security/pricings"] = [
        {"id": s + "/providers/Microsoft.Security/pricings/%s" % n, "name": n, "type": "Microsoft.Security/pricings", "properties": {"pricingTier": t}}
        for n, t in (("VirtualMachines", "Standard"), ("Containers", "Free"), ("StorageAccounts", "Standard"))]
    d[s + "/providers/Microsoft.Security/alerts"] = []
    s2 = "/subscriptions/%s" % SUB2
    for k in list(d):
        if k.startswith(s + "/") and "/resourceGroups/" not in k:
            d[s2 + k[len(s):]] = []
    d["/v1.0/users"] = [
        {"id": "u-1", "displayName": "Ada", "userPrincipalName": "ada@shop.example", "userType": "Member", "accountEnabled": True, "createdDateTime": "2021-01-04T10:00:00Z"},
        {"id": "u-2", "displayName": "Bob", "userPrincipalName": "bob@shop.example", "userType": "Member", "accountEnabled": False, "createdDateTime": "2020-03-01T10:00:00Z"},
        {"id": "u-guest", "displayName": "Eve (Partner)", "userPrincipalName": "eve_partner.example#EXT#@shop.onmicrosoft.com", "userType": "Guest", "accountEnabled": True, "createdDateTime": "2024-06-01T10:00:00Z"}]
    d["/v1.0/reports/authenticationMethods/userRegistrationDetails"] = [
        {"id": "u-1", "userPrincipalName": "ada@shop.example", "isAdmin": True, "isMfaRegistered": True, "isMfaCapable": True, "methodsRegistered": ["microsoftAuthenticatorPush"]},
        {"id": "u-guest", "userPrincipalName": "eve_partner.example#EXT#@shop.onmicrosoft.com", "isAdmin": False, "isMfaRegistered": False, "isMfaCapable": False, "methodsRegistered": []}]
    d["/v1.0/identity/conditionalAccess/policies"] = [
        {"id": "ca-1", "displayName": "Require MFA for admins", "state": "enabled", "conditions": {"users": {"includeRoles": ["62e90394-69f5-4237-9190-012177145e10"]}},
         "grantControls": {"operator": "OR", "builtInControls": ["mfa"]}}]
    return d


def google_data():
    g = "https://www.googleapis.com/compute/v1/projects/%s" % PROJECT
    d = {}
    d["/cloudresourcemanager/v1/projects"] = [
        {"projectNumber": PNUM, "projectId": PROJECT, "lifecycleState": "ACTIVE", "name": "Shop Prod", "createTime": "2022-02-01T10:00:00.000Z", "parent": {"type": "folder", "id": "11"}},
        {"projectNumber": "401234567891", "projectId": "shop-old-1", "lifecycleState": "DELETE_REQUESTED", "name": "Old", "createTime": "2019-02-01T10:00:00.000Z"}]
    d["/cloudasset/v1/projects/%s:searchAllIamPolicies" % PROJECT] = [
        {"resource": "//cloudresourcemanager.googleapis.com/projects/%s" % PNUM, "project": "projects/%s" % PNUM,
         "assetType": "cloudresourcemanager.googleapis.com/Project",
         "policy": {"bindings": [{"role": "roles/owner", "members": ["group:admins@shop.example"]},
                                 {"role": "roles/editor", "members": ["serviceAccount:%s" % SA_EMAIL]},
                                 {"role": "roles/viewer", "members": ["user:auditor@partner.example"]}]}}]
    d["/iam/v1/projects/%s/serviceAccounts" % PROJECT] = [
        {"name": "projects/%s/serviceAccounts/%s" % (PROJECT, SA_EMAIL), "projectId": PROJECT, "uniqueId": "1001", "email": SA_EMAIL, "displayName": "web", "oauth2ClientId": "1001"},
        {"name": "projects/%s/serviceAccounts/%s" % (PROJECT, DEFAULT_SA), "projectId": PROJECT, "uniqueId": "1002", "email": DEFAULT_SA, "displayName": "Compute Engine default service account", "oauth2ClientId": "1002"}]
    d["/iam/v1/projects/%s/serviceAccounts/%s/keys" % (PROJECT, SA_EMAIL)] = {"keys": [
        {"name": "projects/%s/serviceAccounts/%s/keys/a1b2c3" % (PROJECT, SA_EMAIL), "validAfterTime": "2024-01-10T09:00:00Z", "validBeforeTime": "9999-12-31T23:59:59Z", "keyAlgorithm": "KEY_ALG_RSA_2048", "keyOrigin": "GOOGLE_PROVIDED", "keyType": "USER_MANAGED"},
        {"name": "projects/%s/serviceAccounts/%s/keys/d4e5f6" % (PROJECT, SA_EMAIL), "validAfterTime": "2025-11-20T09:00:00Z", "validBeforeTime": "2025-12-07T09:00:00Z", "keyAlgorithm": "KEY_ALG_RSA_2048", "keyOrigin": "GOOGLE_PROVIDED", "keyType": "SYSTEM_MANAGED"}]}
    d["/iam/v1/projects/%s/serviceAccounts/%s/keys" % (PROJECT, DEFAULT_SA)] = {"keys": []}
    d["/storage/storage/v1/b"] = [
        {"kind": "storage#bucket", "selfLink": "https://www.googleapis.com/storage/v1/b/shop-exports", "id": "shop-exports", "name": "shop-exports", "projectNumber": PNUM, "location": "EU",
         "iamConfiguration": {"uniformBucketLevelAccess": {"enabled": False}, "publicAccessPrevention": "inherited"}},
        {"kind": "storage#bucket", "selfLink": "https://www.googleapis.com/storage/v1/b/shop-private", "id": "shop-private", "name": "shop-private", "projectNumber": PNUM, "location": "EU",
         "iamConfiguration": {"uniformBucketLevelAccess": {"enabled": True}, "publicAccessPrevention": "enforced"}}]
    d["/storage/storage/v1/b/shop-exports/iam"] = {"kind": "storage#policy", "resourceId": "projects/_/buckets/shop-exports", "version": 1, "etag": "CAE=",
        "bindings": [{"role": "roles/storage.objectViewer", "members": ["allUsers"]}, {"role": "roles/storage.legacyBucketOwner", "members": ["projectOwner:%s" % PROJECT]}]}
    d["/storage/storage/v1/b/shop-private/iam"] = {"kind": "storage#policy", "resourceId": "projects/_/buckets/shop-private", "version": 1, "etag": "CAE=",
        "bindings": [{"role": "roles/storage.legacyBucketOwner", "members": ["projectOwner:%s" % PROJECT]}]}
    d["/compute/compute/v1/projects/%s" % PROJECT] = {"kind": "compute#project", "id": PNUM, "name": PROJECT, "selfLink": g,
        "commonInstanceMetadata": {"kind": "compute#metadata", "items": [{"key": "serial-port-enable", "value": "true"}, {"key": "ssh-keys", "value": "alice:ssh-ed25519 AAAA..."}]}}
    d["/compute/compute/v1/projects/%s/global/firewalls" % PROJECT] = [
        {"kind": "compute#firewall", "id": "1", "name": "allow-ssh", "network": g + "/global/networks/default", "priority": 1000, "direction": "INGRESS", "disabled": False,
         "sourceRanges": ["0.0.0.0/0"], "allowed": [{"IPProtocol": "tcp", "ports": ["22"]}], "selfLink": g + "/global/firewalls/allow-ssh"},
        {"kind": "compute#firewall", "id": "2", "name": "allow-internal", "network": g + "/global/networks/default", "priority": 65534, "direction": "INGRESS", "disabled": False,
         "sourceRanges": ["10.128.0.0/9"], "allowed": [{"IPProtocol": "tcp", "ports": ["0-65535"]}, {"IPProtocol": "udp", "ports": ["0-65535"]}, {"IPProtocol": "icmp"}], "selfLink": g + "/global/firewalls/allow-internal"}]
    d["/compute/compute/v1/projects/%s/global/networks" % PROJECT] = [
        {"kind": "compute#network", "id": "3", "name": "default", "autoCreateSubnetworks": True, "routingConfig": {"routingMode": "REGIONAL"}, "selfLink": g + "/global/networks/default"}]
    d["/compute/compute/v1/projects/%s/aggregated/subnetworks" % PROJECT] = {
        "regions/europe-west1": {"subnetworks": [{"kind": "compute#subnetwork", "id": "4", "name": "default", "network": g + "/global/networks/default", "ipCidrRange": "10.132.0.0/20",
                                                  "region": g + "/regions/europe-west1", "privateIpGoogleAccess": False, "purpose": "PRIVATE", "logConfig": {"enable": False},
                                                  "selfLink": g + "/regions/europe-west1/subnetworks/default"}]},
        "regions/us-east1": {"warning": {"code": "NO_RESULTS_ON_PAGE", "message": "There are no results for scope 'regions/us-east1' on this page."}}}
    d["/compute/compute/v1/projects/%s/aggregated/instances" % PROJECT] = {
        "zones/europe-west1-b": {"instances": [{"kind": "compute#instance", "id": "5", "name": "worker-1", "zone": g + "/zones/europe-west1-b", "status": "RUNNING", "canIpForward": False,
            "serviceAccounts": [{"email": DEFAULT_SA, "scopes": ["https://www.googleapis.com/auth/cloud-platform"]}],
            "networkInterfaces": [{"network": g + "/global/networks/default", "networkIP": "10.132.0.2", "accessConfigs": [{"type": "ONE_TO_ONE_NAT", "name": "External NAT", "natIP": "203.0.113.7"}]}],
            "metadata": {"items": [{"key": "enable-oslogin", "value": "TRUE"}]}, "selfLink": g + "/zones/europe-west1-b/instances/worker-1"}]}}
    d["/container/v1/projects/%s/locations/-/clusters" % PROJECT] = {"clusters": [
        {"name": "shop-gke", "location": "europe-west1", "currentMasterVersion": "1.29.4-gke.1043002", "endpoint": "34.77.1.2", "privateClusterConfig": {"enablePrivateNodes": True},
         "masterAuthorizedNetworksConfig": {"enabled": False}, "selfLink": "https://container.googleapis.com/v1/projects/%s/locations/europe-west1/clusters/shop-gke" % PROJECT}]}
    d["/sqladmin/v1/projects/%s/instances" % PROJECT] = [
        {"kind": "sql#instance", "name": "shop-db", "project": PROJECT, "databaseVersion": "POSTGRES_15", "region": "europe-west1", "state": "RUNNABLE",
         "settings": {"tier": "db-custom-2-7680", "ipConfiguration": {"ipv4Enabled": True, "requireSsl": False, "authorizedNetworks": [{"kind": "sql#aclEntry", "name": "anywhere", "value": "0.0.0.0/0"}]},
                      "backupConfiguration": {"enabled": True}},
         "ipAddresses": [{"type": "PRIMARY", "ipAddress": "34.76.5.6"}], "selfLink": "https://sqladmin.googleapis.com/v1/projects/%s/instances/shop-db" % PROJECT}]
    d["/cloudkms/v1/projects/%s/locations" % PROJECT] = [{"name": "projects/%s/locations/global" % PROJECT, "locationId": "global"},
                                                         {"name": "projects/%s/locations/europe-west1" % PROJECT, "locationId": "europe-west1"}]
    d["/cloudkms/v1/projects/%s/locations/global/keyRings" % PROJECT] = []
    d["/cloudkms/v1/projects/%s/locations/europe-west1/keyRings" % PROJECT] = [{"name": "projects/%s/locations/europe-west1/keyRings/shop" % PROJECT, "createTime": "2023-01-01T00:00:00Z"}]
    d["/cloudkms/v1/projects/%s/locations/europe-west1/keyRings/shop/cryptoKeys" % PROJECT] = [
        {"name": "projects/%s/locations/europe-west1/keyRings/shop/cryptoKeys/data" % PROJECT, "purpose": "ENCRYPT_DECRYPT", "rotationPeriod": "31536000s",
         "nextRotationTime": "2026-06-01T00:00:00Z", "primary": {"state": "ENABLED", "protectionLevel": "SOFTWARE"}}]
    d["/artifactregistry/v1/projects/%s/locations" % PROJECT] = [{"name": "projects/%s/locations/europe-west1" % PROJECT, "locationId": "europe-west1"}]
    d["/artifactregistry/v1/projects/%s/locations/europe-west1/repositories" % PROJECT] = [
        {"name": "projects/%s/locations/europe-west1/repositories/images" % PROJECT, "format": "DOCKER", "mode": "STANDARD_REPOSITORY"}]
    d["/logging/v2/projects/%s/sinks" % PROJECT] = [{"name": "audit-to-bq", "destination": "bigquery.googleapis.com/projects/%s/datasets/audit" % PROJECT, "filter": "logName:cloudaudit"}]
    d["/securitycenter/v1/projects/%s/sources/-/findings" % PROJECT] = [
        {"finding": {"name": "organizations/11/sources/22/findings/f1", "parent": "organizations/11/sources/22", "resourceName": "//storage.googleapis.com/shop-exports",
                     "state": "ACTIVE", "category": "PUBLIC_BUCKET_ACL", "severity": "HIGH", "eventTime": "2025-11-01T00:00:00Z"}, "resource": {"name": "//storage.googleapis.com/shop-exports"}}]
    return d


ITEMS = {"projects": "projects", "searchAllIamPolicies": "results", "serviceAccounts": "accounts", "firewalls": "items", "networks": "items",
         "b": "items", "instances": "items", "locations": "locations", "keyRings": "keyRings", "cryptoKeys": "cryptoKeys",
         "repositories": "repositories", "sinks": "sinks", "findings": "listFindingsResults"}


def log(entry):
    with LOCK, open(A["log"], "a") as f:
        f.write(json.dumps(entry) + "\n")


def b64d(s):
    return base64.urlsafe_b64decode(s + "=" * (-len(s) % 4))


class H(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *a):
        pass

    def send(self, code, obj, headers=None):
        body = json.dumps(obj).encode()
        self.send_response(code)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def base(self):
        return "https://127.0.0.1:%d" % A["port"]

    def handle_any(self):
        u = urllib.parse.urlparse(self.path)
        q = dict(urllib.parse.parse_qsl(u.query))
        n = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(n).decode("utf-8", "replace") if n else ""
        auth = self.headers.get("Authorization", "")
        entry = {"method": self.command, "path": u.path, "query": u.query, "auth": auth[7:] if auth.startswith("Bearer ") else auth}
        if self.command == "POST":
            form = dict(urllib.parse.parse_qsl(body))
            entry["form"] = sorted(form)
            entry["secret_seen"] = A["client_secret"] in body
            entry["assertion_seen"] = "assertion" in form
        log(entry)
        if A["mode"] == "sink":
            return self.send(200, {})
        if self.command == "POST":
            return self.token(u.path, dict(urllib.parse.parse_qsl(body)))
        if self.command != "GET":
            return self.send(405, {"error": {"code": "MethodNotAllowed", "message": "read-only fixture"}})
        google = not (u.path.startswith("/subscriptions") or u.path.startswith("/v1.0/"))
        if auth[7:] not in STATE["valid"] and auth[7:] not in STATE["expired"]:
            return self.fail(401, google, "InvalidAuthenticationToken", "The access token is invalid.")
        if auth[7:] in STATE["expired"]:
            return self.fail(401, google, "ExpiredAuthenticationToken", "The access token expiry UTC time '11/30/2026 1:00:00 AM' is earlier than current UTC time.")
        for p in A["deny"]:
            if p in u.path:
                return self.fail(403, google, "AuthorizationFailed", "The client 'app-1' does not have authorization to perform this read over scope '%s'." % u.path)
        for p in A["throttle"]:
            if p in u.path and p not in STATE["throttled"]:
                STATE["throttled"].add(p)
                return self.send(429, {"error": {"code": "TooManyRequests", "message": "Rate limit exceeded."}}, {"Retry-After": "1"})
        if u.path.startswith("/v1.0/"):
            return self.graph(u.path, q)
        if not google:
            return self.arm(u.path, q)
        return self.google(u.path, q)

    do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = handle_any

    def fail(self, code, google, azcode, msg):
        if google:
            status = {401: "UNAUTHENTICATED", 403: "PERMISSION_DENIED", 404: "NOT_FOUND"}.get(code, "UNKNOWN")
            return self.send(code, {"error": {"code": code, "message": msg, "status": status}})
        return self.send(code, {"error": {"code": azcode, "message": msg}})

    def token(self, path, form):
        if A["token_redirect"]:
            self.send_response(307)
            self.send_header("Location", A["token_redirect"] + path)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        if path.endswith("/oauth2/v2.0/token"):
            if form.get("grant_type") != "client_credentials" or form.get("client_id") != A["client_id"] or form.get("client_secret") != A["client_secret"]:
                return self.send(401, {"error": "invalid_client", "error_description": "AADSTS7000215: Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID."})
            scope = form.get("scope", "")
            with LOCK:
                STATE["arm_tokens"] += "management" in scope
                tok = "eyJ0eXAi.%s.%d" % ("graph" if "graph" in scope else "arm", len(STATE["valid"]) + len(STATE["expired"]))
                if A["expire"] and "management" in scope and STATE["arm_tokens"] == 1:
                    STATE["expired"].add(tok)
                else:
                    STATE["valid"].add(tok)
            return self.send(200, {"token_type": "Bearer", "expires_in": 3599, "ext_expires_in": 3599, "access_token": tok})
        if path == "/oauth2/exchange":
            # Azure Container Registry: an Entra ID token for Resource Manager becomes an ACR refresh token.
            ok = (form.get("grant_type") == "access_token" and form.get("service") == "127.0.0.1:%d" % A["port"]
                  and form.get("access_token") in STATE["valid"] and ".arm." in form.get("access_token", "") and form.get("tenant"))
            if not ok:
                return self.send(401, {"errors": [{"code": "UNAUTHORIZED", "message": "authentication required"}]})
            return self.send(200, {"refresh_token": "acr-refresh-canary-%d" % len(STATE["valid"])})
        if path == "/google-token":
            try:
                from cryptography.hazmat.primitives import hashes, serialization
                from cryptography.hazmat.primitives.asymmetric import padding
                h, c, s = form["assertion"].split(".")
                with open(A["pubkey"], "rb") as f:
                    pub = serialization.load_pem_public_key(f.read())
                pub.verify(b64d(s), (h + "." + c).encode(), padding.PKCS1v15(), hashes.SHA256())
                hdr, claims = json.loads(b64d(h)), json.loads(b64d(c))
                assert form.get("grant_type") == "urn:ietf:params:oauth:grant-type:jwt-bearer"
                assert hdr["alg"] == "RS256" and claims["aud"] == self.base() + "/google-token"
                assert claims["scope"] == "https://www.googleapis.com/auth/cloud-platform.read-only"
                assert claims["exp"] - claims["iat"] == 3600 and abs(claims["iat"] - time.time()) < 300
            except Exception as e:  # noqa: BLE001 - any failure is an invalid grant
                return self.send(400, {"error": "invalid_grant", "error_description": "Invalid JWT Signature. (%s)" % type(e).__name__})
            tok = "ya29.fixture-%d" % len(STATE["valid"])
            with LOCK:
                STATE["valid"].add(tok)
            return self.send(200, {"access_token": tok, "expires_in": 3599, "token_type": "Bearer"})
        return self.send(404, {"error": "not_found"})

    def page(self, items, q, key):
        start = int(q.get(key, "0") or 0)
        return items[start:start + A["page"]], (start + A["page"] if start + A["page"] < len(items) else None)

    def arm(self, path, q):
        d = AZ.get(path) if path in AZ else next((v for k, v in AZ.items() if k.lower() == path.lower()), None)
        if d is None:
            return self.fail(404, False, "ResourceNotFound", "The Resource '%s' was not found." % path)
        if "api-version" not in q:
            return self.fail(400, False, "MissingApiVersionParameter", "The api-version query parameter (?api-version=) is required for all requests.")
        if isinstance(d, dict):
            return self.send(200, d)
        items, nxt = self.page(d, q, "$skiptoken")
        out = {"value": items}
        if nxt is not None:
            out["nextLink"] = "%s%s?api-version=%s&$skiptoken=%d" % (A["nextlink"] or self.base(), path, q["api-version"], nxt)
        return self.send(200, out)

    def graph(self, path, q):
        d = AZ.get(path)
        if d is None:
            return self.send(404, {"error": {"code": "Request_ResourceNotFound", "message": "Resource not found."}})
        items, nxt = self.page(d, q, "$skiptoken")
        out = {"@odata.context": "https://graph.microsoft.com/v1.0/$metadata#%s" % path.split("/")[-1], "value": items}
        if nxt is not None:
            out["@odata.nextLink"] = "%s%s?$skiptoken=%d" % (self.base(), path, nxt)
        return self.send(200, out)

    def google(self, path, q):
        d = GO.get(path)
        if d is None:
            return self.fail(404, True, "", "The requested URL %s was not found on this server." % path)
        if path == "/storage/storage/v1/b" and q.get("project") != PROJECT:
            return self.send(200, {"kind": "storage#buckets"})
        if isinstance(d, dict) and not path.split("/")[-1].startswith("aggregated") and "/aggregated/" not in path:
            return self.send(200, d)
        start = int(q.get("pageToken", "0") or 0)
        if "/aggregated/" in path:
            keys = sorted(d)
            part = {k: d[k] for k in keys[start:start + A["page"]]}
            out = {"kind": "compute#aggregatedList", "items": part}
            nxt = start + A["page"] if start + A["page"] < len(keys) else None
        else:
            items, nxt = self.page(d, q, "pageToken")
            last = path.split("/")[-1].split(":")[-1]
            out = {ITEMS.get(last, "items"): items}
        if nxt is not None:
            out["nextPageToken"] = str(nxt)
        return self.send(200, out)


class S(http.server.ThreadingHTTPServer):
    daemon_threads = True


def main():
    args = sys.argv[1:]
    cert = key = None
    i = 0
    while i < len(args):
        a = args[i]
        if a == "--tls":
            cert, key = args[i + 1], args[i + 2]
            i += 3
            continue
        if a == "--expire":
            A["expire"] = True
            i += 1
            continue
        v = args[i + 1]
        if a in ("--deny", "--throttle"):
            A[a[2:]].append(v)
        elif a == "--page":
            A["page"] = int(v)
        elif a == "--token-redirect":
            A["token_redirect"] = v
        elif a == "--nextlink-base":
            A["nextlink"] = v
        elif a in ("--log", "--data", "--pubkey", "--mode", "--dump"):
            A[a[2:]] = v
        elif a == "--client-id":
            A["client_id"] = v
        elif a == "--client-secret":
            A["client_secret"] = v
        i += 2
    global AZ, GO
    AZ = azure_data() if A["data"] else {}
    GO = google_data()
    if A.get("dump"):
        # The Azure answers as an export: one file per list, as `az rest` or an ARM GET would save them.
        os.makedirs(A["dump"], exist_ok=True)
        for n, (path, d) in enumerate(sorted(AZ.items())):
            with open(os.path.join(A["dump"], "%03d.json" % n), "w") as f:
                json.dump(d if isinstance(d, dict) else {"value": d}, f, indent=1)
        return
    srv = S(("127.0.0.1", 0), H)
    A["port"] = srv.server_address[1]
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(cert, key)
    srv.socket = ctx.wrap_socket(srv.socket, server_side=True)
    print(A["port"], flush=True)
    srv.serve_forever()


AZ, GO = {}, {}
if __name__ == "__main__":
    main()
