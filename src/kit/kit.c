/*
 * kit: the table of kits and the frame every kit's script shares (kit.h).
 */
#include "kit.h"

#include <string.h>

#include "core/err.h"

extern const struct kit kit_aws;
extern const struct kit kit_k8s;
extern const struct kit kit_registry;
extern const struct kit kit_azure;
extern const struct kit kit_gcp;

/* One line a kit; kit_azure.c, kit_gcp.c ... add theirs here. */
static const struct kit *const kits[] = {
	&kit_aws,
	&kit_k8s,
	&kit_registry,
	&kit_azure,
	&kit_gcp,
};

const struct kit *kit_at(size_t i)
{
	return i < sizeof(kits) / sizeof(kits[0]) ? kits[i] : NULL;
}

const struct kit *kit_find(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(kits) / sizeof(kits[0]); i++)
		if (!strcmp(kits[i]->name, name))
			return kits[i];
	return NULL;
}

/* Each line of text, prefixed. */
static int add_lines(struct strbuf *out, const char *prefix, const char *text)
{
	const char *p = text;
	int rc = 0;

	while (*p && rc == 0) {
		const char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p) : strlen(p);

		/* A continuation line (two spaces in) of a "  - " list item lines up under its text. */
		if (!strcmp(prefix, "  - ") && n >= 2 && p[0] == ' ' && p[1] == ' ')
			rc = strbuf_addf(out, "    %.*s\n", (int)n - 2, p + 2);
		else
			rc = strbuf_addf(out, "%s%.*s\n", prefix, (int)n, p);
		p += n + (nl ? 1 : 0);
	}
	return rc;
}

int kit_readme(struct strbuf *out, const struct kit *k)
{
	strbuf_addf(out,
		    "vetter evidence kit: %s\n"
		    "\n"
		    "This script was written by vetter, a due-diligence scanner, for the engineers of the\n"
		    "company being assessed.  It runs read-only commands of your own tools with your own\n"
		    "access and writes their output to a folder (the bundle) that you review and send back\n"
		    "through the data room.  Nothing is changed on your systems and nothing leaves your\n"
		    "machine except the folder you choose to send.  Every command the script runs is\n"
		    "written out in full below the line '# ---- commands'; read them before you run it.\n"
		    "\n"
		    "Needs: %s, and a POSIX shell with find, sed, sort and sha256sum (or shasum).\n"
		    "Run:   %s\n"
		    "\n"
		    "What is collected:\n",
		    k->summary, k->tools, k->usage);
	add_lines(out, "  - ", k->collected);
	strbuf_addstr(out, "\nWhat is not collected:\n");
	add_lines(out, "  - ", k->not_collected);
	return strbuf_addstr(out,
			     "\n"
			     "The bundle holds each command's output, commands.tsv (every command as it ran and its exit\n"
			     "status; a failed command's error message is kept beside its output as FILE.err), this\n"
			     "README.txt and SHA256SUMS, the SHA-256 digest of every file.  vetter checks the digests\n"
			     "when it reads the bundle: a file changed or added afterwards is reported, not read.  If\n"
			     "something must not leave your company, delete the file before sending and say so: the\n"
			     "gap is then recorded as yours to explain, not guessed at.  Zip the folder or send it\n"
			     "as it is.\n");
}

