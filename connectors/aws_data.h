/*
 * aws_data: what was collected from one AWS account, live or from an export,
 * before it becomes assets.
 *
 * Both collectors fill the same document, keyed by call ("ec2:DescribeInstances")
 * and holding the CLI's JSON of each answer, so the normaliser (aws_norm.h)
 * sees one shape whatever the source:
 *
 *   { "account": "123456789012", "identity": {UserId, Account, Arn},
 *     "regions": {"enabled": [...], "not_enabled": [...]},
 *     "global":   { "iam:GetAccountSummary": {...},
 *                   "s3:GetBucketPolicy": {"bucket-a": {...}, "bucket-b": null} },
 *     "regional": { "eu-west-1": { "ec2:DescribeInstances": {...} } },
 *     "credential_report": "user,arn,...\n...",
 *     "errors": [ {service, action, region, resource, code, message, kind} ] }
 *
 * A call's value is its answer, or null when AWS said the thing is not
 * configured (no password policy).  A call that failed has no value and an
 * entry in "errors"; kind is "denied", "auth" or "error".  Per-resource
 * calls hold an object keyed by the resource (bucket name, key id, ...).
 */
#ifndef VETTER_AWS_DATA_H
#define VETTER_AWS_DATA_H

#include <jansson.h>

/* A new empty dataset. */
json_t *aws_data_new(void);

/* The answer of key ("service:Action") in region (NULL: global); NULL when not collected. */
json_t *aws_data_get(const json_t *ds, const char *region, const char *key);
/* The answer of a per-resource call; NULL when not collected.  JSON null when absent. */
json_t *aws_data_res(const json_t *ds, const char *region, const char *key, const char *resource);
/* 1 when key (for resource, when given) was collected in region, even as "not configured". */
int aws_data_has(const json_t *ds, const char *region, const char *key, const char *resource);

/* Store an answer (stolen; NULL stores "not configured"). resource NULL for whole-call answers. */
int aws_data_put(json_t *ds, const char *region, const char *key, const char *resource, json_t *value);
/* Record a failed call. */
int aws_data_error(json_t *ds, const char *service, const char *action, const char *region, const char *resource,
		   const char *code, const char *message, const char *kind);

/* Region names of the dataset ("regional" keys), sorted; borrowed strings. */
size_t aws_data_regions(const json_t *ds, const char **names, size_t max);

#endif
