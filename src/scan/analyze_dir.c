/*
 * Unpacked root filesystems (dir:): one thread walks the folders, never
 * following a symlink and never leaving the root, and --jobs workers read
 * the files, each into its own result; the results are joined at the end.
 * Where the file allows random access, an ELF file whose section names say
 * it is not a Go binary is not read at all.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "analyze_int.h"
#include "core/err.h"

#define DIR_MAX_DEPTH 128
#define DIR_MAX_ENTRIES 20000000
#define DIR_QUEUE 64   /* batches */
#define DIR_BATCH 128  /* files a batch: the threads meet once per batch, not per file */
#define DIR_MAX_WORKERS 16

struct dir_job {
	char *rel;
	int64_t size;
	unsigned mode;
};

struct dir_batch {
	struct dir_job jobs[DIR_BATCH];
	int n;
};

struct dir_walk {
	int rootfd;
	struct visit main;        /* symlinks, seen by the walking thread */
	struct strbuf rel;
	int64_t entries;
	/* the queue to the workers */
	struct dir_batch *q;
	struct dir_batch fill;    /* being filled by the walking thread */
	int head, count, done;
	pthread_mutex_t mu;
	pthread_cond_t more, room;
	int rc;                   /* first worker error */
	char msg[1024];
};

struct dir_worker {
	struct dir_walk *w;
	struct visit v;
	struct layer_result r;
	pthread_t thread;
};

static uint64_t rd(const unsigned char *p, int size, int be)
{
	uint64_t v = 0;
	int i;

	for (i = 0; i < size; i++)
		v |= (uint64_t)p[be ? size - 1 - i : i] << (8 * i);
	return v;
}

/*
 * 1 when the ELF file has a .go.buildinfo section, 0 when it has section
 * headers and none is, -1 when that cannot be told and the file must be
 * streamed.
 */
static int elf_is_go(int fd, int64_t size)
{
	unsigned char eh[64], *sh = NULL, *names = NULL;
	uint64_t shoff, shentsize, shnum, shstrndx, noff, nsize, i;
	int is64, be, rc = -1;

	if (pread(fd, eh, sizeof(eh), 0) != (ssize_t)sizeof(eh) || memcmp(eh, "\x7f" "ELF", 4) ||
	    (eh[4] != 1 && eh[4] != 2) || (eh[5] != 1 && eh[5] != 2))
		return -1;
	is64 = eh[4] == 2;
	be = eh[5] == 2;
	shoff = is64 ? rd(eh + 0x28, 8, be) : rd(eh + 0x20, 4, be);
	shentsize = rd(eh + (is64 ? 0x3a : 0x2e), 2, be);
	shnum = rd(eh + (is64 ? 0x3c : 0x30), 2, be);
	shstrndx = rd(eh + (is64 ? 0x3e : 0x32), 2, be);
	if (!shoff || !shnum || shentsize < (is64 ? 64u : 40u) || shstrndx >= shnum || shnum * shentsize > (1u << 20) ||
	    shoff > (uint64_t)size || shnum * shentsize > (uint64_t)size - shoff)
		return -1;
	sh = malloc(shnum * shentsize);
	if (!sh || pread(fd, sh, shnum * shentsize, (off_t)shoff) != (ssize_t)(shnum * shentsize))
		goto out;
	noff = is64 ? rd(sh + shstrndx * shentsize + 0x18, 8, be) : rd(sh + shstrndx * shentsize + 0x10, 4, be);
	nsize = is64 ? rd(sh + shstrndx * shentsize + 0x20, 8, be) : rd(sh + shstrndx * shentsize + 0x14, 4, be);
	if (!nsize || nsize > (1u << 20) || noff > (uint64_t)size || nsize > (uint64_t)size - noff)
		goto out;
	names = malloc(nsize + 1);
	if (!names || pread(fd, names, nsize, (off_t)noff) != (ssize_t)nsize)
		goto out;
	names[nsize] = 0;
	rc = 0;
	for (i = 0; i < shnum && !rc; i++) {
		uint64_t name = rd(sh + i * shentsize, 4, be);

		rc = name < nsize && !strcmp((const char *)names + name, ".go.buildinfo");
	}
out:
	free(sh);
	free(names);
	return rc;
}

