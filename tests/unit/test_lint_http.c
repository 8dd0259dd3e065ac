/*
 * Source lint: only src/core/http.c sets an HTTP method or a custom request.
 * Any other file of src/, connectors/ or scoring/ that gives libcurl a method
 * (custom request, POST, PUT, upload, a body to send) or writes a method other
 * than GET, HEAD or POST into a request fails the suite, naming file and line.
 * A plain GET made with libcurl elsewhere (the advisory download of
 * src/vulndb/fetch.c) changes nothing and is allowed.
 */
#include <check.h>
#include <dirent.h>
#include <regex.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "connectors/aws_calls.h"
#include "core/strbuf.h"
#include "core/util.h"
#include "th.h"

static const char *const forbidden[] = {
	"CURLOPT_CUSTOMREQUEST", "CURLOPT_POST", "CURLOPT_UPLOAD", "CURLOPT_NOBODY", "CURLOPT_PUT",
	"CURLOPT_HTTPPOST", "CURLOPT_MIMEPOST", "CURLOPT_READFUNCTION", "CURLOPT_READDATA", "CURLOPT_COPYPOSTFIELDS",
	"CURLOPT_REQUEST_TARGET", "curl_mime_", "curl_formadd", NULL,
};

/* What one line breaks, or NULL. */
static const char *line_breaks(const char *line, const regex_t *method_re)
{
	size_t i;

	for (i = 0; forbidden[i]; i++)
		if (strstr(line, forbidden[i]))
			return forbidden[i];
	if (regexec(method_re, line, 0, NULL, 0) == 0)
		return "a method other than GET, HEAD or POST";
	return NULL;
}

static void compile(regex_t *re)
{
	/* method = "PUT", .method = "DELETE", ... : only GET, HEAD and POST may be written. */
	ck_assert_int_eq(regcomp(re, "method[[:space:]]*=[[:space:]]*\"([^GHP\"]|G[^E]|H[^E]|P[^O])", REG_EXTENDED), 0);
}

static void scan_file(const char *path, const char *rel, const regex_t *re, struct strbuf *problems, int *files)
{
	struct strbuf text = STRBUF_INIT;
	char *line, *save = NULL;
	int n = 0;

	th_read(path, &text);
	(*files)++;
	for (line = strtok_r(text.buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		const char *why;

		n++;
		if ((why = line_breaks(line, re)))
			strbuf_addf(problems, "%s:%d: %s: %.120s\n", rel, n, why, line);
	}
	strbuf_release(&text);
}

static void scan_dir(const char *root, const char *rel, const regex_t *re, struct strbuf *problems, int *files)
{
	struct strbuf path = STRBUF_INIT, sub = STRBUF_INIT;
	struct dirent *de;
	DIR *d;

	strbuf_addf(&path, "%s/%s", root, rel);
	d = opendir(path.buf);
	if (!d) {
		strbuf_release(&path);
		return; /* a folder this build does not have yet */
	}
	while ((de = readdir(d))) {
		struct stat st;

		if (de->d_name[0] == '.')
			continue;
		strbuf_reset(&sub);
		strbuf_addf(&sub, "%s/%s", rel, de->d_name);
		strbuf_reset(&path);
		strbuf_addf(&path, "%s/%s", root, sub.buf);
		if (stat(path.buf, &st) < 0)
			continue;
		if (S_ISDIR(st.st_mode))
			scan_dir(root, sub.buf, re, problems, files);
		else if ((util_has_suffix(de->d_name, ".c") || util_has_suffix(de->d_name, ".h")) &&
			 strcmp(sub.buf, "src/core/http.c"))
			scan_file(path.buf, sub.buf, re, problems, files);
	}
	closedir(d);
	strbuf_release(&path);
	strbuf_release(&sub);
}

START_TEST(only_the_http_module_sets_methods)
{
	char *root = th_repo_path("");
	struct strbuf problems = STRBUF_INIT;
	regex_t re;
	int files = 0;

	compile(&re);
	scan_dir(root, "src", &re, &problems, &files);
	scan_dir(root, "connectors", &re, &problems, &files);
	scan_dir(root, "scoring", &re, &problems, &files);
	ck_assert_int_gt(files, 100);
	ck_assert_msg(problems.len == 0, "outside src/core/http.c:\n%.3000s", problems.buf);
	regfree(&re);
	strbuf_release(&problems);
	free(root);
}
END_TEST

/* The lint catches what it should (so a pass means something). */
START_TEST(lint_catches)
{
	static const char *const bad[] = {
		"\tcurl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, \"DELETE\");", "req.method = \"PUT\";",
		"struct http_request r = { .method = \"DELETE\" };", "\tcurl_easy_setopt(h, CURLOPT_UPLOAD, 1L);",
		"method = \"PATCH\"", "method=\"OPTIONS\"", "\tcurl_easy_setopt(c, CURLOPT_POSTFIELDS, body);",
		"\tcurl_easy_setopt(c, CURLOPT_NOBODY, 1L);", "\tcurl_easy_setopt(c, CURLOPT_READFUNCTION, rd);",
	};
	static const char *const good[] = { "req.method = \"POST\";", "hreq.method = call->method;", "req.method = \"GET\";",
					    "/* a comment about PUT */", "req.method = \"HEAD\";",
					    "\tcurl_easy_setopt(c, CURLOPT_HTTPGET, 1L);", "\tcurl_easy_setopt(c, CURLOPT_URL, url);" };
	regex_t re;
	size_t i;

	compile(&re);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		ck_assert_msg(line_breaks(bad[i], &re) != NULL, "lint missed: %s", bad[i]);
	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		ck_assert_msg(line_breaks(good[i], &re) == NULL, "lint flagged: %s", good[i]);
	regfree(&re);
}
END_TEST

/* The AWS call table, which hands its method to the HTTP module, holds GET and POST only. */
START_TEST(aws_table_methods)
{
	const struct aws_call *c;
	size_t i;

	for (i = 0; (c = aws_call_at(i)); i++)
		ck_assert_msg(!strcmp(c->method, "GET") || !strcmp(c->method, "POST"), "%s:%s uses %s", c->service, c->action,
			      c->method);
}
END_TEST

Suite *lint_http_suite(void)
{
	Suite *s = suite_create("lint_http");
	TCase *tc = tcase_create("lint");

	tcase_add_test(tc, only_the_http_module_sets_methods);
	tcase_add_test(tc, lint_catches);
	tcase_add_test(tc, aws_table_methods);
	suite_add_tcase(s, tc);
	return s;
}
