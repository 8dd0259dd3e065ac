/*
 * npm's lock files (v1, v2, v3) and package.json: the upstream test files in
 * ../shared/data/pkgdb/lang/npm are the inputs, and Python's json module,
 * applying the same rules, says independently what they hold.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "core/err.h"
#include "core/strbuf.h"
#include "core/util.h"
#include "scan/pkg.h"
#include "scan/pkgdb_npm.h"
#include "th.h"
#include "th_pkg.h"

/* The same rules in Python: namespace, name, version of each package, one a line. */
static char *python_npm_lock(const char *file)
{
	static const char prog[] =
		"import json, sys\n"
		"d = json.load(open(sys.argv[1]))\n"
		"out = set()\n"
		"def add(full, v):\n"
		"    ns, n = full[1:].split('/', 1) if full.startswith('@') else ('', full)\n"
		"    out.add('%s\\t%s\\t%s' % (ns, n, v))\n"
		"if 'packages' in d:\n"
		"    for k, e in d['packages'].items():\n"
		"        if k == '' or e.get('link') or 'version' not in e or 'node_modules/' not in k: continue\n"
		"        add(e.get('name') or k.rsplit('node_modules/', 1)[1], e['version'])\n"
		"else:\n"
		"    def walk(deps):\n"
		"        for k, e in deps.items():\n"
		"            if 'version' in e: add(k, e['version'])\n"
		"            walk(e.get('dependencies', {}))\n"
		"    walk(d.get('dependencies', {}))\n"
		"print('\\n'.join(out))\n";
	const char *argv[] = { "python3", "-c", prog, file, NULL };
	struct th_result res;
	char *sorted;

	th_run(&res, argv, NULL, NULL, NULL);
	th_assert_status(&res, 0);
	sorted = th_sorted_lines(res.out.buf);
	th_result_release(&res);
	return sorted;
}

static char *npm_tsv(const struct pkg_list *l)
{
	struct strbuf sb = STRBUF_INIT;
	char *sorted;
	size_t i;

	for (i = 0; i < l->n; i++)
		strbuf_addf(&sb, "%s\t%s\t%s\n", l->v[i].namespace_ ? l->v[i].namespace_ : "", l->v[i].name, l->v[i].version);
	sorted = th_sorted_lines(sb.buf);
	strbuf_release(&sb);
	return sorted;
}

START_TEST(npm_lock_v1_v2_v3)
{
	static const char *const files[] = { "pkgdb/lang/npm/trivy-package-lock_v1.json",
					     "pkgdb/lang/npm/trivy-package-lock_v2.json",
					     "pkgdb/lang/npm/trivy-package-lock_v3.json" };
	struct pkg_list l = { NULL, 0, 0 };
	struct strbuf sb = STRBUF_INIT;
	char *first = NULL, *ours, *theirs, *abs;
	const struct pkg *p;
	size_t i;

	for (i = 0; i < 3; i++) {
		strbuf_reset(&sb);
		th_read_data(files[i], &sb);
		/* 33 entries in each; debug 2.6.9 and ms 2.0.0 are installed at two paths each */
		ck_assert_msg(pkgdb_npm_lock(&l, "app/package-lock.json", sb.buf, sb.len) == 31, "%s: %s", files[i],
			      err_last());
		p = th_pkg_find(&l, "babel", "helper-string-parser", "7.19.4");
		ck_assert_ptr_nonnull(p);
		ck_assert_str_eq(p->type, PKG_NPM);
		ck_assert_str_eq(p->path, "app/package-lock.json");
		ck_assert_ptr_nonnull(th_pkg_find(&l, NULL, "debug", "2.6.9"));
		ck_assert_ptr_nonnull(th_pkg_find(&l, NULL, "debug", "2.5.2"));
		ck_assert_ptr_nonnull(th_pkg_find(&l, NULL, "ms", "0.7.2"));
		ck_assert_ptr_nonnull(th_pkg_find(&l, NULL, "ms", "1.0.0"));
		ck_assert_ptr_nonnull(th_pkg_find(&l, NULL, "ms", "2.0.0"));
		ck_assert_ptr_nonnull(th_pkg_find(&l, NULL, "unpipe", "1.0.0"));
		ck_assert_ptr_null(th_pkg_find(&l, NULL, "node_v1", NULL));
		ours = npm_tsv(&l);
		abs = th_data_path(files[i]);
		theirs = python_npm_lock(abs);
		ck_assert_str_eq(ours, theirs);
		free(theirs);
		free(abs);
		if (first)
			ck_assert_str_eq(ours, first);
		free(first);
		first = ours;
		pkg_list_release(&l);
	}
	free(first);
	strbuf_release(&sb);
}
END_TEST

