#include "pkgdb_npm.h"

#include <string.h>

#include "core/err.h"
#include "core/jsonx.h"
#include "core/util.h"
#include "scan/pkgdb_text.h"

/* A non-empty JSON string without NUL bytes (jsonx_parse lets "\u0000" through), else NULL. */
static const char *json_text(const json_t *v)
{
	const char *s = json_string_value(v);

	return s && *s && strlen(s) == json_string_length(v) ? s : NULL;
}

/* "license": "MIT", or the old {"type": "MIT", "url": ...}. */
static const char *license_of(const json_t *pkg)
{
	const json_t *l = json_object_get(pkg, "license");

	return json_is_object(l) ? json_text(json_object_get(l, "type")) : json_text(l);
}

/*
 * Add full ("name" or "@scope/name") at version.  A name npm could not have
 * written (an empty scope or name, a slash in a name) is skipped: it could
 * only be misread.
 */
static int npm_add(struct pkg_list *pkgs, const char *path, const char *full, const char *version,
		   const char *license)
{
	struct strbuf ns = STRBUF_INIT, name = STRBUF_INIT, ver = STRBUF_INIT, lic = STRBUF_INIT;
	const char *slash = NULL, *bare = full;
	struct pkg p;
	int rc = 0;

	strbuf_init(&ns, PKGDB_MAX_FIELD + 1);
	strbuf_init(&name, PKGDB_MAX_FIELD + 1);
	strbuf_init(&ver, PKGDB_MAX_FIELD + 1);
	strbuf_init(&lic, PKGDB_MAX_FIELD + 1);
	/* Some packages put a whole license text there: that is no license name, and no reason to lose the package. */
	if (license && strlen(license) > PKGDB_MAX_FIELD)
		license = NULL;
	if (full[0] == '@') {
		slash = strchr(full, '/');
		if (!slash || slash == full + 1)
			goto cleanup;
		bare = slash + 1;
		if ((rc = pkgdb_value_set(&ns, full + 1, (size_t)(slash - full - 1), path, 0, "package scope")) < 0)
			goto cleanup;
	}
	if (!*bare || strchr(bare, '/'))
		goto cleanup;
	if ((rc = pkgdb_value_set(&name, bare, strlen(bare), path, 0, "package name")) < 0 ||
	    (rc = pkgdb_value_set(&ver, version, strlen(version), path, 0, "package version")) < 0 ||
	    (license && (rc = pkgdb_value_set(&lic, license, strlen(license), path, 0, "license")) < 0))
		goto cleanup;
	if (!name.len || !ver.len || (slash && !ns.len))
		goto cleanup;
	memset(&p, 0, sizeof(p));
	p.type = PKG_NPM;
	p.name = name.buf;
	p.version = ver.buf;
	p.namespace_ = ns.len ? ns.buf : NULL;
	p.license = lic.len ? lic.buf : NULL;
	p.path = (char *)path;
	rc = pkgdb_add(pkgs, &p, path);
cleanup:
	strbuf_release(&ns);
	strbuf_release(&name);
	strbuf_release(&ver);
	strbuf_release(&lic);
	return rc;
}

/* The part of a "packages" key after its last node_modules/ segment, or NULL. */
static const char *name_from_key(const char *key)
{
	const char *s = key, *after = NULL;

	while ((s = strstr(s, "node_modules/"))) {
		if (s == key || s[-1] == '/')
			after = s + strlen("node_modules/");
		s++;
	}
	return after;
}

