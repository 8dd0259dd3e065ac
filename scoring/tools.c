#include "tools.h"

#include <ctype.h>
#include <fnmatch.h>
#include <regex.h>
#include <stdlib.h>
#include <string.h>

#include "consolidate_int.h"
#include "core/err.h"
#include "core/jsonx.h"
#include "core/schema.h"
#include "core/util.h"
#include "core/ydoc.h"

#define MAX_TOOLS 2000
#define MAX_CATEGORIES 100
#define MAX_SIGNALS 20000
#define MAX_SEGMENTS 32
#define MAX_REF 512

const char *const tool_signal_names[TOOL_SIG_COUNT] = { "image", "image_host", "image_host_regex", "namespace",
							 "crd_group", "daemonset", "cloud" };

struct sig {
	enum tool_signal kind;
	size_t tool;
	char *text;      /* the pattern as written (cloud: the kind glob) */
	char **seg;      /* image: path segments */
	size_t nseg;
	int prefix;      /* image: written with a trailing '/' */
	regex_t re;
	int has_re;
	json_t *where;   /* cloud: path -> value that must hold when the member is there (owned) */
	json_t *require; /* cloud: path -> value that must be there (owned) */
};

struct tool_sigs {
	struct tool_category *cats;
	size_t ncats;
	struct tool_def *tools;
	size_t ntools;
	struct sig *sigs;
	size_t nsigs;
};

static const char *const coverages[] = { "clusters", "accounts", "clusters+accounts", "images", NULL };

static const struct schema_field category_keys[] = {
	{ "id", SCH_STRING, 1, NULL, SCH_ANY, NULL },
	{ "title", SCH_STRING, 1, NULL, SCH_ANY, NULL },
	{ "coverage", SCH_STRING, 1, NULL, SCH_ANY, coverages },
	{ NULL, 0, 0, NULL, 0, NULL },
};

static const struct schema_field cloud_keys[] = {
	{ "kind", SCH_STRING, 1, NULL, SCH_ANY, NULL },
	{ "where", SCH_MAP, 0, NULL, SCH_STRING, NULL },
	{ "require", SCH_MAP, 0, NULL, SCH_STRING, NULL },
	{ NULL, 0, 0, NULL, 0, NULL },
};

static const struct schema_field tool_keys[] = {
	{ "id", SCH_STRING, 1, NULL, SCH_ANY, NULL },
	{ "name", SCH_STRING, 1, NULL, SCH_ANY, NULL },
	{ "vendor", SCH_STRING, 1, NULL, SCH_ANY, NULL },
	{ "category", SCH_STRING, 1, NULL, SCH_ANY, NULL },
	{ "public", SCH_BOOL, 0, NULL, SCH_ANY, NULL },
	{ "image", SCH_LIST, 0, NULL, SCH_STRING, NULL },
	{ "image_host", SCH_LIST, 0, NULL, SCH_STRING, NULL },
	{ "image_host_regex", SCH_LIST, 0, NULL, SCH_STRING, NULL },
	{ "namespace", SCH_LIST, 0, NULL, SCH_STRING, NULL },
	{ "crd_group", SCH_LIST, 0, NULL, SCH_STRING, NULL },
	{ "daemonset", SCH_LIST, 0, NULL, SCH_STRING, NULL },
	{ "cloud", SCH_LIST, 0, cloud_keys, SCH_OBJECT, NULL },
	{ NULL, 0, 0, NULL, 0, NULL },
};

static const struct schema_field top_keys[] = {
	{ "categories", SCH_LIST, 1, category_keys, SCH_OBJECT, NULL },
	{ "tools", SCH_LIST, 1, tool_keys, SCH_OBJECT, NULL },
	{ NULL, 0, 0, NULL, 0, NULL },
};

void tool_sigs_free(struct tool_sigs *s)
{
	size_t i, j;

	if (!s)
		return;
	for (i = 0; i < s->ncats; i++) {
		free(s->cats[i].id);
		free(s->cats[i].title);
	}
	for (i = 0; i < s->ntools; i++) {
		free(s->tools[i].id);
		free(s->tools[i].name);
		free(s->tools[i].vendor);
	}
	for (i = 0; i < s->nsigs; i++) {
		free(s->sigs[i].text);
		for (j = 0; j < s->sigs[i].nseg; j++)
			free(s->sigs[i].seg[j]);
		free(s->sigs[i].seg);
		if (s->sigs[i].has_re)
			regfree(&s->sigs[i].re);
		json_decref(s->sigs[i].where);
		json_decref(s->sigs[i].require);
	}
	free(s->cats);
	free(s->tools);
	free(s->sigs);
	free(s);
}

