/*
 * The secrets scanner: every rule with its line, any chunking gives the same
 * answer, placeholders and fixtures are skipped (and counted), the value
 * never reaches the output, and the prefilter kernels agree.  The false
 * positives on this machine's ordinary files are test_secrets_corpus.c's.
 *
 * The test credentials are made at run time from a seeded generator, so this
 * file holds no token that other scanners would flag.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/pem.h>

#include "core/crypto.h"
#include "core/jsonx.h"
#include "core/strbuf.h"
#include "core/util.h"
#include "scan/secrets.h"
#include "scan/secrets_int.h"
#include "th.h"

#define UPPER "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
#define LOWER "abcdefghijklmnopqrstuvwxyz"
#define DIGITS "0123456789"
#define ALNUM UPPER LOWER DIGITS
#define B64 ALNUM "+/"

struct expect {
	const char *rule;
	size_t line;
	char value[4096]; /* hashed into the fingerprint; must never appear in any output */
	char redacted[64];
};

struct fixture {
	struct strbuf text;
	struct expect e[32];
	size_t n;
	unsigned long long rng;
};

static unsigned rnd(struct fixture *fx)
{
	fx->rng ^= fx->rng << 13;
	fx->rng ^= fx->rng >> 7;
	fx->rng ^= fx->rng << 17;
	return (unsigned)(fx->rng >> 11);
}

static void rand_chars(struct fixture *fx, struct strbuf *sb, const char *alphabet, size_t n)
{
	size_t len = strlen(alphabet);

	while (n--)
		strbuf_addch(sb, alphabet[rnd(fx) % len]);
}

static size_t cur_line(const struct fixture *fx)
{
	size_t i, n = 1;

	for (i = 0; i < fx->text.len; i++)
		n += fx->text.buf[i] == '\n';
	return n;
}

static void expect_add(struct fixture *fx, const char *rule, size_t line, const char *value, const char *redacted)
{
	struct expect *e = &fx->e[fx->n++];

	ck_assert_uint_le(fx->n, 32);
	e->rule = rule;
	e->line = line;
	ck_assert_uint_lt(strlen(value), sizeof(e->value));
	memcpy(e->value, value, strlen(value) + 1);
	snprintf(e->redacted, sizeof(e->redacted), "%s", redacted);
}

/*
 * A value from a template: literal characters, and %CN for N random
 * characters of class C: d digits, k [A-Z2-7], u [A-Z0-9], a alnum,
 * w alnum and '_', g alnum, '_' and '-', b base64.
 */
static void make_value(struct fixture *fx, struct strbuf *v, const char *t)
{
	static const char *const classes[] = { "d" DIGITS, "k" UPPER "234567", "u" UPPER DIGITS, "a" ALNUM,
					       "w" ALNUM "_", "g" ALNUM "_-", "b" B64 };
	char *end;
	size_t i;

	while (*t) {
		if (*t != '%') {
			strbuf_addch(v, *t++);
			continue;
		}
		for (i = 0; classes[i][0] != t[1]; i++)
			;
		rand_chars(fx, v, classes[i] + 1, strtoul(t + 2, &end, 10));
		t = end;
	}
}

/* A line "before VALUE after", VALUE made from the template. */
static void add_token(struct fixture *fx, const char *rule, const char *before, const char *tmpl, const char *after,
		      const char *redacted)
{
	struct strbuf v = STRBUF_INIT;

	make_value(fx, &v, tmpl);
	expect_add(fx, rule, cur_line(fx), v.buf, redacted);
	strbuf_addf(&fx->text, "%s%s%s\n", before, v.buf, after);
	strbuf_release(&v);
}

enum body_kind { BODY_DER_LONG, BODY_DER_SHORT, BODY_OPENSSH, BODY_PGP, BODY_CIPHER };

