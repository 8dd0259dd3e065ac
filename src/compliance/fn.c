#include "fn.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/err.h"
#include "core/util.h"
#include "fn_int.h"

/* ---- shared helpers ---- */

const char *fn_arg_str(const json_t *args, const char *name, const char *dflt)
{
	const char *s = json_string_value(json_object_get(args, name));

	return s ? s : dflt;
}

int fn_check_names(const json_t *args, const char *const *allowed, const char *const *required)
{
	const char *key;
	json_t *v;
	size_t i;

	json_object_foreach((json_t *)args, key, v) {
		for (i = 0; allowed[i] && strcmp(allowed[i], key); i++)
			;
		if (!allowed[i])
			return err_set(ERR_INVALID, "unknown argument '%s'", key);
	}
	for (i = 0; required && required[i]; i++)
		if (!json_object_get(args, required[i]))
			return err_set(ERR_INVALID, "the argument '%s' is required", required[i]);
	return 0;
}

int fn_check_strings(const json_t *args, const char *name, int required)
{
	json_t *v = json_object_get(args, name), *item;
	size_t i;

	if (!v)
		return required ? err_set(ERR_INVALID, "the argument '%s' is required", name) : 0;
	if (!json_is_array(v) || (required && !json_array_size(v)))
		return err_set(ERR_INVALID, "'%s' is a list of strings", name);
	json_array_foreach(v, i, item)
		if (!json_is_string(item))
			return err_set(ERR_INVALID, "'%s' is a list of strings", name);
	return 0;
}

int fn_arg_matches(const json_t *node, const char *base, const json_t *args, const char *name, const char *dflt,
		   struct path_matches *out)
{
	const char *text = fn_arg_str(args, name, dflt);
	struct path *p = NULL;
	int rc;

	if ((rc = path_parse(&p, text)) < 0)
		return err_prefix(rc, "argument '%s'", name);
	rc = path_eval(p, node, base, out);
	path_free(p);
	return rc;
}

int fn_witness(struct witness *w, const char *where, const json_t *value)
{
	witness_reset(w);
	w->value = value ? json_incref((json_t *)value) : NULL;
	return strbuf_addstr(&w->where, where);
}

int fn_glob(const char *pat, const char *text, int icase)
{
	const char *star = NULL, *mark = NULL;

	/* The classic greedy matcher with one backtrack point: linear in practice, never exponential. */
	while (*text) {
		if (*pat == '*') {
			star = pat++;
			mark = text;
		} else if (*pat == '?' || (icase ? tolower((unsigned char)*pat) == tolower((unsigned char)*text)
						 : *pat == *text)) {
			pat++;
			text++;
		} else if (star) {
			pat = star + 1;
			text = ++mark;
		} else {
			return 0;
		}
	}
	while (*pat == '*')
		pat++;
	return !*pat;
}

static int check_paths(const json_t *args, const char *const *names)
{
	struct path *p = NULL;
	size_t i;
	int rc;

	for (i = 0; names[i]; i++) {
		json_t *v = json_object_get(args, names[i]);

		if (!v)
			continue;
		if (!json_is_string(v))
			return err_set(ERR_INVALID, "'%s' is a path (a string)", names[i]);
		if ((rc = path_parse(&p, json_string_value(v))) < 0)
			return err_prefix(rc, "'%s'", names[i]);
		path_free(p);
	}
	return 0;
}

/* ---- rbac_allows ---- */

static int has_string(const json_t *list, const char *s)
{
	json_t *item;
	size_t i;

	if (json_is_string(list))
		return !strcmp(json_string_value(list), s);
	json_array_foreach(list, i, item)
		if (json_is_string(item) && !strcmp(json_string_value(item), s))
			return 1;
	return 0;
}

/* As the API server's RBAC authorizer matches resources: "*", exact "res/sub", or a star before "/sub". */
static int rbac_resource_matches(const json_t *rule_resources, const char *wanted)
{
	const char *slash = strchr(wanted, '/');
	json_t *item;
	size_t i;

	json_array_foreach(rule_resources, i, item) {
		const char *r = json_string_value(item);

		if (!r)
			continue;
		if (!strcmp(r, "*") || !strcmp(r, wanted))
			return 1;
		if (slash && r[0] == '*' && r[1] == '/' && !strcmp(r + 2, slash + 1))
			return 1;
	}
	return 0;
}

