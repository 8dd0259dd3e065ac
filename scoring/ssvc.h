/*
 * ssvc: the CERT/CC SSVC deployer decision model (patch application
 * priority), as data.
 *
 * The model lives in templates/scoring/ssvc-deployer.json, written from the
 * published SSVC methodology: a tree over Exploitation, System Exposure and
 * Automatable whose leaves give the outcome for each Human Impact, and the
 * Human Impact table over Safety Impact and Mission Impact.  ssvc_model_parse()
 * refuses a model that does not decide every combination.
 */
#ifndef VETTER_SSVC_H
#define VETTER_SSVC_H

#include <jansson.h>

enum ssvc_exploitation { SSVC_EXPL_NONE, SSVC_EXPL_POC, SSVC_EXPL_ACTIVE };
enum ssvc_exposure { SSVC_EXPO_SMALL, SSVC_EXPO_CONTROLLED, SSVC_EXPO_OPEN };
enum ssvc_outcome { SSVC_DEFER, SSVC_SCHEDULED, SSVC_OUT_OF_CYCLE, SSVC_IMMEDIATE };

/* NULL-terminated value names, in the order of the enums (lower is less). */
extern const char *const ssvc_exploitation_names[4]; /* none, public poc, active */
extern const char *const ssvc_exposure_names[4];     /* small, controlled, open */
extern const char *const ssvc_automatable_names[3];  /* no, yes */
extern const char *const ssvc_human_names[5];        /* low, medium, high, very high */
extern const char *const ssvc_safety_names[5];       /* negligible, marginal, critical, catastrophic */
extern const char *const ssvc_mission_names[5];      /* degraded, mef support crippled, mef failure, mission failure */
extern const char *const ssvc_outcome_names[5];      /* defer, scheduled, out-of-cycle, immediate */

struct ssvc_model {
	unsigned char tree[3][3][2][4]; /* exploitation, exposure, automatable, human impact -> outcome */
	unsigned char human[4][4];      /* safety, mission -> human impact */
	unsigned char mission_by_crit[4]; /* asset criticality (low..critical) -> mission impact */
	char title[128];
};

/* Read the model from its JSON (file names it in messages); ERR_INVALID when incomplete or malformed. */
int ssvc_model_parse(struct ssvc_model *m, const json_t *doc, const char *file);

/* Arguments are enum values / indexes above; out-of-range arguments give -1. */
int ssvc_decide(const struct ssvc_model *m, int exploitation, int exposure, int automatable, int human_impact);
int ssvc_human_impact(const struct ssvc_model *m, int safety, int mission);

#endif
