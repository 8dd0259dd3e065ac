/*
 * The streaming driver of the secrets scanner: chunks, carry-over, line
 * numbers, private key bodies, and the findings.
 *
 * Positions of the file are evaluated in order, each exactly once, by
 * running the rules where the prefilter finds an anchor.  A position p is
 * evaluated only once the bytes [p - LOOKBEHIND, p + LOOKAHEAD) are at hand
 * (or the file has ended), so a rule always sees the same window whatever
 * the chunking.  Large chunks are scanned in place; only the last
 * LOOKBEHIND + LOOKAHEAD bytes are copied to the carry buffer, where they
 * meet the start of the next chunk.
 *
 * A private key's fingerprint covers its whole base64 body, which may be
 * kilobytes long: the body is hashed as the scan passes over it, until the
 * END line (see pem_consume), and the first bytes and the length are kept
 * to check that the body is a whole key (pem_plausible); one that is not is
 * dropped and counted as skipped.
 */
#include "secrets.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/crypto.h"
#include "core/err.h"
#include "core/jsonx.h"
#include "core/strbuf.h"
#include "core/util.h"
#include "secrets_int.h"

#define LB SECRETS_LOOKBEHIND
#define LA SECRETS_LOOKAHEAD
#define CARRY_CAP (2 * (LB + LA))
#define SNIFF_LEN 8000                /* a NUL in the first 8000 bytes makes a file binary, as in git */
#define PEM_BODY_MAX ((size_t)1 << 20) /* hash no more of a key body than this */
#define FP_LEN 16

enum { PEM_BODY, PEM_ESCAPE, PEM_GAP };

struct pending {
	int rule;
	int in_json_key;
	uint64_t line;
	uint64_t offset;
	char fingerprint[FP_LEN + 1];
	char redacted[64];
};

struct secrets_scan {
	char *path;
	uint64_t total;     /* bytes fed so far */
	uint64_t next;      /* first position not yet evaluated */
	uint64_t carry_off; /* file offset of carry[0] */
	size_t carry_len;
	uint64_t lines;     /* newlines before line_pos */
	uint64_t line_pos;
	int binary, ended, failed;
	int service_account;
	struct pending *found;
	size_t n, cap, skipped, dropped;
	/* the private key whose body is being hashed */
	struct sha256 *sha;
	int pem_active, pem_state, pem_kind;
	uint64_t pem_pos; /* next body byte to look at */
	size_t pem_index, pem_len, pem_data;
	char pem_head[24]; /* the first base64 characters, to check what the key is */
	size_t pem_head_len;
	unsigned char carry[CARRY_CAP];
};

void secret_release(struct secret *s)
{
	free(s->rule);
	free(s->title);
	free(s->path);
	free(s->fingerprint);
	free(s->redacted);
	free(s->layer);
	memset(s, 0, sizeof(*s));
}

static int dup_str(char **dst, const char *src)
{
	*dst = NULL;
	if (!src)
		return 0;
	*dst = strdup(src);
	return *dst ? 0 : err_set(ERR_NOMEM, "out of memory");
}

int secret_list_add(struct secret_list *l, const struct secret *s)
{
	struct secret *q;

	if (l->n == l->cap) {
		size_t ncap = l->cap ? l->cap * 2 : 16;
		struct secret *nv = realloc(l->v, ncap * sizeof(*nv));

		if (!nv)
			return err_set(ERR_NOMEM, "out of memory");
		l->v = nv;
		l->cap = ncap;
	}
	q = &l->v[l->n];
	memset(q, 0, sizeof(*q));
	q->line = s->line;
	q->offset = s->offset;
	q->removed = s->removed;
	if (dup_str(&q->rule, s->rule) < 0 || dup_str(&q->title, s->title) < 0 || dup_str(&q->path, s->path) < 0 ||
	    dup_str(&q->fingerprint, s->fingerprint) < 0 || dup_str(&q->redacted, s->redacted) < 0 ||
	    dup_str(&q->layer, s->layer) < 0) {
		secret_release(q);
		return ERR_NOMEM;
	}
	l->n++;
	return 0;
}

void secret_list_release(struct secret_list *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		secret_release(&l->v[i]);
	free(l->v);
	memset(l, 0, sizeof(*l));
}

