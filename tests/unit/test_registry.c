/*
 * The registry client's readers, without a network: WWW-Authenticate
 * challenges, token service answers, manifests and indexes (media types,
 * limits, platforms), repository and tag names, docker config.json
 * credentials and credential helpers (which run only when allowed).
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/err.h"
#include "core/strbuf.h"
#include "core/util.h"
#include "scan/registry.h"
#include "scan/registry_auth.h"
#include "scan/registry_creds.h"
#include "scan/registry_manifest.h"
#include "th.h"

#define D1 "sha256:1111111111111111111111111111111111111111111111111111111111111111"
#define D2 "sha256:2222222222222222222222222222222222222222222222222222222222222222"
#define D3 "sha256:3333333333333333333333333333333333333333333333333333333333333333"

static int parse(const char *h, struct regauth_challenge *c)
{
	return regauth_parse(h, strlen(h), c, REGAUTH_MAX_CHALLENGES);
}

START_TEST(challenges_docker_hub_and_basic)
{
	struct regauth_challenge c[REGAUTH_MAX_CHALLENGES];

	ck_assert_int_eq(parse("Bearer realm=\"https://auth.docker.io/token\",service=\"registry.docker.io\","
			       "scope=\"repository:library/alpine:pull\"",
			       c),
			 1);
	ck_assert_int_eq(c[0].scheme, REGAUTH_BEARER);
	ck_assert_str_eq(c[0].realm, "https://auth.docker.io/token");
	ck_assert_str_eq(c[0].service, "registry.docker.io");
	ck_assert_str_eq(c[0].scope, "repository:library/alpine:pull");
	ck_assert_ptr_null(c[0].error);
	regauth_release(c, 1);

	ck_assert_int_eq(parse("Basic realm=\"Registry Realm\"", c), 1);
	ck_assert_int_eq(c[0].scheme, REGAUTH_BASIC);
	ck_assert_str_eq(c[0].realm, "Registry Realm");
	ck_assert_ptr_eq(regauth_pick(c, 1), &c[0]);
	regauth_release(c, 1);

	/* Case does not matter; a token value needs no quotes; the first of a repeated parameter counts. */
	ck_assert_int_eq(parse("bearer REALM=\"r1\" , Service=svc, realm=\"r2\"", c), 1);
	ck_assert_int_eq(c[0].scheme, REGAUTH_BEARER);
	ck_assert_str_eq(c[0].realm, "r1");
	ck_assert_str_eq(c[0].service, "svc");
	regauth_release(c, 1);
}
END_TEST

START_TEST(challenges_several_escapes_token68)
{
	struct regauth_challenge c[REGAUTH_MAX_CHALLENGES];

	/* Two challenges: Bearer is preferred whatever the order. */
	ck_assert_int_eq(parse("Basic realm=\"b\", Bearer realm=\"https://a/t\",error=\"invalid_token\"", c), 2);
	ck_assert_int_eq(c[0].scheme, REGAUTH_BASIC);
	ck_assert_int_eq(c[1].scheme, REGAUTH_BEARER);
	ck_assert_str_eq(c[1].error, "invalid_token");
	ck_assert_ptr_eq(regauth_pick(c, 2), &c[1]);
	regauth_release(c, 2);
	/* Backslash escapes in quoted strings. */
	ck_assert_int_eq(parse("Bearer realm=\"https://a/t?x=\\\"y\\\"\\\\z\"", c), 1);
	ck_assert_str_eq(c[0].realm, "https://a/t?x=\"y\"\\z");
	regauth_release(c, 1);
	/* token68 forms, and schemes vetter does not speak. */
	ck_assert_int_eq(parse("Negotiate abc123==", c), 1);
	ck_assert_int_eq(c[0].scheme, REGAUTH_OTHER);
	ck_assert_str_eq(c[0].scheme_name, "Negotiate");
	ck_assert_ptr_null(regauth_pick(c, 1));
	regauth_release(c, 1);
	ck_assert_int_eq(parse("Basic YWxhZGRpbjpvcGVu/c2VzYW1l==, Bearer realm=\"r\"", c), 2);
	ck_assert_int_eq(c[0].scheme, REGAUTH_BASIC);
	ck_assert_str_eq(c[1].realm, "r");
	regauth_release(c, 2);
	ck_assert_int_eq(parse("Digest, Bearer realm=\"r\"", c), 2);
	ck_assert_int_eq(c[0].scheme, REGAUTH_OTHER);
	regauth_release(c, 2);
	/* A Bearer challenge without a realm cannot be answered. */
	ck_assert_int_eq(parse("Bearer service=\"s\"", c), 1);
	ck_assert_ptr_null(regauth_pick(c, 1));
	regauth_release(c, 1);
	ck_assert_int_eq(parse("", c), 0);
	ck_assert_int_eq(parse("  ,  ", c), 0);
}
END_TEST

