/*
 * Third-party standing access in each estate: accounts and identity
 * providers that roles trust, external identity providers, guest users.
 * Each is to be cut or re-papered at integration (docs/consolidation.md).
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "consolidate_int.h"
#include "core/err.h"
#include "core/jsonx.h"
#include "core/util.h"

#define POLICY_MAX (128 * 1024)
#define STATEMENTS_MAX 100
#define PRINCIPALS_MAX 200

struct actx {
	const struct cons_input *in;
	json_t *accounts;  /* account id -> company index */
	json_t *entries;   /* the list */
	json_t *counts;    /* per company: {kind: n} */
};

static int bump(struct actx *x, int co, const char *kind)
{
	json_t *c = json_array_get(x->counts, (size_t)co);

	return json_object_set_new(c, kind, json_integer(jsonx_int(c, kind, 0) + 1)) < 0 ? ERR_NOMEM : 0;
}

static int add_entry(struct actx *x, const struct cons_asset *a, const char *kind, const char *principal,
		     const char *action, const char *detail, json_t *extra)
{
	struct strbuf p = STRBUF_INIT, d = STRBUF_INIT;
	json_t *e;
	int rc;

	if ((rc = bump(x, a->company, kind)) < 0)
		goto cleanup;
	if (json_array_size(x->entries) >= (size_t)CONS_MAX_LIST * 5)
		goto cleanup;
	cons_text(&p, principal, 300);
	cons_text(&d, detail, 500);
	e = json_pack("{s:s, s:s, s:s, s:{s:s, s:s, s:s}, s:s, s:s}", "company", x->in->eng->companies[a->company].id,
		      "kind", kind, "principal", p.buf, "asset", "kind", a->kind, "key", a->key, "name", a->name, "action",
		      action, "detail", d.buf);
	if (!e) {
		rc = err_set(ERR_NOMEM, "out of memory");
		goto cleanup;
	}
	if (extra)
		json_object_update(e, extra);
	rc = json_array_append_new(x->entries, e) < 0 ? ERR_NOMEM : 0;
cleanup:
	json_decref(extra);
	strbuf_release(&p);
	strbuf_release(&d);
	return rc;
}

static int hexval(int c)
{
	return isdigit(c) ? c - '0' : (tolower(c) >= 'a' && tolower(c) <= 'f') ? tolower(c) - 'a' + 10 : -1;
}

/* IAM returns policy documents URL-encoded ("%7B%22Version%22..."); decode when it is so. */
static int url_decode(struct strbuf *out, const char *s)
{
	size_t i, n = strlen(s);
	int rc = 0;

	for (i = 0; i < n && rc == 0; i++) {
		if (s[i] == '%' && i + 2 < n && hexval((unsigned char)s[i + 1]) >= 0 &&
		    hexval((unsigned char)s[i + 2]) >= 0) {
			rc = strbuf_addch(out, hexval((unsigned char)s[i + 1]) * 16 + hexval((unsigned char)s[i + 2]));
			i += 2;
		} else {
			rc = strbuf_addch(out, s[i] == '+' ? ' ' : s[i]);
		}
	}
	return rc;
}

/* The trust policy of a role as a JSON object (a new reference), or NULL. */
static json_t *trust_policy(const struct cons_asset *a)
{
	static const char *const members[] = { "trust_policy", "assume_role_policy", "assume_role_policy_document",
					       "AssumeRolePolicyDocument", "object.AssumeRolePolicyDocument", NULL };
	struct strbuf text = STRBUF_INIT;
	json_t *v, *doc = NULL;
	size_t i;

	for (i = 0; members[i]; i++) {
		v = jsonx_dig(a->doc, members[i]);
		if (json_is_object(v))
			return json_incref(v);
		if (!json_is_string(v) || json_string_length(v) > POLICY_MAX)
			continue;
		strbuf_init(&text, POLICY_MAX);
		if (json_string_value(v)[0] == '%' ? url_decode(&text, json_string_value(v)) == 0
						   : strbuf_addstr(&text, json_string_value(v)) == 0)
			jsonx_parse(text.buf, text.len, "trust policy", &doc);
		strbuf_release(&text);
		err_clear();
		if (json_is_object(doc))
			return doc;
		json_decref(doc);
		doc = NULL;
	}
	return NULL;
}

