/*
 * AWS credentials as the AWS CLI finds them: environment first (unless a
 * profile is named), shared credentials and config files, role chains with
 * external ids, and the refusals (MFA, programs, metadata endpoints, loops).
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "connectors/aws_creds.h"
#include "core/err.h"
#include "core/jsonx.h"
#include "core/log.h"
#include "th.h"

static char *dir;

static void files(const char *config, const char *credentials)
{
	struct strbuf p = STRBUF_INIT;

	dir = th_tmpdir();
	strbuf_addf(&p, "%s/config", dir);
	th_write(p.buf, config);
	setenv("AWS_CONFIG_FILE", p.buf, 1);
	strbuf_reset(&p);
	strbuf_addf(&p, "%s/credentials", dir);
	th_write(p.buf, credentials);
	setenv("AWS_SHARED_CREDENTIALS_FILE", p.buf, 1);
	strbuf_release(&p);
	unsetenv("AWS_ACCESS_KEY_ID");
	unsetenv("AWS_SECRET_ACCESS_KEY");
	unsetenv("AWS_SESSION_TOKEN");
	unsetenv("AWS_PROFILE");
	unsetenv("AWS_REGION");
	unsetenv("AWS_DEFAULT_REGION");
}

static void done(void)
{
	th_rm_rf(dir);
	free(dir);
	dir = NULL;
}

static const char config[] =
	"# the AWS CLI's config\n"
	"[default]\nregion = eu-central-1\n\n"
	"[profile audit]\nrole_arn = arn:aws:iam::222222222222:role/SecurityAudit\nsource_profile = base\n"
	"external_id = ext-123\nrole_session_name = dd\nduration_seconds = 3600\nregion = eu-west-1\n"
	"s3 =\n    max_concurrent_requests = 2\n\n"
	"[profile chain]\nrole_arn = arn:aws:iam::333333333333:role/Next\nsource_profile = audit\n\n"
	"[profile self]\nrole_arn = arn:aws:iam::444444444444:role/R\nsource_profile = self\n"
	"aws_access_key_id = AKIASELF\naws_secret_access_key = self-secret-key\n\n"
	"[profile env]\nrole_arn = arn:aws:iam::555555555555:role/R\ncredential_source = Environment\n\n"
	"[profile imds]\nrole_arn = arn:aws:iam::555555555555:role/R\ncredential_source = Ec2InstanceMetadata\n\n"
	"[profile mfa]\nrole_arn = arn:aws:iam::555555555555:role/R\nsource_profile = base\nmfa_serial = arn:x\n\n"
	"[profile proc]\ncredential_process = /bin/echo\n\n"
	"[profile loop1]\nrole_arn = arn:aws:iam::1:role/a\nsource_profile = loop2\n"
	"[profile loop2]\nrole_arn = arn:aws:iam::1:role/b\nsource_profile = loop1\n"
	"[profile orphan]\nrole_arn = arn:aws:iam::1:role/a\n";

static const char credentials[] =
	"[default]\naws_access_key_id = AKIADEFAULT\naws_secret_access_key = default-secret-key\n"
	"[base]\naws_access_key_id=AKIABASE\naws_secret_access_key=base-secret-key\n"
	"aws_session_token = base-session-token\n";

START_TEST(environment_first)
{
	struct aws_cred_plan plan = { 0 };

	files(config, credentials);
	setenv("AWS_ACCESS_KEY_ID", "AKIAENV", 1);
	setenv("AWS_SECRET_ACCESS_KEY", "env-secret-key", 1);
	setenv("AWS_SESSION_TOKEN", "env-session-token", 1);
	setenv("AWS_REGION", "ap-south-1", 1);
	ck_assert_int_eq(aws_cred_plan_resolve(&plan, NULL), 0);
	ck_assert_str_eq(plan.base.access_key_id, "AKIAENV");
	ck_assert_str_eq(plan.base.session_token, "env-session-token");
	ck_assert_str_eq(plan.base.origin, "environment");
	ck_assert_str_eq(plan.region, "ap-south-1");
	ck_assert_uint_eq(plan.nroles, 0);
	aws_cred_plan_release(&plan);
	/* A profile named explicitly skips the environment's keys, as 'aws --profile' does. */
	ck_assert_int_eq(aws_cred_plan_resolve(&plan, "base"), 0);
	ck_assert_str_eq(plan.base.access_key_id, "AKIABASE");
	ck_assert_str_eq(plan.base.origin, "profile 'base'");
	aws_cred_plan_release(&plan);
	done();
}
END_TEST

