/*
 * vulndb_match: the packages of one image against the advisory database.
 *
 * Per package: the target of its type (vulndb_match_os.c) gives the OSV
 * ecosystems and the name and version to look up; each affected[] row found
 * is evaluated (vulndb_match_range.c); the affecting records are grouped by
 * shared ids (id and aliases: GHSA-x and PYSEC-y both aliasing CVE-z are one
 * vulnerability) and reported once per group.  Binary packages of one
 * source (linux-libc-dev, linux-image-... of linux) share the work: the
 * lookup of a (type, name, version) is done once per call.
 */
#include <stdlib.h>
#include <string.h>

#include "core/err.h"
#include "core/jsonx.h"
#include "core/util.h"
#include "osv.h"
#include "vulndb_match_int.h"

struct hit {
	const struct vm_record *rec;
	const char *ecosystem; /* borrowed from the target */
	char *fixed;           /* NULL: no fix */
	size_t group;
};

struct group {
	const struct vm_record **recs;
	size_t n;
	const char *ecosystem;
	const char *id;        /* the smallest id */
	json_t *aliases;       /* every other id, sorted */
	json_t *cves;          /* CVE ids, sorted */
	char *fixed;
	struct vm_severity sev;
};

struct advgap {
	char *advisory, *ecosystem, *reason;
};

/* The outcome of one lookup, shared by the packages with the same (type, name, version). */
struct lookup {
	char *name, *version;
	const char *ecosystem;   /* the first ecosystem with rows */
	char *bad_version;       /* the reason when the version cannot be parsed */
	struct group *groups;
	size_t ngroups;
	struct advgap *gaps;
	size_t ngaps;
};

struct run {
	struct vulndb *db;
	struct vm_cache *cache;
	struct vm_plan plan;
	const struct vulndb_match_cb *cb;
	json_t *memo;            /* "type\tname\tversion" -> index into lookups */
	struct lookup **lookups;
	size_t nlookups, cap;
	int matches;
};

static void lookup_free(struct lookup *l)
{
	size_t i;

	if (!l)
		return;
	for (i = 0; i < l->ngroups; i++) {
		free(l->groups[i].recs);
		json_decref(l->groups[i].aliases);
		json_decref(l->groups[i].cves);
		free(l->groups[i].fixed);
	}
	for (i = 0; i < l->ngaps; i++) {
		free(l->gaps[i].advisory);
		free(l->gaps[i].ecosystem);
		free(l->gaps[i].reason);
	}
	free(l->groups);
	free(l->gaps);
	free(l->name);
	free(l->version);
	free(l->bad_version);
	free(l);
}

/* The name and version a package is looked up by, per its target. */
static int lookup_name(const struct vm_target *t, const struct pkg *p, struct strbuf *name, const char **version)
{
	*version = p->version;
	if (!strcmp(p->type, PKG_NPM) && p->namespace_)
		return strbuf_addf(name, "@%s/%s", p->namespace_, p->name);
	if (!strcmp(p->type, PKG_MAVEN) && p->namespace_)
		return strbuf_addf(name, "%s:%s", p->namespace_, p->name);
	if (t->by_source && p->source_name && *p->source_name) {
		if (!strcmp(p->type, PKG_DEB) && p->source_version && *p->source_version)
			*version = p->source_version;
		return strbuf_addstr(name, p->source_name);
	}
	return strbuf_addstr(name, p->name);
}

static int add_gap(struct lookup *l, const char *advisory, const char *eco, const char *reason)
{
	struct advgap *ng = realloc(l->gaps, (l->ngaps + 1) * sizeof(*ng));

	if (!ng)
		return err_set(ERR_NOMEM, "out of memory");
	l->gaps = ng;
	ng[l->ngaps].advisory = strdup(advisory);
	ng[l->ngaps].ecosystem = strdup(eco);
	ng[l->ngaps].reason = strdup(reason);
	l->ngaps++;
	if (!ng[l->ngaps - 1].advisory || !ng[l->ngaps - 1].ecosystem || !ng[l->ngaps - 1].reason)
		return err_set(ERR_NOMEM, "out of memory");
	return 0;
}

