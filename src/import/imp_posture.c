/*
 * Posture checks: Prowler's OCSF JSON (an array of Detection Finding
 * objects, class_uid 2004, or Compliance Finding 2003 in older releases)
 * and kube-bench's JSON.  Failed checks become misconfiguration findings on
 * the resource (Prowler) or the cluster (kube-bench); passed ones are
 * counted.
 */
#include <ctype.h>
#include <string.h>

#include "core/err.h"
#include "core/jsonx.h"
#include "import.h"

static int prowler_detect(const json_t *doc)
{
	const json_t *first = json_array_get(doc, 0);
	const char *p = jsonx_str(json_object_get(json_object_get(first, "metadata"), "product"), "name");

	/* Prowler 3's own JSON (CheckID, Status) is detected to be refused by name. */
	return json_is_array(doc) && ((p && !strcmp(p, "Prowler") && json_object_get(first, "class_uid")) ||
				      (json_object_get(first, "CheckID") && json_object_get(first, "Provider")));
}

/*
 * A cloud account's asset, keyed as the connectors key it so a report's findings land on the account a
 * live read or an export collected: aws:account:ID, azure.subscription:/subscriptions/ID (lower-cased,
 * ARM ids being case-insensitive); any other provider as Prowler names it, PROVIDER:ACCOUNT.
 */
static void account_key(struct strbuf *key, const char **kind, const json_t *f)
{
	const json_t *cloud = json_object_get(f, "cloud");
	const char *prov = imp_str(cloud, "provider"), *acct = imp_str(json_object_get(cloud, "account"), "uid");
	size_t from;

	*kind = "cloud-account";
	if (prov && !strcmp(prov, "aws")) {
		strbuf_addf(key, "aws:account:%s", acct ? acct : "unknown");
	} else if (prov && !strcmp(prov, "azure")) {
		*kind = "azure.subscription";
		strbuf_addstr(key, "azure.subscription:/subscriptions/");
		from = key->len;
		strbuf_addstr(key, acct ? acct : "unknown");
		for (; from < key->len; from++)
			key->buf[from] = (char)tolower((unsigned char)key->buf[from]);
	} else {
		strbuf_addf(key, "%s:%s", prov ? prov : "cloud", acct ? acct : "unknown");
	}
}

static int prowler_read(const json_t *doc, const char *file, const struct import_opts *o, struct import_result *r)
{
	struct strbuf key = STRBUF_INIT, comp = STRBUF_INIT;
	json_t *f, *out;
	size_t i;
	const char *akind;
	int rc = 0;

	if (json_array_size(doc) > IMPORT_MAX_ITEMS)
		return err_set(ERR_LIMIT, "%s: more than %d findings", file, IMPORT_MAX_ITEMS);
	if (json_object_get(json_array_get(doc, 0), "CheckID"))
		return err_set(ERR_UNSUPPORTED, "%s: Prowler's JSON (version 3) output: vetter reads the OCSF output "
						"(prowler --output-formats json-ocsf)", file);
	r->tool_version = imp_str(json_object_get(json_object_get(json_array_get(doc, 0), "metadata"), "product"), "version");
	json_array_foreach(doc, i, f) {
		const json_t *info = json_object_get(f, "finding_info"), *res0 = json_array_get(json_object_get(f, "resources"), 0);
		const char *status = imp_str(f, "status_code"), *check = imp_str(json_object_get(f, "metadata"), "event_code");
		long long cls = jsonx_int(f, "class_uid", 0);

		imp_count(r, "read");
		if (!json_is_object(f) || (cls != 2003 && cls != 2004)) {
			rc = err_set(ERR_PARSE, "%s: [%zu]: expected an OCSF finding (class_uid 2003 or 2004)", file, i);
			break;
		}
		if (!status) {
			rc = err_set(ERR_PARSE, "%s: [%zu].status_code: expected PASS, FAIL or MANUAL", file, i);
			break;
		}
		if (strcmp(status, "FAIL")) {
			imp_count(r, "passed");
			continue;
		}
		strbuf_reset(&key);
		strbuf_reset(&comp);
		account_key(&key, &akind, f);
		strbuf_addstr(&comp, imp_str(res0, "uid") ? imp_str(res0, "uid") : (imp_str(res0, "name") ? imp_str(res0, "name") : ""));
		if (!(out = imp_add_finding(r, "misconfiguration", check ? check : imp_str(info, "uid"), imp_str(info, "title"),
					    imp_severity(imp_str(f, "severity")), akind, key.buf, NULL, comp.buf))) {
			rc = ERR_NOMEM;
			break;
		}
		jsonx_set_str(out, "description", imp_str(f, "status_detail") ? imp_str(f, "status_detail") : imp_str(info, "desc"));
		jsonx_set_str(out, "fix", imp_str(json_object_get(f, "remediation"), "desc"));
		json_object_set_new(out, "resource", json_pack("{s:s?, s:s?, s:s?}", "type", imp_str(res0, "type"), "region",
							       imp_str(res0, "region"), "name", imp_str(res0, "name")));
	}
	strbuf_release(&key);
	strbuf_release(&comp);
	return rc;
}

