#include "pkg.h"

#include <stdlib.h>
#include <string.h>

#include "core/err.h"
#include "core/jsonx.h"
#include "core/util.h"

static const char *const known_types[] = { PKG_DEB, PKG_APK, PKG_RPM, PKG_NPM, PKG_PYPI, PKG_GO, PKG_MAVEN, NULL };

static const char *intern_type(const char *t)
{
	size_t i;

	for (i = 0; known_types[i]; i++)
		if (!strcmp(known_types[i], t))
			return known_types[i];
	return NULL;
}

void pkg_release(struct pkg *p)
{
	free(p->name);
	free(p->version);
	free(p->arch);
	free(p->source_name);
	free(p->source_version);
	free(p->namespace_);
	free(p->license);
	free(p->vendor);
	free(p->path);
	free(p->layer);
	free(p->purl);
	memset(p, 0, sizeof(*p));
}

static int dup_field(char **dst, const char *src)
{
	if (!src) {
		*dst = NULL;
		return 0;
	}
	*dst = strdup(src);
	return *dst ? 0 : err_set(ERR_NOMEM, "out of memory");
}

int pkg_list_add(struct pkg_list *l, const struct pkg *p)
{
	struct pkg *q;

	if (!p->type || !intern_type(p->type))
		return err_set(ERR_INVALID, "package of unknown type '%s'", p->type ? p->type : "(none)");
	if (!p->name || !p->name[0] || !p->version || !p->version[0])
		return err_set(ERR_INVALID, "a package needs a name and a version");
	if (l->n == l->cap) {
		size_t ncap = l->cap ? l->cap * 2 : 64;
		struct pkg *nv = realloc(l->v, ncap * sizeof(*nv));

		if (!nv)
			return err_set(ERR_NOMEM, "out of memory");
		l->v = nv;
		l->cap = ncap;
	}
	q = &l->v[l->n];
	memset(q, 0, sizeof(*q));
	q->type = intern_type(p->type);
	if (dup_field(&q->name, p->name) < 0 || dup_field(&q->version, p->version) < 0 ||
	    dup_field(&q->arch, p->arch) < 0 || dup_field(&q->source_name, p->source_name) < 0 ||
	    dup_field(&q->source_version, p->source_version) < 0 || dup_field(&q->namespace_, p->namespace_) < 0 ||
	    dup_field(&q->license, p->license) < 0 || dup_field(&q->vendor, p->vendor) < 0 ||
	    dup_field(&q->path, p->path) < 0 || dup_field(&q->layer, p->layer) < 0 ||
	    dup_field(&q->purl, p->purl) < 0) {
		pkg_release(q);
		return ERR_NOMEM;
	}
	l->n++;
	return 0;
}

int pkg_list_take(struct pkg_list *dst, struct pkg_list *src)
{
	size_t i;

	if (dst->cap - dst->n < src->n) {
		size_t ncap = dst->n + src->n + 16;
		struct pkg *nv = realloc(dst->v, ncap * sizeof(*nv));

		if (!nv)
			return err_set(ERR_NOMEM, "out of memory");
		dst->v = nv;
		dst->cap = ncap;
	}
	for (i = 0; i < src->n; i++)
		dst->v[dst->n++] = src->v[i];
	src->n = 0;
	return 0;
}

void pkg_list_release(struct pkg_list *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		pkg_release(&l->v[i]);
	free(l->v);
	l->v = NULL;
	l->n = l->cap = 0;
}

static int cmp_str(const char *a, const char *b)
{
	return strcmp(a ? a : "", b ? b : "");
}

static int cmp_pkg(const void *va, const void *vb)
{
	const struct pkg *a = va, *b = vb;
	int c;

	if ((c = strcmp(a->type, b->type)) || (c = cmp_str(a->namespace_, b->namespace_)) ||
	    (c = strcmp(a->name, b->name)) || (c = strcmp(a->version, b->version)) || (c = cmp_str(a->arch, b->arch)))
		return c;
	return cmp_str(a->path, b->path);
}

void pkg_list_sort(struct pkg_list *l)
{
	if (l->n > 1)
		qsort(l->v, l->n, sizeof(*l->v), cmp_pkg);
}

/* Percent-encode as the PURL spec asks: unreserved characters stay. */
static int purl_enc(struct strbuf *out, const char *s, int keep_slash)
{
	static const char hex[] = "0123456789ABCDEF";
	int rc = 0;

	for (; *s && rc == 0; s++) {
		unsigned char c = (unsigned char)*s;

		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
		    c == '_' || c == '~' || (keep_slash && c == '/'))
			rc = strbuf_addch(out, c);
		else
			rc = strbuf_addf(out, "%%%c%c", hex[c >> 4], hex[c & 15]);
	}
	return rc;
}

/* The PURL namespace of OS packages: the distribution's id. */
static const char *os_namespace(const struct pkg *p, const json_t *os)
{
	const char *id = jsonx_str(os, "id");

	if (id && *id)
		return id;
	if (!strcmp(p->type, PKG_DEB))
		return "debian";
	if (!strcmp(p->type, PKG_APK))
		return "alpine";
	return NULL;
}

