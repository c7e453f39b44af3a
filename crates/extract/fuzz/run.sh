#!/usr/bin/env bash
# Fuzzes resingest_extract::render for SECONDS (default 300), or, with FUZZ_RUNS=N set (what
# `make fuzz` does), for exactly N executions in one process, failing on the first crash. Seeds: the hostile files in
# seeds/ (ours, committed) plus a few shared corpus PDFs copied at run time into a scratch
# folder (third-party files never enter the repository). New inputs go to the scratch folder;
# crashes land in artifacts/render_text/: turn each into a regression test in
# crates/extract/tests/fuzz_regressions.rs. The xref stream with /W [0 0 0] and a billion-entry
# /Index is not a seed: lopdf 0.44 spins on it (the isolation tests cover it), and as a seed it
# would stop every run at its first input.
# Needs cargo-fuzz (`cargo install cargo-fuzz`); the toolchain is stable, so the nightly-only
# sanitizer flags are unlocked with RUSTC_BOOTSTRAP=1.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
seconds="${1:-300}"
corpus="${RESINGEST_CORPUS:-$here/../../../../shared/corpus}"
scratch="${FUZZ_SCRATCH:-$(mktemp -d)}"
mkdir -p "$scratch"
if [ -d "$corpus" ]; then
  # Small real files keep mutation fast; three organs, three producers.
  for f in sc/S_RES_2770_2025-EN.pdf hrc/A_HRC_RES_59_25-EN.pdf ga/A_RES_78_58-EN.pdf; do
    [ -f "$corpus/$f" ] && cp "$corpus/$f" "$scratch/"
  done
else
  echo "fuzz: no corpus at $corpus; seeding with the hostile files only" >&2
fi
cd "$here"
if [ -n "${FUZZ_RUNS:-}" ]; then
  # A fixed budget: the same number of executions every time, a crash fails the run and
  # leaves its input in artifacts/render_text/.
  RUSTC_BOOTSTRAP=1 cargo fuzz run render_text "$scratch" seeds/render_text -- \
    -runs="$FUZZ_RUNS" -seed=1 -max_len=1048576 -timeout=5 -rss_limit_mb=2048 -print_final_stats=1
  exit
fi
# Fork mode keeps going after a crash, timeout or OOM, so one bounded run collects them all.
RUSTC_BOOTSTRAP=1 cargo fuzz run render_text "$scratch" seeds/render_text -- \
  -max_total_time="$seconds" -max_len=1048576 -timeout=5 -rss_limit_mb=2048 \
  -fork=1 -ignore_crashes=1 -ignore_timeouts=1 -ignore_ooms=1 -print_final_stats=1
