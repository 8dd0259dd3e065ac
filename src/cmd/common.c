#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "cmd.h"
#include "core/err.h"
#include "core/log.h"

struct cli_globals cli = { 0, 0, 0, 0 };

int cmd_fail(int code)
{
	log_error("%s", err_last()[0] ? err_last() : "failed");
	return code;
}

int cmd_help(const char *name)
{
	size_t i;

	for (i = 0; commands[i].name; i++) {
		if (!strcmp(commands[i].name, name)) {
			fputs(commands[i].usage, stdout);
			return EXIT_DONE;
		}
	}
	fprintf(stderr, "vetter: no such command '%s'; 'vetter help' lists them\n", name);
	return EXIT_USAGE;
}

int cmd_usage_error(const char *name, const char *fmt, ...)
{
	const char *usage = NULL, *nl;
	va_list ap;
	size_t i;

	fputs("vetter: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	for (i = 0; commands[i].name; i++)
		if (!strcmp(commands[i].name, name))
			usage = commands[i].usage;
	if (usage) {
		nl = strchr(usage, '\n');
		fprintf(stderr, "%.*s\n", nl ? (int)(nl - usage) : (int)strlen(usage), usage);
		fprintf(stderr, "Try 'vetter %s --help'.\n", name);
	}
	return EXIT_USAGE;
}
