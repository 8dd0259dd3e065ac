/*
 * The consolidation plan of a whole engagement: two synthetic estates written
 * with the store API (VPCs, subnets, default VPCs used and unused, clusters
 * with pod and service ranges, nodes, tools, identity, trails, roles trusted
 * by other accounts, findings) and the engagement file's on-premises and VPN
 * ranges; the test knows every overlap, tool decision, end-of-life judgement,
 * third party and checklist status it must get.  Also the engagement file's
 * `networks` and `consolidation` keys, checked before anything runs.
 */
#include <check.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "connectors/connector.h"
#include "cons_fixture.h"
#include "core/engagement.h"
#include "core/err.h"
#include "core/finding.h"
#include "core/jsonx.h"
#include "core/store.h"
#include "core/util.h"
#include "report/stage.h"
#include "scoring/consolidate.h"
#include "th.h"

static const char *cons_get(const json_t *v, const char *path)
{
	json_t *x = jsonx_dig(v, path);

	return json_is_string(x) ? json_string_value(x) : "";
}

/* "a.cidr a.name | b.cidr b.name relation" for one pair. */
static void pair_text(struct strbuf *sb, const json_t *p)
{
	strbuf_reset(sb);
	strbuf_addf(sb, "%s %s %s | %s %s %s | %s", cons_get(p, "a.cidr"), cons_get(p, "a.kind"), cons_get(p, "a.name"),
		    cons_get(p, "b.cidr"), cons_get(p, "b.kind"), cons_get(p, "b.name"), jsonx_strz(p, "relation"));
}

START_TEST(network_conflicts)
{
	static const char *const want[] = {
		"10.0.0.0/8 on-premises Frankfurt DC | 10.20.0.0/16 vpc vpc-k1 | a-contains-b",
		"10.0.0.0/8 on-premises Frankfurt DC | 10.20.1.0/25 subnet subnet-k1a | a-contains-b",
		"10.0.0.0/8 on-premises Frankfurt DC | 10.244.0.0/16 pod-range cluster kestrel-prod | a-contains-b",
		"10.20.0.0/16 vpc vpc-h1 | 10.20.0.0/16 vpc vpc-k1 | equal",
		"10.20.0.0/16 vpc vpc-h1 | 10.20.1.0/25 subnet subnet-k1a | a-contains-b",
		"10.20.1.0/24 subnet subnet-h1a | 10.20.0.0/16 vpc vpc-k1 | b-contains-a",
		"10.20.1.0/24 subnet subnet-h1a | 10.20.1.0/25 subnet subnet-k1a | a-contains-b",
		"2001:db8:100::/48 on-premises Frankfurt DC | 2001:db8:100:5::/64 vpc vpc-k6 | a-contains-b",
	};
	static const char *const groups[][3] = {
		{ "Frankfurt DC", "vpc-k1", "2" },
		{ "Frankfurt DC", "cluster kestrel-prod", "1" },
		{ "vpc-h1", "vpc-k1", "4" },
		{ "Frankfurt DC", "vpc-k6", "1" },
	};
	struct strbuf sb = STRBUF_INIT;
	struct fx fx;
	json_t *plan, *net, *p, *d;
	size_t i;

	cfx_open(&fx, NULL);
	plan = cfx_build(&fx);
	net = json_object_get(plan, "network");
	ck_assert_int_eq(jsonx_int(net, "pair_count", -1), 8);
	ck_assert_int_eq(json_array_size(json_object_get(net, "pairs")), 8);
	json_array_foreach(json_object_get(net, "pairs"), i, p) {
		pair_text(&sb, p);
		ck_assert_msg(!strcmp(sb.buf, want[i]), "pair %zu: '%s', expected '%s'", i, sb.buf, want[i]);
		ck_assert_str_eq(cons_get(p, "a.company"), "heron");
		ck_assert_str_eq(cons_get(p, "b.company"), "kestrel");
	}
	p = json_array_get(json_object_get(net, "pairs"), 4);
	ck_assert_str_eq(jsonx_strz(p, "overlap"), "10.20.1.0/25");
	ck_assert_str_eq(cons_get(p, "a.asset.key"), "arn:aws:ec2:eu-central-1:111111111111:vpc/vpc-h1");
	ck_assert_str_eq(cons_get(p, "a.region"), "eu-central-1");
	ck_assert_str_eq(cons_get(p, "b.account"), "222222222222");
	ck_assert_int_eq(jsonx_int(json_array_get(json_object_get(net, "pairs"), 7), "family", 0), 6);
	ck_assert_uint_eq(json_array_size(json_object_get(net, "by_network")), 4);
	json_array_foreach(json_object_get(net, "by_network"), i, p) {
		ck_assert_str_eq(cons_get(p, "a.network"), groups[i][0]);
		ck_assert_str_eq(cons_get(p, "b.network"), groups[i][1]);
		ck_assert_int_eq(jsonx_int(p, "pairs", 0), atoi(groups[i][2]));
	}
	/* Both unused default VPCs in one line; the used one (an instance in it) is an ordinary range. */
	d = json_object_get(net, "default_vpcs");
	ck_assert_int_eq(jsonx_int(d, "count", 0), 2);
	ck_assert_int_eq(jsonx_int(d, "pairs_among_them", -1), 1);
	ck_assert_int_eq(jsonx_int(d, "overlapping_other_ranges", -1), 1);
	ck_assert_str_eq(jsonx_strz(d, "text"),
			 "2 unused default VPCs (172.31.0.0/16, nothing in them): heron 1, kestrel 1. They overlap one another "
			 "(1 pair across companies) and 1 other range; delete them rather than re-address anything.");
	ck_assert_str_eq(cons_get(json_array_get(json_object_get(d, "companies"), 0), "company"), "heron");
	ck_assert_str_eq(json_string_value(json_array_get(jsonx_dig(json_array_get(json_object_get(d, "companies"), 0),
								   "vpcs"), 0)),
			 "arn:aws:ec2:eu-west-1:111111111111:vpc/vpc-hdef");
	/* Ranges per company, default VPCs and cluster ranges included (pod ranges joined, service ranges from the
	 * API server's flags and the EKS API). */
	p = json_array_get(json_object_get(net, "ranges"), 0);
	ck_assert_int_eq(jsonx_int(p, "ipv4", 0), 7);
	ck_assert_int_eq(jsonx_int(p, "ipv6", 0), 3);
	p = json_array_get(json_object_get(net, "ranges"), 1);
	ck_assert_int_eq(jsonx_int(p, "ipv4", 0), 7);
	ck_assert_int_eq(jsonx_int(p, "ipv6", 0), 1);
	json_decref(plan);
	strbuf_release(&sb);
	cfx_close(&fx);
}
END_TEST

