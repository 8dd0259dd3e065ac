#include "view.h"

#include <stdlib.h>
#include <string.h>

#include "core/err.h"
#include "core/jsonx.h"
#include "layer.h"
#include "os.h"

#define VIEW_MAX_LINK_HOPS 40

/* path is p itself or inside folder dir. */
static int under(const char *p, const char *dir)
{
	size_t n = strlen(dir);

	return !strncmp(p, dir, n) && (p[n] == 0 || p[n] == '/');
}

/* Deleted by a later layer j (whiteout, opaque folder) — or replaced by it. */
static int hidden_by(const struct layer_result *later, const char *path, int check_written)
{
	size_t i;

	for (i = 0; i < later->nwhiteouts; i++)
		if (under(path, later->whiteouts[i]))
			return 1;
	for (i = 0; i < later->nopaques; i++)
		if (under(path, later->opaques[i]) && strcmp(path, later->opaques[i]))
			return 1;
	return check_written && layer_result_wrote(later, path);
}

/* Whether what layer i put at path survives to the top. */
static int survives(struct layer_result *layers, size_t n, size_t i, const char *path)
{
	size_t j;

	for (j = i + 1; j < n; j++)
		if (hidden_by(&layers[j], path, 1))
			return 0;
	return 1;
}

static const struct lr_link *find_link(struct layer_result *layers, size_t n, const char *path)
{
	size_t i, k;

	for (i = n; i-- > 0;)
		for (k = 0; k < layers[i].nlinks; k++)
			if (!strcmp(layers[i].links[k].path, path))
				return survives(layers, n, i, path) ? &layers[i].links[k] : NULL;
	return NULL;
}

static const struct lr_text *find_text(struct layer_result *layers, size_t n, const char *path)
{
	size_t i, k;

	for (i = n; i-- > 0;)
		for (k = 0; k < layers[i].ntexts; k++)
			if (!strcmp(layers[i].texts[k].path, path))
				return survives(layers, n, i, path) ? &layers[i].texts[k] : NULL;
	return NULL;
}

/* Join a link target to the folder of the link, as the kernel would, within the root. */
static int join_target(struct strbuf *out, const char *linkpath, const char *target, const char *rest)
{
	struct strbuf raw = STRBUF_INIT;
	const char *slash = strrchr(linkpath, '/');
	int rc;

	if (target[0] != '/' && slash)
		strbuf_add(&raw, linkpath, (size_t)(slash - linkpath + 1));
	strbuf_addstr(&raw, target[0] == '/' ? target + 1 : target);
	if (rest && *rest) {
		strbuf_addch(&raw, '/');
		strbuf_addstr(&raw, rest);
	}
	/* ".." at the root stays at the root, as in a real filesystem. */
	{
		struct strbuf clean = STRBUF_INIT;
		const char *p = raw.buf, *seg;
		size_t len;

		while (*p) {
			seg = p;
			while (*p && *p != '/')
				p++;
			len = (size_t)(p - seg);
			if (*p)
				p++;
			if (!len || (len == 1 && seg[0] == '.'))
				continue;
			if (len == 2 && seg[0] == '.' && seg[1] == '.') {
				char *s = strrchr(clean.buf, '/');

				strbuf_setlen(&clean, s ? (size_t)(s - clean.buf) : 0);
				continue;
			}
			if (clean.len)
				strbuf_addch(&clean, '/');
			strbuf_add(&clean, seg, len);
		}
		strbuf_reset(out);
		rc = strbuf_add(out, clean.buf, clean.len);
		strbuf_release(&clean);
	}
	strbuf_release(&raw);
	return rc;
}

/* Resolve symlinks anywhere along path; ERR_LIMIT on a loop. */
static int resolve(struct layer_result *layers, size_t n, const char *path, struct strbuf *out)
{
	struct strbuf cur = STRBUF_INIT, prefix = STRBUF_INIT;
	const struct lr_link *l;
	int hops = 0, rc = 0;
	size_t i;

	strbuf_addstr(&cur, path);
restart:
	for (i = 0; i <= cur.len; i++) {
		if (cur.buf[i] != '/' && cur.buf[i] != 0)
			continue;
		strbuf_reset(&prefix);
		strbuf_add(&prefix, cur.buf, i);
		l = find_link(layers, n, prefix.buf);
		if (!l)
			continue;
		if (++hops > VIEW_MAX_LINK_HOPS) {
			rc = err_set(ERR_LIMIT, "symlink loop at %s", prefix.buf);
			goto cleanup;
		}
		{
			struct strbuf next = STRBUF_INIT;

			rc = join_target(&next, prefix.buf, l->target, cur.buf[i] ? cur.buf + i + 1 : NULL);
			strbuf_reset(&cur);
			strbuf_add(&cur, next.buf, next.len);
			strbuf_release(&next);
		}
		if (rc < 0)
			goto cleanup;
		goto restart;
	}
	rc = strbuf_add(out, cur.buf, cur.len);
cleanup:
	strbuf_release(&cur);
	strbuf_release(&prefix);
	return rc;
}

