/* realpath() and mkdtemp() are XSI. */
#define _XOPEN_SOURCE 700
#include "engagement.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cidr.h"
#include "crypto.h"
#include "jsonx.h"
#include "err.h"
#include "log.h"
#include "ydoc.h"

/* The engagement file is small; anything bigger is a mistake or an attack. */
#define ENGAGEMENT_MAX_BYTES (4 * 1024 * 1024)
#define ENGAGEMENT_MAX_NODES 200000

static const char *const roles[] = { "acquirer", "target", NULL };
static const char *const papers[] = { "A4", "Letter", NULL };
static const char *const redactions[] = { "none", "clean-team", NULL };

static const struct schema_field authorization_keys[] = {
	{ "by", SCH_STRING, 1, NULL, SCH_ANY, NULL },
	{ "scope", SCH_STRING, 1, NULL, SCH_ANY, NULL },
	{ "date", SCH_DATE, 1, NULL, SCH_ANY, NULL },
	{ "reference", SCH_STRING, 0, NULL, SCH_ANY, NULL },
	{ NULL, 0, 0, NULL, 0, NULL },
};

const struct schema_field engagement_source_keys[] = {
	{ "id", SCH_STRING, 0, NULL, SCH_ANY, NULL },
	{ "type", SCH_STRING, 1, NULL, SCH_ANY, NULL },
	{ "name", SCH_STRING, 0, NULL, SCH_ANY, NULL },
	{ "credentials", SCH_MAP, 0, NULL, SCH_CREDREF, NULL },
	{ "authorization", SCH_OBJECT, 0, authorization_keys, SCH_ANY, NULL },
	{ "tls_verify", SCH_BOOL, 0, NULL, SCH_ANY, NULL },
	{ "allow_exec", SCH_BOOL, 0, NULL, SCH_ANY, NULL },
	{ "tags", SCH_MAP, 0, NULL, SCH_STRING, NULL },
	{ "notes", SCH_STRING, 0, NULL, SCH_ANY, NULL },
	{ NULL, 0, 0, NULL, 0, NULL },
};

static const struct schema_field company_keys[] = {
	{ "id", SCH_STRING, 1, NULL, SCH_ANY, NULL },
	{ "name", SCH_STRING, 1, NULL, SCH_ANY, NULL },
	{ "role", SCH_STRING, 1, NULL, SCH_ANY, roles },
	{ "sources", SCH_LIST, 1, NULL, SCH_ANY, NULL }, /* items checked per type below */
	{ "tags", SCH_MAP, 0, NULL, SCH_STRING, NULL },
	{ "description", SCH_STRING, 0, NULL, SCH_ANY, NULL },
	{ NULL, 0, 0, NULL, 0, NULL },
};

static const struct schema_field evidence_keys[] = {
	{ "encryption_key", SCH_CREDREF, 0, NULL, SCH_ANY, NULL },
	{ NULL, 0, 0, NULL, 0, NULL },
};

static const struct schema_field report_keys[] = {
	{ "paper", SCH_STRING, 0, NULL, SCH_ANY, papers },
	{ "firm", SCH_STRING, 0, NULL, SCH_ANY, NULL },
	{ "logo", SCH_STRING, 0, NULL, SCH_ANY, NULL },
	{ "templates", SCH_STRING, 0, NULL, SCH_ANY, NULL },
	{ "redact", SCH_STRING, 0, NULL, SCH_ANY, redactions },
	{ "author", SCH_STRING, 0, NULL, SCH_ANY, NULL },
	{ NULL, 0, 0, NULL, 0, NULL },
};

/* On-premises and VPN ranges, for the network conflicts of the consolidation plan. */
static const char *const network_kinds[] = { "on-premises", "vpn", "other", NULL };

static const struct schema_field network_keys[] = {
	{ "company", SCH_STRING, 1, NULL, SCH_ANY, NULL },
	{ "name", SCH_STRING, 1, NULL, SCH_ANY, NULL },
	{ "kind", SCH_STRING, 1, NULL, SCH_ANY, network_kinds },
	{ "ranges", SCH_LIST, 1, NULL, SCH_STRING, NULL },
	{ "description", SCH_STRING, 0, NULL, SCH_ANY, NULL },
	{ NULL, 0, 0, NULL, 0, NULL },
};

