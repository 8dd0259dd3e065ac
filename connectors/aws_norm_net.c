/*
 * EC2 and VPC: VPCs (flow logs, route tables, peering), subnets, security
 * groups, network ACLs and instances, with the edges between them.  An
 * instance with a public address in a security group open to the internet
 * (0.0.0.0/0 or ::/0) faces the internet: an edge "faces-internet" to each
 * group that opens it.
 */
#include <stdlib.h>
#include <string.h>

#include "aws_norm_int.h"
#include "core/err.h"
#include "core/jsonx.h"
#include "core/util.h"

static const char *tag_value(const json_t *tags, const char *key)
{
	const json_t *t;
	size_t i;

	json_array_foreach(tags, i, t)
		if (!strcmp(jsonx_strz(t, "Key"), key))
			return jsonx_str(t, "Value");
	return NULL;
}

static json_t *tags_object(const json_t *tags)
{
	json_t *o = json_object();
	const json_t *t;
	size_t i;

	json_array_foreach(tags, i, t)
		if (jsonx_str(t, "Key") && jsonx_str(t, "Value"))
			json_object_set_new(o, jsonx_str(t, "Key"), json_string(jsonx_str(t, "Value")));
	return o;
}

static int is_internet(const char *cidr)
{
	return !strcmp(cidr, "0.0.0.0/0") || !strcmp(cidr, "::/0");
}

/* One IpPermission as a rule of the rules' network functions. */
static json_t *sg_rule(const json_t *p)
{
	json_t *r = json_object(), *sources = json_array(), *groups = json_array(), *lists = json_array();
	const json_t *v;
	const char *proto = jsonx_strz(p, "IpProtocol");
	size_t i;

	jsonx_set_str(r, "protocol", proto);
	if (strcmp(proto, "-1")) {
		json_object_set(r, "from_port", json_object_get(p, "FromPort"));
		json_object_set(r, "to_port", json_object_get(p, "ToPort"));
	}
	json_array_foreach(json_object_get(p, "IpRanges"), i, v)
		if (jsonx_str(v, "CidrIp"))
			json_array_append_new(sources, json_string(jsonx_str(v, "CidrIp")));
	json_array_foreach(json_object_get(p, "Ipv6Ranges"), i, v)
		if (jsonx_str(v, "CidrIpv6"))
			json_array_append_new(sources, json_string(jsonx_str(v, "CidrIpv6")));
	json_array_foreach(json_object_get(p, "UserIdGroupPairs"), i, v)
		if (jsonx_str(v, "GroupId"))
			json_array_append_new(groups, json_string(jsonx_str(v, "GroupId")));
	json_array_foreach(json_object_get(p, "PrefixListIds"), i, v)
		if (jsonx_str(v, "PrefixListId"))
			json_array_append_new(lists, json_string(jsonx_str(v, "PrefixListId")));
	json_object_set_new(r, "sources", sources);
	json_object_set_new(r, "source_groups", groups);
	json_object_set_new(r, "prefix_lists", lists);
	jsonx_set_str(r, "action", "allow");
	return r;
}

static json_t *sg_rules(const json_t *perms, int *open)
{
	json_t *out = json_array(), *r;
	const json_t *p, *s;
	size_t i, k;

	json_array_foreach(perms, i, p) {
		r = sg_rule(p);
		json_array_foreach(json_object_get(r, "sources"), k, s)
			if (open && is_internet(json_string_value(s)))
				*open = 1;
		json_array_append_new(out, r);
	}
	return out;
}

