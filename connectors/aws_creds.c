#include "aws_creds.h"

#include <stdlib.h>
#include <string.h>

#include "core/crypto.h"
#include "core/err.h"
#include "core/jsonx.h"
#include "core/log.h"
#include "core/util.h"

#define INI_MAX_BYTES (1u << 20)

static char *dup_or_null(const char *s)
{
	return s ? strdup(s) : NULL;
}

void aws_creds_release(struct aws_creds *c)
{
	if (c->secret_access_key)
		crypto_wipe(c->secret_access_key, strlen(c->secret_access_key));
	if (c->session_token)
		crypto_wipe(c->session_token, strlen(c->session_token));
	free(c->access_key_id);
	free(c->secret_access_key);
	free(c->session_token);
	free(c->origin);
	memset(c, 0, sizeof(*c));
}

int aws_creds_set(struct aws_creds *c, const char *akid, const char *secret, const char *token, const char *origin)
{
	aws_creds_release(c);
	if (!akid || !*akid || !secret || !*secret)
		return err_set(ERR_INVALID, "%s: an access key id and a secret access key are both needed", origin);
	c->access_key_id = strdup(akid);
	c->secret_access_key = strdup(secret);
	c->session_token = token && *token ? strdup(token) : NULL;
	c->origin = strdup(origin);
	if (!c->access_key_id || !c->secret_access_key || (token && *token && !c->session_token) || !c->origin) {
		aws_creds_release(c);
		return err_set(ERR_NOMEM, "out of memory");
	}
	log_secret_add(secret, strlen(secret));
	if (c->session_token)
		log_secret_add(c->session_token, strlen(c->session_token));
	return 0;
}

int aws_creds_copy(struct aws_creds *dst, const struct aws_creds *src)
{
	int rc = aws_creds_set(dst, src->access_key_id, src->secret_access_key, src->session_token, src->origin);

	if (rc == 0)
		dst->expiration = src->expiration;
	return rc;
}

static void role_release(struct aws_role *r)
{
	free(r->role_arn);
	free(r->external_id);
	free(r->session_name);
	free(r->origin);
	memset(r, 0, sizeof(*r));
}

void aws_cred_plan_release(struct aws_cred_plan *plan)
{
	size_t i;

	aws_creds_release(&plan->base);
	for (i = 0; i < plan->nroles; i++)
		role_release(&plan->roles[i]);
	free(plan->region);
	memset(plan, 0, sizeof(*plan));
}

int aws_cred_plan_add_role(struct aws_cred_plan *plan, const char *arn, const char *external_id,
			   const char *session_name, int duration, const char *origin)
{
	struct aws_role *r;

	if (plan->nroles >= AWS_MAX_ROLE_HOPS)
		return err_set(ERR_LIMIT, "more than %d roles to assume in a row", AWS_MAX_ROLE_HOPS);
	if (!util_has_prefix(arn, "arn:"))
		return err_set(ERR_INVALID, "%s: role_arn '%.200s' is not an ARN", origin, arn);
	r = &plan->roles[plan->nroles];
	r->role_arn = strdup(arn);
	r->external_id = dup_or_null(external_id);
	r->session_name = dup_or_null(session_name);
	r->origin = strdup(origin);
	r->duration = duration;
	if (!r->role_arn || !r->origin || (external_id && !r->external_id) || (session_name && !r->session_name)) {
		role_release(r);
		return err_set(ERR_NOMEM, "out of memory");
	}
	plan->nroles++;
	return 0;
}

static void trim(char **s, char **e)
{
	while (*s < *e && (**s == ' ' || **s == '\t'))
		(*s)++;
	while (*e > *s && ((*e)[-1] == ' ' || (*e)[-1] == '\t' || (*e)[-1] == '\r'))
		(*e)--;
}

