/*
 * Java archives built here by tests/lib/make_jars.py (python3's zipfile, no
 * JDK): pom.properties, the manifest fallback, Spring Boot and war/ear
 * nesting, the nesting depth, zip bombs and corrupt archives.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "core/err.h"
#include "core/strbuf.h"
#include "scan/pkgdb_java.h"
#include "th.h"

/* Build the jars (and the bombs when asked) into a fresh folder; caller removes it. */
static char *make_jars(int bombs)
{
	char *dir = th_tmpdir(), *script = th_repo_path("tests/lib/make_jars.py");
	const char *argv[] = { "python3", script, dir, bombs ? "bombs" : NULL, NULL };
	struct th_result res;

	th_run(&res, argv, NULL, NULL, NULL);
	th_assert_status(&res, 0);
	th_result_release(&res);
	free(script);
	return dir;
}

/* Run pkgdb_java on DIR/name (named name in the image) and give the sorted "ns:name version path" lines. */
static int java_file(struct strbuf *got, const char *dir, const char *name)
{
	struct strbuf p = STRBUF_INIT, data = STRBUF_INIT;
	struct pkg_list l = { 0 };
	size_t i;
	int rc;

	strbuf_addf(&p, "%s/%s", dir, name);
	th_read(p.buf, &data);
	strbuf_reset(got);
	rc = pkgdb_java(&l, name, data.buf, data.len);
	pkg_list_sort(&l);
	for (i = 0; i < l.n; i++) {
		ck_assert_str_eq(l.v[i].type, PKG_MAVEN);
		strbuf_addf(got, "%s:%s %s %s\n", l.v[i].namespace_ ? l.v[i].namespace_ : "-", l.v[i].name,
			    l.v[i].version, l.v[i].path);
	}
	if (rc >= 0)
		ck_assert_int_eq(rc, (int)l.n);
	else
		ck_assert_uint_eq(l.n, 0);
	pkg_list_release(&l);
	strbuf_release(&p);
	strbuf_release(&data);
	return rc;
}

START_TEST(pom_properties_and_manifest)
{
	char *dir = make_jars(0);
	struct strbuf got = STRBUF_INIT;

	/* Both pom.properties of a shaded jar; the manifest is not used when there is one. */
	ck_assert_int_eq(java_file(&got, dir, "plain.jar"), 2);
	ck_assert_str_eq(got.buf, "com.google.guava:guava 31.1-jre plain.jar\n"
				  "org.apache.commons:commons-lang3 3.12.0 plain.jar\n");
	/* Implementation-* wins over Bundle-*, the wrapped title is joined, later sections are not read. */
	ck_assert_int_eq(java_file(&got, dir, "manifest.jar"), 1);
	ck_assert_str_eq(got.buf, "org.example:Example Library With A Title That Is Long Enough To Wrap 1.4.2 manifest.jar\n");
	ck_assert_int_eq(java_file(&got, dir, "bundle.jar"), 1);
	ck_assert_str_eq(got.buf, "-:org.example.osgi 5.0.1.v20220101 bundle.jar\n");
	th_rm_rf(dir);
	free(dir);
	strbuf_release(&got);
}
END_TEST

START_TEST(nested_archives)
{
	char *dir = make_jars(0);
	struct strbuf got = STRBUF_INIT;

	ck_assert_int_eq(java_file(&got, dir, "app.jar"), 5);
	ck_assert_str_eq(got.buf,
			 "com.example:demo 0.0.1-SNAPSHOT app.jar\n"
			 "com.example:wrapper 1.0 app.jar!BOOT-INF/lib/wrapper-1.0.jar\n"
			 "com.fasterxml.jackson.core:jackson-databind 2.13.3 app.jar!BOOT-INF/lib/jackson-databind-2.13.3.jar\n"
			 "org.springframework:spring-core 5.3.20 app.jar!BOOT-INF/lib/spring-core-5.3.20.jar\n"
			 "org.yaml:snakeyaml 1.30 app.jar!BOOT-INF/lib/wrapper-1.0.jar!lib/snakeyaml-1.30.jar\n");
	ck_assert_int_eq(java_file(&got, dir, "web.war"), 2);
	ck_assert_str_eq(got.buf, "org.apache.logging.log4j:log4j-api 2.14.1 web.war!WEB-INF/lib/log4j-api-2.14.1.jar\n"
				  "org.apache.logging.log4j:log4j-core 2.14.1 web.war!WEB-INF/lib/log4j-core-2.14.1.jar\n");
	ck_assert_int_eq(java_file(&got, dir, "app.ear"), 3);
	ck_assert_str_eq(got.buf,
			 "commons-io:commons-io 2.11.0 app.ear!lib/commons-io-2.11.0.jar\n"
			 "org.apache.logging.log4j:log4j-api 2.14.1 app.ear!web.war!WEB-INF/lib/log4j-api-2.14.1.jar\n"
			 "org.apache.logging.log4j:log4j-core 2.14.1 app.ear!web.war!WEB-INF/lib/log4j-core-2.14.1.jar\n");
	/* Four archives below the top are read; a fifth is refused. */
	ck_assert_int_eq(java_file(&got, dir, "deep4.jar"), 1);
	ck_assert_str_eq(got.buf, "org.deep:deep 4.0 deep4.jar!l1.jar!l2.jar!l3.jar!l4.jar\n");
	ck_assert_int_eq(java_file(&got, dir, "deep5.jar"), ERR_LIMIT);
	ck_assert_ptr_nonnull(strstr(err_last(), "deep5.jar!l0.jar!l1.jar!l2.jar!l3.jar!l4.jar: archives nested deeper"));
	th_rm_rf(dir);
	free(dir);
	strbuf_release(&got);
}
END_TEST

