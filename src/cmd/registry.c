/*
 * vetter registry HOST[/REPOSITORY]... [--tags-only] [--format table|json] ...
 *
 * What a registry holds, outside an engagement: its catalog (or the
 * repositories named), every tag, and for each tag the digest, platform,
 * creation date and size of its image.  Also the registry options the image
 * commands share.
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
#include "scan/registry.h"
#include "scan/registry_access.h"
#include "scan/registry_inventory.h"

int cmd_registry_opt(struct cmd_registry_opts *o, int c, const char *arg, const char *cmd)
{
	char *end;

	switch (c) {
	case 0x1f01: o->config = arg; return 1;
	case 0x1f02: o->ca_file = arg; return 1;
	case 0x1f03: o->plain_http = 1; return 1;
	case 0x1f04: o->insecure = 1; return 1;
	case 0x1f05: o->allow_exec = 1; return 1;
	case 0x1f06:
		o->timeout = strtol(arg, &end, 10);
		if (*end || o->timeout < 1 || o->timeout > 3600) {
			cmd_usage_error(cmd, "--timeout takes seconds, from 1 to 3600");
			return -1;
		}
		return 1;
	}
	return 0;
}

int cmd_registry_apply(const struct cmd_registry_opts *o, const char *cmd)
{
	struct registry_access a;

	if (o->config && !util_exists(o->config))
		return cmd_usage_error(cmd, "--registry-config %s: no such file", o->config);
	if (o->ca_file && !util_exists(o->ca_file))
		return cmd_usage_error(cmd, "--ca-file %s: no such file", o->ca_file);
	if (o->insecure && !o->plain_http)
		return cmd_usage_error(cmd, "--insecure only widens --plain-http; it does not turn TLS checks off");
	memset(&a, 0, sizeof(a));
	a.config_file = o->config;
	a.ca_file = o->ca_file;
	a.plain_http = o->plain_http;
	a.insecure = o->insecure;
	a.allow_exec = o->allow_exec;
	a.timeout_s = o->timeout;
	return registry_access_set(&a) < 0 ? cmd_fail(EXIT_FATAL) : 0;
}

/* "HOST[/REPO]" with or without registry: in front. */
static int split_arg(const char *arg, char **host, char **repo)
{
	const char *s = util_has_prefix(arg, "registry:") ? arg + 9 : arg, *slash;

	if (util_has_prefix(s, "https://"))
		s += 8;
	slash = strchr(s, '/');
	*host = slash ? strndup(s, (size_t)(slash - s)) : strdup(s);
	*repo = slash && slash[1] ? strdup(slash + 1) : NULL;
	if (!*host || (slash && slash[1] && !*repo))
		return err_set(ERR_NOMEM, "out of memory");
	if (*repo && !registry_repo_name_valid(*repo))
		return err_set(ERR_USAGE, "'%s' is not a repository name (lowercase letters, digits, . _ - /)", *repo);
	return 0;
}

static void human_size(char *out, size_t n, int64_t b)
{
	if (b < 0)
		snprintf(out, n, "-");
	else if (b < 10 * 1024)
		snprintf(out, n, "%lldB", (long long)b);
	else if (b < 10 * 1024 * 1024)
		snprintf(out, n, "%lldKB", (long long)(b / 1024));
	else
		snprintf(out, n, "%lldMB", (long long)(b / (1024 * 1024)));
}

static void print_table(const struct reginv *ri, int tags_only)
{
	size_t i, j;

	if (tags_only)
		printf("%-40s %s\n", "REPOSITORY", "TAG");
	else
		printf("%-32s %-20s %-19s %-16s %-20s %8s\n", "REPOSITORY", "TAG", "DIGEST", "PLATFORM", "CREATED", "SIZE");
	for (i = 0; i < ri->nrepos; i++) {
		const struct reginv_repo *r = &ri->repos[i];

		if (r->rc < 0)
			printf("%-32s error: %s\n", r->name, r->error ? r->error : "");
		for (j = 0; j < r->ntags; j++) {
			const struct reginv_tag *t = &r->tags[j];
			char size[32];

			if (tags_only) {
				printf("%-40s %s\n", r->name, t->tag);
				continue;
			}
			if (t->rc < 0) {
				printf("%-32s %-20s error: %s\n", r->name, t->tag, t->error ? t->error : "");
				continue;
			}
			human_size(size, sizeof(size), t->size);
			printf("%-32s %-20s %-19.19s %-16s %-20.20s %8s\n", r->name, t->tag, t->digest ? t->digest : "-",
			       t->platform ? t->platform : "-", t->created ? t->created : "-", size);
		}
	}
}

static json_t *inventory_json(const char *host, const struct reginv *ri)
{
	json_t *doc = json_object(), *repos = json_array();
	size_t i, j;

	for (i = 0; i < ri->nrepos; i++) {
		json_t *r = json_object(), *tags = json_array();

		jsonx_set_str(r, "name", ri->repos[i].name);
		for (j = 0; j < ri->repos[i].ntags; j++)
			json_array_append_new(tags, reginv_tag_json(&ri->repos[i].tags[j]));
		json_object_set_new(r, "tags", tags);
		json_object_set_new(r, "tags_truncated", json_boolean(ri->repos[i].truncated));
		jsonx_set_str(r, "error", ri->repos[i].error);
		json_array_append_new(repos, r);
	}
	jsonx_set_str(doc, "host", host);
	json_object_set_new(doc, "repositories", repos);
	json_object_set_new(doc, "repositories_truncated", json_boolean(ri->catalog_truncated));
	json_object_set_new(doc, "tags", json_integer((json_int_t)ri->ntags));
	json_object_set_new(doc, "inspected", json_integer((json_int_t)ri->ninspected));
	json_object_set_new(doc, "errors", json_integer((json_int_t)ri->nerrors));
	return doc;
}

