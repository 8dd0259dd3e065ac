/*
 * The demo engagement as 'make demo' builds and runs it (images built from
 * samples/demo, the advisory database imported from the conformance data
 * only), with the facts a reader of its report relies on: which CVEs are found
 * in which image and which are in CISA KEV, the private key deleted in a later
 * layer found as recoverable and shown redacted, the privileged and
 * internet-facing workloads of both clusters, and that every advisory behind a
 * finding is a real record of ../shared/data; and the clouds: the target AWS
 * account's root without MFA, public bucket and open SSH, the Azure and GCP
 * findings, GuardDuty's threats and the overlapping VPC ranges in the plan.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/jsonx.h"
#include "core/util.h"
#include "th.h"
#include "th_demo.h"

/* The images that run, as the clusters name them (the demo registry's port in the middle). */
enum { PAY, LEDGER, WEB, API, BATCH, GW, JENKINS, PMA, ES, NIMG };
static const char *const img_fmt[NIMG] = {
	"registry:registry.kestrel.localhost:%d/kestrel/payments/api:3.2.0",
	"registry:registry.kestrel.localhost:%d/kestrel/ledger/admin:1.0.7",
	"registry:registry.kestrel.localhost:%d/kestrel/checkout/web:5.4.0",
	"registry:registry.heron.localhost:%d/heron/tracking/api:2.7.1",
	"registry:registry.heron.localhost:%d/heron/data/batch-runner:1.9.0",
	"registry:registry.heron.localhost:%d/heron/platform/edge-gateway:0.14.2",
	/* Built from samples/demo/images/mirrors.json: what the companies mirror or build beyond the above. */
	"registry:registry.kestrel.localhost:%d/kestrel/ci/jenkins:2.401.3-lts",
	"registry:registry.kestrel.localhost:%d/kestrel/mirror/phpmyadmin:5.2.1",
	"registry:registry.kestrel.localhost:%d/kestrel/mirror/elastic/elasticsearch:7.10.2",
};
static char img[NIMG][160];

#define HERON_SUB "/subscriptions/5d3c9a1e-7b2f-4e80-9c61-2a4b6d8e0f13"
/* Overlapping ranges between the companies' VPCs, subnets and on-premises and VPN networks. */
#define NET_PAIRS 10

/* The start of every PKCS#8 P-256 private key's base64 body: never in anything written. */
#define EC_KEY_BODY "MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg"

static char *path_in(const char *dir, const char *rel)
{
	struct strbuf p = STRBUF_INIT;

	strbuf_addf(&p, "%s/%s", dir, rel);
	return strbuf_detach(&p, NULL);
}

