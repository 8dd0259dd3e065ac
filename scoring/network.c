/*
 * Network conflicts of the consolidation plan: the ranges of both estates
 * (VPCs, VNets, subnets, cluster pod and service ranges, and the engagement
 * file's on-premises and VPN ranges), every overlapping pair between
 * companies, and unused default VPCs collapsed into one line.
 */
#include "network.h"

#include <stdlib.h>
#include <string.h>

#include "consolidate_int.h"
#include "core/err.h"
#include "core/jsonx.h"
#include "core/util.h"

struct range {
	struct cidr c;
	int company;
	const char *kind;    /* vpc, vnet, subnet, pod-range, service-range, or the declared network's kind */
	const char *name;
	const char *top;     /* the network it belongs to: its VPC or VNet, the cluster, the declared network */
	const struct cons_asset *asset;
	const struct cons_asset *vpc; /* its VPC asset (itself for a VPC) when known */
	int unused_default;
};

struct nctx {
	const struct cons_input *in;
	struct range *r;
	size_t n, alloc;
	json_t *names;       /* owned strings the ranges point to */
};

static const char *keep_str(struct nctx *x, const char *s)
{
	json_t *v = json_string(s ? s : "");

	if (!v || json_array_append_new(x->names, v) < 0)
		return "";
	return json_string_value(v);
}

static int add_range(struct nctx *x, const struct cidr *c, int company, const char *kind, const char *name,
		     const char *top, const struct cons_asset *asset)
{
	size_t i;

	/* One asset listing a range twice (a VPC's association set and its primary block) is one range. */
	for (i = x->n; asset && i > 0 && x->r[i - 1].asset == asset; i--)
		if (cidr_equal(&x->r[i - 1].c, c) && !strcmp(x->r[i - 1].kind, kind))
			return 0;
	if (x->n == x->alloc) {
		size_t na = x->alloc ? x->alloc * 2 : 256;
		struct range *p = realloc(x->r, na * sizeof(*p));

		if (!p)
			return err_set(ERR_NOMEM, "out of memory");
		x->r = p;
		x->alloc = na;
	}
	memset(&x->r[x->n], 0, sizeof(x->r[x->n]));
	x->r[x->n].c = *c;
	x->r[x->n].company = company;
	x->r[x->n].kind = kind;
	x->r[x->n].name = name;
	x->r[x->n].top = top;
	x->r[x->n].asset = asset;
	x->n++;
	return 0;
}

/* Members a range may sit in: a string, a list of strings, or a list of objects holding one. */
static const char *const cidr_members[] = { "cidr", "cidrs", "cidr_block", "cidr_blocks", "ipv6_cidr", "ipv6_cidrs",
					    "ipv6_cidr_block", "ipv6_cidr_blocks", "address_prefix", "address_prefixes",
					    "address_space", "ip_cidr_range", "secondary_ranges", "object.CidrBlock",
					    "object.CidrBlockAssociationSet", "object.Ipv6CidrBlockAssociationSet",
					    "object.properties.addressSpace.addressPrefixes",
					    "object.properties.addressPrefix", "object.properties.addressPrefixes",
					    "object.ipCidrRange", "object.secondaryIpRanges", "object.IPv4Range", NULL };
static const char *const pod_members[] = { "pod_cidr", "pod_cidrs", "cluster_cidr", "object.clusterIpv4Cidr",
					   "object.properties.networkProfile.podCidr",
					   "object.properties.networkProfile.podCidrs", NULL };
static const char *const service_members[] = { "service_cidr", "service_cidrs",
					       "object.kubernetesNetworkConfig.serviceIpv4Cidr",
					       "object.kubernetesNetworkConfig.serviceIpv6Cidr", "object.servicesIpv4Cidr",
					       "object.properties.networkProfile.serviceCidr",
					       "object.properties.networkProfile.serviceCidrs", NULL };
static const char *const inner_members[] = { "cidr", "cidr_block", "CidrBlock", "Ipv6CidrBlock", "ipv6_cidr_block",
					     "ip_cidr_range", "ipCidrRange", "address_prefix", "addressPrefix", NULL };

