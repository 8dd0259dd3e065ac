/*
 * cvss3: CVSS v3.0 and v3.1 Base, Temporal and Environmental scores.
 *
 * The equations are those of section 7 of each specification.  Floating
 * point would put results such as 10.0 x 0.92 = 9.2 at 9.200000000000001
 * and make a plain ceiling give 9.3 (the reason v3.1 redefined Roundup), so
 * every value is kept as an exact integer count of 1e-15 (all weights have at
 * most two decimals, so every sum and product of them is exact there) minus,
 * for a changed Scope, the term 3.25 x (...)^15 or ^13 in long double.  That
 * term is never zero and its decimals run far past 1e-15, so it never leaves
 * a value exactly on a rounding boundary; over the whole v3 input space the
 * closest such value is 4e-6 (v3.0: 10x is 4e-5 from an integer) or 3e-9
 * (v3.1: 1e5 x is 3e-4 from a half) away from one, far beyond the long double
 * error.  Checked against a rational-arithmetic model on every distinct input
 * (6,967,296 Base/Temporal/Environmental cases) while this was written.
 */
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "cvss_int.h"

/* Table 15 of the v3.1 specification (identical in v3.0), in its order. */
enum {
	M_AV, M_AC, M_PR, M_UI, M_S, M_C, M_I, M_A,
	M_E, M_RL, M_RC,
	M_CR, M_IR, M_AR, M_MAV, M_MAC, M_MPR, M_MUI, M_MS, M_MC, M_MI, M_MA,
	M_COUNT
};

static const char *const v_av[] = { "N", "A", "L", "P", NULL };
static const char *const v_ac[] = { "L", "H", NULL };
static const char *const v_pr[] = { "N", "L", "H", NULL };
static const char *const v_ui[] = { "N", "R", NULL };
static const char *const v_s[] = { "U", "C", NULL };
static const char *const v_cia[] = { "H", "L", "N", NULL };
static const char *const v_e[] = { "X", "H", "F", "P", "U", NULL };
static const char *const v_rl[] = { "X", "U", "W", "T", "O", NULL };
static const char *const v_rc[] = { "X", "C", "R", "U", NULL };
static const char *const v_req[] = { "X", "H", "M", "L", NULL };
static const char *const v_mav[] = { "X", "N", "A", "L", "P", NULL };
static const char *const v_mac[] = { "X", "L", "H", NULL };
static const char *const v_mpr[] = { "X", "N", "L", "H", NULL };
static const char *const v_mui[] = { "X", "N", "R", NULL };
static const char *const v_ms[] = { "X", "U", "C", NULL };
static const char *const v_mcia[] = { "X", "N", "L", "H", NULL };

static const struct cvss_metric_def defs[M_COUNT] = {
	{ "AV", v_av, 1 },    { "AC", v_ac, 1 },   { "PR", v_pr, 1 },   { "UI", v_ui, 1 },     { "S", v_s, 1 },
	{ "C", v_cia, 1 },    { "I", v_cia, 1 },   { "A", v_cia, 1 },   { "E", v_e, 0 },       { "RL", v_rl, 0 },
	{ "RC", v_rc, 0 },    { "CR", v_req, 0 },  { "IR", v_req, 0 },  { "AR", v_req, 0 },    { "MAV", v_mav, 0 },
	{ "MAC", v_mac, 0 },  { "MPR", v_mpr, 0 }, { "MUI", v_mui, 0 }, { "MS", v_ms, 0 },     { "MC", v_mcia, 0 },
	{ "MI", v_mcia, 0 },  { "MA", v_mcia, 0 },
};

/* Weights (section 7.4) in hundredths, parallel to the value lists above. */
static const int w_av[] = { 85, 62, 55, 20 };
static const int w_ac[] = { 77, 44 };
static const int w_pr_u[] = { 85, 62, 27 }; /* Scope Unchanged */
static const int w_pr_c[] = { 85, 68, 50 }; /* Scope Changed */
static const int w_ui[] = { 85, 62 };
static const int w_cia[] = { 56, 22, 0 };
static const int w_e[] = { 100, 100, 97, 94, 91 };
static const int w_rl[] = { 100, 100, 97, 96, 95 };
static const int w_rc[] = { 100, 100, 96, 92 };
/* Security Requirements in tenths: X 1.0, H 1.5, M 1.0, L 0.5. */
static const int w_req[] = { 10, 15, 10, 5 };

