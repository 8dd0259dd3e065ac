/*
 * k8s_exec: running a kubeconfig's exec credential plugin.
 *
 * A plugin is a program named by outside data, so it runs only when the
 * source says allow_exec: true (the caller checks), with a minimal
 * environment (PATH, HOME, TMPDIR, KUBERNETES_EXEC_INFO — with the cluster's
 * server and CA when exec.provideClusterInfo asks — and the variables the
 * kubeconfig's exec.env lists — nothing else of vetter's environment,
 * so no credential of another source reaches it), standard input from
 * /dev/null, in its own process group, and a timeout after which the whole
 * group is killed.  A relative command path resolves against the
 * kubeconfig's folder and must stay inside the engagement folder; a bare
 * name is looked up on PATH.  Its standard output (at most 1 MB) must be an
 * ExecCredential.
 */
#ifndef VETTER_K8S_EXEC_H
#define VETTER_K8S_EXEC_H

#include <jansson.h>

#include "k8s_kubeconfig.h"

struct k8s_exec_opts {
	const char *kubeconfig_dir; /* where relative command paths start */
	const char *engagement_dir; /* which they must stay inside */
	int timeout_s;              /* 0 = 30 */
};

/* Run the plugin exec (a kubeconfig user's exec mapping) for target t and take its credential into t. */
int k8s_exec_run(const json_t *exec, const struct k8s_exec_opts *o, struct k8s_target *t);

#endif