/* The base64 of a well-formed key body of the given kind (random contents). */
static void key_body(struct fixture *fx, struct strbuf *b64, enum body_kind kind)
{
	unsigned char raw[700];
	size_t n, i;

	switch (kind) {
	case BODY_DER_LONG: /* 30 82 02 58: a SEQUENCE of 600 bytes */
		raw[0] = 0x30, raw[1] = 0x82, raw[2] = 0x02, raw[3] = 0x58;
		i = 4, n = 604;
		break;
	case BODY_DER_SHORT: /* 30 77, as an EC P-256 key */
		raw[0] = 0x30, raw[1] = 0x77;
		i = 2, n = 121;
		break;
	case BODY_OPENSSH:
		memcpy(raw, "openssh-key-v1", 15);
		i = 15, n = 400;
		break;
	case BODY_PGP:
		raw[0] = 0x95;
		i = 1, n = 500;
		break;
	default:
		i = 0, n = 608;
		break;
	}
	for (; i < n; i++)
		raw[i] = (unsigned char)rnd(fx);
	util_base64_encode(b64, raw, n);
}

enum pem_style { STYLE_LF, STYLE_CRLF, STYLE_JSON, STYLE_CONCAT };

/* A PEM block of the label, with headers (lines, may be NULL), in one of the ways files hold them. */
static void add_pem(struct fixture *fx, const char *label, const char *headers, enum body_kind kind,
		    enum pem_style style, const char *rule, const char *before)
{
	struct strbuf b64 = STRBUF_INIT, red = STRBUF_INIT;
	const char *nl = style == STYLE_CRLF ? "\r\n" : style == STYLE_JSON ? "\\n" : "\n";
	size_t i;

	key_body(fx, &b64, kind);
	strbuf_addf(&red, "-----BEGIN %s----- ****", label);
	if (rule)
		expect_add(fx, rule, cur_line(fx), b64.buf, red.buf);
	strbuf_addstr(&fx->text, before);
	if (style == STYLE_CONCAT) {
		strbuf_addf(&fx->text, "\"-----BEGIN %s-----\\n\" +\n", label);
		for (i = 0; i < b64.len; i += 64)
			strbuf_addf(&fx->text, "\t\"%.64s\\n\" +\n", b64.buf + i);
		strbuf_addf(&fx->text, "\t\"-----END %s-----\\n\"\n", label);
		goto cleanup;
	}
	strbuf_addf(&fx->text, "-----BEGIN %s-----%s", label, nl);
	if (headers)
		strbuf_addf(&fx->text, "%s%s", headers, nl);
	for (i = 0; i < b64.len; i += 64)
		strbuf_addf(&fx->text, "%.64s%s", b64.buf + i, nl);
	strbuf_addf(&fx->text, "-----END %s-----", label);
	strbuf_addstr(&fx->text, style == STYLE_JSON ? "\\n\",\n" : "\n");
cleanup:
	strbuf_release(&b64);
	strbuf_release(&red);
}