static const struct schema_field tool_cost_keys[] = {
	{ "company", SCH_STRING, 1, NULL, SCH_ANY, NULL },
	{ "tool", SCH_STRING, 1, NULL, SCH_ANY, NULL },
	{ "annual", SCH_NUMBER, 1, NULL, SCH_ANY, NULL },
	{ "note", SCH_STRING, 0, NULL, SCH_ANY, NULL },
	{ NULL, 0, 0, NULL, 0, NULL },
};

static const struct schema_field consolidation_keys[] = {
	{ "tool_costs", SCH_LIST, 0, tool_cost_keys, SCH_OBJECT, NULL },
	{ "eol_warning_days", SCH_INT, 0, NULL, SCH_ANY, NULL },
	{ NULL, 0, 0, NULL, 0, NULL },
};

static const struct schema_field top_keys[] = {
	{ "name", SCH_STRING, 1, NULL, SCH_ANY, NULL },
	{ "client", SCH_STRING, 1, NULL, SCH_ANY, NULL },
	{ "as_of", SCH_DATE, 1, NULL, SCH_ANY, NULL },
	{ "currency", SCH_STRING, 0, NULL, SCH_ANY, NULL },
	{ "marking", SCH_STRING, 0, NULL, SCH_ANY, NULL },
	{ "state", SCH_STRING, 0, NULL, SCH_ANY, NULL },
	{ "evidence", SCH_OBJECT, 0, evidence_keys, SCH_ANY, NULL },
	{ "companies", SCH_LIST, 1, company_keys, SCH_OBJECT, NULL },
	{ "report", SCH_OBJECT, 0, report_keys, SCH_ANY, NULL },
	{ "scoring", SCH_MAP, 0, NULL, SCH_ANY, NULL }, /* its keys: scoring/config.c, before the run */
	{ "waivers", SCH_STRING, 0, NULL, SCH_ANY, NULL },
	{ "manual_findings", SCH_STRING, 0, NULL, SCH_ANY, NULL },
	{ "networks", SCH_LIST, 0, network_keys, SCH_OBJECT, NULL },
	{ "consolidation", SCH_OBJECT, 0, consolidation_keys, SCH_ANY, NULL },
	{ "description", SCH_STRING, 0, NULL, SCH_ANY, NULL },
	{ NULL, 0, 0, NULL, 0, NULL },
};

static int valid_id(const char *s)
{
	size_t i;

	if (!s[0] || strlen(s) > 64)
		return 0;
	for (i = 0; s[i]; i++) {
		char c = s[i];

		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
		      (c >= 'A' && c <= 'Z') || c == '.'))
			return 0;
	}
	return 1;
}

static int check_credref(const struct engagement *eng, const struct schema_ctx *ctx, const char *ref,
			 const char *path, const char *what)
{
	struct strbuf p = STRBUF_INIT;
	int rc = 0;

	if (util_has_prefix(ref, "env:")) {
		const char *v = getenv(ref + 4);

		if (!v)
			return schema_error(ctx, path, "%s: the environment variable %s is not set", what, ref + 4);
		if (!v[0])
			return schema_error(ctx, path, "%s: the environment variable %s is empty", what, ref + 4);
		return 0;
	}
	if ((rc = engagement_path(eng, ref + 5, &p)) < 0)
		goto cleanup;
	if (access(p.buf, R_OK) < 0)
		rc = schema_error(ctx, path, "%s: cannot read %s: %s", what, p.buf, strerror(errno));
cleanup:
	strbuf_release(&p);
	return rc;
}

