#include "connector.h"

#include <string.h>

extern const struct connector connector_images;
extern const struct connector connector_aws;
extern const struct connector connector_aws_export;
extern const struct connector connector_kubernetes;
extern const struct connector connector_kubernetes_export;
extern const struct connector connector_registry;
extern const struct connector connector_azure_export;
extern const struct connector connector_gcp_export;
extern const struct connector connector_azure;
extern const struct connector connector_gcp;
extern const struct connector connector_bundle;

static const struct connector *const connectors[] = {
	&connector_images,
	&connector_aws,
	&connector_aws_export,
	&connector_kubernetes,
	&connector_kubernetes_export,
	&connector_registry,
	&connector_azure_export,
	&connector_gcp_export,
	&connector_azure,
	&connector_gcp,
	&connector_bundle,
};

/* Connectors that add to a source's info (kubernetes.c). */
int kubernetes_source_info(const struct engagement *eng, const struct source *src, json_t *info);

int connector_source_info(const struct engagement *eng, const struct source *src, json_t *info)
{
	if (!strcmp(src->type, "kubernetes"))
		return kubernetes_source_info(eng, src, info);
	return 0;
}

const struct connector *connector_at(size_t i)
{
	return i < sizeof(connectors) / sizeof(connectors[0]) ? connectors[i] : NULL;
}

const struct connector *connector_find(const char *type)
{
	size_t i;

	for (i = 0; i < sizeof(connectors) / sizeof(connectors[0]); i++)
		if (!strcmp(connectors[i]->info.type, type))
			return connectors[i];
	return NULL;
}

const struct source_type_info *connector_type_info(const char *type)
{
	const struct connector *c = connector_find(type);

	return c ? &c->info : NULL;
}
