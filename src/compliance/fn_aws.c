/*
 * The AWS functions: IAM policy evaluation (as far as a static reading can
 * go) and the CIS monitoring chain.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/err.h"
#include "core/jsonx.h"
#include "core/util.h"
#include "fn_int.h"

#define POLICY_MAX_BYTES (128 * 1024)

static int from_hex(int c)
{
	return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

/*
 * A policy document: an object, or JSON text (GetAccountAuthorizationDetails
 * and the IAM Get*Policy calls return it URL-encoded).  *owned is set when a
 * new document was parsed.
 */
static int policy_doc(const json_t *v, json_t **owned, const json_t **doc)
{
	struct strbuf text = STRBUF_INIT;
	const char *s;
	size_t i, n;
	int rc = 0;

	*owned = NULL;
	*doc = NULL;
	if (json_is_object(v)) {
		*doc = v;
		return 0;
	}
	if (!json_is_string(v))
		return v ? err_set(ERR_PARSE, "a policy document is an object or JSON text") : 0;
	s = json_string_value(v);
	n = json_string_length(v);
	if (n > POLICY_MAX_BYTES)
		return err_set(ERR_LIMIT, "a policy document is longer than %d bytes", POLICY_MAX_BYTES);
	strbuf_init(&text, POLICY_MAX_BYTES + 1);
	for (i = 0; i < n && rc == 0; i++) {
		if (s[i] == '%' && i + 2 < n && from_hex(s[i + 1]) >= 0 && from_hex(s[i + 2]) >= 0 && s[0] == '%') {
			rc = strbuf_addch(&text, from_hex(s[i + 1]) * 16 + from_hex(s[i + 2]));
			i += 2;
		} else {
			rc = strbuf_addch(&text, s[i] == '+' && s[0] == '%' ? ' ' : s[i]);
		}
	}
	if (rc == 0 && (rc = jsonx_parse(text.buf, text.len, "policy document", owned)) == 0)
		*doc = *owned;
	strbuf_release(&text);
	return rc;
}

static int any_glob(const json_t *patterns, const char *text, int icase)
{
	json_t *item;
	size_t i;

	if (json_is_string(patterns))
		return fn_glob(json_string_value(patterns), text, icase);
	json_array_foreach(patterns, i, item)
		if (json_is_string(item) && fn_glob(json_string_value(item), text, icase))
			return 1;
	return 0;
}

/* Does the statement name action on resource?  Conditions are not judged. */
static int stmt_covers(const json_t *st, const char *action, const char *resource)
{
	const json_t *a = json_object_get(st, "Action"), *na = json_object_get(st, "NotAction"),
		     *r = json_object_get(st, "Resource"), *nr = json_object_get(st, "NotResource");

	if (a ? !any_glob(a, action, 1) : na ? any_glob(na, action, 1) : 1)
		return 0;
	if (r)
		return any_glob(r, resource, 0);
	if (nr)
		return !any_glob(nr, resource, 0);
	return 1;
}

static const char *effect(const json_t *st)
{
	const char *e = jsonx_str(st, "Effect");

	return e && !strcasecmp(e, "deny") ? "Deny" : e && !strcasecmp(e, "allow") ? "Allow" : "";
}

/* Statement i of doc (a list or a single object). */
static const json_t *stmt_at(const json_t *doc, size_t i, size_t *n, int *single)
{
	const json_t *s = json_object_get(doc, "Statement");

	*single = json_is_object(s);
	*n = *single ? 1 : json_array_size(s);
	return *single ? s : json_array_get(s, i);
}

static int stmt_where(struct strbuf *out, const char *doc_where, size_t i, int single)
{
	strbuf_reset(out);
	if (single)
		return strbuf_addf(out, "%s%sStatement", doc_where, *doc_where ? "." : "");
	return strbuf_addf(out, "%s%sStatement[%zu]", doc_where, *doc_where ? "." : "", i);
}

