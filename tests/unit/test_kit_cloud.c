/*
 * The azure and gcp kits: their scripts are valid shell with their README
 * and commands; a bundle shaped as they write it (az rest answers, gcloud
 * asset list output, commands.tsv, SHA256SUMS), made from the files of
 * ../shared/data, imports into the same assets as the azure-export and
 * gcp-export sources give for the same files; a file changed after the
 * manifest was made is a gap naming it and its assets are not read.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "core/crypto.h"
#include "core/jsonx.h"
#include "core/store.h"
#include "core/util.h"
#include "th.h"

#define AZ "azure/rest-api-specs-examples/"
#define CAI "gcp/cai-policy-library-fixtures/"

/* bundle name, data file, tool */
static const char *const files[][3] = {
	{ "azure/sub-nsgs.0.json", AZ "network-2023-09-01-NetworkSecurityGroupGet.json", "az" },
	{ "azure/sub-storage.0.json", AZ "storage-2023-01-01-StorageAccountGetProperties.json", "az" },
	{ "gcp/p1-resources.json", CAI "restricted_firewall_rules/assets/sources/data.json", "gcloud" },
	{ "gcp/p2-resources.json", CAI "storage_bucket_world_readable/assets/data.json", "gcloud" },
	{ "gcp/p3-resources.json", CAI "cmek_rotation/assets/data.json", "gcloud" },
};
#define NFILES (sizeof(files) / sizeof(files[0]))
#define AZ_ASSETS 4
#define GCP_ASSETS 21

static void copy_in(const char *rel, const char *dst)
{
	char *src = th_data_path(rel);
	struct strbuf buf = STRBUF_INIT;

	th_read(src, &buf);
	th_write(dst, buf.buf);
	strbuf_release(&buf);
	free(src);
}

static int keep_doc(void *ctx, const struct store_asset *a)
{
	json_object_set(ctx, a->key, a->doc);
	return 0;
}

static int keep_gap(void *ctx, json_t *f)
{
	if (!strcmp(jsonx_strz(f, "kind"), "gap")) {
		struct strbuf g = STRBUF_INIT;

		strbuf_addf(&g, "%s: %s", jsonx_strz(f, "component"), jsonx_strz(f, "reason"));
		json_array_append_new(ctx, json_string(g.buf));
		strbuf_release(&g);
	}
	return 0;
}

/* key -> doc of every asset, and the gaps ("component: reason") of the run. */
static json_t *run(const char *dir, const char *sources, json_t **gaps, int want_status)
{
	struct strbuf p = STRBUF_INIT;
	struct th_result res;
	struct store *st = NULL;
	json_t *docs = json_object();

	strbuf_addf(&p, "%s/engagement.yaml", dir);
	th_write_fmt(p.buf, "name: Kits\nclient: Test\nas_of: 2026-11-15\ncompanies:\n"
			    "  - id: kestrel\n    name: Kestrel\n    role: target\n    sources:\n%s",
		     sources);
	th_vetter(&res, NULL, "run", p.buf, "--only", "collect", NULL);
	th_assert_status(&res, want_status);
	th_result_release(&res);
	strbuf_reset(&p);
	strbuf_addf(&p, "%s/engagement.vetter/store.sqlite", dir);
	ck_assert_int_eq(store_open(&st, p.buf), 0);
	ck_assert_int_eq(store_asset_foreach(st, "kestrel", NULL, keep_doc, docs), 0);
	*gaps = json_array();
	ck_assert_int_eq(store_finding_foreach(st, NULL, keep_gap, *gaps), 0);
	store_close(st);
	strbuf_release(&p);
	return docs;
}