static int add_value(struct nctx *x, const json_t *v, const struct cons_asset *a, const char *kind, const char *top)
{
	const char *s = NULL, *state;
	struct cidr c;
	size_t i;

	if (json_is_string(v)) {
		s = json_string_value(v);
	} else if (json_is_object(v)) {
		/* AWS association sets say when a block is gone. */
		state = cons_str(v, "CidrBlockState.State") ? cons_str(v, "CidrBlockState.State")
							     : cons_str(v, "Ipv6CidrBlockState.State");
		if (state && (cons_strcaseeq(state, "disassociated") || cons_strcaseeq(state, "disassociating") ||
			      cons_strcaseeq(state, "failed")))
			return 0;
		for (i = 0; inner_members[i] && !s; i++)
			s = cons_str(v, inner_members[i]);
		if (!s && json_is_array(json_object_get(v, "address_prefixes")))
			return add_value(x, json_object_get(v, "address_prefixes"), a, kind, top);
	} else if (json_is_array(v)) {
		json_t *item;
		int rc;

		json_array_foreach(v, i, item) {
			if (i >= CONS_MAX_LIST)
				break;
			if (!json_is_array(item) && (rc = add_value(x, item, a, kind, top)) < 0)
				return rc;
		}
		return 0;
	}
	if (!s || cidr_parse_str(&c, s, 0) < 0) {
		err_clear();
		return 0;
	}
	return add_range(x, &c, a->company, kind, keep_str(x, a->name), top, a);
}

static int add_members(struct nctx *x, const struct cons_asset *a, const char *const *members, const char *kind,
		       const char *top)
{
	size_t i;
	int rc = 0;

	for (i = 0; members[i] && rc == 0; i++)
		rc = add_value(x, jsonx_dig(a->doc, members[i]), a, kind, top);
	return rc;
}

static int leaf_in(const struct cons_asset *a, const char *const *names)
{
	char leaf[64];

	cons_kind_leaf(cons_kind(a), leaf, sizeof(leaf));
	for (; *names; names++)
		if (!strcmp(leaf, *names))
			return 1;
	return 0;
}

static const char *const vpc_leaves[] = { "vpc", "vpcs", NULL };
static const char *const vnet_leaves[] = { "vnet", "vnets", "virtualnetwork", "virtualnetworks", NULL };
static const char *const net_leaves[] = { "network", "networks", NULL }; /* with a cloud prefix (gcp.compute.network) */
static const char *const subnet_leaves[] = { "subnet", "subnets", "subnetwork", "subnetworks", NULL };
/* Assets that describe a network rather than use it. */
static const char *const structural_leaves[] = { "vpc", "vpcs", "subnet", "subnets", "securitygroup", "security-group",
						 "security_group", "routetable", "route-table", "route_table", "networkacl",
						 "network-acl", "network_acl", "internetgateway", "internet-gateway",
						 "internet_gateway", "dhcpoptions", "dhcp-options", "flowlog", "flow-log",
						 "flow_log", NULL };
static const char *const vpc_ref_members[] = { "vpc", "vpc_id", "VpcId", "object.VpcId", "network", "virtual_network",
					       "vnet", "object.network", NULL };
static const char *const subnet_ref_members[] = { "subnet", "subnet_id", "SubnetId", "object.SubnetId", NULL };
static const char *const subnet_list_members[] = { "subnets", "subnet_ids", "object.SubnetIds",
						   "object.resourcesVpcConfig.subnetIds", "object.Subnets", NULL };
static const char *const ident_members[] = { "id", "vpc_id", "VpcId", "object.VpcId", "subnet_id", "SubnetId",
					     "object.SubnetId", "self_link", "object.selfLink", NULL };

