/*
 * image_int: what image.c (documents) and image_blob.c (layer blobs) share.
 * Not for other modules.
 */
#ifndef VETTER_IMAGE_INT_H
#define VETTER_IMAGE_INT_H

struct archive;

/* Archive member names: "./blobs/x" and "blobs/x" are the same member. */
const char *image_member_name(const char *n);
/* Open a tar (any compression) for reading, or NULL with the error set. */
struct archive *image_archive_open(const char *path);

#endif
