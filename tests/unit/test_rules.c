/* The rule language: paths, predicates, functions, the pack loader, waivers and the engine. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "compliance/engine.h"
#include "compliance/fn.h"
#include "compliance/input.h"
#include "compliance/path.h"
#include "compliance/pred.h"
#include "compliance/rule.h"
#include "compliance/waiver.h"
#include "core/err.h"
#include "core/jsonx.h"
#include "core/util.h"
#include "th.h"

static json_t *J(const char *text)
{
	json_t *v = NULL;

	ck_assert_msg(jsonx_parse(text, strlen(text), "test", &v) == 0, "%s", err_last());
	return v;
}

START_TEST(paths_parse_and_refuse)
{
	static const char *const good[] = { "a.b[0].c", "metadata.labels[\"app.kubernetes.io/name\"]", "x[*].y", "*.z",
					    "", "a[\"q\\\"uote\"]", "spec.template.spec.containers[*].securityContext.privileged",
					    NULL };
	static const char *const bad[] = { "a..b", "a[", "a[x]", "a.", ".a", "a[\"b", "a b", "a[1", NULL };
	struct path *p = NULL;
	struct strbuf big = STRBUF_INIT;
	size_t i;

	for (i = 0; good[i]; i++) {
		ck_assert_msg(path_parse(&p, good[i]) == 0, "%s: %s", good[i], err_last());
		path_free(p);
	}
	ck_assert_int_eq(path_parse(&p, "x[*].y"), 0);
	ck_assert_int_eq(p->n, 3);
	ck_assert(p->wild);
	path_free(p);
	for (i = 0; bad[i]; i++)
		ck_assert_msg(path_parse(&p, bad[i]) == ERR_PARSE, "'%s' was accepted", bad[i]);
	ck_assert_int_eq(path_parse(&p, "a..b"), ERR_PARSE);
	ck_assert_str_eq(err_last(), "column 3: a step is missing before '.'");
	for (i = 0; i < 40; i++)
		strbuf_addstr(&big, "a.");
	strbuf_addstr(&big, "z");
	ck_assert_int_eq(path_parse(&p, big.buf), ERR_PARSE);
	ck_assert_str_eq(err_last(), "more than 32 steps");
	strbuf_release(&big);
}
END_TEST

START_TEST(paths_fan_out_and_report_absent_values)
{
	json_t *doc = J("{\"containers\": [{\"name\": \"a\", \"securityContext\": {\"privileged\": true}},"
			"{\"name\": \"b\"}, {\"name\": \"c\", \"securityContext\": null}],"
			"\"labels\": {\"app.kubernetes.io/name\": \"web\", \"tier\": \"x\"}}");
	struct path_matches m = { NULL, 0, 0 };
	struct path *p = NULL;

	ck_assert_int_eq(path_parse(&p, "containers[*].securityContext.privileged"), 0);
	ck_assert_int_eq(path_eval(p, doc, "", &m), 0);
	ck_assert_int_eq(m.n, 3);
	ck_assert_str_eq(m.v[0].where, "containers[0].securityContext.privileged");
	ck_assert(json_is_true(m.v[0].value));
	ck_assert_str_eq(m.v[1].where, "containers[1].securityContext.privileged");
	ck_assert_ptr_null(m.v[1].value);
	ck_assert_str_eq(m.v[2].where, "containers[2].securityContext.privileged");
	ck_assert_ptr_null(m.v[2].value);
	path_matches_release(&m);
	path_free(p);
	ck_assert_int_eq(path_parse(&p, "labels.*"), 0);
	ck_assert_int_eq(path_eval(p, doc, "spec", &m), 0);
	ck_assert_int_eq(m.n, 2);
	ck_assert_str_eq(m.v[0].where, "spec.labels[\"app.kubernetes.io/name\"]");
	path_matches_release(&m);
	path_free(p);
	/* A wildcard over nothing matches nothing. */
	ck_assert_int_eq(path_parse(&p, "volumes[*].hostPath"), 0);
	ck_assert_int_eq(path_eval(p, doc, "", &m), 0);
	ck_assert_int_eq(m.n, 0);
	path_free(p);
	ck_assert_ptr_nonnull(path_get(doc, "labels[\"app.kubernetes.io/name\"]"));
	json_decref(doc);
}
END_TEST

START_TEST(paths_set_build_fixtures)
{
	json_t *doc = J("{\"spec\": {\"containers\": [{\"name\": \"a\"}]}}");
	struct path *p = NULL;

	ck_assert_int_eq(path_parse(&p, "spec.containers[0].securityContext.privileged"), 0);
	ck_assert_int_eq(path_set(doc, p, json_true()), 0);
	path_free(p);
	ck_assert_int_eq(path_parse(&p, "spec.containers[1]"), 0);
	ck_assert_int_eq(path_set(doc, p, json_pack("{s:s}", "name", "b")), 0);
	path_free(p);
	ck_assert(json_is_true(path_get(doc, "spec.containers[0].securityContext.privileged")));
	ck_assert_str_eq(json_string_value(path_get(doc, "spec.containers[1].name")), "b");
	ck_assert_int_eq(path_parse(&p, "spec.containers[5].name"), 0);
	ck_assert_int_eq(path_set(doc, p, json_string("x")), ERR_INVALID);
	path_free(p);
	ck_assert_int_eq(path_parse(&p, "spec.containers[0].securityContext"), 0);
	ck_assert_int_eq(path_unset(doc, p), 0);
	path_free(p);
	ck_assert_ptr_null(path_get(doc, "spec.containers[0].securityContext"));
	json_decref(doc);
}
END_TEST

