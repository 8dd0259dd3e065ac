/*
 * bundle_registry: a registry kit's skopeo outputs back into the inventory
 * a live registry source reads (scan/registry_inventory.h):
 *
 *   skopeo list-tags docker://HOST/REPO            -> the repository's tags, in the registry's order
 *   skopeo inspect --raw docker://HOST/REPO:TAG    -> the manifest as stored: its SHA-256 is the digest
 *   skopeo inspect --config --raw ... :TAG         -> the image config as stored (created, platform)
 *   skopeo inspect ... :TAG                        -> layer sizes of the platform's image (for an index)
 */
#include <stdlib.h>
#include <string.h>

#include "bundle_int.h"
#include "core/crypto.h"
#include "core/err.h"
#include "core/jsonx.h"
#include "core/util.h"
#include "registry_record.h"
#include "scan/registry_manifest.h"

int bundle_skopeo_command(const char *command, const char **verb, struct strbuf *ref)
{
	const char *d = strstr(command, "docker://"), *e;

	*verb = NULL;
	if (!d || !strstr(command, "skopeo"))
		return ERR_NOTFOUND;
	if (strstr(command, " list-tags "))
		*verb = "list-tags";
	else if (strstr(command, " inspect ") && strstr(command, " --config") && strstr(command, " --raw"))
		*verb = "config";
	else if (strstr(command, " inspect ") && strstr(command, " --raw"))
		*verb = "raw";
	else if (strstr(command, " inspect "))
		*verb = "inspect";
	else
		return ERR_NOTFOUND;
	d += strlen("docker://");
	for (e = d; *e && *e != ' ' && *e != '"' && *e != '\''; e++)
		;
	if (e == d || e - d > 512)
		return ERR_NOTFOUND;
	return strbuf_add(ref, d, (size_t)(e - d));
}

/* host, repo and tag of "HOST/REPO[:TAG]" (the tag after the last '/'). */
static int split_ref(const char *ref, struct strbuf *host, struct strbuf *repo, struct strbuf *tag)
{
	const char *slash = strchr(ref, '/'), *last, *colon;

	if (!slash || slash == ref)
		return ERR_NOTFOUND;
	strbuf_add(host, ref, (size_t)(slash - ref));
	last = strrchr(ref, '/');
	colon = strchr(last, ':');
	strbuf_add(repo, slash + 1, colon ? (size_t)(colon - slash - 1) : strlen(slash + 1));
	if (colon)
		strbuf_addstr(tag, colon + 1);
	return repo->len ? 0 : ERR_NOTFOUND;
}

/* The file made by verb for HOST/REPO[:TAG] (NULL when none). */
static const struct bundle_skopeo *find(const struct bundle_skopeo *files, size_t n, const char *verb, const char *ref)
{
	struct strbuf r = STRBUF_INIT;
	const struct bundle_skopeo *hit = NULL;
	const char *v;
	size_t i;

	for (i = 0; i < n && !hit; i++) {
		strbuf_reset(&r);
		if (bundle_skopeo_command(files[i].command, &v, &r) == 0 && !strcmp(v, verb) && !strcmp(r.buf, ref))
			hit = &files[i];
	}
	strbuf_release(&r);
	return hit;
}

static char *platform_of(const json_t *cfg)
{
	struct strbuf p = STRBUF_INIT;
	const char *os = jsonx_str(cfg, "os"), *arch = jsonx_str(cfg, "architecture"), *var = jsonx_str(cfg, "variant");

	if (!os || !arch || strlen(os) > 64 || strlen(arch) > 64 || (var && strlen(var) > 64))
		return NULL;
	strbuf_addf(&p, "%s/%s%s%s", os, arch, var ? "/" : "", var ? var : "");
	return strbuf_detach(&p, NULL);
}

static int tag_fail(struct reginv_tag *t, int rc, const char *why)
{
	t->rc = rc;
	t->error = util_strdup(why);
	return 0;
}

static char *digest_of(const struct bundle_file *f)
{
	struct strbuf d = STRBUF_INIT;

	strbuf_addf(&d, "sha256:%s", f->sha256);
	return strbuf_detach(&d, NULL);
}