START_TEST(npm_lock_rules_and_malformed)
{
	static const char v3[] =
		"{\"lockfileVersion\": 3, \"packages\": {"
		"\"\": {\"name\": \"app\", \"version\": \"1.0.0\"},"
		"\"node_modules/@types/node\": {\"version\": \"20.1.0\", \"license\": \"MIT\"},"
		"\"node_modules/lib-a\": {\"resolved\": \"packages/lib-a\", \"link\": true},"
		"\"packages/lib-a\": {\"name\": \"lib-a\", \"version\": \"0.0.1\"},"
		"\"packages/lib-a/node_modules/left-pad\": {\"version\": \"1.3.0\", \"license\": {\"type\": \"WTFPL\"}},"
		"\"node_modules/alias\": {\"name\": \"real\", \"version\": \"2.0.0\"},"
		"\"node_modules/nover\": {\"resolved\": \"x\"},"
		"\"node_modules/@bad\": {\"version\": \"1.0.0\"},"
		"\"node_modules/nul\": {\"version\": \"1\\u0000x\"}}}";
	static const char v1[] = "{\"lockfileVersion\": 1, \"dependencies\": {"
				 "\"a\": {\"version\": \"1.0.0\", \"dependencies\": {\"b\": {\"version\": \"2.0.0\"}}},"
				 "\"al\": {\"version\": \"npm:@s/real@3.0.0\"},"
				 "\"local\": {\"version\": \"file:../local\"},"
				 "\"weird\": {\"version\": \"npm:\"}}}";
	struct pkg_list l = { NULL, 0, 0 };
	struct strbuf deep = STRBUF_INIT;
	const struct pkg *p;
	int i;

	ck_assert_int_eq(pkgdb_npm_lock(&l, "package-lock.json", v3, strlen(v3)), 3);
	p = th_pkg_find(&l, "types", "node", "20.1.0");
	ck_assert_ptr_nonnull(p);
	ck_assert_str_eq(p->license, "MIT");
	ck_assert_str_eq(th_pkg_find(&l, NULL, "left-pad", "1.3.0")->license, "WTFPL");
	ck_assert_ptr_nonnull(th_pkg_find(&l, NULL, "real", "2.0.0"));
	pkg_list_release(&l);

	ck_assert_int_eq(pkgdb_npm_lock(&l, "npm-shrinkwrap.json", v1, strlen(v1)), 3);
	ck_assert_ptr_nonnull(th_pkg_find(&l, NULL, "a", "1.0.0"));
	ck_assert_ptr_nonnull(th_pkg_find(&l, NULL, "b", "2.0.0"));
	ck_assert_ptr_nonnull(th_pkg_find(&l, "s", "real", "3.0.0"));
	pkg_list_release(&l);

	ck_assert_int_eq(pkgdb_npm_lock(&l, "app/package-lock.json", TXT("{\"packages\": [")), ERR_PARSE);
	ck_assert_ptr_nonnull(strstr(err_last(), "app/package-lock.json"));
	ck_assert_int_eq(pkgdb_npm_lock(&l, "app/package-lock.json", TXT("lockfileVersion = 3")), ERR_PARSE);
	ck_assert_int_eq(pkgdb_npm_lock(&l, "app/package-lock.json", TXT("[1, 2]")), ERR_PARSE);
	ck_assert_int_eq(pkgdb_npm_lock(&l, "app/package-lock.json", TXT("{\"packages\": 1}")), ERR_PARSE);
	ck_assert_int_eq(pkgdb_npm_lock(&l, "app/package-lock.json", TXT("{\"dependencies\": {\"a\": 1}}")),
			 ERR_PARSE);
	ck_assert_int_eq(pkgdb_npm_lock(&l, "app/package-lock.json", TXT("{\"name\": \"\xff\"}")), ERR_PARSE);
	ck_assert_ptr_nonnull(strstr(err_last(), "app/package-lock.json"));
	ck_assert_int_eq(pkgdb_npm_lock(&l, "app/package-lock.json", TXT("{}")), 0);
	/* v1 trees deeper than PKGDB_NPM_MAX_DEPTH */
	strbuf_addstr(&deep, "{\"dependencies\": ");
	for (i = 0; i < PKGDB_NPM_MAX_DEPTH + 2; i++)
		strbuf_addstr(&deep, "{\"a\": {\"version\": \"1\", \"dependencies\": ");
	strbuf_addstr(&deep, "{}");
	for (i = 0; i < PKGDB_NPM_MAX_DEPTH + 2; i++)
		strbuf_addstr(&deep, "}}");
	strbuf_addstr(&deep, "}");
	ck_assert_int_eq(pkgdb_npm_lock(&l, "package-lock.json", deep.buf, deep.len), ERR_LIMIT);
	ck_assert_uint_eq(l.n, 0);
	strbuf_release(&deep);
}
END_TEST

