/*
 * handlers: which files of an image matter, and who reads them.
 *
 * A path handler is chosen by the file's path (package databases, lock
 * files, metadata, archives) and gets the whole file in memory, up to its
 * size limit.  Content handlers (Go binaries) look at the first bytes and
 * then take the file as a stream.  OS release files are kept as text for
 * OS detection.  Everything else is only streamed through the secrets
 * scanner, if that is on.
 */
#ifndef VETTER_HANDLERS_H
#define VETTER_HANDLERS_H

#include <stddef.h>
#include <stdint.h>

#include "pkg.h"

/* Hashes (layer_path_hash) of the files an OS package database says its packages own. */
struct owned_list {
	uint64_t *v;
	size_t n, cap;
};

int owned_add(struct owned_list *l, const char *path, size_t len);

struct path_handler {
	const char *name;                        /* "dpkg", "rpm", "npm-lock", ... */
	int (*match)(const char *path);
	size_t max_size;                         /* larger files are a gap, not read */
	/* the packages the file lists; NULL for files that list only owned files */
	int (*parse)(struct pkg_list *out, const char *path, const char *buf, size_t len);
	int evidence;                            /* keep the file as evidence */
	/*
	 * The files the OS's packages own, or NULL.  Language packages found in
	 * such files (Debian's python3-*, a distribution's Go tools) are the OS
	 * package's business: reporting them again as PyPI or Go packages would
	 * match upstream advisories against the distribution's patched build.
	 */
	int (*owned)(const char *path, const char *buf, size_t len, struct owned_list *out);
};

/* The handler for path, or NULL. */
const struct path_handler *handler_for_path(const char *path);

/* OS identification files (etc/os-release, etc/alpine-release, ...). */
int handler_is_os_file(const char *path);
#define HANDLER_OS_FILE_MAX (64 * 1024)

/* A streaming content handler: Go build information in executables. */
struct content_scan;
/* 1 when the first bytes say this file may be a Go binary. */
int content_is_candidate(const unsigned char *head, size_t n, unsigned mode);
int content_begin(struct content_scan **out, const char *path);
int content_feed(struct content_scan *c, const void *data, size_t len);
/* Append what the file holds (nothing for a file that is not a Go binary). */
int content_end(struct content_scan *c, struct pkg_list *out);
void content_free(struct content_scan *c);

#endif