/* One tag from its three files. */
static int read_tag(const struct bundle_skopeo *files, size_t n, const char *ref, const char *platform,
		    struct reginv_tag *t)
{
	const struct bundle_skopeo *man = find(files, n, "raw", ref), *cfgf = find(files, n, "config", ref),
				   *ins = find(files, n, "inspect", ref);
	struct strbuf what = STRBUF_INIT;
	struct regman m;
	json_t *cfg = NULL, *insj = NULL;
	size_t i;
	int rc = 0;

	memset(&m, 0, sizeof(m));
	t->created_epoch = -1;
	strbuf_addf(&what, "registry:%s", ref);
	if (!man || !man->file->data || !cfgf || !cfgf->file->data) {
		rc = tag_fail(t, ERR_NOTFOUND, "the bundle lacks this tag's manifest or config (skopeo inspect --raw, --config --raw)");
		goto cleanup;
	}
	if (regman_parse(&m, NULL, man->file->data, man->file->len, what.buf) < 0) {
		rc = tag_fail(t, ERR_PARSE, err_last());
		goto cleanup;
	}
	t->digest = digest_of(man->file);
	t->media_type = util_strdup(m.media_type);
	if (jsonx_parse(cfgf->file->data, cfgf->file->len, cfgf->file->name, &cfg) < 0 || !json_is_object(cfg)) {
		rc = tag_fail(t, ERR_PARSE, "the image config is not a JSON object");
		goto cleanup;
	}
	t->config_digest = digest_of(cfgf->file);
	t->platform = platform_of(cfg);
	if (jsonx_str(cfg, "created") && strlen(jsonx_str(cfg, "created")) < 64) {
		int64_t e;

		t->created = util_strdup(jsonx_str(cfg, "created"));
		if (util_timestamp_parse(t->created, &e) == 0)
			t->created_epoch = e;
	}
	t->size = (int64_t)cfgf->file->len;
	if (m.kind == REGMAN_INDEX) {
		struct strbuf plats = STRBUF_INIT;
		json_t *layers;
		size_t which;

		for (i = 0; i < m.nmanifests; i++)
			if (m.manifests[i].platform && strcmp(m.manifests[i].platform, "unknown/unknown") && plats.len < 1000)
				strbuf_addf(&plats, "%s%s", plats.len ? ", " : "", m.manifests[i].platform);
		t->platforms = strbuf_detach(&plats, NULL);
		if (regman_select(&m, platform, what.buf, &which) < 0) {
			rc = tag_fail(t, ERR_NOTFOUND, err_last());
			goto cleanup;
		}
		t->manifest_digest = util_strdup(m.manifests[which].digest);
		if (!ins || !ins->file->data || jsonx_parse(ins->file->data, ins->file->len, ins->file->name, &insj) < 0 ||
		    !json_is_array(layers = json_object_get(insj, "LayersData"))) {
			rc = tag_fail(t, ERR_NOTFOUND, "the bundle lacks skopeo inspect's LayersData for this index's image");
			goto cleanup;
		}
		t->nlayers = json_array_size(layers);
		for (i = 0; i < t->nlayers; i++)
			t->size += jsonx_int(json_array_get(layers, i), "Size", 0);
	} else {
		t->manifest_digest = util_strdup(t->digest);
		t->nlayers = m.nlayers;
		for (i = 0; i < m.nlayers; i++)
			t->size += m.layers[i].size;
	}
	if (!t->digest || !t->media_type || !t->manifest_digest || !t->config_digest)
		rc = err_set(ERR_NOMEM, "out of memory");
cleanup:
	err_clear();
	regman_release(&m);
	json_decref(cfg);
	json_decref(insj);
	strbuf_release(&what);
	return rc;
}

