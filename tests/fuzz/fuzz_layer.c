/* libFuzzer: a layer tarball (plain, gzip or zstd) through the whole per-layer analysis. */
#include <stdint.h>
#include <string.h>

#include "core/err.h"
#include "scan/analyze.h"

struct mem {
	const uint8_t *p;
	size_t left;
};

static ssize_t mem_read(void *src, void *buf, size_t len)
{
	struct mem *m = src;
	size_t n = len < m->left ? len : m->left;

	/* Small reads exercise the refills and the record packing. */
	if (n > 997)
		n = 997;
	memcpy(buf, m->p, n);
	m->p += n;
	m->left -= n;
	return (ssize_t)n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct layer_limits lim = { 64 << 20, 100000 };
	struct analyze_opts opt = { 1, NULL, &lim, 1 };
	struct layer_result r;
	struct mem m = { data, size };

	memset(&r, 0, sizeof(r));
	layer_analyze(&r, mem_read, &m, &opt);
	layer_result_release(&r);
	return 0;
}
