/*
 * AWS Organizations as the denominator of coverage, against moto_server
 * (tests/lib/th_awsorg.h): company "acme" collects its management account
 * and its prod member, whose organisation also holds staging, sandbox and
 * the closed retired; company "beta" collects only beta-app, a member that
 * may not list its organisation's accounts (AWS's AccessDeniedException, as
 * the proxy answers for members).  The organisation's active accounts are
 * the accounts coverage counts (2 of 4 for acme, the two others named, the
 * closed one not counted, staging once although prod's role trusts it); beta's coverage falls back to the account
 * collected, with the refusal a named gap.  ListAccounts pages (two a page)
 * and every request is an action of the call table.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "core/jsonx.h"
#include "core/strbuf.h"
#include "th.h"
#include "th_awsorg.h"

static void write_engagement(const struct th_org *w, const char *path)
{
	static const char auth[] = "        authorization: {by: CISO, scope: read-only audit, date: 2026-11-01, reference: LOA-1}\n"
				   "        credentials: {access_key_id: env:T_AK, secret_access_key: env:T_SK}\n"
				   "        regions: [us-east-1]\n        role_session_name: vetter\n";

	th_write_fmt(path,
		     "name: AWS organisations\nclient: Tests\nas_of: 2026-11-15\nstate: deal.vetter\ncompanies:\n"
		     "  - id: acme\n    name: Acme\n    role: target\n    sources:\n"
		     "      - type: aws\n        id: acme.mgmt\n        endpoint_url: %s\n"
		     "        role_arn: arn:aws:iam::" ORG_MGMT ":role/SecurityAudit\n%s"
		     "      - type: aws\n        id: acme.prod\n        endpoint_url: %s\n"
		     "        role_arn: arn:aws:iam::%s:role/SecurityAudit\n%s"
		     "  - id: beta\n    name: Beta\n    role: acquirer\n    sources:\n"
		     "      - type: aws\n        id: beta.app\n        endpoint_url: %s\n"
		     "        role_arn: arn:aws:iam::%s:role/SecurityAudit\n%s",
		     w->endpoint, auth, w->endpoint, w->prod, auth, w->endpoint, w->beta_app, auth);
}

static const json_t *asset_doc(const struct th_org_store *s, const char *fmt, const char *id)
{
	struct strbuf key = STRBUF_INIT;
	const json_t *a;

	strbuf_addf(&key, fmt, id);
	a = json_object_get(s->assets, key.buf);
	ck_assert_msg(a != NULL, "no asset %s", key.buf);
	strbuf_release(&key);
	return json_object_get(a, "doc");
}

/* What the connector wrote: the organisation's accounts, and the member's refusal. */
static void check_store(const struct th_org *w, const char *store)
{
	struct th_org_store acme, beta;
	const json_t *d, *g;
	struct strbuf s = STRBUF_INIT;
	const char *k;
	json_t *a;
	int members = 0;

	th_org_read(store, "acme", &acme);
	d = asset_doc(&acme, "aws:account:%s", ORG_MGMT);
	ck_assert_msg(json_is_true(jsonx_dig(d, "organization.management")), "the management account is not marked");
	ck_assert_int_eq(json_integer_value(jsonx_dig(d, "organization.accounts_listed")), 5);
	ck_assert_str_eq(jsonx_strz(json_object_get(d, "organization"), "management_account"), ORG_MGMT);
	d = asset_doc(&acme, "aws:account:%s", w->prod);
	ck_assert(json_is_false(jsonx_dig(d, "organization.management")));
	ck_assert(json_is_null(jsonx_dig(d, "organization.accounts_listed")));
	ck_assert_msg(strstr(jsonx_strz(json_object_get(d, "organization"), "not_listed_reason"), "AccessDeniedException"),
		      "%s", jsonx_strz(json_object_get(d, "organization"), "not_listed_reason"));
	/* Every other account of the organisation, named, with its state; the outside vendor is not one. */
	json_object_foreach(acme.assets, k, a)
		members += !strcmp(jsonx_strz(a, "kind"), "org-account") && json_is_true(jsonx_dig(a, "doc.in_organization"));
	ck_assert_int_eq(members, 4);
	d = asset_doc(&acme, "aws:org-account:%s", w->staging);
	strbuf_addf(&s, "staging (%s)", w->staging);
	ck_assert_str_eq(jsonx_strz(d, "name"), s.buf);
	ck_assert_str_eq(jsonx_strz(d, "status"), "ACTIVE");
	ck_assert_str_eq(jsonx_strz(d, "joined_method"), "CREATED");
	ck_assert_str_eq(jsonx_strz(d, "source"), "acme.mgmt");
	ck_assert_str_eq(jsonx_strz(asset_doc(&acme, "aws:org-account:%s", w->retired), "status"), "SUSPENDED");
	/* prod, which cannot list the organisation, knows staging only as the account its role trusts. */
	ck_assert(json_is_false(json_object_get(asset_doc(&acme, "aws:external-account:%s", w->staging), "in_organization")));
	ck_assert_str_eq(jsonx_strz(asset_doc(&acme, "aws:external-account:%s", w->staging), "source"), "acme.prod");
	/* The management account knows prod as a member, and the role prod may assume points at it. */
	ck_assert(json_is_true(json_object_get(asset_doc(&acme, "aws:external-account:%s", w->prod), "in_organization")));
	ck_assert(json_is_false(json_object_get(asset_doc(&acme, "aws:external-account:%s", "999999999999"), "in_organization")));
	/* The role prod may assume points at prod's account, a member. */
	strbuf_reset(&s);
	strbuf_addf(&s, "arn:aws:iam::" ORG_MGMT ":role/deploy-from-prod third-party-access aws:external-account:%s", w->prod);
	ck_assert_msg(json_array_size(acme.edges) > 0, "no edges");
	{
		size_t i, hit = 0;
		json_t *e;

		json_array_foreach(acme.edges, i, e)
			hit += !strcmp(json_string_value(e), s.buf);
		ck_assert_msg(hit == 1, "no edge %s", s.buf);
	}
	/* The member's refusal is a gap that says what it costs; the management account has none. */
	strbuf_reset(&s);
	strbuf_addf(&s, "aws account %s: organizations", w->prod);
	g = th_org_gap(&acme, s.buf, "AccessDeniedException");
	ck_assert_ptr_nonnull(g);
	ck_assert_msg(strstr(jsonx_strz(g, "reason"), "coverage counts only the accounts collected"), "%s", jsonx_strz(g, "reason"));
	ck_assert_ptr_null(th_org_gap(&acme, "aws account " ORG_MGMT ": organizations", ""));
	th_org_read(store, "beta", &beta);
	strbuf_reset(&s);
	strbuf_addf(&s, "aws account %s: organizations", w->beta_app);
	ck_assert_ptr_nonnull(th_org_gap(&beta, s.buf, "AccessDeniedException"));
	/* Only what a role trusts: the management account, through the role Organizations made (not known as a member). */
	members = 0;
	json_object_foreach(beta.assets, k, a)
		if (!strcmp(jsonx_strz(a, "kind"), "external-account")) {
			ck_assert_str_eq(k, "aws:external-account:" ORG_BETA);
			ck_assert(json_is_false(jsonx_dig(a, "doc.in_organization")));
			members++;
		}
	ck_assert_int_eq(members, 1);
	th_org_release(&acme);
	th_org_release(&beta);
	strbuf_release(&s);
}

