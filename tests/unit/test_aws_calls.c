/*
 * The AWS call table: it agrees with botocore's service models, holds no
 * data-plane read, matches the response model row for row, and the client
 * refuses anything outside it before a byte leaves.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "connectors/aws_calls.h"
#include "connectors/aws_client.h"
#include "connectors/aws_model.h"
#include "core/err.h"
#include "core/jsonx.h"
#include "th.h"

START_TEST(table_agrees_with_botocore)
{
	char *dir = th_tmpdir(), *tool = th_repo_path("tests/lib/aws_check_calls.py");
	struct strbuf path = STRBUF_INIT, text = STRBUF_INIT;
	struct th_result res;
	json_t *dump = aws_calls_dump();
	const char *argv[] = { "python3", tool, NULL, NULL };

	strbuf_addf(&path, "%s/calls.json", dir);
	ck_assert_int_eq(jsonx_dump_pretty(&text, dump), 0);
	th_write(path.buf, text.buf);
	argv[2] = path.buf;
	th_run(&res, argv, NULL, NULL, NULL);
	ck_assert_msg(res.status == 0, "the call table disagrees with botocore:\n%s%s", res.out.buf, res.err.buf);
	ck_assert_ptr_nonnull(strstr(res.out.buf, " 0 problems"));
	th_result_release(&res);
	json_decref(dump);
	strbuf_release(&path);
	strbuf_release(&text);
	th_rm_rf(dir);
	free(dir);
	free(tool);
}
END_TEST

/* The reads a read-only role still permits and vetter must never make. */
START_TEST(no_data_plane_reads)
{
	static const char *const never[][2] = {
		{ "s3", "GetObject" }, { "s3", "ListObjects" }, { "s3", "ListObjectsV2" }, { "s3", "GetObjectAcl" },
		{ "secretsmanager", "GetSecretValue" }, { "ssm", "GetParameter" }, { "ssm", "GetParameters" },
		{ "ssm", "GetParametersByPath" }, { "lambda", "GetFunction" }, { "lambda", "GetFunctionConfiguration" },
		{ "ec2", "GetPasswordData" }, { "ec2", "GetConsoleOutput" }, { "ec2", "DescribeInstanceAttribute" },
		{ "kms", "Decrypt" }, { "kms", "GenerateDataKey" }, { "dynamodb", "GetItem" }, { "dynamodb", "Scan" },
		{ "dynamodb", "Query" }, { "sqs", "ReceiveMessage" }, { "logs", "GetLogEvents" },
		{ "logs", "FilterLogEvents" }, { "ecr", "BatchGetImage" }, { "ecr", "GetDownloadUrlForLayer" },
		{ "iam", "CreateAccessKey" }, { "sts", "GetSessionToken" }, { "kinesis", "GetRecords" },
		{ "cloudtrail", "LookupEvents" }, { "athena", "GetQueryResults" },
	};
	const struct aws_call *c;
	size_t i, n = 0, writes = 0;

	for (i = 0; i < sizeof(never) / sizeof(never[0]); i++)
		ck_assert_msg(!aws_call_find(never[i][0], never[i][1]), "%s:%s is in the call table", never[i][0], never[i][1]);
	/* Every row reads: Describe/Get/List, or one of the three that say what they are. */
	for (i = 0; (c = aws_call_at(i)); i++) {
		n++;
		if (!strncmp(c->action, "Describe", 8) || !strncmp(c->action, "Get", 3) || !strncmp(c->action, "List", 4))
			continue;
		ck_assert_msg(c->flags & (AWS_CALL_TOKEN_EXCHANGE | AWS_CALL_GENERATES), "%s:%s is not a read", c->service,
			      c->action);
		writes++;
	}
	ck_assert_uint_eq(n, 72);
	ck_assert_uint_eq(writes, 2); /* sts:AssumeRole, iam:GenerateCredentialReport */
	ck_assert_ptr_nonnull(aws_call_find("iam", "GenerateCredentialReport"));
	ck_assert(aws_call_find("ecr", "GetAuthorizationToken")->flags & AWS_CALL_CREDENTIAL);
	ck_assert(aws_call_find("sts", "AssumeRole")->flags & AWS_CALL_CREDENTIAL);
}
END_TEST

/* The XML model has exactly the XML-protocol rows; JSON rows their entries too. */
START_TEST(model_matches_table)
{
	const struct aws_call *c;
	const char *key;
	json_t *v;
	size_t i;

	for (i = 0; (c = aws_call_at(i)); i++)
		ck_assert_msg(aws_model_op(c->service, c->action) != NULL, "%s:%s has no model entry", c->service, c->action);
	json_object_foreach(json_object_get(aws_model(), "ops"), key, v) {
		char svc[64];
		size_t n = strcspn(key, ":");

		ck_assert_uint_lt(n, sizeof(svc));
		memcpy(svc, key, n);
		svc[n] = 0;
		ck_assert_msg(aws_call_find(svc, key + n + 1) != NULL, "model entry %s is not in the call table", key);
	}
}
END_TEST

