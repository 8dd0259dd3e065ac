/*
 * Vulnerability matching: OSV range semantics per ecosystem on records the
 * test writes (introduced, fixed, last_affected, limit, versions lists,
 * SEMVER, PyPI names, npm scopes, Go, Maven, Debian source packages, RPM
 * epochs and module streams, Ubuntu Pro), grouping by alias, the order of
 * severity sources, the KEV/EPSS/SSVC joins, coverage gaps, and the Debian
 * 12 records against a real Debian 12 dpkg status, checked against
 * 'dpkg --compare-versions' by tests/lib/osv_expect.py.
 */
#include <check.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/jsonx.h"
#include "core/strbuf.h"
#include "scan/pkg.h"
#include "th.h"
#include "vulndb/cvss.h"
#include "vulndb/vulndb.h"

static char *pathf(const char *dir, const char *rel)
{
	struct strbuf p = STRBUF_INIT;

	strbuf_addf(&p, "%s/%s", dir, rel);
	return strbuf_detach(&p, NULL);
}

/* A record the test writes: id, the affected array and extra top-level members (JSON text). */
struct rec {
	const char *id, *affected, *extra;
};

#define AFF(eco, name, ranges) "{\"package\": {\"ecosystem\": \"" eco "\", \"name\": \"" name "\"}, " ranges "}"
#define RANGE(type, events) "\"ranges\": [{\"type\": \"" type "\", \"events\": [" events "]}]"
#define INTRO(v) "{\"introduced\": \"" v "\"}"
#define FIXED(v) "{\"fixed\": \"" v "\"}"
#define LAST(v) "{\"last_affected\": \"" v "\"}"
#define LIMIT(v) "{\"limit\": \"" v "\"}"

static const struct rec records[] = {
	/* npm, SEMVER: two ranges, one closed by last_affected, and a versions list. */
	{ "GHSA-npm1", "[" AFF("npm", "@acme/widget",
			       "\"ranges\": [{\"type\": \"SEMVER\", \"events\": [" INTRO("1.0.0") "," FIXED("1.2.3") "]},"
			       "{\"type\": \"SEMVER\", \"events\": [" INTRO("2.0.0") "," LAST("2.1.0") "]}],"
			       "\"versions\": [\"0.9.0\"]") "]",
	  NULL },
	/* A limit closes the range. */
	{ "GHSA-npm2", "[" AFF("npm", "limited", RANGE("SEMVER", INTRO("0") "," LIMIT("3.0.0"))) "]", NULL },
	/* PyPI: a normalised name, PEP 440 post-releases; two records of one CVE. */
	{ "PYSEC-2024-1", "[" AFF("PyPI", "foo-bar", RANGE("ECOSYSTEM", INTRO("0") "," FIXED("1.0.post1"))) "]",
	  "\"aliases\": [\"CVE-2024-0001\", \"GHSA-aaaa-bbbb-cccc\"]" },
	{ "GHSA-aaaa-bbbb-cccc", "[" AFF("PyPI", "Foo_Bar", RANGE("ECOSYSTEM", INTRO("0.5") "," FIXED("1.0.post2"))) "]",
	  "\"aliases\": [\"CVE-2024-0001\"], \"severity\": [{\"type\": \"CVSS_V3\", \"score\": "
	  "\"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N/\"}]" },
	/* A range whose fixed version PEP 440 cannot read. */
	{ "PYSEC-2024-2", "[" AFF("PyPI", "weird", RANGE("ECOSYSTEM", INTRO("0") "," FIXED("1.0!!"))) "]", NULL },
	/* Go: SEMVER without the v, and the standard library. */
	{ "GO-2024-1", "[" AFF("Go", "golang.org/x/net", RANGE("SEMVER", INTRO("0") "," FIXED("0.23.0"))) ","
			    AFF("Go", "stdlib", RANGE("SEMVER", INTRO("1.21.0-0") "," FIXED("1.21.9"))) "]",
	  NULL },
	/* Maven: group:artifact. */
	{ "GHSA-mvn1", "[" AFF("Maven", "org.example:lib", RANGE("ECOSYSTEM", INTRO("0") "," FIXED("2.0"))) "]", NULL },
	/* Debian: by source package and source version; urgency; epochs are real in dpkg. */
	{ "DEBIAN-CVE-2024-1", "[{\"package\": {\"ecosystem\": \"Debian:12\", \"name\": \"src-a\"}, "
			       RANGE("ECOSYSTEM", INTRO("0") "," FIXED("1.5-2")) ", \"ecosystem_specific\": "
			       "{\"urgency\": \"unimportant\"}}]",
	  "\"aliases\": [\"CVE-2021-3560\"]" },
	{ "DEBIAN-CVE-2024-2", "[" AFF("Debian:12", "src-a", RANGE("ECOSYSTEM", INTRO("0") "," FIXED("1.5-2"))) "]",
	  "\"aliases\": [\"CVE-2021-4034\"]" },
	{ "DEBIAN-CVE-2024-3", "[" AFF("Debian:12", "src-e", RANGE("ECOSYSTEM", INTRO("0") "," FIXED("2.1-1"))) "]",
	  "\"aliases\": [\"CVE-1999-0001\"]" },
	{ "DEBIAN-CVE-2024-4", "[" AFF("Debian:12", "src-e", RANGE("ECOSYSTEM", INTRO("0") "," FIXED("2.1-1"))) "]", NULL },
	/* AlmaLinux: fixed without an epoch; a module stream; the rating in the summary. */
	{ "ALSA-2024:1", "[" AFF("AlmaLinux:9", "glibc", RANGE("ECOSYSTEM", INTRO("0") "," FIXED("2.34-100.el9_4.2"))) ","
			 "{\"package\": {\"ecosystem\": \"AlmaLinux:9\", \"name\": \"nodejs\"}, "
			 RANGE("ECOSYSTEM", INTRO("0") "," FIXED("1:20.10.0-1.module_el9.4.0+101+aa")) ", "
			 "\"ecosystem_specific\": {\"rpm_modularity\": \"nodejs:20\"}}]",
	  "\"summary\": \"Important: glibc and nodejs security update\"" },
	/* Rocky Linux: fixed with an epoch. */
	{ "RLSA-2024:1", "[" AFF("Rocky Linux:9", "openssl", RANGE("ECOSYSTEM", INTRO("0") "," FIXED("1:3.0.7-27.el9"))) "]",
	  "\"summary\": \"Moderate: openssl security update\"" },
	/* Ubuntu: no fix in the LTS, a fix in Pro; the priority. */
	{ "UBUNTU-CVE-2024-1", "[" AFF("Ubuntu:22.04:LTS", "src-u", RANGE("ECOSYSTEM", INTRO("0"))) ","
			       AFF("Ubuntu:Pro:22.04:LTS", "src-u", RANGE("ECOSYSTEM", INTRO("0") "," FIXED("1.0-1ubuntu0.1~esm1")))
			       "]",
	  "\"upstream\": [\"CVE-2024-0002\"], \"severity\": [{\"type\": \"Ubuntu\", \"score\": \"medium\"}]" },
	/* Withdrawn in the future: still in force. */
	{ "GHSA-late", "[" AFF("npm", "later", RANGE("SEMVER", INTRO("0") "," FIXED("1.0.0"))) "]",
	  "\"withdrawn\": \"3001-01-01T00:00:00Z\"" },
};