START_TEST(cloud_kit_scripts)
{
	static const char *const kits[][2] = {
		{ "azure", "\tvk_pages \"azure/$SUB-nsgs\" \"$ARM/subscriptions/$SUB/providers/Microsoft.Network/"
			   "networkSecurityGroups?api-version=2023-09-01\"\n" },
		{ "gcp", "\tvk_run \"gcp/$P-iam.json\" gcloud $GCLOUD asset list --project \"$P\" --content-type=iam-policy "
			 "--format=json\n" },
	};
	char *dir = th_tmpdir();
	struct strbuf p = STRBUF_INIT, text = STRBUF_INIT;
	struct th_result res;
	size_t i;

	for (i = 0; i < 2; i++) {
		const char *argv[] = { "sh", "-n", NULL, NULL };

		strbuf_reset(&p);
		strbuf_addf(&p, "%s/kit-%s.sh", dir, kits[i][0]);
		th_vetter(&res, NULL, "kit", kits[i][0], "-o", p.buf, NULL);
		th_assert_status(&res, 0);
		th_result_release(&res);
		argv[2] = p.buf;
		th_run(&res, argv, NULL, NULL, NULL);
		th_assert_status(&res, 0);
		th_result_release(&res);
		strbuf_reset(&text);
		th_read(p.buf, &text);
		ck_assert_msg(util_has_prefix(text.buf, "#!/bin/sh\n# vetter evidence kit: "), "%s", kits[i][0]);
		ck_assert_msg(strstr(text.buf, "\n# What is collected:\n"), "%s", kits[i][0]);
		ck_assert_msg(strstr(text.buf, "\n# What is not collected:\n"), "%s", kits[i][0]);
		ck_assert_msg(strstr(text.buf, kits[i][1]), "%s: %s", kits[i][0], kits[i][1]);
		ck_assert_msg(strstr(text.buf, "done >SHA256SUMS\n"), "%s", kits[i][0]);
	}
	strbuf_release(&p);
	strbuf_release(&text);
	th_rm_rf(dir);
	free(dir);
}
END_TEST

