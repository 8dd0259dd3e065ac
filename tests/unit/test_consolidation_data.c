/*
 * The consolidation templates against outside facts: the tool matcher on
 * every pattern of ../shared/data/tool-signatures.csv (and our own signature
 * list recognising what each of them describes), and every date of our
 * end-of-life table against the endoflife.date snapshot in ../shared/data/eol.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/err.h"
#include "core/jsonx.h"
#include "core/util.h"
#include "scoring/eol.h"
#include "scoring/tools.h"
#include "th.h"

struct csv_row {
	char *tool, *category, *kind, *pattern;
};

static size_t read_csv(struct csv_row *rows, size_t max)
{
	char *path = th_data_path("tool-signatures.csv");
	struct strbuf sb = STRBUF_INIT;
	char *line, *save = NULL;
	size_t n = 0;

	th_read(path, &sb);
	for (line = strtok_r(sb.buf, "\n", &save); line && n < max; line = strtok_r(NULL, "\n", &save)) {
		char *f[5], *s2 = NULL, *p;
		int k = 0;

		if (!strncmp(line, "tool,", 5))
			continue;
		for (p = strtok_r(line, ",", &s2); p && k < 5; p = strtok_r(NULL, ",", &s2))
			f[k++] = p;
		ck_assert_int_eq(k, 5);
		rows[n].tool = strdup(f[0]);
		rows[n].category = strdup(f[2]);
		rows[n].kind = strdup(f[3]);
		rows[n].pattern = strdup(f[4]);
		n++;
	}
	strbuf_release(&sb);
	free(path);
	return n;
}

static void free_rows(struct csv_row *rows, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(rows[i].tool);
		free(rows[i].category);
		free(rows[i].kind);
		free(rows[i].pattern);
	}
}

struct hits {
	long want;       /* tool index looked for (-1: any) */
	int found;
	const struct tool_sigs *sigs;
	const char *category; /* when set, found only for a tool of this category */
};

static int on_hit(void *ctx, size_t tool, enum tool_signal kind, const char *pattern)
{
	struct hits *h = ctx;
	const struct tool_def *d = tool_sigs_tool(h->sigs, tool);

	(void)kind;
	(void)pattern;
	if (h->want >= 0 && (size_t)h->want != tool)
		return 0;
	if (h->category && strcmp(tool_sigs_category(h->sigs, d->category)->id, h->category))
		return 0;
	h->found = 1;
	return 0;
}

/* Hosts for the regular-expression rows: (CSV tool, a host that must match, one that must not). */
static const char *const regex_samples[][3] = {
	{ "Amazon ECR (private)", "123456789012.dkr.ecr.eu-west-1.amazonaws.com/app:1", "12345678901.dkr.ecr.eu-west-1.amazonaws.com/app:1" },
	{ "Amazon ECR (private)", "123456789012.dkr.ecr-fips.us-gov-west-1.amazonaws.com/app:1", "123456789012.dkr.ecr.eu-west-1.amazonaws.com.evil.io/app:1" },
	{ "Google Container Registry", "gcr.io/proj/app:1", "gcr.io.evil.io/proj/app:1" },
	{ "Google Container Registry", "eu.gcr.io/proj/app:1", "my-gcr.io/proj/app:1" },
	{ "Google Artifact Registry", "europe-west1-docker.pkg.dev/proj/repo/app:1", "docker.pkg.dev/proj/app:1" },
	{ "Azure Container Registry", "contoso.azurecr.io/app:1", "con-toso.azurecr.io/app:1" },
	{ "Docker Hub", "nginx:1.25", "docker.io.evil.io/library/nginx:1" },
	{ "Docker Hub", "index.docker.io/library/nginx:1.25", "quay.io/library/nginx:1" },
};

