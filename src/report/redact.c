/*
 * The clean-team edition: a copy of the results document without asset
 * names and keys, hostnames, account ids, addresses or the locations of
 * secrets, for sharing with a clean team before close.
 *
 * Two passes.  The first collects what must go: the key and name of every
 * asset-like object (one with a "kind" and a "key", "cidr" or "namespace"), members that
 * name hosts, accounts or principals, and a secret finding's component and
 * path; each gets a neutral label ("image 3", "account 2") numbered in
 * order of first sight, so the same input gives the same labels.  The
 * second rewrites every string of the document: a string that is one of
 * them becomes its label, and inside longer text each word that is one of
 * them, or looks like an AWS account id, an IPv4 address or a host name, is
 * replaced.  Company names, ids, rules and advisories stay.
 */
#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "core/err.h"
#include "core/jsonx.h"
#include "stage.h"

#define MIN_SECRET_LEN 3

struct red {
	json_t *keep;     /* company ids and names: never hidden */
	json_t *map;      /* string -> label */
	json_t *counters; /* label kind -> count */
	json_t *spaced;   /* collected strings holding a space (matched inside text) */
	int rc;
};

static const char *const host_members[] = { "host",    "hostname",    "url",         "endpoint", "server",
					    "registry", "uri",        "ref",         "refs",     "arn",
					    "principal", "account",   "account_id",  "account_ids", "external_id",
					    "accounts", "subscription", "project",   "project_id", NULL };

static int is_host_member(const char *k)
{
	size_t i;

	for (i = 0; host_members[i]; i++)
		if (!strcmp(k, host_members[i]))
			return 1;
	return 0;
}

static void collect_str(struct red *rd, const char *s, const char *kind)
{
	char label[128];
	long long n;

	if (!s || strlen(s) < MIN_SECRET_LEN || json_object_get(rd->map, s) || json_object_get(rd->keep, s))
		return;
	n = jsonx_int(rd->counters, kind, 0) + 1;
	json_object_set_new(rd->counters, kind, json_integer(n));
	snprintf(label, sizeof(label), "%.80s %lld", kind, n);
	if (json_object_set_new(rd->map, s, json_string(label)) < 0)
		rd->rc = ERR_NOMEM;
	if (strchr(s, ' '))
		json_array_append_new(rd->spaced, json_string(s));
}

static void collect_any(struct red *rd, const json_t *v, const char *kind)
{
	const json_t *x;
	size_t i;

	if (json_is_string(v))
		collect_str(rd, json_string_value(v), kind);
	else
		json_array_foreach(v, i, x)
			if (json_is_string(x))
				collect_str(rd, json_string_value(x), kind);
}

static void collect(struct red *rd, const json_t *v, int depth)
{
	const char *k, *kind;
	const json_t *x;
	size_t i;

	if (depth > 64)
		return;
	if (json_is_array(v)) {
		json_array_foreach(v, i, x)
			collect(rd, x, depth + 1);
		return;
	}
	if (!json_is_object(v))
		return;
	kind = jsonx_str(v, "kind");
	/* A finding on the company itself names the company, which the clean team knows. */
	if (kind && strcmp(kind, "company") &&
	    (json_object_get(v, "key") || json_object_get(v, "cidr") || json_object_get(v, "namespace"))) {
		collect_any(rd, json_object_get(v, "key"), kind);
		collect_any(rd, json_object_get(v, "name"), kind);
		collect_any(rd, json_object_get(v, "network"), "network");
	}
	if (kind && !strcmp(kind, "secret")) {
		collect_any(rd, json_object_get(v, "component"), "secret location");
		collect_any(rd, json_object_get(v, "path"), "secret location");
	}
	json_object_foreach((json_t *)v, k, x) {
		if (is_host_member(k))
			collect_any(rd, x, !strcmp(k, "account_ids") || !strcmp(k, "accounts") ? "account" : k);
		collect(rd, x, depth + 1);
	}
}

/* ---- the rewrite ---- */