static int security_groups(struct norm *n, const char *region, json_t *open_groups)
{
	static const char *const datasets[] = { "aws.ec2.security_groups", NULL };
	const json_t *list = aws_data_get(n->ds, region, "ec2:DescribeSecurityGroups"), *g;
	size_t i;
	int rc;

	json_array_foreach(json_object_get(list, "SecurityGroups"), i, g) {
		const char *id = jsonx_str(g, "GroupId");
		json_t *doc, *arn;
		int open = 0;
		int64_t sg_id;
		struct strbuf rest = STRBUF_INIT;

		if (!id)
			continue;
		strbuf_addf(&rest, "security-group/%s", id);
		arn = jsonx_str(g, "SecurityGroupArn") ? json_string(jsonx_str(g, "SecurityGroupArn"))
						       : norm_arn(n, "ec2", region, rest.buf);
		strbuf_release(&rest);
		doc = json_pack("{s:s,s:o,s:s?,s:s?,s:s?,s:b,s:o,s:o,s:o}", "id", id, "arn", arn, "name",
				jsonx_str(g, "GroupName"), "vpc_id", jsonx_str(g, "VpcId"), "description",
				jsonx_str(g, "Description"), "is_default", !strcmp(jsonx_strz(g, "GroupName"), "default"),
				"ingress", sg_rules(json_object_get(g, "IpPermissions"), &open), "egress",
				sg_rules(json_object_get(g, "IpPermissionsEgress"), NULL), "tags",
				tags_object(json_object_get(g, "Tags")));
		json_object_set_new(doc, "open_to_internet", json_boolean(open));
		if (open)
			json_object_set_new(open_groups, id, json_true());
		arn = json_incref(json_object_get(doc, "arn"));
		rc = norm_asset(n, "security-group", "aws.ec2.security_group", json_string_value(arn), jsonx_str(g, "GroupName") ? jsonx_str(g, "GroupName") : id,
				region, datasets, NULL, doc, &sg_id);
		json_decref(arn);
		if (rc < 0)
			return rc;
		norm_alias(n, id, sg_id);
	}
	return 0;
}

static json_t *acl_entries(const json_t *entries, int egress)
{
	json_t *out = json_array();
	const json_t *e;
	size_t i;

	json_array_foreach(entries, i, e) {
		json_t *r;
		const char *proto = jsonx_strz(e, "Protocol");

		if (json_is_true(json_object_get(e, "Egress")) != egress)
			continue;
		r = json_pack("{s:O?,s:s,s:s}", "priority", json_object_get(e, "RuleNumber"), "protocol", proto, "action",
			      !strcmp(jsonx_strz(e, "RuleAction"), "allow") ? "allow" : "deny");
		jsonx_set_str(r, "source", jsonx_str(e, "CidrBlock") ? jsonx_str(e, "CidrBlock") : jsonx_str(e, "Ipv6CidrBlock"));
		if (json_object_get(e, "PortRange") && strcmp(proto, "-1")) {
			json_object_set(r, "from_port", jsonx_dig(e, "PortRange.From"));
			json_object_set(r, "to_port", jsonx_dig(e, "PortRange.To"));
		}
		json_array_append_new(out, r);
	}
	return out;
}

static int network_acls(struct norm *n, const char *region)
{
	static const char *const datasets[] = { "aws.ec2.network_acls", NULL };
	const json_t *list = aws_data_get(n->ds, region, "ec2:DescribeNetworkAcls"), *a, *as;
	size_t i, k;
	int rc;

	json_array_foreach(json_object_get(list, "NetworkAcls"), i, a) {
		const char *id = jsonx_str(a, "NetworkAclId");
		struct strbuf rest = STRBUF_INIT;
		json_t *doc, *subnets = json_array(), *arn;
		int64_t acl_id;

		if (!id) {
			json_decref(subnets);
			continue;
		}
		json_array_foreach(json_object_get(a, "Associations"), k, as)
			if (jsonx_str(as, "SubnetId"))
				json_array_append_new(subnets, json_string(jsonx_str(as, "SubnetId")));
		strbuf_addf(&rest, "network-acl/%s", id);
		arn = norm_arn(n, "ec2", region, rest.buf);
		strbuf_release(&rest);
		doc = json_pack("{s:s,s:o,s:s?,s:b,s:o,s:o,s:o}", "id", id, "arn", arn, "vpc_id", jsonx_str(a, "VpcId"),
				"is_default", json_is_true(json_object_get(a, "IsDefault")), "subnets", subnets, "ingress",
				acl_entries(json_object_get(a, "Entries"), 0), "egress", acl_entries(json_object_get(a, "Entries"), 1));
		jsonx_set_str(doc, "name", tag_value(json_object_get(a, "Tags"), "Name"));
		arn = json_incref(json_object_get(doc, "arn"));
		rc = norm_asset(n, "network-acl", "aws.ec2.network_acl", json_string_value(arn), id, region, datasets, NULL, doc,
				&acl_id);
		json_decref(arn);
		if (rc < 0 || (rc = norm_edge(n, acl_id, norm_alias_id(n, jsonx_strz(a, "VpcId")), "in-vpc")) < 0)
			return rc;
	}
	return 0;
}

