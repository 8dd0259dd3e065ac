/*
 * The normaliser's frame: data-set status, writing assets (to the inventory
 * or, for tests, to JSON), coverage gaps and the account document.
 */
#include "aws_norm.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "aws_norm_int.h"
#include "aws_resp.h"
#include "core/err.h"
#include "core/jsonx.h"
#include "core/log.h"
#include "core/util.h"

#define DS_MAX_CALLS 10

static const struct dsdef {
	const char *name;
	enum ds_scope scope;
	const char *calls[DS_MAX_CALLS]; /* "svc:Action"; a trailing '*' marks a per-resource call */
} dsdefs[] = {
	{ "aws.iam.summary", DS_GLOBAL, { "iam:GetAccountSummary", "iam:ListVirtualMFADevices" } },
	{ "aws.iam.password_policy", DS_GLOBAL, { "iam:GetAccountPasswordPolicy" } },
	{ "aws.iam.credential_report", DS_GLOBAL, { "iam:GetCredentialReport" } },
	{ "aws.iam.users", DS_GLOBAL,
	  { "iam:GetAccountAuthorizationDetails", "iam:ListMFADevices*", "iam:ListAccessKeys*", "iam:GetAccessKeyLastUsed*" } },
	{ "aws.iam.roles", DS_GLOBAL, { "iam:GetAccountAuthorizationDetails" } },
	{ "aws.iam.policies", DS_GLOBAL, { "iam:GetAccountAuthorizationDetails" } },
	{ "aws.iam.server_certificates", DS_GLOBAL, { "iam:ListServerCertificates" } },
	{ "aws.s3.buckets", DS_GLOBAL,
	  { "s3:ListBuckets", "s3:GetBucketLocation*", "s3:GetPublicAccessBlock*", "s3:GetBucketPolicyStatus*",
	    "s3:GetBucketEncryption*", "s3:GetBucketVersioning*", "s3:GetBucketLogging*", "s3:GetBucketPolicy*",
	    "s3:GetBucketAcl*" } },
	{ "aws.s3.account_public_access", DS_GLOBAL, { "s3control:GetPublicAccessBlock" } },
	{ "aws.cloudtrail.trails", DS_REGIONAL,
	  { "cloudtrail:DescribeTrails", "cloudtrail:GetTrailStatus*", "cloudtrail:GetEventSelectors*" } },
	{ "aws.config.recorders", DS_REGIONAL,
	  { "config:DescribeConfigurationRecorders", "config:DescribeConfigurationRecorderStatus" } },
	{ "aws.cloudwatch.monitoring", DS_REGIONAL,
	  { "logs:DescribeMetricFilters", "cloudwatch:DescribeAlarms", "sns:ListSubscriptions" } },
	{ "aws.accessanalyzer.analyzers", DS_REGIONAL, { "accessanalyzer:ListAnalyzers" } },
	{ "aws.securityhub.hubs", DS_REGIONAL, { "securityhub:DescribeHub" } },
	{ "aws.ec2.security_groups", DS_REGIONAL, { "ec2:DescribeSecurityGroups" } },
	{ "aws.ec2.network_acls", DS_REGIONAL, { "ec2:DescribeNetworkAcls" } },
	{ "aws.ec2.vpcs", DS_REGIONAL, { "ec2:DescribeVpcs", "ec2:DescribeFlowLogs" } },
	{ "aws.ec2.instances", DS_REGIONAL, { "ec2:DescribeInstances" } },
	{ "aws.ec2.ebs_encryption", DS_REGIONAL, { "ec2:GetEbsEncryptionByDefault" } },
	{ "aws.rds.instances", DS_REGIONAL, { "rds:DescribeDBInstances" } },
	{ "aws.kms.keys", DS_REGIONAL, { "kms:ListKeys", "kms:DescribeKey*", "kms:GetKeyRotationStatus*" } },
	{ "aws.efs.filesystems", DS_REGIONAL, { "efs:DescribeFileSystems" } },
};