START_TEST(challenges_refused)
{
	struct regauth_challenge c[REGAUTH_MAX_CHALLENGES];
	struct strbuf big = STRBUF_INIT;
	int i;

	ck_assert_int_eq(parse("Bearer realm=\"unterminated", c), ERR_PARSE);
	ck_assert_int_eq(parse("=x", c), ERR_PARSE);
	ck_assert_int_eq(parse("Bearer realm=\"x\", service=", c), ERR_PARSE);
	ck_assert_int_eq(parse("Bearer realm=\"a\nb\"", c), ERR_PARSE);
	ck_assert_int_eq(parse("Bearer realm=\"a\" junk junk", c), ERR_PARSE);
	ck_assert_int_eq(regauth_parse("Bearer realm=\"a\0b\"", 18, c, REGAUTH_MAX_CHALLENGES), ERR_PARSE);
	for (i = 0; i < 9; i++)
		strbuf_addf(&big, "%sBasic realm=\"%d\"", i ? ", " : "", i);
	ck_assert_int_eq(parse(big.buf, c), ERR_LIMIT);
	strbuf_reset(&big);
	strbuf_addstr(&big, "Bearer ");
	for (i = 0; i < 17; i++)
		strbuf_addf(&big, "%sp%d=v", i ? "," : "", i);
	ck_assert_int_eq(parse(big.buf, c), ERR_LIMIT);
	strbuf_reset(&big);
	strbuf_addstr(&big, "Bearer realm=\"");
	for (i = 0; i < REGAUTH_MAX_VALUE + 1; i++)
		strbuf_addch(&big, 'a');
	strbuf_addstr(&big, "\"");
	ck_assert_int_eq(parse(big.buf, c), ERR_LIMIT);
	while (big.len <= REGAUTH_MAX_HEADER)
		strbuf_addstr(&big, ", x=y");
	ck_assert_int_eq(parse(big.buf, c), ERR_LIMIT);
	strbuf_release(&big);
}
END_TEST

static int tok(const char *body, struct strbuf *t, long *exp, struct strbuf *r)
{
	return regauth_token_parse(body, strlen(body), t, exp, r);
}

START_TEST(token_answers)
{
	struct strbuf t = STRBUF_INIT, r = STRBUF_INIT;
	long exp = 0;

	ck_assert_int_eq(tok("{\"token\":\"abc.def\",\"expires_in\":300,\"refresh_token\":\"rt\"}", &t,
					     &exp, &r),
			 0);
	ck_assert_str_eq(t.buf, "abc.def");
	ck_assert_int_eq(exp, 300);
	ck_assert_str_eq(r.buf, "rt");
	strbuf_reset(&t);
	/* OAuth2's name, and the Docker specification's default lifetime. */
	ck_assert_int_eq(tok("{\"access_token\":\"x1\",\"expires_in\":-5}", &t, &exp, NULL), 0);
	ck_assert_str_eq(t.buf, "x1");
	ck_assert_int_eq(exp, 60);
	strbuf_reset(&t);
	/* A token that would break the header it goes into is refused. */
	ck_assert_int_eq(tok("{\"token\":\"a\\r\\nX-Evil: 1\"}", &t, &exp, NULL), ERR_PARSE);
	ck_assert_int_eq(tok("{\"token\":\"\"}", &t, &exp, NULL), ERR_PARSE);
	ck_assert_int_eq(tok("<html>", &t, &exp, NULL), ERR_PARSE);
	strbuf_release(&t);
	strbuf_release(&r);
}
END_TEST

static int man(struct regman *m, const char *ct, const char *json)
{
	return regman_parse(m, ct, json, strlen(json), "test");
}

