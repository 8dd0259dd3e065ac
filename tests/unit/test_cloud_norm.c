/*
 * The Azure and Google Cloud normalisers (connectors/cloud_norm.h) against
 * the real exports in ../shared/data (Cloud Asset Inventory policy-library
 * fixtures, azure-rest-api-specs examples), both CAI spellings, and bad
 * input.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "connectors/cloud_norm.h"
#include "core/err.h"
#include "core/jsonx.h"
#include "th.h"

#define CAI "gcp/cai-policy-library-fixtures"
#define AZ "azure/rest-api-specs-examples"

static json_t *gcp_docs_of(const char *rel, struct cloud_stats *st)
{
	char *p = th_data_path(rel);
	struct strbuf buf = STRBUF_INIT;
	struct gcp_set *s = NULL;
	json_t *docs = NULL;

	th_read(p, &buf);
	ck_assert_int_eq(gcp_set_new(&s), 0);
	ck_assert_msg(gcp_set_add_text(s, buf.buf, buf.len, rel) == 0, "%s", err_last());
	ck_assert_int_eq(gcp_set_documents(s, &docs), 0);
	if (st)
		gcp_set_stats(s, st);
	gcp_set_free(s);
	strbuf_release(&buf);
	free(p);
	return docs;
}

static json_t *azure_docs_of(const char *rel)
{
	char *p = th_data_path(rel);
	struct strbuf buf = STRBUF_INIT;
	struct azure_set *s = NULL;
	json_t *docs = NULL;

	th_read(p, &buf);
	ck_assert_int_eq(azure_set_new(&s), 0);
	ck_assert_msg(azure_set_add_text(s, buf.buf, buf.len, rel) == 0, "%s", err_last());
	ck_assert_int_eq(azure_set_documents(s, &docs), 0);
	azure_set_free(s);
	strbuf_release(&buf);
	free(p);
	return docs;
}

static const json_t *doc_named(const json_t *docs, const char *kind, const char *name)
{
	const json_t *d;
	size_t i;

	json_array_foreach(docs, i, d)
		if (!strcmp(jsonx_strz(d, "kind"), kind) && !strcmp(jsonx_strz(d, "name"), name))
			return d;
	ck_abort_msg("no %s named %s", kind, name);
	return NULL;
}

static size_t count_kind(const json_t *docs, const char *kind)
{
	const json_t *d;
	size_t i, n = 0;

	json_array_foreach(docs, i, d)
		n += !strcmp(jsonx_strz(d, "kind"), kind);
	return n;
}

static void assert_json(const json_t *v, const char *want)
{
	struct strbuf a = STRBUF_INIT, b = STRBUF_INIT;
	json_t *w = json_loads(want, 0, NULL);

	ck_assert_ptr_nonnull(w);
	jsonx_dump_canonical(&a, v);
	jsonx_dump_canonical(&b, w);
	ck_assert_str_eq(a.buf, b.buf);
	json_decref(w);
	strbuf_release(&a);
	strbuf_release(&b);
}

START_TEST(gcp_buckets_with_iam_policies)
{
	json_t *docs = gcp_docs_of(CAI "/storage_bucket_world_readable/assets/data.json", NULL);
	const json_t *b = doc_named(docs, "gcp.storage.bucket", "my-test-bucket");

	ck_assert_int_eq(json_array_size(docs), 3);
	assert_json(json_object_get(b, "iam_bindings"),
		    "[{\"role\": \"roles/storage.legacyBucketOwner\", \"members\": [\"projectEditor:test-editor\", "
		    "\"projectOwner:test-owner\"]}, {\"role\": \"roles/storage.legacyBucketReader\", \"members\": "
		    "[\"allUsers\", \"projectViewer:test-viewer\"]}]");
	/* The IAM policy alone cannot say whether uniform access is on: the data set is unreadable, with why. */
	ck_assert_str_eq(jsonx_strz(json_object_get(b, "unreadable"), "gcp.storage.buckets"),
			 "the export holds the bucket's IAM policy but not the bucket");
	ck_assert_int_eq(json_array_size(json_object_get(b, "collected")), 0);
	json_decref(docs);
}
END_TEST

