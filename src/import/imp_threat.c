/*
 * Threat detections: GuardDuty (aws guardduty get-findings), Security Hub
 * (aws securityhub get-findings, ASFF) and Microsoft Defender for Cloud
 * alerts (the REST list, {"value": [...]}, or az security alert list).
 * Active detections become kind "threat" findings with "signal":
 * "threat-detection" on the cloud account, keyed as the connectors key it
 * (aws:account:ID, azure.subscription:/subscriptions/ID) so an export's
 * detections and a live read's land on one asset; archived, resolved, suppressed
 * or dismissed ones are counted as closed.  Security Hub's failed
 * configuration checks are misconfigurations.  Every finding names its
 * "detector" (guardduty, securityhub, defender) and the status the detector
 * gave it ("detector_status"), and Security Hub's keep their ASFF "types":
 * scoring's evidence-of-compromise criterion reads them (docs/scoring.md).
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "core/err.h"
#include "core/jsonx.h"
#include "import.h"

static json_t *threat(struct import_result *r, const char *rule, const char *title, const char *sev,
		      const char *akind, const char *akey, const char *comp, const char *first, const char *last)
{
	json_t *f = imp_add_finding(r, "threat", rule, title, sev, akind, akey, NULL, comp);

	if (f) {
		jsonx_set_str(f, "signal", "threat-detection");
		jsonx_set_str(f, "first_seen", first);
		jsonx_set_str(f, "last_seen", last);
	}
	return f;
}

/* Which detector raised f, and the status it gives the finding (NULL: none stated). */
static void detector(json_t *f, const char *name, const char *status)
{
	jsonx_set_str(f, "detector", name);
	jsonx_set_str(f, "detector_status", status);
}

/* GuardDuty's 0.1-10.0 scale (1-3.9 low, 4-6.9 medium, 7-8.9 high, 9+ critical). */
static const char *gd_severity(const json_t *v)
{
	double s = json_is_number(v) ? json_number_value(v) : -1;

	return s >= 9 ? "critical" : s >= 7 ? "high" : s >= 4 ? "medium" : s >= 0 ? "low" : "unknown";
}

static int gd_detect(const json_t *doc)
{
	const json_t *first = json_array_get(json_object_get(doc, "Findings"), 0);

	return first && json_object_get(first, "Service") && json_is_number(json_object_get(first, "Severity")) &&
	       json_object_get(first, "Type");
}

static int gd_read(const json_t *doc, const char *file, const struct import_opts *o, struct import_result *r)
{
	struct strbuf key = STRBUF_INIT;
	json_t *list, *g;
	size_t i;
	int rc;

	if ((rc = imp_array(doc, "Findings", file, 1, &list)) < 0)
		return rc;
	json_array_foreach(list, i, g) {
		const json_t *svc = json_object_get(g, "Service");
		const char *type = imp_str(g, "Type"), *acct = imp_str(g, "AccountId");
		json_t *f;

		imp_count(r, "read");
		if (!type || !acct) {
			rc = err_set(ERR_PARSE, "%s: Findings[%zu]: expected Type and AccountId", file, i);
			break;
		}
		if (jsonx_bool(svc, "Archived", 0)) {
			imp_count(r, "closed");
			continue;
		}
		strbuf_reset(&key);
		strbuf_addf(&key, "aws:account:%s", acct);
		if (!(f = threat(r, type, imp_str(g, "Title"), gd_severity(json_object_get(g, "Severity")), "cloud-account", key.buf,
				 imp_str(json_object_get(g, "Resource"), "ResourceType"), imp_str(svc, "EventFirstSeen"),
				 imp_str(svc, "EventLastSeen")))) {
			rc = ERR_NOMEM;
			break;
		}
		jsonx_set_str(f, "description", imp_str(g, "Description"));
		jsonx_set_str(f, "region", imp_str(g, "Region"));
		jsonx_set_str(f, "detector_finding", imp_str(g, "Id"));
		detector(f, "guardduty", "active");
		json_object_set_new(f, "count", json_integer(jsonx_int(svc, "Count", 1)));
	}
	strbuf_release(&key);
	return rc;
}

