/*
 * vetter run ENGAGEMENT: every stage of an engagement, resumably.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "compliance/stage.h"
#include "connectors/connector.h"
#include "core/crypto.h"
#include "core/engagement.h"
#include "core/err.h"
#include "core/evidence.h"
#include "core/finding.h"
#include "core/jsonx.h"
#include "core/log.h"
#include "core/progress.h"
#include "core/runner.h"
#include "core/store.h"
#include "core/util.h"
#include "report/stage.h"
#include "scan/stage.h"
#include "scoring/config.h"
#include "scoring/consolidate.h"
#include "scoring/manual.h"
#include "scoring/stage.h"
#include "vulndb/vulndb.h"

static const struct stage_def stages[] = {
	{ "collect", collect_stage, 0 }, { "scan", scan_stage, 0 },	  { "assess", assess_stage, 0 },
	{ "score", score_stage, 0 },     { "report", report_stage, 1 },
};

/* Everything that can be wrong with the inputs is found before anything is written. */
struct preflight {
	struct engagement *eng;
	struct strbuf out_dir;
	struct strbuf key;
	int has_key;
};

static int preflight(struct preflight *pf, const char *file, const char *out)
{
	struct score_config scoring;
	json_t *manual = NULL;
	int rc;

	if ((rc = engagement_load(&pf->eng, file, connector_type_info)) < 0)
		return rc;
	if ((rc = manual_load(pf->eng, &manual)) < 0)
		return rc;
	json_decref(manual);
	if ((rc = score_config_load(&scoring, pf->eng)) < 0)
		return rc;
	score_config_release(&scoring);
	if ((rc = consolidation_preflight(pf->eng)) < 0)
		return rc;
	if (out)
		rc = strbuf_addstr(&pf->out_dir, out);
	else
		rc = strbuf_addf(&pf->out_dir, "%s/out", pf->eng->dir);
	if (rc < 0)
		return rc;
	if ((rc = util_check_writable_dir(pf->out_dir.buf)) < 0)
		return err_set(ERR_USAGE, "output folder: %s", err_last());
	if ((rc = util_check_writable_dir(pf->eng->state_dir)) < 0)
		return err_set(ERR_USAGE, "engagement state folder: %s", err_last());
	if (pf->eng->evidence_key_ref) {
		if ((rc = engagement_secret(pf->eng, pf->eng->evidence_key_ref, &pf->key)) < 0)
			return err_set(ERR_USAGE, "evidence.encryption_key: %s", err_last());
		pf->has_key = 1;
	}
	return 0;
}

struct open_state {
	struct store *st;
	struct evidence *ev;
};

/*
 * A different advisory database than the one the results rest on means the
 * matching must run again: the stages from scan on are started over.
 */
static int check_vulndb(struct store *st, const char *option)
{
	static const char *const later[] = { "scan", "assess", "score", "report" };
	struct strbuf path = STRBUF_INIT, now = STRBUF_INIT, before = STRBUF_INIT;
	struct vulndb *db = NULL;
	size_t i;
	int rc;

	rc = store_meta_get(st, "vulndb_digest", &before);
	if (rc == ERR_NOTFOUND) {
		rc = 0;
		goto cleanup;
	}
	if (rc < 0 || (rc = vulndb_path(&path, option)) < 0)
		goto cleanup;
	if (vulndb_open(&db, path.buf, VULNDB_READ) == 0)
		rc = vulndb_digest_stored(db, &now);
	err_clear();
	if (rc < 0 || !strcmp(now.buf, before.buf))
		goto cleanup;
	log_info("the advisory database is not the one the last run used (%.16s, now %s): matching again", before.buf,
		 now.len ? now.buf : "none");
	for (i = 0; i < sizeof(later) / sizeof(later[0]) && rc == 0; i++)
		rc = store_stage_set(st, later[i], "pending");
cleanup:
	vulndb_close(db);
	strbuf_release(&path);
	strbuf_release(&now);
	strbuf_release(&before);
	return rc;
}

/* Open (creating) the store and evidence folder of an engagement. */
static int open_state(const struct preflight *pf, struct open_state *os, const char *vulndb)
{
	struct strbuf path = STRBUF_INIT, digest = STRBUF_INIT;
	int rc;

	if ((rc = util_mkdirs(pf->eng->state_dir, 0700)) < 0)
		goto cleanup;
	strbuf_addf(&path, "%s/run.log", pf->eng->state_dir);
	if ((rc = log_open_file(path.buf)) < 0)
		goto cleanup;
	strbuf_reset(&path);
	strbuf_addf(&path, "%s/store.sqlite", pf->eng->state_dir);
	if ((rc = store_open(&os->st, path.buf)) < 0)
		goto cleanup;
	/* A changed engagement file means earlier results may not hold: start the stages over. */
	rc = store_meta_get(os->st, "engagement_digest", &digest);
	if (rc == 0 && strcmp(digest.buf, pf->eng->digest)) {
		log_info("the engagement file changed since the last run; running every stage again");
		if ((rc = store_stages_reset(os->st)) < 0)
			goto cleanup;
	} else if (rc < 0 && rc != ERR_NOTFOUND) {
		goto cleanup;
	}
	if ((rc = check_vulndb(os->st, vulndb)) < 0)
		goto cleanup;
	if ((rc = store_meta_set(os->st, "engagement_digest", pf->eng->digest)) < 0 ||
	    (rc = store_meta_set(os->st, "as_of", pf->eng->as_of_text)) < 0)
		goto cleanup;
	strbuf_reset(&path);
	strbuf_addf(&path, "%s/evidence", pf->eng->state_dir);
	rc = evidence_open(&os->ev, os->st, path.buf, pf->has_key ? pf->key.buf : NULL, pf->key.len);
cleanup:
	strbuf_release(&path);
	strbuf_release(&digest);
	return rc;
}

