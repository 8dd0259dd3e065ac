/*
 * rpm databases: the upstream test databases (NDB from go-rpmdb with its
 * expected list, Berkeley DB from go-rpmdb, syft and osv-scalibr), SQLite
 * databases made here by Debian's rpm and compared with what rpm -qa says,
 * header blobs built by hand, and damaged copies of all of them.
 */
#include <check.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/err.h"
#include "core/strbuf.h"
#include "scan/pkgdb_rpm.h"
#include "th.h"
#include "th_rpm.h"

/* ---- header blobs ---- */

static const unsigned char epoch7[4] = { 0, 0, 0, 7 };

static void set32(struct strbuf *sb, size_t off, uint32_t v)
{
	sb->buf[off] = (char)(v >> 24);
	sb->buf[off + 1] = (char)(v >> 16);
	sb->buf[off + 2] = (char)(v >> 8);
	sb->buf[off + 3] = (char)v;
}

/* Decode and expect a parse error whose message contains want. */
static void expect_bad(const struct strbuf *blob, const char *want)
{
	struct pkg p;
	int rc = rpm_header_decode((const unsigned char *)blob->buf, blob->len, &p);

	ck_assert_msg(rc == ERR_PARSE, "expected a parse error about '%s', got %d (%s)", want, rc, err_last());
	ck_assert_msg(strstr(err_last(), want), "message '%s' does not say '%s'", err_last(), want);
	ck_assert_ptr_null(p.name);
	ck_assert_ptr_null(p.version);
}

START_TEST(header_fields)
{
	struct strbuf b = STRBUF_INIT, m = STRBUF_INIT;
	struct pkg p;
	struct th_hent plain[] = { TH_STR(1000, "libuuid"), TH_STR(1001, "2.32.1"), TH_STR(1002, "42.el8_8"),
				TH_STR(1011, ""), TH_STR(1014, "J\xf6rg and J\xc3\xb6rg"),
				TH_STR(1044, "x-y-1.0-2.nosrc.rpm") };
	struct th_hent odd_src[] = { TH_STR(1000, "a"), TH_STR(1001, "1"), TH_STR(1002, "1"), TH_STR(1044, "nodashes.src.rpm") };

	th_rpm_header_full(&b, "libuuid", 0);
	ck_assert_int_eq(rpm_header_decode((const unsigned char *)b.buf, b.len, &p), 0);
	ck_assert_str_eq(p.type, PKG_RPM);
	ck_assert_str_eq(p.name, "libuuid");
	ck_assert_str_eq(p.version, "7:2.32.1-42.el8_8");
	ck_assert_str_eq(p.arch, "x86_64");
	ck_assert_str_eq(p.source_name, "util-linux");
	ck_assert_str_eq(p.source_version, "2.32.1-42.el8_8");
	ck_assert_str_eq(p.license, "BSD");
	ck_assert_str_eq(p.vendor, "Red Hat, Inc.");
	ck_assert_ptr_null(p.path);
	pkg_release(&p);

	/* As in a .rpm file: header magic and reserved bytes first. */
	strbuf_add(&m, "\x8e\xad\xe8\x01\0\0\0\0", 8);
	strbuf_add(&m, b.buf, b.len);
	ck_assert_int_eq(rpm_header_decode((const unsigned char *)m.buf, m.len, &p), 0);
	ck_assert_str_eq(p.version, "7:2.32.1-42.el8_8");
	pkg_release(&p);

	/* No epoch, no arch, empty vendor, Latin-1 next to UTF-8, .nosrc.rpm. */
	th_rpm_header(&b, plain, sizeof(plain) / sizeof(plain[0]), 0);
	ck_assert_int_eq(rpm_header_decode((const unsigned char *)b.buf, b.len, &p), 0);
	ck_assert_str_eq(p.version, "2.32.1-42.el8_8");
	ck_assert_ptr_null(p.arch);
	ck_assert_ptr_null(p.vendor);
	ck_assert_str_eq(p.license, "J\xc3\xb6rg and J\xc3\xb6rg");
	ck_assert_str_eq(p.source_name, "x-y");
	ck_assert_str_eq(p.source_version, "1.0-2");
	pkg_release(&p);

	/* A source rpm name without name-version-release leaves the source unset. */
	th_rpm_header(&b, odd_src, 4, 1);
	ck_assert_int_eq(rpm_header_decode((const unsigned char *)b.buf, b.len, &p), 0);
	ck_assert_str_eq(p.version, "1-1");
	ck_assert_ptr_null(p.source_name);
	ck_assert_ptr_null(p.source_version);
	pkg_release(&p);
	strbuf_release(&b);
	strbuf_release(&m);
}
END_TEST

