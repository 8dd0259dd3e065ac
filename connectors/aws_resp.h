/*
 * aws_resp: readers of AWS response bodies, hostile input in mind.
 *
 * XML (query, ec2 and rest-xml protocols) is read with libxml2 with no
 * network access, and a document that declares a DTD is refused before it
 * is parsed: AWS never sends one, and a DTD is how entity expansion and
 * external entities get in.  The model (aws_model.h) turns the XML into the
 * JSON the AWS CLI prints for the same call, so that live responses and
 * offline exports look alike.  JSON bodies (json and rest-json protocols)
 * already have that shape.
 *
 * Errors are read from whichever form a service answers in: the XML
 * <Error><Code> of query, ec2 and S3, the JSON "__type" or "code" member,
 * or the x-amzn-ErrorType header.
 */
#ifndef VETTER_AWS_RESP_H
#define VETTER_AWS_RESP_H

#include <stddef.h>

#include <jansson.h>

#include "core/strbuf.h"

/* The largest response body read (bounded before parsing too). */
#define AWS_RESP_MAX_BODY ((size_t)64 << 20)

/*
 * Read an XML response of service:action into *out (the CLI's JSON shape).
 * ERR_UNSUPPORTED when the model has no such operation; ERR_PARSE for
 * malformed XML, a DTD, or a value that does not fit its type.
 */
int aws_resp_xml(const char *service, const char *action, const char *body, size_t len, json_t **out);

/* Read a JSON response body into *out; an empty body is {}. */
int aws_resp_json(const char *body, size_t len, json_t **out);

/*
 * The CLI's form of a JSON-protocol response of service:action: members
 * renamed from their wire names (GuardDuty's camelCase), epoch timestamps
 * as ISO 8601.  Operations without a model entry are copied as they are.
 */
int aws_resp_cli_json(const char *service, const char *action, json_t *wire, json_t **out);

/* Epoch seconds as the CLI prints a timestamp: 2019-07-08T14:52:53[.123000]+00:00. */
int aws_resp_epoch_iso(double epoch, struct strbuf *out);

/*
 * The error code and message of an error response.  error_type is the
 * x-amzn-ErrorType header's value or NULL.  code gets "" when none is found.
 */
int aws_resp_error(const char *error_type, const char *body, size_t len, struct strbuf *code, struct strbuf *message);

#endif