static const json_t *row_of(const json_t *plan, const char *category)
{
	json_t *r;
	size_t i;

	json_array_foreach(jsonx_dig(plan, "tools.matrix"), i, r) {
		if (!strcmp(jsonx_strz(r, "category"), category))
			return r;
	}
	ck_abort_msg("no category %s", category);
	return NULL;
}

static void tool_ids(struct strbuf *sb, const json_t *list, const char *member)
{
	json_t *v;
	size_t i;

	strbuf_reset(sb);
	json_array_foreach(list, i, v) {
		strbuf_addf(sb, "%s%s", i ? " " : "", member ? jsonx_strz(v, member) : json_string_value(v));
	}
}

START_TEST(tools_matrix_and_recommendations)
{
	static const char *const states[][2] = {
		{ "runtime-security", "overlap" }, { "cspm", "none" },	       { "vulnerability-scanning", "none" },
		{ "observability", "gap" },	   { "cni", "none" },	       { "service-mesh", "none" },
		{ "secrets-management", "none" },  { "certificates", "none" }, { "policy", "none" },
		{ "gitops", "overlap" },	   { "registry", "overlap" },  { "cloud-security", "gap" },
	};
	struct strbuf sb = STRBUF_INIT;
	struct fx fx;
	json_t *plan, *inv, *t, *rec;
	const json_t *row;
	size_t i;

	cfx_open(&fx, NULL);
	plan = cfx_build(&fx);
	inv = jsonx_dig(plan, "tools.inventory");
	tool_ids(&sb, json_object_get(json_array_get(inv, 0), "tools"), "id");
	ck_assert_str_eq(sb.buf, "falco datadog argo-cd ecr gcr docker-hub guardduty");
	tool_ids(&sb, json_object_get(json_array_get(inv, 1), "tools"), "id");
	ck_assert_str_eq(sb.buf, "sysdig-secure flux docker-hub quay-io");
	t = json_array_get(json_object_get(json_array_get(inv, 0), "tools"), 0);
	ck_assert_int_eq(jsonx_int(t, "evidence_count", 0), 5);
	tool_ids(&sb, json_object_get(t, "clusters"), NULL);
	ck_assert_str_eq(sb.buf, "heron-dev heron-prod");
	ck_assert_int_eq(jsonx_int(json_object_get(t, "findings"), "medium", 0), 1);
	ck_assert_int_eq(jsonx_int(json_object_get(t, "footprint"), "workloads", 0), 2);
	ck_assert_int_eq(jsonx_int(json_object_get(json_array_get(inv, 0), "units"), "clusters", 0), 2);
	ck_assert_int_eq(jsonx_int(json_object_get(json_array_get(inv, 0), "units"), "image_repositories", 0), 3);
	ck_assert_uint_eq(json_array_size(jsonx_dig(plan, "tools.matrix")), 12);
	for (i = 0; i < 12; i++) {
		row = json_array_get(jsonx_dig(plan, "tools.matrix"), i);
		ck_assert_str_eq(jsonx_strz(row, "category"), states[i][0]);
		ck_assert_msg(!strcmp(jsonx_strz(row, "state"), states[i][1]), "%s: %s", states[i][0],
			      jsonx_strz(row, "state"));
	}
	/* Runtime security: Falco covers two of three clusters, Sysdig one: keep Falco, retire the priced Sysdig. */
	rec = json_object_get(row_of(plan, "runtime-security"), "recommendation");
	ck_assert_str_eq(jsonx_strz(rec, "action"), "consolidate");
	ck_assert_str_eq(jsonx_strz(rec, "keep"), "falco");
	ck_assert_str_eq(jsonx_strz(rec, "decided_by"), "coverage");
	ck_assert_int_eq(jsonx_int(rec, "saving", 0), 85000);
	ck_assert_str_eq(cons_get(json_array_get(json_object_get(rec, "retire"), 0), "company"), "kestrel");
	ck_assert_str_eq(json_string_value(json_array_get(json_object_get(rec, "reasons"), 0)),
			 "coverage: Falco in 2 of 3 clusters (67%); Sysdig Secure agent in 1 of 3 clusters (33%)");
	ck_assert_str_eq(json_string_value(json_array_get(json_object_get(rec, "reasons"), 1)),
			 "findings on their components: Falco 1 open (1 medium); Sysdig Secure agent none open");
	ck_assert_str_eq(jsonx_strz(rec, "text"),
			 "Keep Falco; retire Sysdig Secure agent (Kestrel Payments) once Falco covers what they cover.");
	/* GitOps: a dead heat, settled by name and said so. */
	rec = json_object_get(row_of(plan, "gitops"), "recommendation");
	ck_assert_str_eq(jsonx_strz(rec, "keep"), "argo-cd");
	ck_assert_str_eq(jsonx_strz(rec, "decided_by"), "a tie, broken by name");
	/* Registries: the private ones compete (footprint decides); public ones are mirrored, never retired. */
	rec = json_object_get(row_of(plan, "registry"), "recommendation");
	ck_assert_str_eq(jsonx_strz(rec, "keep"), "ecr");
	ck_assert_str_eq(jsonx_strz(rec, "decided_by"), "footprint");
	tool_ids(&sb, json_object_get(rec, "retire"), "tool");
	ck_assert_str_eq(sb.buf, "gcr");
	tool_ids(&sb, json_object_get(rec, "mirror"), "tool");
	ck_assert_str_eq(sb.buf, "docker-hub docker-hub quay-io");
	/* Observability: only heron has one: extend it. */
	rec = json_object_get(row_of(plan, "observability"), "recommendation");
	ck_assert_str_eq(jsonx_strz(rec, "action"), "extend");
	ck_assert_str_eq(jsonx_strz(rec, "text"), "Keep Datadog Agent and extend it to kestrel.");
	rec = json_object_get(row_of(plan, "cspm"), "recommendation");
	ck_assert_str_eq(jsonx_strz(rec, "action"), "select");
	/* The saving: what is priced, and what is not. */
	ck_assert_int_eq(jsonx_int(jsonx_dig(plan, "tools.saving"), "total", 0), 85000);
	ck_assert_str_eq(cons_get(jsonx_dig(plan, "tools.saving"), "currency"), "EUR");
	tool_ids(&sb, jsonx_dig(plan, "tools.saving.unpriced"), "tool");
	ck_assert_str_eq(sb.buf, "flux gcr");
	json_decref(plan);
	strbuf_release(&sb);
	cfx_close(&fx);
}
END_TEST

