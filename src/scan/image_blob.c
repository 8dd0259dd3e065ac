/* Reading an image's layer blobs, ahead of the layer walk and checked against their digests. */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <archive.h>
#include <archive_entry.h>

#include "core/crypto.h"
#include "core/err.h"
#include "core/util.h"
#include "image.h"
#include "image_int.h"
#include "registry.h"


/*
 * A blob is read ahead, and its SHA-256 computed, on a thread of its own:
 * the layer walk's thread then only inflates and parses.  Chunks of 1 MB
 * pass between them through a small ring.  A registry's blob arrives the
 * same way: the thread runs the HTTP transfer, whose sink fills the ring,
 * so a layer goes from the network to the parser without touching disk,
 * and a slow parser holds the transfer back (the ring is full) instead of
 * buffering the layer.
 */
#define RA_CHUNKS 4
#define RA_CHUNK_SIZE (1024 * 1024)

struct ra_chunk {
	size_t len, pos;
	unsigned char data[RA_CHUNK_SIZE];
};

struct blob_reader {
	int fd;                  /* layout file, or -1 */
	struct archive *outer;   /* archive positioned at the blob's member, or NULL */
	struct registry *reg;    /* registry blob, or NULL */
	char *repo, *digest;     /* registry blob */
	int64_t size;
	struct ra_chunk *fill;   /* registry: the chunk the sink is filling */
	struct sha256 *h;
	char *expect;            /* digest to check at the end, may be NULL */
	char *what;
	/* the read-ahead ring, filled by thread */
	struct ra_chunk *ring;
	int head, count;
	int eof, stop, started;
	int rc;                  /* the reading thread's error */
	char msg[1024];
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t more, room;
};

static int find_member(struct archive *a, const char *name)
{
	struct archive_entry *e;
	int r;

	while ((r = archive_read_next_header(a, &e)) == ARCHIVE_OK)
		if (!strcmp(image_member_name(archive_entry_pathname(e) ? archive_entry_pathname(e) : ""), name))
			return 0;
	return r == ARCHIVE_EOF ? ERR_NOTFOUND : ERR_PARSE;
}

/* Read up to len bytes of the blob itself. */
static ssize_t raw_read(struct blob_reader *r, void *buf, size_t len)
{
	ssize_t n;

	if (r->outer) {
		n = archive_read_data(r->outer, buf, len);
		if (n < 0)
			return err_set(ERR_PARSE, "%s: %s", r->what, archive_error_string(r->outer));
		return n;
	}
	do
		n = read(r->fd, buf, len);
	while (n < 0 && errno == EINTR);
	return n < 0 ? err_set(ERR_IO, "%s: %s", r->what, strerror(errno)) : n;
}

/* At the end of the blob: does it have the digest the manifest promised? */
static int check_digest(struct blob_reader *r)
{
	struct strbuf got = STRBUF_INIT;
	unsigned char md[SHA256_LEN];
	int rc;

	if ((rc = sha256_final(r->h, md)) < 0)
		return rc;
	strbuf_addstr(&got, "sha256:");
	strbuf_addhex(&got, md, sizeof(md));
	rc = r->expect && strcmp(got.buf, r->expect)
		     ? err_set(ERR_INTEGRITY, "%s: content has digest %s, expected %s", r->what, got.buf, r->expect)
		     : 0;
	strbuf_release(&got);
	return rc;
}

/* The next free chunk of the ring, waiting for room; NULL when the reader is closing. */
static struct ra_chunk *ring_take(struct blob_reader *r)
{
	struct ra_chunk *c;

	pthread_mutex_lock(&r->mu);
	while (r->count == RA_CHUNKS && !r->stop)
		pthread_cond_wait(&r->room, &r->mu);
	if (r->stop) {
		pthread_mutex_unlock(&r->mu);
		return NULL;
	}
	c = &r->ring[(r->head + r->count) % RA_CHUNKS];
	pthread_mutex_unlock(&r->mu);
	c->len = c->pos = 0;
	return c;
}

/* Hash a filled chunk and hand it to the reader; at the end, check the digest. */
static int ring_commit(struct blob_reader *r, struct ra_chunk *c, int eof, int rc)
{
	if (rc == 0 && c && c->len)
		rc = sha256_update(r->h, c->data, c->len);
	if (rc == 0 && eof)
		rc = check_digest(r);
	pthread_mutex_lock(&r->mu);
	if (rc < 0) {
		snprintf(r->msg, sizeof(r->msg), "%s", err_last());
		r->rc = rc;
		eof = 1;
	}
	if (c && c->len)
		r->count++;
	r->eof = eof;
	pthread_cond_signal(&r->more);
	pthread_mutex_unlock(&r->mu);
	return rc;
}

static void *read_ahead(void *arg)
{
	struct blob_reader *r = arg;
	struct ra_chunk *c;
	ssize_t n;
	int rc = 0, eof = 0;

	while (!eof) {
		if (!(c = ring_take(r)))
			return NULL;
		while (c->len < RA_CHUNK_SIZE) {
			n = raw_read(r, c->data + c->len, RA_CHUNK_SIZE - c->len);
			if (n < 0) {
				rc = (int)n;
				break;
			}
			if (n == 0) {
				eof = 1;
				break;
			}
			c->len += (size_t)n;
		}
		if (ring_commit(r, c, eof, rc) < 0)
			eof = 1;
	}
	return NULL;
}

