#!/usr/bin/env python3
"""Build the demo engagement folder from samples/demo, offline.

    demo-build.py --samples samples/demo --out DIR [--vetter BIN --data DIR --vulndb FILE] [--cache DIR]

DIR receives a copy of the sample engagement (engagement.yaml, manual findings, Kubernetes exports...)
and the container images that samples/demo/images/images.json describes, built here as OCI layouts
(images/<company>) with umoci from the layer folders beside it, plus what cannot live in the
repository as files: an RPM database made with rpmbuild and rpm, a Go program built from vendored
sources, Java archives, a freshly generated private key, and whiteouts.

With --vetter, --data and --vulndb it also builds the demo's advisory database: every image is
inventoried with 'vetter inventory', and only the advisories of the conformance data (--data, the
shared data folder) that name one of those packages are imported, with the CVE records they cite, the
CISA KEV catalog and the EPSS scores of that folder. Nothing is invented: DIR/advisories.txt lists
every file imported. Nothing reaches the network.
"""
import argparse
import glob
import hashlib
import io
import json
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
import zipfile
from datetime import datetime

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import demo_mirrors  # noqa: E402


def die(msg):
    sys.stderr.write("demo-build: %s\n" % msg)
    sys.exit(1)


def run(argv, **kw):
    try:
        return subprocess.run(argv, check=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE, **kw)
    except FileNotFoundError:
        die("%s is not installed (make deps installs it)" % argv[0])
    except subprocess.CalledProcessError as e:
        die("%s failed (exit %d): %s" % (" ".join(argv[:4]), e.returncode, e.stderr.decode(errors="replace").strip()))


class Layer:
    """An uncompressed layer tarball written in name order, every entry dated `mtime`, owned by root."""

    def __init__(self, mtime):
        self.mtime = mtime
        self.files = {}  # path -> (bytes, mode) ; bytes None for a folder

    def add_dir(self, path):
        parts = path.strip("/").split("/")
        for i in range(1, len(parts) + 1):
            self.files.setdefault("/".join(parts[:i]), (None, 0o755))

    def add_file(self, path, data, mode=0o644):
        path = path.strip("/")
        if "/" in path:
            self.add_dir(path.rsplit("/", 1)[0])
        self.files[path] = (data, mode)

    def add_tree(self, root):
        for dirpath, dirnames, filenames in os.walk(root):
            dirnames.sort()
            rel = os.path.relpath(dirpath, root)
            if rel != ".":
                self.add_dir(rel)
            for f in sorted(filenames):
                src = os.path.join(dirpath, f)
                with open(src, "rb") as fh:
                    data = fh.read()
                mode = 0o755 if os.access(src, os.X_OK) else 0o644
                self.add_file(os.path.normpath(os.path.join(rel, f)), data, mode)

    def write(self, out):
        with tarfile.open(out, "w", format=tarfile.PAX_FORMAT) as t:
            for path in sorted(self.files):
                data, mode = self.files[path]
                ti = tarfile.TarInfo(path)
                ti.mtime, ti.mode, ti.uid, ti.gid, ti.uname, ti.gname = self.mtime, mode, 0, 0, "root", "root"
                if data is None:
                    ti.type = tarfile.DIRTYPE
                    t.addfile(ti)
                else:
                    ti.size = len(data)
                    t.addfile(ti, io.BytesIO(data))