static json_t *vpc_routes(const json_t *tables, const char *vpc)
{
	json_t *out = json_array();
	const json_t *t, *r;
	size_t i, k;

	json_array_foreach(tables, i, t) {
		json_t *routes = json_array();

		if (strcmp(jsonx_strz(t, "VpcId"), vpc)) {
			json_decref(routes);
			continue;
		}
		json_array_foreach(json_object_get(t, "Routes"), k, r) {
			json_t *e = json_object();

			jsonx_set_str(e, "destination", jsonx_str(r, "DestinationCidrBlock") ? jsonx_str(r, "DestinationCidrBlock")
							: jsonx_str(r, "DestinationIpv6CidrBlock"));
			jsonx_set_str(e, "gateway_id", jsonx_str(r, "GatewayId"));
			jsonx_set_str(e, "peering_connection_id", jsonx_str(r, "VpcPeeringConnectionId"));
			jsonx_set_str(e, "nat_gateway_id", jsonx_str(r, "NatGatewayId"));
			jsonx_set_str(e, "state", jsonx_str(r, "State"));
			json_array_append_new(routes, e);
		}
		json_array_append_new(out, json_pack("{s:s?,s:o,s:O?}", "id", jsonx_str(t, "RouteTableId"), "routes", routes,
						     "associations", json_object_get(t, "Associations")));
	}
	return out;
}

/* The route table of a subnet (its own, or the VPC's main table) sends 0.0.0.0/0 to an internet gateway. */
static int subnet_public(const json_t *tables, const char *vpc, const char *subnet)
{
	const json_t *t, *a, *r, *chosen = NULL;
	size_t i, k;

	json_array_foreach(tables, i, t) {
		if (strcmp(jsonx_strz(t, "VpcId"), vpc))
			continue;
		json_array_foreach(json_object_get(t, "Associations"), k, a) {
			if (!strcmp(jsonx_strz(a, "SubnetId"), subnet))
				chosen = t;
			else if (json_is_true(json_object_get(a, "Main")) && !chosen)
				chosen = t;
		}
	}
	json_array_foreach(json_object_get(chosen, "Routes"), i, r)
		if ((is_internet(jsonx_strz(r, "DestinationCidrBlock")) || is_internet(jsonx_strz(r, "DestinationIpv6CidrBlock"))) &&
		    util_has_prefix(jsonx_strz(r, "GatewayId"), "igw-"))
			return 1;
	return 0;
}

