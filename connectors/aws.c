/*
 * The "aws" and "aws-export" connectors: credentials and roles, the live
 * collection and the export reader, then the normaliser.
 */
#include "aws.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "aws_calls.h"
#include "aws_client.h"
#include "aws_collect.h"
#include "aws_creds.h"
#include "aws_data.h"
#include "aws_norm.h"
#include "connector.h"
#include "core/crypto.h"
#include "core/err.h"
#include "core/jsonx.h"
#include "core/log.h"
#include "core/util.h"

static const struct schema_field aws_keys[] = {
	{ "profile", SCH_STRING, 0, NULL, SCH_ANY, NULL },
	{ "role_arn", SCH_STRING, 0, NULL, SCH_ANY, NULL },
	{ "external_id", SCH_STRING, 0, NULL, SCH_ANY, NULL },
	{ "role_session_name", SCH_STRING, 0, NULL, SCH_ANY, NULL },
	{ "region", SCH_STRING, 0, NULL, SCH_ANY, NULL },
	{ "regions", SCH_LIST, 0, NULL, SCH_STRING, NULL },
	{ "endpoint_url", SCH_STRING, 0, NULL, SCH_ANY, NULL },
	{ NULL, 0, 0, NULL, 0, NULL },
};

static const struct schema_field aws_export_keys[] = {
	{ "path", SCH_STRING, 1, NULL, SCH_ANY, NULL },
	{ "region", SCH_STRING, 0, NULL, SCH_ANY, NULL },
	{ NULL, 0, 0, NULL, 0, NULL },
};

/* Where the credentials come from: the engagement's credentials block, else the AWS CLI's chain; then the roles. */
static int build_plan(const struct engagement *eng, const struct source *src, struct aws_cred_plan *plan)
{
	struct strbuf akid = STRBUF_INIT, secret = STRBUF_INIT, token = STRBUF_INIT, ext = STRBUF_INIT;
	const char *role = jsonx_str(src->doc, "role_arn"), *ext_id = jsonx_str(src->doc, "external_id");
	int rc;

	if ((rc = engagement_credential(eng, src, "access_key_id", &akid)) == 0) {
		if ((rc = engagement_credential(eng, src, "secret_access_key", &secret)) < 0)
			goto cleanup;
		rc = engagement_credential(eng, src, "session_token", &token);
		if (rc < 0 && rc != ERR_NOTFOUND)
			goto cleanup;
		if ((rc = aws_creds_set(&plan->base, akid.buf, secret.buf, token.len ? token.buf : NULL,
					"the engagement's credentials")) < 0)
			goto cleanup;
	} else if (rc == ERR_NOTFOUND) {
		err_clear();
		if ((rc = aws_cred_plan_resolve(plan, jsonx_str(src->doc, "profile"))) < 0)
			goto cleanup;
	} else {
		goto cleanup;
	}
	/* The external id may be kept with the credentials rather than in the file. */
	if ((rc = engagement_credential(eng, src, "external_id", &ext)) == 0)
		ext_id = ext.buf;
	else if (rc != ERR_NOTFOUND)
		goto cleanup;
	rc = 0;
	if (role)
		rc = aws_cred_plan_add_role(plan, role, ext_id, jsonx_str(src->doc, "role_session_name"), 0, "the engagement file");
cleanup:
	strbuf_release(&akid);
	strbuf_release(&secret);
	strbuf_release(&token);
	strbuf_release(&ext);
	return rc;
}