START_TEST(gcp_firewalls_sql_kms_keys_subnets)
{
	struct cloud_stats st;
	json_t *docs = gcp_docs_of(CAI "/restricted_firewall_rules/assets/sources/data.json", &st);
	const json_t *fw = doc_named(docs, "gcp.compute.firewall", "cf-test-fw-rule-source-0"), *d;
	size_t i;

	ck_assert_int_eq(st.records, 12);
	ck_assert_int_eq(count_kind(docs, "gcp.compute.firewall"), 12);
	ck_assert_str_eq(jsonx_strz(fw, "project_id"), "cf-gcp-challenge-dev");
	assert_json(json_object_get(fw, "ingress"),
		    "[{\"priority\": 65534, \"action\": \"allow\", \"protocol\": \"all\", \"disabled\": false, "
		    "\"sources\": [\"0.0.0.0/0\"]}]");
	assert_json(json_object_get(fw, "collected"), "[\"gcp.compute.firewalls\"]");
	/* A rule with neither allowed nor denied lets nothing in. */
	ck_assert_int_eq(json_array_size(json_object_get(doc_named(docs, "gcp.compute.firewall", "cf-test-fw-rule-source-9"),
							  "ingress")), 0);
	json_decref(docs);

	docs = gcp_docs_of(CAI "/sql_ssl/assets/data.json", NULL);
	ck_assert_str_eq(jsonx_strz(doc_named(docs, "gcp.sql.instance", "sql-instance-with-ssl"), "ssl_mode"),
			 "TRUSTED_CLIENT_CERTIFICATE_REQUIRED");
	ck_assert_str_eq(jsonx_strz(doc_named(docs, "gcp.sql.instance", "sql-instance-without-ssl"), "ssl_mode"),
			 "ALLOW_UNENCRYPTED_AND_ENCRYPTED");
	ck_assert_str_eq(jsonx_strz(doc_named(docs, "gcp.sql.instance", "sql-instance-without-ipconfig"), "ssl_mode"),
			 "ALLOW_UNENCRYPTED_AND_ENCRYPTED");
	json_decref(docs);

	docs = gcp_docs_of(CAI "/cmek_rotation/assets/data.json", NULL);
	ck_assert_int_eq(count_kind(docs, "gcp.kms.key"), 6);
	d = doc_named(docs, "gcp.kms.key", "projects/test-project/locations/us-central1/keyRings/test-key-ring/cryptoKeys/rotation-400-days");
	ck_assert_int_eq(jsonx_int(d, "rotation_period_seconds", -1), 34560000);
	d = doc_named(docs, "gcp.kms.key", "projects/test-project/locations/us-central1/keyRings/test-key-ring/cryptoKeys/rotation-never");
	ck_assert_ptr_null(json_object_get(d, "rotation_period_seconds"));
	json_decref(docs);

	docs = gcp_docs_of(CAI "/network_enable_flow_logs/assets/data.json", NULL);
	ck_assert_int_eq(count_kind(docs, "gcp.compute.subnetwork"), 7);
	{
		static const char *const on[] = { "correct", "both_correct", "only_log_config", NULL };
		size_t n_on = 0;

		json_array_foreach(docs, i, d) {
			const char *an = cloud_last_segment(jsonx_strz(d, "asset_name"));
			int want = 0, k;

			for (k = 0; on[k]; k++)
				want |= !strcmp(an, on[k]);
			ck_assert_msg(jsonx_bool(json_object_get(d, "log_config"), "enable", -1) == want, "%s", an);
			n_on += want;
		}
		ck_assert_int_eq(n_on, 3);
	}
	json_decref(docs);

	/* Keys whose account is not among the assets make the account. */
	docs = gcp_docs_of(CAI "/gcp_iam_restrict_service_account_key_type/assets/data.json", NULL);
	ck_assert_int_eq(json_array_size(docs), 1);
	d = doc_named(docs, "gcp.iam.service_account", "111111-compute@developer.gserviceaccount.com");
	ck_assert_str_eq(jsonx_strz(d, "project_id"), "forseti-system-test");
	assert_json(json_object_get(d, "keys"),
		    "[{\"id\": \"1234567890abcdef\", \"key_type\": \"USER_MANAGED\", \"valid_after\": \"2017-08-21T07:55:36Z\", "
		    "\"valid_before\": \"2017-08-22T19:55:36Z\", \"algorithm\": \"KEY_ALG_RSA_2048\"}, "
		    "{\"id\": \"1234567891abcdef\", \"key_type\": \"SYSTEM_MANAGED\", \"valid_after\": \"2017-08-21T07:55:36Z\", "
		    "\"valid_before\": \"2017-08-22T19:55:36Z\", \"algorithm\": \"KEY_ALG_RSA_2048\"}]");
	json_decref(docs);

	docs = gcp_docs_of(CAI "/compute_ip_forward/assets/data.json", NULL);
	ck_assert_int_eq(count_kind(docs, "gcp.compute.instance"), 6);
	ck_assert(json_is_true(json_object_get(doc_named(docs, "gcp.compute.instance", "vm-ip-forward"), "can_ip_forward")));
	ck_assert_str_eq(jsonx_strz(doc_named(docs, "gcp.compute.instance", "vm-ip-forward"), "zone"), "us-east1-b");
	json_decref(docs);
}
END_TEST

