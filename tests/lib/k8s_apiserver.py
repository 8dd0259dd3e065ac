#!/usr/bin/env python3
"""A loopback HTTPS server that answers like a Kubernetes API server, for the
kubernetes connector tests.

usage: k8s_apiserver.py --tls CERT KEY --data DIR --log FILE [--token T] [--client-ca CA]
                        [--page N] [--deny RESOURCE]... [--mode MODE] [--redirect-to URL]
                        [--hostile-secrets]

Prints "PORT\n" once listening on 127.0.0.1, then serves until killed.

The objects are the recorded ones in DIR (../shared/data/k8s/api-responses/k9s-object-dumps, the pod
list beside it) plus a few made here so that every edge the connector draws has something to join
(namespaces with Pod Security labels, a second node, services that select workloads, an ingress,
webhook configurations, a canary Secret).  They are served the way an API server serves them:
discovery (/api, /apis, /api/v1, /apis/G/V), lists whose items carry no kind or apiVersion, paging
with limit and continue (never more than --page items a page, whatever the client asks), metadata
only (PartialObjectMetadataList) when the Accept header asks for it, and full objects, Secret values
included, to anyone who asks for them.  Subresources (log, exec, ...) answer too, so that asking is
what the tests catch.

Authentication: a bearer token given with --token (which may be repeated), or a client certificate
signed by --client-ca; anything else is a 401.

--deny RESOURCE     403 on every list of that resource (plural name)
--mode html         every answer is an HTML page (200)
--mode truncated    every JSON answer is cut in half
--mode redirect     every answer is a 302 to --redirect-to
--hostile-secrets   Secrets and ConfigMaps are sent whole even when only metadata is asked for

Every request is appended to the log as one JSON line: method, path, query, accept, ua, auth
("token", "cert" or "none"), status, and secret_values (whether the answer held Secret data).
"""
import base64
import copy
import hashlib
import http.server
import json
import os
import ssl
import sys
import threading
import urllib.parse

ARGS = {"page": 2, "deny": set(), "mode": "normal", "tokens": set(), "client_ca": None,
        "hostile": False, "redirect_to": None, "log": None}
LOCK = threading.Lock()
PORT = [0]

# plural -> (group, version, namespaced, kind, short names)
RESOURCES = {
    "namespaces": ("", "v1", False, "Namespace", ["ns"]),
    "nodes": ("", "v1", False, "Node", ["no"]),
    "pods": ("", "v1", True, "Pod", ["po"]),
    "services": ("", "v1", True, "Service", ["svc"]),
    "serviceaccounts": ("", "v1", True, "ServiceAccount", ["sa"]),
    "configmaps": ("", "v1", True, "ConfigMap", ["cm"]),
    "secrets": ("", "v1", True, "Secret", []),
    "deployments": ("apps", "v1", True, "Deployment", ["deploy"]),
    "replicasets": ("apps", "v1", True, "ReplicaSet", ["rs"]),
    "statefulsets": ("apps", "v1", True, "StatefulSet", ["sts"]),
    "daemonsets": ("apps", "v1", True, "DaemonSet", ["ds"]),
    "jobs": ("batch", "v1", True, "Job", []),
    "cronjobs": ("batch", "v1", True, "CronJob", ["cj"]),
    "ingresses": ("networking.k8s.io", "v1", True, "Ingress", ["ing"]),
    "networkpolicies": ("networking.k8s.io", "v1", True, "NetworkPolicy", ["netpol"]),
    "roles": ("rbac.authorization.k8s.io", "v1", True, "Role", []),
    "rolebindings": ("rbac.authorization.k8s.io", "v1", True, "RoleBinding", []),
    "clusterroles": ("rbac.authorization.k8s.io", "v1", False, "ClusterRole", []),
    "clusterrolebindings": ("rbac.authorization.k8s.io", "v1", False, "ClusterRoleBinding", []),
    "customresourcedefinitions": ("apiextensions.k8s.io", "v1", False, "CustomResourceDefinition", ["crd"]),
    "validatingwebhookconfigurations": ("admissionregistration.k8s.io", "v1", False,
                                        "ValidatingWebhookConfiguration", []),
    "mutatingwebhookconfigurations": ("admissionregistration.k8s.io", "v1", False,
                                      "MutatingWebhookConfiguration", []),
}
KIND_TO_RES = {v[3]: k for k, v in RESOURCES.items()}
VERSION = {"major": "1", "minor": "29", "gitVersion": "v1.29.3", "gitCommit": "6813625b7cd706db5bc7388921be03071e1a492d",
           "gitTreeState": "clean", "buildDate": "2024-03-14T23:58:36Z", "goVersion": "go1.21.8",
           "compiler": "gc", "platform": "linux/amd64"}
