/*
 * The image scanner end to end, through the vetter command: a Debian tree
 * made from this machine's own package database against dpkg-query, an image
 * built with umoci whose later layers white out a package database, hide a
 * folder and delete a private key, SBOMs against the CycloneDX and SPDX
 * schemas, and an engagement whose images include a damaged one.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/jsonx.h"
#include "core/util.h"
#include "th.h"

static void run_ok(const char *const *argv)
{
	struct th_result res;

	th_run(&res, argv, NULL, NULL, NULL);
	th_assert_status(&res, 0);
	th_result_release(&res);
}

static char *pathf(const char *dir, const char *rel)
{
	struct strbuf p = STRBUF_INIT;

	strbuf_addf(&p, "%s/%s", dir, rel);
	return strbuf_detach(&p, NULL);
}

static void mktar(const char *dir, const char *out, const char *spec)
{
	char *tool = th_repo_path("tests/lib/mktar.py"), *sp = pathf(dir, "spec.json"), *op = pathf(dir, out);
	const char *argv[] = { "python3", tool, op, sp, NULL };

	th_write(sp, spec);
	run_ok(argv);
	free(tool), free(sp), free(op);
}

/* Sorted "name version arch" lines of the installed packages dpkg-query sees in admindir. */
static void dpkg_query_set(const char *admindir, struct strbuf *out)
{
	struct strbuf arg = STRBUF_INIT;
	struct th_result res;
	const char *argv[] = { "dpkg-query", NULL, "-W", "-f=${db:Status-Abbrev}|${Package} ${Version} ${Architecture}\n",
			       NULL };
	const char *line, *nl;

	strbuf_addf(&arg, "--admindir=%s", admindir);
	argv[1] = arg.buf;
	th_run(&res, argv, NULL, NULL, NULL);
	th_assert_status(&res, 0);
	/* Installed: the second letter of the abbreviation is i, t (triggers-pending) or W (triggers-awaited). */
	for (line = res.out.buf; *line; line = nl + 1) {
		nl = strchr(line, '\n');
		if (!nl)
			break;
		if (strchr("itW", line[1]))
			strbuf_addf(out, "%.*s\n", (int)(nl - strchr(line, '|') - 1), strchr(line, '|') + 1);
	}
	th_result_release(&res);
	strbuf_release(&arg);
}

