/*
 * Package databases: dpkg, apk, Python metadata (npm: test_pkgdb_npm.c).  The upstream test
 * files in ../shared/data/pkgdb are the inputs; the expected packages come
 * from their documentation (README.txt there) and, wherever a tool can say
 * it independently, from that tool: dpkg-query on the same bytes, awk's
 * paragraph mode for apk, Python's json module for the npm lock files.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/err.h"
#include "core/strbuf.h"
#include "core/util.h"
#include "scan/pkg.h"
#include "scan/pkgdb_apk.h"
#include "scan/pkgdb_dpkg.h"
#include "scan/pkgdb_python.h"
#include "th.h"
#include "th_pkg.h"

static void assert_opt_str(const char *got, const char *want, const char *what)
{
	if (!want)
		ck_assert_msg(got == NULL, "%s: '%s', expected none", what, got);
	else
		ck_assert_msg(got && !strcmp(got, want), "%s: '%s', expected '%s'", what, got ? got : "(none)", want);
}

/* The package name@version must be there with exactly these fields (NULL: absent). */
static void assert_pkg(const struct pkg_list *l, const char *type, const char *name, const char *version,
		       const char *arch, const char *src, const char *srcver, const char *license, const char *path)
{
	const struct pkg *p = th_pkg_find(l, NULL, name, version);

	ck_assert_msg(p != NULL, "%s %s missing", name, version);
	ck_assert_str_eq(p->type, type);
	assert_opt_str(p->arch, arch, "arch");
	assert_opt_str(p->source_name, src, "source_name");
	assert_opt_str(p->source_version, srcver, "source_version");
	assert_opt_str(p->license, license, "license");
	assert_opt_str(p->path, path, "path");
	ck_assert_ptr_null(p->purl);
}

static const char *z(const char *s)
{
	return s ? s : "";
}

/* name, version, arch, source name, source version (and license when with_license), one package a line. */
static char *tsv_of(const struct pkg_list *l, int with_license)
{
	struct strbuf sb = STRBUF_INIT;
	char *sorted;
	size_t i;

	for (i = 0; i < l->n; i++) {
		const struct pkg *p = &l->v[i];

		strbuf_addf(&sb, "%s\t%s\t%s\t%s\t%s", p->name, p->version, z(p->arch), z(p->source_name),
			    z(p->source_version));
		if (with_license)
			strbuf_addf(&sb, "\t%s", z(p->license));
		strbuf_addch(&sb, '\n');
	}
	sorted = th_sorted_lines(sb.buf);
	strbuf_release(&sb);
	return sorted;
}

/*
 * What dpkg itself says is installed in a status file holding text: the
 * packages whose current state (second letter of db:Status-Abbrev) is
 * installed, triggers-pending or triggers-awaited.
 */
static char *dpkg_query_installed(const char *text)
{
	static const char fmt[] = "-f=${db:Status-Abbrev}\t${Package}\t${Version}\t${Architecture}\t"
				  "${source:Package}\t${source:Version}\n";
	struct strbuf admin = STRBUF_INIT, file = STRBUF_INIT, opt = STRBUF_INIT, keep = STRBUF_INIT;
	char *dir = th_tmpdir(), *s, *nl, *sorted;
	const char *argv[5];
	struct th_result res;

	strbuf_addf(&admin, "%s/admin", dir);
	strbuf_addf(&file, "%s/info", admin.buf);
	ck_assert_int_eq(util_mkdirs(file.buf, 0700), 0);
	strbuf_reset(&file);
	strbuf_addf(&file, "%s/updates", admin.buf);
	ck_assert_int_eq(util_mkdirs(file.buf, 0700), 0);
	strbuf_reset(&file);
	strbuf_addf(&file, "%s/status", admin.buf);
	th_write(file.buf, text);
	strbuf_addf(&opt, "--admindir=%s", admin.buf);
	argv[0] = "dpkg-query";
	argv[1] = opt.buf;
	argv[2] = "-W";
	argv[3] = fmt;
	argv[4] = NULL;
	th_run(&res, argv, NULL, NULL, NULL);
	th_assert_status(&res, 0);
	for (s = res.out.buf; *s; s = nl + 1) {
		nl = strchr(s, '\n');
		ck_assert_ptr_nonnull(nl);
		*nl = 0;
		ck_assert_msg(strlen(s) > 4 && s[3] == '\t', "dpkg-query line '%s'", s);
		if (strchr("itW", s[1]))
			strbuf_addf(&keep, "%s\n", s + 4);
	}
	sorted = th_sorted_lines(keep.buf);
	th_result_release(&res);
	th_rm_rf(dir);
	free(dir);
	strbuf_release(&admin);
	strbuf_release(&file);
	strbuf_release(&opt);
	strbuf_release(&keep);
	return sorted;
}