static int is_delim(char c)
{
	return isspace((unsigned char)c) || strchr(",;()\"'[]{}<>|`", c);
}

static int all_digits(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!isdigit((unsigned char)s[i]))
			return 0;
	return n > 0;
}

static int is_ipv4(const char *s, size_t n)
{
	size_t i, run = 0;
	int dots = 0;

	for (i = 0; i < n; i++) {
		if (s[i] == '.') {
			if (!run || run > 3)
				return 0;
			dots++;
			run = 0;
		} else if (isdigit((unsigned char)s[i])) {
			run++;
		} else if (s[i] == '/' && dots == 3 && run) {
			return 1; /* a CIDR's address part */
		} else {
			return 0;
		}
	}
	return dots == 3 && run && run <= 3;
}

/* A host name: letters, digits, '-' and dots, with a top-level domain from the list. */
static int is_host(const char *s, size_t n)
{
	static const char *const tlds[] = { "com", "net", "org", "io", "dev", "cloud", "internal", "local", "example",
					    "test", "corp", "lan", "de", "ch", "uk", "eu", "fr", "nl", "at", "pl",
					    "no", "se", "us", "co", "app", "ai", "biz", "info", NULL };
	size_t i, last = 0;
	int dots = 0;

	for (i = 0; i < n; i++) {
		if (s[i] == '.') {
			dots++;
			last = i + 1;
		} else if (!isalnum((unsigned char)s[i]) && s[i] != '-') {
			return 0;
		}
	}
	if (!dots || last >= n)
		return 0;
	for (i = 0; tlds[i]; i++)
		if (strlen(tlds[i]) == n - last && !strncasecmp(s + last, tlds[i], n - last))
			return 1;
	return 0;
}

static const char *lookup(const struct red *rd, const char *s, size_t n, struct strbuf *tmp)
{
	strbuf_reset(tmp);
	if (strbuf_add(tmp, s, n) < 0)
		return NULL;
	return jsonx_str(rd->map, tmp->buf);
}

/* One word of text: its label, a generic mark, or the word itself. */
static int word(const struct red *rd, struct strbuf *out, const char *s, size_t n, struct strbuf *tmp)
{
	const char *label;
	size_t m = n;

	if ((label = lookup(rd, s, n, tmp)))
		return strbuf_addstr(out, label);
	while (m > 1 && strchr(".:", s[m - 1]))
		m--;
	if (m < n && (label = lookup(rd, s, m, tmp)))
		return strbuf_addf(out, "%s%.*s", label, (int)(n - m), s + m);
	/* A token that is no name itself may hold names between separators (image references, paths). */
	if (strcspn(s, "/:@=") < n) {
		size_t i = 0, j;
		int rc = 0;

		while (i < n && rc == 0) {
			for (j = i; j < n && !strchr("/:@=", s[j]); j++)
				;
			if (j > i && j - i < n)
				rc = word(rd, out, s + i, j - i, tmp);
			if (rc == 0 && j < n)
				rc = strbuf_addch(out, s[j]);
			i = j + 1;
		}
		return rc;
	}
	if (m == 12 && all_digits(s, m))
		return strbuf_addf(out, "[account id]%.*s", (int)(n - m), s + m);
	if (is_ipv4(s, m))
		return strbuf_addf(out, "[address]%.*s", (int)(n - m), s + m);
	if (is_host(s, m))
		return strbuf_addf(out, "[host]%.*s", (int)(n - m), s + m);
	return strbuf_add(out, s, n);
}

