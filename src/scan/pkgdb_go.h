/*
 * pkgdb_go: the modules compiled into a Go binary, read from its build info
 * while the file streams past once (a layer is read once; a binary of
 * 100 MB is never held in memory).
 *
 *   struct gobin *g;
 *   if (gobin_is_candidate(head, n) && gobin_new(&g, "usr/bin/app") == 0) {
 *           for each chunk of the file: gobin_feed(g, chunk, len);
 *           rc = gobin_finish(g, &pkgs);
 *           gobin_free(g);
 *   }
 *
 * The Go linker leaves a 32-byte header, "\xff Go buildinf:" + pointer size +
 * flags, 16-byte aligned at the start of the writable data (.go.buildinfo).
 *
 *  - Go 1.18+ (flags & 2): the toolchain version and the module info follow
 *    the header as varint-length-prefixed strings.  They are read from a
 *    window kept after the header (at most GOBIN_WINDOW_MAX bytes).
 *  - Go 1.13-1.17: the header holds two addresses of Go string headers
 *    (runtime.buildVersion, runtime.modinfo), whose bytes live in .rodata,
 *    before the header in the file.  The scanner therefore remembers the
 *    segment table from the start of the file (ELF program headers, Mach-O
 *    segments, PE sections), and on the way keeps a bounded number of copies
 *    of everything that could be those strings: text starting "go1." (48
 *    bytes each) and module info framed by its 16-byte sentinels.  After the
 *    header it captures the two string headers (further on, in .data) and
 *    resolves them through the segment table to exactly one of those copies;
 *    a string that was not kept (a "devel" toolchain, a layout with the data
 *    before the header, more candidates than the bounds) cannot be read
 *    without random access, and gobin_finish() says so with ERR_UNSUPPORTED
 *    instead of guessing.
 *
 * Packages (type PKG_GO, path = the path given to gobin_new):
 *  - the main module ("mod" line): name = module path, version as written,
 *    "(devel)" included;
 *  - every "dep", or the module replacing it when a "=>" line follows (a
 *    replacement by a local directory has no version in Go < 1.18 and then
 *    gets "(devel)", as Go 1.18+ itself writes for one);
 *  - "stdlib" with the toolchain version as Trivy and Grype spell it
 *    ("go1.21.3 X:boringcrypto" -> "v1.21.3"); a "devel" toolchain has no
 *    release version and gives no stdlib package.
 * Module lines with an empty path or version, or whose text is not valid
 * UTF-8 without control characters, are skipped: they can name nothing an
 * advisory could match.
 */
#ifndef VETTER_PKGDB_GO_H
#define VETTER_PKGDB_GO_H

#include <stddef.h>

#include "gomodinfo.h"
#include "pkg.h"

/* The Go 1.18+ build info (header, version, module info) must fit in this. */
#define GOBIN_WINDOW_MAX ((size_t)1024 * 1024)
struct gobin;

/* 1 when head (the first n bytes of a file) starts like an ELF, Mach-O (thin) or PE file. */
int gobin_is_candidate(const unsigned char *head, size_t n);

/* A scanner for one file; path names it in packages and messages. */
int gobin_new(struct gobin **out, const char *path);

/*
 * The next len bytes of the file, in order; any chunk size, 0 included.
 * Fails only when memory runs out; problems with the content are reported
 * by gobin_finish().
 */
int gobin_feed(struct gobin *g, const void *data, size_t len);

/*
 * The file has ended: append its modules to out and return how many were
 * added.  0 with nothing added when the file is not a Go binary (or a Go
 * binary without build info).  ERR_PARSE for malformed build info,
 * ERR_LIMIT past the bounds above, ERR_UNSUPPORTED for a pre-1.18 binary
 * whose strings could not be resolved from the stream (see above): callers
 * record those as coverage gaps.  Nothing is appended on error.
 */
int gobin_finish(struct gobin *g, struct pkg_list *out);

void gobin_free(struct gobin *g);

#endif
