/*
 * cvss: CVSS v3.0, v3.1 and v4.0 vectors, parsed strictly and scored exactly
 * as the FIRST specifications say.
 *
 *   struct cvss_score s;
 *   if (cvss_parse_score("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", &s) < 0)
 *           ... err_last() says which metric or value is wrong ...
 *   printf("%.1f %s\n", s.score, s.severity);      9.8 Critical
 *
 * Vectors come from advisories and from the acquired company's own tools, so
 * they are outside data: a vector longer than CVSS_VECTOR_MAX bytes, with the
 * wrong prefix, an unknown or repeated metric, a value the metric does not
 * have, an empty field or a missing Base metric is refused with ERR_PARSE and
 * a message naming the problem.  Metrics may come in any order (the
 * specifications list a preferred order, and vectors in the wild, such as the
 * calculator examples, do not always keep it); "X" (Not Defined) is accepted
 * for every optional metric and means the same as leaving the metric out.
 *
 * v3.x scores (FIRST CVSS v3.0 and v3.1 specifications, section 7 and
 * Appendix A): the Base, Temporal and Environmental equations are evaluated
 * in exact decimal arithmetic (every weight has at most two decimals; only the
 * ^15 and ^13 terms of the Scope-Changed impact are evaluated in long double,
 * and those terms never leave a result on a rounding boundary), then rounded
 * with each version's own Roundup: v3.0 the smallest one-decimal number not
 * below the value, v3.1 the Appendix A function on round(x * 100000).  The
 * Environmental equations differ by version as the specifications do: v3.1
 * uses 7.52 x (MISS - 0.029) - 3.25 x (MISS x 0.9731 - 0.02)^13 for a changed
 * Modified Scope where v3.0 uses (MISS - 0.02)^15.
 *
 * v4.0 score (CVSS v4.0 specification, section 8, and FIRST's calculator,
 * cvss_score.js): MacroVector lookup, highest-severity vectors of the
 * MacroVector, severity distances normalised by each EQ's depth, mean of the
 * available score differences, and the final round half up of score + 1e-6 to
 * one decimal (the Nov-2024 fix).  The arithmetic follows the calculator's
 * operation by operation, in IEEE doubles, so results match it exactly.
 */
#ifndef VETTER_CVSS_H
#define VETTER_CVSS_H

/* The longest vector accepted, in bytes (the longest valid one, a v4.0 vector
 * with every metric, is under 200). */
#define CVSS_VECTOR_MAX 512
/* Metric slots of a parsed vector (v4.0 has 32 metrics, v3.x 22). */
#define CVSS_METRICS_MAX 32

/* A parsed vector: every metric of its version, present or not. */
struct cvss_vector {
	int version;                            /* 30, 31 or 40 */
	unsigned char value[CVSS_METRICS_MAX]; /* index into the metric's values; 0 is X for optional metrics */
};

struct cvss_score {
	int version; /* 30, 31, 40 */
	/*
	 * v3.x: the three scores of the specification; absent Temporal and
	 * Environmental metrics take their Not Defined (X) weights.
	 * v4.0: base is CVSS-B, the score of the Base metrics alone;
	 * temporal and environmental are -1 (v4.0 has no such scores).
	 */
	double base, temporal, environmental;
	/*
	 * The score the vector stands for.  v4.0: the one score, over every
	 * metric given (CVSS-B, -BT, -BE or -BTE).  v3.x: the most refined score
	 * the vector defines: Environmental when any Environmental metric (CR,
	 * IR, AR, MAV .. MA) has a value other than X, else Temporal when any
	 * Temporal metric (E, RL, RC) has one, else Base.
	 */
	double score;
	/* cvss_severity(score): "None", "Low", "Medium", "High" or "Critical" (static). */
	const char *severity;
};

/*
 * Parse vector ("CVSS:3.0/...", "CVSS:3.1/..." or "CVSS:4.0/...") into out.
 * Returns 0, or ERR_PARSE with a message naming the field at fault (out is
 * then incomplete).
 */
int cvss_parse(const char *vector, struct cvss_vector *out);

/*
 * The value of metric name ("AV", "MSI", "U", ...) in v: its abbreviation as
 * in a vector ("N", "Clear"), "X" for an optional metric left out, or NULL
 * when the vector's version has no such metric.  The string is static.
 */
const char *cvss_metric(const struct cvss_vector *v, const char *name);

/* Score a parsed vector.  Returns 0 (scoring a parsed vector cannot fail). */
int cvss_score(const struct cvss_vector *v, struct cvss_score *out);

/* cvss_parse() then cvss_score(); on failure out is all zero (severity NULL). */
int cvss_parse_score(const char *vector, struct cvss_score *out);

/*
 * The qualitative rating of a score (the same scale in v3.x and v4.0):
 * 0.0 None, 0.1-3.9 Low, 4.0-6.9 Medium, 7.0-8.9 High, 9.0-10.0 Critical.
 * Scores are taken at one decimal.  The string is static.
 */
const char *cvss_severity(double score);

/*
 * The final rounding of the v4.0 score: round half up of value + 1e-6 to one
 * decimal.  The epsilon lifts interpolation results that land one ULP below an
 * x.x5 tie (8.6 - 7.15 is 1.4499999999999993 in doubles and must give 1.5).
 */
double cvss4_round(double value);

#endif
