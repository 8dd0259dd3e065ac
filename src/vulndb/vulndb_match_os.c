/*
 * vulndb_match_os: which OSV ecosystems the packages of an image are looked
 * up in, and how.
 *
 *   OS (os-release id)     ecosystem                             looked up by
 *   debian 12              Debian:12                             source package, source version
 *   ubuntu 22.04           Ubuntu:22.04:LTS (23.10: Ubuntu:23.10) source package, source version
 *                          + Ubuntu:Pro:22.04:LTS when the image has ESM packages (a version with "esm")
 *   alpine 3.19.1          Alpine:v3.19                          origin
 *   wolfi, chainguard      Wolfi, Chainguard                     origin
 *   almalinux 9.4          AlmaLinux:9                           binary name, EVR
 *   rocky 9.4              Rocky Linux:9                         binary name, EVR
 *   rhel 9.4               Red Hat:enterprise_linux:9::* (every stream the database holds)
 *                                                                binary name, EVR
 *   sles, opensuse-*       SUSE:<PRETTY_NAME>, openSUSE:<PRETTY_NAME> source rpm name
 *   photon 5.0             Photon OS:5.0                         binary name
 *   npm, PyPI, Go, Maven   npm, PyPI, Go, Maven                  name (npm @scope/name, Maven group:artifact,
 *                                                                PyPI normalised)
 *
 * Any other OS (Amazon Linux, CentOS, Oracle Linux, Fedora, ...) has no OSV
 * advisory source here; its packages are a coverage gap, never "clean".
 */
#include <stdlib.h>
#include <string.h>

#include "core/err.h"
#include "core/jsonx.h"
#include "core/util.h"
#include "vulndb_match_int.h"

size_t vm_ecosystem_records(struct vulndb *db, const char *ecosystem)
{
	if (!db->eco_records) {
		sqlite3_stmt *s = NULL;

		if (!(db->eco_records = json_object()))
			return 0;
		if (sqlite3_prepare_v2(db->db, "SELECT ecosystem, records FROM ecosystem", -1, &s, NULL) == SQLITE_OK)
			while (sqlite3_step(s) == SQLITE_ROW)
				json_object_set_new(db->eco_records, (const char *)sqlite3_column_text(s, 0),
						    json_integer(sqlite3_column_int64(s, 1)));
		sqlite3_finalize(s);
	}
	return (size_t)json_integer_value(json_object_get(db->eco_records, ecosystem));
}

static struct vm_target *add_target(struct vm_plan *p, const char *type, enum ver_scheme scheme, int flags,
				    int by_source, const char *distro)
{
	struct vm_target *nt = realloc(p->t, (p->n + 1) * sizeof(*p->t)), *t;

	if (!nt) {
		err_set(ERR_NOMEM, "out of memory");
		return NULL;
	}
	p->t = nt;
	t = &p->t[p->n++];
	memset(t, 0, sizeof(*t));
	t->type = type;
	t->scheme = scheme;
	t->flags = flags;
	t->by_source = by_source;
	t->rpm_epoch = scheme == VER_RPM;
	t->distro = distro;
	return t;
}

static int add_eco(struct vulndb *db, struct vm_target *t, const char *eco)
{
	char **ne = realloc(t->ecos, (t->necos + 1) * sizeof(*t->ecos));

	if (!ne)
		return err_set(ERR_NOMEM, "out of memory");
	t->ecos = ne;
	if (!(t->ecos[t->necos] = strdup(eco)))
		return err_set(ERR_NOMEM, "out of memory");
	t->necos++;
	t->records += vm_ecosystem_records(db, eco);
	return 0;
}

static int set_label(struct vm_target *t, const char *label)
{
	free(t->label);
	return (t->label = strdup(label)) ? 0 : err_set(ERR_NOMEM, "out of memory");
}

/* The label from the ecosystems: "A or B". */
static int label_from_ecos(struct vm_target *t)
{
	struct strbuf sb = STRBUF_INIT;
	size_t i;
	int rc = 0;

	for (i = 0; i < t->necos && rc == 0; i++)
		rc = strbuf_addf(&sb, "%s%s", i ? " or " : "", t->ecos[i]);
	if (rc == 0)
		rc = set_label(t, sb.buf);
	strbuf_release(&sb);
	return rc;
}