START_TEST(corrupt_archives)
{
	char *dir = make_jars(0);
	struct strbuf got = STRBUF_INIT;
	struct pkg_list l = { 0 };
	static const char junk[] = "PK\x03\x04\x14\x00\x00\x00\x08\x00garbage garbage garbage";

	ck_assert_int_eq(java_file(&got, dir, "truncated.jar"), ERR_PARSE);
	ck_assert_int_eq(java_file(&got, dir, "bad-nested.jar"), ERR_PARSE);
	ck_assert_ptr_nonnull(strstr(err_last(), "bad-nested.jar!lib/broken.jar"));
	ck_assert_int_eq(pkgdb_java(&l, "junk.jar", junk, sizeof(junk) - 1), ERR_PARSE);
	ck_assert_int_eq(pkgdb_java(&l, "empty.jar", "", 0), ERR_PARSE);
	ck_assert_int_eq(pkgdb_java(&l, "text.jar", "hello, world\n", 13), ERR_PARSE);
	ck_assert_uint_eq(l.n, 0);
	th_rm_rf(dir);
	free(dir);
	strbuf_release(&got);
}
END_TEST

START_TEST(zip_bombs_refused)
{
	char *dir = make_jars(1);
	struct strbuf got = STRBUF_INIT;

	/* Five deflated 250 MiB jars: 1.25 GiB declared, refused before inflating. */
	ck_assert_int_eq(java_file(&got, dir, "bomb.jar"), ERR_LIMIT);
	ck_assert_ptr_nonnull(strstr(err_last(), "zip bomb"));
	/* One member past the 256 MiB a member may have. */
	ck_assert_int_eq(java_file(&got, dir, "bomb-one.jar"), ERR_LIMIT);
	ck_assert_ptr_nonnull(strstr(err_last(), "bomb-one.jar!lib/big.jar"));
	/* A member declaring 1 KiB that inflates to 300 MiB is stopped while inflating. */
	ck_assert_int_eq(java_file(&got, dir, "bomb-liar.jar"), ERR_LIMIT);
	ck_assert_ptr_nonnull(strstr(err_last(), "bomb-liar.jar!lib/liar.jar: inflates past"));
	th_rm_rf(dir);
	free(dir);
	strbuf_release(&got);
}
END_TEST

START_TEST(archive_paths)
{
	ck_assert(pkgdb_java_is_archive_path("app/lib/a.jar"));
	ck_assert(pkgdb_java_is_archive_path("x.WAR"));
	ck_assert(pkgdb_java_is_archive_path("x.ear"));
	ck_assert(pkgdb_java_is_archive_path("x.par"));
	ck_assert(!pkgdb_java_is_archive_path(".jar"));
	ck_assert(!pkgdb_java_is_archive_path("a.jar.sha1"));
	ck_assert(!pkgdb_java_is_archive_path("a.zip"));
	ck_assert(!pkgdb_java_is_archive_path(NULL));
}
END_TEST

Suite *pkgdb_java_suite(void)
{
	Suite *s = suite_create("pkgdb-java");
	TCase *tc = tcase_create("jar");

	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, archive_paths);
	if (th_have_tool("pom_properties_and_manifest", "python3")) {
		tcase_add_test(tc, pom_properties_and_manifest);
		tcase_add_test(tc, nested_archives);
		tcase_add_test(tc, corrupt_archives);
		tcase_add_test(tc, zip_bombs_refused);
	}
	suite_add_tcase(s, tc);
	return s;
}
