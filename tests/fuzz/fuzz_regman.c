/*
 * libFuzzer: manifests and indexes as a registry serves them.  The first
 * line of the input is the Content-Type, the rest the body.  Besides
 * crashes, the harness aborts when an accepted document breaks what the
 * image code relies on: a known media type, valid digests and sizes,
 * bounded counts, and a platform choice that names an entry with that
 * platform.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "scan/image.h"
#include "scan/registry_manifest.h"

static void check_desc(const struct regman_desc *d)
{
	if (!image_digest_valid(d->digest) || d->size < 0)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const platforms[] = { "linux/amd64", "linux/arm64", "linux/arm/v7", "windows/amd64" };
	const char *nl = memchr(data, '\n', size);
	char *ct = NULL;
	struct regman m;
	size_t i, which;

	if (nl) {
		ct = strndup((const char *)data, (size_t)(nl - (const char *)data));
		if (!ct)
			return 0;
		size -= (size_t)(nl - (const char *)data) + 1;
		data = (const uint8_t *)nl + 1;
	}
	if (regman_parse(&m, ct, data, size, "fuzz") == 0) {
		if (strcmp(m.media_type, MT_OCI_MANIFEST) && strcmp(m.media_type, MT_OCI_INDEX) &&
		    strcmp(m.media_type, MT_DOCKER_MANIFEST) && strcmp(m.media_type, MT_DOCKER_LIST))
			abort();
		if (m.nlayers > REGMAN_MAX_ENTRIES || m.nmanifests > REGMAN_MAX_ENTRIES)
			abort();
		if (m.kind == REGMAN_IMAGE) {
			check_desc(&m.config);
			for (i = 0; i < m.nlayers; i++) {
				check_desc(&m.layers[i]);
				if (!m.layers[i].foreign && m.layers[i].media_type &&
				    !regman_layer_type_known(m.layers[i].media_type))
					abort();
			}
		} else {
			for (i = 0; i < m.nmanifests; i++)
				check_desc(&m.manifests[i]);
			for (i = 0; i < sizeof(platforms) / sizeof(platforms[0]); i++)
				if (regman_select(&m, platforms[i], "fuzz", &which) == 0 &&
				    (which >= m.nmanifests || !m.manifests[which].platform))
					abort();
		}
		regman_release(&m);
	}
	free(ct);
	return 0;
}