/* 1 when s names asset a (its key or an id member). */
static int names_asset(const char *s, const struct cons_asset *a)
{
	size_t i;

	if (!s || !*s)
		return 0;
	if (!strcmp(s, a->key))
		return 1;
	for (i = 0; ident_members[i]; i++)
		if (cons_str(a->doc, ident_members[i]) && !strcmp(s, cons_str(a->doc, ident_members[i])))
			return 1;
	return 0;
}

/* The VPC or VNet a subnet belongs to, among the company's VPC-like assets. */
static const struct cons_asset *parent_of(const struct cons_input *in, const struct cons_asset *sub)
{
	const char *refs[16];
	struct strbuf prefix = STRBUF_INIT;
	const char *p;
	size_t n = 0, i, j;
	const struct cons_asset *found = NULL;

	for (i = 0; vpc_ref_members[i] && n < 15; i++)
		if (cons_str(sub->doc, vpc_ref_members[i]))
			refs[n++] = cons_str(sub->doc, vpc_ref_members[i]);
	/* Azure ids: .../virtualNetworks/NAME/subnets/SUB */
	if ((p = strstr(sub->key, "/subnets/"))) {
		strbuf_add(&prefix, sub->key, (size_t)(p - sub->key));
		refs[n++] = prefix.buf;
	}
	for (i = 0; i < in->nassets && !found; i++) {
		const struct cons_asset *a = &in->assets[i];

		if (a->company != sub->company ||
		    !(leaf_in(a, vpc_leaves) || leaf_in(a, vnet_leaves) || (strchr(cons_kind(a), '.') && leaf_in(a, net_leaves))))
			continue;
		for (j = 0; j < n && !found; j++)
			if (names_asset(refs[j], a) || (a->key && cons_strcaseeq(refs[j], a->key)))
				found = a;
	}
	strbuf_release(&prefix);
	return found;
}

static int is_structural(const struct cons_asset *a)
{
	return leaf_in(a, structural_leaves) || leaf_in(a, vnet_leaves) || leaf_in(a, subnet_leaves);
}

/*
 * A default VPC is in use when its document says so (in_use, or counts of
 * instances or interfaces), or when anything that is not part of the network
 * itself names it or one of its subnets, or has an edge to them.
 */
static int vpc_used(const struct nctx *x, const struct cons_asset *vpc)
{
	static const char *const counts[] = { "instances", "instance_count", "network_interfaces", "eni_count", NULL };
	const struct cons_input *in = x->in;
	json_t *v, *item;
	size_t i, j, k;
	int b;

	if ((b = cons_bool(vpc->doc, "in_use")) >= 0)
		return b;
	for (i = 0; counts[i]; i++) {
		v = json_object_get(vpc->doc, counts[i]);
		if (json_is_integer(v))
			return json_integer_value(v) > 0;
		if (json_is_array(v))
			return json_array_size(v) > 0;
	}
	for (i = 0; i < in->nassets; i++) {
		const struct cons_asset *a = &in->assets[i];

		if (a->company != vpc->company || is_structural(a))
			continue;
		for (j = 0; vpc_ref_members[j]; j++)
			if (names_asset(cons_str(a->doc, vpc_ref_members[j]), vpc))
				return 1;
		for (k = 0; k < x->n; k++) {
			const struct cons_asset *sub = x->r[k].asset;

			if (x->r[k].vpc != vpc || !sub || sub == vpc)
				continue;
			for (j = 0; subnet_ref_members[j]; j++)
				if (names_asset(cons_str(a->doc, subnet_ref_members[j]), sub))
					return 1;
			for (j = 0; subnet_list_members[j]; j++) {
				size_t m;

				json_array_foreach(jsonx_dig(a->doc, subnet_list_members[j]), m, item) {
					if (names_asset(json_string_value(item), sub))
						return 1;
				}
			}
		}
	}
	for (i = 0; i < in->nedges; i++) {
		const struct cons_asset *f = cons_asset_by_id(in, in->edges[i].from);
		const struct cons_asset *t = cons_asset_by_id(in, in->edges[i].to);

		if (!f || !t)
			continue;
		for (k = 0; k < x->n; k++) {
			if (x->r[k].vpc != vpc || !x->r[k].asset)
				continue;
			if ((f == x->r[k].asset && !is_structural(t)) || (t == x->r[k].asset && !is_structural(f)))
				return 1;
		}
	}
	return 0;
}

