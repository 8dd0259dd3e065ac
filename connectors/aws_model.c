#include "aws_model.h"

#include <pthread.h>
#include <stdio.h>
#include <string.h>

static json_t *model;
static pthread_once_t model_once = PTHREAD_ONCE_INIT;

static void model_load(void)
{
	model = json_loads(aws_model_json, 0, NULL);
}

const json_t *aws_model(void)
{
	pthread_once(&model_once, model_load);
	return model;
}

const json_t *aws_model_op(const char *service, const char *action)
{
	char key[160];
	const json_t *m = aws_model();

	if (!m || snprintf(key, sizeof(key), "%s:%s", service, action) >= (int)sizeof(key))
		return NULL;
	return json_object_get(json_object_get(m, "ops"), key);
}