int fn_iam_allows(const json_t *node, const char *base, const json_t *args, const struct eval_ctx *ec,
		  json_t **value, struct witness *w)
{
	const char *resource = fn_arg_str(args, "resource", "*");
	const json_t *actions = json_object_get(args, "actions"), *doc, *st, *act;
	struct path_matches m = { NULL, 0, 0 };
	struct strbuf at = STRBUF_INIT;
	json_t *owned = NULL;
	size_t i, k, a, n;
	int rc, single;

	(void)ec;
	*value = json_false();
	if ((rc = fn_arg_matches(node, base, args, "policy", "document", &m)) < 0)
		goto cleanup;
	for (i = 0; i < m.n; i++) {
		json_decref(owned);
		if ((rc = policy_doc(m.v[i].value, &owned, &doc)) < 0) {
			fn_witness(w, m.v[i].where, m.v[i].value);
			goto cleanup;
		}
		if (!doc)
			continue;
		json_array_foreach(actions, a, act) {
			int denied = 0;
			long allow_at = -1;

			stmt_at(doc, 0, &n, &single);
			for (k = 0; k < n; k++) {
				st = stmt_at(doc, k, &n, &single);
				if (!stmt_covers(st, json_string_value(act), resource))
					continue;
				/* A conditional Deny may not apply; only an unconditional one takes the grant away. */
				if (!strcmp(effect(st), "Deny") && !json_object_get(st, "Condition"))
					denied = 1;
				else if (!strcmp(effect(st), "Allow") && allow_at < 0)
					allow_at = (long)k;
			}
			if (allow_at >= 0 && !denied) {
				stmt_where(&at, m.v[i].where, (size_t)allow_at, single);
				rc = fn_witness(w, at.buf, stmt_at(doc, (size_t)allow_at, &n, &single));
				json_decref(*value);
				*value = json_true();
				goto cleanup;
			}
		}
	}
	if (m.n)
		rc = fn_witness(w, m.v[0].where, m.v[0].value);
cleanup:
	json_decref(owned);
	path_matches_release(&m);
	strbuf_release(&at);
	if (rc == ERR_NOMEM)
		return rc;
	if (rc < 0) {
		json_decref(*value);
		*value = NULL;
		strbuf_addstr(&w->note, err_last());
		return TRI_ERROR;
	}
	return TRI_TRUE;
}

int fn_iam_allows_check(const json_t *args)
{
	static const char *const names[] = { "policy", "actions", "resource", NULL };
	static const char *const req[] = { "actions", NULL };
	int rc;

	if ((rc = fn_check_names(args, names, req)) < 0 || (rc = fn_check_strings(args, "actions", 1)) < 0)
		return rc;
	if (json_object_get(args, "resource") && !json_is_string(json_object_get(args, "resource")))
		return err_set(ERR_INVALID, "'resource' is a string");
	return 0;
}

/* ---- principals ---- */


/* Condition keys that tie "*" to known accounts, organisations, networks or services. */
static int restricting_condition(const json_t *cond)
{
	static const char *const keys[] = { "aws:principalorgid", "aws:principalorgpaths", "aws:principalaccount",
					    "aws:principalarn", "aws:sourceaccount", "aws:sourcearn", "aws:sourceowner",
					    "aws:sourcevpce", "aws:sourcevpc", "aws:userid", "aws:sourceorgid",
					    "aws:sourceorgpaths", NULL };
	const char *op, *key;
	json_t *inner, *v;
	size_t i;

	json_object_foreach((json_t *)cond, op, inner) {
		json_object_foreach(inner, key, v) {
			for (i = 0; keys[i]; i++)
				if (!strcasecmp(key, keys[i]))
					return 1;
		}
	}
	return 0;
}

static int has_condition_key(const json_t *cond, const char *wanted)
{
	const char *op, *key;
	json_t *inner, *v;

	json_object_foreach((json_t *)cond, op, inner)
		json_object_foreach(inner, key, v)
			if (!strcasecmp(key, wanted))
				return 1;
	return 0;
}

struct ext_ctx {
	const char *own;
	const json_t *trusted;
	int require_external_id, include_federated;
	json_t *out;
};

static int add_unique(json_t *list, const char *s)
{
	json_t *item;
	size_t i;

	json_array_foreach(list, i, item)
		if (!strcmp(json_string_value(item), s))
			return 0;
	return json_array_append_new(list, json_string(s)) < 0 ? ERR_NOMEM : 0;
}

static int trusted(const struct ext_ctx *c, const char *acct)
{
	json_t *item;
	size_t i;

	if (c->own && !strcmp(acct, c->own))
		return 1;
	json_array_foreach(c->trusted, i, item)
		if (json_is_string(item) && !strcmp(json_string_value(item), acct))
			return 1;
	return 0;
}