START_TEST(default_profile_and_aws_profile)
{
	struct aws_cred_plan plan = { 0 };

	files(config, credentials);
	ck_assert_int_eq(aws_cred_plan_resolve(&plan, NULL), 0);
	ck_assert_str_eq(plan.base.access_key_id, "AKIADEFAULT");
	ck_assert_str_eq(plan.region, "eu-central-1");
	ck_assert_ptr_null(plan.base.session_token);
	aws_cred_plan_release(&plan);
	setenv("AWS_PROFILE", "base", 1);
	ck_assert_int_eq(aws_cred_plan_resolve(&plan, NULL), 0);
	ck_assert_str_eq(plan.base.access_key_id, "AKIABASE");
	ck_assert_str_eq(plan.base.session_token, "base-session-token");
	aws_cred_plan_release(&plan);
	done();
}
END_TEST

START_TEST(roles_through_source_profiles)
{
	struct aws_cred_plan plan = { 0 };

	files(config, credentials);
	ck_assert_msg(aws_cred_plan_resolve(&plan, "audit") == 0, "%s", err_last());
	ck_assert_str_eq(plan.base.access_key_id, "AKIABASE");
	ck_assert_uint_eq(plan.nroles, 1);
	ck_assert_str_eq(plan.roles[0].role_arn, "arn:aws:iam::222222222222:role/SecurityAudit");
	ck_assert_str_eq(plan.roles[0].external_id, "ext-123");
	ck_assert_str_eq(plan.roles[0].session_name, "dd");
	ck_assert_int_eq(plan.roles[0].duration, 3600);
	ck_assert_str_eq(plan.region, "eu-west-1");
	aws_cred_plan_release(&plan);
	/* A chain: base -> audit's role -> chain's role, in that order. */
	ck_assert_int_eq(aws_cred_plan_resolve(&plan, "chain"), 0);
	ck_assert_uint_eq(plan.nroles, 2);
	ck_assert_str_eq(plan.roles[0].role_arn, "arn:aws:iam::222222222222:role/SecurityAudit");
	ck_assert_str_eq(plan.roles[1].role_arn, "arn:aws:iam::333333333333:role/Next");
	ck_assert_ptr_null(plan.roles[1].external_id);
	aws_cred_plan_release(&plan);
	/* A profile that is its own source holds the keys beside the role. */
	ck_assert_int_eq(aws_cred_plan_resolve(&plan, "self"), 0);
	ck_assert_str_eq(plan.base.access_key_id, "AKIASELF");
	ck_assert_uint_eq(plan.nroles, 1);
	aws_cred_plan_release(&plan);
	setenv("AWS_ACCESS_KEY_ID", "AKIAENV", 1);
	setenv("AWS_SECRET_ACCESS_KEY", "env-secret-key", 1);
	ck_assert_int_eq(aws_cred_plan_resolve(&plan, "env"), 0);
	ck_assert_str_eq(plan.base.access_key_id, "AKIAENV");
	ck_assert_str_eq(plan.roles[0].role_arn, "arn:aws:iam::555555555555:role/R");
	aws_cred_plan_release(&plan);
	done();
}
END_TEST