static const struct dsdef *dsdef_find(const char *name)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(dsdefs); i++)
		if (!strcmp(dsdefs[i].name, name))
			return &dsdefs[i];
	return NULL;
}

size_t norm_regions(const struct norm *n, const char **names, size_t max)
{
	json_t *en = jsonx_dig(n->ds, "regions.enabled"), *v;
	size_t i, k = 0;

	json_array_foreach(en, i, v)
		if (json_is_string(v) && k < max)
			names[k++] = json_string_value(v);
	return k;
}

/* The first error of call (base name, no '*') in region ("global" for NULL; NULL region matches any), for resource when given. */
static const json_t *find_error(const struct norm *n, const char *call, const char *region, const char *resource,
				int any_region)
{
	const json_t *e;
	size_t i, clen = strcspn(call, "*"), slen = strcspn(call, ":");

	json_array_foreach(json_object_get(n->ds, "errors"), i, e) {
		const char *svc = jsonx_strz(e, "service"), *act = jsonx_strz(e, "action");

		if (strlen(svc) != slen || strncmp(svc, call, slen) || strlen(act) != clen - slen - 1 ||
		    strncmp(act, call + slen + 1, clen - slen - 1))
			continue;
		if (!any_region && strcmp(jsonx_strz(e, "region"), region ? region : "global"))
			continue;
		if (resource && strcmp(jsonx_strz(e, "resource"), resource))
			continue;
		return e;
	}
	return NULL;
}

static char *reason_of(const json_t *e, const char *call, const char *region)
{
	struct strbuf sb = STRBUF_INIT;

	if (e)
		strbuf_addf(&sb, "%s", jsonx_str(e, "message") ? jsonx_str(e, "message") : jsonx_strz(e, "code"));
	else
		strbuf_addf(&sb, "%.*s was not collected%s%s", (int)strcspn(call, "*"), call, region ? " in " : "",
			    region ? region : "");
	return strbuf_detach(&sb, NULL);
}

/* Why the whole calls of def are not usable in region (NULL for global), or NULL. */
static char *missing_in(const struct norm *n, const struct dsdef *def, const char *region)
{
	size_t i;

	for (i = 0; i < DS_MAX_CALLS && def->calls[i]; i++) {
		const char *call = def->calls[i];
		const json_t *e;

		if (call[strlen(call) - 1] == '*')
			continue;
		if ((e = find_error(n, call, region, NULL, 0)) || !aws_data_has(n->ds, region, call, NULL))
			return reason_of(e, call, region);
	}
	return NULL;
}

char *norm_dataset_missing(const struct norm *n, const char *ds, const char *region)
{
	const struct dsdef *def = dsdef_find(ds);
	const char *regions[64];
	size_t i, k, nr;
	char *why;

	if (!def)
		return strdup("no connector collects this data set");
	if (def->scope == DS_GLOBAL)
		return missing_in(n, def, NULL);
	if (region)
		return missing_in(n, def, region);
	/* The account-wide view: every enabled region, and every per-resource call. */
	nr = norm_regions(n, regions, ARRAY_SIZE(regions));
	if (!nr)
		return strdup("no enabled region was collected");
	for (i = 0; i < nr; i++) {
		if ((why = missing_in(n, def, regions[i]))) {
			struct strbuf sb = STRBUF_INIT;

			strbuf_addf(&sb, "%s: %s", regions[i], why);
			free(why);
			return strbuf_detach(&sb, NULL);
		}
	}
	for (k = 0; k < DS_MAX_CALLS && def->calls[k]; k++) {
		const json_t *e;

		if (def->calls[k][strlen(def->calls[k]) - 1] == '*' && (e = find_error(n, def->calls[k], NULL, NULL, 1)))
			return reason_of(e, def->calls[k], NULL);
	}
	return NULL;
}

