/*
 * Properties of the ratings, checked over many random variations of the
 * synthetic engagement (tests/scoring/store.json) scored in memory:
 * adding a finding never raises a rating, removing one never lowers it, more
 * coverage never turns "insufficient evidence" back on, and the same input
 * gives byte-identical scores.
 */
#include <check.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/err.h"
#include "core/finding.h"
#include "core/jsonx.h"
#include "score_fixture.h"
#include "scoring/config.h"
#include "scoring/model.h"
#include "scoring/score.h"
#include "th.h"

#define TRIALS 60

static struct score_config cfg;
static json_t *spec;

static void setup(void)
{
	char *tpl = th_repo_path("templates");
	struct schema_ctx ctx = { "props.yaml", NULL };
	json_t *scoring = json_pack("{s:f, s:[{s:s, s:s}], s:{s:i}, s:{s:f}}", "coverage_threshold", 0.6, "criticality",
				    "level", "critical", "namespace", "payments", "loss", "iterations", 100, "fx", "rate", 0.9);

	ck_assert_msg(score_config_parse(&cfg, scoring, "EUR", NULL, &ctx, tpl) == 0, "%s", err_last());
	spec = sf_spec();
	json_decref(scoring);
	free(tpl);
}

static void teardown(void)
{
	score_config_release(&cfg);
	json_decref(spec);
}

/* Deterministic pseudo-random numbers for the variations (SplitMix64). */
static uint64_t rnd_state;
static uint64_t rnd_next(void)
{
	uint64_t z = (rnd_state += 0x9E3779B97F4A7C15ULL);

	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
	return z ^ (z >> 31);
}
static size_t rnd_below(size_t n)
{
	return n ? (size_t)(rnd_next() % n) : 0;
}

/* Score a model document (a copy is used); *out gets the scores. */
static json_t *score(const json_t *doc)
{
	struct sc_model *m = NULL;
	json_t *out = NULL;

	ck_assert_msg(model_build(&m, json_deep_copy(doc)) == 0, "%s", err_last());
	ck_assert_msg(score_compute(m, &cfg, &out) == 0, "%s", err_last());
	model_free(m);
	return out;
}

/* A random finding of some company on one of its assets (or on something the inventory lacks). */
static json_t *random_finding(const json_t *doc, unsigned n)
{
	/* The supply-chain findings the score stage records (image-age, end-of-life) count like any other. */
	static const char *const kinds[] = { "vulnerability", "secret", "misconfiguration", "exposure", "threat",
					     "manual", "image-age", "end-of-life" };
	static const char *const detectors[] = { "guardduty", "securityhub", "defender" };
	static const char *const statuses[] = { "active", "NEW", "NOTIFIED", "RESOLVED", "SUPPRESSED", "Active",
						"InProgress", "Dismissed" };
	static const char *const sevs[] = { "critical", "high", "medium", "low", "info", "unknown" };
	static const char *const doms[] = { "vulnerabilities", "identity-access", "network-exposure", "data-protection",
					    "logging-detection", "kubernetes-hardening", "supply-chain", "" };
	const json_t *assets = json_object_get(doc, "assets"), *a;
	const char *company = rnd_below(2) ? "kestrel" : "heron", *kind = kinds[rnd_below(8)];
	char rule[32];
	json_t *f = NULL;

	snprintf(rule, sizeof(rule), "P-%u", n);
	a = json_array_get(assets, rnd_below(json_array_size(assets) + 2));
	if (a && !strcmp(jsonx_strz(a, "company"), company))
		ck_assert_int_eq(finding_new(&f, company, kind, rule, jsonx_str(a, "kind"), jsonx_str(a, "key"), NULL, ""), 0);
	else
		ck_assert_int_eq(finding_new(&f, company, kind, rule, "process", "interviews", NULL, ""), 0);
	ck_assert_int_eq(finding_describe(f, "random", sevs[rnd_below(6)], "test"), 0);
	if (rnd_below(3) == 0)
		json_object_set_new(f, "kev", json_pack("{s:s}", "date_added", "2024-01-01"));
	if (rnd_below(2))
		json_object_set_new(f, "epss", json_pack("{s:f}", "score", (double)rnd_below(1001) / 1000.0));
	if (rnd_below(2))
		json_object_set_new(f, "ssvc", json_pack("{s:s, s:s}", "exploitation", rnd_below(2) ? "poc" : "none",
							 "automatable", rnd_below(2) ? "yes" : "no"));
	if (doms[rnd_below(8)][0])
		jsonx_set_str(f, "domain", doms[rnd_below(7)]);
	if (rnd_below(4) == 0)
		json_object_set_new(f, "effort_hours", json_integer((json_int_t)rnd_below(50)));
	/* Imported threat detections: the evidence-of-compromise criterion by detector and status. */
	if (!strcmp(kind, "exposure") && rnd_below(2)) {
		jsonx_set_str(f, "signal", "threat-detection");
		jsonx_set_str(f, "detector", detectors[rnd_below(3)]);
		jsonx_set_str(f, "detector_status", statuses[rnd_below(8)]);
		json_object_set_new(f, "types", json_pack("[s]", rnd_below(2) ? "TTPs/Initial Access/X" : "Software and Configuration Checks/Y"));
	}
	if (!strcmp(kind, "image-age") || !strcmp(kind, "end-of-life"))
		jsonx_set_str(f, "domain", "supply-chain");
	return f;
}