static int load_source(struct engagement *eng, const struct schema_ctx *ctx, struct company *co, size_t i,
		       json_t *doc, source_type_lookup lookup)
{
	struct strbuf path = STRBUF_INIT, what = STRBUF_INIT, p2 = STRBUF_INIT;
	struct source *src = &co->sources[i];
	const struct source_type_info *info = NULL;
	json_t *creds, *auth, *v;
	const char *type, *key;
	int rc = 0;

	strbuf_addf(&path, "companies[%zu].sources[%zu]", (size_t)(co - eng->companies), i);
	strbuf_addf(&what, "source %zu of company '%s'", i + 1, co->id);
	if (!json_is_object(doc)) {
		rc = schema_error(ctx, path.buf, "%s: expected a mapping with at least 'type'", what.buf);
		goto cleanup;
	}
	type = jsonx_str(doc, "type");
	if (!type) {
		rc = schema_error(ctx, path.buf, "%s: the key 'type' is required (a string)", what.buf);
		goto cleanup;
	}
	info = lookup ? lookup(type) : NULL;
	if (!info) {
		strbuf_addstr(&p2, path.buf);
		ydoc_path_key(&p2, "type");
		rc = schema_error(ctx, p2.buf, "%s: unknown source type '%s' (see 'vetter help sources')", what.buf,
				  type);
		goto cleanup;
	}
	if ((rc = schema_check_object(ctx, doc, path.buf, what.buf, engagement_source_keys, info->keys)) < 0)
		goto cleanup;

	src->type = type;
	src->info = info;
	src->company = co;
	src->doc = doc;
	src->index = i;
	src->name = jsonx_str(doc, "name");
	src->tls_verify = jsonx_bool(doc, "tls_verify", 1);
	src->allow_exec = jsonx_bool(doc, "allow_exec", 0);
	if (jsonx_str(doc, "id")) {
		if (!valid_id(jsonx_str(doc, "id"))) {
			strbuf_reset(&p2);
			strbuf_addstr(&p2, path.buf);
			ydoc_path_key(&p2, "id");
			rc = schema_error(ctx, p2.buf, "%s: id may hold only letters, digits, '-', '_' and '.'",
					  what.buf);
			goto cleanup;
		}
		src->id = util_strdup(jsonx_str(doc, "id"));
	} else {
		strbuf_reset(&p2);
		strbuf_addf(&p2, "%s.%s-%zu", co->id, type, i + 1);
		src->id = util_strdup(p2.buf);
	}
	if (!src->id) {
		rc = ERR_NOMEM;
		goto cleanup;
	}

	auth = json_object_get(doc, "authorization");
	if (json_is_object(auth)) {
		src->has_auth = 1;
		src->auth.by = jsonx_str(auth, "by");
		src->auth.scope = jsonx_str(auth, "scope");
		src->auth.date = jsonx_str(auth, "date");
		src->auth.reference = jsonx_str(auth, "reference");
	}
	if (info->live && !src->has_auth) {
		rc = schema_error(ctx, path.buf,
				  "%s: a live source (type '%s') needs an 'authorization' block saying who authorised "
				  "the access (by), its scope, date and reference; vetter does not collect from live "
				  "systems without one",
				  what.buf, type);
		goto cleanup;
	}
	creds = json_object_get(doc, "credentials");
	json_object_foreach(creds, key, v) {
		strbuf_reset(&p2);
		strbuf_addstr(&p2, path.buf);
		ydoc_path_key(&p2, "credentials");
		ydoc_path_key(&p2, key);
		strbuf_reset(&what);
		strbuf_addf(&what, "credential '%s' of source '%s'", key, src->id);
		if ((rc = check_credref(eng, ctx, json_string_value(v), p2.buf, what.buf)) < 0)
			goto cleanup;
	}
cleanup:
	strbuf_release(&path);
	strbuf_release(&what);
	strbuf_release(&p2);
	return rc;
}

static int load_company(struct engagement *eng, const struct schema_ctx *ctx, size_t ci, json_t *doc,
			source_type_lookup lookup)
{
	struct company *co = &eng->companies[ci];
	struct strbuf path = STRBUF_INIT;
	json_t *sources, *s;
	size_t i, j;
	int rc = 0;

	co->doc = doc;
	co->id = jsonx_str(doc, "id");
	co->name = jsonx_str(doc, "name");
	co->role = jsonx_str(doc, "role");
	strbuf_addf(&path, "companies[%zu].id", ci);
	if (!valid_id(co->id)) {
		rc = schema_error(ctx, path.buf, "company id '%s' may hold only letters, digits, '-', '_' and '.'",
				  co->id);
		goto cleanup;
	}
	for (j = 0; j < ci; j++) {
		if (!strcmp(eng->companies[j].id, co->id)) {
			rc = schema_error(ctx, path.buf, "duplicate company id '%s' (also company %zu)", co->id, j + 1);
			goto cleanup;
		}
	}
	sources = json_object_get(doc, "sources");
	if (!json_array_size(sources)) {
		strbuf_reset(&path);
		strbuf_addf(&path, "companies[%zu].sources", ci);
		rc = schema_error(ctx, path.buf, "company '%s' has no sources: give at least one", co->id);
		goto cleanup;
	}
	co->sources = calloc(json_array_size(sources), sizeof(*co->sources));
	if (!co->sources) {
		rc = err_set(ERR_NOMEM, "out of memory");
		goto cleanup;
	}
	json_array_foreach(sources, i, s) {
		co->nsources = i + 1;
		if ((rc = load_source(eng, ctx, co, i, s, lookup)) < 0)
			goto cleanup;
	}
cleanup:
	strbuf_release(&path);
	return rc;
}

