/*
 * The AWS connector end to end against moto_server: two seeded accounts (one
 * misconfigured, one well configured) collected live through a recording
 * proxy that refuses anything outside the call table and injects the bad
 * answers (wrong keys, an expired session, access denied on one service,
 * malformed XML and JSON, an XML external entity, a throttling storm); then
 * the well-configured account exported the way the AWS CLI prints it and
 * collected offline, which must give the same assets.  The AWS rule pack
 * judges both accounts (with 'vetter check' and in a whole 'vetter run'),
 * and no credential the run used or was handed reaches anything it wrote.
 *
 * One test: moto takes seconds to start and seed, so everything shares it.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "connectors/aws_calls.h"
#include "core/err.h"
#include "core/jsonx.h"
#include "core/store.h"
#include "th.h"
#include "th_aws.h"

#define BAD "111111111111"
#define GOOD "222222222222"
/* The secret key both accounts are reached with: a canary looked for in everything vetter writes. */
#define SECRET "CANARYsecretKEY0vetter0must0never0write0it"

struct world {
	char *dir;
	struct th_server moto, proxy;
	char endpoint[64];
	json_t *seed;
};

static void write_json(const char *path, const json_t *v)
{
	struct strbuf sb = STRBUF_INIT;

	ck_assert_int_eq(jsonx_dump_pretty(&sb, v), 0);
	th_write(path, sb.buf);
	strbuf_release(&sb);
}

static char *path_in(const struct world *w, const char *rel)
{
	struct strbuf sb = STRBUF_INIT;

	strbuf_addf(&sb, "%s/%s", w->dir, rel);
	return strbuf_detach(&sb, NULL);
}

/* The answers the proxy gives instead of moto's, or on top of them. */
static json_t *faults(void)
{
	const char *bad_root = "<root_account>,arn:aws:iam::" BAD ":root,2019-05-05T00:00:00+00:00,not_supported,"
			       "2026-10-30T08:11:09+00:00,not_supported,not_supported,false,true,2020-01-12T10:00:00+00:00,"
			       "2026-11-20T09:14:00+00:00,us-east-1,iam,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A";
	const char *good_root = "<root_account>,arn:aws:iam::" GOOD ":root,2019-05-05T00:00:00+00:00,not_supported,"
				"2026-01-03T08:11:09+00:00,not_supported,not_supported,true,false,N/A,N/A,N/A,N/A,false,"
				"N/A,N/A,N/A,N/A,false,N/A,false,N/A";

	return json_pack(
		"[{s:s,s:s,s:s,s:i,s:s,s:{s:s}}," /* wrong keys */
		"{s:s,s:i,s:s,s:{s:s}},"       /* expired session */
		"{s:s,s:s,s:s,s:i,s:s,s:{s:s}}," /* access denied on kms in one region */
		"{s:s,s:s,s:s,s:s,s:i,s:s,s:{s:s}}," /* malformed XML */
		"{s:s,s:s,s:s,s:s,s:i,s:s,s:{s:s}}," /* malformed JSON */
		"{s:s,s:s,s:s,s:i,s:s,s:{s:s}},"     /* an external entity */
		"{s:s,s:s,s:s,s:s,s:i,s:i,s:s,s:{s:s}}," /* a throttling storm */
		"{s:s,s:s,s:s,s:s,s:i,s:i,s:s,s:{s:s}}," /* 429 with Retry-After */
		"{s:s,s:s,s:s,s:s,s:i,s:i,s:s},{s:s,s:s,s:s,s:s,s:i,s:i,s:s}," /* a 500, then a 503 */
		"{s:s,s:s,s:s,s:i,s:s,s:{s:s}},{s:s,s:s,s:s,s:i,s:s,s:{s:s}}," /* Access Analyzer (moto has none) */
		"{s:s,s:s,s:i,s:s,s:{s:s}}," /* GuardDuty findings (moto has no ListFindings) */
		"{s:s,s:s,s:s},{s:s,s:s,s:s}," /* root rows of the credential reports */
		"{s:s,s:s,s:s,s:[[ss]]},"      /* the good root has MFA */
		"{s:s,s:s,s:s,s:[[ss]]},"      /* MFA delete on the good buckets (moto leaves it out) */
		"{s:s,s:s,s:s,s:[[ss]]}]",     /* the bad account's keys are old */
		"service", "sts", "action", "GetCallerIdentity", "access_key", "AKIAWRONGKEYWRONGKEY", "status", 403, "body",
		"<ErrorResponse><Error><Type>Sender</Type><Code>SignatureDoesNotMatch</Code><Message>The request signature we "
		"calculated does not match the signature you provided.</Message></Error></ErrorResponse>",
		"headers", "Content-Type", "text/xml",
		"token", "CANARY-expired-session-token", "status", 403, "body",
		"<ErrorResponse><Error><Code>ExpiredToken</Code><Message>The security token included in the request is "
		"expired</Message></Error></ErrorResponse>",
		"headers", "Content-Type", "text/xml",
		"service", "kms", "region", "eu-west-1", "account", BAD, "status", 400, "body",
		"{\"__type\":\"AccessDeniedException\",\"message\":\"User is not authorized to perform kms:ListAliases\"}",
		"headers", "Content-Type", "application/x-amz-json-1.1",
		"service", "rds", "action", "DescribeDBInstances", "region", "eu-west-1", "account", BAD, "status", 200, "body",
		"<DescribeDBInstancesResponse><DescribeDBInstancesResult><DBInstances><DBInstance><DBInstanceIdentifier>x",
		"headers", "Content-Type", "text/xml",
		"service", "ecr", "action", "DescribeRepositories", "region", "eu-west-1", "account", BAD, "status", 200,
		"body", "{\"repositories\": [{\"repositoryName\": ", "headers", "Content-Type", "application/x-amz-json-1.1",
		"service", "iam", "action", "ListSAMLProviders", "account", BAD, "status", 200, "body",
		"<?xml version=\"1.0\"?><!DOCTYPE r [<!ENTITY x SYSTEM \"file:///etc/passwd\">]><ListSAMLProvidersResponse>"
		"<ListSAMLProvidersResult><SAMLProviderList><member><Arn>&x;</Arn></member></SAMLProviderList>"
		"</ListSAMLProvidersResult></ListSAMLProvidersResponse>",
		"headers", "Content-Type", "text/xml",
		"service", "ec2", "action", "DescribeVolumes", "region", "us-east-1", "account", BAD, "times", 3, "status", 400,
		"body", "<Response><Errors><Error><Code>RequestLimitExceeded</Code><Message>Request limit exceeded."
		"</Message></Error></Errors></Response>",
		"headers", "Content-Type", "text/xml",
		"service", "ec2", "action", "DescribeSubnets", "region", "us-east-1", "account", GOOD, "times", 1, "status", 429,
		"body", "slow down", "headers", "Retry-After", "0",
		"service", "ec2", "action", "DescribeNetworkAcls", "region", "eu-west-1", "account", BAD, "times", 1, "status",
		500, "body", "<Response><Errors><Error><Code>InternalError</Code></Error></Errors></Response>",
		"service", "ec2", "action", "DescribeNetworkAcls", "region", "eu-west-1", "account", BAD, "times", 1, "status",
		503, "body", "<Response><Errors><Error><Code>Unavailable</Code></Error></Errors></Response>",
		"service", "accessanalyzer", "action", "ListAnalyzers", "account", BAD, "status", 200, "body", "{\"analyzers\": []}",
		"headers", "Content-Type", "application/json",
		"service", "accessanalyzer", "action", "ListAnalyzers", "account", GOOD, "status", 200, "body",
		"{\"analyzers\": [{\"arn\": \"arn:aws:access-analyzer:us-east-1:" GOOD ":analyzer/account\", \"name\": "
		"\"account\", \"type\": \"ACCOUNT\", \"status\": \"ACTIVE\", \"createdAt\": 1700000000}]}",
		"headers", "Content-Type", "application/json",
		"service", "guardduty", "action", "ListFindings", "status", 200, "body", "{\"findingIds\": []}",
		"headers", "Content-Type", "application/json",
		"action", "GetCredentialReport", "account", BAD, "root_row", bad_root,
		"action", "GetCredentialReport", "account", GOOD, "root_row", good_root,
		"service", "iam", "action", "GetAccountSummary", "account", GOOD, "rewrite",
		"<key>AccountMFAEnabled</key><value>0</value>", "<key>AccountMFAEnabled</key><value>1</value>",
		"service", "s3", "action", "GetBucketVersioning", "account", GOOD, "rewrite", "<Status>Enabled</Status>",
		"<Status>Enabled</Status><MfaDelete>Enabled</MfaDelete>",
		"service", "iam", "action", "ListAccessKeys", "account", BAD, "rewrite_re", "<CreateDate>[^<]*</CreateDate>",
		"<CreateDate>2025-01-02T03:04:05Z</CreateDate>");
}