static void write_records(const char *dir)
{
	size_t i;

	for (i = 0; i < sizeof(records) / sizeof(records[0]); i++) {
		struct strbuf p = STRBUF_INIT, t = STRBUF_INIT;

		strbuf_addf(&p, "%s/r%02zu.json", dir, i);
		strbuf_addf(&t, "{\"id\": \"%s\", \"modified\": \"2024-05-01T00:00:00Z\", \"affected\": %s%s%s}", records[i].id,
			    records[i].affected, records[i].extra ? ", " : "", records[i].extra ? records[i].extra : "");
		th_write(p.buf, t.buf);
		strbuf_release(&p);
		strbuf_release(&t);
	}
}

/* A database of the test's records (plus, when given, shared data: cve5, kev, epss). */
static struct vulndb *fixture_db(const char *dir, int with_feeds)
{
	char *recs = pathf(dir, "recs"), *path = pathf(dir, "v.sqlite");
	struct vulndb_import_stats st;
	struct vulndb *db;

	ck_assert_int_eq(mkdir(recs, 0755), 0);
	write_records(recs);
	ck_assert_int_eq(vulndb_open(&db, path, VULNDB_WRITE), 0);
	ck_assert_int_eq(vulndb_import_osv(db, recs, NULL, &st), 0);
	ck_assert_int_eq((int)st.refused, 0);
	ck_assert_int_eq((int)st.added, (int)(sizeof(records) / sizeof(records[0])));
	if (with_feeds) {
		char *cve = th_data_path("cve5"), *kev = th_data_path("kev/known_exploited_vulnerabilities.json"),
		     *epss = th_data_path("epss/epss_scores-sample-2026-09-29.csv");

		ck_assert_int_eq(vulndb_import_cve(db, cve, NULL, &st), 0);
		ck_assert_int_eq(vulndb_import_kev(db, kev, NULL, &st), 0);
		ck_assert_int_eq(vulndb_import_epss(db, epss, NULL, &st), 0);
		free(cve), free(kev), free(epss);
	}
	free(recs), free(path);
	return db;
}

static void add_pkg(struct pkg_list *l, const char *type, const char *ns, const char *name, const char *version,
		    const char *src, const char *srcver)
{
	struct pkg p;

	memset(&p, 0, sizeof(p));
	p.type = type;
	p.namespace_ = (char *)ns;
	p.name = (char *)name;
	p.version = (char *)version;
	p.source_name = (char *)src;
	p.source_version = (char *)srcver;
	p.path = (char *)"test";
	ck_assert_int_eq(pkg_list_add(l, &p), 0);
}

/* Match pkgs on os (JSON text, or NULL); *matches and *gaps are the caller's. */
static void match(struct vulndb *db, const char *os_text, const struct pkg_list *pkgs, json_t **matches, json_t **gaps)
{
	json_t *os = NULL;

	if (os_text)
		ck_assert_int_eq(jsonx_parse(os_text, strlen(os_text), "os", &os), 0);
	ck_assert_int_ge(vulndb_match_json(db, os, pkgs, matches, gaps), 0);
	json_decref(os);
}

/* "package version advisory fixed severity source" of every match, one a line. */
static void summarise(const json_t *matches, struct strbuf *out)
{
	const json_t *m;
	size_t i;

	json_array_foreach(matches, i, m)
		strbuf_addf(out, "%s %s %s %s %s %s\n", jsonx_strz(m, "package"), jsonx_strz(m, "installed_version"),
			    jsonx_strz(m, "advisory"), jsonx_str(m, "fixed_version") ? jsonx_str(m, "fixed_version") : "-",
			    jsonx_strz(m, "severity"), jsonx_strz(m, "severity_source"));
}

