/* realpath() is XSI. */
#define _XOPEN_SOURCE 700
#include "image.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <archive.h>
#include <archive_entry.h>

#include "core/crypto.h"
#include "core/err.h"
#include "core/jsonx.h"
#include "core/util.h"
#include "image_int.h"
#include "registry_access.h"

#define IMAGE_DOCS_TOTAL_MAX (64 * 1024 * 1024)

/* Small entries of an archive kept from the first pass, by name. */
struct archive_doc {
	char *name;
	struct strbuf data;
};

struct archive_index {
	struct archive_doc *docs;
	size_t n, cap;
	size_t total;
};

int image_digest_valid(const char *d)
{
	size_t i;

	if (!d || strncmp(d, "sha256:", 7) || strlen(d) != 71)
		return 0;
	for (i = 7; i < 71; i++)
		if (!((d[i] >= '0' && d[i] <= '9') || (d[i] >= 'a' && d[i] <= 'f')))
			return 0;
	return 1;
}

static void archive_index_free(struct archive_index *ai)
{
	size_t i;

	if (!ai)
		return;
	for (i = 0; i < ai->n; i++) {
		free(ai->docs[i].name);
		strbuf_release(&ai->docs[i].data);
	}
	free(ai->docs);
	free(ai);
}

void image_free(struct image *img)
{
	size_t i;

	if (!img)
		return;
	image_ref_release(&img->ref);
	free(img->path);
	free(img->platform);
	strbuf_release(&img->manifest_raw);
	strbuf_release(&img->config_raw);
	free(img->manifest_digest);
	free(img->config_digest);
	json_decref(img->manifest);
	json_decref(img->config);
	for (i = 0; i < img->nlayers; i++) {
		free(img->layers[i].digest);
		free(img->layers[i].diff_id);
		free(img->layers[i].media_type);
		free(img->layers[i].blob);
	}
	free(img->layers);
	archive_index_free(img->archive);
	free(img->index_digest);
	free(img);
}

/* Archive member names: "./blobs/x" and "blobs/x" are the same member. */
const char *image_member_name(const char *n)
{
	while (n[0] == '.' && n[1] == '/')
		n += 2;
	while (n[0] == '/')
		n++;
	return n;
}

struct archive *image_archive_open(const char *path)
{
	struct archive *a = archive_read_new();

	if (!a)
		return NULL;
	archive_read_support_filter_all(a);
	archive_read_support_format_tar(a);
	archive_read_support_format_gnutar(a);
	if (archive_read_open_filename(a, path, 65536) != ARCHIVE_OK) {
		err_set(ERR_PARSE, "%s: %s", path, archive_error_string(a) ? archive_error_string(a) : "not a tar archive");
		archive_read_free(a);
		return NULL;
	}
	return a;
}

static int is_doc_candidate(const char *name, int64_t size)
{
	if (size < 0 || size > IMAGE_DOC_MAX)
		return 0;
	return !strcmp(name, "index.json") || !strcmp(name, "manifest.json") || !strcmp(name, "oci-layout") ||
	       util_has_prefix(name, "blobs/") || (util_has_suffix(name, ".json") && !strchr(name, '/'));
}

