#!/bin/sh
# azure-export and gcp-export at estate size: a Cloud Asset Inventory export of 100000 assets
# (newline-delimited, camelCase as `gcloud asset export` writes it: firewalls, instances, buckets with IAM
# policies, service accounts with keys) and an ARM export of 20000 resources, collected and assessed with
# the Azure and GCP packs: the collect stage, then the assess stage.  Median of 3 runs.
set -u
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/eng/cai" "$tmp/eng/arm"
python3 - "$tmp/eng" <<'PY'
import json, sys
d = sys.argv[1]
with open(d + "/cai/export.json", "w") as f:
    for i in range(20000):
        p = "proj-%d" % (i % 50)
        g = "https://www.googleapis.com/compute/v1/projects/" + p
        rows = [
            {"name": "//compute.googleapis.com/projects/%s/global/firewalls/fw-%d" % (p, i), "assetType": "compute.googleapis.com/Firewall",
             "resource": {"data": {"name": "fw-%d" % i, "direction": "INGRESS", "priority": 1000, "sourceRanges": ["0.0.0.0/0"] if i % 7 == 0 else ["10.0.0.0/8"],
                                   "allowed": [{"IPProtocol": "tcp", "ports": ["22", "443"]}], "network": g + "/global/networks/default"}}},
            {"name": "//compute.googleapis.com/projects/%s/zones/z/instances/vm-%d" % (p, i), "assetType": "compute.googleapis.com/Instance",
             "resource": {"data": {"name": "vm-%d" % i, "zone": g + "/zones/europe-west1-b", "canIpForward": i % 11 == 0,
                                   "serviceAccounts": [{"email": "1-compute@developer.gserviceaccount.com", "scopes": ["https://www.googleapis.com/auth/cloud-platform"]}],
                                   "networkInterfaces": [{"network": g, "accessConfigs": [{"type": "ONE_TO_ONE_NAT", "natIP": "203.0.113.1"}]}]}}},
            {"name": "//storage.googleapis.com/b-%d" % i, "assetType": "storage.googleapis.com/Bucket",
             "resource": {"data": {"name": "b-%d" % i, "projectNumber": "1", "iamConfiguration": {"uniformBucketLevelAccess": {"enabled": i % 3 == 0}}}}},
            {"name": "//storage.googleapis.com/b-%d" % i, "assetType": "storage.googleapis.com/Bucket",
             "iamPolicy": {"bindings": [{"role": "roles/storage.objectViewer", "members": ["allUsers" if i % 13 == 0 else "group:g@x"]}]}},
            {"name": "//iam.googleapis.com/projects/%s/serviceAccounts/sa-%d@%s.iam.gserviceaccount.com/keys/k%d" % (p, i, p, i),
             "assetType": "iam.googleapis.com/ServiceAccountKey", "resource": {"data": {"keyType": "USER_MANAGED", "validAfterTime": "2024-01-01T00:00:00Z"}}},
        ]
        for r in rows:
            f.write(json.dumps(r) + "\n")
sub = "/subscriptions/0b1f6471-1bf0-4dda-aec3-111122223333/resourceGroups/rg/providers/"
with open(d + "/arm/resources.json", "w") as f:
    v = []
    for i in range(10000):
        v.append({"id": sub + "Microsoft.Storage/storageAccounts/st%d" % i, "type": "Microsoft.Storage/storageAccounts", "name": "st%d" % i,
                  "properties": {"supportsHttpsTrafficOnly": i % 5 != 0, "minimumTlsVersion": "TLS1_2", "networkAcls": {"defaultAction": "Deny"}}})
        v.append({"id": sub + "Microsoft.Network/networkSecurityGroups/nsg%d" % i, "type": "Microsoft.Network/networkSecurityGroups", "name": "nsg%d" % i,
                  "properties": {"securityRules": [{"name": "r", "properties": {"protocol": "Tcp", "destinationPortRange": "22", "sourceAddressPrefix": "Internet" if i % 9 == 0 else "10.0.0.0/8",
                                                                                 "access": "Allow", "priority": 100, "direction": "Inbound"}}]}})
    json.dump({"value": v}, f)
with open(d + "/engagement.yaml", "w") as f:
    f.write("name: Bench\nclient: B\nas_of: 2026-01-01\ncompanies:\n  - id: b\n    name: B\n    role: target\n    sources:\n"
            "      - {type: gcp-export, paths: [cai]}\n      - {type: azure-export, paths: [arm]}\n")
PY
for i in 1 2 3; do
	rm -rf "$tmp/eng/engagement.vetter"
	s=$(date +%s%N)
	"$VETTER_BIN" run "$tmp/eng/engagement.yaml" --only collect --quiet --no-progress >/dev/null 2>&1
	m=$(date +%s%N)
	"$VETTER_BIN" run "$tmp/eng/engagement.yaml" --only scan --quiet --no-progress >/dev/null 2>&1
	"$VETTER_BIN" run "$tmp/eng/engagement.yaml" --only assess --quiet --no-progress >"$tmp/assess.log" 2>&1
	e=$(date +%s%N)
	echo "$(( (m - s) / 1000000 )) $(( (e - m) / 1000000 ))"
done | sort -n | sed -n 2p | awk '{ printf "cloud exports (100000 CAI assets + 20000 ARM resources): collect %.2f s, assess %.2f s (median of 3)\n", $1 / 1000, $2 / 1000 }'
