/*
 * image_int: what image.c (documents) and image_blob.c (layer blobs) share.
 * Not for other modules.
 */
#ifndef VETTER_IMAGE_INT_H
#define VETTER_IMAGE_INT_H

struct archive;

/* Index, manifests and configs are small; anything bigger in their place is refused. */
#define IMAGE_DOC_MAX (4 * 1024 * 1024)
#define IMAGE_MAX_LAYERS 1000

/* Archive member names: "./blobs/x" and "blobs/x" are the same member. */
const char *image_member_name(const char *n);
/* Open a tar (any compression) for reading, or NULL with the error set. */
struct archive *image_archive_open(const char *path);

#endif
