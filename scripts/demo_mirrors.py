"""The images the demo clusters run beyond those of images.json (samples/demo/images/mirrors.json): the
third-party images both companies mirror into their own registries, and first-party services the demo
does not build from trees. Each is written here as an OCI image layout, without umoci (there are dozens):
a base layer with the upstream image's os-release and package database (dpkg status or status.d, apk
installed, or an RPM database made by the caller's rpm builder), and an app layer with the application's
own packages (Java archives, Python distributions' METADATA, Node modules' package.json, vendor .debs),
then pushed to the demo registry with skopeo, several at a time. Nothing reaches the network."""
import concurrent.futures
import gzip
import hashlib
import io
import json
import os
import tarfile
from datetime import datetime

LAYER = "application/vnd.oci.image.layer.v1.tar+gzip"


def _blob(layout, data):
    digest = hashlib.sha256(data).hexdigest()
    path = os.path.join(layout, "blobs", "sha256", digest)
    if not os.path.exists(path):
        with open(path, "wb") as fh:
            fh.write(data)
    return "sha256:" + digest, len(data)


def _tar(files, mtime):
    """An uncompressed tar of {path: (bytes, mode)} with its parent folders, in name order, owned by root."""
    entries = {}
    for path, (data, mode) in files.items():
        parts = path.strip("/").split("/")
        for i in range(1, len(parts)):
            entries.setdefault("/".join(parts[:i]), (None, 0o755))
        entries[path.strip("/")] = (data, mode)
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.PAX_FORMAT) as t:
        for path in sorted(entries):
            data, mode = entries[path]
            ti = tarfile.TarInfo(path)
            ti.mtime, ti.mode, ti.uid, ti.gid, ti.uname, ti.gname = mtime, mode, 0, 0, "root", "root"
            if data is None:
                ti.type = tarfile.DIRTYPE
                t.addfile(ti)
            else:
                ti.size = len(data)
                t.addfile(ti, io.BytesIO(data))
    return buf.getvalue()


def _split(entry):
    """'name version [source]' -> (name, version, source or None)."""
    parts = entry.split()
    return parts[0], parts[1], parts[2] if len(parts) > 2 else None


def _deb_stanza(entry):
    name, version, source = _split(entry)
    lines = ["Package: " + name, "Status: install ok installed", "Priority: optional", "Installed-Size: 1024",
             "Maintainer: Debian Maintainers <debian-devel@lists.debian.org>", "Architecture: amd64"]
    if source:
        lines.append("Source: " + source)
    lines += ["Version: " + version, "Description: " + name]
    return "\n".join(lines) + "\n"


def _apk_stanza(entry):
    name, version, origin = _split(entry)
    return ("C:Q1BBBBBBBBBBBBBBBBBBBBBBBBBB=\nP:%s\nV:%s\nA:x86_64\nS:100000\nI:300000\nT:%s\nU:https://alpinelinux.org\n"
            "L:unknown\no:%s\nm:Natanael Copa <ncopa@alpinelinux.org>\nt:1700000000\n"
            "c:0000000000000000000000000000000000000000\n" % (name, version, name, origin or name))


def _base_files(base, rpmdb):
    files = {"etc/os-release": (base["os_release"].encode(), 0o644)}
    for path, text in base.get("files", {}).items():
        files[path] = (text.encode(), 0o644)
    if base.get("status_d"):
        for entry in base.get("deb", []):
            files["var/lib/dpkg/status.d/" + _split(entry)[0]] = (_deb_stanza(entry).encode(), 0o644)
    elif "deb" in base:
        files["var/lib/dpkg/status"] = ("\n".join(_deb_stanza(e) for e in base["deb"]).encode(), 0o644)
    if "apk" in base:
        files["lib/apk/db/installed"] = ("\n".join(_apk_stanza(e) for e in base["apk"]).encode() + b"\n", 0o644)
    if "rpm" in base:
        files["var/lib/rpm/rpmdb.sqlite"] = (rpmdb(base["rpm"], base.get("vendor", "")), 0o644)
    return files


