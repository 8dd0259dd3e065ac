#include "pred.h"

#include <math.h>
#include <regex.h>
#include <stdlib.h>
#include <string.h>

#include "core/err.h"
#include "core/util.h"
#include "fn.h"
#include "path.h"

#define PRED_MAX_DEPTH 32

enum pred_kind { PK_ALL, PK_ANY, PK_NONE, PK_NOT, PK_TEST, PK_SCOPE, PK_COUNT, PK_CALL };
enum pred_op { OP_NONE, OP_EQ, OP_NE, OP_LT, OP_GT, OP_LE, OP_GE, OP_IN, OP_MATCHES, OP_EXISTS, OP_ABSENT, OP_CONTAINS };
enum quant { Q_ALL, Q_ANY, Q_NONE };

static const char *const op_names[] = { "", "eq", "ne", "lt", "gt", "le", "ge", "in", "matches", "exists", "absent",
					"contains" };

struct pred {
	enum pred_kind kind;
	struct pred **kids;
	size_t nkids;
	struct path *path;
	enum quant quant;
	enum pred_op op;
	json_t *operand;
	regex_t re;
	int have_re;
	json_t *dflt;
	const struct rule_fn *fn;
	json_t *args;
};

void witness_init(struct witness *w)
{
	strbuf_init(&w->where, 64 * 1024);
	strbuf_init(&w->note, 4096);
	w->value = NULL;
}

void witness_release(struct witness *w)
{
	strbuf_release(&w->where);
	strbuf_release(&w->note);
	json_decref(w->value);
	w->value = NULL;
}

void witness_reset(struct witness *w)
{
	strbuf_reset(&w->where);
	strbuf_reset(&w->note);
	json_decref(w->value);
	w->value = NULL;
}

void witness_move(struct witness *dst, struct witness *src)
{
	witness_release(dst);
	*dst = *src;
	witness_init(src);
}

void pred_free(struct pred *p)
{
	size_t i;

	if (!p)
		return;
	for (i = 0; i < p->nkids; i++)
		pred_free(p->kids[i]);
	free(p->kids);
	path_free(p->path);
	json_decref(p->operand);
	json_decref(p->dflt);
	json_decref(p->args);
	if (p->have_re)
		regfree(&p->re);
	free(p);
}

/* ---- compiling ---- */

static int bad(const char *where, const char *fmt, const char *a)
{
	struct strbuf m = STRBUF_INIT;
	int rc;

	strbuf_addf(&m, fmt, a);
	rc = err_set(ERR_INVALID, "%s: %s", where, m.buf);
	strbuf_release(&m);
	return rc;
}

/* A copy of v with every {"param": NAME} replaced by the parameter's value. */
static int resolve_params(const json_t *v, const json_t *params, const char *where, json_t **out)
{
	const char *name;
	json_t *copy, *item, *r = NULL;
	size_t i;
	int rc = 0;

	*out = NULL;
	if (json_is_object(v) && json_object_size(v) == 1 && (name = json_string_value(json_object_get(v, "param")))) {
		json_t *pv = json_object_get(params, name);

		if (!pv)
			return bad(where, "names the parameter '%s', which the rule's params do not define", name);
		*out = json_incref(pv);
		return 0;
	}
	if (json_is_array(v)) {
		copy = json_array();
		json_array_foreach(v, i, item) {
			if ((rc = resolve_params(item, params, where, &r)) < 0 || json_array_append_new(copy, r) < 0) {
				json_decref(copy);
				return rc < 0 ? rc : ERR_NOMEM;
			}
		}
		*out = copy;
		return 0;
	}
	if (json_is_object(v)) {
		copy = json_object();
		json_object_foreach((json_t *)v, name, item) {
			if ((rc = resolve_params(item, params, where, &r)) < 0 || json_object_set_new(copy, name, r) < 0) {
				json_decref(copy);
				return rc < 0 ? rc : ERR_NOMEM;
			}
		}
		*out = copy;
		return 0;
	}
	*out = json_deep_copy(v);
	return *out ? 0 : err_set(ERR_NOMEM, "out of memory");
}

