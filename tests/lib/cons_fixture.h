/*
 * cons_fixture: two synthetic estates for the consolidation tests, written
 * with the store API (VPCs, subnets, default VPCs used and unused, clusters
 * with pod and service ranges, nodes, tools, identity, trails, roles trusted
 * by other accounts, findings), and the engagement file with on-premises and
 * VPN ranges (CFX_ENGAGEMENT).
 */
#ifndef VETTER_CONS_FIXTURE_H
#define VETTER_CONS_FIXTURE_H

#include <stdarg.h>
#include <stdint.h>

#include <jansson.h>

#include "core/engagement.h"
#include "core/store.h"

#define CFX_ENGAGEMENT                                                                                                   \
	"name: Deal\nclient: Heron\nas_of: 2026-11-15\ncurrency: EUR\n"                                              \
	"companies:\n"                                                                                               \
	"  - {id: heron, name: Heron AG, role: acquirer, sources: [{type: images, refs: ['dir:a']}]}\n"             \
	"  - {id: kestrel, name: Kestrel Payments, role: target, sources: [{type: images, refs: ['dir:b']}]}\n"     \
	"networks:\n"                                                                                                \
	"  - {company: heron, name: Frankfurt DC, kind: on-premises, ranges: [10.0.0.0/8, '2001:db8:100::/48']}\n" \
	"  - {company: kestrel, name: Office VPN, kind: vpn, ranges: [192.168.10.0/24]}\n"                         \
	"consolidation:\n"                                                                                           \
	"  tool_costs:\n"                                                                                            \
	"    - {company: kestrel, tool: sysdig-secure, annual: 85000}\n"                                            \
	"    - {company: heron, tool: falco, annual: 0, note: open source}\n"

struct fx {
	char *dir;
	struct engagement *eng;
	struct store *st;
	char *templates;
};

int64_t cfx_vput(struct fx *fx, const char *co, const char *kind, const char *key, const char *name,
		    const char *fmt, va_list ap);
int64_t cfx_put(struct fx *fx, const char *co, const char *kind, const char *key, const char *fmt, ...);
int64_t cfx_putn(struct fx *fx, const char *co, const char *kind, const char *key, const char *name,
		    const char *fmt, ...);
void cfx_finding(struct fx *fx, const char *co, const char *kind, const char *rule, const char *asset_kind,
		    const char *asset_key, const char *severity, const char *extra);
void cfx_heron(struct fx *fx);
void cfx_kestrel(struct fx *fx);
void cfx_open(struct fx *fx, const char *extra);
void cfx_close(struct fx *fx);
json_t *cfx_build(struct fx *fx);

#endif
