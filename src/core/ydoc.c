#include "ydoc.h"

#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <yaml.h>

#include "err.h"

#define YDOC_DEFAULT_NODES 2000000
#define YDOC_DEFAULT_DEPTH 200

/* ---- path -> position map: open addressing on FNV-1a ---- */

struct ydoc_entry {
	char *path;
	struct ydoc_pos pos;
};

struct ydoc_map {
	struct ydoc_entry *slots;
	size_t cap, used;
};

static uint64_t fnv1a(const char *s)
{
	uint64_t h = 1469598103934665603ULL;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return h;
}

static int map_put(struct ydoc_map *m, const char *path, int line, int col)
{
	size_t i;

	if ((m->used + 1) * 2 > m->cap) {
		size_t ncap = m->cap ? m->cap * 2 : 64, j;
		struct ydoc_entry *ns = calloc(ncap, sizeof(*ns));

		if (!ns)
			return err_set(ERR_NOMEM, "out of memory");
		for (j = 0; j < m->cap; j++) {
			if (!m->slots[j].path)
				continue;
			i = fnv1a(m->slots[j].path) & (ncap - 1);
			while (ns[i].path)
				i = (i + 1) & (ncap - 1);
			ns[i] = m->slots[j];
		}
		free(m->slots);
		m->slots = ns;
		m->cap = ncap;
	}
	i = fnv1a(path) & (m->cap - 1);
	while (m->slots[i].path) {
		if (!strcmp(m->slots[i].path, path)) {
			m->slots[i].pos.line = line;
			m->slots[i].pos.col = col;
			return 0;
		}
		i = (i + 1) & (m->cap - 1);
	}
	m->slots[i].path = strdup(path);
	if (!m->slots[i].path)
		return err_set(ERR_NOMEM, "out of memory");
	m->slots[i].pos.line = line;
	m->slots[i].pos.col = col;
	m->used++;
	return 0;
}

const struct ydoc_pos *ydoc_pos_get(const struct ydoc_map *m, const char *path)
{
	size_t i;

	if (!m || !m->cap)
		return NULL;
	i = fnv1a(path) & (m->cap - 1);
	while (m->slots[i].path) {
		if (!strcmp(m->slots[i].path, path))
			return &m->slots[i].pos;
		i = (i + 1) & (m->cap - 1);
	}
	return NULL;
}

const struct ydoc_pos *ydoc_pos_near(const struct ydoc_map *m, const char *path)
{
	struct strbuf p = STRBUF_INIT;
	const struct ydoc_pos *pos = NULL;
	size_t i;

	if (strbuf_addstr(&p, path) < 0)
		return NULL;
	for (;;) {
		pos = ydoc_pos_get(m, p.buf);
		if (pos || !p.len)
			break;
		for (i = p.len; i > 0 && p.buf[i - 1] != '.' && p.buf[i - 1] != '['; i--)
			;
		strbuf_setlen(&p, i ? i - 1 : 0);
	}
	strbuf_release(&p);
	return pos;
}

void ydoc_map_free(struct ydoc_map *m)
{
	size_t i;

	if (!m)
		return;
	for (i = 0; i < m->cap; i++)
		free(m->slots[i].path);
	free(m->slots);
	free(m);
}

int ydoc_path_key(struct strbuf *path, const char *key)
{
	if (strpbrk(key, ".[]\"@") || !key[0])
		return strbuf_addf(path, "[\"%s\"]", key);
	if (path->len && strbuf_addch(path, '.') < 0)
		return ERR_NOMEM;
	return strbuf_addstr(path, key);
}

int ydoc_path_index(struct strbuf *path, size_t index)
{
	return strbuf_addf(path, "[%zu]", index);
}

/* ---- builder ---- */

struct anchor {
	char *name;
	json_t *value; /* NULL while the node is still being built */
	size_t nodes;  /* nodes in value, charged again at every alias */
};

