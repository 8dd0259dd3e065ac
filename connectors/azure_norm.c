/*
 * Azure Resource Manager and Microsoft Graph records to resource documents
 * (cloud_norm.h).
 *
 * ARM ids are case-insensitive, and Resource Graph lower-cases types, so
 * records are keyed by their lower-cased id and types compared without
 * case.  Properties are read under "properties" (ARM, Resource Graph) or at
 * the top (the flattened shape `az` prints for some commands).
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "cloud_norm.h"
#include "core/err.h"
#include "core/jsonx.h"
#include "core/strbuf.h"
#include "core/util.h"

#define AZ_MAX_ID 2048

struct azure_set {
	json_t *res;      /* lower id -> ARM resource */
	json_t *children; /* lower parent id -> {"keys": [...], "firewall": [...], "auditing": {...}, "pricings": {...}} */
	json_t *subs;     /* subscription id -> {"name": ...} */
	json_t *users;    /* object id -> user */
	json_t *mfa;      /* object id -> registration details */
	json_t *policies; /* id -> conditional access policy */
	json_t *marks;    /* lower id -> {what: reason|null} */
	struct cloud_stats st;
};

int azure_set_new(struct azure_set **out)
{
	struct azure_set *s = calloc(1, sizeof(*s));

	*out = NULL;
	if (!s || !(s->res = json_object()) || !(s->children = json_object()) || !(s->subs = json_object()) ||
	    !(s->users = json_object()) || !(s->mfa = json_object()) || !(s->policies = json_object()) ||
	    !(s->marks = json_object())) {
		azure_set_free(s);
		return err_set(ERR_NOMEM, "out of memory");
	}
	*out = s;
	return 0;
}

void azure_set_free(struct azure_set *s)
{
	if (!s)
		return;
	json_decref(s->res);
	json_decref(s->children);
	json_decref(s->subs);
	json_decref(s->users);
	json_decref(s->mfa);
	json_decref(s->policies);
	json_decref(s->marks);
	free(s);
}

void azure_set_stats(const struct azure_set *s, struct cloud_stats *st)
{
	*st = s->st;
}

static void lower(struct strbuf *out, const char *s, size_t n)
{
	size_t i;

	strbuf_reset(out);
	for (i = 0; i < n && s[i]; i++)
		strbuf_addch(out, tolower((unsigned char)s[i]));
}

/* The subscription of an ARM id ("/subscriptions/X/..."), lower-cased. */
static void subscription_of(const char *id, struct strbuf *out)
{
	const char *p = id && !strncasecmp(id, "/subscriptions/", 15) ? id + 15 : NULL, *e;

	strbuf_reset(out);
	if (!p)
		return;
	e = strchr(p, '/');
	lower(out, p, e ? (size_t)(e - p) : strlen(p));
}

/* The parent of a child resource: the id up to "/<segment>/", found without case. */
static int parent_of(const char *id, const char *segment, struct strbuf *out)
{
	struct strbuf l = STRBUF_INIT;
	char pat[64];
	const char *p;
	int rc = -1;

	lower(&l, id, strlen(id));
	snprintf(pat, sizeof(pat), "/%s/", segment);
	if ((p = strstr(l.buf, pat))) {
		strbuf_reset(out);
		strbuf_add(out, l.buf, (size_t)(p - l.buf));
		rc = 0;
	}
	strbuf_release(&l);
	return rc;
}

static json_t *child(struct azure_set *s, const char *parent, const char *what, int list)
{
	json_t *c = json_object_get(s->children, parent), *w;

	if (!c) {
		c = json_object();
		json_object_set_new(s->children, parent, c);
	}
	if (!(w = json_object_get(c, what))) {
		w = list ? json_array() : json_object();
		json_object_set_new(c, what, w);
	}
	return w;
}

static const json_t *props(const json_t *r)
{
	const json_t *p = json_object_get(r, "properties");

	return json_is_object(p) ? p : r;
}

