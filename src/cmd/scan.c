/*
 * vetter sbom IMAGE_REF [--format cyclonedx|spdx] [-o FILE] [--platform P] [registry options]
 * vetter inventory IMAGE_REF [--format table|json] [--platform P] [registry options]
 *
 * Ad-hoc use outside an engagement: one image, read once, nothing stored
 * (a registry image's layers stream through memory).
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "cmd.h"
#include "core/err.h"
#include "core/jsonx.h"
#include "core/log.h"
#include "core/util.h"
#include "scan/image.h"
#include "scan/imageref.h"
#include "scan/registry_access.h"
#include "scan/sbom.h"
#include "scan/scanner.h"

int cmd_scan_image(const char *cmd, const char *ref_text, const char *platform, int secrets, struct image **img,
		   struct scan_result *res)
{
	struct image_ref ref;
	struct scan_options opt;
	int rc;

	if (image_ref_parse(&ref, ref_text) < 0)
		return cmd_usage_error(cmd, "%s", err_last());
	rc = image_open(img, &ref, ref.path ? ref.path : ".", platform);
	image_ref_release(&ref);
	if (rc < 0)
		return cmd_fail(rc == ERR_NOMEM ? EXIT_FATAL : EXIT_USAGE);
	memset(&opt, 0, sizeof(opt));
	opt.secrets = secrets;
	opt.jobs = cli.jobs;
	if ((rc = scanner_scan(*img, &opt, res)) < 0) {
		image_free(*img);
		*img = NULL;
		return cmd_fail(rc == ERR_NOMEM ? EXIT_FATAL : EXIT_GAPS);
	}
	if (res->not_assessable)
		log_warn("%s: not assessable: %s", ref_text, res->not_assessable);
	return 0;
}

static int write_out(const char *path, const struct strbuf *text)
{
	if (!path || !strcmp(path, "-"))
		return fwrite(text->buf, 1, text->len, stdout) == text->len ? 0 : err_set(ERR_IO, "cannot write stdout");
	return util_write_file_atomic(path, text->buf, text->len, 0644);
}

int cmd_sbom(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "format", required_argument, NULL, 'F' }, { "output", required_argument, NULL, 'o' },
		{ "platform", required_argument, NULL, 'p' }, { "help", no_argument, NULL, 'h' },
		CMD_REGISTRY_LONGOPTS, { NULL, 0, NULL, 0 },
	};
	const char *format = "cyclonedx", *output = NULL, *platform = NULL;
	struct cmd_registry_opts ro = { 0 };
	struct scan_result res;
	struct image *img = NULL;
	struct strbuf text = STRBUF_INIT;
	char created[32];
	json_t *doc = NULL;
	time_t now;
	struct tm tm;
	int c, rc, code;

	optind = 1;
	while ((c = getopt_long(argc, argv, "o:h", opts, NULL)) != -1) {
		if ((rc = cmd_registry_opt(&ro, c, optarg, "sbom")) != 0) {
			if (rc < 0)
				return EXIT_USAGE;
			continue;
		}
		switch (c) {
		case 'F': format = optarg; break;
		case 'o': output = optarg; break;
		case 'p': platform = optarg; break;
		case 'h': return cmd_help("sbom");
		default: return cmd_usage_error("sbom", "invalid option");
		}
	}
	if (strcmp(format, "cyclonedx") && strcmp(format, "spdx"))
		return cmd_usage_error("sbom", "--format takes cyclonedx or spdx");
	if (optind != argc - 1)
		return cmd_usage_error("sbom", "give one image reference");
	if ((code = cmd_registry_apply(&ro, "sbom")) != 0)
		return code;
	if ((code = cmd_scan_image("sbom", argv[optind], platform, 0, &img, &res)) != 0) {
		registry_access_reset();
		return code;
	}
	now = time(NULL);
	gmtime_r(&now, &tm);
	strftime(created, sizeof(created), "%Y-%m-%dT%H:%M:%SZ", &tm);
	rc = !strcmp(format, "spdx") ? sbom_spdx(&doc, res.image, &res.view.pkgs, created)
				     : sbom_cyclonedx(&doc, res.image, &res.view.pkgs);
	if (rc == 0 && (rc = jsonx_dump_pretty(&text, doc)) == 0)
		rc = write_out(output, &text);
	code = rc < 0 ? cmd_fail(EXIT_FATAL) : res.not_assessable ? EXIT_GAPS : EXIT_DONE;
	json_decref(doc);
	strbuf_release(&text);
	scan_result_release(&res);
	image_free(img);
	registry_access_reset();
	return code;
}

static json_t *inventory_json(const struct scan_result *res)
{
	json_t *doc = json_object(), *pk = json_array(), *sec = json_array();
	size_t i;

	for (i = 0; i < res->view.pkgs.n; i++)
		json_array_append_new(pk, pkg_to_json(&res->view.pkgs.v[i]));
	for (i = 0; i < res->view.secrets.n; i++)
		json_array_append_new(sec, secret_to_json(&res->view.secrets.v[i]));
	json_object_set(doc, "image", res->image);
	json_object_set(doc, "os", res->view.os ? res->view.os : json_null());
	json_object_set_new(doc, "packages", pk);
	json_object_set_new(doc, "secrets", sec);
	json_object_set(doc, "sources", res->view.sources);
	json_object_set(doc, "gaps", res->view.gaps);
	json_object_set(doc, "setuid_files", res->view.setuid_files ? res->view.setuid_files : json_null());
	if (res->not_assessable)
		jsonx_set_str(doc, "not_assessable", res->not_assessable);
	return doc;
}

int cmd_inventory(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "format", required_argument, NULL, 'F' }, { "platform", required_argument, NULL, 'p' },
		{ "secrets", no_argument, NULL, 's' },     { "help", no_argument, NULL, 'h' },
		CMD_REGISTRY_LONGOPTS, { NULL, 0, NULL, 0 },
	};
	const char *format = "table", *platform = NULL;
	struct cmd_registry_opts ro = { 0 };
	struct scan_result res;
	struct image *img = NULL;
	struct strbuf text = STRBUF_INIT;
	json_t *doc;
	int c, rc, code, secrets = 0;
	size_t i;

	optind = 1;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		if ((rc = cmd_registry_opt(&ro, c, optarg, "inventory")) != 0) {
			if (rc < 0)
				return EXIT_USAGE;
			continue;
		}
		switch (c) {
		case 'F': format = optarg; break;
		case 'p': platform = optarg; break;
		case 's': secrets = 1; break;
		case 'h': return cmd_help("inventory");
		default: return cmd_usage_error("inventory", "invalid option");
		}
	}
	if (strcmp(format, "table") && strcmp(format, "json"))
		return cmd_usage_error("inventory", "--format takes table or json");
	if (optind != argc - 1)
		return cmd_usage_error("inventory", "give one image reference");
	if ((code = cmd_registry_apply(&ro, "inventory")) != 0)
		return code;
	if ((code = cmd_scan_image("inventory", argv[optind], platform, secrets, &img, &res)) != 0) {
		registry_access_reset();
		return code;
	}
	if (!strcmp(format, "json")) {
		doc = inventory_json(&res);
		jsonx_dump_pretty(&text, doc);
		json_decref(doc);
		fwrite(text.buf, 1, text.len, stdout);
	} else {
		const json_t *os = res.view.os;

		printf("image    %s\n", jsonx_strz(res.image, "ref"));
		printf("os       %s\n", os ? jsonx_strz(os, "pretty_name")[0] ? jsonx_strz(os, "pretty_name")
								   : jsonx_strz(os, "id")
					 : "(not recognised)");
		printf("packages %zu\n\n", res.view.pkgs.n);
		printf("%-32s %-28s %-8s %-24s %s\n", "NAME", "VERSION", "TYPE", "SOURCE", "LAYER");
		for (i = 0; i < res.view.pkgs.n; i++) {
			const struct pkg *p = &res.view.pkgs.v[i];

			printf("%-32s %-28s %-8s %-24s %.19s\n", p->name, p->version, p->type,
			       p->source_name ? p->source_name : "", p->layer ? p->layer : "");
		}
		for (i = 0; i < json_array_size(res.view.gaps); i++)
			printf("gap: %s: %s\n", jsonx_strz(json_array_get(res.view.gaps, i), "scope"),
			       jsonx_strz(json_array_get(res.view.gaps, i), "reason"));
	}
	code = res.not_assessable || json_array_size(res.view.gaps) ? EXIT_GAPS : EXIT_DONE;
	strbuf_release(&text);
	scan_result_release(&res);
	image_free(img);
	registry_access_reset();
	return code;
}