static int check_unique_sources(struct engagement *eng, const struct schema_ctx *ctx)
{
	struct strbuf path = STRBUF_INIT;
	size_t a, b, c, d;
	int rc = 0;

	for (a = 0; a < eng->ncompanies; a++)
		for (b = 0; b < eng->companies[a].nsources; b++)
			for (c = a; c < eng->ncompanies; c++)
				for (d = (c == a ? b + 1 : 0); d < eng->companies[c].nsources; d++) {
					if (strcmp(eng->companies[a].sources[b].id, eng->companies[c].sources[d].id))
						continue;
					strbuf_addf(&path, "companies[%zu].sources[%zu]", c, d);
					rc = schema_error(ctx, path.buf, "duplicate source id '%s'",
							  eng->companies[c].sources[d].id);
					goto out;
				}
out:
	strbuf_release(&path);
	return rc;
}

/* A consultant's file, so no more ranges than a person writes. */
#define ENGAGEMENT_MAX_RANGES 10000

/*
 * What the schema cannot say about `networks` and `consolidation`: the
 * companies named exist, every range is a CIDR range with no host bits set,
 * and numbers are in range.  Tool ids are checked against the signatures
 * by the consolidation module, which has them.
 */
static int check_consolidation_keys(const struct engagement *eng, const struct schema_ctx *ctx)
{
	struct strbuf path = STRBUF_INIT;
	json_t *n, *r, *costs, *c, *cons;
	size_t i, j, total = 0;
	struct cidr cidr;
	int rc = 0;

	json_array_foreach(json_object_get(eng->doc, "networks"), i, n) {
		strbuf_reset(&path);
		strbuf_addf(&path, "networks[%zu].company", i);
		if (!engagement_company(eng, jsonx_str(n, "company"))) {
			rc = schema_error(ctx, path.buf, "network %zu: no company '%s' in the engagement", i + 1,
					  jsonx_str(n, "company"));
			goto cleanup;
		}
		if (!json_array_size(json_object_get(n, "ranges"))) {
			strbuf_reset(&path);
			strbuf_addf(&path, "networks[%zu].ranges", i);
			rc = schema_error(ctx, path.buf, "network %zu ('%s'): list at least one range", i + 1,
					  jsonx_str(n, "name"));
			goto cleanup;
		}
		json_array_foreach(json_object_get(n, "ranges"), j, r) {
			strbuf_reset(&path);
			strbuf_addf(&path, "networks[%zu].ranges[%zu]", i, j);
			if (++total > ENGAGEMENT_MAX_RANGES) {
				rc = schema_error(ctx, path.buf, "networks: at most %d ranges in all", ENGAGEMENT_MAX_RANGES);
				goto cleanup;
			}
			if (cidr_parse_str(&cidr, json_string_value(r), CIDR_STRICT) < 0) {
				rc = schema_error(ctx, path.buf, "network %zu ('%s') range %zu: %s", i + 1,
						  jsonx_str(n, "name"), j + 1, err_last());
				goto cleanup;
			}
		}
	}
	cons = json_object_get(eng->doc, "consolidation");
	if (json_object_get(cons, "eol_warning_days")) {
		long long d = jsonx_int(cons, "eol_warning_days", 0);

		if (d < 0 || d > 3650) {
			rc = schema_error(ctx, "consolidation.eol_warning_days",
					  "consolidation.eol_warning_days: expected a number of days from 0 to 3650");
			goto cleanup;
		}
	}
	costs = json_object_get(cons, "tool_costs");
	json_array_foreach(costs, i, c) {
		strbuf_reset(&path);
		strbuf_addf(&path, "consolidation.tool_costs[%zu].company", i);
		if (!engagement_company(eng, jsonx_str(c, "company"))) {
			rc = schema_error(ctx, path.buf, "tool cost %zu: no company '%s' in the engagement", i + 1,
					  jsonx_str(c, "company"));
			goto cleanup;
		}
		if (jsonx_num(c, "annual", 0) < 0 || jsonx_num(c, "annual", 0) > 1e12) {
			strbuf_reset(&path);
			strbuf_addf(&path, "consolidation.tool_costs[%zu].annual", i);
			rc = schema_error(ctx, path.buf, "tool cost %zu: annual must be from 0 to 10^12 (a yearly cost in "
							 "the engagement's currency)",
					  i + 1);
			goto cleanup;
		}
		for (j = 0; j < i; j++) {
			json_t *o = json_array_get(costs, j);

			if (!strcmp(jsonx_strz(o, "company"), jsonx_strz(c, "company")) &&
			    !strcmp(jsonx_strz(o, "tool"), jsonx_strz(c, "tool"))) {
				strbuf_reset(&path);
				strbuf_addf(&path, "consolidation.tool_costs[%zu]", i);
				rc = schema_error(ctx, path.buf, "tool cost %zu: '%s' of '%s' is already priced (item %zu)",
						  i + 1, jsonx_str(c, "tool"), jsonx_str(c, "company"), j + 1);
				goto cleanup;
			}
		}
	}
cleanup:
	strbuf_release(&path);
	return rc;
}

