/*
 * image: a container image opened for reading: its manifest, configuration
 * and layers, from a registry, an OCI layout folder, an OCI or docker
 * archive, or an unpacked root filesystem.
 *
 * Opening reads only the small documents (index, manifest, config); layer
 * blobs are read later, one at a time, as streams whose SHA-256 is checked
 * against the digest the manifest promises as the last byte arrives.  A
 * registry's layers stream from the network into memory and are never
 * written to disk; a layer whose result is cached (by diff id) is never
 * fetched at all.
 * Digests from the image are validated before they name a file, so a
 * hostile index cannot point outside the layout.
 */
#ifndef VETTER_IMAGE_H
#define VETTER_IMAGE_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include <jansson.h>

#include "core/strbuf.h"
#include "imageref.h"

struct registry;

struct image_layer {
	char *digest;     /* blob digest "sha256:…" (or NULL for a docker-archive layer known by path) */
	char *diff_id;    /* digest of the uncompressed layer, from the config */
	char *media_type; /* may be NULL */
	char *blob;       /* where the blob is: path inside the archive, or file in the layout */
	int64_t size;     /* blob size, -1 when unknown */
	int foreign;      /* a Windows "foreign" layer vetter cannot read */
};

struct image {
	struct image_ref ref;
	char *path;            /* the resolved file or folder */
	char *platform;        /* os/arch[/variant] selected */
	struct strbuf manifest_raw, config_raw;
	char *manifest_digest; /* sha256 of manifest_raw */
	char *config_digest;   /* sha256 of config_raw */
	json_t *manifest;      /* NULL for dir: */
	json_t *config;        /* NULL for dir: */
	struct image_layer *layers;
	size_t nlayers;
	struct archive_index *archive; /* archives: where each entry is */
	struct registry *registry;     /* registry images: where the layers come from (borrowed) */
	char *index_digest;            /* registry images reached through an index: its digest */
};

/*
 * Open the image ref whose file or folder is path.  platform ("linux/amd64"
 * when NULL) selects from a multi-platform index.  A registry: reference
 * ignores path and goes through registry_access (registry_access.h): the
 * command's registry settings, or the user's docker config.
 */
int image_open(struct image **out, const struct image_ref *ref, const char *path, const char *platform);
/*
 * Open a registry: reference through reg, which must outlive the image.
 * Per-image errors are clear and final: ERR_LIMIT (a manifest over 4 MB),
 * ERR_UNSUPPORTED (not a container image's media type), ERR_INTEGRITY
 * (content that does not match its digest), ERR_AUTH, ERR_NOTFOUND, ERR_NET.
 */
int image_open_registry(struct image **out, const struct image_ref *ref, const char *platform, struct registry *reg);
void image_free(struct image *img);

/* A stream over one layer blob; its digest is checked at the end (ERR_INTEGRITY). */
struct blob_reader;
int image_layer_open(struct image *img, size_t index, struct blob_reader **out);
/* Read up to len bytes; 0 at the end, negative on error. */
ssize_t blob_read(struct blob_reader *r, void *buf, size_t len);
/*
 * Read what is left and return the digest check's verdict.  A layer walk
 * stops at the tar's end marker, before the compressor's trailer and any
 * padding, so without this the last bytes, and the digest, would go
 * unchecked: a tampered layer could pass.
 */
int blob_finish(struct blob_reader *r);
void blob_close(struct blob_reader *r);

/* "sha256:" and 64 lowercase hex digits. */
int image_digest_valid(const char *digest);

#endif
