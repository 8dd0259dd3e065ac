/*
 * rpm databases built here: SQLite files made by Debian's rpm (compared with
 * what rpm -qa prints) and with the SQLite library, and Berkeley DB and NDB
 * files made by tests/lib/th_rpm.c in the layouts the upstream files do not
 * cover (big-endian, values on the hash page, page sizes, several slot
 * pages), each also damaged on purpose.
 */
#include <check.h>
#include <glob.h>
#include <sqlite3.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/err.h"
#include "core/strbuf.h"
#include "scan/pkgdb_rpm.h"
#include "th.h"
#include "th_rpm.h"

/* A database file like rpm's, holding blobs[i] as hnum i + 1; in WAL mode
 * when wal is set, as rpm leaves it. */
static void make_sqlite(const char *file, int wal, const struct strbuf *blobs, size_t n, const char *extra_sql)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	size_t i;

	ck_assert_int_eq(sqlite3_open(file, &db), SQLITE_OK);
	if (wal)
		ck_assert_int_eq(sqlite3_exec(db, "PRAGMA journal_mode=WAL", NULL, NULL, NULL), SQLITE_OK);
	ck_assert_int_eq(sqlite3_exec(db, extra_sql ? extra_sql :
				      "CREATE TABLE Packages (hnum INTEGER PRIMARY KEY AUTOINCREMENT, blob BLOB NOT NULL)",
				      NULL, NULL, NULL), SQLITE_OK);
	for (i = 0; i < n; i++) {
		ck_assert_int_eq(sqlite3_prepare_v2(db, "INSERT INTO Packages VALUES (?, ?)", -1, &st, NULL), SQLITE_OK);
		sqlite3_bind_int64(st, 1, (sqlite3_int64)i + 1);
		sqlite3_bind_blob(st, 2, blobs[i].buf, (int)blobs[i].len, SQLITE_TRANSIENT);
		ck_assert_int_eq(sqlite3_step(st), SQLITE_DONE);
		sqlite3_finalize(st);
	}
	ck_assert_int_eq(sqlite3_close(db), SQLITE_OK);
}

static char *path_in(const char *dir, const char *name)
{
	struct strbuf sb = STRBUF_INIT;

	strbuf_addf(&sb, "%s/%s", dir, name);
	return strbuf_detach(&sb, NULL);
}

