/*
 * vetter evidence ENGAGEMENT [--verify] [--format table|json]
 * vetter purge ENGAGEMENT [--yes] [--out DIR]
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"
#include "connectors/connector.h"
#include "core/crypto.h"
#include "core/engagement.h"
#include "core/err.h"
#include "core/evidence.h"
#include "core/jsonx.h"
#include "core/log.h"
#include "core/store.h"
#include "core/util.h"

/* Open an existing engagement's store and evidence, never creating them. */
static int open_existing(const char *file, struct engagement **eng, struct store **st, struct evidence **ev)
{
	struct strbuf path = STRBUF_INIT, key = STRBUF_INIT;
	int rc;

	if ((rc = engagement_load(eng, file, connector_type_info)) < 0)
		goto cleanup;
	strbuf_addf(&path, "%s/store.sqlite", (*eng)->state_dir);
	if (!util_exists(path.buf)) {
		rc = err_set(ERR_USAGE, "%s: no engagement store at %s; run 'vetter run %s' first", file, path.buf, file);
		goto cleanup;
	}
	if ((rc = store_open(st, path.buf)) < 0)
		goto cleanup;
	if ((*eng)->evidence_key_ref && (rc = engagement_secret(*eng, (*eng)->evidence_key_ref, &key)) < 0)
		goto cleanup;
	strbuf_reset(&path);
	strbuf_addf(&path, "%s/evidence", (*eng)->state_dir);
	rc = evidence_open(ev, *st, path.buf, (*eng)->evidence_key_ref ? key.buf : NULL, key.len);
cleanup:
	crypto_wipe(key.buf, key.len);
	strbuf_release(&key);
	strbuf_release(&path);
	return rc;
}

struct list_ctx {
	json_t *rows;
	int json;
};

static int list_row(void *vctx, const struct store_evidence_row *r)
{
	struct list_ctx *c = vctx;

	if (!c->json) {
		printf("%6lld  %-24.24s  %-64s  %10lld  %s\n", (long long)r->seq, r->source ? r->source : "-", r->digest,
		       (long long)r->size, r->uri);
		return 0;
	}
	return json_array_append_new(c->rows, json_pack("{s:I, s:s?, s:s, s:s, s:s, s:I, s:s?, s:s, s:s, s:s}", "seq",
							 (json_int_t)r->seq, "source", r->source, "uri", r->uri, "kind",
							 r->kind, "digest", r->digest, "size", (json_int_t)r->size,
							 "media_type", r->media_type, "recorded_at", r->recorded_at,
							 "prev", r->prev, "hash", r->hash)) < 0
		       ? ERR_NOMEM
		       : 0;
}

static void print_problem(void *ctx, const char *problem)
{
	(void)ctx;
	printf("FAIL  %s\n", problem);
}

int cmd_evidence(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "verify", no_argument, NULL, 'v' },
		{ "format", required_argument, NULL, 'F' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct engagement *eng = NULL;
	struct store *st = NULL;
	struct evidence *ev = NULL;
	struct evidence_stats stats;
	struct strbuf root = STRBUF_INIT, out = STRBUF_INIT;
	struct list_ctx lc = { NULL, 0 };
	int verify = 0, c, rc, code = EXIT_DONE;

	optind = 1;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'v': verify = 1; break;
		case 'F':
			if (strcmp(optarg, "table") && strcmp(optarg, "json"))
				return cmd_usage_error("evidence", "--format takes table or json");
			lc.json = !strcmp(optarg, "json");
			break;
		case 'h': return cmd_help("evidence");
		default: return cmd_usage_error("evidence", "invalid option");
		}
	}
	if (optind != argc - 1)
		return cmd_usage_error("evidence", "give the engagement file");
	if ((rc = open_existing(argv[optind], &eng, &st, &ev)) < 0) {
		code = cmd_fail(rc == ERR_USAGE || rc == ERR_NOTFOUND ? EXIT_USAGE : EXIT_FATAL);
		goto cleanup;
	}
	if (verify) {
		rc = evidence_verify(ev, &stats, print_problem, NULL);
		if (rc < 0 && rc != ERR_INTEGRITY) {
			code = cmd_fail(EXIT_FATAL);
			goto cleanup;
		}
		evidence_root(ev, &root);
		printf("%lld manifest entries, %lld items (%lld bytes) checked, %lld problem(s)\n", (long long)stats.entries,
		       (long long)stats.files, (long long)stats.bytes, (long long)stats.problems);
		printf("root digest %s\n", root.len ? root.buf : "(empty manifest)");
		if (rc == ERR_INTEGRITY) {
			log_error("evidence verification failed: %s", err_last());
			code = EXIT_TRIPPED;
		} else {
			printf("evidence verified: every digest and the chain are intact\n");
		}
		goto cleanup;
	}
	lc.rows = json_array();
	if ((rc = store_evidence_foreach(st, list_row, &lc)) < 0 || (rc = evidence_root(ev, &root)) < 0) {
		code = cmd_fail(EXIT_FATAL);
		goto cleanup;
	}
	if (lc.json) {
		json_t *doc = json_pack("{s:s, s:b, s:O}", "root", root.buf, "encrypted", evidence_encrypted(ev), "entries",
					lc.rows);

		jsonx_dump_pretty(&out, doc);
		json_decref(doc);
		fwrite(out.buf, 1, out.len, stdout);
	} else {
		printf("root digest %s\n", root.len ? root.buf : "(empty manifest)");
	}
cleanup:
	json_decref(lc.rows);
	evidence_close(ev);
	store_close(st);
	engagement_free(eng);
	strbuf_release(&root);
	strbuf_release(&out);
	return code;
}

int cmd_purge(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "yes", no_argument, NULL, 'y' },
		{ "out", required_argument, NULL, 'O' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct engagement *eng = NULL;
	const char *out = NULL;
	char answer[16];
	int yes = 0, c, rc, code = EXIT_DONE;

	optind = 1;
	while ((c = getopt_long(argc, argv, "yh", opts, NULL)) != -1) {
		switch (c) {
		case 'y': yes = 1; break;
		case 'O': out = optarg; break;
		case 'h': return cmd_help("purge");
		default: return cmd_usage_error("purge", "invalid option");
		}
	}
	if (optind != argc - 1)
		return cmd_usage_error("purge", "give the engagement file");
	if ((rc = engagement_load(&eng, argv[optind], connector_type_info)) < 0)
		return cmd_fail(EXIT_USAGE);
	if (!yes) {
		if (!isatty(STDIN_FILENO)) {
			log_error("purge deletes %s for good: confirm with --yes", eng->state_dir);
			code = EXIT_USAGE;
			goto cleanup;
		}
		fprintf(stderr, "Delete the store and all evidence in %s%s%s? Type 'yes': ", eng->state_dir,
			out ? " and the outputs in " : "", out ? out : "");
		if (!fgets(answer, sizeof(answer), stdin) || strcmp(answer, "yes\n")) {
			fprintf(stderr, "not purged\n");
			code = EXIT_USAGE;
			goto cleanup;
		}
	}
	if ((rc = util_rm_rf(eng->state_dir)) < 0 || (out && (rc = util_rm_rf(out)) < 0)) {
		code = cmd_fail(EXIT_FATAL);
		goto cleanup;
	}
	log_info("purged %s%s%s", eng->state_dir, out ? " and " : "", out ? out : "");
cleanup:
	engagement_free(eng);
	return code;
}