int pkg_purl(struct strbuf *out, const struct pkg *p, const json_t *os)
{
	int is_os = !strcmp(p->type, PKG_DEB) || !strcmp(p->type, PKG_APK) || !strcmp(p->type, PKG_RPM);
	const char *ns = is_os ? os_namespace(p, os) : p->namespace_;
	const char *sep = "?";
	int rc;

	if ((rc = strbuf_addf(out, "pkg:%s/", p->type)) < 0)
		return rc;
	if (ns && *ns) {
		if (!strcmp(p->type, PKG_NPM) && (rc = strbuf_addstr(out, "%40")) < 0)
			return rc;
		/* Go module paths keep their slashes as namespace segments. */
		if ((rc = purl_enc(out, ns, !strcmp(p->type, PKG_GO))) < 0 || (rc = strbuf_addch(out, '/')) < 0)
			return rc;
	}
	if (!strcmp(p->type, PKG_GO)) {
		rc = purl_enc(out, p->name, 1);
	} else if (!strcmp(p->type, PKG_PYPI)) {
		/* PyPI names are case-insensitive and '_' means '-' (PEP 503). */
		struct strbuf norm = STRBUF_INIT;
		const char *c;

		/* Runs of '-', '_' and '.' become one '-'. */
		for (c = p->name; *c && rc == 0; c++) {
			int is_sep = *c == '_' || *c == '.' || *c == '-';

			if (is_sep && norm.len && norm.buf[norm.len - 1] == '-')
				continue;
			rc = strbuf_addch(&norm, is_sep ? '-' : (*c >= 'A' && *c <= 'Z') ? *c + 32 : *c);
		}
		if (rc == 0)
			rc = purl_enc(out, norm.buf, 0);
		strbuf_release(&norm);
	} else {
		rc = purl_enc(out, p->name, 0);
	}
	if (rc == 0 && (rc = strbuf_addch(out, '@')) == 0)
		rc = purl_enc(out, p->version, 0);
	/* Qualifiers in lexical order, as the spec asks. */
	if (rc == 0 && p->arch && *p->arch) {
		rc = strbuf_addf(out, "%sarch=", sep);
		if (rc == 0)
			rc = purl_enc(out, p->arch, 0);
		sep = "&";
	}
	if (rc == 0 && is_os && jsonx_str(os, "id") && jsonx_str(os, "version_id")) {
		rc = strbuf_addf(out, "%sdistro=", sep);
		if (rc == 0)
			rc = purl_enc(out, jsonx_str(os, "id"), 0);
		if (rc == 0)
			rc = strbuf_addch(out, '-');
		if (rc == 0)
			rc = purl_enc(out, jsonx_str(os, "version_id"), 0);
		sep = "&";
	}
	if (rc == 0 && is_os && p->source_name && strcmp(p->source_name, p->name)) {
		rc = strbuf_addf(out, "%supstream=", sep);
		if (rc == 0)
			rc = purl_enc(out, p->source_name, 0);
	}
	return rc;
}

int pkg_list_set_purls(struct pkg_list *l, const json_t *os)
{
	struct strbuf sb = STRBUF_INIT;
	size_t i;
	int rc = 0;

	for (i = 0; i < l->n && rc == 0; i++) {
		if (l->v[i].purl)
			continue;
		strbuf_reset(&sb);
		if ((rc = pkg_purl(&sb, &l->v[i], os)) == 0 && !(l->v[i].purl = strdup(sb.buf)))
			rc = err_set(ERR_NOMEM, "out of memory");
	}
	strbuf_release(&sb);
	return rc;
}

json_t *pkg_to_json(const struct pkg *p)
{
	json_t *j = json_object();

	if (!j)
		return NULL;
	if (jsonx_set_str(j, "type", p->type) < 0 || jsonx_set_str(j, "name", p->name) < 0 ||
	    jsonx_set_str(j, "version", p->version) < 0 || jsonx_set_str(j, "arch", p->arch) < 0 ||
	    jsonx_set_str(j, "source_name", p->source_name) < 0 ||
	    jsonx_set_str(j, "source_version", p->source_version) < 0 ||
	    jsonx_set_str(j, "namespace", p->namespace_) < 0 || jsonx_set_str(j, "license", p->license) < 0 ||
	    jsonx_set_str(j, "vendor", p->vendor) < 0 || jsonx_set_str(j, "path", p->path) < 0 ||
	    jsonx_set_str(j, "layer", p->layer) < 0 || jsonx_set_str(j, "purl", p->purl) < 0) {
		json_decref(j);
		return NULL;
	}
	return j;
}

int pkg_from_json(struct pkg *out, const json_t *j)
{
	struct pkg p;

	memset(&p, 0, sizeof(p));
	p.type = jsonx_str(j, "type");
	p.name = (char *)jsonx_str(j, "name");
	p.version = (char *)jsonx_str(j, "version");
	p.arch = (char *)jsonx_str(j, "arch");
	p.source_name = (char *)jsonx_str(j, "source_name");
	p.source_version = (char *)jsonx_str(j, "source_version");
	p.namespace_ = (char *)jsonx_str(j, "namespace");
	p.license = (char *)jsonx_str(j, "license");
	p.vendor = (char *)jsonx_str(j, "vendor");
	p.path = (char *)jsonx_str(j, "path");
	p.layer = (char *)jsonx_str(j, "layer");
	p.purl = (char *)jsonx_str(j, "purl");
	{
		struct pkg_list one = { NULL, 0, 0 };
		int rc = pkg_list_add(&one, &p);

		if (rc < 0)
			return rc;
		*out = one.v[0];
		free(one.v);
	}
	return 0;
}
