/*
 * bundle: a folder or zip read into memory, checked against SHA256SUMS.
 * See bundle.h.  Zip members are inflated with libarchive into memory,
 * never extracted; the total is capped so a zip bomb stops early.
 */
#include "bundle.h"

#include <archive.h>
#include <archive_entry.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/crypto.h"
#include "core/err.h"
#include "core/util.h"

static size_t max_file = BUNDLE_MAX_FILE, max_total = BUNDLE_MAX_TOTAL;

void bundle_set_limits(size_t file, size_t total)
{
	max_file = file && file < BUNDLE_MAX_FILE ? file : BUNDLE_MAX_FILE;
	max_total = total && total < BUNDLE_MAX_TOTAL ? total : BUNDLE_MAX_TOTAL;
}

/* "256 MB" */
static void size_text(char *buf, size_t n, size_t bytes)
{
	if (bytes >= ((size_t)1 << 30) && bytes % ((size_t)1 << 30) == 0)
		snprintf(buf, n, "%zu GB", bytes >> 30);
	else if (bytes >= ((size_t)1 << 20))
		snprintf(buf, n, "%zu MB", bytes >> 20);
	else
		snprintf(buf, n, "%zu bytes", bytes);
}

struct reader {
	struct bundle *b;
	size_t cap, total;
	size_t declared; /* sizes the zip's headers state */
	size_t sorted; /* files[0..sorted) are in name order (while the manifest is read) */
};

const char *bundle_status_name(enum bundle_status s)
{
	static const char *const names[] = { "ok", "no-manifest", "tampered", "unlisted", "missing", "refused" };

	return (size_t)s < sizeof(names) / sizeof(names[0]) ? names[s] : "?";
}

int bundle_name_ok(const char *name)
{
	const char *p = name;

	if (!*name || *name == '/' || strlen(name) > 1024)
		return 0;
	while (*p) {
		const char *e = strchr(p, '/');
		size_t n = e ? (size_t)(e - p) : strlen(p);

		if (n == 0 || (n == 1 && p[0] == '.') || (n == 2 && p[0] == '.' && p[1] == '.'))
			return 0;
		if (!e)
			break;
		p = e + 1;
		if (!*p)
			return 0;
	}
	for (p = name; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == '\\')
			return 0;
	return 1;
}

static struct bundle_file *add_file(struct reader *r, const char *name)
{
	struct bundle *b = r->b;
	struct bundle_file *f;

	if (b->nfiles == r->cap) {
		size_t ncap = r->cap ? r->cap * 2 : 32;
		struct bundle_file *nf = realloc(b->files, ncap * sizeof(*nf));

		if (!nf) {
			err_set(ERR_NOMEM, "out of memory");
			return NULL;
		}
		b->files = nf;
		r->cap = ncap;
	}
	f = &b->files[b->nfiles];
	memset(f, 0, sizeof(*f));
	if (!(f->name = util_strdup(name)))
		return NULL;
	b->nfiles++;
	return f;
}

static int refuse(struct reader *r, const char *name, const char *why)
{
	struct bundle_file *f = add_file(r, name);

	if (!f || !(f->problem = util_strdup(why)))
		return ERR_NOMEM;
	f->status = BUNDLE_REFUSED;
	return 0;
}

static int refuse_big(struct reader *r, const char *name)
{
	char t[32], why[80];

	size_text(t, sizeof(t), max_file);
	snprintf(why, sizeof(why), "larger than the %s a bundle file may be", t);
	return refuse(r, name, why);
}

static int bomb(struct reader *r)
{
	char t[32];

	size_text(t, sizeof(t), max_total);
	return err_set(ERR_LIMIT, "%s: inflates to more than %s (a zip bomb?): not read", r->b->path, t);
}

static int too_many(struct reader *r)
{
	if (r->b->nfiles >= BUNDLE_MAX_FILES)
		return err_set(ERR_LIMIT, "%s: more than %d files: not a bundle vetter reads", r->b->path, BUNDLE_MAX_FILES);
	return 0;
}