static int asff_detect(const json_t *doc)
{
	const json_t *first = json_array_get(json_object_get(doc, "Findings"), 0);

	return first && json_object_get(first, "SchemaVersion") && json_object_get(first, "ProductArn");
}

static int asff_is_threat(const json_t *types)
{
	static const char *const prefixes[] = { "TTPs/", "Effects/", "Unusual Behaviors/" };
	size_t i, j;

	for (i = 0; i < json_array_size(types) && i < 100; i++) {
		const char *t = json_string_value(json_array_get(types, i));

		for (j = 0; t && j < sizeof(prefixes) / sizeof(prefixes[0]); j++)
			if (!strncmp(t, prefixes[j], strlen(prefixes[j])))
				return 1;
	}
	return 0;
}

/* Severity.Label, else the 0-100 Normalized score by ASFF's bands. */
static const char *asff_severity(const json_t *sev)
{
	const json_t *n = json_object_get(sev, "Normalized");
	double x;

	if (imp_str(sev, "Label"))
		return imp_severity(imp_str(sev, "Label"));
	if (!json_is_number(n))
		return "unknown";
	x = json_number_value(n);
	return x >= 90 ? "critical" : x >= 70 ? "high" : x >= 40 ? "medium" : x >= 1 ? "low" : "info";
}

/* The finding's ASFF types (at most 50, strings only). */
static json_t *asff_types(const json_t *types)
{
	json_t *out = json_array();
	size_t i;

	for (i = 0; out && i < json_array_size(types) && i < 50; i++) {
		const char *t = json_string_value(json_array_get(types, i));

		if (t && strlen(t) <= 256)
			json_array_append_new(out, json_string(t));
	}
	return out;
}

static int asff_read(const json_t *doc, const char *file, const struct import_opts *o, struct import_result *r)
{
	struct strbuf key = STRBUF_INIT;
	json_t *list, *a;
	size_t i;
	int rc;

	if ((rc = imp_array(doc, "Findings", file, 1, &list)) < 0)
		return rc;
	json_array_foreach(list, i, a) {
		const json_t *res0 = json_array_get(json_object_get(a, "Resources"), 0);
		const char *acct = imp_str(a, "AwsAccountId"), *gen = imp_str(a, "GeneratorId"),
			   *wf = imp_str(json_object_get(a, "Workflow"), "Status"), *rs = imp_str(a, "RecordState"),
			   *wfs = imp_str(a, "WorkflowState"), *comp = imp_str(json_object_get(a, "Compliance"), "Status"),
			   *sev = asff_severity(json_object_get(a, "Severity"));
		json_t *f;

		imp_count(r, "read");
		if (!acct || !imp_str(a, "Id")) {
			rc = err_set(ERR_PARSE, "%s: Findings[%zu]: expected Id and AwsAccountId", file, i);
			break;
		}
		/* WorkflowState is the deprecated field older exports carry instead of Workflow.Status. */
		if ((rs && !strcmp(rs, "ARCHIVED")) || (wf && (!strcmp(wf, "RESOLVED") || !strcmp(wf, "SUPPRESSED"))) ||
		    (!wf && wfs && !strcmp(wfs, "RESOLVED"))) {
			imp_count(r, "closed");
			continue;
		}
		if (comp && strcmp(comp, "FAILED")) {
			imp_count(r, "passed");
			continue;
		}
		strbuf_reset(&key);
		strbuf_addf(&key, "aws:account:%s", acct);
		if (asff_is_threat(json_object_get(a, "Types")))
			f = threat(r, gen, imp_str(a, "Title"), sev, "cloud-account", key.buf, imp_str(res0, "Id"), imp_str(a, "FirstObservedAt"),
				   imp_str(a, "LastObservedAt"));
		else
			f = imp_add_finding(r, "misconfiguration", gen, imp_str(a, "Title"), sev, "cloud-account", key.buf, NULL,
					    imp_str(res0, "Id"));
		if (!f) {
			rc = ERR_NOMEM;
			break;
		}
		jsonx_set_str(f, "description", imp_str(a, "Description"));
		jsonx_set_str(f, "fix", imp_str(json_object_get(json_object_get(a, "Remediation"), "Recommendation"), "Text"));
		jsonx_set_str(f, "product", imp_str(a, "ProductName") ? imp_str(a, "ProductName") : imp_str(a, "ProductArn"));
		jsonx_set_str(f, "region", imp_str(a, "Region"));
		detector(f, "securityhub", wf ? wf : wfs ? wfs : "NEW");
		json_object_set_new(f, "types", asff_types(json_object_get(a, "Types")));
	}
	strbuf_release(&key);
	return rc;
}

