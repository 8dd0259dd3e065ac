#include "evidence.h"

#include <errno.h>
#include <stdarg.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "err.h"
#include "util.h"

#define EVIDENCE_KEY_CHECK "vetter evidence key check v1"

struct evidence {
	struct store *st;
	char *dir;
	int encrypted;
	unsigned char key[AESGCM_KEY_LEN];
	pthread_mutex_t lock;
};

static int item_path(const struct evidence *ev, const char *digest, struct strbuf *out)
{
	return strbuf_addf(out, "%s/%.2s/%s%s", ev->dir, digest, digest, ev->encrypted ? ".gcm" : "");
}

static int setup_key(struct evidence *ev, const char *secret, size_t len)
{
	struct strbuf salt = STRBUF_INIT, check = STRBUF_INIT, have = STRBUF_INIT, mode = STRBUF_INIT;
	unsigned char saltb[16], md[SHA256_LEN];
	int rc, known;

	rc = store_meta_get(ev->st, "evidence_mode", &mode);
	known = rc == 0;
	if (rc < 0 && rc != ERR_NOTFOUND)
		goto cleanup;
	rc = 0;
	if (!secret) {
		if (known && !strcmp(mode.buf, "aes-256-gcm"))
			rc = err_set(ERR_USAGE, "the evidence of this engagement is encrypted: give evidence.encryption_key");
		else if (!known)
			rc = store_meta_set(ev->st, "evidence_mode", "plain");
		goto cleanup;
	}
	if (known && !strcmp(mode.buf, "plain")) {
		rc = err_set(ERR_USAGE, "the evidence of this engagement was started unencrypted; "
					"purge it before turning encryption on");
		goto cleanup;
	}
	if (store_meta_get(ev->st, "evidence_salt", &salt) < 0) {
		err_clear();
		if ((rc = crypto_random(saltb, sizeof(saltb))) < 0 || (rc = strbuf_addhex(&salt, saltb, sizeof(saltb))) < 0 ||
		    (rc = store_meta_set(ev->st, "evidence_salt", salt.buf)) < 0)
			goto cleanup;
	}
	if ((rc = crypto_key_from_secret(ev->key, secret, len, (const unsigned char *)salt.buf, salt.len)) < 0)
		goto cleanup;
	if ((rc = hmac_sha256(ev->key, sizeof(ev->key), EVIDENCE_KEY_CHECK, strlen(EVIDENCE_KEY_CHECK), md)) < 0 ||
	    (rc = strbuf_addhex(&check, md, sizeof(md))) < 0)
		goto cleanup;
	if (store_meta_get(ev->st, "evidence_key_check", &have) == 0) {
		if (strcmp(have.buf, check.buf)) {
			rc = err_set(ERR_USAGE, "evidence.encryption_key is not the key this engagement's evidence was encrypted with");
			goto cleanup;
		}
	} else {
		err_clear();
		if ((rc = store_meta_set(ev->st, "evidence_key_check", check.buf)) < 0 ||
		    (rc = store_meta_set(ev->st, "evidence_mode", "aes-256-gcm")) < 0)
			goto cleanup;
	}
	ev->encrypted = 1;
cleanup:
	strbuf_release(&salt);
	strbuf_release(&check);
	strbuf_release(&have);
	strbuf_release(&mode);
	return rc;
}

int evidence_open(struct evidence **out, struct store *st, const char *dir, const char *key_secret, size_t key_len)
{
	struct evidence *ev = calloc(1, sizeof(*ev));
	int rc;

	if (!ev)
		return err_set(ERR_NOMEM, "out of memory");
	ev->st = st;
	pthread_mutex_init(&ev->lock, NULL);
	if (!(ev->dir = util_strdup(dir))) {
		rc = ERR_NOMEM;
		goto fail;
	}
	if ((rc = util_mkdirs(dir, 0700)) < 0 || (rc = setup_key(ev, key_secret, key_len)) < 0)
		goto fail;
	*out = ev;
	return 0;
fail:
	evidence_close(ev);
	return rc;
}

