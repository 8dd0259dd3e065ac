#!/usr/bin/env python3
"""Real registries for the registry tests and the registry benchmark.

usage: regenv.py up DIR [--watch PID] [--bench N]   start, fill, print env.json
       regenv.py down DIR                            stop everything started for DIR
       regenv.py serve DIR ...                       (internal: the supervisor)

Test environment (up DIR):
  registry A   docker-registry on 127.0.0.1, TLS with a certificate made here, htpasswd
               Basic auth (alice / s3cret), catalog pages of 5
  registry B   docker-registry on 127.0.0.1, plain HTTP, token auth (auth.token with a
               certificate made here); its token service is served by proxy B at /token
  proxy A      TLS (same CA), in front of A: records every request
  proxy C      TLS, in front of A, with the faults and hostile registries of regproxy.py
  proxy B      plain HTTP, in front of B, with the token service
Every proxy pages tag lists itself (distribution 2.8 ignores n= there) and refuses, and
records in violations.log, any method other than GET and HEAD, except POST /token.

Benchmark environment (up DIR --bench N): one registry (TLS, no auth) with N tags of
distinct images in bench/app, and a proxy "slow" adding 25 ms each way (50 ms round trip).

Everything started is stopped when the process --watch names ends, or by 'down'.
"""
import base64
import hashlib
import http.client
import json
import os
import random
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.dont_write_bytecode = True  # no __pycache__ in the source tree
from regproxy import (IDENTITY_TOKEN, ISSUER, PASSWORD, SERVICE, USER, Recorder, TokenSigner,  # noqa: E402
                      run, slow_proxy, start_server)


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    p = s.getsockname()[1]
    s.close()
    return p


# ---------------------------------------------------------------- certificates

def make_certs(d):
    ca_key, ca = os.path.join(d, "ca.key"), os.path.join(d, "ca.pem")
    # EC keys: made in milliseconds, where RSA takes seconds on a small machine.
    ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1"]
    run(["openssl", "req", "-x509"] + ec + ["-nodes", "-keyout", ca_key, "-out", ca, "-days", "3",
         "-subj", "/CN=vetter test CA", "-addext", "basicConstraints=critical,CA:TRUE",
         "-addext", "keyUsage=critical,keyCertSign,cRLSign"])
    ext = os.path.join(d, "srv.ext")
    with open(ext, "w") as f:
        f.write("subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n"
                "basicConstraints=CA:FALSE\n")
    run(["openssl", "req"] + ec + ["-nodes", "-keyout", os.path.join(d, "srv.key"), "-out",
         os.path.join(d, "srv.csr"), "-subj", "/CN=127.0.0.1"])
    run(["openssl", "x509", "-req", "-in", os.path.join(d, "srv.csr"), "-CA", ca, "-CAkey", ca_key,
         "-CAcreateserial", "-out", os.path.join(d, "srv.pem"), "-days", "3", "-extfile", ext])
    # The token service signs with its own self-signed certificate, the registry's rootcertbundle.
    run(["openssl", "req", "-x509"] + ec + ["-nodes", "-keyout", os.path.join(d, "token.key"),
         "-out", os.path.join(d, "token.pem"), "-days", "3", "-subj", "/CN=vetter test token issuer"])
    os.makedirs(os.path.join(d, "certs"), exist_ok=True)
    shutil.copy(ca, os.path.join(d, "certs", "ca.crt"))


# ---------------------------------------------------------------- the supervisor

class Env:
    def __init__(self, d):
        self.d = d
        self.rec = Recorder(d)
        self.stop = threading.Event()
        self.servers = []
        self.procs = []


def registry_config(env, name, port, tls, auth, maxentries=5):
    root = os.path.join(env.d, "store-" + name)
    lines = ["version: 0.1", "log: {level: error, accesslog: {disabled: true}}",
             "storage: {filesystem: {rootdirectory: %s}, delete: {enabled: false}}" % root,
             "http:", "  addr: 127.0.0.1:%d" % port, "  secret: vetter-test-%s" % name]
    if tls:
        lines.append("  tls: {certificate: %s, key: %s}" % (os.path.join(env.d, "srv.pem"),
                                                             os.path.join(env.d, "srv.key")))
    lines.append("catalog: {maxentries: %d}" % maxentries)
    lines += auth
    path = os.path.join(env.d, "registry-%s.yml" % name)
    with open(path, "w") as f:
        f.write("\n".join(lines) + "\n")
    return path


