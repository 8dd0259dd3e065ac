#!/usr/bin/env python3
"""Check vetter's AWS call table against botocore's service models.

usage: aws_check_calls.py CALLS_JSON

CALLS_JSON is aws_calls_dump()'s output.  For every row: the operation exists;
protocol, HTTP method and path are botocore's; every request parameter the row
sends is a parameter of the operation under the name its protocol serialises
it as; the paging members are the paginator's (request side as serialised, the
answer side as the AWS CLI names it); the CLI command is botocore's xform_name
of the action.  For every service: endpoint prefix, signing name, API version,
JSON target prefix and version.  Prints each disagreement; exits 1 if any.
"""
import gzip
import json
import os
import sys

import botocore
from botocore import xform_name

ROOT = os.path.join(os.path.dirname(botocore.__file__), "data")
PROTO = {"query": "query", "ec2": "ec2", "json": "json", "rest-json": "rest-json", "rest-xml": "rest-xml"}


def load(service, name):
    d = os.path.join(ROOT, service)
    v = sorted(os.listdir(d))[-1]
    p = os.path.join(d, v, name)
    if not os.path.exists(p):
        return {}
    if p.endswith(".gz"):
        with gzip.open(p) as f:
            return json.load(f)
    with open(p) as f:
        return json.load(f)


def serialized_names(model, op, protocol):
    """name -> location ('body', 'querystring', 'uri', 'header') for the input's top-level members."""
    out = {}
    if "input" not in op:
        return out
    shape = model["shapes"][op["input"]["shape"]]
    for name, ref in shape.get("members", {}).items():
        loc = ref.get("location", "body")
        if protocol == "ec2":
            if "queryName" in ref:
                s = ref["queryName"]
            elif "locationName" in ref:
                s = ref["locationName"][0].upper() + ref["locationName"][1:]
            else:
                s = name
        else:
            s = ref.get("locationName", name)
        out[s] = loc
    return out


def main():
    dump = json.load(open(sys.argv[1]))
    problems = []
    services = {s["name"]: s for s in dump["services"]}
    for s in dump["services"]:
        md = load(s["name"], "service-2.json.gz")["metadata"]
        want = {"endpoint": md.get("endpointPrefix"), "signing": md.get("signingName", md.get("endpointPrefix")),
                "version": md.get("apiVersion")}
        if s["name"] == "s3control":
            want["signing"] = "s3"
        if md.get("protocol") == "json" or (s.get("target") and md.get("targetPrefix")):
            want["target"] = md.get("targetPrefix")
            want["json_version"] = md.get("jsonVersion")
        for k, v in want.items():
            if v is not None and s.get(k) != v:
                problems.append("service %s: %s is %r, botocore says %r" % (s["name"], k, s.get(k), v))
    for c in dump["calls"]:
        where = "%s:%s" % (c["service"], c["action"])
        model = load(c["service"], "service-2.json.gz")
        pag = load(c["service"], "paginators-1.json").get("pagination", {})
        op = model["operations"].get(c["action"])
        if not op:
            problems.append("%s: no such operation" % where)
            continue
        md = model["metadata"]
        protocols = md.get("protocols", [md["protocol"]])
        if c["protocol"] not in protocols:
            problems.append("%s: protocol %s, botocore has %s" % (where, c["protocol"], protocols))
        if op["http"]["method"] != c["method"]:
            problems.append("%s: method %s, botocore %s" % (where, c["method"], op["http"]["method"]))
        if c["protocol"] in ("rest-json", "rest-xml") and op["http"]["requestUri"] != c["path"]:
            problems.append("%s: path %s, botocore %s" % (where, c["path"], op["http"]["requestUri"]))
        if xform_name(c["action"], "-") != c["cli"]:
            problems.append("%s: CLI command %s, botocore %s" % (where, c["cli"], xform_name(c["action"], "-")))
        names = serialized_names(model, op, c["protocol"])
        params = c["params"]
        sent = []
        if c["protocol"] in ("query", "ec2") or (c["protocol"] in ("rest-json", "rest-xml") and c["method"] == "GET"):
            for pair in [p for p in params.split("&") if p]:
                sent.append((pair.split("=")[0].split(".")[0], "querystring" if c["protocol"].startswith("rest") else "body"))
        elif params:
            for k in json.loads(params):
                sent.append((k, "body"))
        for name, loc in sent:
            if names.get(name) != loc:
                problems.append("%s: parameter %s (%s) is not one botocore sends there (%s)" %
                                (where, name, loc, sorted(names.items())))
        p = pag.get(c["action"])
        if p:
            it = p["input_token"]
            ref = model["shapes"][op["input"]["shape"]]["members"].get(it, {})
            if c["protocol"] == "ec2":
                wire_in = it
            else:
                wire_in = ref.get("locationName", it)
            if c["page_in"] != wire_in:
                problems.append("%s: page_in %r, botocore sends %r" % (where, c["page_in"], wire_in))
            if c["page_out"] != p["output_token"]:
                problems.append("%s: page_out %r, botocore's answer has %r" % (where, c["page_out"], p["output_token"]))
            if (p.get("more_results") or None) != c.get("more"):
                problems.append("%s: more %r, botocore %r" % (where, c.get("more"), p.get("more_results")))
        elif c.get("page_in"):
            problems.append("%s: pages with %s, botocore has no paginator" % (where, c["page_in"]))
    for p in problems:
        print(p)
    print("%d calls, %d services checked, %d problems" % (len(dump["calls"]), len(services), len(problems)))
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
