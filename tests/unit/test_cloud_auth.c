/*
 * Google service-account keys and RS256 JWTs checked against openssl, and
 * the Azure/GCP call table as an allowlist (connectors/gcp_auth.h,
 * connectors/cloud_api.h).
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "connectors/cloud_api.h"
#include "connectors/gcp_auth.h"
#include "core/err.h"
#include "core/jsonx.h"
#include "core/util.h"
#include "th.h"

static char *join(const char *a, const char *b)
{
	struct strbuf p = STRBUF_INIT;

	strbuf_addf(&p, "%s/%s", a, b);
	return strbuf_detach(&p, NULL);
}

static void sh(const char *script)
{
	const char *argv[] = { "sh", "-c", script, NULL };
	struct th_result res;

	th_run(&res, argv, NULL, NULL, NULL);
	th_assert_status(&res, 0);
	th_result_release(&res);
}

static void write_bytes(const char *path, const void *data, size_t len)
{
	FILE *f = fopen(path, "wb");

	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(fwrite(data, 1, len, f), len);
	fclose(f);
}

static void b64url_decode(const char *s, size_t n, struct strbuf *out)
{
	struct strbuf t = STRBUF_INIT;
	size_t i;

	for (i = 0; i < n; i++)
		strbuf_addch(&t, s[i] == '-' ? '+' : s[i] == '_' ? '/' : s[i]);
	while (t.len % 4)
		strbuf_addch(&t, '=');
	ck_assert_int_eq(util_base64_decode(out, t.buf, t.len), 0);
	strbuf_release(&t);
}

START_TEST(rs256_and_jwt_match_openssl)
{
	char *dir = th_tmpdir(), *keyp = join(dir, "k.pem"), *msg = join(dir, "msg"), *sig = join(dir, "sig");
	struct strbuf s = STRBUF_INIT, pem = STRBUF_INIT, mine = STRBUF_INIT, theirs = STRBUF_INIT, jwt = STRBUF_INIT,
		      part = STRBUF_INIT, keyjson = STRBUF_INIT;
	struct gcp_key k;
	const char *dot1, *dot2;
	json_t *doc;

	strbuf_addf(&s, "cd %s && openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out k.pem 2>/dev/null && "
			"openssl pkey -in k.pem -pubout -out pub.pem", dir);
	sh(s.buf);
	th_read(keyp, &pem);
	/* PKCS#1 v1.5 is deterministic: the same bytes as openssl dgst -sign, and they verify. */
	write_bytes(msg, "header.claims", 13);
	ck_assert_int_eq(gcp_rs256(pem.buf, "header.claims", 13, &mine), 0);
	ck_assert_int_eq(mine.len, 256);
	strbuf_reset(&s);
	strbuf_addf(&s, "cd %s && openssl dgst -sha256 -sign k.pem -out theirs msg", dir);
	sh(s.buf);
	free(sig);
	sig = join(dir, "theirs");
	th_read(sig, &theirs);
	ck_assert_int_eq(theirs.len, 256);
	ck_assert(memcmp(mine.buf, theirs.buf, 256) == 0);

	/* A JWT for a key file: header, claims and a signature openssl verifies. */
	doc = json_pack("{s:s, s:s, s:s, s:s, s:s}", "type", "service_account", "client_email", "audit@p.iam.gserviceaccount.com",
			"private_key", pem.buf, "private_key_id", "kid-7", "project_id", "p");
	jsonx_dump_canonical(&keyjson, doc);
	json_decref(doc);
	ck_assert_int_eq(gcp_key_parse(keyjson.buf, keyjson.len, "k.json", &k), 0);
	ck_assert_str_eq(k.token_uri, GCP_TOKEN_URI);
	ck_assert_int_eq(gcp_jwt(&k, GCP_TOKEN_URI, 1767225600, &jwt), 0);
	dot1 = strchr(jwt.buf, '.');
	dot2 = strrchr(jwt.buf, '.');
	ck_assert_ptr_ne(dot1, dot2);
	b64url_decode(jwt.buf, (size_t)(dot1 - jwt.buf), &part);
	ck_assert_str_eq(part.buf, "{\"alg\":\"RS256\",\"kid\":\"kid-7\",\"typ\":\"JWT\"}");
	strbuf_reset(&part);
	b64url_decode(dot1 + 1, (size_t)(dot2 - dot1 - 1), &part);
	ck_assert_str_eq(part.buf, "{\"aud\":\"https://oauth2.googleapis.com/token\",\"exp\":1767229200,"
				   "\"iat\":1767225600,\"iss\":\"audit@p.iam.gserviceaccount.com\","
				   "\"scope\":\"https://www.googleapis.com/auth/cloud-platform.read-only\"}");
	ck_assert_ptr_null(strchr(jwt.buf, '='));
	strbuf_reset(&part);
	b64url_decode(dot2 + 1, strlen(dot2 + 1), &part);
	write_bytes(msg, jwt.buf, (size_t)(dot2 - jwt.buf));
	free(sig);
	sig = join(dir, "sig");
	write_bytes(sig, part.buf, part.len);
	strbuf_reset(&s);
	strbuf_addf(&s, "cd %s && openssl dgst -sha256 -verify pub.pem -signature sig msg", dir);
	sh(s.buf);
	gcp_key_release(&k);
	th_rm_rf(dir);
	free(dir);
	free(keyp);
	free(msg);
	free(sig);
	strbuf_release(&s);
	strbuf_release(&pem);
	strbuf_release(&mine);
	strbuf_release(&theirs);
	strbuf_release(&jwt);
	strbuf_release(&part);
	strbuf_release(&keyjson);
}
END_TEST