START_TEST(sqlite_synthetic)
{
	char *dir = th_tmpdir(), *file = path_in(dir, "rpmdb.sqlite");
	struct strbuf blobs[3] = { STRBUF_INIT, STRBUF_INIT, STRBUF_INIT }, db = STRBUF_INIT;
	struct th_hent key[] = { TH_STR(1000, "gpg-pubkey"), TH_STR(1001, "fd431d51"), TH_STR(1002, "4ae0493b") };
	struct th_hent noarch[] = { TH_STR(1000, "tzdata"), TH_STR(1001, "2024a"), TH_STR(1002, "1.el9"), TH_STR(1022, "noarch") };
	struct pkg_list l = { NULL, 0, 0 };
	size_t n, len;
	int rc;

	th_rpm_header_full(&blobs[0], "libuuid", 0);
	th_rpm_header(&blobs[1], key, 3, 0);
	th_rpm_header(&blobs[2], noarch, 4, 0);
	make_sqlite(file, 1, blobs, 3, NULL);
	th_read(file, &db);
	ck_assert_int_eq(db.buf[18], 2); /* WAL, as rpm leaves it */
	ck_assert_int_eq(pkgdb_rpm_sqlite(&l, "var/lib/rpm/rpmdb.sqlite", db.buf, db.len), 2);
	ck_assert_uint_eq(l.n, 2); /* the gpg-pubkey is not a package */
	ck_assert_str_eq(l.v[0].name, "libuuid");
	ck_assert_str_eq(l.v[0].version, "7:2.32.1-42.el8_8");
	ck_assert_str_eq(l.v[1].name, "tzdata");
	ck_assert_str_eq(l.v[1].version, "2024a-1.el9");
	ck_assert_str_eq(l.v[1].arch, "noarch");
	ck_assert_str_eq(l.v[1].path, "var/lib/rpm/rpmdb.sqlite");
	pkg_list_release(&l);
	ck_assert_int_eq(th_rpm_parse_copy(db.buf, db.len, NULL), 2);
	/* A cut file is refused, or, cut in pages the table does not use, read whole. */
	for (len = 0; len < db.len; len += len < 128 ? 7 : 509) {
		rc = th_rpm_parse_copy(db.buf, len, NULL);
		ck_assert_msg(rc == ERR_PARSE || rc == 2, "cut to %zu: %d %s", len, rc, err_last());
	}
	th_rm_rf(file);

	/* One damaged blob fails the whole database, naming the record. */
	strbuf_setlen(&blobs[2], blobs[2].len - 3);
	make_sqlite(file, 0, blobs, 3, NULL);
	strbuf_reset(&db);
	th_read(file, &db);
	ck_assert_int_eq(th_rpm_parse_copy(db.buf, db.len, NULL), ERR_PARSE);
	ck_assert_msg(strstr(err_last(), "var/lib/rpm/Packages: package record 3: rpm header:"), "%s", err_last());
	th_rm_rf(file);

	/* No Packages table, or a view in its place. */
	make_sqlite(file, 0, NULL, 0, "CREATE TABLE Other (x)");
	strbuf_reset(&db);
	th_read(file, &db);
	ck_assert_int_eq(th_rpm_parse_copy(db.buf, db.len, NULL), ERR_PARSE);
	ck_assert_msg(strstr(err_last(), "no Packages table"), "%s", err_last());
	th_rm_rf(file);
	make_sqlite(file, 0, NULL, 0, "CREATE VIEW Packages AS SELECT 1 AS hnum, x'00' AS blob");
	strbuf_reset(&db);
	th_read(file, &db);
	ck_assert_int_eq(th_rpm_parse_copy(db.buf, db.len, NULL), ERR_PARSE);
	ck_assert_msg(strstr(err_last(), "no Packages table"), "%s", err_last());

	for (n = 0; n < 3; n++)
		strbuf_release(&blobs[n]);
	strbuf_release(&db);
	th_rm_rf(dir);
	free(file);
	free(dir);
}
END_TEST

static const char *const specs[][2] = {
	{ "vt-alpha.spec", "Name: vt-alpha\nVersion: 1.2.3\nRelease: 4.el9\nEpoch: 2\nSummary: t\nLicense: MIT\n"
			   "Vendor: Vetter Test\nBuildArch: noarch\n%description\nt\n%install\n"
			   "mkdir -p %{buildroot}/usr/lib/python3.9/site-packages/vt_alpha-1.0.dist-info %{buildroot}/usr/bin\n"
			   "echo x > %{buildroot}/usr/lib/python3.9/site-packages/vt_alpha-1.0.dist-info/METADATA\n"
			   "echo y > %{buildroot}/usr/bin/vt-alpha\n"
			   "%files\n/usr/bin/vt-alpha\n/usr/lib/python3.9/site-packages/vt_alpha-1.0.dist-info\n" },
	{ "vt-bravo.spec", "Name: vt-bravo\nVersion: 0.9\nRelease: 1\nSummary: t\nLicense: GPL-2.0-or-later\n"
			   "%description\nt\n%files\n" },
	{ "vt-charlie.spec", "Name: vt-charlie\nVersion: 3.0\nRelease: 1%{?dist}\nEpoch: 0\nSummary: t\n"
			     "License: ASL 2.0\nVendor: J\xc3\xb6rg GmbH\nBuildArch: noarch\n%description\nt\n%files\n" },
};

