#!/usr/bin/env bash
# Pipeline benchmark: the text PDFs of the shared corpus published N times through the broker
# (a private vhost) to 1 and then 2 `resingest worker` processes, against bare
# `resingest extract --format json` on the same files in the same run. Prints docs/s, pages/s,
# pipeline efficiency (fleet over bare), the 2-over-1 speed-up, CPU-seconds per document of
# the broker and the workers (their extraction children included), and the worker's peak RSS.
# Usage: [CONCURRENCY=slots] [MIN_PAGES=n] [INLINE_LIMIT=bytes] bench/pipeline.sh [N] (default 3). Needs rabbitmqctl (root) and the corpus.
set -euo pipefail
cd "$(dirname "$0")/.."
repeat="${1:-3}"
concurrency="${CONCURRENCY:-1}"  # extraction slots per worker
inline_limit="${INLINE_LIMIT:-8388608}"  # 0 sends every PDF as a claim check into the archive
corpus="${RESINGEST_CORPUS:-$PWD/../shared/corpus}"
bin=target/release/resingest
cargo build --release -q -p resingest-cli
tmp=$(mktemp -d)
vhost="resingest-bench-$$"
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill -KILL "$p" 2>/dev/null || true; done
  rabbitmqctl -q delete_vhost "$vhost" >/dev/null 2>&1 || true
  rm -rf "$tmp"
}
trap cleanup EXIT
rabbitmqctl -q add_vhost "$vhost"
rabbitmqctl -q set_permissions -p "$vhost" guest '.*' '.*' '.*'
export RESINGEST_AMQP_URL="amqp://guest:guest@127.0.0.1:5672/$vhost"

mkdir -p "$tmp/corpus"
# MIN_PAGES=N keeps only documents of at least N pages: heavier documents, where extraction
# dominates the per-message costs (broker, confirm, ack) even more.
min_pages="${MIN_PAGES:-0}"
pages=0
while IFS=$'\t' read -r file _ _ npages _; do
  [ "$npages" -ge "$min_pages" ] || continue
  ln -s "$corpus/$file" "$tmp/corpus/$(basename "$file")"
  pages=$((pages + npages))
done < <(awk -F'\t' 'NR>1 && $1 !~ /^scanned/' "$corpus/MANIFEST.tsv")
mapfile -t files < <(ls "$tmp"/corpus/*.pdf)
docs=${#files[@]}
total=$((docs * repeat))

ticks=$(getconf CLK_TCK)
# CPU seconds (user + system) of a process and its live children.
cpu_of() {
  local all=("$1") t c s=0
  for t in /proc/"$1"/task/*/children; do for c in $(cat "$t" 2>/dev/null); do all+=("$c"); done; done
  for p in "${all[@]}"; do
    s=$((s + $(awk '{print $14 + $15}' "/proc/$p/stat" 2>/dev/null || echo 0)))
  done
  echo "$s / $ticks" | bc -l
}
broker_pid=$(pgrep -o -f beam.smp)

# Bare extraction: one process, the same files, repeated as often as they are published;
# and two such processes at once, each doing as much: what the hardware gives two workers.
bare() { # number of processes
  local start; start=$(date +%s.%N)
  for i in $(seq "$1"); do
    (for _ in $(seq "$repeat"); do "$bin" extract --format json --out "$tmp/out$i" "${files[@]}"; done) &
  done
  wait
  local t; t=$(echo "$(date +%s.%N) - $start" | bc)
  printf '| bare extract x%d | %.2f | %.1f | %.0f | - | - | - |\n' "$1" "$t" \
    "$(echo "$1 * $total / $t" | bc -l)" "$(echo "$1 * $pages * $repeat / $t" | bc -l)"
  best "bare$1" "$t"
}

# Keeps the shortest time per configuration over the rounds.
best() {
  if [ ! -f "$tmp/$1" ] || [ "$(echo "$2 < $(cat "$tmp/$1")" | bc)" = 1 ]; then echo "$2" > "$tmp/$1"; fi
}