struct frame {
	json_t *value;
	char *key;          /* pending key of a mapping, NULL when a key is expected */
	int key_line, key_col;
	size_t path_len;    /* length of the path for this container */
	char *anchor;       /* anchor to complete when this container ends */
	size_t nodes_start; /* node count when the container began */
	int merge_pending;  /* the pending key is "<<" */
	json_t *merged;     /* entries from merge keys; explicit keys win over them */
};

struct builder {
	const char *name;
	struct ydoc_limits lim;
	struct frame *stack;
	int depth, cap;
	struct anchor *anchors;
	size_t nanchors, anchor_cap;
	size_t nodes;
	struct strbuf path;
	struct ydoc_map *map;
	json_t *root;
};

static int at(struct builder *b, const yaml_mark_t *mark, int code, const char *fmt, const char *arg)
{
	struct strbuf msg = STRBUF_INIT;

	strbuf_addf(&msg, fmt, arg);
	err_set(code, "%s:%zu:%zu: %s", b->name, mark->line + 1, mark->column + 1, msg.buf);
	strbuf_release(&msg);
	return code;
}

static int anchor_begin(struct builder *b, const char *name)
{
	size_t i;

	for (i = 0; i < b->nanchors; i++) {
		if (!strcmp(b->anchors[i].name, name)) {
			/* A redefined anchor shadows the old one. */
			json_decref(b->anchors[i].value);
			b->anchors[i].value = NULL;
			return (int)i;
		}
	}
	if (b->nanchors == b->anchor_cap) {
		size_t ncap = b->anchor_cap ? b->anchor_cap * 2 : 16;
		struct anchor *na = realloc(b->anchors, ncap * sizeof(*na));

		if (!na)
			return err_set(ERR_NOMEM, "out of memory");
		b->anchors = na;
		b->anchor_cap = ncap;
	}
	b->anchors[b->nanchors].name = strdup(name);
	if (!b->anchors[b->nanchors].name)
		return err_set(ERR_NOMEM, "out of memory");
	b->anchors[b->nanchors].value = NULL;
	b->anchors[b->nanchors].nodes = 0;
	return (int)b->nanchors++;
}

static void anchor_end(struct builder *b, const char *name, json_t *value, size_t nodes)
{
	size_t i;

	for (i = 0; i < b->nanchors; i++) {
		if (!strcmp(b->anchors[i].name, name)) {
			/* A node inside may have reused the name meanwhile: the outer one wins. */
			json_decref(b->anchors[i].value);
			b->anchors[i].value = json_incref(value);
			b->anchors[i].nodes = nodes;
			return;
		}
	}
}

static int charge(struct builder *b, size_t n, const yaml_mark_t *mark)
{
	if (n > b->lim.max_nodes || b->nodes > b->lim.max_nodes - n)
		return at(b, mark, ERR_LIMIT, "document expands to more than %s nodes (alias expansion is capped)",
			  "the allowed number of");
	b->nodes += n;
	return 0;
}

static int is_plain(const yaml_event_t *e)
{
	return e->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
}

static int tag_is(const yaml_event_t *e, const char *suffix)
{
	const char *t = (const char *)e->data.scalar.tag;
	size_t lt, ls = strlen(suffix);

	if (!t)
		return 0;
	lt = strlen(t);
	return lt >= ls && !strcmp(t + lt - ls, suffix) && (lt == ls || t[lt - ls - 1] == ':' || t[lt - ls - 1] == '!');
}

