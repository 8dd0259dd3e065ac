/*
 * Scoring and consolidation over what the other stages really produce: a
 * Kubernetes export whose workloads run images of a real registry
 * (tests/lib/regenv.py), the registry source's repositories and newest
 * image, advisories matched with the real KEV catalog and EPSS scores, and
 * the rule packs' results.  The scores must follow the graph (the image
 * behind a LoadBalancer faces the internet, the one only in the registry
 * does not run), the KEV vulnerability on the internet-facing target
 * workload must be a red flag and block the interconnection gate of the
 * checklist, and the Python reference must agree with every figure.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "core/jsonx.h"
#include "core/strbuf.h"
#include "core/util.h"
#include "th.h"
#include "th_registry.h"

#define CVE_JSON "cve5/cves/2021/4xxx/CVE-2021-4034.json"
#define KEV_JSON "kev/known_exploited_vulnerabilities.json"
#define EPSS_CSV "epss/epss_scores-sample-2026-09-29.csv"
#define DEPLOYER_CSV "ssvc/deployer_patch_application_priority_1_0_0.csv"
#define HUMAN_CSV "ssvc/human_impact_1_0_0.csv"

/*
 * Advisories for the registry's Debian 12 base layer (openssl 3.0.11-1~deb12u2, zlib1g 1:1.2.13.dfsg-1).
 * Synthetic records, naming CVE ids the real catalogs list: CVE-2021-4034 is in KEV (its CVE record gives CVSS and CISA's SSVC points), CVE-1999-0002 has
 * an EPSS score in the sample; the joins and their values come from those files.
 */
static const char osv_openssl[] =
	"{\"schema_version\": \"1.6.0\", \"id\": \"TEST-OPENSSL-1\", \"aliases\": [\"CVE-2021-4034\"],"
	" \"modified\": \"2026-01-01T00:00:00Z\", \"summary\": \"openssl: heartbeat read overrun (test record)\","
	" \"affected\": [{\"package\": {\"ecosystem\": \"Debian:12\", \"name\": \"openssl\"},"
	" \"ranges\": [{\"type\": \"ECOSYSTEM\", \"events\": [{\"introduced\": \"0\"}, {\"fixed\": \"3.0.13-1~deb12u1\"}]}]}]}";
static const char osv_zlib[] =
	"{\"schema_version\": \"1.6.0\", \"id\": \"TEST-ZLIB-1\", \"aliases\": [\"CVE-1999-0002\"],"
	" \"modified\": \"2026-01-01T00:00:00Z\", \"summary\": \"zlib: overflow (test record)\","
	" \"affected\": [{\"package\": {\"ecosystem\": \"Debian:12\", \"name\": \"zlib1g\"},"
	" \"ranges\": [{\"type\": \"ECOSYSTEM\", \"events\": [{\"introduced\": \"0\"}, {\"fixed\": \"1:1.3.dfsg-1\"}]}]}]}";

/* The target's cluster, as kubectl would export it: api behind a LoadBalancer in payments, a batch job in tools. */
static const char k8s_yaml[] =
	"apiVersion: v1\nkind: Namespace\nmetadata: {name: payments}\n---\n"
	"apiVersion: v1\nkind: Namespace\nmetadata: {name: tools}\n---\n"
	"apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\n  namespace: payments\n"
	"  labels: {helm.sh/chart: payments-1.0}\n"
	"spec:\n  selector: {matchLabels: {app: api}}\n  template:\n    metadata: {labels: {app: api}}\n"
	"    spec:\n      containers:\n        - name: api\n          image: 127.0.0.1:%d/app/web:1.0\n---\n"
	"apiVersion: v1\nkind: Service\nmetadata: {name: api-lb, namespace: payments}\n"
	"spec:\n  type: LoadBalancer\n  selector: {app: api}\n  ports: [{port: 443}]\n---\n"
	"apiVersion: batch/v1\nkind: CronJob\nmetadata: {name: batch, namespace: tools}\n"
	"spec:\n  schedule: '0 * * * *'\n  jobTemplate:\n    spec:\n      template:\n        spec:\n"
	"          restartPolicy: Never\n          containers:\n            - name: batch\n"
	"              image: 127.0.0.1:%d/app/web:1.1\n              securityContext: {privileged: true}\n";

