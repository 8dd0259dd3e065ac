#!/usr/bin/env python3
"""Every advisory behind a vulnerability finding of the demo is a real record of the conformance data.

    demo_provenance.py FINDINGS.json DATA

For each vulnerability finding: its advisory id (rule) names an OSV record in DATA (a file of osv/ or
an entry of debian12-osv/all.zip) whose affected packages name the finding's package (or its source)
with the finding's fixed version among that record's events, and every CVE id the finding cites is one
of the record's aliases, related or upstream ids. Prints the count checked; exit 1 on the first mismatch.
"""
import glob
import json
import os
import sys
import zipfile

findings, data = sys.argv[1], sys.argv[2]
records = {}
for path in glob.glob(os.path.join(data, "osv", "**", "*.json"), recursive=True):
    try:
        with open(path) as fh:
            r = json.load(fh)
        records[r["id"]] = r
    except (OSError, ValueError, KeyError, TypeError):
        pass
with zipfile.ZipFile(os.path.join(data, "debian12-osv", "all.zip")) as z:
    for name in z.namelist():
        r = json.loads(z.read(name))
        records[r["id"]] = r
with open(findings) as fh:
    doc = json.load(fh)
n = 0
for f in doc["findings"]:
    if f["kind"] != "vulnerability":
        continue
    r = records.get(f["rule"])
    if r is None:
        sys.exit("%s: advisory %s is not in %s" % (f["id"], f["rule"], data))
    pkg = f["package"]
    names = {pkg.get("name"), pkg.get("source_name"), (pkg.get("name") or "").lower()}
    if pkg.get("namespace"):
        names.add("%s:%s" % (pkg["namespace"], pkg["name"]))
    fixed = set()
    named = False
    for a in r.get("affected", []):
        if a.get("package", {}).get("name") in names:
            named = True
            for rg in a.get("ranges", []):
                fixed |= {e["fixed"] for e in rg.get("events", []) if "fixed" in e}
    if not named:
        sys.exit("%s: %s does not name package %s" % (f["id"], f["rule"], sorted(x for x in names if x)))
    if f.get("fixed") and f["fixed"] not in fixed:
        sys.exit("%s: fixed version %s is not in %s" % (f["id"], f["fixed"], f["rule"]))
    ids = {r["id"]} | set(r.get("aliases", [])) | set(r.get("related", [])) | set(r.get("upstream", []))
    for c in f.get("cves", []):
        if c["id"] not in ids:
            sys.exit("%s: %s does not cite %s" % (f["id"], f["rule"], c["id"]))
    n += 1
print("%d vulnerability findings checked against %s" % (n, data))
