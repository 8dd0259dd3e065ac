/*
 * The azure and gcp connectors, live, against tests/lib/cloud_api.py: a
 * loopback HTTPS server (its certificate from a test CA) answering like the
 * Entra ID and Google token endpoints, Resource Manager, Microsoft Graph and
 * the Google Cloud APIs, with paging, a throttled call, an expired token,
 * refused calls, and hostile token endpoints and page links.
 */
#include <check.h>
#include <regex.h>
#include <stdlib.h>
#include <string.h>

#include "connectors/cloud_api.h"
#include "connectors/connector.h"
#include "core/engagement.h"
#include "core/err.h"
#include "core/jsonx.h"
#include "scan/registry_source.h"
#include "core/util.h"
#include "th.h"
#include "th_k8s.h"

#define SECRET "s3cr3t-canary-Az"
#define SUB "0b1f6471-1bf0-4dda-aec3-111122223333"

struct fx {
	struct th_k8s k;   /* the folder, the PKI (ca.pem, srv.pem, srv.key) and the engagement folder */
	char *tool, *log, *sink_log, *sa_pub;
	struct th_server srv, sink;
	char keypem_line[80]; /* a line of the service account's private key, to look for */
};

static void fx_init(struct fx *f)
{
	struct strbuf s = STRBUF_INIT, key = STRBUF_INIT;
	char *p;

	memset(f, 0, sizeof(*f));
	th_k8s_init(&f->k);
	f->tool = th_repo_path("tests/lib/cloud_api.py");
	f->log = th_k8s_join(f->k.dir, "api.log");
	f->sink_log = th_k8s_join(f->k.dir, "sink.log");
	f->sa_pub = th_k8s_join(f->k.pki, "sa.pub");
	strbuf_addf(&s, "set -e; cd %s; openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out sa.key 2>/dev/null; "
			"openssl pkey -in sa.key -pubout -out sa.pub; cp ca.pem %s/", f->k.pki, f->k.eng);
	th_k8s_sh(s.buf);
	p = th_k8s_join(f->k.pki, "sa.key");
	th_read(p, &key);
	free(p);
	/* The second line of the PEM: base64 of the key itself. */
	snprintf(f->keypem_line, sizeof(f->keypem_line), "%.60s", strchr(key.buf, '\n') + 1);
	th_write(f->log, "");
	th_write(f->sink_log, "");
	strbuf_release(&s);
	strbuf_release(&key);
}

static void fx_start(struct fx *f, const char *const *extra)
{
	const char *argv[40] = { "python3", f->tool, "--tls", NULL, NULL, "--log", f->log, "--data", NULL, "--pubkey",
				 f->sa_pub, "--client-secret", SECRET };
	char *c = th_k8s_join(f->k.pki, "srv.pem"), *k = th_k8s_join(f->k.pki, "srv.key"), *d = th_data_path("");
	size_t n = 13;

	argv[3] = c;
	argv[4] = k;
	argv[8] = d;
	while (extra && *extra && n < 39)
		argv[n++] = *extra++;
	argv[n] = NULL;
	th_server_start(&f->srv, argv);
	free(c);
	free(k);
	free(d);
}

static void fx_start_sink(struct fx *f)
{
	char *c = th_k8s_join(f->k.pki, "srv.pem"), *k = th_k8s_join(f->k.pki, "srv.key");
	const char *argv[] = { "python3", f->tool, "--tls", c, k, "--log", f->sink_log, "--mode", "sink", NULL };

	th_server_start(&f->sink, argv);
	free(c);
	free(k);
}

static void fx_free(struct fx *f)
{
	if (f->srv.pid)
		th_server_stop(&f->srv);
	if (f->sink.pid)
		th_server_stop(&f->sink);
	th_k8s_free(&f->k);
	free(f->tool);
	free(f->log);
	free(f->sink_log);
	free(f->sa_pub);
}

