#include "ssvc.h"

#include <stdio.h>
#include <string.h>

#include "core/err.h"
#include "core/jsonx.h"

const char *const ssvc_exploitation_names[4] = { "none", "public poc", "active", NULL };
const char *const ssvc_exposure_names[4] = { "small", "controlled", "open", NULL };
const char *const ssvc_automatable_names[3] = { "no", "yes", NULL };
const char *const ssvc_human_names[5] = { "low", "medium", "high", "very high", NULL };
const char *const ssvc_safety_names[5] = { "negligible", "marginal", "critical", "catastrophic", NULL };
const char *const ssvc_mission_names[5] = { "degraded", "mef support crippled", "mef failure", "mission failure",
					    NULL };
const char *const ssvc_outcome_names[5] = { "defer", "scheduled", "out-of-cycle", "immediate", NULL };

static const char *const crit_names[] = { "low", "medium", "high", "critical", NULL };

static int find(const char *const *names, const char *s)
{
	int i;

	for (i = 0; s && names[i]; i++)
		if (!strcmp(names[i], s))
			return i;
	return -1;
}

/* The model names its decision points' values; they must be ours, in our order. */
static int check_values(const json_t *doc, const char *key, const char *const *names, const char *file)
{
	const json_t *a = jsonx_dig(doc, key);
	size_t i, n = 0;

	while (names[n])
		n++;
	if (!json_is_array(a) || json_array_size(a) != n)
		return err_set(ERR_INVALID, "%s: %s: expected a list of %zu values", file, key, n);
	for (i = 0; i < n; i++)
		if (!json_is_string(json_array_get(a, i)) || strcmp(json_string_value(json_array_get(a, i)), names[i]))
			return err_set(ERR_INVALID, "%s: %s[%zu]: expected '%s'", file, key, i, names[i]);
	return 0;
}

/* A leaf: one value per column, each one of names. */
static int read_row(const json_t *row, const char *const *names, unsigned char *out, size_t n, const char *file,
		    const char *where)
{
	size_t i;
	int v;

	if (!json_is_array(row) || json_array_size(row) != n)
		return err_set(ERR_INVALID, "%s: %s: expected a list of %zu values", file, where, n);
	for (i = 0; i < n; i++) {
		v = find(names, json_string_value(json_array_get(row, i)));
		if (v < 0)
			return err_set(ERR_INVALID, "%s: %s[%zu]: not a known value", file, where, i);
		out[i] = (unsigned char)v;
	}
	return 0;
}

int ssvc_model_parse(struct ssvc_model *m, const json_t *doc, const char *file)
{
	char where[160];
	const json_t *tree, *hi, *byc;
	int e, x, a, s, rc;

	memset(m, 0, sizeof(*m));
	if (!json_is_object(doc) || strcmp(jsonx_strz(doc, "model"), "ssvc-deployer"))
		return err_set(ERR_INVALID, "%s: not an SSVC deployer model (\"model\": \"ssvc-deployer\")", file);
	snprintf(m->title, sizeof(m->title), "%s", jsonx_strz(doc, "title"));
	if ((rc = check_values(doc, "decision_points.exploitation", ssvc_exploitation_names, file)) < 0 ||
	    (rc = check_values(doc, "decision_points.system_exposure", ssvc_exposure_names, file)) < 0 ||
	    (rc = check_values(doc, "decision_points.automatable", ssvc_automatable_names, file)) < 0 ||
	    (rc = check_values(doc, "decision_points.human_impact", ssvc_human_names, file)) < 0 ||
	    (rc = check_values(doc, "outcomes", ssvc_outcome_names, file)) < 0 ||
	    (rc = check_values(doc, "human_impact.safety_impact", ssvc_safety_names, file)) < 0 ||
	    (rc = check_values(doc, "human_impact.mission_impact", ssvc_mission_names, file)) < 0)
		return rc;
	tree = json_object_get(doc, "tree");
	for (e = 0; e < 3; e++)
		for (x = 0; x < 3; x++)
			for (a = 0; a < 2; a++) {
				const json_t *leaf;

				leaf = json_object_get(json_object_get(json_object_get(tree, ssvc_exploitation_names[e]),
								       ssvc_exposure_names[x]),
						       ssvc_automatable_names[a]);
				snprintf(where, sizeof(where), "tree.%s.%s.%s", ssvc_exploitation_names[e],
					 ssvc_exposure_names[x], ssvc_automatable_names[a]);
				if ((rc = read_row(leaf, ssvc_outcome_names, m->tree[e][x][a], 4, file, where)) < 0)
					return rc;
			}
	hi = json_object_get(json_object_get(doc, "human_impact"), "table");
	for (s = 0; s < 4; s++) {
		snprintf(where, sizeof(where), "human_impact.table.%s", ssvc_safety_names[s]);
		if ((rc = read_row(json_object_get(hi, ssvc_safety_names[s]), ssvc_human_names, m->human[s], 4, file,
				   where)) < 0)
			return rc;
	}
	byc = json_object_get(doc, "mission_impact_by_criticality");
	for (s = 0; s < 4; s++) {
		int v = find(ssvc_mission_names, jsonx_str(byc, crit_names[s]));

		if (v < 0)
			return err_set(ERR_INVALID, "%s: mission_impact_by_criticality.%s: expected a mission impact",
				       file, crit_names[s]);
		m->mission_by_crit[s] = (unsigned char)v;
	}
	return 0;
}

int ssvc_decide(const struct ssvc_model *m, int exploitation, int exposure, int automatable, int human_impact)
{
	if (exploitation < 0 || exploitation > 2 || exposure < 0 || exposure > 2 || automatable < 0 ||
	    automatable > 1 || human_impact < 0 || human_impact > 3)
		return -1;
	return m->tree[exploitation][exposure][automatable][human_impact];
}

int ssvc_human_impact(const struct ssvc_model *m, int safety, int mission)
{
	if (safety < 0 || safety > 3 || mission < 0 || mission > 3)
		return -1;
	return m->human[safety][mission];
}