/* A cluster-level range, once per (company, top, kind, range). */
static int add_cluster_range(struct nctx *x, const struct cidr *c, int co, const char *kind, const char *top,
			     const struct cons_asset *a)
{
	size_t i;

	for (i = 0; i < x->n; i++)
		if (x->r[i].company == co && !strcmp(x->r[i].kind, kind) && !strcmp(x->r[i].top, top) &&
		    cidr_equal(&x->r[i].c, c))
			return 0;
	return add_range(x, c, co, kind, top, top, a);
}

/* "--flag=a,b" in a control-plane pod's command line. */
static int add_flag_ranges(struct nctx *x, const struct cons_asset *pod, const char *arg, const char *top,
			   const struct cons_asset *owner)
{
	static const char *const flags[][2] = { { "--service-cluster-ip-range=", "service-range" },
						{ "--cluster-cidr=", "pod-range" } };
	struct cidr c;
	size_t f;
	int rc = 0;

	(void)pod;
	for (f = 0; f < 2; f++) {
		const char *p;

		if (!util_has_prefix(arg, flags[f][0]))
			continue;
		for (p = arg + strlen(flags[f][0]); *p && rc == 0;) {
			const char *comma = strchr(p, ',');
			size_t len = comma ? (size_t)(comma - p) : strlen(p);

			if (cidr_parse(&c, p, len, 0) == 0)
				rc = add_cluster_range(x, &c, owner->company, flags[f][1], top, owner);
			err_clear();
			p += len + (comma ? 1 : 0);
		}
	}
	return rc;
}

static int cluster_top(struct nctx *x, const char *cluster, const char **top)
{
	struct strbuf sb = STRBUF_INIT;

	strbuf_addf(&sb, "cluster %s", cluster);
	*top = keep_str(x, sb.buf);
	strbuf_release(&sb);
	return 0;
}

/* Append a range given as text (ignored when it is not one); nodes grow as needed. */
static int push_cidr(struct cidr **v, size_t *n, size_t *cap, const char *s)
{
	struct cidr c;

	if (!s || cidr_parse_str(&c, s, 0) < 0) {
		err_clear();
		return 0;
	}
	if (*n == *cap) {
		size_t nc = *cap ? *cap * 2 : 64;
		struct cidr *p = realloc(*v, nc * sizeof(*p));

		if (!p)
			return err_set(ERR_NOMEM, "out of memory");
		*v = p;
		*cap = nc;
	}
	(*v)[(*n)++] = c;
	return 0;
}

