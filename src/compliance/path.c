#include "path.h"

#include <stdlib.h>
#include <string.h>

#include "core/err.h"
#include "core/util.h"

static int bare_char(char c)
{
	return c && !strchr(".[]\"@ \t\r\n*", c);
}

void path_free(struct path *p)
{
	size_t i;

	if (!p)
		return;
	for (i = 0; i < p->n; i++)
		free(p->steps[i].key);
	free(p->steps);
	free(p->text);
	free(p);
}

static int add_step(struct path *p, enum path_step_kind kind, char *key, size_t index)
{
	if (p->n >= PATH_MAX_STEPS) {
		free(key);
		return err_set(ERR_PARSE, "more than %d steps", PATH_MAX_STEPS);
	}
	p->steps[p->n].kind = kind;
	p->steps[p->n].key = key;
	p->steps[p->n].index = index;
	p->n++;
	if (kind == PATH_ALL)
		p->wild = 1;
	return 0;
}

/* A ["quoted"] key: s points after the opening quote; *end gets the position after the closing ']'. */
static int parse_quoted(const char *text, const char *s, char **key, const char **end)
{
	struct strbuf k = STRBUF_INIT;
	int rc;

	strbuf_init(&k, PATH_MAX_TEXT);
	for (; *s && *s != '"'; s++) {
		if (*s == '\\' && (s[1] == '"' || s[1] == '\\'))
			s++;
		if ((rc = strbuf_addch(&k, *s)) < 0)
			goto cleanup;
	}
	if (*s != '"' || s[1] != ']') {
		rc = err_set(ERR_PARSE, "column %d: a quoted key needs '\"]' at its end", (int)(s - text) + 1);
		goto cleanup;
	}
	*end = s + 2;
	*key = strbuf_detach(&k, NULL);
	return 0;
cleanup:
	strbuf_release(&k);
	return rc;
}

int path_parse(struct path **out, const char *text)
{
	struct path *p = NULL;
	const char *s = text;
	int rc = 0, need_step = 0;

	*out = NULL;
	if (strlen(text) > PATH_MAX_TEXT)
		return err_set(ERR_PARSE, "longer than %d characters", PATH_MAX_TEXT);
	p = calloc(1, sizeof(*p));
	if (!p || !(p->steps = calloc(PATH_MAX_STEPS, sizeof(*p->steps))) || !(p->text = util_strdup(text))) {
		rc = err_set(ERR_NOMEM, "out of memory");
		goto cleanup;
	}
	if (!strcmp(s, ".") || !strcmp(s, "$"))
		s += 1;
	while (*s) {
		if (*s == '[') {
			if (s[1] == '*' && s[2] == ']') {
				rc = add_step(p, PATH_ALL, NULL, 0);
				s += 3;
			} else if (s[1] == '"') {
				char *key = NULL;

				if ((rc = parse_quoted(text, s + 2, &key, &s)) == 0)
					rc = add_step(p, PATH_KEY, key, 0);
			} else if (s[1] >= '0' && s[1] <= '9') {
				size_t idx = 0;

				for (s++; *s >= '0' && *s <= '9'; s++) {
					if (idx > 100000000) {
						rc = err_set(ERR_PARSE, "column %d: index too large", (int)(s - text) + 1);
						goto cleanup;
					}
					idx = idx * 10 + (size_t)(*s - '0');
				}
				if (*s != ']') {
					rc = err_set(ERR_PARSE, "column %d: expected ']' after an index", (int)(s - text) + 1);
					goto cleanup;
				}
				s++;
				rc = add_step(p, PATH_INDEX, NULL, idx);
			} else {
				rc = err_set(ERR_PARSE, "column %d: '[' takes a number, * or a \"quoted key\"",
					     (int)(s - text) + 1);
			}
			if (rc < 0)
				goto cleanup;
			need_step = 0;
			continue;
		}
		if (*s == '.') {
			if (s == text || need_step) {
				rc = err_set(ERR_PARSE, "column %d: a step is missing before '.'", (int)(s - text) + 1);
				goto cleanup;
			}
			s++;
			need_step = 1;
			continue;
		}
		if (p->n && !need_step) {
			rc = err_set(ERR_PARSE, "column %d: expected '.' or '[' between steps", (int)(s - text) + 1);
			goto cleanup;
		}
		if (*s == '*') {
			rc = add_step(p, PATH_ALL, NULL, 0);
			s++;
		} else if (bare_char(*s)) {
			const char *b = s;
			char *key;

			while (bare_char(*s))
				s++;
			if (!(key = strndup(b, (size_t)(s - b)))) {
				rc = err_set(ERR_NOMEM, "out of memory");
				goto cleanup;
			}
			rc = add_step(p, PATH_KEY, key, 0);
		} else {
			rc = err_set(ERR_PARSE, "column %d: unexpected '%c'", (int)(s - text) + 1, *s);
		}
		if (rc < 0)
			goto cleanup;
		need_step = 0;
	}
	if (need_step) {
		rc = err_set(ERR_PARSE, "ends with '.'");
		goto cleanup;
	}
	*out = p;
	p = NULL;
cleanup:
	path_free(p);
	return rc;
}