static size_t count_lines(const char *s)
{
	size_t n = 0;

	for (; *s; s++)
		n += *s == '\n';
	return n;
}

/* Parse rel as a dpkg database found at path, check the count and, when dpkg can read it, dpkg's own view. */
static void check_dpkg_file(const char *rel, const char *path, int want, int ask_dpkg)
{
	struct pkg_list l = { NULL, 0, 0 };
	struct strbuf sb = STRBUF_INIT;
	char *ours, *theirs;

	th_read_data(rel, &sb);
	ck_assert_msg(pkgdb_dpkg(&l, path, sb.buf, sb.len) == want, "%s: %s", rel, err_last());
	ck_assert_uint_eq(l.n, (size_t)want);
	if (ask_dpkg) {
		ours = tsv_of(&l, 0);
		theirs = dpkg_query_installed(sb.buf);
		ck_assert_uint_eq(count_lines(theirs), (size_t)want);
		ck_assert_str_eq(ours, theirs);
		free(ours);
		free(theirs);
	}
	pkg_list_release(&l);
	strbuf_release(&sb);
}

START_TEST(dpkg_ubuntu_status_matches_dpkg_query)
{
	struct pkg_list l = { NULL, 0, 0 };
	struct strbuf sb = STRBUF_INIT;
	size_t i, with_source = 0;

	check_dpkg_file("pkgdb/dpkg/trivy-valid.status", "var/lib/dpkg/status", 90, 1);
	th_read_data("pkgdb/dpkg/trivy-valid.status", &sb);
	ck_assert_int_eq(pkgdb_dpkg(&l, "var/lib/dpkg/status", sb.buf, sb.len), 90);
	/* "Source: name (version)" */
	assert_pkg(&l, PKG_DEB, "liblzma5", "5.1.1alpha+20120614-2+b3", "amd64", "xz-utils", "5.1.1alpha+20120614-2",
		   NULL, "var/lib/dpkg/status");
	assert_pkg(&l, PKG_DEB, "bsdutils", "1:2.31.1-0.4ubuntu3.1", "amd64", "util-linux", "2.31.1-0.4ubuntu3.1", NULL,
		   "var/lib/dpkg/status");
	assert_pkg(&l, PKG_DEB, "libgcc1", "1:8-20180414-1ubuntu2", "amd64", "gcc-8", "8-20180414-1ubuntu2", NULL,
		   "var/lib/dpkg/status");
	/* "Source: name": the package's version; no Source: the package itself */
	assert_pkg(&l, PKG_DEB, "libc6", "2.27-3ubuntu1", "amd64", "glibc", "2.27-3ubuntu1", NULL,
		   "var/lib/dpkg/status");
	assert_pkg(&l, PKG_DEB, "tar", "1.29b-2", "amd64", "tar", "1.29b-2", NULL, "var/lib/dpkg/status");
	assert_pkg(&l, PKG_DEB, "adduser", "3.116ubuntu1", "all", "adduser", "3.116ubuntu1", NULL,
		   "var/lib/dpkg/status");
	/* "Status: deinstall ok config-files" */
	ck_assert_ptr_null(th_pkg_find(&l, NULL, "git", NULL));
	for (i = 0; i < l.n; i++) {
		ck_assert_ptr_null(l.v[i].vendor);
		with_source += strcmp(l.v[i].source_name, l.v[i].name) != 0;
	}
	/* README: 63 Source lines, all of installed packages and all naming another package */
	ck_assert_uint_eq(with_source, 63);
	pkg_list_release(&l);
	strbuf_release(&sb);
}
END_TEST

