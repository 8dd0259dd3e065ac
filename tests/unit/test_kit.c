/*
 * Kits end to end: the k8s kit's script run with the real kubectl against
 * the Kubernetes fixture server (tests/lib/k8s_apiserver.py) makes a bundle
 * that the bundle source reads into the same assets and edges as the live
 * source; no Secret value is in the bundle nor in vetter's state.  The
 * same bundle changed afterwards (a file edited, one added, one deleted)
 * is read without those files, each a gap that names it; a zip of it reads
 * the same as the folder.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "core/jsonx.h"
#include "core/util.h"
#include "th.h"
#include "th_k8s.h"

/* Write the kit's script and run it into eng/NAME with kubectl pointed at the fixture. */
static void run_kit(struct th_k8s *f, const char *name)
{
	char *script = th_k8s_join(f->dir, "vetter-kit-k8s.sh"), *kc = th_k8s_join(f->dataroom, "kubeconfig"),
	     *cache = th_k8s_join(f->dir, "kube-cache"), *out = th_k8s_join(f->eng, name);
	struct strbuf env = STRBUF_INIT;
	struct th_result res;

	th_vetter(&res, NULL, "kit", "k8s", "-o", script, NULL);
	th_assert_status(&res, 0);
	th_result_release(&res);
	strbuf_addf(&env, "KUBECTL=kubectl --kubeconfig %s --cache-dir %s", kc, cache);
	{
		const char *argv[] = { "sh", script, out, NULL };
		const char *envv[] = { env.buf, NULL };

		th_run(&res, argv, envv, NULL, f->dir);
		th_assert_status(&res, 0);
		/* roles are refused to the auditor: one command failed */
		ck_assert_msg(strstr(res.err.buf, "(1 command(s) failed: see commands.tsv)"), "%s", res.err.buf);
		th_result_release(&res);
	}
	free(script);
	free(kc);
	free(cache);
	free(out);
	strbuf_release(&env);
}

static const char companies_fmt[] =
	"  - id: target\n    name: Target\n    role: target\n    sources:\n      - id: live\n        type: kubernetes\n"
	"        kubeconfig: dataroom/kubeconfig\n%s"
	"  - id: offline\n    name: Offline copy\n    role: acquirer\n    sources:\n      - id: kit\n"
	"        type: bundle\n        cluster: fixture\n        path: %s\n";

