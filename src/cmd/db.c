/*
 * vetter db import osv|cve PATH...   vetter db import kev|epss FILE
 * vetter db status [--format table|json]   vetter db digest   vetter db show ID
 * vetter db update [--mirror URL] [--ecosystem NAME]... [--kev-url URL] [--epss-url URL] ...
 *
 * The advisory database (vulndb/vulndb.h), outside any engagement.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "core/err.h"
#include "core/jsonx.h"
#include "core/log.h"
#include "vulndb/fetch.h"
#include "vulndb/vulndb.h"

struct db_opts {
	const char *vulndb, *format, *mirror, *kev_url, *epss_url, *ca_file;
	const char **ecosystems;
	size_t necosystems;
	int insecure_http_loopback, no_kev, no_epss;
	long long max_bytes;
};

/* s with control characters made '?': names and reasons can quote outside data. */
static const char *printable(char *buf, size_t size, const char *s)
{
	size_t i;

	for (i = 0; s[i] && i + 1 < size; i++)
		buf[i] = (unsigned char)s[i] < 0x20 || s[i] == 0x7f ? '?' : s[i];
	buf[i] = 0;
	return buf;
}

static void on_refused(void *ctx, const char *where, const char *reason)
{
	char w[1024], r[1024];

	(void)ctx;
	log_warn("%s: refused: %s", printable(w, sizeof(w), where), printable(r, sizeof(r), reason));
}

/* Indented JSON with sorted keys; reals with 15 digits, so 7.8 prints as 7.8. */
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

/* Parse the options every db subcommand shares; returns optind's new value or -1 after a usage error. */
static int parse_opts(int argc, char **argv, struct db_opts *o)
{
	static const struct option opts[] = {
		{ "vulndb", required_argument, NULL, 'V' },
		{ "format", required_argument, NULL, 'F' },
		{ "mirror", required_argument, NULL, 'm' },
		{ "ecosystem", required_argument, NULL, 'e' },
		{ "kev-url", required_argument, NULL, 'k' },
		{ "epss-url", required_argument, NULL, 'E' },
		{ "no-kev", no_argument, NULL, 'K' },
		{ "no-epss", no_argument, NULL, 'P' },
		{ "ca-file", required_argument, NULL, 'c' },
		{ "insecure-http-loopback", no_argument, NULL, 'I' },
		{ "max-size", required_argument, NULL, 'M' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char **ne;
	char *end;
	int c;

	optind = 1;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'V': o->vulndb = optarg; break;
		case 'F': o->format = optarg; break;
		case 'm': o->mirror = optarg; break;
		case 'k': o->kev_url = optarg; break;
		case 'E': o->epss_url = optarg; break;
		case 'K': o->no_kev = 1; break;
		case 'P': o->no_epss = 1; break;
		case 'c': o->ca_file = optarg; break;
		case 'I': o->insecure_http_loopback = 1; break;
		case 'M':
			o->max_bytes = strtoll(optarg, &end, 10);
			if (*end || o->max_bytes <= 0) {
				cmd_usage_error("db", "--max-size takes a number of bytes");
				return -1;
			}
			break;
		case 'e':
			if (!(ne = realloc(o->ecosystems, (o->necosystems + 1) * sizeof(*ne)))) {
				cmd_usage_error("db", "out of memory");
				return -1;
			}
			o->ecosystems = ne;
			o->ecosystems[o->necosystems++] = optarg;
			break;
		case 'h': cmd_help("db"); return -2;
		default: cmd_usage_error("db", "invalid option"); return -1;
		}
	}
	return optind;
}

static int open_db(const struct db_opts *o, enum vulndb_mode mode, struct vulndb **db)
{
	struct strbuf path = STRBUF_INIT;
	int rc;

	if ((rc = vulndb_path(&path, o->vulndb)) == 0)
		rc = vulndb_open(db, path.buf, mode);
	strbuf_release(&path);
	return rc;
}

static void print_stats(const char *kind, const char *path, const struct vulndb_import_stats *st)
{
	printf("%s %s: %zu read, %zu added, %zu updated, %zu unchanged, %zu older, %zu withdrawn, %zu removed, "
	       "%zu refused\n",
	       kind, path, st->read, st->added, st->updated, st->unchanged, st->older, st->withdrawn, st->removed,
	       st->refused);
}

