/*
 * The rules of the secrets scanner.
 *
 * A finding in due diligence is serious, so every rule asks for the exact
 * shape of a real credential: its fixed prefix, the documented length and
 * alphabet, and a token boundary on both sides (the byte before and after is
 * not part of the token's alphabet).  Generic "password=" assignments are
 * deliberately not a rule: they are mostly defaults, templates and docs.
 *
 *   rule                       matches                                     shown
 *   private-key                -----BEGIN {RSA,EC,DSA,OPENSSH,ENCRYPTED,   BEGIN line
 *                              PGP} PRIVATE KEY[ BLOCK]----- or -----BEGIN
 *                              PRIVATE KEY-----, then a line break (also
 *                              an escaped \n, or spaces), optional armour
 *                              headers (Proc-Type:, DEK-Info:, Version:),
 *                              then at least 40 base64 characters; a test
 *                              fixture such as "...KEY-----\n..." is not one.
 *                              The whole body (to the END line, across
 *                              escaped newlines and "..." + "..." string
 *                              concatenation) must then be a key: one DER
 *                              SEQUENCE of exactly the body's length
 *                              (PKCS#1, PKCS#8, SEC1, encrypted PKCS#8),
 *                              the openssh-key-v1 magic, a PGP secret-key
 *                              packet, or whole 8-byte blocks under
 *                              Proc-Type; a key cut short ("fake keys for
 *                              regex checks") counts as a placeholder
 *   gcp-service-account        a private key held in a JSON "private_key"  BEGIN line
 *                              member of a file that says service_account
 *   aws-access-key-id          AKIA|ASIA + 16 of [A-Z2-7]                   AKIA
 *   aws-secret-access-key      aws_secret_access_key (any case), then      nothing
 *                              quotes/blanks with = or : (also => and :=),
 *                              then 40 of [A-Za-z0-9+/] with both cases
 *   github-token               gh[pousr]_ + 36 of [A-Za-z0-9]               ghp_
 *   github-fine-grained-token  github_pat_ + 82 of [A-Za-z0-9_]             gith
 *   gitlab-token               glpat- + 20..128 of [A-Za-z0-9_.-], at least glpa
 *                              20 before any '.'
 *   slack-token                xox[baprs]- + 20..250 of [A-Za-z0-9-] that   xoxb
 *                              starts with digits and a '-'
 *   slack-webhook              hooks.slack.com/services/T…/B…/ + 24 alnum  hook
 *   stripe-live-key            sk_live_|rk_live_ + 24..247 alnum            sk_l
 *   google-api-key             AIza + 35 of [A-Za-z0-9_-]                   AIza
 *   npm-token                  npm_ + 36 of [A-Za-z0-9]                     npm_
 *   azure-storage-key          AccountKey= + 86 of [A-Za-z0-9+/] + "=="     nothing
 *
 * Placeholders are skipped (counted in secret_list.skipped, not reported):
 * a value containing "example" in any case (AWS documents
 * AKIAIOSFODNN7EXAMPLE), a run of 8 equal characters ("xxxxxxxx"), 8
 * consecutive ascending characters ("12345678", "abcdefgh"), and the
 * published Azurite development key.  A real random token of these lengths
 * has such a pattern with a probability below 1e-8.  For private keys, whose
 * bodies legitimately hold runs such as "AAAAAAAA", the placeholder test is a
 * first body line of fewer than 8 distinct characters.
 *
 * Binary files are scanned like text: a credential compiled into a program
 * is as real as one in a config file.  Noise does not produce findings: a
 * match needs the 4-byte prefix, then 16 to 86 bytes all in the token's
 * alphabet, then a byte outside it; in random bytes the most likely rule
 * (aws-access-key-id: 2 * 256^-4 * (32/256)^16) fires with a probability
 * near 1e-24 per position.  A file
 * with a NUL in its first 8000 bytes is reported with line 0 (its offset
 * locates the match).
 *
 * Rules look at most SECRETS_LOOKBEHIND bytes before the anchor and
 * SECRETS_LOOKAHEAD from it, through the bounds-checked at().
 */
