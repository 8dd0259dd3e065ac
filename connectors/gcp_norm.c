/*
 * Google Cloud Asset Inventory assets to resource documents (cloud_norm.h).
 *
 * An asset is {name, asset_type|assetType, resource: {data}, iam_policy|
 * iamPolicy}.  The CAI API and exports may give a resource and its IAM
 * policy as two records of the same name (one per content type); they are
 * merged by name.  Project numbers are turned into project ids when the
 * project's own record is among the assets.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cloud_norm.h"
#include "core/err.h"
#include "core/jsonx.h"
#include "core/strbuf.h"
#include "core/util.h"

#define GCP_SA_SUFFIX ".iam.gserviceaccount.com"

struct gcp_set {
	json_t *assets;   /* name -> {type, data, iam} */
	json_t *numbers;  /* project number -> project id */
	json_t *marks;    /* name -> {what: reason|null} */
	json_t *metadata; /* project id -> {key: value} (compute project metadata) */
	struct cloud_stats st;
};

int gcp_set_new(struct gcp_set **out)
{
	struct gcp_set *s = calloc(1, sizeof(*s));

	*out = NULL;
	if (!s || !(s->assets = json_object()) || !(s->numbers = json_object()) || !(s->marks = json_object()) ||
	    !(s->metadata = json_object())) {
		gcp_set_free(s);
		return err_set(ERR_NOMEM, "out of memory");
	}
	*out = s;
	return 0;
}

void gcp_set_free(struct gcp_set *s)
{
	if (!s)
		return;
	json_decref(s->assets);
	json_decref(s->numbers);
	json_decref(s->marks);
	json_decref(s->metadata);
	free(s);
}

void gcp_set_stats(const struct gcp_set *s, struct cloud_stats *st)
{
	*st = s->st;
}

static const json_t *member2(const json_t *o, const char *a, const char *b)
{
	const json_t *v = json_object_get(o, a);

	return v ? v : json_object_get(o, b);
}

static int add_one(struct gcp_set *s, const json_t *a)
{
	const char *name = jsonx_str(a, "name"), *type;
	const json_t *res, *data, *iam;
	json_t *e;

	type = json_string_value(member2(a, "asset_type", "assetType"));
	res = json_object_get(a, "resource");
	data = json_object_get(res, "data");
	iam = member2(a, "iam_policy", "iamPolicy");
	if (!name || !type || strlen(name) > 2048 || strlen(type) > 256) {
		s->st.skipped++;
		return 0;
	}
	if (++s->st.records > CLOUD_MAX_RECORDS)
		return err_set(ERR_LIMIT, "more than %d Cloud Asset Inventory assets", CLOUD_MAX_RECORDS);
	/* Access policies, org policies, relationships: assets, but nothing vetter models. */
	if (!json_is_object(data) && !json_is_object(iam)) {
		s->st.skipped++;
		return 0;
	}
	if (!(e = json_object_get(s->assets, name))) {
		if (!(e = json_pack("{s:s}", "type", type)) || json_object_set_new(s->assets, name, e) < 0)
			return err_set(ERR_NOMEM, "out of memory");
	}
	if (json_is_object(data) && json_object_set(e, "data", (json_t *)data) < 0)
		return err_set(ERR_NOMEM, "out of memory");
	if (json_is_object(iam) && json_object_set(e, "iam", (json_t *)iam) < 0)
		return err_set(ERR_NOMEM, "out of memory");
	if (!strcmp(type, "cloudresourcemanager.googleapis.com/Project") && json_is_object(data)) {
		const char *id = jsonx_str(data, "projectId");
		json_t *num = json_object_get(data, "projectNumber");
		char nb[32];

		if (json_is_integer(num))
			snprintf(nb, sizeof(nb), "%lld", (long long)json_integer_value(num));
		else
			snprintf(nb, sizeof(nb), "%.30s", json_is_string(num) ? json_string_value(num) : "");
		if (id && nb[0] && strlen(id) < 128 && json_object_set_new(s->numbers, nb, json_string(id)) < 0)
			return err_set(ERR_NOMEM, "out of memory");
	}
	return 0;
}