/* lockfileVersion 2 and 3. */
static int walk_packages(struct pkg_list *pkgs, const char *path, const json_t *packages)
{
	void *iter;
	int rc;

	if (!json_is_object(packages))
		return err_set(ERR_PARSE, "%s: \"packages\" is not an object", path);
	for (iter = json_object_iter((json_t *)packages); iter; iter = json_object_iter_next((json_t *)packages, iter)) {
		const char *key = json_object_iter_key(iter), *key_name, *name, *version;
		const json_t *e = json_object_iter_value(iter);

		if (strlen(key) != json_object_iter_key_len(iter))
			return err_set(ERR_PARSE, "%s: a \"packages\" key holds a NUL byte", path);
		if (!*key)
			continue;
		if (!json_is_object(e))
			return err_set(ERR_PARSE, "%s: packages[\"%.200s\"] is not an object", path, key);
		if (jsonx_bool(e, "link", 0) || !(version = json_text(json_object_get(e, "version"))) ||
		    !(key_name = name_from_key(key)))
			continue;
		if (!(name = json_text(json_object_get(e, "name"))))
			name = key_name;
		if ((rc = npm_add(pkgs, path, name, version, license_of(e))) < 0)
			return rc;
	}
	return 0;
}

/* lockfileVersion 1: {"name": {"version": ..., "dependencies": {...}}, ...}. */
static int walk_dependencies(struct pkg_list *pkgs, const char *path, const json_t *deps, int depth)
{
	struct strbuf alias = STRBUF_INIT;
	void *iter;
	int rc = 0;

	if (depth > PKGDB_NPM_MAX_DEPTH)
		return err_set(ERR_LIMIT, "%s: \"dependencies\" nested more than %d deep", path, PKGDB_NPM_MAX_DEPTH);
	if (!json_is_object(deps))
		return err_set(ERR_PARSE, "%s: \"dependencies\" is not an object", path);
	for (iter = json_object_iter((json_t *)deps); iter; iter = json_object_iter_next((json_t *)deps, iter)) {
		const char *name = json_object_iter_key(iter), *version;
		const json_t *e = json_object_iter_value(iter), *sub;

		if (strlen(name) != json_object_iter_key_len(iter)) {
			rc = err_set(ERR_PARSE, "%s: a \"dependencies\" key holds a NUL byte", path);
			goto cleanup;
		}
		if (!json_is_object(e)) {
			rc = err_set(ERR_PARSE, "%s: dependencies[\"%.200s\"] is not an object", path, name);
			goto cleanup;
		}
		version = json_text(json_object_get(e, "version"));
		if (version && util_has_prefix(version, "npm:")) {
			/* "npm:real-name@1.2.3": installed under another name. */
			const char *real = version + 4, *at = real[0] ? strrchr(real + 1, '@') : NULL;

			strbuf_reset(&alias);
			if (at && (rc = strbuf_add(&alias, real, (size_t)(at - real))) < 0)
				goto cleanup;
			name = at ? alias.buf : NULL;
			version = at ? at + 1 : NULL;
		}
		if (name && version && *version && !util_has_prefix(version, "file:") &&
		    (rc = npm_add(pkgs, path, name, version, NULL)) < 0)
			goto cleanup;
		if ((sub = json_object_get(e, "dependencies")) &&
		    (rc = walk_dependencies(pkgs, path, sub, depth + 1)) < 0)
			goto cleanup;
	}
cleanup:
	strbuf_release(&alias);
	return rc;
}

static int same_pkg(const struct pkg *a, const struct pkg *b)
{
	return !strcmp(a->name, b->name) && !strcmp(a->version, b->version) &&
	       !strcmp(a->namespace_ ? a->namespace_ : "", b->namespace_ ? b->namespace_ : "");
}

/* One package per name and version, however many folders hold it. */
static void dedupe(struct pkg_list *pkgs)
{
	size_t i, k = 0;

	pkg_list_sort(pkgs);
	for (i = 0; i < pkgs->n; i++) {
		if (k && same_pkg(&pkgs->v[k - 1], &pkgs->v[i]))
			pkg_release(&pkgs->v[i]);
		else
			pkgs->v[k++] = pkgs->v[i];
	}
	pkgs->n = k;
}