/* The REST list's items hold the alert under "properties"; az's output is flat. */
static const json_t *def_props(const json_t *item)
{
	const json_t *p = json_object_get(item, "properties");

	return json_is_object(p) ? p : item;
}

static const json_t *def_list(const json_t *doc)
{
	const json_t *l = json_is_array(doc) ? doc : json_object_get(doc, "value");
	const json_t *p = def_props(json_array_get(l, 0));

	return json_is_array(l) && jsonx_str(p, "alertType") && jsonx_str(p, "alertDisplayName") ? l : NULL;
}

static int def_detect(const json_t *doc)
{
	return def_list(doc) != NULL;
}

static int def_read(const json_t *doc, const char *file, const struct import_opts *o, struct import_result *r)
{
	const json_t *list = def_list(doc), *item;
	struct strbuf key = STRBUF_INIT;
	size_t i;
	int rc = 0;

	if (json_array_size(list) > IMPORT_MAX_ITEMS)
		return err_set(ERR_LIMIT, "%s: more than %d alerts", file, IMPORT_MAX_ITEMS);
	json_array_foreach(list, i, item) {
		const json_t *p = def_props(item);
		const char *id = imp_str(item, "id"), *st = imp_str(p, "status"), *type = imp_str(p, "alertType");
		const char *sub = id ? strstr(id, "/subscriptions/") : NULL;
		json_t *f, *steps = json_object_get(p, "remediationSteps");
		char subid[64] = "unknown";

		imp_count(r, "read");
		if (!type) {
			rc = err_set(ERR_PARSE, "%s: [%zu]: expected alertType", file, i);
			break;
		}
		if (st && (!strcmp(st, "Dismissed") || !strcmp(st, "Resolved"))) {
			imp_count(r, "closed");
			continue;
		}
		if (sub && sscanf(sub, "/subscriptions/%63[^/]", subid) != 1)
			snprintf(subid, sizeof(subid), "unknown");
		/* ARM ids are case-insensitive; the Azure connector keys subscriptions lower-cased. */
		for (char *c = subid; *c; c++)
			*c = (char)tolower((unsigned char)*c);
		strbuf_reset(&key);
		strbuf_addf(&key, "azure.subscription:/subscriptions/%s", subid);
		if (!(f = threat(r, type, imp_str(p, "alertDisplayName"), imp_severity(imp_str(p, "severity")),
				 "azure.subscription", key.buf,
				 imp_str(p, "compromisedEntity"), imp_str(p, "startTimeUtc"), imp_str(p, "endTimeUtc")))) {
			rc = ERR_NOMEM;
			break;
		}
		jsonx_set_str(f, "description", imp_str(p, "description"));
		jsonx_set_str(f, "intent", imp_str(p, "intent"));
		detector(f, "defender", st ? st : "Active");
		if (json_is_array(steps) && json_is_string(json_array_get(steps, 0)))
			jsonx_set_str(f, "fix", json_string_value(json_array_get(steps, 0)));
	}
	strbuf_release(&key);
	return rc;
}

const struct importer imp_guardduty = { "guardduty", "GuardDuty findings (get-findings)", gd_detect, gd_read };
const struct importer imp_asff = { "asff", "AWS Security Hub findings (ASFF)", asff_detect, asff_read };
const struct importer imp_defender = { "defender", "Microsoft Defender for Cloud alerts", def_detect, def_read };