START_TEST(manifests_and_indexes)
{
	struct regman m;
	size_t which;

	ck_assert_int_eq(man(&m, MT_OCI_MANIFEST "; charset=utf-8",
			     "{\"schemaVersion\":2,\"mediaType\":\"" MT_OCI_MANIFEST "\",\"config\":{\"mediaType\":"
			     "\"application/vnd.oci.image.config.v1+json\",\"digest\":\"" D1 "\",\"size\":7},"
			     "\"layers\":[{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar+gzip\",\"digest\":\"" D2
			     "\",\"size\":100},{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar+zstd\",\"digest\":\"" D3
			     "\",\"size\":200}]}"),
			 0);
	ck_assert_int_eq(m.kind, REGMAN_IMAGE);
	ck_assert_str_eq(m.media_type, MT_OCI_MANIFEST);
	ck_assert_str_eq(m.config.digest, D1);
	ck_assert_int_eq(m.config.size, 7);
	ck_assert_uint_eq(m.nlayers, 2);
	ck_assert_str_eq(m.layers[1].digest, D3);
	ck_assert_int_eq(m.layers[1].size, 200);
	regman_release(&m);
	/* Docker schema 2, served with its type; a Windows foreign layer is kept and marked. */
	ck_assert_int_eq(man(&m, MT_DOCKER_MANIFEST,
			     "{\"schemaVersion\":2,\"mediaType\":\"" MT_DOCKER_MANIFEST "\",\"config\":{\"mediaType\":"
			     "\"application/vnd.docker.container.image.v1+json\",\"digest\":\"" D1 "\",\"size\":7},"
			     "\"layers\":[{\"mediaType\":\"application/vnd.docker.image.rootfs.foreign.diff.tar.gzip\","
			     "\"digest\":\"" D2 "\",\"size\":1}]}"),
			 0);
	ck_assert_int_eq(m.layers[0].foreign, 1);
	regman_release(&m);
	/* An index; no mediaType in the body and a generic Content-Type: the shape tells. */
	ck_assert_int_eq(man(&m, "application/json",
			     "{\"schemaVersion\":2,\"manifests\":[{\"mediaType\":\"" MT_OCI_MANIFEST "\",\"digest\":\"" D1
			     "\",\"size\":1,\"platform\":{\"os\":\"linux\",\"architecture\":\"amd64\"}},{\"digest\":\"" D2
			     "\",\"size\":1,\"platform\":{\"os\":\"linux\",\"architecture\":\"arm64\",\"variant\":\"v8\"}},"
			     "{\"digest\":\"" D3 "\",\"size\":1,\"platform\":{\"os\":\"linux\",\"architecture\":\"arm\","
			     "\"variant\":\"v7\"}},{\"digest\":\"" D3 "\",\"size\":1}]}"),
			 0);
	ck_assert_int_eq(m.kind, REGMAN_INDEX);
	ck_assert_str_eq(m.media_type, MT_OCI_INDEX);
	ck_assert_uint_eq(m.nmanifests, 4);
	ck_assert_ptr_null(m.manifests[3].platform);
	ck_assert_int_eq(regman_select(&m, "linux/arm64", "t", &which), 0);
	ck_assert_uint_eq(which, 1);
	ck_assert_int_eq(regman_select(&m, "linux/arm/v7", "t", &which), 0);
	ck_assert_uint_eq(which, 2);
	ck_assert_int_eq(regman_select(&m, "linux/amd64", "t", &which), 0);
	ck_assert_uint_eq(which, 0);
	ck_assert_int_eq(regman_select(&m, "linux/s390x", "t", &which), ERR_NOTFOUND);
	ck_assert_str_eq(err_last(), "t: no image for platform linux/s390x in the index (it has: linux/amd64, "
				     "linux/arm64/v8, linux/arm/v7)");
	regman_release(&m);
	ck_assert_int_eq(man(&m, MT_DOCKER_LIST, "{\"schemaVersion\":2,\"mediaType\":\"" MT_DOCKER_LIST
						 "\",\"manifests\":[]}"),
			 0);
	ck_assert_int_eq(m.kind, REGMAN_INDEX);
	regman_release(&m);
}
END_TEST

