/*
 * The Kubernetes rules against upstream verdicts: Polaris's success/failure
 * fixtures and kube-score's test manifests (../shared/data/k8s), for every
 * rule that has a counterpart there.
 *
 * A Polaris "success" file must give no failure of the corresponding rule
 * (a pass, or a resource the rule's 'when' leaves out the way Polaris
 * exempts it), a "failure" file at least one failure; never an error.  A
 * Polaris check that covers part of what one of our rules covers (the
 * RoleBinding-to-Role half of exec/attach, say) is compared on that part
 * only, through a scope on the normalised document.  kube-score's grades:
 * GradeAllOK is a pass, GradeWarning and GradeCritical a failure.
 *
 * Where Kubernetes itself disagrees with the upstream tool, our verdict is
 * pinned to the opposite one and the reason is written down here.
 */
#include <check.h>
#include <dirent.h>
#include <stdlib.h>
#include <string.h>

#include "compliance/engine.h"
#include "compliance/input.h"
#include "compliance/path.h"
#include "compliance/rule.h"
#include "core/err.h"
#include "core/util.h"
#include "th.h"

struct corr {
	const char *upstream; /* Polaris check (a folder) or kube-score check name */
	const char *rule;
	const char *scope;    /* "path=value[,path=value]" on the normalised document, or NULL */
};

static const struct corr polaris[] = {
	{ "runAsPrivileged", "CIS-K8S-1.10-5.2.2", NULL },
	{ "hostPIDSet", "CIS-K8S-1.10-5.2.3", NULL },
	{ "hostIPCSet", "CIS-K8S-1.10-5.2.4", NULL },
	{ "hostNetworkSet", "CIS-K8S-1.10-5.2.5", NULL },
	{ "privilegeEscalationAllowed", "CIS-K8S-1.10-5.2.6", NULL },
	{ "runAsRootAllowed", "CIS-K8S-1.10-5.2.7", NULL },
	{ "insecureCapabilities", "CIS-K8S-1.10-5.2.10", NULL },
	{ "hostProcess", "CIS-K8S-1.10-5.2.11", NULL },
	{ "hostPathSet", "CIS-K8S-1.10-5.2.12", NULL },
	{ "hostPortSet", "CIS-K8S-1.10-5.2.13", NULL },
	{ "automountServiceAccountToken", "CIS-K8S-1.10-5.1.6", NULL },
	{ "dangerousCapabilities", "NSA-K8S-1.2-DANGEROUS-CAPS", NULL },
	{ "notReadOnlyRootFilesystem", "NSA-K8S-1.2-READONLY-ROOTFS", NULL },
	{ "memoryLimitsMissing", "NSA-K8S-1.2-LIMITS-MEMORY", NULL },
	{ "cpuLimitsMissing", "NSA-K8S-1.2-LIMITS-CPU", NULL },
	{ "sensitiveContainerEnvVar", "NSA-K8S-1.2-ENV-SECRETS", NULL },
	{ "sensitiveConfigmapContent", "NSA-K8S-1.2-CONFIGMAP-SECRETS", NULL },
	{ "missingNetworkPolicy", "NSA-K8S-1.2-NETPOL-WORKLOAD", NULL },
	{ "procMount", "NSA-K8S-1.2-PROCMOUNT", NULL },
	{ "linuxHardening", "NSA-K8S-1.2-LINUX-HARDENING", NULL },
	{ "tagNotSpecified", "NSA-K8S-1.2-IMAGE-TAG", NULL },
	{ "tlsSettingsMissing", "NSA-K8S-1.2-INGRESS-TLS", NULL },
	{ "clusterrolebindingClusterAdmin", "CIS-K8S-1.10-5.1.1", "binding_kind=ClusterRoleBinding" },
	{ "rolebindingClusterAdminClusterRole", "CIS-K8S-1.10-5.1.1", "binding_kind=RoleBinding,role_ref.kind=ClusterRole" },
	{ "rolebindingClusterAdminRole", "CIS-K8S-1.10-5.1.1", "binding_kind=RoleBinding,role_ref.kind=Role" },
	{ "clusterrolePodExecAttach", "NSA-K8S-1.2-RBAC-EXEC", "role_kind=ClusterRole" },
	{ "rolePodExecAttach", "NSA-K8S-1.2-RBAC-EXEC", "role_kind=Role" },
	{ "clusterrolebindingPodExecAttach", "NSA-K8S-1.2-RBAC-EXEC-BINDING", "binding_kind=ClusterRoleBinding" },
	{ "rolebindingClusterRolePodExecAttach", "NSA-K8S-1.2-RBAC-EXEC-BINDING",
	  "binding_kind=RoleBinding,role_ref.kind=ClusterRole" },
	{ "rolebindingRolePodExecAttach", "NSA-K8S-1.2-RBAC-EXEC-BINDING", "binding_kind=RoleBinding,role_ref.kind=Role" },
	{ NULL, NULL, NULL },
};