struct outcome {
	int64_t gaps;
	int tripped;
	int fail_rank;
};

static int count_outcome(void *vctx, json_t *f)
{
	struct outcome *o = vctx;

	if (!strcmp(jsonx_strz(f, "kind"), "gap"))
		o->gaps++;
	else if (!strcmp(jsonx_strz(f, "status"), "open") && o->fail_rank > 0 &&
		 severity_rank(jsonx_str(f, "severity")) >= o->fail_rank)
		o->tripped = 1;
	return 0;
}

int cmd_run(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "out", required_argument, NULL, 'O' },  { "only", required_argument, NULL, 'n' },
		{ "from", required_argument, NULL, 'f' }, { "fail-on", required_argument, NULL, 'F' },
		{ "vulndb", required_argument, NULL, 'V' }, { "redact", required_argument, NULL, 'R' },
		{ "help", no_argument, NULL, 'h' },       { NULL, 0, NULL, 0 },
	};
	const char *out = NULL, *only = NULL, *from = NULL, *fail_on = NULL, *vulndb = NULL, *redact = NULL;
	struct preflight pf = { NULL, STRBUF_INIT, STRBUF_INIT, 0 };
	struct open_state os = { NULL, NULL };
	struct outcome oc = { 0, 0, 0 };
	struct run_ctx ctx;
	int c, rc, code = EXIT_DONE;

	optind = 1;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'O': out = optarg; break;
		case 'n': only = optarg; break;
		case 'f': from = optarg; break;
		case 'F': fail_on = optarg; break;
		case 'V': vulndb = optarg; break;
		case 'R': redact = optarg; break;
		case 'h': return cmd_help("run");
		default: return cmd_usage_error("run", "invalid option");
		}
	}
	if (optind != argc - 1)
		return cmd_usage_error("run", optind >= argc ? "give the engagement file" : "give one engagement file");
	if (only && from)
		return cmd_usage_error("run", "--only and --from cannot be combined");
	if ((only && runner_stage_index(only) < 0) || (from && runner_stage_index(from) < 0))
		return cmd_usage_error("run", "unknown stage '%s' (stages: collect, scan, assess, score, report)",
				       only ? only : from);
	if (fail_on && (oc.fail_rank = severity_rank(fail_on)) < 2)
		return cmd_usage_error("run", "--fail-on takes critical, high, medium or low");
	if (redact && strcmp(redact, "clean-team"))
		return cmd_usage_error("run", "--redact takes clean-team");

	if ((rc = preflight(&pf, argv[optind], out)) < 0) {
		code = cmd_fail(rc == ERR_NOMEM ? EXIT_FATAL : EXIT_USAGE);
		goto cleanup;
	}
	progress_configure(!cli.no_progress && !cli.quiet);
	if ((rc = open_state(&pf, &os, vulndb)) < 0) {
		code = cmd_fail(rc == ERR_USAGE ? EXIT_USAGE : EXIT_FATAL);
		goto cleanup;
	}
	log_info("engagement %s (as of %s): %zu companies", pf.eng->name, pf.eng->as_of_text, pf.eng->ncompanies);
	memset(&ctx, 0, sizeof(ctx));
	ctx.eng = pf.eng;
	ctx.st = os.st;
	ctx.ev = os.ev;
	ctx.out_dir = pf.out_dir.buf;
	ctx.vulndb = vulndb;
	ctx.redact = redact;
	ctx.jobs = cli.jobs;
	if ((rc = runner_run(&ctx, stages, sizeof(stages) / sizeof(stages[0]), only, from)) < 0) {
		code = cmd_fail(rc == ERR_USAGE ? EXIT_USAGE : EXIT_FATAL);
		goto cleanup;
	}
	if ((rc = store_finding_foreach(os.st, NULL, count_outcome, &oc)) < 0) {
		code = cmd_fail(EXIT_FATAL);
		goto cleanup;
	}
	if (oc.tripped)
		code = EXIT_TRIPPED;
	else if (oc.gaps)
		code = EXIT_GAPS;
	if (oc.gaps)
		log_info("done with %lld coverage gap(s): see the report's coverage section", (long long)oc.gaps);
	else
		log_info("done");
cleanup:
	evidence_close(os.ev);
	store_close(os.st);
	log_close_file();
	engagement_free(pf.eng);
	crypto_wipe(pf.key.buf, pf.key.len);
	strbuf_release(&pf.key);
	strbuf_release(&pf.out_dir);
	return code;
}