static void start_world(struct world *w)
{
	char *moto = th_repo_path("tests/lib/moto_run.py"), *proxy = th_repo_path("tests/lib/aws_proxy.py");
	char *seed = th_repo_path("tests/lib/aws_seed.py");
	char *calls = path_in(w, "calls.json"), *fpath = path_in(w, "faults.json"), *log = path_in(w, "proxy.log");
	char *seeded = path_in(w, "seed.json");
	const char *margv[] = { "python3", moto, NULL };
	struct th_result res;
	char url[64];
	json_t *dump = aws_calls_dump(), *f = faults();

	ck_assert_ptr_nonnull(f);
	write_json(calls, dump);
	write_json(fpath, f);
	th_server_start(&w->moto, margv);
	snprintf(url, sizeof(url), "http://127.0.0.1:%d", w->moto.port);
	{
		const char *sargv[] = { "python3", seed, url, seeded, NULL };

		th_run(&res, sargv, NULL, NULL, NULL);
		ck_assert_msg(res.status == 0, "seeding failed:\n%.1500s", res.err.len > 1500 ? res.err.buf + res.err.len - 1500 : res.err.buf);
		th_result_release(&res);
	}
	ck_assert_int_eq(jsonx_load_file(seeded, 0, &w->seed), 0);
	{
		const char *pargv[] = { "python3", proxy, "--upstream", url, "--calls", calls, "--log", log, "--faults", fpath, NULL };

		th_server_start(&w->proxy, pargv);
	}
	snprintf(w->endpoint, sizeof(w->endpoint), "http://127.0.0.1:%d", w->proxy.port);
	json_decref(dump);
	json_decref(f);
	free(moto);
	free(proxy);
	free(seed);
	free(calls);
	free(fpath);
	free(log);
	free(seeded);
}

static void stop_world(struct world *w)
{
	th_server_stop(&w->proxy);
	th_server_stop(&w->moto);
	json_decref(w->seed);
}

struct collected {
	json_t *assets; /* key -> {kind, company, source, doc} */
	json_t *edges;  /* ["from-key kind to-key", ...] */
	json_t *gaps;   /* [finding, ...] */
	json_t *byid;
};

