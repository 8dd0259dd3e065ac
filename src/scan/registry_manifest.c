#include "registry_manifest.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/err.h"
#include "core/jsonx.h"
#include "core/strbuf.h"
#include "core/util.h"
#include "image.h"

/* Media types as a server writes them: "application/x; charset=utf-8" is "application/x". */
static char *media_type_base(const char *ct)
{
	size_t n;

	if (!ct)
		return NULL;
	while (*ct == ' ')
		ct++;
	n = strcspn(ct, ";");
	while (n && (ct[n - 1] == ' ' || ct[n - 1] == '\t'))
		n--;
	return n ? strndup(ct, n) : NULL;
}

static int is_generic(const char *mt)
{
	return !mt || !strcasecmp(mt, "application/json") || !strcasecmp(mt, "text/plain") ||
	       !strcasecmp(mt, "application/octet-stream") || !strcasecmp(mt, "binary/octet-stream");
}

static int known_image_type(const char *mt)
{
	return !strcmp(mt, MT_OCI_MANIFEST) || !strcmp(mt, MT_OCI_INDEX) || !strcmp(mt, MT_DOCKER_MANIFEST) ||
	       !strcmp(mt, MT_DOCKER_LIST);
}

int regman_layer_type_known(const char *mt)
{
	static const char *const known[] = {
		"application/vnd.oci.image.layer.v1.tar",
		"application/vnd.oci.image.layer.v1.tar+gzip",
		"application/vnd.oci.image.layer.v1.tar+zstd",
		"application/vnd.docker.image.rootfs.diff.tar",
		"application/vnd.docker.image.rootfs.diff.tar.gzip",
		"application/vnd.docker.image.rootfs.diff.tar.zstd",
	};
	size_t i;

	for (i = 0; mt && i < ARRAY_SIZE(known); i++)
		if (!strcmp(mt, known[i]))
			return 1;
	return 0;
}

static int layer_type_foreign(const char *mt)
{
	return mt && (strstr(mt, "foreign") || strstr(mt, "nondistributable"));
}

static int config_type_ok(const char *mt)
{
	return !strcmp(mt, "application/vnd.oci.image.config.v1+json") ||
	       !strcmp(mt, "application/vnd.docker.container.image.v1+json");
}

void regman_release(struct regman *m)
{
	size_t i;

	if (!m)
		return;
	free(m->media_type);
	free(m->config.media_type);
	free(m->config.digest);
	free(m->config.platform);
	for (i = 0; i < m->nlayers; i++) {
		free(m->layers[i].media_type);
		free(m->layers[i].digest);
		free(m->layers[i].platform);
	}
	free(m->layers);
	for (i = 0; i < m->nmanifests; i++) {
		free(m->manifests[i].media_type);
		free(m->manifests[i].digest);
		free(m->manifests[i].platform);
	}
	free(m->manifests);
	json_decref(m->doc);
	memset(m, 0, sizeof(*m));
}

/* A platform string from an index entry, only from safe characters. */
static int platform_text(const json_t *pf, char **out)
{
	const char *os = jsonx_str(pf, "os"), *arch = jsonx_str(pf, "architecture"), *var = jsonx_str(pf, "variant");
	struct strbuf s = STRBUF_INIT;
	size_t i;

	*out = NULL;
	if (!os || !arch)
		return 0;
	strbuf_init(&s, 256);
	if (strbuf_addf(&s, "%s/%s%s%s", os, arch, var ? "/" : "", var ? var : "") < 0) {
		strbuf_release(&s);
		return err_set(ERR_LIMIT, "a platform name is too long");
	}
	for (i = 0; i < s.len; i++) {
		char c = s.buf[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '/' || c == '.' ||
		      c == '_' || c == '-')) {
			strbuf_release(&s);
			return err_set(ERR_PARSE, "a platform name has the character 0x%02x", (unsigned char)c);
		}
	}
	*out = strbuf_detach(&s, NULL);
	return 0;
}

