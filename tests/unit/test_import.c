/*
 * The importers of other tools' reports (src/import): each fixture in
 * tests/fuzz/seeds/import, written after the tool's documented output,
 * read into exact findings and assets; detection by content; bad shapes
 * named by file and field; vetter's own SBOMs read back package for package.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "core/err.h"
#include "core/jsonx.h"
#include "core/util.h"
#include "import/import.h"
#include "th.h"

static void read_fixture(const char *name, struct import_result *r, int want_rc)
{
	struct strbuf path = STRBUF_INIT, data = STRBUF_INIT;
	struct import_opts o = { "fixture" };
	char *p;
	int rc;

	strbuf_addf(&path, "tests/fuzz/seeds/import/%s", name);
	p = th_repo_path(path.buf);
	th_read(p, &data);
	import_result_init(r);
	rc = import_buffer(data.buf, data.len, name, &o, r);
	ck_assert_msg(rc == want_rc, "%s: %d %s", name, rc, err_last());
	free(p);
	strbuf_release(&path);
	strbuf_release(&data);
}

/* "kind rule severity asset_key component" of finding i. */
static void assert_finding(const struct import_result *r, size_t i, const char *want)
{
	const json_t *f = json_array_get(r->findings, i);
	struct strbuf got = STRBUF_INIT;

	ck_assert_ptr_nonnull(f);
	strbuf_addf(&got, "%s %s %s %s %s", jsonx_strz(f, "kind"), jsonx_strz(f, "rule"), jsonx_strz(f, "severity"),
		    jsonx_strz(json_object_get(f, "asset"), "key"), jsonx_strz(f, "component"));
	ck_assert_str_eq(got.buf, want);
	strbuf_release(&got);
}

static void assert_counts(const struct import_result *r, long long read, long long kept, long long passed,
			  long long closed)
{
	ck_assert_int_eq(jsonx_int(r->counts, "read", 0), read);
	ck_assert_int_eq(jsonx_int(r->counts, "kept", 0), kept);
	ck_assert_int_eq(jsonx_int(r->counts, "passed", 0), passed);
	ck_assert_int_eq(jsonx_int(r->counts, "closed", 0), closed);
	ck_assert_int_eq(json_array_size(r->findings), kept);
}

#define IMG "registry:harbor.kestrel.example/payments/api@sha256:2b3c3d8d8b4f4d1c6b0e8f8a9a1f0e2d3c4b5a69788796a5b4c3d2e1f0a9b8c7"

START_TEST(trivy_report)
{
	struct import_result r;
	const json_t *f;

	read_fixture("trivy.json", &r, 0);
	ck_assert_str_eq(r.tool, "trivy");
	ck_assert_int_eq(json_array_size(r.assets), 1);
	ck_assert_str_eq(jsonx_strz(json_array_get(r.assets, 0), "kind"), "image");
	ck_assert_str_eq(jsonx_strz(json_array_get(r.assets, 0), "key"), IMG);
	assert_counts(&r, 6, 5, 1, 0);
	assert_finding(&r, 0, "vulnerability CVE-2024-2961 high " IMG " libc6@2.36-9+deb12u4");
	assert_finding(&r, 1, "vulnerability CVE-2023-45853 critical " IMG " zlib1g@1:1.2.13.dfsg-1");
	assert_finding(&r, 2, "vulnerability GHSA-c2qf-rxjj-qqgw medium " IMG " semver@7.5.1");
	assert_finding(&r, 3, "misconfiguration AVD-DS-0002 high " IMG " Dockerfile");
	assert_finding(&r, 4, "secret aws-access-key-id critical " IMG " /app/config/settings.py:12");
	f = json_array_get(r.findings, 0);
	ck_assert_str_eq(jsonx_strz(f, "fixed"), "2.36-9+deb12u7");
	ck_assert_str_eq(jsonx_strz(json_object_get(f, "package"), "purl"),
			 "pkg:deb/debian/libc6@2.36-9%2Bdeb12u4?arch=amd64&distro=debian-12.5");
	ck_assert(json_is_null(json_object_get(json_array_get(r.findings, 1), "fixed")));
	ck_assert_str_eq(jsonx_strz(json_array_get(r.findings, 3), "fix"),
			 "Add 'USER <non root user name>' line to the Dockerfile");
	/* The matched text of a secret is never kept. */
	{
		struct strbuf all = STRBUF_INIT;

		jsonx_dump_canonical(&all, r.findings);
		ck_assert_ptr_null(strstr(all.buf, "AKIA"));
		strbuf_release(&all);
	}
	import_result_release(&r);
}
END_TEST

