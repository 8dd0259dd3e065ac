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

#include "th.h"

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

/*
 * Canaries: secret (the secret key), the session tokens (given, and issued
 * by STS as the proxy recorded in dir/proxy.log.issued) and the external ids
 * are in none of vetter's output (res) and no file of dir/deal.vetter (store,
 * evidence, run log) or dir/out (the report).
 */
void th_aws_canaries(const char *dir, const char *secret, const struct th_result *res);

/* Evidence rows of the store whose URI starts with prefix; one of them must end with name. */
int th_aws_evidence(const char *store_path, const char *prefix, const char *name);

/* Regular files under dir, recursively. */
int th_aws_count_files(const char *dir);

#endif