/* Take ownership of data (NUL-terminated, len bytes). */
static int keep(struct reader *r, const char *name, char *data, size_t len)
{
	struct bundle_file *f;
	struct strbuf hex = STRBUF_INIT;
	int rc;

	if (!(f = add_file(r, name))) {
		free(data);
		return ERR_NOMEM;
	}
	f->data = data;
	f->len = len;
	if ((rc = sha256_hex(&hex, data, len)) < 0)
		goto cleanup;
	memcpy(f->sha256, hex.buf, 65);
cleanup:
	strbuf_release(&hex);
	return rc;
}

static int read_dir(struct reader *r, const char *dir, const char *rel, int depth)
{
	struct strbuf p = STRBUF_INIT, n = STRBUF_INIT, data = STRBUF_INIT;
	struct dirent *de;
	struct stat st;
	DIR *d;
	int rc = 0;

	if (depth > BUNDLE_MAX_DEPTH)
		return refuse(r, rel, "folders nested deeper than 12 levels are not read");
	if (!(d = opendir(dir)))
		return err_set(ERR_IO, "%s: cannot open the folder", dir);
	while (rc == 0 && (de = readdir(d))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if ((rc = too_many(r)) < 0)
			break;
		strbuf_reset(&p);
		strbuf_reset(&n);
		util_path_join(&p, dir, de->d_name);
		if (*rel)
			strbuf_addf(&n, "%s/%s", rel, de->d_name);
		else
			strbuf_addstr(&n, de->d_name);
		if (lstat(p.buf, &st) < 0) {
			rc = refuse(r, n.buf, "cannot be read");
		} else if (S_ISLNK(st.st_mode)) {
			rc = refuse(r, n.buf, "a symbolic link: links are not followed out of a bundle");
		} else if (S_ISDIR(st.st_mode)) {
			rc = read_dir(r, p.buf, n.buf, depth + 1);
		} else if (!S_ISREG(st.st_mode)) {
			rc = refuse(r, n.buf, "not a regular file");
		} else if ((size_t)st.st_size > max_file) {
			rc = refuse_big(r, n.buf);
		} else if ((r->total += (size_t)st.st_size) > max_total) {
			char t[32];

			size_text(t, sizeof(t), max_total);
			rc = err_set(ERR_LIMIT, "%s: more than %s in all: not a bundle vetter reads", r->b->path, t);
		} else {
			strbuf_init(&data, max_file + 1);
			if ((rc = strbuf_read_file(&data, p.buf)) < 0) {
				rc = refuse(r, n.buf, err_last());
			} else {
				size_t len;
				char *buf = strbuf_detach(&data, &len);

				rc = buf ? keep(r, n.buf, buf, len) : ERR_NOMEM;
			}
			strbuf_release(&data);
		}
	}
	closedir(d);
	strbuf_release(&p);
	strbuf_release(&n);
	return rc;
}