static int collect_cluster_ranges(struct nctx *x)
{
	const struct cons_input *in = x->in;
	struct cidr *nodes = NULL, c;
	size_t i, j, k, nn = 0, cap = 0;
	static const char *const cluster_leaves[] = { "cluster", "managedcluster", "managedclusters", NULL };
	json_t *v, *ctr, *arg;
	const char *top;
	int rc = 0;

	for (i = 0; i < in->nassets && rc == 0; i++) {
		const struct cons_asset *a = &in->assets[i];
		const char *name = cons_str(a->doc, "name") ? cons_str(a->doc, "name") : a->name;
		const struct cons_asset *owner;

		if (a->company < 0)
			continue;
		if (!strcmp(a->kind, "cluster") || (strchr(cons_kind(a), '.') && leaf_in(a, cluster_leaves))) {
			cluster_top(x, a->name, &top);
			if ((rc = add_members(x, a, pod_members, "pod-range", top)) == 0)
				rc = add_members(x, a, service_members, "service-range", top);
		} else if (!strcmp(a->kind, "pod") && cons_strcaseeq(cons_str(a->doc, "namespace"), "kube-system") && name &&
			   (util_has_prefix(name, "kube-apiserver") || util_has_prefix(name, "kube-controller-manager")) &&
			   cons_str(a->doc, "cluster")) {
			owner = cons_asset_by_ref(in, a->company, "cluster", cons_str(a->doc, "cluster"));
			cluster_top(x, cons_str(a->doc, "cluster"), &top);
			json_array_foreach(jsonx_dig(a->doc, "object.spec.containers"), j, ctr) {
				json_array_foreach(json_object_get(ctr, "command"), k, arg) {
					if (rc == 0 && json_is_string(arg))
						rc = add_flag_ranges(x, a, json_string_value(arg), top, owner ? owner : a);
				}
				json_array_foreach(json_object_get(ctr, "args"), k, arg) {
					if (rc == 0 && json_is_string(arg))
						rc = add_flag_ranges(x, a, json_string_value(arg), top, owner ? owner : a);
				}
			}
		}
	}
	/* Nodes: each holds a slice of the cluster's pod range; joined, they show the range in use. */
	for (i = 0; i < in->nassets && rc == 0; i++) {
		const struct cons_asset *a = &in->assets[i], *owner;
		const char *cl = cons_str(a->doc, "cluster");
		json_t *list;

		if (a->company < 0 || strcmp(a->kind, "node") || !cl)
			continue;
		/* The store orders nodes by key (CLUSTER/Node/NAME): the first of a cluster gathers them all
		 * (and should they not be together, ranges found twice are kept once). */
		if (i > 0 && in->assets[i - 1].company == a->company && !strcmp(in->assets[i - 1].kind, "node") &&
		    cons_str(in->assets[i - 1].doc, "cluster") && !strcmp(cons_str(in->assets[i - 1].doc, "cluster"), cl))
			continue;
		nn = 0;
		for (j = i; j < in->nassets; j++) {
			const struct cons_asset *b = &in->assets[j];

			if (b->company != a->company || strcmp(b->kind, "node") || !cons_str(b->doc, "cluster") ||
			    strcmp(cons_str(b->doc, "cluster"), cl))
				continue;
			list = jsonx_dig(b->doc, "object.spec.podCIDRs");
			if (json_is_array(list)) {
				json_array_foreach(list, k, v) {
					if (rc == 0)
						rc = push_cidr(&nodes, &nn, &cap, json_string_value(v));
				}
			} else if (rc == 0) {
				rc = push_cidr(&nodes, &nn, &cap, cons_str(b->doc, "object.spec.podCIDR"));
			}
			if (rc < 0)
				goto cleanup;
		}
		cidr_aggregate(nodes, &nn);
		owner = cons_asset_by_ref(in, a->company, "cluster", cl);
		cluster_top(x, cl, &top);
		for (j = 0; j < nn && rc == 0; j++) {
			/* Inside a pod range the cluster states already: nothing new. */
			for (k = 0; k < x->n; k++)
				if (x->r[k].company == a->company && !strcmp(x->r[k].kind, "pod-range") &&
				    !strcmp(x->r[k].top, top) && cidr_contains(&x->r[k].c, &nodes[j]))
					break;
			if (k < x->n)
				continue;
			c = nodes[j];
			rc = add_cluster_range(x, &c, a->company, "pod-range", top, owner ? owner : a);
		}
	}
cleanup:
	free(nodes);
	return rc;
}