/* One of each rule, in the shapes files hold them, with ordinary lines between. */
static void fixture_build(struct fixture *fx)
{
	memset(fx, 0, sizeof(*fx));
	strbuf_init(&fx->text, 0);
	fx->rng = 0x9e3779b97f4a7c15ull;
	strbuf_addstr(&fx->text, "# settings of the billing service\n[default]\nregion = eu-west-1\n");
	add_token(fx, "aws-access-key-id", "aws_access_key_id = ", "AKIA%k16", "", "AKIA****(20)");
	add_token(fx, "aws-secret-access-key", "export AWS_SECRET_ACCESS_KEY=\"", "%b40", "\"", "****(40)");
	add_token(fx, "aws-access-key-id", "{\"AccessKeyId\": \"", "ASIA%k16", "\",", "ASIA****(20)");
	add_token(fx, "aws-secret-access-key", "  \"aws_secret_access_key\": \"", "%b40", "\"}", "****(40)");
	strbuf_addstr(&fx->text, "password=hunter2\n\n");
	add_token(fx, "github-token", "token: ", "ghp_%a36", "", "ghp_****(40)");
	add_token(fx, "github-token", "url = https://x-access-token:", "ghs_%a36", "@github.com/o/r.git", "ghs_****(40)");
	add_token(fx, "github-fine-grained-token", "GITHUB_TOKEN=", "github_pat_%w82", "", "gith****(93)");
	add_token(fx, "gitlab-token", "CI_TOKEN=", "glpat-%g20", ". Rotate it.", "glpa****(26)");
	add_token(fx, "slack-token", "slack_token = '", "xoxb-%d12-%d13-%a24", "'", "xoxb****(56)");
	add_token(fx, "slack-webhook", "webhook: https://", "hooks.slack.com/services/T%u9/B%u11/%a24", "",
		  "hook****(73)");
	add_token(fx, "stripe-live-key", "STRIPE_KEY=", "sk_live_%a24", "", "sk_l****(32)");
	add_token(fx, "stripe-live-key", "restricted: ", "rk_live_%a99", "", "rk_l****(107)");
	add_token(fx, "google-api-key", "<meta name=\"maps\" content=\"", "AIza%g35", "\">", "AIza****(39)");
	add_token(fx, "npm-token", "//registry.npmjs.org/:_authToken=", "npm_%a36", "", "npm_****(40)");
	add_token(fx, "azure-storage-key", "DefaultEndpointsProtocol=https;AccountName=acme;AccountKey=", "%b86==",
		  ";EndpointSuffix=core.windows.net", "****(88)");
	add_pem(fx, "RSA PRIVATE KEY", NULL, BODY_DER_LONG, STYLE_LF, "private-key", "");
	strbuf_addstr(&fx->text, "some text between keys\n");
	add_pem(fx, "EC PRIVATE KEY", NULL, BODY_DER_SHORT, STYLE_LF, "private-key", "");
	add_pem(fx, "OPENSSH PRIVATE KEY", NULL, BODY_OPENSSH, STYLE_LF, "private-key", "");
	add_pem(fx, "ENCRYPTED PRIVATE KEY", NULL, BODY_DER_LONG, STYLE_LF, "private-key", "");
	add_pem(fx, "PRIVATE KEY", NULL, BODY_DER_LONG, STYLE_CRLF, "private-key", "");
	add_pem(fx, "RSA PRIVATE KEY", "Proc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,0123456789ABCDEF0123456789ABCDEF\n",
		BODY_CIPHER, STYLE_LF, "private-key", "");
	add_pem(fx, "PGP PRIVATE KEY BLOCK", "Version: GnuPG v2\n", BODY_PGP, STYLE_LF, "private-key", "");
	add_pem(fx, "DSA PRIVATE KEY", NULL, BODY_DER_LONG, STYLE_CONCAT, "private-key", "const testKey = ");
	strbuf_addstr(&fx->text, "{\n  \"type\": \"service_account\",\n  \"project_id\": \"acme\",\n");
	add_pem(fx, "PRIVATE KEY", NULL, BODY_DER_LONG, STYLE_JSON, "gcp-service-account", "  \"private_key\": \"");
	strbuf_addstr(&fx->text, "  \"client_email\": \"ci@acme.iam.gserviceaccount.com\"\n}\n");
}

static void fixture_release(struct fixture *fx)
{
	strbuf_release(&fx->text);
}

/* Scan text cut at the given offsets (ascending), into out. */
static void scan_cut(const char *text, size_t len, const size_t *cuts, size_t ncuts, struct secret_list *out)
{
	struct secrets_scan *s = NULL;
	size_t i, at = 0;

	ck_assert_int_eq(secrets_begin(&s, "app/settings"), 0);
	for (i = 0; i <= ncuts; i++) {
		size_t end = i < ncuts ? cuts[i] : len;

		ck_assert_int_eq(secrets_feed(s, text + at, end - at), 0);
		at = end;
	}
	ck_assert_int_eq(secrets_end(s, out), 0);
	secrets_free(s);
}

/* Everything the findings say, as text, to compare two scans. */
static void list_dump(const struct secret_list *l, struct strbuf *out)
{
	size_t i;

	strbuf_reset(out);
	for (i = 0; i < l->n; i++)
		strbuf_addf(out, "%s %s %zu %llu %s %s\n", l->v[i].rule, l->v[i].path, l->v[i].line,
			    (unsigned long long)l->v[i].offset, l->v[i].fingerprint, l->v[i].redacted);
	strbuf_addf(out, "skipped %zu dropped %zu\n", l->skipped, l->dropped);
}