static const char version_json[] =
	"{\"serverVersion\": {\"major\": \"1\", \"minor\": \"27\", \"gitVersion\": \"v1.27.16-eks-a737599\","
	" \"platform\": \"linux/amd64\"}}";

static const char engagement_yaml[] =
	"name: Scoring end to end\nclient: Test\nas_of: 2026-11-15\ncurrency: EUR\ncompanies:\n"
	"  - id: heron\n    name: Heron\n    role: acquirer\n    sources:\n"
	"      - {id: heron-images, type: images, refs: [dir:heron-api]}\n"
	"  - id: kestrel\n    name: Kestrel\n    role: target\n    sources:\n"
	"      - {id: kestrel-k8s, type: kubernetes-export, cluster: prod, paths: [k8s]}\n"
	"      - id: kestrel-registry\n        type: registry\n        host: 127.0.0.1:%d\n        ca_file: %s\n"
	"        repositories: [app/web, app/multi]\n        newest_tags: 1\n"
	"        credentials: {username: \"env:REG_USER\", password: \"env:REG_PASS\"}\n"
	"        authorization: {by: A. Consultant, scope: read the registry, date: 2026-11-01}\n"
	"networks:\n  - {company: heron, name: HQ, kind: on-premises, ranges: [10.0.0.0/8]}\n"
	"  - {company: kestrel, name: VPN, kind: vpn, ranges: [10.20.0.0/16]}\n"
	"scoring:\n  criticality:\n    - {level: critical, namespace: payments}\n  fx: {from: USD, rate: 0.92, basis: test rate}\n";

static json_t *by_key(const json_t *list, const char *k, const char *v)
{
	const json_t *x;
	size_t i;

	json_array_foreach(list, i, x)
		if (!strcmp(jsonx_strz(x, k), v))
			return (json_t *)x;
	ck_abort_msg("no member with %s = %s", k, v);
	return NULL;
}

static json_t *finding(const json_t *doc, const char *rule, const char *asset_key)
{
	const json_t *f;
	size_t i;

	json_array_foreach(json_object_get(doc, "findings"), i, f)
		if (!strcmp(jsonx_strz(f, "rule"), rule) && !strcmp(jsonx_strz(json_object_get(f, "asset"), "key"), asset_key))
			return (json_t *)f;
	ck_abort_msg("no finding %s on %s", rule, asset_key);
	return NULL;
}

static void run_ok(const char *const *argv, const char *const *env, int want)
{
	struct th_result r;

	th_run(&r, argv, env, NULL, NULL);
	ck_assert_msg(r.status == want, "%s %s %s: exit %d, want %d: %s", argv[0], argv[1], argv[2], r.status, want,
		      r.err.buf);
	th_result_release(&r);
}

static void write_at(const char *dir, const char *rel, const char *text)
{
	struct strbuf p = STRBUF_INIT;

	strbuf_addf(&p, "%s/%s", dir, rel);
	*strrchr(p.buf, '/') = 0;
	ck_assert_int_eq(util_mkdirs(p.buf, 0700), 0);
	strbuf_reset(&p);
	strbuf_addf(&p, "%s/%s", dir, rel);
	th_write(p.buf, text);
	strbuf_release(&p);
}

/* The expectations on one vulnerability finding's risk. */
static void expect(const json_t *doc, const char *rule, const char *asset, const char *exposure, const char *running,
		   const char *crit, const char *priority)
{
	const json_t *r = json_object_get(finding(doc, rule, asset), "risk");

	ck_assert_msg(r, "%s on %s has no risk", rule, asset);
	ck_assert_str_eq(jsonx_strz(r, "exposure"), exposure);
	ck_assert_str_eq(jsonx_strz(r, "running"), running);
	ck_assert_str_eq(jsonx_strz(r, "criticality"), crit);
	ck_assert_str_eq(jsonx_strz(r, "priority"), priority);
}

