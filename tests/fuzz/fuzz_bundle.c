/*
 * libFuzzer: a bundle as a zip (names, links, sizes, SHA256SUMS), and the
 * same bytes as a SHA256SUMS text and as a commands.tsv whose commands are
 * parsed as skopeo commands.
 */
#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include <stdlib.h>

#include "connectors/bundle_int.h"
#include "kit/bundle.h"

static int count(void *ctx, const char *name, const char *hex)
{
	(void)name;
	(void)hex;
	++*(size_t *)ctx;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct bundle *b = NULL;
	size_t n = 0, i;

	/* Small limits keep every input quick; the checks are the same. */
	bundle_set_limits((size_t)1 << 20, (size_t)8 << 20);

	if (bundle_open_zip_mem(&b, "fuzz.zip", data, size) == 0) {
		for (i = 0; i < b->nfiles; i++)
			(void)bundle_get(b, b->files[i].name);
		bundle_free(b);
	}
	(void)bundle_parse_sums((const char *)data, size, "SHA256SUMS", count, &n);
	{
		struct bundle_cmd *cmds = NULL;
		char *storage = NULL;
		size_t nc = 0;

		if (bundle_commands_parse((const char *)data, size, "commands.tsv", &cmds, &nc, &storage) == 0) {
			for (i = 0; i < nc; i++) {
				struct strbuf ref = STRBUF_INIT;
				const char *verb;

				(void)bundle_skopeo_command(cmds[i].command, &verb, &ref);
				strbuf_release(&ref);
			}
		}
		free(cmds);
		free(storage);
	}
	err_clear();
	return 0;
}