static int collect(struct nctx *x)
{
	const struct cons_input *in = x->in;
	json_t *net, *r;
	size_t i, j, first;
	struct cidr c;
	int rc = 0;

	json_array_foreach(json_object_get(in->eng->doc, "networks"), i, net) {
		int co = cons_company_index(in, jsonx_str(net, "company"));
		const char *name = keep_str(x, jsonx_str(net, "name"));

		if (co < 0)
			continue; /* engagement_load refuses this; never index with it */
		json_array_foreach(json_object_get(net, "ranges"), j, r) {
			if (cidr_parse_str(&c, json_string_value(r), 0) == 0 &&
			    (rc = add_range(x, &c, co, keep_str(x, jsonx_str(net, "kind")), name, name, NULL)) < 0)
				return rc;
			err_clear();
		}
	}
	for (i = 0; i < in->nassets && rc == 0; i++) {
		const struct cons_asset *a = &in->assets[i];
		const char *kind = NULL;

		if (a->company < 0)
			continue;
		if (leaf_in(a, vpc_leaves) || (strchr(cons_kind(a), '.') && leaf_in(a, net_leaves)))
			kind = "vpc";
		else if (leaf_in(a, vnet_leaves))
			kind = "vnet";
		if (!kind)
			continue;
		first = x->n;
		rc = add_members(x, a, cidr_members, kind, keep_str(x, a->name));
		for (j = first; j < x->n; j++)
			x->r[j].vpc = a;
	}
	for (i = 0; i < in->nassets && rc == 0; i++) {
		const struct cons_asset *a = &in->assets[i], *vpc;

		if (a->company < 0 || !leaf_in(a, subnet_leaves))
			continue;
		vpc = parent_of(in, a);
		first = x->n;
		rc = add_members(x, a, cidr_members, "subnet", keep_str(x, vpc ? vpc->name : a->name));
		for (j = first; j < x->n; j++)
			x->r[j].vpc = vpc;
	}
	if (rc == 0)
		rc = collect_cluster_ranges(x);
	return rc;
}

/* Unused default VPCs (172.31.0.0/16, nothing in them): their ranges and their subnets' are set aside. */
static int mark_unused_defaults(struct nctx *x, json_t *per_company)
{
	static const char *const dflt[] = { "is_default", "default", "IsDefault", "object.IsDefault", NULL };
	struct cidr d;
	size_t i, j, k;
	int b;

	cidr_parse_str(&d, "172.31.0.0/16", CIDR_STRICT);
	for (i = 0; i < x->n; i++) {
		const struct cons_asset *vpc = x->r[i].asset;
		json_t *co;

		if (!vpc || x->r[i].vpc != vpc || !cidr_equal(&x->r[i].c, &d) || x->r[i].unused_default)
			continue;
		for (j = 0, b = -1; dflt[j] && b < 0; j++)
			b = cons_bool(vpc->doc, dflt[j]);
		if (b != 1 || vpc_used(x, vpc))
			continue;
		for (k = 0; k < x->n; k++)
			if (x->r[k].vpc == vpc)
				x->r[k].unused_default = 1;
		co = json_array_get(per_company, (size_t)vpc->company);
		json_object_set_new(co, "count", json_integer(jsonx_int(co, "count", 0) + 1));
		cons_set_add(json_object_get(co, "accounts"), cons_account_of(vpc));
		cons_set_add(json_object_get(co, "regions"),
			     cons_str(vpc->doc, "region") ? cons_str(vpc->doc, "region") : cons_str(vpc->doc, "location"));
		cons_set_add(json_object_get(co, "vpcs"), vpc->key);
	}
	return 0;
}

static json_t *side_json(const struct nctx *x, const struct range *r)
{
	struct strbuf c = STRBUF_INIT, name = STRBUF_INIT;
	json_t *o;

	cidr_format(&c, &r->c);
	cons_text(&name, r->name, 200);
	o = json_pack("{s:s, s:s, s:s, s:s, s:s}", "company", x->in->eng->companies[r->company].id, "kind", r->kind,
		      "cidr", c.buf, "name", name.buf, "network", r->top);
	if (o && r->asset) {
		json_object_set_new(o, "asset", json_pack("{s:s, s:s}", "kind", r->asset->kind, "key", r->asset->key));
		jsonx_set_str(o, "account", cons_account_of(r->asset));
		jsonx_set_str(o, "region", cons_str(r->asset->doc, "region") ? cons_str(r->asset->doc, "region")
									    : cons_str(r->asset->doc, "location"));
	} else if (o) {
		json_object_set_new(o, "asset", json_null());
	}
	strbuf_release(&c);
	strbuf_release(&name);
	return o;
}

