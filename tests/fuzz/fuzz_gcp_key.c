/* libFuzzer: the service-account key reader and, for keys that parse, the JWT signer (connectors/gcp_auth.h). */
#include <stddef.h>
#include <stdint.h>

#include "connectors/gcp_auth.h"
#include "core/err.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct gcp_key k;
	struct strbuf jwt = STRBUF_INIT;

	if (gcp_key_parse((const char *)data, size, "fuzz", &k) == 0) {
		gcp_jwt(&k, GCP_TOKEN_URI, 1767225600, &jwt);
		gcp_key_release(&k);
	}
	strbuf_release(&jwt);
	err_clear();
	return 0;
}