START_TEST(cloud_bundle_equals_exports)
{
	char *dir = th_tmpdir();
	struct strbuf p = STRBUF_INIT, sums = STRBUF_INIT, cmds = STRBUF_INIT, buf = STRBUF_INIT, hex = STRBUF_INIT;
	json_t *viab, *viaexp, *gaps, *gaps2, *tampered;
	const char *k;
	json_t *v;
	size_t i;
	int az = 0, gc = 0;

	strbuf_addstr(&cmds, "# vetter-bundle\t1\tkit\tazure\n");
	for (i = 0; i < NFILES; i++) {
		const char *d = strchr(files[i][0], '/');

		strbuf_reset(&p);
		strbuf_addf(&p, "%s/b/b/%.*s", dir, (int)(d - files[i][0]), files[i][0]);
		util_mkdirs(p.buf, 0700);
		strbuf_reset(&p);
		strbuf_addf(&p, "%s/e/x/%.*s", dir, (int)(d - files[i][0]), files[i][0]);
		util_mkdirs(p.buf, 0700);
		strbuf_reset(&p);
		strbuf_addf(&p, "%s/b/b/%s", dir, files[i][0]);
		copy_in(files[i][1], p.buf);
		strbuf_reset(&buf);
		th_read(p.buf, &buf);
		strbuf_reset(&hex);
		sha256_hex(&hex, buf.buf, buf.len);
		strbuf_addf(&sums, "%s  %s\n", hex.buf, files[i][0]);
		strbuf_addf(&cmds, "%s\t0\t%s\t%s\n", files[i][0], files[i][2],
			    !strcmp(files[i][2], "az") ? "az rest --method get --url https://management.azure.com/..."
						       : "gcloud asset list --project p --content-type=resource --format=json");
		strbuf_reset(&p);
		strbuf_addf(&p, "%s/e/x/%s", dir, files[i][0]);
		copy_in(files[i][1], p.buf);
	}
	strbuf_reset(&hex);
	sha256_hex(&hex, cmds.buf, cmds.len);
	strbuf_addf(&sums, "%s  commands.tsv\n", hex.buf);
	strbuf_reset(&p);
	strbuf_addf(&p, "%s/b/b/commands.tsv", dir);
	th_write(p.buf, cmds.buf);
	strbuf_reset(&p);
	strbuf_addf(&p, "%s/b/b/SHA256SUMS", dir);
	th_write(p.buf, sums.buf);

	strbuf_reset(&p);
	strbuf_addf(&p, "%s/b", dir);
	viab = run(p.buf, "      - id: room\n        type: bundle\n        path: b\n", &gaps, 0);
	strbuf_reset(&p);
	strbuf_addf(&p, "%s/e", dir);
	viaexp = run(p.buf,
		     "      - id: az\n        type: azure-export\n        paths: [x/azure]\n"
		     "      - id: gc\n        type: gcp-export\n        paths: [x/gcp]\n",
		     &gaps2, 0);
	ck_assert_int_eq(json_array_size(gaps), 0);
	ck_assert_int_eq(json_array_size(gaps2), 0);
	json_object_foreach(viaexp, k, v) {
		const json_t *b = json_object_get(viab, k);

		ck_assert_msg(b != NULL, "bundle lacks %s", k);
		/* Equal but for the source that wrote them. */
		ck_assert_str_eq(jsonx_strz(b, "source"), "room");
		json_object_del((json_t *)b, "source");
		json_object_del(v, "source");
		ck_assert_msg(json_equal(b, v), "%s differs", k);
		if (util_has_prefix(k, "azure"))
			az++;
		else
			gc++;
	}
	ck_assert_int_eq(json_object_size(viab), json_object_size(viaexp));
	ck_assert_int_eq(az, AZ_ASSETS);
	ck_assert_int_eq(gc, GCP_ASSETS);

	/* The NSG answer edited after the manifest: a gap naming it, its asset not read, the rest as before. */
	strbuf_reset(&p);
	strbuf_addf(&p, "%s/b/b/%s", dir, files[0][0]);
	strbuf_reset(&buf);
	th_read(p.buf, &buf);
	strbuf_addstr(&buf, "\n");
	th_write(p.buf, buf.buf);
	strbuf_reset(&p);
	strbuf_addf(&p, "%s/b/engagement.vetter", dir);
	th_rm_rf(p.buf);
	strbuf_reset(&p);
	strbuf_addf(&p, "%s/b", dir);
	json_decref(gaps);
	tampered = run(p.buf, "      - id: room\n        type: bundle\n        path: b\n", &gaps, 3);
	ck_assert_int_eq(json_array_size(gaps), 1);
	ck_assert_msg(strstr(json_string_value(json_array_get(gaps, 0)), files[0][0]), "%s",
		      json_string_value(json_array_get(gaps, 0)));
	/* The NSG and the subscription only that answer named: the storage example's subscription has another id. */
	ck_assert_int_eq(json_object_size(tampered), json_object_size(viab) - 2);
	ck_assert_ptr_null(json_object_get(tampered, "azure.network.nsg:/subscriptions/subid/resourceGroups/rg1/providers/"
						     "Microsoft.Network/networkSecurityGroups/testnsg"));
	ck_assert_ptr_null(json_object_get(tampered, "azure.subscription:/subscriptions/subid"));

	json_decref(viab);
	json_decref(viaexp);
	json_decref(tampered);
	json_decref(gaps);
	json_decref(gaps2);
	strbuf_release(&p);
	strbuf_release(&sums);
	strbuf_release(&cmds);
	strbuf_release(&buf);
	strbuf_release(&hex);
	th_rm_rf(dir);
	free(dir);
}
END_TEST

Suite *kit_cloud_suite(void)
{
	Suite *s = suite_create("kit_cloud");
	TCase *tc = tcase_create("kit_cloud");

	tcase_add_test(tc, cloud_kit_scripts);
	if (th_have_data("kit_cloud", "azure/rest-api-specs-examples") &&
	    th_have_data("kit_cloud", "gcp/cai-policy-library-fixtures"))
		tcase_add_test(tc, cloud_bundle_equals_exports);
	tcase_set_timeout(tc, 120);
	suite_add_tcase(s, tc);
	return s;
}
