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
 * An ECR registry host: ACCOUNT.dkr.ecr[-fips].REGION.amazonaws.com[.cn][:PORT]
 * (twelve digits, a region of [a-z0-9-]), and with allow_loopback also
 * ACCOUNT.dkr.ecr.REGION.localhost[:PORT] (a registry beside an emulator,
 * for sources with endpoint_url; *.localhost only ever reaches loopback).
 * Fills account and region; ERR_INVALID naming host for anything else.
 */
int aws_ecr_host_parse(const char *host, int allow_loopback, char account[13], char region[32]);

/*
 * Docker registry credentials for an ECR registry host
 * (ACCOUNT.dkr.ecr.REGION.amazonaws.com): user "AWS" and a token valid for
 * 12 hours (expires_out, seconds since the epoch, may be NULL).  src is the
 * source whose AWS keys (profile, role_arn, external_id, endpoint_url, the
 * credentials block: an "aws" source or a registry source of flavour ecr)
 * to use, or NULL for the AWS CLI's default chain.  The password is registered for scrubbing; it is
 * never stored, logged or kept as evidence.
 */
int aws_ecr_credentials(const struct engagement *eng, const struct source *src, const char *registry_host,
			struct strbuf *user, struct strbuf *password, int64_t *expires_out);
/*
 * The repositories of an ECR registry (ECR has no /v2/_catalog): every
 * repositoryName of ecr:DescribeRepositories, all pages, through fn (a
 * negative return stops and is returned).  src as above.  ERR_DENIED when
 * the answer is another account's registry (the credentials do not reach
 * the host's account).
 */
int aws_ecr_repositories(const struct engagement *eng, const struct source *src, const char *registry_host,
			 int (*fn)(void *ctx, const char *name), void *ctx);

#endif