static void assert_matches(const struct fixture *fx, const struct secret_list *l)
{
	struct strbuf fp = STRBUF_INIT;
	size_t i;

	ck_assert_uint_eq(l->n, fx->n);
	for (i = 0; i < fx->n; i++) {
		strbuf_reset(&fp);
		sha256_hex(&fp, fx->e[i].value, strlen(fx->e[i].value));
		strbuf_setlen(&fp, 16);
		ck_assert_msg(!strcmp(l->v[i].rule, fx->e[i].rule), "finding %zu: rule %s, expected %s", i, l->v[i].rule,
			      fx->e[i].rule);
		ck_assert_msg(l->v[i].line == fx->e[i].line, "finding %zu (%s): line %zu, expected %zu", i,
			      fx->e[i].rule, l->v[i].line, fx->e[i].line);
		ck_assert_str_eq(l->v[i].redacted, fx->e[i].redacted);
		ck_assert_str_eq(l->v[i].fingerprint, fp.buf);
		ck_assert_str_eq(l->v[i].path, "app/settings");
	}
	ck_assert_uint_eq(l->skipped, 0);
	ck_assert_uint_eq(l->dropped, 0);
	strbuf_release(&fp);
}

START_TEST(each_rule_found_on_its_line)
{
	struct fixture fx;
	struct secret_list l = { 0 };

	fixture_build(&fx);
	ck_assert_uint_eq(fx.n, 24);
	scan_cut(fx.text.buf, fx.text.len, NULL, 0, &l);
	assert_matches(&fx, &l);
	/* offsets point at the match: the first key id is on line 4 after "aws_access_key_id = " */
	ck_assert_uint_eq(l.v[0].offset, (size_t)(strstr(fx.text.buf, "AKIA") - fx.text.buf));
	ck_assert_str_eq(l.v[0].title, "AWS access key ID");
	secret_list_release(&l);
	fixture_release(&fx);
}
END_TEST

START_TEST(any_chunking_gives_the_same_findings)
{
	struct fixture fx;
	struct secret_list l = { 0 };
	struct strbuf want = STRBUF_INIT, got = STRBUF_INIT;
	size_t *cuts, i, n, splits = 0;

	fixture_build(&fx);
	scan_cut(fx.text.buf, fx.text.len, NULL, 0, &l);
	assert_matches(&fx, &l);
	list_dump(&l, &want);
	secret_list_release(&l);
	cuts = calloc(fx.text.len + 1, sizeof(*cuts));
	/* one byte at a time */
	for (i = 0; i < fx.text.len; i++)
		cuts[i] = i;
	scan_cut(fx.text.buf, fx.text.len, cuts, fx.text.len, &l);
	list_dump(&l, &got);
	ck_assert_str_eq(got.buf, want.buf);
	secret_list_release(&l);
	/* two pieces, cut at every offset */
	for (i = 0; i <= fx.text.len; i++, splits++) {
		scan_cut(fx.text.buf, fx.text.len, &i, 1, &l);
		list_dump(&l, &got);
		ck_assert_msg(!strcmp(got.buf, want.buf), "cut at %zu:\n%s\nexpected:\n%s", i, got.buf, want.buf);
		secret_list_release(&l);
	}
	ck_assert_uint_eq(splits, fx.text.len + 1);
	/* random piece sizes, small and large, so the carry and in-place paths alternate */
	for (i = 0; i < 300; i++) {
		size_t at = 0, max = i % 3 == 0 ? 8 : i % 3 == 1 ? 700 : 3000;

		for (n = 0; (at += 1 + rnd(&fx) % max) < fx.text.len; n++)
			cuts[n] = at;
		scan_cut(fx.text.buf, fx.text.len, cuts, n, &l);
		list_dump(&l, &got);
		ck_assert_msg(!strcmp(got.buf, want.buf), "random chunking %zu differs", i);
		secret_list_release(&l);
	}
	free(cuts);
	strbuf_release(&want);
	strbuf_release(&got);
	fixture_release(&fx);
}
END_TEST

START_TEST(value_never_in_output)
{
	struct fixture fx;
	struct secret_list l = { 0 };
	struct strbuf all = STRBUF_INIT;
	size_t i;

	fixture_build(&fx);
	scan_cut(fx.text.buf, fx.text.len, NULL, 0, &l);
	ck_assert_uint_eq(l.n, fx.n);
	for (i = 0; i < l.n; i++) {
		json_t *j = secret_to_json(&l.v[i]);

		ck_assert_ptr_nonnull(j);
		ck_assert_int_eq(jsonx_dump_canonical(&all, j), 0);
		json_decref(j);
		strbuf_addf(&all, "\n%s %s %s %s %s\n", l.v[i].rule, l.v[i].title, l.v[i].path, l.v[i].fingerprint,
			    l.v[i].redacted);
	}
	for (i = 0; i < fx.n; i++) {
		const char *v = fx.e[i].value;
		size_t len = strlen(v), k;
		char window[9];

		ck_assert_msg(!strstr(all.buf, v), "value of %s found in the output", fx.e[i].rule);
		/* nor any 8 characters of it past what the redacted form may show */
		for (k = 4; k + 8 <= len; k++) {
			memcpy(window, v + k, 8);
			window[8] = 0;
			ck_assert_msg(!strstr(all.buf, window), "part of the %s value found in the output: %s",
				      fx.e[i].rule, all.buf);
		}
	}
	secret_list_release(&l);
	strbuf_release(&all);
	fixture_release(&fx);
}
END_TEST