/* Upstream verdicts Kubernetes contradicts: our verdict is the other one, for the reason given. */
struct divergence {
	const char *upstream, *file, *ours, *reason;
};

static const struct divergence divergences[] = {
	{ "missingNetworkPolicy", "failure.netpol_missing_egress_rules.yaml", "pass",
	  "policyTypes lists Egress with no egress rules: Kubernetes denies all egress, the strictest policy; Polaris "
	  "wants rules present" },
	{ "missingNetworkPolicy", "failure.netpol_missing_ingress_rules.yaml", "pass",
	  "policyTypes lists Ingress with no ingress rules: Kubernetes denies all ingress; Polaris wants rules present" },
	{ "Container Seccomp Profile", "pod-seccomp-annotated.yaml", "fail",
	  "seccomp.security.alpha.kubernetes.io/defaultProfileName is a PodSecurityPolicy annotation; on a pod the "
	  "kubelet ignores it, so the container runs unconfined" },
	{ "Container Seccomp Profile", "pod-seccomp-annotated-annotation-optional.yaml", "fail",
	  "the same PodSecurityPolicy annotation, with the optional check enabled" },
	{ NULL, NULL, NULL, NULL },
};

static const struct corr kube_score[] = {
	{ "Container Seccomp Profile", "CIS-K8S-1.10-5.7.2", NULL },
	{ "Container Security Context Privileged", "CIS-K8S-1.10-5.2.2", NULL },
	{ "Container Security Context ReadOnlyRootFilesystem", "NSA-K8S-1.2-READONLY-ROOTFS", NULL },
	{ "Container Security Context User Group ID", "NSA-K8S-1.2-HIGH-UID", NULL },
	{ "Pod NetworkPolicy", "NSA-K8S-1.2-NETPOL-WORKLOAD", NULL },
	{ "NetworkPolicy targets Pod", "NSA-K8S-1.2-NETPOL-TARGETS", NULL },
	{ "Service Type", "NSA-K8S-1.2-NODEPORT", NULL },
	{ "Container Image Tag", "NSA-K8S-1.2-IMAGE-TAG", NULL },
	{ NULL, NULL, NULL },
};

/*
 * Verdicts kube-score's own tests assert beyond expectations.tsv (which
 * holds score/security_test.go): score/networkpolicy_test.go,
 * score/service_test.go and score/score_test.go.
 */
static const char *const kube_score_more[][3] = {
	{ "networkpolicy-not-matching.yaml", "Pod NetworkPolicy", "GradeCritical" },
	{ "networkpolicy-matching.yaml", "Pod NetworkPolicy", "GradeAllOK" },
	{ "networkpolicy-matching-only-ingress.yaml", "Pod NetworkPolicy", "GradeWarning" },
	{ "networkpolicy-matching-only-egress.yaml", "Pod NetworkPolicy", "GradeWarning" },
	{ "networkpolicy-deployment-matching.yaml", "Pod NetworkPolicy", "GradeAllOK" },
	{ "networkpolicy-targets-pod.yaml", "NetworkPolicy targets Pod", "GradeAllOK" },
	{ "networkpolicy-targets-pod-deployment.yaml", "NetworkPolicy targets Pod", "GradeAllOK" },
	{ "networkpolicy-targets-pod-not-matching.yaml", "NetworkPolicy targets Pod", "GradeCritical" },
	{ "networkpolicy-deployment-matching.yaml", "NetworkPolicy targets Pod", "GradeAllOK" },
	{ "service-type-nodeport.yaml", "Service Type", "GradeWarning" },
	{ "service-type-clusterip.yaml", "Service Type", "GradeAllOK" },
	{ "service-type-default.yaml", "Service Type", "GradeAllOK" },
	{ "pod-image-tag-latest.yaml", "Container Image Tag", "GradeCritical" },
	{ "pod-image-tag-fixed.yaml", "Container Image Tag", "GradeAllOK" },
};

static struct ruleset rules;