/* The sample a row describes, and one a step away that it must not match. */
static void samples(const struct csv_row *r, struct strbuf *yes, struct strbuf *no)
{
	size_t len = strlen(r->pattern);

	strbuf_reset(yes);
	strbuf_reset(no);
	if (!strcmp(r->kind, "image_repo")) {
		if (r->pattern[len - 1] == '/') {
			strbuf_addf(yes, "%sinfra-agent:1.0", r->pattern);
			strbuf_addf(no, "%.*s:1.0", (int)(len - 1), r->pattern);
		} else {
			strbuf_addf(yes, "mirror.example.com/%s:1.0", r->pattern);
			strbuf_addf(no, "%s-other:1.0", r->pattern);
		}
	} else if (!strcmp(r->kind, "image_host")) {
		strbuf_addf(yes, "%s/team/app:2", r->pattern);
		strbuf_addf(no, "%s.example.net/team/app:2", r->pattern);
	} else {
		strbuf_addstr(yes, r->pattern);
		strbuf_addf(no, "%s-other", r->pattern);
	}
}

static const char *our_kind(const char *csv_kind)
{
	return !strcmp(csv_kind, "image_repo")	       ? "image"
	       : !strcmp(csv_kind, "daemonset_name") ? "daemonset"
						     : csv_kind;
}

static enum tool_signal sig_of(const char *kind)
{
	int k;

	for (k = 0; k < TOOL_SIG_COUNT; k++)
		if (!strcmp(tool_signal_names[k], kind))
			return (enum tool_signal)k;
	return TOOL_SIG_COUNT;
}

static int match(const struct tool_sigs *s, const char *kind, const char *value, long want, const char *category)
{
	struct hits h = { want, 0, s, category };
	enum tool_signal k = sig_of(kind);

	if (k == TOOL_SIG_IMAGE || k == TOOL_SIG_IMAGE_HOST || k == TOOL_SIG_IMAGE_HOST_REGEX)
		ck_assert_int_eq(tool_sigs_match_image(s, value, on_hit, &h), 0);
	else
		ck_assert_int_eq(tool_sigs_match_name(s, k, value, on_hit, &h), 0);
	return h.found;
}

/* The tool made from CSV row i. */
static long tool_of(const struct tool_sigs *s, size_t i)
{
	char id[32];

	snprintf(id, sizeof(id), "row%zu", i);
	ck_assert_int_ge(tool_sigs_find(s, id), 0);
	return tool_sigs_find(s, id);
}

/* (a) Our matcher with the CSV's own patterns: each matches what it describes, and not its neighbour. */
START_TEST(matcher_on_csv_patterns)
{
	struct csv_row rows[200];
	struct strbuf yaml = STRBUF_INIT, yes = STRBUF_INIT, no = STRBUF_INIT;
	struct tool_sigs *s = NULL;
	size_t n = read_csv(rows, 200), i, j, tested = 0;

	ck_assert_uint_eq(n, 110);
	strbuf_addstr(&yaml, "categories: [{id: c, title: C, coverage: clusters}]\ntools:\n");
	for (i = 0; i < n; i++) {
		const char *pat = rows[i].pattern;
		char *cut = strstr(rows[i].pattern, " or no host part");

		if (!strcmp(rows[i].kind, "cloud_api"))
			continue;
		if (cut)
			*cut = 0; /* Docker Hub: a reference without a host is docker.io, which the regex matches */
		strbuf_addf(&yaml, "  - {id: row%zu, name: N, vendor: V, category: c, %s: ['", i, our_kind(rows[i].kind));
		for (; *pat; pat++)
			strbuf_addf(&yaml, *pat == '\'' ? "''" : "%c", *pat);
		strbuf_addstr(&yaml, "']}\n");
	}
	ck_assert_msg(tool_sigs_parse(&s, yaml.buf, yaml.len, "csv.yaml") == 0, "%s", err_last());
	for (i = 0; i < n; i++) {
		if (!strcmp(rows[i].kind, "cloud_api"))
			continue;
		if (!strcmp(rows[i].kind, "image_host_regex")) {
			int any = 0;

			for (j = 0; j < sizeof(regex_samples) / sizeof(regex_samples[0]); j++) {
				if (strcmp(regex_samples[j][0], rows[i].tool))
					continue;
				any = 1;
				ck_assert_msg(match(s, "image", regex_samples[j][1], tool_of(s, i), NULL), "%s: %s not matched",
					      rows[i].tool, regex_samples[j][1]);
				ck_assert_msg(!match(s, "image", regex_samples[j][2], tool_of(s, i), NULL), "%s: %s matched",
					      rows[i].tool, regex_samples[j][2]);
				tested += 2;
			}
			ck_assert_msg(any, "no sample host for %s", rows[i].tool);
			continue;
		}
		samples(&rows[i], &yes, &no);
		ck_assert_msg(match(s, our_kind(rows[i].kind), yes.buf, tool_of(s, i), NULL),
			      "row %zu (%s %s): '%s' not matched", i, rows[i].kind, rows[i].pattern, yes.buf);
		ck_assert_msg(!match(s, our_kind(rows[i].kind), no.buf, tool_of(s, i), NULL), "row %zu (%s %s): '%s' matched",
			      i, rows[i].kind, rows[i].pattern, no.buf);
		tested += 2;
	}
	ck_assert_uint_eq(tested, 216);
	tool_sigs_free(s);
	free_rows(rows, n);
	strbuf_release(&yaml);
	strbuf_release(&yes);
	strbuf_release(&no);
}
END_TEST