#include "secrets_int.h"

#include <string.h>

const struct secrets_rule_info secrets_rules[SR_COUNT] = {
	[SR_PRIVATE_KEY] = { "private-key", "Private key", 0 },
	[SR_AWS_ACCESS_KEY_ID] = { "aws-access-key-id", "AWS access key ID", 4 },
	[SR_AWS_SECRET_ACCESS_KEY] = { "aws-secret-access-key", "AWS secret access key", 0 },
	[SR_GITHUB_TOKEN] = { "github-token", "GitHub token", 4 },
	[SR_GITHUB_PAT] = { "github-fine-grained-token", "GitHub fine-grained personal access token", 4 },
	[SR_GITLAB_TOKEN] = { "gitlab-token", "GitLab personal access token", 4 },
	[SR_SLACK_TOKEN] = { "slack-token", "Slack token", 4 },
	[SR_SLACK_WEBHOOK] = { "slack-webhook", "Slack incoming webhook URL", 4 },
	[SR_STRIPE_KEY] = { "stripe-live-key", "Stripe live secret key", 4 },
	[SR_GOOGLE_API_KEY] = { "google-api-key", "Google API key", 4 },
	[SR_GCP_SERVICE_ACCOUNT] = { "gcp-service-account", "GCP service account key", 0 },
	[SR_NPM_TOKEN] = { "npm-token", "npm access token", 4 },
	[SR_AZURE_STORAGE_KEY] = { "azure-storage-key", "Azure storage account key", 0 },
};

/* The key of the Azurite storage emulator, published in Microsoft's documentation. */
static const char azurite_key[] =
	"Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

static const char *const pem_labels[] = { "RSA PRIVATE KEY",	   "EC PRIVATE KEY",	    "DSA PRIVATE KEY",
					  "OPENSSH PRIVATE KEY",   "ENCRYPTED PRIVATE KEY", "PRIVATE KEY",
					  "PGP PRIVATE KEY BLOCK", NULL };

struct view {
	const unsigned char *b;
	size_t lo, hi;
};

/* The byte at i, or -1 outside the window (before the file, after what the rule may see). */
static int at(const struct view *v, size_t i)
{
	return i >= v->lo && i < v->hi ? v->b[i] : -1;
}

