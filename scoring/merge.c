/*
 * merge: imported findings meet vetter's own; every finding's provenance (merge.h).
 */
#include "merge.h"

#include <ctype.h>
#include <string.h>

#include "core/err.h"
#include "core/finding.h"
#include "core/jsonx.h"
#include "core/log.h"
#include "core/util.h"

#define MERGE_MAX_ORIGINS 100
#define MERGE_MAX_IDS 64

struct mctx {
	struct store *st;
	json_t *all;    /* every finding (merged ones too), by id */
	json_t *live;   /* source id -> true/false */
	json_t *assets; /* "company\x1fkind\x1fkey" -> {"source", "ident"} */
	json_t *own;    /* token -> index of vetter's finding */
	json_t *imp;    /* token -> index of an imported finding kept */
	long long merged, kept;
};

static int load_finding(void *vctx, json_t *f)
{
	return json_array_append(vctx, f) < 0 ? err_set(ERR_NOMEM, "out of memory") : 0;
}

static int load_source(void *vctx, const char *id, const char *company, const char *type, int live, const char *status,
		       const char *error, const char *info_json)
{
	(void)company, (void)type, (void)status, (void)error, (void)info_json;
	return json_object_set_new(vctx, id, json_boolean(live)) < 0 ? err_set(ERR_NOMEM, "out of memory") : 0;
}

static int is_imported(const json_t *f)
{
	return jsonx_bool(json_object_get(f, "origin"), "supplied", 0);
}

/* One image is one asset whatever it is called: its config digest, when known. */
static int asset_seen(void *vctx, const struct store_asset *a)
{
	const char *cfg = jsonx_str(a->doc, "config_digest");
	json_t *info = vctx;
	struct strbuf id = STRBUF_INIT;
	int rc;

	if (!cfg)
		cfg = jsonx_str(a->doc, "image_id");
	if (cfg && util_has_prefix(cfg, "sha256:"))
		strbuf_addf(&id, "image-config:%s", cfg);
	else
		strbuf_addf(&id, "%s\x1f%s", a->kind, a->key);
	rc = jsonx_set_str(info, "ident", id.buf);
	if (rc == 0 && a->source)
		rc = jsonx_set_str(info, "source", a->source);
	strbuf_release(&id);
	return rc;
}

/* {"source", "ident"} of a finding's asset, cached; the asset's kind and key when the store has no such asset. */
static const json_t *asset_info(struct mctx *m, const json_t *f)
{
	const json_t *a = json_object_get(f, "asset");
	const char *company = jsonx_strz(f, "company"), *kind = jsonx_strz(a, "kind"), *key = jsonx_strz(a, "key");
	struct strbuf ck = STRBUF_INIT;
	json_t *info;
	int64_t id;

	strbuf_addf(&ck, "%s\x1f%s\x1f%s", company, kind, key);
	if ((info = json_object_get(m->assets, ck.buf))) {
		strbuf_release(&ck);
		return info;
	}
	/* No such asset (a source's gap, a company): the finding's own kind and key, no source. */
	if ((info = json_object()) &&
	    (store_asset_find(m->st, company, kind, key, &id) < 0 || store_asset_get(m->st, id, asset_seen, info) < 0)) {
		struct strbuf ident = STRBUF_INIT;

		err_clear();
		strbuf_addf(&ident, "%s\x1f%s", kind, key);
		jsonx_set_str(info, "ident", ident.buf);
		strbuf_release(&ident);
	}
	if (!info || json_object_set_new(m->assets, ck.buf, info) < 0)
		info = NULL;
	strbuf_release(&ck);
	return info;
}

static void add_norm(struct strbuf *out, const char *s, size_t n)
{
	size_t i;
	int sep = 0;

	for (i = 0; i < n && s[i]; i++) {
		if (s[i] == '-' || s[i] == '_' || s[i] == '.') {
			sep = 1;
			continue;
		}
		if (sep && out->len)
			strbuf_addch(out, '-');
		sep = 0;
		strbuf_addch(out, tolower((unsigned char)s[i]));
	}
}

/* pkg:TYPE/NAMESPACE/NAME@VERSION?QUALIFIERS#SUBPATH: its parts, qualifiers and subpath dropped. */
static int purl_split(const char *purl, struct strbuf *type, struct strbuf *ns, struct strbuf *name, struct strbuf *ver)
{
	const char *p, *end, *at, *slash;

	if (!purl || strncmp(purl, "pkg:", 4))
		return -1;
	p = purl + 4;
	end = p + strcspn(p, "?#");
	if (!(slash = memchr(p, '/', (size_t)(end - p))))
		return -1;
	strbuf_add(type, p, (size_t)(slash - p));
	p = slash + 1;
	for (at = end; at > p && at[-1] != '@'; at--)
		;
	if (at > p)
		strbuf_add(ver, at, (size_t)(end - at)), end = at - 1;
	for (slash = end; slash > p && slash[-1] != '/'; slash--)
		;
	if (slash > p)
		strbuf_add(ns, p, (size_t)(slash - 1 - p));
	strbuf_add(name, slash, (size_t)(end - slash));
	return name->len ? 0 : -1;
}