/* Compile spec (with params), evaluate on doc; returns the tri value and fills where/value text. */
static int judge(const char *spec, const char *params, const char *doc, char *where, size_t wlen, char **value)
{
	json_t *s = J(spec), *p = params ? J(params) : json_object(), *d = J(doc);
	struct pred *pr = NULL;
	struct witness w;
	struct eval_ctx ec;
	struct util_date as_of;
	int r;

	util_date_parse("2025-06-30", &as_of);
	ec.as_of_days = util_date_days(&as_of);
	ec.params = p;
	ec.depth = 0;
	ck_assert_msg(pred_compile(&pr, s, p, "assert") == 0, "%s", err_last());
	witness_init(&w);
	r = pred_eval(pr, d, "", &ec, &w);
	if (where)
		snprintf(where, wlen, "%s", w.where.buf);
	if (value)
		*value = w.value ? json_dumps(w.value, JSON_COMPACT | JSON_ENCODE_ANY) : strdup("absent");
	witness_release(&w);
	pred_free(pr);
	json_decref(s);
	json_decref(p);
	json_decref(d);
	return r;
}

static const char *const pod3 =
	"{\"containers\": [{\"name\": \"a\", \"securityContext\": {\"privileged\": false, \"runAsUser\": 1000}},"
	"{\"name\": \"b\", \"securityContext\": {\"privileged\": true, \"runAsUser\": \"root\"}}, {\"name\": \"c\"}],"
	"\"caps\": [\"NET_RAW\", \"CHOWN\"], \"image\": \"nginx:latest\"}";

START_TEST(predicates_decide_with_a_witness)
{
	char where[256], *value = NULL;

	ck_assert_int_eq(judge("{\"path\": \"containers[*].securityContext.privileged\", \"ne\": true}", NULL, pod3, where,
			       sizeof(where), &value), TRI_FALSE);
	ck_assert_str_eq(where, "containers[1].securityContext.privileged");
	ck_assert_str_eq(value, "true");
	free(value);
	ck_assert_int_eq(judge("{\"path\": \"containers[*].securityContext.privileged\", \"eq\": false}", NULL, pod3, where,
			       sizeof(where), &value), TRI_FALSE);
	ck_assert_str_eq(where, "containers[1].securityContext.privileged");
	free(value);
	/* The absent value of container c is taken from default. */
	ck_assert_int_eq(judge("{\"path\": \"containers[2].securityContext.privileged\", \"eq\": false, \"default\": false}",
			       NULL, pod3, NULL, 0, NULL), TRI_TRUE);
	ck_assert_int_eq(judge("{\"path\": \"containers[*].name\", \"quantifier\": \"any\", \"eq\": \"c\"}", NULL, pod3, where,
			       sizeof(where), NULL), TRI_TRUE);
	ck_assert_str_eq(where, "containers[2].name");
	ck_assert_int_eq(judge("{\"path\": \"caps[*]\", \"quantifier\": \"none\", \"matches\": \"^net_raw$\", \"flags\": \"i\"}",
			       NULL, pod3, where, sizeof(where), NULL), TRI_FALSE);
	ck_assert_str_eq(where, "caps[0]");
	/* A number compared with a string is an error, not a failure. */
	ck_assert_int_eq(judge("{\"path\": \"containers[*].securityContext.runAsUser\", \"gt\": 0}", NULL, pod3, where,
			       sizeof(where), NULL), TRI_FALSE);
	ck_assert_str_eq(where, "containers[2].securityContext.runAsUser");
}
END_TEST

START_TEST(predicates_combine_three_valued)
{
	char where[256];

	ck_assert_int_eq(judge("{\"path\": \"containers[1].securityContext.runAsUser\", \"gt\": 0}", NULL, pod3, NULL, 0,
			       NULL), TRI_ERROR);
	/* all: a false wins over an error; any: a true wins over an error. */
	ck_assert_int_eq(judge("{\"all\": [{\"path\": \"containers[1].securityContext.runAsUser\", \"gt\": 0},"
			       "{\"path\": \"image\", \"eq\": \"x\"}]}", NULL, pod3, where, sizeof(where), NULL), TRI_FALSE);
	ck_assert_str_eq(where, "image");
	ck_assert_int_eq(judge("{\"any\": [{\"path\": \"containers[1].securityContext.runAsUser\", \"gt\": 0},"
			       "{\"path\": \"image\", \"matches\": \":latest$\"}]}", NULL, pod3, NULL, 0, NULL), TRI_TRUE);
	ck_assert_int_eq(judge("{\"all\": [{\"path\": \"containers[1].securityContext.runAsUser\", \"gt\": 0},"
			       "{\"path\": \"image\", \"exists\": true}]}", NULL, pod3, NULL, 0, NULL), TRI_ERROR);
	ck_assert_int_eq(judge("{\"none\": [{\"path\": \"image\", \"contains\": \"latest\"}]}", NULL, pod3, NULL, 0, NULL),
			 TRI_FALSE);
	ck_assert_int_eq(judge("{\"not\": {\"path\": \"caps\", \"contains\": \"CHOWN\"}}", NULL, pod3, NULL, 0, NULL),
			 TRI_FALSE);
	ck_assert_int_eq(judge("{\"path\": \"image\", \"in\": {\"param\": \"ok\"}}", "{\"ok\": [\"nginx:latest\", \"x\"]}", pod3,
			       NULL, 0, NULL), TRI_TRUE);
	/* Counts and scopes. */
	ck_assert_int_eq(judge("{\"count\": \"containers[*]\", \"where\": {\"path\": \"securityContext\", \"exists\": true},"
			       " \"eq\": 2}", NULL, pod3, where, sizeof(where), NULL), TRI_TRUE);
	ck_assert_str_eq(where, "containers[*]");
	ck_assert_int_eq(judge("{\"path\": \"containers[*]\", \"quantifier\": \"none\", \"where\": {\"all\": ["
			       "{\"path\": \"name\", \"eq\": \"b\"}, {\"path\": \"securityContext.privileged\", \"eq\": true}]}}",
			       NULL, pod3, where, sizeof(where), NULL), TRI_FALSE);
	ck_assert_str_eq(where, "containers[1].name");
	ck_assert_int_eq(judge("{\"path\": \"\", \"exists\": true}", NULL, "{}", NULL, 0, NULL), TRI_TRUE);
}
END_TEST

static const char *compile_error(const char *spec, const char *params)
{
	static char msg[512];
	json_t *s = J(spec), *p = params ? J(params) : json_object();
	struct pred *pr = NULL;

	ck_assert_int_lt(pred_compile(&pr, s, p, "assert"), 0);
	snprintf(msg, sizeof(msg), "%s", err_last());
	json_decref(s);
	json_decref(p);
	return msg;
}

