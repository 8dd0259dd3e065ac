/* realpath() and mkdtemp() are XSI; glibc's memmem() (two-way, vectorised) is GNU. */
#define _XOPEN_SOURCE 700
#define _GNU_SOURCE
#include "util.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "err.h"

void *util_memmem(const void *hay, size_t haylen, const void *needle, size_t nlen)
{
#ifdef __GLIBC__
	return memmem(hay, haylen, needle, nlen);
#else
	const unsigned char *h = hay, *n = needle, *p, *end;

	if (nlen == 0)
		return (void *)hay;
	if (haylen < nlen)
		return NULL;
	end = h + haylen - nlen;
	for (p = h; p <= end; p++) {
		p = memchr(p, n[0], (size_t)(end - p) + 1);
		if (!p)
			return NULL;
		if (!memcmp(p, n, nlen))
			return (void *)p;
	}
	return NULL;
#endif
}

int util_has_prefix(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

int util_has_suffix(const char *s, const char *suffix)
{
	size_t ls = strlen(s), lx = strlen(suffix);

	return ls >= lx && !strcmp(s + ls - lx, suffix);
}

char *util_strdup(const char *s)
{
	char *d;

	if (!s)
		return NULL;
	d = strdup(s);
	if (!d)
		err_set(ERR_NOMEM, "out of memory");
	return d;
}

int util_base64_encode(struct strbuf *out, const unsigned char *data, size_t len)
{
	static const char tab[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	size_t i;
	int rc;

	if ((rc = strbuf_grow(out, (len + 2) / 3 * 4)) < 0)
		return rc;
	for (i = 0; i + 2 < len; i += 3) {
		uint32_t v = (uint32_t)data[i] << 16 | (uint32_t)data[i + 1] << 8 | data[i + 2];
		char q[4] = { tab[v >> 18], tab[(v >> 12) & 63], tab[(v >> 6) & 63], tab[v & 63] };
		strbuf_add(out, q, 4);
	}
	if (len - i == 1) {
		uint32_t v = (uint32_t)data[i] << 16;
		char q[4] = { tab[v >> 18], tab[(v >> 12) & 63], '=', '=' };
		strbuf_add(out, q, 4);
	} else if (len - i == 2) {
		uint32_t v = (uint32_t)data[i] << 16 | (uint32_t)data[i + 1] << 8;
		char q[4] = { tab[v >> 18], tab[(v >> 12) & 63], tab[(v >> 6) & 63], '=' };
		strbuf_add(out, q, 4);
	}
	return 0;
}

static int b64_value(int c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+' || c == '-')
		return 62;
	if (c == '/' || c == '_')
		return 63;
	return -1;
}

int util_base64_decode(struct strbuf *out, const char *s, size_t len)
{
	uint32_t acc = 0;
	int bits = 0, v, rc;
	size_t i;

	for (i = 0; i < len; i++) {
		int c = (unsigned char)s[i];

		if (c == ' ' || c == '\n' || c == '\r' || c == '\t')
			continue;
		if (c == '=')
			break;
		v = b64_value(c);
		if (v < 0)
			return err_set(ERR_PARSE, "invalid base64 character at offset %zu", i);
		acc = acc << 6 | (uint32_t)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			if ((rc = strbuf_addch(out, (int)((acc >> bits) & 0xff))) < 0)
				return rc;
		}
	}
	for (; i < len; i++)
		if (s[i] != '=' && s[i] != '\n' && s[i] != '\r' && s[i] != ' ')
			return err_set(ERR_PARSE, "invalid base64: data after padding");
	return 0;
}

int util_mkdirs(const char *path, unsigned mode)
{
	struct strbuf p = STRBUF_INIT;
	size_t i;
	int rc = 0;

	if ((rc = strbuf_addstr(&p, path)) < 0)
		goto cleanup;
	for (i = 1; i <= p.len; i++) {
		if (p.buf[i] != '/' && p.buf[i] != 0)
			continue;
		p.buf[i] = 0;
		if (mkdir(p.buf, mode) < 0 && errno != EEXIST) {
			rc = err_set(ERR_IO, "cannot create folder %s: %s", p.buf, strerror(errno));
			goto cleanup;
		}
		if (i < p.len)
			p.buf[i] = '/';
	}
	if (!util_is_dir(path))
		rc = err_set(ERR_IO, "%s exists and is not a folder", path);
cleanup:
	strbuf_release(&p);
	return rc;
}

int util_rm_rf(const char *path)
{
	struct strbuf child = STRBUF_INIT;
	struct dirent *de;
	struct stat st;
	DIR *d;
	int rc = 0;

	if (lstat(path, &st) < 0)
		return errno == ENOENT ? 0 : err_set(ERR_IO, "%s: %s", path, strerror(errno));
	if (!S_ISDIR(st.st_mode)) {
		if (unlink(path) < 0)
			return err_set(ERR_IO, "cannot delete %s: %s", path, strerror(errno));
		return 0;
	}
	d = opendir(path);
	if (!d)
		return err_set(ERR_IO, "%s: %s", path, strerror(errno));
	while ((de = readdir(d))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		strbuf_reset(&child);
		if ((rc = util_path_join(&child, path, de->d_name)) < 0 || (rc = util_rm_rf(child.buf)) < 0)
			break;
	}
	closedir(d);
	strbuf_release(&child);
	if (rc == 0 && rmdir(path) < 0)
		rc = err_set(ERR_IO, "cannot delete %s: %s", path, strerror(errno));
	return rc;
}

int util_is_dir(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

void util_aws_account_of(const char *p, char out[13])
{
	const char *s = p;
	int i, colons = 0;

	out[0] = 0;
	if (util_has_prefix(p, "arn:")) {
		for (s = p; *s && colons < 4; s++)
			colons += *s == ':';
		if (colons < 4)
			return;
	}
	for (i = 0; i < 12; i++)
		if (!isdigit((unsigned char)s[i]))
			return;
	if (s[12] && s[12] != ':')
		return;
	memcpy(out, s, 12);
	out[12] = 0;
}

/* 1 when dir/probe (or dir, when probe is NULL) is a folder. */
static int data_dir_here(const char *dir, const char *probe)
{
	struct strbuf p = STRBUF_INIT;
	int yes;

	if (!probe)
		return util_is_dir(dir);
	yes = util_path_join(&p, dir, probe) == 0 && util_is_dir(p.buf);
	strbuf_release(&p);
	return yes;
}

int util_data_dir(struct strbuf *out, const char *env_name, const char *name, const char *probe)
{
	static const char *const rel[] = { "", "../../", "../share/vetter/" };
	const char *env = getenv(env_name);
	struct strbuf exe = STRBUF_INIT, dir = STRBUF_INIT;
	char buf[PATH_MAX];
	ssize_t n;
	size_t i;
	int rc;

	strbuf_reset(out);
	if (env && *env)
		return strbuf_addstr(out, env);
	n = readlink("/proc/self/exe", buf, sizeof(buf) - 1);
	if (n > 0 && (buf[n] = 0, util_path_dirname(&exe, buf) == 0)) {
		for (i = 0; i < ARRAY_SIZE(rel); i++) {
			strbuf_reset(&dir);
			if (util_path_join(&dir, exe.buf, rel[i]) < 0 || strbuf_addstr(&dir, name) < 0)
				continue;
			if (data_dir_here(dir.buf, probe)) {
				rc = strbuf_addstr(out, dir.buf);
				goto cleanup;
			}
		}
	}
	strbuf_reset(&dir);
	strbuf_addf(&dir, "%s/%s", VETTER_DATADIR, name);
	if (util_is_dir(dir.buf))
		rc = strbuf_addstr(out, dir.buf);
	else
		rc = err_set(ERR_NOTFOUND, "no %s folder: set %s or install vetter's data (%s)", name, env_name, dir.buf);
cleanup:
	strbuf_release(&exe);
	strbuf_release(&dir);
	return rc;
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int util_dir_list(const char *dir, size_t max, char ***names, size_t *n, int *truncated)
{
	char **v = NULL;
	size_t cnt = 0, cap = 0;
	struct dirent *de;
	DIR *d;
	int rc = 0;

	*names = NULL;
	*n = 0;
	if (truncated)
		*truncated = 0;
	if (!(d = opendir(dir)))
		return err_set(ERR_IO, "%s: cannot open the folder: %s", dir, strerror(errno));
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		if (cnt == max) {
			if (truncated)
				*truncated = 1;
			break;
		}
		if (cnt == cap) {
			char **nv = realloc(v, (cap = cap ? cap * 2 : 64) * sizeof(*nv));

			if (!nv) {
				rc = err_set(ERR_NOMEM, "out of memory");
				goto cleanup;
			}
			v = nv;
		}
		if (!(v[cnt] = util_strdup(de->d_name))) {
			rc = err_set(ERR_NOMEM, "out of memory");
			goto cleanup;
		}
		cnt++;
	}
	if (cnt)
		qsort(v, cnt, sizeof(*v), cmp_names);
	*names = v;
	*n = cnt;
	v = NULL;
	cnt = 0;
cleanup:
	closedir(d);
	util_dir_free(v, cnt);
	return rc;
}

void util_dir_free(char **names, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
}

int util_exists(const char *path)
{
	struct stat st;

	return lstat(path, &st) == 0;
}

int util_path_join(struct strbuf *out, const char *dir, const char *rel)
{
	int rc;

	if (rel[0] == '/' || !dir[0])
		return strbuf_addstr(out, rel);
	if ((rc = strbuf_addstr(out, dir)) < 0)
		return rc;
	if (out->len && out->buf[out->len - 1] != '/' && (rc = strbuf_addch(out, '/')) < 0)
		return rc;
	while (rel[0] == '.' && rel[1] == '/')
		rel += 2;
	return strbuf_addstr(out, rel);
}

int util_path_dirname(struct strbuf *out, const char *path)
{
	const char *slash = strrchr(path, '/');

	if (!slash)
		return strbuf_addstr(out, ".");
	if (slash == path)
		return strbuf_addstr(out, "/");
	return strbuf_add(out, path, (size_t)(slash - path));
}

int util_path_within(struct strbuf *out, const char *base, const char *rel)
{
	char base_real[PATH_MAX], dir_real[PATH_MAX];
	struct strbuf joined = STRBUF_INIT, dir = STRBUF_INIT;
	const char *name;
	size_t blen;
	int rc = 0;

	if (!rel[0])
		return err_set(ERR_INVALID, "empty file reference");
	if (!realpath(base, base_real))
		return err_set(ERR_IO, "%s: %s", base, strerror(errno));
	if ((rc = util_path_join(&joined, base_real, rel)) < 0)
		goto cleanup;
	/* The file may not exist yet (an output), so resolve its folder and
	 * check the name itself when it does exist. */
	if (realpath(joined.buf, dir_real)) {
		rc = strbuf_addstr(out, dir_real);
	} else {
		if ((rc = util_path_dirname(&dir, joined.buf)) < 0)
			goto cleanup;
		if (!realpath(dir.buf, dir_real)) {
			rc = err_set(ERR_NOTFOUND, "%s: %s", rel, strerror(errno));
			goto cleanup;
		}
		name = strrchr(joined.buf, '/');
		name = name ? name + 1 : joined.buf;
		if (!strcmp(name, "..") || !strcmp(name, ".")) {
			rc = err_set(ERR_DENIED, "%s: not a file name", rel);
			goto cleanup;
		}
		if ((rc = util_path_join(out, dir_real, name)) < 0)
			goto cleanup;
		strbuf_reset(&dir);
		if ((rc = strbuf_addstr(&dir, dir_real)) < 0)
			goto cleanup;
	}
	blen = strlen(base_real);
	if (strncmp(out->buf, base_real, blen) != 0 ||
	    (out->buf[blen] != '/' && out->buf[blen] != 0 && strcmp(base_real, "/") != 0)) {
		rc = err_set(ERR_DENIED, "%s resolves outside %s; only files inside the engagement folder may be named",
			     rel, base);
		strbuf_reset(out);
	}
cleanup:
	strbuf_release(&joined);
	strbuf_release(&dir);
	return rc;
}

static atomic_ulong tmp_counter;

int util_write_file_atomic(const char *path, const void *data, size_t len, unsigned mode)
{
	struct strbuf tmp = STRBUF_INIT;
	const char *p = data;
	ssize_t n;
	int fd = -1, rc = 0;

	/* Unique per process and call: threads may write the same path at once. */
	if ((rc = strbuf_addf(&tmp, "%s.tmp.%ld.%lu", path, (long)getpid(),
			      (unsigned long)atomic_fetch_add(&tmp_counter, 1))) < 0)
		goto cleanup;
	fd = open(tmp.buf, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
	if (fd < 0) {
		rc = err_set(ERR_IO, "cannot write %s: %s", path, strerror(errno));
		goto cleanup;
	}
	while (len) {
		n = write(fd, p, len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			rc = err_set(ERR_IO, "cannot write %s: %s", path, strerror(errno));
			goto cleanup;
		}
		p += n;
		len -= (size_t)n;
	}
	if (fsync(fd) < 0 || close(fd) < 0) {
		fd = -1;
		rc = err_set(ERR_IO, "cannot write %s: %s", path, strerror(errno));
		goto cleanup;
	}
	fd = -1;
	if (rename(tmp.buf, path) < 0)
		rc = err_set(ERR_IO, "cannot write %s: %s", path, strerror(errno));
cleanup:
	if (fd >= 0)
		close(fd);
	if (rc < 0 && tmp.len)
		unlink(tmp.buf);
	strbuf_release(&tmp);
	return rc;
}

int util_check_writable_dir(const char *path)
{
	struct strbuf probe = STRBUF_INIT, parent = STRBUF_INIT;
	int rc = 0;

	if (util_exists(path)) {
		if (!util_is_dir(path))
			return err_set(ERR_IO, "%s exists and is not a folder", path);
		if (access(path, W_OK | X_OK) < 0)
			return err_set(ERR_IO, "%s: folder cannot be written: %s", path, strerror(errno));
		return 0;
	}
	/* Walk up to the first folder that exists; it must be writable. */
	if ((rc = strbuf_addstr(&probe, path)) < 0)
		goto cleanup;
	for (;;) {
		strbuf_reset(&parent);
		if ((rc = util_path_dirname(&parent, probe.buf)) < 0)
			goto cleanup;
		if (util_exists(parent.buf)) {
			if (!util_is_dir(parent.buf) || access(parent.buf, W_OK | X_OK) < 0)
				rc = err_set(ERR_IO, "%s cannot be created: %s is not a writable folder", path,
					     parent.buf);
			break;
		}
		if (!strcmp(parent.buf, probe.buf))
			break;
		strbuf_reset(&probe);
		if ((rc = strbuf_add(&probe, parent.buf, parent.len)) < 0)
			goto cleanup;
	}
cleanup:
	strbuf_release(&probe);
	strbuf_release(&parent);
	return rc;
}

static int days_in_month(int y, int m)
{
	static const int d[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;

	return m == 2 ? 28 + leap : d[m - 1];
}

static int parse_digits(const char *s, int n, int *out)
{
	int v = 0, i;

	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return 0;
}

int util_date_parse(const char *s, struct util_date *out)
{
	struct util_date d;

	if (strlen(s) != 10 || s[4] != '-' || s[7] != '-' || parse_digits(s, 4, &d.year) < 0 ||
	    parse_digits(s + 5, 2, &d.month) < 0 || parse_digits(s + 8, 2, &d.day) < 0 ||
	    d.month < 1 || d.month > 12 || d.day < 1 || d.day > days_in_month(d.year, d.month) ||
	    d.year < 1900)
		return err_set(ERR_PARSE, "'%s' is not a date of the form YYYY-MM-DD", s);
	*out = d;
	return 0;
}

/* Howard Hinnant's days_from_civil: exact for the whole proleptic calendar. */
int64_t util_date_days(const struct util_date *d)
{
	int64_t y = d->year - (d->month <= 2);
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	int64_t yoe = y - era * 400;
	int64_t mp = (d->month + 9) % 12;
	int64_t doy = (153 * mp + 2) / 5 + d->day - 1;
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;

	return era * 146097 + doe - 719468;
}

void util_date_from_days(int64_t z, struct util_date *out)
{
	int64_t era, doe, yoe, y, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	y = yoe + era * 400;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	out->day = (int)(doy - (153 * mp + 2) / 5 + 1);
	out->month = (int)(mp < 10 ? mp + 3 : mp - 9);
	out->year = (int)(y + (out->month <= 2));
}

int util_timestamp_parse(const char *s, int64_t *epoch_out)
{
	char date[11];
	struct util_date d;
	int hh = 0, mm = 0, ss = 0, oh = 0, om = 0, sign = 1;
	const char *p;

	if (strlen(s) < 10)
		return err_set(ERR_PARSE, "'%s' is not an ISO 8601 timestamp", s);
	memcpy(date, s, 10);
	date[10] = 0;
	if (util_date_parse(date, &d) < 0)
		return err_set(ERR_PARSE, "'%s' is not an ISO 8601 timestamp", s);
	p = s + 10;
	if (*p == 'T' || *p == 't' || *p == ' ') {
		if (parse_digits(p + 1, 2, &hh) < 0 || p[3] != ':' || parse_digits(p + 4, 2, &mm) < 0)
			return err_set(ERR_PARSE, "'%s' is not an ISO 8601 timestamp", s);
		p += 6;
		if (*p == ':') {
			if (parse_digits(p + 1, 2, &ss) < 0)
				return err_set(ERR_PARSE, "'%s' is not an ISO 8601 timestamp", s);
			p += 3;
		}
		if (*p == '.' || *p == ',')
			for (p++; *p >= '0' && *p <= '9'; p++)
				;
		if (*p == 'Z' || *p == 'z') {
			p++;
		} else if (*p == '+' || *p == '-') {
			sign = *p == '-' ? -1 : 1;
			if (parse_digits(p + 1, 2, &oh) < 0)
				return err_set(ERR_PARSE, "'%s' is not an ISO 8601 timestamp", s);
			p += 3;
			if (*p == ':')
				p++;
			if (parse_digits(p, 2, &om) < 0)
				return err_set(ERR_PARSE, "'%s' is not an ISO 8601 timestamp", s);
			p += 2;
		}
		if (hh > 23 || mm > 59 || ss > 60)
			return err_set(ERR_PARSE, "'%s' is not an ISO 8601 timestamp", s);
	}
	if (*p)
		return err_set(ERR_PARSE, "'%s' is not an ISO 8601 timestamp", s);
	*epoch_out = util_date_days(&d) * 86400 + hh * 3600 + mm * 60 + ss - sign * (oh * 3600 + om * 60);
	return 0;
}
