#include "aws_resp.h"

#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libxml/parser.h>
#include <libxml/tree.h>

#include "aws_model.h"
#include "core/err.h"
#include "core/jsonx.h"
#include "core/util.h"

#define XML_MAX_DEPTH 64
#define XML_MAX_TEXT ((size_t)16 << 20)

static pthread_once_t xml_once = PTHREAD_ONCE_INIT;

static void xml_init(void)
{
	xmlInitParser();
}

/* Refuse what AWS never sends and what entity attacks need: a DTD, NUL bytes (UTF-16 and friends). */
static int xml_precheck(const char *body, size_t len)
{
	if (len > AWS_RESP_MAX_BODY)
		return err_set(ERR_LIMIT, "XML response larger than %zu bytes", AWS_RESP_MAX_BODY);
	if (memchr(body, 0, len))
		return err_set(ERR_PARSE, "XML response with NUL bytes (only UTF-8 is read)");
	if (util_memmem(body, len, "<!DOCTYPE", 9) || util_memmem(body, len, "<!ENTITY", 8))
		return err_set(ERR_PARSE, "XML response with a document type declaration refused (entities are never expanded)");
	return 0;
}

static int xml_parse(const char *body, size_t len, xmlDoc **out)
{
	xmlDoc *doc;
	int rc;

	if ((rc = xml_precheck(body, len)) < 0)
		return rc;
	if (len > (size_t)0x7fffffff)
		return err_set(ERR_LIMIT, "XML response too large");
	pthread_once(&xml_once, xml_init);
	doc = xmlReadMemory(body, (int)len, "response.xml", "UTF-8", XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	if (!doc) {
		const xmlError *e = xmlGetLastError();

		return err_set(ERR_PARSE, "malformed XML response%s%.200s", e && e->message ? ": " : "",
			       e && e->message ? e->message : "");
	}
	if (doc->intSubset || doc->extSubset || !xmlDocGetRootElement(doc)) {
		xmlFreeDoc(doc);
		return err_set(ERR_PARSE, "XML response with a DTD or without a root element refused");
	}
	*out = doc;
	return 0;
}

static const char *local_name(const xmlNode *n)
{
	return (const char *)n->name;
}

/* The text directly inside an element; an entity reference is an error, never expanded. */
static int node_text(const xmlNode *el, struct strbuf *out)
{
	const xmlNode *c;
	int rc;

	for (c = el->children; c; c = c->next) {
		if (c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE) {
			if (c->content && (rc = strbuf_addstr(out, (const char *)c->content)) < 0)
				return rc;
		} else if (c->type == XML_ENTITY_REF_NODE || c->type == XML_ENTITY_NODE) {
			return err_set(ERR_PARSE, "<%.80s>: entity reference refused", local_name(el));
		}
	}
	return 0;
}

static const json_t *shape(const char *ref)
{
	return json_object_get(json_object_get(aws_model(), "shapes"), ref);
}

static int conv(const char *ref, const xmlNode *node, int depth, json_t **out);

static int conv_scalar(char type, const xmlNode *node, json_t **out)
{
	struct strbuf text = STRBUF_INIT;
	const char *s;
	char *end;
	int rc;

	strbuf_init(&text, XML_MAX_TEXT);
	if ((rc = node_text(node, &text)) < 0)
		goto cleanup;
	s = text.buf;
	switch (type) {
	case 'b':
		*out = json_boolean(!strcmp(s, "true"));
		break;
	case 'i': {
		long long v;

		errno = 0;
		v = strtoll(s, &end, 10);
		while (*end == ' ' || *end == '\n' || *end == '\t' || *end == '\r')
			end++;
		if (end == s || *end || errno) {
			rc = err_set(ERR_PARSE, "<%.80s>: '%.40s' is not an integer", local_name(node), s);
			goto cleanup;
		}
		*out = json_integer(v);
		break;
	}
	case 'f': {
		double v;

		v = strtod(s, &end);
		while (*end == ' ' || *end == '\n' || *end == '\t' || *end == '\r')
			end++;
		if (end == s || *end || !isfinite(v)) {
			rc = err_set(ERR_PARSE, "<%.80s>: '%.40s' is not a number", local_name(node), s);
			goto cleanup;
		}
		*out = json_real(v);
		break;
	}
	default:
		*out = json_stringn(text.buf, text.len);
		if (!*out) {
			rc = err_set(ERR_PARSE, "<%.80s>: text that is not valid UTF-8", local_name(node));
			goto cleanup;
		}
		break;
	}
	if (!*out)
		rc = err_set(ERR_NOMEM, "out of memory");
cleanup:
	strbuf_release(&text);
	return rc;
}

static int conv_list_items(const char *item_ref, const xmlNode *const *items, size_t n, int depth, json_t **out)
{
	json_t *arr = json_array(), *v;
	size_t i;
	int rc;

	if (!arr)
		return err_set(ERR_NOMEM, "out of memory");
	for (i = 0; i < n; i++) {
		if ((rc = conv(item_ref, items[i], depth + 1, &v)) < 0) {
			json_decref(arr);
			return rc;
		}
		if (json_array_append_new(arr, v) < 0) {
			json_decref(arr);
			return err_set(ERR_NOMEM, "out of memory");
		}
	}
	*out = arr;
	return 0;
}

/* A map from its entries (each holding a key and a value element). */
static int conv_map_entries(const json_t *sh, const xmlNode *const *entries, size_t n, int depth, json_t **out)
{
	const json_t *kv = json_object_get(sh, "M");
	const char *kname = jsonx_strz(sh, "k"), *vname = jsonx_strz(sh, "v");
	const char *vref = json_string_value(json_array_get(kv, 1));
	json_t *obj = json_object(), *val;
	struct strbuf key = STRBUF_INIT;
	const xmlNode *c, *kn, *vn;
	size_t i;
	int rc = 0;

	if (!obj)
		return err_set(ERR_NOMEM, "out of memory");
	for (i = 0; i < n && rc == 0; i++) {
		kn = vn = NULL;
		for (c = entries[i]->children; c; c = c->next) {
			if (c->type != XML_ELEMENT_NODE)
				continue;
			if (!strcmp(local_name(c), kname))
				kn = c;
			else if (!strcmp(local_name(c), vname))
				vn = c;
		}
		if (!kn || !vn)
			continue;
		strbuf_reset(&key);
		if ((rc = node_text(kn, &key)) < 0 || (rc = conv(vref, vn, depth + 1, &val)) < 0)
			break;
		if (json_object_set_new(obj, key.buf, val) < 0)
			rc = err_set(ERR_PARSE, "map key that is not valid UTF-8");
	}
	strbuf_release(&key);
	if (rc < 0) {
		json_decref(obj);
		return rc;
	}
	*out = obj;
	return 0;
}

/* Element children of node called name, at most max of them. */
static size_t children_named(const xmlNode *node, const char *name, const xmlNode **found, size_t max, size_t *total)
{
	const xmlNode *c;
	size_t n = 0;

	*total = 0;
	for (c = node->children; c; c = c->next) {
		if (c->type != XML_ELEMENT_NODE || (name && strcmp(local_name(c), name)))
			continue;
		if (n < max)
			found[n++] = c;
		(*total)++;
	}
	return n;
}

#define XML_MAX_ITEMS 100000

static int collect_children(const xmlNode *node, const char *name, const xmlNode ***items, size_t *n)
{
	size_t total;

	children_named(node, name, NULL, 0, &total);
	if (total > XML_MAX_ITEMS)
		return err_set(ERR_LIMIT, "<%.80s>: more than %d items", local_name(node), XML_MAX_ITEMS);
	*items = calloc(total ? total : 1, sizeof(**items));
	if (!*items)
		return err_set(ERR_NOMEM, "out of memory");
	*n = children_named(node, name, *items, total, &total);
	return 0;
}

static const char *attr_value(const xmlNode *node, const char *xml_name, xmlChar **free_me)
{
	const char *colon = strchr(xml_name, ':');
	const char *local = colon ? colon + 1 : xml_name;
	const xmlAttr *a;

	for (a = node->properties; a; a = a->next) {
		if (!strcmp((const char *)a->name, local)) {
			*free_me = xmlNodeGetContent((const xmlNode *)a);
			return (const char *)*free_me;
		}
	}
	return NULL;
}

static int conv_struct(const json_t *sh, const xmlNode *node, int depth, json_t **out)
{
	const json_t *members = json_object_get(sh, "S"), *m;
	json_t *obj = json_object(), *v;
	size_t i;
	int rc = 0;

	if (!obj)
		return err_set(ERR_NOMEM, "out of memory");
	json_array_foreach(members, i, m) {
		const char *name = json_string_value(json_array_get(m, 0));
		const char *ref = json_string_value(json_array_get(m, 1));
		const char *xml = json_string_value(json_array_get(m, 2));
		const json_t *msh = ref && ref[1] ? shape(ref) : NULL;
		const xmlNode **items = NULL;
		size_t n = 0;

		if (!name || !ref || !xml)
			continue;
		v = NULL;
		if (json_array_size(m) > 3) {
			xmlChar *val = NULL;
			const char *s = attr_value(node, xml, &val);

			if (s && !(v = json_string(s)))
				rc = err_set(ERR_PARSE, "attribute %.80s: not valid UTF-8", xml);
			xmlFree(val);
		} else if ((rc = collect_children(node, xml, &items, &n)) == 0 && n) {
			if (msh && json_object_get(msh, "f") && json_object_get(msh, "L"))
				rc = conv_list_items(json_string_value(json_object_get(msh, "L")), items, n, depth, &v);
			else if (msh && json_object_get(msh, "f") && json_object_get(msh, "M"))
				rc = conv_map_entries(msh, items, n, depth, &v);
			else
				rc = conv(ref, items[0], depth + 1, &v);
		}
		free(items);
		if (rc < 0)
			break;
		if (v && json_object_set_new(obj, name, v) < 0) {
			rc = err_set(ERR_NOMEM, "out of memory");
			break;
		}
	}
	if (rc < 0) {
		json_decref(obj);
		return rc;
	}
	*out = obj;
	return 0;
}

static int conv(const char *ref, const xmlNode *node, int depth, json_t **out)
{
	const json_t *sh;
	const xmlNode **items = NULL;
	size_t n = 0;
	int rc;

	if (depth > XML_MAX_DEPTH)
		return err_set(ERR_LIMIT, "XML nested deeper than %d levels", XML_MAX_DEPTH);
	if (!ref[0] || !ref[1])
		return conv_scalar(ref[0], node, out);
	if (!(sh = shape(ref)))
		return err_set(ERR_FAIL, "model: no shape %s", ref);
	if (json_object_get(sh, "S"))
		return conv_struct(sh, node, depth, out);
	if ((rc = collect_children(node, NULL, &items, &n)) < 0)
		return rc;
	if (json_object_get(sh, "L"))
		rc = conv_list_items(json_string_value(json_object_get(sh, "L")), items, n, depth, out);
	else
		rc = conv_map_entries(sh, items, n, depth, out);
	free(items);
	return rc;
}

static const xmlNode *child_named(const xmlNode *node, const char *name)
{
	const xmlNode *c;

	for (c = node->children; c; c = c->next)
		if (c->type == XML_ELEMENT_NODE && !strcmp(local_name(c), name))
			return c;
	return NULL;
}

static int payload_member(const json_t *op, const char **ref)
{
	const json_t *out = shape(jsonx_strz(op, "out")), *m;
	const char *payload = jsonx_strz(op, "payload");
	size_t i;

	json_array_foreach(json_object_get(out, "S"), i, m) {
		if (!strcmp(json_string_value(json_array_get(m, 0)), payload)) {
			*ref = json_string_value(json_array_get(m, 1));
			return 0;
		}
	}
	return err_set(ERR_FAIL, "model: payload member %s missing", payload);
}

int aws_resp_xml(const char *service, const char *action, const char *body, size_t len, json_t **out)
{
	const json_t *op = aws_model_op(service, action);
	const char *wrap, *ptype, *ref = NULL;
	const xmlNode *root, *start;
	struct strbuf text = STRBUF_INIT;
	xmlDoc *doc = NULL;
	json_t *v = NULL;
	int rc;

	*out = NULL;
	if (!op)
		return err_set(ERR_UNSUPPORTED, "%s:%s has no XML response model", service, action);
	ptype = jsonx_str(op, "payload_type");
	if (ptype && (!strcmp(ptype, "string") || !strcmp(ptype, "blob"))) {
		/* The body is the value (a bucket policy is JSON text). */
		if (!(v = json_stringn(body, len)))
			return err_set(ERR_PARSE, "%s:%s: response body is not valid UTF-8", service, action);
		*out = json_pack("{so}", jsonx_strz(op, "payload"), v);
		return *out ? 0 : err_set(ERR_NOMEM, "out of memory");
	}
	if (!jsonx_str(op, "out")) {
		*out = json_object();
		return *out ? 0 : err_set(ERR_NOMEM, "out of memory");
	}
	if ((rc = xml_parse(body, len, &doc)) < 0)
		return err_prefix(rc, "%s:%s", service, action);
	root = xmlDocGetRootElement(doc);
	if (jsonx_str(op, "root_text")) {
		strbuf_init(&text, XML_MAX_TEXT);
		if ((rc = node_text(root, &text)) < 0)
			goto cleanup;
		if (!(v = json_stringn(text.buf, text.len))) {
			rc = err_set(ERR_PARSE, "%s:%s: text is not valid UTF-8", service, action);
			goto cleanup;
		}
		*out = json_pack("{so}", jsonx_strz(op, "root_text"), v);
		rc = *out ? 0 : err_set(ERR_NOMEM, "out of memory");
		goto cleanup;
	}
	if (ptype) {
		if ((rc = payload_member(op, &ref)) < 0 || (rc = conv(ref, root, 0, &v)) < 0)
			goto cleanup;
		*out = json_pack("{so}", jsonx_strz(op, "payload"), v);
		rc = *out ? 0 : err_set(ERR_NOMEM, "out of memory");
		goto cleanup;
	}
	start = root;
	if ((wrap = jsonx_str(op, "wrap")) && !(start = child_named(root, wrap))) {
		rc = err_set(ERR_PARSE, "%s:%s: the response has no <%s>", service, action, wrap);
		goto cleanup;
	}
	rc = conv(jsonx_strz(op, "out"), start, 0, out);
cleanup:
	if (rc < 0)
		err_prefix(rc, "%s:%s", service, action);
	strbuf_release(&text);
	xmlFreeDoc(doc);
	return rc;
}

int aws_resp_json(const char *body, size_t len, json_t **out)
{
	size_t i = 0;
	int rc;

	*out = NULL;
	while (i < len && (body[i] == ' ' || body[i] == '\n' || body[i] == '\r' || body[i] == '\t'))
		i++;
	if (i == len) {
		*out = json_object();
		return *out ? 0 : err_set(ERR_NOMEM, "out of memory");
	}
	if (len > AWS_RESP_MAX_BODY)
		return err_set(ERR_LIMIT, "JSON response larger than %zu bytes", AWS_RESP_MAX_BODY);
	if ((rc = jsonx_parse(body, len, "response", out)) < 0)
		return rc;
	if (!json_is_object(*out)) {
		json_decref(*out);
		*out = NULL;
		return err_set(ERR_PARSE, "JSON response is not an object");
	}
	return 0;
}

int aws_resp_epoch_iso(double epoch, struct strbuf *out)
{
	double whole = floor(epoch);
	long micro = lround((epoch - whole) * 1e6);
	time_t t;
	struct tm tm;
	char buf[40];

	if (!isfinite(epoch) || epoch < -62135596800.0 || epoch > 253402300799.0)
		return err_set(ERR_PARSE, "timestamp %g out of range", epoch);
	if (micro >= 1000000) {
		whole += 1;
		micro = 0;
	}
	t = (time_t)whole;
	gmtime_r(&t, &tm);
	strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%S", &tm);
	if (micro)
		return strbuf_addf(out, "%s.%06ld+00:00", buf, micro);
	return strbuf_addf(out, "%s+00:00", buf);
}

static int cli_conv(const char *ref, json_t *v, int depth, json_t **out)
{
	const json_t *sh, *m;
	json_t *o, *x, *c;
	const char *key;
	size_t i;
	int rc = 0;

	*out = NULL;
	if (depth > XML_MAX_DEPTH)
		return err_set(ERR_LIMIT, "JSON nested deeper than %d levels", XML_MAX_DEPTH);
	if (ref[0] == 't' && !ref[1] && json_is_number(v)) {
		struct strbuf s = STRBUF_INIT;

		if ((rc = aws_resp_epoch_iso(json_number_value(v), &s)) == 0 && !(*out = json_string(s.buf)))
			rc = err_set(ERR_NOMEM, "out of memory");
		strbuf_release(&s);
		return rc;
	}
	sh = ref[1] ? shape(ref) : NULL;
	if (sh && json_object_get(sh, "S") && json_is_object(v)) {
		if (!(o = json_object()))
			return err_set(ERR_NOMEM, "out of memory");
		json_array_foreach(json_object_get(sh, "S"), i, m) {
			const char *name = json_string_value(json_array_get(m, 0));
			const char *mref = json_string_value(json_array_get(m, 1));
			const char *wname = json_string_value(json_array_get(m, 2));

			if (!name || !mref || !wname || !(x = json_object_get(v, wname)))
				continue;
			if ((rc = cli_conv(mref, x, depth + 1, &c)) < 0 || json_object_set_new(o, name, c) < 0) {
				json_decref(o);
				return rc < 0 ? rc : err_set(ERR_NOMEM, "out of memory");
			}
		}
		*out = o;
		return 0;
	}
	if (sh && json_object_get(sh, "L") && json_is_array(v)) {
		if (!(o = json_array()))
			return err_set(ERR_NOMEM, "out of memory");
		json_array_foreach(v, i, x) {
			if ((rc = cli_conv(jsonx_strz(sh, "L"), x, depth + 1, &c)) < 0 || json_array_append_new(o, c) < 0) {
				json_decref(o);
				return rc < 0 ? rc : err_set(ERR_NOMEM, "out of memory");
			}
		}
		*out = o;
		return 0;
	}
	if (sh && json_object_get(sh, "M") && json_is_object(v)) {
		const char *vref = json_string_value(json_array_get(json_object_get(sh, "M"), 1));

		if (!(o = json_object()))
			return err_set(ERR_NOMEM, "out of memory");
		json_object_foreach(v, key, x) {
			if ((rc = cli_conv(vref ? vref : "*", x, depth + 1, &c)) < 0 || json_object_set_new(o, key, c) < 0) {
				json_decref(o);
				return rc < 0 ? rc : err_set(ERR_NOMEM, "out of memory");
			}
		}
		*out = o;
		return 0;
	}
	/* Copied as it comes ("*", scalars, or a value not of the modelled type). */
	*out = json_incref(v);
	return 0;
}

int aws_resp_cli_json(const char *service, const char *action, json_t *wire, json_t **out)
{
	const json_t *op = aws_model_op(service, action);
	const char *ref = jsonx_str(op, "out");

	if (!ref) {
		*out = json_incref(wire);
		return 0;
	}
	return cli_conv(ref, wire, 0, out);
}

/* "aws.protocoltests#AccessDenied:http://..." -> "AccessDenied" */
static int add_code(struct strbuf *code, const char *s)
{
	const char *hash = strrchr(s, '#'), *end;

	if (hash)
		s = hash + 1;
	end = s + strcspn(s, ":");
	return strbuf_add(code, s, (size_t)(end - s) > 200 ? 200 : (size_t)(end - s));
}

static const xmlNode *find_element(const xmlNode *node, const char *name, int depth)
{
	const xmlNode *c, *f;

	if (depth > 8)
		return NULL;
	for (c = node; c; c = c->next) {
		if (c->type != XML_ELEMENT_NODE)
			continue;
		if (!strcmp(local_name(c), name))
			return c;
		if ((f = find_element(c->children, name, depth + 1)))
			return f;
	}
	return NULL;
}

int aws_resp_error(const char *error_type, const char *body, size_t len, struct strbuf *code, struct strbuf *message)
{
	size_t i = 0;
	int rc = 0;

	while (i < len && (body[i] == ' ' || body[i] == '\n' || body[i] == '\r' || body[i] == '\t'))
		i++;
	if (error_type && *error_type && (rc = add_code(code, error_type)) < 0)
		return rc;
	if (i < len && body[i] == '<') {
		xmlDoc *doc = NULL;
		const xmlNode *c, *m;

		if (xml_parse(body, len, &doc) < 0)
			return 0; /* an unreadable error body: the status says enough */
		c = find_element(xmlDocGetRootElement(doc), "Code", 0);
		if (c && !code->len)
			rc = node_text(c, code);
		m = c ? child_named(c->parent, "Message") : NULL;
		if (rc == 0 && m)
			rc = node_text(m, message);
		xmlFreeDoc(doc);
	} else if (i < len && body[i] == '{') {
		json_t *j = NULL;
		const char *t, *msg;

		if (jsonx_parse(body, len, "error", &j) < 0)
			return 0;
		t = jsonx_str(j, "__type");
		if (!t)
			t = jsonx_str(j, "code");
		if (!t)
			t = jsonx_str(j, "Code");
		if (t && !code->len)
			rc = add_code(code, t);
		msg = jsonx_str(j, "message");
		if (!msg)
			msg = jsonx_str(j, "Message");
		if (rc == 0 && msg)
			rc = strbuf_add(message, msg, strlen(msg) > 1000 ? 1000 : strlen(msg));
		json_decref(j);
	}
	err_clear();
	return rc;
}