int aws_ini_load(const char *path, int config_style, json_t **out)
{
	struct strbuf text = STRBUF_INIT;
	int rc;

	*out = NULL;
	if (!util_exists(path)) {
		*out = json_object();
		return *out ? 0 : err_set(ERR_NOMEM, "out of memory");
	}
	strbuf_init(&text, INI_MAX_BYTES);
	if ((rc = strbuf_read_file(&text, path)) < 0)
		err_prefix(rc, "%s", path);
	else
		rc = aws_ini_parse(text.buf, text.len, path, config_style, out);
	if (text.len)
		crypto_wipe(text.buf, text.len);
	strbuf_release(&text);
	return rc;
}

int aws_ini_parse(const char *buf, size_t len, const char *what, int config_style, json_t **out)
{
	struct strbuf text = STRBUF_INIT;
	json_t *doc = json_object(), *section = NULL;
	char *p, *line_end;
	int rc = 0, lineno = 0;
	const char *path = what;

	*out = NULL;
	if (!doc)
		return err_set(ERR_NOMEM, "out of memory");
	strbuf_init(&text, INI_MAX_BYTES);
	if (memchr(buf, 0, len)) {
		rc = err_set(ERR_PARSE, "%s: a NUL byte in a text file", path);
		goto cleanup;
	}
	if ((rc = strbuf_add(&text, buf, len)) < 0) {
		err_prefix(rc, "%s", path);
		goto cleanup;
	}
	for (p = text.buf; *p; p = line_end + (*line_end ? 1 : 0)) {
		char *s = p, *e, *eq;

		line_end = p + strcspn(p, "\n");
		lineno++;
		e = line_end;
		if (s < e && (*s == ' ' || *s == '\t'))
			continue; /* a nested value (s3 = ...): not credentials */
		trim(&s, &e);
		if (s == e || *s == '#' || *s == ';')
			continue;
		if (*s == '[') {
			char name[256];
			size_t n;

			if (e[-1] != ']' || e - s < 3) {
				rc = err_set(ERR_PARSE, "%s:%d: expected '[section]'", path, lineno);
				goto cleanup;
			}
			s++;
			e--;
			trim(&s, &e);
			if (config_style && e - s > 8 && !strncmp(s, "profile", 7) && (s[7] == ' ' || s[7] == '\t')) {
				s += 8;
				trim(&s, &e);
			}
			n = (size_t)(e - s);
			if (!n || n >= sizeof(name)) {
				rc = err_set(ERR_PARSE, "%s:%d: section name empty or too long", path, lineno);
				goto cleanup;
			}
			memcpy(name, s, n);
			name[n] = 0;
			section = json_object_get(doc, name);
			if (!section) {
				section = json_object();
				if (!section || json_object_set_new(doc, name, section) < 0) {
					rc = err_set(ERR_PARSE, "%s:%d: section name is not valid UTF-8", path, lineno);
					goto cleanup;
				}
			}
			continue;
		}
		eq = memchr(s, '=', (size_t)(e - s));
		if (!eq) {
			rc = err_set(ERR_PARSE, "%s:%d: expected 'key = value'", path, lineno);
			goto cleanup;
		}
		if (section) {
			char *ks = s, *ke = eq, *vs = eq + 1, *ve = e;
			char key[128];
			json_t *v;

			trim(&ks, &ke);
			trim(&vs, &ve);
			if (ke == ks || (size_t)(ke - ks) >= sizeof(key))
				continue;
			memcpy(key, ks, (size_t)(ke - ks));
			key[ke - ks] = 0;
			v = json_stringn(vs, (size_t)(ve - vs));
			if (!v || json_object_set_new(section, key, v) < 0) {
				rc = err_set(ERR_PARSE, "%s:%d: not valid UTF-8", path, lineno);
				goto cleanup;
			}
		}
	}
	*out = doc;
	doc = NULL;
cleanup:
	if (text.len)
		crypto_wipe(text.buf, text.len);
	strbuf_release(&text);
	json_decref(doc);
	return rc;
}