static void gap_lines(const json_t *gaps, struct strbuf *out)
{
	const json_t *g;
	size_t i;

	json_array_foreach(gaps, i, g)
		strbuf_addf(out, "%s|%s|%s|%s\n", jsonx_strz(g, "scope"), jsonx_strz(g, "ecosystem"), jsonx_strz(g, "package"),
			    jsonx_strz(g, "reason"));
}

START_TEST(language_ranges_follow_the_osv_evaluation)
{
	char *dir = th_tmpdir();
	struct vulndb *db = fixture_db(dir, 0);
	struct pkg_list pkgs = { 0 };
	struct strbuf got = STRBUF_INIT, gaps_text = STRBUF_INIT;
	json_t *m, *g;

	add_pkg(&pkgs, PKG_NPM, "acme", "widget", "1.2.2", NULL, NULL);        /* in [1.0.0, 1.2.3) */
	add_pkg(&pkgs, PKG_NPM, "acme", "widget", "1.2.3", NULL, NULL);        /* the fix */
	add_pkg(&pkgs, PKG_NPM, "acme", "widget", "1.2.3-rc.1", NULL, NULL);   /* a prerelease of the fix */
	add_pkg(&pkgs, PKG_NPM, "acme", "widget", "2.1.0", NULL, NULL);        /* last_affected is affected */
	add_pkg(&pkgs, PKG_NPM, "acme", "widget", "2.1.1", NULL, NULL);        /* above it is not */
	add_pkg(&pkgs, PKG_NPM, "acme", "widget", "0.9.0", NULL, NULL);        /* the versions list */
	add_pkg(&pkgs, PKG_NPM, "acme", "widget", "0.5.0", NULL, NULL);        /* below every range */
	add_pkg(&pkgs, PKG_NPM, NULL, "widget", "1.2.2", NULL, NULL);          /* another package: no scope */
	add_pkg(&pkgs, PKG_NPM, NULL, "limited", "2.9.9", NULL, NULL);         /* below the limit */
	add_pkg(&pkgs, PKG_NPM, NULL, "limited", "3.0.0", NULL, NULL);         /* at the limit */
	add_pkg(&pkgs, PKG_NPM, NULL, "later", "0.1.0", NULL, NULL);           /* withdrawn only in 3001 */
	add_pkg(&pkgs, PKG_NPM, NULL, "limited", "not.a.version", NULL, NULL); /* unparseable */
	add_pkg(&pkgs, PKG_NPM, NULL, "no-advisories", "junk", NULL, NULL);    /* unparseable, but nothing to check */
	add_pkg(&pkgs, PKG_PYPI, NULL, "Foo.Bar", "1.0", NULL, NULL);          /* both records of CVE-2024-0001 */
	add_pkg(&pkgs, PKG_PYPI, NULL, "foo_bar", "1.0.post1", NULL, NULL);    /* only the second */
	add_pkg(&pkgs, PKG_PYPI, NULL, "foo-bar", "1.0.post2", NULL, NULL);    /* neither */
	add_pkg(&pkgs, PKG_PYPI, NULL, "weird", "0.1", NULL, NULL);            /* the advisory cannot be read */
	add_pkg(&pkgs, PKG_GO, NULL, "golang.org/x/net", "v0.22.0", NULL, NULL);
	add_pkg(&pkgs, PKG_GO, NULL, "golang.org/x/net", "v0.23.0", NULL, NULL);
	add_pkg(&pkgs, PKG_GO, NULL, "stdlib", "v1.21.3", NULL, NULL);
	add_pkg(&pkgs, PKG_GO, NULL, "stdlib", "v1.20.14", NULL, NULL);
	add_pkg(&pkgs, PKG_MAVEN, "org.example", "lib", "1.9.9", NULL, NULL);
	add_pkg(&pkgs, PKG_MAVEN, "org.example", "lib", "2.0-SNAPSHOT", NULL, NULL);
	match(db, NULL, &pkgs, &m, &g);
	summarise(m, &got);
	ck_assert_str_eq(got.buf,
			 "widget 1.2.2 GHSA-npm1 1.2.3 unknown none\n"
			 "widget 1.2.3-rc.1 GHSA-npm1 1.2.3 unknown none\n"
			 "widget 2.1.0 GHSA-npm1 - unknown none\n"
			 "widget 0.9.0 GHSA-npm1 1.2.3 unknown none\n"
			 "limited 2.9.9 GHSA-npm2 - unknown none\n"
			 "later 0.1.0 GHSA-late 1.0.0 unknown none\n"
			 /* One vulnerability under its smallest id; the later of the two fixes; the CVSS of the advisory
			  * (its trailing '/' forgiven). */
			 "Foo.Bar 1.0 GHSA-aaaa-bbbb-cccc 1.0.post2 high advisory-cvss\n"
			 "foo_bar 1.0.post1 GHSA-aaaa-bbbb-cccc 1.0.post2 high advisory-cvss\n"
			 "golang.org/x/net v0.22.0 GO-2024-1 0.23.0 unknown none\n"
			 "stdlib v1.21.3 GO-2024-1 1.21.9 unknown none\n"
			 "lib 1.9.9 GHSA-mvn1 2.0 unknown none\n"
			 "lib 2.0-SNAPSHOT GHSA-mvn1 2.0 unknown none\n");
	ck_assert_str_eq(jsonx_strz(json_array_get(m, 6), "summary"), "");
	{
		json_t *al = json_object_get(json_array_get(m, 6), "aliases");

		ck_assert_int_eq((int)json_array_size(al), 2);
		ck_assert_str_eq(json_string_value(json_array_get(al, 0)), "CVE-2024-0001");
		ck_assert_str_eq(json_string_value(json_array_get(al, 1)), "PYSEC-2024-1");
		ck_assert_str_eq(jsonx_strz(json_array_get(m, 6), "severity_detail"),
				 "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N/");
		ck_assert(jsonx_num(json_array_get(m, 6), "cvss_score", 0) == 7.5);
	}
	gap_lines(g, &gaps_text);
	ck_assert_str_eq(gaps_text.buf,
			 "package|npm|limited|installed version 'not.a.version' cannot be parsed by the npm rules, so 1 "
			 "advisory record for limited in npm could not be checked\n"
			 "advisory|PyPI|weird|advisory PYSEC-2024-2 for weird cannot be evaluated: '1.0!!' is not a PEP 440 "
			 "version\n");
	json_decref(m), json_decref(g);
	pkg_list_release(&pkgs);
	vulndb_close(db);
	strbuf_release(&got), strbuf_release(&gaps_text);
	th_rm_rf(dir);
	free(dir);
}
END_TEST

