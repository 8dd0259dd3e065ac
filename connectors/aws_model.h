/*
 * aws_model: the response shapes of the XML-protocol calls, generated from
 * botocore's service models by scripts/gen_aws_model.py (aws_model_data.c).
 *
 * The model is a JSON document: "ops" maps "service:Action" to its output
 * shape ("out"), the element the result is wrapped in ("wrap", query
 * protocol), a payload member ("payload", "payload_type", rest-xml) and
 * "protocol"; "shapes" maps "service:Shape" to a structure {"S": [[member,
 * ref, xml name(, "@" for an attribute)]...]}, a list {"L": ref, "f": 1 when
 * flattened} or a map {"M": [kref, vref], "k", "v", "f"}.  A ref is a shape
 * key or a scalar letter: s string, i integer, f float, b boolean,
 * t timestamp (kept as sent), B blob (kept as base64 text).
 */
#ifndef VETTER_AWS_MODEL_H
#define VETTER_AWS_MODEL_H

#include <jansson.h>

extern const char aws_model_json[];

/* The parsed model (parsed once, thread-safe); borrowed.  NULL only when out of memory. */
const json_t *aws_model(void);
/* The entry of service:action, or NULL when the model has none. */
const json_t *aws_model_op(const char *service, const char *action);

#endif
