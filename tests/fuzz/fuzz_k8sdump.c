/* libFuzzer: the Kubernetes dump reader (JSON, YAML, Lists, manifests) and the normaliser's graph. */
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "connectors/k8s_dump.h"
#include "connectors/k8s_model.h"
#include "core/err.h"

static int kept(void *ctx, json_t *obj)
{
	size_t *n = ctx;

	(*n)++;
	return json_is_object(obj) ? 0 : -1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct k8s_model *m = NULL;
	struct k8s_graph *g = NULL;
	size_t n = 0;

	if (k8s_model_new(&m, "fuzz") < 0)
		return 0;
	k8s_dump_read(m, (const char *)data, size, "fuzz", (size & 1) ? "default" : NULL, kept, &n);
	if (k8s_graph_new(&g) == 0) {
		k8s_graph_add_model(g, m);
		(void)k8s_graph_assets(g);
		k8s_graph_free(g);
	}
	k8s_model_free(m);
	err_clear();
	return 0;
}
