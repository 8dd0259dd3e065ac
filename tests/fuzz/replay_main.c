/*
 * A plain main() around a libFuzzer harness: runs LLVMFuzzerTestOneInput on
 * each file named on the command line.  make check builds every harness this
 * way (with the sanitizers when SANITIZE is set) to replay the inputs that
 * once crashed it, kept in tests/fuzz/regressions/.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "core/strbuf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int main(int argc, char **argv)
{
	struct strbuf buf = STRBUF_INIT;
	int i;

	for (i = 1; i < argc; i++) {
		strbuf_reset(&buf);
		if (strbuf_read_file(&buf, argv[i]) < 0) {
			fprintf(stderr, "cannot read %s\n", argv[i]);
			return 2;
		}
		LLVMFuzzerTestOneInput((const uint8_t *)buf.buf, buf.len);
	}
	strbuf_release(&buf);
	return 0;
}