CANARY = "vetter-canary-3b1f9e2d"
DIGEST = "sha256:" + "5f" * 32

OBJECTS = {k: [] for k in RESOURCES}

# Files of the recorded dumps used, in order (po_init.json and n1.json repeat names of others).
RECORDED = ["ns.json", "no.json", "po.json", "po_sidecar.json", "p1.json", "dp.json", "rs.json", "sts.json",
            "ds.json", "job.json", "cj.json", "svc.json", "ing.json", "np.json", "sa.json", "ro.json", "rb.json",
            "cr.json", "crb.json", "crd.json", "dr.json", "cm.json", "sec.json", "secret.json"]


def b64(s):
    return base64.b64encode(s.encode()).decode()


def meta(name, ns=None, **kw):
    m = {"name": name, "uid": "00000000-0000-4000-8000-" + hashlib.sha256(("%s/%s" % (ns, name)).encode()).hexdigest()[:12],
         "resourceVersion": "1000", "creationTimestamp": "2024-03-20T10:00:00Z"}
    if ns:
        m["namespace"] = ns
    m.update(kw)
    return m


def made_here():
    applied = json.dumps({"apiVersion": "v1", "kind": "Secret", "data": {"api-key": b64(CANARY)},
                          "metadata": {"name": "canary", "namespace": "default"}})
    return [
        {"apiVersion": "v1", "kind": "Namespace", "metadata": meta("default"), "spec": {"finalizers": ["kubernetes"]},
         "status": {"phase": "Active"}},
        {"apiVersion": "v1", "kind": "Namespace",
         "metadata": meta("icx", labels={"kubernetes.io/metadata.name": "icx",
                                         "pod-security.kubernetes.io/enforce": "restricted",
                                         "pod-security.kubernetes.io/enforce-version": "v1.29",
                                         "pod-security.kubernetes.io/warn": "baseline"}),
         "spec": {"finalizers": ["kubernetes"]}, "status": {"phase": "Active"}},
        {"apiVersion": "v1", "kind": "Node",
         "metadata": meta("worker-arm", labels={"kubernetes.io/arch": "arm64", "kubernetes.io/os": "linux",
                                                "node-role.kubernetes.io/worker": ""}),
         "spec": {},
         "status": {"nodeInfo": {"architecture": "arm64", "bootID": "b", "containerRuntimeVersion": "containerd://1.7.2",
                                 "kernelVersion": "5.15.0-1057-aws", "kubeProxyVersion": "v1.29.3",
                                 "kubeletVersion": "v1.29.3", "machineID": "m", "operatingSystem": "linux",
                                 "osImage": "Ubuntu 22.04.4 LTS", "systemUUID": "s"}}},
        {"apiVersion": "v1", "kind": "Pod",
         "metadata": meta("icx-db-7d4b578979-x2x9k", "icx", labels={"app": "icx-db", "pod-template-hash": "7d4b578979"},
                          ownerReferences=[{"apiVersion": "apps/v1", "kind": "ReplicaSet", "name": "icx-db-7d4b578979",
                                            "uid": "u", "controller": True, "blockOwnerDeletion": True}]),
         "spec": {"containers": [{"name": "icx-db", "image": "postgres:9.2-alpine",
                                  "env": [{"name": "POSTGRES_PASSWORD",
                                           "valueFrom": {"secretKeyRef": {"name": "icx-creds", "key": "pg_pwd"}}}]}],
                  "nodeName": "worker-arm", "serviceAccountName": "default"},
         "status": {"phase": "Running", "containerStatuses": [
             {"name": "icx-db", "image": "postgres:9.2-alpine", "imageID": "docker-pullable://postgres@" + DIGEST,
              "ready": True, "restartCount": 0, "state": {"running": {"startedAt": "2024-03-20T10:01:00Z"}}}]}},
        {"apiVersion": "v1", "kind": "Service", "metadata": meta("icx-db", "icx"),
         "spec": {"type": "NodePort", "selector": {"app": "icx-db"},
                  "ports": [{"port": 5432, "targetPort": 5432, "nodePort": 30432, "protocol": "TCP"}]}},
        {"apiVersion": "v1", "kind": "Service", "metadata": meta("nginx-sts", "default"),
         "spec": {"type": "LoadBalancer", "selector": {"app": "nginx-sts"},
                  "ports": [{"port": 80, "targetPort": 80, "protocol": "TCP"}]}},
        {"apiVersion": "v1", "kind": "ServiceAccount", "metadata": meta("default", "icx")},
        {"apiVersion": "networking.k8s.io/v1", "kind": "Ingress", "metadata": meta("icx-web", "icx"),
         "spec": {"ingressClassName": "nginx", "tls": [{"hosts": ["icx.example.com"], "secretName": "icx-tls"}],
                  "rules": [{"host": "icx.example.com", "http": {"paths": [
                      {"path": "/", "pathType": "Prefix",
                       "backend": {"service": {"name": "icx-db", "port": {"number": 5432}}}}]}}]}},
        {"apiVersion": "admissionregistration.k8s.io/v1", "kind": "ValidatingWebhookConfiguration",
         "metadata": meta("policy-check"),
         "webhooks": [{"name": "check.policy.example.com", "failurePolicy": "Ignore", "sideEffects": "None",
                       "admissionReviewVersions": ["v1"],
                       "clientConfig": {"service": {"name": "policy", "namespace": "kube-system", "path": "/validate"}},
                       "rules": [{"apiGroups": [""], "apiVersions": ["v1"], "operations": ["CREATE"],
                                  "resources": ["pods"], "scope": "*"}]}]},
        {"apiVersion": "admissionregistration.k8s.io/v1", "kind": "MutatingWebhookConfiguration",
         "metadata": meta("sidecar-injector"),
         "webhooks": [{"name": "inject.sidecar.example.com", "failurePolicy": "Fail", "sideEffects": "None",
                       "admissionReviewVersions": ["v1"],
                       "clientConfig": {"url": "https://injector.example.com/mutate"},
                       "rules": [{"apiGroups": [""], "apiVersions": ["v1"], "operations": ["CREATE"],
                                  "resources": ["pods"]}]}]},
        {"apiVersion": "v1", "kind": "Secret", "type": "Opaque",
         "metadata": meta("canary", "default",
                          annotations={"kubectl.kubernetes.io/last-applied-configuration": applied + "\n"}),
         "data": {"api-key": b64(CANARY)}},
        {"apiVersion": "v1", "kind": "ConfigMap", "metadata": meta("app-config", "icx"),
         "data": {"DATABASE_URL": "postgres://icx:" + CANARY + "-cm@icx-db:5432/icx"}},
    ]