json_t *secret_to_json(const struct secret *s)
{
	json_t *j = json_object();

	if (!j)
		return NULL;
	if (jsonx_set_str(j, "rule", s->rule) < 0 || jsonx_set_str(j, "title", s->title) < 0 ||
	    json_object_set_new(j, "path", jsonx_string_lossy(s->path ? s->path : "")) < 0 ||
	    json_object_set_new(j, "line", json_integer((json_int_t)s->line)) < 0 ||
	    json_object_set_new(j, "offset", json_integer((json_int_t)s->offset)) < 0 ||
	    jsonx_set_str(j, "fingerprint", s->fingerprint) < 0 || jsonx_set_str(j, "redacted", s->redacted) < 0 ||
	    (s->layer && json_object_set_new(j, "layer", jsonx_string_lossy(s->layer)) < 0) ||
	    json_object_set_new(j, "removed", json_boolean(s->removed)) < 0) {
		json_decref(j);
		return NULL;
	}
	return j;
}

int secrets_begin(struct secrets_scan **out, const char *path)
{
	struct secrets_scan *s;

	*out = NULL;
	secrets_filter_init();
	s = calloc(1, sizeof(*s));
	if (!s)
		return err_set(ERR_NOMEM, "out of memory");
	s->path = strdup(path ? path : "");
	if (!s->path) {
		free(s);
		return err_set(ERR_NOMEM, "out of memory");
	}
	*out = s;
	return 0;
}

void secrets_free(struct secrets_scan *s)
{
	if (!s)
		return;
	sha256_free(s->sha);
	free(s->found);
	free(s->path);
	free(s);
}

/* Decode the first body characters kept in pem_head (complete groups of 4 only). */
static size_t pem_head_decode(const struct secrets_scan *s, unsigned char *out)
{
	static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	size_t i, n = 0;
	unsigned acc = 0;

	for (i = 0; i + 4 <= s->pem_head_len; i += 4) {
		int k;

		for (k = 0, acc = 0; k < 4; k++)
			acc = acc << 6 | (unsigned)(strchr(alphabet, s->pem_head[i + k]) - alphabet);
		out[n++] = (unsigned char)(acc >> 16);
		out[n++] = (unsigned char)(acc >> 8);
		out[n++] = (unsigned char)acc;
	}
	return n;
}

/*
 * Whether the body read is a whole key of its kind.  Test fixtures that are
 * cut short ("fake keys for regex checks", "MIIE...") fail this; a real key
 * passes it.
 */
static int pem_plausible(const struct secrets_scan *s)
{
	unsigned char d[sizeof(s->pem_head) / 4 * 3];
	size_t nd = pem_head_decode(s, d), bytes = s->pem_data * 6 / 8, len, k;

	switch (s->pem_kind) {
	case SK_OPENSSH:
		return nd >= 15 && !memcmp(d, "openssh-key-v1", 15);
	case SK_PGP: /* secret-key packet, old (tag 5, 0x94..0x97) or new format (0xc5) */
		return nd >= 1 && (d[0] == 0xc5 || (d[0] & 0xfc) == 0x94);
	case SK_LEGACY_ENCRYPTED:
		return bytes >= 64 && bytes % 8 == 0;
	default:
		if (nd < 2 || d[0] != 0x30)
			return 0;
		if (d[1] < 0x80)
			return bytes == 2 + (size_t)d[1];
		k = d[1] & 0x7f;
		if (k == 0 || k > 3 || nd < 2 + k)
			return 0;
		for (len = 0; k; k--)
			len = len << 8 | d[2 + (d[1] & 0x7f) - k];
		return bytes == 2 + (size_t)(d[1] & 0x7f) + len;
	}
}

static int pem_finish(struct secrets_scan *s)
{
	unsigned char md[SHA256_LEN];
	static const char hex[] = "0123456789abcdef";
	char *fp = s->found[s->pem_index].fingerprint;
	int rc, k;

	s->pem_active = 0;
	if ((rc = sha256_final(s->sha, md)) < 0)
		return rc;
	if (!pem_plausible(s)) {
		memmove(&s->found[s->pem_index], &s->found[s->pem_index + 1],
			(s->n - s->pem_index - 1) * sizeof(*s->found));
		s->n--;
		s->skipped++;
		return 0;
	}
	for (k = 0; k < FP_LEN / 2; k++) {
		fp[2 * k] = hex[md[k] >> 4];
		fp[2 * k + 1] = hex[md[k] & 15];
	}
	fp[FP_LEN] = 0;
	return 0;
}

/*
 * Hash the body of the current private key up to file offset upto (not
 * included).  The body is base64 with blanks, escaped newlines ("\n" in JSON
 * and code), and string concatenation (`"...\n" + "..."`, `"..." "..."`)
 * between its lines; it ends at the END line's dashes or anything else.
 */
