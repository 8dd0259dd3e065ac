/*
 * Images and layers: OCI layouts, OCI and docker archives built with umoci
 * and skopeo, multi-platform indexes, digests checked, and the layer walker
 * on crafted tarballs (whiteouts, links, hostile paths, bombs).
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/crypto.h"
#include "core/err.h"
#include "core/jsonx.h"
#include "core/util.h"
#include "scan/image.h"
#include "scan/imageref.h"
#include "scan/layer.h"
#include "th.h"

/* Write spec (JSON text) and build OUT with tests/lib/mktar.py. */
static void mktar(const char *dir, const char *out, const char *spec)
{
	char *tool = th_repo_path("tests/lib/mktar.py");
	struct strbuf sp = STRBUF_INIT, op = STRBUF_INIT;
	struct th_result res;
	const char *argv[] = { "python3", tool, NULL, NULL, NULL };

	strbuf_addf(&sp, "%s/%s.spec.json", dir, out);
	strbuf_addf(&op, "%s/%s", dir, out);
	th_write(sp.buf, spec);
	argv[2] = op.buf;
	argv[3] = sp.buf;
	th_run(&res, argv, NULL, NULL, NULL);
	th_assert_status(&res, 0);
	th_result_release(&res);
	free(tool);
	strbuf_release(&sp);
	strbuf_release(&op);
}

struct file_src {
	FILE *f;
};

static ssize_t file_read(void *src, void *buf, size_t len)
{
	struct file_src *s = src;
	size_t n = fread(buf, 1, len, s->f);

	return ferror(s->f) ? ERR_IO : (ssize_t)n;
}

struct seen {
	struct strbuf log;
	struct strbuf content;
};

static int seen_entry(void *ctx, const struct layer_entry *e)
{
	static const char *const kinds[] = { "F", "D", "L", "H", "W", "O", "X" };
	struct seen *s = ctx;

	strbuf_addf(&s->log, "%s %s%s%s\n", kinds[e->kind], e->path, e->link ? " -> " : "", e->link ? e->link : "");
	return e->kind == LAYER_FILE;
}

static int seen_data(void *ctx, const void *buf, size_t len)
{
	return strbuf_add(&((struct seen *)ctx)->content, buf, len);
}

static int seen_end(void *ctx)
{
	return strbuf_addch(&((struct seen *)ctx)->content, '|');
}

static const struct layer_visitor seen_visitor = { .entry = seen_entry, .data = seen_data, .end = seen_end };

static int seen_want(void *ctx, const struct layer_entry *e)
{
	(void)ctx;
	return e->kind == LAYER_FILE;
}

/* The same visitor, run on the second thread of a pipelined walk. */
static const struct layer_visitor seen_visitor_mt = {
	.entry = seen_entry, .want = seen_want, .data = seen_data, .end = seen_end,
};

static int failing_data(void *ctx, const void *buf, size_t len)
{
	struct seen *s = ctx;

	strbuf_add(&s->content, buf, len);
	return s->content.len > 100000 ? err_set(ERR_PARSE, "visitor gave up at %zu bytes", s->content.len) : 0;
}

static const struct layer_visitor failing_visitor_mt = {
	.entry = seen_entry, .want = seen_want, .data = failing_data, .end = seen_end,
};

static int walk_file(const char *path, struct seen *s, const struct layer_limits *lim)
{
	struct file_src src = { fopen(path, "rb") };
	struct layer_stats st;
	int rc;

	ck_assert_ptr_nonnull(src.f);
	rc = layer_walk(file_read, &src, &seen_visitor, s, lim, &st);
	fclose(src.f);
	return rc;
}

START_TEST(paths_are_normalised)
{
	struct strbuf p = STRBUF_INIT;

	ck_assert_int_eq(layer_path_normalise(&p, "./etc//os-release"), 0);
	ck_assert_str_eq(p.buf, "etc/os-release");
	ck_assert_int_eq(layer_path_normalise(&p, "usr/./lib/"), 0);
	ck_assert_str_eq(p.buf, "usr/lib");
	ck_assert_int_eq(layer_path_normalise(&p, "./"), 0);
	ck_assert_str_eq(p.buf, "");
	ck_assert_int_eq(layer_path_normalise(&p, "../etc/passwd"), ERR_INVALID);
	ck_assert_int_eq(layer_path_normalise(&p, "a/../../b"), ERR_INVALID);
	ck_assert_int_eq(layer_path_normalise(&p, "/etc/passwd"), ERR_INVALID);
	ck_assert_int_eq(layer_path_normalise(&p, "a/..b/c"), 0);
	strbuf_release(&p);
}
END_TEST

