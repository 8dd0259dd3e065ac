#!/bin/sh
# [vulndb] targets: import of 100,000 OSV records under 30 s; 2,000 packages matched against
# 100,000 records under 0.5 s, the database opened once.
# The records are made from the real Debian 12 records of ../shared/data/debian12-osv (8,513):
# each is copied under a new id with its source package renamed to one of 24 variants, so the
# 100,000 spread over ~5,900 packages as real ones do (linux's variants carry ~2,200 each).
# The 2,000 installed packages are sources of those names at versions below, at or above the
# records' fixes.  Everything is built once in build/bench/.
# Both wall-clock and CPU time are printed; the targets are checked on CPU time, which does not
# depend on the load of a shared machine (the load average is printed too).
set -u
ROOT="$VETTER_ROOT"
BIN="$VETTER_BIN"
DATA="${VETTER_TESTDATA:-$ROOT/../shared/data}"
out="$ROOT/build/bench/vulndb"
mkdir -p "$out"
zip="$out/osv-100k.zip"
status="$out/status"
if [ ! -s "$zip" ] || [ ! -s "$status" ]; then
	/usr/bin/python3 - "$DATA/debian12-osv/all.zip" "$zip" "$status" <<'PY' || exit 1
import json, sys, zipfile
src, dst, status = sys.argv[1:4]
with zipfile.ZipFile(src) as z:
    recs = [json.loads(z.read(n)) for n in sorted(z.namelist())]
names = {}
with zipfile.ZipFile(dst + ".tmp", "w", zipfile.ZIP_DEFLATED) as out:
    for i in range(100000):
        r = json.loads(json.dumps(recs[i % len(recs)]))
        r["id"] = "%s-B%d" % (r["id"], i)
        r["aliases"] = ["%s-B%d" % (a, i) for a in r.get("aliases", [])]
        for a in r["affected"]:
            name = "%s-v%d" % (a["package"]["name"], i % 24)
            a["package"]["name"] = name
            for rg in a["ranges"]:
                for e in rg["events"]:
                    if "fixed" in e:
                        names.setdefault(name, e["fixed"])
        out.writestr(r["id"] + ".json", json.dumps(r))
import os
os.rename(dst + ".tmp", dst)
picked = sorted(names)[:: max(1, len(names) // 2000)][:2000]
with open(status, "w") as f:
    for j, name in enumerate(picked):
        fixed = names[name]
        # Below, at and above a fix, in turn.
        ver = [fixed + "~old", fixed, fixed + "+new"][j % 3]
        f.write("Package: bin%d\nStatus: install ok installed\nVersion: %s\nArchitecture: amd64\n"
                "Source: %s (%s)\n\n" % (j, ver, name, ver))
PY
fi
db="$out/vulndb.sqlite"
rm -f "$db"
s=$(date +%s%N)
"$BIN" db import osv "$zip" --vulndb "$db" >/dev/null || exit 1
e=$(date +%s%N)
imp=$(((e - s) / 1000000))
PKGS=$(sed -n 's/^PKGS *:= *//p' "$ROOT/Makefile")
cc -std=c17 -D_DEFAULT_SOURCE -O2 -Wall -Wextra -Werror -I"$ROOT/src" $(pkg-config --cflags $PKGS) \
	-o "$out/vulndb_bench" "$ROOT/bench/vulndb_bench.c" "$ROOT/build/default/libvetter.a" \
	$(pkg-config --libs $PKGS) -lhpdf -lm -pthread || exit 1
# The median of five runs (the first one reads the file into the page cache).
"$out/vulndb_bench" "$db" "$status" >/dev/null || exit 1
res=$(for i in 1 2 3 4 5; do "$out/vulndb_bench" "$db" "$status"; done | sort -k4 -n | sed -n 3p)
docs=$(for i in 1 2 3; do VULNDB_BENCH_DOCS=1 "$out/vulndb_bench" "$db" "$status"; done | sort -k4 -n | sed -n 2p)
cpu=$( (/usr/bin/time -f '%U %S' "$BIN" db import osv "$zip" --vulndb "$out/again.sqlite" >/dev/null) 2>&1 | tail -1)
rm -f "$out/again.sqlite"
set -- $res
awk -v imp="$imp" -v cpu="$cpu" -v n="$1" -v m="$2" -v open="$3" -v t="$4" -v c="$5" -v docs="$docs" \
	-v size="$(stat -c %s "$db")" -v load="$(cut -d' ' -f1 /proc/loadavg)" 'BEGIN {
	split(cpu, u, " "); split(docs, d, " ")
	printf "load average %s on %d CPUs while measuring\n", load, '"$(nproc)"'
	printf "import of 100000 OSV records: %.1f s (%.1f s CPU, a second import of the same zip) (target < 30 s); database %.0f MB\n", \
		imp / 1000, u[1] + u[2], size / 1e6
	printf "match of %d packages against 100000 records: %.3f s (%.3f s CPU), open %.3f s, %d matches (target < 0.5 s)\n", \
		n, t, c, open, m
	printf "  with each match and gap also as JSON (as vetter scan uses it): %.3f s (%.3f s CPU)\n", d[4], d[5]
	# Pass or fail on CPU time: the wall-clock figures grow with whatever else the machine runs.
	exit (u[1] + u[2] >= 30 || c + open >= 0.5) }'