static int file_path(struct strbuf *out, const char *env, const char *rel)
{
	const char *v = getenv(env), *home;

	if (v && *v) {
		if (v[0] == '~' && v[1] == '/' && (home = getenv("HOME")))
			return strbuf_addf(out, "%s/%s", home, v + 2);
		return strbuf_addstr(out, v);
	}
	home = getenv("HOME");
	if (!home)
		return strbuf_addstr(out, "/nonexistent");
	return strbuf_addf(out, "%s/%s", home, rel);
}

/* Profiles of both files, the credentials file's values winning, as botocore merges them. */
static int load_profiles(json_t **out, struct strbuf *cred_path, struct strbuf *conf_path)
{
	json_t *conf = NULL, *cred = NULL, *v;
	const char *name;
	int rc;

	if ((rc = file_path(cred_path, "AWS_SHARED_CREDENTIALS_FILE", ".aws/credentials")) < 0 ||
	    (rc = file_path(conf_path, "AWS_CONFIG_FILE", ".aws/config")) < 0 ||
	    (rc = aws_ini_load(conf_path->buf, 1, &conf)) < 0 || (rc = aws_ini_load(cred_path->buf, 0, &cred)) < 0)
		goto cleanup;
	json_object_foreach(cred, name, v) {
		json_t *have = json_object_get(conf, name);

		if (have)
			json_object_update(have, v);
		else
			json_object_set(conf, name, v);
	}
	*out = conf;
	conf = NULL;
cleanup:
	json_decref(conf);
	json_decref(cred);
	return rc;
}

static int refuse_unsupported(const json_t *p, const char *name)
{
	static const char *const keys[] = { "mfa_serial", "credential_process", "sso_start_url", "sso_session",
					    "web_identity_token_file" };
	size_t i;

	for (i = 0; i < ARRAY_SIZE(keys); i++)
		if (json_object_get(p, keys[i]))
			return err_set(ERR_UNSUPPORTED,
				       "profile '%s' uses %s, which needs a program or a person at the keyboard; give vetter "
				       "keys or a role to assume (role_arn with source_profile) instead",
				       name, keys[i]);
	return 0;
}

static int env_creds(struct aws_creds *c)
{
	const char *akid = getenv("AWS_ACCESS_KEY_ID"), *secret = getenv("AWS_SECRET_ACCESS_KEY");

	if (!akid || !*akid || !secret || !*secret)
		return ERR_NOTFOUND;
	return aws_creds_set(c, akid, secret, getenv("AWS_SESSION_TOKEN"), "environment");
}

/*
 * Resolve profile name into plan: static keys, or a role on top of its
 * source.  Roles are pushed after their source's, so the plan runs in order.
 */