static int add_resource(struct azure_set *s, const json_t *r)
{
	const char *id = jsonx_str(r, "id"), *type = jsonx_str(r, "type");
	struct strbuf key = STRBUF_INIT, parent = STRBUF_INIT;
	int rc = 0;

	if (!id || !type || strlen(id) > AZ_MAX_ID || strlen(type) > 256) {
		s->st.skipped++;
		return 0;
	}
	if (++s->st.records > CLOUD_MAX_RECORDS)
		return err_set(ERR_LIMIT, "more than %d Azure records", CLOUD_MAX_RECORDS);
	lower(&key, id, strlen(id));
	if (!strcasecmp(type, "Microsoft.Sql/servers/firewallRules") && parent_of(id, "firewallrules", &parent) == 0) {
		json_array_append(child(s, parent.buf, "firewall", 1), (json_t *)r);
	} else if (!strcasecmp(type, "Microsoft.Sql/servers/auditingSettings") && parent_of(id, "auditingsettings", &parent) == 0) {
		json_t *c = json_object_get(s->children, parent.buf);

		if (!c) {
			c = json_object();
			json_object_set_new(s->children, parent.buf, c);
		}
		json_object_set(c, "auditing", (json_t *)r);
	} else if (!strcasecmp(type, "Microsoft.KeyVault/vaults/keys") && parent_of(id, "keys", &parent) == 0) {
		json_array_append(child(s, parent.buf, "keys", 1), (json_t *)r);
	} else if (!strcasecmp(type, "Microsoft.Security/pricings")) {
		subscription_of(id, &parent);
		if (parent.len)
			json_object_set_new(child(s, parent.buf, "pricings", 0), jsonx_strz(r, "name"),
					    cloud_str(props(r), "pricingTier"));
	} else if (!strcasecmp(type, "Microsoft.Resources/subscriptions")) {
		subscription_of(id, &parent);
		if (parent.len)
			json_object_set_new(s->subs, parent.buf, json_pack("{s:o}", "name", cloud_str(r, "name")));
	} else if (json_object_set(s->res, key.buf, (json_t *)r) < 0) {
		rc = err_set(ERR_NOMEM, "out of memory");
	}
	strbuf_release(&key);
	strbuf_release(&parent);
	return rc;
}

/* One record: an ARM resource, a subscription as listed, or a Microsoft Graph object. */
static int add_record(struct azure_set *s, const json_t *r)
{
	const char *oid = jsonx_str(r, "id");
	struct strbuf l = STRBUF_INIT;

	if (!json_is_object(r)) {
		s->st.skipped++;
		return 0;
	}
	if (jsonx_str(r, "type"))
		return add_resource(s, r);
	if (!oid || strlen(oid) > AZ_MAX_ID) {
		s->st.skipped++;
		return 0;
	}
	if (++s->st.records > CLOUD_MAX_RECORDS)
		return err_set(ERR_LIMIT, "more than %d Azure records", CLOUD_MAX_RECORDS);
	if (jsonx_str(r, "subscriptionId") && !strncasecmp(oid, "/subscriptions/", 15)) {
		lower(&l, jsonx_str(r, "subscriptionId"), 64);
		json_object_set_new(s->subs, l.buf, json_pack("{s:o, s:o}", "name", cloud_str(r, "displayName"), "state",
							      cloud_str(r, "state")));
	} else if (jsonx_str(r, "cloudName") && jsonx_str(r, "tenantId") && !strchr(oid, '/')) {
		/* `az account list`: the subscription id as "id", its name as "name". */
		lower(&l, oid, 64);
		json_object_set_new(s->subs, l.buf, json_pack("{s:o, s:o}", "name", cloud_str(r, "name"), "state",
							      cloud_str(r, "state")));
	} else if (jsonx_str(r, "userPrincipalName") && json_object_get(r, "isMfaRegistered")) {
		json_object_set(s->mfa, oid, (json_t *)r);
	} else if (jsonx_str(r, "userPrincipalName")) {
		json_object_set(s->users, oid, (json_t *)r);
	} else if (json_object_get(r, "conditions") && json_object_get(r, "state")) {
		json_object_set(s->policies, oid, (json_t *)r);
	} else {
		s->st.records--;
		s->st.skipped++;
	}
	strbuf_release(&l);
	return 0;
}

int azure_set_add(struct azure_set *s, const json_t *v, const char *name)
{
	const json_t *item, *resp;
	size_t i;
	int rc;

	if (json_is_array(v)) {
		s->st.lists++;
		json_array_foreach(v, i, item)
			if ((rc = azure_set_add(s, item, name)) < 0)
				return rc;
		return 0;
	}
	if (!json_is_object(v)) {
		s->st.skipped++;
		return 0;
	}
	/* An azure-rest-api-specs example: the 200 answer's body. */
	if ((resp = json_object_get(v, "responses"))) {
		const json_t *ok = json_object_get(resp, "200");

		return ok ? azure_set_add(s, json_object_get(ok, "body"), name) : 0;
	}
	if (json_is_array(json_object_get(v, "value")))
		return azure_set_add(s, json_object_get(v, "value"), name);
	if (json_is_array(json_object_get(v, "data")))
		return azure_set_add(s, json_object_get(v, "data"), name);
	return add_record(s, v);
}

