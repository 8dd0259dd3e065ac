/*
 * Every input a fuzzer ever crashed on is kept in tests/fuzz/regressions/,
 * named HARNESS-what (fuzz_HARNESS.c), and replayed here through the harness
 * itself, built with a plain main() (and the sanitizers in the sanitizer build).
 */
#include <check.h>
#include <dirent.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "th.h"

START_TEST(replay_every_crash)
{
	char *dir = th_repo_path("tests/fuzz/regressions");
	const char *bindir = getenv("VETTER_FUZZ_REPLAY_DIR");
	struct strbuf path = STRBUF_INIT, bin = STRBUF_INIT;
	struct th_result res;
	struct dirent *de;
	DIR *d = opendir(dir);
	int n = 0;

	ck_assert_ptr_nonnull(d);
	ck_assert_msg(bindir && *bindir, "VETTER_FUZZ_REPLAY_DIR is not set (run through make check)");
	while ((de = readdir(d))) {
		const char *dash = strchr(de->d_name, '-');
		const char *argv[3];

		if (de->d_name[0] == '.' || !dash)
			continue;
		strbuf_reset(&path);
		strbuf_reset(&bin);
		strbuf_addf(&path, "%s/%s", dir, de->d_name);
		strbuf_addf(&bin, "%s/fuzz_%.*s", bindir, (int)(dash - de->d_name), de->d_name);
		ck_assert_msg(th_exists(bin.buf), "%s: no harness %s", de->d_name, bin.buf);
		argv[0] = bin.buf;
		argv[1] = path.buf;
		argv[2] = NULL;
		th_run(&res, argv, NULL, NULL, NULL);
		ck_assert_msg(res.status == 0, "%s crashes again (status %d):\n%s", de->d_name, res.status, res.err.buf);
		th_result_release(&res);
		n++;
	}
	closedir(d);
	ck_assert_int_gt(n, 0);
	strbuf_release(&path);
	strbuf_release(&bin);
	free(dir);
}
END_TEST

Suite *fuzz_regressions_suite(void)
{
	Suite *s = suite_create("fuzz-regressions");
	TCase *tc = tcase_create("replay");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, replay_every_crash);
	suite_add_tcase(s, tc);
	return s;
}
