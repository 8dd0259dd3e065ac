/*
 * libFuzzer: the version comparators and the npm range parser.
 *
 * Input: one byte choosing the scheme (byte % 7) and flags (byte / 7:
 * loose, include-prerelease, Go's implied v), then version A, a NUL, and
 * version B (or an npm range and a version).  Besides not crashing, the
 * orderings must behave as orderings: cmp(a, a) = 0 and cmp(b, a) =
 * -cmp(a, b); a PEP 440 normal form and a Go canonical form are fixed
 * points that compare equal to what they came from.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/strbuf.h"
#include "vulndb/version.h"

static void check(int ok)
{
	if (!ok)
		abort();
}

static void orderings(enum ver_scheme s, const char *a, const char *b, int flags)
{
	int r1 = 0, r2 = 0, rc1, rc2;

	rc1 = ver_compare(s, a, b, flags, &r1);
	rc2 = ver_compare(s, b, a, flags, &r2);
	check((rc1 < 0) == (rc2 < 0));
	if (rc1 == 0) {
		check(r1 >= -1 && r1 <= 1);
		check(r1 == -r2);
	}
	if (ver_compare(s, a, a, flags, &r1) == 0)
		check(r1 == 0);
	(void)ver_valid(s, a, flags);
}

static void normal_forms(const char *a, int flags)
{
	struct strbuf n1 = STRBUF_INIT, n2 = STRBUF_INIT;
	int r;

	if (pep440_normalize(a, &n1) == 0) {
		check(pep440_normalize(n1.buf, &n2) == 0 && !strcmp(n1.buf, n2.buf));
		check(ver_compare(VER_PYPI, a, n1.buf, 0, &r) == 0 && r == 0);
	}
	strbuf_reset(&n1);
	strbuf_reset(&n2);
	if (go_canonical(a, &n1) == 0 && n1.len) {
		check(go_canonical(n1.buf, &n2) == 0 && !strcmp(n1.buf, n2.buf));
		check(ver_compare(VER_GO, a, n1.buf, flags & ~VER_GO_IMPLICIT_V, &r) == 0 && r == 0);
	}
	strbuf_release(&n1);
	strbuf_release(&n2);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *a, *b;
	const uint8_t *nul;
	enum ver_scheme s;
	int flags, r;

	if (size < 1 || size > 4 * VER_MAX_LEN)
		return 0;
	s = (enum ver_scheme)(data[0] % VER_SCHEME_COUNT);
	flags = (data[0] / VER_SCHEME_COUNT) & (VER_LOOSE | VER_INCLUDE_PRERELEASE | VER_GO_IMPLICIT_V);
	data++, size--;
	nul = memchr(data, 0, size);
	a = strndup((const char *)data, nul ? (size_t)(nul - data) : size);
	b = strndup(nul ? (const char *)nul + 1 : "", nul ? size - (size_t)(nul - data) - 1 : 0);
	if (!a || !b)
		goto cleanup;
	orderings(s, a, b, flags);
	if (s == VER_NPM) {
		(void)semver_range_satisfies(a, b, flags, &r);
		(void)semver_range_satisfies(b, a, flags, &r);
	}
	if (s == VER_APK)
		(void)apk_fuzzy_match(a, "~", b, &r);
	normal_forms(a, flags);
cleanup:
	free(a);
	free(b);
	return 0;
}