static int valid_id(const char *s)
{
	size_t i;

	if (!s[0] || strlen(s) > 64)
		return 0;
	for (i = 0; s[i]; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '-'))
			return 0;
	return 1;
}

/* Split "a/b/c" or "a/b/" into lowercase segments. */
static int split_segments(const char *s, char ***out, size_t *n, int *prefix)
{
	const char *p = s, *slash;
	char **seg = NULL;
	size_t k = 0, i;

	*out = NULL;
	*n = 0;
	*prefix = 0;
	seg = calloc(MAX_SEGMENTS, sizeof(*seg));
	if (!seg)
		return ERR_NOMEM;
	while (*p) {
		slash = strchr(p, '/');
		size_t len = slash ? (size_t)(slash - p) : strlen(p);

		if (!len || k == MAX_SEGMENTS)
			goto bad;
		if (!(seg[k] = strndup(p, len)))
			goto nomem;
		for (i = 0; i < len; i++)
			seg[k][i] = (char)tolower((unsigned char)seg[k][i]);
		k++;
		if (!slash)
			break;
		p = slash + 1;
		if (!*p)
			*prefix = 1;
	}
	if (!k)
		goto bad;
	*out = seg;
	*n = k;
	return 0;
bad:
	for (i = 0; i < k; i++)
		free(seg[i]);
	free(seg);
	return ERR_PARSE;
nomem:
	for (i = 0; i < k; i++)
		free(seg[i]);
	free(seg);
	return ERR_NOMEM;
}

static int add_signal(struct tool_sigs *s, const struct schema_ctx *ctx, const char *path, size_t tool,
		      enum tool_signal kind, const json_t *v)
{
	struct sig *g;
	const char *text = json_is_string(v) ? json_string_value(v) : jsonx_str(v, "kind");
	int rc;

	if (s->nsigs == MAX_SIGNALS)
		return schema_error(ctx, path, "at most %d signals in all", MAX_SIGNALS);
	g = &s->sigs[s->nsigs];
	memset(g, 0, sizeof(*g));
	g->kind = kind;
	g->tool = tool;
	if (!(g->text = util_strdup(text)))
		return ERR_NOMEM;
	s->nsigs++;
	switch (kind) {
	case TOOL_SIG_IMAGE:
		if (strpbrk(text, ":@ ") || text[0] == '/')
			return schema_error(ctx, path, "image pattern '%s': expected a repository path such as "
						       "calico/node (no tag, digest or leading '/')",
					    text);
		rc = split_segments(text, &g->seg, &g->nseg, &g->prefix);
		if (rc == ERR_NOMEM)
			return err_set(rc, "out of memory");
		if (rc < 0)
			return schema_error(ctx, path, "image pattern '%s': empty path segment", text);
		break;
	case TOOL_SIG_IMAGE_HOST_REGEX:
		if (regcomp(&g->re, text, REG_EXTENDED | REG_NOSUB | REG_ICASE) != 0)
			return schema_error(ctx, path, "'%s' is not a POSIX extended regular expression", text);
		g->has_re = 1;
		break;
	case TOOL_SIG_CLOUD:
		g->where = json_incref(json_object_get(v, "where"));
		g->require = json_incref(json_object_get(v, "require"));
		break;
	default:
		if (strchr(text, ' '))
			return schema_error(ctx, path, "'%s': a %s has no spaces", text, tool_signal_names[kind]);
	}
	return 0;
}

