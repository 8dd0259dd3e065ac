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
#include "handlers.h"

/* Go binaries smaller than this are not worth a look. */
#define GO_MIN_SIZE 4096
#define HEAD_LEN 64

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
	free(r->paths);
	memset(r, 0, sizeof(*r));
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

struct visit {
	struct layer_result *r;
	const struct analyze_opts *opt;
	/* the current entry */
	char *path;
	const struct path_handler *h;
	int os_file;
	struct strbuf content;   /* whole file, for path handlers and release files */
	int over_limit;
	struct content_scan *go;
	int go_undecided;
	unsigned char head[HEAD_LEN];
	size_t headlen;
	unsigned mode;
	struct secrets_scan *sec;
};

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
	rc = v->h->parse(&pkgs, v->path, v->content.buf, v->content.len);
	if (rc == ERR_NOMEM) {
		pkg_list_release(&pkgs);
		return rc;
	}
	/* A file that cannot be read is a gap for that file; the layer goes on. */
	rc = add_source(v->r, v->path, v->h->name, &pkgs, rc < 0 ? (err_last()[0] ? err_last() : "unreadable") : NULL,
			digest[0] ? digest : NULL, (int64_t)v->content.len);
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

static void reset_entry(struct visit *v)
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
}

static int on_entry(void *ctx, const struct layer_entry *e)
{
	struct visit *v = ctx;
	struct layer_result *r = v->r;
	struct lr_link *l;
	size_t i;
	int rc;

	reset_entry(v);
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

static int on_data(void *ctx, const void *buf, size_t len)
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

static int on_end(void *ctx)
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
	reset_entry(v);
	return rc;
}

/* The same decision on_entry makes, from the entry alone: run on the reading thread. */
static int on_want(void *ctx, const struct layer_entry *e)
{
	const struct visit *v = ctx;

	if (e->kind != LAYER_FILE)
		return 0;
	return handler_for_path(e->path) || handler_is_os_file(e->path) || (v->opt->secrets && e->size > 0) ||
	       (e->size >= GO_MIN_SIZE && (e->mode & 0111));
}

static const struct layer_visitor visitor = {
	.entry = on_entry, .want = on_want, .data = on_data, .end = on_end,
};

static int finish_result(struct layer_result *r)
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
	reset_entry(&v);
	if (rc == 0)
		rc = finish_result(out);
	return rc;
}

/* ---- unpacked root filesystems ---- */

struct dir_walk {
	struct visit *v;
	struct strbuf rel;
	int64_t entries;
	const struct layer_limits *limits;
};

#define DIR_MAX_DEPTH 128
#define DIR_MAX_ENTRIES 20000000

/* Read one regular file through the visitor, by a descriptor opened without following links. */
static int dir_file(struct dir_walk *w, int dfd, const char *name, const struct stat *st)
{
	struct layer_entry e = { w->rel.buf, LAYER_FILE, st->st_size, (unsigned)(st->st_mode & 07777), NULL };
	char buf[65536];
	ssize_t n;
	int fd, want, rc = 0;

	want = on_entry(w->v, &e);
	if (want <= 0)
		return want;
	fd = openat(dfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0)
		return on_end(w->v); /* vanished or unreadable: nothing to say about it */
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		if ((rc = on_data(w->v, buf, (size_t)n)) < 0)
			break;
	close(fd);
	if (rc == 0)
		rc = on_end(w->v);
	return rc;
}

static int dir_recurse(struct dir_walk *w, int dfd, int depth)
{
	struct dirent *de;
	struct stat st;
	DIR *d;
	size_t base = w->rel.len;
	int fd, rc = 0;

	if (depth > DIR_MAX_DEPTH)
		return 0;
	d = fdopendir(dfd);
	if (!d) {
		close(dfd);
		return 0;
	}
	while ((de = readdir(d)) && rc == 0) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		/* The virtual file systems of a live root are not part of it. */
		if (depth == 0 && (!strcmp(de->d_name, "proc") || !strcmp(de->d_name, "sys") || !strcmp(de->d_name, "dev")))
			continue;
		if (++w->entries > DIR_MAX_ENTRIES) {
			rc = err_set(ERR_LIMIT, "more than %d files under the root", DIR_MAX_ENTRIES);
			break;
		}
		strbuf_setlen(&w->rel, base);
		if (base)
			strbuf_addch(&w->rel, '/');
		strbuf_addstr(&w->rel, de->d_name);
		if (fstatat(dirfd(d), de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0)
			continue;
		if (S_ISDIR(st.st_mode)) {
			fd = openat(dirfd(d), de->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
			if (fd >= 0)
				rc = dir_recurse(w, fd, depth + 1);
		} else if (S_ISLNK(st.st_mode)) {
			char target[4096];
			ssize_t n = readlinkat(dirfd(d), de->d_name, target, sizeof(target) - 1);
			struct layer_entry e = { w->rel.buf, LAYER_SYMLINK, 0, 0, target };

			if (n >= 0) {
				target[n] = 0;
				rc = on_entry(w->v, &e);
				if (rc > 0)
					rc = 0;
			}
		} else if (S_ISREG(st.st_mode)) {
			rc = dir_file(w, dirfd(d), de->d_name, &st);
		}
	}
	strbuf_setlen(&w->rel, base);
	closedir(d);
	return rc;
}

int layer_analyze_dir(struct layer_result *out, const char *root, const struct analyze_opts *opt)
{
	struct dir_walk w;
	struct visit v;
	int fd, rc;

	memset(&v, 0, sizeof(v));
	v.r = out;
	v.opt = opt;
	w.v = &v;
	strbuf_init(&w.rel, 8192);
	w.entries = 0;
	w.limits = opt->limits;
	fd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return err_set(ERR_NOTFOUND, "%s: %s", root, strerror(errno));
	rc = dir_recurse(&w, fd, 0);
	reset_entry(&v);
	strbuf_release(&w.rel);
	out->stats.entries = w.entries;
	if (rc == 0)
		rc = finish_result(out);
	return rc;
}
