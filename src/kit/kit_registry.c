/*
 * kit registry: skopeo's read-only view of a registry's repositories: the
 * tags of each, and for each tag the manifest as stored (its SHA-256 is
 * the digest), the image configuration as stored and skopeo's summary of
 * the platform's image (layer sizes).  The bundle source rebuilds from
 * these the inventory a live registry source makes (connectors/registry.c).
 */
#include "kit.h"

static int body(struct strbuf *out)
{
	return strbuf_addstr(
		out,
		"# SKOPEO may name another skopeo; SKOPEO_OPTS adds options (--tls-verify=false, --authfile FILE).\n"
		"# Log in first ('skopeo login HOST'): do not put passwords in SKOPEO_OPTS, since commands.tsv\n"
		"# records every command as it ran.  VK_OS and VK_ARCH pick the platform of multi-platform images.\n"
		"S=${SKOPEO:-skopeo}\n"
		"SO=${SKOPEO_OPTS:-}\n"
		"PO=\"--override-os ${VK_OS:-linux} --override-arch ${VK_ARCH:-amd64}\"\n"
		"if [ $# -lt 2 ]; then\n"
		"\techo 'usage: sh vetter-kit-registry.sh BUNDLE_DIR HOST[:PORT] REPOSITORY...' >&2\n"
		"\texit 2\n"
		"fi\n"
		"vk_host=$1\n"
		"shift\n"
		"case \"$vk_host\" in *[!A-Za-z0-9.:-]*|'') echo \"vetter kit: bad registry host: $vk_host\" >&2; exit 2 ;; esac\n"
		"vk_note \"  registry: $vk_host\"\n"
		"for vk_repo in \"$@\"; do\n"
		"\tcase \"$vk_repo\" in *[!a-z0-9._/-]*|''|/*|*/|*..*) echo \"vetter kit: skipped bad repository name: $vk_repo\" >&2; continue ;; esac\n"
		"\tvk_d=\"registry/$vk_repo\"\n"
		"\tvk_run \"$vk_d/tags.json\" skopeo $S list-tags $SO \"docker://$vk_host/$vk_repo\"\n"
		"\tvk_tags=$(sed -n '/\"Tags\"/,/]/p' \"$vk_d/tags.json\" | sed -n 's/^[[:space:]]*\"\\([A-Za-z0-9_][A-Za-z0-9_.-]*\\)\",\\{0,1\\}[[:space:]]*$/\\1/p')\n"
		"\tfor vk_tag in $vk_tags; do\n"
		"\t\tvk_run \"$vk_d/$vk_tag.manifest.json\" skopeo $S inspect --raw $SO \"docker://$vk_host/$vk_repo:$vk_tag\"\n"
		"\t\tvk_run \"$vk_d/$vk_tag.config.json\" skopeo $S inspect --config --raw $SO $PO \"docker://$vk_host/$vk_repo:$vk_tag\"\n"
		"\t\tvk_run \"$vk_d/$vk_tag.inspect.json\" skopeo $S inspect $SO $PO \"docker://$vk_host/$vk_repo:$vk_tag\"\n"
		"\tdone\n"
		"done\n");
}

const struct kit kit_registry = {
	"registry",
	"a container registry's repositories, tags and image metadata (skopeo, read-only)",
	"skopeo (1.4 or later), logged in to the registry with pull access",
	"sh vetter-kit-registry.sh BUNDLE_DIR HOST[:PORT] REPOSITORY...",
	"each repository's tags (skopeo list-tags)\n"
	"each tag's manifest and image configuration as the registry stores them (skopeo inspect --raw,\n"
	"  --config --raw) and skopeo's summary of the image (layer digests and sizes)",
	"no image layers (file contents): images are not pulled\n"
	"no credentials: log in with 'skopeo login' before running; the login is not recorded\n"
	"nothing is pushed, tagged or deleted",
	body,
};
