#!/usr/bin/env bash
# Cost of isolation (issue 3): pages/s of `resingest extract --format text` over the corpus
# (ga, sc, hrc), in process and with --isolate, same files, best of RUNS (default 3). One file
# at a time in both modes (--workers 1), so the difference is the process boundary: the
# request/response copies over pipes and the child's startup. Release build.
# Usage: bench/isolate.sh [RUNS]; RESINGEST_CORPUS overrides ../shared/corpus.
set -euo pipefail
cd "$(dirname "$0")/.."
corpus="${RESINGEST_CORPUS:-../shared/corpus}"
runs="${1:-${RUNS:-3}}"
cargo build --release -q -p resingest-cli
bin=target/release/resingest
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT

mapfile -t rows < <(awk -F'\t' 'NR > 1 && $1 ~ /^(ga|sc|hrc)\// { print $1 "\t" $4 }' "$corpus/MANIFEST.tsv")
files=()
pages=0
for row in "${rows[@]}"; do
  files+=("$corpus/${row%%$'\t'*}")
  pages=$((pages + ${row##*$'\t'}))
done

best() { # best wall seconds of $runs runs of "$@"
  local best_s=""
  for _ in $(seq "$runs"); do
    local start end s
    start=$(date +%s.%N)
    "$@" --format text --out "$out" "${files[@]}" > /dev/null
    end=$(date +%s.%N)
    s=$(echo "$end - $start" | bc -l)
    if [ -z "$best_s" ] || [ "$(echo "$s < $best_s" | bc -l)" = 1 ]; then best_s=$s; fi
  done
  echo "$best_s"
}

plain=$(best "$bin" extract)
isolated=$(best "$bin" extract --isolate --workers 1)
isolated2=$(best "$bin" extract --isolate --workers 2)
printf '%d files, %d pages, best of %d runs\n' "${#files[@]}" "$pages" "$runs"
printf 'in process:            %7.1f pages/s (%.2f s)\n' "$(echo "$pages / $plain" | bc -l)" "$plain"
printf 'isolated, 1 child:     %7.1f pages/s (%.2f s)\n' "$(echo "$pages / $isolated" | bc -l)" "$isolated"
printf 'isolated, 2 children:  %7.1f pages/s (%.2f s)\n' "$(echo "$pages / $isolated2" | bc -l)" "$isolated2"
printf 'isolation overhead (1 child vs in process): %.1f%%\n' "$(echo "($isolated / $plain - 1) * 100" | bc -l)"
