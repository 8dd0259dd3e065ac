/*
 * libFuzzer: the secrets scanner.  The first two bytes choose how the rest
 * is cut into chunks (and, for half the inputs, the plain prefilter instead
 * of the SIMD one); the rest is the file.  Besides crashes, the harness
 * aborts when the chunked scan disagrees with the scan of the whole input,
 * or a finding cannot be turned into JSON.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/strbuf.h"
#include "scan/secrets.h"
#include "scan/secrets_int.h"

static void dump(const struct secret_list *l, struct strbuf *out)
{
	size_t i;

	for (i = 0; i < l->n; i++) {
		json_t *j = secret_to_json(&l->v[i]);

		if (!j)
			abort();
		json_decref(j);
		strbuf_addf(out, "%s %zu %llu %s %s\n", l->v[i].rule, l->v[i].line, (unsigned long long)l->v[i].offset,
			    l->v[i].fingerprint, l->v[i].redacted);
	}
	strbuf_addf(out, "skipped %zu dropped %zu\n", l->skipped, l->dropped);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const size_t max_chunk[] = { 1, 3, 17, 64, 575, 577, 1200, 5000 };
	struct secret_list whole = { 0 }, cut = { 0 };
	struct strbuf a = STRBUF_INIT, b = STRBUF_INIT;
	struct secrets_scan *s = NULL;
	uint32_t rng;
	size_t at = 0, max;
	int old = -1;

	if (size < 2)
		return 0;
	rng = (uint32_t)data[0] << 8 | data[1] | 1u << 16;
	max = max_chunk[data[0] & 7];
	data += 2;
	size -= 2;
	if (secrets_scan_text(&whole, "fuzz", (const char *)data, size) < 0)
		abort();
	if (data[-2] & 0x80)
		old = secrets_filter_use(0);
	if (secrets_begin(&s, "fuzz") < 0)
		abort();
	while (at < size) {
		size_t n;

		rng = rng * 1103515245u + 12345u;
		n = 1 + (rng >> 8) % max;
		if (n > size - at)
			n = size - at;
		if (secrets_feed(s, data + at, n) < 0)
			abort();
		at += n;
	}
	if (secrets_end(s, &cut) < 0)
		abort();
	secrets_free(s);
	if (old >= 0)
		secrets_filter_use(old);
	dump(&whole, &a);
	dump(&cut, &b);
	if (strcmp(a.buf, b.buf)) {
		fprintf(stderr, "whole:\n%s\nchunked (max %zu):\n%s\n", a.buf, max, b.buf);
		abort();
	}
	secret_list_release(&whole);
	secret_list_release(&cut);
	strbuf_release(&a);
	strbuf_release(&b);
	return 0;
}