#define E15 1000000000000000LL

/* A value of the equations: r x 1e-15 - t, with t >= 0 (0 unless Scope changed). */
struct xval {
	int64_t r;
	long double t;
};

static int64_t floor_div(int64_t a, int64_t b)
{
	int64_t q = a / b;

	return (a % b != 0 && a < 0) ? q - 1 : q;
}

/*
 * Roundup(Minimum(x, 10)) in tenths.  v3.0: the smallest one-decimal number
 * equal to or higher than x.  v3.1 (Appendix A): r = round(x * 100000); r if a
 * multiple of 10000, else the next tenth up.
 */
static int roundup_min10(int version, struct xval x)
{
	if ((long double)x.r - x.t * (long double)E15 >= 10.0L * (long double)E15)
		return 100;
	if (version == 30) {
		int64_t q = floor_div(x.r, E15 / 10), rem = x.r - q * (E15 / 10);

		if (x.t == 0.0L)
			return (int)(q + (rem > 0));
		return (int)(q + (int64_t)ceill((long double)rem / (long double)(E15 / 10) - 10.0L * x.t));
	} else {
		int64_t a = floor_div(x.r, E15 / 100000), b = x.r - a * (E15 / 100000), r;
		long double y;

		if (x.t == 0.0L) {
			r = a + (2 * b >= E15 / 100000);
		} else {
			y = (long double)b / (long double)(E15 / 100000) - 100000.0L * x.t;
			r = a + (int64_t)floorl(y);
			if (y - floorl(y) >= 0.5L)
				r++;
		}
		return (int)(r % 10000 == 0 ? r / 10000 : floor_div(r, 10000) + 1);
	}
}

/* Roundup(score x E x RL x RC) with score in tenths, in tenths. */
static int roundup_temporal(int version, int tenths, const struct cvss_vector *v)
{
	struct xval x;

	/* tenths x three hundredths: units of 1e-7. */
	x.r = (int64_t)tenths * w_e[v->value[M_E]] * w_rl[v->value[M_RL]] * w_rc[v->value[M_RC]] * 100000000LL;
	x.t = 0.0L;
	return roundup_min10(version, x);
}

static long double pow_int(long double b, int n)
{
	long double r = 1.0L;

	while (n-- > 0)
		r *= b;
	return r;
}

static int base_tenths(int version, const struct cvss_vector *v)
{
	int changed = v->value[M_S] == 1;
	int64_t prod = (int64_t)(100 - w_cia[v->value[M_C]]) * (100 - w_cia[v->value[M_I]]) *
		       (100 - w_cia[v->value[M_A]]);
	int64_t iss6 = 1000000 - prod; /* ISS in 1e-6 */
	int64_t ex10 = 822LL * w_av[v->value[M_AV]] * w_ac[v->value[M_AC]] *
		       (changed ? w_pr_c : w_pr_u)[v->value[M_PR]] * w_ui[v->value[M_UI]]; /* 1e-10 */
	struct xval x;

	if (!changed) {
		if (iss6 <= 0) /* Impact = 6.42 x ISS <= 0 */
			return 0;
		x.r = 642 * iss6 * 10000000LL + ex10 * 100000LL;
		x.t = 0.0L;
	} else {
		long double p15 = pow_int((long double)(iss6 - 20000) / 1e6L, 15);

		/* Impact = 7.52 x (ISS - 0.029) - 3.25 x (ISS - 0.02)^15 */
		if ((long double)(752 * (iss6 - 29000)) / 1e8L - 3.25L * p15 <= 0.0L)
			return 0;
		/* 1.08 x (Impact + Exploitability) */
		x.r = 108 * 752 * (iss6 - 29000) * 100000LL + 108 * ex10 * 1000LL;
		x.t = 3.51L * p15; /* 1.08 x 3.25 */
	}
	return roundup_min10(version, x);
}