static int compile_regex(struct pred *p, const char *where, const char *flags)
{
	const char *re = json_string_value(p->operand), *s;
	int cflags = REG_EXTENDED | REG_NOSUB, e;
	char msg[128];

	if (!re)
		return bad(where, "'matches' takes a string (a POSIX extended regular expression)%s", "");
	if (strlen(re) > PRED_MAX_REGEX)
		return bad(where, "the regular expression is longer than %s characters", "512");
	/* Back-references make matching exponential; the rule language has no use for them. */
	for (s = re; *s; s++) {
		if (*s == '\\' && s[1]) {
			if (s[1] >= '1' && s[1] <= '9')
				return bad(where, "back-references (%s) are not allowed in patterns", "\\N");
			s++;
		}
	}
	if (flags && strcmp(flags, "i") && strcmp(flags, ""))
		return bad(where, "'flags' may only be \"i\" (ignore case), not '%s'", flags);
	if (flags && !strcmp(flags, "i"))
		cflags |= REG_ICASE;
	if ((e = regcomp(&p->re, re, cflags)) != 0) {
		regerror(e, &p->re, msg, sizeof(msg));
		return bad(where, "bad regular expression: %s", msg);
	}
	p->have_re = 1;
	return 0;
}

static const char *const test_keys[] = { "path", "quantifier", "default", "where", "count", "fn", "args", "flags",
					  "comment", NULL };

static int known_key(const char *k)
{
	size_t i;

	for (i = 0; test_keys[i]; i++)
		if (!strcmp(test_keys[i], k))
			return 1;
	for (i = 1; i < ARRAY_SIZE(op_names); i++)
		if (!strcmp(op_names[i], k))
			return 1;
	return 0;
}

static int compile(struct pred **out, const json_t *spec, const json_t *params, struct strbuf *where, int depth);

static int compile_kids(struct pred *p, const json_t *list, const json_t *params, struct strbuf *where, int depth,
			const char *key)
{
	size_t i, len = where->len;
	json_t *item;
	int rc = 0;

	if (!json_is_array(list) || !json_array_size(list))
		return bad(where->buf, "'%s' takes a non-empty list of predicates", key);
	if (!(p->kids = calloc(json_array_size(list), sizeof(*p->kids))))
		return err_set(ERR_NOMEM, "out of memory");
	json_array_foreach(list, i, item) {
		strbuf_addf(where, ".%s[%zu]", key, i);
		rc = compile(&p->kids[i], item, params, where, depth + 1);
		strbuf_setlen(where, len);
		if (rc < 0)
			return rc;
		p->nkids++;
	}
	return 0;
}