int merge_package_key(struct strbuf *out, const json_t *pkg, const char *component)
{
	struct strbuf type = STRBUF_INIT, ns = STRBUF_INIT, name = STRBUF_INIT, ver = STRBUF_INIT;
	const char *purl = jsonx_str(pkg, "purl"), *pname = jsonx_str(pkg, "name"), *pver = jsonx_str(pkg, "version");
	int have = 0, rc = 0;

	if (!purl && component && util_has_prefix(component, "pkg:"))
		purl = component;
	if (purl)
		have = purl_split(purl, &type, &ns, &name, &ver) == 0;
	/* Maven's identity is group and artifact; Grype names the artifact alone, with the group in its PURL. */
	if (have && !strcmp(type.buf, "maven") && ns.len) {
		add_norm(out, ns.buf, ns.len);
		strbuf_addch(out, ':');
		add_norm(out, name.buf, name.len);
	} else if (pname && jsonx_str(pkg, "namespace") && !strcmp(jsonx_strz(pkg, "type"), "maven")) {
		add_norm(out, jsonx_str(pkg, "namespace"), strlen(jsonx_str(pkg, "namespace")));
		strbuf_addch(out, ':');
		add_norm(out, pname, strlen(pname));
	} else if (pname) {
		add_norm(out, pname, strlen(pname));
	} else if (have) {
		if (ns.len && !strcmp(type.buf, "npm")) {
			if (!strncmp(ns.buf, "%40", 3))
				strbuf_addch(out, '@');
			add_norm(out, !strncmp(ns.buf, "%40", 3) ? ns.buf + 3 : ns.buf, ns.len);
			strbuf_addch(out, '/');
		}
		add_norm(out, name.buf, name.len);
	} else {
		rc = ERR_NOTFOUND;
	}
	if (rc == 0) {
		strbuf_addch(out, '@');
		strbuf_addstr(out, pver ? pver : ver.buf);
	}
	strbuf_release(&type);
	strbuf_release(&ns);
	strbuf_release(&name);
	strbuf_release(&ver);
	return rc;
}

static void add_id(json_t *ids, const char *id)
{
	struct strbuf up = STRBUF_INIT;
	size_t i;

	if (!id || !*id || json_array_size(ids) >= MERGE_MAX_IDS || strlen(id) > 200)
		return;
	for (i = 0; id[i]; i++)
		strbuf_addch(&up, toupper((unsigned char)id[i]));
	for (i = 0; i < json_array_size(ids); i++)
		if (!strcmp(json_string_value(json_array_get(ids, i)), up.buf))
			break;
	if (i == json_array_size(ids))
		json_array_append_new(ids, json_string(up.buf));
	strbuf_release(&up);
}

/* The controls a misconfiguration stands for: its rule, and the CIS section its rule maps to. */
static void add_controls(json_t *ids, const json_t *f)
{
	const json_t *cis = jsonx_dig(f, "frameworks.cis");
	const char *bench = jsonx_str(cis, "benchmark"), *sec = jsonx_str(cis, "section");
	struct strbuf c = STRBUF_INIT;

	add_id(ids, jsonx_str(f, "rule"));
	if (bench && sec && strstr(bench, "Kubernetes"))
		strbuf_addf(&c, "CIS-K8S-%s", sec);
	else if (bench && sec && strstr(bench, "Amazon Web Services"))
		strbuf_addf(&c, "CIS-AWS-%s", sec);
	if (c.len)
		add_id(ids, c.buf);
	strbuf_release(&c);
}

