/*
 * libFuzzer: the streaming Go build-info scanner.  The first byte seeds the
 * chunk sizes, so the same file is also cut at every kind of boundary.
 */
#include <stdint.h>

#include "scan/pkgdb_go.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pkg_list l = { 0 };
	struct gobin *g;
	uint32_t r = size ? data[0] : 0;
	size_t at = size ? 1 : 0;

	if (gobin_new(&g, "fuzz") < 0)
		return 0;
	while (at < size) {
		size_t n;

		r = r * 1103515245u + 12345u;
		n = (r & 0x10000) ? 1 + (r >> 20) % 4096 : 1 + (r >> 20) % 17;
		if (n > size - at)
			n = size - at;
		if (gobin_feed(g, data + at, n) < 0)
			break;
		at += n;
	}
	gobin_finish(g, &l);
	pkg_list_release(&l);
	gobin_free(g);
	return 0;
}
