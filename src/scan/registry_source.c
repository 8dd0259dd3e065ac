#include "registry_source.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "connectors/aws.h"
#include "core/crypto.h"
#include "core/err.h"
#include "core/jsonx.h"
#include "core/log.h"
#include "core/util.h"
#include "registry_creds.h"

static const char *const flavours[] = { "generic", "ecr", "acr", "gar", NULL };

const struct schema_field registry_source_keys[] = {
	{ "host", SCH_STRING, 1, NULL, SCH_ANY, NULL },
	{ "flavour", SCH_STRING, 0, NULL, SCH_ANY, flavours },
	{ "repositories", SCH_LIST, 0, NULL, SCH_STRING, NULL },
	{ "newest_tags", SCH_INT, 0, NULL, SCH_ANY, NULL },
	{ "max_tags", SCH_INT, 0, NULL, SCH_ANY, NULL },
	{ "max_repositories", SCH_INT, 0, NULL, SCH_ANY, NULL },
	{ "max_images", SCH_INT, 0, NULL, SCH_ANY, NULL },
	{ "platform", SCH_STRING, 0, NULL, SCH_ANY, NULL },
	{ "ca_file", SCH_STRING, 0, NULL, SCH_ANY, NULL },
	{ "docker_config", SCH_STRING, 0, NULL, SCH_ANY, NULL },
	{ "plain_http", SCH_BOOL, 0, NULL, SCH_ANY, NULL },
	{ "insecure", SCH_BOOL, 0, NULL, SCH_ANY, NULL },
	{ "timeout", SCH_INT, 0, NULL, SCH_ANY, NULL },
	{ "region", SCH_STRING, 0, NULL, SCH_ANY, NULL },
	/* ecr: the AWS credentials chain, as the aws source takes it (connectors/aws.c). */
	{ "profile", SCH_STRING, 0, NULL, SCH_ANY, NULL },
	{ "role_arn", SCH_STRING, 0, NULL, SCH_ANY, NULL },
	{ "external_id", SCH_STRING, 0, NULL, SCH_ANY, NULL },
	{ "role_session_name", SCH_STRING, 0, NULL, SCH_ANY, NULL },
	{ "endpoint_url", SCH_STRING, 0, NULL, SCH_ANY, NULL },
	{ "tenant", SCH_STRING, 0, NULL, SCH_ANY, NULL },      /* acr */
	{ "endpoints", SCH_MAP, 0, NULL, SCH_STRING, NULL },   /* acr, gar: login, token */
	{ NULL, 0, 0, NULL, 0, NULL },
};

/* The keys only flavour ecr reads: elsewhere they would be ignored silently, so they are refused. */
static const char *const ecr_only_keys[] = { "profile", "role_arn", "external_id", "role_session_name", "endpoint_url", NULL };

void registry_source_release(struct registry_source *rs)
{
	free(rs->host);
	free(rs->ca_file);
	docker_config_free(rs->dc);
	memset(rs, 0, sizeof(*rs));
}

int registry_source_init(struct registry_source *rs, const struct engagement *eng, const struct source *src)
{
	const json_t *doc = src->doc;
	const char *host = jsonx_str(doc, "host"), *p;
	struct strbuf path = STRBUF_INIT;
	long long timeout = jsonx_int(doc, "timeout", 0);
	size_t i;
	int rc = 0;

	memset(rs, 0, sizeof(*rs));
	rs->eng = eng;
	rs->src = src;
	rs->flavour = jsonx_str(doc, "flavour") ? jsonx_str(doc, "flavour") : "generic";
	rs->platform = jsonx_str(doc, "platform") ? jsonx_str(doc, "platform") : "linux/amd64";
	rs->plain_http = jsonx_bool(doc, "plain_http", 0);
	rs->insecure = jsonx_bool(doc, "insecure", 0);
	for (i = 0; strcmp(rs->flavour, "ecr") && ecr_only_keys[i]; i++)
		if (json_object_get(doc, ecr_only_keys[i])) {
			rc = err_set(ERR_USAGE, "source '%s': '%s' is a key of flavour ecr (the AWS credentials), not of flavour %s",
				     src->id, ecr_only_keys[i], rs->flavour);
			goto fail;
		}
	/* "https://host/" is accepted as "host". */
	if (host && util_has_prefix(host, "https://"))
		host += 8;
	if (!host || !host[0] || strcspn(host, "/") == 0) {
		rc = err_set(ERR_USAGE, "source '%s': host must name the registry (HOST or HOST:PORT)", src->id);
		goto fail;
	}
	rs->host = strndup(host, strcspn(host, "/"));
	if (!rs->host) {
		rc = ERR_NOMEM;
		goto fail;
	}
	if (timeout < 0 || timeout > 3600) {
		rc = err_set(ERR_USAGE, "source '%s': timeout is seconds, from 1 to 3600", src->id);
		goto fail;
	}
	rs->timeout_s = (long)timeout;
	if ((p = jsonx_str(doc, "ca_file"))) {
		if ((rc = engagement_path(eng, p, &path)) < 0)
			goto fail;
		if (!util_exists(path.buf)) {
			rc = err_set(ERR_USAGE, "source '%s': ca_file %s does not exist", src->id, path.buf);
			goto fail;
		}
		rs->ca_file = strbuf_detach(&path, NULL);
	}
	if ((p = jsonx_str(doc, "docker_config"))) {
		strbuf_reset(&path);
		if ((rc = engagement_path(eng, p, &path)) < 0 || (rc = docker_config_load(&rs->dc, path.buf, src->allow_exec)) < 0)
			goto fail;
	}
	strbuf_release(&path);
	return 0;
fail:
	strbuf_release(&path);
	registry_source_release(rs);
	return rc;
}

