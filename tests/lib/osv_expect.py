#!/usr/bin/python3
"""What vetter's advisory database should make of OSV inputs, derived here
independently of vetter (Python's json and zipfile, and dpkg itself).

usage:
  osv_expect.py import PATH...
      Walk the inputs as 'vetter db import osv' documents (a .json file, every
      *.json below a folder in name order, the *.json members of a zip) and
      print what the import must give:
        eco<TAB>ECOSYSTEM<TAB>RECORDS     records per ecosystem (sorted)
        refused<TAB>WHERE<TAB>REASON      inputs that are not OSV records
        withdrawn<TAB>ID                  withdrawn before now
        records<TAB>N                     distinct records kept
        without_package<TAB>N             of which name no package
  osv_expect.py match ZIP STATUS ECOSYSTEM
      The matches the records of ZIP imply for the installed packages of a dpkg
      STATUS file, looking packages up by source package and source version and
      comparing versions with 'dpkg --compare-versions' (one call per distinct
      pair).  Prints PACKAGE<TAB>ADVISORY<TAB>FIXED (or "-") lines, sorted.

Only the refusal reasons the shared data exercises are derived here ("id is
missing", "modified is missing", "not a JSON object", "not JSON"); the test
checks the other reasons on records it writes itself.
"""
import datetime
import json
import os
import re
import subprocess
import sys
import zipfile


def parse_time(s):
    s = s.strip()
    if s.endswith("Z") or s.endswith("z"):
        s = s[:-1] + "+00:00"
    # Python < 3.11 cannot read more than 6 fraction digits.
    m = re.match(r"^(.*T\d\d:\d\d:\d\d)(\.\d+)?(.*)$", s)
    if m:
        s = m.group(1) + (m.group(2)[:7] if m.group(2) else "") + m.group(3)
    t = datetime.datetime.fromisoformat(s)
    if t.tzinfo is None:
        t = t.replace(tzinfo=datetime.timezone.utc)
    return t


def documents(path):
    """(where, bytes) of each JSON document of an input, in vetter's order."""
    if os.path.isdir(path):
        for name in sorted(os.listdir(path)):
            if name.startswith("."):
                continue
            p = os.path.join(path, name)
            if os.path.islink(p):
                continue
            if os.path.isdir(p):
                yield from documents(p)
            elif name.endswith(".json"):
                with open(p, "rb") as f:
                    yield p, f.read()
    elif path.endswith(".zip"):
        base = os.path.basename(path)
        with zipfile.ZipFile(path) as z:
            for info in z.infolist():
                if not info.is_dir() and info.filename.endswith(".json"):
                    yield "%s:%s" % (base, info.filename), z.read(info)
    else:
        with open(path, "rb") as f:
            yield path, f.read()


def cmd_import(paths):
    now = datetime.datetime.now(datetime.timezone.utc)
    kept = {}
    out = []
    for path in paths:
        for where, data in documents(path):
            try:
                d = json.loads(data)
            except ValueError:
                out.append("refused\t%s\tnot JSON" % where)
                continue
            if not isinstance(d, dict):
                out.append("refused\t%s\tnot a JSON object" % where)
                continue
            if "id" not in d:
                out.append("refused\t%s\tid is missing" % where)
                continue
            if "modified" not in d:
                out.append("refused\t%s\tmodified is missing" % where)
                continue
            if d.get("withdrawn") and parse_time(d["withdrawn"]) <= now:
                out.append("withdrawn\t%s" % d["id"])
                kept.pop(d["id"], None)
                continue
            old = kept.get(d["id"])
            if old is None or parse_time(d["modified"]) >= parse_time(old["modified"]):
                kept[d["id"]] = d
    per_eco = {}
    without = 0
    for d in kept.values():
        ecos = {a["package"]["ecosystem"] for a in d.get("affected") or [] if a.get("package")}
        if not ecos:
            without += 1
        for e in ecos:
            per_eco[e] = per_eco.get(e, 0) + 1
    for e in sorted(per_eco):
        print("eco\t%s\t%d" % (e, per_eco[e]))
    for line in out:
        print(line)
    print("records\t%d" % len(kept))
    print("without_package\t%d" % without)


