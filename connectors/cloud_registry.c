/*
 * The acr and gar flavours of the registry source (src/scan/registry_source.h):
 * registry credentials from Azure and Google Cloud credentials.
 *
 * acr: the service principal's Entra ID token (Resource Manager audience) is
 * exchanged at the registry's own /oauth2/exchange for an ACR refresh token,
 * which the registry client uses as an identity token with the null GUID as
 * the user, as `az acr login` does.  gar: the service account's access token
 * is the password of the user "oauth2accesstoken" (Artifact Registry,
 * gcr.io).  Every exchange is a POST of the token-exchange kind, never
 * redirected; the results are registered for scrubbing.
 */
#include <string.h>

#include "cloud.h"
#include "core/crypto.h"
#include "core/err.h"
#include "core/jsonx.h"
#include "core/log.h"
#include "core/util.h"
#include "gcp_auth.h"
#include "scan/registry_source.h"

#define ACR_USER "00000000-0000-0000-0000-000000000000"

static int client_for(const struct source *src, const char *ca_file, struct cloud_client **out)
{
	struct cloud_client_opts o = { 0 };

	o.ca_file = ca_file;
	o.tls_verify = src->tls_verify;
	o.timeout_s = 60;
	return cloud_client_new(out, &o);
}

static void wipe(struct strbuf *sb)
{
	if (sb->len)
		crypto_wipe(sb->buf, sb->len);
	strbuf_release(sb);
}

int registry_acr_credentials(const struct engagement *eng, const struct source *src, const char *host, const char *ca_file,
			     struct registry_cred *out)
{
	struct inventory inv = { 0 };
	const char *tenant = jsonx_str(src->doc, "tenant"), *login = NULL;
	struct strbuf id = STRBUF_INIT, secret = STRBUF_INIT, aad = STRBUF_INIT, form = STRBUF_INIT, url = STRBUF_INIT,
		      refresh = STRBUF_INIT;
	struct cloud_client *c = NULL;
	int rc;

	inv.eng = eng;
	inv.src = src;
	if (!tenant || !azure_tenant_ok(tenant)) {
		rc = err_set(ERR_USAGE, "source '%s': flavour acr needs 'tenant', the service principal's tenant", src->id);
		goto cleanup;
	}
	if ((rc = engagement_credential(eng, src, "client_id", &id)) < 0 ||
	    (rc = engagement_credential(eng, src, "client_secret", &secret)) < 0) {
		rc = err_set(rc == ERR_NOTFOUND ? ERR_USAGE : rc, "source '%s': flavour acr needs credentials.client_id and "
								  "credentials.client_secret: %s", src->id, err_last());
		goto cleanup;
	}
	if ((rc = cloud_live_endpoint(&inv, "login", &login)) < 0 || (rc = client_for(src, ca_file, &c)) < 0 ||
	    (rc = azure_token_exchange(c, login, tenant, id.buf, secret.buf, CLOUD_ARM, &aad)) < 0)
		goto cleanup;
	strbuf_addf(&url, "https://%s/oauth2/exchange", host);
	strbuf_addstr(&form, "grant_type=access_token&service=");
	cloud_urlencode(&form, host);
	strbuf_addstr(&form, "&tenant=");
	cloud_urlencode(&form, tenant);
	strbuf_addstr(&form, "&access_token=");
	cloud_urlencode(&form, aad.buf);
	/* ACR answers {"refresh_token": "..."}: read it through the same reader, under its name. */
	if ((rc = cloud_token_post_member(c, url.buf, form.buf, "ACR token exchange", "refresh_token", &refresh)) < 0)
		goto cleanup;
	out->username = util_strdup(ACR_USER);
	out->identity_token = strbuf_detach(&refresh, NULL);
	if (!out->username || !out->identity_token) {
		rc = err_set(ERR_NOMEM, "out of memory");
		goto cleanup;
	}
	log_secret_add(out->identity_token, strlen(out->identity_token));
cleanup:
	cloud_client_free(c);
	wipe(&id);
	wipe(&secret);
	wipe(&aad);
	wipe(&form);
	wipe(&refresh);
	strbuf_release(&url);
	return rc;
}

int registry_gar_credentials(const struct engagement *eng, const struct source *src, const char *host, const char *ca_file,
			     struct registry_cred *out)
{
	struct inventory inv = { 0 };
	struct gcp_key key = { 0 };
	struct strbuf tok = STRBUF_INIT;
	struct cloud_client *c = NULL;
	const char *token_url = NULL;
	int rc;

	(void)host;
	inv.eng = eng;
	inv.src = src;
	if ((rc = gcp_key_from_source(&inv, &key, &token_url)) < 0 || (rc = client_for(src, ca_file, &c)) < 0 ||
	    (rc = gcp_token_exchange(c, &key, token_url, &tok)) < 0)
		goto cleanup;
	out->username = util_strdup("oauth2accesstoken");
	out->password = strbuf_detach(&tok, NULL);
	if (!out->username || !out->password)
		rc = err_set(ERR_NOMEM, "out of memory");
cleanup:
	cloud_client_free(c);
	gcp_key_release(&key);
	wipe(&tok);
	return rc;
}
