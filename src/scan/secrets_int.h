/*
 * secrets_int: what secrets.c (the streaming driver), secrets_filter.c (the
 * prefilter) and secrets_rules.c (the rules) share.  Not for other modules.
 *
 * Every rule has a fixed 4-byte anchor somewhere in or before its token
 * ("-BEG" of "-----BEGIN", "AKIA", "k_li" of "sk_live_"...).  The prefilter
 * finds the anchors; the rule then looks at most SECRETS_LOOKBEHIND bytes
 * before the anchor and SECRETS_LOOKAHEAD bytes from it, never further, so
 * that the answer does not depend on how the file was cut into chunks.
 */
#ifndef VETTER_SECRETS_INT_H
#define VETTER_SECRETS_INT_H

#include <stddef.h>
#include <stdint.h>

#define SECRETS_LOOKBEHIND 64
#define SECRETS_LOOKAHEAD 512

enum secrets_anchor {
	SA_PEM,             /* "-BEG"  of -----BEGIN ... PRIVATE KEY----- */
	SA_AZURE,           /* "ntKe"  of AccountKey= */
	SA_AWS_ID,          /* "AKIA", "ASIA" */
	SA_GOOGLE,          /* "AIza" */
	SA_GITHUB,          /* "gh?_"  of ghp_ gho_ ghu_ ghs_ ghr_ */
	SA_NPM,             /* "npm_" */
	SA_GITLAB,          /* "glpa"  of glpat- */
	SA_GITHUB_PAT,      /* "b_pa"  of github_pat_ */
	SA_STRIPE,          /* "k_li"  of sk_live_, rk_live_ */
	SA_AWS_SECRET,      /* "t_ac"  of aws_secret_access_key, any case */
	SA_SERVICE_ACCOUNT, /* "e_ac"  of service_account (marks GCP key files) */
	SA_SLACK_HOOK,      /* ".sla"  of hooks.slack.com */
	SA_SLACK_TOKEN,     /* "xox?"  of xoxb- xoxa- xoxp- xoxr- xoxs- */
	SA_COUNT
};

enum secrets_rule {
	SR_PRIVATE_KEY,
	SR_AWS_ACCESS_KEY_ID,
	SR_AWS_SECRET_ACCESS_KEY,
	SR_GITHUB_TOKEN,
	SR_GITHUB_PAT,
	SR_GITLAB_TOKEN,
	SR_SLACK_TOKEN,
	SR_SLACK_WEBHOOK,
	SR_STRIPE_KEY,
	SR_GOOGLE_API_KEY,
	SR_GCP_SERVICE_ACCOUNT,
	SR_NPM_TOKEN,
	SR_AZURE_STORAGE_KEY,
	SR_COUNT,
	SR_MARK_SERVICE_ACCOUNT = 100 /* not a finding: "service_account" seen in the file */
};

struct secrets_rule_info {
	const char *id;
	const char *title;
	size_t shown; /* characters of the value that may be shown (its fixed prefix, at most 4) */
};
extern const struct secrets_rule_info secrets_rules[SR_COUNT];

/* Anchor a allows byte c at position j (0..3): bit a of secrets_anchor_mask[j][c]. */
extern uint16_t secrets_anchor_mask[4][256];

/* What a private key's decoded body must look like (checked once the body is read). */
enum secrets_key_kind {
	SK_DER,              /* PKCS#1, PKCS#8, SEC1: one DER SEQUENCE whose length is the body's */
	SK_OPENSSH,          /* starts with "openssh-key-v1\0" */
	SK_PGP,              /* starts with a secret-key packet tag */
	SK_LEGACY_ENCRYPTED  /* Proc-Type/DEK-Info headers: whole cipher blocks */
};

/* A rule's match: indexes into the buffer the rule was given. */
struct secrets_hit {
	int rule;          /* SR_* */
	size_t start;      /* where the match begins (its line is reported) */
	size_t vstart;     /* the value: [vstart, vend); for a private key, where the base64 body begins */
	size_t vend;
	int placeholder;   /* a documented example or a filler, not to be reported */
	int in_json_key;   /* private key held in a JSON "private_key" member */
	int key_kind;      /* private key: SK_* */
	char label[32];    /* private key: what follows BEGIN ("RSA PRIVATE KEY") */
};

/* Build the tables once (thread-safe). */
void secrets_filter_init(void);
/*
 * The first position p in [from, to) where some anchor matches b[p..p+4)
 * (bytes are valid up to len), with the anchors in *anchors; to when none.
 */
size_t secrets_filter_next(const unsigned char *b, size_t from, size_t to, size_t len, unsigned *anchors);
/*
 * Use prefilter kernel k (0 table loop, 1 SSSE3, 2 AVX2) from now on, for
 * tests comparing them: returns the kernel used before, or -1 (and changes
 * nothing) when this machine cannot run k.
 */
int secrets_filter_use(int k);
/* Number of '\n' bytes in b[0..n). */
size_t secrets_count_newlines(const unsigned char *b, size_t n);

/*
 * Run anchor a's rule at b[i] looking only at b[lo..hi).  1 and *h filled on a
 * match, 0 when none.
 */
int secrets_rule_match(int a, const unsigned char *b, size_t lo, size_t hi, size_t i, struct secrets_hit *h);

/* Base64 alphabet including '=' (what a PEM body is made of). */
int secrets_is_b64(unsigned char c);

#endif