START_TEST(dpkg_upstream_files)
{
	struct pkg_list l = { NULL, 0, 0 };
	struct strbuf sb = STRBUF_INIT;

	check_dpkg_file("pkgdb/dpkg/scalibr-valid.status", "var/lib/dpkg/status", 7, 1);
	check_dpkg_file("pkgdb/dpkg/scalibr-transitional_dummy.status", "var/lib/dpkg/status", 1, 1);
	check_dpkg_file("pkgdb/dpkg/syft-deinstall.status", "var/lib/dpkg/status", 1, 1);
	check_dpkg_file("pkgdb/dpkg/syft-coreutils-relationships.status", "var/lib/dpkg/status", 9, 1);
	/* 7 stanzas, 4 not installed (README): dpkg agrees on the other 3 */
	check_dpkg_file("pkgdb/dpkg/scalibr-statusfield.status", "var/lib/dpkg/status", 3, 1);
	/* dpkg-query refuses this one (an empty Package field), so the count is the oracle */
	check_dpkg_file("pkgdb/dpkg/syft-multiple.status", "var/lib/dpkg/status", 2, 0);
	/* distroless: no Status at all */
	check_dpkg_file("pkgdb/dpkg/distroless-status.d/libsqlite3-0", "var/lib/dpkg/status.d/libsqlite3-0", 1, 0);

	th_read_data("pkgdb/dpkg/scalibr-statusfield.status", &sb);
	ck_assert_int_eq(pkgdb_dpkg(&l, "var/lib/dpkg/status", sb.buf, sb.len), 3);
	ck_assert_ptr_nonnull(th_pkg_find(&l, NULL, "wantinstall_installed", "1.0"));
	ck_assert_ptr_nonnull(th_pkg_find(&l, NULL, "wantdeinstall_installed", "1.0"));
	ck_assert_ptr_nonnull(th_pkg_find(&l, NULL, "wantpurge_installed", "1.0"));
	/* the same stanzas in a status.d file: the one without Status is installed too */
	ck_assert_int_eq(pkgdb_dpkg(&l, "var/lib/dpkg/status.d/statusfield", sb.buf, sb.len), 4);
	ck_assert_uint_eq(l.n, 7);
	ck_assert_ptr_nonnull(th_pkg_find(&l, NULL, "wantnostatus", "1.0"));
	pkg_list_release(&l);

	strbuf_reset(&sb);
	th_read_data("pkgdb/dpkg/syft-multiple.status", &sb);
	ck_assert_int_eq(pkgdb_dpkg(&l, "var/lib/dpkg/status", sb.buf, sb.len), 2);
	/* "Source: tzdata-dev" without a version */
	assert_pkg(&l, PKG_DEB, "tzdata", "2020a-0+deb10u1", "all", "tzdata-dev", "2020a-0+deb10u1", NULL,
		   "var/lib/dpkg/status");
	assert_pkg(&l, PKG_DEB, "util-linux", "2.33.1-0.1", "amd64", "util-linux", "2.33.1-0.1", NULL,
		   "var/lib/dpkg/status");
	pkg_list_release(&l);

	strbuf_reset(&sb);
	th_read_data("pkgdb/dpkg/distroless-status.d/libsqlite3-0", &sb);
	ck_assert_int_eq(pkgdb_dpkg(&l, "./var/lib/dpkg/status.d/libsqlite3-0", sb.buf, sb.len), 1);
	assert_pkg(&l, PKG_DEB, "libsqlite3-0", "3.34.1-3", "arm64", "sqlite3", "3.34.1-3", NULL,
		   "./var/lib/dpkg/status.d/libsqlite3-0");
	pkg_list_release(&l);

	strbuf_reset(&sb);
	th_read_data("pkgdb/dpkg/scalibr-transitional_dummy.status", &sb);
	ck_assert_int_eq(pkgdb_dpkg(&l, "var/lib/dpkg/status", sb.buf, sb.len), 1);
	assert_pkg(&l, PKG_DEB, "git-core", "1:2.14.2-1", "all", "git", "1:2.14.2-1", NULL, "var/lib/dpkg/status");
	pkg_list_release(&l);
	strbuf_release(&sb);
}
END_TEST

