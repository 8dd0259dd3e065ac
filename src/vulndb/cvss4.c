/*
 * cvss4: the CVSS v4.0 score.
 *
 * The method is section 8 of the v4.0 specification as FIRST's calculator
 * implements it (cvss_score.js, BSD-2-Clause, Copyright FIRST, Red Hat, and
 * contributors): the vector's MacroVector (EQ1..EQ6) gives a score from the
 * lookup table; the vector's severity distance from the first highest-severity
 * vector of that MacroVector that it does not exceed, divided by the depth of
 * each EQ, scales the score drop to the next lower MacroVector of that EQ; the
 * mean of those drops is taken off, and the result rounded half up after
 * adding 1e-6.  The arithmetic below is the calculator's, operation for
 * operation and in the same order, in IEEE doubles, so that every score,
 * including the ones that land next to an x.x5 tie, is the calculator's.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cvss_int.h"

/* The calculator computes a*b+c in two roundings; so must we (no FMA).  GCC
 * has no such pragma but does not contract in ISO C mode (-std=c17). */
#ifdef __clang__
#pragma STDC FP_CONTRACT OFF
#endif

/* Table 23 of the v4.0 specification: Base, Threat, Environmental, Supplemental. */
enum {
	M_AV, M_AC, M_AT, M_PR, M_UI, M_VC, M_VI, M_VA, M_SC, M_SI, M_SA,
	M_E,
	M_CR, M_IR, M_AR, M_MAV, M_MAC, M_MAT, M_MPR, M_MUI, M_MVC, M_MVI, M_MVA, M_MSC, M_MSI, M_MSA,
	M_S, M_AU, M_R, M_V, M_RE, M_U,
	M_COUNT
};

static const char *const v_av[] = { "N", "A", "L", "P", NULL };
static const char *const v_ac[] = { "L", "H", NULL };
static const char *const v_at[] = { "N", "P", NULL };
static const char *const v_pr[] = { "N", "L", "H", NULL };
static const char *const v_ui[] = { "N", "P", "A", NULL };
static const char *const v_cia[] = { "H", "L", "N", NULL };
static const char *const v_e[] = { "X", "A", "P", "U", NULL };
static const char *const v_req[] = { "X", "H", "M", "L", NULL };
static const char *const v_mav[] = { "X", "N", "A", "L", "P", NULL };
static const char *const v_mac[] = { "X", "L", "H", NULL };
static const char *const v_mat[] = { "X", "N", "P", NULL };
static const char *const v_mpr[] = { "X", "N", "L", "H", NULL };
static const char *const v_mui[] = { "X", "N", "P", "A", NULL };
static const char *const v_mcia[] = { "X", "H", "L", "N", NULL };
static const char *const v_msia[] = { "X", "S", "H", "L", "N", NULL };
static const char *const v_s[] = { "X", "N", "P", NULL };
static const char *const v_au[] = { "X", "N", "Y", NULL };
static const char *const v_r[] = { "X", "A", "U", "I", NULL };
static const char *const v_v[] = { "X", "D", "C", NULL };
static const char *const v_re[] = { "X", "L", "M", "H", NULL };
static const char *const v_u[] = { "X", "Clear", "Green", "Amber", "Red", NULL };

static const struct cvss_metric_def defs[M_COUNT] = {
	{ "AV", v_av, 1 },     { "AC", v_ac, 1 },     { "AT", v_at, 1 },     { "PR", v_pr, 1 },
	{ "UI", v_ui, 1 },     { "VC", v_cia, 1 },    { "VI", v_cia, 1 },    { "VA", v_cia, 1 },
	{ "SC", v_cia, 1 },    { "SI", v_cia, 1 },    { "SA", v_cia, 1 },    { "E", v_e, 0 },
	{ "CR", v_req, 0 },    { "IR", v_req, 0 },    { "AR", v_req, 0 },    { "MAV", v_mav, 0 },
	{ "MAC", v_mac, 0 },   { "MAT", v_mat, 0 },   { "MPR", v_mpr, 0 },   { "MUI", v_mui, 0 },
	{ "MVC", v_mcia, 0 },  { "MVI", v_mcia, 0 },  { "MVA", v_mcia, 0 },  { "MSC", v_mcia, 0 },
	{ "MSI", v_msia, 0 },  { "MSA", v_msia, 0 },  { "S", v_s, 0 },       { "AU", v_au, 0 },
	{ "R", v_r, 0 },       { "V", v_v, 0 },       { "RE", v_re, 0 },     { "U", v_u, 0 },
};

