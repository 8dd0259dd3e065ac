#include "strbuf.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "err.h"

char strbuf_empty[1];

static size_t strbuf_limit(const struct strbuf *sb)
{
	return sb->limit ? sb->limit : STRBUF_DEFAULT_LIMIT;
}

void strbuf_init(struct strbuf *sb, size_t limit)
{
	sb->buf = strbuf_empty;
	sb->len = 0;
	sb->alloc = 0;
	sb->limit = limit;
}

void strbuf_release(struct strbuf *sb)
{
	if (sb->alloc)
		free(sb->buf);
	sb->buf = strbuf_empty;
	sb->len = 0;
	sb->alloc = 0;
}

void strbuf_reset(struct strbuf *sb)
{
	sb->len = 0;
	if (sb->alloc)
		sb->buf[0] = 0;
}

char *strbuf_detach(struct strbuf *sb, size_t *len_out)
{
	char *out;

	if (len_out)
		*len_out = sb->len;
	if (!sb->alloc) {
		out = calloc(1, 1);
	} else {
		out = sb->buf;
	}
	sb->buf = strbuf_empty;
	sb->len = 0;
	sb->alloc = 0;
	return out;
}

int strbuf_grow(struct strbuf *sb, size_t extra)
{
	size_t need, nalloc;
	char *nbuf;

	if (extra > strbuf_limit(sb) || sb->len > strbuf_limit(sb) - extra)
		return err_set(ERR_LIMIT, "buffer limit of %zu bytes reached", strbuf_limit(sb));
	need = sb->len + extra + 1;
	if (need <= sb->alloc)
		return 0;
	nalloc = sb->alloc ? sb->alloc : 64;
	while (nalloc < need)
		nalloc = nalloc < ((size_t)1 << 40) ? nalloc * 2 : need;
	nbuf = realloc(sb->alloc ? sb->buf : NULL, nalloc);
	if (!nbuf)
		return err_set(ERR_NOMEM, "out of memory growing a buffer to %zu bytes", nalloc);
	if (!sb->alloc)
		nbuf[0] = 0;
	sb->buf = nbuf;
	sb->alloc = nalloc;
	return 0;
}

int strbuf_add(struct strbuf *sb, const void *data, size_t len)
{
	int rc = strbuf_grow(sb, len);

	if (rc < 0)
		return rc;
	if (len)
		memcpy(sb->buf + sb->len, data, len);
	sb->len += len;
	sb->buf[sb->len] = 0;
	return 0;
}

int strbuf_addstr(struct strbuf *sb, const char *s)
{
	return strbuf_add(sb, s, strlen(s));
}

int strbuf_addch(struct strbuf *sb, int c)
{
	char ch = (char)c;

	return strbuf_add(sb, &ch, 1);
}

int strbuf_vaddf(struct strbuf *sb, const char *fmt, va_list ap)
{
	va_list cp;
	int n, rc;

	va_copy(cp, ap);
	n = vsnprintf(NULL, 0, fmt, cp);
	va_end(cp);
	if (n < 0)
		return err_set(ERR_INVALID, "bad format string");
	rc = strbuf_grow(sb, (size_t)n);
	if (rc < 0)
		return rc;
	vsnprintf(sb->buf + sb->len, (size_t)n + 1, fmt, ap);
	sb->len += (size_t)n;
	return 0;
}

int strbuf_addf(struct strbuf *sb, const char *fmt, ...)
{
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = strbuf_vaddf(sb, fmt, ap);
	va_end(ap);
	return rc;
}

int strbuf_addhex(struct strbuf *sb, const unsigned char *data, size_t len)
{
	static const char hex[] = "0123456789abcdef";
	size_t i;
	int rc = strbuf_grow(sb, len * 2);

	if (rc < 0)
		return rc;
	for (i = 0; i < len; i++) {
		sb->buf[sb->len++] = hex[data[i] >> 4];
		sb->buf[sb->len++] = hex[data[i] & 15];
	}
	sb->buf[sb->len] = 0;
	return 0;
}

void strbuf_setlen(struct strbuf *sb, size_t len)
{
	if (len < sb->len) {
		sb->len = len;
		sb->buf[len] = 0;
	}
}

void strbuf_rtrim(struct strbuf *sb)
{
	while (sb->len && (sb->buf[sb->len - 1] == ' ' || sb->buf[sb->len - 1] == '\t' ||
			   sb->buf[sb->len - 1] == '\n' || sb->buf[sb->len - 1] == '\r'))
		sb->len--;
	if (sb->alloc)
		sb->buf[sb->len] = 0;
}

int strbuf_read_fd(struct strbuf *sb, int fd)
{
	char chunk[65536];
	ssize_t n;
	int rc;

	for (;;) {
		n = read(fd, chunk, sizeof(chunk));
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return err_set(ERR_IO, "read failed: %s", strerror(errno));
		}
		if (n == 0)
			return 0;
		rc = strbuf_add(sb, chunk, (size_t)n);
		if (rc < 0)
			return rc;
	}
}

int strbuf_read_file(struct strbuf *sb, const char *path)
{
	int fd, rc;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return err_set(errno == ENOENT ? ERR_NOTFOUND : ERR_IO, "%s: %s", path, strerror(errno));
	rc = strbuf_read_fd(sb, fd);
	close(fd);
	if (rc < 0)
		return err_prefix(rc, "%s", path);
	return 0;
}
