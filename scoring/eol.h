/*
 * eol: end-of-life judgements from the table in templates/consolidation/eol.yaml.
 *
 * The table lists products (distributions, Kubernetes and its managed
 * flavours, container runtimes) with their release cycles, the end of
 * standard support and, where there is one, the end of extended support.
 * A judgement is always made against a given day (the engagement's as_of),
 * never the clock.
 */
#ifndef VETTER_EOL_H
#define VETTER_EOL_H

#include <stddef.h>
#include <stdint.h>

#include "core/strbuf.h"

struct eol_table; /* opaque */

struct eol_cycle {
	const char *product;  /* product id ("debian") */
	const char *title;    /* product title ("Debian") */
	const char *cycle;    /* "12" */
	const char *eol;      /* YYYY-MM-DD, or NULL when eol_flag says */
	int eol_flag;         /* when eol is NULL: 1 ended (no date given), 0 no end announced */
	const char *extended; /* YYYY-MM-DD or NULL */
};

enum eol_status {
	EOL_UNKNOWN,   /* product or cycle not in the table */
	EOL_SUPPORTED,
	EOL_SOON,      /* standard support ends within the warning window */
	EOL_EXTENDED,  /* standard support ended; extended support still runs */
	EOL_ENDED,
};

/* "unknown", "supported", "ending-soon", "extended-support-only", "end-of-life". */
const char *eol_status_name(enum eol_status s);

/* Parse the table (YAML) from buf; a bad table is ERR_PARSE naming NAME:LINE:COL. */
int eol_table_parse(struct eol_table **out, const char *buf, size_t len, const char *name);
/* Load templates/consolidation/eol.yaml. */
int eol_table_load(struct eol_table **out, const char *templates);
void eol_table_free(struct eol_table *t);

/* Every cycle of the table, in file order (for the tests). */
size_t eol_table_size(const struct eol_table *t);
const struct eol_cycle *eol_table_at(const struct eol_table *t, size_t i);

/*
 * The cycle of product that version belongs to: the version as written
 * first ("2018.03"), then by the product's cycle rule ("12.4" -> "12",
 * "v1.29.3-eks-1" -> "1.29").  NULL when the table does not know it.
 */
const struct eol_cycle *eol_lookup(const struct eol_table *t, const char *product, const char *version);

/* Product id for an image's os-release ID ("amzn" -> "amazon-linux"), or NULL. */
const char *eol_product_for_os(const struct eol_table *t, const char *os_id);
/* Product id and version for a node's osImage ("Ubuntu 22.04.4 LTS"); NULL when none matches. */
const char *eol_product_for_os_image(const struct eol_table *t, const char *os_image, struct strbuf *version);
/* Product id for a Kubernetes flavour ("upstream", "eks", "aks", "gke") or a runtime ("containerd"). */
const char *eol_product_for_kubernetes(const struct eol_table *t, const char *flavour);
const char *eol_product_for_runtime(const struct eol_table *t, const char *runtime);

/*
 * Judge c on the day as_of (days since 1970-01-01) with a warning window of
 * warn_days.  *until (may be NULL) gets the date that matters for the
 * status: the end of standard support, or of extended support when only
 * that is left; NULL when there is none.
 */
enum eol_status eol_judge(const struct eol_cycle *c, int64_t as_of, long warn_days, const char **until);

#endif