/* Add the outside principals of one statement; returns how many were added. */
static int stmt_external(struct ext_ctx *c, const json_t *st)
{
	const json_t *pr = json_object_get(st, "Principal"), *cond = json_object_get(st, "Condition"), *aws, *item;
	size_t before = json_array_size(c->out), i;
	char acct[13];
	int rc = 0;

	if (strcmp(effect(st), "Allow"))
		return 0;
	if (json_object_get(st, "NotPrincipal")) {
		/* Allow with NotPrincipal lets in everyone but the few named. */
		if (!restricting_condition(cond))
			rc = add_unique(c->out, "*");
		return rc < 0 ? rc : (int)(json_array_size(c->out) - before);
	}
	if (c->require_external_id && has_condition_key(cond, "sts:ExternalId"))
		return 0;
	if (json_is_string(pr) && !strcmp(json_string_value(pr), "*")) {
		if (!restricting_condition(cond))
			rc = add_unique(c->out, "*");
		return rc < 0 ? rc : (int)(json_array_size(c->out) - before);
	}
	aws = json_object_get(pr, "AWS");
	for (i = 0; rc == 0 && i < (json_is_array(aws) ? json_array_size(aws) : aws ? 1 : 0); i++) {
		const char *p = json_string_value(json_is_array(aws) ? json_array_get(aws, i) : aws);

		if (!p)
			continue;
		if (!strcmp(p, "*")) {
			if (!restricting_condition(cond))
				rc = add_unique(c->out, "*");
			continue;
		}
		util_aws_account_of(p, acct);
		if (!acct[0] || !trusted(c, acct))
			rc = add_unique(c->out, p);
	}
	if (c->include_federated) {
		item = json_object_get(pr, "Federated");
		for (i = 0; rc == 0 && i < (json_is_array(item) ? json_array_size(item) : item ? 1 : 0); i++) {
			const char *p = json_string_value(json_is_array(item) ? json_array_get(item, i) : item);

			if (p)
				rc = add_unique(c->out, p);
		}
	}
	if (rc == 0 && (item = json_object_get(pr, "CanonicalUser")))
		rc = add_unique(c->out, json_is_string(item) ? json_string_value(item) : "canonical-user");
	return rc < 0 ? rc : (int)(json_array_size(c->out) - before);
}

int fn_iam_external(const json_t *node, const char *base, const json_t *args, const struct eval_ctx *ec,
		    json_t **value, struct witness *w)
{
	struct ext_ctx c;
	struct path_matches m = { NULL, 0, 0 };
	struct strbuf at = STRBUF_INIT;
	const json_t *doc, *own;
	json_t *owned = NULL;
	size_t i, k, n;
	int rc, single, added;

	(void)ec;
	memset(&c, 0, sizeof(c));
	own = path_get(node, fn_arg_str(args, "account", "account_id"));
	c.own = json_string_value(own);
	c.trusted = json_object_get(args, "trusted");
	c.require_external_id = json_is_true(json_object_get(args, "require_external_id"));
	c.include_federated = json_is_true(json_object_get(args, "include_federated"));
	if (!(c.out = json_array()))
		return err_set(ERR_NOMEM, "out of memory");
	if ((rc = fn_arg_matches(node, base, args, "policy", "policy", &m)) < 0)
		goto cleanup;
	for (i = 0; i < m.n; i++) {
		json_decref(owned);
		if ((rc = policy_doc(m.v[i].value, &owned, &doc)) < 0) {
			fn_witness(w, m.v[i].where, m.v[i].value);
			goto cleanup;
		}
		if (!doc)
			continue;
		stmt_at(doc, 0, &n, &single);
		for (k = 0; k < n; k++) {
			const json_t *st = stmt_at(doc, k, &n, &single);

			if ((added = stmt_external(&c, st)) < 0) {
				rc = added;
				goto cleanup;
			}
			if (added && !w->where.len) {
				stmt_where(&at, m.v[i].where, k, single);
				if ((rc = fn_witness(w, at.buf, st)) < 0)
					goto cleanup;
			}
		}
	}
	if (!w->where.len && m.n)
		rc = fn_witness(w, m.v[0].where, m.v[0].value);
cleanup:
	json_decref(owned);
	path_matches_release(&m);
	strbuf_release(&at);
	if (rc == ERR_NOMEM) {
		json_decref(c.out);
		return rc;
	}
	if (rc < 0) {
		json_decref(c.out);
		strbuf_addstr(&w->note, err_last());
		return TRI_ERROR;
	}
	/* What decided is the list, not the first statement alone. */
	json_decref(w->value);
	w->value = json_incref(c.out);
	*value = c.out;
	return TRI_TRUE;
}

int fn_iam_external_check(const json_t *args)
{
	static const char *const names[] = { "policy", "account", "trusted", "require_external_id", "include_federated",
					     NULL };
	int rc;

	if ((rc = fn_check_names(args, names, NULL)) < 0 || (rc = fn_check_strings(args, "trusted", 0)) < 0)
		return rc;
	return 0;
}

/* ---- CIS AWS monitoring: trail -> log group -> metric filter -> alarm -> subscribed topic ---- */

/* Compare with white space and double quotes removed: filter patterns are written with free spacing and quoting. */
static int pattern_has(const char *pattern, const char *want)
{
	struct strbuf a = STRBUF_INIT, b = STRBUF_INIT;
	const char *s;
	int found;

	strbuf_init(&a, 64 * 1024);
	strbuf_init(&b, 64 * 1024);
	for (s = pattern; *s; s++)
		if (!isspace((unsigned char)*s) && *s != '"')
			strbuf_addch(&a, *s);
	for (s = want; *s; s++)
		if (!isspace((unsigned char)*s) && *s != '"')
			strbuf_addch(&b, *s);
	found = util_memmem(a.buf, a.len, b.buf, b.len) != NULL;
	strbuf_release(&a);
	strbuf_release(&b);
	return found;
}