void evidence_close(struct evidence *ev)
{
	if (!ev)
		return;
	crypto_wipe(ev->key, sizeof(ev->key));
	pthread_mutex_destroy(&ev->lock);
	free(ev->dir);
	free(ev);
}

int evidence_encrypted(const struct evidence *ev)
{
	return ev->encrypted;
}

static int chain_hash(struct strbuf *out, const struct store_evidence_row *r)
{
	struct strbuf line = STRBUF_INIT;
	int rc;

	rc = strbuf_addf(&line, "%s\n%lld\n%s\n%s\n%s\n%s\n%lld\n%s\n%s", r->prev, (long long)r->seq,
			 r->source ? r->source : "", r->uri, r->kind, r->digest, (long long)r->size,
			 r->media_type ? r->media_type : "", r->recorded_at);
	if (rc == 0)
		rc = sha256_hex(out, line.buf, line.len);
	strbuf_release(&line);
	return rc;
}

static int append_row(struct evidence *ev, const char *source, const char *uri, const char *kind,
		      const char *media_type, const char *digest, int64_t size)
{
	struct strbuf prev = STRBUF_INIT, hash = STRBUF_INIT;
	struct store_evidence_row r;
	char stamp[32];
	struct tm tm;
	time_t now;
	int rc;

	rc = store_evidence_has(ev->st, source, uri, digest);
	if (rc != 0)
		return rc < 0 ? rc : 0;
	if ((rc = store_evidence_last(ev->st, &prev, &r.seq)) < 0)
		goto cleanup;
	now = time(NULL);
	gmtime_r(&now, &tm);
	strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%SZ", &tm);
	r.seq++;
	r.source = source;
	r.uri = uri;
	r.kind = kind;
	r.digest = digest;
	r.size = size;
	r.media_type = media_type;
	r.recorded_at = stamp;
	r.prev = prev.buf;
	if ((rc = chain_hash(&hash, &r)) < 0)
		goto cleanup;
	r.hash = hash.buf;
	rc = store_evidence_append(ev->st, &r);
cleanup:
	strbuf_release(&prev);
	strbuf_release(&hash);
	return rc;
}

static int store_bytes(struct evidence *ev, const char *digest, const void *data, size_t len)
{
	struct strbuf path = STRBUF_INIT, dir = STRBUF_INIT, sealed = STRBUF_INIT;
	int rc = 0;

	if ((rc = item_path(ev, digest, &path)) < 0)
		goto cleanup;
	if (util_exists(path.buf))
		goto cleanup;
	if ((rc = util_path_dirname(&dir, path.buf)) < 0 || (rc = util_mkdirs(dir.buf, 0700)) < 0)
		goto cleanup;
	if (ev->encrypted) {
		strbuf_init(&sealed, len + 64 + 1024);
		if ((rc = aesgcm_seal(&sealed, ev->key, digest, SHA256_HEX_LEN, data, len)) < 0)
			goto cleanup;
		rc = util_write_file_atomic(path.buf, sealed.buf, sealed.len, 0600);
	} else {
		rc = util_write_file_atomic(path.buf, data, len, 0600);
	}
cleanup:
	strbuf_release(&path);
	strbuf_release(&dir);
	strbuf_release(&sealed);
	return rc;
}

int evidence_put(struct evidence *ev, const char *source, const char *uri, const char *kind,
		 const char *media_type, const void *data, size_t len, char *digest_out)
{
	struct strbuf digest = STRBUF_INIT;
	int rc;

	if ((rc = sha256_hex(&digest, data, len)) < 0)
		goto cleanup;
	pthread_mutex_lock(&ev->lock);
	rc = store_bytes(ev, digest.buf, data, len);
	if (rc == 0)
		rc = append_row(ev, source, uri, kind, media_type, digest.buf, (int64_t)len);
	pthread_mutex_unlock(&ev->lock);
	if (rc == 0 && digest_out)
		memcpy(digest_out, digest.buf, SHA256_HEX_LEN + 1);
cleanup:
	strbuf_release(&digest);
	return rc;
}

