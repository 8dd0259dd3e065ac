/*
 * The secrets scanner's benchmark driver (built and run by bench/secrets.sh).
 *
 *   secrets_bench LAYER.tar.gz
 *
 * Measures, on one gzip-compressed tar (a stand-in for an image layer):
 *   - zlib inflate alone, in MB/s of output;
 *   - the scanner alone over every regular file, held in memory and fed in
 *     64 KB chunks as libarchive hands them out, in MB/s;
 *   - the layer walk as the scan stage does it (libarchive: gunzip + tar,
 *     every regular file's blocks fed to the scanner) against the time
 *     `bsdtar -tzf` needs to read the same file.
 * Times are CPU time (user + system, of this process or of bsdtar), the
 * best of several runs: on a shared machine wall-clock time measures the
 * neighbours as much as the code.
 */
#include <archive.h>
#include <archive_entry.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <fcntl.h>
#include <unistd.h>
#include <zlib.h>

#include "core/err.h"
#include "core/strbuf.h"
#include "scan/secrets.h"

#define RUNS 5
#define CHUNK (64 * 1024)

extern char **environ;

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void die(const char *what)
{
	fprintf(stderr, "secrets_bench: %s\n", what);
	exit(1);
}

/* Inflate the gzip file in memory; returns the seconds taken and the output in *out. */
static double inflate_all(const struct strbuf *gz, struct strbuf *out)
{
	z_stream z;
	double t0 = now();
	int rc;

	memset(&z, 0, sizeof(z));
	if (inflateInit2(&z, 16 + MAX_WBITS) != Z_OK)
		die("inflateInit2");
	z.next_in = (unsigned char *)gz->buf;
	z.avail_in = (unsigned)gz->len;
	strbuf_reset(out);
	do {
		if (strbuf_grow(out, CHUNK) < 0)
			die("out of memory");
		z.next_out = (unsigned char *)out->buf + out->len;
		z.avail_out = CHUNK;
		rc = inflate(&z, Z_NO_FLUSH);
		if (rc != Z_OK && rc != Z_STREAM_END)
			die("inflate failed");
		out->len += CHUNK - z.avail_out;
	} while (rc != Z_STREAM_END);
	out->buf[out->len] = 0;
	inflateEnd(&z);
	return now() - t0;
}

struct file {
	size_t off, len;
};

/* Regular files of the tar held in tar (uncompressed), contents copied to data. */
static size_t collect(const struct strbuf *tar, struct strbuf *data, struct file **files)
{
	struct archive *a = archive_read_new();
	struct archive_entry *e;
	size_t n = 0, cap = 0;
	char buf[CHUNK];
	la_ssize_t got;

	archive_read_support_format_tar(a);
	if (archive_read_open_memory(a, tar->buf, tar->len) != ARCHIVE_OK)
		die("not a tar");
	while (archive_read_next_header(a, &e) == ARCHIVE_OK) {
		if (archive_entry_filetype(e) != AE_IFREG)
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 1024;
			*files = realloc(*files, cap * sizeof(**files));
			if (!*files)
				die("out of memory");
		}
		(*files)[n].off = data->len;
		while ((got = archive_read_data(a, buf, sizeof(buf))) > 0)
			if (strbuf_add(data, buf, (size_t)got) < 0)
				die("out of memory");
		(*files)[n].len = data->len - (*files)[n].off;
		n++;
	}
	archive_read_free(a);
	return n;
}

static double scan_files(const struct strbuf *data, const struct file *files, size_t n, struct secret_list *out)
{
	double t0 = now();
	size_t i, k;

	for (i = 0; i < n; i++) {
		struct secrets_scan *s = NULL;

		if (secrets_begin(&s, "f") < 0)
			die(err_last());
		for (k = 0; k < files[i].len; k += CHUNK) {
			size_t len = files[i].len - k < CHUNK ? files[i].len - k : CHUNK;

			if (secrets_feed(s, data->buf + files[i].off + k, len) < 0)
				die(err_last());
		}
		if (secrets_end(s, out) < 0)
			die(err_last());
		secrets_free(s);
	}
	return now() - t0;
}

/*
 * The layer walk of the scan stage: every regular file's blocks to the
 * scanner (mode 2), read but not looked at (mode 1), or skipped (mode 0).
 */