START_TEST(client_refuses_outside_the_table)
{
	struct aws_creds cr = { 0 };
	struct aws_client_opts opt = { 0 };
	struct aws_client *c = NULL;
	json_t *out = NULL;

	/* An endpoint nobody listens on: a refusal must come before any connection. */
	opt.endpoint_url = "http://127.0.0.1:1";
	ck_assert_int_eq(aws_creds_set(&cr, "AKIDEXAMPLE", "secret-secret", NULL, "test"), 0);
	ck_assert_int_eq(aws_client_new(&c, &cr, &opt), 0);
	ck_assert_int_eq(aws_client_call(c, "s3", "GetObject", "us-east-1", NULL, &out), ERR_UNSUPPORTED);
	ck_assert_ptr_nonnull(strstr(err_last(), "not in vetter's call table"));
	ck_assert_int_eq(aws_client_call(c, "secretsmanager", "GetSecretValue", "us-east-1", NULL, &out), ERR_UNSUPPORTED);
	ck_assert_int_eq(aws_client_call(c, "ec2", "TerminateInstances", "us-east-1", NULL, &out), ERR_UNSUPPORTED);
	ck_assert_ptr_null(out);
	ck_assert_int_eq(aws_client_requests(c), 0);
	aws_client_free(c);
	aws_creds_release(&cr);
}
END_TEST

/* Plain HTTP would carry the session token in the clear: loopback only. */
START_TEST(plain_http_only_to_loopback)
{
	static const char *const refused[] = { "http://10.0.0.1:5000",		 "http://169.254.169.254",
					       "http://127.0.0.1.evil.example", "http://localhost.evil.example",
					       "ftp://127.0.0.1",		 "http://[fe80::1]:80" };
	static const char *const accepted[] = { "http://127.0.0.1:5000", "http://localhost:1/", "http://[::1]:8080",
						"https://sts.amazonaws.com", "http://127.0.0.1" };
	struct aws_creds cr = { 0 };
	struct aws_client_opts opt = { 0 };
	struct aws_client *c = NULL;
	size_t i;

	ck_assert_int_eq(aws_creds_set(&cr, "AKIDEXAMPLE", "secret-secret", NULL, "test"), 0);
	for (i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
		opt.endpoint_url = refused[i];
		ck_assert_msg(aws_client_new(&c, &cr, &opt) == ERR_USAGE, "%s accepted", refused[i]);
		ck_assert_ptr_nonnull(strstr(err_last(), "loopback"));
	}
	for (i = 0; i < sizeof(accepted) / sizeof(accepted[0]); i++) {
		opt.endpoint_url = accepted[i];
		ck_assert_msg(aws_client_new(&c, &cr, &opt) == 0, "%s: %s", accepted[i], err_last());
		aws_client_free(c);
		c = NULL;
	}
	aws_creds_release(&cr);
}
END_TEST

START_TEST(absent_codes_and_throttling)
{
	ck_assert(aws_call_absent(aws_call_find("iam", "GetAccountPasswordPolicy"), "NoSuchEntity"));
	ck_assert(!aws_call_absent(aws_call_find("iam", "GetAccountPasswordPolicy"), "AccessDenied"));
	ck_assert(aws_call_absent(aws_call_find("kms", "GetKeyRotationStatus"), "NotFoundException"));
	ck_assert(!aws_call_absent(aws_call_find("kms", "GetKeyRotationStatus"), "NotFound"));
	ck_assert(aws_code_throttling("Throttling"));
	ck_assert(aws_code_throttling("RequestLimitExceeded"));
	ck_assert(aws_code_throttling("SlowDown"));
	ck_assert(!aws_code_throttling("AccessDenied"));
}
END_TEST

Suite *aws_calls_suite(void)
{
	Suite *s = suite_create("aws_calls");
	TCase *tc = tcase_create("table");

	tcase_set_timeout(tc, 60);
	if (th_have_tool("table_agrees_with_botocore", "python3"))
		tcase_add_test(tc, table_agrees_with_botocore);
	tcase_add_test(tc, no_data_plane_reads);
	tcase_add_test(tc, model_matches_table);
	tcase_add_test(tc, client_refuses_outside_the_table);
	tcase_add_test(tc, absent_codes_and_throttling);
	tcase_add_test(tc, plain_http_only_to_loopback);
	suite_add_tcase(s, tc);
	return s;
}
