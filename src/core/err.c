#include "err.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* Fixed size on purpose: recording an error must never itself fail. */
static _Thread_local char err_msg[2048];

int err_set(int code, const char *fmt, ...)
{
	char tmp[sizeof(err_msg)];
	va_list ap;

	/* Through a copy: callers may pass err_last() itself as an argument. */
	va_start(ap, fmt);
	vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	memcpy(err_msg, tmp, sizeof(err_msg));
	return code;
}

int err_prefix(int code, const char *fmt, ...)
{
	char prefix[512], old[sizeof(err_msg)];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(prefix, sizeof(prefix), fmt, ap);
	va_end(ap);
	const char *rest;
	size_t n, room;

	memcpy(old, err_msg, sizeof(old));
	rest = old[0] ? old : err_name(code);
	n = strlen(prefix);
	if (n > sizeof(err_msg) - 3)
		n = sizeof(err_msg) - 3;
	memcpy(err_msg, prefix, n);
	memcpy(err_msg + n, ": ", 2);
	n += 2;
	room = sizeof(err_msg) - n - 1;
	if (strlen(rest) < room)
		room = strlen(rest);
	memcpy(err_msg + n, rest, room);
	err_msg[n + room] = 0;
	return code;
}

const char *err_last(void)
{
	return err_msg;
}

void err_clear(void)
{
	err_msg[0] = 0;
}

const char *err_name(int code)
{
	switch (code) {
	case ERR_OK: return "success";
	case ERR_NOMEM: return "out of memory";
	case ERR_IO: return "I/O error";
	case ERR_PARSE: return "parse error";
	case ERR_INVALID: return "invalid input";
	case ERR_NOTFOUND: return "not found";
	case ERR_LIMIT: return "limit exceeded";
	case ERR_UNSUPPORTED: return "unsupported";
	case ERR_AUTH: return "authentication failed";
	case ERR_DENIED: return "access denied";
	case ERR_NET: return "network error";
	case ERR_HTTP: return "HTTP error";
	case ERR_INTEGRITY: return "integrity check failed";
	case ERR_USAGE: return "usage error";
	case ERR_INTERRUPTED: return "interrupted";
	default: return "error";
	}
}