START_TEST(walker_decodes_every_kind)
{
	static const char *const outs[] = { "l.tar", "l.tar.gz", "l.tar.zst" };
	char *dir = th_tmpdir();
	struct strbuf path = STRBUF_INIT;
	struct seen s;
	size_t i;

	for (i = 0; i < 3; i++) {
		mktar(dir, outs[i],
		      "[{\"path\": \"./etc\", \"type\": \"dir\"},"
		      " {\"path\": \"./etc/os-release\", \"content\": \"ID=alpine\\n\"},"
		      " {\"path\": \"etc/.wh.shadow\"},"
		      " {\"path\": \"var/lib/.wh..wh..opq\"},"
		      " {\"path\": \".wh..wh.plnk\"},"
		      " {\"path\": \"usr/lib/os-release\", \"type\": \"symlink\", \"link\": \"../../etc/os-release\"},"
		      " {\"path\": \"etc/hard\", \"type\": \"hardlink\", \"link\": \"./etc/os-release\"},"
		      " {\"path\": \"empty\", \"content\": \"\"}]");
		strbuf_init(&s.log, 0);
		strbuf_init(&s.content, 0);
		strbuf_reset(&path);
		strbuf_addf(&path, "%s/%s", dir, outs[i]);
		ck_assert_msg(walk_file(path.buf, &s, NULL) == 0, "%s: %s", outs[i], err_last());
		ck_assert_str_eq(s.log.buf, "D etc\nF etc/os-release\nW etc/shadow\nO var/lib\n"
					    "L usr/lib/os-release -> ../../etc/os-release\nH etc/hard -> etc/os-release\n"
					    "F empty\n");
		ck_assert_str_eq(s.content.buf, "ID=alpine\n||");
		strbuf_release(&s.log);
		strbuf_release(&s.content);
	}
	th_rm_rf(dir);
	free(dir);
	strbuf_release(&path);
}
END_TEST

static void expect_walk_error(const char *spec, const char *out, int code, const char *needle,
			      const struct layer_limits *lim)
{
	char *dir = th_tmpdir();
	struct strbuf path = STRBUF_INIT;
	struct seen s = { STRBUF_INIT, STRBUF_INIT };

	mktar(dir, out, spec);
	strbuf_addf(&path, "%s/%s", dir, out);
	ck_assert_int_eq(walk_file(path.buf, &s, lim), code);
	ck_assert_msg(strstr(err_last(), needle), "'%s' lacks '%s'", err_last(), needle);
	strbuf_release(&s.log);
	strbuf_release(&s.content);
	th_rm_rf(dir);
	free(dir);
	strbuf_release(&path);
}

/* Many files, some large: the two-thread walk delivers exactly what the one-thread walk does. */
START_TEST(pipelined_walk_matches_and_stops_on_errors)
{
	char *dir = th_tmpdir();
	struct strbuf spec = STRBUF_INIT, path = STRBUF_INIT;
	struct seen one = { STRBUF_INIT, STRBUF_INIT }, two = { STRBUF_INIT, STRBUF_INIT };
	struct file_src src;
	struct layer_stats st;
	int i, rc;

	strbuf_addstr(&spec, "[");
	for (i = 0; i < 300; i++)
		strbuf_addf(&spec, "%s{\"path\": \"d%d/f%d\", \"content\": \"%0*d\"}", i ? "," : "", i % 7, i, i * 37 % 3000, i);
	strbuf_addstr(&spec, ",{\"path\": \"big\", \"from\": \"/bin/sh\"}, {\"path\": \"l\", \"type\": \"symlink\", \"link\": \"big\"}]");
	mktar(dir, "m.tar.gz", spec.buf);
	strbuf_addf(&path, "%s/m.tar.gz", dir);
	ck_assert_int_eq(walk_file(path.buf, &one, NULL), 0);
	src.f = fopen(path.buf, "rb");
	ck_assert_int_eq(layer_walk(file_read, &src, &seen_visitor_mt, &two, NULL, &st), 0);
	fclose(src.f);
	ck_assert_str_eq(one.log.buf, two.log.buf);
	ck_assert_uint_eq(one.content.len, two.content.len);
	ck_assert_mem_eq(one.content.buf, two.content.buf, one.content.len);
	/* A visitor error on the second thread stops the walk with its own message. */
	strbuf_reset(&two.log);
	strbuf_reset(&two.content);
	src.f = fopen(path.buf, "rb");
	rc = layer_walk(file_read, &src, &failing_visitor_mt, &two, NULL, &st);
	fclose(src.f);
	ck_assert_int_eq(rc, ERR_PARSE);
	ck_assert_msg(strstr(err_last(), "visitor gave up"), "%s", err_last());
	strbuf_release(&one.log), strbuf_release(&one.content), strbuf_release(&two.log), strbuf_release(&two.content);
	strbuf_release(&spec), strbuf_release(&path);
	th_rm_rf(dir);
	free(dir);
}
END_TEST