START_TEST(bad_keys_are_refused_without_quoting_them)
{
	struct gcp_key k;
	struct strbuf sig = STRBUF_INIT;
	char *dir = th_tmpdir(), *ecp = join(dir, "ec.pem");
	struct strbuf ec = STRBUF_INIT, cmd = STRBUF_INIT;

	strbuf_addf(&cmd, "openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:prime256v1 -out %s 2>/dev/null", ecp);
	sh(cmd.buf);
	th_read(ecp, &ec);

	ck_assert_int_eq(gcp_key_parse("{\"private_key\": \"MIIsecret\"", 27, "k.json", &k), ERR_PARSE);
	ck_assert_str_eq(err_last(), "k.json: not a service-account key (JSON)");
	ck_assert_int_eq(gcp_key_parse("{\"type\": \"authorized_user\", \"refresh_token\": \"1//x\"}", 52, "k.json", &k), ERR_PARSE);
	ck_assert_str_eq(err_last(), "k.json: 'type' is 'authorized_user', expected 'service_account'");
	ck_assert_int_eq(gcp_key_parse("{\"type\": \"service_account\", \"client_email\": \"a@b\"}", 50, "k.json", &k), ERR_PARSE);
	ck_assert_str_eq(err_last(), "k.json: 'private_key' is missing or not a string");
	ck_assert_int_eq(gcp_key_parse("{\"type\": \"service_account\", \"client_email\": \"a@b\", \"private_key\": \"MIIsecret\"}",
				       78, "k.json", &k), ERR_PARSE);
	ck_assert_str_eq(err_last(), "k.json: 'private_key' is not a PEM key");
	ck_assert_int_eq(gcp_rs256(ec.buf, "x", 1, &sig), ERR_INVALID);
	ck_assert_str_eq(err_last(), "the service-account key is not an RSA key (RS256 needs one)");
	ck_assert_int_eq(gcp_rs256("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n", "x", 1, &sig), ERR_PARSE);
	strbuf_release(&sig);
	strbuf_release(&ec);
	strbuf_release(&cmd);
	th_rm_rf(dir);
	free(dir);
	free(ecp);
}
END_TEST