static int cmp_lines(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Sort the lines of sb in place. */
static void sort_lines(struct strbuf *sb)
{
	char **v = NULL, *s = strdup(sb->buf), *save = NULL, *tok;
	size_t n = 0, i;

	for (tok = strtok_r(s, "\n", &save); tok; tok = strtok_r(NULL, "\n", &save)) {
		v = realloc(v, (n + 1) * sizeof(*v));
		v[n++] = tok;
	}
	qsort(v, n, sizeof(*v), cmp_lines);
	strbuf_reset(sb);
	for (i = 0; i < n; i++)
		strbuf_addf(sb, "%s\n", v[i]);
	free(v);
	free(s);
}

/* The deb packages of a CycloneDX SBOM as "name version arch" lines. */
static void sbom_deb_set(const char *sbom_path, struct strbuf *out)
{
	struct strbuf text = STRBUF_INIT;
	json_t *doc = NULL, *c, *p;
	size_t i, k;

	th_read(sbom_path, &text);
	ck_assert_int_eq(jsonx_parse(text.buf, text.len, sbom_path, &doc), 0);
	json_array_foreach(json_object_get(doc, "components"), i, c) {
		const char *arch = "";

		if (!util_has_prefix(jsonx_strz(c, "purl"), "pkg:deb/"))
			continue;
		json_array_foreach(json_object_get(c, "properties"), k, p)
			if (!strcmp(jsonx_strz(p, "name"), "vetter:arch"))
				arch = jsonx_strz(p, "value");
		strbuf_addf(out, "%s %s %s\n", jsonx_strz(c, "name"), jsonx_strz(c, "version"), arch);
	}
	json_decref(doc);
	strbuf_release(&text);
	sort_lines(out);
}

static void validate(const char *schema_rel, const char *doc, const char *extra1, const char *extra2)
{
	char *tool = th_repo_path("tests/lib/validate_json.py"), *schema = th_data_path(schema_rel);
	char *e1 = extra1 ? th_data_path(extra1) : NULL, *e2 = extra2 ? th_data_path(extra2) : NULL;
	const char *argv[] = { "/usr/bin/python3", tool, schema, doc, e1, e2, NULL };
	struct th_result res;

	th_run(&res, argv, NULL, NULL, NULL);
	ck_assert_msg(res.status == 0, "%s is not valid against %s:\n%s%s", doc, schema_rel, res.out.buf, res.err.buf);
	th_result_release(&res);
	free(tool), free(schema), free(e1), free(e2);
}

START_TEST(debian_tree_matches_dpkg_query)
{
	char *dir = th_tmpdir(), *root = pathf(dir, "root"), *admin = pathf(dir, "root/var/lib/dpkg");
	char *status = pathf(dir, "root/var/lib/dpkg/status"), *osr = pathf(dir, "root/etc/os-release");
	char *cdx = pathf(dir, "sbom.cdx.json"), *spdx = pathf(dir, "sbom.spdx.json"), *layout = pathf(dir, "layout");
	char *ocicdx = pathf(dir, "oci.cdx.json"), *mkimage = th_repo_path("tests/lib/mkimage.sh");
	struct strbuf want = STRBUF_INIT, got = STRBUF_INIT, ref = STRBUF_INIT, text = STRBUF_INIT, spec = STRBUF_INIT;
	struct th_result res;

	ck_assert_int_eq(util_mkdirs(admin, 0755), 0);
	ck_assert_int_eq(util_mkdirs(dir, 0755), 0);
	th_read("/var/lib/dpkg/status", &text);
	th_write(status, text.buf);
	strbuf_reset(&text);
	th_read("/etc/os-release", &text);
	{
		char *etc = pathf(dir, "root/etc");

		util_mkdirs(etc, 0755);
		free(etc);
	}
	th_write(osr, text.buf);
	dpkg_query_set(admin, &want);
	sort_lines(&want);
	ck_assert_uint_gt(want.len, 1000);

	strbuf_addf(&ref, "dir:%s", root);
	th_vetter(&res, NULL, "sbom", ref.buf, "-o", cdx, NULL);
	th_assert_status(&res, 0);
	th_result_release(&res);
	sbom_deb_set(cdx, &got);
	ck_assert_msg(!strcmp(want.buf, got.buf), "dir: SBOM differs from dpkg-query");

	/* The same files as one layer of an OCI image. */
	strbuf_addf(&spec, "[{\"path\": \"etc/os-release\", \"from\": \"%s\"}, {\"path\": \"var/lib/dpkg/status\", \"from\": "
			   "\"%s\"}]",
		    osr, status);
	mktar(dir, "deb.tar.gz", spec.buf);
	{
		char *layer = pathf(dir, "deb.tar.gz");
		const char *argv[] = { "sh", mkimage, layout, "deb", layer, NULL };

		run_ok(argv);
		free(layer);
	}
	strbuf_reset(&ref);
	strbuf_addf(&ref, "oci-dir:%s:deb", layout);
	th_vetter(&res, NULL, "sbom", ref.buf, "-o", ocicdx, NULL);
	th_assert_status(&res, 0);
	th_result_release(&res);
	strbuf_reset(&got);
	sbom_deb_set(ocicdx, &got);
	ck_assert_msg(!strcmp(want.buf, got.buf), "oci-dir: SBOM differs from dpkg-query");

	th_vetter(&res, NULL, "sbom", ref.buf, "--format", "spdx", "-o", spdx, NULL);
	th_assert_status(&res, 0);
	th_result_release(&res);
	validate("schemas/cyclonedx-1.6/bom-1.6.schema.json", ocicdx, "schemas/cyclonedx-1.6/spdx.schema.json",
		 "schemas/cyclonedx-1.6/jsf-0.82.schema.json");
	validate("schemas/spdx-2.3-schema.json", spdx, NULL, NULL);

	strbuf_release(&want), strbuf_release(&got), strbuf_release(&ref), strbuf_release(&text), strbuf_release(&spec);
	th_rm_rf(dir);
	free(dir), free(root), free(admin), free(status), free(osr), free(cdx), free(spdx), free(layout), free(ocicdx),
		free(mkimage);
}
END_TEST

/* A real private key made by openssl for the test; returns its PEM text. */
static void make_key(const char *dir, struct strbuf *pem)
{
	char *path = pathf(dir, "key.pem");
	const char *argv[] = { "openssl", "genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", path,
			       NULL };

	run_ok(argv);
	th_read(path, pem);
	free(path);
}

/*
 * Layer 1: Alpine with two packages, a node module, a private key, three
 *          setuid/setgid binaries.
 * Layer 2: a new package database (one package), the node_modules folder made
 *          opaque with a new module in it, the key deleted, one setuid binary
 *          deleted and the setgid bit of another dropped.
 * Layer 3: a Python package.
 */
static char *build_layered(const char *dir, struct strbuf *key)
{
	char *mkimage = th_repo_path("tests/lib/mkimage.sh"), *layout = pathf(dir, "layout");
	char *l1 = pathf(dir, "l1.tar.gz"), *l2 = pathf(dir, "l2.tar.gz"), *l3 = pathf(dir, "l3.tar"), *keyfile;
	struct strbuf spec = STRBUF_INIT;
	const char *argv[] = { "sh", mkimage, layout, "app", "--user", "0", "--env", "AWS_REGION=eu-west-1",
			       "--label", "maintainer=platform", l1, l2, l3, NULL };

	make_key(dir, key);
	keyfile = pathf(dir, "key.pem");
	strbuf_addf(&spec,
		    "[{\"path\": \"etc/os-release\", \"content\": \"ID=alpine\\nVERSION_ID=3.18.4\\n\"},"
		    " {\"path\": \"lib/apk/db/installed\", \"content\": \"P:musl\\nV:1.2.4-r1\\nA:x86_64\\no:musl\\n\\n"
		    "P:busybox\\nV:1.36.1-r2\\nA:x86_64\\no:busybox\\n\\n\"},"
		    " {\"path\": \"app/node_modules/left-pad/package.json\", \"content\": \"{\\\"name\\\": \\\"left-pad\\\", "
		    "\\\"version\\\": \\\"1.3.0\\\"}\"},"
		    " {\"path\": \"bin/su\", \"content\": \"x\", \"mode\": 2541},"
		    " {\"path\": \"usr/bin/passwd\", \"content\": \"x\", \"mode\": 2541},"
		    " {\"path\": \"usr/bin/chage\", \"content\": \"x\", \"mode\": 1517},"
		    " {\"path\": \"root/.ssh/id_rsa\", \"from\": \"%s\"}]",
		    keyfile);
	mktar(dir, "l1.tar.gz", spec.buf);
	mktar(dir, "l2.tar.gz",
	      "[{\"path\": \"lib/apk/db/installed\", \"content\": \"P:musl\\nV:1.2.4-r2\\nA:x86_64\\no:musl\\n\\n\"},"
	      " {\"path\": \"app/node_modules/.wh..wh..opq\"},"
	      " {\"path\": \"app/node_modules/lodash/package.json\", \"content\": \"{\\\"name\\\": \\\"lodash\\\", "
	      "\\\"version\\\": \\\"4.17.20\\\"}\"},"
	      " {\"path\": \"usr/bin/.wh.passwd\"},"
	      " {\"path\": \"usr/bin/chage\", \"content\": \"x\", \"mode\": 493},"
	      " {\"path\": \"root/.ssh/.wh.id_rsa\"}]");
	mktar(dir, "l3.tar",
	      "[{\"path\": \"usr/lib/python3.11/site-packages/requests-2.25.0.dist-info/METADATA\", \"content\": "
	      "\"Metadata-Version: 2.1\\nName: requests\\nVersion: 2.25.0\\nLicense: Apache 2.0\\n\\n\"}]");
	run_ok(argv);
	free(mkimage), free(l1), free(l2), free(l3), free(keyfile);
	strbuf_release(&spec);
	return layout;
}

START_TEST(final_view_follows_whiteouts_and_keeps_deleted_secrets)
{
	char *dir = th_tmpdir(), *layout;
	struct strbuf key = STRBUF_INIT, ref = STRBUF_INIT, pk = STRBUF_INIT;
	struct th_result res;
	json_t *doc = NULL, *p, *s, *layers;
	size_t i;
	const char *l1_diff;

	layout = build_layered(dir, &key);
	strbuf_addf(&ref, "oci-dir:%s:app", layout);
	th_vetter(&res, NULL, "inventory", ref.buf, "--format", "json", "--secrets", NULL);
	th_assert_status(&res, 0);
	ck_assert_int_eq(jsonx_parse(res.out.buf, res.out.len, "inventory", &doc), 0);
	/* The key body never appears in any output. */
	ck_assert_ptr_null(strstr(res.out.buf, key.buf + 40));
	ck_assert_str_eq(jsonx_strz(json_object_get(doc, "os"), "id"), "alpine");
	json_array_foreach(json_object_get(doc, "packages"), i, p)
		strbuf_addf(&pk, "%s %s %s\n", jsonx_strz(p, "type"), jsonx_strz(p, "name"), jsonx_strz(p, "version"));
	ck_assert_str_eq(pk.buf, "apk musl 1.2.4-r2\nnpm lodash 4.17.20\npypi requests 2.25.0\n");
	layers = json_object_get(json_object_get(doc, "image"), "layers");
	ck_assert_uint_eq(json_array_size(layers), 3);
	l1_diff = jsonx_str(json_array_get(layers, 0), "diff_id");
	s = json_array_get(json_object_get(doc, "secrets"), 0);
	ck_assert_uint_eq(json_array_size(json_object_get(doc, "secrets")), 1);
	ck_assert_str_eq(jsonx_strz(s, "path"), "root/.ssh/id_rsa");
	ck_assert_str_eq(jsonx_strz(s, "layer"), l1_diff);
	ck_assert(jsonx_bool(s, "removed", 0));
	/* Of the three setuid/setgid files, one was deleted and one lost its bit. */
	ck_assert_uint_eq(json_array_size(json_object_get(doc, "setuid_files")), 1);
	ck_assert_str_eq(json_string_value(json_array_get(json_object_get(doc, "setuid_files"), 0)), "/bin/su");
	/* musl's version 1.2.4-r2 came with layer 2, not layer 1. */
	json_array_foreach(json_object_get(doc, "packages"), i, p)
		if (!strcmp(jsonx_strz(p, "name"), "musl"))
			ck_assert_str_eq(jsonx_strz(p, "layer"), jsonx_strz(json_array_get(layers, 1), "diff_id"));
	th_result_release(&res);
	json_decref(doc);
	strbuf_release(&key), strbuf_release(&ref), strbuf_release(&pk);
	th_rm_rf(dir);
	free(dir), free(layout);
}
END_TEST

/* dir: roots: setuid/setgid bits come from lstat, for files the readers want and for the rest. */
START_TEST(dir_root_lists_setuid_files)
{
	char *dir = th_tmpdir(), *f;
	struct strbuf ref = STRBUF_INIT;
	struct th_result res;
	json_t *doc = NULL;

	f = pathf(dir, "etc");
	ck_assert_int_eq(util_mkdirs(f, 0755), 0);
	free(f);
	f = pathf(dir, "lib/apk/db");
	ck_assert_int_eq(util_mkdirs(f, 0755), 0);
	free(f);
	f = pathf(dir, "etc/os-release");
	th_write(f, "ID=alpine\nVERSION_ID=3.18.4\n");
	free(f);
	f = pathf(dir, "lib/apk/db/installed");
	th_write(f, "P:musl\nV:1.2.4-r1\nA:x86_64\n\n");
	ck_assert_int_eq(chmod(f, 02755), 0);
	free(f);
	f = pathf(dir, "etc/su");
	th_write(f, "x");
	ck_assert_int_eq(chmod(f, 04711), 0);
	free(f);
	f = pathf(dir, "etc/plain");
	th_write(f, "x");
	ck_assert_int_eq(chmod(f, 0755), 0);
	free(f);
	strbuf_addf(&ref, "dir:%s", dir);
	th_vetter(&res, NULL, "inventory", ref.buf, "--format", "json", NULL);
	th_assert_status(&res, 0);
	ck_assert_int_eq(jsonx_parse(res.out.buf, res.out.len, "inventory", &doc), 0);
	ck_assert_uint_eq(json_array_size(json_object_get(doc, "setuid_files")), 2);
	ck_assert_str_eq(json_string_value(json_array_get(json_object_get(doc, "setuid_files"), 0)), "/etc/su");
	ck_assert_str_eq(json_string_value(json_array_get(json_object_get(doc, "setuid_files"), 1)),
			 "/lib/apk/db/installed");
	json_decref(doc);
	th_result_release(&res);
	strbuf_release(&ref);
	th_rm_rf(dir);
	free(dir);
}
END_TEST

START_TEST(scratch_image_is_not_assessable)
{
	char *dir = th_tmpdir(), *mkimage = th_repo_path("tests/lib/mkimage.sh"), *layout = pathf(dir, "layout");
	char *layer = pathf(dir, "bin.tar.gz");
	struct strbuf ref = STRBUF_INIT;
	struct th_result res;
	const char *argv[] = { "sh", mkimage, layout, "scratch", layer, NULL };

	mktar(dir, "bin.tar.gz", "[{\"path\": \"hello\", \"content\": \"just a static binary\"}]");
	run_ok(argv);
	strbuf_addf(&ref, "oci-dir:%s:scratch", layout);
	th_vetter(&res, NULL, "inventory", ref.buf, NULL);
	th_assert_status(&res, 3);
	ck_assert_msg(strstr(res.err.buf, "not assessable"), "%s", res.err.buf);
	th_result_release(&res);
	strbuf_release(&ref);
	th_rm_rf(dir);
	free(dir), free(mkimage), free(layout), free(layer);
}
END_TEST

/*
 * An engagement whose images come as an OCI layout, an OCI archive, a docker
 * archive (the same image, so its layers are read once and then come from
 * the cache) and a damaged archive: the damaged one is a gap, the others are
 * scanned, the deleted key is a finding, and no key material reaches the store.
 */
START_TEST(engagement_scans_images_and_keeps_going)
{
	char *dir = th_tmpdir(), *layout, *eng = pathf(dir, "deal.yaml"), *out = pathf(dir, "out");
	char *store = pathf(dir, "deal.vetter"), *json = pathf(dir, "out/findings.json"), *bad = pathf(dir, "broken.tar");
	struct strbuf key = STRBUF_INIT, src = STRBUF_INIT, dst = STRBUF_INIT, yaml = STRBUF_INIT, text = STRBUF_INIT;
	struct th_result res;
	json_t *doc = NULL, *f;
	size_t i;
	int secrets = 0, gaps = 0;

	layout = build_layered(dir, &key);
	strbuf_addf(&src, "oci:%s:app", layout);
	strbuf_addf(&dst, "oci-archive:%s/app.oci.tar:app", dir);
	{
		const char *argv[] = { "skopeo", "copy", "--insecure-policy", src.buf, dst.buf, NULL };

		run_ok(argv);
	}
	strbuf_reset(&dst);
	strbuf_addf(&dst, "docker-archive:%s/app.docker.tar:example/app:1", dir);
	{
		const char *argv[] = { "skopeo", "copy", "--insecure-policy", src.buf, dst.buf, NULL };

		run_ok(argv);
	}
	th_write(bad, "this is not a tar archive at all");
	strbuf_addf(&yaml,
		    "name: Deal\nclient: Buyer\nas_of: 2026-11-15\ncompanies:\n"
		    "  - id: t\n    name: Target\n    role: target\n    sources:\n"
		    "      - type: images\n        refs: [oci-dir:layout:app, oci-archive:app.oci.tar:app, "
		    "docker-archive:app.docker.tar, docker-archive:broken.tar]\n");
	th_write(eng, yaml.buf);
	th_vetter(&res, NULL, "run", eng, "--out", out, NULL);
	th_assert_status(&res, 3);
	th_result_release(&res);
	th_read(json, &text);
	ck_assert_int_eq(jsonx_parse(text.buf, text.len, json, &doc), 0);
	json_array_foreach(json_object_get(doc, "findings"), i, f) {
		if (!strcmp(jsonx_strz(f, "kind"), "secret")) {
			secrets++;
			ck_assert_str_eq(jsonx_strz(f, "presence"), "removed-but-recoverable");
		}
		if (!strcmp(jsonx_strz(f, "rule"), "not-assessable") && strstr(jsonx_strz(json_object_get(f, "asset"), "key"), "broken"))
			gaps++;
	}
	ck_assert_int_eq(secrets, 3); /* one per image that holds the key */
	ck_assert_int_eq(gaps, 1);
	/* The same layers were read once: the second and third copies of the image came from the cache. */
	{
		struct strbuf db = STRBUF_INIT;
		const char *argv[] = { "sqlite3", NULL,
				       "SELECT COUNT(*) FROM assets WHERE kind='image' AND doc LIKE '%\"cached\":true%'", NULL };

		strbuf_addf(&db, "%s/store.sqlite", store);
		argv[1] = db.buf;
		th_run(&res, argv, NULL, NULL, NULL);
		th_assert_status(&res, 0);
		ck_assert_str_eq(res.out.buf, "2\n");
		th_result_release(&res);
		strbuf_release(&db);
	}
	/* No line of the key body anywhere in the engagement's state. */
	{
		const char *line = strchr(key.buf, '\n') + 1;
		char needle[41];
		const char *argv[] = { "grep", "-rlaF", "--", needle, store, NULL };

		memcpy(needle, line, 40);
		needle[40] = 0;
		th_run(&res, argv, NULL, NULL, NULL);
		ck_assert_msg(res.status == 1, "key material found in %s", res.out.buf);
		th_result_release(&res);
	}
	json_decref(doc);
	strbuf_release(&key), strbuf_release(&src), strbuf_release(&dst), strbuf_release(&yaml), strbuf_release(&text);
	th_rm_rf(dir);
	free(dir), free(layout), free(eng), free(out), free(store), free(json), free(bad);
}
END_TEST

/* A Python package whose files a Debian package owns is the Debian package's; one pip installed is not. */
START_TEST(os_owned_language_packages_are_left_to_the_os)
{
	char *dir = th_tmpdir(), *mkimage = th_repo_path("tests/lib/mkimage.sh"), *layout = pathf(dir, "layout");
	char *layer = pathf(dir, "l.tar.gz");
	struct strbuf ref = STRBUF_INIT, pk = STRBUF_INIT;
	struct th_result res;
	json_t *doc = NULL, *p;
	size_t i;
	const char *argv[] = { "sh", mkimage, layout, "py", layer, NULL };

	mktar(dir, "l.tar.gz",
	      "[{\"path\": \"etc/os-release\", \"content\": \"ID=debian\\nVERSION_ID=12\\n\"},"
	      " {\"path\": \"var/lib/dpkg/status\", \"content\": \"Package: python3-requests\\nStatus: install ok installed\\n"
	      "Version: 2.28.1+dfsg-1\\nArchitecture: all\\nSource: requests\\n\\n\"},"
	      " {\"path\": \"var/lib/dpkg/info/python3-requests.list\", \"content\": \"/.\\n/usr\\n"
	      "/usr/lib/python3/dist-packages/requests-2.28.1.egg-info\\n"
	      "/usr/lib/python3/dist-packages/requests-2.28.1.egg-info/PKG-INFO\\n\"},"
	      " {\"path\": \"usr/lib/python3/dist-packages/requests-2.28.1.egg-info/PKG-INFO\", \"content\": "
	      "\"Metadata-Version: 2.1\\nName: requests\\nVersion: 2.28.1\\n\\n\"},"
	      " {\"path\": \"usr/local/lib/python3.11/dist-packages/flask-2.0.0.dist-info/METADATA\", \"content\": "
	      "\"Metadata-Version: 2.1\\nName: flask\\nVersion: 2.0.0\\n\\n\"}]");
	run_ok(argv);
	strbuf_addf(&ref, "oci-dir:%s:py", layout);
	th_vetter(&res, NULL, "inventory", ref.buf, "--format", "json", NULL);
	th_assert_status(&res, 0);
	ck_assert_int_eq(jsonx_parse(res.out.buf, res.out.len, "inventory", &doc), 0);
	json_array_foreach(json_object_get(doc, "packages"), i, p)
		strbuf_addf(&pk, "%s %s %s\n", jsonx_strz(p, "type"), jsonx_strz(p, "name"), jsonx_strz(p, "version"));
	ck_assert_str_eq(pk.buf, "deb python3-requests 2.28.1+dfsg-1\npypi flask 2.0.0\n");
	ck_assert_int_eq(jsonx_int(json_object_get(doc, "image"), "os_owned_language_packages", -1), 1);
	th_result_release(&res);
	json_decref(doc);
	strbuf_release(&ref), strbuf_release(&pk);
	th_rm_rf(dir);
	free(dir), free(mkimage), free(layout), free(layer);
}
END_TEST

/* A symlink loop where the release file should be, and a package database over its size limit: gaps, not crashes. */
START_TEST(loops_and_oversized_databases_are_gaps)
{
	char *dir = th_tmpdir(), *mkimage = th_repo_path("tests/lib/mkimage.sh"), *layout = pathf(dir, "layout");
	char *layer = pathf(dir, "l.tar.gz");
	struct strbuf ref = STRBUF_INIT;
	struct th_result res;
	json_t *doc = NULL, *g;
	size_t i;
	int loop = 0, big = 0;
	const char *argv[] = { "sh", mkimage, layout, "bad", layer, NULL };

	mktar(dir, "l.tar.gz",
	      "[{\"path\": \"etc/os-release\", \"type\": \"symlink\", \"link\": \"../usr/lib/os-release\"},"
	      " {\"path\": \"usr/lib/os-release\", \"type\": \"symlink\", \"link\": \"/etc/os-release\"},"
	      " {\"path\": \"var/lib/dpkg/status\", \"zeros\": 70000000}]");
	run_ok(argv);
	strbuf_addf(&ref, "oci-dir:%s:bad", layout);
	th_vetter(&res, NULL, "inventory", ref.buf, "--format", "json", NULL);
	th_assert_status(&res, 3);
	ck_assert_int_eq(jsonx_parse(res.out.buf, res.out.len, "inventory", &doc), 0);
	json_array_foreach(json_object_get(doc, "gaps"), i, g) {
		loop += strstr(jsonx_strz(g, "reason"), "symlink loop") != NULL;
		big += strstr(jsonx_strz(g, "reason"), "read limit") != NULL;
	}
	ck_assert_msg(loop >= 1 && big == 1, "%s", res.out.buf);
	ck_assert_str_eq(jsonx_strz(doc, "not_assessable") ? "set" : "unset", "set");
	th_result_release(&res);
	json_decref(doc);
	strbuf_release(&ref);
	th_rm_rf(dir);
	free(dir), free(mkimage), free(layout), free(layer);
}
END_TEST

Suite *scan_suite(void)
{
	Suite *s = suite_create("scan");
	TCase *tc = tcase_create("scan");

	tcase_set_timeout(tc, 180);
	if (th_have_tool("debian_tree_matches_dpkg_query", "dpkg-query") && th_have_tool("scan tests", "umoci") &&
	    th_have_data("debian_tree_matches_dpkg_query", "schemas/cyclonedx-1.6"))
		tcase_add_test(tc, debian_tree_matches_dpkg_query);
	if (th_have_tool("final_view_follows_whiteouts", "openssl") && th_have_tool("scan tests", "umoci")) {
		tcase_add_test(tc, final_view_follows_whiteouts_and_keeps_deleted_secrets);
		tcase_add_test(tc, scratch_image_is_not_assessable);
		tcase_add_test(tc, os_owned_language_packages_are_left_to_the_os);
		tcase_add_test(tc, loops_and_oversized_databases_are_gaps);
		if (th_have_tool("engagement_scans_images", "skopeo"))
			tcase_add_test(tc, engagement_scans_images_and_keeps_going);
	}
	tcase_add_test(tc, dir_root_lists_setuid_files);
	suite_add_tcase(s, tc);
	return s;
}

