#include "config.h"

#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "core/err.h"
#include "core/jsonx.h"
#include "core/util.h"
#include "core/ydoc.h"

const char *const score_domain_names[SCORE_NDOMAINS + 1] = {
	"vulnerabilities",   "identity-access",	     "network-exposure", "data-protection",
	"logging-detection", "kubernetes-hardening", "supply-chain",	 NULL,
};
const char *const score_crit_names[5] = { "low", "medium", "high", "critical", NULL };
const char *const score_prio_names[5] = { "defer", "scheduled", "out-of-cycle", "immediate", NULL };
const char *const score_effort_names[EFF_N + 1] = {
	"vulnerability", "base_image", "secret", "misconfiguration", "exposure", "threat", "manual", NULL,
};
static const double effort_defaults[EFF_N] = { 2, 4, 4, 2, 4, 16, 8 };

int score_index(const char *const *names, const char *name)
{
	int i;

	for (i = 0; name && names[i]; i++)
		if (!strcmp(names[i], name))
			return i;
	return -1;
}

/* ---- the schema of the `scoring` key ---- */

static const struct schema_field crit_rule_keys[] = {
	{ "level", SCH_STRING, 1, NULL, SCH_ANY, score_crit_names },
	{ "company", SCH_STRING, 0, NULL, SCH_ANY, NULL },
	{ "kind", SCH_STRING, 0, NULL, SCH_ANY, NULL },
	{ "namespace", SCH_STRING, 0, NULL, SCH_ANY, NULL },
	{ "cluster", SCH_STRING, 0, NULL, SCH_ANY, NULL },
	{ "account", SCH_STRING, 0, NULL, SCH_ANY, NULL },
	{ "asset", SCH_STRING, 0, NULL, SCH_ANY, NULL },
	{ "name", SCH_STRING, 0, NULL, SCH_ANY, NULL },
	{ NULL, 0, 0, NULL, 0, NULL },
};

static const struct schema_field grade_keys[] = {
	{ "A", SCH_NUMBER, 1, NULL, SCH_ANY, NULL },
	{ "B", SCH_NUMBER, 1, NULL, SCH_ANY, NULL },
	{ "C", SCH_NUMBER, 1, NULL, SCH_ANY, NULL },
	{ "D", SCH_NUMBER, 1, NULL, SCH_ANY, NULL },
	{ NULL, 0, 0, NULL, 0, NULL },
};

static const struct schema_field rating_keys[] = {
	{ "penalty", SCH_NUMBER, 0, NULL, SCH_ANY, NULL },
	{ "finding_decay", SCH_NUMBER, 0, NULL, SCH_ANY, NULL },
	{ "asset_decay", SCH_NUMBER, 0, NULL, SCH_ANY, NULL },
	{ "grades", SCH_OBJECT, 0, grade_keys, SCH_ANY, NULL },
	{ NULL, 0, 0, NULL, 0, NULL },
};

static const struct schema_field effort_keys[] = {
	{ "vulnerability", SCH_NUMBER, 0, NULL, SCH_ANY, NULL },
	{ "base_image", SCH_NUMBER, 0, NULL, SCH_ANY, NULL },
	{ "secret", SCH_NUMBER, 0, NULL, SCH_ANY, NULL },
	{ "misconfiguration", SCH_NUMBER, 0, NULL, SCH_ANY, NULL },
	{ "exposure", SCH_NUMBER, 0, NULL, SCH_ANY, NULL },
	{ "threat", SCH_NUMBER, 0, NULL, SCH_ANY, NULL },
	{ "manual", SCH_NUMBER, 0, NULL, SCH_ANY, NULL },
	{ NULL, 0, 0, NULL, 0, NULL },
};

static const struct schema_field range_keys[] = {
	{ "min", SCH_NUMBER, 1, NULL, SCH_ANY, NULL },
	{ "most_likely", SCH_NUMBER, 1, NULL, SCH_ANY, NULL },
	{ "max", SCH_NUMBER, 1, NULL, SCH_ANY, NULL },
	{ NULL, 0, 0, NULL, 0, NULL },
};

