/*
 * cloud_norm: Azure and Google Cloud answers turned into the resource
 * documents of docs/resources.md.
 *
 * One normaliser per cloud serves both the offline exports and the live
 * connectors, so an export and a live read of the same estate give the
 * same assets.  A set collects raw records first (ARM resources, Resource
 * Graph rows, Microsoft Graph objects; Cloud Asset Inventory assets in the
 * snake_case form of the CAI API and policy-library fixtures or the
 * camelCase form `gcloud asset export` writes, one JSON document per line
 * or a list), then builds the documents, joining what the clouds keep apart:
 * a SQL server's firewall rules and auditing settings, a key vault's keys,
 * a subscription's Defender plans, a bucket's IAM policy, a service
 * account's keys, the project metadata an instance inherits.
 *
 * A document says which data sets it was built from ("collected") and which
 * could not be read ("unreadable", with why): a bucket exported without its
 * IAM policy cannot pass or fail the public-access rule, it is an error.
 *
 * Records are outside data: every string is bounded, every count capped,
 * anything of the wrong type is skipped and counted, never trusted.
 */
#ifndef VETTER_CLOUD_NORM_H
#define VETTER_CLOUD_NORM_H

#include <stddef.h>

#include <jansson.h>

#define CLOUD_MAX_RECORDS 200000 /* records one set takes; more is ERR_LIMIT */

struct cloud_stats {
	size_t records;  /* records taken */
	size_t skipped;  /* records of types not modelled, or malformed */
	size_t lists;    /* list answers read ({"value": [...]}, {"data": [...]}, [...]), empty ones included */
};

/* ---- Azure ---- */

struct azure_set;

int azure_set_new(struct azure_set **out);
void azure_set_free(struct azure_set *s);
/*
 * Add JSON text: one ARM resource, a list, an ARM list answer ({"value":
 * [...]}), a Resource Graph answer ({"data": [...]} or its "rows" form as
 * objects), an azure-rest-api-specs example ({"responses": {"200": {"body":
 * ...}}}), or Microsoft Graph answers (users, userRegistrationDetails,
 * conditional access policies).  name names the text in messages.
 * ERR_PARSE when the text is not JSON or holds nothing Azure.
 */
int azure_set_add_text(struct azure_set *s, const char *buf, size_t len, const char *name);
/* Add one parsed record (or container of records, as above). */
int azure_set_add(struct azure_set *s, const json_t *v, const char *name);
/*
 * Say that a per-resource listing was read for the resource id (what is
 * "keys" of a vault, "auditing" and "firewall" of a SQL server, "pricings"
 * of a subscription), or could not be (reason non-NULL): an empty listing
 * is then an answer, and a refused one makes the data set unreadable.
 */
int azure_set_mark(struct azure_set *s, const char *id, const char *what, const char *reason);
/* The documents (caller's array), each with "kind" and "id". */
int azure_set_documents(struct azure_set *s, json_t **out);
void azure_set_stats(const struct azure_set *s, struct cloud_stats *st);

/* ---- Google Cloud ---- */

struct gcp_set;

int gcp_set_new(struct gcp_set **out);
void gcp_set_free(struct gcp_set *s);
/* Add a CAI export: a JSON list, one asset, or newline-delimited assets. */
int gcp_set_add_text(struct gcp_set *s, const char *buf, size_t len, const char *name);
/* Add one CAI asset (either spelling) or a list of them. */
int gcp_set_add(struct gcp_set *s, const json_t *v, const char *name);
/* As azure_set_mark, for an asset name ("//storage.googleapis.com/b" and "iam"). */
int gcp_set_mark(struct gcp_set *s, const char *name, const char *what, const char *reason);
int gcp_set_documents(struct gcp_set *s, json_t **out);
void gcp_set_stats(const struct gcp_set *s, struct cloud_stats *st);

/* ---- shared ---- */

/* The last '/'-separated segment of s (borrowed, inside s). */
const char *cloud_last_segment(const char *s);
/* A copy of the string member, or NULL; strings longer than 4096 bytes are cut. */
json_t *cloud_str(const json_t *obj, const char *key);
/* Parse JSON text that may be one document, a list, or newline-delimited documents, into an array. */
int cloud_parse_multi(const char *buf, size_t len, const char *name, json_t **out);

#endif