static int environmental_tenths(int version, const struct cvss_vector *v)
{
	int ms = v->value[M_MS] ? v->value[M_MS] - 1 : v->value[M_S]; /* index into v_s */
	int changed = ms == 1;
	/* Modified metrics: X takes the Base value.  The M* lists are X then the Base list,
	 * except MC/MI/MA, listed N, L, H where C/I/A are H, L, N. */
	int mav = v->value[M_MAV] ? v->value[M_MAV] - 1 : v->value[M_AV];
	int mac = v->value[M_MAC] ? v->value[M_MAC] - 1 : v->value[M_AC];
	int mpr = v->value[M_MPR] ? v->value[M_MPR] - 1 : v->value[M_PR];
	int mui = v->value[M_MUI] ? v->value[M_MUI] - 1 : v->value[M_UI];
	int mc = v->value[M_MC] ? 3 - v->value[M_MC] : v->value[M_C];
	int mi = v->value[M_MI] ? 3 - v->value[M_MI] : v->value[M_I];
	int ma = v->value[M_MA] ? 3 - v->value[M_MA] : v->value[M_A];
	/* MISS = Minimum(1 - (1 - CR x MC) x (1 - IR x MI) x (1 - AR x MA), 0.915), in 1e-9. */
	int64_t prod = (int64_t)(1000 - w_req[v->value[M_CR]] * w_cia[mc]) * (1000 - w_req[v->value[M_IR]] * w_cia[mi]) *
		       (1000 - w_req[v->value[M_AR]] * w_cia[ma]);
	int64_t miss9 = 1000000000LL - prod;
	int64_t mex10 = 822LL * w_av[mav] * w_ac[mac] * (changed ? w_pr_c : w_pr_u)[mpr] * w_ui[mui];
	struct xval x;

	if (miss9 > 915000000LL)
		miss9 = 915000000LL;
	if (!changed) {
		if (miss9 <= 0)
			return 0;
		x.r = 642 * miss9 * 10000LL + mex10 * 100000LL;
		x.t = 0.0L;
	} else {
		long double pw;

		if (version == 30) /* 3.25 x (MISS - 0.02)^15 */
			pw = pow_int((long double)(miss9 - 20000000) / 1e9L, 15);
		else /* 3.25 x (MISS x 0.9731 - 0.02)^13 */
			pw = pow_int((long double)(miss9 * 9731 - 200000000000LL) / 1e13L, 13);
		if ((long double)(752 * (miss9 - 29000000)) / 1e11L - 3.25L * pw <= 0.0L)
			return 0;
		x.r = 108 * 752 * (miss9 - 29000000) * 100LL + 108 * mex10 * 1000LL;
		x.t = 3.51L * pw;
	}
	return roundup_temporal(version, roundup_min10(version, x), v);
}

int cvss3_parse_metrics(const char *fields, struct cvss_vector *out)
{
	return cvss_parse_fields(fields, defs, M_COUNT, out->version == 30 ? "CVSS:3.0" : "CVSS:3.1", out);
}

const char *cvss3_metric(const struct cvss_vector *v, const char *name)
{
	return cvss_metric_value(v, defs, M_COUNT, name);
}

void cvss3_score(const struct cvss_vector *v, struct cvss_score *out)
{
	int version = v->version, b = base_tenths(version, v), t = roundup_temporal(version, b, v);
	int e = environmental_tenths(version, v), i, has_t = 0, has_e = 0;

	for (i = M_E; i <= M_RC; i++)
		has_t |= v->value[i] != 0;
	for (i = M_CR; i < M_COUNT; i++)
		has_e |= v->value[i] != 0;
	out->base = b / 10.0;
	out->temporal = t / 10.0;
	out->environmental = e / 10.0;
	out->score = has_e ? out->environmental : has_t ? out->temporal : out->base;
}