/* The per-resource failure of data set def for resource, or NULL. */
static char *resource_missing(const struct norm *n, const struct dsdef *def, const char *resource)
{
	size_t i;

	for (i = 0; i < DS_MAX_CALLS && def->calls[i]; i++) {
		const json_t *e;

		if (def->calls[i][strlen(def->calls[i]) - 1] != '*')
			continue;
		if ((e = find_error(n, def->calls[i], NULL, resource, 1)))
			return reason_of(e, def->calls[i], NULL);
	}
	return NULL;
}

int norm_set(json_t *obj, const char *key, json_t *v)
{
	if (!v)
		v = json_null();
	return json_object_set_new(obj, key, v) < 0 ? err_set(ERR_NOMEM, "out of memory") : 0;
}

int norm_asset(struct norm *n, const char *asset_kind, const char *doc_kind, const char *key, const char *name,
	       const char *region, const char *const *datasets, const char *resource, json_t *doc, int64_t *id_out)
{
	json_t *collected = json_array(), *unreadable = json_object();
	int64_t id = 0;
	size_t i;
	int rc = 0;

	if (!doc) {
		rc = err_set(ERR_INVALID, "cannot build the document of %s %s", asset_kind, key);
		goto cleanup;
	}
	if (!collected || !unreadable) {
		rc = err_set(ERR_NOMEM, "out of memory");
		goto cleanup;
	}
	jsonx_set_str(doc, "kind", doc_kind);
	jsonx_set_str(doc, "account_id", n->account);
	/* AWS answers "" for an unnamed resource; the rules name it by id or ARN then. */
	if (json_is_string(json_object_get(doc, "name")) ? !*jsonx_strz(doc, "name") : json_is_null(json_object_get(doc, "name")))
		json_object_del(doc, "name");
	if (!name || !*name)
		name = key;
	if (region && !json_object_get(doc, "region"))
		jsonx_set_str(doc, "region", region);
	for (i = 0; datasets && datasets[i]; i++) {
		const struct dsdef *def = dsdef_find(datasets[i]);
		char *why = norm_dataset_missing(n, datasets[i], def && def->scope == DS_REGIONAL ? region : NULL);

		if (!why && resource && def)
			why = resource_missing(n, def, resource);
		if (why)
			json_object_set_new(unreadable, datasets[i], json_string(why));
		else
			json_array_append_new(collected, json_string(datasets[i]));
		free(why);
	}
	/* Reasons a part adds itself (a per-resource answer missing from an export). */
	{
		json_t *extra = json_object_get(doc, "__unreadable"), *v, *c;
		const char *k;
		size_t j;

		json_object_foreach(extra, k, v) {
			json_object_set(unreadable, k, v);
			json_array_foreach(collected, j, c) {
				if (!strcmp(json_string_value(c), k)) {
					json_array_remove(collected, j);
					break;
				}
			}
		}
		json_object_del(doc, "__unreadable");
	}
	json_object_set(doc, "collected", collected);
	json_object_set(doc, "unreadable", unreadable);
	if (n->inv) {
		if ((rc = inventory_asset(n->inv, asset_kind, key, name, doc, &id)) < 0)
			goto cleanup;
	} else {
		id = ++n->next_id;
		if (json_array_append_new(json_object_get(n->out, "assets"),
					  json_pack("{sssssssO}", "asset_kind", asset_kind, "key", key, "name", name ? name : key,
						    "doc", doc)) < 0) {
			rc = err_set(ERR_NOMEM, "out of memory");
			goto cleanup;
		}
	}
	json_object_set_new(n->ids, key, json_integer(id));
	if (id_out)
		*id_out = id;
cleanup:
	json_decref(doc);
	json_decref(collected);
	json_decref(unreadable);
	return rc;
}

int64_t norm_id(const struct norm *n, const char *key)
{
	return json_integer_value(json_object_get(n->ids, key));
}

void norm_alias(struct norm *n, const char *short_id, int64_t id)
{
	struct strbuf k = STRBUF_INIT;

	if (strbuf_addf(&k, "id:%s", short_id) == 0)
		json_object_set_new(n->ids, k.buf, json_integer(id));
	strbuf_release(&k);
}