int engagement_load(struct engagement **out, const char *path, source_type_lookup lookup)
{
	struct ydoc_limits lim = { ENGAGEMENT_MAX_NODES, 64 };
	struct strbuf buf = STRBUF_INIT, dir = STRBUF_INIT, tmp = STRBUF_INIT;
	struct ydoc_map *pos = NULL;
	struct engagement *eng = NULL;
	struct schema_ctx ctx = { path, NULL };
	char real[PATH_MAX];
	json_t *companies, *c, *ev;
	const char *state;
	size_t i;
	int rc;

	strbuf_init(&buf, ENGAGEMENT_MAX_BYTES);
	rc = strbuf_read_file(&buf, path);
	if (rc < 0) {
		rc = err_set(ERR_USAGE, "cannot read the engagement file %s: %s", path,
			     rc == ERR_LIMIT ? "larger than 4 MB" : err_last());
		goto cleanup;
	}
	eng = calloc(1, sizeof(*eng));
	if (!eng) {
		rc = err_set(ERR_NOMEM, "out of memory");
		goto cleanup;
	}
	eng->file = util_strdup(path);
	if ((rc = sha256_hex(&tmp, buf.buf, buf.len)) < 0)
		goto cleanup;
	snprintf(eng->digest, sizeof(eng->digest), "%s", tmp.buf);
	if ((rc = ydoc_load(buf.buf, buf.len, path, &lim, &eng->doc, &pos)) < 0) {
		rc = err_set(ERR_USAGE, "%s", err_last());
		goto cleanup;
	}
	ctx.pos = pos;
	if (!json_is_object(eng->doc)) {
		rc = schema_error(&ctx, "", "the engagement file must be a mapping with name, client, as_of and companies");
		goto cleanup;
	}
	if ((rc = schema_check_object(&ctx, eng->doc, "", "engagement", top_keys, NULL)) < 0)
		goto cleanup;

	if ((rc = util_path_dirname(&dir, path)) < 0)
		goto cleanup;
	if (!realpath(dir.buf, real)) {
		rc = err_set(ERR_USAGE, "%s: %s", dir.buf, strerror(errno));
		goto cleanup;
	}
	eng->dir = util_strdup(real);
	eng->name = jsonx_str(eng->doc, "name");
	eng->client = jsonx_str(eng->doc, "client");
	eng->currency = jsonx_str(eng->doc, "currency") ? jsonx_str(eng->doc, "currency") : "USD";
	eng->marking = jsonx_str(eng->doc, "marking") ? jsonx_str(eng->doc, "marking") : "Privileged & Confidential";
	util_date_parse(jsonx_str(eng->doc, "as_of"), &eng->as_of);
	snprintf(eng->as_of_text, sizeof(eng->as_of_text), "%s", jsonx_str(eng->doc, "as_of"));
	if (strlen(eng->currency) != 3) {
		rc = schema_error(&ctx, "currency", "currency: expected an ISO 4217 code such as EUR, USD or GBP");
		goto cleanup;
	}

	strbuf_reset(&tmp);
	state = jsonx_str(eng->doc, "state");
	if (state) {
		rc = engagement_path(eng, state, &tmp);
	} else {
		/* Beside the file and named after it, so two engagements in one
		 * folder keep separate stores. */
		const char *base = strrchr(path, '/');
		const char *dot;

		base = base ? base + 1 : path;
		dot = strrchr(base, '.');
		rc = strbuf_addf(&tmp, "%s/%.*s.vetter", eng->dir, (int)(dot && dot != base ? (size_t)(dot - base) : strlen(base)),
				 base);
	}
	if (rc < 0 || !(eng->state_dir = util_strdup(tmp.buf)))
		goto cleanup;

	ev = json_object_get(eng->doc, "evidence");
	eng->evidence_key_ref = jsonx_str(ev, "encryption_key");
	if (eng->evidence_key_ref &&
	    (rc = check_credref(eng, &ctx, eng->evidence_key_ref, "evidence.encryption_key", "evidence.encryption_key")) < 0)
		goto cleanup;

	companies = json_object_get(eng->doc, "companies");
	if (!json_array_size(companies)) {
		rc = schema_error(&ctx, "companies", "companies: list at least one company");
		goto cleanup;
	}
	eng->companies = calloc(json_array_size(companies), sizeof(*eng->companies));
	if (!eng->companies) {
		rc = err_set(ERR_NOMEM, "out of memory");
		goto cleanup;
	}
	json_array_foreach(companies, i, c) {
		eng->ncompanies = i + 1;
		if ((rc = load_company(eng, &ctx, i, c, lookup)) < 0)
			goto cleanup;
	}
	if ((rc = check_unique_sources(eng, &ctx)) < 0 || (rc = check_consolidation_keys(eng, &ctx)) < 0)
		goto cleanup;
	*out = eng;
	eng = NULL;
cleanup:
	if (rc < 0 && rc != ERR_NOMEM && rc != ERR_USAGE)
		rc = err_set(ERR_USAGE, "%s", err_last());
	engagement_free(eng);
	ydoc_map_free(pos);
	strbuf_release(&buf);
	strbuf_release(&dir);
	strbuf_release(&tmp);
	return rc;
}