/* Pairs kept in memory to group by network; beyond this the groups say they are partial. */
#define GROUP_PAIRS_MAX 200000

static const char *relation(const struct range *a, const struct range *b)
{
	return cidr_equal(&a->c, &b->c) ? "equal" : cidr_contains(&a->c, &b->c) ? "a-contains-b" : "b-contains-a";
}

static int defaults_json(const struct nctx *x, json_t *per_company, json_t **out)
{
	struct strbuf text = STRBUF_INIT;
	long long among = 0, others = 0, total = 0;
	size_t i, j;
	json_t *co, *list = json_array();
	int rc = 0;

	*out = NULL;
	for (i = 0; i < x->n; i++) {
		if (!x->r[i].unused_default || x->r[i].asset != x->r[i].vpc)
			continue;
		for (j = 0; j < x->n; j++) {
			if (x->r[j].company == x->r[i].company || !cidr_overlaps(&x->r[i].c, &x->r[j].c))
				continue;
			if (x->r[j].unused_default) {
				if (x->r[j].asset == x->r[j].vpc && x->r[i].company < x->r[j].company)
					among++;
			} else {
				others++;
			}
		}
	}
	json_array_foreach(per_company, i, co) {
		if (!jsonx_int(co, "count", 0))
			continue;
		total += jsonx_int(co, "count", 0);
		json_array_append(list, co);
	}
	if (!total) {
		json_decref(list);
		*out = json_null();
		return 0;
	}
	strbuf_addf(&text, "%lld unused default VPC%s (172.31.0.0/16, nothing in them): ", total, total == 1 ? "" : "s");
	json_array_foreach(list, i, co) {
		strbuf_addf(&text, "%s%s %lld", i ? ", " : "", jsonx_str(co, "company"), jsonx_int(co, "count", 0));
	}
	strbuf_addf(&text, ". They overlap one another (%lld pair%s across companies) and %lld other range%s; delete "
			   "them rather than re-address anything.",
		    among, among == 1 ? "" : "s", others, others == 1 ? "" : "s");
	*out = json_pack("{s:s, s:I, s:I, s:I, s:o, s:s}", "cidr", "172.31.0.0/16", "count", (json_int_t)total,
			 "pairs_among_them", (json_int_t)among, "overlapping_other_ranges", (json_int_t)others, "companies",
			 list, "text", text.buf);
	if (!*out)
		rc = err_set(ERR_NOMEM, "out of memory");
	strbuf_release(&text);
	return rc;
}