static int read_zip(struct reader *r, struct archive *a)
{
	struct archive_entry *e;
	struct strbuf data = STRBUF_INIT;
	char chunk[65536];
	int ar, rc = 0;

	while (rc == 0 && (ar = archive_read_next_header(a, &e)) == ARCHIVE_OK) {
		const char *name = archive_entry_pathname(e);
		mode_t type = archive_entry_filetype(e);
		la_ssize_t got;

		if ((rc = too_many(r)) < 0)
			break;
		if (!name)
			name = "";
		if (type == AE_IFDIR)
			continue;
		if (!bundle_name_ok(name)) {
			rc = refuse(r, name, "an absolute name or one with '..' parts: refused");
			continue;
		}
		if (type != AE_IFREG || archive_entry_hardlink(e)) {
			rc = refuse(r, name, type == AE_IFLNK ? "a symbolic link: links are not followed out of a bundle"
							 : "not a regular file");
			continue;
		}
		/* Sizes the zip declares are checked before anything is inflated; what inflates is counted too. */
		if (archive_entry_size_is_set(e) && archive_entry_size(e) > 0) {
			size_t declared = (size_t)archive_entry_size(e);

			if (declared > max_file) {
				rc = refuse_big(r, name);
				continue;
			}
			if ((r->declared += declared) > max_total) {
				rc = bomb(r);
				break;
			}
		}
		strbuf_init(&data, max_file);
		while ((got = archive_read_data(a, chunk, sizeof(chunk))) > 0) {
			if ((r->total += (size_t)got) > max_total) {
				rc = bomb(r);
				break;
			}
			if (strbuf_add(&data, chunk, (size_t)got) < 0) {
				rc = refuse_big(r, name);
				got = 1;
				break;
			}
		}
		if (rc == 0 && got < 0) {
			rc = refuse(r, name, archive_error_string(a) ? archive_error_string(a) : "cannot be inflated");
		} else if (rc == 0 && got == 0) {
			size_t len;
			char *buf = strbuf_detach(&data, &len);

			rc = buf ? keep(r, name, buf, len) : ERR_NOMEM;
		}
		strbuf_release(&data);
	}
	if (rc == 0 && ar != ARCHIVE_EOF && ar != ARCHIVE_OK)
		rc = err_set(ERR_PARSE, "%s: not a readable zip: %s", r->b->path,
			     archive_error_string(a) ? archive_error_string(a) : "unknown error");
	strbuf_release(&data);
	return rc;
}

static int cmp_files(const void *pa, const void *pb)
{
	return strcmp(((const struct bundle_file *)pa)->name, ((const struct bundle_file *)pb)->name);
}

const struct bundle_file *bundle_get(const struct bundle *b, const char *name)
{
	struct bundle_file key;

	memset(&key, 0, sizeof(key));
	key.name = (char *)name;
	return b->nfiles ? bsearch(&key, b->files, b->nfiles, sizeof(key), cmp_files) : NULL;
}

int bundle_parse_sums(const char *text, size_t len, const char *what, bundle_sum_fn fn, void *ctx)
{
	struct strbuf line = STRBUF_INIT;
	size_t i = 0, lineno = 0;
	int rc = 0;

	while (i < len && rc == 0) {
		const char *nl = memchr(text + i, '\n', len - i);
		size_t n = nl ? (size_t)(nl - (text + i)) : len - i, k;
		const char *name;

		lineno++;
		strbuf_reset(&line);
		strbuf_add(&line, text + i, n);
		i += n + 1;
		strbuf_rtrim(&line);
		if (!line.len)
			continue;
		for (k = 0; k < 64 && k < line.len && strchr("0123456789abcdef", line.buf[k]) && line.buf[k]; k++)
			;
		if (k != 64 || line.len < 67 || line.buf[64] != ' ' || (line.buf[65] != ' ' && line.buf[65] != '*')) {
			rc = err_set(ERR_PARSE, "%s:%zu: expected 64 lowercase hex digits, two spaces and a file name", what,
				     lineno);
			break;
		}
		name = line.buf + 66;
		if (strlen(name) != line.len - 66 || !bundle_name_ok(name)) {
			rc = err_set(ERR_PARSE, "%s:%zu: the file name must be relative and stay inside the bundle", what,
				     lineno);
			break;
		}
		line.buf[64] = 0;
		rc = fn(ctx, name, line.buf);
	}
	strbuf_release(&line);
	return rc;
}

static int on_sum(void *ctx, const char *name, const char *hex)
{
	struct reader *r = ctx;
	struct bundle_file key, *f;
	size_t i;

	memset(&key, 0, sizeof(key));
	key.name = (char *)name;
	f = r->sorted ? bsearch(&key, r->b->files, r->sorted, sizeof(key), cmp_files) : NULL;
	for (i = r->sorted; !f && i < r->b->nfiles; i++)
		if (!strcmp(r->b->files[i].name, name))
			f = &r->b->files[i];
	if (f && f->expected)
		return err_set(ERR_PARSE, "%s: SHA256SUMS lists %s twice", r->b->path, name);
	if (!f) {
		/* Listed but absent: added after sorting, so look-ups by name stay valid until then. */
		f = add_file(r, name);
		if (!f)
			return ERR_NOMEM;
		f->status = BUNDLE_MISSING;
		f->problem = util_strdup("listed in SHA256SUMS but not in the bundle");
		f->expected = util_strdup(hex);
		return f->problem && f->expected ? 0 : ERR_NOMEM;
	}
	if (!(f->expected = util_strdup(hex)))
		return ERR_NOMEM;
	return 0;
}

