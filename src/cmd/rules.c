/*
 * vetter rules list [PACK] | show ID | test [PACK]
 * vetter check FILE... [--format table|json|sarif] [--waivers FILE] [--as-of DATE]
 *
 * The compliance engine outside an engagement: the rule catalogue, the
 * rules' own fixtures, and Kubernetes manifests or cloud documents judged
 * directly (like 'kube-score score' or 'trivy config').
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "cmd.h"
#include "compliance/catalog.h"
#include "compliance/engine.h"
#include "compliance/input.h"
#include "compliance/output.h"
#include "compliance/rule.h"
#include "compliance/ruletest.h"
#include "core/err.h"
#include "core/finding.h"
#include "core/jsonx.h"
#include "core/log.h"
#include "core/util.h"

static int load_rules(struct ruleset *rs, const char *dir)
{
	struct strbuf d = STRBUF_INIT;
	int rc;

	ruleset_init(rs);
	if (dir)
		rc = strbuf_addstr(&d, dir);
	else
		rc = rules_default_dir(&d);
	if (rc == 0)
		rc = util_is_dir(d.buf) ? ruleset_load_dir(rs, d.buf) : ruleset_load_file(rs, d.buf);
	strbuf_release(&d);
	if (rc < 0)
		ruleset_release(rs);
	return rc;
}

static int write_text(const char *path, const struct strbuf *text)
{
	if (!path || !strcmp(path, "-"))
		return fwrite(text->buf, 1, text->len, stdout) == text->len ? 0 : err_set(ERR_IO, "cannot write stdout");
	return util_write_file_atomic(path, text->buf, text->len, 0644);
}

/* The data sets some connector collects today, as "a, b" for messages. */
static void collected_today(struct strbuf *out)
{
	const struct dataset *d;

	for (d = datasets; d->name; d++)
		if (d->collector)
			strbuf_addf(out, "%s%s (%s)", out->len ? ", " : "", d->name, d->collector);
}

static int rules_list(const struct ruleset *rs, const char *pack, const char *format)
{
	struct strbuf out = STRBUF_INIT, today = STRBUF_INIT;
	json_t *arr = json_array();
	size_t p, k, n = 0, uncollected = 0;
	int rc = 0;

	if (!strcmp(format, "table"))
		strbuf_addf(&out, "%-34s %-8s %-22s %-9s %s\n", "ID", "SEVERITY", "RESOURCE", "COLLECTED", "TITLE");
	for (p = 0; p < rs->npacks; p++) {
		if (pack && strcmp(pack, rs->packs[p]->name))
			continue;
		for (k = 0; k < rs->packs[p]->n; k++) {
			const struct rule *r = &rs->packs[p]->rules[k];
			int col = rule_collected(r);

			n++;
			uncollected += !col;
			if (!strcmp(format, "json")) {
				json_array_append_new(arr, json_pack("{s:s, s:s, s:s, s:s, s:s, s:O, s:b, s:O}", "id", r->id,
								     "pack", r->pack->name, "title", r->title, "severity",
								     r->severity, "resource", r->resource, "requires",
								     json_object_get(r->doc, "requires"), "collected", col,
								     "frameworks", rule_frameworks(r)));
			} else {
				strbuf_addf(&out, "%-34s %-8s %-22s %-9s %s\n", r->id, r->severity, r->resource,
					    col ? "yes" : "no", r->title);
			}
		}
	}
	if (pack && !ruleset_pack(rs, pack)) {
		rc = err_set(ERR_USAGE, "no rule pack '%s'", pack);
		goto cleanup;
	}
	collected_today(&today);
	if (!strcmp(format, "json")) {
		rc = jsonx_dump_pretty(&out, arr);
	} else {
		strbuf_addf(&out, "\n%zu rules; %zu read data that no connector collects yet (COLLECTED no): in an "
				  "engagement they give 'error' results, never failures.\n",
			    n, uncollected);
		strbuf_addf(&out, "Collected today: %s.\n'vetter check FILE...' judges every rule on manifests and "
				  "cloud documents.\n",
			    today.len ? today.buf : "nothing");
	}
	if (rc == 0)
		rc = write_text(NULL, &out);
cleanup:
	json_decref(arr);
	strbuf_release(&out);
	strbuf_release(&today);
	return rc;
}

