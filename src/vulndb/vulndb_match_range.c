/*
 * vulndb_match_range: OSV ranges and versions lists against one installed
 * version, as the OSV schema's evaluation pseudocode says:
 *
 *   a version is affected when it is in the versions list, or when for some
 *   range it is below a limit (or the range has none) and, walking the
 *   events sorted by version, the last event that applies to it is an
 *   introduced one (introduced: v >= it; fixed: v >= it; last_affected:
 *   v > it).
 *
 * Sorting is not needed for that: the last applying event is the applying
 * event with the highest version, so it is enough to keep the highest
 * applying introduced and the highest applying fixed/last_affected and
 * compare the two (at equal versions the closing event sorts last, so
 * [X, X) is empty).  "0" as introduced is below everything.
 *
 * SEMVER ranges are compared with SemVer 2.0 precedence (node-semver's
 * strict parser), except in the Go ecosystem, whose SEMVER ranges are Go
 * module versions written without the leading v.  ECOSYSTEM ranges use the
 * ecosystem's own ordering (vulndb/version.h).
 *
 * RPM epochs follow Grype's rule (grype/version/rpm_version.go and the rpm
 * matcher): the installed version always has an epoch (0 when the rpm
 * database has none); an advisory version that names an epoch is compared
 * with it, one that does not (AlmaLinux writes "2.28-13.el9_6.alma.1" for a
 * package whose epoch may be non-zero) is compared on version-release alone,
 * because its epoch is unknown, not 0.  Module streams: an affected entry
 * for a module (ecosystem_specific.rpm_modularity, or ".module" in its
 * versions) applies only to packages built for a module (".module" in the
 * release), and a non-modular entry only to non-modular packages, as Trivy
 * keeps modular and non-modular advisories apart.
 */
#include <stdlib.h>
#include <string.h>

#include "core/err.h"
#include "core/util.h"
#include "vulndb_match_int.h"

/* "12:1.0-1" -> "1.0-1"; a version without an epoch unchanged. */
static const char *strip_epoch(const char *v)
{
	size_t n = strspn(v, "0123456789");

	return n && v[n] == ':' ? v + n + 1 : v;
}

static int has_epoch(const char *v)
{
	return strip_epoch(v) != v;
}

int vm_compare(const struct vm_target *t, const char *ecosystem, char range_type, const char *a, const char *b,
	       int *r)
{
	enum ver_scheme s = t->scheme;
	int flags = t->flags;

	if (range_type == 'S') {
		if (!strcmp(ecosystem, "Go")) {
			s = VER_GO;
			flags = VER_GO_IMPLICIT_V;
		} else {
			s = VER_NPM;
			flags = 0;
		}
	}
	if (s == VER_RPM && t->rpm_epoch && (!has_epoch(a) || !has_epoch(b)))
		return ver_compare(s, strip_epoch(a), strip_epoch(b), flags, r);
	return ver_compare(s, a, b, flags, r);
}

struct range_state {
	char type;                    /* 'E' or 'S'; 0 outside a range */
	const char *max_intro;        /* highest applying introduced ("0" lowest) */
	const char *max_close;        /* highest applying fixed or last_affected */
	const char *min_fix;          /* lowest fixed above the version */
	int has_limit, below_limit;
};

/* Finish one range: *hit when it affects; *fix its lowest fixed above the version. */
static int range_end(const struct vm_target *t, const char *eco, struct range_state *st, int *hit, const char **fix)
{
	int r;

	*hit = 0;
	*fix = NULL;
	if (!st->type)
		return 0;
	if (st->max_intro && (!st->has_limit || st->below_limit)) {
		if (!st->max_close) {
			*hit = 1;
		} else if (!strcmp(st->max_intro, "0")) {
			*hit = 0;
		} else {
			if (vm_compare(t, eco, st->type, st->max_intro, st->max_close, &r) < 0)
				return ERR_PARSE;
			*hit = r > 0;
		}
	}
	*fix = st->min_fix;
	return 0;
}

/* Keep the higher of *slot and v. */
static int keep_max(const struct vm_target *t, const char *eco, char type, const char **slot, const char *v)
{
	int r;

	if (!*slot || !strcmp(*slot, "0")) {
		*slot = v;
		return 0;
	}
	if (!strcmp(v, "0"))
		return 0;
	if (vm_compare(t, eco, type, v, *slot, &r) < 0)
		return ERR_PARSE;
	if (r > 0)
		*slot = v;
	return 0;
}

