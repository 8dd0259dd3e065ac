#!/usr/bin/env python3
"""A recording proxy between vetter and moto_server (plain HTTP, loopback).

usage: aws_proxy.py --upstream URL --calls CALLS_JSON --log FILE [--faults FAULTS_JSON]
Prints "PORT\\n" once listening on 127.0.0.1, then serves until killed.

Every request is identified as service:action (query and ec2 protocols by the
Action in the form, json by X-Amz-Target, rest protocols by method and path
against the call table's paths) and written to the log as a JSON line
{service, action, region, account, method, path, allowed}, and for
AssumeRole the role_arn and external_id it was asked with.  A request that
is not a row of vetter's call table (CALLS_JSON, aws_calls_dump()) is a
violation: logged with allowed=false, answered 403 and never forwarded.

The account of a request is learned from the AssumeRole answers that pass
through (access key -> role's account); base keys are moto's default account.

FAULTS_JSON is a list of rules, each matching on any of service, action,
region, account, access_key, token, and applied at most "times" times:
  {"status": 400, "body": "...", "headers": {...}}   answer instead of moto
  {"rewrite": [["old", "new"], ...]}                  moto's answer, edited
  {"rewrite_re": [["pattern", "new"], ...]}           the same with regular expressions
  {"root_row": "<root_account>,arn:..."}              GetCredentialReport with a root row added
The secret keys and session tokens STS hands out are written to LOG.issued, one a line.
"""
import argparse
import base64
import http.client
import http.server
import json
import re
import sys
import threading
import urllib.parse

lock = threading.Lock()
calls = []
services = {}
faults = []
accounts = {}
log_path = None
upstream = None
DEFAULT_ACCOUNT = "123456789012"


def identify(method, path, query, headers, body):
    auth = headers.get("Authorization", "")
    m = re.search(r"Credential=([^/]+)/\d{8}/([^/]+)/([^/]+)/aws4_request", auth)
    ak, region, signing = (m.group(1), m.group(2), m.group(3)) if m else ("", "", "")
    candidates = [s for s in services.values() if s["signing"] == signing]
    target = headers.get("X-Amz-Target")
    ctype = headers.get("Content-Type", "")
    rpc = re.match(r"^/service/([^/]+)/operation/([^/]+)$", path)
    if target or rpc:
        # JSON, or Smithy RPC v2 CBOR (newer botocore's CloudWatch): the same actions in another wire form.
        prefix, _, action = target.rpartition(".") if target else (rpc.group(1), "", rpc.group(2))
        for c in calls:
            svc = services[c["service"]]
            if svc.get("target") == prefix and c["action"] == action and c["protocol"] == "json":
                return c, ak, region
        for c in calls:
            if c["action"] == action and services[c["service"]] in candidates:
                return c, ak, region
        return {"service": signing, "action": action}, ak, region
    if method == "POST" and ctype.startswith("application/x-www-form-urlencoded"):
        form = dict(urllib.parse.parse_qsl(body.decode("utf-8", "replace")))
        action = form.get("Action", "")
        for c in calls:
            if c["action"] == action and c["protocol"] in ("query", "ec2") and services[c["service"]] in candidates:
                return c, ak, region
        return {"service": signing, "action": action}, ak, region
    qkeys = set(k for k, _ in urllib.parse.parse_qsl(query, keep_blank_values=True))
    for c in calls:
        if c["protocol"] not in ("rest-json", "rest-xml") or c["method"] != method:
            continue
        if services[c["service"]] not in candidates:
            continue
        tpath, _, tquery = c["path"].partition("?")
        pattern = "^" + re.sub(r"\{[^}]+\}", "[^/]+", re.escape(tpath).replace(r"\{", "{").replace(r"\}", "}")) + "$"
        if not re.match(pattern, urllib.parse.unquote(path) if tpath != "/" else path):
            continue
        if tquery and tquery not in qkeys:
            continue
        if not tquery and c["service"] == "s3" and tpath.startswith("/{Bucket}"):
            continue
        if c["service"] == "s3" and c["action"] != "ListBuckets" and path == "/":
            continue
        if c["service"] == "s3" and c["action"] == "ListBuckets" and qkeys - {"max-buckets", "continuation-token"}:
            continue
        return c, ak, region
    return {"service": signing, "action": method + " " + path + ("?" + query if query else "")}, ak, region


