/*
 * kit: the evidence kits, `vetter kit NAME [-o FILE]`.
 *
 * A kit is a POSIX shell script for the target's engineers: it runs fixed,
 * read-only commands of the target's own tools (kubectl, skopeo, the AWS
 * CLI, ...) and writes a bundle (src/kit/bundle.h) that the `bundle`
 * source type and `vetter import` read back into the same assets as live
 * collection.  The script starts with the README (what is collected and
 * what is not); kit.c writes the frame every kit shares and the kit adds its
 * commands through vk_run, so every command lands in commands.tsv as run.
 *
 * The frame's shell functions, for a kit's body:
 *   vk_run FILE TOOL COMMAND...   run COMMAND with its output to FILE (under
 *                                 the bundle folder); its exit status, TOOL
 *                                 and the command go to commands.tsv, its
 *                                 standard error to FILE.err when it fails;
 *                                 with VK_FILTER set, the output goes through
 *                                 that shell filter and the record says so
 *   vk_note TEXT                  a line in the README's "this run" part
 * and the variables OUT (the bundle folder, the current directory while the
 * body runs) and VK_ARGS (the arguments after the folder).  The frame ends
 * by writing SHA256SUMS over every file.
 *
 * Adding a kit: a file src/kit/kit_NAME.c defining `const struct kit
 * kit_NAME`, and one line in the table of kit.c.
 */
#ifndef VETTER_KIT_H
#define VETTER_KIT_H

#include <stddef.h>

#include "core/strbuf.h"

/* Version of the bundle layout the frame writes (first line of commands.tsv). */
#define KIT_BUNDLE_VERSION 1

struct kit {
	const char *name;       /* aws, k8s, registry, ... */
	const char *summary;    /* one line for help */
	const char *tools;      /* what must be installed on the target's side, "kubectl (1.24 or later)" */
	const char *usage;      /* how to run the script: "sh vetter-kit-k8s.sh [BUNDLE_DIR] ..." */
	const char *collected;  /* README: what is collected, one item a line */
	const char *not_collected; /* README: what is not */
	/* Append the body: shell lines using vk_run.  0 or a negative ERR_*. */
	int (*body)(struct strbuf *out);
};

/* The kit called name, or NULL; kit_at(i) iterates (NULL after the last). */
const struct kit *kit_find(const char *name);
const struct kit *kit_at(size_t i);

/* The whole script of kit k: README, frame, body, manifest. */
int kit_script(struct strbuf *out, const struct kit *k);

/* The README text (also the script's leading comment and README.txt of the bundle). */
int kit_readme(struct strbuf *out, const struct kit *k);

#endif