START_TEST(estate_and_end_of_life)
{
	static const char *const eol[] = {
		"heron kubernetes kubernetes 1.31 end-of-life 2025-11-11 1",
		"heron kubernetes kubernetes 1.33 end-of-life 2026-06-28 1",
		"heron node-os ubuntu 22.04 ending-soon 2027-04-01 2",
		"heron runtime containerd 1.7 end-of-life 2026-09-01 2",
		"heron image-os debian 12 extended-support-only 2028-06-30 1",
		"kestrel kubernetes amazon-eks 1.29 end-of-life 2026-03-23 2",
		"kestrel node-os amazon-linux 2 end-of-life 2026-06-30 1",
		"kestrel runtime containerd 1.6 end-of-life 2025-08-23 1",
		"kestrel image-os alpine-linux 3.18 end-of-life 2025-05-09 1",
	};
	struct strbuf sb = STRBUF_INIT;
	struct fx fx;
	json_t *plan, *e, *h, *k;
	size_t i;

	cfx_open(&fx, NULL);
	plan = cfx_build(&fx);
	ck_assert_uint_eq(json_array_size(jsonx_dig(plan, "estate.end_of_life")), 9);
	json_array_foreach(jsonx_dig(plan, "estate.end_of_life"), i, e) {
		strbuf_reset(&sb);
		strbuf_addf(&sb, "%s %s %s %s %s %s %lld", jsonx_strz(e, "company"), jsonx_strz(e, "what"),
			    jsonx_strz(e, "product"), jsonx_strz(e, "cycle"), jsonx_strz(e, "status"), jsonx_strz(e, "until"),
			    jsonx_int(e, "count", 0));
		ck_assert_msg(!strcmp(sb.buf, eol[i]), "end of life %zu: '%s', expected '%s'", i, sb.buf, eol[i]);
	}
	h = json_array_get(jsonx_dig(plan, "estate.companies"), 0);
	k = json_array_get(jsonx_dig(plan, "estate.companies"), 1);
	ck_assert_int_eq(jsonx_int(json_object_get(h, "identity"), "console_users", 0), 2);
	ck_assert_int_eq(jsonx_int(json_object_get(h, "identity"), "mfa_users", 0), 1);
	ck_assert(jsonx_num(json_object_get(h, "identity"), "mfa_coverage", 0) == 0.5);
	ck_assert_int_eq(jsonx_int(json_object_get(k, "identity"), "guests", 0), 1);
	tool_ids(&sb, jsonx_dig(k, "identity.sso"), NULL);
	ck_assert_str_eq(sb.buf, "Entra ID SAML: 222222222222/saml/Okta");
	ck_assert_int_eq(jsonx_int(json_object_get(h, "logging"), "accounts_with_trail", 0), 1);
	ck_assert_int_eq(jsonx_int(json_object_get(k, "logging"), "accounts_with_trail", -1), 0);
	ck_assert_int_eq(jsonx_int(json_object_get(k, "logging"), "clusters_audit_known", 0), 1);
	tool_ids(&sb, json_object_get(h, "regions"), NULL);
	ck_assert_str_eq(sb.buf, "aws:eu-central-1 aws:eu-west-1");
	tool_ids(&sb, json_object_get(h, "registries"), "host");
	ck_assert_str_eq(sb.buf, "111111111111.dkr.ecr.eu-central-1.amazonaws.com docker.io gcr.io");
	ck_assert_str_eq(cons_get(json_array_get(json_object_get(h, "base_images"), 0), "name"), "debian:12-slim");
	/* The side-by-side rows the report prints. */
	e = json_array_get(jsonx_dig(plan, "estate.rows"), 2);
	ck_assert_str_eq(jsonx_strz(e, "aspect"), "kubernetes");
	ck_assert_str_eq(json_string_value(json_array_get(json_object_get(e, "values"), 1)),
			 "Amazon EKS 1.29 ×2 (end of life since 2026-03-23)");
	e = json_array_get(jsonx_dig(plan, "estate.rows"), 7);
	ck_assert_str_eq(json_string_value(json_array_get(json_object_get(e, "values"), 0)),
			 "SSO: SAML: AzureAD; MFA on 1 of 2 console users; root MFA missing in 0 of 1 account");
	e = json_array_get(jsonx_dig(plan, "estate.rows"), 0);
	ck_assert_str_eq(json_string_value(json_array_get(json_object_get(e, "values"), 1)), "aws (1 account)");
	json_decref(plan);
	strbuf_release(&sb);
	cfx_close(&fx);
}
END_TEST