/* Snake_case to camelCase, as `gcloud asset export` writes it, one asset a line. */
static void camel(json_t *a)
{
	json_t *v;

	if ((v = json_object_get(a, "asset_type"))) {
		json_object_set(a, "assetType", v);
		json_object_del(a, "asset_type");
	}
	if ((v = json_object_get(a, "iam_policy"))) {
		json_object_set(a, "iamPolicy", v);
		json_object_del(a, "iam_policy");
	}
	if ((v = json_object_get(json_object_get(a, "resource"), "discovery_name"))) {
		json_object_set(json_object_get(a, "resource"), "discoveryName", v);
		json_object_del(json_object_get(a, "resource"), "discovery_name");
	}
}

START_TEST(gcp_camel_case_ndjson_gives_the_same_documents)
{
	static const char *const files[] = { "/storage_bucket_world_readable/assets/data.json", "/compute_ip_forward/assets/data.json",
					     "/cmek_rotation/assets/data.json", "/iam_allowed_bindings/assets/data.json", NULL };
	size_t f, i;

	for (f = 0; files[f]; f++) {
		struct strbuf rel = STRBUF_INIT, nd = STRBUF_INIT, a = STRBUF_INIT, b = STRBUF_INIT;
		char *p;
		json_t *orig, *snake, *cam, *item;
		struct gcp_set *s = NULL;

		strbuf_addf(&rel, "%s%s", CAI, files[f]);
		p = th_data_path(rel.buf);
		ck_assert_int_eq(jsonx_load_file(p, 0, &orig), 0);
		snake = gcp_docs_of(rel.buf, NULL);
		json_array_foreach(orig, i, item) {
			struct strbuf line = STRBUF_INIT;

			camel(item);
			jsonx_dump_canonical(&line, item);
			strbuf_addf(&nd, "%s\n", line.buf);
			strbuf_release(&line);
		}
		ck_assert_int_eq(gcp_set_new(&s), 0);
		ck_assert_msg(gcp_set_add_text(s, nd.buf, nd.len, "export.json") == 0, "%s", err_last());
		ck_assert_int_eq(gcp_set_documents(s, &cam), 0);
		jsonx_dump_canonical(&a, snake);
		jsonx_dump_canonical(&b, cam);
		ck_assert_str_eq(a.buf, b.buf);
		ck_assert_int_gt(json_array_size(cam), 0);
		gcp_set_free(s);
		json_decref(orig);
		json_decref(snake);
		json_decref(cam);
		free(p);
		strbuf_release(&rel);
		strbuf_release(&nd);
		strbuf_release(&a);
		strbuf_release(&b);
	}
}
END_TEST