int gcp_set_add(struct gcp_set *s, const json_t *v, const char *name)
{
	const json_t *item;
	size_t i;
	int rc;

	if (json_is_array(v)) {
		s->st.lists++;
		json_array_foreach(v, i, item)
			if ((rc = gcp_set_add(s, item, name)) < 0)
				return rc;
		return 0;
	}
	/* A CAI list answer ({"assets": [...]}) or a search answer ({"results": [...]}). */
	if (json_is_object(v) && json_is_array(json_object_get(v, "assets")))
		return gcp_set_add(s, json_object_get(v, "assets"), name);
	if (!json_is_object(v)) {
		s->st.skipped++;
		return 0;
	}
	return add_one(s, v);
}

int gcp_set_add_text(struct gcp_set *s, const char *buf, size_t len, const char *name)
{
	size_t before = s->st.records;
	json_t *all = NULL;
	int rc;

	if ((rc = cloud_parse_multi(buf, len, name, &all)) < 0)
		return rc;
	rc = gcp_set_add(s, all, name);
	json_decref(all);
	if (rc == 0 && s->st.records == before)
		rc = err_set(ERR_PARSE, "%s: no Cloud Asset Inventory asset (an object with name, asset_type or assetType, "
				       "and resource.data or an IAM policy)", name);
	return rc;
}

int gcp_set_mark(struct gcp_set *s, const char *name, const char *what, const char *reason)
{
	json_t *m = json_object_get(s->marks, name);

	if (!m && (!(m = json_object()) || json_object_set_new(s->marks, name, m) < 0))
		return err_set(ERR_NOMEM, "out of memory");
	return json_object_set_new(m, what, reason ? json_string(reason) : json_null()) < 0 ? err_set(ERR_NOMEM, "out of memory")
											     : 0;
}

/* ---- documents ---- */

/* The project id of an asset: "projects/X/" in its name (a number mapped through the projects read). */
static void project_of(const struct gcp_set *s, const char *name, const json_t *data, struct strbuf *out)
{
	const char *p = strstr(name, "/projects/"), *end, *id;
	const json_t *num;
	char nb[32];

	strbuf_reset(out);
	if (data && jsonx_str(data, "projectId")) {
		strbuf_addstr(out, jsonx_str(data, "projectId"));
		return;
	}
	if (data && jsonx_str(data, "project")) {
		strbuf_addstr(out, jsonx_str(data, "project"));
		return;
	}
	if (p) {
		p += strlen("/projects/");
		end = strchr(p, '/');
		strbuf_add(out, p, end ? (size_t)(end - p) : strlen(p));
	} else if (data && (num = json_object_get(data, "projectNumber"))) {
		if (json_is_integer(num))
			strbuf_addf(out, "%lld", (long long)json_integer_value(num));
		else if (json_is_string(num))
			strbuf_addstr(out, json_string_value(num));
	}
	snprintf(nb, sizeof(nb), "%.30s", out->buf);
	if ((id = jsonx_str(s->numbers, nb))) {
		strbuf_reset(out);
		strbuf_addstr(out, id);
	}
}

static json_t *bindings_of(const json_t *iam)
{
	const json_t *b, *m;
	json_t *out = json_array();
	size_t i, j;

	json_array_foreach(json_object_get(iam, "bindings"), i, b) {
		json_t *members = json_array(), *one;

		json_array_foreach(json_object_get(b, "members"), j, m)
			if (json_is_string(m))
				json_array_append(members, (json_t *)m);
		one = json_pack("{s:s?, s:o}", "role", jsonx_str(b, "role"), "members", members);
		if (json_object_get(b, "condition"))
			json_object_set(one, "condition", json_object_get(b, "condition"));
		json_array_append_new(out, one);
	}
	return out;
}

static int set_flag(json_t *doc, const char *what, const char *dataset, int have, const char *why)
{
	json_t *c = json_object_get(doc, "collected"), *u;

	if (have)
		return json_array_append_new(c, json_string(dataset));
	if (!(u = json_object_get(doc, "unreadable"))) {
		u = json_object();
		json_object_set_new(doc, "unreadable", u);
	}
	(void)what;
	return json_object_set_new(u, dataset, json_string(why));
}

/* A mark for name/what: 1 read, 0 not asked, -1 refused (reason in *why). */
static int mark_of(const struct gcp_set *s, const char *name, const char *what, const char **why)
{
	const json_t *m = json_object_get(json_object_get(s->marks, name), what);

	if (!m)
		return 0;
	if (json_is_string(m)) {
		*why = json_string_value(m);
		return -1;
	}
	return 1;
}