START_TEST(distro_packages_by_source_epoch_and_stream)
{
	char *dir = th_tmpdir();
	struct vulndb *db = fixture_db(dir, 0);
	struct pkg_list deb = { 0 }, alma = { 0 }, rocky = { 0 }, ubu = { 0 };
	struct strbuf got = STRBUF_INIT;
	json_t *m, *g;

	/* Debian: the source package and its version decide; a binNMU's +b1 is not the source version. */
	add_pkg(&deb, PKG_DEB, NULL, "liba1", "1.5-1+b1", "src-a", "1.5-1");
	add_pkg(&deb, PKG_DEB, NULL, "liba-dev", "1.5-2", "src-a", "1.5-2");
	add_pkg(&deb, PKG_DEB, NULL, "src-a", "1.4-1", NULL, NULL);
	add_pkg(&deb, PKG_DEB, NULL, "e-bin", "1:2.0-1", "src-e", "1:2.0-1"); /* epoch 1 is above 2.1-1 */
	match(db, "{\"id\": \"debian\", \"version_id\": \"12\"}", &deb, &m, &g);
	summarise(m, &got);
	/* Debian's urgency decides DEBIAN-CVE-2024-1; nothing rates DEBIAN-CVE-2024-2. */
	ck_assert_str_eq(got.buf, "liba1 1.5-1+b1 DEBIAN-CVE-2024-1 1.5-2 info debian\n"
				  "liba1 1.5-1+b1 DEBIAN-CVE-2024-2 1.5-2 unknown none\n"
				  "src-a 1.4-1 DEBIAN-CVE-2024-1 1.5-2 info debian\n"
				  "src-a 1.4-1 DEBIAN-CVE-2024-2 1.5-2 unknown none\n");
	ck_assert_int_eq((int)json_array_size(g), 0);
	json_decref(m), json_decref(g);
	strbuf_reset(&got);
	/* AlmaLinux: a fix without an epoch is compared without the installed epoch (Grype's rule);
	 * a module stream's advisory applies to module builds only. */
	add_pkg(&alma, PKG_RPM, NULL, "glibc", "2:2.34-100.el9_4.1", NULL, NULL);
	add_pkg(&alma, PKG_RPM, NULL, "glibc", "2.34-100.el9_4.2", NULL, NULL);
	add_pkg(&alma, PKG_RPM, NULL, "nodejs", "1:20.9.0-1.el9", NULL, NULL);
	add_pkg(&alma, PKG_RPM, NULL, "nodejs", "1:20.9.0-1.module_el9.3.0+50+bb", NULL, NULL);
	match(db, "{\"id\": \"almalinux\", \"version_id\": \"9.4\"}", &alma, &m, &g);
	summarise(m, &got);
	ck_assert_str_eq(got.buf, "glibc 2:2.34-100.el9_4.1 ALSA-2024:1 2.34-100.el9_4.2 high almalinux\n"
				  "nodejs 1:20.9.0-1.module_el9.3.0+50+bb ALSA-2024:1 1:20.10.0-1.module_el9.4.0+101+aa high "
				  "almalinux\n");
	json_decref(m), json_decref(g);
	strbuf_reset(&got);
	/* Rocky: a fix with an epoch; an installed version without one has epoch 0. */
	add_pkg(&rocky, PKG_RPM, NULL, "openssl", "3.0.7-28.el9", NULL, NULL);
	add_pkg(&rocky, PKG_RPM, NULL, "openssl", "1:3.0.7-24.el9", NULL, NULL);
	add_pkg(&rocky, PKG_RPM, NULL, "openssl", "2:3.0.7-1.el9", NULL, NULL);
	match(db, "{\"id\": \"rocky\", \"version_id\": \"9.3\"}", &rocky, &m, &g);
	summarise(m, &got);
	ck_assert_str_eq(got.buf, "openssl 3.0.7-28.el9 RLSA-2024:1 1:3.0.7-27.el9 medium rocky\n"
				  "openssl 1:3.0.7-24.el9 RLSA-2024:1 1:3.0.7-27.el9 medium rocky\n");
	json_decref(m), json_decref(g);
	strbuf_reset(&got);
	/* Ubuntu 22.04: the LTS has no fix; with ESM packages installed the Pro fix counts. */
	add_pkg(&ubu, PKG_DEB, NULL, "u-bin", "0.9-1", "src-u", "0.9-1");
	match(db, "{\"id\": \"ubuntu\", \"version_id\": \"22.04\", \"pretty_name\": \"Ubuntu 22.04.4 LTS\"}", &ubu, &m, &g);
	summarise(m, &got);
	ck_assert_str_eq(got.buf, "u-bin 0.9-1 UBUNTU-CVE-2024-1 - medium ubuntu\n");
	ck_assert_str_eq(json_string_value(json_array_get(json_object_get(json_array_get(m, 0), "aliases"), 0)),
			 "CVE-2024-0002");
	json_decref(m), json_decref(g);
	strbuf_reset(&got);
	add_pkg(&ubu, PKG_DEB, NULL, "other", "1.0-1ubuntu0.1~esm2", NULL, NULL);
	match(db, "{\"id\": \"ubuntu\", \"version_id\": \"22.04\"}", &ubu, &m, &g);
	summarise(m, &got);
	ck_assert_str_eq(got.buf, "u-bin 0.9-1 UBUNTU-CVE-2024-1 1.0-1ubuntu0.1~esm1 medium ubuntu\n");
	json_decref(m), json_decref(g);
	pkg_list_release(&deb), pkg_list_release(&alma), pkg_list_release(&rocky), pkg_list_release(&ubu);
	vulndb_close(db);
	strbuf_release(&got);
	th_rm_rf(dir);
	free(dir);
}
END_TEST

