/*
 * The integration checklist template: the shipped one loads and its order
 * respects every dependency; random templates (fixed seed) likewise; cycles
 * are refused with their members named in order; every other mistake gets a
 * message with file, line and column.
 */
#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/err.h"
#include "core/strbuf.h"
#include "scoring/checklist.h"
#include "th.h"

/* Every item comes after each item it depends on, and phases never go back. */
static void assert_order(const struct checklist *cl)
{
	size_t *pos = calloc(cl->nitems + 1, sizeof(size_t)), i, k, checked = 0;
	unsigned char *seen = calloc(cl->nitems + 1, 1);

	for (i = 0; i < cl->nitems; i++) {
		ck_assert_msg(!seen[cl->order[i]], "item %zu listed twice", cl->order[i]);
		seen[cl->order[i]] = 1;
		pos[cl->order[i]] = i;
		if (i)
			ck_assert_int_le(cl->items[cl->order[i - 1]].phase, cl->items[cl->order[i]].phase);
	}
	for (i = 0; i < cl->nitems; i++)
		for (k = 0; k < cl->items[i].ndeps; k++) {
			ck_assert_msg(pos[cl->items[i].deps[k]] < pos[i], "%s comes before %s, which it depends on",
				      cl->items[i].id, cl->items[cl->items[i].deps[k]].id);
			checked++;
		}
	for (i = 0; i < cl->nitems; i++)
		ck_assert(seen[i]);
	free(pos);
	free(seen);
	(void)checked;
}

START_TEST(shipped_template_loads_in_order)
{
	char *dir = th_repo_path("templates");
	struct checklist *cl = NULL;
	size_t i, deps = 0;
	static const char *const first[] = { "name-leads", "preserve-evidence", "investigate-compromise",
					     "fix-kev-internet-facing", "review-third-party-access", "enforce-root-mfa",
					     "forward-audit-logs", "address-plan", "federate-identity",
					     "limited-interconnect" };

	ck_assert_msg(checklist_load(&cl, dir) == 0, "%s", err_last());
	ck_assert_uint_eq(cl->nitems, 21);
	ck_assert_uint_eq(cl->ngates, 9);
	assert_order(cl);
	for (i = 0; i < cl->nitems; i++)
		deps += cl->items[i].ndeps;
	ck_assert_uint_eq(deps, 32);
	for (i = 0; i < sizeof(first) / sizeof(first[0]); i++)
		ck_assert_str_eq(cl->items[cl->order[i]].id, first[i]);
	ck_assert_str_eq(cl->items[cl->order[cl->nitems - 1]].id, "reassess");
	checklist_free(cl);
	free(dir);
}
END_TEST

static uint64_t rng = 0x0c0ffee;

static unsigned rnd(unsigned n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (unsigned)(rng % n);
}

/*
 * Random templates: items get a hidden rank and a phase that grows with it;
 * each depends only on items of lower rank, so there is no cycle; the file
 * lists them shuffled.
 */
START_TEST(random_templates_in_order)
{
	static const char *const phases[] = { "day-0", "day-1", "day-30", "day-100" };
	struct strbuf t = STRBUF_INIT;
	struct checklist *cl;
	unsigned perm[120], used[8], n, i, j, k, round, total_deps = 0;

	for (round = 0; round < 60; round++) {
		n = 2 + rnd(119);
		for (i = 0; i < n; i++)
			perm[i] = i;
		for (i = n - 1; i > 0; i--) {
			j = rnd(i + 1);
			k = perm[i];
			perm[i] = perm[j];
			perm[j] = k;
		}
		strbuf_reset(&t);
		strbuf_addstr(&t, "items:\n");
		for (i = 0; i < n; i++) {
			unsigned r = perm[i], nd = r ? rnd(r < 6 ? r + 1 : 6) : 0;

			strbuf_addf(&t, "  - {id: i%u, title: T, owner: O, phase: %s, depends_on: [", r, phases[r * 4 / n]);
			for (j = 0, k = 0; j < nd; j++) {
				unsigned d = rnd(r), m; /* lower rank: same or earlier phase */

				for (m = 0; m < k && used[m] != d; m++)
					;
				if (m < k)
					continue; /* listed already */
				used[k] = d;
				strbuf_addf(&t, "%si%u", k++ ? ", " : "", d);
			}
			total_deps += k;
			strbuf_addstr(&t, "]}\n");
		}
		ck_assert_msg(checklist_parse(&cl, t.buf, t.len, "random.yaml") == 0, "round %u: %s\n%s", round, err_last(),
			      t.buf);
		ck_assert_uint_eq(cl->nitems, n);
		assert_order(cl);
		checklist_free(cl);
	}
	ck_assert_uint_gt(total_deps, 1000);
	strbuf_release(&t);
}
END_TEST