/* YAML 1.2 core schema resolution of a scalar. */
static json_t *scalar_value(const yaml_event_t *e)
{
	const char *s = (const char *)e->data.scalar.value;
	size_t len = e->data.scalar.length;
	char *end;

	if (tag_is(e, "str") || (!is_plain(e) && !e->data.scalar.tag))
		return json_stringn(s, len);
	if (tag_is(e, "null"))
		return json_null();
	if (!strcmp(s, "~") || !strcmp(s, "null") || !strcmp(s, "Null") || !strcmp(s, "NULL") || len == 0)
		return tag_is(e, "str") ? json_string("") : json_null();
	if (!strcmp(s, "true") || !strcmp(s, "True") || !strcmp(s, "TRUE"))
		return json_true();
	if (!strcmp(s, "false") || !strcmp(s, "False") || !strcmp(s, "FALSE"))
		return json_false();
	if ((s[0] >= '0' && s[0] <= '9') || ((s[0] == '-' || s[0] == '+') && s[1] >= '0' && s[1] <= '9')) {
		int base = 10;
		const char *digits = s;

		if (s[0] == '0' && s[1] == 'x')
			base = 16, digits = s + 2;
		else if (s[0] == '0' && s[1] == 'o')
			base = 8, digits = s + 2;
		if (strspn(digits + (base == 10 && (digits[0] == '-' || digits[0] == '+')),
			   base == 16 ? "0123456789abcdefABCDEF" : "0123456789") ==
			    strlen(digits) - (base == 10 && (digits[0] == '-' || digits[0] == '+')) &&
		    digits[0]) {
			long long v;

			errno = 0;
			v = strtoll(digits, &end, base);
			if (!errno && !*end)
				return json_integer(v);
		}
		if (base == 10) {
			double d;

			errno = 0;
			d = strtod(s, &end);
			if (!*end && !errno && strspn(s, "+-0123456789.eE") == len && strpbrk(s, ".eE"))
				return json_real(d);
		}
	}
	if (!strcmp(s, ".inf") || !strcmp(s, ".Inf") || !strcmp(s, "+.inf") || !strcmp(s, "-.inf") ||
	    !strcmp(s, ".nan") || !strcmp(s, ".NaN"))
		return json_stringn(s, len); /* JSON has no infinities; keep the text */
	return json_stringn(s, len);
}

static void frame_free(struct frame *f)
{
	json_decref(f->value);
	json_decref(f->merged);
	free(f->key);
	free(f->anchor);
}

/* Merge keys: copy entries of src that dst lacks. */
static int merge_into(json_t *dst, json_t *src)
{
	const char *k;
	json_t *v;
	size_t i;

	if (json_is_object(src)) {
		json_object_foreach(src, k, v) {
			if (!json_object_get(dst, k) && json_object_set(dst, k, v) < 0)
				return ERR_NOMEM;
		}
		return 0;
	}
	if (json_is_array(src)) {
		json_array_foreach(src, i, v) {
			if (!json_is_object(v))
				return ERR_INVALID;
			if (merge_into(dst, v) < 0)
				return ERR_NOMEM;
		}
		return 0;
	}
	return ERR_INVALID;
}

/* Attach value (owned) to the container on top of the stack, or make it the root. */
static int attach(struct builder *b, json_t *value, const yaml_mark_t *mark)
{
	struct frame *top;
	int rc = 0;

	if (!value)
		return err_set(ERR_NOMEM, "out of memory");
	if (b->depth == 0) {
		b->root = value;
		return 0;
	}
	top = &b->stack[b->depth - 1];
	if (json_is_array(top->value)) {
		if (json_array_append_new(top->value, value) < 0)
			rc = err_set(ERR_NOMEM, "out of memory");
	} else if (!top->key) {
		/* This value is a key. */
		if (!json_is_string(value)) {
			if (json_is_integer(value) || json_is_real(value) || json_is_boolean(value) ||
			    json_is_null(value)) {
				/* Non-string scalar keys become their text (ports: 80: ...). */
				char *txt = json_dumps(value, JSON_ENCODE_ANY);

				json_decref(value);
				if (!txt)
					return err_set(ERR_NOMEM, "out of memory");
				value = json_string(txt);
				free(txt);
				if (!value)
					return err_set(ERR_NOMEM, "out of memory");
			} else {
				json_decref(value);
				return at(b, mark, ERR_PARSE, "%s", "a mapping key must be a scalar");
			}
		}
		top->key = strdup(json_string_value(value));
		top->key_line = (int)mark->line + 1;
		top->key_col = (int)mark->column + 1;
		top->merge_pending = !strcmp(top->key, "<<");
		json_decref(value);
		if (!top->key)
			return err_set(ERR_NOMEM, "out of memory");
		if (!top->merge_pending && json_object_get(top->value, top->key))
			return at(b, mark, ERR_PARSE, "duplicate key '%s'", top->key);
		return 0;
	} else {
		if (top->merge_pending) {
			if (!top->merged)
				top->merged = json_object();
			if (!top->merged || merge_into(top->merged, value) < 0)
				rc = at(b, mark, ERR_PARSE, "%s", "a merge key ('<<') needs a mapping or a list of mappings");
			json_decref(value);
		} else if (json_object_set_new(top->value, top->key, value) < 0) {
			rc = err_set(ERR_NOMEM, "out of memory");
		}
		free(top->key);
		top->key = NULL;
		top->merge_pending = 0;
	}
	return rc;
}