static int is_alnum(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

static int is_word(int c) /* [A-Za-z0-9_] */
{
	return is_alnum(c) || c == '_';
}

static int is_urlsafe(int c) /* [A-Za-z0-9_-] */
{
	return is_word(c) || c == '-';
}

static int is_b64chars(int c) /* [A-Za-z0-9+/] */
{
	return is_alnum(c) || c == '+' || c == '/';
}

int secrets_is_b64(unsigned char c)
{
	return is_b64chars(c) || c == '=';
}

static int is_b64eq(int c)
{
	return c >= 0 && secrets_is_b64((unsigned char)c);
}

static int is_aws_id(int c) /* [A-Z2-7] */
{
	return (c >= 'A' && c <= 'Z') || (c >= '2' && c <= '7');
}

static int is_upper_digit(int c)
{
	return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

static int is_digit(int c)
{
	return c >= '0' && c <= '9';
}

static int is_slack(int c) /* [A-Za-z0-9-] */
{
	return is_alnum(c) || c == '-';
}

static int is_gitlab(int c) /* [A-Za-z0-9_.-] */
{
	return is_urlsafe(c) || c == '.';
}

/* How many bytes from i are in the class, counting no further than max. */
static size_t span(const struct view *v, size_t i, int (*cls)(int), size_t max)
{
	size_t n = 0;
	int c;

	while (n < max && (c = at(v, i + n)) >= 0 && cls(c))
		n++;
	return n;
}

static int lit(const struct view *v, size_t i, const char *s)
{
	size_t k;

	for (k = 0; s[k]; k++)
		if (at(v, i + k) != (unsigned char)s[k])
			return 0;
	return 1;
}

static int lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c + 32 : c;
}

static int lit_ci(const struct view *v, size_t i, const char *s)
{
	size_t k;

	for (k = 0; s[k]; k++)
		if (lower(at(v, i + k)) != (unsigned char)s[k])
			return 0;
	return 1;
}

/* The byte before start is not part of a token of class cls (or there is none). */
static int left_ok(const struct view *v, size_t start, int (*cls)(int))
{
	int c = at(v, start - 1);

	return c < 0 || !cls(c);
}

static int right_ok(const struct view *v, size_t end, int (*cls)(int))
{
	int c = at(v, end);

	return c < 0 || !cls(c);
}

static int is_placeholder(const unsigned char *p, size_t n)
{
	size_t k, same = 1, up = 1;

	if (n == sizeof(azurite_key) - 1 && !memcmp(p, azurite_key, n))
		return 1;
	for (k = 0; k + 7 <= n; k++) {
		static const char ex[] = "example";
		size_t m;

		for (m = 0; m < 7 && lower(p[k + m]) == ex[m]; m++)
			;
		if (m == 7)
			return 1;
	}
	for (k = 1; k < n; k++) {
		same = p[k] == p[k - 1] ? same + 1 : 1;
		up = p[k] == p[k - 1] + 1 ? up + 1 : 1;
		if (same >= 8 || up >= 8)
			return 1;
	}
	return 0;
}

static int set_value(const struct view *v, struct secrets_hit *h, int rule, size_t start, size_t vstart, size_t vend)
{
	h->rule = rule;
	h->start = start;
	h->vstart = vstart;
	h->vend = vend;
	h->placeholder = is_placeholder(v->b + vstart, vend - vstart);
	return 1;
}

/*
 * Line breaks between a BEGIN line and what follows: real ones, escaped "\n"
 * in strings, blanks, and string concatenation ("...\n" + "...").
 */
static size_t skip_breaks(const struct view *v, size_t q, int *count)
{
	int c, k, gap = 0;

	*count = 0;
	for (k = 0; k < 16; k++) {
		c = at(v, q);
		if (c == '\n' || c == '\r' || c == ' ' || c == '\t') {
			q++;
			(*count)++;
		} else if (c == '\\' && (at(v, q + 1) == 'n' || at(v, q + 1) == 'r')) {
			q += 2;
			(*count)++;
		} else if (c == '"' || c == '\'') {
			q++;
			gap = !gap;
		} else if (c == '+' && gap) { /* between two strings, '+' joins them; inside one it is base64 */
			q++;
		} else {
			break;
		}
	}
	return q;
}

static int is_header_name(int c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '-';
}

static int match_pem(const struct view *v, size_t i, struct secrets_hit *h)
{
	size_t start = i - 4, q, n, k, distinct;
	int breaks, hdr, c;
	unsigned char seen[256];

	if (!lit(v, start, "-----BEGIN ") || at(v, start - 1) == '-')
		return 0;
	q = start + 11;
	for (n = 0; n < sizeof(h->label) - 1 && ((c = at(v, q + n)) == ' ' || (c >= 'A' && c <= 'Z')); n++)
		h->label[n] = (char)c;
	h->label[n] = 0;
	if (!lit(v, q + n, "-----"))
		return 0;
	for (k = 0; pem_labels[k] && strcmp(pem_labels[k], h->label); k++)
		;
	if (!pem_labels[k])
		return 0;
	h->key_kind = !strcmp(h->label, "OPENSSH PRIVATE KEY") ? SK_OPENSSH
		      : !strcmp(h->label, "PGP PRIVATE KEY BLOCK") ? SK_PGP
								  : SK_DER;
	q = skip_breaks(v, q + n + 5, &breaks);
	if (!breaks)
		return 0;
	/* Armour headers ("Proc-Type: 4,ENCRYPTED", "Version: GnuPG"), each to the end of its line. */
	for (hdr = 0; hdr < 4; hdr++) {
		size_t name = span(v, q, is_header_name, 32);

		if (name < 2 || at(v, q + name) != ':')
			break;
		if (lit(v, q, "Proc-Type:"))
			h->key_kind = SK_LEGACY_ENCRYPTED;
		for (q += name, k = 0; k < 200 && (c = at(v, q)) >= 0 && c != '\n' && c != '\\'; k++)
			q++;
		q = skip_breaks(v, q, &breaks);
		if (!breaks)
			return 0;
	}
	n = span(v, q, is_b64eq, 80);
	if (n < 40)
		return 0;
	h->rule = SR_PRIVATE_KEY;
	h->start = start;
	h->vstart = q;
	h->vend = q + n;
	memset(seen, 0, sizeof(seen));
	for (k = distinct = 0; k < n; k++)
		if (!seen[v->b[q + k]]++)
			distinct++;
	h->placeholder = distinct < 8;
	/* "private_key"<ws>:<ws>"-----BEGIN, as in a GCP service account key file */
	k = start - 1;
	if (at(v, k) == '"') {
		for (k--; at(v, k) == ' ' || at(v, k) == '\t'; k--)
			;
		if (at(v, k) == ':') {
			for (k--; at(v, k) == ' ' || at(v, k) == '\t'; k--)
				;
			h->in_json_key = at(v, k) == '"' && lit(v, k - 12, "\"private_key");
		}
	}
	return 1;
}

static int match_aws_secret(const struct view *v, size_t i, struct secrets_hit *h)
{
	size_t start = i - 9, q, k, n;
	int assign = 0, up = 0, low = 0, c;

	if (!lit_ci(v, start, "aws_secret_access_key") || !left_ok(v, start, is_alnum))
		return 0;
	q = start + 21;
	for (k = 0; k < 8 && (c = at(v, q)) > 0 && strchr(" \t\"':=>", c); k++, q++)
		assign |= c == '=' || c == ':';
	if (!assign)
		return 0;
	n = span(v, q, is_b64chars, 41);
	if (n != 40 || !right_ok(v, q + n, is_b64eq))
		return 0;
	for (k = 0; k < n; k++) {
		up |= v->b[q + k] >= 'A' && v->b[q + k] <= 'Z';
		low |= v->b[q + k] >= 'a' && v->b[q + k] <= 'z';
	}
	if (!up || !low)
		return 0;
	return set_value(v, h, SR_AWS_SECRET_ACCESS_KEY, start, q, q + n);
}

static int match_slack_hook(const struct view *v, size_t i, struct secrets_hit *h)
{
	size_t start = i - 5, q, n;

	if (!lit(v, start, "hooks.slack.com/services/T") || !left_ok(v, start, is_gitlab))
		return 0;
	q = start + 26;
	n = span(v, q, is_upper_digit, 13);
	if (n < 8 || n > 12 || at(v, q + n) != '/' || at(v, q + n + 1) != 'B')
		return 0;
	q += n + 2;
	n = span(v, q, is_upper_digit, 13);
	if (n < 8 || n > 12 || at(v, q + n) != '/')
		return 0;
	q += n + 1;
	n = span(v, q, is_alnum, 25);
	if (n != 24)
		return 0;
	return set_value(v, h, SR_SLACK_WEBHOOK, start, start, q + n);
}

static int match_slack_token(const struct view *v, size_t i, struct secrets_hit *h)
{
	size_t q = i + 5, n, d, k, digits = 0;
	int c = at(v, i + 3);

	if (c <= 0 || !strchr("baprs", c) || at(v, i + 4) != '-' || !left_ok(v, i, is_urlsafe))
		return 0;
	n = span(v, q, is_slack, 251);
	d = span(v, q, is_digit, n);
	if (n < 20 || n > 250 || d == 0 || at(v, q + d) != '-' || !right_ok(v, q + n, is_word))
		return 0;
	for (k = 0; k < n; k++)
		digits += is_digit(v->b[q + k]);
	if (digits < 8)
		return 0;
	return set_value(v, h, SR_SLACK_TOKEN, i, i, q + n);
}

static int match_gitlab(const struct view *v, size_t i, struct secrets_hit *h)
{
	size_t q = i + 6, n, first;

	if (!lit(v, i, "glpat-") || !left_ok(v, i, is_urlsafe))
		return 0;
	n = span(v, q, is_gitlab, 129);
	while (n && at(v, q + n - 1) == '.') /* the full stop of a sentence */
		n--;
	first = span(v, q, is_urlsafe, n);
	if (first < 20 || n > 128)
		return 0;
	return set_value(v, h, SR_GITLAB_TOKEN, i, i, q + n);
}

/* prefix at start, then exactly len bytes of class cls, bounded on both sides by bytes outside bound. */
static int fixed_token(const struct view *v, struct secrets_hit *h, int rule, size_t start, size_t prefix_len,
		       size_t len, int (*cls)(int), int (*bound)(int))
{
	size_t n = span(v, start + prefix_len, cls, len + 1);

	if (n != len || !left_ok(v, start, bound) || !right_ok(v, start + prefix_len + n, bound))
		return 0;
	return set_value(v, h, rule, start, start, start + prefix_len + n);
}

int secrets_rule_match(int a, const unsigned char *b, size_t lo, size_t hi, size_t i, struct secrets_hit *h)
{
	struct view v = { b, lo, hi };
	size_t n;
	int c;

	memset(h, 0, sizeof(*h));
	switch (a) {
	case SA_PEM:
		return match_pem(&v, i, h);
	case SA_AZURE:
		if (!lit(&v, i - 5, "AccountKey=") || !left_ok(&v, i - 5, is_alnum))
			return 0;
		n = span(&v, i + 6, is_b64chars, 87);
		if (n != 86 || !lit(&v, i + 6 + n, "==") || !right_ok(&v, i + 8 + n, is_b64eq))
			return 0;
		return set_value(&v, h, SR_AZURE_STORAGE_KEY, i - 5, i + 6, i + 8 + n);
	case SA_AWS_ID:
		return fixed_token(&v, h, SR_AWS_ACCESS_KEY_ID, i, 4, 16, is_aws_id, is_alnum);
	case SA_GOOGLE:
		return fixed_token(&v, h, SR_GOOGLE_API_KEY, i, 4, 35, is_urlsafe, is_urlsafe);
	case SA_GITHUB:
		c = at(&v, i + 2);
		if (c <= 0 || !strchr("pousr", c))
			return 0;
		return fixed_token(&v, h, SR_GITHUB_TOKEN, i, 4, 36, is_alnum, is_word);
	case SA_NPM:
		return fixed_token(&v, h, SR_NPM_TOKEN, i, 4, 36, is_alnum, is_word);
	case SA_GITLAB:
		return match_gitlab(&v, i, h);
	case SA_GITHUB_PAT:
		if (!lit(&v, i - 5, "github_pat_"))
			return 0;
		return fixed_token(&v, h, SR_GITHUB_PAT, i - 5, 11, 82, is_word, is_word);
	case SA_STRIPE:
		c = at(&v, i - 1);
		if ((c != 's' && c != 'r') || !lit(&v, i, "k_live_") || !left_ok(&v, i - 1, is_word))
			return 0;
		n = span(&v, i + 7, is_alnum, 248);
		if (n < 24 || n > 247 || !right_ok(&v, i + 7 + n, is_word))
			return 0;
		return set_value(&v, h, SR_STRIPE_KEY, i - 1, i - 1, i + 7 + n);
	case SA_AWS_SECRET:
		return match_aws_secret(&v, i, h);
	case SA_SERVICE_ACCOUNT:
		if (!lit(&v, i - 6, "service_account"))
			return 0;
		h->rule = SR_MARK_SERVICE_ACCOUNT;
		return 1;
	case SA_SLACK_HOOK:
		return match_slack_hook(&v, i, h);
	case SA_SLACK_TOKEN:
		return match_slack_token(&v, i, h);
	}
	return 0;
}