START_TEST(header_rejects_what_is_wrong)
{
	struct strbuf b = STRBUF_INIT;
	struct th_hent noname[] = { TH_STR(1001, "1"), TH_STR(1002, "1") };
	struct th_hent intname[] = { { 1000, 4, 1, epoch7, 4 }, TH_STR(1001, "1"), TH_STR(1002, "1") };
	struct th_hent strepoch[] = { TH_STR(1000, "a"), TH_STR(1001, "1"), TH_STR(1002, "1"), TH_STR(1003, "7") };
	struct th_hent unterminated[] = { TH_STR(1001, "1"), TH_STR(1002, "1"), { 1000, 6, 1, "abc", 3 } };
	size_t e3;

	strbuf_add(&b, "\0\0\0\1", 4);
	expect_bad(&b, "too short");
	strbuf_reset(&b);
	strbuf_add(&b, "\0\0\0\0\0\0\0\0", 8);
	expect_bad(&b, "0 index entries");
	th_rpm_header_full(&b, "x", 0);
	set32(&b, 0, 0x10000);
	expect_bad(&b, "65536 index entries");
	th_rpm_header_full(&b, "x", 0);
	strbuf_addch(&b, 0);
	expect_bad(&b, "but the blob has");
	th_rpm_header_full(&b, "x", 0);
	strbuf_setlen(&b, b.len - 1);
	expect_bad(&b, "but the blob has");

	/* Entry 4 is the EPOCH (entry 0 is the region). */
	e3 = 8 + 4 * 16;
	th_rpm_header_full(&b, "x", 0);
	set32(&b, e3 + 4, 10);
	expect_bad(&b, "unknown type 10");
	th_rpm_header_full(&b, "x", 0);
	set32(&b, e3 + 8, 0x7ffffff0);
	expect_bad(&b, "past the");
	th_rpm_header_full(&b, "x", 0);
	set32(&b, e3 + 8, 1);
	expect_bad(&b, "not aligned");
	th_rpm_header_full(&b, "x", 0);
	set32(&b, e3 + 12, 0x40000000);
	expect_bad(&b, "run past");
	th_rpm_header_full(&b, "x", 0);
	set32(&b, 8 + 16 + 12, 2); /* NAME with two strings */
	expect_bad(&b, "string with count 2");
	th_rpm_header_full(&b, "x", 0);
	set32(&b, 8 + 12, 15); /* region count */
	expect_bad(&b, "region tag 63");
	th_rpm_header_full(&b, "x", 0);
	set32(&b, b.len - 16, 1000); /* trailer tag */
	expect_bad(&b, "region trailer has tag");
	th_rpm_header_full(&b, "x", 0);
	set32(&b, b.len - 8, (uint32_t)-(int32_t)(20 * 16)); /* trailer points before the index */
	expect_bad(&b, "does not point back");

	th_rpm_header(&b, noname, 2, 0);
	expect_bad(&b, "no NAME");
	th_rpm_header(&b, intname, 3, 0);
	expect_bad(&b, "NAME (tag 1000) has type 4");
	th_rpm_header(&b, strepoch, 4, 0);
	expect_bad(&b, "EPOCH has type 6");
	th_rpm_header(&b, unterminated, 3, 1);
	expect_bad(&b, "not terminated");
	strbuf_release(&b);
}
END_TEST

/* Every truncation is refused; so is a flip of any bit of the counts, or of
 * the high bit of any entry's type, offset or count; no flip crashes. */