/*
 * Files are streamed into a temporary file (encrypted on the way when there is
 * a key) while their digest is computed, then renamed to the digest's name.
 * Streamed items are encrypted without the digest as associated data because
 * it is only known at the end; the name still binds them, since reading back
 * checks the plaintext's digest.
 */
int evidence_store(struct evidence *ev, const void *data, size_t len, char *digest_out)
{
	struct strbuf digest = STRBUF_INIT;
	int rc;

	if ((rc = sha256_hex(&digest, data, len)) < 0)
		goto cleanup;
	/* Items are written through a temporary name and renamed: two threads storing
	 * the same bytes at once both end with the same complete file. */
	rc = store_bytes(ev, digest.buf, data, len);
	if (rc == 0 && digest_out)
		snprintf(digest_out, 72, "sha256:%s", digest.buf);
cleanup:
	strbuf_release(&digest);
	return rc;
}

int evidence_link(struct evidence *ev, const char *source, const char *uri, const char *media_type,
		  const char *digest, int64_t size)
{
	struct strbuf path = STRBUF_INIT;
	const char *hex = util_has_prefix(digest, "sha256:") ? digest + 7 : digest;
	int rc;

	if ((rc = item_path(ev, hex, &path)) == 0 && !util_exists(path.buf))
		rc = err_set(ERR_NOTFOUND, "evidence item %s was never stored", digest);
	strbuf_release(&path);
	if (rc < 0)
		return rc;
	pthread_mutex_lock(&ev->lock);
	rc = append_row(ev, source, uri, "input", media_type, hex, size);
	pthread_mutex_unlock(&ev->lock);
	return rc;
}