/* The CSV's categories in ours. */
static const char *our_category(const char *csv)
{
	static const char *const map[][2] = {
		{ "runtime-security", "runtime-security" }, { "CSPM", "cspm" },
		{ "vulnerability-scanning", "vulnerability-scanning" }, { "observability", "observability" },
		{ "CNI", "cni" }, { "service-mesh", "service-mesh" }, { "certificates", "certificates" },
		{ "secrets", "secrets-management" }, { "policy", "policy" }, { "gitops", "gitops" },
		{ "registry", "registry" }, { "threat-detection", "cloud-security" },
	};
	size_t i;

	for (i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (!strcmp(map[i][0], csv))
			return map[i][1];
	return NULL;
}

/* Cloud rows: the asset a connector records when the service is on. */
static const char *const cloud_samples[][3] = {
	{ "Amazon GuardDuty", "aws.guardduty.detector", "{\"status\": \"ENABLED\"}" },
	{ "AWS Security Hub", "aws.securityhub.hub", "{}" },
	{ "Amazon Inspector", "aws.inspector2.account", "{\"status\": \"ENABLED\"}" },
	{ "Microsoft Defender for Cloud", "azure.security.pricing", "{\"pricing_tier\": \"Standard\"}" },
	{ "Google Security Command Center", "gcp.serviceusage.service",
	  "{\"name\": \"securitycenter.googleapis.com\", \"state\": \"ENABLED\"}" },
};

/* (b) Our own signatures recognise what every CSV row describes, as a tool of the same category. */
START_TEST(our_signatures_cover_the_csv)
{
	char *dir = th_repo_path("templates");
	struct csv_row rows[200];
	struct strbuf yes = STRBUF_INIT, no = STRBUF_INIT;
	struct tool_sigs *s = NULL;
	size_t n = read_csv(rows, 200), i, j, covered = 0;
	json_t *doc;

	ck_assert_msg(tool_sigs_load(&s, dir) == 0, "%s", err_last());
	ck_assert_uint_ge(tool_sigs_ntools(s), 70);
	for (i = 0; i < n; i++) {
		const char *cat = our_category(rows[i].category);

		ck_assert_msg(cat, "CSV category %s has no counterpart", rows[i].category);
		if (!strcmp(rows[i].kind, "cloud_api")) {
			struct hits h = { -1, 0, s, cat };

			for (j = 0; j < sizeof(cloud_samples) / sizeof(cloud_samples[0]); j++)
				if (!strcmp(cloud_samples[j][0], rows[i].tool))
					break;
			ck_assert_msg(j < sizeof(cloud_samples) / sizeof(cloud_samples[0]), "no sample for %s", rows[i].tool);
			ck_assert_int_eq(jsonx_parse(cloud_samples[j][2], strlen(cloud_samples[j][2]), "sample", &doc), 0);
			ck_assert_int_eq(tool_sigs_match_cloud(s, cloud_samples[j][1], doc, on_hit, &h), 0);
			ck_assert_msg(h.found, "%s (%s) not recognised as %s", rows[i].tool, cloud_samples[j][1], cat);
			json_decref(doc);
			covered++;
			continue;
		}
		if (!strcmp(rows[i].kind, "image_host_regex")) {
			for (j = 0; j < sizeof(regex_samples) / sizeof(regex_samples[0]); j++)
				if (!strcmp(regex_samples[j][0], rows[i].tool))
					ck_assert_msg(match(s, "image", regex_samples[j][1], -1, cat), "%s not recognised",
						      regex_samples[j][1]);
			covered++;
			continue;
		}
		samples(&rows[i], &yes, &no);
		if (!strcmp(rows[i].kind, "image_repo") || !strcmp(rows[i].kind, "image_host")) {
			/* The plain reference, as a pod spec writes it. */
			strbuf_reset(&yes);
			strbuf_addf(&yes, "%s%s:1.0", rows[i].pattern,
				    rows[i].pattern[strlen(rows[i].pattern) - 1] == '/' ? "infra-agent"
				    : !strcmp(rows[i].kind, "image_host")		  ? "/team/app"
											  : "");
		}
		ck_assert_msg(match(s, our_kind(rows[i].kind), yes.buf, -1, cat), "%s: %s '%s' not recognised as %s",
			      rows[i].tool, rows[i].kind, yes.buf, cat);
		covered++;
	}
	ck_assert_uint_eq(covered, 110);
	tool_sigs_free(s);
	free_rows(rows, n);
	strbuf_release(&yes);
	strbuf_release(&no);
	free(dir);
}
END_TEST

START_TEST(image_references_split)
{
	static const char *const cases[][3] = {
		{ "nginx", "docker.io", "library/nginx" },
		{ "nginx:1.25", "docker.io", "library/nginx" },
		{ "falcosecurity/falco:0.39.0", "docker.io", "falcosecurity/falco" },
		{ "registry:docker.io/library/nginx:1", "docker.io", "library/nginx" },
		{ "Index.Docker.IO/Bitnami/Redis", "docker.io", "bitnami/redis" },
		{ "localhost:5000/app:1", "localhost:5000", "app" },
		{ "localhost/app", "localhost", "app" },
		{ "quay.io/sysdig/agent@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
		  "quay.io", "sysdig/agent" },
		{ "123456789012.dkr.ecr.eu-west-1.amazonaws.com/team/api:2", "123456789012.dkr.ecr.eu-west-1.amazonaws.com",
		  "team/api" },
	};
	struct strbuf h = STRBUF_INIT, r = STRBUF_INIT;
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		ck_assert_msg(tool_image_split(cases[i][0], &h, &r) == 0, "%s: %s", cases[i][0], err_last());
		ck_assert_str_eq(h.buf, cases[i][1]);
		ck_assert_str_eq(r.buf, cases[i][2]);
	}
	ck_assert_int_eq(tool_image_split("oci-dir:images/web", &h, &r), ERR_NOTFOUND);
	ck_assert_int_eq(tool_image_split("quay.io//x", &h, &r), ERR_PARSE);
	ck_assert_int_eq(tool_image_split("", &h, &r), ERR_PARSE);
	strbuf_release(&h);
	strbuf_release(&r);
}
END_TEST