START_TEST(manifests_refused)
{
	struct regman m;
	struct strbuf big = STRBUF_INIT;
	int i;

	ck_assert_int_eq(man(&m, "application/vnd.docker.distribution.manifest.v1+prettyjws",
			     "{\"schemaVersion\":1,\"name\":\"x\"}"),
			 ERR_UNSUPPORTED);
	ck_assert_int_eq(man(&m, NULL, "{\"schemaVersion\":1,\"name\":\"x\"}"), ERR_UNSUPPORTED);
	ck_assert_int_eq(man(&m, "application/vnd.example.thing.v1+json", "{}"), ERR_UNSUPPORTED);
	ck_assert_str_eq(err_last(), "test: the registry serves the media type application/vnd.example.thing.v1+json, not "
				     "a container image");
	ck_assert_int_eq(man(&m, "application/json", "{\"schemaVersion\":2,\"mediaType\":\"text/x-thing\"}"),
			 ERR_UNSUPPORTED);
	/* Served as one type, claiming another. */
	ck_assert_int_eq(man(&m, MT_OCI_INDEX, "{\"schemaVersion\":2,\"mediaType\":\"" MT_OCI_MANIFEST "\"}"), ERR_PARSE);
	/* A Helm chart is an OCI artifact, not an image. */
	ck_assert_int_eq(man(&m, MT_OCI_MANIFEST,
			     "{\"schemaVersion\":2,\"config\":{\"mediaType\":\"application/vnd.cncf.helm.config.v1+json\","
			     "\"digest\":\"" D1 "\",\"size\":1},\"layers\":[]}"),
			 ERR_UNSUPPORTED);
	ck_assert_int_eq(man(&m, MT_OCI_MANIFEST,
			     "{\"schemaVersion\":2,\"config\":{\"digest\":\"" D1 "\",\"size\":1},\"layers\":[{\"mediaType\":"
			     "\"application/vnd.cncf.helm.chart.content.v1.tar+gzip\",\"digest\":\"" D2 "\",\"size\":1}]}"),
			 ERR_UNSUPPORTED);
	ck_assert_int_eq(man(&m, MT_OCI_MANIFEST, "{\"schemaVersion\":2,\"config\":{\"digest\":\"sha256:abc\",\"size\":1},"
						  "\"layers\":[]}"),
			 ERR_PARSE);
	ck_assert_int_eq(man(&m, MT_OCI_MANIFEST, "{\"schemaVersion\":2,\"config\":{\"digest\":\"" D1 "\",\"size\":-1},"
						  "\"layers\":[]}"),
			 ERR_PARSE);
	ck_assert_int_eq(man(&m, MT_OCI_MANIFEST, "[1,2]"), ERR_PARSE);
	ck_assert_int_eq(man(&m, MT_OCI_INDEX, "{\"schemaVersion\":2,\"manifests\":[{\"digest\":\"" D1
					       "\",\"size\":1,\"platform\":{\"os\":\"linux\",\"architecture\":\"amd64/../x y\"}}]}"),
			 ERR_PARSE);
	/* Too many layers, too many bytes. */
	strbuf_addstr(&big, "{\"schemaVersion\":2,\"config\":{\"digest\":\"" D1 "\",\"size\":1},\"layers\":[");
	for (i = 0; i <= REGMAN_MAX_ENTRIES; i++)
		strbuf_addf(&big, "%s{\"digest\":\"" D2 "\",\"size\":1}", i ? "," : "");
	strbuf_addstr(&big, "]}");
	ck_assert_int_eq(man(&m, MT_OCI_MANIFEST, big.buf), ERR_LIMIT);
	strbuf_reset(&big);
	strbuf_addstr(&big, "{\"schemaVersion\":2,\"annotations\":{\"x\":\"");
	while (big.len <= REGMAN_MAX_BYTES)
		strbuf_addstr(&big, "xxxxxxxxxxxxxxxx");
	strbuf_addstr(&big, "\"}}");
	ck_assert_int_eq(man(&m, MT_OCI_MANIFEST, big.buf), ERR_LIMIT);
	ck_assert_msg(strstr(err_last(), "more than the 4 MB allowed"), "%s", err_last());
	strbuf_release(&big);
}
END_TEST

START_TEST(names)
{
	ck_assert(registry_repo_name_valid("library/alpine"));
	ck_assert(registry_repo_name_valid("a/b-c/d.e_f__g"));
	ck_assert(!registry_repo_name_valid("../etc"));
	ck_assert(!registry_repo_name_valid("a//b"));
	ck_assert(!registry_repo_name_valid("a/b/"));
	ck_assert(!registry_repo_name_valid("A/b"));
	ck_assert(!registry_repo_name_valid("a?b"));
	ck_assert(!registry_repo_name_valid(""));
	ck_assert(registry_tag_valid("v1.2.3-rc_1"));
	ck_assert(!registry_tag_valid(".hidden"));
	ck_assert(!registry_tag_valid("a/b"));
	ck_assert(!registry_tag_valid("a b"));
}
END_TEST

