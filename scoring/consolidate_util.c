/* Helpers shared by the consolidation parts (consolidate_int.h). */
#include <ctype.h>
#include <string.h>

#include "consolidate_int.h"
#include "core/err.h"
#include "core/jsonx.h"
#include "core/util.h"

const struct cons_asset *cons_asset_by_id(const struct cons_input *in, int64_t id)
{
	char k[32];
	json_t *v;

	snprintf(k, sizeof(k), "%lld", (long long)id);
	v = json_object_get(in->by_id, k);
	return v ? &in->assets[json_integer_value(v)] : NULL;
}

const struct cons_asset *cons_asset_by_ref(const struct cons_input *in, int co, const char *kind, const char *key)
{
	struct strbuf k = STRBUF_INIT;
	json_t *v = NULL;

	if (kind && key && strbuf_addf(&k, "%d\037%s\037%s", co, kind, key) == 0)
		v = json_object_get(in->by_ref, k.buf);
	strbuf_release(&k);
	return v ? &in->assets[json_integer_value(v)] : NULL;
}

int cons_company_index(const struct cons_input *in, const char *id)
{
	size_t i;

	for (i = 0; id && i < in->eng->ncompanies; i++)
		if (!strcmp(in->eng->companies[i].id, id))
			return (int)i;
	return -1;
}

int cons_is_target(const struct cons_input *in, int co)
{
	return co >= 0 && (size_t)co < in->eng->ncompanies && !strcmp(in->eng->companies[co].role, "target");
}

const char *cons_kind(const struct cons_asset *a)
{
	const char *k = cons_str(a->doc, "kind");

	return k && strchr(k, '.') && strlen(k) < 120 ? k : a->kind;
}

void cons_kind_leaf(const char *kind, char *out, size_t size)
{
	const char *dot = strrchr(kind, '.');
	size_t i;

	if (!size)
		return;
	kind = dot ? dot + 1 : kind;
	for (i = 0; kind[i] && i + 1 < size; i++)
		out[i] = (char)tolower((unsigned char)kind[i]);
	out[i] = 0;
}

const char *cons_str(const json_t *doc, const char *dotted)
{
	json_t *v = jsonx_dig(doc, dotted);

	return json_is_string(v) ? json_string_value(v) : NULL;
}

int cons_bool(const json_t *doc, const char *dotted)
{
	json_t *v = jsonx_dig(doc, dotted);

	if (json_is_boolean(v))
		return json_is_true(v);
	if (json_is_string(v)) {
		if (cons_strcaseeq(json_string_value(v), "true"))
			return 1;
		if (cons_strcaseeq(json_string_value(v), "false"))
			return 0;
	}
	return -1;
}

int cons_strcaseeq(const char *a, const char *b)
{
	a = a ? a : "";
	b = b ? b : "";
	for (; *a && *b; a++, b++)
		if (tolower((unsigned char)*a) != tolower((unsigned char)*b))
			return 0;
	return *a == *b;
}

int cons_set_add(json_t *arr, const char *s)
{
	size_t i, n = json_array_size(arr);
	int c;

	if (!s)
		return 0;
	for (i = 0; i < n; i++) {
		c = strcmp(json_string_value(json_array_get(arr, i)), s);
		if (c == 0)
			return 0;
		if (c > 0)
			break;
	}
	if (n >= CONS_MAX_LIST)
		return 0;
	return json_array_insert_new(arr, i, json_string(s)) < 0 ? err_set(ERR_NOMEM, "out of memory") : 0;
}

int cons_finding_counts(const json_t *f)
{
	return !strcmp(jsonx_strz(f, "status"), "open") && strcmp(jsonx_strz(f, "kind"), "gap");
}

/* Length of the valid UTF-8 sequence at s (1..4), or 0. */
static size_t utf8_len(const unsigned char *s, size_t avail)
{
	size_t n, i;

	if (s[0] < 0x80)
		return 1;
	if ((s[0] & 0xe0) == 0xc0 && s[0] >= 0xc2)
		n = 2;
	else if ((s[0] & 0xf0) == 0xe0)
		n = 3;
	else if ((s[0] & 0xf8) == 0xf0 && s[0] <= 0xf4)
		n = 4;
	else
		return 0;
	if (n > avail)
		return 0;
	for (i = 1; i < n; i++)
		if ((s[i] & 0xc0) != 0x80)
			return 0;
	if (n == 3 && ((s[0] == 0xe0 && s[1] < 0xa0) || (s[0] == 0xed && s[1] >= 0xa0)))
		return 0;
	if (n == 4 && ((s[0] == 0xf0 && s[1] < 0x90) || (s[0] == 0xf4 && s[1] >= 0x90)))
		return 0;
	return n;
}