static int db_import(struct vulndb *db, int argc, char **argv, int first)
{
	struct vulndb_import_opts io = { on_refused, NULL, 0 };
	struct vulndb_import_stats st;
	const char *kind;
	int i, rc = 0, refused = 0;
	int (*fn)(struct vulndb *, const char *, const struct vulndb_import_opts *, struct vulndb_import_stats *);

	if (first >= argc)
		return cmd_usage_error("db", "db import needs a kind: osv, cve, kev or epss");
	kind = argv[first];
	fn = !strcmp(kind, "osv") ? vulndb_import_osv : !strcmp(kind, "cve") ? vulndb_import_cve
						    : !strcmp(kind, "kev") ? vulndb_import_kev
						    : !strcmp(kind, "epss") ? vulndb_import_epss : NULL;
	if (!fn)
		return cmd_usage_error("db", "db import takes osv, cve, kev or epss, not '%s'", kind);
	if (first + 1 >= argc)
		return cmd_usage_error("db", "db import %s needs a file%s", kind,
				       strcmp(kind, "kev") && strcmp(kind, "epss") ? ", folder or zip" : "");
	if ((!strcmp(kind, "kev") || !strcmp(kind, "epss")) && first + 2 != argc)
		return cmd_usage_error("db", "db import %s takes one file", kind);
	for (i = first + 1; i < argc; i++) {
		if ((rc = fn(db, argv[i], &io, &st)) < 0)
			/* The input is unreadable or not of the kind named: the command line's fault. */
			return cmd_fail(rc == ERR_NOMEM || rc == ERR_FAIL ? EXIT_FATAL : EXIT_USAGE);
		print_stats(kind, argv[i], &st);
		refused += st.refused > 0;
	}
	return refused ? EXIT_GAPS : EXIT_DONE;
}

static int db_status(struct vulndb *db, const char *format)
{
	struct strbuf text = STRBUF_INIT;
	json_t *st, *e, *src, *kev, *epss;
	size_t i;
	int rc;

	if ((rc = vulndb_status(db, &st)) < 0)
		return cmd_fail(EXIT_FATAL);
	if (!strcmp(format, "json")) {
		dump_json(&text, st);
		fwrite(text.buf, 1, text.len, stdout);
		strbuf_release(&text);
		json_decref(st);
		return EXIT_DONE;
	}
	printf("database  %s\n", jsonx_strz(st, "path"));
	printf("digest    %s\n", jsonx_strz(st, "digest"));
	printf("records   %lld OSV records (%lld without a package), %lld withdrawn seen\n",
	       (long long)jsonx_int(st, "records", 0), (long long)jsonx_int(st, "records_without_package", 0),
	       (long long)jsonx_int(st, "withdrawn_seen", 0));
	printf("cve       %lld CVE records, newest update %s\n", (long long)jsonx_int(st, "cve_records", 0),
	       jsonx_str(st, "cve_newest_updated") ? jsonx_str(st, "cve_newest_updated") : "-");
	kev = json_object_get(st, "kev");
	epss = json_object_get(st, "epss");
	if (json_is_object(kev))
		printf("kev       catalog %s released %s, %lld entries\n", jsonx_strz(kev, "catalog_version"),
		       jsonx_strz(kev, "date_released"), (long long)jsonx_int(kev, "entries", 0));
	else
		printf("kev       not imported\n");
	if (json_is_object(epss))
		printf("epss      model %s scored %s, %lld entries\n", jsonx_strz(epss, "model_version"),
		       jsonx_strz(epss, "score_date"), (long long)jsonx_int(epss, "entries", 0));
	else
		printf("epss      not imported\n");
	printf("\n%-16s %-36s %8s  %s\n", "ECOSYSTEM", "RELEASE", "RECORDS", "NEWEST MODIFIED");
	json_array_foreach(json_object_get(st, "ecosystems"), i, e)
		printf("%-16s %-36s %8lld  %s\n", jsonx_strz(e, "name"), jsonx_strz(e, "release"),
		       (long long)jsonx_int(e, "records", 0), jsonx_strz(e, "newest_modified"));
	src = json_object_get(st, "sources");
	if (json_array_size(src))
		printf("\nSOURCES\n");
	json_array_foreach(src, i, e)
		printf("%-5s %s  %s  %s\n", jsonx_strz(e, "kind"), jsonx_strz(e, "imported_at"), jsonx_strz(e, "path"),
		       jsonx_strz(e, "summary"));
	json_decref(st);
	return EXIT_DONE;
}