static int pem_consume(struct secrets_scan *s, const unsigned char *buf, uint64_t off, uint64_t upto)
{
	unsigned char tmp[256];
	size_t i, end, t = 0;
	int rc = 0, done = 0;

	if (!s->pem_active || s->pem_pos >= upto)
		return 0;
	for (i = (size_t)(s->pem_pos - off), end = (size_t)(upto - off); i < end && !done; i++) {
		unsigned char c = buf[i];
		int blank = c == '\n' || c == '\r' || c == ' ' || c == '\t';

		if (s->pem_state == PEM_ESCAPE) {
			s->pem_state = PEM_BODY;
			if (c == 'n' || c == 'r' || c == 't')
				continue;
			if (c != '/') { /* JSON may write '/' as "\/"; any other escape ends the body */
				done = 1;
				break;
			}
		} else if (s->pem_state == PEM_GAP) {
			if (c == '"' || c == '\'')
				s->pem_state = PEM_BODY;
			else if (!blank && c != '+')
				done = 1;
			continue;
		}
		if (secrets_is_b64(c)) {
			tmp[t++] = c;
			if (c != '=' && s->pem_head_len < sizeof(s->pem_head))
				s->pem_head[s->pem_head_len++] = (char)c;
			s->pem_data += c != '=';
			if (++s->pem_len >= PEM_BODY_MAX)
				done = 1;
			if (t == sizeof(tmp)) {
				if ((rc = sha256_update(s->sha, tmp, t)) < 0)
					return rc;
				t = 0;
			}
		} else if (c == '\\') {
			s->pem_state = PEM_ESCAPE;
		} else if (c == '"' || c == '\'') {
			s->pem_state = PEM_GAP;
		} else if (!blank) {
			done = 1; /* the END line's dashes, a parenthesis, ... */
		}
	}
	if (t && (rc = sha256_update(s->sha, tmp, t)) < 0)
		return rc;
	s->pem_pos = upto;
	return done ? pem_finish(s) : 0;
}

static int emit(struct secrets_scan *s, const unsigned char *buf, uint64_t off, const struct secrets_hit *h)
{
	struct strbuf fp = STRBUF_INIT;
	struct pending *e;
	size_t vlen = h->vend - h->vstart, shown;
	int rc = 0;

	if (h->rule == SR_MARK_SERVICE_ACCOUNT) {
		s->service_account = 1;
		return 0;
	}
	if (h->placeholder) {
		s->skipped++;
		return 0;
	}
	if (s->n >= SECRETS_MAX_PER_FILE) {
		s->dropped++;
		return 0;
	}
	if (s->n == s->cap) {
		size_t ncap = s->cap ? s->cap * 2 : 4;
		struct pending *nv = realloc(s->found, ncap * sizeof(*nv));

		if (!nv)
			return err_set(ERR_NOMEM, "out of memory");
		s->found = nv;
		s->cap = ncap;
	}
	e = &s->found[s->n];
	memset(e, 0, sizeof(*e));
	e->rule = h->rule;
	e->line = s->lines + 1;
	e->offset = off + h->start;
	if (h->rule == SR_PRIVATE_KEY) {
		if (s->pem_active && (rc = pem_finish(s)) < 0)
			goto cleanup;
		if (!s->sha && (rc = sha256_new(&s->sha)) < 0)
			goto cleanup;
		if ((rc = sha256_reset(s->sha)) < 0)
			goto cleanup;
		snprintf(e->redacted, sizeof(e->redacted), "-----BEGIN %s----- ****", h->label);
		e->in_json_key = h->in_json_key;
		s->pem_active = 1;
		s->pem_state = PEM_BODY;
		s->pem_kind = h->key_kind;
		s->pem_pos = off + h->vstart;
		s->pem_len = s->pem_data = s->pem_head_len = 0;
		s->pem_index = s->n;
	} else {
		if ((rc = sha256_hex(&fp, buf + h->vstart, vlen)) < 0)
			goto cleanup;
		memcpy(e->fingerprint, fp.buf, FP_LEN);
		shown = secrets_rules[h->rule].shown < vlen ? secrets_rules[h->rule].shown : 0;
		snprintf(e->redacted, sizeof(e->redacted), "%.*s****(%zu)", (int)shown, (const char *)buf + h->vstart,
			 vlen);
	}
	s->n++;
cleanup:
	strbuf_release(&fp);
	return rc;
}

/* Evaluate positions [from, to) of the file; buf holds its bytes [off, off + len). */
static int evaluate(struct secrets_scan *s, const unsigned char *buf, uint64_t off, size_t len, uint64_t from,
		    uint64_t to)
{
	size_t i = (size_t)(from - off), end = (size_t)(to - off);
	unsigned anchors = 0;
	int rc;

	while ((i = secrets_filter_next(buf, i, end, len, &anchors)) < end) {
		size_t lo = i > LB ? i - LB : 0, hi = len - i > LA ? i + LA : len;
		uint64_t p = off + i;

		s->lines += secrets_count_newlines(buf + (s->line_pos - off), (size_t)(p - s->line_pos));
		s->line_pos = p;
		if ((rc = pem_consume(s, buf, off, p)) < 0)
			return rc;
		while (anchors) {
			struct secrets_hit h;
			int a = __builtin_ctz(anchors);

			anchors &= anchors - 1;
			if (secrets_rule_match(a, buf, lo, hi, i, &h) && (rc = emit(s, buf, off, &h)) < 0)
				return rc;
		}
		i++;
	}
	s->lines += secrets_count_newlines(buf + (s->line_pos - off), (size_t)(to - s->line_pos));
	s->line_pos = to;
	return pem_consume(s, buf, off, to);
}

