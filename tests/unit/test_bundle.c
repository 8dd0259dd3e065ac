/*
 * Bundles (src/kit/bundle.h) and their import: hostile zips (names that
 * climb out, absolute names, symlinks, a zip bomb), folders with links out,
 * manifests that are malformed or list what is not there, a bundle from a
 * newer kit, a file nothing recognises; and 'vetter import' of a data-room
 * folder of other tools' reports, each finding keeping its origin.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/crypto.h"
#include "core/err.h"
#include "core/jsonx.h"
#include "core/store.h"
#include "core/util.h"
#include "kit/bundle.h"
#include "th.h"

static void py(const char *dir, const char *script)
{
	const char *argv[] = { "python3", "-c", script, NULL };
	struct th_result res;

	th_run(&res, argv, NULL, NULL, dir);
	th_assert_status(&res, 0);
	th_result_release(&res);
}

static char *join(const char *a, const char *b)
{
	struct strbuf s = STRBUF_INIT;

	strbuf_addf(&s, "%s/%s", a, b);
	return strbuf_detach(&s, NULL);
}

/* "name status problem" of every file. */
static void assert_files(const struct bundle *b, const char *const *want, size_t n)
{
	size_t i;

	ck_assert_int_eq(b->nfiles, n);
	for (i = 0; i < n; i++) {
		struct strbuf got = STRBUF_INIT;

		strbuf_addf(&got, "%s %s %s", b->files[i].name, bundle_status_name(b->files[i].status),
			    b->files[i].problem ? b->files[i].problem : "-");
		ck_assert_str_eq(got.buf, want[i]);
		strbuf_release(&got);
	}
}

START_TEST(hostile_zip_names_and_links)
{
	char *dir = th_tmpdir(), *zip = join(dir, "evil.zip");
	struct bundle *b = NULL;
	static const char *const want[] = {
		"../../escape.txt refused an absolute name or one with '..' parts: refused",
		"/etc/cron.d/x refused an absolute name or one with '..' parts: refused",
		"a/../../b refused an absolute name or one with '..' parts: refused",
		"link refused a symbolic link: links are not followed out of a bundle",
		"ok.json no-manifest -",
	};

	py(dir, "import zipfile\n"
		"z = zipfile.ZipFile('evil.zip', 'w')\n"
		"z.writestr('../../escape.txt', 'x')\n"
		"z.writestr('/etc/cron.d/x', 'y')\n"
		"z.writestr('a/../../b', 'z')\n"
		"i = zipfile.ZipInfo('link'); i.external_attr = (0o120777 << 16); i.create_system = 3\n"
		"z.writestr(i, '/etc/passwd')\n"
		"z.writestr('ok.json', '{}')\n"
		"z.close()\n");
	ck_assert_int_eq(bundle_open(&b, zip), 0);
	assert_files(b, want, 5);
	ck_assert_int_eq(b->is_zip, 1);
	ck_assert_int_eq(b->has_manifest, 0);
	ck_assert_str_eq(bundle_get(b, "ok.json")->data, "{}");
	bundle_free(b);
	/* Nothing was written anywhere: the folder holds the zip alone. */
	{
		struct strbuf p = STRBUF_INIT;

		strbuf_addf(&p, "%s/../escape.txt", dir);
		ck_assert(!th_exists(p.buf));
		strbuf_release(&p);
	}
	th_rm_rf(dir);
	free(dir);
	free(zip);
}
END_TEST

