#include "aws_data.h"

#include <stdlib.h>
#include <string.h>

#include "core/err.h"
#include "core/jsonx.h"

json_t *aws_data_new(void)
{
	return json_pack("{s{s[]s[]}s{}s{}s[]}", "regions", "enabled", "not_enabled", "global", "regional", "errors");
}

static json_t *scope_of(const json_t *ds, const char *region, int create)
{
	json_t *regional, *r;

	if (!region)
		return json_object_get(ds, "global");
	regional = json_object_get(ds, "regional");
	r = json_object_get(regional, region);
	if (!r && create) {
		r = json_object();
		if (!r || json_object_set_new(regional, region, r) < 0)
			return NULL;
	}
	return r;
}

json_t *aws_data_get(const json_t *ds, const char *region, const char *key)
{
	return json_object_get(scope_of(ds, region, 0), key);
}

json_t *aws_data_res(const json_t *ds, const char *region, const char *key, const char *resource)
{
	return json_object_get(aws_data_get(ds, region, key), resource);
}

int aws_data_has(const json_t *ds, const char *region, const char *key, const char *resource)
{
	json_t *v = aws_data_get(ds, region, key);

	if (!v)
		return 0;
	return resource ? json_object_get(v, resource) != NULL : 1;
}

int aws_data_put(json_t *ds, const char *region, const char *key, const char *resource, json_t *value)
{
	json_t *scope = scope_of(ds, region, 1), *per;

	if (!value)
		value = json_null();
	if (!scope) {
		json_decref(value);
		return err_set(ERR_NOMEM, "out of memory");
	}
	if (!resource)
		return json_object_set_new(scope, key, value) < 0 ? err_set(ERR_INVALID, "bad key %s", key) : 0;
	per = json_object_get(scope, key);
	if (!json_is_object(per)) {
		per = json_object();
		if (!per || json_object_set_new(scope, key, per) < 0) {
			json_decref(value);
			return err_set(ERR_NOMEM, "out of memory");
		}
	}
	return json_object_set_new(per, resource, value) < 0 ? err_set(ERR_INVALID, "resource name is not valid UTF-8") : 0;
}

int aws_data_error(json_t *ds, const char *service, const char *action, const char *region, const char *resource,
		   const char *code, const char *message, const char *kind)
{
	json_t *e = json_object();

	if (!e)
		return err_set(ERR_NOMEM, "out of memory");
	jsonx_set_str(e, "service", service);
	jsonx_set_str(e, "action", action);
	jsonx_set_str(e, "region", region ? region : "global");
	jsonx_set_str(e, "resource", resource);
	jsonx_set_str(e, "code", code && *code ? code : NULL);
	jsonx_set_str(e, "message", message);
	jsonx_set_str(e, "kind", kind);
	return json_array_append_new(json_object_get(ds, "errors"), e) < 0 ? err_set(ERR_NOMEM, "out of memory") : 0;
}

static int str_cmp(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

size_t aws_data_regions(const json_t *ds, const char **names, size_t max)
{
	const char *key;
	json_t *v;
	size_t n = 0;

	json_object_foreach(json_object_get(ds, "regional"), key, v) {
		if (n < max)
			names[n++] = key;
	}
	qsort(names, n, sizeof(*names), str_cmp);
	return n;
}