def load(data_dir):
    for name in RECORDED:
        with open(os.path.join(data_dir, name)) as f:
            add(json.load(f))
    with open(os.path.join(data_dir, "..", "podlist-rancher-docs-2018.json")) as f:
        for item in json.load(f)["items"]:
            item.setdefault("kind", "Pod")
            add(item)
    for o in made_here():
        add(o)


def add(o):
    res = KIND_TO_RES.get(o.get("kind"))
    if res:
        OBJECTS[res].append(o)


def status(code, reason, message):
    return {"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure", "message": message,
            "reason": reason, "code": code}


def discovery(path):
    if path == "/api":
        return {"kind": "APIVersions", "versions": ["v1"],
                "serverAddressByClientCIDRs": [{"clientCIDR": "0.0.0.0/0", "serverAddress": "127.0.0.1:%d" % PORT[0]}]}
    groups = {}
    for res, (g, v, _, _, _) in RESOURCES.items():
        if g:
            groups.setdefault(g, v)
    if path == "/apis":
        return {"kind": "APIGroupList", "apiVersion": "v1", "groups": [
            {"name": g, "versions": [{"groupVersion": "%s/%s" % (g, v), "version": v}],
             "preferredVersion": {"groupVersion": "%s/%s" % (g, v), "version": v}} for g, v in sorted(groups.items())]}
    gv = path[len("/api/"):] if path.startswith("/api/") else path[len("/apis/"):]
    out = []
    for res, (g, v, nsd, kind, short) in sorted(RESOURCES.items()):
        if ("%s/%s" % (g, v) if g else v) == gv:
            out.append({"name": res, "singularName": kind.lower(), "namespaced": nsd, "kind": kind,
                        "verbs": ["get", "list", "watch"], "shortNames": short})
            if res == "pods":
                for sub in ("log", "exec", "attach", "portforward", "proxy"):
                    out.append({"name": "pods/" + sub, "singularName": "", "namespaced": True, "kind": "Pod",
                                "verbs": ["get"]})
    if not out:
        return None
    return {"kind": "APIResourceList", "apiVersion": "v1", "groupVersion": gv, "resources": out}