def installed_sources(status_path):
    """(package, source name, source version) of each installed package of a dpkg status file."""
    pkgs, cur = [], {}
    with open(status_path, encoding="utf-8") as f:
        for line in f.read().split("\n") + [""]:
            if not line:
                if cur:
                    pkgs.append(cur)
                cur = {}
            elif line[0] not in " \t":
                k, _, v = line.partition(":")
                cur[k] = v.strip()
    for p in pkgs:
        if p.get("Status", "").split()[-1:] != ["installed"]:
            continue
        src, ver = p["Package"], p["Version"]
        if "Source" in p:
            m = re.match(r"^(\S+)(?:\s*\((.+)\))?$", p["Source"])
            src = m.group(1)
            if m.group(2):
                ver = m.group(2)
        yield p["Package"], src, ver


class Dpkg:
    def __init__(self):
        self.cache = {}

    def lt(self, a, b):
        key = (a, b)
        if key not in self.cache:
            self.cache[key] = subprocess.run(["dpkg", "--compare-versions", a, "lt", b]).returncode == 0
        return self.cache[key]

    def cmp(self, a, b):
        if a == b or (not self.lt(a, b) and not self.lt(b, a)):
            return 0
        return -1 if self.lt(a, b) else 1


def affected(dpkg, v, ranges):
    """The OSV schema's evaluation for ECOSYSTEM ranges, with dpkg's ordering; (affected, fix)."""
    hit, fix = False, None
    for r in ranges:
        if r.get("type") != "ECOSYSTEM":
            continue
        evs = [list(e.items())[0] for e in r["events"]]
        order = {"introduced": 0, "last_affected": 1, "fixed": 1, "limit": 1}
        import functools

        def key_cmp(x, y):
            if x[1] == "0" and x[0] == "introduced":
                return -1
            if y[1] == "0" and y[0] == "introduced":
                return 1
            c = dpkg.cmp(x[1], y[1])
            return c if c else order[x[0]] - order[y[0]]

        vulnerable = False
        for kind, ver in sorted(evs, key=functools.cmp_to_key(key_cmp)):
            if kind == "introduced" and (ver == "0" or not dpkg.lt(v, ver)):
                vulnerable = True
            elif kind == "fixed" and not dpkg.lt(v, ver):
                vulnerable = False
            elif kind == "last_affected" and dpkg.lt(ver, v):
                vulnerable = False
        if vulnerable:
            hit = True
            for kind, ver in evs:
                if kind == "fixed" and dpkg.lt(v, ver) and (fix is None or dpkg.lt(ver, fix)):
                    fix = ver
    return hit, fix


def cmd_match(zip_path, status_path, ecosystem):
    by_source = {}
    with zipfile.ZipFile(zip_path) as z:
        for name in z.namelist():
            d = json.loads(z.read(name))
            for a in d.get("affected", []):
                if a["package"]["ecosystem"] == ecosystem:
                    by_source.setdefault(a["package"]["name"], []).append((d["id"], a))
    dpkg = Dpkg()
    lines = set()
    for pkg, src, ver in installed_sources(status_path):
        for rid, a in by_source.get(src, []):
            hit, fix = affected(dpkg, ver, a.get("ranges", []))
            if hit or ver in a.get("versions", []):
                lines.add("%s\t%s\t%s" % (pkg, rid, fix or "-"))
    for line in sorted(lines):
        print(line)


if __name__ == "__main__":
    if len(sys.argv) >= 3 and sys.argv[1] == "import":
        cmd_import(sys.argv[2:])
    elif len(sys.argv) == 5 and sys.argv[1] == "match":
        cmd_match(sys.argv[2], sys.argv[3], sys.argv[4])
    else:
        sys.exit(__doc__)
