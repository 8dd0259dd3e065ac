/*
 * kit azure: the Azure CLI's `az rest` GETs of the azure source's call table
 * (connectors/cloud_api.c), so the bundle gives the same assets as a live
 * read: the answers are Resource Manager's and Graph's own JSON, page by page
 * (nextLink and @odata.nextLink followed by the script), read back by the
 * normaliser the azure and azure-export sources use.
 */
#include "kit.h"

/* Per subscription: the lists of the call table (api versions as the live source asks). */
static const char *const lists[][2] = {
	{ "resourcegroups", "resourcegroups?api-version=2021-04-01" },
	{ "storage", "providers/Microsoft.Storage/storageAccounts?api-version=2023-01-01" },
	{ "nsgs", "providers/Microsoft.Network/networkSecurityGroups?api-version=2023-09-01" },
	{ "vnets", "providers/Microsoft.Network/virtualNetworks?api-version=2023-09-01" },
	{ "vaults", "providers/Microsoft.KeyVault/vaults?api-version=2023-07-01" },
	{ "sqlservers", "providers/Microsoft.Sql/servers?api-version=2021-11-01" },
	{ "aks", "providers/Microsoft.ContainerService/managedClusters?api-version=2024-02-01" },
	{ "acr", "providers/Microsoft.ContainerRegistry/registries?api-version=2023-07-01" },
	{ "roleassignments", "providers/Microsoft.Authorization/roleAssignments?api-version=2022-04-01" },
	{ "pricings", "providers/Microsoft.Security/pricings?api-version=2024-01-01" },
	{ "alerts", "providers/Microsoft.Security/alerts?api-version=2022-01-01" },
};

static int body(struct strbuf *out)
{
	size_t i;

	/*
	 * vk_pages FILE URL: every page of a list, FILE.N.json each; the next page's
	 * link read from the last, followed only to the API that gave it (1000 pages at most).
	 */
	strbuf_addstr(out,
		      "AZ=${AZ:-az}\n"
		      "ARM=https://management.azure.com\n"
		      "GRAPH=https://graph.microsoft.com/v1.0\n"
		      "vk_pages() {\n"
		      "\tvk_p=0\n"
		      "\tvk_u=$2\n"
		      "\twhile [ -n \"$vk_u\" ] && [ \"$vk_p\" -lt 1000 ]; do\n"
		      "\t\tvk_run \"$1.$vk_p.json\" az $AZ rest --method get --url \"$vk_u\"\n"
		      "\t\tvk_u=$(sed -n 's/^ *\"\\(@odata\\.\\)\\{0,1\\}nextLink\": *\"\\([^\"]*\\)\".*/\\2/p' \"$1.$vk_p.json\" | head -n 1)\n"
		      "\t\tcase \"$vk_u\" in \"$ARM\"/*|\"$GRAPH\"/*) ;; *) vk_u= ;; esac\n"
		      "\t\tvk_p=$((vk_p + 1))\n"
		      "\tdone\n"
		      "}\n"
		      "vk_note \"  az account: $($AZ account show --query user.name -o tsv 2>/dev/null || echo unknown)\"\n"
		      "vk_pages azure/subscriptions \"$ARM/subscriptions?api-version=2022-12-01\"\n"
		      "for SUB in $(cat azure/subscriptions.*.json | sed -n 's/^ *\"subscriptionId\": *\"\\([0-9a-fA-F-]*\\)\".*/\\1/p' | sort -u); do\n");
	for (i = 0; i < sizeof(lists) / sizeof(lists[0]); i++)
		strbuf_addf(out, "\tvk_pages \"azure/$SUB-%s\" \"$ARM/subscriptions/$SUB/%s\"\n", lists[i][0], lists[i][1]);
	strbuf_addstr(out,
		      "\tfor ID in $(cat azure/$SUB-vaults.*.json | sed -n 's/^ *\"id\": *\"\\(\\/subscriptions\\/[^\"]*\\/vaults\\/[^\"/]*\\)\".*/\\1/p'); do\n"
		      "\t\tvk_pages \"azure/$SUB-keys-${ID##*/}\" \"$ARM$ID/keys?api-version=2023-07-01\"\n"
		      "\tdone\n"
		      "\tfor ID in $(cat azure/$SUB-sqlservers.*.json | sed -n 's/^ *\"id\": *\"\\(\\/subscriptions\\/[^\"]*\\/servers\\/[^\"/]*\\)\".*/\\1/p'); do\n"
		      "\t\tvk_pages \"azure/$SUB-sqlfw-${ID##*/}\" \"$ARM$ID/firewallRules?api-version=2021-11-01\"\n"
		      "\t\tvk_run \"azure/$SUB-sqlaudit-${ID##*/}.json\" az $AZ rest --method get --url \"$ARM$ID/auditingSettings/default?api-version=2021-11-01\"\n"
		      "\tdone\n"
		      "done\n"
		      "vk_pages azure/users \"$GRAPH/users?\\$select=id,displayName,userPrincipalName,userType,accountEnabled,createdDateTime\"\n"
		      "vk_pages azure/mfa \"$GRAPH/reports/authenticationMethods/userRegistrationDetails\"\n");
	return strbuf_addstr(out, "vk_pages azure/conditional-access \"$GRAPH/identity/conditionalAccess/policies\"\n");
}

const struct kit kit_azure = {
	"azure",
	"an Azure estate's configuration (az rest GETs of Resource Manager and Microsoft Graph)",
	"the Azure CLI (az 2.50 or later), logged in (az login) as a user or principal with Reader and Security Reader "
	"on the subscriptions, and User.Read.All, AuditLog.Read.All and Policy.Read.All in the directory for its part",
	"sh vetter-kit-azure.sh [BUNDLE_DIR]   (AZ='az' names the CLI)",
	"the subscriptions the login sees, and in each: resource groups, storage accounts, network security\n"
	"  groups, virtual networks, key vaults and their keys' attributes, SQL servers with firewall rules\n"
	"  and auditing settings, AKS clusters, container registries, role assignments, Defender for Cloud\n"
	"  plans and alerts\n"
	"the directory's users (guests included), their MFA registration, conditional access policies",
	"no key, secret or certificate values: vaults are read through Resource Manager, never their data plane\n"
	"no storage account keys, connection strings or SAS tokens (no list-keys calls)\n"
	"no data from storage, databases or logs; nothing is created, changed or deleted (GET only)",
	body,
};