static int detect_os(struct image_view *v, struct layer_result *layers, size_t n)
{
	static const char *const files[] = { "etc/os-release", "usr/lib/os-release", "etc/debian_version",
					     "etc/lsb-release", "etc/alpine-release", "etc/redhat-release",
					     "etc/centos-release", "etc/rocky-release", "etc/almalinux-release",
					     "etc/oracle-release", "etc/fedora-release", "etc/system-release",
					     "etc/SuSE-release", "etc/photon-release" };
	struct os_file found[sizeof(files) / sizeof(files[0])];
	struct strbuf real = STRBUF_INIT;
	const struct lr_text *t;
	size_t i, k = 0;
	int rc = 0;

	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		strbuf_reset(&real);
		if (resolve(layers, n, files[i], &real) < 0) {
			json_array_append_new(v->gaps, json_pack("{s:s, s:s}", "scope", files[i], "reason", err_last()));
			continue;
		}
		t = find_text(layers, n, real.buf);
		if (t) {
			found[k].path = files[i];
			found[k].text = t->text;
			k++;
		}
	}
	rc = os_detect(found, k, &v->os);
	strbuf_release(&real);
	return rc;
}

static int same_pkg(const struct pkg *a, const struct pkg *b)
{
	return !strcmp(a->name, b->name) && !strcmp(a->version, b->version) &&
	       !strcmp(a->arch ? a->arch : "", b->arch ? b->arch : "");
}

/* The earliest layer whose copy of source path held the same package version. */
static size_t first_layer_with(struct layer_result *layers, size_t upto, const char *path, const struct pkg *p)
{
	size_t i, k, m;

	for (i = 0; i <= upto; i++)
		for (k = 0; k < layers[i].nsources; k++) {
			if (strcmp(layers[i].sources[k].path, path))
				continue;
			for (m = 0; m < layers[i].sources[k].pkgs.n; m++)
				if (same_pkg(&layers[i].sources[k].pkgs.v[m], p))
					return i;
		}
	return upto;
}

void view_release(struct image_view *v)
{
	json_decref(v->os);
	pkg_list_release(&v->pkgs);
	secret_list_release(&v->secrets);
	json_decref(v->sources);
	json_decref(v->gaps);
	json_decref(v->setuid_files);
	memset(v, 0, sizeof(*v));
}

static int merge_sources(struct image_view *v, struct layer_result *layers, const char *const *ids, size_t n)
{
	size_t i, k, m;
	int rc = 0;

	for (i = 0; i < n; i++) {
		for (k = 0; k < layers[i].nsources; k++) {
			struct lr_source *s = &layers[i].sources[k];
			json_t *sj;

			/* Only the top copy of a path counts: a later layer's copy replaces it. */
			if (!survives(layers, n, i, s->path))
				continue;
			sj = json_pack("{s:s, s:s, s:s, s:I}", "path", s->path, "handler", s->handler, "layer", ids[i],
				       "packages", (json_int_t)s->pkgs.n);
			if (!sj)
				return err_set(ERR_NOMEM, "out of memory");
			if (s->digest)
				jsonx_set_str(sj, "evidence", s->digest);
			if (s->error) {
				jsonx_set_str(sj, "error", s->error);
				json_array_append_new(v->gaps, json_pack("{s:s, s:s}", "scope", s->path, "reason", s->error));
			}
			json_array_append_new(v->sources, sj);
			for (m = 0; m < s->pkgs.n && rc == 0; m++) {
				size_t first = first_layer_with(layers, i, s->path, &s->pkgs.v[m]);

				if ((rc = pkg_list_add(&v->pkgs, &s->pkgs.v[m])) == 0) {
					free(v->pkgs.v[v->pkgs.n - 1].layer);
					v->pkgs.v[v->pkgs.n - 1].layer = strdup(ids[first]);
				}
			}
		}
	}
	return rc;
}

static int merge_secrets(struct image_view *v, struct layer_result *layers, const char *const *ids, size_t n)
{
	size_t i, k, j;
	int rc = 0;

	for (i = 0; i < n && rc == 0; i++) {
		for (k = 0; k < layers[i].secrets.n && rc == 0; k++) {
			struct secret *s = &layers[i].secrets.v[k];
			int removed = 0;

			/* Removed if a later layer deletes or rewrites the file (the key stays in this layer). */
			for (j = i + 1; j < n && !removed; j++)
				removed = hidden_by(&layers[j], s->path, 1);
			if ((rc = secret_list_add(&v->secrets, s)) == 0) {
				struct secret *c = &v->secrets.v[v->secrets.n - 1];

				free(c->layer);
				c->layer = strdup(ids[i]);
				c->removed = removed;
			}
		}
	}
	return rc;
}

static int cmp_json_str(const void *a, const void *b)
{
	return strcmp(json_string_value(*(json_t *const *)a), json_string_value(*(json_t *const *)b));
}