START_TEST(dpkg_this_machine_matches_dpkg_query)
{
	struct pkg_list l = { NULL, 0, 0 };
	struct strbuf sb = STRBUF_INIT;
	char *ours, *theirs;
	int n;

	/* One read: dpkg-query gets the very bytes we parse, not a newer file. */
	th_read("/var/lib/dpkg/status", &sb);
	n = pkgdb_dpkg(&l, "var/lib/dpkg/status", sb.buf, sb.len);
	ck_assert_msg(n > 0, "%d %s", n, err_last());
	ours = tsv_of(&l, 0);
	theirs = dpkg_query_installed(sb.buf);
	ck_assert_uint_eq(count_lines(theirs), (size_t)n);
	ck_assert_str_eq(ours, theirs);
	free(ours);
	free(theirs);
	pkg_list_release(&l);
	strbuf_release(&sb);
}
END_TEST

START_TEST(dpkg_db_paths)
{
	ck_assert(pkgdb_dpkg_is_db_path("var/lib/dpkg/status"));
	ck_assert(pkgdb_dpkg_is_db_path("/var/lib/dpkg/status"));
	ck_assert(pkgdb_dpkg_is_db_path("./var/lib/dpkg/status"));
	ck_assert(pkgdb_dpkg_is_db_path("var/lib/dpkg/status.d/libsqlite3-0"));
	ck_assert(pkgdb_dpkg_is_db_path("var/lib/dpkg/status.d/base-files"));
	ck_assert(!pkgdb_dpkg_is_db_path("var/lib/dpkg/status.d/libsqlite3-0.md5sums"));
	ck_assert(!pkgdb_dpkg_is_db_path("var/lib/dpkg/status.d/"));
	ck_assert(!pkgdb_dpkg_is_db_path("var/lib/dpkg/status.d/.wh.libc6"));
	ck_assert(!pkgdb_dpkg_is_db_path("var/lib/dpkg/status.d/x/y"));
	ck_assert(!pkgdb_dpkg_is_db_path("var/lib/dpkg/status-old"));
	ck_assert(!pkgdb_dpkg_is_db_path("var/lib/dpkg/available"));
	ck_assert(!pkgdb_dpkg_is_db_path("usr/var/lib/dpkg/status"));
	ck_assert(!pkgdb_dpkg_is_db_path("var/lib/dpkg/info/libc6.list"));
}
END_TEST

/* A malformed file is an ERR_PARSE naming it, and adds nothing to the list. */
static void dpkg_bad(const char *text, const char *msg_part)
{
	struct pkg_list l = { NULL, 0, 0 };
	struct pkg keep = { .type = PKG_DEB, .name = "before", .version = "1" };

	ck_assert_int_eq(pkg_list_add(&l, &keep), 0);
	err_clear();
	ck_assert_int_eq(pkgdb_dpkg(&l, "var/lib/dpkg/status", text, strlen(text)), ERR_PARSE);
	ck_assert_msg(strstr(err_last(), "var/lib/dpkg/status:") && strstr(err_last(), msg_part), "message '%s'",
		      err_last());
	ck_assert_uint_eq(l.n, 1);
	pkg_list_release(&l);
}

