/* Kubernetes normalisers, the manifest reader and 'vetter check' from the command line. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "compliance/input.h"
#include "compliance/normalise.h"
#include "compliance/path.h"
#include "core/err.h"
#include "core/jsonx.h"
#include "core/util.h"
#include "th.h"

/* Read text as manifests and normalise; the caller releases set. */
static void normalise_text(const char *text, struct resource_set *set)
{
	struct input in;

	ck_assert_int_eq(input_init(&in), 0);
	ck_assert_int_eq(resource_set_init(set), 0);
	ck_assert_msg(input_read_buffer(&in, text, strlen(text), "m.yaml") == 0, "%s", err_last());
	ck_assert_msg(input_normalise(&in, set) == 0, "%s", err_last());
	input_release(&in);
}

static const struct resource *find(const struct resource_set *set, const char *kind, const char *name)
{
	size_t i;

	for (i = 0; i < set->n; i++)
		if (!strcmp(set->v[i].kind, kind) && !strcmp(set->v[i].name, name))
			return &set->v[i];
	ck_abort_msg("no %s %s", kind, name);
	return NULL;
}

static const char *str_at(const struct resource *r, const char *path)
{
	const json_t *v = path_get(r->doc, path);

	return json_is_string(v) ? json_string_value(v) : NULL;
}

static long long int_at(const struct resource *r, const char *path)
{
	const json_t *v = path_get(r->doc, path);

	ck_assert_msg(json_is_integer(v), "%s is not an integer", path);
	return (long long)json_integer_value(v);
}

START_TEST(workloads_get_the_effective_security_context)
{
	static const char text[] =
		"apiVersion: batch/v1\nkind: CronJob\nmetadata: {name: nightly, namespace: ops}\n"
		"spec:\n  schedule: '0 3 * * *'\n  jobTemplate:\n    spec:\n      template:\n"
		"        metadata:\n          annotations:\n"
		"            container.apparmor.security.beta.kubernetes.io/job: runtime/default\n"
		"            seccomp.security.alpha.kubernetes.io/pod: runtime/default\n"
		"        spec:\n"
		"          serviceAccountName: runner\n"
		"          securityContext: {runAsNonRoot: true, runAsUser: 1000, windowsOptions: {hostProcess: false}}\n"
		"          initContainers: [{name: init, image: busybox}]\n"
		"          containers:\n"
		"          - name: job\n            image: registry.example.com/ops/job:2.0@sha256:abc\n"
		"            securityContext: {runAsUser: 0, seccompProfile: {type: Localhost, localhostProfile: p.json}}\n"
		"          ephemeralContainers: [{name: debug, image: 'busybox:latest'}]\n";
	struct resource_set set;
	const struct resource *w;

	normalise_text(text, &set);
	ck_assert_int_eq(set.n, 1);
	w = find(&set, "k8s.workload", "nightly");
	ck_assert_str_eq(w->key, "k8s.workload/ops/CronJob/nightly");
	ck_assert_int_eq(w->line, 1);
	ck_assert_str_eq(str_at(w, "workload_kind"), "CronJob");
	ck_assert_str_eq(str_at(w, "containers[0].name"), "job");
	ck_assert_str_eq(str_at(w, "containers[0].container_type"), "container");
	ck_assert_str_eq(str_at(w, "containers[0].source"), "spec.jobTemplate.spec.template.spec.containers[0]");
	/* The container's own uid wins; runAsNonRoot comes from the pod; its own seccomp field beats both annotations. */
	ck_assert_int_eq(int_at(w, "containers[0].securityContext.runAsUser"), 0);
	ck_assert_str_eq(str_at(w, "containers[0].securityContextSources.runAsUser"), "container");
	ck_assert(json_is_true(path_get(w->doc, "containers[0].securityContext.runAsNonRoot")));
	ck_assert_str_eq(str_at(w, "containers[0].securityContextSources.runAsNonRoot"), "pod");
	ck_assert_str_eq(str_at(w, "containers[0].securityContext.seccompProfile.type"), "Localhost");
	ck_assert_str_eq(str_at(w, "containers[0].securityContext.appArmorProfile.type"), "RuntimeDefault");
	ck_assert_str_eq(str_at(w, "containers[0].image_ref.tag"), "2.0");
	ck_assert_str_eq(str_at(w, "containers[0].image_ref.digest"), "sha256:abc");
	ck_assert_str_eq(str_at(w, "containers[0].image_ref.repository"), "registry.example.com/ops/job");
	ck_assert(json_is_false(path_get(w->doc, "containers[0].securityContext.windowsOptions.hostProcess")));
	/* Init and ephemeral containers are judged too, with the pod's context and the pod annotation. */
	ck_assert_str_eq(str_at(w, "containers[1].container_type"), "init");
	ck_assert_int_eq(int_at(w, "containers[1].securityContext.runAsUser"), 1000);
	ck_assert_str_eq(str_at(w, "containers[1].securityContext.seccompProfile.type"), "RuntimeDefault");
	ck_assert_str_eq(str_at(w, "containers[1].securityContextSources.seccompProfile"), "pod annotation");
	ck_assert_ptr_null(path_get(w->doc, "containers[1].securityContext.appArmorProfile"));
	ck_assert_str_eq(str_at(w, "containers[2].container_type"), "ephemeral");
	ck_assert_str_eq(str_at(w, "containers[2].image_ref.tag"), "latest");
	ck_assert_ptr_null(path_get(w->doc, "containers[3]"));
	/* No ServiceAccount among the objects and not "default": the token question cannot be answered. */
	ck_assert_ptr_null(path_get(w->doc, "pod.automountServiceAccountToken"));
	ck_assert_str_eq(json_string_value(json_object_get(w->unreadable, "k8s.serviceaccounts")),
			 "the service account 'runner' is not among the objects read");
	resource_set_release(&set);
}
END_TEST

