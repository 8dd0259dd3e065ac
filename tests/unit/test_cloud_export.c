/*
 * azure-export and gcp-export end to end: `vetter run` over real exports
 * (../shared/data, copied into the test's engagement folder) and a
 * malformed file, and the findings of the Azure and GCP rule packs in
 * findings.json.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "core/jsonx.h"
#include "core/util.h"
#include "th.h"

#define CAI "gcp/cai-policy-library-fixtures"
#define AZ "azure/rest-api-specs-examples"

static char *join(const char *a, const char *b)
{
	struct strbuf p = STRBUF_INIT;

	strbuf_addf(&p, "%s/%s", a, b);
	return strbuf_detach(&p, NULL);
}

static void copy_in(const char *rel, const char *dst)
{
	char *src = th_data_path(rel);
	struct strbuf buf = STRBUF_INIT;

	th_read(src, &buf);
	th_write(dst, buf.buf);
	strbuf_release(&buf);
	free(src);
}

/* rule -> count of misconfiguration findings; "gap:SCOPE" -> reason */
static json_t *tally(const char *findings_path)
{
	json_t *doc = NULL, *t = json_object(), *f;
	size_t i;

	ck_assert_int_eq(jsonx_load_file(findings_path, 0, &doc), 0);
	json_array_foreach(json_object_get(doc, "findings"), i, f) {
		const char *kind = jsonx_strz(f, "kind"), *rule = jsonx_strz(f, "rule");

		if (!strcmp(kind, "misconfiguration"))
			json_object_set_new(t, rule, json_integer(jsonx_int(t, rule, 0) + 1));
		else if (!strcmp(rule, "coverage-gap")) {
			struct strbuf k = STRBUF_INIT;

			strbuf_addf(&k, "gap:%s", jsonx_strz(f, "component"));
			json_object_set_new(t, k.buf, json_string(jsonx_strz(f, "reason")));
			strbuf_release(&k);
		}
	}
	json_decref(doc);
	return t;
}

static const char azure_own[] =
	"{\"value\": ["
	"{\"id\": \"/subscriptions/0b1f6471-1bf0-4dda-aec3-111122223333/resourceGroups/shop/providers/Microsoft.Sql/servers/shop-sql\","
	" \"type\": \"Microsoft.Sql/servers\", \"name\": \"shop-sql\", \"location\": \"westeurope\", \"properties\": {\"publicNetworkAccess\": \"Enabled\"}},"
	"{\"id\": \"/subscriptions/0b1f6471-1bf0-4dda-aec3-111122223333/resourceGroups/shop/providers/Microsoft.Sql/servers/shop-sql/firewallRules/AllowAll\","
	" \"type\": \"Microsoft.Sql/servers/firewallRules\", \"name\": \"AllowAll\", \"properties\": {\"startIpAddress\": \"0.0.0.0\", \"endIpAddress\": \"255.255.255.255\"}},"
	"{\"id\": \"/subscriptions/0b1f6471-1bf0-4dda-aec3-111122223333/resourceGroups/shop/providers/Microsoft.Sql/servers/shop-sql/auditingSettings/Default\","
	" \"type\": \"Microsoft.Sql/servers/auditingSettings\", \"name\": \"Default\", \"properties\": {\"state\": \"Disabled\", \"retentionDays\": 0}},"
	"{\"id\": \"/subscriptions/0b1f6471-1bf0-4dda-aec3-111122223333/resourceGroups/shop/providers/Microsoft.KeyVault/vaults/shop-kv\","
	" \"type\": \"Microsoft.KeyVault/vaults\", \"name\": \"shop-kv\", \"properties\": {\"enableSoftDelete\": true, \"enableRbacAuthorization\": true}},"
	"{\"id\": \"/subscriptions/0b1f6471-1bf0-4dda-aec3-111122223333/resourceGroups/shop/providers/Microsoft.KeyVault/vaults/shop-kv/keys/signing\","
	" \"type\": \"Microsoft.KeyVault/vaults/keys\", \"name\": \"signing\", \"properties\": {\"attributes\": {\"enabled\": true}}},"
	"{\"id\": \"/subscriptions/0b1f6471-1bf0-4dda-aec3-111122223333/providers/Microsoft.Security/pricings/VirtualMachines\","
	" \"type\": \"Microsoft.Security/pricings\", \"name\": \"VirtualMachines\", \"properties\": {\"pricingTier\": \"Standard\"}},"
	"{\"id\": \"/subscriptions/0b1f6471-1bf0-4dda-aec3-111122223333/providers/Microsoft.Security/pricings/Containers\","
	" \"type\": \"Microsoft.Security/pricings\", \"name\": \"Containers\", \"properties\": {\"pricingTier\": \"Free\"}},"
	"{\"id\": \"/subscriptions/0b1f6471-1bf0-4dda-aec3-111122223333/providers/Microsoft.Security/pricings/StorageAccounts\","
	" \"type\": \"Microsoft.Security/pricings\", \"name\": \"StorageAccounts\", \"properties\": {\"pricingTier\": \"Free\"}}"
	"]}\n";

