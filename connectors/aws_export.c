/*
 * Offline AWS: an export folder of one account as the same dataset live
 * collection fills.
 *
 *   ACCOUNT/iam-get-account-authorization-details.json    global calls
 *   ACCOUNT/credential-report.csv                         (or iam-get-credential-report.json)
 *   ACCOUNT/s3api-get-bucket-policy/BUCKET.json           per-resource calls: a folder per command
 *   ACCOUNT/eu-west-1/ec2-describe-instances.json         regional calls: a folder per region
 *   ACCOUNT/eu-west-1/kms-describe-key/KEYID.json
 *   ACCOUNT/NAME.json with "configurationItems"           AWS Config snapshots (any region)
 *
 * A file holding the CLI's error text ("An error occurred (NoSuchEntity) when
 * calling ...") says what AWS answered: "not configured" for the call's
 * absent codes, a failure otherwise.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "aws_calls.h"
#include "aws_collect.h"
#include "aws_data.h"
#include "core/err.h"
#include "core/jsonx.h"
#include "core/util.h"

#define EXPORT_MAX_FILE ((size_t)256 << 20)
#define EXPORT_MAX_ENTRIES 100000

struct exp {
	json_t *ds;
	json_t *skipped;
	const char *default_region;
	size_t entries;
};

static int is_region_name(const char *s)
{
	/* xx-word-N, xx-gov-word-N, cn-word-N */
	size_t n = strlen(s), i = 0, dashes = 0;

	if (n < 9 || n > 25 || !isdigit((unsigned char)s[n - 1]) || s[n - 2] != '-')
		return 0;
	for (i = 0; i < n; i++) {
		if (s[i] == '-')
			dashes++;
		else if (!islower((unsigned char)s[i]) && !isdigit((unsigned char)s[i]))
			return 0;
	}
	return dashes >= 2 && dashes <= 3 && islower((unsigned char)s[0]) && islower((unsigned char)s[1]) && s[2] == '-';
}

static int is_account_id(const char *s)
{
	size_t i;

	for (i = 0; i < 12; i++)
		if (!isdigit((unsigned char)s[i]))
			return 0;
	return s[12] == 0;
}

/* The call whose CLI command printed STEM ("ec2-describe-instances"). */
static const struct aws_call *call_for(const char *stem)
{
	const struct aws_call *c;
	size_t i;

	for (i = 0; (c = aws_call_at(i)); i++) {
		const struct aws_service *s = aws_service_find(c->service);
		size_t sl = strlen(s->cli);

		if (c->flags & (AWS_CALL_CREDENTIAL | AWS_CALL_GENERATES))
			continue;
		if (!strncmp(stem, s->cli, sl) && stem[sl] == '-' && !strcmp(stem + sl + 1, c->cli))
			return c;
	}
	return NULL;
}

/* Lossy: a file name need not be UTF-8, and a name that is not is still worth listing as skipped. */
static int skip(struct exp *e, const char *path)
{
	return json_array_append_new(e->skipped, jsonx_string_lossy(path)) < 0 ? err_set(ERR_NOMEM, "out of memory") : 0;
}

static int used_file(struct exp *e, const char *path)
{
	return json_array_append_new(json_object_get(e->ds, "files"), json_string(path)) < 0
		       ? err_set(ERR_NOMEM, "out of memory")
		       : 0;
}

/* "An error occurred (CODE) when calling the OP operation: message" */
static int cli_error(const char *text, char *code, size_t size)
{
	const char *p = strstr(text, "An error occurred ("), *e;

	if (!p)
		return 0;
	p += strlen("An error occurred (");
	e = strchr(p, ')');
	if (!e || (size_t)(e - p) >= size)
		return 0;
	memcpy(code, p, (size_t)(e - p));
	code[e - p] = 0;
	return 1;
}

