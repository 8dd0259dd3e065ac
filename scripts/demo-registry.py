#!/usr/bin/env python3
"""The demo's container registry: a real Distribution registry (docker-registry) on loopback, over TLS.

    demo-registry.py DIR

It stands in for both companies' registries: registry.heron.localhost and registry.kestrel.localhost
(names under .localhost reach 127.0.0.1 without any DNS query, RFC 6761; libcurl resolves them
itself). DIR gets a demo CA (ca.pem), the registry's certificate for those names, its configuration
and its storage. The registry listens on 127.0.0.1 on a free port, which this script prints on its
first line once the registry answers; it then waits, and the registry stops when this script is
stopped or killed (the registry is told to die with its parent).
"""
import ctypes
import os
import signal
import socket
import ssl
import subprocess
import sys
import time
import urllib.request

NAMES = ["registry.heron.localhost", "registry.kestrel.localhost"]


def openssl(*args):
    subprocess.run(["openssl"] + list(args), check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def make_certs(d):
    ca, ca_key = os.path.join(d, "ca.pem"), os.path.join(d, "ca.key")
    crt, key, csr = os.path.join(d, "registry.pem"), os.path.join(d, "registry.key"), os.path.join(d, "registry.csr")
    if os.path.exists(crt):
        return crt, key
    openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-days", "3650",
            "-subj", "/O=vetter demo/CN=vetter demo CA", "-keyout", ca_key, "-out", ca,
            "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign")
    openssl("req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-subj", "/CN=" + NAMES[0],
            "-keyout", key, "-out", csr)
    ext = os.path.join(d, "ext.cnf")
    with open(ext, "w") as fh:
        fh.write("subjectAltName=%s,IP:127.0.0.1\nextendedKeyUsage=serverAuth\n" % ",".join("DNS:" + n for n in NAMES))
    openssl("x509", "-req", "-in", csr, "-CA", ca, "-CAkey", ca_key, "-CAcreateserial", "-days", "3650",
            "-extfile", ext, "-out", crt)
    return crt, key


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def die_with_parent():
    libc = ctypes.CDLL("libc.so.6", use_errno=True)
    libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG


def main():
    d = os.path.abspath(sys.argv[1])
    os.makedirs(os.path.join(d, "data"), exist_ok=True)
    crt, key = make_certs(d)
    ctx = ssl.create_default_context(cafile=os.path.join(d, "ca.pem"))
    for _ in range(5):
        port = free_port()
        cfg = os.path.join(d, "config.yml")
        with open(cfg, "w") as fh:
            fh.write("version: 0.1\nlog:\n  level: error\n  accesslog:\n    disabled: true\nstorage:\n  filesystem:\n"
                     "    rootdirectory: %s\n  delete:\n    enabled: false\nhttp:\n  addr: 127.0.0.1:%d\n  tls:\n"
                     "    certificate: %s\n    key: %s\n" % (os.path.join(d, "data"), port, crt, key))
        log = open(os.path.join(d, "registry.log"), "ab")
        proc = subprocess.Popen(["docker-registry", "serve", cfg], stdin=subprocess.DEVNULL, stdout=log, stderr=log,
                                preexec_fn=die_with_parent)
        deadline = time.time() + 15
        while time.time() < deadline and proc.poll() is None:
            try:
                urllib.request.urlopen("https://127.0.0.1:%d/v2/" % port, context=ctx, timeout=2)
                break
            except OSError:
                time.sleep(0.1)
        if proc.poll() is None:
            break
    else:
        sys.exit("demo-registry: docker-registry did not start (see %s)" % os.path.join(d, "registry.log"))
    # Stopping this script stops the registry: the handler only signals it, the wait below reaps it.
    signal.signal(signal.SIGTERM, lambda *_: proc.terminate())
    signal.signal(signal.SIGINT, lambda *_: proc.terminate())
    print(port, flush=True)
    sys.stdout.close()
    os.close(1)
    proc.wait()


if __name__ == "__main__":
    main()