static int compile(struct pred **out, const json_t *spec, const json_t *params, struct strbuf *where, int depth)
{
	struct pred *p = NULL;
	const char *key, *qs, *ptext;
	json_t *v;
	size_t len = where->len, i;
	int rc = 0, nops = 0;

	*out = NULL;
	if (depth > PRED_MAX_DEPTH)
		return bad(where->buf, "predicates nest deeper than %s levels", "32");
	if (!json_is_object(spec))
		return bad(where->buf, "a predicate is an object%s", "");
	if (!(p = calloc(1, sizeof(*p))))
		return err_set(ERR_NOMEM, "out of memory");
	if (json_object_size(spec) == 1 && (json_is_array(json_object_get(spec, "all")) ||
					    json_is_array(json_object_get(spec, "any")) ||
					    json_is_array(json_object_get(spec, "none")))) {
		key = json_object_iter_key(json_object_iter((json_t *)spec));
		p->kind = !strcmp(key, "all") ? PK_ALL : !strcmp(key, "any") ? PK_ANY : PK_NONE;
		rc = compile_kids(p, json_object_get(spec, key), params, where, depth, key);
		goto done;
	}
	if (json_object_get(spec, "not")) {
		if (json_object_size(spec) != 1) {
			rc = bad(where->buf, "'not' stands alone in its object%s", "");
			goto done;
		}
		p->kind = PK_NOT;
		if (!(p->kids = calloc(1, sizeof(*p->kids)))) {
			rc = err_set(ERR_NOMEM, "out of memory");
			goto done;
		}
		strbuf_addstr(where, ".not");
		rc = compile(&p->kids[0], json_object_get(spec, "not"), params, where, depth + 1);
		strbuf_setlen(where, len);
		p->nkids = p->kids[0] ? 1 : 0;
		goto done;
	}
	json_object_foreach((json_t *)spec, key, v) {
		if (!known_key(key)) {
			rc = bad(where->buf, "unknown key '%s' (see docs/rules.md, \"Predicates\")", key);
			goto done;
		}
		for (i = 1; i < ARRAY_SIZE(op_names); i++) {
			if (!strcmp(op_names[i], key)) {
				if (nops++) {
					rc = bad(where->buf, "give one operator per predicate (combine several with 'all')%s", "");
					goto done;
				}
				p->op = (enum pred_op)i;
				if ((rc = resolve_params(v, params, where->buf, &p->operand)) < 0)
					goto done;
			}
		}
	}
	if (json_object_get(spec, "fn")) {
		const char *name = json_string_value(json_object_get(spec, "fn"));

		p->kind = PK_CALL;
		if (!name || !(p->fn = rule_fn_find(name))) {
			rc = bad(where->buf, "unknown function '%s'", name ? name : "?");
			goto done;
		}
		if (json_object_get(spec, "path") || json_object_get(spec, "count") || json_object_get(spec, "where")) {
			rc = bad(where->buf, "a function call takes 'args' and an operator, not '%s'", "path/count/where");
			goto done;
		}
		v = json_object_get(spec, "args");
		if (v && !json_is_object(v)) {
			rc = bad(where->buf, "'args' is an object%s", "");
			goto done;
		}
		if (!v)
			p->args = json_object();
		else if ((rc = resolve_params(v, params, where->buf, &p->args)) < 0)
			goto done;
		if (!p->args) {
			rc = err_set(ERR_NOMEM, "out of memory");
			goto done;
		}
		if (p->fn->check && (rc = p->fn->check(p->args)) < 0) {
			rc = err_prefix(rc, "%s: %s()", where->buf, name);
			goto done;
		}
		if (p->op == OP_NONE) {
			p->op = OP_EQ;
			p->operand = json_true();
		}
	} else if (json_object_get(spec, "count")) {
		p->kind = PK_COUNT;
		ptext = json_string_value(json_object_get(spec, "count"));
		if (!ptext) {
			rc = bad(where->buf, "'count' takes a path%s", "");
			goto done;
		}
		if ((rc = path_parse(&p->path, ptext)) < 0) {
			rc = err_prefix(rc, "%s: path '%s'", where->buf, ptext);
			goto done;
		}
		if (p->op < OP_EQ || p->op > OP_GE || !json_is_number(p->operand)) {
			rc = bad(where->buf, "'count' needs one of eq, ne, lt, gt, le, ge with a number%s", "");
			goto done;
		}
	} else {
		ptext = json_string_value(json_object_get(spec, "path"));
		if (!ptext) {
			rc = bad(where->buf, "a test needs 'path' (or use all/any/none/not, count or fn)%s", "");
			goto done;
		}
		if ((rc = path_parse(&p->path, ptext)) < 0) {
			rc = err_prefix(rc, "%s: path '%s'", where->buf, ptext);
			goto done;
		}
		p->kind = json_object_get(spec, "where") ? PK_SCOPE : PK_TEST;
		if (p->kind == PK_SCOPE && p->op != OP_NONE) {
			rc = bad(where->buf, "'where' applies a predicate to each match; it takes no operator ('%s')",
				 op_names[p->op]);
			goto done;
		}
		if (p->kind == PK_TEST && p->op == OP_NONE) {
			rc = bad(where->buf, "a test on '%s' needs an operator (eq, ne, lt, gt, le, ge, in, matches, "
					     "exists, absent, contains)", ptext);
			goto done;
		}
	}
	if ((qs = json_string_value(json_object_get(spec, "quantifier")))) {
		if (p->kind != PK_TEST && p->kind != PK_SCOPE) {
			rc = bad(where->buf, "'quantifier' applies to a path test%s", "");
			goto done;
		}
		if (!strcmp(qs, "all"))
			p->quant = Q_ALL;
		else if (!strcmp(qs, "any"))
			p->quant = Q_ANY;
		else if (!strcmp(qs, "none"))
			p->quant = Q_NONE;
		else {
			rc = bad(where->buf, "'quantifier' is all, any or none, not '%s'", qs);
			goto done;
		}
	} else if (json_object_get(spec, "quantifier")) {
		rc = bad(where->buf, "'quantifier' is a string%s", "");
		goto done;
	}
	if ((v = json_object_get(spec, "default")) && (rc = resolve_params(v, params, where->buf, &p->dflt)) < 0)
		goto done;
	if (p->kind == PK_SCOPE || (p->kind == PK_COUNT && json_object_get(spec, "where"))) {
		if (!(p->kids = calloc(1, sizeof(*p->kids)))) {
			rc = err_set(ERR_NOMEM, "out of memory");
			goto done;
		}
		strbuf_addstr(where, ".where");
		rc = compile(&p->kids[0], json_object_get(spec, "where"), params, where, depth + 1);
		strbuf_setlen(where, len);
		if (rc < 0)
			goto done;
		p->nkids = 1;
	}
	switch (p->op) {
	case OP_MATCHES:
		rc = compile_regex(p, where->buf, json_string_value(json_object_get(spec, "flags")));
		break;
	case OP_LT: case OP_GT: case OP_LE: case OP_GE:
		if (!json_is_number(p->operand))
			rc = bad(where->buf, "'%s' compares with a number", op_names[p->op]);
		break;
	case OP_IN:
		if (!json_is_array(p->operand))
			rc = bad(where->buf, "'in' takes a list%s", "");
		break;
	case OP_EXISTS: case OP_ABSENT:
		if (!json_is_boolean(p->operand))
			rc = bad(where->buf, "'%s' takes true or false", op_names[p->op]);
		break;
	default:
		break;
	}
	if (rc == 0 && json_object_get(spec, "flags") && p->op != OP_MATCHES)
		rc = bad(where->buf, "'flags' goes with 'matches'%s", "");
done:
	if (rc < 0) {
		pred_free(p);
		return rc;
	}
	*out = p;
	return 0;
}

