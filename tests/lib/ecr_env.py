#!/usr/bin/env python3
"""An ECR look-alike for the ECR end-to-end test: moto_server for the API, docker-registry for the pulls.

usage: ecr_env.py up DIR MOTO_URL APK_DB DPKG_STATUS --watch PID   seed, start, push; print env.json
       ecr_env.py down DIR                                          stop what 'up' started for DIR
       ecr_env.py serve DIR --watch PID                             (internal: the supervisor)

What 'up' makes:
  moto (at MOTO_URL, started by the test): the base keys assume arn:aws:iam::TARGET:role/RegistryReader
      (any external id: moto does not check it), and with the role's keys create the repositories
      team/api and web in eu-west-1 of account TARGET; a decoy repository, decoy/base-account, in the
      base keys' own account (123456789012), which only a listing without the role would show.
  registry "good"  docker-registry, TLS (a CA made here; the certificate names the ECR host names
      below and 127.0.0.1), htpasswd Basic auth, user AWS and the password moto's GetAuthorizationToken
      hands the role's account: "TARGET-auth-token".  Its recording proxy (regproxy.py, TLS) is what
      vetter talks to, as TARGET.dkr.ecr.eu-west-1.localhost:PORT (*.localhost reaches loopback).
  registry "badpw" the same, but its htpasswd holds another password; proxy as
      TARGET.dkr.ecr.us-east-1.localhost:PORT.
  images  team/api:1.0 (Alpine: APK_DB as lib/apk/db/installed), web:1.0 (Debian: DPKG_STATUS as
      var/lib/dpkg/status), pushed with skopeo straight into the registry (not through the proxy);
      web:1.0 into "badpw" too.
env.json: {ports: {good, badpw}, hosts: {good, badpw}, ca, target, images: {team/api, web}: digest}.
requests.log (regproxy's, one JSON line a request: proxy, method, path, auth, user, host) starts empty.
Everything started stops when the process --watch names ends, or on 'down'.
"""
import hashlib
import http.client
import json
import os
import signal
import ssl
import subprocess
import sys
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.dont_write_bytecode = True  # no __pycache__ in the source tree
from regenv import down as regenv_down, free_port, mkimage, mktar  # noqa: E402
from regproxy import Recorder, run, start_server  # noqa: E402

TARGET = "210987654321"
ROLE = "arn:aws:iam::%s:role/RegistryReader" % TARGET
HOSTS = {"good": "%s.dkr.ecr.eu-west-1.localhost" % TARGET, "badpw": "%s.dkr.ecr.us-east-1.localhost" % TARGET}
PASSWORDS = {"good": "%s-auth-token" % TARGET, "badpw": "not-the-ecr-password"}
BASE_KEY, BASE_SECRET = "AKIAIOSFODNN7EXAMPLE", "seed-secret-not-vetters"


def make_certs(d):
    ca_key, ca = os.path.join(d, "ca.key"), os.path.join(d, "ca.pem")
    ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1"]
    run(["openssl", "req", "-x509"] + ec + ["-nodes", "-keyout", ca_key, "-out", ca, "-days", "3",
         "-subj", "/CN=vetter ECR test CA", "-addext", "basicConstraints=critical,CA:TRUE",
         "-addext", "keyUsage=critical,keyCertSign,cRLSign"])
    ext = os.path.join(d, "srv.ext")
    with open(ext, "w") as f:
        f.write("subjectAltName=IP:127.0.0.1,DNS:%s,DNS:%s\nextendedKeyUsage=serverAuth\n"
                "basicConstraints=CA:FALSE\n" % (HOSTS["good"], HOSTS["badpw"]))
    run(["openssl", "req"] + ec + ["-nodes", "-keyout", os.path.join(d, "srv.key"), "-out",
         os.path.join(d, "srv.csr"), "-subj", "/CN=" + HOSTS["good"]])
    run(["openssl", "x509", "-req", "-in", os.path.join(d, "srv.csr"), "-CA", ca, "-CAkey", ca_key,
         "-CAcreateserial", "-out", os.path.join(d, "srv.pem"), "-days", "3", "-extfile", ext])
    os.makedirs(os.path.join(d, "certs"), exist_ok=True)
    with open(ca) as src, open(os.path.join(d, "certs", "ca.crt"), "w") as dst:
        dst.write(src.read())


