/* OS identification from release files. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "core/jsonx.h"
#include "scan/os.h"
#include "th.h"

static json_t *detect2(const char *p1, const char *t1, const char *p2, const char *t2)
{
	struct os_file f[2] = { { p1, t1 }, { p2, t2 } };
	json_t *os = NULL;

	ck_assert_int_eq(os_detect(f, p2 ? 2 : (p1 ? 1 : 0), &os), 0);
	return os;
}

static void expect(json_t *os, const char *id, const char *version_id, const char *version, const char *family)
{
	ck_assert_ptr_nonnull(os);
	ck_assert_str_eq(jsonx_strz(os, "id"), id);
	ck_assert_str_eq(jsonx_strz(os, "version_id"), version_id);
	ck_assert_str_eq(jsonx_strz(os, "version"), version);
	ck_assert_str_eq(jsonx_strz(os, "family"), family);
	json_decref(os);
}

START_TEST(distributions_are_identified)
{
	expect(detect2("etc/os-release", "ID=debian\nVERSION_ID=\"12\"\nVERSION_CODENAME=bookworm\n", "etc/debian_version",
		       "12.4\n"),
	       "debian", "12", "12.4", "debian");
	expect(detect2("etc/os-release", "NAME=\"Ubuntu\"\nID=ubuntu\nID_LIKE=debian\nVERSION_ID=\"22.04\"\n",
		       "etc/debian_version", "bookworm/sid\n"),
	       "ubuntu", "22.04", "22.04", "debian");
	expect(detect2("etc/alpine-release", "3.18.4\n", "etc/os-release", "ID=alpine\nVERSION_ID=3.18.4\n"), "alpine",
	       "3.18.4", "3.18.4", "alpine");
	expect(detect2("etc/os-release", "ID=\"centos\"\nVERSION_ID=\"7\"\nID_LIKE=\"rhel fedora\"\n",
		       "etc/centos-release", "CentOS Linux release 7.9.2009 (Core)\n"),
	       "centos", "7", "7.9.2009", "redhat");
	expect(detect2("etc/centos-release", "CentOS release 6.10 (Final)\n", NULL, NULL), "centos", "6", "6.10",
	       "redhat");
	expect(detect2("etc/system-release", "Amazon Linux AMI release 2018.03\n", NULL, NULL), "amzn", "2018.03",
	       "2018.03", "redhat");
	expect(detect2("etc/os-release", "ID=\"rhel\"\nVERSION_ID=\"8.9\"\n", "etc/redhat-release",
		       "Red Hat Enterprise Linux release 8.9 (Ootpa)\n"),
	       "rhel", "8.9", "8.9", "redhat");
	expect(detect2("etc/lsb-release", "DISTRIB_ID=Ubuntu\nDISTRIB_RELEASE=18.04\nDISTRIB_CODENAME=bionic\n", NULL,
		       NULL),
	       "ubuntu", "18.04", "18.04", "debian");
	expect(detect2("etc/debian_version", "11.8\n", NULL, NULL), "debian", "11", "11.8", "debian");
	expect(detect2("usr/lib/os-release", "PRETTY_NAME=\"Distroless\"\nID=debian\nVERSION_ID=\"12\"\n", NULL, NULL),
	       "debian", "12", "12", "debian");
}
END_TEST

START_TEST(nothing_recognised_is_null)
{
	ck_assert_ptr_null(detect2(NULL, NULL, NULL, NULL));
	ck_assert_ptr_null(detect2("etc/os-release", "NAME=mystery\n", NULL, NULL));
	ck_assert_ptr_null(detect2("etc/redhat-release", "garbage\n", NULL, NULL));
}
END_TEST

START_TEST(shared_debian12_os_release)
{
	char *path = th_data_path("debian12-osv/debian12-sample.os-release");
	struct strbuf text = STRBUF_INIT;
	struct os_file f;
	json_t *os = NULL;

	th_read(path, &text);
	f.path = "etc/os-release";
	f.text = text.buf;
	ck_assert_int_eq(os_detect(&f, 1, &os), 0);
	expect(os, "debian", "12", "12", "debian");
	strbuf_release(&text);
	free(path);
}
END_TEST

Suite *os_suite(void)
{
	Suite *s = suite_create("os");
	TCase *tc = tcase_create("os");

	tcase_add_test(tc, distributions_are_identified);
	tcase_add_test(tc, nothing_recognised_is_null);
	if (th_have_data("shared_debian12_os_release", "debian12-osv/debian12-sample.os-release"))
		tcase_add_test(tc, shared_debian12_os_release);
	suite_add_tcase(s, tc);
	return s;
}
