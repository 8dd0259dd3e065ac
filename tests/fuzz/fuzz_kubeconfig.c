/* libFuzzer: the kubeconfig reader (every context resolved) and the exec plugin's answer. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "connectors/k8s_kubeconfig.h"
#include "core/err.h"

struct input {
	const uint8_t *data;
	size_t size;
};

/* Files named by the kubeconfig: refused, or the input itself (so the PEM checks see outside bytes too). */
static int reader(void *ctx, const char *path, struct strbuf *out)
{
	const struct input *in = ctx;

	if (strstr(path, ".."))
		return err_set(ERR_DENIED, "%s resolves outside", path);
	if (strstr(path, "pem"))
		strbuf_addstr(out, "-----BEGIN CERTIFICATE-----\n");
	return strbuf_add(out, in->data, in->size);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct input in = { data, size };
	struct k8s_kubeconfig *kc = NULL;
	struct k8s_target t;
	size_t i, n;

	if (k8s_kubeconfig_parse(&kc, (const char *)data, size, "fuzz") == 0) {
		n = k8s_kubeconfig_ncontexts(kc);
		for (i = 0; i <= n && i < 64; i++) {
			const char *c = i < n ? k8s_kubeconfig_context_at(kc, i) : NULL;

			k8s_kubeconfig_resolve(kc, c, reader, &in, &t);
			k8s_target_release(&t);
			(void)k8s_kubeconfig_insecure(kc, c);
		}
		(void)k8s_kubeconfig_current(kc);
		k8s_kubeconfig_free(kc);
	}
	memset(&t, 0, sizeof(t));
	k8s_exec_credential_parse((const char *)data, size, (size & 1) ? "client.authentication.k8s.io/v1" : NULL, &t);
	k8s_target_release(&t);
	err_clear();
	return 0;
}