static int on_asset(void *ctx, const struct store_asset *a)
{
	struct collected *c = ctx;
	char id[32];

	json_object_set_new(c->assets, a->key, json_pack("{s:s,s:s,s:s?,s:O}", "kind", a->kind, "company", a->company,
							 "source", a->source, "doc", a->doc));
	snprintf(id, sizeof(id), "%lld", (long long)a->id);
	json_object_set_new(c->byid, id, json_string(a->key));
	return 0;
}

static int on_edge(void *ctx, int64_t from, int64_t to, const char *kind)
{
	struct collected *c = ctx;
	char a[32], b[32];
	struct strbuf sb = STRBUF_INIT;

	snprintf(a, sizeof(a), "%lld", (long long)from);
	snprintf(b, sizeof(b), "%lld", (long long)to);
	strbuf_addf(&sb, "%s %s %s", jsonx_strz(c->byid, a), kind, jsonx_strz(c->byid, b));
	json_array_append_new(c->edges, json_string(sb.buf));
	strbuf_release(&sb);
	return 0;
}

static int on_finding(void *ctx, json_t *f)
{
	struct collected *c = ctx;

	if (!strcmp(jsonx_strz(f, "kind"), "gap"))
		json_array_append(c->gaps, f);
	return 0;
}

static void read_store(const char *path, struct collected *c)
{
	struct store *st = NULL;

	c->assets = json_object();
	c->edges = json_array();
	c->gaps = json_array();
	c->byid = json_object();
	ck_assert_msg(store_open(&st, path) == 0, "%s", err_last());
	ck_assert_int_eq(store_asset_foreach(st, NULL, NULL, on_asset, c), 0);
	ck_assert_int_eq(store_edge_foreach(st, 0, 0, NULL, on_edge, c), 0);
	ck_assert_int_eq(store_finding_foreach(st, NULL, on_finding, c), 0);
	store_close(st);
}

static void release_collected(struct collected *c)
{
	json_decref(c->assets);
	json_decref(c->edges);
	json_decref(c->gaps);
	json_decref(c->byid);
}

static const json_t *doc_of(const struct collected *c, const char *key)
{
	const json_t *a = json_object_get(c->assets, key);

	ck_assert_msg(a != NULL, "no asset %s", key);
	return json_object_get(a, "doc");
}

static const char *jstr(const json_t *doc, const char *path)
{
	const json_t *v = jsonx_dig(doc, path);

	return json_is_string(v) ? json_string_value(v) : "(not a string)";
}

#define ASSERT_BOOL(doc, path, want)                                                                                 \
	ck_assert_msg(json_is_boolean(jsonx_dig(doc, path)) && json_is_true(jsonx_dig(doc, path)) == (want),            \
		      "%s: %s is not %s", jsonx_strz(doc, "arn") ? jsonx_strz(doc, "arn") : jsonx_strz(doc, "id"), path, \
		      (want) ? "true" : "false")

static int has_edge(const struct collected *c, const char *text)
{
	const json_t *e;
	size_t i;

	json_array_foreach(c->edges, i, e)
		if (!strcmp(json_string_value(e), text))
			return 1;
	return 0;
}

static const json_t *gap_with(const struct collected *c, const char *title_part, const char *reason_part)
{
	const json_t *g;
	size_t i;

	json_array_foreach(c->gaps, i, g)
		if (strstr(jsonx_strz(g, "title"), title_part) && strstr(jsonx_strz(g, "reason"), reason_part))
			return g;
	return NULL;
}

static void write_engagement(const struct world *w)
{
	char *eng = path_in(w, "deal.yaml"), *home = path_in(w, "home/.aws");
	struct strbuf sb = STRBUF_INIT;

	th_write_fmt(eng,
		     "name: AWS test\nclient: Tests\nas_of: 2026-11-15\nstate: deal.vetter\n"
		     "companies:\n"
		     "  - id: bad\n    name: Misconfigured\n    role: target\n    sources:\n"
		     "      - type: aws\n        id: bad.aws\n        endpoint_url: %s\n        regions: [us-east-1, eu-west-1]\n"
		     "        role_arn: arn:aws:iam::" BAD ":role/SecurityAudit\n        role_session_name: vetter\n"
		     "        credentials: {access_key_id: env:T_AK, secret_access_key: env:T_SK, external_id: env:T_EXT}\n"
		     "        authorization: {by: CISO, scope: read-only audit, date: 2026-11-01, reference: LOA-1}\n"
		     "      - type: aws\n        id: bad.wrongkeys\n        endpoint_url: %s\n"
		     "        credentials: {access_key_id: env:T_WRONG, secret_access_key: env:T_SK}\n"
		     "        authorization: {by: CISO, scope: read-only audit, date: 2026-11-01, reference: LOA-1}\n"
		     "  - id: good\n    name: Well configured\n    role: acquirer\n    sources:\n"
		     "      - type: aws\n        id: good.aws\n        profile: good\n        endpoint_url: %s\n"
		     "        regions: [us-east-1, eu-west-1]\n"
		     "        authorization: {by: CISO, scope: read-only audit, date: 2026-11-01, reference: LOA-2}\n"
		     "      - type: aws\n        id: good.expired\n        endpoint_url: %s\n"
		     "        credentials: {access_key_id: env:T_AK, secret_access_key: env:T_SK, session_token: env:T_EXPIRED}\n"
		     "        authorization: {by: CISO, scope: read-only audit, date: 2026-11-01, reference: LOA-2}\n",
		     w->endpoint, w->endpoint, w->endpoint, w->endpoint);
	strbuf_addf(&sb, "mkdir -p %s", home);
	{
		const char *argv[] = { "sh", "-c", sb.buf, NULL };
		struct th_result res;

		th_run(&res, argv, NULL, NULL, NULL);
		th_result_release(&res);
	}
	strbuf_reset(&sb);
	strbuf_addf(&sb, "%s/config", home);
	th_write(sb.buf, "[default]\nregion = us-east-1\n\n[profile good]\nrole_arn = arn:aws:iam::" GOOD
			 ":role/SecurityAudit\nsource_profile = base\nexternal_id = good-external-id\n"
			 "role_session_name = vetter\nregion = us-east-1\n");
	strbuf_reset(&sb);
	strbuf_addf(&sb, "%s/credentials", home);
	th_write(sb.buf, "[base]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = " SECRET "\n");
	strbuf_release(&sb);
	free(eng);
	free(home);
}

