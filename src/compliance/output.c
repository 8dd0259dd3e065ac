#include "output.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "core/err.h"
#include "core/jsonx.h"
#include "core/util.h"

int output_json(struct strbuf *out, const struct result_list *l, const struct waiver_set *ws)
{
	json_t *arr = json_array(), *j;
	size_t i;
	int rc;

	if (!arr)
		return err_set(ERR_NOMEM, "out of memory");
	for (i = 0; i < l->n; i++) {
		if (!(j = result_to_json(&l->v[i], ws)) || json_array_append_new(arr, j) < 0) {
			json_decref(arr);
			return err_set(ERR_NOMEM, "out of memory");
		}
	}
	rc = jsonx_dump_pretty(out, arr);
	json_decref(arr);
	return rc;
}

/* A value on one line, cut to a readable length. */
static void add_value(struct strbuf *out, const json_t *v, size_t max)
{
	char *txt = v ? json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY) : NULL;
	size_t n = txt ? strlen(txt) : 0, i;

	if (!v) {
		strbuf_addstr(out, "(absent)");
		return;
	}
	for (i = 0; i < n && i < max; i++)
		strbuf_addch(out, isprint((unsigned char)txt[i]) ? txt[i] : '?');
	if (n > max)
		strbuf_addstr(out, "...");
	free(txt);
}

static void resource_label(struct strbuf *out, const struct result *r, const struct waiver_set *ws)
{
	if (!r->res) {
		strbuf_addf(out, "waiver %s:%d", ws && ws->file ? ws->file : "", r->waiver ? r->waiver->line : 0);
		return;
	}
	strbuf_addf(out, "%s %s%s%s", r->res->kind, r->res->ns, *r->res->ns ? "/" : "", r->res->name);
}

int output_table(struct strbuf *out, const struct result_list *l, const struct resource_set *set, int all_results)
{
	static const int order[] = { VERDICT_FAIL, VERDICT_ERROR, VERDICT_WAIVED, VERDICT_PASS };
	struct strbuf res = STRBUF_INIT;
	const char *k;
	json_t *v;
	size_t i, o, shown = 0;

	for (o = 0; o < 4; o++) {
		for (i = 0; i < l->n; i++) {
			const struct result *r = &l->v[i];

			if ((int)r->verdict != order[o] || (r->verdict == VERDICT_PASS && !all_results))
				continue;
			if (!shown++)
				strbuf_addf(out, "%-7s %-9s %-32s %s\n", "RESULT", "SEVERITY", "RULE", "RESOURCE / PATH = VALUE");
			strbuf_reset(&res);
			resource_label(&res, r, NULL);
			strbuf_addf(out, "%-7s %-9s %-32s %s\n", verdict_names[r->verdict], r->rule ? r->rule->severity : "low",
				    r->rule ? r->rule->id : WAIVER_EXPIRED_RULE, res.buf);
			if (r->path && *r->path) {
				strbuf_addf(out, "%52s %s = ", "", r->path);
				add_value(out, r->value, 120);
				strbuf_addch(out, '\n');
			}
			if (r->note)
				strbuf_addf(out, "%52s %s\n", "", r->note);
			if (r->waiver && r->verdict == VERDICT_WAIVED)
				strbuf_addf(out, "%52s waived until %s by %s: %s\n", "", r->waiver->expires, r->waiver->owner,
					    r->waiver->reason);
			else if (r->waiver)
				strbuf_addf(out, "%52s waiver (%s, %s) expired on %s\n", "", r->waiver->owner, r->waiver->reason,
					    r->waiver->expires);
		}
	}
	if (shown)
		strbuf_addch(out, '\n');
	strbuf_addf(out, "%zu results on %zu resources from %zu documents: %zu fail, %zu error, %zu waived, %zu pass\n",
		    l->n, set ? set->n : 0, set ? set->documents : 0, l->counts[VERDICT_FAIL], l->counts[VERDICT_ERROR],
		    l->counts[VERDICT_WAIVED], l->counts[VERDICT_PASS]);
	if (set && json_object_size(set->skipped)) {
		strbuf_addstr(out, "not assessed (no rules read these kinds):");
		json_object_foreach(set->skipped, k, v)
			strbuf_addf(out, " %s %lld,", k, (long long)json_integer_value(v));
		strbuf_setlen(out, out->len - 1);
		strbuf_addch(out, '\n');
	}
	strbuf_release(&res);
	return out->len > out->limit && out->limit ? ERR_LIMIT : 0;
}

/* A file path as a SARIF artifact URI (a relative reference), percent-encoding what a URI cannot hold. */
static void add_uri(struct strbuf *out, const char *path)
{
	const unsigned char *s;

	for (s = (const unsigned char *)path; *s; s++) {
		if (isalnum(*s) || strchr("-._~/", *s))
			strbuf_addch(out, *s);
		else
			strbuf_addf(out, "%%%02X", *s);
	}
}

static const char *level_of(const char *severity)
{
	if (!strcmp(severity, "critical") || !strcmp(severity, "high"))
		return "error";
	if (!strcmp(severity, "medium"))
		return "warning";
	return "note";
}