START_TEST(gcp_project_iam_and_bad_input)
{
	json_t *docs = gcp_docs_of(CAI "/iam_allowed_bindings/assets/data.json", NULL);
	const json_t *p = doc_named(docs, "gcp.project", "12345");
	struct gcp_set *s = NULL;
	char *path;
	struct strbuf buf = STRBUF_INIT;

	ck_assert_int_eq(json_array_size(json_object_get(p, "iam_bindings")), 3);
	assert_json(json_object_get(p, "collected"), "[\"gcp.resourcemanager.iam_policy\"]");
	json_decref(docs);

	/* A real malformed export (a stray ']' at its end): the error names the file, line and column. */
	path = th_data_path(CAI "/gke_container_optimized_os/assets/data.json");
	th_read(path, &buf);
	ck_assert_int_eq(gcp_set_new(&s), 0);
	ck_assert_int_eq(gcp_set_add_text(s, buf.buf, buf.len, "os.json"), ERR_PARSE);
	ck_assert_str_eq(err_last(), "os.json:409:1: '[' or '{' expected near ']'");
	ck_assert_int_eq(gcp_set_add_text(s, "{\"name\": 3}", 11, "x.json"), ERR_PARSE);
	ck_assert_str_eq(err_last(), "x.json: no Cloud Asset Inventory asset (an object with name, asset_type or assetType, "
				     "and resource.data or an IAM policy)");
	gcp_set_free(s);
	free(path);
	strbuf_release(&buf);
}
END_TEST

START_TEST(azure_nsg_and_storage_from_arm_examples)
{
	json_t *docs = azure_docs_of(AZ "/network-2023-09-01-NetworkSecurityGroupGet.json");
	const json_t *nsg = doc_named(docs, "azure.network.nsg", "testnsg"), *st, *sub;

	ck_assert_str_eq(jsonx_strz(nsg, "subscription_id"), "subid");
	assert_json(json_object_get(nsg, "ingress"),
		    "[{\"name\": \"rule1\", \"priority\": 130, \"action\": \"allow\", \"protocol\": \"*\", \"ports\": [\"80\"], "
		    "\"sources\": [\"*\"]},"
		    "{\"name\": \"AllowVnetInBound\", \"priority\": 65000, \"action\": \"allow\", \"protocol\": \"*\", "
		    "\"ports\": [\"*\"], \"sources\": [\"VirtualNetwork\"]},"
		    "{\"name\": \"AllowAzureLoadBalancerInBound\", \"priority\": 65001, \"action\": \"allow\", \"protocol\": "
		    "\"*\", \"ports\": [\"*\"], \"sources\": [\"AzureLoadBalancer\"]},"
		    "{\"name\": \"DenyAllInBound\", \"priority\": 65500, \"action\": \"deny\", \"protocol\": \"*\", \"ports\": "
		    "[\"*\"], \"sources\": [\"*\"]}]");
	ck_assert_int_eq(json_array_size(json_object_get(nsg, "egress")), 3);
	/* The subscription the NSG names, with no Defender plans in the export: unreadable, not "Free". */
	sub = doc_named(docs, "azure.subscription", "subid");
	ck_assert_ptr_nonnull(jsonx_str(json_object_get(sub, "unreadable"), "azure.security.pricings"));
	json_decref(docs);

	docs = azure_docs_of(AZ "/storage-2023-01-01-StorageAccountGetProperties.json");
	st = doc_named(docs, "azure.storage.account", "sto8596");
	/* The example turns secure transfer off and predates minimumTlsVersion and allowBlobPublicAccess. */
	ck_assert(json_is_false(json_object_get(st, "https_only")));
	ck_assert_ptr_null(json_object_get(st, "min_tls_version"));
	ck_assert_ptr_null(json_object_get(st, "allow_blob_public_access"));
	ck_assert_str_eq(jsonx_strz(st, "network_default_action"), "Allow");
	ck_assert_str_eq(jsonx_strz(st, "public_network_access"), "Enabled");
	ck_assert_str_eq(jsonx_strz(st, "subscription_id"), "{subscription-id}");
	json_decref(docs);

	docs = azure_docs_of(AZ "/resourcegraph-2021-03-01-ResourcesBasicQuery.json");
	ck_assert_int_eq(count_kind(docs, "azure.network.vnet"), 1);
	ck_assert_int_eq(count_kind(docs, "azure.subscription"), 1);
	ck_assert_int_eq(json_array_size(docs), 2);
	json_decref(docs);
}
END_TEST

