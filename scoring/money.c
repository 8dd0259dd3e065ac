/*
 * money: an Open FAIR-style Monte Carlo of annualised loss over the loss
 * scenarios, before and after the recommended fixes (docs/scoring.md,
 * "Money").  Every draw is reproducible: the generator, the seeding and the
 * samplers are spelled out there, and tests/lib/score_reference.py repeats
 * them.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/err.h"
#include "core/jsonx.h"
#include "score_int.h"

struct rng {
	uint64_t s[4];
};

static uint64_t splitmix64(uint64_t *x)
{
	uint64_t z = (*x += 0x9E3779B97F4A7C15ULL);

	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
	return z ^ (z >> 31);
}

static uint64_t rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

/* xoshiro256** */
static uint64_t rng_next(struct rng *r)
{
	uint64_t *s = r->s, result = rotl(s[1] * 5, 7) * 9, t = s[1] << 17;

	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = rotl(s[3], 45);
	return result;
}

static double uniform(struct rng *r)
{
	return (double)(rng_next(r) >> 11) * 0x1.0p-53;
}

static uint64_t fnv1a(const char *a, const char *b)
{
	uint64_t h = 0xcbf29ce484222325ULL;
	const unsigned char *p;

	for (p = (const unsigned char *)a; *p; p++)
		h = (h ^ *p) * 0x100000001b3ULL;
	h = (h ^ 0) * 0x100000001b3ULL;
	for (p = (const unsigned char *)b; *p; p++)
		h = (h ^ *p) * 0x100000001b3ULL;
	return h;
}

static void rng_seed(struct rng *r, uint64_t seed, const char *company, const char *scenario)
{
	uint64_t x = seed ^ fnv1a(company, scenario);
	int i;

	for (i = 0; i < 4; i++)
		r->s[i] = splitmix64(&x);
}

/* Marsaglia polar method; one of the pair is used, so each call is self-contained. */
static double normal(struct rng *r)
{
	double u, v, q;
	int tries;

	for (tries = 0; tries < 1000; tries++) {
		u = 2.0 * uniform(r) - 1.0;
		v = 2.0 * uniform(r) - 1.0;
		q = u * u + v * v;
		if (q > 0 && q < 1)
			return u * sqrt(-2.0 * log(q) / q);
	}
	return 0;
}

/* Marsaglia and Tsang for shape a >= 1 (PERT shapes are). */
static double gamma_draw(struct rng *r, double a)
{
	double d = a - 1.0 / 3.0, c = 1.0 / sqrt(9.0 * d), x, v, u;
	int tries;

	for (tries = 0; tries < 1000; tries++) {
		x = normal(r);
		v = 1.0 + c * x;
		if (v <= 0)
			continue;
		v = v * v * v;
		u = uniform(r);
		if (u < 1.0 - 0.0331 * (x * x) * (x * x))
			return d * v;
		if (log(u) < 0.5 * x * x + d * (1.0 - v + log(v)))
			return d * v;
	}
	return d;
}

static double pert(struct rng *r, const json_t *range)
{
	double a = jsonx_num(range, "min", 0), m = jsonx_num(range, "most_likely", 0), b = jsonx_num(range, "max", 0);
	double alpha, beta, x, y;

	if (!(b > a))
		return a;
	alpha = 1.0 + 4.0 * (m - a) / (b - a);
	beta = 1.0 + 4.0 * (b - m) / (b - a);
	x = gamma_draw(r, alpha);
	y = gamma_draw(r, beta);
	return a + (b - a) * (x / (x + y));
}

static double pert_mean(const json_t *range)
{
	return (jsonx_num(range, "min", 0) + 4.0 * jsonx_num(range, "most_likely", 0) + jsonx_num(range, "max", 0)) /
	       6.0;
}