static void load_rules(void)
{
	char *dir = th_repo_path("rules");

	ruleset_init(&rules);
	ck_assert_msg(ruleset_load_dir(&rules, dir) == 0, "%s", err_last());
	free(dir);
}

/* Does the resource fall in scope ("a.b=v,c=w")? */
static int in_scope(const struct resource *r, const char *scope)
{
	char buf[256], *tok, *save = NULL;

	if (!scope)
		return 1;
	snprintf(buf, sizeof(buf), "%s", scope);
	for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		char *eq = strchr(tok, '=');
		const json_t *v;

		*eq = 0;
		v = path_get(r->doc, tok);
		if (!json_is_string(v) || strcmp(json_string_value(v), eq + 1))
			return 0;
	}
	return 1;
}

/*
 * Our verdict on a file: "fail" when the rule fails a resource in scope,
 * "error" on any error, "no-resource" when the file holds nothing of the
 * rule's kind, else "pass" (passes and resources the rule leaves out).
 */
static const char *verdict(const char *file, const char *rule_id, const char *scope, struct strbuf *why)
{
	const struct rule *r = ruleset_find(&rules, rule_id);
	struct engine_opts o = { 0, NULL, NULL, NULL };
	struct util_date as_of;
	struct input in;
	struct resource_set set;
	struct result res;
	const char *v = "pass";
	size_t i, of_kind = 0;
	int rc;

	ck_assert_msg(r != NULL, "no rule %s", rule_id);
	util_date_parse("2025-06-30", &as_of);
	o.as_of_days = util_date_days(&as_of);
	ck_assert_int_eq(input_init(&in), 0);
	ck_assert_int_eq(resource_set_init(&set), 0);
	ck_assert_msg(input_read_file(&in, file) == 0, "%s", err_last());
	ck_assert_msg(input_normalise(&in, &set) == 0, "%s", err_last());
	for (i = 0; i < set.n; i++) {
		if (strcmp(set.v[i].kind, r->resource))
			continue;
		of_kind++;
		if (!in_scope(&set.v[i], scope))
			continue;
		rc = engine_eval(r, &set, &set.v[i], &o, &res);
		ck_assert_int_ge(rc, 0);
		if (rc == 0)
			continue;
		if (res.verdict == VERDICT_ERROR)
			v = "error";
		else if (res.verdict == VERDICT_FAIL && strcmp(v, "error"))
			v = "fail";
		strbuf_addf(why, " %s:%s@%s", set.v[i].name, verdict_names[res.verdict], res.path);
		result_release(&res);
	}
	if (!of_kind)
		v = "no-resource";
	resource_set_release(&set);
	input_release(&in);
	return v;
}