START_TEST(zip_bomb)
{
	char *dir = th_tmpdir(), *zip = join(dir, "bomb.zip");
	struct bundle *b = NULL;

	/*
	 * The limits scaled down (1 MB a file, 4 MB in all) so the test is quick:
	 * five members of 900 KB of zeros, each under the file limit; a member
	 * declaring 2 MB; and the same members with their sizes hidden (streamed,
	 * sizes only in data descriptors), caught as they inflate.
	 */
	py(dir, "import zipfile\n"
		"z = zipfile.ZipFile('bomb.zip', 'w', compression=zipfile.ZIP_DEFLATED)\n"
		"z.writestr('big.bin', bytes(2 << 20))\n"
		"for n in range(5):\n"
		"    z.writestr('zeros%d.bin' % n, bytes(900 << 10))\n"
		"z.close()\n");
	bundle_set_limits((size_t)1 << 20, (size_t)4 << 20);
	ck_assert_int_eq(bundle_open(&b, zip), ERR_LIMIT);
	ck_assert_ptr_null(b);
	ck_assert_msg(util_has_suffix(err_last(), "/bomb.zip: inflates to more than 4 MB (a zip bomb?): not read"), "%s",
		      err_last());
	/* Four members fit: the big one is refused by name, the rest read. */
	py(dir, "import zipfile\n"
		"z = zipfile.ZipFile('four.zip', 'w', compression=zipfile.ZIP_DEFLATED)\n"
		"z.writestr('big.bin', bytes(2 << 20))\n"
		"for n in range(4):\n"
		"    z.writestr('zeros%d.bin' % n, bytes(900 << 10))\n"
		"z.close()\n");
	free(zip);
	zip = join(dir, "four.zip");
	ck_assert_int_eq(bundle_open(&b, zip), 0);
	ck_assert_int_eq(b->nfiles, 5);
	ck_assert_str_eq(b->files[0].name, "big.bin");
	ck_assert_str_eq(b->files[0].problem, "larger than the 1 MB a bundle file may be");
	ck_assert_int_eq(b->files[4].len, 900 << 10);
	bundle_free(b);
	/* Sizes hidden from the headers (written to a pipe: data descriptors only). */
	py(dir, "import zipfile, sys, io\n"
		"class W(io.RawIOBase):\n"
		"    def __init__(s, f): s.f = f\n"
		"    def writable(s): return True\n"
		"    def write(s, b): return s.f.write(b)\n"
		"    def seekable(s): return False\n"
		"with open('hidden.zip', 'wb') as out:\n"
		"    z = zipfile.ZipFile(W(out), 'w', compression=zipfile.ZIP_DEFLATED)\n"
		"    for n in range(5):\n"
		"        with z.open('zeros%d.bin' % n, 'w') as f:\n"
		"            f.write(bytes(900 << 10))\n"
		"    z.close()\n");
	free(zip);
	zip = join(dir, "hidden.zip");
	ck_assert_int_eq(bundle_open(&b, zip), ERR_LIMIT);
	ck_assert_msg(util_has_suffix(err_last(), "/hidden.zip: inflates to more than 4 MB (a zip bomb?): not read"), "%s",
		      err_last());
	bundle_set_limits(0, 0);
	th_rm_rf(dir);
	free(dir);
	free(zip);
}
END_TEST

START_TEST(folder_links_and_manifest)
{
	char *dir = th_tmpdir(), *b1 = join(dir, "b");
	struct bundle *b = NULL;
	struct strbuf p = STRBUF_INIT;
	static const char *const want[] = {
		"SHA256SUMS ok -",
		"a.json ok -",
		"gone.json missing listed in SHA256SUMS but not in the bundle",
		"out refused a symbolic link: links are not followed out of a bundle",
	};

	util_mkdirs(b1, 0700);
	strbuf_addf(&p, "%s/a.json", b1);
	th_write(p.buf, "{\"a\": 1}\n");
	strbuf_reset(&p);
	strbuf_addf(&p, "%s/out", b1);
	ck_assert_int_eq(symlink("/etc/passwd", p.buf), 0);
	strbuf_reset(&p);
	strbuf_addf(&p, "%s/SHA256SUMS", b1);
	th_write(p.buf, "a6e5e3dfc1cc1f1b8c0e0ed9b9e3f2c6cde3b26e7a88a6fd3fd7b1cd9ba9e1c5  gone.json\n"
			"1d3b0f8c2d0f1ec5ba9a2d4bdbb6d05f17ee1b7a8e21d1a9bb5de71e4d0c20b3  a.json\n");
	/* a.json's real digest, to make the line true */
	{
		struct strbuf hex = STRBUF_INIT, sums = STRBUF_INIT;
		sha256_hex(&hex, "{\"a\": 1}\n", 9);
		strbuf_addf(&sums, "a6e5e3dfc1cc1f1b8c0e0ed9b9e3f2c6cde3b26e7a88a6fd3fd7b1cd9ba9e1c5  gone.json\n%s *a.json\n",
			    hex.buf);
		th_write(p.buf, sums.buf);
		strbuf_release(&hex);
		strbuf_release(&sums);
	}
	ck_assert_int_eq(bundle_open(&b, b1), 0);
	ck_assert_int_eq(b->has_manifest, 1);
	assert_files(b, want, 4);
	bundle_free(b);

	/* A line that is not "HEX  NAME", and a name that climbs out. */
	th_write(p.buf, "abc  a.json\n");
	ck_assert_int_eq(bundle_open(&b, b1), ERR_PARSE);
	ck_assert_msg(util_has_suffix(err_last(), "/b: SHA256SUMS:1: expected 64 lowercase hex digits, two spaces and a file name"),
		      "%s", err_last());
	th_write(p.buf, "\n1d3b0f8c2d0f1ec5ba9a2d4bdbb6d05f17ee1b7a8e21d1a9bb5de71e4d0c20b3  ../a.json\n");
	ck_assert_int_eq(bundle_open(&b, b1), ERR_PARSE);
	ck_assert_msg(util_has_suffix(err_last(), "/b: SHA256SUMS:2: the file name must be relative and stay inside the bundle"),
		      "%s", err_last());
	strbuf_release(&p);
	th_rm_rf(dir);
	free(dir);
	free(b1);
}
END_TEST