START_TEST(predicates_refused_at_load)
{
	ck_assert_str_eq(compile_error("{\"path\": \"a\", \"equals\": 1}", NULL),
			 "assert: unknown key 'equals' (see docs/rules.md, \"Predicates\")");
	ck_assert_str_eq(compile_error("{\"all\": [{\"path\": \"a\", \"eq\": 1, \"ne\": 2}]}", NULL),
			 "assert.all[0]: give one operator per predicate (combine several with 'all')");
	ck_assert_str_eq(compile_error("{\"path\": \"a\", \"matches\": \"(a)\\\\1\"}", NULL),
			 "assert: back-references (\\N) are not allowed in patterns");
	ck_assert(strstr(compile_error("{\"path\": \"a\", \"matches\": \"([\"}", NULL), "assert: bad regular expression"));
	ck_assert_str_eq(compile_error("{\"path\": \"a\", \"le\": {\"param\": \"max\"}}", NULL),
			 "assert: names the parameter 'max', which the rule's params do not define");
	ck_assert_str_eq(compile_error("{\"path\": \"a\", \"lt\": \"x\"}", NULL), "assert: 'lt' compares with a number");
	ck_assert_str_eq(compile_error("{\"fn\": \"nope\"}", NULL), "assert: unknown function 'nope'");
	ck_assert_str_eq(compile_error("{\"fn\": \"net_exposed\", \"args\": {\"ports\": [22], \"all_ports\": true}}", NULL),
			 "assert: net_exposed(): give exactly one of 'ports' (a list), 'all_ports': true or 'any_port': true");
	ck_assert_str_eq(compile_error("{\"fn\": \"rbac_allows\", \"args\": {\"verbs\": [\"get\"]}}", NULL),
			 "assert: rbac_allows(): the argument 'resources' is required");
	ck_assert_str_eq(compile_error("{\"path\": \"a..b\", \"eq\": 1}", NULL),
			 "assert: path 'a..b': column 3: a step is missing before '.'");
	ck_assert_str_eq(compile_error("{\"path\": \"a\"}", NULL),
			 "assert: a test on 'a' needs an operator (eq, ne, lt, gt, le, ge, in, matches, exists, absent, contains)");
}
END_TEST

START_TEST(cidr_maths_both_families)
{
	struct cidr a, b;

	ck_assert_int_eq(cidr_parse("10.1.2.0/24", &a), 0);
	ck_assert_int_eq(cidr_parse("10.0.0.0/8", &b), 0);
	ck_assert(cidr_within(&a, &b));
	ck_assert(!cidr_within(&b, &a));
	ck_assert_int_eq(cidr_parse("0.0.0.0/0", &b), 0);
	ck_assert(cidr_within(&a, &b));
	ck_assert_int_eq(cidr_parse("2001:db8::/32", &a), 0);
	ck_assert(!cidr_within(&a, &b)); /* families never mix */
	ck_assert_int_eq(cidr_parse("::/0", &b), 0);
	ck_assert(cidr_within(&a, &b));
	ck_assert_int_eq(cidr_parse("2001:db8:8000::/33", &b), 0);
	ck_assert_int_eq(cidr_parse("2001:db8:ffff::1", &a), 0);
	ck_assert(cidr_within(&a, &b));
	ck_assert_int_eq(cidr_parse("2001:db8:7fff::1", &a), 0);
	ck_assert(!cidr_within(&a, &b));
	ck_assert_int_eq(cidr_parse("*", &b), 0);
	ck_assert(cidr_within(&a, &b));
	ck_assert_int_eq(cidr_parse("10.0.0.0/33", &a), ERR_PARSE);
	ck_assert_int_eq(cidr_parse("10.0.0/8", &a), ERR_PARSE);
	ck_assert_int_eq(cidr_parse("::/129", &a), ERR_PARSE);
	ck_assert_int_eq(cidr_parse("/8", &a), ERR_PARSE);
}
END_TEST

START_TEST(network_exposure_in_order)
{
	static const char *const sg_open =
		"{\"ingress\": [{\"protocol\": \"tcp\", \"from_port\": 443, \"to_port\": 443, \"sources\": [\"0.0.0.0/0\"]},"
		"{\"protocol\": \"tcp\", \"from_port\": 20, \"to_port\": 30, \"sources\": [\"10.0.0.0/8\", \"::/0\"]}]}";
	static const char *const nacl =
		"{\"ingress\": [{\"priority\": 200, \"action\": \"allow\", \"protocol\": \"-1\", \"sources\": [\"0.0.0.0/0\"]},"
		"{\"priority\": 100, \"action\": \"deny\", \"protocol\": \"6\", \"from_port\": 22, \"to_port\": 22,"
		" \"sources\": [\"0.0.0.0/0\"]}]}";
	static const char *const nsg =
		"{\"ingress\": [{\"priority\": 100, \"action\": \"Allow\", \"protocol\": \"*\", \"ports\": [\"3000-3500\"],"
		" \"sources\": [\"Internet\"]}, {\"priority\": 90, \"action\": \"Allow\", \"protocol\": \"Udp\", \"ports\": [\"*\"],"
		" \"sources\": [\"*\"], \"disabled\": true}]}";
	char where[256];

	ck_assert_int_eq(judge("{\"fn\": \"net_exposed\", \"args\": {\"ports\": [22]}}", NULL, sg_open, where, sizeof(where),
			       NULL), TRI_TRUE);
	ck_assert_str_eq(where, "ingress[1]"); /* IPv6 ::/0 reaches port 22 */
	ck_assert_int_eq(judge("{\"fn\": \"net_exposed\", \"args\": {\"ports\": [22], \"sources\": [\"0.0.0.0/0\"]}}", NULL,
			       sg_open, NULL, 0, NULL), TRI_FALSE);
	ck_assert_int_eq(judge("{\"fn\": \"net_exposed\", \"args\": {\"ports\": [22]}}", NULL, nacl, where,
			       sizeof(where), NULL), TRI_FALSE); /* the deny at 100 comes before the allow at 200 */
	ck_assert_int_eq(judge("{\"fn\": \"net_exposed\", \"args\": {\"ports\": [3389]}}", NULL, nacl, where, sizeof(where),
			       NULL), TRI_TRUE);
	ck_assert_str_eq(where, "ingress[0]");
	ck_assert_int_eq(judge("{\"fn\": \"net_exposed\", \"args\": {\"all_ports\": true}}", NULL, nacl, NULL, 0, NULL),
			 TRI_TRUE);
	ck_assert_int_eq(judge("{\"fn\": \"net_exposed\", \"args\": {\"all_ports\": true}}", NULL, sg_open, NULL, 0, NULL),
			 TRI_FALSE);
	ck_assert_int_eq(judge("{\"fn\": \"net_exposed\", \"args\": {\"ports\": [3389]}}", NULL, nsg, NULL, 0, NULL),
			 TRI_TRUE);
	ck_assert_int_eq(judge("{\"fn\": \"net_exposed\", \"args\": {\"any_port\": true, \"protocol\": \"udp\"}}", NULL, nsg,
			       NULL, 0, NULL), TRI_TRUE); /* the disabled rule does not count; the first one allows all */
	ck_assert_int_eq(judge("{\"fn\": \"net_exposed\", \"args\": {\"ports\": [22]}}", NULL, nsg, NULL, 0, NULL), TRI_FALSE);
	ck_assert_int_eq(judge("{\"fn\": \"net_exposed\", \"args\": {\"ports\": [22]}}", NULL, "{}", NULL, 0, NULL), TRI_FALSE);
}
END_TEST