START_TEST(docker_config_auths)
{
	char *dir = th_tmpdir();
	struct strbuf path = STRBUF_INIT, key = STRBUF_INIT;
	struct docker_config *dc = NULL;
	struct registry_cred c;

	strbuf_addf(&path, "%s/config.json", dir);
	/* alice:s3cr:et (a colon in the password), docker's other spellings of a host, an identity token. */
	th_write(path.buf, "{\"auths\": {"
			   "\"https://reg.example.com:5000/v1/\": {\"auth\": \"YWxpY2U6czNjcjpldA==\"},"
			   "\"Other.Example.com\": {\"username\": \"bob\", \"password\": \"pw-bob\"},"
			   "\"https://index.docker.io/v1/\": {\"identitytoken\": \"it-123456\"},"
			   "\"ghcr.io\": {\"registrytoken\": \"rt-abcdef\"},"
			   "\"broken.example.com\": {\"auth\": \"bm9jb2xvbg==\"}}}");
	ck_assert_int_eq(docker_config_load(&dc, path.buf, 0), 0);
	ck_assert_int_eq(docker_config_cred(dc, "reg.example.com:5000", &c), 0);
	ck_assert_str_eq(c.username, "alice");
	ck_assert_str_eq(c.password, "s3cr:et");
	registry_cred_release(&c);
	ck_assert_int_eq(docker_config_cred(dc, "reg.example.com", &c), ERR_NOTFOUND); /* the port matters */
	ck_assert_int_eq(docker_config_cred(dc, "other.example.com", &c), 0);
	ck_assert_str_eq(c.username, "bob");
	registry_cred_release(&c);
	ck_assert_int_eq(docker_config_cred(dc, "docker.io", &c), 0);
	ck_assert_str_eq(c.identity_token, "it-123456");
	ck_assert_ptr_null(c.username);
	registry_cred_release(&c);
	ck_assert_int_eq(docker_config_cred(dc, "ghcr.io", &c), 0);
	ck_assert_str_eq(c.registry_token, "rt-abcdef");
	registry_cred_release(&c);
	ck_assert_int_eq(docker_config_cred(dc, "broken.example.com", &c), ERR_PARSE);
	docker_config_free(dc);
	docker_config_host_key(&key, "https://Registry-1.Docker.IO/v2/");
	ck_assert_str_eq(key.buf, "index.docker.io");
	/* A missing file named on purpose is an error; not JSON too. */
	ck_assert_int_eq(docker_config_load(&dc, "/nonexistent/config.json", 0), ERR_USAGE);
	th_write(path.buf, "[1]");
	ck_assert_int_eq(docker_config_load(&dc, path.buf, 0), ERR_USAGE);
	th_rm_rf(dir);
	free(dir);
	strbuf_release(&path);
	strbuf_release(&key);
}
END_TEST