/* The account's entry for region. */
static const json_t *region_of(const json_t *acct, const char *region)
{
	const json_t *r;
	size_t i;

	json_array_foreach(json_object_get(acct, "regions"), i, r)
		if (!strcmp(jsonx_strz(r, "name"), region))
			return r;
	ck_abort_msg("no region %s on the account", region);
	return NULL;
}

static size_t regions_enabled(const json_t *acct, int enabled)
{
	const json_t *r;
	size_t i, n = 0;

	json_array_foreach(json_object_get(acct, "regions"), i, r)
		n += json_is_true(json_object_get(r, "enabled")) == enabled;
	return n;
}

static void check_bad(const struct world *w, const struct collected *c)
{
	const json_t *acct = doc_of(c, "aws:account:" BAD), *r = json_object_get(w->seed, BAD), *d;
	const json_t *us = jsonx_dig(r, "regions.us-east-1"), *eu = jsonx_dig(r, "regions.eu-west-1");
	struct strbuf k = STRBUF_INIT;

	/* The account: who we were, and what it lacks. */
	ck_assert_str_eq(jstr(acct, "identity.arn"), "arn:aws:sts::" BAD ":assumed-role/SecurityAudit/vetter");
	ck_assert_str_eq(jstr(acct, "access.credentials"), "the engagement's credentials");
	ck_assert_str_eq(json_string_value(json_array_get(jsonx_dig(acct, "access.roles"), 0)),
			 "arn:aws:iam::" BAD ":role/SecurityAudit");
	ck_assert_uint_eq(regions_enabled(acct, 1), 2);
	ck_assert_uint_gt(regions_enabled(acct, 0), 0);
	ck_assert(json_is_null(json_object_get(acct, "password_policy")));
	ASSERT_BOOL(acct, "root.mfa_active", 0);
	ck_assert_int_eq(json_integer_value(jsonx_dig(acct, "root.access_keys_active")), 1);
	ck_assert_str_eq(jstr(acct, "root.last_used"), "2026-11-20T09:14:00Z");
	ck_assert_uint_eq(json_array_size(json_object_get(acct, "support_roles")), 0);
	ASSERT_BOOL(acct, "security_contact.registered", 0);
	ck_assert(json_is_null(jsonx_dig(acct, "s3_public_access_block")));
	ck_assert_uint_eq(json_array_size(jsonx_dig(acct, "cloudtrail.trails")), 1);
	ASSERT_BOOL(json_array_get(jsonx_dig(acct, "cloudtrail.trails"), 0), "is_multi_region", 0);
	ck_assert_uint_eq(json_array_size(jsonx_dig(acct, "logs.metric_filters")), 0);
	ASSERT_BOOL(region_of(acct, "us-east-1"), "config_recorder.recording", 0);
	ck_assert_int_eq(json_integer_value(json_object_get(region_of(acct, "us-east-1"), "access_analyzers_active")), 0);
	ASSERT_BOOL(region_of(acct, "us-east-1"), "security_hub_enabled", 0);
	ASSERT_BOOL(region_of(acct, "eu-west-1"), "ebs_encryption_by_default", 0);
	ASSERT_BOOL(region_of(acct, "me-south-1"), "enabled", 0);
	/* The injected failures touch no data set a rule needs. */
	ck_assert_uint_eq(json_object_size(json_object_get(acct, "unreadable")), 0);
	/* IAM */
	d = doc_of(c, "arn:aws:iam::" BAD ":user/alice");
	ASSERT_BOOL(d, "console_access", 1);
	ASSERT_BOOL(d, "mfa_active", 0);
	ck_assert_int_eq(json_integer_value(json_object_get(d, "active_access_keys")), 2);
	ck_assert_uint_eq(json_array_size(json_object_get(d, "access_keys")), 2);
	d = doc_of(c, "arn:aws:iam::" BAD ":user/bob");
	ck_assert_str_eq(jstr(json_array_get(json_object_get(d, "attached_policies"), 0), "name"), "full-admin");
	ck_assert_str_eq(jstr(json_array_get(json_object_get(d, "inline_policies"), 0), "document.Statement"), "(not a string)");
	ck_assert_str_eq(jstr(json_array_get(jsonx_dig(json_array_get(json_object_get(d, "inline_policies"), 0),
							"document.Statement"), 0), "Action"), "*");
	d = doc_of(c, "arn:aws:iam::" BAD ":policy/full-admin");
	ck_assert_str_eq(jstr(json_array_get(jsonx_dig(d, "document.Statement"), 0), "Action"), "*");
	ck_assert_str_eq(json_string_value(json_array_get(jsonx_dig(d, "attached_to.users"), 0)), "bob");
	d = doc_of(c, jsonx_str(r, "vendor_role"));
	ASSERT_BOOL(d, "third_party_access", 1);
	ck_assert_str_eq(json_string_value(json_array_get(json_object_get(d, "trusted_accounts"), 0)), "999999999999");
	strbuf_addf(&k, "%s third-party-access aws:external-account:999999999999", jsonx_str(r, "vendor_role"));
	ck_assert_msg(has_edge(c, k.buf), "no edge %s", k.buf);
	/* S3 */
	d = doc_of(c, "arn:aws:s3:::bad-data");
	ck_assert(json_is_null(json_object_get(d, "public_access_block")));
	ck_assert(json_is_null(json_object_get(d, "account_public_access_block")));
	ASSERT_BOOL(d, "effective_public_access_block.all", 0);
	ASSERT_BOOL(d, "secure_transport_enforced", 0);
	ASSERT_BOOL(d, "logging.enabled", 0);
	ck_assert_str_eq(jstr(json_array_get(jsonx_dig(d, "policy.Statement"), 0), "Principal"), "*");
	/* Network: the open group, the instance behind it with a public address, and the one without. */
	strbuf_reset(&k);
	strbuf_addf(&k, "arn:aws:ec2:us-east-1:" BAD ":security-group/%s", jsonx_strz(us, "sg"));
	d = doc_of(c, k.buf);
	ASSERT_BOOL(d, "open_to_internet", 1);
	ck_assert_int_eq(json_integer_value(json_object_get(json_array_get(json_object_get(d, "ingress"), 0), "from_port")), 22);
	ck_assert_str_eq(json_string_value(json_array_get(json_object_get(json_array_get(json_object_get(d, "ingress"), 0),
										"sources"), 0)), "0.0.0.0/0");
	strbuf_reset(&k);
	strbuf_addf(&k, "arn:aws:ec2:us-east-1:" BAD ":instance/%s", jsonx_strz(us, "public_instance"));
	d = doc_of(c, k.buf);
	ASSERT_BOOL(d, "internet_facing", 1);
	ASSERT_BOOL(d, "imdsv2_required", 0);
	ck_assert(json_is_null(json_object_get(d, "iam_instance_profile")));
	strbuf_addf(&k, " faces-internet arn:aws:ec2:us-east-1:" BAD ":security-group/%s", jsonx_strz(us, "sg"));
	ck_assert_msg(has_edge(c, k.buf), "no edge %s", k.buf);
	strbuf_reset(&k);
	strbuf_addf(&k, "arn:aws:ec2:us-east-1:" BAD ":instance/%s", jsonx_strz(us, "private_instance"));
	d = doc_of(c, k.buf);
	ASSERT_BOOL(d, "internet_facing", 0);
	strbuf_addf(&k, " faces-internet arn:aws:ec2:us-east-1:" BAD ":security-group/%s", jsonx_strz(us, "sg"));
	ck_assert_msg(!has_edge(c, k.buf), "edge %s without a public address", k.buf);
	strbuf_reset(&k);
	strbuf_addf(&k, "arn:aws:ec2:eu-west-1:" BAD ":vpc/%s", jsonx_strz(eu, "vpc"));
	ASSERT_BOOL(doc_of(c, k.buf), "flow_logs_active", 0);
	strbuf_reset(&k);
	strbuf_addf(&k, "arn:aws:ec2:us-east-1:" BAD ":snapshot/%s", jsonx_strz(us, "snapshot"));
	ASSERT_BOOL(doc_of(c, k.buf), "public", 1);
	/* Services */
	strbuf_reset(&k);
	strbuf_addf(&k, "arn:aws:kms:us-east-1:" BAD ":key/%s", jsonx_strz(us, "key"));
	ASSERT_BOOL(doc_of(c, k.buf), "rotation_enabled", 0);
	strbuf_reset(&k);
	strbuf_addf(&k, "arn:aws:kms:eu-west-1:" BAD ":key/%s", jsonx_strz(eu, "key"));
	ck_assert_msg(!json_object_get(c->assets, k.buf), "a key was read where access was denied");
	d = doc_of(c, "arn:aws:rds:us-east-1:" BAD ":db:bad-db");
	ASSERT_BOOL(d, "publicly_accessible", 1);
	ASSERT_BOOL(d, "storage_encrypted", 0);
	ASSERT_BOOL(d, "auto_minor_version_upgrade", 0);
	ASSERT_BOOL(d, "internet_facing", 1);
	ck_assert_msg(!json_object_get(c->assets, "arn:aws:rds:eu-west-1:" BAD ":db:bad-db"), "read from malformed XML");
	d = doc_of(c, jsonx_str(r, "trail"));
	ASSERT_BOOL(d, "log_file_validation", 0);
	ASSERT_BOOL(d, "is_logging", 0);
	ck_assert(json_is_null(json_object_get(d, "kms_key_id")));
	/* The gaps: one per service and region, with AWS's reason. */
	ck_assert_ptr_nonnull(gap_with(c, "aws account " BAD ": kms in eu-west-1", "access denied: AccessDeniedException"));
	ck_assert_ptr_nonnull(gap_with(c, "aws account " BAD ": rds in eu-west-1", "malformed XML"));
	ck_assert_ptr_nonnull(gap_with(c, "aws account " BAD ": ecr in eu-west-1", "response"));
	ck_assert_ptr_nonnull(gap_with(c, "aws account " BAD ": iam", "document type declaration refused"));
	ck_assert_msg(!gap_with(c, "aws account " BAD ": ec2 in us-east-1", ""), "the throttling storm left a gap");
	ck_assert_msg(!gap_with(c, "aws account " BAD ": ec2 in eu-west-1", ""), "the 500 and 503 left a gap: %s",
		      jsonx_strz(gap_with(c, "aws account " BAD ": ec2 in eu-west-1", ""), "reason"));
	strbuf_release(&k);
}

