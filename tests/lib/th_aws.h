/*
 * th_aws: the checks of the AWS end-to-end test (test_aws_moto.c) that judge
 * what came out of vetter rather than what it collected: the AWS rule pack
 * over the collected documents, the findings a whole run writes, and that no
 * credential reached anything vetter wrote; and the ECR hooks the registry
 * connector calls.
 */
#ifndef VETTER_TH_AWS_H
#define VETTER_TH_AWS_H

#include <jansson.h>

/*
 * The pack (rules/aws.json) over the documents of assets (key -> {company,
 * doc}) with 'vetter check', one file per company written into dir: every
 * rule fails on company "bad" and passes on "good", and none errs.
 */
void th_aws_check_pack(const char *dir, const json_t *assets, const char *pack);

/*
 * findings.json of a whole run over both accounts: every rule of the pack is
 * an open misconfiguration of "bad" and none of "good"; the only rules that
 * could not be evaluated are those over the services that failed in one
 * region of "bad" (KMS denied, RDS answering malformed XML), each a gap on
 * that region naming the rules and AWS's reason.
 */
void th_aws_check_findings(const char *findings_path, const char *pack, const char *bad_account);

/*
 * The registry connector's ECR hooks through the engagement's source
 * "bad.aws" (env: its credential variables, "NAME=value"): the repositories of
 * account's registry in us-east-1 and a Docker password for it.
 */
void th_aws_check_ecr(const char *eng_path, const char *const *env, const char *account);

/* No file under dir (recursively) holds any of secrets (NULL-terminated); names the file and secret. */
void th_aws_no_secret(const char *dir, const char *const *secrets);

#endif