static int rules_show(const struct ruleset *rs, const char *id)
{
	const struct rule *r = ruleset_find(rs, id);
	struct strbuf out = STRBUF_INIT;
	size_t i;
	int rc;

	if (!r)
		return err_set(ERR_USAGE, "no rule '%s' ('vetter rules list' shows them)", id);
	strbuf_addf(&out, "# %s, pack %s %s (%s, %s)\n", r->id, r->pack->name, r->pack->version, r->pack->file,
		    r->pack->digest);
	for (i = 0; i < r->nrequires; i++) {
		const struct dataset *d = catalog_dataset(r->requires[i]);

		strbuf_addf(&out, "# requires %s: %s; collected by %s\n", r->requires[i], d->summary,
			    d->collector ? d->collector : "no connector yet");
	}
	if ((rc = jsonx_dump_pretty(&out, r->doc)) == 0)
		rc = write_text(NULL, &out);
	strbuf_release(&out);
	return rc;
}

static int rules_test(const struct ruleset *rs, const char *pack)
{
	struct ruletest_report rep;
	size_t p, k;
	int rc = 0;

	ruletest_init(&rep);
	for (p = 0; p < rs->npacks && rc == 0; p++) {
		size_t before_rules = rep.rules, before_cases = rep.cases, before_failed = rep.failed_cases;

		if (pack && strcmp(pack, rs->packs[p]->name))
			continue;
		for (k = 0; k < rs->packs[p]->n && rc == 0; k++)
			rc = ruletest_rule(&rs->packs[p]->rules[k], &rep);
		printf("%-12s %3zu rules %4zu cases  %s\n", rs->packs[p]->name, rep.rules - before_rules,
		       rep.cases - before_cases, rep.failed_cases > before_failed ? "FAILED" : "ok");
	}
	if (rc == 0 && pack && !ruleset_pack(rs, pack))
		rc = err_set(ERR_USAGE, "no rule pack '%s'", pack);
	if (rc == 0) {
		fputs(rep.log.buf, stdout);
		printf("%zu rules, %zu cases, %zu failed cases in %zu rules\n", rep.rules, rep.cases, rep.failed_cases,
		       rep.failed_rules);
		rc = rep.failed_cases ? 1 : 0;
	}
	ruletest_release(&rep);
	return rc;
}

int cmd_rules(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "format", required_argument, NULL, 'F' }, { "rules", required_argument, NULL, 'r' },
		{ "help", no_argument, NULL, 'h' }, { NULL, 0, NULL, 0 },
	};
	const char *format = "table", *dir = NULL, *sub;
	struct ruleset rs;
	int c, rc;

	optind = 1;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'F': format = optarg; break;
		case 'r': dir = optarg; break;
		case 'h': return cmd_help("rules");
		default: return cmd_usage_error("rules", "unknown option");
		}
	}
	if (optind >= argc)
		return cmd_usage_error("rules", "say list, show ID or test");
	sub = argv[optind];
	if (strcmp(format, "table") && strcmp(format, "json"))
		return cmd_usage_error("rules", "--format is table or json");
	if (!strcmp(sub, "show") ? optind + 2 != argc : optind + 2 < argc || (strcmp(sub, "list") && strcmp(sub, "test")))
		return cmd_usage_error("rules", "say 'list [PACK]', 'show ID' or 'test [PACK]'");
	if ((rc = load_rules(&rs, dir)) < 0)
		return cmd_fail(rc == ERR_NOMEM ? EXIT_FATAL : EXIT_USAGE);
	if (!strcmp(sub, "list"))
		rc = rules_list(&rs, optind + 1 < argc ? argv[optind + 1] : NULL, format);
	else if (!strcmp(sub, "show"))
		rc = rules_show(&rs, argv[optind + 1]);
	else
		rc = rules_test(&rs, optind + 1 < argc ? argv[optind + 1] : NULL);
	ruleset_release(&rs);
	if (rc < 0)
		return cmd_fail(rc == ERR_USAGE ? EXIT_USAGE : EXIT_FATAL);
	return rc == 1 ? EXIT_TRIPPED : EXIT_DONE;
}

/* Today's date in UTC, for a check run without --as-of. */
static void today(struct util_date *d)
{
	time_t now = time(NULL);
	struct tm tm;

	gmtime_r(&now, &tm);
	d->year = tm.tm_year + 1900;
	d->month = tm.tm_mon + 1;
	d->day = tm.tm_mday;
}