static int vpcs_and_subnets(struct norm *n, const char *region)
{
	static const char *const datasets[] = { "aws.ec2.vpcs", NULL };
	const json_t *vpcs = json_object_get(aws_data_get(n->ds, region, "ec2:DescribeVpcs"), "Vpcs");
	const json_t *flows = json_object_get(aws_data_get(n->ds, region, "ec2:DescribeFlowLogs"), "FlowLogs");
	const json_t *tables = json_object_get(aws_data_get(n->ds, region, "ec2:DescribeRouteTables"), "RouteTables");
	const json_t *peers = json_object_get(aws_data_get(n->ds, region, "ec2:DescribeVpcPeeringConnections"),
					      "VpcPeeringConnections");
	const json_t *subnets = json_object_get(aws_data_get(n->ds, region, "ec2:DescribeSubnets"), "Subnets");
	const json_t *v, *f, *c, *p;
	size_t i, k;
	int rc;

	json_array_foreach(vpcs, i, v) {
		const char *id = jsonx_str(v, "VpcId");
		json_t *doc, *cidrs = json_array(), *v6 = json_array(), *fl = json_array(), *pl = json_array(), *arn;
		struct strbuf rest = STRBUF_INIT;
		int active = 0;
		int64_t vid;

		if (!id) {
			json_decref(cidrs);
			json_decref(v6);
			json_decref(fl);
			json_decref(pl);
			continue;
		}
		json_array_foreach(json_object_get(v, "CidrBlockAssociationSet"), k, c)
			if (jsonx_str(c, "CidrBlock"))
				json_array_append_new(cidrs, json_string(jsonx_str(c, "CidrBlock")));
		if (!json_array_size(cidrs) && jsonx_str(v, "CidrBlock"))
			json_array_append_new(cidrs, json_string(jsonx_str(v, "CidrBlock")));
		json_array_foreach(json_object_get(v, "Ipv6CidrBlockAssociationSet"), k, c)
			if (jsonx_str(c, "Ipv6CidrBlock"))
				json_array_append_new(v6, json_string(jsonx_str(c, "Ipv6CidrBlock")));
		json_array_foreach(flows, k, f) {
			if (strcmp(jsonx_strz(f, "ResourceId"), id))
				continue;
			json_array_append_new(fl, json_pack("{s:s?,s:s?,s:s?,s:s?}", "id", jsonx_str(f, "FlowLogId"), "status",
							    jsonx_str(f, "FlowLogStatus"), "traffic_type", jsonx_str(f, "TrafficType"),
							    "destination_type", jsonx_str(f, "LogDestinationType")));
			active |= !strcmp(jsonx_strz(f, "FlowLogStatus"), "ACTIVE");
		}
		json_array_foreach(peers, k, p) {
			const char *req = jsonx_strz(json_object_get(p, "RequesterVpcInfo"), "VpcId");
			const char *acc = jsonx_strz(json_object_get(p, "AccepterVpcInfo"), "VpcId");

			if (strcmp(req, id) && strcmp(acc, id))
				continue;
			json_array_append_new(pl, json_pack("{s:s?,s:s?,s:s,s:s,s:s?,s:s?}", "id", jsonx_str(p, "VpcPeeringConnectionId"),
							    "status", jsonx_str(json_object_get(p, "Status"), "Code"), "requester_vpc", req,
							    "accepter_vpc", acc, "requester_account",
							    jsonx_str(json_object_get(p, "RequesterVpcInfo"), "OwnerId"), "accepter_account",
							    jsonx_str(json_object_get(p, "AccepterVpcInfo"), "OwnerId")));
		}
		strbuf_addf(&rest, "vpc/%s", id);
		arn = norm_arn(n, "ec2", region, rest.buf);
		strbuf_release(&rest);
		doc = json_pack("{s:s,s:o,s:s?,s:o,s:o,s:b,s:o,s:b,s:o,s:o,s:o}", "id", id, "arn", arn, "name",
				tag_value(json_object_get(v, "Tags"), "Name"), "cidr_blocks", cidrs, "ipv6_cidr_blocks", v6,
				"is_default", json_is_true(json_object_get(v, "IsDefault")), "flow_logs", fl, "flow_logs_active",
				active, "peering_connections", pl, "route_tables", vpc_routes(tables, id), "tags",
				tags_object(json_object_get(v, "Tags")));
		jsonx_set_str(doc, "cidr", jsonx_str(v, "CidrBlock"));
		arn = json_incref(json_object_get(doc, "arn"));
		rc = norm_asset(n, "vpc", "aws.ec2.vpc", json_string_value(arn), id, region, datasets, NULL, doc, &vid);
		json_decref(arn);
		if (rc < 0)
			return rc;
		norm_alias(n, id, vid);
	}
	json_array_foreach(subnets, i, v) {
		const char *id = jsonx_str(v, "SubnetId"), *vpc = jsonx_strz(v, "VpcId");
		struct strbuf rest = STRBUF_INIT;
		json_t *doc, *arn, *v6 = json_array();
		int64_t sid;

		if (!id) {
			json_decref(v6);
			continue;
		}
		json_array_foreach(json_object_get(v, "Ipv6CidrBlockAssociationSet"), k, c)
			if (jsonx_str(c, "Ipv6CidrBlock"))
				json_array_append_new(v6, json_string(jsonx_str(c, "Ipv6CidrBlock")));
		strbuf_addf(&rest, "subnet/%s", id);
		arn = jsonx_str(v, "SubnetArn") ? json_string(jsonx_str(v, "SubnetArn")) : norm_arn(n, "ec2", region, rest.buf);
		strbuf_release(&rest);
		doc = json_pack("{s:s,s:o,s:s,s:s?,s:o,s:s?,s:b,s:b}", "id", id, "arn", arn, "vpc_id", vpc, "cidr_block",
				jsonx_str(v, "CidrBlock"), "ipv6_cidr_blocks", v6, "availability_zone",
				jsonx_str(v, "AvailabilityZone"), "map_public_ip_on_launch",
				json_is_true(json_object_get(v, "MapPublicIpOnLaunch")), "routes_to_internet",
				subnet_public(tables, vpc, id));
		jsonx_set_str(doc, "name", tag_value(json_object_get(v, "Tags"), "Name"));
		arn = json_incref(json_object_get(doc, "arn"));
		rc = norm_asset(n, "subnet", "aws.ec2.subnet", json_string_value(arn), id, region, datasets, NULL, doc, &sid);
		json_decref(arn);
		if (rc < 0 || (rc = norm_edge(n, sid, norm_alias_id(n, vpc), "in-vpc")) < 0)
			return rc;
		norm_alias(n, id, sid);
	}
	return 0;
}

