#!/bin/sh
# The secrets scanner against gzip: ~200 MB of this machine's /usr (programs, libraries,
# Python, headers, docs, as an image's /usr holds them) as one gzip layer.  Prints the
# scanner's MB/s next to zlib inflate's, and the layer walk (gunzip + tar + scan) against
# `bsdtar -tzf` of the same layer ([secrets] target: at most 1.15x).
# The layer is built once and kept in build/bench/ (it is this machine's files, not an image's).
set -u
ROOT="$VETTER_ROOT"
out="$ROOT/build/bench"
mkdir -p "$out"
layer="$out/usr-layer.tar.gz"
if [ ! -s "$layer" ]; then
	list="$out/usr-layer.list"
	: >"$list"
	for spec in /usr/bin:45 /usr/lib/x86_64-linux-gnu:45 /usr/lib/python3.11:40 /usr/include:40 /usr/share/doc:30; do
		dir=${spec%:*}
		mb=${spec#*:}
		[ -d "$dir" ] || continue
		find "$dir" -type f -size -20M -printf '%s\t%p\n' 2>/dev/null | sort -k2 |
			awk -F'\t' -v cap=$((mb * 1000000)) '{ if (sum + $1 > cap) exit; sum += $1; print $2 }' >>"$list"
	done
	tar --no-recursion -cf - -T "$list" 2>/dev/null | gzip -6 -n >"$layer.tmp" && mv "$layer.tmp" "$layer"
fi
PKGS=$(sed -n 's/^PKGS *:= *//p' "$ROOT/Makefile")
cc -std=c17 -D_DEFAULT_SOURCE -O2 -Wall -Wextra -Werror -I"$ROOT/src" $(pkg-config --cflags $PKGS) \
	-o "$out/secrets_bench" "$ROOT/bench/secrets_bench.c" "$ROOT/build/default/libvetter.a" \
	$(pkg-config --libs $PKGS) -lhpdf -lm -pthread || exit 1
"$out/secrets_bench" "$layer"
