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

# One run of a mode: "wall cpu" seconds, cpu being user+sys including the children.
run() {
  /usr/bin/time -f "%e %U %S" "$@" --format text --out "$out" "${files[@]}" 2>&1 >/dev/null |
    tail -1 | awk '{ print $1, $2 + $3 }'
}

# Modes interleaved round by round, so a busy machine (other builds) slows all of them alike;
# the best of the rounds is reported.
declare -A wall cpu
modes=(plain isolate1 isolate2)
for _ in $(seq "$runs"); do
  for mode in "${modes[@]}"; do
    case $mode in
      plain) r=$(run "$bin" extract) ;;
      isolate1) r=$(run "$bin" extract --isolate --workers 1) ;;
      isolate2) r=$(run "$bin" extract --isolate --workers 2) ;;
    esac
    w=${r% *}
    c=${r#* }
    if [ -z "${wall[$mode]:-}" ] || [ "$(echo "$w < ${wall[$mode]}" | bc -l)" = 1 ]; then wall[$mode]=$w; fi
    if [ -z "${cpu[$mode]:-}" ] || [ "$(echo "$c < ${cpu[$mode]}" | bc -l)" = 1 ]; then cpu[$mode]=$c; fi
  done
done
rate() { echo "$pages / $1" | bc -l; }
pct() { echo "($1 / $2 - 1) * 100" | bc -l; }
printf '%d files, %d pages, best of %d interleaved rounds\n' "${#files[@]}" "$pages" "$runs"
printf 'in process:            %7.1f pages/s (%.2f s wall, %.2f s cpu)\n' "$(rate "${wall[plain]}")" "${wall[plain]}" "${cpu[plain]}"
printf 'isolated, 1 child:     %7.1f pages/s (%.2f s wall, %.2f s cpu)\n' "$(rate "${wall[isolate1]}")" "${wall[isolate1]}" "${cpu[isolate1]}"
printf 'isolated, 2 children:  %7.1f pages/s (%.2f s wall, %.2f s cpu)\n' "$(rate "${wall[isolate2]}")" "${wall[isolate2]}" "${cpu[isolate2]}"
printf 'isolation overhead, 1 child vs in process: %.1f%% wall, %.1f%% cpu\n' \
  "$(pct "${wall[isolate1]}" "${wall[plain]}")" "$(pct "${cpu[isolate1]}" "${cpu[plain]}")"