int cmd_check(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "format", required_argument, NULL, 'F' }, { "waivers", required_argument, NULL, 'w' },
		{ "as-of", required_argument, NULL, 'a' },  { "rules", required_argument, NULL, 'r' },
		{ "pack", required_argument, NULL, 'p' },   { "rule", required_argument, NULL, 'R' },
		{ "output", required_argument, NULL, 'o' }, { "all", no_argument, NULL, 'A' },
		{ "fail-on", required_argument, NULL, 'f' }, { "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *format = "table", *waivers = NULL, *as_of_text = NULL, *dir = NULL, *output = NULL,
		   *fail_on = "low";
	struct engine_opts eo = { 0, NULL, NULL, NULL };
	struct ruleset rs;
	struct waiver_set ws;
	struct input in;
	struct resource_set set;
	struct result_list results = { NULL, 0, 0, { 0, 0, 0, 0 } };
	struct strbuf text = STRBUF_INIT;
	struct util_date as_of;
	int c, rc, code = EXIT_DONE, all = 0, have_ws = 0, i;
	size_t k;

	optind = 1;
	while ((c = getopt_long(argc, argv, "o:h", opts, NULL)) != -1) {
		switch (c) {
		case 'F': format = optarg; break;
		case 'w': waivers = optarg; break;
		case 'a': as_of_text = optarg; break;
		case 'r': dir = optarg; break;
		case 'p': eo.pack = optarg; break;
		case 'R': eo.rule = optarg; break;
		case 'o': output = optarg; break;
		case 'A': all = 1; break;
		case 'f': fail_on = optarg; break;
		case 'h': return cmd_help("check");
		default: return cmd_usage_error("check", "unknown option");
		}
	}
	if (optind >= argc)
		return cmd_usage_error("check", "name at least one file");
	if (strcmp(format, "table") && strcmp(format, "json") && strcmp(format, "sarif"))
		return cmd_usage_error("check", "--format is table, json or sarif");
	if (severity_rank(fail_on) < 1 || !strcmp(fail_on, "info"))
		return cmd_usage_error("check", "--fail-on is critical, high, medium or low");
	if (as_of_text) {
		if (util_date_parse(as_of_text, &as_of) < 0)
			return cmd_usage_error("check", "--as-of takes a date YYYY-MM-DD");
	} else {
		today(&as_of);
	}
	eo.as_of_days = util_date_days(&as_of);
	if ((rc = load_rules(&rs, dir)) < 0)
		return cmd_fail(rc == ERR_NOMEM ? EXIT_FATAL : EXIT_USAGE);
	if ((eo.pack && !ruleset_pack(&rs, eo.pack)) || (eo.rule && !ruleset_find(&rs, eo.rule))) {
		ruleset_release(&rs);
		return cmd_usage_error("check", "no such %s '%s'", eo.rule ? "rule" : "pack", eo.rule ? eo.rule : eo.pack);
	}
	if (input_init(&in) < 0 || resource_set_init(&set) < 0) {
		ruleset_release(&rs);
		return cmd_fail(EXIT_FATAL);
	}
	if (waivers) {
		if ((rc = waivers_load(&ws, waivers, &as_of)) < 0) {
			code = cmd_fail(rc == ERR_NOMEM ? EXIT_FATAL : EXIT_USAGE);
			goto cleanup;
		}
		have_ws = 1;
		eo.waivers = &ws;
	}
	for (i = optind; i < argc; i++) {
		if ((rc = input_read_file(&in, argv[i])) < 0) {
			code = cmd_fail(rc == ERR_NOMEM ? EXIT_FATAL : EXIT_USAGE);
			goto cleanup;
		}
	}
	if ((rc = input_normalise(&in, &set)) < 0 || (rc = engine_run(&rs, &set, &eo, &results)) < 0) {
		code = cmd_fail(rc == ERR_NOMEM ? EXIT_FATAL : EXIT_USAGE);
		goto cleanup;
	}
	if (!strcmp(format, "json"))
		rc = output_json(&text, &results, have_ws ? &ws : NULL);
	else if (!strcmp(format, "sarif"))
		rc = output_sarif(&text, &results, have_ws ? &ws : NULL);
	else
		rc = output_table(&text, &results, &set, all);
	if (rc == 0)
		rc = write_text(output, &text);
	if (rc < 0) {
		code = cmd_fail(EXIT_FATAL);
		goto cleanup;
	}
	for (k = 0; k < have_ws * ws.n; k++)
		if (!ws.v[k].used && !ws.v[k].expired)
			log_warn("%s:%d: the waiver for %s matched no failure", ws.file, ws.v[k].line, ws.v[k].rule);
	for (k = 0; k < results.n; k++) {
		const struct result *r = &results.v[k];

		if (r->verdict == VERDICT_FAIL &&
		    severity_rank(r->rule ? r->rule->severity : "low") >= severity_rank(fail_on))
			code = EXIT_TRIPPED;
		else if (r->verdict == VERDICT_ERROR && code == EXIT_DONE)
			code = EXIT_GAPS;
	}
cleanup:
	result_list_release(&results);
	resource_set_release(&set);
	input_release(&in);
	if (have_ws)
		waivers_release(&ws);
	ruleset_release(&rs);
	strbuf_release(&text);
	return code;
}
