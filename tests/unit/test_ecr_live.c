/*
 * The registry source's ecr flavour end to end: moto_server answers the AWS
 * API (through the AWS recording proxy, tests/lib/aws_proxy.py) and two
 * docker-registries with TLS and htpasswd stand in for the registries
 * (tests/lib/ecr_env.py, behind regproxy.py's recording proxies), named
 * ACCOUNT.dkr.ecr.REGION.localhost:PORT.  A whole 'vetter run' reaches the
 * target's ECR through a cross-account role with an external id: the
 * repositories come from DescribeRepositories, the pulls use Basic
 * authentication as AWS with GetAuthorizationToken's password, both images
 * are inventoried and scanned, a registry that refuses that password is a
 * gap of its source while the run goes on, and no credential reaches
 * anything vetter wrote.
 *
 * Also, without servers: which ECR host names are accepted, and that the AWS
 * keys are refused in a registry source of another flavour.
 */
#include <check.h>
#include <dirent.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "connectors/aws.h"
#include "connectors/aws_calls.h"
#include "connectors/connector.h"
#include "core/engagement.h"
#include "core/err.h"
#include "core/jsonx.h"
#include "core/store.h"
#include "core/util.h"
#include "scan/registry_source.h"
#include "th.h"
#include "th_aws.h"

/* The base secret key, a canary looked for in everything vetter writes. */
#define SECRET "CANARYecrSECRETkey0vetter0must0never0write0it"
#define EXTERNAL_ID "ecr-external-id-canary-5c1f"
#define TARGET "210987654321"
#define ROLE "arn:aws:iam::" TARGET ":role/RegistryReader"
/* What moto's GetAuthorizationToken gives the role's account, and that in base64 "AWS:..." as AWS hands it out. */
#define ECR_PASSWORD TARGET "-auth-token"
#define ECR_TOKEN "QVdTOjIxMDk4NzY1NDMyMS1hdXRoLXRva2Vu"

START_TEST(ecr_host_names)
{
	static const struct {
		const char *host;
		int loopback, ok;
		const char *account, *region;
	} cases[] = {
		{ "123456789012.dkr.ecr.eu-west-1.amazonaws.com", 0, 1, "123456789012", "eu-west-1" },
		{ "123456789012.dkr.ecr.eu-west-1.amazonaws.com:443", 0, 1, "123456789012", "eu-west-1" },
		{ "123456789012.dkr.ecr.cn-north-1.amazonaws.com.cn", 0, 1, "123456789012", "cn-north-1" },
		{ "123456789012.dkr.ecr-fips.us-gov-west-1.amazonaws.com", 0, 1, "123456789012", "us-gov-west-1" },
		{ "210987654321.dkr.ecr.eu-west-1.localhost:5000", 1, 1, "210987654321", "eu-west-1" },
		/* .localhost only beside an emulator (endpoint_url) */
		{ "210987654321.dkr.ecr.eu-west-1.localhost:5000", 0, 0, NULL, NULL },
		{ "123456789012.dkr.ecr.eu-west-1.amazonaws.com.evil.io", 1, 0, NULL, NULL },
		{ "evil.io/123456789012.dkr.ecr.eu-west-1.amazonaws.com", 1, 0, NULL, NULL },
		{ "x123456789012.dkr.ecr.eu-west-1.amazonaws.com", 0, 0, NULL, NULL },
		{ "12345678901.dkr.ecr.eu-west-1.amazonaws.com", 0, 0, NULL, NULL },
		{ "1234567890123.dkr.ecr.eu-west-1.amazonaws.com", 0, 0, NULL, NULL },
		{ "123456789012.dkr.ecr.EU-WEST-1.amazonaws.com", 0, 0, NULL, NULL },
		{ "123456789012.dkr.ecr..amazonaws.com", 0, 0, NULL, NULL },
		{ "123456789012.dkr.ecr.eu-west-1.amazonaws.com:", 0, 0, NULL, NULL },
		{ "123456789012.dkr.ecr.eu-west-1.amazonaws.com:1234567", 0, 0, NULL, NULL },
		{ "123456789012.dkr.ecr.eu-west-1.amazonaws.com:80/x", 0, 0, NULL, NULL },
		{ "123456789012.dkr.ecr.eu-west-1.evil.localhost.io", 1, 0, NULL, NULL },
		{ "123456789012.dkr.ecr.a-very-long-region-name-that-never-ends.amazonaws.com", 0, 0, NULL, NULL },
		{ "registry.example.com", 1, 0, NULL, NULL },
		{ "", 1, 0, NULL, NULL },
	};
	char account[13], region[32];
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int rc = aws_ecr_host_parse(cases[i].host, cases[i].loopback, account, region);

		if (cases[i].ok) {
			ck_assert_msg(rc == 0, "%s: %s", cases[i].host, err_last());
			ck_assert_str_eq(account, cases[i].account);
			ck_assert_str_eq(region, cases[i].region);
		} else {
			ck_assert_msg(rc == ERR_INVALID, "%s accepted", cases[i].host);
			ck_assert_msg(strstr(err_last(), "is not an ECR registry") != NULL, "%s", err_last());
		}
	}
}
END_TEST