/* sts:AssumeRole with the client's present credentials; the client then uses the role's. */
static int assume(struct aws_client *c, const struct aws_role *role, const char *region, struct aws_creds *out)
{
	json_t *args = json_pack("{s:s,s:s}", "RoleArn", role->role_arn, "RoleSessionName",
				 role->session_name ? role->session_name : "vetter"), *ans = NULL;
	struct strbuf origin = STRBUF_INIT;
	const json_t *cr;
	int rc;

	if (role->external_id)
		json_object_set_new(args, "ExternalId", json_string(role->external_id));
	if (role->duration > 0)
		json_object_set_new(args, "DurationSeconds", json_integer(role->duration));
	if ((rc = aws_client_call(c, "sts", "AssumeRole", region, args, &ans)) != 0) {
		if (rc > 0)
			rc = err_set(ERR_AUTH, "sts:AssumeRole gave no credentials");
		err_prefix(rc, "assuming %s (asked by %s)", role->role_arn, role->origin);
		goto cleanup;
	}
	cr = json_object_get(ans, "Credentials");
	strbuf_addf(&origin, "role %s", role->role_arn);
	if ((rc = aws_creds_set(out, jsonx_str(cr, "AccessKeyId"), jsonx_str(cr, "SecretAccessKey"),
				jsonx_str(cr, "SessionToken"), origin.buf)) < 0)
		goto cleanup;
	if (jsonx_str(cr, "Expiration"))
		util_timestamp_parse(jsonx_str(cr, "Expiration"), &out->expiration);
	rc = aws_client_set_creds(c, out);
cleanup:
	/* The answer held the secret: wipe what jansson kept of it. */
	if (ans && json_object_get(ans, "Credentials")) {
		json_t *s = json_object_get(json_object_get(ans, "Credentials"), "SecretAccessKey");

		if (json_is_string(s))
			crypto_wipe((void *)json_string_value(s), json_string_length(s));
	}
	json_decref(ans);
	json_decref(args);
	strbuf_release(&origin);
	return rc;
}

static int keep_evidence(void *ctx, const char *uri, const char *media_type, const void *body, size_t len)
{
	return inventory_evidence(ctx, uri, media_type, body, len, NULL);
}

/* A client for src with every role of its plan assumed; *region_out the default region (caller frees). */
static int open_client(const struct engagement *eng, const struct source *src, struct inventory *inv,
		       struct aws_client **out, char **region_out, json_t *access)
{
	struct aws_cred_plan plan;
	struct aws_client_opts opt = { 0 };
	struct aws_creds role_creds = { 0 };
	const char *region;
	size_t i;
	int rc;

	memset(&plan, 0, sizeof(plan));
	*out = NULL;
	if ((rc = build_plan(eng, src, &plan)) < 0)
		goto cleanup;
	region = jsonx_str(src->doc, "region") ? jsonx_str(src->doc, "region") : plan.region ? plan.region : "us-east-1";
	if (!(*region_out = strdup(region))) {
		rc = err_set(ERR_NOMEM, "out of memory");
		goto cleanup;
	}
	opt.endpoint_url = jsonx_str(src->doc, "endpoint_url");
	opt.tls_verify = src->tls_verify;
	opt.default_region = region;
	opt.evidence = inv ? keep_evidence : NULL;
	opt.evidence_ctx = inv;
	if ((rc = aws_client_new(out, &plan.base, &opt)) < 0)
		goto cleanup;
	if (access) {
		jsonx_set_str(access, "credentials", plan.base.origin);
		json_object_set_new(access, "roles", json_array());
	}
	for (i = 0; i < plan.nroles; i++) {
		if ((rc = assume(*out, &plan.roles[i], region, &role_creds)) < 0)
			goto cleanup;
		if (access)
			json_array_append_new(json_object_get(access, "roles"), json_string(plan.roles[i].role_arn));
		log_info("%s: assumed %s%s", src->id, plan.roles[i].role_arn, plan.roles[i].external_id ? " (with an external id)" : "");
	}
cleanup:
	if (rc < 0) {
		aws_client_free(*out);
		*out = NULL;
		free(*region_out);
		*region_out = NULL;
	}
	aws_creds_release(&role_creds);
	aws_cred_plan_release(&plan);
	return rc;
}

/*
 * The source's coverage for the report: who vetter was in the account (STS
 * GetCallerIdentity), the regions read and not enabled, and how much went
 * wrong.  An export folder of several accounts lists each.
 */
