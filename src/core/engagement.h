/*
 * engagement: the engagement file, loaded and checked completely before any
 * work starts.
 *
 * The engagement file (YAML or JSON) names the deal, its as_of date, the
 * companies and their sources.  engagement_load() refuses a bad file with one
 * message naming file, line, column and what was expected; nothing is written
 * anywhere before it succeeds.  Credentials appear in the file only as
 * references ("env:VAR", "file:PATH"); their values are read when a connector
 * asks for them, registered for scrubbing, and never stored.
 *
 * Source types are not known here: the caller passes a lookup that tells,
 * for a type name, whether it is live (needs an authorization block) and
 * which extra keys it takes.
 */
#ifndef VETTER_ENGAGEMENT_H
#define VETTER_ENGAGEMENT_H

#include <stddef.h>

#include <jansson.h>

#include "schema.h"
#include "strbuf.h"
#include "util.h"

struct source_type_info {
	const char *type;
	int live;                          /* reaches a live system */
	const struct schema_field *keys;   /* keys beyond the generic ones */
	const char *summary;               /* one line for help and docs */
};

typedef const struct source_type_info *(*source_type_lookup)(const char *type);

struct authorization {
	const char *by, *scope, *date, *reference; /* borrowed from the document */
};

struct company;

struct source {
	char *id;             /* unique in the engagement */
	const char *type;     /* borrowed */
	const char *name;     /* label, borrowed; may be NULL */
	const struct source_type_info *info;
	const struct company *company;
	json_t *doc;          /* the source's mapping as written (borrowed) */
	struct authorization auth;
	int has_auth;
	int tls_verify;       /* 1 unless the file turns it off for this source */
	int allow_exec;       /* credential plugins and helpers may run */
	size_t index;         /* position within its company */
};

struct company {
	const char *id, *name, *role; /* borrowed */
	struct source *sources;
	size_t nsources;
	json_t *doc;
};

struct engagement {
	char *file;           /* as given */
	char *dir;            /* the engagement folder (absolute) */
	char *state_dir;      /* store and evidence */
	const char *name, *client, *currency, *marking;
	struct util_date as_of;
	char as_of_text[11];
	struct company *companies;
	size_t ncompanies;
	json_t *doc;
	char digest[65];      /* SHA-256 of the file's bytes */
	const char *evidence_key_ref; /* NULL: evidence kept unencrypted */
};

/* Load and check path.  ERR_USAGE (message set) for any problem in the file. */
int engagement_load(struct engagement **out, const char *path, source_type_lookup lookup);
void engagement_free(struct engagement *eng);

/* Resolve a path written in the engagement file (relative to its folder). */
int engagement_path(const struct engagement *eng, const char *rel, struct strbuf *out);

/* Read the value of a credential reference; the value is registered for scrubbing. */
int engagement_secret(const struct engagement *eng, const char *ref, struct strbuf *out);
/* The credential named name in a source's "credentials" block; ERR_NOTFOUND when absent. */
int engagement_credential(const struct engagement *eng, const struct source *src, const char *name,
			  struct strbuf *out);

const struct company *engagement_company(const struct engagement *eng, const char *id);
const struct source *engagement_source(const struct engagement *eng, const char *id);

/* Keys every source takes, whatever its type (for docs and tests). */
extern const struct schema_field engagement_source_keys[];

#endif
