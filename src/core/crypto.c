#include "crypto.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>
#include <openssl/rand.h>

#include "err.h"
#include "util.h"

struct sha256 {
	EVP_MD_CTX *ctx;
};

int sha256_new(struct sha256 **out)
{
	struct sha256 *h = calloc(1, sizeof(*h));

	if (!h)
		return err_set(ERR_NOMEM, "out of memory");
	h->ctx = EVP_MD_CTX_new();
	if (!h->ctx || EVP_DigestInit_ex(h->ctx, EVP_sha256(), NULL) != 1) {
		sha256_free(h);
		return err_set(ERR_NOMEM, "cannot create a SHA-256 context");
	}
	*out = h;
	return 0;
}

int sha256_update(struct sha256 *h, const void *data, size_t len)
{
	if (EVP_DigestUpdate(h->ctx, data, len) != 1)
		return err_set(ERR_FAIL, "SHA-256 update failed");
	return 0;
}

int sha256_final(struct sha256 *h, unsigned char md[SHA256_LEN])
{
	unsigned int n = 0;

	if (EVP_DigestFinal_ex(h->ctx, md, &n) != 1 || n != SHA256_LEN)
		return err_set(ERR_FAIL, "SHA-256 final failed");
	return 0;
}

int sha256_reset(struct sha256 *h)
{
	if (EVP_DigestInit_ex(h->ctx, EVP_sha256(), NULL) != 1)
		return err_set(ERR_FAIL, "SHA-256 reset failed");
	return 0;
}

void sha256_free(struct sha256 *h)
{
	if (!h)
		return;
	EVP_MD_CTX_free(h->ctx);
	free(h);
}

int sha256_buf(const void *data, size_t len, unsigned char md[SHA256_LEN])
{
	if (EVP_Digest(data, len, md, NULL, EVP_sha256(), NULL) != 1)
		return err_set(ERR_FAIL, "SHA-256 failed");
	return 0;
}

int sha256_hex(struct strbuf *out, const void *data, size_t len)
{
	unsigned char md[SHA256_LEN];
	int rc = sha256_buf(data, len, md);

	return rc < 0 ? rc : strbuf_addhex(out, md, SHA256_LEN);
}

int sha256_file(const char *path, unsigned char md[SHA256_LEN], size_t *size_out)
{
	struct sha256 *h = NULL;
	unsigned char chunk[65536];
	size_t total = 0;
	ssize_t n;
	int fd, rc;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return err_set(errno == ENOENT ? ERR_NOTFOUND : ERR_IO, "%s: %s", path, strerror(errno));
	if ((rc = sha256_new(&h)) < 0)
		goto cleanup;
	for (;;) {
		n = read(fd, chunk, sizeof(chunk));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			rc = err_set(ERR_IO, "%s: %s", path, strerror(errno));
			goto cleanup;
		}
		if (n == 0)
			break;
		total += (size_t)n;
		if ((rc = sha256_update(h, chunk, (size_t)n)) < 0)
			goto cleanup;
	}
	rc = sha256_final(h, md);
	if (size_out)
		*size_out = total;
cleanup:
	sha256_free(h);
	close(fd);
	return rc;
}

int hmac_sha256(const void *key, size_t keylen, const void *data, size_t len, unsigned char md[SHA256_LEN])
{
	EVP_MAC *mac = NULL;
	EVP_MAC_CTX *ctx = NULL;
	OSSL_PARAM params[2];
	size_t outl = 0;
	int rc = 0;

	mac = EVP_MAC_fetch(NULL, "HMAC", NULL);
	if (!mac || !(ctx = EVP_MAC_CTX_new(mac))) {
		rc = err_set(ERR_FAIL, "HMAC is not available");
		goto cleanup;
	}
	params[0] = OSSL_PARAM_construct_utf8_string("digest", (char *)"SHA256", 0);
	params[1] = OSSL_PARAM_construct_end();
	if (EVP_MAC_init(ctx, key, keylen, params) != 1 || EVP_MAC_update(ctx, data, len) != 1 ||
	    EVP_MAC_final(ctx, md, &outl, SHA256_LEN) != 1 || outl != SHA256_LEN)
		rc = err_set(ERR_FAIL, "HMAC-SHA256 failed");
cleanup:
	EVP_MAC_CTX_free(ctx);
	EVP_MAC_free(mac);
	return rc;
}

int crypto_random(void *buf, size_t len)
{
	if (RAND_bytes(buf, (int)len) != 1)
		return err_set(ERR_FAIL, "no random bytes available");
	return 0;
}

