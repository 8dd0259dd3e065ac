#define _GNU_SOURCE /* memmem */
#include "th_aws.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "connectors/connector.h"
#include "core/engagement.h"
#include "core/err.h"
#include "core/jsonx.h"
#include "core/log.h"
#include "core/store.h"
#include "core/strbuf.h"
#include "core/util.h"
#include "scan/registry_source.h"
#include "th.h"

static void write_json(const char *path, const json_t *v)
{
	struct strbuf sb = STRBUF_INIT;

	ck_assert_int_eq(jsonx_dump_pretty(&sb, v), 0);
	th_write(path, sb.buf);
	strbuf_release(&sb);
}

void th_aws_check_pack(const char *dir, const json_t *assets, const char *pack)
{
	static const char *const companies[] = { "bad", "good" };
	json_t *rules = NULL, *r;
	size_t i, k;

	ck_assert_int_eq(jsonx_load_file(pack, 0, &rules), 0);
	for (k = 0; k < 2; k++) {
		struct strbuf file = STRBUF_INIT;
		json_t *docs = json_array(), *results = NULL, *a, *verdicts = json_object();
		const char *key;
		struct th_result res;

		strbuf_addf(&file, "%s/%s-resources.json", dir, companies[k]);
		json_object_foreach((json_t *)assets, key, a)
			if (!strcmp(jsonx_strz(a, "company"), companies[k]))
				json_array_append(docs, json_object_get(a, "doc"));
		{
			json_t *wrap = json_pack("{s:o}", "resources", docs);

			write_json(file.buf, wrap);
			json_decref(wrap);
		}
		th_vetter(&res, NULL, "check", file.buf, "--pack", "aws", "--format", "json", "--as-of", "2026-12-01", NULL);
		ck_assert_msg(res.status == (k ? 0 : 1), "vetter check on %s: exit %d\n%.2000s", companies[k], res.status,
			      res.err.buf);
		ck_assert_int_eq(jsonx_parse(res.out.buf, res.out.len, "check", &results), 0);
		json_array_foreach(results, i, a) {
			json_t *v = json_object_get(verdicts, jsonx_strz(a, "rule"));

			if (!v)
				json_object_set_new(verdicts, jsonx_strz(a, "rule"), v = json_object());
			json_object_set_new(v, jsonx_strz(a, "result"), json_true());
			ck_assert_msg(strcmp(jsonx_strz(a, "result"), "error"), "%s: %s errs on %s", companies[k],
				      jsonx_strz(a, "rule"), jsonx_strz(json_object_get(a, "resource"), "name"));
			if (k)
				ck_assert_msg(strcmp(jsonx_strz(a, "result"), "fail"), "good: %s fails on %s at %s",
					      jsonx_strz(a, "rule"), jsonx_strz(json_object_get(a, "resource"), "name"),
					      jsonx_strz(a, "path"));
		}
		json_array_foreach(json_object_get(rules, "rules"), i, r) {
			const json_t *v = json_object_get(verdicts, jsonx_strz(r, "id"));

			ck_assert_msg(json_object_get(v, k ? "pass" : "fail") != NULL, "%s: rule %s never %s", companies[k],
				      jsonx_strz(r, "id"), k ? "passes" : "fails");
		}
		th_result_release(&res);
		json_decref(results);
		json_decref(verdicts);
		strbuf_release(&file);
	}
	json_decref(rules);
}

/* "a,b,c" of a JSON array of strings, sorted as given. */
static void joined(const json_t *list, struct strbuf *out)
{
	const json_t *v;
	size_t i;

	strbuf_reset(out);
	json_array_foreach(list, i, v)
		strbuf_addf(out, "%s%s", i ? "," : "", json_string_value(v));
}

