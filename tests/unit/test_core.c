/* strbuf, util, crypto, log scrubbing. */
#include <check.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/crypto.h"
#include "core/err.h"
#include "core/log.h"
#include "core/strbuf.h"
#include "core/util.h"
#include "th.h"

START_TEST(strbuf_grows_and_limits)
{
	struct strbuf sb;
	int i;

	strbuf_init(&sb, 100);
	ck_assert_str_eq(sb.buf, "");
	for (i = 0; i < 10; i++)
		ck_assert_int_eq(strbuf_addstr(&sb, "0123456789"), 0);
	ck_assert_uint_eq(sb.len, 100);
	ck_assert_int_eq(strbuf_addch(&sb, 'x'), ERR_LIMIT);
	ck_assert_uint_eq(sb.len, 100);
	ck_assert_int_eq(sb.buf[100], 0);
	strbuf_reset(&sb);
	ck_assert_int_eq(strbuf_addf(&sb, "%s-%d", "a", 42), 0);
	ck_assert_str_eq(sb.buf, "a-42");
	strbuf_release(&sb);
	ck_assert_str_eq(sb.buf, "");
}
END_TEST

START_TEST(strbuf_binary_and_hex)
{
	struct strbuf sb = STRBUF_INIT;
	const unsigned char bytes[] = { 0, 1, 0xab, 0xff };
	char *d;
	size_t n;

	ck_assert_int_eq(strbuf_add(&sb, "a\0b", 3), 0);
	ck_assert_uint_eq(sb.len, 3);
	strbuf_reset(&sb);
	strbuf_addhex(&sb, bytes, sizeof(bytes));
	ck_assert_str_eq(sb.buf, "0001abff");
	d = strbuf_detach(&sb, &n);
	ck_assert_uint_eq(n, 8);
	ck_assert_str_eq(sb.buf, "");
	free(d);
	d = strbuf_detach(&sb, &n);
	ck_assert_str_eq(d, "");
	free(d);
}
END_TEST

START_TEST(base64_round_trip)
{
	static const char *const plain[] = { "", "f", "fo", "foo", "foob", "fooba", "foobar" };
	static const char *const enc[] = { "", "Zg==", "Zm8=", "Zm9v", "Zm9vYg==", "Zm9vYmE=", "Zm9vYmFy" };
	struct strbuf a = STRBUF_INIT, b = STRBUF_INIT;
	size_t i;

	for (i = 0; i < 7; i++) {
		strbuf_reset(&a);
		strbuf_reset(&b);
		util_base64_encode(&a, (const unsigned char *)plain[i], strlen(plain[i]));
		ck_assert_str_eq(a.buf, enc[i]);
		ck_assert_int_eq(util_base64_decode(&b, a.buf, a.len), 0);
		ck_assert_str_eq(b.buf, plain[i]);
	}
	strbuf_reset(&b);
	ck_assert_int_eq(util_base64_decode(&b, "Zm9v!", 5), ERR_PARSE);
	strbuf_release(&a);
	strbuf_release(&b);
}
END_TEST

START_TEST(dates_are_exact)
{
	struct util_date d, back;
	int64_t e;

	ck_assert_int_eq(util_date_parse("1970-01-01", &d), 0);
	ck_assert_int_eq(util_date_days(&d), 0);
	ck_assert_int_eq(util_date_parse("2024-02-29", &d), 0);
	ck_assert_int_eq(util_date_days(&d), 19782);
	util_date_from_days(19782, &back);
	ck_assert_int_eq(back.year, 2024);
	ck_assert_int_eq(back.month, 2);
	ck_assert_int_eq(back.day, 29);
	ck_assert_int_eq(util_date_parse("2023-02-29", &d), ERR_PARSE);
	ck_assert_int_eq(util_date_parse("2023-2-1", &d), ERR_PARSE);
	ck_assert_int_eq(util_date_parse("2023-13-01", &d), ERR_PARSE);
	ck_assert_int_eq(util_timestamp_parse("2015-08-30T12:36:00Z", &e), 0);
	ck_assert_int_eq(e, 1440938160);
	ck_assert_int_eq(util_timestamp_parse("2015-08-30T14:36:00+02:00", &e), 0);
	ck_assert_int_eq(e, 1440938160);
	ck_assert_int_eq(util_timestamp_parse("2015-08-30T12:36:00.123Z", &e), 0);
	ck_assert_int_eq(e, 1440938160);
	ck_assert_int_eq(util_timestamp_parse("2015-08-30X", &e), ERR_PARSE);
}
END_TEST