int64_t norm_alias_id(const struct norm *n, const char *short_id)
{
	struct strbuf k = STRBUF_INIT;
	int64_t id = 0;

	if (strbuf_addf(&k, "id:%s", short_id) == 0)
		id = norm_id(n, k.buf);
	strbuf_release(&k);
	return id;
}

static const char *key_of_id(const struct norm *n, int64_t id)
{
	const char *k;
	json_t *v;

	json_object_foreach(n->ids, k, v)
		if (json_integer_value(v) == id && !util_has_prefix(k, "id:"))
			return k;
	return "";
}

int norm_edge(struct norm *n, int64_t from, int64_t to, const char *kind)
{
	if (!from || !to)
		return 0;
	if (n->inv)
		return inventory_edge(n->inv, from, to, kind);
	return json_array_append_new(json_object_get(n->out, "edges"),
				     json_pack("{ssssss}", "from", key_of_id(n, from), "to", key_of_id(n, to), "kind", kind)) < 0
		       ? err_set(ERR_NOMEM, "out of memory")
		       : 0;
}

static int from_hex(int c)
{
	return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

json_t *norm_policy_doc(const json_t *v)
{
	struct strbuf text = STRBUF_INIT;
	const char *s;
	json_t *doc = NULL;
	size_t i, len;

	if (json_is_object(v))
		return json_deep_copy(v);
	if (!json_is_string(v))
		return NULL;
	s = json_string_value(v);
	len = json_string_length(v);
	strbuf_init(&text, 1u << 20);
	for (i = 0; i < len; i++) {
		if (s[i] == '%' && i + 2 < len && from_hex(s[i + 1]) >= 0 && from_hex(s[i + 2]) >= 0) {
			if (strbuf_addch(&text, from_hex(s[i + 1]) * 16 + from_hex(s[i + 2])) < 0)
				break;
			i += 2;
		} else if (strbuf_addch(&text, s[i] == '+' && s[0] == '%' ? ' ' : s[i]) < 0) {
			break;
		}
	}
	if (i == len && jsonx_parse(text.buf, text.len, "policy", &doc) < 0)
		doc = NULL;
	if (doc && !json_is_object(doc)) {
		json_decref(doc);
		doc = NULL;
	}
	strbuf_release(&text);
	err_clear();
	return doc;
}

json_t *norm_time(const json_t *v)
{
	int64_t t;
	double secs;
	time_t tt;
	struct tm tm;
	char buf[32];

	/* One form for every source: the CLI's "2023-03-09 10:41:45+00:00", the wire's
	 * "2023-03-09T10:41:45.000Z", JSON protocols' epoch seconds -> "2023-03-09T10:41:45Z". */
	if (json_is_number(v)) {
		secs = json_number_value(v);
		if (!isfinite(secs) || secs < 0 || secs > 253402300799.0)
			return NULL;
		t = (int64_t)secs;
	} else if (!json_is_string(v) || util_timestamp_parse(json_string_value(v), &t) < 0) {
		err_clear();
		return json_is_string(v) ? json_incref((json_t *)v) : NULL;
	}
	tt = (time_t)t;
	if (!gmtime_r(&tt, &tm))
		return NULL;
	strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", &tm);
	return json_string(buf);
}

void norm_copy(json_t *dst, const json_t *src, const char *const *pairs)
{
	size_t i;

	for (i = 0; pairs[i] && pairs[i + 1]; i += 2) {
		json_t *v = json_object_get(src, pairs[i]);

		if (v)
			json_object_set(dst, pairs[i + 1], v);
	}
}

json_t *norm_arn(const struct norm *n, const char *service, const char *region, const char *rest)
{
	struct strbuf sb = STRBUF_INIT;
	json_t *v;

	strbuf_addf(&sb, "arn:%s:%s:%s:%s:%s", n->partition, service, region ? region : "", n->account, rest);
	v = json_string(sb.buf);
	strbuf_release(&sb);
	return v;
}

/* One gap per service and region that could not be read. */
static int gaps(struct norm *n)
{
	json_t *groups = json_object(), *g, *e;
	const char *k;
	size_t i;
	int rc = 0;

	if (!groups)
		return err_set(ERR_NOMEM, "out of memory");
	json_array_foreach(json_object_get(n->ds, "errors"), i, e) {
		char key[200];

		if (!strcmp(jsonx_strz(e, "kind"), "skipped"))
			snprintf(key, sizeof(key), "skipped");
		else
			snprintf(key, sizeof(key), "%s in %s", jsonx_strz(e, "service"), jsonx_strz(e, "region"));
		if (!(g = json_object_get(groups, key))) {
			g = json_pack("{sisO}", "count", 0, "first", e);
			json_object_set_new(groups, key, g);
		}
		json_object_set_new(g, "count", json_integer(json_integer_value(json_object_get(g, "count")) + 1));
	}
	json_object_foreach(groups, k, g) {
		struct strbuf scope = STRBUF_INIT, reason = STRBUF_INIT;
		const json_t *f = json_object_get(g, "first");
		long long count = json_integer_value(json_object_get(g, "count"));

		if (!strcmp(k, "skipped")) {
			strbuf_addf(&scope, "aws account %s: calls not made", n->account);
			strbuf_addf(&reason, "%lld call(s) not made: %s", count, jsonx_strz(f, "message"));
		} else {
			const char *region = jsonx_strz(f, "region");

			strbuf_addf(&scope, "aws account %s: %s%s%s", n->account, jsonx_strz(f, "service"),
				    strcmp(region, "global") ? " in " : "", strcmp(region, "global") ? region : "");
			strbuf_addf(&reason, "%s", jsonx_strz(f, "message"));
			if (count > 1)
				strbuf_addf(&reason, " (and %lld more call(s) of this service)", count - 1);
			if (!strcmp(jsonx_strz(f, "service"), "organizations"))
				strbuf_addstr(&reason, "; the organisation's accounts are not known, so coverage counts only "
						       "the accounts collected");
		}
		if (n->inv)
			rc = inventory_gap(n->inv, scope.buf, reason.buf);
		else
			rc = json_array_append_new(json_object_get(n->out, "gaps"),
						   json_pack("{ssss}", "scope", scope.buf, "reason", reason.buf));
		strbuf_release(&scope);
		strbuf_release(&reason);
		if (rc < 0)
			break;
	}
	json_decref(groups);
	if (rc == 0 && json_array_size(jsonx_dig(n->ds, "regions.excluded"))) {
		struct strbuf scope = STRBUF_INIT, reason = STRBUF_INIT;
		json_t *x;
		size_t m;

		strbuf_addf(&scope, "aws account %s: regions not collected", n->account);
		strbuf_addstr(&reason, "enabled, but left out by the source's 'regions':");
		json_array_foreach(jsonx_dig(n->ds, "regions.excluded"), m, x)
			strbuf_addf(&reason, " %s", json_string_value(x));
		if (n->inv)
			rc = inventory_gap(n->inv, scope.buf, reason.buf);
		else
			rc = json_array_append_new(json_object_get(n->out, "gaps"), json_pack("{ssss}", "scope", scope.buf, "reason",
											     reason.buf));
		strbuf_release(&scope);
		strbuf_release(&reason);
	}
	return rc;
}

static int account_asset(struct norm *n, const char *origin)
{
	static const char *const datasets[] = {
		"aws.iam.summary", "aws.iam.password_policy", "aws.iam.credential_report", "aws.iam.users",
		"aws.iam.roles", "aws.iam.policies", "aws.iam.server_certificates", "aws.s3.account_public_access",
		"aws.cloudtrail.trails", "aws.config.recorders", "aws.cloudwatch.monitoring",
		"aws.accessanalyzer.analyzers", "aws.securityhub.hubs", "aws.ec2.ebs_encryption",
		"aws.s3.buckets", /* the bucket list: global */
		NULL
	};
	json_t *doc = n->account_doc, *id = json_object_get(n->ds, "identity");
	struct strbuf key = STRBUF_INIT;
	const char *alias = json_string_value(json_array_get(jsonx_dig(n->ds, "global.iam:ListAccountAliases.AccountAliases"), 0));
	int rc;

	n->account_doc = NULL;
	jsonx_set_str(doc, "id", n->account);
	jsonx_set_str(doc, "name", alias ? alias : n->account);
	jsonx_set_str(doc, "alias", alias);
	jsonx_set_str(doc, "partition", n->partition);
	if (id)
		json_object_set_new(doc, "identity", json_pack("{s:s?,s:s?,s:s?}", "arn", jsonx_str(id, "Arn"), "user_id",
							       jsonx_str(id, "UserId"), "account", jsonx_str(id, "Account")));
	if (json_array_size(jsonx_dig(n->ds, "regions.excluded")))
		json_object_set(doc, "regions_not_collected", jsonx_dig(n->ds, "regions.excluded"));
	if (json_object_get(n->ds, "access"))
		json_object_set(doc, "access", json_object_get(n->ds, "access"));
	json_object_set_new(doc, "collection", json_pack("{sssI}", "origin", origin, "errors",
							 (json_int_t)json_array_size(json_object_get(n->ds, "errors"))));
	strbuf_addf(&key, "aws:account:%s", n->account);
	rc = norm_asset(n, "cloud-account", "aws.account", key.buf, alias ? alias : n->account, NULL, datasets, NULL, doc,
			NULL);
	strbuf_release(&key);
	return rc;
}

static int run_all(struct norm *n, const char *origin)
{
	int rc;

	if (!n->account || !*n->account)
		return err_set(ERR_INVALID, "the AWS data names no account");
	n->partition = "aws";
	{
		const char *arn = jsonx_strz(json_object_get(n->ds, "identity"), "Arn");

		if (util_has_prefix(arn, "arn:aws-cn:"))
			n->partition = "aws-cn";
		else if (util_has_prefix(arn, "arn:aws-us-gov:"))
			n->partition = "aws-us-gov";
	}
	if ((rc = norm_org(n)) < 0 || (rc = norm_iam(n)) < 0 || (rc = norm_net(n)) < 0 || (rc = norm_storage(n)) < 0 ||
	    (rc = norm_services(n)) < 0 || (rc = account_asset(n, origin)) < 0 || (rc = gaps(n)) < 0)
		return rc;
	return 0;
}

int aws_normalise(struct inventory *inv, const json_t *ds, const char *origin)
{
	struct norm n = { 0 };
	int rc;

	n.inv = inv;
	n.ds = ds;
	n.account = jsonx_str(ds, "account");
	n.account_doc = json_object();
	n.ids = json_object();
	if (!n.account_doc || !n.ids)
		rc = err_set(ERR_NOMEM, "out of memory");
	else
		rc = run_all(&n, origin);
	json_decref(n.account_doc);
	json_decref(n.ids);
	return rc;
}

int aws_normalise_json(const json_t *ds, const char *origin, json_t **out)
{
	struct norm n = { 0 };
	int rc;

	*out = NULL;
	n.ds = ds;
	n.account = jsonx_str(ds, "account");
	n.account_doc = json_object();
	n.ids = json_object();
	n.out = json_pack("{s[]s[]s[]}", "assets", "edges", "gaps");
	if (!n.account_doc || !n.ids || !n.out)
		rc = err_set(ERR_NOMEM, "out of memory");
	else
		rc = run_all(&n, origin);
	if (rc == 0) {
		*out = n.out;
		n.out = NULL;
	}
	json_decref(n.account_doc);
	json_decref(n.ids);
	json_decref(n.out);
	return rc;
}
