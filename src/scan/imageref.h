/*
 * imageref: image references in Syft's and skopeo's notation.
 *
 *   registry:HOST/REPO:TAG        registry:HOST/REPO@sha256:HEX
 *   oci-dir:PATH[:TAG]            (the tag follows the last colon after the last slash)
 *   oci-archive:FILE[:TAG]        (same rule)
 *   docker-archive:FILE[:NAME:TAG]
 *   dir:ROOTFS
 *
 * A registry reference without a host is Docker Hub's (docker.io, with
 * "library/" for single-component names), without a tag it is ":latest".
 */
#ifndef VETTER_IMAGEREF_H
#define VETTER_IMAGEREF_H

enum image_transport {
	IMG_REGISTRY,
	IMG_OCI_DIR,
	IMG_OCI_ARCHIVE,
	IMG_DOCKER_ARCHIVE,
	IMG_DIR,
};

struct image_ref {
	enum image_transport transport;
	char *text;   /* normalised reference */
	char *path;   /* local transports */
	char *tag;    /* may be NULL */
	char *host;   /* registry */
	char *repo;   /* registry */
	char *digest; /* registry "sha256:..." when given by digest */
};

int image_ref_parse(struct image_ref *out, const char *text);
void image_ref_release(struct image_ref *ref);
const char *image_transport_name(enum image_transport t);

#endif
