/*
 * Every input a fuzzer ever crashed on is kept in tests/fuzz/regressions/,
 * named HARNESS-*, and replayed here through the same parser (under the
 * sanitizer build this is where a regression shows).
 */
#include <check.h>
#include <dirent.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "core/ydoc.h"
#include "scan/imageref.h"
#include "scan/os.h"
#include "th.h"

static int ignore_doc(void *ctx, int index, json_t *doc, const struct ydoc_map *pos)
{
	(void)ctx, (void)index, (void)doc, (void)pos;
	return 0;
}

static void replay(const char *name, const struct strbuf *data)
{
	struct ydoc_limits lim = { 100000, 64 };
	struct image_ref ref;
	json_t *j = NULL;

	if (util_has_prefix(name, "ydoc-")) {
		ydoc_load_stream(data->buf, data->len, name, &lim, ignore_doc, NULL);
	} else if (util_has_prefix(name, "imageref-")) {
		if (image_ref_parse(&ref, data->buf) == 0)
			image_ref_release(&ref);
	} else if (util_has_prefix(name, "osrelease-")) {
		if (os_release_parse(data->buf, data->len, &j) == 0)
			json_decref(j);
	} else {
		ck_abort_msg("tests/fuzz/regressions/%s: no harness of that name", name);
	}
}

START_TEST(replay_every_crash)
{
	char *dir = th_repo_path("tests/fuzz/regressions");
	struct strbuf path = STRBUF_INIT, data = STRBUF_INIT;
	struct dirent *de;
	DIR *d = opendir(dir);
	int n = 0;

	ck_assert_ptr_nonnull(d);
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		strbuf_reset(&path);
		strbuf_reset(&data);
		strbuf_addf(&path, "%s/%s", dir, de->d_name);
		th_read(path.buf, &data);
		replay(de->d_name, &data);
		n++;
	}
	closedir(d);
	ck_assert_int_gt(n, 0);
	strbuf_release(&path);
	strbuf_release(&data);
	free(dir);
}
END_TEST

Suite *fuzz_regressions_suite(void)
{
	Suite *s = suite_create("fuzz-regressions");
	TCase *tc = tcase_create("replay");

	tcase_add_test(tc, replay_every_crash);
	suite_add_tcase(s, tc);
	return s;
}
