/*
 * aws: the source types "aws" (live, read-only, through the call table) and
 * "aws-export" (offline: what the AWS CLI printed, the credential report,
 * AWS Config snapshots; a folder per account).  Both produce the same assets
 * (aws_norm.h).
 *
 * The registry connector asks here for ECR credentials: the same source
 * keys and credential chain as a live "aws" source, one
 * ecr:GetAuthorizationToken call, and for ECR's repositories (it has no
 * catalog), ecr:DescribeRepositories.
 */
#ifndef VETTER_AWS_H
#define VETTER_AWS_H

#include <stdint.h>

#include "core/engagement.h"
#include "core/strbuf.h"

/*
 * Docker registry credentials for an ECR registry host
 * (ACCOUNT.dkr.ecr.REGION.amazonaws.com): user "AWS" and a token valid for
 * 12 hours (expires_out, seconds since the epoch, may be NULL).  src is an
 * "aws" source of the engagement whose credentials to use, or NULL for the
 * AWS CLI's default chain.  The password is registered for scrubbing; it is
 * never stored, logged or kept as evidence.
 */
int aws_ecr_credentials(const struct engagement *eng, const struct source *src, const char *registry_host,
			struct strbuf *user, struct strbuf *password, int64_t *expires_out);
/*
 * The repositories of an ECR registry (ECR has no /v2/_catalog): every
 * repositoryName of ecr:DescribeRepositories, all pages, through fn (a
 * negative return stops and is returned).  src as above.
 */
int aws_ecr_repositories(const struct engagement *eng, const struct source *src, const char *registry_host,
			 int (*fn)(void *ctx, const char *name), void *ctx);

#endif