/* First pass over an archive: keep the small documents, skip the rest. */
static int archive_scan(const char *path, struct archive_index **out)
{
	struct archive_index *ai = calloc(1, sizeof(*ai));
	struct archive_entry *e;
	struct archive *a;
	char chunk[65536];
	la_ssize_t n;
	int r, rc = 0;

	if (!ai)
		return err_set(ERR_NOMEM, "out of memory");
	a = image_archive_open(path);
	if (!a) {
		free(ai);
		return ERR_PARSE;
	}
	while ((r = archive_read_next_header(a, &e)) == ARCHIVE_OK) {
		const char *name = image_member_name(archive_entry_pathname(e) ? archive_entry_pathname(e) : "");
		int64_t size = archive_entry_size(e);
		struct archive_doc *d;

		if (archive_entry_filetype(e) != AE_IFREG || !is_doc_candidate(name, size))
			continue;
		if (ai->total + (size_t)size > IMAGE_DOCS_TOTAL_MAX) {
			rc = err_set(ERR_LIMIT, "%s: the archive's small documents exceed %d MB", path,
				     IMAGE_DOCS_TOTAL_MAX >> 20);
			goto cleanup;
		}
		if (ai->n == ai->cap) {
			size_t ncap = ai->cap ? ai->cap * 2 : 16;
			struct archive_doc *nd = realloc(ai->docs, ncap * sizeof(*nd));

			if (!nd) {
				rc = err_set(ERR_NOMEM, "out of memory");
				goto cleanup;
			}
			ai->docs = nd;
			ai->cap = ncap;
		}
		d = &ai->docs[ai->n];
		d->name = strdup(name);
		strbuf_init(&d->data, IMAGE_DOC_MAX);
		if (!d->name) {
			rc = err_set(ERR_NOMEM, "out of memory");
			goto cleanup;
		}
		ai->n++;
		while ((n = archive_read_data(a, chunk, sizeof(chunk))) > 0)
			if ((rc = strbuf_add(&d->data, chunk, (size_t)n)) < 0)
				goto cleanup;
		if (n < 0) {
			rc = err_set(ERR_PARSE, "%s: %s: %s", path, name, archive_error_string(a));
			goto cleanup;
		}
		ai->total += d->data.len;
	}
	if (r != ARCHIVE_EOF)
		rc = err_set(ERR_PARSE, "%s: %s", path, archive_error_string(a) ? archive_error_string(a) : "corrupt archive");
cleanup:
	archive_read_free(a);
	if (rc < 0)
		archive_index_free(ai);
	else
		*out = ai;
	return rc;
}

static const struct strbuf *archive_doc(const struct archive_index *ai, const char *name)
{
	size_t i;

	for (i = 0; i < ai->n; i++)
		if (!strcmp(ai->docs[i].name, name))
			return &ai->docs[i].data;
	return NULL;
}

/* Read a blob of an OCI layout (folder or archive) into out, checking its digest. */
static int read_blob(struct image *img, const char *digest, struct strbuf *out)
{
	struct strbuf path = STRBUF_INIT, got = STRBUF_INIT;
	const struct strbuf *doc;
	int rc;

	if (!image_digest_valid(digest))
		return err_set(ERR_PARSE, "%s: '%s' is not a sha256 digest", img->ref.text, digest);
	strbuf_init(out, IMAGE_DOC_MAX);
	if (img->archive) {
		strbuf_addf(&path, "blobs/sha256/%s", digest + 7);
		doc = archive_doc(img->archive, path.buf);
		if (!doc) {
			rc = err_set(ERR_NOTFOUND, "%s: blob %s is missing or larger than %d MB", img->ref.text, digest,
				     IMAGE_DOC_MAX >> 20);
			goto cleanup;
		}
		rc = strbuf_add(out, doc->buf, doc->len);
	} else {
		strbuf_addf(&path, "%s/blobs/sha256/%s", img->path, digest + 7);
		rc = strbuf_read_file(out, path.buf);
		if (rc == ERR_LIMIT)
			rc = err_set(ERR_LIMIT, "%s: blob %s is larger than %d MB", img->ref.text, digest, IMAGE_DOC_MAX >> 20);
	}
	if (rc < 0)
		goto cleanup;
	if ((rc = strbuf_addstr(&got, "sha256:")) < 0 || (rc = sha256_hex(&got, out->buf, out->len)) < 0)
		goto cleanup;
	if (strcmp(got.buf, digest))
		rc = err_set(ERR_INTEGRITY, "%s: blob %s has digest %s", img->ref.text, digest, got.buf);
cleanup:
	strbuf_release(&path);
	strbuf_release(&got);
	return rc;
}

static int media_is_index(const char *mt)
{
	return mt && (!strcmp(mt, "application/vnd.oci.image.index.v1+json") ||
		      !strcmp(mt, "application/vnd.docker.distribution.manifest.list.v2+json"));
}