START_TEST(placeholders_and_fixtures_are_skipped)
{
	static const char *const skipped[] = {
		"aws_access_key_id = AKIAIOSFODNN7EXAMPLE\n",
		"aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n",
		"token: ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\n",
		"SLACK_TOKEN=xoxb-1234567890-1234567890-abcdefghijklmnopqrstuvwx\n",
		"https://hooks.slack.com/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX\n",
		"UseDevelopmentStorage: AccountName=devstoreaccount1;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uS"
		"RZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;\n",
		/* a key cut short: the DER header announces 270 bytes, the body holds 78 */
		"KEY = b\"\"\"-----BEGIN PRIVATE KEY-----\n"
		"        MIIBCgKCAQEA4ej0p7bQ7L/r4rVGUz9RN4VQWoej1Bg1mYWIDYslvKrk1gpj7wZg\n"
		"        /fy3ZpsL7WqgsZS7Q+0VRK8gKfqkxg5OYQIDAQAB\n"
		"        -----END PRIVATE KEY-----\"\"\"\n",
		"-----BEGIN OPENSSH PRIVATE KEY-----\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\n-----END\n",
	};
	static const char *const not_matched[] = {
		"-----BEGIN RSA PRIVATE KEY-----\n...\n-----END RSA PRIVATE KEY-----\n",
		"-----BEGIN RSA PRIVATE KEY-----\nMIIEpAIBAAKCAQEA...\n-----END RSA PRIVATE KEY-----\n",
		"-----BEGIN CERTIFICATE-----\nMIIDdzCCAl+gAwIBAgIEAgAAuTANBgkqhkiG9w0BAQUFADBaMQswCQYDVQQGEwJJ\n",
		"AKIAIOSFODNN7ABCDE\n",                         /* 2 short */
		"XAKIAIOSFODNN7ABCDEFG\n",                      /* inside a longer word */
		"password=hunter2 passwd: correcthorse\n",      /* not a rule */
		"aws_secret_access_key\n",                      /* no assignment */
		"npm_config_cache=/tmp/npm\n",
		"sk_test_4eC39HqLyjWDarjtT1zdp7dc\n",           /* test keys are not live keys */
		"ghp_aB3dE5fG7hI9jK1lM3nO5pQ7rS9tU1vW3xY5z\n", /* 37, one too many */
		"glpat-short\n",
		"xoxb-not-a-real-token-for-the-tests\n",
	};
	struct secret_list l = { 0 };
	size_t i;

	for (i = 0; i < ARRAY_SIZE(skipped); i++) {
		ck_assert_int_eq(secrets_scan_text(&l, "f", skipped[i], strlen(skipped[i])), 0);
		ck_assert_msg(l.n == 0 && l.skipped == i + 1, "placeholder %zu: %zu findings, %zu skipped", i, l.n,
			      l.skipped);
	}
	for (i = 0; i < ARRAY_SIZE(not_matched); i++) {
		ck_assert_int_eq(secrets_scan_text(&l, "f", not_matched[i], strlen(not_matched[i])), 0);
		ck_assert_msg(l.n == 0, "near miss %zu was reported as %s", i, l.n ? l.v[0].rule : "");
	}
	ck_assert_uint_eq(l.skipped, ARRAY_SIZE(skipped));
	/* The same shape without the placeholder is reported: the skip is what hid it. */
	ck_assert_int_eq(secrets_scan_text(&l, "f", "id = AKIAIOSFODNN7ABCDEFG\n", 25), 0);
	ck_assert_uint_eq(l.n, 1);
	ck_assert_str_eq(l.v[0].rule, "aws-access-key-id");
	ck_assert_str_eq(l.v[0].redacted, "AKIA****(20)");
	secret_list_release(&l);
}
END_TEST