static json_t *new_doc(const char *kind, const char *project, const char *name)
{
	return json_pack("{s:s, s:s, s:s, s:[]}", "kind", kind, "project_id", project, "name", name, "collected");
}

static json_t *firewall_rules(const json_t *d, const char *list, const char *action)
{
	const char *dir = jsonx_strz(d, "direction");
	const json_t *ranges = json_object_get(d, strcasecmp(dir, "EGRESS") ? "sourceRanges" : "destinationRanges"), *a;
	json_t *out = json_array();
	size_t i;

	json_array_foreach(json_object_get(d, list), i, a) {
		json_t *r = json_pack("{s:I, s:s, s:s?, s:b}", "priority", (json_int_t)jsonx_int(d, "priority", 1000), "action",
				      action, "protocol", json_string_value(member2(a, "IPProtocol", "ip_protocol")),
				      "disabled", jsonx_bool(d, "disabled", 0));
		const json_t *ports = json_object_get(a, "ports");

		json_object_set_new(r, "sources", json_is_array(ranges) ? json_deep_copy(ranges) : json_array());
		if (json_is_array(ports) && json_array_size(ports))
			json_object_set_new(r, "ports", json_deep_copy(ports));
		json_array_append_new(out, r);
	}
	return out;
}

static json_t *doc_firewall(const char *project, const json_t *d)
{
	json_t *doc = new_doc("gcp.compute.firewall", project, jsonx_strz(d, "name")), *rules;
	int egress = !strcasecmp(jsonx_strz(d, "direction"), "EGRESS");

	/* Denied first: at equal priority GCP applies deny rules before allow rules. */
	rules = firewall_rules(d, "denied", "deny");
	{
		json_t *allow = firewall_rules(d, "allowed", "allow");

		json_array_extend(rules, allow);
		json_decref(allow);
	}
	json_object_set_new(doc, "network", cloud_str(d, "network"));
	json_object_set_new(doc, "direction", json_string(egress ? "EGRESS" : "INGRESS"));
	json_object_set_new(doc, "priority", json_integer(jsonx_int(d, "priority", 1000)));
	json_object_set_new(doc, "disabled", json_boolean(jsonx_bool(d, "disabled", 0)));
	json_object_set_new(doc, egress ? "egress" : "ingress", rules);
	json_object_set_new(doc, egress ? "ingress" : "egress", json_array());
	if (json_object_get(d, "targetTags"))
		json_object_set(doc, "target_tags", json_object_get(d, "targetTags"));
	if (json_object_get(d, "targetServiceAccounts"))
		json_object_set(doc, "target_service_accounts", json_object_get(d, "targetServiceAccounts"));
	json_object_set_new(doc, "log_config", json_pack("{s:b}", "enable", jsonx_bool(json_object_get(d, "logConfig"), "enable", 0)));
	set_flag(doc, "", "gcp.compute.firewalls", 1, NULL);
	return doc;
}

static json_t *doc_instance(const struct gcp_set *s, const char *project, const json_t *d)
{
	json_t *doc = new_doc("gcp.compute.instance", project, jsonx_strz(d, "name")), *sas = json_array(),
	       *md = json_object(), *nics = json_array(), *inherited;
	const json_t *x, *y;
	size_t i, j;

	json_object_set_new(doc, "zone", json_string(cloud_last_segment(jsonx_strz(d, "zone"))));
	json_array_foreach(json_object_get(d, "serviceAccounts"), i, x) {
		json_t *scopes = json_array();

		json_array_foreach(json_object_get(x, "scopes"), j, y)
			if (json_is_string(y))
				json_array_append(scopes, (json_t *)y);
		json_array_append_new(sas, json_pack("{s:o, s:o}", "email", cloud_str(x, "email"), "scopes", scopes));
	}
	/* Project-wide metadata first, the instance's own over it. */
	if ((inherited = json_object_get(s->metadata, project)))
		json_object_update(md, inherited);
	json_array_foreach(json_object_get(json_object_get(d, "metadata"), "items"), i, x)
		if (jsonx_str(x, "key") && strcmp(jsonx_str(x, "key"), "ssh-keys") && strcmp(jsonx_str(x, "key"), "startup-script"))
			json_object_set_new(md, jsonx_str(x, "key"), cloud_str(x, "value"));
	json_array_foreach(json_object_get(d, "networkInterfaces"), i, x) {
		json_t *acs = json_array();

		json_array_foreach(json_object_get(x, "accessConfigs"), j, y)
			json_array_append_new(acs, json_pack("{s:o, s:o}", "type", cloud_str(y, "type"), "nat_ip", cloud_str(y, "natIP")));
		json_array_append_new(nics, json_pack("{s:o, s:o, s:o}", "network", cloud_str(x, "network"), "network_ip",
						      cloud_str(x, "networkIP"), "access_configs", acs));
	}
	json_object_set_new(doc, "service_accounts", sas);
	json_object_set_new(doc, "metadata", md);
	json_object_set_new(doc, "can_ip_forward", json_boolean(jsonx_bool(d, "canIpForward", 0)));
	json_object_set_new(doc, "network_interfaces", nics);
	json_object_set_new(doc, "status", cloud_str(d, "status"));
	if (json_object_get(d, "shieldedInstanceConfig"))
		json_object_set(doc, "shielded_instance_config", json_object_get(d, "shieldedInstanceConfig"));
	set_flag(doc, "", "gcp.compute.instances", 1, NULL);
	return doc;
}

