/*
 * config: the scoring parameters (the engagement's `scoring` key) and the
 * data the score stage reads from templates/scoring/ (the SSVC deployer
 * model, the illustrative loss scenarios, the deal-view wording).
 *
 * score_config_load() checks everything before a run starts, as the rest of
 * the engagement file is checked: a bad key, type or range stops the run with
 * "FILE:LINE:COL: scoring...: what was expected".  Formulas and defaults are
 * documented in docs/scoring.md; the parameters as used are kept in
 * cfg->params so findings.json can show them beside every figure.
 */
#ifndef VETTER_SCORE_CONFIG_H
#define VETTER_SCORE_CONFIG_H

#include <stdint.h>

#include <jansson.h>

#include "core/engagement.h"
#include "core/schema.h"
#include "core/strbuf.h"
#include "ssvc.h"

#define SCORE_NDOMAINS 7
#define SCORE_MAX_SCENARIOS 50
#define SCORE_MAX_CRIT_RULES 1000
#define SCORE_IMAGE_AGE_DAYS 365 /* scoring.supply_chain.max_image_age_days */

/* Ordered enumerations: a higher value is worse (or more). */
enum score_crit { CRIT_LOW, CRIT_MEDIUM, CRIT_HIGH, CRIT_CRITICAL };
enum score_prio { PRIO_DEFER, PRIO_SCHEDULED, PRIO_OUT_OF_CYCLE, PRIO_IMMEDIATE };
enum score_effort {
	EFF_VULNERABILITY,
	EFF_BASE_IMAGE,
	EFF_SECRET,
	EFF_MISCONFIGURATION,
	EFF_EXPOSURE,
	EFF_THREAT,
	EFF_MANUAL,
	EFF_N
};

extern const char *const score_domain_names[SCORE_NDOMAINS + 1];   /* NULL-terminated */
extern const char *const score_crit_names[5];                      /* low .. critical, NULL */
extern const char *const score_prio_names[5];                      /* defer .. immediate, NULL */
extern const char *const score_effort_names[EFF_N + 1];
/* Index of name in a NULL-terminated list, -1 when absent or NULL. */
int score_index(const char *const *names, const char *name);

struct score_config {
	double coverage_threshold;
	int default_criticality;      /* enum score_crit */
	int safety_impact;            /* index in ssvc_safety_names */
	int unknown_exposure;         /* enum ssvc_exposure */
	json_t *criticality_rules;    /* array of rule objects (owned) */
	double penalty, finding_decay, asset_decay;
	double grades[4];             /* minimum score for A, B, C, D */
	double effort[EFF_N];
	double blended_rate;
	unsigned recommend;           /* bit (1 << priority) per recommended priority */
	uint64_t seed;
	long iterations;
	double max_reduction;
	json_t *scenarios;            /* normalised scenarios (owned), defaults filled in */
	int scenarios_illustrative;   /* the template's defaults are in use */
	char currency[8];             /* of the loss figures: always the engagement's once parsed */
	char money_currency[8];       /* of remediation costs: the engagement's */
	char fx_from[8];              /* scoring.fx.from ("" when no fx is given) */
	char fx_basis[256];           /* scoring.fx.basis */
	double fx_rate;               /* engagement currency per 1 fx_from */
	int fx_applied;               /* the default scenarios were converted */
	long max_image_age_days;      /* scoring.supply_chain.max_image_age_days */
	struct ssvc_model ssvc;
	json_t *deal;                 /* templates/scoring/deal.json (owned) */
	json_t *params;               /* every parameter as used (owned) */
};

/*
 * Where templates/ is: $VETTER_TEMPLATES, else templates/ beside the program
 * (a checkout), two folders up (build/san/vetter) or ../share/vetter/templates
 * (an installed program), else VETTER_DATADIR/templates.  ERR_NOTFOUND when
 * none exists.  score_templates_find() picks the first of these holding the
 * subfolder sub ("scoring", "consolidation"); score_templates_dir() is it
 * for "scoring".
 */
int score_templates_find(struct strbuf *out, const char *sub);
int score_templates_dir(struct strbuf *out);

/* Check the engagement's `scoring` key and load the templates; ERR_USAGE with the message set. */
int score_config_load(struct score_config *cfg, const struct engagement *eng);

/*
 * The same from parts, for tests and the fuzzer: scoring may be NULL (all
 * defaults); eng, when not NULL, is used to check the company ids scenarios
 * name; ctx names the file in messages; templates is the templates folder.
 */
int score_config_parse(struct score_config *cfg, const json_t *scoring, const char *currency,
		       const struct engagement *eng, const struct schema_ctx *ctx, const char *templates);

void score_config_release(struct score_config *cfg);

#endif