int aesgcm_seal(struct strbuf *out, const unsigned char key[AESGCM_KEY_LEN], const void *aad, size_t aadlen,
		const void *data, size_t len)
{
	unsigned char nonce[AESGCM_NONCE_LEN];
	EVP_CIPHER_CTX *ctx = NULL;
	size_t start = out->len;
	int n = 0, rc;

	if (len > INT32_MAX)
		return err_set(ERR_LIMIT, "evidence item too large to encrypt");
	if ((rc = crypto_random(nonce, sizeof(nonce))) < 0)
		return rc;
	if ((rc = strbuf_grow(out, AESGCM_NONCE_LEN + len + AESGCM_TAG_LEN)) < 0)
		return rc;
	ctx = EVP_CIPHER_CTX_new();
	if (!ctx || EVP_EncryptInit_ex(ctx, EVP_aes_256_gcm(), NULL, key, nonce) != 1 ||
	    (aadlen && EVP_EncryptUpdate(ctx, NULL, &n, aad, (int)aadlen) != 1))
		goto fail;
	strbuf_add(out, nonce, sizeof(nonce));
	if (EVP_EncryptUpdate(ctx, (unsigned char *)out->buf + out->len, &n, data, (int)len) != 1)
		goto fail;
	out->len += (size_t)n;
	if (EVP_EncryptFinal_ex(ctx, (unsigned char *)out->buf + out->len, &n) != 1)
		goto fail;
	out->len += (size_t)n;
	if (EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_GET_TAG, AESGCM_TAG_LEN, out->buf + out->len) != 1)
		goto fail;
	out->len += AESGCM_TAG_LEN;
	out->buf[out->len] = 0;
	EVP_CIPHER_CTX_free(ctx);
	return 0;
fail:
	EVP_CIPHER_CTX_free(ctx);
	strbuf_setlen(out, start);
	return err_set(ERR_FAIL, "AES-256-GCM encryption failed");
}

int aesgcm_open(struct strbuf *out, const unsigned char key[AESGCM_KEY_LEN], const void *aad, size_t aadlen,
		const void *data, size_t len)
{
	const unsigned char *p = data;
	EVP_CIPHER_CTX *ctx = NULL;
	size_t start = out->len, clen;
	unsigned char tag[AESGCM_TAG_LEN];
	int n = 0, rc;

	if (len < AESGCM_NONCE_LEN + AESGCM_TAG_LEN)
		return err_set(ERR_INTEGRITY, "encrypted evidence is truncated");
	clen = len - AESGCM_NONCE_LEN - AESGCM_TAG_LEN;
	if ((rc = strbuf_grow(out, clen)) < 0)
		return rc;
	memcpy(tag, p + len - AESGCM_TAG_LEN, AESGCM_TAG_LEN);
	ctx = EVP_CIPHER_CTX_new();
	if (!ctx || EVP_DecryptInit_ex(ctx, EVP_aes_256_gcm(), NULL, key, p) != 1 ||
	    (aadlen && EVP_DecryptUpdate(ctx, NULL, &n, aad, (int)aadlen) != 1) ||
	    EVP_DecryptUpdate(ctx, (unsigned char *)out->buf + out->len, &n, p + AESGCM_NONCE_LEN, (int)clen) != 1)
		goto fail;
	out->len += (size_t)n;
	if (EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_TAG, AESGCM_TAG_LEN, tag) != 1)
		goto fail;
	if (EVP_DecryptFinal_ex(ctx, (unsigned char *)out->buf + out->len, &n) != 1) {
		EVP_CIPHER_CTX_free(ctx);
		strbuf_setlen(out, start);
		return err_set(ERR_INTEGRITY, "authentication tag does not match (wrong key or tampered data)");
	}
	out->len += (size_t)n;
	out->buf[out->len] = 0;
	EVP_CIPHER_CTX_free(ctx);
	return 0;
fail:
	EVP_CIPHER_CTX_free(ctx);
	strbuf_setlen(out, start);
	return err_set(ERR_FAIL, "AES-256-GCM decryption failed");
}

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int crypto_key_from_secret(unsigned char key[AESGCM_KEY_LEN], const char *secret, size_t len,
			   const unsigned char *salt, size_t saltlen)
{
	struct strbuf raw = STRBUF_INIT;
	size_t i;
	int rc = 0;

	while (len && (secret[len - 1] == '\n' || secret[len - 1] == '\r'))
		len--;
	if (len == 64) {
		for (i = 0; i < 32; i++) {
			int hi = hexval(secret[2 * i]), lo = hexval(secret[2 * i + 1]);

			if (hi < 0 || lo < 0)
				break;
			key[i] = (unsigned char)(hi << 4 | lo);
		}
		if (i == 32)
			return 0;
	}
	if (len == 44 && util_base64_decode(&raw, secret, len) == 0 && raw.len == 32) {
		memcpy(key, raw.buf, 32);
		crypto_wipe(raw.buf, raw.len);
		strbuf_release(&raw);
		return 0;
	}
	strbuf_release(&raw);
	err_clear();
	if (len < 12)
		return err_set(ERR_INVALID,
			       "evidence key is too short: give 64 hex digits, base64 of 32 bytes, or a passphrase of 12+ characters");
	/* scrypt N=2^15, r=8, p=1: about 32 MB and a tenth of a second, once per run. */
	if (EVP_PBE_scrypt(secret, len, salt, saltlen, 1 << 15, 8, 1, 64 * 1024 * 1024, key, AESGCM_KEY_LEN) != 1)
		rc = err_set(ERR_FAIL, "key derivation failed");
	return rc;
}

int crypto_memcmp(const void *a, const void *b, size_t len)
{
	return CRYPTO_memcmp(a, b, len);
}

void crypto_wipe(void *p, size_t len)
{
	OPENSSL_cleanse(p, len);
}