START_TEST(dpkg_malformed_and_odd)
{
	struct pkg_list l = { NULL, 0, 0 };
	static const char crlf[] = "Package: a\r\nStatus: hold ok installed\r\nVersion: 1:2.0-1\r\n"
				   "Description: x\r\n more\r\n .\r\n\r\n \t \r\n"
				   "package: b\r\nstatus: install ok triggers-pending\r\nversion: 3\r\n"
				   "Source: bsrc (2)\r\n";
	static const char bin[] = "Package: c\nVersion: 1\nStatus: install ok installed\n\nPackage: d\0x\nVersion: 1\n";

	dpkg_bad("Package: a\nVersion: 1.0\nStatus: install ok installed\n\nPackage: b\nVers", "truncated");
	dpkg_bad("Package: a\nVersion: 1.\xff\nStatus: install ok installed\n", "UTF-8");
	dpkg_bad("Package: a\xc0\xaf\nVersion: 1\n", "UTF-8");
	dpkg_bad(" Package: a\nVersion: 1\n", "continuation");
	dpkg_bad("Package: a\nVersion: 1\n 2\n", "continues");
	dpkg_bad("Package: a\nVersion: 1\nStatus: installed\n", "Status");
	dpkg_bad("Package: a\nVersion: 1\nStatus: install ok installed\nSource: b (1\n", "Source");
	dpkg_bad("Package: a\nVersion: 1\nStatus: install ok installed\nSource: (1)\n", "Source");
	dpkg_bad("Package: a\nVersion: 1\nVersion: 2\n", "second Version");
	dpkg_bad("Pack age: a\nVersion: 1\n", "Field");
	dpkg_bad("Package: a\nVersion: 1\n\x80: x\n", "Field");

	ck_assert_int_eq(pkgdb_dpkg(&l, "var/lib/dpkg/status", crlf, strlen(crlf)), 2);
	assert_pkg(&l, PKG_DEB, "a", "1:2.0-1", NULL, "a", "1:2.0-1", NULL, "var/lib/dpkg/status");
	assert_pkg(&l, PKG_DEB, "b", "3", NULL, "bsrc", "2", NULL, "var/lib/dpkg/status");
	pkg_list_release(&l);
	/* A NUL byte inside a kept value is not text. */
	ck_assert_int_eq(pkgdb_dpkg(&l, "var/lib/dpkg/status", bin, sizeof(bin) - 1), ERR_PARSE);
	ck_assert_int_eq(pkgdb_dpkg(&l, "var/lib/dpkg/status", TXT("")), 0);
	ck_assert_int_eq(pkgdb_dpkg(&l, "var/lib/dpkg/status", TXT("\n\n\n")), 0);
	ck_assert_uint_eq(l.n, 0);
}
END_TEST

/* The same packages by awk's paragraph mode: name version arch origin origin-version license. */
static char *awk_apk(const char *file)
{
	static const char prog[] =
		"BEGIN { RS = \"\"; FS = \"\\n\" }\n"
		"{ p = v = a = o = l = \"\"\n"
		"  for (i = 1; i <= NF; i++) { k = substr($i, 1, 2); x = substr($i, 3)\n"
		"    if (k == \"P:\") p = x; else if (k == \"V:\") v = x; else if (k == \"A:\") a = x\n"
		"    else if (k == \"o:\") o = x; else if (k == \"L:\") l = x }\n"
		"  if (p != \"\" && v != \"\") print p \"\\t\" v \"\\t\" a \"\\t\" o \"\\t\" (o == \"\" ? \"\" : v) \"\\t\" l }\n";
	const char *argv[] = { "awk", prog, file, NULL };
	struct th_result res;
	char *sorted;

	th_run(&res, argv, NULL, NULL, NULL);
	th_assert_status(&res, 0);
	sorted = th_sorted_lines(res.out.buf);
	th_result_release(&res);
	return sorted;
}