/* One file's answer to call, stored for region (NULL: global) and resource. */
static int load_answer(struct exp *e, const struct aws_call *call, const char *path, const char *region,
		       const char *resource)
{
	struct strbuf text = STRBUF_INIT;
	char key[128], code[128];
	json_t *v = NULL;
	size_t i = 0;
	int rc;

	snprintf(key, sizeof(key), "%s:%s", call->service, call->action);
	if (call->scope == AWS_GLOBAL)
		region = NULL;
	strbuf_init(&text, EXPORT_MAX_FILE);
	if ((rc = strbuf_read_file(&text, path)) < 0)
		goto cleanup;
	while (i < text.len && isspace((unsigned char)text.buf[i]))
		i++;
	if (i == text.len) {
		rc = skip(e, path); /* an empty file says nothing */
		goto cleanup;
	}
	if (cli_error(text.buf, code, sizeof(code))) {
		if (aws_call_absent(call, code))
			rc = aws_data_put(e->ds, region, key, resource, NULL);
		else
			rc = aws_data_error(e->ds, call->service, call->action, region, resource, code, text.buf,
					    strstr(code, "AccessDenied") || strstr(code, "Unauthorized") ? "denied" : "error");
		goto cleanup;
	}
	if ((rc = jsonx_parse(text.buf, text.len, path, &v)) < 0)
		goto cleanup;
	if (!json_is_object(v)) {
		rc = err_set(ERR_PARSE, "%s: expected the JSON object the AWS CLI prints", path);
		goto cleanup;
	}
	rc = aws_data_put(e->ds, region, key, resource, v);
	v = NULL;
cleanup:
	if (rc == 0 && text.len)
		rc = used_file(e, path);
	json_decref(v);
	strbuf_release(&text);
	return rc;
}

static int load_credential_report(struct exp *e, const char *path, int json)
{
	struct strbuf text = STRBUF_INIT, csv = STRBUF_INIT;
	json_t *v = NULL;
	int rc;

	strbuf_init(&text, EXPORT_MAX_FILE);
	if ((rc = strbuf_read_file(&text, path)) < 0)
		goto cleanup;
	if (json) {
		const char *content;

		if ((rc = jsonx_parse(text.buf, text.len, path, &v)) < 0)
			goto cleanup;
		content = jsonx_str(v, "Content");
		if (!content || (rc = util_base64_decode(&csv, content, strlen(content))) < 0) {
			rc = err_set(ERR_PARSE, "%s: 'Content' is not the base64 of a credential report", path);
			goto cleanup;
		}
		json_object_del(v, "Content");
	} else {
		if ((rc = strbuf_add(&csv, text.buf, text.len)) < 0)
			goto cleanup;
		v = json_object();
	}
	if (!util_has_prefix(csv.buf, "user,arn,")) {
		rc = err_set(ERR_PARSE, "%s: not an IAM credential report (it starts 'user,arn,')", path);
		goto cleanup;
	}
	json_object_set_new(e->ds, "credential_report", json_stringn(csv.buf, csv.len));
	rc = aws_data_put(e->ds, NULL, "iam:GetCredentialReport", NULL, v);
	v = NULL;
	if (rc == 0)
		rc = used_file(e, path);
cleanup:
	json_decref(v);
	strbuf_release(&text);
	strbuf_release(&csv);
	return rc;
}

static int load_file(struct exp *e, const char *dir, const char *name, const char *region)
{
	struct strbuf path = STRBUF_INIT, stem = STRBUF_INIT;
	const struct aws_call *call = NULL;
	int rc = 0, used = 1;

	util_path_join(&path, dir, name);
	if (!strcmp(name, "credential-report.csv") || !strcmp(name, "iam-credential-report.csv")) {
		rc = load_credential_report(e, path.buf, 0);
		goto cleanup;
	}
	if (!util_has_suffix(name, ".json")) {
		rc = skip(e, path.buf);
		used = 0;
		goto cleanup;
	}
	strbuf_add(&stem, name, strlen(name) - 5);
	call = call_for(stem.buf);
	if (call && (call->flags & AWS_CALL_CREDENTIAL)) {
		/* sts assume-role, ecr get-authorization-token: credentials, never read. */
		rc = skip(e, path.buf);
		used = 0;
	} else if (!strcmp(stem.buf, "iam-get-credential-report")) {
		rc = load_credential_report(e, path.buf, 1);
	} else if (!strcmp(stem.buf, "sts-get-caller-identity")) {
		json_t *v = NULL;

		if ((rc = jsonx_load_file(path.buf, EXPORT_MAX_FILE, &v)) == 0) {
			json_object_set_new(e->ds, "identity", v);
			rc = used_file(e, path.buf);
		}
	} else if (call) {
		rc = load_answer(e, call, path.buf, region ? region : e->default_region, NULL);
	} else {
		/* Perhaps an AWS Config snapshot. */
		json_t *v = NULL;

		if ((rc = jsonx_load_file(path.buf, EXPORT_MAX_FILE, &v)) == 0) {
			if (json_is_array(json_object_get(v, "configurationItems"))) {
				rc = aws_config_snapshot(e->ds, json_object_get(v, "configurationItems"), path.buf);
			} else {
				rc = skip(e, path.buf);
				used = 0;
			}
		}
		json_decref(v);
	}
	/* The files the data came from, for the evidence (answers record themselves). */
	if (rc == 0 && used && !call)
		rc = used_file(e, path.buf);
cleanup:
	strbuf_release(&path);
	strbuf_release(&stem);
	return rc;
}

