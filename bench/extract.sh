#!/usr/bin/env bash
# Extraction benchmark: `resingest extract` over every text PDF of the shared corpus in one
# process, pinned to one core, against poppler's pdftotext file by file in the same run.
# Prints pages/s of both, the ratio and our peak RSS. Usage: bench/extract.sh [FORMAT]
set -euo pipefail
cd "$(dirname "$0")/.."
format="${1:-text}"
corpus="${RESINGEST_CORPUS:-$PWD/../shared/corpus}"
bin=target/release/resingest
[ -x "$bin" ] || cargo build --release -q -p resingest-cli
mapfile -t files < <(ls "$corpus"/{ga,sc,hrc,drafts}/*.pdf)
pages=$(awk -F'\t' 'NR>1 && $1 !~ /^scanned/ {p+=$4} END {print p}' "$corpus/MANIFEST.tsv")
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

best() { sort -n | head -1; }
ours=(); peer=(); rss=0
for run in 1 2 3; do
  start=$(date +%s.%N)
  /usr/bin/time -f %M -o "$out/rss" taskset -c 0 "$bin" extract --format "$format" --out "$out/ours" "${files[@]}"
  ours+=("$(echo "$(date +%s.%N) - $start" | bc)")
  r=$(cat "$out/rss"); [ "$r" -gt "$rss" ] && rss=$r
  start=$(date +%s.%N)
  for f in "${files[@]}"; do taskset -c 0 pdftotext "$f" "$out/peer.txt"; done
  peer+=("$(echo "$(date +%s.%N) - $start" | bc)")
done
t_ours=$(printf '%s\n' "${ours[@]}" | best)
t_peer=$(printf '%s\n' "${peer[@]}" | best)
printf 'documents: %d  pages: %d  format: %s  (best of 3, one core)\n' "${#files[@]}" "$pages" "$format"
printf '| tool | seconds | pages/s |\n|---|---|---|\n'
printf '| resingest extract --format %s | %.2f | %.0f |\n' "$format" "$t_ours" "$(echo "$pages / $t_ours" | bc -l)"
printf '| pdftotext (poppler) | %.2f | %.0f |\n' "$t_peer" "$(echo "$pages / $t_peer" | bc -l)"
printf 'ratio: %.2fx pdftotext pages/s; peak RSS %d MiB\n' "$(echo "$t_peer / $t_ours" | bc -l)" "$((rss / 1024))"