START_TEST(grype_report)
{
	struct import_result r;

	read_fixture("grype.json", &r, 0);
	ck_assert_str_eq(r.tool, "grype");
	ck_assert_str_eq(r.tool_version, "0.74.0");
	ck_assert_str_eq(jsonx_strz(json_array_get(r.assets, 0), "key"), IMG);
	assert_counts(&r, 2, 2, 0, 0);
	assert_finding(&r, 0, "vulnerability CVE-2024-2961 high " IMG " libc6@2.36-9+deb12u4");
	assert_finding(&r, 1, "vulnerability GHSA-c2qf-rxjj-qqgw medium " IMG " semver@7.5.1");
	ck_assert_str_eq(jsonx_strz(json_array_get(r.findings, 0), "fixed"), "2.36-9+deb12u7");
	ck_assert(json_is_null(json_object_get(json_array_get(r.findings, 1), "fixed")));
	import_result_release(&r);
}
END_TEST

START_TEST(prowler_ocsf)
{
	struct import_result r;

	read_fixture("prowler-ocsf.json", &r, 0);
	ck_assert_str_eq(r.tool, "prowler");
	ck_assert_str_eq(r.tool_version, "4.2.0");
	assert_counts(&r, 3, 2, 1, 0);
	assert_finding(&r, 0, "misconfiguration iam_root_mfa_enabled critical aws:account:123456789012 arn:aws:iam::123456789012:root");
	assert_finding(&r, 1, "misconfiguration ec2_securitygroup_allow_ingress_from_internet_to_tcp_port_22 high "
			      "aws:account:123456789012 arn:aws:ec2:eu-west-1:123456789012:security-group/sg-0a1b2c3d");
	ck_assert_str_eq(jsonx_strz(json_array_get(r.findings, 0), "description"), "MFA is not enabled for root account.");
	import_result_release(&r);
}
END_TEST

START_TEST(kube_bench)
{
	struct import_result r;

	read_fixture("kube-bench.json", &r, 0);
	ck_assert_str_eq(r.tool, "kube-bench");
	ck_assert_str_eq(r.tool_version, "cis-1.8");
	assert_counts(&r, 3, 2, 1, 0);
	assert_finding(&r, 0, "misconfiguration CIS-K8S-4.1.1 medium fixture node");
	assert_finding(&r, 1, "misconfiguration CIS-K8S-4.2.6 info fixture node");
	ck_assert_str_eq(jsonx_strz(json_array_get(r.findings, 0), "value"), "permissions=644");
	import_result_release(&r);
}
END_TEST

START_TEST(threat_detections)
{
	struct import_result r;

	read_fixture("guardduty.json", &r, 0);
	ck_assert_str_eq(r.tool, "guardduty");
	assert_counts(&r, 2, 1, 0, 1);
	assert_finding(&r, 0, "threat CryptoCurrency:EC2/BitcoinTool.B!DNS high aws:account:123456789012 Instance");
	ck_assert_str_eq(jsonx_strz(json_array_get(r.findings, 0), "signal"), "threat-detection");
	ck_assert_int_eq(jsonx_int(json_array_get(r.findings, 0), "count", 0), 42);
	ck_assert_str_eq(jsonx_strz(json_array_get(r.findings, 0), "first_seen"), "2026-10-20T02:11:09.000Z");
	import_result_release(&r);

	read_fixture("asff.json", &r, 0);
	ck_assert_str_eq(r.tool, "asff");
	assert_counts(&r, 3, 2, 0, 1);
	assert_finding(&r, 0, "misconfiguration aws-foundational-security-best-practices/v/1.0.0/S3.8 high aws:account:123456789012 "
			      "arn:aws:s3:::kestrel-public-assets");
	assert_finding(&r, 1, "threat arn:aws:guardduty:eu-west-1:123456789012:detector/12abc high aws:account:123456789012 "
			      "arn:aws:ec2:eu-west-1:123456789012:instance/i-0abc");
	ck_assert_str_eq(jsonx_strz(json_array_get(r.findings, 1), "product"), "GuardDuty");
	import_result_release(&r);

	read_fixture("defender.json", &r, 0);
	ck_assert_str_eq(r.tool, "defender");
	assert_counts(&r, 2, 1, 0, 1);
	assert_finding(&r, 0, "threat VM_SuspiciousProcess high azure.subscription:/subscriptions/20ff7fc3-e762-44dd-bd96-b71116dcdc23 "
			      "vm-payments-01");
	ck_assert_str_eq(jsonx_strz(json_array_get(r.findings, 0), "fix"), "Run a full antimalware scan on the machine.");
	import_result_release(&r);
}
END_TEST