/* The HTTP transfer's sink: bytes into ring chunks, a full chunk handed over. */
static int ring_sink(void *ctx, const void *data, size_t len)
{
	struct blob_reader *r = ctx;
	const unsigned char *p = data;
	size_t n;
	int rc;

	while (len) {
		if (!r->fill && !(r->fill = ring_take(r)))
			return err_set(ERR_INTERRUPTED, "%s: reading stopped", r->what);
		n = RA_CHUNK_SIZE - r->fill->len < len ? RA_CHUNK_SIZE - r->fill->len : len;
		memcpy(r->fill->data + r->fill->len, p, n);
		r->fill->len += n;
		p += n;
		len -= n;
		if (r->fill->len == RA_CHUNK_SIZE) {
			rc = ring_commit(r, r->fill, 0, 0);
			r->fill = NULL;
			if (rc < 0)
				return rc;
		}
	}
	return 0;
}

static void *read_ahead_registry(void *arg)
{
	struct blob_reader *r = arg;
	int rc = registry_blob_stream(r->reg, r->repo, r->digest, r->size, ring_sink, r);

	pthread_mutex_lock(&r->mu);
	if (r->stop) {
		pthread_mutex_unlock(&r->mu);
		return NULL;
	}
	pthread_mutex_unlock(&r->mu);
	/* The last partial chunk, then the digest check (or the transfer's error). */
	ring_commit(r, r->fill, 1, rc);
	r->fill = NULL;
	return NULL;
}

int image_layer_open(struct image *img, size_t index, struct blob_reader **out)
{
	struct image_layer *l;
	struct blob_reader *r;
	int rc;

	if (index >= img->nlayers)
		return err_set(ERR_INVALID, "no layer %zu", index);
	l = &img->layers[index];
	r = calloc(1, sizeof(*r));
	if (!r)
		return err_set(ERR_NOMEM, "out of memory");
	r->fd = -1;
	pthread_mutex_init(&r->mu, NULL);
	pthread_cond_init(&r->more, NULL);
	pthread_cond_init(&r->room, NULL);
	/* docker-archive layers named by path are checked against their diff id (they are plain tars). */
	r->expect = util_strdup(l->digest ? l->digest : l->diff_id);
	r->what = util_strdup(l->blob);
	if ((rc = sha256_new(&r->h)) < 0)
		goto fail;
	if (img->registry) {
		r->reg = img->registry;
		r->repo = util_strdup(img->ref.repo);
		r->digest = util_strdup(l->digest);
		r->size = l->size;
		if (!r->repo || !r->digest) {
			rc = err_set(ERR_NOMEM, "out of memory");
			goto fail;
		}
	} else if (img->archive) {
		r->outer = image_archive_open(img->path);
		if (!r->outer) {
			rc = ERR_PARSE;
			goto fail;
		}
		if ((rc = find_member(r->outer, l->blob)) < 0) {
			rc = err_set(rc, "%s: layer %s is not in the archive", img->ref.text, l->blob);
			goto fail;
		}
	} else {
		r->fd = open(l->blob, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
		if (r->fd < 0) {
			rc = err_set(ERR_NOTFOUND, "%s: layer blob %s: %s", img->ref.text, l->digest, strerror(errno));
			goto fail;
		}
	}
	r->ring = malloc(RA_CHUNKS * sizeof(*r->ring));
	if (!r->ring || pthread_create(&r->thread, NULL, r->reg ? read_ahead_registry : read_ahead, r) != 0) {
		rc = err_set(ERR_NOMEM, "cannot start reading %s", l->blob);
		goto fail;
	}
	r->started = 1;
	*out = r;
	return 0;
fail:
	blob_close(r);
	return rc;
}

ssize_t blob_read(struct blob_reader *r, void *buf, size_t len)
{
	struct ra_chunk *c;
	size_t n;

	pthread_mutex_lock(&r->mu);
	while (!r->count && !r->eof)
		pthread_cond_wait(&r->more, &r->mu);
	if (!r->count) {
		int rc = r->rc;

		pthread_mutex_unlock(&r->mu);
		return rc < 0 ? err_set(rc, "%s", r->msg) : 0;
	}
	c = &r->ring[r->head];
	pthread_mutex_unlock(&r->mu);
	n = c->len - c->pos < len ? c->len - c->pos : len;
	memcpy(buf, c->data + c->pos, n);
	c->pos += n;
	if (c->pos == c->len) {
		pthread_mutex_lock(&r->mu);
		r->head = (r->head + 1) % RA_CHUNKS;
		r->count--;
		pthread_cond_signal(&r->room);
		pthread_mutex_unlock(&r->mu);
	}
	return (ssize_t)n;
}

int blob_finish(struct blob_reader *r)
{
	ssize_t n;

	pthread_mutex_lock(&r->mu);
	/* Whole chunks are dropped without copying them out. */
	for (;;) {
		while (!r->count && !r->eof)
			pthread_cond_wait(&r->more, &r->mu);
		if (!r->count)
			break;
		r->head = (r->head + 1) % RA_CHUNKS;
		r->count--;
		pthread_cond_signal(&r->room);
	}
	n = r->rc;
	pthread_mutex_unlock(&r->mu);
	return n < 0 ? err_set((int)n, "%s", r->msg) : 0;
}

void blob_close(struct blob_reader *r)
{
	if (!r)
		return;
	if (r->started) {
		pthread_mutex_lock(&r->mu);
		r->stop = 1;
		pthread_cond_signal(&r->room);
		pthread_mutex_unlock(&r->mu);
		pthread_join(r->thread, NULL);
	}
	free(r->ring);
	pthread_mutex_destroy(&r->mu);
	pthread_cond_destroy(&r->more);
	pthread_cond_destroy(&r->room);
	if (r->fd >= 0)
		close(r->fd);
	if (r->outer)
		archive_read_free(r->outer);
	sha256_free(r->h);
	free(r->repo);
	free(r->digest);
	free(r->expect);
	free(r->what);
	free(r);
}
