#!/bin/sh
# The board report with 5,000 findings ([report] target: under 3 s): a synthetic results
# document (tests/lib/make_results.py: two companies, scores, consolidation) rendered to
# findings.json, findings.csv, findings.sarif, summary.md and report.pdf, then the
# clean-team edition on top.  Prints each step's time; fails when the report takes 3 s or more.
set -u
ROOT="$VETTER_ROOT"
out="$ROOT/build/bench/report"
mkdir -p "$out"
python3 "$ROOT/tests/lib/make_results.py" "$out/results.json" --findings 5000 || exit 1
PKGS=$(sed -n 's/^PKGS *:= *//p' "$ROOT/Makefile")
cc -std=c17 -D_DEFAULT_SOURCE -O2 -Wall -Wextra -Werror -I"$ROOT/src" $(pkg-config --cflags $PKGS) \
	-o "$out/report_bench" "$ROOT/bench/report_bench.c" "$ROOT/build/default/libvetter.a" \
	$(pkg-config --libs $PKGS) -lhpdf -lm -pthread || exit 1
line=$(VETTER_TEMPLATES="$ROOT/templates" "$out/report_bench" "$out/results.json" "$out" --clean-team) || exit 1
echo "$line"
pages=$(pdfinfo "$out/report.pdf" 2>/dev/null | sed -n 's/^Pages: *//p')
echo "report.pdf: ${pages:-?} pages"
# The target is the report (every output but the clean-team edition).
echo "$line" | awk '{ for (i = 1; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] } }
	END { t = v["load"] + v["data-files"] + v["pdf"]; printf "report with %s findings: %.2f s (target < 3 s)\n", v["findings"], t;
	      exit (t < 3.0 ? 0 : 1) }'