static int parse_tool(struct tool_sigs *s, const struct schema_ctx *ctx, size_t ti, const json_t *t)
{
	struct strbuf path = STRBUF_INIT;
	struct tool_def *d = &s->tools[ti];
	const char *cat = jsonx_str(t, "category");
	size_t i, j, before = s->nsigs;
	json_t *list, *v;
	int k, rc = 0;

	strbuf_addf(&path, "tools[%zu].id", ti);
	if (!valid_id(jsonx_str(t, "id"))) {
		rc = schema_error(ctx, path.buf, "tool id '%s': lowercase letters, digits and '-' only", jsonx_str(t, "id"));
		goto cleanup;
	}
	for (i = 0; i < ti; i++)
		if (!strcmp(s->tools[i].id, jsonx_str(t, "id"))) {
			rc = schema_error(ctx, path.buf, "duplicate tool id '%s' (also tool %zu)", jsonx_str(t, "id"), i + 1);
			goto cleanup;
		}
	d->id = util_strdup(jsonx_str(t, "id"));
	d->name = util_strdup(jsonx_str(t, "name"));
	d->vendor = util_strdup(jsonx_str(t, "vendor"));
	d->public_registry = jsonx_bool(t, "public", 0);
	if (!d->id || !d->name || !d->vendor) {
		rc = ERR_NOMEM;
		goto cleanup;
	}
	for (i = 0; i < s->ncats && strcmp(s->cats[i].id, cat); i++)
		;
	if (i == s->ncats) {
		strbuf_reset(&path);
		strbuf_addf(&path, "tools[%zu].category", ti);
		rc = schema_error(ctx, path.buf, "tool '%s': no category '%s' in categories", d->id, cat);
		goto cleanup;
	}
	d->category = i;
	for (k = 0; k < TOOL_SIG_COUNT; k++) {
		list = json_object_get(t, tool_signal_names[k]);
		json_array_foreach(list, j, v) {
			strbuf_reset(&path);
			strbuf_addf(&path, "tools[%zu].%s[%zu]", ti, tool_signal_names[k], j);
			if ((rc = add_signal(s, ctx, path.buf, ti, (enum tool_signal)k, v)) < 0)
				goto cleanup;
		}
	}
	if (s->nsigs == before) {
		strbuf_reset(&path);
		strbuf_addf(&path, "tools[%zu]", ti);
		rc = schema_error(ctx, path.buf, "tool '%s' has no signals: give at least one of image, image_host, "
						 "image_host_regex, namespace, crd_group, daemonset, cloud",
				  d->id);
	}
cleanup:
	strbuf_release(&path);
	return rc;
}

int tool_sigs_parse(struct tool_sigs **out, const char *buf, size_t len, const char *name)
{
	struct ydoc_limits lim = { 200000, 32 };
	struct ydoc_map *pos = NULL;
	struct schema_ctx ctx = { name, NULL };
	struct tool_sigs *s = NULL;
	struct strbuf path = STRBUF_INIT;
	json_t *doc = NULL, *cats, *tools, *v, *list;
	size_t i, j, nsig = 0;
	int rc;

	*out = NULL;
	if ((rc = ydoc_load(buf, len, name, &lim, &doc, &pos)) < 0)
		goto cleanup;
	ctx.pos = pos;
	if (!json_is_object(doc)) {
		rc = schema_error(&ctx, "", "a tool signature file is a mapping with categories and tools");
		goto cleanup;
	}
	if ((rc = schema_check_object(&ctx, doc, "", "tool signatures", top_keys, NULL)) < 0)
		goto cleanup;
	cats = json_object_get(doc, "categories");
	tools = json_object_get(doc, "tools");
	if (json_array_size(cats) > MAX_CATEGORIES || json_array_size(tools) > MAX_TOOLS) {
		rc = schema_error(&ctx, "", "at most %d categories and %d tools", MAX_CATEGORIES, MAX_TOOLS);
		goto cleanup;
	}
	json_array_foreach(tools, i, v) {
		int k;

		for (k = 0; k < TOOL_SIG_COUNT; k++)
			if ((list = json_object_get(v, tool_signal_names[k])))
				nsig += json_array_size(list);
	}
	s = calloc(1, sizeof(*s));
	if (!s || !(s->cats = calloc(json_array_size(cats) + 1, sizeof(*s->cats))) ||
	    !(s->tools = calloc(json_array_size(tools) + 1, sizeof(*s->tools))) ||
	    !(s->sigs = calloc((nsig < MAX_SIGNALS ? nsig : MAX_SIGNALS) + 1, sizeof(*s->sigs)))) {
		rc = err_set(ERR_NOMEM, "out of memory");
		goto cleanup;
	}
	json_array_foreach(cats, i, v) {
		const char *cov = jsonx_str(v, "coverage");

		strbuf_reset(&path);
		strbuf_addf(&path, "categories[%zu].id", i);
		if (!valid_id(jsonx_str(v, "id"))) {
			rc = schema_error(&ctx, path.buf, "category id '%s': lowercase letters, digits and '-' only",
					  jsonx_str(v, "id"));
			goto cleanup;
		}
		for (j = 0; j < i; j++)
			if (!strcmp(s->cats[j].id, jsonx_str(v, "id"))) {
				rc = schema_error(&ctx, path.buf, "duplicate category id '%s'", jsonx_str(v, "id"));
				goto cleanup;
			}
		s->cats[i].id = util_strdup(jsonx_str(v, "id"));
		s->cats[i].title = util_strdup(jsonx_str(v, "title"));
		s->ncats = i + 1;
		if (!s->cats[i].id || !s->cats[i].title) {
			rc = ERR_NOMEM;
			goto cleanup;
		}
		s->cats[i].coverage = !strcmp(cov, "clusters")	   ? TOOL_COV_CLUSTERS
				      : !strcmp(cov, "accounts") ? TOOL_COV_ACCOUNTS
				      : !strcmp(cov, "images")	   ? TOOL_COV_IMAGES
								   : TOOL_COV_CLUSTERS | TOOL_COV_ACCOUNTS;
	}
	json_array_foreach(tools, i, v) {
		s->ntools = i + 1;
		if ((rc = parse_tool(s, &ctx, i, v)) < 0)
			goto cleanup;
	}
	*out = s;
	s = NULL;
cleanup:
	if (rc < 0 && rc != ERR_NOMEM)
		rc = err_set(ERR_PARSE, "%s", err_last());
	tool_sigs_free(s);
	json_decref(doc);
	ydoc_map_free(pos);
	strbuf_release(&path);
	return rc;
}

