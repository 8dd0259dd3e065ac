#!/bin/sh
# make fuzz: run each libFuzzer harness for a fixed time, seeded from tests/fuzz/seeds
# and from ../shared/data where it has examples.  Crashes land in build/fuzz/crashes/;
# each one found must become a regression test (tests/fuzz/regressions/).
set -u
SECONDS_EACH="$1"
shift
ROOT=$(cd "$(dirname "$0")/.." && pwd)
DATA="${VETTER_TESTDATA:-$ROOT/../shared/data}"
mkdir -p "$ROOT/build/fuzz/crashes"
status=0
for bin in "$@"; do
	name=$(basename "$bin")
	corpus="$ROOT/build/fuzz/corpus/$name"
	mkdir -p "$corpus"
	seeds="$ROOT/tests/fuzz/seeds/${name#fuzz_}"
	[ -d "$seeds" ] && cp -n "$seeds"/* "$corpus"/ 2>/dev/null
	# Extra seeds from the shared data: globs under VETTER_TESTDATA, one a line, in tests/fuzz/seeds/NAME.list.
	list="$ROOT/tests/fuzz/seeds/${name#fuzz_}.list"
	[ -f "$list" ] && grep -v '^#' "$list" | while read -r glob; do
		for f in $DATA/$glob; do [ -f "$f" ] && cp -n "$f" "$corpus/" 2>/dev/null; done
	done
	echo "== $name (${SECONDS_EACH}s)"
	if ! "$bin" -max_total_time="$SECONDS_EACH" -max_len=65536 -timeout=10 -rss_limit_mb=2048 \
		-artifact_prefix="$ROOT/build/fuzz/crashes/$name-" "$corpus" >"$ROOT/build/fuzz/$name.log" 2>&1; then
		echo "   CRASH: see build/fuzz/$name.log and build/fuzz/crashes/"
		status=1
	else
		tail -n 1 "$ROOT/build/fuzz/$name.log" | sed 's/^/   /'
	fi
done
exit $status
