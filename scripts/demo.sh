#!/bin/sh
# make demo: build the sample engagement (images, advisory database) and run it offline, from a clean
# state, then say where the report is.
#
#   out/engagement/   the engagement folder scripts/demo-build.py makes from samples/demo
#   out/registry/     the demo registry (scripts/demo-registry.py: docker-registry on 127.0.0.1),
#                     which runs while the engagement runs and stands in for both companies' registries
#   out/vulndb.sqlite the demo advisory database, imported from the conformance data only
#   out/              report.pdf, findings.json, findings.csv
set -u
BIN="$1"
ROOT=$(cd "$(dirname "$0")/.." && pwd)
OUT="$ROOT/out"
ENG="$OUT/engagement/engagement.yaml"
DATA="${VETTER_TESTDATA:-$ROOT/../shared/data}"
VULNDB="$OUT/vulndb.sqlite"

[ -f "$ENG" ] && "$BIN" purge --yes --quiet "$ENG" >/dev/null 2>&1
rm -rf "$OUT"
mkdir -p "$OUT"
python3 "$ROOT/scripts/demo-registry.py" "$OUT/registry" >"$OUT/registry.port" &
regpid=$!
trap 'kill $regpid 2>/dev/null; wait $regpid 2>/dev/null' EXIT
trap 'exit 1' INT TERM
i=0
while [ ! -s "$OUT/registry.port" ] && kill -0 $regpid 2>/dev/null && [ $i -lt 200 ]; do
	sleep 0.1
	i=$((i + 1))
done
PORT=$(cat "$OUT/registry.port" 2>/dev/null)
if [ -z "$PORT" ]; then
	echo "make demo: the demo registry did not start (see $OUT/registry/registry.log)" >&2
	exit 1
fi
echo "Building the demo engagement (container images, advisory database) in $OUT/engagement ..."
if [ -d "$DATA/osv" ] && [ -f "$DATA/debian12-osv/all.zip" ] && [ -f "$DATA/kev/known_exploited_vulnerabilities.json" ]; then
	python3 "$ROOT/scripts/demo-build.py" --samples "$ROOT/samples/demo" --out "$OUT/engagement" \
		--cache "$ROOT/build/demo-gocache" --registry-port "$PORT" --registry-dir "$OUT/registry" --vetter "$BIN" --data "$DATA" --vulndb "$VULNDB" || exit 1
else
	echo "make demo: no conformance data at $DATA (set VETTER_TESTDATA): the demo runs without an" >&2
	echo "advisory database, so vulnerabilities are reported as not assessed." >&2
	python3 "$ROOT/scripts/demo-build.py" --samples "$ROOT/samples/demo" --out "$OUT/engagement" \
		--cache "$ROOT/build/demo-gocache" --registry-port "$PORT" --registry-dir "$OUT/registry" || exit 1
fi

start=$(date +%s%N)
"$BIN" run "$ENG" --out "$OUT" --vulndb "$VULNDB" --no-progress
rc=$?
end=$(date +%s%N)
# 3 means "done, with coverage gaps": the demo has some on purpose (an image nobody can assess).
if [ "$rc" -ne 0 ] && [ "$rc" -ne 3 ]; then
	echo "make demo: vetter run failed (exit $rc)" >&2
	exit 1
fi
ms=$(( (end - start) / 1000000 ))
printf '\nThe engagement ran in %d.%d s (offline). Outputs:\n' $((ms / 1000)) $((ms % 1000 / 100))
for f in report.pdf findings.json findings.csv; do
	[ -f "$OUT/$f" ] && echo "  $OUT/$f"
done
echo "The report: $OUT/report.pdf"
