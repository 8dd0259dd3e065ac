/*
 * registry_inventory: what a registry holds: its repositories (the catalog,
 * or a given list), their tags, and for each tag the image it names
 * (manifest, and the config of the platform's image: created date, platform,
 * size).  Used by the registry source (connectors/registry.c) and by
 * 'vetter registry'.
 *
 * The work runs on a pool of threads (jobs), each with its own connection
 * from the registry's pool: tag lists of all repositories first, then every
 * tag's manifest and config.  A tag that cannot be read (a manifest over
 * 4 MB, an unknown media type, a digest mismatch, a 404) is one error in
 * its own record; the inventory goes on.  Only a registry that cannot be
 * listed at all fails the whole call.
 */
#ifndef VETTER_REGISTRY_INVENTORY_H
#define VETTER_REGISTRY_INVENTORY_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "registry.h"

struct reginv_tag {
	char *tag;
	char *digest;          /* what the tag points at: a manifest or an index */
	char *media_type;      /* of that */
	char *platforms;       /* an index's platforms, "linux/amd64, linux/arm64" (NULL for a manifest) */
	char *platform;        /* the platform inspected: from the config (os/architecture[/variant]) */
	char *manifest_digest; /* the platform's manifest (the same as digest without an index) */
	char *config_digest;
	char *created;         /* the config's "created", as written (may be NULL) */
	int64_t created_epoch; /* seconds, -1 when unknown */
	int64_t size;          /* config and layers, compressed */
	size_t nlayers;
	int rc;                /* 0, or why this tag could not be read */
	char *error;
};

struct reginv_repo {
	char *name;
	struct reginv_tag *tags;
	size_t ntags;
	int truncated;         /* more tags than max_tags */
	int rc;                /* the tag list could not be read */
	char *error;
};

struct reginv {
	struct reginv_repo *repos;
	size_t nrepos;
	int catalog_truncated; /* more repositories than max_repos */
	size_t ntags, ninspected, nerrors;
	double seconds;
};

/* Repositories from somewhere other than the catalog (ECR's DescribeRepositories). */
typedef int (*reginv_list_fn)(void *ctx, registry_name_fn fn, void *fnctx);

struct reginv_options {
	const char *const *repos;   /* the repositories to read; NULL for the catalog (or list) */
	size_t nrepos;
	reginv_list_fn list;        /* instead of the catalog, when set */
	void *list_ctx;
	size_t max_repos;           /* 0 = 10000 */
	size_t max_tags;            /* per repository; 0 = 1000 */
	const char *platform;       /* for indexes; NULL = linux/amd64 */
	int jobs;                   /* threads; 0 = 8 */
	int inspect;                /* read each tag's manifest and config (else tags only) */
};

int reginv_run(struct registry *r, const struct reginv_options *o, struct reginv *out);
void reginv_release(struct reginv *inv);

/* One tag's record as JSON (for evidence and 'vetter registry --format json'). */
json_t *reginv_tag_json(const struct reginv_tag *t);

#endif
