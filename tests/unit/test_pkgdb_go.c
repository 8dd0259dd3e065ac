/*
 * Go binaries: real binaries built here with Debian's golang-go (offline:
 * vendored modules and a local replace), read by the streaming gobin scanner
 * in chunks of several sizes, against what `go version -m` prints for them.
 * The pre-1.18 pointer format, which this toolchain no longer writes, is
 * checked on a small ELF laid out as the old linkers did.
 */
#include <check.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/err.h"
#include "core/strbuf.h"
#include "core/util.h"
#include "scan/gomodinfo.h"
#include "scan/pkgdb_go.h"
#include "th.h"

/* "name version" lines, sorted, one a line: the form both sides are compared in. */
static void pkgs_text(struct strbuf *out, struct pkg_list *l, const char *path)
{
	size_t i;

	pkg_list_sort(l);
	for (i = 0; i < l->n; i++) {
		ck_assert_str_eq(l->v[i].type, PKG_GO);
		ck_assert_str_eq(l->v[i].path, path);
		strbuf_addf(out, "%s %s\n", l->v[i].name, l->v[i].version);
	}
}

/* Feed data in chunks of size chunk and return what gobin_finish returned. */
static int scan_chunks(struct pkg_list *out, const char *path, const struct strbuf *data, size_t chunk)
{
	struct gobin *g;
	size_t at;
	int rc;

	ck_assert_int_eq(gobin_new(&g, path), 0);
	for (at = 0; at < data->len; at += chunk)
		ck_assert_int_eq(gobin_feed(g, data->buf + at, data->len - at < chunk ? data->len - at : chunk), 0);
	rc = gobin_finish(g, out);
	gobin_free(g);
	return rc;
}