START_TEST(apk_upstream_files)
{
	static const struct {
		const char *rel;
		int n;
	} files[] = {
		/* README: 16 stanzas, one of them "invalidPackageWithoutAVersion" */
		{ "pkgdb/apk/trivy-alpine-installed", 15 },
		{ "pkgdb/apk/syft-multiple-2-installed", 14 },
		{ "pkgdb/apk/scalibr-installed", 15 },
		{ "pkgdb/apk/syft-base-installed", 1 },
	};
	struct pkg_list l = { NULL, 0, 0 };
	struct strbuf sb = STRBUF_INIT;
	char *ours, *theirs, *abs;
	size_t i;

	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		strbuf_reset(&sb);
		th_read_data(files[i].rel, &sb);
		ck_assert_msg(pkgdb_apk(&l, "lib/apk/db/installed", sb.buf, sb.len) == files[i].n, "%s: %s",
			      files[i].rel, err_last());
		ours = tsv_of(&l, 1);
		abs = th_data_path(files[i].rel);
		theirs = awk_apk(abs);
		ck_assert_uint_eq(count_lines(theirs), (size_t)files[i].n);
		ck_assert_str_eq(ours, theirs);
		free(abs);
		free(ours);
		free(theirs);
		pkg_list_release(&l);
	}

	strbuf_reset(&sb);
	th_read_data("pkgdb/apk/trivy-alpine-installed", &sb);
	ck_assert_int_eq(pkgdb_apk(&l, "lib/apk/db/installed", sb.buf, sb.len), 15);
	ck_assert_ptr_null(th_pkg_find(&l, NULL, "invalidPackageWithoutAVersion", NULL));
	assert_pkg(&l, PKG_APK, "libcrypto1.0", "1.0.2h-r1", "x86_64", "openssl", "1.0.2h-r1", "openssl",
		   "lib/apk/db/installed");
	assert_pkg(&l, PKG_APK, "test", "2.9.11_pre20061021-r2", "x86_64", "test-parent", "2.9.11_pre20061021-r2",
		   "Public-Domain", "lib/apk/db/installed");
	assert_pkg(&l, PKG_APK, "musl-utils", "1.1.14-r10", "x86_64", "musl", "1.1.14-r10", "MIT BSD GPL2+",
		   "lib/apk/db/installed");
	assert_pkg(&l, PKG_APK, "ada-libs", "2.7.4-r0", "x86_64", "ada", "2.7.4-r0", "( Apache-2.0 OR MIT ) AND MPL-2.0",
		   "lib/apk/db/installed");
	pkg_list_release(&l);

	strbuf_reset(&sb);
	th_read_data("pkgdb/apk/scalibr-installed", &sb);
	ck_assert_int_eq(pkgdb_apk(&l, "/usr/lib/apk/db/installed", sb.buf, sb.len), 15);
	assert_pkg(&l, PKG_APK, "ssl_client", "1.36.0-r9", "x86_64", "busybox", "1.36.0-r9", "GPL-2.0-only",
		   "/usr/lib/apk/db/installed");
	assert_pkg(&l, PKG_APK, "ca-certificates-bundle", "20230506-r0", "x86_64", "ca-certificates", "20230506-r0",
		   "MPL-2.0 AND MIT", "/usr/lib/apk/db/installed");
	pkg_list_release(&l);

	strbuf_reset(&sb);
	th_read_data("pkgdb/apk/syft-base-installed", &sb);
	ck_assert_int_eq(pkgdb_apk(&l, "lib/apk/db/installed", sb.buf, sb.len), 1);
	assert_pkg(&l, PKG_APK, "alpine-baselayout", "3.2.0-r6", "x86_64", "alpine-baselayout", "3.2.0-r6",
		   "GPL-2.0-only", "lib/apk/db/installed");
	pkg_list_release(&l);
	strbuf_release(&sb);
}
END_TEST

START_TEST(apk_malformed_and_paths)
{
	struct pkg_list l = { NULL, 0, 0 };
	static const char crlf[] = "C:Q1x=\r\nP:zlib\r\nV:1.3-r0\r\nL:Zlib\r\n\r\nP:nov\r\n\r\nV:2\r\n\r\nP:b\r\nV:1\r\n";

	ck_assert_int_eq(pkgdb_apk(&l, "lib/apk/db/installed", crlf, strlen(crlf)), 2);
	assert_pkg(&l, PKG_APK, "zlib", "1.3-r0", NULL, NULL, NULL, "Zlib", "lib/apk/db/installed");
	assert_pkg(&l, PKG_APK, "b", "1", NULL, NULL, NULL, NULL, "lib/apk/db/installed");
	pkg_list_release(&l);
	ck_assert_int_eq(pkgdb_apk(&l, "lib/apk/db/installed", TXT("P:a\nV:1\n\nP:b\nV")), ERR_PARSE);
	ck_assert_ptr_nonnull(strstr(err_last(), "lib/apk/db/installed:5"));
	ck_assert_int_eq(pkgdb_apk(&l, "lib/apk/db/installed", TXT("P:a\nV:1\xfe\n")), ERR_PARSE);
	ck_assert_ptr_nonnull(strstr(err_last(), "UTF-8"));
	ck_assert_int_eq(pkgdb_apk(&l, "lib/apk/db/installed", TXT("P:a\nP:b\nV:1\n")), ERR_PARSE);
	ck_assert_int_eq(pkgdb_apk(&l, "lib/apk/db/installed", TXT("1:a\n")), ERR_PARSE);
	ck_assert_uint_eq(l.n, 0);

	ck_assert(pkgdb_apk_is_db_path("lib/apk/db/installed"));
	ck_assert(pkgdb_apk_is_db_path("usr/lib/apk/db/installed"));
	ck_assert(pkgdb_apk_is_db_path("/lib/apk/db/installed"));
	ck_assert(!pkgdb_apk_is_db_path("lib/apk/db/installed.old"));
	ck_assert(!pkgdb_apk_is_db_path("etc/apk/world"));
	ck_assert(!pkgdb_apk_is_db_path("x/lib/apk/db/installed"));
}
END_TEST