START_TEST(coverage_gaps_are_never_zero_findings)
{
	char *dir = th_tmpdir();
	struct vulndb *db = fixture_db(dir, 0);
	struct pkg_list pkgs = { 0 };
	struct strbuf got = STRBUF_INIT;
	json_t *m, *g;

	add_pkg(&pkgs, PKG_DEB, NULL, "liba1", "1.0-1", "src-a", "1.0-1");
	add_pkg(&pkgs, PKG_RPM, NULL, "glibc", "2.26-1.amzn2", NULL, NULL);
	add_pkg(&pkgs, PKG_APK, NULL, "musl", "1.1.24-r2", "musl", NULL);
	add_pkg(&pkgs, PKG_PYPI, NULL, "requests", "2.0.0", NULL, NULL);
	add_pkg(&pkgs, PKG_NPM, NULL, "a", "1.0.0", NULL, NULL);
	add_pkg(&pkgs, PKG_NPM, NULL, "b", "1.0.0", NULL, NULL);
	/* A release the database has no records for (Debian 13 here). */
	match(db, "{\"id\": \"debian\", \"version_id\": \"13\", \"pretty_name\": \"Debian GNU/Linux 13 (trixie)\"}", &pkgs,
	      &m, &g);
	ck_assert_int_eq((int)json_array_size(m), 0);
	gap_lines(g, &got);
	ck_assert_str_eq(got.buf,
			 "ecosystem|Debian:13||the advisory database has no records for Debian:13, so 1 deb packages were not "
			 "matched against advisories (import them: vetter db import osv, or vetter db update)\n"
			 "os|||no advisory source for apk packages on Debian GNU/Linux 13 (trixie) (debian 13): 1 packages "
			 "were not matched against advisories\n"
			 "os|||no advisory source for rpm packages on Debian GNU/Linux 13 (trixie) (debian 13): 1 packages "
			 "were not matched against advisories\n");
	json_decref(m), json_decref(g);
	strbuf_reset(&got);
	/* Amazon Linux has no OSV source; an old Alpine branch has no records; no OS at all. */
	match(db, "{\"id\": \"amzn\", \"version_id\": \"2\", \"pretty_name\": \"Amazon Linux 2\"}", &pkgs, &m, &g);
	gap_lines(g, &got);
	ck_assert_ptr_nonnull(strstr(got.buf, "os|||no advisory source for rpm packages on Amazon Linux 2 (amzn 2): 1 "
					      "packages were not matched against advisories\n"));
	json_decref(m), json_decref(g);
	strbuf_reset(&got);
	match(db, "{\"id\": \"alpine\", \"version_id\": \"3.12.12\"}", &pkgs, &m, &g);
	gap_lines(g, &got);
	ck_assert_ptr_nonnull(strstr(got.buf, "ecosystem|Alpine:v3.12||the advisory database has no records for "
					      "Alpine:v3.12, so 1 apk packages were not matched"));
	json_decref(m), json_decref(g);
	strbuf_reset(&got);
	match(db, NULL, &pkgs, &m, &g);
	gap_lines(g, &got);
	ck_assert_ptr_nonnull(strstr(got.buf, "os|||the operating system was not recognised, so 1 deb packages were not "
					      "matched against advisories\n"));
	ck_assert_int_eq((int)json_array_size(m), 0);
	json_decref(m), json_decref(g);
	pkg_list_release(&pkgs);
	vulndb_close(db);
	strbuf_release(&got);
	th_rm_rf(dir);
	free(dir);
}
END_TEST

/* One field of a jq query on a file. */
static void jq_field(const char *filter, const char *file, struct strbuf *out)
{
	const char *argv[] = { "jq", "-r", filter, file, NULL };
	struct th_result res;

	th_run(&res, argv, NULL, NULL, NULL);
	th_assert_status(&res, 0);
	strbuf_add(out, res.out.buf, res.out.len);
	strbuf_rtrim(out);
	th_result_release(&res);
}