static const json_t *company_scores(const json_t *findings, const char *id)
{
	const json_t *c;
	size_t i;

	json_array_foreach(jsonx_dig(findings, "scores.companies"), i, c)
		if (!strcmp(jsonx_strz(c, "company"), id))
			return c;
	ck_abort_msg("no scores of %s", id);
	return NULL;
}

/* The figures: scores' coverage and the report's coverage appendix. */
static void check_scores(const struct th_org *w, const char *findings_path, const char *pdf)
{
	json_t *doc = NULL;
	const json_t *acme, *beta, *u;
	struct strbuf s = STRBUF_INIT, t = STRBUF_INIT;
	size_t i;
	int not_assessed = 0;

	ck_assert_int_eq(jsonx_load_file(findings_path, 0, &doc), 0);
	acme = jsonx_dig(company_scores(doc, "acme"), "coverage.aws_accounts");
	ck_assert_str_eq(jsonx_strz(acme, "summary"), "2 of 4 AWS accounts assessed");
	ck_assert_int_eq(json_integer_value(json_object_get(acme, "assessed")), 2);
	ck_assert_int_eq(json_integer_value(json_object_get(acme, "total")), 4);
	ck_assert_str_eq(jsonx_strz(acme, "basis"), "organization");
	ck_assert_uint_eq(json_array_size(json_object_get(acme, "not_assessed")), 2);
	/* Named, in the order of their ids. */
	strbuf_addf(&s, "%s (%s)", strcmp(w->sandbox, w->staging) < 0 ? "sandbox" : "staging",
		    strcmp(w->sandbox, w->staging) < 0 ? w->sandbox : w->staging);
	ck_assert_str_eq(json_string_value(json_array_get(json_object_get(acme, "not_assessed"), 0)), s.buf);
	json_array_foreach(jsonx_dig(company_scores(doc, "acme"), "coverage.list"), i, u) {
		ck_assert_msg(strcmp(jsonx_strz(u, "kind"), "external-account"), "%s is a unit", jsonx_strz(u, "key"));
		if (strcmp(jsonx_strz(u, "kind"), "org-account"))
			continue;
		not_assessed++;
		ck_assert_str_eq(jsonx_strz(u, "state"), "not-assessed");
		ck_assert_str_eq(jsonx_strz(u, "reason"), "a member account of the organisation that was not collected");
		ck_assert_msg(!strstr(jsonx_strz(u, "key"), w->retired) && !strstr(jsonx_strz(u, "key"), w->prod), "%s counted",
			      jsonx_strz(u, "key"));
	}
	ck_assert_int_eq(not_assessed, 2);
	beta = jsonx_dig(company_scores(doc, "beta"), "coverage.aws_accounts");
	ck_assert_str_eq(jsonx_strz(beta, "summary"),
			 "1 of 1 AWS account assessed (the organisation's accounts could not be listed)");
	ck_assert_str_eq(jsonx_strz(beta, "basis"), "collected");
	ck_assert_msg(strstr(jsonx_strz(beta, "organization_not_listed"), "AccessDeniedException"), "%s",
		      jsonx_strz(beta, "organization_not_listed"));
	if (th_have_tool("aws_org_coverage", "pdftotext")) {
		const char *argv[] = { "pdftotext", pdf, "-", NULL };
		struct th_result res;
		char *p;

		th_run(&res, argv, NULL, NULL, NULL);
		th_assert_status(&res, 0);
		for (p = res.out.buf; *p; p++)
			if (*p == '\n')
				*p = ' ';
		strbuf_addf(&t, "2 of 4 AWS accounts assessed; not assessed: %s, ", s.buf);
		ck_assert_msg(strstr(res.out.buf, t.buf), "the report lacks '%s'", t.buf);
		ck_assert_ptr_nonnull(strstr(res.out.buf, "1 of 1 AWS account assessed (the organisation's accounts could not"));
		th_result_release(&res);
	}
	json_decref(doc);
	strbuf_release(&s);
	strbuf_release(&t);
}