/* Poisson by inversion of one uniform: the same u gives no more events for a smaller lambda. */
static long poisson(double lambda, double u)
{
	double p = exp(-lambda), F = p;
	long k = 0;

	while (u > F && k < 1000) {
		k++;
		p *= lambda / (double)k;
		F += p;
	}
	return k;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* P10, P50, P90 (nearest rank, in integers) and the mean; sorts v. */
static json_t *percentiles(double *v, long n)
{
	static const long q[] = { 100, 500, 900 };
	double mean = 0, p[3];
	long i;

	for (i = 0; i < n; i++)
		mean += v[i];
	mean /= (double)n;
	qsort(v, (size_t)n, sizeof(*v), cmp_double);
	for (i = 0; i < 3; i++)
		p[i] = v[(q[i] * n + 999) / 1000 - 1];
	return json_pack("{s:o, s:o, s:o, s:o}", "p10", sc_money(p[0]), "p50", sc_money(p[1]), "p90", sc_money(p[2]),
			 "mean", sc_money(mean));
}

static int applies(const json_t *sc, const char *company)
{
	const json_t *companies = json_object_get(sc, "companies"), *v;
	size_t i;

	if (!json_is_array(companies))
		return 1;
	json_array_foreach(companies, i, v)
		if (!strcmp(json_string_value(v), company))
			return 1;
	return 0;
}

static int in_domains(const json_t *sc, int dom)
{
	const json_t *v;
	size_t i;

	if (dom < 0)
		return 0;
	json_array_foreach(json_object_get(sc, "domains"), i, v)
		if (!strcmp(json_string_value(v), score_domain_names[dom]))
			return 1;
	return 0;
}

/* One scenario for one company: adds its years to before/after and returns its JSON. */
static json_t *simulate(const struct sc_state *s, int ci, const json_t *sc, double *before, double *after, double *yb, double *ya)
{
	const char *company = s->m->co[ci].id;
	const json_t *freq = json_object_get(sc, "frequency"), *mag = json_object_get(sc, "magnitude");
	double total = 0, fixed = 0, red, maxred = jsonx_num(sc, "max_reduction", 0), lambda, u, m;
	long it, n = s->cfg->iterations, k, nb, na;
	struct rng r;
	size_t i;
	json_t *o;

	for (i = 0; i < s->nfs; i++) {
		const struct sc_finding *x = &s->fs[i];

		if (!x->counted || x->company_idx != ci || !in_domains(sc, x->dom))
			continue;
		total += x->r;
		if (x->recommended)
			fixed += x->r;
	}
	red = total > 0 ? maxred * fixed / total : 0;
	rng_seed(&r, s->cfg->seed, company, jsonx_strz(sc, "id"));
	for (it = 0; it < n; it++) {
		double lb = 0, la = 0;

		lambda = pert(&r, freq);
		u = uniform(&r);
		nb = poisson(lambda, u);
		na = poisson(lambda * (1.0 - red), u);
		for (k = 0; k < nb; k++) {
			m = pert(&r, mag);
			lb += m;
			if (k < na)
				la += m;
		}
		yb[it] = lb, ya[it] = la;
		before[it] += lb, after[it] += la;
	}
	o = json_pack("{s:s, s:s, s:s, s:s, s:b, s:O, s:O, s:O, s:f, s:o, s:o, s:o, s:o, s:o, s:o, s:o}", "id",
		      jsonx_strz(sc, "id"), "name", jsonx_strz(sc, "name"), "basis", jsonx_strz(sc, "basis"), "citation",
		      jsonx_strz(sc, "citation"), "illustrative", json_is_true(json_object_get(sc, "illustrative")),
		      "domains", json_object_get(sc, "domains"), "frequency", freq, "magnitude", mag, "max_reduction",
		      maxred, "risk_total", risk_real4(total), "risk_fixed", risk_real4(fixed), "reduction",
		      risk_real4(red), "expected_before", sc_money(pert_mean(freq) * pert_mean(mag)), "expected_after",
		      sc_money(pert_mean(freq) * (1.0 - red) * pert_mean(mag)), "before", percentiles(yb, n), "after",
		      percentiles(ya, n));
	return o;
}

int money_loss(struct sc_state *s, int ci, json_t **out)
{
	const struct score_config *cfg = s->cfg;
	long n = cfg->iterations;
	double *before = calloc((size_t)n, sizeof(double)), *after = calloc((size_t)n, sizeof(double));
	double *yb = calloc((size_t)n, sizeof(double)), *ya = calloc((size_t)n, sizeof(double));
	json_t *list = json_array(), *sc, *o = NULL;
	size_t i, used = 0;
	int rc = 0;

	*out = NULL;
	if (!before || !after || !yb || !ya || !list) {
		rc = err_set(ERR_NOMEM, "out of memory");
		goto cleanup;
	}
	json_array_foreach(cfg->scenarios, i, sc) {
		if (!applies(sc, s->m->co[ci].id))
			continue;
		o = simulate(s, ci, sc, before, after, yb, ya);
		if (!o || json_array_append_new(list, o) < 0) {
			rc = err_set(ERR_NOMEM, "out of memory");
			goto cleanup;
		}
		used++;
	}
	o = json_pack("{s:s, s:b, s:I, s:I, s:O}", "currency", cfg->currency, "illustrative",
		      cfg->scenarios_illustrative, "iterations", (json_int_t)n, "seed", (json_int_t)cfg->seed,
		      "scenarios", list);
	if (!o) {
		rc = err_set(ERR_NOMEM, "out of memory");
		goto cleanup;
	}
	if (used) {
		json_object_set_new(o, "before", percentiles(before, n));
		json_object_set_new(o, "after", percentiles(after, n));
	} else {
		json_object_set_new(o, "before", json_null());
		json_object_set_new(o, "after", json_null());
	}
	*out = o;
cleanup:
	json_decref(list);
	free(before);
	free(after);
	free(yb);
	free(ya);
	return rc;
}