START_TEST(hostile_layers_are_refused)
{
	struct layer_limits small = { 4 << 20, 0 };

	expect_walk_error("[{\"path\": \"../../etc/passwd\", \"content\": \"x\"}]", "a.tar", ERR_INVALID, "climbs out",
			  NULL);
	expect_walk_error("[{\"path\": \"/etc/passwd\", \"content\": \"x\"}]", "b.tar.gz", ERR_INVALID, "absolute path",
			  NULL);
	/* 64 MB of zeros squeezed into a few kilobytes, against a 4 MB limit. */
	expect_walk_error("[{\"path\": \"bomb\", \"zeros\": 67108864}]", "c.tar.gz", ERR_LIMIT, "decompression bomb",
			  &small);
}
END_TEST

START_TEST(truncated_gzip_is_an_error)
{
	char *dir = th_tmpdir();
	struct strbuf path = STRBUF_INIT, data = STRBUF_INIT;
	struct seen s = { STRBUF_INIT, STRBUF_INIT };
	int rc;

	mktar(dir, "t.tar.gz", "[{\"path\": \"big\", \"from\": \"/bin/sh\"}]");
	strbuf_addf(&path, "%s/t.tar.gz", dir);
	th_read(path.buf, &data);
	th_write(path.buf, "");
	{
		FILE *f = fopen(path.buf, "wb");

		fwrite(data.buf, 1, data.len / 2, f);
		fclose(f);
	}
	rc = walk_file(path.buf, &s, NULL);
	ck_assert_msg(rc == ERR_PARSE, "rc %d: %s", rc, err_last());
	strbuf_release(&s.log);
	strbuf_release(&s.content);
	strbuf_release(&data);
	th_rm_rf(dir);
	free(dir);
	strbuf_release(&path);
}
END_TEST

/* An OCI layout with two layers, the second deleting a file, tagged "v1". */
static char *build_layout(const char *dir)
{
	char *tool = th_repo_path("tests/lib/mkimage.sh");
	struct strbuf layout = STRBUF_INIT, l1 = STRBUF_INIT, l2 = STRBUF_INIT;
	struct th_result res;

	mktar(dir, "l1.tar.gz",
	      "[{\"path\": \"etc/os-release\", \"content\": \"ID=debian\\nVERSION_ID=12\\n\"},"
	      " {\"path\": \"root/.ssh/id_rsa\", \"content\": \"key\"}]");
	mktar(dir, "l2.tar.gz", "[{\"path\": \"root/.ssh/.wh.id_rsa\"}, {\"path\": \"app/run\", \"content\": \"#!/bin/sh\\n\"}]");
	strbuf_addf(&layout, "%s/layout", dir);
	strbuf_addf(&l1, "%s/l1.tar.gz", dir);
	strbuf_addf(&l2, "%s/l2.tar.gz", dir);
	{
		const char *argv[] = { "sh", tool, layout.buf, "v1", "--user", "1000", "--env", "MODE=prod",
				       l1.buf, l2.buf, NULL };

		th_run(&res, argv, NULL, NULL, NULL);
		th_assert_status(&res, 0);
		th_result_release(&res);
	}
	free(tool);
	strbuf_release(&l1);
	strbuf_release(&l2);
	return strbuf_detach(&layout, NULL);
}

static void check_image(const char *text, const char *path)
{
	struct image_ref ref;
	struct image *img = NULL;
	struct blob_reader *br = NULL;
	char buf[4096];
	ssize_t n;
	size_t i;

	ck_assert_msg(image_ref_parse(&ref, text) == 0, "%s", err_last());
	ck_assert_msg(image_open(&img, &ref, path, NULL) == 0, "%s: %s", text, err_last());
	ck_assert_uint_eq(img->nlayers, 2);
	ck_assert_str_eq(jsonx_strz(jsonx_dig(img->config, "config"), "User"), "1000");
	ck_assert(image_digest_valid(img->config_digest));
	for (i = 0; i < img->nlayers; i++) {
		ck_assert(image_digest_valid(img->layers[i].diff_id));
		ck_assert_int_eq(image_layer_open(img, i, &br), 0);
		while ((n = blob_read(br, buf, sizeof(buf))) > 0)
			;
		ck_assert_msg(n == 0, "layer %zu: %s", i, err_last());
		blob_close(br);
	}
	image_free(img);
	image_ref_release(&ref);
}