int evidence_put_file(struct evidence *ev, const char *source, const char *uri, const char *kind,
		      const char *media_type, const char *path, char *digest_out)
{
	struct strbuf tmp = STRBUF_INIT, final = STRBUF_INIT, dir = STRBUF_INIT, hex = STRBUF_INIT;
	unsigned char buf[65536], cbuf[65536 + 32], nonce[AESGCM_NONCE_LEN], md[SHA256_LEN], tag[AESGCM_TAG_LEN];
	EVP_CIPHER_CTX *cctx = NULL;
	struct sha256 *h = NULL;
	int in = -1, outfd = -1, rc = 0, n;
	int64_t total = 0;
	ssize_t got;

	in = open(path, O_RDONLY | O_CLOEXEC);
	if (in < 0)
		return err_set(errno == ENOENT ? ERR_NOTFOUND : ERR_IO, "%s: %s", path, strerror(errno));
	if ((rc = sha256_new(&h)) < 0)
		goto cleanup;
	if ((rc = strbuf_addf(&tmp, "%s/.incoming.%ld.%lx", ev->dir, (long)getpid(), (unsigned long)pthread_self())) < 0)
		goto cleanup;
	outfd = open(tmp.buf, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (outfd < 0) {
		rc = err_set(ERR_IO, "%s: %s", tmp.buf, strerror(errno));
		goto cleanup;
	}
	if (ev->encrypted) {
		if ((rc = crypto_random(nonce, sizeof(nonce))) < 0)
			goto cleanup;
		cctx = EVP_CIPHER_CTX_new();
		if (!cctx || EVP_EncryptInit_ex(cctx, EVP_aes_256_gcm(), NULL, ev->key, nonce) != 1 ||
		    write(outfd, nonce, sizeof(nonce)) != (ssize_t)sizeof(nonce)) {
			rc = err_set(ERR_IO, "cannot encrypt evidence %s", path);
			goto cleanup;
		}
	}
	for (;;) {
		got = read(in, buf, sizeof(buf));
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0) {
			rc = err_set(ERR_IO, "%s: %s", path, strerror(errno));
			goto cleanup;
		}
		if (got == 0)
			break;
		total += got;
		if ((rc = sha256_update(h, buf, (size_t)got)) < 0)
			goto cleanup;
		if (cctx) {
			if (EVP_EncryptUpdate(cctx, cbuf, &n, buf, (int)got) != 1 || write(outfd, cbuf, (size_t)n) != n) {
				rc = err_set(ERR_IO, "cannot encrypt evidence %s", path);
				goto cleanup;
			}
		} else if (write(outfd, buf, (size_t)got) != got) {
			rc = err_set(ERR_IO, "cannot write evidence: %s", strerror(errno));
			goto cleanup;
		}
	}
	if (cctx) {
		if (EVP_EncryptFinal_ex(cctx, cbuf, &n) != 1 || (n && write(outfd, cbuf, (size_t)n) != n) ||
		    EVP_CIPHER_CTX_ctrl(cctx, EVP_CTRL_GCM_GET_TAG, AESGCM_TAG_LEN, tag) != 1 ||
		    write(outfd, tag, sizeof(tag)) != (ssize_t)sizeof(tag)) {
			rc = err_set(ERR_IO, "cannot encrypt evidence %s", path);
			goto cleanup;
		}
	}
	if (fsync(outfd) < 0) {
		rc = err_set(ERR_IO, "cannot write evidence: %s", strerror(errno));
		goto cleanup;
	}
	close(outfd);
	outfd = -1;
	if ((rc = sha256_final(h, md)) < 0 || (rc = strbuf_addhex(&hex, md, sizeof(md))) < 0 ||
	    (rc = item_path(ev, hex.buf, &final)) < 0 || (rc = util_path_dirname(&dir, final.buf)) < 0 ||
	    (rc = util_mkdirs(dir.buf, 0700)) < 0)
		goto cleanup;
	if (rename(tmp.buf, final.buf) < 0) {
		rc = err_set(ERR_IO, "cannot store evidence: %s", strerror(errno));
		goto cleanup;
	}
	strbuf_reset(&tmp);
	pthread_mutex_lock(&ev->lock);
	rc = append_row(ev, source, uri, kind, media_type, hex.buf, total);
	pthread_mutex_unlock(&ev->lock);
	if (rc == 0 && digest_out)
		memcpy(digest_out, hex.buf, SHA256_HEX_LEN + 1);
cleanup:
	if (in >= 0)
		close(in);
	if (outfd >= 0)
		close(outfd);
	if (tmp.len)
		unlink(tmp.buf);
	EVP_CIPHER_CTX_free(cctx);
	sha256_free(h);
	strbuf_release(&tmp);
	strbuf_release(&final);
	strbuf_release(&dir);
	strbuf_release(&hex);
	return rc;
}

int evidence_note(struct evidence *ev, const char *source, const char *uri, const char *what, const char *digest,
		  int64_t size)
{
	int rc;

	pthread_mutex_lock(&ev->lock);
	rc = append_row(ev, source, uri, "note", what, digest, size);
	pthread_mutex_unlock(&ev->lock);
	return rc;
}

int evidence_get(struct evidence *ev, const char *digest, struct strbuf *out)
{
	struct strbuf path = STRBUF_INIT, raw = STRBUF_INIT, check = STRBUF_INIT;
	size_t start = out->len;
	int rc;

	if ((rc = item_path(ev, digest, &path)) < 0)
		goto cleanup;
	strbuf_init(&raw, (size_t)4 * 1024 * 1024 * 1024);
	if ((rc = strbuf_read_file(ev->encrypted ? &raw : out, path.buf)) < 0)
		goto cleanup;
	if (ev->encrypted) {
		/* Items stored whole carry the digest as associated data; streamed ones do not. */
		rc = aesgcm_open(out, ev->key, digest, SHA256_HEX_LEN, raw.buf, raw.len);
		if (rc == ERR_INTEGRITY)
			rc = aesgcm_open(out, ev->key, NULL, 0, raw.buf, raw.len);
		if (rc < 0) {
			rc = err_set(ERR_INTEGRITY, "evidence %s: %s", digest, err_last());
			goto cleanup;
		}
	}
	if ((rc = sha256_hex(&check, out->buf + start, out->len - start)) < 0)
		goto cleanup;
	if (strcmp(check.buf, digest))
		rc = err_set(ERR_INTEGRITY, "evidence %s: content has digest %s", digest, check.buf);
cleanup:
	if (rc < 0)
		strbuf_setlen(out, start);
	strbuf_release(&path);
	strbuf_release(&raw);
	strbuf_release(&check);
	return rc;
}