def rpmdb(spec_file, tmp, vendor="AlmaLinux"):
    """An rpm SQLite database holding the packages spec_file lists, as rpm itself writes it."""
    top, db = os.path.join(tmp, "rpmtop"), os.path.join(tmp, "rpmdb")
    os.makedirs(db, exist_ok=True)
    rpms = []
    with open(spec_file) as fh:
        lines = [l.split(None, 6) for l in fh if l.strip() and not l.startswith("#")]
    for src, epoch, ver, rel, lic, subs, summary in lines:
        summary = summary.strip()
        spec = ["Name: %s" % src, "Version: %s" % ver, "Release: %s" % rel, "Summary: %s" % summary,
                "License: %s" % lic, "Vendor: %s" % vendor, "BuildArch: x86_64"]
        if vendor == "AlmaLinux":
            spec += ["Packager: AlmaLinux Packaging Team <packager@almalinux.org>", "URL: https://almalinux.org/"]
        if epoch != "0":
            spec.append("Epoch: %s" % epoch)
        spec += ["%description", summary, ""]
        for sub in subs.split(","):
            if sub == src:
                spec += ["%files", ""]
            else:
                spec += ["%%package -n %s" % sub, "Summary: %s" % summary, "%%description -n %s" % sub, summary, "",
                         "%%files -n %s" % sub, ""]
        path = os.path.join(tmp, src + ".spec")
        with open(path, "w") as fh:
            fh.write("\n".join(spec))
        run(["rpmbuild", "-bb", "--quiet", "--define", "_topdir " + top, "--define", "_build_id_links none",
             "--define", "_binary_payload w.ufdio", "--define", "__os_install_post %{nil}", path])
    rpms = sorted(glob.glob(os.path.join(top, "RPMS", "*", "*.rpm")))
    run(["rpm", "--dbpath", db, "--initdb"])
    run(["rpm", "--dbpath", db, "-i", "--justdb", "--nodeps", "--noscripts", "--notriggers", "--ignorearch",
         "--ignoreos", "--nosignature", "--nodigest"] + rpms)
    with open(os.path.join(db, "rpmdb.sqlite"), "rb") as fh:
        return fh.read(), len(rpms)


def gobuild(src, cache, tmp):
    out = os.path.join(tmp, "gobin")
    env = dict(os.environ, GOFLAGS="-mod=vendor", GOPROXY="off", GOTOOLCHAIN="local", CGO_ENABLED="0",
               GOCACHE=cache, GOPATH=os.path.join(tmp, "gopath"), GOWORK="off", GO111MODULE="on",
               GOOS="linux", GOARCH="amd64")
    run(["go", "build", "-trimpath", "-ldflags=-s -w -buildid=", "-o", out, "."], cwd=src, env=env)
    with open(out, "rb") as fh:
        return fh.read()


def jar(group, artifact, version):
    buf = io.BytesIO()
    stamp = (2024, 1, 1, 0, 0, 0)
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in [
            ("META-INF/MANIFEST.MF", "Manifest-Version: 1.0\r\nImplementation-Title: %s\r\nImplementation-Version: %s\r\n\r\n"
             % (artifact, version)),
            ("META-INF/maven/%s/%s/pom.properties" % (group, artifact),
             "#Created by Apache Maven\nversion=%s\ngroupId=%s\nartifactId=%s\n" % (version, group, artifact)),
        ]:
            z.writestr(zipfile.ZipInfo(name, stamp), data)
    return buf.getvalue()


def keygen():
    return run(["openssl", "genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256"]).stdout


