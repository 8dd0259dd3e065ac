/*
 * vetter kit NAME [-o FILE]: write a kit's script (src/kit/kit.h).
 * vetter import BUNDLE --company ID ENGAGEMENT: check a bundle and collect
 * it into the engagement's store as a source of that company.
 */
#include <getopt.h>
#include <unistd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "connectors/connector.h"
#include "core/err.h"
#include "core/jsonx.h"
#include "core/log.h"
#include "core/util.h"
#include "kit/bundle.h"
#include "kit/kit.h"

int cmd_kit(int argc, char **argv)
{
	static const struct option opts[] = { { "output", required_argument, NULL, 'o' }, { "help", no_argument, NULL, 'h' },
					      { NULL, 0, NULL, 0 } };
	struct strbuf out = STRBUF_INIT;
	const char *file = NULL;
	const struct kit *k;
	int c, rc = EXIT_DONE;

	optind = 1;
	while ((c = getopt_long(argc, argv, "o:h", opts, NULL)) != -1) {
		if (c == 'o')
			file = optarg;
		else if (c == 'h')
			return cmd_help("kit");
		else
			return cmd_usage_error("kit", "unknown option");
	}
	if (optind + 1 != argc)
		return cmd_usage_error("kit", "name one kit");
	if (!(k = kit_find(argv[optind]))) {
		struct strbuf names = STRBUF_INIT;
		size_t i;

		for (i = 0; kit_at(i); i++)
			strbuf_addf(&names, "%s%s", i ? ", " : "", kit_at(i)->name);
		rc = cmd_usage_error("kit", "no kit called '%s' (kits: %s)", argv[optind], names.buf);
		strbuf_release(&names);
		return rc;
	}
	if (kit_script(&out, k) < 0) {
		rc = cmd_fail(EXIT_FATAL);
		goto cleanup;
	}
	if (file) {
		if (util_write_file_atomic(file, out.buf, out.len, 0755) < 0)
			rc = cmd_fail(EXIT_USAGE);
	} else if (fwrite(out.buf, 1, out.len, stdout) != out.len) {
		rc = EXIT_FATAL;
	}
cleanup:
	strbuf_release(&out);
	return rc;
}