START_TEST(third_party_access)
{
	static const char *const want[] = {
		"heron identity-provider AzureAD review",
		"heron trusted-account 999999999999 cut-or-re-paper",
		"kestrel federated-principal token.actions.githubusercontent.com review",
		"kestrel trusted-account 111111111111 re-paper",
		"kestrel trusted-account 333333333333 cut-or-re-paper",
		"kestrel identity-provider 222222222222/saml/Okta review",
		"kestrel guest-user contractor@partner.example cut-or-re-paper",
	};
	struct strbuf sb = STRBUF_INIT;
	struct fx fx;
	json_t *plan, *e;
	size_t i;

	cfx_open(&fx, NULL);
	plan = cfx_build(&fx);
	ck_assert_uint_eq(json_array_size(jsonx_dig(plan, "third_party.entries")), 7);
	json_array_foreach(jsonx_dig(plan, "third_party.entries"), i, e) {
		strbuf_reset(&sb);
		strbuf_addf(&sb, "%s %s %s %s", jsonx_strz(e, "company"), jsonx_strz(e, "kind"), jsonx_strz(e, "principal"),
			    jsonx_strz(e, "action"));
		ck_assert_msg(!strcmp(sb.buf, want[i]), "entry %zu: '%s', expected '%s'", i, sb.buf, want[i]);
	}
	e = json_array_get(jsonx_dig(plan, "third_party.entries"), 1);
	ck_assert(json_is_true(json_object_get(e, "external_id")));
	ck_assert_str_eq(jsonx_strz(e, "detail"),
			 "role vendor-audit trusts account 999999999999, outside both estates (with an external id: a vendor "
			 "integration)");
	ck_assert_str_eq(cons_get(e, "asset.key"), "arn:aws:iam::111111111111:role/vendor-audit");
	e = json_array_get(jsonx_dig(plan, "third_party.entries"), 3);
	ck_assert_str_eq(jsonx_strz(e, "other_company"), "heron");
	ck_assert_int_eq(jsonx_int(json_array_get(jsonx_dig(plan, "third_party.counts"), 1), "trusted-account", 0), 2);
	json_decref(plan);
	strbuf_release(&sb);
	cfx_close(&fx);
}
END_TEST