/* The log group name of "arn:aws:logs:REGION:ACCOUNT:log-group:NAME:*", or the name itself. */
static void log_group_name(const char *arn, struct strbuf *out)
{
	const char *s = strstr(arn, ":log-group:"), *end;

	strbuf_reset(out);
	if (!s) {
		strbuf_addstr(out, arn);
		return;
	}
	s += strlen(":log-group:");
	end = strchr(s, ':');
	strbuf_add(out, s, end ? (size_t)(end - s) : strlen(s));
}

static int trail_feeds(const json_t *t, struct strbuf *group)
{
	const char *arn = jsonx_str(t, "cloudwatch_logs_log_group_arn");
	const char *mgmt = jsonx_str(t, "management_events");

	if (!jsonx_bool(t, "is_multi_region", 0) || !jsonx_bool(t, "is_logging", 0) || !arn)
		return 0;
	if (mgmt && strcasecmp(mgmt, "All"))
		return 0;
	log_group_name(arn, group);
	return 1;
}

static int alarm_subscribed(const json_t *alarm, const json_t *subs)
{
	json_t *action, *sub;
	size_t i, k;

	json_array_foreach(json_object_get(alarm, "actions"), i, action) {
		json_array_foreach(subs, k, sub) {
			const char *arn = jsonx_str(sub, "subscription_arn");

			if (json_is_string(action) && !strcmp(jsonx_strz(sub, "topic_arn"), json_string_value(action)) &&
			    arn && strcmp(arn, "PendingConfirmation"))
				return 1;
		}
	}
	return 0;
}

int fn_aws_metric_alarm(const json_t *node, const char *base, const json_t *args, const struct eval_ctx *ec,
			json_t **value, struct witness *w)
{
	const json_t *trails = path_get(node, fn_arg_str(args, "trails", "cloudtrail.trails"));
	const json_t *filters = path_get(node, fn_arg_str(args, "metric_filters", "logs.metric_filters"));
	const json_t *alarms = path_get(node, fn_arg_str(args, "alarms", "cloudwatch.alarms"));
	const json_t *subs = path_get(node, fn_arg_str(args, "subscriptions", "sns.subscriptions"));
	const json_t *patterns = json_object_get(args, "patterns"), *t, *f, *pat, *metric, *alarm;
	struct strbuf group = STRBUF_INIT, at = STRBUF_INIT;
	const char *stage = "no multi-region trail that is logging all management events delivers to CloudWatch Logs";
	size_t i, k, j, a;
	int rc = 0, ok;

	(void)ec;
	*value = json_false();
	json_array_foreach(trails, i, t) {
		if (!trail_feeds(t, &group))
			continue;
		if (!strcmp(stage, "no multi-region trail that is logging all management events delivers to CloudWatch Logs"))
			stage = "no metric filter on the trail's log group holds the pattern";
		json_array_foreach(filters, k, f) {
			if (strcmp(jsonx_strz(f, "log_group"), group.buf))
				continue;
			ok = 1;
			json_array_foreach(patterns, j, pat)
				ok &= pattern_has(jsonx_strz(f, "pattern"), json_string_value(pat));
			if (!ok)
				continue;
			stage = "the metric filter's metric has no alarm with a confirmed subscriber";
			json_array_foreach(json_object_get(f, "metrics"), j, metric) {
				json_array_foreach(alarms, a, alarm) {
					if (strcmp(jsonx_strz(alarm, "metric_name"), jsonx_strz(metric, "name")) ||
					    strcmp(jsonx_strz(alarm, "namespace"), jsonx_strz(metric, "namespace")))
						continue;
					if (!alarm_subscribed(alarm, subs))
						continue;
					strbuf_addf(&at, "%s%slogs.metric_filters[%zu]", base, *base ? "." : "", k);
					rc = fn_witness(w, at.buf, f);
					json_decref(*value);
					*value = json_true();
					goto cleanup;
				}
			}
		}
	}
	strbuf_addf(&at, "%s%slogs.metric_filters", base, *base ? "." : "");
	if ((rc = fn_witness(w, at.buf, filters)) == 0)
		rc = strbuf_addstr(&w->note, stage);
cleanup:
	strbuf_release(&group);
	strbuf_release(&at);
	return rc < 0 ? rc : TRI_TRUE;
}

int fn_aws_metric_alarm_check(const json_t *args)
{
	static const char *const names[] = { "patterns", "trails", "metric_filters", "alarms", "subscriptions", NULL };
	static const char *const req[] = { "patterns", NULL };
	int rc;

	if ((rc = fn_check_names(args, names, req)) < 0)
		return rc;
	return fn_check_strings(args, "patterns", 1);
}