static int verify(struct reader *r)
{
	struct bundle *b = r->b;
	const struct bundle_file *sums;
	struct strbuf msg = STRBUF_INIT;
	size_t i, n;
	int rc = 0;

	qsort(b->files, b->nfiles, sizeof(*b->files), cmp_files);
	for (i = 1; i < b->nfiles; i++)
		if (!strcmp(b->files[i - 1].name, b->files[i].name))
			return err_set(ERR_PARSE, "%s: holds %s twice", b->path, b->files[i].name);
	sums = bundle_get(b, "SHA256SUMS");
	if (!sums || !sums->data) {
		for (i = 0; i < b->nfiles; i++)
			if (b->files[i].status == BUNDLE_OK)
				b->files[i].status = BUNDLE_NO_MANIFEST;
		return 0;
	}
	b->has_manifest = 1;
	n = r->sorted = b->nfiles;
	strbuf_addf(&msg, "%s: SHA256SUMS", b->path);
	if ((rc = bundle_parse_sums(sums->data, sums->len, msg.buf, on_sum, r)) < 0)
		goto cleanup;
	for (i = 0; i < n; i++) {
		struct bundle_file *f = &b->files[i];

		if (f->status != BUNDLE_OK || !strcmp(f->name, "SHA256SUMS"))
			continue;
		strbuf_reset(&msg);
		if (!f->expected) {
			f->status = BUNDLE_UNLISTED;
			strbuf_addstr(&msg, "not in SHA256SUMS: added after the bundle was made; not read");
		} else if (strcmp(f->expected, f->sha256)) {
			f->status = BUNDLE_TAMPERED;
			strbuf_addf(&msg, "its SHA-256 is %s, SHA256SUMS says %s: changed after the bundle was made; not read",
				    f->sha256, f->expected);
		} else {
			continue;
		}
		free(f->data);
		f->data = NULL;
		if (!(f->problem = util_strdup(msg.buf))) {
			rc = ERR_NOMEM;
			goto cleanup;
		}
	}
	qsort(b->files, b->nfiles, sizeof(*b->files), cmp_files);
cleanup:
	strbuf_release(&msg);
	return rc;
}

static int bundle_new(struct bundle **out, struct reader *r, const char *path)
{
	memset(r, 0, sizeof(*r));
	*out = NULL;
	if (!(r->b = calloc(1, sizeof(*r->b))) || !(r->b->path = util_strdup(path))) {
		free(r->b);
		return err_set(ERR_NOMEM, "out of memory");
	}
	return 0;
}

static int zip_finish(struct bundle **out, struct reader *r, struct archive *a, int rc)
{
	archive_read_free(a);
	r->b->is_zip = 1;
	if (rc == 0)
		rc = verify(r);
	if (rc < 0) {
		bundle_free(r->b);
		return rc;
	}
	*out = r->b;
	return 0;
}

int bundle_open_zip_mem(struct bundle **out, const char *path, const void *data, size_t len)
{
	struct reader r;
	struct archive *a;
	int rc;

	if ((rc = bundle_new(out, &r, path)) < 0)
		return rc;
	if (!(a = archive_read_new())) {
		bundle_free(r.b);
		return err_set(ERR_NOMEM, "out of memory");
	}
	archive_read_support_format_zip(a);
	if (archive_read_open_memory(a, data, len) != ARCHIVE_OK)
		rc = err_set(ERR_PARSE, "%s: not a zip file: %s", path, archive_error_string(a) ? archive_error_string(a) : "");
	else
		rc = read_zip(&r, a);
	return zip_finish(out, &r, a, rc);
}