def parse_path(path):
    """(resource, namespace, name, subresource) of an API path, or None."""
    parts = [p for p in path.split("/") if p]
    if len(parts) >= 2 and parts[0] == "api" and parts[1] == "v1":
        rest = parts[2:]
        gv = ("", "v1")
    elif len(parts) >= 3 and parts[0] == "apis":
        rest = parts[3:]
        gv = (parts[1], parts[2])
    else:
        return None
    ns = None
    if len(rest) >= 3 and rest[0] == "namespaces":
        ns = rest[1]
        rest = rest[2:]
    if not rest or rest[0] not in RESOURCES or RESOURCES[rest[0]][:2] != gv:
        return None
    return rest[0], ns, rest[1] if len(rest) > 1 else None, "/".join(rest[2:]) or None


def has_values(o):
    return o.get("kind") == "Secret" and ("data" in o or "stringData" in o)


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def send(self, code, body, ctype="application/json", extra=None, values=False):
        if isinstance(body, (dict, list)):
            body = json.dumps(body).encode()
        elif isinstance(body, str):
            body = body.encode()
        if ARGS["mode"] == "truncated" and ctype == "application/json":
            body = body[: len(body) // 2]
        self.send_response(code)
        self.send_header("Content-Type", ctype)
        for k, v in (extra or {}).items():
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)
        self.record(code, values)

    def record(self, code, values):
        if not ARGS["log"]:
            return
        u = urllib.parse.urlparse(self.path)
        line = {"method": self.command, "path": u.path, "query": u.query,
                "accept": self.headers.get("Accept", ""), "ua": self.headers.get("User-Agent", ""),
                "auth": self.auth, "status": code, "secret_values": values}
        with LOCK, open(ARGS["log"], "a") as f:
            f.write(json.dumps(line) + "\n")

    def authenticate(self):
        h = self.headers.get("Authorization", "")
        if h.startswith("Bearer ") and h[7:] in ARGS["tokens"]:
            return "token"
        try:
            if self.connection.getpeercert():
                return "cert"
        except (AttributeError, ValueError):
            pass
        return "none"

    def handle_any(self):
        self.auth = self.authenticate()
        n = int(self.headers.get("Content-Length") or 0)
        if n:
            self.rfile.read(n)
        u = urllib.parse.urlparse(self.path)
        q = dict(urllib.parse.parse_qsl(u.query))
        if ARGS["mode"] == "html":
            return self.send(200, "<!DOCTYPE html><html><head><title>Welcome</title></head><body>It works</body></html>",
                             "text/html")
        if ARGS["mode"] == "redirect":
            return self.send(302, "", "text/plain", {"Location": ARGS["redirect_to"]})
        if self.auth == "none":
            return self.send(401, status(401, "Unauthorized", "Unauthorized"))
        if self.command != "GET":
            return self.send(405, status(405, "MethodNotAllowed", "this fixture only reads"))
        if u.path in ("/version", "/version/"):
            return self.send(200, VERSION)
        d = discovery(u.path.rstrip("/"))
        if d is not None:
            return self.send(200, d)
        p = parse_path(u.path)
        if not p:
            return self.send(404, status(404, "NotFound", "the server could not find the requested resource"))
        res, ns, name, sub = p
        group = RESOURCES[res][0]
        if res in ARGS["deny"]:
            return self.send(403, status(403, "Forbidden",
                                         '%s%s is forbidden: User "auditor" cannot list resource "%s" in API group '
                                         '"%s" at the cluster scope' % (res, "." + group if group else "", res, group)))
        objs = [o for o in OBJECTS[res] if ns is None or o["metadata"].get("namespace") == ns]
        if name is not None:
            found = [o for o in objs if o["metadata"]["name"] == name]
            if not found:
                return self.send(404, status(404, "NotFound", '%s "%s" not found' % (res, name)))
            if sub:  # logs, exec, ...: answered, so that asking is visible
                return self.send(200, "subresource %s of %s/%s\n" % (sub, res, name), "text/plain")
            return self.send(200, found[0], values=has_values(found[0]))
        self.send_list(res, objs, q)

    def send_list(self, res, objs, q):
        group, version, _, kind, _ = RESOURCES[res]
        gv = "%s/%s" % (group, version) if group else version
        try:
            offset = int(base64.b64decode(q["continue"]).decode()) if q.get("continue") else 0
        except (ValueError, UnicodeDecodeError):
            return self.send(410, status(410, "Expired", "the provided continue parameter is too old"))
        limit = int(q.get("limit") or 0)
        size = ARGS["page"] if limit <= 0 else min(limit, ARGS["page"])
        page = objs[offset:offset + size]
        lmeta = {"resourceVersion": "4242"}
        if offset + size < len(objs):
            lmeta["continue"] = base64.b64encode(str(offset + size).encode()).decode()
            lmeta["remainingItemCount"] = len(objs) - offset - size
        partial = "as=PartialObjectMetadataList" in self.headers.get("Accept", "")
        if partial and not (ARGS["hostile"] and res in ("secrets", "configmaps")):
            items = [{"kind": "PartialObjectMetadata", "apiVersion": "meta.k8s.io/v1",
                      "metadata": copy.deepcopy(o["metadata"])} for o in page]
            body = {"kind": "PartialObjectMetadataList", "apiVersion": "meta.k8s.io/v1", "metadata": lmeta,
                    "items": items}
            return self.send(200, body)
        items = []
        for o in page:
            o = copy.deepcopy(o)
            o.pop("kind", None)
            o.pop("apiVersion", None)
            items.append(o)
        body = {"kind": kind + "List", "apiVersion": gv, "metadata": lmeta, "items": items}
        self.send(200, body, values=any(has_values(o) for o in page))

    do_GET = do_POST = do_HEAD = do_PUT = do_DELETE = do_PATCH = handle_any