START_TEST(rbac_matching_as_the_api_server_does)
{
	static const char *const role =
		"{\"rules\": [{\"apiGroups\": [\"apps\"], \"resources\": [\"deployments\"], \"verbs\": [\"*\"]},"
		"{\"apiGroups\": [\"\"], \"resources\": [\"*/exec\"], \"verbs\": [\"create\"]},"
		"{\"nonResourceURLs\": [\"*\"], \"verbs\": [\"get\"]}]}";
	char where[256];

	ck_assert_int_eq(judge("{\"fn\": \"rbac_allows\", \"args\": {\"verbs\": [\"get\", \"create\"], \"resources\":"
			       " [\"pods/exec\"], \"api_groups\": [\"\"]}}", NULL, role, where, sizeof(where), NULL), TRI_TRUE);
	ck_assert_str_eq(where, "rules[1]");
	ck_assert_int_eq(judge("{\"fn\": \"rbac_allows\", \"args\": {\"verbs\": [\"get\"], \"resources\": [\"pods/exec\"]}}",
			       NULL, role, NULL, 0, NULL), TRI_FALSE);
	ck_assert_int_eq(judge("{\"fn\": \"rbac_allows\", \"args\": {\"verbs\": [\"delete\"], \"resources\": [\"deployments\"],"
			       " \"api_groups\": [\"\"]}}", NULL, role, NULL, 0, NULL), TRI_FALSE);
	ck_assert_int_eq(judge("{\"fn\": \"rbac_allows\", \"args\": {\"verbs\": [\"delete\"], \"resources\": [\"deployments\"]}}",
			       NULL, role, NULL, 0, NULL), TRI_TRUE);
	ck_assert_int_eq(judge("{\"fn\": \"rbac_allows\", \"args\": {\"rules\": \"none\", \"verbs\": [\"get\"], "
			       "\"resources\": [\"secrets\"]}, \"eq\": false}", NULL, role, NULL, 0, NULL), TRI_TRUE);
}
END_TEST

START_TEST(iam_policies_read_statically)
{
	static const char *const admin =
		"{\"document\": {\"Version\": \"2012-10-17\", \"Statement\": [{\"Effect\": \"Allow\", \"Action\": \"s3:*\","
		" \"Resource\": \"*\"}, {\"Effect\": \"Allow\", \"Action\": [\"*\"], \"Resource\": \"*\"}]}}";
	static const char *const notaction =
		"{\"document\": {\"Statement\": {\"Effect\": \"Allow\", \"NotAction\": \"iam:*\", \"Resource\": \"*\"}}}";
	static const char *const denied =
		"{\"document\": {\"Statement\": [{\"Effect\": \"Allow\", \"Action\": \"*\", \"Resource\": \"*\"},"
		"{\"Effect\": \"Deny\", \"Action\": \"*\", \"Resource\": \"*\"}]}}";
	/* GetAccountAuthorizationDetails hands documents back URL-encoded. */
	static const char *const encoded =
		"{\"document\": \"%7B%22Statement%22%3A%5B%7B%22Effect%22%3A%22Allow%22%2C%22Action%22%3A%22*%22%2C"
		"%22Resource%22%3A%22*%22%7D%5D%7D\"}";
	char where[256];

	ck_assert_int_eq(judge("{\"fn\": \"iam_allows\", \"args\": {\"actions\": [\"*\"]}}", NULL, admin, where,
			       sizeof(where), NULL), TRI_TRUE);
	ck_assert_str_eq(where, "document.Statement[1]");
	ck_assert_int_eq(judge("{\"fn\": \"iam_allows\", \"args\": {\"actions\": [\"iam:CreateUser\"]}}", NULL, admin, NULL, 0,
			       NULL), TRI_TRUE);
	ck_assert_int_eq(judge("{\"fn\": \"iam_allows\", \"args\": {\"actions\": [\"*\"]}}", NULL, notaction, where,
			       sizeof(where), NULL), TRI_TRUE);
	ck_assert_str_eq(where, "document.Statement");
	ck_assert_int_eq(judge("{\"fn\": \"iam_allows\", \"args\": {\"actions\": [\"iam:PassRole\"]}}", NULL, notaction, NULL,
			       0, NULL), TRI_FALSE);
	ck_assert_int_eq(judge("{\"fn\": \"iam_allows\", \"args\": {\"actions\": [\"*\"]}}", NULL, denied, NULL, 0, NULL),
			 TRI_FALSE);
	ck_assert_int_eq(judge("{\"fn\": \"iam_allows\", \"args\": {\"actions\": [\"*\"]}}", NULL, encoded, NULL, 0, NULL),
			 TRI_TRUE);
	ck_assert_int_eq(judge("{\"fn\": \"iam_allows\", \"args\": {\"actions\": [\"*\"]}}", NULL, "{\"document\": \"{nope\"}",
			       NULL, 0, NULL), TRI_ERROR);
}
END_TEST