static int platform_matches(const json_t *pf, const char *want)
{
	struct strbuf have = STRBUF_INIT;
	const char *variant = jsonx_str(pf, "variant");
	int ok;

	strbuf_addf(&have, "%s/%s", jsonx_strz(pf, "os"), jsonx_strz(pf, "architecture"));
	/* "linux/arm64" matches an index entry of linux/arm64/v8, and the reverse. */
	ok = !strcmp(have.buf, want);
	if (!ok && variant) {
		strbuf_addf(&have, "/%s", variant);
		ok = !strcmp(have.buf, want);
	}
	if (!ok && !variant && util_has_prefix(want, have.buf) && !strcmp(want + have.len, "/v8"))
		ok = 1;
	strbuf_release(&have);
	return ok;
}

/* Pick the manifest descriptor for the platform out of an image index. */
static int select_platform(struct image *img, const json_t *index, json_t **desc_out)
{
	struct strbuf seen = STRBUF_INIT;
	json_t *m, *pf;
	size_t i;

	json_array_foreach(json_object_get(index, "manifests"), i, m) {
		pf = json_object_get(m, "platform");
		if (!pf)
			continue;
		strbuf_addf(&seen, "%s%s/%s%s%s", seen.len ? ", " : "", jsonx_strz(pf, "os"), jsonx_strz(pf, "architecture"),
			    jsonx_str(pf, "variant") ? "/" : "", jsonx_strz(pf, "variant"));
		if (platform_matches(pf, img->platform)) {
			*desc_out = m;
			strbuf_release(&seen);
			return 0;
		}
	}
	err_set(ERR_NOTFOUND, "%s: no image for platform %s in the index (it has: %s)", img->ref.text, img->platform,
		seen.len ? seen.buf : "none");
	strbuf_release(&seen);
	return ERR_NOTFOUND;
}

static int set_manifest(struct image *img, struct strbuf *raw)
{
	int rc;

	strbuf_release(&img->manifest_raw);
	img->manifest_raw = *raw;
	strbuf_init(raw, 0);
	json_decref(img->manifest);
	img->manifest = NULL;
	return jsonx_parse(img->manifest_raw.buf, img->manifest_raw.len, "manifest", &img->manifest) < 0
		       ? (rc = err_set(ERR_PARSE, "%s: the manifest is not JSON: %s", img->ref.text, err_last()))
		       : 0;
}

/* From a descriptor: follow indexes down to one manifest, then read it. */
static int resolve_descriptor(struct image *img, const json_t *desc, int depth)
{
	struct strbuf raw = STRBUF_INIT;
	json_t *doc = NULL, *chosen = NULL;
	const char *digest = jsonx_str(desc, "digest"), *mt = jsonx_str(desc, "mediaType");
	int rc;

	if (depth > 4)
		return err_set(ERR_PARSE, "%s: image indexes nest too deeply", img->ref.text);
	if ((rc = read_blob(img, digest, &raw)) < 0)
		goto cleanup;
	if ((rc = jsonx_parse(raw.buf, raw.len, digest, &doc)) < 0)
		goto cleanup;
	if (media_is_index(mt) || media_is_index(jsonx_str(doc, "mediaType")) ||
	    (!jsonx_str(doc, "config") && json_is_array(json_object_get(doc, "manifests")))) {
		if ((rc = select_platform(img, doc, &chosen)) == 0)
			rc = resolve_descriptor(img, chosen, depth + 1);
		goto cleanup;
	}
	rc = set_manifest(img, &raw);
	if (rc == 0) {
		img->manifest_digest = util_strdup(digest);
		rc = img->manifest_digest ? 0 : ERR_NOMEM;
	}
cleanup:
	json_decref(doc);
	strbuf_release(&raw);
	return rc;
}

