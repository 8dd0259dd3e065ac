#!/bin/sh
# make demo: run the sample engagement offline from a clean state and say where the report is.
set -u
BIN="$1"
ROOT=$(cd "$(dirname "$0")/.." && pwd)
ENG="$ROOT/samples/demo/engagement.yaml"
OUT="$ROOT/out"

"$BIN" purge --yes --quiet "$ENG" >/dev/null 2>&1
rm -rf "$OUT"
start=$(date +%s.%N)
"$BIN" run "$ENG" --out "$OUT" --no-progress
rc=$?
end=$(date +%s.%N)
# 3 means "done, with coverage gaps": the demo has some on purpose.
if [ "$rc" -ne 0 ] && [ "$rc" -ne 3 ]; then
	echo "make demo: vetter run failed (exit $rc)" >&2
	exit 1
fi
printf '\nThe engagement ran in %.1f s. Outputs:\n' "$(echo "$end - $start" | bc -l 2>/dev/null || echo 0)"
for f in report.pdf findings.json findings.csv; do
	[ -f "$OUT/$f" ] && echo "  $OUT/$f"
done