static int read_file(struct visit *v, int rootfd, const struct dir_job *j)
{
	struct layer_entry e = { j->rel, LAYER_FILE, j->size, j->mode, NULL };
	char buf[65536];
	ssize_t n;
	int fd, want, rc = 0;

	want = analyze_on_entry(v, &e);
	if (want <= 0)
		return want;
	/* The folders on the way are real folders seen by the walk; only the last step could be swapped. */
	fd = openat(rootfd, j->rel, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0)
		return analyze_on_end(v); /* vanished or unreadable: nothing to say about it */
	if (!v->h && !v->os_file && !v->sec && v->go_undecided && elf_is_go(fd, j->size) == 0) {
		close(fd);
		v->go_undecided = 0;
		return analyze_on_end(v);
	}
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		if ((rc = analyze_on_data(v, buf, (size_t)n)) < 0)
			break;
	close(fd);
	if (rc == 0)
		rc = analyze_on_end(v);
	return rc;
}

static void *worker(void *arg)
{
	struct dir_worker *k = arg;
	struct dir_walk *w = k->w;
	struct dir_batch b;
	int i, rc;

	for (;;) {
		pthread_mutex_lock(&w->mu);
		while (!w->count && !w->done)
			pthread_cond_wait(&w->more, &w->mu);
		if (!w->count) {
			pthread_mutex_unlock(&w->mu);
			return NULL;
		}
		b = w->q[w->head];
		w->head = (w->head + 1) % DIR_QUEUE;
		w->count--;
		pthread_cond_signal(&w->room);
		pthread_mutex_unlock(&w->mu);
		for (i = 0; i < b.n; i++) {
			rc = w->rc ? 0 : read_file(&k->v, w->rootfd, &b.jobs[i]);
			free(b.jobs[i].rel);
			if (rc < 0) {
				pthread_mutex_lock(&w->mu);
				if (!w->rc) {
					w->rc = rc;
					snprintf(w->msg, sizeof(w->msg), "%s", err_last());
				}
				pthread_mutex_unlock(&w->mu);
			}
		}
	}
}

static void push_batch(struct dir_walk *w)
{
	if (!w->fill.n)
		return;
	pthread_mutex_lock(&w->mu);
	while (w->count == DIR_QUEUE)
		pthread_cond_wait(&w->room, &w->mu);
	w->q[(w->head + w->count) % DIR_QUEUE] = w->fill;
	w->count++;
	pthread_cond_signal(&w->more);
	pthread_mutex_unlock(&w->mu);
	w->fill.n = 0;
}

/* Files the visitor has no use for (by path, size and mode) never reach a worker. */
static int enqueue(struct dir_walk *w, const char *rel, const struct stat *st)
{
	struct layer_entry e = { rel, LAYER_FILE, st->st_size, (unsigned)(st->st_mode & 07777), NULL };
	struct dir_job *j;

	/* A wanted file's worker records its mode; the others are recorded here. */
	if (!analyze_want(w->main.opt, &e))
		return w->rc < 0 ? w->rc : layer_result_add_special(w->main.r, rel, e.mode);
	j = &w->fill.jobs[w->fill.n];
	if (!(j->rel = strdup(rel)))
		return err_set(ERR_NOMEM, "out of memory");
	j->size = e.size;
	j->mode = e.mode;
	if (++w->fill.n == DIR_BATCH)
		push_batch(w);
	return w->rc;
}

static int recurse(struct dir_walk *w, int dfd, int depth)
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
				rc = recurse(w, fd, depth + 1);
		} else if (S_ISLNK(st.st_mode)) {
			char target[4096];
			ssize_t n = readlinkat(dirfd(d), de->d_name, target, sizeof(target) - 1);
			struct layer_entry e = { w->rel.buf, LAYER_SYMLINK, 0, 0, target };

			if (n >= 0) {
				target[n] = 0;
				rc = analyze_on_entry(&w->main, &e);
				if (rc > 0)
					rc = 0;
			}
		} else if (S_ISREG(st.st_mode)) {
			rc = enqueue(w, w->rel.buf, &st);
		}
	}
	strbuf_setlen(&w->rel, base);
	closedir(d);
	return rc;
}