/* The OCI layout's index.json: choose by tag (ref.name annotation), else the only image. */
static int open_oci_index(struct image *img, const struct strbuf *index_raw)
{
	json_t *index = NULL, *m, *chosen = NULL;
	struct strbuf tags = STRBUF_INIT;
	size_t i, count = 0;
	int rc;

	if ((rc = jsonx_parse(index_raw->buf, index_raw->len, "index.json", &index)) < 0) {
		rc = err_set(ERR_PARSE, "%s: index.json: %s", img->ref.text, err_last());
		goto cleanup;
	}
	json_array_foreach(json_object_get(index, "manifests"), i, m) {
		const char *name = jsonx_str(json_object_get(m, "annotations"), "org.opencontainers.image.ref.name");

		if (name)
			strbuf_addf(&tags, "%s%s", tags.len ? ", " : "", name);
		if (img->ref.tag) {
			if (name && !strcmp(name, img->ref.tag))
				chosen = m;
		} else {
			chosen = m;
		}
		count++;
	}
	if (!count) {
		rc = err_set(ERR_PARSE, "%s: index.json lists no images", img->ref.text);
		goto cleanup;
	}
	if (!chosen) {
		rc = err_set(ERR_NOTFOUND, "%s: no image tagged '%s' (tags: %s)", img->ref.text, img->ref.tag,
			     tags.len ? tags.buf : "none");
		goto cleanup;
	}
	if (!img->ref.tag && count > 1) {
		/* Several entries of one multi-platform image are fine; several images are not. */
		if (!json_object_get(chosen, "platform")) {
			rc = err_set(ERR_INVALID, "%s: the layout holds %zu images; name one with :TAG (tags: %s)",
				     img->ref.text, count, tags.len ? tags.buf : "none");
			goto cleanup;
		}
		if ((rc = select_platform(img, index, &chosen)) < 0)
			goto cleanup;
	}
	rc = resolve_descriptor(img, chosen, 0);
cleanup:
	json_decref(index);
	strbuf_release(&tags);
	return rc;
}

static int add_layer(struct image *img, const char *digest, const char *diff_id, const char *media_type,
		     const char *blob, int64_t size)
{
	struct image_layer *l;

	if (img->nlayers >= IMAGE_MAX_LAYERS)
		return err_set(ERR_LIMIT, "%s: more than %d layers", img->ref.text, IMAGE_MAX_LAYERS);
	l = realloc(img->layers, (img->nlayers + 1) * sizeof(*l));
	if (!l)
		return err_set(ERR_NOMEM, "out of memory");
	img->layers = l;
	l = &img->layers[img->nlayers];
	memset(l, 0, sizeof(*l));
	img->nlayers++;
	l->digest = util_strdup(digest);
	l->diff_id = util_strdup(diff_id);
	l->media_type = util_strdup(media_type);
	l->blob = util_strdup(blob);
	l->size = size;
	l->foreign = media_type && strstr(media_type, "foreign") != NULL;
	return 0;
}

/* Read the config named by the manifest and list the layers. */
static int load_config_and_layers(struct image *img)
{
	const json_t *cfgd = json_object_get(img->manifest, "config");
	json_t *layers = json_object_get(img->manifest, "layers"), *l, *diff_ids;
	struct strbuf blob = STRBUF_INIT;
	size_t i;
	int rc;

	if (!json_is_object(cfgd) || !json_is_array(layers))
		return err_set(ERR_PARSE, "%s: the manifest has no config or layers", img->ref.text);
	if ((rc = read_blob(img, jsonx_str(cfgd, "digest"), &img->config_raw)) < 0)
		return rc;
	if ((rc = jsonx_parse(img->config_raw.buf, img->config_raw.len, "config", &img->config)) < 0)
		return err_set(ERR_PARSE, "%s: the image config is not JSON: %s", img->ref.text, err_last());
	img->config_digest = util_strdup(jsonx_str(cfgd, "digest"));
	diff_ids = jsonx_dig(img->config, "rootfs.diff_ids");
	if (json_array_size(diff_ids) != json_array_size(layers))
		return err_set(ERR_PARSE, "%s: the config lists %zu diff ids for %zu layers", img->ref.text,
			       json_array_size(diff_ids), json_array_size(layers));
	json_array_foreach(layers, i, l) {
		const char *digest = jsonx_str(l, "digest");
		const char *diff = json_string_value(json_array_get(diff_ids, i));

		if (!image_digest_valid(digest) || !image_digest_valid(diff))
			return err_set(ERR_PARSE, "%s: layer %zu has an invalid digest", img->ref.text, i + 1);
		strbuf_reset(&blob);
		if (img->archive)
			strbuf_addf(&blob, "blobs/sha256/%s", digest + 7);
		else
			strbuf_addf(&blob, "%s/blobs/sha256/%s", img->path, digest + 7);
		if ((rc = add_layer(img, digest, diff, jsonx_str(l, "mediaType"), blob.buf, jsonx_int(l, "size", -1))) < 0)
			break;
	}
	strbuf_release(&blob);
	return rc;
}