START_TEST(header_truncated_and_flipped)
{
	struct strbuf b = STRBUF_INIT;
	unsigned char *copy;
	struct pkg p;
	size_t len, i, bit, il;
	int rc, field;

	th_rpm_header_full(&b, "libuuid", 0);
	for (len = 0; len < b.len; len++) {
		copy = malloc(len + 1);
		memcpy(copy, b.buf, len);
		ck_assert_int_eq(rpm_header_decode(copy, len, &p), ERR_PARSE);
		free(copy);
	}
	copy = malloc(b.len);
	for (bit = 0; bit < 64; bit++) {
		memcpy(copy, b.buf, b.len);
		copy[bit / 8] ^= (unsigned char)(0x80 >> (bit % 8));
		ck_assert_msg(rpm_header_decode(copy, b.len, &p) == ERR_PARSE, "flip of count bit %zu accepted", bit);
	}
	il = 9;
	for (i = 0; i < il; i++) {
		for (field = 1; field < 4; field++) {
			memcpy(copy, b.buf, b.len);
			copy[8 + i * 16 + (size_t)field * 4] ^= 0x80;
			ck_assert_msg(rpm_header_decode(copy, b.len, &p) == ERR_PARSE, "entry %zu field %d: %s", i, field,
				      err_last());
		}
	}
	for (bit = 0; bit < b.len * 8; bit++) {
		memcpy(copy, b.buf, b.len);
		copy[bit / 8] ^= (unsigned char)(1u << (bit % 8));
		rc = rpm_header_decode(copy, b.len, &p);
		ck_assert_msg(rc == 0 || rc == ERR_PARSE, "bit %zu: %d", bit, rc);
		if (rc == 0) {
			ck_assert_ptr_nonnull(p.name);
			ck_assert_ptr_nonnull(p.version);
			pkg_release(&p);
		}
	}
	free(copy);
	strbuf_release(&b);
}
END_TEST

/* ---- the upstream databases ---- */

static void read_data(const char *rel, struct strbuf *sb)
{
	char *path = th_data_path(rel);

	th_read(path, sb);
	free(path);
}

static const struct pkg *only_package(const struct pkg_list *l)
{
	ck_assert_uint_eq(l->n, 1);
	return &l->v[0];
}

START_TEST(ndb_sle15_matches_go_rpmdb)
{
	struct strbuf db = STRBUF_INIT, tsv = STRBUF_INIT, want = STRBUF_INIT;
	struct pkg_list l = { NULL, 0, 0 };
	char *line, *save = NULL, *f[6];
	size_t row = 0, k;
	int rc;

	read_data("pkgdb/rpm/sle15-bci-Packages.db", &db);
	read_data("pkgdb/expected/sle15-bci-Packages.db.packages.tsv", &tsv);
	rc = pkgdb_rpm_ndb(&l, "usr/lib/sysimage/rpm/Packages.db", db.buf, db.len);
	ck_assert_msg(rc == 35, "rc %d: %s", rc, err_last());
	line = strtok_r(tsv.buf, "\n", &save);
	ck_assert_str_eq(line, "name\tepoch\tversion\trelease\tarch\tsourcerpm");
	while ((line = strtok_r(NULL, "\n", &save))) {
		const struct pkg *p;

		f[0] = line;
		for (k = 1; k < 6; k++) {
			f[k] = strchr(f[k - 1], '\t');
			ck_assert_ptr_nonnull(f[k]);
			*f[k]++ = 0;
		}
		ck_assert_uint_lt(row, l.n);
		p = &l.v[row++];
		strbuf_reset(&want);
		if (*f[1])
			strbuf_addf(&want, "%s:", f[1]);
		strbuf_addf(&want, "%s-%s", f[2], f[3]);
		ck_assert_str_eq(p->name, f[0]);
		ck_assert_str_eq(p->version, want.buf);
		ck_assert_str_eq(p->arch, f[4]);
		strbuf_reset(&want);
		strbuf_addf(&want, "%s-%s.src.rpm", p->source_name, p->source_version);
		ck_assert_str_eq(want.buf, f[5]);
		ck_assert_str_eq(p->vendor, "SUSE LLC <https://www.suse.com/>");
		ck_assert_str_eq(p->path, "usr/lib/sysimage/rpm/Packages.db");
	}
	ck_assert_uint_eq(row, 35);
	ck_assert_uint_eq(l.n, 35);
	/* Spot checks of what the TSV does not list. */
	ck_assert_str_eq(l.v[2].license,
			 "LGPL-2.1-or-later AND LGPL-2.1-or-later WITH GCC-exception-2.0 AND GPL-2.0-or-later");
	ck_assert_str_eq(l.v[2].source_name, "glibc");
	ck_assert_str_eq(l.v[2].source_version, "2.31-9.3.2");
	pkg_list_release(&l);
	strbuf_release(&db);
	strbuf_release(&tsv);
	strbuf_release(&want);
}
END_TEST