START_TEST(trust_policies_name_outsiders)
{
	static const char *const role =
		"{\"account_id\": \"111111111111\", \"policy\": {\"Statement\": ["
		"{\"Effect\": \"Allow\", \"Principal\": {\"Service\": \"ec2.amazonaws.com\"}, \"Action\": \"sts:AssumeRole\"},"
		"{\"Effect\": \"Allow\", \"Principal\": {\"AWS\": [\"arn:aws:iam::111111111111:root\","
		" \"arn:aws:iam::222222222222:role/ci\"]}, \"Action\": \"sts:AssumeRole\"},"
		"{\"Effect\": \"Allow\", \"Principal\": {\"AWS\": \"333333333333\"}, \"Action\": \"sts:AssumeRole\","
		" \"Condition\": {\"StringEquals\": {\"sts:ExternalId\": \"x\"}}},"
		"{\"Effect\": \"Allow\", \"Principal\": \"*\", \"Action\": \"sts:AssumeRole\","
		" \"Condition\": {\"StringEquals\": {\"aws:PrincipalOrgID\": \"o-1\"}}}]}}";
	char where[256], *value = NULL;

	ck_assert_int_eq(judge("{\"fn\": \"iam_external_principals\", \"args\": {}, \"eq\": []}", NULL, role, where,
			       sizeof(where), &value), TRI_FALSE);
	ck_assert_str_eq(where, "policy.Statement[1]");
	ck_assert_str_eq(value, "[\"arn:aws:iam::222222222222:role/ci\",\"333333333333\"]");
	free(value);
	ck_assert_int_eq(judge("{\"fn\": \"iam_external_principals\", \"args\": {\"require_external_id\": true,"
			       " \"trusted\": [\"222222222222\"]}, \"eq\": []}", NULL, role, NULL, 0, NULL), TRI_TRUE);
	ck_assert_int_eq(judge("{\"fn\": \"iam_external_principals\", \"args\": {\"policy\": \"p\"}, \"contains\": \"*\"}", NULL,
			       "{\"p\": {\"Statement\": [{\"Effect\": \"Allow\", \"Principal\": {\"AWS\": \"*\"}, \"Action\":"
			       " \"s3:GetObject\"}]}}", NULL, 0, NULL), TRI_TRUE);
}
END_TEST

START_TEST(dates_against_as_of)
{
	char *value = NULL;

	ck_assert_int_eq(judge("{\"fn\": \"age_days\", \"args\": {\"path\": \"created\"}, \"le\": 90}", NULL,
			       "{\"created\": \"2025-04-01T12:00:00Z\"}", NULL, 0, NULL), TRI_TRUE);
	ck_assert_int_eq(judge("{\"fn\": \"age_days\", \"args\": {\"path\": \"created\"}, \"gt\": 90}", NULL,
			       "{\"created\": \"2025-04-01\"}", NULL, 0, NULL), TRI_FALSE);
	ck_assert_int_eq(judge("{\"fn\": \"age_days\", \"args\": {\"path\": \"created\"}, \"eq\": 90}", NULL,
			       "{\"created\": \"2025-04-01\"}", NULL, 0, NULL), TRI_TRUE);
	ck_assert_int_eq(judge("{\"fn\": \"days_until\", \"args\": {\"path\": \"expires\"}, \"eq\": -1}", NULL,
			       "{\"expires\": \"2025-06-29T23:00:00+00:00\"}", NULL, 0, NULL), TRI_TRUE);
	/* "N/A" in a credential report is no date: absent, so le is false and the rule can say what it wants. */
	ck_assert_int_eq(judge("{\"fn\": \"age_days\", \"args\": {\"path\": \"last_used\"}, \"le\": 90}", NULL,
			       "{\"last_used\": \"N/A\"}", NULL, 0, NULL), TRI_FALSE);
	ck_assert_int_eq(judge("{\"fn\": \"age_days\", \"args\": {\"path\": \"last_used\"}, \"absent\": true}", NULL,
			       "{\"last_used\": \"no_information\"}", NULL, 0, &value), TRI_TRUE);
	free(value);
	ck_assert_int_eq(judge("{\"fn\": \"age_days\", \"args\": {\"path\": \"created\"}, \"le\": 90}", NULL,
			       "{\"created\": \"last tuesday\"}", NULL, 0, NULL), TRI_ERROR);
}
END_TEST

/* ---- the pack loader ---- */

static const char *pack_rule(const char *rule_json)
{
	static char text[8192];

	snprintf(text, sizeof(text),
		 "{\"pack\": \"t\", \"title\": \"T\", \"version\": \"1\", \"fixtures\": {\"pod\": {\"apiVersion\": \"v1\","
		 " \"kind\": \"Pod\", \"metadata\": {\"name\": \"p\"}, \"spec\": {\"containers\": [{\"name\": \"c\","
		 " \"image\": \"x:1\"}]}}}, \"rules\": [%s]}",
		 rule_json);
	return text;
}

#define GOOD_RULE_TAIL                                                                                               \
	"\"resource\": \"k8s.workload\", \"requires\": [\"k8s.workloads\"], \"severity\": \"high\","                    \
	" \"frameworks\": {\"nist_800_53_r5\": [\"AC-6\"]}, \"assert\": {\"path\": \"containers[*].securityContext."    \
	"privileged\", \"ne\": true}, \"remediation\": \"Do not.\", \"effort_hours\": 1, \"tests\": {\"pass\": ["        \
	"{\"base\": \"pod\"}], \"fail\": [{\"base\": \"pod\", \"set\": {\"spec.containers[0].securityContext.privileged\":" \
	" true}}]}"