/* The metrics the score reads, after the calculator's m(): modified values
 * replace base ones, E:X is E:A and CR/IR/AR:X are H. */
enum { E_AV, E_PR, E_UI, E_AC, E_AT, E_VC, E_VI, E_VA, E_SC, E_SI, E_SA, E_CR, E_IR, E_AR, E_E, E_COUNT };
static const char *const eff_names[E_COUNT] = { "AV", "PR", "UI", "AC", "AT", "VC", "VI", "VA",
						"SC", "SI", "SA", "CR", "IR", "AR", "E" };

struct eff {
	char m[E_COUNT]; /* one-letter values */
	char msi, msa;   /* MSI and MSA as given ('X' when absent) */
};

static char letter(const struct cvss_vector *v, int metric)
{
	return defs[metric].values[v->value[metric]][0];
}

static char pick(const struct cvss_vector *v, int base, int modified)
{
	return v->value[modified] ? letter(v, modified) : letter(v, base);
}

static void effective(const struct cvss_vector *v, struct eff *e)
{
	e->m[E_AV] = pick(v, M_AV, M_MAV);
	e->m[E_PR] = pick(v, M_PR, M_MPR);
	e->m[E_UI] = pick(v, M_UI, M_MUI);
	e->m[E_AC] = pick(v, M_AC, M_MAC);
	e->m[E_AT] = pick(v, M_AT, M_MAT);
	e->m[E_VC] = pick(v, M_VC, M_MVC);
	e->m[E_VI] = pick(v, M_VI, M_MVI);
	e->m[E_VA] = pick(v, M_VA, M_MVA);
	e->m[E_SC] = pick(v, M_SC, M_MSC);
	e->m[E_SI] = pick(v, M_SI, M_MSI);
	e->m[E_SA] = pick(v, M_SA, M_MSA);
	e->m[E_CR] = v->value[M_CR] ? letter(v, M_CR) : 'H';
	e->m[E_IR] = v->value[M_IR] ? letter(v, M_IR) : 'H';
	e->m[E_AR] = v->value[M_AR] ? letter(v, M_AR) : 'H';
	e->m[E_E] = v->value[M_E] ? letter(v, M_E) : 'A';
	e->msi = letter(v, M_MSI);
	e->msa = letter(v, M_MSA);
}

/* The calculator's *_levels tables: the severity of each value in 0.1 steps. */
static double level(int metric, char value)
{
	switch (metric) {
	case E_AV: return value == 'N' ? 0.0 : value == 'A' ? 0.1 : value == 'L' ? 0.2 : 0.3;
	case E_PR: return value == 'N' ? 0.0 : value == 'L' ? 0.1 : 0.2;
	case E_UI: return value == 'N' ? 0.0 : value == 'P' ? 0.1 : 0.2;
	case E_AC: return value == 'L' ? 0.0 : 0.1;
	case E_AT: return value == 'N' ? 0.0 : 0.1;
	case E_VC:
	case E_VI:
	case E_VA: return value == 'H' ? 0.0 : value == 'L' ? 0.1 : 0.2;
	case E_SC: return value == 'H' ? 0.1 : value == 'L' ? 0.2 : 0.3;
	case E_SI:
	case E_SA: return value == 'S' ? 0.0 : value == 'H' ? 0.1 : value == 'L' ? 0.2 : 0.3;
	default: /* CR, IR, AR */ return value == 'H' ? 0.0 : value == 'M' ? 0.1 : 0.2;
	}
}