/* eng/sa.json, the service-account key, whose token_uri is token_uri. */
static void fx_key(struct fx *f, const char *token_uri)
{
	char *kp = th_k8s_join(f->k.pki, "sa.key"), *out = th_k8s_join(f->k.eng, "sa.json");
	struct strbuf pem = STRBUF_INIT, text = STRBUF_INIT;
	json_t *doc;

	th_read(kp, &pem);
	doc = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "type", "service_account", "project_id", "shop-prod-4711",
			"private_key_id", "3f1c0ffee", "private_key", pem.buf, "client_email",
			"vetter-audit@shop-prod-4711.iam.gserviceaccount.com", "client_id", "1098", "token_uri", token_uri);
	jsonx_dump_pretty(&text, doc);
	th_write(out, text.buf);
	json_decref(doc);
	strbuf_release(&pem);
	strbuf_release(&text);
	free(kp);
	free(out);
}

static void fx_engagement(struct fx *f, int port, const char *login, const char *token, int gcp)
{
	char *p = th_k8s_join(f->k.eng, "engagement.yaml");

	th_write_fmt(p,
		     "name: Cloud\nclient: Test\nas_of: 2026-01-01\ncompanies:\n  - id: shop\n    name: Shop\n    role: target\n"
		     "    sources:\n"
		     "      - type: azure\n        id: az\n        tenant: shop.onmicrosoft.com\n        ca_file: ca.pem\n"
		     "        endpoints: {login: \"%s\", management: \"https://127.0.0.1:%d\", graph: \"https://127.0.0.1:%d\"}\n"
		     "        credentials: {client_id: env:AZ_ID, client_secret: env:AZ_SECRET}\n"
		     "        authorization: {by: A. Consultant, scope: read-only audit, date: 2026-01-01}\n"
		     "%s%s%s%s",
		     login, port, port, gcp ? "      - type: gcp\n        id: gcp\n        ca_file: ca.pem\n        endpoints: {token: \"" : "",
		     gcp ? token : "", gcp ? "\", google: \"https://127.0.0.1:" : "", "");
	if (gcp) {
		struct strbuf s = STRBUF_INIT, t = STRBUF_INIT;

		th_read(p, &t);
		strbuf_addf(&s, "%s%d\"}\n        credentials: {service_account_key: file:sa.json}\n"
				"        authorization: {by: A. Consultant, scope: read-only audit, date: 2026-01-01}\n", t.buf, port);
		th_write(p, s.buf);
		strbuf_release(&s);
		strbuf_release(&t);
	}
	free(p);
}

static void fx_run(struct fx *f, const char *only, int want, struct th_result *res)
{
	static const char *const env[] = { "AZ_ID=app-1", "AZ_SECRET=" SECRET, NULL };
	char *p = th_k8s_join(f->k.eng, "engagement.yaml"), *out = th_k8s_join(f->k.eng, "out");

	if (only)
		th_vetter(res, env, "run", p, "--only", only, NULL);
	else
		th_vetter(res, env, "run", p, "--out", out, NULL);
	th_assert_status(res, want);
	free(p);
	free(out);
}