static int cmp_line(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/*
 * The oracle: `go version -m BIN` printed as
 *   BIN: go1.19.8
 *   <tab>path<tab>...   <tab>mod<tab>P<tab>V<tab>SUM   <tab>dep<tab>P<tab>V<tab>SUM   <tab>=><tab>P<tab>V<tab>SUM
 * turned into the same sorted "name version" lines: dep replaced by the "=>" that follows it, and a
 * dep replaced by a local folder ("../x") left out: it is source built with the program, not a module.
 */
static void oracle_text(struct strbuf *out, const char *printed)
{
	char *copy = strdup(printed), *line, *save = NULL, *lines[256];
	struct strbuf sb = STRBUF_INIT;
	size_t n = 0, i;
	int pend = 0; /* the last line was a dep, which a "=>" replaces */

	for (line = strtok_r(copy, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *f[5] = { 0 }, *s = line, *tok;
		int nf = 0;

		if (line[0] != '\t') { /* "BIN: go1.19.8" */
			char *v = strstr(line, ": go");

			ck_assert_ptr_nonnull(v);
			strbuf_reset(&sb);
			strbuf_addf(&sb, "stdlib v%s", v + 4);
			lines[n++] = strdup(sb.buf);
			continue;
		}
		/* split at every tab, keeping empty fields */
		while (nf < 5 && s) {
			f[nf++] = s;
			if ((tok = strchr(s, '\t')))
				*tok++ = 0;
			s = tok;
		}
		if (nf < 2 || !f[1][0])
			continue;
		if (!strcmp(f[1], "mod") || !strcmp(f[1], "dep") || !strcmp(f[1], "=>")) {
			ck_assert_int_ge(nf, 4);
			strbuf_reset(&sb);
			strbuf_addf(&sb, "%s %s", f[2], f[3]);
			if (!strcmp(f[1], "=>")) {
				ck_assert(pend);
				free(lines[--n]);
				if (f[2][0] == '.' || f[2][0] == '/') {
					pend = 0;
					continue;
				}
			}
			ck_assert_uint_lt(n, 256);
			lines[n++] = strdup(sb.buf);
			pend = !strcmp(f[1], "dep");
		}
	}
	qsort(lines, n, sizeof(lines[0]), cmp_line);
	for (i = 0; i < n; i++) {
		strbuf_addf(out, "%s\n", lines[i]);
		free(lines[i]);
	}
	strbuf_release(&sb);
	free(copy);
}

static void write_in(const char *dir, const char *rel, const char *content)
{
	struct strbuf p = STRBUF_INIT, d = STRBUF_INIT;

	strbuf_addf(&p, "%s/%s", dir, rel);
	util_path_dirname(&d, p.buf);
	ck_assert_int_eq(util_mkdirs(d.buf, 0700), 0);
	th_write(p.buf, content);
	strbuf_release(&p);
	strbuf_release(&d);
}

/* A module with a vendored dependency, one replaced by another module and one by a local folder. */
static void write_module(const char *dir)
{
	write_in(dir, "local/go.mod", "module example.com/local\n\ngo 1.17\n");
	write_in(dir, "local/local.go", "package local\n\nfunc Hi() int { return 3 }\n");
	write_in(dir, "app/go.mod",
		 "module example.com/app\n\ngo 1.17\n\n"
		 "require (\n\texample.com/dep v1.2.3\n\texample.com/local v0.0.0\n\texample.com/old v1.0.0\n)\n\n"
		 "replace example.com/old v1.0.0 => example.org/fork v1.0.1\n\n"
		 "replace example.com/local => ../local\n");
	write_in(dir, "app/main.go",
		 "package main\n\nimport (\n\t\"example.com/dep\"\n\t\"example.com/local\"\n\t\"example.com/old\"\n)\n\n"
		 "func main() { println(dep.X() + old.Y() + local.Hi()) }\n");
	write_in(dir, "app/vendor/example.com/dep/dep.go", "package dep\n\nfunc X() int { return 1 }\n");
	write_in(dir, "app/vendor/example.com/old/old.go", "package old\n\nfunc Y() int { return 2 }\n");
	write_in(dir, "app/vendor/example.com/local/local.go", "package local\n\nfunc Hi() int { return 3 }\n");
	write_in(dir, "app/vendor/modules.txt",
		 "# example.com/dep v1.2.3\n## explicit\nexample.com/dep\n"
		 "# example.com/local v0.0.0 => ../local\n## explicit\nexample.com/local\n"
		 "# example.com/old v1.0.0 => example.org/fork v1.0.1\n## explicit\nexample.com/old\n"
		 "# example.com/local => ../local\n# example.com/old v1.0.0 => example.org/fork v1.0.1\n");
}

/* Build DIR/app into out; target is NULL for this machine or { "GOOS=..", "GOARCH=.." }. */
static void go_build(const char *dir, const char *out, int strip, const char *const *target)
{
	struct strbuf e1 = STRBUF_INIT, e2 = STRBUF_INIT, app = STRBUF_INIT;
	const char *env[] = { e1.buf, e2.buf, "GOPROXY=off", "GOTOOLCHAIN=local", "GOFLAGS=-mod=vendor",
			      "GO111MODULE=on", "GOWORK=off", "CGO_ENABLED=0", "GOSUMDB=off", NULL, NULL, NULL };
	const char *argv[] = { "go", "build", "-o", out, strip ? "-ldflags=-s -w" : "-trimpath", ".", NULL };
	struct th_result res;

	strbuf_addf(&e1, "GOCACHE=%s/cache", dir);
	strbuf_addf(&e2, "GOPATH=%s/gopath", dir);
	strbuf_addf(&app, "%s/app", dir);
	env[0] = e1.buf;
	env[1] = e2.buf;
	if (target) {
		env[9] = target[0];
		env[10] = target[1];
	}
	th_run(&res, argv, env, NULL, app.buf);
	th_assert_status(&res, 0);
	th_result_release(&res);
	strbuf_release(&e1);
	strbuf_release(&e2);
	strbuf_release(&app);
}

static void check_binary(const char *bin, const char *want_literal, int all_chunks)
{
	const char *argv[] = { "go", "version", "-m", bin, NULL };
	static const size_t chunks[] = { 4096, SIZE_MAX, 1, 7 };
	struct strbuf data = STRBUF_INIT, want = STRBUF_INIT, got = STRBUF_INIT;
	struct th_result res;
	size_t i;

	th_run(&res, argv, NULL, NULL, NULL);
	th_assert_status(&res, 0);
	oracle_text(&want, res.out.buf);
	th_result_release(&res);
	ck_assert_str_eq(want.buf, want_literal);
	th_read(bin, &data);
	ck_assert(gobin_is_candidate((const unsigned char *)data.buf, data.len));
	for (i = 0; i < (all_chunks ? ARRAY_SIZE(chunks) : 2); i++) {
		struct pkg_list l = { 0 };

		ck_assert_int_eq(scan_chunks(&l, "usr/bin/app", &data, chunks[i]), 4);
		strbuf_reset(&got);
		pkgs_text(&got, &l, "usr/bin/app");
		ck_assert_msg(!strcmp(got.buf, want.buf), "chunk %zu:\n%s\nexpected:\n%s", chunks[i], got.buf, want.buf);
		pkg_list_release(&l);
	}
	strbuf_release(&data);
	strbuf_release(&want);
	strbuf_release(&got);
}

/* The exact list, written out, so that the oracle's parsing is checked too. */
static void expected_list(struct strbuf *lit)
{
	const char *argv[] = { "go", "env", "GOVERSION", NULL };
	struct th_result res;

	th_run(&res, argv, NULL, NULL, NULL);
	th_assert_status(&res, 0);
	strbuf_rtrim(&res.out);
	ck_assert(util_has_prefix(res.out.buf, "go1."));
	strbuf_addf(lit,
		    "example.com/app (devel)\nexample.com/dep v1.2.3\nexample.org/fork v1.0.1\n"
		    "stdlib v%s\n",
		    res.out.buf + 2);
	th_result_release(&res);
}

START_TEST(go_binary_matches_go_version_m)
{
	char *dir = th_tmpdir();
	struct strbuf bin = STRBUF_INIT, sbin = STRBUF_INIT, lit = STRBUF_INIT;

	expected_list(&lit);
	write_module(dir);
	strbuf_addf(&bin, "%s/app.bin", dir);
	strbuf_addf(&sbin, "%s/app-stripped.bin", dir);
	go_build(dir, bin.buf, 0, NULL);
	go_build(dir, sbin.buf, 1, NULL);
	check_binary(bin.buf, lit.buf, 1);
	/* -s -w drops the symbol table and DWARF, not .go.buildinfo: the same modules. */
	check_binary(sbin.buf, lit.buf, 1);
	th_rm_rf(dir);
	free(dir);
	strbuf_release(&bin);
	strbuf_release(&sbin);
	strbuf_release(&lit);
}
END_TEST

/* Cross-compiled (each compiles the runtime anew, ~7 s): the PE section table and the Mach-O segments. */
START_TEST(go_binary_pe_macho)
{
	static const char *const targets[][2] = { { "GOOS=windows", "GOARCH=amd64" }, { "GOOS=darwin", "GOARCH=arm64" } };
	char *dir = th_tmpdir();
	struct strbuf bin = STRBUF_INIT, lit = STRBUF_INIT;
	size_t i;

	expected_list(&lit);
	write_module(dir);
	for (i = 0; i < ARRAY_SIZE(targets); i++) {
		strbuf_reset(&bin);
		strbuf_addf(&bin, "%s/app-%zu.bin", dir, i);
		go_build(dir, bin.buf, 0, targets[i]);
		check_binary(bin.buf, lit.buf, 0);
	}
	th_rm_rf(dir);
	free(dir);
	strbuf_release(&bin);
	strbuf_release(&lit);
}
END_TEST

START_TEST(non_go_elf_gives_nothing)
{
	struct strbuf data = STRBUF_INIT;
	struct pkg_list l = { 0 };
	static const size_t chunks[] = { 1, 4096, SIZE_MAX };
	size_t i;

	th_read("/bin/true", &data);
	ck_assert(gobin_is_candidate((const unsigned char *)data.buf, data.len));
	for (i = 0; i < ARRAY_SIZE(chunks); i++) {
		ck_assert_int_eq(scan_chunks(&l, "bin/true", &data, chunks[i]), 0);
		ck_assert_uint_eq(l.n, 0);
	}
	strbuf_reset(&data);
	strbuf_addstr(&data, "#!/bin/sh\necho \xff Go buildinf:\n");
	ck_assert(!gobin_is_candidate((const unsigned char *)data.buf, data.len));
	ck_assert_int_eq(scan_chunks(&l, "x.sh", &data, SIZE_MAX), 0);
	ck_assert_uint_eq(l.n, 0);
	strbuf_release(&data);
}
END_TEST

/* Little-endian stores into the synthetic file. */
static void put(unsigned char *p, uint64_t v, int size)
{
	int i;

	for (i = 0; i < size; i++)
		p[i] = (unsigned char)(v >> (8 * i));
}

static const unsigned char info_start[16] = { 0x30, 0x77, 0xaf, 0x0c, 0x92, 0x74, 0x08, 0x02,
					      0x41, 0xe1, 0xc1, 0x07, 0xe6, 0xd6, 0x18, 0xe6 };
static const unsigned char info_end[16] = { 0xf9, 0x32, 0x43, 0x31, 0x86, 0x18, 0x20, 0x72,
					    0x00, 0x82, 0x42, 0x10, 0x41, 0x16, 0xd8, 0xf2 };

/*
 * An ELF64 laid out as Go 1.13-1.17 linked: read-only segment at file 0
 * (vaddr 0x400000) with the strings, writable segment at file 0x1000 (vaddr
 * 0x500000) starting with .go.buildinfo, whose two pointers lead to string
 * headers further on.  vers_at is the file offset the version header points to.
 */
static void make_old_elf(struct strbuf *out, uint64_t vers_at)
{
	static const char modinfo[] = "path\texample.com/old\nmod\texample.com/old\t(devel)\t\n"
				      "dep\tgithub.com/pkg/errors\tv0.9.1\th1:FEBLx1zS214owpjy7qsBeixbURkuhQAwrK5UwLGTwt4=\n"
				      "dep\tgolang.org/x/sys\tv0.0.0-20210124154548-22da62e12c0c\n"
				      "=>\tgolang.org/x/sys\tv0.1.0\th1:abc=\n";
	unsigned char f[0x2000];
	size_t mlen = strlen(modinfo);

	memset(f, 0, sizeof(f));
	memcpy(f, "\x7f" "ELF\x02\x01\x01", 7);
	put(f + 0x10, 2, 2);    /* ET_EXEC */
	put(f + 0x12, 0x3e, 2); /* x86-64 */
	put(f + 0x20, 64, 8);   /* e_phoff */
	put(f + 0x36, 56, 2);
	put(f + 0x38, 2, 2);
	/* PT_LOAD R at 0 -> 0x400000, PT_LOAD RW at 0x1000 -> 0x500000 */
	put(f + 64, 1, 4), put(f + 68, 4, 4), put(f + 72, 0, 8), put(f + 80, 0x400000, 8), put(f + 96, 0x1000, 8);
	put(f + 120, 1, 4), put(f + 124, 6, 4), put(f + 128, 0x1000, 8), put(f + 136, 0x500000, 8),
		put(f + 152, 0x1000, 8);
	/* read-only data: a string naming the magic (aligned, must be ignored), a decoy version, the real strings */
	memcpy(f + 0x100, "\xff Go buildinf:\x08\x00", 16);
	memcpy(f + 0x1e0, "go1.99.1gopher", 14);
	memcpy(f + 0x200, "go1.16.15unicode", 16);
	memcpy(f + 0x280, "devel +8c1f2a3 Tue", 18);
	memcpy(f + 0x300, info_start, 16);
	memcpy(f + 0x310, modinfo, mlen);
	memcpy(f + 0x310 + mlen, info_end, 16);
	/* .go.buildinfo */
	memcpy(f + 0x1000, "\xff Go buildinf:\x08\x00", 16);
	put(f + 0x1010, 0x500000 + 0x40, 8);
	put(f + 0x1018, 0x500000 + 0x50, 8);
	/* runtime.buildVersion and runtime.modinfo string headers */
	put(f + 0x1040, 0x400000 + vers_at, 8);
	put(f + 0x1048, vers_at == 0x280 ? 18 : 9, 8);
	put(f + 0x1050, 0x400300, 8);
	put(f + 0x1058, mlen + 32, 8);
	strbuf_add(out, f, sizeof(f));
}

START_TEST(pre_118_pointer_format)
{
	static const size_t chunks[] = { 1, 7, 16, 4096, SIZE_MAX };
	struct strbuf data = STRBUF_INIT, got = STRBUF_INIT;
	size_t i;

	make_old_elf(&data, 0x200);
	for (i = 0; i < ARRAY_SIZE(chunks); i++) {
		struct pkg_list l = { 0 };

		ck_assert_int_eq(scan_chunks(&l, "old", &data, chunks[i]), 4);
		strbuf_reset(&got);
		pkgs_text(&got, &l, "old");
		ck_assert_str_eq(got.buf, "example.com/old (devel)\ngithub.com/pkg/errors v0.9.1\n"
					  "golang.org/x/sys v0.1.0\nstdlib v1.16.15\n");
		pkg_list_release(&l);
	}
	/*
	 * A "devel" toolchain string is not kept on the way: no guess, a reported
	 * gap.  Only when the whole file comes as one chunk is it still at hand, and
	 * then a devel toolchain names no stdlib release.
	 */
	strbuf_reset(&data);
	make_old_elf(&data, 0x280);
	for (i = 0; i < ARRAY_SIZE(chunks); i++) {
		struct pkg_list l = { 0 };

		if (chunks[i] == SIZE_MAX) {
			ck_assert_int_eq(scan_chunks(&l, "old", &data, chunks[i]), 3);
			strbuf_reset(&got);
			pkgs_text(&got, &l, "old");
			ck_assert_str_eq(got.buf, "example.com/old (devel)\ngithub.com/pkg/errors v0.9.1\n"
						  "golang.org/x/sys v0.1.0\n");
			pkg_list_release(&l);
			continue;
		}
		ck_assert_int_eq(scan_chunks(&l, "old", &data, chunks[i]), ERR_UNSUPPORTED);
		ck_assert_uint_eq(l.n, 0);
		ck_assert_ptr_nonnull(strstr(err_last(), "random access"));
	}
	/* Cut before the string headers: malformed, not a guess. */
	strbuf_reset(&data);
	make_old_elf(&data, 0x200);
	strbuf_setlen(&data, 0x1040);
	{
		struct pkg_list l = { 0 };

		ck_assert_int_eq(scan_chunks(&l, "old", &data, 4096), ERR_PARSE);
		ck_assert_uint_eq(l.n, 0);
	}
	strbuf_release(&data);
	strbuf_release(&got);
}
END_TEST

/* The same layout as a 32-bit big-endian ELF (a fuzz seed; its first byte is the harness's chunk seed). */
START_TEST(pre_118_elf32_big_endian)
{
	char *path = th_repo_path("tests/fuzz/seeds/gobin/elf32be-pre118");
	static const size_t chunks[] = { 1, 5, 4096, SIZE_MAX };
	struct strbuf file = STRBUF_INIT, data = STRBUF_INIT, got = STRBUF_INIT;
	size_t i;

	th_read(path, &file);
	strbuf_add(&data, file.buf + 1, file.len - 1);
	for (i = 0; i < ARRAY_SIZE(chunks); i++) {
		struct pkg_list l = { 0 };

		ck_assert_int_eq(scan_chunks(&l, "be", &data, chunks[i]), 3);
		strbuf_reset(&got);
		pkgs_text(&got, &l, "be");
		ck_assert_str_eq(got.buf, "example.com/be v1.2.3\ngithub.com/pkg/errors v0.9.1\nstdlib v1.15.7\n");
		pkg_list_release(&l);
	}
	free(path);
	strbuf_release(&file);
	strbuf_release(&data);
	strbuf_release(&got);
}
END_TEST

/* modinfo text framed by the sentinels, as the linker stores it. */
static void framed(struct strbuf *sb, const char *text)
{
	strbuf_reset(sb);
	strbuf_add(sb, info_start, 16);
	strbuf_addstr(sb, text);
	strbuf_add(sb, info_end, 16);
}

static int modinfo(struct strbuf *got, const char *vers, const char *text)
{
	struct strbuf m = STRBUF_INIT;
	struct pkg_list l = { 0 };
	int rc;

	framed(&m, text);
	strbuf_reset(got);
	rc = gomodinfo_parse(&l, "bin", vers, strlen(vers), m.buf, m.len);
	if (rc >= 0) {
		ck_assert_int_eq(rc, (int)l.n);
		pkgs_text(got, &l, "bin");
	} else {
		ck_assert_uint_eq(l.n, 0);
	}
	pkg_list_release(&l);
	strbuf_release(&m);
	return rc;
}

START_TEST(modinfo_edge_cases)
{
	struct strbuf got = STRBUF_INIT, big = STRBUF_INIT;
	struct pkg_list l = { 0 };
	int i;

	/* Experiments after the version are dropped; the main module keeps its own name over a replacement. */
	ck_assert_int_eq(modinfo(&got, "go1.22.3 X:boringcrypto",
				 "path\tex.com/cmd/x\nmod\tex.com\tv1.4.0\th1:x=\n=>\tother.com\tv9.9.9\t\n"
				 "dep\ta.com/b\tv0.1.0\nbuild\t-ldflags=\"-X main.version=1\"\n"),
			 3);
	ck_assert_str_eq(got.buf, "a.com/b v0.1.0\nex.com v1.4.0\nstdlib v1.22.3\n");
	/* A devel toolchain names no release; a dependency replaced by a local folder is left out. */
	ck_assert_int_eq(modinfo(&got, "devel go1.23-abcdef Tue",
				 "mod\tex.com\t(devel)\t\ndep\ta.com/b\tv0.1.0\n=>\t./b\t\t\n"),
			 1);
	ck_assert_str_eq(got.buf, "ex.com (devel)\n");
	/* Built outside module mode (as distributions build): only the toolchain's stdlib. */
	ck_assert_int_eq(modinfo(&got, "go1.19.8", "path\tgithub.com/containers/skopeo/cmd/skopeo\nbuild\t-compiler=gc\n"), 1);
	ck_assert_str_eq(got.buf, "stdlib v1.19.8\n");
	/* A release stamped with -ldflags -X: its version replaces "(devel)" or a pseudo-version, as Trivy does. */
	ck_assert_int_eq(modinfo(&got, "go1.22.0",
				 "mod\tex.com/tool\t(devel)\t\nbuild\t-ldflags=\"-s -w -X main.version=1.4.2 -X main.commit=abc\"\n"),
			 2);
	ck_assert_str_eq(got.buf, "ex.com/tool 1.4.2\nstdlib v1.22.0\n");
	ck_assert_int_eq(modinfo(&got, "go1.22.0",
				 "mod\tex.com/tool\tv0.0.0-20250422202024-9eeb4a7a08b6+dirty\t\n"
				 "build\t-ldflags=\"-X \\\"ex.com/tool/internal/version.Version=v2.0.1\\\"\"\n"),
			 2);
	ck_assert_str_eq(got.buf, "ex.com/tool v2.0.1\nstdlib v1.22.0\n");
	/* A released module version stays; keys of other packages and non-versions are ignored. */
	ck_assert_int_eq(modinfo(&got, "go1.22.0", "mod\tex.com/tool\tv1.0.0\t\nbuild\t-ldflags=\"-X main.version=9.9.9\"\n"), 2);
	ck_assert_str_eq(got.buf, "ex.com/tool v1.0.0\nstdlib v1.22.0\n");
	ck_assert_int_eq(modinfo(&got, "go1.22.0",
				 "mod\tex.com/tool\t(devel)\t\nbuild\t-ldflags=\"-X other.com/x.Version=1.0 -X main.version=dev\"\n"),
			 2);
	ck_assert_str_eq(got.buf, "ex.com/tool (devel)\nstdlib v1.22.0\n");
	/* Not valid UTF-8, or an empty version: skipped. */
	ck_assert_int_eq(modinfo(&got, "go1.20", "dep\ta.com/\xff\tv1.0.0\ndep\tb.com\t\ndep\tc.com\tv1\t\n"), 2);
	ck_assert_str_eq(got.buf, "c.com v1\nstdlib v1.20\n");
	/* Malformed: as runtime/debug refuses it. */
	ck_assert_int_eq(modinfo(&got, "go1.20", "=>\ta.com\tv1\t\n"), ERR_PARSE);
	ck_assert_int_eq(modinfo(&got, "go1.20", "dep\ta.com\n"), ERR_PARSE);
	ck_assert_int_eq(modinfo(&got, "go1.20", "dep\ta.com\tv1\tx\ty\n"), ERR_PARSE);
	ck_assert_int_eq(modinfo(&got, "go1.20", "dep\ta.com\tv1\n=>\tb.com\tv2\n"), ERR_PARSE);
	/* Bounds. */
	strbuf_addstr(&big, "dep\t");
	for (i = 0; i < 5000; i++)
		strbuf_addch(&big, 'a');
	strbuf_addstr(&big, "\tv1\n");
	ck_assert_int_eq(modinfo(&got, "go1.20", big.buf), ERR_LIMIT);
	strbuf_reset(&big);
	for (i = 0; i <= GOBIN_MODULES_MAX; i++)
		strbuf_addf(&big, "dep\tm%d.com\tv1.0.%d\n", i, i);
	ck_assert_int_eq(modinfo(&got, "go1.20", big.buf), ERR_LIMIT);
	/* No framing: no module info, only the toolchain (a GOPATH build); no version: not Go at all. */
	ck_assert_int_eq(gomodinfo_parse(&l, "bin", "go1.16", 6, "mod\tx\tv1\n", 9), 1);
	ck_assert_str_eq(l.v[0].name, "stdlib");
	ck_assert_str_eq(l.v[0].version, "v1.16");
	ck_assert_int_eq(gomodinfo_parse(&l, "bin", "", 0, "", 0), 0);
	ck_assert_uint_eq(l.n, 1);
	pkg_list_release(&l);
	strbuf_release(&got);
	strbuf_release(&big);
}
END_TEST

Suite *pkgdb_go_suite(void)
{
	Suite *s = suite_create("pkgdb-go");
	TCase *tc = tcase_create("gobin");

	tcase_set_timeout(tc, 300);
	if (th_have_tool("go_binary_matches_go_version_m", "go"))
		tcase_add_test(tc, go_binary_matches_go_version_m);
	if (th_have_tool("go_binary_pe_macho", "go"))
		tcase_add_test(tc, go_binary_pe_macho);
	tcase_add_test(tc, non_go_elf_gives_nothing);
	tcase_add_test(tc, pre_118_pointer_format);
	tcase_add_test(tc, pre_118_elf32_big_endian);
	tcase_add_test(tc, modinfo_edge_cases);
	suite_add_tcase(s, tc);
	return s;
}
