/*
 * bundle_int: the parts of the bundle source (bundle.c) that read one
 * tool's files: registry (skopeo) files into a registry inventory.
 */
#ifndef VETTER_BUNDLE_INT_H
#define VETTER_BUNDLE_INT_H

#include <jansson.h>

#include "core/inventory.h"
#include "kit/bundle.h"

/* One skopeo file of a bundle: the command that made it and its output. */
struct bundle_skopeo {
	const struct bundle_file *file;
	const char *command; /* as commands.tsv has it */
};

/*
 * Rebuild, from the outputs of the registry kit's skopeo commands, the
 * inventory a live registry source makes, and record it as that source
 * would (registry_record.h).  A tag whose files are missing, failed or do
 * not parse is a gap for that tag; the rest go on.  0 or a negative ERR_*.
 */
int bundle_registry(struct inventory *inv, const struct bundle_skopeo *files, size_t n, json_t *coverage);

/*
 * The aws kit's files (names aws/ACCOUNT/..., manifest-checked) read as the
 * aws-export source reads an export folder, one account at a time.
 */
int bundle_aws(struct inventory *inv, const struct bundle_file *const *files, size_t n, json_t *coverage);

/*
 * The azure kit's files (az rest answers) or the gcp kit's (gcloud asset
 * list output), read as the azure-export or gcp-export source reads the
 * same files: the same assets; coverage gets "azure" or "gcp" (files read,
 * records, kinds).  A file of neither cloud's shape is a gap naming it.
 */
int bundle_cloud(struct inventory *inv, const struct bundle_file *const *files, size_t n, int azure, json_t *coverage);

/* Parse a skopeo command line: its verb ("list-tags", "raw", "config", "inspect") and docker:// reference. */
int bundle_skopeo_command(const char *command, const char **verb, struct strbuf *ref);

#endif