static int cred_from_block(struct registry_source *rs, const char *name, char **slot)
{
	struct strbuf v = STRBUF_INIT;
	int rc = engagement_credential(rs->eng, rs->src, name, &v);

	if (rc == ERR_NOTFOUND) {
		err_clear();
		return 0;
	}
	if (rc == 0 && !(*slot = strbuf_detach(&v, NULL)))
		rc = ERR_NOMEM;
	strbuf_release(&v);
	return rc;
}

static int generic_cred(void *ctx, const char *host, struct registry_cred *out)
{
	struct registry_source *rs = ctx;
	int rc;

	if ((rc = cred_from_block(rs, "username", &out->username)) < 0 ||
	    (rc = cred_from_block(rs, "password", &out->password)) < 0 ||
	    (rc = cred_from_block(rs, "identity_token", &out->identity_token)) < 0 ||
	    (rc = cred_from_block(rs, "registry_token", &out->registry_token)) < 0)
		return rc;
	if (out->username || out->identity_token || out->registry_token)
		return 0;
	if (out->password)
		return err_set(ERR_USAGE, "source '%s': a password without a username", rs->src->id);
	return rs->dc ? docker_config_cred(rs->dc, host, out) : ERR_NOTFOUND;
}

static int ecr_cred(void *ctx, const char *host, struct registry_cred *out)
{
	struct registry_source *rs = ctx;

	return registry_ecr_credentials(rs->eng, rs->src, host, out);
}

static int acr_cred(void *ctx, const char *host, struct registry_cred *out)
{
	struct registry_source *rs = ctx;

	return registry_acr_credentials(rs->eng, rs->src, host, rs->ca_file, out);
}

static int gar_cred(void *ctx, const char *host, struct registry_cred *out)
{
	struct registry_source *rs = ctx;

	return registry_gar_credentials(rs->eng, rs->src, host, rs->ca_file, out);
}

int registry_ecr_credentials(const struct engagement *eng, const struct source *src, const char *host,
			     struct registry_cred *out)
{
	struct strbuf user = STRBUF_INIT, password = STRBUF_INIT;
	int rc = aws_ecr_credentials(eng, src, host, &user, &password, NULL);

	if (rc == 0) {
		out->username = strbuf_detach(&user, NULL);
		out->password = strbuf_detach(&password, NULL);
	}
	if (password.len)
		crypto_wipe(password.buf, password.len);
	strbuf_release(&user);
	strbuf_release(&password);
	return rc < 0 ? err_set(rc, "source '%s': ECR credentials for %s: %s", src->id, host, err_last()) : 0;
}

int registry_ecr_repositories(const struct engagement *eng, const struct source *src, const char *host,
			      registry_name_fn fn, void *ctx)
{
	int rc = aws_ecr_repositories(eng, src, host, fn, ctx);

	return rc < 0 ? err_set(rc, "source '%s': ECR repositories of %s: %s", src->id, host, err_last()) : 0;
}

int registry_source_open(struct registry_source *rs, struct registry **out)
{
	struct registry_options o;

	memset(&o, 0, sizeof(o));
	o.host = rs->host;
	o.plain_http = rs->plain_http;
	o.insecure = rs->insecure;
	o.tls_verify = rs->src->tls_verify;
	o.ca_file = rs->ca_file;
	o.timeout_s = rs->timeout_s;
	o.stall_s = rs->timeout_s;
	o.cred = !strcmp(rs->flavour, "ecr") ? ecr_cred
		 : !strcmp(rs->flavour, "acr") ? acr_cred
		 : !strcmp(rs->flavour, "gar") ? gar_cred
					       : generic_cred;
	o.cred_ctx = rs;
	return registry_new(out, &o);
}