static const char *load_error(const char *rule_json)
{
	static char msg[1024];
	struct ruleset rs;
	const char *text = pack_rule(rule_json);

	ruleset_init(&rs);
	ck_assert_int_lt(ruleset_load_buffer(&rs, text, strlen(text), "rules/t.json"), 0);
	snprintf(msg, sizeof(msg), "%s", err_last());
	ruleset_release(&rs);
	return msg;
}

START_TEST(packs_load_and_invalid_rules_are_refused)
{
	struct ruleset rs;
	const char *text = pack_rule("{\"id\": \"T-1\", \"title\": \"No privileged containers\", " GOOD_RULE_TAIL "}");

	ruleset_init(&rs);
	ck_assert_msg(ruleset_load_buffer(&rs, text, strlen(text), "rules/t.json") == 0, "%s", err_last());
	ck_assert_int_eq(rs.nrules, 1);
	ck_assert_ptr_nonnull(ruleset_find(&rs, "T-1"));
	ck_assert(!strncmp(rs.packs[0]->digest, "sha256:", 7));
	/* The same id twice in a set of packs. */
	ck_assert_int_lt(ruleset_load_buffer(&rs, text, strlen(text), "rules/u.json"), 0);
	ck_assert_str_eq(err_last(), "rules/u.json: a pack named 't' is already loaded");
	ruleset_release(&rs);

	ck_assert_str_eq(load_error("{\"id\": \"T-1\", \"title\": \"x\", \"resource\": \"k8s.workload\"}"),
			 "rules/t.json: rule T-1: 'severity' is critical, high, medium, low or info");
	ck_assert_str_eq(load_error("{\"id\": \"t1\", \"title\": \"x\", " GOOD_RULE_TAIL "}"),
			 "rules/t.json: rule t1: 'id' is required: letters, digits, '.', '-', '_', starting with a capital "
			 "or digit, at most 64 (e.g. CIS-K8S-1.10-5.2.2)");
	ck_assert_str_eq(load_error("{\"id\": \"T-2\", \"title\": \"x\", \"colour\": 1, " GOOD_RULE_TAIL "}"),
			 "rules/t.json: rule T-2: unknown key 'colour'");
	ck_assert_str_eq(load_error("{\"id\": \"T-3\", \"title\": \"x\", " GOOD_RULE_TAIL "}, {\"id\": \"T-3\", \"title\": \"y\", "
				    GOOD_RULE_TAIL "}"),
			 "rules/t.json: rule T-3: the id is used twice");
	ck_assert_str_eq(load_error("{\"id\": \"T-4\", \"title\": \"x\", \"resource\": \"k8s.pod\", \"requires\": [\"k8s.workloads\"]}"),
			 "rules/t.json: rule T-4: 'resource' names no known resource kind ('k8s.pod'; docs/resources.md lists them)");
	ck_assert_str_eq(load_error("{\"id\": \"T-5\", \"title\": \"x\", \"resource\": \"k8s.workload\", \"severity\": \"low\","
				    " \"requires\": [\"k8s.pods\"]}"),
			 "rules/t.json: rule T-5: requires an unknown data set 'k8s.pods' (docs/resources.md lists them)");
	ck_assert_str_eq(load_error("{\"id\": \"T-6\", \"title\": \"x\", \"resource\": \"k8s.workload\", \"severity\": \"low\","
				    " \"requires\": [\"k8s.workloads\"], \"frameworks\": {\"nist_800_53_r5\": [\"AC-6\"]},"
				    " \"remediation\": \"r\", \"effort_hours\": 1, \"assert\": {\"all\": [{\"path\": \"a\", \"eq\": 1},"
				    " {\"path\": \"b\", \"regex\": \"x\"}]}}"),
			 "rules/t.json: rule T-6: assert.all[1]: unknown key 'regex' (see docs/rules.md, \"Predicates\")");
	ck_assert_str_eq(load_error("{\"id\": \"T-7\", \"title\": \"x\", \"resource\": \"k8s.workload\", \"severity\": \"low\","
				    " \"requires\": [\"k8s.workloads\"], \"frameworks\": {\"nist_800_53_r5\": [\"AC-6\"]},"
				    " \"remediation\": \"r\", \"effort_hours\": 1, \"assert\": {\"path\": \"a\", \"eq\": 1},"
				    " \"tests\": {\"pass\": [{\"base\": \"pod\"}]}}"),
			 "rules/t.json: rule T-7: 'tests' needs at least one 'pass' and one 'fail' case");
	ck_assert_str_eq(load_error("{\"id\": \"T-8\", \"title\": \"x\", \"resource\": \"k8s.workload\", \"severity\": \"low\","
				    " \"requires\": [\"k8s.workloads\"], \"frameworks\": {\"soc2\": [\"CC6.1\"]}}"),
			 "rules/t.json: rule T-8: every rule maps to NIST SP 800-53 r5 (frameworks.nist_800_53_r5)");
	ck_assert_str_eq(load_error("{\"id\": \"T-9\", \"title\": \"x\", \"resource\": \"k8s.workload\", \"severity\": \"low\","
				    " \"requires\": [\"k8s.workloads\"], \"frameworks\": {\"nist_800_53_r5\": [\"AC-6\"]},"
				    " \"remediation\": \"r\", \"effort_hours\": 1, \"assert\": {\"path\": \"a\", \"eq\": 1},"
				    " \"tests\": {\"pass\": [{\"base\": \"nope\"}], \"fail\": [{}]}}"),
			 "rules/t.json: rule T-9: tests.pass[0]: no fixture 'nope' in the pack");
	ruleset_init(&rs);
	ck_assert_int_eq(ruleset_load_buffer(&rs, "{\"pack\": ", 9, "rules/x.json"), ERR_PARSE);
	ck_assert_msg(strstr(err_last(), "rules/x.json:1:"), "%s", err_last());
	ruleset_release(&rs);
}
END_TEST

/* ---- waivers and the engine ---- */

static const char waiver_text[] =
	"waivers:\n"
	"  - rule: T-1\n"
	"    resource: {kind: k8s.workload, namespace: kube-*, name: calico-node}\n"
	"    reason: The CNI needs it.\n"
	"    owner: platform@example.com\n"
	"    expires: 2025-09-30\n"
	"  - rule: T-*\n"
	"    resource: {name: legacy-*}\n"
	"    reason: Being retired.\n"
	"    owner: ops@example.com\n"
	"    expires: 2025-03-31\n";