START_TEST(the_call_table_is_an_allowlist)
{
	static const char *const never[] = { "listKeys", "listSecrets", "/secrets", "vault.azure.net", "getIamPolicy",
					     "/o/", "/objects", "getAccessToken", "generateAccessToken", "listCredentials",
					     "/users/{", NULL };
	struct cloud_client_opts o = { 0 };
	struct cloud_client *c = NULL;
	const struct cloud_call *call;
	json_t *items = json_array(), *args;
	size_t i, j, n = 0;

	for (i = 0; (call = cloud_call_at(i)); i++, n++) {
		ck_assert_msg(call->path[0] == '/' || util_has_prefix(call->path, "{id}/"), "%s", call->name);
		for (j = 0; never[j]; j++)
			ck_assert_msg(!strstr(call->path, never[j]), "%s reads %s", call->name, never[j]);
		if (call->audience == CLOUD_ARM)
			ck_assert_msg(strstr(call->path, "api-version="), "%s", call->name);
		if (call->audience == CLOUD_GOOGLE)
			ck_assert_ptr_nonnull(call->service);
		ck_assert_ptr_eq(cloud_call_find(call->name), call);
	}
	ck_assert_int_eq(n, 38);
	/* Nothing outside the table is sent, and arguments cannot leave the path they fill: refused before any token is
	 * asked for (this client has no credentials, so getting that far would be ERR_AUTH). */
	o.tls_verify = 1;
	ck_assert_int_eq(cloud_client_new(&c, &o), 0);
	ck_assert_int_eq(cloud_client_get(c, "azure.storage.list_keys", NULL, items), ERR_UNSUPPORTED);
	ck_assert_str_eq(err_last(), "'azure.storage.list_keys' is not in the call table: not sent");
	args = json_pack("{s:s}", "id", "/subscriptions/s/../../providers/x");
	ck_assert_int_eq(cloud_client_get(c, "azure.keyvault.keys", args, items), ERR_INVALID);
	ck_assert_str_eq(err_last(), "azure.keyvault.keys: '/subscriptions/s/../../providers/x' is not a valid id");
	json_decref(args);
	args = json_pack("{s:s}", "id", "https://evil.example/subscriptions/x");
	ck_assert_int_eq(cloud_client_get(c, "azure.sql.auditing", args, items), ERR_INVALID);
	json_decref(args);
	args = json_pack("{s:s, s:s}", "project", "p", "email", "a@b?alt=media");
	ck_assert_int_eq(cloud_client_get(c, "gcp.iam.keys", args, items), ERR_INVALID);
	json_decref(args);
	args = json_pack("{s:s}", "project", "p/../q");
	ck_assert_int_eq(cloud_client_get(c, "gcp.compute.firewalls", args, items), ERR_INVALID);
	json_decref(args);
	args = json_pack("{s:s}", "project", "shop-prod-4711");
	ck_assert_int_eq(cloud_client_get(c, "gcp.compute.firewalls", args, items), ERR_AUTH);
	ck_assert_str_eq(err_last(), "no credentials to exchange for a token");
	ck_assert_int_eq(cloud_client_requests(c), 0);
	json_decref(args);
	cloud_client_free(c);
	json_decref(items);
}
END_TEST

/* The connectors' sources: a POST appears once, in the token exchange. */
START_TEST(only_token_exchanges_post)
{
	static const char *const files[] = { "connectors/cloud_api.c", "connectors/cloud_live.c", "connectors/azure_live.c",
					     "connectors/gcp_live.c", "connectors/gcp_auth.c", "connectors/azure_norm.c",
					     "connectors/gcp_norm.c", "connectors/cloud_export.c", NULL };
	size_t i, posts = 0;

	for (i = 0; files[i]; i++) {
		char *p = th_repo_path(files[i]);
		struct strbuf text = STRBUF_INIT;
		const char *at;

		th_read(p, &text);
		for (at = text.buf; (at = strstr(at, "\"POST\"")); at++) {
			posts++;
			ck_assert_str_eq(files[i], "connectors/cloud_api.c");
			ck_assert_msg(strstr(text.buf, "HTTP_TOKEN_EXCHANGE };") != NULL, "the POST is not a token exchange");
		}
		ck_assert_ptr_null(strstr(text.buf, "HTTP_AWS_READ"));
		strbuf_release(&text);
		free(p);
	}
	ck_assert_int_eq(posts, 1);
}
END_TEST

Suite *cloud_auth_suite(void)
{
	Suite *s = suite_create("cloud_auth");
	TCase *tc = tcase_create("cloud_auth");

	tcase_add_test(tc, the_call_table_is_an_allowlist);
	tcase_add_test(tc, only_token_exchanges_post);
	if (th_have_tool("cloud_auth", "openssl")) {
		tcase_add_test(tc, rs256_and_jwt_match_openssl);
		tcase_add_test(tc, bad_keys_are_refused_without_quoting_them);
	}
	suite_add_tcase(s, tc);
	return s;
}
