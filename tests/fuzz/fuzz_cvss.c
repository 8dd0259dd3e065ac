/*
 * libFuzzer: CVSS vectors, one a line as vetter cvss --batch reads them.
 * Besides not crashing, a vector that parses must score inside 0..10 at one
 * decimal, with a severity, and parse again to the same metrics.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "vulndb/cvss.h"

static void check_score(double x, int may_be_absent)
{
	if (may_be_absent && x == -1.0)
		return;
	if (!(x >= 0.0 && x <= 10.0) || fabs(x * 10.0 - nearbyint(x * 10.0)) > 1e-9)
		abort();
}

static void one(const char *line)
{
	static const char *const names[] = { "AV", "AC", "PR", "UI", "S", "C", "I", "A", "E", "MSI", "U", "CR" };
	struct cvss_vector v, again;
	struct cvss_score s;
	size_t i;

	if (cvss_parse_score(line, &s) < 0)
		return;
	if (!s.severity || (s.version != 30 && s.version != 31 && s.version != 40))
		abort();
	check_score(s.score, 0);
	check_score(s.base, 0);
	check_score(s.temporal, s.version == 40);
	check_score(s.environmental, s.version == 40);
	if (strcmp(s.severity, cvss_severity(s.score)))
		abort();
	if (cvss_parse(line, &v) < 0 || cvss_parse(line, &again) < 0 || memcmp(&v, &again, sizeof(v)))
		abort();
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		const char *val = cvss_metric(&v, names[i]);

		if (val && !*val)
			abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *buf = malloc(size + 1), *line, *nl;

	if (!buf)
		return 0;
	memcpy(buf, data, size);
	buf[size] = 0;
	for (line = buf; line; line = nl ? nl + 1 : NULL) {
		nl = strchr(line, '\n');
		if (nl)
			*nl = 0;
		one(line);
	}
	free(buf);
	return 0;
}