def start_registry(env, name, cfg, port, tls):
    log = open(os.path.join(env.d, "registry-%s.log" % name), "w")
    p = subprocess.Popen(["docker-registry", "serve", cfg], stdout=log, stderr=log)
    env.procs.append(p)
    deadline = time.time() + 20
    while time.time() < deadline:
        try:
            if tls:
                c = http.client.HTTPSConnection("127.0.0.1", port, timeout=2,
                                                context=ssl.create_default_context(cafile=os.path.join(env.d, "ca.pem")))
            else:
                c = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            c.request("GET", "/v2/")
            c.getresponse().read()
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError("registry %s did not start" % name)


def serve(d, watch, bench):
    env = Env(d)
    with open(os.path.join(d, "supervisor.pid"), "w") as f:
        f.write(str(os.getpid()))
    signal.signal(signal.SIGTERM, lambda *a: env.stop.set())
    env.signer = TokenSigner(d)
    ports = {}
    try:
        if bench:
            ports["registry"] = free_port()
            cfg = registry_config(env, "bench", ports["registry"], True, [], maxentries=1000)
            start_registry(env, "bench", cfg, ports["registry"], True)
            ports["slow"] = free_port()
            slow_proxy(env, ports["slow"], ("127.0.0.1", ports["registry"]), 0.025)
        else:
            ports["registry_a"], ports["registry_b"] = free_port(), free_port()
            ports["proxy_a"], ports["proxy_b"], ports["proxy_c"] = free_port(), free_port(), free_port()
            htpasswd = os.path.join(d, "htpasswd")
            with open(htpasswd, "wb") as f:
                f.write(run(["htpasswd", "-Bbn", USER, PASSWORD]))
            cfg_a = registry_config(env, "a", ports["registry_a"], True,
                                    ["auth:", "  htpasswd: {realm: vetter-test, path: %s}" % htpasswd])
            cfg_b = registry_config(env, "b", ports["registry_b"], False, [
                "auth:", "  token:", "    realm: http://127.0.0.1:%d/token" % ports["proxy_b"],
                "    service: %s" % SERVICE, "    issuer: %s" % ISSUER,
                "    rootcertbundle: %s" % os.path.join(d, "token.pem")])
            start_registry(env, "a", cfg_a, ports["registry_a"], True)
            start_registry(env, "b", cfg_b, ports["registry_b"], False)
            start_server(env, "A", ports["proxy_a"], ("127.0.0.1", ports["registry_a"]), True, set(), True)
            start_server(env, "C", ports["proxy_c"], ("127.0.0.1", ports["registry_a"]), True,
                         {"faults", "hostile"}, True)
            start_server(env, "B", ports["proxy_b"], ("127.0.0.1", ports["registry_b"]), False, {"token"}, False)
        with open(os.path.join(d, "ports.json.tmp"), "w") as f:
            json.dump(ports, f)
        os.rename(os.path.join(d, "ports.json.tmp"), os.path.join(d, "ports.json"))
        while not env.stop.is_set():
            if watch:
                try:
                    os.kill(watch, 0)
                except OSError:
                    break
            env.stop.wait(0.5)
    finally:
        env.stop.set()
        for p in env.procs:
            p.terminate()
        for p in env.procs:
            try:
                p.wait(5)
            except subprocess.TimeoutExpired:
                p.kill()
        for s in env.servers:
            s.shutdown()


# ---------------------------------------------------------------- images

def mktar(d, name, spec):
    specf = os.path.join(d, name + ".json")
    with open(specf, "w") as f:
        json.dump(spec, f)
    out = os.path.join(d, name)
    run([sys.executable, os.path.join(HERE, "mktar.py"), out, specf])
    return out


def mkimage(layout, tag, layers, *opts):
    run(["sh", os.path.join(HERE, "mkimage.sh"), layout, tag] + list(opts) + list(layers))


DPKG = ("Package: zlib1g\nStatus: install ok installed\nArchitecture: amd64\nVersion: 1:1.2.13.dfsg-1\n\n"
        "Package: openssl\nStatus: install ok installed\nArchitecture: amd64\nVersion: 3.0.11-1~deb12u2\n\n")
APK = "P:musl\nV:1.2.4-r2\nA:aarch64\no:musl\n\n"


def layout_manifest(layout, tag):
    with open(os.path.join(layout, "index.json")) as f:
        idx = json.load(f)
    for m in idx["manifests"]:
        if m.get("annotations", {}).get("org.opencontainers.image.ref.name") == tag:
            return m
    raise KeyError(tag)