int tool_sigs_load(struct tool_sigs **out, const char *templates)
{
	struct strbuf path = STRBUF_INIT, text = STRBUF_INIT;
	int rc;

	*out = NULL;
	if ((rc = cons_template_read(templates, "tools.yaml", &path, &text)) == 0)
		rc = tool_sigs_parse(out, text.buf, text.len, path.buf);
	strbuf_release(&path);
	strbuf_release(&text);
	return rc;
}

size_t tool_sigs_ntools(const struct tool_sigs *s)
{
	return s->ntools;
}

const struct tool_def *tool_sigs_tool(const struct tool_sigs *s, size_t i)
{
	return i < s->ntools ? &s->tools[i] : NULL;
}

size_t tool_sigs_ncategories(const struct tool_sigs *s)
{
	return s->ncats;
}

const struct tool_category *tool_sigs_category(const struct tool_sigs *s, size_t i)
{
	return i < s->ncats ? &s->cats[i] : NULL;
}

long tool_sigs_find(const struct tool_sigs *s, const char *id)
{
	size_t i;

	for (i = 0; id && i < s->ntools; i++)
		if (!strcmp(s->tools[i].id, id))
			return (long)i;
	return -1;
}

int tool_image_split(const char *ref, struct strbuf *host, struct strbuf *repo)
{
	const char *p = ref, *slash, *end, *at, *colon;
	size_t i, len;

	strbuf_reset(host);
	strbuf_reset(repo);
	if (!ref || strnlen(ref, MAX_REF + 1) > MAX_REF)
		return err_set(ERR_PARSE, "image reference missing or longer than %d bytes", MAX_REF);
	if (util_has_prefix(p, "registry:"))
		p += 9;
	else if (util_has_prefix(p, "docker://"))
		p += 9;
	else if (util_has_prefix(p, "oci-dir:") || util_has_prefix(p, "oci-archive:") ||
		 util_has_prefix(p, "docker-archive:") || util_has_prefix(p, "dir:"))
		return ERR_NOTFOUND;
	at = strchr(p, '@');
	end = at ? at : p + strlen(p);
	/* A tag is a colon after the last slash (a colon before it is a port). */
	{
		const char *last = p, *q;

		for (q = p; q < end; q++)
			if (*q == '/')
				last = q;
		if ((colon = memchr(last, ':', (size_t)(end - last))))
			end = colon;
	}
	len = (size_t)(end - p);
	if (!len)
		return err_set(ERR_PARSE, "empty image reference");
	slash = memchr(p, '/', len);
	if (slash && (memchr(p, '.', (size_t)(slash - p)) || memchr(p, ':', (size_t)(slash - p)) ||
		      ((size_t)(slash - p) == 9 && !strncmp(p, "localhost", 9)))) {
		strbuf_add(host, p, (size_t)(slash - p));
		strbuf_add(repo, slash + 1, (size_t)(end - slash - 1));
	} else {
		strbuf_addstr(host, "docker.io");
		if (!slash)
			strbuf_addstr(repo, "library/");
		strbuf_add(repo, p, len);
	}
	for (i = 0; i < host->len; i++)
		host->buf[i] = (char)tolower((unsigned char)host->buf[i]);
	for (i = 0; i < repo->len; i++)
		repo->buf[i] = (char)tolower((unsigned char)repo->buf[i]);
	if (!strcmp(host->buf, "index.docker.io") || !strcmp(host->buf, "registry-1.docker.io")) {
		strbuf_reset(host);
		strbuf_addstr(host, "docker.io");
	}
	if (!host->len || !repo->len || repo->buf[0] == '/' || strstr(repo->buf, "//") ||
	    repo->buf[repo->len - 1] == '/' || strchr(repo->buf, ' '))
		return err_set(ERR_PARSE, "not an image reference");
	return 0;
}