/* Union-find over hits. */
static size_t find(size_t *parent, size_t i)
{
	while (parent[i] != i)
		i = parent[i] = parent[parent[i]];
	return i;
}

static int cmp_group(const void *a, const void *b)
{
	return strcmp(((const struct group *)a)->id, ((const struct group *)b)->id);
}

/* Group the hits by shared ids and describe each group. */
static int make_groups(struct run *r, const struct vm_target *t, struct lookup *l, struct hit *hits, size_t n)
{
	json_t *owner = json_object(), *v, *all = NULL, *cves = NULL;
	size_t *parent = calloc(n ? n : 1, sizeof(*parent)), i, k, g;
	int rc = 0, c;

	if (!owner || !parent) {
		rc = err_set(ERR_NOMEM, "out of memory");
		goto cleanup;
	}
	for (i = 0; i < n; i++)
		parent[i] = i;
	for (i = 0; i < n; i++) {
		json_array_foreach(hits[i].rec->idents, k, v) {
			json_t *o = json_object_get(owner, json_string_value(v));

			if (o) {
				size_t a = find(parent, (size_t)json_integer_value(o)), b = find(parent, i);

				if (a != b)
					parent[a > b ? a : b] = a < b ? a : b;
			} else {
				json_object_set_new(owner, json_string_value(v), json_integer((json_int_t)i));
			}
		}
	}
	for (i = 0; i < n; i++) {
		size_t root = find(parent, i);

		if (root == i) {
			struct group *ng = realloc(l->groups, (l->ngroups + 1) * sizeof(*ng));

			if (!ng) {
				rc = err_set(ERR_NOMEM, "out of memory");
				goto cleanup;
			}
			l->groups = ng;
			memset(&ng[l->ngroups], 0, sizeof(*ng));
			hits[i].group = l->ngroups++;
		} else {
			hits[i].group = hits[root].group;
		}
	}
	for (g = 0; g < l->ngroups; g++) {
		struct group *gr = &l->groups[g];

		if (!(gr->recs = calloc(n, sizeof(*gr->recs))) || !(all = json_array()) || !(cves = json_array())) {
			rc = err_set(ERR_NOMEM, "out of memory");
			goto cleanup;
		}
		for (i = 0; i < n; i++) {
			if (hits[i].group != g)
				continue;
			if (!gr->n)
				gr->ecosystem = hits[i].ecosystem;
			gr->recs[gr->n++] = hits[i].rec;
			if (!gr->id || strcmp(hits[i].rec->id, gr->id) < 0)
				gr->id = hits[i].rec->id;
			json_array_foreach(hits[i].rec->idents, k, v)
				json_array_append(all, v);
			json_array_foreach(hits[i].rec->aliases, k, v)
				json_array_append(all, v);
			json_array_foreach(hits[i].rec->cves, k, v)
				json_array_append(cves, v);
			if (hits[i].fixed && (!gr->fixed || (vm_compare(t, hits[i].ecosystem, 'E', hits[i].fixed, gr->fixed,
									&c) == 0 && c > 0))) {
				free(gr->fixed);
				if (!(gr->fixed = strdup(hits[i].fixed))) {
					rc = err_set(ERR_NOMEM, "out of memory");
					goto cleanup;
				}
			}
		}
		if ((rc = vm_sorted_unique(all, gr->id, &gr->aliases)) < 0 ||
		    (rc = vm_sorted_unique(cves, NULL, &gr->cves)) < 0 ||
		    (rc = vm_severity(r->db, r->cache, t, gr->recs, gr->n, gr->ecosystem, l->name, &gr->sev)) < 0)
			goto cleanup;
		json_decref(all);
		json_decref(cves);
		all = cves = NULL;
	}
	qsort(l->groups, l->ngroups, sizeof(*l->groups), cmp_group);
cleanup:
	json_decref(owner);
	json_decref(all);
	json_decref(cves);
	free(parent);
	return rc;
}

