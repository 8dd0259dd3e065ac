/*
 * vetter scan IMAGE_REF [--vulndb FILE] [--format table|json|sarif] [-o FILE] [--platform P]
 *
 * An ad-hoc vulnerability scan of one image outside an engagement, as
 * 'trivy image' does: the image is read as 'vetter inventory' reads it, its
 * packages are matched against the advisory database (vulndb/vulndb.h), and
 * the matches and coverage gaps are written as a table, as JSON (keys in
 * docs/scan.md) or as SARIF 2.1.0.  Exit 3 when there are coverage gaps.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "core/err.h"
#include "core/jsonx.h"
#include "core/log.h"
#include "core/util.h"
#include "scan/image.h"
#include "scan/registry_access.h"
#include "scan/scanner.h"
#include "vulndb/vulndb.h"

#ifndef VETTER_VERSION
#define VETTER_VERSION "0.0.0-dev"
#endif

static const char *const sev_order[] = { "critical", "high", "medium", "low", "info", "unknown" };

/* Gaps of the image itself (a layer that could not be read, nothing assessable) as scan gaps. */
static void image_gaps(const struct scan_result *res, json_t *gaps)
{
	json_t *g, *v;
	size_t i;

	json_array_foreach(res->view.gaps, i, v) {
		g = json_object();
		jsonx_set_str(g, "scope", "image");
		jsonx_set_str(g, "reason", jsonx_strz(v, "reason"));
		jsonx_set_str(g, "path", jsonx_str(v, "scope"));
		json_array_append_new(gaps, g);
	}
	if (res->not_assessable) {
		g = json_object();
		jsonx_set_str(g, "scope", "image");
		jsonx_set_str(g, "reason", res->not_assessable);
		json_array_append_new(gaps, g);
	}
}

static json_t *summary_of(const json_t *matches, const json_t *gaps, size_t packages)
{
	json_t *s = json_object(), *by = json_object(), *m;
	size_t i, k, kev = 0;

	for (k = 0; k < ARRAY_SIZE(sev_order); k++)
		json_object_set_new(by, sev_order[k], json_integer(0));
	json_array_foreach(matches, i, m) {
		json_t *n = json_object_get(by, jsonx_strz(m, "severity"));

		if (n)
			json_integer_set(n, json_integer_value(n) + 1);
		kev += json_is_true(json_object_get(m, "known_exploited"));
	}
	json_object_set_new(s, "packages", json_integer((json_int_t)packages));
	json_object_set_new(s, "matches", json_integer((json_int_t)json_array_size(matches)));
	json_object_set_new(s, "by_severity", by);
	json_object_set_new(s, "known_exploited", json_integer((json_int_t)kev));
	json_object_set_new(s, "gaps", json_integer((json_int_t)json_array_size(gaps)));
	return s;
}

static void print_table(const json_t *doc)
{
	const json_t *os = json_object_get(doc, "os"), *s = json_object_get(doc, "summary"), *m, *g;
	size_t i;

	printf("image     %s\n", jsonx_strz(json_object_get(doc, "image"), "ref"));
	printf("os        %s\n", json_is_object(os) ? jsonx_strz(os, "pretty_name")[0] ? jsonx_strz(os, "pretty_name")
									       : jsonx_strz(os, "id")
							: "(not recognised)");
	printf("vulndb    %s (digest %.16s)\n", jsonx_strz(json_object_get(doc, "vulndb"), "path"),
	       jsonx_strz(json_object_get(doc, "vulndb"), "digest"));
	printf("packages  %lld, %lld matches, %lld known exploited, %lld gaps\n\n", (long long)jsonx_int(s, "packages", 0),
	       (long long)jsonx_int(s, "matches", 0), (long long)jsonx_int(s, "known_exploited", 0),
	       (long long)jsonx_int(s, "gaps", 0));
	printf("%-28s %-24s %-24s %-9s %-24s %-4s %s\n", "PACKAGE", "INSTALLED", "ADVISORY", "SEVERITY", "FIXED", "KEV",
	       "EPSS");
	json_array_foreach(json_object_get(doc, "matches"), i, m) {
		const char *fixed = jsonx_str(m, "fixed_version");

		printf("%-28s %-24s %-24s %-9s %-24s %-4s %s\n", jsonx_strz(m, "package"), jsonx_strz(m, "installed_version"),
		       jsonx_strz(m, "advisory"), jsonx_strz(m, "severity"), fixed ? fixed : "(no fix yet)",
		       json_is_true(json_object_get(m, "known_exploited")) ? "yes" : "",
		       jsonx_strz(json_object_get(m, "epss"), "score"));
	}
	json_array_foreach(json_object_get(doc, "gaps"), i, g)
		printf("gap (%s): %s\n", jsonx_strz(g, "scope"), jsonx_strz(g, "reason"));
}