START_TEST(text_api_binary_files_and_limits)
{
	struct secret_list l = { 0 };
	struct strbuf sb = STRBUF_INIT;
	struct fixture fx;
	size_t i;

	fx.rng = 42;
	make_value(&fx, &sb, "AWS_ACCESS_KEY_ID=AKIA%k16");
	ck_assert_int_eq(secrets_scan_text(&l, "config:Env[3]", sb.buf, sb.len), 0);
	ck_assert_uint_eq(l.n, 1);
	ck_assert_str_eq(l.v[0].path, "config:Env[3]");
	ck_assert_uint_eq(l.v[0].line, 1);
	ck_assert_uint_eq(l.v[0].offset, 18);
	secret_list_release(&l);

	/* a binary file: the match is reported with line 0 and its offset */
	strbuf_reset(&sb);
	strbuf_add(&sb, "\x7f" "ELF\x02\x01\x01\0\0\0\n\n", 12);
	make_value(&fx, &sb, "ghp_%a36");
	strbuf_add(&sb, "\0\x01\x02", 3);
	ck_assert_int_eq(secrets_scan_text(&l, "usr/bin/tool", sb.buf, sb.len), 0);
	ck_assert_uint_eq(l.n, 1);
	ck_assert_uint_eq(l.v[0].line, 0);
	ck_assert_uint_eq(l.v[0].offset, 12);
	secret_list_release(&l);

	/* at most SECRETS_MAX_PER_FILE findings a file; the rest are counted */
	strbuf_reset(&sb);
	for (i = 0; i < SECRETS_MAX_PER_FILE + 50; i++) {
		make_value(&fx, &sb, "AKIA%k16\n");
	}
	ck_assert_int_eq(secrets_scan_text(&l, "keys.txt", sb.buf, sb.len), 0);
	ck_assert_uint_eq(l.n, SECRETS_MAX_PER_FILE);
	ck_assert_uint_eq(l.dropped, 50);
	ck_assert_uint_eq(l.v[SECRETS_MAX_PER_FILE - 1].line, SECRETS_MAX_PER_FILE);
	secret_list_release(&l);
	strbuf_release(&sb);
}
END_TEST

START_TEST(json_form)
{
	struct secret s = { 0 };
	struct strbuf out = STRBUF_INIT;
	json_t *j;

	s.rule = "github-token";
	s.title = "GitHub token";
	s.path = "opt/app/\xff\xfe.env";
	s.line = 3;
	s.offset = 42;
	s.fingerprint = "0123456789abcdef";
	s.redacted = "ghp_****(40)";
	j = secret_to_json(&s);
	ck_assert_ptr_nonnull(j);
	jsonx_dump_canonical(&out, j);
	ck_assert_str_eq(out.buf, "{\"fingerprint\":\"0123456789abcdef\",\"line\":3,\"offset\":42,\"path\":\"opt/app/??.env\","
				  "\"redacted\":\"ghp_****(40)\",\"removed\":false,\"rule\":\"github-token\",\"title\":"
				  "\"GitHub token\"}");
	json_decref(j);
	s.layer = "sha256:abc";
	s.removed = 1;
	j = secret_to_json(&s);
	ck_assert_str_eq(jsonx_str(j, "layer"), "sha256:abc");
	ck_assert(json_is_true(json_object_get(j, "removed")));
	json_decref(j);
	strbuf_release(&out);
}
END_TEST

START_TEST(gcp_needs_the_service_account_marker)
{
	struct fixture fx;
	struct secret_list l = { 0 };

	memset(&fx, 0, sizeof(fx));
	strbuf_init(&fx.text, 0);
	fx.rng = 7;
	/* "private_key" member without "service_account" anywhere: a plain private key */
	strbuf_addstr(&fx.text, "{\"private_key\" : \"");
	add_pem(&fx, "PRIVATE KEY", NULL, BODY_DER_LONG, STYLE_JSON, "private-key", "");
	strbuf_addstr(&fx.text, "}\n");
	ck_assert_int_eq(secrets_scan_text(&l, "k.json", fx.text.buf, fx.text.len), 0);
	ck_assert_uint_eq(l.n, 1);
	ck_assert_str_eq(l.v[0].rule, "private-key");
	secret_list_release(&l);
	/* the marker after the key still makes it a service account key */
	strbuf_addstr(&fx.text, "{\"type\": \"service_account\"}\n");
	ck_assert_int_eq(secrets_scan_text(&l, "k.json", fx.text.buf, fx.text.len), 0);
	ck_assert_uint_eq(l.n, 1);
	ck_assert_str_eq(l.v[0].rule, "gcp-service-account");
	ck_assert_str_eq(l.v[0].title, "GCP service account key");
	secret_list_release(&l);
	fixture_release(&fx);
}
END_TEST

