/*
 * The evidence basis of the findings (scoring/merge.h sets each finding's
 * "provenance"): counted per company the same way for summary.md and the
 * PDF's coverage appendix, so report_check.py can recompute both.
 */
#include <string.h>

#include "core/jsonx.h"
#include "report_int.h"

void rep_provenance_counts(const json_t *findings, const char *company, long long n[REP_PROV_N])
{
	static const char *const names[] = { "live", "supplied", "both" };
	const json_t *f;
	size_t i, k;

	memset(n, 0, sizeof(long long) * REP_PROV_N);
	json_array_foreach(findings, i, f) {
		const char *p = jsonx_strz(f, "provenance");

		/* Gaps are what was not seen: they are listed apart, not counted as findings resting on evidence. */
		if (strcmp(jsonx_strz(f, "company"), company) || !strcmp(jsonx_strz(f, "kind"), "gap"))
			continue;
		for (k = 0; k < 3 && strcmp(p, names[k]); k++)
			;
		n[k]++;
	}
}

int rep_provenance_line(struct strbuf *out, const char *company_name, const long long n[REP_PROV_N])
{
	char a[32], b[32], c[32], d[32];
	int rc;

	rep_int(a, sizeof(a), n[0]);
	rep_int(b, sizeof(b), n[1]);
	rep_int(c, sizeof(c), n[2]);
	rep_int(d, sizeof(d), n[3]);
	rc = strbuf_addf(out, "%s: %s from live collection, %s from supplied evidence, %s from both", company_name, a, b, c);
	if (rc == 0 && n[3])
		rc = strbuf_addf(out, ", %s resting on no collected source (manual findings, expired waivers)", d);
	return rc < 0 ? rc : strbuf_addch(out, '.');
}