/* kube-bench writes {"Controls": [...], "Totals": ...} (0.6 on) or the bare array of controls (before). */
static const json_t *kb_controls(const json_t *doc)
{
	const json_t *c = json_is_array(doc) ? doc : json_object_get(doc, "Controls");
	const json_t *first = json_array_get(c, 0);

	return json_is_array(c) && json_object_get(first, "tests") && json_object_get(first, "node_type") ? c : NULL;
}

static int kb_detect(const json_t *doc)
{
	return kb_controls(doc) != NULL;
}

static int kb_read(const json_t *doc, const char *file, const struct import_opts *o, struct import_result *r)
{
	const json_t *controls = kb_controls(doc), *c, *t, *res;
	const char *cluster = o && o->cluster ? o->cluster : "kube-bench";
	size_t i, j, k;

	if (json_array_size(controls) > 1000)
		return err_set(ERR_LIMIT, "%s: more than 1000 controls", file);
	r->tool_version = imp_str(json_array_get(controls, 0), "version");
	json_array_foreach(controls, i, c) {
		const json_t *tests = json_object_get(c, "tests");
		const char *node = imp_str(c, "node_type");

		if (!json_is_array(tests))
			return err_set(ERR_PARSE, "%s: Controls[%zu].tests: expected a list", file, i);
		json_array_foreach(tests, j, t) {
			const json_t *results = json_object_get(t, "results");

			if (!json_is_array(results) && !json_is_null(results) && results)
				return err_set(ERR_PARSE, "%s: Controls[%zu].tests[%zu].results: expected a list", file, i, j);
			json_array_foreach(results, k, res) {
				const char *num = imp_str(res, "test_number"), *st = imp_str(res, "status");
				struct strbuf rule = STRBUF_INIT;
				json_t *f;

				imp_count(r, "read");
				if (!num || !st)
					return err_set(ERR_PARSE, "%s: Controls[%zu].tests[%zu].results[%zu]: expected test_number and status",
						       file, i, j, k);
				if (strcmp(st, "FAIL") && strcmp(st, "WARN")) {
					imp_count(r, "passed");
					continue;
				}
				strbuf_addf(&rule, "CIS-K8S-%s", num);
				/* WARN is a check kube-bench cannot decide (manual): worth a look, not a failure. */
				f = imp_add_finding(r, "misconfiguration", rule.buf, imp_str(res, "test_desc"),
						    !strcmp(st, "FAIL") ? (jsonx_bool(res, "scored", 1) ? "medium" : "low") : "info",
						    "cluster", cluster, NULL, node ? node : "");
				strbuf_release(&rule);
				if (!f)
					return ERR_NOMEM;
				jsonx_set_str(f, "fix", imp_str(res, "remediation"));
				jsonx_set_str(f, "check_status", st);
				jsonx_set_str(f, "value", imp_str(res, "actual_value"));
			}
		}
	}
	return 0;
}

const struct importer imp_prowler = { "prowler", "Prowler OCSF JSON", prowler_detect, prowler_read };
const struct importer imp_kubebench = { "kube-bench", "kube-bench JSON", kb_detect, kb_read };
