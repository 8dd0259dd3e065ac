/*
 * vetter vercmp ECOSYSTEM A B
 * vetter vercmp ECOSYSTEM --batch     (left<TAB>right lines on stdin)
 * vetter vercmp npm --range --batch   (range<TAB>version lines on stdin)
 *
 * The version comparators of advisory matching, from the command line: to
 * check what vetter thinks of two versions, or to run a whole file of test
 * vectors through it.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cmd.h"
#include "core/err.h"
#include "core/strbuf.h"
#include "vulndb/version.h"

/* Longest stdin line taken: two versions of VER_MAX_LEN and a tab, with room. */
#define LINE_MAX_BYTES (4 * VER_MAX_LEN)

struct vercmp_opts {
	enum ver_scheme scheme;
	int flags;
	int range; /* npm: satisfies(version, range) instead of compare */
};

/* One line or one pair: prints -1/0/1 (or 1/0 for --range); <0 on a bad version. */
static int vercmp_one(const struct vercmp_opts *o, const char *left, const char *right)
{
	int rc, r = 0;

	if (o->range)
		rc = semver_range_satisfies(left, right, o->flags, &r);
	else
		rc = ver_compare(o->scheme, left, right, o->flags, &r);
	if (rc < 0)
		return rc;
	printf("%d\n", r);
	return 0;
}

/*
 * Read stdin line by line, never holding more than LINE_MAX_BYTES of one
 * line: a longer line is answered "error" and skipped to its end.  A line
 * is split at its first TAB; one CR before the newline is dropped.
 */
static int vercmp_batch(const struct vercmp_opts *o)
{
	struct strbuf line = STRBUF_INIT;
	int c, too_long = 0, eof = 0, rc = 0;

	while (!eof) {
		c = getchar();
		if (c == EOF) {
			eof = 1;
			if (!line.len && !too_long)
				break;
		} else if (c != '\n') {
			if (!too_long && line.len < LINE_MAX_BYTES) {
				if ((rc = strbuf_addch(&line, c)) < 0)
					goto cleanup;
			} else {
				too_long = 1;
			}
			continue;
		}
		if (line.len && line.buf[line.len - 1] == '\r')
			strbuf_setlen(&line, line.len - 1);
		{
			char *tab = memchr(line.buf, '\t', line.len);

			if (too_long || !tab || strlen(line.buf) != line.len) {
				puts("error");
			} else {
				*tab = 0;
				if (vercmp_one(o, line.buf, tab + 1) < 0)
					puts("error");
			}
		}
		strbuf_reset(&line);
		too_long = 0;
	}
	if (ferror(stdin))
		rc = err_set(ERR_IO, "reading standard input failed");
	if (fflush(stdout) != 0)
		rc = err_set(ERR_IO, "writing standard output failed");
cleanup:
	strbuf_release(&line);
	return rc;
}

int cmd_vercmp(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "batch", no_argument, NULL, 'b' },
		{ "loose", no_argument, NULL, 'l' },
		{ "range", no_argument, NULL, 'r' },
		{ "include-prerelease", no_argument, NULL, 'p' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct vercmp_opts o = { VER_DPKG, 0, 0 };
	int batch = 0, c, rc;

	optind = 1;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'b':
			batch = 1;
			break;
		case 'l':
			o.flags |= VER_LOOSE;
			break;
		case 'r':
			o.range = 1;
			break;
		case 'p':
			o.flags |= VER_INCLUDE_PRERELEASE;
			break;
		case 'h':
			return cmd_help("vercmp");
		default:
			return cmd_usage_error("vercmp", "unknown option");
		}
	}
	if (optind >= argc)
		return cmd_usage_error("vercmp", "which ecosystem?");
	if (ver_scheme_from_word(argv[optind], &o.scheme) < 0 &&
	    (rc = ver_scheme_for_ecosystem(argv[optind], &o.scheme)) < 0)
		return cmd_usage_error("vercmp", "%s", rc == ERR_UNSUPPORTED ? err_last()
					: "unknown ecosystem (dpkg, rpm, apk, npm, pypi, go, maven or an OSV name)");
	if (o.range && o.scheme != VER_NPM)
		return cmd_usage_error("vercmp", "--range is for npm");
	if (o.scheme == VER_GO && strcmp(argv[optind], "go") != 0)
		o.flags |= VER_GO_IMPLICIT_V; /* an OSV "Go" ecosystem writes versions without the v */
	optind++;
	if (batch) {
		if (optind != argc)
			return cmd_usage_error("vercmp", "--batch reads the pairs from standard input");
		if ((rc = vercmp_batch(&o)) < 0)
			return cmd_fail(EXIT_FATAL);
		return EXIT_DONE;
	}
	if (argc - optind != 2)
		return cmd_usage_error("vercmp", "give two versions (or --batch)");
	if (vercmp_one(&o, argv[optind], argv[optind + 1]) < 0) {
		cmd_fail(EXIT_USAGE);
		return EXIT_USAGE;
	}
	return EXIT_DONE;
}