START_TEST(bdb_ubi8_libuuid)
{
	struct strbuf db = STRBUF_INIT;
	struct pkg_list l = { NULL, 0, 0 };
	const struct pkg *p;

	read_data("pkgdb/rpm/ubi8-libuuid-Packages.bdb", &db);
	ck_assert_int_eq(pkgdb_rpm_bdb(&l, "var/lib/rpm/Packages", db.buf, db.len), 1);
	p = only_package(&l);
	ck_assert_str_eq(p->type, PKG_RPM);
	ck_assert_str_eq(p->name, "libuuid");
	ck_assert_str_eq(p->version, "2.32.1-42.el8_8");
	ck_assert_str_eq(p->arch, "x86_64");
	ck_assert_str_eq(p->source_name, "util-linux");
	ck_assert_str_eq(p->source_version, "2.32.1-42.el8_8");
	ck_assert_str_eq(p->license, "BSD");
	ck_assert_str_eq(p->vendor, "Red Hat, Inc.");
	ck_assert_str_eq(p->path, "var/lib/rpm/Packages");
	pkg_list_release(&l);
	strbuf_release(&db);
}
END_TEST

START_TEST(bdb_syft_dive)
{
	struct strbuf db = STRBUF_INIT;
	struct pkg_list l = { NULL, 0, 0 };
	const struct pkg *p;

	read_data("pkgdb/rpm/syft-dive-Packages.bdb", &db);
	ck_assert_int_eq(pkgdb_rpm_bdb(&l, "var/lib/rpm/Packages", db.buf, db.len), 1);
	p = only_package(&l);
	ck_assert_str_eq(p->name, "dive");
	ck_assert_str_eq(p->version, "0.9.2-1");
	ck_assert_str_eq(p->arch, "x86_64");
	ck_assert_str_eq(p->source_name, "dive");
	ck_assert_str_eq(p->source_version, "0.9.2-1");
	ck_assert_str_eq(p->license, "MIT");
	ck_assert_ptr_null(p->vendor); /* an empty string in the header */
	pkg_list_release(&l);
	strbuf_release(&db);
}
END_TEST

/* osv-scalibr's Packages_epoch: hello, Epoch 1, 0.0.1-rls, x86_64, GPL,
 * hello-0.0.1-rls.src.rpm, no vendor (its rpm_test.go). */
START_TEST(bdb_scalibr_epoch)
{
	struct strbuf db = STRBUF_INIT;
	struct pkg_list l = { NULL, 0, 0 };
	const struct pkg *p;

	read_data("pkgdb/rpm/scalibr-Packages_epoch.bdb", &db);
	ck_assert_int_eq(pkgdb_rpm_bdb(&l, "var/lib/rpm/Packages", db.buf, db.len), 1);
	p = only_package(&l);
	ck_assert_str_eq(p->name, "hello");
	ck_assert_str_eq(p->version, "1:0.0.1-rls");
	ck_assert_str_eq(p->arch, "x86_64");
	ck_assert_str_eq(p->source_name, "hello");
	ck_assert_str_eq(p->source_version, "0.0.1-rls");
	ck_assert_str_eq(p->license, "GPL");
	ck_assert_ptr_null(p->vendor);
	pkg_list_release(&l);
	strbuf_release(&db);
}
END_TEST

struct damage_case {
	const char *file;
	int want;
	size_t trunc_step, flip_step;
	int checksummed; /* NDB: a flip is refused or changes nothing read */
};

static const struct damage_case damage[] = {
	{ "pkgdb/rpm/sle15-bci-Packages.db", 35, 8191, 883, 1 },
	{ "pkgdb/rpm/ubi8-libuuid-Packages.bdb", 1, 97, 13, 0 },
	{ "pkgdb/rpm/syft-dive-Packages.bdb", 1, 31, 3, 0 },
	{ "pkgdb/rpm/scalibr-Packages_epoch.bdb", 1, 37, 3, 0 },
};