/* The finding on asset key with this rule and package name, or NULL. */
static json_t *find_vuln(json_t *doc, const char *asset, const char *rule, const char *pkg)
{
	json_t *f;
	size_t i;

	json_array_foreach(json_object_get(doc, "findings"), i, f) {
		if (!strcmp(jsonx_strz(f, "kind"), "vulnerability") &&
		    !strcmp(jsonx_strz(json_object_get(f, "asset"), "key"), asset) && !strcmp(jsonx_strz(f, "rule"), rule) &&
		    !strcmp(jsonx_strz(json_object_get(f, "package"), "name"), pkg))
			return f;
	}
	return NULL;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Sorted, distinct, comma-joined values: fn picks a string per finding (NULL: skip). */
static void collect(json_t *doc, struct strbuf *out, const char *(*fn)(json_t *f, const char *arg), const char *arg)
{
	json_t *all = json_object_get(doc, "findings"), *f;
	const char **v = calloc(json_array_size(all) + 1, sizeof(*v));
	size_t i, n = 0;

	ck_assert_ptr_nonnull(v);
	json_array_foreach(all, i, f)
		if ((v[n] = fn(f, arg)))
			n++;
	qsort(v, n, sizeof(*v), cmp_str);
	for (i = 0; i < n; i++) {
		if (i && !strcmp(v[i], v[i - 1]))
			continue;
		if (out->len)
			strbuf_addch(out, ',');
		strbuf_addstr(out, v[i]);
	}
	free(v);
}

/* KEV CVEs of the vulnerabilities on one image. */
static const char *kev_cve_on(json_t *f, const char *asset)
{
	json_t *c;
	size_t i;

	if (strcmp(jsonx_strz(f, "kind"), "vulnerability") || strcmp(jsonx_strz(json_object_get(f, "asset"), "key"), asset))
		return NULL;
	json_array_foreach(json_object_get(f, "cves"), i, c)
		if (json_object_get(c, "kev"))
			return jsonx_str(c, "id");
	return NULL;
}

/* The assets an open misconfiguration of this rule is about. */
static const char *failing(json_t *f, const char *rule)
{
	if (strcmp(jsonx_strz(f, "kind"), "misconfiguration") || strcmp(jsonx_strz(f, "rule"), rule) ||
	    strcmp(jsonx_strz(f, "status"), "open"))
		return NULL;
	return jsonx_str(json_object_get(f, "asset"), "key");
}

/* The same, waived by samples/demo/waivers.yaml. */
static const char *waived(json_t *f, const char *rule)
{
	if (strcmp(jsonx_strz(f, "kind"), "misconfiguration") || strcmp(jsonx_strz(f, "rule"), rule) ||
	    strcmp(jsonx_strz(f, "status"), "waived"))
		return NULL;
	return jsonx_str(json_object_get(f, "asset"), "key");
}

/* Companies with an expired waiver. */
static const char *expired_waiver(json_t *f, const char *unused)
{
	(void)unused;
	return strcmp(jsonx_strz(f, "rule"), "WAIVER-EXPIRED") ? NULL : jsonx_str(f, "company");
}

/* The security-tool capabilities either company has, as CATEGORY=STATE:COMPANY[TOOL+TOOL]..., sorted. */
static void tool_rows(json_t *doc, struct strbuf *out)
{
	char buf[16][256];
	const char *v[16];
	json_t *m, *c, *t;
	size_t i, k, j, n = 0;

	json_array_foreach(jsonx_dig(doc, "consolidation.tools.matrix"), i, m) {
		struct strbuf row = STRBUF_INIT;

		if (!strcmp(jsonx_strz(m, "state"), "none"))
			continue;
		ck_assert_uint_lt(n, 16);
		strbuf_addf(&row, "%s=%s:", jsonx_strz(m, "category"), jsonx_strz(m, "state"));
		json_array_foreach(json_object_get(m, "companies"), k, c) {
			strbuf_addf(&row, "%s[", jsonx_strz(c, "company"));
			json_array_foreach(json_object_get(c, "tools"), j, t)
				strbuf_addf(&row, "%s%s", j ? "+" : "", json_string_value(t));
			strbuf_addch(&row, ']');
		}
		snprintf(buf[n], sizeof(buf[n]), "%s", row.buf);
		v[n] = buf[n];
		n++;
		strbuf_release(&row);
	}
	qsort(v, n, sizeof(v[0]), cmp_str);
	for (i = 0; i < n; i++)
		strbuf_addf(out, "%s%s", i ? "," : "", v[i]);
}

static size_t count_kind_on(json_t *doc, const char *kind, const char *asset)
{
	json_t *f;
	size_t i, n = 0;

	json_array_foreach(json_object_get(doc, "findings"), i, f)
		n += !strcmp(jsonx_strz(f, "kind"), kind) &&
		     (!asset || !strcmp(jsonx_strz(json_object_get(f, "asset"), "key"), asset));
	return n;
}

/* Threat detections on one asset, as RULE=severity. */
static const char *threat(json_t *f, const char *asset)
{
	/* A slot per match, not per finding: advancing on every finding let two matches that were 64·k
	 * findings apart share a slot, and the order of findings is not fixed from run to run. */
	static char buf[64][160];
	static size_t n;
	char *b;

	if (strcmp(jsonx_strz(f, "signal"), "threat-detection") || strcmp(jsonx_strz(json_object_get(f, "asset"), "key"), asset))
		return NULL;
	b = buf[n++ % 64];
	snprintf(b, sizeof(buf[0]), "%s=%s", jsonx_strz(f, "rule"), jsonx_strz(f, "severity"));
	return b;
}

static json_t *by_company(json_t *list, const char *id)
{
	json_t *x;
	size_t i;

	json_array_foreach(list, i, x)
		if (!strcmp(jsonx_strz(x, "company"), id))
			return x;
	ck_abort_msg("no scores for %s", id);
	return NULL;
}

/* A company's red flags as ID=ASSET+ASSET..., the assets sorted (their order is not the report's point). */
static void red_flags(json_t *co, struct strbuf *out)
{
	json_t *fl, *as;
	size_t i, j, n;

	json_array_foreach(json_object_get(co, "red_flags"), i, fl) {
		const char *v[32];

		n = 0;
		json_array_foreach(json_object_get(fl, "assets"), j, as)
			if (n < 32)
				v[n++] = jsonx_strz(as, "key");
		qsort(v, n, sizeof(v[0]), cmp_str);
		if (out->len)
			strbuf_addch(out, ',');
		strbuf_addf(out, "%s=", jsonx_strz(fl, "id"));
		for (j = 0; j < n; j++)
			strbuf_addf(out, "%s%s", j ? "+" : "", v[j]);
	}
}

/* The coverage units a company's rating rests on that were not fully assessed, as STATE=KEY (an image's
 * key from its repository on, without the demo registry's host and port), sorted. */
static void weak_units(json_t *co, struct strbuf *out)
{
	json_t *list = jsonx_dig(co, "coverage.list"), *u;
	const char *v[64];
	char buf[64][200];
	size_t i, n = 0;

	json_array_foreach(list, i, u) {
		const char *key = jsonx_strz(u, "key"), *p = strstr(key, ".localhost:");

		if (!strcmp(jsonx_strz(u, "state"), "assessed"))
			continue;
		ck_assert_uint_lt(n, 64);
		if (p && strchr(p, '/'))
			key = strchr(p, '/') + 1;
		snprintf(buf[n], sizeof(buf[n]), "%s=%s", jsonx_strz(u, "state"), key);
		v[n] = buf[n];
		n++;
	}
	qsort(v, n, sizeof(v[0]), cmp_str);
	for (i = 0; i < n; i++)
		strbuf_addf(out, "%s%s", i ? "," : "", v[i]);
}

/* A company's rating and the coverage it rests on: grade, units, credit and the units not fully assessed. */
static void expect_rating(json_t *co, const char *grade, long long units, double credit, const char *weak)
{
	struct strbuf got = STRBUF_INIT;

	ck_assert_str_eq(jsonx_strz(jsonx_dig(co, "rating"), "status"), "rated");
	ck_assert_str_eq(jsonx_strz(jsonx_dig(co, "rating"), "grade"), grade);
	ck_assert_int_eq(jsonx_int(jsonx_dig(co, "coverage"), "units", -1), units);
	ck_assert_double_eq_tol(json_number_value(jsonx_dig(co, "coverage.credit")), credit, 1e-9);
	weak_units(co, &got);
	ck_assert_msg(!strcmp(got.buf, weak), "%s: weak units: got\n  %s\nexpected\n  %s", jsonx_strz(co, "company"),
		      got.buf, weak);
	strbuf_release(&got);
}

/* Page n of the report as text, whitespace runs made one space (pdftotext lays lines out as on the page). */
static void page_text(const char *pdf, int n, struct strbuf *out)
{
	char page[16];
	const char *argv[] = { "pdftotext", "-f", page, "-l", page, pdf, "-", NULL };
	struct th_result res;
	const char *c;

	snprintf(page, sizeof(page), "%d", n);
	th_run(&res, argv, NULL, NULL, NULL);
	th_assert_status(&res, 0);
	strbuf_reset(out);
	for (c = res.out.buf; *c; c++) {
		if (*c == ' ' || *c == '\n' || *c == '\t' || *c == '\f') {
			if (out->len && out->buf[out->len - 1] != ' ')
				strbuf_addch(out, ' ');
		} else {
			strbuf_addch(out, *c);
		}
	}
	th_result_release(&res);
}

#define EXPECT_FLAGS(co, want)                                                                                     \
	do {                                                                                                        \
		struct strbuf got_ = STRBUF_INIT;                                                                   \
		red_flags(co, &got_);                                                                               \
		ck_assert_msg(!strcmp(got_.buf, want), "red flags: got\n  %s\nexpected\n  %s", got_.buf, want);  \
		strbuf_release(&got_);                                                                              \
	} while (0)

#define EXPECT_SET(doc, fn, arg, want)                                                                              \
	do {                                                                                                        \
		struct strbuf got_ = STRBUF_INIT;                                                                   \
		collect(doc, &got_, fn, arg);                                                                       \
		ck_assert_msg(!strcmp(got_.buf, want), "%s: got\n  %s\nexpected\n  %s", arg, got_.buf, want);      \
		strbuf_release(&got_);                                                                              \
	} while (0)

START_TEST(demo_estate_facts)
{
	static const struct {
		int asset;
		const char *rule, *pkg, *kev_cve, *fixed;
	} want[] = {
		{ PAY, "DEBIAN-CVE-2025-24813", "tomcat10", "CVE-2025-24813", "10.1.34-1~deb12u1" },
		{ PAY, "DEBIAN-CVE-2023-4911", "libc6", "CVE-2023-4911", "2.36-9+deb12u3" },
		{ PAY, "DEBIAN-CVE-2023-4863", "libwebp7", "CVE-2023-4863", "1.2.4-0.2+deb12u1" },
		{ PAY, "GHSA-xx65-cc7g-9pfp", "spring-boot", NULL, "1.5.10" },
		{ LEDGER, "DEBIAN-CVE-2024-4577", "php8.2-cli", "CVE-2024-4577", "8.2.20-1~deb12u1" },
		{ LEDGER, "DEBIAN-CVE-2024-38475", "apache2", "CVE-2024-38475", "2.4.61-1~deb12u1" },
		{ WEB, "GHSA-jf85-cpcp-j695", "lodash", NULL, "4.17.12" },
		{ WEB, "ALPINE-CVE-2025-26519", "musl", NULL, "1.2.4-r3" },
		{ GW, "GHSA-v778-237x-gjrc", "golang.org/x/crypto", NULL, "0.31.0" },
		{ API, "PYSEC-2024-57", "Django", NULL, "4.2.14" },
		{ BATCH, "ALSA-2023:3722", "openssl-libs", NULL, "1:3.0.7-16.el9_2" },
		{ PMA, "DEBIAN-CVE-2024-38475", "apache2", "CVE-2024-38475", "2.4.61-1~deb12u1" },
		{ JENKINS, "DEBIAN-CVE-2023-4911", "libc6", "CVE-2023-4911", "2.36-9+deb12u3" },
		{ ES, "GHSA-3pxv-7cmr-fjr4", "log4j-core", NULL, "2.25.4" },
	};
	static const struct {
		int asset;
		size_t vulns;
	} counts[] = { { PAY, 395 }, { LEDGER, 585 }, { WEB, 5 },       { API, 115 }, { BATCH, 9 },
		       { GW, 4 },    { JENKINS, 218 }, { PMA, 372 }, { ES, 1 } };
	char *dir = th_demo_copy(), *eng = path_in(dir, "demo/engagement.yaml"), *out = path_in(dir, "out");
	char *json = path_in(dir, "out/findings.json"), *csv = path_in(dir, "out/findings.csv");
	char *pdf = path_in(dir, "out/report.pdf");
	static const char *const top[] = {
		"(Łódź): CVE-2024-4577 (known exploited) in php8.2-cli on kestrel/ledger/admin:1.0.7: act now.",
		"(Łódź): CVE-2025-24813 (known exploited) in tomcat10 on kestrel/payments/api:3.2.0: act now.",
		"(Łódź): CVE-2025-27363 (known exploited) in libfreetype6 on kestrel/payments/api:3.2.0: act now.",
		"(Łódź): CVE-2024-38475 (known exploited) in apache2 on kestrel/ledger/admin:1.0.7 and 1 more asset: act now.",
		"(Łódź): CVE-2023-44487 (known exploited) in libtomcat10-java on kestrel/payments/api:3.2.0: act now.",
	};
	char *checker = th_repo_path("tests/lib/demo_provenance.py"), *data = th_data_path("");
	struct strbuf text = STRBUF_INIT;
	struct th_result res;
	json_t *doc = NULL, *f, *secret = NULL, *k, *net, *pair, *bundle = NULL;
	const char *prov[] = { "python3", checker, json, data, NULL };
	char flags[1024];
	size_t i;

	ck_assert_ptr_nonnull(th_demo_vulndb());
	for (i = 0; i < NIMG; i++)
		snprintf(img[i], sizeof(img[i]), img_fmt[i], th_demo_port());
	th_vetter(&res, NULL, "run", eng, "--out", out, "--vulndb", th_demo_vulndb(), NULL);
	th_assert_status(&res, 3); /* coverage gaps: the legacy image, running images missing from the registries */
	th_result_release(&res);
	th_read(json, &text);
	ck_assert_int_eq(jsonx_parse(text.buf, text.len, json, &doc), 0);
	ck_assert_ptr_null(strstr(text.buf, EC_KEY_BODY));
	/* Both clusters, both registries (authorised, read-only), the data-room archive, Heron's AWS
	 * export, Heron's Azure and Kestrel's Google Cloud exports, and Kestrel's evidence bundle. */
	ck_assert_uint_eq(json_array_size(json_object_get(doc, "sources")), 9);
	json_array_foreach(json_object_get(doc, "sources"), i, f) {
		ck_assert_msg(!strcmp(jsonx_strz(f, "status"), "done"), "source %s: %s", jsonx_strz(f, "id"),
			      jsonx_strz(f, "status"));
		if (!strcmp(jsonx_strz(f, "id"), "kestrel-dataroom"))
			bundle = json_object_get(f, "coverage");
	}
	/* Kestrel's bundle, made with 'vetter kit aws' (16 commands' outputs) plus its GuardDuty export:
	 * the manifest made at build time verifies, and every file is read, none a gap. */
	ck_assert_ptr_nonnull(bundle);
	ck_assert_str_eq(jsonx_strz(bundle, "manifest"), "verified");
	ck_assert_int_eq(jsonx_int(bundle, "files_read", -1), 17);
	ck_assert_int_eq(jsonx_int(bundle, "files_not_read", -1), 0);
	ck_assert_int_eq(jsonx_int(json_object_get(bundle, "tools"), "aws", -1), 16);
	ck_assert_int_eq(jsonx_int(json_object_get(bundle, "tools"), "guardduty", -1), 1);
	json_array_foreach(json_object_get(doc, "findings"), i, f)
		ck_assert_msg(strcmp(jsonx_strz(f, "source"), "kestrel-dataroom") || strcmp(jsonx_strz(f, "kind"), "gap"),
			      "bundle gap: %s", jsonx_strz(f, "title"));

	for (i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		f = find_vuln(doc, img[want[i].asset], want[i].rule, want[i].pkg);
		ck_assert_msg(f != NULL, "%s: no %s in %s", img[want[i].asset], want[i].rule, want[i].pkg);
		ck_assert_str_eq(jsonx_strz(f, "fixed"), want[i].fixed);
		ck_assert_str_eq(jsonx_strz(f, "status"), "open");
		if (want[i].kev_cve) {
			ck_assert_msg(json_object_get(f, "kev") != NULL, "%s lacks its KEV entry", want[i].rule);
			ck_assert_str_eq(jsonx_strz(json_array_get(json_object_get(f, "cves"), 0), "id"), want[i].kev_cve);
		} else {
			ck_assert_ptr_null(json_object_get(f, "kev"));
		}
	}
	for (i = 0; i < sizeof(counts) / sizeof(counts[0]); i++)
		ck_assert_msg(count_kind_on(doc, "vulnerability", img[counts[i].asset]) == counts[i].vulns,
			      "%s: %zu, expected %zu", img[counts[i].asset],
			      count_kind_on(doc, "vulnerability", img[counts[i].asset]), counts[i].vulns);
	/* CISA KEV: exactly these CVEs, on exactly these images. */
	EXPECT_SET(doc, kev_cve_on, img[PAY],
		   "CVE-2023-44487,CVE-2023-4863,CVE-2023-4911,CVE-2025-24813,CVE-2025-27363,CVE-2025-48384");
	EXPECT_SET(doc, kev_cve_on, img[LEDGER], "CVE-2012-1823,CVE-2023-44487,CVE-2023-4911,CVE-2024-38475,CVE-2024-4577");
	EXPECT_SET(doc, kev_cve_on, img[WEB], "");
	EXPECT_SET(doc, kev_cve_on, img[API], "");
	EXPECT_SET(doc, kev_cve_on, img[JENKINS], "CVE-2023-4911,CVE-2025-48384");
	EXPECT_SET(doc, kev_cve_on, img[PMA], "CVE-2023-4911,CVE-2024-38475");
	EXPECT_SET(doc, kev_cve_on, img[ES], "");

	/* The signing key: deleted by a later layer, still in the image, never shown. */
	ck_assert_uint_eq(count_kind_on(doc, "secret", NULL), 1);
	json_array_foreach(json_object_get(doc, "findings"), i, f)
		if (!strcmp(jsonx_strz(f, "kind"), "secret"))
			secret = f;
	ck_assert_str_eq(jsonx_strz(json_object_get(secret, "asset"), "key"), img[PAY]);
	ck_assert_str_eq(jsonx_strz(secret, "presence"), "removed-but-recoverable");
	ck_assert_str_eq(jsonx_strz(secret, "rule"), "secret:private-key");
	ck_assert_str_eq(jsonx_strz(json_object_get(secret, "secret"), "path"), "opt/payments/keys/settlement-signing.key");
	ck_assert_str_eq(jsonx_strz(json_object_get(secret, "secret"), "redacted"), "-----BEGIN PRIVATE KEY----- ****");
	ck_assert(json_is_true(json_object_get(json_object_get(secret, "secret"), "removed")));

	/* Privileged containers and internet-facing load balancers open to everyone, in both clusters. */
	EXPECT_SET(doc, failing, "CIS-K8S-1.10-5.2.2",
		   "kestrel-prod/DaemonSet/monitoring/datadog-agent,kestrel-prod/DaemonSet/ops/falcon-sensor,"
		   "kestrel-prod/Deployment/default/debug-shell,kestrel-prod/Deployment/ledger/ledger-admin,"
		   "kestrel-prod/StatefulSet/ci/jenkins,kestrel-prod/StatefulSet/ops/elasticsearch");
	/* Heron's security agents are privileged under a waiver; Kestrel's debug pod's waiver has expired. */
	EXPECT_SET(doc, waived, "CIS-K8S-1.10-5.2.2",
		   "heron-prod-eu/DaemonSet/security/falco,heron-prod-eu/DaemonSet/security/falcon-sensor");
	EXPECT_SET(doc, expired_waiver, "WAIVER-EXPIRED", "kestrel");
	EXPECT_SET(doc, failing, "NSA-K8S-1.2-LOADBALANCER-SOURCES",
		   "heron-prod-eu/Service/ingress-nginx/ingress-nginx-controller,kestrel-prod/Service/checkout/checkout-web,"
		   "kestrel-prod/Service/checkout/merchant-dashboard,kestrel-prod/Service/ci/jenkins,"
		   "kestrel-prod/Service/ledger/php-myadmin,kestrel-prod/Service/payments/rabbitmq");
	EXPECT_SET(doc, failing, "NSA-K8S-1.2-NODEPORT",
		   "kestrel-prod/Service/ledger/ledger-admin,kestrel-prod/Service/monitoring/grafana");
	EXPECT_SET(doc, failing, "NSA-K8S-1.2-INGRESS-TLS",
		   "kestrel-prod/Ingress/ops/kibana,kestrel-prod/Ingress/payments/payments-api");

	/* The clouds: Kestrel's root user without MFA, its public bucket and SSH open to the internet;
	 * Heron's account holds to the same rules except a virtual (not hardware) root MFA device. */
	EXPECT_SET(doc, failing, "CIS-AWS-3.0-1.5", "aws:account:482913746520");
	EXPECT_SET(doc, failing, "CIS-AWS-3.0-1.6", "aws:account:310987654321,aws:account:482913746520");
	EXPECT_SET(doc, failing, "VETTER-AWS-S3-PUBLIC-POLICY", "arn:aws:s3:::kestrel-merchant-statements");
	EXPECT_SET(doc, failing, "CIS-AWS-3.0-2.1.4", "arn:aws:s3:::kestrel-merchant-statements");
	EXPECT_SET(doc, failing, "CIS-AWS-3.0-5.2", "arn:aws:ec2:eu-west-1:482913746520:security-group/sg-09f8e7d6c5b4a3921");
	EXPECT_SET(doc, failing, "CIS-AZURE-3.0-7.1", "azure.network.nsg:" HERON_SUB
		   "/resourceGroups/heron-customs-prod/providers/Microsoft.Network/networkSecurityGroups/customs-broker-gw");
	EXPECT_SET(doc, failing, "CIS-GCP-3.0-3.6", "gcp.compute.firewall://compute.googleapis.com/projects/"
		   "kestrel-analytics-prod/global/firewalls/allow-ssh-anywhere");
	EXPECT_SET(doc, failing, "CIS-GCP-3.0-5.1", "gcp.storage.bucket://storage.googleapis.com/kestrel-settlement-exports");
	/* GuardDuty's export from the data room: two threat detections on the target's account. */
	EXPECT_SET(doc, threat, "aws:account:482913746520",
		   "CryptoCurrency:EC2/BitcoinTool.B!DNS=high,UnauthorizedAccess:EC2/SSHBruteForce=low");
	k = by_company(jsonx_dig(doc, "scores.companies"), "kestrel");
	/* Both companies get a grade: their mirrored third-party images are in their registries, so coverage
	 * is over the 70% threshold. What is left: the Prometheus images (no package database; not mirrored),
	 * Kestrel's legacy exporter (not in its registry; its data-room archive has no package database),
	 * the CrowdStrike (RHEL UBI), Datadog (Ubuntu 22.10) and Elastic 7.10.2 (CentOS 8) images whose
	 * operating systems have no advisories in the demo database, and each AWS export's missing calls. */
	expect_rating(by_company(jsonx_dig(doc, "scores.companies"), "heron"), "D", 25, 21.0,
		      "not-assessed=heron/mirror/prometheus/alertmanager:v0.27.0,"
		      "not-assessed=heron/mirror/prometheus/node-exporter:v1.8.2,"
		      "not-assessed=heron/mirror/prometheus/prometheus:v2.53.2,partial=aws:account:310987654321,"
		      "partial=heron/mirror/crowdstrike/falcon-sensor:7.18.0");
	expect_rating(k, "F", 30, 24.0,
		      "not-assessed=kestrel/legacy/settlement-export:legacy,"
		      "not-assessed=kestrel/mirror/prometheus/prometheus:v2.26.0,"
		      "not-assessed=oci-dir:images/kestrel:settlement-export-legacy,partial=aws:account:482913746520,"
		      "partial=kestrel/mirror/crowdstrike/falcon-sensor:6.51.0,partial=kestrel/mirror/datadog/agent:7.45.0,"
		      "partial=kestrel/mirror/elastic/elasticsearch:7.10.2,partial=kestrel/mirror/elastic/filebeat:7.10.2,"
		      "partial=kestrel/mirror/elastic/kibana:7.10.2");
	/* The red flags: the KEV-listed images behind public load balancers (payments, the ledger back office,
	 * Jenkins and phpMyAdmin), then the cloud's. */
	snprintf(flags, sizeof(flags),
		 "kev-internet-facing=%s+%s+%s+%s,root-without-mfa=aws:account:482913746520,"
		 "public-data-store=arn:aws:s3:::kestrel-merchant-statements,evidence-of-compromise=aws:account:482913746520",
		 img[JENKINS], img[LEDGER], img[PMA], img[PAY]);
	EXPECT_FLAGS(k, flags);
	EXPECT_FLAGS(by_company(jsonx_dig(doc, "scores.companies"), "heron"), "");
	/* The consolidation plan's tools, recognised from the mirrored images (the mirrors keep the upstream
	 * repository path): both run CrowdStrike, Heron also Falco; Kestrel observes with Datadog, Elastic and
	 * Prometheus, Heron with Prometheus; only Heron has cert-manager and Argo CD. */
	strbuf_reset(&text);
	tool_rows(doc, &text);
	ck_assert_str_eq(text.buf, "certificates=gap:heron[cert-manager]kestrel[],gitops=gap:heron[argo-cd]kestrel[],"
				   "observability=overlap:heron[prometheus]kestrel[datadog+elastic+prometheus],"
				   "runtime-security=overlap:heron[falco+crowdstrike-falcon]kestrel[crowdstrike-falcon]");
	/* The clouds each estate uses: Kestrel's GCP export is one project (an asset naming none adds none). */
	json_array_foreach(jsonx_dig(doc, "consolidation.estate.companies"), i, f) {
		json_t *cl;
		size_t j;

		json_array_foreach(json_object_get(f, "clouds"), j, cl)
			ck_assert_msg(jsonx_int(cl, "accounts", -1) == 1, "%s: %s accounts: %lld", jsonx_strz(f, "company"),
				      jsonx_strz(cl, "cloud"), jsonx_int(cl, "accounts", -1));
		ck_assert_uint_eq(json_array_size(json_object_get(f, "clouds")), 2);
	}
	/* The consolidation plan: the two production VPCs both use 10.40.0.0/16. */
	net = jsonx_dig(doc, "consolidation.network");
	pair = NULL;
	json_array_foreach(json_object_get(net, "pairs"), i, f)
		if (!strcmp(jsonx_strz(json_object_get(f, "a"), "kind"), "vpc") &&
		    !strcmp(jsonx_strz(json_object_get(f, "b"), "kind"), "vpc"))
			pair = f;
	ck_assert_ptr_nonnull(pair);
	ck_assert_str_eq(jsonx_strz(pair, "overlap"), "10.40.0.0/16");
	ck_assert_str_eq(jsonx_strz(json_object_get(pair, "a"), "network"), "vpc-0a1b2c3d4e5f60718");
	ck_assert_str_eq(jsonx_strz(json_object_get(pair, "a"), "account"), "310987654321");
	ck_assert_str_eq(jsonx_strz(json_object_get(pair, "b"), "network"), "vpc-07e6d5c4b3a291807");
	ck_assert_str_eq(jsonx_strz(json_object_get(pair, "b"), "account"), "482913746520");
	ck_assert_int_eq(jsonx_int(net, "pair_count", 0), NET_PAIRS);

	/* The executive summary names the five top risks, each advisory once, by CVE and image, not registry keys. */
	page_text(pdf, 2, &text);
	for (i = 0; i < sizeof(top) / sizeof(top[0]); i++)
		ck_assert_msg(strstr(text.buf, top[i]) != NULL, "top five lacks '%s':\n%s", top[i], text.buf);
	ck_assert_ptr_null(strstr(text.buf, "more of the top five"));
	ck_assert_ptr_null(strstr(text.buf, "registry:"));

	strbuf_reset(&text);
	th_read(csv, &text);
	ck_assert_ptr_null(strstr(text.buf, EC_KEY_BODY));
	/* Every advisory, package, fixed version and CVE id behind a finding is in ../shared/data. */
	th_run(&res, prov, NULL, NULL, NULL);
	th_assert_status(&res, 0);
	ck_assert_msg(strstr(res.out.buf, "3380 vulnerability findings checked"), "%s", res.out.buf);
	th_result_release(&res);

	json_decref(doc);
	strbuf_release(&text);
	th_rm_rf(dir);
	free(dir), free(eng), free(out), free(json), free(csv), free(pdf), free(checker), free(data);
}
END_TEST

Suite *demo_suite(void)
{
	Suite *s = suite_create("demo");
	TCase *tc = tcase_create("demo");

	tcase_set_timeout(tc, 120);
	if (th_demo_have_tools("demo_estate_facts") && th_have_tool("demo_estate_facts", "pdftotext") &&
	    th_demo_have_data("demo_estate_facts")) {
		tcase_add_unchecked_fixture(tc, th_demo_build, NULL);
		tcase_add_test(tc, demo_estate_facts);
	}
	suite_add_tcase(s, tc);
	return s;
}
