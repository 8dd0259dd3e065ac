/*
 * libFuzzer: an ECR registry host name (aws_ecr_host_parse).  Besides
 * crashes, the harness aborts when an accepted name breaks what ecr_call
 * relies on: twelve digits of account, a region of [a-z0-9-] that the name
 * holds right after ".dkr.ecr.", and an AWS suffix, or .localhost only
 * when allowed.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "connectors/aws.h"
#include "core/err.h"

static void check(const char *host, int loopback)
{
	char account[13], region[32], *lower;
	size_t i;

	if (aws_ecr_host_parse(host, loopback, account, region) < 0) {
		if (account[0] || region[0])
			abort();
		return;
	}
	if (strlen(account) != 12 || strncmp(host, account, 12) || !region[0])
		abort();
	for (i = 0; region[i]; i++)
		if (!((region[i] >= 'a' && region[i] <= 'z') || (region[i] >= '0' && region[i] <= '9') || region[i] == '-'))
			abort();
	/* Host names are case-insensitive: the suffix is compared so. */
	lower = strdup(host);
	if (!lower)
		return;
	for (i = 0; lower[i]; i++)
		if (lower[i] >= 'A' && lower[i] <= 'Z')
			lower[i] = (char)(lower[i] - 'A' + 'a');
	if (!strstr(host, region) || (!strstr(lower, ".amazonaws.com") && !(loopback && strstr(lower, ".localhost"))))
		abort();
	if (strchr(host, '/') || strchr(host, '@'))
		abort();
	free(lower);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *host = malloc(size + 1);

	if (!host)
		return 0;
	memcpy(host, data, size);
	host[size] = 0;
	check(host, 0);
	check(host, 1);
	err_clear();
	free(host);
	return 0;
}
