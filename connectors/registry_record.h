/*
 * registry_record: what the registry source writes from an inventory, for
 * the live source (registry.c) and a bundle made by the registry kit
 * (bundle_registry.c), so both give the same assets.
 */
#ifndef VETTER_REGISTRY_RECORD_H
#define VETTER_REGISTRY_RECORD_H

#include <jansson.h>

#include "core/inventory.h"
#include "scan/registry_inventory.h"

/*
 * Gaps for what ri could not read, the selection (images that run, then
 * the newest_tags newest within max_images, both read from opts), the
 * image and repository assets keyed registry:HOST/..., the inventory as
 * evidence; the counts are added to cov.
 */
int registry_record(struct inventory *inv, const char *host, const char *platform, const json_t *opts,
		    const struct reginv *ri, json_t *cov);

#endif