static void engagement(const char *dir, const char *path)
{
	char *p = join(dir, "engagement.yaml");

	th_write_fmt(p, "name: Imports\nclient: Test\nas_of: 2026-11-15\ncompanies:\n"
			"  - id: kestrel\n    name: Kestrel\n    role: target\n    sources:\n"
			"      - id: room\n        type: bundle\n        cluster: prod\n        path: %s\n",
		     path);
	free(p);
}

struct seen {
	json_t *by_tool; /* tool -> count of findings */
	json_t *gaps;    /* ["component: reason"] */
	json_t *threat;  /* one threat finding */
	int dups;
};

static int on_finding(void *ctx, json_t *f)
{
	struct seen *s = ctx;
	const json_t *o = json_object_get(f, "origin");

	if (!strcmp(jsonx_strz(f, "kind"), "gap")) {
		struct strbuf g = STRBUF_INIT;

		strbuf_addf(&g, "%s: %s", jsonx_strz(f, "component"), jsonx_strz(f, "reason"));
		json_array_append_new(s->gaps, json_string(g.buf));
		strbuf_release(&g);
		return 0;
	}
	ck_assert_ptr_nonnull(o);
	json_object_set_new(s->by_tool, jsonx_strz(o, "tool"), json_integer(jsonx_int(s->by_tool, jsonx_strz(o, "tool"), 0) + 1));
	/* Grype's two matches are Trivy's too (same image, advisory, package and version): one finding each. */
	if ((!strcmp(jsonx_strz(f, "rule"), "CVE-2024-2961") || !strcmp(jsonx_strz(f, "rule"), "GHSA-c2qf-rxjj-qqgw")) &&
	    !strcmp(jsonx_strz(json_object_get(f, "asset"), "kind"), "image")) {
		ck_assert_str_eq(jsonx_strz(o, "tool"), "grype");
		ck_assert_str_eq(jsonx_strz(json_array_get(json_object_get(f, "also_reported_by"), 0), "tool"), "trivy");
		ck_assert_int_eq(json_array_size(json_object_get(f, "also_reported_by")), 1);
		s->dups++;
	}
	if (jsonx_str(f, "signal") && !strcmp(jsonx_str(o, "tool"), "guardduty"))
		s->threat = json_incref(f);
	return 0;
}