def build_image(img, images_dir, layouts, cache, tmp):
    layout = os.path.join(layouts, img["layout"])
    ref = "%s:%s" % (layout, img["tag"])
    created = img["created"]
    mtime = int(datetime.strptime(created, "%Y-%m-%dT%H:%M:%SZ").timestamp())
    if not os.path.isdir(layout):
        run(["umoci", "init", "--layout", layout])
    run(["umoci", "new", "--image", ref])
    for n, spec in enumerate(img["layers"]):
        layer = Layer(mtime)
        if "tree" in spec:
            layer.add_tree(os.path.join(images_dir, spec["tree"]))
        if "rpm" in spec:
            data, _ = rpmdb(os.path.join(images_dir, spec["rpm"]), os.path.join(tmp, "rpm-" + img["tag"]))
            layer.add_file("var/lib/rpm/rpmdb.sqlite", data)
        if "go" in spec:
            layer.add_file(spec["go"]["out"], gobuild(os.path.join(images_dir, spec["go"]["src"]), cache, tmp), 0o755)
        if "jars" in spec:
            with open(os.path.join(images_dir, spec["jars"])) as fh:
                for j in json.load(fh)["jars"]:
                    layer.add_file(j["path"], jar(j["group"], j["artifact"], j["version"]))
        if "keygen" in spec:
            layer.add_file(spec["keygen"], keygen(), 0o600)
        for path in spec.get("delete", []):
            folder, name = os.path.split(path)
            layer.add_file(os.path.join(folder, ".wh." + name), b"")
        tar = os.path.join(tmp, "%s-%d.tar" % (img["tag"], n))
        layer.write(tar)
        run(["umoci", "raw", "add-layer", "--image", ref, "--history.created", created,
             "--history.created_by", spec.get("step", "layer %d" % n), "--history.author", img.get("author", ""), tar])
    cfg = img.get("config", {})
    argv = ["umoci", "config", "--image", ref, "--no-history", "--created", created, "--author", img.get("author", ""),
            "--architecture", "amd64", "--os", "linux"]
    if "user" in cfg:
        argv += ["--config.user", cfg["user"]]
    if "workdir" in cfg:
        argv += ["--config.workingdir", cfg["workdir"]]
    for e in cfg.get("env", []):
        argv += ["--config.env", e]
    for p in cfg.get("ports", []):
        argv += ["--config.exposedports", p]
    for c in cfg.get("cmd", "").split():
        argv += ["--config.cmd", c]
    run(argv)
    return "oci-dir:images/%s:%s" % (img["layout"], img["tag"])


def seal_bundles(out):
    """Write the SHA256SUMS of each evidence bundle under dataroom/ (a folder with a kit's commands.tsv), as the
    kit's script does when it finishes: the digest of every other file, sorted by name. Made here from the
    sample files, so the manifest always verifies; commands.tsv must name exactly the files a command wrote."""
    n = 0
    for tsv in sorted(glob.glob(os.path.join(out, "dataroom", "*", "commands.tsv"))):
        folder = os.path.dirname(tsv)
        files = []
        for dirpath, dirnames, names in os.walk(folder):
            dirnames.sort()
            files += [os.path.relpath(os.path.join(dirpath, f), folder).replace(os.sep, "/") for f in names]
        files = sorted(f for f in files if f != "SHA256SUMS")
        with open(tsv) as fh:
            lines = fh.read().splitlines()
        if not lines or not lines[0].startswith("# vetter-bundle\t1\tkit\t"):
            die("%s: the first line is not '# vetter-bundle<TAB>1<TAB>kit<TAB>NAME'" % tsv)
        written = {l.split("\t")[0] for l in lines[1:] if l}
        kit = lines[0].split("\t")[3]
        made = {f for f in files if f.startswith(kit + "/")}
        if written != made:
            die("%s: commands.tsv and the kit's files differ: %s" % (tsv, sorted(written ^ made)))
        with open(os.path.join(folder, "SHA256SUMS"), "w") as fh:
            for f in files:
                with open(os.path.join(folder, f), "rb") as src:
                    fh.write("%s  %s\n" % (hashlib.sha256(src.read()).hexdigest(), f))
        n += 1
    return n


def push(spec, out, port, registry_dir):
    """Push the images marked 'push' and point the engagement's files at the registry's port."""
    n = 0
    for img in spec["images"]:
        if img.get("push"):
            run(["skopeo", "copy", "--quiet", "--dest-tls-verify=false", "oci:%s:%s" % (os.path.join(out, "images", img["layout"]),
                 img["tag"]), "docker://127.0.0.1:%d/%s" % (port, img["push"])])
            n += 1
    shutil.copyfile(os.path.join(registry_dir, "ca.pem"), os.path.join(out, "registry-ca.pem"))
    for dirpath, _, files in os.walk(out):
        for f in files:
            if f.endswith((".yaml", ".yml", ".json")) and "images" not in os.path.relpath(dirpath, out).split(os.sep):
                path = os.path.join(dirpath, f)
                with open(path) as fh:
                    text = fh.read()
                if "@REGISTRY_PORT@" in text:
                    with open(path, "w") as fh:
                        fh.write(text.replace("@REGISTRY_PORT@", str(port)))
    return n


