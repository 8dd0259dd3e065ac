/*
 * score_int: what the scoring modules share while one computation runs.
 *
 * risk.c    per finding: likelihood, impact, SSVC, domain, priority
 * issues.c  de-duplication into issues, remediation groups, effort and cost
 * rating.c  coverage, ratings per company and domain, compliance counts
 * money.c   the annualised-loss Monte Carlo
 * deal.c    red flags, conditions for counsel, Day-1 notes, side by side
 * compute.c the order of all of it, and the scores document
 */
#ifndef VETTER_SCORE_INT_H
#define VETTER_SCORE_INT_H

#include <stddef.h>

#include <jansson.h>

#include "config.h"
#include "model.h"

#define SC_MAX_RED_FLAGS 4
enum sc_red_flag { RF_KEV_INTERNET, RF_ROOT_NO_MFA, RF_PUBLIC_DATA, RF_COMPROMISE };
extern const char *const sc_red_flag_ids[SC_MAX_RED_FLAGS + 1];

struct sc_finding {
	json_t *f;              /* borrowed from the model */
	const char *id, *company, *kind, *rule;
	int company_idx;        /* -1: not a company of the engagement (skipped) */
	long asset;             /* model asset index, or -1 (counts against the company) */
	int counted;            /* open, and not a gap */
	int expl, expo, crit, sev, dom, running, kev, automatable;
	double epss, exploit_factor, exposure_factor, severity_factor, crit_factor;
	double L, I, r;
	int ssvc;               /* SSVC decision, -1 when not a vulnerability */
	int human;              /* SSVC human impact, -1 when not a vulnerability */
	int prio;
	const char *prio_basis, *expl_basis, *dom_basis;
	char *expo_basis, *crit_basis;
	unsigned red_flags;     /* bit per enum sc_red_flag */
	int recommended;        /* its remediation group is recommended */
	double effort;          /* hours per asset */
	char issue[24], group[24];
};

struct sc_state {
	struct sc_model *m;
	const struct score_config *cfg;
	struct sc_finding *fs;
	size_t nfs;
};

/* floor(x * 10^decimals + 0.5) / 10^decimals: the rounding every output uses (decimals 0..4). */
double sc_round(double x, int decimals);
/* Money in whole units of its currency (rounded as above). */
json_t *sc_money(double x);
/* "PREFIX-" and the first n hex digits of SHA-256 of parts joined by NUL bytes. */
int sc_hash_id(char *out, size_t outlen, const char *prefix, size_t n, const char *const *parts, size_t nparts);

/* risk.c */
int risk_assess(struct sc_state *s);
void risk_release(struct sc_state *s);
/* Raise a finding's priority to immediate for a red flag. */
void risk_red_flag(struct sc_finding *f, int flag);
/* Write each finding's `risk` member (removing a stale one from findings not counted). */
int risk_annotate(struct sc_state *s);
/* A JSON number for a factor or a likelihood (rounded to four decimals). */
json_t *risk_real4(double x);

/* issues.c: issues and remediation groups of company ci */
int issues_build(struct sc_state *s, int ci, json_t **issues, json_t **remediation);

/* rating.c */
int rating_company(struct sc_state *s, int ci, json_t *out);
int compliance_company(struct sc_state *s, int ci, json_t **out);

/* money.c */
/* Needs each finding's `recommended` set. */
int money_loss(struct sc_state *s, int ci, json_t **out);

/* deal.c */
int deal_red_flags(struct sc_state *s, int ci, json_t **out);
int deal_view(struct sc_state *s, const json_t *companies, json_t **deal, json_t **comparison);

#endif