static int rewrite(const struct red *rd, const char *s, struct strbuf *out)
{
	struct strbuf tmp = STRBUF_INIT, again = STRBUF_INIT;
	const char *label, *w, *hit;
	const json_t *sp;
	size_t i;
	int rc = 0;

	strbuf_reset(out);
	if ((label = jsonx_str(rd->map, s)))
		return strbuf_addstr(out, label);
	while (*s && rc == 0) {
		if (is_delim(*s)) {
			rc = strbuf_addch(out, *s++);
			continue;
		}
		for (w = s; *s && !is_delim(*s); s++)
			;
		rc = word(rd, out, w, (size_t)(s - w), &tmp);
	}
	/* Collected strings with spaces are matched anywhere in the text. */
	json_array_foreach(rd->spaced, i, sp) {
		const char *needle = json_string_value(sp);

		while (rc == 0 && (hit = strstr(out->buf, needle))) {
			strbuf_reset(&again);
			strbuf_add(&again, out->buf, (size_t)(hit - out->buf));
			strbuf_addstr(&again, jsonx_strz(rd->map, needle));
			rc = strbuf_addstr(&again, hit + strlen(needle));
			strbuf_reset(out);
			if (rc == 0)
				rc = strbuf_add(out, again.buf, again.len);
		}
	}
	strbuf_release(&tmp);
	strbuf_release(&again);
	return rc;
}

static int apply(const struct red *rd, json_t *v, struct strbuf *buf, int depth)
{
	const char *k;
	json_t *x;
	size_t i;
	int rc = 0;

	if (depth > 64)
		return err_set(ERR_LIMIT, "redaction: the document nests deeper than 64 levels");
	if (json_is_object(v)) {
		json_object_foreach(v, k, x) {
			if (json_is_string(x)) {
				if ((rc = rewrite(rd, json_string_value(x), buf)) < 0)
					return rc;
				json_object_set_new(v, k, json_stringn(buf->buf, buf->len));
			} else if ((rc = apply(rd, x, buf, depth + 1)) < 0) {
				return rc;
			}
		}
	} else if (json_is_array(v)) {
		json_array_foreach(v, i, x) {
			if (json_is_string(x)) {
				if ((rc = rewrite(rd, json_string_value(x), buf)) < 0)
					return rc;
				json_array_set_new(v, i, json_stringn(buf->buf, buf->len));
			} else if ((rc = apply(rd, x, buf, depth + 1)) < 0) {
				return rc;
			}
		}
	}
	return rc;
}

int report_redact(const json_t *results, const json_t *evidence, json_t **out, json_t **ev_out)
{
	struct red rd = { json_object(), json_object(), json_object(), json_array(), 0 };
	struct strbuf buf = STRBUF_INIT;
	json_t *copy = json_deep_copy(results), *ev = NULL, *e;
	const json_t *s;
	size_t i;
	int rc;

	if (!rd.keep || !rd.map || !rd.counters || !rd.spaced || !copy) {
		rc = err_set(ERR_NOMEM, "out of memory");
		goto cleanup;
	}
	json_array_foreach(json_object_get(results, "companies"), i, s) {
		json_object_set_new(rd.keep, jsonx_strz(s, "id"), json_true());
		json_object_set_new(rd.keep, jsonx_strz(s, "name"), json_true());
	}
	json_array_foreach(json_object_get(results, "sources"), i, s)
		collect_any(&rd, json_object_get(s, "name"), "source");
	collect(&rd, results, 0);
	if ((rc = rd.rc) < 0 || (rc = apply(&rd, copy, &buf, 0)) < 0)
		goto cleanup;
	if (evidence) {
		/* The digests stay (they verify); what an item was named after does not. */
		if (!(ev = json_deep_copy(evidence))) {
			rc = err_set(ERR_NOMEM, "out of memory");
			goto cleanup;
		}
		json_array_foreach(ev, i, e)
			json_object_set_new(e, "uri", json_string("(withheld in the clean-team edition)"));
		if ((rc = apply(&rd, ev, &buf, 0)) < 0)
			goto cleanup;
	}
	*out = copy;
	copy = NULL;
	if (ev_out) {
		*ev_out = ev;
		ev = NULL;
	}
cleanup:
	json_decref(copy);
	json_decref(ev);
	json_decref(rd.keep);
	json_decref(rd.map);
	json_decref(rd.counters);
	json_decref(rd.spaced);
	strbuf_release(&buf);
	return rc;
}