static const struct divergence *diverges(const char *upstream, const char *file)
{
	size_t i;

	for (i = 0; divergences[i].upstream; i++)
		if (!strcmp(divergences[i].upstream, upstream) && !strcmp(divergences[i].file, file))
			return &divergences[i];
	return NULL;
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

START_TEST(polaris_fixtures_give_the_same_verdicts)
{
	char *root = th_data_path("k8s/polaris/test/checks");
	struct strbuf dir = STRBUF_INIT, file = STRBUF_INIT, why = STRBUF_INIT;
	size_t i, k, agree = 0, pinned = 0, checks = 0;

	load_rules();
	for (i = 0; polaris[i].upstream; i++) {
		char *names[64];
		size_t n = 0;
		struct dirent *de;
		DIR *d;

		strbuf_reset(&dir);
		strbuf_addf(&dir, "%s/%s", root, polaris[i].upstream);
		d = opendir(dir.buf);
		ck_assert_msg(d != NULL, "%s", dir.buf);
		while ((de = readdir(d)) && n < 64)
			if (util_has_suffix(de->d_name, ".yaml") &&
			    (util_has_prefix(de->d_name, "success") || util_has_prefix(de->d_name, "failure")))
				names[n++] = strdup(de->d_name);
		closedir(d);
		qsort(names, n, sizeof(*names), cmp_names);
		ck_assert_msg(n >= 2, "%s has %zu fixtures", polaris[i].upstream, n);
		checks++;
		for (k = 0; k < n; k++) {
			const char *want = util_has_prefix(names[k], "success") ? "pass" : "fail", *got;
			const struct divergence *dv = diverges(polaris[i].upstream, names[k]);

			strbuf_reset(&file);
			strbuf_reset(&why);
			strbuf_addf(&file, "%s/%s", dir.buf, names[k]);
			got = verdict(file.buf, polaris[i].rule, polaris[i].scope, &why);
			if (dv) {
				ck_assert_msg(!strcmp(got, dv->ours), "%s/%s: pinned to %s (%s), got %s:%s", polaris[i].upstream,
					      names[k], dv->ours, dv->reason, got, why.buf);
				pinned++;
			} else {
				ck_assert_msg(!strcmp(got, want), "%s/%s (%s): Polaris says %s, vetter %s:%s", polaris[i].upstream,
					      names[k], polaris[i].rule, want, got, why.buf);
				agree++;
			}
			free(names[k]);
		}
	}
	/* Every file of 30 Polaris checks: 232 the same verdict, 2 pinned against Polaris. */
	ck_assert_int_eq(checks, 30);
	ck_assert_int_eq(agree, 232);
	ck_assert_int_eq(pinned, 2);
	ruleset_release(&rules);
	strbuf_release(&dir);
	strbuf_release(&file);
	strbuf_release(&why);
	free(root);
}
END_TEST

static const char *ks_rule(const char *check)
{
	size_t i;

	for (i = 0; kube_score[i].upstream; i++)
		if (!strcmp(kube_score[i].upstream, check))
			return kube_score[i].rule;
	return NULL;
}

static void ks_row(const char *dir, const char *manifest, const char *check, const char *grade, size_t *agree,
		   size_t *pinned)
{
	struct strbuf file = STRBUF_INIT, why = STRBUF_INIT;
	const char *rule = ks_rule(check), *want = !strcmp(grade, "GradeAllOK") ? "pass" : "fail", *got;
	const struct divergence *dv = diverges(check, manifest);

	ck_assert_msg(rule != NULL, "no counterpart for kube-score's %s", check);
	strbuf_addf(&file, "%s/%s", dir, manifest);
	got = verdict(file.buf, rule, NULL, &why);
	if (dv) {
		ck_assert_msg(!strcmp(got, dv->ours), "%s (%s): pinned to %s (%s), got %s:%s", manifest, check, dv->ours,
			      dv->reason, got, why.buf);
		(*pinned)++;
	} else {
		ck_assert_msg(!strcmp(got, want), "%s (%s -> %s): kube-score grades %s, vetter says %s:%s", manifest, check,
			      rule, grade, got, why.buf);
		(*agree)++;
	}
	strbuf_release(&file);
	strbuf_release(&why);
}

START_TEST(kube_score_manifests_give_the_same_verdicts)
{
	char *dir = th_data_path("k8s/kube-score-testdata/score/testdata");
	char *tsv = th_data_path("k8s/kube-score-testdata/expectations.tsv");
	struct strbuf text = STRBUF_INIT;
	size_t agree = 0, pinned = 0, rows = 0, i;
	char *line, *save = NULL;

	load_rules();
	th_read(tsv, &text);
	for (line = strtok_r(text.buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *f1 = line, *f2 = strchr(f1, '\t'), *f3 = f2 ? strchr(f2 + 1, '\t') : NULL;

		if (!f3 || !strcmp(f1 + 0, "manifest\tcheck\tgrade") || util_has_prefix(line, "manifest\t"))
			continue;
		*f2++ = 0;
		*f3++ = 0;
		rows++;
		ks_row(dir, f1, f2, f3, &agree, &pinned);
	}
	ck_assert_int_eq(rows, 16); /* every row of expectations.tsv has a counterpart */
	for (i = 0; i < ARRAY_SIZE(kube_score_more); i++)
		ks_row(dir, kube_score_more[i][0], kube_score_more[i][1], kube_score_more[i][2], &agree, &pinned);
	ck_assert_int_eq(agree, 28);
	ck_assert_int_eq(pinned, 2);
	ruleset_release(&rules);
	strbuf_release(&text);
	free(dir);
	free(tsv);
}
END_TEST

Suite *rules_oracle_suite(void)
{
	Suite *s = suite_create("rules-oracle");
	TCase *tc = tcase_create("upstream");

	tcase_set_timeout(tc, 120);
	if (th_have_data("polaris_fixtures_give_the_same_verdicts", "k8s/polaris/test/checks"))
		tcase_add_test(tc, polaris_fixtures_give_the_same_verdicts);
	if (th_have_data("kube_score_manifests_give_the_same_verdicts", "k8s/kube-score-testdata/expectations.tsv"))
		tcase_add_test(tc, kube_score_manifests_give_the_same_verdicts);
	suite_add_tcase(s, tc);
	return s;
}