START_TEST(kev_epss_and_ssvc_join_by_cve)
{
	char *dir = th_tmpdir(), *kev = th_data_path("kev/known_exploited_vulnerabilities.json"),
	     *cve = th_data_path("cve5/cves/2021/4xxx/CVE-2021-4034.json"),
	     *epss = th_data_path("epss/epss_scores-sample-2026-09-29.csv");
	struct vulndb *db = fixture_db(dir, 1);
	struct pkg_list pkgs = { 0 };
	struct strbuf want = STRBUF_INIT, got = STRBUF_INIT, csv = STRBUF_INIT;
	json_t *m, *g, *a, *b, *c;
	struct cvss_score s;
	const char *row;

	add_pkg(&pkgs, PKG_DEB, NULL, "liba1", "1.5-1", "src-a", "1.5-1");
	add_pkg(&pkgs, PKG_DEB, NULL, "e-bin", "2.0-1", "src-e", "2.0-1");
	match(db, "{\"id\": \"debian\", \"version_id\": \"12\"}", &pkgs, &m, &g);
	ck_assert_int_eq((int)json_array_size(m), 4);
	ck_assert_int_eq((int)json_array_size(g), 0);
	/* DEBIAN-CVE-2024-2 (CVE-2021-4034): KEV from the catalog, SSVC and CVSS from the CVE record. */
	a = json_array_get(m, 1);
	ck_assert_str_eq(jsonx_strz(a, "advisory"), "DEBIAN-CVE-2024-2");
	ck_assert(json_is_true(json_object_get(a, "known_exploited")));
	b = json_object_get(a, "kev");
	strbuf_addf(&got, "%s %s %s %s", jsonx_strz(b, "cve"), jsonx_strz(b, "date_added"), jsonx_strz(b, "due_date"),
		    jsonx_strz(b, "ransomware"));
	jq_field(".vulnerabilities[] | select(.cveID == \"CVE-2021-4034\") | [.cveID, .dateAdded, .dueDate, "
		 ".knownRansomwareCampaignUse] | join(\" \")",
		 kev, &want);
	ck_assert_str_eq(got.buf, want.buf);
	strbuf_reset(&got), strbuf_reset(&want);
	c = json_object_get(a, "ssvc");
	strbuf_addf(&got, "%s %s %s", jsonx_strz(c, "exploitation"), jsonx_strz(c, "automatable"),
		    jsonx_strz(c, "technical_impact"));
	jq_field("[.containers.adp[].metrics[]?.other | select(.type == \"ssvc\") | .content.options | add] | first | "
		 "[.Exploitation, .Automatable, .[\"Technical Impact\"]] | join(\" \")",
		 cve, &want);
	ck_assert_str_eq(got.buf, want.buf);
	strbuf_reset(&got), strbuf_reset(&want);
	/* No distribution rating: the CVE record's CVSS, scored by vetter's calculator. */
	ck_assert_str_eq(jsonx_strz(a, "severity_source"), "cve-cvss");
	jq_field("[.containers.adp[].metrics[]? | .cvssV3_1.vectorString // empty] | first", cve, &want);
	ck_assert_str_eq(jsonx_strz(a, "severity_detail"), want.buf);
	ck_assert_int_eq(cvss_parse_score(want.buf, &s), 0);
	ck_assert(jsonx_num(a, "cvss_score", -1) == s.score);
	ck_assert_str_eq(jsonx_strz(a, "severity"), "high");
	strbuf_reset(&want);
	/* DEBIAN-CVE-2024-1: the same CVE, but Debian's urgency comes first. */
	ck_assert_str_eq(jsonx_strz(json_array_get(m, 0), "severity"), "info");
	ck_assert_str_eq(jsonx_strz(json_array_get(m, 0), "severity_detail"), "unimportant");
	/* DEBIAN-CVE-2024-3 (CVE-1999-0001): EPSS as the file writes it, with the model and date. */
	a = json_array_get(m, 2);
	ck_assert_str_eq(jsonx_strz(a, "advisory"), "DEBIAN-CVE-2024-3");
	ck_assert(json_is_false(json_object_get(a, "known_exploited")));
	b = json_object_get(a, "epss");
	th_read(epss, &csv);
	row = strstr(csv.buf, "\nCVE-1999-0001,");
	ck_assert_ptr_nonnull(row);
	strbuf_addf(&got, "\n%s,%s,%s\n", jsonx_strz(b, "cve"), jsonx_strz(b, "score"), jsonx_strz(b, "percentile"));
	ck_assert_int_eq(strncmp(row, got.buf, got.len), 0);
	strbuf_reset(&got);
	strbuf_addf(&got, "#model_version:%s,score_date:%s\n", jsonx_strz(b, "model_version"), jsonx_strz(b, "score_date"));
	ck_assert_int_eq(strncmp(csv.buf, got.buf, got.len), 0);
	/* DEBIAN-CVE-2024-4 names no CVE: nothing joined, severity unknown. */
	a = json_array_get(m, 3);
	ck_assert_int_eq((int)json_array_size(json_object_get(a, "cves")), 0);
	ck_assert_str_eq(jsonx_strz(a, "severity"), "unknown");
	json_decref(m), json_decref(g);
	pkg_list_release(&pkgs);
	vulndb_close(db);
	th_rm_rf(dir);
	free(dir), free(kev), free(cve), free(epss);
	strbuf_release(&want), strbuf_release(&got), strbuf_release(&csv);
}
END_TEST