void th_aws_check_findings(const char *findings_path, const char *pack, const char *bad_account)
{
	json_t *doc = NULL, *rules = NULL, *f, *r, *failed = json_object();
	struct strbuf key = STRBUF_INIT, list = STRBUF_INIT;
	int gaps = 0, kms = 0, rds = 0, open_bad = 0;
	size_t i;

	ck_assert_int_eq(jsonx_load_file(findings_path, 0, &doc), 0);
	ck_assert_int_eq(jsonx_load_file(pack, 0, &rules), 0);
	json_array_foreach(json_object_get(doc, "findings"), i, f) {
		const char *company = jsonx_strz(f, "company"), *kind = jsonx_strz(f, "kind"), *rule = jsonx_strz(f, "rule");

		if (!strcmp(kind, "misconfiguration") && strstr(jsonx_strz(f, "severity_source"), "rule pack aws")) {
			ck_assert_msg(!strcmp(company, "bad"), "%s: %s on %s", company, rule,
				      jsonx_strz(json_object_get(f, "asset"), "key"));
			ck_assert_str_eq(jsonx_strz(f, "status"), "open");
			/* A misconfiguration names the resource, where the rule decided, and the fix. */
			ck_assert_msg(*jsonx_strz(f, "fix") && json_object_get(f, "path") && json_object_get(f, "frameworks"),
				      "%s lacks fix, path or frameworks", rule);
			json_object_set_new(failed, rule, json_true());
			open_bad++;
		}
		if (!strcmp(kind, "gap") && !strcmp(rule, "compliance-not-evaluated")) {
			const json_t *asset = json_object_get(f, "asset");

			gaps++;
			ck_assert_str_eq(company, "bad");
			ck_assert_str_eq(jsonx_strz(asset, "kind"), "region");
			strbuf_reset(&key);
			strbuf_addf(&key, "aws:%s:region:eu-west-1", bad_account);
			ck_assert_str_eq(jsonx_strz(asset, "key"), key.buf);
			joined(json_object_get(f, "rules"), &list);
			if (strstr(jsonx_strz(f, "reason"), "requires aws.kms.keys")) {
				kms++;
				ck_assert_str_eq(list.buf, "CIS-AWS-3.0-3.6");
				ck_assert_msg(strstr(jsonx_strz(f, "reason"), "AccessDeniedException"), "%s", jsonx_strz(f, "reason"));
			} else {
				rds++;
				ck_assert_msg(strstr(jsonx_strz(f, "reason"), "requires aws.rds.instances"), "%s",
					      jsonx_strz(f, "reason"));
				ck_assert_str_eq(list.buf, "CIS-AWS-3.0-2.3.1,CIS-AWS-3.0-2.3.2,CIS-AWS-3.0-2.3.3");
			}
		}
	}
	ck_assert_int_eq(gaps, 2);
	ck_assert_int_eq(kms, 1);
	/* The identity vetter used is in the source's coverage (the report's coverage section). */
	json_array_foreach(json_object_get(doc, "sources"), i, f) {
		const json_t *acct = json_array_get(jsonx_dig(f, "coverage.accounts"), 0);

		if (strcmp(jsonx_strz(f, "id"), "bad.aws"))
			continue;
		strbuf_reset(&key);
		strbuf_addf(&key, "arn:aws:sts::%s:assumed-role/SecurityAudit/vetter", bad_account);
		ck_assert_str_eq(jsonx_strz(acct, "identity"), key.buf);
		ck_assert_str_eq(jsonx_strz(acct, "account"), bad_account);
		ck_assert_uint_eq(json_array_size(json_object_get(acct, "regions")), 2);
		ck_assert_msg(strstr(jsonx_strz(json_object_get(f, "coverage"), "summary"), key.buf), "%s",
			      jsonx_strz(json_object_get(f, "coverage"), "summary"));
		kms = -1;
	}
	ck_assert_int_eq(kms, -1); /* bad.aws was there */
	ck_assert_int_eq(rds, 1);
	json_array_foreach(json_object_get(rules, "rules"), i, r)
		ck_assert_msg(json_object_get(failed, jsonx_strz(r, "id")) != NULL, "rule %s is no finding of bad",
			      jsonx_strz(r, "id"));
	ck_assert_uint_eq(json_object_size(failed), json_array_size(json_object_get(rules, "rules")));
	ck_assert_int_gt(open_bad, (int)json_object_size(failed));
	json_decref(doc);
	json_decref(rules);
	json_decref(failed);
	strbuf_release(&key);
	strbuf_release(&list);
}

static int scan(const char *path, const char *const *secrets, struct strbuf *found, int depth)
{
	struct stat st;
	int files = 0;

	if (lstat(path, &st) < 0 || depth > 16)
		return 0;
	if (S_ISDIR(st.st_mode)) {
		DIR *d = opendir(path);
		struct dirent *de;

		while (d && (de = readdir(d))) {
			struct strbuf sub = STRBUF_INIT;

			if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
				continue;
			strbuf_addf(&sub, "%s/%s", path, de->d_name);
			files += scan(sub.buf, secrets, found, depth + 1);
			strbuf_release(&sub);
		}
		if (d)
			closedir(d);
		return files;
	}
	if (S_ISREG(st.st_mode)) {
		FILE *fp = fopen(path, "rb");
		char *buf = malloc((size_t)st.st_size + 1);
		size_t n = fp && buf ? fread(buf, 1, (size_t)st.st_size, fp) : 0, i;

		ck_assert_msg(fp && buf && n == (size_t)st.st_size, "cannot read %s", path);
		for (i = 0; secrets[i]; i++)
			if (*secrets[i] && memmem(buf, n, secrets[i], strlen(secrets[i])))
				strbuf_addf(found, "%s holds %.12s...\n", path, secrets[i]);
		free(buf);
		fclose(fp);
		return 1;
	}
	return 0;
}

void th_aws_no_secret(const char *dir, const char *const *secrets)
{
	struct strbuf found = STRBUF_INIT;
	int files = scan(dir, secrets, &found, 0);

	ck_assert_int_gt(files, 0);
	ck_assert_msg(found.len == 0, "a credential was written:\n%s", found.buf);
	strbuf_release(&found);
}

static int add_name(void *ctx, const char *name)
{
	return json_array_append_new(ctx, json_string(name)) < 0 ? -1 : 0;
}