static const json_t *item_of(const json_t *plan, const char *id)
{
	json_t *it;
	size_t i;

	json_array_foreach(jsonx_dig(plan, "checklist.items"), i, it) {
		if (!strcmp(jsonx_strz(it, "id"), id))
			return it;
	}
	ck_abort_msg("no item %s", id);
	return NULL;
}

START_TEST(checklist_gates_from_findings)
{
	static const char *const blocking[] = { "target-kev-internet-facing", "no-address-conflicts", "target-root-mfa",
						"target-third-party-access-reviewed", "target-no-critical-open",
						"target-logging-complete", "target-platforms-supported" };
	struct strbuf sb = STRBUF_INIT;
	struct fx fx;
	json_t *plan, *g, *it, *dep;
	const json_t *x;
	size_t i, j, nb = 0;

	cfx_open(&fx, NULL);
	plan = cfx_build(&fx);
	x = jsonx_dig(plan, "checklist.summary");
	ck_assert_int_eq(jsonx_int(x, "items", 0), 21);
	ck_assert_int_eq(jsonx_int(x, "ready", 0), 13);
	ck_assert_int_eq(jsonx_int(x, "blocked", 0), 5);
	ck_assert_int_eq(jsonx_int(x, "waiting", 0), 3);
	json_array_foreach(jsonx_dig(plan, "checklist.gates"), i, g) {
		int want = 0;

		for (j = 0; j < sizeof(blocking) / sizeof(blocking[0]); j++)
			want |= !strcmp(blocking[j], jsonx_strz(g, "id"));
		ck_assert_msg(json_is_true(json_object_get(g, "blocking")) == want, "gate %s", jsonx_strz(g, "id"));
		nb += (size_t)want;
	}
	ck_assert_uint_eq(nb, 7);
	/* Only the KEV-listed, internet-facing finding holds the interconnection, not its neighbour. */
	g = json_array_get(jsonx_dig(plan, "checklist.gates"), 0);
	ck_assert_int_eq(jsonx_int(g, "finding_count", 0), 1);
	x = item_of(plan, "limited-interconnect");
	ck_assert_str_eq(jsonx_strz(x, "status"), "blocked");
	tool_ids(&sb, json_object_get(x, "blocked_by"), NULL);
	ck_assert_str_eq(sb.buf, "target-kev-internet-facing no-address-conflicts");
	ck_assert_str_eq(json_string_value(json_array_get(json_object_get(x, "blocking_findings"), 0)),
			 json_string_value(json_array_get(json_object_get(g, "findings"), 0)));
	g = json_array_get(jsonx_dig(plan, "checklist.gates"), 2);
	ck_assert_str_eq(json_string_value(json_array_get(json_object_get(g, "facts"), 0)),
			 "heron Frankfurt DC overlaps kestrel vpc-k1 (2 pairs of ranges)");
	x = item_of(plan, "extend-runtime-security");
	ck_assert_str_eq(jsonx_strz(x, "status"), "waiting");
	tool_ids(&sb, json_object_get(x, "waiting_on"), NULL);
	ck_assert_str_eq(sb.buf, "limited-interconnect");
	ck_assert_str_eq(jsonx_strz(item_of(plan, "single-directory"), "status"), "blocked");
	ck_assert_str_eq(jsonx_strz(item_of(plan, "tool-decisions"), "status"), "ready");
	/* The order holds every dependency. */
	json_array_foreach(jsonx_dig(plan, "checklist.items"), i, it) {
		ck_assert_int_eq(jsonx_int(it, "order", 0), (long long)i + 1);
		json_array_foreach(json_object_get(it, "depends_on"), j, dep) {
			ck_assert_int_lt(jsonx_int(item_of(plan, json_string_value(dep)), "order", 0), jsonx_int(it, "order", 0));
		}
	}
	json_decref(plan);
	strbuf_release(&sb);
	cfx_close(&fx);
}
END_TEST