/* docker save: manifest.json names the config and the layer files by path. */
static int open_docker_archive(struct image *img)
{
	const struct strbuf *mf = archive_doc(img->archive, "manifest.json"), *cfg;
	json_t *list = NULL, *entry = NULL, *e, *layers, *diff_ids, *l;
	struct strbuf want = STRBUF_INIT, tags = STRBUF_INIT, digest = STRBUF_INIT;
	size_t i, j;
	int rc = 0;

	if (!mf)
		return err_set(ERR_PARSE, "%s: no manifest.json: not a docker-save archive", img->ref.text);
	if ((rc = jsonx_parse(mf->buf, mf->len, "manifest.json", &list)) < 0 || !json_is_array(list)) {
		rc = err_set(ERR_PARSE, "%s: manifest.json is not a list", img->ref.text);
		goto cleanup;
	}
	json_array_foreach(list, i, e) {
		json_t *t;

		json_array_foreach(json_object_get(e, "RepoTags"), j, t) {
			strbuf_addf(&tags, "%s%s", tags.len ? ", " : "", json_string_value(t));
			if (img->ref.tag && json_string_value(t) &&
			    (!strcmp(json_string_value(t), img->ref.tag) ||
			     (util_has_suffix(json_string_value(t), img->ref.tag) &&
			      json_string_value(t)[strlen(json_string_value(t)) - strlen(img->ref.tag) - 1] == '/')))
				entry = e;
		}
	}
	if (!img->ref.tag) {
		if (json_array_size(list) != 1) {
			rc = err_set(ERR_INVALID, "%s: the archive holds %zu images; name one (tags: %s)", img->ref.text,
				     json_array_size(list), tags.buf);
			goto cleanup;
		}
		entry = json_array_get(list, 0);
	}
	if (!entry) {
		rc = err_set(ERR_NOTFOUND, "%s: no image tagged '%s' (tags: %s)", img->ref.text, img->ref.tag, tags.buf);
		goto cleanup;
	}
	strbuf_addstr(&want, image_member_name(jsonx_strz(entry, "Config")));
	cfg = archive_doc(img->archive, want.buf);
	if (!cfg) {
		rc = err_set(ERR_PARSE, "%s: the config %s is missing", img->ref.text, want.buf);
		goto cleanup;
	}
	if ((rc = strbuf_add(&img->config_raw, cfg->buf, cfg->len)) < 0)
		goto cleanup;
	if ((rc = jsonx_parse(cfg->buf, cfg->len, "config", &img->config)) < 0) {
		rc = err_set(ERR_PARSE, "%s: the image config is not JSON", img->ref.text);
		goto cleanup;
	}
	strbuf_addstr(&digest, "sha256:");
	sha256_hex(&digest, cfg->buf, cfg->len);
	img->config_digest = strbuf_detach(&digest, NULL);
	/* docker save has no registry manifest; its manifest.json entry stands in for it. */
	{
		char *text = json_dumps(entry, JSON_COMPACT | JSON_SORT_KEYS);

		if (!text) {
			rc = err_set(ERR_NOMEM, "out of memory");
			goto cleanup;
		}
		strbuf_addstr(&img->manifest_raw, text);
		free(text);
		img->manifest = json_incref(entry);
		strbuf_addstr(&digest, "sha256:");
		sha256_hex(&digest, img->manifest_raw.buf, img->manifest_raw.len);
		img->manifest_digest = strbuf_detach(&digest, NULL);
	}
	layers = json_object_get(entry, "Layers");
	diff_ids = jsonx_dig(img->config, "rootfs.diff_ids");
	if (json_array_size(diff_ids) != json_array_size(layers)) {
		rc = err_set(ERR_PARSE, "%s: the config lists %zu diff ids for %zu layers", img->ref.text,
			     json_array_size(diff_ids), json_array_size(layers));
		goto cleanup;
	}
	json_array_foreach(layers, i, l) {
		const char *diff = json_string_value(json_array_get(diff_ids, i));
		const char *blob = image_member_name(json_string_value(l) ? json_string_value(l) : "");
		char *digest_of_blob = NULL;

		if (!image_digest_valid(diff) || !blob[0]) {
			rc = err_set(ERR_PARSE, "%s: layer %zu has an invalid digest or path", img->ref.text, i + 1);
			goto cleanup;
		}
		/* Newer docker writes blobs/sha256/HEX: then the path is the digest. */
		if (util_has_prefix(blob, "blobs/sha256/") && strlen(blob) == 13 + 64) {
			strbuf_reset(&digest);
			strbuf_addf(&digest, "sha256:%s", blob + 13);
			if (image_digest_valid(digest.buf))
				digest_of_blob = digest.buf;
		}
		if ((rc = add_layer(img, digest_of_blob, diff, NULL, blob, -1)) < 0)
			goto cleanup;
	}
cleanup:
	json_decref(list);
	strbuf_release(&want);
	strbuf_release(&tags);
	strbuf_release(&digest);
	return rc;
}

