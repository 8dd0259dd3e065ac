#!/usr/bin/env python3
"""The recording proxies of the registry tests (imported by regenv.py).

A proxy sits in front of a docker-registry and records every request it gets in
requests.log as JSON lines (proxy, method, path, auth scheme, Basic user, Host, status); any method but
GET and HEAD, except POST /token (the token exchange), is refused with 405 and recorded
in violations.log, which the tests check is empty.  Tag lists are paged here (n=, last=,
Link), as distribution 2.8 does not.  Features, per proxy:
  token    a token service at /token (Basic or OAuth2 refresh token; JWTs the registry's
           auth.token configuration trusts), and faults/token-401 refusing every token
  faults   faults/*: a flipped byte in a layer, a 5 MB manifest, an unknown media type,
           a connection closed mid-blob, a stall mid-blob (faults.json names the layers)
  hostile  hostile/*: a Bearer realm on another host name or over plain HTTP, blobs
           redirected to another host (/blobstore, which records the Authorization header)
           or to a cloud metadata address
slow_proxy() is a TCP proxy adding a delay each way (the benchmark's 50 ms round trip).
"""
import base64
import http.client
import http.server
import json
import os
import random
import re
import socket
import ssl
import subprocess
import threading
import time
import urllib.parse

USER, PASSWORD = "alice", "s3cret"
IDENTITY_TOKEN = "rt-alice-7f3c9a"
SERVICE = "vetter-test-registry"
ISSUER = "vetter-test-issuer"


def run(cmd, **kw):
    r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, **kw)
    if r.returncode != 0:
        raise RuntimeError("%s: %s%s" % (" ".join(cmd), r.stdout.decode(errors="replace"),
                                         r.stderr.decode(errors="replace")))
    return r.stdout


def b64url(b):
    return base64.urlsafe_b64encode(b).rstrip(b"=").decode()


def ecdsa_raw(der):
    """JWS wants ES256 signatures as r || s (32 bytes each); openssl writes a DER SEQUENCE of two INTEGERs."""
    def integer(b, i):
        assert b[i] == 0x02
        n = b[i + 1]
        return int.from_bytes(b[i + 2:i + 2 + n], "big"), i + 2 + n
    i = 2 if der[1] < 0x80 else 3
    r, i = integer(der, i)
    s, _ = integer(der, i)
    return r.to_bytes(32, "big") + s.to_bytes(32, "big")


class TokenSigner:
    def __init__(self, d):
        self.key = os.path.join(d, "token.key")
        der = run(["openssl", "x509", "-in", os.path.join(d, "token.pem"), "-outform", "DER"])
        self.x5c = base64.b64encode(der).decode()
        self.lock = threading.Lock()

    def token(self, account, access, lifetime=300):
        now = int(time.time())
        header = {"typ": "JWT", "alg": "ES256", "x5c": [self.x5c]}
        claims = {"iss": ISSUER, "sub": account, "aud": SERVICE, "exp": now + lifetime, "nbf": now - 10,
                  "iat": now, "jti": "%x" % random.getrandbits(64), "access": access}
        signing = (b64url(json.dumps(header).encode()) + "." + b64url(json.dumps(claims).encode())).encode()
        der = run(["openssl", "dgst", "-sha256", "-sign", self.key], input=signing)
        return signing.decode() + "." + b64url(ecdsa_raw(der))


# ---------------------------------------------------------------- the proxy

class Recorder:
    def __init__(self, d):
        self.d = d
        self.lock = threading.Lock()

    def log(self, rec):
        with self.lock, open(os.path.join(self.d, "requests.log"), "a") as f:
            f.write(json.dumps(rec) + "\n")

    def violation(self, rec):
        with self.lock, open(os.path.join(self.d, "violations.log"), "a") as f:
            f.write(json.dumps(rec) + "\n")


def load_faults(d):
    try:
        with open(os.path.join(d, "faults.json")) as f:
            return json.load(f)
    except (OSError, ValueError):
        return {}


HOP = {"connection", "keep-alive", "transfer-encoding", "proxy-connection", "te", "trailer", "upgrade"}