int cmd_registry(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "format", required_argument, NULL, 'F' }, { "platform", required_argument, NULL, 'p' },
		{ "tags-only", no_argument, NULL, 't' }, { "max-tags", required_argument, NULL, 'T' },
		{ "max-repositories", required_argument, NULL, 'R' }, { "help", no_argument, NULL, 'h' },
		CMD_REGISTRY_LONGOPTS, { NULL, 0, 0, 0 },
	};
	const char *format = "table", *platform = NULL;
	struct cmd_registry_opts ro = { 0 };
	struct reginv_options o;
	struct reginv ri;
	struct registry *reg = NULL;
	struct registry_stats st;
	char *host = NULL, *repo = NULL;
	char **repos = NULL;
	long max_tags = 1000, max_repos = 10000;
	int c, code = EXIT_DONE, tags_only = 0, i, rc;
	char *end;

	memset(&ri, 0, sizeof(ri));
	optind = 1;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		if ((rc = cmd_registry_opt(&ro, c, optarg, "registry")) != 0) {
			if (rc < 0)
				return EXIT_USAGE;
			continue;
		}
		switch (c) {
		case 'F': format = optarg; break;
		case 'p': platform = optarg; break;
		case 't': tags_only = 1; break;
		case 'T':
		case 'R': {
			long v = strtol(optarg, &end, 10);

			if (*end || v < 1 || v > 1000000)
				return cmd_usage_error("registry", "--max-tags and --max-repositories take a number from 1 to 1000000");
			*(c == 'T' ? &max_tags : &max_repos) = v;
			break;
		}
		case 'h': return cmd_help("registry");
		default: return cmd_usage_error("registry", "invalid option");
		}
	}
	if (strcmp(format, "table") && strcmp(format, "json"))
		return cmd_usage_error("registry", "--format takes table or json");
	if (optind >= argc)
		return cmd_usage_error("registry", "name a registry: HOST[:PORT] or HOST[:PORT]/REPOSITORY");
	if ((code = cmd_registry_apply(&ro, "registry")) != 0)
		return code;
	repos = calloc((size_t)(argc - optind) + 1, sizeof(*repos));
	if (!repos)
		return cmd_fail(EXIT_FATAL);
	for (i = optind; i < argc; i++) {
		char *h = NULL;

		if (split_arg(argv[i], &h, &repo) < 0) {
			free(h);
			code = cmd_usage_error("registry", "%s", err_last());
			goto cleanup;
		}
		if (host && strcmp(host, h)) {
			free(h);
			code = cmd_usage_error("registry", "one registry at a time (%s, then %s)", host, argv[i]);
			goto cleanup;
		}
		if (!host)
			host = h;
		else
			free(h);
		if (repo)
			repos[i - optind] = repo;
		else if (argc - optind > 1) {
			code = cmd_usage_error("registry", "%s: name repositories, or the registry alone", argv[i]);
			goto cleanup;
		}
		repo = NULL;
	}
	if ((rc = registry_access_get(&reg, host)) < 0 || (rc = registry_ping(reg)) < 0) {
		code = cmd_fail(rc == ERR_USAGE || rc == ERR_INVALID ? EXIT_USAGE : EXIT_FATAL);
		goto cleanup;
	}
	memset(&o, 0, sizeof(o));
	if (repos[0]) {
		o.repos = (const char *const *)repos;
		o.nrepos = (size_t)(argc - optind);
	}
	o.max_repos = (size_t)max_repos;
	o.max_tags = (size_t)max_tags;
	o.platform = platform;
	o.jobs = cli.jobs > 0 ? cli.jobs : 8;
	o.inspect = !tags_only;
	if ((rc = reginv_run(reg, &o, &ri)) < 0) {
		code = cmd_fail(rc == ERR_USAGE ? EXIT_USAGE : EXIT_FATAL);
		goto cleanup;
	}
	if (!strcmp(format, "json")) {
		struct strbuf text = STRBUF_INIT;
		json_t *doc = inventory_json(host, &ri);

		json_object_set_new(doc, "seconds", json_real(ri.seconds));
		jsonx_dump_pretty(&text, doc);
		fwrite(text.buf, 1, text.len, stdout);
		strbuf_release(&text);
		json_decref(doc);
	} else {
		print_table(&ri, tags_only);
	}
	registry_get_stats(reg, &st);
	log_info("%s: %zu repositories, %zu tags%s in %.2f s (%.0f tags/s, %lld requests)", host, ri.nrepos, ri.ntags,
		 tags_only ? "" : " inspected", ri.seconds, ri.seconds > 0 ? (double)ri.ntags / ri.seconds : 0.0,
		 (long long)st.requests);
	code = ri.nerrors || ri.catalog_truncated ? EXIT_GAPS : EXIT_DONE;
cleanup:
	reginv_release(&ri);
	for (i = 0; repos && i < argc - optind; i++)
		free(repos[i]);
	free(repos);
	free(repo);
	free(host);
	registry_access_reset();
	return code;
}