START_TEST(exports_yield_findings_of_both_packs)
{
	char *dir = th_tmpdir(), *dr = join(dir, "dr"), *eng = join(dir, "engagement.yaml"), *out = join(dir, "out"),
	     *fj = join(dir, "out/findings.json"), *p;
	static const char *const gcp_files[] = { "restricted_firewall_rules/assets/sources/data.json",
						 "compute_ip_forward/assets/data.json", "cmek_rotation/assets/data.json",
						 "storage_bucket_world_readable/assets/data.json",
						 "gke_container_optimized_os/assets/data.json", NULL };
	struct th_result res;
	json_t *t;
	size_t i;

	util_mkdirs(dr, 0700);
	p = join(dir, "dr/az");
	util_mkdirs(p, 0700);
	free(p);
	p = join(dir, "dr/gcp");
	util_mkdirs(p, 0700);
	free(p);
	copy_in(AZ "/network-2023-09-01-NetworkSecurityGroupGet.json", (p = join(dir, "dr/az/nsg.json")));
	free(p);
	copy_in(AZ "/storage-2023-01-01-StorageAccountGetProperties.json", (p = join(dir, "dr/az/storage.json")));
	free(p);
	th_write((p = join(dir, "dr/az/shop.json")), azure_own);
	free(p);
	th_write((p = join(dir, "dr/az/broken.json")), "{\"value\": [\n{\"id\": 1,\n");
	free(p);
	th_write((p = join(dir, "dr/az/no-alerts.json")), "{\"value\": []}\n");
	free(p);
	th_write((p = join(dir, "dr/az/blank.json")), " \n");
	free(p);
	for (i = 0; gcp_files[i]; i++) {
		struct strbuf rel = STRBUF_INIT, dst = STRBUF_INIT;

		strbuf_addf(&rel, "%s/%s", CAI, gcp_files[i]);
		strbuf_addf(&dst, "%s/dr/gcp/%zu-data.json", dir, i);
		copy_in(rel.buf, dst.buf);
		strbuf_release(&rel);
		strbuf_release(&dst);
	}
	th_write_fmt(eng,
		     "name: Cloud\nclient: Test\nas_of: 2026-01-01\nreport: {paper: A4}\ncompanies:\n"
		     "  - id: shop\n    name: Shop\n    role: target\n    sources:\n"
		     "      - {type: azure-export, id: az, paths: [dr/az]}\n"
		     "      - {type: gcp-export, id: gcp, paths: [dr/gcp, dr/missing.json]}\n");
	th_vetter(&res, NULL, "run", eng, "--out", out, NULL);
	/* 3: done, with coverage gaps (the broken files). */
	th_assert_status(&res, 3);
	th_result_release(&res);
	t = tally(fj);
	/* Azure: the storage example (secure transfer off, public, default allow, no TLS minimum, no blob setting). */
	ck_assert_int_eq(jsonx_int(t, "CIS-AZURE-3.0-4.1", 0), 1);
	ck_assert_int_eq(jsonx_int(t, "CIS-AZURE-3.0-4.6", 0), 1);
	ck_assert_int_eq(jsonx_int(t, "CIS-AZURE-3.0-4.7", 0), 1);
	ck_assert_int_eq(jsonx_int(t, "CIS-AZURE-3.0-4.15", 0), 1);
	ck_assert_int_eq(jsonx_int(t, "CIS-AZURE-3.0-4.17", 0), 1);
	/* The NSG example: rule1 lets any protocol from anywhere reach port 80: HTTP(S) and UDP, not SSH or RDP. */
	ck_assert_int_eq(jsonx_int(t, "CIS-AZURE-3.0-7.4", 0), 1);
	ck_assert_int_eq(jsonx_int(t, "CIS-AZURE-3.0-7.3", 0), 1);
	ck_assert_int_eq(jsonx_int(t, "CIS-AZURE-3.0-7.1", 0), 0);
	ck_assert_int_eq(jsonx_int(t, "CIS-AZURE-3.0-7.2", 0), 0);
	/* Ours: auditing off, an allow-all SQL firewall rule, a key without expiry, no purge protection, two Free plans. */
	ck_assert_int_eq(jsonx_int(t, "CIS-AZURE-3.0-5.1.1", 0), 1);
	ck_assert_int_eq(jsonx_int(t, "CIS-AZURE-3.0-5.1.2", 0), 1);
	ck_assert_int_eq(jsonx_int(t, "CIS-AZURE-3.0-3.3.1", 0), 1);
	ck_assert_int_eq(jsonx_int(t, "CIS-AZURE-3.0-3.3.5", 0), 1);
	ck_assert_int_eq(jsonx_int(t, "CIS-AZURE-3.0-3.1.3.1", 0), 0);
	ck_assert_int_eq(jsonx_int(t, "CIS-AZURE-3.0-3.1.4.1", 0), 1);
	ck_assert_int_eq(jsonx_int(t, "CIS-AZURE-3.0-3.1.5.1", 0), 1);
	/* GCP: three enabled all-protocol rules from 0.0.0.0/0; two instances forward IP; keys rotating over 90 days
	 * (100, 365, 400) or never. */
	ck_assert_int_eq(jsonx_int(t, "CIS-GCP-3.0-3.6", 0), 3);
	ck_assert_int_eq(jsonx_int(t, "CIS-GCP-3.0-3.7", 0), 3);
	ck_assert_int_eq(jsonx_int(t, "CIS-GCP-3.0-4.6", 0), 2);
	ck_assert_int_eq(jsonx_int(t, "CIS-GCP-3.0-1.10", 0), 4);
	/* Buckets known only by their IAM policies are not judged (the data set is unreadable), so no 5.1 failure. */
	ck_assert_int_eq(jsonx_int(t, "CIS-GCP-3.0-5.1", 0), 0);
	ck_assert_str_eq(jsonx_strz(t, "gap:azure export file dr/az/broken.json"),
			 "dr/az/broken.json:3:0: string or '}' expected near end of file");
	ck_assert_str_eq(jsonx_strz(t, "gap:gcp export file dr/gcp/4-data.json"),
			 "dr/gcp/4-data.json:409:1: '[' or '{' expected near ']'");
	ck_assert_str_eq(jsonx_strz(t, "gap:gcp export file dr/missing.json"), "no such file or folder");
	/* An empty list is an answer; a blank file is not. */
	ck_assert_ptr_null(jsonx_str(t, "gap:azure export file dr/az/no-alerts.json"));
	ck_assert_ptr_nonnull(jsonx_str(t, "gap:azure export file dr/az/blank.json"));
	json_decref(t);
	th_rm_rf(dir);
	free(dir);
	free(dr);
	free(eng);
	free(out);
	free(fj);
}
END_TEST

