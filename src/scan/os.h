/*
 * os: operating system identification from os-release and relatives.
 */
#ifndef VETTER_OS_H
#define VETTER_OS_H

#include <stddef.h>

#include <jansson.h>

/*
 * Parse os-release text (KEY=value lines, values optionally quoted with
 * shell escapes) into a JSON object with lowercase keys: id, version_id,
 * version_codename, name, pretty_name, id_like.  Unknown keys are ignored.
 */
int os_release_parse(const char *buf, size_t len, json_t **out);

/* The release files of a final filesystem view, by path ("etc/os-release"). */
struct os_file {
	const char *path;
	const char *text;
};

/*
 * Identify the OS from its release files, merged as Trivy does: os-release
 * first, then the distribution's own file where it is more specific
 * (etc/debian_version "12.4", etc/centos-release "7.9.2009",
 * etc/alpine-release "3.18.4"); without os-release the distribution file
 * alone (CentOS 6, Amazon Linux 1).  *out is NULL when nothing is
 * recognised; otherwise an object with id, version_id (the release advisories
 * are keyed by), version (the most precise), family, pretty_name,
 * version_codename when known, and files (what was used).
 */
int os_detect(const struct os_file *files, size_t n, json_t **out);

/* 1 for a path os_detect reads. */
int os_is_release_file(const char *path);

#endif
