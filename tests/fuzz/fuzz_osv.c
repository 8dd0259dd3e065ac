/*
 * libFuzzer: one OSV record as 'vetter db import osv' reads it, then its
 * compiled ranges evaluated as matching does, for a few installed versions,
 * with the ordering of the record's ecosystem (or each of the seven when the
 * ecosystem has none of ours).
 *
 * Besides not crashing: a record that is accepted has an id and a modified
 * time, names each package by ecosystem and name (or by nothing), and its
 * compact ranges are lines of a known tag; its facts read back (vm_record)
 * with the id first; evaluation answers affected, not affected or not
 * applicable, or fails with ERR_PARSE, and a fix it reports is one of the
 * record's fixed versions.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/err.h"
#include "vulndb/osv.h"
#include "vulndb/vulndb_match_int.h"

static void check(int ok)
{
	if (!ok)
		abort();
}

static void evaluate(const struct osv_affected *a, enum ver_scheme s, const char *version)
{
	struct vm_target t;
	enum vm_verdict verdict;
	char *fixed = NULL, needle[VER_MAX_LEN + 3];
	int rc;

	memset(&t, 0, sizeof(t));
	t.scheme = s;
	t.flags = s == VER_GO ? VER_GO_IMPLICIT_V : 0;
	t.rpm_epoch = s == VER_RPM;
	rc = vm_evaluate(&t, a->ecosystem ? a->ecosystem : "", a->ranges, version, &verdict, &fixed);
	check(rc == 0 || rc == ERR_PARSE);
	if (rc == 0) {
		check(verdict == VM_AFFECTED || verdict == VM_NOT_AFFECTED || verdict == VM_NOT_APPLICABLE);
		check(!fixed || verdict == VM_AFFECTED);
		if (fixed) {
			snprintf(needle, sizeof(needle), "f%s\n", fixed);
			check(strstr(a->ranges, needle) != NULL);
		}
	} else {
		check(!fixed);
	}
	free(fixed);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const versions[] = { "0", "1.0", "1:2.3-4", "v1.2.3", "2.0.0-rc.1", "1.0.post1", "1.2.3-r4" };
	struct strbuf facts = STRBUF_INIT;
	const struct vm_record *rec;
	struct vm_cache *cache;
	struct osv_record r;
	size_t i, k, v;

	if (osv_parse((const char *)data, size, &r) < 0)
		return 0;
	check(r.id && osv_text_ok(r.id, strlen(r.id), OSV_ID_MAX) && r.modified);
	check(osv_facts(&r, &facts) == 0);
	check(vm_cache_new(&cache) == 0);
	check(vm_record(cache, facts.buf, &rec) == 0);
	check(!strcmp(rec->id, r.id));
	for (i = 1; i < rec->naliases; i++)
		check(strcmp(rec->aliases[i - 1], rec->aliases[i]) < 0);
	for (i = 1; i < rec->ncves; i++)
		check(strcmp(rec->cves[i - 1], rec->cves[i]) < 0);
	vm_cache_free(cache);
	strbuf_release(&facts);
	check(r.naffected <= OSV_AFFECTED_MAX);
	for (i = 0; i < r.naffected; i++) {
		const struct osv_affected *a = &r.affected[i];
		const char *line;
		enum ver_scheme s;

		check(!a->ecosystem == !a->name && !a->name == !a->key && a->ranges);
		for (line = a->ranges; *line; line = strchr(line, '\n') + 1) {
			check(strchr("ESiflxvmup", line[0]) != NULL);
			check(strchr(line, '\n') != NULL);
		}
		if (a->ecosystem && ver_scheme_for_ecosystem(a->ecosystem, &s) == 0) {
			for (v = 0; v < sizeof(versions) / sizeof(versions[0]); v++)
				evaluate(a, s, versions[v]);
		} else {
			for (k = 0; k < VER_SCHEME_COUNT; k++)
				evaluate(a, (enum ver_scheme)k, versions[k]);
		}
	}
	osv_record_release(&r);
	return 0;
}