/* Extend b->path for a child of the top container about to start at mark. */
static int child_path(struct builder *b, const yaml_mark_t *mark, int is_key)
{
	struct frame *top;
	int rc;

	if (b->depth == 0)
		return map_put(b->map, "", (int)mark->line + 1, (int)mark->column + 1);
	top = &b->stack[b->depth - 1];
	strbuf_setlen(&b->path, top->path_len);
	if (json_is_array(top->value)) {
		rc = ydoc_path_index(&b->path, json_array_size(top->value));
	} else if (is_key) {
		return 0;
	} else {
		rc = ydoc_path_key(&b->path, top->key);
		if (rc == 0) {
			size_t l = b->path.len;

			rc = strbuf_addstr(&b->path, "@key");
			if (rc == 0)
				rc = map_put(b->map, b->path.buf, top->key_line, top->key_col);
			strbuf_setlen(&b->path, l);
		}
	}
	if (rc == 0)
		rc = map_put(b->map, b->path.buf, (int)mark->line + 1, (int)mark->column + 1);
	return rc;
}

static int expecting_key(struct builder *b)
{
	return b->depth > 0 && json_is_object(b->stack[b->depth - 1].value) && !b->stack[b->depth - 1].key;
}

static int push(struct builder *b, json_t *container, const char *anchor, const yaml_mark_t *mark)
{
	struct frame *f;
	int rc;

	if (!container)
		return err_set(ERR_NOMEM, "out of memory");
	if (expecting_key(b)) {
		json_decref(container);
		return at(b, mark, ERR_PARSE, "%s", "a mapping key must be a scalar");
	}
	if (b->depth >= b->lim.max_depth) {
		json_decref(container);
		return at(b, mark, ERR_LIMIT, "%s", "nesting is too deep");
	}
	if ((rc = child_path(b, mark, 0)) < 0 || (rc = charge(b, 1, mark)) < 0) {
		json_decref(container);
		return rc;
	}
	if (b->depth == b->cap) {
		int ncap = b->cap ? b->cap * 2 : 16;
		struct frame *ns = realloc(b->stack, (size_t)ncap * sizeof(*ns));

		if (!ns) {
			json_decref(container);
			return err_set(ERR_NOMEM, "out of memory");
		}
		b->stack = ns;
		b->cap = ncap;
	}
	if (anchor && anchor_begin(b, anchor) < 0) {
		json_decref(container);
		return ERR_NOMEM;
	}
	f = &b->stack[b->depth++];
	memset(f, 0, sizeof(*f));
	f->value = container;
	f->path_len = b->path.len;
	f->nodes_start = b->nodes - 1;
	f->anchor = anchor ? strdup(anchor) : NULL;
	return 0;
}