static const struct schema_field scenario_keys[] = {
	{ "id", SCH_STRING, 1, NULL, SCH_ANY, NULL },
	{ "name", SCH_STRING, 1, NULL, SCH_ANY, NULL },
	{ "companies", SCH_LIST, 0, NULL, SCH_STRING, NULL },
	{ "domains", SCH_LIST, 0, NULL, SCH_STRING, score_domain_names },
	{ "frequency", SCH_OBJECT, 1, range_keys, SCH_ANY, NULL },
	{ "magnitude", SCH_OBJECT, 1, range_keys, SCH_ANY, NULL },
	{ "max_reduction", SCH_NUMBER, 0, NULL, SCH_ANY, NULL },
	{ "basis", SCH_STRING, 0, NULL, SCH_ANY, NULL },
	{ "citation", SCH_STRING, 0, NULL, SCH_ANY, NULL },
	{ NULL, 0, 0, NULL, 0, NULL },
};

static const struct schema_field loss_keys[] = {
	{ "seed", SCH_INT, 0, NULL, SCH_ANY, NULL },
	{ "iterations", SCH_INT, 0, NULL, SCH_ANY, NULL },
	{ "max_reduction", SCH_NUMBER, 0, NULL, SCH_ANY, NULL },
	{ "scenarios", SCH_LIST, 0, scenario_keys, SCH_OBJECT, NULL },
	{ NULL, 0, 0, NULL, 0, NULL },
};

static const struct schema_field fx_keys[] = {
	{ "rate", SCH_NUMBER, 1, NULL, SCH_ANY, NULL },
	{ "from", SCH_STRING, 0, NULL, SCH_ANY, NULL },
	{ "basis", SCH_STRING, 0, NULL, SCH_ANY, NULL },
	{ NULL, 0, 0, NULL, 0, NULL },
};

static const struct schema_field supply_chain_keys[] = {
	{ "max_image_age_days", SCH_INT, 0, NULL, SCH_ANY, NULL },
	{ NULL, 0, 0, NULL, 0, NULL },
};

static const struct schema_field scoring_keys[] = {
	{ "coverage_threshold", SCH_NUMBER, 0, NULL, SCH_ANY, NULL },
	{ "default_criticality", SCH_STRING, 0, NULL, SCH_ANY, score_crit_names },
	{ "safety_impact", SCH_STRING, 0, NULL, SCH_ANY, ssvc_safety_names },
	{ "unknown_exposure", SCH_STRING, 0, NULL, SCH_ANY, ssvc_exposure_names },
	{ "criticality", SCH_LIST, 0, crit_rule_keys, SCH_OBJECT, NULL },
	{ "rating", SCH_OBJECT, 0, rating_keys, SCH_ANY, NULL },
	{ "effort", SCH_OBJECT, 0, effort_keys, SCH_ANY, NULL },
	{ "blended_rate", SCH_NUMBER, 0, NULL, SCH_ANY, NULL },
	{ "recommend", SCH_LIST, 0, NULL, SCH_STRING, score_prio_names },
	{ "loss", SCH_OBJECT, 0, loss_keys, SCH_ANY, NULL },
	{ "fx", SCH_OBJECT, 0, fx_keys, SCH_ANY, NULL },
	{ "supply_chain", SCH_OBJECT, 0, supply_chain_keys, SCH_ANY, NULL },
	{ NULL, 0, 0, NULL, 0, NULL },
};

/* ---- templates ---- */

int score_templates_find(struct strbuf *out, const char *sub)
{
	return util_data_dir(out, "VETTER_TEMPLATES", "templates", sub);
}

int score_templates_dir(struct strbuf *out)
{
	return score_templates_find(out, "scoring");
}

static int load_template(const char *dir, const char *name, json_t **out, struct strbuf *path)
{
	int rc;

	strbuf_reset(path);
	if ((rc = strbuf_addf(path, "%s/scoring/%s", dir, name)) < 0)
		return rc;
	if ((rc = jsonx_load_file(path->buf, 4 * 1024 * 1024, out)) < 0)
		return err_set(ERR_USAGE, "scoring template: %s", err_last());
	if (!json_is_object(*out))
		return err_set(ERR_USAGE, "scoring template %s: expected a JSON object", path->buf);
	return 0;
}

/* ---- checks beyond types ---- */

struct chk {
	const struct schema_ctx *ctx;
	struct strbuf path;
};