START_TEST(outputs_are_deterministic)
{
	struct strbuf a = STRBUF_INIT, b = STRBUF_INIT, md = STRBUF_INIT, path = STRBUF_INIT;
	struct run_ctx ctx;
	struct fx fx;
	json_t *plan, *again = NULL, *loaded = NULL, *res = NULL;

	cfx_open(&fx, NULL);
	plan = cfx_build(&fx);
	ck_assert_int_eq(consolidation_build_with(fx.eng, fx.st, fx.templates, &again), 0);
	jsonx_dump_canonical(&a, plan);
	jsonx_dump_canonical(&b, again);
	ck_assert_str_eq(a.buf, b.buf);
	/* Recorded by the score stage, read back by the report stage into findings.json. */
	ck_assert_int_eq(consolidation_load(fx.st, &loaded), ERR_NOTFOUND);
	ck_assert_int_eq(consolidation_record_with(fx.eng, fx.st, fx.templates), 0);
	ck_assert_int_eq(consolidation_load(fx.st, &loaded), 0);
	strbuf_reset(&b);
	jsonx_dump_canonical(&b, loaded);
	ck_assert_str_eq(a.buf, b.buf);
	memset(&ctx, 0, sizeof(ctx));
	ctx.eng = fx.eng;
	ctx.st = fx.st;
	ck_assert_int_eq(report_results(&ctx, &res), 0);
	strbuf_reset(&b);
	jsonx_dump_canonical(&b, json_object_get(res, "consolidation"));
	ck_assert_str_eq(a.buf, b.buf);
	ck_assert_str_eq(cons_get(res, "consolidation.schema"), "vetter.consolidation/1");
	/* checklist.md and checklist.csv from it. */
	ck_assert_int_eq(consolidation_write_checklist(json_object_get(res, "consolidation"), fx.dir), 0);
	strbuf_addf(&path, "%s/checklist.md", fx.dir);
	th_read(path.buf, &md);
	ck_assert_msg(strstr(md.buf, "**21 items: 13 ready, 5 blocked, 3 waiting.**"), "%s", md.buf);
	ck_assert(strstr(md.buf, "\n## Day 0\n"));
	ck_assert(strstr(md.buf, "| 10 | Connect the estates for named services only (site-to-site VPN or peering with "
				 "deny-by-default rules) | Network lead | #3, #4, #7, #8 | **blocked** by "
				 "target-kev-internet-facing, no-address-conflicts |"));
	ck_assert(strstr(md.buf, "Saving from retiring duplicates where costs are given: 85000 EUR a year."));
	ck_assert(strstr(md.buf, "- heron Frankfurt DC ↔ kestrel vpc-k1: 2 pairs\n"));
	strbuf_reset(&path);
	strbuf_reset(&md);
	strbuf_addf(&path, "%s/checklist.csv", fx.dir);
	th_read(path.buf, &md);
	ck_assert(util_has_prefix(md.buf, "\"order\",\"id\",\"phase\",\"title\",\"owner\",\"depends_on\",\"gates\","
					  "\"status\",\"blocked_by\",\"waiting_on\",\"blocking_findings\"\r\n\"1\",\"name-leads\","
					  "\"Day 0\","));
	ck_assert(strstr(md.buf, "\"limited-interconnect\",\"Day 1\","));
	json_decref(plan);
	json_decref(again);
	json_decref(loaded);
	json_decref(res);
	strbuf_release(&a);
	strbuf_release(&b);
	strbuf_release(&md);
	strbuf_release(&path);
	cfx_close(&fx);
}
END_TEST