int azure_set_add_text(struct azure_set *s, const char *buf, size_t len, const char *name)
{
	size_t before = s->st.records;
	json_t *all = NULL;
	int rc;

	if ((rc = cloud_parse_multi(buf, len, name, &all)) < 0)
		return rc;
	rc = azure_set_add(s, all, name);
	json_decref(all);
	if (rc == 0 && s->st.records == before)
		rc = err_set(ERR_PARSE, "%s: no Azure resource (an object with id and type), subscription or "
				       "Microsoft Graph user or policy", name);
	return rc;
}

int azure_set_mark(struct azure_set *s, const char *id, const char *what, const char *reason)
{
	struct strbuf l = STRBUF_INIT;
	json_t *m;
	int rc = 0;

	lower(&l, id, AZ_MAX_ID);
	if (!(m = json_object_get(s->marks, l.buf))) {
		m = json_object();
		json_object_set_new(s->marks, l.buf, m);
	}
	if (json_object_set_new(m, what, reason ? json_string(reason) : json_null()) < 0)
		rc = err_set(ERR_NOMEM, "out of memory");
	strbuf_release(&l);
	return rc;
}

/* ---- documents ---- */

/* 1 read (a listing or a mark), -1 refused (*why), 0 unknown. */
static int read_state(const struct azure_set *s, const char *lid, const char *what, const char **why)
{
	const json_t *m = json_object_get(json_object_get(s->marks, lid), what);

	if (json_is_string(m)) {
		*why = json_string_value(m);
		return -1;
	}
	if (m || json_object_get(json_object_get(s->children, lid), what))
		return 1;
	return 0;
}

static void flag(json_t *doc, const char *dataset, int have, const char *why)
{
	json_t *u;

	if (have) {
		json_array_append_new(json_object_get(doc, "collected"), json_string(dataset));
		return;
	}
	if (!(u = json_object_get(doc, "unreadable"))) {
		u = json_object();
		json_object_set_new(doc, "unreadable", u);
	}
	json_object_set_new(u, dataset, json_string(why));
}

static json_t *new_doc(const char *kind, const json_t *r, const char *sub)
{
	return json_pack("{s:s, s:s, s:o, s:s, s:o, s:[]}", "kind", kind, "subscription_id", sub, "id", cloud_str(r, "id"),
			 "name", jsonx_strz(r, "name"), "location", cloud_str(r, "location"), "collected");
}

/* NSG rules in the shape of docs/resources.md: inbound to ingress, outbound to egress. */
static void nsg_rules(json_t *doc, const json_t *list)
{
	const json_t *r, *x;
	size_t i, j;

	json_array_foreach(list, i, r) {
		const json_t *p = props(r);
		json_t *ports = json_array(), *sources = json_array(), *rule;
		int in = strcasecmp(jsonx_strz(p, "direction"), "Outbound") != 0;

		if (jsonx_str(p, "destinationPortRange"))
			json_array_append_new(ports, cloud_str(p, "destinationPortRange"));
		json_array_foreach(json_object_get(p, "destinationPortRanges"), j, x)
			if (json_is_string(x))
				json_array_append(ports, (json_t *)x);
		if (jsonx_str(p, in ? "sourceAddressPrefix" : "destinationAddressPrefix"))
			json_array_append_new(sources, cloud_str(p, in ? "sourceAddressPrefix" : "destinationAddressPrefix"));
		json_array_foreach(json_object_get(p, in ? "sourceAddressPrefixes" : "destinationAddressPrefixes"), j, x)
			if (json_is_string(x))
				json_array_append(sources, (json_t *)x);
		rule = json_pack("{s:o, s:I, s:s, s:s, s:o, s:o}", "name", cloud_str(r, "name"), "priority",
				 (json_int_t)jsonx_int(p, "priority", 65535), "action",
				 strcasecmp(jsonx_strz(p, "access"), "Deny") ? "allow" : "deny", "protocol",
				 jsonx_str(p, "protocol") ? jsonx_str(p, "protocol") : "*", "ports", ports, "sources", sources);
		json_array_append_new(json_object_get(doc, in ? "ingress" : "egress"), rule);
	}
}