START_TEST(path_within_refuses_escapes)
{
	char *dir = th_tmpdir();
	struct strbuf p = STRBUF_INIT, sub = STRBUF_INIT, link = STRBUF_INIT;

	strbuf_addf(&sub, "%s/inner", dir);
	ck_assert_int_eq(util_mkdirs(sub.buf, 0700), 0);
	strbuf_addf(&link, "%s/escape", sub.buf);
	ck_assert_int_eq(symlink("/etc", link.buf), 0);
	ck_assert_int_eq(util_path_within(&p, sub.buf, "token"), 0);
	ck_assert(util_has_suffix(p.buf, "/inner/token"));
	strbuf_reset(&p);
	ck_assert_int_eq(util_path_within(&p, sub.buf, "../outside"), ERR_DENIED);
	strbuf_reset(&p);
	ck_assert_int_eq(util_path_within(&p, sub.buf, "/etc/passwd"), ERR_DENIED);
	strbuf_reset(&p);
	ck_assert_int_eq(util_path_within(&p, sub.buf, "escape/passwd"), ERR_DENIED);
	strbuf_reset(&p);
	ck_assert_int_eq(util_path_within(&p, sub.buf, "escape"), ERR_DENIED);
	th_rm_rf(dir);
	free(dir);
	strbuf_release(&p);
	strbuf_release(&sub);
	strbuf_release(&link);
}
END_TEST