def read_blob(layout, digest):
    with open(os.path.join(layout, "blobs", "sha256", digest[7:]), "rb") as f:
        return f.read()


def write_blob(layout, data):
    digest = "sha256:" + hashlib.sha256(data).hexdigest()
    with open(os.path.join(layout, "blobs", "sha256", digest[7:]), "wb") as f:
        f.write(data)
    return digest, len(data)


def add_index(layout, tag, entries):
    """An OCI index tagged tag over (manifest tag, platform) pairs of the layout."""
    manifests = []
    for mtag, (os_, arch, variant) in entries:
        m = dict(layout_manifest(layout, mtag))
        m.pop("annotations", None)
        m["platform"] = {"os": os_, "architecture": arch}
        if variant:
            m["platform"]["variant"] = variant
        manifests.append(m)
    data = json.dumps({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.index.v1+json",
                       "manifests": manifests}).encode()
    digest, size = write_blob(layout, data)
    with open(os.path.join(layout, "index.json")) as f:
        idx = json.load(f)
    idx["manifests"].append({"mediaType": "application/vnd.oci.image.index.v1+json", "digest": digest,
                             "size": size, "annotations": {"org.opencontainers.image.ref.name": tag}})
    with open(os.path.join(layout, "index.json"), "w") as f:
        json.dump(idx, f)


def layers_of(layout, tag):
    m = json.loads(read_blob(layout, layout_manifest(layout, tag)["digest"]))
    return [l["digest"] for l in m["layers"]]


def push_all(d, jobs, creds=None, layers_pushed=False):
    """Push in parallel, but an image's first push into a repository in order with the
    repository's other new images: concurrent first pushes into one repository race in
    distribution ("manifest blob unknown").  More tags of an image pushed already are
    only manifests: those go all at once."""
    def one(j):
        src, dst, all_ = j
        cmd = ["skopeo", "copy", "-q", "--dest-cert-dir", os.path.join(d, "certs")]
        if creds:
            cmd += ["--dest-creds", creds]
        if all_:
            cmd.append("--all")
        run(cmd + [src, dst])

    def in_order(js):
        for j in js:
            one(j)

    first, rest, seen = {}, [], set()
    for j in jobs:
        repo = j[1].rsplit(":", 1)[0]
        if layers_pushed or (repo, j[0]) in seen:
            rest.append(j)
        else:
            first.setdefault(repo, []).append(j)
            seen.add((repo, j[0]))
    with ThreadPoolExecutor(8) as ex:
        list(ex.map(in_order, first.values()))
        list(ex.map(one, rest))