static int read_desc(struct regman_desc *d, const json_t *j, const char *what, const char *role, size_t index)
{
	const char *mt = jsonx_str(j, "mediaType"), *digest = jsonx_str(j, "digest");
	json_t *size = json_object_get(j, "size");
	int rc;

	memset(d, 0, sizeof(*d));
	if (!json_is_object(j))
		return err_set(ERR_PARSE, "%s: %s %zu is not an object", what, role, index + 1);
	if (!image_digest_valid(digest))
		return err_set(ERR_PARSE, "%s: %s %zu has no sha256 digest", what, role, index + 1);
	if (!json_is_integer(size) || json_integer_value(size) < 0)
		return err_set(ERR_PARSE, "%s: %s %zu has no valid size", what, role, index + 1);
	if (mt && strlen(mt) > 255)
		return err_set(ERR_PARSE, "%s: %s %zu has a media type longer than 255 bytes", what, role, index + 1);
	d->digest = util_strdup(digest);
	d->media_type = mt ? util_strdup(mt) : NULL;
	d->size = (int64_t)json_integer_value(size);
	if (!d->digest || (mt && !d->media_type))
		return ERR_NOMEM;
	if ((rc = platform_text(json_object_get(j, "platform"), &d->platform)) < 0)
		return err_prefix(rc, "%s: %s %zu", what, role, index + 1);
	return 0;
}

static int read_image(struct regman *m, const char *what)
{
	json_t *layers = json_object_get(m->doc, "layers"), *l;
	size_t i;
	int rc;

	if (!json_is_object(json_object_get(m->doc, "config")) || !json_is_array(layers))
		return err_set(ERR_PARSE, "%s: the manifest has no config or no layers", what);
	if ((rc = read_desc(&m->config, json_object_get(m->doc, "config"), what, "config", 0)) < 0)
		return rc;
	if (m->config.media_type && !config_type_ok(m->config.media_type))
		return err_set(ERR_UNSUPPORTED, "%s: not a container image (its config is %.100s)", what,
			       m->config.media_type);
	if (json_array_size(layers) > REGMAN_MAX_ENTRIES)
		return err_set(ERR_LIMIT, "%s: more than %d layers", what, REGMAN_MAX_ENTRIES);
	m->layers = calloc(json_array_size(layers) + 1, sizeof(*m->layers));
	if (!m->layers)
		return err_set(ERR_NOMEM, "out of memory");
	json_array_foreach(layers, i, l) {
		struct regman_desc *d = &m->layers[m->nlayers];

		rc = read_desc(d, l, what, "layer", i);
		m->nlayers++;
		if (rc < 0)
			return rc;
		d->foreign = layer_type_foreign(d->media_type);
		if (d->media_type && !d->foreign && !regman_layer_type_known(d->media_type))
			return err_set(ERR_UNSUPPORTED, "%s: layer %zu has the media type %.100s, not a container layer",
				       what, i + 1, d->media_type);
	}
	return 0;
}

static int read_index(struct regman *m, const char *what)
{
	json_t *list = json_object_get(m->doc, "manifests"), *e;
	size_t i;
	int rc;

	if (!json_is_array(list))
		return err_set(ERR_PARSE, "%s: the index has no manifests", what);
	if (json_array_size(list) > REGMAN_MAX_ENTRIES)
		return err_set(ERR_LIMIT, "%s: an index of more than %d manifests", what, REGMAN_MAX_ENTRIES);
	m->manifests = calloc(json_array_size(list) + 1, sizeof(*m->manifests));
	if (!m->manifests)
		return err_set(ERR_NOMEM, "out of memory");
	json_array_foreach(list, i, e) {
		rc = read_desc(&m->manifests[m->nmanifests], e, what, "index entry", i);
		m->nmanifests++;
		if (rc < 0)
			return rc;
	}
	return 0;
}

