/*
 * cloud: what the Azure and Google Cloud connectors share: writing the
 * normalised documents (cloud_norm.h) as assets, and the coverage record.
 */
#ifndef VETTER_CLOUD_H
#define VETTER_CLOUD_H

#include <jansson.h>

#include "cloud_norm.h"
#include "core/inventory.h"

/*
 * Write every document of docs as an asset (kind: the document's kind; key:
 * the kind and the document's ARM id or asset name), and the source's
 * coverage: the mode ("export", "live"), the files read (may be NULL), the
 * count of assets per kind, the records read and skipped, and a summary.
 */
int cloud_write_documents(struct inventory *inv, const json_t *docs, const struct cloud_stats *cs, const json_t *files,
			  const char *mode);

#endif