START_TEST(k8s_kit_equals_live)
{
	const char *deny[] = { "--deny", "roles", NULL };
	struct th_server srv;
	struct th_k8s f;
	struct strbuf comp = STRBUF_INIT, data = STRBUF_INIT;
	struct th_k8s_snap live, kit;
	struct store *st;
	json_t *gaps, *srcs, *info;
	char *log, *p, *state, *bundle;
	int files = 0;

	th_k8s_init(&f);
	log = th_k8s_start(&f, &srv, "main", "srv.pem", deny);
	th_k8s_kubeconfig(&f, "kubeconfig", "fixture", srv.port, "    certificate-authority: ca.pem\n", "    token: tok-good\n");
	run_kit(&f, "bundle-k8s");
	strbuf_addf(&comp, companies_fmt, th_k8s_auth, "bundle-k8s");
	th_k8s_engagement(&f, comp.buf);
	th_k8s_collect(&f, 3);
	th_server_stop(&srv);

	st = th_k8s_store(&f);
	th_k8s_snapshot(st, "target", &live);
	th_k8s_snapshot(st, "offline", &kit);
	ck_assert_int_eq(json_object_size(live.assets), 49);
	ck_assert_msg(json_equal(live.assets, kit.assets), "live and kit assets differ");
	ck_assert_int_eq(json_object_size(live.edges), 28);
	ck_assert_msg(json_equal(live.edges, kit.edges), "live and kit edges differ");
	/* The refused kind: a gap on each side, the kit's naming the command and kubectl's message. */
	gaps = th_k8s_gaps(st);
	ck_assert_int_eq(json_array_size(gaps), 2);
	ck_assert_ptr_nonnull(strstr(json_string_value(json_array_get(gaps, 0)), "target live kubernetes roles"));
	ck_assert_str_eq(json_string_value(json_array_get(gaps, 1)),
			 "offline kit bundle file k8s/roles.json: kubectl failed (exit status 1): Error from server "
			 "(Forbidden): roles.rbac.authorization.k8s.io is forbidden: User \"auditor\" cannot list resource "
			 "\"roles\" in API group \"rbac.authorization.k8s.io\" at the cluster scope");
	json_decref(gaps);
	srcs = th_k8s_sources(st);
	info = json_object_get(json_object_get(srcs, "kit"), "info");
	ck_assert_str_eq(jsonx_strz(json_object_get(srcs, "kit"), "status"), "done");
	ck_assert_str_eq(jsonx_strz(json_object_get(info, "coverage"), "summary"),
			 "Bundle bundle-k8s (folder, manifest verified): 22 file(s) read, 1 not.");
	json_decref(srcs);
	store_close(st);

	/* The Secrets' values are neither in the bundle nor in vetter's state. */
	bundle = th_k8s_join(f.eng, "bundle-k8s");
	th_k8s_assert_no_secrets(bundle, &files);
	ck_assert_int_eq(files, 27);
	state = th_k8s_join(f.eng, "engagement.vetter");
	th_k8s_assert_no_secrets(state, &files);
	/* The same bundle zipped, and a copy changed after it was made. */
	strbuf_reset(&data);
	strbuf_addf(&data, "cd '%s' && cp -r bundle-k8s tampered && cd bundle-k8s && zip -q -r ../bundle-k8s.zip . && cd ../tampered "
		    "&& printf ' ' >>k8s/pods.json && echo '{}' >k8s/extra.json && rm k8s/nodes.json", f.eng);
	th_k8s_sh(data.buf);
	strbuf_reset(&data);
	strbuf_reset(&comp);
	strbuf_addf(&comp, companies_fmt, th_k8s_auth, "bundle-k8s");
	strbuf_addstr(&comp, "  - id: zipped\n    name: Zipped\n    role: target\n    sources:\n      - id: zip\n"
			     "        type: bundle\n        cluster: fixture\n        path: bundle-k8s.zip\n"
			     "  - id: changed\n    name: Changed\n    role: target\n    sources:\n      - id: tampered\n"
			     "        type: bundle\n        cluster: fixture\n        path: tampered\n");
	th_k8s_engagement(&f, comp.buf);
	th_k8s_collect(&f, 3);
	st = th_k8s_store(&f);
	{
		struct th_k8s_snap zip, changed;
		json_t *g = th_k8s_gaps(st);
		size_t i, n = 0;

		th_k8s_snapshot(st, "zipped", &zip);
		th_k8s_snapshot(st, "changed", &changed);
		ck_assert_msg(json_equal(live.assets, zip.assets), "live and zipped kit assets differ");
		ck_assert_msg(json_equal(live.edges, zip.edges), "live and zipped kit edges differ");
		/* Without the pods (changed) and the nodes (gone): the rest is read. */
		ck_assert_int_eq(jsonx_int(changed.kinds, "pod", 0), 0);
		ck_assert_int_eq(jsonx_int(changed.kinds, "node", 0), 0);
		ck_assert_int_eq(jsonx_int(changed.kinds, "namespace", 0), 3);
		for (i = 0; i < json_array_size(g); i++) {
			const char *s = json_string_value(json_array_get(g, i));

			if (!util_has_prefix(s, "changed "))
				continue;
			n++;
			if (strstr(s, "k8s/pods.json"))
				ck_assert_msg(strstr(s, "changed tampered bundle file k8s/pods.json: its SHA-256 is ") &&
						      strstr(s, ": changed after the bundle was made; not read"),
					      "%s", s);
			else if (strstr(s, "k8s/nodes.json"))
				ck_assert_str_eq(s, "changed tampered bundle file k8s/nodes.json: listed in SHA256SUMS but not in "
						    "the bundle");
			else if (strstr(s, "k8s/extra.json"))
				ck_assert_str_eq(s, "changed tampered bundle file k8s/extra.json: not in SHA256SUMS: added after "
						    "the bundle was made; not read");
			else
				ck_assert_msg(strstr(s, "k8s/roles.json: kubectl failed"), "%s", s);
		}
		ck_assert_int_eq(n, 4);
		json_decref(g);
		th_k8s_snap_release(&zip);
		th_k8s_snap_release(&changed);
	}
	store_close(st);

	p = th_k8s_join(bundle, "README.txt");
	th_read(p, &data);
	ck_assert_ptr_nonnull(strstr(data.buf, "What is not collected:\n  - no Secret or ConfigMap contents"));
	free(p);
	free(bundle);
	free(state);
	th_k8s_snap_release(&live);
	th_k8s_snap_release(&kit);
	free(log);
	strbuf_release(&comp);
	strbuf_release(&data);
	th_k8s_free(&f);
}
END_TEST