START_TEST(sboms)
{
	struct import_result r;
	const json_t *doc;

	read_fixture("cyclonedx.json", &r, 0);
	ck_assert_str_eq(r.tool, "cyclonedx");
	ck_assert_str_eq(jsonx_strz(json_array_get(r.assets, 0), "key"), "sbom:payments/api@1.4");
	doc = json_object_get(json_array_get(r.assets, 0), "doc");
	ck_assert_int_eq(jsonx_int(doc, "package_count", 0), 3);
	ck_assert_str_eq(jsonx_strz(json_array_get(json_object_get(doc, "packages"), 1), "purl"), "pkg:npm/semver@7.5.1");
	/* The VEX statement "not affected" is honoured. */
	assert_counts(&r, 2, 1, 1, 0);
	assert_finding(&r, 0, "vulnerability CVE-2024-2961 high sbom:payments/api@1.4 pkg:deb/debian/libc6@2.36-9%2Bdeb12u4");
	import_result_release(&r);

	read_fixture("spdx.json", &r, 0);
	ck_assert_str_eq(r.tool, "spdx");
	ck_assert_str_eq(jsonx_strz(json_array_get(r.assets, 0), "key"), "sbom:payments-api-1.4");
	doc = json_object_get(json_array_get(r.assets, 0), "doc");
	ck_assert_int_eq(jsonx_int(doc, "package_count", 0), 2);
	ck_assert_str_eq(jsonx_strz(json_array_get(json_object_get(doc, "packages"), 0), "purl"),
			 "pkg:deb/debian/libc6@2.36-9%2Bdeb12u4");
	ck_assert_int_eq(json_array_size(r.findings), 0);
	import_result_release(&r);
}
END_TEST

static void bad(const char *text, int want_rc, const char *want_msg)
{
	struct import_result r;
	struct import_opts o = { "c" };
	int rc;

	import_result_init(&r);
	rc = import_buffer(text, strlen(text), "in.json", &o, &r);
	ck_assert_msg(rc == want_rc, "%s: rc %d: %s", text, rc, err_last());
	ck_assert_str_eq(err_last(), want_msg);
	import_result_release(&r);
}