metric() { # worker metrics port, metric line prefix
  curl -s "http://127.0.0.1:$1/metrics" | awk -v m="$2" 'index($0, m" ") == 1 {print $2}'
}

fleet() { # number of workers
  local k=$1 i ports=() wp=()
  "$bin" publish --dir "$tmp/corpus" --repeat "$repeat" --inline-limit "$inline_limit" --archive "$tmp/archive" 2>/dev/null
  local broker0; broker0=$(cpu_of "$broker_pid")
  local start; start=$(date +%s.%N)
  for i in $(seq "$k"); do
    local port=$((9200 + i))
    "$bin" worker --concurrency "$concurrency" --prefetch 16 --metrics-addr "127.0.0.1:$port" --archive "$tmp/archive" 2>"$tmp/worker$i.log" &
    wp+=("$!"); pids+=("$!"); ports+=("$port")
  done
  while :; do
    local done=0
    for p in "${ports[@]}"; do done=$((done + $(metric "$p" 'resingest_worker_documents_total{outcome="extracted"}' || echo 0))); done
    [ "$done" -ge "$total" ] && break
    # Polling costs CPU the fleet shares: coarse until the last tenth, then fine.
    if [ $((done * 10)) -lt $((total * 9)) ]; then sleep 0.5; else sleep 0.05; fi
  done
  local t; t=$(echo "$(date +%s.%N) - $start" | bc)
  local wcpu=0 rss=0
  for p in "${wp[@]}"; do
    wcpu=$(echo "$wcpu + $(cpu_of "$p")" | bc -l)
    local r; r=$(awk '/VmHWM/ {print $2}' "/proc/$p/status"); [ "$r" -gt "$rss" ] && rss=$r
    local child_rss=0
    for c in $(cat /proc/"$p"/task/*/children); do
      local cr; cr=$(awk '/VmHWM/ {print $2}' "/proc/$c/status"); [ "$cr" -gt "$child_rss" ] && child_rss=$cr
    done
    kill -TERM "$p"; wait "$p"
  done
  local bcpu; bcpu=$(echo "$(cpu_of "$broker_pid") - $broker0" | bc -l)
  rabbitmqctl -q purge_queue -p "$vhost" resingest.extracted >/dev/null
  printf '| %d worker(s) | %.2f | %.1f | %.0f | %.3f | %.3f | %d / %d |\n' "$k" "$t" \
    "$(echo "$total / $t" | bc -l)" "$(echo "$pages * $repeat / $t" | bc -l)" \
    "$(echo "$bcpu / $total" | bc -l)" "$(echo "$wcpu / $total" | bc -l)" "$((rss / 1024))" "$((child_rss / 1024))"
  best "t$k" "$t"
}

rounds="${ROUNDS:-3}"
printf 'documents: %d x %d = %d, pages: %d x %d, on %d cores, %d extraction slot(s) per worker, %d rounds\n' "$docs" "$repeat" "$total" "$pages" "$repeat" "$(nproc)" "$concurrency" "$rounds"
printf '| run | seconds | docs/s | pages/s | broker CPU-s/doc | worker CPU-s/doc | peak RSS MiB worker / child |\n|---|---|---|---|---|---|---|\n'
for _ in $(seq "$rounds"); do
  bare 1
  fleet 1
  bare 2
  fleet 2
done
r() { echo "$(cat "$tmp/$1") / $(cat "$tmp/$2")" | bc -l; }
printf 'best of %d: pipeline efficiency (1 worker / bare): %.2f; 2 workers over 1: %.2fx; the hardware, 2 bare extractions over 1: %.2fx\n' \
  "$rounds" "$(r bare1 t1)" "$(r t1 t2)" "$(echo "2 * $(cat "$tmp/bare1") / $(cat "$tmp/bare2")" | bc -l)"
