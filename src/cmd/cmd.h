/*
 * cmd: the commands of the vetter program.  main.c parses the global
 * options and dispatches; each command parses its own options and returns
 * the process exit code.
 */
#ifndef VETTER_CMD_H
#define VETTER_CMD_H

/* Exit codes, the same for every command. */
enum exit_code {
	EXIT_DONE = 0,
	EXIT_TRIPPED = 1, /* --fail-on reached, or a verification failed */
	EXIT_USAGE = 2,   /* bad command line or engagement file */
	EXIT_GAPS = 3,    /* done, with coverage gaps */
	EXIT_FATAL = 4,
};

struct cli_globals {
	int jobs;
	int quiet, verbose, no_progress;
};

extern struct cli_globals cli;

struct command {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *summary;
	const char *usage; /* full help text */
};

/* NULL-terminated table, in help order. */
extern const struct command commands[];

int cmd_run(int argc, char **argv);
int cmd_evidence(int argc, char **argv);
int cmd_purge(int argc, char **argv);
int cmd_sbom(int argc, char **argv);
int cmd_inventory(int argc, char **argv);
int cmd_vercmp(int argc, char **argv);
int cmd_cvss(int argc, char **argv);
int cmd_debug(int argc, char **argv);

/* Print err_last() as "vetter: error: ..." and return code. */
int cmd_fail(int code);
/* Print the usage of a command to stdout (for --help) and return 0. */
int cmd_help(const char *name);
/* Print "usage error" with the command's one-line usage to stderr; returns EXIT_USAGE. */
int cmd_usage_error(const char *name, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