START_TEST(the_image_user_is_joined_when_known)
{
	static const char text[] =
		"{\"apiVersion\": \"v1\", \"kind\": \"Pod\", \"metadata\": {\"name\": \"p\"}, \"spec\": {\"containers\": ["
		"{\"name\": \"a\", \"image\": \"app:1\"}, {\"name\": \"b\", \"image\": \"tool:2\"},"
		" {\"name\": \"c\", \"image\": \"base:3\", \"securityContext\": {\"runAsUser\": 5}}]}}";
	json_t *objects = NULL, *list, *users = json_pack("{s:s, s:s, s:s}", "app:1", "10001:20001", "tool:2", "", "base:3", "0");
	struct resource_set set;
	const struct resource *w;

	ck_assert_int_eq(jsonx_parse(text, strlen(text), "t", &objects), 0);
	ck_assert_int_eq(resource_set_init(&set), 0);
	list = json_pack("[O]", objects);
	ck_assert_int_eq(norm_k8s(&set, list, NULL, users), 0);
	json_decref(list);
	w = find(&set, "k8s.workload", "p");
	ck_assert_int_eq(int_at(w, "containers[0].securityContext.runAsUser"), 10001);
	ck_assert_int_eq(int_at(w, "containers[0].securityContext.runAsGroup"), 20001);
	ck_assert_str_eq(str_at(w, "containers[0].securityContextSources.runAsUser"), "image");
	/* An image without USER runs as root. */
	ck_assert_int_eq(int_at(w, "containers[1].securityContext.runAsUser"), 0);
	ck_assert_str_eq(str_at(w, "containers[1].image_user"), "");
	/* The manifest's own uid beats the image's. */
	ck_assert_int_eq(int_at(w, "containers[2].securityContext.runAsUser"), 5);
	/* the default service account mounts its token */
	ck_assert(json_is_true(path_get(w->doc, "pod.automountServiceAccountToken")));
	ck_assert_str_eq(str_at(w, "pod.automount_source"), "default");
	resource_set_release(&set);
	json_decref(objects);
	json_decref(users);
}
END_TEST