START_TEST(export_with_nothing_readable_fails_the_source)
{
	char *dir = th_tmpdir(), *eng = join(dir, "engagement.yaml"), *p = join(dir, "sa.json");
	struct th_result res;

	/* A service-account key is not an export: the source fails, and the key's text is nowhere in the output. */
	th_write(p, "{\"type\": \"service_account\", \"private_key\": \"-----BEGIN PRIVATE KEY-----\\nMIIcanary\\n\"}");
	th_write_fmt(eng, "name: C\nclient: T\nas_of: 2026-01-01\ncompanies:\n  - id: a\n    name: A\n    role: target\n"
			  "    sources:\n      - {type: gcp-export, paths: [sa.json]}\n");
	th_vetter(&res, NULL, "run", eng, "--only", "collect", NULL);
	ck_assert_ptr_nonnull(strstr(res.err.buf, "no Google Cloud resources could be read; first: sa.json: no Cloud Asset"));
	ck_assert_ptr_null(strstr(res.err.buf, "MIIcanary"));
	th_result_release(&res);
	th_rm_rf(dir);
	free(dir);
	free(eng);
	free(p);
}
END_TEST

Suite *cloud_export_suite(void)
{
	Suite *s = suite_create("cloud_export");
	TCase *tc = tcase_create("cloud_export");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, export_with_nothing_readable_fails_the_source);
	if (th_have_data("cloud_export", CAI) && th_have_data("cloud_export", AZ))
		tcase_add_test(tc, exports_yield_findings_of_both_packs);
	suite_add_tcase(s, tc);
	return s;
}