START_TEST(npm_package_json_and_paths)
{
	static const char scoped[] = "{\"name\": \"@babel/core\", \"version\": \"7.22.0\", \"license\": \"MIT\"}";
	static const char stub[] = "{\"type\": \"module\"}";
	const char *path = "app/node_modules/@babel/core/package.json";
	struct pkg_list l = { NULL, 0, 0 };
	struct strbuf big = STRBUF_INIT;
	int i;

	ck_assert_int_eq(pkgdb_npm_package_json(&l, path, scoped, strlen(scoped)), 1);
	ck_assert_str_eq(l.v[0].namespace_, "babel");
	ck_assert_str_eq(l.v[0].name, "core");
	ck_assert_str_eq(l.v[0].version, "7.22.0");
	ck_assert_str_eq(l.v[0].license, "MIT");
	ck_assert_str_eq(l.v[0].path, path);
	ck_assert_str_eq(l.v[0].type, PKG_NPM);
	strbuf_addstr(&big, "{\"name\": \"big\", \"version\": \"1.0.0\", \"license\": \"");
	for (i = 0; i < 500; i++)
		strbuf_addstr(&big, "Permission is granted ");
	strbuf_addstr(&big, "\"}");
	ck_assert_int_eq(pkgdb_npm_package_json(&l, "node_modules/big/package.json", big.buf, big.len), 1);
	ck_assert_str_eq(l.v[1].name, "big");
	ck_assert_ptr_null(l.v[1].license);
	pkg_list_release(&l);
	ck_assert_int_eq(pkgdb_npm_package_json(&l, path, scoped, strlen(scoped)), 1);
	ck_assert_int_eq(pkgdb_npm_package_json(&l, path, stub, strlen(stub)), 0);
	ck_assert_int_eq(pkgdb_npm_package_json(&l, path, TXT("{\"name\": \"x\"}")), 0);
	ck_assert_int_eq(pkgdb_npm_package_json(&l, path, TXT("{\"name\": \"x\", \"version\": 1}")), 0);
	ck_assert_uint_eq(l.n, 1);
	ck_assert_int_eq(pkgdb_npm_package_json(&l, path, TXT("{\"name\": ")), ERR_PARSE);
	ck_assert_ptr_nonnull(strstr(err_last(), path));
	pkg_list_release(&l);
	strbuf_release(&big);

	ck_assert(pkgdb_npm_is_lock_path("app/package-lock.json"));
	ck_assert(pkgdb_npm_is_lock_path("/srv/npm-shrinkwrap.json"));
	ck_assert(pkgdb_npm_is_lock_path("package-lock.json"));
	ck_assert(!pkgdb_npm_is_lock_path("app/node_modules/x/package-lock.json"));
	ck_assert(!pkgdb_npm_is_lock_path("app/node_modules/.package-lock.json"));
	ck_assert(!pkgdb_npm_is_lock_path("app/yarn.lock"));
	ck_assert(pkgdb_npm_is_package_json_path("app/node_modules/express/package.json"));
	ck_assert(pkgdb_npm_is_package_json_path("node_modules/@babel/core/package.json"));
	ck_assert(pkgdb_npm_is_package_json_path("/usr/lib/node_modules/npm/node_modules/semver/package.json"));
	ck_assert(pkgdb_npm_is_package_json_path("app/node_modules/.pnpm/a@1.0.0/node_modules/a/package.json"));
	ck_assert(!pkgdb_npm_is_package_json_path("app/package.json"));
	ck_assert(!pkgdb_npm_is_package_json_path("app/node_modules/express/lib/package.json"));
	ck_assert(!pkgdb_npm_is_package_json_path("app/node_modules/@babel/package.json"));
	ck_assert(!pkgdb_npm_is_package_json_path("app/node_modules/.bin/package.json"));
	ck_assert(!pkgdb_npm_is_package_json_path("node_modules/package.json"));
	ck_assert(!pkgdb_npm_is_package_json_path("app/my_node_modules/x/package.json"));
}
END_TEST

Suite *pkgdb_npm_suite(void)
{
	Suite *s = suite_create("pkgdb_npm");
	TCase *tc = tcase_create("pkgdb_npm");

	tcase_set_timeout(tc, 60);
	if (th_have_data("npm_lock_v1_v2_v3", "pkgdb/lang/npm") && th_have_tool("npm_lock_v1_v2_v3", "python3"))
		tcase_add_test(tc, npm_lock_v1_v2_v3);
	tcase_add_test(tc, npm_lock_rules_and_malformed);
	tcase_add_test(tc, npm_package_json_and_paths);
	suite_add_tcase(s, tc);
	return s;
}
