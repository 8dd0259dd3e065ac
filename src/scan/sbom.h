/*
 * sbom: software bills of materials for one image, CycloneDX 1.6 JSON and
 * SPDX 2.3 JSON, one component per package with name, version (the package
 * manager's full version, epoch included) and PURL.
 *
 * Identifiers (serial number, document namespace) are derived from the
 * image and its contents, so the same image gives the same SBOM; only
 * SPDX's mandatory creation time varies, and the caller chooses it.
 */
#ifndef VETTER_SBOM_H
#define VETTER_SBOM_H

#include <jansson.h>

#include "pkg.h"

/* image: the scanner's summary ({ref, manifest_digest, config_digest, os, ...}). */
int sbom_cyclonedx(json_t **out, const json_t *image, const struct pkg_list *pkgs);
/* created: "YYYY-MM-DDTHH:MM:SSZ". */
int sbom_spdx(json_t **out, const json_t *image, const struct pkg_list *pkgs, const char *created);

#endif
