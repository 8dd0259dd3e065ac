/* Images from a registry: manifest (through an index when there is one) and config over HTTP. */
#include <stdlib.h>
#include <string.h>

#include "core/err.h"
#include "core/jsonx.h"
#include "core/util.h"
#include "image.h"
#include "image_int.h"
#include "registry.h"
#include "registry_manifest.h"

/* The manifest for the platform: an index is followed once (an index inside an index is refused). */
static int resolve_manifest(struct image *img, struct registry *reg, struct regman *man)
{
	const char *repo = img->ref.repo;
	struct registry_doc doc;
	size_t which;
	int rc, depth;
	const char *reference = img->ref.digest ? img->ref.digest : img->ref.tag;

	for (depth = 0;; depth++) {
		if ((rc = registry_manifest(reg, repo, reference, &doc)) < 0)
			return rc;
		rc = regman_parse(man, doc.media_type, doc.raw.buf, doc.raw.len, img->ref.text);
		if (rc < 0) {
			registry_doc_release(&doc);
			return rc;
		}
		if (man->kind == REGMAN_IMAGE)
			break;
		if (depth > 0) {
			registry_doc_release(&doc);
			regman_release(man);
			return err_set(ERR_UNSUPPORTED, "%s: an index inside an index", img->ref.text);
		}
		if ((rc = regman_select(man, img->platform, img->ref.text, &which)) < 0) {
			registry_doc_release(&doc);
			regman_release(man);
			return rc;
		}
		free(img->index_digest);
		img->index_digest = util_strdup(doc.digest);
		registry_doc_release(&doc);
		/* The entry's digest is kept in the image, where reference can point until the next fetch. */
		free(img->manifest_digest);
		img->manifest_digest = util_strdup(man->manifests[which].digest);
		regman_release(man);
		if (!img->index_digest || !img->manifest_digest)
			return ERR_NOMEM;
		reference = img->manifest_digest;
	}
	free(img->manifest_digest);
	img->manifest_digest = util_strdup(doc.digest);
	strbuf_release(&img->manifest_raw);
	img->manifest_raw = doc.raw;
	strbuf_init(&doc.raw, 0);
	registry_doc_release(&doc);
	img->manifest = json_incref(man->doc);
	return img->manifest_digest ? 0 : ERR_NOMEM;
}

static int list_layers(struct image *img, const struct regman *man)
{
	json_t *diff_ids = jsonx_dig(img->config, "rootfs.diff_ids");
	struct strbuf what = STRBUF_INIT;
	size_t i;

	if (json_array_size(diff_ids) != man->nlayers)
		return err_set(ERR_PARSE, "%s: the config lists %zu diff ids for %zu layers", img->ref.text,
			       json_array_size(diff_ids), man->nlayers);
	if (man->nlayers > IMAGE_MAX_LAYERS)
		return err_set(ERR_LIMIT, "%s: more than %d layers", img->ref.text, IMAGE_MAX_LAYERS);
	img->layers = calloc(man->nlayers + 1, sizeof(*img->layers));
	if (!img->layers)
		return err_set(ERR_NOMEM, "out of memory");
	for (i = 0; i < man->nlayers; i++) {
		const char *diff = json_string_value(json_array_get(diff_ids, i));
		struct image_layer *l = &img->layers[i];

		if (!image_digest_valid(diff))
			return err_set(ERR_PARSE, "%s: layer %zu has an invalid diff id", img->ref.text, i + 1);
		img->nlayers++;
		strbuf_reset(&what);
		strbuf_addf(&what, "registry:%s/%s@%s", img->ref.host, img->ref.repo, man->layers[i].digest);
		l->digest = util_strdup(man->layers[i].digest);
		l->diff_id = util_strdup(diff);
		l->media_type = man->layers[i].media_type ? util_strdup(man->layers[i].media_type) : NULL;
		l->blob = strbuf_detach(&what, NULL);
		l->size = man->layers[i].size;
		l->foreign = man->layers[i].foreign;
		if (!l->digest || !l->diff_id || !l->blob)
			return err_set(ERR_NOMEM, "out of memory");
	}
	return 0;
}

int image_open_registry(struct image **out, const struct image_ref *ref, const char *platform, struct registry *reg)
{
	struct image *img = calloc(1, sizeof(*img));
	struct regman man;
	int rc;

	memset(&man, 0, sizeof(man));
	if (!img)
		return err_set(ERR_NOMEM, "out of memory");
	strbuf_init(&img->manifest_raw, IMAGE_DOC_MAX);
	strbuf_init(&img->config_raw, IMAGE_DOC_MAX);
	if ((rc = image_ref_parse(&img->ref, ref->text)) < 0)
		goto fail;
	if (img->ref.transport != IMG_REGISTRY) {
		rc = err_set(ERR_INVALID, "%s: not a registry reference", ref->text);
		goto fail;
	}
	img->registry = reg;
	img->platform = util_strdup(platform ? platform : "linux/amd64");
	if (!img->platform) {
		rc = ERR_NOMEM;
		goto fail;
	}
	if ((rc = resolve_manifest(img, reg, &man)) < 0)
		goto fail;
	if ((rc = registry_blob(reg, img->ref.repo, man.config.digest, IMAGE_DOC_MAX, &img->config_raw)) < 0) {
		err_prefix(rc, "%s: the config", img->ref.text);
		goto fail;
	}
	if ((rc = jsonx_parse(img->config_raw.buf, img->config_raw.len, "config", &img->config)) < 0 ||
	    !json_is_object(img->config)) {
		rc = err_set(ERR_PARSE, "%s: the image config is not a JSON object", img->ref.text);
		goto fail;
	}
	img->config_digest = util_strdup(man.config.digest);
	if (!img->config_digest) {
		rc = ERR_NOMEM;
		goto fail;
	}
	if ((rc = list_layers(img, &man)) < 0)
		goto fail;
	regman_release(&man);
	*out = img;
	return 0;
fail:
	regman_release(&man);
	image_free(img);
	return rc;
}