START_TEST(data_room_folder)
{
	static const char *const names[] = { "trivy.json", "grype.json", "prowler-ocsf.json", "kube-bench.json", "guardduty.json",
					     "asff.json", "defender.json", "cyclonedx.json", "spdx.json" };
	char *dir = th_tmpdir(), *room = join(dir, "room"), *eng = join(dir, "engagement.yaml");
	struct strbuf p = STRBUF_INIT, data = STRBUF_INIT;
	struct seen s = { json_object(), json_array(), NULL, 0 };
	struct th_result res;
	struct store *st = NULL;
	size_t i;

	util_mkdirs(room, 0700);
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		char *src;

		strbuf_reset(&p);
		strbuf_addf(&p, "tests/fuzz/seeds/import/%s", names[i]);
		src = th_repo_path(p.buf);
		strbuf_reset(&data);
		th_read(src, &data);
		strbuf_reset(&p);
		strbuf_addf(&p, "%s/%s", room, names[i]);
		th_write(p.buf, data.buf);
		free(src);
	}
	strbuf_reset(&p);
	strbuf_addf(&p, "%s/notes.json", room);
	th_write(p.buf, "{\"owner\": \"ops\"}");
	engagement(dir, "room");
	th_vetter(&res, NULL, "run", eng, "--only", "collect", NULL);
	th_assert_status(&res, 3);
	th_result_release(&res);

	strbuf_reset(&p);
	strbuf_addf(&p, "%s/engagement.vetter/store.sqlite", dir);
	ck_assert_int_eq(store_open(&st, p.buf), 0);
	ck_assert_int_eq(store_finding_foreach(st, NULL, on_finding, &s), 0);

	{
		struct strbuf got = STRBUF_INIT;

		jsonx_dump_canonical(&got, s.by_tool);
		ck_assert_str_eq(got.buf, "{\"asff\":2,\"cyclonedx\":1,\"defender\":1,\"grype\":2,\"guardduty\":1,\"kube-bench\":2,"
					  "\"prowler\":2,\"trivy\":3}");
		strbuf_reset(&got);
		jsonx_dump_canonical(&got, s.gaps);
		ck_assert_str_eq(got.buf, "[\"bundle file notes.json: notes.json: not the output of a tool vetter imports\","
					  "\"bundle manifest: no SHA256SUMS: the files' integrity cannot be checked; read as given\"]");
		strbuf_release(&got);
	}
	ck_assert_int_eq(s.dups, 2);
	ck_assert_ptr_nonnull(s.threat);
	ck_assert_str_eq(jsonx_strz(s.threat, "kind"), "threat");
	ck_assert_str_eq(jsonx_strz(s.threat, "severity_source"), "guardduty");
	ck_assert_str_eq(jsonx_strz(json_object_get(s.threat, "origin"), "file"), "guardduty.json");
	ck_assert_int_eq(jsonx_bool(json_object_get(s.threat, "origin"), "supplied", 0), 1);
	ck_assert_str_eq(jsonx_strz(json_object_get(s.threat, "asset"), "key"), "aws:account:123456789012");
	store_close(st);
	json_decref(s.threat);
	json_decref(s.by_tool);
	json_decref(s.gaps);

	/* The same folder through 'vetter import': listed, collected as kestrel.import-room. */
	th_vetter(&res, NULL, "import", room, "--company", "kestrel", eng, NULL);
	th_assert_status(&res, 3);
	ck_assert_msg(strstr(res.out.buf, "imported as source kestrel.import-room of kestrel: "), "%s", res.out.buf);
	th_result_release(&res);
	/* A bundle outside the engagement folder is refused. */
	th_vetter(&res, NULL, "import", "/etc", "--company", "kestrel", eng, NULL);
	th_assert_status(&res, 2);
	ck_assert_msg(strstr(res.err.buf, "/etc"), "%s", res.err.buf);
	th_result_release(&res);
	th_vetter(&res, NULL, "import", room, "--company", "nobody", eng, NULL);
	th_assert_status(&res, 2);
	ck_assert_msg(strstr(res.err.buf, "no company 'nobody'"), "%s", res.err.buf);
	th_result_release(&res);

	strbuf_release(&p);
	strbuf_release(&data);
	th_rm_rf(dir);
	free(dir);
	free(room);
	free(eng);
}
END_TEST

START_TEST(newer_kit_version)
{
	char *dir = th_tmpdir(), *b = join(dir, "b"), *eng = join(dir, "engagement.yaml");
	struct strbuf p = STRBUF_INIT;
	struct th_result res;

	util_mkdirs(b, 0700);
	strbuf_addf(&p, "%s/commands.tsv", b);
	th_write(p.buf, "# vetter-bundle\t2\tkit\tk8s\n");
	engagement(dir, "b");
	th_vetter(&res, NULL, "run", eng, "--only", "collect", NULL);
	th_assert_status(&res, 3);
	ck_assert_msg(strstr(res.err.buf, "commands.tsv:1: bundle version 2, made by a newer kit: this vetter reads version 1"),
		      "%s", res.err.buf);
	th_result_release(&res);
	strbuf_release(&p);
	th_rm_rf(dir);
	free(dir);
	free(b);
	free(eng);
}
END_TEST

/* A registry kit's files for a multi-platform index, as skopeo writes them: the platform's image from the index. */
static int repo_doc(void *ctx, const struct store_asset *a)
{
	json_t *m = ctx;

	json_object_set(m, a->key, a->doc);
	return 0;
}