static double walk(const char *path, int mode, size_t *nfound)
{
	struct archive *a = archive_read_new();
	struct archive_entry *e;
	struct secret_list found = { 0 };
	double t0 = now();
	const void *block;
	size_t size;
	la_int64_t offset;
	int rc;

	archive_read_support_filter_gzip(a);
	archive_read_support_format_tar(a);
	if (archive_read_open_filename(a, path, 1 << 16) != ARCHIVE_OK)
		die(archive_error_string(a));
	while ((rc = archive_read_next_header(a, &e)) == ARCHIVE_OK) {
		struct secrets_scan *s = NULL;

		if (archive_entry_filetype(e) != AE_IFREG || mode == 0)
			continue;
		if (mode == 2 && secrets_begin(&s, archive_entry_pathname(e)) < 0)
			die(err_last());
		while ((rc = archive_read_data_block(a, &block, &size, &offset)) == ARCHIVE_OK)
			if (mode == 2 && secrets_feed(s, block, size) < 0)
				die(err_last());
		if (rc != ARCHIVE_EOF || (mode == 2 && secrets_end(s, &found) < 0))
			die("walk failed");
		secrets_free(s);
	}
	if (rc != ARCHIVE_EOF)
		die(archive_error_string(a));
	archive_read_free(a);
	*nfound = found.n;
	secret_list_release(&found);
	return now() - t0;
}

static double bsdtar_list(const char *path)
{
	char *argv[] = { "bsdtar", "-tzf", (char *)path, NULL };
	posix_spawn_file_actions_t fa;
	struct rusage ru;
	pid_t pid;
	int status;

	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
	if (posix_spawnp(&pid, "bsdtar", &fa, NULL, argv, environ) != 0)
		die("cannot run bsdtar");
	posix_spawn_file_actions_destroy(&fa);
	if (wait4(pid, &status, 0, &ru) < 0 || !WIFEXITED(status) || WEXITSTATUS(status))
		die("bsdtar failed");
	return (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 + (double)ru.ru_stime.tv_sec +
	       (double)ru.ru_stime.tv_usec / 1e6;
}

static double best(double a, double b)
{
	return a < b ? a : b;
}

int main(int argc, char **argv)
{
	struct strbuf gz, tar, data;
	struct file *files = NULL;
	struct secret_list found = { 0 };
	double t_inflate = 1e9, t_scan = 1e9, t_bsdtar = 1e9, t_walk = 1e9, t_walk_read = 1e9, t_walk_scan = 1e9;
	size_t n, i, nwalk = 0;
	int r;

	if (argc != 2)
		die("usage: secrets_bench LAYER.tar.gz");
	strbuf_init(&gz, (size_t)4 << 30);
	strbuf_init(&tar, (size_t)4 << 30);
	strbuf_init(&data, (size_t)4 << 30);
	if (strbuf_read_file(&gz, argv[1]) < 0)
		die(err_last());
	for (r = 0; r < RUNS; r++)
		t_inflate = best(t_inflate, inflate_all(&gz, &tar));
	n = collect(&tar, &data, &files);
	for (r = 0; r < RUNS; r++) {
		secret_list_release(&found);
		t_scan = best(t_scan, scan_files(&data, files, n, &found));
	}
	for (r = 0; r < RUNS; r++) {
		t_bsdtar = best(t_bsdtar, bsdtar_list(argv[1]));
		t_walk = best(t_walk, walk(argv[1], 0, &nwalk));
		t_walk_read = best(t_walk_read, walk(argv[1], 1, &nwalk));
		t_walk_scan = best(t_walk_scan, walk(argv[1], 2, &nwalk));
	}
	printf("data: %zu regular files, %.1f MB in them, %.1f MB tar, %.1f MB gzip\n", n, data.len / 1e6,
	       tar.len / 1e6, gz.len / 1e6);
	printf("zlib inflate:          %7.0f MB/s of output\n", tar.len / 1e6 / t_inflate);
	printf("secrets scan alone:    %7.0f MB/s (%.1fx zlib inflate)\n", data.len / 1e6 / t_scan,
	       (data.len / t_scan) / (tar.len / t_inflate));
	printf("bsdtar -tzf:           %7.3f s\n", t_bsdtar);
	printf("walk, data skipped:    %7.3f s (%.3fx bsdtar)\n", t_walk, t_walk / t_bsdtar);
	printf("walk, data read:       %7.3f s (%.3fx bsdtar)\n", t_walk_read, t_walk_read / t_bsdtar);
	printf("walk + secrets scan:   %7.3f s (%.3fx bsdtar; target <= 1.15x)\n", t_walk_scan,
	       t_walk_scan / t_bsdtar);
	printf("findings: %zu (walk %zu), placeholders skipped: %zu\n", found.n, nwalk, found.skipped);
	for (i = 0; i < found.n && i < 20; i++)
		printf("  %s %s %s\n", found.v[i].rule, found.v[i].redacted, found.v[i].fingerprint);
	secret_list_release(&found);
	strbuf_release(&gz);
	strbuf_release(&tar);
	strbuf_release(&data);
	free(files);
	return t_walk_scan / t_bsdtar <= 1.15 ? 0 : 1;
}