/* Add rec to hits, or merge into its earlier hit (another ecosystem of the target). */
static int add_hit(struct hit **hits, size_t *n, const struct vm_record *rec, const char *eco, char *fixed,
		   const struct vm_target *t)
{
	struct hit *nh;
	size_t i;
	int c;

	for (i = 0; i < *n; i++) {
		if ((*hits)[i].rec != rec)
			continue;
		if (fixed && (!(*hits)[i].fixed || (vm_compare(t, eco, 'E', fixed, (*hits)[i].fixed, &c) == 0 && c > 0))) {
			free((*hits)[i].fixed);
			(*hits)[i].fixed = fixed;
		} else {
			free(fixed);
		}
		return 0;
	}
	if (!(nh = realloc(*hits, (*n + 1) * sizeof(*nh)))) {
		free(fixed);
		return err_set(ERR_NOMEM, "out of memory");
	}
	*hits = nh;
	nh[*n].rec = rec;
	nh[*n].ecosystem = eco;
	nh[*n].fixed = fixed;
	nh[*n].group = 0;
	(*n)++;
	return 0;
}

static int do_lookup(struct run *r, const struct vm_target *t, struct lookup *l)
{
	struct strbuf key = STRBUF_INIT;
	struct hit *hits = NULL;
	size_t nhits = 0, e, i;
	int rc = 0, valid = -1;

	for (e = 0; e < t->necos && rc == 0 && !l->bad_version; e++) {
		const char *eco = t->ecos[e];
		sqlite3_stmt *s;
		json_t *rows = NULL, *row;

		if (!vm_ecosystem_records(r->db, eco))
			continue;
		strbuf_reset(&key);
		if ((rc = osv_package_key(&key, eco, l->name)) < 0 || (rc = vdb_stmt(r->db, Q_LOOKUP, &s)) < 0 ||
		    (rc = vdb_bind_text(s, 1, eco)) < 0 || (rc = vdb_bind_text(s, 2, key.buf)) < 0)
			break;
		/* Copy the rows out first: reading records reuses statements. */
		if (!(rows = json_array())) {
			rc = err_set(ERR_NOMEM, "out of memory");
			break;
		}
		while (sqlite3_step(s) == SQLITE_ROW)
			json_array_append_new(rows, json_pack("[s,s]", (const char *)sqlite3_column_text(s, 0),
							      (const char *)sqlite3_column_text(s, 1)));
		sqlite3_reset(s);
		if (json_array_size(rows) && !l->ecosystem)
			l->ecosystem = eco;
		if (json_array_size(rows) && valid < 0 && !(valid = ver_valid(t->scheme, l->version, t->flags))) {
			struct strbuf why = STRBUF_INIT;
			char q[80];

			strbuf_addf(&why, "installed version %s cannot be parsed by the %s rules, so %zu advisory record%s for %s in %s "
					  "could not be checked",
				    ver_quote(q, sizeof(q), l->version), ver_scheme_name(t->scheme), json_array_size(rows),
				    json_array_size(rows) == 1 ? "" : "s", l->name, eco);
			l->bad_version = strbuf_detach(&why, NULL);
		}
		json_array_foreach(rows, i, row) {
			const char *id = json_string_value(json_array_get(row, 0));
			const struct vm_record *rec;
			enum vm_verdict verdict;
			char *fixed = NULL;

			if (l->bad_version)
				break;
			if ((rc = vm_record(r->db, r->cache, id, &rec)) == ERR_NOTFOUND) {
				rc = 0;
				continue;
			}
			if (rc < 0)
				break;
			if (rec->withdrawn)
				continue;
			if (vm_evaluate(t, eco, json_string_value(json_array_get(row, 1)), l->version, &verdict, &fixed) < 0) {
				if ((rc = add_gap(l, id, eco, err_last())) < 0)
					break;
				continue;
			}
			if (verdict == VM_AFFECTED && (rc = add_hit(&hits, &nhits, rec, eco, fixed, t)) < 0)
				break;
			if (verdict != VM_AFFECTED)
				free(fixed);
		}
		json_decref(rows);
	}
	if (rc == 0)
		rc = make_groups(r, t, l, hits, nhits);
	for (i = 0; i < nhits; i++)
		free(hits[i].fixed);
	free(hits);
	strbuf_release(&key);
	return rc;
}