START_TEST(scores_follow_the_real_stages)
{
	char *dir = th_tmpdir(), *kev = th_data_path(KEV_JSON), *epss = th_data_path(EPSS_CSV), *cve = th_data_path(CVE_JSON);
	char *script = th_repo_path("tests/lib/score_reference.py"), *tpl = th_repo_path("templates");
	char *deployer = th_data_path(DEPLOYER_CSV), *human = th_data_path(HUMAN_CSV), *demo = th_repo_path("samples/demo/images/heron-api");
	const char *bin = th_vetter_bin();
	struct strbuf p = STRBUF_INIT, db = STRBUF_INIT, envdb = STRBUF_INIT, text = STRBUF_INIT, out = STRBUF_INIT;
	struct strbuf web10 = STRBUF_INIT, web11 = STRBUF_INIT, newest = STRBUF_INIT, repo = STRBUF_INIT;
	const char *env[] = { "REG_USER=alice", "REG_PASS=s3cret", NULL, NULL };
	const char *imp[] = { bin, "db", "import", NULL, NULL, "--vulndb", NULL, NULL };
	const char *cp[] = { "cp", "-R", demo, NULL, NULL };
	const char *run[] = { bin, "run", NULL, "--no-progress", NULL };
	const char *py[] = { "python3", script, "--templates", tpl, "--deployer", deployer, "--human", human, NULL, NULL };
	const char *what[] = { "osv", "cve", "kev", "epss" };
	json_t *doc = NULL, *f, *r, *k, *h, *is, *g, *u, *c, *item, *plan;
	size_t i, fails;

	th_reg_need();
	/* The engagement folder: the demo's acquirer image, the cluster export, the advisories. */
	write_at(dir, "osv/openssl.json", osv_openssl);
	write_at(dir, "osv/zlib1g.json", osv_zlib);
	strbuf_addf(&text, k8s_yaml, th_reg.port_a, th_reg.port_a);
	write_at(dir, "k8s/cluster.yaml", text.buf);
	write_at(dir, "k8s/version.json", version_json);
	strbuf_reset(&text);
	strbuf_addf(&text, engagement_yaml, th_reg.port_a, th_reg.ca_path);
	write_at(dir, "engagement.yaml", text.buf);
	strbuf_addf(&p, "%s/heron-api", dir);
	cp[3] = p.buf;
	run_ok(cp, NULL, 0);
	/* The advisory database: two records, one real CVE record, the real KEV catalog and EPSS sample. */
	strbuf_addf(&db, "%s/vulndb.sqlite", dir);
	strbuf_addf(&envdb, "VETTER_VULNDB=%s", db.buf);
	env[2] = envdb.buf;
	strbuf_reset(&p);
	strbuf_addf(&p, "%s/osv", dir);
	imp[6] = db.buf;
	for (i = 0; i < 4; i++) {
		imp[3] = what[i];
		imp[4] = i == 0 ? p.buf : i == 1 ? cve : i == 2 ? kev : epss;
		run_ok(imp, NULL, 0);
	}
	strbuf_reset(&p);
	strbuf_addf(&p, "%s/engagement.yaml", dir);
	run[2] = p.buf;
	run_ok(run, env, 3); /* done, with coverage gaps (the acquirer's image has no package database) */
	strbuf_addf(&out, "%s/out/findings.json", dir);
	strbuf_reset(&text);
	th_read(out.buf, &text);
	ck_assert_int_eq(jsonx_parse(text.buf, text.len, out.buf, &doc), 0);

	/* Per finding: the graph decides exposure and whether the image runs; KEV and the CVE record decide the rest. */
	strbuf_addf(&web10, "registry:127.0.0.1:%d/app/web:1.0", th_reg.port_a);
	strbuf_addf(&web11, "registry:127.0.0.1:%d/app/web:1.1", th_reg.port_a);
	strbuf_addf(&newest, "registry:127.0.0.1:%d/app/web@%s", th_reg.port_a, th_reg_img("web", "2.0"));
	expect(doc, "TEST-OPENSSL-1", web10.buf, "open", "yes", "critical", "immediate");
	expect(doc, "TEST-OPENSSL-1", web11.buf, "controlled", "yes", "medium", "scheduled");
	expect(doc, "TEST-OPENSSL-1", newest.buf, "small", "no", "medium", "scheduled");
	expect(doc, "TEST-ZLIB-1", web10.buf, "open", "yes", "critical", "scheduled");
	f = finding(doc, "TEST-OPENSSL-1", web10.buf);
	r = json_object_get(f, "risk");
	ck_assert_str_eq(jsonx_strz(f, "severity"), "high");
	ck_assert_str_eq(jsonx_strz(r, "exploitation"), "active");
	ck_assert_str_eq(jsonx_strz(r, "exploitation_basis"), "KEV");
	ck_assert_str_eq(jsonx_strz(r, "exposure_basis"), "service payments/api-lb faces the internet");
	ck_assert_str_eq(jsonx_strz(r, "criticality_basis"), "scoring.criticality[0] through workload payments/api");
	ck_assert_str_eq(json_string_value(json_array_get(json_object_get(r, "red_flags"), 0)), "kev-internet-facing");
	ck_assert_str_eq(jsonx_strz(json_object_get(r, "ssvc"), "decision"), "immediate");
	ck_assert(jsonx_num(r, "likelihood", 0) == 1.0 && jsonx_num(r, "impact", 0) == 0.8);
	r = json_object_get(finding(doc, "TEST-ZLIB-1", web10.buf), "risk");
	ck_assert(jsonx_num(r, "epss", 0) == 0.27858);
	ck_assert_str_eq(jsonx_strz(r, "exploitation"), "none");

	/* Debian 12 on 2026-11-15 has only its extended support left: a supply-chain finding per image. */
	f = finding(doc, "eol:debian-12", web10.buf);
	ck_assert_str_eq(jsonx_strz(f, "kind"), "end-of-life");
	ck_assert_str_eq(jsonx_strz(f, "severity"), "medium");
	ck_assert_str_eq(jsonx_strz(json_object_get(f, "risk"), "domain"), "supply-chain");
	ck_assert_str_eq(jsonx_strz(json_object_get(f, "end_of_life"), "until"), "2028-06-30");
	ck_assert_str_eq(jsonx_strz(finding(doc, "eol:debian-12", newest.buf), "kind"), "end-of-life");

	/* One issue per advisory and package across the four images; one base-image fix for all of them. */
	k = by_key(jsonx_dig(doc, "scores.companies"), "company", "kestrel");
	h = by_key(jsonx_dig(doc, "scores.companies"), "company", "heron");
	is = by_key(json_object_get(k, "issues"), "rule", "TEST-OPENSSL-1");
	ck_assert_uint_eq(json_array_size(json_object_get(is, "assets")), 4);
	ck_assert_str_eq(jsonx_strz(is, "priority"), "immediate");
	g = by_key(jsonx_dig(k, "remediation.groups"), "type", "base-image");
	ck_assert_int_eq(jsonx_int(g, "assets", 0), 4);
	ck_assert_uint_eq(json_array_size(json_object_get(g, "findings")), 8);
	ck_assert_str_eq(jsonx_strz(by_key(jsonx_dig(k, "remediation.groups"), "type", "chart"), "about"), "payments-1.0");

	/* Coverage: the cluster, four images, both repositories; the acquirer's one image is half-assessed. */
	c = json_object_get(k, "coverage");
	ck_assert_int_eq(jsonx_int(c, "units", 0), 7);
	ck_assert(jsonx_num(c, "ratio", 0) == 1.0);
	strbuf_addf(&repo, "registry:127.0.0.1:%d/app/multi", th_reg.port_a);
	u = by_key(json_object_get(c, "list"), "key", repo.buf);
	ck_assert_str_eq(jsonx_strz(u, "kind"), "repository");
	ck_assert_str_eq(jsonx_strz(u, "state"), "assessed");
	ck_assert_str_eq(jsonx_strz(by_key(json_object_get(c, "list"), "key", web10.buf), "state"), "assessed");
	/*
	 * The export holds no NetworkPolicies or ServiceAccounts: the rules needing them are gaps on the
	 * workloads, counted under the cluster, which stays assessed since most of its rules had their data.
	 */
	f = finding(doc, "compliance-not-evaluated", "prod/Deployment/payments/api");
	ck_assert_str_eq(jsonx_strz(f, "kind"), "gap");
	ck_assert_str_eq(jsonx_strz(by_key(json_object_get(c, "list"), "key", "prod"), "state"), "assessed");
	ck_assert_str_eq(jsonx_strz(by_key(json_object_get(c, "list"), "key", "prod"), "kind"), "cluster");
	ck_assert_str_eq(jsonx_strz(jsonx_dig(k, "rating"), "status"), "rated");
	ck_assert_str_eq(jsonx_strz(jsonx_dig(h, "rating"), "status"), "insufficient-evidence");
	ck_assert(jsonx_num(jsonx_dig(h, "coverage"), "ratio", 0) == 0.5);

	/* Compliance from the rule packs' own results: the failures are exactly the open misconfigurations. */
	c = by_key(json_object_get(k, "compliance"), "framework", "nist_800_53_r5");
	fails = 0;
	json_array_foreach(json_object_get(doc, "findings"), i, f)
		fails += !strcmp(jsonx_strz(f, "company"), "kestrel") && !strcmp(jsonx_strz(f, "kind"), "misconfiguration") &&
			 !strcmp(jsonx_strz(f, "status"), "open") && jsonx_dig(f, "frameworks.nist_800_53_r5");
	ck_assert_int_eq(jsonx_int(c, "failed", -1), (long long)fails);
	ck_assert(fails > 0 && jsonx_int(c, "passed", 0) > 0);
	ck_assert_int_eq(jsonx_int(c, "checks", 0), jsonx_int(c, "passed", 0) + jsonx_int(c, "failed", 0));

	/* The deal view: the red flag and the condition it raises. */
	ck_assert_str_eq(jsonx_strz(json_array_get(jsonx_dig(doc, "scores.deal.red_flags"), 0), "id"), "kev-internet-facing");
	ck_assert_str_eq(jsonx_strz(by_key(jsonx_dig(doc, "scores.deal.conditions"), "id", "fix-before-close"), "company"),
			 "kestrel");

	/* Consolidation: the declared ranges conflict, the EKS version is judged, the KEV finding gates the link. */
	plan = json_object_get(doc, "consolidation");
	ck_assert_int_eq(jsonx_int(json_object_get(plan, "network"), "pair_count", 0), 1);
	ck_assert_str_eq(jsonx_strz(json_array_get(jsonx_dig(plan, "network.pairs"), 0), "overlap"), "10.20.0.0/16");
	ck_assert_str_eq(json_string_value(json_array_get(json_object_get(by_key(jsonx_dig(plan, "estate.rows"), "aspect",
										      "kubernetes"), "values"), 1)),
			 "Amazon EKS 1.27 ×1 (end of life since 2025-07-24)");
	g = by_key(jsonx_dig(plan, "checklist.gates"), "id", "target-kev-internet-facing");
	ck_assert_uint_eq(json_array_size(json_object_get(g, "findings")), 1);
	ck_assert_str_eq(json_string_value(json_array_get(json_object_get(g, "findings"), 0)),
			 jsonx_strz(finding(doc, "TEST-OPENSSL-1", web10.buf), "id"));
	item = by_key(jsonx_dig(plan, "checklist.items"), "id", "limited-interconnect");
	ck_assert_str_eq(jsonx_strz(item, "status"), "blocked");
	ck_assert_str_eq(json_string_value(json_array_get(json_object_get(item, "blocked_by"), 0)), "target-kev-internet-facing");

	/* And the independent reference agrees with every figure. */
	py[8] = out.buf;
	run_ok(py, NULL, 0);

	json_decref(doc);
	strbuf_release(&p), strbuf_release(&db), strbuf_release(&envdb), strbuf_release(&text), strbuf_release(&out);
	strbuf_release(&web10), strbuf_release(&web11), strbuf_release(&newest), strbuf_release(&repo);
	th_rm_rf(dir);
	free(dir), free(kev), free(epss), free(cve), free(script), free(tpl), free(deployer), free(human), free(demo);
	th_reg_no_violations();
}
END_TEST

Suite *scoring_e2e_suite(void)
{
	Suite *s = suite_create("scoring-e2e");
	TCase *tc = tcase_create("scoring-e2e");

	if (th_have_tool("scoring over the real stages", "docker-registry") &&
	    th_have_tool("scoring over the real stages", "skopeo") && th_have_tool("scoring over the real stages", "umoci") &&
	    th_have_tool("scoring over the real stages", "htpasswd") && th_have_tool("scoring over the real stages", "openssl") &&
	    th_have_tool("scoring over the real stages", "python3") && th_have_data("scoring over the real stages", KEV_JSON) &&
	    th_have_data("scoring over the real stages", EPSS_CSV) && th_have_data("scoring over the real stages", CVE_JSON) &&
	    th_have_data("scoring over the real stages", DEPLOYER_CSV) && th_have_data("scoring over the real stages", HUMAN_CSV)) {
		tcase_add_unchecked_fixture(tc, th_reg_start, NULL);
		tcase_set_timeout(tc, 180);
		tcase_add_test(tc, scores_follow_the_real_stages);
	}
	suite_add_tcase(s, tc);
	return s;
}