START_TEST(waivers_load_match_and_expire)
{
	struct waiver_set ws;
	struct util_date as_of;
	struct resource r;
	const char *text;

	memset(&r, 0, sizeof(r));
	util_date_parse("2025-06-30", &as_of);
	ck_assert_msg(waivers_load_buffer(&ws, waiver_text, strlen(waiver_text), "w.yaml", &as_of) == 0, "%s", err_last());
	ck_assert_int_eq(ws.n, 2);
	ck_assert(!ws.v[0].expired);
	ck_assert(ws.v[1].expired);
	ck_assert_int_eq(ws.v[1].line, 7);
	r.kind = "k8s.workload";
	r.ns = "kube-system";
	r.name = "calico-node";
	r.key = "k";
	ck_assert_ptr_eq(waivers_match(&ws, "T-1", &r), &ws.v[0]);
	ck_assert_ptr_null(waivers_match(&ws, "U-1", &r));
	r.name = "legacy-api";
	ck_assert_ptr_eq(waivers_match(&ws, "T-7", &r), &ws.v[1]);
	waivers_release(&ws);
	text = "waivers:\n  - rule: T-1\n    resource: {name: x}\n    reason: r\n    expires: 2025-01-01\n";
	ck_assert_int_eq(waivers_load_buffer(&ws, text, strlen(text), "w.yaml", &as_of), ERR_USAGE);
	ck_assert_msg(strstr(err_last(), "w.yaml:2:") && strstr(err_last(), "owner"), "%s", err_last());
	text = "waivers:\n  - rule: T-1\n    resource: {name: x}\n    reason: r\n    owner: o\n    expires: soon\n";
	ck_assert_int_eq(waivers_load_buffer(&ws, text, strlen(text), "w.yaml", &as_of), ERR_USAGE);
	ck_assert_msg(strstr(err_last(), "w.yaml:6:"), "%s", err_last());
}
END_TEST

START_TEST(engine_errors_waives_and_reports_expiry)
{
	struct ruleset rs;
	struct input in;
	struct resource_set set;
	struct waiver_set ws;
	struct result_list l = { NULL, 0, 0, { 0, 0, 0, 0 } };
	struct engine_opts o = { 0, NULL, NULL, NULL };
	struct util_date as_of;
	const char *text = pack_rule("{\"id\": \"T-1\", \"title\": \"No privileged containers\", " GOOD_RULE_TAIL "},"
				     "{\"id\": \"T-2\", \"title\": \"Nodes\", \"resource\": \"k8s.workload\", \"requires\":"
				     " [\"k8s.workloads\", \"image.files\"], \"severity\": \"low\", \"frameworks\":"
				     " {\"nist_800_53_r5\": [\"CM-6\"]}, \"assert\": {\"path\": \"x\", \"eq\": 1}, \"remediation\":"
				     " \"r\", \"effort_hours\": 1, \"tests\": {\"pass\": [{}], \"fail\": [{}]}}");
	const char *manifests = "apiVersion: v1\nkind: Pod\nmetadata: {name: calico-node, namespace: kube-system}\n"
				"spec:\n  containers: [{name: c, image: x, securityContext: {privileged: true}}]\n"
				"---\napiVersion: v1\nkind: Pod\nmetadata: {name: web}\n"
				"spec:\n  containers: [{name: c, image: x, securityContext: {privileged: true}}]\n";
	json_t *j;

	util_date_parse("2025-06-30", &as_of);
	o.as_of_days = util_date_days(&as_of);
	ruleset_init(&rs);
	ck_assert_msg(ruleset_load_buffer(&rs, text, strlen(text), "t.json") == 0, "%s", err_last());
	ck_assert_int_eq(waivers_load_buffer(&ws, waiver_text, strlen(waiver_text), "w.yaml", &as_of), 0);
	o.waivers = &ws;
	ck_assert_int_eq(input_init(&in), 0);
	ck_assert_int_eq(resource_set_init(&set), 0);
	ck_assert_int_eq(input_read_buffer(&in, manifests, strlen(manifests), "m.yaml"), 0);
	ck_assert_int_eq(input_normalise(&in, &set), 0);
	ck_assert_int_eq(engine_run(&rs, &set, &o, &l), 0);
	/* T-1 twice (waived, fail), T-2 twice (error: image.files), one expired waiver. */
	ck_assert_int_eq(l.n, 5);
	ck_assert_int_eq(l.counts[VERDICT_WAIVED], 1);
	ck_assert_int_eq(l.counts[VERDICT_FAIL], 2);
	ck_assert_int_eq(l.counts[VERDICT_ERROR], 2);
	ck_assert_int_eq(l.v[0].verdict, VERDICT_WAIVED);
	ck_assert_str_eq(l.v[0].res->name, "calico-node");
	ck_assert_int_eq(l.v[1].verdict, VERDICT_FAIL);
	ck_assert_str_eq(l.v[1].path, "containers[0].securityContext.privileged");
	ck_assert_str_eq(l.v[2].note, "requires image.files (the setuid and setgid files of the image's final "
				      "filesystem): not collected");
	j = result_to_json(&l.v[0], &ws);
	ck_assert_str_eq(jsonx_strz(j, "result"), "waived");
	ck_assert_str_eq(jsonx_strz(json_object_get(j, "waiver"), "owner"), "platform@example.com");
	ck_assert_str_eq(jsonx_strz(json_object_get(j, "resource"), "namespace"), "kube-system");
	ck_assert_int_eq(jsonx_int(json_object_get(j, "location"), "line", 0), 1);
	json_decref(j);
	j = result_to_json(&l.v[4], &ws);
	ck_assert_str_eq(jsonx_strz(j, "rule"), "WAIVER-EXPIRED");
	ck_assert_str_eq(jsonx_strz(j, "path"), "waivers[1].expires");
	ck_assert_str_eq(jsonx_strz(json_object_get(j, "resource"), "name"), "w.yaml:7");
	json_decref(j);
	result_list_release(&l);
	resource_set_release(&set);
	input_release(&in);
	waivers_release(&ws);
	ruleset_release(&rs);
}
END_TEST

