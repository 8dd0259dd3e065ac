/*
 * The test runner: every suite of tests/unit, Check's summary line, then the
 * list of tests that could not run.  Under CI=true a test that cannot run is
 * a failure.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "th.h"

#define SUITE(name) Suite *name(void);
#include "suites.inc"
#undef SUITE

int main(void)
{
	SRunner *sr = NULL;
	int failed, not_run;
	const char *ci = getenv("CI");

#define SUITE(name)                                   \
	if (!sr)                                      \
		sr = srunner_create(name());          \
	else                                          \
		srunner_add_suite(sr, name());
#include "suites.inc"
#undef SUITE
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	not_run = th_report_not_run();
	if (not_run && ci && !strcmp(ci, "true")) {
		printf("CI=true: %d test(s) could not run, which fails the suite\n", not_run);
		return EXIT_FAILURE;
	}
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