static int parse_object(const char *path, const char *buf, size_t len, size_t limit, json_t **root)
{
	int rc;

	if (len > limit)
		return err_set(ERR_LIMIT, "%s: %zu bytes, more than the %zu read", path, len, limit);
	if ((rc = jsonx_parse(buf, len, path, root)) < 0)
		return rc;
	if (!json_is_object(*root)) {
		json_decref(*root);
		*root = NULL;
		return err_set(ERR_PARSE, "%s: not a JSON object", path);
	}
	return 0;
}

int pkgdb_npm_lock(struct pkg_list *out, const char *path, const char *buf, size_t len)
{
	struct pkg_list pkgs = { NULL, 0, 0 };
	json_t *root = NULL, *packages, *deps;
	int rc;

	if ((rc = parse_object(path, buf, len, PKGDB_NPM_MAX_LOCK, &root)) < 0)
		goto cleanup;
	packages = json_object_get(root, "packages");
	deps = json_object_get(root, "dependencies");
	if (packages)
		rc = walk_packages(&pkgs, path, packages);
	else if (deps)
		rc = walk_dependencies(&pkgs, path, deps, 1);
	if (rc < 0)
		goto cleanup;
	dedupe(&pkgs);
	rc = (int)pkgs.n;
	if (pkg_list_take(out, &pkgs) < 0)
		rc = ERR_NOMEM;
cleanup:
	pkg_list_release(&pkgs);
	json_decref(root);
	return rc;
}

int pkgdb_npm_package_json(struct pkg_list *out, const char *path, const char *buf, size_t len)
{
	struct pkg_list pkgs = { NULL, 0, 0 };
	const char *name, *version;
	json_t *root = NULL;
	int rc;

	if ((rc = parse_object(path, buf, len, PKGDB_NPM_MAX_PACKAGE_JSON, &root)) < 0)
		goto cleanup;
	name = json_text(json_object_get(root, "name"));
	version = json_text(json_object_get(root, "version"));
	if (name && version && (rc = npm_add(&pkgs, path, name, version, license_of(root))) < 0)
		goto cleanup;
	rc = (int)pkgs.n;
	if (pkg_list_take(out, &pkgs) < 0)
		rc = ERR_NOMEM;
cleanup:
	pkg_list_release(&pkgs);
	json_decref(root);
	return rc;
}

/* A node_modules folder somewhere in rel. */
static int has_node_modules(const char *rel)
{
	const char *s = rel;

	while ((s = strstr(s, "node_modules/"))) {
		if (s == rel || s[-1] == '/')
			return 1;
		s++;
	}
	return 0;
}

int pkgdb_npm_is_lock_path(const char *path)
{
	const char *rel = pkgdb_path_rel(path), *base = pkgdb_path_base(rel);

	return (!strcmp(base, "package-lock.json") || !strcmp(base, "npm-shrinkwrap.json")) && !has_node_modules(rel);
}

/* Does the component ending just before end (exclusive) equal s?  *start gets where it begins. */
static int comp_is(const char *rel, const char *end, const char *s, const char **start)
{
	const char *b = end;
	size_t n = strlen(s);

	while (b > rel && b[-1] != '/')
		b--;
	*start = b;
	return s[0] ? (size_t)(end - b) == n && !strncmp(b, s, n) : end > b;
}

int pkgdb_npm_is_package_json_path(const char *path)
{
	const char *rel = pkgdb_path_rel(path), *end, *name, *scope, *nm;

	if (strcmp(pkgdb_path_base(rel), "package.json") || pkgdb_path_base(rel) == rel)
		return 0;
	end = pkgdb_path_base(rel) - 1; /* the '/' before package.json */
	if (!comp_is(rel, end, "", &name) || name[0] == '.' || name == rel)
		return 0;
	/* node_modules/NAME/package.json */
	if (comp_is(rel, name - 1, "node_modules", &nm) && name[0] != '@')
		return 1;
	/* node_modules/@SCOPE/NAME/package.json */
	if (name[0] == '@' || !comp_is(rel, name - 1, "", &scope) || scope[0] != '@' || name - 1 - scope < 2 ||
	    scope == rel)
		return 0;
	return comp_is(rel, scope - 1, "node_modules", &nm);
}