# Advisory ecosystems (OSV "ecosystem" before any ':') by package type, and the names a package is known by.
ECOSYSTEMS = {"deb": "Debian", "apk": "Alpine", "rpm": "AlmaLinux", "npm": "npm", "pypi": "PyPI", "golang": "Go",
              "maven": "Maven"}


def package_keys(pkg):
    eco = ECOSYSTEMS.get(pkg.get("type"))
    if not eco:
        return []
    name = pkg.get("name", "")
    if pkg.get("type") == "maven" and pkg.get("namespace"):
        name = "%s:%s" % (pkg["namespace"], name)
    keys = {(eco, name)}
    if pkg.get("source_name"):
        keys.add((eco, pkg["source_name"]))
    if pkg.get("type") == "deb":  # dpkg databases of Ubuntu images too: their advisories name the same packages
        keys |= {("Ubuntu", n) for _, n in keys}
    if pkg.get("type") == "pypi":
        keys.add((eco, name.lower()))
    return keys


def record_matches(rec, wanted):
    for a in rec.get("affected", []) if isinstance(rec, dict) else []:
        p = a.get("package", {})
        if (p.get("ecosystem", "").split(":")[0], p.get("name", "")) in wanted:
            return True
    return False


def record_cves(rec):
    ids = [rec.get("id", "")] + rec.get("aliases", []) + rec.get("related", []) + rec.get("upstream", [])
    return {i for i in ids if isinstance(i, str) and i.startswith("CVE-")}