START_TEST(python_networkx_metadata)
{
	const char *path = "usr/lib/python3/dist-packages/networkx-3.0.dist-info/METADATA";
	struct pkg_list l = { NULL, 0, 0 };
	struct strbuf sb = STRBUF_INIT;

	th_read_data("pkgdb/lang/python/trivy-networkx-3.0.METADATA", &sb);
	ck_assert_int_eq(pkgdb_python_metadata(&l, path, sb.buf, sb.len), 1);
	/* trivy's oracle: no License, no license classifier, License-File: LICENSE.txt */
	assert_pkg(&l, PKG_PYPI, "networkx", "3.0", NULL, NULL, NULL, "file://LICENSE.txt", path);
	ck_assert_uint_eq(l.n, 1);
	pkg_list_release(&l);
	strbuf_release(&sb);
}
END_TEST

static void py_one(const char *text, const char *name, const char *version, const char *license)
{
	struct pkg_list l = { NULL, 0, 0 };

	ck_assert_msg(pkgdb_python_metadata(&l, "site-packages/x.dist-info/METADATA", text, strlen(text)) == 1, "%s",
		      err_last());
	ck_assert_str_eq(l.v[0].name, name);
	ck_assert_str_eq(l.v[0].version, version);
	assert_opt_str(l.v[0].license, license, "license");
	pkg_list_release(&l);
}

static void py_bad(const char *text, const char *msg_part)
{
	struct pkg_list l = { NULL, 0, 0 };

	ck_assert_int_eq(pkgdb_python_metadata(&l, "site-packages/x.dist-info/METADATA", text, strlen(text)),
			 ERR_PARSE);
	ck_assert_msg(strstr(err_last(), "site-packages/x.dist-info/METADATA") && strstr(err_last(), msg_part),
		      "message '%s'", err_last());
	ck_assert_uint_eq(l.n, 0);
}

START_TEST(python_license_rules_and_malformed)
{
	/* Name as written (the PURL normalises it), License-Expression first */
	py_one("Metadata-Version: 2.4\nName: Foo_Bar.baz\nVersion: 1.0rc1\nLicense: MIT License\n"
	       "License-Expression: MIT OR Apache-2.0\nClassifier: License :: OSI Approved :: MIT License\n\n"
	       "Name: not-a-header\n",
	       "Foo_Bar.baz", "1.0rc1", "MIT OR Apache-2.0");
	py_one("Name: a\r\nVersion: 2\r\nLicense: BSD\r\n\r\n", "a", "2", "BSD");
	/* a whole license text is not a name: the classifiers say it */
	py_one("Name: a\nVersion: 2\nLicense: Copyright (c) 2004 Someone\n        Permission is hereby granted\n"
	       "Classifier: Topic :: Utilities\nClassifier: License :: OSI Approved :: MIT License\n"
	       "Classifier: License :: OSI Approved :: Apache Software License\n"
	       "Classifier: License :: OSI Approved :: MIT License\n",
	       "a", "2", "MIT License, Apache Software License");
	/* what old setuptools wrote for "none given" */
	py_one("Name: a\nVersion: 2\nLicense: UNKNOWN\nLicense-File: LICENSE\nLicense-File: NOTICE\n", "a", "2",
	       "file://LICENSE");
	py_one("Name: a\nVersion: 2\nLicense-File: LICENSE\nLicense-File: NOTICE\n", "a", "2", "file://LICENSE");
	py_one("Metadata-Version: 1.0\nName: old\nVersion: 0.1\n", "old", "0.1", NULL);

	py_bad("Metadata-Version: 2.1\nName: foo\n", "no Version");
	py_bad("Metadata-Version: 2.1\nVersion: 1.0\n", "no Name");
	py_bad("", "no Name");
	py_bad("Name: foo\nVersion: 1.0\xc3\n", "UTF-8");
	py_bad("Name: foo\nVersion: 1.0\nName: bar\n", "second Name");
	py_bad("Name: foo\nVersion: 1.0\nthis is not a header\n", "Key: value");
	py_bad(" Name: foo\nVersion: 1.0\n", "continuation");
	py_bad("Name: foo\n bar\nVersion: 1.0\n", "continues");
}
END_TEST