static int resolve_profile(struct aws_cred_plan *plan, const json_t *profiles, const char *name,
			   const struct strbuf *cred_path, int depth, const char **visited)
{
	const json_t *p = json_object_get(profiles, name);
	const char *role = jsonx_str(p, "role_arn"), *src = jsonx_str(p, "source_profile");
	const char *csrc = jsonx_str(p, "credential_source");
	struct strbuf origin = STRBUF_INIT;
	int i, rc;

	if (!p)
		return err_set(ERR_NOTFOUND, "no profile '%s' in %s or the AWS config file", name, cred_path->buf);
	for (i = 0; i < depth; i++)
		if (!strcmp(visited[i], name))
			return err_set(ERR_INVALID, "profile '%s': source_profile loops back to itself", name);
	if (depth >= AWS_MAX_ROLE_HOPS)
		return err_set(ERR_LIMIT, "profile '%s': more than %d source profiles in a row", name, AWS_MAX_ROLE_HOPS);
	visited[depth] = name;
	if ((rc = refuse_unsupported(p, name)) < 0)
		return rc;
	if (!plan->region && jsonx_str(p, "region") && !(plan->region = strdup(jsonx_str(p, "region"))))
		return err_set(ERR_NOMEM, "out of memory");
	if (!role) {
		if (!jsonx_str(p, "aws_access_key_id"))
			return err_set(ERR_NOTFOUND, "profile '%s' has neither keys nor a role_arn", name);
		strbuf_addf(&origin, "profile '%s'", name);
		rc = aws_creds_set(&plan->base, jsonx_str(p, "aws_access_key_id"), jsonx_str(p, "aws_secret_access_key"),
				   jsonx_str(p, "aws_session_token"), origin.buf);
		goto cleanup;
	}
	if (src && csrc) {
		rc = err_set(ERR_INVALID, "profile '%s' names both source_profile and credential_source", name);
		goto cleanup;
	}
	if (src && !strcmp(src, name)) {
		/* A profile may hold its own source keys beside its role_arn. */
		strbuf_addf(&origin, "profile '%s'", name);
		rc = aws_creds_set(&plan->base, jsonx_str(p, "aws_access_key_id"), jsonx_str(p, "aws_secret_access_key"),
				   jsonx_str(p, "aws_session_token"), origin.buf);
	} else if (src) {
		rc = resolve_profile(plan, profiles, src, cred_path, depth + 1, visited);
	} else if (csrc && !strcmp(csrc, "Environment")) {
		rc = env_creds(&plan->base);
		if (rc == ERR_NOTFOUND)
			rc = err_set(ERR_NOTFOUND, "profile '%s': credential_source = Environment, but AWS_ACCESS_KEY_ID and "
						   "AWS_SECRET_ACCESS_KEY are not set", name);
	} else if (csrc) {
		rc = err_set(ERR_UNSUPPORTED, "profile '%s': credential_source = %s would ask an instance metadata "
					      "endpoint, which vetter never contacts", name, csrc);
	} else {
		rc = err_set(ERR_INVALID, "profile '%s' has role_arn but neither source_profile nor credential_source", name);
	}
	if (rc < 0)
		goto cleanup;
	strbuf_reset(&origin);
	strbuf_addf(&origin, "profile '%s'", name);
	rc = aws_cred_plan_add_role(plan, role, jsonx_str(p, "external_id"), jsonx_str(p, "role_session_name"),
				    (int)strtol(jsonx_strz(p, "duration_seconds"), NULL, 10), origin.buf);
cleanup:
	strbuf_release(&origin);
	return rc;
}

int aws_cred_plan_resolve(struct aws_cred_plan *plan, const char *profile)
{
	struct strbuf cred_path = STRBUF_INIT, conf_path = STRBUF_INIT;
	json_t *profiles = NULL;
	const char *visited[AWS_MAX_ROLE_HOPS + 1];
	const char *name = profile;
	const char *region = getenv("AWS_REGION");
	int rc;

	if (!region || !*region)
		region = getenv("AWS_DEFAULT_REGION");
	if (region && *region && !(plan->region = strdup(region)))
		return err_set(ERR_NOMEM, "out of memory");
	if (!profile) {
		/* The environment's keys win unless a profile was named explicitly. */
		rc = env_creds(&plan->base);
		if (rc != ERR_NOTFOUND)
			return rc;
		name = getenv("AWS_PROFILE");
		if (!name || !*name)
			name = "default";
	}
	if ((rc = load_profiles(&profiles, &cred_path, &conf_path)) < 0)
		goto cleanup;
	if (!profile && !json_object_get(profiles, name)) {
		rc = err_set(ERR_NOTFOUND, "no AWS credentials: none in the environment, the engagement file, or profile "
					   "'%s' of %s and %s", name, cred_path.buf, conf_path.buf);
		goto cleanup;
	}
	rc = resolve_profile(plan, profiles, name, &cred_path, 0, visited);
cleanup:
	json_decref(profiles);
	strbuf_release(&cred_path);
	strbuf_release(&conf_path);
	return rc;
}