static json_t *random_doc(unsigned extra)
{
	json_t *doc = sf_model_doc(spec);
	unsigned i;

	for (i = 0; i < extra; i++)
		json_array_append_new(json_object_get(doc, "findings"), random_finding(doc, 1000 + i));
	return doc;
}

/* Company and domain ratings of two scorings, compared one way (sign -1: b <= a; +1: b >= a). */
static void compare(const json_t *a, const json_t *b, int sign, const char *what)
{
	const json_t *ca, *cb, *ra, *rb;
	const char *dom;
	size_t i;

	for (i = 0; (ca = json_array_get(json_object_get(a, "companies"), i)) != NULL; i++) {
		cb = json_array_get(json_object_get(b, "companies"), i);
		for (int d = -1; d < SCORE_NDOMAINS; d++) {
			dom = d < 0 ? "rating" : score_domain_names[d];
			ra = d < 0 ? json_object_get(ca, "rating") : json_object_get(json_object_get(ca, "domains"), dom);
			rb = d < 0 ? json_object_get(cb, "rating") : json_object_get(json_object_get(cb, "domains"), dom);
			ck_assert_str_eq(jsonx_strz(ra, "status"), jsonx_strz(rb, "status"));
			if (!json_is_integer(json_object_get(ra, "score")))
				continue;
			ck_assert_msg(sign < 0 ? jsonx_int(rb, "score", 0) <= jsonx_int(ra, "score", 0)
					       : jsonx_int(rb, "score", 0) >= jsonx_int(ra, "score", 0),
				      "%s: %s %s went from %lld to %lld", what, jsonx_strz(ca, "company"), dom,
				      jsonx_int(ra, "score", 0), jsonx_int(rb, "score", 0));
		}
	}
}

START_TEST(adding_a_finding_never_raises_a_rating)
{
	unsigned t, raised_none = 0;

	for (t = 0; t < TRIALS; t++) {
		json_t *doc, *before, *after;

		rnd_state = 1000 + t;
		doc = random_doc((unsigned)rnd_below(20));
		before = score(doc);
		json_array_append_new(json_object_get(doc, "findings"), random_finding(doc, 1));
		after = score(doc);
		compare(before, after, -1, "adding");
		raised_none++;
		json_decref(before);
		json_decref(after);
		json_decref(doc);
	}
	ck_assert_uint_eq(raised_none, TRIALS);
}
END_TEST

START_TEST(removing_a_finding_never_lowers_a_rating)
{
	unsigned t;

	for (t = 0; t < TRIALS; t++) {
		json_t *doc, *before, *after, *fs;

		rnd_state = 5000 + t;
		doc = random_doc((unsigned)rnd_below(20));
		fs = json_object_get(doc, "findings");
		before = score(doc);
		json_array_remove(fs, rnd_below(json_array_size(fs)));
		after = score(doc);
		compare(before, after, +1, "removing");
		json_decref(before);
		json_decref(after);
		json_decref(doc);
	}
}
END_TEST

/* Rated status of every company and domain: bit per (company, domain). */
static unsigned rated_bits(const json_t *scores, double *ratios)
{
	const json_t *c;
	unsigned bits = 0;
	size_t i;
	int d;

	json_array_foreach(json_object_get(scores, "companies"), i, c) {
		ratios[i] = jsonx_num(json_object_get(c, "coverage"), "ratio", -1);
		for (d = -1; d < SCORE_NDOMAINS; d++) {
			const json_t *r = d < 0 ? json_object_get(c, "rating")
						: json_object_get(json_object_get(c, "domains"), score_domain_names[d]);

			if (!strcmp(jsonx_strz(r, "status"), "rated"))
				bits |= 1u << (i * 8 + (unsigned)(d + 1));
		}
	}
	return bits;
}

static json_t *whole_gap(const char *company, const char *kind, const char *key)
{
	json_t *f = NULL;

	ck_assert_int_eq(finding_new(&f, company, "gap", "not-assessable", kind, key, NULL, ""), 0);
	ck_assert_int_eq(finding_describe(f, "Not assessable", "unknown", "coverage"), 0);
	jsonx_set_str(f, "reason", "test");
	return f;
}

