/*
 * cvss: the strict vector parser shared by the versions, the dispatch on the
 * prefix, and the qualitative rating.
 */
#include <math.h>
#include <string.h>

#include "core/err.h"
#include "cvss_int.h"

/* Printable form of a field for messages: outside data, so cut and bounded. */
static int field_len(size_t len)
{
	return len > 40 ? 40 : (int)len;
}

int cvss_parse_fields(const char *fields, const struct cvss_metric_def *defs, int ndefs, const char *label,
		      struct cvss_vector *out)
{
	unsigned char seen[CVSS_METRICS_MAX] = { 0 };
	char missing[CVSS_METRICS_MAX * 4 + 1];
	const char *p = fields;
	size_t nmissing = 0;
	int i;

	memset(out->value, 0, sizeof(out->value));
	if (!*p)
		return err_set(ERR_PARSE, "%s vector: no metrics after the prefix", label);
	for (;;) {
		const char *end = strchr(p, '/'), *colon;
		size_t len = end ? (size_t)(end - p) : strlen(p), nlen, vlen;
		int m = -1, v = -1;

		if (len == 0)
			return err_set(ERR_PARSE, "%s vector: empty field (a '/' too many)", label);
		colon = memchr(p, ':', len);
		if (!colon)
			return err_set(ERR_PARSE, "%s vector: field '%.*s' is not METRIC:VALUE", label, field_len(len), p);
		nlen = (size_t)(colon - p);
		vlen = len - nlen - 1;
		for (i = 0; i < ndefs; i++) {
			if (strlen(defs[i].name) == nlen && !memcmp(defs[i].name, p, nlen)) {
				m = i;
				break;
			}
		}
		if (m < 0)
			return err_set(ERR_PARSE, "%s vector: unknown metric '%.*s'", label, field_len(nlen), p);
		if (seen[m])
			return err_set(ERR_PARSE, "%s vector: metric %s given twice", label, defs[m].name);
		seen[m] = 1;
		for (i = 0; defs[m].values[i]; i++) {
			if (strlen(defs[m].values[i]) == vlen && !memcmp(defs[m].values[i], colon + 1, vlen)) {
				v = i;
				break;
			}
		}
		if (v < 0)
			return err_set(ERR_PARSE, "%s vector: metric %s has no value '%.*s'", label, defs[m].name,
				       field_len(vlen), colon + 1);
		out->value[m] = (unsigned char)v;
		if (!end)
			break;
		p = end + 1;
	}
	missing[0] = 0;
	for (i = 0; i < ndefs; i++) {
		if (defs[i].mandatory && !seen[i]) {
			size_t n = strlen(defs[i].name);

			if (nmissing)
				missing[nmissing++] = ',';
			memcpy(missing + nmissing, defs[i].name, n);
			nmissing += n;
			missing[nmissing] = 0;
		}
	}
	if (nmissing)
		return err_set(ERR_PARSE, "%s vector: missing Base metric(s) %s", label, missing);
	return 0;
}

const char *cvss_metric_value(const struct cvss_vector *v, const struct cvss_metric_def *defs, int ndefs,
			      const char *name)
{
	int i;

	for (i = 0; i < ndefs; i++)
		if (!strcmp(defs[i].name, name))
			return defs[i].values[v->value[i]];
	return NULL;
}

int cvss_parse(const char *vector, struct cvss_vector *out)
{
	static const struct {
		const char *prefix;
		int version;
	} prefixes[] = { { "CVSS:3.0/", 30 }, { "CVSS:3.1/", 31 }, { "CVSS:4.0/", 40 } };
	size_t len, i;

	memset(out, 0, sizeof(*out));
	if (!vector)
		return err_set(ERR_PARSE, "CVSS vector: none given");
	len = strnlen(vector, CVSS_VECTOR_MAX + 1);
	if (len > CVSS_VECTOR_MAX)
		return err_set(ERR_PARSE, "CVSS vector: longer than %d bytes", CVSS_VECTOR_MAX);
	if (len == 0)
		return err_set(ERR_PARSE, "CVSS vector: empty");
	for (i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++) {
		if (!strncmp(vector, prefixes[i].prefix, strlen(prefixes[i].prefix))) {
			out->version = prefixes[i].version;
			if (out->version == 40)
				return cvss4_parse_metrics(vector + strlen(prefixes[i].prefix), out);
			return cvss3_parse_metrics(vector + strlen(prefixes[i].prefix), out);
		}
	}
	return err_set(ERR_PARSE, "CVSS vector '%.*s': expected the prefix CVSS:3.0/, CVSS:3.1/ or CVSS:4.0/",
		       field_len(len), vector);
}

const char *cvss_metric(const struct cvss_vector *v, const char *name)
{
	if (v->version == 30 || v->version == 31)
		return cvss3_metric(v, name);
	if (v->version == 40)
		return cvss4_metric(v, name);
	return NULL;
}

int cvss_score(const struct cvss_vector *v, struct cvss_score *out)
{
	memset(out, 0, sizeof(*out));
	if (v->version == 40)
		cvss4_score(v, out);
	else
		cvss3_score(v, out);
	out->version = v->version;
	out->severity = cvss_severity(out->score);
	return 0;
}

int cvss_parse_score(const char *vector, struct cvss_score *out)
{
	struct cvss_vector v;
	int rc;

	if ((rc = cvss_parse(vector, &v)) < 0) {
		memset(out, 0, sizeof(*out));
		return rc;
	}
	return cvss_score(&v, out);
}

const char *cvss_severity(double score)
{
	/* Compare in tenths: scores are one-decimal numbers held in doubles. */
	long t;

	if (!(score > 0.0)) /* also NaN */
		return "None";
	if (score >= 10.0)
		return "Critical";
	t = lround(score * 10.0);
	if (t <= 0)
		return "None";
	if (t <= 39)
		return "Low";
	if (t <= 69)
		return "Medium";
	if (t <= 89)
		return "High";
	return "Critical";
}

double cvss4_round(double value)
{
	/* JavaScript's Math.round, half up, on (value + 1e-6) * 10. */
	double x = (value + 1e-6) * 10.0, f = floor(x);

	return (x - f >= 0.5 ? f + 1.0 : f) / 10.0;
}
