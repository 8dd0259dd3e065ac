/*
 * What every package-database harness checks after a parse, beyond "no
 * crash": on error nothing was appended; on success the count returned is
 * the number appended, and each package can be written out (JSON accepts
 * its strings, a PURL can be made) and carries the path it was read from.
 */
#ifndef VETTER_FUZZ_PKGDB_CHECK_H
#define VETTER_FUZZ_PKGDB_CHECK_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/strbuf.h"
#include "scan/pkg.h"

static inline void pkgdb_fuzz_check(struct pkg_list *l, int rc, const char *path)
{
	struct strbuf sb = STRBUF_INIT;
	size_t i;

	if (rc < 0 ? l->n != 0 : (size_t)rc != l->n)
		abort();
	for (i = 0; i < l->n; i++) {
		json_t *j = pkg_to_json(&l->v[i]);

		if (!j || !l->v[i].path || strcmp(l->v[i].path, path))
			abort();
		json_decref(j);
		strbuf_reset(&sb);
		if (pkg_purl(&sb, &l->v[i], NULL) < 0)
			abort();
	}
	strbuf_release(&sb);
	pkg_list_release(l);
}

/* data as a NUL-terminated path for the is_*_path predicates (NULL when it holds a NUL). */
static inline char *pkgdb_fuzz_path(const uint8_t *data, size_t size)
{
	char *s;

	if (size > 4096 || memchr(data, 0, size))
		return NULL;
	s = malloc(size + 1);
	if (!s)
		return NULL;
	memcpy(s, data, size);
	s[size] = 0;
	return s;
}

#endif