START_TEST(aws_org_coverage)
{
	struct th_org w;
	struct th_result res;
	char *eng, *store, *findings, *pdf;
	const char *env[] = { "T_AK=AKIAIOSFODNN7EXAMPLE", "T_SK=org-test-secret", "AWS_PROFILE=", NULL };

	memset(&w, 0, sizeof(w));
	w.dir = th_tmpdir();
	th_org_start(&w);
	eng = th_org_path(&w, "deal.yaml");
	store = th_org_path(&w, "deal.vetter/store.sqlite");
	findings = th_org_path(&w, "out/findings.json");
	pdf = th_org_path(&w, "out/report.pdf");
	write_engagement(&w, eng);
	th_vetter(&res, env, "run", eng, "--only", "collect", NULL);
	th_assert_status(&res, 3); /* done, with coverage gaps */
	th_result_release(&res);
	check_store(&w, store);
	/* Five accounts two a page: three pages for the management account; one refused request for each member. */
	ck_assert_int_eq(th_org_requests(&w, "organizations:ListAccounts", ORG_MGMT), 3);
	ck_assert_int_eq(th_org_requests(&w, "organizations:ListAccounts", w.prod), 1);
	ck_assert_int_eq(th_org_requests(&w, "organizations:ListAccounts", w.beta_app), 1);
	ck_assert_int_eq(th_org_requests(&w, "organizations:DescribeOrganization", NULL), 3);
	th_vetter(&res, env, "run", eng, "--from", "scan", NULL);
	th_assert_status(&res, 3);
	th_result_release(&res);
	check_scores(&w, findings, pdf);
	th_org_stop(&w);
	free(eng);
	free(store);
	free(findings);
	free(pdf);
}
END_TEST

Suite *aws_org_suite(void)
{
	Suite *s = suite_create("aws_org");
	TCase *tc = tcase_create("aws_org");

	tcase_set_timeout(tc, 240);
	if (th_have_tool("aws_org_coverage", "moto_server") && th_have_tool("aws_org_coverage", "python3"))
		tcase_add_test(tc, aws_org_coverage);
	suite_add_tcase(s, tc);
	return s;
}