static int list_dir(const char *dir, json_t **names)
{
	char **v = NULL;
	size_t n = 0, i;
	int rc;

	if (!(*names = json_array()))
		return err_set(ERR_NOMEM, "out of memory");
	if ((rc = util_dir_list(dir, EXPORT_MAX_ENTRIES, &v, &n, NULL)) < 0)
		return rc;
	/* The AWS CLI writes UTF-8 names; any other name is not one of its answers, so it is left out. */
	for (i = 0; i < n && rc == 0; i++) {
		json_t *name = json_string(v[i]);

		if (name && json_array_append_new(*names, name) < 0)
			rc = err_set(ERR_NOMEM, "out of memory");
	}
	util_dir_free(v, n);
	return rc;
}

/* A folder of per-resource answers for call. */
static int load_resources(struct exp *e, const struct aws_call *call, const char *dir, const char *region)
{
	json_t *names = NULL, *n;
	struct strbuf path = STRBUF_INIT, res = STRBUF_INIT;
	size_t i;
	int rc;

	if ((rc = list_dir(dir, &names)) < 0)
		goto cleanup;
	json_array_foreach(names, i, n) {
		const char *name = json_string_value(n);

		strbuf_reset(&path);
		strbuf_reset(&res);
		util_path_join(&path, dir, name);
		if (!util_has_suffix(name, ".json") || util_is_dir(path.buf) || e->entries++ > EXPORT_MAX_ENTRIES) {
			rc = skip(e, path.buf);
		} else {
			strbuf_add(&res, name, strlen(name) - 5);
			rc = load_answer(e, call, path.buf, region ? region : e->default_region, res.buf);
		}
		if (rc < 0)
			break;
	}
cleanup:
	json_decref(names);
	strbuf_release(&path);
	strbuf_release(&res);
	return rc;
}

static int load_folder(struct exp *e, const char *dir, const char *region)
{
	json_t *names = NULL, *n;
	struct strbuf path = STRBUF_INIT;
	size_t i;
	int rc;

	if ((rc = list_dir(dir, &names)) < 0)
		goto cleanup;
	json_array_foreach(names, i, n) {
		const char *name = json_string_value(n);
		const struct aws_call *call;

		strbuf_reset(&path);
		util_path_join(&path, dir, name);
		if (util_is_dir(path.buf)) {
			if (!region && is_region_name(name)) {
				json_array_append_new(jsonx_dig(e->ds, "regions.enabled"), json_string(name));
				rc = load_folder(e, path.buf, name);
			} else if ((call = call_for(name)) && (call->flags & AWS_CALL_PER_RESOURCE)) {
				rc = load_resources(e, call, path.buf, region);
			} else {
				rc = skip(e, path.buf);
			}
		} else {
			rc = load_file(e, dir, name, region);
		}
		if (rc < 0)
			break;
	}
cleanup:
	json_decref(names);
	strbuf_release(&path);
	return rc;
}

/* Trail status files are named after the trail; the dataset keys them by ARN. */
static void rekey_trails(json_t *ds)
{
	static const char *const keys[] = { "cloudtrail:GetTrailStatus", "cloudtrail:GetEventSelectors" };
	json_t *regional = json_object_get(ds, "regional"), *r, *t;
	const char *region;
	size_t i, k;

	json_object_foreach(regional, region, r) {
		json_array_foreach(json_object_get(json_object_get(r, "cloudtrail:DescribeTrails"), "trailList"), i, t) {
			for (k = 0; k < 2; k++) {
				json_t *per = json_object_get(r, keys[k]);
				json_t *v = json_object_get(per, jsonx_strz(t, "Name"));

				if (v && jsonx_str(t, "TrailARN") && !json_object_get(per, jsonx_str(t, "TrailARN"))) {
					json_object_set(per, jsonx_str(t, "TrailARN"), v);
					json_object_del(per, jsonx_str(t, "Name"));
				}
			}
		}
	}
}