START_TEST(azure_joins_children_and_graph)
{
	static const char text[] =
		"{\"value\": ["
		"{\"id\": \"/subscriptions/S1/resourceGroups/rg/providers/Microsoft.Sql/servers/db\", \"type\": \"Microsoft.Sql/servers\", \"name\": \"db\"},"
		"{\"id\": \"/subscriptions/S1/resourceGroups/rg/providers/Microsoft.Sql/servers/db/firewallRules/all\", \"type\": \"Microsoft.Sql/servers/firewallRules\", \"name\": \"all\", \"properties\": {\"startIpAddress\": \"0.0.0.0\", \"endIpAddress\": \"255.255.255.255\"}},"
		"{\"id\": \"/subscriptions/s1/resourcegroups/RG/providers/Microsoft.Sql/servers/DB/auditingSettings/Default\", \"type\": \"Microsoft.Sql/servers/auditingSettings\", \"name\": \"Default\", \"properties\": {\"state\": \"Disabled\", \"retentionDays\": 0}},"
		"{\"id\": \"/subscriptions/S1/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/kv\", \"type\": \"Microsoft.KeyVault/vaults\", \"name\": \"kv\", \"properties\": {\"enableSoftDelete\": true}},"
		"{\"id\": \"/subscriptions/S1/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/kv/keys/k1\", \"type\": \"Microsoft.KeyVault/vaults/keys\", \"name\": \"k1\", \"properties\": {\"attributes\": {\"enabled\": true, \"exp\": 1767225600}}},"
		"{\"id\": \"/subscriptions/S1/providers/Microsoft.Security/pricings/VirtualMachines\", \"type\": \"Microsoft.Security/pricings\", \"name\": \"VirtualMachines\", \"properties\": {\"pricingTier\": \"Free\"}}"
		"]}\n"
		"{\"@odata.context\": \"https://graph.microsoft.com/v1.0/$metadata#users\", \"value\": ["
		"{\"id\": \"u1\", \"userPrincipalName\": \"eve_partner.example#EXT#@t.onmicrosoft.com\", \"userType\": \"Guest\", \"accountEnabled\": true},"
		"{\"id\": \"u1\", \"userPrincipalName\": \"eve_partner.example#EXT#@t.onmicrosoft.com\", \"isMfaRegistered\": false, \"isAdmin\": true}]}\n"
		"{\"@odata.context\": \"https://graph.microsoft.com/v1.0/$metadata#identity/conditionalAccess/policies\", \"value\": ["
		"{\"id\": \"ca1\", \"displayName\": \"Require MFA for admins\", \"state\": \"enabledForReportingButNotEnforced\","
		" \"conditions\": {\"users\": {\"includeRoles\": [\"62e90394-69f5-4237-9190-012177145e10\"]}},"
		" \"grantControls\": {\"operator\": \"OR\", \"builtInControls\": [\"mfa\"]}}]}\n";
	struct azure_set *s = NULL;
	json_t *docs = NULL;
	const json_t *d;

	ck_assert_int_eq(azure_set_new(&s), 0);
	ck_assert_msg(azure_set_add_text(s, text, sizeof(text) - 1, "t.json") == 0, "%s", err_last());
	ck_assert_int_eq(azure_set_documents(s, &docs), 0);
	d = doc_named(docs, "azure.sql.server", "db");
	assert_json(json_object_get(d, "auditing"), "{\"state\": \"Disabled\", \"retention_days\": 0}");
	assert_json(json_object_get(d, "firewall_rules"),
		    "[{\"name\": \"all\", \"start_ip\": \"0.0.0.0\", \"end_ip\": \"255.255.255.255\"}]");
	assert_json(json_object_get(d, "collected"), "[\"azure.sql.servers\"]");
	d = doc_named(docs, "azure.keyvault.vault", "kv");
	assert_json(json_object_get(d, "keys"), "[{\"name\": \"k1\", \"enabled\": true, \"expires\": \"2026-01-01T00:00:00Z\"}]");
	ck_assert(json_is_false(json_object_get(d, "purge_protection")));
	d = doc_named(docs, "azure.subscription", "s1");
	assert_json(json_object_get(d, "defender"), "{\"VirtualMachines\": \"Free\"}");
	assert_json(json_object_get(d, "collected"), "[\"azure.security.pricings\"]");
	d = doc_named(docs, "azure.entra.user", "eve_partner.example#EXT#@t.onmicrosoft.com");
	ck_assert(json_is_true(json_object_get(d, "guest")));
	ck_assert(json_is_false(json_object_get(d, "mfa_registered")));
	ck_assert(json_is_true(json_object_get(d, "admin")));
	/* A conditional access policy in report-only mode enforces nothing: its state says so. */
	d = doc_named(docs, "azure.entra.conditional_access_policy", "Require MFA for admins");
	ck_assert_str_eq(jsonx_strz(d, "state"), "enabledForReportingButNotEnforced");
	assert_json(json_object_get(d, "grant_controls"), "{\"operator\": \"OR\", \"builtInControls\": [\"mfa\"]}");
	ck_assert_int_eq(json_array_size(docs), 5);
	json_decref(docs);
	/* A refused listing makes the data set unreadable with the API's answer. */
	ck_assert_int_eq(azure_set_mark(s, "/subscriptions/S1/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/kv", "keys",
					"403 Forbidden"), 0);
	ck_assert_int_eq(azure_set_documents(s, &docs), 0);
	ck_assert_str_eq(jsonx_strz(json_object_get(doc_named(docs, "azure.keyvault.vault", "kv"), "unreadable"),
				    "azure.keyvault.vaults"), "403 Forbidden");
	json_decref(docs);
	/* `az account list` names subscriptions its own way. */
	{
		static const char acct[] = "[{\"cloudName\": \"AzureCloud\", \"id\": \"7D1E3C52-0000-4c4c-9b9b-444455556666\", "
					   "\"isDefault\": true, \"name\": \"shop-dev\", \"state\": \"Enabled\", \"tenantId\": \"t-1\", "
					   "\"user\": {\"name\": \"a@b\", \"type\": \"user\"}}]";

		ck_assert_msg(azure_set_add_text(s, acct, sizeof(acct) - 1, "accounts.json") == 0, "%s", err_last());
		ck_assert_int_eq(azure_set_documents(s, &docs), 0);
		d = doc_named(docs, "azure.subscription", "shop-dev");
		ck_assert_str_eq(jsonx_strz(d, "subscription_id"), "7d1e3c52-0000-4c4c-9b9b-444455556666");
		json_decref(docs);
	}
	ck_assert_int_eq(azure_set_add_text(s, "[1, \"x\", {\"a\": 1}]", 18, "bad.json"), ERR_PARSE);
	ck_assert_int_eq(azure_set_add_text(s, "{\"id\": ", 7, "cut.json"), ERR_PARSE);
	ck_assert_str_eq(err_last(), "cut.json:1:7: unexpected token near end of file");
	azure_set_free(s);
}
END_TEST

Suite *cloud_norm_suite(void)
{
	Suite *s = suite_create("cloud_norm");
	TCase *tc = tcase_create("cloud_norm");

	tcase_add_test(tc, azure_joins_children_and_graph);
	if (th_have_data("cloud_norm", CAI)) {
		tcase_add_test(tc, gcp_buckets_with_iam_policies);
		tcase_add_test(tc, gcp_firewalls_sql_kms_keys_subnets);
		tcase_add_test(tc, gcp_camel_case_ndjson_gives_the_same_documents);
		tcase_add_test(tc, gcp_project_iam_and_bad_input);
	}
	if (th_have_data("cloud_norm", AZ))
		tcase_add_test(tc, azure_nsg_and_storage_from_arm_examples);
	suite_add_tcase(s, tc);
	return s;
}
