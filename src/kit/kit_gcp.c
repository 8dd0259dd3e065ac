/*
 * kit gcp: Cloud Asset Inventory, read with `gcloud asset list` (resources
 * and IAM policies, camelCase as the API gives them), one project at a time,
 * so the bundle gives the same assets as a live read: the gcp-export
 * normaliser reads them back.  `gcloud asset export` is not used: it writes
 * to a bucket of the target's.
 */
#include "kit.h"

/* The asset types the gcp source reads (connectors/cloud_api.c). */
#define GCP_TYPES                                                                                              \
	"cloudresourcemanager.googleapis.com/Project,iam.googleapis.com/ServiceAccount,"                         \
	"iam.googleapis.com/ServiceAccountKey,storage.googleapis.com/Bucket,compute.googleapis.com/Project,"    \
	"compute.googleapis.com/Firewall,compute.googleapis.com/Network,compute.googleapis.com/Subnetwork,"     \
	"compute.googleapis.com/Instance,container.googleapis.com/Cluster,sqladmin.googleapis.com/Instance,"    \
	"cloudkms.googleapis.com/CryptoKey,artifactregistry.googleapis.com/Repository,logging.googleapis.com/LogSink"

static int body(struct strbuf *out)
{
	return strbuf_addstr(out,
			     "GCLOUD=${GCLOUD:-gcloud}\n"
			     "vk_note \"  gcloud account: $($GCLOUD config get-value account 2>/dev/null || echo unknown)\"\n"
			     "if [ $# -gt 0 ]; then vk_projects=\"$*\"; else\n"
			     "\tvk_projects=$($GCLOUD projects list --filter=lifecycleState:ACTIVE --format='value(projectId)')\n"
			     "fi\n"
			     "for P in $vk_projects; do\n"
			     "\tcase \"$P\" in *[!a-z0-9:.-]*|'') echo \"vetter kit: skipped bad project id: $P\" >&2; continue ;; esac\n"
			     "\tvk_run \"gcp/$P-resources.json\" gcloud $GCLOUD asset list --project \"$P\" --content-type=resource "
			     "--asset-types=" GCP_TYPES " --format=json\n"
			     "\tvk_run \"gcp/$P-iam.json\" gcloud $GCLOUD asset list --project \"$P\" --content-type=iam-policy --format=json\n"
			     "done\n");
}

const struct kit kit_gcp = {
	"gcp",
	"a Google Cloud estate's configuration and IAM policies (gcloud asset list)",
	"the Google Cloud CLI (gcloud 400 or later), logged in with roles/cloudasset.viewer and roles/browser on "
	"the projects, and the Cloud Asset API enabled",
	"sh vetter-kit-gcp.sh [BUNDLE_DIR] [PROJECT_ID...]   (default: every ACTIVE project listed)",
	"per project, from Cloud Asset Inventory: the project, service accounts and their keys' metadata,\n"
	"  buckets, the project's compute metadata, firewall rules, networks, subnetworks, instances, GKE\n"
	"  clusters, Cloud SQL instances, KMS keys, Artifact Registry repositories, logging sinks\n"
	"every IAM policy set in the project (the project's and its resources')",
	"no key material: service-account keys are listed by their metadata, KMS keys by their settings\n"
	"no objects from buckets, no data from databases or logs\n"
	"nothing is created, changed or deleted (asset list reads; asset export, which writes to a bucket, is not used)",
	body,
};
