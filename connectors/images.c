/*
 * images: container images from local files (OCI layouts, OCI and docker
 * archives, unpacked root filesystems).  Collecting records each image as an
 * asset; reading its layers is the scan stage's work.
 */
#include <string.h>
#include <sys/stat.h>

#include "connector.h"
#include "core/err.h"
#include "core/jsonx.h"
#include "core/util.h"
#include "scan/imageref.h"

static const struct schema_field images_keys[] = {
	{ "refs", SCH_LIST, 1, NULL, SCH_STRING, NULL },
	{ NULL, 0, 0, NULL, 0, NULL },
};

static int collect_ref(struct inventory *inv, const char *text)
{
	struct image_ref ref;
	struct strbuf path = STRBUF_INIT;
	struct stat st;
	json_t *doc = NULL;
	int rc;

	if ((rc = image_ref_parse(&ref, text)) < 0)
		return inventory_gap(inv, text, err_last());
	if (ref.transport == IMG_REGISTRY) {
		rc = inventory_gap(inv, text, "registry images are collected by a source of type 'registry'");
		goto cleanup;
	}
	if ((rc = engagement_path(inv->eng, ref.path, &path)) < 0)
		goto cleanup;
	if (stat(path.buf, &st) < 0) {
		rc = inventory_gap(inv, text, "the image's file or folder does not exist");
		goto cleanup;
	}
	doc = json_object();
	if (!doc || jsonx_set_str(doc, "ref", ref.text) < 0 ||
	    jsonx_set_str(doc, "transport", image_transport_name(ref.transport)) < 0 ||
	    jsonx_set_str(doc, "path", ref.path) < 0 || jsonx_set_str(doc, "tag", ref.tag) < 0) {
		rc = err_set(ERR_NOMEM, "out of memory");
		goto cleanup;
	}
	rc = inventory_asset(inv, "image", ref.text, ref.text, doc, NULL);
cleanup:
	json_decref(doc);
	strbuf_release(&path);
	image_ref_release(&ref);
	return rc;
}

static int images_collect(struct inventory *inv)
{
	json_t *refs = json_object_get(inv->src->doc, "refs"), *r;
	size_t i;
	int rc = 0;

	json_array_foreach(refs, i, r) {
		if ((rc = collect_ref(inv, json_string_value(r))) < 0)
			return rc;
	}
	return 0;
}

const struct connector connector_images = {
	{ "images", 0, images_keys, "container images from local files: oci-dir:, oci-archive:, docker-archive:, dir:" },
	images_collect,
};