static json_t *doc_sql(const char *project, const json_t *d)
{
	json_t *doc = new_doc("gcp.sql.instance", project, jsonx_strz(d, "name")), *nets = json_array(), *ips = json_array();
	const json_t *ipc = jsonx_dig(d, "settings.ipConfiguration"), *x;
	const char *mode = jsonx_str(ipc, "sslMode");
	size_t i;

	/* Before sslMode, requireSsl said the same thing in one bit. */
	if (!mode)
		mode = jsonx_bool(ipc, "requireSsl", 0) ? "TRUSTED_CLIENT_CERTIFICATE_REQUIRED" : "ALLOW_UNENCRYPTED_AND_ENCRYPTED";
	json_array_foreach(json_object_get(ipc, "authorizedNetworks"), i, x)
		json_array_append_new(nets, json_pack("{s:o, s:o}", "name", cloud_str(x, "name"), "value", cloud_str(x, "value")));
	json_array_foreach(json_object_get(d, "ipAddresses"), i, x)
		json_array_append_new(ips, json_pack("{s:o, s:o}", "type", cloud_str(x, "type"), "ip_address", cloud_str(x, "ipAddress")));
	json_object_set_new(doc, "database_version", cloud_str(d, "databaseVersion"));
	json_object_set_new(doc, "region", cloud_str(d, "region"));
	json_object_set_new(doc, "ssl_mode", json_string(mode));
	json_object_set_new(doc, "ipv4_enabled", json_boolean(jsonx_bool(ipc, "ipv4Enabled", 1)));
	json_object_set_new(doc, "authorized_networks", nets);
	json_object_set_new(doc, "ip_addresses", ips);
	json_object_set_new(doc, "backup_enabled", json_boolean(jsonx_bool(jsonx_dig(d, "settings.backupConfiguration"), "enabled", 0)));
	set_flag(doc, "", "gcp.sql.instances", 1, NULL);
	return doc;
}

static json_t *doc_kms(const char *project, const char *name, const json_t *d)
{
	const char *full = jsonx_str(d, "name") ? jsonx_str(d, "name") : name, *rp = jsonx_str(d, "rotationPeriod");
	json_t *doc = new_doc("gcp.kms.key", project, full);

	json_object_set_new(doc, "purpose", cloud_str(d, "purpose"));
	if (rp) {
		char *end = NULL;
		double secs = strtod(rp, &end);

		if (end && end != rp && (!strcmp(end, "s") || !*end) && secs >= 0 && secs < 1e15)
			json_object_set_new(doc, "rotation_period_seconds", json_integer((json_int_t)secs));
	}
	json_object_set_new(doc, "next_rotation_time", cloud_str(d, "nextRotationTime"));
	json_object_set_new(doc, "protection_level", cloud_str(json_object_get(d, "primary"), "protectionLevel"));
	set_flag(doc, "", "gcp.kms.keys", 1, NULL);
	return doc;
}

