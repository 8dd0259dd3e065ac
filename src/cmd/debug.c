/*
 * vetter debug sigv4 --context FILE [--presign] [--print WHAT] REQUEST_FILE
 *
 * Signs a raw HTTP request the way the AWS Signature Version 4 test suites
 * state them, and prints one of the intermediate steps: for a user whose
 * request AWS refuses with SignatureDoesNotMatch (AWS's error message quotes
 * the canonical request and string to sign it expected), and for the tests.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cmd.h"
#include "connectors/aws_sigv4.h"
#include "core/err.h"
#include "core/jsonx.h"
#include "core/log.h"
#include "core/util.h"

enum sig_print { PRINT_CREQ, PRINT_STS, PRINT_SIG, PRINT_SREQ };

struct sig_context {
	json_t *doc;
	struct sigv4_config cfg;
};

static int load_context(struct sig_context *ctx, const char *path)
{
	json_t *creds, *v;
	const char *ts;
	int rc;

	if ((rc = jsonx_load_file(path, 1 << 20, &ctx->doc)) < 0)
		return rc;
	if (!json_is_object(ctx->doc))
		return err_set(ERR_PARSE, "%s: expected a JSON object", path);
	creds = json_object_get(ctx->doc, "credentials");
	ctx->cfg.access_key = jsonx_str(creds, "access_key_id");
	ctx->cfg.secret_key = jsonx_str(creds, "secret_access_key");
	ctx->cfg.session_token = jsonx_str(creds, "session_token");
	if (!ctx->cfg.session_token)
		ctx->cfg.session_token = jsonx_str(creds, "token");
	ctx->cfg.region = jsonx_str(ctx->doc, "region");
	ctx->cfg.service = jsonx_str(ctx->doc, "service");
	if (!ctx->cfg.access_key || !ctx->cfg.secret_key)
		return err_set(ERR_PARSE, "%s: credentials.access_key_id and credentials.secret_access_key are required", path);
	if (!ctx->cfg.region || !ctx->cfg.service)
		return err_set(ERR_PARSE, "%s: 'region' and 'service' are required", path);
	ts = jsonx_str(ctx->doc, "timestamp");
	if (!ts || util_timestamp_parse(ts, &ctx->cfg.time) < 0 || !strchr(ts, 'T'))
		return err_set(ERR_PARSE, "%s: 'timestamp' must be an ISO 8601 UTC time such as 2015-08-30T12:36:00Z", path);
	if (ctx->cfg.session_token)
		log_secret_add(ctx->cfg.session_token, strlen(ctx->cfg.session_token));
	aws_sigv4_config_for(&ctx->cfg, ctx->cfg.service);
	if ((v = json_object_get(ctx->doc, "normalize")))
		ctx->cfg.normalize_path = json_is_true(v);
	if ((v = json_object_get(ctx->doc, "double_uri_encode")))
		ctx->cfg.double_encode = json_is_true(v);
	if ((v = json_object_get(ctx->doc, "sign_body")))
		ctx->cfg.sign_body = json_is_true(v);
	ctx->cfg.omit_session_token = jsonx_bool(ctx->doc, "omit_session_token", 0);
	ctx->cfg.expires = jsonx_int(ctx->doc, "expiration_in_seconds", 3600);
	return 0;
}

static int debug_sigv4(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "context", required_argument, NULL, 'c' }, { "presign", no_argument, NULL, 'p' },
		{ "print", required_argument, NULL, 'P' },   { "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct sig_context ctx = { 0 };
	struct sigv4_request req;
	struct sigv4_result res;
	struct strbuf text = STRBUF_INIT, out = STRBUF_INIT;
	const char *context = NULL;
	enum sig_print what = PRINT_SREQ;
	int presign = 0, c, rc = EXIT_DONE, signed_ok = 0;

	sigv4_request_init(&req);
	optind = 1;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'c':
			context = optarg;
			break;
		case 'p':
			presign = 1;
			break;
		case 'P':
			if (!strcmp(optarg, "canonical-request"))
				what = PRINT_CREQ;
			else if (!strcmp(optarg, "string-to-sign"))
				what = PRINT_STS;
			else if (!strcmp(optarg, "signature"))
				what = PRINT_SIG;
			else if (!strcmp(optarg, "signed-request"))
				what = PRINT_SREQ;
			else
				return cmd_usage_error("debug", "--print takes canonical-request, string-to-sign, signature or "
								"signed-request, not '%s'", optarg);
			break;
		case 'h':
			return cmd_help("debug");
		default:
			return cmd_usage_error("debug", "unknown option");
		}
	}
	if (!context || optind + 1 != argc)
		return cmd_usage_error("debug", "sigv4 needs --context FILE and one REQUEST_FILE");
	strbuf_init(&text, 16u << 20);
	if (load_context(&ctx, context) < 0 || strbuf_read_file(&text, argv[optind]) < 0 ||
	    sigv4_request_parse(&req, text.buf, text.len) < 0) {
		rc = cmd_fail(EXIT_USAGE);
		goto cleanup;
	}
	if ((presign ? sigv4_presign(&ctx.cfg, &req, &res) : sigv4_sign(&ctx.cfg, &req, &res)) < 0) {
		rc = cmd_fail(EXIT_USAGE);
		goto cleanup;
	}
	signed_ok = 1;
	switch (what) {
	case PRINT_CREQ:
		strbuf_addstr(&out, res.canonical_request.buf);
		break;
	case PRINT_STS:
		strbuf_addstr(&out, res.string_to_sign.buf);
		break;
	case PRINT_SIG:
		strbuf_addstr(&out, res.signature.buf);
		break;
	case PRINT_SREQ:
		sigv4_request_format(&out, &req);
		break;
	}
	fwrite(out.buf, 1, out.len, stdout);
	fputc('\n', stdout);
cleanup:
	if (signed_ok)
		sigv4_result_release(&res);
	sigv4_request_release(&req);
	strbuf_release(&text);
	strbuf_release(&out);
	json_decref(ctx.doc);
	return rc;
}

int cmd_debug(int argc, char **argv)
{
	if (argc < 2)
		return cmd_usage_error("debug", "which debugging tool? (sigv4)");
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))
		return cmd_help("debug");
	if (!strcmp(argv[1], "sigv4"))
		return debug_sigv4(argc - 1, argv + 1);
	return cmd_usage_error("debug", "unknown debugging tool '%s'", argv[1]);
}
