/* The engagement file: every way it can be wrong gets one clear message. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "connectors/connector.h"
#include "core/engagement.h"
#include "core/err.h"
#include "th.h"

static const struct schema_field live_keys[] = {
	{ "url", SCH_STRING, 1, NULL, SCH_ANY, NULL },
	{ NULL, 0, 0, NULL, 0, NULL },
};

static const struct source_type_info test_types[] = {
	{ "images", 0, NULL, "local" },
	{ "live-thing", 1, live_keys, "live" },
};

static const struct source_type_info *lookup(const char *type)
{
	size_t i;

	for (i = 0; i < sizeof(test_types) / sizeof(test_types[0]); i++)
		if (!strcmp(test_types[i].type, type))
			return &test_types[i];
	return NULL;
}

#define HEAD "name: Deal\nclient: Buyer\nas_of: 2026-11-15\n"
#define CO1 "companies:\n  - id: a\n    name: A\n    role: acquirer\n    sources:\n      - type: images\n"

/* Load text as an engagement file; returns the code and leaves the message in err_last(). */
static int try_load(const char *text, struct engagement **out)
{
	char *dir = th_tmpdir();
	struct strbuf path = STRBUF_INIT;
	struct engagement *eng = NULL;
	int rc;

	strbuf_addf(&path, "%s/deal.yaml", dir);
	th_write(path.buf, text);
	rc = engagement_load(&eng, path.buf, lookup);
	if (out)
		*out = eng;
	else
		engagement_free(eng);
	th_rm_rf(dir);
	free(dir);
	strbuf_release(&path);
	return rc;
}

static void expect_error(const char *text, const char *needle)
{
	ck_assert_int_eq(try_load(text, NULL), ERR_USAGE);
	ck_assert_msg(strstr(err_last(), needle), "message '%s' lacks '%s'", err_last(), needle);
	ck_assert_msg(strstr(err_last(), "deal.yaml"), "message '%s' does not name the file", err_last());
}

START_TEST(a_good_file_loads)
{
	struct engagement *eng = NULL;

	setenv("TH_TOKEN", "t0ken-value", 1);
	ck_assert_int_eq(try_load(HEAD "currency: EUR\n" CO1
				  "  - id: b\n    name: B\n    role: target\n    sources:\n"
				  "      - type: live-thing\n        url: https://x\n        tls_verify: false\n"
				  "        credentials: {token: env:TH_TOKEN}\n"
				  "        authorization: {by: CISO of B, scope: read-only, date: 2026-11-01, reference: L-1}\n",
				  &eng),
			 0);
	ck_assert_str_eq(eng->name, "Deal");
	ck_assert_str_eq(eng->as_of_text, "2026-11-15");
	ck_assert_uint_eq(eng->ncompanies, 2);
	ck_assert_str_eq(eng->companies[0].sources[0].id, "a.images-1");
	ck_assert_int_eq(eng->companies[1].sources[0].tls_verify, 0);
	ck_assert_int_eq(eng->companies[1].sources[0].has_auth, 1);
	ck_assert_str_eq(eng->companies[1].sources[0].auth.by, "CISO of B");
	ck_assert(strstr(eng->state_dir, "/deal.vetter") != NULL);
	engagement_free(eng);
}
END_TEST

START_TEST(missing_file)
{
	struct engagement *eng = NULL;

	ck_assert_int_eq(engagement_load(&eng, "/nonexistent/deal.yaml", lookup), ERR_USAGE);
	ck_assert_msg(strstr(err_last(), "/nonexistent/deal.yaml"), "%s", err_last());
}
END_TEST

START_TEST(invalid_yaml)
{
	expect_error(HEAD "companies: [\n", "deal.yaml:");
}
END_TEST

START_TEST(alias_bomb)
{
	struct strbuf t = STRBUF_INIT;
	char prev = 'a';

	strbuf_addstr(&t, HEAD "x: &a [1,1,1,1,1,1,1,1,1,1]\n");
	for (char c = 'b'; c <= 'j'; c++) {
		strbuf_addf(&t, "%c: &%c [", c, c);
		for (int i = 0; i < 10; i++)
			strbuf_addf(&t, "%s*%c", i ? "," : "", prev);
		strbuf_addstr(&t, "]\n");
		prev = c;
	}
	expect_error(t.buf, "alias expansion is capped");
	strbuf_release(&t);
}
END_TEST

START_TEST(unknown_key_names_line_and_alternatives)
{
	expect_error(HEAD "clinet: oops\n" CO1, "deal.yaml:4:1: engagement: unknown key 'clinet'");
	expect_error(HEAD CO1 "        lcoator: x\n", "unknown key 'lcoator'");
}
END_TEST

START_TEST(company_without_sources)
{
	expect_error(HEAD "companies:\n  - id: a\n    name: A\n    role: acquirer\n    sources: []\n",
		     "company 'a' has no sources");
}
END_TEST

START_TEST(duplicate_company_id)
{
	expect_error(HEAD CO1 "  - id: a\n    name: A2\n    role: target\n    sources:\n      - type: images\n",
		     "duplicate company id 'a'");
}
END_TEST

START_TEST(unset_credential_variable)
{
	unsetenv("TH_UNSET_VAR");
	expect_error(HEAD CO1 "        credentials: {token: env:TH_UNSET_VAR}\n",
		     "the environment variable TH_UNSET_VAR is not set");
}
END_TEST

START_TEST(credential_written_in_clear)
{
	expect_error(HEAD CO1 "        credentials: {token: s3cr3t}\n", "expected a credential reference");
}
END_TEST

START_TEST(live_source_without_authorization)
{
	expect_error(HEAD "companies:\n  - id: a\n    name: A\n    role: target\n    sources:\n"
			  "      - type: live-thing\n        url: https://x\n",
		     "needs an 'authorization' block");
}
END_TEST

START_TEST(wrong_types_and_values)
{
	expect_error("name: Deal\nclient: Buyer\nas_of: 2026-13-01\n" CO1, "is not a date");
	expect_error(HEAD "companies:\n  - id: a\n    name: A\n    role: buyer\n    sources:\n      - type: images\n",
		     "'buyer' is not one of: acquirer, target");
	expect_error(HEAD CO1 "      - type: teleport\n", "unknown source type 'teleport'");
	expect_error("name: Deal\nas_of: 2026-11-15\n" CO1, "the key 'client' is required");
	expect_error(HEAD "companies:\n  - id: 'a b'\n    name: A\n    role: acquirer\n    sources:\n"
			  "      - type: images\n",
		     "may hold only");
	expect_error(HEAD CO1 "      - type: images\n        id: a.images-1\n", "duplicate source id");
	expect_error("- just\n- a list\n", "must be a mapping");
}
END_TEST

Suite *engagement_suite(void)
{
	Suite *s = suite_create("engagement");
	TCase *tc = tcase_create("engagement");

	tcase_add_test(tc, a_good_file_loads);
	tcase_add_test(tc, missing_file);
	tcase_add_test(tc, invalid_yaml);
	tcase_add_test(tc, alias_bomb);
	tcase_add_test(tc, unknown_key_names_line_and_alternatives);
	tcase_add_test(tc, company_without_sources);
	tcase_add_test(tc, duplicate_company_id);
	tcase_add_test(tc, unset_credential_variable);
	tcase_add_test(tc, credential_written_in_clear);
	tcase_add_test(tc, live_source_without_authorization);
	tcase_add_test(tc, wrong_types_and_values);
	suite_add_tcase(s, tc);
	return s;
}