static int pop(struct builder *b, const yaml_mark_t *mark)
{
	struct frame f = b->stack[--b->depth];
	json_t *value = f.value;
	int rc;

	if (f.merged) {
		if (merge_into(value, f.merged) < 0) {
			json_decref(f.merged);
			json_decref(value);
			free(f.anchor);
			free(f.key);
			return err_set(ERR_NOMEM, "out of memory");
		}
		json_decref(f.merged);
	}
	if (f.anchor)
		anchor_end(b, f.anchor, value, b->nodes - f.nodes_start);
	free(f.anchor);
	free(f.key);
	if (b->depth > 0)
		strbuf_setlen(&b->path, b->stack[b->depth - 1].path_len);
	rc = attach(b, value, mark);
	return rc;
}

static int on_scalar(struct builder *b, const yaml_event_t *e)
{
	int is_key = expecting_key(b), rc;
	json_t *v;

	if ((rc = child_path(b, &e->start_mark, is_key)) < 0 || (rc = charge(b, 1, &e->start_mark)) < 0)
		return rc;
	v = scalar_value(e);
	if (!v)
		return err_set(ERR_NOMEM, "out of memory");
	if (e->data.scalar.anchor) {
		if (anchor_begin(b, (const char *)e->data.scalar.anchor) < 0) {
			json_decref(v);
			return ERR_NOMEM;
		}
		anchor_end(b, (const char *)e->data.scalar.anchor, v, 1);
	}
	return attach(b, v, &e->start_mark);
}

static int on_alias(struct builder *b, const yaml_event_t *e)
{
	const char *name = (const char *)e->data.alias.anchor;
	int is_key = expecting_key(b), rc;
	size_t i;

	for (i = 0; i < b->nanchors; i++)
		if (!strcmp(b->anchors[i].name, name))
			break;
	if (i == b->nanchors)
		return at(b, &e->start_mark, ERR_PARSE, "alias '*%s' names no anchor", name);
	if (!b->anchors[i].value)
		return at(b, &e->start_mark, ERR_PARSE, "alias '*%s' refers to itself", name);
	if ((rc = child_path(b, &e->start_mark, is_key)) < 0 ||
	    (rc = charge(b, b->anchors[i].nodes, &e->start_mark)) < 0)
		return rc;
	/* Shared, not copied: jansson values are reference counted and we never
	 * mutate a finished document, so the budget above is what protects us. */
	return attach(b, json_incref(b->anchors[i].value), &e->start_mark);
}

static void builder_reset(struct builder *b)
{
	size_t i;

	while (b->depth > 0)
		frame_free(&b->stack[--b->depth]);
	for (i = 0; i < b->nanchors; i++) {
		free(b->anchors[i].name);
		json_decref(b->anchors[i].value);
	}
	b->nanchors = 0;
	json_decref(b->root);
	b->root = NULL;
	ydoc_map_free(b->map);
	b->map = NULL;
	strbuf_reset(&b->path);
}