/* The scan stage's clients. */
struct pool_entry {
	char *company, *host;
	struct registry_source rs;
	int have_source;
	struct registry *reg;
};

struct registry_pool {
	const struct engagement *eng;
	struct pool_entry **v; /* pointers: a client keeps a pointer to its entry's settings */
	size_t n, cap;
};

int registry_pool_new(struct registry_pool **out, const struct engagement *eng)
{
	*out = calloc(1, sizeof(**out));
	if (!*out)
		return err_set(ERR_NOMEM, "out of memory");
	(*out)->eng = eng;
	return 0;
}

void registry_pool_free(struct registry_pool *p)
{
	size_t i;

	if (!p)
		return;
	for (i = 0; i < p->n; i++) {
		registry_free(p->v[i]->reg);
		if (p->v[i]->have_source)
			registry_source_release(&p->v[i]->rs);
		free(p->v[i]->company);
		free(p->v[i]->host);
		free(p->v[i]);
	}
	free(p->v);
	free(p);
}

static int same_host(const char *a, const char *b)
{
	struct strbuf ka = STRBUF_INIT, kb = STRBUF_INIT;
	int same;

	/* docker.io and its aliases are one registry. */
	docker_config_host_key(&ka, a);
	docker_config_host_key(&kb, b);
	same = !strcmp(ka.buf, kb.buf) && (strchr(a, ':') != NULL) == (strchr(b, ':') != NULL);
	if (same && strchr(a, ':'))
		same = !strcasecmp(strchr(a, ':'), strchr(b, ':'));
	strbuf_release(&ka);
	strbuf_release(&kb);
	return same;
}

/* The registry source for host: the company's own first, then any. */
static const struct source *find_source(const struct engagement *eng, const char *company, const char *host)
{
	const struct source *any = NULL;
	size_t i, j;

	for (i = 0; i < eng->ncompanies; i++) {
		for (j = 0; j < eng->companies[i].nsources; j++) {
			const struct source *s = &eng->companies[i].sources[j];
			const char *h = jsonx_str(s->doc, "host");

			if (strcmp(s->type, "registry") || !h)
				continue;
			if (util_has_prefix(h, "https://"))
				h += 8;
			{
				char *hh = strndup(h, strcspn(h, "/"));
				int match = hh && same_host(hh, host);

				free(hh);
				if (!match)
					continue;
			}
			if (!strcmp(eng->companies[i].id, company))
				return s;
			if (!any)
				any = s;
		}
	}
	return any;
}

int registry_pool_get(struct registry_pool *p, const char *company, const char *host, struct registry **out)
{
	const struct source *src = find_source(p->eng, company, host);
	struct pool_entry *e;
	size_t i;
	int rc;

	/*
	 * An image name comes from the target's own data (a pod spec, an
	 * export): pulling from a host no source authorises would contact a
	 * third party, or whatever internal address the name points at, on
	 * the target's say-so.  The consultant adds a registry source instead.
	 */
	if (!src)
		return err_set(ERR_DENIED,
			       "%s: no registry source of the engagement covers this host, so its images are not pulled "
			       "(add a source of type registry with host: %s and its authorization to scan them)",
			       host, host);

	/* Entries are per source (or per host without one): the company only picks the source. */
	for (i = 0; i < p->n; i++) {
		e = p->v[i];
		if (!strcmp(e->host, host) && (src ? e->have_source && e->rs.src == src : !e->have_source)) {
			*out = e->reg;
			return 0;
		}
	}
	if (p->n == p->cap) {
		size_t ncap = p->cap ? p->cap * 2 : 8;
		struct pool_entry **nv = realloc(p->v, ncap * sizeof(*nv));

		if (!nv)
			return err_set(ERR_NOMEM, "out of memory");
		p->v = nv;
		p->cap = ncap;
	}
	e = calloc(1, sizeof(*e));
	if (!e)
		return err_set(ERR_NOMEM, "out of memory");
	e->company = util_strdup(company);
	e->host = util_strdup(host);
	if (!e->company || !e->host) {
		free(e->company);
		free(e->host);
		free(e);
		return ERR_NOMEM;
	}
	if (src) {
		if ((rc = registry_source_init(&e->rs, p->eng, src)) == 0) {
			e->have_source = 1;
			rc = registry_source_open(&e->rs, &e->reg);
		}
	} else {
		struct registry_options o;

		memset(&o, 0, sizeof(o));
		o.host = host;
		o.tls_verify = 1;
		rc = registry_new(&e->reg, &o);
	}
	if (rc < 0) {
		if (e->have_source)
			registry_source_release(&e->rs);
		free(e->company);
		free(e->host);
		free(e);
		return rc;
	}
	p->v[p->n++] = e;
	*out = e->reg;
	return 0;
}