/* The memoised lookup for package p. */
static int lookup_for(struct run *r, const struct vm_target *t, const struct pkg *p, struct lookup **out)
{
	struct strbuf name = STRBUF_INIT, memo = STRBUF_INIT;
	struct lookup *l = NULL;
	const char *version;
	json_t *pos;
	int rc;

	if ((rc = lookup_name(t, p, &name, &version)) < 0 ||
	    (rc = strbuf_addf(&memo, "%s\t%s\t%s", p->type, name.buf, version)) < 0)
		goto cleanup;
	if ((pos = json_object_get(r->memo, memo.buf))) {
		*out = r->lookups[json_integer_value(pos)];
		goto cleanup;
	}
	if (!(l = calloc(1, sizeof(*l))) || !(l->name = strdup(name.buf)) || !(l->version = strdup(version))) {
		rc = err_set(ERR_NOMEM, "out of memory");
		goto cleanup;
	}
	if ((rc = do_lookup(r, t, l)) < 0)
		goto cleanup;
	if (r->nlookups == r->cap) {
		struct lookup **nl = realloc(r->lookups, (r->cap = r->cap ? r->cap * 2 : 64) * sizeof(*nl));

		if (!nl) {
			rc = err_set(ERR_NOMEM, "out of memory");
			goto cleanup;
		}
		r->lookups = nl;
	}
	r->lookups[r->nlookups] = l;
	json_object_set_new(r->memo, memo.buf, json_integer((json_int_t)r->nlookups));
	r->nlookups++;
	*out = l;
	l = NULL;
cleanup:
	lookup_free(l);
	strbuf_release(&name);
	strbuf_release(&memo);
	return rc;
}

static int emit_gap(struct run *r, const char *scope, const char *eco, const struct pkg *p, const char *advisory,
		    const char *reason, size_t packages)
{
	struct vulndb_gap g = { scope, eco, p, advisory, reason, packages, NULL };
	json_t *doc = json_object();
	int rc;

	if (!doc)
		return err_set(ERR_NOMEM, "out of memory");
	jsonx_set_str(doc, "scope", scope);
	jsonx_set_str(doc, "ecosystem", eco);
	if (p) {
		jsonx_set_str(doc, "package", p->name);
		jsonx_set_str(doc, "installed_version", p->version);
		jsonx_set_str(doc, "type", p->type);
		jsonx_set_str(doc, "purl", p->purl);
		jsonx_set_str(doc, "layer", p->layer);
	}
	jsonx_set_str(doc, "advisory", advisory);
	jsonx_set_str(doc, "reason", reason);
	if (packages)
		json_object_set_new(doc, "packages", json_integer((json_int_t)packages));
	g.doc = doc;
	rc = r->cb->gap ? r->cb->gap(r->cb->ctx, &g) : 0;
	json_decref(doc);
	return rc;
}