/* Keep in the carry buffer only what later positions may look back at: [next - LB, end). */
static void carry_trim(struct secrets_scan *s)
{
	uint64_t keep = s->next > LB ? s->next - LB : 0;
	size_t drop;

	if (keep <= s->carry_off)
		return;
	drop = (size_t)(keep - s->carry_off);
	memmove(s->carry, s->carry + drop, s->carry_len - drop);
	s->carry_len -= drop;
	s->carry_off = keep;
}

int secrets_feed(struct secrets_scan *s, const void *data, size_t len)
{
	const unsigned char *d = data;
	uint64_t dabs = s->total, from = 0, to, keep;
	size_t take;
	int rc;

	if (s->ended)
		return err_set(ERR_INVALID, "%s: secrets scan fed after its end", s->path);
	if (s->failed)
		return s->failed;
	if (!len)
		return 0;
	if (dabs < SNIFF_LEN && memchr(d, 0, len < SNIFF_LEN - dabs ? len : (size_t)(SNIFF_LEN - dabs)))
		s->binary = 1;
	s->total += len;
	if (dabs > 0) {
		/* The seam: the carry plus the start of this chunk, up to where this chunk can be read in place. */
		take = len < LB + LA ? len : LB + LA;
		memcpy(s->carry + s->carry_len, d, take);
		s->carry_len += take;
		if (take < len)
			to = dabs + LB;
		else
			to = s->carry_off + s->carry_len > LA ? s->carry_off + s->carry_len - LA : 0;
		if (to > s->next) {
			if ((rc = evaluate(s, s->carry, s->carry_off, s->carry_len, s->next, to)) < 0)
				goto fail;
			s->next = to;
		}
		if (take == len) {
			carry_trim(s);
			return 0;
		}
		from = dabs + LB;
	}
	to = len > LA ? dabs + len - LA : 0;
	if (to > from) {
		if ((rc = evaluate(s, d, dabs, len, from, to)) < 0)
			goto fail;
		s->next = to;
	}
	keep = s->next > LB ? s->next - LB : 0;
	s->carry_off = keep;
	s->carry_len = (size_t)(dabs + len - keep);
	memcpy(s->carry, d + (keep - dabs), s->carry_len);
	return 0;
fail:
	s->failed = rc;
	return rc;
}

int secrets_end(struct secrets_scan *s, struct secret_list *out)
{
	struct secret one;
	size_t i;
	int rc;

	if (s->ended)
		return err_set(ERR_INVALID, "%s: secrets scan ended twice", s->path);
	if (s->failed)
		return s->failed;
	s->ended = 1;
	if (s->total > s->next && (rc = evaluate(s, s->carry, s->carry_off, s->carry_len, s->next, s->total)) < 0)
		return rc;
	s->next = s->total;
	if (s->pem_active && (rc = pem_finish(s)) < 0)
		return rc;
	for (i = 0; i < s->n; i++) {
		const struct pending *e = &s->found[i];
		int rule = e->rule == SR_PRIVATE_KEY && e->in_json_key && s->service_account ? SR_GCP_SERVICE_ACCOUNT
											      : e->rule;

		memset(&one, 0, sizeof(one));
		one.rule = (char *)secrets_rules[rule].id;
		one.title = (char *)secrets_rules[rule].title;
		one.path = s->path;
		one.line = s->binary ? 0 : (size_t)e->line;
		one.offset = e->offset;
		one.fingerprint = (char *)e->fingerprint;
		one.redacted = (char *)e->redacted;
		if ((rc = secret_list_add(out, &one)) < 0)
			return rc;
	}
	out->skipped += s->skipped;
	out->dropped += s->dropped;
	return 0;
}

int secrets_scan_text(struct secret_list *out, const char *where, const char *text, size_t len)
{
	struct secrets_scan *s = NULL;
	int rc;

	if ((rc = secrets_begin(&s, where)) < 0)
		goto cleanup;
	if ((rc = secrets_feed(s, text, len)) < 0)
		goto cleanup;
	rc = secrets_end(s, out);
cleanup:
	secrets_free(s);
	return rc;
}