int path_add_key(struct strbuf *sb, const char *key)
{
	const char *k;
	int rc;

	for (k = key; *k && bare_char(*k); k++)
		;
	if (*key && !*k)
		return sb->len ? strbuf_addf(sb, ".%s", key) : strbuf_addstr(sb, key);
	if ((rc = strbuf_addstr(sb, "[\"")) < 0)
		return rc;
	for (k = key; *k; k++) {
		if ((*k == '"' || *k == '\\') && (rc = strbuf_addch(sb, '\\')) < 0)
			return rc;
		if ((rc = strbuf_addch(sb, *k)) < 0)
			return rc;
	}
	return strbuf_addstr(sb, "\"]");
}

int path_add_index(struct strbuf *sb, size_t index)
{
	return strbuf_addf(sb, "[%zu]", index);
}

static int push_match(struct path_matches *m, const struct strbuf *where, const json_t *value)
{
	if (m->n >= PATH_MAX_MATCHES)
		return err_set(ERR_LIMIT, "a path matched more than %d values", PATH_MAX_MATCHES);
	if (m->n == m->cap) {
		size_t ncap = m->cap ? m->cap * 2 : 8;
		struct path_match *nv = realloc(m->v, ncap * sizeof(*nv));

		if (!nv)
			return err_set(ERR_NOMEM, "out of memory");
		m->v = nv;
		m->cap = ncap;
	}
	if (!(m->v[m->n].where = util_strdup(where->buf)))
		return ERR_NOMEM;
	m->v[m->n].value = json_is_null(value) ? NULL : value;
	m->n++;
	return 0;
}

/* Walk from step i; where holds the concrete path so far and is restored on return. */
static int walk(const struct path *p, size_t i, const json_t *node, struct strbuf *where, struct path_matches *out)
{
	size_t len = where->len, k;
	const json_t *child = NULL;
	int rc = 0;

	if (i == p->n)
		return push_match(out, where, node);
	if (!node || json_is_null(node)) {
		/* Absent: the rest of the path names where the value would be. */
		if (p->steps[i].kind == PATH_ALL)
			return 0;
		for (; i < p->n && p->steps[i].kind != PATH_ALL && rc == 0; i++)
			rc = p->steps[i].kind == PATH_KEY ? path_add_key(where, p->steps[i].key)
							  : path_add_index(where, p->steps[i].index);
		if (rc == 0 && i == p->n)
			rc = push_match(out, where, NULL);
		strbuf_setlen(where, len);
		return rc;
	}
	switch (p->steps[i].kind) {
	case PATH_KEY:
		child = json_is_object(node) ? json_object_get(node, p->steps[i].key) : NULL;
		if ((rc = path_add_key(where, p->steps[i].key)) == 0)
			rc = walk(p, i + 1, child, where, out);
		break;
	case PATH_INDEX:
		child = json_is_array(node) ? json_array_get(node, p->steps[i].index) : NULL;
		if ((rc = path_add_index(where, p->steps[i].index)) == 0)
			rc = walk(p, i + 1, child, where, out);
		break;
	case PATH_ALL:
		if (json_is_array(node)) {
			for (k = 0; k < json_array_size(node) && rc == 0; k++) {
				child = json_array_get(node, k);
				if (json_is_null(child))
					continue;
				if ((rc = path_add_index(where, k)) == 0)
					rc = walk(p, i + 1, child, where, out);
				strbuf_setlen(where, len);
			}
		} else if (json_is_object(node)) {
			const char *key;
			json_t *v;

			json_object_foreach((json_t *)node, key, v) {
				if (json_is_null(v))
					continue;
				if ((rc = path_add_key(where, key)) == 0)
					rc = walk(p, i + 1, v, where, out);
				strbuf_setlen(where, len);
				if (rc < 0)
					break;
			}
		}
		break;
	}
	strbuf_setlen(where, len);
	return rc;
}

