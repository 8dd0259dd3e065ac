/* The assess stage: the packs on a scanned image's configuration, waivers, gaps and evidence. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "core/jsonx.h"
#include "core/util.h"
#include "th.h"

static char *pathf(const char *dir, const char *rel)
{
	struct strbuf p = STRBUF_INIT;

	strbuf_addf(&p, "%s/%s", dir, rel);
	return strbuf_detach(&p, NULL);
}

static void run_ok(const char *const *argv)
{
	struct th_result res;

	th_run(&res, argv, NULL, NULL, NULL);
	th_assert_status(&res, 0);
	th_result_release(&res);
}

static json_t *finding(const json_t *list, const char *kind, const char *rule)
{
	json_t *f;
	size_t i;

	json_array_foreach(list, i, f)
		if (!strcmp(jsonx_strz(f, "kind"), kind) && !strcmp(jsonx_strz(f, "rule"), rule))
			return f;
	return NULL;
}

START_TEST(assess_judges_image_configurations)
{
	char *dir = th_tmpdir(), *mkimage = th_repo_path("tests/lib/mkimage.sh"), *mktar = th_repo_path("tests/lib/mktar.py");
	char *layout = pathf(dir, "layout"), *layer = pathf(dir, "l1.tar.gz"), *spec = pathf(dir, "spec.json");
	char *eng = pathf(dir, "engagement.yaml"), *out = pathf(dir, "out"), *json = pathf(dir, "out/findings.json");
	char *wv = pathf(dir, "waivers.yaml");
	const char *tar_argv[] = { "python3", mktar, layer, spec, NULL };
	const char *img_argv[] = { "sh", mkimage, layout, "app", "--user", "0", "--env", "DB_PASSWORD=hunter2",
				   "--port", "22/tcp", layer, NULL };
	struct strbuf image = STRBUF_INIT;
	const char *hist_argv[] = { "umoci", "config", "--image", NULL, "--history.created_by=RUN /bin/sh -c apt-get update",
				    NULL };
	struct strbuf text = STRBUF_INIT;
	struct th_result res;
	json_t *doc = NULL, *list, *f;
	size_t i, misconf = 0;

	th_write(spec, "[{\"path\": \"etc/os-release\", \"content\": \"ID=alpine\\nVERSION_ID=3.18.4\\n\"},"
		       " {\"path\": \"lib/apk/db/installed\", \"content\": \"P:musl\\nV:1.2.4-r1\\nA:x86_64\\no:musl\\n\\n\"},"
		       " {\"path\": \"bin/su\", \"content\": \"x\", \"mode\": 2541},"      /* 04755 */
		       " {\"path\": \"usr/bin/wall\", \"content\": \"x\", \"mode\": 1517}," /* 02755 */
		       " {\"path\": \"bin/ls\", \"content\": \"x\", \"mode\": 493}]");
	run_ok(tar_argv);
	run_ok(img_argv);
	/* mkimage.sh splits its arguments at spaces; a build step with spaces goes straight to umoci. */
	strbuf_addf(&image, "%s:app", layout);
	hist_argv[3] = image.buf;
	run_ok(hist_argv);
	th_write_fmt(eng,
		     "name: Rules\nclient: Test\nas_of: 2025-06-30\nwaivers: waivers.yaml\n"
		     "companies:\n  - id: target\n    name: Target Ltd\n    role: target\n    sources:\n"
		     "      - type: images\n        refs: ['oci-dir:%s:app']\n",
		     layout);
	th_write(wv,
		     "waivers:\n"
		     "  - rule: CIS-DOCKER-1.6-4.6\n    resource: {kind: image}\n"
		     "    reason: Liveness is probed by the orchestrator.\n    owner: platform@example.com\n"
		     "    expires: 2025-12-31\n"
		     "  - rule: CIS-DOCKER-1.6-5.7\n    resource: {kind: image}\n"
		     "    reason: Legacy SFTP.\n    owner: ops@example.com\n    expires: 2025-01-31\n");
	th_vetter(&res, NULL, "run", eng, "--out", out, "--no-progress", NULL);
	ck_assert_msg(res.status == 0 || res.status == 3, "status %d\n%s", res.status, res.err.buf);
	ck_assert_msg(strstr(res.err.buf, "assess: 145 rules on 1 resources: 5 fail, 1 waived, 0 could not be evaluated, 4 pass; 1 expired waivers"),
		      "%s", res.err.buf);
	th_result_release(&res);
	th_read(json, &text);
	ck_assert_int_eq(jsonx_parse(text.buf, text.len, "findings.json", &doc), 0);
	list = json_object_get(doc, "findings");
	f = finding(list, "misconfiguration", "CIS-DOCKER-1.6-4.1");
	ck_assert_ptr_nonnull(f);
	ck_assert_str_eq(jsonx_strz(f, "status"), "open");
	ck_assert_str_eq(jsonx_strz(f, "severity"), "medium");
	ck_assert_str_eq(jsonx_strz(f, "path"), "user");
	ck_assert_str_eq(json_string_value(json_object_get(f, "value")), "0");
	ck_assert_str_eq(jsonx_strz(f, "company"), "target");
	ck_assert_str_eq(jsonx_strz(json_object_get(f, "asset"), "kind"), "image");
	ck_assert_str_eq(jsonx_strz(json_object_get(json_object_get(f, "frameworks"), "cis"), "section"), "4.1");
	ck_assert_ptr_nonnull(jsonx_str(f, "fix"));
	f = finding(list, "misconfiguration", "CIS-DOCKER-1.6-4.10-ENV");
	ck_assert_str_eq(jsonx_strz(f, "path"), "env_names[0]");
	ck_assert_str_eq(json_string_value(json_object_get(f, "value")), "DB_PASSWORD");
	ck_assert_ptr_null(strstr(text.buf, "hunter2")); /* only names reach the rules */
	f = finding(list, "misconfiguration", "CIS-DOCKER-1.6-4.7");
	ck_assert_ptr_nonnull(f);
	f = finding(list, "misconfiguration", "CIS-DOCKER-1.6-4.6");
	ck_assert_str_eq(jsonx_strz(f, "status"), "waived");
	ck_assert_str_eq(jsonx_strz(json_object_get(f, "waiver"), "owner"), "platform@example.com");
	f = finding(list, "misconfiguration", "CIS-DOCKER-1.6-5.7");
	ck_assert_str_eq(jsonx_strz(f, "status"), "open"); /* its waiver expired */
	f = finding(list, "misconfiguration", "WAIVER-EXPIRED");
	ck_assert_str_eq(jsonx_strz(f, "company"), "target");
	ck_assert_str_eq(jsonx_strz(json_object_get(f, "waiver"), "expires"), "2025-01-31");
	/* The setuid and setgid files, from the layer's modes; the plain binary is not one. */
	f = finding(list, "misconfiguration", "CIS-DOCKER-1.6-4.8");
	ck_assert_ptr_nonnull(f);
	ck_assert_str_eq(jsonx_strz(f, "status"), "open");
	ck_assert_int_eq(json_integer_value(json_object_get(f, "value")), 2);
	ck_assert_str_eq(jsonx_strz(f, "message"), "2: /bin/su, /usr/bin/wall");
	ck_assert_ptr_null(finding(list, "gap", "compliance-not-evaluated"));
	json_array_foreach(list, i, f)
		misconf += !strcmp(jsonx_strz(f, "kind"), "misconfiguration");
	ck_assert_int_eq(misconf, 7); /* 5 failures, 1 waived, 1 expired waiver */
	json_decref(doc);
	th_vetter(&res, NULL, "evidence", eng, NULL);
	th_assert_status(&res, 0);
	ck_assert_msg(strstr(res.out.buf, "rule-pack:kubernetes@") && strstr(res.out.buf, "rule-pack:docker@") &&
			      strstr(res.out.buf, "waivers:waivers.yaml"),
		      "%s", res.out.buf);
	th_result_release(&res);
	strbuf_release(&text);
	strbuf_release(&image);
	th_rm_rf(dir);
	free(dir), free(mkimage), free(mktar), free(layout), free(layer), free(spec), free(eng), free(out), free(json), free(wv);
}
END_TEST

Suite *rules_stage_suite(void)
{
	Suite *s = suite_create("rules-stage");
	TCase *tc = tcase_create("assess");

	tcase_set_timeout(tc, 120);
	if (th_have_tool("assess_judges_image_configurations", "umoci"))
		tcase_add_test(tc, assess_judges_image_configurations);
	suite_add_tcase(s, tc);
	return s;
}
