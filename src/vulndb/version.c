/*
 * version: the dispatcher over the per-ecosystem comparators (ver_*.c) and
 * the small helpers they share.
 */
#include "version.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "core/err.h"
#include "core/util.h"

static const char *const scheme_names[VER_SCHEME_COUNT] = {
	[VER_DPKG] = "dpkg", [VER_RPM] = "rpm", [VER_APK] = "apk",     [VER_NPM] = "npm",
	[VER_PYPI] = "pypi", [VER_GO] = "go",   [VER_MAVEN] = "maven",
};

int ver_scheme_from_word(const char *word, enum ver_scheme *out)
{
	size_t i;

	for (i = 0; word && i < VER_SCHEME_COUNT; i++) {
		if (!strcasecmp(word, scheme_names[i])) {
			*out = (enum ver_scheme)i;
			return 0;
		}
	}
	return err_set(ERR_NOTFOUND, "unknown version scheme '%s' (dpkg, rpm, apk, npm, pypi, go or maven)",
		       word ? word : "");
}

const char *ver_scheme_name(enum ver_scheme s)
{
	return (unsigned)s < VER_SCHEME_COUNT ? scheme_names[s] : "?";
}

/* OSV ecosystem names (the part before ':') and their orderings; scheme -1
 * marks an ecosystem whose ordering is known to differ from all of ours. */
static const struct {
	const char *name;
	int scheme;
} ecosystems[] = {
	{ "Debian", VER_DPKG },
	{ "Ubuntu", VER_DPKG },
	{ "Alpine", VER_APK },
	{ "Wolfi", VER_APK },
	{ "Chainguard", VER_APK },
	{ "MinimOS", VER_APK },
	{ "AlmaLinux", VER_RPM },
	{ "Rocky Linux", VER_RPM },
	{ "Red Hat", VER_RPM },
	{ "SUSE", VER_RPM },
	{ "openSUSE", VER_RPM },
	{ "Mageia", VER_RPM },
	{ "openEuler", VER_RPM },
	{ "Photon OS", VER_RPM },
	{ "Azure Linux", VER_RPM },
	{ "npm", VER_NPM },
	/* Cargo's semver crate orders SemVer 2.0 versions as node-semver does. */
	{ "crates.io", VER_NPM },
	{ "PyPI", VER_PYPI },
	{ "Go", VER_GO },
	{ "Maven", VER_MAVEN },
	{ "RubyGems", -1 },
	{ "NuGet", -1 },
	{ "Packagist", -1 },
	{ "Hex", -1 },
	{ "Pub", -1 },
	{ "Hackage", -1 },
	{ "GHC", -1 },
	{ "CRAN", -1 },
	{ "Bioconductor", -1 },
	{ "SwiftURL", -1 },
	{ "ConanCenter", -1 },
	{ "GitHub Actions", -1 },
	{ "Bitnami", -1 },
	{ "Kubernetes", -1 },
	{ "Android", -1 },
	{ "Linux", -1 },
	{ "OSS-Fuzz", -1 },
	{ "GIT", -1 },
};

int ver_scheme_for_ecosystem(const char *osv_ecosystem, enum ver_scheme *out)
{
	const char *colon;
	size_t n, i;

	if (!osv_ecosystem)
		return err_set(ERR_NOTFOUND, "no ecosystem given");
	colon = strchr(osv_ecosystem, ':');
	n = colon ? (size_t)(colon - osv_ecosystem) : strlen(osv_ecosystem);
	for (i = 0; i < ARRAY_SIZE(ecosystems); i++) {
		if (strlen(ecosystems[i].name) != n || strncasecmp(osv_ecosystem, ecosystems[i].name, n))
			continue;
		if (ecosystems[i].scheme < 0)
			return err_set(ERR_UNSUPPORTED, "ecosystem '%.*s': its version ordering is not implemented",
				       (int)n, osv_ecosystem);
		*out = (enum ver_scheme)ecosystems[i].scheme;
		return 0;
	}
	return err_set(ERR_NOTFOUND, "unknown ecosystem '%.*s'", n > 64 ? 64 : (int)n, osv_ecosystem);
}

const char *ver_quote(char *buf, size_t size, const char *v)
{
	size_t o = 0, i;

	if (size < 8) {
		if (size)
			buf[0] = 0;
		return buf;
	}
	buf[o++] = '\'';
	for (i = 0; v && v[i] && o + 6 < size && i < 60; i++) {
		unsigned char c = (unsigned char)v[i];

		if (c < 0x20 || c >= 0x7f || c == '\\') {
			snprintf(buf + o, size - o, "\\x%02x", c);
			o += 4;
		} else {
			buf[o++] = (char)c;
		}
	}
	if (v && v[i] && o + 4 < size) {
		memcpy(buf + o, "...", 3);
		o += 3;
	}
	buf[o++] = '\'';
	buf[o] = 0;
	return buf;
}

int ver_cmp_digits(const char *a, size_t alen, const char *b, size_t blen)
{
	int c;

	while (alen && *a == '0')
		a++, alen--;
	while (blen && *b == '0')
		b++, blen--;
	if (alen != blen)
		return alen < blen ? -1 : 1;
	c = alen ? memcmp(a, b, alen) : 0;
	return (c > 0) - (c < 0);
}

static int check_len(const char *v)
{
	char q[96];

	if (!v)
		return err_set(ERR_PARSE, "no version given");
	if (strnlen(v, VER_MAX_LEN + 1) > VER_MAX_LEN)
		return err_set(ERR_PARSE, "version %s is longer than %d bytes", ver_quote(q, sizeof(q), v),
			       VER_MAX_LEN);
	return 0;
}

int ver_compare(enum ver_scheme s, const char *a, const char *b, int flags, int *result)
{
	int rc;

	if ((rc = check_len(a)) < 0 || (rc = check_len(b)) < 0)
		return rc;
	switch (s) {
	case VER_DPKG:
		return ver_dpkg_compare(a, b, result);
	case VER_RPM:
		return ver_rpm_compare(a, b, result);
	case VER_APK:
		return ver_apk_compare(a, b, result);
	case VER_NPM:
		return ver_semver_compare(a, b, flags, result);
	case VER_PYPI:
		return ver_pep440_compare(a, b, result);
	case VER_GO:
		return ver_go_compare(a, b, flags, result);
	case VER_MAVEN:
		return ver_maven_compare(a, b, result);
	}
	return err_set(ERR_INVALID, "version scheme %d is not one of ours", (int)s);
}

int ver_valid(enum ver_scheme s, const char *v, int flags)
{
	if (!v || strnlen(v, VER_MAX_LEN + 1) > VER_MAX_LEN)
		return 0;
	switch (s) {
	case VER_DPKG:
		return ver_dpkg_valid(v);
	case VER_RPM:
		return ver_rpm_valid(v);
	case VER_APK:
		return ver_apk_valid(v);
	case VER_NPM:
		return ver_semver_valid(v, flags);
	case VER_PYPI:
		return ver_pep440_valid(v);
	case VER_GO:
		return ver_go_valid(v, flags);
	case VER_MAVEN:
		return ver_maven_valid(v);
	}
	return 0;
}