START_TEST(sha256_and_hmac_vectors)
{
	struct strbuf h = STRBUF_INIT;
	unsigned char md[32];

	sha256_hex(&h, "abc", 3);
	ck_assert_str_eq(h.buf, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	strbuf_reset(&h);
	/* RFC 4231 test case 2 */
	ck_assert_int_eq(hmac_sha256("Jefe", 4, "what do ya want for nothing?", 28, md), 0);
	strbuf_addhex(&h, md, 32);
	ck_assert_str_eq(h.buf, "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
	strbuf_release(&h);
}
END_TEST

START_TEST(aesgcm_round_trip_and_tamper)
{
	unsigned char key[32];
	struct strbuf sealed = STRBUF_INIT, opened = STRBUF_INIT;

	memset(key, 7, sizeof(key));
	ck_assert_int_eq(aesgcm_seal(&sealed, key, "aad", 3, "secret evidence", 15), 0);
	ck_assert_uint_eq(sealed.len, 12 + 15 + 16);
	ck_assert_ptr_null(util_memmem(sealed.buf, sealed.len, "secret", 6));
	ck_assert_int_eq(aesgcm_open(&opened, key, "aad", 3, sealed.buf, sealed.len), 0);
	ck_assert_str_eq(opened.buf, "secret evidence");
	strbuf_reset(&opened);
	ck_assert_int_eq(aesgcm_open(&opened, key, "aaX", 3, sealed.buf, sealed.len), ERR_INTEGRITY);
	sealed.buf[14] ^= 1;
	ck_assert_int_eq(aesgcm_open(&opened, key, "aad", 3, sealed.buf, sealed.len), ERR_INTEGRITY);
	key[0] = 8;
	sealed.buf[14] ^= 1;
	ck_assert_int_eq(aesgcm_open(&opened, key, "aad", 3, sealed.buf, sealed.len), ERR_INTEGRITY);
	strbuf_release(&sealed);
	strbuf_release(&opened);
}
END_TEST

START_TEST(key_from_secret_forms)
{
	unsigned char k1[32], k2[32], k3[32];
	const char *hex = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";

	ck_assert_int_eq(crypto_key_from_secret(k1, hex, 64, (const unsigned char *)"s", 1), 0);
	ck_assert_int_eq(k1[31], 0x1f);
	ck_assert_int_eq(crypto_key_from_secret(k2, "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=", 44,
						(const unsigned char *)"s", 1), 0);
	ck_assert_mem_eq(k1, k2, 32);
	ck_assert_int_eq(crypto_key_from_secret(k3, "correct horse battery", 21, (const unsigned char *)"salt", 4), 0);
	ck_assert_int_eq(crypto_key_from_secret(k3, "short", 5, (const unsigned char *)"salt", 4), ERR_INVALID);
}
END_TEST

START_TEST(log_scrubs_secrets_and_base64)
{
	struct strbuf line = STRBUF_INIT;

	log_secret_clear();
	ck_assert_int_eq(log_secret_add("hunter2-canary", 14), 0);
	strbuf_addstr(&line, "token=hunter2-canary b64=aHVudGVyMi1jYW5hcnk= nopad=aHVudGVyMi1jYW5hcnk");
	ck_assert_int_ge(log_scrub(&line), 2);
	ck_assert_ptr_null(strstr(line.buf, "hunter2"));
	ck_assert_ptr_null(strstr(line.buf, "aHVudGVyMi1jYW5hcnk"));
	ck_assert_ptr_nonnull(strstr(line.buf, "[REDACTED]"));
	log_secret_clear();
	strbuf_release(&line);
}
END_TEST

START_TEST(atomic_write_and_writable_checks)
{
	char *dir = th_tmpdir();
	struct strbuf p = STRBUF_INIT, got = STRBUF_INIT;
	struct stat st;

	strbuf_addf(&p, "%s/f.txt", dir);
	ck_assert_int_eq(util_write_file_atomic(p.buf, "hello", 5, 0600), 0);
	th_read(p.buf, &got);
	ck_assert_str_eq(got.buf, "hello");
	ck_assert_int_eq(stat(p.buf, &st), 0);
	ck_assert_int_eq(st.st_mode & 0777, 0600);
	ck_assert_int_eq(util_check_writable_dir(dir), 0);
	strbuf_addstr(&p, "/sub");
	ck_assert_int_ne(util_check_writable_dir(p.buf), 0); /* f.txt is a file */
	strbuf_reset(&p);
	strbuf_addf(&p, "%s/new/deeper", dir);
	ck_assert_int_eq(util_check_writable_dir(p.buf), 0);
	ck_assert(!util_exists(p.buf));
	th_rm_rf(dir);
	free(dir);
	strbuf_release(&p);
	strbuf_release(&got);
}
END_TEST

START_TEST(dir_list_sorted_and_bounded)
{
	static const char *const names[] = { "b.json", "a.json", ".hidden", "C.yaml", "a.JSON" };
	char *dir = th_tmpdir(), **v;
	struct strbuf p = STRBUF_INIT;
	size_t n, i;
	int trunc;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		strbuf_reset(&p);
		strbuf_addf(&p, "%s/%s", dir, names[i]);
		th_write(p.buf, "{}");
	}
	/* Bytewise order (upper case first), hidden names left out. */
	ck_assert_int_eq(util_dir_list(dir, 100, &v, &n, &trunc), 0);
	ck_assert_uint_eq(n, 4);
	ck_assert_int_eq(trunc, 0);
	ck_assert_str_eq(v[0], "C.yaml");
	ck_assert_str_eq(v[1], "a.JSON");
	ck_assert_str_eq(v[2], "a.json");
	ck_assert_str_eq(v[3], "b.json");
	util_dir_free(v, n);
	/* The bound stops the listing and says so. */
	ck_assert_int_eq(util_dir_list(dir, 2, &v, &n, &trunc), 0);
	ck_assert_uint_eq(n, 2);
	ck_assert_int_eq(trunc, 1);
	util_dir_free(v, n);
	strbuf_reset(&p);
	strbuf_addf(&p, "%s/missing", dir);
	ck_assert_int_eq(util_dir_list(p.buf, 10, &v, &n, NULL), ERR_IO);
	ck_assert_ptr_null(v);
	ck_assert_uint_eq(n, 0);
	th_rm_rf(dir);
	free(dir);
	strbuf_release(&p);
}
END_TEST

Suite *core_suite(void)
{
	Suite *s = suite_create("core");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, strbuf_grows_and_limits);
	tcase_add_test(tc, strbuf_binary_and_hex);
	tcase_add_test(tc, base64_round_trip);
	tcase_add_test(tc, dates_are_exact);
	tcase_add_test(tc, path_within_refuses_escapes);
	tcase_add_test(tc, sha256_and_hmac_vectors);
	tcase_add_test(tc, aesgcm_round_trip_and_tamper);
	tcase_add_test(tc, key_from_secret_forms);
	tcase_add_test(tc, log_scrubs_secrets_and_base64);
	tcase_add_test(tc, atomic_write_and_writable_checks);
	tcase_add_test(tc, dir_list_sorted_and_bounded);
	suite_add_tcase(s, tc);
	return s;
}
