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
#include <time.h>

#include "core/err.h"
#include "core/jsonx.h"
#include "core/util.h"
#include "osv.h"
#include "vulndb_match_int.h"

struct hit {
	const struct vm_record *rec;
	const char *ecosystem; /* borrowed from the target */
	char *fixed;           /* NULL: no fix */
	char *entry;           /* the u and p lines of the entry that matched */
	size_t group;
};

struct group {
	struct vm_member *m;
	size_t n;
	const char *ecosystem;
	const char *id;          /* the smallest id */
	const char **aliases;    /* every other id, sorted (borrowed strings) */
	const char **cves;       /* CVE ids, sorted (borrowed strings) */
	size_t naliases, ncves;
	int own_lists;           /* aliases and cves were made for the group (else the record's) */
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
	time_t now;
};

static void lookup_free(struct lookup *l)
{
	size_t i, k;

	if (!l)
		return;
	for (i = 0; i < l->ngroups; i++) {
		for (k = 0; k < l->groups[i].n; k++)
			free((char *)l->groups[i].m[k].entry);
		free(l->groups[i].m);
		if (l->groups[i].own_lists) {
			free(l->groups[i].aliases);
			free(l->groups[i].cves);
		}
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

/* Group the hits by shared ids and describe each group; the entries move into the groups. */
static int make_groups(struct run *r, const struct vm_target *t, struct lookup *l, struct hit *hits, size_t n)
{
	json_t *owner = json_object();
	size_t *parent = calloc(n ? n : 1, sizeof(*parent)), i, k, g;
	int rc = 0, c;

	if (!owner || !parent) {
		rc = err_set(ERR_NOMEM, "out of memory");
		goto cleanup;
	}
	for (i = 0; i < n; i++)
		parent[i] = i;
	for (i = 0; i < n; i++) {
		for (k = 0; k < hits[i].rec->nidents; k++) {
			json_t *o = json_object_get(owner, hits[i].rec->idents[k]);

			if (o) {
				size_t a = find(parent, (size_t)json_integer_value(o)), b = find(parent, i);

				if (a != b)
					parent[a > b ? a : b] = a < b ? a : b;
			} else {
				json_object_set_new(owner, hits[i].rec->idents[k], json_integer((json_int_t)i));
			}
		}
	}
	/* Number the groups in order of their first hit and count their members. */
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
		l->groups[hits[i].group].n++;
	}
	for (g = 0; g < l->ngroups; g++) {
		if (!(l->groups[g].m = calloc(l->groups[g].n, sizeof(*l->groups[g].m)))) {
			rc = err_set(ERR_NOMEM, "out of memory");
			goto cleanup;
		}
		l->groups[g].n = 0;
	}
	for (i = 0; i < n; i++) {
		struct group *gr = &l->groups[hits[i].group];

		if (!gr->n)
			gr->ecosystem = hits[i].ecosystem;
		gr->m[gr->n].rec = hits[i].rec;
		gr->m[gr->n++].entry = hits[i].entry;
		hits[i].entry = NULL;
		if (!gr->id || strcmp(hits[i].rec->id, gr->id) < 0)
			gr->id = hits[i].rec->id;
		if (hits[i].fixed && (!gr->fixed || (vm_compare(t, hits[i].ecosystem, 'E', hits[i].fixed, gr->fixed, &c) == 0 &&
						      c > 0))) {
			free(gr->fixed);
			gr->fixed = hits[i].fixed;
			hits[i].fixed = NULL;
		}
	}
	for (g = 0; g < l->ngroups; g++) {
		struct group *gr = &l->groups[g];

		if (gr->n == 1) {
			/* The usual case: the record's own lists. */
			gr->aliases = gr->m[0].rec->aliases;
			gr->naliases = gr->m[0].rec->naliases;
			gr->cves = gr->m[0].rec->cves;
			gr->ncves = gr->m[0].rec->ncves;
		} else {
			size_t na = 0, nc = 0;

			for (i = 0; i < gr->n; i++) {
				na += gr->m[i].rec->nidents + gr->m[i].rec->naliases;
				nc += gr->m[i].rec->ncves;
			}
			gr->own_lists = 1;
			if (!(gr->aliases = malloc((na + 1) * sizeof(*gr->aliases))) ||
			    !(gr->cves = malloc((nc + 1) * sizeof(*gr->cves)))) {
				rc = err_set(ERR_NOMEM, "out of memory");
				goto cleanup;
			}
			for (i = 0; i < gr->n; i++) {
				const struct vm_record *rec = gr->m[i].rec;

				for (k = 0; k < rec->nidents; k++)
					gr->aliases[gr->naliases++] = rec->idents[k];
				for (k = 0; k < rec->naliases; k++)
					gr->aliases[gr->naliases++] = rec->aliases[k];
				for (k = 0; k < rec->ncves; k++)
					gr->cves[gr->ncves++] = rec->cves[k];
			}
			vm_sorted_set(gr->aliases, &gr->naliases, gr->id);
			vm_sorted_set(gr->cves, &gr->ncves, NULL);
		}
		if ((rc = vm_severity(r->db, r->cache, t, gr->m, gr->n, &gr->sev)) < 0)
			goto cleanup;
	}
	if (l->ngroups > 1)
		qsort(l->groups, l->ngroups, sizeof(*l->groups), cmp_group);
cleanup:
	json_decref(owner);
	free(parent);
	return rc;
}

/* Add rec to hits, or merge into its earlier hit (another entry or ecosystem of the target); takes fixed and entry. */
static int add_hit(struct hit **hits, size_t *n, size_t *cap, json_t *seen, const struct vm_record *rec,
		   const char *eco, char *fixed, char *entry, const struct vm_target *t)
{
	json_t *pos = json_object_get(seen, rec->id);
	struct hit *nh;
	int c;

	if (pos) {
		struct hit *h = &(*hits)[json_integer_value(pos)];

		if (fixed && (!h->fixed || (vm_compare(t, eco, 'E', fixed, h->fixed, &c) == 0 && c > 0))) {
			free(h->fixed);
			h->fixed = fixed;
		} else {
			free(fixed);
		}
		free(entry);
		return 0;
	}
	if (*n == *cap) {
		if (!(nh = realloc(*hits, (*cap ? *cap * 2 : 16) * sizeof(*nh)))) {
			free(fixed);
			free(entry);
			return err_set(ERR_NOMEM, "out of memory");
		}
		*hits = nh;
		*cap = *cap ? *cap * 2 : 16;
	}
	nh = *hits;
	nh[*n].rec = rec;
	nh[*n].ecosystem = eco;
	nh[*n].fixed = fixed;
	nh[*n].entry = entry;
	nh[*n].group = 0;
	json_object_set_new(seen, rec->id, json_integer((json_int_t)*n));
	(*n)++;
	return 0;
}

/* The u and p lines of an entry's compact form. */
static char *entry_lines(const char *ranges)
{
	struct strbuf sb = STRBUF_INIT;
	const char *line, *nl;

	for (line = ranges; *line; line = nl + 1) {
		if (!(nl = strchr(line, '\n')))
			break;
		if ((line[0] == 'u' || line[0] == 'p') && strbuf_add(&sb, line, (size_t)(nl - line + 1)) < 0) {
			strbuf_release(&sb);
			return NULL;
		}
	}
	return strbuf_detach(&sb, NULL);
}

static int do_lookup(struct run *r, const struct vm_target *t, struct lookup *l)
{
	struct strbuf key = STRBUF_INIT;
	struct hit *hits = NULL;
	json_t *seen = json_object();
	size_t nhits = 0, cap = 0, e, i;
	int rc = 0, valid = -1;

	if (!seen)
		return err_set(ERR_NOMEM, "out of memory");
	for (e = 0; e < t->necos && rc == 0 && !l->bad_version; e++) {
		const char *eco = t->ecos[e];
		sqlite3_stmt *s;
		size_t rows = 0;
		int step;

		if (!vm_ecosystem_records(r->db, eco))
			continue;
		strbuf_reset(&key);
		if ((rc = osv_package_key(&key, eco, l->name)) < 0 || (rc = vdb_stmt(r->db, Q_LOOKUP, &s)) < 0 ||
		    (rc = vdb_bind_text(s, 1, eco)) < 0 || (rc = vdb_bind_text(s, 2, key.buf)) < 0)
			break;
		while (rc == 0 && (step = sqlite3_step(s)) == SQLITE_ROW) {
			const char *id = (const char *)sqlite3_column_text(s, 0), *ranges = (const char *)sqlite3_column_text(s, 1),
				   *facts = (const char *)sqlite3_column_text(s, 3);
			const struct vm_record *rec;
			enum vm_verdict verdict;
			char *fixed = NULL, *entry;

			/* Withdrawn since the import (a withdrawal date that has now passed): left out. */
			if (sqlite3_column_int64(s, 2) <= (sqlite3_int64)r->now)
				continue;
			if (!rows++) {
				if (!l->ecosystem)
					l->ecosystem = eco;
				if (valid < 0)
					valid = ver_valid(t->scheme, l->version, t->flags);
			}
			/* An installed version that cannot be read: only count what could not be checked. */
			if (!valid)
				continue;
			if (vm_evaluate(t, eco, ranges, l->version, &verdict, &fixed) < 0) {
				rc = add_gap(l, id, eco, err_last());
				continue;
			}
			if (verdict != VM_AFFECTED) {
				free(fixed);
				continue;
			}
			/* Only an affecting record is read. */
			if ((rc = vm_record(r->cache, facts, &rec)) < 0) {
				free(fixed);
				break;
			}
			if (!(entry = entry_lines(ranges))) {
				free(fixed);
				rc = err_set(ERR_NOMEM, "out of memory");
				break;
			}
			rc = add_hit(&hits, &nhits, &cap, seen, rec, eco, fixed, entry, t);
		}
		if (rc == 0 && step != SQLITE_DONE)
			rc = vdb_error(r->db, "look up advisories");
		sqlite3_reset(s);
		if (rc == 0 && rows && !valid) {
			struct strbuf why = STRBUF_INIT;
			char q[80];

			strbuf_addf(&why, "installed version %s cannot be parsed by the %s rules, so %zu advisory record%s for %s in %s "
					  "could not be checked",
				    ver_quote(q, sizeof(q), l->version), ver_scheme_name(t->scheme), rows, rows == 1 ? "" : "s",
				    l->name, eco);
			l->bad_version = strbuf_detach(&why, NULL);
		}
	}
	if (rc == 0)
		rc = make_groups(r, t, l, hits, nhits);
	for (i = 0; i < nhits; i++) {
		free(hits[i].fixed);
		free(hits[i].entry);
	}
	free(hits);
	json_decref(seen);
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
	json_t *doc;
	int rc;

	if (!r->cb->docs)
		return r->cb->gap ? r->cb->gap(r->cb->ctx, &g) : 0;
	if (!(doc = json_object()))
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

static int emit_group(struct run *r, const struct pkg *p, const struct lookup *l, const struct group *g);

int vulndb_match(struct vulndb *db, const json_t *os, const struct pkg_list *pkgs, const struct vulndb_match_cb *cb)
{
	struct run r;
	size_t i, k;
	int rc, in_txn = 0;

	memset(&r, 0, sizeof(r));
	r.db = db;
	r.cb = cb;
	r.now = time(NULL);
	if ((rc = vm_cache_new(&r.cache)) < 0)
		return rc;
	if (!(r.memo = json_object())) {
		rc = err_set(ERR_NOMEM, "out of memory");
		goto cleanup;
	}
	/* One read transaction for the whole image: one shared lock, not one per query. */
	if ((rc = vdb_exec(db, "BEGIN")) < 0)
		goto cleanup;
	in_txn = 1;
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
			if ((rc = emit_group(&r, p, l, &l->groups[k])) < 0)
				goto cleanup;
	}
	rc = r.matches;
cleanup:
	if (in_txn)
		vdb_exec(db, "COMMIT");
	for (i = 0; i < r.nlookups; i++)
		lookup_free(r.lookups[i]);
	free(r.lookups);
	json_decref(r.memo);
	vm_plan_release(&r.plan);
	vm_cache_free(r.cache);
	return rc;
}

/* The KEV, EPSS and SSVC of the group's CVEs into cves; with doc, also as JSON, per CVE and the
 * most telling one at the top. */
static int join_cves(struct run *r, const struct group *g, struct vulndb_cve *cves, json_t *doc)
{
	json_t *list = NULL, *v, *kev = NULL, *epss = NULL, *ssvc = NULL;
	const char *kev_cve = NULL, *epss_cve = NULL, *ssvc_cve = NULL;
	const json_t *info;
	size_t i;
	int rc;

	if (doc && (!(list = json_array()) || json_object_set_new(doc, "cves", list) < 0))
		return err_set(ERR_NOMEM, "out of memory");
	for (i = 0; i < g->ncves; i++) {
		struct vulndb_cve *c = &cves[i];
		json_t *e = NULL, *k, *ep, *ss;

		if ((rc = vm_cve(r->db, r->cache, g->cves[i], &info)) < 0)
			return rc;
		if (doc && (!(e = json_object()) || json_array_append_new(list, e) < 0))
			return err_set(ERR_NOMEM, "out of memory");
		c->id = g->cves[i];
		if (e)
			jsonx_set_str(e, "id", c->id);
		if ((k = json_object_get(info, "kev"))) {
			c->kev = 1;
			c->kev_date_added = jsonx_str(k, "date_added");
			c->kev_due_date = jsonx_str(k, "due_date");
			c->kev_ransomware = jsonx_str(k, "ransomware");
			if (e)
				json_object_set(e, "kev", k);
			if (!kev || strcmp(jsonx_strz(k, "date_added"), jsonx_strz(kev, "date_added")) < 0) {
				kev = k;
				kev_cve = c->id;
			}
		}
		if ((ep = json_object_get(info, "epss"))) {
			c->epss_score = jsonx_str(ep, "score");
			c->epss_percentile = jsonx_str(ep, "percentile");
			if (e)
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
			if (e)
				json_object_set(e, "ssvc", ss);
			if (!ssvc) {
				ssvc = ss;
				ssvc_cve = c->id;
			}
		}
		if ((c->cwe = json_object_get(info, "cwe")) && e)
			json_object_set(e, "cwe", json_object_get(info, "cwe"));
	}
	if (!doc)
		return 0;
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

/* The match as the JSON of docs/scan.md (less the CVE part, which join_cves adds). */
static json_t *match_doc(const struct pkg *p, const struct lookup *l, const struct group *g, const char *summary)
{
	json_t *doc = json_object(), *aliases;
	size_t i;

	if (!doc)
		return NULL;
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
	if ((aliases = json_array())) {
		for (i = 0; i < g->naliases; i++)
			json_array_append_new(aliases, json_string(g->aliases[i]));
		json_object_set_new(doc, "aliases", aliases);
	}
	jsonx_set_str(doc, "summary", summary);
	json_object_set_new(doc, "fixed_version", g->fixed ? json_string(g->fixed) : json_null());
	jsonx_set_str(doc, "fix_state", g->fixed ? "fixed" : "no fix yet");
	jsonx_set_str(doc, "severity", g->sev.severity);
	jsonx_set_str(doc, "severity_source", g->sev.source);
	jsonx_set_str(doc, "severity_detail", g->sev.detail);
	jsonx_set_str(doc, "severity_from", g->sev.from);
	json_object_set_new(doc, "cvss_score", g->sev.score >= 0 ? json_real(g->sev.score) : json_null());
	return doc;
}

static int emit_group(struct run *r, const struct pkg *p, const struct lookup *l, const struct group *g)
{
	struct vulndb_cve *cves = calloc(g->ncves + 1, sizeof(*cves));
	const char *summary = "";
	json_t *doc = NULL;
	struct vulndb_match m;
	size_t i;
	int rc;

	for (i = 0; i < g->n; i++)
		if (!strcmp(g->m[i].rec->id, g->id))
			summary = g->m[i].rec->summary;
	if (!cves || (r->cb->docs && !(doc = match_doc(p, l, g, summary)))) {
		rc = err_set(ERR_NOMEM, "out of memory");
		goto cleanup;
	}
	if ((rc = join_cves(r, g, cves, doc)) < 0)
		goto cleanup;
	memset(&m, 0, sizeof(m));
	m.pkg = p;
	m.ecosystem = g->ecosystem;
	m.name = l->name;
	m.version = l->version;
	m.id = g->id;
	m.aliases = g->aliases;
	m.naliases = g->naliases;
	m.summary = summary;
	m.fixed = g->fixed;
	m.severity = g->sev.severity;
	m.severity_source = g->sev.source;
	m.severity_detail = g->sev.detail;
	m.cvss_score = g->sev.score;
	m.cves = cves;
	m.ncves = g->ncves;
	m.doc = doc;
	r->matches++;
	rc = r->cb->match ? r->cb->match(r->cb->ctx, &m) : 0;
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
	struct vulndb_match_cb cb = { collect_match, collect_gap, &c, 1 };
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