static int rbac_rule_grants(const json_t *rule, const json_t *args)
{
	const json_t *verbs = json_object_get(args, "verbs"), *resources = json_object_get(args, "resources"),
		     *groups = json_object_get(args, "api_groups"), *item;
	size_t i;
	int ok = 0;

	if (json_array_size(json_object_get(rule, "nonResourceURLs")) && !json_array_size(json_object_get(rule, "resources")))
		return 0;
	if (groups) {
		json_array_foreach(groups, i, item)
			ok |= has_string(json_object_get(rule, "apiGroups"), "*") ||
			      has_string(json_object_get(rule, "apiGroups"), json_string_value(item));
		if (!ok)
			return 0;
	}
	ok = 0;
	json_array_foreach(verbs, i, item)
		ok |= has_string(json_object_get(rule, "verbs"), "*") ||
		      has_string(json_object_get(rule, "verbs"), json_string_value(item));
	if (!ok)
		return 0;
	json_array_foreach(resources, i, item)
		if (rbac_resource_matches(json_object_get(rule, "resources"), json_string_value(item)))
			return 1;
	return 0;
}

static int rbac_allows(const json_t *node, const char *base, const json_t *args, const struct eval_ctx *ec,
		       json_t **value, struct witness *w)
{
	struct path_matches m = { NULL, 0, 0 };
	size_t i, k;
	int rc;

	(void)ec;
	if ((rc = fn_arg_matches(node, base, args, "rules", "rules[*]", &m)) < 0)
		goto cleanup;
	for (i = 0; i < m.n; i++) {
		const json_t *r = m.v[i].value;

		/* A path to the list itself is taken as its elements. */
		if (json_is_array(r)) {
			for (k = 0; k < json_array_size(r); k++) {
				if (rbac_rule_grants(json_array_get(r, k), args)) {
					struct strbuf at = STRBUF_INIT;

					strbuf_addf(&at, "%s[%zu]", m.v[i].where, k);
					rc = fn_witness(w, at.buf, json_array_get(r, k));
					strbuf_release(&at);
					*value = json_true();
					goto cleanup;
				}
			}
		} else if (json_is_object(r) && rbac_rule_grants(r, args)) {
			rc = fn_witness(w, m.v[i].where, r);
			*value = json_true();
			goto cleanup;
		}
	}
	*value = json_false();
	rc = 0;
cleanup:
	path_matches_release(&m);
	if (rc == ERR_NOMEM)
		return rc;
	if (rc < 0) {
		strbuf_addstr(&w->note, err_last());
		return TRI_ERROR;
	}
	return TRI_TRUE;
}

static int rbac_allows_check(const json_t *args)
{
	static const char *const names[] = { "rules", "verbs", "resources", "api_groups", NULL };
	static const char *const req[] = { "verbs", "resources", NULL };
	static const char *const paths[] = { "rules", NULL };
	int rc;

	if ((rc = fn_check_names(args, names, req)) < 0 || (rc = fn_check_strings(args, "verbs", 1)) < 0 ||
	    (rc = fn_check_strings(args, "resources", 1)) < 0 || (rc = fn_check_strings(args, "api_groups", 0)) < 0)
		return rc;
	return check_paths(args, paths);
}

/* ---- dates ---- */

static int ts_days(const json_t *v, int64_t *days)
{
	const char *s = json_string_value(v);
	int64_t epoch;

	if (!s || util_timestamp_parse(s, &epoch) < 0)
		return -1;
	*days = epoch >= 0 ? epoch / 86400 : -((-epoch + 86399) / 86400);
	return 0;
}

/* The credential report and other exports write these where there is no date. */
static int no_date(const json_t *v)
{
	static const char *const words[] = { "", "N/A", "n/a", "no_information", "not_supported", "none", NULL };
	const char *s = json_string_value(v);
	size_t i;

	if (!v)
		return 1;
	for (i = 0; s && words[i]; i++)
		if (!strcmp(s, words[i]))
			return 1;
	return 0;
}

