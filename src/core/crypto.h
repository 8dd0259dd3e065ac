/*
 * crypto: the hashes and ciphers vetter needs, on OpenSSL's EVP interface.
 *
 * SHA-256 addresses evidence and chains the manifest; HMAC-SHA256 signs AWS
 * requests; AES-256-GCM encrypts evidence at rest.
 */
#ifndef VETTER_CRYPTO_H
#define VETTER_CRYPTO_H

#include <stddef.h>

#include "strbuf.h"

#define SHA256_LEN 32
#define SHA256_HEX_LEN 64
#define AESGCM_KEY_LEN 32
#define AESGCM_NONCE_LEN 12
#define AESGCM_TAG_LEN 16

struct sha256; /* opaque streaming state */

int sha256_new(struct sha256 **out);
int sha256_update(struct sha256 *h, const void *data, size_t len);
/* Finish into md[32]; the state may be reused after sha256_reset(). */
int sha256_final(struct sha256 *h, unsigned char md[SHA256_LEN]);
int sha256_reset(struct sha256 *h);
void sha256_free(struct sha256 *h);

/* One-shot helpers. */
int sha256_buf(const void *data, size_t len, unsigned char md[SHA256_LEN]);
/* Append the lowercase hex digest of data to out. */
int sha256_hex(struct strbuf *out, const void *data, size_t len);
/* Digest of a file, streamed. */
int sha256_file(const char *path, unsigned char md[SHA256_LEN], size_t *size_out);

int hmac_sha256(const void *key, size_t keylen, const void *data, size_t len, unsigned char md[SHA256_LEN]);

int crypto_random(void *buf, size_t len);

/* Encrypt: out = nonce(12) || ciphertext || tag(16); aad authenticated, not encrypted. */
int aesgcm_seal(struct strbuf *out, const unsigned char key[AESGCM_KEY_LEN], const void *aad, size_t aadlen,
		const void *data, size_t len);
/* Decrypt what aesgcm_seal wrote; ERR_INTEGRITY when the tag does not match. */
int aesgcm_open(struct strbuf *out, const unsigned char key[AESGCM_KEY_LEN], const void *aad, size_t aadlen,
		const void *data, size_t len);

/*
 * Turn a key reference's value into a 32-byte key: 64 hex digits or base64
 * of 32 bytes are taken as the key itself; anything else (at least 12
 * characters) is a passphrase stretched with scrypt and salt.
 */
int crypto_key_from_secret(unsigned char key[AESGCM_KEY_LEN], const char *secret, size_t len,
			   const unsigned char *salt, size_t saltlen);

/* Constant-time comparison; 0 when equal. */
int crypto_memcmp(const void *a, const void *b, size_t len);
void crypto_wipe(void *p, size_t len);

#endif
