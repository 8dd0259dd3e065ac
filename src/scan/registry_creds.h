/*
 * registry_creds: registry credentials from a docker config.json.
 *
 * Used for ad-hoc commands (the user's ~/.docker/config.json, or
 * --registry-config FILE) and by engagement sources that name a file with
 * docker_config.  Docker's order is kept: credHelpers for the host, else
 * credsStore, else the inline "auths" entry.  Helpers are programs
 * (docker-credential-NAME, found on PATH): they run only when exec is
 * allowed (--allow-exec, or allow_exec: true on the source); otherwise the
 * inline entry is used, if any, and a warning says a helper was skipped.
 * A helper gets 30 seconds and 64 KB of output.  Every value read is
 * registered for scrubbing.
 */
#ifndef VETTER_REGISTRY_CREDS_H
#define VETTER_REGISTRY_CREDS_H

#include "registry.h"

struct docker_config;

/*
 * Load path, or when path is NULL the default ($DOCKER_CONFIG/config.json,
 * else ~/.docker/config.json; a missing default file is an empty config).
 */
int docker_config_load(struct docker_config **out, const char *path, int allow_exec);
void docker_config_free(struct docker_config *dc);

/* A registry_cred_fn: ctx is a struct docker_config. */
int docker_config_cred(void *ctx, const char *host, struct registry_cred *out);

/* The key docker uses for host ("docker.io" and its aliases are "index.docker.io"), lowercased. */
int docker_config_host_key(struct strbuf *out, const char *host_or_url);

#endif