int path_eval(const struct path *p, const json_t *node, const char *base, struct path_matches *out)
{
	struct strbuf where = STRBUF_INIT;
	int rc;

	strbuf_init(&where, 64 * 1024);
	if ((rc = strbuf_addstr(&where, base ? base : "")) == 0)
		rc = walk(p, 0, node, &where, out);
	strbuf_release(&where);
	return rc;
}

void path_matches_release(struct path_matches *m)
{
	size_t i;

	for (i = 0; i < m->n; i++)
		free(m->v[i].where);
	free(m->v);
	memset(m, 0, sizeof(*m));
}

const json_t *path_get(const json_t *node, const char *text)
{
	struct path *p = NULL;
	size_t i;

	if (path_parse(&p, text) < 0)
		return NULL;
	for (i = 0; i < p->n && node; i++) {
		if (p->steps[i].kind == PATH_KEY)
			node = json_is_object(node) ? json_object_get(node, p->steps[i].key) : NULL;
		else if (p->steps[i].kind == PATH_INDEX)
			node = json_is_array(node) ? json_array_get(node, p->steps[i].index) : NULL;
		else
			node = NULL;
	}
	path_free(p);
	return json_is_null(node) ? NULL : node;
}

int path_set(json_t *root, const struct path *p, json_t *value)
{
	json_t *node = root, *child;
	size_t i;
	int rc = 0;

	if (!value)
		return err_set(ERR_NOMEM, "out of memory");
	if (p->wild || !p->n) {
		json_decref(value);
		return err_set(ERR_INVALID, "'%s': a path to set needs at least one step and no wildcard", p->text);
	}
	for (i = 0; i + 1 < p->n; i++) {
		const struct path_step *s = &p->steps[i];

		child = s->kind == PATH_KEY ? json_object_get(node, s->key) : json_array_get(node, s->index);
		if (!json_is_object(child) && !json_is_array(child)) {
			child = p->steps[i + 1].kind == PATH_INDEX ? json_array() : json_object();
			if (s->kind == PATH_KEY)
				rc = json_is_object(node) ? json_object_set_new(node, s->key, child) : (json_decref(child), -1);
			else if (json_is_array(node) && s->index < json_array_size(node))
				rc = json_array_set_new(node, s->index, child);
			else if (json_is_array(node) && s->index == json_array_size(node))
				rc = json_array_append_new(node, child);
			else
				rc = (json_decref(child), -1);
			if (rc < 0)
				goto bad;
		}
		node = child;
	}
	if (p->steps[i].kind == PATH_KEY && json_is_object(node))
		return json_object_set_new(node, p->steps[i].key, value) < 0 ? ERR_NOMEM : 0;
	if (p->steps[i].kind == PATH_INDEX && json_is_array(node)) {
		if (p->steps[i].index < json_array_size(node))
			return json_array_set_new(node, p->steps[i].index, value) < 0 ? ERR_NOMEM : 0;
		if (p->steps[i].index == json_array_size(node))
			return json_array_append_new(node, value) < 0 ? ERR_NOMEM : 0;
	}
bad:
	json_decref(value);
	return err_set(ERR_INVALID, "'%s': the document has no place for this path", p->text);
}

int path_unset(json_t *root, const struct path *p)
{
	json_t *node = root;
	size_t i;

	if (p->wild || !p->n)
		return err_set(ERR_INVALID, "'%s': a path to remove needs at least one step and no wildcard", p->text);
	for (i = 0; i + 1 < p->n && node; i++)
		node = p->steps[i].kind == PATH_KEY ? json_object_get(node, p->steps[i].key)
						    : json_array_get(node, p->steps[i].index);
	if (!node)
		return 0;
	if (p->steps[i].kind == PATH_KEY && json_is_object(node))
		json_object_del(node, p->steps[i].key);
	else if (p->steps[i].kind == PATH_INDEX && json_is_array(node))
		json_array_remove(node, p->steps[i].index);
	return 0;
}