/* A root filesystem with the Debian 12 sample: etc/os-release and var/lib/dpkg/status. */
static char *debian12_rootfs(const char *dir)
{
	char *root = pathf(dir, "rootfs"), *etc = pathf(root, "etc"), *vl = pathf(root, "var"), *vll = pathf(root, "var/lib"),
	     *dp = pathf(root, "var/lib/dpkg"), *osr = th_data_path("debian12-osv/debian12-sample.os-release"),
	     *status = th_data_path("debian12-osv/debian12-sample.status"), *o = pathf(etc, "os-release"),
	     *s = pathf(dp, "status");
	struct strbuf text = STRBUF_INIT;

	ck_assert_int_eq(mkdir(root, 0755) | mkdir(etc, 0755) | mkdir(vl, 0755) | mkdir(vll, 0755) | mkdir(dp, 0755), 0);
	th_read(osr, &text);
	th_write(o, text.buf);
	strbuf_reset(&text);
	th_read(status, &text);
	th_write(s, text.buf);
	strbuf_release(&text);
	free(etc), free(vl), free(vll), free(dp), free(osr), free(status), free(o), free(s);
	return root;
}

START_TEST(debian12_records_match_what_dpkg_says)
{
	char *dir = th_tmpdir(), *db = pathf(dir, "v.sqlite"), *zip = th_data_path("debian12-osv/all.zip"),
	     *status = th_data_path("debian12-osv/debian12-sample.status"), *tool = th_repo_path("tests/lib/osv_expect.py"),
	     *root = debian12_rootfs(dir), *ref = NULL;
	const char *expect[] = { "/usr/bin/python3", tool, "match", zip, status, "Debian:12", NULL };
	struct strbuf got = STRBUF_INIT, sref = STRBUF_INIT;
	struct th_result res;
	json_t *doc, *m;
	size_t i, n = 0;
	const char *p;

	th_vetter(&res, NULL, "db", "import", "osv", zip, "--vulndb", db, NULL);
	th_assert_status(&res, 0);
	th_result_release(&res);
	strbuf_addf(&sref, "dir:%s", root);
	ref = strbuf_detach(&sref, NULL);
	th_vetter(&res, NULL, "scan", ref, "--vulndb", db, "--format", "json", NULL);
	th_assert_status(&res, 0);
	ck_assert_int_eq(jsonx_parse(res.out.buf, res.out.len, "scan", &doc), 0);
	th_result_release(&res);
	json_array_foreach(json_object_get(doc, "matches"), i, m) {
		strbuf_addf(&got, "%s\t%s\t%s\n", jsonx_strz(m, "package"), jsonx_strz(m, "advisory"),
			    jsonx_str(m, "fixed_version") ? jsonx_str(m, "fixed_version") : "-");
		/* Debian's records carry no rating and no CVE data was imported: unknown, never invented. */
		ck_assert_str_eq(jsonx_strz(m, "severity"), "unknown");
		ck_assert_str_eq(jsonx_strz(m, "severity_source"), "none");
	}
	ck_assert_int_eq((int)jsonx_int(json_object_get(doc, "summary"), "matches", -1),
			 (int)json_array_size(json_object_get(doc, "matches")));
	ck_assert_int_eq((int)json_array_size(json_object_get(doc, "gaps")), 0);
	json_decref(doc);
	/* The same lines, sorted, as the independent derivation. */
	{
		const char *sort[] = { "sort", NULL };

		th_run(&res, sort, NULL, got.buf, NULL);
		th_assert_status(&res, 0);
		strbuf_reset(&got);
		strbuf_addstr(&got, res.out.buf);
		th_result_release(&res);
	}
	th_run(&res, expect, NULL, NULL, NULL);
	th_assert_status(&res, 0);
	for (p = res.out.buf; *p; p++)
		n += *p == '\n';
	ck_assert_msg(n > 1000, "the derivation found only %zu matches", n);
	ck_assert_msg(!strcmp(got.buf, res.out.buf), "matches differ from dpkg's answer (%zu expected)", n);
	th_result_release(&res);
	th_rm_rf(dir);
	free(dir), free(db), free(zip), free(status), free(tool), free(root), free(ref);
	strbuf_release(&got);
}
END_TEST

START_TEST(scan_writes_json_table_and_valid_sarif)
{
	char *dir = th_tmpdir(), *root = debian12_rootfs(dir), *sarif = pathf(dir, "out.sarif"),
	     *tool = th_repo_path("tests/lib/validate_json.py"), *schema = th_data_path("schemas/sarif-schema-2.1.0.json"),
	     *db = pathf(dir, "v.sqlite"), *zip = th_data_path("debian12-osv/all.zip"), *ref;
	const char *validate[] = { "/usr/bin/python3", tool, schema, sarif, NULL };
	struct strbuf sref = STRBUF_INIT, text = STRBUF_INIT;
	struct th_result res;
	json_t *doc;

	th_vetter(&res, NULL, "db", "import", "osv", zip, "--vulndb", db, NULL);
	th_result_release(&res);
	strbuf_addf(&sref, "dir:%s", root);
	ref = strbuf_detach(&sref, NULL);
	th_vetter(&res, NULL, "scan", ref, "--vulndb", db, "--format", "sarif", "-o", sarif, NULL);
	th_assert_status(&res, 0);
	th_result_release(&res);
	th_run(&res, validate, NULL, NULL, NULL);
	ck_assert_msg(res.status == 0, "SARIF is not valid:\n%s%s", res.out.buf, res.err.buf);
	th_result_release(&res);
	th_read(sarif, &text);
	ck_assert_int_eq(jsonx_parse(text.buf, text.len, "sarif", &doc), 0);
	ck_assert_str_eq(jsonx_strz(doc, "version"), "2.1.0");
	ck_assert_int_gt((int)json_array_size(jsonx_dig(json_array_get(json_object_get(doc, "runs"), 0), "results")), 1000);
	json_decref(doc);
	/* The table names the image, the OS and each match. */
	th_vetter(&res, NULL, "scan", ref, "--vulndb", db, NULL);
	th_assert_status(&res, 0);
	ck_assert_ptr_nonnull(strstr(res.out.buf, "os        Debian GNU/Linux 12 (bookworm)\n"));
	ck_assert_ptr_nonnull(strstr(res.out.buf, "PACKAGE "));
	th_result_release(&res);
	/* Without a database: a usage error, before any image is read. */
	th_vetter(&res, NULL, "scan", ref, "--vulndb", "/nonexistent/v.sqlite", NULL);
	th_assert_status(&res, 2);
	ck_assert_ptr_nonnull(strstr(res.err.buf, "no advisory database at /nonexistent/v.sqlite"));
	th_result_release(&res);
	th_rm_rf(dir);
	free(dir), free(root), free(sarif), free(tool), free(schema), free(db), free(zip), free(ref);
	strbuf_release(&text);
}
END_TEST