static int record_coverage(struct inventory *inv, json_t *accounts, const json_t *ds, const char *how, long requests)
{
	const json_t *id = json_object_get(ds, "identity");
	json_t *cov, *e;
	struct strbuf summary = STRBUF_INIT;
	const json_t *a, *en = jsonx_dig(ds, "regions.enabled"), *off = jsonx_dig(ds, "regions.not_enabled");
	size_t i;
	int rc;

	e = json_pack("{s:s?,s:s?,s:O,s:O,s:I}", "account",
		      jsonx_str(id, "Account") ? jsonx_str(id, "Account") : jsonx_str(ds, "account"), "identity",
		      jsonx_str(id, "Arn"), "regions", en ? en : json_null(), "regions_not_enabled", off ? off : json_null(),
		      "errors", (json_int_t)json_array_size(json_object_get(ds, "errors")));
	if (!e || json_array_append_new(accounts, e) < 0)
		return err_set(ERR_NOMEM, "out of memory");
	json_array_foreach(accounts, i, a)
		strbuf_addf(&summary, "%s%s %s as %s: %zu region(s) read, %lld call(s) failed.", i ? " " : "", how,
			    jsonx_str(a, "account") ? jsonx_str(a, "account") : "(account unknown)",
			    jsonx_str(a, "identity") ? jsonx_str(a, "identity") : "(identity unknown)",
			    json_array_size(json_object_get(a, "regions")), (long long)json_integer_value(json_object_get(a, "errors")));
	if (requests >= 0)
		strbuf_addf(&summary, " %ld request(s).", requests);
	cov = json_pack("{s:O,s:s}", "accounts", accounts, "summary", summary.buf);
	rc = cov ? inventory_coverage(inv, cov) : err_set(ERR_NOMEM, "out of memory");
	json_decref(cov);
	strbuf_release(&summary);
	return rc;
}

static int aws_live(struct inventory *inv)
{
	const struct source *src = inv->src;
	struct aws_client *c = NULL;
	struct aws_live_opts o = { 0 };
	const char *regions[64];
	json_t *ds = aws_data_new(), *access = json_object(), *list = json_object_get(src->doc, "regions"), *v;
	char *region = NULL;
	size_t i, n = 0;
	int rc;

	if (!ds || !access) {
		rc = err_set(ERR_NOMEM, "out of memory");
		goto cleanup;
	}
	if ((rc = open_client(inv->eng, src, inv, &c, &region, access)) < 0)
		goto cleanup;
	json_array_foreach(list, i, v)
		if (json_is_string(v) && n + 1 < ARRAY_SIZE(regions))
			regions[n++] = json_string_value(v);
	regions[n] = NULL;
	o.regions = list ? regions : NULL;
	o.default_region = region;
	if ((rc = aws_collect_live(c, &o, ds)) < 0)
		goto cleanup;
	json_object_set(ds, "access", access);
	log_info("%s: %ld AWS request(s)", src->id, aws_client_requests(c));
	if ((rc = aws_normalise(inv, ds, "live")) == 0) {
		json_t *accounts = json_array();

		rc = accounts ? record_coverage(inv, accounts, ds, "Account", aws_client_requests(c))
			      : err_set(ERR_NOMEM, "out of memory");
		json_decref(accounts);
	}
cleanup:
	aws_client_free(c);
	free(region);
	json_decref(ds);
	json_decref(access);
	return rc;
}

/* The export files the data came from, as evidence under "file:" and the path inside the engagement folder. */
static int keep_files(struct inventory *inv, const json_t *files)
{
	const char *base = inv->eng->dir;
	struct strbuf text = STRBUF_INIT;
	const json_t *f;
	size_t i, blen = strlen(base);
	int rc = 0;

	json_array_foreach(files, i, f) {
		const char *path = json_string_value(f), *rel = path;
		struct strbuf uri = STRBUF_INIT;

		if (rc < 0)
			break;
		if (util_has_prefix(path, base) && path[blen] == '/')
			rel = path + blen + 1;
		strbuf_init(&text, (size_t)256 << 20);
		if ((rc = strbuf_read_file(&text, path)) == 0 && (rc = strbuf_addf(&uri, "file:%s", rel)) == 0)
			rc = inventory_evidence(inv, uri.buf, util_has_suffix(path, ".csv") ? "text/csv" : "application/json",
						text.buf, text.len, NULL);
		strbuf_release(&text);
		strbuf_release(&uri);
	}
	return rc;
}