/* The setuid/setgid files still in the final filesystem: a later layer's delete or rewrite decides. */
static int merge_specials(struct image_view *v, struct layer_result *layers, size_t n)
{
	struct strbuf path = STRBUF_INIT;
	json_t **found = NULL;
	size_t i, k, j, nfound = 0, total = 0;
	int rc = 0;

	for (i = 0; i < n; i++)
		total += layers[i].nspecials;
	if (total && !(found = calloc(total, sizeof(*found))))
		return err_set(ERR_NOMEM, "out of memory");
	for (i = 0; i < n && rc == 0; i++) {
		for (k = 0; k < layers[i].nspecials && rc == 0; k++) {
			const char *p = layers[i].specials[k].path;
			int hidden = 0;

			for (j = i + 1; j < n && !hidden; j++)
				hidden = hidden_by(&layers[j], p, 1);
			if (hidden)
				continue;
			strbuf_reset(&path);
			strbuf_addf(&path, "/%s", p);
			/* Paths from a tar are bytes: a name that is not UTF-8 is kept, with '?' for the bad bytes. */
			if (!(found[nfound] = jsonx_string_lossy(path.buf)))
				rc = err_set(ERR_NOMEM, "out of memory");
			else
				nfound++;
		}
	}
	if (nfound > 1)
		qsort(found, nfound, sizeof(*found), cmp_json_str);
	for (i = 0; i < nfound; i++) {
		if (rc == 0 && (i == 0 || strcmp(json_string_value(found[i]), json_string_value(found[i - 1]))))
			rc = json_array_append(v->setuid_files, found[i]) < 0 ? err_set(ERR_NOMEM, "out of memory") : 0;
		json_decref(found[i]);
	}
	free(found);
	strbuf_release(&path);
	return rc;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/*
 * Installed-package metadata a distribution ships (site-packages, node
 * modules, jars) is left to the OS package.  Go binaries are not: their
 * modules are compiled in, a vendor's .deb (Google's, HashiCorp's) carries
 * no distribution advisories for them, and Trivy reports them too.
 */
static int is_language(const struct pkg *p)
{
	return !strcmp(p->type, PKG_PYPI) || !strcmp(p->type, PKG_NPM) || !strcmp(p->type, PKG_MAVEN);
}

/*
 * Leave out language packages whose file an OS package owns (Debian's
 * python3-requests, the distribution's own Go tools): the OS package is the
 * one to match advisories against.
 */
static int drop_os_owned(struct image_view *v, struct layer_result *layers, size_t n)
{
	struct strbuf path = STRBUF_INIT;
	uint64_t *set = NULL, h;
	size_t total = 0, i, k, m, keep;

	for (i = 0; i < n; i++)
		for (k = 0; k < layers[i].nsources; k++)
			if (layers[i].sources[k].nowned && survives(layers, n, i, layers[i].sources[k].path))
				total += layers[i].sources[k].nowned;
	if (!total)
		return 0;
	set = malloc(total * sizeof(*set));
	if (!set)
		return err_set(ERR_NOMEM, "out of memory");
	total = 0;
	for (i = 0; i < n; i++)
		for (k = 0; k < layers[i].nsources; k++)
			if (layers[i].sources[k].nowned && survives(layers, n, i, layers[i].sources[k].path))
				for (m = 0; m < layers[i].sources[k].nowned; m++)
					set[total++] = layers[i].sources[k].owned[m];
	qsort(set, total, sizeof(*set), cmp_u64);
	for (i = 0, keep = 0; i < v->pkgs.n; i++) {
		struct pkg *p = &v->pkgs.v[i];
		const char *bang;

		if (is_language(p) && p->path) {
			/* A jar inside a jar belongs to whoever owns the outer file. */
			bang = strchr(p->path, '!');
			strbuf_reset(&path);
			strbuf_add(&path, p->path, bang ? (size_t)(bang - p->path) : strlen(p->path));
			h = layer_path_hash(path.buf);
			if (bsearch(&h, set, total, sizeof(h), cmp_u64)) {
				pkg_release(p);
				v->os_owned++;
				continue;
			}
		}
		v->pkgs.v[keep++] = *p;
	}
	v->pkgs.n = keep;
	free(set);
	strbuf_release(&path);
	return 0;
}

int view_merge(struct image_view *out, struct layer_result *layers, const char *const *ids, size_t n)
{
	int rc;

	memset(out, 0, sizeof(*out));
	out->sources = json_array();
	out->gaps = json_array();
	out->setuid_files = json_array();
	if (!out->sources || !out->gaps || !out->setuid_files)
		return err_set(ERR_NOMEM, "out of memory");
	if ((rc = merge_sources(out, layers, ids, n)) < 0 || (rc = drop_os_owned(out, layers, n)) < 0 ||
	    (rc = merge_secrets(out, layers, ids, n)) < 0 || (rc = merge_specials(out, layers, n)) < 0 ||
	    (rc = detect_os(out, layers, n)) < 0) {
		view_release(out);
		return rc;
	}
	pkg_list_sort(&out->pkgs);
	return 0;
}
