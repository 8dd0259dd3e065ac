/*
 * report_bench RESULTS.json OUTDIR [--clean-team]: render every report output
 * from a results document and print the time each took.  Used by
 * bench/report.sh ([report] target: 5,000 findings in under 3 s).
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "core/err.h"
#include "core/jsonx.h"
#include "core/strbuf.h"
#include "report/stage.h"
#include "report/template.h"

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	struct strbuf path = STRBUF_INIT;
	json_t *res = NULL, *tmpl = NULL, *red = NULL;
	struct report_opts o = { PDF_A4, NULL, NULL, 0 };
	double t0, t1, t2, t3, t4;
	int rc;

	if (argc < 3) {
		fprintf(stderr, "usage: report_bench RESULTS.json OUTDIR [--clean-team]\n");
		return 2;
	}
	t0 = now();
	if ((rc = jsonx_load_file(argv[1], (size_t)1 << 30, &res)) < 0 || (rc = report_template_load(NULL, &tmpl)) < 0)
		goto fail;
	o.tmpl = tmpl;
	t1 = now();
	strbuf_addf(&path, "%s/findings.json", argv[2]);
	if ((rc = report_write_json(res, path.buf)) < 0)
		goto fail;
	strbuf_reset(&path);
	strbuf_addf(&path, "%s/findings.csv", argv[2]);
	if ((rc = report_write_csv(res, path.buf)) < 0)
		goto fail;
	strbuf_reset(&path);
	strbuf_addf(&path, "%s/findings.sarif", argv[2]);
	if ((rc = report_write_sarif(res, path.buf)) < 0)
		goto fail;
	strbuf_reset(&path);
	strbuf_addf(&path, "%s/summary.md", argv[2]);
	if ((rc = report_write_summary(res, tmpl, path.buf)) < 0)
		goto fail;
	t2 = now();
	strbuf_reset(&path);
	strbuf_addf(&path, "%s/report.pdf", argv[2]);
	if ((rc = report_write_pdf(res, &o, "sha256:0000000000000000000000000000000000000000000000000000000000000000",
				   path.buf)) < 0)
		goto fail;
	t3 = now();
	if (argc > 3 && !strcmp(argv[3], "--clean-team")) {
		strbuf_reset(&path);
		strbuf_addf(&path, "%s/report-clean-team.pdf", argv[2]);
		o.redacted = 1;
		if ((rc = report_redact(res, NULL, &red, NULL)) < 0 || (rc = report_write_pdf(red, &o, "", path.buf)) < 0)
			goto fail;
	}
	t4 = now();
	printf("findings=%zu load=%.3fs data-files=%.3fs pdf=%.3fs clean-team=%.3fs total=%.3fs cpu=%.3fs\n",
	       json_array_size(json_object_get(res, "findings")), t1 - t0, t2 - t1, t3 - t2, t4 - t3, t4 - t0,
	       (double)clock() / CLOCKS_PER_SEC);
	json_decref(res);
	json_decref(tmpl);
	json_decref(red);
	strbuf_release(&path);
	return 0;
fail:
	fprintf(stderr, "report_bench: %s\n", err_last());
	json_decref(res);
	json_decref(tmpl);
	json_decref(red);
	strbuf_release(&path);
	return 1;
}