/* s as a URI reference: unreserved characters and '/' kept, the rest percent-encoded. */
static json_t *uri_of(const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	struct strbuf sb = STRBUF_INIT;
	json_t *j;

	for (; s && *s; s++) {
		unsigned char c = (unsigned char)*s;

		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || strchr("-._~/", c))
			strbuf_addch(&sb, c);
		else
			strbuf_addf(&sb, "%%%c%c", hex[c >> 4], hex[c & 15]);
	}
	j = json_string(sb.len ? sb.buf : "image");
	strbuf_release(&sb);
	return j;
}

static const char *sarif_level(const char *sev)
{
	if (!strcmp(sev, "critical") || !strcmp(sev, "high"))
		return "error";
	if (!strcmp(sev, "low") || !strcmp(sev, "info"))
		return "note";
	return "warning";
}

/* SARIF 2.1.0: one rule per advisory, one result per match, gaps as tool notifications. */
static json_t *sarif_of(const json_t *doc)
{
	json_t *rules = json_array(), *results = json_array(), *notes = json_array(), *index = json_object(), *m, *g;
	json_t *run, *log;
	size_t i;

	json_array_foreach(json_object_get(doc, "matches"), i, m) {
		const char *id = jsonx_strz(m, "advisory"), *fixed = jsonx_str(m, "fixed_version");
		json_t *pos = json_object_get(index, id), *res, *props, *loc;
		struct strbuf text = STRBUF_INIT;

		if (!pos) {
			json_t *rule = json_object(), *rp = json_object(), *tags = json_array();
			struct strbuf help = STRBUF_INIT;

			jsonx_set_str(rule, "id", id);
			json_object_set_new(rule, "shortDescription",
					    json_pack("{s:s}", "text", jsonx_strz(m, "summary")[0] ? jsonx_strz(m, "summary") : id));
			strbuf_addf(&help, "https://osv.dev/vulnerability/%s", id);
			json_object_set_new(rule, "helpUri", json_string(help.buf));
			strbuf_release(&help);
			json_array_append_new(tags, json_string("security"));
			json_array_append_new(tags, json_string("vulnerability"));
			json_object_set_new(rp, "tags", tags);
			if (json_is_number(json_object_get(m, "cvss_score"))) {
				char score[16];

				snprintf(score, sizeof(score), "%.1f", json_number_value(json_object_get(m, "cvss_score")));
				jsonx_set_str(rp, "security-severity", score);
			}
			json_object_set_new(rule, "properties", rp);
			pos = json_integer((json_int_t)json_array_size(rules));
			json_object_set_new(index, id, pos);
			json_array_append_new(rules, rule);
		}
		strbuf_addf(&text, "%s %s is affected by %s (severity %s); %s%s", jsonx_strz(m, "package"),
			    jsonx_strz(m, "installed_version"), id, jsonx_strz(m, "severity"), fixed ? "fixed in " : "no fix yet",
			    fixed ? fixed : "");
		res = json_object();
		jsonx_set_str(res, "ruleId", id);
		json_object_set(res, "ruleIndex", pos);
		jsonx_set_str(res, "level", sarif_level(jsonx_strz(m, "severity")));
		json_object_set_new(res, "message", json_pack("{s:s}", "text", text.buf));
		loc = json_object();
		json_object_set_new(loc, "physicalLocation",
				    json_pack("{s:{s:o}}", "artifactLocation", "uri", uri_of(jsonx_str(m, "path"))));
		json_object_set_new(loc, "logicalLocations",
				    json_pack("[{s:s, s:s, s:s}]", "name", jsonx_strz(m, "package"), "fullyQualifiedName",
					      jsonx_str(m, "purl") ? jsonx_str(m, "purl") : jsonx_strz(m, "package"), "kind",
					      "module"));
		json_object_set_new(res, "locations", json_pack("[o]", loc));
		props = json_deep_copy(m);
		json_object_set_new(res, "properties", props);
		json_array_append_new(results, res);
		strbuf_release(&text);
	}
	json_array_foreach(json_object_get(doc, "gaps"), i, g) {
		struct strbuf id = STRBUF_INIT;

		strbuf_addf(&id, "coverage-gap/%s", jsonx_strz(g, "scope"));
		json_array_append_new(notes, json_pack("{s:s, s:{s:s}, s:{s:s}, s:O}", "level", "warning", "message", "text",
						       jsonx_strz(g, "reason"), "descriptor", "id", id.buf, "properties", g));
		strbuf_release(&id);
	}
	run = json_pack("{s:{s:{s:s, s:s, s:o}}, s:o, s:[{s:b, s:o}], s:{s:O, s:O, s:O, s:O}}", "tool", "driver", "name",
			"vetter", "version", VETTER_VERSION, "rules", rules, "results", results, "invocations",
			"executionSuccessful", 1, "toolExecutionNotifications", notes, "properties", "image",
			json_object_get(doc, "image"), "os", json_object_get(doc, "os"), "vulndb",
			json_object_get(doc, "vulndb"), "summary", json_object_get(doc, "summary"));
	log = json_pack("{s:s, s:s, s:[o]}", "$schema", "https://json.schemastore.org/sarif-2.1.0.json", "version", "2.1.0",
			"runs", run);
	json_decref(index);
	return log;
}

