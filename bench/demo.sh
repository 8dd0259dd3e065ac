#!/bin/sh
# The demo engagement end to end ([demo] target: under 30 s on this machine), median of 3 runs.
set -u
ROOT="$VETTER_ROOT"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cp -R "$ROOT/samples/demo" "$tmp/demo"
rm -rf "$tmp/demo/engagement.vetter"
for i in 1 2 3; do
	rm -rf "$tmp/demo/engagement.vetter" "$tmp/out"
	s=$(date +%s%N)
	"$VETTER_BIN" run "$tmp/demo/engagement.yaml" --out "$tmp/out" --quiet --no-progress
	e=$(date +%s%N)
	echo $(( (e - s) / 1000000 ))
done | sort -n | sed -n 2p | awk '{ printf "demo engagement, end to end: %.2f s (median of 3; target < 30 s)\n", $1 / 1000 }'
