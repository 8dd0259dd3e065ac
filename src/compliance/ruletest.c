#include "ruletest.h"

#include <string.h>

#include "core/err.h"
#include "core/jsonx.h"
#include "core/util.h"
#include "engine.h"
#include "input.h"
#include "path.h"

#define DEFAULT_TEST_AS_OF "2025-06-30"

void ruletest_init(struct ruletest_report *rep)
{
	memset(rep, 0, sizeof(*rep));
	strbuf_init(&rep->log, 16 * 1024 * 1024);
}

void ruletest_release(struct ruletest_report *rep)
{
	strbuf_release(&rep->log);
}

int ruletest_case_docs(const struct rule *r, const json_t *tcase, json_t **out)
{
	const char *base = jsonx_str(tcase, "base"), *key;
	json_t *docs = json_array(), *doc = NULL, *v;
	struct path *p = NULL;
	size_t i;
	int rc = 0;

	*out = NULL;
	if (!docs)
		return err_set(ERR_NOMEM, "out of memory");
	if (!base && !json_object_get(tcase, "docs")) {
		json_array_append_new(docs, json_deep_copy(tcase));
		*out = docs;
		return 0;
	}
	if (base) {
		doc = json_deep_copy(json_object_get(json_object_get(r->pack->doc, "fixtures"), base));
		if (!doc) {
			rc = err_set(ERR_INVALID, "no fixture '%s'", base);
			goto cleanup;
		}
		json_object_foreach(json_object_get(tcase, "set"), key, v) {
			if ((rc = path_parse(&p, key)) < 0)
				goto cleanup;
			rc = path_set(doc, p, json_deep_copy(v));
			path_free(p);
			p = NULL;
			if (rc < 0)
				goto cleanup;
		}
		json_array_foreach(json_object_get(tcase, "unset"), i, v) {
			if ((rc = path_parse(&p, json_string_value(v))) < 0)
				goto cleanup;
			rc = path_unset(doc, p);
			path_free(p);
			p = NULL;
			if (rc < 0)
				goto cleanup;
		}
		json_array_append_new(docs, doc);
		doc = NULL;
	}
	json_array_foreach(json_object_get(tcase, "docs"), i, v)
		json_array_append_new(docs, json_deep_copy(v));
	*out = docs;
	docs = NULL;
cleanup:
	json_decref(doc);
	json_decref(docs);
	return rc;
}

static void describe(struct strbuf *log, const struct result *res)
{
	strbuf_addf(log, "%s on %s/%s%s%s at '%s'", verdict_names[res->verdict], res->res->kind, res->res->ns,
		    *res->res->ns ? "/" : "", res->res->name, res->path ? res->path : "");
	if (res->value) {
		char *txt = json_dumps(res->value, JSON_COMPACT | JSON_ENCODE_ANY);

		strbuf_addf(log, " = %.200s", txt ? txt : "?");
		free(txt);
	}
	if (res->note)
		strbuf_addf(log, " (%s)", res->note);
}

static int run_case(const struct rule *r, const json_t *tcase, const char *expect, size_t idx,
		    const struct engine_opts *o, struct ruletest_report *rep)
{
	struct input in;
	struct resource_set set;
	struct result res;
	json_t *docs = NULL, *d;
	size_t i, judged = 0, of_kind = 0, n[4] = { 0, 0, 0, 0 };
	struct strbuf seen = STRBUF_INIT;
	int rc, ok;

	if ((rc = input_init(&in)) < 0)
		return rc;
	if ((rc = resource_set_init(&set)) < 0) {
		input_release(&in);
		return rc;
	}
	rep->cases++;
	if ((rc = ruletest_case_docs(r, tcase, &docs)) < 0)
		goto bad_case;
	json_array_foreach(docs, i, d)
		if ((rc = input_add_document(&in, d, "test", 0)) < 0)
			goto bad_case;
	if ((rc = input_normalise(&in, &set)) < 0)
		goto bad_case;
	for (i = 0; i < set.n; i++) {
		if (strcmp(set.v[i].kind, r->resource))
			continue;
		of_kind++;
		if ((rc = engine_eval(r, &set, &set.v[i], o, &res)) < 0)
			goto bad_case;
		if (rc == 0)
			continue;
		judged++;
		n[res.verdict]++;
		if (seen.len)
			strbuf_addstr(&seen, "; ");
		describe(&seen, &res);
		result_release(&res);
	}
	rc = 0;
	if (!strcmp(expect, "pass"))
		ok = judged && n[VERDICT_PASS] == judged;
	else if (!strcmp(expect, "fail"))
		ok = n[VERDICT_FAIL] && !n[VERDICT_ERROR];
	else if (!strcmp(expect, "skip"))
		ok = of_kind && !judged;
	else
		ok = n[VERDICT_ERROR] > 0;
	if (!ok) {
		rep->failed_cases++;
		strbuf_addf(&rep->log, "%s: tests.%s[%zu]%s%s%s: expected %s, got %s\n", r->id, expect, idx,
			    jsonx_str(tcase, "name") ? " (" : "", jsonx_strz(tcase, "name"),
			    jsonx_str(tcase, "name") ? ")" : "", expect,
			    judged ? seen.buf
				   : of_kind ? "no resource of the rule's kind that it applies to"
					     : "no resource of the rule's kind");
	}
	goto cleanup;
bad_case:
	if (rc == ERR_NOMEM)
		goto cleanup;
	rep->failed_cases++;
	strbuf_addf(&rep->log, "%s: tests.%s[%zu]: %s\n", r->id, expect, idx, err_last());
	rc = 0;
cleanup:
	json_decref(docs);
	input_release(&in);
	resource_set_release(&set);
	strbuf_release(&seen);
	return rc;
}

int ruletest_rule(const struct rule *r, struct ruletest_report *rep)
{
	static const char *const kinds[] = { "pass", "fail", "error", "skip", NULL };
	const char *as_of_text = jsonx_str(r->pack->doc, "test_as_of");
	struct engine_opts o = { 0, NULL, NULL, NULL };
	struct util_date as_of;
	size_t before = rep->failed_cases, i, k;
	json_t *t;
	int rc;

	if (util_date_parse(as_of_text ? as_of_text : DEFAULT_TEST_AS_OF, &as_of) < 0)
		util_date_parse(DEFAULT_TEST_AS_OF, &as_of);
	o.as_of_days = util_date_days(&as_of);
	rep->rules++;
	for (k = 0; kinds[k]; k++) {
		json_array_foreach(json_object_get(json_object_get(r->doc, "tests"), kinds[k]), i, t) {
			if ((rc = run_case(r, t, kinds[k], i, &o, rep)) < 0)
				return rc;
		}
	}
	if (rep->failed_cases > before)
		rep->failed_rules++;
	return 0;
}
