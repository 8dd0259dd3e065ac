#!/usr/bin/python3
"""Serve a folder on 127.0.0.1 for the download tests, plain HTTP or HTTPS.

usage: serve_files.py DIR PORTFILE [--tls CERT KEY] [--redirect PATH URL]...

Binds 127.0.0.1 on a port the system chooses and writes it to PORTFILE once
listening.  GET of a PATH given with --redirect answers 302 to URL (the
string "PORT" in URL is replaced by the port).  Serves until killed, or for
at most 300 seconds.
"""
import http.server
import os
import ssl
import sys
import threading

root, portfile = sys.argv[1], sys.argv[2]
args = sys.argv[3:]
tls = None
redirects = {}
while args:
    if args[0] == "--tls":
        tls = (args[1], args[2])
        args = args[3:]
    elif args[0] == "--redirect":
        redirects[args[1]] = args[2]
        args = args[3:]
    else:
        sys.exit(__doc__)


class Handler(http.server.SimpleHTTPRequestHandler):
    def __init__(self, *a, **kw):
        super().__init__(*a, directory=root, **kw)

    def do_GET(self):
        if self.path in redirects:
            self.send_response(302)
            self.send_header("Location", redirects[self.path].replace("PORT", str(self.server.server_port)))
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        super().do_GET()

    def log_message(self, *a):
        pass


class Server(http.server.ThreadingHTTPServer):
    def handle_error(self, request, client_address):
        # A client that stops reading (the size-limit test) is expected.
        pass


server = Server(("127.0.0.1", 0), Handler)
if tls:
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(tls[0], tls[1])
    server.socket = ctx.wrap_socket(server.socket, server_side=True)
with open(portfile + ".tmp", "w") as f:
    f.write(str(server.server_port))
os.rename(portfile + ".tmp", portfile)
timer = threading.Timer(300, server.shutdown)
timer.daemon = True
timer.start()
server.serve_forever()
