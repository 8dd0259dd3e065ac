#include "imageref.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/err.h"
#include "core/strbuf.h"
#include "core/util.h"

static const struct {
	const char *prefix;
	enum image_transport t;
} transports[] = {
	{ "registry:", IMG_REGISTRY },
	{ "docker://", IMG_REGISTRY },
	{ "oci-dir:", IMG_OCI_DIR },
	{ "oci:", IMG_OCI_DIR },
	{ "oci-archive:", IMG_OCI_ARCHIVE },
	{ "docker-archive:", IMG_DOCKER_ARCHIVE },
	{ "dir:", IMG_DIR },
};

const char *image_transport_name(enum image_transport t)
{
	switch (t) {
	case IMG_REGISTRY: return "registry";
	case IMG_OCI_DIR: return "oci-dir";
	case IMG_OCI_ARCHIVE: return "oci-archive";
	case IMG_DOCKER_ARCHIVE: return "docker-archive";
	case IMG_DIR: return "dir";
	}
	return "?";
}

void image_ref_release(struct image_ref *ref)
{
	free(ref->text);
	free(ref->path);
	free(ref->tag);
	free(ref->host);
	free(ref->repo);
	free(ref->digest);
	memset(ref, 0, sizeof(*ref));
}

static int valid_hex(const char *s, size_t n)
{
	size_t i;

	if (strlen(s) != n)
		return 0;
	for (i = 0; i < n; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return 0;
	return 1;
}

static int valid_repo(const char *s)
{
	size_t i;

	if (!s[0] || s[0] == '/' || s[strlen(s) - 1] == '/')
		return 0;
	for (i = 0; s[i]; i++) {
		char c = s[i];

		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-' || c == '/'))
			return 0;
	}
	return !strstr(s, "//");
}

static int valid_tag(const char *s)
{
	size_t i, n = strlen(s);

	if (!n || n > 128 || s[0] == '.' || s[0] == '-')
		return 0;
	for (i = 0; i < n; i++) {
		char c = s[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_' ||
		      c == '-'))
			return 0;
	}
	return 1;
}

static int parse_registry(struct image_ref *ref, const char *rest, const char *text)
{
	const char *slash = strchr(rest, '/'), *name, *at, *colon;
	struct strbuf host = STRBUF_INIT, repo = STRBUF_INIT;
	int rc = 0;

	/* The first component is a host only when it looks like one. */
	if (slash && (memchr(rest, '.', (size_t)(slash - rest)) || memchr(rest, ':', (size_t)(slash - rest)) ||
		      !strncmp(rest, "localhost/", 10))) {
		strbuf_add(&host, rest, (size_t)(slash - rest));
		name = slash + 1;
	} else {
		strbuf_addstr(&host, "docker.io");
		name = rest;
	}
	at = strchr(name, '@');
	colon = strrchr(name, ':');
	if (colon && at && colon > at)
		colon = NULL;
	strbuf_add(&repo, name, (size_t)(at ? at - name : colon ? colon - name : (long)strlen(name)));
	if (!strcmp(host.buf, "docker.io") && !strchr(repo.buf, '/')) {
		strbuf_reset(&repo);
		strbuf_addstr(&repo, "library/");
		strbuf_add(&repo, name, (size_t)(at ? at - name : colon ? colon - name : (long)strlen(name)));
	}
	if (!valid_repo(repo.buf)) {
		rc = err_set(ERR_PARSE, "%s: '%s' is not a valid repository name", text, repo.buf);
		goto cleanup;
	}
	if (at) {
		if (!util_has_prefix(at + 1, "sha256:") || !valid_hex(at + 8, 64)) {
			rc = err_set(ERR_PARSE, "%s: a digest must be sha256: and 64 lowercase hex digits", text);
			goto cleanup;
		}
		ref->digest = util_strdup(at + 1);
	}
	if (colon) {
		char *tag = strndup(colon + 1, (size_t)(at && at > colon ? at - colon - 1 : (long)strlen(colon + 1)));

		if (!tag || !valid_tag(tag)) {
			free(tag);
			rc = err_set(ERR_PARSE, "%s: the tag is not valid", text);
			goto cleanup;
		}
		ref->tag = tag;
	} else if (!at) {
		ref->tag = util_strdup("latest");
	}
	ref->host = strbuf_detach(&host, NULL);
	ref->repo = strbuf_detach(&repo, NULL);
	strbuf_addf(&host, "registry:%s/%s%s%s%s%s", ref->host, ref->repo, ref->tag ? ":" : "", ref->tag ? ref->tag : "",
		    ref->digest ? "@" : "", ref->digest ? ref->digest : "");
	ref->text = strbuf_detach(&host, NULL);
cleanup:
	strbuf_release(&host);
	strbuf_release(&repo);
	return rc;
}

/* PATH[:TAG] where the tag follows the last colon after the last slash. */
static int parse_path_tag(struct image_ref *ref, const char *rest)
{
	const char *slash = strrchr(rest, '/');
	const char *colon = strrchr(slash ? slash : rest, ':');

	if (colon) {
		ref->path = strndup(rest, (size_t)(colon - rest));
		ref->tag = colon[1] ? util_strdup(colon + 1) : NULL;
	} else {
		ref->path = util_strdup(rest);
	}
	return ref->path ? 0 : ERR_NOMEM;
}

int image_ref_parse(struct image_ref *ref, const char *text)
{
	struct strbuf norm = STRBUF_INIT;
	const char *rest = NULL;
	struct stat st;
	size_t i;
	int rc = 0;

	memset(ref, 0, sizeof(*ref));
	for (i = 0; i < sizeof(transports) / sizeof(transports[0]); i++) {
		if (util_has_prefix(text, transports[i].prefix)) {
			ref->transport = transports[i].t;
			rest = text + strlen(transports[i].prefix);
			break;
		}
	}
	if (!rest)
		return err_set(ERR_PARSE,
			       "'%s' is not an image reference: expected registry:, oci-dir:, oci-archive:, "
			       "docker-archive: or dir: followed by the image",
			       text);
	if (!rest[0])
		return err_set(ERR_PARSE, "'%s': nothing follows the transport", text);
	switch (ref->transport) {
	case IMG_REGISTRY:
		rc = parse_registry(ref, rest, text);
		break;
	case IMG_OCI_DIR:
	case IMG_OCI_ARCHIVE:
		rc = parse_path_tag(ref, rest);
		break;
	case IMG_DOCKER_ARCHIVE:
		/* docker-archive:FILE[:NAME[:TAG]]: a path that exists wins over a split. */
		if (stat(rest, &st) == 0 || !strchr(rest, ':')) {
			ref->path = util_strdup(rest);
		} else {
			const char *c = strchr(rest, ':');

			ref->path = strndup(rest, (size_t)(c - rest));
			ref->tag = util_strdup(c + 1);
		}
		rc = ref->path ? 0 : ERR_NOMEM;
		break;
	case IMG_DIR:
		ref->path = util_strdup(rest);
		rc = ref->path ? 0 : ERR_NOMEM;
		break;
	}
	if (rc == 0 && !ref->text) {
		rc = strbuf_addf(&norm, "%s:%s%s%s", image_transport_name(ref->transport), ref->path, ref->tag ? ":" : "",
				 ref->tag ? ref->tag : "");
		ref->text = strbuf_detach(&norm, NULL);
	}
	if (rc < 0)
		image_ref_release(ref);
	strbuf_release(&norm);
	return rc;
}