START_TEST(layouts_and_archives_open)
{
	char *dir = th_tmpdir(), *layout = build_layout(dir);
	struct strbuf t = STRBUF_INIT, oa = STRBUF_INIT, da = STRBUF_INIT, src = STRBUF_INIT, dst = STRBUF_INIT;
	struct th_result res;

	strbuf_addf(&t, "oci-dir:%s:v1", layout);
	check_image(t.buf, layout);
	/* The same image as an OCI archive and as docker save output, made by skopeo. */
	strbuf_addf(&oa, "%s/img.oci.tar", dir);
	strbuf_addf(&da, "%s/img.docker.tar", dir);
	strbuf_addf(&src, "oci:%s:v1", layout);
	strbuf_addf(&dst, "oci-archive:%s:v1", oa.buf);
	{
		const char *argv[] = { "skopeo", "copy", "--insecure-policy", src.buf, dst.buf, NULL };

		th_run(&res, argv, NULL, NULL, NULL);
		th_assert_status(&res, 0);
		th_result_release(&res);
	}
	strbuf_reset(&dst);
	strbuf_addf(&dst, "docker-archive:%s:example/app:v1", da.buf);
	{
		const char *argv[] = { "skopeo", "copy", "--insecure-policy", src.buf, dst.buf, NULL };

		th_run(&res, argv, NULL, NULL, NULL);
		th_assert_status(&res, 0);
		th_result_release(&res);
	}
	strbuf_reset(&t);
	strbuf_addf(&t, "oci-archive:%s:v1", oa.buf);
	check_image(t.buf, oa.buf);
	strbuf_reset(&t);
	strbuf_addf(&t, "docker-archive:%s", da.buf);
	check_image(t.buf, da.buf);
	th_rm_rf(dir);
	free(dir);
	free(layout);
	strbuf_release(&t);
	strbuf_release(&oa);
	strbuf_release(&da);
	strbuf_release(&src);
	strbuf_release(&dst);
}
END_TEST

START_TEST(tampered_and_hostile_layouts)
{
	char *dir = th_tmpdir(), *layout = build_layout(dir);
	struct strbuf t = STRBUF_INIT, p = STRBUF_INIT, idx = STRBUF_INIT;
	struct image_ref ref;
	struct image *img = NULL;
	struct blob_reader *br = NULL;
	char buf[4096];
	ssize_t n;

	strbuf_addf(&t, "oci-dir:%s:v1", layout);
	ck_assert_int_eq(image_ref_parse(&ref, t.buf), 0);
	ck_assert_int_eq(image_open(&img, &ref, layout, NULL), 0);
	/* A layer blob changed after the manifest was written. */
	strbuf_addf(&p, "%s/blobs/sha256/%s", layout, img->layers[1].digest + 7);
	{
		struct strbuf data = STRBUF_INIT;

		th_read(p.buf, &data);
		data.buf[data.len - 9] ^= 0x55;
		unlink(p.buf);
		th_write(p.buf, "");
		FILE *f = fopen(p.buf, "wb");
		fwrite(data.buf, 1, data.len, f);
		fclose(f);
		strbuf_release(&data);
	}
	ck_assert_int_eq(image_layer_open(img, 1, &br), 0);
	while ((n = blob_read(br, buf, sizeof(buf))) > 0)
		;
	ck_assert_int_eq(n, ERR_INTEGRITY);
	blob_close(br);
	image_free(img);
	img = NULL;
	/* An index whose digest tries to leave the layout. */
	strbuf_addf(&idx, "%s/index.json", layout);
	th_write(idx.buf, "{\"schemaVersion\":2,\"manifests\":[{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
			  "\"digest\":\"sha256:../../../../etc/passwd\",\"size\":1,"
			  "\"annotations\":{\"org.opencontainers.image.ref.name\":\"v1\"}}]}");
	ck_assert_int_eq(image_open(&img, &ref, layout, NULL), ERR_PARSE);
	ck_assert_msg(strstr(err_last(), "is not a sha256 digest"), "%s", err_last());
	/* No such tag. */
	image_ref_release(&ref);
	strbuf_reset(&t);
	strbuf_addf(&t, "oci-dir:%s:v2", layout);
	ck_assert_int_eq(image_ref_parse(&ref, t.buf), 0);
	ck_assert_int_eq(image_open(&img, &ref, layout, NULL), ERR_NOTFOUND);
	image_ref_release(&ref);
	th_rm_rf(dir);
	free(dir);
	free(layout);
	strbuf_release(&t);
	strbuf_release(&p);
	strbuf_release(&idx);
}
END_TEST