/* Every kit's script is valid shell, says what it collects, and names its commands; a bad name is refused. */
START_TEST(kit_scripts)
{
	static const char *const kits[][2] = {
		{ "aws", "vk_aws $D/iam-get-account-authorization-details.json $A $AO $G iam get-account-authorization-details\n" },
		{ "k8s", "vk_run k8s/pods.json kubectl $K get pods --all-namespaces -o json\n" },
		{ "registry", "vk_run \"$vk_d/$vk_tag.manifest.json\" skopeo $S inspect --raw $SO \"docker://$vk_host/$vk_repo:$vk_tag\"\n" },
	};
	char *dir = th_tmpdir();
	struct strbuf p = STRBUF_INIT, text = STRBUF_INIT;
	struct th_result res;
	size_t i;

	for (i = 0; i < 3; i++) {
		const char *argv[] = { "sh", "-n", NULL, NULL };

		strbuf_reset(&p);
		strbuf_addf(&p, "%s/kit-%s.sh", dir, kits[i][0]);
		th_vetter(&res, NULL, "kit", kits[i][0], "-o", p.buf, NULL);
		th_assert_status(&res, 0);
		th_result_release(&res);
		argv[2] = p.buf;
		th_run(&res, argv, NULL, NULL, NULL);
		th_assert_status(&res, 0);
		th_result_release(&res);
		strbuf_reset(&text);
		th_read(p.buf, &text);
		ck_assert_msg(util_has_prefix(text.buf, "#!/bin/sh\n# vetter evidence kit: "), "%s", kits[i][0]);
		ck_assert_msg(strstr(text.buf, "\n# What is collected:\n"), "%s", kits[i][0]);
		ck_assert_msg(strstr(text.buf, "\n# What is not collected:\n"), "%s", kits[i][0]);
		ck_assert_msg(strstr(text.buf, kits[i][1]), "%s: %s", kits[i][0], kits[i][1]);
		ck_assert_msg(strstr(text.buf, "done >SHA256SUMS\n"), "%s", kits[i][0]);
	}
	/* The same script on standard output. */
	th_vetter(&res, NULL, "kit", "k8s", NULL);
	th_assert_status(&res, 0);
	strbuf_reset(&p);
	strbuf_addf(&p, "%s/kit-k8s.sh", dir);
	strbuf_reset(&text);
	th_read(p.buf, &text);
	ck_assert_str_eq(res.out.buf, text.buf);
	th_result_release(&res);
	th_vetter(&res, NULL, "kit", "gcp-nope", NULL);
	th_assert_status(&res, 2);
	ck_assert_msg(strstr(res.err.buf, "no kit called 'gcp-nope' (kits: aws, k8s, registry, azure, gcp)"), "%s", res.err.buf);
	th_result_release(&res);
	strbuf_release(&p);
	strbuf_release(&text);
	th_rm_rf(dir);
	free(dir);
}
END_TEST

Suite *kit_suite(void)
{
	Suite *s = suite_create("kit");
	TCase *tc = tcase_create("kit");

	tcase_add_test(tc, kit_scripts);
	if (th_have_data("kit", TH_K8S_DUMPS) && th_have_tool("kit", "openssl") && th_have_tool("kit", "python3") &&
	    th_have_tool("kit", "kubectl") && th_have_tool("kit", "zip"))
		tcase_add_test(tc, k8s_kit_equals_live);
	tcase_set_timeout(tc, 120);
	suite_add_tcase(s, tc);
	return s;
}
