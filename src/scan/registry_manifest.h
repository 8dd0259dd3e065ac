/*
 * registry_manifest: reading the manifests and indexes a registry serves.
 *
 * Four media types are container images: the OCI image manifest and index
 * and Docker's schema 2 manifest and manifest list.  Anything else (Docker
 * schema 1, Helm charts and other OCI artifacts, a type nobody registered)
 * is refused with its name, so one odd tag becomes one clear error and the
 * rest of the registry goes on.  The bytes are outside data: their size is
 * capped (REGMAN_MAX_BYTES, as the OCI distribution specification suggests),
 * counts are bounded, every digest is validated before it names anything,
 * and the media type the server sent must agree with the one in the body.
 */
#ifndef VETTER_REGISTRY_MANIFEST_H
#define VETTER_REGISTRY_MANIFEST_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#define REGMAN_MAX_BYTES (4 * 1024 * 1024)
#define REGMAN_MAX_ENTRIES 1000 /* layers of a manifest, manifests of an index */

#define MT_OCI_MANIFEST "application/vnd.oci.image.manifest.v1+json"
#define MT_OCI_INDEX "application/vnd.oci.image.index.v1+json"
#define MT_DOCKER_MANIFEST "application/vnd.docker.distribution.manifest.v2+json"
#define MT_DOCKER_LIST "application/vnd.docker.distribution.manifest.list.v2+json"
/* What a client accepts, in one Accept header. */
#define REGMAN_ACCEPT MT_OCI_INDEX ", " MT_OCI_MANIFEST ", " MT_DOCKER_LIST ", " MT_DOCKER_MANIFEST

enum regman_kind { REGMAN_IMAGE, REGMAN_INDEX };

struct regman_desc {
	char *media_type;
	char *digest;    /* "sha256:" + 64 hex, checked */
	int64_t size;    /* >= 0 */
	char *platform;  /* index entries: "os/arch[/variant]", NULL when the entry has none */
	int foreign;     /* a layer vetter cannot read (Windows foreign / non-distributable) */
};

struct regman {
	enum regman_kind kind;
	char *media_type;            /* the resolved media type (one of the four) */
	struct regman_desc config;   /* images */
	struct regman_desc *layers;  /* images */
	size_t nlayers;
	struct regman_desc *manifests; /* indexes */
	size_t nmanifests;
	json_t *doc;                 /* the parsed body */
};

/*
 * Read a manifest or index.  content_type is the server's Content-Type (may
 * be NULL or a generic "application/json"); what names it in messages.
 * ERR_LIMIT (too big, too many entries), ERR_UNSUPPORTED (a media type that
 * is not a container image), ERR_PARSE (malformed).  On failure nothing is
 * left to release.
 */
int regman_parse(struct regman *out, const char *content_type, const void *data, size_t len, const char *what);
void regman_release(struct regman *m);

/*
 * Choose the entry of an index for platform "os/arch[/variant]"; "linux/arm64"
 * and "linux/arm64/v8" are the same.  ERR_NOTFOUND names the platforms the
 * index has.
 */
int regman_select(const struct regman *index, const char *platform, const char *what, size_t *which);

/* 1 when mt is one of the layer media types vetter reads (tar, gzip, zstd; OCI and Docker). */
int regman_layer_type_known(const char *mt);

#endif