int pred_compile(struct pred **out, const json_t *spec, const json_t *params, const char *where)
{
	struct strbuf w = STRBUF_INIT;
	json_t *empty = json_object();
	int rc;

	strbuf_addstr(&w, where ? where : "");
	rc = compile(out, spec, params ? params : empty, &w, 0);
	strbuf_release(&w);
	json_decref(empty);
	return rc;
}

/* ---- evaluating ---- */

static int num_equal(const json_t *a, const json_t *b)
{
	if (json_is_number(a) && json_is_number(b))
		return json_number_value(a) == json_number_value(b);
	return json_equal((json_t *)a, (json_t *)b);
}

static const char *type_name(const json_t *v)
{
	switch (json_typeof(v)) {
	case JSON_OBJECT: return "an object";
	case JSON_ARRAY: return "a list";
	case JSON_STRING: return "a string";
	case JSON_INTEGER: case JSON_REAL: return "a number";
	case JSON_TRUE: case JSON_FALSE: return "a boolean";
	default: return "null";
	}
}

/* One operator on one value (NULL: absent).  note explains an error. */
static int apply_op(const struct pred *p, const json_t *v, struct strbuf *note)
{
	const json_t *o = p->operand;
	json_t *item;
	size_t i;
	double a, b;

	switch (p->op) {
	case OP_EXISTS:
		return (v != NULL) == json_is_true(o);
	case OP_ABSENT:
		return (v == NULL) == json_is_true(o);
	case OP_EQ:
		return v && num_equal(v, o);
	case OP_NE:
		return !(v && num_equal(v, o));
	case OP_LT: case OP_GT: case OP_LE: case OP_GE:
		if (!v)
			return TRI_FALSE;
		if (!json_is_number(v)) {
			strbuf_addf(note, "the value is %s where the rule compares numbers", type_name(v));
			return TRI_ERROR;
		}
		a = json_number_value(v);
		b = json_number_value(o);
		if (isnan(a))
			return TRI_FALSE;
		return p->op == OP_LT ? a < b : p->op == OP_GT ? a > b : p->op == OP_LE ? a <= b : a >= b;
	case OP_IN:
		if (!v)
			return TRI_FALSE;
		json_array_foreach(o, i, item)
			if (num_equal(v, item))
				return TRI_TRUE;
		return TRI_FALSE;
	case OP_MATCHES:
		if (!json_is_string(v))
			return TRI_FALSE;
		if (json_string_length(v) > PRED_MAX_SUBJECT) {
			strbuf_addf(note, "the value is longer than %d bytes, too long to match", PRED_MAX_SUBJECT);
			return TRI_ERROR;
		}
		if (strlen(json_string_value(v)) != json_string_length(v))
			return TRI_FALSE; /* embedded NUL: not text */
		return regexec(&p->re, json_string_value(v), 0, NULL, 0) == 0;
	case OP_CONTAINS:
		if (json_is_array(v)) {
			json_array_foreach(v, i, item)
				if (num_equal(item, o))
					return TRI_TRUE;
			return TRI_FALSE;
		}
		if (json_is_string(v) && json_is_string(o))
			return util_memmem(json_string_value(v), json_string_length(v), json_string_value(o),
					   json_string_length(o)) != NULL;
		if (json_is_object(v) && json_is_string(o))
			return json_object_get(v, json_string_value(o)) != NULL;
		return TRI_FALSE;
	default:
		return TRI_ERROR;
	}
}