/* Coverage gaps of whole package types, before any package. */
static int coverage_gaps(struct run *r, const json_t *os, const struct pkg_list *pkgs)
{
	static const char *const types[] = { PKG_DEB, PKG_APK, PKG_RPM, PKG_NPM, PKG_PYPI, PKG_GO, PKG_MAVEN };
	struct strbuf why = STRBUF_INIT;
	size_t i, k, count;
	int rc = 0;

	for (k = 0; k < ARRAY_SIZE(types) && rc == 0; k++) {
		const struct vm_target *t = vm_plan_find(&r->plan, types[k]);

		for (i = count = 0; i < pkgs->n; i++)
			count += !strcmp(pkgs->v[i].type, types[k]);
		if (!count)
			continue;
		strbuf_reset(&why);
		if (!t && !os) {
			strbuf_addf(&why, "the operating system was not recognised, so %zu %s packages were not matched "
					  "against advisories", count, types[k]);
			rc = emit_gap(r, "os", NULL, NULL, NULL, why.buf, count);
		} else if (!t) {
			strbuf_addf(&why, "no advisory source for %s packages on %s (%s %s): %zu packages were not matched "
					  "against advisories", types[k], jsonx_strz(os, "pretty_name"), jsonx_strz(os, "id"),
				    jsonx_strz(os, "version_id"), count);
			rc = emit_gap(r, "os", NULL, NULL, NULL, why.buf, count);
		} else if (t->no_source) {
			strbuf_addf(&why, "%s: %zu %s packages were not matched against advisories", t->no_source, count,
				    types[k]);
			rc = emit_gap(r, "os", t->label, NULL, NULL, why.buf, count);
		} else if (!t->records) {
			strbuf_addf(&why, "the advisory database has no records for %s, so %zu %s packages were not matched "
					  "against advisories (import them: vetter db import osv, or vetter db update)",
				    t->label, count, types[k]);
			rc = emit_gap(r, "ecosystem", t->label, NULL, NULL, why.buf, count);
		}
	}
	strbuf_release(&why);
	return rc;
}

static int emit_group(struct run *r, const struct vm_target *t, const struct pkg *p, const struct lookup *l,
		      const struct group *g);

int vulndb_match(struct vulndb *db, const json_t *os, const struct pkg_list *pkgs, const struct vulndb_match_cb *cb)
{
	struct run r;
	size_t i, k;
	int rc;

	memset(&r, 0, sizeof(r));
	r.db = db;
	r.cb = cb;
	if ((rc = vm_cache_new(&r.cache)) < 0)
		return rc;
	if (!(r.memo = json_object())) {
		rc = err_set(ERR_NOMEM, "out of memory");
		goto cleanup;
	}
	if ((rc = vm_plan_build(db, os, pkgs, &r.plan)) < 0 || (rc = coverage_gaps(&r, os, pkgs)) < 0)
		goto cleanup;
	for (i = 0; i < pkgs->n; i++) {
		const struct pkg *p = &pkgs->v[i];
		const struct vm_target *t = vm_plan_find(&r.plan, p->type);
		struct lookup *l = NULL;

		if (!t || t->no_source || !t->records)
			continue;
		if ((rc = lookup_for(&r, t, p, &l)) < 0)
			goto cleanup;
		if (l->bad_version && (rc = emit_gap(&r, "package", l->ecosystem, p, NULL, l->bad_version, 0)) < 0)
			goto cleanup;
		for (k = 0; k < l->ngaps; k++) {
			struct strbuf why = STRBUF_INIT;

			strbuf_addf(&why, "advisory %s for %s cannot be evaluated: %s", l->gaps[k].advisory, l->name,
				    l->gaps[k].reason);
			rc = emit_gap(&r, "advisory", l->gaps[k].ecosystem, p, l->gaps[k].advisory, why.buf, 0);
			strbuf_release(&why);
			if (rc < 0)
				goto cleanup;
		}
		for (k = 0; k < l->ngroups; k++)
			if ((rc = emit_group(&r, t, p, l, &l->groups[k])) < 0)
				goto cleanup;
	}
	rc = r.matches;
cleanup:
	for (i = 0; i < r.nlookups; i++)
		lookup_free(r.lookups[i]);
	free(r.lookups);
	json_decref(r.memo);
	vm_plan_release(&r.plan);
	vm_cache_free(r.cache);
	return rc;
}