def build_test_images(d, ports):
    b = os.path.join(d, "build")
    os.makedirs(b, exist_ok=True)
    L = os.path.join(b, "layout")
    base = mktar(b, "base.tar.gz", [
        {"path": "etc/os-release", "content": 'ID=debian\nVERSION_ID=12\nPRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\n'},
        {"path": "var/lib/dpkg/status", "content": DPKG}])
    alpine = mktar(b, "alpine.tar.gz", [
        {"path": "etc/os-release", "content": 'ID=alpine\nVERSION_ID=3.19.1\nPRETTY_NAME="Alpine Linux v3.19"\n'},
        {"path": "lib/apk/db/installed", "content": APK}])
    rnd = random.Random(7)
    big = mktar(b, "big.tar.gz", [{"path": "app/blob.bin", "content": "".join(
        "%08x" % rnd.getrandbits(32) for _ in range(80000))}])
    apps = {}
    for v in ("1.0", "1.1", "2.0"):
        apps[v] = mktar(b, "app-%s.tar.gz" % v, [{"path": "app/VERSION", "content": v + "\n"}])
    mkimage(L, "web-1.0", [base, apps["1.0"]], "--created", "2024-01-01T00:00:00Z")
    mkimage(L, "web-1.1", [base, apps["1.1"]], "--created", "2024-06-01T00:00:00Z")
    mkimage(L, "web-2.0", [base, apps["2.0"]], "--created", "2025-01-01T00:00:00Z")
    mkimage(L, "amd", [base], "--created", "2025-02-01T00:00:00Z")
    mkimage(L, "arm", [alpine], "--created", "2025-02-01T00:00:00Z", "--arch", "arm64")
    add_index(L, "multi", [("amd", ("linux", "amd64", None)), ("arm", ("linux", "arm64", "v8"))])
    mkimage(L, "big", [base, big], "--created", "2025-03-01T00:00:00Z")
    A = "docker://127.0.0.1:%d/" % ports["registry_a"]
    jobs = [("oci:%s:web-1.0" % L, A + "app/web:1.0", False), ("oci:%s:web-1.1" % L, A + "app/web:1.1", False),
            ("oci:%s:web-2.0" % L, A + "app/web:2.0", False), ("oci:%s:web-2.0" % L, A + "app/web:latest", False),
            ("oci:%s:multi" % L, A + "app/multi:1", True)]
    jobs += [("oci:%s:amd" % L, A + "many/r%02d:1" % i, False) for i in range(2)]
    jobs += [("oci:%s:amd" % L, A + "tags/many:t%02d" % i, False) for i in range(8)]
    for f in ("digest-mismatch", "big-manifest", "unknown-media", "close-mid-blob", "stall"):
        jobs.append(("oci:%s:big" % L, A + "faults/%s:1" % f, False))
    for h in ("redirect", "metadata", "realm-other-host", "realm-plain"):
        jobs.append(("oci:%s:big" % L, A + "hostile/%s:1" % h, False))
    push_all(d, jobs, "%s:%s" % (USER, PASSWORD))
    # Registry B: skopeo gets its push token from proxy B's token service (a GET).
    B = "docker://127.0.0.1:%d/" % ports["registry_b"]
    push_b = [("oci:%s:web-1.0" % L, B + "team/api:1", False), ("oci:%s:web-1.1" % L, B + "team/api:2", False),
              ("oci:%s:amd" % L, B + "faults/token-401:1", False)]
    for src, dst, _ in push_b:
        run(["skopeo", "copy", "-q", "--dest-tls-verify=false", "--dest-creds", "%s:%s" % (USER, PASSWORD), src, dst])
    # Digests as the registry has them (skopeo may rewrite manifests on the way).
    web = {v: manifest_of(d, ports, "app/web", v) for v in ("1.0", "1.1", "2.0")}
    multi = manifest_of(d, ports, "app/multi", "1")
    amd = manifest_of(d, ports, "app/multi", multi["doc"]["manifests"][0]["digest"])
    arm = manifest_of(d, ports, "app/multi", multi["doc"]["manifests"][1]["digest"])
    big = manifest_of(d, ports, "faults/stall", "1")
    big_layers = [l["digest"] for l in big["doc"]["layers"]]
    faults = {"layers": {}}
    for f in ("digest-mismatch", "close-mid-blob", "stall"):
        faults["layers"]["faults/" + f] = [big_layers[1]]
    faults["layers"]["hostile/metadata"] = big_layers
    with open(os.path.join(d, "faults.json"), "w") as f:
        json.dump(faults, f)
    return {
        "web": {v: web[v]["digest"] for v in web},
        "web_layers": {v: [l["digest"] for l in web[v]["doc"]["layers"]] for v in web},
        "web_configs": {v: web[v]["doc"]["config"]["digest"] for v in web},
        "multi": multi["digest"], "amd": amd["digest"], "arm": arm["digest"],
        "many": manifest_of(d, ports, "many/r00", "1")["digest"],
        "big": big["digest"], "big_layers": big_layers,
    }


def manifest_of(d, ports, repo, ref):
    c = http.client.HTTPSConnection("127.0.0.1", ports["registry_a"],
                                    context=ssl.create_default_context(cafile=os.path.join(d, "ca.pem")))
    c.request("GET", "/v2/%s/manifests/%s" % (repo, ref), headers={
        "Authorization": "Basic " + base64.b64encode(("%s:%s" % (USER, PASSWORD)).encode()).decode(),
        "Accept": "application/vnd.oci.image.index.v1+json, application/vnd.oci.image.manifest.v1+json, "
                  "application/vnd.docker.distribution.manifest.v2+json, "
                  "application/vnd.docker.distribution.manifest.list.v2+json"})
    r = c.getresponse()
    body = r.read()
    if r.status != 200:
        raise RuntimeError("%s:%s: HTTP %d" % (repo, ref, r.status))
    return {"digest": "sha256:" + hashlib.sha256(body).hexdigest(), "doc": json.loads(body)}