int cons_network(const struct cons_input *in, json_t **out)
{
	struct nctx x;
	struct cidr *v = NULL;
	int *owner = NULL;
	size_t *map = NULL, m = 0, i, np = 0;
	struct network_pair *pairs = NULL;
	json_t *per_company = json_array(), *list = json_array(), *groups = json_object(), *glist = NULL;
	json_t *counts = json_array(), *defaults = NULL, *res = NULL;
	long long total;
	int rc = 0;

	*out = NULL;
	memset(&x, 0, sizeof(x));
	x.in = in;
	x.names = json_array();
	if (!per_company || !list || !groups || !counts || !x.names) {
		rc = err_set(ERR_NOMEM, "out of memory");
		goto cleanup;
	}
	for (i = 0; i < in->eng->ncompanies; i++)
		json_array_append_new(per_company, json_pack("{s:s, s:i, s:[], s:[], s:[]}", "company",
							     in->eng->companies[i].id, "count", 0, "accounts", "regions",
							     "vpcs"));
	if ((rc = collect(&x)) < 0 || (rc = mark_unused_defaults(&x, per_company)) < 0)
		goto cleanup;
	v = calloc(x.n + 1, sizeof(*v));
	owner = calloc(x.n + 1, sizeof(*owner));
	map = calloc(x.n + 1, sizeof(*map));
	if (!v || !owner || !map) {
		rc = err_set(ERR_NOMEM, "out of memory");
		goto cleanup;
	}
	for (i = 0; i < x.n; i++) {
		if (x.r[i].unused_default || x.r[i].company < 0)
			continue;
		v[m] = x.r[i].c;
		owner[m] = x.r[i].company;
		map[m++] = i;
	}
	total = network_overlaps(v, owner, m, GROUP_PAIRS_MAX, &pairs, &np);
	if (total < 0) {
		rc = (int)total;
		goto cleanup;
	}
	for (i = 0; i < np; i++) {
		const struct range *a = &x.r[map[pairs[i].a]], *b = &x.r[map[pairs[i].b]];
		struct strbuf k = STRBUF_INIT, ov = STRBUF_INIT;
		json_t *g;

		if (i < CONS_MAX_PAIRS) {
			cidr_format(&ov, a->c.prefix >= b->c.prefix ? &a->c : &b->c);
			json_array_append_new(list, json_pack("{s:o, s:o, s:s, s:s, s:i}", "a", side_json(&x, a), "b",
							      side_json(&x, b), "overlap", ov.buf, "relation",
							      relation(a, b), "family", a->c.family));
		}
		strbuf_addf(&k, "%d\037%s\037%d\037%s", a->company, a->top, b->company, b->top);
		if (!(g = json_object_get(groups, k.buf))) {
			g = json_pack("{s:{s:s, s:s}, s:{s:s, s:s}, s:i}", "a", "company", in->eng->companies[a->company].id,
				      "network", a->top, "b", "company", in->eng->companies[b->company].id, "network", b->top,
				      "pairs", 0);
			json_object_set_new(groups, k.buf, g);
		}
		json_object_set_new(g, "pairs", json_integer(jsonx_int(g, "pairs", 0) + 1));
		strbuf_release(&k);
		strbuf_release(&ov);
	}
	/* Groups in the order of their first pair: the pairs' order is already deterministic. */
	glist = json_array();
	for (i = 0; i < np && glist; i++) {
		const struct range *a = &x.r[map[pairs[i].a]], *b = &x.r[map[pairs[i].b]];
		struct strbuf k = STRBUF_INIT;
		json_t *g;

		strbuf_addf(&k, "%d\037%s\037%d\037%s", a->company, a->top, b->company, b->top);
		if ((g = json_object_get(groups, k.buf)) && !json_object_get(g, "listed")) {
			json_object_set_new(g, "listed", json_true());
			json_array_append(glist, g);
		}
		strbuf_release(&k);
	}
	json_array_foreach(glist, i, res) json_object_del(res, "listed");
	res = NULL;
	for (i = 0; i < in->eng->ncompanies; i++) {
		long long n4 = 0, n6 = 0;
		size_t j;

		for (j = 0; j < x.n; j++)
			if (x.r[j].company == (int)i) {
				n4 += x.r[j].c.family == 4;
				n6 += x.r[j].c.family == 6;
			}
		json_array_append_new(counts, json_pack("{s:s, s:I, s:I}", "company", in->eng->companies[i].id, "ipv4",
							(json_int_t)n4, "ipv6", (json_int_t)n6));
	}
	if ((rc = defaults_json(&x, per_company, &defaults)) < 0)
		goto cleanup;
	res = json_pack("{s:o, s:I, s:I, s:b, s:o, s:b, s:o, s:o}", "ranges", counts, "pair_count", (json_int_t)total,
			"pairs_listed", (json_int_t)json_array_size(list), "truncated", total > (long long)json_array_size(list),
			"pairs", list, "by_network_partial", total > (long long)np, "by_network", glist, "default_vpcs",
			defaults);
	counts = list = glist = defaults = NULL;
	if (!res) {
		rc = err_set(ERR_NOMEM, "out of memory");
		goto cleanup;
	}
	*out = res;
cleanup:
	free(v);
	free(owner);
	free(map);
	free(pairs);
	free(x.r);
	json_decref(x.names);
	json_decref(per_company);
	json_decref(list);
	json_decref(groups);
	json_decref(glist);
	json_decref(counts);
	json_decref(defaults);
	return rc;
}