static int date_fn(const json_t *node, const char *base, const json_t *args, const struct eval_ctx *ec,
		   json_t **value, struct witness *w, int until)
{
	struct path_matches m = { NULL, 0, 0 };
	int64_t d;
	int rc;

	if ((rc = fn_arg_matches(node, base, args, "path", "", &m)) < 0)
		goto cleanup;
	if (m.n != 1) {
		rc = err_set(ERR_INVALID, "the date path matched %zu values (use a scope to take them one by one)", m.n);
		goto cleanup;
	}
	if ((rc = fn_witness(w, m.v[0].where, m.v[0].value)) < 0)
		goto cleanup;
	if (no_date(m.v[0].value)) {
		*value = NULL;
		goto cleanup;
	}
	if (ts_days(m.v[0].value, &d) < 0) {
		rc = err_set(ERR_PARSE, "not a date or an ISO 8601 timestamp");
		goto cleanup;
	}
	*value = json_integer((json_int_t)(until ? d - ec->as_of_days : ec->as_of_days - d));
	strbuf_addf(&w->note, until ? "%lld days after the as_of date" : "%lld days before the as_of date",
		    (long long)(until ? d - ec->as_of_days : ec->as_of_days - d));
cleanup:
	path_matches_release(&m);
	if (rc == ERR_NOMEM)
		return rc;
	if (rc < 0) {
		strbuf_addstr(&w->note, err_last());
		return TRI_ERROR;
	}
	return TRI_TRUE;
}

static int age_days(const json_t *node, const char *base, const json_t *args, const struct eval_ctx *ec,
		    json_t **value, struct witness *w)
{
	return date_fn(node, base, args, ec, value, w, 0);
}

static int days_until(const json_t *node, const char *base, const json_t *args, const struct eval_ctx *ec,
		      json_t **value, struct witness *w)
{
	return date_fn(node, base, args, ec, value, w, 1);
}

static int date_check(const json_t *args)
{
	static const char *const names[] = { "path", NULL };
	int rc;

	if ((rc = fn_check_names(args, names, names)) < 0)
		return rc;
	return check_paths(args, names);
}

/* ---- addresses ---- */

int fn_cidr_parse(const char *s, struct fn_cidr *out)
{
	char buf[64];
	const char *slash;
	char *end;
	long prefix;
	size_t n;

	memset(out, 0, sizeof(*out));
	if (!strcmp(s, "*") || !strcasecmp(s, "any") || !strcasecmp(s, "internet")) {
		out->family = 0;
		return 0;
	}
	slash = strchr(s, '/');
	n = slash ? (size_t)(slash - s) : strlen(s);
	if (n == 0 || n >= sizeof(buf))
		return ERR_PARSE;
	memcpy(buf, s, n);
	buf[n] = 0;
	if (inet_pton(AF_INET, buf, out->addr) == 1)
		out->family = 4;
	else if (inet_pton(AF_INET6, buf, out->addr) == 1)
		out->family = 6;
	else
		return ERR_PARSE;
	out->prefix = out->family == 4 ? 32 : 128;
	if (slash) {
		if (!slash[1] || !isdigit((unsigned char)slash[1]))
			return ERR_PARSE;
		prefix = strtol(slash + 1, &end, 10);
		if (*end || prefix < 0 || prefix > out->prefix)
			return ERR_PARSE;
		out->prefix = (int)prefix;
	}
	return 0;
}

int fn_cidr_within(const struct fn_cidr *inner, const struct fn_cidr *outer)
{
	int i, full, rest;

	if (outer->family == 0)
		return 1;
	if (inner->family != outer->family || inner->prefix < outer->prefix)
		return 0;
	full = outer->prefix / 8;
	rest = outer->prefix % 8;
	for (i = 0; i < full; i++)
		if (inner->addr[i] != outer->addr[i])
			return 0;
	if (rest) {
		unsigned char mask = (unsigned char)(0xff << (8 - rest));

		if ((inner->addr[full] & mask) != (outer->addr[full] & mask))
			return 0;
	}
	return 1;
}