static void macro_vector(const struct eff *e, int eq[6])
{
	const char *m = e->m;

	/* EQ1: 0 AV:N and PR:N and UI:N; 1 (AV:N or PR:N or UI:N) and not AV:P; 2 otherwise */
	if (m[E_AV] == 'N' && m[E_PR] == 'N' && m[E_UI] == 'N')
		eq[0] = 0;
	else if ((m[E_AV] == 'N' || m[E_PR] == 'N' || m[E_UI] == 'N') && m[E_AV] != 'P')
		eq[0] = 1;
	else
		eq[0] = 2;
	/* EQ2: 0 AC:L and AT:N; 1 otherwise */
	eq[1] = m[E_AC] == 'L' && m[E_AT] == 'N' ? 0 : 1;
	/* EQ3: 0 VC:H and VI:H; 1 VC:H or VI:H or VA:H; 2 otherwise */
	if (m[E_VC] == 'H' && m[E_VI] == 'H')
		eq[2] = 0;
	else if (m[E_VC] == 'H' || m[E_VI] == 'H' || m[E_VA] == 'H')
		eq[2] = 1;
	else
		eq[2] = 2;
	/* EQ4: 0 MSI:S or MSA:S; 1 SC:H or SI:H or SA:H; 2 otherwise */
	if (e->msi == 'S' || e->msa == 'S')
		eq[3] = 0;
	else if (m[E_SC] == 'H' || m[E_SI] == 'H' || m[E_SA] == 'H')
		eq[3] = 1;
	else
		eq[3] = 2;
	/* EQ5: E:A 0, E:P 1, E:U 2 */
	eq[4] = m[E_E] == 'A' ? 0 : m[E_E] == 'P' ? 1 : 2;
	/* EQ6: 0 (CR:H and VC:H) or (IR:H and VI:H) or (AR:H and VA:H); 1 otherwise */
	eq[5] = (m[E_CR] == 'H' && m[E_VC] == 'H') || (m[E_IR] == 'H' && m[E_VI] == 'H') ||
				(m[E_AR] == 'H' && m[E_VA] == 'H')
			? 0
			: 1;
}

static int cmp_macro(const void *key, const void *elem)
{
	return strcmp(key, ((const struct cvss4_lookup_entry *)elem)->macro);
}

/* The table score of a MacroVector, or NaN when there is none (as the
 * calculator's undefined turns into NaN). */
static double lookup(int eq1, int eq2, int eq3, int eq4, int eq5, int eq6)
{
	const struct cvss4_lookup_entry *hit;
	char key[7];
	const int d[6] = { eq1, eq2, eq3, eq4, eq5, eq6 };
	int i;

	for (i = 0; i < 6; i++) {
		if (d[i] < 0 || d[i] > 9)
			return NAN;
		key[i] = (char)('0' + d[i]);
	}
	key[6] = 0;
	hit = bsearch(key, cvss4_lookup, (size_t)cvss4_lookup_count, sizeof(cvss4_lookup[0]), cmp_macro);
	return hit ? hit->score : NAN;
}

/* The value of metric name in a max_composed partial vector ("AV:N/PR:N/UI:N/"). */
static char composed_value(const char *part, const char *name)
{
	size_t n = strlen(name);

	while (*part) {
		if (!strncmp(part, name, n) && part[n] == ':')
			return part[n + 1];
		part = strchr(part, '/');
		if (!part)
			break;
		part++;
	}
	return 0;
}