void th_aws_check_ecr(const char *eng_path, const char *const *env, const char *account)
{
	struct engagement *eng = NULL;
	const struct source *src;
	struct registry_cred cred = { NULL, NULL, NULL, NULL };
	struct strbuf host = STRBUF_INIT, line = STRBUF_INIT;
	json_t *names = json_array();
	size_t i;

	json_t *saved = json_object();
	const char *k;
	json_t *v;

	/* The run's environment, for this process only while the hooks run (the helpers after it run with ours). */
	for (i = 0; env[i]; i++) {
		const char *eq = strchr(env[i], '=');
		struct strbuf name = STRBUF_INIT;

		strbuf_add(&name, env[i], (size_t)(eq - env[i]));
		json_object_set_new(saved, name.buf, getenv(name.buf) ? json_string(getenv(name.buf)) : json_null());
		ck_assert_int_eq(setenv(name.buf, eq + 1, 1), 0);
		strbuf_release(&name);
	}
	ck_assert_msg(engagement_load(&eng, eng_path, connector_type_info) == 0, "%s", err_last());
	src = engagement_source(eng, "bad.aws");
	ck_assert_ptr_nonnull(src);
	strbuf_addf(&host, "%s.dkr.ecr.us-east-1.amazonaws.com", account);
	/* ECR has no catalog: the repositories come from DescribeRepositories. */
	ck_assert_msg(registry_ecr_repositories(eng, src, host.buf, add_name, names) == 0, "%s", err_last());
	ck_assert_uint_eq(json_array_size(names), 1);
	ck_assert_str_eq(json_string_value(json_array_get(names, 0)), "bad-repo");
	/* The registry's password from GetAuthorizationToken, registered for scrubbing. */
	ck_assert_msg(registry_ecr_credentials(eng, src, host.buf, &cred) == 0, "%s", err_last());
	ck_assert_str_eq(cred.username, "AWS");
	ck_assert_uint_gt(strlen(cred.password), 8);
	strbuf_addf(&line, "pull with %s", cred.password);
	ck_assert_int_eq(log_scrub(&line), 1);
	ck_assert_ptr_null(strstr(line.buf, cred.password));
	registry_cred_release(&cred);
	/* A host that is not ECR's is refused before anything is sent. */
	ck_assert_int_eq(registry_ecr_credentials(eng, src, "registry.example.com", &cred), ERR_INVALID);
	ck_assert_ptr_nonnull(strstr(err_last(), "registry.example.com"));
	engagement_free(eng);
	json_object_foreach(saved, k, v)
		ck_assert_int_eq(json_is_string(v) ? setenv(k, json_string_value(v), 1) : unsetenv(k), 0);
	json_decref(saved);
	json_decref(names);
	strbuf_release(&host);
	strbuf_release(&line);
}

void th_aws_canaries(const char *dir, const char *secret, const struct th_result *res)
{
	struct strbuf issued = STRBUF_INIT, state = STRBUF_INIT, out = STRBUF_INIT, text = STRBUF_INIT;
	const char *secrets[64] = { secret, "CANARY-expired-session-token", "bad-external-id", "good-external-id" };
	char *line, *save = NULL;
	size_t n = 4, i;

	strbuf_addf(&issued, "%s/proxy.log.issued", dir);
	strbuf_addf(&state, "%s/deal.vetter", dir);
	strbuf_addf(&out, "%s/out", dir);
	th_read(issued.buf, &text);
	for (line = strtok_r(text.buf, "\n", &save); line && n < 63; line = strtok_r(NULL, "\n", &save))
		secrets[n++] = line;
	/* Two AssumeRole answers at least (one per account), each a secret key and a token. */
	ck_assert_uint_ge(n, 8);
	for (i = 0; i < n; i++)
		ck_assert_msg(!strstr(res->out.buf, secrets[i]) && !strstr(res->err.buf, secrets[i]), "%.12s... printed",
			      secrets[i]);
	th_aws_no_secret(state.buf, secrets);
	th_aws_no_secret(out.buf, secrets);
	strbuf_release(&text);
	strbuf_release(&issued);
	strbuf_release(&state);
	strbuf_release(&out);
}

struct ev_count {
	const char *prefix, *name;
	int n, named;
};

static int count_row(void *ctx, const struct store_evidence_row *row)
{
	struct ev_count *c = ctx;

	if (util_has_prefix(row->uri, c->prefix)) {
		c->n++;
		c->named += util_has_suffix(row->uri, c->name);
	}
	return 0;
}

int th_aws_evidence(const char *store_path, const char *prefix, const char *name)
{
	struct ev_count c = { prefix, name, 0, 0 };
	struct store *st = NULL;

	ck_assert_msg(store_open(&st, store_path) == 0, "%s", err_last());
	ck_assert_int_eq(store_evidence_foreach(st, count_row, &c), 0);
	store_close(st);
	ck_assert_msg(c.named == 1, "no evidence row %s...%s", prefix, name);
	return c.n;
}

int th_aws_count_files(const char *dir)
{
	const char *none[] = { NULL };
	struct strbuf found = STRBUF_INIT;
	int n = scan(dir, none, &found, 0);

	strbuf_release(&found);
	return n;
}
