/* Google service-account keys and JWT bearer assertions (gcp_auth.h). */
#include "gcp_auth.h"

#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include "core/crypto.h"
#include "core/err.h"
#include "core/jsonx.h"
#include "core/util.h"

void gcp_key_release(struct gcp_key *k)
{
	if (k->private_key)
		crypto_wipe(k->private_key, strlen(k->private_key));
	free(k->client_email);
	free(k->private_key);
	free(k->private_key_id);
	free(k->token_uri);
	free(k->project_id);
	memset(k, 0, sizeof(*k));
}

int gcp_key_parse(const char *text, size_t len, const char *name, struct gcp_key *out)
{
	static const char *const need[] = { "client_email", "private_key", NULL };
	json_t *doc = NULL;
	size_t i;
	int rc = 0;

	memset(out, 0, sizeof(*out));
	/* No jsonx_parse: its message could quote the key's text. */
	if (!(doc = json_loadb(text, len, JSON_REJECT_DUPLICATES, NULL)) || !json_is_object(doc)) {
		rc = err_set(ERR_PARSE, "%s: not a service-account key (JSON)", name);
		goto cleanup;
	}
	if (strcmp(jsonx_strz(doc, "type"), "service_account")) {
		rc = err_set(ERR_PARSE, "%s: 'type' is '%.40s', expected 'service_account'", name, jsonx_strz(doc, "type"));
		goto cleanup;
	}
	for (i = 0; need[i]; i++)
		if (!jsonx_str(doc, need[i]) || !*jsonx_str(doc, need[i]) || strlen(jsonx_str(doc, need[i])) > 16384) {
			rc = err_set(ERR_PARSE, "%s: '%s' is missing or not a string", name, need[i]);
			goto cleanup;
		}
	if (!strstr(jsonx_str(doc, "private_key"), "-----BEGIN")) {
		rc = err_set(ERR_PARSE, "%s: 'private_key' is not a PEM key", name);
		goto cleanup;
	}
	out->client_email = util_strdup(jsonx_str(doc, "client_email"));
	out->private_key = util_strdup(jsonx_str(doc, "private_key"));
	out->private_key_id = util_strdup(jsonx_strz(doc, "private_key_id"));
	out->token_uri = util_strdup(jsonx_str(doc, "token_uri") ? jsonx_str(doc, "token_uri") : GCP_TOKEN_URI);
	out->project_id = util_strdup(jsonx_strz(doc, "project_id"));
	if (!out->client_email || !out->private_key || !out->private_key_id || !out->token_uri || !out->project_id)
		rc = err_set(ERR_NOMEM, "out of memory");
cleanup:
	if (doc) {
		const char *pk = jsonx_str(doc, "private_key");

		if (pk)
			crypto_wipe((void *)pk, strlen(pk));
	}
	json_decref(doc);
	if (rc < 0)
		gcp_key_release(out);
	return rc;
}

void gcp_base64url(struct strbuf *out, const void *data, size_t len)
{
	struct strbuf b = STRBUF_INIT;
	size_t i;

	util_base64_encode(&b, data, len);
	for (i = 0; i < b.len; i++) {
		if (b.buf[i] == '=')
			break;
		strbuf_addch(out, b.buf[i] == '+' ? '-' : b.buf[i] == '/' ? '_' : b.buf[i]);
	}
	strbuf_release(&b);
}

int gcp_rs256(const char *pem, const void *data, size_t len, struct strbuf *sig)
{
	BIO *bio = BIO_new_mem_buf(pem, -1);
	EVP_PKEY *key = NULL;
	EVP_MD_CTX *md = NULL;
	unsigned char buf[1024];
	size_t n = 0;
	int rc = 0;

	if (!bio || !(key = PEM_read_bio_PrivateKey(bio, NULL, NULL, NULL))) {
		rc = err_set(ERR_PARSE, "the service-account key's private_key cannot be read as a PEM private key");
		goto cleanup;
	}
	if (EVP_PKEY_base_id(key) != EVP_PKEY_RSA) {
		rc = err_set(ERR_INVALID, "the service-account key is not an RSA key (RS256 needs one)");
		goto cleanup;
	}
	if (!(md = EVP_MD_CTX_new()) || EVP_DigestSignInit(md, NULL, EVP_sha256(), NULL, key) != 1 ||
	    EVP_DigestSign(md, NULL, &n, data, len) != 1 || n > sizeof(buf) ||
	    EVP_DigestSign(md, buf, &n, data, len) != 1) {
		rc = err_set(ERR_FAIL, "RS256 signing failed (keys up to 8192 bits)");
		goto cleanup;
	}
	strbuf_reset(sig);
	rc = strbuf_add(sig, buf, n);
cleanup:
	EVP_MD_CTX_free(md);
	EVP_PKEY_free(key);
	BIO_free(bio);
	return rc;
}

int gcp_jwt(const struct gcp_key *k, const char *aud, int64_t now, struct strbuf *out)
{
	json_t *hdr = json_pack("{s:s, s:s}", "alg", "RS256", "typ", "JWT"), *claims;
	struct strbuf h = STRBUF_INIT, c = STRBUF_INIT, sig = STRBUF_INIT;
	int rc;

	if (hdr && *k->private_key_id)
		json_object_set_new(hdr, "kid", json_string(k->private_key_id));
	claims = json_pack("{s:s, s:s, s:s, s:I, s:I}", "iss", k->client_email, "scope", GCP_SCOPE, "aud", aud, "iat",
			   (json_int_t)now, "exp", (json_int_t)(now + 3600));
	if (!hdr || !claims || jsonx_dump_canonical(&h, hdr) < 0 || jsonx_dump_canonical(&c, claims) < 0) {
		rc = err_set(ERR_NOMEM, "out of memory");
		goto cleanup;
	}
	strbuf_reset(out);
	gcp_base64url(out, h.buf, h.len);
	strbuf_addch(out, '.');
	gcp_base64url(out, c.buf, c.len);
	if ((rc = gcp_rs256(k->private_key, out->buf, out->len, &sig)) < 0)
		goto cleanup;
	strbuf_addch(out, '.');
	gcp_base64url(out, sig.buf, sig.len);
cleanup:
	json_decref(hdr);
	json_decref(claims);
	strbuf_release(&h);
	strbuf_release(&c);
	strbuf_release(&sig);
	return rc;
}
