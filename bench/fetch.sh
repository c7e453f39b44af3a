#!/usr/bin/env bash
# Fetch benchmark (issue 13): a bounded session backfill (`--ga-session 79 --ga-until N`, default
# N=300) in 2 languages against the fake UN as a process (crates/fetcher/examples/fake_un.rs),
# every request answered after a latency drawn uniformly from LAT_MIN_MS..LAT_MAX_MS (default
# 1000..2000: "seconds a call"), with 4 requests in flight per host; and, in the same run and at
# the same time (against a second fake, so the counts stay apart), the sequential fetcher (one
# request at a time, the loop the fetcher had before) on the first SEQ_N symbols (default 50: at
# this latency one at a time takes ~6 s a symbol, 30 minutes for 300). Both use
# --per-host-interval INTERVAL (default 250ms), see the README for why. Prints, per fetcher, every
# HTTP request the fake served and those to the symbol API, per document, the most requests the
# fake answered at once, and the wall time against (sum of the latencies served / in-flight
# limit), that is calls x mean latency / in-flight. Needs the local RabbitMQ (rabbitmqctl, as
# root) and PostgreSQL. Usage: bench/fetch.sh [N]
set -euo pipefail
cd "$(dirname "$0")/.."
N="${1:-300}"
SEQ_N="${SEQ_N:-50}"
SESSION=79
LAT_MIN_MS="${LAT_MIN_MS:-1000}"
LAT_MAX_MS="${LAT_MAX_MS:-2000}"
INTERVAL="${INTERVAL:-250ms}"
cargo build -q --workspace --bin resingest --example fake_un
BIN=target/debug/resingest
FAKE=target/debug/examples/fake_un
WORK=$(mktemp -d)
VHOST="bench-fetch-$$"
rabbitmqctl -q add_vhost "$VHOST" >/dev/null
rabbitmqctl -q set_permissions -p "$VHOST" guest '.*' '.*' '.*' >/dev/null
PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  rabbitmqctl -q delete_vhost "$VHOST" >/dev/null 2>&1 || true
  for db in sequential concurrent; do
    psql -X -q postgres://postgres@127.0.0.1:5432/postgres \
      -c "DROP DATABASE IF EXISTS resingest_bench_fetch_${db}_$$ WITH (FORCE)" >/dev/null 2>&1 || true
  done
  rm -rf "$WORK"
}
trap cleanup EXIT

start_fake() { # name symbols
  "$FAKE" "$SESSION" "$2" en,fr "$LAT_MIN_MS" "$LAT_MAX_MS" >"$WORK/fake-$1.out" &
  PIDS+=($!)
  for _ in $(seq 50); do grep -q listening "$WORK/fake-$1.out" 2>/dev/null && break; sleep 0.1; done
  awk '/listening/ { print $2 }' "$WORK/fake-$1.out"
}

run() { # name in-flight symbols address
  local start end
  start=$(date +%s.%N)
  RUST_LOG=warn "$BIN" fetch --source symbols --once --ga-session "$SESSION" --ga-until "$3" \
    --lang en,fr --symbol-api "http://$4/api/symbol/access" --concurrency "$2" \
    --per-host-interval "$INTERVAL" \
    --amqp-url "amqp://guest:guest@127.0.0.1:5672/$VHOST" \
    --database-url "postgres://postgres@127.0.0.1:5432/resingest_bench_fetch_${1}_$$" \
    --archive "$WORK/archive-$1" 2>"$WORK/$1.err" || { cat "$WORK/$1.err"; exit 1; }
  end=$(date +%s.%N)
  read -r served api latency_ms max_seen < <(curl -s "http://$4/_requests"; echo)
  awk -v name="$1" -v c="$2" -v t0="$start" -v t1="$end" -v served="$served" -v api="$api" \
      -v lat="$latency_ms" -v seen="$max_seen" -v docs="$(($3 * 2))" 'BEGIN {
    wall = t1 - t0; ideal = lat / 1000 / c;
    printf "| %s | %d | %d | %d | %d | %.3f | %.3f | %d | %.2f | %.1f | %.1f | %.2f |\n",
      name, c, docs, served, api, served / docs, api / docs, seen, lat / served / 1000, wall, ideal, wall / ideal }' \
    >"$WORK/$1.row"
  tail -1 "$WORK/$1.err" >"$WORK/$1.summary"
}

CONC=$(start_fake concurrent "$N")
SEQ=$(start_fake sequential "$SEQ_N")
run concurrent 4 "$N" "$CONC" &
C=$!
run sequential 1 "$SEQ_N" "$SEQ" &
S=$!
wait "$C" "$S"
echo "latency ${LAT_MIN_MS}-${LAT_MAX_MS} ms a request (uniform), --per-host-interval $INTERVAL, 2 languages; both runs at once, debug build"
echo "| fetcher | in flight per host | documents | http requests | symbol API calls | http requests/doc | API calls/doc | most in flight at the fake | mean latency s | wall s | calls x mean latency / in-flight s | ratio |"
echo "|---|---|---|---|---|---|---|---|---|---|---|---|"
cat "$WORK/concurrent.row" "$WORK/sequential.row"
echo
echo "concurrent: $(cat "$WORK/concurrent.summary")"
echo "sequential: $(cat "$WORK/sequential.summary")"
