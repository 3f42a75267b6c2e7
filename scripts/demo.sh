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
$bin/salesdocs render aftersales --from 2026-10-01 --to 2026-10-31 -o out/aftersales-2026-10.pdf
echo "== out/ =="
find out -name '*.pdf' -printf '%8s  %p\n' | sort -k2