/* The base64 body of the first PEM block of text (what the fingerprint covers). */
static void pem_body_of(const char *text, struct strbuf *out)
{
	const char *p = strchr(text, '\n') + 1;

	strbuf_reset(out);
	for (; *p && *p != '-'; p++)
		if (secrets_is_b64((unsigned char)*p))
			strbuf_addch(out, *p);
}

START_TEST(keys_written_by_openssl)
{
	EVP_PKEY *rsa = EVP_RSA_gen(2048), *ec = EVP_EC_gen("P-256");
	struct strbuf body = STRBUF_INIT, fp = STRBUF_INIT;
	struct secret_list l = { 0 };
	int k;

	ck_assert_ptr_nonnull(rsa);
	ck_assert_ptr_nonnull(ec);
	for (k = 0; k < 8; k++) {
		BIO *bio = BIO_new(BIO_s_mem());
		EVP_PKEY *key = k < 5 ? rsa : ec;
		const char *want = NULL;
		char *pem;
		long len;
		int rc = 0;

		switch (k) {
		case 0: case 5:
			rc = PEM_write_bio_PrivateKey(bio, key, NULL, NULL, 0, NULL, NULL);
			want = "-----BEGIN PRIVATE KEY----- ****";
			break;
		case 1: case 6:
			rc = PEM_write_bio_PrivateKey_traditional(bio, key, NULL, NULL, 0, NULL, NULL);
			want = k == 1 ? "-----BEGIN RSA PRIVATE KEY----- ****" : "-----BEGIN EC PRIVATE KEY----- ****";
			break;
		case 2: case 7:
			rc = PEM_write_bio_PKCS8PrivateKey(bio, key, EVP_aes_256_cbc(), NULL, 0, NULL, "passphrase");
			want = "-----BEGIN ENCRYPTED PRIVATE KEY----- ****";
			break;
		case 3: /* legacy encryption: Proc-Type and DEK-Info headers */
			rc = PEM_write_bio_PrivateKey_traditional(bio, key, EVP_aes_128_cbc(), (unsigned char *)"pw", 2,
								  NULL, NULL);
			want = "-----BEGIN RSA PRIVATE KEY----- ****";
			break;
		case 4: /* public parts are not secrets */
			rc = PEM_write_bio_PUBKEY(bio, key);
			break;
		}
		ck_assert_int_eq(rc, 1);
		len = BIO_get_mem_data(bio, &pem);
		ck_assert_int_eq(secrets_scan_text(&l, "key.pem", pem, (size_t)len), 0);
		if (!want) {
			ck_assert_uint_eq(l.n, 0);
		} else {
			ck_assert_msg(l.n == 1, "key %d: %zu findings, %zu skipped", k, l.n, l.skipped);
			ck_assert_str_eq(l.v[0].redacted, want);
			ck_assert_uint_eq(l.v[0].line, 1);
			strbuf_add(&body, pem, (size_t)len);
			if (k == 3) /* skip the two header lines and the blank one */
				memmove(body.buf, strstr(body.buf, "\n\n") + 1, strlen(strstr(body.buf, "\n\n") + 1) + 1);
			pem_body_of(body.buf, &fp);
			strbuf_reset(&body);
			sha256_hex(&body, fp.buf, fp.len);
			strbuf_setlen(&body, 16);
			ck_assert_str_eq(l.v[0].fingerprint, body.buf);
			strbuf_reset(&body);
		}
		ck_assert_uint_eq(l.skipped, 0);
		secret_list_release(&l);
		BIO_free(bio);
	}
	EVP_PKEY_free(rsa);
	EVP_PKEY_free(ec);
	strbuf_release(&body);
	strbuf_release(&fp);
}
END_TEST