static json_t *doc_nsg(const json_t *r, const char *sub)
{
	json_t *doc = new_doc("azure.network.nsg", r, sub);
	const json_t *p = props(r);

	json_object_set_new(doc, "ingress", json_array());
	json_object_set_new(doc, "egress", json_array());
	nsg_rules(doc, json_object_get(p, "securityRules"));
	nsg_rules(doc, json_object_get(p, "defaultSecurityRules"));
	flag(doc, "azure.network.nsgs", 1, NULL);
	return doc;
}

static json_t *doc_storage(const json_t *r, const char *sub)
{
	json_t *doc = new_doc("azure.storage.account", r, sub);
	const json_t *p = props(r), *acl = json_object_get(p, "networkAcls");

	json_object_set_new(doc, "https_only", json_boolean(jsonx_bool(p, "supportsHttpsTrafficOnly", 1)));
	if (jsonx_str(p, "minimumTlsVersion"))
		json_object_set_new(doc, "min_tls_version", cloud_str(p, "minimumTlsVersion"));
	/* Not set means enabled: public network access is the default. */
	json_object_set_new(doc, "public_network_access",
			    json_string(jsonx_str(p, "publicNetworkAccess") ? jsonx_str(p, "publicNetworkAccess") : "Enabled"));
	json_object_set_new(doc, "network_default_action",
			    json_string(jsonx_str(acl, "defaultAction") ? jsonx_str(acl, "defaultAction") : "Allow"));
	if (json_is_boolean(json_object_get(p, "allowBlobPublicAccess")))
		json_object_set(doc, "allow_blob_public_access", json_object_get(p, "allowBlobPublicAccess"));
	json_object_set_new(doc, "allow_shared_key_access", json_boolean(jsonx_bool(p, "allowSharedKeyAccess", 1)));
	json_object_set_new(doc, "encryption_key_source", cloud_str(json_object_get(p, "encryption"), "keySource"));
	flag(doc, "azure.storage.accounts", 1, NULL);
	return doc;
}

