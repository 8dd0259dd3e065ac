/* What the live Azure and Google Cloud connectors share (cloud.h). */
#include <stdlib.h>
#include <string.h>

#include "cloud.h"
#include "core/err.h"
#include "core/jsonx.h"
#include "core/log.h"
#include "core/util.h"

const struct schema_field cloud_endpoint_keys[] = {
	{ "login", SCH_STRING, 0, NULL, SCH_ANY, NULL },      /* Azure: the Entra ID token endpoint's host */
	{ "management", SCH_STRING, 0, NULL, SCH_ANY, NULL }, /* Azure Resource Manager */
	{ "graph", SCH_STRING, 0, NULL, SCH_ANY, NULL },      /* Microsoft Graph */
	{ "token", SCH_STRING, 0, NULL, SCH_ANY, NULL },      /* Google: the OAuth2 token endpoint */
	{ "google", SCH_STRING, 0, NULL, SCH_ANY, NULL },     /* Google: every API as URL/SERVICE/... */
	{ NULL, 0, 0, NULL, 0, NULL },
};

int cloud_live_endpoint(const struct inventory *inv, const char *key, const char **out)
{
	const char *v = jsonx_str(json_object_get(inv->src->doc, "endpoints"), key);

	*out = NULL;
	if (!v)
		return 0;
	if (!util_has_prefix(v, "https://") || strlen(v) < 9 || strlen(v) > 512 || strpbrk(v, "?# \t\r\n") ||
	    v[strlen(v) - 1] == '/')
		return err_set(ERR_USAGE, "source %s: endpoints.%s '%.200s' must be an https:// URL without a trailing '/', "
					  "query or fragment", inv->src->id, key, v);
	*out = v;
	return 0;
}

static int keep_page(void *ctx, const char *uri, const void *body, size_t len)
{
	struct cloud_live *l = ctx;

	return inventory_evidence(l->inv, uri, "application/json", body, len, NULL);
}

int cloud_live_open(struct cloud_live *l, struct inventory *inv, const char *provider, cloud_token_fn token, void *ctx)
{
	struct cloud_client_opts o = { 0 };
	const char *ca = jsonx_str(inv->src->doc, "ca_file");
	long long t = jsonx_int(inv->src->doc, "timeout", 60), pages = jsonx_int(inv->src->doc, "max_pages", 1000);
	int rc;

	memset(l, 0, sizeof(*l));
	l->inv = inv;
	l->provider = provider;
	strbuf_init(&l->ca, 4096);
	if (t < 1 || t > 3600 || pages < 1 || pages > 100000)
		return err_set(ERR_USAGE, "source %s: timeout is 1 to 3600 seconds, max_pages 1 to 100000", inv->src->id);
	if (ca) {
		struct strbuf p = STRBUF_INIT;

		rc = engagement_path(inv->eng, ca, &p);
		/* The CA file is the consultant's, but it must still be inside the engagement folder. */
		if (rc == 0)
			rc = util_path_within(&l->ca, inv->eng->dir, p.buf);
		strbuf_release(&p);
		if (rc < 0)
			return err_set(rc, "source %s: ca_file: %s", inv->src->id, err_last());
	}
	if ((rc = cloud_live_endpoint(inv, "management", &o.arm_url)) < 0 ||
	    (rc = cloud_live_endpoint(inv, "graph", &o.graph_url)) < 0 || (rc = cloud_live_endpoint(inv, "google", &o.google_url)) < 0)
		return rc;
	o.ca_file = ca ? l->ca.buf : NULL;
	o.tls_verify = inv->src->tls_verify;
	o.timeout_s = (long)t;
	o.max_pages = (int)pages;
	o.token = token;
	o.token_ctx = ctx;
	o.evidence = keep_page;
	o.evidence_ctx = l;
	return cloud_client_new(&l->client, &o);
}

void cloud_live_close(struct cloud_live *l)
{
	cloud_client_free(l->client);
	l->client = NULL;
	strbuf_release(&l->ca);
}

int cloud_live_fatal(int rc)
{
	return rc == ERR_NOMEM || rc == ERR_INTERRUPTED || rc == ERR_LIMIT;
}

int cloud_live_get(struct cloud_live *l, const char *call, const json_t *args, const char *scope, json_t *items)
{
	struct strbuf where = STRBUF_INIT;
	int rc;

	l->calls++;
	err_clear();
	if ((rc = cloud_client_get(l->client, call, args, items)) < 0 && !cloud_live_fatal(rc)) {
		const char *why = err_last();
		int grc;

		l->failed++;
		strbuf_addf(&where, "%s %s: %s", l->provider, scope, call);
		/* The scope names the call already. */
		if (util_has_prefix(why, call) && why[strlen(call)] == ':' && why[strlen(call) + 1] == ' ')
			why += strlen(call) + 2;
		log_warn("%s: %s", where.buf, why);
		if ((grc = inventory_gap(l->inv, where.buf, why)) < 0)
			rc = grc;
	}
	strbuf_release(&where);
	return rc;
}

json_t *cloud_live_counts(const struct cloud_live *l)
{
	return json_pack("{s:I, s:I, s:I, s:I}", "calls", (json_int_t)l->calls, "calls_failed", (json_int_t)l->failed,
			 "requests", (json_int_t)cloud_client_requests(l->client), "token_exchanges",
			 (json_int_t)cloud_client_exchanges(l->client));
}
