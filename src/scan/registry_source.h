/*
 * registry_source: an engagement's registry source turned into a registry
 * client, for the collect stage (connectors/registry.c) and for the scan
 * stage, which pulls every registry image through the source that names
 * its host.
 *
 * Flavours differ only in where credentials (and, for registries without
 * a catalog, the repository list) come from:
 *   generic  the source's credentials block (username and password,
 *            identity_token, or registry_token), else the docker config
 *            file named by docker_config, else anonymous.  Harbor, Quay,
 *            GHCR, GitLab, Docker Hub, Artifactory, distribution.
 *   ecr      a token from ECR's GetAuthorizationToken, through the AWS
 *            connector (connectors/aws.h): registry_ecr_credentials() and
 *            registry_ecr_repositories() below, with the AWS keys the aws
 *            source takes (profile, role_arn, external_id,
 *            role_session_name, endpoint_url, the credentials block);
 *            registry_source_init() refuses those keys in other flavours.
 *   acr      Azure Container Registry: the service principal of the
 *            credentials block (client_id, client_secret, with tenant)
 *            exchanged for an Entra ID token, exchanged at the registry's
 *            /oauth2/exchange for a refresh token (connectors/cloud_registry.c).
 *   gar      Artifact Registry and Container Registry (gcr.io): an access
 *            token from the credentials block's service_account_key, as the
 *            password of "oauth2accesstoken".
 */
#ifndef VETTER_REGISTRY_SOURCE_H
#define VETTER_REGISTRY_SOURCE_H

#include "core/engagement.h"
#include "core/schema.h"
#include "registry.h"

struct docker_config;

/* The keys a source of type "registry" takes (beyond the generic ones). */
extern const struct schema_field registry_source_keys[];

struct registry_source {
	const struct engagement *eng;
	const struct source *src;
	char *host;             /* "HOST[:PORT]" */
	const char *flavour;    /* "generic", "ecr", "acr" or "gar" (borrowed) */
	const char *platform;   /* default linux/amd64 (borrowed) */
	char *ca_file;          /* resolved against the engagement folder */
	struct docker_config *dc;
	long timeout_s;
	int plain_http, insecure;
};

/* Read src's settings (ERR_USAGE for a value that cannot work, naming the source). */
int registry_source_init(struct registry_source *rs, const struct engagement *eng, const struct source *src);
void registry_source_release(struct registry_source *rs);
/* A client for the source's registry; rs must outlive it. */
int registry_source_open(struct registry_source *rs, struct registry **out);

/*
 * [aws] hook: ECR credentials for host (ACCOUNT.dkr.ecr.REGION.amazonaws.com,
 * see aws_ecr_host_parse())
 * from the source's AWS credentials: username "AWS" and the password that
 * GetAuthorizationToken returns (base64 "AWS:PASSWORD" in
 * authorizationData[0].authorizationToken), registered for scrubbing.
 * The source's credentials block (access_key_id, secret_access_key,
 * session_token) is used, else the AWS CLI's chain (profile); then
 * role_arn with external_id through STS AssumeRole, as for an aws source.
 */
int registry_ecr_credentials(const struct engagement *eng, const struct source *src, const char *host,
			     struct registry_cred *out);
/*
 * [aws] hook: ECR has no /v2/_catalog; the repositories come from
 * DescribeRepositories (paged with nextToken), each name through fn.
 */
int registry_ecr_repositories(const struct engagement *eng, const struct source *src, const char *host,
			      registry_name_fn fn, void *ctx);

/* [azure-gcp]: the acr and gar flavours' credentials (connectors/cloud_registry.c), registered for scrubbing. */
int registry_acr_credentials(const struct engagement *eng, const struct source *src, const char *host, const char *ca_file,
			     struct registry_cred *out);
int registry_gar_credentials(const struct engagement *eng, const struct source *src, const char *host, const char *ca_file,
			     struct registry_cred *out);

/*
 * The scan stage's clients: one per host, made from the engagement's
 * registry source for that host (one of the image's company first).  A host
 * no source names is refused (ERR_DENIED): image names come from the
 * target's data and must not choose whom vetter contacts.
 */
struct registry_pool;
int registry_pool_new(struct registry_pool **out, const struct engagement *eng);
int registry_pool_get(struct registry_pool *p, const char *company, const char *host, struct registry **out);
void registry_pool_free(struct registry_pool *p);

#endif