START_TEST(prefilter_kernels_agree)
{
	static const char *const anchors[] = { "-BEG", "ntKe", "AKIA", "ASIA", "AIza", "ghp_", "npm_",
					       "glpa", "b_pa", "k_li", "T_aC", "e_ac", ".sla", "xoxb" };
	static const char pieces[] = "-BEGAKSIzaghnpm_lbkitTcCe.sxo=Key\n ";
	const size_t N = 1 << 20;
	unsigned char *buf = malloc(N);
	struct fixture fx;
	struct secret_list l = { 0 };
	struct strbuf want = STRBUF_INIT, got = STRBUF_INIT;
	size_t i, from, to, len, p0, p, hits = 0;
	unsigned a0 = 0, a = 0;
	int k, old = secrets_filter_use(0);

	/* anchors, anchors with one byte changed, anchor characters and noise */
	fx.rng = 99;
	for (i = 0; i < N;) {
		if (rnd(&fx) % 40 == 0 && i + 4 <= N) {
			memcpy(buf + i, anchors[rnd(&fx) % ARRAY_SIZE(anchors)], 4);
			if (rnd(&fx) % 2)
				buf[i + rnd(&fx) % 4] = (unsigned char)pieces[rnd(&fx) % (sizeof(pieces) - 1)];
			i += 4;
		} else {
			buf[i++] = rnd(&fx) % 4 ? (unsigned char)pieces[rnd(&fx) % (sizeof(pieces) - 1)]
						: (unsigned char)rnd(&fx);
		}
	}
	for (k = 1; k <= 2; k++) {
		if (secrets_filter_use(k) < 0)
			continue;
		/* every anchor of the buffer, in order */
		for (from = 0; from < N; from = p0 + 1) {
			secrets_filter_use(0);
			p0 = secrets_filter_next(buf, from, N, N, &a0);
			secrets_filter_use(k);
			p = secrets_filter_next(buf, from, N, N, &a);
			ck_assert_msg(p == p0, "kernel %d: anchor at %zu, the table loop says %zu", k, p, p0);
			if (p0 < N) {
				ck_assert_uint_eq(a, a0);
				hits++;
			}
		}
		/* windows ending anywhere, with the bytes ending anywhere after them */
		for (i = 0; i < 20000; i++) {
			from = rnd(&fx) % N;
			to = from + rnd(&fx) % 3000;
			len = to + rnd(&fx) % 40;
			len = len > N ? N : len;
			secrets_filter_use(0);
			p0 = secrets_filter_next(buf, from, to, len, &a0);
			secrets_filter_use(k);
			p = secrets_filter_next(buf, from, to, len, &a);
			ck_assert_msg(p == p0, "kernel %d, [%zu, %zu) of %zu: %zu, the table loop says %zu", k, from, to,
				      len, p, p0);
		}
	}
	ck_assert(hits == 0 || hits > 10000);
	/* and the whole scanner */
	fixture_build(&fx);
	for (k = 0; k <= 2; k++) {
		if (secrets_filter_use(k) < 0)
			continue;
		scan_cut(fx.text.buf, fx.text.len, NULL, 0, &l);
		list_dump(&l, k ? &got : &want);
		if (k)
			ck_assert_str_eq(got.buf, want.buf);
		secret_list_release(&l);
	}
	secrets_filter_use(old);
	free(buf);
	strbuf_release(&want);
	strbuf_release(&got);
	fixture_release(&fx);
}
END_TEST

Suite *secrets_suite(void)
{
	Suite *s = suite_create("secrets");
	TCase *tc = tcase_create("secrets");

	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, each_rule_found_on_its_line);
	tcase_add_test(tc, any_chunking_gives_the_same_findings);
	tcase_add_test(tc, value_never_in_output);
	tcase_add_test(tc, placeholders_and_fixtures_are_skipped);
	tcase_add_test(tc, text_api_binary_files_and_limits);
	tcase_add_test(tc, json_form);
	tcase_add_test(tc, gcp_needs_the_service_account_marker);
	tcase_add_test(tc, keys_written_by_openssl);
	tcase_add_test(tc, prefilter_kernels_agree);
	suite_add_tcase(s, tc);
	return s;
}