START_TEST(docker_config_helpers_run_only_when_allowed)
{
	char *dir = th_tmpdir();
	struct strbuf path = STRBUF_INIT, helper = STRBUF_INIT, marker = STRBUF_INIT, newpath = STRBUF_INIT;
	struct docker_config *dc = NULL;
	struct registry_cred c;
	const char *oldpath = getenv("PATH");

	strbuf_addf(&marker, "%s/helper-ran", dir);
	strbuf_addf(&helper, "%s/docker-credential-vtest", dir);
	/* A helper that says who asked, and answers for two hosts (one with an identity token). */
	th_write_fmt(helper.buf,
		     "#!/bin/sh\n"
		     "read server\n"
		     "echo \"$1 $server\" >> %s\n"
		     "case \"$server\" in\n"
		     "  helped.example.com) echo '{\"ServerURL\":\"x\",\"Username\":\"carol\",\"Secret\":\"pw-carol\"}' ;;\n"
		     "  token.example.com) echo '{\"Username\":\"<token>\",\"Secret\":\"it-carol\"}' ;;\n"
		     "  *) echo 'credentials not found in native keychain'; exit 1 ;;\n"
		     "esac\n",
		     marker.buf);
	chmod(helper.buf, 0755);
	strbuf_addf(&newpath, "%s:%s", dir, oldpath ? oldpath : "/usr/bin:/bin");
	setenv("PATH", newpath.buf, 1);
	strbuf_addf(&path, "%s/config.json", dir);
	th_write(path.buf, "{\"credHelpers\": {\"helped.example.com\": \"vtest\", \"token.example.com\": \"vtest\","
			   "\"fallback.example.com\": \"vtest\"},"
			   "\"auths\": {\"helped.example.com\": {\"auth\": \"aW5saW5lOmlubGluZS1wdw==\"},"
			   "\"fallback.example.com\": {\"auth\": \"aW5saW5lOmlubGluZS1wdw==\"}}}");
	/* Not allowed: the inline entry, and the helper never runs. */
	ck_assert_int_eq(docker_config_load(&dc, path.buf, 0), 0);
	ck_assert_int_eq(docker_config_cred(dc, "helped.example.com", &c), 0);
	ck_assert_str_eq(c.username, "inline");
	registry_cred_release(&c);
	ck_assert_int_eq(docker_config_cred(dc, "token.example.com", &c), ERR_NOTFOUND);
	docker_config_free(dc);
	ck_assert_int_eq(th_exists(marker.buf), 0);
	/* Allowed: the helper's answer; "<token>" means an identity token; "not found" falls back to auths. */
	ck_assert_int_eq(docker_config_load(&dc, path.buf, 1), 0);
	ck_assert_int_eq(docker_config_cred(dc, "helped.example.com", &c), 0);
	ck_assert_str_eq(c.username, "carol");
	ck_assert_str_eq(c.password, "pw-carol");
	registry_cred_release(&c);
	ck_assert_int_eq(docker_config_cred(dc, "token.example.com", &c), 0);
	ck_assert_str_eq(c.identity_token, "it-carol");
	ck_assert_ptr_null(c.username);
	registry_cred_release(&c);
	ck_assert_int_eq(docker_config_cred(dc, "fallback.example.com", &c), 0);
	ck_assert_str_eq(c.username, "inline");
	registry_cred_release(&c);
	docker_config_free(dc);
	{
		struct strbuf ran = STRBUF_INIT;

		th_read(marker.buf, &ran);
		ck_assert_str_eq(ran.buf, "get helped.example.com\nget token.example.com\nget fallback.example.com\n");
		strbuf_release(&ran);
	}
	/* A helper name is a name, not a path. */
	th_write(path.buf, "{\"credsStore\": \"../../bin/sh\"}");
	ck_assert_int_eq(docker_config_load(&dc, path.buf, 1), 0);
	ck_assert_int_eq(docker_config_cred(dc, "any.example.com", &c), ERR_USAGE);
	docker_config_free(dc);
	setenv("PATH", oldpath ? oldpath : "/usr/bin:/bin", 1);
	th_rm_rf(dir);
	free(dir);
	strbuf_release(&path);
	strbuf_release(&helper);
	strbuf_release(&marker);
	strbuf_release(&newpath);
}
END_TEST

START_TEST(plain_http_is_for_loopback)
{
	struct registry_options o = { 0 };
	struct registry *r = NULL;

	o.host = "registry.example.com";
	o.plain_http = 1;
	o.tls_verify = 1;
	ck_assert_int_eq(registry_new(&r, &o), ERR_USAGE);
	ck_assert_msg(strstr(err_last(), "plain HTTP is allowed to a loopback registry only"), "%s", err_last());
	o.insecure = 1;
	ck_assert_int_eq(registry_new(&r, &o), 0);
	registry_free(r);
	o.insecure = 0;
	o.host = "127.0.0.1:5000";
	ck_assert_int_eq(registry_new(&r, &o), 0);
	registry_free(r);
	o.host = "localhost:5000";
	ck_assert_int_eq(registry_new(&r, &o), 0);
	registry_free(r);
	o.host = "[::1]:5000";
	ck_assert_int_eq(registry_new(&r, &o), 0);
	registry_free(r);
	o.host = "127.0.0.1.nip.io:5000";
	ck_assert_int_eq(registry_new(&r, &o), ERR_USAGE);
	o.host = "bad host/x";
	ck_assert_int_eq(registry_new(&r, &o), ERR_INVALID);
}
END_TEST

Suite *registry_suite(void)
{
	Suite *s = suite_create("registry");
	TCase *tc = tcase_create("readers");

	tcase_add_test(tc, challenges_docker_hub_and_basic);
	tcase_add_test(tc, challenges_several_escapes_token68);
	tcase_add_test(tc, challenges_refused);
	tcase_add_test(tc, token_answers);
	tcase_add_test(tc, manifests_and_indexes);
	tcase_add_test(tc, manifests_refused);
	tcase_add_test(tc, names);
	tcase_add_test(tc, docker_config_auths);
	tcase_add_test(tc, docker_config_helpers_run_only_when_allowed);
	tcase_add_test(tc, plain_http_is_for_loopback);
	suite_add_tcase(s, tc);
	return s;
}