def _app_files(img, base, jar):
    """The app layer: vendor packages added to the base's database, and the application's own packages."""
    files = {}
    if img.get("deb"):
        if base.get("status_d"):
            for e in img["deb"]:
                files["var/lib/dpkg/status.d/" + _split(e)[0]] = (_deb_stanza(e).encode(), 0o644)
        else:
            text = "\n".join(_deb_stanza(e) for e in base.get("deb", []) + img["deb"])
            files["var/lib/dpkg/status"] = (text.encode(), 0o644)
    if img.get("apk"):
        text = "\n".join(_apk_stanza(e) for e in base.get("apk", []) + img["apk"]) + "\n"
        files["lib/apk/db/installed"] = (text.encode(), 0o644)
    for e in img.get("jars", {}).get("packages", []):
        ga, version = e.split()
        group, artifact = ga.split(":")
        files["%s/%s-%s.jar" % (img["jars"]["dir"], artifact, version)] = (jar(group, artifact, version), 0o644)
    for e in img.get("pypi", {}).get("packages", []):
        name, version = e.split()
        meta = "Metadata-Version: 2.1\nName: %s\nVersion: %s\n" % (name, version)
        files["%s/%s-%s.dist-info/METADATA" % (img["pypi"]["dir"], name.replace("-", "_"), version)] = (meta.encode(), 0o644)
    for e in img.get("npm", {}).get("packages", []):
        name, version = e.split()
        pj = json.dumps({"name": name, "version": version}, indent=2) + "\n"
        files["%s/%s/package.json" % (img["npm"]["dir"], name)] = (pj.encode(), 0o644)
    return files


def tag_of(img):
    """The layout tag of an image: its repository and tag, '/' and ':' made '-'."""
    return img["push"].replace("/", "-").replace(":", "-")


def build(spec, layout, rpmdb, jar):
    """Write every image of spec (mirrors.json) into the OCI layout folder; returns their oci-dir references
    relative to the engagement folder's images/ parent. rpmdb(file, vendor) -> bytes; jar(g, a, v) -> bytes."""
    os.makedirs(os.path.join(layout, "blobs", "sha256"), exist_ok=True)
    with open(os.path.join(layout, "oci-layout"), "w") as fh:
        json.dump({"imageLayoutVersion": "1.0.0"}, fh)
    manifests, refs, base_layers = [], [], {}
    for img in spec["images"]:
        base = spec["bases"][img["base"]]
        created = img["created"]
        mtime = int(datetime.strptime(created, "%Y-%m-%dT%H:%M:%SZ").timestamp())
        layers, history = [], []
        key = (img["base"], mtime)
        if key not in base_layers:
            base_layers[key] = _tar(_base_files(base, rpmdb), mtime)
        tars = [(base_layers[key], "ADD %s rootfs" % img["base"])]
        app = _app_files(img, base, jar)
        if app:
            tars.append((_tar(app, mtime), "install %s" % img["push"].rsplit("/", 1)[-1]))
        diff_ids = []
        for raw, step in tars:
            gz = gzip.compress(raw, mtime=0)
            digest, size = _blob(layout, gz)
            layers.append({"mediaType": LAYER, "digest": digest, "size": size})
            diff_ids.append("sha256:" + hashlib.sha256(raw).hexdigest())
            history.append({"created": created, "created_by": step, "author": img.get("author", "")})
        cfg = img.get("config", {})
        conf = {"Cmd": cfg.get("cmd", "").split(), "Env": ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"]}
        if cfg.get("user"):
            conf["User"] = cfg["user"]
        if cfg.get("ports"):
            conf["ExposedPorts"] = {p: {} for p in cfg["ports"]}
        if img.get("upstream"):
            conf["Labels"] = {"org.opencontainers.image.base.name": img["upstream"]}
        config = {"created": created, "author": img.get("author", ""), "architecture": "amd64", "os": "linux",
                  "config": conf, "rootfs": {"type": "layers", "diff_ids": diff_ids}, "history": history}
        cdigest, csize = _blob(layout, json.dumps(config, sort_keys=True).encode())
        manifest = {"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
                    "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "digest": cdigest, "size": csize},
                    "layers": layers}
        mdigest, msize = _blob(layout, json.dumps(manifest, sort_keys=True).encode())
        manifests.append({"mediaType": "application/vnd.oci.image.manifest.v1+json", "digest": mdigest, "size": msize,
                          "annotations": {"org.opencontainers.image.ref.name": tag_of(img)}})
        refs.append("oci-dir:images/%s:%s" % (os.path.basename(layout), tag_of(img)))
    with open(os.path.join(layout, "index.json"), "w") as fh:
        json.dump({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.index.v1+json", "manifests": manifests}, fh)
    return refs


def push(spec, layout, port, run, workers=8):
    """Push every image to the demo registry as its 'push' name, several skopeo processes at a time."""
    def one(img):
        run(["skopeo", "copy", "--quiet", "--dest-tls-verify=false", "oci:%s:%s" % (layout, tag_of(img)),
             "docker://127.0.0.1:%d/%s" % (port, img["push"])])
    with concurrent.futures.ThreadPoolExecutor(max_workers=workers) as pool:
        list(pool.map(one, spec["images"]))
    return len(spec["images"])