START_TEST(registry_index_from_skopeo_files)
{
	static const char index[] =
		"{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.index.v1+json\",\"manifests\":["
		"{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"digest\":\"sha256:"
		"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\",\"size\":500,"
		"\"platform\":{\"os\":\"linux\",\"architecture\":\"amd64\"}},"
		"{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"digest\":\"sha256:"
		"bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb\",\"size\":500,"
		"\"platform\":{\"os\":\"linux\",\"architecture\":\"arm64\",\"variant\":\"v8\"}}]}";
	static const char config[] = "{\"architecture\":\"amd64\",\"os\":\"linux\",\"created\":\"2025-02-01T00:00:00Z\","
				     "\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[]}}";
	char *dir = th_tmpdir(), *b = join(dir, "b"), *eng = join(dir, "engagement.yaml");
	struct strbuf p = STRBUF_INIT, hex = STRBUF_INIT, want = STRBUF_INIT;
	struct th_result res;
	struct store *st = NULL;
	json_t *docs = json_object();
	const json_t *img, *repo;

	strbuf_addf(&p, "%s/registry/app/multi", b);
	util_mkdirs(p.buf, 0700);
	strbuf_reset(&p);
	strbuf_addf(&p, "%s/registry/app/multi/tags.json", b);
	th_write(p.buf, "{\n    \"Repository\": \"reg.example:5000/app/multi\",\n    \"Tags\": [\n        \"1\"\n    ]\n}\n");
	strbuf_reset(&p);
	strbuf_addf(&p, "%s/registry/app/multi/1.manifest.json", b);
	th_write(p.buf, index);
	strbuf_reset(&p);
	strbuf_addf(&p, "%s/registry/app/multi/1.config.json", b);
	th_write(p.buf, config);
	strbuf_reset(&p);
	strbuf_addf(&p, "%s/registry/app/multi/1.inspect.json", b);
	th_write(p.buf, "{\"Name\":\"reg.example:5000/app/multi\",\"LayersData\":[{\"Size\":100},{\"Size\":200}]}");
	strbuf_reset(&p);
	strbuf_addf(&p, "%s/commands.tsv", b);
	th_write(p.buf, "# vetter-bundle\t1\tkit\tregistry\n"
			"registry/app/multi/tags.json\t0\tskopeo\tskopeo list-tags docker://reg.example:5000/app/multi\n"
			"registry/app/multi/1.manifest.json\t0\tskopeo\tskopeo inspect --raw docker://reg.example:5000/app/multi:1\n"
			"registry/app/multi/1.config.json\t0\tskopeo\tskopeo inspect --config --raw --override-os linux "
			"--override-arch amd64 docker://reg.example:5000/app/multi:1\n"
			"registry/app/multi/1.inspect.json\t0\tskopeo\tskopeo inspect --override-os linux --override-arch amd64 "
			"docker://reg.example:5000/app/multi:1\n");
	engagement(dir, "b");
	th_vetter(&res, NULL, "run", eng, "--only", "collect", NULL);
	/* no SHA256SUMS: one gap */
	th_assert_status(&res, 3);
	th_result_release(&res);
	strbuf_reset(&p);
	strbuf_addf(&p, "%s/engagement.vetter/store.sqlite", dir);
	ck_assert_int_eq(store_open(&st, p.buf), 0);
	ck_assert_int_eq(store_asset_foreach(st, "kestrel", NULL, repo_doc, docs), 0);
	store_close(st);
	sha256_hex(&hex, index, strlen(index));
	strbuf_addf(&want, "registry:reg.example:5000/app/multi@sha256:%s", hex.buf);
	img = json_object_get(docs, want.buf);
	ck_assert_msg(img != NULL, "no image %s", want.buf);
	ck_assert_str_eq(jsonx_strz(img, "platforms"), "linux/amd64, linux/arm64/v8");
	ck_assert_str_eq(jsonx_strz(img, "created"), "2025-02-01T00:00:00Z");
	ck_assert_str_eq(jsonx_strz(img, "media_type"), "application/vnd.oci.image.index.v1+json");
	ck_assert_int_eq(jsonx_int(img, "size", 0), (long long)strlen(config) + 300);
	repo = json_array_get(json_object_get(json_object_get(docs, "registry:reg.example:5000/app/multi"), "tags"), 0);
	ck_assert_str_eq(jsonx_strz(repo, "manifest_digest"),
			 "sha256:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa");
	ck_assert_str_eq(jsonx_strz(repo, "platform"), "linux/amd64");
	ck_assert_int_eq(jsonx_int(repo, "layers", 0), 2);
	json_decref(docs);
	strbuf_release(&p);
	strbuf_release(&hex);
	strbuf_release(&want);
	th_rm_rf(dir);
	free(dir);
	free(b);
	free(eng);
}
END_TEST

Suite *bundle_suite(void)
{
	Suite *s = suite_create("bundle");
	TCase *tc = tcase_create("bundle");

	if (th_have_tool("bundle", "python3")) {
		tcase_add_test(tc, hostile_zip_names_and_links);
		tcase_add_test(tc, zip_bomb);
	}
	tcase_add_test(tc, folder_links_and_manifest);
	tcase_add_test(tc, data_room_folder);
	tcase_add_test(tc, newer_kit_version);
	tcase_add_test(tc, registry_index_from_skopeo_files);
	tcase_set_timeout(tc, 120);
	suite_add_tcase(s, tc);
	return s;
}