START_TEST(python_metadata_paths)
{
	ck_assert(pkgdb_python_is_metadata_path("usr/lib/python3.11/site-packages/requests-2.31.0.dist-info/METADATA"));
	ck_assert(pkgdb_python_is_metadata_path("/usr/lib/python3/dist-packages/six-1.16.0.egg-info/PKG-INFO"));
	ck_assert(pkgdb_python_is_metadata_path("usr/lib/python3/dist-packages/python_apt-2.2.1.egg-info"));
	ck_assert(pkgdb_python_is_metadata_path("app/.venv/lib/python3.12/site-packages/x-1.egg/EGG-INFO/PKG-INFO"));
	ck_assert(pkgdb_python_is_metadata_path(
		"usr/local/lib/python3.12/site-packages/setuptools/_vendor/packaging-24.2.dist-info/METADATA"));
	ck_assert(!pkgdb_python_is_metadata_path("src/app/foo-1.0.dist-info/METADATA"));
	ck_assert(!pkgdb_python_is_metadata_path("usr/lib/python3/site-packages/.dist-info/METADATA"));
	ck_assert(!pkgdb_python_is_metadata_path("usr/lib/python3/site-packages/x.dist-info/RECORD"));
	ck_assert(!pkgdb_python_is_metadata_path("usr/lib/python3/site-packages/x.dist-info/METADATA.bak"));
	ck_assert(!pkgdb_python_is_metadata_path("usr/lib/python3/site-packages/x.egg-info/SOURCES.txt"));
	ck_assert(!pkgdb_python_is_metadata_path("site-packages.dist-info/METADATA"));
	ck_assert(!pkgdb_python_is_metadata_path("usr/lib/python3/mysite-packages/x.dist-info/METADATA"));
}
END_TEST

Suite *pkgdb_suite(void)
{
	Suite *s = suite_create("pkgdb");
	TCase *tc = tcase_create("pkgdb");

	tcase_set_timeout(tc, 60);
	if (th_have_data("dpkg_ubuntu_status_matches_dpkg_query", "pkgdb/dpkg") &&
	    th_have_tool("dpkg_ubuntu_status_matches_dpkg_query", "dpkg-query")) {
		tcase_add_test(tc, dpkg_ubuntu_status_matches_dpkg_query);
	}
	if (th_have_data("dpkg_upstream_files", "pkgdb/dpkg") && th_have_tool("dpkg_upstream_files", "dpkg-query"))
		tcase_add_test(tc, dpkg_upstream_files);
	if (th_have_tool("dpkg_this_machine_matches_dpkg_query", "dpkg-query")) {
		if (th_exists("/var/lib/dpkg/status"))
			tcase_add_test(tc, dpkg_this_machine_matches_dpkg_query);
		else
			th_not_run("dpkg_this_machine_matches_dpkg_query", "no /var/lib/dpkg/status on this machine");
	}
	tcase_add_test(tc, dpkg_db_paths);
	tcase_add_test(tc, dpkg_malformed_and_odd);
	if (th_have_data("apk_upstream_files", "pkgdb/apk") && th_have_tool("apk_upstream_files", "awk"))
		tcase_add_test(tc, apk_upstream_files);
	tcase_add_test(tc, apk_malformed_and_paths);
	if (th_have_data("python_networkx_metadata", "pkgdb/lang/python"))
		tcase_add_test(tc, python_networkx_metadata);
	tcase_add_test(tc, python_license_rules_and_malformed);
	tcase_add_test(tc, python_metadata_paths);
	suite_add_tcase(s, tc);
	return s;
}