static json_t *sarif_rule(const struct rule *r)
{
	json_t *j = json_pack("{s:s, s:s, s:{s:s}, s:{s:s}, s:{s:s}, s:{s:s, s:O, s:s, s:[s, s]}}", "id", r->id, "name",
			      r->id, "shortDescription", "text", r->title, "help", "text",
			      jsonx_strz(r->doc, "remediation"), "defaultConfiguration", "level", level_of(r->severity),
			      "properties", "severity", r->severity, "frameworks", rule_frameworks(r), "pack", r->pack->name,
			      "tags", "security", r->resource);

	return j;
}

static json_t *expired_rule(void)
{
	return json_pack("{s:s, s:s, s:{s:s}, s:{s:s}, s:{s:s}}", "id", WAIVER_EXPIRED_RULE, "name", WAIVER_EXPIRED_RULE,
			 "shortDescription", "text", "A waiver has expired", "help", "text",
			 "Renew the waiver with a new expiry and reason, or fix what it covered.", "defaultConfiguration",
			 "level", "note");
}

static json_t *sarif_result(const struct result *r, size_t rule_index, const struct waiver_set *ws)
{
	struct strbuf msg = STRBUF_INIT, uri = STRBUF_INIT, fqn = STRBUF_INIT;
	const char *file = r->res ? r->res->file : ws ? ws->file : NULL;
	int line = r->res ? r->res->line : r->waiver ? r->waiver->line : 0;
	json_t *j, *loc = json_object(), *props = json_object();

	if (r->rule)
		strbuf_addf(&msg, "%s: %s", r->rule->title, verdict_names[r->verdict]);
	else
		strbuf_addf(&msg, "The waiver for %s expired on %s", r->waiver->rule, r->waiver->expires);
	strbuf_addf(&msg, " (%s = ", r->path && *r->path ? r->path : "-");
	add_value(&msg, r->value, 200);
	strbuf_addch(&msg, ')');
	if (r->note)
		strbuf_addf(&msg, ". %s", r->note);
	resource_label(&fqn, r, ws);
	j = json_pack("{s:s, s:I, s:s, s:s, s:{s:s}}", "ruleId", r->rule ? r->rule->id : WAIVER_EXPIRED_RULE, "ruleIndex",
		      (json_int_t)rule_index, "kind", r->verdict == VERDICT_ERROR ? "review" : "fail", "level",
		      r->verdict == VERDICT_ERROR ? "none" : level_of(r->rule ? r->rule->severity : "low"), "message",
		      "text", msg.buf);
	if (file && *file) {
		add_uri(&uri, file);
		json_object_set_new(loc, "physicalLocation",
				    line > 0 ? json_pack("{s:{s:s}, s:{s:i}}", "artifactLocation", "uri", uri.buf, "region",
							 "startLine", line)
					     : json_pack("{s:{s:s}}", "artifactLocation", "uri", uri.buf));
	}
	json_object_set_new(loc, "logicalLocations", json_pack("[{s:s, s:s}]", "fullyQualifiedName", fqn.buf, "kind",
							       "resource"));
	json_object_set_new(j, "locations", json_pack("[o]", loc));
	jsonx_set_str(props, "path", r->path ? r->path : "");
	json_object_set(props, "value", r->value ? r->value : json_null());
	jsonx_set_str(props, "result", verdict_names[r->verdict]);
	json_object_set_new(j, "properties", props);
	if (r->verdict == VERDICT_WAIVED)
		json_object_set_new(j, "suppressions",
				    json_pack("[{s:s, s:s, s:s, s:{s:s, s:s}}]", "kind", "external", "status", "accepted",
					      "justification", r->waiver->reason, "properties", "owner", r->waiver->owner,
					      "expires", r->waiver->expires));
	strbuf_release(&msg);
	strbuf_release(&uri);
	strbuf_release(&fqn);
	return j;
}

int output_sarif(struct strbuf *out, const struct result_list *l, const struct waiver_set *ws)
{
	json_t *rules = json_array(), *results = json_array(), *log = NULL, *idx = json_object();
	size_t i;
	int rc;

	if (!rules || !results || !idx) {
		rc = err_set(ERR_NOMEM, "out of memory");
		goto cleanup;
	}
	for (i = 0; i < l->n; i++) {
		const struct result *r = &l->v[i];
		const char *id = r->rule ? r->rule->id : WAIVER_EXPIRED_RULE;
		json_t *at = json_object_get(idx, id);

		if (r->verdict == VERDICT_PASS)
			continue;
		if (!at) {
			at = json_integer((json_int_t)json_array_size(rules));
			json_object_set_new(idx, id, at);
			json_array_append_new(rules, r->rule ? sarif_rule(r->rule) : expired_rule());
		}
		json_array_append_new(results, sarif_result(r, (size_t)json_integer_value(at), ws));
	}
	log = json_pack("{s:s, s:s, s:[{s:{s:{s:s, s:s, s:o}}, s:o, s:s}]}", "$schema",
			"https://json.schemastore.org/sarif-2.1.0.json", "version", "2.1.0", "runs", "tool", "driver", "name",
			"vetter", "version", VETTER_VERSION, "rules", rules, "results", results, "columnKind",
			"unicodeCodePoints");
	rules = results = NULL;
	if (!log) {
		rc = err_set(ERR_NOMEM, "out of memory");
		goto cleanup;
	}
	rc = jsonx_dump_pretty(out, log);
cleanup:
	json_decref(rules);
	json_decref(results);
	json_decref(idx);
	json_decref(log);
	return rc;
}
