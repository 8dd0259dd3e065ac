/*
 * evidence: the inputs findings rest on, kept content-addressed and chained.
 *
 * Every file read and every response body a connector relies on is stored
 * once under its SHA-256 in the engagement's evidence folder, encrypted with
 * AES-256-GCM when the engagement gives a key.  Each use is appended to a
 * manifest in the store whose rows are hash-chained:
 *
 *   hash_n = SHA-256(hash_{n-1} "\n" seq "\n" source "\n" uri "\n" kind "\n"
 *                    digest "\n" size "\n" media_type "\n" recorded_at)
 *
 * so the last hash (the root digest, printed on the report's cover) commits
 * to every row before it.  Recording the same (source, uri, digest) twice
 * adds no row, so a rerun does not grow the manifest.
 */
#ifndef VETTER_EVIDENCE_H
#define VETTER_EVIDENCE_H

#include <stddef.h>
#include <stdint.h>

#include "crypto.h"
#include "store.h"
#include "strbuf.h"

struct evidence;

/*
 * Open the evidence folder dir for store st.  key_secret (NULL for none) is
 * the value of the engagement's evidence key reference; a store that was
 * started with a key refuses to open without the same key, and one started
 * without a key refuses a key.
 */
int evidence_open(struct evidence **out, struct store *st, const char *dir, const char *key_secret,
		  size_t key_len);
void evidence_close(struct evidence *ev);
int evidence_encrypted(const struct evidence *ev);

/* Store data and record its use; digest_out (65 bytes) may be NULL. */
int evidence_put(struct evidence *ev, const char *source, const char *uri, const char *kind,
		 const char *media_type, const void *data, size_t len, char *digest_out);
/* The same for a file, streamed (never held in memory whole). */
int evidence_put_file(struct evidence *ev, const char *source, const char *uri, const char *kind,
		      const char *media_type, const char *path, char *digest_out);
/*
 * The two halves of evidence_put, for work done on other threads: store the
 * bytes (thread-safe, no store access) and later, on the thread that owns
 * the store, link an item already stored to a use.  digest_out holds
 * "sha256:" and 64 hex digits (72 bytes with the NUL).
 */
int evidence_store(struct evidence *ev, const void *data, size_t len, char *digest_out);
int evidence_link(struct evidence *ev, const char *source, const char *uri, const char *media_type,
		  const char *digest, int64_t size);

/* Record a digest computed elsewhere without storing bytes (what: "rule-pack",
 * "advisory-db", ...); such rows have kind "note" and what as media type. */
int evidence_note(struct evidence *ev, const char *source, const char *uri, const char *what, const char *digest,
		  int64_t size);

/* Read back and check an item. */
int evidence_get(struct evidence *ev, const char *digest, struct strbuf *out);

struct evidence_stats {
	int64_t entries;   /* manifest rows */
	int64_t files;     /* distinct stored items checked */
	int64_t bytes;     /* their plaintext size */
	int64_t problems;  /* rows whose chain or digest failed */
};

/*
 * Re-check the chain and every stored item.  Each problem is reported through
 * report (may be NULL) and counted; the return is ERR_INTEGRITY when there was
 * any, with the first one as the message.
 */
typedef void (*evidence_report_fn)(void *ctx, const char *problem);
int evidence_verify(struct evidence *ev, struct evidence_stats *stats, evidence_report_fn report, void *ctx);

/* The root digest (last chain hash); "" before anything was recorded. */
int evidence_root(struct evidence *ev, struct strbuf *out);

#endif