static int set_witness(struct witness *w, const char *where, const json_t *value)
{
	witness_reset(w);
	w->value = value ? json_incref((json_t *)value) : NULL;
	return strbuf_addstr(&w->where, where);
}

/* base joined with a path's text, for answers that have no concrete match. */
static int join_base(struct strbuf *out, const char *base, const char *text)
{
	if (base && *base && (text[0] && text[0] != '['))
		return strbuf_addf(out, "%s.%s", base, text);
	return strbuf_addf(out, "%s%s", base ? base : "", text);
}

static int eval(const struct pred *p, const json_t *node, const char *base, struct eval_ctx *ec, struct witness *w);

/* Quantify over matches: each gives a tri value through one() and its witness. */
static int quantify(const struct pred *p, const struct path_matches *m, const char *base, struct eval_ctx *ec,
		    struct witness *w)
{
	struct witness cur, err_w, first;
	size_t i;
	int r, have_err = 0, rc = TRI_ERROR;

	witness_init(&cur);
	witness_init(&err_w);
	witness_init(&first);
	for (i = 0; i < m->n; i++) {
		witness_reset(&cur);
		if (p->kind == PK_SCOPE) {
			r = eval(p->kids[0], m->v[i].value, m->v[i].where, ec, &cur);
			if (r < 0) {
				rc = r;
				goto cleanup;
			}
		} else {
			const json_t *v = m->v[i].value ? m->v[i].value : p->dflt;

			if ((r = set_witness(&cur, m->v[i].where, m->v[i].value)) < 0) {
				rc = r;
				goto cleanup;
			}
			r = apply_op(p, v, &cur.note);
		}
		if (i == 0 && r != TRI_ERROR) {
			set_witness(&first, cur.where.buf, cur.value);
			strbuf_addstr(&first.note, cur.note.buf);
		}
		if (r == TRI_ERROR) {
			if (!have_err)
				witness_move(&err_w, &cur);
			have_err = 1;
			continue;
		}
		if ((p->quant == Q_ALL && r == TRI_FALSE) || (p->quant != Q_ALL && r == TRI_TRUE)) {
			witness_move(w, &cur);
			rc = p->quant == Q_NONE ? TRI_FALSE : r;
			goto cleanup;
		}
	}
	if (have_err) {
		witness_move(w, &err_w);
		rc = TRI_ERROR;
		goto cleanup;
	}
	if (m->n) {
		witness_move(w, &first);
	} else {
		witness_reset(w);
		join_base(&w->where, base, p->path->text);
	}
	rc = p->quant == Q_ANY ? TRI_FALSE : TRI_TRUE;
cleanup:
	witness_release(&cur);
	witness_release(&err_w);
	witness_release(&first);
	return rc;
}

/* Whether match mt passes the count's filter (evaluated once more, for the failure's note). */
static int counted_again(const struct pred *p, const struct path_match *mt, struct eval_ctx *ec)
{
	struct witness cur;
	int r;

	witness_init(&cur);
	r = eval(p->kids[0], mt->value, mt->where, ec, &cur);
	witness_release(&cur);
	return r == TRI_TRUE;
}

static int eval_count(const struct pred *p, const struct path_matches *m, const char *base, struct eval_ctx *ec,
		      struct witness *w)
{
	struct witness cur;
	json_t *n = NULL;
	size_t i, count = 0;
	int r, rc;

