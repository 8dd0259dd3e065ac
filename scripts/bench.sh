#!/bin/sh
# make bench: run every benchmark in bench/ and print what each measured.
set -u
BIN="$1"
ROOT=$(cd "$(dirname "$0")/.." && pwd)
status=0
for b in "$ROOT"/bench/*.sh; do
	[ -f "$b" ] || continue
	echo "== $(basename "$b" .sh)"
	VETTER_BIN="$BIN" VETTER_ROOT="$ROOT" sh "$b" || status=1
done
exit $status
