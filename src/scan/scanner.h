/*
 * scanner: one image, read and understood.
 *
 * Layers are analysed in parallel (--jobs), each at most once: results are
 * cached by diff id when a cache is given, so a base layer shared by many
 * images is read once per engagement.  The merged view then gives the OS,
 * the packages and the secrets; the image configuration is summarised for
 * the configuration rules, with secrets in env and history found and
 * redacted, never stored.
 */
#ifndef VETTER_SCANNER_H
#define VETTER_SCANNER_H

#include <jansson.h>

#include "core/evidence.h"
#include "core/store.h"
#include "image.h"
#include "layer.h"
#include "view.h"

struct scan_options {
	int secrets;                       /* look for secrets in every layer, env and history */
	int jobs;                          /* layers analysed at once; 0 = 2 */
	const struct layer_limits *limits;
	struct evidence *ev;               /* may be NULL (ad-hoc commands) */
	struct store *cache;               /* layer cache; may be NULL */
};

struct scan_result {
	struct image_view view;
	json_t *image;         /* summary: ref, digests, platform, os, config, layers, counts */
	json_t *evidence;      /* [{uri, digest, size, media_type}] items to link into the manifest */
	char *not_assessable;  /* why nothing in the image could be assessed, or NULL */
};

int scanner_scan(struct image *img, const struct scan_options *opt, struct scan_result *out);
void scan_result_release(struct scan_result *r);

#endif
