#!/bin/sh
# Registry inventory: vetter against 'skopeo inspect' run once per tag, side by side.
#
# A docker-registry on loopback (TLS, a CA made here) holds N tags of distinct
# images (bench/app:t000..; BENCH_TAGS, default 500).  Each side reads, for
# every tag, its manifest and its image config:
#   vetter   vetter registry HOST/bench/app (one process, parallel requests over
#            reused connections)
#   skopeo   skopeo inspect --no-tags docker://HOST/bench/app:TAG, once per tag
#            (--no-tags spares skopeo a tag listing per call: the fairer race)
# first on loopback, then through a proxy that adds 50 ms of round trip, what a
# real registry costs.  Both must report the same digest for every tag.  vetter
# must be at least 5x faster on both; the rates are printed in tags per second.
set -u
BIN="${VETTER_BIN:?}"
ROOT="${VETTER_ROOT:?}"
N="${BENCH_TAGS:-500}"
for tool in docker-registry skopeo umoci openssl python3; do
	if ! command -v "$tool" >/dev/null 2>&1; then
		echo "registry bench: $tool is not installed (make deps), not run"
		exit 0
	fi
done
DIR=$(mktemp -d)
cleanup() {
	python3 "$ROOT/tests/lib/regenv.py" down "$DIR" >/dev/null 2>&1
	rm -rf "$DIR"
}
trap cleanup EXIT INT TERM

echo "setting up: a registry with $N tags (umoci, skopeo copy)..."
if ! python3 "$ROOT/tests/lib/regenv.py" up "$DIR" --watch $$ --bench "$N" >"$DIR/env.out" 2>"$DIR/env.err"; then
	cat "$DIR/env.err"
	exit 1
fi
port() { python3 -c "import json,sys; print(json.load(open('$DIR/env.json'))['ports']['$1'])"; }
REG=$(port registry)
SLOW=$(port slow)

now() { python3 -c 'import time; print(time.time())'; }

# vetter: one run; digests to DIR/vetter-PORT.txt
run_vetter() {
	t0=$(now)
	"$BIN" -q registry "127.0.0.1:$1/bench/app" --ca-file "$DIR/ca.pem" --format json >"$DIR/vetter-$1.json" || return 1
	t1=$(now)
	python3 -c "
import json
d = json.load(open('$DIR/vetter-$1.json'))
tags = d['repositories'][0]['tags']
assert len(tags) == $N and d['errors'] == 0, (len(tags), d['errors'])
with open('$DIR/vetter-$1.txt', 'w') as f:
    for t in sorted(tags, key=lambda t: t['tag']):
        f.write('%s %s\n' % (t['tag'], t['digest']))
"
	python3 -c "print('%.3f' % ($t1 - $t0))"
}

# skopeo: once per tag, in order; digests to DIR/skopeo-PORT.txt
run_skopeo() {
	: >"$DIR/skopeo-$1.txt"
	t0=$(now)
	i=0
	while [ "$i" -lt "$N" ]; do
		tag=$(printf 't%03d' "$i")
		d=$(skopeo inspect --no-tags --cert-dir "$DIR/certs" --format '{{.Digest}}' \
			"docker://127.0.0.1:$1/bench/app:$tag") || return 1
		echo "$tag $d" >>"$DIR/skopeo-$1.txt"
		i=$((i + 1))
	done
	t1=$(now)
	python3 -c "print('%.3f' % ($t1 - $t0))"
}

status=0
race() {
	label="$1" p="$2"
	tv=$(run_vetter "$p") || { echo "$label: vetter failed"; status=1; return; }
	ts=$(run_skopeo "$p") || { echo "$label: skopeo failed"; status=1; return; }
	if ! cmp -s "$DIR/vetter-$p.txt" "$DIR/skopeo-$p.txt"; then
		echo "$label: vetter and skopeo disagree on digests:"
		diff "$DIR/vetter-$p.txt" "$DIR/skopeo-$p.txt" | head
		status=1
	fi
	python3 - "$label" "$N" "$tv" "$ts" <<'EOF' || status=1
import sys
label, n, tv, ts = sys.argv[1], int(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4])
ratio = ts / tv
print("%-26s vetter %6.2f s (%6.0f tags/s)   skopeo inspect x%d %7.2f s (%5.1f tags/s)   %5.1fx %s"
      % (label, tv, n / tv, n, ts, n / ts, ratio, "ok" if ratio >= 5 else "SLOWER THAN 5x"))
sys.exit(0 if ratio >= 5 else 1)
EOF
}

echo "inventory of $N tags (manifest and config of each):"
race "loopback" "$REG"
race "loopback + 50 ms RTT" "$SLOW"
exit $status
