/*
 * The assess stage on what the Kubernetes connector collects: an export with
 * a privileged, internet-facing deployment gives misconfiguration findings on
 * the connector's own workload asset, and a well-behaved one gives none of them.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "core/jsonx.h"
#include "th.h"

static const char manifests[] =
	"apiVersion: v1\nkind: Namespace\nmetadata:\n  name: payments\n---\n"
	"apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\n  namespace: payments\n"
	"spec:\n  replicas: 2\n  selector:\n    matchLabels: {app: api}\n  template:\n    metadata:\n      labels: {app: api}\n"
	"    spec:\n      hostNetwork: true\n      containers:\n        - name: api\n          image: registry.example.com/pay/api:1.4\n"
	"          securityContext: {privileged: true}\n---\n"
	"apiVersion: v1\nkind: Service\nmetadata:\n  name: api\n  namespace: payments\n"
	"spec:\n  type: LoadBalancer\n  selector: {app: api}\n  ports: [{port: 443}]\n---\n"
	"apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: quiet\n  namespace: payments\n"
	"spec:\n  selector:\n    matchLabels: {app: quiet}\n  template:\n    metadata:\n      labels: {app: quiet}\n"
	"    spec:\n      automountServiceAccountToken: false\n      securityContext: {runAsNonRoot: true, seccompProfile: {type: RuntimeDefault}}\n"
	"      containers:\n        - name: q\n          image: registry.example.com/pay/quiet@sha256:"
	"0000000000000000000000000000000000000000000000000000000000000000\n"
	"          securityContext: {allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, runAsNonRoot: true,"
	" capabilities: {drop: [ALL]}}\n          resources: {limits: {cpu: 100m, memory: 64Mi}, requests: {cpu: 50m, memory: 32Mi}}\n";

START_TEST(kubernetes_export_is_judged_on_its_assets)
{
	char *dir = th_tmpdir();
	struct strbuf p = STRBUF_INIT, out = STRBUF_INIT, text = STRBUF_INIT;
	struct th_result res;
	json_t *doc = NULL, *f;
	size_t i;
	int privileged_api = 0, quiet_privileged = 0;

	strbuf_addf(&p, "%s/k8s", dir);
	ck_assert_int_eq(system(NULL) != 0, 1);
	{
		char *mk = strbuf_detach(&p, NULL);
		struct strbuf f2 = STRBUF_INIT;
		const char *argv[] = { "mkdir", "-p", mk, NULL };

		th_run(&res, argv, NULL, NULL, NULL);
		th_result_release(&res);
		strbuf_addf(&f2, "%s/app.yaml", mk);
		th_write(f2.buf, manifests);
		strbuf_release(&f2);
		free(mk);
	}
	strbuf_addf(&p, "%s/deal.yaml", dir);
	th_write(p.buf, "name: D\nclient: C\nas_of: 2026-11-15\ncompanies:\n  - id: t\n    name: T\n    role: target\n"
			"    sources:\n      - type: kubernetes-export\n        cluster: prod\n        paths: [k8s]\n");
	strbuf_addf(&out, "%s/out", dir);
	th_vetter(&res, NULL, "run", p.buf, "--out", out.buf, NULL);
	ck_assert_msg(res.status == 0 || res.status == 3, "status %d: %s", res.status, res.err.buf);
	th_result_release(&res);
	strbuf_addstr(&out, "/findings.json");
	th_read(out.buf, &text);
	ck_assert_int_eq(jsonx_parse(text.buf, text.len, out.buf, &doc), 0);
	json_array_foreach(json_object_get(doc, "findings"), i, f) {
		const json_t *a = json_object_get(f, "asset");

		if (strcmp(jsonx_strz(f, "kind"), "misconfiguration") || !strstr(jsonx_strz(f, "rule"), "5.2.2"))
			continue;
		/* CIS 5.2.2: privileged containers, on the connector's workload asset. */
		ck_assert_str_eq(jsonx_strz(a, "kind"), "workload");
		if (!strcmp(jsonx_strz(a, "key"), "prod/Deployment/payments/api"))
			privileged_api++;
		if (strstr(jsonx_strz(a, "key"), "quiet"))
			quiet_privileged++;
	}
	ck_assert_int_eq(privileged_api, 1);
	ck_assert_int_eq(quiet_privileged, 0);
	json_decref(doc);
	strbuf_release(&p), strbuf_release(&out), strbuf_release(&text);
	th_rm_rf(dir);
	free(dir);
}
END_TEST

Suite *assess_k8s_suite(void)
{
	Suite *s = suite_create("assess-k8s");
	TCase *tc = tcase_create("assess-k8s");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, kubernetes_export_is_judged_on_its_assets);
	suite_add_tcase(s, tc);
	return s;
}
