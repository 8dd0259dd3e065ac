/*
 * The aws kit end to end: its script, run with the real AWS CLI against
 * moto_server (tests/lib/th_awsorg.h: the management account of an
 * organisation, with a user, roles, a bucket, an open security group and an
 * instance), makes a bundle that the bundle source reads into the same
 * assets and edges as the live aws source collecting the same account
 * through the same recording proxy.  The CLI's requests are actions of
 * vetter's call table too (the proxy refuses any other).  What moto does
 * not implement is a named gap on both sides.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "core/jsonx.h"
#include "core/strbuf.h"
#include "th.h"
#include "th_awsorg.h"

/* Members that say who collected and when, not what the account holds. */
static void drop_everywhere(json_t *v, const char *name)
{
	const char *k;
	json_t *x;
	size_t i;

	if (json_is_object(v)) {
		json_object_del(v, name);
		json_object_foreach(v, k, x)
			drop_everywhere(x, name);
	} else if (json_is_array(v)) {
		json_array_foreach(v, i, x)
			drop_everywhere(x, name);
	}
}

/*
 * A document as both sides must agree on it: who collected and when left out,
 * and of what could not be read, which data sets (the reasons are each
 * tool's words for the same failure: vetter's "HTTP 500", the CLI's line).
 */
static json_t *comparable(const json_t *doc)
{
	static const char *const drop[] = { "source", "access", "identity", "collection", "latest_delivery_time" };
	json_t *d = json_deep_copy(doc), *v;
	const char *k;
	size_t i;

	for (i = 0; i < sizeof(drop) / sizeof(drop[0]); i++)
		drop_everywhere(d, drop[i]);
	json_object_foreach(json_object_get(d, "unreadable"), k, v)
		json_object_set_new(json_object_get(d, "unreadable"), k, json_true());
	return d;
}

/* Run the kit's script into dir/bundle-aws with the CLI pointed at the proxy, and nowhere else. */
static void run_kit(const struct th_org *w)
{
	char *script = th_org_path(w, "vetter-kit-aws.sh"), *none = th_org_path(w, "no-aws-config");
	const json_t *cr = json_object_get(w->seed, "kit_credentials");
	struct strbuf e[12];
	const char *env[16];
	struct th_result res;
	size_t i, n = 0;

	th_vetter(&res, NULL, "kit", "aws", "-o", script, NULL);
	th_assert_status(&res, 0);
	th_result_release(&res);
	for (i = 0; i < 12; i++)
		strbuf_init(&e[i], 0);
	strbuf_addf(&e[0], "AWS_ACCESS_KEY_ID=%s", jsonx_strz(cr, "AccessKeyId"));
	strbuf_addf(&e[1], "AWS_SECRET_ACCESS_KEY=%s", jsonx_strz(cr, "SecretAccessKey"));
	strbuf_addf(&e[2], "AWS_SESSION_TOKEN=%s", jsonx_strz(cr, "SessionToken"));
	/* The kit's own option for the endpoint (README: AWS_OPTS='--endpoint-url URL'). */
	strbuf_addf(&e[3], "AWS_OPTS=--endpoint-url %s", w->endpoint);
	/* S3 Control's host gets the account id in front; the proxy takes it as a forward proxy. */
	strbuf_addf(&e[4], "HTTP_PROXY=%s", w->endpoint);
	strbuf_addf(&e[5], "http_proxy=%s", w->endpoint);
	/* Anything that would leave loopback by HTTPS meets the proxy, which tunnels nothing. */
	strbuf_addf(&e[6], "HTTPS_PROXY=%s", w->endpoint);
	strbuf_addf(&e[7], "https_proxy=%s", w->endpoint);
	strbuf_addf(&e[8], "AWS_CONFIG_FILE=%s", none);
	strbuf_addf(&e[9], "AWS_SHARED_CREDENTIALS_FILE=%s", none);
	strbuf_addf(&e[10], "HOME=%s", w->dir);
	strbuf_addf(&e[11], "AWS_ENDPOINT_URL=%s", w->endpoint);
	for (i = 0; i < 12; i++)
		env[n++] = e[i].buf;
	env[n++] = "NO_PROXY=";
	env[n++] = "no_proxy=";
	env[n++] = "AWS_EC2_METADATA_DISABLED=true";
	env[n] = NULL;
	{
		char *bundle = th_org_path(w, "bundle-aws");
		const char *argv[] = { "sh", script, bundle, NULL };
		/* One region, as the live source reads. */
		const char *full[20];

		for (i = 0; i < n; i++)
			full[i] = env[i];
		full[n] = "VK_REGIONS=us-east-1";
		full[n + 1] = "AWS_DEFAULT_REGION=us-east-1"; /* as a configured CLI has it */
		full[n + 2] = NULL;
		th_run(&res, argv, full, NULL, w->dir);
		th_assert_status(&res, 0);
		/*
		 * Seven of AWS's "not configured" answers (no password policy, alternate contact, account or bucket
		 * public access block, bucket encryption or policy, Security Hub), and Access Analyzer, which moto
		 * does not implement (500).
		 */
		ck_assert_msg(strstr(res.err.buf, "(8 command(s) failed: see commands.tsv)"), "%s", res.err.buf);
		th_result_release(&res);
		free(bundle);
	}
	for (i = 0; i < 12; i++)
		strbuf_release(&e[i]);
	free(script);
	free(none);
}

