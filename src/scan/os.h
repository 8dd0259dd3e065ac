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

#endif