START_TEST(more_coverage_never_brings_insufficient_evidence_back)
{
	unsigned t, turned_on = 0;

	for (t = 0; t < TRIALS; t++) {
		json_t *doc, *fs, *a, *gaps = json_array(), *s;
		double ratios[2], last[2] = { -1, -1 };
		unsigned bits = 0, now;
		size_t i;

		rnd_state = 9000 + t;
		doc = random_doc((unsigned)rnd_below(10));
		fs = json_object_get(doc, "findings");
		/* Start with every unit of the inventory not assessed... */
		json_array_foreach(json_object_get(doc, "assets"), i, a)
			json_array_append_new(gaps, whole_gap(jsonx_str(a, "company"), jsonx_str(a, "kind"), jsonx_str(a, "key")));
		json_array_extend(fs, gaps);
		/* ...then assess them again one at a time, in a random order, sometimes adding assessed units. */
		while (1) {
			s = score(doc);
			now = rated_bits(s, ratios);
			ck_assert_msg((now & bits) == bits, "trial %u: a rating went back to insufficient evidence", t);
			for (i = 0; i < 2; i++)
				ck_assert_msg(ratios[i] >= last[i], "trial %u: coverage fell from %g to %g", t, last[i],
					      ratios[i]);
			turned_on += now != bits;
			bits = now;
			memcpy(last, ratios, sizeof(last));
			json_decref(s);
			if (!json_array_size(gaps))
				break;
			if (rnd_below(4) == 0) {
				/* An image the scan assessed: it has its layers. */
				json_t *img = json_pack("{s:I, s:s, s:s, s:s, s:s, s:{s:[]}}", "id",
							(json_int_t)(100000 + rnd_below(1000000)), "company",
							rnd_below(2) ? "heron" : "kestrel", "kind", "image", "key", "extra",
							"name", "extra", "doc", "layers");

				json_object_set_new(img, "key", json_sprintf("extra-%u", (unsigned)rnd_below(1000000)));
				json_array_append_new(json_object_get(doc, "assets"), img);
				continue;
			}
			i = rnd_below(json_array_size(gaps));
			a = json_array_get(gaps, i);
			for (size_t j = 0; j < json_array_size(fs); j++)
				if (json_array_get(fs, j) == a) {
					json_array_remove(fs, j);
					break;
				}
			json_array_remove(gaps, i);
		}
		json_decref(gaps);
		json_decref(doc);
	}
	ck_assert_uint_gt(turned_on, 0);
}
END_TEST

START_TEST(same_input_gives_identical_bytes)
{
	unsigned t;

	for (t = 0; t < 10; t++) {
		json_t *doc, *a, *b;
		struct strbuf ta = STRBUF_INIT, tb = STRBUF_INIT;
		struct sc_model *m1 = NULL, *m2 = NULL;

		rnd_state = 20000 + t;
		doc = random_doc(30);
		ck_assert_int_eq(model_build(&m1, json_deep_copy(doc)), 0);
		ck_assert_int_eq(model_build(&m2, json_deep_copy(doc)), 0);
		ck_assert_int_eq(score_compute(m1, &cfg, &a), 0);
		ck_assert_int_eq(score_compute(m2, &cfg, &b), 0);
		/* The annotated findings too. */
		json_object_set(a, "findings", m1->findings);
		json_object_set(b, "findings", m2->findings);
		ck_assert_int_eq(jsonx_dump_canonical(&ta, a), 0);
		ck_assert_int_eq(jsonx_dump_canonical(&tb, b), 0);
		ck_assert_msg(ta.len == tb.len && !memcmp(ta.buf, tb.buf, ta.len), "trial %u differs", t);
		json_decref(a);
		json_decref(b);
		model_free(m1);
		model_free(m2);
		json_decref(doc);
		strbuf_release(&ta);
		strbuf_release(&tb);
	}
}
END_TEST

START_TEST(after_the_fixes_never_exceeds_before)
{
	unsigned t;

	for (t = 0; t < 20; t++) {
		json_t *doc, *s, *c;
		size_t i;

		rnd_state = 30000 + t;
		doc = random_doc((unsigned)rnd_below(40));
		s = score(doc);
		json_array_foreach(json_object_get(s, "companies"), i, c) {
			const json_t *b = jsonx_dig(c, "loss.before"), *a = jsonx_dig(c, "loss.after");
			const char *p[] = { "p10", "p50", "p90", "mean" };

			for (size_t k = 0; k < 4; k++)
				ck_assert_msg(jsonx_int(a, p[k], 0) <= jsonx_int(b, p[k], 0), "trial %u: %s after > before",
					      t, p[k]);
		}
		json_decref(s);
		json_decref(doc);
	}
}
END_TEST

Suite *scoring_props_suite(void)
{
	Suite *s = suite_create("scoring-props");
	TCase *tc = tcase_create("scoring-props");

	tcase_set_timeout(tc, 300);
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, adding_a_finding_never_raises_a_rating);
	tcase_add_test(tc, removing_a_finding_never_lowers_a_rating);
	tcase_add_test(tc, more_coverage_never_brings_insufficient_evidence_back);
	tcase_add_test(tc, same_input_gives_identical_bytes);
	tcase_add_test(tc, after_the_fixes_never_exceeds_before);
	suite_add_tcase(s, tc);
	return s;
}