/* The account of a principal: "123456789012" or an ARN's fifth field. */
static int principal_account(const char *p, char acct[13])
{
	const char *s = p;
	size_t i, colons = 0;

	if (util_has_prefix(p, "arn:")) {
		for (s = p; *s && colons < 4; s++)
			if (*s == ':')
				colons++;
		if (colons < 4)
			return 0;
	}
	for (i = 0; i < 12; i++)
		if (!isdigit((unsigned char)s[i]))
			return 0;
	if (s[12] && s[12] != ':')
		return 0;
	memcpy(acct, s, 12);
	acct[12] = 0;
	return 1;
}

/* Condition keys of a statement ("sts:ExternalId", "aws:PrincipalOrgID", ...), sorted. */
static json_t *condition_keys(const json_t *st, int *external_id)
{
	json_t *keys = json_array(), *ops = json_object_get(st, "Condition"), *m, *v;
	const char *op, *k;

	*external_id = 0;
	json_object_foreach(ops, op, m) {
		json_object_foreach(m, k, v) {
			(void)v;
			cons_set_add(keys, k);
			if (cons_strcaseeq(k, "sts:ExternalId"))
				*external_id = 1;
		}
	}
	return keys;
}

static int one_principal(struct actx *x, const struct cons_asset *role, const char *type, const char *p,
			 const json_t *st)
{
	struct strbuf detail = STRBUF_INIT;
	char acct[13];
	int ext = 0, rc = 0;
	json_t *conds = condition_keys(st, &ext), *other;
	const char *action;

	if (!strcmp(type, "AWS")) {
		if (!strcmp(p, "*")) {
			strbuf_addf(&detail, "role %s can be assumed by any AWS principal%s", role->name,
				    json_array_size(conds) ? " that meets its conditions" : "");
			rc = add_entry(x, role, "wildcard-principal", p, "cut", detail.buf,
				       json_pack("{s:O, s:b}", "conditions", conds, "external_id", ext));
			goto cleanup;
		}
		if (!principal_account(p, acct))
			goto cleanup;
		other = json_object_get(x->accounts, acct);
		if (other && json_integer_value(other) == role->company)
			goto cleanup; /* the company's own account */
		if (other) {
			action = "re-paper";
			strbuf_addf(&detail, "role %s trusts account %s of %s: after the deal this is internal access; "
					     "confirm it is still wanted and bring it under the combined access policy",
				    role->name, acct, x->in->eng->companies[json_integer_value(other)].id);
		} else {
			action = "cut-or-re-paper";
			strbuf_addf(&detail, "role %s trusts account %s, outside both estates%s", role->name, acct,
				    ext ? " (with an external id: a vendor integration)" : "");
		}
		rc = add_entry(x, role, "trusted-account", acct, action, detail.buf,
			       json_pack("{s:O, s:b, s:s?, s:s}", "conditions", conds, "external_id", ext, "other_company",
					 other ? x->in->eng->companies[json_integer_value(other)].id : NULL, "arn", p));
	} else if (!strcmp(type, "Federated")) {
		const char *name = strrchr(p, '/') ? strrchr(p, '/') + 1 : p;

		/* A cluster's own service-account issuer (EKS IRSA) is not a third party. */
		if (util_has_prefix(name, "oidc.eks.") || strstr(p, "oidc-provider/oidc.eks."))
			goto cleanup;
		strbuf_addf(&detail, "role %s can be assumed by identities of %s", role->name, name);
		rc = add_entry(x, role, "federated-principal", name, "review", detail.buf,
			       json_pack("{s:O, s:s}", "conditions", conds, "arn", p));
	}
cleanup:
	json_decref(conds);
	strbuf_release(&detail);
	return rc;
}

