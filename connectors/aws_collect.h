/*
 * aws_collect: the two ways an account's data reaches the dataset
 * (aws_data.h): live through the call table, or from an export folder.
 */
#ifndef VETTER_AWS_COLLECT_H
#define VETTER_AWS_COLLECT_H

#include <stddef.h>

#include <jansson.h>

#include "aws_client.h"

struct aws_live_opts {
	const char *const *regions; /* only these (NULL-terminated); NULL for every enabled region */
	const char *default_region; /* where global calls that need a region go */
};

/*
 * Read one account through c.  The caller identity comes first: when even
 * that fails the account is not collected (<0, message set).  After it,
 * every failure is an entry of ds "errors" and the rest goes on; refused
 * credentials or an expired session stop the calls still to come (each
 * skipped service is recorded as such).
 */
int aws_collect_live(struct aws_client *c, const struct aws_live_opts *o, json_t *ds);

/*
 * Read an export folder of one account: files named after the AWS CLI
 * command that printed them (docs/engagement.md, source type aws-export).
 * Unknown files are listed in *skipped (a JSON array, the caller's).
 */
int aws_collect_export(const char *dir, json_t *ds, json_t **skipped);

/* Add the items of an AWS Config snapshot ("configurationItems") to ds as the answers they stand for. */
int aws_config_snapshot(json_t *ds, const json_t *items, const char *path);

/* The account folders of an export folder (names of 12 digits), sorted; empty when dir is one account. */
int aws_export_list_accounts(const char *dir, json_t **names);

#endif