static void check_good(const struct world *w, const struct collected *c)
{
	const json_t *acct = doc_of(c, "aws:account:" GOOD), *r = json_object_get(w->seed, GOOD), *d, *f;
	const json_t *us = jsonx_dig(r, "regions.us-east-1");
	struct strbuf k = STRBUF_INIT;
	const char *b;
	size_t i;

	ck_assert_str_eq(jstr(acct, "access.credentials"), "profile 'base'");
	ck_assert_int_eq(json_integer_value(jsonx_dig(acct, "password_policy.MinimumPasswordLength")), 14);
	ck_assert_int_eq(json_integer_value(jsonx_dig(acct, "password_policy.PasswordReusePrevention")), 24);
	ASSERT_BOOL(acct, "root.mfa_active", 1);
	ck_assert_int_eq(json_integer_value(jsonx_dig(acct, "root.access_keys_active")), 0);
	ASSERT_BOOL(acct, "root.hardware_mfa", 1);
	ck_assert_str_eq(json_string_value(json_array_get(json_object_get(acct, "support_roles"), 0)),
			 "arn:aws:iam::" GOOD ":role/support");
	ASSERT_BOOL(acct, "s3_public_access_block.BlockPublicPolicy", 1);
	f = json_array_get(jsonx_dig(acct, "cloudtrail.trails"), 0);
	ASSERT_BOOL(f, "is_multi_region", 1);
	ASSERT_BOOL(f, "is_logging", 1);
	ASSERT_BOOL(f, "log_file_validation", 1);
	ASSERT_BOOL(f, "s3_data_events.read", 1);
	ASSERT_BOOL(f, "s3_data_events.write", 1);
	ASSERT_BOOL(f, "s3_bucket_logging", 1);
	ck_assert_str_eq(jstr(f, "management_events"), "All");
	ck_assert_uint_eq(json_array_size(jsonx_dig(acct, "logs.metric_filters")), 15);
	ck_assert_uint_eq(json_array_size(jsonx_dig(acct, "cloudwatch.alarms")), 15);
	ck_assert_ptr_nonnull(strstr(jstr(json_array_get(jsonx_dig(acct, "sns.subscriptions"), 0), "subscription_arn"),
				     ":cis-alarms:"));
	for (i = 0; i < 2; i++) {
		const json_t *rg = region_of(acct, i ? "eu-west-1" : "us-east-1");

		ASSERT_BOOL(rg, "config_recorder.recording", 1);
		ASSERT_BOOL(rg, "config_recorder.all_supported", 1);
		ck_assert_int_eq(json_integer_value(json_object_get(rg, "access_analyzers_active")), 1);
		ASSERT_BOOL(rg, "security_hub_enabled", 1);
		ASSERT_BOOL(rg, "guardduty_enabled", 1);
		ASSERT_BOOL(rg, "ebs_encryption_by_default", 1);
	}
	ck_assert_uint_eq(json_object_size(json_object_get(acct, "unreadable")), 0);
	d = doc_of(c, "arn:aws:iam::" GOOD ":user/carol");
	ASSERT_BOOL(d, "mfa_active", 1);
	ck_assert_uint_eq(json_array_size(json_object_get(d, "mfa_devices")), 1);
	ck_assert_uint_eq(json_array_size(json_object_get(d, "attached_policies")), 0);
	ck_assert_str_eq(json_string_value(json_array_get(json_object_get(d, "groups"), 0)), "admins");
	ASSERT_BOOL(doc_of(c, "arn:aws:iam::" GOOD ":role/support"), "third_party_access", 0);
	ASSERT_BOOL(doc_of(c, "arn:aws:iam::" GOOD ":role/app"), "third_party_access", 0);
	for (i = 0; i < 3; i++) {
		static const char *const names[] = { "good-data", "good-logs", "good-trail" };

		strbuf_reset(&k);
		strbuf_addf(&k, "arn:aws:s3:::%s", names[i]);
		d = doc_of(c, k.buf);
		ASSERT_BOOL(d, "effective_public_access_block.all", 1);
		ASSERT_BOOL(d, "secure_transport_enforced", 1);
		ASSERT_BOOL(d, "encryption.enabled", 1);
		ck_assert_str_eq(jstr(d, "versioning.status"), "Enabled");
		ck_assert_uint_eq(json_object_size(json_object_get(d, "unreadable")), 0);
	}
	ASSERT_BOOL(doc_of(c, "arn:aws:s3:::good-data"), "logging.enabled", 1);
	strbuf_reset(&k);
	strbuf_addf(&k, "arn:aws:ec2:us-east-1:" GOOD ":instance/%s", jsonx_strz(us, "instance"));
	d = doc_of(c, k.buf);
	ASSERT_BOOL(d, "imdsv2_required", 1);
	ASSERT_BOOL(d, "internet_facing", 0);
	ck_assert_str_eq(jstr(d, "iam_instance_profile"), "arn:aws:iam::" GOOD ":instance-profile/app");
	strbuf_reset(&k);
	strbuf_addf(&k, "arn:aws:kms:us-east-1:" GOOD ":key/%s", jsonx_strz(us, "key"));
	ASSERT_BOOL(doc_of(c, k.buf), "rotation_enabled", 1);
	d = doc_of(c, "arn:aws:rds:eu-west-1:" GOOD ":db:good-db");
	ASSERT_BOOL(d, "storage_encrypted", 1);
	ASSERT_BOOL(d, "publicly_accessible", 0);
	/* Every security group that is a VPC's default lets nothing in or out. */
	json_object_foreach(c->assets, b, f) {
		if (strcmp(jsonx_strz(f, "kind"), "security-group") || strcmp(jsonx_strz(f, "company"), "good"))
			continue;
		if (json_is_true(jsonx_dig(f, "doc.is_default")))
			ck_assert_uint_eq(json_array_size(jsonx_dig(f, "doc.ingress")), 0);
		if (!strcmp(jsonx_strz(f, "kind"), "vpc"))
			ASSERT_BOOL(json_object_get(f, "doc"), "flow_logs_active", 1);
	}
	/* One gap only: the regions the engagement left out. */
	ck_assert_ptr_nonnull(gap_with(c, "aws account " GOOD ": regions not collected", "ap-northeast-1"));
	json_array_foreach(c->gaps, i, f)
		ck_assert_msg(!strstr(jsonx_strz(f, "title"), GOOD) || strstr(jsonx_strz(f, "title"), "regions not collected"),
			      "the good account has a gap: %s: %s", jsonx_strz(f, "title"), jsonx_strz(f, "reason"));
	strbuf_release(&k);
}