static int instances(struct norm *n, const char *region, const json_t *open_groups)
{
	static const char *const datasets[] = { "aws.ec2.instances", "aws.ec2.security_groups", NULL };
	const json_t *list = aws_data_get(n->ds, region, "ec2:DescribeInstances"), *res, *in, *g, *ni;
	size_t i, k, j;
	int rc;

	json_array_foreach(json_object_get(list, "Reservations"), i, res) {
		json_array_foreach(json_object_get(res, "Instances"), k, in) {
			const char *id = jsonx_str(in, "InstanceId"), *state = jsonx_strz(json_object_get(in, "State"), "Name");
			const json_t *md = json_object_get(in, "MetadataOptions");
			json_t *doc, *groups = json_array(), *exposure = json_array(), *v6 = json_array(), *arn;
			struct strbuf rest = STRBUF_INIT;
			int public_addr, faces;
			int64_t iid;

			if (!id) {
				json_decref(groups);
				json_decref(exposure);
				json_decref(v6);
				continue;
			}
			json_array_foreach(json_object_get(in, "SecurityGroups"), j, g) {
				if (!jsonx_str(g, "GroupId"))
					continue;
				json_array_append_new(groups, json_string(jsonx_str(g, "GroupId")));
				if (json_object_get(open_groups, jsonx_str(g, "GroupId")))
					json_array_append_new(exposure, json_string(jsonx_str(g, "GroupId")));
			}
			json_array_foreach(json_object_get(in, "NetworkInterfaces"), j, ni) {
				const json_t *a;
				size_t m;

				json_array_foreach(json_object_get(ni, "Ipv6Addresses"), m, a)
					if (jsonx_str(a, "Ipv6Address"))
						json_array_append_new(v6, json_string(jsonx_str(a, "Ipv6Address")));
			}
			public_addr = jsonx_str(in, "PublicIpAddress") != NULL || json_array_size(v6) > 0;
			faces = public_addr && json_array_size(exposure) > 0 && strcmp(state, "terminated");
			strbuf_addf(&rest, "instance/%s", id);
			arn = norm_arn(n, "ec2", region, rest.buf);
			strbuf_release(&rest);
			doc = json_pack("{s:s,s:o,s:s?,s:s?,s:s?,s:s?,s:s?,s:s?,s:s?,s:s?,s:o,s:o,s:s?,s:b,s:o,s:o}", "id", id, "arn", arn,
					"name", tag_value(json_object_get(in, "Tags"), "Name"), "state", state, "instance_type",
					jsonx_str(in, "InstanceType"), "image_id", jsonx_str(in, "ImageId"), "vpc_id",
					jsonx_str(in, "VpcId"), "subnet_id", jsonx_str(in, "SubnetId"), "private_ip",
					jsonx_str(in, "PrivateIpAddress"), "public_ip", jsonx_str(in, "PublicIpAddress"),
					"ipv6_addresses", v6, "security_groups", groups, "iam_instance_profile",
					jsonx_str(json_object_get(in, "IamInstanceProfile"), "Arn"), "internet_facing", faces,
					"exposed_by", exposure, "tags", tags_object(json_object_get(in, "Tags")));
			json_object_set_new(doc, "metadata_options",
					    json_pack("{s:s?,s:s?,s:O?}", "http_tokens", jsonx_str(md, "HttpTokens"), "http_endpoint",
						      jsonx_str(md, "HttpEndpoint"), "hop_limit", json_object_get(md, "HttpPutResponseHopLimit")));
			json_object_set_new(doc, "imdsv2_required", json_boolean(!strcmp(jsonx_strz(md, "HttpTokens"), "required") ||
										 !strcmp(jsonx_strz(md, "HttpEndpoint"), "disabled")));
			norm_set(doc, "launch_time", norm_time(json_object_get(in, "LaunchTime")));
			jsonx_set_str(doc, "platform", jsonx_str(in, "PlatformDetails") ? jsonx_str(in, "PlatformDetails")
										: jsonx_str(in, "Platform"));
			arn = json_incref(json_object_get(doc, "arn"));
			rc = norm_asset(n, "instance", "aws.ec2.instance", json_string_value(arn),
					jsonx_str(doc, "name") ? jsonx_str(doc, "name") : id,
					region, datasets, NULL, doc, &iid);
			json_decref(arn);
			if (rc < 0)
				return rc;
			if ((rc = norm_edge(n, iid, norm_alias_id(n, jsonx_strz(in, "SubnetId")), "in-subnet")) < 0)
				return rc;
			json_array_foreach(json_object_get(in, "SecurityGroups"), j, g) {
				int64_t sg = norm_alias_id(n, jsonx_strz(g, "GroupId"));

				if ((rc = norm_edge(n, iid, sg, "in-security-group")) < 0)
					return rc;
				if (faces && json_object_get(open_groups, jsonx_strz(g, "GroupId")) &&
				    (rc = norm_edge(n, iid, sg, "faces-internet")) < 0)
					return rc;
			}
		}
	}
	return 0;
}

int norm_net(struct norm *n)
{
	const char *regions[64];
	size_t i, nr = norm_regions(n, regions, 64);
	int rc = 0;

	for (i = 0; i < nr && rc == 0; i++) {
		json_t *open = json_object();

		if (!open)
			return err_set(ERR_NOMEM, "out of memory");
		if ((rc = vpcs_and_subnets(n, regions[i])) == 0 && (rc = security_groups(n, regions[i], open)) == 0 &&
		    (rc = network_acls(n, regions[i])) == 0)
			rc = instances(n, regions[i], open);
		json_decref(open);
	}
	return rc;
}