START_TEST(refusals)
{
	struct aws_cred_plan plan = { 0 };

	files(config, credentials);
	ck_assert_int_eq(aws_cred_plan_resolve(&plan, "imds"), ERR_UNSUPPORTED);
	ck_assert_ptr_nonnull(strstr(err_last(), "metadata"));
	aws_cred_plan_release(&plan);
	ck_assert_int_eq(aws_cred_plan_resolve(&plan, "mfa"), ERR_UNSUPPORTED);
	ck_assert_ptr_nonnull(strstr(err_last(), "mfa_serial"));
	aws_cred_plan_release(&plan);
	ck_assert_int_eq(aws_cred_plan_resolve(&plan, "proc"), ERR_UNSUPPORTED);
	ck_assert_ptr_nonnull(strstr(err_last(), "credential_process"));
	aws_cred_plan_release(&plan);
	ck_assert_int_eq(aws_cred_plan_resolve(&plan, "loop1"), ERR_INVALID);
	ck_assert_ptr_nonnull(strstr(err_last(), "loops"));
	aws_cred_plan_release(&plan);
	ck_assert_int_eq(aws_cred_plan_resolve(&plan, "orphan"), ERR_INVALID);
	aws_cred_plan_release(&plan);
	ck_assert_int_eq(aws_cred_plan_resolve(&plan, "nosuch"), ERR_NOTFOUND);
	aws_cred_plan_release(&plan);
	/* env credential source without the variables */
	ck_assert_int_eq(aws_cred_plan_resolve(&plan, "env"), ERR_NOTFOUND);
	aws_cred_plan_release(&plan);
	done();
	/* Nothing anywhere. */
	files("", "");
	ck_assert_int_eq(aws_cred_plan_resolve(&plan, NULL), ERR_NOTFOUND);
	ck_assert_ptr_nonnull(strstr(err_last(), "no AWS credentials"));
	aws_cred_plan_release(&plan);
	done();
	/* A broken file says where. */
	files("[profile x\nregion = a\n", "");
	ck_assert_int_eq(aws_cred_plan_resolve(&plan, "x"), ERR_PARSE);
	ck_assert_ptr_nonnull(strstr(err_last(), "config:1:"));
	aws_cred_plan_release(&plan);
	done();
}
END_TEST

START_TEST(secrets_are_scrubbed)
{
	struct aws_cred_plan plan = { 0 };
	struct strbuf line = STRBUF_INIT;

	files(config, credentials);
	ck_assert_int_eq(aws_cred_plan_resolve(&plan, "base"), 0);
	strbuf_addstr(&line, "request failed with base-secret-key and base-session-token");
	ck_assert_int_eq(log_scrub(&line), 2);
	ck_assert_ptr_null(strstr(line.buf, "base-secret-key"));
	aws_cred_plan_release(&plan);
	strbuf_release(&line);
	done();
}
END_TEST

START_TEST(ini_parser)
{
	json_t *out = NULL;
	const char text[] = "[profile a]\nk = v = w\n  nested = 1\n; comment\n[ b ]\nx=\n";

	ck_assert_int_eq(aws_ini_parse(text, strlen(text), "t", 1, &out), 0);
	ck_assert_str_eq(jsonx_strz(json_object_get(out, "a"), "k"), "v = w");
	ck_assert_ptr_null(json_object_get(json_object_get(out, "a"), "nested"));
	ck_assert_str_eq(jsonx_strz(json_object_get(out, "b"), "x"), "");
	json_decref(out);
	ck_assert_int_eq(aws_ini_parse("[a]\nno equals\n", 14, "t", 0, &out), ERR_PARSE);
	ck_assert_int_eq(aws_ini_parse("[a]\nk=\xff\n", 8, "t", 0, &out), ERR_PARSE);
	ck_assert_int_eq(aws_ini_parse("[a]\nk=v\0\n", 9, "t", 0, &out), ERR_PARSE);
}
END_TEST

Suite *aws_creds_suite(void)
{
	Suite *s = suite_create("aws_creds");
	TCase *tc = tcase_create("creds");

	tcase_add_test(tc, environment_first);
	tcase_add_test(tc, default_profile_and_aws_profile);
	tcase_add_test(tc, roles_through_source_profiles);
	tcase_add_test(tc, refusals);
	tcase_add_test(tc, secrets_are_scrubbed);
	tcase_add_test(tc, ini_parser);
	suite_add_tcase(s, tc);
	return s;
}
