/*
 * aws_creds: AWS credentials found the way the AWS CLI finds them.
 *
 * Without an explicit profile: the environment (AWS_ACCESS_KEY_ID,
 * AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN) first, then the profile named by
 * AWS_PROFILE (or "default") in the shared credentials file
 * (AWS_SHARED_CREDENTIALS_FILE or ~/.aws/credentials) and the config file
 * (AWS_CONFIG_FILE or ~/.aws/config, sections "[profile NAME]").  An
 * explicit profile skips the environment's keys, as `aws --profile` does.
 * A profile with role_arn is reached through STS AssumeRole from its
 * source_profile (or credential_source = Environment), with its external_id,
 * role_session_name and duration_seconds; chains of such profiles are
 * followed (at most AWS_MAX_ROLE_HOPS), loops refused.
 *
 * What needs a program or a person is refused with a message saying so:
 * mfa_serial, credential_process, sso_*, web_identity_token_file, and
 * credential_source values that would ask an instance metadata endpoint
 * (vetter never talks to one).
 *
 * Secret values are registered for scrubbing the moment they are read and
 * are never written anywhere; "origin" says where they came from, for
 * messages and the report.
 */
#ifndef VETTER_AWS_CREDS_H
#define VETTER_AWS_CREDS_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#define AWS_MAX_ROLE_HOPS 8

struct aws_creds {
	char *access_key_id;
	char *secret_access_key;
	char *session_token;  /* NULL for long-term keys */
	int64_t expiration;   /* seconds since the epoch; 0 when none is known */
	char *origin;         /* "environment", "profile 'x' (~/.aws/credentials)", "role arn:..." */
};

struct aws_role {
	char *role_arn;
	char *external_id;    /* may be NULL */
	char *session_name;   /* may be NULL: "vetter" */
	int duration;         /* seconds; 0 = the role's default */
	char *origin;         /* the profile that asked for it, or "engagement" */
};

/* Base credentials and the roles to assume from them, in order. */
struct aws_cred_plan {
	struct aws_creds base;
	struct aws_role roles[AWS_MAX_ROLE_HOPS];
	size_t nroles;
	char *region;         /* the profile's or the environment's region, or NULL */
};

/*
 * Work out the plan.  profile is the engagement's explicit profile or NULL.
 * ERR_NOTFOUND (message set) when no credentials are found anywhere,
 * ERR_UNSUPPORTED for what vetter will not do, ERR_PARSE for a bad file.
 */
int aws_cred_plan_resolve(struct aws_cred_plan *plan, const char *profile);
void aws_cred_plan_release(struct aws_cred_plan *plan);

/* Set the credentials (copies; secrets registered for scrubbing). */
int aws_creds_set(struct aws_creds *c, const char *akid, const char *secret, const char *token, const char *origin);
void aws_creds_release(struct aws_creds *c);
int aws_creds_copy(struct aws_creds *dst, const struct aws_creds *src);
/* Add a role hop at the end of the plan (copies). */
int aws_cred_plan_add_role(struct aws_cred_plan *plan, const char *arn, const char *external_id,
			   const char *session_name, int duration, const char *origin);

/*
 * Read an AWS shared config or credentials file into {section: {key: value}}.
 * config_style: sections "[profile x]" are named "x" ("[default]" stays).
 * A missing file is an empty object.  Bounded to 1 MB.
 */
int aws_ini_load(const char *path, int config_style, json_t **out);
/* The same from memory (name for messages). */
int aws_ini_parse(const char *buf, size_t len, const char *name, int config_style, json_t **out);

#endif