def seed(moto_url):
    import boto3
    base = dict(endpoint_url=moto_url, aws_access_key_id=BASE_KEY, aws_secret_access_key=BASE_SECRET)
    sts = boto3.client("sts", region_name="us-east-1", **base)
    cr = sts.assume_role(RoleArn=ROLE, RoleSessionName="seed", ExternalId="seed")["Credentials"]
    ecr = boto3.client("ecr", region_name="eu-west-1", endpoint_url=moto_url, aws_access_key_id=cr["AccessKeyId"],
                       aws_secret_access_key=cr["SecretAccessKey"], aws_session_token=cr["SessionToken"])
    for name in ("team/api", "web"):
        ecr.create_repository(repositoryName=name)
    boto3.client("ecr", region_name="us-east-1", endpoint_url=moto_url, aws_access_key_id=cr["AccessKeyId"],
                 aws_secret_access_key=cr["SecretAccessKey"],
                 aws_session_token=cr["SessionToken"]).create_repository(repositoryName="web")
    boto3.client("ecr", region_name="eu-west-1", **base).create_repository(repositoryName="decoy/base-account")


# ---------------------------------------------------------------- the supervisor

class Env:
    def __init__(self, d):
        self.d = d
        self.rec = Recorder(d)
        self.stop = threading.Event()
        self.servers = []


def serve(d, watch):
    env = Env(d)
    procs = []

    def stop(*_):
        env.stop.set()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    with open(os.path.join(d, "supervisor.pid"), "w") as f:
        f.write(str(os.getpid()))
    ports = {}
    try:
        for name in ("good", "badpw"):
            hp = os.path.join(d, "htpasswd-" + name)
            with open(hp, "wb") as f:
                f.write(run(["htpasswd", "-nbB", "AWS", PASSWORDS[name]]).strip() + b"\n")
            rport, pport = free_port(), free_port()
            cfg = os.path.join(d, "registry-%s.yml" % name)
            with open(cfg, "w") as f:
                f.write("\n".join([
                    "version: 0.1", "log: {level: error, accesslog: {disabled: true}}",
                    "storage: {filesystem: {rootdirectory: %s}, delete: {enabled: false}}" % os.path.join(d, "store-" + name),
                    "http:", "  addr: 127.0.0.1:%d" % rport, "  secret: vetter-ecr-%s" % name,
                    "  tls: {certificate: %s, key: %s}" % (os.path.join(d, "srv.pem"), os.path.join(d, "srv.key")),
                    "auth: {htpasswd: {realm: ecr-test, path: %s}}" % hp]) + "\n")
            log = open(os.path.join(d, "registry-%s.log" % name), "w")
            procs.append(subprocess.Popen(["docker-registry", "serve", cfg], stdout=log, stderr=log))
            ctx = ssl.create_default_context(cafile=os.path.join(d, "ca.pem"))
            deadline = time.time() + 20
            while True:
                try:
                    c = http.client.HTTPSConnection("127.0.0.1", rport, timeout=2, context=ctx)
                    c.request("GET", "/v2/")
                    c.getresponse().read()
                    break
                except OSError:
                    if time.time() > deadline:
                        raise RuntimeError("docker-registry %s did not start" % name)
                    time.sleep(0.05)
            start_server(env, name, pport, ("127.0.0.1", rport), True, set(), True)
            ports[name] = pport
            ports["registry_" + name] = rport
        with open(os.path.join(d, "ports.json.tmp"), "w") as f:
            json.dump(ports, f)
        os.rename(os.path.join(d, "ports.json.tmp"), os.path.join(d, "ports.json"))
        while not env.stop.wait(0.2):
            if watch:
                try:
                    os.kill(watch, 0)
                except OSError:
                    break
    finally:
        for s in env.servers:
            s.shutdown()
        for p in procs:
            p.terminate()
        for p in procs:
            try:
                p.wait(5)
            except subprocess.TimeoutExpired:
                p.kill()


