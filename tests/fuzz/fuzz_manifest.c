/*
 * libFuzzer: the manifest reader and everything after it.  The input is read
 * as 'vetter check' reads a file (YAML or JSON, many documents, Lists, cloud
 * documents), normalised, judged by a pack that uses every function and
 * operator, and written as JSON, SARIF and a table.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "compliance/engine.h"
#include "compliance/input.h"
#include "compliance/output.h"
#include "compliance/rule.h"
#include "compliance/waiver.h"

#define TAIL "\"frameworks\": {\"nist_800_53_r5\": [\"CM-6\"]}, \"remediation\": \"r\", \"effort_hours\": 1, " \
	     "\"tests\": {\"pass\": [{}], \"fail\": [{}]}"

static const char pack[] =
	"{\"pack\": \"fuzz\", \"title\": \"t\", \"version\": \"1\", \"rules\": ["
	"{\"id\": \"F-1\", \"title\": \"t\", \"resource\": \"k8s.workload\", \"requires\": [\"k8s.workloads\"],"
	" \"severity\": \"high\", " TAIL ", \"assert\": {\"all\": ["
	"{\"path\": \"containers[*].securityContext.privileged\", \"ne\": true},"
	"{\"path\": \"containers[*]\", \"where\": {\"any\": [{\"path\": \"securityContext.runAsUser\", \"gt\": 0},"
	" {\"path\": \"image_ref.tag\", \"matches\": \"^v?[0-9]+\", \"flags\": \"i\"}]}},"
	"{\"count\": \"pod.volumes[*]\", \"where\": {\"path\": \"hostPath\", \"exists\": true}, \"eq\": 0},"
	"{\"path\": \"containers[*].env[*].name\", \"quantifier\": \"none\", \"in\": [\"A\", \"B\"]},"
	"{\"path\": \"pod.securityContext.seccompProfile.type\", \"eq\": \"RuntimeDefault\", \"default\": \"x\"}]}},"
	"{\"id\": \"F-2\", \"title\": \"t\", \"resource\": \"k8s.role\", \"requires\": [\"k8s.rbac\"], \"severity\": \"low\", "
	TAIL ", \"assert\": {\"fn\": \"rbac_allows\", \"args\": {\"verbs\": [\"get\"], \"resources\": [\"pods/exec\"]},"
	" \"eq\": false}},"
	"{\"id\": \"F-3\", \"title\": \"t\", \"resource\": \"k8s.binding\", \"requires\": [\"k8s.rbac\"], \"severity\": \"low\", "
	TAIL ", \"assert\": {\"fn\": \"rbac_allows\", \"args\": {\"rules\": \"role.rules[*]\", \"verbs\": [\"*\"],"
	" \"resources\": [\"*\"], \"api_groups\": [\"\"]}, \"eq\": false}},"
	"{\"id\": \"F-4\", \"title\": \"t\", \"resource\": \"k8s.subject\", \"requires\": [\"k8s.rbac\"], \"severity\": \"low\", "
	TAIL ", \"assert\": {\"count\": \"rules[*]\", \"lt\": 1000}},"
	"{\"id\": \"F-5\", \"title\": \"t\", \"resource\": \"aws.ec2.security_group\", \"requires\": [\"aws.ec2.security_groups\"],"
	" \"severity\": \"low\", " TAIL ", \"assert\": {\"all\": [{\"fn\": \"net_exposed\", \"args\": {\"ports\": [22, 3389]},"
	" \"eq\": false}, {\"fn\": \"net_exposed\", \"args\": {\"any_port\": true, \"protocol\": \"udp\"}, \"eq\": false},"
	" {\"fn\": \"net_exposed\", \"args\": {\"all_ports\": true, \"rules\": \"egress\"}, \"eq\": false}]}},"
	"{\"id\": \"F-6\", \"title\": \"t\", \"resource\": \"aws.iam.role\", \"requires\": [\"aws.iam.roles\"], \"severity\": \"low\", "
	TAIL ", \"assert\": {\"all\": [{\"fn\": \"iam_external_principals\", \"args\": {\"policy\": \"trust_policy\","
	" \"require_external_id\": true, \"include_federated\": true}, \"eq\": []}, {\"fn\": \"iam_allows\", \"args\":"
	" {\"policy\": \"attached_policies[*].document\", \"actions\": [\"*\", \"iam:PassRole\"]}, \"eq\": false}]}},"
	"{\"id\": \"F-7\", \"title\": \"t\", \"resource\": \"aws.account\", \"requires\": [\"aws.cloudtrail.trails\"],"
	" \"severity\": \"low\", " TAIL ", \"assert\": {\"all\": [{\"fn\": \"aws_metric_alarm\", \"args\": {\"patterns\":"
	" [\"$.eventName=ConsoleLogin\"]}}, {\"path\": \"server_certificates[*]\", \"where\": {\"fn\": \"days_until\","
	" \"args\": {\"path\": \"expiration\"}, \"ge\": 0}}, {\"fn\": \"age_days\", \"args\": {\"path\": \"root.last_used\"},"
	" \"gt\": 90}]}},"
	"{\"id\": \"F-8\", \"title\": \"t\", \"resource\": \"gcp.sql.instance\", \"requires\": [\"gcp.sql.instances\"],"
	" \"severity\": \"low\", " TAIL ", \"assert\": {\"fn\": \"cidr_contains\", \"args\": {\"path\":"
	" \"authorized_networks[*].value\", \"contains\": \"::/0\"}, \"eq\": false}},"
	"{\"id\": \"F-9\", \"title\": \"t\", \"resource\": \"image\", \"requires\": [\"image.config\"], \"severity\": \"low\", "
	TAIL ", \"assert\": {\"path\": \"history[*].created_by\", \"quantifier\": \"none\", \"matches\": \"curl.*[|] *sh\"}},"
	"{\"id\": \"F-10\", \"title\": \"t\", \"resource\": \"k8s.namespace\", \"requires\": [\"k8s.namespaces\"],"
	" \"severity\": \"low\", " TAIL ", \"assert\": {\"not\": {\"path\": \"pod_security.enforce\", \"contains\": \"priv\"}}}"
	"]}";

static const char waivers[] =
	"waivers:\n  - rule: F-*\n    resource: {name: \"a*\"}\n    reason: r\n    owner: o\n    expires: 2025-01-01\n"
	"  - rule: F-1\n    resource: {namespace: \"*\"}\n    reason: r\n    owner: o\n    expires: 2026-01-01\n";

static struct ruleset rs;
static struct waiver_set ws;
static int ready;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct engine_opts o = { 20269, NULL, NULL, NULL };
	struct result_list l = { NULL, 0, 0, { 0, 0, 0, 0 } };
	struct resource_set set;
	struct input in;
	struct strbuf out = STRBUF_INIT;
	struct util_date as_of = { 2025, 6, 30 };

	if (!ready) {
		ruleset_init(&rs);
		if (ruleset_load_buffer(&rs, pack, strlen(pack), "fuzz.json") < 0 ||
		    waivers_load_buffer(&ws, waivers, strlen(waivers), "w.yaml", &as_of) < 0)
			__builtin_trap(); /* the harness's own pack must load */
		ready = 1;
	}
	o.waivers = &ws;
	if (input_init(&in) < 0)
		return 0;
	if (resource_set_init(&set) < 0) {
		input_release(&in);
		return 0;
	}
	if (input_read_buffer(&in, (const char *)data, size, "fuzz.yaml") == 0 && input_normalise(&in, &set) == 0 &&
	    engine_run(&rs, &set, &o, &l) == 0) {
		output_json(&out, &l, &ws);
		strbuf_reset(&out);
		output_sarif(&out, &l, &ws);
		strbuf_reset(&out);
		output_table(&out, &l, &set, 1);
	}
	strbuf_release(&out);
	result_list_release(&l);
	resource_set_release(&set);
	input_release(&in);
	return 0;
}
