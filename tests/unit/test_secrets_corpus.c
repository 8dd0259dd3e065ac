/*
 * The secrets scanner's false-positive guard: this machine's ordinary files
 * (docs, /etc, headers, Python, Perl) produce only the findings listed here.
 */
#include <check.h>
#include <dirent.h>
#include <string.h>
#include <sys/stat.h>
#include <zlib.h>

#include "core/strbuf.h"
#include "core/util.h"
#include "scan/secrets.h"
#include "th.h"

/*
 * Gzip files
 * (most docs) are scanned decompressed, where the prose is.  Expected findings are
 * listed exactly (real keys shipped as examples); a listed file that is not
 * installed is not required.
 */
struct corpus {
	struct secret_list found;
	size_t files;
	unsigned long long bytes;
};

static void corpus_file(struct corpus *c, const char *path)
{
	struct secrets_scan *s = NULL;
	char buf[65536];
	gzFile g = gzopen(path, "rb");
	int n;

	if (!g)
		return;
	gzbuffer(g, 65536);
	ck_assert_int_eq(secrets_begin(&s, path), 0);
	while ((n = gzread(g, buf, sizeof(buf))) > 0) {
		ck_assert_int_eq(secrets_feed(s, buf, (size_t)n), 0);
		c->bytes += (unsigned)n;
	}
	gzclose(g);
	ck_assert_int_eq(secrets_end(s, &c->found), 0);
	secrets_free(s);
	c->files++;
}

static void corpus_walk(struct corpus *c, const char *dir, int depth)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	struct strbuf p = STRBUF_INIT;
	struct stat st;

	if (!d || depth > 24) {
		if (d)
			closedir(d);
		return;
	}
	while ((de = readdir(d))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		strbuf_reset(&p);
		strbuf_addf(&p, "%s/%s", dir, de->d_name);
		if (lstat(p.buf, &st) < 0)
			continue;
		if (S_ISDIR(st.st_mode))
			corpus_walk(c, p.buf, depth + 1);
		else if (S_ISREG(st.st_mode) && st.st_size < (64 << 20))
			corpus_file(c, p.buf);
	}
	closedir(d);
	strbuf_release(&p);
}

START_TEST(ordinary_files_have_no_secrets)
{
	static const char *const dirs[] = { "/usr/share/doc", "/etc", "/usr/include", "/usr/lib/python3",
					    "/usr/share/perl" };
	static const struct {
		const char *path, *rule;
		size_t line;
	} known[] = {
		/* xmlsec's example RSA key, a real one */
		{ "/usr/share/doc/libxmlsec1-dev/examples/rsakey.pem", "private-key", 1 },
	};
	struct corpus c;
	size_t i, k, present = 0;

	memset(&c, 0, sizeof(c));
	for (i = 0; i < ARRAY_SIZE(dirs); i++)
		corpus_walk(&c, dirs[i], 0);
	ck_assert_uint_gt(c.files, 1000);
	for (i = 0; i < c.found.n; i++) {
		for (k = 0; k < ARRAY_SIZE(known); k++)
			if (!strcmp(c.found.v[i].path, known[k].path) && !strcmp(c.found.v[i].rule, known[k].rule) &&
			    c.found.v[i].line == known[k].line)
				break;
		ck_assert_msg(k < ARRAY_SIZE(known), "false positive: %s:%zu %s %s", c.found.v[i].path,
			      c.found.v[i].line, c.found.v[i].rule, c.found.v[i].redacted);
	}
	for (k = 0; k < ARRAY_SIZE(known); k++)
		present += util_exists(known[k].path);
	ck_assert_uint_eq(c.found.n, present);
	ck_assert_uint_eq(c.found.skipped, 0);
	secret_list_release(&c.found);
}
END_TEST

Suite *secrets_corpus_suite(void)
{
	Suite *s = suite_create("secrets_corpus");
	TCase *tc = tcase_create("secrets_corpus");

	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, ordinary_files_have_no_secrets);
	suite_add_tcase(s, tc);
	return s;
}
