/*
 * aws_norm: an account's dataset (aws_data.h) as assets, edges and coverage
 * gaps; the asset documents are the resource documents the AWS rules judge
 * (docs/resources.md, section "aws").
 *
 * Every document carries "kind" (the rules' resource kind, "aws.s3.bucket"),
 * "account_id", "region" where it has one, "arn"/"id"/"name", and the
 * rules' data sets it was built from: "collected" (names) and "unreadable"
 * (name -> why).  A data set is collected for a resource when every call it
 * rests on answered, in the resource's region (for regional data) or in
 * every enabled region (for account-wide views of regional data); a call
 * that failed for one resource only (one bucket's policy) makes the data
 * set unreadable for that resource only.
 *
 * Coverage gaps: one per service and region that could not be read (access
 * denied, refused credentials, an error answer), naming the calls; a region
 * that is not enabled is listed on the account, never a gap.
 */
#ifndef VETTER_AWS_NORM_H
#define VETTER_AWS_NORM_H

#include <jansson.h>

#include "core/inventory.h"

/* origin: "live" or "export", for the account document's coverage note. */
int aws_normalise(struct inventory *inv, const json_t *ds, const char *origin);

/*
 * Without an inventory (tests, vetter check): the documents the assets would
 * hold, as a JSON array of {"asset_kind", "key", "name", "doc"}, plus edges
 * {"from", "to", "kind"} (asset keys) and gaps {"scope", "reason"}.
 */
int aws_normalise_json(const json_t *ds, const char *origin, json_t **out);

#endif