int cons_text(struct strbuf *out, const char *s, size_t max)
{
	const unsigned char *p = (const unsigned char *)(s ? s : "");
	size_t len = strlen((const char *)p), i = 0, n, start = out->len;
	int rc = 0;

	while (i < len && rc == 0) {
		if (out->len - start >= max) {
			rc = strbuf_addstr(out, "…");
			break;
		}
		n = utf8_len(p + i, len - i);
		if (!n) {
			rc = strbuf_addch(out, '?');
			i++;
		} else if (n == 1 && (p[i] < 0x20 || p[i] == 0x7f)) {
			rc = strbuf_addch(out, ' ');
			i++;
		} else {
			rc = strbuf_add(out, p + i, n);
			i += n;
		}
	}
	return rc;
}

int cons_template_read(const char *templates, const char *file, struct strbuf *path, struct strbuf *text)
{
	int rc;

	strbuf_reset(path);
	strbuf_release(text);
	strbuf_init(text, CONS_TEMPLATE_MAX);
	if ((rc = strbuf_addf(path, "%s/consolidation/%s", templates, file)) < 0)
		return rc;
	if ((rc = strbuf_read_file(text, path->buf)) < 0)
		return err_set(rc == ERR_LIMIT ? ERR_LIMIT : ERR_NOTFOUND, "%s: %s", path->buf,
			       rc == ERR_LIMIT ? "larger than 4 MB" : err_last());
	return 0;
}

const char *cons_account_of(const struct cons_asset *a)
{
	static const char *const members[] = { "account", "account_id", "AccountId", "owner_id", "subscription_id",
					       "subscription", "project_id", "project", NULL };
	char leaf[64];
	size_t i;

	for (i = 0; members[i]; i++)
		if (cons_str(a->doc, members[i]))
			return cons_str(a->doc, members[i]);
	cons_kind_leaf(cons_kind(a), leaf, sizeof(leaf));
	if (!strcmp(leaf, "account") || !strcmp(leaf, "subscription") || !strcmp(leaf, "project"))
		return cons_str(a->doc, "id") ? cons_str(a->doc, "id") : a->key;
	return NULL;
}

const char *cons_cloud_of(const struct cons_input *in, const struct cons_asset *a)
{
	static const char *const clouds[] = { "aws", "azure", "gcp", NULL };
	const struct source *src;
	size_t i, n;

	for (i = 0; clouds[i]; i++) {
		const char *k = cons_kind(a);

		n = strlen(clouds[i]);
		if (!strncmp(k, clouds[i], n) && (k[n] == '.' || k[n] == '-'))
			return clouds[i];
	}
	src = a->source && *a->source ? engagement_source(in->eng, a->source) : NULL;
	for (i = 0; src && clouds[i]; i++) {
		n = strlen(clouds[i]);
		if (!strncmp(src->type, clouds[i], n) && (src->type[n] == 0 || src->type[n] == '-'))
			return clouds[i];
	}
	if (cons_str(a->doc, "cloud"))
		for (i = 0; clouds[i]; i++)
			if (cons_strcaseeq(cons_str(a->doc, "cloud"), clouds[i]))
				return clouds[i];
	return NULL;
}

int cons_is_k8s_kind(const char *kind)
{
	static const char *const k8s[] = { "cluster", "namespace", "node", "workload", "pod", "service", "ingress",
					   "networkpolicy", "serviceaccount", "rbac-role", "rbac-binding", "rbac-subject",
					   "crd", "webhook", "configmap", "secret", "network", "image",
					   "repository", "registry-repository", NULL };
	size_t i;

	for (i = 0; k8s[i]; i++)
		if (!strcmp(kind, k8s[i]))
			return 1;
	return 0;
}

json_t *cons_set_keys(const json_t *obj)
{
	json_t *arr = json_array(), *v;
	const char *k;

	if (!arr)
		return NULL;
	json_object_foreach((json_t *)obj, k, v) {
		(void)v;
		if (cons_set_add(arr, k) < 0)
			break;
	}
	return arr;
}