/* The KEV, EPSS and SSVC of the group's CVEs: per CVE, and the most telling one at the top. */
static int join_cves(struct run *r, const struct group *g, struct vulndb_cve *cves, json_t *doc)
{
	json_t *list = json_array(), *v, *kev = NULL, *epss = NULL, *ssvc = NULL;
	const char *kev_cve = NULL, *epss_cve = NULL, *ssvc_cve = NULL;
	const json_t *info;
	size_t i;
	int rc;

	if (!list || json_object_set_new(doc, "cves", list) < 0)
		return err_set(ERR_NOMEM, "out of memory");
	json_array_foreach(g->cves, i, v) {
		struct vulndb_cve *c = &cves[i];
		json_t *e = json_object(), *k, *ep, *ss;

		if ((rc = vm_cve(r->db, r->cache, json_string_value(v), &info)) < 0)
			return rc;
		if (!e || json_array_append_new(list, e) < 0)
			return err_set(ERR_NOMEM, "out of memory");
		c->id = json_string_value(v);
		jsonx_set_str(e, "id", c->id);
		if ((k = json_object_get(info, "kev"))) {
			c->kev = 1;
			c->kev_date_added = jsonx_str(k, "date_added");
			c->kev_due_date = jsonx_str(k, "due_date");
			c->kev_ransomware = jsonx_str(k, "ransomware");
			json_object_set(e, "kev", k);
			if (!kev || strcmp(jsonx_strz(k, "date_added"), jsonx_strz(kev, "date_added")) < 0) {
				kev = k;
				kev_cve = c->id;
			}
		}
		if ((ep = json_object_get(info, "epss"))) {
			c->epss_score = jsonx_str(ep, "score");
			c->epss_percentile = jsonx_str(ep, "percentile");
			json_object_set(e, "epss", ep);
			if (!epss || strtod(jsonx_strz(ep, "score"), NULL) > strtod(jsonx_strz(epss, "score"), NULL)) {
				epss = ep;
				epss_cve = c->id;
			}
		}
		if ((ss = json_object_get(info, "ssvc"))) {
			c->ssvc_exploitation = jsonx_str(ss, "exploitation");
			c->ssvc_automatable = jsonx_str(ss, "automatable");
			c->ssvc_technical_impact = jsonx_str(ss, "technical_impact");
			json_object_set(e, "ssvc", ss);
			if (!ssvc) {
				ssvc = ss;
				ssvc_cve = c->id;
			}
		}
		if ((c->cwe = json_object_get(info, "cwe")))
			json_object_set(e, "cwe", json_object_get(info, "cwe"));
	}
	/* The top-level copies name their CVE. */
	if (kev && (v = json_deep_copy(kev)) && json_object_set_new(doc, "kev", v) == 0)
		jsonx_set_str(v, "cve", kev_cve);
	if (epss && (v = json_deep_copy(epss)) && json_object_set_new(doc, "epss", v) == 0)
		jsonx_set_str(v, "cve", epss_cve);
	if (ssvc && (v = json_deep_copy(ssvc)) && json_object_set_new(doc, "ssvc", v) == 0)
		jsonx_set_str(v, "cve", ssvc_cve);
	json_object_set_new(doc, "known_exploited", json_boolean(kev != NULL));
	return 0;
}