/* The import's source id: COMPANY.import-NAME, NAME from the bundle's file name. */
static void import_id(struct strbuf *id, const char *company, const char *path)
{
	const char *base = strrchr(path, '/');
	size_t i;

	base = base && base[1] ? base + 1 : path;
	strbuf_addf(id, "%s.import-", company);
	for (i = 0; base[i] && i < 64; i++) {
		char ch = base[i];

		strbuf_addch(id, (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
						 ch == '-' || ch == '_' || ch == '.' ? ch : '_');
	}
}

/* Print the bundle's files and their status; 1 when any is not as the manifest says. */
static int print_check(const struct bundle *b)
{
	size_t i;
	int bad = 0;

	printf("%s: %s, %zu file(s), manifest %s\n", b->path, b->is_zip ? "zip" : "folder", b->nfiles,
	       b->has_manifest ? "present" : "absent");
	for (i = 0; i < b->nfiles; i++) {
		const struct bundle_file *f = &b->files[i];

		if (f->status == BUNDLE_OK || f->status == BUNDLE_NO_MANIFEST)
			continue;
		bad = 1;
		printf("  %-9s %s: %s\n", bundle_status_name(f->status), f->name, f->problem ? f->problem : "");
	}
	return bad;
}

static int do_import(const char *bundle, const char *company, const char *eng_file)
{
	struct engagement *eng = NULL;
	struct store *st = NULL;
	struct evidence *ev = NULL;
	struct bundle *b = NULL;
	struct strbuf id = STRBUF_INIT, p = STRBUF_INIT, real = STRBUF_INIT, key = STRBUF_INIT;
	struct source src;
	const struct company *co;
	json_t *doc = NULL;
	char *abs = NULL;
	const struct connector *conn = connector_find("bundle");
	int rc, code = EXIT_DONE, bad;

	if (engagement_load(&eng, eng_file, connector_type_info) < 0)
		return cmd_fail(EXIT_USAGE);
	if (!(co = engagement_company(eng, company))) {
		code = cmd_usage_error("import", "%s: no company '%s'", eng_file, company);
		goto cleanup;
	}
	/* The bundle must be in the data room, inside the engagement folder. */
	if (bundle[0] == '/') {
		abs = util_strdup(bundle);
	} else {
		char cwd[4096];

		if (!getcwd(cwd, sizeof(cwd))) {
			code = cmd_usage_error("import", "cannot tell the current folder");
			goto cleanup;
		}
		strbuf_addf(&p, "%s/%s", cwd, bundle);
		abs = strbuf_detach(&p, NULL);
	}
	if (!abs || util_path_within(&real, eng->dir, abs) < 0) {
		err_prefix(ERR_DENIED, "%s", bundle);
		code = cmd_fail(EXIT_USAGE);
		goto cleanup;
	}
	if (bundle_open(&b, real.buf) < 0) {
		code = cmd_fail(EXIT_USAGE);
		goto cleanup;
	}
	bad = print_check(b);
	import_id(&id, company, real.buf);
	doc = json_pack("{s:s, s:s}", "type", "bundle", "path", real.buf);
	memset(&src, 0, sizeof(src));
	src.id = id.buf;
	src.type = "bundle";
	src.name = id.buf;
	src.info = &conn->info;
	src.company = co;
	src.doc = doc;
	src.tls_verify = 1;
	if (eng->evidence_key_ref && engagement_secret(eng, eng->evidence_key_ref, &key) < 0) {
		code = cmd_fail(EXIT_USAGE);
		goto cleanup;
	}
	strbuf_addf(&p, "%s/store.sqlite", eng->state_dir);
	if ((rc = util_mkdirs(eng->state_dir, 0700)) < 0 || (rc = store_open(&st, p.buf)) < 0)
		goto fatal;
	strbuf_reset(&p);
	strbuf_addf(&p, "%s/evidence", eng->state_dir);
	if ((rc = evidence_open(&ev, st, p.buf, key.len ? key.buf : NULL, key.len)) < 0)
		goto fatal;
	{
		struct inventory inv = { st, ev, eng, co, &src, 0, 0, 0 };
		struct strbuf stage = STRBUF_INIT;
		static const char *const later[] = { "scan", "assess", "score", "report" };
		size_t i;

		if ((rc = store_begin(st)) < 0)
			goto fatal;
		if ((rc = store_company_put(st, co->id, co->name, co->role)) == 0 &&
		    (rc = store_source_put(st, src.id, co->id, "bundle", 0, "{\"supplied\":true}")) == 0 &&
		    (rc = inventory_gap_stage(&stage, src.id)) == 0 && (rc = store_findings_clear(st, stage.buf)) == 0 &&
		    (rc = store_source_clear(st, src.id)) == 0 && (rc = conn->collect(&inv)) == 0)
			rc = store_source_set_status(st, src.id, "done", NULL);
		/* What comes after collection must be worked out again with the import in. */
		for (i = 0; rc == 0 && i < sizeof(later) / sizeof(later[0]); i++)
			rc = store_stage_set(st, later[i], "pending");
		strbuf_release(&stage);
		if (rc < 0) {
			store_rollback(st);
			goto fatal;
		}
		if ((rc = store_commit(st)) < 0)
			goto fatal;
		printf("imported as source %s of %s: %lld asset(s), %lld gap(s)\n", src.id, co->id, (long long)inv.assets,
		       (long long)inv.gaps);
		code = bad || inv.gaps ? EXIT_GAPS : EXIT_DONE;
	}
	goto cleanup;
fatal:
	code = cmd_fail(rc == ERR_NOMEM || rc == ERR_IO ? EXIT_FATAL : EXIT_USAGE);
cleanup:
	evidence_close(ev);
	store_close(st);
	bundle_free(b);
	engagement_free(eng);
	json_decref(doc);
	free(abs);
	strbuf_release(&id);
	strbuf_release(&p);
	strbuf_release(&real);
	strbuf_release(&key);
	return code;
}

int cmd_import(int argc, char **argv)
{
	static const struct option opts[] = { { "company", required_argument, NULL, 'c' }, { "help", no_argument, NULL, 'h' },
					      { NULL, 0, NULL, 0 } };
	const char *company = NULL;
	int c;

	optind = 1;
	while ((c = getopt_long(argc, argv, "c:h", opts, NULL)) != -1) {
		if (c == 'c')
			company = optarg;
		else if (c == 'h')
			return cmd_help("import");
		else
			return cmd_usage_error("import", "unknown option");
	}
	if (!company || optind + 2 != argc)
		return cmd_usage_error("import", "give BUNDLE, --company ID and ENGAGEMENT");
	return do_import(argv[optind], company, argv[optind + 1]);
}