# ---------------------------------------------------------------- up / down

def manifest_digest(d, port, repo, ref):
    import base64
    c = http.client.HTTPSConnection("127.0.0.1", port, context=ssl.create_default_context(cafile=os.path.join(d, "ca.pem")))
    c.request("GET", "/v2/%s/manifests/%s" % (repo, ref), headers={
        "Authorization": "Basic " + base64.b64encode(("AWS:" + PASSWORDS["good"]).encode()).decode(),
        "Accept": "application/vnd.oci.image.manifest.v1+json, application/vnd.docker.distribution.manifest.v2+json"})
    r = c.getresponse()
    body = r.read()
    if r.status != 200:
        raise RuntimeError("%s:%s: HTTP %d" % (repo, ref, r.status))
    return "sha256:" + hashlib.sha256(body).hexdigest()


def build_and_push(d, ports, apk_db, dpkg_status):
    b = os.path.join(d, "build")
    os.makedirs(b, exist_ok=True)
    L = os.path.join(b, "layout")
    alpine = mktar(b, "alpine.tar.gz", [
        {"path": "etc/os-release", "content": 'ID=alpine\nVERSION_ID=3.19.1\nPRETTY_NAME="Alpine Linux v3.19"\n'},
        {"path": "lib/apk/db/installed", "from": apk_db}])
    debian = mktar(b, "debian.tar.gz", [
        {"path": "etc/os-release", "content": 'ID=ubuntu\nVERSION_ID="18.04"\nPRETTY_NAME="Ubuntu 18.04.6 LTS"\n'},
        {"path": "var/lib/dpkg/status", "from": dpkg_status}])
    mkimage(L, "api", [alpine], "--created", "2025-03-01T00:00:00Z")
    mkimage(L, "web", [debian], "--created", "2025-04-01T00:00:00Z")
    jobs = [("api", "good", "team/api:1.0"), ("web", "good", "web:1.0"), ("web", "badpw", "web:1.0")]
    for tag, reg, dst in jobs:
        run(["skopeo", "copy", "-q", "--dest-cert-dir", os.path.join(d, "certs"), "--dest-creds",
             "AWS:" + PASSWORDS[reg], "oci:%s:%s" % (L, tag), "docker://127.0.0.1:%d/%s" % (ports["registry_" + reg], dst)])
    return {"team/api": manifest_digest(d, ports["registry_good"], "team/api", "1.0"),
            "web": manifest_digest(d, ports["registry_good"], "web", "1.0")}


def up(d, moto_url, apk_db, dpkg_status, watch):
    os.makedirs(d, exist_ok=True)
    make_certs(d)
    seed(moto_url)
    args = [sys.executable, os.path.abspath(__file__), "serve", d, "--watch", str(watch)]
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
    env = {"ports": {"good": ports["good"], "badpw": ports["badpw"]},
           "hosts": {k: "%s:%d" % (HOSTS[k], ports[k]) for k in HOSTS},
           "ca": os.path.join(d, "ca.pem"), "target": TARGET, "role": ROLE,
           "images": build_and_push(d, ports, apk_db, dpkg_status)}
    # The setup's requests are not vetter's.
    open(os.path.join(d, "requests.log"), "w").close()
    open(os.path.join(d, "violations.log"), "w").close()
    with open(os.path.join(d, "env.json"), "w") as f:
        json.dump(env, f, indent=1)
    print(json.dumps(env))


def down(d):
    # Two registries, their proxies and moto's seed state: give them longer than regenv's.
    regenv_down(d, wait=10.0)


def main():
    a = sys.argv[1:]
    watch = 0
    if "--watch" in a:
        i = a.index("--watch")
        watch = int(a[i + 1])
        del a[i:i + 2]
    if len(a) == 5 and a[0] == "up":
        d = os.path.abspath(a[1])
        try:
            up(d, a[2], a[3], a[4], watch)
        except Exception:
            down(d)
            raise
    elif len(a) == 2 and a[0] == "down":
        down(os.path.abspath(a[1]))
    elif len(a) == 2 and a[0] == "serve":
        serve(os.path.abspath(a[1]), watch)
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