static int export_account(struct inventory *inv, const char *dir, json_t *accounts)
{
	json_t *ds = aws_data_new(), *skipped = NULL, *v;
	size_t i;
	int rc;

	if (!ds)
		return err_set(ERR_NOMEM, "out of memory");
	if (jsonx_str(inv->src->doc, "region"))
		json_object_set_new(ds, "default_region", json_string(jsonx_str(inv->src->doc, "region")));
	if ((rc = aws_collect_export(dir, ds, &skipped)) < 0) {
		rc = inventory_gap(inv, dir, err_last());
		goto cleanup;
	}
	json_array_foreach(skipped, i, v)
		log_info("%s: %s: not an export vetter reads; skipped", inv->src->id, json_string_value(v));
	if ((rc = keep_files(inv, json_object_get(ds, "files"))) < 0)
		goto cleanup;
	if ((rc = aws_normalise(inv, ds, "export")) == 0)
		rc = record_coverage(inv, accounts, ds, "Export of account", -1);
cleanup:
	json_decref(ds);
	json_decref(skipped);
	return rc;
}

static int aws_export(struct inventory *inv)
{
	struct strbuf path = STRBUF_INIT, sub = STRBUF_INIT;
	json_t *dirs = NULL, *d, *accounts = json_array();
	size_t i;
	int rc;

	if (!accounts) {
		rc = err_set(ERR_NOMEM, "out of memory");
		goto cleanup;
	}
	if ((rc = engagement_path(inv->eng, jsonx_str(inv->src->doc, "path"), &path)) < 0)
		goto cleanup;
	if (!util_is_dir(path.buf)) {
		rc = err_set(ERR_NOTFOUND, "%s: the export folder does not exist", path.buf);
		goto cleanup;
	}
	if ((rc = aws_export_list_accounts(path.buf, &dirs)) < 0)
		goto cleanup;
	if (!json_array_size(dirs)) {
		rc = export_account(inv, path.buf, accounts);
		goto cleanup;
	}
	json_array_foreach(dirs, i, d) {
		strbuf_reset(&sub);
		util_path_join(&sub, path.buf, json_string_value(d));
		if ((rc = export_account(inv, sub.buf, accounts)) < 0)
			break;
	}
cleanup:
	json_decref(dirs);
	json_decref(accounts);
	strbuf_release(&path);
	strbuf_release(&sub);
	return rc;
}

const struct connector connector_aws = {
	{ "aws", 1, aws_keys,
	  "an AWS account, live and read-only: profile, role_arn, external_id, region, regions, endpoint_url" },
	aws_live,
};

const struct connector connector_aws_export = {
	{ "aws-export", 0, aws_export_keys,
	  "AWS CLI output, credential reports and AWS Config snapshots: path (a folder per account)" },
	aws_export,
};

int aws_ecr_host_parse(const char *host, int allow_loopback, char account[13], char region[32])
{
	const char *p = host, *suffix, *end;
	size_t n;

	/* ACCOUNT: twelve digits, the whole first label. */
	for (n = 0; n < 12 && p[n] >= '0' && p[n] <= '9'; n++)
		;
	if (n != 12)
		goto bad;
	memcpy(account, p, 12);
	account[12] = 0;
	p += 12;
	if (util_has_prefix(p, ".dkr.ecr."))
		p += strlen(".dkr.ecr.");
	else if (util_has_prefix(p, ".dkr.ecr-fips."))
		p += strlen(".dkr.ecr-fips.");
	else
		goto bad;
	/* REGION: lower-case letters, digits and dashes. */
	for (n = 0; p[n] && ((p[n] >= 'a' && p[n] <= 'z') || (p[n] >= '0' && p[n] <= '9') || p[n] == '-'); n++)
		;
	if (n == 0 || n >= 32 || p[n] != '.')
		goto bad;
	memcpy(region, p, n);
	region[n] = 0;
	suffix = p + n + 1;
	/* SUFFIX, then an optional :PORT and nothing else. */
	end = suffix + strcspn(suffix, ":");
	if (*end) {
		for (n = 1; end[n] >= '0' && end[n] <= '9'; n++)
			;
		if (n == 1 || n > 6 || end[n])
			goto bad;
	}
	n = (size_t)(end - suffix);
	if ((n == 13 && !strncasecmp(suffix, "amazonaws.com", 13)) || (n == 16 && !strncasecmp(suffix, "amazonaws.com.cn", 16)))
		return 0;
	if (allow_loopback && n == 9 && !strncasecmp(suffix, "localhost", 9))
		return 0;
bad:
	account[0] = region[0] = 0;
	return err_set(ERR_INVALID, "'%s' is not an ECR registry (ACCOUNT.dkr.ecr.REGION.amazonaws.com[:PORT]%s)", host,
		       allow_loopback ? ", or ACCOUNT.dkr.ecr.REGION.localhost[:PORT] with endpoint_url" : "");
}