static json_t *doc_bucket(const struct gcp_set *s, const char *project, const char *name, const json_t *e)
{
	const json_t *d = json_object_get(e, "data"), *iam = json_object_get(e, "iam"), *cfg;
	const char *bname = d && jsonx_str(d, "name") ? jsonx_str(d, "name") : cloud_last_segment(name), *why = NULL;
	json_t *doc = new_doc("gcp.storage.bucket", project, bname);
	int m = mark_of(s, name, "iam", &why);

	if (d) {
		cfg = json_object_get(d, "iamConfiguration");
		json_object_set_new(doc, "uniform_bucket_level_access",
				    json_boolean(jsonx_bool(json_object_get(cfg, "uniformBucketLevelAccess"), "enabled", 0) ||
						 jsonx_bool(json_object_get(cfg, "bucketPolicyOnly"), "enabled", 0)));
		json_object_set_new(doc, "public_access_prevention", cloud_str(cfg, "publicAccessPrevention"));
		json_object_set_new(doc, "location", cloud_str(d, "location"));
		json_object_set_new(doc, "logging", json_boolean(json_object_get(d, "logging") != NULL));
		json_object_set_new(doc, "versioning", json_boolean(jsonx_bool(json_object_get(d, "versioning"), "enabled", 0)));
		if (jsonx_str(json_object_get(d, "encryption"), "defaultKmsKeyName"))
			json_object_set_new(doc, "kms_key", cloud_str(json_object_get(d, "encryption"), "defaultKmsKeyName"));
	}
	json_object_set_new(doc, "iam_bindings", iam ? bindings_of(iam) : json_array());
	if (d && (iam || m == 1))
		set_flag(doc, "", "gcp.storage.buckets", 1, NULL);
	else
		set_flag(doc, "", "gcp.storage.buckets", 0,
			 m < 0 ? why : !d ? "the export holds the bucket's IAM policy but not the bucket"
					  : "the export holds the bucket but not its IAM policy");
	return doc;
}

static json_t *doc_project(const struct gcp_set *s, const char *project, const char *name, const json_t *e)
{
	const json_t *d = json_object_get(e, "data"), *iam = json_object_get(e, "iam");
	json_t *doc = new_doc("gcp.project", project, d && jsonx_str(d, "name") ? jsonx_str(d, "name") : project);
	const char *why = NULL;
	int m = mark_of(s, name, "iam", &why);

	if (d) {
		json_object_set_new(doc, "project_number", cloud_str(d, "projectNumber"));
		json_object_set_new(doc, "lifecycle_state", cloud_str(d, "lifecycleState"));
	}
	json_object_set_new(doc, "iam_bindings", iam ? bindings_of(iam) : json_array());
	if (iam && json_object_get(iam, "audit_configs"))
		json_object_set(doc, "audit_configs", json_object_get(iam, "audit_configs"));
	else if (iam && json_object_get(iam, "auditConfigs"))
		json_object_set(doc, "audit_configs", json_object_get(iam, "auditConfigs"));
	set_flag(doc, "", "gcp.resourcemanager.iam_policy", iam || m == 1,
		 m < 0 ? why : "the export holds the project but not its IAM policy");
	return doc;
}

/* The service account a key belongs to: ".../serviceAccounts/EMAIL/keys/ID". */
static int key_owner(const char *name, struct strbuf *email, const char **id)
{
	const char *p = strstr(name, "/serviceAccounts/"), *k;

	if (!p || !(k = strstr(p, "/keys/")))
		return -1;
	p += strlen("/serviceAccounts/");
	strbuf_reset(email);
	strbuf_add(email, p, (size_t)(k - p));
	*id = k + strlen("/keys/");
	return 0;
}