/* The AWS keys belong to flavour ecr: elsewhere they would be ignored, so they are refused by name. */
START_TEST(aws_keys_only_for_ecr)
{
	static const char *const keys[] = { "profile: audit", "role_arn: " ROLE, "external_id: x",
					    "role_session_name: v", "endpoint_url: http://127.0.0.1:1" };
	char *dir = th_tmpdir();
	struct strbuf path = STRBUF_INIT;
	size_t i;

	strbuf_addf(&path, "%s/deal.yaml", dir);
	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		struct engagement *eng = NULL;
		struct registry_source rs;
		char want[256], key[32];

		th_write_fmt(path.buf,
			     "name: t\nclient: t\nas_of: 2026-11-15\ncompanies:\n  - id: c\n    name: C\n    role: target\n"
			     "    sources:\n"
			     "      - {id: harbor, type: registry, host: harbor.example, %s,\n"
			     "         authorization: {by: x, scope: y, date: 2026-11-01}}\n"
			     "      - {id: ecr, type: registry, flavour: ecr, host: " TARGET ".dkr.ecr.eu-west-1.amazonaws.com, %s,\n"
			     "         authorization: {by: x, scope: y, date: 2026-11-01}}\n",
			     keys[i], keys[i]);
		ck_assert_msg(engagement_load(&eng, path.buf, connector_type_info) == 0, "%s", err_last());
		ck_assert_int_eq(registry_source_init(&rs, eng, engagement_source(eng, "harbor")), ERR_USAGE);
		snprintf(key, sizeof(key), "%.*s", (int)strcspn(keys[i], ":"), keys[i]);
		snprintf(want, sizeof(want),
			 "source 'harbor': '%s' is a key of flavour ecr (the AWS credentials), not of flavour generic", key);
		ck_assert_str_eq(err_last(), want);
		ck_assert_msg(registry_source_init(&rs, eng, engagement_source(eng, "ecr")) == 0, "%s", err_last());
		ck_assert_str_eq(rs.flavour, "ecr");
		registry_source_release(&rs);
		engagement_free(eng);
	}
	th_rm_rf(dir);
	free(dir);
	strbuf_release(&path);
}
END_TEST

struct world {
	char *dir, *envdir;
	struct th_server moto, proxy;
	char endpoint[64];
	json_t *env; /* ecr_env.py's env.json */
};

static char *path_in(const char *dir, const char *rel)
{
	struct strbuf sb = STRBUF_INIT;

	strbuf_addf(&sb, "%s/%s", dir, rel);
	return strbuf_detach(&sb, NULL);
}

