/*
 * tools: recognising security and platform tools in an estate from
 * signatures (templates/consolidation/tools.yaml).
 *
 * A signature file lists categories (what a tool is for, and whether its
 * coverage counts clusters, accounts or images) and tools, each with signals:
 * image repositories, registry hosts (exact or a regular expression),
 * namespaces, CRD groups, DaemonSet names and cloud asset kinds.  The matcher
 * only says which tools a single observation points to; the consolidation
 * plan (consolidate_int.h, cons_tools) walks the estate with it.
 */
#ifndef VETTER_TOOLS_H
#define VETTER_TOOLS_H

#include <stddef.h>

#include <jansson.h>

#include "core/strbuf.h"

enum tool_signal {
	TOOL_SIG_IMAGE,
	TOOL_SIG_IMAGE_HOST,
	TOOL_SIG_IMAGE_HOST_REGEX,
	TOOL_SIG_NAMESPACE,
	TOOL_SIG_CRD_GROUP,
	TOOL_SIG_DAEMONSET,
	TOOL_SIG_CLOUD,
	TOOL_SIG_COUNT
};

/* The template key of a signal kind ("image", "crd_group", ...). */
extern const char *const tool_signal_names[TOOL_SIG_COUNT];

enum tool_coverage {
	TOOL_COV_CLUSTERS = 1,
	TOOL_COV_ACCOUNTS = 2,
	TOOL_COV_IMAGES = 4,
};

struct tool_category {
	char *id, *title;
	unsigned coverage; /* TOOL_COV_* bits */
};

struct tool_def {
	char *id, *name, *vendor;
	size_t category;   /* index into categories */
	int public_registry; /* a public registry: mirrored through the kept one, never "retired" */
};

struct tool_sigs; /* opaque */

/*
 * Parse a signature file from buf (YAML); name is used in messages.  A bad
 * file is ERR_PARSE naming NAME:LINE:COL and what was expected (unknown
 * category, duplicate id, a regular expression that does not compile, ...).
 */
int tool_sigs_parse(struct tool_sigs **out, const char *buf, size_t len, const char *name);
/* Load templates/consolidation/tools.yaml from the templates folder. */
int tool_sigs_load(struct tool_sigs **out, const char *templates);
void tool_sigs_free(struct tool_sigs *s);

size_t tool_sigs_ntools(const struct tool_sigs *s);
const struct tool_def *tool_sigs_tool(const struct tool_sigs *s, size_t i);
size_t tool_sigs_ncategories(const struct tool_sigs *s);
const struct tool_category *tool_sigs_category(const struct tool_sigs *s, size_t i);
/* Index of a tool id, or -1. */
long tool_sigs_find(const struct tool_sigs *s, const char *id);

/* Called once per (tool, signal) that matched; pattern is the signal's text. */
typedef int (*tool_match_cb)(void *ctx, size_t tool, enum tool_signal kind, const char *pattern);

/*
 * An image reference as a pod spec or registry writes it ("calico/node:v3",
 * "registry:quay.io/x/y@sha256:…", "123456789012.dkr.ecr.eu-west-1.amazonaws.com/app")
 * against the image, image_host and image_host_regex signals.  Returns the
 * callback's first negative code, else 0; a reference that is not a registry
 * reference matches nothing.
 */
int tool_sigs_match_image(const struct tool_sigs *s, const char *ref, tool_match_cb cb, void *ctx);
/* A namespace name, CRD group or DaemonSet name (kind says which). */
int tool_sigs_match_name(const struct tool_sigs *s, enum tool_signal kind, const char *value, tool_match_cb cb,
			 void *ctx);
/* A cloud asset: its kind and document. */
int tool_sigs_match_cloud(const struct tool_sigs *s, const char *asset_kind, const json_t *doc, tool_match_cb cb,
			  void *ctx);

/*
 * Split an image reference into registry host (lowercase, Docker Hub as
 * docker.io) and repository (with "library/" for Docker Hub's single-name
 * images), without tag or digest.  ERR_NOTFOUND for a non-registry
 * reference (oci-dir:, dir:, ...), ERR_PARSE for nonsense.
 */
int tool_image_split(const char *ref, struct strbuf *host, struct strbuf *repo);

#endif