/* Replace the layout's index with a multi-platform index over two copies of the image. */
START_TEST(multi_platform_index_selects)
{
	char *dir = th_tmpdir(), *layout = build_layout(dir);
	struct strbuf t = STRBUF_INIT, idx = STRBUF_INIT, text = STRBUF_INIT, list = STRBUF_INIT, lp = STRBUF_INIT;
	struct image_ref ref;
	struct image *img = NULL;
	json_t *index = NULL, *m;
	const char *mdigest;

	strbuf_addf(&idx, "%s/index.json", layout);
	th_read(idx.buf, &text);
	ck_assert_int_eq(jsonx_parse(text.buf, text.len, "index", &index), 0);
	m = json_array_get(json_object_get(index, "manifests"), 0);
	mdigest = jsonx_str(m, "digest");
	/* The image index itself is a blob; index.json points at it by tag. */
	strbuf_addf(&list,
		    "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.index.v1+json\",\"manifests\":["
		    "{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"digest\":\"%s\",\"size\":%lld,"
		    "\"platform\":{\"os\":\"linux\",\"architecture\":\"arm64\",\"variant\":\"v8\"}},"
		    "{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"digest\":\"%s\",\"size\":%lld,"
		    "\"platform\":{\"os\":\"linux\",\"architecture\":\"amd64\"}}]}",
		    mdigest, jsonx_int(m, "size", 0), mdigest, jsonx_int(m, "size", 0));
	{
		struct strbuf d = STRBUF_INIT;

		sha256_hex(&d, list.buf, list.len);
		strbuf_addf(&lp, "%s/blobs/sha256/%s", layout, d.buf);
		th_write(lp.buf, list.buf);
		strbuf_reset(&text);
		strbuf_addf(&text,
			    "{\"schemaVersion\":2,\"manifests\":[{\"mediaType\":\"application/vnd.oci.image.index.v1+json\","
			    "\"digest\":\"sha256:%s\",\"size\":%zu,\"annotations\":{\"org.opencontainers.image.ref.name\":"
			    "\"multi\"}}]}",
			    d.buf, list.len);
		th_write(idx.buf, text.buf);
		strbuf_release(&d);
	}
	strbuf_addf(&t, "oci-dir:%s:multi", layout);
	ck_assert_int_eq(image_ref_parse(&ref, t.buf), 0);
	ck_assert_msg(image_open(&img, &ref, layout, NULL) == 0, "%s", err_last());
	ck_assert_str_eq(img->platform, "linux/amd64");
	image_free(img);
	ck_assert_msg(image_open(&img, &ref, layout, "linux/arm64") == 0, "%s", err_last());
	image_free(img);
	ck_assert_int_eq(image_open(&img, &ref, layout, "linux/s390x"), ERR_NOTFOUND);
	ck_assert_msg(strstr(err_last(), "linux/arm64/v8, linux/amd64"), "%s", err_last());
	image_ref_release(&ref);
	json_decref(index);
	th_rm_rf(dir);
	free(dir);
	free(layout);
	strbuf_release(&t);
	strbuf_release(&idx);
	strbuf_release(&text);
	strbuf_release(&list);
	strbuf_release(&lp);
}
END_TEST

Suite *image_suite(void)
{
	Suite *s = suite_create("image");
	TCase *tc = tcase_create("layer");
	TCase *ti = tcase_create("image");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, paths_are_normalised);
	if (th_have_tool("walker_decodes_every_kind", "zstd"))
		tcase_add_test(tc, walker_decodes_every_kind);
	tcase_add_test(tc, hostile_layers_are_refused);
	tcase_add_test(tc, pipelined_walk_matches_and_stops_on_errors);
	tcase_add_test(tc, truncated_gzip_is_an_error);
	suite_add_tcase(s, tc);
	tcase_set_timeout(ti, 120);
	if (th_have_tool("image tests", "umoci") && th_have_tool("image tests", "skopeo")) {
		tcase_add_test(ti, layouts_and_archives_open);
		tcase_add_test(ti, tampered_and_hostile_layouts);
		tcase_add_test(ti, multi_platform_index_selects);
	}
	suite_add_tcase(s, ti);
	return s;
}