static int load_stream(const char *buf, size_t len, const char *name, const struct ydoc_limits *limits,
		       ydoc_cb cb, void *ctx, int steal_map)
{
	struct builder b;
	yaml_parser_t parser;
	yaml_event_t ev;
	int rc = 0, done = 0, index = 0, have_event = 0;

	memset(&b, 0, sizeof(b));
	strbuf_init(&b.path, 0);
	b.name = name ? name : "<input>";
	b.lim.max_nodes = limits && limits->max_nodes ? limits->max_nodes : YDOC_DEFAULT_NODES;
	b.lim.max_depth = limits && limits->max_depth ? limits->max_depth : YDOC_DEFAULT_DEPTH;
	if (!yaml_parser_initialize(&parser))
		return err_set(ERR_NOMEM, "out of memory");
	yaml_parser_set_input_string(&parser, (const unsigned char *)buf, len);

	while (!done) {
		if (!yaml_parser_parse(&parser, &ev)) {
			rc = err_set(ERR_PARSE, "%s:%zu:%zu: %s%s%s", b.name, parser.problem_mark.line + 1,
				     parser.problem_mark.column + 1, parser.problem ? parser.problem : "invalid YAML",
				     parser.context ? " " : "", parser.context ? parser.context : "");
			goto cleanup;
		}
		have_event = 1;
		switch (ev.type) {
		case YAML_STREAM_END_EVENT:
			done = 1;
			break;
		case YAML_DOCUMENT_START_EVENT:
			builder_reset(&b);
			b.nodes = 0;
			b.map = calloc(1, sizeof(*b.map));
			if (!b.map)
				rc = err_set(ERR_NOMEM, "out of memory");
			break;
		case YAML_DOCUMENT_END_EVENT:
			if (!b.root)
				b.root = json_null();
			rc = cb(ctx, index++, b.root, b.map);
			if (steal_map)
				b.map = NULL;
			break;
		case YAML_SCALAR_EVENT:
			rc = on_scalar(&b, &ev);
			break;
		case YAML_ALIAS_EVENT:
			rc = on_alias(&b, &ev);
			break;
		case YAML_SEQUENCE_START_EVENT:
			rc = push(&b, json_array(), (const char *)ev.data.sequence_start.anchor, &ev.start_mark);
			break;
		case YAML_MAPPING_START_EVENT:
			rc = push(&b, json_object(), (const char *)ev.data.mapping_start.anchor, &ev.start_mark);
			break;
		case YAML_SEQUENCE_END_EVENT:
		case YAML_MAPPING_END_EVENT:
			rc = pop(&b, &ev.start_mark);
			break;
		default:
			break;
		}
		yaml_event_delete(&ev);
		have_event = 0;
		if (rc < 0)
			goto cleanup;
	}
cleanup:
	if (have_event)
		yaml_event_delete(&ev);
	builder_reset(&b);
	free(b.stack);
	free(b.anchors);
	strbuf_release(&b.path);
	yaml_parser_delete(&parser);
	return rc;
}

int ydoc_load_stream(const char *buf, size_t len, const char *name, const struct ydoc_limits *limits,
		     ydoc_cb cb, void *ctx)
{
	return load_stream(buf, len, name, limits, cb, ctx, 0);
}

struct one_ctx {
	const char *name;
	json_t *doc;
	struct ydoc_map *map;
	int count;
};

static int one_cb(void *vctx, int index, json_t *doc, const struct ydoc_map *pos)
{
	struct one_ctx *c = vctx;

	/* load_stream was told to let go of the map: it is ours now. */
	if (index > 0) {
		ydoc_map_free((struct ydoc_map *)pos);
		return err_set(ERR_PARSE, "%s: holds more than one YAML document; one was expected", c->name);
	}
	c->doc = json_incref(doc);
	c->map = (struct ydoc_map *)pos;
	c->count++;
	return 0;
}

int ydoc_load(const char *buf, size_t len, const char *name, const struct ydoc_limits *limits, json_t **out,
	      struct ydoc_map **pos_out)
{
	struct one_ctx c = { name ? name : "<input>", NULL, NULL, 0 };
	int rc;

	rc = load_stream(buf, len, name, limits, one_cb, &c, 1);
	if (rc < 0) {
		json_decref(c.doc);
		ydoc_map_free(c.map);
		return rc;
	}
	if (!c.count) {
		c.doc = json_null();
		c.map = calloc(1, sizeof(*c.map));
		if (!c.map) {
			json_decref(c.doc);
			return err_set(ERR_NOMEM, "out of memory");
		}
	}
	*out = c.doc;
	if (pos_out)
		*pos_out = c.map;
	else
		ydoc_map_free(c.map);
	return 0;
}

int ydoc_load_file(const char *path, const struct ydoc_limits *limits, json_t **out, struct ydoc_map **pos_out)
{
	struct strbuf buf = STRBUF_INIT;
	int rc;

	strbuf_init(&buf, 64 * 1024 * 1024);
	rc = strbuf_read_file(&buf, path);
	if (rc == 0)
		rc = ydoc_load(buf.buf, buf.len, path, limits, out, pos_out);
	strbuf_release(&buf);
	return rc;
}
