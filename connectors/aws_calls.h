/*
 * aws_calls: the call table of the AWS connector, which is also its
 * allowlist.
 *
 * Every request vetter sends to AWS is one row of this table: the client
 * (aws_client.h) refuses any service and action not listed, before signing.
 * A row says how the call travels (protocol, method, path), how it pages,
 * whether it is asked once per account or once per region, what it feeds
 * (the data key the AWS rules name in `requires`), and the AWS CLI command
 * that prints the same document (the file name of an offline export).
 *
 * The table holds reads of configuration only.  The data-plane reads that a
 * read-only role still permits are never in it: s3:GetObject,
 * secretsmanager:GetSecretValue, ssm:GetParameter*, lambda:GetFunction,
 * ec2:GetPasswordData, kms:Decrypt, dynamodb:GetItem/Scan/Query, ... and
 * tests/unit/test_aws_calls.c keeps it so.  Three rows are not plain reads,
 * and say so in their flags: sts:AssumeRole (a token exchange),
 * ecr:GetAuthorizationToken (a registry credential, for the registry
 * connector) and iam:GenerateCredentialReport (asks IAM to build the
 * credential report; it changes no configuration).
 */
#ifndef VETTER_AWS_CALLS_H
#define VETTER_AWS_CALLS_H

#include <stddef.h>

#include <jansson.h>

enum aws_protocol {
	AWS_QUERY,      /* form-encoded POST, XML answer, result wrapped in <ActionResult> */
	AWS_EC2,        /* the same, EC2's dialect (lists as <item>, errors as <Response><Errors>) */
	AWS_JSON,       /* POST of JSON with X-Amz-Target */
	AWS_REST_JSON,  /* method and path per call, JSON answer */
	AWS_REST_XML,   /* method and path per call, XML answer (S3) */
};

enum aws_scope {
	AWS_REGIONAL,   /* once per enabled region */
	AWS_GLOBAL,     /* once per account, in the service's home region */
};

/* flags */
#define AWS_CALL_CREDENTIAL 0x01  /* the answer holds a credential: never kept as evidence, never logged */
#define AWS_CALL_TOKEN_EXCHANGE 0x02 /* sts:AssumeRole */
#define AWS_CALL_GENERATES 0x04   /* asks the service to prepare something; changes no configuration */
#define AWS_CALL_PER_RESOURCE 0x08 /* asked once per resource another call found */

struct aws_service {
	const char *name;         /* botocore's and vetter's name: "ec2", "cloudwatch" */
	const char *cli;          /* the AWS CLI's: "s3api", "configservice" */
	const char *endpoint;     /* endpoint prefix: "monitoring", "api.ecr", "elasticfilesystem" */
	const char *signing;      /* SigV4 service name */
	const char *version;      /* API version (query protocols) */
	const char *target;       /* X-Amz-Target prefix (json protocol) */
	const char *json_version; /* "1.0" or "1.1" (json protocol) */
	const char *home_region;  /* global services: where they answer; NULL when regional */
	const char *global_host;  /* global services with a partition-wide host ("iam.amazonaws.com") */
};

struct aws_call {
	const char *service;
	const char *action;
	enum aws_protocol protocol;
	const char *method;       /* GET or POST */
	const char *path;         /* REST: "/clusters/{name}"; others "/" */
	const char *params;       /* query: "K=V&K={Arg}"; json/rest POST: a JSON object with "{Arg}" strings;
				     REST GET: the query string */
	enum aws_scope scope;
	const char *page_in;      /* request member or query parameter carrying the page token */
	const char *page_out;     /* response member holding the next token */
	const char *more;         /* response member saying more pages follow (IsTruncated), or NULL */
	const char *feeds;        /* data key, e.g. "aws.ec2.instances" */
	const char *cli;          /* the AWS CLI command: "describe-instances" */
	const char *absent;       /* error codes meaning "not configured" (comma-separated), not a gap */
	unsigned flags;
};

const struct aws_service *aws_service_find(const char *name);
/* The row for service:action, or NULL: what is not here is never sent. */
const struct aws_call *aws_call_find(const char *service, const char *action);
/* Iterate the table: NULL after the last row. */
const struct aws_call *aws_call_at(size_t i);
const struct aws_service *aws_service_at(size_t i);
/* 1 when code is one of call's "not configured" codes. */
int aws_call_absent(const struct aws_call *call, const char *code);
const char *aws_protocol_name(enum aws_protocol p);
/* The whole table as JSON {"services": [...], "calls": [...]} (tests, the recording proxy). */
json_t *aws_calls_dump(void);

#endif