def fault_for(call, ak, region, account, token):
    with lock:
        for f in faults:
            if f.get("times", -1) == 0:
                continue
            if "service" in f and f["service"] != call["service"]:
                continue
            if "action" in f and f["action"] != call["action"]:
                continue
            if "region" in f and f["region"] != region:
                continue
            if "account" in f and f["account"] != account:
                continue
            if "access_key" in f and f["access_key"] != ak:
                continue
            if "token" in f and f["token"] != token:
                continue
            if f.get("times", -1) > 0:
                f["times"] -= 1
            f["used"] = f.get("used", 0) + 1
            return f
    return None


def log(entry):
    with lock, open(log_path, "a") as out:
        out.write(json.dumps(entry, sort_keys=True) + "\n")


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def reply(self, status, body, headers=None):
        self.send_response(status)
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def handle_any(self):
        n = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(n) if n else b""
        u = urllib.parse.urlsplit(self.path)
        call, ak, region = identify(self.command, u.path, u.query, self.headers, body)
        account = accounts.get(ak, DEFAULT_ACCOUNT)
        allowed = "params" in call
        entry = {"service": call["service"], "action": call["action"], "region": region, "account": account,
                 "method": self.command, "path": u.path, "allowed": allowed}
        if call["action"] == "AssumeRole":
            # What the role was asked with (the test's own values: the log is outside what vetter writes).
            form = dict(urllib.parse.parse_qsl(body.decode("utf-8", "replace")))
            entry.update({"role_arn": form.get("RoleArn"), "external_id": form.get("ExternalId")})
        log(entry)
        if not allowed:
            self.reply(403, b'{"__type": "AccessDeniedException", "message": "not in the call table (recording proxy)"}',
                       {"Content-Type": "application/json"})
            return
        f = fault_for(call, ak, region, account, self.headers.get("X-Amz-Security-Token", ""))
        if f and "status" in f:
            self.reply(f["status"], f.get("body", "").encode(), f.get("headers", {}))
            return
        conn = http.client.HTTPConnection(upstream.hostname, upstream.port, timeout=60)
        hdrs = {k: v for k, v in self.headers.items() if k.lower() not in ("connection", "content-length")}
        conn.request(self.command, self.path, body=body, headers=hdrs)
        resp = conn.getresponse()
        data = resp.read()
        rheaders = {k: v for k, v in resp.getheaders()
                    if k.lower() not in ("content-length", "transfer-encoding", "connection")}
        conn.close()
        if call["action"] == "AssumeRole" and resp.status == 200:
            key = re.search(rb"<AccessKeyId>([^<]+)</AccessKeyId>", data)
            arn = re.search(rb"<Arn>arn:aws:sts::(\d{12}):assumed-role", data)
            if key and arn:
                with lock:
                    accounts[key.group(1).decode()] = arn.group(1).decode()
            # The secrets STS handed out, for the test to look for in vetter's store, logs and report.
            with lock, open(log_path + ".issued", "a") as out:
                for tag in (rb"SecretAccessKey", rb"SessionToken"):
                    m = re.search(rb"<" + tag + rb">([^<]+)</" + tag + rb">", data)
                    if m:
                        out.write(m.group(1).decode() + "\n")
        if f and "rewrite" in f:
            for old, new in f["rewrite"]:
                data = data.replace(old.encode(), new.encode())
        if f and "rewrite_re" in f:
            for pattern, new in f["rewrite_re"]:
                data = re.sub(pattern.encode(), new.encode(), data)
        if f and "root_row" in f and resp.status == 200:
            m = re.search(rb"<Content>([^<]*)</Content>", data)
            if m:
                csv = base64.b64decode(m.group(1)).decode()
                head, _, rest = csv.partition("\n")
                csv = head + "\n" + f["root_row"] + "\n" + rest
                data = data.replace(m.group(1), base64.b64encode(csv.encode()))
        self.reply(resp.status, data, rheaders)

    do_GET = do_POST = do_HEAD = do_PUT = do_DELETE = do_PATCH = handle_any


def main():
    global log_path, upstream, calls, services, faults
    ap = argparse.ArgumentParser()
    ap.add_argument("--upstream", required=True)
    ap.add_argument("--calls", required=True)
    ap.add_argument("--log", required=True)
    ap.add_argument("--faults")
    a = ap.parse_args()
    log_path = a.log
    upstream = urllib.parse.urlsplit(a.upstream)
    dump = json.load(open(a.calls))
    calls = dump["calls"]
    services = {s["name"]: s for s in dump["services"]}
    if a.faults:
        faults = json.load(open(a.faults))
    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    print(srv.server_address[1], flush=True)
    srv.serve_forever()


if __name__ == "__main__":
    main()