def main():
    args = sys.argv[1:]
    tls = None
    data = None
    while args:
        a = args.pop(0)
        if a == "--tls":
            tls = (args.pop(0), args.pop(0))
        elif a == "--data":
            data = args.pop(0)
        elif a == "--log":
            ARGS["log"] = args.pop(0)
        elif a == "--token":
            ARGS["tokens"].add(args.pop(0))
        elif a == "--client-ca":
            ARGS["client_ca"] = args.pop(0)
        elif a == "--page":
            ARGS["page"] = int(args.pop(0))
        elif a == "--deny":
            ARGS["deny"].add(args.pop(0))
        elif a == "--mode":
            ARGS["mode"] = args.pop(0)
        elif a == "--redirect-to":
            ARGS["redirect_to"] = args.pop(0)
        elif a == "--hostile-secrets":
            ARGS["hostile"] = True
        else:
            sys.exit("unknown argument " + a)
    if data:
        load(data)
    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    srv.daemon_threads = True
    PORT[0] = srv.server_address[1]
    if tls:
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(*tls)
        if ARGS["client_ca"]:
            ctx.verify_mode = ssl.CERT_OPTIONAL
            ctx.load_verify_locations(ARGS["client_ca"])
        srv.socket = ctx.wrap_socket(srv.socket, server_side=True)
    srv.handle_error = lambda *a: None  # a client that drops a TLS handshake is a test, not news
    print(PORT[0], flush=True)
    srv.serve_forever()


main()