START_TEST(databases_truncated_and_flipped)
{
	const struct damage_case *d = &damage[_i];
	struct strbuf db = STRBUF_INIT, base = STRBUF_INIT, got = STRBUF_INIT;
	size_t len, pos, fails = 0, tries = 0;
	int rc;

	read_data(d->file, &db);
	ck_assert_int_eq(th_rpm_parse_copy(db.buf, db.len, &base), d->want);
	/* The last blob / page ends at the end of each of these files. */
	for (len = 0; len < db.len; len += len < 64 ? 1 : d->trunc_step) {
		rc = th_rpm_parse_copy(db.buf, len, NULL);
		ck_assert_msg(rc == ERR_PARSE, "%s cut to %zu: %d %s", d->file, len, rc, err_last());
	}
	for (pos = 0; pos < db.len; pos += d->flip_step) {
		db.buf[pos] ^= (char)(1u << (pos % 8));
		rc = th_rpm_parse_copy(db.buf, db.len, &got);
		db.buf[pos] ^= (char)(1u << (pos % 8));
		tries++;
		if (rc < 0) {
			ck_assert_msg(rc == ERR_PARSE || rc == ERR_UNSUPPORTED, "%s flip at %zu: %d", d->file, pos, rc);
			fails++;
			continue;
		}
		/* A flip the format cannot see (a letter of a string, free
		 * space) still gives every package. */
		ck_assert_msg(rc == d->want, "%s flip at %zu: %d packages", d->file, pos, rc);
		if (d->checksummed)
			ck_assert_msg(!strcmp(got.buf, base.buf), "%s flip at %zu changed what was read", d->file, pos);
	}
	ck_assert_uint_gt(fails, 0);
	strbuf_release(&db);
	strbuf_release(&base);
	strbuf_release(&got);
}
END_TEST

/* Structural fields of a Berkeley DB file: each damaged one is refused. */
START_TEST(bdb_structure_is_checked)
{
	static const struct {
		size_t off;
		uint32_t xor;
		const char *want;
	} cases[] = {
		{ 12, 0x01, "not a Berkeley DB hash" },
		{ 16, 0x08, "hash version" },
		{ 20, 0x01, "page size" },
		{ 24, 0x01, "encrypted" },
		{ 26, 0x01, "checksums" },
		{ 32, 0x40, "past the end" },
		{ 72, 0x40, "buckets cannot fit" },
		{ 96, 0x03, "page 2 is reached twice" },		/* spares[0]: bucket 0 on page 2 too */
		{ 4096 + 8, 0x01, "says it is page" },			/* hash page number */
		{ 4096 + 20, 0x02, "free-space offset" },		/* item count 2 -> 0 */
		{ 4096 + 22, 0x01, "free-space offset" },		/* high free offset */
		{ 2 * 4096 + 20, 0x04, "free-space offset" },		/* item count 2 -> 6 */
		{ 2 * 4096 + 4092, 0x01, "record 0 is not" },		/* libuuid's key 1 -> 0 */
		{ 2 * 4096 + 4079 + 4, 0x02, "reached twice" },	/* first overflow page 3 -> 1 */
		{ 2 * 4096 + 4079 + 8, 0x01, "overflow chain ends" },	/* total length + 1 */
		{ 3 * 4096 + 25, 0x01, "page type 6" },		/* overflow page type */
		{ 3 * 4096 + 22, 0x01, "overflow page 3 holds" },	/* bytes on the page */
		{ 3 * 4096 + 19, 0x80, "outside pages" },		/* next page */
		{ 3 * 4096 + 4000, 0x00, "" },				/* control: undamaged */
	};
	struct strbuf db = STRBUF_INIT;
	struct pkg_list l = { NULL, 0, 0 };
	size_t i;
	int rc;

	read_data("pkgdb/rpm/ubi8-libuuid-Packages.bdb", &db);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		db.buf[cases[i].off] ^= (char)cases[i].xor;
		rc = pkgdb_rpm_bdb(&l, "Packages", db.buf, db.len);
		db.buf[cases[i].off] ^= (char)cases[i].xor;
		if (!cases[i].xor) {
			ck_assert_int_eq(rc, 1);
			pkg_list_release(&l);
			continue;
		}
		ck_assert_msg(rc < 0 && strstr(err_last(), cases[i].want), "case %zu: rc %d, '%s', expected '%s'", i, rc,
			      err_last(), cases[i].want);
		ck_assert_uint_eq(l.n, 0);
	}
	strbuf_release(&db);
}
END_TEST