struct verify_ctx {
	struct evidence *ev;
	struct evidence_stats *stats;
	evidence_report_fn report;
	void *rctx;
	struct strbuf prev;
	struct strbuf first;
	int rc;
};

static void problem(struct verify_ctx *v, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void problem(struct verify_ctx *v, const char *fmt, ...)
{
	struct strbuf msg = STRBUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	strbuf_vaddf(&msg, fmt, ap);
	va_end(ap);
	v->stats->problems++;
	if (!v->first.len)
		strbuf_addstr(&v->first, msg.buf);
	if (v->report)
		v->report(v->rctx, msg.buf);
	strbuf_release(&msg);
}

static int verify_row(void *vctx, const struct store_evidence_row *r)
{
	struct verify_ctx *v = vctx;
	struct strbuf hash = STRBUF_INIT, content = STRBUF_INIT, path = STRBUF_INIT;
	struct store_evidence_row copy = *r;
	int rc;

	v->stats->entries++;
	if (strcmp(r->prev, v->prev.buf))
		problem(v, "manifest row %lld: previous hash %s does not match the row before (%s)", (long long)r->seq,
			r->prev, v->prev.len ? v->prev.buf : "empty");
	copy.prev = r->prev;
	if ((rc = chain_hash(&hash, &copy)) < 0)
		goto cleanup;
	if (strcmp(hash.buf, r->hash))
		problem(v, "manifest row %lld (%s): its hash does not match its contents", (long long)r->seq, r->uri);
	strbuf_reset(&v->prev);
	strbuf_addstr(&v->prev, r->hash);

	if (strcmp(r->kind, "note") != 0) {
		if ((rc = item_path(v->ev, r->digest, &path)) < 0)
			goto cleanup;
		if (!util_exists(path.buf)) {
			problem(v, "manifest row %lld (%s): evidence item %s is missing", (long long)r->seq, r->uri,
				r->digest);
		} else if (evidence_get(v->ev, r->digest, &content) < 0) {
			problem(v, "manifest row %lld (%s): %s", (long long)r->seq, r->uri, err_last());
		} else {
			if ((int64_t)content.len != r->size)
				problem(v, "manifest row %lld (%s): size %zu, manifest says %lld", (long long)r->seq,
					r->uri, content.len, (long long)r->size);
			v->stats->files++;
			v->stats->bytes += (int64_t)content.len;
		}
	}
	rc = 0;
cleanup:
	strbuf_release(&hash);
	strbuf_release(&content);
	strbuf_release(&path);
	return rc;
}

int evidence_verify(struct evidence *ev, struct evidence_stats *stats, evidence_report_fn report, void *ctx)
{
	struct verify_ctx v = { ev, stats, report, ctx, STRBUF_INIT, STRBUF_INIT, 0 };
	int rc;

	memset(stats, 0, sizeof(*stats));
	rc = store_evidence_foreach(ev->st, verify_row, &v);
	if (rc == 0 && stats->problems)
		rc = err_set(ERR_INTEGRITY, "%lld evidence problem(s); first: %s", (long long)stats->problems, v.first.buf);
	strbuf_release(&v.prev);
	strbuf_release(&v.first);
	return rc;
}

int evidence_root(struct evidence *ev, struct strbuf *out)
{
	int64_t seq;

	return store_evidence_last(ev->st, out, &seq);
}