static int read_repo(const struct bundle_skopeo *files, size_t n, const struct bundle_skopeo *lt, const char *repo_ref,
		     const char *repo, const char *platform, struct reginv *ri)
{
	struct reginv_repo *r = &ri->repos[ri->nrepos++];
	json_t *doc = NULL, *tags;
	struct strbuf ref = STRBUF_INIT;
	size_t i;
	int rc = 0;

	memset(r, 0, sizeof(*r));
	if (!(r->name = util_strdup(repo)))
		return ERR_NOMEM;
	if (!lt->file->data || jsonx_parse(lt->file->data, lt->file->len, lt->file->name, &doc) < 0 ||
	    !json_is_array(tags = json_object_get(doc, "Tags"))) {
		r->rc = ERR_PARSE;
		r->error = util_strdup(lt->file->data ? "the tag list (skopeo list-tags) has no Tags list" : lt->file->problem);
		err_clear();
		goto cleanup;
	}
	if (json_array_size(tags) > 10000) {
		r->truncated = 1;
	}
	r->ntags = json_array_size(tags) > 10000 ? 10000 : json_array_size(tags);
	if (!(r->tags = calloc(r->ntags + 1, sizeof(*r->tags)))) {
		rc = err_set(ERR_NOMEM, "out of memory");
		goto cleanup;
	}
	for (i = 0; i < r->ntags && rc == 0; i++) {
		const char *tag = json_string_value(json_array_get(tags, i));

		r->tags[i].created_epoch = -1;
		if (!tag || strlen(tag) > 128) {
			r->tags[i].tag = util_strdup("?");
			tag_fail(&r->tags[i], ERR_PARSE, "a tag that is not a string");
			continue;
		}
		r->tags[i].tag = util_strdup(tag);
		strbuf_reset(&ref);
		strbuf_addf(&ref, "%s:%s", repo_ref, tag);
		rc = read_tag(files, n, ref.buf, platform, &r->tags[i]);
		ri->ntags++;
		if (r->tags[i].rc == 0)
			ri->ninspected++;
		else
			ri->nerrors++;
	}
cleanup:
	json_decref(doc);
	strbuf_release(&ref);
	return rc;
}

int bundle_registry(struct inventory *inv, const struct bundle_skopeo *files, size_t n, json_t *coverage)
{
	const char *platform = jsonx_str(inv->src->doc, "platform") ? jsonx_str(inv->src->doc, "platform") : "linux/amd64";
	struct strbuf ref = STRBUF_INIT, host = STRBUF_INIT, repo = STRBUF_INIT, tag = STRBUF_INIT, first = STRBUF_INIT;
	struct reginv ri;
	json_t *cov = NULL;
	const char *verb;
	size_t i, nlists = 0;
	int rc = 0;

	memset(&ri, 0, sizeof(ri));
	for (i = 0; i < n; i++) {
		strbuf_reset(&ref);
		if (bundle_skopeo_command(files[i].command, &verb, &ref) == 0 && !strcmp(verb, "list-tags"))
			nlists++;
	}
	if (!nlists)
		return 0;
	if (!(ri.repos = calloc(nlists, sizeof(*ri.repos))))
		return err_set(ERR_NOMEM, "out of memory");
	for (i = 0; i < n && rc == 0; i++) {
		strbuf_reset(&ref);
		strbuf_reset(&host);
		strbuf_reset(&repo);
		strbuf_reset(&tag);
		if (bundle_skopeo_command(files[i].command, &verb, &ref) < 0 || strcmp(verb, "list-tags"))
			continue;
		if (split_ref(ref.buf, &host, &repo, &tag) < 0)
			continue;
		if (!first.len)
			strbuf_addstr(&first, host.buf);
		if (strcmp(first.buf, host.buf)) {
			rc = inventory_gap(inv, ref.buf, "a bundle is read for one registry: this repository is on another");
			continue;
		}
		rc = read_repo(files, n, &files[i], ref.buf, repo.buf, platform, &ri);
	}
	if (rc < 0 || !ri.nrepos)
		goto cleanup;
	cov = json_pack("{s:s, s:I, s:b, s:I, s:I, s:I, s:I}", "host", first.buf, "repositories", (json_int_t)ri.nrepos,
			"repositories_truncated", 0, "tags", (json_int_t)ri.ntags, "tags_inspected", (json_int_t)ri.ninspected,
			"errors", (json_int_t)ri.nerrors, "newest_tags", (json_int_t)jsonx_int(inv->src->doc, "newest_tags", 3));
	if (!cov) {
		rc = err_set(ERR_NOMEM, "out of memory");
		goto cleanup;
	}
	if ((rc = registry_record(inv, first.buf, platform, inv->src->doc, &ri, cov)) == 0)
		rc = json_object_set(coverage, "registry", cov);
cleanup:
	json_decref(cov);
	reginv_release(&ri);
	strbuf_release(&ref);
	strbuf_release(&host);
	strbuf_release(&repo);
	strbuf_release(&tag);
	strbuf_release(&first);
	return rc;
}