/* Every date of our table equals the snapshot's for the same product and cycle. */
START_TEST(eol_table_matches_endoflife_date)
{
	char *dir = th_repo_path("templates");
	struct eol_table *t = NULL;
	size_t i, j, dates = 0, products = 0;
	const char *last = "";

	ck_assert_msg(eol_table_load(&t, dir) == 0, "%s", err_last());
	for (i = 0; i < eol_table_size(t); i++) {
		const struct eol_cycle *c = eol_table_at(t, i);
		struct strbuf rel = STRBUF_INIT;
		char *path;
		json_t *data = NULL, *cy, *found = NULL, *v;

		strbuf_addf(&rel, "eol/%s.json", c->product);
		path = th_data_path(rel.buf);
		ck_assert_msg(jsonx_load_file(path, 0, &data) == 0, "%s", err_last());
		json_array_foreach(data, j, cy) {
			if (!strcmp(jsonx_strz(cy, "cycle"), c->cycle))
				found = cy;
		}
		ck_assert_msg(found, "%s %s is not in the snapshot", c->product, c->cycle);
		v = json_object_get(found, "eol");
		if (c->eol) {
			ck_assert_msg(json_is_string(v) && !strcmp(json_string_value(v), c->eol), "%s %s: eol %s, snapshot %s",
				      c->product, c->cycle, c->eol, json_string_value(v));
		} else {
			ck_assert_msg(json_is_boolean(v) && json_is_true(v) == c->eol_flag, "%s %s: eol flag", c->product,
				      c->cycle);
		}
		dates++;
		v = json_object_get(found, "eoes");
		if (json_is_string(v) || c->extended) {
			ck_assert_msg(c->extended && json_is_string(v) && !strcmp(json_string_value(v), c->extended),
				      "%s %s: extended %s, snapshot eoes %s", c->product, c->cycle,
				      c->extended ? c->extended : "(none)", json_is_string(v) ? json_string_value(v) : "(none)");
			dates++;
		}
		if (strcmp(last, c->product)) {
			products++;
			last = c->product;
		}
		json_decref(data);
		free(path);
		strbuf_release(&rel);
	}
	ck_assert_uint_eq(products, 13);
	ck_assert_uint_eq(eol_table_size(t), 138);
	ck_assert_uint_eq(dates, 182);
	eol_table_free(t);
	free(dir);
}
END_TEST