/* Service accounts, each with the keys found for it (by email or unique id). */
static int service_accounts(const struct gcp_set *s, json_t *docs)
{
	json_t *byemail = json_object();
	const char *name, *id;
	json_t *e, *doc;
	struct strbuf email = STRBUF_INIT, proj = STRBUF_INIT;
	int rc = 0;

	json_object_foreach(s->assets, name, e) {
		const json_t *d = json_object_get(e, "data");
		const char *em;

		if (strcmp(jsonx_strz(e, "type"), "iam.googleapis.com/ServiceAccount") || !d || !(em = jsonx_str(d, "email")))
			continue;
		project_of(s, name, d, &proj);
		doc = new_doc("gcp.iam.service_account", proj.buf, em);
		json_object_set_new(doc, "email", json_string(em));
		json_object_set_new(doc, "display_name", cloud_str(d, "displayName"));
		json_object_set_new(doc, "disabled", json_boolean(jsonx_bool(d, "disabled", 0)));
		json_object_set_new(doc, "unique_id", cloud_str(d, "uniqueId"));
		json_object_set_new(doc, "keys", json_array());
		json_object_set_new(byemail, em, doc);
		if (jsonx_str(d, "uniqueId"))
			json_object_set(byemail, jsonx_str(d, "uniqueId"), doc);
	}
	json_object_foreach(s->assets, name, e) {
		const json_t *d = json_object_get(e, "data");

		if (strcmp(jsonx_strz(e, "type"), "iam.googleapis.com/ServiceAccountKey") || !d || key_owner(name, &email, &id) < 0)
			continue;
		if (!(doc = json_object_get(byemail, email.buf))) {
			/* A key whose account is not among the assets: the account is known by its key. */
			project_of(s, name, NULL, &proj);
			doc = new_doc("gcp.iam.service_account", proj.buf, email.buf);
			json_object_set_new(doc, "email", json_string(email.buf));
			json_object_set_new(doc, "keys", json_array());
			json_object_set_new(byemail, email.buf, doc);
		}
		json_array_append_new(json_object_get(doc, "keys"),
				      json_pack("{s:s, s:o, s:o, s:o, s:o}", "id", id, "key_type", cloud_str(d, "keyType"),
						"valid_after", cloud_str(d, "validAfterTime"), "valid_before",
						cloud_str(d, "validBeforeTime"), "algorithm", cloud_str(d, "keyAlgorithm")));
	}
	json_object_foreach(byemail, name, doc) {
		const char *why = NULL;

		/* Indexed twice (email and unique id): add each document once, under its email. */
		if (strcmp(name, jsonx_strz(doc, "email")))
			continue;
		if (mark_of(s, name, "keys", &why) < 0)
			set_flag(doc, "", "gcp.iam.service_accounts", 0, why);
		else
			set_flag(doc, "", "gcp.iam.service_accounts", 1, NULL);
		json_array_append(docs, doc);
	}
	json_decref(byemail);
	strbuf_release(&email);
	strbuf_release(&proj);
	return rc;
}