START_TEST(formats_are_told_apart)
{
	static const char *const files[] = { "pkgdb/rpm/sle15-bci-Packages.db", "pkgdb/rpm/ubi8-libuuid-Packages.bdb" };
	struct strbuf db = STRBUF_INIT;
	struct pkg_list l = { NULL, 0, 0 };
	size_t i;

	for (i = 0; i < 2; i++) {
		strbuf_reset(&db);
		read_data(files[i], &db);
		ck_assert_int_eq(th_rpm_parse_copy(db.buf, db.len, NULL), i == 0 ? 35 : 1);
		ck_assert_int_eq(pkgdb_rpm_sqlite(&l, "p", db.buf, db.len), ERR_PARSE);
		ck_assert_int_eq(i == 0 ? pkgdb_rpm_bdb(&l, "p", db.buf, db.len) : pkgdb_rpm_ndb(&l, "p", db.buf, db.len),
				 ERR_PARSE);
		ck_assert_uint_eq(l.n, 0);
	}
	ck_assert_int_eq(th_rpm_parse_copy("", 0, NULL), ERR_PARSE);
	ck_assert_int_eq(th_rpm_parse_copy("hello, not a database at all", 28, NULL), ERR_PARSE);
	ck_assert_msg(strstr(err_last(), "not an rpm database"), "%s", err_last());
	strbuf_release(&db);
}
END_TEST

START_TEST(db_paths)
{
	static const char *const yes[] = { "var/lib/rpm/Packages", "var/lib/rpm/Packages.db", "var/lib/rpm/rpmdb.sqlite",
					   "usr/lib/sysimage/rpm/Packages", "usr/lib/sysimage/rpm/Packages.db",
					   "usr/lib/sysimage/rpm/rpmdb.sqlite", "/var/lib/rpm/Packages",
					   "./usr/lib/sysimage/rpm/rpmdb.sqlite" };
	static const char *const no[] = { "var/lib/rpm/Name", "var/lib/rpm", "var/lib/rpm/", "xvar/lib/rpm/Packages",
					  "var/lib/rpm/Packages.bak", "var/lib/rpm/rpmdb.sqlite-wal",
					  "usr/lib/sysimage/rpm/", "usr/lib/rpm/Packages", "Packages", "" };
	size_t i;

	for (i = 0; i < sizeof(yes) / sizeof(yes[0]); i++)
		ck_assert_msg(pkgdb_rpm_is_db_path(yes[i]) == 1, "%s", yes[i]);
	for (i = 0; i < sizeof(no) / sizeof(no[0]); i++)
		ck_assert_msg(pkgdb_rpm_is_db_path(no[i]) == 0, "%s", no[i]);
}
END_TEST

Suite *rpmdb_suite(void)
{
	Suite *s = suite_create("rpmdb");
	TCase *tc = tcase_create("rpmdb");

	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, header_fields);
	tcase_add_test(tc, header_rejects_what_is_wrong);
	tcase_add_test(tc, header_truncated_and_flipped);
	tcase_add_test(tc, db_paths);
	if (th_have_data("ndb_sle15_matches_go_rpmdb", "pkgdb/rpm")) {
		tcase_add_test(tc, ndb_sle15_matches_go_rpmdb);
		tcase_add_test(tc, bdb_ubi8_libuuid);
		tcase_add_test(tc, bdb_syft_dive);
		tcase_add_test(tc, bdb_scalibr_epoch);
		tcase_add_loop_test(tc, databases_truncated_and_flipped, 0, (int)(sizeof(damage) / sizeof(damage[0])));
		tcase_add_test(tc, bdb_structure_is_checked);
		tcase_add_test(tc, formats_are_told_apart);
	}
	suite_add_tcase(s, tc);
	return s;
}