static void start_world(struct world *w)
{
	char *moto = th_repo_path("tests/lib/moto_run.py"), *proxy = th_repo_path("tests/lib/aws_proxy.py");
	char *tool = th_repo_path("tests/lib/ecr_env.py"), *calls = path_in(w->dir, "calls.json");
	char *log = path_in(w->dir, "proxy.log"), *apk = th_data_path("pkgdb/apk/trivy-alpine-installed");
	char *dpkg = th_data_path("pkgdb/dpkg/trivy-valid.status"), *envjson;
	const char *margv[] = { "python3", moto, NULL };
	struct strbuf sb = STRBUF_INIT;
	struct th_result res;
	char url[64], pid[32];
	json_t *dump = aws_calls_dump();

	ck_assert_int_eq(jsonx_dump_pretty(&sb, dump), 0);
	th_write(calls, sb.buf);
	th_server_start(&w->moto, margv);
	snprintf(url, sizeof(url), "http://127.0.0.1:%d", w->moto.port);
	{
		const char *pargv[] = { "python3", proxy, "--upstream", url, "--calls", calls, "--log", log, NULL };

		th_server_start(&w->proxy, pargv);
	}
	snprintf(w->endpoint, sizeof(w->endpoint), "http://127.0.0.1:%d", w->proxy.port);
	/* Seeded straight at moto: the proxy's log holds only vetter's requests. */
	snprintf(pid, sizeof(pid), "%d", (int)getpid());
	{
		const char *argv[] = { "python3", tool, "up", w->envdir, url, apk, dpkg, "--watch", pid, NULL };

		th_run(&res, argv, NULL, NULL, NULL);
		ck_assert_msg(res.status == 0, "ecr_env.py up failed:\n%.2000s", res.err.buf);
		th_result_release(&res);
	}
	envjson = path_in(w->envdir, "env.json");
	ck_assert_int_eq(jsonx_load_file(envjson, 0, &w->env), 0);
	json_decref(dump);
	strbuf_release(&sb);
	free(moto);
	free(proxy);
	free(tool);
	free(calls);
	free(log);
	free(apk);
	free(dpkg);
	free(envjson);
}

static void stop_world(struct world *w)
{
	char *tool = th_repo_path("tests/lib/ecr_env.py");
	const char *argv[] = { "python3", tool, "down", w->envdir, NULL };
	struct th_result res;

	th_run(&res, argv, NULL, NULL, NULL);
	th_result_release(&res);
	th_server_stop(&w->proxy);
	th_server_stop(&w->moto);
	json_decref(w->env);
	free(tool);
}

static const char *host_of(const struct world *w, const char *which)
{
	return jsonx_strz(json_object_get(w->env, "hosts"), which);
}

static void write_engagement(const struct world *w, const char *path)
{
	char *ca = jsonx_str(w->env, "ca") ? util_strdup(jsonx_str(w->env, "ca")) : NULL;
	int s;

	ck_assert_ptr_nonnull(ca);
	th_write_fmt(path,
		     "name: ECR test\nclient: Tests\nas_of: 2026-11-15\nstate: deal.vetter\n"
		     "companies:\n  - id: target\n    name: Target Co\n    role: target\n    sources:\n");
	/* target.ecr-norole: the same registry without the role; the base keys' own account is not the host's. */
	for (s = 0; s < 3; s++) {
		struct strbuf text = STRBUF_INIT;
		FILE *f;

		strbuf_addf(&text,
			    "      - id: target.%s\n        type: registry\n        flavour: ecr\n        host: %s\n"
			    "        ca_file: %s\n        endpoint_url: %s\n%s%s%s"
			    "        credentials: {access_key_id: env:T_AK, secret_access_key: env:T_SK, external_id: env:T_EXT}\n"
			    "        authorization: {by: CISO, scope: read-only pull of the registry, date: 2026-11-01}\n",
			    s == 1 ? "ecr-badpw" : s == 2 ? "ecr-norole" : "ecr", host_of(w, s == 1 ? "badpw" : "good"), ca,
			    w->endpoint, s == 2 ? "" : "        role_arn: ", s == 2 ? "" : ROLE, s == 2 ? "" : "\n");
		f = fopen(path, "a");
		ck_assert_ptr_nonnull(f);
		ck_assert_int_eq(fputs(text.buf, f) >= 0, 1);
		fclose(f);
		strbuf_release(&text);
	}
	free(ca);
}