int image_open(struct image **out, const struct image_ref *ref, const char *path, const char *platform)
{
	struct image *img = calloc(1, sizeof(*img));
	struct strbuf index = STRBUF_INIT;
	const struct strbuf *doc;
	char real[4096];
	int rc;

	if (!img)
		return err_set(ERR_NOMEM, "out of memory");
	if (ref->transport == IMG_REGISTRY) {
		struct registry *reg;

		free(img);
		if ((rc = registry_access_get(&reg, ref->host)) < 0)
			return err_prefix(rc, "%s", ref->text);
		return image_open_registry(out, ref, platform, reg);
	}
	strbuf_init(&img->manifest_raw, IMAGE_DOC_MAX);
	strbuf_init(&img->config_raw, IMAGE_DOC_MAX);
	if ((rc = image_ref_parse(&img->ref, ref->text)) < 0)
		goto fail;
	if (!realpath(path, real)) {
		rc = err_set(ERR_NOTFOUND, "%s: %s: %s", ref->text, path, strerror(errno));
		goto fail;
	}
	img->path = util_strdup(real);
	img->platform = util_strdup(platform ? platform : "linux/amd64");
	switch (ref->transport) {
	case IMG_DIR:
		if (!util_is_dir(real)) {
			rc = err_set(ERR_INVALID, "%s: not a folder", ref->text);
			goto fail;
		}
		break;
	case IMG_OCI_DIR:
		strbuf_init(&index, IMAGE_DOC_MAX);
		strbuf_addf(&img->manifest_raw, "%s/index.json", real); /* borrowed as a path buffer */
		rc = strbuf_read_file(&index, img->manifest_raw.buf);
		strbuf_reset(&img->manifest_raw);
		if (rc < 0) {
			rc = err_set(rc == ERR_NOTFOUND ? ERR_INVALID : rc, "%s: no readable index.json: not an OCI image layout",
				     ref->text);
			goto fail;
		}
		if ((rc = open_oci_index(img, &index)) < 0 || (rc = load_config_and_layers(img)) < 0)
			goto fail;
		break;
	case IMG_OCI_ARCHIVE:
		if ((rc = archive_scan(real, &img->archive)) < 0)
			goto fail;
		doc = archive_doc(img->archive, "index.json");
		if (!doc) {
			rc = err_set(ERR_INVALID, "%s: no index.json: not an OCI archive", ref->text);
			goto fail;
		}
		if ((rc = open_oci_index(img, doc)) < 0 || (rc = load_config_and_layers(img)) < 0)
			goto fail;
		break;
	case IMG_DOCKER_ARCHIVE:
		if ((rc = archive_scan(real, &img->archive)) < 0 || (rc = open_docker_archive(img)) < 0)
			goto fail;
		break;
	case IMG_REGISTRY:
		break; /* handled above */
	}
	strbuf_release(&index);
	*out = img;
	return 0;
fail:
	strbuf_release(&index);
	image_free(img);
	return rc;
}