/* Indented JSON with sorted keys; reals with 15 digits, so a CVSS score of 7.8 prints as 7.8. */
static int dump_json(struct strbuf *out, const json_t *v)
{
	char *text = json_dumps(v, JSON_INDENT(2) | JSON_SORT_KEYS | JSON_REAL_PRECISION(15));
	int rc;

	if (!text)
		return err_set(ERR_NOMEM, "cannot serialise JSON");
	rc = strbuf_addstr(out, text);
	free(text);
	return rc < 0 ? rc : strbuf_addch(out, '\n');
}

static int write_out(const char *path, const struct strbuf *text)
{
	if (!path || !strcmp(path, "-"))
		return fwrite(text->buf, 1, text->len, stdout) == text->len ? 0 : err_set(ERR_IO, "cannot write stdout");
	return util_write_file_atomic(path, text->buf, text->len, 0644);
}

int cmd_scan(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "vulndb", required_argument, NULL, 'V' }, { "format", required_argument, NULL, 'F' },
		{ "output", required_argument, NULL, 'o' }, { "platform", required_argument, NULL, 'p' },
		{ "help", no_argument, NULL, 'h' },	    CMD_REGISTRY_LONGOPTS,
		{ NULL, 0, NULL, 0 },
	};
	struct cmd_registry_opts ro = { 0 };
	const char *format = "table", *output = NULL, *platform = NULL, *vulndb = NULL;
	struct strbuf path = STRBUF_INIT, digest = STRBUF_INIT, text = STRBUF_INIT;
	struct vulndb *db = NULL;
	struct image *img = NULL;
	struct scan_result res;
	json_t *matches = NULL, *gaps = NULL, *doc = NULL, *out = NULL;
	int c, rc, code, scanned = 0;

	optind = 1;
	while ((c = getopt_long(argc, argv, "o:h", opts, NULL)) != -1) {
		if ((rc = cmd_registry_opt(&ro, c, optarg, "scan")) != 0) {
			if (rc < 0)
				return EXIT_USAGE;
			continue;
		}
		switch (c) {
		case 'V': vulndb = optarg; break;
		case 'F': format = optarg; break;
		case 'o': output = optarg; break;
		case 'p': platform = optarg; break;
		case 'h': return cmd_help("scan");
		default: return cmd_usage_error("scan", "invalid option");
		}
	}
	if (strcmp(format, "table") && strcmp(format, "json") && strcmp(format, "sarif"))
		return cmd_usage_error("scan", "--format takes table, json or sarif");
	if (optind != argc - 1)
		return cmd_usage_error("scan", "give one image reference");
	if ((code = cmd_registry_apply(&ro, "scan")) != 0)
		return code;
	/* The database first: a missing one is a usage error before any image is read. */
	if (vulndb_path(&path, vulndb) < 0 || vulndb_open(&db, path.buf, VULNDB_READ) < 0) {
		strbuf_release(&path);
		return cmd_fail(EXIT_USAGE);
	}
	if ((code = cmd_scan_image("scan", argv[optind], platform, 0, &img, &res)) != 0)
		goto cleanup;
	scanned = 1;
	if ((rc = vulndb_match_json(db, res.view.os, &res.view.pkgs, &matches, &gaps)) < 0 ||
	    (rc = vulndb_digest_stored(db, &digest)) < 0) {
		code = cmd_fail(EXIT_FATAL);
		goto cleanup;
	}
	image_gaps(&res, gaps);
	doc = json_object();
	json_object_set(doc, "image", res.image);
	json_object_set(doc, "os", res.view.os ? res.view.os : json_null());
	json_object_set_new(doc, "vulndb", json_pack("{s:s, s:s}", "path", path.buf, "digest", digest.buf));
	json_object_set_new(doc, "summary", summary_of(matches, gaps, res.view.pkgs.n));
	json_object_set(doc, "matches", matches);
	json_object_set(doc, "gaps", gaps);
	if (!strcmp(format, "table")) {
		print_table(doc);
	} else {
		out = !strcmp(format, "sarif") ? sarif_of(doc) : json_incref(doc);
		if (!out || (rc = dump_json(&text, out)) < 0 || (rc = write_out(output, &text)) < 0) {
			code = cmd_fail(EXIT_FATAL);
			goto cleanup;
		}
	}
	code = json_array_size(gaps) ? EXIT_GAPS : EXIT_DONE;
cleanup:
	json_decref(out);
	json_decref(doc);
	json_decref(matches);
	json_decref(gaps);
	if (scanned)
		scan_result_release(&res);
	image_free(img);
	vulndb_close(db);
	strbuf_release(&path);
	strbuf_release(&digest);
	strbuf_release(&text);
	registry_access_reset();
	return code;
}