static int role_trusts(struct actx *x, const struct cons_asset *role)
{
	static const char *const types[] = { "AWS", "Federated", NULL };
	json_t *pol = trust_policy(role), *sts, *st, *pr, *v;
	size_t i, j, t, n = 0;
	int rc = 0;

	if (!pol) {
		/* A connector may give the trusted accounts only. */
		json_array_foreach(json_object_get(role->doc, "trusted_accounts"), i, v) {
			json_t *fake = json_object();

			if (rc == 0 && json_is_string(v))
				rc = one_principal(x, role, "AWS", json_string_value(v), fake);
			json_decref(fake);
		}
		return rc;
	}
	sts = json_object_get(pol, "Statement");
	if (json_is_object(sts)) {
		json_t *one = json_array();

		json_array_append(one, sts);
		json_object_set_new(pol, "Statement", one);
		sts = one;
	}
	json_array_foreach(sts, i, st) {
		if (i >= STATEMENTS_MAX || rc < 0)
			break;
		if (json_is_string(json_object_get(st, "Effect")) && !cons_strcaseeq(jsonx_str(st, "Effect"), "Allow"))
			continue;
		pr = json_object_get(st, "Principal");
		if (json_is_string(pr)) {
			if (!strcmp(json_string_value(pr), "*"))
				rc = one_principal(x, role, "AWS", "*", st);
			continue;
		}
		for (t = 0; types[t] && rc == 0; t++) {
			v = json_object_get(pr, types[t]);
			if (json_is_string(v)) {
				rc = one_principal(x, role, types[t], json_string_value(v), st);
				continue;
			}
			for (j = 0; j < json_array_size(v) && rc == 0 && n < PRINCIPALS_MAX; j++, n++)
				if (json_is_string(json_array_get(v, j)))
					rc = one_principal(x, role, types[t], json_string_value(json_array_get(v, j)), st);
		}
	}
	json_decref(pol);
	return rc;
}

static int leaf_has(const struct cons_asset *a, const char *part)
{
	char leaf[64];

	cons_kind_leaf(cons_kind(a), leaf, sizeof(leaf));
	return strstr(leaf, part) != NULL;
}

static int is_role(const struct cons_asset *a)
{
	char leaf[64];

	cons_kind_leaf(cons_kind(a), leaf, sizeof(leaf));
	return !cons_is_k8s_kind(a->kind) && strcmp(a->kind, "rbac-role") &&
	       (!strcmp(leaf, "role") || !strcmp(leaf, "roles") || !strcmp(leaf, "iam-role"));
}

static int identity_provider(struct actx *x, const struct cons_asset *a)
{
	struct strbuf detail = STRBUF_INIT;
	const char *url = cons_str(a->doc, "url") ? cons_str(a->doc, "url")
			  : cons_str(a->doc, "Url")  ? cons_str(a->doc, "Url")
						     : cons_str(a->doc, "issuer");
	const char *name = url ? url : a->name;
	int rc;

	if (strstr(name, "oidc.eks.") || strstr(a->key, "oidc.eks."))
		return 0; /* a cluster's own service-account issuer */
	strbuf_addf(&detail, "%s identity provider %s: its users can sign in to roles that trust it",
		    leaf_has(a, "saml") ? "SAML" : "OpenID Connect", a->name);
	rc = add_entry(x, a, "identity-provider", name, "review", detail.buf, NULL);
	strbuf_release(&detail);
	return rc;
}

/* Identity providers an account lists (the AWS connector: identity_providers.saml and .oidc, ARNs). */
static int listed_providers(struct actx *x, const struct cons_asset *a)
{
	static const char *const types[][2] = { { "identity_providers.saml", "SAML" },
						{ "identity_providers.oidc", "OpenID Connect" } };
	struct strbuf detail = STRBUF_INIT;
	json_t *v;
	size_t t, i;
	int rc = 0;

	for (t = 0; t < 2 && rc == 0; t++) {
		json_array_foreach(jsonx_dig(a->doc, types[t][0]), i, v) {
			const char *arn = json_string_value(v), *name;

			if (!arn || rc < 0)
				continue;
			name = strstr(arn, "-provider/") ? strstr(arn, "-provider/") + 10 : arn;
			if (util_has_prefix(name, "oidc.eks."))
				continue; /* a cluster's own service-account issuer */
			strbuf_reset(&detail);
			strbuf_addf(&detail, "%s identity provider %s in account %s: its users can sign in to roles that trust it",
				    types[t][1], name, cons_account_of(a) ? cons_account_of(a) : a->name);
			rc = add_entry(x, a, "identity-provider", name, "review", detail.buf, json_pack("{s:s}", "arn", arn));
		}
	}
	strbuf_release(&detail);
	return rc;
}