/* The tokens of a finding (merge.h); an empty list for a kind that is not merged. */
static json_t *tokens(struct mctx *m, const json_t *f)
{
	const char *kind = jsonx_strz(f, "kind");
	const json_t *info, *v;
	json_t *ids = json_array(), *out = json_array();
	struct strbuf pk = STRBUF_INIT, t = STRBUF_INIT;
	size_t i;

	if (!ids || !out)
		goto done;
	if (!strcmp(kind, "vulnerability")) {
		if (merge_package_key(&pk, json_object_get(f, "package"), jsonx_str(f, "component")) < 0)
			goto done;
		add_id(ids, jsonx_str(f, "rule"));
		json_array_foreach(json_object_get(f, "aliases"), i, v)
			add_id(ids, json_string_value(v));
		json_array_foreach(json_object_get(f, "cves"), i, v)
			add_id(ids, jsonx_str(v, "id"));
	} else if (!strcmp(kind, "misconfiguration")) {
		add_controls(ids, f);
	} else {
		goto done;
	}
	if (!(info = asset_info(m, f)))
		goto done;
	json_array_foreach(ids, i, v) {
		strbuf_reset(&t);
		strbuf_addf(&t, "%s\x1f%s\x1f%s\x1f%s\x1f%s", jsonx_strz(f, "company"), kind, jsonx_strz(info, "ident"), pk.buf,
			    json_string_value(v));
		json_array_append_new(out, json_string(t.buf));
	}
done:
	json_decref(ids);
	strbuf_release(&pk);
	strbuf_release(&t);
	return out;
}

/*
 * "live" or "supplied" for a vetter finding, from the source that collected
 * its asset; NULL when none did.  An image's findings rest on its content:
 * a registry image's was pulled by the scan stage from the registry, live,
 * whichever source named it (a cluster export names the images it runs);
 * an image folder or archive is what the target handed over.
 */
static const char *own_provenance(struct mctx *m, const json_t *f, const char **source)
{
	const json_t *a = json_object_get(f, "asset"), *info, *live;

	*source = jsonx_str(f, "source");
	if (!*source && !strcmp(jsonx_strz(a, "kind"), "source"))
		*source = jsonx_str(a, "key");
	if (!*source && (info = asset_info(m, f)))
		*source = jsonx_str(info, "source");
	if (!strcmp(jsonx_strz(a, "kind"), "image"))
		return util_has_prefix(jsonx_strz(a, "key"), "registry:") ? "live" : "supplied";
	if (!*source || !(live = json_object_get(m->live, *source)))
		return NULL;
	return json_is_true(live) ? "live" : "supplied";
}

static int add_origin(json_t *f, json_t *o)
{
	json_t *list = json_object_get(f, "origins");

	if (!o)
		return err_set(ERR_NOMEM, "out of memory");
	if (!list && json_object_set_new(f, "origins", list = json_array()) < 0) {
		json_decref(o);
		return err_set(ERR_NOMEM, "out of memory");
	}
	if (json_array_size(list) >= MERGE_MAX_ORIGINS) {
		json_decref(o);
		return 0;
	}
	return json_array_append_new(list, o) < 0 ? err_set(ERR_NOMEM, "out of memory") : 0;
}

/* The origins an imported finding brings: its tool, then the tools that reported it beside. */
static int add_imported_origins(json_t *to, const json_t *f)
{
	const json_t *o = json_object_get(f, "origin"), *also;
	json_t *e;
	size_t i;
	int rc;

	e = json_pack("{s:s, s:s?, s:s?, s:s?, s:s?, s:s, s:s, s:s, s:s}", "by", jsonx_strz(o, "tool"), "tool_version",
		      jsonx_str(o, "tool_version"), "file", jsonx_str(o, "file"), "bundle", jsonx_str(o, "bundle"), "source",
		      jsonx_str(o, "source"), "provenance", "supplied", "finding", jsonx_strz(f, "id"), "rule",
		      jsonx_strz(f, "rule"), "severity", jsonx_strz(f, "severity"));
	if (e && to != f) {
		json_t *dis = json_array();
		const json_t *fx = json_object_get(f, "fixed"), *tfx = json_object_get(to, "fixed");

		if (fx)
			json_object_set(e, "fixed", (json_t *)fx);
		/* Where the tool and vetter disagree, both stay visible: vetter's in the finding, the tool's here. */
		if (fx && tfx && !json_equal(fx, tfx))
			json_array_append_new(dis, json_string("fixed"));
		if (strcmp(jsonx_strz(f, "severity"), jsonx_strz(to, "severity")) && severity_rank(jsonx_str(f, "severity")) > 0 &&
		    severity_rank(jsonx_str(to, "severity")) > 0)
			json_array_append_new(dis, json_string("severity"));
		if (json_array_size(dis))
			json_object_set(e, "disagrees", dis);
		json_decref(dis);
	}
	if ((rc = add_origin(to, e)) < 0)
		return rc;
	json_array_foreach(json_object_get(f, "also_reported_by"), i, also)
		if ((rc = add_origin(to, json_pack("{s:s, s:s?, s:s?, s:s, s:s}", "by", jsonx_strz(also, "tool"), "file",
						   jsonx_str(also, "file"), "source", jsonx_str(o, "source"), "provenance",
						   "supplied", "finding", jsonx_strz(f, "id")))) < 0)
			return rc;
	return 0;
}

