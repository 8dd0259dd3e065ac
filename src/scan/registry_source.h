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
 *   ecr      a token from ECR's GetAuthorizationToken, which [aws] provides:
 *            registry_ecr_credentials() and registry_ecr_repositories()
 *            below are the two hook points.
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
	const char *flavour;    /* "generic" or "ecr" (borrowed) */
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
 * [aws] hook: ECR credentials for host (ACCOUNT.dkr.ecr.REGION.amazonaws.com)
 * from the source's AWS credentials: username "AWS" and the password that
 * GetAuthorizationToken returns (base64 "AWS:PASSWORD" in
 * authorizationData[0].authorizationToken), registered for scrubbing.
 * Until [aws] is merged it returns ERR_UNSUPPORTED.
 */
int registry_ecr_credentials(const struct engagement *eng, const struct source *src, const char *host,
			     struct registry_cred *out);
/*
 * [aws] hook: ECR has no /v2/_catalog; the repositories come from
 * DescribeRepositories (paged with nextToken), each name through fn.  Until
 * [aws] is merged it returns ERR_UNSUPPORTED: list the repositories in the
 * engagement file instead.
 */
int registry_ecr_repositories(const struct engagement *eng, const struct source *src, const char *host,
			      registry_name_fn fn, void *ctx);

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