START_TEST(every_rule_passes_its_own_fixtures)
{
	char *dir = th_repo_path("rules");
	struct th_result res;

	th_vetter(&res, NULL, "rules", "test", "--rules", dir, NULL);
	th_assert_status(&res, 0);
	ck_assert_msg(strstr(res.out.buf, ", 0 failed cases in 0 rules\n"), "%s", res.out.buf);
	th_result_release(&res);
	free(dir);
}
END_TEST

START_TEST(list_marks_rules_no_connector_collects)
{
	char *dir = th_repo_path("rules");
	struct th_result res;
	json_t *arr = NULL, *r;
	size_t i, collected = 0;

	th_vetter(&res, NULL, "rules", "list", "--rules", dir, "--format", "json", NULL);
	th_assert_status(&res, 0);
	ck_assert_int_eq(jsonx_parse(res.out.buf, res.out.len, "list", &arr), 0);
	ck_assert_int_eq(json_array_size(arr), 145);
	json_array_foreach(arr, i, r) {
		collected += jsonx_bool(r, "collected", 0);
		/* [k8s]: every Kubernetes rule is collected, but the one that reads ConfigMap values, which
		 * the connector never stores (they are secrets as often as not). */
		if (util_has_prefix(jsonx_strz(r, "id"), "CIS-K8S") || util_has_prefix(jsonx_strz(r, "id"), "NSA-K8S") ||
		    !strcmp(jsonx_strz(r, "pack"), "kubernetes"))
		{
			char *text = json_dumps(r, 0);

			ck_assert_msg(jsonx_bool(r, "collected", 0) || strstr(text, "k8s.configmaps.data"),
				      "kubernetes rule %s is not collected by any connector", jsonx_strz(r, "id"));
			free(text);
		}
	}
	/* Images and Kubernetes are collected today: the 10 image rules and the Kubernetes pack but one. */
	ck_assert_int_eq(collected, 57);
	json_decref(arr);
	th_result_release(&res);
	th_vetter(&res, NULL, "rules", "list", "docker", "--rules", dir, NULL);
	th_assert_status(&res, 0);
	ck_assert_msg(strstr(res.out.buf, "CIS-DOCKER-1.6-4.8                 medium   image                  yes "), "%s",
		      res.out.buf);
	ck_assert_msg(strstr(res.out.buf, "10 rules; 0 read data that no connector collects yet"), "%s", res.out.buf);
	ck_assert_msg(strstr(res.out.buf, "Collected today: image.config (the scan stage, for every image a source names), "
					  "image.files (the scan stage, for every image it reads whole), k8s.workloads"),
		      "%s", res.out.buf);
	th_result_release(&res);
	th_vetter(&res, NULL, "rules", "show", "CIS-K8S-1.10-5.2.2", "--rules", dir, NULL);
	th_assert_status(&res, 0);
	ck_assert_msg(strstr(res.out.buf, "# requires k8s.workloads: pods and the controllers that make them; collected by "
					  "the kubernetes and kubernetes-export sources\n"),
		      "%s", res.out.buf);
	ck_assert_msg(strstr(res.out.buf, "\"id\": \"CIS-K8S-1.10-5.2.2\""), "%s", res.out.buf);
	th_result_release(&res);
	th_vetter(&res, NULL, "rules", "show", "NOPE", "--rules", dir, NULL);
	th_assert_status(&res, 2);
	th_result_release(&res);
	free(dir);
}
END_TEST

START_TEST(cli_refuses_an_invalid_pack_with_file_rule_and_reason)
{
	char *tmp = th_tmpdir();
	struct strbuf pack = STRBUF_INIT;
	struct th_result res;
	const char *text = pack_rule("{\"id\": \"T-1\", \"title\": \"x\", \"resource\": \"k8s.workload\", \"requires\":"
				     " [\"k8s.workloads\"], \"severity\": \"severe\"}");

	strbuf_addf(&pack, "%s/bad.json", tmp);
	th_write(pack.buf, text);
	th_vetter(&res, NULL, "rules", "list", "--rules", tmp, NULL);
	th_assert_status(&res, 2);
	ck_assert_msg(strstr(res.err.buf, "bad.json: rule T-1: 'severity' is critical, high, medium, low or info"), "%s",
		      res.err.buf);
	th_result_release(&res);
	th_vetter(&res, NULL, "check", "--rules", pack.buf, pack.buf, NULL);
	th_assert_status(&res, 2);
	th_result_release(&res);
	th_rm_rf(tmp);
	free(tmp);
	strbuf_release(&pack);
}
END_TEST

Suite *rules_suite(void)
{
	Suite *s = suite_create("rules");
	TCase *tc = tcase_create("language");

	tcase_add_test(tc, paths_parse_and_refuse);
	tcase_add_test(tc, paths_fan_out_and_report_absent_values);
	tcase_add_test(tc, paths_set_build_fixtures);
	tcase_add_test(tc, predicates_decide_with_a_witness);
	tcase_add_test(tc, predicates_combine_three_valued);
	tcase_add_test(tc, predicates_refused_at_load);
	tcase_add_test(tc, cidr_maths_both_families);
	tcase_add_test(tc, network_exposure_in_order);
	tcase_add_test(tc, rbac_matching_as_the_api_server_does);
	tcase_add_test(tc, iam_policies_read_statically);
	tcase_add_test(tc, trust_policies_name_outsiders);
	tcase_add_test(tc, dates_against_as_of);
	tcase_add_test(tc, packs_load_and_invalid_rules_are_refused);
	tcase_add_test(tc, waivers_load_match_and_expire);
	tcase_add_test(tc, engine_errors_waives_and_reports_expiry);
	suite_add_tcase(s, tc);
	tc = tcase_create("packs");
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, every_rule_passes_its_own_fixtures);
	tcase_add_test(tc, list_marks_rules_no_connector_collects);
	tcase_add_test(tc, cli_refuses_an_invalid_pack_with_file_rule_and_reason);
	suite_add_tcase(s, tc);
	return s;
}