static int num_in(struct chk *c, const json_t *obj, const char *base, const char *key, double lo, double hi,
		  int lo_open, double dflt, double *out)
{
	const json_t *v = json_object_get(obj, key);
	double x;

	*out = dflt;
	if (!v || json_is_null(v))
		return 0;
	x = json_number_value(v);
	if (!isfinite(x) || x < lo || x > hi || (lo_open && x <= lo)) {
		strbuf_reset(&c->path);
		strbuf_addstr(&c->path, base);
		ydoc_path_key(&c->path, key);
		return schema_error(c->ctx, c->path.buf, "%s: expected a number %s %g and at most %g", c->path.buf,
				    lo_open ? "above" : "from", lo, hi);
	}
	*out = x;
	return 0;
}

static int check_range(struct chk *c, const json_t *sc, const char *base, const char *key, double hi, json_t **out)
{
	const json_t *r = json_object_get(sc, key);
	double a = jsonx_num(r, "min", 0), m = jsonx_num(r, "most_likely", 0), b = jsonx_num(r, "max", 0);

	strbuf_reset(&c->path);
	strbuf_addstr(&c->path, base);
	ydoc_path_key(&c->path, key);
	if (!isfinite(a) || !isfinite(m) || !isfinite(b) || a < 0 || b > hi || a > m || m > b)
		return schema_error(c->ctx, c->path.buf,
				    "%s: expected 0 <= min <= most_likely <= max <= %g (got %g, %g, %g)", c->path.buf,
				    hi, a, m, b);
	*out = json_pack("{s:f, s:f, s:f}", "min", a, "most_likely", m, "max", b);
	return *out ? 0 : err_set(ERR_NOMEM, "out of memory");
}

static int valid_scenario_id(const char *s)
{
	size_t i;

	if (!s || !s[0] || strlen(s) > 64)
		return 0;
	for (i = 0; s[i]; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') || (s[i] >= '0' && s[i] <= '9') ||
		      s[i] == '-' || s[i] == '_' || s[i] == '.'))
			return 0;
	return 1;
}

/* One scenario, checked and normalised (every member present). */
static int scenario(struct chk *c, struct score_config *cfg, const json_t *sc, size_t i, const struct engagement *eng,
		    int illustrative, json_t **out)
{
	struct strbuf base = STRBUF_INIT;
	json_t *n = NULL, *freq = NULL, *mag = NULL, *companies, *domains, *v;
	double red;
	size_t j;
	int rc;

	strbuf_addf(&base, "scoring.loss.scenarios[%zu]", i);
	if (!valid_scenario_id(jsonx_str(sc, "id"))) {
		rc = schema_error(c->ctx, base.buf, "%s.id: letters, digits, '-', '_' and '.' (at most 64)", base.buf);
		goto cleanup;
	}
	if ((rc = check_range(c, sc, base.buf, "frequency", 100, &freq)) < 0 ||
	    (rc = check_range(c, sc, base.buf, "magnitude", 1e13, &mag)) < 0 ||
	    (rc = num_in(c, sc, base.buf, "max_reduction", 0, 1, 0, cfg->max_reduction, &red)) < 0)
		goto cleanup;
	companies = json_object_get(sc, "companies");
	json_array_foreach(companies, j, v) {
		if (eng && !engagement_company(eng, json_string_value(v))) {
			strbuf_reset(&c->path);
			strbuf_addf(&c->path, "%s.companies[%zu]", base.buf, j);
			rc = schema_error(c->ctx, c->path.buf, "%s: no company '%s' in the engagement", c->path.buf,
					  json_string_value(v));
			goto cleanup;
		}
	}
	domains = json_object_get(sc, "domains");
	n = json_pack("{s:s, s:s, s:O, s:O, s:f, s:b, s:s, s:s}", "id", jsonx_str(sc, "id"), "name",
		      jsonx_str(sc, "name"), "frequency", freq, "magnitude", mag, "max_reduction", red, "illustrative",
		      illustrative, "basis", jsonx_strz(sc, "basis"), "citation", jsonx_strz(sc, "citation"));
	if (!n) {
		rc = err_set(ERR_NOMEM, "out of memory");
		goto cleanup;
	}
	json_object_set(n, "companies", json_is_array(companies) ? companies : json_null());
	if (json_array_size(domains)) {
		json_object_set(n, "domains", domains);
	} else {
		json_t *all = json_array();

		for (j = 0; j < SCORE_NDOMAINS; j++)
			json_array_append_new(all, json_string(score_domain_names[j]));
		json_object_set_new(n, "domains", all);
	}
	*out = n;
	n = NULL;
cleanup:
	json_decref(n);
	json_decref(freq);
	json_decref(mag);
	strbuf_release(&base);
	return rc;
}