static int64_t day(const char *s)
{
	struct util_date d;

	ck_assert_int_eq(util_date_parse(s, &d), 0);
	return util_date_days(&d);
}

START_TEST(eol_judgements)
{
	char *dir = th_repo_path("templates");
	struct eol_table *t = NULL;
	struct strbuf ver = STRBUF_INIT;
	const struct eol_cycle *c;
	const char *until;

	ck_assert_msg(eol_table_load(&t, dir) == 0, "%s", err_last());
	/* Debian 12: standard support to 2026-07-11, LTS to 2028-06-30 (ended on the day itself). */
	c = eol_lookup(t, "debian", "12.4");
	ck_assert_ptr_nonnull(c);
	ck_assert_int_eq(eol_judge(c, day("2025-01-01"), 180, &until), EOL_SUPPORTED);
	ck_assert_str_eq(until, "2026-07-11");
	ck_assert_int_eq(eol_judge(c, day("2026-07-10"), 180, &until), EOL_SOON);
	ck_assert_int_eq(eol_judge(c, day("2026-07-11"), 180, &until), EOL_EXTENDED);
	ck_assert_str_eq(until, "2028-06-30");
	ck_assert_int_eq(eol_judge(c, day("2026-11-15"), 180, &until), EOL_EXTENDED);
	ck_assert_int_eq(eol_judge(c, day("2028-06-30"), 180, &until), EOL_ENDED);
	ck_assert_int_eq(eol_judge(c, day("2026-01-11"), 180, &until), EOL_SUPPORTED); /* 181 days before */
	ck_assert_int_eq(eol_judge(c, day("2026-01-12"), 180, &until), EOL_SOON);      /* 180: within the window */
	/* Versions to cycles. */
	ck_assert_str_eq(eol_lookup(t, "alpine-linux", "3.19.1")->cycle, "3.19");
	ck_assert_str_eq(eol_lookup(t, "alpine-linux", "3.20.0_alpha20240329")->cycle, "3.20");
	ck_assert_str_eq(eol_lookup(t, "amazon-eks", "v1.29.3-eks-adc7111")->cycle, "1.29");
	ck_assert_str_eq(eol_lookup(t, "google-kubernetes-engine", "1.30.5-gke.1014001")->cycle, "1.30");
	ck_assert_str_eq(eol_lookup(t, "amazon-linux", "2018.03")->cycle, "2018.03");
	ck_assert_str_eq(eol_lookup(t, "amazon-linux", "2023.4.20240401")->cycle, "2023");
	ck_assert_str_eq(eol_lookup(t, "ubuntu", "22.04")->cycle, "22.04");
	ck_assert_ptr_null(eol_lookup(t, "ubuntu", "22"));
	ck_assert_ptr_null(eol_lookup(t, "debian", "sid"));
	ck_assert_ptr_null(eol_lookup(t, "nope", "1"));
	ck_assert_int_eq(eol_judge(NULL, day("2026-11-15"), 180, &until), EOL_UNKNOWN);
	/* EKS 1.29 on 2026-11-15: standard support ended 2025-03-23, extended 2026-03-23. */
	ck_assert_int_eq(eol_judge(eol_lookup(t, "amazon-eks", "1.29"), day("2026-11-15"), 180, &until), EOL_ENDED);
	ck_assert_str_eq(until, "2026-03-23");
	/* Names. */
	ck_assert_str_eq(eol_product_for_os(t, "amzn"), "amazon-linux");
	ck_assert_str_eq(eol_product_for_os(t, "alpine"), "alpine-linux");
	ck_assert_ptr_null(eol_product_for_os(t, "wolfi"));
	ck_assert_str_eq(eol_product_for_kubernetes(t, "eks"), "amazon-eks");
	ck_assert_str_eq(eol_product_for_runtime(t, "containerd"), "containerd");
	ck_assert_str_eq(eol_product_for_os_image(t, "Ubuntu 22.04.4 LTS", &ver), "ubuntu");
	ck_assert_str_eq(ver.buf, "22.04.4");
	ck_assert_str_eq(eol_product_for_os_image(t, "Amazon Linux 2", &ver), "amazon-linux");
	ck_assert_str_eq(ver.buf, "2");
	ck_assert_str_eq(eol_product_for_os_image(t, "Debian GNU/Linux 12 (bookworm)", &ver), "debian");
	ck_assert_str_eq(ver.buf, "12");
	ck_assert_ptr_null(eol_product_for_os_image(t, "Bottlerocket OS 1.19.2 (aws-k8s-1.29)", &ver));
	ck_assert_str_eq(eol_status_name(EOL_EXTENDED), "extended-support-only");
	eol_table_free(t);
	strbuf_release(&ver);
	free(dir);
}
END_TEST