/* 1 when the pattern's segments occur as a run in v (and, for a prefix pattern, something follows). */
static int match_segments(const struct sig *g, char *const *v, size_t nv)
{
	size_t i, j;

	for (i = 0; i + g->nseg <= nv; i++) {
		for (j = 0; j < g->nseg && !strcmp(v[i + j], g->seg[j]); j++)
			;
		if (j == g->nseg && (!g->prefix || i + j < nv))
			return 1;
	}
	return 0;
}

int tool_sigs_match_image(const struct tool_sigs *s, const char *ref, tool_match_cb cb, void *ctx)
{
	struct strbuf host = STRBUF_INIT, repo = STRBUF_INIT;
	char *segs[MAX_SEGMENTS + 1], *p;
	size_t i, nv = 0;
	int rc = 0;

	if (tool_image_split(ref, &host, &repo) < 0)
		goto cleanup;
	segs[nv++] = host.buf;
	for (p = repo.buf; nv < MAX_SEGMENTS + 1;) {
		segs[nv++] = p;
		if (!(p = strchr(p, '/')))
			break;
		*p++ = 0;
	}
	for (i = 0; i < s->nsigs && rc >= 0; i++) {
		const struct sig *g = &s->sigs[i];
		int hit = 0;

		if (g->kind == TOOL_SIG_IMAGE)
			hit = match_segments(g, segs, nv);
		else if (g->kind == TOOL_SIG_IMAGE_HOST)
			hit = cons_strcaseeq(g->text, host.buf);
		else if (g->kind == TOOL_SIG_IMAGE_HOST_REGEX)
			hit = regexec(&g->re, host.buf, 0, NULL, 0) == 0;
		if (hit)
			rc = cb(ctx, g->tool, g->kind, g->text);
	}
cleanup:
	strbuf_release(&host);
	strbuf_release(&repo);
	err_clear();
	return rc < 0 ? rc : 0;
}

int tool_sigs_match_name(const struct tool_sigs *s, enum tool_signal kind, const char *value, tool_match_cb cb,
			 void *ctx)
{
	size_t i;
	int rc = 0;

	if (!value)
		return 0;
	for (i = 0; i < s->nsigs && rc >= 0; i++)
		if (s->sigs[i].kind == kind && cons_strcaseeq(s->sigs[i].text, value))
			rc = cb(ctx, s->sigs[i].tool, kind, s->sigs[i].text);
	return rc < 0 ? rc : 0;
}

/*
 * Each member named in where must, when the document has it, equal the value
 * (any case); with strict set, it must be there too.
 */
static int where_holds(const json_t *where, const json_t *doc, int strict)
{
	const char *path;
	json_t *want, *have;

	json_object_foreach((json_t *)where, path, want) {
		have = jsonx_dig(doc, path);
		if (!have || json_is_null(have)) {
			if (strict)
				return 0;
			continue;
		}
		if (json_is_string(have)) {
			if (!cons_strcaseeq(json_string_value(have), json_string_value(want)))
				return 0;
		} else if (json_is_boolean(have)) {
			if (!cons_strcaseeq(json_is_true(have) ? "true" : "false", json_string_value(want)))
				return 0;
		} else {
			return 0;
		}
	}
	return 1;
}

int tool_sigs_match_cloud(const struct tool_sigs *s, const char *asset_kind, const json_t *doc, tool_match_cb cb,
			  void *ctx)
{
	char kind[128];
	size_t i;
	int rc = 0;

	if (!asset_kind || strlen(asset_kind) >= sizeof(kind))
		return 0;
	for (i = 0; asset_kind[i]; i++)
		kind[i] = (char)tolower((unsigned char)asset_kind[i]);
	kind[i] = 0;
	for (i = 0; i < s->nsigs && rc >= 0; i++) {
		const struct sig *g = &s->sigs[i];

		if (g->kind == TOOL_SIG_CLOUD && fnmatch(g->text, kind, 0) == 0 && where_holds(g->where, doc, 0) &&
		    where_holds(g->require, doc, 1))
			rc = cb(ctx, g->tool, g->kind, g->text);
	}
	return rc < 0 ? rc : 0;
}