static int scenarios(struct chk *c, struct score_config *cfg, const json_t *list, const struct engagement *eng,
		     int illustrative)
{
	json_t *sc, *n = NULL;
	size_t i, j;
	int rc;

	if (json_array_size(list) > SCORE_MAX_SCENARIOS)
		return schema_error(c->ctx, "scoring.loss.scenarios", "scoring.loss.scenarios: at most %d scenarios",
				    SCORE_MAX_SCENARIOS);
	json_array_foreach(list, i, sc) {
		if ((rc = scenario(c, cfg, sc, i, eng, illustrative, &n)) < 0)
			return rc;
		for (j = 0; j < json_array_size(cfg->scenarios); j++) {
			if (!strcmp(jsonx_strz(json_array_get(cfg->scenarios, j), "id"), jsonx_strz(n, "id"))) {
				json_decref(n);
				strbuf_reset(&c->path);
				strbuf_addf(&c->path, "scoring.loss.scenarios[%zu].id", i);
				return schema_error(c->ctx, c->path.buf, "%s: duplicate scenario id '%s'", c->path.buf,
						    jsonx_strz(sc, "id"));
			}
		}
		if (json_array_append_new(cfg->scenarios, n) < 0)
			return err_set(ERR_NOMEM, "out of memory");
	}
	return 0;
}

static int valid_currency(const char *c)
{
	return c && strlen(c) == 3 && c[0] >= 'A' && c[0] <= 'Z' && c[1] >= 'A' && c[1] <= 'Z' && c[2] >= 'A' &&
	       c[2] <= 'Z';
}

/* scoring.fx: how many units of the engagement's currency one unit of `from` buys. */
static int fx_parse(struct chk *c, struct score_config *cfg, const json_t *fx)
{
	const char *from = jsonx_str(fx, "from");

	if (!fx || json_is_null(fx))
		return 0;
	if (from && !valid_currency(from))
		return schema_error(c->ctx, "scoring.fx.from", "scoring.fx.from: expected an ISO 4217 code such as USD");
	if (num_in(c, fx, "scoring.fx", "rate", 0, 1e6, 1, 1, &cfg->fx_rate) < 0)
		return ERR_USAGE;
	/* Without `from`, the rate is from the defaults' currency (filled in by convert_defaults). */
	snprintf(cfg->fx_from, sizeof(cfg->fx_from), "%s", from ? from : "");
	snprintf(cfg->fx_basis, sizeof(cfg->fx_basis), "%s", jsonx_strz(fx, "basis"));
	return 0;
}

/*
 * The default scenarios are stated in the currency of the studies they cite
 * (USD).  In an engagement of another currency their magnitudes are
 * converted with scoring.fx (rounded to whole units), so every money figure
 * is in the engagement's currency; without a rate the run stops here.
 */