/* "both" when the origins are of both kinds. */
static void set_provenance(json_t *f)
{
	const json_t *o;
	int live = 0, supplied = 0;
	size_t i;

	json_array_foreach(json_object_get(f, "origins"), i, o) {
		live |= !strcmp(jsonx_strz(o, "provenance"), "live");
		supplied |= !strcmp(jsonx_strz(o, "provenance"), "supplied");
	}
	if (live || supplied)
		jsonx_set_str(f, "provenance", live && supplied ? "both" : live ? "live" : "supplied");
}

static long long find_token(const json_t *map, const json_t *toks)
{
	const json_t *t;
	size_t i;

	json_array_foreach(toks, i, t) {
		const json_t *hit = json_object_get(map, json_string_value(t));

		if (hit)
			return json_integer_value(hit);
	}
	return -1;
}

static int remember(json_t *map, const json_t *toks, size_t idx)
{
	const json_t *t;
	size_t i;

	json_array_foreach(toks, i, t)
		if (!json_object_get(map, json_string_value(t)) &&
		    json_object_set_new(map, json_string_value(t), json_integer((json_int_t)idx)) < 0)
			return err_set(ERR_NOMEM, "out of memory");
	return 0;
}

static int first_pass(struct mctx *m)
{
	json_t *f, *toks;
	size_t i;
	int rc = 0;

	json_array_foreach(m->all, i, f) {
		const char *src = NULL, *prov;

		json_object_del(f, "origins");
		json_object_del(f, "provenance");
		json_object_del(f, "merged_into");
		if (is_imported(f))
			continue;
		prov = own_provenance(m, f, &src);
		if (prov || src)
			rc = add_origin(f, json_pack("{s:s, s:s?, s:s?}", "by", "vetter", "source", src, "provenance", prov));
		if (rc == 0 && (toks = tokens(m, f))) {
			rc = remember(m->own, toks, i);
			json_decref(toks);
		}
		if (rc < 0)
			return rc;
	}
	return 0;
}

static int second_pass(struct mctx *m)
{
	json_t *f, *toks;
	size_t i;
	int rc = 0;

	json_array_foreach(m->all, i, f) {
		long long to;

		if (!is_imported(f))
			continue;
		if (!(toks = tokens(m, f)))
			return err_set(ERR_NOMEM, "out of memory");
		if ((to = find_token(m->own, toks)) < 0)
			to = find_token(m->imp, toks);
		if (to >= 0) {
			json_t *target = json_array_get(m->all, (size_t)to);

			rc = add_imported_origins(target, f);
			if (rc == 0)
				rc = jsonx_set_str(f, "merged_into", jsonx_strz(target, "id"));
			m->merged++;
		} else {
			rc = add_imported_origins(f, f);
			if (rc == 0)
				rc = remember(m->imp, toks, i);
			m->kept++;
		}
		json_decref(toks);
		if (rc < 0)
			return rc;
	}
	return 0;
}

int merge_record(struct run_ctx *ctx)
{
	struct mctx m = { ctx->st, json_array(), json_object(), json_object(), json_object(), json_object(), 0, 0 };
	json_t *f, *old = json_array();
	size_t i;
	int rc;

	if (!m.all || !m.live || !m.assets || !m.own || !m.imp || !old) {
		rc = err_set(ERR_NOMEM, "out of memory");
		goto cleanup;
	}
	if ((rc = store_source_foreach(ctx->st, load_source, m.live)) < 0 ||
	    (rc = store_finding_foreach_all(ctx->st, NULL, load_finding, m.all)) < 0)
		goto cleanup;
	/* What each finding was, to write back only those that change. */
	json_array_foreach(m.all, i, f)
		json_array_append_new(old, json_deep_copy(f));
	if ((rc = first_pass(&m)) < 0 || (rc = second_pass(&m)) < 0)
		goto cleanup;
	json_array_foreach(m.all, i, f) {
		set_provenance(f);
		if (json_equal(f, json_array_get(old, i)))
			continue;
		if ((rc = store_finding_update(ctx->st, jsonx_str(f, "id"), f)) < 0)
			goto cleanup;
	}
	if (m.merged || m.kept)
		log_info("imported findings: %lld merged with vetter's own, %lld kept as their own", m.merged, m.kept);
cleanup:
	json_decref(m.all);
	json_decref(m.live);
	json_decref(m.assets);
	json_decref(m.own);
	json_decref(m.imp);
	json_decref(old);
	return rc;
}