/* Every request went to an action of the call table, and the injected ones were met. */
static void check_proxy_log(const struct world *w)
{
	char *log = path_in(w, "proxy.log");
	struct strbuf text = STRBUF_INIT;
	json_t *seen = json_object();
	char *line, *save = NULL;
	int volumes_bad = 0, acls_bad = 0, n = 0;

	th_read(log, &text);
	for (line = strtok_r(text.buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		json_t *e = NULL;
		struct strbuf key = STRBUF_INIT;

		ck_assert_int_eq(jsonx_parse(line, strlen(line), "proxy.log", &e), 0);
		ck_assert_msg(json_is_true(json_object_get(e, "allowed")), "a request outside the call table: %s", line);
		ck_assert_ptr_nonnull(aws_call_find(jsonx_str(e, "service"), jsonx_str(e, "action")));
		strbuf_addf(&key, "%s:%s", jsonx_str(e, "service"), jsonx_str(e, "action"));
		json_object_set_new(seen, key.buf, json_true());
		if (!strcmp(key.buf, "ec2:DescribeVolumes") && !strcmp(jsonx_strz(e, "account"), BAD) &&
		    !strcmp(jsonx_strz(e, "region"), "us-east-1"))
			volumes_bad++;
		if (!strcmp(key.buf, "ec2:DescribeNetworkAcls") && !strcmp(jsonx_strz(e, "account"), BAD) &&
		    !strcmp(jsonx_strz(e, "region"), "eu-west-1"))
			acls_bad++;
		strbuf_release(&key);
		json_decref(e);
		n++;
	}
	ck_assert_int_gt(n, 200);
	/* Three throttled answers, then the one that went through. */
	ck_assert_int_eq(volumes_bad, 4);
	/* A 500 and a 503, retried: the third went through (and no gap: check_bad). */
	ck_assert_int_eq(acls_bad, 3);
	/* The table is exercised: all but ListAccounts (no organisation). */
	ck_assert_msg(json_object_size(seen) == 69, "%zu distinct actions", json_object_size(seen));
	ck_assert_ptr_nonnull(json_object_get(seen, "ecr:GetAuthorizationToken"));
	ck_assert_ptr_null(json_object_get(seen, "organizations:ListAccounts"));
	ck_assert_ptr_nonnull(json_object_get(seen, "ec2:DescribeSnapshotAttribute"));
	ck_assert_ptr_nonnull(json_object_get(seen, "iam:GenerateCredentialReport"));
	json_decref(seen);
	strbuf_release(&text);
	free(log);
}

/* Drop a member wherever it is (what moto makes up from its clock at each answer). */
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

/* The export of the good account gives the assets live collection gave. */
static void check_export(struct world *w, const struct collected *live)
{
	char *tool = th_repo_path("tests/lib/aws_export.py"), *calls = path_in(w, "calls.json");
	char *out = path_in(w, "export/" GOOD), *eng = path_in(w, "export.yaml"), *state = path_in(w, "export.vetter/store.sqlite");
	const char *argv[] = { "python3", tool, w->endpoint, calls, "arn:aws:iam::" GOOD ":role/SecurityAudit", out,
			       "us-east-1", "eu-west-1", NULL };
	struct th_result res;
	struct collected exp;
	const char *key;
	json_t *a;
	size_t compared = 0, i;

	th_run(&res, argv, NULL, NULL, NULL);
	ck_assert_msg(res.status == 0, "export failed:\n%.1500s", res.err.len > 1500 ? res.err.buf + res.err.len - 1500 : res.err.buf);
	th_result_release(&res);
	th_write_fmt(eng, "name: Export\nclient: Tests\nas_of: 2026-11-15\nstate: export.vetter\ncompanies:\n"
			  "  - id: good\n    name: Well configured\n    role: acquirer\n    sources:\n"
			  "      - type: aws-export\n        id: good.export\n        path: export\n");
	th_vetter(&res, NULL, "run", eng, "--only", "collect", NULL);
	th_assert_status(&res, 3); /* the regions the export holds nothing of */
	th_result_release(&res);
	read_store(state, &exp);
	/* The files the data came from are the evidence, the credential report among them. */
	ck_assert_int_eq(th_aws_evidence(state, "file:export/" GOOD "/", "credential-report.csv"), th_aws_count_files(out));
	json_object_foreach(live->assets, key, a) {
		json_t *l, *e;
		char *ls, *es;

		if (strcmp(jsonx_strz(a, "company"), "good"))
			continue;
		ck_assert_msg(json_object_get(exp.assets, key) != NULL, "the export has no %s", key);
		l = json_deep_copy(json_object_get(a, "doc"));
		e = json_deep_copy(doc_of(&exp, key));
		json_object_del(l, "source");
		json_object_del(e, "source");
		json_object_del(l, "access");
		/* Who made the export is not who collected live. */
		json_object_del(l, "identity");
		json_object_del(e, "identity");
		json_object_del(l, "collection");
		json_object_del(e, "collection");
		drop_everywhere(l, "latest_delivery_time");
		drop_everywhere(e, "latest_delivery_time");
		if (!json_equal(l, e)) {
			const char *m;
			json_t *lv;

			/* Name the first member that differs, briefly: a whole document is too long for a message. */
			json_object_foreach(l, m, lv) {
				if (json_equal(lv, json_object_get(e, m)))
					continue;
				ls = json_dumps(lv, JSON_SORT_KEYS | JSON_COMPACT | JSON_ENCODE_ANY);
				es = json_dumps(json_object_get(e, m), JSON_SORT_KEYS | JSON_COMPACT | JSON_ENCODE_ANY);
				ck_abort_msg("%s.%s differs: live %.600s, export %.600s", key, m, ls, es ? es : "(absent)");
			}
			ck_abort_msg("%s: the export has members live collection has not", key);
		}
		json_decref(l);
		json_decref(e);
		compared++;
	}
	ck_assert_uint_eq(compared, 49);
	json_object_foreach(exp.assets, key, a)
		ck_assert_msg(json_object_get(live->assets, key) != NULL, "the export has %s, live collection not", key);
	ck_assert_uint_eq(json_array_size(exp.gaps), 1); /* the same regions not collected */
	json_array_foreach(live->edges, i, a)
		if (strstr(json_string_value(a), GOOD))
			ck_assert_msg(has_edge(&exp, json_string_value(a)), "edge %s missing from the export", json_string_value(a));
	release_collected(&exp);
	free(tool);
	free(calls);
	free(out);
	free(eng);
	free(state);
}

START_TEST(moto_end_to_end)
{
	struct world w;
	struct th_result res;
	struct collected c;
	char *eng, *state, *home, *home_env, *cfg_env, *cred_env, *pack = th_repo_path("rules/aws.json"), *findings;
	const char *env[10];
	const json_t *g;

	memset(&w, 0, sizeof(w));
	w.dir = th_tmpdir();
	start_world(&w);
	write_engagement(&w);
	eng = path_in(&w, "deal.yaml");
	state = path_in(&w, "deal.vetter/store.sqlite");
	findings = path_in(&w, "out/findings.json");
	home = path_in(&w, "home");
	{
		struct strbuf a = STRBUF_INIT, b = STRBUF_INIT, d = STRBUF_INIT;

		strbuf_addf(&a, "HOME=%s", home);
		strbuf_addf(&b, "AWS_CONFIG_FILE=%s/.aws/config", home);
		strbuf_addf(&d, "AWS_SHARED_CREDENTIALS_FILE=%s/.aws/credentials", home);
		home_env = strbuf_detach(&a, NULL);
		cfg_env = strbuf_detach(&b, NULL);
		cred_env = strbuf_detach(&d, NULL);
	}
	env[0] = home_env;
	env[1] = cfg_env;
	env[2] = cred_env;
	env[3] = "T_AK=AKIAIOSFODNN7EXAMPLE";
	env[4] = "T_SK=" SECRET;
	env[5] = "T_EXT=bad-external-id";
	env[6] = "T_WRONG=AKIAWRONGKEYWRONGKEY";
	env[7] = "T_EXPIRED=CANARY-expired-session-token";
	env[8] = "AWS_PROFILE=";
	env[9] = NULL;
	th_vetter(&res, env, "run", eng, "--only", "collect", NULL);
	th_assert_status(&res, 3); /* done, with coverage gaps */
	/* No secret reached the output. */
	ck_assert_ptr_null(strstr(res.err.buf, SECRET));
	ck_assert_ptr_null(strstr(res.err.buf, "CANARY-expired-session-token"));
	th_result_release(&res);
	read_store(state, &c);
	check_bad(&w, &c);
	check_good(&w, &c);
	/* The two sources that could not get in: failed, each with AWS's reason. */
	g = gap_with(&c, "source not collected", "SignatureDoesNotMatch");
	ck_assert_ptr_nonnull(g);
	ck_assert_str_eq(jsonx_strz(g, "source"), "bad.wrongkeys");
	g = gap_with(&c, "source not collected", "ExpiredToken");
	ck_assert_ptr_nonnull(g);
	ck_assert_str_eq(jsonx_strz(g, "source"), "good.expired");
	th_aws_check_ecr(eng, env, BAD);
	check_proxy_log(&w);
	th_aws_check_pack(w.dir, c.assets, pack);
	/* The whole run: the rule pack's findings and gaps in findings.json. */
	th_vetter(&res, env, "run", eng, "--from", "scan", NULL);
	th_assert_status(&res, 3);
	th_aws_check_findings(findings, pack, BAD);
	th_aws_canaries(w.dir, SECRET, &res);
	th_result_release(&res);
	check_export(&w, &c);
	release_collected(&c);
	stop_world(&w);
	th_rm_rf(w.dir);
	free(w.dir);
	free(eng);
	free(state);
	free(home);
	free(home_env);
	free(cfg_env);
	free(cred_env);
	free(pack);
	free(findings);
}
END_TEST

Suite *aws_moto_suite(void)
{
	Suite *s = suite_create("aws_moto");
	TCase *tc = tcase_create("moto");

	tcase_set_timeout(tc, 300);

	if (th_have_tool("moto_end_to_end", "moto_server") && th_have_tool("moto_end_to_end", "python3"))
		tcase_add_test(tc, moto_end_to_end);
	suite_add_tcase(s, tc);
	return s;
}