/*
 * One ECR call for registry_host with src's credentials (args may be NULL).
 * A source with endpoint_url (an emulator) may name its registry under
 * .localhost, a name that only ever reaches loopback.
 */
static int ecr_call(const struct engagement *eng, const struct source *src, const char *registry_host,
		    const char *action, char account[13], json_t **ans)
{
	struct source fallback;
	struct aws_client *c = NULL;
	char region[32], *default_region = NULL;
	int rc;

	*ans = NULL;
	if ((rc = aws_ecr_host_parse(registry_host, src && jsonx_str(src->doc, "endpoint_url"), account, region)) < 0)
		return rc;
	if (!src) {
		memset(&fallback, 0, sizeof(fallback));
		fallback.id = (char *)"ecr";
		fallback.doc = json_object();
		fallback.tls_verify = 1;
		src = &fallback;
	}
	rc = open_client(eng, src, NULL, &c, &default_region, NULL);
	if (rc == 0) {
		rc = aws_client_call(c, "ecr", action, region, NULL, ans);
		if (rc > 0)
			rc = err_set(ERR_AUTH, "ecr:%s gave no answer", action);
	}
	aws_client_free(c);
	free(default_region);
	if (src == &fallback)
		json_decref(fallback.doc);
	return rc;
}

int aws_ecr_repositories(const struct engagement *eng, const struct source *src, const char *registry_host,
			 int (*fn)(void *ctx, const char *name), void *ctx)
{
	json_t *ans = NULL;
	const json_t *r;
	char account[13];
	size_t i;
	int rc = ecr_call(eng, src, registry_host, "DescribeRepositories", account, &ans);

	json_array_foreach(json_object_get(ans, "repositories"), i, r) {
		const char *reg = jsonx_str(r, "registryId");

		if (rc < 0)
			break;
		/* The credentials' own registry is the one listed: another account's names would not be on this host. */
		if (reg && strcmp(reg, account)) {
			rc = err_set(ERR_DENIED, "ecr:DescribeRepositories lists the registry of account %s, not %s: the credentials "
						 "(or role_arn) must reach account %s", reg, account, account);
			break;
		}
		if (jsonx_str(r, "repositoryName"))
			rc = fn(ctx, jsonx_str(r, "repositoryName"));
	}
	json_decref(ans);
	return rc < 0 ? rc : 0;
}

int aws_ecr_credentials(const struct engagement *eng, const struct source *src, const char *registry_host,
			struct strbuf *user, struct strbuf *password, int64_t *expires_out)
{
	struct strbuf token = STRBUF_INIT;
	json_t *ans = NULL;
	const json_t *d;
	char account[13];
	int rc = ecr_call(eng, src, registry_host, "GetAuthorizationToken", account, &ans);

	if (rc < 0)
		goto cleanup;
	d = json_array_get(json_object_get(ans, "authorizationData"), 0);
	if (!jsonx_str(d, "authorizationToken") ||
	    util_base64_decode(&token, jsonx_str(d, "authorizationToken"), strlen(jsonx_str(d, "authorizationToken"))) < 0 ||
	    !strchr(token.buf, ':')) {
		rc = err_set(ERR_PARSE, "ecr:GetAuthorizationToken: the token is not 'AWS:password' in base64");
		goto cleanup;
	}
	log_secret_add(strchr(token.buf, ':') + 1, strlen(strchr(token.buf, ':') + 1));
	log_secret_add(jsonx_str(d, "authorizationToken"), strlen(jsonx_str(d, "authorizationToken")));
	if ((rc = strbuf_add(user, token.buf, (size_t)(strchr(token.buf, ':') - token.buf))) < 0 ||
	    (rc = strbuf_addstr(password, strchr(token.buf, ':') + 1)) < 0)
		goto cleanup;
	if (expires_out) {
		*expires_out = 0;
		if (jsonx_str(d, "expiresAt"))
			util_timestamp_parse(jsonx_str(d, "expiresAt"), expires_out);
	}
cleanup:
	if (token.len)
		crypto_wipe(token.buf, token.len);
	strbuf_release(&token);
	json_decref(ans);
	return rc;
}