/* Move what a worker found into out. */
static int join_result(struct layer_result *out, struct layer_result *r)
{
	size_t i;
	int rc;

#define MOVE(arr, n, cap)                                                                                          \
	do {                                                                                                       \
		if (r->n) {                                                                                        \
			void *nv = realloc(out->arr, (out->n + r->n) * sizeof(*out->arr));                       \
			if (!nv)                                                                                   \
				return err_set(ERR_NOMEM, "out of memory");                                        \
			out->arr = nv;                                                                             \
			memcpy(out->arr + out->n, r->arr, r->n * sizeof(*out->arr));                               \
			out->n += r->n;                                                                            \
			out->cap = out->n;                                                                         \
			r->n = 0;                                                                                  \
		}                                                                                                  \
	} while (0)
	MOVE(sources, nsources, cap_sources);
	MOVE(texts, ntexts, cap_texts);
	MOVE(links, nlinks, cap_links);
	MOVE(paths, npaths, cap_paths);
	MOVE(specials, nspecials, cap_specials);
#undef MOVE
	for (i = 0; i < r->secrets.n; i++)
		if ((rc = secret_list_add(&out->secrets, &r->secrets.v[i])) < 0)
			return rc;
	out->stats.expanded += r->stats.expanded;
	return 0;
}

int layer_analyze_dir(struct layer_result *out, const char *root, const struct analyze_opts *opt)
{
	struct dir_worker *workers = NULL;
	struct dir_walk *w;
	int i, n = opt->jobs > 0 ? opt->jobs : 2, started = 0, rc = 0, fd;

	if (n > DIR_MAX_WORKERS)
		n = DIR_MAX_WORKERS;
	w = calloc(1, sizeof(*w));
	workers = calloc((size_t)n, sizeof(*workers));
	if (w)
		w->q = calloc(DIR_QUEUE, sizeof(*w->q));
	if (!w || !workers || !w->q) {
		if (w)
			free(w->q);
		free(w);
		free(workers);
		return err_set(ERR_NOMEM, "out of memory");
	}
	w->rootfd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (w->rootfd < 0) {
		rc = err_set(ERR_NOTFOUND, "%s: %s", root, strerror(errno));
		goto cleanup;
	}
	w->main.r = out;
	w->main.opt = opt;
	strbuf_init(&w->rel, 8192);
	pthread_mutex_init(&w->mu, NULL);
	pthread_cond_init(&w->more, NULL);
	pthread_cond_init(&w->room, NULL);
	for (i = 0; i < n; i++) {
		workers[i].w = w;
		workers[i].v.r = &workers[i].r;
		workers[i].v.opt = opt;
		if (pthread_create(&workers[i].thread, NULL, worker, &workers[i]) != 0)
			break;
		started++;
	}
	if (!started) {
		rc = err_set(ERR_NOMEM, "cannot start threads");
		goto cleanup;
	}
	fd = dup(w->rootfd);
	rc = fd < 0 ? err_set(ERR_IO, "%s: %s", root, strerror(errno)) : recurse(w, fd, 0);
	push_batch(w);
	pthread_mutex_lock(&w->mu);
	w->done = 1;
	pthread_cond_broadcast(&w->more);
	pthread_mutex_unlock(&w->mu);
	for (i = 0; i < started; i++)
		pthread_join(workers[i].thread, NULL);
	if (rc == 0 && w->rc < 0)
		rc = err_set(w->rc, "%s", w->msg);
	for (i = 0; i < started && rc == 0; i++)
		rc = join_result(out, &workers[i].r);
	out->stats.entries = w->entries;
	if (rc == 0)
		rc = analyze_finish_result(out);
	pthread_mutex_destroy(&w->mu);
	pthread_cond_destroy(&w->more);
	pthread_cond_destroy(&w->room);
cleanup:
	for (i = 0; i < n; i++) {
		analyze_reset_entry(&workers[i].v);
		layer_result_release(&workers[i].r);
	}
	analyze_reset_entry(&w->main);
	strbuf_release(&w->rel);
	if (w->rootfd >= 0)
		close(w->rootfd);
	for (i = 0; i < w->fill.n; i++)
		free(w->fill.jobs[i].rel);
	free(w->q);
	free(workers);
	free(w);
	return rc;
}