static void expect_refused(const char *text, const char *needle)
{
	struct checklist *cl = NULL;

	ck_assert_int_eq(checklist_parse(&cl, text, strlen(text), "cl.yaml"), ERR_PARSE);
	ck_assert_ptr_null(cl);
	ck_assert_msg(strstr(err_last(), needle), "message '%s' lacks '%s'", err_last(), needle);
}

#define ITEM(id, phase, deps) "  - {id: " id ", title: T, owner: O, phase: " phase ", depends_on: [" deps "]}\n"

START_TEST(cycles_are_named)
{
	expect_refused("items:\n" ITEM("a", "day-0", "a"), "cl.yaml:2:");
	expect_refused("items:\n" ITEM("a", "day-0", "a"), "dependency cycle: a -> a");
	expect_refused("items:\n" ITEM("a", "day-0", "b") ITEM("b", "day-0", "a"), "dependency cycle: a -> b -> a");
	/* Not through the first item; the position is the dependency that closes it. */
	expect_refused("items:\n" ITEM("x", "day-0", "") ITEM("p", "day-1", "x, q") ITEM("q", "day-1", "r")
			       ITEM("r", "day-1", "p"),
		       "cl.yaml:5:");
	expect_refused("items:\n" ITEM("x", "day-0", "") ITEM("p", "day-1", "x, q") ITEM("q", "day-1", "r")
			       ITEM("r", "day-1", "p"),
		       "dependency cycle: p -> q -> r -> p");
	/* Across phases it is still named as the cycle it is. */
	expect_refused("items:\n" ITEM("a", "day-0", "b") ITEM("b", "day-1", "a"), "dependency cycle: a -> b -> a");
	/* A long one. */
	{
		struct strbuf t = STRBUF_INIT, want = STRBUF_INIT;
		int i;

		strbuf_addstr(&t, "items:\n");
		for (i = 0; i < 50; i++)
			strbuf_addf(&t, "  - {id: s%d, title: T, owner: O, phase: day-30, depends_on: [s%d]}\n", i, (i + 1) % 50);
		for (i = 0; i < 50; i++)
			strbuf_addf(&want, "s%d -> ", i);
		strbuf_addstr(&want, "s0");
		expect_refused(t.buf, want.buf);
		strbuf_release(&t);
		strbuf_release(&want);
	}
}
END_TEST

START_TEST(other_mistakes)
{
	expect_refused("items:\n" ITEM("a", "day-0", "nope"), "cl.yaml:2:");
	expect_refused("items:\n" ITEM("a", "day-0", "nope"), "item 'a' depends on 'nope', which is not an item");
	expect_refused("items:\n" ITEM("a", "day-0", "") ITEM("a", "day-1", ""), "duplicate item id 'a'");
	expect_refused("items:\n" ITEM("a", "day-30", "") ITEM("b", "day-1", "a"),
		       "item 'b' (Day 1) depends on 'a', which is in a later phase (Day 30)");
	expect_refused("items:\n" ITEM("a", "day-7", ""), "'day-7' is not one of: day-0, day-1, day-30, day-100");
	expect_refused("items:\n" ITEM("a", "day-0", "") ITEM("b", "day-0", "a, a"), "lists 'a' twice");
	expect_refused("items:\n  - {id: a, title: T, owner: O, phase: day-0, gates: [g]}\n",
		       "item 'a' names gate 'g', which is not a gate");
	expect_refused("gates:\n  - {id: g, title: G}\nitems:\n" ITEM("a", "day-0", ""), "gate 'g' tests nothing");
	expect_refused("gates:\n  - {id: g, title: G, facts: [{fact: weather}]}\nitems:\n" ITEM("a", "day-0", ""),
		       "'weather' is not one of: network-conflicts");
	expect_refused("gates:\n  - {id: g, title: G, findings: [{severity: [dire]}]}\nitems:\n" ITEM("a", "day-0", ""),
		       "cl.yaml:2:");
	expect_refused("items:\n  - {id: a, title: T, phase: day-0}\n", "owner");
	expect_refused("items: []\n", "list at least one item");
	expect_refused("items:\n  - {id: 'a b', title: T, owner: O, phase: day-0}\n", "item id 'a b'");
	expect_refused("- just a list\n", "a checklist template is a mapping");
}
END_TEST

Suite *checklist_suite(void)
{
	Suite *s = suite_create("checklist");
	TCase *tc = tcase_create("checklist");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, shipped_template_loads_in_order);
	tcase_add_test(tc, random_templates_in_order);
	tcase_add_test(tc, cycles_are_named);
	tcase_add_test(tc, other_mistakes);
	suite_add_tcase(s, tc);
	return s;
}