static const char frame_head[] =
	"set -u\n"
	"umask 077\n"
	"OUT=${1:-vetter-bundle-%s}\n"
	"[ $# -gt 0 ] && shift\n"
	"if [ -e \"$OUT\" ] && [ -n \"$(ls -A \"$OUT\" 2>/dev/null)\" ]; then\n"
	"\techo \"vetter kit: $OUT exists and is not empty; name a new folder\" >&2\n"
	"\texit 2\n"
	"fi\n"
	"mkdir -p \"$OUT\" && cd \"$OUT\" || exit 2\n"
	"printf '# vetter-bundle\\t%d\\tkit\\t%s\\n' > commands.tsv\n"
	"vk_failed=0\n"
	"vk_run() {\n"
	"\tvk_file=$1\n"
	"\tvk_tool=$2\n"
	"\tshift 2\n"
	"\tcase \"$vk_file\" in */*) mkdir -p \"${vk_file%%/*}\" ;; esac\n"
	"\tvk_cmd=\"$*\"\n"
	"\tif \"$@\" >\"$vk_file\" 2>\"$vk_file.err\"; then\n"
	"\t\tvk_rc=0\n"
	"\t\trm -f \"$vk_file.err\"\n"
	"\telse\n"
	"\t\tvk_rc=$?\n"
	"\tfi\n"
	"\tif [ -n \"${VK_FILTER:-}\" ]; then\n"
	"\t\tvk_cmd=\"$vk_cmd | $VK_FILTER\"\n"
	"\t\tif [ \"$vk_rc\" = 0 ]; then\n"
	"\t\t\tif eval \"$VK_FILTER\" <\"$vk_file\" >\"$vk_file.tmp\" 2>\"$vk_file.err\"; then\n"
	"\t\t\t\tmv \"$vk_file.tmp\" \"$vk_file\"\n"
	"\t\t\t\trm -f \"$vk_file.err\"\n"
	"\t\t\telse\n"
	"\t\t\t\tvk_rc=$?\n"
	"\t\t\t\trm -f \"$vk_file.tmp\"\n"
	"\t\t\t\t: >\"$vk_file\"\n"
	"\t\t\tfi\n"
	"\t\tfi\n"
	"\tfi\n"
	"\t[ \"$vk_rc\" = 0 ] || vk_failed=$((vk_failed + 1))\n"
	"\tprintf '%%s\\t%%s\\t%%s\\t%%s\\n' \"$vk_file\" \"$vk_rc\" \"$vk_tool\" \"$vk_cmd\" >>commands.tsv\n"
	"\treturn 0\n"
	"}\n"
	"vk_note() {\n"
	"\tprintf '%%s\\n' \"$*\" >>README.txt\n"
	"}\n";

static const char frame_tail[] =
	"\n# ---- the manifest: the SHA-256 of every file\n"
	"if command -v sha256sum >/dev/null 2>&1; then vk_sum=sha256sum; else vk_sum='shasum -a 256'; fi\n"
	"find . -type f ! -name SHA256SUMS | sed 's|^\\./||' | LC_ALL=C sort | while IFS= read -r vk_f; do\n"
	"\t$vk_sum \"$vk_f\"\n"
	"done >SHA256SUMS\n"
	"echo \"vetter kit: bundle written to $OUT ($vk_failed command(s) failed: see commands.tsv)\" >&2\n"
	"exit 0\n";

int kit_script(struct strbuf *out, const struct kit *k)
{
	struct strbuf readme = STRBUF_INIT;
	int rc;

	if ((rc = kit_readme(&readme, k)) < 0)
		goto cleanup;
	strbuf_addstr(out, "#!/bin/sh\n");
	add_lines(out, "# ", readme.buf);
	strbuf_addstr(out, "\n");
	strbuf_addf(out, frame_head, k->name, KIT_BUNDLE_VERSION, k->name);
	strbuf_addstr(out, "cat >README.txt <<'VK_README'\n");
	strbuf_addstr(out, readme.buf);
	strbuf_addstr(out, "\nThis run:\nVK_README\n");
	strbuf_addstr(out, "vk_note \"  made $(date -u +%Y-%m-%dT%H:%M:%SZ) by $(id -un 2>/dev/null || echo unknown)\"\n");
	strbuf_addstr(out, "\n# ---- commands\n");
	if ((rc = k->body(out)) < 0)
		goto cleanup;
	rc = strbuf_addstr(out, frame_tail);
cleanup:
	strbuf_release(&readme);
	return rc;
}