START_TEST(subjects_get_their_effective_permissions)
{
	static const char text[] =
		"apiVersion: v1\nkind: List\nitems:\n"
		"- {apiVersion: rbac.authorization.k8s.io/v1, kind: Role, metadata: {name: deployer, namespace: shop},\n"
		"   rules: [{apiGroups: [apps], resources: [deployments], verbs: [create, update]}]}\n"
		"- {apiVersion: rbac.authorization.k8s.io/v1, kind: RoleBinding, metadata: {name: ci, namespace: shop},\n"
		"   roleRef: {kind: Role, name: deployer}, subjects: [{kind: ServiceAccount, name: ci}]}\n"
		"- {apiVersion: rbac.authorization.k8s.io/v1, kind: ClusterRoleBinding, metadata: {name: ci-view},\n"
		"   roleRef: {kind: ClusterRole, name: view}, subjects: [{kind: ServiceAccount, name: ci, namespace: shop}]}\n"
		"- {apiVersion: rbac.authorization.k8s.io/v1, kind: RoleBinding, metadata: {name: ghost, namespace: shop},\n"
		"   roleRef: {kind: Role, name: nobody}, subjects: [{kind: User, name: eve}]}\n"
		"- {apiVersion: autoscaling/v2, kind: HorizontalPodAutoscaler, metadata: {name: h}}\n"
		"- {apiVersion: example.com/v1, kind: Widget, metadata: {name: w}}\n";
	struct resource_set set;
	const struct resource *s, *b;

	normalise_text(text, &set);
	s = find(&set, "k8s.subject", "ci");
	ck_assert_str_eq(s->key, "k8s.subject/ServiceAccount/shop/ci");
	ck_assert_str_eq(s->ns, "shop");
	ck_assert_int_eq(json_array_size(path_get(s->doc, "bindings")), 2);
	ck_assert_str_eq(str_at(s, "rules[0].via"), "RoleBinding/shop/ci");
	ck_assert_str_eq(str_at(s, "rules[0].scope"), "shop");
	/* view is a Kubernetes default the objects need not hold; its rules come from the built-in definition. */
	ck_assert_str_eq(str_at(s, "rules[1].via"), "ClusterRoleBinding/ci-view");
	ck_assert_str_eq(str_at(s, "rules[1].scope"), "cluster");
	b = find(&set, "k8s.binding", "ghost");
	ck_assert(json_is_false(path_get(b->doc, "role.found")));
	b = find(&set, "k8s.binding", "ci-view");
	ck_assert_str_eq(str_at(b, "role.source"), "kubernetes default");
	ck_assert_int_eq(b->line, 8);
	ck_assert_int_eq(json_integer_value(json_object_get(set.skipped, "HorizontalPodAutoscaler")), 1);
	ck_assert_int_eq(json_integer_value(json_object_get(set.skipped, "Widget")), 1);
	ck_assert_int_eq(set.n, 6); /* a role, 3 bindings, 2 subjects */
	resource_set_release(&set);
}
END_TEST

START_TEST(network_policies_follow_kubernetes_semantics)
{
	static const char text[] =
		"apiVersion: v1\nkind: Pod\nmetadata: {name: a, namespace: n, labels: {app: a, tier: web}}\n"
		"spec: {containers: [{name: c, image: x}]}\n---\n"
		"apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: in, namespace: n}\n"
		"spec:\n  podSelector: {matchExpressions: [{key: tier, operator: In, values: [web, api]}]}\n"
		"  ingress: [{}]\n---\n"
		"apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: out, namespace: n}\n"
		"spec: {podSelector: {matchLabels: {app: b}}, egress: [{}]}\n---\n"
		"apiVersion: v1\nkind: Namespace\nmetadata: {name: n}\n";
	struct resource_set set;
	const struct resource *w, *np, *ns;

	normalise_text(text, &set);
	w = find(&set, "k8s.workload", "a");
	/* No policyTypes: Ingress always, Egress only with egress rules. */
	ck_assert(json_is_true(path_get(w->doc, "network_policy.ingress")));
	ck_assert(json_is_false(path_get(w->doc, "network_policy.egress")));
	np = find(&set, "k8s.networkpolicy", "out");
	ck_assert_int_eq(int_at(np, "selected_workloads"), 0);
	ck_assert_str_eq(str_at(np, "effective_policy_types[1]"), "Egress");
	ns = find(&set, "k8s.namespace", "n");
	ck_assert_int_eq(json_array_size(path_get(ns->doc, "network_policies")), 2);
	ck_assert(json_is_false(path_get(ns->doc, "default_deny.ingress")));
	resource_set_release(&set);
}
END_TEST

