/*
 * registry_access: how image_open() reaches a registry when the caller did
 * not hand it a client: the settings of an ad-hoc command (--registry-config,
 * --ca-file, --plain-http, --insecure, --allow-exec), set once before any
 * image is opened, and one shared client per host so that several images
 * from one registry share connections and tokens.
 *
 * Without registry_access_set(), credentials come from the user's docker
 * config.json (credential helpers not run), TLS is verified against the
 * system's CAs, and plain HTTP is refused.
 */
#ifndef VETTER_REGISTRY_ACCESS_H
#define VETTER_REGISTRY_ACCESS_H

#include "registry.h"

struct registry_access {
	const char *config_file; /* docker config.json; NULL: $DOCKER_CONFIG or ~/.docker */
	int allow_exec;          /* credential helpers may run */
	const char *ca_file;     /* extra CA bundle */
	int plain_http;          /* http://, loopback only unless insecure */
	int insecure;            /* plain HTTP to any host */
	long timeout_s;          /* 0: the client's default */
};

/* Replace the settings (and forget the clients made under the old ones).  Not thread-safe: call first. */
int registry_access_set(const struct registry_access *a);

/* The shared client for host ("HOST[:PORT]"), made on first use; a borrowed pointer valid until reset. */
int registry_access_get(struct registry **out, const char *host);

/* Free every client and the loaded config (end of a command, tests). */
void registry_access_reset(void);

#endif