/* The account: the caller identity, else the folder's name, else the first ARN found. */
static int find_account(json_t *ds, const char *dir)
{
	const char *base = strrchr(dir, '/') ? strrchr(dir, '/') + 1 : dir;
	const char *id = jsonx_str(json_object_get(ds, "identity"), "Account");
	const char *csv = jsonx_str(ds, "credential_report"), *p;
	const json_t *u = json_array_get(jsonx_dig(ds, "global.iam:GetAccountAuthorizationDetails.UserDetailList"), 0);
	char buf[13];

	if (id && is_account_id(id))
		return json_object_set_new(ds, "account", json_string(id));
	if (is_account_id(base))
		return json_object_set_new(ds, "account", json_string(base));
	p = jsonx_str(u, "Arn");
	if (!p && csv)
		p = strstr(csv, "arn:aws");
	if (p && (p = strstr(p, ":iam::")) && (p += 6, 1)) {
		memcpy(buf, p, 12);
		buf[12] = 0;
		if (strlen(p) >= 12 && is_account_id(buf))
			return json_object_set_new(ds, "account", json_string(buf));
	}
	if (jsonx_str(ds, "account"))
		return 0;
	return err_set(ERR_PARSE, "%s: cannot tell which AWS account this export is of: add the output of "
				  "'aws sts get-caller-identity' as sts-get-caller-identity.json, or name the folder "
				  "after the 12-digit account id", dir);
}

int aws_collect_export(const char *dir, json_t *ds, json_t **skipped)
{
	struct exp e = { ds, json_array(), NULL, 0 };
	const json_t *regs;
	int rc;

	*skipped = NULL;
	if (!e.skipped || json_object_set_new(ds, "files", json_array()) < 0)
		return err_set(ERR_NOMEM, "out of memory");
	e.default_region = jsonx_str(ds, "default_region") ? jsonx_str(ds, "default_region") : "us-east-1";
	if ((rc = load_folder(&e, dir, NULL)) < 0)
		goto cleanup;
	/* Regional answers at the top level belong to the default region. */
	if (json_object_get(json_object_get(ds, "regional"), e.default_region)) {
		json_t *en = jsonx_dig(ds, "regions.enabled"), *v;
		size_t i;
		int have = 0;

		json_array_foreach(en, i, v)
			have |= !strcmp(json_string_value(v), e.default_region);
		if (!have)
			json_array_append_new(en, json_string(e.default_region));
	}
	/* Regions from Config snapshots. */
	{
		const char *r;
		json_t *v, *en = jsonx_dig(ds, "regions.enabled"), *x;
		size_t i;

		json_object_foreach(json_object_get(ds, "regional"), r, v) {
			int have = 0;

			json_array_foreach(en, i, x)
				have |= !strcmp(json_string_value(x), r);
			if (!have)
				json_array_append_new(en, json_string(r));
		}
	}
	regs = json_object_get(aws_data_get(ds, e.default_region, "ec2:DescribeRegions"), "Regions");
	if (regs) {
		const json_t *r;
		size_t i;

		json_t *en = jsonx_dig(ds, "regions.enabled"), *ex = json_array(), *x;
		size_t k;

		json_array_foreach(regs, i, r) {
			int have = 0;

			if (!jsonx_str(r, "RegionName"))
				continue;
			if (!strcmp(jsonx_strz(r, "OptInStatus"), "not-opted-in")) {
				json_array_append_new(jsonx_dig(ds, "regions.not_enabled"), json_string(jsonx_str(r, "RegionName")));
				continue;
			}
			/* Enabled, but the export has nothing of it: not collected. */
			json_array_foreach(en, k, x)
				have |= !strcmp(json_string_value(x), jsonx_str(r, "RegionName"));
			if (!have)
				json_array_append_new(ex, json_string(jsonx_str(r, "RegionName")));
		}
		json_object_set_new(json_object_get(ds, "regions"), "excluded", ex);
	}
	rekey_trails(ds);
	rc = find_account(ds, dir);
cleanup:
	if (rc == 0)
		*skipped = e.skipped;
	else
		json_decref(e.skipped);
	return rc;
}

int aws_export_list_accounts(const char *dir, json_t **names)
{
	json_t *all = NULL, *n;
	struct strbuf path = STRBUF_INIT;
	size_t i;
	int rc;

	*names = json_array();
	if (!*names)
		return err_set(ERR_NOMEM, "out of memory");
	if ((rc = list_dir(dir, &all)) < 0)
		goto cleanup;
	json_array_foreach(all, i, n) {
		strbuf_reset(&path);
		util_path_join(&path, dir, json_string_value(n));
		if (is_account_id(json_string_value(n)) && util_is_dir(path.buf))
			json_array_append(*names, n);
	}
cleanup:
	json_decref(all);
	strbuf_release(&path);
	return rc;
}