/* "title: reason" of every gap, sorted, with the account's own source or bundle part left out. */
static json_t *gap_titles(const struct th_org_store *s)
{
	json_t *out = json_array(), *g;
	size_t i;

	json_array_foreach(s->gaps, i, g)
		json_array_append_new(out, json_string(jsonx_strz(g, "title")));
	return out;
}

START_TEST(aws_kit_equals_live)
{
	struct th_org w;
	struct th_org_store live, kit;
	struct th_result res;
	char *eng, *store;
	const char *env[] = { "T_AK=AKIAIOSFODNN7EXAMPLE", "T_SK=kit-test-secret", "AWS_PROFILE=", NULL };
	const char *k;
	json_t *a, *lg, *kg;
	size_t compared = 0, i;

	memset(&w, 0, sizeof(w));
	w.dir = th_tmpdir();
	th_org_start(&w);
	run_kit(&w);
	eng = th_org_path(&w, "deal.yaml");
	store = th_org_path(&w, "deal.vetter/store.sqlite");
	th_write_fmt(eng,
		     "name: AWS kit\nclient: Tests\nas_of: 2026-11-15\nstate: deal.vetter\ncompanies:\n"
		     "  - id: live\n    name: Live\n    role: target\n    sources:\n"
		     "      - type: aws\n        id: acme.mgmt\n        endpoint_url: %s\n        regions: [us-east-1]\n"
		     "        role_arn: arn:aws:iam::" ORG_MGMT ":role/SecurityAudit\n        role_session_name: vetter\n"
		     "        credentials: {access_key_id: env:T_AK, secret_access_key: env:T_SK}\n"
		     "        authorization: {by: CISO, scope: read-only audit, date: 2026-11-01, reference: LOA-1}\n"
		     "  - id: offline\n    name: Offline\n    role: acquirer\n    sources:\n"
		     "      - id: kit\n        type: bundle\n        path: bundle-aws\n",
		     w.endpoint);
	th_vetter(&res, env, "run", eng, "--only", "collect", NULL);
	th_assert_status(&res, 3);
	th_result_release(&res);
	th_org_read(store, "live", &live);
	th_org_read(store, "offline", &kit);
	/* The same assets, document for document. */
	json_object_foreach(live.assets, k, a) {
		json_t *l = comparable(json_object_get(a, "doc")), *e;
		const json_t *ka = json_object_get(kit.assets, k);

		ck_assert_msg(ka != NULL, "the bundle has no %s", k);
		ck_assert_str_eq(jsonx_strz(ka, "kind"), jsonx_strz(a, "kind"));
		e = comparable(json_object_get(ka, "doc"));
		if (!json_equal(l, e)) {
			const char *m;
			json_t *lv;

			json_object_foreach(l, m, lv) {
				char *ls, *es;

				if (json_equal(lv, json_object_get(e, m)))
					continue;
				ls = json_dumps(lv, JSON_SORT_KEYS | JSON_COMPACT | JSON_ENCODE_ANY);
				es = json_dumps(json_object_get(e, m), JSON_SORT_KEYS | JSON_COMPACT | JSON_ENCODE_ANY);
				ck_abort_msg("%s.%s differs: live %.600s, kit %.600s", k, m, ls, es ? es : "(absent)");
			}
			ck_abort_msg("%s: the bundle has members live collection has not", k);
		}
		json_decref(l);
		json_decref(e);
		compared++;
	}
	ck_assert_uint_eq(json_object_size(kit.assets), json_object_size(live.assets));
	/*
	 * 24: the account, its region, the user, two roles, the two accounts they trust (prod and an outsider),
	 * the four other accounts of the organisation, the bucket, the VPC with its six subnets and network ACL,
	 * the default and the open security group, the instance and its volume.
	 */
	ck_assert_uint_eq(compared, 24);
	{
		size_t orgs = 0;

		json_object_foreach(kit.assets, k, a)
			orgs += !strcmp(jsonx_strz(a, "kind"), "org-account");
		ck_assert_uint_eq(orgs, 4);
	}
	ck_assert_uint_eq(json_array_size(live.edges), json_array_size(kit.edges));
	json_array_foreach(live.edges, i, a) {
		size_t j, hit = 0;
		json_t *b;

		json_array_foreach(kit.edges, j, b)
			hit += json_equal(a, b);
		ck_assert_msg(hit == 1, "edge %s not in the bundle's", json_string_value(a));
	}
	ck_assert_uint_eq(json_array_size(live.edges), 13);
	{
		struct strbuf e = STRBUF_INIT;
		const char *inst = jsonx_strz(w.seed, "instance"), *sg = jsonx_strz(w.seed, "sg");
		json_t *x;
		size_t hit = 0;

		strbuf_addf(&e, "arn:aws:ec2:us-east-1:" ORG_MGMT ":instance/%s faces-internet arn:aws:ec2:us-east-1:" ORG_MGMT
				":security-group/%s", inst, sg);
		json_array_foreach(kit.edges, i, x)
			hit += !strcmp(json_string_value(x), e.buf);
		ck_assert_msg(hit == 1, "no edge %s in the bundle's", e.buf);
		strbuf_release(&e);
	}
	/* The gaps: what moto does not answer, named on both sides. */
	lg = gap_titles(&live);
	kg = gap_titles(&kit);
	ck_assert_msg(json_equal(lg, kg), "gaps differ: live %s, kit %s", json_dumps(lg, JSON_COMPACT),
		      json_dumps(kg, JSON_COMPACT));
	ck_assert_ptr_nonnull(th_org_gap(&live, "aws account " ORG_MGMT ": accessanalyzer in us-east-1", ""));
	ck_assert_ptr_nonnull(th_org_gap(&kit, "aws account " ORG_MGMT ": accessanalyzer in us-east-1", "500"));
	ck_assert_ptr_nonnull(th_org_gap(&kit, "aws account " ORG_MGMT ": regions not collected", ""));
	ck_assert_uint_eq(json_array_size(lg), 2);
	/* The CLI paged through the organisation's accounts too (its session is one moto issued, account unknown to the proxy). */
	ck_assert_int_eq(th_org_requests(&w, "organizations:ListAccounts", ORG_MGMT), 3);
	ck_assert_int_eq(th_org_requests(&w, "organizations:ListAccounts", "123456789012"), 3);
	json_decref(lg);
	json_decref(kg);
	th_org_release(&live);
	th_org_release(&kit);
	th_org_stop(&w);
	free(eng);
	free(store);
}
END_TEST

Suite *kit_aws_suite(void)
{
	Suite *s = suite_create("kit-aws");
	TCase *tc = tcase_create("kit-aws");

	tcase_set_timeout(tc, 400);
	if (th_have_tool("kit-aws", "aws") && th_have_tool("kit-aws", "moto_server") && th_have_tool("kit-aws", "python3"))
		tcase_add_test(tc, aws_kit_equals_live);
	suite_add_tcase(s, tc);
	return s;
}