static int guest_user(struct actx *x, const struct cons_asset *a)
{
	const char *type = cons_str(a->doc, "user_type") ? cons_str(a->doc, "user_type") : cons_str(a->doc, "userType");
	const char *mail = cons_str(a->doc, "mail") ? cons_str(a->doc, "mail") : cons_str(a->doc, "user_principal_name");
	struct strbuf detail = STRBUF_INIT;
	const char *at;
	int rc;
	char leaf[64];

	cons_kind_leaf(cons_kind(a), leaf, sizeof(leaf));
	if ((strcmp(leaf, "user") && strcmp(leaf, "users")) || cons_is_k8s_kind(a->kind) ||
	    !(cons_strcaseeq(type, "guest") || cons_bool(a->doc, "guest") == 1))
		return 0;
	at = mail ? strrchr(mail, '@') : NULL;
	strbuf_addf(&detail, "guest user %s%s%s", a->name, at ? " from " : "", at ? at + 1 : "");
	rc = add_entry(x, a, "guest-user", mail ? mail : a->name, "cut-or-re-paper", detail.buf, NULL);
	strbuf_release(&detail);
	return rc;
}

int cons_access(const struct cons_input *in, json_t **out)
{
	struct actx x;
	size_t i;
	int rc = 0;

	*out = NULL;
	memset(&x, 0, sizeof(x));
	x.in = in;
	x.accounts = json_object();
	x.entries = json_array();
	x.counts = json_array();
	if (!x.accounts || !x.entries || !x.counts) {
		rc = err_set(ERR_NOMEM, "out of memory");
		goto cleanup;
	}
	for (i = 0; i < in->eng->ncompanies; i++)
		json_array_append_new(x.counts, json_pack("{s:s, s:i, s:i, s:i, s:i, s:i}", "company",
							  in->eng->companies[i].id, "trusted-account", 0,
							  "wildcard-principal", 0, "federated-principal", 0,
							  "identity-provider", 0, "guest-user", 0));
	/* Whose account is whose: every account an asset of a company lives in. */
	for (i = 0; i < in->nassets; i++) {
		const char *acct = cons_account_of(&in->assets[i]);
		char id[13];

		if (in->assets[i].company >= 0 && acct && principal_account(acct, id) && !json_object_get(x.accounts, id))
			json_object_set_new(x.accounts, id, json_integer(in->assets[i].company));
		/* Accounts of the company's own organization that were not collected are still its own. */
		acct = cons_str(in->assets[i].doc, "id");
		if (in->assets[i].company >= 0 && cons_bool(in->assets[i].doc, "in_organization") == 1 && acct &&
		    principal_account(acct, id) && !json_object_get(x.accounts, id))
			json_object_set_new(x.accounts, id, json_integer(in->assets[i].company));
	}
	for (i = 0; i < in->nassets && rc == 0; i++) {
		const struct cons_asset *a = &in->assets[i];

		if (a->company < 0 || cons_is_k8s_kind(a->kind))
			continue;
		if (json_is_object(json_object_get(a->doc, "identity_providers")))
			rc = listed_providers(&x, a);
		if (rc < 0)
			break;
		if (is_role(a))
			rc = role_trusts(&x, a);
		else if (leaf_has(a, "saml") || leaf_has(a, "oidc") || leaf_has(a, "identity-provider") ||
			 leaf_has(a, "identityprovider"))
			rc = identity_provider(&x, a);
		else
			rc = guest_user(&x, a);
	}
	if (rc < 0)
		goto cleanup;
	*out = json_pack("{s:O, s:O, s:b}", "entries", x.entries, "counts", x.counts, "truncated",
			 json_array_size(x.entries) >= (size_t)CONS_MAX_LIST * 5);
	if (!*out)
		rc = err_set(ERR_NOMEM, "out of memory");
cleanup:
	json_decref(x.accounts);
	json_decref(x.entries);
	json_decref(x.counts);
	return rc;
}