	witness_init(&cur);
	for (i = 0; i < m->n; i++) {
		if (!m->v[i].value)
			continue;
		if (p->nkids) {
			witness_reset(&cur);
			r = eval(p->kids[0], m->v[i].value, m->v[i].where, ec, &cur);
			if (r < 0 || r == TRI_ERROR) {
				if (r == TRI_ERROR)
					witness_move(w, &cur);
				witness_release(&cur);
				return r;
			}
			if (r == TRI_FALSE)
				continue;
		}
		count++;
	}
	witness_release(&cur);
	witness_reset(w);
	join_base(&w->where, base, p->path->text);
	n = json_integer((json_int_t)count);
	w->value = n;
	rc = apply_op(p, n, &w->note);
	/* A failed count says what it counted ("2: /bin/su, /usr/bin/wall"), the first few. */
	if (rc == TRI_FALSE && count && !w->note.len) {
		size_t shown = 0;

		strbuf_addf(&w->note, "%zu:", count);
		for (i = 0; i < m->n && shown < 10; i++) {
			if (!m->v[i].value || (p->nkids && !counted_again(p, &m->v[i], ec)))
				continue;
			strbuf_addstr(&w->note, shown++ ? ", " : " ");
			strbuf_addstr(&w->note, json_is_string(m->v[i].value) ? json_string_value(m->v[i].value) : m->v[i].where);
		}
		if (count > shown)
			strbuf_addf(&w->note, " and %zu more", count - shown);
	}
	return rc;
}

static int eval_call(const struct pred *p, const json_t *node, const char *base, struct eval_ctx *ec,
		     struct witness *w)
{
	json_t *value = NULL;
	int r;

	witness_reset(w);
	r = p->fn->call(node, base ? base : "", p->args, ec, &value, w);
	if (r < 0 || r == TRI_ERROR) {
		json_decref(value);
		return r;
	}
	if (!w->where.len)
		strbuf_addf(&w->where, "%s%s%s()", base && *base ? base : "", base && *base ? "." : "", p->fn->name);
	if (!w->value && value)
		w->value = json_incref(value);
	r = apply_op(p, value ? value : p->dflt, &w->note);
	json_decref(value);
	return r;
}

static int eval(const struct pred *p, const json_t *node, const char *base, struct eval_ctx *ec, struct witness *w)
{
	struct path_matches m = { NULL, 0, 0 };
	struct witness cur, err_w;
	size_t i;
	int r, rc = TRI_TRUE, have_err = 0;

	switch (p->kind) {
	case PK_TEST:
	case PK_SCOPE:
	case PK_COUNT:
		r = path_eval(p->path, node, base, &m);
		if (r == ERR_NOMEM) {
			rc = r;
		} else if (r < 0) {
			witness_reset(w);
			join_base(&w->where, base, p->path->text);
			strbuf_addstr(&w->note, err_last());
			rc = TRI_ERROR;
		} else {
			rc = p->kind == PK_COUNT ? eval_count(p, &m, base, ec, w) : quantify(p, &m, base, ec, w);
		}
		path_matches_release(&m);
		return rc;
	case PK_CALL:
		return eval_call(p, node, base, ec, w);
	case PK_NOT:
		r = eval(p->kids[0], node, base, ec, w);
		return r == TRI_TRUE ? TRI_FALSE : r == TRI_FALSE ? TRI_TRUE : r;
	default:
		break;
	}
	witness_init(&cur);
	witness_init(&err_w);
	for (i = 0; i < p->nkids; i++) {
		witness_reset(&cur);
		r = eval(p->kids[i], node, base, ec, &cur);
		if (r < 0) {
			rc = r;
			goto cleanup;
		}
		if (r == TRI_ERROR) {
			if (!have_err)
				witness_move(&err_w, &cur);
			have_err = 1;
			continue;
		}
		/* all stops at a false, any at a true, none at a true. */
		if ((p->kind == PK_ALL && r == TRI_FALSE) || (p->kind != PK_ALL && r == TRI_TRUE)) {
			witness_move(w, &cur);
			rc = p->kind == PK_NONE ? TRI_FALSE : r;
			goto cleanup;
		}
		/*
		 * A false 'any' reports its last alternative: rules write the exemptions
		 * first and the real requirement last ("not a regular container, or a
		 * memory limit").
		 */
		if (i == 0 || p->kind == PK_ANY)
			witness_move(w, &cur);
	}
	if (have_err) {
		witness_move(w, &err_w);
		rc = TRI_ERROR;
	} else {
		rc = p->kind == PK_ANY ? TRI_FALSE : TRI_TRUE;
	}
cleanup:
	witness_release(&cur);
	witness_release(&err_w);
	return rc;
}

int pred_eval(const struct pred *p, const json_t *node, const char *base, struct eval_ctx *ec, struct witness *w)
{
	return eval(p, node, base ? base : "", ec, w);
}