static void iso_from_epoch(const json_t *v, char out[32])
{
	time_t t;
	struct tm tm;

	out[0] = 0;
	if (!json_is_integer(v) || json_integer_value(v) < 0 || json_integer_value(v) > 253402300799LL)
		return;
	t = (time_t)json_integer_value(v);
	if (gmtime_r(&t, &tm))
		strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static json_t *doc_vault(const struct azure_set *s, const json_t *r, const char *sub, const char *lid)
{
	json_t *doc = new_doc("azure.keyvault.vault", r, sub), *keys = json_array();
	const json_t *p = props(r), *k;
	const char *why = "the export holds the vault but not its keys";
	size_t i;
	int st;

	json_object_set_new(doc, "soft_delete", json_boolean(jsonx_bool(p, "enableSoftDelete", 1)));
	json_object_set_new(doc, "purge_protection", json_boolean(jsonx_bool(p, "enablePurgeProtection", 0)));
	json_object_set_new(doc, "rbac_authorization", json_boolean(jsonx_bool(p, "enableRbacAuthorization", 0)));
	json_object_set_new(doc, "public_network_access", cloud_str(p, "publicNetworkAccess"));
	json_array_foreach(json_object_get(json_object_get(s->children, lid), "keys"), i, k) {
		const json_t *a = json_object_get(props(k), "attributes");
		json_t *key = json_pack("{s:o, s:b}", "name", cloud_str(k, "name"), "enabled", jsonx_bool(a, "enabled", 1));
		char iso[32];

		iso_from_epoch(json_object_get(a, "exp"), iso);
		if (iso[0])
			json_object_set_new(key, "expires", json_string(iso));
		json_array_append_new(keys, key);
	}
	json_object_set_new(doc, "keys", keys);
	st = read_state(s, lid, "keys", &why);
	flag(doc, "azure.keyvault.vaults", st > 0, why);
	return doc;
}

static json_t *doc_sql(const struct azure_set *s, const json_t *r, const char *sub, const char *lid)
{
	json_t *doc = new_doc("azure.sql.server", r, sub), *rules = json_array();
	const json_t *c = json_object_get(s->children, lid), *a = json_object_get(c, "auditing"), *fr;
	const char *why = "the export holds the server but not its auditing settings", *why2 = why;
	size_t i;
	int st, st2;

	json_array_foreach(json_object_get(c, "firewall"), i, fr)
		json_array_append_new(rules, json_pack("{s:o, s:o, s:o}", "name", cloud_str(fr, "name"), "start_ip",
						       cloud_str(props(fr), "startIpAddress"), "end_ip",
						       cloud_str(props(fr), "endIpAddress")));
	json_object_set_new(doc, "firewall_rules", rules);
	json_object_set_new(doc, "public_network_access", cloud_str(props(r), "publicNetworkAccess"));
	json_object_set_new(doc, "minimal_tls_version", cloud_str(props(r), "minimalTlsVersion"));
	if (a)
		json_object_set_new(doc, "auditing", json_pack("{s:o, s:I}", "state", cloud_str(props(a), "state"),
								"retention_days", (json_int_t)jsonx_int(props(a), "retentionDays", 0)));
	st = a ? 1 : read_state(s, lid, "auditing", &why);
	why2 = "the export holds the server but not its firewall rules";
	st2 = read_state(s, lid, "firewall", &why2);
	flag(doc, "azure.sql.servers", st > 0 && st2 > 0, st <= 0 ? why : why2);
	return doc;
}

static json_t *doc_other(const json_t *r, const char *sub, const char *type)
{
	const json_t *p = props(r);
	json_t *doc;

	if (!strcasecmp(type, "Microsoft.Network/virtualNetworks")) {
		const json_t *sn;
		json_t *subnets = json_array();
		size_t i;

		doc = new_doc("azure.network.vnet", r, sub);
		json_object_set_new(doc, "address_prefixes", json_is_array(jsonx_dig(p, "addressSpace.addressPrefixes"))
								     ? json_deep_copy(jsonx_dig(p, "addressSpace.addressPrefixes"))
								     : json_array());
		json_array_foreach(json_object_get(p, "subnets"), i, sn)
			json_array_append_new(subnets, json_pack("{s:o, s:o, s:o}", "name", cloud_str(sn, "name"), "address_prefix",
								 cloud_str(props(sn), "addressPrefix"), "nsg",
								 cloud_str(json_object_get(props(sn), "networkSecurityGroup"), "id")));
		json_object_set_new(doc, "subnets", subnets);
	} else if (!strcasecmp(type, "Microsoft.ContainerService/managedClusters")) {
		doc = new_doc("azure.aks.cluster", r, sub);
		json_object_set_new(doc, "kubernetes_version", cloud_str(p, "kubernetesVersion"));
		json_object_set_new(doc, "rbac_enabled", json_boolean(jsonx_bool(p, "enableRBAC", 0)));
		json_object_set_new(doc, "private_cluster",
				    json_boolean(jsonx_bool(json_object_get(p, "apiServerAccessProfile"), "enablePrivateCluster", 0)));
		json_object_set_new(doc, "fqdn", cloud_str(p, "fqdn"));
	} else if (!strcasecmp(type, "Microsoft.ContainerRegistry/registries")) {
		doc = new_doc("azure.acr.registry", r, sub);
		json_object_set_new(doc, "login_server", cloud_str(p, "loginServer"));
		json_object_set_new(doc, "admin_user_enabled", json_boolean(jsonx_bool(p, "adminUserEnabled", 0)));
		json_object_set_new(doc, "public_network_access", cloud_str(p, "publicNetworkAccess"));
	} else if (!strcasecmp(type, "Microsoft.Authorization/roleAssignments")) {
		doc = new_doc("azure.authorization.role_assignment", r, sub);
		json_object_set_new(doc, "principal_id", cloud_str(p, "principalId"));
		json_object_set_new(doc, "principal_type", cloud_str(p, "principalType"));
		json_object_set_new(doc, "role_definition_id", cloud_str(p, "roleDefinitionId"));
		json_object_set_new(doc, "scope", cloud_str(p, "scope"));
	} else if (!strcasecmp(type, "Microsoft.Security/alerts") || !strcasecmp(type, "Microsoft.Security/locations/alerts")) {
		doc = new_doc("azure.security.alert", r, sub);
		json_object_set_new(doc, "title", cloud_str(p, "alertDisplayName"));
		json_object_set_new(doc, "severity", cloud_str(p, "severity"));
		json_object_set_new(doc, "status", cloud_str(p, "status"));
	} else if (!strcasecmp(type, "Microsoft.Resources/resourceGroups")) {
		doc = new_doc("azure.resource_group", r, sub);
	} else {
		return NULL;
	}
	return doc;
}

static void identities(const struct azure_set *s, json_t *docs)
{
	const char *id;
	json_t *u;

	json_object_foreach(s->users, id, u) {
		const json_t *m = json_object_get(s->mfa, id);
		json_t *doc = json_pack("{s:s, s:s, s:o, s:o, s:o, s:o, s:o}", "kind", "azure.entra.user", "id", id, "name",
					cloud_str(u, "userPrincipalName"), "display_name", cloud_str(u, "displayName"),
					"user_type", cloud_str(u, "userType"), "account_enabled", cloud_str(u, "accountEnabled"),
					"created", cloud_str(u, "createdDateTime"));

		json_object_set_new(doc, "guest", json_boolean(!strcasecmp(jsonx_strz(u, "userType"), "Guest")));
		if (m) {
			json_object_set_new(doc, "mfa_registered", cloud_str(m, "isMfaRegistered"));
			json_object_set_new(doc, "admin", cloud_str(m, "isAdmin"));
		}
		json_array_append_new(docs, doc);
	}
	json_object_foreach(s->policies, id, u)
		json_array_append_new(docs, json_pack("{s:s, s:s, s:o, s:o, s:O?, s:O?}", "kind",
						      "azure.entra.conditional_access_policy", "id", id, "name",
						      cloud_str(u, "displayName"), "state", cloud_str(u, "state"), "conditions",
						      json_object_get(u, "conditions"), "grant_controls",
						      json_object_get(u, "grantControls")));
}

int azure_set_documents(struct azure_set *s, json_t **out)
{
	json_t *docs = json_array(), *r, *subs = json_object(), *doc;
	struct strbuf sub = STRBUF_INIT;
	const char *lid;

	*out = NULL;
	if (!docs || !subs) {
		json_decref(docs);
		json_decref(subs);
		return err_set(ERR_NOMEM, "out of memory");
	}
	json_object_foreach(s->res, lid, r) {
		const char *type = jsonx_strz(r, "type");

		subscription_of(jsonx_strz(r, "id"), &sub);
		if (sub.len)
			json_object_set_new(subs, sub.buf, json_true());
		if (!strcasecmp(type, "Microsoft.Network/networkSecurityGroups"))
			doc = doc_nsg(r, sub.buf);
		else if (!strcasecmp(type, "Microsoft.Storage/storageAccounts"))
			doc = doc_storage(r, sub.buf);
		else if (!strcasecmp(type, "Microsoft.KeyVault/vaults"))
			doc = doc_vault(s, r, sub.buf, lid);
		else if (!strcasecmp(type, "Microsoft.Sql/servers"))
			doc = doc_sql(s, r, sub.buf, lid);
		else
			doc = doc_other(r, sub.buf, type);
		if (doc)
			json_array_append_new(docs, doc);
	}
	/* Subscriptions: those listed, those with Defender plans, those the resources name. */
	json_object_foreach(s->subs, lid, r)
		json_object_set_new(subs, lid, json_true());
	json_object_foreach(s->children, lid, r)
		if (json_object_get(r, "pricings") && !strchr(lid, '/'))
			json_object_set_new(subs, lid, json_true());
	json_object_foreach(subs, lid, r) {
		const json_t *pr = json_object_get(json_object_get(s->children, lid), "pricings");
		const char *why = "the export holds no Defender for Cloud plans (Microsoft.Security/pricings) for this subscription";
		struct strbuf id = STRBUF_INIT;
		int st = read_state(s, lid, "pricings", &why);

		strbuf_addf(&id, "/subscriptions/%s", lid);
		const char *name = jsonx_str(json_object_get(s->subs, lid), "name");

		doc = json_pack("{s:s, s:s, s:s, s:s, s:O?, s:[]}", "kind", "azure.subscription", "subscription_id", lid, "id",
				id.buf, "name", name ? name : lid, "defender", pr, "collected");
		if (!pr)
			json_object_set_new(doc, "defender", json_object());
		flag(doc, "azure.security.pricings", st > 0, why);
		json_array_append_new(docs, doc);
		strbuf_release(&id);
	}
	identities(s, docs);
	json_decref(subs);
	strbuf_release(&sub);
	*out = docs;
	return 0;
}