/* The request log, one JSON object a line. */
static json_t *read_log(const char *path)
{
	struct strbuf buf = STRBUF_INIT;
	json_t *all = json_array();
	char *line, *save = NULL;

	th_read(path, &buf);
	for (line = strtok_r(buf.buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
		json_array_append_new(all, json_loads(line, 0, NULL));
	strbuf_release(&buf);
	return all;
}

/* Every GET matches a row of the call table (its template, each {arg} a path segment or more). */
static int in_call_table(const char *path, const char *query)
{
	const struct cloud_call *c;
	size_t i;

	for (i = 0; (c = cloud_call_at(i)); i++) {
		struct strbuf re = STRBUF_INIT;
		const char *t;
		regex_t rx;
		int ok;

		strbuf_addch(&re, '^');
		if (c->audience == CLOUD_GOOGLE)
			strbuf_addf(&re, "/%s", c->service);
		for (t = c->path; *t && *t != '?'; t++) {
			if (*t == '{') {
				strbuf_addstr(&re, "[^?]+");
				t = strchr(t, '}');
			} else if (strchr(".()[]*+$^|\\", *t)) {
				strbuf_addch(&re, '\\');
				strbuf_addch(&re, *t);
			} else {
				strbuf_addch(&re, *t);
			}
		}
		strbuf_addch(&re, '$');
		ck_assert_int_eq(regcomp(&rx, re.buf, REG_EXTENDED | REG_NOSUB), 0);
		ok = regexec(&rx, path, 0, NULL, 0) == 0;
		regfree(&rx);
		/* ARM's api-version is the row's. */
		if (ok && strchr(c->path, '?') && c->audience == CLOUD_ARM)
			ok = util_has_prefix(query, strchr(c->path, '?') + 1);
		strbuf_release(&re);
		if (ok)
			return 1;
	}
	return 0;
}

/* rule -> count of misconfiguration findings, "gap:COMPONENT" -> reason, "source:ID" -> coverage */
static json_t *tally(struct fx *f)
{
	char *p = th_k8s_join(f->k.eng, "out/findings.json");
	json_t *doc = NULL, *t = json_object(), *x;
	size_t i;

	ck_assert_int_eq(jsonx_load_file(p, 0, &doc), 0);
	json_array_foreach(json_object_get(doc, "findings"), i, x) {
		const char *rule = jsonx_strz(x, "rule");
		struct strbuf k = STRBUF_INIT;

		if (!strcmp(jsonx_strz(x, "kind"), "misconfiguration"))
			json_object_set_new(t, rule, json_integer(jsonx_int(t, rule, 0) + 1));
		else if (!strcmp(rule, "coverage-gap")) {
			strbuf_addf(&k, "gap:%s", jsonx_strz(x, "component"));
			json_object_set_new(t, k.buf, json_string(jsonx_strz(x, "reason")));
		}
		strbuf_release(&k);
	}
	json_array_foreach(json_object_get(doc, "sources"), i, x) {
		struct strbuf k = STRBUF_INIT;

		strbuf_addf(&k, "source:%s", jsonx_strz(x, "id"));
		json_object_set(t, k.buf, json_object_get(x, "coverage") ? json_object_get(x, "coverage") : json_null());
		strbuf_release(&k);
	}
	json_decref(doc);
	free(p);
	return t;
}

/* No file the run wrote holds the secret, the private key or an access token. */
static void assert_nothing_leaked(struct fx *f)
{
	const char *needles[] = { SECRET, f->keypem_line, "eyJ0eXAi.", "ya29.fixture", NULL };
	char *dir = th_k8s_join(f->k.eng, "engagement.vetter"), *out = th_k8s_join(f->k.eng, "out");
	const char *dirs[] = { dir, out, NULL };
	size_t i, j;

	for (i = 0; dirs[i]; i++)
		for (j = 0; needles[j] && th_exists(dirs[i]); j++) {
			struct th_result res;
			const char *argv[] = { "grep", "-rlaF", needles[j], dirs[i], NULL };

			th_run(&res, argv, NULL, NULL, NULL);
			ck_assert_msg(res.status == 1, "'%s' found in %s", needles[j], res.out.buf);
			th_result_release(&res);
		}
	free(dir);
	free(out);
}

START_TEST(azure_and_gcp_live_end_to_end)
{
	const char *extra[] = { "--page", "1", "--deny", "Microsoft.Security/alerts", "--deny", "conditionalAccess",
				"--throttle", "Microsoft.Storage", "--expire", NULL };
	struct fx f;
	struct strbuf login = STRBUF_INIT, token = STRBUF_INIT;
	struct th_result res;
	json_t *t, *log, *e, *cov;
	size_t i, posts = 0, gets = 0, storage_first = 0, unauthorized = 0;

	fx_init(&f);
	fx_start(&f, extra);
	strbuf_addf(&login, "https://127.0.0.1:%d", f.srv.port);
	strbuf_addf(&token, "https://127.0.0.1:%d/google-token", f.srv.port);
	fx_key(&f, token.buf);
	fx_engagement(&f, f.srv.port, login.buf, token.buf, 1);
	fx_run(&f, NULL, 3, &res);
	th_result_release(&res);
	t = tally(&f);
	/* Azure: the storage example account (secure transfer off, public, no TLS minimum, blob access unset). */
	ck_assert_int_eq(jsonx_int(t, "CIS-AZURE-3.0-4.1", 0), 1);
	ck_assert_int_eq(jsonx_int(t, "CIS-AZURE-3.0-4.6", 0), 1);
	ck_assert_int_eq(jsonx_int(t, "CIS-AZURE-3.0-4.7", 0), 1);
	ck_assert_int_eq(jsonx_int(t, "CIS-AZURE-3.0-4.15", 0), 1);
	ck_assert_int_eq(jsonx_int(t, "CIS-AZURE-3.0-4.17", 0), 1);
	/* The NSG example (port 80 from anywhere, any protocol) and "web" (SSH from the Internet). */
	ck_assert_int_eq(jsonx_int(t, "CIS-AZURE-3.0-7.1", 0), 0);
	ck_assert_int_eq(jsonx_int(t, "CIS-AZURE-3.0-7.2", 0), 1);
	ck_assert_int_eq(jsonx_int(t, "CIS-AZURE-3.0-7.3", 0), 1);
	ck_assert_int_eq(jsonx_int(t, "CIS-AZURE-3.0-7.4", 0), 1);
	/* SQL: auditing on, an allow-all rule.  Vault: a key without expiry.  Plans: Containers Free in prod; the dev
	 * subscription answered an empty list (no plan on). */
	ck_assert_int_eq(jsonx_int(t, "CIS-AZURE-3.0-5.1.1", 0), 0);
	ck_assert_int_eq(jsonx_int(t, "CIS-AZURE-3.0-5.1.2", 0), 1);
	ck_assert_int_eq(jsonx_int(t, "CIS-AZURE-3.0-3.3.1", 0), 1);
	ck_assert_int_eq(jsonx_int(t, "CIS-AZURE-3.0-3.3.5", 0), 0);
	ck_assert_int_eq(jsonx_int(t, "CIS-AZURE-3.0-3.1.3.1", 0), 1);
	ck_assert_int_eq(jsonx_int(t, "CIS-AZURE-3.0-3.1.4.1", 0), 2);
	ck_assert_int_eq(jsonx_int(t, "CIS-AZURE-3.0-3.1.5.1", 0), 1);
	/* GCP: every rule of the pack has something to fail on but RDP (3.7) and IP forwarding (4.6). */
	{
		static const char *const one[] = { "1.4", "1.5", "1.7", "1.10", "3.1", "3.6", "3.8", "4.1", "4.2", "4.5",
						   "4.9", "5.1", "5.2", "6.4", "6.5", "6.6", NULL };
		char id[32];

		for (i = 0; one[i]; i++) {
			snprintf(id, sizeof(id), "CIS-GCP-3.0-%s", one[i]);
			ck_assert_msg(jsonx_int(t, id, 0) == 1, "%s: %lld", id, jsonx_int(t, id, 0));
		}
		ck_assert_int_eq(jsonx_int(t, "CIS-GCP-3.0-3.7", 0), 0);
		ck_assert_int_eq(jsonx_int(t, "CIS-GCP-3.0-4.6", 0), 0);
	}
	/* Refused calls are gaps with the API's answer; the rest was read. */
	ck_assert_str_eq(jsonx_strz(t, "gap:azure subscription " SUB ": azure.security.alerts"),
			 "HTTP 403 AuthorizationFailed: The client '[REDACTED]' does not have authorization to perform this read "
			 "over scope '/subscriptions/" SUB "/providers/Microsoft.Security/alerts'.");
	ck_assert_ptr_nonnull(jsonx_str(t, "gap:azure directory: azure.entra.conditional_access"));
	cov = json_object_get(t, "source:az");
	ck_assert_int_eq(jsonx_int(cov, "subscriptions", 0), 2);
	ck_assert_int_eq(jsonx_int(cov, "calls_failed", 0), 3);
	/* Three exchanges: Resource Manager (the first token expired, so twice) and Graph. */
	ck_assert_int_eq(jsonx_int(cov, "token_exchanges", 0), 3);
	ck_assert_int_eq(jsonx_int(json_object_get(cov, "kinds"), "azure.entra.user", 0), 3);
	cov = json_object_get(t, "source:gcp");
	ck_assert_int_eq(jsonx_int(cov, "projects", 0), 1);
	ck_assert_int_eq(jsonx_int(cov, "calls_failed", 0), 0);
	ck_assert_int_eq(jsonx_int(cov, "token_exchanges", 0), 1);
	ck_assert_int_eq(jsonx_int(json_object_get(cov, "kinds"), "gcp.kms.key", 0), 1);
	json_decref(t);

	/* What was sent: GETs of the call table, POSTs to the token endpoints only, the secret in those only. */
	log = read_log(f.log);
	json_array_foreach(log, i, e) {
		const char *m = jsonx_strz(e, "method"), *path = jsonx_strz(e, "path");

		if (!strcmp(m, "POST")) {
			posts++;
			ck_assert_msg(!strcmp(path, "/shop.onmicrosoft.com/oauth2/v2.0/token") || !strcmp(path, "/google-token"), "%s",
				      path);
			continue;
		}
		ck_assert_str_eq(m, "GET");
		gets++;
		ck_assert_msg(in_call_table(path, jsonx_strz(e, "query")), "GET %s?%s is not in the call table", path,
			      jsonx_strz(e, "query"));
		{
			char *text = json_dumps(e, 0);

			ck_assert_ptr_null(strstr(text, SECRET));
			free(text);
		}
		storage_first += !strcmp(path, "/subscriptions/" SUB "/providers/Microsoft.Storage/storageAccounts") &&
				 !strcmp(jsonx_strz(e, "query"), "api-version=2023-01-01");
		unauthorized += i == 1 && !strcmp(path, "/subscriptions");
	}
	ck_assert_int_eq(posts, 4);
	/* The throttled request was asked again after its Retry-After; the expired token's request too. */
	ck_assert_int_eq(storage_first, 2);
	ck_assert_int_eq(unauthorized, 1);
	ck_assert_str_eq(jsonx_strz(json_array_get(log, 2), "method"), "POST");
	ck_assert_str_eq(jsonx_strz(json_array_get(log, 3), "path"), "/subscriptions");
	ck_assert_int_gt(gets, 60);
	json_decref(log);
	assert_nothing_leaked(&f);
	strbuf_release(&login);
	strbuf_release(&token);
	fx_free(&f);
}
END_TEST

START_TEST(hostile_token_endpoints_and_links_get_nothing)
{
	struct fx f;
	struct strbuf url = STRBUF_INIT, login = STRBUF_INIT, token = STRBUF_INIT;
	struct th_result res;
	json_t *log;
	char *p;

	fx_init(&f);
	fx_start_sink(&f);
	strbuf_addf(&url, "https://127.0.0.1:%d", f.sink.port);
	{
		const char *extra[] = { "--token-redirect", url.buf, NULL };

		fx_start(&f, extra);
	}
	strbuf_addf(&login, "https://127.0.0.1:%d", f.srv.port);
	strbuf_addf(&token, "https://127.0.0.1:%d/google-token", f.srv.port);
	/* 1. The token endpoint redirects elsewhere (307 keeps the POST and its body): not followed. */
	fx_key(&f, token.buf);
	fx_engagement(&f, f.srv.port, login.buf, token.buf, 1);
	fx_run(&f, "collect", 3, &res);
	ck_assert_msg(strstr(res.err.buf, "Entra ID token for Azure Resource Manager: https://127.0.0.1:"), "%s", res.err.buf);
	ck_assert_msg(strstr(res.err.buf, "which this client does not follow"), "%s", res.err.buf);
	ck_assert_ptr_null(strstr(res.err.buf, SECRET));
	th_result_release(&res);
	th_server_stop(&f.srv);
	f.srv.pid = 0;
	/* 2. A key whose token_uri is another host: the assertion is not sent anywhere. */
	p = th_k8s_join(f.k.eng, "engagement.vetter");
	th_rm_rf(p);
	free(p);
	strbuf_addstr(&url, "/token");
	fx_key(&f, url.buf);
	fx_start(&f, (const char *[]){ "--nextlink-base", login.buf, NULL });
	strbuf_reset(&login);
	strbuf_addf(&login, "https://127.0.0.1:%d", f.srv.port);
	strbuf_reset(&token);
	strbuf_addf(&token, "https://127.0.0.1:%d/google-token", f.srv.port);
	fx_engagement(&f, f.srv.port, login.buf, token.buf, 1);
	fx_run(&f, "collect", 3, &res);
	ck_assert_msg(strstr(res.err.buf, "the key's token_uri 'https://127.0.0.1:"), "%s", res.err.buf);
	th_result_release(&res);
	log = read_log(f.sink_log);
	ck_assert_int_eq(json_array_size(log), 0);
	json_decref(log);
	assert_nothing_leaked(&f);
	strbuf_release(&url);
	strbuf_release(&login);
	strbuf_release(&token);
	fx_free(&f);
}
END_TEST

START_TEST(next_links_off_the_resource_are_not_followed)
{
	struct fx f;
	struct strbuf url = STRBUF_INIT, login = STRBUF_INIT;
	struct th_result res;
	json_t *log, *t;
	char *p;

	fx_init(&f);
	fx_start_sink(&f);
	strbuf_addf(&url, "https://127.0.0.1:%d", f.sink.port);
	fx_start(&f, (const char *[]){ "--nextlink-base", url.buf, "--page", "1", NULL });
	strbuf_addf(&login, "https://127.0.0.1:%d", f.srv.port);
	fx_engagement(&f, f.srv.port, login.buf, NULL, 0);
	/* The subscription list's second page points at another host: the source cannot go on. */
	fx_run(&f, NULL, 3, &res);
	ck_assert_msg(strstr(res.err.buf, "azure.subscriptions: the next page link 'https://127.0.0.1:"), "%s", res.err.buf);
	ck_assert_msg(strstr(res.err.buf, "leaves the resource asked for; not followed"), "%s", res.err.buf);
	th_result_release(&res);
	log = read_log(f.sink_log);
	ck_assert_int_eq(json_array_size(log), 0);
	json_decref(log);
	t = tally(&f);
	ck_assert_int_eq(jsonx_int(t, "CIS-AZURE-3.0-4.1", 0), 0);
	json_decref(t);
	/* A wrong client secret: the source fails with Entra ID's answer. */
	p = th_k8s_join(f.k.eng, "engagement.vetter");
	th_rm_rf(p);
	free(p);
	th_server_stop(&f.srv);
	f.srv.pid = 0;
	fx_start(&f, (const char *[]){ "--client-secret", "another", NULL });
	strbuf_reset(&login);
	strbuf_addf(&login, "https://127.0.0.1:%d", f.srv.port);
	fx_engagement(&f, f.srv.port, login.buf, NULL, 0);
	fx_run(&f, "collect", 3, &res);
	ck_assert_msg(strstr(res.err.buf, "HTTP 401 invalid_client: AADSTS7000215: Invalid client secret provided."), "%s",
		      res.err.buf);
	th_result_release(&res);
	assert_nothing_leaked(&f);
	strbuf_release(&url);
	strbuf_release(&login);
	fx_free(&f);
}
END_TEST


START_TEST(registry_credentials_from_cloud_credentials)
{
	struct fx f;
	struct strbuf token = STRBUF_INIT, host = STRBUF_INIT;
	struct engagement *eng = NULL;
	struct registry_cred cred;
	json_t *log, *e;
	char *p, *ca;
	size_t i, n_exchange = 0;

	fx_init(&f);
	fx_start(&f, NULL);
	strbuf_addf(&token, "https://127.0.0.1:%d/google-token", f.srv.port);
	strbuf_addf(&host, "127.0.0.1:%d", f.srv.port);
	fx_key(&f, token.buf);
	p = th_k8s_join(f.k.eng, "engagement.yaml");
	ca = th_k8s_join(f.k.eng, "ca.pem");
	th_write_fmt(p,
		     "name: R\nclient: T\nas_of: 2026-01-01\ncompanies:\n  - id: shop\n    name: Shop\n    role: target\n"
		     "    sources:\n"
		     "      - {type: registry, id: acr, host: \"%s\", flavour: acr, tenant: shop.onmicrosoft.com, ca_file: ca.pem,\n"
		     "         endpoints: {login: \"https://%s\"}, credentials: {client_id: env:AZ_ID, client_secret: env:AZ_SECRET},\n"
		     "         authorization: {by: A, scope: pull, date: 2026-01-01}}\n"
		     "      - {type: registry, id: gar, host: \"%s\", flavour: gar, ca_file: ca.pem,\n"
		     "         endpoints: {token: \"%s\"}, credentials: {service_account_key: file:sa.json},\n"
		     "         authorization: {by: A, scope: pull, date: 2026-01-01}}\n"
		     "      - {type: registry, id: acr-no-tenant, host: \"%s\", flavour: acr,\n"
		     "         credentials: {client_id: env:AZ_ID, client_secret: env:AZ_SECRET},\n"
		     "         authorization: {by: A, scope: pull, date: 2026-01-01}}\n",
		     host.buf, host.buf, host.buf, token.buf, host.buf);
	setenv("AZ_ID", "app-1", 1);
	setenv("AZ_SECRET", SECRET, 1);
	ck_assert_msg(engagement_load(&eng, p, connector_type_info) == 0, "%s", err_last());
	/* ACR: Entra ID token, exchanged at the registry for a refresh token, used as the identity token. */
	memset(&cred, 0, sizeof(cred));
	ck_assert_msg(registry_acr_credentials(eng, engagement_source(eng, "acr"), host.buf, ca, &cred) == 0, "%s", err_last());
	ck_assert_str_eq(cred.username, "00000000-0000-0000-0000-000000000000");
	ck_assert_msg(util_has_prefix(cred.identity_token, "acr-refresh-canary-"), "%s", cred.identity_token);
	ck_assert_ptr_null(cred.password);
	registry_cred_release(&cred);
	/* Artifact Registry and gcr.io: the service account's access token as the password of oauth2accesstoken. */
	memset(&cred, 0, sizeof(cred));
	ck_assert_msg(registry_gar_credentials(eng, engagement_source(eng, "gar"), host.buf, ca, &cred) == 0, "%s", err_last());
	ck_assert_str_eq(cred.username, "oauth2accesstoken");
	ck_assert_msg(util_has_prefix(cred.password, "ya29.fixture-"), "%s", cred.password);
	registry_cred_release(&cred);
	memset(&cred, 0, sizeof(cred));
	ck_assert_int_eq(registry_acr_credentials(eng, engagement_source(eng, "acr-no-tenant"), host.buf, ca, &cred), ERR_USAGE);
	ck_assert_str_eq(err_last(), "source 'acr-no-tenant': flavour acr needs 'tenant', the service principal's tenant");
	/* The secret went to the token endpoint only; the registry got the Entra ID token. */
	log = read_log(f.log);
	ck_assert_int_eq(json_array_size(log), 3);
	json_array_foreach(log, i, e) {
		ck_assert_str_eq(jsonx_strz(e, "method"), "POST");
		if (!strcmp(jsonx_strz(e, "path"), "/oauth2/exchange")) {
			n_exchange++;
			ck_assert(json_is_false(json_object_get(e, "secret_seen")));
			th_k8s_assert_json(json_object_get(e, "form"), "[\"access_token\",\"grant_type\",\"service\",\"tenant\"]");
		}
	}
	ck_assert_int_eq(n_exchange, 1);
	json_decref(log);
	engagement_free(eng);
	unsetenv("AZ_ID");
	unsetenv("AZ_SECRET");
	free(p);
	free(ca);
	strbuf_release(&token);
	strbuf_release(&host);
	fx_free(&f);
}
END_TEST

START_TEST(gcp_projects_named_but_not_listable)
{
	struct fx f;
	struct strbuf token = STRBUF_INIT;
	struct th_result res;
	json_t *t;
	char *p;

	fx_init(&f);
	fx_start(&f, (const char *[]){ "--deny", "/cloudresourcemanager/", "--deny", "/securitycenter/", NULL });
	strbuf_addf(&token, "https://127.0.0.1:%d/google-token", f.srv.port);
	fx_key(&f, token.buf);
	p = th_k8s_join(f.k.eng, "engagement.yaml");
	th_write_fmt(p,
		     "name: G\nclient: T\nas_of: 2026-01-01\ncompanies:\n  - id: shop\n    name: Shop\n    role: target\n"
		     "    sources:\n      - type: gcp\n        id: gcp\n        projects: [shop-prod-4711]\n        ca_file: ca.pem\n"
		     "        endpoints: {token: \"%s\", google: \"https://127.0.0.1:%d\"}\n"
		     "        credentials: {service_account_key: file:sa.json}\n"
		     "        authorization: {by: A. Consultant, scope: read-only audit, date: 2026-01-01}\n",
		     token.buf, f.srv.port);
	fx_run(&f, NULL, 3, &res);
	th_result_release(&res);
	t = tally(&f);
	/* Without resourcemanager.projects.list the named project is read by id, and its IAM policy (named by the
	 * project's number) is still the project's: one project, judged. */
	ck_assert_ptr_nonnull(jsonx_str(t, "gap:gcp projects: gcp.projects"));
	ck_assert_str_eq(jsonx_strz(t, "gap:gcp project shop-prod-4711: gcp.scc.findings"),
			 "HTTP 403 PERMISSION_DENIED: The client 'app-1' does not have authorization to perform this read over "
			 "scope '/securitycenter/v1/projects/shop-prod-4711/sources/-/findings'.");
	ck_assert_int_eq(jsonx_int(t, "CIS-GCP-3.0-1.5", 0), 1);
	ck_assert_int_eq(jsonx_int(json_object_get(json_object_get(t, "source:gcp"), "kinds"), "gcp.project", 0), 1);
	ck_assert_int_eq(jsonx_int(json_object_get(json_object_get(t, "source:gcp"), "kinds"), "gcp.securitycenter.finding", 0),
			 0);
	json_decref(t);
	free(p);
	strbuf_release(&token);
	fx_free(&f);
}
END_TEST

START_TEST(azure_export_and_live_agree)
{
	struct fx f;
	struct strbuf login = STRBUF_INIT;
	struct th_result res;
	struct th_k8s_snap live, exp;
	struct store *st;
	char *p, *dump, *d = th_data_path("");
	const char *argv[] = { "python3", NULL, "--data", d, "--dump", NULL, NULL };
	const char *key;
	json_t *doc;
	size_t n = 0;

	fx_init(&f);
	dump = th_k8s_join(f.k.eng, "dump");
	argv[1] = f.tool;
	argv[5] = dump;
	th_run(&res, argv, NULL, NULL, NULL);
	th_assert_status(&res, 0);
	th_result_release(&res);
	fx_start(&f, NULL);
	strbuf_addf(&login, "https://127.0.0.1:%d", f.srv.port);
	fx_engagement(&f, f.srv.port, login.buf, NULL, 0);
	p = th_k8s_join(f.k.eng, "engagement.yaml");
	strbuf_reset(&login);
	th_read(p, &login);
	th_write_fmt(p, "%s  - id: exp\n    name: Export\n    role: acquirer\n    sources:\n      - {type: azure-export, id: azx, paths: [dump]}\n",
		     login.buf);
	fx_run(&f, "collect", 0, &res);
	th_result_release(&res);
	st = th_k8s_store(&f.k);
	th_k8s_snapshot(st, "shop", &live);
	th_k8s_snapshot(st, "exp", &exp);
	/* Every asset the live read made, the export made the same; the export cannot tell an empty Defender plan list
	 * from none exported (the dev subscription), and says so instead of judging. */
	ck_assert_int_eq(json_object_size(live.assets), 19);
	ck_assert_int_eq(json_object_size(exp.assets), json_object_size(live.assets));
	json_object_foreach(live.assets, key, doc) {
		const json_t *other = json_object_get(exp.assets, key);

		ck_assert_msg(other != NULL, "%s is not in the export", key);
		if (strstr(key, "7d1e3c52-0000-4c4c-9b9b-444455556666") && util_has_prefix(key, "azure.subscription\t")) {
			ck_assert_ptr_nonnull(jsonx_str(json_object_get(other, "unreadable"), "azure.security.pricings"));
			continue;
		}
		ck_assert_msg(json_equal(doc, (json_t *)other), "%s differs", key);
		n++;
	}
	ck_assert_int_eq(n, 18);
	th_k8s_snap_release(&live);
	th_k8s_snap_release(&exp);
	store_close(st);
	free(p);
	free(dump);
	free(d);
	strbuf_release(&login);
	fx_free(&f);
}
END_TEST

Suite *cloud_live_suite(void)
{
	Suite *s = suite_create("cloud_live");
	TCase *tc = tcase_create("cloud_live");

	tcase_set_timeout(tc, 120);
	if (th_have_tool("cloud_live", "openssl") && th_have_tool("cloud_live", "python3") &&
	    th_have_data("cloud_live", "azure/rest-api-specs-examples")) {
		tcase_add_test(tc, azure_and_gcp_live_end_to_end);
		tcase_add_test(tc, hostile_token_endpoints_and_links_get_nothing);
		tcase_add_test(tc, next_links_off_the_resource_are_not_followed);
		tcase_add_test(tc, registry_credentials_from_cloud_credentials);
		tcase_add_test(tc, gcp_projects_named_but_not_listable);
		tcase_add_test(tc, azure_export_and_live_agree);
	}
	suite_add_tcase(s, tc);
	return s;
}
