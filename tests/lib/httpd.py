#!/usr/bin/env python3
"""A loopback HTTP(S) server for the HTTP client tests.

usage: httpd.py [--tls CERT KEY] [--log FILE]
Prints "PORT\n" once listening on 127.0.0.1 (a free port), then serves until killed.

Routes:
  /ok                 200 {"ok": true}
  /big?n=N            200 with N bytes
  /echo               200, body = the request's method, then "auth=" and its Authorization header
  /redirect?to=URL    302 to URL
  /flaky?key=K&fail=N 503 with Retry-After: 0 for the first N requests of key K, then 200 "recovered"
  /status?code=C      that status
Every request is appended to the log file as "METHOD PATH AUTH".
"""
import http.server
import json
import ssl
import sys
import threading
import urllib.parse

log_path = None
counts = {}
lock = threading.Lock()


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def reply(self, code, body=b"", headers=None):
        self.send_response(code)
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def handle_any(self):
        u = urllib.parse.urlparse(self.path)
        q = dict(urllib.parse.parse_qsl(u.query))
        auth = self.headers.get("Authorization", "")
        if log_path:
            with lock, open(log_path, "a") as f:
                f.write("%s %s %s\n" % (self.command, u.path, auth))
        n = int(self.headers.get("Content-Length") or 0)
        if n:
            self.rfile.read(n)
        if u.path == "/ok":
            self.reply(200, json.dumps({"ok": True}).encode(), {"Content-Type": "application/json"})
        elif u.path == "/big":
            self.reply(200, b"x" * int(q.get("n", "0")))
        elif u.path == "/echo":
            self.reply(200, ("%s auth=%s" % (self.command, auth)).encode())
        elif u.path == "/redirect":
            self.reply(302, b"", {"Location": q["to"]})
        elif u.path == "/flaky":
            with lock:
                k = q.get("key", "")
                counts[k] = counts.get(k, 0) + 1
                c = counts[k]
            if c <= int(q.get("fail", "2")):
                self.reply(503, b"busy", {"Retry-After": "0"})
            else:
                self.reply(200, b"recovered")
        elif u.path == "/status":
            self.reply(int(q.get("code", "500")), b"status")
        else:
            self.reply(404, b"not found")

    do_GET = do_POST = do_HEAD = do_PUT = do_DELETE = do_PATCH = handle_any


def main():
    global log_path
    args = sys.argv[1:]
    tls = None
    while args:
        a = args.pop(0)
        if a == "--tls":
            tls = (args.pop(0), args.pop(0))
        elif a == "--log":
            log_path = args.pop(0)
    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    if tls:
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(*tls)
        srv.socket = ctx.wrap_socket(srv.socket, server_side=True)
    srv.handle_error = lambda *a: None  # a client that drops a TLS handshake is a test, not news
    print(srv.server_address[1], flush=True)
    srv.serve_forever()


main()