static int convert_defaults(struct chk *c, struct score_config *cfg, const json_t *scoring)
{
	static const char *const ends[] = { "min", "most_likely", "max" };
	const char *where = json_object_get(scoring, "fx") ? "scoring.fx" : scoring ? "scoring" : "currency";
	json_t *sc, *mag, *src;
	size_t i, j;

	if (cfg->fx_rate > 0 && !cfg->fx_from[0])
		snprintf(cfg->fx_from, sizeof(cfg->fx_from), "%s", cfg->currency);
	if (!strcmp(cfg->currency, cfg->money_currency))
		return 0;
	if (!(cfg->fx_rate > 0))
		return schema_error(c->ctx, where,
				    "scoring.fx: the engagement's currency is %s but the default loss scenarios "
				    "(templates/scoring/loss-scenarios.json) are in %s: give the rate as scoring.fx.rate "
				    "(%s per 1 %s, with scoring.fx.basis saying whose rate of which day), or state "
				    "scoring.loss.scenarios in %s",
				    cfg->money_currency, cfg->currency, cfg->money_currency, cfg->currency, cfg->money_currency);
	if (strcmp(cfg->fx_from, cfg->currency))
		return schema_error(c->ctx, "scoring.fx.from",
				    "scoring.fx.from: the default loss scenarios are in %s, not %s: give the rate from %s",
				    cfg->currency, cfg->fx_from, cfg->currency);
	json_array_foreach(cfg->scenarios, i, sc) {
		mag = json_object_get(sc, "magnitude");
		if (!(src = json_deep_copy(mag)) || json_object_set_new(src, "currency", json_string(cfg->currency)) < 0 ||
		    json_object_set_new(sc, "magnitude_source", src) < 0)
			return err_set(ERR_NOMEM, "out of memory");
		for (j = 0; j < 3; j++)
			json_object_set_new(mag, ends[j], json_real(floor(jsonx_num(mag, ends[j], 0) * cfg->fx_rate + 0.5)));
		json_object_set_new(sc, "fx_rate", json_real(cfg->fx_rate));
	}
	cfg->fx_applied = 1;
	snprintf(cfg->currency, sizeof(cfg->currency), "%s", cfg->money_currency);
	return 0;
}

static int params_json(struct score_config *cfg, const json_t *scoring)
{
	static const char *const top[] = { "coverage_threshold", "default_criticality", "safety_impact",
					   "unknown_exposure", "criticality", "rating", "effort",
					   "blended_rate", "recommend", "loss", "fx", "supply_chain", NULL };
	json_t *p, *effort = json_object(), *rec = json_array(), *defaults = json_array();
	size_t i;

	if (!effort || !rec || !defaults)
		goto nomem;
	for (i = 0; i < EFF_N; i++)
		json_object_set_new(effort, score_effort_names[i], json_real(cfg->effort[i]));
	for (i = 0; i < 4; i++)
		if (cfg->recommend & (1u << i))
			json_array_append_new(rec, json_string(score_prio_names[i]));
	for (i = 0; top[i]; i++)
		if (!json_object_get(scoring, top[i]))
			json_array_append_new(defaults, json_string(top[i]));
	p = json_pack("{s:f, s:s, s:s, s:s, s:O, s:{s:f, s:f, s:f, s:{s:f, s:f, s:f, s:f}}, s:o, s:f, s:o, "
		      "s:{s:I, s:I, s:f, s:O, s:b, s:s}, s:o, s:s, s:s}",
		      "coverage_threshold", cfg->coverage_threshold, "default_criticality",
		      score_crit_names[cfg->default_criticality], "safety_impact", ssvc_safety_names[cfg->safety_impact],
		      "unknown_exposure", ssvc_exposure_names[cfg->unknown_exposure], "criticality",
		      cfg->criticality_rules, "rating", "penalty", cfg->penalty, "finding_decay", cfg->finding_decay,
		      "asset_decay", cfg->asset_decay, "grades", "A", cfg->grades[0], "B", cfg->grades[1], "C",
		      cfg->grades[2], "D", cfg->grades[3], "effort", effort, "blended_rate", cfg->blended_rate,
		      "recommend", rec, "loss", "seed", (json_int_t)cfg->seed, "iterations", (json_int_t)cfg->iterations,
		      "max_reduction", cfg->max_reduction, "scenarios", cfg->scenarios, "illustrative",
		      cfg->scenarios_illustrative, "currency", cfg->currency, "defaults", defaults, "ssvc_model",
		      cfg->ssvc.title, "currency", cfg->money_currency);
	effort = rec = defaults = NULL;
	if (!p)
		goto nomem;
	json_object_set_new(p, "fx", cfg->fx_rate > 0 ? json_pack("{s:s?, s:s, s:f, s:s, s:b}", "from", cfg->fx_from[0] ? cfg->fx_from : NULL, "to",
								 cfg->money_currency, "rate", cfg->fx_rate, "basis",
								 cfg->fx_basis, "applied", cfg->fx_applied)
						     : json_null());
	json_object_set_new(p, "supply_chain", json_pack("{s:I}", "max_image_age_days", (json_int_t)cfg->max_image_age_days));
	cfg->params = p;
	return 0;
nomem:
	json_decref(effort);
	json_decref(rec);
	json_decref(defaults);
	return err_set(ERR_NOMEM, "out of memory");
}