/* Lines of a JSON-lines log whose members equal the given pairs (NULL-terminated name, value list; value NULL: any). */
static int count_lines_with(const char *log, ...)
{
	struct strbuf text = STRBUF_INIT;
	char *line, *save = NULL;
	int n = 0;

	th_read(log, &text);
	for (line = strtok_r(text.buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		json_t *e = json_loads(line, 0, NULL);
		const char *name, *want;
		int match = e != NULL;
		va_list ap;

		va_start(ap, log);
		while (match && (name = va_arg(ap, const char *))) {
			const json_t *v = json_object_get(e, name);

			want = va_arg(ap, const char *);
			if (!want)
				continue;
			if (!strcmp(want, "(absent)"))
				match = v == NULL;
			else if (util_has_suffix(want, "*"))
				match = json_is_string(v) && !strncmp(json_string_value(v), want, strlen(want) - 1);
			else if (json_is_integer(v))
				match = json_integer_value(v) == atoll(want);
			else
				match = json_is_string(v) ? !strcmp(json_string_value(v), want)
					: json_is_boolean(v) ? !strcmp(want, json_is_true(v) ? "true" : "false") : 0;
		}
		va_end(ap);
		n += match;
		json_decref(e);
	}
	strbuf_release(&text);
	return n;
}


static const json_t *source_in(const json_t *findings, const char *id)
{
	const json_t *s;
	size_t i;

	json_array_foreach(json_object_get(findings, "sources"), i, s)
		if (!strcmp(jsonx_strz(s, "id"), id))
			return s;
	ck_abort_msg("findings.json has no source %s", id);
	return NULL;
}

/* The sources' coverage and the gaps, in findings.json. */
static void check_coverage(const struct world *w)
{
	char *path = path_in(w->dir, "out/findings.json");
	const char *good = host_of(w, "good"), *bad = host_of(w, "badpw");
	struct strbuf want = STRBUF_INIT;
	const json_t *s, *cov, *f;
	json_t *doc = NULL;
	size_t i;
	int gaps_good = 0, gaps_bad = 0, gaps_norole = 0;

	ck_assert_int_eq(jsonx_load_file(path, 0, &doc), 0);
	s = source_in(doc, "target.ecr");
	cov = json_object_get(s, "coverage");
	ck_assert_str_eq(jsonx_strz(s, "status"), "done");
	/* Two repositories: the role's account's, not the decoy of the base keys' own account. */
	ck_assert_int_eq(jsonx_int(cov, "repositories", -1), 2);
	ck_assert_int_eq(jsonx_int(cov, "tags", -1), 2);
	ck_assert_int_eq(jsonx_int(cov, "tags_inspected", -1), 2);
	ck_assert_int_eq(jsonx_int(cov, "errors", -1), 0);
	ck_assert_int_eq(jsonx_int(cov, "images", -1), 2);
	ck_assert_int_eq(jsonx_int(cov, "newest", -1), 2);
	ck_assert_int_eq(jsonx_int(cov, "selected", -1), 2);
	strbuf_addf(&want, "Registry %s: 2 repositories, 2 tags (2 read, 0 errors), 2 images; scanned: 0 running, 2 newest "
			   "(up to 3 per repository).", good);
	ck_assert_str_eq(jsonx_strz(cov, "summary"), want.buf);
	/* The registry that refuses ECR's password: its one repository a gap, the source done, the run went on. */
	s = source_in(doc, "target.ecr-badpw");
	cov = json_object_get(s, "coverage");
	ck_assert_str_eq(jsonx_strz(s, "status"), "done");
	ck_assert_int_eq(jsonx_int(cov, "repositories", -1), 1);
	ck_assert_int_eq(jsonx_int(cov, "tags", -1), 0);
	ck_assert_int_eq(jsonx_int(cov, "errors", -1), 1);
	ck_assert_int_eq(jsonx_int(cov, "images", -1), 0);
	/* Without the role, DescribeRepositories lists the base account's registry: refused, naming both accounts. */
	s = source_in(doc, "target.ecr-norole");
	ck_assert_str_eq(jsonx_strz(s, "status"), "failed");
	strbuf_reset(&want);
	strbuf_addf(&want, "source 'target.ecr-norole': ECR repositories of %s: ecr:DescribeRepositories lists the registry of "
			   "account 123456789012, not " TARGET ": the credentials (or role_arn) must reach account " TARGET, good);
	ck_assert_str_eq(jsonx_strz(s, "error"), want.buf);
	json_array_foreach(json_object_get(doc, "findings"), i, f) {
		if (strcmp(jsonx_strz(f, "kind"), "gap"))
			continue;
		if (!strcmp(jsonx_strz(f, "source"), "target.ecr-norole")) {
			gaps_norole++;
			ck_assert_str_eq(jsonx_strz(f, "title"), "source not collected");
			continue;
		}
		if (!strcmp(jsonx_strz(f, "source"), "target.ecr-badpw")) {
			gaps_bad++;
			strbuf_reset(&want);
			strbuf_addf(&want, "repository registry:%s/web", bad);
			ck_assert_str_eq(jsonx_strz(f, "title"), want.buf);
			strbuf_reset(&want);
			strbuf_addf(&want, "%s/web: the tag list: https://%s/v2/web/tags/list: the registry refused the credentials (401)",
				    bad, bad);
			ck_assert_str_eq(jsonx_strz(f, "reason"), want.buf);
			continue;
		}
		/* make check points VETTER_VULNDB nowhere: each scanned image says so, and nothing else is missing. */
		ck_assert_str_eq(jsonx_strz(f, "source"), "target.ecr");
		ck_assert_str_eq(jsonx_strz(f, "rule"), "not-assessable-part");
		ck_assert_msg(util_has_prefix(jsonx_strz(f, "reason"), "no advisory database"), "%s", jsonx_strz(f, "reason"));
		gaps_good++;
	}
	ck_assert_int_eq(gaps_bad, 1);
	ck_assert_int_eq(gaps_good, 2);
	ck_assert_int_eq(gaps_norole, 1);
	json_decref(doc);
	strbuf_release(&want);
	free(path);
}

struct rows {
	json_t *docs; /* key -> doc */
};

static int add_row(void *ctx, const struct store_asset *a)
{
	return json_object_set(((struct rows *)ctx)->docs, a->key, a->doc);
}

/* Components of the CycloneDX SBOM in dir whose file name holds part. */
static size_t sbom_components(const char *dir, const char *part)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	size_t n = 0, found = 0;

	ck_assert_ptr_nonnull(d);
	while ((de = readdir(d))) {
		char *p;
		json_t *doc = NULL;

		if (!strstr(de->d_name, part))
			continue;
		p = path_in(dir, de->d_name);
		ck_assert_int_eq(jsonx_load_file(p, 0, &doc), 0);
		n = json_array_size(json_object_get(doc, "components"));
		found++;
		json_decref(doc);
		free(p);
	}
	closedir(d);
	ck_assert_msg(found == 1, "%zu SBOMs named *%s*", found, part);
	return n;
}