static double score_eff(const struct eff *e)
{
	static const char *const none[] = { NULL };
	static const int eq_of[E_COUNT] = { 1, 1, 1, 2, 2, 3, 3, 3, 4, 4, 4, 3, 3, 3, 5 };
	const char *const *l1, *const *l2, *const *l3, *const *l4, *const *l5;
	const char *const *p1, *const *p2, *const *p3, *const *p4, *const *p5;
	double value, next[5], dist[E_COUNT] = { 0 }, cur[5], depth[4], norm[5] = { 0 }, mean;
	const char *m = e->m;
	int eq[6], i, n = 0, found = 0;

	/* No impact on either system: 0 (the calculator's shortcut). */
	if (m[E_VC] == 'N' && m[E_VI] == 'N' && m[E_VA] == 'N' && m[E_SC] == 'N' && m[E_SI] == 'N' &&
	    m[E_SA] == 'N')
		return 0.0;
	macro_vector(e, eq);
	value = lookup(eq[0], eq[1], eq[2], eq[3], eq[4], eq[5]);

	/* The next lower MacroVector of each EQ (EQ3 and EQ6 move together). */
	next[0] = lookup(eq[0] + 1, eq[1], eq[2], eq[3], eq[4], eq[5]);
	next[1] = lookup(eq[0], eq[1] + 1, eq[2], eq[3], eq[4], eq[5]);
	if (eq[2] == 0 && eq[5] == 0) {
		double left = lookup(eq[0], eq[1], eq[2], eq[3], eq[4], eq[5] + 1);
		double right = lookup(eq[0], eq[1], eq[2] + 1, eq[3], eq[4], eq[5]);

		next[2] = left > right ? left : right; /* NaN compares false, as in JavaScript */
	} else if (eq[2] == 1 && eq[5] == 0) {
		next[2] = lookup(eq[0], eq[1], eq[2], eq[3], eq[4], eq[5] + 1);
	} else if (eq[5] == 1 && eq[2] < 2) {
		next[2] = lookup(eq[0], eq[1], eq[2] + 1, eq[3], eq[4], eq[5]);
	} else {
		next[2] = lookup(eq[0], eq[1], eq[2] + 1, eq[3], eq[4], eq[5] + 1);
	}
	next[3] = lookup(eq[0], eq[1], eq[2], eq[3] + 1, eq[4], eq[5]);
	next[4] = lookup(eq[0], eq[1], eq[2], eq[3], eq[4] + 1, eq[5]);

	/* The first composed highest-severity vector the vector does not exceed;
	 * when none qualifies the calculator keeps the distances to the last one. */
	l1 = cvss4_max_eq1[eq[0]];
	l2 = cvss4_max_eq2[eq[1]];
	l3 = cvss4_max_eq3eq6[eq[2]][eq[5]];
	l4 = cvss4_max_eq4[eq[3]];
	l5 = cvss4_max_eq5[eq[4]];
	if (!l3) /* EQ3 2 with EQ6 0 cannot happen (EQ6 0 needs an H impact); stay safe */
		l3 = none;
	for (p1 = l1; *p1 && !found; p1++)
		for (p2 = l2; *p2 && !found; p2++)
			for (p3 = l3; *p3 && !found; p3++)
				for (p4 = l4; *p4 && !found; p4++)
					for (p5 = l5; *p5 && !found; p5++) {
						const char *parts[5] = { *p1, *p2, *p3, *p4, *p5 };

						found = 1;
						for (i = 0; i < E_E; i++) {
							char mx = composed_value(parts[eq_of[i] - 1], eff_names[i]);

							dist[i] = level(i, m[i]) - level(i, mx);
							if (dist[i] < 0)
								found = 0;
						}
					}

	cur[0] = dist[E_AV] + dist[E_PR] + dist[E_UI];
	cur[1] = dist[E_AC] + dist[E_AT];
	cur[2] = dist[E_VC] + dist[E_VI] + dist[E_VA] + dist[E_CR] + dist[E_IR] + dist[E_AR];
	cur[3] = dist[E_SC] + dist[E_SI] + dist[E_SA];
	cur[4] = 0;

	depth[0] = cvss4_depth_eq1[eq[0]] * 0.1;
	depth[1] = cvss4_depth_eq2[eq[1]] * 0.1;
	depth[2] = cvss4_depth_eq3eq6[eq[2]][eq[5]] * 0.1;
	depth[3] = cvss4_depth_eq4[eq[3]] * 0.1;

	for (i = 0; i < 5; i++) {
		double available = value - next[i];

		if (isnan(available))
			continue;
		n++;
		norm[i] = available * (i < 4 ? cur[i] / depth[i] : 0.0);
	}
	mean = n == 0 ? 0.0 : (norm[0] + norm[1] + norm[2] + norm[3] + norm[4]) / n;
	value -= mean;
	if (value < 0)
		value = 0.0;
	if (value > 10)
		value = 10.0;
	return cvss4_round(value);
}

int cvss4_parse_metrics(const char *fields, struct cvss_vector *out)
{
	return cvss_parse_fields(fields, defs, M_COUNT, "CVSS:4.0", out);
}

const char *cvss4_metric(const struct cvss_vector *v, const char *name)
{
	return cvss_metric_value(v, defs, M_COUNT, name);
}

void cvss4_score(const struct cvss_vector *v, struct cvss_score *out)
{
	struct cvss_vector base = *v;
	struct eff e;
	int i;

	effective(v, &e);
	out->score = score_eff(&e);
	/* CVSS-B: the Base metrics alone. */
	for (i = M_E; i < M_COUNT; i++)
		base.value[i] = 0;
	effective(&base, &e);
	out->base = score_eff(&e);
	out->temporal = -1.0;
	out->environmental = -1.0;
}
