/*
 * view: the layers of an image merged into what a running container sees.
 *
 * Layers apply in order: a whiteout deletes a path and everything under it,
 * an opaque folder hides what lower layers put in it, and a later file
 * replaces an earlier one.  What survives gives the packages (each
 * attributed to the layer that first installed that version), the OS (its
 * release files found through symlinks), and the secrets, each marked
 * present or removed-but-recoverable: deleting a key in a later layer does
 * not remove it from the image.
 */
#ifndef VETTER_VIEW_H
#define VETTER_VIEW_H

#include <jansson.h>

#include "analyze.h"
#include "pkg.h"
#include "secrets.h"

struct image_view {
	json_t *os;                 /* NULL when not recognised */
	struct pkg_list pkgs;       /* layer set on each */
	struct secret_list secrets; /* layer and removed set on each */
	json_t *sources;            /* [{path, handler, layer, packages, evidence, error?}] */
	json_t *gaps;               /* [{scope, reason}] */
	json_t *setuid_files;       /* ["/usr/bin/passwd", ...]: setuid/setgid files in the final filesystem */
	size_t os_owned;            /* language packages left out: their files belong to OS packages */
};

/* layer_ids[i] names layers[i] (its diff id). */
int view_merge(struct image_view *out, struct layer_result *layers, const char *const *layer_ids, size_t n);
void view_release(struct image_view *v);

#endif