/* Both images inventoried and scanned, with the upstream oracles' package counts. */
static void check_images(const struct world *w)
{
	char *path = path_in(w->dir, "deal.vetter/store.sqlite"), *sbom = path_in(w->dir, "out/sbom");
	const json_t *img = json_object_get(w->env, "images");
	const char *good = host_of(w, "good"), *bad = host_of(w, "badpw");
	struct strbuf k = STRBUF_INIT;
	struct rows images = { json_object() }, repos = { json_object() };
	struct store *st = NULL;
	const json_t *d;

	ck_assert_msg(store_open(&st, path) == 0, "%s", err_last());
	ck_assert_int_eq(store_asset_foreach(st, "target", "image", add_row, &images), 0);
	ck_assert_int_eq(store_asset_foreach(st, "target", "repository", add_row, &repos), 0);
	store_close(st);
	ck_assert_uint_eq(json_object_size(images.docs), 2);
	/* Alpine: trivy's installed database, 16 stanzas, one without a version (tests/unit/test_pkgdb.c): 15. */
	strbuf_addf(&k, "registry:%s/team/api@%s", good, jsonx_strz(img, "team/api"));
	d = json_object_get(images.docs, k.buf);
	ck_assert_msg(d != NULL, "no image %s", k.buf);
	ck_assert_str_eq(jsonx_strz(d, "manifest_digest"), jsonx_strz(img, "team/api"));
	ck_assert_int_eq(jsonx_int(d, "packages", -1), 15);
	/* Ubuntu: trivy's dpkg status, 91 stanzas, one "deinstall ok config-files": 90. */
	strbuf_reset(&k);
	strbuf_addf(&k, "registry:%s/web@%s", good, jsonx_strz(img, "web"));
	d = json_object_get(images.docs, k.buf);
	ck_assert_msg(d != NULL, "no image %s", k.buf);
	ck_assert_str_eq(jsonx_strz(d, "manifest_digest"), jsonx_strz(img, "web"));
	ck_assert_int_eq(jsonx_int(d, "packages", -1), 90);
	/* The SBOMs: the packages and the operating system. */
	ck_assert_uint_eq(sbom_components(sbom, "_team_api_sha256_"), 15 + 1);
	ck_assert_uint_eq(sbom_components(sbom, "_web_sha256_"), 90 + 1);
	/* The repositories DescribeRepositories listed, on each registry; the decoy is another account's. */
	ck_assert_uint_eq(json_object_size(repos.docs), 3);
	strbuf_reset(&k);
	strbuf_addf(&k, "registry:%s/team/api", good);
	ck_assert_ptr_nonnull(json_object_get(repos.docs, k.buf));
	strbuf_reset(&k);
	strbuf_addf(&k, "registry:%s/web", good);
	ck_assert_ptr_nonnull(json_object_get(repos.docs, k.buf));
	strbuf_reset(&k);
	strbuf_addf(&k, "registry:%s/web", bad);
	ck_assert_ptr_nonnull(json_object_get(repos.docs, k.buf));
	json_decref(images.docs);
	json_decref(repos.docs);
	strbuf_release(&k);
	free(path);
	free(sbom);
}