int regman_parse(struct regman *out, const char *content_type, const void *data, size_t len, const char *what)
{
	char *ct = media_type_base(content_type);
	const char *body_mt, *mt;
	json_t *sv;
	int rc;

	memset(out, 0, sizeof(*out));
	if (len > REGMAN_MAX_BYTES) {
		rc = err_set(ERR_LIMIT, "%s: the manifest is %zu bytes, more than the %d MB allowed", what, len,
			     REGMAN_MAX_BYTES >> 20);
		goto fail;
	}
	/* A type that is plainly something else is refused before its bytes are parsed. */
	if (!is_generic(ct) && !known_image_type(ct)) {
		rc = err_set(ERR_UNSUPPORTED, "%s: the registry serves the media type %.100s, not a container image", what,
			     ct);
		goto fail;
	}
	if ((rc = jsonx_parse(data, len, what, &out->doc)) < 0)
		goto fail;
	if (!json_is_object(out->doc)) {
		rc = err_set(ERR_PARSE, "%s: the manifest is not a JSON object", what);
		goto fail;
	}
	body_mt = jsonx_str(out->doc, "mediaType");
	sv = json_object_get(out->doc, "schemaVersion");
	if (!json_is_integer(sv) || json_integer_value(sv) != 2) {
		rc = err_set(json_is_integer(sv) && json_integer_value(sv) == 1 ? ERR_UNSUPPORTED : ERR_PARSE,
			     "%s: schemaVersion %lld: only schema 2 manifests and OCI images are read", what,
			     json_is_integer(sv) ? (long long)json_integer_value(sv) : -1LL);
		goto fail;
	}
	if (body_mt && !known_image_type(body_mt)) {
		rc = err_set(ERR_UNSUPPORTED, "%s: the manifest's media type is %.100s, not a container image", what, body_mt);
		goto fail;
	}
	if (body_mt && !is_generic(ct) && strcmp(body_mt, ct)) {
		rc = err_set(ERR_PARSE, "%s: served as %s but the manifest says %s", what, ct, body_mt);
		goto fail;
	}
	mt = !is_generic(ct) ? ct : body_mt;
	if (!mt) {
		/* OCI lets the body leave mediaType out: its shape tells. */
		if (json_is_array(json_object_get(out->doc, "manifests")) && !json_object_get(out->doc, "config"))
			mt = MT_OCI_INDEX;
		else if (json_is_object(json_object_get(out->doc, "config")))
			mt = MT_OCI_MANIFEST;
		else {
			rc = err_set(ERR_PARSE, "%s: neither an image manifest nor an index", what);
			goto fail;
		}
	}
	out->media_type = util_strdup(mt);
	if (!out->media_type) {
		rc = ERR_NOMEM;
		goto fail;
	}
	out->kind = !strcmp(mt, MT_OCI_INDEX) || !strcmp(mt, MT_DOCKER_LIST) ? REGMAN_INDEX : REGMAN_IMAGE;
	rc = out->kind == REGMAN_INDEX ? read_index(out, what) : read_image(out, what);
	if (rc < 0)
		goto fail;
	free(ct);
	return 0;
fail:
	free(ct);
	regman_release(out);
	return rc;
}

static int platform_equal(const char *have, const char *want)
{
	size_t n = strlen(have);

	if (!strcmp(have, want))
		return 1;
	/* arm64 without a variant is arm64/v8. */
	if (util_has_prefix(want, have) && !strcmp(want + n, "/v8") && util_has_suffix(have, "/arm64"))
		return 1;
	n = strlen(want);
	return util_has_prefix(have, want) && !strcmp(have + n, "/v8") && util_has_suffix(want, "/arm64");
}

int regman_select(const struct regman *index, const char *platform, const char *what, size_t *which)
{
	struct strbuf seen = STRBUF_INIT;
	size_t i;

	for (i = 0; i < index->nmanifests; i++) {
		const char *pf = index->manifests[i].platform;

		if (!pf)
			continue;
		if (platform_equal(pf, platform)) {
			*which = i;
			strbuf_release(&seen);
			return 0;
		}
		if (seen.len < 400)
			strbuf_addf(&seen, "%s%s", seen.len ? ", " : "", pf);
	}
	err_set(ERR_NOTFOUND, "%s: no image for platform %s in the index (it has: %s)", what, platform,
		seen.len ? seen.buf : "none");
	strbuf_release(&seen);
	return ERR_NOTFOUND;
}