static int emit_group(struct run *r, const struct vm_target *t, const struct pkg *p, const struct lookup *l,
		      const struct group *g)
{
	struct vulndb_cve *cves = calloc(json_array_size(g->cves) + 1, sizeof(*cves));
	const char *summary = NULL;
	json_t *doc = json_object();
	struct vulndb_match m;
	size_t i;
	int rc;

	if (!cves || !doc) {
		rc = err_set(ERR_NOMEM, "out of memory");
		goto cleanup;
	}
	for (i = 0; i < g->n && !summary; i++)
		if (!strcmp(g->recs[i]->id, g->id))
			summary = jsonx_str(g->recs[i]->doc, "summary");
	for (i = 0; i < g->n && !summary; i++)
		summary = jsonx_str(g->recs[i]->doc, "summary");
	jsonx_set_str(doc, "package", p->name);
	jsonx_set_str(doc, "installed_version", p->version);
	jsonx_set_str(doc, "type", p->type);
	jsonx_set_str(doc, "purl", p->purl);
	jsonx_set_str(doc, "layer", p->layer);
	jsonx_set_str(doc, "path", p->path);
	jsonx_set_str(doc, "ecosystem", g->ecosystem);
	jsonx_set_str(doc, "matched_name", l->name);
	jsonx_set_str(doc, "matched_version", l->version);
	jsonx_set_str(doc, "advisory", g->id);
	json_object_set(doc, "aliases", g->aliases);
	jsonx_set_str(doc, "summary", summary ? summary : "");
	json_object_set_new(doc, "fixed_version", g->fixed ? json_string(g->fixed) : json_null());
	jsonx_set_str(doc, "fix_state", g->fixed ? "fixed" : "no fix yet");
	jsonx_set_str(doc, "severity", g->sev.severity);
	jsonx_set_str(doc, "severity_source", g->sev.source);
	jsonx_set_str(doc, "severity_detail", g->sev.detail);
	jsonx_set_str(doc, "severity_from", g->sev.from);
	json_object_set_new(doc, "cvss_score", g->sev.score >= 0 ? json_real(g->sev.score) : json_null());
	if ((rc = join_cves(r, g, cves, doc)) < 0)
		goto cleanup;
	memset(&m, 0, sizeof(m));
	m.pkg = p;
	m.ecosystem = g->ecosystem;
	m.name = l->name;
	m.version = l->version;
	m.id = g->id;
	m.aliases = g->aliases;
	m.summary = summary ? summary : "";
	m.fixed = g->fixed;
	m.severity = g->sev.severity;
	m.severity_source = g->sev.source;
	m.severity_detail = g->sev.detail;
	m.cvss_score = g->sev.score;
	m.cves = cves;
	m.ncves = json_array_size(g->cves);
	m.doc = doc;
	r->matches++;
	rc = r->cb->match ? r->cb->match(r->cb->ctx, &m) : 0;
	(void)t;
cleanup:
	free(cves);
	json_decref(doc);
	return rc;
}

struct collect {
	json_t *matches, *gaps;
};

static int collect_match(void *ctx, const struct vulndb_match *m)
{
	return json_array_append(((struct collect *)ctx)->matches, (json_t *)m->doc) < 0 ? err_set(ERR_NOMEM, "out of memory")
											     : 0;
}

static int collect_gap(void *ctx, const struct vulndb_gap *g)
{
	return json_array_append(((struct collect *)ctx)->gaps, (json_t *)g->doc) < 0 ? err_set(ERR_NOMEM, "out of memory")
											  : 0;
}

int vulndb_match_json(struct vulndb *db, const json_t *os, const struct pkg_list *pkgs, json_t **matches,
		      json_t **gaps)
{
	struct collect c = { json_array(), json_array() };
	struct vulndb_match_cb cb = { collect_match, collect_gap, &c };
	int rc;

	*matches = *gaps = NULL;
	if (!c.matches || !c.gaps)
		rc = err_set(ERR_NOMEM, "out of memory");
	else
		rc = vulndb_match(db, os, pkgs, &cb);
	if (rc < 0) {
		json_decref(c.matches);
		json_decref(c.gaps);
		return rc;
	}
	*matches = c.matches;
	*gaps = c.gaps;
	return rc;
}
