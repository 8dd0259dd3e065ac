/*
 * libFuzzer: a registry's WWW-Authenticate header (and a token service's
 * answer, from the same bytes).  Besides crashes, the harness aborts when a
 * parsed challenge breaks what the client relies on: a scheme name, values
 * without control characters, a Bearer pick that has a realm, a token fit
 * for a header.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/strbuf.h"
#include "scan/registry_auth.h"

static void check_value(const char *v)
{
	const unsigned char *p;

	if (!v)
		return;
	if (strlen(v) > REGAUTH_MAX_VALUE)
		abort();
	for (p = (const unsigned char *)v; *p; p++)
		if (*p < 0x20 && *p != '\t')
			abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct regauth_challenge c[REGAUTH_MAX_CHALLENGES];
	const struct regauth_challenge *pick;
	struct strbuf tok = STRBUF_INIT;
	long exp = 0;
	int n, i;

	n = regauth_parse((const char *)data, size, c, REGAUTH_MAX_CHALLENGES);
	if (n > REGAUTH_MAX_CHALLENGES)
		abort();
	for (i = 0; i < n; i++) {
		if (!c[i].scheme_name || !c[i].scheme_name[0])
			abort();
		check_value(c[i].realm);
		check_value(c[i].service);
		check_value(c[i].scope);
		check_value(c[i].error);
	}
	if (n > 0) {
		pick = regauth_pick(c, (size_t)n);
		if (pick && pick->scheme == REGAUTH_BEARER && (!pick->realm || !pick->realm[0]))
			abort();
		if (pick && pick->scheme == REGAUTH_OTHER)
			abort();
		regauth_release(c, (size_t)n);
	}
	if (regauth_token_parse((const char *)data, size, &tok, &exp, NULL) == 0) {
		for (i = 0; (size_t)i < tok.len; i++)
			if ((unsigned char)tok.buf[i] <= 0x20 || (unsigned char)tok.buf[i] >= 0x7f)
				abort();
		if (exp <= 0)
			abort();
	}
	strbuf_release(&tok);
	return 0;
}