def build_vulndb(vetter, data, vulndb, out, refs, tmp):
    wanted = set()
    for ref in refs:
        res = subprocess.run([vetter, "--quiet", "inventory", "--format", "json", ref], cwd=out, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE)
        if res.returncode not in (0, 3):
            die("vetter inventory %s failed: %s" % (ref, res.stderr.decode(errors="replace")))
        for p in json.loads(res.stdout).get("packages", []):
            wanted |= package_keys(p)
    osv_files, cves = [], set()
    for path in sorted(glob.glob(os.path.join(data, "osv", "**", "*.json"), recursive=True)):
        if "non-osv-sources" in path:
            continue
        try:
            with open(path) as fh:
                rec = json.load(fh)
        except (OSError, ValueError):
            continue
        if record_matches(rec, wanted):
            osv_files.append(path)
            cves |= record_cves(rec)
    debian_dir = os.path.join(tmp, "debian12-osv")
    os.makedirs(debian_dir, exist_ok=True)
    debian = 0
    with zipfile.ZipFile(os.path.join(data, "debian12-osv", "all.zip")) as z:
        for name in sorted(z.namelist()):
            rec = json.loads(z.read(name))
            if record_matches(rec, wanted):
                with open(os.path.join(debian_dir, os.path.basename(name)), "wb") as fh:
                    fh.write(z.read(name))
                cves |= record_cves(rec)
                debian += 1
    cve_files = []
    for folder in ("cve5/cves", "vulnrichment"):
        for path in sorted(glob.glob(os.path.join(data, folder, "**", "CVE-*.json"), recursive=True)):
            if os.path.basename(path)[:-5] in cves:
                cve_files.append(path)
    kev = os.path.join(data, "kev", "known_exploited_vulnerabilities.json")
    epss = sorted(glob.glob(os.path.join(data, "epss", "epss_scores-*.csv")))
    if os.path.exists(vulndb):
        os.unlink(vulndb)
    base = [vetter, "--quiet", "db", "--vulndb", vulndb, "import"]
    for argv in ([base + ["osv"] + osv_files + [debian_dir]], [base + ["cve"] + cve_files] if cve_files else [],
                 [base + ["kev", kev]], [base + ["epss", epss[0]]] if epss else []):
        for a in argv:
            res = subprocess.run(a, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
            if res.returncode not in (0, 3):
                die("%s failed: %s" % (" ".join(a[:6]), res.stderr.decode(errors="replace")))
    with open(os.path.join(out, "advisories.txt"), "w") as fh:
        fh.write("# The demo advisory database was imported from these files of %s\n" % data)
        for p in osv_files + cve_files + [kev] + epss[:1]:
            fh.write(os.path.relpath(p, data) + "\n")
        fh.write("debian12-osv/all.zip (%d records naming the images' source packages)\n" % debian)
    return len(osv_files) + debian, len(cve_files)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--samples", default=os.path.join(HERE, "..", "samples", "demo"))
    ap.add_argument("--out", required=True)
    ap.add_argument("--vetter")
    ap.add_argument("--data")
    ap.add_argument("--vulndb")
    ap.add_argument("--cache", help="Go build cache (default: a folder under --out)")
    ap.add_argument("--registry-port", type=int, help="push the images to the demo registry on this port")
    ap.add_argument("--registry-dir", help="the demo registry's folder (its CA, ca.pem, is copied beside the engagement)")
    args = ap.parse_args()
    samples, out = os.path.abspath(args.samples), os.path.abspath(args.out)
    if os.path.exists(out):
        shutil.rmtree(out)
    # Not the image trees (built below), nor a store left by running vetter on samples/ directly.
    shutil.copytree(samples, out, ignore=lambda d, names: [n for n in names if n == "images" or n.endswith(".vetter")]
                    if os.path.abspath(d) == samples else [])
    images_dir = os.path.join(samples, "images")
    with open(os.path.join(images_dir, "images.json")) as fh:
        spec = json.load(fh)
    cache = os.path.abspath(args.cache or os.path.join(out, ".gocache"))
    refs = []
    with tempfile.TemporaryDirectory(prefix="vetter-demo-") as tmp:
        for img in spec["images"]:
            refs.append(build_image(img, images_dir, os.path.join(out, "images"), cache, tmp))
        for layout in sorted({i["layout"] for i in spec["images"]}):
            run(["umoci", "gc", "--layout", os.path.join(out, "images", layout)])
        msg = "%d images built" % len(refs)
        mirrors, mirror_layout = None, os.path.join(out, "images", "mirrors")
        if os.path.exists(os.path.join(images_dir, "mirrors.json")):
            with open(os.path.join(images_dir, "mirrors.json")) as fh:
                mirrors = json.load(fh)
            rpms = {}

            def rpm_for(name, vendor):
                if name not in rpms:
                    rpms[name] = rpmdb(os.path.join(images_dir, "mirrors", name), os.path.join(tmp, "rpm-" + name), vendor)[0]
                return rpms[name]
            refs += demo_mirrors.build(mirrors, mirror_layout, rpm_for, jar)
            msg += " and %d mirrored or first-party images written" % len(mirrors["images"])
        if args.registry_port:
            n = push(spec, out, args.registry_port, args.registry_dir)
            if mirrors:
                n += demo_mirrors.push(mirrors, mirror_layout, args.registry_port, run)
            msg += "; %d pushed to the demo registry" % n
        # After the port is written into the files: the manifest covers the files as sent.
        msg += "; %d evidence bundle(s) sealed" % seal_bundles(out)
        if args.vetter and args.data and args.vulndb:
            n, c = build_vulndb(os.path.abspath(args.vetter), os.path.abspath(args.data), os.path.abspath(args.vulndb),
                                out, refs, tmp)
            msg += "; advisory database: %d advisories and %d CVE records from %s" % (n, c, args.data)
    if not args.cache:
        shutil.rmtree(cache, ignore_errors=True)
    print(msg)


if __name__ == "__main__":
    main()