int gcp_set_documents(struct gcp_set *s, json_t **out)
{
	json_t *docs = json_array(), *e, *doc;
	struct strbuf proj = STRBUF_INIT;
	const char *name;
	size_t i;

	*out = NULL;
	if (!docs)
		return err_set(ERR_NOMEM, "out of memory");
	/* Project-wide instance metadata, from the compute view of each project. */
	json_object_foreach(s->assets, name, e) {
		const json_t *d = json_object_get(e, "data"), *x;
		json_t *md;

		if (strcmp(jsonx_strz(e, "type"), "compute.googleapis.com/Project") || !d)
			continue;
		project_of(s, name, NULL, &proj);
		if (jsonx_str(d, "name"))
			strbuf_reset(&proj), strbuf_addstr(&proj, jsonx_str(d, "name"));
		md = json_object();
		json_array_foreach(json_object_get(json_object_get(d, "commonInstanceMetadata"), "items"), i, x)
			if (jsonx_str(x, "key") && strcmp(jsonx_str(x, "key"), "ssh-keys"))
				json_object_set_new(md, jsonx_str(x, "key"), cloud_str(x, "value"));
		json_object_set_new(s->metadata, proj.buf, md);
	}
	json_object_foreach(s->assets, name, e) {
		const char *type = jsonx_strz(e, "type");
		const json_t *d = json_object_get(e, "data");

		project_of(s, name, d, &proj);
		doc = NULL;
		if (!strcmp(type, "cloudresourcemanager.googleapis.com/Project"))
			doc = doc_project(s, proj.buf, name, e);
		else if (!strcmp(type, "storage.googleapis.com/Bucket"))
			doc = doc_bucket(s, proj.buf, name, e);
		else if (!d)
			continue;
		else if (!strcmp(type, "compute.googleapis.com/Firewall"))
			doc = doc_firewall(proj.buf, d);
		else if (!strcmp(type, "compute.googleapis.com/Network")) {
			doc = new_doc("gcp.compute.network", proj.buf, jsonx_strz(d, "name"));
			json_object_set_new(doc, "auto_create_subnetworks", json_boolean(jsonx_bool(d, "autoCreateSubnetworks", 0)));
			json_object_set_new(doc, "routing_mode", cloud_str(json_object_get(d, "routingConfig"), "routingMode"));
			set_flag(doc, "", "gcp.compute.networks", 1, NULL);
		} else if (!strcmp(type, "compute.googleapis.com/Subnetwork")) {
			const json_t *lc = json_object_get(d, "logConfig");

			doc = new_doc("gcp.compute.subnetwork", proj.buf, jsonx_strz(d, "name"));
			json_object_set_new(doc, "region", json_string(cloud_last_segment(jsonx_strz(d, "region"))));
			json_object_set_new(doc, "network", cloud_str(d, "network"));
			json_object_set_new(doc, "ip_cidr_range", cloud_str(d, "ipCidrRange"));
			json_object_set_new(doc, "purpose", json_string(jsonx_str(d, "purpose") ? jsonx_str(d, "purpose") : "PRIVATE"));
			json_object_set_new(doc, "private_ip_google_access", json_boolean(jsonx_bool(d, "privateIpGoogleAccess", 0)));
			/* logConfig.enable is the current field; enableFlowLogs the older one. */
			json_object_set_new(doc, "log_config",
					    json_pack("{s:b}", "enable", lc && json_object_get(lc, "enable") ? jsonx_bool(lc, "enable", 0)
													: jsonx_bool(d, "enableFlowLogs", 0)));
			set_flag(doc, "", "gcp.compute.networks", 1, NULL);
		} else if (!strcmp(type, "compute.googleapis.com/Instance"))
			doc = doc_instance(s, proj.buf, d);
		else if (!strcmp(type, "sqladmin.googleapis.com/Instance"))
			doc = doc_sql(proj.buf, d);
		else if (!strcmp(type, "cloudkms.googleapis.com/CryptoKey"))
			doc = doc_kms(proj.buf, name, d);
		else if (!strcmp(type, "container.googleapis.com/Cluster")) {
			doc = new_doc("gcp.container.cluster", proj.buf, jsonx_strz(d, "name"));
			json_object_set_new(doc, "location", cloud_str(d, "location"));
			json_object_set_new(doc, "current_master_version", cloud_str(d, "currentMasterVersion"));
			json_object_set_new(doc, "private_cluster",
					    json_boolean(jsonx_bool(json_object_get(d, "privateClusterConfig"), "enablePrivateNodes", 0)));
			json_object_set_new(doc, "endpoint", cloud_str(d, "endpoint"));
			json_object_set_new(doc, "master_authorized_networks",
					    json_boolean(jsonx_bool(json_object_get(d, "masterAuthorizedNetworksConfig"), "enabled", 0)));
		} else if (!strcmp(type, "artifactregistry.googleapis.com/Repository")) {
			doc = new_doc("gcp.artifactregistry.repository", proj.buf, jsonx_strz(d, "name"));
			json_object_set_new(doc, "format", cloud_str(d, "format"));
		} else if (!strcmp(type, "logging.googleapis.com/LogSink")) {
			doc = new_doc("gcp.logging.sink", proj.buf, jsonx_strz(d, "name"));
			json_object_set_new(doc, "destination", cloud_str(d, "destination"));
			json_object_set_new(doc, "filter", cloud_str(d, "filter"));
		} else if (!strcmp(type, "securitycenter.googleapis.com/Finding")) {
			doc = new_doc("gcp.securitycenter.finding", proj.buf, jsonx_strz(d, "name"));
			json_object_set_new(doc, "category", cloud_str(d, "category"));
			json_object_set_new(doc, "severity", cloud_str(d, "severity"));
			json_object_set_new(doc, "state", cloud_str(d, "state"));
			json_object_set_new(doc, "resource_name", cloud_str(d, "resourceName"));
		}
		if (!doc)
			continue;
		json_object_set_new(doc, "asset_name", json_string(name));
		/* Data that names nothing: the asset's name says it. */
		if (!*jsonx_strz(doc, "name"))
			json_object_set_new(doc, "name", json_string(cloud_last_segment(name)));
		json_array_append_new(docs, doc);
	}
	service_accounts(s, docs);
	strbuf_release(&proj);
	*out = docs;
	return 0;
}
