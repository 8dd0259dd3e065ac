/*
 * kit k8s: kubectl's read-only lists of the kinds the kubernetes source
 * reads, one file a kind, so the bundle gives the same assets as a live
 * read (connectors/kubernetes.c).  Secrets and ConfigMaps are listed
 * through a jsonpath template that prints their metadata only: kubectl get
 * -o json would print their values.
 */
#include "kit.h"

/* The kinds of the live source's fixed list (docs/engagement.md, "kubernetes"), less Secrets and ConfigMaps. */
static const char *const kinds[] = {
	"nodes", "namespaces", "pods", "deployments", "replicasets", "statefulsets", "daemonsets", "jobs",
	"cronjobs", "services", "ingresses", "networkpolicies", "serviceaccounts", "roles", "rolebindings",
	"clusterroles", "clusterrolebindings", "customresourcedefinitions", "validatingwebhookconfigurations",
	"mutatingwebhookconfigurations",
};

static int body(struct strbuf *out)
{
	size_t i;

	strbuf_addstr(out,
		      "# KUBECTL may name another kubectl and add options (--kubeconfig FILE, --context NAME).\n"
		      "K=${KUBECTL:-kubectl}\n"
		      "vk_note \"  kubectl context: $($K config current-context 2>/dev/null || echo unknown)\"\n"
		      "vk_run k8s/version.json kubectl $K version -o json\n");
	for (i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		strbuf_addf(out, "vk_run k8s/%s.json kubectl $K get %s --all-namespaces -o json\n", kinds[i], kinds[i]);
	/*
	 * Metadata only: one JSON object a line, as the API's metadata-only list
	 * gives them.  kubectl apply's annotation repeats the whole object, values
	 * included: the filter removes it, as a JSON string member in any place.
	 */
	strbuf_addstr(out, "VK_FILTER=\"sed -E -e 's/,\\\"kubectl\\\\.kubernetes\\\\.io\\\\/last-applied-configuration\\\":\\\"([^\\\"\\\\\\\\]|\\\\\\\\.)*\\\"//g' "
			   "-e 's/\\\"kubectl\\\\.kubernetes\\\\.io\\\\/last-applied-configuration\\\":\\\"([^\\\"\\\\\\\\]|\\\\\\\\.)*\\\",?//g'\"\n");
	strbuf_addstr(out, "vk_run k8s/secrets-metadata.json kubectl $K get secrets --all-namespaces -o "
			   "'jsonpath={range .items[*]}{\"{\"}\"apiVersion\":\"v1\",\"kind\":\"Secret\",\"metadata\":"
			   "{.metadata}{\"}\"}{\"\\n\"}{end}'\n");
	return strbuf_addstr(out, "vk_run k8s/configmaps-metadata.json kubectl $K get configmaps --all-namespaces -o "
				  "'jsonpath={range .items[*]}{\"{\"}\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\","
				  "\"metadata\":{.metadata}{\"}\"}{\"\\n\"}{end}'\n"
				  "VK_FILTER=\n");
}

const struct kit kit_k8s = {
	"k8s",
	"a Kubernetes cluster's objects (kubectl, read-only lists)",
	"kubectl (1.20 or later) with read access to the cluster (a 'view'-like role)",
	"sh vetter-kit-k8s.sh [BUNDLE_DIR]   (KUBECTL='kubectl --context NAME' picks a context)",
	"the cluster's version (kubectl version)\n"
	"lists of nodes, namespaces, pods, deployments, replicasets, statefulsets, daemonsets, jobs,\n"
	"  cronjobs, services, ingresses, network policies, service accounts, roles and role bindings,\n"
	"  cluster roles and bindings, custom resource definitions, admission webhook configurations\n"
	"the metadata (names, namespaces, labels, annotations, owners) of Secrets and ConfigMaps",
	"no Secret or ConfigMap contents: only their metadata is listed, and the annotation\n"
	"  kubectl.kubernetes.io/last-applied-configuration (which repeats an applied object's\n"
	"  values) is removed from it by a sed filter before it is written\n"
	"no logs, no exec into containers, no port-forwarding, no custom resources' contents\n"
	"nothing is created, changed or deleted in the cluster",
	body,
};