int score_config_parse(struct score_config *cfg, const json_t *scoring, const char *currency,
		       const struct engagement *eng, const struct schema_ctx *ctx, const char *templates)
{
	struct chk c = { ctx, STRBUF_INIT };
	struct strbuf path = STRBUF_INIT;
	const json_t *rating, *grades, *effort, *loss, *list;
	json_t *ssvc = NULL, *defaults = NULL, *v;
	double seed = 1, iters = 10000, age = SCORE_IMAGE_AGE_DAYS;
	size_t i;
	int rc;

	memset(cfg, 0, sizeof(*cfg));
	cfg->scenarios = json_array();
	if (!cfg->scenarios)
		return err_set(ERR_NOMEM, "out of memory");
	if (scoring && json_is_null(scoring))
		scoring = NULL;
	if (scoring && (rc = schema_check_object(ctx, scoring, "scoring", "scoring", scoring_keys, NULL)) < 0)
		goto cleanup;
	snprintf(cfg->money_currency, sizeof(cfg->money_currency), "%s", currency ? currency : "USD");
	cfg->default_criticality = CRIT_MEDIUM;
	cfg->safety_impact = 0;
	cfg->unknown_exposure = SSVC_EXPO_CONTROLLED;
	if (jsonx_str(scoring, "default_criticality"))
		cfg->default_criticality = score_index(score_crit_names, jsonx_str(scoring, "default_criticality"));
	if (jsonx_str(scoring, "safety_impact"))
		cfg->safety_impact = score_index(ssvc_safety_names, jsonx_str(scoring, "safety_impact"));
	if (jsonx_str(scoring, "unknown_exposure"))
		cfg->unknown_exposure = score_index(ssvc_exposure_names, jsonx_str(scoring, "unknown_exposure"));
	if ((rc = num_in(&c, scoring, "scoring", "coverage_threshold", 0, 1, 0, 0.7, &cfg->coverage_threshold)) < 0 ||
	    (rc = num_in(&c, scoring, "scoring", "blended_rate", 0, 1e7, 0, 150, &cfg->blended_rate)) < 0)
		goto cleanup;
	if ((rc = num_in(&c, json_object_get(scoring, "supply_chain"), "scoring.supply_chain", "max_image_age_days", 1,
			 36500, 0, SCORE_IMAGE_AGE_DAYS, &age)) < 0 ||
	    (rc = fx_parse(&c, cfg, json_object_get(scoring, "fx"))) < 0)
		goto cleanup;
	cfg->max_image_age_days = (long)age;
	list = json_object_get(scoring, "criticality");
	if (json_array_size(list) > SCORE_MAX_CRIT_RULES) {
		rc = schema_error(ctx, "scoring.criticality", "scoring.criticality: at most %d rules",
				  SCORE_MAX_CRIT_RULES);
		goto cleanup;
	}
	cfg->criticality_rules = json_is_array(list) ? json_deep_copy(list) : json_array();
	rating = json_object_get(scoring, "rating");
	if ((rc = num_in(&c, rating, "scoring.rating", "penalty", 0, 100, 1, 1.5, &cfg->penalty)) < 0 ||
	    (rc = num_in(&c, rating, "scoring.rating", "finding_decay", 0, 1, 1, 0.5, &cfg->finding_decay)) < 0 ||
	    (rc = num_in(&c, rating, "scoring.rating", "asset_decay", 0, 1, 1, 0.6, &cfg->asset_decay)) < 0)
		goto cleanup;
	grades = json_object_get(rating, "grades");
	for (i = 0; i < 4; i++) {
		static const char *const g[] = { "A", "B", "C", "D" };
		static const double dg[] = { 90, 80, 70, 60 };

		if ((rc = num_in(&c, grades, "scoring.rating.grades", g[i], 0, 100, 0, dg[i], &cfg->grades[i])) < 0)
			goto cleanup;
		if (i && cfg->grades[i] > cfg->grades[i - 1]) {
			rc = schema_error(ctx, "scoring.rating.grades", "scoring.rating.grades: %s must not be above %s",
					  g[i], g[i - 1]);
			goto cleanup;
		}
	}
	effort = json_object_get(scoring, "effort");
	for (i = 0; i < EFF_N; i++)
		if ((rc = num_in(&c, effort, "scoring.effort", score_effort_names[i], 0, 10000, 0, effort_defaults[i],
				 &cfg->effort[i])) < 0)
			goto cleanup;
	list = json_object_get(scoring, "recommend");
	cfg->recommend = list ? 0 : (1u << PRIO_IMMEDIATE) | (1u << PRIO_OUT_OF_CYCLE);
	json_array_foreach(list, i, v)
		cfg->recommend |= 1u << score_index(score_prio_names, json_string_value(v));
	loss = json_object_get(scoring, "loss");
	if ((rc = num_in(&c, loss, "scoring.loss", "seed", 0, 9007199254740991.0, 0, 1, &seed)) < 0 ||
	    (rc = num_in(&c, loss, "scoring.loss", "iterations", 100, 1000000, 0, 10000, &iters)) < 0 ||
	    (rc = num_in(&c, loss, "scoring.loss", "max_reduction", 0, 1, 0, 0.8, &cfg->max_reduction)) < 0)
		goto cleanup;
	cfg->seed = (uint64_t)seed;
	cfg->iterations = (long)iters;

	if ((rc = load_template(templates, "ssvc-deployer.json", &ssvc, &path)) < 0)
		goto cleanup;
	if ((rc = ssvc_model_parse(&cfg->ssvc, ssvc, path.buf)) < 0) {
		rc = err_set(ERR_USAGE, "scoring template: %s", err_last());
		goto cleanup;
	}
	if ((rc = load_template(templates, "deal.json", &cfg->deal, &path)) < 0)
		goto cleanup;
	list = json_object_get(loss, "scenarios");
	if (list && json_array_size(list)) {
		snprintf(cfg->currency, sizeof(cfg->currency), "%s", cfg->money_currency);
		rc = scenarios(&c, cfg, list, eng, 0);
	} else {
		struct schema_ctx tctx = { path.buf, NULL };

		if ((rc = load_template(templates, "loss-scenarios.json", &defaults, &path)) < 0)
			goto cleanup;
		c.ctx = &tctx;
		cfg->scenarios_illustrative = 1;
		snprintf(cfg->currency, sizeof(cfg->currency), "%s", jsonx_str(defaults, "currency") ?
			 jsonx_str(defaults, "currency") : "USD");
		rc = scenarios(&c, cfg, json_object_get(defaults, "scenarios"), NULL, 1);
		c.ctx = ctx;
		if (rc == 0)
			rc = convert_defaults(&c, cfg, scoring);
	}
	if (rc == 0)
		rc = params_json(cfg, scoring);
cleanup:
	if (rc < 0 && rc != ERR_NOMEM && rc != ERR_USAGE)
		rc = err_set(ERR_USAGE, "%s", err_last());
	if (rc < 0)
		score_config_release(cfg);
	json_decref(ssvc);
	json_decref(defaults);
	strbuf_release(&path);
	strbuf_release(&c.path);
	return rc;
}