/* ---- the engagement file's keys ---- */

#define HEAD                                                                                                   \
	"name: Deal\nclient: Heron\nas_of: 2026-11-15\ncompanies:\n"                                          \
	"  - {id: heron, name: Heron AG, role: acquirer, sources: [{type: images, refs: ['dir:a']}]}\n"

static void expect_refused(const char *text, const char *needle)
{
	char *dir = th_tmpdir();
	struct strbuf path = STRBUF_INIT;
	struct engagement *eng = NULL;

	strbuf_addf(&path, "%s/deal.yaml", dir);
	th_write(path.buf, text);
	ck_assert_int_eq(engagement_load(&eng, path.buf, connector_type_info), ERR_USAGE);
	ck_assert_msg(strstr(err_last(), needle), "message '%s' lacks '%s'", err_last(), needle);
	ck_assert_msg(strstr(err_last(), "deal.yaml:"), "message '%s' has no position", err_last());
	th_rm_rf(dir);
	free(dir);
	strbuf_release(&path);
}

START_TEST(engagement_keys_checked)
{
	struct fx fx;
	char *dir;

	expect_refused(HEAD "networks:\n  - {company: nobody, name: X, kind: vpn, ranges: [10.0.0.0/8]}\n",
		       "deal.yaml:7:");
	expect_refused(HEAD "networks:\n  - {company: nobody, name: X, kind: vpn, ranges: [10.0.0.0/8]}\n",
		       "network 1: no company 'nobody'");
	expect_refused(HEAD "networks:\n  - company: heron\n    name: DC\n    kind: on-premises\n    ranges:\n"
			    "      - 10.0.0.0/8\n      - 10.1.2.3/16\n",
		       "deal.yaml:12:");
	expect_refused(HEAD "networks:\n  - {company: heron, name: DC, kind: on-premises, ranges: [10.1.2.3/16]}\n",
		       "network 1 ('DC') range 1: '10.1.2.3/16' has host bits set after the /16 prefix: the range is "
		       "10.1.0.0/16");
	expect_refused(HEAD "networks:\n  - {company: heron, name: DC, kind: on-premises, ranges: ['10.0.0.0']}\n",
		       "the prefix length is missing");
	expect_refused(HEAD "networks:\n  - {company: heron, name: DC, kind: cloud, ranges: [10.0.0.0/8]}\n",
		       "'cloud' is not one of: on-premises, vpn, other");
	expect_refused(HEAD "networks:\n  - {company: heron, name: DC, kind: vpn, ranges: []}\n",
		       "list at least one range");
	expect_refused(HEAD "networks:\n  - {company: heron, name: DC, kind: vpn}\n", "ranges");
	expect_refused(HEAD "networks: 10.0.0.0/8\n", "expected a list");
	expect_refused(HEAD "consolidation:\n  tool_costs:\n    - {company: ghost, tool: falco, annual: 1}\n",
		       "tool cost 1: no company 'ghost'");
	expect_refused(HEAD "consolidation:\n  tool_costs:\n    - {company: heron, tool: falco, annual: -5}\n",
		       "annual must be from 0");
	expect_refused(HEAD "consolidation:\n  tool_costs:\n    - {company: heron, tool: falco, annual: 5}\n"
			    "    - {company: heron, tool: falco, annual: 6}\n",
		       "already priced (item 1)");
	expect_refused(HEAD "consolidation:\n  eol_warning_days: 9999\n", "from 0 to 3650");
	expect_refused(HEAD "consolidation:\n  savings: 1\n", "savings");
	/* A tool id needs the signatures: checked before the run by the preflight. */
	cfx_open(&fx, "    - {company: heron, tool: nonesuch, annual: 1}\n");
	ck_assert_int_eq(consolidation_preflight_with(fx.eng, fx.templates), ERR_USAGE);
	ck_assert_msg(strstr(err_last(), "consolidation.tool_costs item 3: no tool 'nonesuch'"), "%s", err_last());
	cfx_close(&fx);
	cfx_open(&fx, NULL);
	ck_assert_msg(consolidation_preflight_with(fx.eng, fx.templates) == 0, "%s", err_last());
	cfx_close(&fx);
	/* Broken templates stop the run too, naming the file. */
	dir = th_tmpdir();
	cfx_open(&fx, NULL);
	{
		struct strbuf p = STRBUF_INIT;

		strbuf_addf(&p, "%s/consolidation", dir);
		util_mkdirs(p.buf, 0755);
		strbuf_addstr(&p, "/tools.yaml");
		th_write(p.buf, "categories: []\ntools: []\n");
		strbuf_setlen(&p, p.len - strlen("tools.yaml"));
		strbuf_addstr(&p, "eol.yaml");
		th_write(p.buf, "products: []\n");
		strbuf_setlen(&p, p.len - strlen("eol.yaml"));
		strbuf_addstr(&p, "checklist.yaml");
		th_write(p.buf, "items:\n" "  - {id: a, title: T, owner: O, phase: day-0, depends_on: [b]}\n"
				"  - {id: b, title: T, owner: O, phase: day-0, depends_on: [a]}\n");
		ck_assert_int_eq(consolidation_preflight_with(fx.eng, dir), ERR_USAGE);
		ck_assert_msg(strstr(err_last(), "checklist.yaml:3:") && strstr(err_last(), "dependency cycle: a -> b -> a"),
			      "%s", err_last());
		strbuf_release(&p);
	}
	cfx_close(&fx);
	th_rm_rf(dir);
	free(dir);
}
END_TEST

Suite *consolidation_suite(void)
{
	Suite *s = suite_create("consolidation");
	TCase *tc = tcase_create("plan");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, network_conflicts);
	tcase_add_test(tc, tools_matrix_and_recommendations);
	tcase_add_test(tc, estate_and_end_of_life);
	tcase_add_test(tc, third_party_access);
	tcase_add_test(tc, checklist_gates_from_findings);
	tcase_add_test(tc, outputs_are_deterministic);
	tcase_add_test(tc, engagement_keys_checked);
	suite_add_tcase(s, tc);
	return s;
}
