#include "log.h"

#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "err.h"
#include "util.h"

#define LOG_MAX_SECRETS 256

static enum log_level log_level = LOG_INFO;
static FILE *log_file;
static int log_progress_active;
static pthread_mutex_t log_lock = PTHREAD_MUTEX_INITIALIZER;

/* Each secret is kept together with its base64 forms (as-is and unpadded). */
static struct strbuf log_secrets[LOG_MAX_SECRETS];
static size_t log_nsecrets;

void log_set_level(enum log_level level)
{
	log_level = level;
}

enum log_level log_get_level(void)
{
	return log_level;
}

void log_set_progress_active(int active)
{
	log_progress_active = active;
}

int log_open_file(const char *path)
{
	int fd;
	FILE *f;

	fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
	if (fd < 0)
		return err_set(ERR_IO, "%s: cannot open run log", path);
	f = fdopen(fd, "a");
	if (!f) {
		close(fd);
		return err_set(ERR_IO, "%s: cannot open run log", path);
	}
	pthread_mutex_lock(&log_lock);
	if (log_file)
		fclose(log_file);
	log_file = f;
	pthread_mutex_unlock(&log_lock);
	return 0;
}

void log_close_file(void)
{
	pthread_mutex_lock(&log_lock);
	if (log_file)
		fclose(log_file);
	log_file = NULL;
	pthread_mutex_unlock(&log_lock);
}

static int log_secret_push(const char *value, size_t len)
{
	size_t i;

	if (len < 4)
		return 0;
	for (i = 0; i < log_nsecrets; i++)
		if (log_secrets[i].len == len && !memcmp(log_secrets[i].buf, value, len))
			return 0;
	if (log_nsecrets == LOG_MAX_SECRETS)
		return err_set(ERR_LIMIT, "too many secrets registered");
	strbuf_init(&log_secrets[log_nsecrets], 0);
	if (strbuf_add(&log_secrets[log_nsecrets], value, len) < 0)
		return ERR_NOMEM;
	log_nsecrets++;
	return 0;
}

int log_secret_add(const char *value, size_t len)
{
	struct strbuf b64 = STRBUF_INIT;
	int rc;

	pthread_mutex_lock(&log_lock);
	rc = log_secret_push(value, len);
	if (rc == 0 && len >= 4) {
		rc = util_base64_encode(&b64, (const unsigned char *)value, len);
		if (rc == 0)
			rc = log_secret_push(b64.buf, b64.len);
		while (rc == 0 && b64.len && b64.buf[b64.len - 1] == '=')
			strbuf_setlen(&b64, b64.len - 1);
		if (rc == 0)
			rc = log_secret_push(b64.buf, b64.len);
	}
	pthread_mutex_unlock(&log_lock);
	strbuf_release(&b64);
	return rc;
}

void log_secret_clear(void)
{
	size_t i;

	pthread_mutex_lock(&log_lock);
	for (i = 0; i < log_nsecrets; i++)
		strbuf_release(&log_secrets[i]);
	log_nsecrets = 0;
	pthread_mutex_unlock(&log_lock);
}

static int log_scrub_locked(struct strbuf *sb)
{
	static const char mark[] = "[REDACTED]";
	struct strbuf out = STRBUF_INIT;
	size_t i, pos;
	int hits = 0;
	char *p;

	for (i = 0; i < log_nsecrets; i++) {
		const struct strbuf *s = &log_secrets[i];

		if (!s->len || sb->len < s->len)
			continue;
		if (!util_memmem(sb->buf, sb->len, s->buf, s->len))
			continue;
		strbuf_reset(&out);
		pos = 0;
		while ((p = util_memmem(sb->buf + pos, sb->len - pos, s->buf, s->len))) {
			if (strbuf_add(&out, sb->buf + pos, (size_t)(p - (sb->buf + pos))) < 0 ||
			    strbuf_add(&out, mark, sizeof(mark) - 1) < 0)
				goto fail;
			pos = (size_t)(p - sb->buf) + s->len;
			hits++;
		}
		if (strbuf_add(&out, sb->buf + pos, sb->len - pos) < 0)
			goto fail;
		strbuf_reset(sb);
		if (strbuf_add(sb, out.buf, out.len) < 0)
			goto fail;
	}
	strbuf_release(&out);
	return hits;
fail:
	/* Never let a secret through because memory ran out: blank the line. */
	strbuf_release(&out);
	strbuf_reset(sb);
	return hits + 1;
}

int log_scrub(struct strbuf *sb)
{
	int hits;

	pthread_mutex_lock(&log_lock);
	hits = log_scrub_locked(sb);
	pthread_mutex_unlock(&log_lock);
	return hits;
}

void log_msg(enum log_level level, const char *fmt, ...)
{
	static const char *const names[] = { "error", "warning", "info", "debug" };
	struct strbuf line = STRBUF_INIT;
	char stamp[32];
	struct tm tm;
	time_t now;
	va_list ap;

	va_start(ap, fmt);
	if (strbuf_vaddf(&line, fmt, ap) < 0) {
		va_end(ap);
		strbuf_release(&line);
		return;
	}
	va_end(ap);
	strbuf_rtrim(&line);

	pthread_mutex_lock(&log_lock);
	log_scrub_locked(&line);
	if (level <= log_level) {
		if (log_progress_active)
			fputs("\r\033[K", stderr);
		if (level == LOG_INFO)
			fprintf(stderr, "vetter: %s\n", line.buf);
		else
			fprintf(stderr, "vetter: %s: %s\n", names[level], line.buf);
		fflush(stderr);
	}
	if (log_file && level <= LOG_INFO + (log_level == LOG_DEBUG)) {
		now = time(NULL);
		gmtime_r(&now, &tm);
		strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%SZ", &tm);
		fprintf(log_file, "%s %s %s\n", stamp, names[level], line.buf);
		fflush(log_file);
	}
	pthread_mutex_unlock(&log_lock);
	strbuf_release(&line);
}

void log_file_msg(const char *fmt, ...)
{
	struct strbuf line = STRBUF_INIT;
	char stamp[32];
	struct tm tm;
	time_t now;
	va_list ap;

	if (!log_file)
		return;
	va_start(ap, fmt);
	if (strbuf_vaddf(&line, fmt, ap) < 0) {
		va_end(ap);
		strbuf_release(&line);
		return;
	}
	va_end(ap);
	pthread_mutex_lock(&log_lock);
	log_scrub_locked(&line);
	if (log_file) {
		now = time(NULL);
		gmtime_r(&now, &tm);
		strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%SZ", &tm);
		fprintf(log_file, "%s request %s\n", stamp, line.buf);
		fflush(log_file);
	}
	pthread_mutex_unlock(&log_lock);
	strbuf_release(&line);
}
