#!/usr/bin/env bash
# Pipeline benchmark: the text PDFs of the shared corpus published N times through the broker
# (a private vhost) to 1 and then 2 `resingest worker` processes, against bare
# `resingest extract --format json` on the same files in the same run. Prints docs/s, pages/s,
# pipeline efficiency (fleet over bare), the 2-over-1 speed-up, CPU-seconds per document of
# the broker and the workers (their extraction children included), and the worker's peak RSS.
# Usage: bench/pipeline.sh [N] (default 3). Needs rabbitmqctl (root) and the corpus.
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
for f in "$corpus"/{ga,sc,hrc,drafts}/*.pdf; do ln -s "$f" "$tmp/corpus/$(basename "$f")"; done
mapfile -t files < <(ls "$tmp"/corpus/*.pdf)
docs=${#files[@]}
pages=$(awk -F'\t' 'NR>1 && $1 !~ /^scanned/ {p+=$4} END {print p}' "$corpus/MANIFEST.tsv")
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

# Bare extraction: one process, the same files, repeated as often as they are published.
start=$(date +%s.%N)
for _ in $(seq "$repeat"); do "$bin" extract --format json --out "$tmp/out" "${files[@]}"; done
t_bare=$(echo "$(date +%s.%N) - $start" | bc)

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
    sleep 0.1
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
  echo "$t" > "$tmp/t$k"
}

printf 'documents: %d x %d = %d, pages: %d x %d, on %d cores, %d extraction slot(s) per worker\n' "$docs" "$repeat" "$total" "$pages" "$repeat" "$(nproc)" "$concurrency"
printf '| run | seconds | docs/s | pages/s | broker CPU-s/doc | worker CPU-s/doc | peak RSS MiB worker / child |\n|---|---|---|---|---|---|---|\n'
printf '| bare extract | %.2f | %.1f | %.0f | - | - | - |\n' "$t_bare" "$(echo "$total / $t_bare" | bc -l)" "$(echo "$pages * $repeat / $t_bare" | bc -l)"
fleet 1
fleet 2
printf 'pipeline efficiency (1 worker / bare): %.2f; 2 workers over 1: %.2fx\n' \
  "$(echo "$t_bare / $(cat "$tmp/t1")" | bc -l)" "$(echo "$(cat "$tmp/t1") / $(cat "$tmp/t2")" | bc -l)"