/* What the registries saw (regproxy.py's log): no catalog, Basic as AWS, the ECR host names, reads only. */
static void check_registry_requests(const struct world *w)
{
	char *log = path_in(w->envdir, "requests.log"), *violations = path_in(w->envdir, "violations.log");
	const char *good = host_of(w, "good"), *bad = host_of(w, "badpw");
	struct strbuf text = STRBUF_INIT;
	int all = count_lines_with(log, NULL);

	ck_assert_int_eq(count_lines_with(log, "path", "/v2/_catalog*", NULL), 0);
	ck_assert_int_eq(count_lines_with(log, "proxy", "good", "path", "/v2/team/api/tags/list*", NULL), 1);
	ck_assert_int_eq(count_lines_with(log, "proxy", "good", "path", "/v2/web/tags/list*", NULL), 1);
	/* Every request named the registry by its ECR host name. */
	ck_assert_int_eq(count_lines_with(log, "proxy", "good", "host", good, NULL) +
				 count_lines_with(log, "proxy", "badpw", "host", bad, NULL), all);
	/* Basic as AWS and nothing else; the unauthenticated requests were only refused. */
	ck_assert_int_eq(count_lines_with(log, "auth", "basic", NULL), count_lines_with(log, "auth", "basic", "user", "AWS", NULL));
	ck_assert_int_eq(count_lines_with(log, "auth", "none", NULL), count_lines_with(log, "auth", "none", "status", "401", NULL));
	ck_assert_int_eq(count_lines_with(log, "auth", "basic", NULL) + count_lines_with(log, "auth", "none", NULL), all);
	/* Collect: two tag lists, two manifests, two configs; scan: per image its manifest, config and one layer. */
	ck_assert_int_eq(count_lines_with(log, "proxy", "good", "auth", "basic", "status", "200", NULL), 2 + 2 + 2 + 2 * 3);
	ck_assert_int_eq(count_lines_with(log, "proxy", "good", "method", "GET", "path", "/v2/team/api/blobs/*", "status", "200",
					  NULL), 3);
	ck_assert_int_eq(count_lines_with(log, "proxy", "good", "method", "GET", "path", "/v2/web/blobs/*", "status", "200", NULL),
			 3);
	/* The wrong password: refused, asked again once with a fresh token, refused again; nothing read. */
	ck_assert_int_eq(count_lines_with(log, "proxy", "badpw", "auth", "basic", "user", "AWS", "status", "401", NULL), 2);
	ck_assert_int_eq(count_lines_with(log, "proxy", "badpw", "status", "200", NULL), 0);
	th_read(violations, &text);
	ck_assert_msg(text.len == 0, "vetter sent requests that are not reads:\n%s", text.buf);
	strbuf_release(&text);
	free(log);
	free(violations);
}

/* What AWS saw (aws_proxy.py's log): only the call table's ECR and STS reads, the role with its external id. */
static void check_aws_requests(const struct world *w)
{
	char *log = path_in(w->dir, "proxy.log");
	int all = count_lines_with(log, NULL);

	ck_assert_int_eq(count_lines_with(log, "allowed", "true", NULL), all);
	/* One role per client: DescribeRepositories and GetAuthorizationToken at collect, the token at scan. */
	ck_assert_int_eq(count_lines_with(log, "service", "sts", "action", "AssumeRole", NULL), 6);
	ck_assert_int_eq(count_lines_with(log, "action", "AssumeRole", "role_arn", ROLE, "external_id", EXTERNAL_ID, NULL), 6);
	ck_assert_int_eq(count_lines_with(log, "action", "AssumeRole", "account", "123456789012", NULL), 6);
	/* The ECR calls as the role's account, in the region of each host name. */
	ck_assert_int_eq(count_lines_with(log, "service", "ecr", "action", "DescribeRepositories", "account", TARGET, "region",
					  "eu-west-1", NULL), 1);
	ck_assert_int_eq(count_lines_with(log, "service", "ecr", "action", "DescribeRepositories", "account", TARGET, "region",
					  "us-east-1", NULL), 1);
	ck_assert_int_eq(count_lines_with(log, "service", "ecr", "action", "GetAuthorizationToken", "account", TARGET, "region",
					  "eu-west-1", NULL), 2);
	ck_assert_int_eq(count_lines_with(log, "service", "ecr", "action", "GetAuthorizationToken", "account", TARGET, "region",
					  "us-east-1", NULL), 2);
	/* target.ecr-norole: DescribeRepositories with the base keys, their own account; then nothing. */
	ck_assert_int_eq(count_lines_with(log, "service", "ecr", "action", "DescribeRepositories", "account", "123456789012",
					  "region", "eu-west-1", NULL), 1);
	ck_assert_int_eq(all, 6 + 2 + 4 + 1);
	free(log);
}