int vm_evaluate(const struct vm_target *t, const char *ecosystem, const char *ranges, const char *version,
		enum vm_verdict *verdict, char **fixed)
{
	struct range_state st;
	const char *best_fix = NULL, *any_fix = NULL, *fix;
	char *copy = NULL, *with_epoch = NULL, *p, *nl;
	int affected = 0, modular = 0, hit, r, rc = 0;

	*verdict = VM_NOT_AFFECTED;
	*fixed = NULL;
	memset(&st, 0, sizeof(st));
	/* The installed RPM always has an epoch: 0 when the rpm database has none. */
	if (t->scheme == VER_RPM && !has_epoch(version)) {
		size_t n = strlen(version);

		if (!(with_epoch = malloc(n + 3)))
			return err_set(ERR_NOMEM, "out of memory");
		memcpy(with_epoch, "0:", 2);
		memcpy(with_epoch + 2, version, n + 1);
		version = with_epoch;
	}
	if (!(copy = strdup(ranges))) {
		free(with_epoch);
		return err_set(ERR_NOMEM, "out of memory");
	}
	modular = util_has_prefix(copy, "m\n") || strstr(copy, "\nm\n");
	if (t->scheme == VER_RPM && modular != (strstr(version, ".module") != NULL)) {
		*verdict = VM_NOT_APPLICABLE;
		goto cleanup;
	}
	for (p = copy; *p; p = nl + 1) {
		char tag = *p;
		const char *v = p + 1;

		if (!(nl = strchr(p, '\n')))
			break;
		*nl = 0;
		if (tag == 'E' || tag == 'S') {
			if ((rc = range_end(t, ecosystem, &st, &hit, &fix)) < 0)
				goto cleanup;
			if (hit) {
				affected = 1;
				if (fix && (!best_fix || (vm_compare(t, ecosystem, st.type, fix, best_fix, &r) == 0 && r < 0)))
					best_fix = fix;
			}
			if (fix && !any_fix)
				any_fix = fix;
			memset(&st, 0, sizeof(st));
			st.type = tag;
			continue;
		}
		if (tag == 'v') {
			/* The schema's IncludedInVersions: the string as written (an RPM's without the added 0:). */
			if (!strcmp(v, version) || (with_epoch && !strcmp(v, with_epoch + 2)))
				affected = 1;
			continue;
		}
		if (!st.type || tag == 'm')
			continue;
		if (tag == 'i') {
			if (strcmp(v, "0")) {
				if ((rc = vm_compare(t, ecosystem, st.type, version, v, &r)) < 0)
					goto cleanup;
				if (r < 0)
					continue;
			}
			if ((rc = keep_max(t, ecosystem, st.type, &st.max_intro, v)) < 0)
				goto cleanup;
		} else if (tag == 'f' || tag == 'l') {
			if ((rc = vm_compare(t, ecosystem, st.type, version, v, &r)) < 0)
				goto cleanup;
			if (tag == 'f' && r < 0) {
				int c;

				if (!st.min_fix || (vm_compare(t, ecosystem, st.type, v, st.min_fix, &c) == 0 && c < 0))
					st.min_fix = v;
			}
			if ((tag == 'f' && r >= 0) || (tag == 'l' && r > 0)) {
				if ((rc = keep_max(t, ecosystem, st.type, &st.max_close, v)) < 0)
					goto cleanup;
			}
		} else if (tag == 'x') {
			st.has_limit = 1;
			if (strchr(v, '*')) {
				st.below_limit = 1;
			} else {
				if ((rc = vm_compare(t, ecosystem, st.type, version, v, &r)) < 0)
					goto cleanup;
				if (r < 0)
					st.below_limit = 1;
			}
		}
	}
	if ((rc = range_end(t, ecosystem, &st, &hit, &fix)) < 0)
		goto cleanup;
	if (hit) {
		affected = 1;
		if (fix && (!best_fix || (vm_compare(t, ecosystem, st.type, fix, best_fix, &r) == 0 && r < 0)))
			best_fix = fix;
	}
	if (fix && !any_fix)
		any_fix = fix;
	if (affected) {
		*verdict = VM_AFFECTED;
		/* Affected through the versions list alone: the next fix any range names. */
		if (!best_fix)
			best_fix = any_fix;
		if (best_fix && !(*fixed = strdup(best_fix)))
			rc = err_set(ERR_NOMEM, "out of memory");
	}
cleanup:
	free(copy);
	free(with_epoch);
	return rc;
}
