#!/bin/sh
# [scan] target: a 200 MB gzip layer, secret scanning on, costs at most 1.15x what `bsdtar -tzf`
# needs to read it, side by side; peak memory under 100 MB whatever the layer size.
# The layer is ~200 MB of gzip made once from this machine's /usr and kept in build/bench/.
# vetter reads it the way it reads any image: `vetter inventory --secrets` on an OCI layout,
# which walks the layer, parses what it finds and scans every file for secrets.
set -u
ROOT="$VETTER_ROOT"
out="$ROOT/build/bench"
mkdir -p "$out"
layer="$out/usr-200m.tar.gz"
layout="$out/usr-200m-layout"
if [ ! -s "$layer" ]; then
	find /usr -xdev -type f -size -50M -printf '%s\t%p\n' 2>/dev/null | sort -k2 |
		awk -F'\t' '{ if (sum > 620000000) exit; sum += $1; print $2 }' >"$out/usr-200m.list"
	tar --no-recursion -cf - -T "$out/usr-200m.list" 2>/dev/null | gzip -6 -n >"$layer.tmp" && mv "$layer.tmp" "$layer"
	rm -rf "$layout"
fi
if [ ! -d "$layout" ]; then
	umoci init --layout "$layout" && umoci new --image "$layout:usr" &&
		umoci raw add-layer --image "$layout:usr" "$layer" || exit 1
fi
size=$(stat -c %s "$layer")
expanded=$(gzip -dc "$layer" | wc -c)

median() { sort -n | sed -n 2p; }
ms() { s=$(date +%s%N); "$@" >/dev/null 2>&1; e=$(date +%s%N); echo $(((e - s) / 1000000)); }

bsd=$(for i in 1 2 3; do ms bsdtar -tzf "$layer"; done | median)
vet=$(for i in 1 2 3; do ms "$VETTER_BIN" inventory --secrets --no-progress -q "oci-dir:$layout:usr"; done | median)
rss=$(/usr/bin/time -f %M "$VETTER_BIN" inventory --secrets --no-progress -q "oci-dir:$layout:usr" 2>&1 >/dev/null | tail -1)
awk -v b="$bsd" -v v="$vet" -v s="$size" -v x="$expanded" -v r="$rss" 'BEGIN {
	printf "layer: %.0f MB gzip, %.0f MB expanded\n", s / 1e6, x / 1e6
	printf "bsdtar -tzf: %.2f s   vetter inventory --secrets: %.2f s   ratio %.3f (target <= 1.15)\n", b / 1000, v / 1000, v / b
	printf "vetter: %.0f MB/s of gzip, %.0f MB/s expanded; peak RSS %.1f MB (target < 100 MB)\n", s / 1e3 / v, x / 1e3 / v, r / 1024
	exit (v / b > 1.15 || r / 1024 >= 100) }'