START_TEST(ecr_end_to_end)
{
	struct world w;
	struct th_result res;
	char *eng, *home_env, *issued;
	const char *env[8];
	struct strbuf sb = STRBUF_INIT;

	memset(&w, 0, sizeof(w));
	w.dir = th_tmpdir();
	w.envdir = path_in(w.dir, "registries");
	start_world(&w);
	eng = path_in(w.dir, "deal.yaml");
	write_engagement(&w, eng);
	strbuf_addf(&sb, "HOME=%s", w.dir);
	home_env = strbuf_detach(&sb, NULL);
	env[0] = home_env;
	env[1] = "T_AK=AKIAIOSFODNN7EXAMPLE";
	env[2] = "T_SK=" SECRET;
	env[3] = "T_EXT=" EXTERNAL_ID;
	env[4] = "AWS_PROFILE=";
	env[5] = "AWS_ACCESS_KEY_ID=";
	env[6] = "AWS_SECRET_ACCESS_KEY=";
	env[7] = NULL;
	th_vetter(&res, env, "run", eng, NULL);
	th_assert_status(&res, 3); /* done, with coverage gaps: the refused password, no advisory database */
	check_coverage(&w);
	check_images(&w);
	check_registry_requests(&w);
	check_aws_requests(&w);
	/* No credential anywhere: the keys, the external id, what STS issued, the ECR password and its token. */
	{
		const char *secrets[64] = { SECRET, EXTERNAL_ID, ECR_PASSWORD, ECR_TOKEN };
		struct strbuf text = STRBUF_INIT;
		char *line, *save = NULL, *state = path_in(w.dir, "deal.vetter"), *out = path_in(w.dir, "out");
		size_t n = 4, i;

		issued = path_in(w.dir, "proxy.log.issued");
		th_read(issued, &text);
		for (line = strtok_r(text.buf, "\n", &save); line && n < 63; line = strtok_r(NULL, "\n", &save))
			secrets[n++] = line;
		/* Six AssumeRole answers (check_aws_requests), each a secret key and a session token. */
		ck_assert_uint_eq(n, 4 + 12);
		for (i = 0; i < n; i++)
			ck_assert_msg(!strstr(res.out.buf, secrets[i]) && !strstr(res.err.buf, secrets[i]), "%.12s... printed",
				      secrets[i]);
		th_aws_no_secret(state, secrets);
		th_aws_no_secret(out, secrets);
		strbuf_release(&text);
		free(state);
		free(out);
		free(issued);
	}
	th_result_release(&res);
	stop_world(&w);
	th_rm_rf(w.dir);
	free(w.dir);
	free(w.envdir);
	free(eng);
	free(home_env);
}
END_TEST

Suite *ecr_live_suite(void)
{
	Suite *s = suite_create("ecr_live");
	TCase *tc = tcase_create("names"), *live = tcase_create("live");
	static const char *const tools[] = { "moto_server", "python3", "docker-registry", "skopeo", "umoci", "htpasswd",
					     "openssl", NULL };
	int ok = 1;
	size_t i;

	tcase_add_test(tc, ecr_host_names);
	tcase_add_test(tc, aws_keys_only_for_ecr);
	suite_add_tcase(s, tc);
	tcase_set_timeout(live, 300);
	for (i = 0; tools[i]; i++)
		ok &= th_have_tool("ecr_end_to_end", tools[i]);
	ok &= th_have_data("ecr_end_to_end", "pkgdb/apk") && th_have_data("ecr_end_to_end", "pkgdb/dpkg");
	if (ok)
		tcase_add_test(live, ecr_end_to_end);
	suite_add_tcase(s, live);
	return s;
}