static int has_type(const struct pkg_list *pkgs, const char *type)
{
	size_t i;

	for (i = 0; i < pkgs->n; i++)
		if (!strcmp(pkgs->v[i].type, type))
			return 1;
	return 0;
}

/* Ubuntu Pro (ESM) packages carry "esm" in their version ("1.2-3ubuntu0.1~esm1", "+esm2"). */
static int has_esm(const struct pkg_list *pkgs)
{
	size_t i;

	for (i = 0; i < pkgs->n; i++)
		if (!strcmp(pkgs->v[i].type, PKG_DEB) && strstr(pkgs->v[i].version, "esm"))
			return 1;
	return 0;
}

/* "9.4" -> "9"; "3.19.1" -> "3.19" when parts is 2. */
static void leading_parts(char *out, size_t size, const char *v, int parts)
{
	size_t n = 0;
	int dots = 0;

	while (v[n] && n + 1 < size) {
		if (v[n] == '.' && ++dots == parts)
			break;
		n++;
	}
	memcpy(out, v, n);
	out[n] = 0;
}

static int is_number(const char *s)
{
	return *s && strspn(s, "0123456789") == strlen(s);
}

static int ubuntu_lts(const json_t *os, const char *vid)
{
	const char *pretty = jsonx_strz(os, "pretty_name");

	if (strstr(pretty, "LTS"))
		return 1;
	/* Every LTS is YY.04 of an even year. */
	return strlen(vid) == 5 && vid[2] == '.' && !strcmp(vid + 3, "04") && (vid[1] - '0') % 2 == 0;
}

static int os_target(struct vulndb *db, const json_t *os, const struct pkg_list *pkgs, struct vm_plan *p)
{
	const char *id = jsonx_strz(os, "id"), *vid = jsonx_strz(os, "version_id"), *pretty = jsonx_strz(os, "pretty_name");
	char eco[160], ver[32];
	struct vm_target *t = NULL;
	int rc = 0;

	if (!strcmp(id, "debian") || !strcmp(id, "ubuntu")) {
		if (!has_type(pkgs, PKG_DEB))
			return 0;
		if (!(t = add_target(p, PKG_DEB, VER_DPKG, 0, 1, id)))
			return ERR_NOMEM;
		if (!strcmp(id, "debian")) {
			if (!is_number(vid)) {
				if ((rc = set_label(t, "Debian")) < 0)
					return rc;
				t->no_source = strdup("Debian without a release number (testing or unstable) has no OSV "
						       "ecosystem to look it up in");
				return t->no_source ? 0 : err_set(ERR_NOMEM, "out of memory");
			}
			snprintf(eco, sizeof(eco), "Debian:%s", vid);
			rc = add_eco(db, t, eco);
		} else {
			int lts = ubuntu_lts(os, vid);

			snprintf(eco, sizeof(eco), "Ubuntu:%.16s%s", vid, lts ? ":LTS" : "");
			rc = add_eco(db, t, eco);
			if (rc == 0 && has_esm(pkgs)) {
				snprintf(eco, sizeof(eco), "Ubuntu:Pro:%.16s%s", vid, lts ? ":LTS" : "");
				rc = add_eco(db, t, eco);
			}
		}
	} else if (!strcmp(id, "alpine") || !strcmp(id, "wolfi") || !strcmp(id, "chainguard")) {
		if (!has_type(pkgs, PKG_APK))
			return 0;
		if (!(t = add_target(p, PKG_APK, VER_APK, 0, 1, NULL)))
			return ERR_NOMEM;
		leading_parts(ver, sizeof(ver), vid, 2);
		snprintf(eco, sizeof(eco), "%s", !strcmp(id, "wolfi") ? "Wolfi" : !strcmp(id, "chainguard") ? "Chainguard" : "");
		if (!eco[0])
			snprintf(eco, sizeof(eco), "Alpine:v%s", ver);
		rc = add_eco(db, t, eco);
	} else if (!strcmp(id, "almalinux") || !strcmp(id, "rocky") || !strcmp(id, "rhel") || !strcmp(id, "photon")) {
		if (!has_type(pkgs, PKG_RPM))
			return 0;
		if (!(t = add_target(p, PKG_RPM, VER_RPM, 0, 0, !strcmp(id, "photon") ? NULL : !strcmp(id, "rhel") ? "redhat" : id)))
			return ERR_NOMEM;
		leading_parts(ver, sizeof(ver), vid, 1);
		if (!strcmp(id, "rhel")) {
			const char *key;
			json_t *val;
			char prefix[64];

			snprintf(prefix, sizeof(prefix), "Red Hat:enterprise_linux:%s", ver);
			vm_ecosystem_records(db, "");
			json_object_foreach(db->eco_records, key, val) {
				if (util_has_prefix(key, prefix) &&
				    (!key[strlen(prefix)] || util_has_prefix(key + strlen(prefix), "::")) &&
				    (rc = add_eco(db, t, key)) < 0)
					return rc;
			}
			if (!t->necos) {
				snprintf(eco, sizeof(eco), "%s::*", prefix);
				return set_label(t, eco);
			}
		} else {
			snprintf(eco, sizeof(eco), "%s:%s", !strcmp(id, "almalinux") ? "AlmaLinux"
							    : !strcmp(id, "rocky")   ? "Rocky Linux"
										     : "Photon OS",
				 !strcmp(id, "photon") ? vid : ver);
			rc = add_eco(db, t, eco);
		}
	} else if (!strcmp(id, "sles") || util_has_prefix(id, "opensuse")) {
		if (!has_type(pkgs, PKG_RPM))
			return 0;
		if (!(t = add_target(p, PKG_RPM, VER_RPM, 0, 1, NULL)))
			return ERR_NOMEM;
		snprintf(eco, sizeof(eco), "%s:%.120s", !strcmp(id, "sles") ? "SUSE" : "openSUSE", pretty);
		rc = add_eco(db, t, eco);
	}
	if (rc == 0 && t && !t->label)
		rc = label_from_ecos(t);
	return rc;
}