static int collect_file(void *ctx, const char *dir, size_t dlen, const char *base, size_t blen)
{
	struct strbuf *sb = ctx;

	strbuf_add(sb, dir, dlen);
	strbuf_add(sb, base, blen);
	return strbuf_addch(sb, '\n');
}

static void run_ok(const char *const *argv, struct strbuf *out)
{
	struct th_result res;

	th_run(&res, argv, NULL, NULL, NULL);
	th_assert_status(&res, 0);
	if (out)
		strbuf_add(out, res.out.buf, res.out.len);
	th_result_release(&res);
}

static int cmp_line(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The lines of text, sorted, joined again. */
static void sort_lines(struct strbuf *text)
{
	char *lines[64], *save = NULL, *line;
	struct strbuf out = STRBUF_INIT;
	size_t n = 0, i;

	for (line = strtok_r(text->buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		ck_assert_uint_lt(n, 64);
		lines[n++] = line;
	}
	qsort(lines, n, sizeof(lines[0]), cmp_line);
	for (i = 0; i < n; i++)
		strbuf_addf(&out, "%s\n", lines[i]);
	strbuf_reset(text);
	strbuf_add(text, out.buf, out.len);
	strbuf_release(&out);
}

START_TEST(sqlite_made_by_rpm)
{
	char *dir = th_tmpdir(), *top = path_in(dir, "top"), *root = path_in(dir, "root");
	char *dbfile = path_in(root, "usr/lib/sysimage/rpm/rpmdb.sqlite");
	struct strbuf def = STRBUF_INIT, want = STRBUF_INIT, got = STRBUF_INIT, db = STRBUF_INIT;
	struct pkg_list l = { NULL, 0, 0 };
	const char *install[16] = { "rpm", "--root", root, "--dbpath", "/usr/lib/sysimage/rpm", "--define",
				    "_db_backend sqlite", "-i", "--nodeps", "--justdb", "--noscripts" };
	size_t i, nargs = 11, seen = 0;
	glob_t g;

	strbuf_addf(&def, "_topdir %s", top);
	for (i = 0; i < 3; i++) {
		char *spec = path_in(dir, specs[i][0]);
		const char *argv[] = { "rpmbuild", "--define", def.buf, "-bb", spec, NULL };

		th_write(spec, specs[i][1]);
		run_ok(argv, NULL);
		free(spec);
	}
	{
		const char *argv[] = { "rpm", "--root", root, "--dbpath", "/usr/lib/sysimage/rpm", "--define",
				       "_db_backend sqlite", "--initdb", NULL };
		struct strbuf pat = STRBUF_INIT;

		run_ok(argv, NULL);
		strbuf_addf(&pat, "%s/RPMS/*/*.rpm", top);
		ck_assert_int_eq(glob(pat.buf, 0, NULL, &g), 0);
		ck_assert_uint_eq(g.gl_pathc, 3);
		for (i = 0; i < g.gl_pathc; i++)
			install[nargs++] = g.gl_pathv[i];
		install[nargs] = NULL;
		run_ok(install, NULL);
		globfree(&g);
		strbuf_release(&pat);
	}
	{
		const char *argv[] = { "rpm", "--root", root, "--dbpath", "/usr/lib/sysimage/rpm", "--define",
				       "_db_backend sqlite", "-qa", "--qf",
				       "%{NAME}\t%{EPOCHNUM}:%{VERSION}-%{RELEASE}\t%{ARCH}\t%{SOURCERPM}\n", NULL };

		run_ok(argv, &want);
	}
	sort_lines(&want);

	th_read(dbfile, &db);
	ck_assert_int_eq(db.buf[18], 2); /* rpm left it in WAL mode */
	ck_assert_int_eq(pkgdb_rpm(&l, "usr/lib/sysimage/rpm/rpmdb.sqlite", db.buf, db.len), 3);
	for (i = 0; i < l.n; i++) {
		const struct pkg *p = &l.v[i];

		strbuf_addf(&got, "%s\t%s%s\t%s\t%s-%s.src.rpm\n", p->name, strchr(p->version, ':') ? "" : "0:",
			    p->version, p->arch, p->source_name, p->source_version);
		ck_assert_str_eq(p->path, "usr/lib/sysimage/rpm/rpmdb.sqlite");
		if (!strcmp(p->name, "vt-alpha")) {
			ck_assert_str_eq(p->version, "2:1.2.3-4.el9");
			ck_assert_str_eq(p->arch, "noarch");
			ck_assert_str_eq(p->license, "MIT");
			ck_assert_str_eq(p->vendor, "Vetter Test");
			ck_assert_str_eq(p->source_name, "vt-alpha");
			ck_assert_str_eq(p->source_version, "1.2.3-4.el9");
			seen++;
		} else if (!strcmp(p->name, "vt-bravo")) {
			ck_assert_str_eq(p->version, "0.9-1"); /* no Epoch: none in the version */
			ck_assert_str_eq(p->license, "GPL-2.0-or-later");
			ck_assert_ptr_null(p->vendor);
			seen++;
		} else if (!strcmp(p->name, "vt-charlie")) {
			ck_assert_str_eq(p->version, "0:3.0-1"); /* Epoch: 0 is an epoch */
			ck_assert_str_eq(p->vendor, "J\xc3\xb6rg GmbH");
			ck_assert_str_eq(p->license, "ASL 2.0");
			seen++;
		}
	}
	ck_assert_uint_eq(seen, 3);
	sort_lines(&got);
	ck_assert_uint_gt(want.len, 0);
	ck_assert_str_eq(got.buf, want.buf);

	/* The files the packages own, as rpm -qal lists them. */
	strbuf_reset(&want);
	strbuf_reset(&got);
	{
		const char *argv[] = { "rpm", "--root", root, "--dbpath", "/usr/lib/sysimage/rpm", "--define",
				       "_db_backend sqlite", "-qal", NULL };

		run_ok(argv, &want);
	}
	ck_assert_int_eq(pkgdb_rpm_files("usr/lib/sysimage/rpm/rpmdb.sqlite", db.buf, db.len, collect_file, &got), 0);
	{
		/* rpm says "(contains no files)" for the packages without any. */
		char *x;

		while ((x = strstr(want.buf, "(contains no files)\n")))
			memmove(x, x + 20, strlen(x + 20) + 1);
		want.len = strlen(want.buf);
	}
	sort_lines(&want);
	sort_lines(&got);
	ck_assert_msg(strstr(want.buf, "/usr/bin/vt-alpha\n") != NULL, "%s", want.buf);
	ck_assert_str_eq(got.buf, want.buf);

	pkg_list_release(&l);
	strbuf_release(&def);
	strbuf_release(&want);
	strbuf_release(&got);
	strbuf_release(&db);
	th_rm_rf(dir);
	free(dir);
	free(top);
	free(root);
	free(dbfile);
}
END_TEST


/* Three packages (the middle one a gpg-pubkey), the last too big for a page. */
static void three_blobs(struct strbuf *blobs)
{
	struct th_hent key[] = { TH_STR(1000, "gpg-pubkey"), TH_STR(1001, "fd431d51"), TH_STR(1002, "4ae0493b") };

	th_rpm_header_full(&blobs[0], "libuuid", 0);
	th_rpm_header(&blobs[1], key, 3, 0);
	th_rpm_header_full(&blobs[2], "libblkid", 70000);
}

static const char want_three[] =
	"libuuid|7:2.32.1-42.el8_8|x86_64|util-linux|2.32.1-42.el8_8|BSD|Red Hat, Inc.|var/lib/rpm/Packages\n"
	"libblkid|7:2.32.1-42.el8_8|x86_64|util-linux|2.32.1-42.el8_8|BSD%s|Red Hat, Inc.|var/lib/rpm/Packages\n";

static void want_text(struct strbuf *want)
{
	struct strbuf pad = STRBUF_INIT;
	size_t i;

	for (i = 0; i < 70000; i++)
		strbuf_addch(&pad, ' ');
	strbuf_reset(want);
	strbuf_addf(want, want_three, pad.buf);
	strbuf_release(&pad);
}

START_TEST(bdb_layouts)
{
	static const unsigned sizes[] = { 512, 4096, 65536 };
	struct strbuf blobs[3] = { STRBUF_INIT, STRBUF_INIT, STRBUF_INIT };
	struct strbuf db = STRBUF_INIT, got = STRBUF_INIT, want = STRBUF_INIT;
	int be;
	size_t s, i;

	three_blobs(blobs);
	want_text(&want);
	for (be = 0; be < 2; be++) {
		for (s = 0; s < 3; s++) {
			th_rpm_bdb(&db, be, sizes[s], blobs, 3);
			ck_assert_msg(th_rpm_parse_copy(db.buf, db.len, &got) == 2, "%s-endian, %u-byte pages: %s",
				      be ? "big" : "little", sizes[s], err_last());
			ck_assert_str_eq(got.buf, want.buf);
		}
	}
	/* Small headers sit on the hash page itself (4096-byte pages: the
	 * gpg-pubkey), and enough of them fill a page and chain a second. */
	for (i = 0; i < 3; i++)
		strbuf_release(&blobs[i]);
	{
		struct strbuf many[40];

		for (i = 0; i < 40; i++) {
			strbuf_init(&many[i], 0);
			th_rpm_header_full(&many[i], "p", 0);
		}
		th_rpm_bdb(&db, 1, 4096, many, 40);
		ck_assert_int_eq(th_rpm_parse_copy(db.buf, db.len, NULL), 40);
		ck_assert_uint_gt(db.len, 3 * 4096); /* a bucket needed a second page */
		for (i = 0; i < 40; i++)
			strbuf_release(&many[i]);
	}
	strbuf_release(&db);
	strbuf_release(&got);
	strbuf_release(&want);
}
END_TEST

START_TEST(bdb_loops_refused)
{
	struct strbuf blobs[3] = { STRBUF_INIT, STRBUF_INIT, STRBUF_INIT }, db = STRBUF_INIT;
	struct pkg_list l = { NULL, 0, 0 };
	size_t i, last;

	three_blobs(blobs);
	th_rpm_bdb(&db, 0, 512, blobs, 3);
	last = db.len / 512 - 1;
	/* The last chain's next-to-last page points back to its first page. */
	for (i = last; i > 0 && db.buf[i * 512 + 25] == 7 && (db.buf[i * 512 + 12] || db.buf[i * 512 + 13]); i--)
		;
	ck_assert_uint_lt(i + 2, last);
	db.buf[(last - 1) * 512 + 16] = (char)i;
	db.buf[(last - 1) * 512 + 17] = (char)(i >> 8);
	ck_assert_int_eq(pkgdb_rpm_bdb(&l, "Packages", db.buf, db.len), ERR_PARSE);
	ck_assert_msg(strstr(err_last(), "reached twice"), "%s", err_last());
	/* A hash page that chains to itself. */
	th_rpm_bdb(&db, 0, 512, blobs, 3);
	db.buf[512 + 16] = 1;
	ck_assert_int_eq(pkgdb_rpm_bdb(&l, "Packages", db.buf, db.len), ERR_PARSE);
	ck_assert_msg(strstr(err_last(), "hash page 1 is reached twice"), "%s", err_last());
	ck_assert_uint_eq(l.n, 0);
	for (i = 0; i < 3; i++)
		strbuf_release(&blobs[i]);
	strbuf_release(&db);
}
END_TEST

START_TEST(ndb_layouts_and_damage)
{
	struct strbuf blobs[3] = { STRBUF_INIT, STRBUF_INIT, STRBUF_INIT };
	struct strbuf db = STRBUF_INIT, got = STRBUF_INIT, want = STRBUF_INIT;
	struct pkg_list l = { NULL, 0, 0 };
	size_t i, slot;

	three_blobs(blobs);
	want_text(&want);
	for (i = 1; i <= 3; i += 2) {
		th_rpm_ndb(&db, (unsigned)i, blobs, 3);
		ck_assert_msg(th_rpm_parse_copy(db.buf, db.len, &got) == 2, "%zu slot pages: %s", i, err_last());
		ck_assert_str_eq(got.buf, want.buf);
	}
	th_rpm_ndb(&db, 1, blobs, 3);
	slot = 4096 - 16; /* package 1's slot */
	db.buf[slot + 8] = db.buf[slot + 9] = 0; /* freed, but its blob is still there */
	ck_assert_int_eq(pkgdb_rpm_ndb(&l, "Packages.db", db.buf, db.len), ERR_PARSE);
	ck_assert_msg(strstr(err_last(), "a blob at block 256 has no slot"), "%s", err_last());

	th_rpm_ndb(&db, 1, blobs, 3);
	db.buf[4096 - 32 + 8] = 0; /* package 2 moved onto package 1 */
	db.buf[4096 - 32 + 9] = 1;
	ck_assert_int_eq(pkgdb_rpm_ndb(&l, "Packages.db", db.buf, db.len), ERR_PARSE);
	ck_assert_msg(strstr(err_last(), "overlap"), "%s", err_last());

	th_rpm_ndb(&db, 1, blobs, 3);
	db.buf[4096 + 40] ^= 1; /* a byte of package 1's header */
	ck_assert_int_eq(pkgdb_rpm_ndb(&l, "Packages.db", db.buf, db.len), ERR_PARSE);
	ck_assert_msg(strstr(err_last(), "package 1: blob checksum mismatch"), "%s", err_last());

	th_rpm_ndb(&db, 1, blobs, 3);
	db.buf[4096 + 4] = 9; /* blob head names another package */
	ck_assert_int_eq(pkgdb_rpm_ndb(&l, "Packages.db", db.buf, db.len), ERR_PARSE);
	ck_assert_msg(strstr(err_last(), "no blob head"), "%s", err_last());

	th_rpm_ndb(&db, 1, blobs, 3);
	db.buf[4] = 1;
	ck_assert_int_eq(pkgdb_rpm_ndb(&l, "Packages.db", db.buf, db.len), ERR_UNSUPPORTED);
	th_rpm_ndb(&db, 1, blobs, 3);
	db.buf[12] = 100; /* slot pages past the end */
	ck_assert_int_eq(pkgdb_rpm_ndb(&l, "Packages.db", db.buf, db.len), ERR_PARSE);
	th_rpm_ndb(&db, 1, blobs, 3);
	memcpy(db.buf + 48, "Slop", 4);
	ck_assert_int_eq(pkgdb_rpm_ndb(&l, "Packages.db", db.buf, db.len), ERR_PARSE);
	ck_assert_msg(strstr(err_last(), "no 'Slot' magic"), "%s", err_last());
	ck_assert_uint_eq(l.n, 0);

	for (i = 0; i < 3; i++)
		strbuf_release(&blobs[i]);
	strbuf_release(&db);
	strbuf_release(&got);
	strbuf_release(&want);
}
END_TEST

Suite *rpmdb_formats_suite(void)
{
	Suite *s = suite_create("rpmdb-formats");
	TCase *tc = tcase_create("rpmdb-formats");

	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, bdb_layouts);
	tcase_add_test(tc, bdb_loops_refused);
	tcase_add_test(tc, ndb_layouts_and_damage);
	tcase_add_test(tc, sqlite_synthetic);
	if (th_have_tool("sqlite_made_by_rpm", "rpm") && th_have_tool("sqlite_made_by_rpm", "rpmbuild"))
		tcase_add_test(tc, sqlite_made_by_rpm);
	suite_add_tcase(s, tc);
	return s;
}