static void on_update(void *ctx, const char *kind, const char *url, const struct vulndb_import_stats *st, int rc)
{
	int *failed = ctx;

	if (rc < 0) {
		log_error("%s", err_last());
		*failed = 1;
		return;
	}
	print_stats(kind, url, st);
}

static int db_update(struct vulndb *db, const struct db_opts *o)
{
	struct vulndb_import_opts io = { on_refused, NULL, 0 };
	struct fetch_opts fo = { o->ca_file, o->insecure_http_loopback, o->max_bytes };
	struct vulndb_update_opts uo;
	int rc, failed = 0;

	memset(&uo, 0, sizeof(uo));
	uo.mirror = o->mirror;
	uo.ecosystems = o->ecosystems;
	uo.necosystems = o->necosystems;
	uo.kev_url = o->no_kev ? "" : o->kev_url;
	uo.epss_url = o->no_epss ? "" : o->epss_url;
	uo.fetch = &fo;
	uo.import = &io;
	uo.done = on_update;
	uo.ctx = &failed;
	rc = vulndb_update(db, &uo);
	if (rc == 0)
		return EXIT_DONE;
	/* A URL the download rules refuse, or nothing to fetch, is the command line's fault. */
	if (!failed)
		return cmd_fail(rc == ERR_USAGE ? EXIT_USAGE : EXIT_FATAL);
	return rc == ERR_USAGE ? EXIT_USAGE : EXIT_FATAL;
}

int cmd_db(int argc, char **argv)
{
	struct db_opts o;
	struct vulndb *db = NULL;
	struct strbuf text = STRBUF_INIT;
	const char *sub;
	json_t *j;
	int first, code;

	memset(&o, 0, sizeof(o));
	o.format = "table";
	if ((first = parse_opts(argc, argv, &o)) < 0) {
		free(o.ecosystems);
		return first == -2 ? EXIT_DONE : EXIT_USAGE;
	}
	if (first >= argc) {
		free(o.ecosystems);
		return cmd_usage_error("db", "give a subcommand: import, status, digest, show or update");
	}
	sub = argv[first];
	if (strcmp(o.format, "table") && strcmp(o.format, "json")) {
		free(o.ecosystems);
		return cmd_usage_error("db", "--format takes table or json");
	}
	if (strcmp(sub, "import") && strcmp(sub, "status") && strcmp(sub, "digest") && strcmp(sub, "show") &&
	    strcmp(sub, "update")) {
		free(o.ecosystems);
		return cmd_usage_error("db", "unknown subcommand '%s' (import, status, digest, show, update)", sub);
	}
	if ((!strcmp(sub, "status") || !strcmp(sub, "digest") || !strcmp(sub, "update")) && first + 1 != argc) {
		free(o.ecosystems);
		return cmd_usage_error("db", "db %s takes no arguments", sub);
	}
	if (!strcmp(sub, "show") && first + 2 != argc) {
		free(o.ecosystems);
		return cmd_usage_error("db", "db show takes one id");
	}
	if (open_db(&o, !strcmp(sub, "import") || !strcmp(sub, "update") ? VULNDB_WRITE : VULNDB_READ, &db) < 0) {
		free(o.ecosystems);
		return cmd_fail(EXIT_USAGE);
	}
	if (!strcmp(sub, "import")) {
		code = db_import(db, argc, argv, first + 1);
	} else if (!strcmp(sub, "status")) {
		code = db_status(db, o.format);
	} else if (!strcmp(sub, "digest")) {
		code = vulndb_digest(db, &text) < 0 ? cmd_fail(EXIT_FATAL) : (printf("%s\n", text.buf), EXIT_DONE);
	} else if (!strcmp(sub, "show")) {
		if (vulndb_show(db, argv[first + 1], &j) < 0) {
			code = cmd_fail(EXIT_TRIPPED);
		} else {
			dump_json(&text, j);
			fwrite(text.buf, 1, text.len, stdout);
			json_decref(j);
			code = EXIT_DONE;
		}
	} else {
		code = db_update(db, &o);
	}
	strbuf_release(&text);
	vulndb_close(db);
	free(o.ecosystems);
	return code;
}