START_TEST(scan_of_an_old_release_is_a_gap)
{
	char *dir = th_tmpdir(), *db = pathf(dir, "v.sqlite"), *root = pathf(dir, "alpine"), *ref,
	     *zip = th_data_path("debian12-osv/all.zip"), *osv = th_data_path("osv/alpine");
	struct strbuf p = STRBUF_INIT, sref = STRBUF_INIT;
	struct th_result res;
	json_t *doc, *gap;

	th_vetter(&res, NULL, "db", "import", "osv", zip, osv, "--vulndb", db, NULL);
	th_assert_status(&res, 0);
	th_result_release(&res);
	/* An Alpine 3.12 image: the database has Alpine records, but from v3.16 on. */
	strbuf_addf(&p, "mkdir -p '%s/etc' '%s/lib/apk/db' && printf 'ID=alpine\\nVERSION_ID=3.12.12\\nPRETTY_NAME=\"Alpine "
			"Linux v3.12\"\\n' > '%s/etc/os-release' && printf 'P:musl\\nV:1.1.24-r10\\nA:x86_64\\no:musl\\n\\n' > "
			"'%s/lib/apk/db/installed'",
		    root, root, root, root);
	{
		const char *argv[] = { "sh", "-c", p.buf, NULL };

		th_run(&res, argv, NULL, NULL, NULL);
		th_assert_status(&res, 0);
		th_result_release(&res);
	}
	strbuf_addf(&sref, "dir:%s", root);
	ref = strbuf_detach(&sref, NULL);
	th_vetter(&res, NULL, "scan", ref, "--vulndb", db, "--format", "json", NULL);
	/* Done, with a coverage gap: exit 3, no matches, the gap names the ecosystem. */
	th_assert_status(&res, 3);
	ck_assert_int_eq(jsonx_parse(res.out.buf, res.out.len, "scan", &doc), 0);
	ck_assert_int_eq((int)json_array_size(json_object_get(doc, "matches")), 0);
	ck_assert_int_eq((int)json_array_size(json_object_get(doc, "gaps")), 1);
	gap = json_array_get(json_object_get(doc, "gaps"), 0);
	ck_assert_str_eq(jsonx_strz(gap, "scope"), "ecosystem");
	ck_assert_str_eq(jsonx_strz(gap, "ecosystem"), "Alpine:v3.12");
	ck_assert_int_eq((int)jsonx_int(gap, "packages", 0), 1);
	json_decref(doc);
	th_result_release(&res);
	th_rm_rf(dir);
	free(dir), free(db), free(root), free(ref), free(zip), free(osv);
	strbuf_release(&p);
}
END_TEST

Suite *vulndb_match_suite(void)
{
	Suite *s = suite_create("vulndb_match");
	TCase *tc = tcase_create("match");

	tcase_set_timeout(tc, 120);
	suite_add_tcase(s, tc);
	tcase_add_test(tc, language_ranges_follow_the_osv_evaluation);
	tcase_add_test(tc, distro_packages_by_source_epoch_and_stream);
	tcase_add_test(tc, coverage_gaps_are_never_zero_findings);
	if (th_have_data("kev_epss_and_ssvc_join_by_cve", "kev") && th_have_data("kev_epss_and_ssvc_join_by_cve", "cve5") &&
	    th_have_data("kev_epss_and_ssvc_join_by_cve", "epss") && th_have_tool("kev_epss_and_ssvc_join_by_cve", "jq"))
		tcase_add_test(tc, kev_epss_and_ssvc_join_by_cve);
	if (th_have_data("debian12_records_match_what_dpkg_says", "debian12-osv") &&
	    th_have_tool("debian12_records_match_what_dpkg_says", "dpkg"))
		tcase_add_test(tc, debian12_records_match_what_dpkg_says);
	if (th_have_data("scan_writes_json_table_and_valid_sarif", "debian12-osv") &&
	    th_have_data("scan_writes_json_table_and_valid_sarif", "schemas/sarif-schema-2.1.0.json"))
		tcase_add_test(tc, scan_writes_json_table_and_valid_sarif);
	if (th_have_data("scan_of_an_old_release_is_a_gap", "osv/alpine"))
		tcase_add_test(tc, scan_of_an_old_release_is_a_gap);
	return s;
}