def build_bench_images(d, ports, n):
    b = os.path.join(d, "build")
    os.makedirs(b, exist_ok=True)
    L = os.path.join(b, "layout")
    base = mktar(b, "base.tar.gz", [
        {"path": "etc/os-release", "content": 'ID=debian\nVERSION_ID=12\n'},
        {"path": "var/lib/dpkg/status", "content": DPKG}])
    mkimage(L, "base", [base], "--created", "2025-01-01T00:00:00Z")
    # N distinct images: the base's manifest with a config of its own (a label and a date).
    m0 = layout_manifest(L, "base")
    man = json.loads(read_blob(L, m0["digest"]))
    cfg = json.loads(read_blob(L, man["config"]["digest"]))
    with open(os.path.join(L, "index.json")) as f:
        idx = json.load(f)
    for i in range(n):
        c = json.loads(json.dumps(cfg))
        c.setdefault("config", {}).setdefault("Labels", {})["bench.tag"] = str(i)
        c["created"] = "2025-01-01T%02d:%02d:%02dZ" % (i // 3600 % 24, i // 60 % 60, i % 60)
        cd, cs = write_blob(L, json.dumps(c).encode())
        mm = dict(man)
        mm["config"] = dict(man["config"], digest=cd, size=cs)
        md, ms = write_blob(L, json.dumps(mm).encode())
        idx["manifests"].append({"mediaType": m0["mediaType"], "digest": md, "size": ms,
                                 "annotations": {"org.opencontainers.image.ref.name": "t%03d" % i}})
    with open(os.path.join(L, "index.json"), "w") as f:
        json.dump(idx, f)
    R = "docker://127.0.0.1:%d/" % ports["registry"]
    jobs = [("oci:%s:t%03d" % (L, i), R + "bench/app:t%03d" % i, False) for i in range(n)]
    # The images share their layer: once the first is in, the others are a config and a manifest each.
    push_all(d, jobs[:1])
    push_all(d, jobs[1:], layers_pushed=True)


# ---------------------------------------------------------------- up / down

def up(d, watch, bench):
    t0 = time.time()
    os.makedirs(d, exist_ok=True)
    make_certs(d)
    phases = {"certs": time.time() - t0}
    args = [sys.executable, os.path.abspath(__file__), "serve", d]
    if watch:
        args += ["--watch", str(watch)]
    if bench:
        args += ["--bench", str(bench)]
    with open(os.path.join(d, "supervisor.log"), "w") as log:
        subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=log, stderr=log, start_new_session=True)
    deadline = time.time() + 60
    pf = os.path.join(d, "ports.json")
    while not os.path.exists(pf):
        if time.time() > deadline:
            with open(os.path.join(d, "supervisor.log")) as f:
                raise RuntimeError("the registries did not start:\n" + f.read())
        time.sleep(0.1)
    with open(pf) as f:
        ports = json.load(f)
    phases["registries"] = time.time() - t0 - sum(phases.values())
    env = {"dir": d, "ports": ports, "ca": os.path.join(d, "ca.pem"), "user": USER, "password": PASSWORD,
           "identity_token": IDENTITY_TOKEN}
    if bench:
        build_bench_images(d, ports, bench)
    else:
        env["images"] = build_test_images(d, ports)
    phases["images"] = time.time() - t0 - sum(phases.values())
    sys.stderr.write("regenv: %s\n" % ", ".join("%s %.1f s" % kv for kv in phases.items()))
    # What the setup did is not vetter's doing: the logs start empty.
    for name in ("requests.log", "violations.log"):
        open(os.path.join(d, name), "w").close()
    with open(os.path.join(d, "env.json"), "w") as f:
        json.dump(env, f, indent=1)
    print(json.dumps(env))


def down(d, wait=5.0):
    """Stop the supervisor of folder d: SIGTERM, then SIGKILL after wait seconds."""
    try:
        with open(os.path.join(d, "supervisor.pid")) as f:
            pid = int(f.read())
    except (OSError, ValueError):
        return
    try:
        os.kill(pid, signal.SIGTERM)
    except OSError:
        return
    for _ in range(int(wait / 0.05)):
        try:
            os.kill(pid, 0)
        except OSError:
            return
        time.sleep(0.05)
    os.kill(pid, signal.SIGKILL)


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    cmd, d = sys.argv[1], os.path.abspath(sys.argv[2])
    watch = bench = 0
    rest = sys.argv[3:]
    while rest:
        if rest[0] == "--watch":
            watch = int(rest[1])
        elif rest[0] == "--bench":
            bench = int(rest[1])
        rest = rest[2:]
    if cmd == "up":
        try:
            up(d, watch, bench)
        except Exception:
            down(d)
            raise
    elif cmd == "down":
        down(d)
    elif cmd == "serve":
        serve(d, watch, bench)
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
