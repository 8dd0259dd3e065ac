#include "th_awsorg.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "connectors/aws_calls.h"
#include "core/err.h"
#include "core/jsonx.h"
#include "core/store.h"
#include "core/strbuf.h"

char *th_org_path(const struct th_org *w, const char *rel)
{
	struct strbuf sb = STRBUF_INIT;

	strbuf_addf(&sb, "%s/%s", w->dir, rel);
	return strbuf_detach(&sb, NULL);
}

static void write_json(const char *path, const json_t *v)
{
	struct strbuf sb = STRBUF_INIT;

	ck_assert_int_eq(jsonx_dump_pretty(&sb, v), 0);
	th_write(path, sb.buf);
	strbuf_release(&sb);
}

static void member_id(const struct th_org *w, const char *org, const char *name, char out[13])
{
	const char *id = json_string_value(json_object_get(json_object_get(w->seed, org), name));
	ck_assert_msg(id && strlen(id) == 12, "the seed has no account %s of %s", name, org);
	memcpy(out, id, 13);
}

/* AWS's answer to a member account's ListAccounts (as Organizations sends it, JSON 1.1). */
static json_t *denied(const char *account)
{
	struct strbuf body = STRBUF_INIT;
	json_t *f;

	strbuf_addf(&body, "{\"__type\":\"AccessDeniedException\",\"Message\":\"You don't have permissions to access this "
			   "resource.\"}");
	f = json_pack("{s:s,s:s,s:s,s:i,s:s,s:{s:s}}", "service", "organizations", "action", "ListAccounts", "account",
		      account, "status", 400, "body", body.buf, "headers", "Content-Type", "application/x-amz-json-1.1");
	strbuf_release(&body);
	return f;
}

void th_org_start(struct th_org *w)
{
	char *moto = th_repo_path("tests/lib/moto_run.py"), *proxy = th_repo_path("tests/lib/aws_proxy.py");
	char *seed = th_repo_path("tests/lib/aws_seed_org.py");
	char *calls = th_org_path(w, "calls.json"), *fpath = th_org_path(w, "faults.json"), *log = th_org_path(w, "proxy.log");
	char *seeded = th_org_path(w, "seed.json");
	const char *margv[] = { "python3", moto, NULL };
	struct th_result res;
	char url[64];
	json_t *dump = aws_calls_dump(), *faults;

	write_json(calls, dump);
	th_server_start(&w->moto, margv);
	snprintf(url, sizeof(url), "http://127.0.0.1:%d", w->moto.port);
	{
		const char *sargv[] = { "python3", seed, url, seeded, NULL };

		th_run(&res, sargv, NULL, NULL, NULL);
		ck_assert_msg(res.status == 0, "seeding failed:\n%.1500s",
			      res.err.len > 1500 ? res.err.buf + res.err.len - 1500 : res.err.buf);
		th_result_release(&res);
	}
	ck_assert_int_eq(jsonx_load_file(seeded, 0, &w->seed), 0);
	member_id(w, "acme", "prod", w->prod);
	member_id(w, "acme", "staging", w->staging);
	member_id(w, "acme", "sandbox", w->sandbox);
	member_id(w, "acme", "retired", w->retired);
	member_id(w, "beta", "beta-app", w->beta_app);
	/* Members may not list their organisation's accounts; everyone else gets two a page. */
	faults = json_pack("[o,o,{s:s,s:s,s:{s:i}}]", denied(w->prod), denied(w->beta_app), "service", "organizations",
			   "action", "ListAccounts", "request_json", "MaxResults", 2);
	ck_assert_ptr_nonnull(faults);
	write_json(fpath, faults);
	{
		const char *pargv[] = { "python3", proxy, "--upstream", url, "--calls", calls, "--log", log, "--faults", fpath, NULL };

		th_server_start(&w->proxy, pargv);
	}
	snprintf(w->endpoint, sizeof(w->endpoint), "http://127.0.0.1:%d", w->proxy.port);
	json_decref(dump);
	json_decref(faults);
	free(moto);
	free(proxy);
	free(seed);
	free(calls);
	free(fpath);
	free(log);
	free(seeded);
}

