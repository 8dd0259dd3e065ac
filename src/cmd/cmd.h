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
int cmd_registry(int argc, char **argv);
int cmd_cvss(int argc, char **argv);
int cmd_debug(int argc, char **argv);
int cmd_db(int argc, char **argv);
int cmd_scan(int argc, char **argv);
int cmd_kit(int argc, char **argv);
int cmd_import(int argc, char **argv);

struct image;
struct scan_result;
/* Open and scan the image ref_text for the ad-hoc commands (sbom, inventory,
 * scan); 0, or an exit code after printing the error. */
int cmd_scan_image(const char *cmd, const char *ref_text, const char *platform, int secrets, struct image **img,
		   struct scan_result *res);
int cmd_rules(int argc, char **argv);
int cmd_check(int argc, char **argv);

/*
 * The registry options of every command that reads images (sbom, inventory,
 * registry, scan): put CMD_REGISTRY_LONGOPTS in the getopt_long table, pass
 * each option to cmd_registry_opt(), and call cmd_registry_apply() before
 * opening an image.  CMD_REGISTRY_USAGE is their help text.
 */
struct cmd_registry_opts {
	const char *config;  /* --registry-config FILE */
	const char *ca_file; /* --ca-file FILE */
	int plain_http, insecure, allow_exec;
	long timeout;        /* --timeout SECONDS, 0 = default */
};
#define CMD_REGISTRY_LONGOPTS                                                                                          \
	{ "registry-config", required_argument, NULL, 0x1f01 }, { "ca-file", required_argument, NULL, 0x1f02 },      \
		{ "plain-http", no_argument, NULL, 0x1f03 }, { "insecure", no_argument, NULL, 0x1f04 },             \
		{ "allow-exec", no_argument, NULL, 0x1f05 }, { "timeout", required_argument, NULL, 0x1f06 }
#define CMD_REGISTRY_USAGE                                                                                             \
	"Registry images (registry:HOST/REPO:TAG, registry:HOST/REPO@sha256:DIGEST):\n"                                 \
	"  --registry-config FILE  credentials from this docker config.json instead of\n"                              \
	"                     $DOCKER_CONFIG/config.json or ~/.docker/config.json\n"                                    \
	"  --allow-exec       let the config's credHelpers/credsStore run (they are programs)\n"                       \
	"  --ca-file FILE     also trust the CA certificates in FILE (PEM)\n"                                           \
	"  --plain-http       speak HTTP, not HTTPS: loopback registries only, unless --insecure\n"                     \
	"  --insecure         with --plain-http: allow plain HTTP to any host\n"                                        \
	"  --timeout SECONDS  per request (layers: per stalled stream); default 60\n"
/* 1 when c was a registry option (taken), 0 when not, -1 when its value is bad (message printed). */
int cmd_registry_opt(struct cmd_registry_opts *o, int c, const char *arg, const char *cmd);
/* Check the options and make them the settings image_open() uses: 0, or an exit code. */
int cmd_registry_apply(const struct cmd_registry_opts *o, const char *cmd);

/* Print err_last() as "vetter: error: ..." and return code. */
int cmd_fail(int code);
/* Print the usage of a command to stdout (for --help) and return 0. */
int cmd_help(const char *name);
/* Print "usage error" with the command's one-line usage to stderr; returns EXIT_USAGE. */
int cmd_usage_error(const char *name, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