static int cidr_contains(const json_t *node, const char *base, const json_t *args, const struct eval_ctx *ec,
			 json_t **value, struct witness *w)
{
	struct path_matches m = { NULL, 0, 0 };
	struct fn_cidr want, have;
	size_t i;
	int rc;

	(void)ec;
	fn_cidr_parse(fn_arg_str(args, "contains", ""), &want); /* checked at load */
	if ((rc = fn_arg_matches(node, base, args, "path", "", &m)) < 0)
		goto cleanup;
	*value = json_false();
	for (i = 0; i < m.n; i++) {
		const char *s = json_string_value(m.v[i].value);

		if (!s)
			continue;
		if (fn_cidr_parse(s, &have) < 0) {
			fn_witness(w, m.v[i].where, m.v[i].value);
			rc = err_set(ERR_PARSE, "'%.60s' is not an address range", s);
			goto cleanup;
		}
		if (fn_cidr_within(&want, &have)) {
			json_decref(*value);
			*value = json_true();
			rc = fn_witness(w, m.v[i].where, m.v[i].value);
			goto cleanup;
		}
	}
	if (m.n)
		rc = fn_witness(w, m.v[0].where, m.v[0].value);
cleanup:
	path_matches_release(&m);
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

static int cidr_contains_check(const json_t *args)
{
	static const char *const names[] = { "path", "contains", NULL };
	static const char *const paths[] = { "path", NULL };
	struct fn_cidr c;
	int rc;

	if ((rc = fn_check_names(args, names, names)) < 0 || (rc = check_paths(args, paths)) < 0)
		return rc;
	if (!json_is_string(json_object_get(args, "contains")) || fn_cidr_parse(fn_arg_str(args, "contains", ""), &c) < 0)
		return err_set(ERR_INVALID, "'contains' is an address or a CIDR range");
	return 0;
}

/* ---- net_exposed ---- */

struct net_rule {
	size_t index;
	double priority;
	const json_t *r;
};

static int by_priority(const void *a, const void *b)
{
	const struct net_rule *x = a, *y = b;

	if (x->priority != y->priority)
		return x->priority < y->priority ? -1 : 1;
	return x->index < y->index ? -1 : x->index > y->index;
}

static int proto_number(const char *p)
{
	if (!strcasecmp(p, "tcp") || !strcmp(p, "6"))
		return 6;
	if (!strcasecmp(p, "udp") || !strcmp(p, "17"))
		return 17;
	if (!strcasecmp(p, "icmp") || !strcmp(p, "1"))
		return 1;
	if (!strcasecmp(p, "icmpv6") || !strcmp(p, "58"))
		return 58;
	if (!strcmp(p, "*") || !strcmp(p, "-1") || !strcasecmp(p, "all") || !strcasecmp(p, "any"))
		return -1;
	return atoi(p) > 0 ? atoi(p) : -2;
}

static int rule_proto(const json_t *r)
{
	const json_t *p = json_object_get(r, "protocol");
	char buf[24];

	if (!p)
		return -1;
	if (json_is_integer(p)) {
		snprintf(buf, sizeof(buf), "%lld", (long long)json_integer_value(p));
		return proto_number(buf);
	}
	return json_is_string(p) ? proto_number(json_string_value(p)) : -2;
}

/* Port ranges of a rule: from_port/to_port, or "ports" ["22", "1000-2000", "*", 443]. Absent means all. */
static int port_covers(const json_t *r, long lo, long hi, int any_port)
{
	const json_t *ports = json_object_get(r, "ports"), *item;
	const json_t *fp = json_object_get(r, "from_port"), *tp = json_object_get(r, "to_port");
	size_t i;

	if (json_is_array(ports) && json_array_size(ports)) {
		json_array_foreach(ports, i, item) {
			long a, b;

			if (json_is_integer(item)) {
				a = b = (long)json_integer_value(item);
			} else if (json_is_string(item)) {
				const char *s = json_string_value(item);
				char *end;

				if (!strcmp(s, "*")) {
					a = 0;
					b = 65535;
				} else {
					a = strtol(s, &end, 10);
					b = *end == '-' ? strtol(end + 1, &end, 10) : a;
					if (*end)
						continue;
				}
			} else {
				continue;
			}
			if (any_port ? (b >= lo && a <= hi) : (a <= lo && b >= hi))
				return 1;
		}
		return 0;
	}
	if (json_is_integer(fp) && json_integer_value(fp) >= 0) {
		long a = (long)json_integer_value(fp), b = json_is_integer(tp) ? (long)json_integer_value(tp) : a;

		if (b < 0)
			b = 65535;
		return any_port ? (b >= lo && a <= hi) : (a <= lo && b >= hi);
	}
	return 1;
}

static int rule_source_contains(const json_t *r, const struct fn_cidr *probe)
{
	const json_t *src = json_object_get(r, "sources"), *item;
	struct fn_cidr c;
	size_t i;

	if (json_is_string(json_object_get(r, "source")) &&
	    fn_cidr_parse(json_string_value(json_object_get(r, "source")), &c) == 0 && fn_cidr_within(probe, &c))
		return 1;
	json_array_foreach(src, i, item)
		if (json_is_string(item) && fn_cidr_parse(json_string_value(item), &c) == 0 && fn_cidr_within(probe, &c))
			return 1;
	return 0;
}

static int rule_denies(const json_t *r)
{
	const char *a = json_string_value(json_object_get(r, "action"));

	return a && !strcasecmp(a, "deny");
}

static int rule_disabled(const json_t *r)
{
	return json_is_true(json_object_get(r, "disabled")) || json_is_false(json_object_get(r, "enabled"));
}

/* The first rule deciding traffic from probe to ports lo..hi; -1 when none does. */
static long decide(const struct net_rule *rules, size_t n, const struct fn_cidr *probe, int proto, long lo, long hi,
		   int any_port, int *allowed)
{
	size_t i;

	for (i = 0; i < n; i++) {
		const json_t *r = rules[i].r;
		int rp = rule_proto(r);

		if (rule_disabled(r) || !rule_source_contains(r, probe))
			continue;
		if (rp != -1 && (proto == -1 || rp != proto))
			continue;
		if (!rule_denies(r) ? !port_covers(r, lo, hi, any_port) : !port_covers(r, lo, hi, 0))
			continue;
		*allowed = !rule_denies(r);
		return (long)i;
	}
	return -1;
}

/* 0: the listed ports; 1: one rule opens every port; 2: any port at all is open. */
static int port_mode(const json_t *args)
{
	if (json_is_true(json_object_get(args, "all_ports")))
		return 1;
	if (json_is_true(json_object_get(args, "any_port")))
		return 2;
	return 0;
}

static int net_exposed(const json_t *node, const char *base, const json_t *args, const struct eval_ctx *ec,
		       json_t **value, struct witness *w)
{
	const char *rules_path = fn_arg_str(args, "rules", "ingress");
	const json_t *rules = path_get(node, rules_path), *sources = json_object_get(args, "sources"),
		     *ports = json_object_get(args, "ports"), *item, *src;
	static const char *const internet[] = { "0.0.0.0/0", "::/0" };
	struct net_rule *sorted = NULL;
	struct strbuf at = STRBUF_INIT;
	int proto = proto_number(fn_arg_str(args, "protocol", "tcp")), all = port_mode(args);
	size_t i, k, n = json_array_size(rules), nsrc;
	int rc = TRI_TRUE;

	(void)ec;
	*value = json_false();
	if (!n)
		goto done;
	if (!(sorted = calloc(n, sizeof(*sorted))))
		return err_set(ERR_NOMEM, "out of memory");
	json_array_foreach(rules, i, item) {
		const json_t *pr = json_object_get(item, "priority");

		sorted[i].index = i;
		sorted[i].r = item;
		sorted[i].priority = json_is_number(pr) ? json_number_value(pr) : 1e18;
	}
	qsort(sorted, n, sizeof(*sorted), by_priority);
	nsrc = sources ? json_array_size(sources) : 2;
	for (k = 0; k < nsrc; k++) {
		struct fn_cidr probe;
		size_t p, np = all ? 1 : json_array_size(ports);

		src = sources ? json_array_get(sources, k) : NULL;
		if (fn_cidr_parse(src ? json_string_value(src) : internet[k], &probe) < 0)
			continue;
		for (p = 0; p < np; p++) {
			long lo = 0, hi = 65535, d;
			int allowed = 0;

			if (!all) {
				lo = hi = (long)json_integer_value(json_array_get(ports, p));
			}
			d = decide(sorted, n, &probe, proto, lo, hi, all == 2, &allowed);
			if (d >= 0 && allowed) {
				strbuf_addf(&at, "%s%s", base && *base ? base : "", base && *base ? "." : "");
				strbuf_addf(&at, "%s[%zu]", rules_path, sorted[d].index);
				rc = fn_witness(w, at.buf, sorted[d].r);
				json_decref(*value);
				*value = json_true();
				goto done;
			}
		}
	}
done:
	if (!w->where.len && rc >= 0) {
		strbuf_addf(&at, "%s%s%s", base && *base ? base : "", base && *base ? "." : "", rules_path);
		rc = fn_witness(w, at.buf, rules);
		if (rc == 0)
			rc = TRI_TRUE;
	}
	free(sorted);
	strbuf_release(&at);
	return rc < 0 ? rc : TRI_TRUE;
}

static int net_exposed_check(const json_t *args)
{
	static const char *const names[] = { "rules", "ports", "all_ports", "any_port", "protocol", "sources", NULL };
	static const char *const paths[] = { "rules", NULL };
	const json_t *ports = json_object_get(args, "ports"), *item;
	struct fn_cidr c;
	size_t i;
	int rc, modes = 0;

	if ((rc = fn_check_names(args, names, NULL)) < 0 || (rc = check_paths(args, paths)) < 0 ||
	    (rc = fn_check_strings(args, "sources", 0)) < 0)
		return rc;
	modes = !!ports + json_is_true(json_object_get(args, "all_ports")) + json_is_true(json_object_get(args, "any_port"));
	if (modes != 1)
		return err_set(ERR_INVALID, "give exactly one of 'ports' (a list), 'all_ports': true or 'any_port': true");
	json_array_foreach(ports, i, item)
		if (!json_is_integer(item) || json_integer_value(item) < 0 || json_integer_value(item) > 65535)
			return err_set(ERR_INVALID, "'ports' is a list of port numbers (0-65535)");
	if (ports && (!json_is_array(ports) || !json_array_size(ports)))
		return err_set(ERR_INVALID, "'ports' is a list of port numbers (0-65535)");
	if (json_object_get(args, "protocol") && proto_number(fn_arg_str(args, "protocol", "")) == -2)
		return err_set(ERR_INVALID, "'protocol' is tcp, udp, icmp, icmpv6, all or a protocol number");
	json_array_foreach(json_object_get(args, "sources"), i, item)
		if (fn_cidr_parse(json_string_value(item), &c) < 0)
			return err_set(ERR_INVALID, "'sources' holds '%s', not an address range", json_string_value(item));
	return 0;
}

const struct rule_fn rule_fns[] = {
	{ "rbac_allows", rbac_allows, rbac_allows_check,
	  "true when a Kubernetes RBAC rule at 'rules' grants one of 'verbs' on one of 'resources' (in 'api_groups')" },
	{ "iam_allows", fn_iam_allows, fn_iam_allows_check,
	  "true when the IAM policy documents at 'policy' allow one of 'actions' on 'resource'" },
	{ "iam_external_principals", fn_iam_external, fn_iam_external_check,
	  "the principals of the policy at 'policy' outside the account at 'account' and 'trusted'" },
	{ "net_exposed", net_exposed, net_exposed_check,
	  "true when the ordered allow/deny rules at 'rules' let 'sources' (the internet) reach 'ports'" },
	{ "cidr_contains", cidr_contains, cidr_contains_check,
	  "true when a range at 'path' contains the range or address 'contains'" },
	{ "age_days", age_days, date_check, "whole days from the date at 'path' to the engagement's as_of date" },
	{ "days_until", days_until, date_check, "whole days from the as_of date to the date at 'path'" },
	{ "aws_metric_alarm", fn_aws_metric_alarm, fn_aws_metric_alarm_check,
	  "true when a multi-region trail feeds a log metric filter holding 'patterns' with an alarm and a subscriber" },
	{ NULL, NULL, NULL, NULL },
};

const struct rule_fn *rule_fn_find(const char *name)
{
	size_t i;

	for (i = 0; rule_fns[i].name; i++)
		if (!strcmp(rule_fns[i].name, name))
			return &rule_fns[i];
	return NULL;
}