int score_config_load(struct score_config *cfg, const struct engagement *eng)
{
	struct ydoc_limits lim = { 200000, 64 };
	struct strbuf dir = STRBUF_INIT;
	struct ydoc_map *pos = NULL;
	struct schema_ctx ctx = { eng->file, NULL };
	json_t *again = NULL;
	int rc;

	memset(cfg, 0, sizeof(*cfg));
	/* Positions for messages (the currency's too): the engagement module keeps the document, not its map. */
	if (ydoc_load_file(eng->file, &lim, &again, &pos) == 0)
		ctx.pos = pos;
	if ((rc = score_templates_dir(&dir)) < 0) {
		rc = err_set(ERR_USAGE, "scoring: %s", err_last());
		goto cleanup;
	}
	rc = score_config_parse(cfg, json_object_get(eng->doc, "scoring"), eng->currency, eng, &ctx, dir.buf);
cleanup:
	json_decref(again);
	ydoc_map_free(pos);
	strbuf_release(&dir);
	return rc;
}

void score_config_release(struct score_config *cfg)
{
	json_decref(cfg->criticality_rules);
	json_decref(cfg->scenarios);
	json_decref(cfg->deal);
	json_decref(cfg->params);
	cfg->criticality_rules = cfg->scenarios = cfg->deal = cfg->params = NULL;
}