START_TEST(bad_yaml_names_the_document_and_line)
{
	struct input in;
	static const char text[] = "apiVersion: v1\nkind: Pod\nmetadata: {name: a}\n---\napiVersion: v1\nkind: Pod\n"
				   "metadata:\n  name: b\n   labels: [\n";

	ck_assert_int_eq(input_init(&in), 0);
	ck_assert_int_eq(input_read_buffer(&in, text, strlen(text), "bad.yaml"), ERR_PARSE);
	ck_assert_msg(util_has_prefix(err_last(), "document 2: bad.yaml:9:"), "%s", err_last());
	input_release(&in);
}
END_TEST

START_TEST(check_writes_json_table_and_valid_sarif)
{
	static const char manifest[] =
		"apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web, namespace: shop}\n"
		"spec:\n  template:\n    spec:\n      hostNetwork: true\n      containers:\n"
		"      - name: web\n        image: nginx\n        securityContext: {privileged: true}\n";
	static const char waivers[] =
		"waivers:\n  - rule: CIS-K8S-1.10-5.2.5\n    resource: {kind: k8s.workload, name: web}\n"
		"    reason: The ingress controller needs the host network.\n    owner: platform@example.com\n"
		"    expires: 2026-01-31\n"
		"  - rule: NSA-K8S-1.2-IMAGE-TAG\n    resource: {name: web}\n    reason: old\n    owner: o\n"
		"    expires: 2024-01-31\n";
	char *tmp = th_tmpdir(), *rules = th_repo_path("rules");
	struct strbuf m = STRBUF_INIT, w = STRBUF_INIT, sarif = STRBUF_INIT;
	struct th_result res;
	json_t *arr = NULL, *r;
	size_t i, fails = 0, waived = 0, expired = 0;

	strbuf_addf(&m, "%s/deploy.yaml", tmp);
	strbuf_addf(&w, "%s/waivers.yaml", tmp);
	strbuf_addf(&sarif, "%s/out.sarif", tmp);
	th_write(m.buf, manifest);
	th_write(w.buf, waivers);
	th_vetter(&res, NULL, "check", "--rules", rules, "--pack", "kubernetes", "--as-of", "2025-06-30", "--waivers",
		  w.buf, "--format", "json", m.buf, NULL);
	th_assert_status(&res, 1);
	ck_assert_msg(jsonx_parse(res.out.buf, res.out.len, "out", &arr) == 0, "%s", err_last());
	json_array_foreach(arr, i, r) {
		const char *rule = jsonx_strz(r, "rule"), *result = jsonx_strz(r, "result");

		ck_assert_ptr_nonnull(json_object_get(r, "frameworks"));
		ck_assert_ptr_nonnull(json_object_get(r, "value"));
		if (!strcmp(rule, "CIS-K8S-1.10-5.2.2")) {
			ck_assert_str_eq(result, "fail");
			ck_assert_str_eq(jsonx_strz(r, "path"), "containers[0].securityContext.privileged");
			ck_assert(json_is_true(json_object_get(r, "value")));
			ck_assert_str_eq(jsonx_strz(json_object_get(r, "resource"), "kind"), "k8s.workload");
			ck_assert_str_eq(jsonx_strz(json_object_get(r, "resource"), "namespace"), "shop");
			ck_assert_str_eq(jsonx_strz(json_object_get(r, "resource"), "name"), "web");
			ck_assert_str_eq(jsonx_strz(r, "severity"), "high");
		}
		if (!strcmp(rule, "CIS-K8S-1.10-5.2.5")) {
			ck_assert_str_eq(result, "waived");
			ck_assert_str_eq(jsonx_strz(json_object_get(r, "waiver"), "expires"), "2026-01-31");
		}
		if (!strcmp(rule, "NSA-K8S-1.2-IMAGE-TAG"))
			ck_assert_str_eq(result, "fail"); /* its waiver expired */
		if (!strcmp(rule, "CIS-K8S-1.10-5.1.6"))
			ck_assert_str_eq(result, "fail"); /* the default service account */
		fails += !strcmp(result, "fail");
		waived += !strcmp(result, "waived");
		expired += !strcmp(rule, "WAIVER-EXPIRED");
	}
	ck_assert_int_eq(waived, 1);
	ck_assert_int_eq(expired, 1);
	ck_assert_int_eq(fails, 15);
	json_decref(arr);
	th_result_release(&res);

	th_vetter(&res, NULL, "check", "--rules", rules, "--pack", "kubernetes", "--as-of", "2025-06-30", "--waivers",
		  w.buf, m.buf, NULL);
	th_assert_status(&res, 1);
	ck_assert_msg(strstr(res.out.buf, "fail    high      CIS-K8S-1.10-5.2.2               k8s.workload shop/web\n"),
		      "%s", res.out.buf);
	ck_assert_msg(strstr(res.out.buf, "waived until 2026-01-31 by platform@example.com"), "%s", res.out.buf);
	ck_assert_msg(strstr(res.out.buf, ": 15 fail, 0 error, 1 waived, "), "%s", res.out.buf);
	th_result_release(&res);

	th_vetter(&res, NULL, "check", "--rules", rules, "--as-of", "2025-06-30", "--waivers", w.buf, "--format", "sarif",
		  "-o", sarif.buf, m.buf, NULL);
	th_assert_status(&res, 1);
	th_result_release(&res);
	if (th_exists("/usr/bin/python3")) {
		char *validator = th_repo_path("tests/lib/validate_json.py");
		char *schema = th_data_path("schemas/sarif-schema-2.1.0.json");
		const char *argv[] = { "/usr/bin/python3", validator, schema, sarif.buf, NULL };

		if (th_exists(schema)) {
			th_run(&res, argv, NULL, NULL, NULL);
			th_assert_status(&res, 0);
			th_result_release(&res);
		}
		free(validator);
		free(schema);
	}
	th_rm_rf(tmp);
	free(tmp);
	free(rules);
	strbuf_release(&m);
	strbuf_release(&w);
	strbuf_release(&sarif);
}
END_TEST

