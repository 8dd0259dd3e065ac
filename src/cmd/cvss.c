/*
 * vetter cvss VECTOR...
 * vetter cvss --batch          (one vector a line on standard input)
 *
 * One tab-separated line per vector, in input order:
 *   v3.x   BASE  TEMPORAL  ENVIRONMENTAL  SEVERITY
 *   v4.0   SCORE  SEVERITY
 *   error  (the reason goes to stderr)
 * SEVERITY is that of struct cvss_score's score (see vulndb/cvss.h): for v3.x
 * the most refined score the vector defines (Environmental when it has an
 * Environmental metric, else Temporal when it has a Temporal metric, else
 * Base), for v4.0 the one score.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cmd.h"
#include "core/err.h"
#include "core/log.h"
#include "vulndb/cvss.h"

/* Print the line of one vector; returns 0, or -1 when it is invalid. */
static int print_one(const char *vector, const char *where)
{
	struct cvss_score s;

	if (cvss_parse_score(vector, &s) < 0) {
		log_error("%s%s", where, err_last());
		fputs("error\n", stdout);
		return -1;
	}
	if (s.version == 40)
		printf("%.1f\t%s\n", s.score, s.severity);
	else
		printf("%.1f\t%.1f\t%.1f\t%s\n", s.base, s.temporal, s.environmental, s.severity);
	return 0;
}

/* Standard input, a line at a time, never holding more than one bounded line. */
static int run_batch(void)
{
	char line[CVSS_VECTOR_MAX + 8], where[48]; /* room for a CR and blanks around the longest vector */
	long lineno = 0;
	int c = 0;

	while (c != EOF) {
		size_t len = 0, start = 0;
		int too_long = 0, nul = 0;

		while ((c = getchar()) != EOF && c != '\n') {
			if (c == 0)
				nul = 1;
			else if (len < sizeof(line) - 1)
				line[len++] = (char)c;
			else
				too_long = 1;
		}
		if (c == EOF && len == 0 && !too_long && !nul)
			break; /* no last line after the final newline */
		line[len] = 0;
		lineno++;
		snprintf(where, sizeof(where), "line %ld: ", lineno);
		/* Surrounding blanks and a CR are the file's, not the vector's. */
		while (len > start && (line[len - 1] == '\r' || line[len - 1] == ' ' || line[len - 1] == '\t'))
			line[--len] = 0;
		while (line[start] == ' ' || line[start] == '\t')
			start++;
		if (too_long || nul) {
			if (too_long)
				log_error("%sCVSS vector: longer than %d bytes", where, CVSS_VECTOR_MAX);
			else
				log_error("%sCVSS vector: contains a NUL byte", where);
			fputs("error\n", stdout);
			continue;
		}
		print_one(line + start, where);
	}
	if (ferror(stdin)) {
		log_error("cvss: cannot read standard input");
		return EXIT_FATAL;
	}
	return EXIT_DONE;
}

int cmd_cvss(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "batch", no_argument, NULL, 'b' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int batch = 0, c, i, bad = 0;

	optind = 1;
	/* '+': stop at the first vector, so that nothing in one is taken for an option. */
	while ((c = getopt_long(argc, argv, "+h", opts, NULL)) != -1) {
		switch (c) {
		case 'b': batch = 1; break;
		case 'h': return cmd_help("cvss");
		default: return cmd_usage_error("cvss", "invalid option");
		}
	}
	if (batch && optind < argc)
		return cmd_usage_error("cvss", "--batch reads the vectors from standard input; give none as arguments");
	if (batch)
		return run_batch();
	if (optind == argc)
		return cmd_usage_error("cvss", "give one or more CVSS vectors, or --batch");
	for (i = optind; i < argc; i++)
		if (print_one(argv[i], "") < 0)
			bad = 1;
	return bad ? EXIT_USAGE : EXIT_DONE;
}
