#!/usr/bin/env python3
"""Build a layer tarball from a spec, for the tests.

usage: mktar.py OUT.tar[.gz|.zst] SPEC.json

SPEC is a JSON list of entries:
  {"path": "etc/os-release", "content": "ID=debian\\n"}          regular file (content text)
  {"path": "bin/app", "from": "/abs/file", "mode": 493}           regular file copied from a file
  {"path": "etc", "type": "dir"}
  {"path": "etc/os-release", "type": "symlink", "link": "../usr/lib/os-release"}
  {"path": "x", "type": "hardlink", "link": "y"}
  {"path": "zeros", "zeros": 1048576}                              a file of NUL bytes (bomb tests)
Paths are written exactly as given (so tests can write "../evil" or "/abs").
"""
import io
import json
import os
import subprocess
import sys
import tarfile

out, spec_path = sys.argv[1], sys.argv[2]
with open(spec_path) as f:
    spec = json.load(f)

raw = io.BytesIO()
with tarfile.open(fileobj=raw, mode="w", format=tarfile.PAX_FORMAT) as t:
    for e in spec:
        ti = tarfile.TarInfo(e["path"])
        ti.mtime = 1700000000
        ti.mode = e.get("mode", 0o644)
        kind = e.get("type", "file")
        if kind == "dir":
            ti.type = tarfile.DIRTYPE
            ti.mode = e.get("mode", 0o755)
            t.addfile(ti)
        elif kind == "symlink":
            ti.type = tarfile.SYMTYPE
            ti.linkname = e["link"]
            t.addfile(ti)
        elif kind == "hardlink":
            ti.type = tarfile.LNKTYPE
            ti.linkname = e["link"]
            t.addfile(ti)
        else:
            if "from" in e:
                with open(e["from"], "rb") as src:
                    data = src.read()
            elif "zeros" in e:
                data = bytes(e["zeros"])
            else:
                data = e.get("content", "").encode()
            ti.size = len(data)
            t.addfile(ti, io.BytesIO(data))
data = raw.getvalue()
if out.endswith(".gz"):
    import gzip
    data = gzip.compress(data, compresslevel=6, mtime=0)
elif out.endswith(".zst"):
    data = subprocess.run(["zstd", "-q", "-c"], input=data, stdout=subprocess.PIPE, check=True).stdout
with open(out, "wb") as f:
    f.write(data)