START_TEST(bad_input)
{
	bad("{\"hello\": 1}", ERR_UNSUPPORTED, "in.json: not the output of a tool vetter imports");
	bad("{\"SchemaVersion\": 1, \"ArtifactName\": \"x\"}", ERR_UNSUPPORTED,
	    "in.json: SchemaVersion 1: vetter reads Trivy's schema version 2");
	bad("{\"SchemaVersion\": 2, \"ArtifactName\": \"x\", \"Results\": {}}", ERR_PARSE, "in.json: 'Results' is not a list");
	bad("{\"SchemaVersion\": 2, \"ArtifactName\": \"x\", \"Results\": [{\"Vulnerabilities\": [{\"PkgName\": \"a\"}]}]}",
	    ERR_PARSE, "in.json: Results[0].Vulnerabilities[0]: expected VulnerabilityID and PkgName");
	bad("{\"matches\": 3, \"descriptor\": {\"name\": \"grype\"}}", ERR_PARSE, "in.json: 'matches' is not a list");
	bad("{\"Findings\": [{\"Service\": {}, \"Severity\": 5, \"Type\": \"x\"}]}", ERR_PARSE,
	    "in.json: Findings[0]: expected Type and AccountId");
	bad("[{\"metadata\": {\"product\": {\"name\": \"Prowler\"}}, \"class_uid\": 2004}]", ERR_PARSE,
	    "in.json: [0].status_code: expected PASS, FAIL or MANUAL");
	bad("{\"bomFormat\": \"CycloneDX\", \"specVersion\": \"1.6\", \"components\": [{\"version\": \"1\"}]}", ERR_PARSE,
	    "in.json: components[0]: expected an object with a name");
	/* Versions vetter does not read: refused by name. */
	bad("{\"bomFormat\": \"CycloneDX\", \"specVersion\": \"2.0\"}", ERR_UNSUPPORTED,
	    "in.json: CycloneDX specVersion 2.0: vetter reads CycloneDX 1.x JSON");
	bad("{\"@context\": \"https://spdx.org/rdf/3.0.1/spdx-context.jsonld\", \"@graph\": []}", ERR_UNSUPPORTED,
	    "in.json: SPDX 3 (JSON-LD): vetter reads SPDX 2.x JSON");
	bad("[{\"Provider\": \"aws\", \"CheckID\": \"iam_root_mfa_enabled\", \"Status\": \"FAIL\"}]", ERR_UNSUPPORTED,
	    "in.json: Prowler's JSON (version 3) output: vetter reads the OCSF output (prowler --output-formats json-ocsf)");
}
END_TEST

/* vetter's own SBOMs of a test image, read back: the same packages. */
START_TEST(own_sbom_round_trip)
{
	static const char *const formats[] = { "cyclonedx", "spdx" };
	char *status = th_data_path("pkgdb/dpkg/trivy-valid.status"), *dir = th_tmpdir();
	struct strbuf p = STRBUF_INIT, data = STRBUF_INIT;
	size_t i;

	/* A root filesystem holding a real dpkg database. */
	strbuf_addf(&p, "%s/var/lib/dpkg", dir);
	util_mkdirs(p.buf, 0700);
	strbuf_addstr(&p, "/status");
	th_read(status, &data);
	th_write(p.buf, data.buf);
	for (i = 0; i < 2; i++) {
		struct th_result res;
		struct import_result r;
		struct import_opts o = { "c" };
		struct strbuf ref = STRBUF_INIT;
		json_t *inv = NULL;
		const json_t *pkgs;

		strbuf_addf(&ref, "dir:%s", dir);
		th_vetter(&res, NULL, "sbom", ref.buf, "--format", formats[i], NULL);
		th_assert_status(&res, 0);
		import_result_init(&r);
		ck_assert_int_eq(import_buffer(res.out.buf, res.out.len, "sbom.json", &o, &r), 0);
		ck_assert_str_eq(r.tool, formats[i]);
		th_result_release(&res);
		th_vetter(&res, NULL, "inventory", ref.buf, "--format", "json", NULL);
		ck_assert_int_eq(jsonx_parse(res.out.buf, res.out.len, "inventory", &inv), 0);
		pkgs = json_object_get(json_array_get(r.assets, 0), "doc");
		ck_assert_int_eq(jsonx_int(pkgs, "package_count", -1), (long long)json_array_size(json_object_get(inv, "packages")));
		json_decref(inv);
		th_result_release(&res);
		import_result_release(&r);
		strbuf_release(&ref);
	}
	free(status);
	strbuf_release(&p);
	strbuf_release(&data);
	th_rm_rf(dir);
	free(dir);
}
END_TEST

Suite *import_suite(void)
{
	Suite *s = suite_create("import");
	TCase *tc = tcase_create("import");

	tcase_add_test(tc, trivy_report);
	tcase_add_test(tc, grype_report);
	tcase_add_test(tc, prowler_ocsf);
	tcase_add_test(tc, kube_bench);
	tcase_add_test(tc, threat_detections);
	tcase_add_test(tc, sboms);
	tcase_add_test(tc, bad_input);
	if (th_have_data("own_sbom_round_trip", "pkgdb/dpkg/trivy-valid.status"))
		tcase_add_test(tc, own_sbom_round_trip);
	suite_add_tcase(s, tc);
	return s;
}