void engagement_free(struct engagement *eng)
{
	size_t i, j;

	if (!eng)
		return;
	for (i = 0; i < eng->ncompanies; i++) {
		for (j = 0; j < eng->companies[i].nsources; j++)
			free(eng->companies[i].sources[j].id);
		free(eng->companies[i].sources);
	}
	free(eng->companies);
	json_decref(eng->doc);
	free(eng->file);
	free(eng->dir);
	free(eng->state_dir);
	free(eng);
}

int engagement_path(const struct engagement *eng, const char *rel, struct strbuf *out)
{
	const char *home;

	if (rel[0] == '~' && rel[1] == '/' && (home = getenv("HOME")))
		return strbuf_addf(out, "%s/%s", home, rel + 2);
	return util_path_join(out, eng->dir, rel);
}

int engagement_secret(const struct engagement *eng, const char *ref, struct strbuf *out)
{
	struct strbuf p = STRBUF_INIT;
	size_t start = out->len;
	int rc = 0;

	if (util_has_prefix(ref, "env:")) {
		const char *v = getenv(ref + 4);

		if (!v)
			return err_set(ERR_NOTFOUND, "the environment variable %s is not set", ref + 4);
		rc = strbuf_addstr(out, v);
	} else if (util_has_prefix(ref, "file:")) {
		if ((rc = engagement_path(eng, ref + 5, &p)) == 0)
			rc = strbuf_read_file(out, p.buf);
		/* A trailing newline in a key file is never part of the secret. */
		while (rc == 0 && out->len > start && (out->buf[out->len - 1] == '\n' || out->buf[out->len - 1] == '\r'))
			strbuf_setlen(out, out->len - 1);
	} else {
		rc = err_set(ERR_INVALID, "'%s' is not a credential reference", ref);
	}
	if (rc == 0)
		rc = log_secret_add(out->buf + start, out->len - start);
	strbuf_release(&p);
	return rc;
}

int engagement_credential(const struct engagement *eng, const struct source *src, const char *name,
			  struct strbuf *out)
{
	const char *ref = jsonx_str(json_object_get(src->doc, "credentials"), name);

	if (!ref)
		return err_set(ERR_NOTFOUND, "source '%s' has no credential '%s'", src->id, name);
	return engagement_secret(eng, ref, out);
}

const struct company *engagement_company(const struct engagement *eng, const char *id)
{
	size_t i;

	for (i = 0; i < eng->ncompanies; i++)
		if (!strcmp(eng->companies[i].id, id))
			return &eng->companies[i];
	return NULL;
}

const struct source *engagement_source(const struct engagement *eng, const char *id)
{
	size_t i, j;

	for (i = 0; i < eng->ncompanies; i++)
		for (j = 0; j < eng->companies[i].nsources; j++)
			if (!strcmp(eng->companies[i].sources[j].id, id))
				return &eng->companies[i].sources[j];
	return NULL;
}