void th_org_stop(struct th_org *w)
{
	th_server_stop(&w->proxy);
	th_server_stop(&w->moto);
	json_decref(w->seed);
	th_rm_rf(w->dir);
	free(w->dir);
}

struct reader {
	struct th_org_store *s;
	const char *company;
};

static int on_asset(void *ctx, const struct store_asset *a)
{
	struct th_org_store *s = ((struct reader *)ctx)->s;
	char id[32];

	json_object_set_new(s->assets, a->key, json_pack("{s:s,s:s,s:s?,s:s?,s:O}", "kind", a->kind, "company", a->company,
							 "source", a->source, "name", a->name, "doc", a->doc));
	snprintf(id, sizeof(id), "%lld", (long long)a->id);
	json_object_set_new(s->byid, id, json_string(a->key));
	return 0;
}

static int on_edge(void *ctx, int64_t from, int64_t to, const char *kind)
{
	struct th_org_store *s = ((struct reader *)ctx)->s;
	char a[32], b[32];
	struct strbuf sb = STRBUF_INIT;

	snprintf(a, sizeof(a), "%lld", (long long)from);
	snprintf(b, sizeof(b), "%lld", (long long)to);
	/* Edges of the company only: both ends are its assets. */
	if (json_object_get(s->byid, a) && json_object_get(s->byid, b)) {
		strbuf_addf(&sb, "%s %s %s", jsonx_strz(s->byid, a), kind, jsonx_strz(s->byid, b));
		json_array_append_new(s->edges, json_string(sb.buf));
	}
	strbuf_release(&sb);
	return 0;
}

static int on_finding(void *ctx, json_t *f)
{
	struct reader *r = ctx;

	if (!strcmp(jsonx_strz(f, "kind"), "gap") && (!r->company || !strcmp(jsonx_strz(f, "company"), r->company)))
		json_array_append(r->s->gaps, f);
	return 0;
}

void th_org_read(const char *store_path, const char *company, struct th_org_store *s)
{
	struct store *st = NULL;
	struct reader r = { s, company };

	s->assets = json_object();
	s->edges = json_array();
	s->gaps = json_array();
	s->byid = json_object();
	ck_assert_msg(store_open(&st, store_path) == 0, "%s", err_last());
	ck_assert_int_eq(store_asset_foreach(st, company, NULL, on_asset, &r), 0);
	ck_assert_int_eq(store_edge_foreach(st, 0, 0, NULL, on_edge, &r), 0);
	ck_assert_int_eq(store_finding_foreach(st, NULL, on_finding, &r), 0);
	store_close(st);
}

void th_org_release(struct th_org_store *s)
{
	json_decref(s->assets);
	json_decref(s->edges);
	json_decref(s->gaps);
	json_decref(s->byid);
}

const json_t *th_org_gap(const struct th_org_store *s, const char *title_part, const char *reason_part)
{
	const json_t *g;
	size_t i;

	json_array_foreach(s->gaps, i, g)
		if (strstr(jsonx_strz(g, "title"), title_part) && strstr(jsonx_strz(g, "reason"), reason_part))
			return g;
	return NULL;
}

int th_org_requests(const struct th_org *w, const char *service_action, const char *account)
{
	char *log = th_org_path(w, "proxy.log");
	struct strbuf text = STRBUF_INIT;
	char *line, *save = NULL;
	int n = 0;

	th_read(log, &text);
	for (line = strtok_r(text.buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		json_t *e = NULL;
		struct strbuf key = STRBUF_INIT;

		ck_assert_int_eq(jsonx_parse(line, strlen(line), "proxy.log", &e), 0);
		ck_assert_msg(json_is_true(json_object_get(e, "allowed")), "a request outside the call table: %s", line);
		ck_assert_ptr_nonnull(aws_call_find(jsonx_str(e, "service"), jsonx_str(e, "action")));
		strbuf_addf(&key, "%s:%s", jsonx_str(e, "service"), jsonx_str(e, "action"));
		if (!strcmp(key.buf, service_action) && (!account || !strcmp(jsonx_strz(e, "account"), account)))
			n++;
		strbuf_release(&key);
		json_decref(e);
	}
	strbuf_release(&text);
	free(log);
	return n;
}