START_TEST(check_reports_bad_yaml_and_counts_unknown_kinds)
{
	char *tmp = th_tmpdir(), *rules = th_repo_path("rules");
	struct strbuf m = STRBUF_INIT;
	struct th_result res;

	strbuf_addf(&m, "%s/x.yaml", tmp);
	th_write(m.buf, "apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w}\n---\n"
			"apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata: {a: b}\n");
	th_vetter(&res, NULL, "check", "--rules", rules, "--as-of", "2025-06-30", m.buf, NULL);
	th_assert_status(&res, 0);
	ck_assert_msg(strstr(res.out.buf, "not assessed (no rules read these kinds): Widget 1\n"), "%s", res.out.buf);
	ck_assert_msg(strstr(res.out.buf, "1 results on 1 resources from 2 documents: 0 fail, 0 error, 0 waived, 1 pass"),
		      "%s", res.out.buf);
	th_result_release(&res);
	th_write(m.buf, "apiVersion: v1\nkind: Pod\nmetadata:\n  name: a\n---\n- x: [\n");
	th_vetter(&res, NULL, "check", "--rules", rules, m.buf, NULL);
	th_assert_status(&res, 2);
	ck_assert_msg(strstr(res.err.buf, "document 2: ") && strstr(res.err.buf, "x.yaml:"), "%s", res.err.buf);
	th_result_release(&res);
	th_rm_rf(tmp);
	free(tmp);
	free(rules);
	strbuf_release(&m);
}
END_TEST

Suite *rules_k8s_suite(void)
{
	Suite *s = suite_create("rules-k8s");
	TCase *tc = tcase_create("normalise");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, workloads_get_the_effective_security_context);
	tcase_add_test(tc, the_image_user_is_joined_when_known);
	tcase_add_test(tc, subjects_get_their_effective_permissions);
	tcase_add_test(tc, network_policies_follow_kubernetes_semantics);
	tcase_add_test(tc, bad_yaml_names_the_document_and_line);
	tcase_add_test(tc, check_writes_json_table_and_valid_sarif);
	tcase_add_test(tc, check_reports_bad_yaml_and_counts_unknown_kinds);
	suite_add_tcase(s, tc);
	return s;
}
