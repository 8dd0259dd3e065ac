#include "analyze.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/err.h"
#include "core/jsonx.h"
#include "core/util.h"
#include "analyze_int.h"
#include "handlers.h"


/* ---- growable arrays ---- */

static int grow(void **v, size_t *cap, size_t n, size_t elem)
{
	size_t ncap;
	void *nv;

	if (n < *cap)
		return 0;
	ncap = *cap ? *cap * 2 : 16;
	nv = realloc(*v, ncap * elem);
	if (!nv)
		return err_set(ERR_NOMEM, "out of memory");
	*v = nv;
	*cap = ncap;
	return 0;
}

#define PUSH(arr, n, cap) grow((void **)&(arr), &(cap), (n), sizeof(*(arr)))

static int push_str(char ***arr, size_t *n, size_t *cap, const char *s)
{
	int rc = grow((void **)arr, cap, *n, sizeof(char *));

	if (rc < 0)
		return rc;
	if (!((*arr)[*n] = strdup(s)))
		return err_set(ERR_NOMEM, "out of memory");
	(*n)++;
	return 0;
}

uint64_t layer_path_hash(const char *s)
{
	uint64_t h = 1469598103934665603ULL;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return h;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

int layer_result_wrote(const struct layer_result *r, const char *path)
{
	uint64_t h = layer_path_hash(path);

	return r->npaths && bsearch(&h, r->paths, r->npaths, sizeof(h), cmp_u64) != NULL;
}

void layer_result_release(struct layer_result *r)
{
	size_t i;

	free(r->diff_id);
	for (i = 0; i < r->nsources; i++) {
		free(r->sources[i].path);
		free(r->sources[i].handler);
		pkg_list_release(&r->sources[i].pkgs);
		free(r->sources[i].error);
		free(r->sources[i].digest);
		free(r->sources[i].owned);
	}
	free(r->sources);
	for (i = 0; i < r->ntexts; i++) {
		free(r->texts[i].path);
		free(r->texts[i].text);
		free(r->texts[i].digest);
	}
	free(r->texts);
	for (i = 0; i < r->nlinks; i++) {
		free(r->links[i].path);
		free(r->links[i].target);
	}
	free(r->links);
	for (i = 0; i < r->nwhiteouts; i++)
		free(r->whiteouts[i]);
	free(r->whiteouts);
	for (i = 0; i < r->nopaques; i++)
		free(r->opaques[i]);
	free(r->opaques);
	secret_list_release(&r->secrets);
	for (i = 0; i < r->nspecials; i++)
		free(r->specials[i].path);
	free(r->specials);
	free(r->paths);
	memset(r, 0, sizeof(*r));
}

int layer_result_add_special(struct layer_result *r, const char *path, unsigned mode)
{
	int rc;

	if (!(mode & 06000))
		return 0;
	if ((rc = PUSH(r->specials, r->nspecials, r->cap_specials)) < 0)
		return rc;
	if (!(r->specials[r->nspecials].path = strdup(path)))
		return err_set(ERR_NOMEM, "out of memory");
	r->specials[r->nspecials++].mode = mode & 07777;
	return 0;
}

/* Symlinks worth keeping: the ones a package database or release file may be reached through. */
static int link_matters(const char *path)
{
	static const char *const dirs[] = { "etc", "usr", "usr/lib", "var", "var/lib", "lib", "var/lib/rpm",
					    "var/lib/dpkg", "lib/apk", "lib/apk/db", "usr/lib/sysimage",
					    "usr/lib/sysimage/rpm", NULL };
	size_t i;

	for (i = 0; dirs[i]; i++)
		if (!strcmp(path, dirs[i]))
			return 1;
	return handler_is_os_file(path);
}

/* ---- the visitor ---- */


static int add_source(struct layer_result *r, const char *path, const char *handler, struct pkg_list *pkgs,
		      const char *error, const char *digest, int64_t size)
{
	struct lr_source *s;
	int rc;

	if ((rc = PUSH(r->sources, r->nsources, r->cap_sources)) < 0)
		return rc;
	s = &r->sources[r->nsources];
	memset(s, 0, sizeof(*s));
	s->path = strdup(path);
	s->handler = strdup(handler);
	s->error = error ? strdup(error) : NULL;
	s->digest = digest ? strdup(digest) : NULL;
	s->size = size;
	if (pkgs)
		rc = pkg_list_take(&s->pkgs, pkgs);
	r->nsources++;
	if (!s->path || !s->handler || (error && !s->error) || (digest && !s->digest))
		return err_set(ERR_NOMEM, "out of memory");
	return rc;
}

static int finish_path_handler(struct visit *v)
{
	struct pkg_list pkgs = { NULL, 0, 0 };
	char digest[80] = "";
	int rc;

	if (v->over_limit) {
		struct strbuf msg = STRBUF_INIT;

		strbuf_addf(&msg, "larger than the %zu MB read limit for %s files", v->h->max_size >> 20, v->h->name);
		rc = add_source(v->r, v->path, v->h->name, NULL, msg.buf, NULL, (int64_t)v->content.len);
		strbuf_release(&msg);
		return rc;
	}
	if (v->h->evidence && v->opt->ev) {
		if ((rc = evidence_store(v->opt->ev, v->content.buf, v->content.len, digest)) < 0)
			return rc;
	}
	err_clear();
	rc = v->h->parse ? v->h->parse(&pkgs, v->path, v->content.buf, v->content.len) : 0;
	if (rc == 0 && v->h->owned) {
		struct owned_list owned = { NULL, 0, 0 };

		rc = v->h->owned(v->path, v->content.buf, v->content.len, &owned);
		if (rc == 0 && owned.n) {
			qsort(owned.v, owned.n, sizeof(*owned.v), cmp_u64);
			v->owned = owned.v;
			v->nowned = owned.n;
		} else {
			free(owned.v);
		}
	}
	if (rc == ERR_NOMEM) {
		pkg_list_release(&pkgs);
		return rc;
	}
	/* A file that cannot be read is a gap for that file; the layer goes on. */
	rc = add_source(v->r, v->path, v->h->name, &pkgs, rc < 0 ? (err_last()[0] ? err_last() : "unreadable") : NULL,
			digest[0] ? digest : NULL, (int64_t)v->content.len);
	if (rc == 0 && v->nowned) {
		v->r->sources[v->r->nsources - 1].owned = v->owned;
		v->r->sources[v->r->nsources - 1].nowned = v->nowned;
		v->owned = NULL;
		v->nowned = 0;
	}
	pkg_list_release(&pkgs);
	return rc;
}

static int finish_os_file(struct visit *v)
{
	struct lr_text *t;
	char digest[80] = "";
	int rc;

	if (v->over_limit)
		return 0;
	if (v->opt->ev && (rc = evidence_store(v->opt->ev, v->content.buf, v->content.len, digest)) < 0)
		return rc;
	if ((rc = PUSH(v->r->texts, v->r->ntexts, v->r->cap_texts)) < 0)
		return rc;
	t = &v->r->texts[v->r->ntexts++];
	t->path = strdup(v->path);
	t->text = strndup(v->content.buf, v->content.len);
	t->digest = digest[0] ? strdup(digest) : NULL;
	if (!t->path || !t->text)
		return err_set(ERR_NOMEM, "out of memory");
	return 0;
}

void analyze_reset_entry(struct visit *v)
{
	free(v->path);
	v->path = NULL;
	v->h = NULL;
	v->os_file = 0;
	strbuf_release(&v->content);
	v->over_limit = 0;
	content_free(v->go);
	v->go = NULL;
	v->go_undecided = 0;
	v->headlen = 0;
	secrets_free(v->sec);
	v->sec = NULL;
	free(v->owned);
	v->owned = NULL;
	v->nowned = 0;
}

int analyze_on_entry(void *ctx, const struct layer_entry *e)
{
	struct visit *v = ctx;
	struct layer_result *r = v->r;
	struct lr_link *l;
	size_t i;
	int rc;

	analyze_reset_entry(v);
	switch (e->kind) {
	case LAYER_WHITEOUT:
		return push_str(&r->whiteouts, &r->nwhiteouts, &r->cap_whiteouts, e->path);
	case LAYER_OPAQUE:
		return push_str(&r->opaques, &r->nopaques, &r->cap_opaques, e->path);
	case LAYER_DIR:
	case LAYER_OTHER:
		return 0;
	case LAYER_SYMLINK:
	case LAYER_HARDLINK:
		if ((rc = PUSH(r->paths, r->npaths, r->cap_paths)) < 0)
			return rc;
		r->paths[r->npaths++] = layer_path_hash(e->path);
		if (e->kind == LAYER_HARDLINK) {
			/* A hard link to a file read in this layer carries the same packages. */
			for (i = 0; i < r->nsources; i++) {
				if (strcmp(r->sources[i].path, e->link) || !handler_for_path(e->path))
					continue;
				{
					struct pkg_list copy = { NULL, 0, 0 };
					size_t k;

					for (k = 0; k < r->sources[i].pkgs.n && rc == 0; k++)
						rc = pkg_list_add(&copy, &r->sources[i].pkgs.v[k]);
					for (k = 0; k < copy.n; k++) {
						free(copy.v[k].path);
						copy.v[k].path = strdup(e->path);
					}
					if (rc == 0)
						rc = add_source(r, e->path, r->sources[i].handler, &copy, r->sources[i].error,
								r->sources[i].digest, r->sources[i].size);
					pkg_list_release(&copy);
					return rc;
				}
			}
			return 0;
		}
		if (!link_matters(e->path))
			return 0;
		if ((rc = PUSH(r->links, r->nlinks, r->cap_links)) < 0)
			return rc;
		l = &r->links[r->nlinks++];
		l->path = strdup(e->path);
		l->target = strdup(e->link);
		return l->path && l->target ? 0 : err_set(ERR_NOMEM, "out of memory");
	case LAYER_FILE:
		break;
	}
	if ((rc = PUSH(r->paths, r->npaths, r->cap_paths)) < 0)
		return rc;
	r->paths[r->npaths++] = layer_path_hash(e->path);
	if ((rc = layer_result_add_special(r, e->path, e->mode)) < 0)
		return rc;
	if (!(v->path = strdup(e->path)))
		return err_set(ERR_NOMEM, "out of memory");
	v->mode = e->mode;
	v->h = handler_for_path(e->path);
	v->os_file = !v->h && handler_is_os_file(e->path);
	if (v->h)
		strbuf_init(&v->content, v->h->max_size);
	else if (v->os_file)
		strbuf_init(&v->content, HANDLER_OS_FILE_MAX);
	v->go_undecided = !v->h && !v->os_file && e->size >= GO_MIN_SIZE && (v->opt->secrets || (e->mode & 0111));
	if (v->opt->secrets && e->size > 0 && (rc = secrets_begin(&v->sec, e->path)) < 0)
		return rc;
	return v->h || v->os_file || v->go_undecided || v->sec;
}

int analyze_on_data(void *ctx, const void *buf, size_t len)
{
	struct visit *v = ctx;
	int rc;

	if ((v->h || v->os_file) && !v->over_limit) {
		rc = strbuf_add(&v->content, buf, len);
		if (rc == ERR_LIMIT) {
			v->over_limit = 1;
			strbuf_release(&v->content);
		} else if (rc < 0) {
			return rc;
		}
	}
	if (v->go_undecided) {
		size_t take = len < HEAD_LEN - v->headlen ? len : HEAD_LEN - v->headlen;

		memcpy(v->head + v->headlen, buf, take);
		v->headlen += take;
		if (v->headlen == HEAD_LEN || take < len) {
			v->go_undecided = 0;
			if (content_is_candidate(v->head, v->headlen, v->mode)) {
				if ((rc = content_begin(&v->go, v->path)) < 0)
					return rc;
				/* The head was part of this same chunk or earlier ones: feed it once. */
				if ((rc = content_feed(v->go, v->head, v->headlen)) < 0 ||
				    (take < len && (rc = content_feed(v->go, (const char *)buf + take, len - take)) < 0))
					return rc;
			}
		}
	} else if (v->go && (rc = content_feed(v->go, buf, len)) < 0) {
		return rc;
	}
	if (v->sec && (rc = secrets_feed(v->sec, buf, len)) < 0)
		return rc;
	return 0;
}

int analyze_on_end(void *ctx)
{
	struct visit *v = ctx;
	struct pkg_list pkgs = { NULL, 0, 0 };
	int rc = 0;

	if (v->h)
		rc = finish_path_handler(v);
	else if (v->os_file)
		rc = finish_os_file(v);
	if (rc == 0 && v->go_undecided && v->headlen && content_is_candidate(v->head, v->headlen, v->mode)) {
		/* A file shorter than the head buffer. */
		if ((rc = content_begin(&v->go, v->path)) == 0)
			rc = content_feed(v->go, v->head, v->headlen);
	}
	if (rc == 0 && v->go) {
		err_clear();
		rc = content_end(v->go, &pkgs);
		if (rc == ERR_NOMEM)
			goto cleanup;
		if (rc < 0 || pkgs.n)
			rc = add_source(v->r, v->path, "go-binary", &pkgs, rc < 0 ? err_last() : NULL, NULL, 0);
	}
	if (rc == 0 && v->sec)
		rc = secrets_end(v->sec, &v->r->secrets);
cleanup:
	pkg_list_release(&pkgs);
	analyze_reset_entry(v);
	return rc;
}

/* The same decision analyze_on_entry makes, from the entry alone: run on the reading thread. */
int analyze_want(const struct analyze_opts *opt, const struct layer_entry *e)
{
	if (e->kind != LAYER_FILE)
		return 0;
	return handler_for_path(e->path) || handler_is_os_file(e->path) || (opt->secrets && e->size > 0) ||
	       (e->size >= GO_MIN_SIZE && (e->mode & 0111));
}

/* The same decision analyze_on_entry makes, from the entry alone: run on the reading thread. */
static int on_want(void *ctx, const struct layer_entry *e)
{
	return analyze_want(((const struct visit *)ctx)->opt, e);
}

static const struct layer_visitor visitor = {
	.entry = analyze_on_entry, .want = on_want, .data = analyze_on_data, .end = analyze_on_end,
};

int analyze_finish_result(struct layer_result *r)
{
	if (r->npaths > 1)
		qsort(r->paths, r->npaths, sizeof(*r->paths), cmp_u64);
	return 0;
}

int layer_analyze(struct layer_result *out, layer_read_fn readfn, void *src, const struct analyze_opts *opt)
{
	struct visit v;
	int rc;

	memset(&v, 0, sizeof(v));
	v.r = out;
	v.opt = opt;
	rc = layer_walk(readfn, src, &visitor, &v, opt->limits, &out->stats);
	analyze_reset_entry(&v);
	if (rc == 0)
		rc = analyze_finish_result(out);
	return rc;
}