static void expect_eol_refused(const char *text, const char *needle)
{
	struct eol_table *t = NULL;

	ck_assert_int_eq(eol_table_parse(&t, text, strlen(text), "eol.yaml"), ERR_PARSE);
	ck_assert_msg(strstr(err_last(), needle), "message '%s' lacks '%s'", err_last(), needle);
}

START_TEST(bad_tables_refused)
{
	expect_eol_refused("products:\n  - {id: a, title: A, cycle: major, cycles: [{cycle: 3.20, eol: 2020-01-01}]}\n",
			   "eol.yaml:2:");
	expect_eol_refused("products:\n  - {id: a, title: A, cycle: major, cycles: [{cycle: 3.20, eol: 2020-01-01}]}\n",
			   "YAML reads 3.20");
	expect_eol_refused("products:\n  - {id: a, title: A, cycle: major, cycles: [{cycle: '1', eol: soon}]}\n",
			   "expected a date (YYYY-MM-DD), true or false");
	expect_eol_refused("products:\n  - {id: a, title: A, cycle: major, cycles: [{cycle: '1', eol: 2020-01-01, "
			   "extended: 2019-01-01}]}\n",
			   "cannot end before standard support");
	expect_eol_refused("products:\n  - {id: a, title: A, cycle: major, cycles: [{cycle: '1', eol: true}, {cycle: '1', "
			   "eol: false}]}\n",
			   "a cycle 1 is listed twice");
	expect_eol_refused("products:\n  - {id: a, title: A, cycle: minor, cycles: []}\n", "'minor' is not one of");
}
END_TEST

Suite *consolidation_data_suite(void)
{
	Suite *s = suite_create("consolidation-data");
	TCase *tc = tcase_create("data");

	tcase_set_timeout(tc, 60);
	if (th_have_data("matcher_on_csv_patterns", "tool-signatures.csv"))
		tcase_add_test(tc, matcher_on_csv_patterns);
	if (th_have_data("our_signatures_cover_the_csv", "tool-signatures.csv"))
		tcase_add_test(tc, our_signatures_cover_the_csv);
	if (th_have_data("eol_table_matches_endoflife_date", "eol"))
		tcase_add_test(tc, eol_table_matches_endoflife_date);
	tcase_add_test(tc, image_references_split);
	tcase_add_test(tc, eol_judgements);
	tcase_add_test(tc, bad_tables_refused);
	suite_add_tcase(s, tc);
	return s;
}
