#!/usr/bin/env bash
# `make demo`: check the sample workspace, load the sample after-sales records,
# render every document into out/ and list what was written.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=.venv/bin
echo "== salesdocs check =="
$bin/salesdocs check
echo "== after-sales sample records (re-running skips what is already there) =="
$bin/salesdocs records import records/sample-tickets.csv --kind tickets
$bin/salesdocs records import records/sample-events.csv --kind events
echo "== salesdocs build =="
$bin/salesdocs build
# the sample records cover May–October 2026: render October explicitly, whatever today's date
$bin/salesdocs render aftersales 2026-10
echo "== out/ =="
find out -name '*.pdf' -printf '%8s  %p\n' | sort -k2