int vm_plan_build(struct vulndb *db, const json_t *os, const struct pkg_list *pkgs, struct vm_plan *out)
{
	static const struct {
		const char *type, *eco;
		enum ver_scheme scheme;
		int flags;
	} langs[] = {
		{ PKG_NPM, "npm", VER_NPM, 0 },
		{ PKG_PYPI, "PyPI", VER_PYPI, 0 },
		{ PKG_GO, "Go", VER_GO, VER_GO_IMPLICIT_V },
		{ PKG_MAVEN, "Maven", VER_MAVEN, 0 },
	};
	struct vm_target *t;
	size_t i;
	int rc = 0;

	memset(out, 0, sizeof(*out));
	if (os && (rc = os_target(db, os, pkgs, out)) < 0)
		goto fail;
	for (i = 0; i < ARRAY_SIZE(langs); i++) {
		if (!has_type(pkgs, langs[i].type))
			continue;
		if (!(t = add_target(out, langs[i].type, langs[i].scheme, langs[i].flags, 0, NULL))) {
			rc = ERR_NOMEM;
			goto fail;
		}
		if ((rc = add_eco(db, t, langs[i].eco)) < 0 || (rc = label_from_ecos(t)) < 0)
			goto fail;
	}
	return 0;
fail:
	vm_plan_release(out);
	return rc == ERR_NOMEM ? err_set(ERR_NOMEM, "out of memory") : rc;
}

void vm_plan_release(struct vm_plan *p)
{
	size_t i, k;

	for (i = 0; i < p->n; i++) {
		for (k = 0; k < p->t[i].necos; k++)
			free(p->t[i].ecos[k]);
		free(p->t[i].ecos);
		free(p->t[i].label);
		free(p->t[i].no_source);
	}
	free(p->t);
	memset(p, 0, sizeof(*p));
}

const struct vm_target *vm_plan_find(const struct vm_plan *p, const char *type)
{
	size_t i;

	for (i = 0; i < p->n; i++)
		if (!strcmp(p->t[i].type, type))
			return &p->t[i];
	return NULL;
}
