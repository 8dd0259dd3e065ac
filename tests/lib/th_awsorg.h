/*
 * th_awsorg: the moto world of the AWS Organizations and AWS kit tests
 * (test_aws_org.c, test_kit_aws.c): moto_server on loopback seeded by
 * tests/lib/aws_seed_org.py (organisation "acme" managed by 333333333333
 * with members prod, staging, sandbox and the closed retired; a second one
 * managed by 444444444444 with member beta-app), behind the recording proxy
 * (tests/lib/aws_proxy.py) that refuses anything outside vetter's call table,
 * answers a member's ListAccounts with AWS's AccessDeniedException and makes
 * ListAccounts page two accounts at a time; and what a store holds, by key.
 */
#ifndef VETTER_TH_AWSORG_H
#define VETTER_TH_AWSORG_H

#include <jansson.h>

#include "th.h"

#define ORG_MGMT "333333333333"
#define ORG_BETA "444444444444"

struct th_org {
	char *dir;                     /* th_tmpdir() */
	struct th_server moto, proxy;
	char endpoint[64];             /* the proxy */
	json_t *seed;                  /* aws_seed_org.py's OUT_JSON */
	char prod[13], staging[13], sandbox[13], retired[13], beta_app[13];
};

/* Start moto, seed it, start the proxy.  th_org_stop stops both and removes dir. */
void th_org_start(struct th_org *w);
void th_org_stop(struct th_org *w);
/* dir/rel, the caller frees. */
char *th_org_path(const struct th_org *w, const char *rel);

/* A store's contents of one company (NULL: every company). */
struct th_org_store {
	json_t *assets; /* key -> {kind, company, source, name, doc} */
	json_t *edges;  /* ["from-key kind to-key", ...] */
	json_t *gaps;   /* [finding, ...] */
	json_t *byid;
};
void th_org_read(const char *store_path, const char *company, struct th_org_store *s);
void th_org_release(struct th_org_store *s);
/* The gap whose title has title_part and reason has reason_part, or NULL. */
const json_t *th_org_gap(const struct th_org_store *s, const char *title_part, const char *reason_part);

/* The proxy log's requests: every one in the call table (else the test fails); count of service:action of account. */
int th_org_requests(const struct th_org *w, const char *service_action, const char *account);

#endif
