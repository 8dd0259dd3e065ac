/* libFuzzer: the gcp export reader and normaliser (connectors/cloud_norm.h), documents built and dumped. */
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "connectors/cloud_norm.h"
#include "core/err.h"
#include "core/jsonx.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct gcp_set *s = NULL;
	struct strbuf out = STRBUF_INIT;
	json_t *docs = NULL;

	if (gcp_set_new(&s) < 0)
		return 0;
	gcp_set_add_text(s, (const char *)data, size, "fuzz");
	/* Marks on whatever the input named, so refused listings are exercised too. */
	gcp_set_mark(s, size > 8 ? "/subscriptions/a/x" : "//storage.googleapis.com/b", "keys", size & 1 ? "403" : NULL);
	if (gcp_set_documents(s, &docs) == 0) {
		jsonx_dump_canonical(&out, docs);
		json_decref(docs);
	}
	strbuf_release(&out);
	gcp_set_free(s);
	err_clear();
	return 0;
}
