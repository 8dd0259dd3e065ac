/*
 * aws_norm_int: what the normaliser's parts share (aws_norm.c,
 * aws_norm_iam.c, aws_norm_net.c, aws_norm_svc.c).
 */
#ifndef VETTER_AWS_NORM_INT_H
#define VETTER_AWS_NORM_INT_H

#include <jansson.h>

#include "aws_data.h"
#include "core/inventory.h"

struct norm {
	struct inventory *inv;  /* NULL: collect into out */
	json_t *out;            /* {"assets": [], "edges": [], "gaps": []} when inv is NULL */
	const json_t *ds;
	const char *account;
	const char *partition;  /* "aws", "aws-cn", "aws-us-gov" */
	json_t *account_doc;    /* filled by every part, written last */
	json_t *ids;            /* asset key -> id (inventory) or key (json) */
	int64_t next_id;
};

/* The rules' data sets (docs/resources.md) and the calls they rest on. */
enum ds_scope { DS_GLOBAL, DS_REGIONAL };

/*
 * Write an asset: doc (stolen) gains kind, account_id, region (when not
 * NULL), "collected" and "unreadable" for the data sets named (NULL-terminated)
 * as seen from region, and for resource when one failed per-resource call
 * concerns it.  *id_out may be NULL.
 */
int norm_asset(struct norm *n, const char *asset_kind, const char *doc_kind, const char *key, const char *name,
	       const char *region, const char *const *datasets, const char *resource, json_t *doc, int64_t *id_out);
int norm_edge(struct norm *n, int64_t from, int64_t to, const char *kind);
/* The id of an asset written earlier by key, or 0. */
int64_t norm_id(const struct norm *n, const char *key);
/* Remember an asset under a short id too ("sg-123", "vpc-1"), for edges. */
void norm_alias(struct norm *n, const char *short_id, int64_t id);
int64_t norm_alias_id(const struct norm *n, const char *short_id);

/* Why data set ds is not usable in region (NULL: global or account-wide), or NULL when it is; caller frees. */
char *norm_dataset_missing(const struct norm *n, const char *ds, const char *region);

/* The enabled regions collected (borrowed names), count returned. */
size_t norm_regions(const struct norm *n, const char **names, size_t max);

/* A policy document as an object: CLI exports have objects, the wire URL-encoded JSON text. NULL when unreadable. */
json_t *norm_policy_doc(const json_t *v);
/* A timestamp as the CLI writes it (ISO 8601, "2023-03-09 10:41:45+00:00", or epoch seconds) -> new ISO string. */
json_t *norm_time(const json_t *v);
/* snake_case copies of selected members: pairs {"From", "to"}, NULL-terminated. */
void norm_copy(json_t *dst, const json_t *src, const char *const *pairs);
int norm_set(json_t *obj, const char *key, json_t *v);
/* "arn:PARTITION:service:region:account:rest" */
json_t *norm_arn(const struct norm *n, const char *service, const char *region, const char *rest);

/* The parts. */
int norm_iam(struct norm *n);
int norm_org(struct norm *n);       /* the organisation and its other accounts (aws_norm_org.c) */
int norm_net(struct norm *n);
int norm_storage(struct norm *n);   /* buckets, volumes, snapshots, EFS */
int norm_services(struct norm *n);  /* trails and monitoring, KMS, RDS, EKS, ECR, detection services, Config */

#endif