def make_handler(env, name, upstream, upstream_tls, features):
    """features: set of "faults", "hostile", "token", "slow"."""

    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        upconn = None

        def log_message(self, *a):
            pass

        # -- plumbing
        def upstream(self):
            if self.upconn is None:
                host, port = upstream
                if upstream_tls:
                    ctx = ssl.create_default_context(cafile=os.path.join(env.d, "ca.pem"))
                    self.upconn = http.client.HTTPSConnection(host, port, context=ctx, timeout=60)
                else:
                    self.upconn = http.client.HTTPConnection(host, port, timeout=60)
            return self.upconn

        def up_request(self, method, path, headers):
            for attempt in range(2):
                try:
                    c = self.upstream()
                    c.request(method, path, headers=headers)
                    return c.getresponse()
                except (http.client.HTTPException, OSError):
                    self.upconn = None
                    if attempt:
                        raise

        def record(self, status, extra=None):
            auth = self.headers.get("Authorization", "")
            rec = {"proxy": name, "method": self.command, "path": self.path,
                   "auth": auth.split()[0].lower() if auth else "none", "status": status,
                   "host": self.headers.get("Host", "")}
            if auth.lower().startswith("basic "):
                # Who, never the password.
                try:
                    rec["user"] = base64.b64decode(auth.split()[1]).decode().partition(":")[0]
                except (ValueError, IndexError):
                    rec["user"] = "(not base64)"
            if extra:
                rec.update(extra)
            env.rec.log(rec)

        def reply(self, status, body=b"", headers=None):
            self.record(status)
            self.send_response(status)
            for k, v in (headers or {}).items():
                self.send_header(k, v)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)

        def fwd_headers(self, extra_auth=None):
            h = {}
            for k in ("Authorization", "Accept", "Range"):
                if self.headers.get(k):
                    h[k] = self.headers[k]
            if extra_auth:
                h["Authorization"] = extra_auth
            return h

        # -- the request
        def handle_any(self):
            u = urllib.parse.urlsplit(self.path)
            n = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(n) if n else b""
            allowed = self.command in ("GET", "HEAD") or (self.command == "POST" and u.path == "/token")
            if not allowed:
                env.rec.violation({"proxy": name, "method": self.command, "path": self.path})
                return self.reply(405, b"vetter must only read")
            if u.path == "/token":
                return self.token(u, body)
            if "hostile" in features and self.hostile(u):
                return
            if "faults" in features and self.fault(u):
                return
            if "token" in features and u.path.startswith("/v2/faults/token-401/"):
                return self.reply(401, b'{"errors":[{"code":"UNAUTHORIZED"}]}', {
                    "WWW-Authenticate": 'Bearer realm="http://127.0.0.1:%d/token",service="%s",scope='
                    '"repository:faults/token-401:pull",error="invalid_token"' % (self.server.server_port, SERVICE),
                    "Content-Type": "application/json"})
            m = re.match(r"^/v2/(.+)/tags/list$", u.path)
            if m and self.command == "GET":
                return self.tags_page(m.group(1), u)
            self.forward(u.path + ("?" + u.query if u.query else ""))

        do_GET = do_HEAD = do_POST = do_PUT = do_DELETE = do_PATCH = handle_any

        def forward(self, path, extra_auth=None, mutate=None):
            r = self.up_request(self.command, path, self.fwd_headers(extra_auth))
            data = r.read() if (mutate or r.getheader("Content-Length") is None) else None
            if mutate and data is not None and r.status == 200:
                data = mutate(data)
            self.record(r.status)
            self.send_response(r.status)
            for k, v in r.getheaders():
                if k.lower() not in HOP and k.lower() != "content-length":
                    self.send_header(k, v)
            length = len(data) if data is not None else int(r.getheader("Content-Length"))
            self.send_header("Content-Length", str(length))
            self.end_headers()
            if self.command == "HEAD":
                r.read()
                return
            if data is not None:
                self.wfile.write(data)
                return
            left = length
            while left > 0:
                chunk = r.read(min(65536, left))
                if not chunk:
                    break
                self.wfile.write(chunk)
                left -= len(chunk)

        def tags_page(self, repo, u):
            q = dict(urllib.parse.parse_qsl(u.query))
            r = self.up_request("GET", "/v2/%s/tags/list" % repo, self.fwd_headers())
            data = r.read()
            if r.status != 200:
                self.record(r.status)
                self.send_response(r.status)
                for k, v in r.getheaders():
                    if k.lower() not in HOP and k.lower() != "content-length":
                        self.send_header(k, v)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)
                return
            tags = sorted(json.loads(data).get("tags") or [])
            if "last" in q:
                tags = [t for t in tags if t > q["last"]]
            headers = {"Content-Type": "application/json"}
            n = int(q.get("n", "0") or 0)
            if n and len(tags) > n:
                tags = tags[:n]
                headers["Link"] = '</v2/%s/tags/list?n=%d&last=%s>; rel="next"' % (
                    repo, n, urllib.parse.quote(tags[-1]))
            self.reply(200, json.dumps({"name": repo, "tags": tags}).encode(), headers)

        # -- the token service
        def token(self, u, body):
            q = dict(urllib.parse.parse_qsl(u.query))
            scopes = [v for k, v in urllib.parse.parse_qsl(u.query) if k == "scope"]
            account = None
            auth = self.headers.get("Authorization", "")
            if self.command == "POST":
                form = dict(urllib.parse.parse_qsl(body.decode()))
                scopes = [v for k, v in urllib.parse.parse_qsl(body.decode()) if k == "scope"]
                if form.get("grant_type") == "refresh_token" and form.get("refresh_token") == IDENTITY_TOKEN:
                    account = USER
                elif form.get("grant_type") == "password" and form.get("username") == USER and \
                        form.get("password") == PASSWORD:
                    account = USER
                else:
                    return self.reply(401, b'{"errors":[{"code":"UNAUTHORIZED"}]}')
            elif auth.startswith("Basic "):
                try:
                    user, _, pw = base64.b64decode(auth[6:]).decode().partition(":")
                except ValueError:
                    user, pw = "", ""
                if user != USER or pw != PASSWORD:
                    return self.reply(401, b'{"errors":[{"code":"UNAUTHORIZED"}]}')
                account = USER
            if "token" not in features:
                # A hostile registry's token service: it only notes who asked.
                return self.reply(200, json.dumps({"token": "hostile-token", "expires_in": 60}).encode(),
                                  {"Content-Type": "application/json"})
            access = []
            for s in scopes:
                parts = s.split(":")
                if len(parts) != 3:
                    continue
                typ, nm, actions = parts
                granted = [a for a in actions.split(",") if account and a in ("pull", "push", "*")]
                if granted:
                    access.append({"type": typ, "name": nm, "actions": granted})
            tok = env.signer.token(account or "", access)
            self.reply(200, json.dumps({"token": tok, "access_token": tok, "expires_in": 300,
                                        "issued_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())}).encode(),
                       {"Content-Type": "application/json"})

        # -- faults (proxy C)
        def fault(self, u):
            m = re.match(r"^/v2/faults/([a-z0-9-]+)/(manifests|blobs)/(.+)$", u.path)
            if not m:
                return False
            kind, what, ref = m.groups()
            layers = set(load_faults(env.d).get("layers", {}).get("faults/" + kind, []))
            if kind == "digest-mismatch" and what == "blobs" and ref in layers:
                def flip(data):
                    b = bytearray(data)
                    b[len(b) // 2] ^= 0x55
                    return bytes(b)
                self.forward(u.path, mutate=flip)
                return True
            if kind == "big-manifest" and what == "manifests":
                doc = {"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
                       "config": {"mediaType": "application/vnd.oci.image.config.v1+json",
                                  "digest": "sha256:" + "0" * 64, "size": 2},
                       "layers": [], "annotations": {"padding": "x" * (5 * 1024 * 1024)}}
                self.reply(200, json.dumps(doc).encode(),
                           {"Content-Type": "application/vnd.oci.image.manifest.v1+json"})
                return True
            if kind == "unknown-media" and what == "manifests":
                doc = {"schemaVersion": 2, "mediaType": "application/vnd.example.thing.v1+json",
                       "config": {"mediaType": "application/vnd.example.config.v1+json",
                                  "digest": "sha256:" + "1" * 64, "size": 2}, "layers": []}
                self.reply(200, json.dumps(doc).encode(), {"Content-Type": "application/vnd.example.thing.v1+json"})
                return True
            if kind in ("close-mid-blob", "stall") and what == "blobs" and ref in layers:
                r = self.up_request("GET", u.path, self.fwd_headers())
                data = r.read()
                self.record(r.status, {"fault": kind})
                self.send_response(200)
                self.send_header("Content-Type", "application/octet-stream")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data[:len(data) // 2])
                self.wfile.flush()
                if kind == "stall":
                    env.stop.wait(30)
                self.close_connection = True
                try:
                    self.connection.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
                return True
            return False

        # -- hostile registries (proxy C)
        def hostile(self, u):
            m = re.match(r"^/v2/hostile/([a-z0-9-]+)/(manifests|blobs)/(.+)$", u.path)
            b = re.match(r"^/blobstore/(.+)/(sha256:[0-9a-f]{64})$", u.path)
            port = self.server.server_port
            if b:
                # Where redirected blobs land: the proxy fetches them with its own credentials.
                basic = "Basic " + base64.b64encode(("%s:%s" % (USER, PASSWORD)).encode()).decode()
                self.forward("/v2/%s/blobs/%s" % (b.group(1), b.group(2)), extra_auth=basic)
                return True
            if not m:
                return False
            kind, what, ref = m.groups()
            if kind == "realm-other-host":
                self.reply(401, b'{"errors":[{"code":"UNAUTHORIZED"}]}', {
                    "WWW-Authenticate": 'Bearer realm="https://localhost:%d/token",service="hostile",'
                                        'scope="repository:hostile/%s:pull"' % (port, kind)})
                return True
            if kind == "realm-plain":
                self.reply(401, b'{"errors":[{"code":"UNAUTHORIZED"}]}', {
                    "WWW-Authenticate": 'Bearer realm="http://127.0.0.1:%d/token",service="hostile"' % port})
                return True
            if kind == "redirect" and what == "blobs":
                self.reply(307, b"", {"Location": "https://localhost:%d/blobstore/hostile/redirect/%s" % (port, ref)})
                return True
            if kind == "metadata" and what == "blobs":
                layers = set(load_faults(env.d).get("layers", {}).get("hostile/metadata", []))
                if ref in layers:
                    self.reply(307, b"", {"Location": "https://169.254.169.254/latest/meta-data/iam/"})
                    return True
            return False

    return Handler


class Server(http.server.ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True


def start_server(env, name, port, upstream, upstream_tls, features, tls):
    srv = Server(("127.0.0.1", port), make_handler(env, name, upstream, upstream_tls, features))
    if tls:
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(os.path.join(env.d, "srv.pem"), os.path.join(env.d, "srv.key"))
        srv.socket = ctx.wrap_socket(srv.socket, server_side=True)
    t = threading.Thread(target=srv.serve_forever, daemon=True)
    t.start()
    env.servers.append(srv)
    return srv


# ---------------------------------------------------------------- latency proxy (benchmark)

def slow_proxy(env, port, upstream, delay):
    """TCP proxy delaying every chunk by delay seconds in each direction, order kept."""
    ls = socket.socket()
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.bind(("127.0.0.1", port))
    ls.listen(256)

    def pipe(src, dst):
        q, cv, done = [], threading.Condition(), [False]

        def sender():
            while True:
                with cv:
                    while not q and not done[0]:
                        cv.wait()
                    if not q:
                        break
                    due, data = q.pop(0)
                wait = due - time.monotonic()
                if wait > 0:
                    time.sleep(wait)
                try:
                    dst.sendall(data)
                except OSError:
                    break
            try:
                dst.shutdown(socket.SHUT_WR)
            except OSError:
                pass

        t = threading.Thread(target=sender, daemon=True)
        t.start()
        while True:
            try:
                data = src.recv(65536)
            except OSError:
                data = b""
            with cv:
                if not data:
                    done[0] = True
                    cv.notify()
                    break
                q.append((time.monotonic() + delay, data))
                cv.notify()
        t.join()

    def conn(c):
        try:
            u = socket.create_connection(upstream)
        except OSError:
            c.close()
            return
        for s in (c, u):
            s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        a = threading.Thread(target=pipe, args=(c, u), daemon=True)
        b = threading.Thread(target=pipe, args=(u, c), daemon=True)
        a.start()
        b.start()
        a.join()
        b.join()
        c.close()
        u.close()

    def accept():
        while not env.stop.is_set():
            try:
                c, _ = ls.accept()
            except OSError:
                break
            threading.Thread(target=conn, args=(c,), daemon=True).start()

    threading.Thread(target=accept, daemon=True).start()