int bundle_open(struct bundle **out, const char *path)
{
	struct reader r;
	struct archive *a;
	struct stat st;
	int rc;

	if (lstat(path, &st) < 0)
		return err_set(ERR_NOTFOUND, "%s: no such file or folder", path);
	if (S_ISLNK(st.st_mode) && stat(path, &st) < 0)
		return err_set(ERR_NOTFOUND, "%s: a link to nothing", path);
	if ((rc = bundle_new(out, &r, path)) < 0)
		return rc;
	if (S_ISDIR(st.st_mode)) {
		if ((rc = read_dir(&r, path, "", 0)) == 0)
			rc = verify(&r);
		if (rc < 0) {
			bundle_free(r.b);
			return rc;
		}
		*out = r.b;
		return 0;
	}
	if (!(a = archive_read_new())) {
		bundle_free(r.b);
		return err_set(ERR_NOMEM, "out of memory");
	}
	archive_read_support_format_zip(a);
	if (archive_read_open_filename(a, path, 65536) != ARCHIVE_OK)
		rc = err_set(ERR_PARSE, "%s: neither a folder nor a zip file: %s", path,
			     archive_error_string(a) ? archive_error_string(a) : "");
	else
		rc = read_zip(&r, a);
	return zip_finish(out, &r, a, rc);
}

void bundle_free(struct bundle *b)
{
	size_t i;

	if (!b)
		return;
	for (i = 0; i < b->nfiles; i++) {
		free(b->files[i].name);
		free(b->files[i].data);
		free(b->files[i].expected);
		free(b->files[i].problem);
	}
	free(b->files);
	free(b->path);
	free(b);
}

int bundle_commands_parse(const char *text, size_t len, const char *what, struct bundle_cmd **cmds, size_t *n,
			  char **storage)
{
	char *buf, *p, *line, *save = NULL;
	size_t lineno = 0, cap = 0;

	*cmds = NULL;
	*n = 0;
	if (!(*storage = buf = malloc(len + 1)))
		return err_set(ERR_NOMEM, "out of memory");
	memcpy(buf, text, len);
	buf[len] = 0;
	if (strlen(buf) != len)
		return err_set(ERR_PARSE, "%s: holds a NUL byte", what);
	for (p = buf; (line = strtok_r(p, "\n", &save)); p = NULL) {
		char *fields[4];
		size_t k;

		lineno++;
		if (lineno == 1) {
			char *end;
			long v;

			if (strncmp(line, "# vetter-bundle\t", 16))
				return err_set(ERR_PARSE, "%s:1: expected '# vetter-bundle', a tab and the version", what);
			v = strtol(line + 16, &end, 10);
			if (end == line + 16)
				return err_set(ERR_PARSE, "%s:1: expected the bundle version after '# vetter-bundle'", what);
			if (v != 1)
				return err_set(ERR_UNSUPPORTED, "%s:1: bundle version %ld, made by a newer kit: this vetter reads "
								"version 1", what, v);
			continue;
		}
		for (k = 0; k < 4; k++) {
			fields[k] = line;
			if (k < 3) {
				char *tab = strchr(line, '\t');

				if (!tab)
					return err_set(ERR_PARSE, "%s:%zu: expected FILE, STATUS, TOOL and COMMAND separated by tabs",
						       what, lineno);
				*tab = 0;
				line = tab + 1;
			}
		}
		if (*n == cap) {
			size_t ncap = cap ? cap * 2 : 64;
			struct bundle_cmd *nc;

			if (ncap > 131072)
				return err_set(ERR_LIMIT, "%s: more than 100000 commands", what);
			if (!(nc = realloc(*cmds, ncap * sizeof(*nc))))
				return err_set(ERR_NOMEM, "out of memory");
			*cmds = nc;
			cap = ncap;
		}
		(*cmds)[*n].file = fields[0];
		(*cmds)[*n].status = atoi(fields[1]);
		(*cmds)[*n].tool = fields[2];
		(*cmds)[*n].command = fields[3];
		++*n;
	}
	if (lineno == 0)
		return err_set(ERR_PARSE, "%s: empty: expected '# vetter-bundle' and the version", what);
	return 0;
}
